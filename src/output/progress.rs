//! The progress bar of a run on many hosts: on stderr, only when stderr is a terminal (nothing
//! at all otherwise, so logs and pipes stay clean). It shows hosts done out of the total, how
//! many failed, and the hosts that have been running longest, and it steps aside while the
//! printer writes a line.

use super::fanout::Printer;
use crate::workers::{Event, Status};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How many of the longest-running hosts are named.
const SLOWEST: usize = 3;

pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    names: Vec<String>,
    failures: usize,
    /// Hosts running now (task index → when a worker took it).
    running: HashMap<usize, Instant>,
}

impl Progress {
    /// How often the running hosts' times are refreshed.
    pub const TICK: Duration = Duration::from_millis(500);

    /// A bar over `names` (the run's hosts, by task index) when stderr is a terminal.
    pub fn new(names: Vec<String>) -> Progress {
        use std::io::IsTerminal;
        let total = names.len() as u64;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} hosts {msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            names,
            failures: 0,
            running: HashMap::new(),
        }
    }

    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Prints an event (with the bar out of the way) and keeps count.
    pub fn show<O: std::io::Write, E: std::io::Write>(
        &mut self,
        printer: &mut Printer<O, E>,
        ev: Event,
    ) {
        let Some(bar) = self.bar.clone() else {
            printer.event(ev);
            return;
        };
        match &ev {
            Event::Started { task } => {
                self.running.insert(*task, Instant::now());
            }
            Event::Done { task, result } => {
                self.running.remove(task);
                if result.status != Status::Ok {
                    self.failures += 1;
                }
                bar.inc(1);
            }
            Event::Output { .. } => {}
        }
        bar.suspend(|| printer.event(ev));
        bar.set_message(self.message(Instant::now()));
    }

    /// Refreshes the running hosts' times.
    pub fn tick(&mut self) {
        if let Some(bar) = &self.bar {
            bar.set_message(self.message(Instant::now()));
        }
    }

    /// `(2 failed) slowest: web03 12s, web07 9s`: the failures, and the hosts running for a
    /// second or more, longest first.
    fn message(&self, now: Instant) -> String {
        let mut parts = Vec::new();
        if self.failures > 0 {
            parts.push(format!("({} failed)", self.failures));
        }
        let mut slow: Vec<(Duration, &str)> = self
            .running
            .iter()
            .map(|(t, since)| {
                let name = self.names.get(*t).map_or("?", String::as_str);
                (now.saturating_duration_since(*since), name)
            })
            .filter(|(d, _)| *d >= Duration::from_secs(1))
            .collect();
        slow.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        if !slow.is_empty() {
            let named: Vec<String> = slow
                .iter()
                .take(SLOWEST)
                .map(|(d, n)| format!("{n} {}s", d.as_secs()))
                .collect();
            parts.push(format!("slowest: {}", named.join(", ")));
        }
        parts.join(" ")
    }

    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_failures_and_the_longest_running_hosts() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut p = Progress {
            bar: None,
            names,
            failures: 0,
            running: HashMap::new(),
        };
        let now = Instant::now();
        let ago = |s: u64| now.checked_sub(Duration::from_secs(s)).unwrap_or(now);
        assert_eq!(p.message(now), "");
        p.running.insert(0, ago(0));
        assert_eq!(p.message(now), "", "under a second is not slow");
        p.running.insert(1, ago(12));
        p.running.insert(2, ago(3));
        p.running.insert(3, ago(9));
        p.running.insert(4, ago(2));
        p.failures = 2;
        assert_eq!(p.message(now), "(2 failed) slowest: b 12s, d 9s, c 3s");
    }
}
