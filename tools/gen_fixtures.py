#!/usr/bin/env python3
"""Generate anomaly-lab's numpy parity fixtures from numpy itself.

    python3 -m venv .venv && .venv/bin/pip install numpy==2.4.6 scikit-learn==1.9.1 pandas
    .venv/bin/python tools/gen_fixtures.py [SET ...]    # all sets, or only those named

Writes tests/fixtures/*.json. The tests read only those files, so they never need Python.
Every float is stored as its IEEE-754 bit pattern ("0x..."), and long columns as the
SHA-256 of their little-endian bytes, so the comparison is bit for bit.
"""

import hashlib
import json
import pathlib
import random
import tomllib

import numpy as np

import fixtures_detection as det

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures"


def bits(x):
    return "0x%016x" % np.float64(x).view(np.uint64)


def sha(arr):
    return hashlib.sha256(np.ascontiguousarray(arr, dtype="<f8").tobytes()).hexdigest()


def sha_idx(idx):
    return hashlib.sha256(np.ascontiguousarray(idx, dtype="<u8").tobytes()).hexdigest()


def draw(rng, d, n):
    kind = d["kind"]
    if kind == "beta":
        return rng.beta(d["a"], d["b"], size=n)
    if kind == "uniform":
        return rng.uniform(d["low"], d["high"], size=n)
    if kind == "normal":
        return rng.normal(d["mean"], d["sd"], size=n)
    if kind == "gamma":
        return rng.gamma(d["shape"], d["scale"], size=n)
    if kind == "lognormal":
        return rng.lognormal(d["mean"], d["sigma"], size=n)
    raise ValueError(kind)


def run(features, seed, n, cut, k):
    """The notebook's computation, generalised to any features, weights and cut."""
    rng = np.random.default_rng(seed)
    score = None
    for f in features:
        term = f["weight"] * draw(rng, f["distribution"], n)
        score = term if score is None else score + term
    if "quantile" in cut:
        threshold = float(np.quantile(score, cut["quantile"]))
    else:
        threshold = float(cut["threshold"])
    priority = np.nonzero(score >= threshold)[0]
    # A stable argsort fixes the tie rule: equal scores rank by index, higher first.
    top = np.argsort(score, kind="stable")[::-1][:k]
    return score, threshold, priority, top


def raw_variates():
    """Raw draws for every sampler branch: Johnk (incl. its log path), the tiny-shape
    0/1 branch, gamma with shape < 1, == 1 and > 1, and the other distributions."""
    shapes = [
        (2.0, 4.0), (2.5, 2.5), (3.0, 5.0), (2.0, 6.0), (2.0, 3.0),
        (0.5, 0.5), (1.0, 1.0), (0.3, 0.9), (0.05, 0.02), (1e-5, 1e-5), (1e-3, 0.7),
        (1e-200, 1e-200), (0.5, 3.0), (1.0, 5.0), (1e-3, 2.0), (3.0, 1.0), (1000.0, 1000.0),
        (1.5, 0.2),
    ]
    dists = [{"kind": "beta", "a": a, "b": b} for a, b in shapes]
    dists += [
        {"kind": "normal", "mean": 0.0, "sd": 1.0},
        {"kind": "normal", "mean": -3.0, "sd": 0.25},
        {"kind": "gamma", "shape": 0.5, "scale": 2.0},
        {"kind": "gamma", "shape": 1.0, "scale": 1.0},
        {"kind": "gamma", "shape": 7.5, "scale": 0.1},
        {"kind": "uniform", "low": -1.0, "high": 3.0},
    ]
    seeds = [0, 2, 12345, 2**64 - 1, 2**100 + 7]
    cases = []
    for d in dists:
        for seed in seeds:
            n = 20000
            x = draw(np.random.default_rng(seed), d, n)
            cases.append({
                "distribution": d,
                "seed": str(seed),
                "n": n,
                "head": [bits(v) for v in x[:40]],
                "sha256": sha(x),
            })
    return cases


def quantiles():
    """np.quantile on small arrays, with q chosen to land on g = 0.5 exactly, above and
    below it, and at the ends."""
    rs = random.Random(11)
    cases = []
    for n in [1, 2, 3, 4, 5, 7, 10, 11, 96, 97, 1000]:
        values = np.random.default_rng(n).beta(2.0, 5.0, size=n)
        qs = [0.0, 1.0, 0.5, 0.8, 0.9, 0.25, 0.75, 1 / 3, 2 / 3, 0.999]
        qs += [(i + 0.5) / (n - 1) for i in range(min(n - 1, 4))] if n > 1 else []
        qs += [rs.random() for _ in range(8)]
        cases.append({
            "values": [bits(v) for v in values],
            "checks": [[bits(q), bits(np.quantile(values, q))] for q in qs],
        })
    return cases


def labs():
    out = {}
    for name in ["module2"]:
        out[name] = tomllib.loads((ROOT / "lab" / f"{name}.toml").read_text())
    # The first round's raw telemetry mix: every distribution kind, summed unscaled.
    out["mixed"] = tomllib.loads((OUT / "labs" / "mixed.toml").read_text())
    return out


