//! Finite mixture: `dist = "mixture", components = [{ weight, dist = ..., ... }, ...]`.
//! Weights need not sum to 1; a draw picks a component by one uniform, then samples it.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::sampler::ClosedForm;
use super::{DistSpec, Family, Form, Param, Sampler, Shape, Support, require_positive};

pub(super) const FAMILY: Family = Family {
    name: "mixture",
    keys: &["components"],
    form,
};

fn form(_present: &[&str]) -> Result<Form, String> {
    let mut form = Form::new(&[], |v| Shape::Mixture {
        components: v.components,
    });
    form.components = Some("components");
    Ok(form)
}

/// The smallest interval holding every component's support.
pub(super) fn support(components: &[(Param, DistSpec)], slots: &[Support]) -> Support {
    let mut it = components.iter().map(|(_, c)| c.support(slots));
    let first = it.next().unwrap_or(Support::point(0.0));
    it.fold(first, |a, b| {
        let (lo, lo_open) = if b.lo < a.lo || (b.lo == a.lo && !b.lo_open) {
            (b.lo, b.lo_open)
        } else {
            (a.lo, a.lo_open)
        };
        Support {
            lo,
            lo_open,
            hi: a.hi.max(b.hi),
        }
    })
}

pub(super) fn is_fixed(components: &[(Param, DistSpec)]) -> bool {
    components.iter().all(|(w, c)| w.is_fixed() && c.is_fixed())
}

/// Whether some component may lack a mean.
pub(super) fn may_lack_mean(components: &[(Param, DistSpec)], slots: &[Support]) -> bool {
    components.iter().any(|(_, c)| c.may_lack_mean(slots))
}

/// A mixture of samplers with cumulative normalised weights.
#[derive(Clone, Debug)]
pub(super) struct Mixture {
    cum: Vec<f64>,
    parts: Vec<Sampler>,
}

impl Mixture {
    /// Each weight is checked before its component is resolved.
    pub(super) fn new(components: &[(Param, DistSpec)], d: &[f64]) -> Result<Self, String> {
        let mut cum = Vec::with_capacity(components.len());
        let mut parts = Vec::with_capacity(components.len());
        let mut total = 0.0;
        for (w, c) in components {
            total += require_positive("weight", w.value(d))?;
            cum.push(total);
            parts.push(c.resolve(d)?);
        }
        for c in &mut cum {
            *c /= total;
        }
        Ok(Mixture { cum, parts })
    }
}

impl Distribution<f64> for Mixture {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u = rng.random::<f64>();
        let i = self
            .cum
            .partition_point(|&c| c <= u)
            .min(self.parts.len() - 1);
        self.parts[i].sample(rng)
    }
}

/// No closed form is used: `check` samples.
impl ClosedForm for Mixture {}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_cdf, assert_mean, draws};
    use statrs::distribution::{ContinuousCDF, Normal, Uniform};

    const TEXT: &str = r#"{ dist = "mixture", components = [
        { weight = 0.7, dist = "normal", mean = 0, sd = 1 },
        { weight = 0.3, dist = "uniform", min = 10, max = 20 } ] }"#;

    #[test]
    fn draws_follow_the_weighted_cdf_and_mean_of_the_components() {
        let x = draws(TEXT, 3);
        let n = Normal::new(0.0, 1.0).unwrap();
        let u = Uniform::new(10.0, 20.0).unwrap();
        for at in [-1.0, 0.0, 1.5, 12.0, 17.5] {
            let p = 0.7 * n.cdf(at) + 0.3 * u.cdf(at);
            assert_cdf(&x, at, p, "mixture");
        }
        // mean 0.7*0 + 0.3*15 = 4.5; E[X^2] = 0.7*1 + 0.3*(225 + 100/12)
        let ex2 = 0.7 + 0.3 * (225.0 + 100.0 / 12.0);
        assert_mean(&x, 4.5, (ex2 - 4.5f64 * 4.5).sqrt(), "mixture");
    }

    #[test]
    fn weights_need_not_sum_to_one() {
        // 7 and 3 is the same mixture as 0.7 and 0.3: the same draws.
        let x = draws(TEXT, 3);
        let y = draws(&TEXT.replace("0.7", "7").replace("0.3", "3"), 3);
        assert_eq!(x, y);
    }
}
