//! `plansim check`: what each segment's users look like before anything is run, so the gap
//! between retail value and serving cost is visible up front, what breaks even on each plan
//! ([`super::breakeven`]) and, in menu mode, who chooses which plan ([`super::shares`]).

use std::fmt::Write;

use crate::analysis::stats::{percentile_sorted, sorted};
use crate::analysis::{breakeven, shares};
use crate::dist::Sampler;
use crate::engine::stream;
use crate::model::{Card, Mix, PerUser, Scenario, Segment, Work};

/// Draws used where no closed form exists.
pub const CHECK_DRAWS: usize = 100_000;

pub use super::figures::SegmentCheck;

fn fixed(p: &PerUser) -> bool {
    match p {
        PerUser::Fixed(_) => true,
        PerUser::Dist(d) => d.is_fixed(),
    }
}

/// The segment's first per-user draw (`output_tokens`, or `tasks`) with its name, and the
/// output tokens per unit of it when the same for every user (1, or a plain number
/// `output_per_task`).
fn first_draw(s: &Segment) -> (&'static str, &PerUser, Option<f64>) {
    match &s.work {
        Work::Tokens { output_tokens } => ("output_tokens", output_tokens, Some(1.0)),
        Work::Tasks {
            tasks,
            output_per_task,
            ..
        } => (
            "tasks",
            tasks,
            match output_per_task {
                PerUser::Fixed(k) => Some(*k),
                PerUser::Dist(_) => None,
            },
        ),
    }
}

fn card_fixed(c: &Card) -> bool {
    use crate::dist::Param::Fixed;
    [c.input, c.cache_write, c.cache_read, c.output]
        .iter()
        .all(|p| matches!(p, Fixed(_)))
}

/// Usage and value figures for every segment, with `draws` draws where there is no closed
/// form (at least 1; the command uses [`CHECK_DRAWS`]).
pub fn segments_with(scn: &Scenario, draws: usize) -> Vec<SegmentCheck> {
    let draws = draws.max(1);
    let supports = slot_supports(scn);
    scn.segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let warnings = warnings(s, &supports);
            if let Some(r) = &scn.population {
                return super::figures::replayed(scn, r, i, s);
            }
            closed_form(scn, s, warnings.clone())
                .unwrap_or_else(|| sampled(scn, i, s, warnings, draws))
        })
        .collect()
}

fn warnings(s: &Segment, supports: &[crate::dist::Support]) -> Vec<String> {
    let mut warnings = Vec::new();
    let (field, first, _) = first_draw(s);
    if let PerUser::Dist(d) = first {
        if d.may_lack_mean(supports) {
            warnings.push(format!(
                "segment {}: {field} may have no finite mean (Pareto alpha <= 1): \
                 averages will not converge; add a `ceiling` or raise alpha",
                s.name
            ));
        }
        if lognormal_sigma_at_least(d, 4.0) {
            warnings.push(format!(
                "segment {}: {field} is lognormal with sigma >= 4: the mean is dominated \
                 by extremely rare users and sample averages converge very slowly",
                s.name
            ));
        }
    }
    warnings
}

/// The closed-form figures, when the demand distribution has closed forms with fixed
/// parameters, every user has the same prompt mix and both cards are fixed.
fn closed_form(scn: &Scenario, s: &Segment, warnings: Vec<String>) -> Option<SegmentCheck> {
    let (_, first, per_unit) = first_draw(s);
    let per_unit = per_unit?;
    if !(fixed(first) && card_fixed(&scn.retail) && card_fixed(&scn.cost.card)) {
        return None;
    }
    let (PerUser::Fixed(r), PerUser::Fixed(cr), PerUser::Fixed(cw)) = (
        &s.input_per_output,
        &s.cache_read_share,
        &s.cache_write_share,
    ) else {
        return None;
    };
    let d = first.resolve(&[]).ok()?;
    let (mean, median, p99) = (
        d.closed_mean()? * per_unit,
        d.closed_quantile(0.5)? * per_unit,
        d.closed_quantile(0.99)? * per_unit,
    );
    let mix = Mix::new(*r, *cr, *cw);
    let kr = scn.retail.resolve(&[]).per_output_token(&mix);
    let kc = scn.cost.card.resolve(&[]).per_output_token(&mix);
    Some(SegmentCheck {
        segment: s.name.clone(),
        closed_form: true,
        mean_tokens: mean,
        median_tokens: median,
        p99_tokens: p99,
        median_retail: median * kr,
        median_cost: median * kc,
        mean_retail: mean * kr,
        mean_cost: mean * kc,
        mix,
        warnings,
    })
}

