//! Volume tiers of payg and hybrid plans: bands over a month's metered charge, each with a
//! rate per $ of that charge, applied either graduated (each $ at the rate of the band it falls
//! in) or by volume (the whole charge at the rate of the band the charge reaches).
//!
//! A band's bounds are amounts of the month's charge in $ at the plan's month-0 `rates` (for
//! hybrid: of the overage after `overage_multiplier`), so a band is a fixed amount of usage.
//! [`Tiers::charge`] maps such an amount to what is billed for it; anything that moves the
//! price over time (a price schedule) multiplies its result. [`Tiers::within`] is the inverse
//! a spend cap needs: the largest usage up to the demand whose tiered charge is within the cap.
//! The declared fields ([`TIERS`], [`TIER_MODE`]) are shared by both kinds.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use crate::dist::{Param, Range};

/// The words of `tier_mode`, in the order of [`TierMode`].
const MODES: &[&str] = &["graduated", "volume"];

/// The fields of one band: its inclusive upper bound (absent on the last band) and its rate.
const BAND: &[Field] = &[
    Field::opt_param("up_to", Range::Positive),
    Field::param("rate", Range::NonNeg),
];

/// `tiers = [{ up_to = 1000, rate = 1.0 }, ..., { rate = 0.6 }]`.
pub const TIERS: Field = Field::opt_bands("tiers", "up_to", BAND);

/// `tier_mode = "graduated" | "volume"`, only with `tiers`.
pub const TIER_MODE: Field = Field::word_or("tier_mode", MODES, MODES[0]).only_with("tiers");

/// How the bands' rates apply to a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Each $ at the rate of the band it falls in.
    Graduated,
    /// The whole charge at the rate of the band the charge reaches.
    Volume,
}

/// One configured band.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Band {
    /// Inclusive upper bound, $ of charge; `None` on the last band (open above).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Param>,
    /// $ billed per $ of charge in this band.
    pub rate: Param,
}

/// Configured tiers (the reader has checked the bounds: present on every band but the last,
/// strictly increasing for every draw).
#[derive(Clone, Debug, Serialize)]
pub struct TiersSpec {
    /// How the rates apply (`tier_mode`).
    #[serde(rename = "tier_mode")]
    pub mode: TierMode,
    /// The bands, in increasing order.
    pub bands: Vec<Band>,
}

impl TiersSpec {
    /// The tiers from the values read for [`TIERS`] and [`TIER_MODE`]; `None` without tiers.
    pub fn build(v: &mut FieldValues) -> Option<TiersSpec> {
        let bands = v.opt_bands(TIERS.name);
        let mode = match v.word(TIER_MODE.name) {
            "volume" => TierMode::Volume,
            _ => TierMode::Graduated,
        };
        let bands = bands?
            .into_iter()
            .map(|mut b| Band {
                up_to: b.opt_param("up_to"),
                rate: b.param("rate"),
            })
            .collect();
        Some(TiersSpec { mode, bands })
    }

    /// Concrete bands for one trial.
    pub fn resolve(&self, d: &[f64]) -> Tiers {
        let mut t = Tiers {
            mode: self.mode,
            upper: Vec::with_capacity(self.bands.len()),
            rate: Vec::with_capacity(self.bands.len()),
            base: Vec::with_capacity(self.bands.len()),
        };
        let (mut lower, mut base) = (0.0, 0.0);
        for b in &self.bands {
            let upper = b.up_to.map_or(f64::INFINITY, |u| u.value(d));
            let rate = b.rate.value(d);
            t.upper.push(upper);
            t.rate.push(rate);
            t.base.push(base);
            if upper.is_finite() {
                base += rate * (upper - lower);
                lower = upper;
            }
        }
        t
    }
}

/// Resolved tiers: band k covers charges in (upper[k-1], upper[k]] (band 0 from 0 included);
/// the last upper bound is infinite.
#[derive(Clone, Debug, PartialEq)]
pub struct Tiers {
    mode: TierMode,
    upper: Vec<f64>,
    rate: Vec<f64>,
    /// Graduated charge of the bands below band k.
    base: Vec<f64>,
}

impl Tiers {
    /// The band `x` falls in (bounds are inclusive).
    fn band(&self, x: f64) -> usize {
        self.upper.iter().position(|&u| x <= u).unwrap_or(0)
    }

    /// The lower end of band `k` (0 for the first).
    fn lower(&self, k: usize) -> f64 {
        if k == 0 { 0.0 } else { self.upper[k - 1] }
    }

