//! Validation against bargaining theory: textbook models set up as ordinary
//! scenario files (`configs/theory/*.toml`), run through the ordinary engine
//! (`runner::replay` for deterministic cases, `runner::Pool::run` for Monte
//! Carlo ones), and compared with the textbook's closed forms.
//!
//! The formulas live here and only here: the engine and its strategies know
//! nothing of them (equilibrium play is a backward induction over the
//! engine's own rounds, the Bayesian offer an optimisation over the offer
//! path). Every theory value is computed from the parameters of the scenario
//! actually run, so editing a theory config moves the theory value and the
//! simulated value together. Each case runs its file as written (the row
//! `as configured`) and then a few variations, set by dotted paths as a sweep
//! would.
//!
//! Tolerances are stated per row: the grid of offers (the offer path moves in
//! steps of `1/resolution` of the pie), the truncation of an infinite game to a
//! finite horizon, the first-order term of a limit, and Monte Carlo standard
//! errors. See `docs/validation.md`.

use std::convert::Infallible;
use std::path::PathBuf;

use crate::config::{self, ConfigError};
use crate::engine::equilibrium::EquilibriumTable;
use crate::engine::{Observer, RoundRecord};
use crate::model::{other, Dist, ProposerRule, Scenario, Side};
use crate::outcome::{Metrics, Outcome, OutcomeKind};
use crate::rng::RunCoord;
use crate::runner::{self, Pool, RunSpec};
use crate::stats::RunStats;

/// The theory configs, compiled in (used when no directory is given).
pub const BUILTIN: [(&str, &str); 7] = [
    (
        "rubinstein.toml",
        include_str!("../configs/theory/rubinstein.toml"),
    ),
    ("stahl.toml", include_str!("../configs/theory/stahl.toml")),
    (
        "fixed_costs.toml",
        include_str!("../configs/theory/fixed_costs.toml"),
    ),
    ("nash.toml", include_str!("../configs/theory/nash.toml")),
    ("fearon.toml", include_str!("../configs/theory/fearon.toml")),
    (
        "deadline.toml",
        include_str!("../configs/theory/deadline.toml"),
    ),
    (
        "outside_option.toml",
        include_str!("../configs/theory/outside_option.toml"),
    ),
];

/// Where the theory configs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A directory holding the files named in [`BUILTIN`].
    Dir(PathBuf),
    /// The copies compiled into the binary.
    Builtin,
}

/// Monte Carlo settings of the random cases.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// Runs per random case.
    pub runs: u64,
    /// Master seed (deterministic cases replay run 0 under it).
    pub seed: u64,
    /// The worker threads of the random cases.
    pub pool: &'a Pool,
}

impl Settings<'_> {
    /// The default settings (20 000 runs, seed 1) on `pool`.
    pub fn new(pool: &Pool) -> Settings<'_> {
        Settings {
            runs: 20_000,
            seed: 1,
            pool,
        }
    }
}

/// How a row's simulated value is compared with its theory value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// |simulated − theory| <= tolerance.
    Near,
    /// simulated − tolerance > theory (above a bound, with a margin).
    Above,
}

/// One line of the validation table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Case name, e.g. `rubinstein`.
    pub case: String,
    /// Its parameters, e.g. `δa=0.9 δb=0.8`.
    pub params: String,
    /// The theory value (a bound for [`Check::Above`]).
    pub theory: f64,
    /// The simulated value.
    pub simulated: f64,
    /// The simulated value's standard error, for random cases.
    pub se: Option<f64>,
    /// The tolerance (or margin).
    pub tolerance: f64,
    /// How simulated and theory values are compared.
    pub check: Check,
    /// Whether the case's other conditions hold (e.g. agreement in round 0).
    pub conditions: bool,
    /// What else was checked or is worth knowing.
    pub note: String,
}

impl Row {
    /// Whether the row passes.
    pub fn pass(&self) -> bool {
        let ok = match self.check {
            Check::Near => (self.simulated - self.theory).abs() <= self.tolerance,
            Check::Above => self.simulated - self.tolerance > self.theory,
        };
        ok && self.conditions
    }

