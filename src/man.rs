//! The manual page, in roff, made with clap_mangen from the clap definitions behind `--help`,
//! so the two never disagree. kith(1) is one page holding every command, each under its own
//! heading (a short manual reads best whole); `kith man COMMAND` gives one command's page,
//! kith-COMMAND(1). It only renders: printing is the command's.

use std::io::Write;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

/// A manual page, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Roff(String),
    /// No command has that name: the commands' names.
    NoSuchCommand(Vec<String>),
}

/// The manual center header of section 1.
const MANUAL: &str = "User Commands";

/// kith(1), or with a command, kith-COMMAND(1).
pub fn page(command: Option<&str>) -> std::io::Result<Page> {
    let mut cli = crate::cli::command().disable_help_subcommand(true);
    cli.build();
    let mut out = Vec::new();
    match command {
        None => whole(&cli, &mut out)?,
        Some(name) => match visible(&cli).find(|sub| sub.get_name() == name) {
            Some(sub) => one(&cli, sub, &mut out)?,
            None => {
                let names = visible(&cli).map(|sub| sub.get_name().to_string());
                return Ok(Page::NoSuchCommand(names.collect()));
            }
        },
    }
    Ok(Page::Roff(tidy(&String::from_utf8_lossy(&out))))
}

/// The page with the string definitions roff writes before each rendered piece kept once:
/// the page is made of many pieces, and they all define the same strings.
fn tidy(page: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::with_capacity(page.len());
    for line in page.lines() {
        let definition = line.starts_with(".ie ") || line.starts_with(".el ");
        if !definition || seen.insert(line) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn visible(cli: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cli.get_subcommands().filter(|sub| !sub.is_hide_set())
}

/// kith(1): the options every command takes, then each command.
fn whole(cli: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = titled(cli, cli, out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    Roff::new().control("SH", ["COMMANDS"]).to_writer(out)?;
    commands(cli, out)?;
    man.render_version_section(out)
}

/// Each command below `parent` under a heading of its own, and the commands below it after
/// it (`kith import vcard` after `kith import`): its synopsis, what it does, its own
/// options and its examples.
fn commands(parent: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    for sub in visible(parent) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        Roff::new().control("SS", [name]).to_writer(out)?;
        // Said once, in OPTIONS, not under every command.
        let sub = sub.clone().mut_args(|arg| {
            let shared =
                arg.is_global_set() || ["help", "version"].contains(&arg.get_id().as_str());
            if shared { arg.hide(true) } else { arg }
        });
        let man = Man::new(sub.clone());
        headless(out, |w| man.render_synopsis_section(w))?;
        Roff::new().control("PP", []).to_writer(out)?;
        headless(out, |w| man.render_description_section(w))?;
        headless(out, |w| man.render_options_section(w))?;
        examples(&sub, out)?;
        commands(&sub, out)?;
    }
    Ok(())
}

/// The page of `cmd` (kith or one of its commands), after its `.TH` title line: written
/// here because clap_mangen drops the empty date (there is none to give), which shifts
/// the footer and header texts one place left.
fn titled(cli: &clap::Command, cmd: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<Man> {
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
    writeln!(
        out,
        ".TH {} 1 \"\" \"{} {}\" \"{MANUAL}\"",
        name.to_uppercase(),
        cli.get_name(),
        cli.get_version().unwrap_or_default()
    )?;
    Ok(Man::new(cmd.clone()))
}

/// kith-COMMAND(1): the command with every option it takes, shared ones included, and the
/// commands below it.
fn one(cli: &clap::Command, sub: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let man = titled(cli, sub, out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    if sub.get_after_help().is_some() {
        Roff::new().control("SH", ["EXAMPLES"]).to_writer(out)?;
        examples(sub, out)?;
    }
    if visible(sub).next().is_some() {
        Roff::new().control("SH", ["COMMANDS"]).to_writer(out)?;
        commands(sub, out)?;
    }
    Roff::new()
        .control("SH", ["SEE ALSO"])
        .text([roman("kith(1)")])
        .to_writer(out)
}

/// A section's body without its `.SH` heading line, to sit under a command's heading. Text
/// lines that begin with a dot are escaped by roff, so only headings start with `.SH`.
fn headless(
    out: &mut Vec<u8>,
    render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut section = Vec::new();
    render(&mut section)?;
    for line in String::from_utf8_lossy(&section).lines() {
        if !line.starts_with(".SH") {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The command's examples (its `after_help`) as `--help` shows them: prose filled, and the
/// indented lines (the examples themselves) line for line, which roff would otherwise fill
/// into one paragraph.
fn examples(sub: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let Some(text) = sub.get_after_help() else {
        return Ok(());
    };
    let mut roff = Roff::new();
    roff.control("PP", []);
    let mut verbatim = false;
    for line in text.to_string().lines() {
        let indented = line.starts_with(char::is_whitespace);
        if indented != verbatim {
            roff.control(if indented { "nf" } else { "fi" }, []);
            verbatim = indented;
        }
        roff.text([roman(line)]);
    }
    if verbatim {
        roff.control("fi", []);
    }
    roff.to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_definitions_are_kept_once() {
        let page = ".TH KITH 1\n.ie a\n.el b\n.SH NAME\nkith\n.ie a\n.el b\n.SH SYNOPSIS\n";
        assert_eq!(
            tidy(page),
            ".TH KITH 1\n.ie a\n.el b\n.SH NAME\nkith\n.SH SYNOPSIS\n"
        );
    }

    #[test]
    fn each_command_is_a_subsection_and_has_a_page_of_its_own() {
        let Ok(Page::Roff(whole)) = page(None) else {
            panic!("kith(1)");
        };
        assert!(whole.contains("\n.SS \"kith show\"\n"), "{whole}");
        let Ok(Page::Roff(show)) = page(Some("show")) else {
            panic!("kith-show(1)");
        };
        assert!(show.starts_with(".TH KITH-SHOW 1 "), "{show}");
        assert!(show.contains("kith(1)"), "{show}");
        let Ok(Page::NoSuchCommand(names)) = page(Some("nope")) else {
            panic!("no page for nope");
        };
        assert!(names.iter().any(|n| n == "man"), "{names:?}");
    }
}
