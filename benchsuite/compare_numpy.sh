#!/usr/bin/env bash
# Side-by-side timing of anomaly-lab against the numpy notebook.
#   benchsuite/compare_numpy.sh [PYTHON] [-- extra args for compare_numpy.py]
# PYTHON must have numpy (and matplotlib, for the n = 96 notebook with its plot):
#   python3 -m venv .venv && .venv/bin/pip install numpy==2.4.6 matplotlib
set -euo pipefail
python="${1:-python3}"
shift || true
# The usage line's `-- extra args`: the separator is ours, not the Python script's.
if [ "${1:-}" = "--" ]; then shift; fi
# The benchmark runs in a scratch directory, so a relative interpreter path is made
# absolute here, from where it was given (without resolving a venv's symlink).
case "$python" in
  */*) python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")" ;;
esac
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec "$python" benchsuite/compare_numpy.py --python "$python" "$@"
