//! The market: whether users are billed on every plan side by side ("each") or choose one plan
//! from a menu ("menu"), how they choose, when they choose again, and how many arrive.
//!
//! These are the configured terms; [`crate::model::choice`] holds the choice rule itself and
//! [`crate::model::trial::MarketTrial`] their values in one trial.

use serde::Serialize;

use crate::dist::Param;

/// Who is billed on which plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every user on every plan (what this population would earn and cost on each plan).
    #[default]
    Each,
    /// Every user chooses one plan of the menu, or none.
    Menu,
}

/// How a user picks from the menu.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// The largest surplus wins.
    #[default]
    Best,
    /// The largest surplus plus `logit_scale` x a standard Gumbel draw per user and option.
    Logit,
}

/// When a user chooses again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rechoose {
    /// Only at arrival.
    #[default]
    Never,
    /// At the start of the month after a shock month they stayed through.
    AfterShock,
    /// At the start of every month.
    Monthly,
}

impl Rechoose {
    /// Whether a user (or an account) not gone chooses again at the start of a month, given
    /// whether last month's bill was a shock they stayed through.
    pub fn due(self, shocked_last_month: bool) -> bool {
        match self {
            Rechoose::Never => false,
            Rechoose::AfterShock => shocked_last_month,
            Rechoose::Monthly => true,
        }
    }
}

/// `[market]`.
#[derive(Clone, Debug, Serialize)]
pub struct Market {
    /// Each or menu.
    pub mode: Mode,
    /// Best or logit.
    pub choice: Choice,
    /// $ per month: the spread of unobserved taste (required with logit).
    pub logit_scale: Option<Param>,
    /// When users choose again.
    pub rechoose: Rechoose,
    /// A bill above (1 + threshold) x the bill at expected demand is a shock.
    pub shock_threshold: Param,
    /// Arrivals per month (cumulative arrivals at month m are round(m x this)).
    pub new_users_per_month: Param,
    /// The largest value `new_users_per_month` can take (its upper bound when drawn), for the
    /// size limits.
    pub max_new_users_per_month: f64,
    /// Value of a served share s is s^curvature, in (0, 1].
    pub value_curvature: Param,
}

impl Default for Market {
    fn default() -> Self {
        Market {
            mode: Mode::Each,
            choice: Choice::Best,
            logit_scale: None,
            rechoose: Rechoose::Never,
            shock_threshold: Param::Fixed(0.5),
            new_users_per_month: Param::Fixed(0.0),
            max_new_users_per_month: 0.0,
            value_curvature: Param::Fixed(1.0),
        }
    }
}

/// What a product is worth to a user of a segment (menu mode).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentValue {
    /// `value`: $ a month at the user's typical demand.
    Value(super::PerUser),
    /// `value_per_retail`: this x the retail value of the user's typical month at the month-0
    /// retail card.
    ValuePerRetail(super::PerUser),
}

/// Names a plan may not take in menu mode (they name the company row and the outside option).
pub const RESERVED_NAMES: [&str; 2] = [super::PORTFOLIO, super::NONE];
