//! The worker process (forked by the run's [`super::forkserver`]; `stackctl __worker` starts
//! one by hand): reads task frames from stdin, runs each (one at a time) exactly as the inline
//! model does, streams its output and result as frames on stdout, and exits when stdin closes.
//! Its ssh masters live in the shared control directory, whose per-key lock makes every worker
//! reuse one master per hop.
//! SIGINT is ignored (the terminal's Ctrl-C is the top-level process's to handle); SIGTERM
//! stops the running task (its command is killed where it runs, and its result sent), takes no
//! other, and exits 99.

use super::ipc::{self, Frame};
use super::{Event, Status, titles};
use crate::transport::ssh::{SshPool, SshPoolOptions};
use crate::transport::stop::{STOP_WAIT, Stop};
use anyhow::{Context, Result};

/// `stackctl __worker PARENT_PID`.
pub fn main(parent: Option<u32>) -> Result<i32> {
    // End with the fork server (forked) or the top-level process (started by hand).
    if !super::die_with_parent(parent) {
        return Ok(99);
    }
    super::ignore_interrupts();
    titles::worker(None);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let code = rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let (stopping, stop) = Stop::pair();
        let serve = serve(stop);
        tokio::pin!(serve);
        tokio::select! {
            r = &mut serve => return r.map(|()| 0),
            _ = term.recv() => {}
        }
        // The running task ends its command where it runs and reports; no other starts.
        stopping.stop();
        let _ = tokio::time::timeout(STOP_WAIT, serve).await;
        Ok(99)
    });
    rt.shutdown_background();
    code.context("worker")
}

type Input = std::pin::Pin<Box<dyn tokio::io::AsyncRead + Send>>;
type Output = std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>;

/// The task pipes from the parent (stdin, stdout), read and written on this thread: tokio's
/// own stdin and stdout go through a helper thread, two more thread switches per frame. Falls
/// back to those when they are not pipes (a worker started by hand).
fn ipc_pipes() -> std::io::Result<(Input, Output)> {
    use std::os::fd::AsFd;
    use tokio::net::unix::pipe;
    let pipes = || -> std::io::Result<(pipe::Receiver, pipe::Sender)> {
        let r = std::io::stdin().as_fd().try_clone_to_owned()?;
        let w = std::io::stdout().as_fd().try_clone_to_owned()?;
        Ok((
            pipe::Receiver::from_owned_fd(r)?,
            pipe::Sender::from_owned_fd(w)?,
        ))
    };
    Ok(match pipes() {
        Ok((r, w)) => (Box::pin(r), Box::pin(w)),
        Err(_) => (Box::pin(tokio::io::stdin()), Box::pin(tokio::io::stdout())),
    })
}

async fn serve(stop: Stop) -> std::io::Result<()> {
    let (mut input, mut output) = ipc_pipes()?;
    let mut pool: Option<Result<SshPool, String>> = None;
    let mut links = super::mux::Links::default();
    // The parent counts a task's time towards growing the pool only from here on: a worker's
    // own start is not a slow task.
    ipc::write(&mut output, &Frame::Ready).await?;
    while !stop.is_requested()
        && let Some(frame) = ipc::read(&mut input).await?
    {
        let Frame::Task(t) = frame else { continue };
        let task = t.task;
        titles::worker(Some(&task.host));
        if pool.is_none() && !task.plan.masters.is_empty() {
            pool = Some(
                SshPool::new(SshPoolOptions {
                    persist: t.persist,
                    prune: false,
                    // The masters are the mux's to launch (when the run has one).
                    launch: task.mux.is_none(),
                    ..SshPoolOptions::default()
                })
                .map_err(|e| e.to_string()),
            );
        }
        let pool_ref = match &pool {
            Some(Ok(p)) => Ok(p),
            Some(Err(e)) => Err(e.as_str()),
            None => Err("no ssh pool"),
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let index = task.index;
        let mut retried = false;
        let result = loop {
            // The mux establishes the masters; we hold its references while the command runs.
            let lease = match lease(&mut links, &task, pool_ref.ok()).await {
                Ok(lease) => lease,
                Err(unreachable) => break unreachable,
            };
            let result = {
                let run =
                    super::inline::run_task(&task, pool_ref, &tx, t.command_timeout, stop.clone());
                tokio::pin!(run);
                loop {
                    tokio::select! {
                        r = &mut run => break r,
                        Some(ev) = rx.recv() => forward(&mut output, ev).await?,
                    }
                }
            };
            let Some(lease) = lease else {
                break result;
            };
            // The mux vouched for the target's master without asking it, and it was gone: our
            // session never opened, so the command never started. Once, the mux re-establishes
            // it and the task runs again.
            if let Some(gone) = pool_ref.ok().and_then(SshPool::take_gone)
                && !retried
            {
                super::mux::report_dead(&mut links, lease, gone.index, &gone.message).await;
                retried = true;
                continue;
            }
            // Releases the mux's references on the chain, telling it instead of a hop of the
            // chain that died under the task.
            if let (Status::Unreachable, Some(hop)) = (result.status, result.hop) {
                let message = result.error.clone().unwrap_or_default();
                super::mux::report_dead(&mut links, lease, hop, &message).await;
            } else {
                super::mux::release(&mut links, lease);
            }
            break result;
        };
        drop(tx);
        while let Some(ev) = rx.recv().await {
            forward(&mut output, ev).await?;
        }
        let done = Frame::Done {
            task: index,
            result,
        };
        ipc::write(&mut output, &done).await?;
        titles::worker(None);
    }
    if let Some(Ok(p)) = &pool {
        p.finish().await;
    }
    Ok(())
}

/// A lease from the task's mux on its ssh masters (`None` without a mux or masters), which
/// `pool` then takes as alive.
async fn lease(
    links: &mut super::mux::Links,
    task: &super::Task,
    pool: Option<&SshPool>,
) -> Result<Option<super::mux::Lease>, super::Finished> {
    let (Some(sock), false) = (task.mux.as_deref(), task.plan.masters.is_empty()) else {
        super::mux::settle(links).await;
        return Ok(None);
    };
    let started = std::time::Instant::now();
    match super::mux::get(links, sock, &task.plan.masters).await {
        Ok(lease) => {
            if let Some(p) = pool {
                // The mux has just established or vouched for them: no need to ask again.
                p.trust(&task.plan.masters).await;
            }
            Ok(Some(lease))
        }
        Err(e) => Err(super::Finished {
            status: super::Status::Unreachable,
            rc: None,
            hop: Some(e.index),
            error: Some(e.to_string()),
            duration: started.elapsed(),
        }),
    }
}

async fn forward(out: &mut Output, ev: Event) -> std::io::Result<()> {
    match ev {
        Event::Output {
            task,
            stream,
            bytes,
        } => {
            ipc::write(
                out,
                &Frame::Output {
                    task,
                    stream,
                    bytes,
                },
            )
            .await
        }
        // The worker sends its own Done after the task's output; Started is the parent's.
        Event::Done { .. } | Event::Started { .. } => Ok(()),
    }
}
