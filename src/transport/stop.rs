//! Stopping a running command where it runs. A `--command-timeout` or an interrupt must end
//! the remote process, not only our side of the channel: without a pty, sshd does not signal
//! a session's processes when its channel closes, so a dropped `sleep 600` would live on.
//!
//! The remote command is therefore prefixed with a line that reports the process id of the
//! session's login shell, which sshd made a session and process-group leader: `echo
//! <marker>-$$ >&2` (a builtin: no process), or for an `ansible_shell_type` of csh or fish
//! `sh -c 'echo <marker>-$PPID >&2'`.
//! [`PidSniffer`] takes that line out of stderr before anyone sees it; on [`Stop`] the
//! transport runs `kill -TERM -PID` (then `-KILL`) over a second session on the same master,
//! which ends the command's whole process group (a `sudo` in it passes the signal on).

use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::{Notify, watch};

/// The receiving side of a stop request, and the command's own deadline (`--command-timeout`,
/// counted from when the command starts, not from when its connections are being made or its
/// login shell reads the account's rc files); cloneable, and [`Stop::never`] for runs nobody
/// stops.
#[derive(Debug, Clone)]
pub struct Stop {
    rx: Option<watch::Receiver<bool>>,
    timeout: Option<Duration>,
    /// Kill the command where it runs (the remote command then reports its pid first); false:
    /// a stop only drops the channel, as plain ssh does.
    remote: bool,
    /// Set by the transport when the deadline, not a request, stopped the command.
    timed_out: Arc<OnceLock<TimedOut>>,
}

/// Which deadline stopped a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimedOut {
    /// The command ran for its whole `--command-timeout`.
    Command(Duration),
    /// The login never reached the command (its pid line never came) in this long: the
    /// command timeout plus the last hop's connect timeout, counted from the session's start.
    BeforeStart(Duration),
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimedOut::Command(t) => write!(f, "command timed out after {}s", t.as_secs()),
            TimedOut::BeforeStart(t) => {
                write!(
                    f,
                    "timed out after {}s before the command started",
                    t.as_secs()
                )
            }
        }
    }
}

/// The sending side: [`StopHandle::stop`] asks every clone of its [`Stop`] to stop.
#[derive(Debug)]
pub struct StopHandle(watch::Sender<bool>);

impl Stop {
    /// A connected pair.
    pub fn pair() -> (StopHandle, Stop) {
        let (tx, rx) = watch::channel(false);
        (StopHandle(tx), Stop::of(Some(rx)))
    }

    /// A stop that never comes.
    pub fn never() -> Stop {
        Stop::of(None)
    }

    fn of(rx: Option<watch::Receiver<bool>>) -> Stop {
        Stop {
            rx,
            timeout: None,
            remote: true,
            timed_out: Arc::new(OnceLock::new()),
        }
    }

    /// This stop, ending only our side of the channel. The pid line is output, and on a
    /// connection tunnelled through a bastion output followed at once by the exit status
    /// waits out a delayed ACK (about 40 ms, plain ssh too): a single host's quick command
    /// keeps ssh's own latency this way.
    pub fn channel_only(mut self) -> Stop {
        self.remote = false;
        self
    }

    /// True when a stop kills the command where it runs.
    pub fn kills_remote(&self) -> bool {
        self.remote
    }

    /// This stop, plus a deadline of `timeout` after the command starts (a fresh one: clones of
    /// the original do not share it).
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Stop {
        Stop {
            rx: self.rx.clone(),
            timeout,
            remote: self.remote,
            timed_out: Arc::new(OnceLock::new()),
        }
    }

    /// Resolves on a stop request, or once the command started at `started` has run out of
    /// time (then [`Self::timed_out`] says so).
    pub async fn requested_or_due(&mut self, started: tokio::time::Instant) {
        let due = async {
            match self.timeout {
                Some(t) => tokio::time::sleep_until(started + t).await,
                None => std::future::pending().await,
            }
        };
        let timed_out = self.timed_out.clone();
        let timeout = self.timeout.unwrap_or_default();
        let mut me = self.clone();
        tokio::select! {
            () = me.requested() => {}
            () = due => {
                let _ = timed_out.set(TimedOut::Command(timeout));
            }
        }
    }

