//! Overrides and sweeps (issue 12): `--set PATH=VALUE` and `--sweep PATH=VALUES` on the
//! command line, `[[sweep]]` tables in the file. Unknown paths are refused with a suggestion,
//! wherever the path is written; malformed sweeps at their field (`sweep[0].range.step`); an
//! invalid point names the point; grids over the point limit, or too large to run together
//! though each point is not, are refused. Every case is refused by `check`, by `run --out out`
//! and by `run` with the default output folder.

use crate::{BASE, CONFIG, plansim, refused, run_args, tree, with_config};

/// The last line of [`BASE`]: `[[sweep]]` tables go after it.
const END: &str = "included = 20";

/// [`END`] followed by `tables`.
fn then(tables: &str) -> String {
    format!("{END}\n\n{tables}")
}

/// `text` with `args` is refused by `check`, `run --out out` and `run` with exit code 2 and
/// one line starting with `prefix` and holding every word.
fn cli_case(text: &str, args: &[&str], prefix: &str, words: &[&str]) {
    let dir = with_config(text);
    let mut check = vec!["check", CONFIG];
    check.extend_from_slice(args);
    refused(dir.path(), &check, 2, prefix, words);
    let mut with_out = args.to_vec();
    with_out.extend_from_slice(&["--out", "out"]);
    refused(dir.path(), &run_args(&with_out), 2, prefix, words);
    refused(dir.path(), &run_args(args), 2, prefix, words);
}

/// Generates one `#[test]` per refused command line on [`BASE`]:
/// `name [args...] "prefix" ["fragment", ...];`.
macro_rules! cli_errors {
    ($($name:ident [$($arg:expr),* $(,)?] $prefix:literal [$($word:expr),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            cli_case(BASE, &[$($arg),*], $prefix, &[$($word),*]);
        }
    )*};
}

cli_errors! {
    set_unknown_field_suggests ["--set", "plan.max.pricee=25"]
        "error: scenario.toml: --set plan.max.pricee=25: plan.max.pricee: unknown field \
         `pricee`; did you mean `price`?" [];
    set_unknown_plan_suggests ["--set", "plan.mx.price=25"]
        "error: scenario.toml: --set plan.mx.price=25: plan.mx: no plan named `mx`; did you \
         mean `max`?" [];
    set_unknown_section_suggests ["--set", "costs.input=1"]
        "error: scenario.toml: --set costs.input=1: costs: unknown section `costs`; did you \
         mean `cost`?" [];
    set_unknown_market_word_suggests ["--set", "market.mode=menus"]
        "error: scenario.toml: --set market.mode=menus: market.mode: unknown mode `menus`; did \
         you mean `menu`?" [];
    set_without_a_value ["--set", "plan.max.price"]
        "error: --set plan.max.price: expected PATH=VALUE" [];
    set_malformed_path ["--set", "plan..price=1"]
        "error: --set plan..price=1: unexpected `.`" [];
    set_malformed_table_stays_an_error ["--set", "cost.annual_decline={ dist = }"]
        "error: scenario.toml: --set cost.annual_decline={ dist = }: cost.annual_decline: \
         malformed TOML value: " [];
    set_bare_word_where_a_number_belongs ["--set", "plan.max.price=cheap"]
        "error: scenario.toml: --set plan.max.price=cheap: plan.max.price: expected a number"
        ["found a string"];
    set_out_of_range ["--set", "plan.max.price=-5"]
        "error: scenario.toml: --set plan.max.price=-5: plan.max.price: must be >= 0" [];
    sweep_unknown_field_suggests ["--sweep", "plan.max.pricee=[20, 30]"]
        "error: scenario.toml: --sweep plan.max.pricee=[20, 30]: plan.max.pricee: unknown field \
         `pricee`; did you mean `price`?" [];
    sweep_unknown_segment_suggests ["--sweep", "segment.casul.share=[0.5]"]
        "error: scenario.toml: --sweep segment.casul.share=[0.5]: segment.casul: no segment \
         named `casul`; did you mean `casual`?" [];
    sweep_without_values ["--sweep", "plan.max.price"]
        "error: --sweep plan.max.price: expected PATH=VALUES" [];
    sweep_neither_array_nor_range ["--sweep", "plan.max.price=150"]
        "error: scenario.toml: --sweep plan.max.price=150: plan.max.price: expected a TOML array \
         of values" ["or a range from..to:step"];
    sweep_array_of_bare_words ["--sweep", "market.mode=[each, menu]"]
        "error: scenario.toml: --sweep market.mode=[each, menu]: market.mode: malformed TOML \
         array: " [];
    sweep_range_going_away ["--sweep", "plan.max.price=300..100:25"]
        "error: scenario.toml: --sweep plan.max.price=300..100:25: plan.max.price: step 25 goes \
         away from `to`: from 300 to 100 needs a negative step" [];
    sweep_range_without_step ["--sweep", "plan.max.price=100..300"]
        "error: scenario.toml: --sweep plan.max.price=100..300: plan.max.price: expected a TOML \
         array" [];
    sweep_arg_point_out_of_range ["--sweep", "plan.max.price=[20, -5]"]
        "error: scenario.toml: --sweep plan.max.price=[20, -5]: plan.max.price: point 2 \
         (plan.max.price = -5): must be >= 0" [];
    sweep_grid_too_large ["--sweep", "plan.max.price=1..200:1", "--sweep", "plan.credits.price=1..100:1"]
        "error: scenario.toml: --sweep plan.credits.price=1..100:1: plan.credits.price: the \
         sweeps form a grid of 200 x 100 = 20000 points: at most 10000" [];
    sweep_same_path_twice ["--sweep", "plan.max.price=[1]", "--sweep", "plan.\"max\".price=[2]"]
        "error: scenario.toml: --sweep plan.\"max\".price=[2]: plan.max.price: `plan.max.price` \
         is swept twice, by --sweep plan.max.price=[1] and --sweep plan.\"max\".price=[2]: give \
         each path one --sweep" [];
    sweep_of_the_seed_is_refused ["--sweep", "simulation.seed=[1, 2]"]
        "error: scenario.toml: --sweep simulation.seed=[1, 2]: simulation.seed: cannot sweep \
         `simulation.seed`: the points of a sweep share their random draws" ["--seed"];
    sweep_of_the_users_is_refused ["--sweep", "simulation.users=[10, 20]"]
        "error: scenario.toml: --sweep simulation.users=[10, 20]: simulation.users: cannot sweep \
         `simulation.users`: the points of a sweep simulate the same users" [];
}

