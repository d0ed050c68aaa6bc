//! Running a plan with no ssh master on this machine: `sh -c <plan.command>`, driven by the
//! shared stream driver. Passwords go through the child's stdin pipe (sudo -S) or, when a
//! su/doas hop has a password (they read it from a terminal), through a pty that is the
//! child's stdin and controlling terminal while stdout/stderr stay pipes (the command's stdin
//! then passes a line-mode terminal: text lines of at most 4095 bytes). `-t` gives the
//! command the pty for all three. Without a pty the command runs in a session of its own with
//! no terminal, as under ssh.

use super::HopError;
use super::pty::{self, PtyMaster};
use super::stream::{self, ChildIo, Outcome, StdinEof, UserIo, Watch};
use crate::plan::{BecomeMethod, Plan};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

/// True when the plan's local run needs a pty: `-t`, or a su/doas hop with a password.
pub fn needs_pty(plan: &Plan) -> bool {
    plan.tty
        || plan
            .feeds
            .iter()
            .any(|f| f.secret.is_some() && f.method != BecomeMethod::Sudo)
}

fn spawn_error(plan: &Plan, e: std::io::Error) -> Outcome {
    let (index, method, host) = plan
        .layers
        .first()
        .map(|l| (l.hop_index, l.method.clone(), l.inventory_host.clone()))
        .unwrap_or((0, "local".into(), plan.host.clone()));
    Outcome::Hop(HopError {
        index,
        method,
        inventory_host: host,
        message: format!("cannot start sh: {e}"),
    })
}

/// Runs the plan locally. `plan.masters` must be empty.
pub async fn run(plan: &Plan, user: UserIo) -> Outcome {
    let watch = Watch::from_plan(plan);
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c").arg(OsStr::from_bytes(&plan.command));
    cmd.kill_on_drop(true);
    let use_pty = needs_pty(plan);
    let mut master = None;
    if use_pty {
        let (m, slave) = match pty::open() {
            Ok(p) => p,
            Err(e) => return spawn_error(plan, e),
        };
        let clone = |s: &std::os::fd::OwnedFd| s.try_clone().map(Stdio::from);
        let stdio = (|| -> std::io::Result<(Stdio, Stdio, Stdio)> {
            if plan.tty {
                Ok((clone(&slave)?, clone(&slave)?, clone(&slave)?))
            } else {
                Ok((clone(&slave)?, Stdio::piped(), Stdio::piped()))
            }
        })();
        let (i, o, e) = match stdio {
            Ok(s) => s,
            Err(e) => return spawn_error(plan, e),
        };
        cmd.stdin(i).stdout(o).stderr(e);
        // SAFETY: only async-signal-safe calls (setsid, ioctl) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if nix::libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if nix::libc::ioctl(0, nix::libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        drop(slave);
        master = Some(m);
    } else {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A session of its own without a terminal, like a command run by ssh: nothing in it
        // can stop on our terminal (SIGTTIN) or read a password from it, and the whole group
        // can be killed.
        // SAFETY: only async-signal-safe calls (setsid) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if nix::libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let spawned = cmd.spawn();
    // The Command holds the pty slave copies; close them so the master sees end-of-file.
    drop(cmd);
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => return spawn_error(plan, e),
    };
    let pid = child.id();
    let mut group = KillGroup(pid);
    let mut winch: Option<tokio::task::JoinHandle<()>> = None;
    let io = match master {
        Some(m) => {
            if plan.tty
                && let Ok(fd) = m.try_clone()
                && let Ok(mut sig) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())
            {
                winch = Some(tokio::spawn(async move {
                    while sig.recv().await.is_some() {
                        pty::copy_window_size(&fd);
                    }
                }));
            }
            let quiet_fd = if plan.tty { None } else { m.try_clone().ok() };
            let pm = match PtyMaster::new(m) {
                Ok(p) => p,
                Err(e) => return spawn_error(plan, e),
            };
            let (r, w) = tokio::io::split(pm);
            ChildIo {
                stdin: Some(Box::pin(w)),
                stdout: child.stdout.take().map(|r| Box::pin(r) as stream::Reader),
                stderr: child.stderr.take().map(|r| Box::pin(r) as stream::Reader),
                tty: Some(Box::pin(r)),
                tty_is_output: plan.tty,
                stdin_eof: StdinEof::PtyEof,
                on_ready: quiet_fd.map(|fd| {
                    Box::new(move || {
                        let _ = pty::quiet(&fd);
                    }) as Box<dyn FnOnce() + Send>
                }),
            }
        }
        None => ChildIo::pipes(child.stdin.take(), child.stdout.take(), child.stderr.take()),
    };
    let driven = stream::drive(&watch, io, user).await;
    if let Some(w) = winch {
        w.abort();
    }
    if driven.abort.is_some() {
        group.kill();
        let _ = child.start_kill();
    }
    let status = child
        .wait()
        .await
        .ok()
        .and_then(|s| s.code().or_else(|| s.signal().map(|n| 128 + n)));
    group.0 = None;
    driven.finish(&watch, status)
}

/// The child's process group, killed when the run is abandoned (a hop failed, or the future
/// was dropped on Ctrl-C) so no hop process is left behind.
struct KillGroup(Option<u32>);

impl KillGroup {
    fn kill(&mut self) {
        if let Some(pid) = self.0.take()
            && let Ok(pid) = i32::try_from(pid)
        {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

impl Drop for KillGroup {
    fn drop(&mut self) {
        self.kill();
    }
}
