//! `stackctl check PATTERN [--format table|json] [-f N]`: walks each selected host's stack hop by
//! hop, up to N hosts at once.
//! Hop i is checked by running `true` through the stack cut after hop i (the same plan `exec`
//! builds for that prefix, so hop i runs exactly where it would for the full stack); ssh
//! masters persist between probes, so a master's probe times only its own hop; a wrapped hop's
//! time is its probe's minus the previous probe's. The walk stops at the first failing hop,
//! whose error text is sorted into a [`Class`] with one line of advice.
//!
//! Exit status: 0 all ok, 2 any host failed, 4 any unreachable (4 wins), 1 when a host's stack
//! cannot be resolved (and for usage or inventory errors). Never prompts beyond what the
//! global options ask for (`-k`/`-K`, which refuse without a terminal or under CI): ssh runs
//! in batch mode and a become hop without a password fails with `password is required`.

use super::session::{Session, SessionHosts};
use super::targets;
use crate::cli::{CheckArgs, CheckFormat, GlobalArgs};
use crate::output::check::{self, Class, HopCheck, HostCheck, Status};
use crate::plan::{self, Placement, PlanError, PlanOptions, SshChain};
use crate::stack::{self, Builder, HopKind, Stack};
use crate::transport::stream::{Outcome, UserIo};
use anyhow::{Context, Result};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<i32> {
    let session = Session::load(global)?;
    let names = session.select_hosts(&args.pattern)?;
    let forks = session.forks(args.forks);
    let resolved: Vec<targets::Resolved> = {
        let hosts = SessionHosts::new(session.vars(true));
        names
            .into_iter()
            .map(|name| {
                let r = stack::resolve(&name, &hosts, &session.settings, &session.play)
                    .map_err(|e| e.to_string());
                (name, r)
            })
            .collect()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let local = tokio::task::LocalSet::new();
        let all = local.run_until(check_all(resolved, forks));
        tokio::select! {
            r = all => Ok::<_, std::io::Error>(Some(r)),
            _ = tokio::signal::ctrl_c() => Ok(None),
            _ = term.recv() => Ok(None),
        }
    });
    rt.shutdown_background();
    let Some(results) = outcome.context("cannot install signal handlers")? else {
        eprintln!("stackctl: interrupted");
        return Ok(99);
    };
    let text = match args.format {
        CheckFormat::Table => check::table(&results),
        CheckFormat::Json => check::json(&results),
    };
    // A closed stdout (`| head`) is not an error worth a panic; the exit status still tells.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    for r in &results {
        if let Some(e) = &r.error {
            eprintln!("stackctl: error: {}: {e}", r.host);
        }
    }
    Ok(check::exit_code(&results))
}

/// Checks every host, up to `forks` at once, results in selection order. Hosts behind one
/// bastion share its master (the pools coordinate through the control directory).
async fn check_all(resolved: Vec<targets::Resolved>, forks: usize) -> Vec<HostCheck> {
    let permits = Arc::new(Semaphore::new(forks.max(1)));
    let mut tasks = Vec::with_capacity(resolved.len());
    for (host, r) in resolved {
        let permits = permits.clone();
        let name = host.clone();
        let task = tokio::task::spawn_local(async move {
            match r {
                Ok(stack) => {
                    let _permit = permits.acquire_owned().await.ok();
                    check_stack(&host, &stack).await
                }
                Err(message) => HostCheck {
                    host,
                    status: Status::Error,
                    error: Some(message),
                    hops: Vec::new(),
                },
            }
        });
        tasks.push((name, task));
    }
    let mut results = Vec::with_capacity(tasks.len());
    for (host, task) in tasks {
        results.push(task.await.unwrap_or_else(|e| HostCheck {
            host,
            status: Status::Error,
            error: Some(format!("the check stopped: {e}")),
            hops: Vec::new(),
        }));
    }
    results
}

/// The stack cut after hop `last` (inclusive). The configs stay whole: the chain mode is the
/// target's, so every prefix places its hops as the full stack does.
fn prefix(stack: &Stack, last: usize) -> Stack {
    Stack {
        target: stack.target.clone(),
        hops: stack.hops[..=last].to_vec(),
        configs: stack.configs.clone(),
    }
}

