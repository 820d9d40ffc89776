//! Tests of reading one column of a CSV file (`column.rs`).

use super::*;

fn read(text: &str, column: &str, filters: &[(&str, &str)]) -> Result<Vec<f64>, ConfigError> {
    let filters: Vec<(String, String)> = filters
        .iter()
        .map(|(c, v)| (c.to_string(), v.to_string()))
        .collect();
    read_column_from(std::io::Cursor::new(text), "u.csv", column, &filters)
}

/// The error's line, column, path and whether its message holds `words`.
fn err(
    text: &str,
    column: &str,
    filters: &[(&str, &str)],
    words: &[&str],
) -> (usize, usize, String) {
    let e = read(text, column, filters).expect_err("refused");
    assert_eq!(e.file, "u.csv");
    for w in words {
        assert!(e.message.contains(w), "{w:?} not in {:?}", e.message);
    }
    (e.line, e.column, e.path)
}

#[test]
fn reads_the_column_in_file_order_trimmed_and_skips_blank_cells() {
    let text = "user, tokens ,model\na, 5 ,x\nb,,x\nc,1e3,y\n\nd,-2.5,x\ne,  ,x\n";
    assert_eq!(read(text, "tokens", &[]).unwrap(), [5.0, 1000.0, -2.5]);
}

#[test]
fn where_pairs_must_all_hold_and_left_out_rows_are_not_parsed() {
    let text = "model,kind,v\nx,a,1\ny,a,oops\nx,b,3\nx,a,4\n";
    assert_eq!(read(text, "v", &[("model", "x")]).unwrap(), [1.0, 3.0, 4.0]);
    assert_eq!(
        read(text, "v", &[("model", "x"), ("kind", "a")]).unwrap(),
        [1.0, 4.0]
    );
    assert_eq!(
        read(text, "v", &[("model", "x"), ("kind", "b")]).unwrap(),
        [3.0]
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_name() {
    assert_eq!(read("\u{feff}v,w\n1,2\n", "v", &[]).unwrap(), [1.0]);
}

#[test]
fn non_numeric_and_non_finite_cells_are_refused_at_their_line_and_field() {
    let text = "a,b,v\n1,2,3\n1,2,abc\n";
    assert_eq!(
        err(text, "v", &[], &["`abc` is not a number"]),
        (3, 3, "v".into())
    );
    assert_eq!(
        err("v\n2e15\n", "v", &[], &["beyond 1e15"]),
        (2, 1, "v".into())
    );
    for bad in ["NaN", "inf", "-infinity", "1e400"] {
        let text = format!("v,a\n1,2\n\n{bad},2\n");
        assert_eq!(
            err(&text, "v", &[], &["is not a finite number"]),
            (4, 1, "v".into())
        );
    }
    assert_eq!(err("v\n1,000\n", "v", &[], &["fields"]).0, 2);
}

#[test]
fn lines_count_blank_lines_and_crlf_line_ends() {
    let crlf = "v,a\r\n1,2\r\n\r\nx,2\r\n";
    assert_eq!(
        err(crlf, "v", &[], &["`x` is not a number"]),
        (4, 1, "v".into())
    );
    let leading = "\n\nv\n1\n\n\n\nx\n";
    assert_eq!(err(leading, "v", &[], &["`x`"]), (8, 1, "v".into()));
    assert_eq!(
        err(leading, "w", &[], &["no column `w`"]),
        (3, 1, "w".into())
    );
    let quoted = "v,a\n1,\"two\nlines\"\nx,2\n";
    assert_eq!(err(quoted, "v", &[], &["`x`"]).0, 4);
}

#[test]
fn a_row_of_another_length_is_refused_at_its_line() {
    let text = "a,v\n1,2\n1,2,3\n";
    assert_eq!(
        err(text, "v", &[], &["3 fields, the header has 2"]),
        (3, 1, "v".into())
    );
}

#[test]
fn bytes_that_are_not_utf8_are_refused_at_their_line_and_field() {
    let bytes = b"a,v\n1,2\n3,\xff\n";
    let e = read_column_from(std::io::Cursor::new(&bytes[..]), "u.csv", "v", &[]).unwrap_err();
    assert_eq!((e.line, e.column), (3, 2));
    assert!(e.message.contains("UTF-8"), "{}", e.message);
}

#[test]
fn unknown_and_repeated_columns_list_the_header() {
    let text = "user,tokens\na,1\n";
    assert_eq!(
        err(
            text,
            "token",
            &[],
            &["no column `token`", "the header has: user, tokens"]
        ),
        (1, 1, "token".into())
    );
    assert_eq!(
        err(
            text,
            "tokens",
            &[("model", "x")],
            &["no column `model`", "user, tokens"]
        ),
        (1, 1, "model".into())
    );
    let twice = "v,w,v\n1,2,3\n";
    assert_eq!(err(twice, "v", &[], &["`v` twice (fields 1 and 3)"]).0, 1);
    assert_eq!(err("", "v", &[], &["no header line"]), (1, 1, "v".into()));
}

#[test]
fn no_value_left_counts_the_rows_blank_and_left_out() {
    let text = "m,v\nx,\ny,2\nx,  \n";
    assert_eq!(
        err(
            text,
            "v",
            &[("m", "x")],
            &[
                "no values",
                "3 data rows",
                "1 left out by `where`",
                "2 with a blank cell"
            ]
        ),
        (1, 2, "v".into())
    );
    assert_eq!(err("m,v\n", "v", &[], &["0 data rows"]).1, 2);
}

#[test]
fn more_values_than_the_limit_are_refused_at_the_first_one_past_it() {
    let text = "v\n1\n\n2\n3\n4\n";
    let cursor = || std::io::Cursor::new(text);
    let e = read_at_most(cursor(), "u.csv", "v", &[], 3).unwrap_err();
    assert_eq!((e.line, e.column), (6, 1));
    assert!(e.message.contains("more than 3 values"), "{}", e.message);
    assert_eq!(
        read_at_most(cursor(), "u.csv", "v", &[], 4).unwrap().len(),
        4
    );
}

#[test]
fn open_refuses_missing_files_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_column(&dir.path().join("none.csv"), "v", &[]).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("no such file"), "{}", e.message);
    assert!(
        super::super::header::open_file(dir.path())
            .unwrap_err()
            .contains("folder")
    );
    let path = dir.path().join("ok.csv");
    std::fs::write(&path, "v\n7\n").unwrap();
    assert_eq!(read_column(&path, "v", &[]).unwrap(), [7.0]);
}
