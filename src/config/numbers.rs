//! The number contract of a scenario. Amounts, rates, shares and every other *number* are 0 or
//! of magnitude in [`MIN_MAGNITUDE`, `MAX_MAGNITUDE`] (1e-15 to 1e15), so sums over users and
//! months stay finite. Counts (`trials`, `users`, `months`, `seed`) are *whole numbers* from 0 to
//! [`MAX_WHOLE`] (2^63 - 1, about 9.2e18), written as integers or as floats with no fractional
//! part (`1e6`, `9.2e18`); a float is read from its digits, exactly, never rounded through f64.

use toml::de::DeValue;

use super::reader::{Src, Tbl, Value, type_name};
use crate::error::ConfigError;

/// Largest magnitude of any number in a scenario (plain numbers are refused above it, draws
/// are clamped to it), so sums over users and months stay finite.
pub const MAX_MAGNITUDE: f64 = crate::dist::MAX_MAGNITUDE;
/// Smallest magnitude of a nonzero plain number: with [`MAX_MAGNITUDE`], ratios of plain
/// numbers stay within 1e30 (a pack of 5e-324 credits would otherwise need infinitely many
/// packs).
pub const MIN_MAGNITUDE: f64 = 1e-15;
/// Largest whole number (a count or the seed): 2^63 - 1.
pub const MAX_WHOLE: u64 = i64::MAX as u64;

/// A finite plain number (integer or float): 0, or of magnitude in [`MIN_MAGNITUDE`,
/// `MAX_MAGNITUDE`].
pub fn number(src: &Src<'_>, v: &Value<'_>, path: &str) -> Result<f64, ConfigError> {
    let x = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(|i| i as f64)
            .or_else(|_| i.as_str().parse::<f64>())
            .map_err(|_| src.err(&v.span(), path, "integer out of range"))?,
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map_err(|_| src.err(&v.span(), path, format!("invalid float `{}`", f.as_str())))?,
        other => {
            return Err(src.err(
                &v.span(),
                path,
                format!("expected a number, found {}", type_name(other)),
            ));
        }
    };
    if x.is_finite() && x.abs() > MAX_MAGNITUDE {
        Err(src.err(
            &v.span(),
            path,
            format!("{x:e} is too large: numbers are limited to magnitude {MAX_MAGNITUDE:e}"),
        ))
    } else if x != 0.0 && x.abs() < MIN_MAGNITUDE {
        Err(src.err(
            &v.span(),
            path,
            format!(
                "{x:e} is too small: nonzero numbers are limited to magnitude {MIN_MAGNITUDE:e} \
                 and above (write 0 for zero)"
            ),
        ))
    } else if x.is_finite() {
        Ok(x + 0.0) // -0.0 becomes 0.0: a zero has no sign downstream
    } else {
        Err(src.err(
            &v.span(),
            path,
            format!("must be a finite number, got {x} (NaN and inf are not allowed)"),
        ))
    }
}

impl Tbl<'_, '_> {
    /// An optional whole number (a count or the seed; see [`whole`]).
    pub fn opt_count(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        self.get(key)
            .map(|v| whole(self.src, v, &self.child(key)))
            .transpose()
    }
}

/// A whole number from 0 to [`MAX_WHOLE`]: an integer, or a float with no fractional part,
/// read exactly from its digits.
pub fn whole(src: &Src<'_>, v: &Value<'_>, path: &str) -> Result<u64, ConfigError> {
    let fail = |msg: String| Err(src.err(&v.span(), path, msg));
    let too_large = |text: &str| {
        format!("must be a whole number from 0 to {MAX_WHOLE} (2^63 - 1, about 9.2e18), got {text}")
    };
    match v.get_ref() {
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) if n < 0 => fail(format!("must be a whole number >= 0, got {n}")),
            Ok(n) => Ok(n as u64),
            Err(_) => fail(too_large(i.as_str())),
        },
        DeValue::Float(f) => {
            let text = f.as_str();
            if !text
                .replace('_', "")
                .parse::<f64>()
                .is_ok_and(f64::is_finite)
            {
                number(src, v, path)?; // NaN, inf or not a float: its own message
            }
            match exact_whole(text) {
                Whole::Value(n) => Ok(n),
                Whole::Fraction => fail(format!("expected a whole number, found {text}")),
                Whole::Negative => fail(format!("must be a whole number >= 0, got {text}")),
                Whole::TooLarge => fail(too_large(text)),
            }
        }
        other => fail(format!("expected an integer, found {}", type_name(other))),
    }
}

/// What a float literal's digits say about it as a whole number.
#[derive(Debug, PartialEq)]
enum Whole {
    /// A whole number from 0 to [`MAX_WHOLE`].
    Value(u64),
    /// Not whole.
    Fraction,
    /// Whole and below 0.
    Negative,
    /// Whole and above [`MAX_WHOLE`].
    TooLarge,
}

