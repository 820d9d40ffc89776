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
//! responsibility, and each component's values are pooled over the users it claims by `plansim
//! fit`'s own code: the export is read by the usage reader, each user's quantities come from
//! `per_user` and a group's from `group` (src/fit/users.rs): the volatility is the pooled
//! within-user sd of ln monthly tokens, the prompt ratio the summed prompt over the summed
//! output tokens, and the cache-read share the summed cache reads over the summed prompt
//! tokens, each bootstrapped over those users. With D independent of the mix, the
//! token-weighted ratio and share estimate the mean per-user ratio and share, the known
//! targets.
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

use plansim::internals::{
    Has, ReadOptions, UserFit, bootstrap, fit_mixture, group, per_user, read_usage,
    responsibilities, simulate_usage,
};
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

/// One user of a simulated panel: the output tokens of each month lived.
#[derive(Default)]
struct User {
    months: Vec<f64>,
}

impl User {
    /// Mean output tokens of the months with output (0 when there are none).
    fn typical(&self) -> f64 {
        let active: Vec<f64> = self.months.iter().copied().filter(|&x| x > 0.0).collect();
        if active.is_empty() {
            0.0
        } else {
            active.iter().sum::<f64>() / active.len() as f64
        }
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
        let tokens: f64 = rec[3].parse().expect("a whole number of tokens");
        users.last_mut().expect("pushed").months.push(tokens);
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

/// The 5th and 95th percentiles (interpolated between order statistics) of each value of
/// `stat` over `reps` resamples with replacement of `n` users (`stat` gets the resampled
/// indices).
fn percentile_intervals(
    n: usize,
    reps: usize,
    seed: u64,
    stat: &dyn Fn(&[usize]) -> Vec<f64>,
) -> Vec<(f64, f64)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut idx = vec![0; n];
    let mut stats: Vec<Vec<f64>> = Vec::new();
    for _ in 0..reps {
        for i in idx.iter_mut() {
            *i = rng.random_range(0..n);
        }
        for (j, v) in stat(&idx).into_iter().enumerate() {
            if stats.len() <= j {
                stats.push(Vec::with_capacity(reps));
            }
            stats[j].push(v);
        }
    }
    stats
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            (quantile(&v, 0.05), quantile(&v, 0.95))
        })
        .collect()
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
    // The export read and each user's quantities computed as `plansim fit` does.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("usage.csv");
    std::fs::write(&path, simulate_usage(scn, seed, 0).expect("simulated")).expect("written");
    let panel = read_usage(&path, &ReadOptions::default()).expect("the export reads");
    let (months, has) = (panel.months, Has::of(&panel));
    let users = per_user(&panel);
    assert_eq!(users.len() as u64, USERS);
    let typical: Vec<f64> = users.iter().map(|u| u.typical).collect();
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
    // Users claimed by each component (the largest responsibility), and each component's
    // pooled values over them as `plansim fit` pools a segment's (src/fit/users.rs `group`):
    // the pooled within-user sd of ln monthly tokens, summed prompt over summed output, summed
    // cache reads over summed prompt; each bootstrapped over those users.
    let mut claimed: Vec<Vec<&UserFit>> = vec![Vec::new(); k];
    for (u, &x) in users.iter().zip(&typical) {
        let r = responsibilities(components, x);
        let best = (0..k)
            .max_by(|&a, &b| r[a].total_cmp(&r[b]))
            .expect("k > 0");
        claimed[best].push(u);
    }
    for (i, (t, us)) in TRUTH.iter().zip(&claimed).enumerate() {
        let s = seed ^ ((i as u64 + 1) << 32);
        let pooled = |idx: &[usize]| {
            let members: Vec<&UserFit> = idx.iter().map(|&j| us[j]).collect();
            let g = group(&members, months, has);
            let value = |v: Option<f64>| v.expect("estimable");
            vec![
                value(g.volatility),
                value(g.input_per_output),
                value(g.cache_read_share),
            ]
        };
        let ivs = percentile_intervals(us.len(), reps as usize, s, &pooled);
        let truths = [
            ("volatility", t.vol),
            (
                "input_per_output",
                t.ratio_median * (t.ratio_sigma * t.ratio_sigma / 2.0).exp(),
            ),
            ("cache_read_share", (t.cache_read.0 + t.cache_read.1) / 2.0),
        ];
        for ((name, truth), (lo, hi)) in truths.into_iter().zip(ivs) {
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

/// Runs `plansim fit` on `csv` (written to a temporary folder as usage.csv) with `args`, the
/// outputs in DIR/fit; returns the folder.
fn fit_cli(csv: &str, args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let usage = dir.path().join("usage.csv");
    std::fs::write(&usage, csv).expect("written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("fit")
        .arg(&usage)
        .arg("--dir")
        .arg(dir.path().join("fit"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("plansim runs");
    assert!(
        out.status.success(),
        "plansim fit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The rows of fit_report.csv for quantity `output_tokens`, as name -> cell maps.
fn report_rows(dir: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let (header, rows) = crate::common::read_csv(&dir.join("fit/fit_report.csv"));
    rows.into_iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r)
                .collect::<std::collections::HashMap<_, _>>()
        })
        .filter(|r| r["quantity"] == "output_tokens")
        .collect()
}

/// A parameter of a fit_report.csv row (`params` as `alpha=1.5;xmin=100000`).
fn param(row: &std::collections::HashMap<String, String>, name: &str) -> f64 {
    row["params"]
        .split(';')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} in {}", row["params"]))
        .parse()
        .expect("a number")
}

/// `text`'s scenario's trial 0 as a usage export without its segment column, so the fit sees
/// only users, months and tokens.
fn export_without_segments(text: &str, seed: u64) -> String {
    let scn = plansim::parse(text, "sample.toml").expect("a valid scenario");
    let csv = simulate_usage(&scn, seed, 0).expect("simulated");
    csv.lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.remove(1);
            cells.join(",") + "\n"
        })
        .collect()
}

const CARDS: &str = "[retail]\ninput = 5\noutput = 25\n[cost]\ninput = 0.5\noutput = 2.5\n\
                     [[plan]]\nname = \"api\"\nkind = \"payg\"\n";

#[test]
fn plansim_fit_recovers_a_pure_pareto_sample() {
    // One month of a Pareto(alpha 1.5, min 1e5) demand without noise: the typical month is D
    // (rounded to whole tokens). The MLE of alpha above the chosen xmin has a standard error
    // of alpha / sqrt(n_tail); xmin is chosen by the KS distance among the observations, so it
    // is at least the true xmin, and on a pure Pareto sample close to it.
    let text = format!(
        "name = \"pareto\"\n[simulation]\ntrials = 1\nusers = 2000\nmonths = 1\n{CARDS}\
         [[segment]]\nname = \"all\"\nshare = 1\n\
         output_tokens = {{ dist = \"pareto\", min = 1e5, alpha = 1.5 }}\n"
    );
    let dir = fit_cli(&export_without_segments(&text, 3), &["--bootstrap", "0"]);
    let rows = report_rows(dir.path());
    let row = rows
        .iter()
        .find(|r| r["candidate"] == "pareto")
        .expect("a pareto row");
    let (alpha, xmin) = (param(row, "alpha"), param(row, "xmin"));
    let n: f64 = row["n"].parse().expect("n");
    let se = alpha / n.sqrt();
    eprintln!("pareto: alpha {alpha} (se {se}), xmin {xmin}, {n} users in the tail");
    assert!(
        (alpha - 1.5).abs() < 4.0 * se,
        "alpha {alpha} (se {se}, n {n})"
    );
    assert!((1e5..2e5).contains(&xmin), "xmin {xmin}");
    assert!(n >= 0.35 * 2000.0, "tail of {n} users");
}

/// The candidate BIC ranks first among the whole-sample fits of fit_report.csv.
fn best_by_bic(dir: &std::path::Path) -> String {
    let rows = report_rows(dir);
    let best = rows
        .iter()
        .find(|r| r["rank"] == "1")
        .expect("a rank-1 row");
    best["candidate"].clone()
}

#[test]
fn bic_picks_the_true_number_of_well_separated_components() {
    // Two components (medians 1e4 and 1e7, sigma 0.6) and the three of the recovery test.
    let two = format!(
        "name = \"two\"\n[simulation]\ntrials = 1\nusers = 2000\nmonths = 6\n{CARDS}\
         [[segment]]\nname = \"a\"\nshare = 0.6\n\
         output_tokens = {{ dist = \"lognormal\", median = 1e4, sigma = 0.6 }}\n\
         monthly_volatility = 0.2\n\
         [[segment]]\nname = \"b\"\nshare = 0.4\n\
         output_tokens = {{ dist = \"lognormal\", median = 1e7, sigma = 0.6 }}\n\
         monthly_volatility = 0.2\n"
    );
    let dir = fit_cli(&export_without_segments(&two, 4), &["--bootstrap", "0"]);
    assert_eq!(best_by_bic(dir.path()), "mixture-2");
    let dir = fit_cli(
        &export_without_segments(&scenario_text(), 4),
        &["--bootstrap", "0"],
    );
    assert_eq!(best_by_bic(dir.path()), "mixture-3");
}

/// The ServeGen daily export shipped in the repository (data/servegen/, see its README).
const SERVEGEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/servegen/client_daily.csv"
);

