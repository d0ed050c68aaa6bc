//! The fork server (`stackctl __forkserver`, one per run, started by [`super::classic`]): the
//! process of a run that forks its workers and multiplexers. It is exec'd like any child, stays
//! single-threaded for its whole life (no async runtime, no helper threads), and forks a worker
//! or a mux per request: forking a small single-threaded process is sound, and it skips what
//! every exec of this large binary pays again (mapping and relocating it, the C and Rust
//! runtimes' start), which was a third of the CPU a run over 50 warm hosts spent in its own
//! processes. `exec` starts it as soon as it knows the pattern selects several hosts
//! ([`prestart`]), so it is up by the time the hosts are planned.
//!
//! It talks to the top-level process over a `SOCK_SEQPACKET` socket on its stdin, one message
//! per datagram:
//! - top → server: `W` with the worker's stdin and stdout as `SCM_RIGHTS`: fork a worker on
//!   them; `M` + a [`MuxSpec`] (JSON) with the mux's stdin and listening socket: fork a mux;
//!   `T`: send SIGTERM to every live child.
//! - server → top: `P` + pid (the answer to a `W` or `M`, in order) or `E` + errno (fork
//!   failed); `X` + pid + wait status whenever a child ends (the server reaps its children, so
//!   no pid it signals can have been reused).
//!
//! When the top-level process closes its end, the server waits for its children and exits.
//! Each child has the server as parent and `PR_SET_PDEATHSIG(SIGTERM)`; the server has the
//! same on the top-level process, so a top-level process that dies takes them all down. The
//! server's argv[0] is padded, so that its children can write longer titles over it
//! ([`super::titles`]).

use crate::sync::lock;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::ExitStatus;
use std::sync::{Arc, Mutex};
use tokio::io::unix::AsyncFd;
use tokio::sync::oneshot;

/// The longest message either side sends (a mux request with its run directory's path).
const MAX_MESSAGE: usize = 8192;

/// What a forked multiplexer is given (see [`super::mux::main`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MuxSpec {
    pub index: usize,
    pub dir: std::path::PathBuf,
    pub max_startups: usize,
    pub max_idle: usize,
    pub persist_secs: u64,
}

/// `stackctl __forkserver PARENT_PID`: serves the socket on stdin until it closes.
pub fn main(parent: Option<u32>) -> anyhow::Result<i32> {
    forget_allocator_tuning();
    if !super::die_with_parent(parent) {
        return Ok(99);
    }
    super::ignore_interrupts();
    titles_for_server();
    serve().map_err(|e| anyhow::anyhow!("fork server: {e}"))
}

/// Set in the fork server's environment, read by its allocator when it starts, and so in force
/// in every worker and mux it forks: mimalloc's default commits (and the kernel zeroes) a few
/// MiB of arena per process up front, and returns freed memory to the kernel after 10 ms, only
/// to fault it in again; across a few hundred short-lived processes that cost more CPU than the
/// commands they ran. The server removes the variables before it forks anything
/// ([`forget_allocator_tuning`]), so no command sees them.
const ALLOCATOR_TUNING: [(&str, &str); 2] = [
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
    ("MIMALLOC_PURGE_DELAY", "-1"),
];

fn forget_allocator_tuning() {
    for (name, _) in ALLOCATOR_TUNING {
        // SAFETY: called at the start of the process's main, before any other thread exists.
        unsafe { std::env::remove_var(name) };
    }
}

fn titles_for_server() {
    super::titles::set_comm("stk:forkserver");
    // Read now, inherited by every child.
    let _ = super::titles::arg_area();
}

/// The server's argv[0]: its title, padded so that its children's titles fit over it.
fn server_arg0() -> String {
    format!("{:<120}", "stackctl: forkserver")
}

