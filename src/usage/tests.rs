//! Tests of reading usage exports: columns found by common and given names, filters, blank
//! cells, every refusal (with its line and field), periods (day numbers, ISO dates, leap days,
//! year-months with gaps), days summed into 30.44-day months with the last scaled, cached
//! input, and the real ServeGen file.

use std::path::{Path, PathBuf};

use super::months::{covered, month_of_offset};
use super::period::days_from_civil;
use super::*;

/// `text` written to a fresh file (kept alive by the returned folder).
fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("usage.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn read_with(text: &str, opts: &ReadOptions) -> Result<Panel, ConfigError> {
    let (_dir, path) = file(text);
    read(&path, opts)
}

fn panel(text: &str) -> Panel {
    read_with(text, &ReadOptions::default()).unwrap()
}

fn refused_with(text: &str, opts: &ReadOptions) -> ConfigError {
    match read_with(text, opts) {
        Ok(p) => panic!("read, expected a refusal: {p:?}"),
        Err(e) => e,
    }
}

fn refused(text: &str) -> ConfigError {
    refused_with(text, &ReadOptions::default())
}

/// Asserts the error is at `line` and field `column`, about column `path`, and says `says`.
fn at(e: &ConfigError, line: usize, column: usize, path: &str, says: &str) {
    assert_eq!(
        (e.line, e.column, e.path.as_str()),
        (line, column, path),
        "{e}"
    );
    assert!(e.message.contains(says), "`{says}` not in: {e}");
    assert!(e.file.ends_with("usage.csv"), "{e}");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn filters(pairs: &[(&str, &str)]) -> ReadOptions {
    ReadOptions {
        filters: pairs
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect(),
        ..ReadOptions::default()
    }
}

#[test]
fn columns_are_found_by_common_names_ignoring_case() {
    let p = panel(
        "Client_ID,Date,Completion_Tokens,prompt_tokens,cached_tokens,\
         cache_creation_input_tokens,cost_usd,SEGMENT,other\n\
         a,2025-01-01,10,20,3,4,0.5,pro,x\n",
    );
    let c = &p.columns;
    assert_eq!(c.user.as_deref(), Some("Client_ID"));
    assert_eq!(c.period.as_deref(), Some("Date"));
    assert_eq!(c.output.as_deref(), Some("Completion_Tokens"));
    assert_eq!(c.input.as_deref(), Some("prompt_tokens"));
    assert_eq!(c.cache_read.as_deref(), Some("cached_tokens"));
    assert_eq!(
        c.cache_write.as_deref(),
        Some("cache_creation_input_tokens")
    );
    assert_eq!(c.cost.as_deref(), Some("cost_usd"));
    assert_eq!(c.segment.as_deref(), Some("SEGMENT"));
    assert_eq!(p.users[0].segment.as_deref(), Some("pro"));
    let m = p.users[0].months[0];
    // One day of 30.44: every sum scaled by 30.44.
    let s = DAYS_PER_MONTH;
    assert!(close(m.output, 10.0 * s) && close(m.input, 20.0 * s));
    assert!(close(m.cache_read, 3.0 * s) && close(m.cache_write, 4.0 * s));
    assert!(close(m.cost, 0.5 * s));
    // Optional columns absent: None, and zeros.
    let p = panel("user,day,output\nu,0,5\n");
    assert_eq!(p.columns.input, None);
    assert_eq!(p.columns.cost, None);
    assert_eq!(p.users[0].months[0].input, 0.0);
}

#[test]
fn an_ambiguous_header_takes_the_first_common_name_in_list_order() {
    // client_id comes after user_id in USER_NAMES, whatever the header's order.
    let p = panel("client_id,user_id,day,output,output_tokens\nc,u,0,1,2\n");
    assert_eq!(p.columns.user.as_deref(), Some("user_id"));
    assert_eq!(p.users[0].id, "u");
    assert_eq!(p.columns.output.as_deref(), Some("output_tokens"));
    assert!(close(p.users[0].months[0].output, 2.0 * DAYS_PER_MONTH));
    // The same name twice: the first in header order.
    let p = panel("user,user,day,output\nfirst,second,0,1\n");
    assert_eq!(p.users[0].id, "first");
}

#[test]
fn given_names_are_used_and_common_names_never_take_them() {
    let opts = ReadOptions {
        columns: Columns {
            user: Some("Who".into()),
            period: Some("when".into()),
            output: Some("input_tokens".into()),
            ..Columns::default()
        },
        ..ReadOptions::default()
    };
    let p = read_with("who,when,input_tokens,prompt_tokens\nu,3,7,9\n", &opts).unwrap();
    assert_eq!(p.columns.user.as_deref(), Some("who"));
    assert_eq!(p.columns.output.as_deref(), Some("input_tokens"));
    // input_tokens is the output: the input is found further down its list.
    assert_eq!(p.columns.input.as_deref(), Some("prompt_tokens"));
    assert!(close(p.users[0].months[0].output, 7.0 * DAYS_PER_MONTH));
}

#[test]
fn a_given_column_the_header_lacks_is_refused_with_the_header() {
    let opts = ReadOptions {
        columns: Columns {
            cost: Some("price".into()),
            ..Columns::default()
        },
        ..ReadOptions::default()
    };
    let e = refused_with("user,day,output\nu,0,1\n", &opts);
    at(&e, 1, 1, "price", "no column `price` (cost)");
    assert!(e.message.contains("`user`, `day`, `output`"), "{e}");
}

#[test]
fn two_parts_given_one_column_are_refused() {
    let opts = ReadOptions {
        columns: Columns {
            output: Some("tokens".into()),
            input: Some("TOKENS".into()),
            ..Columns::default()
        },
        ..ReadOptions::default()
    };
    let e = refused_with("user,day,tokens\nu,0,1\n", &opts);
    at(
        &e,
        1,
        3,
        "TOKENS",
        "both as the output tokens and as the input tokens",
    );
}

#[test]
fn missing_required_columns_are_refused_with_the_header() {
    let e = refused("user,day,input_tokens\nu,0,1\n");
    at(&e, 1, 1, "", "no output tokens column");
    assert!(e.message.contains("--output-col") && e.message.contains("output_col"));
    assert!(e.message.contains("`input_tokens`"), "{e}");
    at(&refused("day,output\n0,1\n"), 1, 1, "", "no user id column");
    at(&refused("user,output\nu,1\n"), 1, 1, "", "no period column");
}

#[test]
fn filters_keep_rows_where_every_pair_holds() {
    let text = "model,region,user,day,output\n\
                a,eu,u1,0,1\n\
                a,us,u1,1,2\n\
                b,eu,u2,0,4\n\
                a,eu,u3,1,8\n";
    let p = read_with(text, &filters(&[("MODEL", "a"), ("region", "eu")])).unwrap();
    let ids: Vec<&str> = p.users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u3"]);
    assert_eq!(p.users[0].daily_output, [1.0, 0.0]);
    assert_eq!(p.users[1].daily_output, [0.0, 8.0]);
    assert_eq!((p.stats.rows, p.stats.filtered, p.stats.used), (4, 2, 2));
    // A row outside the filters is never checked (here: a duplicate and a bad number).
    let p = read_with(
        "model,user,day,output\na,u,0,1\nb,u,0,x\n",
        &filters(&[("model", "a")]),
    )
    .unwrap();
    assert_eq!(p.stats.filtered, 1);
    // Values are compared exactly (case matters).
    let e = refused_with(text, &filters(&[("model", "A")]));
    at(
        &e,
        1,
        1,
        "",
        "no row matches the filters (model=A) among the 4 rows read",
    );
    let e = refused_with(text, &filters(&[("plan", "x")]));
    at(&e, 1, 1, "plan", "no column `plan` (a filter's column)");
    assert!(e.message.contains("`model`, `region`"), "{e}");
}

#[test]
fn rows_with_a_blank_token_or_cost_cell_are_skipped_and_counted() {
    let text = "user,day,output,input,cost\n\
                a,0,1,2,0.1\n\
                b,0,,,\n\
                a,1,,5,0.2\n\
                c,0,3,4,\n\
                b,1,,,\n\
                d,1,0,0,0\n";
    let p = panel(text);
    let ids: Vec<&str> = p.users.iter().map(|u| u.id.as_str()).collect();
    // b has only blank rows, c's only row has a blank cost: absent.
    assert_eq!(ids, ["a", "d"]);
    assert_eq!(p.stats.skipped_blank, 4);
    assert_eq!((p.stats.rows, p.stats.used, p.stats.periods), (6, 2, 2));
    assert_eq!(p.users[0].daily_output, [1.0, 0.0]);
    assert!(p.users[0].months[0].active);
    assert!(!p.users[1].months[0].active, "output + input = 0");
    // Every row blank: a clear refusal.
    at(
        &refused("user,day,output\na,0,\nb,0,\n"),
        1,
        1,
        "",
        "every row kept (2) has a blank token cell",
    );
}

#[test]
fn bad_numbers_are_refused_at_their_line_and_field() {
    for (cell, says) in [
        ("-1", "is negative"),
        ("12a", "is not a number"),
        ("1,5", "is not a number"),
        ("NaN", "not a finite number"),
        ("inf", "not a finite number"),
        ("-inf", "not a finite number"),
        ("2e15", "larger than 1e15"),
    ] {
        let text = format!("user,day,output,input\nu,0,1,2\nu,1,3,\"{cell}\"\n");
        at(&refused(&text), 3, 4, "input", says);
    }
    // A bad cell is refused even when the row also has a blank one.
    at(
        &refused("user,day,output,input\nu,0,,-2\n"),
        2,
        4,
        "input",
        "negative",
    );
    // -0 reads as 0; decimals and exponents are numbers.
    let p = panel("user,day,output\nu,0,-0\nu,1,1.5e2\n");
    assert_eq!(p.users[0].daily_output, [0.0, 150.0]);
}

#[test]
fn bad_rows_are_refused_at_their_line_and_field() {
    at(
        &refused(" user ,day,output\n  ,0,1\n"),
        2,
        1,
        "user",
        "user id is blank",
    );
    at(
        &refused("user,day,output\nu,,1\n"),
        2,
        2,
        "day",
        "period is blank",
    );
    at(
        &refused("user,day,output\nu,0,1\nu,1\n"),
        3,
        1,
        "",
        "has 2 fields but the header has 3",
    );
    let e = refused("user,day,output,segment\nu,0,1,pro\nv,0,1,pro\nu,1,1,free\n");
    at(
        &e,
        4,
        4,
        "segment",
        "in segment `free` here but in `pro` on line 2",
    );
    at(
        &refused("user,day,output,segment\nu,0,1,\n"),
        2,
        4,
        "segment",
        "label is blank",
    );
    // A line number counts physical lines: a quoted cell may hold a line break.
    let e = refused("user,day,output\n\"a\nb\",0,1\nu,0,x\n");
    at(&e, 4, 3, "output", "`x` is not a number");
}

#[test]
fn a_user_and_period_twice_is_refused_naming_both_lines() {
    let e = refused("user,day,output\nu,0,1\nv,0,1\nu,1,1\nu,0,2\n");
    at(
        &e,
        5,
        2,
        "day",
        "user `u` has this day (`0`) twice: lines 2 and 5",
    );
    // The same date written twice, and a blank row repeating a used one.
    let e = refused("user,date,output\nu,2024-03-01,1\nu,2024-03-01,\n");
    at(&e, 3, 2, "date", "lines 2 and 3");
    let e = refused("user,month,output\nu,2024-03,1\nu,2024-04,1\nu,2024-03,1\n");
    at(
        &e,
        4,
        2,
        "month",
        "has this month (`2024-03`) twice: lines 2 and 4",
    );
}

#[test]
fn empty_files_and_files_without_rows_are_refused() {
    at(&refused(""), 1, 1, "", "the file is empty");
    at(
        &refused("user,day,output\n"),
        1,
        1,
        "",
        "header but no data rows",
    );
    let e = read(Path::new("/nonexistent/usage.csv"), &ReadOptions::default()).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("no such file"), "{e}");
}

