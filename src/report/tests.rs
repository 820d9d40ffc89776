//! Unit tests of the report on small hand-made files: same bytes every time, names escaped,
//! every section drawn from its file, nothing that would make a request.

use super::distribution::{MAX_BINS, MAX_CDF_POINTS, bins, cdf_points};
use super::{ReportError, detail_folder, render};

const ODD: &str = "x<&>\"y'";

fn summary(extra: &str) -> String {
    format!(
        "plan,kind,subscribers_mean,revenue_mean,profit_mean,profit_p05,profit_p50,profit_p95,\
         prob_loss,cvar_05,margin_p50,loss_user_share,profit_per_user,zzz{extra}\n\
         {ODD},flat,100,2000,1500,6,51,96,0,5,0.75,0.1,15,ignored\n\
         pro,flat,100,3000,-500,-900,-500,-100,0.9,-950,,0.6,-5,ignored\n"
    )
}

/// Trials 0..=100 with profit t + 1 on the odd plan (p05 6, p50 51, p95 96) and -t on pro.
fn trials() -> String {
    let mut s = String::from("trial,plan,revenue,profit,cost.annual_decline\n");
    for t in 0..=100 {
        s.push_str(&format!("{t},{ODD},1,{},0.5\n", t + 1));
        s.push_str(&format!("{t},pro,1,-{t},0.5\n"));
    }
    s
}

fn deciles() -> String {
    let mut s = String::from("plan,decile,users,profit_per_user,share_of_profit\n");
    for d in 1..=10 {
        s.push_str(&format!("{ODD},{d},10,{},0.1\n", 11 - d));
        s.push_str(&format!("pro,{d},10,{},0.1\n", 5 - d));
    }
    s
}

fn monthly() -> String {
    let mut s =
        String::from("plan,month,active_users,profit_mean,profit_p05,profit_p50,profit_p95\n");
    for m in 0..12 {
        s.push_str(&format!("{ODD},{m},100,10,5,10,15\n"));
        s.push_str(&format!("pro,{m},100,-1,-8,-1,4\n"));
    }
    s
}

const SENSITIVITY: &str = "plan,input,spearman,variance_share\n\
    pro,cost.annual_decline,-0.8,0.64\npro,segment.power.share,0.6,0.36\n";

fn choices() -> String {
    format!(
        "option,kind,external,segment,chosen_at_start_mean,share_of_segment\n\
         {ODD},flat,false,casual,10,0.25\n{ODD},flat,false,heavy,10,0.5\n\
         rival,flat,true,casual,10,0.25\nrival,flat,true,heavy,10,0.25\n\
         none,none,false,casual,10,0.5\nnone,none,false,heavy,10,0.25\n"
    )
}

const RUN_JSON: &str = r#"{"plansim_version": "0.1.0", "seed": 7, "trials": 101,
    "users": 100, "months": 12, "started_at": "2026-11-29T13:18:05Z",
    "scenario": {"name": "tiny<script>", "description": "a & b"}}"#;

/// A menu-mode run's folder (every file the report reads), under `prefix`.
fn run_files(prefix: &str) -> Vec<(String, String)> {
    [
        ("summary.csv", summary("")),
        ("trials.csv", trials()),
        ("deciles.csv", deciles()),
        ("monthly.csv", monthly()),
        ("sensitivity.csv", SENSITIVITY.to_string()),
        ("choices.csv", choices()),
        ("run.json", RUN_JSON.to_string()),
    ]
    .into_iter()
    .map(|(n, t)| (format!("{prefix}{n}"), t))
    .collect()
}

fn sweep_csv(ci: bool) -> String {
    let ci_head = if ci {
        ",profit_p05_lo,profit_p05_hi,profit_p50_lo,profit_p50_hi"
    } else {
        ""
    };
    let mut s = format!("point,plan.pro.price,plan,kind,profit_p05,profit_p50{ci_head}\n");
    for (k, price) in [10, 20, 30].into_iter().enumerate() {
        for plan in [ODD, "pro"] {
            let p50 = price * 100;
            let cells = if ci {
                format!(",{},{},{},{}", p50 - 300, p50 - 100, p50 - 50, p50 + 50)
            } else {
                String::new()
            };
            s.push_str(&format!(
                "{},{price},{plan},flat,{},{p50}{cells}\n",
                k + 1,
                p50 - 200
            ));
        }
    }
    s
}

