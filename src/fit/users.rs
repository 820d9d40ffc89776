//! Per-user quantities of a usage [`Panel`] (one [`UserFit`] per user) and their pooled values
//! over a group of users ([`GroupFit`]): what a fitted segment's fields come from.
//!
//! - The typical month is the mean output of the user's active months (the D of docs/model.md).
//! - The prompt ratio is (input + cache_read + cache_write) / output over the whole export; the
//!   cache shares are cache_read / prompt and cache_write / prompt. A group's values are
//!   token-weighted (its summed prompt over its summed output), so a segment bills the group's
//!   total prompt tokens for its total output.
//! - Volatility follows plansim's model, month = D × exp(v z − v²/2), so ln(month) has sd v
//!   within a user. With two months or more it is the pooled within-user sd of ln(active-month
//!   output) over the users with at least two such months: sqrt(Σ_u Σ_m (ln x_um − mean_u)² /
//!   Σ_u (n_u − 1)). With one month, it comes from the daily series: with daily CV c (sample
//!   sd over mean of the days from the user's first active day to the export's last, zeros
//!   included) and days independent within a month, the monthly CV is c / sqrt(30.44) and
//!   v = sqrt(ln(1 + CV²)); the group's value is the median over its users.
//! - The inactive share is the share of inactive months between a user's first and last active
//!   months (months after the last count as churn, not inactivity).
//! - Churn (exports of three months or more): users whose last active month is before the
//!   export's final month, over the user-months at risk (first active month to the last active
//!   one, or to the month before the final one).

use crate::usage::{DAYS_PER_MONTH, Panel};

/// One user's quantities.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFit {
    /// The user id as written.
    pub id: String,
    /// Mean output tokens of the active months (0 for a user never active).
    pub typical: f64,
    /// Output tokens over the export.
    pub output: f64,
    /// Prompt tokens (fresh input, cache reads, cache writes) over the export.
    pub prompt: f64,
    /// Cache-read tokens over the export.
    pub cache_read: f64,
    /// Cache-write tokens over the export.
    pub cache_write: f64,
    /// ln of the output of each active month with output > 0.
    pub log_months: Vec<f64>,
    /// Volatility from the daily series (exports of one month only; see the module notes).
    pub daily_volatility: Option<f64>,
    /// Active months.
    pub active_months: usize,
    /// Inactive months between the first and the last active month.
    pub inactive_months: usize,
    /// First and last active month (0-based), for a user ever active.
    pub first_last: Option<(usize, usize)>,
    /// Whether an active month of the user covered less than 30.44 days and was scaled up.
    pub scaled: bool,
}

impl UserFit {
    /// Prompt tokens per output token, when the user has output.
    pub fn input_per_output(&self) -> Option<f64> {
        (self.output > 0.0).then(|| self.prompt / self.output)
    }

    /// Cache reads as a share of prompt tokens, when the user has prompt tokens.
    pub fn cache_read_share(&self) -> Option<f64> {
        (self.prompt > 0.0).then(|| self.cache_read / self.prompt)
    }

    /// Cache writes as a share of prompt tokens, when the user has prompt tokens.
    pub fn cache_write_share(&self) -> Option<f64> {
        (self.prompt > 0.0).then(|| self.cache_write / self.prompt)
    }

    /// The user's own volatility: the sd of ln(month) with two active months or more, else
    /// the daily estimate.
    pub fn volatility(&self) -> Option<f64> {
        match self.log_months.len() {
            0 | 1 => self.daily_volatility,
            n => Some((sum_squares(&self.log_months) / (n - 1) as f64).sqrt()),
        }
    }

    /// Inactive months over the months from the first active one to the last.
    pub fn inactive_share(&self) -> Option<f64> {
        let (first, last) = self.first_last?;
        Some(self.inactive_months as f64 / (last - first + 1) as f64)
    }
}

/// Σ (x − mean)².
fn sum_squares(x: &[f64]) -> f64 {
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - mean) * (v - mean)).sum()
}

/// Where a group's volatility came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VolSource {
    /// Pooled within-user sd of ln(month).
    Months,
    /// Median of the users' estimates from their daily series.
    Days,
    /// Not estimable (no user with two active months, and no daily series).
    None,
}

/// The pooled quantities of a group of users (a segment, or everyone).
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFit {
    /// Users in the group.
    pub users: usize,
    /// Summed prompt over summed output, when the export has an input column.
    pub input_per_output: Option<f64>,
    /// Summed cache reads over summed prompt, when the export has a cache-read column.
    pub cache_read_share: Option<f64>,
    /// Summed cache writes over summed prompt, when the export has a cache-write column.
    pub cache_write_share: Option<f64>,
    /// Monthly volatility, and where it came from.
    pub volatility: Option<f64>,
    /// Where `volatility` came from.
    pub vol_source: VolSource,
    /// Inactive user-months over the user-months from first to last activity.
    pub inactive_share: f64,
    /// Monthly churn, for exports of three months or more.
    pub churn: Option<f64>,
}

/// Which optional token columns the export has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Has {
    /// An input column.
    pub input: bool,
    /// A cache-read column.
    pub cache_read: bool,
    /// A cache-write column.
    pub cache_write: bool,
}

