//! Triangular: `dist = "triangular", min, mode, max`. Its parametrisation, support and mode
//! check are shared with PERT.

use rand::Rng;
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Param, Range, Shape, Support, Values};

pub(super) const FAMILY: Family = Family {
    name: "triangular",
    keys: &["min", "mode", "max"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(min_mode_max(|v| Shape::Triangular {
        min: v.at("min"),
        mode: v.at("mode"),
        max: v.at("max"),
    }))
}

/// `{min, mode, max}` with `min <= mode <= max` and `min < max` for every draw.
pub(super) fn min_mode_max(build: fn(Values) -> Shape) -> Form {
    Form::new(
        &[
            ("min", Range::Any),
            ("mode", Range::Any),
            ("max", Range::Any),
        ],
        build,
    )
    .le("min", "mode")
    .le("mode", "max")
    .lt("min", "max")
}

/// From the lowest `min` to the highest `max` the parameters allow.
pub(super) fn support(min: &Param, max: &Param, slots: &[Support]) -> Support {
    Support::closed(min.support(slots).lo, max.support(slots).hi)
}

/// Concrete values must satisfy `min <= mode <= max` and `min < max`.
pub(super) fn check_mode(a: f64, c: f64, b: f64) -> Result<(), String> {
    if a < b && a <= c && c <= b {
        Ok(())
    } else {
        Err(format!(
            "needs min <= mode <= max and min < max, got {a}, {c}, {b}"
        ))
    }
}

/// A triangular with concrete parameters.
#[derive(Clone, Debug)]
pub(super) struct Triangular(rand_distr::Triangular<f64>);

impl Triangular {
    pub(super) fn new(min: f64, mode: f64, max: f64) -> Result<Self, String> {
        check_mode(min, mode, max)?;
        Ok(Triangular(
            rand_distr::Triangular::new(min, max, mode).map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Triangular {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Triangular {}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Triangular;

    #[test]
    fn min_mode_max_draws_match_closed_form_quantiles_and_mean() {
        let (a, c, b): (f64, f64, f64) = (1.0, 2.0, 6.0);
        let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        check(
            r#"{ dist = "triangular", min = 1, mode = 2, max = 6 }"#,
            &Triangular::new(a, b, c).unwrap(),
            (a + b + c) / 3.0,
            var.sqrt(),
        );
    }
}
