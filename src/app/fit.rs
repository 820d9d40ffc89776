//! `plansim fit`: read a usage export, fit segments ([`crate::fit::pipeline`]), print the read
//! summary, the notes, the fit table and the intervals, and write fit_report.csv,
//! fit_params.csv, fit_users.csv (and fit_report.html with `--report`) into `--dir` as one
//! set, and the scenario to `--out` (or the `[[segment]]` tables to stdout).
//!
//! Everything that can be refused is checked before anything is written: the arguments, the
//! `--plans` scenario, the export, the fit, and the written scenario itself (it must load as
//! `plansim check` loads it). The `--out` file is written to a temporary file beside it, the
//! folder set is swapped in, then the temporary file is renamed over `--out`: an existing
//! `--out` is replaced whole, never half-written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::fit_text::{command_line, comment_safe, stdout_text};
use super::print;
use crate::cli::{FitArgs, PeriodArg, UsageColumnArgs};
use crate::config;
use crate::error::{ConfigErrors, Error};
use crate::export::fit_report::{fit_params_csv, fit_report_csv};
use crate::export::fit_users::users_csv;
use crate::export::set::OutFile;
use crate::export::{Outcome, OutputFolder};
use crate::fit::pipeline::{self, Options};
use crate::fit::segments::SegmentsArg;
use crate::fit::toml::{scenario, segment_tables};
use crate::fit::users::Has;
use crate::report::{FIT_FILE_NAME, render_fit};
use crate::usage::{self, Columns, PeriodKind, ReadOptions};

/// Most bootstrap resamples `--bootstrap` takes.
pub const MAX_BOOTSTRAP: u32 = 100_000;

/// Runs `plansim fit`.
///
/// # Errors
/// A bad export or argument (exit code 2), or a failed write.
pub(crate) fn fit_export(args: &FitArgs) -> Result<(), Error> {
    let segments = SegmentsArg::parse(&args.segments).map_err(Error::Usage)?;
    if args.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Usage(format!(
            "--bootstrap {}: at most {MAX_BOOTSTRAP} resamples",
            args.bootstrap
        )));
    }
    if args.uncertain && args.bootstrap < 2 {
        return Err(Error::Usage(format!(
            "--uncertain needs the bootstrap's intervals: --bootstrap {} gives none (use 2 or \
             more, e.g. the default 200)",
            args.bootstrap
        )));
    }
    let opts = read_options(&args.columns, args.period)?;
    let name = args.out.as_deref().map(check_out).transpose()?;
    let plans = args.plans.as_deref().map(read_plans).transpose()?;
    let panel = usage::read(&args.usage, &opts).map_err(ConfigErrors::from)?;
    let popts = Options {
        segments,
        bootstrap: args.bootstrap,
        seed: args.seed,
    };
    let fit = pipeline::fit_panel(&panel, &popts).map_err(Error::Usage)?;
    let tables = segment_tables(&fit.segments, args.uncertain);
    let written = match (&args.out, &name) {
        (Some(out), Some(name)) => {
            let header = header(args, &fit.report.notes);
            let description = format!(
                "Segments fitted by plansim fit to the usage export {} ({} users with output); \
                 {}",
                args.usage.display(),
                fit.report.quantities[0].data.len(),
                match &args.plans {
                    Some(p) => format!("cards and plans from {}", p.display()),
                    None => "starter cards and plans".to_string(),
                }
            );
            let base = plans.as_ref().map(|p| p.1.as_str());
            let text = scenario(&header, name, &description, base, &tables)
                .map_err(|e| plans_error(args, &e))?;
            // The file must load as `plansim check` loads it.
            let shown = out.display().to_string();
            config::sweep::parse_points(&text, &shown, &[], &[]).map_err(|e| {
                plans_error(args, &format!("the written scenario does not load: {e}"))
            })?;
            Some((out.as_path(), text))
        }
        _ => None,
    };
    let has = Has::of(&panel);
    let names: Vec<String> = fit.segments.iter().map(|s| s.name.clone()).collect();
    let users = users_csv(&fit.users, &fit.assigned, &names, has)
        .map_err(|e| Error::System(format!("fit_users.csv: {e}")))?;
    let mut files = vec![
        OutFile::bytes("fit_report.csv", fit_report_csv(&fit.report).into_bytes()),
        OutFile::bytes("fit_params.csv", fit_params_csv(&fit.report).into_bytes()),
        OutFile::bytes("fit_users.csv", users),
    ];
    if args.report {
        let html =
            render_fit(&fit.report).map_err(|e| Error::System(format!("fit_report.html: {e}")))?;
        files.push(OutFile::bytes(FIT_FILE_NAME, html.into_bytes()));
    }
    let dir = args.dir.clone().unwrap_or_else(|| {
        let stem = args
            .usage
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        PathBuf::from("output").join(format!("fit-{}", stem.unwrap_or_default()))
    });
    // The scenario is written beside --out first, renamed into place once the folder is in.
    let staged = written
        .map(|(out, text)| Staged::write(out, &text))
        .transpose()?;
    let mut notes = Vec::new();
    let claimed = OutputFolder::claim(&dir, args.dir.is_none(), &mut notes);
    print::stderr_lines(&notes);
    match claimed?.write_set(files, None, &AtomicBool::new(false))? {
        Outcome::Replaced(warnings) => print::stderr_lines(&warnings),
        Outcome::Stopped => return Err(Error::System("stopped".to_string())),
    }
    let out = staged.map(Staged::commit).transpose()?;
    let text = stdout_text(
        &panel,
        &fit,
        &popts,
        &tables,
        (&dir, args.report),
        out.as_deref(),
    );
    print::stdout(&text)
}

