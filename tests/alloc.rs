//! The engine allocates nothing per round: with a reused `Workspace` and
//! `Outcome`, a whole run of the built-in scenario makes no heap allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn simulating_runs_with_a_reused_workspace_does_not_allocate() {
    let scn = standoff::config::builtin().scenario;
    let mut ws = standoff::engine::Workspace::new(&scn);
    let mut out = standoff::outcome::Outcome::for_scenario(&scn);
    let mut rngs: Vec<_> = (0..300)
        .map(|i| standoff::rng::run_rng(standoff::rng::RunCoord::new(7, 0, i)))
        .collect();
    let mut rounds = 0u64;
    let before = ALLOCS.load(Ordering::Relaxed);
    for rng in rngs.iter_mut() {
        standoff::engine::simulate(&scn, rng, &mut ws, &mut out, &mut ());
        rounds += out.end_round as u64;
    }
    let after = ALLOCS.load(Ordering::Relaxed);
    assert!(rounds > 3000, "the runs did run ({rounds} rounds)");
    assert_eq!(after - before, 0, "allocations during {rounds} rounds");
}