/// Probes every hop of `stack` in order, stopping at the first failure.
pub async fn check_stack(host: &str, stack: &Stack) -> HostCheck {
    let chain = SshChain::of(stack);
    let placements = plan::placements(stack, chain);
    let mut previous_total = 0u64;
    let mut hops: Vec<HopCheck> = Vec::with_capacity(stack.hops.len());
    let mut status = Status::Ok;
    for (i, hop) in stack.hops.iter().enumerate() {
        let ssh = hop.builder == Builder::Ssh;
        let become_hop = hop.kind == HopKind::Become;
        let mut c = HopCheck {
            index: i,
            method: hop.method.clone(),
            inventory_host: hop.inventory_host.clone(),
            ok: None,
            reached: None,
            authenticated: None,
            become_ok: None,
            duration_ms: None,
            class: None,
            message: None,
            advice: None,
        };
        if status != Status::Ok {
            hops.push(c);
            continue;
        }
        let started = Instant::now();
        let probe = probe(&prefix(stack, i), chain).await;
        let total = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        // A master's probe reuses the masters before it, so its time is the hop's own; a
        // wrapped hop's probe runs every wrapped hop before it again, whose time (the previous
        // probe's) is taken off.
        let wrapped = !(ssh
            && placements
                .get(i)
                .is_some_and(|p| matches!(p, Placement::Local | Placement::Tunnel { .. })));
        c.duration_ms = Some(if wrapped && i > 0 {
            total.saturating_sub(previous_total)
        } else {
            total
        });
        previous_total = total;
        match probe {
            Probe::Ok => {
                c.ok = Some(true);
                c.reached = Some(true);
                if ssh {
                    c.authenticated = Some(true);
                }
                if become_hop {
                    c.become_ok = Some(true);
                }
            }
            Probe::Failed {
                message,
                hop_error,
                status: code,
            } => {
                let class = classify(hop.builder, &message, code);
                c.ok = Some(false);
                // An ssh hop that got an answer reached its machine; a become hop that got
                // to the password reached the account; a container hop that failed did not.
                c.reached = Some(if ssh {
                    !class.not_reached()
                } else {
                    become_hop && class == Class::BecomePassword
                });
                if ssh {
                    c.authenticated = Some(false).filter(|_| !class.not_reached());
                }
                if become_hop {
                    c.become_ok = Some(false);
                }
                c.class = Some(class);
                c.message = Some(message);
                c.advice = Some(class.advice());
                // As Ansible counts hosts: an ssh connection that fails leaves the host
                // unreachable; anything else (become, containers, the probe) is a failure.
                status = if (ssh && hop_error) || class.not_reached() {
                    Status::Unreachable
                } else {
                    Status::Failed
                };
            }
        }
        hops.push(c);
    }
    HostCheck {
        host: host.to_string(),
        status,
        error: None,
        hops,
    }
}

enum Probe {
    Ok,
    Failed {
        message: String,
        /// The hop failed before the probe command started (not the probe's own status).
        hop_error: bool,
        status: Option<i32>,
    },
}

/// Runs `true` through `stack` with every output discarded and no input.
async fn probe(stack: &Stack, chain: SshChain) -> Probe {
    let opts = PlanOptions {
        chain,
        tty: false,
        nonce: plan::nonce(),
    };
    let plan = match plan::build(stack, &[b"true".to_vec()], &opts) {
        Ok(p) => p,
        Err(PlanError::Hop { message, .. }) | Err(PlanError::Command(message)) => {
            return Probe::Failed {
                message,
                hop_error: false,
                status: None,
            };
        }
    };
    let user = UserIo {
        stdin: None,
        stdout: Box::pin(tokio::io::sink()),
        stderr: Box::pin(tokio::io::sink()),
    };
    match crate::transport::run_plan(&plan, user).await {
        Outcome::Exited(0) => Probe::Ok,
        Outcome::Exited(code) => Probe::Failed {
            message: format!("the probe `true` exited with status {code}"),
            hop_error: false,
            status: Some(code),
        },
        Outcome::Hop(e) => Probe::Failed {
            message: e.message,
            hop_error: true,
            status: None,
        },
    }
}

