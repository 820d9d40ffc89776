//! Ctrl-C (SIGINT) and SIGTERM: a request to stop, not a kill.
//!
//! [`install`] replaces the default action of both signals with setting a flag. The engine
//! checks the flag between users and the exporters between files, so a run stops within a few
//! milliseconds of work, removes its temporary folder and leaves earlier outputs as they were;
//! the binary then exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicUsize = AtomicUsize::new(0);

/// Routes SIGINT and SIGTERM to the stop flag.
///
/// # Errors
/// When the operating system refuses to install a handler.
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for sig in [SIGINT, SIGTERM] {
        // The number first, so that a reader who sees the flag also sees which signal set it.
        signal_hook::flag::register_usize(sig, &SIGNAL, sig as usize)?;
        signal_hook::flag::register(sig, &STOP)?;
    }
    Ok(())
}

/// The flag the handlers set; pass it to [`crate::engine::run_until`] and
/// [`crate::export::write_all`].
pub fn flag() -> &'static AtomicBool {
    &STOP
}

/// The signal that asked to stop, if one has.
pub fn requested() -> Option<i32> {
    if STOP.load(Ordering::SeqCst) {
        Some(SIGNAL.load(Ordering::SeqCst) as i32)
    } else {
        None
    }
}
