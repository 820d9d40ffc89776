//! Crate-level tests that need internals: hand-computed bills of every plan kind and of tiered
//! plans, counts taken from the engine (segment split, loss users), `check`'s break-even figures
//! and choice shares, the property tests (random scenarios through the engine, the billing
//! rules and the exporters; prices that move over time), task segments with outcome pricing,
//! teams on per_seat plans (in menu mode too: an account choosing for its seats), and
//! committed-use discounts with true-up, correlated trial-level inputs (Iman-Conover), and the
//! usage panel simulated from a scenario's users (the rows `plansim fit`'s recovery tests read).

mod breakeven;
mod commitment;
mod correlation;
mod counts;
mod outcome;
mod panel;
mod plans;
mod points;
mod prices;
mod properties;
mod replay;
mod seats;
mod shares;
mod streams;
mod team_commit;
mod team_menu;
mod tiers;
