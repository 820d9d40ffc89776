//! The same config and seed give byte-identical outputs for any thread count; only run.json
//! may differ. Populations span several engine blocks so block scheduling is exercised.

use std::path::Path;
use std::process::Command;

fn run(config: &str, threads: &str, out: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", config, "--quiet", "--threads", threads, "--out"])
        .arg(out)
        .args(extra)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{config} with {threads} threads failed");
}

fn assert_same(a: &Path, b: &Path) {
    for f in [
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(!x.is_empty());
        assert!(x == y, "{f} differs between thread counts");
    }
}

#[test]
fn one_two_and_eight_threads_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let size = ["--trials", "9", "--users", "9000", "--months", "4"];
    let outs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            run("configs/coding-agent.toml", t, &out, &size);
            out
        })
        .collect();
    assert_same(&outs[0], &outs[1]);
    assert_same(&outs[0], &outs[2]);
}

#[test]
fn a_different_seed_changes_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run("configs/minimal.toml", "2", &a, &["--trials", "5"]);
    run(
        "configs/minimal.toml",
        "2",
        &b,
        &["--trials", "5", "--seed", "2"],
    );
    let read = |d: &Path| std::fs::read(d.join("trials.csv")).unwrap();
    assert_ne!(read(&a), read(&b));
}
