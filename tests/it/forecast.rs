//! Forecasts from a date: kept runs honour every fact (checked on their
//! replayed traces, independently of the engine's own check), the kept
//! runs sample the posterior of the private types (against enumeration),
//! determinism across thread counts, and the command line.

use std::collections::BTreeMap;

use standoff::config::{self, Loaded};
use standoff::engine::{Response, Round, Trace};
use standoff::model::{FactKind, Scenario};
use standoff::rng::RunCoord;
use standoff::runner::{self, Pool, RunSpec};

use crate::common::{bin, ok, read, scratch};

/// The kept runs of `scn` (runs, seed): their replicate (candidate)
/// indices from runs.csv, and the tally.
fn kept(
    scn: &Scenario,
    runs: u64,
    seed: u64,
    threads: usize,
) -> (Vec<u64>, runner::Tally, Vec<u8>) {
    let mut rows = Vec::new();
    let spec = RunSpec {
        runs,
        master_seed: seed,
        point: 0,
        rows: true,
    };
    let ran = Pool::new(Some(threads))
        .unwrap()
        .run(
            scn,
            spec,
            |r| -> Result<(), ()> {
                rows.extend_from_slice(r);
                Ok(())
            },
            |_| Ok(()),
        )
        .unwrap();
    let text = String::from_utf8(rows.clone()).unwrap();
    // Column 3 of a row is the replicate (its RunCoord), the candidate index.
    let idx = text
        .lines()
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    (idx, ran.tally, rows)
}

/// Whether the trace of a run honours a fact, judged from the trace alone:
/// `Some(reason)` if it does not. A fact about one round after the run's
/// last round is not judged (the run never reached it).
fn breaks(scn: &Scenario, trace: &[Round], fact: &standoff::model::Fact) -> Option<String> {
    let upto = |r: u32| trace.iter().filter(move |x| x.round <= r);
    let reached = trace.last().is_some_and(|x| x.round >= fact.round);
    let one_round = fact.what.happened() || matches!(fact.what, FactKind::Offer { .. });
    if one_round && !reached {
        return None;
    }
    match &fact.what {
        FactKind::Open => upto(fact.round)
            .find(|x| !matches!(x.response, Response::Reject | Response::RatificationFailed))
            .map(|x| format!("ended in round {}", x.round)),
        FactKind::Event { event, fired: true } => {
            let at = trace.iter().find(|x| x.round == fact.round)?;
            (!at.events.contains(event)).then(|| format!("no {} in round {}", event, fact.round))
        }
        FactKind::Event {
            event,
            fired: false,
        } => upto(fact.round)
            .find(|x| x.events.contains(event))
            .map(|x| format!("fired in round {}", x.round)),
        // (A `threatened` part is not in the trace, which lists the levers
        // carried out: only the `used` part is judged here.)
        FactKind::Lever {
            lever, used: true, ..
        } => {
            let at = trace.iter().find(|x| x.round == fact.round)?;
            (!at.levers_used.contains(lever)).then(|| format!("lever not used in {}", fact.round))
        }
        FactKind::Lever {
            lever, used: false, ..
        } => upto(fact.round)
            .find(|x| x.levers_used.contains(lever))
            .map(|x| format!("used in round {}", x.round)),
        FactKind::Offer {
            side,
            issue,
            value,
            tolerance,
        } => {
            let last = upto(fact.round).rfind(|x| x.proposer == *side);
            match last {
                None => Some("no offer".into()),
                Some(x) => {
                    let v = scn.issues[*issue].grid_value(x.offer[*issue], scn.protocol.resolution);
                    ((v - value).abs() > *tolerance).then(|| format!("offered {v}"))
                }
            }
        }
    }
}

fn trace_of(scn: &Scenario, seed: u64, replicate: u64) -> (Vec<Round>, Option<usize>) {
    let mut t = Trace::default();
    let out = runner::replay(scn, RunCoord::new(seed, 0, replicate), &mut t);
    (t.0, out.rejected)
}

