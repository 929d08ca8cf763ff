//! `kith export ics`: the check-ins, promises and celebrations of the next weeks as an
//! iCalendar file, on stdout or into `-o FILE` (only over a calendar kith exported).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::Config;
use crate::core::calendar::ics::Alarm;
use crate::core::dates::ymd;
use crate::core::render::plural;
use crate::report;
use crate::write::{self, Durability, Outcome};

/// What `kith export ics` was asked for.
#[derive(Debug, Clone, Default)]
pub struct IcsRequest {
    pub weeks: Option<u16>,
    pub alarm: Option<Alarm>,
    /// `-o FILE` as typed (`-` is stdout).
    pub output: Option<PathBuf>,
}

pub fn ics(config: &Config, cwd: &Path, request: IcsRequest) -> anyhow::Result<ExitCode> {
    let vault = crate::index::model(config)?;
    // The flags, else `[export]` in kith.toml.
    let weeks = request.weeks.unwrap_or(config.export.weeks);
    let alarm = request.alarm.or(config.export.alarm);
    let started = std::time::Instant::now();
    let exported = crate::export::render(config, &vault, weeks, alarm);
    report::detail(
        config,
        format_args!("calendar made in {:?}", started.elapsed()),
    );
    super::release(vault);
    let events = plural(exported.events as i64, "event");
    let Some(output) = request.output.filter(|o| o.as_os_str() != "-") else {
        super::write_stdout(&mut std::io::stdout().lock(), &exported.text)?;
        report::note(
            config,
            format_args!(
                "{events}, {} to {}",
                ymd(exported.first),
                ymd(exported.last)
            ),
        );
        return Ok(ExitCode::SUCCESS);
    };
    // Relative to where kith runs, as any command's output file is.
    let shown = output.display().to_string();
    let path = cwd.join(&output);
    match write::write_calendar(
        &config.vault,
        &path,
        &shown,
        &exported.text,
        Durability::Synced,
    ) {
        Ok(Outcome::Written) => report::note(config, format_args!("wrote {events} to {shown}")),
        Ok(Outcome::Unchanged) => {
            report::note(config, format_args!("{shown} is up to date ({events})"));
        }
        Err(err) => {
            report::error(err);
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
