"""Fixtures for ground truth: numpy's reductions, scikit-learn's detection metrics and curves,
and whole labelled runs (labels, class-conditional features, scaling). Used by
tools/gen_fixtures.py; every expected value comes from numpy or scikit-learn themselves."""

import random
import warnings

import numpy as np
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score,
                             precision_recall_curve, precision_score, recall_score,
                             roc_auc_score, roc_curve)


def bits(x):
    return "0x%016x" % np.float64(x).view(np.uint64)


def opt_bits(x):
    return None if x is None else bits(x)


def reductions():
    """np.sum, x.mean(), x.std() over sizes that cross every pairwise-summation branch.
    Each array is `default_rng(n).normal(3.0, 10.0, size=n)`, for "mixed" then multiplied by
    `np.where(rng.random(n) < 0.1, 1e12, 1.0)` (magnitudes that expose the summation order);
    the tests redraw it with the crate's numpy-exact generator."""
    cases = []
    for n in [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257, 1000, 8191, 8192, 8193,
              10000, 65539, 200003]:
        for kind in ["normal", "mixed"]:
            rng = np.random.default_rng(n)
            x = rng.normal(3.0, 10.0, size=n)
            if kind == "mixed":
                x = x * np.where(rng.random(n) < 0.1, 1e12, 1.0)
            cases.append({"n": n, "kind": kind, "sum": bits(np.sum(x)), "mean": bits(x.mean()),
                          "std": bits(x.std())})
    return cases


