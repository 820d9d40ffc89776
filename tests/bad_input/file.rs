//! The scenario file as a whole: TOML syntax (with a hint for a currency symbol), a path that
//! is missing, a folder or not a regular file (a FIFO, a device), bytes that are not UTF-8, a
//! byte-order mark, a file too large or too deep, an empty file.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::{BASE, CONFIG, DEADLINE, config_case_lines, plansim, refused, with_config};

config_errors! {
    malformed_toml_double_equals { "trials = 2" => "trials = ¶= 2" } "" ["malformed TOML"]
    malformed_toml_unclosed_header { "[retail]\ninput" => "[retail¶\ninput" } ""
        ["malformed TOML", "unclosed table"]
    malformed_toml_unterminated_string { "name = \"base\"\n" => "name = \"base¶\n" } ""
        ["malformed TOML", "string"]
    malformed_toml_duplicate_key { "seed = 1" => "seed = 1\n¶seed = 2" } ""
        ["malformed TOML", "duplicate key"]
    malformed_toml_price_with_a_dollar_sign { "price = 20" => "price = ¶$20" } ""
        ["malformed TOML", "without a currency symbol: `20`, not `$20`"]
    malformed_toml_amount_with_a_euro_sign { "base_fee = 25" => "base_fee = ¶€25.50" } ""
        ["malformed TOML", "without a currency symbol: `25.50`, not `€25.50`"]
}

/// Asserts that `check`, `run --out out` and `run` (default output folder) all refuse `config`
/// with exit 2 and `prefix`, leaving `dir` unchanged.
pub(crate) fn config_file_refused(dir: &Path, config: &str, prefix: &str, words: &[&str]) {
    refused(dir, &["check", config], 2, prefix, words);
    let run = ["run", config, "--quiet", "--threads", "2"];
    refused(
        dir,
        &[&run[..], &["--out", "out"]].concat(),
        2,
        prefix,
        words,
    );
    refused(dir, &run, 2, prefix, words);
}

#[test]
fn config_is_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    config_file_refused(
        dir.path(),
        "missing.toml",
        "error: missing.toml:1:1: no such file",
        &[],
    );
}

#[test]
fn config_is_missing_by_absolute_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let abs = dir.path().join("nowhere/missing.toml");
    let abs = abs.to_str().expect("utf-8 temp path");
    config_file_refused(
        dir.path(),
        abs,
        &format!("error: {abs}:"),
        &["no such file"],
    );
}

#[test]
fn config_is_a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(CONFIG)).expect("mkdir");
    let prefix = format!("error: {CONFIG}:1:1: is a directory");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
}

#[test]
fn config_is_binary_garbage() {
    // Bytes that are not UTF-8 from the first byte on, then pseudo-random bytes.
    let mut bytes = vec![0xff, 0xfe, 0x00, 0x89, b'P', b'N', b'G'];
    let mut x: u32 = 12345;
    bytes.extend((0..4096).map(|_| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 16) as u8
    }));
    let dir = with_config(&bytes);
    let prefix = format!("error: {CONFIG}:1:1: not UTF-8");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
    assert_eq!(fs::read(dir.path().join(CONFIG)).unwrap(), bytes);
}

#[test]
fn config_turns_binary_on_line_two() {
    // One valid line, then bytes that are not UTF-8: the error points at the first bad byte.
    let mut bytes = b"name = \"base\"\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x01, 0x89, b'P', b'N', b'G']);
    let dir = with_config(&bytes);
    let prefix = format!("error: {CONFIG}:2:1: ");
    config_file_refused(dir.path(), CONFIG, &prefix, &["not UTF-8"]);
    assert_eq!(fs::read(dir.path().join(CONFIG)).unwrap(), bytes);
}

#[test]
fn config_is_nul_bytes() {
    let dir = with_config(vec![0u8; 1000]);
    let prefix = format!("error: {CONFIG}:1:");
    config_file_refused(dir.path(), CONFIG, &prefix, &["malformed TOML"]);
}

#[test]
fn config_is_deeply_nested() {
    let depth = 100_000;
    let text = format!("{BASE}x = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let dir = with_config(&text);
    let line = BASE.lines().count() + 1;
    let prefix = format!("error: {CONFIG}:{line}:");
    config_file_refused(
        dir.path(),
        CONFIG,
        &prefix,
        &["malformed TOML", "recursion"],
    );
}

#[test]
fn config_of_100_mb() {
    // A valid scenario followed by a 100 MB comment line.
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let file = fs::File::create(dir.path().join(CONFIG)).expect("create");
        let mut w = std::io::BufWriter::new(file);
        w.write_all(BASE.as_bytes()).unwrap();
        w.write_all(b"#").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\n").unwrap();
        w.flush().unwrap();
    }
    let prefix = format!("error: {CONFIG}:1:1: the file is larger than 10 MB");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
}

#[test]
fn config_is_dev_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = "error: /dev/zero:1:1: is a character device, not a regular file";
    config_file_refused(
        dir.path(),
        "/dev/zero",
        prefix,
        &["a scenario is a TOML text file"],
    );
}

/// A FIFO is refused at once, not opened: opening it for reading would wait for a writer
/// forever (each run is killed and fails after the deadline).
#[test]
fn config_is_a_fifo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join(CONFIG))
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
    let start = std::time::Instant::now();
    let prefix = format!("error: {CONFIG}:1:1: is a named pipe (FIFO), not a regular file");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
    assert!(start.elapsed() < DEADLINE, "took {:?}", start.elapsed());
}

/// A UTF-8 byte-order mark is not a column: the error on line 1 points where an editor shows
/// it.
#[test]
fn byte_order_mark_is_not_a_column() {
    let text = format!(
        "\u{feff}{}",
        BASE.replacen("name = \"base\"", "name = 5", 1)
    );
    let dir = with_config(&text);
    let prefix = format!("error: {CONFIG}:1:8: name: expected a string, found an integer");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
    // And a file with a mark is otherwise read as without it.
    let dir = with_config(format!("\u{feff}{BASE}"));
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
}

/// An empty file lacks every required field and section: each is its own line, all at once.
#[test]
fn config_is_empty() {
    let lines = [
        "error: scenario.toml:1:1: name: missing required field `name`",
        "error: scenario.toml:1:1: retail: missing required field `retail`",
        "error: scenario.toml:1:1: cost: missing required field `cost`",
        "error: scenario.toml:1:1: the scenario needs at least one [[segment]]",
        "error: scenario.toml:1:1: the scenario needs at least one [[plan]]",
    ];
    let expected: Vec<(&str, &[&str])> = lines.iter().map(|l| (*l, &[][..])).collect();
    config_case_lines("", &expected);
    // Only a name: the same, less the name.
    config_case_lines("name = \"half\"\n", &expected[1..]);
}
