//! The output folder under faults, kills, races and concurrent runs, and the terminal going
//! away: issue 8, items 1 to 6, one test (or a few) per reported case, each with real child
//! processes.
//!
//! To act between two steps of a run (swap `out/` for a link, add a file, kill -9), a test
//! sets the binary's test hook `PLANSIM_TEST_PAUSE_BEFORE=STEP` (see `src/export/hook.rs`):
//! the child prints `plansim-test: paused before STEP` on stderr and waits for a line on
//! stdin, so the test acts while the child is provably at that step, with no sleep as
//! synchronisation. `PLANSIM_TEST_RENAME=two-step` forces the swap used where the file system
//! refuses `RENAME_EXCHANGE`. `PLANSIM_TEST_BIN` runs the tests against another binary (how
//! they were shown to fail on the code before the fix).

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A child that outlives this is killed and the test fails.
const DEADLINE: Duration = Duration::from_secs(30);

const MANIFEST: &str = ".plansim.manifest";
const OUTPUTS: [&str; 8] = [
    "deciles.csv",
    "monthly.csv",
    "run.json",
    "segments.csv",
    "sensitivity.csv",
    "summary.csv",
    "tail.csv",
    "trials.csv",
];

fn bin() -> PathBuf {
    std::env::var_os("PLANSIM_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_plansim")))
}

/// configs/minimal.toml under the scenario name `name`.
fn scenario(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/minimal.toml");
    let text = fs::read_to_string(path).expect("configs/minimal.toml");
    text.replacen("name = \"minimal\"", &format!("name = \"{name}\""), 1)
}

/// A fresh folder holding the scenario as `m.toml`.
fn work() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("m.toml"), scenario("minimal")).expect("config");
    dir
}

/// `run m.toml` into `out` with `trials` trials (3 for an old set, 4 for a new one).
fn run_args(out: &str, trials: &str) -> Vec<String> {
    let args = [
        "run",
        "m.toml",
        "--quiet",
        "--threads",
        "1",
        "--users",
        "50",
    ];
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(["--trials", trials, "--out", out].map(String::from));
    v
}

/// Everything under `dir`, recursively: files with their bytes, folders as `DIR/`, links as
/// `NAME@` with their target.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("list") {
            let entry = entry.expect("entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().expect("type");
            if kind.is_symlink() {
                let target = fs::read_link(entry.path()).expect("link");
                out.insert(
                    format!("{name}@"),
                    target.into_os_string().into_encoded_bytes(),
                );
            } else if kind.is_dir() {
                out.insert(format!("{name}/"), Vec::new());
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, fs::read(entry.path()).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// The names under `dir`, as [`snapshot`] writes them, leaving out plansim's manifests
/// (checked on their own, so that each test fails for its own reason on code without them).
fn names(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|n| n != MANIFEST && !n.ends_with(&format!("/{MANIFEST}")))
        .collect()
}

/// The names of a complete output set in `out/`, as [`names`] lists them.
fn set_in(out: &str) -> Vec<String> {
    let mut v = vec![format!("{out}/")];
    v.extend(OUTPUTS.iter().map(|n| format!("{out}/{n}")));
    v.sort();
    v
}

/// Names beside the outputs that start with `.NAME.plansim-` (working folders, lock files).
fn working(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.plansim-");
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    v.sort();
    v
}

/// The one working folder of `name` that is a folder (not the lock file).
fn aside(dir: &Path, name: &str) -> PathBuf {
    let folders: Vec<PathBuf> = working(dir, name)
        .into_iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_dir() && !p.is_symlink())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders.into_iter().next().expect("one")
}

