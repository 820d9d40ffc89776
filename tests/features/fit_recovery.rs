//! Does the fit work? Panels that plansim simulates from known segments
//! (`plansim::internals::simulate_usage`) are fitted back, and every known parameter must lie
//! within its 90% bootstrap interval in most seeds; `plansim fit` on simulated exports recovers
//! a pure Pareto's alpha and xmin and BIC picks the true number of components; and the config
//! `plansim fit --segments auto` writes from the ServeGen file, simulated, reproduces the data's
//! p50, p90 and p99 of typical monthly tokens per user and its top-10% share (docs/fit.md,
//! "How we know the fit works").
//!
//! The known segments: three lognormal components of base demand D with well-separated
//! medians (1e4, 1e6 and 1e8 output tokens a month, sigma 0.6, 0.5 and 0.5; shares 0.5, 0.35,
//! 0.15; about 4 sigmas from each component's median to the boundary with the next, so almost
//! no user is claimed by the wrong component), each with its own monthly volatility (0.15, 0.12,
//! 0.15) and prompt mix (a per-user lognormal prompt ratio and a per-user uniform cache-read
//! share), over 6 months, no growth, no churn. Per user the typical month is the mean of the
//! active months; the mixture with the true K is fitted by EM and bootstrapped (`fit_mixture`,
//! `bootstrap`, resampling users); users are claimed by the component with the largest
//! responsibility, and each component's values are pooled over the users it claims as `plansim
//! fit` pools a segment's (src/fit/users.rs): the volatility is the pooled within-user sd of ln
//! monthly tokens, the prompt ratio the summed prompt over the summed output tokens, and the
//! cache-read share the summed cache reads over the summed prompt tokens, each bootstrapped
//! over those users. With D independent of the mix, the token-weighted ratio and share estimate
//! the mean per-user ratio and share, the known targets.
//!
//! The mixture is fitted to the typical months, not to D: the mean of 6 mean-one noise factors
//! widens ln D by a variance of about (e^(v^2) - 1) / 6 (at most 0.004 here), which moves a
//! component's sigma by at most 0.004, at most a fifth of its standard error at these sizes, so
//! the known sigma of D is still the target. The weights are the segments' exact shares (the
//! population is split by largest remainder), so they are covered more often than 90%.
//!
//! The fast part (the README's test command) runs 5 seeds and asks for each parameter to be
//! covered in at least 3: with a 90% interval that fails with probability 0.0086 per
//! parameter, while an estimator whose interval misses half the time passes with probability
//! 0.5 and one that misses 80% of the time with 0.058. The slow part (`--ignored`, run by
//! .ci/run) runs 50 seeds and asks for at least 40 of 50, as issue 13 states.

use plansim::internals::{bootstrap, fit_mixture, responsibilities, simulate_usage};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// One known segment.
struct Truth {
    name: &'static str,
    share: f64,
    median: f64,
    sigma: f64,
    vol: f64,
    ratio_median: f64,
    ratio_sigma: f64,
    cache_read: (f64, f64),
}

const TRUTH: [Truth; 3] = [
    Truth {
        name: "light",
        share: 0.5,
        median: 1e4,
        sigma: 0.6,
        vol: 0.15,
        ratio_median: 20.0,
        ratio_sigma: 0.4,
        cache_read: (0.5, 0.7),
    },
    Truth {
        name: "mid",
        share: 0.35,
        median: 1e6,
        sigma: 0.5,
        vol: 0.12,
        ratio_median: 60.0,
        ratio_sigma: 0.3,
        cache_read: (0.7, 0.9),
    },
    Truth {
        name: "heavy",
        share: 0.15,
        median: 1e8,
        sigma: 0.5,
        vol: 0.15,
        ratio_median: 120.0,
        ratio_sigma: 0.2,
        cache_read: (0.85, 0.95),
    },
];

const USERS: u64 = 1500;
const MONTHS: u32 = 6;

/// The scenario of the known segments.
fn scenario() -> plansim::Scenario {
    plansim::parse(&scenario_text(), "recovery.toml").expect("a valid scenario")
}

/// The scenario of the known segments, as TOML.
fn scenario_text() -> String {
    let mut text = format!(
        "name = \"recovery\"\n[simulation]\ntrials = 1\nusers = {USERS}\nmonths = {MONTHS}\n\
         [retail]\ninput = 5\noutput = 25\n[cost]\ninput = 0.5\noutput = 2.5\n\
         [[plan]]\nname = \"api\"\nkind = \"payg\"\n"
    );
    for t in &TRUTH {
        text += &format!(
            "[[segment]]\nname = \"{}\"\nshare = {}\n\
             output_tokens = {{ dist = \"lognormal\", median = {}, sigma = {} }}\n\
             monthly_volatility = {}\n\
             input_per_output = {{ dist = \"lognormal\", median = {}, sigma = {} }}\n\
             cache_read_share = {{ dist = \"uniform\", min = {}, max = {} }}\n\
             cache_write_share = 0.02\n",
            t.name,
            t.share,
            t.median,
            t.sigma,
            t.vol,
            t.ratio_median,
            t.ratio_sigma,
            t.cache_read.0,
            t.cache_read.1
        );
    }
    text
}

