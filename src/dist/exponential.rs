//! Exponential: `dist = "exponential", mean`.

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Range, Shape, Support, Values, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "exponential",
    keys: &["mean"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(&[("mean", Range::Positive)], build))
}

fn build(v: Values) -> Shape {
    Shape::Exponential { mean: v.at("mean") }
}

/// `(0, inf)`.
pub(super) fn support() -> Support {
    Support::positive()
}

/// An exponential with a concrete mean.
#[derive(Clone, Debug)]
pub(super) struct Exponential(rand_distr::Exp<f64>);

impl Exponential {
    pub(super) fn new(mean: f64) -> Result<Self, String> {
        Ok(Exponential(
            rand_distr::Exp::new(1.0 / require_positive("mean", mean)?)
                .map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Exponential {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Exponential {}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Exp;

    #[test]
    fn mean_draws_match_closed_form_quantiles_and_mean() {
        check(
            r#"{ dist = "exponential", mean = 4 }"#,
            &Exp::new(0.25).unwrap(),
            4.0,
            4.0,
        );
    }
}
