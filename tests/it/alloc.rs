//! The engine allocates nothing per round: with a reused `Workspace` and
//! `Outcome`, a whole run of the built-in scenario makes no heap allocation.
//! And a sweep whose grid is too large is refused before it allocates much.
//!
//! The global allocator of the test binary counts allocations per thread:
//! the other tests run on other threads at the same time, and the test
//! harness's own threads allocate now and then, so the test compares the
//! counter of its own thread before and after the simulated runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    // A const initialiser and a type without Drop: accessing it never
    // allocates or registers a destructor, so the allocator may use it.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Counts one allocation of `bytes` by the current thread.
fn count(bytes: usize) {
    // `try_with` fails only while the thread's locals are being torn down:
    // those allocations are nobody's measurement.
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|n| n.set(n.get() + bytes as u64));
}

/// Bytes allocated so far by the current thread (reallocations count their
/// new size).
fn bytes_of_this_thread() -> u64 {
    BYTES.with(Cell::get)
}

/// Allocations (and reallocations) made so far by the current thread.
fn allocs_of_this_thread() -> u64 {
    ALLOCS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn simulating_runs_with_a_reused_workspace_does_not_allocate() {
    let scn = standoff::config::builtin_model().scenario;
    let mut ws = standoff::engine::Workspace::new(&scn);
    let mut out = standoff::outcome::Outcome::for_scenario(&scn);
    let mut rngs: Vec<_> = (0..300)
        .map(|i| standoff::rng::run_rng(standoff::rng::RunCoord::new(7, 0, i)))
        .collect();
    let mut rounds = 0u64;
    let before = allocs_of_this_thread();
    for rng in rngs.iter_mut() {
        standoff::engine::simulate(&scn, rng, &mut ws, &mut out, &mut ());
        rounds += out.end_round as u64;
    }
    let after = allocs_of_this_thread();
    assert!(rounds > 3000, "the runs did run ({rounds} rounds)");
    assert_eq!(after - before, 0, "allocations during {rounds} rounds");
    // The counter does see this thread's allocations.
    let v = std::hint::black_box(vec![0u8; 64]);
    assert!(allocs_of_this_thread() > after, "an allocation is counted");
    drop(v);
}

#[test]
fn a_sweep_grid_too_large_is_refused_before_its_ranges_are_built() {
    // 16 ranges of 10^6 steps: 10^96 points. The refusal must come from the
    // lengths as written, not after building 16 x 10^6 values (~128 MB).
    let mut text = String::from("version = 1\ndesign = \"grid\"\n");
    for i in 0..16 {
        text.push_str(&format!(
            "[[param]]\npath = \"players.korea.delay_cost{i}\"\nfrom = 0.0\nto = 1.0\nsteps = 1000000\n"
        ));
    }
    let base = standoff::config::BUILTIN_TOML;
    let before = bytes_of_this_thread();
    let got = standoff::sweep::parse(
        "big.toml",
        &text,
        standoff::sweep::BaseSource::Given {
            file: "builtin",
            text: base,
        },
    );
    let used = bytes_of_this_thread() - before;
    let Err(err) = got else {
        panic!("a grid of 10^96 points was accepted");
    };
    let err = err.to_string();
    assert!(
        err.contains("the grid has more than 100000 points, the most a sweep may have"),
        "{err}"
    );
    assert!(used < 1 << 20, "{used} bytes allocated before the refusal");
}

/// A scenario of `n` issues (each pulled apart by the two players), with
/// `protocol.resolution = resolution`.
fn many_issues(n: usize, resolution: u32) -> String {
    let mut t = format!(
        "version = 1\nname = \"many\"\n[clock]\nstart = \"2025-01-01\"\nhorizon = 10\n\
         [protocol]\nresolution = {resolution}\n\
         [players.a]\nbn_per_util = 1.0\nstrategy = {{ kind = \"linear\" }}\n\
         [players.b]\nbn_per_util = 1.0\nstrategy = {{ kind = \"linear\" }}\n"
    );
    for i in 0..n {
        t.push_str(&format!(
            "[issues.i{i}]\nlo = 0.0\nhi = 1.0\na = {{ weight = 1.0, prefers = \"high\" }}\n\
             b = {{ weight = {}.0, prefers = \"low\" }}\n",
            1 + i % 7
        ));
    }
    t
}

#[test]
fn too_many_issues_or_too_fine_a_grid_is_refused_before_the_offer_paths_are_built() {
    // 2,000 issues at resolution 100 would need two paths of 2000 x 200001
    // values (6.4 GB); 200 issues at resolution 10000, 2 x 3.2 GB.
    for (n, resolution, want) in [
        (2000, 100, "expected at most 200 issues"),
        (200, 10_000, "the offer paths would hold 400000200 values"),
    ] {
        let text = many_issues(n, resolution);
        let before = bytes_of_this_thread();
        let got = standoff::config::load_str("many.toml", &text);
        let used = bytes_of_this_thread() - before;
        let Err(err) = got else {
            panic!("{n} issues at resolution {resolution} were accepted");
        };
        let err = err.to_string();
        assert!(err.contains(want), "{err}");
        assert!(
            used < 256 << 20,
            "{n} issues: {used} bytes allocated before the refusal"
        );
    }
    // The largest accepted: 200 issues at the default resolution.
    let text = many_issues(200, 100);
    let before = bytes_of_this_thread();
    assert!(standoff::config::load_str("many.toml", &text).is_ok());
    let used = bytes_of_this_thread() - before;
    assert!(used < 256 << 20, "{used} bytes to load 200 issues");
}