/// How plotters writes a text element's content.
fn svg_text(content: &str) -> String {
    format!(">\n{content}\n</text>")
}

/// The `<section>` with id `id`, if the page has it.
fn section<'a>(page: &'a str, id: &str) -> Option<&'a str> {
    let start = page.find(&format!("<section id=\"{id}\">"))?;
    let end = page[start..].find("</section>")? + start;
    Some(&page[start..end])
}

#[test]
fn the_same_files_give_the_same_bytes() {
    let files = run_files("");
    let a = render(&files).unwrap();
    assert_eq!(a, render(&files).unwrap());
    // Nothing of when it was made: run.json's start time is not shown.
    assert!(!a.contains("2026-11-29"), "{a}");
}

#[test]
fn names_from_files_are_escaped_everywhere() {
    let page = render(&run_files("")).unwrap();
    assert!(!page.contains("x<&>"), "a raw plan name");
    assert!(!page.contains("<script"), "a raw scenario name");
    assert!(page.contains("tiny&lt;script&gt;"));
    assert!(page.contains("a &amp; b"));
    // In the table (HTML) and in the charts' text (SVG).
    let table = section(&page, "summary").unwrap();
    assert!(table.contains("x&lt;&amp;&gt;&quot;y&#39;"), "{table}");
    let chart = section(&page, "distribution").unwrap();
    assert!(chart.contains("x&lt;&amp;&gt;&quot;y&apos;"), "{chart}");
}

#[test]
fn control_characters_in_names_are_shown_as_escapes() {
    let mut files = run_files("");
    for (_, text) in &mut files {
        *text = text.replace(ODD, "bad\u{1b}[31mname");
    }
    let page = render(&files).unwrap();
    assert!(!page.contains('\u{1b}'));
    assert!(page.contains("bad\\u{1b}[31mname"));
}

#[test]
fn every_section_of_a_menu_run_is_there_with_its_chart() {
    let page = render(&run_files("")).unwrap();
    for id in [
        "distribution",
        "cdf",
        "deciles",
        "monthly",
        "sensitivity",
        "choices",
    ] {
        let s = section(&page, id).unwrap_or_else(|| panic!("no section {id}"));
        assert!(s.contains("<svg"), "{id} has no chart");
        assert!(
            page.contains(&format!("<a href=\"#{id}\">")),
            "{id} not listed"
        );
    }
    let table = section(&page, "summary").unwrap();
    assert_eq!(table.matches("<tr>").count(), 3, "header and two plans");
    assert!(table.contains("$1,500") && table.contains("-$500") && table.contains("75%"));
    assert!(section(&page, "sweep").is_none());
    // Choices in the order of the file, `none` included; inputs by name.
    let choices = section(&page, "choices").unwrap();
    assert!(
        choices.contains(&svg_text("rival"))
            && choices.contains(&svg_text("none"))
            && choices.contains(&svg_text("heavy"))
    );
    let tornado = section(&page, "sensitivity").unwrap();
    assert!(
        tornado.contains(&svg_text("cost.annual_decline")) && tornado.contains(&svg_text("64%"))
    );
}

#[test]
fn the_histogram_marks_the_percentiles_of_its_trials() {
    let page = render(&run_files("")).unwrap();
    let hist = section(&page, "distribution").unwrap();
    // Profits 1..=101: p05 = 6, p50 = 51, p95 = 96 (linear interpolation, numpy's rule).
    for mark in ["p05 $6", "p50 $51", "p95 $96"] {
        assert!(hist.contains(&svg_text(mark)), "{mark}");
    }
    // pro's profits 0, -1, ..., -100.
    for mark in ["p05 -$95", "p50 -$50", "p95 -$5"] {
        assert!(hist.contains(&svg_text(mark)), "{mark}");
    }
}

