//! The output folder (`--out`, or the default `output/`) and the file system: paths that are
//! files, symbolic links, unwritable, missing, the current, parent or root folder, or folders
//! holding files plansim did not write. Each is refused before running, with existing content
//! untouched; a folder of plansim's own outputs is replaced as a set.

use std::fs;

use crate::{
    BASE, CONFIG, OUTPUTS, assert_refusal, minimal_dir, out_tree, plansim, refused, run_args, tree,
    with_config,
};

/// `run --out OUT` on the base scenario in a fresh folder is refused with exit 2 and `prefix`.
fn out_refused(out: &str, prefix: &str) {
    let dir = with_config(BASE);
    refused(dir.path(), &run_args(&["--out", out]), 2, prefix, &[]);
}

#[test]
fn out_is_an_existing_file() {
    let dir = with_config(BASE);
    fs::write(dir.path().join("out"), "precious\n").expect("write");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output path out exists and is not a folder",
        &[],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out")).unwrap(),
        "precious\n"
    );
}

#[test]
fn out_inside_a_missing_folder() {
    out_refused(
        "missing/out",
        "error: output folder missing/out: its parent folder missing does not exist",
    );
}

#[test]
fn out_unwritable_parent_proc() {
    // Creating folders in /proc fails even for root.
    out_refused(
        "/proc/plansim-hostile-test",
        "error: output folder /proc/plansim-hostile-test: cannot create folders in /proc",
    );
}

#[test]
fn out_unwritable_parent_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = with_config(BASE);
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).expect("mkdir");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).expect("chmod");
    if fs::create_dir(ro.join("probe")).is_ok() {
        // Root ignores the mode; `out_unwritable_parent_proc` covers this case for root.
        eprintln!("skipped: a 0o555 folder is still writable (running as root?)");
        return;
    }
    refused(
        dir.path(),
        &run_args(&["--out", "ro/out"]),
        2,
        "error: output folder ro/out: cannot create folders in",
        &[],
    );
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn out_is_the_current_folder() {
    out_refused(".", "error: output folder .: name a folder of its own");
}

#[test]
fn out_is_the_current_folder_with_the_config_elsewhere() {
    // Run from an empty folder with the config in its parent: either refused (exit 2) with the
    // folder left empty, or the outputs written into it; the parent is untouched.
    let dir = with_config(BASE);
    let cwd = dir.path().join("cwd");
    fs::create_dir(&cwd).expect("mkdir");
    let run = plansim(&cwd, &["run", "../scenario.toml", "--quiet", "--out", "."]);
    match run.code {
        Some(0) => assert_eq!(tree(&cwd), OUTPUTS, "{}", run.describe()),
        Some(2) => {
            assert_refusal(&run, 2, "error: output folder .", &[]);
            assert!(tree(&cwd).is_empty(), "{}", run.describe());
        }
        _ => panic!(
            "expected success or a refusal with exit 2; {}",
            run.describe()
        ),
    }
    let mut expected = vec!["cwd/".to_string(), CONFIG.to_string()];
    expected.extend(tree(&cwd).iter().map(|e| format!("cwd/{e}")));
    expected.sort();
    assert_eq!(tree(dir.path()), expected, "{}", run.describe());
}

#[test]
fn out_is_the_parent_folder() {
    out_refused("..", "error: output folder ..: name a folder of its own");
}

#[test]
fn out_is_the_root() {
    out_refused("/", "error: output folder /: name a folder of its own");
}

#[test]
fn out_holds_a_file_plansim_did_not_write() {
    let dir = with_config(BASE);
    fs::create_dir(dir.path().join("out")).expect("mkdir");
    fs::write(dir.path().join("out/notes.txt"), "keep me\n").expect("write");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output folder out holds \"notes.txt\", which plansim did not write; refusing",
        &[],
    );
    let kept = fs::read_to_string(dir.path().join("out/notes.txt")).unwrap();
    assert_eq!(kept, "keep me\n");
}

