//! Pareto (type I), `min * U^(-1/alpha)`: `dist = "pareto", min, alpha`.

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Param, Range, Shape, Support, Values, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "pareto",
    keys: &["min", "alpha"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(
        &[("min", Range::Positive), ("alpha", Range::Positive)],
        build,
    ))
}

fn build(v: Values) -> Shape {
    Shape::Pareto {
        min: v.at("min"),
        alpha: v.at("alpha"),
    }
}

/// From the lowest `min` the parameters allow, unbounded above.
pub(super) fn support(min: &Param, slots: &[Support]) -> Support {
    let m = min.support(slots);
    Support {
        lo: m.lo,
        lo_open: m.lo_open,
        hi: f64::INFINITY,
    }
}

/// Whether some admissible `alpha` is <= 1 (an infinite mean).
pub(super) fn may_lack_mean(alpha: &Param, slots: &[Support]) -> bool {
    alpha.support(slots).lo <= 1.0
}

/// A Pareto with concrete parameters.
#[derive(Clone, Debug)]
pub(super) struct Pareto {
    d: rand_distr::Pareto<f64>,
    min: f64,
    alpha: f64,
}

impl Pareto {
    pub(super) fn new(min: f64, alpha: f64) -> Result<Self, String> {
        let (min, alpha) = (
            require_positive("min", min)?,
            require_positive("alpha", alpha)?,
        );
        Ok(Pareto {
            d: rand_distr::Pareto::new(min, alpha).map_err(|e| e.to_string())?,
            min,
            alpha,
        })
    }
}

impl Distribution<f64> for Pareto {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.d.sample(rng)
    }
}

impl ClosedForm for Pareto {
    fn mean(&self) -> Option<f64> {
        Some(if self.alpha > 1.0 {
            self.alpha * self.min / (self.alpha - 1.0)
        } else {
            f64::INFINITY
        })
    }
    fn quantile(&self, p: f64) -> Option<f64> {
        Some(self.min * (1.0 - p).powf(-1.0 / self.alpha))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, sampler};
    use statrs::distribution::Pareto;

    #[test]
    fn min_alpha_draws_match_closed_form_quantiles_and_mean() {
        // alpha 3: finite variance. mean = alpha xm / (alpha - 1), var = xm^2 alpha / ((a-1)^2 (a-2))
        let (xm, a): (f64, f64) = (2.0, 3.0);
        let sd = (xm * xm * a / ((a - 1.0).powi(2) * (a - 2.0))).sqrt();
        check(
            r#"{ dist = "pareto", min = 2, alpha = 3 }"#,
            &Pareto::new(xm, a).unwrap(),
            a * xm / (a - 1.0),
            sd,
        );
    }

    #[test]
    fn closed_mean_is_infinite_when_alpha_is_at_most_one() {
        let p = sampler(r#"{ dist = "pareto", min = 1, alpha = 0.9 }"#);
        assert_eq!(p.closed_mean(), Some(f64::INFINITY));
    }
}
