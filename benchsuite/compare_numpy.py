#!/usr/bin/env python3
"""Time anomaly-lab against the numpy notebook, side by side, alternating runs.

    benchsuite/compare_numpy.sh [PYTHON]          # builds anomaly-lab, then runs this

For each size it runs numpy and anomaly-lab alternately (so machine noise hits both),
checks that both printed the same summary, and prints medians, ratios and each child's
peak memory (from wait4, per process). The table is Markdown, for the README.
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


def measure(cmd, cwd):
    """Wall seconds, the child's own peak RSS in bytes (wait4), and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(map(str, cmd))} failed:\n{err.read().decode()}")
        return wall, usage.ru_maxrss * 1024, out.read().decode()


def summary_of(text):
    doc = json.loads(text)
    s = doc.get("summary", doc)
    return s["priority_count"], s["threshold"], s["top_indices"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "anomaly-lab"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="96,1000000,10000000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    rows = []
    work = pathlib.Path(tempfile.mkdtemp(prefix="anomaly-lab-bench-"))
    try:
        for n in sizes:
            cases = []
            if n == 96:
                cases.append(("whole notebook, with plot",
                              [args.python, str(HERE / "notebook.py")],
                              [args.bin, "run", "--seed", "2", "--plot", "plot.png"]))
            cases.append(("computation, no plot",
                          [args.python, str(HERE / "numpy_lab.py"), str(n)],
                          [args.bin, "run", "--n", str(n), "--no-plot"]))
            for label, numpy_cmd, ours_cmd in cases:
                np_t, our_t, np_m, our_m = [], [], [], []
                for _ in range(args.runs):
                    t, m, out_np = measure(numpy_cmd, work)
                    np_t.append(t)
                    np_m.append(m)
                    t, m, out_ours = measure(ours_cmd, work)
                    our_t.append(t)
                    our_m.append(m)
                if n != 96 or "no plot" in label:
                    if summary_of(out_np) != summary_of(out_ours):
                        sys.exit(f"n={n}: numpy and anomaly-lab disagree")
                rows.append((n, label, statistics.median(np_t), statistics.median(our_t),
                             max(np_m), max(our_m)))
            if n >= 1_000_000:
                with_plot = []
                without = []
                for _ in range(args.runs):
                    without.append(measure([args.bin, "run", "--n", str(n), "--no-plot"], work)[0])
                    t, m, _ = measure([args.bin, "run", "--n", str(n), "--plot", "p.png"], work)
                    with_plot.append((t, m))
                wp = statistics.median(t for t, _ in with_plot)
                rows.append((n, "anomaly-lab with plot / without", statistics.median(without), wp,
                             None, max(m for _, m in with_plot)))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    mib = lambda b: "-" if b is None else f"{b / 2**20:.0f}"
    print(f"| n | what | numpy | anomaly-lab | ratio | numpy peak MiB | anomaly-lab peak MiB | anomaly-lab bytes/row over 32 MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, label, a, b, ma, mb in rows:
        if label.startswith("anomaly-lab with plot"):
            print(f"| {n:,} | {label} | {a:.3f} s | {b:.3f} s | {b / a:.2f}x slower | - | {mib(mb)} | "
                  f"{max(0, mb - 32 * 2**20) / n:.1f} |")
        else:
            print(f"| {n:,} | {label} | {a:.3f} s | {b:.3f} s | **{a / b:.1f}x** faster | {mib(ma)} | "
                  f"{mib(mb)} | {max(0, mb - 32 * 2**20) / n:.1f} |")


if __name__ == "__main__":
    main()