impl Has {
    /// The optional columns `panel` was read with.
    pub fn of(panel: &Panel) -> Self {
        Has {
            input: panel.columns.input.is_some(),
            cache_read: panel.columns.cache_read.is_some(),
            cache_write: panel.columns.cache_write.is_some(),
        }
    }
}

/// Every user's quantities, in the panel's order.
pub fn per_user(panel: &Panel) -> Vec<UserFit> {
    panel
        .users
        .iter()
        .map(|u| {
            let mut f = UserFit {
                id: u.id.clone(),
                typical: 0.0,
                output: 0.0,
                prompt: 0.0,
                cache_read: 0.0,
                cache_write: 0.0,
                log_months: Vec::new(),
                daily_volatility: None,
                active_months: 0,
                inactive_months: 0,
                first_last: None,
                scaled: false,
            };
            let mut active_output = 0.0;
            for (m, mu) in u.months.iter().enumerate() {
                f.output += mu.output;
                f.prompt += mu.input + mu.cache_read + mu.cache_write;
                f.cache_read += mu.cache_read;
                f.cache_write += mu.cache_write;
                if !mu.active {
                    continue;
                }
                f.active_months += 1;
                active_output += mu.output;
                if mu.output > 0.0 {
                    f.log_months.push(mu.output.ln());
                }
                let covered = panel.covered_days.get(m).copied();
                f.scaled |= covered.is_some_and(|d| d < DAYS_PER_MONTH);
                f.first_last = Some(f.first_last.map_or((m, m), |(a, _)| (a, m)));
            }
            if let Some((first, last)) = f.first_last {
                f.typical = active_output / f.active_months as f64;
                f.inactive_months = (last - first + 1) - f.active_months;
            }
            if panel.months < 2 {
                f.daily_volatility = daily_volatility(&u.daily_output);
            }
            f
        })
        .collect()
}

/// Monthly volatility from a daily series: the days from the first with output to the last
/// of the series (zeros included), their CV c (sample sd over mean), the monthly CV
/// c / sqrt(30.44) for independent days, and v = sqrt(ln(1 + CV²)). `None` with fewer than
/// two such days.
pub fn daily_volatility(daily: &[f64]) -> Option<f64> {
    let first = daily.iter().position(|&x| x > 0.0)?;
    let days = &daily[first..];
    if days.len() < 2 {
        return None;
    }
    let mean = days.iter().sum::<f64>() / days.len() as f64;
    let sd = (sum_squares(days) / (days.len() - 1) as f64).sqrt();
    let cv_month = sd / mean / DAYS_PER_MONTH.sqrt();
    Some((1.0 + cv_month * cv_month).ln().sqrt())
}

/// The pooled quantities of `users` in an export of `months` months with the columns `has`.
pub fn group(users: &[&UserFit], months: usize, has: Has) -> GroupFit {
    let sum = |f: fn(&UserFit) -> f64| users.iter().map(|u| f(u)).sum::<f64>();
    let (output, prompt) = (sum(|u| u.output), sum(|u| u.prompt));
    let ratio = |num: f64, den: f64, present: bool| (present && den > 0.0).then(|| num / den);
    let (volatility, vol_source) = pooled_volatility(users, months);
    let span: usize = users
        .iter()
        .filter_map(|u| u.first_last.map(|(a, b)| b - a + 1))
        .sum();
    let inactive: usize = users.iter().map(|u| u.inactive_months).sum();
    GroupFit {
        users: users.len(),
        input_per_output: ratio(prompt, output, has.input),
        cache_read_share: ratio(sum(|u| u.cache_read), prompt, has.cache_read),
        cache_write_share: ratio(sum(|u| u.cache_write), prompt, has.cache_write),
        volatility,
        vol_source,
        inactive_share: if span > 0 {
            inactive as f64 / span as f64
        } else {
            0.0
        },
        churn: churn(users, months),
    }
}

/// The pooled volatility of `users` (see the module notes).
fn pooled_volatility(users: &[&UserFit], months: usize) -> (Option<f64>, VolSource) {
    if months >= 2 {
        let (mut ss, mut df) = (0.0, 0usize);
        for u in users.iter().filter(|u| u.log_months.len() >= 2) {
            ss += sum_squares(&u.log_months);
            df += u.log_months.len() - 1;
        }
        return if df > 0 {
            (Some((ss / df as f64).sqrt()), VolSource::Months)
        } else {
            (None, VolSource::None)
        };
    }
    let mut v: Vec<f64> = users.iter().filter_map(|u| u.daily_volatility).collect();
    if v.is_empty() {
        return (None, VolSource::None);
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (Some(median), VolSource::Days)
}

/// Monthly churn of `users` over an export of `months` months: `None` below three months or
/// with no user-month at risk.
pub fn churn(users: &[&UserFit], months: usize) -> Option<f64> {
    if months < 3 {
        return None;
    }
    let (mut left, mut at_risk) = (0usize, 0usize);
    for (first, last) in users.iter().filter_map(|u| u.first_last) {
        if last + 1 < months {
            left += 1;
        }
        // At risk in months first ..= min(last, months - 2): leaving after the final month
        // cannot be seen.
        at_risk += (last.min(months - 2) + 1).saturating_sub(first);
    }
    (at_risk > 0).then(|| left as f64 / at_risk as f64)
}

#[cfg(test)]
#[path = "users_tests.rs"]
mod tests;
