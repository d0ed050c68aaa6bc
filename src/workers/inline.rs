//! The inline worker model: every task in this process, on one current-thread runtime, at
//! most `forks` at once, sharing one [`SshPool`] (so every host behind a bastion uses the one
//! bastion master; a failed hop fails every host behind it at once). Each task's output is
//! captured by [`EventWriter`]s and reported as events; a task that outlives
//! `--command-timeout` is dropped, which kills its local process group.

use super::{Binding, Event, Finished, RunOptions, Status, Stream, Task, WorkerModel};
use crate::transport::ssh::{SshPool, SshPoolOptions};
use crate::transport::stream::{Outcome, UserIo};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;

pub struct InlineWorkerModel {
    pub opts: RunOptions,
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
                set.spawn(async move {
                    let Ok(_permit) = gate.acquire_owned().await else {
                        return;
                    };
                    let index = task.index;
                    let pool = pool.as_ref().as_ref().map_err(String::as_str);
                    let result = run_task(task, pool, &sink, timeout).await;
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

    fn on_complete(&mut self) {}
}

/// Runs one task's plan with its output sent as events.
pub async fn run_task(
    task: Task,
    pool: Result<&SshPool, &str>,
    sink: &UnboundedSender<Event>,
    timeout: Option<std::time::Duration>,
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
    let run = crate::transport::run_plan_in(pool, &task.plan, user);
    let outcome = match timeout {
        Some(t) => tokio::time::timeout(t, run).await.ok(),
        None => Some(run.await),
    };
    let duration = start.elapsed();
    match outcome {
        Some(Outcome::Exited(rc)) => Finished {
            status: if rc == 0 { Status::Ok } else { Status::Failed },
            rc: Some(rc),
            hop: None,
            error: None,
            duration,
        },
        Some(Outcome::Hop(e)) => Finished {
            status: Status::Unreachable,
            rc: None,
            hop: Some(e.index),
            error: Some(e.to_string()),
            duration,
        },
        None => Finished {
            status: Status::Failed,
            rc: None,
            hop: None,
            error: Some(format!(
                "command timed out after {}s",
                timeout.map(|t| t.as_secs()).unwrap_or(0)
            )),
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