    /// What is billed for a charge of `x` >= 0 $ (at the month-0 rates): graduated, the sum
    /// over bands of rate x the part of `x` in the band; volume, `x` x the rate of its band.
    pub fn charge(&self, x: f64) -> f64 {
        let k = self.band(x);
        match self.mode {
            TierMode::Graduated => self.base[k] + self.rate[k] * (x - self.lower(k)),
            TierMode::Volume => self.rate[k] * x,
        }
    }

    /// Under a cap: what is billed for a charge of `x` (at most `cap`) and the charge served
    /// ([`Tiers::within`]). Graduated, the bill is min(charge(x), cap), which the served charge
    /// reaches exactly in exact arithmetic (the charge is continuous), so bills never fall as
    /// `x` rises, in floating point too; volume, it is the charge of the served charge.
    pub fn capped(&self, x: f64, cap: f64) -> (f64, f64) {
        let billed = self.charge(x);
        if billed <= cap {
            return (billed, x);
        }
        let served = self.within(x, cap);
        match self.mode {
            TierMode::Graduated => (cap, served),
            TierMode::Volume => (self.charge(served).min(cap), served),
        }
    }

    /// The largest charge u <= `x` whose tiered charge is within `cap` (`x` itself when its
    /// own is). Graduated, the tiered charge is continuous and non-decreasing, so this is
    /// min(x, the largest u with charge(u) <= cap): within a band of rate 0 the charge stays
    /// flat, and u runs to the band's end. Volume, the charge may fall at a bound, so u is
    /// the largest point within the cap in the highest band below `x` that has one: a
    /// demand just past a bound may be served in full while a smaller one is cut. Either way
    /// u never falls as `x` rises.
    pub fn within(&self, x: f64, cap: f64) -> f64 {
        if self.charge(x) <= cap {
            return x;
        }
        match self.mode {
            TierMode::Graduated => {
                // The crossing is in the first band that ends above the cap: its rate is > 0
                // and the charge at its start is within the cap. A band of rate 0 never ends
                // above the cap, so u runs through it.
                let n = self.upper.len();
                for k in 0..n {
                    let ends_above = if k + 1 < n {
                        self.base[k + 1] > cap
                    } else {
                        self.rate[k] > 0.0
                    };
                    if ends_above {
                        let u = self.lower(k) + (cap - self.base[k]) / self.rate[k];
                        return u.max(0.0).min(x);
                    }
                }
                x // unreachable: a charge above the cap is crossed below it
            }
            TierMode::Volume => {
                for k in (0..=self.band(x)).rev() {
                    let hi = self.upper[k].min(x);
                    let u = if self.rate[k] > 0.0 {
                        hi.min(cap / self.rate[k])
                    } else {
                        hi
                    };
                    if k == 0 || u > self.lower(k) {
                        return u;
                    }
                }
                0.0 // unreachable: band 0 always answers
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers(mode: TierMode, bands: &[(Option<f64>, f64)]) -> Tiers {
        TiersSpec {
            mode,
            bands: bands
                .iter()
                .map(|&(u, r)| Band {
                    up_to: u.map(Param::Fixed),
                    rate: Param::Fixed(r),
                })
                .collect(),
        }
        .resolve(&[])
    }

    /// The example: $1 per $ up to 1000, 0.8 up to 10000, 0.6 beyond.
    const EXAMPLE: &[(Option<f64>, f64)] =
        &[(Some(1000.0), 1.0), (Some(10000.0), 0.8), (None, 0.6)];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn graduated_charge_at_around_and_between_bounds() {
        let t = tiers(TierMode::Graduated, EXAMPLE);
        // up to 1000 at 1.0; 1000 + 0.8 x (x - 1000) up to 10000 (= 8200); then 8200 + 0.6 x
        for (x, want) in [
            (0.0, 0.0),
            (500.0, 500.0),
            (999.0, 999.0),
            (1000.0, 1000.0),
            (1001.0, 1000.8),
            (9999.0, 8199.2),
            (10000.0, 8200.0),
            (10001.0, 8200.6),
            (20000.0, 14200.0),
        ] {
            assert!(
                close(t.charge(x), want),
                "charge({x}) = {} != {want}",
                t.charge(x)
            );
        }
    }

    #[test]
    fn volume_charge_at_around_and_between_bounds() {
        let t = tiers(TierMode::Volume, EXAMPLE);
        for (x, want) in [
            (0.0, 0.0),
            (999.0, 999.0),
            (1000.0, 1000.0), // inclusive: still the first band
            (1001.0, 800.8),  // the bill falls across the bound
            (9999.0, 7999.2),
            (10000.0, 8000.0),
            (10001.0, 6000.6),
        ] {
            assert!(
                close(t.charge(x), want),
                "charge({x}) = {} != {want}",
                t.charge(x)
            );
        }
    }

    #[test]
    fn one_open_band_at_rate_one_is_the_identity() {
        for mode in [TierMode::Graduated, TierMode::Volume] {
            let t = tiers(mode, &[(None, 1.0)]);
            for x in [0.0, 0.1, 1.0 / 3.0, 12345.678, 1e15] {
                assert_eq!(t.charge(x), x);
                assert_eq!(t.within(x, f64::INFINITY), x);
            }
        }
    }

    #[test]
    fn graduated_inverse_crosses_in_the_right_band_and_runs_through_flat_bands() {
        let t = tiers(TierMode::Graduated, EXAMPLE);
        assert_eq!(t.within(500.0, 900.0), 500.0); // within the cap: all of it
        assert!(close(t.within(5000.0, 900.0), 900.0)); // 900 at 1.0
        assert!(close(t.within(5000.0, 1000.0), 1000.0)); // exactly the first bound
        assert!(close(t.within(50000.0, 1800.0), 2000.0)); // 1000 + 800 / 0.8
        assert!(close(t.within(50000.0, 8800.0), 11000.0)); // 10000 + 600 / 0.6
        assert_eq!(t.within(1e4, 0.0), 0.0);
        // A free middle band: 1.0 up to 100, 0 up to 300, 1.0 beyond. A cap of 100 reaches
        // through the free band to 300; a cap of 150 to 350.
        let free = tiers(
            TierMode::Graduated,
            &[(Some(100.0), 1.0), (Some(300.0), 0.0), (None, 1.0)],
        );
        assert_eq!(free.charge(300.0), 100.0);
        assert!(close(free.within(1000.0, 100.0), 300.0));
        assert!(close(free.within(1000.0, 150.0), 350.0));
        assert_eq!(free.within(250.0, 100.0), 250.0);
        // A free last band: everything past the cap's crossing... never crosses again.
        let free_top = tiers(TierMode::Graduated, &[(Some(100.0), 1.0), (None, 0.0)]);
        assert_eq!(free_top.within(1e9, 100.0), 1e9);
        assert!(close(free_top.within(1e9, 40.0), 40.0));
    }

    #[test]
    fn volume_inverse_takes_the_largest_usage_within_the_cap_below_the_demand() {
        let t = tiers(TierMode::Volume, EXAMPLE);
        // cap 900: 1000 costs 1000 (cut to 900), 1100 costs 880 (served in full), 1200 costs
        // 960: cut to 900 / 0.8 = 1125 in the second band.
        assert!(close(t.within(1000.0, 900.0), 900.0));
        assert_eq!(t.within(1100.0, 900.0), 1100.0);
        assert!(close(t.within(1200.0, 900.0), 1125.0));
        // cap 700: nothing in the second band (it starts above 1000 x 0.8 = 800): 700.
        assert!(close(t.within(5000.0, 700.0), 700.0));
        // Rising rates: 0.5 up to 1000, then 1.0. A cap of 800 stops the second band at 800,
        // below its start, so the first band's end, 1000 (charge 500), is the largest.
        let rising = tiers(TierMode::Volume, &[(Some(1000.0), 0.5), (None, 1.0)]);
        assert_eq!(rising.within(1001.0, 800.0), 1000.0);
        assert_eq!(rising.within(900.0, 800.0), 900.0);
        // A free band is always within the cap.
        let free = tiers(TierMode::Volume, &[(Some(100.0), 1.0), (None, 0.0)]);
        assert_eq!(free.within(1e6, 10.0), 1e6);
        assert!(close(free.within(100.0, 10.0), 10.0));
    }

    #[test]
    fn the_served_charge_never_falls_as_the_demand_rises() {
        for mode in [TierMode::Graduated, TierMode::Volume] {
            let t = tiers(mode, EXAMPLE);
            for cap in [0.0, 500.0, 900.0, 1000.0, 5000.0, 8000.0, 9000.0] {
                let mut last = 0.0;
                for i in 0..=2400 {
                    let x = f64::from(i) * 5.0;
                    let u = t.within(x, cap);
                    assert!(u >= last && u <= x, "{mode:?} cap {cap}: within({x}) = {u}");
                    assert!(t.charge(u) <= cap * (1.0 + 1e-12), "{mode:?} {cap} {x}");
                    last = u;
                }
            }
        }
    }
}