/// How a finished child ended.
struct Done {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Done {
    fn ctx(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Exit `code`, no panic.
    fn expect(&self, code: i32) -> &Self {
        assert!(!self.stderr.contains("panicked"), "{}", self.ctx());
        assert_eq!(self.code, Some(code), "{}", self.ctx());
        self
    }

    fn says(&self, words: &[&str]) -> &Self {
        for w in words {
            assert!(self.stderr.contains(w), "expected {w:?}; {}", self.ctx());
        }
        self
    }
}

/// A running plansim, its stderr read line by line.
struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: String,
    stdout: JoinHandle<String>,
    started: Instant,
}

fn start(dir: &Path, args: &[String], env: &[(&str, &str)]) -> Proc {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("PLANSIM_TEST_PAUSE_BEFORE")
        .env_remove("PLANSIM_TEST_RENAME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start plansim");
    let stdin = child.stdin.take();
    let mut out = child.stdout.take().expect("stdout");
    let stdout = thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = BufReader::new(child.stderr.take().expect("stderr"));
    let (tx, lines) = channel();
    thread::spawn(move || {
        for line in err.lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Proc {
        child,
        stdin,
        lines,
        seen: String::new(),
        stdout,
        started: Instant::now(),
    }
}

/// Runs plansim to the end.
fn plansim(dir: &Path, args: &[String], env: &[(&str, &str)]) -> Done {
    start(dir, args, env).finish()
}

impl Proc {
    fn left(&self) -> Duration {
        DEADLINE.saturating_sub(self.started.elapsed())
    }

    /// Waits until the child says it paused before `step`.
    fn paused(&mut self, step: &str) -> &mut Self {
        let marker = format!("plansim-test: paused before {step}");
        loop {
            match self.lines.recv_timeout(self.left()) {
                Ok(line) if line == marker => return self,
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                Err(e) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!("no pause before {step} ({e:?}); stderr: {}", self.seen);
                }
            }
        }
    }

    fn resume(mut self) -> Self {
        let stdin = self.stdin.as_mut().expect("stdin");
        stdin.write_all(b"\n").expect("resume");
        stdin.flush().expect("resume");
        self
    }

    fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }

    fn finish(mut self) -> Done {
        drop(self.stdin.take());
        loop {
            match self.lines.recv_timeout(self.left()) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    panic!("still running after {DEADLINE:?}; stderr: {}", self.seen);
                }
            }
        }
        let status = self.child.wait().expect("wait");
        Done {
            code: status.code(),
            stdout: self.stdout.join().expect("stdout"),
            stderr: self.seen,
        }
    }
}

/// A first run into `out`: the old set, 3 trials.
fn old_set(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    plansim(dir, &run_args("out", "3"), &[]).expect(0);
    let old = snapshot(&dir.join("out"));
    assert!(
        OUTPUTS.iter().all(|n| old.contains_key(*n)),
        "{:?}",
        old.keys()
    );
    old
}

/// Whether `out/` holds the new set (a run of 4 trials).
fn is_new_set(out: &Path) -> bool {
    fs::read_to_string(out.join("run.json")).is_ok_and(|j| j.contains("\"trials\": 4,"))
}

/// A folder of files named like the outputs plus notes.txt, none written by plansim.
fn victim(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let v = dir.join("victim");
    fs::create_dir(&v).expect("mkdir");
    for name in OUTPUTS.iter().chain(&["notes.txt"]) {
        fs::write(v.join(name), format!("the user's own {name}\n")).expect("write");
    }
    snapshot(&v)
}

// ---------------------------------------------------------------------------------------------
// 1. stdout and stderr that cannot be written
// ---------------------------------------------------------------------------------------------

/// Runs plansim with stdout and stderr as given, to the end.
fn with_streams(dir: &Path, args: &[&str], stdout: Stdio, stderr: Stdio) -> (Option<i32>, String) {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("start plansim");
    let err = child.stderr.take().map(|mut e| {
        let mut s = String::new();
        let _ = e.read_to_string(&mut s);
        s
    });
    let status = child.wait().expect("wait");
    (status.code(), err.unwrap_or_default())
}

/// A pipe whose reading end is already closed: every write to it fails with `EPIPE`.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer.into()
}

fn dev_full() -> Stdio {
    fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
        .into()
}

