//! `kith init [DIR]`: a commented `kith.toml` and a `People/` folder with one example
//! contact. Refuses to overwrite anything.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::CONFIG_FILE;
use crate::report;

/// The commented config `kith init` writes: every key, at its default.
pub const CONFIG_TEMPLATE: &str = r#"# kith.toml: how kith reads this vault. Every key is optional; these are the defaults.

due_note = "Due this week.md"   # the note kith writes, relative to the vault root
week_start = "monday"           # the first day of the week: any day name
default_tier = "B"              # the tier of contacts whose note names none
log_heading = "Log"             # the section new interactions go under
ignore = []                     # globs relative to the root, e.g. ["Templates/**"]
# index_dir = "..."             # default: $KITH_INDEX_DIR, else the platform cache folder

[contacts]
folders = ["People"]            # notes below these folders are contacts
tags = ["person"]               # so are notes whose `tags` property holds one of these

# Tiers, highest priority first: how often to be in touch.
[tiers.A]
cadence = "6w"
max = 15                        # warn when more active contacts than this are in the tier
[tiers.B]
cadence = "3mo"
[tiers.C]
cadence = "6mo"

[exchange]
ask_tags = ["ask"]              # interactions where you asked for something
give_tags = ["give", "gave"]    # interactions where you gave something
streak = 3                      # warn after this many asks in a row

[introductions]
min_shared = 2                  # shared topics (tags, interests) needed to suggest an introduction
max = 3                         # suggestions per week

[import]
# template = "Templates/Contact.md"   # the note `kith import` makes new contacts from

[export]
# ics = "kith.ics"              # a calendar kith watch keeps fresh (docs/calendar.md); none by default
weeks = 8                       # how many weeks ahead `kith export ics` and that calendar cover
# alarm = "9h"                  # a reminder at this time of each event's day; none by default
"#;

/// The example contact `kith init` writes.
pub const EXAMPLE_PATH: &str = "People/Ada Lovelace.md";
pub const EXAMPLE_CONTACT: &str = r#"---
tier: A
company: Analytical Engines Ltd
role: Mathematician
birthday: 1815-12-10
interests: [mathematics, computing, poetry]
tags: [person]
---
Met at one of Babbage's Saturday soirées. Writes the best notes on the Engine.

## Log

- 2026-10-02 coffee: Talked about the notes on the Analytical Engine; she wants feedback on Note G. #give
- [ ] Send Ada the translation of Menabrea's paper 📅 2026-12-01
"#;

pub fn run(dir: &Path, quiet: bool) -> anyhow::Result<ExitCode> {
    let config = dir.join(CONFIG_FILE);
    let example = dir.join(EXAMPLE_PATH);
    for path in [&config, &example] {
        if std::fs::symlink_metadata(path).is_ok() {
            report::notice(format_args!(
                "{} already exists; kith init does not overwrite anything",
                path.display()
            ));
            return Ok(ExitCode::from(1));
        }
    }
    std::fs::create_dir_all(dir.join("People"))
        .with_context(|| format!("cannot create {}", dir.join("People").display()))?;
    create_new(&config, CONFIG_TEMPLATE)?;
    create_new(&example, EXAMPLE_CONTACT)?;
    if !quiet {
        report::notice(format_args!(
            "wrote {} and {}; now run `kith due` in {}",
            CONFIG_FILE,
            EXAMPLE_PATH,
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates a file that must not exist yet.
fn create_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
