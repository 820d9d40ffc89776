//! `plansim run CONFIG --shard K/N`: run one contiguous block of the trials and write a shard
//! folder ([`crate::shard`]) for `plansim merge`. Refused with `--report`/`--xlsx` (they are the
//! merge's) and in precision mode (the trial count is decided by the batches, which a fixed
//! split cannot know). The size limits apply to the shard's own trials.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::common::{Loaded, interrupted, pool};
use super::print;
use super::progress::progress_bar;
use crate::cli::RunArgs;
use crate::error::Error;
use crate::export::set::OutFile;
use crate::export::{self, Outcome};
use crate::results::RunResults;
use crate::shard::fingerprint::{self, sha256};
use crate::shard::{
    self, DataFile, FORMAT, Inputs, Manifest, Parts, SetRecord, Split, SweepRecord,
};
use crate::{engine, interrupt};

/// `--shard`, parsed and checked against the other flags; `None` without it.
///
/// # Errors
/// [`Error::Usage`] for a malformed K/N, or with `--report`/`--xlsx`.
pub(super) fn split(args: &RunArgs) -> Result<Option<Split>, Error> {
    let Some(text) = &args.shard else {
        return Ok(None);
    };
    let split = Split::parse(text).map_err(Error::Usage)?;
    if args.report || args.xlsx {
        return Err(Error::Usage(format!(
            "--shard {text} writes a shard folder, not outputs: use --report/--xlsx on \
             `plansim merge SHARD_DIR... --out DIR`, which writes the outputs"
        )));
    }
    Ok(Some(split))
}

/// Runs shard `split` of the loaded scenario and writes its folder.
pub(super) fn run_shard(
    args: &RunArgs,
    split: Split,
    loaded: Loaded,
    threads: usize,
    started_at: SystemTime,
) -> Result<(), Error> {
    let scns = &loaded.scns;
    let sim = &scns[0].simulation;
    if sim.precision.is_some() {
        return Err(Error::Usage(format!(
            "--shard {}/{} cannot run in precision mode (--precision or [simulation] \
             precision): there the trial count is decided by the batches, as the estimates \
             come in, which a fixed split of the trials cannot know; set the trials (e.g. \
             --trials with the count a precision run reported) and shard that",
            split.k, split.n
        )));
    }
    super::decide::resolve(args, !loaded.paths.is_empty(), scns)?;
    let range = split.range(sim.trials);
    let count = range.end - range.start;
    if let Some(problem) = engine::size_problem_points_trials(scns, threads, Some(count)) {
        return Err(Error::TooLarge {
            config: None,
            problem,
        });
    }
    let inputs = inputs(args, &loaded)?;
    let parts = parts(&inputs, &loaded, split.n)?;
    let default = args.out.is_none();
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(format!("{}-shards", scns[0].name))
            .join(format!("shard-{}-of-{}", split.k, split.n))
    });
    if default {
        // The shard's parent is output/<name>-shards/, created by the claim; output/ itself here.
        let _ = std::fs::create_dir("output");
    }
    let mut notes = Vec::new();
    let claimed = export::OutputFolder::claim(&out, default, &mut notes);
    print::stderr_lines(&notes);
    let folder = claimed?;
    interrupt::install().map_err(|e| Error::System(format!("cannot handle signals: {e}")))?;
    let total = scns.iter().fold(0u64, |t, scn| {
        t.saturating_add(count.saturating_mul(scn.max_population()))
    });
    let bar = progress_bar(args.quiet, total);
    let started = Instant::now();
    let opts = engine::RunOptions {
        keep_trial_groups: true,
    };
    let results = pool(threads)?
        .install(|| {
            engine::run_points(
                scns,
                range.clone(),
                &opts,
                &|n| bar.inc(n),
                interrupt::flag(),
            )
        })
        .map_err(|source| Error::Engine {
            config: loaded.config_name.clone(),
            source,
        })?;
    let wall_seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let Some(results) = results else {
        return Err(interrupted(&out, interrupt::requested().unwrap_or(2)));
    };
    check_finite(&loaded, &results)?;
    let manifest = Manifest {
        format: FORMAT,
        plansim_version: env!("CARGO_PKG_VERSION").to_string(),
        k: split.k,
        n: split.n,
        trials: sim.trials,
        first_trial: range.start,
        end_trial: range.end,
        points: scns.len(),
        seed: sim.seed,
        target: fingerprint::target(),
        started_at: started_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        wall_seconds,
        threads,
        fingerprint: parts.fingerprint(),
        parts,
        files: Vec::new(),
        checksum: String::new(),
    };
    let files = shard::shard_files(manifest, &inputs, &results)
        .map_err(|e| Error::Shard(format!("shard folder {}: {e}", out.display())))?;
    let files = files
        .into_iter()
        .map(|(path, bytes)| OutFile::bytes(path, bytes))
        .collect();
    match folder.write_set(files, None, interrupt::flag())? {
        Outcome::Stopped => return Err(interrupted(&out, interrupt::requested().unwrap_or(2))),
        Outcome::Replaced(warnings) => print::stderr_lines(&warnings),
    }
    let points = if scns.len() > 1 {
        format!("{} points x ", scns.len())
    } else {
        String::new()
    };
    print::stdout(&format!(
        "shard {} of {}: {points}trials {}..{} of {} x {} users x {} months in \
         {wall_seconds:.2} s on {threads} threads; wrote {}\n",
        split.k,
        split.n,
        range.start,
        range.end,
        sim.trials,
        sim.users,
        sim.months,
        out.display()
    ))
}