#[test]
fn check_into_a_closed_pipe_ends_quietly_with_141() {
    let dir = work();
    let (code, err) = with_streams(
        dir.path(),
        &["check", "m.toml"],
        closed_pipe(),
        Stdio::piped(),
    );
    assert_eq!((code, err.as_str()), (Some(141), ""));
}

#[test]
fn run_into_a_closed_pipe_writes_the_outputs_then_ends_quietly_with_141() {
    let dir = work();
    let args = run_args("out", "3");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, err) = with_streams(dir.path(), &args, closed_pipe(), Stdio::piped());
    assert_eq!((code, err.as_str()), (Some(141), ""));
    let mut expected = set_in("out");
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(dir.path()), expected);
}

#[test]
fn help_into_a_closed_pipe_ends_quietly_with_141() {
    let dir = work();
    let (code, err) = with_streams(dir.path(), &["--help"], closed_pipe(), Stdio::piped());
    assert_eq!((code, err.as_str()), (Some(141), ""));
}

#[test]
fn stdout_on_a_full_disk_is_exit_1_with_a_message() {
    let dir = work();
    let run = run_args("out", "3");
    let run: Vec<&str> = run.iter().map(String::as_str).collect();
    for args in [&["check", "m.toml"][..], &run, &["--version"]] {
        let (code, err) = with_streams(dir.path(), args, dev_full(), Stdio::piped());
        assert_eq!(
            (code, err.as_str()),
            (
                Some(1),
                "error: cannot write to stdout: No space left on device (os error 28)\n"
            ),
            "{args:?}"
        );
    }
}