#[test]
fn only_the_files_present_make_sections() {
    let files: Vec<_> = run_files("")
        .into_iter()
        .filter(|(n, _)| n == "summary.csv")
        .collect();
    let page = render(&files).unwrap();
    assert!(section(&page, "summary").is_some());
    for id in [
        "distribution",
        "deciles",
        "monthly",
        "sensitivity",
        "choices",
        "sweep",
    ] {
        assert!(section(&page, id).is_none(), "{id}");
    }
    assert!(page.contains("<h1>plansim report</h1>"));
}

#[test]
fn a_sweep_shows_its_table_and_one_point_in_detail() {
    let mut files = run_files("points/002/");
    files.extend(run_files("points/001/"));
    files.push(("sweep.csv".into(), sweep_csv(true)));
    files.push((
        "compare.csv".into(),
        "point,plan,vs_point,vs_plan\n1,pro,2,pro\n3,pro,2,pro\n".into(),
    ));
    assert_eq!(
        detail_folder(&files).unwrap().as_deref(),
        Some("points/002/")
    );
    let page = render(&files).unwrap();
    let sweep = section(&page, "sweep").unwrap();
    assert!(page.find("id=\"sweep\"") < page.find("id=\"summary\""));
    // A chart per plan and metric, with the confidence band where the file has it.
    assert_eq!(sweep.matches("<svg").count(), 4);
    assert!(
        sweep.contains(&svg_text("pro: profit p50"))
            && sweep.contains(&svg_text("pro: profit p05"))
    );
    assert!(sweep.contains("95% confidence band") && sweep.contains("<polygon"));
    assert!(sweep.contains(&svg_text("plan.pro.price")) && sweep.contains(&svg_text("20")));
    assert!(page.contains("<code>points/002/</code>"));
    for id in [
        "summary",
        "distribution",
        "deciles",
        "monthly",
        "sensitivity",
        "choices",
    ] {
        assert!(section(&page, id).is_some(), "{id}");
    }
    // Without confidence columns: lines only.
    let plain: Vec<_> = files
        .iter()
        .map(|(n, t)| {
            let t = if n == "sweep.csv" {
                sweep_csv(false)
            } else {
                t.clone()
            };
            (n.clone(), t)
        })
        .collect();
    let sweep = render(&plain).unwrap();
    let sweep = section(&sweep, "sweep").unwrap();
    assert!(!sweep.contains("confidence band") && !sweep.contains("<polygon"));
}

/// A grid of `plan.pro.price` [10, 20, 30] x `plan.pro.cap` [100, 200] on `pro`, with a third
/// swept column, `plan.pro.fixed`, that holds one value (a sweep of a single value); p50 = price
/// x 100 + cap.
fn grid_csv() -> String {
    let mut s = String::from(
        "point,plan.pro.price,plan.pro.cap,plan.pro.fixed,plan,kind,profit_p05,profit_p50\n",
    );
    let mut point = 0;
    for price in [10, 20, 30] {
        for cap in [100, 200] {
            point += 1;
            let p50 = price * 100 + cap;
            s.push_str(&format!(
                "{point},{price},{cap},7,pro,flat,{},{p50}\n",
                p50 - 50
            ));
        }
    }
    s
}