/// Non-finite results are refused as a run refuses them (JSON cannot hold them either).
fn check_finite(loaded: &Loaded, results: &[RunResults]) -> Result<(), Error> {
    for (i, (scn, res)) in loaded.scns.iter().zip(results).enumerate() {
        let draws = res
            .trials
            .iter()
            .all(|t| t.draws.iter().all(|x| x.is_finite()));
        let plan = res.non_finite_plan().or((!draws).then_some(0));
        if let Some(p) = plan {
            let at = if loaded.scns.len() > 1 {
                format!(" at point {}", i + 1)
            } else {
                String::new()
            };
            return Err(Error::Overflow {
                config: loaded.config_name.clone(),
                plan: format!("{}{at}", scn.rows()[p].0),
            });
        }
    }
    Ok(())
}

/// What the merge needs to rebuild the scenario, with the data files hashed.
fn inputs(args: &RunArgs, loaded: &Loaded) -> Result<Inputs, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
    Ok(Inputs {
        config: loaded.config_name.clone(),
        cwd: cwd.display().to_string(),
        text: loaded.text.clone(),
        overrides: loaded
            .overrides
            .iter()
            .map(|o| SetRecord {
                path: o.path.clone(),
                value: o.value.clone(),
                origin: o.origin.clone(),
            })
            .collect(),
        sweeps: loaded
            .sweeps
            .iter()
            .map(|s| SweepRecord {
                path: s.path.clone(),
                values: s.values.clone(),
            })
            .collect(),
        seed: args.seed,
        baseline: args.baseline.clone(),
        baseline_point: args.baseline_point,
        rank_by: args.rank_by.clone(),
        data_files: data_files(&loaded.data_files)?,
    })
}

/// Each data file's length and SHA-256, read again now.
pub(super) fn data_files(paths: &[PathBuf]) -> Result<Vec<DataFile>, Error> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            Ok(DataFile {
                path: p.display().to_string(),
                bytes: bytes.len() as u64,
                sha256: sha256(&bytes),
            })
        })
        .collect()
}

/// The fingerprint's parts for a shard of `n`.
fn parts(inputs: &Inputs, loaded: &Loaded, n: u64) -> Result<Parts, Error> {
    let scenario = serde_json::to_vec(&(&loaded.paths, &loaded.values, &loaded.scns))
        .map_err(|e| Error::System(format!("scenario: {e}")))?;
    Ok(Parts {
        version: sha256(env!("CARGO_PKG_VERSION").as_bytes()),
        format: sha256(FORMAT.to_string().as_bytes()),
        maths: sha256(fingerprint::maths().as_bytes()),
        shards: sha256(n.to_string().as_bytes()),
        seed: sha256(loaded.scns[0].simulation.seed.to_string().as_bytes()),
        data: data_part(&inputs.data_files),
        inputs: inputs_part(inputs)?,
        scenario: sha256(&scenario),
    })
}

/// The data part: each file's SHA-256, in order (their paths are in the inputs).
pub(super) fn data_part(files: &[DataFile]) -> String {
    let text: String = files.iter().map(|f| format!("{}\n", f.sha256)).collect();
    sha256(text.as_bytes())
}

/// The inputs part: the inputs but for the folder they ran in and the data files (whose
/// contents are the data part).
fn inputs_part(inputs: &Inputs) -> Result<String, Error> {
    let mut bare = inputs.clone();
    bare.cwd.clear();
    bare.data_files.clear();
    let bytes =
        serde_json::to_vec(&bare).map_err(|e| Error::System(format!("inputs.json: {e}")))?;
    Ok(sha256(&bytes))
}