#[test]
fn every_kept_run_of_the_builtin_forecast_honours_every_fact() {
    let loaded = config::builtin();
    let scn = &loaded.scenario;
    let f = scn
        .forecast
        .as_ref()
        .expect("the built-in scenario is a forecast");
    assert_eq!(f.as_of.to_string(), "2025-10-27");
    let (idx, tally, _) = kept(scn, 300, 5, 2);
    assert_eq!(tally.kept, 300);
    assert!(tally.candidates > 300);
    let mut checked = 0;
    for &r in &idx {
        let (trace, rejected) = trace_of(scn, 5, r);
        assert_eq!(rejected, None, "candidate {r} is in runs.csv");
        // No kept run ends before as_of: its last round is after the history.
        assert!(trace.last().unwrap().round > f.last_round, "candidate {r}");
        for fact in &f.facts {
            if let Some(why) = breaks(scn, &trace, fact) {
                panic!(
                    "kept candidate {r} breaks {} ({}): {why}",
                    fact.key,
                    fact.describe(scn)
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 300 * f.facts.len());
    // And every candidate left out breaks a fact, the first it breaks is
    // the one replay names, and the tally counts each fact it breaks.
    let mut rejected_seen = BTreeMap::new();
    let last = *idx.last().unwrap();
    // The candidates tried are exactly those up to the last kept run.
    assert_eq!(tally.candidates, last + 1);
    for r in (0..=last).filter(|r| !idx.contains(r)) {
        let (trace, rejected) = trace_of(scn, 5, r);
        let i = rejected.unwrap_or_else(|| panic!("candidate {r} was not kept but breaks nothing"));
        let first = f
            .facts
            .iter()
            .position(|fact| breaks(scn, &trace, fact).is_some());
        assert!(first.is_some(), "candidate {r}: {}", f.facts[i].key);
        for (j, fact) in f.facts.iter().enumerate() {
            if breaks(scn, &trace, fact).is_some() {
                *rejected_seen.entry(j).or_insert(0u64) += 1;
            }
        }
    }
    // (Facts with a `threatened` part are left out: the trace cannot judge it.)
    let judged = |i: usize| {
        !matches!(
            f.facts[i].what,
            FactKind::Lever {
                threatened: Some(_),
                ..
            }
        )
    };
    rejected_seen.retain(|i, _| judged(*i));
    let counted: BTreeMap<usize, u64> = tally
        .rejected
        .iter()
        .enumerate()
        .filter(|(i, n)| **n > 0 && judged(*i))
        .map(|(i, n)| (i, *n))
        .collect();
    assert_eq!(rejected_seen, counted, "per-fact rejection counts");
}

#[test]
fn the_builtin_forecast_updates_koreas_reservation_upward() {
    // Korea's stated cap of about $15B a year and no deal by 10-27 select
    // tough Korean types: among kept runs its reservation value is above
    // the prior mean of U[0.13, 0.9].
    let loaded = config::builtin();
    let scn = &loaded.scenario;
    let stats = Pool::new(Some(2))
        .unwrap()
        .run(
            scn,
            RunSpec {
                runs: 400,
                master_seed: 2,
                point: 0,
                rows: false,
            },
            |_| Ok::<(), ()>(()),
            |_| Ok(()),
        )
        .unwrap()
        .stats;
    let m = standoff::outcome::Metrics::new(scn);
    let posterior = stats.metrics[m.reservation[0]].moments.mean();
    let prior = (0.13 + 0.9) / 2.0;
    assert!(
        posterior > prior + 0.1,
        "posterior {posterior} vs prior {prior}"
    );
}

/// A small scenario whose posterior can be enumerated: `a`'s reservation
/// is one of five values; both concede linearly towards their reservation
/// values, and `a` accepts once `b`'s offer beats its reservation (so low
/// types settle before as_of); `a`'s offer on 01-15 (round 2) is seen
/// within 0.06 of 0.12, which only some types make; nothing else is random
/// but two events: `news` (a coin on round 1 that hardens `a`, imposed as
/// fired) and `noise` (a hazard of 0.3 a round with no effect, conditioned
/// on not firing by as_of).
fn small(reservation: &str) -> Loaded {
    let text = format!(
        r#"
version = 1
name = "small"

[clock]
start = "2025-01-01"
horizon = 10

[players.a]
bn_per_util = 10.0
acceptance = "no_deal"
strategy = {{ kind = "linear" }}
type = {{ reservation = {reservation} }}

[players.b]
bn_per_util = 10.0
strategy = {{ kind = "linear" }}
type = {{ reservation = 0.3 }}

[issues.price]
lo = 0.0
hi = 1.0
a = {{ weight = 1.0, prefers = "low" }}
b = {{ weight = 1.0, prefers = "high" }}

[events.news]
trigger = {{ kind = "date", date = "2025-01-08", probability = 0.5 }}
effects.a = {{ reservation = 0.05 }}

[events.noise]
trigger = {{ kind = "hazard", base = 0.3 }}

[forecast]
as_of = "2025-01-24"

[[forecast.facts]]
kind = "event"
event = "news"
fired = true
date = "2025-01-08"

[[forecast.facts]]
kind = "event"
event = "noise"
fired = false
date = "2025-01-24"
mode = "condition"

[[forecast.facts]]
kind = "offer"
side = "a"
issue = "price"
value = 0.12
tolerance = 0.06
date = "2025-01-15"
"#
    );
    config::load_str("small.toml", &text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn kept_runs_sample_the_posterior_that_enumeration_gives() {
    let values = [0.1, 0.3, 0.5, 0.7, 0.9];
    // Enumeration: with a's reservation fixed, the run is deterministic but
    // for the noise coin, which has no effect: the type is kept if the
    // first candidate that noise does not reject is kept.
    let mut kept_values = Vec::new();
    for v in values {
        let l = small(&v.to_string());
        let scn = &l.scenario;
        let f = scn.forecast.as_ref().unwrap();
        let mut verdict = None;
        for r in 0..200 {
            let (_, rejected) = trace_of(scn, 1, r);
            match rejected {
                Some(i) if matches!(f.facts[i].what, FactKind::Event { .. }) => continue,
                other => {
                    verdict = Some(other.is_none());
                    break;
                }
            }
        }
        if verdict.expect("some candidate passes the noise fact") {
            kept_values.push(v);
        }
    }
    let k = kept_values.len();
    assert!(
        1 < k && k < values.len(),
        "kept types {kept_values:?}: the facts must discriminate"
    );
    // The prior is uniform over the five values, imposing `news` says
    // nothing about types, `noise` is independent of them, and the offer
    // and talks being open keep some types wholly and the others not: the
    // posterior is uniform over the kept values.
    let l = small("{ choice = [0.1, 0.3, 0.5, 0.7, 0.9] }");
    let scn = &l.scenario;
    let n = 4000;
    let (idx, tally, _) = kept(scn, n, 9, 2);
    let mut count: BTreeMap<String, u64> = BTreeMap::new();
    for &r in &idx {
        let out = runner::replay(scn, RunCoord::new(9, 0, r), &mut ());
        *count.entry(format!("{}", out.reservation[0])).or_insert(0) += 1;
        // news fired in the history of every run (counts from as_of on are 0).
        assert_eq!(
            out.history.event_counts[0], 1,
            "news is imposed on every run"
        );
        assert_eq!(out.event_counts[0], 0);
    }
    let p = 1.0 / k as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    for v in &kept_values {
        let got = *count.get(&format!("{v}")).unwrap_or(&0) as f64 / n as f64;
        assert!(
            (got - p).abs() < 5.0 * se,
            "P({v} | facts) = {got}, enumeration {p}"
        );
    }
    assert_eq!(
        count.values().sum::<u64>(),
        n,
        "only kept types appear: {count:?}"
    );
    // Acceptance: P(type kept) × P(noise quiet in rounds 0..=3) = k/5 × 0.7^4.
    let want = k as f64 / 5.0 * 0.7f64.powi(4);
    let got = tally.kept as f64 / tally.candidates as f64;
    let se = (want * (1.0 - want) / tally.candidates as f64).sqrt();
    assert!((got - want).abs() < 5.0 * se, "acceptance {got} vs {want}");
    let mean: f64 = kept_values.iter().sum::<f64>() / k as f64;
    assert!(mean > 0.5, "posterior mean {mean} above the prior mean 0.5");
}

#[test]
fn kept_runs_do_not_depend_on_the_thread_count() {
    let loaded = config::builtin();
    let (a, ta, ra) = kept(&loaded.scenario, 1500, 3, 1);
    let (b, tb, rb) = kept(&loaded.scenario, 1500, 3, 2);
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    assert!(ra == rb);
}

#[test]
fn forecast_command_writes_a_row_per_date_and_metric_identically_on_1_and_2_threads() {
    let dates = "2025-08-31,2025-09-15,2025-10-01,2025-10-27";
    let mut csvs = Vec::new();
    for t in ["1", "2"] {
        let d = scratch("forecast", &format!("cmd{t}"));
        ok(bin()
            .args([
                "forecast",
                "--as-of",
                dates,
                "--runs",
                "300",
                "--threads",
                t,
                "--quiet",
                "--out",
            ])
            .arg(&d)
            .output()
            .unwrap());
        csvs.push(read(d.join("forecast.csv")));
        let manifest = read(d.join("manifest.json"));
        assert!(manifest.contains("\"forecasts\""), "{manifest}");
    }
    assert_eq!(csvs[0], csvs[1]);
    let csv = &csvs[0];
    for d in dates.split(',') {
        for m in ["acceptance", "p_deal_by", "p_breakdown", "cash_share_p50"] {
            assert!(
                csv.lines().any(|l| l.starts_with(&format!("{d},{m},"))),
                "no {m} row for {d}"
            );
        }
    }
    // A deal by the summit (10-29) can still come on 08-31, not from 10-27
    // (the next round is dated 10-30).
    assert!(csv.contains("2025-08-31,p_deal_by,2025-10-29,"));
    assert!(!csv.contains("2025-10-27,p_deal_by,2025-10-29,"));
}

#[test]
fn run_records_the_forecast_in_the_manifest_and_as_of_cuts_the_facts() {
    let d = scratch("forecast", "run");
    ok(bin()
        .args(["run", "--runs", "200", "--quiet", "--out"])
        .arg(&d)
        .output()
        .unwrap());
    let m: serde_json::Value = serde_json::from_str(&read(d.join("manifest.json"))).unwrap();
    let f = &m["forecast"];
    assert_eq!(f["as_of"], "2025-10-27");
    assert_eq!(f["runs_kept"], 200);
    assert!(f["candidates"].as_u64().unwrap() > 200);
    assert_eq!(f["facts"].as_array().unwrap().len(), 9);
    let survival = read(d.join("survival.csv"));
    assert!(survival
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("13,2025-10-30,200,"));
    // The summaries count from as_of on: the raid (09-04) and Korea's
    // swap-line demand (09-15) happened in every kept run, in the history.
    let summary = read(d.join("summary.csv"));
    for m in ["event_georgia_raid", "lever_swap_line_demand"] {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("{m},")))
            .unwrap();
        assert_eq!(row.split(',').nth(2), Some("0"), "{row}");
    }

    let e = scratch("forecast", "run-as-of");
    ok(bin()
        .args([
            "run",
            "--runs",
            "200",
            "--quiet",
            "--as-of",
            "2025-09-10",
            "--out",
        ])
        .arg(&e)
        .output()
        .unwrap());
    let m: serde_json::Value = serde_json::from_str(&read(e.join("manifest.json"))).unwrap();
    let facts = m["forecast"]["facts"].as_array().unwrap();
    // Open, the raid and Japan's MOU (09-04), and the three "not by 10-27"
    // facts, which held by 09-10 too (cut to 09-10); the swap-line demand
    // (09-15) and the positions of 10-27 are dropped. Keys keep their place
    // in the file.
    let keys: Vec<&str> = facts.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "forecast.as_of",
            "forecast.facts[0]",
            "forecast.facts[1]",
            "forecast.facts[2]",
            "forecast.facts[3]",
            "forecast.facts[4]"
        ]
    );
    for f in &facts[3..] {
        assert_eq!(f["date"], "2025-09-10", "{f}");
    }
    assert_eq!(m["forecast"]["cut_from"], "2025-10-27");
    // A date after the scenario's own as_of is refused.
    let out = bin()
        .args(["run", "--runs", "10", "--as-of", "2025-11-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--as-of") && err.contains("2025-10-27"),
        "{err}"
    );
}

#[test]
fn a_fact_no_run_can_satisfy_exits_2_naming_it_and_writes_nothing() {
    let d = scratch("forecast", "impossible");
    // Dated 10-27, the round of the two reported positions: the error names
    // the fact every candidate breaks, not the one checked first.
    let text = config::BUILTIN_TOML.to_string()
        + "\n[[forecast.facts]]\nkind = \"offer\"\nside = \"korea\"\nissue = \"annual_cap\"\n\
           value = 40.0\ntolerance = 0.0\ndate = \"2025-10-27\"\n";
    let cfg = d.join("impossible.toml");
    std::fs::write(&cfg, text).unwrap();
    let out_dir = d.join("out");
    let out = bin()
        .args(["run", "--runs", "50", "--quiet"])
        .arg(&cfg)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("forecast.facts[8]"), "{err}");
    assert!(err.contains("within 0 of 40"), "{err}");
    assert!(!out_dir.exists(), "nothing is written");
}

