//! `plansim run`: load the scenario's points (one, or a sweep's grid) with the command line's
//! overrides, check `--baseline`/`--rank-by`, sizes and the output folder, simulate every
//! point on common random numbers with one progress bar, refuse non-finite results (naming
//! the point), compare (compare.csv), write the outputs as one set (a sweep: sweep.csv,
//! compare.csv, run.json and `points/NNN/`; report.html with `--report`), print the table and
//! say which earlier results were replaced. With `--shard K/N`, the loaded points go to
//! [`super::shard`] instead, which runs the shard's trials into a shard folder.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use super::common::{Loaded, derived, interrupted, pool, replaced_line};
use super::finish::{self, Finish};
use super::progress::progress_bar;
use super::{MAX_THREADS, decide, default_threads, field_args, print};
use crate::analysis::precision;
use crate::cli::RunArgs;
use crate::config::Override;
use crate::error::Error;
use crate::export;
use crate::model::Scenario;
use crate::{config, engine, interrupt};

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
