//! `[[correlation]]`: target rank correlations between trial-level inputs, read strictly.
//!
//! A table gives two `paths` and a `rank`, or several `paths` and a `matrix` (symmetric, unit
//! diagonal, entries in [-1, 1]). Every path must be a trial-level input of the scenario (a slot,
//! a trials.csv column) whose distribution has fixed parameters. The pairs of all tables merge
//! into one matrix over every correlated input, in order of first mention (a pair no table
//! gives has target 0; a pair given twice is refused); each group of inputs linked by pairs
//! must be positive semi-definite. The tables are read from the parsed tree after the rest of
//! the scenario, so errors carry file:line:column and the field path
//! (`correlation[1].matrix[0][2]`). Overrides by path (`--set correlation...`) do not reach
//! these tables.

use toml::de::DeValue;

use super::numbers::number;
use super::reader::{Tbl, Value, as_str, suggest, type_name};
use crate::error::ConfigError;
use crate::model::Slot;
use crate::model::correlation::{Correlation, MAX_INPUTS, PSD_TOL, min_eigenvalue};

/// One pair's target and the table that gave it.
struct Pair {
    a: usize,
    b: usize,
    rank: f64,
    table: usize,
}

/// Reads every `[[correlation]]` table of `root` against the scenario's `slots`; `None` when
/// there is none.
///
/// # Errors
/// The first problem, located: an unknown field, a path that is not a correlatable
/// trial-level input, a bad value, a pair given twice, too many inputs, or a group of inputs
/// whose matrix is not positive semi-definite.
pub fn read(root: &Tbl<'_, '_>, slots: &[Slot]) -> Result<Option<Correlation>, ConfigError> {
    let tables = root.tables("correlation")?;
    if tables.is_empty() {
        return Ok(None);
    }
    let mut inputs: Vec<usize> = Vec::new(); // slot indices, in order of first mention
    let mut pairs: Vec<Pair> = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        t.allow(&["paths", "rank", "matrix"])?;
        let local = paths(t, slots)?;
        let at: Vec<usize> = local
            .iter()
            .map(|&s| match inputs.iter().position(|&x| x == s) {
                Some(i) => i,
                None => {
                    inputs.push(s);
                    inputs.len() - 1
                }
            })
            .collect();
        if inputs.len() > MAX_INPUTS {
            return Err(t.err_for(
                "paths",
                format!(
                    "{} correlated inputs: at most {MAX_INPUTS} (half a block of trials)",
                    inputs.len()
                ),
            ));
        }
        for (i, j, rank, v) in values(t, local.len())? {
            let (a, b) = (at[i].min(at[j]), at[i].max(at[j]));
            if let Some(p) = pairs.iter().find(|p| (p.a, p.b) == (a, b)) {
                return Err(t.src.err(
                    &v.span(),
                    &t.path,
                    format!(
                        "the pair `{}`, `{}` is already given by correlation[{}]: give each \
                         pair once",
                        slots[inputs[a]].path, slots[inputs[b]].path, p.table
                    ),
                ));
            }
            pairs.push(Pair {
                a,
                b,
                rank,
                table: ti,
            });
        }
    }
    let k = inputs.len();
    let mut target = vec![vec![0.0; k]; k];
    for (i, row) in target.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for p in &pairs {
        target[p.a][p.b] = p.rank;
        target[p.b][p.a] = p.rank;
    }
    check_groups(&tables, &pairs, &target, &inputs, slots)?;
    let paths = inputs.iter().map(|&s| slots[s].path.clone()).collect();
    Correlation::new(paths, inputs, target)
        .map(Some)
        .map_err(|e| tables[0].err(format!("not positive semi-definite ({e:?})")))
}

