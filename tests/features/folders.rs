//! Reading a whole output folder in tests: every file under it with its bytes, by relative
//! path (sweeps' `points/NNN/`, shards' `results/`).

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes, by relative path (`/`-separated); run.json files
/// left out when `csv_only`.
pub fn files(dir: &Path, csv_only: bool) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, csv_only: bool, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{name}/"), csv_only, out);
            } else if !csv_only || name.ends_with(".csv") {
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", csv_only, &mut out);
    out
}