#[test]
fn bad_periods_are_refused_at_their_line() {
    let e = refused("user,date,output\nu,2023-02-29,1\n");
    at(&e, 2, 2, "date", "month 2 of 2023 has 28 days");
    at(
        &refused("user,date,output\nu,2024-04-31,1\n"),
        2,
        2,
        "date",
        "has 30 days",
    );
    at(
        &refused("user,date,output\nu,2024-13-01,1\n"),
        2,
        2,
        "date",
        "no month 13",
    );
    at(
        &refused("user,month,output\nu,2024-00,1\n"),
        2,
        2,
        "month",
        "no month 0",
    );
    for cell in ["2024/01/02", "1.5", "2024-1-02", "jan", "24-01-02"] {
        let text = format!("user,date,output\nu,{cell},1\n");
        at(&refused(&text), 2, 2, "date", "is not a period");
    }
    // Mixed forms: at the offending line.
    let e = refused("user,day,output\nu,0,1\nu,2024-01-02,1\n");
    at(
        &e,
        3,
        2,
        "day",
        "is an ISO date (YYYY-MM-DD), but the export's first period is an integer day number",
    );
    let e = refused("user,day,output\nu,2024-01,1\nu,2024-01-02,1\n");
    at(&e, 3, 2, "day", "first period is a year-month");
    // A period kind that the cells do not fit.
    let day = ReadOptions {
        period: PeriodKind::Day,
        ..ReadOptions::default()
    };
    at(
        &refused_with("user,period,output\nu,2024-01,1\n", &day),
        2,
        2,
        "period",
        "is not a day",
    );
    let month = ReadOptions {
        period: PeriodKind::Month,
        ..ReadOptions::default()
    };
    let e = refused_with("user,period,output\nu,2024-01-05,1\n", &month);
    at(&e, 2, 2, "period", "is not a month");
    // Spans beyond 100 years.
    let e = refused("user,day,output\nu,0,1\nu,40000,1\n");
    at(&e, 3, 2, "day", "more than 36525 days");
}

