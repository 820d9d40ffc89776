//! Scenario files: TOML text -> validated [`Scenario`].
//!
//! The file is parsed into toml's spanned tree and read field by field ([`reader`]), so every
//! error names the file, line:column and field path, unknown fields are refused with a
//! suggestion, and numbers may be given as distribution tables at any depth ([`dist`]). The
//! model never sees TOML. A missing required field does not stop the reading: every one is
//! reported at once ([`ConfigErrors`]); any other problem does.

mod commitment;
mod correlation;
pub mod dist;
mod field_path;
mod file;
mod market;
mod numbers;
pub mod overrides;
mod plan;
pub(crate) mod population;
mod precision;
mod prices;
pub mod reader;
mod segment;
pub mod sweep;

use std::collections::HashSet;

use toml::de::DeTable;

use self::dist::{Draws, Range};
pub(crate) use self::file::read_text;
pub use self::file::{load, load_with, source_name};
pub use self::overrides::Override;
pub use self::precision::cli_override as precision_override;
use self::reader::{Src, Tbl};
use crate::dist::Param;
use crate::error::{ConfigError, ConfigErrors};
use crate::model::{Card, Cost, MAX_MONTHS, MAX_USERS, PlanSpec, Scenario, Segment, Simulation};

/// Default number of trials.
pub const DEFAULT_TRIALS: u64 = 1000;
/// Default users per trial.
pub const DEFAULT_USERS: u64 = 10_000;

/// Parses and validates scenario text; `file` names it in errors.
///
/// # Errors
/// Every missing required field, or the first other problem found (see [`ConfigErrors`]),
/// with its location.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ConfigErrors> {
    parse_with(text, file, &[])
}

/// Parses scenario text, applies `overrides` to the parsed tree in order (a later one wins),
/// then validates the result, so an overridden value gets the same checks as the file's.
///
/// # Errors
/// As [`parse`]: a problem in the file with its line and column; in an override, with its
/// [`ConfigError::origin`].
pub fn parse_with(
    text: &str,
    file: &str,
    overrides: &[Override],
) -> Result<Scenario, ConfigErrors> {
    let src = Src::with_overrides(file, text, overrides);
    let mut doc = DeTable::parse(text).map_err(|e| malformed(&src, &e))?;
    overrides::apply(&src, doc.get_mut(), overrides)?;
    if let Some((key, _)) = doc.get_ref().get_key_value("sweep") {
        return Err(src
            .err(
                &key.span(),
                "sweep",
                "a scenario with [[sweep]] tables is several scenarios: read it with \
                 config::sweep::load_points or parse_points (as plansim run and check do)",
            )
            .into());
    }
    let read = build(&src, &doc);
    src.finish(read)
}

/// The error for text that is not TOML; a value written with a currency symbol (`$20`) gets a
/// hint.
fn malformed(src: &Src<'_>, e: &toml::de::Error) -> ConfigError {
    let span = e.span().unwrap_or(0..0);
    let mut msg = format!("malformed TOML: {}", e.message().trim());
    let at = src.text.get(span.start..).unwrap_or("");
    if let Some(symbol) = at.chars().next().filter(|c| "$€£¥".contains(*c)) {
        msg.push_str("; write amounts as plain numbers, without a currency symbol");
        let written: String = at[symbol.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | ','))
            .collect();
        if written.starts_with(|c: char| c.is_ascii_digit()) {
            let amount = written.replace(',', "");
            msg.push_str(&format!(": `{amount}`, not `{symbol}{written}`"));
        }
    }
    src.err(&span, "", msg)
}

