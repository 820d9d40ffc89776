//! The Monte Carlo engine: seeded work units, rayon, and an ordered merge of per-trial results.
//!
//! A trial is one population. Its users are split into blocks of [`BLOCK_USERS`] (a constant,
//! never derived from the thread count); a block is the unit of parallel work. Every random
//! number comes from a stream keyed by `(seed, trial, unit, phase)`, where the unit is a user
//! (or the trial itself for trial-level draws), so results do not depend on how work is
//! scheduled, and a user's draws do not depend on any other user's. Sums are formed in user
//! order within a block, in block order within a trial and in trial order across trials: the
//! outputs are byte-identical for any thread count.
//!
//! Each trial runs in two phases. Phase 0 draws every user's base demand D, so users can be
//! ranked into demand deciles; phase 1 draws the rest of each user's life (prompt mix, top-up
//! propensity, monthly noise, churn) and puts the user on every plan side by side (common
//! random numbers). Only D, the decile and a ranking key (25 bytes) are kept per user, in
//! buffers reused from chunk to chunk of at most [`USERS_IN_FLIGHT`] users, so memory does not
//! grow with the number of trials or threads beyond the per-trial totals (a few hundred bytes
//! per plan and trial).

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::dist::Sampler;
use crate::model::plans::{RuleVisitor, Usage};
use crate::model::{Account, Billing, Mix, Rates, Rule, Scenario};

mod sizing;

use sizing::trials_in_flight;
pub use sizing::{BLOCK_SUMS_IN_FLIGHT, Footprint, MAX_MEMORY, MAX_WORK, size_problem};

/// Users per block: the unit of parallel work (results do not depend on it).
pub const BLOCK_USERS: usize = 4096;
/// Bound on users of trials in flight at once, for memory (25 bytes each: base demand, decile
/// and a ranking key), whatever the number of threads or trials.
pub const USERS_IN_FLIGHT: u64 = 4_000_000;
/// Name of the generator, for run.json.
pub const RNG_NAME: &str = "Xoshiro256PlusPlus (rand_xoshiro 0.8), one stream per (seed, trial, user, phase) via SplitMix64";

/// Unit id of the trial-level stream.
const TRIAL_UNIT: u64 = u64::MAX;

/// The generator for one work unit.
pub fn stream(seed: u64, trial: u64, unit: u64, phase: u64) -> Xoshiro256PlusPlus {
    let mut h = splitmix(seed ^ 0x005E_ED0F_914A_5157);
    h = splitmix(h ^ trial);
    h = splitmix(h ^ unit);
    h = splitmix(h ^ phase);
    Xoshiro256PlusPlus::seed_from_u64(h)
}

#[inline]
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whole-horizon totals of one plan in one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    /// Sum of bills.
    pub revenue: f64,
    /// Serving cost of served tokens.
    pub cost: f64,
    /// Payment fees.
    pub fees: f64,
    /// Per-user-month overhead.
    pub overhead: f64,
    /// revenue - cost - fees - overhead, summed per user.
    pub profit: f64,
    /// Output tokens served.
    pub served_output_tokens: f64,
    /// Served tokens valued at the retail card.
    pub retail_value: f64,
    /// Users whose total profit is < 0.
    pub loss_users: u64,
    /// Users who left before the horizon ended.
    pub churned_users: u64,
    /// Credits expired (above rollover, or on leaving).
    pub breakage_credits: f64,
    /// Active user-months.
    pub active_user_months: u64,
}

impl Totals {
    /// Whether every sum is finite.
    pub fn is_finite(&self) -> bool {
        [
            self.revenue,
            self.cost,
            self.fees,
            self.overhead,
            self.profit,
            self.served_output_tokens,
            self.retail_value,
            self.breakage_credits,
        ]
        .iter()
        .all(|x| x.is_finite())
    }

    fn add(&mut self, o: &Totals) {
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.fees += o.fees;
        self.overhead += o.overhead;
        self.profit += o.profit;
        self.served_output_tokens += o.served_output_tokens;
        self.retail_value += o.retail_value;
        self.loss_users += o.loss_users;
        self.churned_users += o.churned_users;
        self.breakage_credits += o.breakage_credits;
        self.active_user_months += o.active_user_months;
    }
}

