//! What breaks even, for `plansim check`: per plan with a limit on what the price covers (a flat
//! plan's cap, a credit plan's grant, a hybrid's included usage) and per segment, what a user who
//! uses all of it costs to serve at month 0, and the limit at which that cost equals the price.
//!
//! Serving cost per unit of a plan's meter (a $ of retail value for a flat cap, a credit, a $ at
//! a hybrid's rates) depends on the prompt mix: it is taken at each segment's typical mix (each
//! prompt-mix field at its mean, [`super::figures::SegmentCheck::mix`]), where it is
//! `cost.per_output_token(mix) / meter.per_output_token(mix)`. As base demand and the mix are
//! drawn independently, this is also the segment's total serving cost per unit of total meter
//! value. Values drawn per trial are taken from the draws of the run's first trials (at most
//! [`TRIAL_DRAWS`]), and a figure that varies is shown as its 5th to 95th percentile.

use std::fmt::Write;

use super::figures::SegmentCheck;
use super::stats::{percentile_sorted, sorted};
use crate::engine;
use crate::model::plans::PlanKind;
use crate::model::{Billing, Rates, Scenario};

/// Most trials whose draws are used for figures that vary from trial to trial.
pub const TRIAL_DRAWS: u64 = 1000;
/// With more segments than this, only those with the lowest and highest cost per unit are shown.
pub const MAX_SEGMENT_ROWS: usize = 10;

/// One figure: its value in each trial used (one value when nothing it depends on is drawn).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure(pub Vec<f64>);

impl Figure {
    /// Whether it is the same in every trial (NaN counts as equal to NaN).
    pub fn is_fixed(&self) -> bool {
        self.0
            .iter()
            .all(|x| x.total_cmp(&self.0[0]) == std::cmp::Ordering::Equal)
    }
    /// Its median over trials.
    pub fn median(&self) -> f64 {
        percentile_sorted(&sorted(&self.0), 50.0).unwrap_or(f64::NAN)
    }
    /// `fmt` of the value, or of its 5th and 95th percentiles over trials (`a to b`, one value
    /// when both read the same).
    fn show(&self, fmt: fn(f64) -> String) -> String {
        if self.is_fixed() {
            return fmt(self.0[0]);
        }
        let s = sorted(&self.0);
        let at = |q| fmt(percentile_sorted(&s, q).unwrap_or(f64::NAN));
        let (lo, hi) = (at(5.0), at(95.0));
        if lo == hi {
            lo
        } else {
            format!("{lo} to {hi}")
        }
    }
}

/// One segment's break-even figures on one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentBreakeven {
    /// Segment name.
    pub segment: String,
    /// Serving cost at month 0 per unit of the plan's meter.
    pub cost_per_unit: Figure,
    /// Serving cost at month 0 of a user who uses the whole limit (infinite without a cap).
    pub cost_at_limit: Figure,
    /// The limit at which that cost equals the price.
    pub breakeven: Figure,
    /// The limit at which it equals the price less payment fees and per-user-month overhead.
    pub breakeven_net: Figure,
    /// Hybrid only: serving cost per $ of overage billed (cost per unit / multiplier).
    pub overage_cost_per_dollar: Option<Figure>,
}

/// One plan's break-even figures, one per segment.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanBreakeven {
    /// Plan name.
    pub plan: String,
    /// Plan kind.
    pub kind: &'static str,
    /// The plan's terms, in words.
    pub terms: String,
    /// Per segment, in config order; with more than [`MAX_SEGMENT_ROWS`] segments, only the
    /// two with the lowest and highest median cost per unit.
    pub segments: Vec<SegmentBreakeven>,
    /// Segments in the scenario.
    pub of_segments: usize,
}

/// A plan's terms in one trial: the price, the limit (`inf` for none) and the overage
/// multiplier (hybrid).
struct Terms {
    price: f64,
    limit: f64,
    multiplier: Option<f64>,
}

fn terms(kind: &PlanKind, d: &[f64]) -> Option<Terms> {
    Some(match kind {
        PlanKind::Payg(_) | PlanKind::Outcome(_) => return None,
        PlanKind::Flat(f) => Terms {
            price: f.price.value(d),
            limit: f.cap.map_or(f64::INFINITY, |c| c.value(d)),
            multiplier: None,
        },
        PlanKind::Credit(c) => Terms {
            price: c.price.value(d),
            limit: c.credits.value(d),
            multiplier: None,
        },
        PlanKind::Hybrid(h) => Terms {
            price: h.base_fee.value(d),
            limit: h.included.value(d),
            multiplier: Some(h.overage_multiplier.value(d)),
        },
    })
}

