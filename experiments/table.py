#!/usr/bin/env python3
"""Markdown tables for the experiments, computed from a sweep folder.

    python3 experiments/table.py EXPERIMENT SWEEP_DIR

EXPERIMENT is us_levers, focal_deadline, fx_exposure or korea_vs_japan;
SWEEP_DIR is the folder written by `standoff sweep` (sweep_summary.csv, and
runs.csv where the experiment needs runs: every experiment is run with
--runs-csv). korea_vs_japan has two sweeps, and its SWEEP_DIR holds
their folders, korea/ and japan/. Prints the table and a few generated answer lines; no number in
an experiment's README is typed by hand. Python standard library only.
"""

import csv
import math
import os
import re
import sys
from datetime import date

Z95 = 1.959963984540054


# ---------------------------------------------------------------------------
# Reading a sweep folder


def read_summary(d):
    """(params, points): params are the param.<path> columns; points maps the
    point index to {"values": {path: cell}, "m": {metric: row}}."""
    with open(os.path.join(d, "sweep_summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{d}/sweep_summary.csv has no rows")
    params = [c[len("param."):] for c in rows[0] if c.startswith("param.")]
    points = {}
    for r in rows:
        p = points.setdefault(
            int(r["point"]), {"values": {k: r["param." + k] for k in params}, "m": {}}
        )
        p["m"][r["metric"]] = r
    return params, points


_RUNS = {}


def runs(d, i):
    """The rows of point i in the sweep's runs.csv, in replicate order."""
    if d not in _RUNS:
        path = os.path.join(d, "runs.csv")
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run the sweep with --runs-csv")
        by_point = {}
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                by_point.setdefault(int(r["point"]), []).append(r)
        _RUNS[d] = by_point
    return _RUNS[d].get(i, [])


def num(x):
    return float(x) if x not in ("", None) else float("nan")


def stat(point, metric, col="mean"):
    return num(point["m"][metric][col])


def median_ci(xs):
    """The median of xs with its distribution-free 95% interval: the order
    statistics at n/2 -+ 1.96 sqrt(n)/2 (the binomial count below the median)."""
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return float("nan"), (float("nan"), float("nan"))
    h = Z95 * math.sqrt(n) / 2
    lo, hi = max(0, int(math.floor(n / 2 - h))), min(n - 1, int(math.ceil(n / 2 + h)))
    return xs[n // 2], (xs[lo], xs[hi])


# ---------------------------------------------------------------------------
# Formatting


def f(x, nd=3):
    if x != x:  # NaN
        return "–"
    return f"{x:.{nd}f}"


def pp(x, nd=1):
    """A difference of proportions in percentage points, signed."""
    if x != x:
        return "–"
    return f"{100 * x:+.{nd}f} pp"


def pct(x, nd=1):
    if x != x:
        return "–"
    return f"{100 * x:.{nd}f}%"


def wilson(k, n):
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    z2 = Z95 * Z95
    c = (p + z2 / (2 * n)) / (1 + z2 / n)
    h = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return c - h, c + h


def mean_ci(xs):
    """Mean and half-width of a 95% normal interval."""
    n = len(xs)
    if n == 0:
        return float("nan"), float("nan")
    m = sum(xs) / n
    if n < 2:
        return m, float("nan")
    var = sum((x - m) ** 2 for x in xs) / (n - 1)
    return m, Z95 * math.sqrt(var / n)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def p_deal(point):
    """P(deal) with its Wilson interval, as in sweep_summary.csv."""
    r = point["m"]["deal"]
    return f"{f(num(r['mean']))} [{f(num(r['ci95_lo']))}, {f(num(r['ci95_hi']))}]"


# ---------------------------------------------------------------------------
# us_levers


def paired(d, i, base_rows, metric, transform=float):
    """Mean difference point i − baseline over replicates (common random
    numbers pair them), with a 95% half-width."""
    rows = runs(d, i)
    diffs = [transform(a[metric]) - transform(b[metric]) for a, b in zip(rows, base_rows)]
    return mean_ci(diffs)


def us_levers(d):
    params, points = read_summary(d)
    base = min(points)
    base_rows = runs(d, base)
    is_deal = lambda r: 1.0 if r == "deal" else 0.0  # noqa: E731
    rows, effects = [], []
    for i, p in sorted(points.items()):
        off = [k.split(".")[1] for k in params if p["values"][k].lower() == "false"]
        label = "none (all on)" if not off else ("all four" if len(off) == len(params) else ", ".join(off))
        if i == base:
            dd = du = dk = (float("nan"), float("nan"))
        else:
            dd = paired(d, i, base_rows, "outcome", is_deal)
            du = paired(d, i, base_rows, "utility_us")
            dk = paired(d, i, base_rows, "utility_korea")
            effects.append((label, dd, du, dk))
        ci = lambda m: "–" if m[0] != m[0] else f"{m[0]:+.4f} ± {m[1]:.4f}"  # noqa: E731
        rows.append([
            str(i),
            label,
            p_deal(p),
            "–" if i == base else f"{pp(dd[0])} ± {100 * dd[1]:.1f}",
            f(stat(p, "breakdown")),
            f(stat(p, "end_round"), 1),
            f(stat(p, "cash_share")),
            f(stat(p, "annual_cap"), 2),
            f(stat(p, "swap_line"), 1),
            ci(du),
            ci(dk),
        ])
    print(table(
        ["point", "US levers off", "P(deal) [95% CI]", "ΔP(deal) vs all on",
         "P(breakdown)", "mean end round", "cash share", "annual cap ($bn/yr)",
         "swap line ($bn)", "Δ US utility", "Δ Korea utility"],
        rows,
    ))
    print()
    print("Differences are paired over replicates (common random numbers), ± a 95% half-width. "
          "Terms are means over deals.")
    print()
    single = [e for e in effects if e[0] != "all four"]
    if single:
        top = max(single, key=lambda e: abs(e[1][0]))
        print(f"- Largest effect on P(deal) of a single lever: switching off **{top[0]}** "
              f"changes P(deal) by {pp(top[1][0])} (± {100 * top[1][1]:.1f}).")
        back = [e for e in single if e[2][0] - e[2][1] > 0]
        helps_deal = [e for e in single if e[1][0] - e[1][1] > 0]
        if back:
            print("- Backfires (the US is better off without it: Δ US utility > 0, interval above 0): "
                  + ", ".join(f"**{e[0]}** ({e[2][0]:+.4f} ± {e[2][1]:.4f})" for e in back) + ".")
        else:
            print("- No lever backfires on the US's utility: switching any one off does not raise "
                  "it significantly.")
        if helps_deal:
            print("- Switching off " + ", ".join(f"**{e[0]}**" for e in helps_deal)
                  + " raises P(deal) significantly: it hinders agreement.")
    for e in effects:
        if e[0] == "all four":
            print(f"- All four off: P(deal) {pp(e[1][0])} (± {100 * e[1][1]:.1f}), "
                  f"US utility {e[2][0]:+.4f} ± {e[2][1]:.4f}, Korea utility {e[3][0]:+.4f} ± {e[3][1]:.4f}.")


# ---------------------------------------------------------------------------
# focal_deadline


def base_focal_round(d):
    """The round of the base scenario's focal date (the APEC summit)."""
    text = open(os.path.join(d, "base.toml"), encoding="utf-8").read()
    try:
        import tomllib

        cfg = tomllib.loads(text)
        start, focal = str(cfg["clock"]["start"]), str(cfg["clock"]["focal"]["date"])
        days = int(cfg["clock"].get("days_per_round", 7))
    except ImportError:
        start = re.search(r'^start\s*=\s*"?(\d{4}-\d\d-\d\d)', text, re.M).group(1)
        focal = re.search(r'\[clock\.focal\][^\[]*?^date\s*=\s*"?(\d{4}-\d\d-\d\d)', text, re.M | re.S).group(1)
        m = re.search(r"^days_per_round\s*=\s*(\d+)", text, re.M)
        days = int(m.group(1)) if m else 7
    delta = (date.fromisoformat(focal) - date.fromisoformat(start)).days
    return -(-delta // days)


def focal_deadline(d):
    params, points = read_summary(d)
    r0 = base_focal_round(d)
    lo, hi = r0 - 2, r0 + 2
    rows, near_shares = [], []
    for i, p in sorted(points.items()):
        v = p["values"]
        rs = runs(d, i)
        n = len(rs)
        deal_rounds = sorted(int(r["end_round"]) for r in rs if r["outcome"] == "deal")
        k = len(deal_rounds)
        near = sum(1 for x in deal_rounds if lo <= x <= hi)
        share = near / k if k else float("nan")
        slo, shi = wilson(near, k)
        q = lambda x: deal_rounds[min(k - 1, int(x * k))] if k else "–"  # noqa: E731
        # The focal date moved past the horizon: no summit at all.
        focal = "no" if v.get("clock.focal.date", "").startswith("2027") else "yes"
        meeting = "on" if v.get("events.summit_opportunity.enabled", "").lower() == "true" else "off"
        summit = f"{focal} / {meeting}"
        costs = f"{num(v['clock.focal.audience_cost.korea']):g} / {num(v['clock.focal.audience_cost.us']):g}"
        near_shares.append((i, summit, costs, share))
        rows.append([
            str(i),
            summit,
            costs,
            p_deal(p),
            f"{pct(share)} [{pct(slo)}, {pct(shi)}]",
            pct(near / n),
            f"{q(0.5)} [{q(0.25)}, {q(0.75)}]",
            f(stat(p, "cost_korea"), 2),
            f(stat(p, "cost_us"), 2),
        ])
    print(table(
        ["point", "focal date / summit meeting", "audience cost korea / us ($bn)",
         "P(deal) [95% CI]", f"deals in rounds {lo}–{hi}: share of deals [95% CI]",
         f"P(deal in rounds {lo}–{hi})", "deal round: median [p25, p75]",
         "cost korea ($bn)", "cost us ($bn)"],
        rows,
    ))
    print()
    print(f"Round {r0} is the focal date of the base scenario (the APEC summit); ±2 rounds is "
          f"rounds {lo}–{hi}. Costs are means over all runs.")
    print()
    # The audience-cost series: the focal date without the meeting, both
    # sides' costs in proportion (korea = 2 x us), in the order of the points.
    series = [s for s in near_shares if s[1] == "yes / off" and s[2].split(" / ")[0] != "0.0"
              and num(s[2].split(" / ")[0]) == 2 * num(s[2].split(" / ")[1])
              or s[1] == "yes / off" and s[2] == "0.0 / 0.0"]
    if series:
        shares = [s[3] for s in series]
        monotone = all(b >= a for a, b in zip(shares, shares[1:]))
        print(f"- The audience cost alone (focal date, no meeting; points {series[0][0]}–{series[-1][0]}): "
              f"the share of deals within ±2 rounds of round {r0} goes from {pct(shares[0])} "
              f"at no cost to {pct(shares[-1])} at the largest "
              f"(x{shares[-1] / shares[0]:.2f}), {'rising at every step' if monotone else 'not monotone'}.")
    for s in near_shares:
        if s[1] == "yes / off" and s[2] not in [t[2] for t in series]:
            print(f"- A cost on one side only ({s[2]}, point {s[0]}): {pct(s[3])}.")
        if s[1] == "yes / on":
            print(f"- The summit meeting with audience costs {s[2]} (point {s[0]}): {pct(s[3])}.")
        if s[1].startswith("no"):
            print(f"- Without the summit (point {s[0]}): "
                  f"{pct(s[3])} of deals fall within ±2 rounds of round {r0}.")


# ---------------------------------------------------------------------------
# fx_exposure


def fx_exposure(d):
    params, points = read_summary(d)
    rows = []
    for i, p in sorted(points.items()):
        v = p["values"]
        reserves = v["events.fx_shock.trigger.exposure.reserves"]
        lo = v.get("issues.swap_line.lo", "0")
        swap = "bargained from 0" if num(lo) == 0 else f"at least {num(lo):g} in any deal"
        q = lambda m: f"{f(stat(p, m), 3)} [{f(stat(p, m, 'p25'), 3)}, {f(stat(p, m, 'p75'), 3)}]"  # noqa: E731
        rows.append([
            str(i),
            f"{num(reserves):g}",
            swap,
            p_deal(p),
            f"{f(stat(p, 'annual_cap'), 2)} [{f(stat(p, 'annual_cap', 'p25'), 1)}, {f(stat(p, 'annual_cap', 'p75'), 1)}]",
            q("cash_share"),
            f(stat(p, "swap_line"), 1),
            f(stat(p, "event_fx_shock"), 3),
            f(stat(p, "utility_korea"), 4),
            f(stat(p, "utility_us"), 4),
        ])
    print(table(
        ["point", "reserves ($bn)", "swap line", "P(deal) [95% CI]",
         "annual cap ($bn/yr): mean [p25, p75]", "cash share: mean [p25, p75]",
         "swap line ($bn)", "FX shocks per run", "Korea utility", "US utility"],
        rows,
    ))
    print()
    print("Terms are over deals; FX shocks and utilities over all runs.")
    print()
    # Medians over deals with their 95% intervals, from the points' runs.csv:
    # Korea's position (point 0) against reserves of 810 without a swap line,
    # a standing swap line with Korea's reserves, and both (Japan-like).
    by = {(num(v["values"]["events.fx_shock.trigger.exposure.reserves"]),
           num(v["values"].get("issues.swap_line.lo", "0"))): i for i, v in points.items()}
    base = by.get((416.3, 0.0))
    for m, label, nd in [("annual_cap", "annual cap", 1), ("cash_share", "cash share", 4)]:
        meds = {}
        for i in points:
            xs = [num(r[m]) for r in runs(d, i) if r["outcome"] == "deal"]
            meds[i] = median_ci(xs)
        line = max(lo for _, lo in by)
        for key, what in [((810.0, 0.0), "reserves of 810"),
                          ((416.3, line), f"a standing swap line of {line:g}"),
                          ((810.0, line), "both")]:
            j = by.get(key)
            if base is None or j is None:
                continue
            (a, (alo, ahi)), (b, (blo, bhi)) = meds[base], meds[j]
            apart = "above" if blo > ahi else "below" if bhi < alo else "overlapping"
            print(f"- median {label}: {f(a, nd)} [{f(alo, nd)}, {f(ahi, nd)}] at point {base} → "
                  f"{f(b, nd)} [{f(blo, nd)}, {f(bhi, nd)}] with {what} (point {j}): "
                  f"the interval lies {apart} point {base}'s.")
    first, last = points[min(points)], points[max(points)]
    for m, label, nd in [("event_fx_shock", "FX shocks per run", 3), ("deal", "P(deal)", 3)]:
        print(f"- {label}: {f(stat(first, m), nd)} at point {min(points)} → {f(stat(last, m), nd)} "
              f"at point {max(points)} ({f(stat(last, m) - stat(first, m), nd)}).")


# ---------------------------------------------------------------------------
# korea_vs_japan

# The weeks from each country's start to Japan's MOU (2025-07-22 -> 09-04:
# 44 days): "within weeks" is a deal in the first 7 rounds.
MOU_ROUNDS = 7


def country_case(d, i, name, fx):
    """One row: a country's point i of its sweep folder d."""
    rows = runs(d, i)
    n = len(rows)
    deals = [r for r in rows if r["outcome"] == "deal"]
    k_fast = sum(1 for r in deals if int(r["end_round"]) < MOU_ROUNDS)
    lo, hi = wilson(k_fast, n)
    wk, (wlo, whi) = median_ci([int(r["end_round"]) for r in deals])
    med = lambda m: median_ci([num(r[m]) for r in deals])  # noqa: E731
    cash, (clo, chi) = med("cash_share")
    cap, (alo, ahi) = med("annual_cap")
    us_alone = sum(1 for r in deals if num(r["project_selection"]) == 0)
    breakdown = sum(1 for r in rows if r["outcome"] == "breakdown")
    k = len(deals)
    dl, dh = wilson(k, n)
    return [
        name, fx,
        f"{f(k / n)} [{f(dl)}, {f(dh)}]",
        f"{f(k_fast / n)} [{f(lo)}, {f(hi)}]",
        f"{wk:g} [{wlo:g}, {whi:g}]",
        f"{f(cash, 3)} [{f(clo, 3)}, {f(chi, 3)}]",
        f"{f(cap, 1)} [{f(alo, 1)}, {f(ahi, 1)}]",
        pct(us_alone / k if k else float("nan")),
        f(breakdown / n),
    ], {"fast": k_fast / n, "cash": cash, "weeks": wk}


def korea_vs_japan(d):
    """d holds two sweep folders: korea/ (point 0 as calibrated, point 1 with
    Japan's reserves and swap line) and japan/ (point 0 as calibrated,
    point 1 with Korea's reserves and no swap line)."""
    k, j = os.path.join(d, "korea"), os.path.join(d, "japan")
    cases = [
        (j, 0, "Japan", "810, standing line 405"),
        (k, 0, "Korea", "416.3, line bargained 0-200"),
        (j, 1, "Japan with Korea's FX position", "416.3, line bargained 0-200"),
        (k, 1, "Korea with Japan's FX position", "810, standing line 405"),
    ]
    rows, keyed = [], {}
    for folder, i, name, fx in cases:
        row, key = country_case(folder, i, name, fx)
        rows.append(row)
        keyed[name] = key
    print(table(
        ["scenario", "reserves, swap line ($bn)", "P(deal) [95% CI]",
         f"P(deal in the first {MOU_ROUNDS} weeks) [95% CI]",
         "median weeks to a deal [95% CI]", "median cash share [95% CI]",
         "median annual cap ($bn/yr) [95% CI]", "US selects projects alone",
         "P(breakdown)"],
        rows,
    ))
    print()
    print("Weeks and terms are over the runs that end in a deal; shares over all runs. "
          "Each country's two rows share their random numbers (common seeding).")
    print()
    jp, kr = keyed["Japan"], keyed["Korea"]
    jk, kj = keyed["Japan with Korea's FX position"], keyed["Korea with Japan's FX position"]
    faster = "faster" if jp["weeks"] < kr["weeks"] else "slower" if jp["weeks"] > kr["weeks"] else "as fast"
    print(f"- As calibrated, Japan deals {faster} than Korea: median {jp['weeks']:g} weeks "
          f"against {kr['weeks']:g}; P(deal within {MOU_ROUNDS} weeks) {f(jp['fast'])} against {f(kr['fast'])}.")
    print(f"- Swapping the FX position moves the cash share: Japan {f(jp['cash'], 3)} → "
          f"{f(jk['cash'], 3)} with Korea's; Korea {f(kr['cash'], 3)} → {f(kj['cash'], 3)} with Japan's.")
    print(f"- And the timing: Japan {jp['weeks']:g} → {jk['weeks']:g} weeks with Korea's position; "
          f"Korea {kr['weeks']:g} → {kj['weeks']:g} with Japan's.")


EXPERIMENTS = {
    "us_levers": us_levers,
    "focal_deadline": focal_deadline,
    "fx_exposure": fx_exposure,
    "korea_vs_japan": korea_vs_japan,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in EXPERIMENTS:
        sys.exit(__doc__)
    EXPERIMENTS[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