    /// `case (params)`: how failing rows are named.
    pub fn label(&self) -> String {
        format!("{} ({})", self.case, self.params)
    }
}

/// The case names, in table order.
pub const CASES: [&str; 7] = [
    "rubinstein",
    "stahl",
    "fixed_costs",
    "nash",
    "outside_option",
    "fearon",
    "deadline",
];

/// Runs one case by name.
pub fn case(name: &str, src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    match name {
        "rubinstein" => rubinstein(src, set),
        "stahl" => stahl(src, set),
        "fixed_costs" => fixed_costs(src, set),
        "nash" => nash(src, set),
        "outside_option" => outside_option(src, set),
        "fearon" => fearon(src, set),
        "deadline" => deadline(src, set),
        other => Err(ConfigError::at_key(
            "validate",
            "",
            format!(
                "unknown theory case '{other}'; expected one of {}",
                CASES.join(", ")
            ),
        )),
    }
}

/// Runs every case.
pub fn all(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let mut rows = Vec::new();
    for c in CASES {
        rows.extend(case(c, src, set)?);
    }
    Ok(rows)
}

/// The table as text: one line per row, columns aligned.
pub fn format_table(rows: &[Row]) -> String {
    let header = [
        "case",
        "parameters",
        "theory",
        "simulated",
        "± se",
        "tolerance",
        "result",
        "note",
    ];
    let f = |v: f64| {
        if v.is_nan() {
            "NaN".to_string()
        } else {
            format!("{v:.5}")
        }
    };
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                r.case.clone(),
                r.params.clone(),
                match r.check {
                    Check::Near => f(r.theory),
                    Check::Above => format!("> {}", f(r.theory)),
                },
                f(r.simulated),
                r.se.map_or(String::new(), f),
                f(r.tolerance),
                if r.pass() { "pass" } else { "FAIL" }.to_string(),
                r.note.clone(),
            ]
        })
        .collect();
    // Display width: characters other than combining marks (the bar of c̄).
    fn w(s: &str) -> usize {
        s.chars()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .count()
    }
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| w(&c[i]))
            .chain([w(header[i])])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..8).map(width).collect();
    let line = |c: &[String]| {
        let mut s = String::new();
        for (i, cell) in c.iter().enumerate() {
            if i + 1 == c.len() {
                s.push_str(cell);
            } else {
                let pad = widths[i] - w(cell);
                // Numbers right-aligned, text left-aligned.
                if (2..=5).contains(&i) {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.push_str(&" ".repeat(pad));
                }
                s.push_str("  ");
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&header.map(String::from));
    out.push_str(&line(
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    ));
    for c in &cells {
        out.push_str(&line(c));
    }
    out
}

// ---------------------------------------------------------------------------
// Loading configs and their variations.

/// A theory config as loaded: its label, text and scenario.
struct Base {
    file: String,
    text: String,
    scenario: Scenario,
}

fn load(src: &Source, name: &str) -> Result<Base, ConfigError> {
    let loaded = match src {
        Source::Dir(d) => config::load_file(&d.join(name))?,
        Source::Builtin => {
            let text = BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            config::load_str(&format!("configs/theory/{name} (built-in)"), text)?
        }
    };
    Ok(Base {
        file: loaded.file,
        text: loaded.source,
        scenario: loaded.scenario,
    })
}

impl Base {
    /// The scenario with the values at dotted paths replaced.
    fn with(&self, sets: &[(String, toml::Value)]) -> Result<Scenario, ConfigError> {
        let mut doc: toml::Value = toml::from_str(&self.text)
            .map_err(|e| ConfigError::at_key(&self.file, "", e.message().to_string()))?;
        let what: Vec<String> = sets.iter().map(|(p, v)| format!("{p} = {v}")).collect();
        let label = format!("{} with {}", self.file, what.join(", "));
        for (path, v) in sets {
            config::set_path(&label, &mut doc, path, v.clone())?;
        }
        Ok(config::from_value(&label, doc)?.1)
    }

    fn needs(&self, key: &str, what: &str) -> ConfigError {
        ConfigError::at_key(&self.file, key, format!("this theory case needs {what}"))
    }
}

fn num(v: f64) -> toml::Value {
    toml::Value::Float(v)
}

fn int(v: u32) -> toml::Value {
    toml::Value::Integer(v as i64)
}

fn uniform(lo: f64, hi: f64) -> toml::Value {
    let mut t = toml::map::Map::new();
    t.insert("uniform".into(), toml::Value::Array(vec![num(lo), num(hi)]));
    toml::Value::Table(t)
}

fn key(scn: &Scenario, side: Side, rest: &str) -> String {
    format!("players.{}.{rest}", scn.players[side].name)
}

/// The first proposer and the other side; the case needs alternating offers.
fn sides(b: &Base, scn: &Scenario) -> Result<(Side, Side), ConfigError> {
    match scn.protocol.proposer {
        ProposerRule::Alternate { first } => Ok((first, other(first))),
        ProposerRule::Random { .. } => Err(b.needs(
            "protocol.proposer",
            "alternating offers (proposer = \"alternate\")",
        )),
    }
}

/// The case needs one issue, contested, with linear value curves (a pie).
fn pie(b: &Base, scn: &Scenario) -> Result<(), ConfigError> {
    let ok = scn.issues.len() == 1
        && scn.issues[0].prefs[0].prefers_high != scn.issues[0].prefs[1].prefers_high
        && scn.issues[0].prefs.iter().all(|p| p.exponent == 1.0);
    if ok {
        Ok(())
    } else {
        Err(b.needs(
            "issues",
            "one issue that the players value linearly in opposite directions (a pie)",
        ))
    }
}

fn fixed(b: &Base, scn: &Scenario, side: Side) -> Result<f64, ConfigError> {
    match scn.players[side].types.reservation {
        Dist::Fixed(v) => Ok(v),
        _ => Err(b.needs(
            &key(scn, side, "type.reservation"),
            "a fixed reservation value (complete information)",
        )),
    }
}

/// `side`'s share of the pie in a deal (its deal utility), NaN without one.
fn share(scn: &Scenario, out: &Outcome, side: Side) -> f64 {
    if out.kind != OutcomeKind::Deal {
        return f64::NAN;
    }
    let is = &scn.issues[0];
    is.prefs[side].value((out.terms[0] - is.lo) / (is.hi - is.lo))
}

/// Error bound of an alternating-offers equilibrium share from the grid of
/// offers: each proposer's offer gives the responder at most one grid step
/// more than its threshold, and these errors feed back through the
/// continuations, so the share is off by less than `1/(R (1 − δa δb))`.
fn grid_tol(scn: &Scenario, a: Side, b: Side) -> f64 {
    let r = scn.protocol.resolution as f64;
    let dd = scn.players[a].discount * scn.players[b].discount;
    if dd < 1.0 {
        1.0 / (r * (1.0 - dd))
    } else {
        2.0 / r
    }
}

/// One deterministic run (run 0 under the seed), for games without chance.
fn play(scn: &Scenario, set: &Settings) -> Outcome {
    runner::replay(scn, RunCoord::new(set.seed, 0, 0), &mut ())
}

/// `set.runs` runs of `scn`.
fn monte_carlo(scn: &Scenario, set: &Settings) -> RunStats {
    let spec = RunSpec {
        runs: set.runs,
        master_seed: set.seed,
        point: 0,
        rows: false,
    };
    match set
        .pool
        .run(scn, spec, |_| Ok::<(), Infallible>(()), |_| Ok(()))
    {
        Ok(r) => r.stats,
        Err(e) => match e {},
    }
}

fn metric_mean(scn: &Scenario, stats: &RunStats, name: &str) -> f64 {
    Metrics::new(scn)
        .index(name)
        .map_or(f64::NAN, |i| stats.metrics[i].moments.mean())
}

/// Which game a finite horizon stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Horizon {
    /// The game has this deadline.
    Finite,
    /// The horizon stands for an infinite game: the backward induction must
    /// have converged by round 0 (the offers of rounds 0 and 2 agree).
    Infinite,
}

