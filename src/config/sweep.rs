//! Sweeps: `[[sweep]]` tables and `--sweep` arguments -> the points of a grid, each a validated
//! [`Scenario`] built from the file with that point's values applied as overrides by field path.
//!
//! The file is parsed once; `--set` and the size flags are applied to its tree; the `[[sweep]]`
//! tables are read strictly and removed from the tree (the scenario knows nothing of sweeps);
//! `--sweep` arguments replace the file's sweep of the same path, in its place, or come after
//! the file's. Each point is then a copy of the tree with its values put at their paths (so a
//! swept value wins over `--set` of the same field), read and validated as a file is, before
//! anything runs. The grid is the cartesian product of the sweeps, the first one slowest
//! ([`axis`] reads the sweeps, [`range`] expands ranges, [`merge`] puts them together;
//! docs/scenario.md, "Overrides and sweeps", is the user's view).

mod axis;
mod merge;
mod range;

use std::path::Path;

use toml::Spanned;
use toml::de::DeTable;

use self::axis::Axis;
use super::field_path::{base, parse_path, render};
use super::file::{read_text, source_name};
use super::overrides::{self, Override, split_assignment};
use super::reader::Src;
use super::{build, malformed};
use crate::error::{ConfigError, ConfigErrors, Error};
use crate::model::Scenario;

/// Most points of one sweep, and of the whole grid.
pub const MAX_POINTS: usize = 10_000;

/// One swept field from the command line (`--sweep PATH=VALUES`), before parsing its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepArg {
    /// The field path, as `--set` names it.
    pub path: String,
    /// The values: a TOML array or `from..to:step`.
    pub values: String,
}

impl SweepArg {
    /// The sweep `--sweep PATH=VALUES` gives: split at the first `=` outside a quoted key, the
    /// path checked; the values are read with the scenario ([`load_points`]).
    ///
    /// # Errors
    /// No `=`, or a malformed path; the message starts with `--sweep ARG`.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let origin = format!("--sweep {arg}");
        let (path, values) = split_assignment(arg).ok_or_else(|| {
            format!(
                "{origin}: expected PATH=VALUES, e.g. --sweep 'plan.max.price=[100, 150]' or \
                 --sweep plan.max.price=100..300:25"
            )
        })?;
        parse_path(path).map_err(|e| format!("{origin}: {e}"))?;
        Ok(SweepArg {
            path: path.to_string(),
            values: values.to_string(),
        })
    }

    /// The argument as typed, `PATH=VALUES`.
    fn text(&self) -> String {
        format!("{}={}", self.path, self.values)
    }

    /// How messages name the argument.
    fn origin(&self) -> String {
        format!("--sweep {}", self.text())
    }
}

/// One point of a grid.
#[derive(Debug, Clone)]
pub struct Point {
    /// Each swept path's value at this point, as written in sweep.csv (same order as
    /// [`Points::paths`]): numbers in the shortest form that reads back as the same number
    /// (`100`, `137.5`, as export::num writes them), strings bare, booleans `true`/`false`,
    /// arrays, tables and dates as their TOML text.
    pub values: Vec<String>,
    /// The validated scenario of this point.
    pub scenario: Scenario,
}

/// The points of a run: one point without sweeps (and no swept paths), else the grid in order
/// (first sweep slowest).
#[derive(Debug, Clone)]
pub struct Points {
    /// The swept field paths (sweep.csv's columns after `point`); empty without sweeps.
    pub paths: Vec<String>,
    /// The points, 1-based in outputs.
    pub points: Vec<Point>,
    /// The data files the scenario reads (empirical `file`s, `[population]` `file`), as
    /// opened, in the order first read (for a shard's fingerprint).
    pub data_files: Vec<std::path::PathBuf>,
}

impl Points {
    /// Whether this is a sweep (at least one swept path).
    pub fn is_sweep(&self) -> bool {
        !self.paths.is_empty()
    }

    /// How point `index` (0-based) is named in messages: `point 3 (plan.max.price = 150)`.
    pub fn label(&self, index: usize) -> String {
        let values = &self.points[index].values;
        label(index, self.paths.iter().zip(values))
    }
}

/// `point N (path = value, ...)` for the 0-based `index`.
fn label<'a>(index: usize, values: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let set: Vec<String> = values.map(|(p, v)| format!("{p} = {v}")).collect();
    format!("point {} ({})", index + 1, set.join(", "))
}

/// Reads the scenario at `path` with `overrides` (`--set` and the size flags), and its sweeps
/// (`[[sweep]]`, where `sweeps` from the command line replace the file's of the same path), and
/// builds and validates every point before anything runs (see [`parse_points`]).
///
/// # Errors
/// As [`super::load_with`]; as [`parse_points`].
pub fn load_points(
    path: &Path,
    overrides: &[Override],
    sweeps: &[SweepArg],
) -> Result<Points, Error> {
    let text = read_text(path)?;
    Ok(parse_points(&text, &source_name(path), overrides, sweeps)?)
}