config_errors! {
    sweep_table_unknown_field_suggests
        { END => then("[[sweep]]\npath = ¶\"plan.max.pricee\"\nvalues = [20, 30]") }
        "plan.max.pricee" ["unknown field `pricee`; did you mean `price`?"]
    sweep_table_unknown_plan_suggests
        { END => then("[[sweep]]\npath = ¶\"plan.mx.price\"\nvalues = [20, 30]") }
        "plan.mx" ["no plan named `mx`; did you mean `max`?"]
    sweep_table_unknown_key_suggests
        { END => then("[[sweep]]\npath = \"plan.max.price\"\n¶value = [20, 30]") }
        "sweep[0].value" ["unknown field `value`; did you mean `values`?"]
    sweep_table_values_and_range
        { END => then("¶[[sweep]]\npath = \"plan.max.price\"\nvalues = [20]\nrange = { from = 1, to = 2, step = 1 }") }
        "sweep[0]" ["give `values` or `range`, not both"]
    sweep_table_neither_values_nor_range
        { END => then("¶[[sweep]]\npath = \"plan.max.price\"") }
        "sweep[0]" ["a sweep needs `values = [...]` or `range = "]
    sweep_table_empty_values
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nvalues = ¶[]") }
        "sweep[0].values" ["no values: give at least one"]
    sweep_table_zero_step
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 100, to = 300, step = ¶0 }") }
        "sweep[0].range.step" ["step must not be 0"]
    sweep_table_step_away_from_to
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 100, to = 300, step = ¶-25 }") }
        "sweep[0].range.step" ["step -25 goes away from `to`: from 100 to 300 needs a positive step"]
    sweep_table_range_missing_to
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nrange = ¶{ from = 100, step = 25 }") }
        "sweep[0].range.to" ["missing required field `to`"]
    sweep_table_range_too_long
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nrange = ¶{ from = 0, to = 1e6, step = 1 }") }
        "sweep[0].range" ["the range gives 1000001 points: a sweep has at most 10000"]
    sweep_table_same_path_twice
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nvalues = [1]\n\n[[sweep]]\npath = ¶\"plan.max.price\"\nvalues = [2]") }
        "plan.max.price" ["`plan.max.price` is swept twice, by sweep[0] and sweep[1]: give each path one [[sweep]]"]
    sweep_table_paths_inside_one_another
        { END => then("[[sweep]]\npath = \"plan.credits.top_up\"\nvalues = [{ price = 5, credits = 500 }]\n\n[[sweep]]\npath = ¶\"plan.credits.top_up.price\"\nvalues = [2]") }
        "plan.credits.top_up.price" ["`plan.credits.top_up.price` (sweep[1]) lies inside `plan.credits.top_up` (sweep[0])"]
    sweep_table_of_the_months_is_refused
        { END => then("[[sweep]]\npath = ¶\"simulation.months\"\nvalues = [1, 2]") }
        "simulation.months" ["cannot sweep `simulation.months`"]
    sweep_not_an_array_of_tables
        { "name = \"base\"" => "name = \"base\"\nsweep = ¶5" }
        "sweep" ["expected an array of tables (write [[sweep]] sections), found an integer"]
    sweep_point_out_of_range
        { END => then("[[sweep]]\npath = \"plan.max.price\"\nvalues = [20, 30, ¶-5]") }
        "plan.max.price" ["point 3 (plan.max.price = -5): must be >= 0, got -5"]
    sweep_point_with_shares_not_summing_to_one
        { END => then("[[sweep]]\npath = \"segment.casual.share\"\nvalues = [0.6, 0.7]"),
          "[[segment]]\nname = \"casual\"" => "¶[[segment]]\nname = \"casual\"" }
        "segment" ["point 2 (segment.casual.share = 0.7): segment shares must sum to 1 (within 1e-6), but they sum to 1.1"]
    sweep_point_with_an_external_plan_in_each_mode
        { END => then("[[sweep]]\npath = \"plan.credits.external\"\nvalues = [false, ¶true]") }
        "plan.credits.external" ["point 2 (plan.credits.external = true): plan `credits` is external", "needs menu mode"]
}

