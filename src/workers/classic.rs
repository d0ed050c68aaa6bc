//! The classic worker model (the default for `exec` on several hosts): up to `forks` worker
//! processes, each running one host at a time and fed tasks as frames over its stdin.
//!
//! Workers are spawned by re-executing this binary (`/proc/self/exe __worker`), not by
//! `fork()`: `fork` is only sound while no thread exists, and by the time tasks are known the
//! parent has an inventory loaded, maybe a stdin thread and vault helpers; a fresh exec is
//! sound from any state, costs a few milliseconds per worker, gives each worker a clean
//! runtime, and lets argv[0] carry the `ps` title (`stackctl: worker:<host>`, padded so the
//! worker can rewrite it per task). `/proc/self/exe` still works when the binary was replaced
//! on disk during the run. Each worker and mux has `PR_SET_PDEATHSIG(SIGTERM)`, so it ends if
//! the top-level process dies (spawned from the main thread, which lives for the whole run).
//!
//! Workers start on demand, up to `forks`: a few at first (eight per CPU), then one more each
//! time a task has been running another [`GROW_AFTER`] in a worker that is up, while tasks wait
//! and the CPUs have room ([`super::cpu_room`]). Short commands on warm masters are then served
//! by a handful of workers (spawning 200 processes to run `true` 200 times cost more than the
//! commands), while slow connections or commands grow the pool geometrically to `forks` within
//! a few tenths of a second.
//!
//! Each multiplexer's socket is bound here and its listening descriptor handed to the mux, so
//! workers can connect before the mux is up (their requests wait in the socket's queue).
//!
//! A worker that dies (crash, SIGKILL) is noticed when its stdout ends before the task's
//! result: that host is reported failed with the reason, a new worker takes its place, and the
//! run completes. On interrupt the top-level process SIGTERMs every worker, whose running task
//! is dropped (killing its process group), and waits for them.

use super::ipc::{self, Frame, TaskFrame};
use super::{Binding, Event, Finished, RunOptions, Status, Task, WorkerModel};
use std::collections::VecDeque;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How long a task may run before its slot asks for one more worker.
pub const GROW_AFTER: Duration = Duration::from_millis(50);

