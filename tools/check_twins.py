#!/usr/bin/env python3
"""Runs `anomaly-lab notebook` twins with numpy and scikit-learn and checks that each prints
the tool's own numbers to the last bit. Needs Python (numpy, scikit-learn, pandas, matplotlib),
so it is fixture tooling, not part of `cargo test`:

    .venv/bin/pip install numpy==2.4.6 scikit-learn==1.9.1 pandas matplotlib
    cargo build --release && .venv/bin/python tools/check_twins.py [path/to/anomaly-lab]

Each configuration is run twice: `anomaly-lab run ARGS --no-plot` (the tool's JSON) and the
twin from `anomaly-lab notebook ARGS`, run in a temporary directory; the twin's last line must
equal the run's `summary` and `detection` exactly (floats compared as doubles)."""

import json
import pathlib
import random
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOL = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "release" / "anomaly-lab")
KDD = str(ROOT / "lab" / "kdd_smtp.csv.gz")


def configs():
    yield ["--seed", "2"]
    yield ["--seed", "2", "--quantile", "0.9"]
    yield ["--seed", "2", "--weights", "severity=0.4"]
    yield ["--seed", "2", "--beta", "exposure=3,3", "--top", "0"]
    yield ["--seed", "2", "--threshold", "0.5"]
    yield ["--lab", "telemetry"]
    yield ["--lab", "telemetry", "--quantile", "0.9"]
    yield ["--lab", "telemetry", "--weights", "process_rarity=0", "--n", "50000"]
    yield ["--lab", str(ROOT / "lab" / "kdd.toml")]
    yield ["--data", KDD, "--weights", "src_bytes=-0.6,dst_bytes=-0.4", "--label", "attack"]
    yield ["--data", KDD, "--weights", "duration=1.5", "--threshold", "2.0"]
    rs = random.Random(7)
    for _ in range(12):
        args = ["--lab", "telemetry", "--seed", str(rs.randrange(2**64)),
                "--n", str(rs.choice([1, 2, 10, 999, rs.randrange(2, 20000)])),
                "--quantile", repr(rs.random())]
        if rs.random() < 0.5:
            args += ["--weights", ",".join(repr(round(rs.uniform(-1, 1), 3)) for _ in range(3))]
        yield args


def main():
    failures = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for args in configs():
            total += 1
            run = subprocess.run([TOOL, "run", *args, "--no-plot"], capture_output=True, text=True)
            twin = subprocess.run([TOOL, "notebook", *args], capture_output=True, text=True)
            refused = run.returncode == 1 and "no usable spread" in run.stderr
            if refused and twin.returncode == 0:
                # The tool refuses a feature it cannot scale; numpy divides by zero instead.
                script = pathlib.Path(tmp) / "twin.py"
                script.write_text(twin.stdout)
                out = subprocess.run([sys.executable, "-W", "ignore", str(script)],
                                     capture_output=True, text=True, cwd=tmp)
                last = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout else {}
                threshold = last.get("summary", {}).get("threshold")
                if out.returncode == 0 and threshold == threshold:
                    print(f"FAIL {args}: the tool refused, but the twin's threshold is {threshold}")
                    failures += 1
                else:
                    print(f"ok   {' '.join(args)} (refused; numpy gives NaN or fails)")
                continue
            if run.returncode != 0 or twin.returncode != 0:
                # The tool refusing a configuration (e.g. no spread at n = 1) is fine if the
                # refusal is the same for both commands.
                if run.returncode == twin.returncode and run.returncode != 0:
                    print(f"refused alike: {args}: {run.stderr.strip()}")
                    continue
                print(f"FAIL {args}: run {run.returncode} {run.stderr} twin {twin.returncode} {twin.stderr}")
                failures += 1
                continue
            script = pathlib.Path(tmp) / "twin.py"
            script.write_text(twin.stdout)
            out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp)
            if out.returncode != 0:
                print(f"FAIL {args}: the twin failed:\n{out.stderr}")
                failures += 1
                continue
            got = json.loads(out.stdout.strip().splitlines()[-1])
            doc = json.loads(run.stdout)
            want = {"summary": doc["summary"]}
            if "detection" in doc:
                want["detection"] = doc["detection"]
            if got != want:
                print(f"FAIL {args}:\n  twin {got}\n  tool {want}")
                failures += 1
            else:
                print(f"ok   {' '.join(args)}")
    print(f"{total - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
