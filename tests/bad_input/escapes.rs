//! Control characters in a scenario (in keys, a plan kind, a distribution name, the file name)
//! never reach the terminal: each is shown escaped, as Rust writes it (`\n`, `\u{1b}`), so a
//! message stays one line and no escape sequence acts on the terminal. Every refusal in this
//! suite is also checked for control characters on stderr ([`crate::assert_refusal_lines`]).

use crate::file::config_file_refused;

config_errors! {
    unknown_key_with_a_newline
        { "name = \"base\"" => "name = \"base\"\n¶\"a\\nb\" = 1" } "a\\nb"
        ["unknown field `a\\nb`; expected one of:"]
    unknown_key_with_a_terminal_title_sequence
        { "seed = 1" => "seed = 1\n¶\"\\u001b]0;pwned\\u0007\" = 1" }
        "simulation.\\u{1b}]0;pwned\\u{7}" ["unknown field `\\u{1b}]0;pwned\\u{7}`"]
    unknown_key_with_a_bidirectional_override
        { "share = 0.4" => "share = 0.4\n¶\"\\u202eerahs\" = 1" }
        "segment.power.\\u{202e}erahs" ["unknown field `\\u{202e}erahs`"]
    plan_kind_with_a_newline { "kind = \"flat\"" => "kind = ¶\"fl\\nat\"" } "plan.max.kind"
        ["unknown plan kind `fl\\nat`"]
    distribution_name_clearing_the_screen
        { "dist = \"lognormal\"" => "dist = ¶\"\\u001b[2J\"" } "segment.casual.output_tokens.dist"
        ["unknown distribution `\\u{1b}[2J`", "expected one of:"]
    distribution_parameter_with_a_tab
        { "median = 100000" => "¶\"med\\tian\" = 100000" }
        "segment.casual.output_tokens.med\\tian" ["unknown field `med\\tian`"]
}

#[test]
fn config_file_name_with_an_escape_sequence() {
    let dir = tempfile::tempdir().expect("temp dir");
    config_file_refused(
        dir.path(),
        "x\u{1b}[2J\r.toml",
        "error: x\\u{1b}[2J\\r.toml:1:1: no such file",
        &[],
    );
}