/// A scenario with sweeps that `check` accepts: it says how many points, and lists them.
#[test]
fn check_lists_the_points_of_a_sweep() {
    let text = crate::edit(
        BASE,
        &[(
            END,
            then("[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 10, to = 30, step = 10 }"),
        )],
    );
    let dir = with_config(&text);
    let run = plansim(
        dir.path(),
        &["check", CONFIG, "--sweep", "market.mode=[\"each\"]"],
    );
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert!(
        run.stdout.contains(
            "\nsweep: 3 points over plan.max.price x market.mode (first slowest), every one valid; \
             the report above is of point 1:\n  point 1 (plan.max.price = 10, market.mode = each)\n  \
             point 2 (plan.max.price = 20, market.mode = each)\n  point 3 (plan.max.price = 30, \
             market.mode = each)\n"
        ),
        "{}",
        run.describe()
    );
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
}

/// A sweep whose points are each within the limits but together are not is refused as too
/// large, naming every point's plans, before any output folder is claimed; each point alone
/// passes `check`. Over the work limit (2 points of 7.2e12 user-plan-months) and over memory
/// (2 points of about 10 GB of per-trial outputs).
#[test]
fn a_sweep_over_the_limits_as_a_whole_is_too_large() {
    let work = [
        "--set",
        "simulation.trials=150",
        "--set",
        "simulation.users=10000000",
        "--set",
        "simulation.months=1200",
    ];
    let memory = [
        "--set",
        "simulation.trials=8000000",
        "--set",
        "simulation.users=1",
        "--set",
        "simulation.months=1",
    ];
    let cases: [(&[&str], &[&str]); 2] = [
        (
            &work,
            &[
                "1.44e13 user-plan-months is too large (at most 1e13): 150 trials x 10000000 users \
                 x 1200 months x 8 plans is estimated at ",
            ],
        ),
        (
            &memory,
            &[
                "the run is too large for memory (at most 16.0 GB estimated): 8000000 trials x 1 \
                 users x 1 months x 8 plans is estimated at ",
            ],
        ),
    ];
    for (sizes, words) in cases {
        let dir = with_config(BASE);
        let mut one = vec!["check", CONFIG];
        one.extend_from_slice(sizes);
        let run = plansim(dir.path(), &one);
        assert_eq!(run.code, Some(0), "one point alone; {}", run.describe());
        let mut args = sizes.to_vec();
        args.extend_from_slice(&["--sweep", "plan.max.price=[20, 30]"]);
        cli_case(BASE, &args, "error: ", words);
    }
}