#[test]
fn civil_dates_are_day_numbers() {
    // Reference values from Python's datetime: (date(y, m, d) - date(1970, 1, 1)).days.
    for ((y, m, d), n) in [
        ((1970, 1, 1), 0),
        ((2024, 2, 28), 19781),
        ((2024, 2, 29), 19782),
        ((2024, 3, 1), 19783),
        ((2000, 3, 1), 11017),
        ((1900, 3, 1), -25508),
        ((1, 1, 1), -719_162),
        ((9999, 12, 31), 2_932_896),
    ] {
        assert_eq!(days_from_civil(y, m, d), n, "{y}-{m}-{d}");
    }
    // Leap years: 2000 yes, 1900 no, 2024 yes.
    assert!(panel("user,date,output\nu,2000-02-29,1\n").stats.used == 1);
    at(
        &refused("user,date,output\nu,1900-02-29,1\n"),
        2,
        2,
        "date",
        "has 28 days",
    );
}

#[test]
fn iso_dates_across_a_month_end_and_a_leap_day_are_consecutive_days() {
    let p = panel(
        "user,date,output\n\
         u,2024-03-01,3\n\
         u,2024-02-28,1\n\
         v,2024-02-29,2\n\
         u,2024-03-02,4\n",
    );
    assert_eq!(p.days, Some(4));
    assert_eq!(p.users[0].daily_output, [1.0, 0.0, 3.0, 4.0]);
    assert_eq!(p.users[1].daily_output, [0.0, 2.0, 0.0, 0.0]);
    assert_eq!((p.months, p.stats.periods), (1, 4));
    assert_eq!(p.covered_days, [4.0]);
    assert!(close(
        p.users[0].months[0].output,
        8.0 * DAYS_PER_MONTH / 4.0
    ));
    // The last day of a year, then the first of the next.
    let p = panel("user,date,output\nu,2023-12-31,1\nu,2024-01-01,2\n");
    assert_eq!(p.users[0].daily_output, [1.0, 2.0]);
}