#[test]
fn japan_runs_by_name_and_scenarios_lists_both() {
    let out = bin().args(["scenarios"]).output().unwrap();
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("korea_us_2025") && list.contains("japan_us_2025"),
        "{list}"
    );
    let d = scratch("forecast", "japan");
    ok(bin()
        .args(["run", "japan_us_2025", "--runs", "200", "--quiet", "--out"])
        .arg(&d)
        .output()
        .unwrap());
    let m = read(d.join("manifest.json"));
    assert!(m.contains("\"scenario\": \"japan_us_2025\""), "{m}");
}

#[test]
fn a_sweep_of_a_forecast_keeps_the_runs_asked_for_at_each_point() {
    let d = scratch("forecast", "sweep");
    std::fs::write(d.join("base.toml"), config::BUILTIN_TOML).unwrap();
    std::fs::write(
        d.join("s.toml"),
        "version = 1\nbase = \"base.toml\"\ndesign = \"grid\"\nreplicates = 150\nseed = 4\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.24, 0.2]\n",
    )
    .unwrap();
    for threads in ["1", "2"] {
        ok(bin()
            .args([
                "sweep",
                "--runs-csv",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(d.join(format!("out{threads}")))
            .arg(d.join("s.toml"))
            .output()
            .unwrap());
    }
    let rows = read(d.join("out1/runs.csv"));
    assert_eq!(rows, read(d.join("out2/runs.csv")));
    for p in ["0", "1"] {
        let kept = rows
            .lines()
            .filter(|l| l.starts_with(&format!("{p},")))
            .count();
        assert_eq!(kept, 150, "point {p}: 150 kept runs");
    }
    assert_eq!(rows.lines().count(), 301);
    assert_eq!(
        read(d.join("out1/sweep_summary.csv")),
        read(d.join("out2/sweep_summary.csv"))
    );
}