/// The scenario name of `--out` (its file stem, which must be a valid name), after checking
/// that `--out` can be written: a regular file or nothing, in a folder that exists.
fn check_out(out: &Path) -> Result<String, Error> {
    let refuse = |what: &str| Err(Error::Usage(format!("--out {}: {what}", out.display())));
    if let Ok(m) = std::fs::symlink_metadata(out)
        && !m.file_type().is_file()
    {
        return refuse("exists and is not a regular file");
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return refuse(&format!("its folder {} does not exist", parent.display()));
    }
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned());
    match stem {
        Some(s) if config::valid_name(&s) => Ok(s),
        _ => refuse(
            "the file's name (without .toml) is the scenario's name, so it must start with a \
             letter or digit and use only A-Z a-z 0-9 _ . - (at most 64 characters)",
        ),
    }
}

/// The `--plans` scenario, checked as `plansim check` checks it, and its text.
fn read_plans(path: &Path) -> Result<(PathBuf, String), Error> {
    if path.as_os_str() == "-" {
        return Err(Error::Usage(
            "--plans -: give the scenario as a file (stdin holds nothing to read twice)".into(),
        ));
    }
    config::sweep::load_points(path, &[], &[])?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok((path.to_path_buf(), text))
}

/// A scenario that cannot be written from `--plans` (or the starter), as an argument error.
fn plans_error(args: &FitArgs, e: &str) -> Error {
    match &args.plans {
        Some(p) => Error::Usage(format!("--plans {}: {e}", p.display())),
        None => Error::Usage(format!("the starter scenario: {e}")),
    }
}

/// The written scenario's header comment.
fn header(args: &FitArgs, notes: &[String]) -> Vec<String> {
    let mut h = vec![
        format!(
            "Written by `plansim fit` from the usage export {}: its users' typical monthly \
             output tokens, prompt mix, volatility, inactivity and churn.",
            comment_safe(&args.usage.display().to_string())
        ),
        format!("Command: {}", command_line()),
        "Running the command again replaces this file whole.".to_string(),
    ];
    h.extend(args.notes.iter().map(|n| comment_safe(n)));
    if args.uncertain {
        h.push(format!(
            "--uncertain: the output distributions' parameters are drawn once per trial from \
             their bootstrap uncertainty ({} resamples of the users), each independently of \
             the others.",
            args.bootstrap
        ));
    }
    h.extend(notes.iter().map(|n| format!("Note: {}.", comment_safe(n))));
    // Lines of at most 96 characters as comments, except the command, kept whole to copy.
    h.iter()
        .flat_map(|l| {
            if l.starts_with("Command: ") {
                vec![l.clone()]
            } else {
                wrap(l, 96 - 2)
            }
        })
        .collect()
}

/// `line` broken at spaces into lines of at most `width` characters (a longer word stays
/// whole); continuation lines are indented by two spaces.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ') {
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut cur, format!("  {word}")));
        } else {
            if len > 0 {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    out.push(cur);
    out
}

/// The scenario written to a temporary file beside `--out`, not yet renamed over it.
struct Staged {
    tmp: PathBuf,
    out: PathBuf,
}

impl Staged {
    /// Writes `text` to `.NAME.plansim-tmp-PID` beside `out` and syncs it.
    fn write(out: &Path, text: &str) -> Result<Self, Error> {
        let leaf = out.file_name().map(|s| s.to_string_lossy().into_owned());
        let tmp = out.with_file_name(format!(
            ".{}.plansim-tmp-{}",
            leaf.unwrap_or_default(),
            std::process::id()
        ));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(out, e));
        }
        Ok(Staged {
            tmp,
            out: out.to_path_buf(),
        })
    }

    /// Renames the temporary file over `--out`.
    fn commit(self) -> Result<PathBuf, Error> {
        let done = std::fs::rename(&self.tmp, &self.out);
        done.map_err(|e| Error::io(&self.out, e))?;
        Ok(self.out.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Gone once renamed; left over only when the command failed before.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// The reading options of the column flags.
///
/// # Errors
/// [`Error::Usage`] for a `--where` without `=`.
pub(crate) fn read_options(
    c: &UsageColumnArgs,
    period: Option<PeriodArg>,
) -> Result<ReadOptions, Error> {
    let filters = c
        .filters
        .iter()
        .map(|f| match f.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Error::Usage(format!(
                "--where {f}: expected COLUMN=VALUE (e.g. --where model=m-large)"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ReadOptions {
        columns: Columns {
            user: c.user_col.clone(),
            period: c.period_col.clone(),
            output: c.output_col.clone(),
            input: c.input_col.clone(),
            cache_read: c.cache_read_col.clone(),
            cache_write: c.cache_write_col.clone(),
            cost: c.cost_col.clone(),
            segment: c.segment_col.clone(),
        },
        filters,
        period: match period {
            None => PeriodKind::Auto,
            Some(PeriodArg::Day) => PeriodKind::Day,
            Some(PeriodArg::Month) => PeriodKind::Month,
        },
        input_includes_cache: c.input_includes_cache,
    })
}
