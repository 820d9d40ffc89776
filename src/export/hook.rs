//! Test hooks, for `tests/output_folder.rs` only: they let a test act between two steps of
//! the output-folder replacement (swap the folder for a link, add a file, kill the process)
//! without sleeping. Users never set them; with neither variable set they do nothing.
//!
//! - `PLANSIM_TEST_PAUSE_BEFORE=STEP[,STEP...]`: on reaching a named step, plansim writes the
//!   line `plansim-test: paused before STEP` to stderr and waits until it reads a line (or end
//!   of file) on stdin. Steps, in order: `create-root` (before creating the default `output/`
//!   folder), `swap` (the new set is complete in its temporary folder, before the folder is
//!   checked again and swapped), `exchange` (checked again, just before the swap),
//!   `second-rename` (two-step swap only: the old set is aside and the folder is missing),
//!   `cleanup` (the new set is in place, before the old one is looked at and removed) and
//!   `cleanup-midway` (after the old set's first file is removed).
//! - `PLANSIM_TEST_RENAME=two-step`: swap with two renames, as on a file system that refuses
//!   `RENAME_EXCHANGE`.

use std::io::{BufRead, Write};

/// Waits for the test if it asked to pause before `step`.
pub(super) fn pause(step: &str) {
    let Some(steps) = std::env::var_os("PLANSIM_TEST_PAUSE_BEFORE") else {
        return;
    };
    if steps.to_string_lossy().split(',').any(|s| s == step) {
        let _ = writeln!(std::io::stderr(), "plansim-test: paused before {step}");
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
}

/// Whether the test asked for the two-step swap.
pub(super) fn two_step() -> bool {
    std::env::var_os("PLANSIM_TEST_RENAME").is_some_and(|v| v == "two-step")
}