/// Sorts a failing hop's error text into a class. `builder` is the failing hop's; `status` the
/// probe's own exit status when it ran.
pub fn classify(builder: Builder, message: &str, status: Option<i32>) -> Class {
    let m = message.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
    if has(&[
        "could not resolve hostname",
        "name or service not known",
        "temporary failure in name resolution",
        "nodename nor servname",
        "no address associated with hostname",
    ]) {
        return Class::NameLookup;
    }
    if has(&["connection refused"]) {
        return Class::Refused;
    }
    if has(&[
        "remote host identification has changed",
        "has changed and you have requested strict checking",
        "host key mismatch",
    ]) {
        return Class::HostKeyChanged;
    }
    if has(&[
        "host key verification failed",
        "host key is known for",
        "no matching host key",
    ]) || (has(&["no "]) && has(&[" host key is known"]))
    {
        return Class::HostKeyUnknown;
    }
    if has(&[
        "connection timed out",
        "operation timed out",
        "timed out",
        "no connection within",
    ]) {
        return Class::Timeout;
    }
    let become_hop = matches!(
        builder,
        Builder::Sudo
            | Builder::Su
            | Builder::Doas
            | Builder::MitogenSudo
            | Builder::MitogenSu
            | Builder::MitogenDoas
    );
    if become_hop
        && has(&[
            "password is incorrect",
            "password is required",
            "reads its password from a terminal",
            "asked for a password",
        ])
    {
        return Class::BecomePassword;
    }
    if builder == Builder::Ssh
        && has(&[
            "permission denied",
            "too many authentication failures",
            "authentication failed",
            "no more authentication methods",
        ])
    {
        return Class::Authentication;
    }
    if has(&[
        "no such container",
        "no such object",
        "no container with name or id",
        "is not running",
        "container not found",
        "instance not found",
        "error: not found",
    ]) || (builder == Builder::Kubectl && has(&["notfound", "not found"]) && has(&["pod"]))
    {
        return Class::NoSuchContainer;
    }
    if status == Some(127)
        || has(&[
            "command not found",
            ": not found",
            "no such file or directory",
            "status 127",
        ])
    {
        return Class::CommandNotFound;
    }
    Class::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_errors_are_classified() {
        let ssh = |m: &str| classify(Builder::Ssh, m, None);
        assert_eq!(
            ssh("ssh: Could not resolve hostname nope.invalid: Name or service not known"),
            Class::NameLookup
        );
        assert_eq!(
            ssh("ssh: connect to host 127.0.0.1 port 1: Connection refused"),
            Class::Refused
        );
        assert_eq!(
            ssh("ssh: connect to host 10.0.0.1 port 22: Connection timed out"),
            Class::Timeout
        );
        assert_eq!(
            ssh("no connection within 25s (the launched ssh was killed)"),
            Class::Timeout
        );
        assert_eq!(
            ssh(
                "Host key for [127.0.0.2]:2222 has changed and you have requested strict \
                 checking.; Host key verification failed."
            ),
            Class::HostKeyChanged
        );
        assert_eq!(
            ssh(
                "No ED25519 host key is known for [127.0.0.2]:2222 and you have requested \
                 strict checking.; Host key verification failed."
            ),
            Class::HostKeyUnknown
        );
        assert_eq!(
            ssh("root@127.0.0.2: Permission denied (publickey)."),
            Class::Authentication
        );
        assert_eq!(ssh("kex_exchange_identification: banner"), Class::Other);
    }

    #[test]
    fn become_container_and_command_errors_are_classified() {
        assert_eq!(
            classify(Builder::Sudo, "sudo password is incorrect", None),
            Class::BecomePassword
        );
        assert_eq!(
            classify(Builder::Su, "su password is required", None),
            Class::BecomePassword
        );
        // Permission denied from sudo is not an ssh login failure.
        assert_eq!(
            classify(Builder::Sudo, "sudo: permission denied", None),
            Class::Other
        );
        assert_eq!(
            classify(
                Builder::Docker,
                "Error response from daemon: No such container: app",
                None
            ),
            Class::NoSuchContainer
        );
        assert_eq!(
            classify(Builder::Podman, "Error: no such object: \"app\"", None),
            Class::NoSuchContainer
        );
        assert_eq!(
            classify(Builder::Docker, "sh: 1: docker: not found", None),
            Class::CommandNotFound
        );
        assert_eq!(
            classify(
                Builder::Docker,
                "exited with status 127 before the command started",
                None
            ),
            Class::CommandNotFound
        );
        assert_eq!(
            classify(
                Builder::Local,
                "the probe `true` exited with status 127",
                Some(127)
            ),
            Class::CommandNotFound
        );
        assert_eq!(
            classify(
                Builder::Local,
                "the probe `true` exited with status 1",
                Some(1)
            ),
            Class::Other
        );
    }
}
