#!/usr/bin/env python3
"""Time anomaly-lab against the numpy notebook, side by side, alternating runs.

    benchsuite/compare_numpy.sh [PYTHON] [-- --runs 5 --sizes 96,1000000,10000000 --cores]

For each size it runs numpy and anomaly-lab alternately (so machine noise hits both),
checks that both printed the same summary, and prints medians of wall and CPU time (user +
system), their ratios and each child's peak memory (all from wait4, per process); with
--cores, also anomaly-lab on one core (taskset -c 0) against its default. The tables are
Markdown, for the README.
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
    """Wall seconds, the child's own peak RSS in bytes and CPU seconds (user + system,
    wait4), and its stdout."""
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
        cpu = usage.ru_utime + usage.ru_stime
        return wall, usage.ru_maxrss * 1024, cpu, out.read().decode()


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
    ap.add_argument("--cores", action="store_true",
                    help="also time anomaly-lab on one core (taskset -c 0) against all")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    rows = []
    cpu_rows = []
    core_rows = []
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
                np_t, our_t, np_m, our_m, np_c, our_c = [], [], [], [], [], []
                for _ in range(args.runs):
                    t, m, c, out_np = measure(numpy_cmd, work)
                    np_t.append(t)
                    np_m.append(m)
                    np_c.append(c)
                    t, m, c, out_ours = measure(ours_cmd, work)
                    our_t.append(t)
                    our_m.append(m)
                    our_c.append(c)
                if n != 96 or "no plot" in label:
                    if summary_of(out_np) != summary_of(out_ours):
                        sys.exit(f"n={n}: numpy and anomaly-lab disagree")
                rows.append((n, label, statistics.median(np_t), statistics.median(our_t),
                             max(np_m), max(our_m)))
                cpu_rows.append((n, label, statistics.median(np_c), statistics.median(our_c)))
            if n >= 1_000_000:
                with_plot = []
                without = []
                for _ in range(args.runs):
                    without.append(measure([args.bin, "run", "--n", str(n), "--no-plot"], work)[0])
                    t, m, _, _ = measure([args.bin, "run", "--n", str(n), "--plot", "p.png"], work)
                    with_plot.append((t, m))
                wp = statistics.median(t for t, _ in with_plot)
                rows.append((n, "anomaly-lab with plot / without", statistics.median(without), wp,
                             None, max(m for _, m in with_plot)))
                if args.cores and shutil.which("taskset"):
                    # One core against every core this process may use, alternating.
                    one, every = [], []
                    ours = [args.bin, "run", "--n", str(n), "--no-plot"]
                    for _ in range(args.runs):
                        one.append(measure(["taskset", "-c", "0"] + ours, work)[0])
                        every.append(measure(ours, work)[0])
                    core_rows.append((n, statistics.median(one), statistics.median(every)))
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
    print()
    print("| n | what | numpy CPU | anomaly-lab CPU | numpy CPU / anomaly-lab CPU |")
    print("|---:|---|---:|---:|---:|")
    for n, label, a, b in cpu_rows:
        ratio = f"**{a / b:.1f}x** less" if a >= b else f"{b / a:.1f}x more"
        print(f"| {n:,} | {label} | {a:.3f} s | {b:.3f} s | {ratio} |")
    if core_rows:
        print()
        print("| n | anomaly-lab, one core | its default threads (the cores it may use, at most 8) | speed-up |")
        print("|---:|---:|---:|---:|")
        for n, one, every in core_rows:
            print(f"| {n:,} | {one:.3f} s | {every:.3f} s | {one / every:.2f}x |")


if __name__ == "__main__":
    main()
