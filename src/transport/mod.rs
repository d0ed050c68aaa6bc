//! Transport stage: running a plan for real. `ssh` owns OpenSSH masters (the openssh crate,
//! native mux, one master per hop key, tunnelled through its parent's master), `local` runs the
//! plan's command string on this machine; both stream output and feed secrets without argv.
//!
//! The contract between the plan and the transports is the types below.

use crate::config::Secret;

pub mod local;
pub mod pty;
pub mod remote;
pub mod ssh;
pub mod stop;
pub mod stream;
pub mod tty;

/// One ssh connection made from this machine (tunnelled through the previous one when it is
/// not the first). Built by the plan from an ssh hop's kwargs (execution.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SshTarget {
    /// Index of the hop in the stack (for error messages).
    pub hop_index: usize,
    /// The inventory host this hop belongs to.
    pub inventory_host: String,
    pub hostname: String,
    pub port: Option<u16>,
    pub username: Option<String>,
    /// `~` already expanded.
    pub identity_file: Option<String>,
    /// `check_host_keys=enforce` → true (StrictHostKeyChecking yes); ignore → false
    /// (StrictHostKeyChecking no, UserKnownHostsFile /dev/null).
    pub check_host_keys: bool,
    pub connect_timeout: u64,
    pub keepalive_interval: u64,
    pub keepalive_count: u64,
    pub compression: bool,
    /// Appended verbatim after stackctl's own options.
    pub ssh_args: Vec<String>,
    pub ssh_path: String,
    pub debug_level: u8,
    /// SSH password (fed by askpass helper or pty, never argv).
    pub password: Option<SecretText>,
}

/// A secret that still hashes and compares (hop keys include it) but never prints.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(s: impl Into<String>) -> Self {
        SecretText(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(********)")
    }
}

impl From<&Secret> for SecretText {
    fn from(s: &Secret) -> Self {
        SecretText(s.expose().to_string())
    }
}

/// A hop failure: which hop, and why. Printed as
/// `hop 1 (sudo on bastion): sudo password is incorrect`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hop {index} ({method} on {inventory_host}): {message}")]
pub struct HopError {
    pub index: usize,
    pub method: String,
    pub inventory_host: String,
    pub message: String,
}

/// Runs a plan: locally when it has no ssh master, else on its last master through a fresh
/// [`ssh::SshPool`]. Never panics; every failure is an [`stream::Outcome::Hop`].
pub async fn run_plan(plan: &crate::plan::Plan, user: stream::UserIo) -> stream::Outcome {
    run_plan_with(
        plan,
        user,
        ssh::SshPoolOptions::default(),
        stop::Stop::never(),
    )
    .await
}

/// [`run_plan`] with the pool's options (`--persist`) and a [`stop::Stop`].
pub async fn run_plan_with(
    plan: &crate::plan::Plan,
    user: stream::UserIo,
    pool_options: ssh::SshPoolOptions,
    stop: stop::Stop,
) -> stream::Outcome {
    if plan.masters.is_empty() {
        return run_plan_until(Err("no ssh pool"), plan, user, stop).await;
    }
    match ssh::SshPool::new(pool_options) {
        Ok(pool) => {
            let outcome = run_plan_until(Ok(&pool), plan, user, stop).await;
            pool.finish().await;
            outcome
        }
        Err(e) => run_plan_until(Err(&e.to_string()), plan, user, stop).await,
    }
}

/// Runs a plan with the masters of a run-wide pool (many hosts share their bastions' masters).
/// `Err` when the pool could not be made: plans with masters fail with that message. A `tty`
/// plan with masters runs the ssh client on the last master's control socket under a local
/// pty ([`tty::run`]).
pub async fn run_plan_in(
    pool: Result<&ssh::SshPool, &str>,
    plan: &crate::plan::Plan,
    user: stream::UserIo,
) -> stream::Outcome {
    run_plan_until(pool, plan, user, stop::Stop::never()).await
}

/// [`run_plan_in`] until `stop`: a remote command's process group is killed where it runs
/// ([`remote::run`]); a local one, or one under a pty (whose hangup ends the remote side),
/// is dropped, which kills its local process group. The outcome of a stopped run is whatever
/// the command ended with; callers that stopped it say why.
pub async fn run_plan_until(
    pool: Result<&ssh::SshPool, &str>,
    plan: &crate::plan::Plan,
    user: stream::UserIo,
    mut stop: stop::Stop,
) -> stream::Outcome {
    if plan.masters.is_empty() {
        return dropped_on_stop(local::run(plan, user), &mut stop).await;
    }
    match pool {
        Ok(pool) if plan.tty => dropped_on_stop(tty::run(pool, plan, user), &mut stop).await,
        Ok(pool) => remote::run(pool, plan, user, stop).await,
        Err(message) => {
            let (index, host) = plan
                .masters
                .first()
                .map(|m| (m.hop_index, m.inventory_host.clone()))
                .unwrap_or_default();
            stream::Outcome::Hop(HopError {
                index,
                method: "ssh".into(),
                inventory_host: host,
                message: message.to_string(),
            })
        }
    }
}

/// `run`, or on `stop` nothing more: dropping it kills what it started.
async fn dropped_on_stop(
    run: impl std::future::Future<Output = stream::Outcome>,
    stop: &mut stop::Stop,
) -> stream::Outcome {
    let started = tokio::time::Instant::now();
    tokio::select! {
        o = run => o,
        () = stop.requested_or_due(started) => stream::Outcome::Exited(255),
    }
}
