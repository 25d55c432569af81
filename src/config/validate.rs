//! Validation: turns a [`RawScenario`] into a [`model::Scenario`], checking
//! every range, name and cross-reference, and naming the dotted key of the
//! first problem found (in file order).
//!
//! Kind-dependent defaults (a strategy's exponent, the first proposer, a
//! trigger's base hazard, ...) are filled into the raw config by
//! [`resolve_defaults`] before validation, so the resolved config recorded in
//! the manifest shows them.

use crate::date::Date;
use crate::model::{
    self, Acceptance, Clock, DeadlineRef, Dist, Effect, Event, Exposure, FocalDeadline, Issue,
    IssuePref, Lever, LeverPolicy, Player, Politics, ProposerRule, Protocol, Ratification,
    Scenario, Side, Strategy, Trigger, TypeDist,
};

use super::raw::{
    Named, RawDate, RawDist, RawEffect, RawEvent, RawFocal, RawIssue, RawLever, RawPlayer,
    RawPolicy, RawProtocol, RawScenario, RawStrategy, RawTrigger, ISSUE_KEYS,
};

/// A validation failure: the dotted key and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bad {
    pub key: String,
    pub message: String,
}

type V<T> = Result<T, Bad>;

fn bad<T>(key: impl Into<String>, message: impl Into<String>) -> V<T> {
    Err(Bad {
        key: key.into(),
        message: message.into(),
    })
}

/// The config format version this build reads.
pub const VERSION: u32 = 1;

/// Strategy kinds, in the order error messages list them. Adding a kind means
/// adding it here, filling its defaults in `resolve_strategy` and building it in
/// `strategy` in `config/validate.rs` (plus any new keys in `RawStrategy`).
pub const STRATEGY_KINDS: &[&str] = &[
    "boulware",
    "linear",
    "conceder",
    "time_dependent",
    "tit_for_tat",
    "hardliner",
    "equilibrium",
    "bayesian",
];
/// Default `grid` of `bayesian`.
pub const BAYESIAN_GRID: u32 = 101;
/// Largest allowed `grid` of `bayesian`.
pub const MAX_BAYESIAN_GRID: u32 = 10_000;
/// Lever policy kinds.
pub const POLICY_KINDS: &[&str] = &[
    "stalled",
    "expected_gain",
    "at_date",
    "before_deadline",
    "never",
];
/// Event trigger kinds.
pub const TRIGGER_KINDS: &[&str] = &["hazard", "date"];
/// Acceptance rules.
pub const ACCEPTANCE_RULES: &[&str] = &["next_offer_or_no_deal", "no_deal", "next_offer"];
/// Proposer rules.
pub const PROPOSER_RULES: &[&str] = &["alternate", "random"];

/// Default exponent of `boulware`.
pub const BOULWARE_EXPONENT: f64 = 0.3;
/// Default exponent of `conceder`.
pub const CONCEDER_EXPONENT: f64 = 3.0;
/// Largest allowed `clock.horizon`.
pub const MAX_HORIZON: u32 = 100_000;
/// Largest allowed `protocol.resolution`.
pub const MAX_RESOLUTION: u32 = 10_000;

fn k(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_string()
    } else {
        format!("{base}.{field}")
    }
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

// ---------------------------------------------------------------------------
// Defaults that depend on other keys.

/// Fills the defaults that depend on a `kind` or on other tables, leaving
/// anything it does not understand for validation to report.
pub(crate) fn resolve_defaults(raw: &mut RawScenario) {
    let first_player = raw.players.names().next().map(str::to_string);
    resolve_protocol(&mut raw.protocol, first_player);
    for (_, p) in raw.players.0.iter_mut() {
        resolve_strategy(&mut p.strategy);
    }
    for (_, e) in raw.events.0.iter_mut() {
        resolve_trigger(&mut e.trigger);
    }
}

fn resolve_protocol(p: &mut RawProtocol, first_player: Option<String>) {
    match p.proposer.as_str() {
        "alternate" if p.first.is_none() => p.first = first_player,
        "random" if p.recognition.is_none() => p.recognition = Some(0.5),
        _ => {}
    }
}

fn resolve_strategy(s: &mut RawStrategy) {
    let time_dependent = |s: &mut RawStrategy, e: Option<f64>| {
        if s.exponent.is_none() {
            s.exponent = e;
        }
        if s.deadline.is_none() {
            s.deadline = Some("horizon".into());
        }
    };
    match s.kind.as_str() {
        "boulware" => time_dependent(s, Some(BOULWARE_EXPONENT)),
        "linear" => time_dependent(s, Some(1.0)),
        "conceder" => time_dependent(s, Some(CONCEDER_EXPONENT)),
        "time_dependent" => time_dependent(s, None),
        "tit_for_tat" => {
            s.reciprocity.get_or_insert(1.0);
            s.step.get_or_insert(0.0);
        }
        "hardliner" => {
            s.deadline.get_or_insert_with(|| "horizon".into());
        }
        "bayesian" => {
            s.grid.get_or_insert(BAYESIAN_GRID);
        }
        _ => {}
    }
}