#[test]
fn stderr_on_a_full_disk_keeps_each_exit_code() {
    let dir = work();
    fs::write(dir.path().join("bad.toml"), "name = 1\n").expect("write");
    for (args, code) in [
        (&["check", "bad.toml"][..], 2),
        (&["run", "missing.toml", "--out", "o"], 2),
        (&["run", "m.toml", "--bogus"], 2),
        (&["check", "m.toml"], 0),
    ] {
        let (got, _) = with_streams(dir.path(), args, Stdio::null(), dev_full());
        assert_eq!(got, Some(code), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. a folder swapped for a symbolic link while the new set is written
// ---------------------------------------------------------------------------------------------

/// Runs into `out/` paused at `step`, where `out/` is moved to `moved/` and replaced by a link
/// to `victim/`; nothing of the victim's or of the moved set may change or go.
fn out_becomes_a_link_at(step: &str, env: &[(&str, &str)]) {
    let dir = work();
    let d = dir.path();
    let old = old_set(d);
    let victim_before = victim(d);
    let mut env = env.to_vec();
    env.push(("PLANSIM_TEST_PAUSE_BEFORE", step));
    let mut p = start(d, &run_args("out", "4"), &env);
    p.paused(step);
    fs::rename(d.join("out"), d.join("moved")).expect("move out");
    symlink("victim", d.join("out")).expect("symlink");
    let done = p.resume().finish();
    assert_eq!(snapshot(&d.join("victim")), victim_before, "{}", done.ctx());
    assert_eq!(snapshot(&d.join("moved")), old, "{}", done.ctx());
    done.expect(2)
        .says(&["error: output folder out was replaced"]);
    let mut expected = set_in("moved");
    expected.extend(victim_before.keys().map(|k| format!("victim/{k}")));
    expected.extend(["m.toml", "out@", "victim/"].map(String::from));
    expected.sort();
    assert_eq!(names(d), expected, "{}", done.ctx());
}

#[test]
fn out_replaced_by_a_link_while_writing_deletes_nothing() {
    out_becomes_a_link_at("swap", &[]);
}

#[test]
fn out_replaced_by_a_link_just_before_the_swap_is_moved_back() {
    out_becomes_a_link_at("exchange", &[]);
    out_becomes_a_link_at("exchange", &[("PLANSIM_TEST_RENAME", "two-step")]);
}

#[test]
fn the_old_set_replaced_by_a_link_after_the_swap_is_left_alone() {
    let dir = work();
    let d = dir.path();
    let old = old_set(d);
    let victim_before = victim(d);
    let mut p = start(
        d,
        &run_args("out", "4"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "cleanup")],
    );
    p.paused("cleanup");
    let old_at = aside(d, "out");
    fs::rename(&old_at, d.join("moved")).expect("move the old set");
    symlink("victim", &old_at).expect("symlink");
    let done = p.resume().finish();
    assert_eq!(snapshot(&d.join("victim")), victim_before, "{}", done.ctx());
    assert_eq!(snapshot(&d.join("moved")), old, "{}", done.ctx());
    assert!(old_at.is_symlink());
    done.expect(0)
        .says(&["warning: output folder out:", "left it alone"]);
    assert!(is_new_set(&d.join("out")), "{}", done.ctx());
}

// ---------------------------------------------------------------------------------------------
// 3. a file added to out/ while the new set is written
// ---------------------------------------------------------------------------------------------

/// Adds `out/notes.txt` at `step`: refused, the old set and the note kept in `out/`.
fn a_file_is_added_at(step: &str, env: &[(&str, &str)]) {
    let dir = work();
    let d = dir.path();
    let mut expected = old_set(d);
    let mut env = env.to_vec();
    env.push(("PLANSIM_TEST_PAUSE_BEFORE", step));
    let mut p = start(d, &run_args("out", "4"), &env);
    p.paused(step);
    fs::write(d.join("out/notes.txt"), "mine\n").expect("write");
    expected.insert("notes.txt".into(), b"mine\n".to_vec());
    let done = p.resume().finish();
    done.expect(2).says(&[
        "error: output folder out holds \"notes.txt\", which plansim did not write (added while",
        "the previous outputs are left as they were",
    ]);
    assert_eq!(done.stderr.lines().count(), 1, "{}", done.ctx());
    assert_eq!(snapshot(&d.join("out")), expected, "{}", done.ctx());
    assert_eq!(working(d, "out"), Vec::<String>::new(), "{}", done.ctx());
}

#[test]
fn a_file_added_to_out_while_writing_is_refused_and_kept_in_place() {
    a_file_is_added_at("swap", &[]);
}

#[test]
fn a_file_added_just_before_the_swap_puts_everything_back() {
    a_file_is_added_at("exchange", &[]);
    a_file_is_added_at("exchange", &[("PLANSIM_TEST_RENAME", "two-step")]);
}

/// `chattr` on `path`; false when the file system or the user cannot (then the test is
/// skipped, saying so).
fn chattr(flag: &str, path: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn an_immutable_old_output_is_refused_before_the_run() {
    let dir = work();
    let d = dir.path();
    let old = old_set(d);
    let pinned = d.join("out/trials.csv");
    if !chattr("+i", &pinned) {
        eprintln!("skipped: chattr +i is not possible here");
        return;
    }
    let done = plansim(d, &run_args("out", "4"), &[]);
    chattr("-i", &pinned);
    done.expect(2).says(&[
        "error: output folder out: plansim could not remove",
        "immutable",
    ]);
    assert_eq!(snapshot(&d.join("out")), old);
    assert_eq!(working(d, "out"), Vec::<String>::new());
}

#[test]
fn old_outputs_that_cannot_be_removed_after_the_swap_are_named_in_a_warning() {
    let dir = work();
    let d = dir.path();
    old_set(d);
    let mut p = start(
        d,
        &run_args("out", "4"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "cleanup")],
    );
    p.paused("cleanup");
    let old_at = aside(d, "out");
    if !chattr("+i", &old_at.join("summary.csv")) {
        p.resume().finish();
        eprintln!("skipped: chattr +i is not possible here");
        return;
    }
    let done = p.resume().finish();
    // The next run tries again, and says so again.
    let again = plansim(d, &run_args("out", "4"), &[]);
    chattr("-i", &old_at.join("summary.csv"));
    let name = old_at.file_name().expect("name").to_string_lossy();
    done.expect(0).says(&[
        "warning: output folder out: the new outputs are in place",
        &name,
    ]);
    again
        .expect(0)
        .says(&["warning: output folder out: could not remove", &name]);
    assert!(is_new_set(&d.join("out")));
}

// ---------------------------------------------------------------------------------------------
// 4. kills: the swap is atomic, and the next run repairs what a kill left
// ---------------------------------------------------------------------------------------------

/// Kills a run into `out/` at `step`; returns the old set.
fn kill_at(d: &Path, step: &str, env: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let old = old_set(d);
    let mut env = env.to_vec();
    env.push(("PLANSIM_TEST_PAUSE_BEFORE", step));
    let mut p = start(d, &run_args("out", "4"), &env);
    p.paused(step);
    p.kill9();
    old
}

/// After a kill, the next run repairs, says so, and leaves one complete new set.
fn next_run_repairs(d: &Path, words: &[&str]) {
    let done = plansim(d, &run_args("out", "4"), &[]);
    done.expect(0).says(words);
    let mut expected = set_in("out");
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(d), expected, "{}", done.ctx());
    assert!(is_new_set(&d.join("out")));
}

#[test]
fn a_kill_while_writing_keeps_the_old_set_and_the_next_run_removes_the_temporary_folder() {
    let dir = work();
    let d = dir.path();
    let old = kill_at(d, "swap", &[]);
    assert_eq!(snapshot(&d.join("out")), old);
    next_run_repairs(d, &["note: output folder out: removed .out.plansim-tmp-"]);
}

#[test]
fn a_kill_right_after_the_swap_leaves_the_new_set_complete_and_is_repaired() {
    let dir = work();
    let d = dir.path();
    let old = kill_at(d, "cleanup", &[]);
    // Atomic: `out/` is the whole new set; the whole old set is aside.
    assert!(is_new_set(&d.join("out")));
    assert_eq!(names(&d.join("out")).len(), OUTPUTS.len());
    assert_eq!(snapshot(&aside(d, "out")), old);
    next_run_repairs(d, &["note: output folder out: removed .out.plansim-tmp-"]);
}

#[test]
fn a_kill_while_the_old_set_is_removed_is_repaired() {
    let dir = work();
    let d = dir.path();
    kill_at(d, "cleanup-midway", &[]);
    assert!(is_new_set(&d.join("out")));
    assert_eq!(
        names(&aside(d, "out")).len(),
        OUTPUTS.len() - 1,
        "one file removed"
    );
    next_run_repairs(d, &["note: output folder out: removed .out.plansim-tmp-"]);
}

#[test]
fn a_kill_between_two_step_renames_is_repaired_by_restoring_the_old_set() {
    let dir = work();
    let d = dir.path();
    let two_step = [("PLANSIM_TEST_RENAME", "two-step")];
    let old = kill_at(d, "second-rename", &two_step);
    assert!(!d.join("out").exists(), "the window of the two-step swap");
    // The next run first puts the old set back...
    let mut p = start(
        d,
        &run_args("out", "4"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "swap")],
    );
    p.paused("swap");
    assert!(d.join("out").is_dir(), "the old set was not restored");
    assert_eq!(snapshot(&d.join("out")), old);
    // ...then replaces it as usual.
    let done = p.resume().finish();
    done.expect(0).says(&[
        "note: output folder out: restored the previous outputs from .out.plansim-old-",
        "a run was killed while replacing them",
    ]);
    let mut expected = set_in("out");
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(d), expected, "{}", done.ctx());
    assert!(is_new_set(&d.join("out")));
}

