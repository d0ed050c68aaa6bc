//! Whether this machine's CPUs have room for one more worker: the share of CPU time they spent
//! idle since the last look, from `/proc/stat`. The classic model grows its pool only while
//! they do: a task that is slow because the CPUs are saturated gets slower, not faster, from
//! one more process to start and schedule.

use std::time::{Duration, Instant};

/// Below this idle share (over all CPUs) the machine counts as saturated.
const MIN_IDLE: f64 = 0.10;
/// Shorter windows than this give the previous answer (counters tick 100 times a second).
const MIN_WINDOW: Duration = Duration::from_millis(30);

/// Samples `/proc/stat`; where it cannot be read, there is always room.
pub struct CpuRoom {
    last: Option<(Instant, Times)>,
    room: bool,
}

/// Cumulative (idle, total) CPU ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Times {
    idle: u64,
    total: u64,
}

impl Default for CpuRoom {
    fn default() -> Self {
        CpuRoom::new()
    }
}

impl CpuRoom {
    pub fn new() -> CpuRoom {
        CpuRoom {
            last: read().map(|t| (Instant::now(), t)),
            room: true,
        }
    }

    /// True when the CPUs were idle at least [`MIN_IDLE`] of the time since the last window.
    pub fn has_room(&mut self) -> bool {
        let Some((at, before)) = self.last else {
            return true;
        };
        if at.elapsed() < MIN_WINDOW {
            return self.room;
        }
        let Some(now) = read() else {
            return true;
        };
        self.room = idle_share(before, now).is_none_or(|idle| idle >= MIN_IDLE);
        self.last = Some((Instant::now(), now));
        self.room
    }
}

fn read() -> Option<Times> {
    parse(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// The aggregate `cpu` line: user nice system idle iowait irq softirq steal …; idle counts
/// idle and iowait (a CPU waiting on I/O could run a worker).
fn parse(stat: &str) -> Option<Times> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if v.len() < 5 {
        return None;
    }
    Some(Times {
        idle: v[3] + v[4],
        total: v.iter().sum(),
    })
}

/// Idle share between two samples; `None` when no tick passed.
fn idle_share(before: Times, after: Times) -> Option<f64> {
    let total = after.total.checked_sub(before.total)?;
    if total == 0 {
        return None;
    }
    let idle = after.idle.saturating_sub(before.idle);
    Some(idle as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aggregate_line_gives_idle_and_total_ticks() {
        let stat = "cpu  100 5 50 800 20 1 2 3 0 0\ncpu0 50 2 25 400 10 0 1 1 0 0\nintr 1\n";
        assert_eq!(
            parse(stat),
            Some(Times {
                idle: 820,
                total: 981
            })
        );
        assert_eq!(parse("intr 1\n"), None);
        assert_eq!(parse("cpu  1 2 x 4 5\n"), None);
    }

    #[test]
    fn idle_share_is_measured_between_samples() {
        let a = Times {
            idle: 800,
            total: 1000,
        };
        let busy = Times {
            idle: 805,
            total: 1200,
        };
        assert_eq!(idle_share(a, busy), Some(5.0 / 200.0));
        assert_eq!(idle_share(a, a), None);
    }
}