fn resolve_trigger(t: &mut RawTrigger) {
    match t.kind.as_str() {
        "hazard" => {
            t.base.get_or_insert(0.0);
            t.lever_sensitivity.get_or_insert(0.0);
        }
        "date" => {
            t.probability.get_or_insert(1.0);
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Scalar checks.

fn finite(key: &str, v: f64, expected: &str) -> V<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        bad(key, format!("expected {expected}, found {v}"))
    }
}

fn prob(key: &str, v: f64) -> V<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected a probability in [0, 1], found {v}"))
    }
}

fn unit_interval(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected {what} in [0, 1], found {v}"))
    }
}

fn signed_unit(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && (-1.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        bad(key, format!("expected {what} in [-1, 1], found {v}"))
    }
}

fn cost(key: &str, v: f64) -> V<f64> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        bad(
            key,
            format!("expected a non-negative cost (USD bn, >= 0), found {v}"),
        )
    }
}

fn nonneg(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        bad(key, format!("expected {what} >= 0, found {v}"))
    }
}

fn positive(key: &str, v: f64, what: &str) -> V<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        bad(key, format!("expected {what} > 0, found {v}"))
    }
}

fn one_of<'a>(key: &str, v: &str, what: &str, allowed: &[&'a str]) -> V<&'a str> {
    match allowed.iter().find(|a| **a == v) {
        Some(a) => Ok(a),
        None => bad(
            key,
            format!("unknown {what} '{v}'; expected one of {}", list(allowed)),
        ),
    }
}

/// Names that end up in file and column names.
fn name(key: &str, v: &str, what: &str) -> V<()> {
    let ok = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        bad(
            key,
            format!(
                "expected a {what} name of letters, digits, '_' and '-', found \"{}\"",
                v.escape_default()
            ),
        )
    }
}

// ---------------------------------------------------------------------------
// Dates.

struct Cal {
    start: Date,
    days_per_round: u32,
    horizon: u32,
}

impl Cal {
    fn parse(key: &str, d: &RawDate) -> V<Date> {
        match Date::parse(&d.0) {
            Some(x) => Ok(x),
            None => bad(
                key,
                format!(
                    "expected a date \"YYYY-MM-DD\", found \"{}\"",
                    d.0.escape_default()
                ),
            ),
        }
    }

    /// A date on or after the start.
    fn date(&self, key: &str, d: &RawDate) -> V<Date> {
        let x = Cal::parse(key, d)?;
        if x < self.start {
            return bad(
                key,
                format!(
                    "expected a date on or after clock.start ({}), found {x}",
                    self.start
                ),
            );
        }
        Ok(x)
    }

    fn days(&self, d: Date) -> i64 {
        d.days() - self.start.days()
    }

    /// First round on or after `d` (d >= start).
    fn round_from(&self, d: Date) -> u32 {
        let n = self.days(d);
        let dpr = self.days_per_round as i64;
        u32::try_from((n + dpr - 1) / dpr).unwrap_or(u32::MAX)
    }

    /// Last round on or before `d` (d >= start).
    fn round_until(&self, d: Date) -> u32 {
        u32::try_from(self.days(d) / self.days_per_round as i64).unwrap_or(u32::MAX)
    }
}

// ---------------------------------------------------------------------------
// The scenario.