#[test]
fn a_two_step_swap_replaces_the_set_without_leftovers() {
    let dir = work();
    let d = dir.path();
    old_set(d);
    let done = plansim(
        d,
        &run_args("out", "4"),
        &[("PLANSIM_TEST_RENAME", "two-step")],
    );
    done.expect(0);
    let mut expected = set_in("out");
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(d), expected, "{}", done.ctx());
    assert!(is_new_set(&d.join("out")));
}

#[test]
fn a_leftover_holding_a_users_file_is_kept_with_a_warning() {
    let dir = work();
    let d = dir.path();
    let left = d.join(".out.plansim-tmp-1-2");
    fs::create_dir(&left).expect("mkdir");
    fs::write(left.join("summary.csv"), "x\n").expect("write");
    fs::write(left.join("notes.txt"), "mine\n").expect("write");
    let before = snapshot(&left);
    let done = plansim(d, &run_args("out", "3"), &[]);
    done.expect(0).says(&[
        "warning: output folder out: .out.plansim-tmp-1-2 was left by a plansim run that \
         was killed, but it holds \"notes.txt\", which plansim did not write",
    ]);
    assert_eq!(snapshot(&left), before);
}

#[test]
fn what_was_repaired_is_said_also_when_the_run_is_then_refused() {
    let dir = work();
    let d = dir.path();
    let old = kill_at(d, "swap", &[]);
    fs::write(d.join("out/notes.txt"), "mine\n").expect("write");
    let done = plansim(d, &run_args("out", "4"), &[]);
    done.expect(2).says(&[
        "note: output folder out: removed .out.plansim-tmp-",
        "error: output folder out holds \"notes.txt\"",
    ]);
    assert_eq!(working(d, "out"), Vec::<String>::new());
    assert_eq!(snapshot(&d.join("out")).len(), old.len() + 1);
}

