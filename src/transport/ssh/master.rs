//! Launching one ControlMaster with the system `ssh` and turning its log into an error text.
//!
//! stackctl starts every master itself (not `SessionBuilder`) so that the control socket has
//! a deterministic path per hop key, which a later stackctl process finds and resumes.
//!
//! SSH passwords: `ssh` is started with `SSH_ASKPASS` pointing at a tiny `/bin/sh` helper in
//! the private control directory and `SSH_ASKPASS_REQUIRE=force`; the password is written to
//! the pipe that is `ssh`'s standard input, which the helper inherits and reads with the shell's
//! `read` builtin and prints with the `printf` builtin. The password is never on an argv or in
//! an environment, and the pipe is closed once written.

use crate::transport::SshTarget;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// The files of one master in the control directory.
#[derive(Debug, Clone)]
pub struct MasterPaths {
    pub sock: PathBuf,
    pub log: PathBuf,
    pub config: PathBuf,
    pub meta: PathBuf,
    pub lock: PathBuf,
}

impl MasterPaths {
    pub fn new(dir: &Path, key: &str) -> Self {
        MasterPaths {
            sock: dir.join(format!("{key}.sock")),
            log: dir.join(format!("{key}.log")),
            config: dir.join(format!("{key}.cfg")),
            meta: dir.join(format!("{key}.meta")),
            lock: dir.join(format!("{key}.lock")),
        }
    }