/// Validates a raw scenario (whose defaults have been resolved) into the model.
pub(crate) fn scenario(raw: &RawScenario) -> V<Scenario> {
    if raw.version != VERSION {
        return bad(
            "version",
            format!(
                "expected {VERSION} (the config format this build reads), found {}",
                raw.version
            ),
        );
    }
    name("name", &raw.name, "scenario")?;

    let cal = clock_base(raw)?;

    // Players: names first, so that every later reference can be checked.
    if raw.players.len() != 2 {
        let names: Vec<&str> = raw.players.names().collect();
        return bad(
            "players",
            format!(
                "expected exactly two players ([players.NAME] tables), found {}{}",
                names.len(),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                }
            ),
        );
    }
    let pnames: Vec<&str> = raw.players.names().collect();
    for n in &pnames {
        let key = k("players", n);
        name(&key, n, "player")?;
        if ISSUE_KEYS.contains(n) {
            return bad(
                key,
                format!(
                    "a player cannot be named '{n}': {} are keys of issue tables",
                    list(&ISSUE_KEYS)
                ),
            );
        }
    }
    let players = Players(&pnames);

    let focal = match &raw.clock.focal {
        Some(f) => Some(focal(f, &cal, &players)?),
        None => None,
    };
    let clock = Clock {
        start: cal.start,
        days_per_round: cal.days_per_round,
        horizon: cal.horizon,
        focal,
    };

    let protocol = protocol(&raw.protocol, &players)?;

    let has_focal = clock.focal.is_some();
    let build = |(n, p): &(String, RawPlayer)| player(&k("players", n), n, p, has_focal);
    let players_arr: [Player; 2] = [build(&raw.players.0[0])?, build(&raw.players.0[1])?];

    let issues = issues(&raw.issues, &players)?;
    let inames: Vec<&str> = raw.issues.names().collect();

    let mut levers = Vec::with_capacity(raw.levers.len());
    for (n, l) in raw.levers.iter() {
        levers.push(lever(&k("levers", n), n, l, &cal, &players)?);
    }
    let mut events = Vec::with_capacity(raw.events.len());
    for (n, e) in raw.events.iter() {
        events.push(event(&k("events", n), n, e, &cal, &players, &inames)?);
    }

    let mut s = Scenario {
        name: raw.name.clone(),
        clock,
        players: players_arr,
        issues,
        levers,
        events,
        protocol,
        paths: Default::default(),
    };
    column_clashes(&s)?;
    s.rebuild_paths();
    Ok(s)
}

/// Player names, for lookups with good messages.
struct Players<'a>(&'a [&'a str]);

impl Players<'_> {
    fn index(&self, key: &str, n: &str) -> V<Side> {
        match self.0.iter().position(|p| *p == n) {
            Some(i) => Ok(i),
            None => bad(
                key,
                format!("unknown player '{n}'; expected one of {}", list(self.0)),
            ),
        }
    }
}

fn clock_base(raw: &RawScenario) -> V<Cal> {
    let c = &raw.clock;
    let start = Cal::parse("clock.start", &c.start)?;
    if c.days_per_round == 0 {
        return bad(
            "clock.days_per_round",
            "expected a whole number of days >= 1, found 0",
        );
    }
    if c.horizon == 0 || c.horizon > MAX_HORIZON {
        return bad(
            "clock.horizon",
            format!(
                "expected a number of rounds in [1, {MAX_HORIZON}], found {}",
                c.horizon
            ),
        );
    }
    Ok(Cal {
        start,
        days_per_round: c.days_per_round,
        horizon: c.horizon,
    })
}

/// A per-player map of numbers (focal costs): unknown names are errors,
/// missing players get 0.
fn per_player(
    key: &str,
    m: &Named<f64>,
    players: &Players,
    check: impl Fn(&str, f64) -> V<f64>,
) -> V<[f64; 2]> {
    let mut out = [0.0; 2];
    for (n, v) in m.iter() {
        let kk = k(key, n);
        let i = players.index(&kk, n)?;
        out[i] = check(&kk, *v)?;
    }
    Ok(out)
}

fn focal(f: &RawFocal, cal: &Cal, players: &Players) -> V<FocalDeadline> {
    let base = "clock.focal";
    if f.name.trim().is_empty() {
        return bad(k(base, "name"), "expected a non-empty name, found \"\"");
    }
    let date = cal.date(&k(base, "date"), &f.date)?;
    if cal.round_from(date) == 0 {
        // A deadline in round 0 would pass before the first offer.
        return bad(
            k(base, "date"),
            format!(
                "expected a date after the first round (after {}), found {}",
                cal.start, f.date.0
            ),
        );
    }
    Ok(FocalDeadline {
        name: f.name.clone(),
        date,
        round: cal.round_from(date),
        audience_cost: per_player(&k(base, "audience_cost"), &f.audience_cost, players, cost)?,
        support_loss: per_player(
            &k(base, "support_loss"),
            &f.support_loss,
            players,
            |kk, v| unit_interval(kk, v, "a fall in support"),
        )?,
    })
}

