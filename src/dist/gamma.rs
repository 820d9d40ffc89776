//! Gamma: `dist = "gamma"` with `{shape, scale}` or `{mean, sd}`.

use rand::Rng;
use rand_distr::Distribution;

use super::family::found;
use super::sampler::ClosedForm;
use super::{Family, Form, Range, Shape, Support, Values, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "gamma",
    keys: &["shape", "scale", "mean", "sd"],
    form,
};

/// `{mean, sd}` when either is present (and then exactly those two), else `{shape, scale}`.
fn form(present: &[&str]) -> Result<Form, String> {
    if !present.contains(&"mean") && !present.contains(&"sd") {
        return Ok(Form::new(
            &[("shape", Range::Positive), ("scale", Range::Positive)],
            |v| Shape::Gamma {
                shape: v.at("shape"),
                scale: v.at("scale"),
            },
        ));
    }
    let keys = ["mean", "sd"];
    if !(keys.iter().all(|k| present.contains(k)) && present.len() == keys.len()) {
        return Err(found("gamma takes {shape, scale} or {mean, sd}", present));
    }
    Ok(Form::new(
        &[("mean", Range::Positive), ("sd", Range::Positive)],
        moments,
    ))
}

fn moments(v: Values) -> Shape {
    Shape::GammaMoments {
        mean: v.at("mean"),
        sd: v.at("sd"),
    }
}

/// `(0, inf)`.
pub(super) fn support() -> Support {
    Support::positive()
}

/// A gamma with concrete shape and scale.
#[derive(Clone, Debug)]
pub(super) struct Gamma(rand_distr::Gamma<f64>);

impl Gamma {
    pub(super) fn new(shape: f64, scale: f64) -> Result<Self, String> {
        Ok(Gamma(
            rand_distr::Gamma::new(
                require_positive("shape", shape)?,
                require_positive("scale", scale)?,
            )
            .map_err(|e| e.to_string())?,
        ))
    }

    /// From the mean and standard deviation: shape (mean / sd)^2, scale sd^2 / mean.
    pub(super) fn from_moments(mean: f64, sd: f64) -> Result<Self, String> {
        let (m, s) = (require_positive("mean", mean)?, require_positive("sd", sd)?);
        let (shape, scale) = (m * m / (s * s), s * s / m);
        Ok(Gamma(
            rand_distr::Gamma::new(
                require_positive("derived shape", shape)?,
                require_positive("derived scale", scale)?,
            )
            .map_err(|e| e.to_string())?,
        ))
    }
}

impl Distribution<f64> for Gamma {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.0.sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Gamma {}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Gamma;

    #[test]
    fn shape_scale_draws_match_closed_form_quantiles_and_mean() {
        // shape 2, scale 3: mean 6, sd sqrt(18)
        check(
            r#"{ dist = "gamma", shape = 2, scale = 3 }"#,
            &Gamma::new(2.0, 1.0 / 3.0).unwrap(),
            6.0,
            18f64.sqrt(),
        );
    }

    #[test]
    fn mean_sd_gives_the_distribution_of_the_matching_shape_and_scale() {
        // mean 6, sd sqrt(18) is shape 2, scale 3
        check(
            r#"{ dist = "gamma", mean = 6, sd = 4.242640687119285 }"#,
            &Gamma::new(2.0, 1.0 / 3.0).unwrap(),
            6.0,
            18f64.sqrt(),
        );
    }

    #[test]
    fn shape_below_one_takes_the_other_sampling_path_and_still_matches() {
        check(
            r#"{ dist = "gamma", shape = 0.5, scale = 2 }"#,
            &Gamma::new(0.5, 0.5).unwrap(),
            1.0,
            2f64.sqrt(),
        );
    }
}