#[test]
fn a_set_whose_manifest_lists_more_files_is_replaced_whole() {
    // A set written by another version: more files, a subfolder. Its manifest proves them.
    let dir = work();
    let d = dir.path();
    old_set(d);
    let out = d.join("out");
    fs::write(out.join("extra.csv"), "x\n").expect("write");
    fs::create_dir(out.join("points")).expect("mkdir");
    fs::write(out.join("points/p.csv"), "p\n").expect("write");
    let mut manifest = "plansim output set 1\n".to_string();
    for name in OUTPUTS.iter().chain(&["extra.csv", "points"]) {
        let kind = if *name == "points" { "folder" } else { "file" };
        manifest.push_str(&format!("{kind} {name}\n"));
    }
    manifest.push_str("file points/p.csv\n");
    fs::write(out.join(MANIFEST), manifest).expect("write");
    let done = plansim(d, &run_args("out", "4"), &[]);
    done.expect(0);
    let mut expected = set_in("out");
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(d), expected, "stale files gone; {}", done.ctx());
}

#[test]
fn a_manifest_plansim_did_not_write_proves_nothing() {
    let dir = work();
    let d = dir.path();
    old_set(d);
    let out = d.join("out");
    fs::write(out.join("notes.txt"), "mine\n").expect("write");
    fs::write(out.join(MANIFEST), "file notes.txt\n").expect("write");
    let before = snapshot(&out);
    plansim(d, &run_args("out", "4"), &[])
        .expect(2)
        .says(&["error: output folder out holds \".plansim.manifest\""]);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_run_writes_the_manifest_of_its_set() {
    let dir = work();
    let d = dir.path();
    plansim(d, &run_args("out", "3"), &[]).expect(0);
    let manifest = fs::read_to_string(d.join("out").join(MANIFEST)).expect("manifest");
    let mut expected = "plansim output set 1\n".to_string();
    for name in [
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
        "sensitivity.csv",
        "tail.csv",
        "run.json",
    ] {
        expected.push_str(&format!("file {name}\n"));
    }
    assert_eq!(manifest, expected);
}

// ---------------------------------------------------------------------------------------------
// 5. concurrent runs
// ---------------------------------------------------------------------------------------------

#[test]
fn a_second_run_into_the_same_folder_is_refused_while_the_first_holds_it() {
    let dir = work();
    let d = dir.path();
    let old = old_set(d);
    let mut first = start(
        d,
        &run_args("out", "4"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "swap")],
    );
    first.paused("swap");
    let second = plansim(d, &run_args("out", "5"), &[]);
    second.expect(75).says(&[
        "error: output folder out is in use by another plansim run (it holds .out.plansim-lock)",
    ]);
    assert!(second.stdout.is_empty());
    assert_eq!(snapshot(&d.join("out")), old);
    first.resume().finish().expect(0);
    assert!(is_new_set(&d.join("out")));
    // Once the first is done, the folder is free again and no lock file is left.
    plansim(d, &run_args("out", "5"), &[]).expect(0);
    assert_eq!(working(d, "out"), Vec::<String>::new());
}