    /// Removes every file of the master (missing files are fine).
    pub fn remove(&self) {
        for p in [&self.sock, &self.log, &self.config, &self.meta] {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The askpass helper: answers ssh's password prompt (`user@host's password:`, or
/// keyboard-interactive `Password:`) with the first line of its standard input, and refuses
/// every other prompt (a key passphrase, a host key question) so the password is never spent on
/// one. Only shell builtins touch the password.
pub const ASKPASS_SCRIPT: &str = "#!/bin/sh\n\
# stackctl askpass helper: prints the first line of its standard input for a password prompt.\n\
case \"$1\" in\n\
*password:*|*Password:*) ;;\n\
*) exit 1 ;;\n\
esac\n\
IFS= read -r pw || [ -n \"$pw\" ] || exit 1\n\
printf '%s\\n' \"$pw\"\n";

/// How `launch` failed.
#[derive(Debug)]
pub enum LaunchError {
    /// ssh reported this (the meaningful lines of its log).
    Ssh(String),
    /// No answer within the deadline; the launched ssh was killed.
    Timeout(Duration),
    /// ssh could not be started at all.
    Spawn(String),
}

impl std::fmt::Display for LaunchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LaunchError::Ssh(m) => f.write_str(m),
            LaunchError::Timeout(d) => write!(
                f,
                "no connection within {}s (the launched ssh was killed)",
                d.as_secs()
            ),
            LaunchError::Spawn(m) => f.write_str(m),
        }
    }
}

/// Kills the process group of a launching ssh (and so its ProxyCommand) unless disarmed: on
/// timeout, and when the launching future is dropped (the run is being cancelled).
struct GroupGuard(Option<i32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0.take() {
            // SAFETY: kill(2) on the process group created for this ssh (see `process_group`).
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

/// Starts `ssh -F <config> -M -f -N -- <hostname>`, waits until it has authenticated and
/// backgrounded itself, or kills it (and its ProxyCommand) at `deadline`.
pub async fn launch(
    t: &SshTarget,
    paths: &MasterPaths,
    persist_secs: u64,
    askpass: Option<&Path>,
    deadline: Duration,
) -> Result<(), LaunchError> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&paths.log)
        .map_err(|e| LaunchError::Spawn(format!("cannot create {}: {e}", paths.log.display())))?;
    let err_file = log
        .try_clone()
        .map_err(|e| LaunchError::Spawn(format!("cannot open {}: {e}", paths.log.display())))?;
    drop(log);

    let mut cmd = tokio::process::Command::new(&t.ssh_path);
    cmd.arg("-F")
        .arg(&paths.config)
        .arg("-E")
        .arg(&paths.log)
        .arg("-S")
        .arg(&paths.sock)
        .args(["-M", "-f", "-N", "-T"])
        .arg("-o")
        .arg(format!("ControlPersist={persist_secs}s"));
    for _ in 0..t.debug_level.min(3) {
        cmd.arg("-v");
    }
    let password = t.password.as_ref();
    match (password, askpass) {
        (Some(_), Some(helper)) => {
            cmd.args(["-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=1"])
                .env("SSH_ASKPASS", helper)
                .env("SSH_ASKPASS_REQUIRE", "force")
                .stdin(Stdio::piped());
        }
        _ => {
            cmd.args(["-o", "BatchMode=yes"]).stdin(Stdio::null());
        }
    }
    cmd.args(&t.ssh_args)
        .arg("--")
        .arg(&t.hostname)
        .stdout(Stdio::null())
        .stderr(Stdio::from(err_file))
        // Its own process group: Ctrl-C at the terminal must not reach the master's
        // ProxyCommand, and a timeout kills the whole group.
        .process_group(0)
        .kill_on_drop(true);

    let mut child = cmd
        .spawn()
        .map_err(|e| LaunchError::Spawn(format!("cannot run {}: {e}", t.ssh_path)))?;
    let mut guard = GroupGuard(child.id().and_then(|p| i32::try_from(p).ok()));
    if let (Some(pw), Some(mut stdin)) = (password, child.stdin.take()) {
        let mut line = pw.expose().as_bytes().to_vec();
        line.push(b'\n');
        // A failed write means ssh never asked; the log tells why.
        let _ = stdin.write_all(&line).await;
        line.iter_mut().for_each(|b| *b = 0);
        drop(stdin);
    }
    let waited = tokio::time::timeout(deadline, child.wait()).await;
    if matches!(waited, Ok(Ok(_))) {
        // ssh has exited: its pid (the group id) may be reused; the master it forked has
        // left the group with setsid, and a failed one took its ProxyCommand down with it.
        guard.0 = None;
    }
    match waited {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => {
            let msg = log_error(&paths.log);
            Err(LaunchError::Ssh(if msg.is_empty() {
                format!("ssh exited with {status}")
            } else {
                msg
            }))
        }
        Ok(Err(e)) => Err(LaunchError::Spawn(format!("waiting for ssh: {e}"))),
        Err(_) => {
            drop(guard);
            let _ = child.kill().await;
            Err(LaunchError::Timeout(deadline))
        }
    }
}

/// Lines that state why ssh failed, as opposed to banners and advice around them.
const FINAL_ERRORS: &[&str] = &[
    "Host key verification failed",
    "has changed and you have requested strict checking",
    "No ED25519 host key is known",
    "No RSA host key is known",
    "No ECDSA host key is known",
    "Permission denied",
    "Connection refused",
    "Connection timed out",
    "No route to host",
    "Network is unreachable",
    "Could not resolve hostname",
    "Too many authentication failures",
    "kex_exchange_identification",
    "banner exchange",
    "Bad configuration option",
    "Unsupported option",
];

/// The lines of an ssh log that explain a failure: the well-known final errors when there are
/// any, else everything but debug chatter and notices.
pub fn log_error(log: &Path) -> String {
    log_error_from(log, 0)
}

/// Like [`log_error`], for the part of `log` after byte `offset`.
pub fn log_error_from(log: &Path, offset: u64) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let text = String::from_utf8_lossy(&text[start..]);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("debug")
                && !l.starts_with("Warning: Permanently added")
                && !l.starts_with("Authenticated to ")
                && !l.starts_with("OpenSSH_")
                && !l.starts_with('@')
                && !l.starts_with("Connection closed by UNKNOWN")
        })
        .collect();
    let finals: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| FINAL_ERRORS.iter().any(|f| l.contains(f)))
        .collect();
    if finals.is_empty() {
        lines.join("; ")
    } else {
        finals.join("; ")
    }
}

/// Why the parent master could not open the tunnel to a child: the `open failed` lines its
/// log gained after `offset` (e.g. `connect failed: Connection refused`).
pub fn tunnel_error(parent_log: &Path, offset: u64) -> Option<String> {
    let text = std::fs::read(parent_log).ok()?;
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let text = String::from_utf8_lossy(&text[start..]);
    let msgs: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("open failed: ").map(|(_, m)| m.trim()))
        .collect();
    (!msgs.is_empty()).then(|| msgs.join("; "))
}

/// Asks the master at `sock` to exit (`ssh -O exit`). True when it answered.
pub async fn exit_master(ssh_path: &str, sock: &Path) -> bool {
    let mut cmd = tokio::process::Command::new(ssh_path);
    cmd.args(["-F", "/dev/null", "-S"])
        .arg(sock)
        .args(["-O", "exit", "none"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(Duration::from_secs(5), cmd.status()).await {
        Ok(Ok(s)) => s.success(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::Command;

    fn askpass(prompt: &str, input: &str) -> (bool, String) {
        let mut c = Command::new("/bin/sh")
            .args(["-c", ASKPASS_SCRIPT, "askpass", prompt])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = c.stdin.take().unwrap().write_all(input.as_bytes());
        let out = c.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    #[test]
    fn askpass_answers_only_password_prompts() {
        let pw = "s3cret with 'quotes' $HOME \\n";
        assert_eq!(
            askpass("ops@db01's password: ", &format!("{pw}\nnext\n")),
            (true, format!("{pw}\n"))
        );
        assert_eq!(askpass("(ops@db01) Password: ", "x"), (true, "x\n".into()));
        assert_eq!(
            askpass("Enter passphrase for key '/k': ", "x\n"),
            (false, String::new())
        );
        assert_eq!(
            askpass("Are you sure you want to continue connecting", "yes\n"),
            (false, String::new())
        );
    }

    #[test]
    fn log_errors_keep_the_lines_that_say_why() {
        let td = tempfile::tempdir().unwrap();
        let log = td.path().join("log");
        std::fs::write(
            &log,
            "debug1: x\n@@@@@\n@ WARNING @\nOffending key\nHost key verification failed.\n",
        )
        .unwrap();
        assert_eq!(log_error(&log), "Host key verification failed.");
        std::fs::write(&log, "Warning: Permanently added 'x'\nsomething odd\n").unwrap();
        assert_eq!(log_error(&log), "something odd");
        std::fs::write(
            &log,
            "a\nchannel 3: open failed: connect failed: No route to host\n",
        )
        .unwrap();
        assert_eq!(
            tunnel_error(&log, 2).as_deref(),
            Some("connect failed: No route to host")
        );
    }
}
