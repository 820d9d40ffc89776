//! The manifest of an output set: what plansim wrote into an output folder, as the file
//! `.plansim.manifest` inside it, written after every output file is complete.
//!
//! It is plansim's proof of authorship. The pre-run check accepts a folder only when every
//! entry in it is listed in its manifest (or, in a folder written before manifests existed,
//! is one of the six original output files); the old set is deleted entry by entry from its
//! manifest after a swap, so files of an older, larger set go with it; and the repair of a
//! killed run's leftovers removes only what a leftover's manifest lists. A temporary folder
//! holding a manifest is complete. Entries are relative paths (`/`-separated) to files or
//! folders, so a later set may hold subfolders (`points/`); a folder is listed before its
//! contents.
//!
//! The format is text: the line `plansim output set 1`, then one line per entry, `file PATH`
//! or `folder PATH`.

/// The manifest's file name inside an output folder.
pub(super) const MANIFEST: &str = ".plansim.manifest";

const HEADER: &str = "plansim output set 1";

/// A manifest larger than this is not plansim's.
pub(super) const MAX_BYTES: u64 = 1 << 20;

/// What plansim wrote before manifests existed: a folder without a manifest is accepted when
/// it holds only these names, as files. Fixed: later output sets carry their manifest.
const LEGACY: [&str; 6] = [
    "summary.csv",
    "trials.csv",
    "segments.csv",
    "deciles.csv",
    "monthly.csv",
    "run.json",
];

/// What an entry of a set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A regular file.
    File,
    /// A folder, whose contents are listed after it.
    Folder,
}

/// The entries of one output set, in the order they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Manifest {
    entries: Vec<(Kind, String)>,
}

impl Manifest {
    /// A set of plain files.
    pub fn of_files<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Manifest {
            entries: names
                .into_iter()
                .map(|n| (Kind::File, n.to_string()))
                .collect(),
        }
    }

    /// A set of files and folders, in the order they were written (a folder before its
    /// contents).
    pub fn of_entries(entries: Vec<(Kind, String)>) -> Self {
        Manifest { entries }
    }

    /// The set a folder without a manifest may hold.
    pub fn legacy() -> Self {
        Self::of_files(LEGACY)
    }

    /// This set with the file `path` added at its end (unchanged when it lists `path`).
    pub fn with_file(mut self, path: &str) -> Self {
        if self.kind_of(path).is_none() {
            self.entries.push((Kind::File, path.to_string()));
        }
        self
    }

    /// The entries, in the order they were written.
    pub fn entries(&self) -> &[(Kind, String)] {
        &self.entries
    }

    /// What `path` is in this set, if it is in it.
    pub fn kind_of(&self, path: &str) -> Option<Kind> {
        self.entries
            .iter()
            .find(|(_, p)| p == path)
            .map(|(kind, _)| *kind)
    }

    /// The manifest file's text.
    pub fn render(&self) -> String {
        let mut s = format!("{HEADER}\n");
        for (kind, path) in &self.entries {
            let word = match kind {
                Kind::File => "file",
                Kind::Folder => "folder",
            };
            s.push_str(&format!("{word} {path}\n"));
        }
        s
    }

    /// Reads a manifest file's text; `None` when it is not one plansim could have written
    /// (wrong header, an unsafe path, a path twice, a path inside a folder not listed before
    /// it), so that a user's file of that name is never trusted.
    pub fn parse(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut entries: Vec<(Kind, String)> = Vec::new();
        for line in lines {
            let (kind, path) = match line.split_once(' ')? {
                ("file", p) => (Kind::File, p),
                ("folder", p) => (Kind::Folder, p),
                _ => return None,
            };
            let safe = |c: &str| {
                !c.is_empty() && c != "." && c != ".." && !c.chars().any(char::is_control)
            };
            if !path.split('/').all(safe) || path == MANIFEST {
                return None;
            }
            let inside_listed_folder = match path.rsplit_once('/') {
                None => true,
                Some((dir, _)) => entries.iter().any(|(k, p)| *k == Kind::Folder && p == dir),
            };
            if !inside_listed_folder || entries.iter().any(|(_, p)| p == path) {
                return None;
            }
            entries.push((kind, path.to_string()));
        }
        Some(Manifest { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written() {
        let m = Manifest::legacy();
        assert_eq!(Manifest::parse(&m.render()), Some(m));
        let nested = "plansim output set 1\nfile a.csv\nfolder points\nfile points/p.csv\n";
        let m = Manifest::parse(nested).expect("valid");
        assert_eq!(m.kind_of("points"), Some(Kind::Folder));
        assert_eq!(m.kind_of("points/p.csv"), Some(Kind::File));
        assert_eq!(m.render(), nested);
        let added = m.clone().with_file("report.html");
        assert_eq!(added.render(), format!("{nested}file report.html\n"));
        assert_eq!(added.clone().with_file("report.html"), added);
        assert_eq!(Manifest::parse(&added.render()), Some(added));
    }

    #[test]
    fn anything_plansim_would_not_write_is_not_a_manifest() {
        for text in [
            "",
            "plansim output set 1",
            "plansim output set 2\nfile a\n",
            "plansim output set 1\nfile ../a\n",
            "plansim output set 1\nfile /a\n",
            "plansim output set 1\nfile a//b\n",
            "plansim output set 1\nfile .\n",
            "plansim output set 1\nfile a\nfile a\n",
            "plansim output set 1\nfile points/p.csv\n",
            "plansim output set 1\nfile a\nfile a/b\n",
            "plansim output set 1\nlink a\n",
            "plansim output set 1\nfile a\rb\n",
            "plansim output set 1\nfile .plansim.manifest\n",
        ] {
            assert_eq!(Manifest::parse(text), None, "{text:?}");
        }
    }
}
