//! What a long run shows while it works (an index update, an import): a progress bar on
//! stderr (only on a terminal, and only once the work has taken more than a second), and the
//! timing of each phase with `-v`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::report;

/// Timings of an update's phases, on stderr with `-v`.
pub struct Phases<'a> {
    config: &'a Config,
    last: Instant,
}

impl<'a> Phases<'a> {
    pub fn new(config: &'a Config) -> Self {
        Self {
            config,
            last: Instant::now(),
        }
    }

    /// Reports the time since the last mark as `what`'s.
    pub fn mark(&mut self, what: &str) {
        if report::verbose(self.config) {
            report::detail(
                self.config,
                format_args!("index update: {what} {:?}", self.last.elapsed()),
            );
            self.last = Instant::now();
        }
    }
}

/// A progress bar on stderr over `total` things (notes, contacts).
pub struct Progress {
    bar: indicatif::ProgressBar,
    what: &'static str,
    unit: &'static str,
    started: Instant,
    enabled: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar for `what` (`reading`, `indexing`) over `total` of `unit` (`notes`).
    pub fn new(config: &Config, what: &'static str, unit: &'static str, total: u64) -> Self {
        use std::io::IsTerminal as _;
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(total);
        Self {
            bar,
            what,
            unit,
            started: Instant::now(),
            enabled: !config.quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    /// One more done.
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            let template = format!(
                "kith: {} {{bar:30}} {{pos}}/{{len}} {}, {{eta}} left",
                self.what, self.unit
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
                self.bar.set_style(style);
            }
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) {
            self.bar.finish_and_clear();
        }
    }
}
