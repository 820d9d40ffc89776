//! The validated scenario: what is simulated, independent of files, threads and output.
//!
//! Built by [`crate::config`] from a TOML file; consumed by [`crate::engine`]. Every numeric
//! field is a [`Param`] (fixed or drawn once per trial) except the per-user fields of a
//! segment, which are [`PerUser`] values drawn once per user per trial.

pub mod accounting;
pub mod arrivals;
pub mod choice;
pub mod commitment;
pub mod correlation;
mod linalg;
pub mod market;
pub mod menu;
pub mod menu_share;
pub mod menu_state;
pub mod panel_sim;
pub mod plans;
pub mod precision;
pub mod prices;
pub mod purpose;
pub mod rates;
pub mod replay;
mod replay_life;
pub mod team;
pub mod team_menu;
pub mod team_month;
pub mod trial;
pub mod user;

use serde::Serialize;

pub use crate::dist::PerUser;
use crate::dist::{DistSpec, Param};
pub use market::{Choice, Market, Mode, Rechoose, SegmentValue};
pub use plans::{Account, Billing, PlanSpec, Rule};
pub use rates::{Card, Mix, Rates};
pub use trial::{DrawError, Trial};

/// A value drawn once per trial, shared by all plans: one column of trials.csv.
#[derive(Clone, Debug, Serialize)]
pub struct Slot {
    /// Column name: the field's path, e.g. `plan.max-20x.price`.
    pub path: String,
    /// The distribution it is drawn from (its parameters may be earlier slots).
    pub dist: DistSpec,
}

/// Simulation size and seed.
#[derive(Clone, Debug, Serialize)]
pub struct Simulation {
    /// Independent Monte Carlo trials.
    pub trials: u64,
    /// Users per trial.
    pub users: u64,
    /// Months per trial.
    pub months: u32,
    /// Root seed of every random stream.
    pub seed: u64,
    /// Precision mode: run trials in batches until this is met, `trials` at most.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<precision::Precision>,
}

/// Serving cost model.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// Cost per million tokens at month 0.
    pub card: Card,
    /// Yearly relative decline of the cost card.
    pub annual_decline: Param,
    /// $ per active user-month.
    pub per_user_month: Param,
    /// Payment fee, share of each bill > 0.
    pub payment_fee_rate: Param,
    /// Payment fee, $ per bill > 0.
    pub payment_fee_fixed: Param,
    /// Annual discount rate of the NPV: month m's profit counts (1 + rate)^(-m/12).
    pub discount_rate: Param,
}

/// A user segment.
#[derive(Clone, Debug, Serialize)]
pub struct Segment {
    /// Name (safe characters only).
    pub name: String,
    /// Share of the population, normalised so shares sum to 1.
    pub share: f64,
    /// What the users demand: output tokens, or tasks (written in place of `output_tokens`).
    #[serde(flatten)]
    pub work: Work,
    /// Prompt tokens (all kinds) per output token.
    pub input_per_output: PerUser,
    /// Share of prompt tokens that are cache reads.
    pub cache_read_share: PerUser,
    /// Share of prompt tokens that are cache writes.
    pub cache_write_share: PerUser,
    /// Log-sigma of the monthly noise.
    pub monthly_volatility: Param,
    /// Compounding monthly demand growth.
    pub monthly_growth: Param,
    /// Probability of leaving after each month.
    pub monthly_churn: Param,
    /// What the product is worth to a user (menu mode; optional in each mode).
    pub value: Option<SegmentValue>,
    /// Extra probability of leaving after a shock month (menu mode).
    pub shock_churn: Param,
    /// Seats per account, drawn per account and rounded half away from zero (`None`: every
    /// user is an account of one, as without teams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_size: Option<PerUser>,
    /// Probability that one seat of a team leaves alone after each month (team segments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_churn: Option<Param>,
}

/// What a segment's users demand in a typical month: output tokens, or whole tasks of some
/// output tokens each that succeed or fail (outcome pricing bills the successes).
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // one per segment, read once per trial
pub enum Work {
    /// Output tokens in a typical month (base demand D).
    Tokens {
        /// Output tokens in a typical month.
        output_tokens: PerUser,
    },
    /// Tasks in a typical month; base demand D = tasks x output_per_task.
    Tasks {
        /// Tasks in a typical month (before growth and noise; a month's are rounded).
        tasks: PerUser,
        /// Output tokens per task.
        output_per_task: PerUser,
        /// Probability that a task succeeds, in [0, 1].
        success_rate: PerUser,
    },
}