fn protocol(p: &RawProtocol, players: &Players) -> V<Protocol> {
    let base = "protocol";
    let rule = one_of(
        &k(base, "proposer"),
        &p.proposer,
        "proposer rule",
        PROPOSER_RULES,
    )?;
    let proposer = match rule {
        "alternate" => {
            if p.recognition.is_some() {
                return bad(
                    k(base, "recognition"),
                    "only used with proposer = \"random\"; remove it or set proposer = \"random\"",
                );
            }
            let first = match &p.first {
                Some(f) => players.index(&k(base, "first"), f)?,
                None => 0,
            };
            ProposerRule::Alternate { first }
        }
        _ => {
            if p.first.is_some() {
                return bad(
                    k(base, "first"),
                    "only used with proposer = \"alternate\"; with \"random\" set recognition instead",
                );
            }
            ProposerRule::Random {
                p0: prob(&k(base, "recognition"), p.recognition.unwrap_or(0.5))?,
            }
        }
    };
    if p.resolution == 0 || p.resolution > MAX_RESOLUTION {
        return bad(
            k(base, "resolution"),
            format!(
                "expected a number of grid steps in [1, {MAX_RESOLUTION}], found {}",
                p.resolution
            ),
        );
    }
    if p.max_ratifications == 0 {
        return bad(
            k(base, "max_ratifications"),
            "expected a number of failed ratifications >= 1, found 0",
        );
    }
    Ok(Protocol {
        proposer,
        resolution: p.resolution,
        max_ratifications: p.max_ratifications,
    })
}

fn player(base: &str, pname: &str, p: &RawPlayer, has_focal: bool) -> V<Player> {
    let bn_per_util = positive(&k(base, "bn_per_util"), p.bn_per_util, "USD bn per util")?;
    let discount = p.discount;
    if !(discount.is_finite() && discount > 0.0 && discount <= 1.0) {
        return bad(
            k(base, "discount"),
            format!("expected a discount factor in (0, 1], found {discount}"),
        );
    }
    let flow_cost = cost(&k(base, "delay_cost"), p.delay_cost)?;
    let pressure_horizon = nonneg(
        &k(base, "pressure_horizon"),
        p.pressure_horizon,
        "a number of rounds",
    )?;
    let acceptance = match one_of(
        &k(base, "acceptance"),
        &p.acceptance,
        "acceptance rule",
        ACCEPTANCE_RULES,
    )? {
        "next_offer_or_no_deal" => Acceptance::NextOfferOrNoDeal,
        "no_deal" => Acceptance::NoDeal,
        _ => Acceptance::NextOffer,
    };

    let tb = k(base, "type");
    let types = TypeDist {
        reservation: dist(
            &k(&tb, "reservation"),
            &p.types.reservation,
            Bounds::Within(-1.0, 1.0),
            "a reservation value (a utility)",
        )?,
        delay_cost: dist(
            &k(&tb, "delay_cost_factor"),
            &p.types.delay_cost_factor,
            Bounds::AtLeast(0.0),
            "a cost multiplier",
        )?,
        resolve: dist(
            &k(&tb, "resolve"),
            &p.types.resolve,
            Bounds::Above(0.0),
            "a resolve",
        )?,
    };

    let pb = k(base, "politics");
    let rb = k(base, "ratification");
    let r = &p.ratification;
    let politics = Politics {
        initial_support: unit_interval(
            &k(&pb, "initial_support"),
            p.politics.initial_support,
            "a support level",
        )?,
        pain: nonneg(
            &k(&pb, "pain"),
            p.politics.pain,
            "a support loss per USD bn",
        )?,
        concession: nonneg(
            &k(&pb, "concession"),
            p.politics.concession,
            "a support loss per util conceded",
        )?,
        firmness: nonneg(
            &k(&pb, "firmness"),
            p.politics.firmness,
            "a support gain per round",
        )?,
        ratification: Ratification {
            base: prob(&k(&rb, "base"), r.base)?,
            support_slope: nonneg(&k(&rb, "support_slope"), r.support_slope, "a logit slope")?,
            terms_slope: nonneg(&k(&rb, "terms_slope"), r.terms_slope, "a logit slope")?,
            failure_cost: cost(&k(&rb, "failure_cost"), r.failure_cost)?,
            failure_support_loss: unit_interval(
                &k(&rb, "failure_support_loss"),
                r.failure_support_loss,
                "a fall in support",
            )?,
            failure_hardening: unit_interval(
                &k(&rb, "failure_hardening"),
                r.failure_hardening,
                "a rise in the reservation value",
            )?,
        },
    };

    Ok(Player {
        name: pname.to_string(),
        bn_per_util,
        discount,
        flow_cost,
        pressure_horizon,
        types,
        politics,
        strategy: strategy(&k(base, "strategy"), &p.strategy, has_focal)?,
        acceptance,
        can_walk_away: p.walk_away,
    })
}

