//! Scenario files: TOML text -> validated [`Scenario`].
//!
//! The file is parsed into toml's spanned tree and read field by field ([`reader`]), so every
//! error names the file, line:column and field path, unknown fields are refused with a
//! suggestion, and numbers may be given as distribution tables at any depth ([`dist`]). The
//! model never sees TOML.

pub mod dist;
mod field_path;
pub mod overrides;
mod plan;
pub mod reader;
mod segment;

use std::collections::HashSet;
use std::path::Path;

use toml::de::DeTable;

use self::dist::{Draws, Range};
pub use self::overrides::Override;
use self::reader::{Src, Tbl};
use crate::error::{ConfigError, Error};
use crate::model::{Card, Cost, MAX_MONTHS, MAX_USERS, Scenario, Simulation};

/// Default number of trials.
pub const DEFAULT_TRIALS: u64 = 1000;
/// Default users per trial.
pub const DEFAULT_USERS: u64 = 10_000;
/// Largest scenario file read, bytes.
pub const MAX_CONFIG_BYTES: u64 = 10_000_000;

/// The file name that means stdin (`plansim run -`).
pub const STDIN_PATH: &str = "-";
/// How stdin is named in messages and in run.json.
pub const STDIN_NAME: &str = "<stdin>";

/// How a scenario path is named in messages and run.json: as given, or [`STDIN_NAME`] for `-`.
pub fn source_name(path: &Path) -> String {
    if path.as_os_str() == STDIN_PATH {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads and validates a scenario file; the path `-` reads stdin (named `<stdin>`).
///
/// # Errors
/// [`Error::Config`] for a missing, unreadable, non-UTF-8 or invalid file (all exit code 2).
pub fn load(path: &Path) -> Result<Scenario, Error> {
    load_with(path, &[])
}

/// Reads a scenario file, applies `overrides` to it and validates the result (see
/// [`parse_with`]).
///
/// # Errors
/// As [`load`]; a problem in an override is located at it.
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, Error> {
    use std::io::{IsTerminal, Read};
    let file = source_name(path);
    let stdin = path.as_os_str() == STDIN_PATH;
    let at_file = |message: String| ConfigError {
        file: file.clone(),
        line: 1,
        column: 1,
        path: String::new(),
        message,
        origin: None,
    };
    if stdin && std::io::stdin().is_terminal() {
        return Err(at_file(
            "`-` reads the scenario from stdin, but stdin is a terminal: pipe a scenario in \
             (`plansim run - < scenario.toml`)"
                .into(),
        )
        .into());
    }
    if !stdin && path.is_dir() {
        return Err(at_file("is a directory, not a scenario file".into()).into());
    }
    let read_error = |e: std::io::Error| {
        at_file(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "cannot read the file: permission denied".into()
            }
            _ => format!("cannot read the file: {e}"),
        })
    };
    // Read at most one byte past the limit, so /dev/zero or a huge file is refused without
    // being read whole.
    let mut bytes = Vec::new();
    let limit = MAX_CONFIG_BYTES + 1;
    let read = if stdin {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(read_error)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(at_file(format!(
            "the file is larger than {} MB; a scenario is a short text file (is this the \
             right file?)",
            MAX_CONFIG_BYTES / 1_000_000
        ))
        .into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
        let (line, column) = reader::line_col(&text, off);
        ConfigError {
            file: file.clone(),
            line,
            column,
            path: String::new(),
            message: "not UTF-8 text (is this a binary file?); a scenario is a TOML text file"
                .into(),
            origin: None,
        }
    })?;
    Ok(parse_with(&text, &file, overrides)?)
}

/// Parses and validates scenario text; `file` names it in errors.
///
/// # Errors
/// The first problem found, with its location.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ConfigError> {
    parse_with(text, file, &[])
}

