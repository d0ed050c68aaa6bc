//! The stream driver shared by every transport: given a running child's pipes (any tokio
//! `AsyncRead`/`AsyncWrite`: local pipes, a pty master, an ssh session's channels), it
//!
//! - streams the child's stdout to ours as it comes;
//! - until the last hop's marker line appears on the child's stderr, keeps stderr (and the pty
//!   output, when there is one) to itself: it answers password prompts there (sudo's unique
//!   `-p` prompt, su/doas `Password:`), strips the hop markers, and remembers the rest to
//!   explain a failing hop;
//! - from then on streams stderr as it comes and forwards our stdin to the child.
//!
//! A second prompt for the same hop means a wrong password, a prompt without a password is a
//! missing one: the driver stops at once (the caller kills the child) with the error texts of
//! mitogen-stack.md §5 (`sudo password is incorrect` …). It never waits past the plan's ready
//! timeout for the hops. Secrets are written only to the child's stdin (or pty) and are
//! replaced by `********` in any text the driver reports.

use super::HopError;
use crate::plan::{BecomeMethod, Plan, SecretFeed};
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

pub type Reader = Pin<Box<dyn AsyncRead + Send>>;
pub type Writer = Pin<Box<dyn AsyncWrite + Send>>;

/// What to do when our stdin ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdinEof {
    /// Close the child's stdin (a pipe).
    Close,
    /// Write end-of-file characters (a pty in canonical mode: `^D`).
    PtyEof,
}

/// The child's side.
pub struct ChildIo {
    /// Where passwords and our stdin go (a pipe, or the pty master).
    pub stdin: Option<Writer>,
    pub stdout: Option<Reader>,
    pub stderr: Option<Reader>,
    /// The pty master's output, when the child has a pty.
    pub tty: Option<Reader>,
    /// True when the pty carries the child's output (`-t`): it is streamed to our stdout once
    /// the command runs. False for a pty used only for password prompts (its output is dropped).
    pub tty_is_output: bool,
    pub stdin_eof: StdinEof,
    /// Called once when the user's command starts (e.g. to stop echo on the pty).
    pub on_ready: Option<Box<dyn FnOnce() + Send>>,
}

impl ChildIo {
    /// Plain pipes.
    pub fn pipes(
        stdin: Option<impl AsyncWrite + Send + 'static>,
        stdout: Option<impl AsyncRead + Send + 'static>,
        stderr: Option<impl AsyncRead + Send + 'static>,
    ) -> ChildIo {
        ChildIo {
            stdin: stdin.map(|w| Box::pin(w) as Writer),
            stdout: stdout.map(|r| Box::pin(r) as Reader),
            stderr: stderr.map(|r| Box::pin(r) as Reader),
            tty: None,
            tty_is_output: false,
            stdin_eof: StdinEof::Close,
            on_ready: None,
        }
    }
}

/// Our side: where output goes and where input comes from (chunks; the channel closing is
/// end-of-file; `None` is no input at all).
pub struct UserIo {
    pub stdin: Option<mpsc::Receiver<Vec<u8>>>,
    pub stdout: Writer,
    pub stderr: Writer,
}

/// What the driver watches for, from a plan.
#[derive(Debug, Clone)]
pub struct Watch {
    /// `(hop index, method, inventory host, marker)`, outermost first.
    pub layers: Vec<(usize, String, String, Vec<u8>)>,
    pub feeds: Vec<SecretFeed>,
    pub ready_timeout: Duration,
}

impl Watch {
    pub fn from_plan(plan: &Plan) -> Watch {
        Watch {
            layers: plan
                .layers
                .iter()
                .map(|l| {
                    (
                        l.hop_index,
                        l.method.clone(),
                        l.inventory_host.clone(),
                        l.marker.clone().into_bytes(),
                    )
                })
                .collect(),
            feeds: plan.feeds.clone(),
            ready_timeout: plan.ready_timeout,
        }
    }
}

/// How a driven run ended, before the exit status is known.
#[derive(Debug)]
pub struct Driven {
    /// The user's command started (every hop marker was seen).
    pub ready: bool,
    /// The driver stopped early: the caller must kill the child and report this.
    pub abort: Option<HopError>,
    /// Index into `Watch::layers` of the hop being entered when it stopped.
    current: usize,
    /// What the hops printed before the command started (secrets redacted).
    hop_text: Vec<u8>,
    /// Feeds that were sent their password.
    sent: Vec<bool>,
}

