//! What `plansim run` and `plansim merge` do once they hold every point's results: refuse
//! non-finite results (naming the point), compare (compare.csv), build the output set, the
//! stdout table, and write the set into the claimed folder (report.html and results.xlsx
//! derived from it when asked). A merge adds its shards to run.json ([`Finish::run_json_extra`]).

use std::path::Path;
use std::time::SystemTime;

use super::{common, decide, print};
use crate::analysis::{compare, summary};
use crate::error::Error;
use crate::export::set::{Content, Derive};
use crate::export::{self, Outcome, OutputFolder, PointReport, Report, RunSet};
use crate::model::Scenario;
use crate::results::RunResults;

/// Everything the outputs are written from.
pub(super) struct Finish<'a> {
    /// How the config is named in messages and run.json.
    pub config_name: String,
    /// The swept paths (empty without a sweep).
    pub paths: Vec<String>,
    /// Each point's swept values.
    pub values: Vec<Vec<String>>,
    /// Each point's scenario.
    pub scns: &'a [Scenario],
    /// Each point's results over every trial.
    pub results: &'a [RunResults],
    /// Worker threads (run.json).
    pub threads: usize,
    /// Simulation wall time (run.json).
    pub wall_seconds: f64,
    /// Start time (run.json).
    pub started_at: SystemTime,
    /// `--baseline` and `--rank-by`, resolved.
    pub decide: &'a decide::Decide,
    /// The output folder, as given.
    pub out: &'a Path,
    /// report.html and results.xlsx, when asked.
    pub derived: Option<Derive<'static>>,
    /// A key and value added at the end of run.json's top object.
    pub run_json_extra: Option<(&'static str, serde_json::Value)>,
}

/// Writes the outputs into `folder`; returns the table for stdout and what was replaced.
///
/// # Errors
/// Non-finite results ([`Error::Overflow`]), a file that cannot be rendered or written, an
/// interruption.
pub(super) fn finish(
    f: Finish<'_>,
    folder: OutputFolder,
    interrupted: &dyn Fn(i32) -> Error,
) -> Result<(String, Option<String>), Error> {
    let sweep = !f.paths.is_empty();
    let mut summaries = Vec::with_capacity(f.scns.len());
    for (i, (scn, res)) in f.scns.iter().zip(f.results).enumerate() {
        let rows = summary::summarize(scn, res);
        // The results' plan index is the row index of the per-plan outputs.
        let names = scn.rows();
        let overflowed = res.non_finite_plan().map(|p| names[p].0).or_else(|| {
            rows.iter()
                .find(|s| !s.is_finite())
                .map(|s| s.plan.as_str())
        });
        if let Some(plan) = overflowed {
            let at = if sweep {
                format!(" at point {}", i + 1)
            } else {
                String::new()
            };
            return Err(Error::Overflow {
                config: f.config_name.clone(),
                plan: format!("{plan}{at}"),
            });
        }
        summaries.push(rows);
    }
    let compared = f.decide.baseline.as_ref().map(|b| {
        let points: Vec<_> = f.scns.iter().zip(f.results).collect();
        compare::compare(&points, b)
    });
    let run = RunSet {
        paths: f.paths.clone(),
        points: f
            .scns
            .iter()
            .zip(f.results)
            .zip(&summaries)
            .zip(f.values)
            .map(|(((scn, res), sums), values)| PointReport {
                values,
                report: Report {
                    scenario: scn,
                    results: res,
                    summaries: sums,
                    config_path: f.config_name.clone(),
                    threads: f.threads,
                    wall_seconds: f.wall_seconds,
                    started_at: f.started_at,
                },
            })
            .collect(),
        compare: compared,
    };
    let table = common::stdout_table(&run, f.decide)?;
    // Read before the old outputs are replaced: the notice printed once the new ones are in.
    let replaced = common::previous_run(f.out);
    let mut files = run.files().map_err(|e| Error::io(f.out, e))?;
    if let Some((key, value)) = &f.run_json_extra
        && let Some(file) = files.iter_mut().find(|file| file.path == "run.json")
    {
        let bytes = match &file.content {
            Content::Bytes(b) => b.clone(),
            Content::Export(ex, report) => {
                export::render(ex.as_ref(), report).map_err(|e| Error::io(f.out, e))?
            }
        };
        file.content = Content::Bytes(with_key(&bytes, key, value)?);
    }
    match folder.write_set(files, f.derived, crate::interrupt::flag())? {
        Outcome::Stopped => {
            return Err(interrupted(crate::interrupt::requested().unwrap_or(2)));
        }
        Outcome::Replaced(warnings) => print::stderr_lines(&warnings),
    }
    Ok((table, replaced))
}

/// Pretty JSON text of an object with `"key": value` added at its end, indented as
/// serde_json's pretty printer does.
fn with_key(json: &[u8], key: &str, value: &serde_json::Value) -> Result<Vec<u8>, Error> {
    let bad = || Error::System("run.json: not an object".into());
    let text = std::str::from_utf8(json).map_err(|_| bad())?.trim_end();
    let body = text.strip_suffix('}').ok_or_else(bad)?.trim_end();
    let rendered = serde_json::to_string_pretty(value)
        .map_err(|e| Error::System(format!("run.json: {e}")))?
        .replace('\n', "\n  ");
    let key = serde_json::to_string(key).map_err(|e| Error::System(format!("run.json: {e}")))?;
    let sep = if body.ends_with('{') { "" } else { "," };
    Ok(format!("{body}{sep}\n  {key}: {rendered}\n}}\n").into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_is_added_at_the_end_of_a_pretty_object() {
        let v = serde_json::json!({"a": 1, "b": [1, 2]});
        let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        let extra = serde_json::json!([{"k": 1}]);
        let out = super::with_key(text.as_bytes(), "shards", &extra).unwrap();
        let mut want = v.clone();
        want["shards"] = extra;
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, serde_json::to_string_pretty(&want).unwrap() + "\n");
    }
}
