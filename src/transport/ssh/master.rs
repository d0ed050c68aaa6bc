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
}

impl MasterPaths {
    pub fn new(dir: &Path, key: &str) -> Self {
        MasterPaths {
            sock: dir.join(format!("{key}.sock")),
            log: dir.join(format!("{key}.log")),
            config: dir.join(format!("{key}.cfg")),
            meta: dir.join(format!("{key}.meta")),
        }
    }

    /// Removes every file of the master (missing files are fine).
    pub fn remove(&self) {
        for p in [&self.sock, &self.log, &self.config, &self.meta] {
            let _ = std::fs::remove_file(p);
        }
    }
}

pub const ASKPASS_SCRIPT: &str = "#!/bin/sh\n# stackctl askpass helper: prints the first line of its standard input.\nIFS= read -r pw || [ -n \"$pw\" ] || exit 1\nprintf '%s\\n' \"$pw\"\n";

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

/// Starts `ssh -M -f -N` for the alias in `paths.config`, waits until it has authenticated and
/// backgrounded itself, or kills it (and its ProxyCommand) at `deadline`.
pub async fn launch(
    t: &SshTarget,
    alias: &str,
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
        .arg(alias)
        .stdout(Stdio::null())
        .stderr(Stdio::from(err_file))
        // Its own process group: Ctrl-C at the terminal must not reach the master's
        // ProxyCommand, and a timeout kills the whole group.
        .process_group(0)
        .kill_on_drop(true);

    let mut child = cmd
        .spawn()
        .map_err(|e| LaunchError::Spawn(format!("cannot run {}: {e}", t.ssh_path)))?;
    let pid = child.id();
    if let (Some(pw), Some(mut stdin)) = (password, child.stdin.take()) {
        let mut line = pw.expose().as_bytes().to_vec();
        line.push(b'\n');
        // A failed write means ssh never asked; the log tells why.
        let _ = stdin.write_all(&line).await;
        line.iter_mut().for_each(|b| *b = 0);
        drop(stdin);
    }
    match tokio::time::timeout(deadline, child.wait()).await {
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
            if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
                // SAFETY: kill(2) on the process group we created for this ssh.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
            let _ = child.kill().await;
            Err(LaunchError::Timeout(deadline))
        }
    }
}

/// The lines of an ssh log that explain a failure: not debug chatter, not the notice that a
/// host key was added.
pub fn log_error(log: &Path) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("debug")
                && !l.starts_with("Warning: Permanently added")
                && !l.starts_with("Authenticated to ")
                && !l.starts_with("OpenSSH_")
        })
        .collect();
    lines.join("; ")
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
    match tokio::time::timeout(Duration::from_secs(10), cmd.status()).await {
        Ok(Ok(s)) => s.success(),
        _ => false,
    }
}