/// The final result of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The user's command ran and ended with this status (128+N for signal N).
    Exited(i32),
    /// A hop failed.
    Hop(HopError),
}

impl Outcome {
    /// The exit status stackctl ends with, like ssh: the command's, or 255 for a hop.
    pub fn exit_code(&self) -> i32 {
        match self {
            Outcome::Exited(c) => *c,
            Outcome::Hop(_) => 255,
        }
    }
}

impl Driven {
    /// The outcome once the child's exit status is known (`None`: unknown).
    pub fn finish(self, watch: &Watch, status: Option<i32>) -> Outcome {
        if let Some(e) = self.abort {
            return Outcome::Hop(e);
        }
        if self.ready {
            return Outcome::Exited(status.unwrap_or(255));
        }
        let message = failure_text(watch, self.current, &self.hop_text, &self.sent, status);
        Outcome::Hop(hop_error(watch, self.current, message))
    }
}

fn hop_error(watch: &Watch, current: usize, message: String) -> HopError {
    match watch.layers.get(current) {
        Some((index, method, host, _)) => HopError {
            index: *index,
            method: method.clone(),
            inventory_host: host.clone(),
            message,
        },
        None => HopError {
            index: 0,
            method: "exec".into(),
            inventory_host: String::new(),
            message,
        },
    }
}

fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let h = String::from_utf8_lossy(hay).to_lowercase();
    h.contains(&needle.to_lowercase())
}

/// Why the hop being entered failed, from what it printed.
fn failure_text(
    watch: &Watch,
    current: usize,
    text: &[u8],
    sent: &[bool],
    status: Option<i32>,
) -> String {
    let hop_index = watch.layers.get(current).map(|l| l.0);
    let feed = watch
        .feeds
        .iter()
        .enumerate()
        .find(|(_, f)| Some(f.hop_index) == hop_index);
    if let Some((fi, f)) = feed {
        let was_sent = sent.get(fi).copied().unwrap_or(false);
        let name = f.method.name();
        let (required, incorrect): (&[&str], &[&str]) = match f.method {
            BecomeMethod::Sudo => (
                &["a password is required", "a terminal is required"],
                &["incorrect password attempt", "sorry, try again"],
            ),
            BecomeMethod::Su => (
                &[],
                &[
                    "su: sorry",
                    "su: authentication failure",
                    "su: incorrect password",
                    "authentication is denied",
                ],
            ),
            BecomeMethod::Doas => (
                &["a password is required", "doas: authentication required"],
                &["doas: authentication failed", "doas: authorization failed"],
            ),
        };
        if f.method == BecomeMethod::Doas && contains_ci(text, "a tty is required") {
            return "doas reads its password from a terminal, which this session has none of \
                    (use a nopass rule, or sudo)"
                .into();
        }
        if required.iter().any(|m| contains_ci(text, m)) {
            return format!("{name} password is required");
        }
        if incorrect.iter().any(|m| contains_ci(text, m)) {
            return if was_sent || f.secret.is_some() {
                format!("{name} password is incorrect")
            } else {
                format!("{name} password is required")
            };
        }
    }
    let s = String::from_utf8_lossy(text);
    let last = s
        .lines()
        .map(|l| l.trim())
        .rfind(|l| !l.is_empty())
        .map(str::to_string);
    match (last, status) {
        (Some(l), _) => l,
        (None, Some(c)) => format!("exited with status {c} before the command started"),
        (None, None) => "ended before the command started".into(),
    }
}

/// The scanning state before the command starts.
struct Scan<'a> {
    watch: &'a Watch,
    current: usize,
    counts: Vec<u32>,
    sent: Vec<bool>,
    hop_text: Vec<u8>,
}

enum Found {
    Marker { at: usize, end: usize },
    Prompt { at: usize, end: usize, feed: usize },
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

impl Scan<'_> {
    fn ready(&self) -> bool {
        self.current >= self.watch.layers.len()
    }