fn serve() -> nix::Result<i32> {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, sigprocmask};
    use nix::sys::signalfd::{SfdFlags, SignalFd};
    // SIGCHLD is read from a descriptor beside the socket: no handler, no race.
    let mut chld = SigSet::empty();
    chld.add(Signal::SIGCHLD);
    let mut old = SigSet::empty();
    sigprocmask(SigmaskHow::SIG_BLOCK, Some(&chld), Some(&mut old))?;
    let sfd = SignalFd::with_flags(&chld, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)?;
    // SAFETY: fd 0 is the socket the top-level process gave us as stdin; we own it from here.
    let ctl = unsafe { OwnedFd::from_raw_fd(0) };
    let me = std::process::id();
    let mut live: HashSet<i32> = HashSet::new();
    let mut open = true;
    while open || !live.is_empty() {
        let mut fds = Vec::with_capacity(2);
        if open {
            fds.push(nix::poll::PollFd::new(
                ctl.as_fd(),
                nix::poll::PollFlags::POLLIN,
            ));
        }
        fds.push(nix::poll::PollFd::new(
            sfd.as_fd(),
            nix::poll::PollFlags::POLLIN,
        ));
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::NONE) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
        // Reap first: a worker's end is reported before the answer to a later request.
        while let Ok(Some(_)) = sfd.read_signal() {}
        reap(&ctl, &mut live);
        if !open {
            continue;
        }
        match receive(ctl.as_raw_fd()) {
            Received::Nothing => {}
            Received::Closed => open = false,
            Received::Malformed => send(ctl.as_raw_fd(), b'E', &[libc::EINVAL]),
            Received::Terminate => {
                for pid in &live {
                    let _ =
                        nix::sys::signal::kill(nix::unistd::Pid::from_raw(*pid), Signal::SIGTERM);
                }
            }
            Received::Spawn(what, first, second) => {
                // SAFETY: this process has one thread (no runtime, no helper threads were ever
                // started), so the child may run anything after fork.
                match unsafe { nix::unistd::fork() } {
                    Ok(nix::unistd::ForkResult::Child) => {
                        let code = run_child(what, &old, sfd, ctl, first, second, me);
                        // Without the exit handlers: they would only hand the allocator's
                        // memory back page by page, and the kernel frees it all at once.
                        // SAFETY: _exit ends the process; nothing is left to run or flush
                        // (frames go straight to the pipe, stderr is unbuffered).
                        unsafe { libc::_exit(code) }
                    }
                    Ok(nix::unistd::ForkResult::Parent { child }) => {
                        live.insert(child.as_raw());
                        send(ctl.as_raw_fd(), b'P', &[child.as_raw()]);
                    }
                    Err(e) => send(ctl.as_raw_fd(), b'E', &[e as i32]),
                }
            }
        }
    }
    Ok(0)
}

/// Reports every worker that has ended.
fn reap(ctl: &OwnedFd, live: &mut HashSet<i32>) {
    loop {
        let mut status = 0;
        // SAFETY: plain waitpid on our own children, with a valid status pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return;
        }
        live.remove(&pid);
        send(ctl.as_raw_fd(), b'X', &[pid, status]);
    }
}

/// In the forked child: the server's descriptors and signal mask go, `first` becomes stdin
/// and the worker (`second` its stdout) or mux (`second` its listening socket) runs.
fn run_child(
    what: Child,
    mask: &nix::sys::signal::SigSet,
    sfd: nix::sys::signalfd::SignalFd,
    ctl: OwnedFd,
    first: OwnedFd,
    second: OwnedFd,
    server: u32,
) -> i32 {
    drop(sfd);
    let _ =
        nix::sys::signal::sigprocmask(nix::sys::signal::SigmaskHow::SIG_SETMASK, Some(mask), None);
    // dup2 onto 0 replaces the server's socket there (so `ctl` must not be closed again).
    // SAFETY: dup2 on descriptors this process owns.
    let mut ok = unsafe { libc::dup2(first.as_raw_fd(), 0) } == 0;
    std::mem::forget(ctl);
    drop(first);
    let run = match what {
        Child::Worker => {
            // SAFETY: as above.
            ok = ok && unsafe { libc::dup2(second.as_raw_fd(), 1) } == 1;
            drop(second);
            ok.then(|| super::worker::main(Some(server)))
        }
        Child::Mux(spec) => {
            // The mux owns the listening socket from here on, by its number.
            let listen = std::os::fd::IntoRawFd::into_raw_fd(second);
            ok.then(|| {
                super::mux::main(
                    spec.index,
                    &spec.dir,
                    listen,
                    Some(server),
                    super::conn::ConnOptions {
                        max_startups: spec.max_startups,
                        max_idle: spec.max_idle,
                        ..Default::default()
                    },
                    std::time::Duration::from_secs(spec.persist_secs),
                )
            })
        }
    };
    match run {
        Some(Ok(code)) => code,
        Some(Err(e)) => {
            eprintln!("stackctl: error: {e:#}");
            1
        }
        None => 1,
    }
}

