//! PERT, a beta with shape 4 scaled to `[min, max]`: `dist = "pert", min, mode, max` (the
//! parametrisation and support of the triangular).

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::triangular::{check_mode, min_mode_max};
use super::{Family, Form, Param, Shape, Support};

pub(super) const FAMILY: Family = Family {
    name: "pert",
    keys: &["min", "mode", "max"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(min_mode_max(|v| Shape::Pert {
        min: v.at("min"),
        mode: v.at("mode"),
        max: v.at("max"),
    }))
}

/// From the lowest `min` to the highest `max` the parameters allow.
pub(super) fn support(min: &Param, max: &Param, slots: &[Support]) -> Support {
    super::triangular::support(min, max, slots)
}

/// A PERT with concrete parameters.
#[derive(Clone, Debug)]
pub(super) struct Pert(rand_distr::Pert<f64>);

impl Pert {
    pub(super) fn new(min: f64, mode: f64, max: f64) -> Result<Self, String> {
        check_mode(min, mode, max)?;
        Ok(Pert(
            rand_distr::Pert::new(min, max)
                .with_mode(mode)
                .map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Pert {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Pert {}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_cdf, assert_mean, draws};
    use statrs::distribution::{Beta, ContinuousCDF};

    #[test]
    fn draws_match_the_beta_with_shape_four_scaled_to_min_max() {
        // PERT(min, mode, max) = min + (max - min) Beta(1 + 4 (mode-min)/(max-min), 1 + 4 (max-mode)/(max-min))
        let (a, c, b): (f64, f64, f64) = (0.0, 3.0, 10.0);
        let (al, be) = (1.0 + 4.0 * (c - a) / (b - a), 1.0 + 4.0 * (b - c) / (b - a));
        let beta = Beta::new(al, be).unwrap();
        let x = draws(r#"{ dist = "pert", min = 0, mode = 3, max = 10 }"#, 5);
        for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
            assert_cdf(&x, a + (b - a) * beta.inverse_cdf(p), p, "pert");
        }
        let var = al * be / ((al + be).powi(2) * (al + be + 1.0)) * (b - a) * (b - a);
        assert_mean(&x, (a + 4.0 * c + b) / 6.0, var.sqrt(), "pert");
    }
}
