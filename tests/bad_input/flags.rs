//! The command line itself: help, and arguments the parser refuses (unknown flags and
//! subcommands, a flag of the other subcommand, values that are not counts). These errors come
//! from the argument parser and may span several lines (usage), so they are checked for exit
//! code 2, nothing on stdout, something on stderr and nothing written. Sizes given as flags are
//! in `sizes`.

use crate::{BASE, CONFIG, plansim, tree, with_config};

/// Generates one `#[test]` per help invocation: `name [args...]`; exit 0, usage on stdout,
/// nothing written.
macro_rules! help {
    ($($name:ident [$($arg:expr),*];)*) => {$(
        #[test]
        fn $name() {
            let dir = tempfile::tempdir().expect("temp dir");
            let run = plansim(dir.path(), &[$($arg),*]);
            assert_eq!(run.code, Some(0), "{}", run.describe());
            assert!(run.stdout.contains("Usage"), "{}", run.describe());
            assert!(tree(dir.path()).is_empty(), "help wrote files");
        }
    )*};
}

help! {
    help_exits_zero ["--help"];
    run_help_exits_zero ["run", "--help"];
    check_help_exits_zero ["check", "--help"];
}

/// Generates one `#[test]` per refused command line: `name [args...] ["fragment", ...];`, run
/// in a folder holding [`BASE`] as the config.
macro_rules! usage_errors {
    ($($name:ident [$($arg:expr),*] [$($word:expr),*];)*) => {$(
        #[test]
        fn $name() {
            usage_error(&[$($arg),*], &[$($word),*]);
        }
    )*};
}

/// `args` are refused with exit code 2, no panic, nothing on stdout, a message holding every
/// word on stderr, and nothing written.
fn usage_error(args: &[&str], words: &[&str]) {
    let dir = with_config(BASE);
    let run = plansim(dir.path(), args);
    let ctx = run.describe();
    assert!(!run.timed_out, "{ctx}");
    assert_eq!(run.code, Some(2), "{ctx}");
    assert!(!run.stderr.contains("panicked"), "plansim panicked; {ctx}");
    assert!(run.stdout.is_empty(), "{ctx}");
    assert!(!run.stderr.is_empty(), "{ctx}");
    for word in words {
        assert!(run.stderr.contains(word), "expected {word:?}; {ctx}");
    }
    assert_eq!(tree(dir.path()), [CONFIG], "wrote files; {ctx}");
}

usage_errors! {
    unknown_flag_of_run ["run", CONFIG, "--bogus"] ["--bogus"];
    unknown_flag_without_subcommand ["--bogus"] [];
    out_flag_given_to_check ["check", CONFIG, "--out", "out"] [];
    no_subcommand [] [];
    unknown_subcommand ["simulate", CONFIG] [];
    trials_not_a_number ["run", CONFIG, "--trials", "many"] [];
    trials_negative ["run", CONFIG, "--trials", "-1"] [];
}
