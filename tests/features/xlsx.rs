//! `plansim run --xlsx` end to end: results.xlsx read back with calamine holds every CSV of a
//! real small run of shipped scenarios cell for cell (numbers as the same f64, text as the
//! same text, empty as empty), one sheet per CSV; the same run gives the same bytes; and the
//! folder holding it is still plansim's set, which a later run replaces.

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::read_csv;

fn run(config: &str, out: &Path, extra: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("run")
        .arg(root.join("configs").join(config))
        .args(["--trials", "50", "--users", "500", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{config}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The CSV files in `dir`, sorted.
fn csvs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    v.sort();
    v
}

/// Columns the workbook keeps as text whatever they hold.
const TEXT: [&str; 7] = [
    "plan", "kind", "segment", "option", "external", "input", "vs_plan",
];

#[test]
fn the_workbook_holds_every_csv_cell_for_cell() {
    for config in ["coding-agent.toml", "menu.toml"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run(config, &out, &["--xlsx"]);
        let mut wb: Xlsx<_> = open_workbook(out.join("results.xlsx")).unwrap();
        let files = csvs(&out);
        let mut sheets = wb.sheet_names();
        sheets.sort();
        let stems: Vec<String> = files.iter().map(|f| f.replace(".csv", "")).collect();
        assert_eq!(sheets, stems, "{config}: one sheet per CSV");
        if config == "menu.toml" {
            assert!(stems.iter().any(|s| s == "choices"), "{stems:?}");
        }
        let mut numbers = 0;
        for file in &files {
            let (header, rows) = read_csv(&out.join(file));
            let range = wb.worksheet_range(&file.replace(".csv", "")).unwrap();
            assert_eq!(range.start(), Some((0, 0)));
            assert_eq!(range.height(), rows.len() + 1, "{config} {file}");
            assert_eq!(range.width(), header.len(), "{config} {file}");
            let cell = |r: usize, c: usize| range.get((r, c)).cloned().unwrap_or(Data::Empty);
            for (c, name) in header.iter().enumerate() {
                assert_eq!(cell(0, c), Data::String(name.clone()), "{file} header");
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    let got = cell(r + 1, c);
                    let at = format!("{config} {file} row {} column {}", r + 1, header[c]);
                    let parsed = text.parse::<f64>().ok().filter(|x| x.is_finite());
                    match (&got, parsed) {
                        (Data::Empty, _) => assert!(text.is_empty(), "{at}: {text:?} lost"),
                        (Data::Float(x), Some(want)) => {
                            assert_eq!(x.to_bits(), want.to_bits(), "{at}: {x} for {text}");
                            numbers += 1;
                        }
                        (Data::String(s), _) => {
                            assert_eq!(s, text, "{at}");
                            assert!(
                                parsed.is_none() || TEXT.contains(&header[c].as_str()),
                                "{at}: the number {text} written as text"
                            );
                        }
                        other => panic!("{at}: {other:?} for {text:?}"),
                    }
                }
            }
        }
        assert!(numbers > 1000, "{config}: only {numbers} numbers");
    }
}

#[test]
fn the_same_run_gives_the_same_workbook_and_a_later_run_replaces_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run("minimal.toml", &out, &["--xlsx"]);
    let first = std::fs::read(out.join("results.xlsx")).unwrap();
    let manifest = std::fs::read_to_string(out.join(".plansim.manifest")).unwrap();
    assert!(manifest.ends_with("file results.xlsx\n"), "{manifest}");
    // Again into the same folder: replaced, with the same bytes.
    run("minimal.toml", &out, &["--xlsx"]);
    assert_eq!(std::fs::read(out.join("results.xlsx")).unwrap(), first);
    // Without --xlsx: the folder is replaced and the workbook goes with the old set.
    run("minimal.toml", &out, &[]);
    assert!(!out.join("results.xlsx").exists());
    // Nothing left beside the folder.
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["out"]);
}
