//! What a sweep writes at the top of its folder besides compare.csv: sweep.csv, the decision
//! table (`point`, one column per swept path, then every summary.csv column, copied cell for
//! cell from each point's own summary.csv), and run.json describing the sweep (each point's
//! folder has its own run.json with its scenario).

use std::io::{self, Write};

use serde::Serialize;

use super::run_json::rfc3339_utc;
use super::set::point_folder;
use super::{Report, csv_writer};

/// File name of the decision table.
pub const FILE: &str = "sweep.csv";

/// sweep.csv's bytes from the swept `paths` and, per point in order, its values (as
/// [`crate::Point::values`]) and its summary.csv text: for each point and each row of its
/// summary.csv, `point` (1-based), the values, then that row's cells.
///
/// # Errors
/// A summary.csv that cannot be read back, or whose header differs from the first point's.
pub fn render(paths: &[String], points: &[(&[String], &[u8])]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    let mut header: Option<csv::StringRecord> = None;
    for (i, (values, summary)) in points.iter().enumerate() {
        let mut r = csv::ReaderBuilder::new().from_reader(*summary);
        let this = r.headers().map_err(io::Error::other)?.clone();
        match &header {
            None => {
                let mut h: Vec<&str> = vec!["point"];
                h.extend(paths.iter().map(String::as_str));
                h.extend(this.iter());
                w.write_record(&h)?;
                header = Some(this);
            }
            Some(first) if *first != this => {
                return Err(io::Error::other(format!(
                    "point {}: summary.csv's columns differ from point 1's",
                    i + 1
                )));
            }
            Some(_) => {}
        }
        for record in r.records() {
            let record = record.map_err(io::Error::other)?;
            let point = (i + 1).to_string();
            let mut row: Vec<&str> = vec![&point];
            row.extend(values.iter().map(String::as_str));
            row.extend(record.iter());
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    drop(w);
    Ok(out)
}

#[derive(Serialize)]
struct SweepInfo<'a> {
    plansim_version: &'static str,
    config: &'a str,
    /// The seed when every point has the same (else each point's run.json has its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    rng: &'a str,
    threads: usize,
    block_users: u64,
    started_at: String,
    wall_seconds: f64,
    sweep: Sweep<'a>,
}

#[derive(Serialize)]
struct Sweep<'a> {
    paths: &'a [String],
    points: Vec<PointInfo<'a>>,
}

#[derive(Serialize)]
struct PointInfo<'a> {
    point: usize,
    folder: String,
    values: &'a [String],
    trials: u64,
    users: u64,
    months: u32,
}

/// The sweep's run.json: version, config, seed (when shared by every point), generator,
/// threads, start and wall time (of the whole sweep), and the swept paths with each point's
/// number, folder, values and size. `points` holds each point's values and report in order.
///
/// # Errors
/// A serialisation error (none expected).
pub fn run_json(paths: &[String], points: &[(&[String], &Report<'_>)]) -> io::Result<Vec<u8>> {
    let (_, first) = points
        .first()
        .ok_or_else(|| io::Error::other("no points"))?;
    let seed = first.scenario.simulation.seed;
    let shared = points
        .iter()
        .all(|(_, r)| r.scenario.simulation.seed == seed);
    let info = SweepInfo {
        plansim_version: env!("CARGO_PKG_VERSION"),
        config: &first.config_path,
        seed: shared.then_some(seed),
        rng: &first.results.provenance.rng,
        threads: first.threads,
        block_users: first.results.provenance.block_users,
        started_at: rfc3339_utc(first.started_at),
        wall_seconds: first.wall_seconds,
        sweep: Sweep {
            paths,
            points: points
                .iter()
                .enumerate()
                .map(|(i, (values, r))| PointInfo {
                    point: i + 1,
                    folder: point_folder(i + 1),
                    values,
                    trials: r.scenario.simulation.trials,
                    users: r.scenario.simulation.users,
                    months: r.scenario.simulation.months,
                })
                .collect(),
        },
    };
    let mut out = serde_json::to_vec_pretty(&info).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    Ok(out)
}

/// The cells of a point's summary.csv, row by row (header left out), as written: what the
/// stdout table ranks by, so that it ranks exactly what summary.csv says.
///
/// # Errors
/// A write error (none in memory).
pub fn summary_cells(report: &Report<'_>) -> io::Result<Vec<Vec<String>>> {
    let text = super::render(&super::summary::Summary, report)?;
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_slice());
    r.records()
        .map(|rec| {
            rec.map(|rec| rec.iter().map(String::from).collect())
                .map_err(io::Error::other)
        })
        .collect()
}