/// Rejects keys of a kind-tagged table that the kind does not use.
fn unused<T>(key: &str, field: &str, v: &Option<T>, kind: &str, what: &str, uses: &str) -> V<()> {
    if v.is_some() {
        bad(
            k(key, field),
            format!("not used by {what} '{kind}' (it takes {uses})"),
        )
    } else {
        Ok(())
    }
}

fn deadline(key: &str, d: Option<&str>, has_focal: bool) -> V<DeadlineRef> {
    match one_of(
        key,
        d.unwrap_or("horizon"),
        "deadline",
        &["focal", "horizon"],
    )? {
        "focal" if !has_focal => bad(
            key,
            "expected \"horizon\": \"focal\" needs a [clock.focal] table, and there is none",
        ),
        "focal" => Ok(DeadlineRef::Focal),
        _ => Ok(DeadlineRef::Horizon),
    }
}

fn strategy(base: &str, s: &RawStrategy, has_focal: bool) -> V<Strategy> {
    let kind = one_of(&k(base, "kind"), &s.kind, "strategy", STRATEGY_KINDS)?;
    let ek = k(base, "exponent");
    let w = "strategy";
    if kind != "bayesian" {
        let takes = match kind {
            "tit_for_tat" => "reciprocity, step",
            "hardliner" => "deadline",
            "equilibrium" => "no other keys",
            _ => "exponent, deadline",
        };
        unused(base, "grid", &s.grid, kind, w, takes)?;
    }
    match kind {
        "boulware" | "linear" | "conceder" | "time_dependent" => {
            let uses = "exponent, deadline";
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            let e = match s.exponent {
                Some(e) => positive(&ek, e, "an exponent")?,
                None => {
                    return bad(
                        ek,
                        format!("missing: strategy '{kind}' needs an exponent > 0"),
                    )
                }
            };
            match kind {
                "boulware" if e >= 1.0 => {
                    return bad(ek, format!("expected an exponent in (0, 1) for boulware (use kind = \"time_dependent\" for others), found {e}"))
                }
                "linear" if e != 1.0 => {
                    return bad(ek, format!("expected exponent 1 for linear (use kind = \"time_dependent\" for others), found {e}"))
                }
                "conceder" if e <= 1.0 => {
                    return bad(ek, format!("expected an exponent > 1 for conceder (use kind = \"time_dependent\" for others), found {e}"))
                }
                _ => {}
            }
            Ok(Strategy::TimeDependent {
                exponent: e,
                deadline: deadline(&k(base, "deadline"), s.deadline.as_deref(), has_focal)?,
            })
        }
        "tit_for_tat" => {
            let uses = "reciprocity, step";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            Ok(Strategy::TitForTat {
                reciprocity: nonneg(
                    &k(base, "reciprocity"),
                    s.reciprocity.unwrap_or(1.0),
                    "a reciprocity",
                )?,
                step: nonneg(&k(base, "step"), s.step.unwrap_or(0.0), "a step (utility)")?,
            })
        }
        "hardliner" => {
            let uses = "deadline";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            Ok(Strategy::Hardliner {
                deadline: deadline(&k(base, "deadline"), s.deadline.as_deref(), has_focal)?,
            })
        }
        "equilibrium" => {
            let uses = "no other keys";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            Ok(Strategy::Equilibrium)
        }
        "bayesian" => {
            let uses = "grid";
            unused(base, "exponent", &s.exponent, kind, w, uses)?;
            unused(base, "deadline", &s.deadline, kind, w, uses)?;
            unused(base, "reciprocity", &s.reciprocity, kind, w, uses)?;
            unused(base, "step", &s.step, kind, w, uses)?;
            let grid = s.grid.unwrap_or(BAYESIAN_GRID);
            if !(2..=MAX_BAYESIAN_GRID).contains(&grid) {
                return bad(
                    k(base, "grid"),
                    format!("expected a number of grid points in [2, {MAX_BAYESIAN_GRID}], found {grid}"),
                );
            }
            Ok(Strategy::Bayesian { grid })
        }
        // A kind listed in STRATEGY_KINDS without an arm above.
        other => not_built(&k(base, "kind"), "strategy", other),
    }
}

/// A kind that is listed as valid but has no builder yet: a defect, reported
/// as an error rather than a panic.
fn not_built<T>(key: &str, what: &str, kind: &str) -> V<T> {
    bad(
        key,
        format!("{what} '{kind}' is not supported by this build"),
    )
}

/// Where a distribution's support must lie.
#[derive(Clone, Copy)]
enum Bounds {
    Within(f64, f64),
    AtLeast(f64),
    Above(f64),
}

