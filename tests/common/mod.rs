//! Helpers shared by the integration tests.

use std::path::Path;

/// A CSV file as (header, rows), every cell as text.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// Reads a whole CSV file written by plansim.
pub fn read_csv(path: &Path) -> Table {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}