    /// Resolves on a stop request, once the command has started (its pid is in `pid`: returns
    /// when), or when the login has taken `allowance` more than the command's own timeout
    /// since `spawned` (then [`Self::timed_out`] says so, and `None` is returned).
    pub async fn started_or_stalled(
        &mut self,
        pid: &RemotePid,
        spawned: tokio::time::Instant,
        allowance: Duration,
    ) -> Option<tokio::time::Instant> {
        let Some(limit) = self.timeout.map(|t| t + allowance) else {
            // No deadline: only a request stops it, counted from wherever.
            tokio::select! {
                _ = pid.wait() => {}
                () = self.requested() => {}
            }
            return Some(tokio::time::Instant::now());
        };
        tokio::select! {
            _ = pid.wait() => Some(tokio::time::Instant::now()),
            () = self.requested() => Some(tokio::time::Instant::now()),
            () = tokio::time::sleep_until(spawned + limit) => {
                let _ = self.timed_out.set(TimedOut::BeforeStart(limit));
                None
            }
        }
    }

    /// Which deadline stopped the command, if one did.
    pub fn timed_out(&self) -> Option<TimedOut> {
        self.timed_out.get().copied()
    }

    /// Resolves once a stop was asked for (at once if it already was).
    pub async fn requested(&mut self) {
        match &mut self.rx {
            Some(rx) => {
                if rx.wait_for(|s| *s).await.is_err() {
                    // The handle is gone without asking: no stop will come.
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending().await,
        }
    }

    /// True once a stop was asked for.
    pub fn is_requested(&self) -> bool {
        self.rx.as_ref().is_some_and(|rx| *rx.borrow())
    }
}

impl StopHandle {
    pub fn stop(&self) {
        let _ = self.0.send(true);
    }
}

/// How long the command's process group has after `SIGTERM` before `SIGKILL`, and after that
/// before we stop waiting for it and drop the channel.
pub const TERM_GRACE: Duration = Duration::from_secs(2);
pub const KILL_GRACE: Duration = Duration::from_secs(3);
/// How long sending one signal may take: it is a new session on the master, whose login shell
/// may be slow to start on a loaded host (rc files).
pub const SIGNAL_TIMEOUT: Duration = Duration::from_secs(8);
/// How long whoever asked for a stop waits for the run to end (both signals, the graces, and a
/// margin).
pub const STOP_WAIT: Duration = SIGNAL_TIMEOUT
    .saturating_add(SIGNAL_TIMEOUT)
    .saturating_add(TERM_GRACE)
    .saturating_add(KILL_GRACE)
    .saturating_add(Duration::from_secs(1));

/// A fresh marker for one command.
pub fn marker() -> String {
    format!("stackctl-{}-pid", crate::plan::nonce())
}

/// The line that makes the remote login shell report its pid as `<marker>-<pid>` on stderr: a
/// builtin `echo` for Bourne-style shells, else a `sh` child reporting its parent (one more
/// process per command, for csh and fish, which have no `$$`/`>&2`).
pub fn pid_line(marker: &str, posix_login_shell: bool) -> Vec<u8> {
    if posix_login_shell {
        format!("echo {marker}-$$ >&2\n").into_bytes()
    } else {
        format!("sh -c 'echo {marker}-$PPID >&2'\n").into_bytes()
    }
}

/// The remote command that signals process group `pid` (one shell syntax for every login
/// shell; dash's `kill` takes `-SIG -PGID` but not `--`); it exits non-zero when the group is
/// gone. Only the group: while any process of it lives, the kernel does not hand its number
/// to a new process, so the signal reaches the command and nothing else. The bare pid is never
/// signalled: once the group is gone, that pid may already belong to an unrelated process.
pub fn kill_command(signal: &str, pid: u32) -> String {
    format!("sh -c 'kill -{signal} -{pid} 2>/dev/null'")
}

/// The remote login shell's pid, once its pid line came (0 before).
#[derive(Debug, Default)]
pub struct RemotePid {
    pid: AtomicU32,
    seen: Notify,
}

impl RemotePid {
    /// The pid, or 0 while it has not come.
    pub fn get(&self) -> u32 {
        self.pid.load(Ordering::SeqCst)
    }

    fn set(&self, pid: u32) {
        self.pid.store(pid, Ordering::SeqCst);
        // One waiter at most (the stopper); a permit is kept if it is not waiting yet.
        self.seen.notify_one();
    }

    /// Resolves with the pid once it came.
    pub async fn wait(&self) -> u32 {
        loop {
            let pid = self.get();
            if pid != 0 {
                return pid;
            }
            self.seen.notified().await;
        }
    }
}

/// How far into stderr the marker line is looked for (an rc file may print before it).
const SNIFF_LIMIT: usize = 64 * 1024;

/// An `AsyncRead` over a command's stderr that removes the pid line (recording the pid) and
/// passes everything else through unchanged, holding back only a partial line that could still
/// become the marker.
pub struct PidSniffer<R> {
    inner: R,
    marker: Vec<u8>,
    pid: Arc<RemotePid>,
    /// Bytes read but not yet returned.
    pending: Vec<u8>,
    /// Bytes scanned so far; past [`SNIFF_LIMIT`], or once found, everything passes through.
    seen: usize,
    done: bool,
    eof: bool,
}

impl<R> PidSniffer<R> {
    /// Records the pid in `pid`.
    pub fn new(inner: R, marker: &str, pid: Arc<RemotePid>) -> Self {
        PidSniffer {
            inner,
            marker: format!("{marker}-").into_bytes(),
            pid,
            pending: Vec::new(),
            seen: 0,
            done: false,
            eof: false,
        }
    }

    /// Takes the marker line out of `pending` when it is there; returns how many bytes at the
    /// front of `pending` can be released.
    fn releasable(&mut self) -> usize {
        if self.done || self.eof {
            return self.pending.len();
        }
        let mut start = 0;
        while start < self.pending.len() {
            let rest = &self.pending[start..];
            match rest.iter().position(|b| *b == b'\n') {
                Some(nl) => {
                    let line = &rest[..nl];
                    if let Some(digits) = line.strip_prefix(self.marker.as_slice())
                        && !digits.is_empty()
                        && digits.iter().all(u8::is_ascii_digit)
                    {
                        let pid = std::str::from_utf8(digits)
                            .ok()
                            .and_then(|d| d.parse::<u32>().ok())
                            .unwrap_or(0);
                        self.pid.set(pid);
                        self.pending.drain(start..start + nl + 1);
                        self.done = true;
                        return self.pending.len();
                    }
                    start += nl + 1;
                }
                None => {
                    // A partial line: hold it only while it may still be the marker.
                    let could_be = if rest.len() <= self.marker.len() {
                        self.marker.starts_with(rest)
                    } else {
                        rest.starts_with(&self.marker)
                            && rest[self.marker.len()..].iter().all(u8::is_ascii_digit)
                    };
                    return if could_be { start } else { self.pending.len() };
                }
            }
        }
        start
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for PidSniffer<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        loop {
            let n = self.releasable();
            if n > 0 {
                let take = n.min(buf.remaining());
                buf.put_slice(&self.pending[..take]);
                self.pending.drain(..take);
                return Poll::Ready(Ok(()));
            }
            if self.eof {
                return Poll::Ready(Ok(()));
            }
            if self.done {
                // Found and nothing pending: plain pass-through.
                let me = &mut *self;
                return Pin::new(&mut me.inner).poll_read(cx, buf);
            }
            let mut chunk = [0u8; 8192];
            let mut rb = ReadBuf::new(&mut chunk);
            let me = &mut *self;
            match Pin::new(&mut me.inner).poll_read(cx, &mut rb) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let got = rb.filled();
                    if got.is_empty() {
                        me.eof = true;
                    } else {
                        me.pending.extend_from_slice(got);
                        me.seen += got.len();
                        if me.seen > SNIFF_LIMIT {
                            me.done = true;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn sniff(chunks: &[&[u8]]) -> (Vec<u8>, u32) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let reader = Chunks(chunks.iter().rev().map(|c| c.to_vec()).collect());
            let pid = Arc::new(RemotePid::default());
            let mut s = PidSniffer::new(reader, "stackctl-ab-pid", pid.clone());
            let mut out = Vec::new();
            s.read_to_end(&mut out).await.expect("read");
            (out, pid.get())
        })
    }

    /// A reader returning its chunks one read at a time (stored last first).
    struct Chunks(Vec<Vec<u8>>);

    impl AsyncRead for Chunks {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            if let Some(c) = self.0.pop() {
                buf.put_slice(&c);
            }
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn the_marker_line_is_taken_out_and_its_pid_kept() {
        assert_eq!(
            sniff(&[b"stackctl-ab-pid-4242\nhello\n"]),
            (b"hello\n".to_vec(), 4242)
        );
        // Split anywhere, after other lines, with a prompt (no newline) after it.
        assert_eq!(
            sniff(&[b"rc says hi\nstack", b"ctl-ab-pid-7", b"\nPassword:"]),
            (b"rc says hi\nPassword:".to_vec(), 7)
        );
    }

    #[test]
    fn other_text_passes_unchanged() {
        assert_eq!(
            sniff(&[b"no marker\n", b"x"]),
            (b"no marker\nx".to_vec(), 0)
        );
        // Lookalikes are not the marker.
        assert_eq!(
            sniff(&[b"stackctl-ab-pid-12x\nstackctl-ab-pid-\n"]),
            (b"stackctl-ab-pid-12x\nstackctl-ab-pid-\n".to_vec(), 0)
        );
        // A partial line that cannot be the marker is not held back (a prompt).
        assert_eq!(sniff(&[b"[sudo] pass"]), (b"[sudo] pass".to_vec(), 0));
        // Only the first marker line is taken.
        assert_eq!(
            sniff(&[b"stackctl-ab-pid-1\nstackctl-ab-pid-2\n"]),
            (b"stackctl-ab-pid-2\n".to_vec(), 1)
        );
    }

    #[test]
    fn both_pid_lines_report_the_shell_that_runs_them() {
        for posix in [true, false] {
            let mut script = pid_line("stackctl-ab-pid", posix);
            script.extend_from_slice(b"echo done\n");
            let child = std::process::Command::new("sh")
                .arg("-c")
                .arg(String::from_utf8_lossy(&script).as_ref())
                .output()
                .expect("sh");
            let err = String::from_utf8_lossy(&child.stderr).into_owned();
            let pid: u32 = err
                .trim_end()
                .strip_prefix("stackctl-ab-pid-")
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("{err:?}"));
            assert!(pid > 1, "{err}");
            assert_eq!(String::from_utf8_lossy(&child.stdout), "done\n");
        }
    }

    #[test]
    fn a_kill_reaches_the_process_group_and_never_a_bare_pid() {
        let kill = |signal: &str, pid: u32| {
            // The remote login shell runs the command with `-c`, as `sh` does here.
            std::process::Command::new("sh")
                .arg("-c")
                .arg(kill_command(signal, pid))
                .status()
                .expect("sh")
        };
        // A process in this test's own group (not a group leader): its pid is no group, and
        // the kill must leave it alone, as it would an unrelated process that took over the
        // pid of a command whose group is gone.
        let mut bystander = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep");
        let status = kill("KILL", bystander.id());
        assert!(!status.success(), "no such group: a non-zero exit");
        assert_eq!(bystander.try_wait().expect("wait"), None, "left alone");
        let _ = bystander.kill();
        let _ = bystander.wait();
        // A group leader with a child: both end.
        use std::os::unix::process::CommandExt;
        let mut leader = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .process_group(0)
            .spawn()
            .expect("sh");
        std::thread::sleep(Duration::from_millis(100));
        assert!(kill("TERM", leader.id()).success());
        let status = leader.wait().expect("wait");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(15)
        );
        // Its child goes too (reaped by whoever inherits it, a moment later).
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while kill("TERM", leader.id()).success() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!kill("TERM", leader.id()).success(), "the group is gone");
    }

    #[test]
    fn stop_pairs_and_never() {
        let (h, s) = Stop::pair();
        assert!(!s.is_requested());
        h.stop();
        assert!(s.is_requested());
        assert!(!Stop::never().is_requested());
    }

    fn paused() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("runtime")
    }

