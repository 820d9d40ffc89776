//! The fields of a plan kind, declared as plain data: each kind lists its [`Field`]s (name,
//! what the field holds, whether it is required or defaulted) and builds itself from the
//! [`FieldValues`] that the config reader found for them.
//!
//! The declaration is the whole contract between a kind and the reader: the reader
//! ([`crate::config`]) walks the fields in their declared order, which is both the order of the
//! allowed keys in its messages and the order of the per-trial draws (trials.csv's columns and
//! the RNG order), and hands the values to the kind's `build`. Nothing here knows TOML.

use crate::dist::{Param, Range};
use crate::model::rates::Card;

/// One field of a plan kind (or of a sub-table of one).
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Key name in the plan's table.
    pub name: &'static str,
    /// What the field holds.
    pub kind: FieldKind,
    /// A field of the same table without which this one may not be given (it would have no
    /// effect): `tier_mode` needs `tiers`.
    pub needs: Option<&'static str>,
}

/// What a field holds.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind {
    /// A number or a distribution drawn once per trial, in `range`.
    Param {
        /// The values it accepts.
        range: Range,
        /// Required, optional or defaulted.
        need: Need,
    },
    /// A rate card table (`input`, `cache_write`, `cache_read`, `output`).
    Card {
        /// Whether the table must be present.
        required: bool,
    },
    /// A sub-table with fields of its own.
    Table {
        /// Whether the table must be present.
        required: bool,
        /// Its fields, in draw order.
        fields: &'static [Field],
    },
    /// A non-empty array of tables with fields of their own, cut at increasing bounds: every
    /// table but the last has the field `bound` (declared among `fields` as an optional
    /// param), strictly greater than the previous table's for every draw; the last table has
    /// none (it is open above). Tiers are such bands.
    Bands {
        /// Whether the array must be present.
        required: bool,
        /// The name of the field that bounds each table from above.
        bound: &'static str,
        /// Each table's fields, in draw order (table by table).
        fields: &'static [Field],
    },
    /// One of a fixed list of words (strings).
    Word {
        /// The words it accepts.
        options: &'static [&'static str],
        /// Its value when absent (one of `options`).
        default: &'static str,
    },
}

/// Whether a [`FieldKind::Param`] must be given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Need {
    /// Must be present.
    Required,
    /// May be absent (read with [`FieldValues::opt_param`]).
    Optional,
    /// Takes this value when absent.
    Default(f64),
}