/// Checks that the matrix of each group of inputs linked by pairs is positive semi-definite
/// (the whole matrix is then), naming the group's tables.
fn check_groups(
    tables: &[Tbl<'_, '_>],
    pairs: &[Pair],
    target: &[Vec<f64>],
    inputs: &[usize],
    slots: &[Slot],
) -> Result<(), ConfigError> {
    let k = target.len();
    let mut group: Vec<usize> = (0..k).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            i = group[i];
        }
        i
    }
    for p in pairs {
        let (a, b) = (root(&mut group, p.a), root(&mut group, p.b));
        group[a.max(b)] = a.min(b);
    }
    let mut done = vec![false; k];
    for g in 0..k {
        let g = root(&mut group, g);
        if done[g] {
            continue;
        }
        done[g] = true;
        let members: Vec<usize> = (0..k).filter(|&i| root(&mut group, i) == g).collect();
        let sub: Vec<Vec<f64>> = members
            .iter()
            .map(|&i| members.iter().map(|&j| target[i][j]).collect())
            .collect();
        let min = min_eigenvalue(&sub);
        if min >= -PSD_TOL {
            continue;
        }
        let mut named: Vec<usize> = pairs
            .iter()
            .filter(|p| members.contains(&p.a))
            .map(|p| p.table)
            .collect();
        named.dedup();
        let names: Vec<String> = named.iter().map(|t| format!("correlation[{t}]")).collect();
        let paths: Vec<&str> = members
            .iter()
            .map(|&i| slots[inputs[i]].path.as_str())
            .collect();
        return Err(tables[named[0]].err(format!(
            "the rank correlations of {} are not positive semi-definite (smallest eigenvalue \
             {min:.4}): no joint distribution of {} has them; weaken the strongest ones",
            names.join(", "),
            paths.join(", ")
        )));
    }
    Ok(())
}

/// The table's `paths`: slot indices of correlatable trial-level inputs, at least two,
/// distinct.
fn paths(t: &Tbl<'_, '_>, slots: &[Slot]) -> Result<Vec<usize>, ConfigError> {
    let v = t.req("paths")?;
    let path = t.child("paths");
    let DeValue::Array(items) = v.get_ref() else {
        return Err(t.src.err(
            &v.span(),
            &path,
            format!(
                "expected an array of field paths, found {}",
                type_name(v.get_ref())
            ),
        ));
    };
    if items.len() < 2 {
        return Err(t.src.err(
            &v.span(),
            &path,
            format!(
                "a correlation needs at least two paths, found {}",
                items.len()
            ),
        ));
    }
    let names: Vec<&str> = slots.iter().map(|s| s.path.as_str()).collect();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let p = as_str(t.src, item, &at)?;
        let Some(s) = names.iter().position(|n| *n == p) else {
            return Err(t.src.err(&item.span(), &at, unknown(p, &names)));
        };
        if !slots[s].dist.is_fixed() {
            let params: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| n.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
                .collect();
            return Err(t.src.err(
                &item.span(),
                &at,
                format!(
                    "`{p}` cannot be correlated: its distribution has drawn parameters ({}); \
                     correlate those, or fix them",
                    params.join(", ")
                ),
            ));
        }
        if out.contains(&s) {
            return Err(t
                .src
                .err(&item.span(), &at, format!("`{p}` is listed twice")));
        }
        out.push(s);
    }
    Ok(out)
}

/// The message for a path that is not a trial-level input.
fn unknown(p: &str, names: &[&str]) -> String {
    let mut msg = format!(
        "`{p}` is not a trial-level input of this scenario (a field given as a distribution \
         table, drawn once per trial: a trials.csv column)"
    );
    if let Some(s) = suggest(p, names) {
        msg.push_str(&format!("; did you mean `{s}`?"));
    } else if names.is_empty() {
        msg.push_str("; this scenario has none");
    } else {
        msg.push_str(&format!("; its trial-level inputs: {}", names.join(", ")));
    }
    msg
}