#[test]
fn days_are_summed_into_30_44_day_months_and_the_last_is_scaled() {
    // 40 days, one token a day from day 5 (the first day): month 0 holds offsets 0..=30
    // (30 < 30.44 <= 31), month 1 offsets 31..=39, covering 40 - 30.44 = 9.56 days: its 9
    // tokens are scaled by 30.44 / 9.56.
    let mut text = String::from("user,day,output,input\n");
    for d in 5..45 {
        text.push_str(&format!("u,{d},1,2\n"));
    }
    let p = panel(&text);
    assert_eq!((p.months, p.days, p.stats.periods), (2, Some(40), 40));
    assert_eq!(p.covered_days.len(), 2);
    assert_eq!(p.covered_days[0], 30.44);
    assert!(close(p.covered_days[1], 9.56));
    assert!(p.scaled());
    let m = &p.users[0].months;
    assert_eq!(m[0].output, 31.0);
    assert!(close(m[1].output, 9.0 * 30.44 / 9.56), "{}", m[1].output);
    assert!(close(m[1].input, 18.0 * 30.44 / 9.56));
    assert!(m[0].active && m[1].active);
    assert_eq!(p.users[0].daily_output, vec![1.0; 40]);
    // Boundaries in hundredths: day 3044 starts month 100 exactly.
    assert_eq!(month_of_offset(3043), 99);
    assert_eq!(month_of_offset(3044), 100);
    assert_eq!(month_of_offset(30), 0);
    assert_eq!(month_of_offset(31), 1);
    // 31 days fill month 0 (it holds offsets 0..=30); 61 days: months of 31 and 30 days,
    // the second whole (61 - 30.44 = 30.56 >= 30.44); 62 days start a third month.
    assert_eq!(covered(31), [30.44]);
    assert_eq!(covered(61), [30.44, 30.44]);
    assert!(close(covered(62)[2], 62.0 - 60.88));
    assert_eq!(covered(14), [14.0]);
}