/// Reads the scenario; `None` when a required field is missing (each recorded in `src`).
fn build(src: &Src<'_>, doc: &toml::Spanned<DeTable<'_>>) -> Result<Option<Scenario>, ConfigError> {
    let root = Tbl::root(src, doc);
    root.allow(&[
        "name",
        "description",
        "simulation",
        "retail",
        "cost",
        "segment",
        "plan",
        "market",
        "correlation",
        "population",
    ])?;
    let name = checked_name(&root, "name")?;
    let description = root.opt_string("description")?.map(str::to_string);
    let mut simulation = simulation(&root)?;
    let mut draws = Draws::default();

    let retail = match root.need_table("retail")? {
        Some(t) => retail(&mut draws, &t)?,
        None => None,
    };
    let cost = match root.need_table("cost")? {
        Some(t) => cost(&mut draws, &t)?,
        None => None,
    };
    // `[population]` (the export's users) or `[[segment]]`s, read in the segments' place.
    let population = population::read(&mut draws, &root, &mut simulation)?;
    let segments = match &population {
        Some(p) => p.as_ref().map(|p| p.segments.clone()),
        None => segments(&mut draws, &root)?,
    };
    let plans = plans(&mut draws, &root)?;
    let market = market::market(&mut draws, &root)?;

    let (Some(name), Some((retail, retail_decline)), Some(cost), Some(segments), Some(plans)) =
        (name, retail, cost, segments, plans)
    else {
        return Ok(None);
    };
    if let Some(Some(p)) = &population {
        population::check(&root, p, &market, &plans)?;
    }
    market::check(&root, &simulation, &market, &segments, &plans)?;
    segment::check_outcome(&root, &segments, &plans)?;
    let correlation = correlation::read(&root, &draws.slots)?;
    Ok(Some(Scenario {
        name,
        description,
        simulation,
        retail,
        retail_decline,
        cost,
        segments,
        plans,
        market,
        slots: draws.slots,
        correlation,
        population: population.flatten().map(|p| p.replay),
    }))
}

/// `[retail]`: the list card at month 0 and its annual decline.
fn retail(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<(Card, Param)>, ConfigError> {
    allow_card_and(t, &["annual_decline"])?;
    let card = card(draws, t)?;
    let annual_decline = draws.param_or(t, "annual_decline", Range::Unit, 0.0)?;
    Ok(card.map(|card| (card, annual_decline)))
}

/// `[cost]`: a rate card and the costs beyond tokens.
fn cost(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<Cost>, ConfigError> {
    allow_card_and(
        t,
        &[
            "annual_decline",
            "per_user_month",
            "payment_fee_rate",
            "payment_fee_fixed",
            "discount_rate",
        ],
    )?;
    let card = card(draws, t)?;
    let annual_decline = draws.param_or(t, "annual_decline", Range::Unit, 0.0)?;
    let per_user_month = draws.param_or(t, "per_user_month", Range::NonNeg, 0.0)?;
    let payment_fee_rate = draws.param_or(t, "payment_fee_rate", Range::Unit, 0.0)?;
    let payment_fee_fixed = draws.param_or(t, "payment_fee_fixed", Range::NonNeg, 0.0)?;
    let discount_rate = draws.param_or(t, "discount_rate", Range::UnitBelowOne, 0.0)?;
    Ok(card.map(|card| Cost {
        card,
        annual_decline,
        per_user_month,
        payment_fee_rate,
        payment_fee_fixed,
        discount_rate,
    }))
}

/// The `[[segment]]`s, their shares checked to sum to 1 (within 1e-6) and scaled to sum to 1
/// exactly; the check waits for every share to be read.
fn segments(draws: &mut Draws, root: &Tbl<'_, '_>) -> Result<Option<Vec<Segment>>, ConfigError> {
    let tables = root.tables("segment")?;
    if tables.is_empty() {
        root.src.record_missing(
            root.err("the scenario needs at least one [[segment]] (or a [population])"),
        );
        return Ok(None);
    }
    let mut seen = HashSet::new();
    let mut read = Vec::new();
    for t in tables {
        read.push(segment::segment(draws, t, &mut seen)?);
    }
    let Some(mut segments) = read.into_iter().collect::<Option<Vec<_>>>() else {
        return Ok(None);
    };
    let total: f64 = segments.iter().map(|s| s.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        let shares: Vec<String> = segments
            .iter()
            .map(|s| format!("{} {}", s.name, s.share))
            .collect();
        return Err(root.src.err(
            &root.get("segment").map(|v| v.span()).unwrap_or(0..0),
            "segment",
            format!(
                "segment shares must sum to 1 (within 1e-6), but they sum to {total}: {}",
                shares.join(" + ")
            ),
        ));
    }
    for s in &mut segments {
        s.share /= total;
    }
    Ok(Some(segments))
}

/// The `[[plan]]`s.
fn plans(draws: &mut Draws, root: &Tbl<'_, '_>) -> Result<Option<Vec<PlanSpec>>, ConfigError> {
    let tables = root.tables("plan")?;
    if tables.is_empty() {
        root.src
            .record_missing(root.err("the scenario needs at least one [[plan]]"));
        return Ok(None);
    }
    let mut seen = HashSet::new();
    let mut read = Vec::new();
    for t in tables {
        read.push(plan::plan(draws, t, &mut seen)?);
    }
    Ok(read.into_iter().collect())
}

fn simulation(root: &Tbl<'_, '_>) -> Result<Simulation, ConfigError> {
    let Some(t) = root.table("simulation")? else {
        return Ok(Simulation {
            trials: DEFAULT_TRIALS,
            users: DEFAULT_USERS,
            months: 1,
            seed: 0,
            precision: None,
        });
    };
    t.allow(&["trials", "users", "months", "seed", "precision"])?;
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
        precision: precision::precision(&t)?,
    })
}

