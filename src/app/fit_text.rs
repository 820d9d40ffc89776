//! What `plansim fit` prints: the read summary, the notes, the fit table (each candidate's
//! parameters, BIC, KS and AD, the chosen one marked), the chosen parameters' bootstrap
//! intervals, the segments, what was written, and without `--out` the `[[segment]]` tables.

use std::fmt::Write as _;
use std::path::Path;

use crate::fit::pipeline::{Options, Outcome};
use crate::fit::segments::SegmentsArg;
use crate::fit::toml::num;
use crate::usage::Panel;

/// The whole stdout text.
pub(super) fn stdout_text(
    panel: &Panel,
    fit: &Outcome,
    opts: &Options,
    tables: &str,
    dir: &Path,
    out: Option<&Path>,
) -> String {
    let mut t = read_summary(panel);
    let report = &fit.report;
    if !report.notes.is_empty() {
        t.push_str("\nnotes:\n");
        for n in &report.notes {
            let _ = writeln!(t, "  - {n}");
        }
    }
    for q in &report.quantities {
        let _ = writeln!(
            t,
            "\n{}: the typical monthly output tokens of {} users (mean of their active \
             months), candidates by BIC (* = chosen; the Pareto tail model's BIC, KS and AD \
             are of its tail only):",
            q.quantity,
            q.data.len()
        );
        let rows: Vec<[String; 5]> = q
            .candidates
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mark = if i == q.chosen { "* " } else { "  " };
                let params: Vec<String> = f
                    .model
                    .params()
                    .iter()
                    .map(|(k, v)| format!("{k}={}", short(*v)))
                    .collect();
                [
                    format!("{mark}{}", f.model.name()),
                    format!("{:.1}", f.bic),
                    format!("{:.4}", f.ks),
                    format!("{:.3}", f.ad),
                    params.join(" "),
                ]
            })
            .collect();
        t.push_str(&table(
            &["  candidate", "BIC", "KS", "AD", "parameters"],
            &rows,
        ));
        let why = match opts.segments {
            SegmentsArg::Auto => "--segments auto: the lognormal mixture (K = 1 to 6) with the \
                                  lowest BIC, one segment per component"
                .to_string(),
            SegmentsArg::Count(1) => "--segments 1: the whole-sample candidate with the \
                                      lowest BIC"
                .to_string(),
            SegmentsArg::Count(k) => {
                format!("--segments {k}: the {k}-component lognormal mixture, one segment each")
            }
        };
        let chosen = &q.candidates[q.chosen];
        let _ = writeln!(t, "chosen: {} ({why})", chosen.model.name());
        if q.intervals.is_empty() {
            t.push_str("no bootstrap intervals (--bootstrap 0)\n");
        } else {
            let _ = writeln!(
                t,
                "90% bootstrap intervals ({} resamples of the users, seed {}):",
                opts.bootstrap, opts.seed
            );
            let rows: Vec<[String; 4]> = q
                .intervals
                .iter()
                .map(|iv| {
                    [
                        format!("  {}", iv.name),
                        short(iv.estimate),
                        short(iv.lo),
                        short(iv.hi),
                    ]
                })
                .collect();
            t.push_str(&table(&["  param", "estimate", "lo", "hi"], &rows));
        }
    }
    t.push_str("\nsegments:\n");
    let claimed = |i: usize| fit.assigned.iter().filter(|a| **a == Some(i)).count();
    for (i, s) in fit.segments.iter().enumerate() {
        let _ = writeln!(
            t,
            "  {}: share {}, {} users",
            s.name,
            num(s.share),
            claimed(i)
        );
    }
    let _ = writeln!(
        t,
        "\nwrote {} (fit_report.csv, fit_params.csv, fit_users.csv)",
        dir.display()
    );
    match out {
        Some(out) => {
            let _ = writeln!(t, "wrote {}", out.display());
        }
        None => {
            t.push_str(
                "\n# The fitted [[segment]] tables (--out FILE.toml writes a whole scenario):\n",
            );
            t.push_str(tables);
        }
    }
    t
}

/// The read summary of the export ([`Panel::summary`]).
fn read_summary(panel: &Panel) -> String {
    format!("read {}\n", panel.summary())
}

/// A number to 4 significant digits.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let y: f64 = format!("{x:.3e}").parse().unwrap_or(x);
    if (1e-3..1e7).contains(&y.abs()) {
        format!("{y}")
    } else {
        format!("{y:e}")
    }
}

/// Rows under `head`, left-aligned, columns two spaces apart (the last not padded).
fn table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    let mut width = head.map(str::len);
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut t = String::new();
    let line = |cells: Vec<&str>, t: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ", w = width[i]);
            }
        }
        t.push_str(l.trim_end());
        t.push('\n');
    };
    line(head.to_vec(), &mut t);
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut t);
    }
    t
}

/// `plansim fit` and its arguments as typed, quoted where a shell would need it.
pub(super) fn command_line() -> String {
    let quote = |a: String| {
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c));
        if plain {
            a
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    let args: Vec<String> = std::env::args().skip(1).map(quote).collect();
    comment_safe(&format!("plansim {}", args.join(" ")))
}

/// `s` with its control characters escaped, so it stays on one comment line.
pub(super) fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
