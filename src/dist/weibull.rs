//! Weibull: `dist = "weibull", shape, scale`, sampled by its inverse CDF.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Range, Shape, Support, Values, gamma_fn, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "weibull",
    keys: &["shape", "scale"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(
        &[("shape", Range::Positive), ("scale", Range::Positive)],
        build,
    ))
}

fn build(v: Values) -> Shape {
    Shape::Weibull {
        shape: v.at("shape"),
        scale: v.at("scale"),
    }
}

/// `(0, inf)`.
pub(super) fn support() -> Support {
    Support::positive()
}

/// A Weibull with concrete parameters.
#[derive(Clone, Debug)]
pub(super) struct Weibull {
    inv_shape: f64,
    scale: f64,
}

impl Weibull {
    pub(super) fn new(shape: f64, scale: f64) -> Result<Self, String> {
        Ok(Weibull {
            inv_shape: 1.0 / require_positive("shape", shape)?,
            scale: require_positive("scale", scale)?,
        })
    }
}

impl Distribution<f64> for Weibull {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Inverse CDF on (0, 1]: never ln(0).
        let u = 1.0 - rng.random::<f64>();
        self.scale * (-u.ln()).powf(self.inv_shape)
    }
}

impl ClosedForm for Weibull {
    fn mean(&self) -> Option<f64> {
        Some(self.scale * gamma_fn(1.0 + self.inv_shape))
    }
    fn quantile(&self, p: f64) -> Option<f64> {
        Some(self.scale * (-(1.0 - p).ln()).powf(self.inv_shape))
    }
}

#[cfg(test)]
mod tests {
    use super::super::gamma_fn;
    use super::super::testing::check;
    use statrs::distribution::Weibull;

    #[test]
    fn inverse_cdf_draws_match_closed_form_quantiles_and_mean() {
        let (k, l): (f64, f64) = (1.5, 10.0);
        let g1 = gamma_fn(1.0 + 1.0 / k);
        let g2 = gamma_fn(1.0 + 2.0 / k);
        check(
            r#"{ dist = "weibull", shape = 1.5, scale = 10 }"#,
            &Weibull::new(k, l).unwrap(),
            l * g1,
            l * (g2 - g1 * g1).sqrt(),
        );
    }
}
