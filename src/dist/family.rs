//! What the config reader needs to know about a distribution, as plain data: its
//! `dist = "..."` name, the keys its table accepts, and how the keys present choose a
//! parametrisation ([`Form`]): which parameters to read with which ranges, which of them must
//! be ordered, and how the values read become a [`Shape`].
//!
//! Each distribution's file declares its [`Family`]; the reader (`config/dist.rs`) is generic
//! over them and the model never sees TOML: the reader calls these functions with plain keys
//! and [`Param`]s.

use super::{DistSpec, Param, Range, Shape};

/// A distribution family as the config reader sees it.
pub(crate) struct Family {
    /// The name in `dist = "..."`.
    pub name: &'static str,
    /// The parameter keys its table accepts, in the order messages and suggestions list them
    /// (the reader adds the modifiers `floor`, `ceiling`, `zero`).
    pub keys: &'static [&'static str],
    /// The parametrisation chosen by the parameter keys present (in file order, modifiers and
    /// a mixture component's `weight` left out). The error is a message about the whole table.
    pub form: fn(present: &[&str]) -> Result<Form, String>,
}

/// One parametrisation: what to read and check, and how to build the shape.
pub(crate) struct Form {
    /// Required parameters, read in this order, with the values each accepts.
    pub params: Vec<(&'static str, Range)>,
    /// A field holding a list of weighted distribution tables (mixtures), read after `params`.
    pub components: Option<&'static str>,
    /// Orders that must hold for every draw, checked in this order after reading.
    pub order: Vec<Order>,
    /// The shape from the values read.
    pub build: fn(Values) -> Shape,
}

/// `lo < hi` (or `lo <= hi`) between two parameters of a [`Form`], for every draw.
pub(crate) struct Order {
    /// The parameter that must be lower.
    pub lo: &'static str,
    /// The parameter that must be higher.
    pub hi: &'static str,
    /// Whether equality is refused.
    pub strict: bool,
    /// Put before the message when the order fails.
    pub context: Option<&'static str>,
}

/// The values read for a [`Form`].
#[derive(Default)]
pub(crate) struct Values {
    /// The parameters, in the order of [`Form::params`].
    pub params: Vec<(&'static str, Param)>,
    /// The weighted components, when the form has them.
    pub components: Vec<(Param, DistSpec)>,
}

impl Values {
    /// The value read for `key` (a key of the form: anything else is a bug).
    pub fn at(&self, key: &str) -> Param {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| *p)
            .expect("a key of the form")
    }
}

impl Form {
    /// Reads `params` in order, then builds.
    pub fn new(params: &[(&'static str, Range)], build: fn(Values) -> Shape) -> Self {
        Form {
            params: params.to_vec(),
            components: None,
            order: Vec::new(),
            build,
        }
    }

    /// Also requires `lo < hi`.
    pub fn lt(self, lo: &'static str, hi: &'static str) -> Self {
        self.ordered(lo, hi, true)
    }

    /// Also requires `lo <= hi`.
    pub fn le(self, lo: &'static str, hi: &'static str) -> Self {
        self.ordered(lo, hi, false)
    }

    fn ordered(mut self, lo: &'static str, hi: &'static str, strict: bool) -> Self {
        self.order.push(Order {
            lo,
            hi,
            strict,
            context: None,
        });
        self
    }
}

/// Every name `dist = "..."` accepts, in the order messages list them: the families of
/// `FAMILIES`, then `empirical` (read by the config reader itself).
pub(crate) fn names() -> Vec<&'static str> {
    super::FAMILIES
        .iter()
        .map(|f| f.name)
        .chain([super::EMPIRICAL])
        .collect()
}

/// `usage` followed by the parameter keys found, for a table matching no parametrisation.
pub(crate) fn found(usage: &str, present: &[&str]) -> String {
    format!("{usage}; found {{{}}}", present.join(", "))
}
