//! What a column holds, decided by its name: text or numbers, and the number format of
//! numbers ($, %, or Excel's General). The rules, first match wins (docs/outputs.md lists
//! them too):
//!
//! 1. `plan`, `kind`, `segment`, `option`, `external`, `input`, `vs_plan`: text.
//! 2. A name with a `.` (a field path: trials.csv's draws, sweep.csv's swept paths): General,
//!    since the unit is the field's.
//! 3. `*_share`, `share_*`, `*margin*`, `prob_*`: percent (`0.0%`).
//! 4. `*_to_*` (a ratio such as `cost_to_retail`): General.
//! 5. A name containing `profit`, `revenue`, `cost`, `fees`, `overhead`, `price`, `bill`,
//!    `value`, `surplus`, `npv`, `cvar`, `arpu`, `trueup` or starting with `diff_`: money
//!    (`$#,##0.00`).
//! 6. Anything else (counts, indices, correlations, an input's statistics): General.
//!
//! A column is numeric when its rule is not text and each of its non-empty cells parses as a
//! finite number; otherwise every cell of it stays text.

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// Text, as in the CSV.
    Text,
    /// Numbers in dollars.
    Money,
    /// Fractions shown as percentages.
    Percent,
    /// Numbers in Excel's General format.
    Plain,
}

/// Excel number format of money cells.
pub(super) const MONEY_FORMAT: &str = "$#,##0.00";
/// Excel number format of percent cells.
pub(super) const PERCENT_FORMAT: &str = "0.0%";

const TEXT: [&str; 7] = [
    "plan", "kind", "segment", "option", "external", "input", "vs_plan",
];

const MONEY: [&str; 13] = [
    "profit", "revenue", "cost", "fees", "overhead", "price", "bill", "value", "surplus", "npv",
    "cvar", "arpu", "trueup",
];

/// The style a column named `name` gets by the rules above (before looking at its cells).
pub(super) fn style_of(name: &str) -> Style {
    if TEXT.contains(&name) {
        Style::Text
    } else if name.contains('.') {
        Style::Plain
    } else if name.ends_with("_share")
        || name.starts_with("share_")
        || name.contains("margin")
        || name.starts_with("prob_")
    {
        Style::Percent
    } else if name.contains("_to_") {
        Style::Plain
    } else if name.starts_with("diff_") || MONEY.iter().any(|m| name.contains(m)) {
        Style::Money
    } else {
        Style::Plain
    }
}

/// A cell's number, if it is one: a finite f64.
pub(super) fn number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The style of a column named `name` once its cells are seen: its rule's, unless
/// `all_numbers` is false (a non-empty cell is not a number), which makes it text.
pub(super) fn settle(name: &str, all_numbers: bool) -> Style {
    match style_of(name) {
        Style::Text => Style::Text,
        _ if !all_numbers => Style::Text,
        style => style,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_outputs_gets_the_style_its_unit_says() {
        use Style::*;
        let cases = [
            ("plan", Text),
            ("kind", Text),
            ("vs_plan", Text),
            ("trials", Plain),
            ("users", Plain),
            ("decile", Plain),
            ("month", Plain),
            ("point", Plain),
            ("revenue_mean", Money),
            ("cost_mean", Money),
            ("fees_mean", Money),
            ("overhead_mean", Money),
            ("profit_sd", Money),
            ("profit_p05", Money),
            ("profit_p05_lo", Money),
            ("cvar_05", Money),
            ("retail_value_mean", Money),
            ("arpu", Money),
            ("npv_p50", Money),
            ("cost_per_success", Money),
            ("trueup_open_mean", Money),
            ("expected_bill_mean", Money),
            ("surplus_mean", Money),
            ("diff_se", Money),
            ("tail_mean", Plain),
            ("spearman", Plain),
            ("tail_shift_sd", Plain),
            ("prob_loss", Percent),
            ("prob_better", Percent),
            ("margin_p50", Percent),
            ("margin", Percent),
            ("loss_user_share", Percent),
            ("share_of_profit", Percent),
            ("share_of_segment", Percent),
            ("served_share", Percent),
            ("variance_share", Percent),
            ("cost_to_retail", Plain),
            ("cost.annual_decline", Plain),
            ("plan.max-20x.price", Plain),
            ("served_output_tokens", Plain),
            ("breakage_credits", Plain),
            ("subscribers_mean", Plain),
        ];
        for (name, style) in cases {
            assert_eq!(style_of(name), style, "{name}");
        }
    }

    #[test]
    fn a_column_with_a_word_in_it_is_text() {
        assert_eq!(settle("profit", true), Style::Money);
        assert_eq!(settle("plan.x.mode", false), Style::Text);
        assert_eq!(settle("plan", true), Style::Text);
        assert_eq!(number("inf"), None);
        assert_eq!(number("NaN"), None);
        assert_eq!(number(""), None);
        assert_eq!(number("-0.25"), Some(-0.25));
    }
}
