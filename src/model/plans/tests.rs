//! The plan registry's own checks: every kind's declared fields are well-formed, build with
//! every field present or only the required ones, and resolve into a rule.

use super::schema::{FieldKind, FieldValue, Need};
use super::*;
use crate::model::rates::Card;
/// Asserts that `b` bills every `metered` amount exactly as `a` does (bill and served share,
/// bit for bit, from a fresh account), under price and rate factors of 1, moved, and 0.
pub(super) fn assert_same_bills(a: &impl Billing, b: &impl Billing, metered: &[f64]) {
    let mix = Mix::new(40.0, 0.8, 0.03);
    for &metered in metered {
        for (price_factor, rate_factor) in [(1.0, 1.0), (0.8, 1.3), (0.0, 0.5), (1.2, 0.0)] {
            let usage = Usage {
                output_tokens: metered,
                mix: &mix,
                metered,
                price_factor,
                rate_factor,
                tasks: 0.0,
                successes: 0.0,
            };
            let x = a.month(&mut Account::default(), usage);
            let y = b.month(&mut Account::default(), usage);
            assert_eq!(
                x.bill.to_bits(),
                y.bill.to_bits(),
                "{metered} {price_factor}"
            );
            assert_eq!(x.served.to_bits(), y.served.to_bits());
        }
    }
}

/// Values for `fields` as the reader gives them: every field present, or only the
/// required ones (defaults filled in, optional ones absent).
fn values(fields: &[Field], all: bool) -> FieldValues {
    let p = Param::Fixed(1.0);
    let card = Card {
        input: p,
        cache_write: p,
        cache_read: p,
        output: p,
    };
    let mut v = FieldValues::default();
    for f in fields {
        let value = match f.kind {
            FieldKind::Param { need, .. } => match need {
                Need::Required => FieldValue::Param(p),
                Need::Default(x) => FieldValue::Param(if all { p } else { Param::Fixed(x) }),
                Need::Optional => FieldValue::OptParam(all.then_some(p)),
            },
            FieldKind::Card { required: true } => FieldValue::Card(card),
            FieldKind::Card { required: false } => FieldValue::OptCard(all.then_some(card)),
            FieldKind::Table { required, fields } => {
                FieldValue::Table((required || all).then(|| values(fields, all)))
            }
            FieldKind::Bands {
                required, fields, ..
            } => FieldValue::Bands((required || all).then(|| vec![values(fields, all); 2])),
            FieldKind::Word { options, default } => FieldValue::Word(if all {
                options[options.len() - 1]
            } else {
                default
            }),
        };
        v.push(f.name, value);
    }
    v
}

/// Names must be unique and must not shadow the keys every plan takes.
fn check_names(fields: &[Field], what: &str) {
    for (i, f) in fields.iter().enumerate() {
        assert!(
            ![
                "name",
                "kind",
                "usage_response",
                "anxiety",
                "external",
                "quality",
                "price_schedule",
                "loyalty",
                "commitment"
            ]
            .contains(&f.name),
            "{what}: `{}` is a key every plan takes",
            f.name
        );
        assert!(
            fields[..i].iter().all(|g| g.name != f.name),
            "{what}: `{}` declared twice",
            f.name
        );
        match f.kind {
            FieldKind::Table { fields, .. } => {
                check_names(fields, &format!("{what}.{}", f.name));
            }
            FieldKind::Bands { bound, fields, .. } => {
                check_names(fields, &format!("{what}.{}", f.name));
                assert!(
                    fields.iter().any(|g| g.name == bound
                        && matches!(
                            g.kind,
                            FieldKind::Param {
                                need: Need::Optional,
                                ..
                            }
                        )),
                    "{what}.{}: the bound `{bound}` must be an optional param of the bands",
                    f.name
                );
            }
            FieldKind::Word { options, default } => {
                assert!(options.contains(&default), "{what}.{}: default", f.name);
            }
            _ => {}
        }
        if let Some(other) = f.needs {
            assert!(
                fields.iter().any(|g| g.name == other),
                "{what}.{}: needs an undeclared `{other}`",
                f.name
            );
        }
    }
}