fn dist(key: &str, d: &RawDist, bounds: Bounds, what: &str) -> V<Dist> {
    let num = |kk: &str, v: f64| finite(kk, v, "a finite number");
    let out = match d {
        RawDist::Fixed(v) => Dist::Fixed(num(key, *v)?),
        RawDist::Uniform([lo, hi]) => {
            let uk = k(key, "uniform");
            num(&uk, *lo)?;
            num(&uk, *hi)?;
            if lo > hi {
                return bad(
                    uk,
                    format!("expected [lo, hi] with lo <= hi, found [{lo}, {hi}]"),
                );
            }
            Dist::Uniform { lo: *lo, hi: *hi }
        }
        RawDist::Normal(n) => {
            let nk = k(key, "normal");
            num(&k(&nk, "mean"), n.mean)?;
            nonneg(&k(&nk, "sd"), n.sd, "a standard deviation")?;
            num(&k(&nk, "lo"), n.lo)?;
            num(&k(&nk, "hi"), n.hi)?;
            if n.lo > n.hi {
                return bad(
                    k(&nk, "hi"),
                    format!("expected hi >= lo = {}, found {}", n.lo, n.hi),
                );
            }
            Dist::Normal {
                mean: n.mean,
                sd: n.sd,
                lo: n.lo,
                hi: n.hi,
            }
        }
        RawDist::Choice(v) => {
            let ck = k(key, "choice");
            if v.is_empty() {
                return bad(ck, "expected at least one value, found an empty list");
            }
            for x in v {
                num(&ck, *x)?;
            }
            Dist::Choice(v.clone())
        }
    };
    let (lo, hi) = out.support();
    let (ok, range) = match bounds {
        Bounds::Within(a, b) => (lo >= a && hi <= b, format!("in [{a}, {b}]")),
        Bounds::AtLeast(a) => (lo >= a, format!(">= {a}")),
        Bounds::Above(a) => (lo > a, format!("> {a}")),
    };
    if !ok {
        let found = if lo == hi {
            format!("{lo}")
        } else {
            format!("values from {lo} to {hi}")
        };
        return bad(
            key,
            format!("expected {what} with every value {range}, found {found}"),
        );
    }
    Ok(out)
}

fn issues(raw: &Named<RawIssue>, players: &Players) -> V<Vec<Issue>> {
    if raw.is_empty() {
        return bad(
            "issues",
            "expected at least one issue ([issues.NAME] table), found none",
        );
    }
    let mut out = Vec::with_capacity(raw.len());
    for (n, is) in raw.iter() {
        out.push(issue(&k("issues", n), n, is, players)?);
    }
    // Normalise each player's weights to sum to 1.
    for side in 0..2 {
        let total: f64 = out.iter().map(|i| i.prefs[side].weight).sum();
        if total <= 0.0 {
            let first = raw.names().next().unwrap_or_default();
            let pn = players.0[side];
            return bad(
                format!("issues.{first}.{pn}.weight"),
                format!(
                    "every weight of player '{pn}' is 0; expected at least one issue with a positive weight"
                ),
            );
        }
        for i in out.iter_mut() {
            i.prefs[side].weight /= total;
        }
    }
    Ok(out)
}

fn issue(base: &str, n: &str, is: &RawIssue, players: &Players) -> V<Issue> {
    name(base, n, "issue")?;
    let lo = finite(&k(base, "lo"), is.lo, "a finite number")?;
    let hi = finite(&k(base, "hi"), is.hi, "a finite number")?;
    if lo >= hi {
        return bad(
            k(base, "hi"),
            format!(
                "expected hi > lo (an issue's range cannot be empty), found lo = {lo}, hi = {hi}"
            ),
        );
    }
    let mut prefs: [Option<IssuePref>; 2] = [None, None];
    for (pn, p) in is.prefs.iter() {
        let pk = k(base, pn);
        let Some(side) = players.0.iter().position(|x| *x == pn) else {
            return bad(
                pk,
                format!(
                    "unknown key '{pn}'; expected unit, lo, hi or a player name ({})",
                    list(players.0)
                ),
            );
        };
        let weight = nonneg(&k(&pk, "weight"), p.weight, "a weight")?;
        let prefers_high = one_of(
            &k(&pk, "prefers"),
            &p.prefers,
            "direction",
            &["low", "high"],
        )? == "high";
        let exponent = positive(&k(&pk, "exponent"), p.exponent, "an exponent")?;
        prefs[side] = Some(IssuePref {
            weight,
            prefers_high,
            exponent,
        });
    }
    let mut get = |side: usize| -> V<IssuePref> {
        match prefs[side].take() {
            Some(p) => Ok(p),
            None => {
                let pn = players.0[side];
                bad(
                    k(base, pn),
                    format!(
                        "missing: every issue needs each player's preference, e.g. \
                         {pn} = {{ weight = 0.1, prefers = \"low\" }}"
                    ),
                )
            }
        }
    };
    let p0 = get(0)?;
    let p1 = get(1)?;
    Ok(Issue {
        name: n.to_string(),
        unit: is.unit.clone(),
        lo,
        hi,
        prefs: [p0, p1],
    })
}

