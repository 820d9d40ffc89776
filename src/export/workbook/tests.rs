//! The workbook read back with calamine: sheet names and order, numbers as numbers, text as
//! text, empty cells empty, split tables, charts, and the same bytes from the same tables.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use super::{WorkbookError, build, build_with};

/// Each sheet's name and cells (rows of the used range, from A1).
fn read_back(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name}");
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

const SUMMARY: &str = "plan,kind,trials,profit_mean,profit_p05,profit_p50,profit_p95,\
prob_loss,margin_p50,cost_to_retail\n\
pro,flat,3,10.5,-2,10,20.25,0.1,,0.5\n\
max,flat,3,-1,-3,-1,1,1,-0.2,1.25\n";

const DECILES: &str = "plan,decile,users,profit_per_user,share_of_profit\n\
pro,1,10,1,0.5\npro,2,10,1,0.5\nmax,1,10,-2,\nmax,2,10,0,\n";

#[test]
fn cells_read_back_as_the_csv_says_numbers_text_and_empty() {
    let bytes = build(&files(&[("summary.csv", SUMMARY)])).unwrap();
    let sheets = read_back(&bytes);
    assert_eq!(sheets.len(), 1);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "summary");
    let s = |t: &str| Data::String(t.into());
    let f = Data::Float;
    assert_eq!(rows[0][0], s("plan"));
    assert_eq!(rows[0][9], s("cost_to_retail"));
    assert_eq!(
        rows[1],
        vec![
            s("pro"),
            s("flat"),
            f(3.0),
            f(10.5),
            f(-2.0),
            f(10.0),
            f(20.25),
            f(0.1),
            Data::Empty,
            f(0.5)
        ]
    );
    assert_eq!(rows[2][8], f(-0.2));
}

#[test]
fn a_column_holding_words_stays_text_and_a_plan_named_by_digits_is_text() {
    let csv = "point,market.mode,plan,profit_mean\n1,menu,100,5\n2,each,100,6\n";
    let sheets = read_back(&build(&files(&[("sweep.csv", csv)])).unwrap());
    let rows = &sheets[0].1;
    assert_eq!(rows[1][0], Data::Float(1.0));
    assert_eq!(rows[1][1], Data::String("menu".into()));
    assert_eq!(rows[1][2], Data::String("100".into()));
    assert_eq!(rows[2][3], Data::Float(6.0));
}

#[test]
fn sheets_are_ordered_and_named_top_level_first_then_each_point() {
    let given = files(&[
        ("points/002/summary.csv", SUMMARY),
        ("points/001/deciles.csv", DECILES),
        ("compare.csv", "point,plan\n1,pro\n"),
        ("points/001/summary.csv", SUMMARY),
        ("sweep.csv", "point\n1\n"),
        ("run.json", "{}"),
    ]);
    let names: Vec<String> = read_back(&build(&given).unwrap())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "sweep",
            "compare",
            "p001 summary",
            "p001 deciles",
            "p002 summary"
        ]
    );
}

#[test]
fn a_table_over_the_row_limit_continues_on_numbered_sheets_each_with_the_header() {
    let mut csv = String::from("trial,plan,profit\n");
    for t in 0..25 {
        csv.push_str(&format!("{t},pro,{}.5\n", t * 10));
    }
    let given = files(&[("trials.csv", &csv), ("summary.csv", SUMMARY)]);
    // 10 rows per sheet: the header and 9 data rows.
    let sheets = read_back(&build_with(&given, 10).unwrap());
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["summary", "trials", "trials (2)", "trials (3)"]);
    let mut trial = 0;
    for (_, rows) in &sheets[1..] {
        assert!(rows.len() <= 10);
        assert_eq!(rows[0][2], Data::String("profit".into()));
        for row in &rows[1..] {
            assert_eq!(row[0], Data::Float(f64::from(trial)));
            assert_eq!(row[2], Data::Float(f64::from(trial * 10) + 0.5));
            trial += 1;
        }
    }
    assert_eq!(trial, 25);
    assert_eq!(
        sheets[1..].iter().map(|(_, r)| r.len()).collect::<Vec<_>>(),
        [10, 10, 8]
    );
    // Exactly full: no empty extra sheet.
    let nine: String = csv.lines().take(10).collect::<Vec<_>>().join("\n") + "\n";
    let sheets = read_back(&build_with(&files(&[("trials.csv", &nine)]), 10).unwrap());
    assert_eq!(sheets.len(), 1);
}