/// A row for a complete-information equilibrium case: the first proposer's
/// share, which must be agreed in round 0.
#[allow(clippy::too_many_arguments)]
fn equilibrium_row(
    case: &str,
    params: String,
    scn: &Scenario,
    set: &Settings,
    theory: f64,
    tolerance: f64,
    first: Side,
    horizon: Horizon,
) -> Row {
    let out = play(scn, set);
    let simulated = share(scn, &out, first);
    let mut conditions = out.kind == OutcomeKind::Deal && out.end_round == 0;
    let mut note = if out.kind == OutcomeKind::Deal {
        format!("deal in round {}", out.end_round)
    } else {
        format!("no deal ({})", out.kind.label())
    };
    if horizon == Horizon::Infinite {
        let gap = EquilibriumTable::build(scn).convergence_gap();
        if gap <= 1e-9 {
            note.push_str("; converged");
        } else {
            conditions = false;
            note.push_str(&format!(
                "; NOT converged: offers in rounds 0 and 2 differ by {gap:.1e} \
                 (lengthen clock.horizon)"
            ));
        }
    }
    Row {
        case: case.into(),
        params,
        theory,
        simulated,
        se: None,
        tolerance,
        check: Check::Near,
        conditions,
        note,
    }
}

// ---------------------------------------------------------------------------
// The cases.