/// One plan, one month, one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonthTotals {
    /// Users billed this month.
    pub active_users: u64,
    /// Bills.
    pub revenue: f64,
    /// Serving cost.
    pub cost: f64,
    /// Fees.
    pub fees: f64,
    /// Overhead: per_user_month x active users.
    pub overhead: f64,
    /// revenue - cost - fees - overhead (formed from the month's sums).
    pub profit: f64,
}

impl MonthTotals {
    fn add(&mut self, o: &MonthTotals) {
        self.active_users += o.active_users;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.fees += o.fees;
        self.overhead += o.overhead;
        self.profit += o.profit;
    }
}

/// Sums over a group of users (a segment or a demand decile), over the whole horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GroupTotals {
    /// User-trials in the group.
    pub users: u64,
    /// Bills.
    pub revenue: f64,
    /// Serving cost.
    pub cost: f64,
    /// Profit.
    pub profit: f64,
    /// Users with total profit < 0.
    pub loss_users: u64,
}

impl GroupTotals {
    /// Adds another group's sums.
    pub fn add(&mut self, o: &GroupTotals) {
        self.users += o.users;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.profit += o.profit;
        self.loss_users += o.loss_users;
    }
}

/// One plan's results in one trial.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanTrial {
    /// Whole-horizon totals.
    pub totals: Totals,
    /// Profit of each month, 0..months (for percentiles over trials).
    pub month_profit: Vec<f64>,
}

/// One trial's results.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialResult {
    /// Trial index, from 0.
    pub trial: u64,
    /// The trial-level draws, in slot order.
    pub draws: Vec<f64>,
    /// Per plan, in config order.
    pub plans: Vec<PlanTrial>,
}

/// Everything a run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResults {
    /// Per trial, in trial order.
    pub trials: Vec<TrialResult>,
    /// `[plan][segment]` sums over all trials.
    pub segments: Vec<Vec<GroupTotals>>,
    /// `[plan][decile]` sums over all trials.
    pub deciles: Vec<Vec<GroupTotals>>,
    /// `[plan][month]` sums over all trials.
    pub months: Vec<Vec<MonthTotals>>,
}

impl RunResults {
    /// The first plan (index) with a sum that is not finite, anywhere in the results: values so
    /// extreme that f64 overflowed (or 0 x inf). Such results must not be written.
    pub fn non_finite_plan(&self) -> Option<usize> {
        let groups = |g: &[GroupTotals]| {
            g.iter()
                .all(|x| [x.revenue, x.cost, x.profit].iter().all(|v| v.is_finite()))
        };
        (0..self.months.len()).find(|&p| {
            let trials = self.trials.iter().all(|t| {
                t.plans[p].totals.is_finite()
                    && t.plans[p].month_profit.iter().all(|x| x.is_finite())
            });
            let months = self.months[p].iter().all(|m| {
                [m.revenue, m.cost, m.fees, m.overhead, m.profit]
                    .iter()
                    .all(|v| v.is_finite())
            });
            !(trials && months && groups(&self.segments[p]) && groups(&self.deciles[p]))
        })
    }
}

/// One user's results on one plan, kept for tests and tools that look inside.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UserOutcome {
    /// Whole-horizon totals (loss_users/churned_users are 0 or 1).
    pub totals: Totals,
    /// The account at the end (credit ledger).
    pub account: Account,
}

/// Per-trial values with every draw applied.
struct TrialSetup {
    draws: Vec<f64>,
    retail: Rates,
    cost: Rates,
    /// Cost multiplier per month: (1 - annual_decline)^(m/12).
    decline: Vec<f64>,
    per_user_month: f64,
    fee_rate: f64,
    fee_fixed: f64,
    segments: Vec<SegSetup>,
    rules: Vec<Rule>,
    response: Vec<f64>,
}

struct SegSetup {
    demand: Sampler,
    ratio: Sampler,
    cache_read: Sampler,
    cache_write: Sampler,
    vol: f64,
    /// (1 + growth)^m per month.
    growth: Vec<f64>,
    churn: f64,
}