/// Each m-large client's typical monthly output tokens, computed here from the raw file by
/// the reader's documented rule: rows with a blank token cell skipped, the 14 days (one month
/// covered in part) summed and scaled up to 30.44 days; clients with no output left out.
fn servegen_users() -> Vec<f64> {
    let mut r = csv::Reader::from_path(SERVEGEN).expect("the shared ServeGen file");
    let h = r.headers().expect("a header").clone();
    let col = |name: &str| h.iter().position(|c| c == name).expect("a column");
    let (model, client, day, input, output) = (
        col("model"),
        col("client_id"),
        col("day"),
        col("input_tokens"),
        col("output_tokens"),
    );
    let mut sums: std::collections::BTreeMap<String, f64> = Default::default();
    let (mut first, mut last) = (u64::MAX, 0);
    for rec in r.records() {
        let rec = rec.expect("a row");
        if &rec[model] != "m-large" || rec[input].is_empty() || rec[output].is_empty() {
            continue;
        }
        let d: u64 = rec[day].parse().expect("a day");
        (first, last) = (first.min(d), last.max(d));
        *sums.entry(rec[client].to_string()).or_default() +=
            rec[output].parse::<f64>().expect("tokens");
    }
    let days = (last - first + 1) as f64;
    assert_eq!(days, 14.0, "the export spans 14 days");
    sums.into_values()
        .filter(|&x| x > 0.0)
        .map(|x| x * 30.44 / days)
        .collect()
}

