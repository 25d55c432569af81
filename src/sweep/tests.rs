use super::*;
use toml::Value;

fn sweep(text: &str) -> Result<Sweep, SweepError> {
    parse("s.toml", text, BaseSource::Resolve(Path::new(".")))
}

fn err(text: &str) -> String {
    match sweep(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "version = 1\ndesign = \"grid\"\n";

#[test]
fn grid_size_is_the_product_of_list_lengths() {
    let s = sweep(&format!(
        "{HEAD}replicates = 3\n\
         [[param]]\npath = \"levers.visa_review.credibility\"\nvalues = [0.2, 0.5, 0.8]\n\
         [[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [true, false]\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nfrom = 0.1\nto = 0.5\nsteps = 5\n"
    ))
    .unwrap();
    assert_eq!(s.replicates, 3);
    assert_eq!(s.name, "s");
    let pts = s.points(1).unwrap();
    assert_eq!(pts.len(), 3 * 2 * 5);
    assert_eq!(
        pts[1].values,
        vec![Value::Float(0.2), Value::Boolean(true), Value::Float(0.2)]
    );
    s.validate(&pts, false).unwrap();
}

#[test]
fn ranges_read_as_typed_and_give_integers_when_whole() {
    let s = sweep(&format!(
        "{HEAD}[[param]]\npath = \"players.korea.delay_cost\"\nfrom = 0.1\nto = 0.7\nsteps = 7\n\
         [[param]]\npath = \"clock.horizon\"\nfrom = 20\nto = 60\nsteps = 3\n"
    ))
    .unwrap();
    let ParamValues::List(v) = &s.params[0].values else {
        panic!()
    };
    let cells: Vec<String> = v.iter().map(cell).collect();
    assert_eq!(cells, ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]);
    assert_eq!(
        s.params[1].values,
        ParamValues::List(vec![
            Value::Integer(20),
            Value::Integer(40),
            Value::Integer(60)
        ])
    );
    let pts = s.points(1).unwrap();
    s.validate(&pts, false).unwrap();
}

#[test]
fn zip_of_unequal_lengths_is_rejected() {
    let e = err("version = 1\ndesign = \"zip\"\n\
         [[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [true, false]\n\
         [[param]]\npath = \"levers.sector_tariffs.enabled\"\nvalues = [true, false, true]\n");
    assert!(
        e.starts_with("s.toml:6: param[1]: a zip design needs lists of equal length"),
        "{e}"
    );
    assert!(
        e.contains("param[0] (levers.visa_review.enabled) has 2 values"),
        "{e}"
    );
}

#[test]
fn zip_pairs_values_and_rejects_repeated_points() {
    let s = sweep(
        "version = 1\ndesign = \"zip\"\n\
         [[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [true, false, true]\n\
         [[param]]\npath = \"levers.sector_tariffs.enabled\"\nvalues = [true, true, false]\n",
    )
    .unwrap();
    assert_eq!(s.points(1).unwrap().len(), 3);
    let s = sweep(
        "version = 1\ndesign = \"zip\"\n\
         [[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [true, false, true]\n",
    )
    .unwrap();
    let e = s.points(1).unwrap_err().to_string();
    assert!(e.contains("points 0 and 2 have the same values"), "{e}");
}

#[test]
fn rng_points_depend_on_values_not_on_indices() {
    let a = sweep(&format!(
        "{HEAD}[[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.1, 0.2]\n"
    ))
    .unwrap();
    let b = sweep(&format!(
        "{HEAD}[[param]]\npath = \"players.korea.delay_cost\"\nvalues = [0.05, 0.2, 0.1]\n"
    ))
    .unwrap();
    let pa = a.points(1).unwrap();
    let pb = b.points(1).unwrap();
    assert_eq!(pa[0].rng_point, pb[2].rng_point);
    assert_eq!(pa[1].rng_point, pb[1].rng_point);
    assert_ne!(pa[0].rng_point, pa[1].rng_point);
    assert!(pa.iter().all(|p| p.rng_point < 1 << RNG_POINT_BITS));
    // 1 and 1.0 are the same value.
    let params = &a.params;
    assert_eq!(
        rng_point(Seeding::PerPoint, params, &[Value::Integer(1)]),
        rng_point(Seeding::PerPoint, params, &[Value::Float(1.0)])
    );
    assert_eq!(rng_point(Seeding::Common, params, &[Value::Float(1.0)]), 0);
}

#[test]
fn random_and_lhs_designs_draw_from_the_master_seed() {
    let text = "version = 1\ndesign = \"lhs\"\nsamples = 20\n\
         [[param]]\npath = \"levers.visa_review.credibility\"\nuniform = [0.1, 0.9]\n\
         [[param]]\npath = \"players.korea.delay_cost\"\nlog_uniform = [0.05, 0.5]\n\
         [[param]]\npath = \"levers.rating_squeeze.enabled\"\nchoice = [true, false]\n\
         [[param]]\npath = \"players.korea.politics.initial_support\"\nnormal = { mean = 0.5, sd = 0.05 }\n\
         [[param]]\npath = \"levers.delay.max_uses\"\nuniform = [1, 4]\ninteger = true\n";
    let s = sweep(text).unwrap();
    let p1 = s.points(7).unwrap();
    assert_eq!(p1.len(), 20);
    assert_eq!(p1, s.points(7).unwrap());
    assert_ne!(p1, s.points(8).unwrap());
    s.validate(&p1, false).unwrap();
    // Every stratum of the uniform is used once.
    let mut strata: Vec<usize> = p1
        .iter()
        .map(|p| ((p.values[0].as_float().unwrap() - 0.1) / 0.8 * 20.0) as usize)
        .collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..20).collect::<Vec<_>>());
    // Whole numbers 1..=4, five times each.
    let mut counts = [0; 5];
    for p in &p1 {
        counts[p.values[4].as_integer().unwrap() as usize] += 1;
    }
    assert_eq!(counts, [0, 5, 5, 5, 5]);
    let r = sweep(&text.replace("\"lhs\"", "\"random\"")).unwrap();
    assert_eq!(r.points(7).unwrap().len(), 20);
}