fn slot_supports(scn: &Scenario) -> Vec<crate::dist::Support> {
    let mut sup = Vec::with_capacity(scn.slots.len());
    for slot in &scn.slots {
        let s = slot.dist.support(&sup);
        sup.push(s);
    }
    sup
}

fn lognormal_sigma_at_least(d: &crate::dist::DistSpec, limit: f64) -> bool {
    use crate::dist::{LogNormalSpec, Param, Shape};
    match &d.shape {
        Shape::Lognormal { spec } => {
            // Any parametrisation: sigma as given, or implied by {mean, sd} or two percentiles.
            let params = match spec {
                LogNormalSpec::MuSigma { mu: a, sigma: b }
                | LogNormalSpec::MedianSigma {
                    median: a,
                    sigma: b,
                }
                | LogNormalSpec::MeanSd { mean: a, sd: b } => [a, b],
                LogNormalSpec::Percentiles { low, high } => [&low.1, &high.1],
            };
            params.iter().all(|p| matches!(p, Param::Fixed(_))) && spec.mu_sigma(&[]).1 >= limit
        }
        Shape::Mixture { components } => components
            .iter()
            .any(|(_, c)| lognormal_sigma_at_least(c, limit)),
        _ => false,
    }
}

fn sampled(
    scn: &Scenario,
    seg: usize,
    s: &Segment,
    warnings: Vec<String>,
    n_draws: usize,
) -> SegmentCheck {
    let seg = seg as u64;
    let mut tokens = Vec::with_capacity(n_draws);
    let mut retail = Vec::with_capacity(n_draws);
    let mut cost = Vec::with_capacity(n_draws);
    // Sums of the prompt-mix fields, for the typical mix.
    let mut mix_sums = [0.0; 3];
    for i in 0..n_draws as u64 {
        // Fresh trial-level draws for each sample (unit `seg`, each slot's phase its key), so
        // drawn parameters are integrated over; the per-user fields from phase 7.
        let seed = scn.simulation.seed;
        let mut rng = stream(seed, i, seg, 7);
        let Ok(draws) = scn.draw_slots(|key| stream(seed, i, seg, key)) else {
            continue; // out-of-range draws are refused at validation; a guard only
        };
        let resolve = |p: &PerUser| p.resolve(&draws).unwrap_or(Sampler::constant(f64::NAN));
        let d = match &s.work {
            Work::Tokens { output_tokens } => resolve(output_tokens).sample(&mut rng),
            Work::Tasks {
                tasks,
                output_per_task,
                ..
            } => resolve(tasks).sample(&mut rng) * resolve(output_per_task).sample(&mut rng),
        };
        let fields = [
            resolve(&s.input_per_output).sample(&mut rng),
            resolve(&s.cache_read_share).sample(&mut rng),
            resolve(&s.cache_write_share).sample(&mut rng),
        ];
        for (sum, x) in mix_sums.iter_mut().zip(fields) {
            *sum += x;
        }
        let mix = Mix::new(fields[0], fields[1], fields[2]);
        tokens.push(d);
        retail.push(d * scn.retail.resolve(&draws).per_output_token(&mix));
        cost.push(d * scn.cost.card.resolve(&draws).per_output_token(&mix));
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    // A fixed field at its value (not a sum of copies divided back), a drawn one at its mean.
    let field_mean = |p: &PerUser, sum: f64| match p {
        PerUser::Fixed(v) => *v,
        PerUser::Dist(_) => sum / tokens.len() as f64,
    };
    let mix = Mix::new(
        field_mean(&s.input_per_output, mix_sums[0]),
        field_mean(&s.cache_read_share, mix_sums[1]),
        field_mean(&s.cache_write_share, mix_sums[2]),
    );
    let (st, sr, sc) = (sorted(&tokens), sorted(&retail), sorted(&cost));
    let med = |x: &[f64]| percentile_sorted(x, 50.0).unwrap_or(f64::NAN);
    SegmentCheck {
        segment: s.name.clone(),
        closed_form: false,
        mean_tokens: mean(&tokens),
        median_tokens: med(&st),
        p99_tokens: percentile_sorted(&st, 99.0).unwrap_or(f64::NAN),
        median_retail: med(&sr),
        median_cost: med(&sc),
        mean_retail: mean(&retail),
        mean_cost: mean(&cost),
        mix,
        warnings,
    }
}

/// The text `plansim check` prints.
pub fn report(scn: &Scenario) -> String {
    report_with(scn, CHECK_DRAWS)
}

/// `report` with `draws` draws where there is no closed form.
pub fn report_with(scn: &Scenario, draws: usize) -> String {
    let mut out = String::new();
    let sim = &scn.simulation;
    let _ = writeln!(
        out,
        "scenario {}: valid. {} segments, {} plans, {} trial-level draws; {} trials x {} users x {} months",
        scn.name,
        scn.segments.len(),
        scn.plans.len(),
        scn.slots.len(),
        sim.trials,
        sim.users,
        sim.months
    );
    let _ = writeln!(
        out,
        "\nmonthly output tokens and value of a user-month (retail at the [retail] card, serving cost at month 0):"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>7} {:>12} {:>12} {:>12} {:>13} {:>13} {:>13} {:>13}  source",
        "segment",
        "share",
        "mean_tok",
        "median_tok",
        "p99_tok",
        "median_retail",
        "median_cost",
        "mean_retail",
        "mean_cost"
    );
    let checks = segments_with(scn, draws);
    for (c, s) in checks.iter().zip(&scn.segments) {
        let _ = writeln!(
            out,
            "{:<12} {:>7.3} {:>12} {:>12} {:>12} {:>13} {:>13} {:>13} {:>13}  {}",
            c.segment,
            s.share,
            big(c.mean_tokens),
            big(c.median_tokens),
            big(c.p99_tokens),
            money(c.median_retail),
            money(c.median_cost),
            money(c.mean_retail),
            money(c.mean_cost),
            if scn.population.is_some() {
                "export".to_string()
            } else if c.closed_form {
                "closed form".to_string()
            } else {
                format!("{} draws", draws.max(1))
            }
        );
    }
    breakeven::write_report(&mut out, scn, &checks);
    shares::write_report(&mut out, scn, draws);
    for c in &checks {
        for w in &c.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
    }
    if let Some(note) = unused_in_each_mode(scn) {
        let _ = writeln!(out, "note: {note}");
    }
    if let Some(note) = per_seat_without_teams(scn) {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

/// The plans with `per_seat = true` when no segment has teams, as a note (every user is then an
/// account of one, so `per_seat` changes nothing); `None` otherwise.
fn per_seat_without_teams(scn: &Scenario) -> Option<String> {
    if scn.segments.iter().any(|s| s.team_size.is_some()) {
        return None;
    }
    let plans: Vec<String> = scn
        .plans
        .iter()
        .filter(|p| p.per_seat)
        .map(|p| format!("plan.{}.per_seat", p.name))
        .collect();
    (!plans.is_empty()).then(|| {
        format!(
            "no segment has `team_size`, so every user is an account of one and per_seat \
             changes nothing: {}",
            plans.join(", ")
        )
    })
}

/// In each mode, the fields set that only menu mode uses (by field path), as a note; `None` in
/// menu mode or when there are none. A field set to its default is not told apart from an
/// absent one.
fn unused_in_each_mode(scn: &Scenario) -> Option<String> {
    use crate::dist::Param::Fixed;
    use crate::model::{Choice, Rechoose, SegmentValue};
    if scn.is_menu() {
        return None;
    }
    let mut unused = Vec::new();
    for s in &scn.segments {
        match s.value {
            Some(SegmentValue::Value(_)) => unused.push(format!("segment.{}.value", s.name)),
            Some(SegmentValue::ValuePerRetail(_)) => {
                unused.push(format!("segment.{}.value_per_retail", s.name));
            }
            None => {}
        }
        if s.shock_churn != Fixed(0.0) {
            unused.push(format!("segment.{}.shock_churn", s.name));
        }
    }
    for p in &scn.plans {
        if p.anxiety != Fixed(0.0) {
            unused.push(format!("plan.{}.anxiety", p.name));
        }
        if p.quality != Fixed(1.0) {
            unused.push(format!("plan.{}.quality", p.name));
        }
    }
    let m = &scn.market;
    for (set, key) in [
        (m.choice != Choice::Best, "choice"),
        (m.logit_scale.is_some(), "logit_scale"),
        (m.rechoose != Rechoose::Never, "rechoose"),
        (m.value_curvature != Fixed(1.0), "value_curvature"),
    ] {
        if set {
            unused.push(format!("market.{key}"));
        }
    }
    (!unused.is_empty()).then(|| {
        format!(
            "unused in each mode, where every user is billed on every plan (they matter only \
             when users choose a plan, [market] mode = \"menu\"): {}",
            unused.join(", ")
        )
    })
}

fn big(x: f64) -> String {
    if !x.is_finite() {
        "inf".into()
    } else if x >= 999_995.0 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 999.95 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.1}")
    }
}

fn money(x: f64) -> String {
    if x.is_finite() {
        format!("${x:.2}")
    } else {
        "inf".into()
    }
}