/// What a request asks the server to fork.
enum Child {
    Worker,
    Mux(MuxSpec),
}

enum Received {
    Nothing,
    Closed,
    Terminate,
    Spawn(Child, OwnedFd, OwnedFd),
    /// A `W` or `M` the server cannot act on: answered `E` so later answers stay in order.
    Malformed,
}

fn receive(fd: RawFd) -> Received {
    use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
    let mut buf = [0u8; MAX_MESSAGE];
    let mut space = nix::cmsg_space!([RawFd; 2]);
    let mut iov = [IoSliceMut::new(&mut buf)];
    let msg = match recvmsg::<()>(
        fd,
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_DONTWAIT | MsgFlags::MSG_CMSG_CLOEXEC,
    ) {
        Ok(m) => m,
        Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => return Received::Nothing,
        Err(_) => return Received::Closed,
    };
    let mut fds: Vec<OwnedFd> = Vec::new();
    if let Ok(cmsgs) = msg.cmsgs() {
        for c in cmsgs {
            if let ControlMessageOwned::ScmRights(raw) = c {
                // SAFETY: descriptors just received with SCM_RIGHTS are new and ours.
                fds.extend(raw.into_iter().map(|r| unsafe { OwnedFd::from_raw_fd(r) }));
            }
        }
    }
    let n = msg.bytes;
    let what = match (n, buf.first()) {
        (0, _) => return Received::Closed,
        (_, Some(b'T')) => return Received::Terminate,
        (_, Some(b'W')) => Child::Worker,
        (_, Some(b'M')) => match serde_json::from_slice(&buf[1..n]) {
            Ok(spec) => Child::Mux(spec),
            Err(_) => return Received::Malformed,
        },
        _ => return Received::Nothing,
    };
    let second = fds.pop();
    let first = fds.pop();
    match (first, second, fds.is_empty()) {
        (Some(a), Some(b), true) => Received::Spawn(what, a, b),
        _ => Received::Malformed,
    }
}

/// Sends a tag and numbers, waiting while the socket is full (the top-level process reads it
/// all the time); a closed socket loses the message: nobody is left to tell.
fn send(fd: RawFd, tag: u8, numbers: &[i32]) {
    let mut buf = Vec::with_capacity(MAX_MESSAGE);
    buf.push(tag);
    for n in numbers {
        buf.extend_from_slice(&n.to_le_bytes());
    }
    let _ = nix::sys::socket::send(fd, &buf, nix::sys::socket::MsgFlags::MSG_NOSIGNAL);
}

fn number(bytes: &[u8], i: usize) -> Option<i32> {
    let b = bytes.get(1 + 4 * i..5 + 4 * i)?;
    Some(i32::from_le_bytes(b.try_into().ok()?))
}

/// A worker the server forked: its pid and its task pipes.
pub struct Forked {
    pub pid: u32,
    pub stdin: tokio::net::unix::pipe::Sender,
    pub stdout: tokio::net::unix::pipe::Receiver,
}