#[test]
fn a_misspelt_path_is_reported_with_the_point_and_the_path() {
    let s = sweep(&format!(
        "{HEAD}[[param]]\npath = \"levers.visa_reviw.credibility\"\nvalues = [0.5]\n"
    ))
    .unwrap();
    let e = s
        .validate(&s.points(1).unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("s.toml: point 0 (levers.visa_reviw.credibility = 0.5): "),
        "{e}"
    );
    assert!(
        e.contains("levers.visa_reviw.credibility: no such key"),
        "{e}"
    );

    let s = sweep(&format!(
        "{HEAD}[[param]]\npath = \"players.korea.delay_cst\"\nvalues = [0.5, 0.6]\n"
    ))
    .unwrap();
    let e = s
        .validate(&s.points(1).unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("players.korea.delay_cst: unknown key 'delay_cst'"),
        "{e}"
    );
    assert!(e.ends_with("(and 1 more point fails)"), "{e}");
}

#[test]
fn values_out_of_range_or_of_the_wrong_type_are_reported_by_path() {
    let s = sweep(&format!(
        "{HEAD}[[param]]\npath = \"levers.visa_review.credibility\"\nvalues = [0.5, 1.5]\n"
    ))
    .unwrap();
    let e = s.validate(&s.points(1).unwrap(), false).unwrap_err();
    let SweepError::Point { point, error, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(*point, 1);
    assert_eq!(error.key(), Some("levers.visa_review.credibility"));
    assert!(
        e.to_string()
            .contains("expected a probability in [0, 1], found 1.5"),
        "{e}"
    );

    let s = sweep(&format!(
        "{HEAD}[[param]]\npath = \"levers.visa_review.enabled\"\nvalues = [\"no\"]\n"
    ))
    .unwrap();
    let e = s
        .validate(&s.points(1).unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("levers.visa_review.enabled: expected"), "{e}");
}

#[test]
fn file_errors_name_the_key_and_line() {
    let e = err("design = \"grid\"\n");
    assert!(
        e.starts_with("s.toml: version: missing required key"),
        "{e}"
    );
    let e = err("version = 1\ndesign = \"grdi\"\n[[param]]\npath = \"a.b\"\nvalues = [1]\n");
    assert!(
        e.starts_with("s.toml:2: design: expected one of \"grid\""),
        "{e}"
    );
    let e = err(&format!("{HEAD}[[param]]\npath = \"a.b\"\nvales = [1]\n"));
    assert!(
        e.starts_with("s.toml:5: param[0].vales: unknown field 'vales'"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}replicates = \"many\"\n[[param]]\npath = \"a.b\"\nvalues = [1]\n"
    ));
    assert!(e.starts_with("s.toml:3: replicates: "), "{e}");
    let e = err(&format!(
        "{HEAD}[[param]]\npath = \"a.b\"\nuniform = [0, 1]\n"
    ));
    assert!(
        e.starts_with("s.toml:5: param[0].uniform: not allowed with this design"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}[[param]]\npath = \"a.b\"\nfrom = 1\nto = 2\n"
    ));
    assert!(e.contains("param[0].steps: missing"), "{e}");
    // Ends included: a one-point range must start and end at its value.
    let e = err(&format!(
        "{HEAD}[[param]]\npath = \"a.b\"\nfrom = 1\nto = 2\nsteps = 1\n"
    ));
    assert!(
        e.contains("param[0].steps: expected at least 2 values for a range from 1 to 2"),
        "{e}"
    );
    let e = err(&format!("{HEAD}[[param]]\npath = \"a.b\"\nvalues = []\n"));
    assert!(
        e.contains("param[0].values: expected at least one value"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}[[param]]\npath = \"a.b\"\nvalues = [1]\n[[param]]\npath = \"a\"\nvalues = [1]\n"
    ));
    assert!(e.contains("param[1].path: \"a\" overlaps param[0]"), "{e}");
    let e = err("version = 1\ndesign = \"lhs\"\n[[param]]\npath = \"a.b\"\nuniform = [0, 1]\n");
    assert!(e.contains("samples: missing"), "{e}");
    let e = err("version = 1\ndesign = \"random\"\nsamples = 3\n[[param]]\npath = \"a.b\"\nlog_uniform = [0, 1]\n");
    assert!(
        e.contains("param[0].log_uniform: expected bounds > 0"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}base = \"nowhere.toml\"\n[[param]]\npath = \"a.b\"\nvalues = [1]\n"
    ));
    assert!(
        e.starts_with("s.toml: base: cannot load the base scenario"),
        "{e}"
    );
    let e = err("version = 1\ndesign = \"grid\"\n[[param]\n");
    assert!(e.starts_with("s.toml:3:"), "{e}");
    let e = err(HEAD);
    assert!(e.contains("param: missing"), "{e}");
}

