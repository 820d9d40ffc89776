//! Normal: `dist = "normal", mean, sd`.

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Range, Shape, Support, Values, norm_inv, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "normal",
    keys: &["mean", "sd"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(
        &[("mean", Range::Any), ("sd", Range::Positive)],
        build,
    ))
}

fn build(v: Values) -> Shape {
    Shape::Normal {
        mean: v.at("mean"),
        sd: v.at("sd"),
    }
}

/// The whole line.
pub(super) fn support() -> Support {
    Support::closed(f64::NEG_INFINITY, f64::INFINITY)
}

/// A normal with concrete parameters.
#[derive(Clone, Debug)]
pub(super) struct Normal(rand_distr::Normal<f64>);

impl Normal {
    pub(super) fn new(mean: f64, sd: f64) -> Result<Self, String> {
        let sd = require_positive("sd", sd)?;
        Ok(Normal(
            rand_distr::Normal::new(mean, sd).map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Normal {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

impl ClosedForm for Normal {
    fn mean(&self) -> Option<f64> {
        Some(self.0.mean())
    }
    fn quantile(&self, p: f64) -> Option<f64> {
        Some(self.0.mean() + self.0.std_dev() * norm_inv(p))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Normal;

    #[test]
    fn mean_sd_draws_match_closed_form_quantiles_and_mean() {
        let d = Normal::new(-3.0, 2.0).unwrap();
        check(r#"{ dist = "normal", mean = -3, sd = 2 }"#, &d, -3.0, 2.0);
    }
}
