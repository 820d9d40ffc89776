//! `plansim report DIR` and `plansim run --report`, end to end through the binary: the page is
//! written into the folder and listed in its manifest (so a later run still replaces the
//! folder), it is the same bytes every time, and a folder that is not a run's is exit 2.
//! The page itself is tested in `src/report/tests.rs`; `tests/browser/report.sh` renders it
//! in a browser.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_plansim");

fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("start plansim")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A small run of the shipped minimal scenario into `dir`/`out`.
fn small_run(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/minimal.toml");
    let mut args = vec![
        "run", config, "--out", out, "--trials", "20", "--users", "200", "--quiet",
    ];
    args.extend_from_slice(extra);
    plansim(dir, &args)
}

fn manifest(dir: &Path) -> String {
    fs::read_to_string(dir.join(".plansim.manifest")).unwrap()
}

/// Everything in `dir` (names), sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn report_writes_the_page_into_the_folder_and_its_manifest() {
    let tmp = TempDir::new().unwrap();
    ok(&small_run(tmp.path(), "out", &[]), "run");
    let out = tmp.path().join("out");
    let before = manifest(&out);
    assert!(!before.contains("report.html"));
    let said = ok(&plansim(tmp.path(), &["report", "out"]), "report");
    assert_eq!(said, "wrote out/report.html\n");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100]);
    assert!(page.contains("<h1>plansim report: minimal</h1>"));
    assert!(page.contains("<svg"));
    assert_eq!(manifest(&out), format!("{before}file report.html\n"));
    // Nothing left beside the folder: no working folder, no lock file.
    assert_eq!(entries(tmp.path()), ["out"]);
    // Again: the same bytes, listed once.
    ok(&plansim(tmp.path(), &["report", "out"]), "report again");
    assert_eq!(fs::read_to_string(out.join("report.html")).unwrap(), page);
    assert_eq!(manifest(&out).matches("report.html").count(), 1);
}

#[test]
fn a_run_replaces_a_folder_that_holds_a_report() {
    let tmp = TempDir::new().unwrap();
    ok(&small_run(tmp.path(), "out", &[]), "run");
    ok(&plansim(tmp.path(), &["report", "out"]), "report");
    // The report is plansim's: the next run replaces the set, report included.
    ok(
        &small_run(tmp.path(), "out", &["--seed", "9"]),
        "run over a report",
    );
    let out = tmp.path().join("out");
    assert!(!out.join("report.html").exists());
    assert!(!manifest(&out).contains("report.html"));
    assert_eq!(entries(tmp.path()), ["out"]);
}

#[test]
fn run_with_report_writes_the_same_page_as_report() {
    let tmp = TempDir::new().unwrap();
    ok(&small_run(tmp.path(), "out", &["--report"]), "run --report");
    let out = tmp.path().join("out");
    let page = fs::read(out.join("report.html")).unwrap();
    assert!(manifest(&out).contains("file report.html\n"));
    ok(&plansim(tmp.path(), &["report", "out"]), "report");
    assert_eq!(fs::read(out.join("report.html")).unwrap(), page);
    // The same scenario run again gives the same page: nothing of the run's time is in it.
    ok(
        &small_run(tmp.path(), "again", &["--report"]),
        "run --report again",
    );
    assert_eq!(
        fs::read(tmp.path().join("again/report.html")).unwrap(),
        page
    );
}

#[test]
fn a_folder_without_a_run_is_exit_2() {
    let tmp = TempDir::new().unwrap();
    let fails = |args: &[&str], says: &str| {
        let out = plansim(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    };
    fails(&["report", "missing"], "report: missing: no such folder");
    fs::create_dir(tmp.path().join("empty")).unwrap();
    fails(&["report", "empty"], "holds no summary.csv");
    assert!(entries(&tmp.path().join("empty")).is_empty());
    fs::write(tmp.path().join("file"), "x").unwrap();
    fails(&["report", "file"], "report: file is not a folder");
    fs::create_dir(tmp.path().join("bad")).unwrap();
    fs::write(tmp.path().join("bad/summary.csv"), "plan,kind\n\"a,flat\n").unwrap();
    fails(&["report", "bad"], "report: bad: summary.csv: ");
    assert_eq!(entries(&tmp.path().join("bad")), ["summary.csv"]);
}

#[test]
fn a_report_html_plansim_did_not_write_is_never_replaced() {
    let tmp = TempDir::new().unwrap();
    ok(&small_run(tmp.path(), "out", &[]), "run");
    let out = tmp.path().join("out");
    fs::write(out.join("report.html"), "mine").unwrap();
    let before = manifest(&out);
    let res = plansim(tmp.path(), &["report", "out"]);
    assert_eq!(res.status.code(), Some(2));
    assert!(text(&res.stderr).contains("\"report.html\", which plansim did not write"));
    assert_eq!(fs::read_to_string(out.join("report.html")).unwrap(), "mine");
    assert_eq!(manifest(&out), before);
    assert_eq!(entries(tmp.path()), ["out"]);
}

#[test]
fn a_sweeps_folder_gets_its_page_at_the_top() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("sweep");
    fs::create_dir_all(out.join("points/001")).unwrap();
    fs::create_dir_all(out.join("points/002")).unwrap();
    let summary = "plan,kind,profit_p05,profit_p50,profit_p95\npro,flat,1,2,3\n";
    fs::write(out.join("points/001/summary.csv"), summary).unwrap();
    fs::write(out.join("points/002/summary.csv"), summary).unwrap();
    fs::write(
        out.join("sweep.csv"),
        "point,plan.pro.price,plan,kind,profit_p05,profit_p50\n\
         1,10,pro,flat,1,2\n2,20,pro,flat,3,4\n",
    )
    .unwrap();
    fs::write(
        out.join("compare.csv"),
        "point,plan,vs_point,vs_plan\n1,pro,2,pro\n2,pro,2,pro\n",
    )
    .unwrap();
    let listed = "plansim output set 1\nfile sweep.csv\nfile compare.csv\nfolder points\n\
                  folder points/001\nfile points/001/summary.csv\nfolder points/002\n\
                  file points/002/summary.csv\n";
    fs::write(out.join(".plansim.manifest"), listed).unwrap();
    ok(&plansim(tmp.path(), &["report", "sweep"]), "report");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<section id=\"sweep\">"));
    // The baseline point compare.csv names is the one shown in detail.
    assert!(page.contains("<code>points/002/</code>"), "{page}");
    assert_eq!(manifest(&out), format!("{listed}file report.html\n"));
    // Still a set plansim may replace.
    ok(&small_run(tmp.path(), "sweep", &[]), "run over the sweep");
    assert!(!out.join("points").exists() && !out.join("report.html").exists());
}
