//! Which field of the export plays which part (user, period, output tokens, ...): a column
//! named by the user must exist; otherwise the first of the part's common names (in the order
//! listed here) that the header has, ignoring case. The lists are also in docs/fit.md.

use super::Columns;
use super::header::{Header, at};
use crate::error::ConfigError;

/// Common names of the user id column.
pub const USER_NAMES: &[&str] = &[
    "user",
    "user_id",
    "userid",
    "client_id",
    "customer_id",
    "account_id",
    "api_key_id",
    "org_id",
    "organization_id",
    "project_id",
    "workspace_id",
    "client",
    "customer",
    "account",
];
/// Common names of the period column.
pub const PERIOD_NAMES: &[&str] = &[
    "period",
    "day",
    "date",
    "month",
    "usage_date",
    "usage_day",
    "usage_month",
    "billing_period",
];
/// Common names of the output tokens column.
pub const OUTPUT_NAMES: &[&str] = &[
    "output_tokens",
    "output",
    "completion_tokens",
    "output_token_count",
    "generated_tokens",
    "total_output_tokens",
];
/// Common names of the input (prompt) tokens column.
pub const INPUT_NAMES: &[&str] = &[
    "input_tokens",
    "input",
    "prompt_tokens",
    "uncached_input_tokens",
    "input_token_count",
    "total_input_tokens",
];
/// Common names of the cache-read tokens column.
pub const CACHE_READ_NAMES: &[&str] = &[
    "cache_read_tokens",
    "cache_read",
    "cached_tokens",
    "cache_read_input_tokens",
    "input_cached_tokens",
    "cached_input_tokens",
];
/// Common names of the cache-write tokens column.
pub const CACHE_WRITE_NAMES: &[&str] = &[
    "cache_write_tokens",
    "cache_write",
    "cache_creation_tokens",
    "cache_creation_input_tokens",
    "cache_write_input_tokens",
];
/// Common names of the cost column.
pub const COST_NAMES: &[&str] = &[
    "cost",
    "cost_usd",
    "spend",
    "spend_usd",
    "amount",
    "amount_usd",
    "total_cost",
];
/// Common names of the segment label column.
pub const SEGMENT_NAMES: &[&str] = &["segment"];

/// The fields (0-based) of each part; optional parts the export lacks are `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fields {
    pub user: usize,
    pub period: usize,
    pub output: usize,
    pub input: Option<usize>,
    pub cache_read: Option<usize>,
    pub cache_write: Option<usize>,
    pub cost: Option<usize>,
    pub segment: Option<usize>,
}

/// One part: its name in messages, the option naming it, its common names, the name given.
struct Part<'a> {
    what: &'static str,
    flag: &'static str,
    common: &'static [&'static str],
    given: Option<&'a str>,
}

/// A part.
fn part<'a>(
    what: &'static str,
    flag: &'static str,
    common: &'static [&'static str],
    given: &'a Option<String>,
) -> Part<'a> {
    Part {
        what,
        flag,
        common,
        given: given.as_deref(),
    }
}

/// Finds the field of every part (see the module doc); returns them with the names used.
///
/// # Errors
/// A given column the header lacks, two parts given the same column, or no user, period or
/// output column (each error lists the header).
pub(crate) fn resolve(
    file: &str,
    header: &Header,
    given: &Columns,
) -> Result<(Fields, Columns), ConfigError> {
    let parts = [
        part("user id", "user-col", USER_NAMES, &given.user),
        part("period", "period-col", PERIOD_NAMES, &given.period),
        part("output tokens", "output-col", OUTPUT_NAMES, &given.output),
        part("input tokens", "input-col", INPUT_NAMES, &given.input),
        part(
            "cache-read tokens",
            "cache-read-col",
            CACHE_READ_NAMES,
            &given.cache_read,
        ),
        part(
            "cache-write tokens",
            "cache-write-col",
            CACHE_WRITE_NAMES,
            &given.cache_write,
        ),
        part("cost", "cost-col", COST_NAMES, &given.cost),
        part("segment", "segment-col", SEGMENT_NAMES, &given.segment),
    ];
    let mut found: [Option<usize>; 8] = [None; 8];
    // Given names first, so a common name never takes a column the user gave to another part.
    for (i, p) in parts.iter().enumerate() {
        if let Some(name) = p.given {
            let field = header.require(file, name, p.what)?;
            if let Some(j) = found.iter().position(|&f| f == Some(field)) {
                return Err(at(
                    file,
                    1,
                    field + 1,
                    name,
                    format!(
                        "column `{name}` is given both as the {} and as the {}",
                        parts[j].what, p.what
                    ),
                ));
            }
            found[i] = Some(field);
        }
    }
    for (i, p) in parts.iter().enumerate() {
        if p.given.is_none() {
            let taken: Vec<usize> = found.iter().flatten().copied().collect();
            found[i] = header.find_common(p.common, &taken);
        }
    }
    let required = |i: usize| {
        found[i].ok_or_else(|| {
            let p = &parts[i];
            at(
                file,
                1,
                1,
                "",
                format!(
                    "no {} column: none of the common names ({}) is in the header; name it \
                     with --{} (`{}` in a scenario); the header has {}",
                    p.what,
                    p.common.join(", "),
                    p.flag,
                    p.flag.replace('-', "_"),
                    header.listing()
                ),
            )
        })
    };
    let fields = Fields {
        user: required(0)?,
        period: required(1)?,
        output: required(2)?,
        input: found[3],
        cache_read: found[4],
        cache_write: found[5],
        cost: found[6],
        segment: found[7],
    };
    let name = |f: Option<usize>| f.map(|f| header.name(f).to_string());
    let used = Columns {
        user: name(Some(fields.user)),
        period: name(Some(fields.period)),
        output: name(Some(fields.output)),
        input: name(fields.input),
        cache_read: name(fields.cache_read),
        cache_write: name(fields.cache_write),
        cost: name(fields.cost),
        segment: name(fields.segment),
    };
    Ok((fields, used))
}