    /// The earliest marker or prompt in `buf`; `None` when there is none yet.
    fn next(&self, buf: &[u8]) -> Option<Found> {
        let mut best: Option<Found> = None;
        let mut consider = |f: Found| {
            let at = |f: &Found| match f {
                Found::Marker { at, .. } | Found::Prompt { at, .. } => *at,
            };
            if best.as_ref().is_none_or(|b| at(&f) < at(b)) {
                best = Some(f);
            }
        };
        if let Some((_, _, _, marker)) = self.watch.layers.get(self.current)
            && let Some(at) = find(buf, marker)
        {
            let after = &buf[at + marker.len()..];
            if after.starts_with(b"\n") {
                consider(Found::Marker {
                    at,
                    end: at + marker.len() + 1,
                });
            } else if after.starts_with(b"\r\n") {
                consider(Found::Marker {
                    at,
                    end: at + marker.len() + 2,
                });
            }
        }
        let current_hop = self.watch.layers.get(self.current).map(|l| l.0);
        for (fi, f) in self.watch.feeds.iter().enumerate() {
            match &f.prompt {
                Some(p) => {
                    if let Some(at) = find(buf, p.as_bytes()) {
                        consider(Found::Prompt {
                            at,
                            end: at + p.len(),
                            feed: fi,
                        });
                    }
                }
                None if Some(f.hop_index) == current_hop => {
                    if let Some(at) = find_ci(buf, b"password:") {
                        consider(Found::Prompt {
                            at,
                            end: at + b"password:".len(),
                            feed: fi,
                        });
                    }
                }
                None => {}
            }
        }
        best
    }

    fn redact(&self, text: &[u8]) -> Vec<u8> {
        let mut out = text.to_vec();
        for f in &self.watch.feeds {
            if let Some(s) = &f.secret {
                let s = s.expose().as_bytes();
                while let Some(at) = find(&out, s) {
                    out.splice(at..at + s.len(), b"********".iter().copied());
                }
            }
        }
        out
    }
}

/// Runs the driver until the child's output ends or a hop fails.
pub async fn drive(watch: &Watch, child: ChildIo, user: UserIo) -> Driven {
    let ChildIo {
        stdin: mut child_in,
        stdout: mut c_out,
        stderr: mut c_err,
        tty: mut c_tty,
        tty_is_output,
        stdin_eof,
        mut on_ready,
    } = child;
    let UserIo {
        stdin: user_in,
        stdout: mut u_out,
        stderr: mut u_err,
    } = user;
    let mut scan = Scan {
        watch,
        current: 0,
        counts: vec![0; watch.feeds.len()],
        sent: vec![false; watch.feeds.len()],
        hop_text: Vec::new(),
    };
    let mut user_in = user_in;
    let mut stdin_task: Option<tokio::task::JoinHandle<()>> = None;
    let mut err_buf: Vec<u8> = Vec::new();
    let mut tty_buf: Vec<u8> = Vec::new();
    let deadline = tokio::time::Instant::now() + watch.ready_timeout;
    let mut abort: Option<HopError> = None;
    // Read buffers are never zeroed: a read fills only what it returns (see `read_opt`).
    let buffer = || Vec::with_capacity(READ_CHUNK);
    let (mut b1, mut b2, mut b3) = (buffer(), buffer(), buffer());

    let mut start_if_ready =
        |scan: &Scan,
         child_in: &mut Option<Writer>,
         user_in: &mut Option<mpsc::Receiver<Vec<u8>>>,
         stdin_task: &mut Option<tokio::task::JoinHandle<()>>| {
            if !scan.ready() || stdin_task.is_some() {
                return;
            }
            if let Some(f) = on_ready.take() {
                f();
            }
            let w = child_in.take();
            let r = user_in.take();
            let eof = stdin_eof.clone();
            *stdin_task = Some(tokio::spawn(forward_stdin(r, w, eof)));
        };
    start_if_ready(&scan, &mut child_in, &mut user_in, &mut stdin_task);

    loop {
        let ready = scan.ready();
        let out_open = c_out.is_some();
        let err_open = c_err.is_some();
        let tty_open = c_tty.is_some();
        // Done when every stream that carries output has ended.
        if !out_open && !err_open && (!tty_is_output || !tty_open) {
            break;
        }
        tokio::select! {
            r = read_opt(&mut c_out, &mut b1), if out_open => match r {
                Some(n) => {
                    let wrote = u_out.write_all(&b1[..n]).await.and(u_out.flush().await);
                    if wrote.is_err() {
                        // Our stdout is gone (e.g. `| head -1`): close the child's so it gets
                        // SIGPIPE on its next write, as in a pipeline.
                        c_out = None;
                    }
                }
                None => c_out = None,
            },
            r = read_opt(&mut c_err, &mut b2), if err_open => match r {
                Some(n) => {
                    if ready {
                        let _ = u_err.write_all(&b2[..n]).await;
                        let _ = u_err.flush().await;
                    } else {
                        err_buf.extend_from_slice(&b2[..n]);
                        if let Err(e) = process(&mut scan, &mut err_buf, &mut child_in).await {
                            abort = Some(e);
                            break;
                        }
                        if scan.ready() {
                            // What follows the last marker is the command's own stderr.
                            let rest = std::mem::take(&mut err_buf);
                            let _ = u_err.write_all(&rest).await;
                            let _ = u_err.flush().await;
                            if !tty_is_output {
                                tty_buf.clear();
                            }
                            start_if_ready(&scan, &mut child_in, &mut user_in, &mut stdin_task);
                        }
                    }
                }
                None => c_err = None,
            },
            r = read_opt(&mut c_tty, &mut b3), if tty_open => match r {
                Some(n) => {
                    if ready {
                        if tty_is_output {
                            let _ = u_out.write_all(&b3[..n]).await;
                            let _ = u_out.flush().await;
                        }
                    } else {
                        tty_buf.extend_from_slice(&b3[..n]);
                        if let Err(e) = process(&mut scan, &mut tty_buf, &mut child_in).await {
                            abort = Some(e);
                            break;
                        }
                        if scan.ready() {
                            let rest = std::mem::take(&mut tty_buf);
                            if tty_is_output {
                                let _ = u_out.write_all(&rest).await;
                                let _ = u_out.flush().await;
                            }
                            err_buf.clear();
                            start_if_ready(&scan, &mut child_in, &mut user_in, &mut stdin_task);
                        }
                    }
                }
                None => c_tty = None,
            },
            _ = tokio::time::sleep_until(deadline), if !ready => {
                let msg = format!(
                    "timed out after {}s before the command started{}",
                    watch.ready_timeout.as_secs(),
                    last_line(&scan.redact(&[&scan.hop_text[..], &err_buf[..], &tty_buf[..]].concat()))
                        .map(|l| format!(" (last output: {l})"))
                        .unwrap_or_default()
                );
                abort = Some(hop_error(watch, scan.current, msg));
                break;
            }
        }
    }
    if !scan.ready() {
        scan.hop_text.extend_from_slice(&err_buf);
        scan.hop_text.extend_from_slice(&tty_buf);
    }
    if let Some(t) = stdin_task {
        t.abort();
    }
    let _ = u_out.flush().await;
    let _ = u_err.flush().await;
    let hop_text = scan.redact(&scan.hop_text);
    Driven {
        ready: scan.ready(),
        abort,
        current: scan.current,
        hop_text,
        sent: scan.sent,
    }
}

