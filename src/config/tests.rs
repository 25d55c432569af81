use super::*;
use crate::model::{DeadlineRef, Dist, LeverPolicy, ProposerRule, Strategy, Trigger};

const MINIMAL: &str = r#"
version = 1
name = "minimal"

[clock]
start = "2025-01-01"
horizon = 10

[players.a]
bn_per_util = 10.0
strategy = { kind = "linear" }

[players.b]
bn_per_util = 10.0
strategy = { kind = "boulware" }

[issues.price]
lo = 0.0
hi = 1.0
a = { weight = 1.0, prefers = "low" }
b = { weight = 2.0, prefers = "high" }
"#;

fn err(text: &str) -> ConfigError {
    match load_str("t.toml", text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn builtin_scenario_loads_with_its_issues_levers_and_events() {
    let l = builtin();
    let s = &l.scenario;
    assert_eq!(l.file, BUILTIN_LABEL);
    assert_eq!(s.name, "korea_us_2025");
    assert_eq!(s.players[0].name, "korea");
    assert_eq!(s.players[1].name, "us");
    let issues: Vec<&str> = s.issues.iter().map(|i| i.name.as_str()).collect();
    for want in [
        "headline",
        "cash_share",
        "annual_cap",
        "us_share_before_recovery",
        "us_share_after_recovery",
        "project_selection",
        "swap_line",
        "auto_tariff",
        "shipbuilding",
    ] {
        assert!(issues.contains(&want), "issue {want}");
    }
    let levers: Vec<(&str, usize)> = s
        .levers
        .iter()
        .map(|l| (l.name.as_str(), l.owner))
        .collect();
    for (want, owner) in [
        ("sector_tariffs", 1),
        ("visa_review", 1),
        ("rating_squeeze", 1),
        ("investment_freeze", 1),
        ("delay", 0),
        ("slow_factories", 0),
        ("shipbuilding_sweetener", 0),
        ("swap_line_demand", 0),
    ] {
        assert!(levers.contains(&(want, owner)), "lever {want}");
    }
    let events: Vec<&str> = s.events.iter().map(|e| e.name.as_str()).collect();
    for want in [
        "fx_shock",
        "georgia_raid",
        "japan_precedent",
        "tariff_ruling",
    ] {
        assert!(events.contains(&want), "event {want}");
    }
    // The rating squeeze raises the FX-shock hazard.
    let squeeze = s
        .levers
        .iter()
        .find(|l| l.name == "rating_squeeze")
        .unwrap();
    assert!(squeeze.hazard > 0.0);
    let fx = s.events.iter().find(|e| e.name == "fx_shock").unwrap();
    match &fx.trigger {
        Trigger::Hazard {
            exposure: Some(x),
            lever_sensitivity,
            ..
        } => {
            assert_eq!(s.issues[x.issue].name, "annual_cap");
            assert_eq!(
                x.cushion.map(|c| s.issues[c].name.as_str()),
                Some("swap_line")
            );
            assert_eq!(*lever_sensitivity, 1.0);
        }
        t => panic!("fx_shock trigger {t:?}"),
    }
    // APEC Gyeongju, 90 days after 2025-07-31: round 13; the raid (35 days): round 5.
    let focal = s.clock.focal.as_ref().unwrap();
    assert_eq!((focal.name.as_str(), focal.round), ("apec_gyeongju", 13));
    let raid = s.events.iter().find(|e| e.name == "georgia_raid").unwrap();
    assert_eq!(
        raid.trigger,
        Trigger::OnRound {
            round: 5,
            probability: 1.0
        }
    );
    assert_eq!(s.clock.horizon, 66);
    assert_eq!(s.clock.date_of(66).to_string(), "2026-11-05");
    assert!(!s.paths[0].is_empty() && !s.paths[1].is_empty());
    // Weights are normalised per player.
    for side in 0..2 {
        let w: f64 = s.issues.iter().map(|i| i.prefs[side].weight).sum();
        assert!((w - 1.0).abs() < 1e-12);
    }
}

#[test]
fn resolved_toml_loads_back_to_the_same_raw_config() {
    for l in [builtin(), load_str("m.toml", MINIMAL).unwrap()] {
        let text = resolved_toml(&l.raw);
        let again = load_str("resolved.toml", &text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"));
        assert_eq!(again.raw, l.raw, "\n{text}");
        assert_eq!(resolved_toml(&again.raw), text);
    }
}

#[test]
fn resolved_toml_fills_defaults_and_reads_like_a_hand_written_file() {
    let l = load_str("m.toml", MINIMAL).unwrap();
    let text = resolved_toml(&l.raw);
    assert!(text.contains("days_per_round = 7"), "{text}");
    assert!(text.contains("first = \"a\""), "{text}");
    assert!(text.contains("exponent = 0.3"), "{text}");
    assert!(
        text.contains("a = { weight = 1.0, prefers = \"low\", exponent = 1.0 }"),
        "{text}"
    );
    assert!(!text.contains("[players]\n"), "{text}");
    let b = builtin();
    let text = resolved_toml(&b.raw);
    assert!(
        text.contains("policy = { kind = \"stalled\", rounds = 6 }"),
        "{text}"
    );
    assert!(
        text.contains("reservation = { uniform = [0.25, 0.63] }"),
        "{text}"
    );
}

#[test]
fn minimal_config_gets_documented_defaults() {
    let s = load_str("m.toml", MINIMAL).unwrap().scenario;
    assert_eq!(s.clock.days_per_round, 7);
    assert_eq!(s.protocol.resolution, 100);
    assert_eq!(s.protocol.max_ratifications, 3);
    assert_eq!(s.protocol.proposer, ProposerRule::Alternate { first: 0 });
    assert_eq!(
        s.players[0].strategy,
        Strategy::TimeDependent {
            exponent: 1.0,
            deadline: DeadlineRef::Horizon
        }
    );
    assert_eq!(
        s.players[1].strategy,
        Strategy::TimeDependent {
            exponent: BOULWARE_EXPONENT,
            deadline: DeadlineRef::Horizon
        }
    );
    assert_eq!(s.players[0].types.reservation, Dist::Fixed(0.0));
    assert_eq!(s.players[0].discount, 1.0);
    assert!(s.players[0].can_walk_away);
    assert_eq!(s.issues[0].prefs[1].weight, 1.0);
    assert!(s.issues[0].prefs[1].prefers_high);
}

#[test]
fn disabled_levers_and_events_keep_their_place_but_never_act() {
    // The model without its forecast: a fact that the raid happened could
    // not hold with the raid disabled (refused at validation).
    let mut v: toml::Value = builtin_model().source.parse().unwrap();
    set_path("b", &mut v, "levers.visa_review.enabled", false.into()).unwrap();
    set_path("b", &mut v, "events.georgia_raid.enabled", false.into()).unwrap();
    let (_, s) = from_value("b", v).unwrap();
    let b = builtin().scenario;
    assert_eq!(s.levers.len(), b.levers.len());
    assert_eq!(s.events.len(), b.events.len());
    let visa = s.levers.iter().find(|l| l.name == "visa_review").unwrap();
    assert_eq!(visa.policy, LeverPolicy::Never);
    let raid = s.events.iter().find(|e| e.name == "georgia_raid").unwrap();
    assert!(matches!(
        raid.trigger,
        Trigger::OnRound { probability, .. } if probability == 0.0
    ));
}

#[test]
fn from_value_keeps_file_order_and_reports_out_of_range_values_by_key() {
    let mut v: toml::Value = BUILTIN_TOML.parse().unwrap();
    let (raw, _) = from_value("sweep.toml", v.clone()).unwrap();
    assert_eq!(raw, builtin().raw);

    set_path(
        "sweep.toml",
        &mut v,
        "levers.visa_review.credibility",
        1.5.into(),
    )
    .unwrap();
    let e = from_value("sweep.toml", v).unwrap_err();
    assert_eq!(e.key(), Some("levers.visa_review.credibility"));
    assert_eq!(e.line(), None);
    assert_eq!(
        e.to_string(),
        "sweep.toml: levers.visa_review.credibility: expected a probability in [0, 1], found 1.5"
    );
}

#[test]
fn from_value_reports_wrong_types_and_unknown_keys_by_key() {
    let base: toml::Value = BUILTIN_TOML.parse().unwrap();
    let mut v = base.clone();
    set_path("s", &mut v, "clock.horizon", "long".into()).unwrap();
    let e = from_value("s", v).unwrap_err();
    assert_eq!(e.key(), Some("clock.horizon"), "{e}");
    assert!(
        e.to_string().contains("expected a whole number >= 0"),
        "{e}"
    );

    let mut v = base.clone();
    set_path("s", &mut v, "levers.visa_review.credibilty", 0.5.into()).unwrap();
    let e = from_value("s", v).unwrap_err();
    assert_eq!(e.key(), Some("levers.visa_review.credibilty"), "{e}");
    assert!(e.to_string().contains("unknown key 'credibilty'"), "{e}");

    // A key left to its default can be set.
    let mut v = base.clone();
    set_path("s", &mut v, "protocol.recognition", 0.3.into()).unwrap();
    set_path("s", &mut v, "protocol.proposer", "random".into()).unwrap();
    let e = from_value("s", v).unwrap_err();
    assert_eq!(e.key(), Some("protocol.first"), "{e}");
}

#[test]
fn set_path_rejects_paths_that_address_nothing() {
    let mut v: toml::Value = BUILTIN_TOML.parse().unwrap();
    let e = set_path("s", &mut v, "levers.visa.credibility", 0.5.into()).unwrap_err();
    assert_eq!(e.key(), Some("levers.visa.credibility"));
    assert!(e.to_string().contains("no table 'levers.visa'"), "{e}");
    let e = set_path("s", &mut v, "clock.horizon.x", 1.into()).unwrap_err();
    assert!(
        e.to_string().contains("'clock.horizon' is a integer")
            || e.to_string().contains("not a table"),
        "{e}"
    );
    let e = set_path("s", &mut v, "levers.visa_review", 1.into()).unwrap_err();
    assert!(e.to_string().contains("it is a table"), "{e}");
    let e = set_path("s", &mut v, "clock..horizon", 1.into()).unwrap_err();
    assert!(e.to_string().contains("no such key"), "{e}");
}

#[test]
fn validation_errors_carry_the_line_of_their_key() {
    let text = MINIMAL.replace("horizon = 10", "horizon = 0");
    let e = err(&text);
    assert_eq!(e.key(), Some("clock.horizon"));
    assert_eq!(e.line(), Some(7));
    assert_eq!(
        e.to_string(),
        "t.toml:7: clock.horizon: expected a number of rounds in [1, 100000], found 0"
    );
    // A key inside an inline table.
    let text = MINIMAL.replace("b = { weight = 2.0", "b = { weight = -2.0");
    let e = err(&text);
    assert_eq!(e.key(), Some("issues.price.b.weight"));
    assert_eq!(e.line(), Some(21));
}

#[test]
fn serde_errors_name_the_key_and_line() {
    let e = err(&MINIMAL.replace("horizon = 10", "horizon = 10\nhorizen = 3"));
    assert_eq!(e.key(), Some("clock.horizen"), "{e}");
    assert_eq!(e.line(), Some(8), "{e}");
    assert!(
        e.to_string().contains(
            "unknown key 'horizen'; expected one of start, days_per_round, horizon, focal"
        ),
        "{e}"
    );

    let e = err(&MINIMAL.replace("horizon = 10\n", ""));
    assert_eq!(e.key(), Some("clock.horizon"), "{e}");
    assert!(
        e.to_string().contains("missing required key 'horizon'"),
        "{e}"
    );

    let e = err(&MINIMAL.replace("name = \"minimal\"\n", ""));
    assert_eq!(e.key(), Some("name"), "{e}");

    let e = err(&MINIMAL.replace(
        "strategy = { kind = \"linear\" }",
        "strategy = { kind = \"linear\", exponnent = 1 }",
    ));
    assert_eq!(e.key(), Some("players.a.strategy.exponnent"), "{e}");

    let e = err(&MINIMAL.replace(
        "bn_per_util = 10.0\nstrategy = { kind = \"boulware\" }",
        "bn_per_util = \"ten\"\nstrategy = { kind = \"boulware\" }",
    ));
    assert_eq!(e.key(), Some("players.b.bn_per_util"), "{e}");
    assert!(
        e.to_string()
            .contains("expected a number, found the string \"ten\""),
        "{e}"
    );

    let e = err(&MINIMAL.replace(
        "[players.a]\n",
        "[players.a]\n[players.a.typ]\nresolve = 2.0\n",
    ));
    assert_eq!(e.key(), Some("players.a.typ"), "{e}");
}

#[test]
fn missing_keys_in_dotted_and_inline_tables_name_the_table() {
    let e = err(&MINIMAL.replace(
        "a = { weight = 1.0, prefers = \"low\" }",
        "a = { weight = 1.0 }",
    ));
    assert_eq!(e.key(), Some("issues.price.a.prefers"), "{e}");
    let e = err(&MINIMAL.replace("a = { weight = 1.0, prefers = \"low\" }", "a.weight = 1.0"));
    assert!(
        e.to_string().contains("missing required key 'prefers'"),
        "{e}"
    );
    let e = err(&MINIMAL.replace("lo = 0.0\n", ""));
    assert_eq!(e.key(), Some("issues.price.lo"), "{e}");
}

#[test]
fn bare_toml_dates_are_accepted() {
    let l = load_str("m.toml", &MINIMAL.replace("\"2025-01-01\"", "2025-01-01")).unwrap();
    assert_eq!(l.scenario.clock.start.to_string(), "2025-01-01");
}

#[test]
fn version_is_checked_first() {
    let e = err(&MINIMAL.replace("version = 1", "version = 2\nwhatever = 1"));
    assert_eq!(e.key(), Some("version"));
    assert_eq!(e.line(), Some(2));
    assert!(e.to_string().contains("expected 1"), "{e}");
    let e = err(&MINIMAL.replace("version = 1", ""));
    assert_eq!(e.key(), Some("version"));
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = err(&MINIMAL.replace("[clock]", "[clock"));
    match &e {
        ConfigError::Syntax { line, .. } => assert_eq!(*line, 5),
        other => panic!("{other}"),
    }
    assert!(e.to_string().starts_with("t.toml:5:"), "{e}");
}

#[test]
fn read_errors_name_the_file() {
    let e = load_file(Path::new("/nonexistent/x.toml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/x.toml"), "{e}");
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn dates_map_to_rounds() {
    let text = MINIMAL.replace(
        "horizon = 10\n",
        "horizon = 10\n[clock.focal]\nname = \"f\"\ndate = \"2025-01-09\"\n",
    ) + r#"
[events.e]
trigger = { kind = "hazard", from_date = "2025-01-02", to_date = "2025-01-21" }
[levers.l]
owner = "a"
from_date = "2025-01-08"
policy = { kind = "at_date", date = "2025-01-15" }
"#;
    let s = load_str("d.toml", &text).unwrap().scenario;
    assert_eq!(s.clock.focal.as_ref().unwrap().round, 2); // day 8: ceil(8/7)
    assert_eq!(s.levers[0].from_round, 1); // day 7
    assert_eq!(s.levers[0].policy, LeverPolicy::AtRound { round: 2 }); // day 14
    match s.events[0].trigger {
        Trigger::Hazard {
            from_round,
            to_round,
            ..
        } => assert_eq!((from_round, to_round), (1, 2)), // day 1 → 1; day 20 → floor 2
        ref t => panic!("{t:?}"),
    }
}

/// MINIMAL with a cash issue, a cap, an exposure event and `a` pricing it.
fn priced(exposure: &str) -> String {
    format!(
        r#"{MINIMAL}
[issues.cash]
lo = 100.0
hi = 300.0
a = {{ weight = 1.0, prefers = "low" }}
b = {{ weight = 1.0, prefers = "high" }}

[issues.cap]
lo = 10.0
hi = 40.0
a = {{ weight = 1.0, prefers = "low" }}
b = {{ weight = 1.0, prefers = "high" }}

[events.shock]
trigger = {{ kind = "hazard", base = 0.002, exposure = {{ issue = "cap", reserves = 400.0, slope = 0.1 }} }}

[events.plain]
trigger = {{ kind = "hazard", base = 0.01 }}

[players.a.exposure]
{exposure}
"#
    )
}

#[test]
fn exposure_pricing_reads_the_event_and_prices_the_deal() {
    let ok = "event = \"shock\"\nloss = 120.0\ncommitted = [\"cash\"]";
    let s = load_str("t.toml", &priced(ok)).unwrap().scenario;
    let e = s.players[0].exposure.as_ref().expect("priced");
    assert_eq!((e.event, e.loss, e.committed.clone()), (0, 120.0, vec![1]));
    assert!(s.players[1].exposure.is_none() && !s.is_separable());
    // cash 300 at cap 10 (x = 0): 30 years; per round h = 0.002 + 0.1 * 10 / 400.
    let x = [0.5, 1.0, 0.0];
    let n = 365.0 / 7.0;
    let extra = (1.0f64 - 0.002).powf(n) - (1.0f64 - 0.0045).powf(n);
    let want = 30.0 * extra * 120.0;
    assert!((s.exposure_cost(e, &x) - want).abs() < 1e-9);
    let sep: f64 = (0..3).map(|i| s.issues[i].prefs[0].value(x[i])).sum();
    assert!((s.deal_utility(0, &x) - (sep - want / 10.0)).abs() < 1e-12);
    assert_eq!(
        s.deal_utility(1, &x),
        (0..3)
            .map(|i| s.issues[i].prefs[1].value(x[i]))
            .sum::<f64>()
    );
    // The paths are frontiers, from each proposer's best.
    assert!(s.paths[0].u[0][0] > s.paths[0].u[0][s.paths[0].len() - 1]);
}

#[test]
fn exposure_pricing_errors_name_key_and_line() {
    let cases = [
        (
            "event = \"nope\"\nloss = 1.0\ncommitted = [\"cash\"]",
            "players.a.exposure.event",
            "unknown event 'nope'; expected one of shock, plain",
        ),
        (
            "event = \"plain\"\nloss = 1.0\ncommitted = [\"cash\"]",
            "players.a.exposure.event",
            "event 'plain' has no exposure",
        ),
        (
            "event = \"shock\"\nloss = -1.0\ncommitted = [\"cash\"]",
            "players.a.exposure.loss",
            "expected a non-negative cost",
        ),
        (
            "event = \"shock\"\nloss = 1.0\ncommitted = [\"cash\", \"nope\"]",
            "players.a.exposure.committed[1]",
            "unknown issue 'nope'",
        ),
        (
            "event = \"shock\"\nloss = 1.0\ncommitted = [\"cash\", \"cash\"]",
            "players.a.exposure.committed[1]",
            "listed twice",
        ),
        (
            "event = \"shock\"\nloss = 1.0\ncommitted = []",
            "players.a.exposure.committed",
            "at least one issue",
        ),
    ];
    for (table, key, msg) in cases {
        let text = priced(table);
        let e = err(&text);
        assert_eq!(e.key(), Some(key), "{e}");
        assert!(e.to_string().contains(msg), "{e}");
        let line = e.line().expect("a line");
        let first = key.rsplit('.').next().unwrap().split('[').next().unwrap();
        let src = text.lines().nth(line - 1).unwrap();
        assert!(src.starts_with(first), "{e}: line {line} is {src:?}");
    }
    // A disabled event, and an unknown key.
    let text = priced("event = \"shock\"\nloss = 1.0\ncommitted = [\"cash\"]")
        .replace("[events.shock]", "[events.shock]\nenabled = false");
    assert!(err(&text).to_string().contains("is disabled"));
    let e = err(&priced(
        "event = \"shock\"\nloss = 1.0\ncommitted = [\"cash\"]\ncap = 3",
    ));
    assert!(e.to_string().contains("cap"), "{e}");
}

#[test]
fn messages_echo_at_most_80_characters_of_a_long_value() {
    let long = "x".repeat(5000);
    let cases = [
        MINIMAL.replace("kind = \"linear\"", &format!("kind = \"{long}\"")),
        MINIMAL.replace("prefers = \"low\"", &format!("prefers = \"{long}\"")),
        MINIMAL.replace("start = \"2025-01-01\"", &format!("start = \"{long}\"")),
        MINIMAL.replace("horizon = 10", &format!("horizon = \"{long}\"")),
        MINIMAL.replace("name = \"minimal\"", &format!("name = \"{long}!\"")),
        MINIMAL.replace("version = 1", &format!("version = \"{long}\"")),
        MINIMAL.replace("[issues.price]", &format!("[issues.price]\n{long} = 1")),
    ];
    for text in cases {
        let msg = err(&text).to_string();
        assert!(
            msg.len() < 400 && msg.contains("characters)"),
            "{} bytes: {msg}",
            msg.len()
        );
    }
}