impl Work {
    /// Whether the work is tasks.
    pub fn is_tasks(&self) -> bool {
        matches!(self, Work::Tasks { .. })
    }

    /// The per-user fields, with their names, in draw order.
    pub fn fields(&self) -> Vec<(&'static str, &PerUser)> {
        match self {
            Work::Tokens { output_tokens } => vec![("output_tokens", output_tokens)],
            Work::Tasks {
                tasks,
                output_per_task,
                success_rate,
            } => vec![
                ("tasks", tasks),
                ("output_per_task", output_per_task),
                ("success_rate", success_rate),
            ],
        }
    }
}

/// A whole validated scenario. Built only by the config reader ([`crate::load`],
/// [`crate::parse`]); its size and seed are public, the rest is read through methods.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    /// Scenario name (safe characters only).
    pub(crate) name: String,
    /// Free text.
    pub(crate) description: Option<String>,
    /// Size and seed.
    pub simulation: Simulation,
    /// The list price card at month 0.
    pub(crate) retail: Card,
    /// Yearly relative decline of the list card (`[retail] annual_decline`).
    pub(crate) retail_decline: Param,
    /// Serving cost.
    pub(crate) cost: Cost,
    /// Segments, in config order.
    pub(crate) segments: Vec<Segment>,
    /// Plans, in config order.
    pub(crate) plans: Vec<PlanSpec>,
    /// Who is billed on which plan.
    pub(crate) market: Market,
    /// Per-trial draws, in draw order (a slot's parameters come before it).
    pub(crate) slots: Vec<Slot>,
    /// Target rank correlations between slots (`[[correlation]]`), imposed per block of
    /// trials ([`correlation`]); written at run.json's top level, not in its scenario.
    #[serde(skip)]
    pub(crate) correlation: Option<correlation::Correlation>,
    /// The users of a usage export replayed in place of drawn users (`[population]`); the
    /// segments are then the export's ([`replay`]).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "replay::serialize"
    )]
    pub(crate) population: Option<std::sync::Arc<replay::Replay>>,
}

impl Scenario {
    /// The stream key of each slot, in slot order: the FNV-1a 64 hash of its path
    /// ([`purpose::fnv1a`]). Paths are unique (one per field); should one ever repeat, its
    /// n-th repeat (n >= 1) is keyed by the hash of `path#n`, so the keys stay distinct and
    /// deterministic.
    pub fn slot_keys(&self) -> Vec<u64> {
        let mut keys = Vec::with_capacity(self.slots.len());
        for (i, slot) in self.slots.iter().enumerate() {
            let n = self.slots[..i]
                .iter()
                .filter(|s| s.path == slot.path)
                .count();
            keys.push(if n == 0 {
                purpose::fnv1a(slot.path.as_bytes())
            } else {
                purpose::fnv1a(format!("{}#{n}", slot.path).as_bytes())
            });
        }
        keys
    }

    /// Slot `i`'s draw from `rng` (its own stream), given the draws of the slots before it
    /// (`earlier`, at least `i` long: its parameters may be earlier slots).
    ///
    /// # Errors
    /// [`DrawError`] when a drawn parameter is out of range (validation prevents it for the
    /// scenarios it accepts; kept as a guard).
    pub fn draw_slot<R: rand::Rng + ?Sized>(
        &self,
        i: usize,
        earlier: &[f64],
        rng: &mut R,
    ) -> Result<f64, DrawError> {
        let slot = &self.slots[i];
        let s = slot.dist.resolve(earlier).map_err(|reason| DrawError {
            path: slot.path.clone(),
            reason,
        })?;
        Ok(s.sample(rng))
    }

    /// One trial's draws, one per slot in slot order, slot i from `rng_of(key_i)` (its own
    /// stream, keyed by [`Scenario::slot_keys`]).
    ///
    /// # Errors
    /// As [`Scenario::draw_slot`].
    pub fn draw_slots<R: rand::Rng>(
        &self,
        mut rng_of: impl FnMut(u64) -> R,
    ) -> Result<Vec<f64>, DrawError> {
        let mut draws = Vec::with_capacity(self.slots.len());
        for (i, key) in self.slot_keys().into_iter().enumerate() {
            let x = self.draw_slot(i, &draws, &mut rng_of(key))?;
            draws.push(x);
        }
        Ok(draws)
    }

