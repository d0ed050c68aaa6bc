//! Running a plan on its last ssh master: the plan's command string is the remote command
//! (`raw_command`, so it is not escaped a second time; the remote login shell parses it), with
//! piped stdio driven by the shared stream driver. The ssh connections themselves belong to
//! [`super::ssh::SshPool`]. There is no pty over these sessions, so passwords go through stdin
//! (sudo -S, util-linux su); doas with a password needs a terminal and fails with its own
//! message. The remote command reports its process id first, so that a timeout or an
//! interrupt can end it there ([`super::stop`]).

use super::HopError;
use super::ssh::SshPool;
use super::ssh::master::{self, MasterPaths};
use super::stop::{self, PidSniffer, RemotePid, Stop};
use super::stream::{self, ChildIo, Outcome, UserIo, Watch};
use crate::plan::Plan;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::time::Duration;

fn last_master_error(plan: &Plan, message: String) -> Outcome {
    let (index, host) = plan
        .masters
        .last()
        .map(|m| (m.hop_index, m.inventory_host.clone()))
        .unwrap_or((0, plan.host.clone()));
    Outcome::Hop(HopError {
        index,
        method: "ssh".into(),
        inventory_host: host,
        message,
    })
}

async fn spawn<'s>(
    session: &'s openssh::Session,
    command: &[u8],
) -> Result<openssh::RemoteChild<'s>, openssh::Error> {
    let mut cmd = session.raw_command(OsStr::from_bytes(command));
    cmd.stdin(openssh::Stdio::piped())
        .stdout(openssh::Stdio::piped())
        .stderr(openssh::Stdio::piped());
    cmd.spawn().await
}

/// True when the session could not be opened because the master is gone: the mux connection
/// failed, and the control socket refuses a new connection (missing, or left by a killed
/// master).
fn master_gone(e: &openssh::Error, sock: &std::path::Path) -> bool {
    let refused = |io: &std::io::Error| {
        matches!(
            io.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
        )
    };
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut disconnected = matches!(e, openssh::Error::Disconnected);
    while let Some(err) = source {
        if err.downcast_ref::<std::io::Error>().is_some_and(refused) {
            disconnected = true;
        }
        source = err.source();
    }
    disconnected && std::os::unix::net::UnixStream::connect(sock).is_err_and(|e| refused(&e))
}

/// Runs the plan on `plan.masters` through `pool`; on `stop`, kills the remote command's
/// process group (see [`super::stop`]) and returns once it has ended.
pub async fn run(pool: &SshPool, plan: &Plan, user: UserIo, mut stop: Stop) -> Outcome {
    let watch = Watch::from_plan(plan);
    let marker = stop::marker();
    let mut command = Vec::new();
    if stop.kills_remote() {
        command = stop::pid_line(&marker, plan.posix_login_shell);
    }
    command.extend_from_slice(&plan.command);
    let first = match pool.session(&plan.masters).await {
        Ok(s) => s,
        Err(e) => return Outcome::Hop(e),
    };
    if stop.is_requested() {
        // Stopped while connecting: the command never starts.
        return Outcome::Exited(255);
    }
    let second;
    let mut session: &openssh::Session = &first;
    let mut child = match spawn(session, &command).await {
        Ok(c) => c,
        // The pool trusted a master it saw alive a moment ago, and it is gone (its socket
        // refuses us): the request died with it, so asking again (and re-establishing) is safe.
        // (Only a master that died after forwarding the request and before answering could
        // have started the command: a window of microseconds, accepted.)
        Err(e) if master_gone(&e, first.control_socket()) => {
            pool.forget(&plan.masters).await;
            second = match pool.session(&plan.masters).await {
                Ok(s) => s,
                Err(e) => return Outcome::Hop(e),
            };
            session = &second;
            match spawn(session, &command).await {
                Ok(c) => c,
                Err(e) => {
                    return last_master_error(plan, format!("cannot start the command: {e}"));
                }
            }
        }
        Err(e) => return last_master_error(plan, format!("cannot start the command: {e}")),
    };
    let pid = Arc::new(RemotePid::default());
    let io = ChildIo::pipes(
        child.stdin().take(),
        child.stdout().take(),
        child
            .stderr()
            .take()
            .map(|e| PidSniffer::new(e, &marker, pid.clone())),
    );
    let drive = stream::drive(&watch, io, user);
    tokio::pin!(drive);
    let spawned = tokio::time::Instant::now();
    let stopper = async {
        if !stop.kills_remote() {
            stop.requested_or_due(spawned).await;
            return;
        }
        // The command's clock starts with its pid line, after the login shell's rc files (which
        // a loaded host, or many logins at once, can make slow); a login that never gets there
        // has the last hop's connect timeout on top.
        let allowance =
            Duration::from_secs(plan.masters.last().map_or(10, |m| m.connect_timeout).max(1));
        let Some(started) = stop.started_or_stalled(&pid, spawned, allowance).await else {
            // No pid to signal: only the channel can go.
            return;
        };
        stop.requested_or_due(started).await;
        // Asked to stop right as the command started: its pid is on the way.
        let soon = tokio::time::Instant::now() + stop::TERM_GRACE;
        let _ = tokio::time::timeout_at(soon, pid.wait()).await;
        let term = signal(session, "TERM", &pid).await;
        tokio::time::sleep(stop::TERM_GRACE).await;
        // A group found gone is not signalled again: its number is free for reuse.
        if term != Some(false) {
            signal(session, "KILL", &pid).await;
        }
        tokio::time::sleep(stop::KILL_GRACE).await;
    };
    let driven = tokio::select! {
        d = &mut drive => d,
        // Still not ended after SIGKILL (or its pid never came): drop the channel.
        () = stopper => return Outcome::Exited(255),
    };
    if driven.abort.is_some() {
        // No remote kill: dropping the channel closes the hop's stdin, so a waiting prompt
        // ends.
        drop(child);
        return driven.finish(&watch, None);
    }
    let status = match child.wait().await {
        Ok(s) => s.code(),
        Err(openssh::Error::RemoteProcessTerminated) => None,
        Err(e) => {
            return dead_hop(pool, plan)
                .await
                .map_or_else(|| last_master_error(plan, e.to_string()), Outcome::Hop);
        }
    };
    if status.is_none()
        && let Some(e) = dead_hop(pool, plan).await
    {
        return Outcome::Hop(e);
    }
    driven.finish(&watch, status)
}

