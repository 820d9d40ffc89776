//! Demand deciles: each user's rank by base demand within a trial, in expected O(n).

/// Demand decile (0..10) of each user: rank by D, ties by user index, decile = 10 rank / n.
/// Expected O(n): a count of users in buckets of D's ordered bits, then selections within the
/// few buckets a decile boundary falls in ([`rank_deciles`]).
#[cfg(test)]
pub fn deciles(d: &[f64]) -> Vec<u8> {
    let mut dec = vec![0u8; d.len()];
    rank_deciles(d, &mut Vec::new(), &mut dec, &|| false);
    dec
}

/// [`deciles`] into `dec`, with `keys` as scratch space (reused between trials). Gives up
/// (leaving `dec` partly filled) once `stop()` is true, checked between passes.
///
/// Counting passes put each user in a bucket of consecutive values of D's ordered bits (at
/// most 2^[`MAX_BUCKET_BITS`] buckets, about one per four users), so a bucket holds an
/// interval of the (D, index) order and its users' ranks are the bucket's rank range; a
/// bucket whose rank range lies within one decile gives its users that decile. Only the users
/// of the few buckets a decile boundary falls in are ranked exactly, by selection on
/// (D, index) within their bucket (the same selections as on the whole trial, fewer users).
pub(super) fn rank_deciles(
    d: &[f64],
    keys: &mut Vec<u128>,
    dec: &mut [u8],
    stop: &dyn Fn() -> bool,
) {
    let n = d.len();
    keys.clear();
    if n == 0 {
        return;
    }
    let (lo, hi) = d.iter().fold((u64::MAX, 0), |(lo, hi), &x| {
        let o = ordered(x);
        (lo.min(o), hi.max(o))
    });
    // Buckets of 2^shift consecutive ordered values, about one per four users.
    let bits = (usize::BITS - (n / 4).max(1).leading_zeros()).clamp(4, MAX_BUCKET_BITS);
    let shift = (u64::BITS - (hi - lo).leading_zeros()).saturating_sub(bits);
    let bucket = |x: f64| ((ordered(x) - lo) >> shift) as usize;
    let mut first = vec![0usize; ((hi - lo) >> shift) as usize + 2];
    for &x in d {
        first[bucket(x) + 1] += 1;
    }
    for b in 1..first.len() {
        first[b] += first[b - 1];
    }
    // first[b]..first[b + 1] are bucket b's ranks: one decile, or SPLIT.
    let decile = |r: usize| (10 * r as u64 / n as u64) as u8;
    let label: Vec<u8> = first
        .windows(2)
        .map(|w| {
            if w[1] > w[0] && decile(w[0]) != decile(w[1] - 1) {
                SPLIT
            } else {
                decile(w[0])
            }
        })
        .collect();
    // Where each split bucket's users go in `keys`, in bucket order.
    let mut at: Vec<usize> = Vec::with_capacity(label.len());
    let mut split = 0;
    for (b, &l) in label.iter().enumerate() {
        at.push(split);
        if l == SPLIT {
            split += first[b + 1] - first[b];
        }
    }
    if stop() {
        return;
    }
    keys.resize(split, 0);
    for (i, &x) in d.iter().enumerate() {
        let b = bucket(x);
        match label[b] {
            SPLIT => {
                keys[at[b]] = (u128::from(ordered(x)) << 64) | i as u128;
                at[b] += 1;
            }
            k => dec[i] = k,
        }
    }
    // `at[b]` is now the end of split bucket b's users in `keys`.
    for (b, &l) in label.iter().enumerate() {
        if l != SPLIT {
            continue;
        }
        if stop() {
            return;
        }
        let (rank0, len) = (first[b], first[b + 1] - first[b]);
        let users = &mut keys[at[b] - len..at[b]];
        let mut start = 0;
        for k in decile(rank0)..=decile(rank0 + len - 1) {
            // ranks r with floor(10 r / n) = k are [ceil(k n / 10), ceil((k + 1) n / 10))
            let end = ((u64::from(k) + 1) * n as u64).div_ceil(10) as usize;
            let end = end.min(rank0 + len) - rank0;
            if end > start && end < len {
                users[start..].select_nth_unstable(end - start);
            }
            for &key in &users[start..end] {
                dec[key as u64 as usize] = k;
            }
            start = end;
        }
    }
}

/// At most 2^MAX_BUCKET_BITS buckets per trial.
const MAX_BUCKET_BITS: u32 = 16;

/// The label of a bucket whose users fall in more than one decile.
const SPLIT: u8 = u8::MAX;

/// D's bits mapped to an integer whose order is `f64::total_cmp`'s.
#[inline(always)]
fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Users per trial in each demand decile: decile = floor(10 rank / users) + 1.
#[cfg(test)]
pub fn decile_sizes(users: u64) -> [u64; 10] {
    let mut n = [0u64; 10];
    for (k, slot) in n.iter_mut().enumerate() {
        // ranks r with floor(10 r / users) = k: r in [ceil(k users / 10), ceil((k+1) users / 10))
        let lo = (k as u64 * users).div_ceil(10);
        let hi = ((k as u64 + 1) * users).div_ceil(10);
        *slot = hi - lo;
    }
    n
}

#[cfg(test)]
mod tests {
    use rand::RngExt;

    use super::*;
    use crate::engine::streams::stream;

    /// The definition, by a full sort.
    fn deciles_by_sort(d: &[f64]) -> Vec<u8> {
        let mut order: Vec<usize> = (0..d.len()).collect();
        order.sort_by(|&a, &b| d[a].total_cmp(&d[b]).then(a.cmp(&b)));
        let mut dec = vec![0; d.len()];
        for (rank, i) in order.into_iter().enumerate() {
            dec[i] = (10 * rank / d.len()) as u8;
        }
        dec
    }

    #[test]
    fn deciles_follow_rank_with_ties_by_index() {
        let mut rng = stream(1, 2, 3, 4);
        for n in [1usize, 7, 10, 11, 99, 1000, 4097] {
            // Many ties: values on a coarse grid, zeros included.
            let d: Vec<f64> = (0..n)
                .map(|_| (rng.random::<f64>() * 5.0).floor() * 1e6)
                .collect();
            assert_eq!(deciles(&d), deciles_by_sort(&d), "n = {n}");
            let d: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
            assert_eq!(deciles(&d), deciles_by_sort(&d), "n = {n}");
            // The sizes the ranking produces are the closed-form decile sizes.
            let mut counts = [0u64; 10];
            for k in deciles(&d) {
                counts[k as usize] += 1;
            }
            assert_eq!(counts, decile_sizes(n as u64), "n = {n}");
        }
        // Every kind of value: signed zeros, infinities, NaN, subnormals, wide and narrow
        // spreads, and one huge value that makes the buckets coarse.
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
            -1.0,
        ];
        for n in [2usize, 10, 20_000] {
            let d: Vec<f64> = (0..n)
                .map(|i| match i % 5 {
                    0 => special[rng.random_range(0..special.len())],
                    1 => (rng.random::<f64>() * 60.0 - 30.0).exp(),
                    2 => 1e6 + (rng.random::<f64>() * 8.0).floor(),
                    3 => -rng.random::<f64>(),
                    _ => rng.random::<f64>() * 1e300,
                })
                .collect();
            assert_eq!(deciles(&d), deciles_by_sort(&d), "n = {n}");
        }
        // Equal demand: deciles by user index alone.
        let dec = deciles(&[3.0; 20]);
        assert_eq!(dec, (0..20).map(|i| (i / 2) as u8).collect::<Vec<_>>());
    }
}