/// Workers started before any task has shown whether it is quick: eight per CPU (measured on
/// 200 warm targets: fewer leave the masters idle between sessions, more cost more to spawn
/// than they save).
fn initial_workers() -> usize {
    8 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// argv[0] of a worker: the title, padded so that later titles (longer host names) fit.
fn worker_arg0() -> String {
    format!("{:<120}", "stackctl: worker:idle")
}

pub struct ClassicWorkerModel {
    pub opts: RunOptions,
    /// Worker process ids alive now (for interrupt handling).
    pids: Arc<Mutex<Vec<u32>>>,
    /// Tasks not started yet (emptied on interrupt, so no new worker starts).
    queue: Arc<Mutex<VecDeque<Task>>>,
    /// Multiplexer processes (their stdin closing ends them) and the run directory.
    muxes: Vec<std::process::Child>,
    run_dir: Option<std::path::PathBuf>,
}

impl ClassicWorkerModel {
    pub fn new(opts: RunOptions) -> Self {
        ClassicWorkerModel {
            opts,
            pids: Arc::new(Mutex::new(Vec::new())),
            queue: Arc::new(Mutex::new(VecDeque::new())),
            muxes: Vec::new(),
            run_dir: None,
        }
    }

    /// Starts the multiplexers in a private run directory; returns their sockets.
    fn start_muxes(&mut self) -> std::io::Result<Vec<std::path::PathBuf>> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = std::env::temp_dir().join(format!(
            "stackctl-run-{}-{}",
            std::process::id(),
            crate::plan::nonce()
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        self.run_dir = Some(dir.clone());
        let mut socks = Vec::new();
        for i in 0..self.opts.muxes.max(1) {
            // We bind the socket and hand the mux the listening descriptor: workers can
            // connect at once (queued until the mux accepts) instead of the run waiting for
            // every mux to start.
            let path = super::mux::socket(&dir, i);
            let listener = listen(&path)?;
            let fd = inheritable(listener)?;
            let mut cmd = std::process::Command::new(self_exe()?);
            cmd.env(ALLOCATOR_TUNING.0, ALLOCATOR_TUNING.1)
                .arg0(format!("{:<40}", format!("stackctl: mux:{i}")))
                .arg("__mux")
                .arg(i.to_string())
                .arg(&dir)
                .arg("--listen-fd")
                .arg(std::os::fd::AsRawFd::as_raw_fd(&fd).to_string())
                .arg("--parent")
                .arg(std::process::id().to_string())
                .arg("--max-startups")
                .arg(self.opts.max_startups.to_string())
                .arg("--max-idle")
                .arg(self.opts.max_idle.to_string())
                .arg("--persist")
                .arg(self.opts.persist.as_secs().to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            // No fork hook (the mux sets its own parent-death signal), so `posix_spawn` can be
            // used; the descriptor is closed here once the mux has it.
            let child = cmd.spawn();
            drop(fd);
            self.muxes.push(child?);
            socks.push(path);
        }
        Ok(socks)
    }

    /// Drops the tasks not started yet and sends SIGTERM to every live worker and multiplexer.
    pub fn terminate(&self) {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let muxes = self.muxes.iter().map(|m| m.id());
        let workers = self.pids.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for pid in workers.into_iter().chain(muxes) {
            if let Ok(pid) = i32::try_from(pid) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGTERM,
                );
            }
        }
    }

    /// Live worker process ids.
    pub fn pids(&self) -> Vec<u32> {
        self.pids.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn self_exe() -> std::io::Result<std::path::PathBuf> {
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

/// `listener` as a descriptor that a spawned process inherits.
fn inheritable(
    listener: std::os::unix::net::UnixListener,
) -> std::io::Result<std::os::fd::OwnedFd> {
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    let fd = std::os::fd::OwnedFd::from(listener);
    fcntl(&fd, FcntlArg::F_SETFD(FdFlag::empty())).map_err(std::io::Error::from)?;
    Ok(fd)
}

/// Set in the environment of workers and multiplexers: mimalloc's default commits (and the
/// kernel zeroes) a few MiB of arena per process up front, which across a few hundred workers
/// cost more CPU than the commands they ran. The child removes it again before it runs
/// anything ([`forget_allocator_tuning`]).
const ALLOCATOR_TUNING: (&str, &str) = ("MIMALLOC_ARENA_EAGER_COMMIT", "0");

/// Called first thing in a worker or multiplexer: its own children must not inherit
/// [`ALLOCATOR_TUNING`].
pub fn forget_allocator_tuning() {
    // SAFETY: called at the start of the process's main, before any other thread exists.
    unsafe { std::env::remove_var(ALLOCATOR_TUNING.0) };
}

/// Spawns a worker. It sets its own parent-death signal (see [`worker::main`](super::worker)),
/// given our pid to check against, so that nothing runs between fork and exec here and the
/// standard library can use `posix_spawn`: much cheaper than a fork of this large process,
/// and workers start by the hundred.
fn spawn_worker() -> std::io::Result<tokio::process::Child> {
    let mut cmd = std::process::Command::new(self_exe()?);
    cmd.env(ALLOCATOR_TUNING.0, ALLOCATOR_TUNING.1)
        .arg0(worker_arg0())
        .arg("__worker")
        .arg(std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(false);
    cmd.spawn()
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
        if tasks.iter().any(|t| !t.plan.masters.is_empty()) {
            match self.start_muxes() {
                Ok(socks) => {
                    for t in &mut tasks {
                        let b = self.binding(t);
                        t.mux = socks.get(b.mux).cloned();
                    }
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
        queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(tasks);
        let pids = self.pids.clone();
        Box::pin(async move {
            let (grow, mut wants_more) = tokio::sync::mpsc::unbounded_channel();
            let start = |set: &mut tokio::task::JoinSet<()>| {
                set.spawn(slot(
                    queue.clone(),
                    sink.clone(),
                    pids.clone(),
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
                        let waiting = !queue.lock().unwrap_or_else(|p| p.into_inner()).is_empty();
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
        for (i, mut m) in self.muxes.drain(..).enumerate() {
            if let Ok(Some(status)) = m.try_wait() {
                let how = match status.signal() {
                    Some(sig) => format!("killed by signal {sig}"),
                    None => format!("exited with status {}", status.code().unwrap_or(-1)),
                };
                eprintln!("stackctl: multiplexer {i} (process {}) {how}", m.id());
            }
            drop(m.stdin.take());
            let _ = m.wait();
        }
        if let Some(dir) = self.run_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn next(queue: &Mutex<VecDeque<Task>>) -> Option<Task> {
    queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
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
    queue: Arc<Mutex<VecDeque<Task>>>,
    sink: UnboundedSender<Event>,
    pids: Arc<Mutex<Vec<u32>>>,
    grow: UnboundedSender<()>,
    timeout: Option<Duration>,
    persist: Duration,
) {
    let mut pending = next(&queue);
    while let Some(task) = pending.take() {
        let mut child = match spawn_worker() {
            Ok(c) => c,
            Err(e) => {
                let _ = sink.send(Event::Done {
                    task: task.index,
                    result: failed(format!("cannot start a worker process: {e}")),
                });
                pending = next(&queue);
                continue;
            }
        };
        let pid = child.id().unwrap_or(0);
        pids.lock().unwrap_or_else(|p| p.into_inner()).push(pid);
        let (Some(stdin), Some(mut stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.start_kill();
            let _ = sink.send(Event::Done {
                task: task.index,
                result: failed("worker process without pipes".into()),
            });
            pending = next(&queue);
            continue;
        };
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
                            let _ = sink.send(Event::Done { task, result });
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
                let status = child.wait().await.ok();
                let how = match status {
                    Some(s) if s.signal().is_some() => {
                        format!("killed by signal {}", s.signal().unwrap_or(0))
                    }
                    Some(s) => format!("exited with status {}", s.code().unwrap_or(-1)),
                    None => "vanished".to_string(),
                };
                let _ = sink.send(Event::Done {
                    task: index,
                    result: failed(format!("worker process {pid} running {host} {how}")),
                });
                break;
            }
            current = next(&queue);
        }
        if !died {
            drop(stdin.take());
            let _ = child.wait().await;
        }
        pids.lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| *p != pid);
        if died {
            pending = next(&queue);
        }
    }
}