fn lever(base: &str, n: &str, l: &RawLever, cal: &Cal, players: &Players) -> V<Lever> {
    name(base, n, "lever")?;
    let owner = players.index(&k(base, "owner"), &l.owner)?;
    let from_round = match &l.from_date {
        Some(d) => cal.round_from(cal.date(&k(base, "from_date"), d)?),
        None => 0,
    };
    let policy = policy(&k(base, "policy"), &l.policy, cal)?;
    Ok(Lever {
        name: n.to_string(),
        owner,
        target: model::other(owner),
        cost_to_target: cost(&k(base, "cost_to_target"), l.cost_to_target)?,
        cost_to_owner: cost(&k(base, "cost_to_owner"), l.cost_to_owner)?,
        one_off_cost: cost(&k(base, "one_off_cost"), l.one_off_cost)?,
        credibility: prob(&k(base, "credibility"), l.credibility)?,
        backlash: unit_interval(&k(base, "backlash"), l.backlash, "a backlash")?,
        softening: unit_interval(&k(base, "softening"), l.softening, "a softening")?,
        owner_resolve: unit_interval(
            &k(base, "owner_resolve"),
            l.owner_resolve,
            "an owner resolve",
        )?,
        hazard: prob(&k(base, "hazard"), l.hazard)?,
        duration: l.duration,
        decay: unit_interval(&k(base, "decay"), l.decay, "a decay rate")?,
        max_uses: l.max_uses,
        policy: if l.enabled {
            policy
        } else {
            LeverPolicy::Never
        },
        from_round,
    })
}

fn policy(base: &str, p: &RawPolicy, cal: &Cal) -> V<LeverPolicy> {
    let kind = one_of(&k(base, "kind"), &p.kind, "policy", POLICY_KINDS)?;
    let w = "policy";
    let rounds = |min: u32| -> V<u32> {
        match p.rounds {
            Some(r) if r >= min => Ok(r),
            Some(r) => bad(
                k(base, "rounds"),
                format!("expected a number of rounds >= {min}, found {r}"),
            ),
            None => bad(
                k(base, "rounds"),
                format!("missing: policy '{kind}' needs rounds (>= {min})"),
            ),
        }
    };
    Ok(match kind {
        "stalled" => {
            unused(base, "date", &p.date, kind, w, "rounds")?;
            LeverPolicy::Stalled { rounds: rounds(1)? }
        }
        "before_deadline" => {
            unused(base, "date", &p.date, kind, w, "rounds")?;
            LeverPolicy::BeforeDeadline { rounds: rounds(0)? }
        }
        "at_date" => {
            unused(base, "rounds", &p.rounds, kind, w, "date")?;
            let Some(d) = &p.date else {
                return bad(k(base, "date"), "missing: policy 'at_date' needs a date");
            };
            LeverPolicy::AtRound {
                round: cal.round_from(cal.date(&k(base, "date"), d)?),
            }
        }
        "expected_gain" | "never" => {
            unused(base, "rounds", &p.rounds, kind, w, "no other keys")?;
            unused(base, "date", &p.date, kind, w, "no other keys")?;
            if kind == "never" {
                LeverPolicy::Never
            } else {
                LeverPolicy::ExpectedGain
            }
        }
        other => return not_built(&k(base, "kind"), "policy", other),
    })
}

/// Round of the trigger of a disabled event: never reached, and probability 0.
pub const DISABLED_EVENT_ROUND: u32 = u32::MAX;

fn event(
    base: &str,
    n: &str,
    e: &RawEvent,
    cal: &Cal,
    players: &Players,
    issues: &[&str],
) -> V<Event> {
    name(base, n, "event")?;
    let trigger = trigger(&k(base, "trigger"), &e.trigger, cal, issues)?;
    let mut effects = [Effect {
        concession: 1.0,
        ..Effect::default()
    }; 2];
    let eb = k(base, "effects");
    for (pn, f) in e.effects.iter() {
        let pk = k(&eb, pn);
        let side = players.index(&pk, pn)?;
        effects[side] = effect(&pk, f)?;
    }
    Ok(Event {
        name: n.to_string(),
        trigger: if e.enabled {
            trigger
        } else {
            Trigger::OnRound {
                round: DISABLED_EVENT_ROUND,
                probability: 0.0,
            }
        },
        max_occurrences: e.max_occurrences,
        effects,
    })
}

