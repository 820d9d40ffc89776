//! `plansim run`: load the scenario's points (one, or a sweep's grid) with the command line's
//! overrides, check `--baseline`/`--rank-by`, sizes and the output folder, simulate every
//! point on common random numbers with one progress bar, refuse non-finite results (naming
//! the point), compare (compare.csv), write the outputs as one set (a sweep: sweep.csv,
//! compare.csv, run.json and `points/NNN/`; report.html with `--report`), print the table and
//! say which earlier results were replaced. With `--shard K/N`, the loaded points go to
//! [`super::shard`] instead, which runs the shard's trials into a shard folder.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::finish::{self, Finish};
use super::progress::progress_bar;
use super::{MAX_THREADS, best, decide, default_threads, field_args, print, table};
use crate::analysis::compare::Baseline;
use crate::analysis::precision;
use crate::cli::RunArgs;
use crate::config::Override;
use crate::error::Error;
use crate::export::{self, Report, RunSet};
use crate::model::Scenario;
use crate::{config, engine, interrupt};

/// The scenario's points as loaded from the command line, with what a shard records.
pub(super) struct Loaded {
    /// How the config is named in messages and run.json.
    pub config_name: String,
    /// The config text as read.
    pub text: String,
    /// `--set`, the size flags and `--precision`, in order.
    pub overrides: Vec<Override>,
    /// `--sweep`.
    pub sweeps: Vec<config::sweep::SweepArg>,
    /// The swept paths.
    pub paths: Vec<String>,
    /// Each point's swept values.
    pub values: Vec<Vec<String>>,
    /// Each point's scenario, `--seed` applied.
    pub scns: Vec<Scenario>,
    /// The data files read.
    pub data_files: Vec<PathBuf>,
}

/// Reads the scenario and its points with the command line's overrides, sweeps and seed.
fn load(args: &RunArgs) -> Result<Loaded, Error> {
    let config_name = config::source_name(&args.config);
    // --set in order, then the size flags and --precision, which win.
    let (mut overrides, sweeps) = field_args(&args.fields)?;
    overrides.extend(size_overrides(args));
    if let Some(p) = &args.precision {
        overrides.push(config::precision_override(p).map_err(Error::Usage)?);
    }
    let text = config::read_text(&args.config)?;
    let loaded = config::sweep::parse_points(&text, &config_name, &overrides, &sweeps)?;
    let (values, mut scns): (Vec<Vec<String>>, Vec<Scenario>) = loaded
        .points
        .into_iter()
        .map(|p| (p.values, p.scenario))
        .unzip();
    // Not an override: a TOML integer cannot hold every u64.
    if let Some(seed) = args.seed {
        for scn in &mut scns {
            scn.simulation.seed = seed;
        }
    }
    Ok(Loaded {
        config_name,
        text,
        overrides,
        sweeps,
        paths: loaded.paths,
        values,
        scns,
        data_files: loaded.data_files,
    })
}

/// `--threads`, checked, or all cores.
fn threads(args: &RunArgs) -> Result<usize, Error> {
    match args.threads {
        Some(0) => Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) if n > MAX_THREADS => Err(Error::Usage(format!(
            "--threads {n} is too many: at most {MAX_THREADS} (results do not depend on it)"
        ))),
        Some(n) => Ok(n),
        None => Ok(default_threads()),
    }
}

