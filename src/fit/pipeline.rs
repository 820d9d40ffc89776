//! From a [`Panel`] to fitted segments and the [`FitReport`]: the per-user quantities, the
//! candidates fitted to the typical months of the users with output, the one chosen for
//! `--segments`, its bootstrap intervals, a ceiling when the tail is too heavy for a finite
//! mean, and the notes the reader needs.

use super::models::{
    Fitted, Model, bootstrap, fit_candidates, fit_gamma, fit_lognormal, fit_mixture, fit_weibull,
};
use super::report::{FitReport, QuantityFit};
use super::segments::{Parts, SegmentFit, SegmentsArg, build};
use super::toml::{num, round_up};
use super::users::{Has, UserFit, VolSource, group, per_user};
use crate::usage::{DAYS_PER_MONTH, Panel};

/// The ceiling written on `output_tokens` when the tail is too heavy for a finite mean, as a
/// multiple of the largest typical month.
pub const CEILING_MULTIPLE: f64 = 10.0;

/// Fewest users with output that `plansim fit` fits.
pub const MIN_USERS: usize = 3;

/// How to fit.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// `--segments`.
    pub segments: SegmentsArg,
    /// Bootstrap resamples (0: no intervals).
    pub bootstrap: u32,
    /// Seed of the bootstrap and of the EM starts.
    pub seed: u64,
}

/// What fitting found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Every user's quantities, in the panel's order.
    pub users: Vec<UserFit>,
    /// Each user's segment (an index into `segments`; `None` without output).
    pub assigned: Vec<Option<usize>>,
    /// The segments.
    pub segments: Vec<SegmentFit>,
    /// The fit of the typical month (one quantity, `output_tokens`) and the notes.
    pub report: FitReport,
}

/// Fits `panel`.
///
/// # Errors
/// A message when fewer than [`MIN_USERS`] users have output, or no candidate fits.
pub fn fit_panel(panel: &Panel, opts: &Options) -> Result<Outcome, String> {
    let users = per_user(panel);
    let mut x: Vec<f64> = users
        .iter()
        .map(|u| u.typical)
        .filter(|&t| t > 0.0)
        .collect();
    if x.len() < MIN_USERS {
        return Err(format!(
            "{}: {} user{} with output tokens; fitting needs at least {MIN_USERS}",
            panel.file,
            x.len(),
            if x.len() == 1 { "" } else { "s" }
        ));
    }
    x.sort_by(f64::total_cmp);
    let mut candidates = fit_candidates(&x, opts.seed);
    let chosen = choose(&mut candidates, &x, opts)?;
    let model = candidates[chosen].model.clone();
    let seed = opts.seed;
    let refit = |s: &[f64]| -> Option<Model> {
        let fitted = match &model {
            Model::LogNormal { .. } => fit_lognormal(s),
            Model::Gamma { .. } => fit_gamma(s),
            Model::Weibull { .. } => fit_weibull(s),
            Model::Mixture(c) => fit_mixture(s, c.len(), seed),
            Model::Pareto { .. } => None,
        };
        fitted.map(|f| f.model)
    };
    let intervals = if opts.bootstrap > 0 {
        bootstrap(&x, opts.bootstrap, seed, &refit)
    } else {
        Vec::new()
    };
    let mut notes = Vec::new();
    let largest = x[x.len() - 1];
    let ceiling = heavy_tail(&candidates, chosen).map(|why| {
        let c = round_up(CEILING_MULTIPLE * largest);
        notes.push(format!(
            "{why}: the written output_tokens get a ceiling at {CEILING_MULTIPLE}x the \
             largest typical month ({} tokens), without which the mean would be infinite",
            num(c)
        ));
        c
    });
    let parts = match (opts.segments, &model) {
        (SegmentsArg::Count(1), _) | (_, Model::LogNormal { .. }) => {
            Parts::Single(model.clone(), intervals.clone())
        }
        (_, Model::Mixture(c)) => Parts::Components(c.clone(), intervals.clone()),
        _ => Parts::Single(model.clone(), intervals.clone()),
    };
    let has = Has::of(panel);
    let (segments, assigned) = build(&users, panel.months, has, parts, ceiling);
    notes.extend(data_notes(panel, &users, has));
    let quantity = QuantityFit {
        quantity: "output_tokens".to_string(),
        data: x,
        candidates,
        chosen,
        intervals,
    };
    Ok(Outcome {
        users,
        assigned,
        segments,
        report: FitReport {
            file: panel.file.clone(),
            quantities: vec![quantity],
            notes,
        },
    })
}