/// The trial-level draws of the run's first trials (one empty set when nothing is drawn).
fn trial_draws(scn: &Scenario) -> Vec<Vec<f64>> {
    if scn.slots.is_empty() {
        return vec![Vec::new()];
    }
    let n = scn.simulation.trials.clamp(1, TRIAL_DRAWS);
    (0..n)
        .filter_map(|t| engine::trial_draws(scn, t).ok())
        .collect()
}

/// One trial's values for a plan: its terms, the net revenue of a month at the price (less
/// payment fees and overhead), the cost card and the plan's meter card.
struct TrialValues {
    terms: Terms,
    net: f64,
    cost: Rates,
    meter: Rates,
}

/// Break-even figures of every flat, credit and hybrid plan, for every segment at its typical
/// mix (`checks`, in segment order).
pub fn breakeven(scn: &Scenario, checks: &[SegmentCheck]) -> Vec<PlanBreakeven> {
    let draws = trial_draws(scn);
    if draws.is_empty() {
        return Vec::new(); // every draw out of range: a guard, validation prevents it
    }
    scn.plans
        .iter()
        .filter_map(|plan| {
            let per_trial: Vec<TrialValues> = draws
                .iter()
                .map(|d| {
                    let terms = terms(&plan.kind, d)?;
                    let c = &scn.cost;
                    let fees = if terms.price > 0.0 {
                        c.payment_fee_rate.value(d) * terms.price + c.payment_fee_fixed.value(d)
                    } else {
                        0.0
                    };
                    let retail = scn.retail.resolve(d);
                    Some(TrialValues {
                        net: terms.price - fees - c.per_user_month.value(d),
                        meter: *plan.kind.resolve(d, &retail).meter(),
                        cost: c.card.resolve(d),
                        terms,
                    })
                })
                .collect::<Option<_>>()?;
            let segments = shown(checks, &per_trial)
                .into_iter()
                .map(|chk| segment_figures(chk, &per_trial))
                .collect();
            Some(PlanBreakeven {
                plan: plan.name.clone(),
                kind: plan.kind.name(),
                terms: describe(&plan.kind, &draws),
                segments,
                of_segments: checks.len(),
            })
        })
        .collect()
}

/// The plan's terms in words, each value fixed or its range over the trials' draws.
fn describe(kind: &PlanKind, draws: &[Vec<f64>]) -> String {
    let fig = |f: &dyn Fn(&Terms) -> f64| {
        Figure(
            draws
                .iter()
                .filter_map(|d| terms(kind, d))
                .map(|t| f(&t))
                .collect(),
        )
    };
    let price = fig(&|t| t.price).show(money);
    let limit = fig(&|t| t.limit);
    match kind {
        PlanKind::Payg(_) | PlanKind::Outcome(_) => String::new(),
        PlanKind::Flat(_) if limit.0.iter().all(|x| x.is_infinite()) => {
            format!("price {price} a month, no cap")
        }
        PlanKind::Flat(_) => format!(
            "price {price} a month, cap {} of retail value",
            limit.show(money)
        ),
        PlanKind::Credit(_) => format!(
            "price {price} a month for {} credits (burned at its burn card)",
            limit.show(limit_credits)
        ),
        PlanKind::Hybrid(h) => format!(
            "base fee {price} a month including {} of usage at {}, overage at {}x",
            limit.show(money),
            if h.rates.is_some() {
                "its rates"
            } else {
                "the retail card"
            },
            fig(&|t| t.multiplier.unwrap_or(f64::NAN)).show(|x| format!("{x}"))
        ),
    }
}

/// Column headers of a plan's rows: segment, cost per unit, cost at the limit, break-even
/// limit, the same net of fees and overhead, and (hybrid) overage cost per $.
fn headers(kind: &str) -> [&'static str; 6] {
    match kind {
        "flat" => [
            "segment",
            "cost_per_$",
            "cost_at_cap",
            "breakeven_cap",
            "breakeven_cap_net",
            "",
        ],
        "credit" => [
            "segment",
            "cost_per_credit",
            "cost_of_grant",
            "breakeven_grant",
            "breakeven_grant_net",
            "",
        ],
        _ => [
            "segment",
            "cost_per_$",
            "cost_of_included",
            "breakeven_included",
            "breakeven_incl_net",
            "overage_cost_per_$",
        ],
    }
}

