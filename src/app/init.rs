//! `plansim init [NAME] [--template T]`: write a commented starter scenario that runs as
//! written. The templates are scenario files in `configs/templates/`, compiled in; the only
//! edit is the scenario's `name`. The file is `NAME.toml` in the current folder, and an existing
//! file of that name is never overwritten.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{InitArgs, Template};
use crate::config;
use crate::error::Error;

impl Template {
    /// The template's own scenario name (the default NAME).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Template::Minimal => "minimal",
            Template::CodingAgent => "coding-agent",
        }
    }

    /// The template's text, a valid scenario named [`Template::name`].
    pub(crate) fn text(self) -> &'static str {
        match self {
            Template::Minimal => include_str!("../../configs/templates/minimal.toml"),
            Template::CodingAgent => include_str!("../../configs/templates/coding-agent.toml"),
        }
    }

    /// The template's text with the scenario named `name` (a [`config::valid_name`], so it
    /// needs no quoting).
    pub(crate) fn render(self, name: &str) -> String {
        let line = |n: &str| format!("\nname = \"{n}\"\n");
        self.text().replacen(&line(self.name()), &line(name), 1)
    }
}

pub(super) fn init_scenario(args: &InitArgs) -> Result<(), Error> {
    let given = args.name.as_deref().unwrap_or(args.template.name());
    // `plansim init pricing.toml` means the file pricing.toml, scenario `pricing`.
    let name = given.strip_suffix(".toml").unwrap_or(given);
    if !config::valid_name(name) {
        return Err(Error::Usage(format!(
            "invalid scenario name {name:?}: names start with a letter or digit and use only \
             A-Z a-z 0-9 _ . - (at most 64 characters)"
        )));
    }
    let path = PathBuf::from(format!("{name}.toml"));
    // create_new: refuses an existing file (or a link of that name) without a race.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{} already exists; plansim init never overwrites a file: give another NAME \
                 or move it away",
                path.display()
            )));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let written = file
        .write_all(args.template.render(name).as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        // Remove the partial file this command created, so a retry is not refused.
        let _ = std::fs::remove_file(&path);
        return Err(Error::io(&path, e));
    }
    let p = path.display();
    println!(
        "wrote {p} (template {}); next: plansim check {p}, then plansim run {p}",
        args.template.name()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Template;
    use crate::config;

    const ALL: [Template; 2] = [Template::Minimal, Template::CodingAgent];

    #[test]
    fn each_template_is_valid_under_its_own_name_and_any_other() {
        for t in ALL {
            assert_eq!(config::parse(t.text(), "t.toml").unwrap().name, t.name());
            for name in ["x", "My_plan.v2-final", &"a".repeat(64)] {
                let scn = config::parse(&t.render(name), "t.toml").unwrap();
                assert_eq!(scn.name, name, "{t:?}");
            }
        }
    }

    /// The templates are the shipped examples with every field written out: same scenario.
    #[test]
    fn templates_match_the_shipped_examples() {
        let shipped = [
            include_str!("../../configs/minimal.toml"),
            include_str!("../../configs/coding-agent.toml"),
        ];
        for (t, text) in ALL.into_iter().zip(shipped) {
            let mut from_template = config::parse(t.text(), "t.toml").unwrap();
            let mut example = config::parse(text, "e.toml").unwrap();
            assert!(from_template.description.is_some(), "{t:?}");
            from_template.description = None;
            example.description = None;
            assert_eq!(
                format!("{from_template:?}"),
                format!("{example:?}"),
                "{t:?}"
            );
        }
    }
}