#[test]
fn a_run_killed_while_holding_the_folder_does_not_block_the_next() {
    let dir = work();
    let d = dir.path();
    kill_at(d, "swap", &[]);
    next_run_repairs(d, &["note: output folder out: removed"]);
}

#[test]
fn runs_into_different_folders_of_one_parent_do_not_interfere() {
    let dir = work();
    let d = dir.path();
    let mut first = start(
        d,
        &run_args("one", "4"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "exchange")],
    );
    first.paused("exchange");
    plansim(d, &run_args("two", "4"), &[]).expect(0);
    first.resume().finish().expect(0);
    let mut expected = set_in("one");
    expected.extend(set_in("two"));
    expected.push("m.toml".into());
    expected.sort();
    assert_eq!(names(d), expected);
}

fn default_run(config: &str) -> Vec<String> {
    [
        "run",
        config,
        "--quiet",
        "--threads",
        "1",
        "--trials",
        "3",
        "--users",
        "50",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn two_scenarios_started_at_once_in_a_fresh_folder_both_write_their_outputs() {
    // b decides to create output/ and waits; a creates it and waits with its temporary
    // folder inside; b goes on (output/ exists now, holding a's temporary folder); then a.
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(d.join("a.toml"), scenario("a")).expect("config");
    fs::write(d.join("b.toml"), scenario("b")).expect("config");
    let mut b = start(
        d,
        &default_run("b.toml"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "create-root")],
    );
    b.paused("create-root");
    let mut a = start(
        d,
        &default_run("a.toml"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "swap")],
    );
    a.paused("swap");
    b.resume().finish().expect(0);
    a.resume().finish().expect(0);
    let mut expected = set_in("output/a");
    expected.extend(set_in("output/b"));
    expected.extend(["output/".into(), "a.toml".into(), "b.toml".into()]);
    expected.sort();
    assert_eq!(names(d), expected);
}

#[test]
fn the_default_folder_created_by_another_run_meanwhile_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(d.join("a.toml"), scenario("a")).expect("config");
    fs::write(d.join("b.toml"), scenario("b")).expect("config");
    let mut b = start(
        d,
        &default_run("b.toml"),
        &[("PLANSIM_TEST_PAUSE_BEFORE", "create-root")],
    );
    b.paused("create-root");
    plansim(d, &default_run("a.toml"), &[]).expect(0);
    b.resume().finish().expect(0);
    // Each set: its folder and its files.
    assert_eq!(
        names(&d.join("output")).len(),
        2 * (OUTPUTS.len() + 1),
        "two sets"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. every --out that cannot work is refused before the simulation
// ---------------------------------------------------------------------------------------------

#[test]
fn an_out_that_cannot_work_is_refused_before_simulating() {
    let dir = work();
    let d = dir.path();
    fs::create_dir(d.join("sub")).expect("mkdir");
    // Sizes that would simulate for minutes: a refusal must come first.
    for (out, says) in [
        (
            "sub/.",
            "error: output folder sub/.: name a folder of its own",
        ),
        (
            "sub/./",
            "error: output folder sub/./: name a folder of its own",
        ),
        (
            "sub/..",
            "error: output folder sub/..: name a folder of its own",
        ),
        ("/proc", "error: output folder /proc is a mount point"),
        (
            ".out.plansim-tmp-1-2",
            "error: output folder .out.plansim-tmp-1-2: plansim names its own working folders",
        ),
    ] {
        let args = [
            "run", "m.toml", "--trials", "100000", "--users", "100000", "--out", out,
        ]
        .map(String::from);
        let done = plansim(d, &args, &[]);
        done.expect(2).says(&[says]);
        assert_eq!(names(d), ["m.toml", "sub/"], "{out}: {}", done.ctx());
    }
}
