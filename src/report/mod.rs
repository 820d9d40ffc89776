//! report.html: one self-contained page drawn from the files of an output folder, for a
//! person to read and to paste from. It reads the files' texts (by column name, so extra
//! columns are ignored), never the engine, and draws each chart with plotters' SVG backend as
//! inline SVG: no script, no style sheet, font or image from anywhere else (the page's
//! Content-Security-Policy forbids every request), and nothing that depends on when or where
//! it was made, so the same files always give the same bytes.
//!
//! Sections, each only when its file is there: the summary table (summary.csv); per plan the
//! profit distribution and the CDFs of all plans (trials.csv); profit per user by demand
//! decile (deciles.csv); monthly profit bands (monthly.csv); the tornado of sensitivity
//! (sensitivity.csv); choice shares by segment (choices.csv, menu mode); and for a sweep
//! (sweep.csv), each plan's profit_p50 and profit_p05 against the swept value with their
//! confidence bands. A sweep's other sections show one point in detail
//! ([`detail_folder`]).
//!
//! `plansim fit --report`'s fit_report.html ([`render_fit`]) is drawn the same way from what
//! the fit found.

mod chart;
mod choices;
mod deciles;
mod distribution;
mod fit;
#[cfg(test)]
mod fit_tests;
mod monthly;
mod page;
mod summary;
mod sweep;
mod table;
#[cfg(test)]
mod tests;
mod tornado;

pub use fit::{FIT_FILE_NAME, render_fit};
use table::Table;

/// The report's file name in an output folder.
pub const FILE_NAME: &str = "report.html";

/// The files of a run (or of one point of a sweep) that the report reads, when present.
pub const RUN_FILES: [&str; 7] = [
    "run.json",
    "summary.csv",
    "trials.csv",
    "deciles.csv",
    "monthly.csv",
    "sensitivity.csv",
    "choices.csv",
];

/// The files at the top of a sweep's folder that the report reads.
pub const SWEEP_FILES: [&str; 2] = ["sweep.csv", "compare.csv"];

/// Why a report could not be made: a file that is not what plansim writes (a missing column,
/// a cell that is not a number, no summary.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError(pub String);

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReportError {}

/// One section of the page.
struct Section {
    /// Anchor and CSS id.
    id: &'static str,
    /// Heading (plain text; escaped when written).
    title: String,
    /// How to read it (HTML written here, never from a file).
    intro: String,
    /// Tables and charts (HTML, every text from a file escaped).
    body: String,
}

/// The folder, relative to the output folder, whose run files the report shows in detail:
/// `None` for a plain run (the folder itself); for a sweep (`files` holds `sweep.csv`), the
/// baseline point's folder `points/NNN/`, the point compare.csv compares every row with when
/// it names one for all (`--baseline-point K`, default 1), else point 1.
///
/// # Errors
/// A compare.csv that cannot be read.
pub fn detail_folder(files: &[(String, String)]) -> Result<Option<String>, ReportError> {
    if get(files, "sweep.csv").is_none() {
        return Ok(None);
    }
    let mut point = 1;
    if let Some(text) = get(files, "compare.csv") {
        let t = Table::parse("compare.csv", text)?;
        if let Some(col) = t.find("vs_point") {
            let seen = t.distinct(col);
            if let [only] = seen.as_slice()
                && let Ok(k) = only.trim().parse::<u64>()
                && k >= 1
            {
                point = k;
            }
        }
    }
    Ok(Some(format!("points/{point:03}/")))
}

/// The report page for the output files `files`: (path relative to the output folder, text),
/// such as `("summary.csv", ..)` or, in a sweep, `("sweep.csv", ..)` and
/// `("points/001/trials.csv", ..)`. Reads what it finds: summary.csv (of the
/// [`detail_folder`] in a sweep) is required, every other file adds its section.
///
/// # Errors
/// No summary.csv; a file without a column its section needs, or with a cell that should be
/// a number and is not.
pub fn render(files: &[(String, String)]) -> Result<String, ReportError> {
    let prefix = detail_folder(files)?.unwrap_or_default();
    let at = |name: &str| {
        let path = format!("{prefix}{name}");
        get(files, &path).map(|text| Table::parse(&path, text))
    };
    let summary = at("summary.csv")
        .ok_or_else(|| ReportError(format!("no {prefix}summary.csv to report on")))??;
    let plan_col = summary.col("plan")?;
    let plans = summary.distinct(plan_col);
    let mut sections = Vec::new();
    if let Some(text) = get(files, "sweep.csv") {
        sections.push(sweep::section(&Table::parse("sweep.csv", text)?)?);
    }
    sections.push(summary::section(&summary)?);
    if let Some(t) = at("trials.csv") {
        sections.extend(distribution::sections(&t?, &plans)?);
    }
    if let Some(t) = at("deciles.csv") {
        sections.push(deciles::section(&t?, &plans)?);
    }
    if let Some(t) = at("monthly.csv") {
        sections.push(monthly::section(&t?, &plans)?);
    }
    if let Some(t) = at("sensitivity.csv") {
        sections.push(tornado::section(&t?, &plans)?);
    }
    if let Some(t) = at("choices.csv") {
        sections.push(choices::section(&t?, &plans)?);
    }
    let run_json = get(files, &format!("{prefix}run.json"));
    Ok(page::page(
        &page::heading(run_json, &prefix, &plans),
        &sections,
    ))
}

/// The text of the file `path` among `files`.
fn get<'a>(files: &'a [(String, String)], path: &str) -> Option<&'a str> {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
}

/// `text` for HTML (text or a quoted attribute): `& < > " '` as references, control
/// characters as visible escapes (as the terminal shows them).
pub(crate) fn html(text: &str) -> String {
    let text = crate::error::escaped(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The values of column `col` of `t` on the rows whose `plan` is `plan`, with the row
/// numbers: (row, value), empty cells left out.
fn plan_values(
    t: &Table,
    plan: &str,
    plan_col: usize,
    col: usize,
) -> Result<Vec<(usize, f64)>, ReportError> {
    let mut out = Vec::new();
    for row in 0..t.rows.len() {
        if t.text(row, plan_col) == plan
            && let Some(v) = t.num(row, col)?
        {
            out.push((row, v));
        }
    }
    Ok(out)
}

/// The plans of a per-plan file, in the order of summary.csv's rows, then any others in the
/// file's order.
fn plans_in(t: &Table, plan_col: usize, plans: &[String]) -> Vec<String> {
    let found = t.distinct(plan_col);
    let mut out: Vec<String> = plans
        .iter()
        .filter(|p| found.contains(p))
        .cloned()
        .collect();
    out.extend(found.into_iter().filter(|p| !plans.contains(p)));
    out
}

/// The colour index of `plan`: its row in summary.csv (others after them).
fn plan_index(plans: &[String], plan: &str) -> usize {
    plans.iter().position(|p| p == plan).unwrap_or(plans.len())
}
