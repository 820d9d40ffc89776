//! Demand deciles: each user's rank by base demand within a trial, in expected O(n).

/// Demand decile (0..10) of each user: rank by D, ties by user index, decile = 10 rank / n.
/// Expected O(n): nine successive selections split the (D, index) order at the decile
/// boundaries; the order inside a decile does not matter.
#[cfg(test)]
pub fn deciles(d: &[f64]) -> Vec<u8> {
    let mut dec = vec![0u8; d.len()];
    rank_deciles(d, &mut Vec::new(), &mut dec, &|| false);
    dec
}

/// [`deciles`] into `dec`, with `keys` as scratch space (reused between trials). Gives up
/// (leaving `dec` partly filled) once `stop()` is true, checked between selections.
pub(super) fn rank_deciles(
    d: &[f64],
    keys: &mut Vec<u128>,
    dec: &mut [u8],
    stop: &dyn Fn() -> bool,
) {
    let n = d.len();
    // (D, index) packed into one integer whose order is the (total_cmp, index) order.
    keys.clear();
    keys.extend(d.iter().enumerate().map(|(i, x)| {
        let b = x.to_bits();
        let ordered = if b >> 63 == 1 { !b } else { b | (1 << 63) };
        (u128::from(ordered) << 64) | i as u128
    }));
    let mut start = 0;
    for k in 0..10u64 {
        if stop() {
            return;
        }
        // ranks r with floor(10 r / n) = k are [ceil(k n / 10), ceil((k + 1) n / 10))
        let end = ((k + 1) * n as u64).div_ceil(10) as usize;
        if end > start && end < n {
            keys[start..].select_nth_unstable(end - start);
        }
        for &key in &keys[start..end] {
            dec[key as u64 as usize] = k as u8;
        }
        start = end;
    }
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
        // Equal demand: deciles by user index alone.
        let dec = deciles(&[3.0; 20]);
        assert_eq!(dec, (0..20).map(|i| (i / 2) as u8).collect::<Vec<_>>());
    }
}