/// Parses scenario text, applies `overrides` to the parsed tree in order (a later one wins),
/// then validates the result, so an overridden value gets the same checks as the file's.
///
/// # Errors
/// The first problem found: in the file, with its line and column; in an override, with its
/// [`ConfigError::origin`].
pub fn parse_with(text: &str, file: &str, overrides: &[Override]) -> Result<Scenario, ConfigError> {
    let src = Src {
        file,
        text,
        overrides,
    };
    let mut doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        src.err(&span, "", format!("malformed TOML: {msg}"))
    })?;
    overrides::apply(&src, doc.get_mut(), overrides)?;
    build(&src, &doc)
}

fn build(src: &Src<'_>, doc: &toml::Spanned<DeTable<'_>>) -> Result<Scenario, ConfigError> {
    let root = Tbl::root(src, doc);
    root.allow(&[
        "name",
        "description",
        "simulation",
        "retail",
        "cost",
        "segment",
        "plan",
    ])?;
    let name = checked_name(&root, "name")?;
    let description = root.opt_string("description")?.map(str::to_string);
    let simulation = simulation(&root)?;
    let mut draws = Draws::default();

    let retail = rate_card(&mut draws, &root.req_table("retail")?)?;

    let cost_t = root.req_table("cost")?;
    cost_t.allow(&[
        "input",
        "cache_write",
        "cache_read",
        "output",
        "annual_decline",
        "per_user_month",
        "payment_fee_rate",
        "payment_fee_fixed",
    ])?;
    let cost = Cost {
        card: card(&mut draws, &cost_t)?,
        annual_decline: draws.param_or(&cost_t, "annual_decline", Range::Unit, 0.0)?,
        per_user_month: draws.param_or(&cost_t, "per_user_month", Range::NonNeg, 0.0)?,
        payment_fee_rate: draws.param_or(&cost_t, "payment_fee_rate", Range::Unit, 0.0)?,
        payment_fee_fixed: draws.param_or(&cost_t, "payment_fee_fixed", Range::NonNeg, 0.0)?,
    };

    let seg_tables = root.tables("segment")?;
    if seg_tables.is_empty() {
        return Err(root.err("the scenario needs at least one [[segment]]"));
    }
    let mut seen = HashSet::new();
    let mut segments = Vec::new();
    for t in seg_tables {
        segments.push(segment::segment(&mut draws, t, &mut seen)?);
    }
    let total: f64 = segments.iter().map(|s| s.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(root.src.err(
            &root.get("segment").map(|v| v.span()).unwrap_or(0..0),
            "segment",
            format!("segment shares must sum to 1 (within 1e-6), but they sum to {total}"),
        ));
    }
    for s in &mut segments {
        s.share /= total;
    }

    let plan_tables = root.tables("plan")?;
    if plan_tables.is_empty() {
        return Err(root.err("the scenario needs at least one [[plan]]"));
    }
    let mut seen = HashSet::new();
    let mut plans = Vec::new();
    for t in plan_tables {
        plans.push(plan::plan(&mut draws, t, &mut seen)?);
    }

    Ok(Scenario {
        name,
        description,
        simulation,
        retail,
        cost,
        segments,
        plans,
        slots: draws.slots,
    })
}

