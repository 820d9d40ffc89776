//! The command-line conveniences, end to end through the binary: `plansim init` (each
//! template runs as written, an existing file is never overwritten), `plansim completions`
//! and `plansim man` (generated from the clap definitions), and `plansim run -` / `check -`
//! (the scenario from stdin: the same outputs as from the file, the same errors, named
//! `<stdin>`).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// The CSV outputs of a run (run.json, which names the config, is compared separately).
const CSVS: [&str; 7] = [
    "summary.csv",
    "trials.csv",
    "segments.csv",
    "deciles.csv",
    "monthly.csv",
    "sensitivity.csv",
    "tail.csv",
];

/// Runs plansim in `dir` with `args`, feeding `stdin` (an empty stdin when `None`).
fn plansim(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plansim");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let input = stdin.unwrap_or_default().to_vec();
    // Written from a thread so a large input cannot deadlock against the child's output; the
    // child may stop reading early (the size limit), so a broken pipe is expected then.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for plansim");
    writer.join().unwrap();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Asserts success and returns stdout.
fn ok(out: &Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: stderr:\n{}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts a refusal with exit code 2, nothing on stdout and one `error: ` line on stderr
/// starting with `prefix`; returns that line.
fn refused(out: &Output, prefix: &str, what: &str) -> String {
    refused_lines(out, 1, prefix, what)
}

/// Asserts a refusal with exit code 2, nothing on stdout and `n` `error: ` lines on stderr (one
/// per problem), the first starting with `prefix`; returns the first.
fn refused_lines(out: &Output, n: usize, prefix: &str, what: &str) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: stderr:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout: {}",
        text(&out.stdout)
    );
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), n, "{what}: {n} lines on stderr:\n{stderr}");
    for l in &lines {
        assert!(l.starts_with("error: "), "{what}: {l}");
    }
    assert!(
        lines[0].starts_with(prefix),
        "{what}: expected a line starting with {prefix:?}, got {:?}",
        lines[0]
    );
    lines[0].to_string()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------------------------

#[test]
fn init_writes_each_template_and_it_runs_as_written() {
    for (template, name) in [("minimal", "starter"), ("coding-agent", "my.agent_v2")] {
        let dir = TempDir::new().unwrap();
        let stdout = ok(
            &plansim(dir.path(), &["init", name, "--template", template], None),
            template,
        );
        let file = format!("{name}.toml");
        assert!(stdout.starts_with(&format!("wrote {file} ")), "{stdout}");
        assert_eq!(entries(dir.path()), std::slice::from_ref(&file));
        let toml = fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(toml.contains(&format!("\nname = \"{name}\"\n")), "{toml}");
        assert!(toml.starts_with('#'), "a commented starter: {toml}");

        let check = ok(&plansim(dir.path(), &["check", &file], None), "check");
        assert!(
            check.starts_with(&format!("scenario {name}: valid.")),
            "{check}"
        );
        // Small sizes keep the test fast; the default output folder uses the new name.
        let args = ["run", &file, "--trials", "3", "--users", "40", "--quiet"];
        let run = ok(&plansim(dir.path(), &args, None), "run");
        assert!(run.contains(&format!("wrote output/{name}")), "{run}");
        let out = dir.path().join("output").join(name);
        for csv in CSVS {
            assert!(fs::metadata(out.join(csv)).unwrap().len() > 0, "{csv}");
        }
    }
}