#[derive(Default)]
struct Pending {
    /// Answers to `W` requests, in the order they were sent.
    spawns: VecDeque<oneshot::Sender<std::io::Result<u32>>>,
    /// Who waits for which worker's end.
    waiters: HashMap<u32, oneshot::Sender<ExitStatus>>,
    /// Ends nobody waited for yet.
    ended: HashMap<u32, ExitStatus>,
    /// The server is gone: nothing more will be answered.
    gone: bool,
}

/// The top-level process's side of the fork server.
pub struct ForkServer {
    process: Mutex<std::process::Child>,
    ctl: Arc<AsyncFd<OwnedFd>>,
    pending: Arc<Mutex<Pending>>,
    /// Held while a request is queued and sent, so answers come in queue order.
    sending: tokio::sync::Mutex<()>,
    reader: tokio::task::JoinHandle<()>,
}

/// Takes the last answer slot back from the queue when dropped (see [`ForkServer::request`]).
/// `None` once the request is sent.
struct Unsent<'a>(Option<&'a Mutex<Pending>>);

impl Drop for Unsent<'_> {
    fn drop(&mut self) {
        if let Some(pending) = self.0 {
            lock(pending).spawns.pop_back();
        }
    }
}

/// A server process whose socket is not yet watched by a runtime.
struct Started {
    process: std::process::Child,
    ours: OwnedFd,
}

/// The server [`prestart`] started for this process's run, if any.
static PRESTARTED: Mutex<Option<Started>> = Mutex::new(None);

/// Starts the run's fork server now (no runtime needed), for [`ForkServer::start`] to take
/// later; its exec then overlaps the planning of the hosts.
pub fn prestart() {
    if let Ok(started) = launch() {
        *lock(&PRESTARTED) = Some(started);
    }
}

fn launch() -> std::io::Result<Started> {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, socketpair};
    use std::os::unix::process::CommandExt;
    let (ours, theirs) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
    )?;
    // The server's end blocks (it polls, then reads what is there).
    nix::fcntl::fcntl(
        &theirs,
        nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::empty()),
    )?;
    // No fork hook (the server sets its own parent-death signal), so `posix_spawn` is used.
    let process = std::process::Command::new(super::classic::self_exe()?)
        .envs(ALLOCATOR_TUNING)
        .arg0(server_arg0())
        .arg("__forkserver")
        .arg(std::process::id().to_string())
        .stdin(std::process::Stdio::from(theirs))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    Ok(Started { process, ours })
}

impl ForkServer {
    /// The prestarted server, or a new one; must be called within a tokio runtime.
    pub fn start() -> std::io::Result<ForkServer> {
        let taken = lock(&PRESTARTED).take();
        let Started { process, ours } = match taken {
            Some(s) => s,
            None => launch()?,
        };
        Self::over(process, ours)
    }

    /// The side of a server `process` that talks over `ours` (a non-blocking socket).
    fn over(process: std::process::Child, ours: OwnedFd) -> std::io::Result<ForkServer> {
        // SAFETY: `ours` is an open socket owned by the AsyncFd from here on.
        let ctl = Arc::new(unsafe { AsyncFd::register(ours) }?);
        let pending = Arc::new(Mutex::new(Pending::default()));
        let reader = tokio::spawn(read_reports(ctl.clone(), pending.clone()));
        Ok(ForkServer {
            process: Mutex::new(process),
            ctl,
            pending,
            sending: tokio::sync::Mutex::new(()),
            reader,
        })
    }