fn setup(scn: &Scenario, trial: u64) -> Result<TrialSetup, String> {
    let mut rng = stream(scn.simulation.seed, trial, TRIAL_UNIT, 0);
    let draws = scn
        .draw_slots(&mut rng)
        .map_err(|e| format!("trial {trial}: {e}"))?;
    let d = &draws;
    let months = scn.simulation.months as usize;
    let decline_rate = scn.cost.annual_decline.value(d);
    let retail = scn.retail.resolve(d);
    let segments = scn
        .segments
        .iter()
        .map(|s| {
            let at = |what: &str, r: Result<Sampler, String>| {
                r.map_err(|e| format!("trial {trial}: segment.{}.{what}: {e}", s.name))
            };
            let g = s.monthly_growth.value(d);
            Ok(SegSetup {
                demand: at("output_tokens", s.output_tokens.resolve(d))?,
                ratio: at("input_per_output", s.input_per_output.resolve(d))?,
                cache_read: at("cache_read_share", s.cache_read_share.resolve(d))?,
                cache_write: at("cache_write_share", s.cache_write_share.resolve(d))?,
                vol: s.monthly_volatility.value(d),
                growth: (0..months).map(|m| (1.0 + g).powi(m as i32)).collect(),
                churn: s.monthly_churn.value(d),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(TrialSetup {
        retail,
        cost: scn.cost.card.resolve(d),
        decline: (0..months)
            .map(|m| (1.0 - decline_rate).powf(m as f64 / 12.0))
            .collect(),
        per_user_month: scn.cost.per_user_month.value(d),
        fee_rate: scn.cost.payment_fee_rate.value(d),
        fee_fixed: scn.cost.payment_fee_fixed.value(d),
        segments,
        rules: scn
            .plans
            .iter()
            .map(|p| p.kind.resolve(d, &retail))
            .collect(),
        response: scn
            .plans
            .iter()
            .map(|p| p.usage_response.value(d))
            .collect(),
        draws,
    })
}

/// Which segment each user index falls in: cumulative end indices.
fn segment_ends(scn: &Scenario) -> Vec<u64> {
    scn.segment_sizes()
        .iter()
        .scan(0, |acc, n| {
            *acc += n;
            Some(*acc)
        })
        .collect()
}

/// Per-block accumulators.
struct BlockAcc {
    totals: Vec<Totals>,
    /// `[plan * months + month]`.
    months: Vec<MonthTotals>,
    /// `[plan * segments + segment]`.
    segments: Vec<GroupTotals>,
    /// `[plan * 10 + decile]`.
    deciles: Vec<GroupTotals>,
}

impl BlockAcc {
    fn new(plans: usize, months: usize, segments: usize) -> Self {
        BlockAcc {
            totals: vec![Totals::default(); plans],
            months: vec![MonthTotals::default(); plans * months],
            segments: vec![GroupTotals::default(); plans * segments],
            deciles: vec![GroupTotals::default(); plans * 10],
        }
    }
    fn add(&mut self, o: &BlockAcc) {
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            a.add(b);
        }
        for (a, b) in self.months.iter_mut().zip(&o.months) {
            a.add(b);
        }
        for (a, b) in self.segments.iter_mut().zip(&o.segments) {
            a.add(b);
        }
        for (a, b) in self.deciles.iter_mut().zip(&o.deciles) {
            a.add(b);
        }
    }
}

/// Runs every trial of the scenario. `progress` is called with the number of users just
/// finished (from any thread); the total is trials x users.
///
/// # Errors
/// A message when a per-trial draw is out of range (validation prevents it; kept as a guard).
pub fn run(scn: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Result<RunResults, String> {
    run_until(scn, progress, &AtomicBool::new(false))
        .map(|r| r.expect("a run without a stop request always finishes"))
}

/// [`run`], stopping early once `stop` is set: every worker checks it before each user, so at
/// most one user per thread is simulated after the request. Returns `Ok(None)` when stopped.
///
/// # Errors
/// As [`run`].
pub fn run_until(
    scn: &Scenario,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<RunResults>, String> {
    let stopped = || stop.load(Ordering::Relaxed);
    let sim = &scn.simulation;
    if let Some(problem) = size_problem(scn, rayon::current_num_threads()) {
        return Err(problem);
    }
    if stopped() {
        return Ok(None);
    }
    let (n_plans, n_months, n_segs) = (scn.plans.len(), sim.months as usize, scn.segments.len());
    let ends = segment_ends(scn);
    let users = sim.users as usize;
    let chunk = trials_in_flight(scn) as usize;
    let mut results = RunResults {
        trials: Vec::with_capacity(sim.trials.min(1 << 20) as usize),
        segments: vec![vec![GroupTotals::default(); n_segs]; n_plans],
        deciles: vec![vec![GroupTotals::default(); 10]; n_plans],
        months: vec![vec![MonthTotals::default(); n_months]; n_plans],
    };
    // Per-user buffers of the trials in flight, allocated once and reused for every chunk.
    let mut bufs: Vec<TrialBuf> = (0..chunk).map(|_| TrialBuf::new(users)).collect();
    let mut first = 0;
    while first < sim.trials {
        let last = (first + chunk as u64).min(sim.trials);
        let in_flight = (last - first) as usize;
        let setups = (first..last)
            .into_par_iter()
            .map(|t| setup(scn, t))
            .collect::<Result<Vec<_>, String>>()?;
        // Phase 0: base demand of every user, then demand deciles.
        bufs[..in_flight]
            .par_iter_mut()
            .zip(setups.par_iter())
            .enumerate()
            .for_each(|(ti, (buf, st))| {
                let t = first + ti as u64;
                buf.demand
                    .par_chunks_mut(BLOCK_USERS)
                    .enumerate()
                    .for_each(|(b, out)| {
                        if stopped() {
                            return;
                        }
                        let base = (b * BLOCK_USERS) as u64;
                        let mut seg = ends.partition_point(|&e| e <= base);
                        for (i, x) in out.iter_mut().enumerate() {
                            let u = base + i as u64;
                            while ends[seg] <= u {
                                seg += 1;
                            }
                            let mut rng = stream(sim.seed, t, u, 0);
                            *x = st.segments[seg].demand.sample(&mut rng);
                        }
                    });
                if !stopped() {
                    rank_deciles(&buf.demand, &mut buf.keys, &mut buf.decile, &stopped);
                }
            });
        if stopped() {
            return Ok(None);
        }
        // Phase 1: lives and bills, block by block.
        let n_blocks = users.div_ceil(BLOCK_USERS);
        let blocks: Vec<BlockAcc> = (0..in_flight * n_blocks)
            .into_par_iter()
            .map(|job| {
                let (ti, b) = (job / n_blocks, job % n_blocks);
                let t = first + ti as u64;
                let lo = b * BLOCK_USERS;
                let hi = (lo + BLOCK_USERS).min(users);
                let mut acc = BlockAcc::new(n_plans, n_months, n_segs);
                let buf = &bufs[ti];
                let key = (sim.seed, t);
                let done = simulate_block(key, &setups[ti], lo..hi, &ends, buf, &mut acc, stop);
                progress(done);
                acc
            })
            .collect();
        if stopped() {
            return Ok(None);
        }
        // Merge in block order within a trial, then in trial order.
        for (ti, (st, chunk_blocks)) in setups.into_iter().zip(blocks.chunks(n_blocks)).enumerate()
        {
            let mut acc = BlockAcc::new(n_plans, n_months, n_segs);
            for b in chunk_blocks {
                acc.add(b);
            }
            for mt in &mut acc.months {
                mt.overhead = st.per_user_month * mt.active_users as f64;
                mt.profit = mt.revenue - mt.cost - mt.fees - mt.overhead;
            }
            for p in 0..n_plans {
                for s in 0..n_segs {
                    results.segments[p][s].add(&acc.segments[p * n_segs + s]);
                }
                for k in 0..10 {
                    results.deciles[p][k].add(&acc.deciles[p * 10 + k]);
                }
                for m in 0..n_months {
                    results.months[p][m].add(&acc.months[p * n_months + m]);
                }
            }
            results.trials.push(TrialResult {
                trial: first + ti as u64,
                draws: st.draws,
                plans: (0..n_plans)
                    .map(|p| PlanTrial {
                        totals: acc.totals[p],
                        month_profit: acc.months[p * n_months..(p + 1) * n_months]
                            .iter()
                            .map(|m| m.profit)
                            .collect(),
                    })
                    .collect(),
            });
        }
        first = last;
    }
    Ok(Some(results))
}

/// Demand decile (0..10) of each user: rank by D, ties by user index, decile = 10 rank / n.
/// Expected O(n): nine successive selections split the (D, index) order at the decile
/// boundaries; the order inside a decile does not matter.
pub fn deciles(d: &[f64]) -> Vec<u8> {
    let mut dec = vec![0u8; d.len()];
    rank_deciles(d, &mut Vec::new(), &mut dec, &|| false);
    dec
}

/// [`deciles`] into `dec`, with `keys` as scratch space (reused between trials). Gives up
/// (leaving `dec` partly filled) once `stop()` is true, checked between selections.
fn rank_deciles(d: &[f64], keys: &mut Vec<u128>, dec: &mut [u8], stop: &dyn Fn() -> bool) {
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

/// Per-user state of one trial in flight.
struct TrialBuf {
    /// Base demand D of each user.
    demand: Vec<f64>,
    /// Demand decile (0..10) of each user.
    decile: Vec<u8>,
    /// Scratch for ranking.
    keys: Vec<u128>,
}

impl TrialBuf {
    fn new(users: usize) -> Self {
        TrialBuf {
            demand: vec![0.0; users],
            decile: vec![0; users],
            keys: Vec::with_capacity(users),
        }
    }
}

/// Simulates users `users` of the trial keyed `(seed, trial)`; returns how many it simulated
/// before `stop` was set.
fn simulate_block(
    (seed, trial): (u64, u64),
    st: &TrialSetup,
    users: std::ops::Range<usize>,
    ends: &[u64],
    buf: &TrialBuf,
    acc: &mut BlockAcc,
    stop: &AtomicBool,
) -> u64 {
    let n_plans = st.rules.len();
    let n_months = st.decline.len();
    let n_segs = st.segments.len();
    let mut scratch = UserScratch::new(n_plans, n_months);
    let mut seg = ends.partition_point(|&e| e <= users.start as u64);
    let mut done = 0;
    for u in users {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        done += 1;
        while ends[seg] <= u as u64 {
            seg += 1;
        }
        let mut rng = stream(seed, trial, u as u64, 1);
        live_user(
            st,
            seg,
            buf.demand[u],
            &mut rng,
            &mut scratch,
            &mut acc.months,
        );
        for p in 0..n_plans {
            let o = &scratch.outcomes[p];
            acc.totals[p].add(&o.totals);
            let g = GroupTotals {
                users: 1,
                revenue: o.totals.revenue,
                cost: o.totals.cost,
                profit: o.totals.profit,
                loss_users: o.totals.loss_users,
            };
            acc.segments[p * n_segs + seg].add(&g);
            acc.deciles[p * 10 + buf.decile[u] as usize].add(&g);
        }
    }
    done
}

/// Reusable per-user buffers.
struct UserScratch {
    /// Demand (output tokens before usage_response) in each active month.
    demand: Vec<f64>,
    outcomes: Vec<UserOutcome>,
}

impl UserScratch {
    fn new(plans: usize, months: usize) -> Self {
        UserScratch {
            demand: Vec::with_capacity(months),
            outcomes: vec![UserOutcome::default(); plans],
        }
    }
}

/// What one plan needs to bill a user's months, fixed for the user.
struct PlanUser<'a> {
    /// Demand in each active month.
    demand: &'a [f64],
    /// The user's prompt mix.
    mix: &'a Mix,
    /// usage_response of the plan.
    response: f64,
    /// Meter value of one output token (with its prompt tokens).
    k_meter: f64,
    /// Serving cost of one output token at month 0.
    k_cost: f64,
    /// Retail value of one output token.
    k_retail: f64,
}

/// One user's whole life on every plan. Draw order from the user's phase-1 stream: top-up
/// uniform, prompt ratio, cache read share, cache write share, then per month a standard normal
/// and a churn uniform, until the user leaves. Month sums go to `months[plan * n + month]`.
fn live_user<R: rand::Rng>(
    st: &TrialSetup,
    seg: usize,
    d: f64,
    rng: &mut R,
    sc: &mut UserScratch,
    months: &mut [MonthTotals],
) {
    let s = &st.segments[seg];
    let top_up_u: f64 = rng.random();
    let r = s.ratio.sample(rng);
    let cr = s.cache_read.sample(rng);
    let cw = s.cache_write.sample(rng);
    let mix = Mix::new(r, cr, cw);
    // The user's months: demand, and whether they leave (plan-independent).
    let half_var = s.vol * s.vol / 2.0;
    let n_months = st.decline.len();
    sc.demand.clear();
    let mut left = false;
    for m in 0..n_months {
        let z: f64 = StandardNormal.sample(rng);
        let leave_u: f64 = rng.random();
        let noise = if s.vol > 0.0 {
            (s.vol * z - half_var).exp()
        } else {
            1.0
        };
        sc.demand.push(d * s.growth[m] * noise);
        if m + 1 < n_months && leave_u < s.churn {
            left = true;
            break;
        }
    }
    let active = sc.demand.len();
    for m in 0..active {
        for p in 0..st.rules.len() {
            months[p * n_months + m].active_users += 1;
        }
    }
    let k_retail = st.retail.per_output_token(&mix);
    let k_cost = st.cost.per_output_token(&mix);
    for (p, rule) in st.rules.iter().enumerate() {
        let pu = PlanUser {
            demand: &sc.demand,
            mix: &mix,
            response: st.response[p],
            k_meter: rule.meter().per_output_token(&mix),
            k_cost,
            k_retail,
        };
        let acc = &mut months[p * n_months..(p + 1) * n_months];
        let o = &mut sc.outcomes[p];
        rule.visit(BillMonths {
            st,
            pu: &pu,
            top_up_u,
            months: acc,
            out: o,
        });
        if left {
            rule.close(&mut o.account);
            o.totals.churned_users = 1;
        }
        o.totals.breakage_credits = o.account.expired;
    }
}

/// [`bill_months`] for the concrete kind of a rule, as a [`RuleVisitor`]. It writes the
/// outcome in place: returning it lets LLVM merge the kinds' tails (1% more instructions).
struct BillMonths<'a, 'b> {
    st: &'a TrialSetup,
    pu: &'a PlanUser<'b>,
    top_up_u: f64,
    months: &'a mut [MonthTotals],
    out: &'a mut UserOutcome,
}

impl RuleVisitor for BillMonths<'_, '_> {
    type Out = ();
    #[inline(always)]
    fn visit<B: Billing>(self, rule: &B) {
        *self.out = bill_months(rule, self.st, self.pu, self.top_up_u, self.months);
    }
}

/// Bills every active month of one user on one plan (monomorphised per plan kind).
#[inline]
fn bill_months<B: Billing>(
    rule: &B,
    st: &TrialSetup,
    pu: &PlanUser<'_>,
    top_up_u: f64,
    months: &mut [MonthTotals],
) -> UserOutcome {
    let mut account = rule.open(top_up_u);
    let (mut revenue, mut cost, mut fees, mut served) = (0.0, 0.0, 0.0, 0.0);
    for (m, (&demand, acc)) in pu.demand.iter().zip(months.iter_mut()).enumerate() {
        let out = demand * pu.response;
        let usage = Usage {
            output_tokens: out,
            mix: pu.mix,
            metered: out * pu.k_meter,
        };
        let mb = rule.month(&mut account, usage);
        let served_m = out * mb.served;
        let cost_m = served_m * pu.k_cost * st.decline[m];
        // Fees on every bill > 0 (branch-free).
        let fees_m = (st.fee_rate * mb.bill + st.fee_fixed) * f64::from(u8::from(mb.bill > 0.0));
        revenue += mb.bill;
        cost += cost_m;
        fees += fees_m;
        served += served_m;
        acc.revenue += mb.bill;
        acc.cost += cost_m;
        acc.fees += fees_m;
    }
    let active = pu.demand.len();
    let overhead = st.per_user_month * active as f64;
    let profit = revenue - cost - fees - overhead;
    UserOutcome {
        totals: Totals {
            revenue,
            cost,
            fees,
            overhead,
            profit,
            served_output_tokens: served,
            retail_value: served * pu.k_retail,
            loss_users: u64::from(profit < 0.0),
            churned_users: 0,
            breakage_credits: 0.0,
            active_user_months: active as u64,
        },
        account,
    }
}

/// Simulates a single user of a scenario (trial 0's draws, segment `seg`, base demand `d`,
/// user index `user`) and returns the outcome on every plan. For tests and diagnostics: the
/// engine uses the same code path.
///
/// # Errors
/// As [`run`].
pub fn simulate_user(
    scn: &Scenario,
    trial: u64,
    seg: usize,
    user: u64,
    d: f64,
) -> Result<Vec<UserOutcome>, String> {
    let st = setup(scn, trial)?;
    let mut sc = UserScratch::new(st.rules.len(), st.decline.len());
    let mut months = vec![MonthTotals::default(); st.rules.len() * st.decline.len()];
    let mut rng = stream(scn.simulation.seed, trial, user, 1);
    live_user(&st, seg, d, &mut rng, &mut sc, &mut months);
    Ok(sc.outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        }
        // Equal demand: deciles by user index alone.
        let dec = deciles(&[3.0; 20]);
        assert_eq!(dec, (0..20).map(|i| (i / 2) as u8).collect::<Vec<_>>());
    }
}
