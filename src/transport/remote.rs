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

/// Runs the plan on `plan.masters` through `pool`.
pub async fn run(pool: &SshPool, plan: &Plan, user: UserIo) -> Outcome {
    let watch = Watch::from_plan(plan);
    let session = match pool.session(&plan.masters).await {
        Ok(s) => s,
        Err(e) => return Outcome::Hop(e),
    };
    let mut cmd = session.raw_command(OsStr::from_bytes(&plan.command));
    cmd.stdin(openssh::Stdio::piped())
        .stdout(openssh::Stdio::piped())
        .stderr(openssh::Stdio::piped());
    let mut child = match cmd.spawn().await {
        Ok(c) => c,
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