/// Reads a finite TOML float literal (sign, digits with `_`, fraction, exponent) exactly.
fn exact_whole(text: &str) -> Whole {
    let text = text.replace('_', "");
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, &text[..]),
    };
    let (mantissa, exponent) = unsigned
        .split_once(['e', 'E'])
        .map_or((unsigned, "0"), |(m, e)| (m, e));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Whole::Value(0); // 0, -0.0, 0e99
    }
    let Ok(exponent) = exponent.parse::<i64>() else {
        // An exponent beyond i64 (the float is finite, so its digits are tiny or it is 0).
        return if exponent.starts_with('-') {
            Whole::Fraction
        } else {
            Whole::TooLarge
        };
    };
    let kept = significant.trim_end_matches('0');
    let zeros = (significant.len() - kept.len()) as i64;
    let scale = exponent
        .saturating_sub(frac.len() as i64)
        .saturating_add(zeros);
    if scale < 0 {
        Whole::Fraction
    } else if negative {
        Whole::Negative
    } else if kept.len() as i64 + scale > 19 {
        Whole::TooLarge
    } else {
        // At most 19 digits and 10^19: well within u128.
        kept.parse::<u128>()
            .ok()
            .and_then(|k| k.checked_mul(10u128.pow(scale as u32)))
            .and_then(|n| u64::try_from(n).ok())
            .filter(|&n| n <= MAX_WHOLE)
            .map_or(Whole::TooLarge, Whole::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_WHOLE, Whole, exact_whole};
    use crate::config::parse;

    /// A scenario with `[simulation]` set to `simulation`.
    fn seed_of(simulation: &str) -> Result<u64, String> {
        let text = format!(
            "name = \"s\"\n[simulation]\n{simulation}\n[retail]\ninput = 1\noutput = 1\n\
             [cost]\ninput = 1\noutput = 1\n[[segment]]\nname = \"a\"\nshare = 1\n\
             output_tokens = 1\n[[plan]]\nname = \"p\"\nkind = \"payg\"\n"
        );
        parse(&text, "s.toml")
            .map(|s| s.simulation.seed)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_seed_written_as_a_float_is_read_exactly_up_to_2_pow_63() {
        assert_eq!(seed_of("seed = 9.2e18"), Ok(9_200_000_000_000_000_000));
        assert_eq!(seed_of("seed = 1e16"), Ok(10_000_000_000_000_000));
        assert_eq!(
            seed_of("seed = 10000000000000000"),
            Ok(10_000_000_000_000_000)
        );
        assert_eq!(
            seed_of("seed = 10000000000000001.0"),
            Ok(10_000_000_000_000_001)
        );
        assert_eq!(seed_of("seed = 9223372036854775807"), Ok(MAX_WHOLE));
        assert_eq!(seed_of("seed = -0.0"), Ok(0));
        let refused = seed_of("seed = 9.3e18").unwrap_err();
        assert!(refused.contains("simulation.seed: must be a whole number from 0 to"));
        let refused = seed_of("seed = inf").unwrap_err();
        assert!(refused.contains("must be a finite number"), "{refused}");
    }

    #[test]
    fn float_literals_are_read_exactly_as_whole_numbers() {
        assert_eq!(exact_whole("1e4"), Whole::Value(10_000));
        assert_eq!(
            exact_whole("9.2e18"),
            Whole::Value(9_200_000_000_000_000_000)
        );
        assert_eq!(exact_whole("1e16"), Whole::Value(10_000_000_000_000_000));
        // Not representable in f64, but read from its digits.
        assert_eq!(
            exact_whole("10000000000000001.0"),
            Whole::Value(10_000_000_000_000_001)
        );
        assert_eq!(
            exact_whole("9223372036854775807.0"),
            Whole::Value(MAX_WHOLE)
        );
        assert_eq!(exact_whole("9223372036854775808.0"), Whole::TooLarge);
        assert_eq!(exact_whole("9.3e18"), Whole::TooLarge);
        assert_eq!(exact_whole("1e400"), Whole::TooLarge);
        assert_eq!(exact_whole("1_000.000"), Whole::Value(1000));
        assert_eq!(exact_whole("+12.5e1"), Whole::Value(125));
        assert_eq!(exact_whole("1250E-1"), Whole::Value(125));
        assert_eq!(exact_whole("-0.0"), Whole::Value(0));
        assert_eq!(exact_whole("0e999"), Whole::Value(0));
        assert_eq!(exact_whole("-5.0"), Whole::Negative);
        assert_eq!(exact_whole("1.5"), Whole::Fraction);
        // f64 reads this as 1.0; its digits say otherwise.
        assert_eq!(exact_whole("1.0000000000000000001"), Whole::Fraction);
        assert_eq!(exact_whole("1e-20"), Whole::Fraction);
        assert_eq!(exact_whole("1e-99999999999999999999"), Whole::Fraction);
        assert_eq!(exact_whole("0e99999999999999999999"), Whole::Value(0));
    }
}
