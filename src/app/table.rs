//! The human-readable table printed after a run, and the lines under it that say what the
//! numbers are over: which users each row bills, how many of them are still active at the end
//! of the horizon, and (when nothing is drawn per trial) what the p05-p95 band does not show.
//! One row per row of [`Scenario::rows`]; in menu mode with a `subscribers` column and the
//! portfolio row.

use crate::analysis::summary::PlanSummary;
use crate::model::Scenario;
use crate::results::{RunResults, per_trial};

/// The human-readable table printed after a run, with the lines under it: its rows in `order`
/// (row indices; `None`: file order) and, with `marked`, that row (the baseline) flagged with
/// `*` and the legend line under the table.
pub(super) fn ranked_table(
    scn: &Scenario,
    results: &RunResults,
    rows: &[PlanSummary],
    order: Option<&[usize]>,
    marked: Option<(usize, &str)>,
) -> String {
    let menu = scn.is_menu();
    let order: Vec<usize> = order.map_or_else(|| (0..rows.len()).collect(), <[usize]>::to_vec);
    let lines: Vec<Line<'_>> = order
        .iter()
        .map(|&i| Line {
            lead: Vec::new(),
            row: &rows[i],
            marked: marked.is_some_and(|(m, _)| m == i),
        })
        .collect();
    let mut s = rows_text(menu, &[], &lines);
    if let Some((_, legend)) = marked {
        s.push_str(legend);
        s.push('\n');
    }
    let users = scn.simulation.users;
    let months = scn.simulation.months;
    // The users of a trial, arrivals included (mean over trials); `users` without arrivals.
    let population = rows.first().map_or(users as f64, |r| r.users);
    let billed = rows.iter().map(|r| (r.plan.as_str(), r.subscribers_mean));
    s.push_str(&if menu {
        format!(
            "Each of the {population:.0} users (per trial, arrivals included) chose one plan of \
             the menu or none; each row is over its subscribers (billed on it in at least one \
             month), portfolio over all our plans, each user once.\n"
        )
    } else {
        match per_plan(billed.clone()) {
            Some(n) if n == users as f64 => format!(
                "Each row bills all {users} users on that plan: every user on every plan, not a \
                 split of them.\n"
            ),
            Some(n) => format!(
                "Each row bills all {n:.0} users of a trial (arrivals included, mean over trials) \
                 on that plan: every user on every plan, not a split of them.\n"
            ),
            _ => format!(
                "Each row is over the users billed on that plan (per trial: {}).\n",
                list(billed)
            ),
        }
    });
    s.push_str(&format!(
        "Profit is in $, summed over those users and {months} months of one trial.\n"
    ));
    let active = rows.iter().enumerate().map(|(p, r)| {
        let n = results.months[p].last().map_or(0, |m| m.active_users);
        (
            r.plan.as_str(),
            per_trial(n, results.trial_count()).unwrap_or(0.0),
        )
    });
    let active = match per_plan(active.clone()) {
        Some(n) if !menu => format!("{n:.0} of {population:.0} users"),
        _ => format!("{} (of {population:.0} users)", list(active)),
    };
    s.push_str(&format!(
        "Active at the end of the horizon (month {}): {active}, mean over trials.\n",
        months.saturating_sub(1)
    ));
    if scn.slots.is_empty() {
        s.push_str(
            "No trial-level draws, so the p05-p95 band reflects only the sampling of users.\n",
        );
    }
    s
}

/// One line of the table: its leading cells (a sweep's point and swept values), its row, and
/// whether it is the baseline (flagged with `*`).
pub(super) struct Line<'a> {
    pub lead: Vec<String>,
    pub row: &'a PlanSummary,
    pub marked: bool,
}

/// The header and one line per [`Line`]: plan, the leading columns headed `lead`, in menu
/// mode subscribers, then the profit columns.
pub(super) fn rows_text(menu: bool, lead: &[String], lines: &[Line<'_>]) -> String {
    let name = |l: &Line<'_>| {
        if l.marked {
            format!("{} *", l.row.plan)
        } else {
            l.row.plan.clone()
        }
    };
    let width = lines
        .iter()
        .map(|l| name(l).len())
        .max()
        .unwrap_or(4)
        .max(4);
    let lead_widths: Vec<usize> = lead
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cells = lines.iter().map(|l| l.lead.get(i).map_or(0, String::len));
            cells.chain([h.len()]).max().unwrap_or(0)
        })
        .collect();
    let leading = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&lead_widths)
            .map(|(c, w)| format!("  {c:>w$}"))
            .collect()
    };
    let subscribers = |text: String| {
        if menu {
            format!("  {text:>11}")
        } else {
            String::new()
        }
    };
    let mut s = format!(
        "{:<width$}{}{}  {:>14}  {:>14}  {:>14}  {:>10}  {:>9}  {:>15}\n",
        "plan",
        leading(lead),
        subscribers("subscribers".into()),
        "profit_p05",
        "profit_p50",
        "profit_p95",
        "margin_p50",
        "prob_loss",
        "loss_user_share"
    );
    for l in lines {
        let r = l.row;
        let margin = r.margin_pct[1].map_or("-".to_string(), |m| format!("{:.1}%", 100.0 * m));
        s.push_str(&format!(
            "{:<width$}{}{}  {:>14.0}  {:>14.0}  {:>14.0}  {:>10}  {:>9}  {:>15}\n",
            name(l),
            leading(&l.lead),
            subscribers(format!("{:.0}", r.subscribers_mean)),
            r.profit_pct[1],
            r.profit_pct[4],
            r.profit_pct[7],
            margin,
            share(r.prob_loss),
            r.loss_user_share.map_or("-".to_string(), share)
        ));
    }
    s
}

