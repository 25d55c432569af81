//! Tests of the kind tables: each is consistent with its raw struct, and a
//! key that a kind does not take is reported with the keys it takes.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::clock::Cal;
use super::kinded::{Kinded, Need, Table};
use super::kinds::{POLICIES, STRATEGIES, TRIGGERS};
use super::{Bad, Cx, Players, POLICY_KINDS, STRATEGY_KINDS, TRIGGER_KINDS};
use crate::config::raw::{RawDate, RawExposure, RawPolicy, RawStrategy, RawTrigger};
use crate::date::Date;

/// A raw table with every key set: the struct literal lists every field, so
/// the compiler keeps these in step with `config::raw`. The values suit any
/// kind that requires the key.
fn full_strategy() -> RawStrategy {
    RawStrategy {
        kind: String::new(),
        exponent: Some(0.5),
        deadline: Some("horizon".into()),
        reciprocity: Some(1.0),
        step: Some(0.0),
        grid: Some(11),
        endurance: Some(0.5),
    }
}

fn full_policy() -> RawPolicy {
    RawPolicy {
        kind: String::new(),
        rounds: Some(2),
        date: Some(RawDate("2025-01-15".into())),
    }
}

fn full_trigger() -> RawTrigger {
    RawTrigger {
        kind: String::new(),
        base: Some(0.1),
        from_date: Some(RawDate("2025-01-08".into())),
        to_date: Some(RawDate("2025-02-01".into())),
        lever_sensitivity: Some(0.5),
        exposure: Some(RawExposure {
            issue: "price".into(),
            reserves: 10.0,
            cushion: None,
            slope: 0.1,
            power: 1.0,
        }),
        date: Some(RawDate("2025-01-15".into())),
        probability: Some(0.5),
    }
}

fn with_cx<T>(f: impl FnOnce(&Cx) -> T) -> T {
    let cal = Cal {
        start: Date::parse("2025-01-01").unwrap(),
        days_per_round: 7,
        horizon: 10,
    };
    let names = ["a", "b"];
    let cx = Cx {
        cal: &cal,
        has_focal: true,
        players: &Players(&names),
        issues: &["price"],
        levers: &[],
        events: &[],
    };
    f(&cx)
}

/// The raw table of `kind` with the keys `keys` taken from `full`.
fn raw_with<R: Serialize + DeserializeOwned>(full: &R, kind: &str, keys: &[&str]) -> R {
    let all = toml::Table::try_from(full).unwrap();
    let mut t = toml::Table::new();
    t.insert("kind".into(), kind.into());
    for key in keys {
        t.insert(key.to_string(), all[*key].clone());
    }
    toml::Value::Table(t).try_into().unwrap()
}

fn build<R: Kinded, M>(table: &Table<R, M>, raw: &R) -> Result<M, Bad> {
    with_cx(|cx| table.build("t", raw, cx))
}