#[test]
fn canonical_values_are_stable() {
    let v: Value = toml::from_str::<toml::Table>("x = { b = [1, 2.5, \"q\"], a = true }").unwrap()
        ["x"]
        .clone();
    assert_eq!(canonical(&v), "{a=true,b=[1,2.5,\"q\"]}");
    assert_eq!(cell(&Value::String("boulware".into())), "boulware");
    assert_eq!(cell(&Value::Float(0.1 + 0.2)), "0.30000000000000004");
    assert_eq!(cell(&Value::Float(50.0)), "50.0");
    assert_eq!(cell(&Value::Integer(50)), "50");
    assert_eq!(cell(&Value::Boolean(true)), "TRUE");
    assert_eq!(cell(&Value::Boolean(false)), "FALSE");
}

#[test]
fn with_runs_kept_every_point_must_have_point_0s_columns() {
    // Point 1 adds an event, and with it an `event_<name>` column.
    let text = format!(
        "{HEAD}base = \"tests/configs/good/minimal.toml\"\nreplicates = 3\n\
         [[param]]\npath = \"events\"\n\
         values = [{{}}, {{ extra = {{ trigger = {{ kind = \"date\", date = \"2025-03-01\", probability = 0.5 }} }} }}]\n"
    );
    let s = parse(
        "s.toml",
        &text,
        BaseSource::Resolve(Path::new(env!("CARGO_MANIFEST_DIR"))),
    )
    .unwrap();
    let pts = s.points(1).unwrap();
    assert!(s.validate(&pts, false).unwrap().is_none());
    let e = s.validate(&pts, true).unwrap_err().to_string();
    assert!(
        e.starts_with("s.toml: point 1 (events = {extra=")
            && e.contains("its runs.csv columns differ from point 0's (`event_extra` where point 0 has `ratifications`)")
            && e.contains("run without --runs-csv"),
        "{e}"
    );
}

/// The truncated normal's CDF on [lo, hi], written out from Φ.
fn truncated_cdf(x: f64, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    use crate::rng::dist::std_normal_cdf as phi;
    let (pa, pb) = (phi((lo - mean) / sd), phi((hi - mean) / sd));
    (phi((x - mean) / sd) - pa) / (pb - pa)
}

#[test]
fn a_random_sweep_over_a_discount_factor_with_a_bounded_normal_validates() {
    let text = |bounds: &str| {
        format!(
            "version = 1\ndesign = \"random\"\nsamples = 50\n\
             [[param]]\npath = \"players.korea.discount\"\nnormal = {{ mean = 0.97, sd = 0.05{bounds} }}\n"
        )
    };
    // Unbounded, some of the 50 draws are above 1 and refused.
    let s = sweep(&text("")).unwrap();
    let e = s
        .validate(&s.points(1).unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("discount"), "{e}");
    // Truncated to (0, 1], every point validates and lies in the bounds.
    let s = sweep(&text(", lo = 0.8, hi = 1.0")).unwrap();
    let pts = s.points(1).unwrap();
    s.validate(&pts, false).unwrap();
    let v: Vec<f64> = pts
        .iter()
        .map(|p| p.values[0].as_float().unwrap())
        .collect();
    assert!(v.iter().all(|x| (0.8..=1.0).contains(x)), "{v:?}");
    assert!(v.iter().any(|&x| x > 0.97) && v.iter().any(|&x| x < 0.97));
}