#[test]
fn init_defaults_to_the_minimal_template_under_its_own_name() {
    let dir = TempDir::new().unwrap();
    ok(&plansim(dir.path(), &["init"], None), "init");
    assert_eq!(entries(dir.path()), ["minimal.toml"]);
    // `init NAME.toml` means the file NAME.toml, scenario NAME.
    ok(&plansim(dir.path(), &["init", "other.toml"], None), "init");
    assert_eq!(entries(dir.path()), ["minimal.toml", "other.toml"]);
    let toml = fs::read_to_string(dir.path().join("other.toml")).unwrap();
    assert!(toml.contains("\nname = \"other\"\n"), "{toml}");
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("mine.toml"), "my own work\n").unwrap();
    for args in [
        &["init", "mine"][..],
        &["init", "mine.toml"],
        &["init", "mine", "--template", "coding-agent"],
    ] {
        let line = refused(
            &plansim(dir.path(), args, None),
            "error: mine.toml already exists",
            &args.join(" "),
        );
        assert!(line.contains("never overwrites"), "{line}");
        assert_eq!(
            fs::read_to_string(dir.path().join("mine.toml")).unwrap(),
            "my own work\n"
        );
    }
    assert_eq!(entries(dir.path()), ["mine.toml"]);
}

#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_link() {
    let dir = TempDir::new().unwrap();
    std::os::unix::fs::symlink("elsewhere.toml", dir.path().join("linked.toml")).unwrap();
    refused(
        &plansim(dir.path(), &["init", "linked"], None),
        "error: linked.toml already exists",
        "link",
    );
    assert!(!dir.path().join("elsewhere.toml").exists());
}

