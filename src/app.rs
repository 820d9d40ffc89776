//! The commands, each a straight line: load, validate, run, export, report.

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{CheckArgs, Cli, Command, RunArgs};
use crate::config::Override;
use crate::error::Error;
use crate::export::{self, Report};
use crate::model::Scenario;
use crate::summary::PlanSummary;
use crate::{check, config, engine, interrupt, summary};

/// Runs the command the user asked for.
///
/// # Errors
/// Whatever stopped it; [`Error::exit_code`] gives the process exit code.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Check(args) => check_scenario(&args),
    }
}

fn run_scenario(args: &RunArgs) -> Result<(), Error> {
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
    // The default output/ folder is created only when there is something to write into it.
    let default_root = PathBuf::from("output");
    let (out, make_root) = match &args.out {
        Some(dir) => (dir.clone(), false),
        None if default_root.exists() || default_root.is_symlink() => {
            (default_root.join(&scn.name), false)
        }
        None => (default_root.join(&scn.name), true),
    };
    // Checks `output` itself when it does not exist yet, else the output folder.
    export::preflight(if make_root { &default_root } else { &out })?;
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
            config: args.config.display().to_string(),
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
            config: args.config.display().to_string(),
            plan: plan.to_string(),
        });
    }
    if make_root {
        std::fs::create_dir(&default_root).map_err(|e| Error::io(&default_root, e))?;
    }
    let written = export::write_all(
        &out,
        &Report {
            scenario: &scn,
            results: &results,
            summaries: &summaries,
            config_path: args.config.display().to_string(),
            threads,
            wall_seconds,
        },
        interrupt::flag(),
    );
    if make_root && !matches!(written, Ok(true)) {
        // Nothing was written: remove the folder this run created (only if still empty).
        let _ = std::fs::remove_dir(&default_root);
    }
    if !written? {
        return Err(interrupted(interrupt::requested().unwrap_or(2)));
    }
    print!("{}", summary_table(&scn, &summaries));
    println!(
        "{} trials x {} users x {} months in {wall_seconds:.2} s on {threads} threads; wrote {}",
        sim.trials,
        sim.users,
        sim.months,
        out.display()
    );
    Ok(())
}

/// Most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 1024;

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
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

/// The human-readable table printed after a run.
pub fn summary_table(scn: &Scenario, rows: &[PlanSummary]) -> String {
    let width = scn
        .plans
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!(
        "{:<width$}  {:>14}  {:>14}  {:>14}  {:>10}  {:>9}  {:>15}\n",
        "plan",
        "profit_p05",
        "profit_p50",
        "profit_p95",
        "margin_p50",
        "prob_loss",
        "loss_user_share"
    );
    for r in rows {
        let margin = r.margin_pct[1].map_or("-".to_string(), |m| format!("{:.1}%", 100.0 * m));
        s.push_str(&format!(
            "{:<width$}  {:>14.0}  {:>14.0}  {:>14.0}  {:>10}  {:>9.3}  {:>15.3}\n",
            r.plan,
            r.profit_pct[1],
            r.profit_pct[4],
            r.profit_pct[7],
            margin,
            r.prob_loss,
            r.loss_user_share
        ));
    }
    s
}

fn check_scenario(args: &CheckArgs) -> Result<(), Error> {
    let scn = config::load(&args.config)?;
    // The same size limits as `run` (which can override sizes from the command line).
    if let Some(problem) = engine::size_problem(&scn, default_threads()) {
        return Err(Error::TooLarge {
            config: Some(args.config.display().to_string()),
            problem,
        });
    }
    print!("{}", check::report(&scn));
    Ok(())
}
