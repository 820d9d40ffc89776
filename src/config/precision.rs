//! `[simulation] precision = { metric = "profit_p05", relative = 0.01 }` (or `absolute = 500`,
//! exactly one of them; `floor` with `relative` only, default $1): precision mode's terms.

use super::numbers::number;
use super::overrides::Override;
use super::reader::{Tbl, as_str, suggest};
use crate::error::ConfigError;
use crate::model::precision::{DEFAULT_FLOOR, METRICS, Metric, Precision, Target};

/// Reads `precision` of the `[simulation]` table `sim`, if present.
pub(super) fn precision(sim: &Tbl<'_, '_>) -> Result<Option<Precision>, ConfigError> {
    let Some(t) = sim.table("precision")? else {
        return Ok(None);
    };
    t.allow(&["metric", "relative", "absolute", "floor"])?;
    let v = t.req("metric")?;
    let path = t.child("metric");
    let name = as_str(t.src, v, &path)?;
    let metric = Metric::from_name(name).ok_or_else(|| {
        let hint = match suggest(name, &METRICS) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of: {}", METRICS.join(", ")),
        };
        t.src
            .err(&v.span(), &path, format!("unknown metric `{name}`; {hint}"))
    })?;
    let positive = |key: &str| -> Result<Option<f64>, ConfigError> {
        let Some(v) = t.get(key) else {
            return Ok(None);
        };
        let path = t.child(key);
        let x = number(t.src, v, &path)?;
        if x <= 0.0 {
            return Err(t
                .src
                .err(&v.span(), &path, format!("{key} must be > 0, got {x}")));
        }
        Ok(Some(x))
    };
    let relative = positive("relative")?;
    let absolute = positive("absolute")?;
    let floor = positive("floor")?;
    let target = match (relative, absolute) {
        (Some(_), Some(_)) => {
            let v = t.req("absolute")?;
            return Err(t.src.err(
                &v.span(),
                &t.child("absolute"),
                "give either `relative` or `absolute`, not both",
            ));
        }
        (None, None) => {
            return Err(t.err_for(
                "relative",
                "missing the target: give `relative` (a share of the metric, 0.01 = 1%) or \
                 `absolute` (dollars)",
            ));
        }
        (Some(relative), None) => {
            if relative > 1.0 {
                let v = t.req("relative")?;
                return Err(t.src.err(
                    &v.span(),
                    &t.child("relative"),
                    format!("relative must be at most 1 (a share: 0.01 = 1%), got {relative}"),
                ));
            }
            Target::Relative {
                relative,
                floor: floor.unwrap_or(DEFAULT_FLOOR),
            }
        }
        (None, Some(absolute)) => {
            if floor.is_some() {
                let v = t.req("floor")?;
                return Err(t.src.err(
                    &v.span(),
                    &t.child("floor"),
                    "`floor` applies to a relative target only",
                ));
            }
            Target::Absolute { absolute }
        }
    };
    Ok(Some(Precision { metric, target }))
}

/// `--precision METRIC:TARGET` as an override of `simulation.precision`, so it gets the file's
/// checks and errors that name the flag: `profit_p05:1%` is `{ metric = "profit_p05",
/// relative = 0.01 }` (floor $1), `profit_p05:500` is `{ metric = "profit_p05", absolute =
/// 500 }`.
///
/// # Errors
/// A message for `error: ` when the text is not METRIC:TARGET with a finite number.
pub fn cli_override(arg: &str) -> Result<Override, String> {
    let usage = |why: &str| {
        format!(
            "--precision {arg}: {why}; expected METRIC:TARGET, e.g. profit_p05:1% (relative) or \
             profit_p05:500 (dollars), METRIC one of: {}",
            METRICS.join(", ")
        )
    };
    let (metric, target) = arg
        .rsplit_once(':')
        .ok_or_else(|| usage("no `:` between the metric and the target"))?;
    if metric.is_empty()
        || !metric
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return Err(usage("not a metric name"));
    }
    let (digits, relative) = match target.trim().strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (target.trim(), false),
    };
    let x: f64 = digits
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| usage(&format!("`{target}` is not a number")))?;
    let value = if relative {
        format!("{{ metric = '{metric}', relative = {:?} }}", x / 100.0)
    } else {
        format!("{{ metric = '{metric}', absolute = {x:?} }}")
    };
    Ok(Override {
        path: vec!["simulation".into(), "precision".into()],
        value,
        origin: format!("--precision {arg}"),
    })
}

#[cfg(test)]
mod tests {
    use super::cli_override;

    #[test]
    fn flag_becomes_a_table() {
        let o = cli_override("profit_p05:1%").expect("valid");
        assert_eq!(o.value, "{ metric = 'profit_p05', relative = 0.01 }");
        assert_eq!(o.origin, "--precision profit_p05:1%");
        let o = cli_override("profit_mean:500").expect("valid");
        assert_eq!(o.value, "{ metric = 'profit_mean', absolute = 500.0 }");
        for bad in [
            "profit_p05",
            "profit_p05:x",
            "profit_p05:inf",
            ":5",
            "a'b:5",
            "p:1%%",
        ] {
            assert!(cli_override(bad).is_err(), "{bad}");
        }
    }
}