#[test]
fn year_months_run_from_the_first_to_the_last_with_gaps_as_zero_months() {
    let p = panel("user,month,output,input\nu,2025-01,5,1\nv,2024-11,7,0\nu,2024-11,1,1\n");
    assert_eq!((p.months, p.days, p.stats.periods), (3, None, 2));
    assert_eq!(p.covered_days, [30.44; 3]);
    assert!(!p.scaled());
    let u = &p.users[0];
    assert_eq!(u.id, "u");
    assert!(u.daily_output.is_empty());
    let outputs: Vec<f64> = u.months.iter().map(|m| m.output).collect();
    assert_eq!(outputs, [1.0, 0.0, 5.0]);
    let active: Vec<bool> = u.months.iter().map(|m| m.active).collect();
    assert_eq!(active, [true, false, true]);
    assert_eq!(p.users[1].months[0].output, 7.0);
    // Integer months with --period month; integers are days by default.
    let month = ReadOptions {
        period: PeriodKind::Month,
        ..ReadOptions::default()
    };
    let p = read_with("user,period,output\nu,3,1\nu,5,2\n", &month).unwrap();
    assert_eq!((p.months, p.days), (3, None));
    let p = panel("user,period,output\nu,3,1\nu,5,2\n");
    assert_eq!((p.months, p.days), (1, Some(3)));
}

#[test]
fn input_that_includes_cache_loses_the_cached_tokens() {
    let text =
        "user,day,output,input_tokens,cache_read_tokens,cache_write_tokens\nu,0,1,100,30,20\n";
    let p = panel(text);
    let s = DAYS_PER_MONTH;
    assert!(close(p.users[0].months[0].input, 100.0 * s));
    let opts = ReadOptions {
        input_includes_cache: true,
        ..ReadOptions::default()
    };
    let p = read_with(text, &opts).unwrap();
    let m = p.users[0].months[0];
    assert!(close(m.input, 50.0 * s) && close(m.cache_read, 30.0 * s));
    assert!(close(m.cache_write, 20.0 * s));
    let e = refused_with(
        "user,day,output,input,cached_tokens,cache_write\nu,0,1,5,5,0\nu,1,1,40,30,20\n",
        &opts,
    );
    at(
        &e,
        3,
        4,
        "input",
        "fewer than the cached tokens (cached_tokens + cache_write = 50)",
    );
    // Without cache columns the input is fresh input.
    let p = read_with("user,day,output,input\nu,0,1,7\n", &opts).unwrap();
    assert!(close(p.users[0].months[0].input, 7.0 * s));
}

#[test]
fn users_keep_their_first_order_and_segments() {
    let p = panel("user,day,output,segment\nz,0,1,b\na,0,1,a\nz,1,1,b\nm,1,0,a\n");
    let got: Vec<(&str, Option<&str>)> = p
        .users
        .iter()
        .map(|u| (u.id.as_str(), u.segment.as_deref()))
        .collect();
    assert_eq!(got, [("z", Some("b")), ("a", Some("a")), ("m", Some("a"))]);
    assert!(!p.users[2].months[0].active);
}

#[test]
fn a_byte_order_mark_and_white_space_are_ignored() {
    let p = panel("\u{feff}user , day ,output\n u , 2 , 3 \n");
    assert_eq!(p.columns.user.as_deref(), Some("user"));
    assert_eq!(p.users[0].id, "u");
    assert_eq!(p.users[0].daily_output, [3.0]);
}

#[test]
fn the_summary_counts_what_was_read() {
    let p = panel("user,day,output\na,0,1\nb,0,\na,13,2\n");
    let s = p.summary();
    for part in [
        "3 rows read, 0 filtered out, 1 skipped (blank token cells), 2 used",
        "1 users, 2 periods (days) in 1 month of 30.44 days",
        "1 scaled up (the last covers 14 days",
    ] {
        assert!(s.contains(part), "`{part}` not in {s}");
    }
    let p = panel("user,month,output\na,2024-01,1\na,2024-02,1\n");
    assert!(
        p.summary()
            .contains("2 periods (months) in 2 months of 30.44 days")
    );
    assert!(!p.summary().contains("scaled"));
}

