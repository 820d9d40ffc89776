//! What `plansim fit` found, as the exporters of fit_report.csv and fit_report.html read it.

use super::models::{Fitted, ParamInterval};

/// One fitted quantity (e.g. `output_tokens`, the typical monthly output tokens per user, or
/// `segment.NAME.output_tokens`): the data and every candidate fitted to it.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityFit {
    /// The quantity's name (the first column of fit_report.csv).
    pub quantity: String,
    /// The observations, sorted ascending (one per user).
    pub data: Vec<f64>,
    /// The candidates, in report order (ranked by BIC; the Pareto tail model last).
    pub candidates: Vec<Fitted>,
    /// Index into `candidates` of the one written into the scenario.
    pub chosen: usize,
    /// Bootstrap 90% intervals of the chosen candidate's parameters.
    pub intervals: Vec<ParamInterval>,
}

/// Everything fit_report.csv and fit_report.html show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FitReport {
    /// The usage export as given.
    pub file: String,
    /// The fitted quantities, in order.
    pub quantities: Vec<QuantityFit>,
    /// Notes for the reader (short exports, ceilings, scaled months), one per line.
    pub notes: Vec<String>,
}