#[test]
fn a_bounded_normal_draws_the_truncated_normals_quantiles() {
    // A Latin hypercube puts the i-th smallest draw in the i-th stratum of
    // equal probability: the truncated CDF at it lies in [i/n, (i+1)/n].
    let (mean, sd, lo, hi, n) = (0.9, 0.1, 0.75, 1.0, 40);
    let text = format!(
        "version = 1\ndesign = \"lhs\"\nsamples = {n}\n\
         [[param]]\npath = \"players.korea.discount\"\nnormal = {{ mean = {mean}, sd = {sd}, lo = {lo}, hi = {hi} }}\n"
    );
    let s = sweep(&text).unwrap();
    let mut v: Vec<f64> = s
        .points(5)
        .unwrap()
        .iter()
        .map(|p| p.values[0].as_float().unwrap())
        .collect();
    v.sort_by(f64::total_cmp);
    for (i, &x) in v.iter().enumerate() {
        let f = truncated_cdf(x, mean, sd, lo, hi);
        let (a, b) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
        assert!(
            (a - 1e-9..=b + 1e-9).contains(&f),
            "draw {i} = {x}: F = {f}, outside [{a}, {b}]"
        );
    }
    // The distribution's quantile at u is F^-1(u), also far in a tail
    // (Φ(8) and Φ(9) are both 1 in double precision).
    let d = Distribution::Normal {
        mean: 0.0,
        sd: 1.0,
        bounds: Some((8.0, 9.0)),
        integer: false,
    };
    let q = |u: f64| d.quantile(u).as_float().unwrap();
    let (q1, q5, q9) = (q(0.1), q(0.5), q(0.9));
    assert!(8.0 < q1 && q1 < q5 && q5 < q9 && q9 < 9.0, "{q1} {q5} {q9}");
    // Upper tail: P(X > x | X > 8) = Q(x)/Q(8) ≈ e^{-8(x-8)} 8/x; the median is near 8.0855.
    assert!((q5 - 8.0855).abs() < 2e-3, "{q5}");
    // One bound: truncated below only.
    let d = Distribution::Normal {
        mean: 0.5,
        sd: 0.2,
        bounds: Some((0.4, 0.5 + 40.0 * 0.2)),
        integer: false,
    };
    let x = d.quantile(0.3).as_float().unwrap();
    assert!(
        (truncated_cdf(x, 0.5, 0.2, 0.4, 8.5) - 0.3).abs() < 1e-9,
        "{x}"
    );
}

#[test]
fn bad_normal_bounds_are_named_with_their_line() {
    let head = "version = 1\ndesign = \"random\"\nsamples = 5\n[[param]]\npath = \"players.korea.discount\"\n";
    let e = err(&format!(
        "{head}normal = {{ mean = 0.9, sd = 0.1, lo = 1.0, hi = 0.5 }}\n"
    ));
    assert!(
        e.starts_with("s.toml:6: param[0].normal.hi: expected lo < hi for a truncated normal, found lo = 1, hi = 0.5"),
        "{e}"
    );
    let e = err(&format!(
        "{head}normal = {{ mean = 0.9, sd = 0.1, lo = 1.0, hi = 1.0 }}\n"
    ));
    assert!(e.contains("param[0].normal.hi: expected lo < hi"), "{e}");
    let e = err(&format!(
        "{head}normal = {{ mean = 0.9, sd = 0.1, lo = nan }}\n"
    ));
    assert!(
        e.starts_with("s.toml:6: param[0].normal.lo: expected a finite bound, found NaN"),
        "{e}"
    );
    let e = err(&format!(
        "{head}normal = {{ mean = 0.9, sd = 0.001, lo = 2.0 }}\n"
    ));
    assert!(
        e.contains("param[0].normal.lo: expected lo < hi") && e.contains("40 sd"),
        "{e}"
    );
    let e = err(&format!(
        "{head}normal = {{ mean = inf, sd = 0.1, lo = 0.0 }}\n"
    ));
    assert!(e.contains("param[0].normal: expected a finite mean"), "{e}");
    let e = err(&format!(
        "{head}normal = {{ mean = 3, sd = 1, lo = 0.5, hi = 6 }}\ninteger = true\n"
    ));
    assert!(
        e.contains("param[0].normal.lo: with integer = true the bounds are whole numbers"),
        "{e}"
    );
    let e = err(&format!("{head}normal = {{ mean = 3, sd = 1, low = 0 }}\n"));
    assert!(e.contains("low"), "{e}");
}