/// The shared ServeGen daily file: category, model, client_id, day, requests, input_tokens,
/// output_tokens; 14 days.
fn servegen() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/servegen/client_daily.csv")
}

#[test]
fn the_servegen_file_reads_with_filters() {
    let path = servegen();
    assert!(
        path.exists(),
        "the ServeGen file is expected at {}",
        path.display()
    );
    let p = read(
        &path,
        &filters(&[("category", "language"), ("model", "m-large")]),
    )
    .unwrap();
    // Expected counts computed once with Python's csv module over the same file:
    //   sel = rows with category == "language" and model == "m-large"       -> 2268 of 4504
    //   blank = sel rows whose input_tokens or output_tokens cell is empty   -> 209
    //   users = distinct client_id among the other 2059 rows                 -> 148
    //   (client 73 has one non-blank row, day 2, with zero tokens: present, never active;
    //   14 other clients of the 162 have only blank rows: absent)
    //   sum of output_tokens over the 2059 rows                              -> 23044936519
    assert_eq!(
        (
            p.stats.rows,
            p.stats.filtered,
            p.stats.skipped_blank,
            p.stats.used
        ),
        (4504, 2236, 209, 2059)
    );
    assert_eq!((p.users.len(), p.stats.periods), (148, 14));
    assert_eq!((p.months, p.days), (1, Some(14)));
    assert_eq!(p.covered_days, [14.0]);
    assert_eq!(p.columns.user.as_deref(), Some("client_id"));
    assert_eq!(p.columns.period.as_deref(), Some("day"));
    assert_eq!(p.columns.input.as_deref(), Some("input_tokens"));
    let active = p.users.iter().filter(|u| u.months[0].active).count();
    assert_eq!(active, 147);
    let client73 = p.users.iter().find(|u| u.id == "73").unwrap();
    assert!(!client73.months[0].active);
    let total: f64 = p.users.iter().map(|u| u.months[0].output).sum();
    assert!(close(total, 23_044_936_519.0 * 30.44 / 14.0), "{total}");
    let daily: f64 = p.users.iter().flat_map(|u| &u.daily_output).sum();
    assert_eq!(daily, 23_044_936_519.0);
    // Client 0 (python: 14 rows, 73234226 output, 217566702 input).
    assert_eq!(p.users[0].id, "0");
    assert!(close(
        p.users[0].months[0].input,
        217_566_702.0 * 30.44 / 14.0
    ));
    let summary = p.summary();
    assert!(
        summary.contains("2059 used; 148 users, 14 periods (days) in 1 month of 30.44 days"),
        "{summary}"
    );
    // Without the model filter, client ids repeat across models on the same day.
    let e = read(&path, &filters(&[("category", "language")])).unwrap_err();
    assert!(e.message.contains("twice"), "{e}");
}

#[test]
fn text_that_is_not_utf8_is_refused_at_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("usage.csv");
    std::fs::write(&path, b"user,day,output\nu,0,1\nv,1,\xff\n").unwrap();
    let e = read(&path, &ReadOptions::default()).unwrap_err();
    at(&e, 3, 3, "", "not UTF-8 text");
}

#[test]
fn lines_are_counted_in_crlf_files_and_past_blank_lines() {
    // The csv crate's own count is one line early in a CRLF file and starts a record at the
    // blank lines before it.
    let e = refused("user,day,output_tokens\r\na,0,5\r\nb,0,x\r\n");
    at(&e, 3, 3, "output_tokens", "`x` is not a number");
    let e = refused("user,day,output_tokens\n\na,0,5\n\n\nb,0,x\n");
    at(&e, 6, 3, "output_tokens", "`x` is not a number");
    let e = refused("user,day,output_tokens\r\na,0,5\r\nb,0\r\n");
    at(&e, 3, 1, "", "this row has 2 fields");
    let e = refused("user,day,output_tokens\r\n\r\na,0,5\r\na,0,6\r\n");
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("lines 3 and 4"), "{e}");
}

#[test]
fn only_a_regular_file_is_read() {
    // A folder is no CSV; a named pipe would block the read, so it is refused before opening.
    let dir = tempfile::tempdir().unwrap();
    let e = read(dir.path(), &ReadOptions::default()).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1), "{e}");
    assert!(e.message.contains("is a folder"), "{e}");
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo (coreutils) failed");
    let e = read(&fifo, &ReadOptions::default()).unwrap_err();
    assert!(e.message.contains("not a regular file"), "{e}");
}