    #[test]
    fn the_command_clock_starts_with_the_pid_line_not_the_login() {
        // A slow login (rc files) takes 15 s of an 8 s timeout: the command still gets its 8 s.
        paused().block_on(async {
            let secs = Duration::from_secs;
            let pid = Arc::new(RemotePid::default());
            let mut stop = Stop::never().with_timeout(Some(secs(8)));
            let spawned = tokio::time::Instant::now();
            let p = pid.clone();
            tokio::spawn(async move {
                tokio::time::sleep(secs(15)).await;
                p.set(4242);
            });
            let started = stop.started_or_stalled(&pid, spawned, secs(10)).await;
            assert_eq!(started, Some(spawned + secs(15)));
            stop.requested_or_due(spawned + secs(15)).await;
            assert_eq!(tokio::time::Instant::now(), spawned + secs(23));
            assert_eq!(
                stop.timed_out().map(|t| t.to_string()),
                Some("command timed out after 8s".into())
            );
        });
    }

    #[test]
    fn a_login_that_never_reaches_the_command_times_out_too() {
        paused().block_on(async {
            let secs = Duration::from_secs;
            let pid = RemotePid::default();
            let mut stop = Stop::never().with_timeout(Some(secs(8)));
            let spawned = tokio::time::Instant::now();
            assert_eq!(stop.started_or_stalled(&pid, spawned, secs(10)).await, None);
            assert_eq!(tokio::time::Instant::now(), spawned + secs(18));
            assert_eq!(
                stop.timed_out().map(|t| t.to_string()),
                Some("timed out after 18s before the command started".into())
            );
        });
    }
}
