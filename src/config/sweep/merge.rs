//! Putting the axes together: the command line's replace the file's sweep of the same path, in
//! its place, or follow the file's; then the refusals: a path swept twice, paths inside one
//! another, fields a sweep may not vary (the points share trials, users and draws), and grids
//! of more than [`MAX_POINTS`] points.

use super::MAX_POINTS;
use super::axis::Axis;
use crate::config::field_path::render;
use crate::config::reader::Src;
use crate::error::ConfigError;

/// Puts the command line's axes `args` into the file's `axes`: one replaces the file's sweep of
/// the same path, in its place; the others follow, in order. Then checks the whole grid.
///
/// # Errors
/// A path swept twice in the file or on the command line, paths inside one another, a field a
/// sweep may not vary, more than [`MAX_POINTS`] points; located at the later sweep's path.
pub(super) fn merge<'i>(
    src: &Src<'_>,
    axes: &mut Vec<Axis<'i>>,
    args: Vec<Axis<'i>>,
) -> Result<(), ConfigError> {
    twice(src, axes, "give each path one [[sweep]]")?;
    twice(src, &args, "give each path one --sweep")?;
    for arg in args {
        match axes.iter().position(|a| a.path == arg.path) {
            Some(i) => axes[i] = arg,
            None => axes.push(arg),
        }
    }
    for (j, b) in axes.iter().enumerate() {
        let name = render(&b.path);
        if let Some(why) = refusal(&b.path) {
            return Err(src.err(&b.key, &name, format!("cannot sweep `{name}`: {why}")));
        }
        if let Some(a) = axes.iter().take(j).find(|a| nested(&a.path, &b.path)) {
            let (outer, inner) = if a.path.len() < b.path.len() {
                (a, b)
            } else {
                (b, a)
            };
            return Err(src.err(
                &b.key,
                &name,
                format!(
                    "`{}` ({}) lies inside `{}` ({}): sweep one or the other",
                    render(&inner.path),
                    inner.source,
                    render(&outer.path),
                    outer.source
                ),
            ));
        }
    }
    let mut total: u64 = 1;
    for b in axes.iter() {
        total = total.saturating_mul(b.values.len() as u64);
        if total > MAX_POINTS as u64 {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            let all: u64 = axes
                .iter()
                .fold(1, |n: u64, a| n.saturating_mul(a.values.len() as u64));
            return Err(src.err(
                &b.key,
                &render(&b.path),
                format!(
                    "the sweeps form a grid of {} = {all} points: at most {MAX_POINTS}",
                    sizes.join(" x ")
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a path two of `axes` sweep, at the later one.
fn twice(src: &Src<'_>, axes: &[Axis<'_>], hint: &str) -> Result<(), ConfigError> {
    for (j, b) in axes.iter().enumerate() {
        if let Some(a) = axes.iter().take(j).find(|a| a.path == b.path) {
            let name = render(&b.path);
            return Err(src.err(
                &b.key,
                &name,
                format!(
                    "`{name}` is swept twice, by {} and {}: {hint}",
                    a.source, b.source
                ),
            ));
        }
    }
    Ok(())
}

/// Whether one path lies inside the other (`plan.p.top_up` and `plan.p.top_up.price`).
fn nested(a: &[String], b: &[String]) -> bool {
    let n = a.len().min(b.len());
    a.len() != b.len() && a[..n] == b[..n]
}

/// Why a sweep may not vary the field at `path`, if it may not.
fn refusal(path: &[String]) -> Option<String> {
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    Some(match segments.as_slice() {
        ["simulation", "seed", ..] => "the points of a sweep share their random draws (common \
             random numbers); to vary the seed, run once per seed with --seed"
            .into(),
        ["simulation", "users", ..] => "the points of a sweep simulate the same users; set \
             their number with --users or [simulation] users"
            .into(),
        ["simulation", "trials", ..] => "the points of a sweep run the same trials; set their \
             number with --trials or [simulation] trials"
            .into(),
        ["simulation", "months", ..] => "the points of a sweep simulate the same months; set \
             them with --months or [simulation] months"
            .into(),
        ["simulation", ..] => "[simulation] is shared by every point of a sweep".into(),
        ["name", ..] => "the points of a sweep are one scenario, with one name".into(),
        [what @ ("plan" | "segment"), _, "name", ..] => {
            format!("a {what}'s name identifies its rows at every point of a sweep")
        }
        _ => return None,
    })
}