/// A share in [0, 1] to three decimals, where a nonzero share never reads as 0 and a share
/// below 1 never reads as 1: `0` (exactly), `<0.001`, `0.032`, `>0.999`, `1` (exactly).
fn share(x: f64) -> String {
    let s = format!("{x:.3}");
    if x == 0.0 {
        "0".into()
    } else if x == 1.0 {
        "1".into()
    } else if x > 0.0 && s == "0.000" {
        "<0.001".into()
    } else if x < 1.0 && s == "1.000" {
        ">0.999".into()
    } else {
        s
    }
}

/// The one value every plan shares, if they do.
fn per_plan<'a>(mut values: impl Iterator<Item = (&'a str, f64)>) -> Option<f64> {
    let (_, first) = values.next()?;
    values.all(|(_, v)| v == first).then_some(first)
}

/// `plan value, plan value, ...`, values rounded to whole users.
fn list<'a>(values: impl Iterator<Item = (&'a str, f64)>) -> String {
    values
        .map(|(plan, v)| format!("{plan} {v:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::{ranked_table, share};
    use crate::analysis::summary::summarize;
    use crate::results::{
        MonthTotals, PlanTrial, PopulationMonth, Provenance, RunResults, Totals, TrialGroups,
        TrialResult,
    };

    #[test]
    fn in_menu_mode_the_table_has_subscribers_and_the_portfolio_row() {
        let scn = crate::config::parse(
            r#"
name = "menu"
[simulation]
trials = 1
users = 10
months = 1
[retail]
input = 1
output = 1
[cost]
input = 0
output = 0
[market]
mode = "menu"
[[segment]]
name = "s"
share = 1
output_tokens = 1
value = 30
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "max"
kind = "flat"
price = 20
"#,
            "menu.toml",
        )
        .unwrap();
        let plan = |users, profit| PlanTrial {
            totals: Totals {
                users,
                profit,
                ..Totals::default()
            },
            month_profit: vec![profit],
            npv: profit,
            segments: vec![Default::default()],
        };
        let mut res = RunResults::new(Provenance::default(), 3, 1, 1).with_menu(3);
        let trial = TrialResult {
            trial: 0,
            draws: vec![],
            plans: vec![plan(0, 0.0), plan(4, 40.0), plan(4, 40.0)],
            groups: None,
        };
        res.push(trial, TrialGroups::default(), false);
        for (p, active) in [(1, 3), (2, 3)] {
            res.months[p][0] = MonthTotals {
                active_users: active,
                ..MonthTotals::default()
            };
        }
        res.population[0] = PopulationMonth {
            arrived: 10,
            ..PopulationMonth::default()
        };
        let table = ranked_table(&scn, &res, &summarize(&scn, &res), None, None);
        let lines: Vec<Vec<&str>> = table
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            lines[0][..3],
            ["plan", "subscribers", "profit_p05"],
            "{table}"
        );
        // Nobody chose api: no loss share among its subscribers.
        assert_eq!(lines[1][..2], ["api", "0"], "{table}");
        assert_eq!(lines[1].last(), Some(&"-"), "{table}");
        assert_eq!(lines[2][..3], ["max", "4", "40"], "{table}");
        assert_eq!(lines[3][..3], ["portfolio", "4", "40"], "{table}");
        assert!(
            table.contains("\nEach of the 10 users (per trial, arrivals included) chose one "),
            "{table}"
        );
        assert!(
            table.contains(
                "\nActive at the end of the horizon (month 0): api 0, max 3, portfolio 3 (of 10 \
                 users), mean over trials.\n"
            ),
            "{table}"
        );
    }

    #[test]
    fn a_nonzero_share_never_prints_as_zero_nor_one_below_one_as_one() {
        assert_eq!(share(0.0), "0");
        assert_eq!(share(0.000089), "<0.001");
        assert_eq!(share(0.0004999), "<0.001");
        assert_eq!(share(0.0005), "0.001");
        assert_eq!(share(0.032), "0.032");
        assert_eq!(share(0.9996), ">0.999");
        assert_eq!(share(1.0), "1");
    }
}
