//! `[market]`: each or menu mode, the choice rule, re-choices, shocks and arrivals; and the
//! checks that tie the market to segments and plans (values in menu mode, external plans,
//! reserved names).

use super::dist::{Draws, Range};
use super::reader::{self, Tbl};
use crate::dist::Param;
use crate::error::ConfigError;
use crate::model::arrivals::population;
use crate::model::market::RESERVED_NAMES;
use crate::model::{Choice, MAX_USERS, Market, Mode, PlanSpec, Rechoose, Segment, Simulation};

/// The keys of `[market]`.
const FIELDS: [&str; 7] = [
    "mode",
    "choice",
    "logit_scale",
    "rechoose",
    "shock_threshold",
    "new_users_per_month",
    "value_curvature",
];

/// Reads `[market]` (defaults when absent: each mode, today's behaviour).
pub(super) fn market(draws: &mut Draws, root: &Tbl<'_, '_>) -> Result<Market, ConfigError> {
    let Some(t) = root.table("market")? else {
        return Ok(Market::default());
    };
    t.allow(&FIELDS)?;
    let mode = word(
        &t,
        "mode",
        &[("each", Mode::Each), ("menu", Mode::Menu)],
        Mode::Each,
    )?;
    let choice = word(
        &t,
        "choice",
        &[("best", Choice::Best), ("logit", Choice::Logit)],
        Choice::Best,
    )?;
    let logit_scale = draws.param_opt(&t, "logit_scale", Range::Positive)?;
    if choice == Choice::Logit && logit_scale.is_none() {
        let v = t.req("choice")?;
        return Err(t.src.err(
            &v.span(),
            &t.child("logit_scale"),
            "choice = \"logit\" needs `logit_scale` ($ per month, > 0): the spread of the \
             users' unobserved taste",
        ));
    }
    let rechoose = word(
        &t,
        "rechoose",
        &[
            ("never", Rechoose::Never),
            ("after_shock", Rechoose::AfterShock),
            ("monthly", Rechoose::Monthly),
        ],
        Rechoose::Never,
    )?;
    let shock_threshold = draws.param_or(&t, "shock_threshold", Range::NonNeg, 0.5)?;
    let new_users_per_month = draws.param_or(&t, "new_users_per_month", Range::NonNeg, 0.0)?;
    let max_new_users_per_month = match new_users_per_month {
        Param::Fixed(x) => x,
        Param::Drawn(i) => {
            let hi = draws.supports[i].hi;
            if !hi.is_finite() {
                let v = t.req("new_users_per_month")?;
                return Err(t.src.err(
                    &v.span(),
                    &t.child("new_users_per_month"),
                    "a distribution of new_users_per_month needs a finite upper bound (add a \
                     `ceiling`), so the size of the largest trial is known before the run",
                ));
            }
            hi
        }
    };
    let value_curvature = draws.param_or(&t, "value_curvature", Range::PosUnit, 1.0)?;
    Ok(Market {
        mode,
        choice,
        logit_scale,
        rechoose,
        shock_threshold,
        new_users_per_month,
        max_new_users_per_month,
        value_curvature,
    })
}

/// A string field that names one of `options`, or `default` when absent.
pub(super) fn word<T: Copy>(
    t: &Tbl<'_, '_>,
    key: &str,
    options: &[(&str, T)],
    default: T,
) -> Result<T, ConfigError> {
    let Some(v) = t.get(key) else {
        return Ok(default);
    };
    let path = t.child(key);
    let s = reader::as_str(t.src, v, &path)?;
    if let Some((_, x)) = options.iter().find(|(name, _)| *name == s) {
        return Ok(*x);
    }
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    let mut msg = format!("unknown {key} `{s}`");
    match reader::suggest(s, &names) {
        Some(n) => msg.push_str(&format!("; did you mean `{n}`?")),
        None => msg.push_str(&format!("; expected one of: {}", names.join(", "))),
    }
    Err(t.src.err(&v.span(), &path, msg))
}

/// The checks between the market and the segments and plans read.
pub(super) fn check(
    root: &Tbl<'_, '_>,
    sim: &Simulation,
    market: &Market,
    segments: &[Segment],
    plans: &[PlanSpec],
) -> Result<(), ConfigError> {
    let menu = market.mode == Mode::Menu;
    let most = population(
        sim.users,
        sim.months as usize,
        market.max_new_users_per_month,
    );
    if most > MAX_USERS {
        let t = root
            .req("market")
            .and_then(|v| Tbl::of(root.src, v, "market"))?;
        let v = t.req("new_users_per_month")?;
        return Err(t.src.err(
            &v.span(),
            &t.child("new_users_per_month"),
            format!(
                "{} users a month over {} months make up to {most} users in a trial, over the \
                 limit of {MAX_USERS} (use more trials instead)",
                market.max_new_users_per_month, sim.months
            ),
        ));
    }
    // The i-th `[[key]]` table, its path naming it (`plan.max`) as when it was read.
    let table_of = |key: &str, i: usize, name: &str| -> Result<Tbl<'_, '_>, ConfigError> {
        let mut t = root.tables(key)?.swap_remove(i);
        t.path = format!("{key}.{name}");
        Ok(t)
    };
    if menu {
        for (i, s) in segments.iter().enumerate() {
            if s.value.is_none() {
                let t = table_of("segment", i, &s.name)?;
                return Err(t.err_for(
                    "value",
                    format!(
                        "segment `{}` needs `value` ($ a month the product is worth to a user) or \
                     `value_per_retail` in menu mode ([market] mode = \"menu\"): users choose \
                     a plan by their surplus",
                        s.name
                    ),
                ));
            }
        }
        for (i, p) in plans.iter().enumerate() {
            if RESERVED_NAMES.contains(&p.name.as_str()) {
                let t = table_of("plan", i, &p.name)?;
                let v = t.req("name")?;
                return Err(t.src.err(
                    &v.span(),
                    &t.child("name"),
                    format!(
                        "`{}` is a reserved name in menu mode (the `portfolio` row is all our \
                         plans together, `none` the choice of no plan); rename the plan",
                        p.name
                    ),
                ));
            }
        }
        if plans.iter().all(|p| p.external) {
            return Err(root.src.err(
                &root.get("plan").map(|v| v.span()).unwrap_or(0..0),
                "plan",
                "menu mode needs at least one plan of ours (`external = false`): every plan \
                 is external, so there is nothing to report",
            ));
        }
    } else if let Some(i) = plans.iter().position(|p| p.external) {
        let t = table_of("plan", i, &plans[i].name)?;
        let v = t.req("external")?;
        return Err(t.src.err(
            &v.span(),
            &t.child("external"),
            format!(
                "plan `{}` is external (a competitor's offer users may choose), which needs \
                 menu mode: add [market] mode = \"menu\"",
                plans[i].name
            ),
        ));
    }
    Ok(())
}
