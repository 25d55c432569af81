"""Reads every CSV under the given folders with pandas and polars (their
default read_csv, as an analyst would call it) and checks the types and
values they get against the text of the file.

    python3 tests/readers/check.py EXPECTED.tsv DIR...

Each column's kind comes from its text: `empty` (every cell empty), `bool`
(`TRUE`/`FALSE`), `int` (integer literals), `float` (decimal numbers) or
`string`. Columns that hold words (outcome, dates, metric) must be strings;
every other column, the sweep's param.* columns aside, must be numbers (or
booleans). Then:

- pandas and polars read the file without error, with one row per line;
- each column has the type of its kind (int: an integer type in polars, an
  integer type in pandas, or float when it has empty cells; float: a float
  type; string: a string type; bool: a boolean type), numbers equal to the
  text's (within 1e-15 relative for pandas, whose default parser is not
  correctly rounded) and nulls exactly at the empty cells;
- the terms of an issue whose grid is whole numbers (its ends and step, or
  its fixed value; from the resolved config in manifest.json) are integers
  (polars used to fail on `929.9999999999999`);
- the `deal`, `breakdown` and `no_deal` rows of a summary are proportions
  written exactly: mean = k/count for a whole k (no `...0000001` noise), 0
  and 1 exact where they must be; forecast.csv's shares are k/n likewise.

It writes EXPECTED.tsv (file, column, name, kind, empty cells, rows) for
check.R, which reads every file with R's read.csv. Exits 1 listing every
failure.
"""

import csv
import json
import math
import re
import sys
from pathlib import Path

import pandas as pd
import polars as pl

STRING_COLUMNS = {"outcome", "end_date", "metric", "date", "as_of"}
INT_RE = re.compile(r"-?[0-9]+")
FLOAT_RE = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
NOISE_RE = re.compile(r"\.[0-9]*(0{6,}|9{6,})[1-9]$")
PROPORTIONS = {"deal", "breakdown", "no_deal"}

failures = []


def fail(path, msg):
    failures.append(f"{path}: {msg}")


def kind_of(cells):
    full = [c for c in cells if c != ""]
    if not full:
        return "empty"
    # TRUE/FALSE: the spelling all three readers take for booleans (R's
    # read.csv reads true/false as text, so they count as words here).
    if all(c in ("TRUE", "FALSE") for c in full):
        return "bool"
    if all(INT_RE.fullmatch(c) for c in full):
        return "int"
    if all(FLOAT_RE.fullmatch(c) and math.isfinite(float(c)) for c in full):
        return "float"
    return "string"


def read_text(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header):
            fail(path, f"line {i + 2} has {len(r)} cells, the header {len(header)}")
    cols = [[r[j] if j < len(r) else "" for r in body] for j in range(len(header))]
    return header, cols


def manifest_for(path):
    """The manifest.json of the run or sweep a CSV belongs to."""
    for d in [path.parent, *path.parents]:
        m = d / "manifest.json"
        if m.is_file():
            return json.loads(m.read_text(encoding="utf-8"))
    return None


def integral_issues(path):
    """Names of the issues of a runs.csv whose grid is whole numbers (and
    that no sweep parameter changes)."""
    m = manifest_for(path)
    if m is None:
        return set()
    cfg = m["config"].get("base", m["config"])
    swept = {
        p["path"].split(".")[1]
        for p in m["config"].get("sweep", {}).get("param", [])
        if p["path"].startswith("issues.")
    }
    resolution = cfg["protocol"]["resolution"]
    whole = set()
    for name, iss in cfg["issues"].items():
        if name in swept:
            continue
        if "fixed" in iss:
            ok = float(iss["fixed"]).is_integer()
        else:
            lo, hi = iss["lo"], iss["hi"]
            steps = iss.get("steps", resolution)
            ok = float(lo).is_integer() and float(hi).is_integer() and (hi - lo) % steps == 0
        if ok:
            whole.add(name)
    return whole


def check_pandas(path, header, cols, kinds):
    try:
        df = pd.read_csv(path)
    except Exception as e:  # any error is a finding
        fail(path, f"pandas cannot read it: {e}")
        return
    if list(df.columns) != header or len(df) != len(cols[0]):
        fail(path, f"pandas: {df.shape} with columns {list(df.columns)[:5]}...")
        return
    for name, cells, kind in zip(header, cols, kinds):
        s = df[name]
        t = s.dtype
        empties = [c == "" for c in cells]
        if list(s.isna()) != empties:
            fail(path, f"pandas: {name}: nulls are not the empty cells")
        if kind == "empty":
            continue
        if kind == "string":
            good = pd.api.types.is_string_dtype(t) or pd.api.types.is_object_dtype(t)
        elif kind == "bool":
            good = pd.api.types.is_bool_dtype(t) or (any(empties) and pd.api.types.is_object_dtype(t))
        elif kind == "int":
            good = pd.api.types.is_integer_dtype(t) or (any(empties) and pd.api.types.is_float_dtype(t))
        else:
            good = pd.api.types.is_float_dtype(t)
        if not good:
            fail(path, f"pandas: {name} ({kind}) read as {t}")
            continue
        if kind in ("int", "float"):
            for c, v in zip(cells, s):
                if c != "" and not math.isclose(float(c), float(v), rel_tol=1e-15, abs_tol=0.0):
                    fail(path, f"pandas: {name}: {c} read as {v!r}")
                    break


