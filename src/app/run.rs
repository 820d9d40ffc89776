//! `plansim run`: load the scenario with the command line's overrides, check sizes and the
//! output folder, simulate with a progress bar, refuse non-finite results, write the outputs
//! as a set, print the table.

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{MAX_THREADS, default_threads, print, summary_table};
use crate::analysis::summary;
use crate::cli::RunArgs;
use crate::config::Override;
use crate::error::Error;
use crate::export::{self, Outcome, Report};
use crate::{config, engine, interrupt};

pub(super) fn run_scenario(args: &RunArgs) -> Result<(), Error> {
    let mut scn = config::load_with(&args.config, &size_overrides(args))?;
    // Not an override: a TOML integer cannot hold every u64.
    if let Some(seed) = args.seed {
        scn.simulation.seed = seed;
    }
    let threads = match args.threads {
        Some(0) => return Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) if n > MAX_THREADS => {
            return Err(Error::Usage(format!(
                "--threads {n} is too many: at most {MAX_THREADS} (results do not depend on it)"
            )));
        }
        Some(n) => n,
        None => default_threads(),
    };
    if let Some(problem) = engine::size_problem(&scn, threads) {
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
        .unwrap_or_else(|| PathBuf::from("output").join(&scn.name));
    let mut notes = Vec::new();
    let claimed = export::OutputFolder::claim(&out, args.out.is_none(), &mut notes);
    print::stderr_lines(&notes);
    let folder = claimed?;
    interrupt::install().map_err(|e| Error::System(format!("cannot handle signals: {e}")))?;
    let interrupted = |signal| Error::Interrupted {
        signal,
        what: if out.exists() {
            format!("the outputs in {} are as they were", out.display())
        } else {
            format!("{} was not created", out.display())
        },
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::System(format!("cannot start {threads} threads: {e}")))?;
    let sim = &scn.simulation;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(
            Some(sim.trials.saturating_mul(sim.users)),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent}% users simulated, eta {eta}",
            )
            .expect("static template is valid"),
        );
        bar
    };
    let started = Instant::now();
    let results = pool
        .install(|| engine::run_until(&scn, &|n| bar.inc(n), interrupt::flag()))
        // A drawn parameter out of range: the scenario's fault, though only a draw shows it.
        .map_err(|source| Error::Engine {
            config: config::source_name(&args.config),
            source,
        })?;
    let wall_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let Some(results) = results else {
        return Err(interrupted(interrupt::requested().unwrap_or(2)));
    };
    let summaries = summary::summarize(&scn, &results);
    let overflowed = results
        .non_finite_plan()
        .map(|p| scn.plans[p].name.as_str())
        .or_else(|| {
            summaries
                .iter()
                .find(|s| !s.is_finite())
                .map(|s| s.plan.as_str())
        });
    if let Some(plan) = overflowed {
        return Err(Error::Overflow {
            config: config::source_name(&args.config),
            plan: plan.to_string(),
        });
    }
    let written = folder.write(
        &Report {
            scenario: &scn,
            results: &results,
            summaries: &summaries,
            config_path: config::source_name(&args.config),
            threads,
            wall_seconds,
        },
        interrupt::flag(),
    );
    match written? {
        Outcome::Stopped => return Err(interrupted(interrupt::requested().unwrap_or(2))),
        Outcome::Replaced(warnings) => print::stderr_lines(&warnings),
    }
    let line = format!(
        "{} trials x {} users x {} months in {wall_seconds:.2} s on {threads} threads; wrote {}\n",
        sim.trials,
        sim.users,
        sim.months,
        out.display()
    );
    print::stdout(&(summary_table(&scn, &summaries) + &line))
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
