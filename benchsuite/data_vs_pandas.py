#!/usr/bin/env python3
"""Scoring a 5.7-million-row telemetry export: anomaly-lab against pandas, side by side.

    .venv/bin/pip install numpy pandas
    cargo build --release --locked
    .venv/bin/python benchsuite/data_vs_pandas.py [--runs 5] [--copies 60]

Builds the export from the shipped KDD SMTP sample (lab/kdd_smtp.csv.gz repeated --copies
times: 95,156 x 60 = 5.7 million rows, about 330 MB) in a temporary directory, then runs the
two alternately, --runs times each, and prints medians of wall time and peak memory
(the process's own maximum resident set) and their ratio. pandas does what a student would:
read_csv, the weighted sum, np.quantile. anomaly-lab runs `run --data` as a student would
(with the top 5 cases explained: their percentiles are counted from the values it set aside
during the pass) and with --top 0.
"""

import argparse
import gzip
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WEIGHTS = "src_bytes=0.5,dst_bytes=0.3,duration=0.2"
PANDAS = """
import sys, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1])
s = 0.5*df["src_bytes"].to_numpy() + 0.3*df["dst_bytes"].to_numpy() + 0.2*df["duration"].to_numpy()
t = float(np.quantile(s, 0.8))
print(int((s >= t).sum()), t)
"""


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024  # MiB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--tool", default=str(ROOT / "target" / "release" / "anomaly-lab"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        lines = gzip.decompress((ROOT / "lab" / "kdd_smtp.csv.gz").read_bytes()).split(b"\n", 1)
        header, body = lines[0] + b"\n", lines[1]
        big = tmp / "big.csv"
        with open(big, "wb") as f:
            f.write(header)
            for _ in range(args.copies):
                f.write(body)
        rows = body.count(b"\n") * args.copies
        print(f"{big.stat().st_size / 1e6:.0f} MB, {rows:,} rows; {args.runs} runs each, alternating")
        script = tmp / "pandas_score.py"
        script.write_text(PANDAS)
        cmds = {
            "pandas": [sys.executable, str(script), str(big)],
            "anomaly-lab": [args.tool, "run", "--data", str(big), "--weights", WEIGHTS, "--no-plot"],
            "anomaly-lab --top 0": [args.tool, "run", "--data", str(big), "--weights", WEIGHTS,
                                    "--no-plot", "--top", "0"],
        }
        results = {k: [] for k in cmds}
        for name, cmd in cmds.items():
            timed(cmd)  # warm-up: the file into the page cache
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                results[name].append(timed(cmd))
        base = statistics.median(w for w, _ in results["pandas"])
        for name, r in results.items():
            wall = statistics.median(w for w, _ in r)
            peak = statistics.median(m for _, m in r)
            print(f"{name:22} {wall:6.3f} s  peak {peak:7.1f} MiB  "
                  f"({peak * 2**20 / rows:5.1f} B/row)  pandas/this {base / wall:4.2f}x")


if __name__ == "__main__":
    main()
