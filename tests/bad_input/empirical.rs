//! `dist = "empirical"` tables (issue 13): mistakes in the table itself, located in the
//! scenario like any distribution's (an unknown or missing key, a wrong type, a mixture
//! component, a data file that cannot be opened, values outside the field's range); and
//! mistakes inside the data file, located at the data file's line and column (the header is
//! line 1; the column is the CSV field number) with the column's name as the path.

use std::fs;

use crate::{BASE, CONFIG, edit, plansim, refused, run_args, tree, with_config};

/// The power segment's output tokens, resampled from `usage.csv`'s `tokens` column.
const EMPIRICAL: &str =
    r#"output_tokens = { dist = "empirical", file = "usage.csv", column = "tokens" }"#;

/// A valid data file for [`EMPIRICAL`].
const USAGE: &str = "user,tokens,model\na,120000,x\nb,,x\nc,90000,y\n";

config_errors! {
    empirical_unknown_key_suggests_column
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"empirical\", file = \"usage.csv\", ¶colum = \"tokens\" }" }
        "segment.power.output_tokens.colum" ["unknown field `colum`", "did you mean `column`?"]
    empirical_without_column
        { "output_tokens = 500000" => "output_tokens = ¶{ dist = \"empirical\", file = \"usage.csv\" }" }
        "segment.power.output_tokens.column" ["missing required field `column`"]
    empirical_file_is_a_number
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"empirical\", file = ¶3, column = \"tokens\" }" }
        "segment.power.output_tokens.file" ["expected a string, found an integer"]
    empirical_where_value_is_a_number
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"empirical\", file = \"usage.csv\", column = \"tokens\", where = { day = ¶3 } }" }
        "segment.power.output_tokens.where.day" ["expected a string", "found an integer"]
    empirical_data_file_missing_names_the_path_tried
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"empirical\", file = ¶\"data/nope.csv\", column = \"tokens\" }" }
        "segment.power.output_tokens.file" ["data/nope.csv: no such file"]
    empirical_as_a_mixture_component
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"mixture\", components = [{ weight = 1, dist = ¶\"empirical\", file = \"usage.csv\", column = \"tokens\" }] }" }
        "segment.power.output_tokens.components.0.dist" ["cannot be a mixture component"]
}

/// [`BASE`] with the power segment's tokens as `dist` and `usage.csv` holding `csv`, refused
/// by `check`, `run --out out` and `run` with exit code 2 and a line starting with `prefix`.
fn data_case(dist: &str, csv: &str, prefix: &str, words: &[&str]) {
    let dir = with_config(edit(BASE, &[("output_tokens = 500000", dist.into())]));
    fs::write(dir.path().join("usage.csv"), csv).expect("write usage.csv");
    refused(dir.path(), &["check", CONFIG], 2, prefix, words);
    refused(dir.path(), &run_args(&["--out", "out"]), 2, prefix, words);
    refused(dir.path(), &run_args(&[]), 2, prefix, words);
}

#[test]
fn empirical_data_is_valid_as_a_positive_control() {
    let dir = with_config(edit(BASE, &[("output_tokens = 500000", EMPIRICAL.into())]));
    fs::write(dir.path().join("usage.csv"), USAGE).expect("write usage.csv");
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG, "usage.csv"], "check wrote files");
}

#[test]
fn empirical_cell_that_is_not_a_number_names_its_line_and_field() {
    let csv = "user,tokens,model\na,120000,x\n\nb,12k,x\n";
    data_case(
        EMPIRICAL,
        csv,
        "error: usage.csv:4:2: tokens: ",
        &["`12k` is not a number"],
    );
}

#[test]
fn empirical_nan_and_infinite_cells_are_refused() {
    for bad in ["NaN", "inf", "-1e999"] {
        let csv = format!("user,tokens\na,{bad}\n");
        data_case(
            EMPIRICAL,
            &csv,
            "error: usage.csv:2:2: tokens: ",
            &["is not a finite number"],
        );
    }
}

#[test]
fn empirical_row_with_an_extra_field_names_its_line() {
    let csv = "user,tokens\na,5\nb,1,000\n";
    data_case(
        EMPIRICAL,
        csv,
        "error: usage.csv:3:1: tokens: ",
        &["3 fields, the header has 2"],
    );
}

#[test]
fn empirical_unknown_column_lists_the_header() {
    let dist = EMPIRICAL.replace("\"tokens\"", "\"output\"");
    data_case(
        &dist,
        USAGE,
        "error: usage.csv:1:1: output: ",
        &["no column `output`", "the header has: user, tokens, model"],
    );
}

#[test]
fn empirical_unknown_where_column_lists_the_header() {
    let dist = EMPIRICAL.replace(" }", ", where = { category = \"chat\" } }");
    data_case(
        &dist,
        USAGE,
        "error: usage.csv:1:1: category: ",
        &["no column `category`", "user, tokens, model"],
    );
}

#[test]
fn empirical_column_left_without_values_counts_what_was_skipped() {
    let dist = EMPIRICAL.replace(" }", ", where = { model = \"x\" } }");
    let csv = "user,tokens,model\na,,x\nb,5,y\nc, ,x\n";
    data_case(
        &dist,
        csv,
        "error: usage.csv:1:2: tokens: ",
        &[
            "no values",
            "3 data rows",
            "1 left out by `where`",
            "2 with a blank cell",
        ],
    );
}

#[test]
fn empirical_negative_values_are_outside_a_token_count() {
    let csv = "user,tokens\na,5\nb,-3\n";
    let dist = format!(
        "output_tokens = ¶{}",
        &EMPIRICAL["output_tokens = ".len()..]
    );
    let (text, line, col) = crate::unmark(&edit(BASE, &[("output_tokens = 500000", dist)]));
    let dir = with_config(text);
    fs::write(dir.path().join("usage.csv"), csv).expect("write usage.csv");
    let prefix = format!("error: {CONFIG}:{line}:{col}: segment.power.output_tokens: ");
    let words = ["must be >= 0", "[-3, 5]", "add `floor = 0`"];
    refused(dir.path(), &["check", CONFIG], 2, &prefix, &words);
    refused(dir.path(), &run_args(&["--out", "out"]), 2, &prefix, &words);
}