/// Parses scenario text (`file` names it in errors), applies `overrides` in order, reads its
/// sweeps and `sweeps`, and builds and validates every point of the grid, in grid order.
///
/// # Errors
/// As [`super::parse_with`]; a malformed sweep (located in the file at `sweep[i]...`, or at its
/// `--sweep`); a path that names no field, or that a sweep may not vary; more than
/// [`MAX_POINTS`] points; an invalid point, the message starting with its label
/// (`point 3 (plan.max.price = -5): ...`), unless the problem is the file's: the same without
/// the sweeps and at every point.
pub fn parse_points(
    text: &str,
    file: &str,
    overrides: &[Override],
    sweeps: &[SweepArg],
) -> Result<Points, ConfigErrors> {
    // The sweeps' arguments follow the overrides in the span space, only to locate errors.
    let mut spans = overrides.to_vec();
    spans.extend(sweeps.iter().map(|s| Override {
        path: Vec::new(),
        value: s.text(),
        origin: s.origin(),
    }));
    let src = Src::with_overrides(file, text, &spans);
    let mut doc = DeTable::parse(text).map_err(|e| malformed(&src, &e))?;
    overrides::apply(&src, doc.get_mut(), &spans[..overrides.len()])?;
    let in_file = doc.get_mut().remove("sweep");
    let mut axes = axis::read_file(&src, in_file.as_ref())?;
    let args = sweeps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = base(text.len(), &spans, overrides.len() + i);
            axis::read_arg(&src, s, at)
        })
        .collect::<Result<Vec<_>, _>>()?;
    merge::merge(&src, &mut axes, args)?;
    if axes.is_empty() {
        let scenario = src.finish(build(&src, &doc))?;
        return Ok(Points {
            paths: Vec::new(),
            points: vec![Point {
                values: Vec::new(),
                scenario,
            }],
            data_files: src.data_files(),
        });
    }
    let paths: Vec<String> = axes.iter().map(|a| render(&a.path)).collect();
    let total: usize = axes.iter().map(|a| a.values.len()).product();
    let mut points = Vec::with_capacity(total);
    for index in 0..total {
        let at = coordinates(&axes, index);
        let values: Vec<String> = axes.iter().zip(&at).map(|(a, &k)| a.text(k)).collect();
        match point(&src, &doc, &axes, &at)? {
            Ok(scenario) => points.push(Point { values, scenario }),
            Err(e) if index == 0 && everywhere(&src, &doc, &axes, total, e.first())? => {
                return Err(e);
            }
            Err(e) => {
                let label = label(index, paths.iter().zip(&values));
                return Err(labelled(&label, e));
            }
        }
    }
    Ok(Points {
        paths,
        points,
        data_files: src.data_files(),
    })
}

/// Each axis's value index at point `index` (0-based), the last axis fastest.
fn coordinates(axes: &[Axis<'_>], mut index: usize) -> Vec<usize> {
    let mut at = vec![0; axes.len()];
    for (i, a) in axes.iter().enumerate().rev() {
        at[i] = index % a.values.len();
        index /= a.values.len();
    }
    at
}

/// The scenario at the point whose value indices are `at`: `doc` with those values put at
/// their paths, read and validated.
///
/// # Errors
/// Outside: a swept path that names nothing (the sweep's problem, whatever the point); inside:
/// the point's problems.
fn point(
    src: &Src<'_>,
    doc: &Spanned<DeTable<'_>>,
    axes: &[Axis<'_>],
    at: &[usize],
) -> Result<Result<Scenario, ConfigErrors>, ConfigErrors> {
    let mut tree = doc.get_ref().clone();
    for (a, &k) in axes.iter().zip(at) {
        overrides::put(src, &mut tree, &a.path, &a.key, a.value(k))?;
    }
    Ok(src.finish(build(src, &Spanned::new(doc.span(), tree))))
}

/// Whether the problem `first` is not the points' but the sweep's or the file's: at a swept
/// path (a field the scenario does not have), or the first problem of the scenario without the
/// sweeps and of every point.
fn everywhere(
    src: &Src<'_>,
    doc: &Spanned<DeTable<'_>>,
    axes: &[Axis<'_>],
    total: usize,
    first: &ConfigError,
) -> Result<bool, ConfigErrors> {
    let same_place = |a: &ConfigError| {
        (a.line, a.column, &a.origin) == (first.line, first.column, &first.origin)
    };
    if axes.iter().any(|a| same_place(&src.err(&a.key, "", ""))) {
        return Ok(true);
    }
    let same = |read: Result<Scenario, ConfigErrors>| read.is_err_and(|e| e.first() == first);
    if !same(src.finish(build(src, doc))) {
        return Ok(false);
    }
    for index in 1..total {
        if !same(point(src, doc, axes, &coordinates(axes, index))?) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The problems `e`, each message starting with the point's `label`.
fn labelled(label: &str, e: ConfigErrors) -> ConfigErrors {
    let mut errors = e.iter().cloned().map(|mut err| {
        err.message = format!("{label}: {}", err.message);
        err
    });
    let first = errors.next().expect("never empty");
    ConfigErrors::new(first, errors.collect(), e.not_shown())
}

#[cfg(test)]
mod tests;
