//! Who is in a trial's population and when they arrive: the users present at month 0, split
//! over segments by largest remainder, then `new_users_per_month` arrivals at the start of each
//! month m >= 1.
//!
//! The cumulative arrivals to month m are round(m x new_users_per_month) (half away from zero);
//! the month's arrivals are the difference from month m - 1. They are split over segments by
//! the largest-remainder rule applied to the cumulative arrivals, so a small segment gets its
//! share over time. Largest remainder can take a unit back from a segment when the total grows
//! (the Alabama paradox); an arrival cannot be undone, so then the segment keeps what it had and
//! the excess comes off the segments that gained, the smallest remainder first (the later
//! segment on a tie). User indices run over the month-0 users in segment order, then the
//! arrivals month by month, each month's in segment order.

use serde::Serialize;

use super::segment_sizes;

/// A run of consecutive user indices of one segment that arrive in the same month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cohort {
    /// One past the last user index of the run.
    pub end: u64,
    /// Segment index.
    pub segment: usize,
    /// Arrival month.
    pub month: usize,
}

/// The cohorts of a trial, in user-index order: `users` at month 0 split by `shares`, then
/// `per_month` arrivals a month over `months` months. Empty runs are left out.
pub fn cohorts(shares: &[f64], users: u64, months: usize, per_month: f64) -> Vec<Cohort> {
    let mut out = Vec::new();
    let mut end = 0;
    let mut push = |n: u64, segment: usize, month: usize, out: &mut Vec<Cohort>| {
        if n > 0 {
            end += n;
            out.push(Cohort {
                end,
                segment,
                month,
            });
        }
    };
    for (s, &n) in segment_sizes(shares, users).iter().enumerate() {
        push(n, s, 0, &mut out);
    }
    let mut had = vec![0u64; shares.len()];
    for m in 1..months {
        let now = arrived_by(shares, cumulative(m, per_month), &had);
        for (s, (&a, &b)) in now.iter().zip(&had).enumerate() {
            push(a - b, s, m, &mut out);
        }
        had = now;
    }
    out
}

/// Cumulative arrivals to month `m`: round(m x per_month), half away from zero.
pub fn cumulative(m: usize, per_month: f64) -> u64 {
    (m as f64 * per_month).round() as u64
}

/// Every user of the trial: the month-0 users and all arrivals over `months` months.
pub fn population(users: u64, months: usize, per_month: f64) -> u64 {
    users + cumulative(months.saturating_sub(1), per_month)
}

/// Cumulative arrivals per segment when `total` have arrived, none below `had`.
fn arrived_by(shares: &[f64], total: u64, had: &[u64]) -> Vec<u64> {
    let mut now = segment_sizes(shares, total);
    if now.iter().zip(had).all(|(a, b)| a >= b) {
        return now;
    }
    let sum: f64 = shares.iter().sum();
    let remainder = |s: usize| {
        let raw = shares[s] / sum * total as f64;
        raw - raw.floor()
    };
    for (a, &b) in now.iter_mut().zip(had) {
        *a = (*a).max(b);
    }
    let mut excess = now.iter().sum::<u64>() - total;
    while excess > 0 {
        // The segment that gained with the smallest remainder (the later one on a tie).
        let s = (0..shares.len())
            .filter(|&s| now[s] > had[s])
            .min_by(|&a, &b| remainder(a).total_cmp(&remainder(b)).then(b.cmp(&a)))
            .expect("the total grew, so some segment gained");
        now[s] -= 1;
        excess -= 1;
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(c: &[Cohort], month: usize, segs: usize) -> Vec<u64> {
        let mut start = 0;
        let mut n = vec![0; segs];
        for x in c {
            if x.month == month {
                n[x.segment] += x.end - start;
            }
            start = x.end;
        }
        n
    }

    #[test]
    fn month_zero_users_then_arrivals_in_order() {
        let c = cohorts(&[0.5, 0.5], 10, 4, 3.0);
        assert_eq!(counts(&c, 0, 2), vec![5, 5]);
        // cumulative 3, 6, 9: largest remainder 2/1, 3/3, 5/4 (ties to the earlier segment).
        assert_eq!(counts(&c, 1, 2), vec![2, 1]);
        assert_eq!(counts(&c, 2, 2), vec![1, 2]);
        assert_eq!(counts(&c, 3, 2), vec![2, 1]);
        assert_eq!(c.last().unwrap().end, population(10, 4, 3.0));
        assert_eq!(population(10, 4, 3.0), 19);
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_cumulative() {
        assert_eq!(cumulative(1, 0.5), 1);
        assert_eq!(cumulative(2, 0.5), 1);
        assert_eq!(cumulative(3, 0.5), 2);
        assert_eq!(cumulative(5, 2.5), 13);
        let c = cohorts(&[1.0], 0, 4, 0.5);
        assert_eq!(
            c.iter().map(|x| (x.end, x.month)).collect::<Vec<_>>(),
            vec![(1, 1), (2, 3)]
        );
    }

    #[test]
    fn a_small_segment_gets_its_share_over_time() {
        let c = cohorts(&[0.9, 0.1], 0, 101, 1.0);
        let total: Vec<u64> = (1..101).fold(vec![0, 0], |mut acc, m| {
            let n = counts(&c, m, 2);
            acc[0] += n[0];
            acc[1] += n[1];
            acc
        });
        assert_eq!(total, vec![90, 10]);
    }

    #[test]
    fn the_alabama_paradox_never_takes_an_arrival_back() {
        // Largest remainder gives [1, 1, 12] for 14 and [0, 2, 13] for 15.
        let shares = [0.03, 0.1, 0.87];
        let (lr14, lr15) = (segment_sizes(&shares, 14), segment_sizes(&shares, 15));
        assert_eq!((lr14.clone(), lr15), (vec![1, 1, 12], vec![0, 2, 13]));
        // Segment 0 keeps its arrival; of the two that gained, segment 2 (remainder 0.05, against
        // segment 1's 0.5) gives one up.
        assert_eq!(arrived_by(&shares, 15, &lr14), vec![1, 2, 12]);
    }
}
