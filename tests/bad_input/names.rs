//! Names of the scenario, segments and plans: outside the allowed characters (formula and path
//! injection, spaces, look-alike letters, empty, too long, a leading dash) or duplicated.

use crate::config_case;

/// Where a name is edited: the text in [`crate::BASE`] it replaces and the field path of the
/// error.
type Owner = (&'static str, &'static str);

const SCENARIO: Owner = ("name = \"base\"", "name");
const SEGMENT: Owner = ("name = \"casual\"", "segment[0].name");
const PLAN: Owner = ("name = \"max\"", "plan[1].name");

/// The owner's name set to `bad` (a TOML string written as Rust's `{:?}`) is refused at the
/// string with `invalid name "BAD"` and each of `more`.
fn invalid_name((from, path): Owner, bad: &str, more: &[&str]) {
    let quoted = format!("{bad:?}");
    let invalid = format!("invalid name {quoted}");
    let mut words = vec!["invalid name", quoted.as_str(), invalid.as_str()];
    words.extend_from_slice(more);
    config_case(&[(from, format!("name = ¶{quoted}"))], path, &words);
}

/// Generates one `#[test]` per row: `test_name OWNER "bad name" ["more", ...];`.
macro_rules! invalid_names {
    ($($name:ident $owner:ident $bad:expr $(, [$($more:expr),*])?;)*) => {$(
        #[test]
        fn $name() {
            invalid_name($owner, &$bad, &[$($($more),*)?]);
        }
    )*};
}

/// 65 characters, one more than a name may hold.
fn too_long() -> String {
    "p".repeat(65)
}

invalid_names! {
    name_formula_injection SCENARIO "=cmd";
    name_path_traversal SCENARIO "../x";
    scenario_name_with_a_space SCENARIO "a b";
    scenario_name_cyrillic_lookalike SCENARIO "\u{441}asual";
    scenario_name_empty SCENARIO "";
    scenario_name_too_long SCENARIO too_long();
    scenario_name_leading_dash SCENARIO "-lead";
    scenario_name_with_a_slash SCENARIO "x/y";

    segment_name_formula_injection SEGMENT "=cmd";
    segment_name_path_traversal SEGMENT "../x";
    name_with_a_space SEGMENT "a b";
    segment_name_cyrillic_lookalike SEGMENT "\u{441}asual";
    segment_name_empty SEGMENT "";
    segment_name_too_long SEGMENT too_long();
    segment_name_leading_dash SEGMENT "-lead";
    segment_name_with_a_slash SEGMENT "x/y";

    plan_name_formula_injection PLAN "=cmd";
    plan_name_path_traversal PLAN "../x";
    plan_name_with_a_space PLAN "a b";
    plan_name_cyrillic_lookalike PLAN "\u{441}asual";
    name_cyrillic_lookalike PLAN "\u{440}ro";
    name_empty PLAN "";
    name_too_long PLAN too_long(), ["at most 64 characters"];
    plan_name_leading_dash PLAN "-lead";
    plan_name_with_a_slash PLAN "x/y";
}

config_errors! {
    duplicate_plan_names { "name = \"max\"" => "name = ¶\"api\"" } "plan[1].name"
        ["duplicate plan name `api`"]
    duplicate_segment_names { "name = \"power\"" => "name = ¶\"casual\"" } "segment[1].name"
        ["duplicate segment name `casual`"]
}
