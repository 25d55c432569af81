#!/usr/bin/env bash
# The readers check (issue 10, "what it must show" 1): writes a run (the
# built-in model, 4,000 runs with runs.csv), a run of the built-in forecast,
# a forecast from two dates and a small sweep with its runs (sweep.toml
# beside this script), then reads every CSV under them (recursively, so
# new files are covered as they come) with pandas and polars (check.py)
# and with R's read.csv (check.R), checking types and exact values.
#   tests/readers/run.sh PATH/TO/standoff [PYTHON]
# PYTHON (default python3) must import pandas and polars; Rscript must be
# on the PATH. Exits non-zero on any failure.
set -euo pipefail
bin=${1:?usage: tests/readers/run.sh PATH/TO/standoff [PYTHON]}
py=${2:-python3}
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/standoff-readers.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$bin" run --no-forecast --runs 4000 --seed 3 --quiet --out "$out/run"
"$bin" run --runs 300 --seed 3 --quiet --out "$out/forecast_run"
"$bin" forecast --as-of 2025-08-31,2025-10-27 --runs 300 --seed 3 --quiet --out "$out/forecast"
"$bin" sweep "$here/sweep.toml" --runs 300 --runs-csv --quiet --out "$out/sweep"
"$py" "$here/check.py" "$out/expected.tsv" "$out/run" "$out/forecast_run" "$out/forecast" "$out/sweep"
Rscript "$here/check.R" "$out/expected.tsv"
