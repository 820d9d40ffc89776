//! The summary table: summary.csv's main columns, money as `$1,234`, shares as percentages,
//! and a percentile's 95% confidence interval under it where the file has one.

use super::chart::{money_full, percent};
use super::table::Table;
use super::{ReportError, Section, html};

/// How a column is shown.
#[derive(Clone, Copy)]
enum Format {
    Text,
    Money,
    Share,
    Count,
}

/// The columns shown, in order, with their headings; a column the file lacks is left out.
const COLUMNS: [(&str, &str, Format); 13] = [
    ("plan", "plan", Format::Text),
    ("kind", "kind", Format::Text),
    ("subscribers_mean", "subscribers", Format::Count),
    ("revenue_mean", "revenue (mean)", Format::Money),
    ("profit_mean", "profit (mean)", Format::Money),
    ("profit_p05", "profit p05", Format::Money),
    ("profit_p50", "profit p50", Format::Money),
    ("profit_p95", "profit p95", Format::Money),
    ("cvar_05", "worst 5% (mean)", Format::Money),
    ("prob_loss", "P(loss)", Format::Share),
    ("margin_p50", "margin p50", Format::Share),
    ("loss_user_share", "loss users", Format::Share),
    ("profit_per_user", "profit / user", Format::Money),
];

/// The summary section.
///
/// # Errors
/// A cell of a numeric column that is not a number.
pub(super) fn section(t: &Table) -> Result<Section, ReportError> {
    let shown: Vec<_> = COLUMNS
        .iter()
        .filter_map(|&(col, head, f)| t.find(col).map(|i| (i, col, head, f)))
        .collect();
    let mut s = String::from("<div class=\"scroll\"><table>\n<tr>");
    for (_, _, head, _) in &shown {
        s.push_str(&format!("<th>{head}</th>"));
    }
    s.push_str("</tr>\n");
    for row in 0..t.rows.len() {
        s.push_str("<tr>");
        for &(i, col, _, f) in &shown {
            let cell = match f {
                Format::Text => {
                    s.push_str(&format!("<td class=\"text\">{}</td>", html(t.text(row, i))));
                    continue;
                }
                Format::Money => t.num(row, i)?.map(money_full),
                Format::Share => t.num(row, i)?.map(percent),
                Format::Count => t.num(row, i)?.map(|x| format!("{x:.0}")),
            };
            let mut cell = cell.unwrap_or_else(|| "–".into());
            if let (Some(lo), Some(hi)) =
                (t.find(&format!("{col}_lo")), t.find(&format!("{col}_hi")))
                && let (Some(lo), Some(hi)) = (t.num(row, lo)?, t.num(row, hi)?)
            {
                cell.push_str(&format!(
                    "<br><small>{} to {}</small>",
                    money_full(lo),
                    money_full(hi)
                ));
            }
            s.push_str(&format!("<td>{cell}</td>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table></div>\n");
    let ci = t.header.iter().any(|h| h.ends_with("_lo"));
    let mut intro = String::from(
        "<p>One row per plan (and the <code>portfolio</code> in menu mode), from \
         <code>summary.csv</code>. Profit is in $ over all users and months of one trial; p05, \
         p50 and p95 are its percentiles over trials: in 5% of the simulated worlds profit is \
         below p05. <em>worst 5%</em> is the mean profit of those worlds (cvar_05), \
         <em>P(loss)</em> the share of trials losing money, <em>loss users</em> the share of \
         subscribers who cost more than they paid.",
    );
    if ci {
        intro.push_str(
            " Under a percentile, its 95% confidence interval (<code>_lo</code> to \
             <code>_hi</code>): how precisely the trials pin it down.",
        );
    }
    intro.push_str("</p>");
    Ok(Section {
        id: "summary",
        title: "Summary".into(),
        intro,
        body: s,
    })
}