    /// Sends one request with its descriptors; returns the forked child's pid.
    async fn request(&self, message: &[u8], fds: &[RawFd]) -> std::io::Result<u32> {
        use nix::sys::socket::{ControlMessage, MsgFlags, sendmsg};
        let (tx, rx) = oneshot::channel();
        {
            let _order = self.sending.lock().await;
            {
                let mut p = lock(&self.pending);
                if p.gone {
                    return Err(gone());
                }
                p.spawns.push_back(tx);
            }
            // Until the request is sent, its answer slot is the queue's last (we hold the
            // order lock): taken back if this future is dropped or the send fails.
            let mut unsent = Unsent(Some(&self.pending));
            let sent = loop {
                let mut guard = self.ctl.writable().await?;
                let r = guard.try_io(|fd| {
                    sendmsg::<()>(
                        fd.as_raw_fd(),
                        &[IoSlice::new(message)],
                        &[ControlMessage::ScmRights(fds)],
                        MsgFlags::MSG_NOSIGNAL,
                        None,
                    )
                    .map_err(std::io::Error::from)
                });
                if let Ok(r) = r {
                    break r;
                }
            };
            sent?;
            unsent.0 = None;
        }
        rx.await.map_err(|_| gone())?
    }

    /// Forks a worker with fresh pipes for its stdin and stdout.
    pub async fn spawn_worker(&self) -> std::io::Result<Forked> {
        use tokio::net::unix::pipe;
        let (in_r, in_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let (out_r, out_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let pid = self
            .request(b"W", &[in_r.as_raw_fd(), out_w.as_raw_fd()])
            .await?;
        drop((in_r, out_w));
        Ok(Forked {
            pid,
            stdin: pipe::Sender::from_owned_fd(in_w)?,
            stdout: pipe::Receiver::from_owned_fd(out_r)?,
        })
    }

    /// Forks a multiplexer serving `listener`; returns its pid and the write end of its stdin
    /// (closing it ends the mux).
    pub async fn spawn_mux(
        &self,
        spec: &MuxSpec,
        listener: &std::os::unix::net::UnixListener,
    ) -> std::io::Result<(u32, OwnedFd)> {
        let (in_r, in_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let mut message = b"M".to_vec();
        message.extend(serde_json::to_vec(spec).map_err(std::io::Error::other)?);
        let pid = self
            .request(&message, &[in_r.as_raw_fd(), listener.as_raw_fd()])
            .await?;
        Ok((pid, in_w))
    }

    /// How child `pid` ended, if the server has reported it already.
    pub fn ended(&self, pid: u32) -> Option<ExitStatus> {
        lock(&self.pending).ended.get(&pid).copied()
    }

    /// Waits for child `pid` to end; `None` if the server went first.
    pub async fn wait(&self, pid: u32) -> Option<ExitStatus> {
        let rx = {
            let mut p = lock(&self.pending);
            if let Some(status) = p.ended.remove(&pid) {
                return Some(status);
            }
            if p.gone {
                return None;
            }
            let (tx, rx) = oneshot::channel();
            p.waiters.insert(pid, tx);
            rx
        };
        rx.await.ok()
    }

    /// Asks the server to send SIGTERM to every live child (best effort: from any context).
    pub fn terminate_workers(&self) {
        let _ = nix::sys::socket::send(
            self.ctl.get_ref().as_raw_fd(),
            b"T",
            nix::sys::socket::MsgFlags::MSG_NOSIGNAL | nix::sys::socket::MsgFlags::MSG_DONTWAIT,
        );
    }

    /// Closes our side of the socket and waits for the server, which first waits for its
    /// children; one that has not ended after [`FINISH_WAIT`] is killed (its children then get
    /// SIGTERM from their parent-death signal).
    pub fn finish(&self) {
        let _ = nix::sys::socket::shutdown(
            self.ctl.get_ref().as_raw_fd(),
            nix::sys::socket::Shutdown::Write,
        );
        let mut process = lock(&self.process);
        if !ends_within(process.id(), FINISH_WAIT) {
            let _ = process.kill();
        }
        let _ = process.wait();
    }
}

impl Drop for ForkServer {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Whether process `pid` (our child, not yet reaped) ends within `limit`, watched through a
/// pidfd; true at once when that cannot be had (the caller then waits without a limit).
fn ends_within(pid: u32, limit: std::time::Duration) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let raw = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let Ok(raw) = RawFd::try_from(raw) else {
        return true;
    };
    if raw < 0 {
        return true;
    }
    // SAFETY: a descriptor pidfd_open has just returned is ours.
    let pidfd = unsafe { OwnedFd::from_raw_fd(raw) };
    let mut fds = [nix::poll::PollFd::new(
        pidfd.as_fd(),
        nix::poll::PollFlags::POLLIN,
    )];
    let ms = u16::try_from(limit.as_millis()).unwrap_or(u16::MAX);
    !matches!(
        nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)),
        Ok(0)
    )
}

/// How long [`ForkServer::finish`] waits for the server.
/// Generous: a multiplexer of a run with `--persist 0` ends the masters it started first.
const FINISH_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

fn gone() -> std::io::Error {
    std::io::Error::other("the fork server has ended")
}

/// Reads the server's answers and reports until it closes, then fails whatever still waits.
async fn read_reports(ctl: Arc<AsyncFd<OwnedFd>>, pending: Arc<Mutex<Pending>>) {
    loop {
        let Ok(mut guard) = ctl.readable().await else {
            break;
        };
        let mut buf = [0u8; MAX_MESSAGE];
        let r = guard.try_io(|fd| {
            nix::sys::socket::recv(
                fd.as_raw_fd(),
                &mut buf,
                nix::sys::socket::MsgFlags::MSG_DONTWAIT,
            )
            .map_err(std::io::Error::from)
        });
        let n = match r {
            Err(_would_block) => continue,
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => n,
        };
        let msg = &buf[..n];
        let mut p = lock(&pending);
        match msg.first() {
            Some(b'P') => {
                let pid = number(msg, 0).and_then(|v| u32::try_from(v).ok());
                if let Some(tx) = p.spawns.pop_front() {
                    let _ = tx.send(pid.ok_or_else(|| std::io::Error::other("bad fork answer")));
                }
            }
            Some(b'E') => {
                let errno = number(msg, 0).unwrap_or(libc::EIO);
                if let Some(tx) = p.spawns.pop_front() {
                    let _ = tx.send(Err(std::io::Error::from_raw_os_error(errno)));
                }
            }
            Some(b'X') => {
                use std::os::unix::process::ExitStatusExt;
                if let (Some(pid), Some(status)) = (number(msg, 0), number(msg, 1)) {
                    let pid = u32::try_from(pid).unwrap_or(0);
                    let status = ExitStatus::from_raw(status);
                    match p.waiters.remove(&pid) {
                        Some(tx) => {
                            let _ = tx.send(status);
                        }
                        None => {
                            p.ended.insert(pid, status);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut p = lock(&pending);
    p.gone = true;
    p.spawns.clear();
    p.waiters.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::socket::{
        AddressFamily, ControlMessage, MsgFlags, SockFlag, SockType, sendmsg, socketpair,
    };

    /// What the server makes of one datagram carrying `fds`.
    fn received(ours: &OwnedFd, server: &OwnedFd, message: &[u8], fds: &[RawFd]) -> Received {
        let cmsgs = [ControlMessage::ScmRights(fds)];
        let cmsgs: &[ControlMessage] = if fds.is_empty() { &[] } else { &cmsgs };
        sendmsg::<()>(
            ours.as_raw_fd(),
            &[IoSlice::new(message)],
            cmsgs,
            MsgFlags::empty(),
            None,
        )
        .unwrap();
        receive(server.as_raw_fd())
    }

    #[test]
    fn requests_it_cannot_act_on_are_told_apart_from_nothing_to_read() {
        // A malformed `W`/`M` must be answered (`E`), or every later answer would go to the
        // wrong request; an empty socket or an unknown tag gets no answer. Close-on-exec
        // descriptors: a process another test starts meanwhile must not keep them open.
        let (ours, server) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .unwrap();
        let (a, b) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
        let two = [a.as_raw_fd(), b.as_raw_fd()];
        assert!(matches!(receive(server.as_raw_fd()), Received::Nothing));
        assert!(matches!(
            received(&ours, &server, b"W", &two),
            Received::Spawn(Child::Worker, _, _)
        ));
        assert!(matches!(
            received(&ours, &server, b"W", &two[..1]),
            Received::Malformed
        ));
        assert!(matches!(
            received(&ours, &server, b"M{not json", &two),
            Received::Malformed
        ));
        let spec = serde_json::to_vec(&MuxSpec {
            index: 1,
            dir: "/run/x".into(),
            max_startups: 8,
            max_idle: 20,
            persist_secs: 60,
        })
        .unwrap();
        assert!(matches!(
            received(&ours, &server, &[b"M".as_slice(), &spec].concat(), &two),
            Received::Spawn(Child::Mux(MuxSpec { index: 1, .. }), _, _)
        ));
        assert!(matches!(
            received(&ours, &server, b"T", &[]),
            Received::Terminate
        ));
        assert!(matches!(
            received(&ours, &server, b"?", &[]),
            Received::Nothing
        ));
        drop(ours);
        // Closed once every copy is gone: a process another test starts may hold one for a
        // moment, between its fork and its exec.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match receive(server.as_raw_fd()) {
                Received::Closed => break,
                Received::Nothing if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                _ => panic!("the socket did not close"),
            }
        }
    }

    /// A request dropped while it waits for room on the socket takes its answer slot back, so
    /// the next request gets its own answer; one dropped after it went out keeps its slot (the
    /// server will answer it). Without the first, every later answer would go one request
    /// early and the last request would wait forever.
    #[tokio::test]
    async fn a_request_dropped_before_it_went_out_takes_no_answer() {
        use std::time::Duration;
        let (ours, server) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        )
        .unwrap();
        // The smallest send buffer: a few padded requests fill it while nobody reads them.
        nix::sys::socket::setsockopt(&ours, nix::sys::socket::sockopt::SndBuf, &1).unwrap();
        let raw = ours.as_raw_fd();
        let unread = || {
            let mut n: libc::c_int = 0;
            // SAFETY: TIOCOUTQ (SIOCOUTQ) writes one int: the bytes the peer has not read.
            unsafe { libc::ioctl(raw, libc::TIOCOUTQ, &mut n) };
            n
        };
        let process = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let fs = ForkServer::over(process, ours).unwrap();
        let padded = [b"W".as_slice(), &[b' '; 3000]].concat();
        // Requests go out (and their callers give up waiting for the answer) until one cannot.
        let mut sent = 0;
        loop {
            let before = unread();
            let r = tokio::time::timeout(Duration::from_millis(100), fs.request(&padded, &[]));
            assert!(r.await.is_err(), "nobody has answered yet");
            if unread() == before {
                break;
            }
            sent += 1;
            assert!(sent < 64, "the socket never filled up");
        }
        assert!(sent >= 1, "the first request went out at once");
        // The server reads what went out and answers each request, in order.
        for i in 0..sent {
            assert!(
                matches!(receive(server.as_raw_fd()), Received::Malformed),
                "request {i}"
            );
            send(server.as_raw_fd(), b'P', &[100 + i]);
        }
        assert!(
            matches!(receive(server.as_raw_fd()), Received::Nothing),
            "the dropped request never went out"
        );
        let answer = async {
            loop {
                match receive(server.as_raw_fd()) {
                    Received::Nothing => tokio::time::sleep(Duration::from_millis(1)).await,
                    Received::Malformed => break send(server.as_raw_fd(), b'P', &[999]),
                    _ => panic!("unexpected message"),
                }
            }
        };
        let (pid, ()) = tokio::time::timeout(Duration::from_secs(10), async {
            tokio::join!(fs.request(b"W", &[]), answer)
        })
        .await
        .expect("the next request got no answer: it went to the dropped one");
        assert_eq!(pid.unwrap(), 999);
        let mut process = lock(&fs.process);
        let _ = process.kill();
        let _ = process.wait();
    }
}