pub(super) fn run_scenario(args: &RunArgs) -> Result<(), Error> {
    let started_at = SystemTime::now();
    let split = super::shard::split(args)?;
    let Loaded {
        config_name,
        paths,
        values,
        mut scns,
        ..
    } = match split {
        Some(split) => {
            let loaded = load(args)?;
            print::stderr_lines(&loaded.scns[0].notes());
            let threads = threads(args)?;
            return super::shard::run_shard(args, split, loaded, threads, started_at);
        }
        None => load(args)?,
    };
    let sweep = !paths.is_empty();
    print::stderr_lines(&scns[0].notes());
    let threads = threads(args)?;
    let decide = decide::resolve(args, sweep, &scns)?;
    // Each point's own limits, then the whole sweep's work and memory.
    if let Some(problem) = engine::size_problem_points(&scns, threads) {
        return Err(Error::TooLarge {
            config: None,
            problem,
        });
    }
    // Claimed (checked, locked, leftovers repaired) before simulating. The default output/
    // folder is created if missing, and removed again if nothing is written into it.
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&scns[0].name));
    let mut notes = Vec::new();
    let claimed = export::OutputFolder::claim(&out, args.out.is_none(), &mut notes);
    print::stderr_lines(&notes);
    let folder = claimed?;
    interrupt::install().map_err(|e| Error::System(format!("cannot handle signals: {e}")))?;
    let interrupted = |signal| interrupted(&out, signal);
    let pool = pool(threads)?;
    let total = scns.iter().fold(0u64, |t, scn| {
        t.saturating_add(scn.simulation.trials.saturating_mul(scn.max_population()))
    });
    let bar = progress_bar(args.quiet, total);
    let started = Instant::now();
    let mut reached = None;
    let results = pool
        .install(|| {
            if let Some(p) = &scns[0].simulation.precision {
                // Batches until the target at every point; then the run is that of
                // `--trials N_used`.
                let run = precision::run_to_precision(&scns, p, &|n| bar.inc(n), interrupt::flag());
                return run.map(|r| {
                    r.map(|r| {
                        let max = scns[0].simulation.trials;
                        reached = Some((precision::describe(&r, p, max), r.trials_used));
                        r.results
                    })
                });
            }
            let opts = engine::RunOptions::default();
            let range = 0..scns[0].simulation.trials;
            engine::run_points(&scns, range, &opts, &|n| bar.inc(n), interrupt::flag())
        })
        // A drawn parameter out of range: the scenario's fault, though only a draw shows it.
        .map_err(|source| Error::Engine {
            config: config_name.clone(),
            source,
        })?;
    let wall_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let Some(results) = results else {
        return Err(interrupted(interrupt::requested().unwrap_or(2)));
    };
    let (precision_line, precision_warnings) = match reached {
        Some((said, used)) => {
            for scn in &mut scns {
                scn.simulation.trials = used;
            }
            said
        }
        None => Default::default(),
    };
    let finish = Finish {
        config_name,
        paths,
        values,
        scns: &scns,
        results: &results,
        threads,
        wall_seconds,
        started_at,
        decide: &decide,
        out: &out,
        derived: derived(args.report, args.xlsx),
        run_json_extra: None,
    };
    let (table, replaced) = finish::finish(finish, folder, &interrupted)?;
    print::stderr_lines(&precision_warnings);
    let sim = &scns[0].simulation;
    let points = if sweep {
        format!("{} points x ", scns.len())
    } else {
        String::new()
    };
    let line = format!(
        "{points}{} trials x {} users x {} months in {wall_seconds:.2} s on {threads} threads; \
         wrote {}\n",
        sim.trials,
        sim.users,
        sim.months,
        out.display()
    );
    print::stdout(&(table + &precision_line + &line + &replaced_line(&out, replaced)))
}

/// The notice that earlier outputs were replaced, if they were.
pub(super) fn replaced_line(out: &Path, replaced: Option<String>) -> String {
    replaced.map_or(String::new(), |previous| {
        format!(
            "Replaced the previous results in {} ({previous}).\n",
            out.display()
        )
    })
}

/// The error for a run stopped by `signal`, saying what of `out` was left.
pub(super) fn interrupted(out: &Path, signal: i32) -> Error {
    Error::Interrupted {
        signal,
        what: if out.exists() {
            format!("the outputs in {} are as they were", out.display())
        } else {
            format!("{} was not created", out.display())
        },
    }
}

/// The worker pool.
pub(super) fn pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::System(format!("cannot start {threads} threads: {e}")))
}

