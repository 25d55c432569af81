//! Criterion benches: one run of the built-in scenario, and the runner.
//! Fixed seeds; set-up outside the timed closures.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use standoff::config;
use standoff::engine::{simulate, Workspace};
use standoff::outcome::Outcome;
use standoff::rng::{run_rng, RunCoord};
use standoff::runner::{Pool, RunSpec};

/// 256 runs of `scn`, with throughput in rounds (so time per element is
/// time per round).
fn bench_runs(c: &mut Criterion, name: &str, scn: &standoff::model::Scenario) {
    let mut ws = Workspace::new(scn);
    let mut out = Outcome::for_scenario(scn);
    let seeds = 0..256u64;
    let run_all = |ws: &mut Workspace, out: &mut Outcome| -> u64 {
        seeds
            .clone()
            .map(|i| {
                simulate(scn, &mut run_rng(RunCoord::new(7, 0, i)), ws, out, &mut ());
                out.end_round as u64 + 1
            })
            .sum()
    };
    // Rounds per run vary; report the mean over the benched seeds.
    let rounds = run_all(&mut ws, &mut out);
    eprintln!(
        "{name}: {:.2} rounds per run on average",
        rounds as f64 / 256.0
    );
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(rounds));
    g.bench_function(name, |b| {
        b.iter_batched(|| (), |_| run_all(&mut ws, &mut out), BatchSize::SmallInput)
    });
    g.finish();
}

fn one_run(c: &mut Criterion) {
    bench_runs(c, "256_runs_builtin", &config::builtin_model().scenario);
    let nash = config::builtin_with_strategies(["{ kind = \"nash\" }"; 2]).scenario;
    bench_runs(c, "256_runs_builtin_nash", &nash);
    // The baselines the built-in scenario used before `attrition`.
    let baselines = config::builtin_with_strategies([
        "{ kind = \"boulware\", exponent = 0.5, deadline = \"focal\" }",
        "{ kind = \"linear\", exponent = 1.0, deadline = \"horizon\" }",
    ])
    .scenario;
    bench_runs(c, "256_runs_builtin_time_dependent", &baselines);
}

fn runner_bench(c: &mut Criterion) {
    let scn = config::builtin_model().scenario;
    let mut g = c.benchmark_group("runner");
    g.sample_size(10);
    for threads in [1usize, 2] {
        let pool = Pool::new(Some(threads)).unwrap();
        g.throughput(Throughput::Elements(20_000));
        g.bench_function(format!("20000_runs_stats_only_{threads}_threads"), |b| {
            b.iter(|| {
                let spec = RunSpec {
                    runs: 20_000,
                    master_seed: 7,
                    point: 0,
                    rows: false,
                };
                pool.run(&scn, spec, |_| Ok::<(), ()>(()), |_| Ok(()))
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, one_run, runner_bench);
criterion_main!(benches);