/// Rubinstein (1982): the first proposer gets (1 − δb)/(1 − δa δb), in round 0.
pub fn rubinstein(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "rubinstein.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    let mut scns = vec![("as configured".to_string(), b.scenario.clone())];
    for (da, db) in [
        (0.9, 0.9),
        (0.5, 0.5),
        (0.95, 0.7),
        (0.7, 0.95),
        (0.99, 0.9),
    ] {
        let s = b.with(&[
            (key(&b.scenario, fa, "discount"), num(da)),
            (key(&b.scenario, fb, "discount"), num(db)),
        ])?;
        scns.push((String::new(), s));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        let (da, db) = (scn.players[fa].discount, scn.players[fb].discount);
        let theory = (1.0 - db) / (1.0 - da * db);
        // The horizon truncates the infinite game: |x_H − x_∞| <= (δa δb)^⌊H/2⌋.
        let trunc = (da * db).powi((scn.clock.horizon / 2) as i32);
        let tol = grid_tol(&scn, fa, fb) + trunc;
        let params = with_tag(format!("δa={da} δb={db}"), &tag);
        rows.push(equilibrium_row(
            "rubinstein",
            params,
            &scn,
            set,
            theory,
            tol,
            fa,
            Horizon::Infinite,
        ));
    }
    Ok(rows)
}

fn with_tag(params: String, tag: &str) -> String {
    if tag.is_empty() {
        params
    } else {
        format!("{params} ({tag})")
    }
}

/// Ståhl's finite horizon: with T rounds (the last proposer takes all), the
/// first proposer gets, for T = 2m (even) and T = 2m + 1 (odd),
///
/// ```text
/// x_2m   = (1 − δb)(1 − (δa δb)^m) / (1 − δa δb)
/// x_2m+1 = (1 − δb)(1 − (δa δb)^m) / (1 − δa δb) + (δa δb)^m
/// ```
///
/// which tends to Rubinstein's share as T grows.
pub fn stahl_share(da: f64, db: f64, t: u32) -> f64 {
    let dd = da * db;
    let m = (t / 2) as i32;
    let geometric = if dd < 1.0 {
        (1.0 - db) * (1.0 - dd.powi(m)) / (1.0 - dd)
    } else {
        (1.0 - db) * m as f64
    };
    if t % 2 == 0 {
        geometric
    } else {
        geometric + dd.powi(m)
    }
}

/// Ståhl (1972): the backward-induction share for T = 1..10, and a long horizon.
pub fn stahl(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "stahl.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    for side in [fa, fb] {
        if fixed(&b, &b.scenario, side)? != 0.0 {
            return Err(b.needs(
                &key(&b.scenario, side, "type.reservation"),
                "reservation values of 0 (no deal is worth nothing)",
            ));
        }
    }
    let mut scns = vec![("as configured".to_string(), b.scenario.clone())];
    for t in (1..=10).chain([200]) {
        scns.push((String::new(), b.with(&[("clock.horizon".into(), int(t))])?));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        let (da, db) = (scn.players[fa].discount, scn.players[fb].discount);
        let t = scn.clock.horizon;
        let theory = stahl_share(da, db, t);
        let limit = (1.0 - db) / (1.0 - da * db);
        let mut row = equilibrium_row(
            "stahl",
            with_tag(format!("T={t} δa={da} δb={db}"), &tag),
            &scn,
            set,
            theory,
            grid_tol(&scn, fa, fb),
            fa,
            Horizon::Finite,
        );
        row.note.push_str(&format!(
            "; Rubinstein {limit:.5}, off by {:.5}",
            (theory - limit).abs()
        ));
        rows.push(row);
    }
    Ok(rows)
}

