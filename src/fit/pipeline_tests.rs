//! The whole fit of small panels (after the fit-statistics API lands).