/// A rate card; `cache_write` and `cache_read` default to `input` (the same draw). `None` when
/// `input` or `output` is missing.
fn card(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<Card>, ConfigError> {
    let input = draws.param_need(t, "input", Range::NonNeg)?;
    let cache_write = draws.param_opt(t, "cache_write", Range::NonNeg)?;
    let cache_read = draws.param_opt(t, "cache_read", Range::NonNeg)?;
    let output = draws.param_need(t, "output", Range::NonNeg)?;
    let (Some(input), Some(output)) = (input, output) else {
        return Ok(None);
    };
    Ok(Some(Card {
        input,
        cache_write: cache_write.unwrap_or(input),
        cache_read: cache_read.unwrap_or(input),
        output,
    }))
}

/// The keys of a rate card, in the order messages list them.
const CARD_KEYS: [&str; 4] = ["input", "cache_write", "cache_read", "output"];

/// Refuses any key of `t` that is neither a rate card's nor in `extra`.
fn allow_card_and(t: &Tbl<'_, '_>, extra: &[&str]) -> Result<(), ConfigError> {
    let keys: Vec<&str> = CARD_KEYS.iter().chain(extra).copied().collect();
    t.allow(&keys)
}

/// A table that is only a rate card (`rates`, `burn`).
fn rate_card(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<Card>, ConfigError> {
    t.allow(&CARD_KEYS)?;
    card(draws, t)
}

/// Names: `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most 64 characters.
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The name in `t`'s field `key`, or `None` when missing (recorded).
fn checked_name(t: &Tbl<'_, '_>, key: &str) -> Result<Option<String>, ConfigError> {
    let Some(v) = t.need(key) else {
        return Ok(None);
    };
    let s = reader::as_str(t.src, v, &t.child(key))?;
    if valid_name(s) {
        Ok(Some(s.to_string()))
    } else {
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

/// The name of a segment or plan (`what`), not in `seen`; `None` when missing (recorded).
fn unique_name(
    t: &Tbl<'_, '_>,
    seen: &mut HashSet<String>,
    what: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(name) = checked_name(t, "name")? else {
        return Ok(None);
    };
    if !seen.insert(name.clone()) {
        let v = t.req("name")?;
        return Err(t.src.err(
            &v.span(),
            &t.child("name"),
            format!("duplicate {what} name `{name}`: each {what} needs its own name"),
        ));
    }
    Ok(Some(name))
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