impl Field {
    /// A required number or distribution.
    pub const fn param(name: &'static str, range: Range) -> Field {
        Field::number(name, range, Need::Required)
    }
    /// An optional number or distribution, without default.
    pub const fn opt_param(name: &'static str, range: Range) -> Field {
        Field::number(name, range, Need::Optional)
    }
    /// A number or distribution that is `default` when absent.
    pub const fn param_or(name: &'static str, range: Range, default: f64) -> Field {
        Field::number(name, range, Need::Default(default))
    }
    /// A required rate card.
    pub const fn card(name: &'static str) -> Field {
        let kind = FieldKind::Card { required: true };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// An optional rate card.
    pub const fn opt_card(name: &'static str) -> Field {
        let kind = FieldKind::Card { required: false };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// A required sub-table.
    #[allow(dead_code)] // the schema's vocabulary; no kind has a required sub-table yet
    pub const fn table(name: &'static str, fields: &'static [Field]) -> Field {
        let kind = FieldKind::Table {
            required: true,
            fields,
        };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// An optional sub-table.
    pub const fn opt_table(name: &'static str, fields: &'static [Field]) -> Field {
        let kind = FieldKind::Table {
            required: false,
            fields,
        };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// An optional array of bands bounded above by their field `bound`
    /// ([`FieldKind::Bands`]).
    pub const fn opt_bands(
        name: &'static str,
        bound: &'static str,
        fields: &'static [Field],
    ) -> Field {
        let kind = FieldKind::Bands {
            required: false,
            bound,
            fields,
        };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// A word of `options`, `default` when absent.
    pub const fn word_or(
        name: &'static str,
        options: &'static [&'static str],
        default: &'static str,
    ) -> Field {
        let kind = FieldKind::Word { options, default };
        Field {
            name,
            kind,
            needs: None,
        }
    }
    /// The same field, allowed only when the field `other` is given too.
    pub const fn only_with(self, other: &'static str) -> Field {
        Field {
            needs: Some(other),
            ..self
        }
    }
    const fn number(name: &'static str, range: Range, need: Need) -> Field {
        let kind = FieldKind::Param { range, need };
        Field {
            name,
            kind,
            needs: None,
        }
    }
}

/// The value read for one field.
#[derive(Clone, Debug)]
pub enum FieldValue {
    /// A required or defaulted param.
    Param(Param),
    /// An optional param.
    OptParam(Option<Param>),
    /// A required card.
    Card(Card),
    /// An optional card.
    OptCard(Option<Card>),
    /// A sub-table (`None`: an optional table that is absent).
    Table(Option<FieldValues>),
    /// Bands, each table's values in order (`None`: optional bands that are absent).
    Bands(Option<Vec<FieldValues>>),
    /// A word (one of the field's options).
    Word(&'static str),
}

/// The values read for a list of fields, by name.
///
/// A kind's `build` takes each declared field once, with the accessor matching its
/// declaration; any other use is a bug in the kind (it panics, and the schema test of
/// [`super`] catches it for every registered kind).
#[derive(Clone, Debug, Default)]
pub struct FieldValues {
    entries: Vec<(&'static str, FieldValue)>,
}

impl FieldValues {
    /// Records the value of field `name`.
    pub fn push(&mut self, name: &'static str, value: FieldValue) {
        self.entries.push((name, value));
    }

    /// Whether every value has been taken.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of field `name`, without taking it (`None` when it is not recorded).
    pub fn peek(&self, name: &str) -> Option<&FieldValue> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    fn take(&mut self, name: &str) -> FieldValue {
        let i = self
            .entries
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("plan field `{name}` is not declared (or taken twice)"));
        self.entries.swap_remove(i).1
    }

    /// A required or defaulted param.
    pub fn param(&mut self, name: &str) -> Param {
        match self.take(name) {
            FieldValue::Param(p) => p,
            other => mismatch(name, &other),
        }
    }

    /// An optional param.
    pub fn opt_param(&mut self, name: &str) -> Option<Param> {
        match self.take(name) {
            FieldValue::OptParam(p) => p,
            other => mismatch(name, &other),
        }
    }

    /// A required card.
    pub fn card(&mut self, name: &str) -> Card {
        match self.take(name) {
            FieldValue::Card(c) => c,
            other => mismatch(name, &other),
        }
    }

    /// An optional card.
    pub fn opt_card(&mut self, name: &str) -> Option<Card> {
        match self.take(name) {
            FieldValue::OptCard(c) => c,
            other => mismatch(name, &other),
        }
    }

    /// A required sub-table.
    #[allow(dead_code)] // the schema's vocabulary; no kind has a required sub-table yet
    pub fn table(&mut self, name: &str) -> FieldValues {
        self.opt_table(name)
            .unwrap_or_else(|| panic!("required table `{name}` is absent"))
    }

    /// An optional sub-table.
    pub fn opt_table(&mut self, name: &str) -> Option<FieldValues> {
        match self.take(name) {
            FieldValue::Table(t) => t,
            other => mismatch(name, &other),
        }
    }

    /// Optional bands: each table's values, in order.
    pub fn opt_bands(&mut self, name: &str) -> Option<Vec<FieldValues>> {
        match self.take(name) {
            FieldValue::Bands(b) => b,
            other => mismatch(name, &other),
        }
    }

    /// A word.
    pub fn word(&mut self, name: &str) -> &'static str {
        match self.take(name) {
            FieldValue::Word(w) => w,
            other => mismatch(name, &other),
        }
    }
}

fn mismatch(name: &str, value: &FieldValue) -> ! {
    panic!("plan field `{name}` is read with the wrong accessor for its declaration: {value:?}")
}