/// Rubinstein (1982) with fixed costs per round c_a, c_b (no discounting):
/// the first proposer gets 1 if c_a < c_b, and c_b if c_a > c_b.
pub fn fixed_costs(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "fixed_costs.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    let s0 = &b.scenario;
    for side in [fa, fb] {
        if s0.players[side].discount != 1.0 {
            return Err(b.needs(&key(s0, side, "discount"), "discount = 1 (no discounting)"));
        }
    }
    let mut scns = vec![("as configured".to_string(), s0.clone())];
    for (ca, cb) in [(0.05, 0.3), (0.3, 0.05), (0.1, 0.15), (0.25, 0.2)] {
        let s = b.with(&[
            (key(s0, fa, "delay_cost"), num(ca)),
            (key(s0, fb, "delay_cost"), num(cb)),
        ])?;
        scns.push((String::new(), s));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        // Per-round costs in units of the pie.
        let cost = |s: Side| {
            let p = &scn.players[s];
            p.flow_cost * p.types.delay_cost.mean() / p.bn_per_util
        };
        let (ca, cb) = (cost(fa), cost(fb));
        let theory = if ca < cb {
            1.0
        } else if ca > cb {
            cb
        } else {
            f64::NAN
        };
        let mut row = equilibrium_row(
            "fixed_costs",
            with_tag(format!("ca={ca} cb={cb}"), &tag),
            &scn,
            set,
            theory,
            grid_tol(&scn, fa, fb),
            fa,
            Horizon::Infinite,
        );
        if theory.is_nan() {
            row.conditions = false;
            row.note = "equal costs: the equilibrium is not unique".into();
        }
        // Payoff accounting: round 0's cost is charged at its start.
        let out = play(&scn, set);
        let want = row.simulated - ca;
        if (out.utility[fa] - want).abs() > 1e-9 {
            row.conditions = false;
            row.note.push_str(&format!(
                "; utility {} != share − ca = {want}",
                out.utility[fa]
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Binmore, Rubinstein & Wolinsky (1986): with δ_i = exp(−r_i Δ), the first
/// proposer's share tends to r_b/(r_a + r_b) as Δ → 0.
pub fn nash(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "nash.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    let s0 = &b.scenario;
    let mut scns = vec![("as configured".to_string(), s0.clone())];
    for (ra, rb, dt) in [
        (1.0, 1.0, 0.1),
        (1.0, 1.0, 0.01),
        (1.0, 2.0, 0.1),
        (1.0, 2.0, 0.01),
        (3.0, 1.0, 0.1),
        (3.0, 1.0, 0.01),
    ] {
        let f64_exp = |r: f64| (-r * dt).exp();
        let s = b.with(&[
            (key(s0, fa, "discount"), num(f64_exp(ra))),
            (key(s0, fb, "discount"), num(f64_exp(rb))),
        ])?;
        scns.push((format!("ra={ra} rb={rb} Δ={dt}"), s));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        let (da, db) = (scn.players[fa].discount, scn.players[fb].discount);
        // a_i = r_i Δ = −ln δ_i.
        let (aa, ab) = (-da.ln(), -db.ln());
        let theory = ab / (aa + ab);
        let rubinstein = (1.0 - db) / (1.0 - da * db);
        // x_Δ = r_b/(r_a + r_b) · (1 + r_a Δ/2) + O(Δ²): twice the first-order term.
        let first_order = aa * ab / (aa + ab);
        let trunc = (da * db).powi((scn.clock.horizon / 2) as i32);
        let tol = first_order + grid_tol(&scn, fa, fb) + trunc;
        let params = if tag == "as configured" {
            format!("δa={da:.5} δb={db:.5} (as configured)")
        } else {
            format!("{tag} (δa={da:.5} δb={db:.5})")
        };
        let mut row = equilibrium_row(
            "nash",
            params,
            &scn,
            set,
            theory,
            tol,
            fa,
            Horizon::Infinite,
        );
        row.note
            .push_str(&format!("; Rubinstein at this Δ {rubinstein:.5}"));
        rows.push(row);
    }
    Ok(rows)
}

/// The outside-option principle (Binmore, Shaked & Sutton 1989): the
/// responder's outside option w changes the split only when it exceeds what
/// the responder gets without it: the first proposer gets x* if
/// w <= 1 − x*, else 1 − w, with x* = (1 − δb)/(1 − δa δb).
pub fn outside_option(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "outside_option.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    let s0 = &b.scenario;
    if fixed(&b, s0, fa)? != 0.0 {
        return Err(b.needs(
            &key(s0, fa, "type.reservation"),
            "the first proposer's reservation value at 0 (only the responder has an outside option)",
        ));
    }
    fixed(&b, s0, fb)?;
    let mut scns = vec![("as configured".to_string(), s0.clone())];
    for w in [0.0, 0.3, 0.45, 0.5, 0.8] {
        scns.push((
            String::new(),
            b.with(&[(key(s0, fb, "type.reservation"), num(w))])?,
        ));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        let (da, db) = (scn.players[fa].discount, scn.players[fb].discount);
        let w = scn.players[fb].types.reservation.mean();
        let x_star = (1.0 - db) / (1.0 - da * db);
        let theory = if w <= 1.0 - x_star { x_star } else { 1.0 - w };
        let trunc = (da * db).powi((scn.clock.horizon / 2) as i32);
        let mut row = equilibrium_row(
            "outside_option",
            with_tag(format!("w={w} δa={da} δb={db}"), &tag),
            &scn,
            set,
            theory,
            grid_tol(&scn, fa, fb) + trunc,
            fa,
            Horizon::Infinite,
        );
        let binds = if w <= 1.0 - x_star {
            "does not bind"
        } else {
            "binds"
        };
        row.note.push_str(&format!(
            "; 1 − x* = {:.5}: the option {binds}",
            1.0 - x_star
        ));
        rows.push(row);
    }
    Ok(rows)
}

/// Records the first offer of a run (its utility to each side).
struct FirstOffer(Option<[f64; 2]>);

impl Observer for FirstOffer {
    fn round(&mut self, rec: &RoundRecord<'_>) {
        if self.0.is_none() {
            self.0 = Some(rec.offer_utility);
        }
    }
}

/// Fearon (1995): a take-it-or-leave-it offer to a side whose cost of war
/// c_b ~ U[0, c̄] is private: the proposer keeps x = p + (c̄ − c_a)/2 and war
/// follows with probability (c̄ − c_a)/(2 c̄) (for 0 <= c_a <= c̄; the
/// proposer's optimum y = x − p is clamped to [0, c̄] otherwise).
pub fn fearon(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "fearon.toml")?;
    let (fa, fb) = sides(&b, &b.scenario)?;
    pie(&b, &b.scenario)?;
    let s0 = &b.scenario;
    if s0.clock.horizon != 1 {
        return Err(b.needs(
            "clock.horizon",
            "horizon = 1 (one take-it-or-leave-it offer)",
        ));
    }
    let params_of = |scn: &Scenario| -> Result<(f64, f64, f64), ConfigError> {
        let ra = fixed(&b, scn, fa)?;
        let Dist::Uniform { lo, hi } = scn.players[fb].types.reservation else {
            return Err(b.needs(
                &key(scn, fb, "type.reservation"),
                "a uniform reservation value for the responder (1 − p − c_b, c_b ~ U[0, c̄])",
            ));
        };
        let p = 1.0 - hi;
        Ok((p, p - ra, hi - lo))
    };
    params_of(s0)?;
    let mut scns = vec![("as configured".to_string(), s0.clone())];
    for (p, ca, cbar) in [(0.4, 0.05, 0.3), (0.6, 0.0, 0.2), (0.35, 0.2, 0.5)] {
        let s = b.with(&[
            (key(s0, fa, "type.reservation"), num(p - ca)),
            (
                key(s0, fb, "type.reservation"),
                uniform(1.0 - p - cbar, 1.0 - p),
            ),
        ])?;
        scns.push((String::new(), s));
    }
    let mut rows = Vec::new();
    for (tag, scn) in scns {
        let (p, ca, cbar) = params_of(&scn)?;
        let y = ((cbar - ca) / 2.0).clamp(0.0, cbar);
        let offer_theory = p + y;
        let war_theory = y / cbar;
        let r = scn.protocol.resolution as f64;
        let params = with_tag(format!("p={p:.3} ca={ca:.3} c̄={cbar:.3}"), &tag);

        // The offer: the same in every run (the prior is all a knows).
        let mut first = FirstOffer(None);
        runner::replay(&scn, RunCoord::new(set.seed, 0, 0), &mut first);
        let offer = first.0.map_or(f64::NAN, |u| u[fa]);
        rows.push(Row {
            case: "fearon.offer".into(),
            params: params.clone(),
            theory: offer_theory,
            simulated: offer,
            se: None,
            // The expected utility is concave in the offer: its maximum on
            // the grid is within one step of the continuous one.
            tolerance: 1.0 / r,
            check: Check::Near,
            conditions: true,
            note: format!(
                "a's share, chosen by the Bayesian strategy (grid {})",
                match scn.players[fa].strategy {
                    crate::model::Strategy::Bayesian { grid } => grid.to_string(),
                    _ => "none: not bayesian".into(),
                }
            ),
        });

        // The war (no agreement) rate over many runs.
        let stats = monte_carlo(&scn, set);
        let n = stats.runs() as f64;
        let war = 1.0 - metric_mean(&scn, &stats, "deal");
        let se = (war * (1.0 - war) / n).sqrt();
        rows.push(Row {
            case: "fearon.war".into(),
            params,
            theory: war_theory,
            simulated: war,
            se: Some(se),
            // 4 standard errors, plus the effect of one grid step of the offer.
            tolerance: 4.0 * se + 1.0 / (r * cbar),
            check: Check::Near,
            conditions: true,
            note: format!("P(no agreement) over {} runs", stats.runs()),
        });
    }
    Ok(rows)
}

/// Roth, Murnighan & Schoumaker (1988): with a hard deadline, far more than
/// 10% of agreements come in the last 10% of the rounds, and some talks fail.
pub fn deadline(src: &Source, set: &Settings) -> Result<Vec<Row>, ConfigError> {
    let b = load(src, "deadline.toml")?;
    let scn = &b.scenario;
    let stats = monte_carlo(scn, set);
    let h = scn.clock.horizon;
    let last = h - h.div_ceil(10);
    let deals: u64 = (0..h).map(|r| stats.survival.deals(r)).sum();
    let late: u64 = (last..h).map(|r| stats.survival.deals(r)).sum();
    let nd = deals.max(1) as f64;
    let late_share = late as f64 / nd;
    let se_late = (late_share * (1.0 - late_share) / nd).sqrt();
    let n = stats.runs() as f64;
    let fail = 1.0 - deals as f64 / n;
    let se_fail = (fail * (1.0 - fail) / n).sqrt();
    let params = format!(
        "H={h}, {} vs {}",
        scn.players[0].strategy.label(),
        scn.players[1].strategy.label()
    );
    Ok(vec![
        Row {
            case: "deadline.late_deals".into(),
            params: params.clone(),
            theory: 0.5,
            simulated: late_share,
            se: Some(se_late),
            tolerance: 4.0 * se_late,
            check: Check::Above,
            conditions: deals > 0,
            note: format!(
                "share of {deals} deals in rounds {last}..{} (uniform timing: 0.10)",
                h - 1
            ),
        },
        Row {
            case: "deadline.disagreement".into(),
            params,
            theory: 0.0,
            simulated: fail,
            se: Some(se_fail),
            tolerance: 4.0 * se_fail,
            check: Check::Above,
            conditions: true,
            note: format!("P(no deal) over {} runs", stats.runs()),
        },
    ])
}
