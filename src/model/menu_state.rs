//! Menu mode's two small shared types: where a user (or a team's account) is on the menu
//! ([`State`]) and where one user's results go ([`Sinks`]). Used by a user's life on the menu
//! ([`super::menu`]), a team's ([`super::team_menu`]) and the lives a later sweep point repeats
//! ([`super::menu_share`]).

use super::trial::Trial;
use crate::results::{ChoiceTotals, MonthTotals, PopulationMonth, Totals};

/// Where one user's results go: per row, per month, per option.
pub struct Sinks<'a> {
    /// The user's totals per row (our plans, then the portfolio); `users` is 1 on the rows
    /// they were billed on.
    pub rows: &'a mut [Totals],
    /// `[row * months + month]`.
    pub months: &'a mut [MonthTotals],
    /// `[option * segments + segment]`.
    pub choices: &'a mut [ChoiceTotals],
    /// `[month]`.
    pub population: &'a mut [PopulationMonth],
}

/// Where a user (or a team's account, [`super::team_menu`]) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// On plan p.
    Plan(usize),
    /// Chose none (and may choose again).
    NonAdopter,
    /// Left.
    Gone,
}

impl State {
    /// The state chosen at arrival or a re-choice: plan p, or none.
    pub(super) fn chosen(pick: Option<usize>) -> State {
        pick.map_or(State::NonAdopter, State::Plan)
    }

    /// The option this state counts under in choices.csv among `plans` plans: the plan, or
    /// `none` (index `plans`).
    pub(super) fn option(self, plans: usize) -> usize {
        match self {
            State::Plan(p) => p,
            _ => plans,
        }
    }

    /// The state after choosing `new`: a user on a plan who chooses none is gone (they left
    /// the product, not just a plan).
    pub(super) fn then(self, new: State) -> State {
        match (self, new) {
            (State::Plan(_), State::NonAdopter) => State::Gone,
            _ => new,
        }
    }

    /// Adds `users` in this state to the month's population.
    pub(super) fn count(self, trial: &Trial, pop: &mut PopulationMonth, users: u64) {
        match self {
            State::Plan(p) if trial.row[p].is_some() => pop.ours += users,
            State::Plan(_) => pop.external += users,
            State::NonAdopter => pop.non_adopters += users,
            State::Gone => pop.gone += users,
        }
    }
}
