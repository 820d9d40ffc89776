//! Teams and per_seat plans: `team_size` below one seat, above the largest team, as a
//! distribution that can leave [1, 100000] or as a word; `seat_churn` without `team_size` or
//! out of [0, 1]; `per_seat` as a non-boolean. Positive controls: a team segment with a drawn
//! team size, seat churn and per_seat plans passes `check`, in each mode and in menu mode (where
//! check estimates the team segment's shares per account); a per_seat plan without any team
//! passes with a note that it changes nothing.

use crate::{BASE, CONFIG, edit, plansim, with_config};

/// The edit target for a field of segment `power`.
const POWER: &str = "output_tokens = 500000";
/// The edit target for a field of plan `max`.
const MAX: &str = "cap = 100";
/// The first line of [`BASE`], after which a `[market]` table goes.
const TOP: &str = "name = \"base\"\n";

/// [`POWER`] followed by `lines`.
fn power(lines: &str) -> String {
    format!("{POWER}\n{lines}")
}

/// [`MAX`] followed by `lines`.
fn max(lines: &str) -> String {
    format!("{MAX}\n{lines}")
}

/// Menu mode, with the values it needs on both segments.
const MENU: &str = "name = \"base\"\n\n[market]\nmode = \"menu\"\n";

config_errors! {
    team_size_of_zero { POWER => power("team_size = ¶0") } "segment.power.team_size"
        ["must be in [1, 100000], got 0"]
    team_size_below_one { POWER => power("team_size = ¶0.5") } "segment.power.team_size"
        ["must be in [1, 100000], got 0.5"]
    team_size_above_the_largest { POWER => power("team_size = ¶200000") }
        "segment.power.team_size" ["must be in [1, 100000], got 200000"]
    team_size_distribution_below_one {
        POWER => power("team_size = ¶{ dist = \"uniform\", min = 0, max = 10 }")
    } "segment.power.team_size" ["must be in [1, 100000]", "add `floor = 1`"]
    team_size_unbounded_distribution {
        POWER => power("team_size = ¶{ dist = \"lognormal\", median = 5, p99 = 50, floor = 1 }")
    } "segment.power.team_size" ["must be in [1, 100000]", "a `ceiling` of at most 100000"]
    team_size_is_a_word { POWER => power("team_size = ¶\"five\"") } "segment.power.team_size"
        ["expected a number"]
    seat_churn_without_team_size { POWER => power("seat_churn = ¶0.1") }
        "segment.power.seat_churn" ["`seat_churn` removes single seats of a team",
        "needs `team_size`"]
    seat_churn_above_one { POWER => power("team_size = 5\nseat_churn = ¶1.5") }
        "segment.power.seat_churn" ["must be in [0, 1], got 1.5"]
    per_seat_is_not_a_boolean { MAX => max("per_seat = ¶1") } "plan.max.per_seat"
        ["expected true or false, found an integer"]
}

#[test]
fn a_team_segment_with_per_seat_plans_passes_check() {
    let text = edit(
        BASE,
        &[
            (
                POWER,
                power("team_size = { dist = \"uniform\", min = 1, max = 12 }\nseat_churn = 0.02"),
            ),
            (MAX, max("per_seat = true")),
        ],
    );
    let dir = with_config(text);
    let r = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(
        !r.stdout.contains("per_seat changes nothing"),
        "{}",
        r.describe()
    );
}

#[test]
fn per_seat_without_teams_passes_check_with_a_note() {
    let dir = with_config(edit(BASE, &[(MAX, max("per_seat = true"))]));
    let r = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(
        r.stdout.contains(
            "note: no segment has `team_size`, so every user is an account of one and per_seat \
             changes nothing: plan.max.per_seat"
        ),
        "{}",
        r.describe()
    );
}

#[test]
fn a_team_segment_with_per_seat_plans_passes_check_in_menu_mode() {
    let text = edit(
        BASE,
        &[
            (TOP, MENU.to_string()),
            (
                "monthly_churn = 0.05",
                "monthly_churn = 0.05\nvalue = 30".to_string(),
            ),
            (
                POWER,
                power("value = 40\nteam_size = { dist = \"uniform\", min = 1, max = 12 }"),
            ),
            (MAX, max("per_seat = true")),
        ],
    );
    let dir = with_config(text);
    let r = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(
        r.stdout.contains("segment power: estimated from")
            && r.stdout.contains("simulated accounts (a team segment"),
        "{}",
        r.describe()
    );
}
