//! `plansim merge SHARD_DIR... --out DIR`: checks that the shard folders are shards 1 to N of
//! one run (same fingerprint: scenario, data files, seed, plansim version, platform maths,
//! N), each once, and intact (checksums); rebuilds the scenario from their inputs; merges each
//! point's results exactly ([`crate::results::merge`]); checks the whole against the memory
//! limit; and writes DIR as `plansim run` of the same config, overrides and seed writes it
//! (run.json adds the shards). Every refusal is exit 2 naming the shard folder, before
//! anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::common::{derived, interrupted, replaced_line};
use super::finish::{self, Finish};
use super::shard::{data_files, data_part};
use super::{decide, print};
use crate::cli::{FieldArgs, MergeArgs, RunArgs};
use crate::config::Override;
use crate::config::sweep::SweepArg;
use crate::engine::{self, SizeLimit};
use crate::error::Error;
use crate::export::{self, rfc3339_utc};
use crate::interrupt;
use crate::results::{self, RunResults};
use crate::shard::fingerprint::{self, sha256};
use crate::shard::{self, Manifest, Shard, Split};

pub(super) fn merge_shards(args: &MergeArgs) -> Result<(), Error> {
    let started = Instant::now();
    let shown = |d: &Path| d.display().to_string();
    let fail = |d: &Path, e: String| Error::Shard(format!("shard folder {}: {e}", shown(d)));
    let mut manifests = Vec::with_capacity(args.shards.len());
    for dir in &args.shards {
        let m = shard::read_manifest(dir).map_err(|e| fail(dir, e))?;
        if m.fingerprint != m.parts.fingerprint() {
            return Err(fail(
                dir,
                "shard.json is corrupted (fingerprint mismatch)".into(),
            ));
        }
        let expected = Split { k: m.k, n: m.n };
        if m.k == 0 || m.k > m.n || expected.range(m.trials) != (m.first_trial..m.end_trial) {
            return Err(fail(
                dir,
                "shard.json is corrupted (K/N or trial range)".into(),
            ));
        }
        manifests.push((dir.as_path(), m));
    }
    agree(&manifests)?;
    let n = manifests[0].1.n;
    let mut by_k: BTreeMap<u64, &Path> = BTreeMap::new();
    for (dir, m) in &manifests {
        if let Some(first) = by_k.insert(m.k, dir) {
            return Err(Error::Shard(format!(
                "shard {} of {n} given twice: shard folders {} and {}",
                m.k,
                shown(first),
                shown(dir)
            )));
        }
    }
    // The first K of 1..=N not given (at most one past the number given).
    if let Some(k) = (1..=n).find(|k| !by_k.contains_key(k)) {
        return Err(Error::Shard(format!(
            "shard {k} of {n} is missing (e.g. shard-{k}-of-{n}): the merge needs shards 1 to \
             {n}, each once; given: {}",
            args.shards
                .iter()
                .map(|d| shown(d))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // This plansim and this machine must be those of the shards, too.
    let (d0, m0) = (manifests[0].0, &manifests[0].1);
    if m0.parts.version != sha256(env!("CARGO_PKG_VERSION").as_bytes()) {
        return Err(fail(
            d0,
            format!(
                "written by plansim {}, but this is plansim {}: merge with the plansim that \
                 wrote the shards",
                m0.plansim_version,
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    if m0.parts.maths != sha256(fingerprint::maths().as_bytes()) {
        return Err(fail(
            d0,
            format!(
                "written on {} whose platform maths differ from this machine's ({}): merge on \
                 the kind of machine the shards ran on",
                m0.target,
                fingerprint::target()
            ),
        ));
    }
    // A shard folder is never the merge's --out: it would be replaced by the outputs.
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some((dir, _)) = manifests.iter().find(|(d, _)| same(d, &args.out)) {
        return Err(fail(
            dir,
            format!(
                "--out {} is this shard folder: merge into another folder",
                args.out.display()
            ),
        ));
    }
    // Claimed before the heavy reading, so a bad --out fails fast; nothing is written on error.
    let mut notes = Vec::new();
    let claimed = export::OutputFolder::claim(&args.out, false, &mut notes);
    print::stderr_lines(&notes);
    let folder = claimed?;
    interrupt::install().map_err(|e| Error::System(format!("cannot handle signals: {e}")))?;
    let mut shards: Vec<(&Path, Shard)> = Vec::with_capacity(manifests.len());
    for (dir, m) in manifests {
        let s = shard::read_shard(dir, m).map_err(|e| fail(dir, e))?;
        check_trials(&s).map_err(|e| fail(dir, e))?;
        if !args.quiet {
            let m = &s.manifest;
            print::stderr_lines(&[format!(
                "verified shard {} of {} (trials {}..{}): {}",
                m.k,
                m.n,
                m.first_trial,
                m.end_trial,
                shown(dir)
            )]);
        }
        shards.push((dir, s));
    }
    shards.sort_by_key(|(_, s)| s.manifest.k);
    let (first_dir, first) = (shards[0].0, &shards[0].1);
    let run_args = run_args(args, first);
    let (name, mut points) = rebuild(first).map_err(|e| fail(first_dir, e))?;
    let data = data_files(&std::mem::take(&mut points.data_files))?;
    if data_part(&data) != first.manifest.parts.data {
        let changed = data
            .iter()
            .zip(&first.inputs.data_files)
            .find(|(now, then)| now.sha256 != then.sha256)
            .map_or("a data file".into(), |(now, _)| now.path.clone());
        return Err(fail(
            first_dir,
            format!("{changed} changed since the shards ran: its contents differ"),
        ));
    }
    let paths = points.paths;
    let (values, scns): (Vec<Vec<String>>, Vec<_>) = points
        .points
        .into_iter()
        .map(|p| {
            let mut scn = p.scenario;
            if let Some(seed) = first.inputs.seed {
                scn.simulation.seed = seed;
            }
            (p.values, scn)
        })
        .unzip();
    let decide = decide::resolve(&run_args, !paths.is_empty(), &scns)?;
    let shards_info = shards_json(&shards);
    let (started_at, wall_seconds, threads) = shards.iter().fold(
        (SystemTime::now(), 0.0, 1),
        |(at, wall, threads), (_, s)| {
            let m = &s.manifest;
            let began = UNIX_EPOCH + std::time::Duration::from_secs(m.started_at);
            (at.min(began), wall + m.wall_seconds, threads.max(m.threads))
        },
    );
    let mut per_point: Vec<Vec<RunResults>> = vec![Vec::new(); scns.len()];
    for (dir, s) in shards {
        if s.results.len() != scns.len() {
            return Err(fail(dir, "holds another number of points".into()));
        }
        for (i, r) in s.results.into_iter().enumerate() {
            per_point[i].push(r);
        }
    }
    let results = per_point
        .into_iter()
        .map(results::merge)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Shard(format!("the shards do not merge: {e}")))?;
    // The whole against the memory limit (the work limit is each shard's: that is what
    // sharding is for).
    if let Some(problem) = engine::size_problem_points(&scns, 1)
        && !matches!(problem.limit, SizeLimit::Work(_))
    {
        return Err(Error::TooLarge {
            config: None,
            problem,
        });
    }
    let out = args.out.as_path();
    let finish = Finish {
        config_name: name,
        paths,
        values,
        scns: &scns,
        results: &results,
        threads,
        wall_seconds,
        started_at,
        decide: &decide,
        out,
        derived: derived(args.report, args.xlsx),
        run_json_extra: Some(("shards", shards_info)),
    };
    let (table, replaced) = finish::finish(finish, folder, &|signal| interrupted(out, signal))?;
    let sim = &scns[0].simulation;
    let line = format!(
        "merged {n} shards: {}{} trials x {} users x {} months ({wall_seconds:.2} s of \
         simulation in all) in {:.2} s; wrote {}\n",
        if scns.len() > 1 {
            format!("{} points x ", scns.len())
        } else {
            String::new()
        },
        sim.trials,
        sim.users,
        sim.months,
        started.elapsed().as_secs_f64(),
        out.display()
    );
    print::stdout(&(table + &line + &replaced_line(out, replaced)))
}

/// Every shard agrees with the first: same N, same fingerprint; else which part differs.
fn agree(manifests: &[(&Path, Manifest)]) -> Result<(), Error> {
    let (d0, m0) = &manifests[0];
    for (d, m) in &manifests[1..] {
        let (a, b) = (d0.display(), d.display());
        if m.n != m0.n {
            return Err(Error::Shard(format!(
                "shard folder {b} is shard {} of {}, but shard folder {a} is shard {} of {}: \
                 every shard must come from the same split",
                m.k, m.n, m0.k, m0.n
            )));
        }
        if let Some(what) = m0.parts.first_difference(&m.parts) {
            let detail = match what {
                "seed" => format!(" (seed {} in {a}, {} in {b})", m0.seed, m.seed),
                "plansim version" => format!(
                    " (plansim {} in {a}, {} in {b})",
                    m0.plansim_version, m.plansim_version
                ),
                w if w.starts_with("platform") => {
                    format!(" ({} in {a}, {} in {b})", m0.target, m.target)
                }
                _ => String::new(),
            };
            return Err(Error::Shard(format!(
                "shard folders {a} and {b} differ in their {what}{detail}: they are not \
                 shards of one run"
            )));
        }
    }
    Ok(())
}

/// Each point's trials are exactly the shard's range.
fn check_trials(s: &Shard) -> Result<(), String> {
    let m = &s.manifest;
    for (i, r) in s.results.iter().enumerate() {
        let ok = r.trials.len() as u64 == m.end_trial - m.first_trial
            && r.trials
                .iter()
                .zip(m.first_trial..)
                .all(|(t, want)| t.trial == want && t.groups.is_some());
        if !ok {
            return Err(format!(
                "{} does not hold trials {}..{} with their group sums",
                shard::results_file(i + 1),
                m.first_trial,
                m.end_trial
            ));
        }
    }
    Ok(())
}

/// The scenario's points from the shard's inputs: the config read from its text under its
/// name (made absolute from the folder the shard ran in when this one differs, so data files
/// are found again).
fn rebuild(s: &Shard) -> Result<(String, crate::config::sweep::Points), String> {
    let inputs = &s.inputs;
    let mut name = inputs.config.clone();
    let cwd = std::env::current_dir().ok();
    let relative = Path::new(&name).is_relative() && name != "<stdin>";
    if relative && cwd.as_deref() != Some(Path::new(&inputs.cwd)) {
        name = PathBuf::from(&inputs.cwd).join(&name).display().to_string();
    }
    let overrides: Vec<Override> = inputs
        .overrides
        .iter()
        .map(|o| Override {
            path: o.path.clone(),
            value: o.value.clone(),
            origin: o.origin.clone(),
        })
        .collect();
    let sweeps: Vec<SweepArg> = inputs
        .sweeps
        .iter()
        .map(|s| SweepArg {
            path: s.path.clone(),
            values: s.values.clone(),
        })
        .collect();
    let points = crate::config::sweep::parse_points(&inputs.text, &name, &overrides, &sweeps)
        .map_err(|e| format!("the scenario cannot be rebuilt from its inputs.json:\n{e}"))?;
    Ok((inputs.config.clone(), points))
}

/// The run's arguments that shape the outputs, as the shards ran them, with the merge's
/// `--report`/`--xlsx`.
fn run_args(args: &MergeArgs, s: &Shard) -> RunArgs {
    let i = &s.inputs;
    RunArgs {
        config: PathBuf::from(&i.config),
        out: Some(args.out.clone()),
        trials: None,
        users: None,
        months: None,
        seed: i.seed,
        precision: None,
        fields: FieldArgs {
            set: Vec::new(),
            sweep: Vec::new(),
        },
        threads: None,
        quiet: args.quiet,
        baseline: i.baseline.clone(),
        baseline_point: i.baseline_point,
        rank_by: i.rank_by.clone(),
        xlsx: args.xlsx,
        report: args.report,
        shard: None,
    }
}

/// run.json's `shards`: N, the fingerprint, and each shard's folder, trials and timing.
fn shards_json(shards: &[(&Path, Shard)]) -> serde_json::Value {
    let m0 = &shards[0].1.manifest;
    let each: Vec<serde_json::Value> = shards
        .iter()
        .map(|(dir, s)| {
            let m = &s.manifest;
            serde_json::json!({
                "k": m.k,
                "folder": dir.display().to_string(),
                "first_trial": m.first_trial,
                "end_trial": m.end_trial,
                "threads": m.threads,
                "started_at": rfc3339_utc(UNIX_EPOCH + std::time::Duration::from_secs(m.started_at)),
                "wall_seconds": m.wall_seconds,
            })
        })
        .collect();
    serde_json::json!({
        "n": m0.n,
        "format": m0.format,
        "fingerprint": m0.fingerprint,
        "target": m0.target,
        "merged_at": rfc3339_utc(SystemTime::now()),
        "shards": each,
    })
}
