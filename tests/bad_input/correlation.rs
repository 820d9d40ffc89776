//! `[[correlation]]` (issue 12): paths that are not correlatable trial-level inputs (unknown,
//! with a suggestion or the list; a fixed field; a per-user field; a distribution with drawn
//! parameters; listed twice; fewer than two), values (out of [-1, 1], `rank` with three paths,
//! both or neither of `rank` and `matrix`, a matrix of the wrong shape, not symmetric, a
//! diagonal other than 1), a pair given twice, an unknown field, and matrices that are not
//! positive semi-definite, in one table or across several (the error names the tables).
//! Positive controls: two-path, negative and matrix forms, and a per-user field's drawn
//! parameter, pass `check`.

use crate::{BASE, CONFIG, edit, plansim, with_config};

/// The edit target that makes three `[cost]` fields trial-level inputs.
const DECLINE: &str = "annual_decline = 0.4";
/// `[cost]`'s trial-level inputs: cost.annual_decline, cost.per_user_month,
/// cost.payment_fee_rate.
const DRAWN: &str = "annual_decline = { dist = \"uniform\", min = 0.2, max = 0.6 }
per_user_month = { dist = \"uniform\", min = 0, max = 1 }
payment_fee_rate = { dist = \"uniform\", min = 0, max = 0.05 }";
/// The last line of [`BASE`], after which the correlation tables go.
const END: &str = "included = 20\n";

/// [`BASE`]'s edits: drawn `[cost]` fields, then `tables` at the end.
fn with(tables: &str) -> [(&'static str, String); 2] {
    [
        (DECLINE, DRAWN.to_string()),
        (END, format!("{END}\n{tables}\n")),
    ]
}

/// A table correlating cost.annual_decline and cost.per_user_month with `rest`.
fn pair(rest: &str) -> String {
    format!("[[correlation]]\npaths = [\"cost.annual_decline\", \"cost.per_user_month\"]\n{rest}")
}

/// The three `[cost]` inputs as `paths`.
const THREE: &str =
    "paths = [\"cost.annual_decline\", \"cost.per_user_month\", \"cost.payment_fee_rate\"]";

config_errors! {
    unknown_path_suggests_the_input {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = [¶\"cost.anual_decline\", \"cost.per_user_month\"]\nrank = 0.5\n")
    } "correlation[0].paths[0]" ["`cost.anual_decline` is not a trial-level input",
        "did you mean `cost.annual_decline`?"]
    fixed_field_lists_the_inputs {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = [\"cost.annual_decline\", ¶\"cost.input\"]\nrank = 0.5\n")
    } "correlation[0].paths[1]" ["`cost.input` is not a trial-level input",
        "drawn once per trial",
        "its trial-level inputs: cost.annual_decline, cost.per_user_month, cost.payment_fee_rate"]
    per_user_field_is_not_a_trial_level_input {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = [\"cost.annual_decline\", ¶\"segment.casual.output_tokens\"]\nrank = 0.5\n")
    } "correlation[0].paths[1]" ["`segment.casual.output_tokens` is not a trial-level input"]
    no_trial_level_inputs_at_all {
        END => format!("{END}\n[[correlation]]\npaths = [¶\"cost.annual_decline\", \"cost.input\"]\nrank = 0.5\n")
    } "correlation[0].paths[0]" ["is not a trial-level input", "this scenario has none"]
    input_with_drawn_parameters {
        DECLINE => "annual_decline = { dist = \"normal\", mean = { dist = \"uniform\", min = 0.3, max = 0.5 }, sd = 0.01, floor = 0, ceiling = 1 }\nper_user_month = { dist = \"uniform\", min = 0, max = 1 }".to_string(),
        END => format!("{END}\n[[correlation]]\npaths = [¶\"cost.annual_decline\", \"cost.per_user_month\"]\nrank = 0.5\n")
    } "correlation[0].paths[0]" ["`cost.annual_decline` cannot be correlated",
        "has drawn parameters (cost.annual_decline.mean)", "correlate those, or fix them"]
    path_listed_twice {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = [\"cost.annual_decline\", ¶\"cost.annual_decline\"]\nrank = 0.5\n")
    } "correlation[0].paths[1]" ["`cost.annual_decline` is listed twice"]
    one_path {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = ¶[\"cost.annual_decline\"]\nrank = 0.5\n")
    } "correlation[0].paths" ["needs at least two paths, found 1"]
    paths_is_a_string {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\npaths = ¶\"cost.annual_decline\"\nrank = 0.5\n")
    } "correlation[0].paths" ["expected an array of field paths, found a string"]
    rank_above_one { DECLINE => DRAWN.to_string(), END => format!("{END}\n{}", pair("rank = ¶1.5")) }
        "correlation[0].rank" ["a rank correlation is in [-1, 1], got 1.5"]
    rank_is_a_word { DECLINE => DRAWN.to_string(), END => format!("{END}\n{}", pair("rank = ¶\"high\"")) }
        "correlation[0].rank" ["expected a number, found a string"]
    rank_with_three_paths {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\n{THREE}\nrank = ¶0.5\n")
    } "correlation[0].rank" ["`rank` takes exactly two paths, found 3", "give a `matrix`"]
    rank_and_matrix {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}", pair("rank = 0.5\nmatrix = ¶[[1, 0.5], [0.5, 1]]"))
    } "correlation[0].matrix" ["give either `rank` (two paths) or `matrix`, not both"]
    neither_rank_nor_matrix {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n¶{}", pair(""))
    } "correlation[0].rank" ["missing `rank` (two paths) or `matrix`"]
    unknown_field_suggests_rank {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}", pair("¶ranks = 0.5"))
    } "correlation[0].ranks" ["unknown field `ranks`", "did you mean `rank`?"]
    matrix_not_symmetric {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\n{THREE}\nmatrix = [[1, 0.5, 0.2], [0.5, 1, 0.3], [¶0.1, 0.3, 1]]\n")
    } "correlation[0].matrix[2][0]" ["must be symmetric: [2][0] is 0.1 but [0][2] is 0.2"]
    matrix_diagonal_not_one {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}", pair("matrix = [[1, 0.5], [0.5, ¶0.9]]"))
    } "correlation[0].matrix[1][1]" ["a diagonal entry is 1", "got 0.9"]
    matrix_entry_out_of_range {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}", pair("matrix = [[1, ¶-1.2], [-1.2, 1]]"))
    } "correlation[0].matrix[0][1]" ["a rank correlation is in [-1, 1], got -1.2"]
    matrix_with_too_few_rows {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n[[correlation]]\n{THREE}\nmatrix = ¶[[1, 0.5, 0.2], [0.5, 1, 0.3]]\n")
    } "correlation[0].matrix" ["expected 3 rows of 3 numbers", "found 2 rows"]
    matrix_row_too_short {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}", pair("matrix = [[1, 0.5], ¶[0.5]]"))
    } "correlation[0].matrix[1]" ["expected a row of 2 numbers, found 1 numbers"]
    pair_given_twice {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n{}\n\n[[correlation]]\npaths = [\"cost.per_user_month\", \"cost.annual_decline\"]\nrank = ¶0.3\n", pair("rank = 0.5"))
    } "correlation[1]" ["the pair `cost.annual_decline`, `cost.per_user_month` is already given by correlation[0]"]
    correlation_is_a_table {
        DECLINE => DRAWN.to_string(),
        END => format!("{END}\n¶[correlation]\npaths = [\"cost.annual_decline\", \"cost.per_user_month\"]\nrank = 0.5\n")
    } "correlation" ["expected an array of tables (write [[correlation]] sections)"]
}