/// Each registered kind reads exactly its declared fields with the accessor of their
/// declaration, and its `kind` string is the tag run.json writes for it.
#[test]
fn every_kind_builds_from_its_declared_fields() {
    assert_eq!(KIND_NAMES.len(), KINDS.len());
    for (i, k) in KINDS.iter().enumerate() {
        assert_eq!(KIND_NAMES[i], k.name);
        assert!(kind(k.name).is_some_and(|found| std::ptr::eq(found, k)));
        check_names(k.fields, k.name);
        for all in [true, false] {
            let mut v = values(k.fields, all);
            let spec = (k.build)(&mut v);
            assert!(v.is_empty(), "{}: build left fields unread: {v:?}", k.name);
            assert_eq!(spec.name(), k.name);
            let json = serde_json::to_value(&spec).expect("specs serialise");
            assert_eq!(json["kind"], k.name, "serde tag of {}", k.name);
        }
    }
    assert!(kind("free").is_none());
}

/// The smallest kind, registered in a registry of its own: one file's worth of code and
/// one registry line make a kind that builds, resolves and bills through the generated
/// dispatch.
mod one_file_kind {
    use super::super::*;

    /// Free: bills nothing and serves everything.
    #[derive(Clone, Debug, Serialize)]
    pub struct FreeSpec {}

    /// Resolved rule.
    #[derive(Clone, Debug)]
    pub struct Free(Rates);

    impl PlanDesign for FreeSpec {
        const KIND: &'static str = "free";
        const FIELDS: &'static [Field] = &[];
        type Rule = Free;
        fn build(_: &mut FieldValues) -> Self {
            FreeSpec {}
        }
        fn resolve(&self, _: &[f64], retail: &Rates) -> Free {
            Free(*retail)
        }
    }

    impl Billing for Free {
        fn meter(&self) -> &Rates {
            &self.0
        }
        fn month(&self, _: &mut Account, _: Usage<'_>) -> MonthBill {
            MonthBill {
                bill: 0.0,
                served: 1.0,
            }
        }
    }

    plan_kinds! {
        /// Flat rate.
        Flat(flat::FlatSpec),
        /// Free.
        Free(FreeSpec),
    }

    struct Bill<'a>(Usage<'a>);

    impl RuleVisitor for Bill<'_> {
        type Out = MonthBill;
        fn visit<B: Billing>(self, rule: &B) -> MonthBill {
            rule.month(&mut rule.open(0.5), self.0)
        }
    }

    #[test]
    fn a_new_kind_is_one_file_and_one_registry_line() {
        assert_eq!(KIND_NAMES, ["flat", "free"]);
        let free = &KINDS[1];
        assert_eq!((free.name, free.fields.len()), ("free", 0));
        let spec = (free.build)(&mut FieldValues::default());
        assert_eq!(spec.name(), "free");
        assert!(
            !spec.bills_at_retail(),
            "a kind bills at its own prices by default"
        );
        let json = serde_json::to_string(&spec).expect("specs serialise");
        assert_eq!(json, r#"{"kind":"free"}"#);
        let rule = spec.resolve(&[], &Rates::default());
        let mix = Mix::new(2.0, 0.5, 0.1);
        let usage = Usage {
            output_tokens: 1e6,
            mix: &mix,
            metered: 12.0,
            price_factor: 1.0,
            rate_factor: 1.0,
            tasks: 0.0,
            successes: 0.0,
        };
        let mb = rule.visit(Bill(usage));
        assert_eq!((mb.bill, mb.served), (0.0, 1.0));
        assert_eq!(rule.month(&mut Account::default(), usage), mb);
    }
}

#[test]
fn usage_counts_prompt_tokens_from_the_mix() {
    let mix = Mix::new(10.0, 0.5, 0.2);
    let u = Usage {
        output_tokens: 3.0,
        mix: &mix,
        metered: 0.0,
        price_factor: 1.0,
        rate_factor: 1.0,
        tasks: 0.0,
        successes: 0.0,
    };
    assert_eq!(u.input_tokens(), 3.0 * mix.input);
    assert_eq!(u.cache_read_tokens(), 3.0 * mix.cache_read);
    assert_eq!(u.cache_write_tokens(), 3.0 * mix.cache_write);
}
