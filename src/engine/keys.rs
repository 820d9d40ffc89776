//! What decides whether points of a sweep share their users, and which plans they bill alike
//! ([`super::shared`]): parts of each point's scenario written out as JSON (a value drawn per
//! trial written as its slot, `"draw #i"`), with the slots each part draws from. Two points
//! whose parts are written the same, and whose draws of those slots are bit for bit the same in
//! a trial, resolve that part of the trial to the same numbers.

use serde_json::Value;

use crate::model::Scenario;

/// What decides whether two points share their users and which plans they bill alike: parts of
/// the scenario written out (JSON, a drawn value written as its slot), with the slots each
/// part draws from.
pub(crate) struct Keys {
    /// The population: simulation, segments (without `value` and `shock_churn`), mode,
    /// arrivals and the replayed export (`[population]`: its file, options and digest).
    pub(crate) population: String,
    /// The slots the population draws from.
    pub(super) population_draws: Vec<usize>,
    /// Everything but the plans, the slots, the name and the description.
    pub(super) context: String,
    /// The slots the context draws from.
    pub(super) context_draws: Vec<usize>,
    /// Each plan, with the slots it draws from.
    pub(super) plans: Vec<(String, Vec<usize>)>,
}

impl Keys {
    /// The keys of `scn`.
    pub(crate) fn of(scn: &Scenario) -> Keys {
        let mut v = serde_json::to_value(scn).expect("a scenario serialises");
        let obj = v.as_object_mut().expect("a scenario is an object");
        let plans: Vec<Value> = match obj.remove("plans") {
            Some(Value::Array(plans)) => plans,
            _ => Vec::new(),
        };
        for k in ["name", "description", "slots"] {
            obj.remove(k);
        }
        let market = obj.get("market").cloned().unwrap_or(Value::Null);
        let mut segments = obj.get("segments").cloned().unwrap_or(Value::Null);
        for s in segments.as_array_mut().into_iter().flatten() {
            if let Some(s) = s.as_object_mut() {
                for k in ["value", "value_per_retail", "shock_churn"] {
                    s.remove(k);
                }
            }
        }
        let population = serde_json::json!({
            "simulation": obj.get("simulation"),
            "segments": segments,
            "mode": market.get("mode"),
            "new_users_per_month": market.get("new_users_per_month"),
            "max_new_users_per_month": market.get("max_new_users_per_month"),
            "population": obj.get("population"),
        })
        .to_string();
        let context = v.to_string();
        let plans = plans
            .iter()
            .map(|p| {
                let s = p.to_string();
                let d = slots_in(&s);
                (s, d)
            })
            .collect();
        Keys {
            population_draws: slots_in(&population),
            population,
            context_draws: slots_in(&context),
            context,
            plans,
        }
    }
}

/// The slots named in a written-out part (`"draw #i"`, as [`crate::dist::Param`] writes a
/// drawn value).
fn slots_in(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text
        .split("\"draw #")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
