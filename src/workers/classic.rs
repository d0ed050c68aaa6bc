//! The classic worker model (the default for `exec` on several hosts): up to `forks` worker
//! processes, each running one host at a time and fed tasks as frames over its stdin.
//!
//! Workers and multiplexers are forked, not exec'd, but not by this process: `fork` is only
//! sound while no thread exists, and by the time tasks are known the top-level process has an
//! inventory loaded, maybe a stdin thread and vault helpers. They are forked by the run's
//! [`super::forkserver`], exec'd once (`/proc/self/exe __forkserver`, which still works when the
//! binary was replaced on disk during the run) and single-threaded for its whole life: forking
//! it instead of exec'ing this binary per worker took stackctl's own CPU on a warm 50-host run
//! from 73 ms to 44 ms, and its padded argv[0] lets every child carry a `ps` title
//! (`stackctl: worker:<host>`). Every process of the run ends with its parent
//! (`PR_SET_PDEATHSIG(SIGTERM)`), so a top-level process that dies takes the fork server along,
//! and the fork server its children.
//!
//! Workers start on demand, up to `forks`: a few at first (eight per CPU), then one more each
//! time a task has been running another [`GROW_AFTER`] in a worker that is up, while tasks wait
//! and the CPUs have room ([`super::cpu_room`]). Short commands on warm masters are then served
//! by a handful of workers (starting 200 processes to run `true` 200 times cost more than the
//! commands), while slow connections or commands grow the pool geometrically to `forks` within
//! a few tenths of a second.
//!
//! Each multiplexer's socket is bound here and its listening descriptor handed to the mux, so
//! workers can connect before the mux is up (their requests wait in the socket's queue).
//!
//! A worker that dies (crash, SIGKILL) is noticed when its stdout ends before the task's
//! result: that host is reported failed with the reason (its exit status, as the fork server
//! reports it), a new worker takes its place, and the run completes. On interrupt the fork
//! server SIGTERMs every worker and mux; a worker's running task is dropped (killing its
//! process group); the top-level process waits for them.

use super::forkserver::{ForkServer, MuxSpec};
use super::ipc::{self, Frame, TaskFrame};
use super::{Binding, Event, Finished, RunOptions, Status, Task, WorkerModel};
use crate::sync::lock;
use std::collections::VecDeque;
use std::os::unix::net::UnixListener;
use std::os::unix::process::ExitStatusExt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How long a task may run before its slot asks for one more worker.
pub const GROW_AFTER: Duration = Duration::from_millis(50);