fn trigger(base: &str, t: &RawTrigger, cal: &Cal, issues: &[&str]) -> V<Trigger> {
    let kind = one_of(&k(base, "kind"), &t.kind, "trigger", TRIGGER_KINDS)?;
    let w = "trigger";
    if kind == "date" {
        let uses = "date, probability";
        unused(base, "base", &t.base, kind, w, uses)?;
        unused(base, "from_date", &t.from_date, kind, w, uses)?;
        unused(base, "to_date", &t.to_date, kind, w, uses)?;
        unused(
            base,
            "lever_sensitivity",
            &t.lever_sensitivity,
            kind,
            w,
            uses,
        )?;
        unused(base, "exposure", &t.exposure, kind, w, uses)?;
        let Some(d) = &t.date else {
            return bad(k(base, "date"), "missing: trigger 'date' needs a date");
        };
        let date = cal.date(&k(base, "date"), d)?;
        return Ok(Trigger::OnRound {
            round: cal.round_from(date),
            probability: prob(&k(base, "probability"), t.probability.unwrap_or(1.0))?,
        });
    }
    if kind != "hazard" {
        return not_built(&k(base, "kind"), "trigger", kind);
    }
    let uses = "base, from_date, to_date, lever_sensitivity, exposure";
    unused(base, "date", &t.date, kind, w, uses)?;
    unused(base, "probability", &t.probability, kind, w, uses)?;
    let from = match &t.from_date {
        Some(d) => Some(cal.date(&k(base, "from_date"), d)?),
        None => None,
    };
    let from_round = from.map_or(0, |d| cal.round_from(d));
    let to_round = match &t.to_date {
        Some(d) => {
            let tk = k(base, "to_date");
            let to = cal.date(&tk, d)?;
            let lower = from.unwrap_or(cal.start);
            if to < lower {
                return bad(
                    tk,
                    format!("expected a date on or after from_date ({lower}), found {to}"),
                );
            }
            cal.round_until(to)
        }
        None => cal.horizon,
    };
    let exposure = match &t.exposure {
        None => None,
        Some(x) => {
            let xb = k(base, "exposure");
            let issue_idx = |kk: &str, n: &str| -> V<usize> {
                match issues.iter().position(|i| *i == n) {
                    Some(i) => Ok(i),
                    None => bad(
                        kk,
                        format!("unknown issue '{n}'; expected one of {}", list(issues)),
                    ),
                }
            };
            let issue = issue_idx(&k(&xb, "issue"), &x.issue)?;
            let reserves = positive(&k(&xb, "reserves"), x.reserves, "reserves")?;
            let cushion = match &x.cushion {
                Some(c) => Some(issue_idx(&k(&xb, "cushion"), c)?),
                None => None,
            };
            Some(Exposure {
                issue,
                reserves,
                cushion,
                slope: nonneg(&k(&xb, "slope"), x.slope, "a slope")?,
            })
        }
    };
    Ok(Trigger::Hazard {
        base: prob(&k(base, "base"), t.base.unwrap_or(0.0))?,
        from_round,
        to_round,
        exposure,
        lever_sensitivity: nonneg(
            &k(base, "lever_sensitivity"),
            t.lever_sensitivity.unwrap_or(0.0),
            "a lever sensitivity",
        )?,
    })
}

fn effect(base: &str, f: &RawEffect) -> V<Effect> {
    Ok(Effect {
        one_off_cost: cost(&k(base, "one_off_cost"), f.one_off_cost)?,
        flow_cost: finite(
            &k(base, "flow_cost"),
            f.flow_cost,
            "a finite change in flow cost (USD bn per round)",
        )?,
        support: signed_unit(&k(base, "support"), f.support, "a shift in support")?,
        concession: positive(
            &k(base, "concession"),
            f.concession,
            "a concession multiplier",
        )?,
        reservation: signed_unit(
            &k(base, "reservation"),
            f.reservation,
            "a shift in the reservation value",
        )?,
    })
}

/// Issue names become columns of runs.csv beside fixed metric columns: they must not clash.
fn column_clashes(s: &Scenario) -> V<()> {
    let names = crate::outcome::metric_names(s);
    for is in &s.issues {
        if names.iter().filter(|m| **m == is.name).count() > 1 {
            return bad(
                k("issues", &is.name),
                format!(
                    "the issue name '{}' clashes with another output column of that name; rename the issue",
                    is.name
                ),
            );
        }
    }
    Ok(())
}