#[test]
fn the_same_tables_give_the_same_bytes_in_any_order() {
    let a = files(&[("summary.csv", SUMMARY), ("deciles.csv", DECILES)]);
    let b = files(&[("deciles.csv", DECILES), ("summary.csv", SUMMARY)]);
    let first = build(&a).unwrap();
    assert_eq!(first, build(&a).unwrap());
    assert_eq!(first, build(&b).unwrap());
    // The creation date is the fixed one, not today.
    let changed = build(&files(&[("summary.csv", &SUMMARY.replace("10.5", "10.6"))])).unwrap();
    assert_ne!(first, changed);
}

/// The parts of the zip file `bytes`, as (name, text).
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            // Every part carries the zip format's fixed time, not the time of writing.
            assert_eq!(part.last_modified(), Some(zip::DateTime::default()));
            let mut text = String::new();
            std::io::Read::read_to_string(&mut part, &mut text).unwrap();
            (part.name().unwrap().to_string(), text)
        })
        .collect()
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    let found = parts.iter().find(|(n, _)| n == name);
    &found.unwrap_or_else(|| panic!("no {name}")).1
}

#[test]
fn the_creation_date_and_the_zip_times_are_fixed() {
    let parts = unzip(&build(&files(&[("summary.csv", SUMMARY)])).unwrap());
    let core = part(&parts, "docProps/core.xml");
    for tag in ["created", "modified"] {
        let want = format!(r#"<dcterms:{tag} xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z<"#);
        assert!(core.contains(&want), "{core}");
    }
}

#[test]
fn money_and_share_columns_get_their_formats_and_counts_none() {
    let parts = unzip(&build(&files(&[("summary.csv", SUMMARY)])).unwrap());
    let styles = part(&parts, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="$#,##0.00""#), "{styles}");
    assert!(styles.contains(r#"formatCode="0.0%""#), "{styles}");
    let sheet = part(&parts, "xl/worksheets/sheet1.xml");
    let style = |cell: &str| {
        let at = sheet.find(&format!(r#"<c r="{cell}""#)).unwrap();
        let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
        tag.split_once(" s=\"")
            .map(|(_, s)| s[..s.find('"').unwrap()].to_string())
    };
    // trials (C) plain; profit_mean (D) and profit_p05 (E) money; prob_loss (H) and
    // margin_p50 (I, row 3) percent; cost_to_retail (J) plain.
    assert_eq!(style("C2"), None);
    assert_eq!(style("J2"), None);
    assert!(style("D2").is_some());
    assert_eq!(style("D2"), style("E2"));
    assert!(style("H2").is_some());
    assert_eq!(style("H2"), style("I3"));
    assert_ne!(style("D2"), style("H2"));
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    assert!(sheet.contains(r#"<autoFilter ref="A1:J3"/>"#), "{sheet}");
}

#[test]
fn summary_and_deciles_sheets_carry_charts_over_their_own_cells() {
    let given = files(&[
        ("summary.csv", SUMMARY),
        ("deciles.csv", DECILES),
        ("points/001/summary.csv", SUMMARY),
    ]);
    let parts = unzip(&build(&given).unwrap());
    // summary: profit_p05..profit_p95 are E..G; a line per plan.
    let summary = part(&parts, "xl/charts/chart1.xml");
    assert!(summary.contains("<c:lineChart>"), "{summary}");
    for range in [
        "summary!$E$1:$G$1",
        "summary!$E$2:$G$2",
        "summary!$E$3:$G$3",
    ] {
        assert!(summary.contains(range), "{range} in {summary}");
    }
    // deciles: profit_per_user is D; one series per plan's consecutive rows.
    let deciles = part(&parts, "xl/charts/chart2.xml");
    assert!(deciles.contains("<c:barChart>"), "{deciles}");
    for range in [
        "deciles!$B$2:$B$3",
        "deciles!$D$2:$D$3",
        "deciles!$D$4:$D$5",
    ] {
        assert!(deciles.contains(range), "{range} in {deciles}");
    }
    let point = part(&parts, "xl/charts/chart3.xml");
    assert!(point.contains("'p001 summary'!$E$2:$G$2"), "{point}");
    let none = unzip(&build(&files(&[("trials.csv", "trial,profit\n0,1\n")])).unwrap());
    assert!(!none.iter().any(|(n, _)| n.starts_with("xl/charts/")));
}

#[test]
fn a_file_that_is_not_a_table_is_an_error_naming_it() {
    let err = build(&files(&[("summary.csv", "a,b\n1\n")])).unwrap_err();
    assert!(matches!(err, WorkbookError::Csv { .. }), "{err}");
    assert!(err.to_string().starts_with("summary.csv"), "{err}");
}