/// Workers started before any task has shown whether it is quick: eight per CPU (measured on
/// 50 and 200 warm targets, with forked workers too: fewer leave the masters idle between
/// sessions, more cost more to start than they save).
fn initial_workers() -> usize {
    8 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

pub struct ClassicWorkerModel {
    pub opts: RunOptions,
    /// Tasks not started yet (emptied on interrupt, so no new worker starts).
    queue: Arc<Mutex<VecDeque<Task>>>,
    /// The fork server that forks workers and multiplexers, once the run has started it.
    server: Arc<Mutex<Option<Arc<ForkServer>>>>,
    /// Multiplexer processes (closing their stdin ends them) and the run directory.
    muxes: Arc<Mutex<Vec<Mux>>>,
    run_dir: Option<std::path::PathBuf>,
}

impl ClassicWorkerModel {
    pub fn new(opts: RunOptions) -> Self {
        ClassicWorkerModel {
            opts,
            queue: Arc::new(Mutex::new(VecDeque::new())),
            server: Arc::new(Mutex::new(None)),
            muxes: Arc::new(Mutex::new(Vec::new())),
            run_dir: None,
        }
    }

    /// Binds the multiplexers' sockets in a private run directory: workers can connect at once
    /// (queued until the mux accepts) instead of the run waiting for every mux to start.
    fn bind_muxes(&mut self) -> std::io::Result<Vec<(std::path::PathBuf, UnixListener)>> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = std::env::temp_dir().join(format!(
            "stackctl-run-{}-{}",
            std::process::id(),
            crate::plan::nonce()
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        self.run_dir = Some(dir.clone());
        (0..self.opts.muxes.max(1))
            .map(|i| {
                let path = super::mux::socket(&dir, i);
                listen(&path).map(|l| (path, l))
            })
            .collect()
    }

    /// Drops the tasks not started yet and sends SIGTERM to every live worker (through the fork
    /// server, which reaps them, so no pid can have been reused) and multiplexer.
    pub fn terminate(&self) {
        lock(&self.queue).clear();
        if let Some(server) = lock(&self.server).as_ref() {
            server.terminate_workers();
        }
    }
}

pub(super) fn self_exe() -> std::io::Result<std::path::PathBuf> {
    if std::path::Path::new("/proc/self/exe").exists() {
        Ok(std::path::PathBuf::from("/proc/self/exe"))
    } else {
        std::env::current_exe()
    }
}

/// A listening socket at `path`, with room in its queue for every worker of a large run (the
/// system's largest queue, `net.core.somaxconn`).
fn listen(path: &std::path::Path) -> std::io::Result<std::os::unix::net::UnixListener> {
    let listener = std::os::unix::net::UnixListener::bind(path)?;
    nix::sys::socket::listen(&listener, nix::sys::socket::Backlog::MAXALLOWABLE)
        .map_err(std::io::Error::from)?;
    Ok(listener)
}

impl WorkerModel for ClassicWorkerModel {
    fn name(&self) -> &'static str {
        "classic"
    }

    fn on_start(&mut self) -> Result<(), String> {
        super::titles::top();
        Ok(())
    }

    fn binding(&self, task: &Task) -> Binding {
        Binding {
            mux: super::affinity(task.via.as_ref(), self.opts.muxes),
        }
    }

    fn run(
        &mut self,
        tasks: Vec<Task>,
        sink: UnboundedSender<Event>,
    ) -> Pin<Box<dyn std::future::Future<Output = ()>>> {
        let mut tasks = tasks;
        let mut listeners = Vec::new();
        if tasks.iter().any(|t| !t.plan.masters.is_empty()) {
            match self.bind_muxes() {
                Ok(bound) => {
                    for t in &mut tasks {
                        let b = self.binding(t);
                        t.mux = bound.get(b.mux).map(|(path, _)| path.clone());
                    }
                    listeners = bound.into_iter().map(|(_, l)| l).collect();
                }
                Err(e) => eprintln!(
                    "stackctl: warning: cannot start multiplexers ({e}); workers connect themselves"
                ),
            }
        }
        let slots = self.opts.forks.max(1).min(tasks.len());
        let timeout = self.opts.command_timeout;
        let persist = self.opts.persist;
        let queue = self.queue.clone();
        let outstanding = Outstanding {
            left: Arc::new(std::sync::atomic::AtomicUsize::new(tasks.len())),
            muxes: self.muxes.clone(),
        };
        lock(&queue).extend(tasks);
        let server_slot = self.server.clone();
        let muxes = self.muxes.clone();
        let spec = |index| MuxSpec {
            index,
            dir: self.run_dir.clone().unwrap_or_default(),
            max_startups: self.opts.max_startups,
            max_idle: self.opts.max_idle,
            persist_secs: self.opts.persist.as_secs(),
        };
        let specs: Vec<MuxSpec> = (0..listeners.len()).map(spec).collect();
        Box::pin(async move {
            let server = match ForkServer::start() {
                Ok(s) => {
                    let s = Arc::new(s);
                    *lock(&server_slot) = Some(s.clone());
                    Ok(s)
                }
                Err(e) => Err(e.to_string()),
            };
            // A mux that cannot start fails the hosts bound to it (their socket is gone).
            for (spec, listener) in specs.iter().zip(listeners) {
                let started = match &server {
                    Ok(server) => server
                        .spawn_mux(spec, &listener)
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.clone()),
                };
                match started {
                    Ok((pid, stdin)) => lock(&muxes).push(Mux {
                        pid,
                        stdin: Some(stdin),
                    }),
                    Err(e) => {
                        eprintln!("stackctl: cannot start multiplexer {}: {e}", spec.index);
                        let _ = std::fs::remove_file(super::mux::socket(&spec.dir, spec.index));
                    }
                }
            }
            let (grow, mut wants_more) = tokio::sync::mpsc::unbounded_channel();
            let start = |set: &mut tokio::task::JoinSet<()>| {
                set.spawn(slot(
                    server.clone(),
                    queue.clone(),
                    sink.clone(),
                    outstanding.clone(),
                    grow.clone(),
                    timeout,
                    persist,
                ));
            };
            let mut set = tokio::task::JoinSet::new();
            let mut room = super::cpu_room::CpuRoom::new();
            let mut started = slots.min(initial_workers());
            for _ in 0..started {
                start(&mut set);
            }
            loop {
                tokio::select! {
                    Some(()) = wants_more.recv() => {
                        let waiting = !lock(&queue).is_empty();
                        if waiting && started < slots && room.has_room() {
                            started += 1;
                            start(&mut set);
                        }
                    }
                    joined = set.join_next() => {
                        if joined.is_none() {
                            break;
                        }
                    }
                }
            }
        })
    }

    fn interrupt(&self) -> bool {
        self.terminate();
        true
    }

    fn on_complete(&mut self) {
        // Closing a mux's stdin ends it; one that ended before is reported (its hosts were
        // reported unreachable, naming the multiplexer, when they asked it for connections).
        // The fork server waits for every mux and worker before it ends.
        let server = lock(&self.server).take();
        for (i, m) in lock(&self.muxes).drain(..).enumerate() {
            // Closed when the last result came, a mux ends normally before this.
            let unexpected = |s: &std::process::ExitStatus| m.stdin.is_some() || !s.success();
            if let Some(status) = server
                .as_ref()
                .and_then(|s| s.ended(m.pid))
                .filter(unexpected)
            {
                let how = match status.signal() {
                    Some(sig) => format!("killed by signal {sig}"),
                    None => format!("exited with status {}", status.code().unwrap_or(-1)),
                };
                eprintln!("stackctl: multiplexer {i} (process {}) {how}", m.pid);
            }
            drop(m.stdin);
        }
        if let Some(server) = server {
            server.finish();
        }
        if let Some(dir) = self.run_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A multiplexer the fork server started.
struct Mux {
    pid: u32,
    /// The write end of its stdin: closing it ends the mux (`None` once closed).
    stdin: Option<std::os::fd::OwnedFd>,
}

/// Counts the tasks without a result; the last one's result closes the multiplexers, so
/// that they wind down while the workers end rather than after (a mux still waits for the
/// connections of workers that hold references, see `mux::main`).
#[derive(Clone)]
struct Outstanding {
    left: Arc<std::sync::atomic::AtomicUsize>,
    muxes: Arc<Mutex<Vec<Mux>>>,
}

impl Outstanding {
    fn done(&self, sink: &UnboundedSender<Event>, task: usize, result: Finished) {
        let _ = sink.send(Event::Done { task, result });
        if self.left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            for m in lock(&self.muxes).iter_mut() {
                m.stdin = None;
            }
        }
    }
}

fn next(queue: &Mutex<VecDeque<Task>>) -> Option<Task> {
    lock(queue).pop_front()
}

fn failed(reason: String) -> Finished {
    Finished {
        status: Status::Failed,
        rc: None,
        hop: None,
        error: Some(reason),
        duration: Duration::ZERO,
    }
}

/// One worker slot: runs tasks from the queue in a worker process, replacing it if it dies.
async fn slot(
    server: Result<Arc<ForkServer>, String>,
    queue: Arc<Mutex<VecDeque<Task>>>,
    sink: UnboundedSender<Event>,
    outstanding: Outstanding,
    grow: UnboundedSender<()>,
    timeout: Option<Duration>,
    persist: Duration,
) {
    let mut pending = next(&queue);
    while let Some(task) = pending.take() {
        let started = match &server {
            Ok(server) => server
                .spawn_worker()
                .await
                .map(|w| (server, w))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        let (server, worker) = match started {
            Ok(started) => started,
            Err(e) => {
                outstanding.done(
                    &sink,
                    task.index,
                    failed(format!("cannot start a worker process: {e}")),
                );
                pending = next(&queue);
                continue;
            }
        };
        let pid = worker.pid;
        let (stdin, mut stdout) = (worker.stdin, worker.stdout);
        // Feed this worker until it dies or the queue is empty; closing stdin ends it.
        let mut stdin = Some(stdin);
        let mut ready = false;
        let mut current = Some(task);
        let mut died = false;
        while let Some(task) = current.take() {
            let index = task.index;
            let host = task.host.clone();
            let _ = sink.send(Event::Started { task: index });
            let frame = Frame::Task(Box::new(TaskFrame {
                task,
                command_timeout: timeout,
                persist,
            }));
            let mut done = false;
            let wrote = match stdin.as_mut() {
                Some(w) => ipc::write(w, &frame).await.is_ok(),
                None => false,
            };
            if wrote {
                // A timer beside the reads (a read must not be cancelled half way), from when
                // the worker is up: under load a new worker's start alone can take longer, and
                // counting it would spawn more workers, which load the machine further.
                let start_timer = || {
                    let grow = grow.clone();
                    tokio::spawn(async move {
                        let first = tokio::time::Instant::now() + GROW_AFTER;
                        let mut tick = tokio::time::interval_at(first, GROW_AFTER);
                        loop {
                            tick.tick().await;
                            if grow.send(()).is_err() {
                                break;
                            }
                        }
                    })
                };
                let mut timer = ready.then(start_timer);
                loop {
                    match ipc::read(&mut stdout).await {
                        Ok(Some(Frame::Ready)) => {
                            ready = true;
                            timer.get_or_insert_with(start_timer);
                        }
                        Ok(Some(Frame::Output {
                            task,
                            stream,
                            bytes,
                        })) => {
                            let _ = sink.send(Event::Output {
                                task,
                                stream,
                                bytes,
                            });
                        }
                        Ok(Some(Frame::Done { task, result })) => {
                            outstanding.done(&sink, task, result);
                            done = true;
                            break;
                        }
                        Ok(Some(Frame::Task(_))) => {}
                        Ok(None) | Err(_) => break,
                    }
                }
                if let Some(t) = timer {
                    t.abort();
                }
            }
            if !done {
                died = true;
                stdin = None;
                let status = server.wait(pid).await;
                let how = match status {
                    Some(s) if s.signal().is_some() => {
                        format!("killed by signal {}", s.signal().unwrap_or(0))
                    }
                    Some(s) => format!("exited with status {}", s.code().unwrap_or(-1)),
                    None => "vanished".to_string(),
                };
                outstanding.done(
                    &sink,
                    index,
                    failed(format!("worker process {pid} running {host} {how}")),
                );
                break;
            }
            current = next(&queue);
        }
        if !died {
            drop(stdin.take());
            let _ = server.wait(pid).await;
        }
        if died {
            pending = next(&queue);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a mux would read on its stdin now: `None` while the top-level process holds it
    /// open and silent, `Some(0)` at its end.
    fn read_now(r: &std::os::fd::OwnedFd) -> Option<usize> {
        let mut buf = [0u8; 8];
        nix::unistd::read(r, &mut buf).ok()
    }

    #[test]
    fn the_last_result_closes_the_multiplexers() {
        use nix::fcntl::OFlag;
        let (r, w) = nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).expect("pipe");
        let outstanding = Outstanding {
            left: Arc::new(std::sync::atomic::AtomicUsize::new(2)),
            muxes: Arc::new(Mutex::new(vec![Mux {
                pid: 0,
                stdin: Some(w),
            }])),
        };
        let (sink, mut events) = tokio::sync::mpsc::unbounded_channel();
        outstanding.done(&sink, 0, failed("first".into()));
        assert_eq!(read_now(&r), None, "open after the first of two results");
        outstanding.done(&sink, 1, failed("second".into()));
        assert_eq!(read_now(&r), Some(0), "closed after the last result");
        let mut reported = Vec::new();
        while let Ok(Event::Done { task, .. }) = events.try_recv() {
            reported.push(task);
        }
        assert_eq!(reported, vec![0, 1]);
    }
}