fn last_line(text: &[u8]) -> Option<String> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| l.trim())
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
}

/// The most one read of a child's stream returns.
const READ_CHUNK: usize = 16384;

/// Reads the next chunk of `r` into `buf` (emptied first), up to its capacity, without zeroing
/// it first: a sampling profile of warm runs on many hosts put 9% of a worker's samples in
/// zeroing three fresh buffers per task (the run's measured CPU moved by less than its noise).
/// `None` at the end of the stream (or on an error, which ends it too). Cancel-safe, like
/// `read_buf`.
async fn read_opt(r: &mut Option<Reader>, buf: &mut Vec<u8>) -> Option<usize> {
    buf.clear();
    match r {
        Some(r) => match r.read_buf(buf).await {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(n),
        },
        None => None,
    }
}

/// Handles every complete marker and prompt in `buf`, leaving unmatched text (which may be the
/// start of one) in it.
async fn process(
    scan: &mut Scan<'_>,
    buf: &mut Vec<u8>,
    child_in: &mut Option<Writer>,
) -> Result<(), HopError> {
    while !scan.ready() {
        let Some(found) = scan.next(buf) else {
            // Keep a tail that could be the start of a marker or prompt; the rest is text.
            let keep = 128.min(buf.len());
            let cut = buf.len() - keep;
            let head: Vec<u8> = buf.drain(..cut).collect();
            scan.hop_text.extend_from_slice(&head);
            // Only the end explains a failure; keep memory bounded for chatty hops.
            const KEEP: usize = 64 * 1024;
            if scan.hop_text.len() > KEEP {
                let extra = scan.hop_text.len() - KEEP;
                scan.hop_text.drain(..extra);
            }
            return Ok(());
        };
        match found {
            Found::Marker { at, end } => {
                scan.hop_text.extend_from_slice(&buf[..at]);
                buf.drain(..end);
                scan.current += 1;
                // A new hop: what the previous hops printed no longer explains a failure.
                scan.hop_text.clear();
            }
            Found::Prompt { at, end, feed } => {
                scan.hop_text.extend_from_slice(&buf[..at]);
                buf.drain(..end);
                let f = &scan.watch.feeds[feed];
                scan.counts[feed] += 1;
                let name = f.method.name();
                let err = |m: String| {
                    let pos = scan
                        .watch
                        .layers
                        .iter()
                        .position(|l| l.0 == f.hop_index)
                        .unwrap_or(scan.current);
                    hop_error(scan.watch, pos, m)
                };
                if scan.counts[feed] > 1 {
                    return Err(err(format!("{name} password is incorrect")));
                }
                let Some(secret) = &f.secret else {
                    return Err(err(format!("{name} password is required")));
                };
                let Some(w) = child_in.as_mut() else {
                    return Err(err(format!(
                        "{name} asked for a password but its input is closed"
                    )));
                };
                let mut line = secret.expose().as_bytes().to_vec();
                line.push(b'\n');
                let wrote = w.write_all(&line).await.and(w.flush().await);
                line.fill(0);
                if wrote.is_err() {
                    return Err(err(format!("{name} closed its input before the password")));
                }
                scan.sent[feed] = true;
            }
        }
    }
    Ok(())
}

