//! Beta on [0, 1]: `dist = "beta", alpha, beta`.

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Range, Shape, Support, Values, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "beta",
    keys: &["alpha", "beta"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(
        &[("alpha", Range::Positive), ("beta", Range::Positive)],
        build,
    ))
}

fn build(v: Values) -> Shape {
    Shape::Beta {
        alpha: v.at("alpha"),
        beta: v.at("beta"),
    }
}

/// `[0, 1]`.
pub(super) fn support() -> Support {
    Support::closed(0.0, 1.0)
}

/// A beta with concrete shapes.
#[derive(Clone, Debug)]
pub(super) struct Beta(rand_distr::Beta<f64>);

impl Beta {
    pub(super) fn new(alpha: f64, beta: f64) -> Result<Self, String> {
        Ok(Beta(
            rand_distr::Beta::new(
                require_positive("alpha", alpha)?,
                require_positive("beta", beta)?,
            )
            .map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Beta {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Beta {}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Beta;

    #[test]
    fn alpha_beta_draws_match_closed_form_quantiles_and_mean() {
        let (a, b): (f64, f64) = (2.0, 5.0);
        let var = a * b / ((a + b).powi(2) * (a + b + 1.0));
        check(
            r#"{ dist = "beta", alpha = 2, beta = 5 }"#,
            &Beta::new(a, b).unwrap(),
            a / (a + b),
            var.sqrt(),
        );
    }
}
