//! Every shipped scenario (`configs/*.toml` and the `init` templates) loads with its sweeps
//! ([`load_points`]), passes `check` and runs at a small size (a sweep writes its whole folder:
//! `sweep.csv` with one row per point and row, `compare.csv`, `points/001/`...), the shipped
//! sweep is the 9 x 3 grid its comments promise, and the shipped menu scenario tells the story
//! its comments promise: casual users take Pro or nothing, heavy users the Max plans, the
//! open-weight host takes some.

use std::path::{Path, PathBuf};
use std::process::Command;

use plansim::{Override, load_points, load_with, run};

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
        "pricing-sweep.toml",
        "servegen.toml",
    ] {
        assert!(
            names.iter().any(|n| n == shipped),
            "{shipped} not in {names:?}"
        );
    }
    configs.extend(tomls(&root().join("configs/templates")));
    let dir = tempfile::tempdir().unwrap();
    let size = [
        "--trials", "2", "--users", "300", "--months", "3", "--quiet",
    ];
    let sizes: Vec<Override> = size[..6]
        .chunks(2)
        .map(|f| {
            let field = format!("simulation.{}", &f[0][2..]);
            Override::new(&field, f[1].to_string(), f[0]).unwrap()
        })
        .collect();
    let mut sweeps = 0;
    for (i, config) in configs.iter().enumerate() {
        let points =
            load_points(config, &sizes, &[]).unwrap_or_else(|e| panic!("load {config:?}: {e}"));
        let o = plansim(&["check"], config, &[]);
        assert!(
            o.status.success(),
            "check {config:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = dir.path().join(format!("o{i}"));
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
        if !points.is_sweep() {
            let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
            assert!(summary.lines().count() >= 2, "{config:?}: {summary}");
            continue;
        }
        sweeps += 1;
        // The decision table: a header, then one line per point and summary row.
        let rows: usize = points.points.iter().map(|p| p.scenario.rows().len()).sum();
        let sweep = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
        assert_eq!(sweep.lines().count(), 1 + rows, "{config:?}");
        let header: Vec<&str> = sweep.lines().next().unwrap().split(',').collect();
        assert_eq!(header[0], "point");
        assert_eq!(
            header[1..=points.paths.len()],
            points.paths[..],
            "{config:?}"
        );
        assert!(out.join("compare.csv").is_file(), "{config:?}");
        assert!(!out.join("summary.csv").exists(), "{config:?}");
        let n = points.points.len();
        for k in 1..=n {
            let summary = out.join(format!("points/{k:03}/summary.csv"));
            let summary = std::fs::read_to_string(&summary).unwrap();
            assert_eq!(
                summary.lines().count(),
                1 + points.points[k - 1].scenario.rows().len()
            );
        }
        assert!(!out.join(format!("points/{:03}", n + 1)).exists());
    }
    assert!(sweeps >= 1, "no shipped sweep ran");
}

#[test]
fn the_shipped_sweep_is_the_grid_its_comments_promise() {
    let points = load_points(&root().join("configs/pricing-sweep.toml"), &[], &[]).unwrap();
    assert_eq!(points.paths, ["plan.max-20x.price", "plan.max-20x.cap"]);
    assert_eq!(points.points.len(), 27);
    // First sweep slowest: $100 with each cap, then $125, ... up to $300 inclusive.
    let values: Vec<Vec<String>> = points.points.iter().map(|p| p.values.clone()).collect();
    assert_eq!(values[0], ["100", "1000"]);
    assert_eq!(values[1], ["100", "2000"]);
    assert_eq!(values[3], ["125", "1000"]);
    assert_eq!(values[26], ["300", "4000"]);
    // Menu mode at every point: our four plans and the portfolio in sweep.csv.
    for p in &points.points {
        assert!(p.scenario.is_menu());
        let rows: Vec<&str> = p.scenario.rows().iter().map(|r| r.0).collect();
        assert_eq!(rows, ["api", "pro", "max-5x", "max-20x", "portfolio"]);
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