/// Writes the break-even section of `plansim check` for `checks` (in segment order).
pub fn write_report(out: &mut String, scn: &Scenario, checks: &[SegmentCheck]) {
    let plans = breakeven(scn, checks);
    if plans.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nwhat breaks even at month 0, each segment at its mean prompt mix:\n  \
         cost_*: serving cost per unit of the plan's meter, and of a user who uses all the price \
         covers (the cap, the grant, the included usage)\n  \
         breakeven_*: the cap (grant, included usage) at which that cost equals the price; \
         _net: the price less payment fees and per_user_month"
    );
    let varies = plans.iter().flat_map(|p| &p.segments).any(|s| {
        [
            &s.cost_per_unit,
            &s.cost_at_limit,
            &s.breakeven,
            &s.breakeven_net,
        ]
        .into_iter()
        .chain(&s.overage_cost_per_dollar)
        .any(|f| !f.is_fixed())
    });
    if varies {
        let _ = writeln!(
            out,
            "  \"a to b\": values drawn per trial, 5th to 95th percentile over the first {} trials",
            scn.simulation.trials.clamp(1, TRIAL_DRAWS)
        );
    }
    for p in &plans {
        let _ = writeln!(out, "{} {}: {}", p.kind, p.plan, p.terms);
        let limit_fmt: fn(f64) -> String = if p.kind == "credit" {
            limit_credits
        } else {
            limit_money
        };
        let mut rows = vec![headers(p.kind).map(String::from)];
        for s in &p.segments {
            let no_cap = s.cost_at_limit.0.iter().all(|x| x.is_infinite());
            rows.push([
                s.segment.clone(),
                s.cost_per_unit.show(unit_cost),
                if no_cap {
                    "no cap".to_string()
                } else {
                    s.cost_at_limit.show(money)
                },
                s.breakeven.show(limit_fmt),
                s.breakeven_net.show(limit_fmt),
                s.overage_cost_per_dollar
                    .as_ref()
                    .map_or(String::new(), |f| f.show(unit_cost)),
            ]);
        }
        let width: Vec<usize> = (0..6)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let mut line = format!("  {:<w$}", r[0], w = width[0]);
            for (cell, w) in r.iter().zip(&width).skip(1) {
                let _ = write!(line, "  {cell:>w$}");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if p.of_segments > p.segments.len() {
            let _ = writeln!(
                out,
                "  ({} segments: the two with the lowest and highest median cost per unit shown)",
                p.of_segments
            );
        }
    }
}

/// The serving cost per unit of the plan's meter in each trial, at the segment's mix.
fn unit_costs<'a>(
    chk: &'a SegmentCheck,
    per_trial: &'a [TrialValues],
) -> impl Iterator<Item = f64> + 'a {
    per_trial
        .iter()
        .map(|v| v.cost.per_output_token(&chk.mix) / v.meter.per_output_token(&chk.mix))
}

/// Every segment, or with many only those with the lowest and highest median cost per unit (so
/// a scenario with thousands of segments keeps one set of figures per trial for two of them).
fn shown<'a>(checks: &'a [SegmentCheck], per_trial: &[TrialValues]) -> Vec<&'a SegmentCheck> {
    if checks.len() <= MAX_SEGMENT_ROWS {
        return checks.iter().collect();
    }
    let key = |c: &SegmentCheck| Figure(unit_costs(c, per_trial).collect()).median();
    let keyed: Vec<(f64, &SegmentCheck)> = checks.iter().map(|c| (key(c), c)).collect();
    let lo = keyed.iter().min_by(|a, b| a.0.total_cmp(&b.0));
    let hi = keyed.iter().max_by(|a, b| a.0.total_cmp(&b.0));
    lo.into_iter().chain(hi).map(|(_, c)| *c).collect()
}

/// One segment's figures on a plan, from each trial's values.
fn segment_figures(chk: &SegmentCheck, per_trial: &[TrialValues]) -> SegmentBreakeven {
    let fig = |f: &dyn Fn(&TrialValues, f64) -> f64| {
        Figure(
            per_trial
                .iter()
                .zip(unit_costs(chk, per_trial))
                .map(|(v, u)| f(v, u))
                .collect(),
        )
    };
    SegmentBreakeven {
        segment: chk.segment.clone(),
        cost_per_unit: fig(&|_, u| u),
        cost_at_limit: fig(&|v, u| v.terms.limit * u),
        breakeven: fig(&|v, u| v.terms.price / u),
        breakeven_net: fig(&|v, u| v.net / u),
        overage_cost_per_dollar: per_trial[0]
            .terms
            .multiplier
            .is_some()
            .then(|| fig(&|v, u| u / v.terms.multiplier.unwrap_or(f64::NAN))),
    }
}

/// $ with cents; `inf`; `n/a` for an undefined figure.
fn money(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if x.is_infinite() {
        "inf".into()
    } else {
        format!("${x:.2}")
    }
}

/// A break-even cap or included usage in $: `never` below 0 (the price does not cover fees and
/// overhead, whatever the usage).
fn limit_money(x: f64) -> String {
    if x < 0.0 { "never".into() } else { money(x) }
}

/// A count of credits, whole; `never` below 0, as [`limit_money`].
fn limit_credits(x: f64) -> String {
    if x < 0.0 {
        "never".into()
    } else if x.is_nan() {
        "n/a".into()
    } else if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.0}")
    }
}

/// A cost per unit: $ with three significant digits.
fn unit_cost(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return money(x);
    }
    let decimals = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("${x:.decimals$}")
}
