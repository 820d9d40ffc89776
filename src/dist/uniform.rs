//! Uniform on `[min, max)`: `dist = "uniform", min, max`.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{Family, Form, Param, Range, Shape, Support, Values};

pub(super) const FAMILY: Family = Family {
    name: "uniform",
    keys: &["min", "max"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    Ok(Form::new(&[("min", Range::Any), ("max", Range::Any)], build).lt("min", "max"))
}

fn build(v: Values) -> Shape {
    Shape::Uniform {
        min: v.at("min"),
        max: v.at("max"),
    }
}

/// From the lowest `min` to the highest `max` the parameters allow.
pub(super) fn support(min: &Param, max: &Param, slots: &[Support]) -> Support {
    Support::closed(min.support(slots).lo, max.support(slots).hi)
}

/// A uniform with concrete bounds.
#[derive(Clone, Debug)]
pub(super) struct Uniform {
    min: f64,
    width: f64,
}

impl Uniform {
    pub(super) fn new(min: f64, max: f64) -> Result<Self, String> {
        if min.partial_cmp(&max) != Some(std::cmp::Ordering::Less) {
            return Err(format!("uniform needs min < max, got {min} and {max}"));
        }
        Ok(Uniform {
            min,
            width: max - min,
        })
    }
}

impl Distribution<f64> for Uniform {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.min + self.width * rng.random::<f64>()
    }
}

impl ClosedForm for Uniform {
    fn mean(&self) -> Option<f64> {
        Some(self.min + self.width / 2.0)
    }
    fn quantile(&self, p: f64) -> Option<f64> {
        Some(self.min + self.width * p)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use statrs::distribution::Uniform;

    #[test]
    fn min_max_draws_match_closed_form_quantiles_and_mean() {
        let d = Uniform::new(2.0, 5.0).unwrap();
        check(
            r#"{ dist = "uniform", min = 2, max = 5 }"#,
            &d,
            3.5,
            3.0 / 12f64.sqrt(),
        );
    }
}