    /// Exact segment sizes: largest-remainder rounding of share x users, ties to the earlier
    /// segment.
    pub fn segment_sizes(&self) -> Vec<u64> {
        segment_sizes(
            &self.segments.iter().map(|s| s.share).collect::<Vec<_>>(),
            self.simulation.users,
        )
    }
}

impl Scenario {
    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Plan names, in config order.
    pub fn plan_names(&self) -> Vec<&str> {
        self.plans.iter().map(|p| p.name.as_str()).collect()
    }

    /// Plan kinds (`payg`, `flat`, ...), in config order.
    pub fn plan_kinds(&self) -> Vec<&'static str> {
        self.plans.iter().map(|p| p.kind.name()).collect()
    }

    /// Whether users choose from a menu (`[market] mode = "menu"`).
    pub fn is_menu(&self) -> bool {
        self.market.mode == Mode::Menu
    }

    /// The rows of the per-plan outputs, as `(name, kind)`: our plans in config order
    /// (external plans are not our P&L and have none), then in menu mode the `portfolio` row
    /// (kind `portfolio`). The results' plan index is the row index.
    pub fn rows(&self) -> Vec<(&str, &'static str)> {
        let mut rows: Vec<(&str, &'static str)> = self
            .plans
            .iter()
            .filter(|p| !p.external)
            .map(|p| (p.name.as_str(), p.kind.name()))
            .collect();
        if self.is_menu() {
            rows.push((PORTFOLIO, PORTFOLIO));
        }
        rows
    }

    /// The options of choices.csv, in order: every plan (ours and external) in config order,
    /// then `none`. Empty in each mode.
    pub fn options(&self) -> Vec<&str> {
        if !self.is_menu() {
            return Vec::new();
        }
        self.plans
            .iter()
            .map(|p| p.name.as_str())
            .chain([NONE])
            .collect()
    }

    /// Segment names, in config order.
    pub fn segment_names(&self) -> Vec<&str> {
        self.segments.iter().map(|s| s.name.as_str()).collect()
    }

    /// Notes for stderr about how the scenario is read (`[population]` ignoring
    /// `[simulation] users`).
    pub fn notes(&self) -> Vec<String> {
        self.population
            .as_ref()
            .and_then(|p| p.note.clone())
            .into_iter()
            .collect()
    }

    /// Names of the trial-level draws (trials.csv's draw columns), in draw order.
    pub fn draw_names(&self) -> Vec<&str> {
        self.slots.iter().map(|s| s.path.as_str()).collect()
    }

    /// The most users a trial can hold: the month-0 users and every arrival at the largest
    /// `new_users_per_month`.
    pub fn max_population(&self) -> u64 {
        arrivals::population(
            self.simulation.users,
            self.simulation.months as usize,
            self.market.max_new_users_per_month,
        )
    }

    /// Which segment each user index falls in: the cumulative end index of each segment.
    pub fn segment_ends(&self) -> Vec<u64> {
        self.segment_sizes()
            .iter()
            .scan(0, |acc, n| {
                *acc += n;
                Some(*acc)
            })
            .collect()
    }
}

/// Largest-remainder apportionment of `users` by `shares` (normalised first); ties go to the
/// earlier entry.
pub fn segment_sizes(shares: &[f64], users: u64) -> Vec<u64> {
    let total: f64 = shares.iter().sum();
    let raw: Vec<f64> = shares.iter().map(|s| s / total * users as f64).collect();
    let mut n: Vec<u64> = raw.iter().map(|r| r.floor() as u64).collect();
    let assigned: u64 = n.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Stable sort keeps earlier segments first among equal remainders.
    order.sort_by(|&a, &b| (raw[b] - n[b] as f64).total_cmp(&(raw[a] - n[a] as f64)));
    for &i in order.iter().take(users.saturating_sub(assigned) as usize) {
        n[i] += 1;
    }
    n
}

/// The name (and kind) of the all-plans row in menu mode.
pub const PORTFOLIO: &str = "portfolio";
/// The name of the outside option in menu mode.
pub const NONE: &str = "none";

/// Most months per trial (100 years).
pub const MAX_MONTHS: u32 = 1200;
/// Most users per trial.
pub const MAX_USERS: u64 = 100_000_000;
