//! Every shipped scenario (`configs/*.toml` and the `init` templates) passes `check` and runs
//! at a small size, and the shipped menu scenario tells the story its comments promise: casual
//! users take Pro or nothing, heavy users the Max plans, the open-weight host takes some.

use std::path::{Path, PathBuf};
use std::process::Command;

use plansim::{Override, load_with, run};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.toml` files in `dir`, sorted.
fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn plansim(args: &[&str], path: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(args)
        .arg(path)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn every_shipped_config_checks_and_runs_at_a_small_size() {
    let mut configs = tomls(&root().join("configs"));
    let names: Vec<String> = configs
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for shipped in [
        "coding-agent.toml",
        "coding-agent-decline.toml",
        "menu.toml",
        "minimal.toml",
    ] {
        assert!(
            names.iter().any(|n| n == shipped),
            "{shipped} not in {names:?}"
        );
    }
    configs.extend(tomls(&root().join("configs/templates")));
    let dir = tempfile::tempdir().unwrap();
    for (i, config) in configs.iter().enumerate() {
        let o = plansim(&["check"], config, &[]);
        assert!(
            o.status.success(),
            "check {config:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = dir.path().join(format!("o{i}"));
        let size = [
            "--trials", "2", "--users", "300", "--months", "3", "--quiet",
        ];
        let o = plansim(
            &["run", "--out"],
            &out,
            &[&size[..], &[config.to_str().unwrap()]].concat(),
        );
        assert!(
            o.status.success(),
            "run {config:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        assert!(summary.lines().count() >= 2, "{config:?}: {summary}");
    }
}

#[test]
fn the_shipped_menu_tells_its_story() {
    let size = |field: &str, n: &str| Override::new(field, n.to_string(), "test").unwrap();
    let scn = load_with(
        &root().join("configs/menu.toml"),
        &[
            size("simulation.trials", "4"),
            size("simulation.users", "5000"),
            size("simulation.months", "3"),
        ],
    )
    .unwrap();
    assert!(scn.is_menu());
    let r = run(&scn, &|_| {}).unwrap();
    let options = scn.options();
    let segments = scn.segment_names();
    let opt = |name: &str| options.iter().position(|o| *o == name).unwrap();
    let seg = |name: &str| segments.iter().position(|s| *s == name).unwrap();
    // Share of a segment's first choices that went to an option.
    let share = |o: &str, s: &str| {
        let c = &r.choices[opt(o)][seg(s)];
        c.chosen_at_start as f64 / c.choosers as f64
    };
    for o in &options {
        let chosen: u64 = r.choices[opt(o)].iter().map(|c| c.chosen_at_start).sum();
        assert!(chosen > 0, "nobody chose {o}");
    }
    // Casual users mostly take Pro or nothing; Pro is their most chosen plan of ours.
    assert!(share("pro", "casual") + share("none", "casual") > 0.5);
    for o in ["api", "max-5x", "max-20x"] {
        assert!(share("pro", "casual") > share(o, "casual"), "{o}");
    }
    // Max 20x is the heavy users' plan: almost none of its subscribers are casual or regular.
    let rows = scn.rows();
    let row = rows.iter().position(|(n, _)| *n == "max-20x").unwrap();
    let subs = |s: &str| r.segments[row][seg(s)].users as f64;
    let heavy = subs("power") + subs("extreme");
    assert!(heavy > 0.8 * (heavy + subs("casual") + subs("regular")));
    assert!(share("max-20x", "extreme") > share("max-20x", "power"));
    assert!(share("max-20x", "power") > share("max-20x", "regular"));
    // The open-weight host takes some of every segment, and never most of one.
    for s in &segments {
        let x = share("open-weight", s);
        assert!(x > 0.0 && x < 0.5, "{s}: {x}");
    }
}