/// The files built from the texts of the set's files, written into the temporary folder after
/// the others and swapped in with them: report.html (`--report`) and results.xlsx (`--xlsx`).
pub(super) fn derived(report: bool, xlsx: bool) -> Option<export::set::Derive<'static>> {
    if !report && !xlsx {
        return None;
    }
    Some(Box::new(move |texts: &[(String, String)]| {
        let mut files = Vec::new();
        if report {
            let html = crate::report::render(texts).map_err(std::io::Error::other)?;
            files.push((crate::report::FILE_NAME.to_string(), html.into_bytes()));
        }
        if xlsx {
            let csvs: Vec<(String, String)> = texts
                .iter()
                .filter(|(path, _)| path.ends_with(".csv"))
                .cloned()
                .collect();
            let book = export::workbook::build(&csvs).map_err(std::io::Error::other)?;
            files.push(("results.xlsx".to_string(), book));
        }
        Ok(files)
    }))
}

/// The table printed after the run: a plain run's rows (ranked by `--rank-by`, the
/// `--baseline` flagged), or a sweep's best point per plan.
pub(super) fn stdout_table(run: &RunSet<'_>, decide: &decide::Decide) -> Result<String, Error> {
    let cells = |r: &Report<'_>| {
        export::summary_cells(r).map_err(|e| Error::System(format!("summary table: {e}")))
    };
    if run.is_sweep() {
        let views = run
            .points
            .iter()
            .map(|p| {
                Ok(best::PointView {
                    values: &p.values,
                    scenario: p.report.scenario,
                    summaries: p.report.summaries,
                    cells: cells(&p.report)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        return Ok(best::sweep_table(
            &run.paths,
            &views,
            decide.rank.as_ref(),
            decide.baseline.as_ref(),
        ));
    }
    let r = &run.points[0].report;
    let order = match &decide.rank {
        Some(rank) => Some(decide::order(
            &decide::values(&cells(r)?, &rank.column),
            rank.lowest_first,
        )),
        None => None,
    };
    let legend;
    let marked = match &decide.baseline {
        Some(Baseline::Plan(p)) => {
            legend =
                format!("* baseline: compare.csv compares every plan with {p}, trial by trial.");
            r.summaries
                .iter()
                .position(|s| s.plan == *p)
                .map(|i| (i, legend.as_str()))
        }
        _ => None,
    };
    Ok(table::ranked_table(
        r.scenario,
        r.results,
        r.summaries,
        order.as_deref(),
        marked,
    ))
}

/// What the outputs in `dir` came from, if it holds any: `None` when there is nothing to
/// replace, else the seed and start time its run.json records, or what it lacks (run.json
/// from before plansim recorded start times has none).
pub(super) fn previous_run(dir: &Path) -> Option<String> {
    let holds_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if !holds_files {
        return None;
    }
    let run_json = std::fs::read(dir.join("run.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    let Some(run_json) = run_json else {
        return Some("no readable run.json: seed and start time unknown".into());
    };
    let seed = run_json["seed"]
        .as_u64()
        .map_or("seed unknown".into(), |s| format!("seed {s}"));
    let started = run_json["started_at"]
        .as_str()
        .map_or("start time not recorded".into(), |t| format!("started {t}"));
    Some(format!("{seed}, {started}"))
}

/// `--trials`, `--users` and `--months` as overrides of `simulation.*`, so they get the checks
/// the file's values get, and errors that name the flag.
fn size_overrides(args: &RunArgs) -> Vec<Override> {
    [
        ("--trials", "trials", args.trials),
        ("--users", "users", args.users),
        ("--months", "months", args.months.map(u64::from)),
    ]
    .into_iter()
    .filter_map(|(flag, field, n)| {
        n.map(|n| Override {
            path: vec!["simulation".into(), field.into()],
            value: n.to_string(),
            origin: format!("{flag} {n}"),
        })
    })
    .collect()
}