def check_polars(path, header, cols, kinds, whole):
    try:
        df = pl.read_csv(path)
    except Exception as e:
        fail(path, f"polars cannot read it: {e}")
        return
    if df.columns != header or df.height != len(cols[0]):
        fail(path, f"polars: {df.shape} with columns {df.columns[:5]}...")
        return
    for name, cells, kind in zip(header, cols, kinds):
        s = df[name]
        t = s.dtype
        empties = [c == "" for c in cells]
        if s.is_null().to_list() != empties:
            fail(path, f"polars: {name}: nulls are not the empty cells")
        if kind == "empty":
            continue
        good = {
            "string": t == pl.String,
            "bool": t == pl.Boolean,
            "int": t.is_integer(),
            "float": t.is_float(),
        }[kind]
        if name in whole and not t.is_integer():
            fail(path, f"polars: {name}, an issue on a whole-number grid, read as {t}")
        if not good:
            fail(path, f"polars: {name} ({kind}) read as {t}")
            continue
        if kind in ("int", "float"):
            for c, v in zip(cells, s.to_list()):
                if c != "" and float(c) != float(v):
                    fail(path, f"polars: {name}: {c} read as {v!r}")
                    break


def check_proportion(path, what, text, n):
    """`text` is k/n written exactly, for a whole k in 0..=n."""
    v = float(text)
    k = round(v * n)
    if not (0 <= k <= n) or v != k / n or NOISE_RE.search(text):
        fail(path, f"{what} = {text} is not a count over {n}")
    return k


def check_summaries(path, header, cols):
    if "metric" in header and "mean" in header and "count" in header:
        col = {h: c for h, c in zip(header, cols)}
        for i, metric in enumerate(col["metric"]):
            if metric not in PROPORTIONS:
                continue
            n = int(col["count"][i])
            k = check_proportion(path, f"line {i + 2} ({metric}) mean", col["mean"][i], n)
            for q in ("min", "p5", "p25", "p50", "p75", "p95", "max"):
                if col[q][i] not in ("0", "1"):
                    fail(path, f"line {i + 2} ({metric}) {q} = {col[q][i]}, not 0 or 1")
            if k == 0 and col["ci95_lo"][i] != "0":
                fail(path, f"line {i + 2} ({metric}): 0 of {n} but ci95_lo = {col['ci95_lo'][i]}")
            if k == n and col["ci95_hi"][i] != "1":
                fail(path, f"line {i + 2} ({metric}): {n} of {n} but ci95_hi = {col['ci95_hi'][i]}")
    if header[:2] == ["as_of", "metric"] and "value" in header and "n" in header:
        col = {h: c for h, c in zip(header, cols)}
        for i, metric in enumerate(col["metric"]):
            if metric in ("acceptance", "p_deal_by", "p_breakdown", "p_no_deal"):
                check_proportion(path, f"line {i + 2} ({metric}) value", col["value"][i], int(col["n"][i]))


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check.py EXPECTED.tsv DIR...")
    expected = Path(sys.argv[1])
    files = sorted(p for d in sys.argv[2:] for p in Path(d).rglob("*.csv"))
    if not files:
        sys.exit("check.py: no CSV file found")
    lines = ["file\tcol\tname\tkind\tempty\trows"]
    for path in files:
        header, cols = read_text(path)
        if not cols or not cols[0]:
            fail(path, "no rows")
            continue
        kinds = [kind_of(c) for c in cols]
        whole = integral_issues(path) if path.name == "runs.csv" else set()
        for name, kind in zip(header, kinds):
            if name in STRING_COLUMNS and kind not in ("string", "empty"):
                fail(path, f"{name} is {kind}, expected words")
            elif name not in STRING_COLUMNS and not name.startswith("param.") and kind == "string":
                bad = next(c for c in cols[header.index(name)] if c and kind_of([c]) == "string")
                fail(path, f"{name} holds {bad!r}, not a number")
            if name in whole and kind not in ("int", "empty"):
                fail(path, f"{name} is on a whole-number grid but holds {kind} values")
        check_pandas(path, header, cols, kinds)
        check_polars(path, header, cols, kinds, whole)
        check_summaries(path, header, cols)
        for j, (name, kind) in enumerate(zip(header, kinds)):
            empty = sum(c == "" for c in cols[j])
            lines.append(f"{path}\t{j + 1}\t{name}\t{kind}\t{empty}\t{len(cols[j])}")
        print(f"  {path}: {len(cols[0])} rows, {len(header)} columns"
              + (f" (whole-number issues: {', '.join(sorted(whole))})" if whole else ""))
    expected.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        print(f"check.py: {len(failures)} failures in {len(files)} files", file=sys.stderr)
        sys.exit(1)
    print(f"check.py: {len(files)} files read by pandas {pd.__version__} and polars {pl.__version__}: ok")


if __name__ == "__main__":
    main()