/// One user of a simulated panel: per month lived, output, fresh input, cache-read and
/// cache-write tokens.
#[derive(Default)]
struct User {
    months: Vec<[f64; 4]>,
}

impl User {
    /// Mean output tokens of the active months (0 when none is active).
    fn typical(&self) -> f64 {
        let active: Vec<f64> = self
            .months
            .iter()
            .map(|m| m[0])
            .filter(|&x| x > 0.0)
            .collect();
        if active.is_empty() {
            0.0
        } else {
            active.iter().sum::<f64>() / active.len() as f64
        }
    }

    /// The sum of squares of ln output tokens about their mean over the active months, and
    /// its degrees of freedom (`None` below two active months).
    fn log_ss(&self) -> Option<(f64, f64)> {
        let l: Vec<f64> = self
            .months
            .iter()
            .filter(|m| m[0] > 0.0)
            .map(|m| m[0].ln())
            .collect();
        if l.len() < 2 {
            return None;
        }
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        let ss = l.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        Some((ss, (l.len() - 1) as f64))
    }

    /// Output, fresh input, cache-read and cache-write tokens over all months.
    fn sums(&self) -> [f64; 4] {
        let mut s = [0.0; 4];
        for m in &self.months {
            for (a, b) in s.iter_mut().zip(m) {
                *a += b;
            }
        }
        s
    }
}

/// The users of a simulated export (rows of one user are consecutive), checking its header.
fn read_panel(text: &str) -> Vec<User> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().expect("a header").iter().collect::<Vec<_>>(),
        [
            "user",
            "segment",
            "month",
            "output_tokens",
            "input_tokens",
            "cache_read_tokens",
            "cache_write_tokens"
        ]
    );
    let mut users: Vec<User> = Vec::new();
    let mut last = String::new();
    for rec in r.records() {
        let rec = rec.expect("a row");
        if rec[0] != last {
            last = rec[0].to_string();
            users.push(User::default());
        }
        let num = |i: usize| rec[i].parse::<f64>().expect("a whole number of tokens");
        let u = users.last_mut().expect("pushed");
        u.months.push([num(3), num(4), num(5), num(6)]);
    }
    users
}

/// The p-quantile of sorted `x`, interpolated between order statistics ((n - 1) p).
fn quantile(x: &[f64], p: f64) -> f64 {
    let h = (x.len() - 1) as f64 * p;
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 < x.len() {
        x[i] + f * (x[i + 1] - x[i])
    } else {
        x[i]
    }
}

/// The 5th and 95th percentiles (interpolated between order statistics) of `stat` over
/// `reps` resamples with replacement of `n` users (`stat` gets the resampled indices).
fn interval(n: usize, reps: usize, seed: u64, stat: &dyn Fn(&[usize]) -> f64) -> (f64, f64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut idx = vec![0; n];
    let mut stats: Vec<f64> = (0..reps)
        .map(|_| {
            for i in idx.iter_mut() {
                *i = rng.random_range(0..n);
            }
            stat(&idx)
        })
        .collect();
    stats.sort_by(f64::total_cmp);
    (quantile(&stats, 0.05), quantile(&stats, 0.95))
}

/// One known parameter's recovery in one seed.
struct Recovered {
    name: String,
    truth: f64,
    lo: f64,
    hi: f64,
}

impl Recovered {
    fn covered(&self) -> bool {
        self.lo <= self.truth && self.truth <= self.hi
    }
}