fn check_consistent<R, M>(table: &Table<R, M>, full: R, listed: &[&str])
where
    R: Kinded + Serialize + DeserializeOwned + Debug,
    M: Debug,
{
    let what = table.what;
    let names: Vec<&str> = table.kinds.iter().map(|r| r.name).collect();
    assert_eq!(names, listed, "{what}: the public list of kinds");
    let fields: Vec<&str> = R::FIELDS.iter().map(|(n, _)| *n).collect();
    // FIELDS names every key of the raw struct but `kind`, in order.
    let keys: Vec<String> = toml::Table::try_from(&full)
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys[0], "kind");
    assert_eq!(keys[1..], fields, "{what}: FIELDS against the raw struct");
    for f in &fields {
        let mut probe = full.clone();
        assert!(
            probe.slot(f).unwrap().is_set(),
            "{what}: {f} reaches its field"
        );
        assert!(
            table
                .kinds
                .iter()
                .any(|r| r.keys.iter().any(|k| k.name == *f)),
            "{what}: no kind takes {f}"
        );
    }
    for (i, row) in table.kinds.iter().enumerate() {
        let kind = row.name;
        assert!(!names[..i].contains(&kind), "{what}: {kind} listed twice");
        for (j, key) in row.keys.iter().enumerate() {
            assert!(
                fields.contains(&key.name),
                "{what} {kind}: no field {}",
                key.name
            );
            assert!(
                !row.keys[..j].iter().any(|k| k.name == key.name),
                "{what} {kind}: {} listed twice",
                key.name
            );
        }
        // Filling sets exactly the defaults (a default of the wrong type
        // for its field would stay unset).
        let mut blank = raw_with(&full, kind, &[]);
        table.fill(&mut blank);
        for f in &fields {
            let defaulted = row
                .keys
                .iter()
                .any(|k| k.name == *f && matches!(k.need, Need::Default(_)));
            assert_eq!(
                blank.slot(f).unwrap().is_set(),
                defaulted,
                "{what} {kind}: {f}"
            );
        }
        // It builds from its required keys alone ...
        let required: Vec<&str> = row
            .keys
            .iter()
            .filter(|k| matches!(k.need, Need::Required(_)))
            .map(|k| k.name)
            .collect();
        let raw = raw_with(&full, kind, &required);
        if let Err(e) = build(table, &raw) {
            panic!("{what} {kind} does not build from {required:?}: {e:?}");
        }
        // ... and not without any of them.
        for r in &required {
            let fewer: Vec<&str> = required.iter().copied().filter(|x| x != r).collect();
            let e = build(table, &raw_with(&full, kind, &fewer)).unwrap_err();
            assert_eq!(e.key, format!("t.{r}"), "{what} {kind}");
            assert!(
                e.message
                    .starts_with(&format!("missing: {what} '{kind}' needs ")),
                "{e:?}"
            );
        }
    }
    let e = build(table, &raw_with(&full, "no_such_kind", &[])).unwrap_err();
    assert_eq!(e.key, "t.kind");
    assert_eq!(
        e.message,
        format!(
            "unknown {what} 'no_such_kind'; expected one of {}",
            listed.join(", ")
        )
    );
}

#[test]
fn kind_tables_are_consistent_with_their_raw_structs() {
    check_consistent(&STRATEGIES, full_strategy(), STRATEGY_KINDS);
    check_consistent(&POLICIES, full_policy(), POLICY_KINDS);
    check_consistent(&TRIGGERS, full_trigger(), TRIGGER_KINDS);
}

/// Every key a kind does not take is reported, naming the keys it takes.
fn check_unused<R, M>(table: &Table<R, M>, full: R)
where
    R: Kinded + Serialize + DeserializeOwned,
    M: Debug,
{
    for row in table.kinds {
        let takes: Vec<&str> = row.keys.iter().map(|k| k.name).collect();
        let takes_text = if takes.is_empty() {
            "no other keys".to_string()
        } else {
            takes.join(", ")
        };
        for (field, _) in R::FIELDS.iter().filter(|(f, _)| !takes.contains(f)) {
            let e = build(table, &raw_with(&full, row.name, &[field])).unwrap_err();
            assert_eq!(e.key, format!("t.{field}"));
            assert_eq!(
                e.message,
                format!(
                    "not used by {} '{}' (it takes {takes_text})",
                    table.what, row.name
                )
            );
        }
    }
}

#[test]
fn a_key_a_kind_does_not_take_is_reported_with_the_keys_it_takes() {
    let e = build(
        &STRATEGIES,
        &raw_with(&full_strategy(), "tit_for_tat", &["exponent"]),
    );
    assert_eq!(
        e.unwrap_err(),
        Bad {
            key: "t.exponent".into(),
            message: "not used by strategy 'tit_for_tat' (it takes reciprocity, step)".into(),
        }
    );
    let e = build(&POLICIES, &raw_with(&full_policy(), "never", &["date"])).unwrap_err();
    assert_eq!(
        e.message,
        "not used by policy 'never' (it takes no other keys)"
    );
    check_unused(&STRATEGIES, full_strategy());
    check_unused(&POLICIES, full_policy());
    check_unused(&TRIGGERS, full_trigger());
}
