//! `plansim fit`: read a usage export, fit segments, write the scenario tables and
//! fit_report.csv.

use crate::cli::{FitArgs, PeriodArg, UsageColumnArgs};
use crate::error::{ConfigErrors, Error};
use crate::usage::{self, Columns, PeriodKind, ReadOptions};

/// Runs `plansim fit`.
///
/// # Errors
/// A bad export or argument (exit code 2), or a failed write.
pub(crate) fn fit_export(args: &FitArgs) -> Result<(), Error> {
    let opts = read_options(&args.columns, args.period)?;
    let panel = usage::read(&args.usage, &opts).map_err(ConfigErrors::from)?;
    let _ = panel;
    Err(Error::Usage("plansim fit is not built yet".to_string()))
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