/// The pairs a table gives, as (i, j, rank, where), i < j indexing its paths: from `rank`
/// (two paths) or `matrix`, exactly one of them.
fn values<'a, 'i>(
    t: &Tbl<'a, 'i>,
    k: usize,
) -> Result<Vec<(usize, usize, f64, &'a Value<'i>)>, ConfigError> {
    match (t.get("rank"), t.get("matrix")) {
        (Some(_), Some(m)) => Err(t.src.err(
            &m.span(),
            &t.child("matrix"),
            "give either `rank` (two paths) or `matrix`, not both",
        )),
        (None, None) => Err(t.err_for(
            "rank",
            "missing `rank` (two paths) or `matrix` (the rank correlations of all paths)",
        )),
        (Some(v), None) => {
            if k != 2 {
                return Err(t.src.err(
                    &v.span(),
                    &t.child("rank"),
                    format!("`rank` takes exactly two paths, found {k}: give a `matrix`"),
                ));
            }
            Ok(vec![(0, 1, entry(t, v, &t.child("rank"))?, v)])
        }
        (None, Some(m)) => matrix(t, m, k),
    }
}

/// A rank correlation in [-1, 1].
fn entry(t: &Tbl<'_, '_>, v: &Value<'_>, path: &str) -> Result<f64, ConfigError> {
    let x = number(t.src, v, path)?;
    if !(-1.0..=1.0).contains(&x) {
        return Err(t.src.err(
            &v.span(),
            path,
            format!("a rank correlation is in [-1, 1], got {x}"),
        ));
    }
    Ok(x)
}

/// A k x k matrix: unit diagonal, symmetric, entries in [-1, 1]; its upper triangle's pairs.
#[allow(clippy::needless_range_loop)] // cells[i][j] against cells[j][i]
fn matrix<'a, 'i>(
    t: &Tbl<'a, 'i>,
    m: &'a Value<'i>,
    k: usize,
) -> Result<Vec<(usize, usize, f64, &'a Value<'i>)>, ConfigError> {
    let path = t.child("matrix");
    let shape = format!("expected {k} rows of {k} numbers, one row per path");
    let rows = match m.get_ref() {
        DeValue::Array(rows) if rows.len() == k => rows,
        DeValue::Array(rows) => {
            let msg = format!("{shape}, found {} rows", rows.len());
            return Err(t.src.err(&m.span(), &path, msg));
        }
        other => {
            let msg = format!("{shape}, found {}", type_name(other));
            return Err(t.src.err(&m.span(), &path, msg));
        }
    };
    let mut cells: Vec<Vec<(f64, &'a Value<'i>)>> = Vec::with_capacity(k);
    for (i, row) in rows.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let items = match row.get_ref() {
            DeValue::Array(items) if items.len() == k => items,
            other => {
                let found = match other {
                    DeValue::Array(items) => format!("{} numbers", items.len()),
                    other => type_name(other).to_string(),
                };
                let msg = format!("expected a row of {k} numbers, found {found}");
                return Err(t.src.err(&row.span(), &at, msg));
            }
        };
        let mut out = Vec::with_capacity(k);
        for (j, v) in items.iter().enumerate() {
            out.push((entry(t, v, &format!("{at}[{j}]"))?, v));
        }
        cells.push(out);
    }
    let mut pairs = Vec::new();
    for i in 0..k {
        let (d, v) = cells[i][i];
        if d != 1.0 {
            let msg = format!("a diagonal entry is 1 (each input with itself), got {d}");
            return Err(t.src.err(&v.span(), &format!("{path}[{i}][{i}]"), msg));
        }
        for j in i + 1..k {
            let ((x, v), (y, w)) = (cells[i][j], cells[j][i]);
            if x != y {
                return Err(t.src.err(
                    &w.span(),
                    &format!("{path}[{j}][{i}]"),
                    format!(
                        "the matrix must be symmetric: [{j}][{i}] is {y} but [{i}][{j}] is {x}"
                    ),
                ));
            }
            pairs.push((i, j, x, v));
        }
    }
    Ok(pairs)
}