#[test]
fn out_holds_plansim_outputs_and_a_foreign_file() {
    // A previous run's outputs plus one foreign file: refused, and the old outputs kept.
    let dir = with_config(BASE);
    let first = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(first.code, Some(0), "{}", first.describe());
    let out_dir = dir.path().join("out");
    let summary = fs::read_to_string(out_dir.join("summary.csv")).expect("summary");
    fs::write(out_dir.join("mine.xlsx"), "keep me\n").expect("write");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output folder out ",
        &["mine.xlsx"],
    );
    let mut expected: Vec<&str> = OUTPUTS.to_vec();
    expected.push("mine.xlsx");
    expected.sort();
    assert_eq!(tree(&out_dir), expected);
    assert_eq!(
        fs::read_to_string(out_dir.join("summary.csv")).expect("summary"),
        summary
    );
}

#[test]
fn out_holds_a_folder_named_like_an_output() {
    let dir = with_config(BASE);
    fs::create_dir_all(dir.path().join("out/summary.csv")).expect("mkdir");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output folder out ",
        &["summary.csv"],
    );
    assert_eq!(tree(&dir.path().join("out")), ["summary.csv/"]);
}

#[test]
fn default_output_folder_is_a_file() {
    let dir = with_config(BASE);
    fs::write(dir.path().join("output"), "precious\n").expect("write");
    refused(
        dir.path(),
        &run_args(&[]),
        2,
        "error: output",
        &["not a folder"],
    );
}

#[test]
fn out_is_a_dangling_symlink() {
    let dir = with_config(BASE);
    std::os::unix::fs::symlink("nowhere", dir.path().join("dl")).expect("symlink");
    refused(
        dir.path(),
        &run_args(&["--out", "dl"]),
        2,
        "error: output path dl is a symbolic link",
        &[],
    );
}

#[test]
fn out_is_a_symlink_to_a_folder() {
    // Either refusing (exit 2, nothing changed) or writing through the link is acceptable;
    // leaving the renamed link behind or losing the target's files is not.
    let dir = with_config(BASE);
    let first = plansim(dir.path(), &run_args(&["--out", "real"]));
    assert_eq!(first.code, Some(0), "{}", first.describe());
    std::os::unix::fs::symlink("real", dir.path().join("ln")).expect("symlink");
    let run = plansim(dir.path(), &run_args(&["--out", "ln"]));
    let ctx = run.describe();
    let entries = tree(dir.path());
    assert!(
        !entries.iter().any(|e| e.contains(".plansim-")),
        "leftovers {entries:?}; {ctx}"
    );
    let link = fs::symlink_metadata(dir.path().join("ln")).expect("ln");
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced; {ctx}"
    );
    assert!(run.code == Some(0) || run.code == Some(2), "{ctx}");
    assert_eq!(tree(&dir.path().join("real")), OUTPUTS, "{ctx}");
}

#[test]
fn running_twice_into_the_same_out_replaces_the_set_without_leftovers() {
    let dir = minimal_dir();
    let out_dir = dir.path().join("o");
    let out_arg = out_dir.to_str().expect("utf-8 temp path");
    let mut expected = out_tree("o");
    expected.push(CONFIG.into());
    let run = |trials: &str| {
        let run = plansim(
            dir.path(),
            &[
                "run", CONFIG, "--trials", trials, "--users", "50", "--quiet", "--out", out_arg,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.describe());
        assert_eq!(
            tree(dir.path()),
            expected,
            "outputs or leftover temp folders"
        );
        let run_json = fs::read_to_string(out_dir.join("run.json")).expect("run.json");
        let trials_rows = fs::read_to_string(out_dir.join("trials.csv"))
            .expect("trials.csv")
            .lines()
            .count();
        (run_json, trials_rows)
    };
    let (first_json, first_rows) = run("3");
    let (second_json, second_rows) = run("4");
    assert!(first_json.contains("\"trials\": 3,"), "{first_json}");
    assert!(
        second_json.contains("\"trials\": 4,"),
        "run.json not replaced: {second_json}"
    );
    assert!(
        second_rows > first_rows,
        "trials.csv not replaced: {first_rows} rows, then {second_rows}"
    );
}