/// Forwards our stdin to the child's until either ends.
async fn forward_stdin(
    user_in: Option<mpsc::Receiver<Vec<u8>>>,
    child_in: Option<Writer>,
    eof: StdinEof,
) {
    let Some(mut w) = child_in else { return };
    let Some(mut r) = user_in else {
        finish_stdin(&mut w, &eof, true).await;
        return;
    };
    let mut last_newline = true;
    while let Some(chunk) = r.recv().await {
        if chunk.is_empty() {
            continue;
        }
        last_newline = chunk.ends_with(b"\n");
        if w.write_all(&chunk).await.is_err() || w.flush().await.is_err() {
            return;
        }
    }
    finish_stdin(&mut w, &eof, last_newline).await;
}

async fn finish_stdin(w: &mut Writer, eof: &StdinEof, last_newline: bool) {
    match eof {
        StdinEof::Close => {
            let _ = w.shutdown().await;
        }
        StdinEof::PtyEof => {
            // ^D ends a partial line, a second one at the start of a line is end-of-file.
            let eot: &[u8] = if last_newline { b"\x04" } else { b"\x04\x04" };
            let _ = w.write_all(eot).await;
            let _ = w.flush().await;
        }
    }
}

impl UserIo {
    /// This process's stdout and stderr; stdin (when `forward_stdin`) read by a helper thread
    /// in chunks as they come.
    pub fn process() -> UserIo {
        let (tx, rx) = mpsc::channel::<Vec<u8>>(16);
        std::thread::spawn(move || {
            use std::io::Read;
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 16384];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.blocking_send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        UserIo {
            stdin: Some(rx),
            stdout: Box::pin(tokio::io::stdout()),
            stderr: Box::pin(tokio::io::stderr()),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The driver against in-memory streams (any AsyncRead/AsyncWrite works): a scripted "child"
    //! writes prompts and markers in awkward chunks and reads what the driver answers.
    use super::*;
    use crate::transport::SecretText;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    fn watch(secret: Option<&str>) -> Watch {
        Watch {
            layers: vec![(
                1,
                "sudo".into(),
                "web01".into(),
                b"stackctl-N-hop-1".to_vec(),
            )],
            feeds: vec![SecretFeed {
                hop_index: 1,
                method: BecomeMethod::Sudo,
                inventory_host: "web01".into(),
                username: "root".into(),
                prompt: Some("stackctl-N-sudo-1:".into()),
                secret: secret.map(SecretText::new),
            }],
            ready_timeout: Duration::from_secs(5),
        }
    }

    /// Runs the driver against a child that writes `err_chunks` to stderr (reading one line
    /// from its stdin after each chunk ending in a prompt), then `out` on stdout.
    async fn scripted(
        w: &Watch,
        err_chunks: Vec<&'static [u8]>,
        out: &'static [u8],
    ) -> (Driven, Vec<u8>, Vec<u8>, Vec<u8>) {
        let (child_in_w, mut child_in_r) = duplex(1024);
        let (mut child_out_w, child_out_r) = duplex(1024);
        let (mut child_err_w, child_err_r) = duplex(1024);
        let (user_out_w, mut user_out_r) = duplex(1 << 16);
        let (user_err_w, mut user_err_r) = duplex(1 << 16);
        let child = tokio::spawn(async move {
            let mut got = Vec::new();
            for c in err_chunks {
                let _ = child_err_w.write_all(c).await;
                if c.ends_with(b":") || c.ends_with(b": ") {
                    let mut b = [0u8; 1];
                    while child_in_r.read_exact(&mut b).await.is_ok() {
                        got.push(b[0]);
                        if b[0] == b'\n' {
                            break;
                        }
                    }
                }
                tokio::task::yield_now().await;
            }
            let _ = child_out_w.write_all(out).await;
            drop(child_out_w);
            drop(child_err_w);
            got
        });
        let io = ChildIo::pipes(Some(child_in_w), Some(child_out_r), Some(child_err_r));
        let user = UserIo {
            stdin: None,
            stdout: Box::pin(user_out_w),
            stderr: Box::pin(user_err_w),
        };
        let d = drive(w, io, user).await;
        let fed = child.await.unwrap_or_default();
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let _ = user_out_r.read_to_end(&mut o).await;
        let _ = user_err_r.read_to_end(&mut e).await;
        (d, fed, o, e)
    }

    #[tokio::test]
    async fn prompt_and_marker_split_across_chunks() {
        let w = watch(Some("s3cret"));
        let (d, fed, out, err) = scripted(
            &w,
            vec![
                b"stackctl-N-su",
                b"do-1:",
                b"stackctl-N-h",
                b"op-1\nreal stderr\n",
            ],
            b"output\n",
        )
        .await;
        assert!(d.ready && d.abort.is_none());
        assert_eq!(fed, b"s3cret\n");
        assert_eq!(out, b"output\n");
        assert_eq!(err, b"real stderr\n");
        assert_eq!(d.finish(&w, Some(0)), Outcome::Exited(0));
    }

    #[tokio::test]
    async fn sudo_rs_prompt_form_is_recognised() {
        let w = watch(Some("pw"));
        let (d, fed, _, _) = scripted(
            &w,
            vec![
                b"[sudo: stackctl-N-sudo-1:] Password: ",
                b"stackctl-N-hop-1\n",
            ],
            b"",
        )
        .await;
        assert!(d.ready);
        assert_eq!(fed, b"pw\n");
    }

    #[tokio::test]
    async fn second_prompt_is_incorrect_and_no_password_is_required() {
        let w = watch(Some("wrong"));
        let (d, _, _, _) = scripted(
            &w,
            vec![
                b"stackctl-N-sudo-1:",
                b"Sorry, try again.\nstackctl-N-sudo-1:",
            ],
            b"",
        )
        .await;
        let o = d.finish(&w, None);
        assert_eq!(
            o,
            Outcome::Hop(HopError {
                index: 1,
                method: "sudo".into(),
                inventory_host: "web01".into(),
                message: "sudo password is incorrect".into()
            })
        );
        assert_eq!(o.exit_code(), 255);
        let w = watch(None);
        let (d, fed, _, _) = scripted(&w, vec![b"stackctl-N-sudo-1:"], b"").await;
        assert!(fed.is_empty());
        match d.finish(&w, None) {
            Outcome::Hop(e) => assert_eq!(e.message, "sudo password is required"),
            o => panic!("{o:?}"),
        }
    }

    #[tokio::test]
    async fn failure_text_names_the_hop_and_never_shows_the_secret() {
        let w = watch(Some("hunter2"));
        let (d, _, out, err) = scripted(
            &w,
            vec![b"stackctl-N-sudo-1:", b"sudo: weird failure hunter2\n"],
            b"",
        )
        .await;
        assert!(!d.ready && out.is_empty() && err.is_empty());
        match d.finish(&w, Some(1)) {
            Outcome::Hop(e) => {
                assert_eq!(
                    e.to_string(),
                    "hop 1 (sudo on web01): sudo: weird failure ********"
                )
            }
            o => panic!("{o:?}"),
        }
        // sudo -n without a password.
        let w = watch(None);
        let (d, _, _, _) = scripted(&w, vec![b"sudo: a password is required\n"], b"").await;
        match d.finish(&w, Some(1)) {
            Outcome::Hop(e) => assert_eq!(e.message, "sudo password is required"),
            o => panic!("{o:?}"),
        }
    }
}
