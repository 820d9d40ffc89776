//! The keys every plan takes for prices that move over time: `price_schedule`, an array of
//! `{ from_month, factor }` tables whose months start at 0 and strictly increase, and `loyalty
//! = { after_months, discount }`. Months are whole numbers; factors and discounts are numbers
//! or trial-level distributions (a factor >= 0, a discount in [0, 1]).

use toml::de::DeValue;

use super::dist::{Draws, Range};
use super::numbers::whole;
use super::reader::{Tbl, type_name};
use crate::error::ConfigError;
use crate::model::prices::{LoyaltySpec, ScheduleStep};

/// The plan's `price_schedule` (empty when absent); `None` when a step misses a required field
/// (recorded).
pub(super) fn price_schedule(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
) -> Result<Option<Vec<ScheduleStep>>, ConfigError> {
    const KEY: &str = "price_schedule";
    let Some(v) = t.get(KEY) else {
        return Ok(Some(Vec::new()));
    };
    let path = t.child(KEY);
    let DeValue::Array(items) = v.get_ref() else {
        return Err(t.src.err(
            &v.span(),
            &path,
            format!(
                "expected an array of {{ from_month, factor }} tables, found {}",
                type_name(v.get_ref())
            ),
        ));
    };
    if items.is_empty() {
        return Err(t.src.err(
            &v.span(),
            &path,
            "a price schedule needs at least one step, the first with from_month = 0",
        ));
    }
    let mut steps = Vec::with_capacity(items.len());
    let mut complete = true;
    let mut previous: Option<u64> = None;
    for (i, item) in items.iter().enumerate() {
        let st = Tbl::of(t.src, item, &format!("{path}.{i}"))?;
        st.allow(&["from_month", "factor"])?;
        let from = match st.need("from_month") {
            Some(fv) => {
                let from = whole(st.src, fv, &st.child("from_month"))?;
                let wrong = match previous {
                    None if i == 0 && from != 0 => Some(format!(
                        "the first step of a price schedule starts at month 0, got {from}"
                    )),
                    Some(prev) if from <= prev => Some(format!(
                        "from_month must be strictly increasing: {from} does not come after \
                         the previous step's {prev}"
                    )),
                    _ => None,
                };
                if let Some(msg) = wrong {
                    return Err(st.src.err(&fv.span(), &st.child("from_month"), msg));
                }
                previous = Some(from);
                Some(from)
            }
            None => {
                previous = None;
                None
            }
        };
        let factor = draws.param_need(&st, "factor", Range::NonNeg)?;
        match (from, factor) {
            (Some(from_month), Some(factor)) => steps.push(ScheduleStep { from_month, factor }),
            _ => complete = false,
        }
    }
    Ok(complete.then_some(steps))
}

/// The plan's `loyalty`; `Ok(Some(None))` when absent, `Ok(None)` when a required field is
/// missing (recorded).
pub(super) fn loyalty(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
) -> Result<Option<Option<LoyaltySpec>>, ConfigError> {
    let Some(lt) = t.table("loyalty")? else {
        return Ok(Some(None));
    };
    lt.allow(&["after_months", "discount"])?;
    let after_months = lt
        .need("after_months")
        .map(|v| whole(lt.src, v, &lt.child("after_months")))
        .transpose()?;
    let discount = draws.param_need(&lt, "discount", Range::Unit)?;
    Ok(match (after_months, discount) {
        (Some(after_months), Some(discount)) => Some(Some(LoyaltySpec {
            after_months,
            discount,
        })),
        _ => None,
    })
}
