//! The inline worker model: every task in this process, on one current-thread runtime, at
//! most `forks` at once, sharing one [`SshPool`] (so every host behind a bastion uses the one
//! bastion master; a failed hop fails every host behind it at once). Each task's output is
//! captured by [`EventWriter`]s and reported as events. A task that outlives
//! `--command-timeout`, or every running task on an interrupt, is stopped: its command is
//! killed where it runs (`transport::stop`).

use super::{Binding, Event, Finished, RunOptions, Status, Stream, Task, WorkerModel};
use crate::transport::ssh::{SshPool, SshPoolOptions};
use crate::transport::stop::{Stop, StopHandle};
use crate::transport::stream::{Outcome, UserIo};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;

pub struct InlineWorkerModel {
    opts: RunOptions,
    /// Interrupt: every running task ends its command where it runs; none starts after.
    stopping: StopHandle,
    stop: Stop,
}

impl InlineWorkerModel {
    pub fn new(opts: RunOptions) -> Self {
        let (stopping, stop) = Stop::pair();
        InlineWorkerModel {
            opts,
            stopping,
            stop,
        }
    }
}

impl WorkerModel for InlineWorkerModel {
    fn name(&self) -> &'static str {
        "inline"
    }

    fn on_start(&mut self) -> Result<(), String> {
        super::titles::top();
        Ok(())
    }

    fn binding(&self, _task: &Task) -> Binding {
        Binding { mux: 0 }
    }

    fn run(
        &mut self,
        tasks: Vec<Task>,
        sink: UnboundedSender<Event>,
    ) -> Pin<Box<dyn std::future::Future<Output = ()>>> {
        let opts = self.opts.clone();
        let stop = self.stop.clone();
        Box::pin(async move {
            let pool: Arc<Result<SshPool, String>> =
                Arc::new(if tasks.iter().any(|t| !t.plan.masters.is_empty()) {
                    SshPool::new(SshPoolOptions {
                        persist: opts.persist,
                        ..SshPoolOptions::default()
                    })
                    .map_err(|e| e.to_string())
                } else {
                    Err("no ssh pool".into())
                });
            let gate = Arc::new(Semaphore::new(opts.forks.max(1)));
            let mut set = tokio::task::JoinSet::new();
            for task in tasks {
                let gate = gate.clone();
                let sink = sink.clone();
                let timeout = opts.command_timeout;
                let pool = pool.clone();
                let stop = stop.clone();
                set.spawn(async move {
                    let Ok(_permit) = gate.acquire_owned().await else {
                        return;
                    };
                    if stop.is_requested() {
                        return;
                    }
                    let index = task.index;
                    let _ = sink.send(Event::Started { task: index });
                    let pool = pool.as_ref().as_ref().map_err(String::as_str);
                    let result = run_task(&task, pool, &sink, timeout, stop).await;
                    let _ = sink.send(Event::Done {
                        task: index,
                        result,
                    });
                });
            }
            while set.join_next().await.is_some() {}
            if let Ok(pool) = pool.as_ref() {
                pool.finish().await;
            }
        })
    }

    fn interrupt(&self) -> bool {
        self.stopping.stop();
        true
    }

    fn on_complete(&mut self) {}
}

/// Runs one task's plan with its output sent as events.
pub async fn run_task(
    task: &Task,
    pool: Result<&SshPool, &str>,
    sink: &UnboundedSender<Event>,
    timeout: Option<std::time::Duration>,
    interrupt: Stop,
) -> Finished {
    let start = Instant::now();
    let user = UserIo {
        stdin: None,
        stdout: Box::pin(EventWriter {
            task: task.index,
            stream: Stream::Stdout,
            sink: sink.clone(),
        }),
        stderr: Box::pin(EventWriter {
            task: task.index,
            stream: Stream::Stderr,
            sink: sink.clone(),
        }),
    };
    let stop = interrupt.with_timeout(timeout);
    let outcome = crate::transport::run_plan_until(pool, &task.plan, user, stop.clone()).await;
    let why = if let Some(t) = stop.timed_out() {
        Some(t.to_string())
    } else if stop.is_requested() {
        Some("interrupted".to_string())
    } else {
        None
    };
    let duration = start.elapsed();
    if let Some(why) = why {
        // Ended where it ran (remote process group killed), and failed for this reason.
        return Finished {
            status: Status::Failed,
            rc: None,
            hop: None,
            error: Some(why),
            duration,
        };
    }
    match outcome {
        Outcome::Exited(rc) => Finished {
            status: if rc == 0 { Status::Ok } else { Status::Failed },
            rc: Some(rc),
            hop: None,
            error: None,
            duration,
        },
        Outcome::Hop(e) => Finished {
            status: Status::Unreachable,
            rc: None,
            hop: Some(e.index),
            error: Some(e.to_string()),
            duration,
        },
    }
}

/// An `AsyncWrite` that turns every write into an [`Event::Output`].
pub struct EventWriter {
    pub task: usize,
    pub stream: Stream,
    pub sink: UnboundedSender<Event>,
}

impl tokio::io::AsyncWrite for EventWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let ev = Event::Output {
            task: self.task,
            stream: self.stream,
            bytes: buf.to_vec(),
        };
        match self.sink.send(ev) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