def summaries():
    """Whole runs: many seeds, sizes, cuts, weights and input assumptions."""
    rs = random.Random(2024)
    all_labs = labs()
    cases = []

    def add(lab_name, seed, n, cut, k, weights=None, betas=None):
        lab = all_labs[lab_name]
        features = [dict(f) for f in lab["features"]]
        if weights is not None:
            for f, w in zip(features, weights):
                f["weight"] = w
        for name, (a, b) in (betas or {}).items():
            for f in features:
                if f["name"] == name:
                    f["distribution"] = {"kind": "beta", "a": a, "b": b}
        score, threshold, priority, top = run(features, seed, n, cut, k)
        cases.append({
            "lab": lab_name,
            "seed": str(seed),
            "n": n,
            "cut": {key: bits(v) for key, v in cut.items()},
            "top_k": k,
            "weights": None if weights is None else [bits(w) for w in weights],
            "betas": {name: [bits(a), bits(b)] for name, (a, b) in (betas or {}).items()},
            "threshold": bits(threshold),
            "priority_count": int(priority.size),
            "priority_sha256": sha_idx(priority),
            "priority_head": [int(i) for i in priority[:30]],
            "top_indices": [int(i) for i in top],
            "scores_sha256": sha(score),
        })

    add("module2", 2, 96, {"quantile": 0.8}, 5)
    add("module2", 2, 96, {"quantile": 0.9}, 5)
    add("module2", 2, 96, {"quantile": 0.8}, 5, weights=[0.4, 0.1, 0.2, 0.15, 0.15])
    add("module2", 2, 96, {"quantile": 0.8}, 5, betas={"exposure": (3.0, 3.0)})
    add("module2", 2, 96, {"threshold": 0.5}, 5)
    add("mixed", 7, 500, {"quantile": 0.95}, 10)
    names = [f["name"] for f in all_labs["module2"]["features"]]
    beta_choices = [(0.5, 0.5), (0.2, 0.9), (1.0, 1.0), (1.0, 3.0), (0.7, 4.0), (5.0, 1.0),
                    (2.0, 2.0), (1e-4, 1e-4), (30.0, 2.0)]
    for _ in range(150):
        seed = rs.choice([rs.randrange(0, 100), rs.randrange(0, 2**64), rs.randrange(0, 2**128)])
        n = rs.choice([1, 2, 3, 5, 10, 96, 97, 250, 1000, rs.randrange(1, 5000)])
        cut = {"quantile": rs.choice([0.0, 1.0, 0.5, 0.8, 0.95, rs.random(), rs.random()])}
        if rs.random() < 0.1:
            cut = {"threshold": rs.uniform(0.1, 0.7)}
        k = rs.choice([0, 1, 5, 10])
        weights = None
        if rs.random() < 0.5:
            weights = [round(rs.uniform(-0.5, 1.0), rs.choice([2, 3, 17])) for _ in names]
        betas = {}
        if rs.random() < 0.5:
            for name in rs.sample(names, rs.randrange(1, 3)):
                betas[name] = rs.choice(beta_choices)
        add("module2", seed, n, cut, k, weights, betas)
    for seed in [0, 1, 3]:
        add("mixed", seed, rs.randrange(10, 3000), {"quantile": rs.random()}, 5)
    add("module2", 5, 250_000, {"quantile": 0.8}, 5)
    return cases


def large():
    """One large run for tests/parity_large.rs (release builds): n = 10^7."""
    lab = labs()["module2"]
    score, threshold, priority, top = run(lab["features"], 2, 10_000_000, {"quantile": 0.8}, 5)
    return {
        "lab": "module2", "seed": "2", "n": 10_000_000, "cut": {"quantile": bits(0.8)},
        "top_k": 5, "weights": None, "betas": {},
        "threshold": bits(threshold), "priority_count": int(priority.size),
        "priority_sha256": sha_idx(priority), "priority_head": [int(i) for i in priority[:30]],
        "top_indices": [int(i) for i in top], "scores_sha256": sha(score),
    }


def main():
    """Writes every fixture set, or only those named on the command line."""
    import sys
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"numpy": np.__version__, "generator": "tools/gen_fixtures.py"}
    telemetry = tomllib.loads((ROOT / "lab" / "telemetry.toml").read_text())
    sets = {
        "raw_variates": raw_variates, "quantiles": quantiles, "summaries": summaries,
        "large": lambda: [large()],
        "reductions": det.reductions, "detection": det.metric_cases,
        "labelled": lambda: det.labelled_runs(draw, telemetry, sha, sha_idx),
        "data": lambda: det.data_runs(ROOT),
    }
    wanted = sys.argv[1:] or list(sets)
    for name in wanted:
        data = sets[name]()
        set_meta = meta
        if name in ("detection", "labelled", "data"):
            import pandas
            import sklearn
            set_meta = dict(meta, sklearn=sklearn.__version__, pandas=pandas.__version__)
        path = OUT / f"{name}.json"
        path.write_text(json.dumps({"meta": set_meta, "cases": data}, indent=1) + "\n")
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} cases)")


if __name__ == "__main__":
    main()
