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
    /// Successful tasks in the months billed on the plan (0 for token segments).
    #[serde(default)]
    pub successes: f64,
    /// Commitment true-ups billed (part of `revenue`).
    #[serde(default)]
    pub trueup_revenue: f64,
    /// Shortfalls of commitment terms still open at the horizon (not billed).
    #[serde(default)]
    pub trueup_open: f64,
    /// Accounts billed on the plan: one per user, except that a team's seats on a `per_seat`
    /// plan are one account.
    #[serde(default)]
    pub accounts: u64,
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
            self.successes,
            self.trueup_revenue,
            self.trueup_open,
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
        self.successes += o.successes;
        self.trueup_revenue += o.trueup_revenue;
        self.trueup_open += o.trueup_open;
        self.accounts += o.accounts;
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
    /// Output tokens demanded on the plan (after its usage_response).
    #[serde(default)]
    pub demanded_output_tokens: f64,
    /// Output tokens served.
    #[serde(default)]
    pub served_output_tokens: f64,
    /// Users whose bill this month was a shock (above (1 + shock_threshold) x the bill at
    /// their expected demand).
    #[serde(default)]
    pub shock_users: u64,
}

impl MonthTotals {
    /// Adds another month's sums.
    pub fn add(&mut self, o: &MonthTotals) {
        self.add_billed(o);
        self.overhead += o.overhead;
        self.profit += o.profit;
    }

    /// Adds what billing one month of a user (or of a team's active seats billed together)
    /// contributes: users, money, tokens and shocks. Overhead and profit are not billed: they
    /// are formed from the month's sums when the trial ends.
    #[inline]
    pub fn add_billed(&mut self, b: &MonthTotals) {
        self.active_users += b.active_users;
        self.revenue += b.revenue;
        self.cost += b.cost;
        self.fees += b.fees;
        self.demanded_output_tokens += b.demanded_output_tokens;
        self.served_output_tokens += b.served_output_tokens;
        self.shock_users += b.shock_users;
    }

    /// Whether every sum is finite.
    pub fn is_finite(&self) -> bool {
        [
            self.revenue,
            self.cost,
            self.fees,
            self.overhead,
            self.profit,
            self.demanded_output_tokens,
            self.served_output_tokens,
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

/// One option of the menu (a plan, ours or external, or `none`) in one segment, in one trial
/// (or summed over trials): who chose it and how users moved. Empty in each mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChoiceTotals {
    /// Users who chose it at their first choice (month-0 users and arrivals at arrival).
    pub chosen_at_start: u64,
    /// Users of the segment making a first choice (the denominator of the share).
    pub choosers: u64,
    /// Sum of the values of the users who chose it at start.
    pub value: f64,
    /// Sum of their expected bills at that choice.
    pub expected_bill: f64,
    /// Sum of their surpluses at that choice (without the taste draw).
    pub surplus: f64,
    /// Moves into it at a re-choice.
    pub switched_in: u64,
    /// Moves out of it at a re-choice.
    pub switched_out: u64,
    /// Users in it at the end of the horizon (on the plan; for `none`, non-adopters).
    pub subscribers_end: u64,
}

impl ChoiceTotals {
    /// Adds another set of sums.
    pub fn add(&mut self, o: &ChoiceTotals) {
        self.chosen_at_start += o.chosen_at_start;
        self.choosers += o.choosers;
        self.value += o.value;
        self.expected_bill += o.expected_bill;
        self.surplus += o.surplus;
        self.switched_in += o.switched_in;
        self.switched_out += o.switched_out;
        self.subscribers_end += o.subscribers_end;
    }

    /// Whether every sum is finite.
    pub fn is_finite(&self) -> bool {
        [self.value, self.expected_bill, self.surplus]
            .iter()
            .all(|v| v.is_finite())
    }
}

/// The population of one month (in one trial or summed over trials), by state at the end of
/// the month's billing, before churn: every user who has arrived is in exactly one state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PopulationMonth {
    /// Users arrived so far (month-0 users included).
    pub arrived: u64,
    /// On one of our plans.
    pub ours: u64,
    /// On an external plan.
    pub external: u64,
    /// Non-adopters (chose none).
    pub non_adopters: u64,
    /// Gone (left earlier, or left a plan for none).
    pub gone: u64,
}

impl PopulationMonth {
    /// Adds another month's counts.
    pub fn add(&mut self, o: &PopulationMonth) {
        self.arrived += o.arrived;
        self.ours += o.ours;
        self.external += o.external;
        self.non_adopters += o.non_adopters;
        self.gone += o.gone;
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
