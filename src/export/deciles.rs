//! deciles.csv: "who subsidises whom": users ranked by base demand within each trial.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, per_user};

/// The deciles.csv exporter.
pub struct Deciles;

/// Column names of deciles.csv.
pub const COLUMNS: [&str; 7] = [
    "plan",
    "decile",
    "users",
    "revenue_per_user",
    "cost_per_user",
    "profit_per_user",
    "share_of_profit",
];

/// Users per trial in each demand decile: decile = floor(10 rank / users) + 1.
pub fn decile_sizes(users: u64) -> [u64; 10] {
    let mut n = [0u64; 10];
    for (k, slot) in n.iter_mut().enumerate() {
        // ranks r with floor(10 r / users) = k: r in [ceil(k users / 10), ceil((k+1) users / 10))
        let lo = (k as u64 * users).div_ceil(10);
        let hi = ((k as u64 + 1) * users).div_ceil(10);
        *slot = hi - lo;
    }
    n
}

impl Exporter for Deciles {
    fn file_name(&self) -> &'static str {
        "deciles.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let sizes = decile_sizes(r.scenario.simulation.users);
        for (plan, groups) in r.scenario.plans.iter().zip(&r.results.deciles) {
            let total: f64 = groups.iter().map(|g| g.profit).sum();
            for (k, g) in groups.iter().enumerate() {
                let per = |x: f64| per_user(x, g.users);
                w.write_record([
                    plan.name.clone(),
                    (k + 1).to_string(),
                    sizes[k].to_string(),
                    per(g.revenue),
                    per(g.cost),
                    per(g.profit),
                    if total == 0.0 {
                        String::new()
                    } else {
                        num(g.profit / total)
                    },
                ])?;
            }
        }
        w.flush()
    }
}