def safe(fn, *args, **kw):
    """scikit-learn's value, or None where it raises or returns NaN for an undefined metric."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            v = float(fn(*args, **kw))
        except ValueError:
            return None
    return None if np.isnan(v) else v


def detection(y, score, threshold, k, top):
    """The run's `detection` object, every number from scikit-learn."""
    pred = (score >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        top_pred = np.zeros_like(y)
        top_pred[top] = 1
        pak = precision_score(y[top], np.ones(len(top), dtype=int), zero_division=0) if len(top) else 0.0
        fpr = fp / (fp + tn) if fp + tn else 0.0
        return {
            "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
            "precision": bits(precision_score(y, pred, zero_division=0)),
            "recall": bits(recall_score(y, pred, zero_division=0)),
            "f1": bits(f1_score(y, pred, zero_division=0)),
            "fpr": bits(fpr),
            "precision_at_k": bits(pak), "k": int(len(top)),
            "average_precision": bits(safe(average_precision_score, y, score)),
            "roc_auc": opt_bits(safe(roc_auc_score, y, score)),
        }


def curves(y, score):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, t = precision_recall_curve(y, score)
        out = {"pr": {"precision": [bits(v) for v in p], "recall": [bits(v) for v in r],
                      "thresholds": [bits(v) for v in t]}}
        if 0 < y.sum() < len(y):
            fpr, tpr, thr = roc_curve(y, score)
            out["roc"] = {"fpr": [bits(v) for v in fpr], "tpr": [bits(v) for v in tpr],
                          "thresholds": [None if np.isinf(v) else bits(v) for v in thr]}
    return out


def metric_cases():
    """Scores and labels with ties, no alerts, no threats and all threats, against sklearn."""
    rs = random.Random(8)
    cases = []

    def add(score, y, threshold, k):
        score = np.asarray(score, dtype=float)
        y = np.asarray(y, dtype=int)
        top = np.argsort(score, kind="stable")[::-1][:k]
        case = {"scores": [bits(v) for v in score], "labels": [int(v) for v in y],
                "threshold": bits(threshold), "top": [int(i) for i in top],
                "detection": detection(y, score, threshold, k, top)}
        case.update(curves(y, score))
        cases.append(case)

    add([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0], 0.5, 2)
    add([0.3, 0.2, 0.1], [0, 0, 0], 0.2, 1)            # no threats
    add([0.3, 0.2, 0.1], [1, 1, 1], 0.2, 1)            # all threats
    add([0.3, 0.2, 0.1], [1, 0, 1], 0.9, 3)            # no alerts
    add([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 1], 0.5, 2)    # every score tied
    add([0.5], [1], 0.1, 1)
    add([0.5], [0], 0.1, 0)
    for _ in range(300):
        n = rs.choice([2, 3, 5, 10, 50, 200, rs.randrange(1, 400)])
        prevalence = rs.choice([0.0, 0.02, 0.1, 0.5, 0.9, 1.0, rs.random()])
        y = [int(rs.random() < prevalence) for _ in range(n)]
        if rs.random() < 0.5:
            score = [rs.randrange(0, rs.choice([2, 5, 20])) / 4 for _ in range(n)]
        else:
            score = [rs.gauss(0, 1) + (1.0 if t else 0.0) for t in y]
        q = rs.random()
        threshold = float(np.quantile(score, q)) if rs.random() < 0.8 else rs.gauss(0, 1)
        add(score, y, threshold, rs.choice([0, 1, 5, 10]))
    return cases


def labelled_run(draw, lab, seed, n, cut, k):
    """A labelled lab's run, written out independently of the tool from the README's scheme:
    labels first, then each feature (threat cases redrawn from the threat distribution),
    scaled on the population, weighted and summed left to right."""
    rng = np.random.default_rng(seed)
    threat = rng.random(n) < lab["labels"]["prevalence"]
    score = None
    for f in lab["features"]:
        x = draw(rng, f["distribution"], n)
        if "threat" in f:
            x[threat] = draw(rng, f["threat"], int(threat.sum()))
        scale = f.get("scale", "none")
        if scale == "zscore":
            x = (x - x.mean()) / x.std()
        elif scale == "minmax":
            x = (x - x.min()) / (x.max() - x.min())
        term = f["weight"] * x
        score = term if score is None else score + term
    if "quantile" in cut:
        threshold = float(np.quantile(score, cut["quantile"]))
    else:
        threshold = float(cut["threshold"])
    top = np.argsort(score, kind="stable")[::-1][:k]
    return threat.astype(int), score, threshold, top


def labelled_runs(draw, base_lab, sha, sha_idx):
    rs = random.Random(31)
    cases = []
    dists = [
        {"kind": "gamma", "shape": 2.0, "scale": 1.5}, {"kind": "gamma", "shape": 0.7, "scale": 3.0},
        {"kind": "lognormal", "mean": 3.0, "sigma": 1.0}, {"kind": "lognormal", "mean": -1.0, "sigma": 0.3},
        {"kind": "beta", "a": 1.5, "b": 6.0}, {"kind": "beta", "a": 2.5, "b": 2.5},
        {"kind": "normal", "mean": 0.0, "sd": 2.0}, {"kind": "uniform", "low": 0.0, "high": 10.0},
    ]

    def add(lab, seed, n, cut, k):
        y, score, threshold, top = labelled_run(draw, lab, seed, n, cut, k)
        priority = np.nonzero(score >= threshold)[0]
        cases.append({
            "prevalence": lab["labels"]["prevalence"], "features": lab["features"],
            "seed": str(seed), "n": n, "cut": {key: bits(v) for key, v in cut.items()},
            "top_k": k, "threshold": bits(threshold),
            "priority_count": int(priority.size), "priority_sha256": sha_idx(priority),
            "top_indices": [int(i) for i in top], "scores_sha256": sha(score),
            "threats_sha256": sha_idx(np.nonzero(y)[0]),
            "detection": detection(y, score, threshold, k, top),
        })

    add(base_lab, base_lab["seed"], base_lab["n"], {"quantile": base_lab["quantile"]},
        base_lab["top_k"])
    for _ in range(60):
        features = []
        for i in range(rs.randrange(1, 5)):
            f = {"name": f"f{i}", "weight": round(rs.uniform(-0.5, 1.0), rs.choice([2, 17])),
                 "distribution": rs.choice(dists)}
            if rs.random() < 0.6:
                f["threat"] = rs.choice(dists)
            scale = rs.choice(["none", "zscore", "minmax"])
            if scale != "none":
                f["scale"] = scale
            features.append(f)
        lab = {"labels": {"name": "threat", "prevalence": rs.choice([0.0, 0.01, 0.03, 0.3, 1.0, rs.random()])},
               "features": features}
        n = rs.choice([2, 3, 10, 96, 1000, rs.randrange(2, 5000)])
        cut = {"quantile": rs.choice([0.0, 1.0, 0.8, 0.95, rs.random()])}
        if rs.random() < 0.15:
            cut = {"threshold": rs.uniform(-1.0, 1.0)}
        seed = rs.choice([rs.randrange(0, 100), rs.randrange(0, 2**64)])
        add(lab, seed, n, cut, rs.choice([0, 1, 5, 10]))
    return cases


def pr_digest(y, score):
    """precision_recall_curve as its length and the SHA-256 of precision, recall and
    thresholds (little-endian doubles, one array after the other)."""
    import hashlib
    p, r, t = precision_recall_curve(y, score)
    h = hashlib.sha256()
    for a in (p, r, t):
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
    return {"points": int(len(p)), "sha256": h.hexdigest()}


def data_runs(root):
    """Scoring the shipped KDD SMTP export with pandas, numpy and scikit-learn: score = the
    weighted sum of the named columns (raw, or z-scored with numpy), cut, top K, detection."""
    import pandas as pd
    df = pd.read_csv(root / "lab" / "kdd_smtp.csv.gz")
    y = df["attack"].to_numpy().astype(int)
    cases = []
    combos = [
        ({"src_bytes": 0.5, "dst_bytes": 0.3, "duration": 0.2}, "none", {"quantile": 0.8}, 5),
        ({"src_bytes": -0.6, "dst_bytes": -0.4}, "none", {"quantile": 0.99}, 10),
        ({"duration": 0.2, "src_bytes": 0.5, "dst_bytes": 0.3}, "zscore", {"quantile": 0.99}, 10),
        ({"src_bytes": -1.0}, "minmax", {"quantile": 0.95}, 3),
        ({"dst_bytes": 1.0, "duration": -0.25}, "none", {"threshold": 5.9}, 0),
    ]
    for weights, scale, cut, k in combos:
        score = None
        for name, w in weights.items():
            x = df[name].to_numpy(dtype=float)
            if scale == "zscore":
                x = (x - x.mean()) / x.std()
            elif scale == "minmax":
                x = (x - x.min()) / (x.max() - x.min())
            term = w * x
            score = term if score is None else score + term
        threshold = float(np.quantile(score, cut["quantile"])) if "quantile" in cut else cut["threshold"]
        top = np.argsort(score, kind="stable")[::-1][:k]
        cases.append({
            "weights": weights, "scale": scale, "cut": {key: bits(v) for key, v in cut.items()},
            "top_k": k, "threshold": bits(threshold),
            "priority_count": int((score >= threshold).sum()),
            "top_indices": [int(i) for i in top],
            "detection": detection(y, score, threshold, k, top),
            "pr": pr_digest(y, score),
            "sweep": [{"quantile": bits(q), "threshold": bits(np.quantile(score, q)),
                       "priority_count": int((score >= np.quantile(score, q)).sum()),
                       "tp": int(((score >= np.quantile(score, q)) & (y == 1)).sum())}
                      for q in [0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0]],
        })
    return cases