fn simulation(root: &Tbl<'_, '_>) -> Result<Simulation, ConfigError> {
    let Some(t) = root.table("simulation")? else {
        return Ok(Simulation {
            trials: DEFAULT_TRIALS,
            users: DEFAULT_USERS,
            months: 1,
            seed: 0,
        });
    };
    t.allow(&["trials", "users", "months", "seed"])?;
    let positive = |key: &str, default: u64| -> Result<u64, ConfigError> {
        let n = t.opt_count(key)?.unwrap_or(default);
        if n == 0 {
            let v = t.req(key)?;
            return Err(t.src.err(
                &v.span(),
                &t.child(key),
                format!("{key} must be at least 1"),
            ));
        }
        Ok(n)
    };
    let at_most = |key: &str, n: u64, max: u64, why: &str| -> Result<u64, ConfigError> {
        if n > max {
            let v = t.req(key)?;
            return Err(t.src.err(
                &v.span(),
                &t.child(key),
                format!("{key} must be at most {max}{why}, got {n}"),
            ));
        }
        Ok(n)
    };
    let months = at_most(
        "months",
        positive("months", 1)?,
        u64::from(MAX_MONTHS),
        " (100 years)",
    )?;
    let users = at_most(
        "users",
        positive("users", DEFAULT_USERS)?,
        MAX_USERS,
        " per trial (use more trials instead)",
    )?;
    Ok(Simulation {
        trials: positive("trials", DEFAULT_TRIALS)?,
        users,
        months: months as u32,
        seed: t.opt_count("seed")?.unwrap_or(0),
    })
}

/// A rate card; `cache_write` and `cache_read` default to `input` (the same draw).
fn card(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Card, ConfigError> {
    let input = draws.param_req(t, "input", Range::NonNeg)?;
    let cache_write = draws
        .param_opt(t, "cache_write", Range::NonNeg)?
        .unwrap_or(input);
    let cache_read = draws
        .param_opt(t, "cache_read", Range::NonNeg)?
        .unwrap_or(input);
    let output = draws.param_req(t, "output", Range::NonNeg)?;
    Ok(Card {
        input,
        cache_write,
        cache_read,
        output,
    })
}

/// A table that is only a rate card (`[retail]`, `rates`, `burn`).
fn rate_card(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Card, ConfigError> {
    t.allow(&["input", "cache_write", "cache_read", "output"])?;
    card(draws, t)
}

fn card_table(
    draws: &mut Draws,
    parent: &Tbl<'_, '_>,
    key: &str,
) -> Result<Option<Card>, ConfigError> {
    parent.table(key)?.map(|t| rate_card(draws, &t)).transpose()
}

/// Names: `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most 64 characters.
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn checked_name(t: &Tbl<'_, '_>, key: &str) -> Result<String, ConfigError> {
    let s = t.string(key)?;
    if valid_name(s) {
        Ok(s.to_string())
    } else {
        let v = t.req(key)?;
        Err(t.src.err(
            &v.span(),
            &t.child(key),
            format!(
                "invalid name {s:?}: names start with a letter or digit and use only A-Z a-z 0-9 _ . - \
                 (at most 64 characters), so they cannot inject spreadsheet formulas or escape the output folder"
            ),
        ))
    }
}

fn unique_name(
    t: &Tbl<'_, '_>,
    seen: &mut HashSet<String>,
    what: &str,
) -> Result<String, ConfigError> {
    let name = checked_name(t, "name")?;
    if !seen.insert(name.clone()) {
        let v = t.req("name")?;
        return Err(t.src.err(
            &v.span(),
            &t.child("name"),
            format!("duplicate {what} name `{name}`: each {what} needs its own name"),
        ));
    }
    Ok(name)
}

/// Parses one distribution written as `x = { dist = "...", ... }` (or a plain number), with no
/// range restriction: for tests and tools. Returns the spec and the trial-level draws its
/// parameters need, in draw order.
///
/// # Errors
/// As [`parse`].
#[cfg(test)]
pub fn parse_distribution(
    text: &str,
) -> Result<(crate::model::PerUser, Vec<crate::model::Slot>), ConfigError> {
    let src = Src::new("<distribution>", text);
    let doc = DeTable::parse(text).map_err(|e| {
        src.err(
            &e.span().unwrap_or(0..0),
            "",
            format!("malformed TOML: {}", e.message().trim()),
        )
    })?;
    let root = Tbl::root(&src, &doc);
    root.allow(&["x"])?;
    let mut draws = Draws::default();
    let v = root.req("x")?;
    let spec = draws.per_user(&src, v, "x", Range::Any)?;
    Ok((spec, draws.slots))
}
