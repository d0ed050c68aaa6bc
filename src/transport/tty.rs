//! Terminals through ssh masters (`exec -t`, `shell`): once the plan's masters are up, the
//! system `ssh` client is attached to the last master's control socket with `-tt`
//! (`ssh -S <ctl> -o ControlMaster=no -tt -- host <plan command>`) and run as a *local* plan
//! with a terminal, so the local pty driver does the rest: our terminal in raw mode (restored by
//! the caller's [`RawTerminal`]), window-size changes copied to the pty (where the ssh client
//! picks them up and sends them on), hop markers hidden, and become passwords answered at their
//! prompt through the pty — never argv or the environment. The remote side gets a real pty, so
//! su and doas read their passwords there too.
//!
//! The client never makes a connection of its own: with a dead master it would fall back to a
//! direct connection, so its `ProxyCommand` is `false` and it fails instead.

use super::local;
use super::ssh::SshPool;
use super::stream::{Outcome, UserIo};
use super::{HopError, SshTarget};
use crate::plan::Plan;
use crate::plan::quote::{join, quote};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The local shell string that runs `remote` on the master at `sock` with a remote pty:
/// `exec ssh -F /dev/null -S <sock> -o ControlMaster=no … -tt -- <host> '<remote>'`.
pub fn client_command(last: &SshTarget, sock: &Path, remote: &[u8]) -> Result<Vec<u8>, String> {
    let mut words: Vec<Vec<u8>> = vec![last.ssh_path.clone().into_bytes()];
    for w in ["-F", "/dev/null", "-S"] {
        words.push(w.as_bytes().to_vec());
    }
    words.push(sock.as_os_str().as_bytes().to_vec());
    for w in [
        "-o",
        "ControlMaster=no",
        "-o",
        "ProxyCommand=false",
        "-o",
        "LogLevel=ERROR",
        "-tt",
        "--",
    ] {
        words.push(w.as_bytes().to_vec());
    }
    words.push(last.hostname.clone().into_bytes());
    let mut out = b"exec ".to_vec();
    out.extend(join(&words).map_err(|e| e.to_string())?);
    out.push(b' ');
    // ssh sends its command words joined by spaces: one word is the command string as is.
    out.extend(quote(remote).map_err(|e| e.to_string())?);
    Ok(out)
}

/// Runs a `tty` plan that has masters: establishes them through `pool`, then runs the ssh
/// client on the last one under a local pty (see the module doc).
pub async fn run(pool: &SshPool, plan: &Plan, user: UserIo) -> Outcome {
    let Some(last) = plan.masters.last() else {
        return local::run(plan, user).await;
    };
    let session = match pool.session(&plan.masters).await {
        Ok(s) => s,
        Err(e) => return Outcome::Hop(e),
    };
    let command = match client_command(last, session.control_socket(), &plan.command) {
        Ok(c) => c,
        Err(message) => {
            return Outcome::Hop(HopError {
                index: last.hop_index,
                method: "ssh".into(),
                inventory_host: last.inventory_host.clone(),
                message,
            });
        }
    };
    let mut here = plan.clone();
    here.masters.clear();
    here.command = command;
    here.tty = true;
    local::run(&here, user).await
}

/// Our terminal (stdin) in raw mode, restored on drop; `None` when stdin is no terminal.
pub struct RawTerminal(nix::sys::termios::Termios);

impl RawTerminal {
    pub fn enter() -> Option<RawTerminal> {
        use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};
        use std::io::IsTerminal;
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let saved = tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        cfmakeraw(&mut raw);
        tcsetattr(&stdin, SetArg::TCSANOW, &raw).ok()?;
        Some(RawTerminal(saved))
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        use nix::sys::termios::{SetArg, tcsetattr};
        let _ = tcsetattr(std::io::stdin(), SetArg::TCSADRAIN, &self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_command_quotes_the_remote_string_once() {
        let t = SshTarget {
            hop_index: 1,
            inventory_host: "app".into(),
            hostname: "10.0.0.5".into(),
            port: Some(2222),
            username: Some("ops".into()),
            identity_file: None,
            check_host_keys: true,
            connect_timeout: 10,
            keepalive_interval: 30,
            keepalive_count: 10,
            compression: false,
            ssh_args: vec![],
            ssh_path: "ssh".into(),
            debug_level: 0,
            password: None,
        };
        let c = client_command(&t, Path::new("/run/x/ab cd.sock"), b"echo 'hi' $X").unwrap();
        assert_eq!(
            String::from_utf8(c).unwrap(),
            "exec ssh -F /dev/null -S '/run/x/ab cd.sock' -o ControlMaster=no \
             -o ProxyCommand=false -o LogLevel=ERROR -tt -- 10.0.0.5 'echo '\\''hi'\\'' $X'"
        );
    }
}
