//! Ctrl-C and SIGTERM: a real child process is signalled mid-run. It must stop within 2 s,
//! exit 130 / 143, leave the previous outputs byte for byte and leave no temporary files.
//! Also the library side: a stop request makes the engine return `None` and the exporters
//! write nothing.
//!
//! The signal is sent only once the child has installed its handlers (read from the
//! `SigCgt` mask in /proc, so the test is Linux-only like CI) and has had time to start
//! simulating, so it cannot race with start-up.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use plansim::{Report, parse, run, run_until, summarize, write_all};

const SIGINT: u32 = 2;
const SIGTERM: u32 = 15;

fn config_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/coding-agent.toml")
}

/// Every entry under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = path.strip_prefix(dir).unwrap().display().to_string();
        if path.is_dir() {
            for (k, v) in snapshot(&path) {
                out.insert(format!("{name}/{k}"), v);
            }
            out.insert(format!("{name}/"), Vec::new());
        } else {
            out.insert(name, std::fs::read(&path).unwrap());
        }
    }
    out
}

/// Whether the process has a handler for both SIGINT and SIGTERM.
fn handlers_installed(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| [SIGINT, SIGTERM].iter().all(|s| mask & (1 << (s - 1)) != 0))
}

/// Starts a long run into `out`, signals it mid-run with `signal`, and checks the promises.
fn interrupt_run(signal: u32, expected_code: i32) {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    // Earlier outputs that must survive.
    let first = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", "--quiet", "--trials", "3", "--users", "500", "--out"])
        .arg(&out)
        .arg(config_path())
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    let before = snapshot(work.path());
    assert_eq!(
        before.len(),
        10,
        "eight outputs, the manifest and their folder: {:?}",
        before.keys()
    );

    // About 100 billion user-plan-months: hours of work, never finishing within the test.
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args([
            "run",
            "--quiet",
            "--trials",
            "200000",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&out)
        .arg(config_path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    while !handlers_installed(pid) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "handlers never installed"
        );
        assert!(child.try_wait().unwrap().is_none(), "child ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let it get well into the simulation.
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "child ended early");
    let sent = Instant::now();
    let kill = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if sent.elapsed() > Duration::from_secs(2) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("still running 2 s after signal {signal}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = sent.elapsed();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        status.code(),
        Some(expected_code),
        "exit status {status:?}, stderr: {stderr}"
    );
    assert!(
        stderr.starts_with("error: interrupted by ") && stderr.contains("as they were"),
        "stderr: {stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "no summary table after an interrupt"
    );
    // Byte-identical outputs, and nothing else in the parent folder (no temp folders).
    assert_eq!(
        snapshot(work.path()),
        before,
        "outputs changed or leftovers remain"
    );
    eprintln!("signal {signal}: exited {expected_code} after {took:?}");
}

#[test]
fn sigint_stops_a_run_and_keeps_the_previous_outputs() {
    interrupt_run(SIGINT, 130);
}

#[test]
fn sigterm_stops_a_run_and_keeps_the_previous_outputs() {
    interrupt_run(SIGTERM, 143);
}

#[test]
fn sigint_before_the_first_output_creates_nothing() {
    let work = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", "--quiet", "--trials", "200000", "--out"])
        .arg(work.path().join("fresh"))
        .arg(config_path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !handlers_installed(child.id()) {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("was not created"), "{stderr}");
    assert!(snapshot(work.path()).is_empty());
}

const TINY: &str = r#"
name = "tiny"
[simulation]
trials = 4
users = 9000
months = 3
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[segment]]
name = "all"
share = 1
output_tokens = { dist = "lognormal", median = 1e6, p99 = 1e7 }
[[plan]]
name = "pro"
kind = "flat"
price = 20
"#;

#[test]
fn engine_returns_none_when_asked_to_stop() {
    let scn = parse(TINY, "tiny.toml").unwrap();
    let stop = AtomicBool::new(true);
    let users = std::sync::atomic::AtomicU64::new(0);
    let r = run_until(
        &scn,
        &|n| {
            users.fetch_add(n, Ordering::Relaxed);
        },
        &stop,
    )
    .unwrap();
    assert!(r.is_none());
    assert_eq!(users.load(Ordering::Relaxed), 0, "no user simulated");
    // Without a request it runs every trial and every user to the end: 4 trials of 9000 users
    // x 3 months on a $20 flat plan without churn, counted by the engine.
    stop.store(false, Ordering::Relaxed);
    let r = run_until(
        &scn,
        &|n| {
            users.fetch_add(n, Ordering::Relaxed);
        },
        &stop,
    )
    .unwrap()
    .expect("not stopped");
    assert_eq!(users.load(Ordering::Relaxed), 4 * 9000, "progress");
    assert_eq!(r.trials.len(), 4);
    for (i, t) in r.trials.iter().enumerate() {
        let x = &t.plans[0].totals;
        assert_eq!(t.trial, i as u64);
        assert_eq!((x.users, x.active_user_months), (9000, 27000));
        assert_eq!(x.revenue, 20.0 * 27000.0);
    }
    assert!(r.months[0].iter().all(|m| m.active_users == 4 * 9000));
}

#[test]
fn engine_stops_within_a_few_users_of_the_request() {
    let mut scn = parse(TINY, "tiny.toml").unwrap();
    scn.simulation.trials = 1;
    scn.simulation.users = 100_000;
    let stop = AtomicBool::new(false);
    let users = std::sync::atomic::AtomicU64::new(0);
    // Ask to stop from inside the progress callback once 3 blocks are done.
    let r = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| {
            run_until(
                &scn,
                &|n| {
                    if users.fetch_add(n, Ordering::Relaxed) + n >= 3 * 4096 {
                        stop.store(true, Ordering::Relaxed);
                    }
                },
                &stop,
            )
        })
        .unwrap();
    assert!(r.is_none());
    // One thread: the request lands after block 3, and no further user is simulated.
    assert_eq!(users.load(Ordering::Relaxed), 3 * 4096);
}

#[test]
fn exporters_write_nothing_once_asked_to_stop() {
    let scn = parse(TINY, "tiny.toml").unwrap();
    let results = run(&scn, &|_| {}).unwrap();
    let summaries = summarize(&scn, &results);
    let report = Report {
        scenario: &scn,
        results: &results,
        summaries: &summaries,
        config_path: "tiny.toml".into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    assert!(write_all(&out, &report, &AtomicBool::new(false)).unwrap());
    let before = snapshot(work.path());
    std::fs::write(out.join("summary.csv"), "stale").unwrap();
    let stale = snapshot(work.path());
    assert_ne!(before, stale);
    assert!(!write_all(&out, &report, &AtomicBool::new(true)).unwrap());
    assert_eq!(snapshot(work.path()), stale, "untouched, no temp folder");
    assert!(write_all(&out, &report, &AtomicBool::new(false)).unwrap());
    assert_eq!(snapshot(work.path()), before, "replaced as a set");
}