#[test]
fn init_refuses_a_bad_name_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    for name in [
        "../escape",
        "=cmd",
        "has space",
        "-",
        ".toml",
        &"a".repeat(65),
    ] {
        let out = plansim(dir.path(), &["init", "--", name], None);
        refused(&out, "error: invalid scenario name", name);
    }
    let out = plansim(dir.path(), &["init", "x", "--template", "huge"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(entries(dir.path()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// completions and man
// ---------------------------------------------------------------------------------------------

#[test]
fn completions_generate_for_each_shell() {
    let dir = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = ok(&plansim(dir.path(), &["completions", shell], None), shell);
        assert!(script.len() > 500, "{shell}: {script}");
        assert!(script.contains("plansim"), "{shell}");
        // Every command and a flag of `run` can be completed.
        for word in [
            "run",
            "check",
            "report",
            "init",
            "completions",
            "man",
            "trials",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let out = plansim(dir.path(), &["completions", "tcsh"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn bash_completion_script_is_valid_bash() {
    let dir = TempDir::new().unwrap();
    let script = ok(&plansim(dir.path(), &["completions", "bash"], None), "bash");
    fs::write(dir.path().join("plansim.bash"), script).unwrap();
    let check = Command::new("bash")
        .args(["-n", "plansim.bash"])
        .current_dir(dir.path())
        .output()
        .expect("bash is installed");
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn man_pages_render() {
    let dir = TempDir::new().unwrap();
    let page = ok(&plansim(dir.path(), &["man"], None), "man");
    assert!(page.contains(".TH plansim 1 "), "{page}");
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    for command in ["run", "check", "report", "init", "completions", "man"] {
        assert!(
            page.contains(&format!("plansim\\-{command}(1)")),
            "{command}"
        );
        let sub = ok(&plansim(dir.path(), &["man", command], None), command);
        assert!(sub.contains(&format!(".TH plansim-{command} 1 ")), "{sub}");
        assert!(sub.contains(&format!("\\fBplansim {command}\\fR")), "{sub}");
    }
    let run = ok(&plansim(dir.path(), &["man", "run"], None), "man run");
    assert!(run.contains("\\-\\-trials"), "{run}");
    let out = plansim(dir.path(), &["man", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// run - and check -
// ---------------------------------------------------------------------------------------------

fn minimal() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/minimal.toml")).unwrap()
}

#[test]
fn run_from_stdin_writes_what_the_file_writes() {
    let dir = TempDir::new().unwrap();
    let scenario = minimal();
    fs::write(dir.path().join("s.toml"), &scenario).unwrap();
    let size = ["--trials", "7", "--users", "150", "--quiet"];
    let from_file = ok(
        &plansim(
            dir.path(),
            &[&["run", "s.toml", "--out", "a"][..], &size].concat(),
            None,
        ),
        "file",
    );
    let from_stdin = ok(
        &plansim(
            dir.path(),
            &[&["run", "-", "--out", "b"][..], &size].concat(),
            Some(scenario.as_bytes()),
        ),
        "stdin",
    );
    // The tables are the same; only the last line (time, folder) differs.
    let table = |s: &str| {
        s.lines()
            .filter(|l| !l.contains(" in "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(table(&from_file), table(&from_stdin));
    for csv in CSVS {
        let a = fs::read(dir.path().join("a").join(csv)).unwrap();
        let b = fs::read(dir.path().join("b").join(csv)).unwrap();
        assert!(!a.is_empty() && a == b, "{csv} differs");
    }
    let json = |d: &str| -> serde_json::Value {
        serde_json::from_slice(&fs::read(dir.path().join(d).join("run.json")).unwrap()).unwrap()
    };
    let (a, b) = (json("a"), json("b"));
    assert_eq!(a["config"], "s.toml");
    assert_eq!(b["config"], "<stdin>");
    assert_eq!(a["scenario"], b["scenario"]);

    // Without --out, the folder is named after the scenario, as from a file.
    let out = plansim(
        dir.path(),
        &[&["run", "-"][..], &size].concat(),
        Some(scenario.as_bytes()),
    );
    assert!(ok(&out, "default out").contains("wrote output/minimal"));
    for csv in CSVS {
        let a = fs::read(dir.path().join("a").join(csv)).unwrap();
        assert_eq!(
            a,
            fs::read(dir.path().join("output/minimal").join(csv)).unwrap()
        );
    }
}

#[test]
fn check_from_stdin_prints_what_the_file_prints() {
    let dir = TempDir::new().unwrap();
    let scenario = minimal();
    fs::write(dir.path().join("s.toml"), &scenario).unwrap();
    let a = ok(&plansim(dir.path(), &["check", "s.toml"], None), "file");
    let b = ok(
        &plansim(dir.path(), &["check", "-"], Some(scenario.as_bytes())),
        "stdin",
    );
    assert!(a.starts_with("scenario minimal: valid."), "{a}");
    assert_eq!(a, b);
}

#[test]
fn bad_stdin_is_refused_with_its_location() {
    let dir = TempDir::new().unwrap();
    let bad = minimal().replace("price = 20\ncap = 100", "price = 20\ncap = -100");
    let line = 1 + bad.lines().position(|l| l == "cap = -100").unwrap();
    // An empty scenario misses five things, each reported on its own line.
    let cases: [(&[u8], usize, String); 4] = [
        (
            bad.as_bytes(),
            1,
            format!("error: <stdin>:{line}:7: plan.flat.cap: "),
        ),
        (
            b"",
            5,
            "error: <stdin>:1:1: name: missing required field".into(),
        ),
        (
            b"name = \"x\"\n\xff\xfe",
            1,
            "error: <stdin>:2:1: not UTF-8".into(),
        ),
        (b"name = [", 1, "error: <stdin>:1:".into()),
    ];
    for (input, n, prefix) in cases {
        for args in [
            &["check", "-"][..],
            &["run", "-", "--out", "out"],
            &["run", "-"],
        ] {
            let what = format!("{args:?} with {prefix}");
            refused_lines(&plansim(dir.path(), args, Some(input)), n, &prefix, &what);
            assert!(entries(dir.path()).is_empty(), "{what}: wrote something");
        }
    }
}

#[test]
fn stdin_over_the_size_limit_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut big = b"# ".to_vec();
    big.resize(10_000_001, b'x');
    let line = refused(
        &plansim(dir.path(), &["check", "-"], Some(&big)),
        "error: <stdin>:1:1: ",
        "10 MB + 1",
    );
    assert!(line.contains("larger than 10 MB"), "{line}");
}
