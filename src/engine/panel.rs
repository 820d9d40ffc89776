//! A usage panel of one trial: every user lived with the engine's own streams and the model's
//! own functions, in user order, into the rows of [`crate::model::panel_sim`].
//!
//! Each user is lived by the run's own functions: the trial-level draws of trial `t`
//! ([`super::draws`]), the base demand of phase 0 and the life of phase 1 of
//! [`super::schedule`] (`user_demand`, `live_user`; a replayed user's export months), so the
//! panel holds the demand a run of the same seed and trial bills (before any plan's
//! `usage_response`). Nothing is billed and
//! no thread is used. Team segments are refused: a seat's months end by its team's churn,
//! which only an account's billing applies ([`super::teams`]).

use super::schedule::{live_user, user_demand};
use super::{EngineError, check_range, draws};
use crate::model::Scenario;
use crate::model::panel_sim::{PanelRow, push_rows};
use crate::model::user::UserLife;

/// Most rows a panel may have (users x months), so a test tool cannot exhaust memory.
pub const MAX_PANEL_ROWS: u64 = 20_000_000;

/// Why a panel could not be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PanelError {
    /// The trial is out of range or a per-trial draw is out of range.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A team segment (its name).
    #[error(
        "segment.{0}: a team segment (team_size) cannot be simulated as a usage panel: a \
         seat's months end by its team's churn, which only billing applies"
    )]
    Team(String),
    /// Too many rows (users of the trial x months).
    #[error(
        "a usage panel of {users} users over {months} months is over the limit of {MAX_PANEL_ROWS} rows"
    )]
    TooLarge {
        /// Users in the trial.
        users: u64,
        /// Months in the horizon.
        months: u64,
    },
}

/// The usage panel of trial `trial` of `scn`: one row per user and month lived, users in index
/// order, each user's months in order.
///
/// # Errors
/// [`PanelError`] for a trial outside the scenario's, a team segment, or too many rows.
pub(crate) fn simulate_panel(scn: &Scenario, trial: u64) -> Result<Vec<PanelRow>, PanelError> {
    check_range(scn, &(trial..trial + 1))?;
    if let Some(s) = scn.segments.iter().find(|s| s.team_size.is_some()) {
        return Err(PanelError::Team(s.name.clone()));
    }
    let st = draws::trial(scn, trial)?;
    let months = st.months() as u64;
    let users = st.population();
    if users.saturating_mul(months) > MAX_PANEL_ROWS {
        return Err(PanelError::TooLarge { users, months });
    }
    let seed = scn.simulation.seed;
    let mut life = UserLife::with_capacity(st.months());
    let mut rows = Vec::new();
    let mut first = 0;
    let key = (seed, trial);
    for c in &st.cohorts {
        for u in first..c.end {
            let demand = user_demand(key, &st, c.segment, u);
            live_user(
                key,
                &st,
                (c.segment, c.month),
                u as usize,
                demand,
                &mut life,
            );
            push_rows(u, &life, &mut rows);
        }
        first = c.end;
    }
    Ok(rows)
}