/// Share of the total held by the top 10% of `x` (sorted): its ceil(n / 10) largest values,
/// as fit_report.csv counts them.
fn top10_share(x: &[f64]) -> f64 {
    let k = x.len().div_ceil(10);
    x[x.len() - k..].iter().sum::<f64>() / x.iter().sum::<f64>()
}

const PS: [f64; 3] = [0.5, 0.9, 0.99];

#[test]
fn a_config_fitted_to_servegen_reproduces_its_quantiles_and_top_share() {
    let mut data = servegen_users();
    data.sort_by(f64::total_cmp);
    // The data's bootstrap 90% intervals of p50, p90 and p99 (resampling clients).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(13);
    let mut boot: Vec<Vec<f64>> = vec![Vec::new(); PS.len()];
    let mut buf = vec![0.0; data.len()];
    for _ in 0..2000 {
        for b in buf.iter_mut() {
            *b = data[rng.random_range(0..data.len())];
        }
        buf.sort_by(f64::total_cmp);
        for (q, p) in boot.iter_mut().zip(PS) {
            q.push(quantile(&buf, p));
        }
    }
    // The fitted scenario's users, simulated over 4 trials (or its trials, when fewer).
    let dir = tempfile::tempdir().expect("a temporary folder");
    let toml = dir.path().join("servegen.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args([
            "fit",
            SERVEGEN,
            "--where",
            "model=m-large",
            "--segments",
            "auto",
        ])
        .arg("--out")
        .arg(&toml)
        .arg("--dir")
        .arg(dir.path().join("fit"))
        .output()
        .expect("plansim runs");
    assert!(
        out.status.success(),
        "plansim fit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scn = plansim::load(&toml).expect("the fitted scenario loads");
    let mut sim: Vec<f64> = (0..scn.simulation.trials.min(4))
        .flat_map(|t| {
            let csv = simulate_usage(&scn, scn.simulation.seed, t).expect("simulated");
            read_panel(&csv)
                .iter()
                .map(User::typical)
                .collect::<Vec<_>>()
        })
        .filter(|&x| x > 0.0)
        .collect();
    sim.sort_by(f64::total_cmp);
    let mut misses = Vec::new();
    for (q, p) in boot.iter_mut().zip(PS) {
        q.sort_by(f64::total_cmp);
        let (lo, hi) = (quantile(q, 0.05), quantile(q, 0.95));
        let (d, s) = (quantile(&data, p), quantile(&sim, p));
        eprintln!(
            "p{}: data {d:.4e} [{lo:.4e}, {hi:.4e}], simulated {s:.4e}",
            p * 100.0
        );
        if !(lo..=hi).contains(&s) {
            misses.push(format!(
                "p{}: simulated {s:.4e} outside the data's [{lo:.4e}, {hi:.4e}] ({:+.1}% from the nearer end)",
                p * 100.0,
                100.0 * (if s < lo { s / lo } else { s / hi } - 1.0)
            ));
        }
    }
    let (d, s) = (top10_share(&data), top10_share(&sim));
    eprintln!(
        "top-10% share: data {d:.4}, simulated {s:.4} ({} users)",
        sim.len()
    );
    if (s - d).abs() > 0.05 {
        misses.push(format!(
            "top-10% share: simulated {s:.4} vs the data's {d:.4} ({:+.1} points)",
            100.0 * (s - d)
        ));
    }
    assert!(misses.is_empty(), "{misses:#?}");
}