/// The index of the candidate `--segments` chooses, fitting (and adding before the Pareto
/// tail model) a K-component mixture the candidates lack.
fn choose(candidates: &mut Vec<Fitted>, x: &[f64], opts: &Options) -> Result<usize, String> {
    let whole = |f: &Fitted| !matches!(f.model, Model::Pareto { .. });
    let lognormal_family =
        |f: &Fitted| matches!(f.model, Model::LogNormal { .. } | Model::Mixture(_));
    let best = |pick: &dyn Fn(&Fitted) -> bool| {
        (0..candidates.len())
            .filter(|&i| pick(&candidates[i]))
            .min_by(|&a, &b| candidates[a].bic.total_cmp(&candidates[b].bic))
    };
    let found = match opts.segments {
        SegmentsArg::Count(1) => best(&whole),
        SegmentsArg::Auto => best(&lognormal_family),
        SegmentsArg::Count(k) => {
            let is_k = |f: &Fitted| matches!(&f.model, Model::Mixture(c) if c.len() == k);
            match best(&is_k) {
                Some(i) => Some(i),
                None => {
                    let fitted = fit_mixture(x, k, opts.seed).ok_or_else(|| {
                        format!(
                            "a mixture of {k} lognormals does not fit these {} users",
                            x.len()
                        )
                    })?;
                    let at = candidates
                        .iter()
                        .position(|f| !whole(f))
                        .unwrap_or(candidates.len());
                    candidates.insert(at, fitted);
                    Some(at)
                }
            }
        }
    };
    found.ok_or_else(|| format!("no candidate distribution fits these {} users", x.len()))
}

/// Why the tail is too heavy for a finite mean, if it is: the Pareto tail model's alpha is at
/// most 1, or the chosen model has no mean.
fn heavy_tail(candidates: &[Fitted], chosen: usize) -> Option<String> {
    let pareto = candidates.iter().find_map(|f| match f.model {
        Model::Pareto { alpha, xmin } => Some((alpha, xmin, f.n)),
        _ => None,
    });
    if let Some((alpha, xmin, n)) = pareto.filter(|p| p.0 <= 1.0) {
        return Some(format!(
            "the Pareto tail fitted to the {n} users above {} tokens has alpha = {} <= 1, \
             whose mean is infinite",
            num(xmin),
            num(alpha)
        ));
    }
    candidates[chosen].model.mean().is_none().then(|| {
        format!(
            "the chosen {} has an infinite mean",
            candidates[chosen].model.name()
        )
    })
}

/// Notes on the data: users without output, scaled months, where volatility came from,
/// churn, the `zero` modifier, columns the export lacks.
fn data_notes(panel: &Panel, users: &[UserFit], has: Has) -> Vec<String> {
    let mut notes = Vec::new();
    let without = users.iter().filter(|u| u.typical <= 0.0).count();
    if without > 0 {
        notes.push(format!(
            "{without} of {} users have no output tokens in any month: they are not fitted, \
             and enter each segment's `zero` as users at zero",
            users.len()
        ));
    }
    let scaled = users.iter().filter(|u| u.scaled).count();
    if scaled > 0 {
        let least = panel
            .covered_days
            .iter()
            .copied()
            .fold(DAYS_PER_MONTH, f64::min);
        notes.push(format!(
            "{scaled} users were active in a month the export covers only in part (as little \
             as {} of {DAYS_PER_MONTH} days), scaled up to a whole month: the `scaled` column \
             of fit_users.csv",
            num(least)
        ));
    }
    let fitted: Vec<&UserFit> = users.iter().filter(|u| u.typical > 0.0).collect();
    let all = group(&fitted, panel.months, has);
    notes.push(match all.vol_source {
        VolSource::Months => "monthly_volatility: the pooled within-user sd of ln(monthly \
             output) over the users with two active months or more"
            .to_string(),
        VolSource::Days => format!(
            "monthly_volatility: the export spans less than two months, so it comes from the \
             daily series: with daily CV c and days independent within a month, the monthly \
             CV is c/sqrt({DAYS_PER_MONTH}) and volatility = sqrt(ln(1 + CV^2)) (the median \
             over users); days are rarely independent, so this is likely an underestimate"
        ),
        VolSource::None => "monthly_volatility: not estimable (no user with two active \
             months, and no daily series); not written (0)"
            .to_string(),
    });
    if panel.months < 3 {
        notes.push(format!(
            "monthly_churn: not estimated (the export spans {} month{}; churn needs 3 or more)",
            panel.months,
            if panel.months == 1 { "" } else { "s" }
        ));
    }
    if all.inactive_share > 0.0 || without > 0 {
        notes.push(
            "zero: inactive user-months are written as users at zero (the `zero` modifier of \
             output_tokens), which keeps the mean usage but not who is inactive when"
                .to_string(),
        );
    }
    if !has.input {
        notes.push("the export has no input column: input_per_output is not written (0)".into());
    }
    notes
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
