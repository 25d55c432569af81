//! SIGINT and SIGTERM during `run` and `sweep`: the first signal asks the
//! command to stop at the next chunk boundary (the runner's `progress`
//! callback returns [`Interrupted`]); the command then drops its unfinished
//! files (their `.partial` files are removed), writes no manifest, says what
//! was done and exits 128 + the signal number (130, 143). A second signal
//! ends the process at once, with the same code.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// The signals handled, with their names.
const SIGNALS: [(i32, &str); 2] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")];

/// A command stopped by a signal; its exit code is 128 + the signal number.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("interrupted by {}", signal_name(*signal))]
pub struct Interrupted {
    /// The signal number (SIGINT or SIGTERM).
    pub signal: i32,
}

impl Interrupted {
    /// The exit code: 128 + the signal number.
    pub fn exit_code(self) -> i32 {
        128 + self.signal
    }
}

fn signal_name(signal: i32) -> &'static str {
    SIGNALS
        .iter()
        .find(|(s, _)| *s == signal)
        .map_or("a signal", |(_, n)| n)
}

/// The handlers of SIGINT and SIGTERM, installed for the life of the process.
#[derive(Debug, Clone)]
pub struct Interrupt {
    /// The signal received (0: none yet).
    received: Arc<AtomicUsize>,
}

impl Interrupt {
    /// Installs the handlers. From now on SIGINT and SIGTERM no longer end
    /// the process by themselves: [`Interrupt::check`] reports them.
    pub fn install() -> std::io::Result<Interrupt> {
        let received = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(false));
        for (sig, _) in SIGNALS {
            // The order matters: a second signal finds the flag armed and exits.
            flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&armed))?;
            flag::register(sig, Arc::clone(&armed))?;
            flag::register_usize(sig, Arc::clone(&received), sig as usize)?;
        }
        Ok(Interrupt { received })
    }

    /// `Err` once a signal has been received.
    pub fn check(&self) -> Result<(), Interrupted> {
        match self.received.load(Ordering::SeqCst) {
            0 => Ok(()),
            s => Err(Interrupted { signal: s as i32 }),
        }
    }
}