#[test]
fn a_matrix_that_is_not_positive_semi_definite_is_refused() {
    // 0.9, 0.9 and -0.9: each pair is possible, the three together are not (smallest eigenvalue
    // -0.8). Named by its table, at the table.
    let dir = with_config(edit(
        BASE,
        &with(&format!(
            "[[correlation]]\n{THREE}\nmatrix = [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]"
        )),
    ));
    let r = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    for word in [
        "correlation[0]: the rank correlations of correlation[0] are not positive semi-definite",
        "smallest eigenvalue -0.8000",
        "cost.annual_decline, cost.per_user_month, cost.payment_fee_rate",
    ] {
        assert!(r.stderr.contains(word), "{word:?} in {}", r.describe());
    }
}

#[test]
fn pairs_across_tables_that_are_not_positive_semi_definite_name_every_table() {
    let tables = [
        ("cost.annual_decline", "cost.per_user_month", "0.9"),
        ("cost.per_user_month", "cost.payment_fee_rate", "0.9"),
        ("cost.annual_decline", "cost.payment_fee_rate", "-0.9"),
    ]
    .map(|(x, y, r)| format!("[[correlation]]\npaths = [\"{x}\", \"{y}\"]\nrank = {r}\n"))
    .join("\n");
    let dir = with_config(edit(BASE, &with(&tables)));
    for args in [&["check", CONFIG][..], &["run", CONFIG, "--out", "out"][..]] {
        let r = plansim(dir.path(), args);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(
            r.stderr.contains(
                "the rank correlations of correlation[0], correlation[1], correlation[2] are \
                 not positive semi-definite"
            ),
            "{}",
            r.describe()
        );
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn correlations_that_are_possible_pass_check() {
    for tables in [
        pair("rank = 0.8"),
        pair("rank = -1"),
        format!("[[correlation]]\n{THREE}\nmatrix = [[1, 0.8, 0.2], [0.8, 1, 0.3], [0.2, 0.3, 1]]"),
        // Two tables sharing an input; the third pair is not given (target 0).
        format!(
            "{}\n\n[[correlation]]\npaths = [\"cost.payment_fee_rate\", \"cost.per_user_month\"]\nrank = 0.5",
            pair("rank = 0.5")
        ),
    ] {
        let dir = with_config(edit(BASE, &with(&tables)));
        let r = plansim(dir.path(), &["check", CONFIG]);
        assert_eq!(r.code, Some(0), "{tables}\n{}", r.describe());
    }
}

#[test]
fn a_per_user_fields_drawn_parameter_can_be_correlated() {
    let text = edit(
        BASE,
        &[
            (DECLINE, DRAWN.to_string()),
            (
                "median = 100000",
                "median = { dist = \"uniform\", min = 50000, max = 150000 }".to_string(),
            ),
            (
                END,
                format!(
                    "{END}\n[[correlation]]\npaths = [\"segment.casual.output_tokens.median\", \
                     \"cost.annual_decline\"]\nrank = -0.7\n"
                ),
            ),
        ],
    );
    let dir = with_config(text);
    let r = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
}
