//! Native Excel charts over the sheets' own cells, so they follow the numbers:
//!
//! - on a summary.csv sheet, a line chart of each row's profit percentiles (its
//!   `profit_pXX` columns, p01 to p99, as the categories; one line per plan), below the table;
//! - on a deciles.csv sheet, a column chart of `profit_per_user` by `decile`, one series per
//!   plan (a plan's rows are consecutive), right of the table.
//!
//! A table split over several sheets gets no chart; a sheet without the columns gets none.

use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};

/// Adds the chart of the table at `path` (its `header` and `rows`, on the sheet `name`) to
/// `ws`, if it has one.
pub(super) fn add(
    ws: &mut Worksheet,
    name: &str,
    path: &str,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let find = |c: &str| header.iter().position(|h| h == c);
    if rows.is_empty() {
        return Ok(());
    }
    match (file, find("plan")) {
        ("summary.csv", Some(plan)) => {
            let Some((first, last)) = percentile_columns(header) else {
                return Ok(());
            };
            let mut chart = Chart::new(ChartType::Line);
            chart.title().set_name("Profit percentiles per plan");
            chart.x_axis().set_name("percentile of trial profit");
            chart
                .y_axis()
                .set_name("profit ($)")
                .set_num_format("$#,##0");
            chart.set_width(720).set_height(360);
            for r in 1..=rows.len() as u32 {
                chart
                    .add_series()
                    .set_name((name, r, col(plan)))
                    .set_categories((name, 0, col(first), 0, col(last)))
                    .set_values((name, r, col(first), r, col(last)));
            }
            ws.insert_chart(rows.len() as u32 + 2, 0, &chart)?;
        }
        ("deciles.csv", Some(plan)) => {
            let (Some(decile), Some(profit)) = (find("decile"), find("profit_per_user")) else {
                return Ok(());
            };
            let mut chart = Chart::new(ChartType::Column);
            chart.title().set_name("Profit per user by demand decile");
            chart.x_axis().set_name("demand decile (1 = lightest)");
            chart
                .y_axis()
                .set_name("profit per user ($)")
                .set_num_format("$#,##0");
            chart.set_width(720).set_height(360);
            let mut start = 0;
            while start < rows.len() {
                let end = (start..rows.len())
                    .find(|&i| rows[i][plan] != rows[start][plan])
                    .unwrap_or(rows.len());
                let (first, last) = (start as u32 + 1, end as u32);
                chart
                    .add_series()
                    .set_name((name, first, col(plan)))
                    .set_categories((name, first, col(decile), last, col(decile)))
                    .set_values((name, first, col(profit), last, col(profit)));
                start = end;
            }
            ws.insert_chart(1, col(header.len() + 1), &chart)?;
        }
        _ => {}
    }
    Ok(())
}

/// The first and last of the consecutive `profit_pXX` columns (two digits, no suffix).
fn percentile_columns(header: &[String]) -> Option<(usize, usize)> {
    let is_pct = |h: &str| {
        h.strip_prefix("profit_p")
            .is_some_and(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()))
    };
    let first = header.iter().position(|h| is_pct(h))?;
    let run = header[first..].iter().take_while(|h| is_pct(h)).count();
    Some((first, first + run - 1))
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::percentile_columns;

    #[test]
    fn the_percentile_run_stops_at_the_first_other_column() {
        let h: Vec<String> = ["plan", "profit_sd", "profit_p01", "profit_p05", "prob_loss"]
            .map(String::from)
            .to_vec();
        assert_eq!(percentile_columns(&h), Some((2, 3)));
        let h: Vec<String> = ["plan", "profit_p05_lo"].map(String::from).to_vec();
        assert_eq!(percentile_columns(&h), None);
    }
}
