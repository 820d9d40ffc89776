//! The choice rule of menu mode: what each plan offers a user at their expected month, and
//! which option they take.
//!
//! For plan p, the user's expected month is their typical demand D x (1 + g)^(months since
//! arrival) x usage_response_p with the noise at its mean, billed on the account they would
//! hold (a fresh one, or the one they hold on their current plan) at this month's cards and
//! prices (the month's price factors, and the loyalty discount at the tenure they would have on
//! the plan: 0 on a plan they would join, their tenure on the plan they hold). On a task segment
//! it is round(N x (1 + g)^(months since arrival)) tasks of the typical N (usage_response does
//! not apply), with their tokens and tasks x success rate expected successes. That gives an
//! expected bill b_p and served share s_p, and surplus_p = value x quality_p x
//! min(1, usage_response_p x s_p)^value_curvature - b_p - anxiety_p, where on a plan with a
//! commitment b_p is max(amount / term_months, the expected bill) (the discount is in the
//! expected bill). The outside option `none` has surplus 0. `best`
//! takes the largest surplus, ties to the plan listed first, and `none` wins a tie with it;
//! `logit` adds logit_scale x G to each option's surplus (G a standard Gumbel draw per user and
//! option, `none` included) and takes the largest the same way.
//!
//! A user's taste is drawn once and kept for every later choice: the value (or its multiple of
//! the retail value of the typical month) from the user's value stream, and one Gumbel draw per
//! plan in config order and one for `none` from their Gumbel stream
//! ([`super::purpose::Purpose`]).

use rand::{Rng, RngExt};
use rand_distr::Open01;

use super::plans::{Account, Billing};
use super::purpose::{Purpose, Streams, sample};
use super::trial::Trial;
use super::user::{UserLife, Work};

/// A user's taste, drawn once per user (menu mode).
#[derive(Clone, Debug, Default)]
pub struct Taste {
    /// $ a month the product is worth to the user at their typical demand.
    pub value: f64,
    /// Standard Gumbel draws, one per plan then one for `none` (empty for best choice).
    pub gumbel: Vec<f64>,
}

/// Draws the taste of a user living `life` from their `streams` into `taste`.
pub fn draw_taste<S: Streams>(trial: &Trial, life: &UserLife, streams: &S, taste: &mut Taste) {
    taste.value = match &trial.segments[life.segment].value {
        None => 0.0,
        Some((false, v)) => sample(v, streams, Purpose::Value),
        Some((true, v)) => sample(v, streams, Purpose::Value) * life.k_retail * life.base,
    };
    taste.gumbel.clear();
    if trial.market.logit_scale.is_some() {
        let mut rng = streams.rng(Purpose::Gumbel);
        for _ in 0..=trial.plans() {
            taste.gumbel.push(gumbel(&mut rng));
        }
    }
}

/// A standard Gumbel draw: -ln(-ln U) with U uniform on (0, 1).
fn gumbel<R: Rng>(rng: &mut R) -> f64 {
    let u: f64 = rng.sample(Open01);
    -(-u.ln()).ln()
}

/// What plan p offers a user at their expected month.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Offer {
    /// Expected bill, $.
    pub bill: f64,
    /// Served share of the demand under the plan.
    pub served: f64,
    /// Surplus without the taste draw, $.
    pub surplus: f64,
}

/// When a month is billed or offered: the calendar month (its prices) and the user's tenure
/// index on the plan (billed months on it before this one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct At {
    /// Calendar month.
    pub month: usize,
    /// Tenure index on the plan.
    pub tenure: usize,
}

/// The bill (after loyalty) and served share of plan `p` for the expected `work` (before
/// usage_response, see [`UserLife::expected`]) on a copy of `account`, `at` a month and tenure.
pub fn expected_month(
    trial: &Trial,
    p: usize,
    at: At,
    work: Work,
    life: &UserLife,
    account: &Account,
) -> (f64, f64) {
    let rule = &trial.rules[p];
    let usage = work.usage(
        life.response(trial.response[p]),
        &life.mix,
        rule.meter().per_output_token(&life.mix),
    );
    let prices = &trial.prices[p];
    if !prices.moves {
        let mb = rule.month(&mut account.clone(), usage);
        return (mb.bill, mb.served);
    }
    let mb = rule.month(&mut account.clone(), trial.priced(p, at.month, usage));
    (mb.bill * prices.keep(at.tenure), mb.served)
}

/// Plan `p`'s offer to a user with `value`, for the expected `work` (the typical month x growth,
/// before usage_response) on a copy of `account`, `at` a month and the tenure the user would
/// have on the plan.
pub fn offer(
    trial: &Trial,
    p: usize,
    at: At,
    work: Work,
    value: f64,
    life: &UserLife,
    account: &Account,
) -> Offer {
    let (bill, served) = expected_month(trial, p, at, work, life, account);
    // A commitment bills at least amount / term_months a month on average.
    let bill = match &trial.commits[p] {
        None => bill,
        Some(c) => bill.max(life.commit[p] / c.term as f64),
    };
    let share = (life.response(trial.response[p]) * served).min(1.0);
    let curvature = trial.market.value_curvature;
    let worth = value * trial.quality[p] * share.powf(curvature);
    Offer {
        bill,
        served,
        surplus: worth - bill - trial.anxiety[p],
    }
}

/// The option chosen given each plan's offer: `Some(plan)`, or `None` for the outside option.
pub fn pick(trial: &Trial, offers: &[Offer], taste: &Taste) -> Option<usize> {
    let taste_of = |o: usize| {
        trial
            .market
            .logit_scale
            .map_or(0.0, |scale| scale * taste.gumbel[o])
    };
    let mut best = None;
    let mut best_s = taste_of(offers.len());
    for (p, o) in offers.iter().enumerate() {
        let s = o.surplus + taste_of(p);
        if s > best_s {
            best = Some(p);
            best_s = s;
        }
    }
    best
}
