//! Running one host's plan in this process, shared by `exec` (one host) and `shell`: the async
//! runtime, raw terminal mode for terminal runs, Ctrl-C/SIGTERM, and the exit status policy
//! (the command's; 255 and the hop named on stderr when a hop failed; 99 when interrupted).

use crate::plan::Plan;
use crate::transport::stop::{STOP_WAIT, Stop};
use crate::transport::stream::{Outcome, UserIo};
use crate::transport::tty::RawTerminal;
use anyhow::{Context, Result};

/// Runs `plan`, keeping ssh masters `persist` seconds after the run; returns the exit status.
pub fn run(plan: &Plan, persist: u64) -> Result<i32> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let raw = if plan.tty { RawTerminal::enter() } else { None };
    let outcome = rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        // Ctrl-C ends our side only, as plain ssh does (see `Stop::channel_only`).
        let (stopping, stop) = Stop::pair();
        let stop = stop.channel_only();
        let run = crate::transport::run_plan_with(
            plan,
            UserIo::process(),
            super::shell::pool_options(persist),
            stop,
        );
        tokio::pin!(run);
        tokio::select! {
            o = &mut run => return Ok::<_, std::io::Error>(Some(o)),
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        // Interrupted: the channel is closed, then we are done.
        stopping.stop();
        let _ = tokio::time::timeout(STOP_WAIT, run).await;
        Ok(None)
    });
    drop(raw);
    // The stdin reader thread may block on the terminal: it must not hold the process open.
    rt.shutdown_background();
    match outcome.context("cannot install signal handlers")? {
        Some(Outcome::Exited(code)) => Ok(code),
        Some(Outcome::Hop(e)) => {
            eprintln!("stackctl: {e}");
            Ok(255)
        }
        None => {
            // execution.md §4: interrupted runs end every child they started and exit 99.
            eprintln!("stackctl: interrupted");
            Ok(99)
        }
    }
}
