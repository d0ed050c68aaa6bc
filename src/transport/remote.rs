//! Running a plan on its last ssh master: the plan's command string is the remote command
//! (`raw_command`, so it is not escaped a second time; the remote login shell parses it), with
//! piped stdio driven by the shared stream driver. The ssh connections themselves belong to
//! [`super::ssh::SshPool`]. There is no pty over these sessions, so passwords go through stdin
//! (sudo -S, util-linux su); doas with a password needs a terminal and fails with its own
//! message.

use super::HopError;
use super::ssh::SshPool;
use super::stream::{self, ChildIo, Outcome, UserIo, Watch};
use crate::plan::Plan;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

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
    plan: &Plan,
) -> Result<openssh::RemoteChild<'s>, openssh::Error> {
    let mut cmd = session.raw_command(OsStr::from_bytes(&plan.command));
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

/// Runs the plan on `plan.masters` through `pool`.
pub async fn run(pool: &SshPool, plan: &Plan, user: UserIo) -> Outcome {
    let watch = Watch::from_plan(plan);
    let first = match pool.session(&plan.masters).await {
        Ok(s) => s,
        Err(e) => return Outcome::Hop(e),
    };
    let second;
    let mut child = match spawn(&first, plan).await {
        Ok(c) => c,
        // The pool trusted a master it saw alive a moment ago, and it is gone (its socket
        // refuses us): the request died with it, so asking again (and re-establishing) is safe.
        Err(e) if master_gone(&e, first.control_socket()) => {
            pool.forget(&plan.masters).await;
            second = match pool.session(&plan.masters).await {
                Ok(s) => s,
                Err(e) => return Outcome::Hop(e),
            };
            match spawn(&second, plan).await {
                Ok(c) => c,
                Err(e) => {
                    return last_master_error(plan, format!("cannot start the command: {e}"));
                }
            }
        }
        Err(e) => return last_master_error(plan, format!("cannot start the command: {e}")),
    };
    let io = ChildIo::pipes(
        child.stdin().take(),
        child.stdout().take(),
        child.stderr().take(),
    );
    let driven = stream::drive(&watch, io, user).await;
    if driven.abort.is_some() {
        // No remote kill: dropping the channel closes the hop's stdin, so a waiting prompt
        // ends.
        drop(child);
        return driven.finish(&watch, None);
    }
    let status = match child.wait().await {
        Ok(s) => s.code(),
        Err(openssh::Error::RemoteProcessTerminated) => None,
        Err(e) => return last_master_error(plan, e.to_string()),
    };
    driven.finish(&watch, status)
}