/// Simulates the panel of `seed`, fits it back with `reps` bootstrap resamples, and returns
/// every known parameter with its interval, in a fixed order.
fn recover(scn: &plansim::Scenario, seed: u64, reps: u32) -> Vec<Recovered> {
    let users = read_panel(&simulate_usage(scn, seed, 0).expect("simulated"));
    assert_eq!(users.len() as u64, USERS);
    let typical: Vec<f64> = users.iter().map(User::typical).collect();
    assert!(typical.iter().all(|&x| x > 0.0), "every user is active");
    let k = TRUTH.len();
    let fit = |x: &[f64]| fit_mixture(x, k, seed).map(|f| f.model);
    let fitted = fit_mixture(&typical, k, seed).expect("a mixture fits");
    let plansim::internals::Model::Mixture(components) = &fitted.model else {
        panic!("fit_mixture gives a mixture");
    };
    let mut out = Vec::new();
    let intervals = bootstrap(&typical, reps, seed, &fit);
    for (i, t) in TRUTH.iter().enumerate() {
        for (name, truth) in [
            (format!("w{}", i + 1), t.share),
            (format!("mu{}", i + 1), t.median.ln()),
            (format!("sigma{}", i + 1), t.sigma),
        ] {
            let iv = intervals
                .iter()
                .find(|p| p.name == name)
                .unwrap_or_else(|| panic!("no interval for {name}"));
            out.push(Recovered {
                name,
                truth,
                lo: iv.lo,
                hi: iv.hi,
            });
        }
    }
    // Users claimed by each component (the largest responsibility).
    let mut claimed: Vec<Vec<&User>> = vec![Vec::new(); k];
    for (u, &x) in users.iter().zip(&typical) {
        let r = responsibilities(components, x);
        let best = (0..k)
            .max_by(|&a, &b| r[a].total_cmp(&r[b]))
            .expect("k > 0");
        claimed[best].push(u);
    }
    // Each component's pooled values over the users it claims, as `plansim fit` pools a
    // segment's: the pooled within-user sd of ln monthly tokens, summed prompt over summed
    // output, summed cache reads over summed prompt.
    let reps = reps as usize;
    for (i, (t, us)) in TRUTH.iter().zip(&claimed).enumerate() {
        let s = seed ^ ((i as u64 + 1) << 32);
        let ss: Vec<(f64, f64)> = us.iter().filter_map(|u| u.log_ss()).collect();
        let sums: Vec<[f64; 4]> = us.iter().map(|u| u.sums()).collect();
        let total = |idx: &[usize], f: &dyn Fn(&[f64; 4]) -> f64| -> f64 {
            idx.iter().map(|&j| f(&sums[j])).sum()
        };
        let prompt = |m: &[f64; 4]| m[1] + m[2] + m[3];
        let params: [(&str, f64, (f64, f64)); 3] = [
            (
                "volatility",
                t.vol,
                interval(ss.len(), reps, s, &|idx| {
                    let (a, b) = idx
                        .iter()
                        .fold((0.0, 0.0), |(a, b), &j| (a + ss[j].0, b + ss[j].1));
                    (a / b).sqrt()
                }),
            ),
            (
                "input_per_output",
                t.ratio_median * (t.ratio_sigma * t.ratio_sigma / 2.0).exp(),
                interval(sums.len(), reps, s + 1, &|idx| {
                    total(idx, &prompt) / total(idx, &|m| m[0])
                }),
            ),
            (
                "cache_read_share",
                (t.cache_read.0 + t.cache_read.1) / 2.0,
                interval(sums.len(), reps, s + 2, &|idx| {
                    total(idx, &|m| m[2]) / total(idx, &prompt)
                }),
            ),
        ];
        for (name, truth, (lo, hi)) in params {
            out.push(Recovered {
                name: format!("{name}{}", i + 1),
                truth,
                lo,
                hi,
            });
        }
    }
    out
}

/// Recovers the known parameters over `seeds` and asks each to be covered at least `need`
/// times; prints the coverage counts (`--nocapture` shows them).
fn coverage(seeds: std::ops::Range<u64>, reps: u32, need: usize) {
    let scn = scenario();
    let n = seeds.end - seeds.start;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for seed in seeds {
        let rec = recover(&scn, seed, reps);
        if counts.is_empty() {
            counts = rec.iter().map(|r| (r.name.clone(), 0)).collect();
        }
        for (c, r) in counts.iter_mut().zip(&rec) {
            assert_eq!(c.0, r.name);
            if r.covered() {
                c.1 += 1;
            } else {
                eprintln!(
                    "seed {seed}: {} = {} outside [{}, {}]",
                    r.name, r.truth, r.lo, r.hi
                );
            }
        }
    }
    let table: Vec<String> = counts.iter().map(|(p, c)| format!("{p} {c}/{n}")).collect();
    eprintln!("coverage over {n} seeds: {}", table.join(", "));
    let short: Vec<&String> = table
        .iter()
        .zip(&counts)
        .filter(|(_, c)| c.1 < need)
        .map(|(t, _)| t)
        .collect();
    assert!(
        short.is_empty(),
        "covered fewer than {need} times: {short:?}"
    );
}

#[test]
fn known_segments_are_recovered_within_their_intervals_in_most_of_5_seeds() {
    coverage(1..6, 50, 3);
}

#[test]
#[ignore = "slow (50 seeds): .ci/run runs it with --ignored"]
fn known_segments_are_recovered_within_their_intervals_in_40_of_50_seeds() {
    coverage(1..51, 200, 40);
}