/// How long the parents of a master found dead get to end too before they are looked at: when a
/// bastion dies, the masters tunnelled through it end a moment after it or before it.
const SETTLE: Duration = Duration::from_millis(300);

/// After a session ended without an exit status: the outermost master of the chain that is gone
/// (its control socket refuses), as the hop that failed, with what its log says; `None` when
/// every master is alive (the command itself was killed).
async fn dead_hop(pool: &SshPool, plan: &Plan) -> Option<HopError> {
    let keys = SshPool::keys(&plan.masters);
    let paths: Vec<MasterPaths> = keys
        .iter()
        .map(|k| MasterPaths::new(pool.control_dir(), k))
        .collect();
    let gone = |p: &MasterPaths| std::os::unix::net::UnixStream::connect(&p.sock).is_err();
    let first = paths.iter().position(gone)?;
    tokio::time::sleep(SETTLE).await;
    let outermost = paths[..first].iter().position(gone).unwrap_or(first);
    let t = &plan.masters[outermost];
    let why = master::log_error(&paths[outermost].log);
    // The chain's masters are gone: the next session re-establishes them.
    pool.forget(&plan.masters).await;
    Some(HopError {
        index: t.hop_index,
        method: "ssh".into(),
        inventory_host: t.inventory_host.clone(),
        message: if why.is_empty() {
            "connection lost while the command ran".into()
        } else {
            format!("connection lost while the command ran: {why}")
        },
    })
}

/// Sends `SIGNAL` to the remote process group of `pid` (nothing when the pid never came).
/// Returns whether the group was there (`None`: not known, the kill did not report in time).
async fn signal(session: &openssh::Session, name: &str, pid: &RemotePid) -> Option<bool> {
    let pid = pid.get();
    if pid == 0 {
        return None;
    }
    let mut kill = session.raw_command(stop::kill_command(name, pid));
    // Nothing of ours: an inherited stdin would be handed to the master, which reads it for as
    // long as the session lasts, and may outlast our wait on a slow login. In a worker that
    // stdin is its task pipe, and the next task would be read by the master instead.
    kill.stdin(openssh::Stdio::null())
        .stdout(openssh::Stdio::null())
        .stderr(openssh::Stdio::null());
    match tokio::time::timeout(stop::SIGNAL_TIMEOUT, kill.status()).await {
        Ok(Ok(status)) => status.code().map(|c| c == 0),
        _ => None,
    }
}
