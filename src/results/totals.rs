//! The sums kept per plan: whole-horizon totals, month totals and group totals, each with the
//! counts that are its denominators.

use serde::{Deserialize, Serialize};

/// Whole-horizon totals of one plan in one trial (or of one user on one plan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Users billed on the plan (in at least one month).
    pub users: u64,
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
    /// Active user-months billed on the plan.
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

    /// Adds another set of totals.
    pub fn add(&mut self, o: &Totals) {
        self.users += o.users;
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

/// One plan, one month, one trial (or summed over trials).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// Adds another month's sums.
    pub fn add(&mut self, o: &MonthTotals) {
        self.active_users += o.active_users;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.fees += o.fees;
        self.overhead += o.overhead;
        self.profit += o.profit;
    }

    /// Whether every sum is finite.
    pub fn is_finite(&self) -> bool {
        [
            self.revenue,
            self.cost,
            self.fees,
            self.overhead,
            self.profit,
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

/// Sums over a group of users (a segment or a demand decile), over the whole horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTotals {
    /// User-trials in the group billed on the plan.
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
    /// One user's contribution to a group: their totals on one plan.
    pub fn of_user(t: &Totals) -> Self {
        GroupTotals {
            users: t.users,
            revenue: t.revenue,
            cost: t.cost,
            profit: t.profit,
            loss_users: t.loss_users,
        }
    }

    /// Adds another group's sums.
    pub fn add(&mut self, o: &GroupTotals) {
        self.users += o.users;
        self.revenue += o.revenue;
        self.cost += o.cost;
        self.profit += o.profit;
        self.loss_users += o.loss_users;
    }

    /// Whether every sum is finite.
    pub fn is_finite(&self) -> bool {
        [self.revenue, self.cost, self.profit]
            .iter()
            .all(|v| v.is_finite())
    }
}
