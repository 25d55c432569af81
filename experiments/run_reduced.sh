#!/usr/bin/env bash
# Runs the experiments in reduced form (200 runs per point instead of
# the sweep files' replicates) with the given standoff binary, and builds
# their tables (if python3 is available) to check that the table script
# still reads the outputs. Exits non-zero on any failure. CI calls it as
#   experiments/run_reduced.sh target/debug/standoff
set -euo pipefail
bin=${1:?usage: experiments/run_reduced.sh PATH/TO/standoff}
[ -x "$bin" ] || { echo "run_reduced.sh: $bin is not an executable" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/standoff-experiments.XXXXXX")
trap 'rm -rf "$out"' EXIT
for e in us_levers focal_deadline fx_exposure korea_vs_japan; do
  if [ -f "$here/$e/sweep.toml" ]; then
    "$bin" sweep "$here/$e/sweep.toml" --out "$out/$e" --runs 200 --runs-csv --quiet
    [ -f "$out/$e/sweep_summary.csv" ] || { echo "run_reduced.sh: $e wrote no sweep_summary.csv" >&2; exit 1; }
  else
    for s in "$here/$e"/sweep_*.toml; do
      part=$(basename "$s" .toml); part=${part#sweep_}
      "$bin" sweep "$s" --out "$out/$e/$part" --runs 200 --runs-csv --quiet
      [ -f "$out/$e/$part/sweep_summary.csv" ] || { echo "run_reduced.sh: $e/$part wrote no sweep_summary.csv" >&2; exit 1; }
    done
  fi
  if command -v python3 >/dev/null 2>&1; then
    python3 "$here/table.py" "$e" "$out/$e" >/dev/null
  fi
  echo "experiment $e (reduced): ok"
done