#[test]
fn a_grid_of_two_paths_draws_the_first_on_x_and_a_line_per_value_of_the_second() {
    let mut files = run_files("points/001/");
    files.push(("sweep.csv".into(), grid_csv()));
    let page = render(&files).unwrap();
    let sweep = section(&page, "sweep").unwrap();
    // pro's p50 and p05: each with the price on x and a keyed line per cap, three points each.
    assert_eq!(sweep.matches("<svg").count(), 2);
    assert_eq!(sweep.matches(&svg_text("plan.pro.price")).count(), 2);
    for cap in ["plan.pro.cap=100", "plan.pro.cap=200"] {
        assert_eq!(sweep.matches(&svg_text(cap)).count(), 2, "{cap}");
    }
    assert_eq!(sweep.matches("<circle").count(), 2 * 2 * 3);
    // A swept column with one value is neither an axis nor a line.
    assert!(!sweep.contains("plan.pro.fixed="));
    assert!(sweep.contains("the first is on the x axis and each line is one combination"));
    // When the first swept path does not vary, the next one is the x axis, with one line.
    let one_price: String = grid_csv()
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some("20"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    files.pop();
    files.push(("sweep.csv".into(), one_price));
    let page = render(&files).unwrap();
    let sweep = section(&page, "sweep").unwrap();
    assert_eq!(sweep.matches(&svg_text("plan.pro.cap")).count(), 2);
    assert!(!sweep.contains(&svg_text("plan.pro.price")));
    assert!(sweep.contains(&svg_text("profit p50")));
    assert_eq!(sweep.matches("<circle").count(), 2 * 2);
}

#[test]
fn a_sweep_without_one_baseline_point_shows_point_one() {
    let mut files = run_files("points/001/");
    files.push(("sweep.csv".into(), sweep_csv(false)));
    assert_eq!(
        detail_folder(&files).unwrap().as_deref(),
        Some("points/001/")
    );
    files.push((
        "compare.csv".into(),
        "point,plan,vs_point,vs_plan\n1,pro,1,a\n2,pro,2,a\n".into(),
    ));
    assert_eq!(
        detail_folder(&files).unwrap().as_deref(),
        Some("points/001/")
    );
    assert!(render(&files).unwrap().contains("<code>points/001/</code>"));
    assert_eq!(detail_folder(&run_files("")).unwrap(), None);
}

#[test]
fn the_page_makes_no_request() {
    let mut files = run_files("");
    files.push(("sweep.csv".into(), sweep_csv(true)));
    files.push(("compare.csv".into(), "point,plan,vs_point\n".into()));
    files.extend(run_files("points/001/"));
    let page = render(&files).unwrap();
    let lower = page.to_lowercase();
    for bad in [
        "http:", "https:", "//", "src=", "url(", "@import", "<script", "<img", "<link",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    // Every request is forbidden to the browser too.
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

#[test]
fn files_that_are_not_plansims_are_errors_naming_them() {
    let err = |files: Vec<(String, String)>| render(&files).unwrap_err();
    assert_eq!(
        err(Vec::new()),
        ReportError("no summary.csv to report on".into())
    );
    let mut files = run_files("");
    files[2].1 = "plan,decile\npro,1\n".into();
    assert_eq!(err(files).0, "deciles.csv: no column `profit_per_user`");
    let mut files = run_files("");
    files[1].1 = "trial,plan,profit\n0,pro,lots\n".into();
    assert_eq!(
        err(files).0,
        "trials.csv: row 2, column `profit`: \"lots\" is not a number"
    );
    let mut files = run_files("");
    files[0].1 = "plan,kind\na,flat,extra\n".into();
    assert!(err(files).0.starts_with("summary.csv: "));
    let mut files = run_files("points/001/");
    files.push(("sweep.csv".into(), sweep_csv(false)));
    files.retain(|(n, _)| n != "points/001/summary.csv");
    assert_eq!(err(files).0, "no points/001/summary.csv to report on");
}

#[test]
fn histograms_and_cdfs_stay_small() {
    assert_eq!(bins(1), 5);
    assert_eq!(bins(200), 15);
    assert_eq!(bins(1_000_000), MAX_BINS);
    let sorted: Vec<f64> = (0..10_000).map(f64::from).collect();
    let pts = cdf_points(&sorted);
    assert_eq!(pts.len(), MAX_CDF_POINTS);
    assert_eq!(pts[0], (0.0, 1.0 / 10_000.0));
    assert_eq!(pts[MAX_CDF_POINTS - 1], (9_999.0, 1.0));
    assert!(pts.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
    assert_eq!(cdf_points(&[3.0, 4.0]), vec![(3.0, 0.5), (4.0, 1.0)]);
    // A page of 10,000 trials per plan stays well under a megabyte.
    let mut t = String::from("trial,plan,profit\n");
    for i in 0..10_000 {
        t.push_str(&format!("{i},pro,{}\n", (i * 7919 % 10_007) as f64 * 1.5));
    }
    let files = vec![
        ("summary.csv".into(), summary("")),
        ("trials.csv".into(), t),
    ];
    let page = render(&files).unwrap();
    assert!(page.len() < 400_000, "{} bytes", page.len());
}
