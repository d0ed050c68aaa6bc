//! The OpenSSH transport: one ControlMaster per hop key, each child master tunnelled through
//! its parent's master, masters persisted in a private per-user control directory so that the
//! next stackctl run is warm (execution.md §2–§3).
//!
//! ```text
//! SshPool::new(SshPoolOptions::default())?
//!     .session(&[bastion, target]).await?   // Arc<openssh::Session> on target's master
//! ```
//!
//! Files in the control directory, per hop key `K` (16 hex digits, see [`config::hop_key`]):
//! `K.sock` (control socket), `K.cfg` (generated ssh_config), `K.log` (the master's log),
//! `K.meta` (JSON: inventory host, endpoint, parent key, depth — what `close` reads), plus the
//! shared `askpass` helper and a `K.lock` that serialises establishing `K` across processes.
//! A hop fails once per pool: every later chain through it gets the same [`HopError`] at once
//! instead of waiting for its own timeout.
//!
//! Each master gets its own generated config (see [`config::render`]) and `ssh` is given the
//! hop's real hostname, not an alias, so the user's `Host` blocks match as for a plain `ssh`.
//! Precedence (OpenSSH keeps the first value): stackctl's control options on the command line
//! (`-S`, `-M`, `ControlPersist`, `BatchMode`) come before `ssh_args`, so they always hold;
//! `ssh_args` come before the generated config, so a user's `-o` in `ansible_ssh_common_args`
//! beats the hop's generated `User`/`Port`/`StrictHostKeyChecking`/… lines, as it would beat
//! `~/.ssh/config`; the user's config fills in what neither sets.
//! Sessions are `resume_mux` sessions: dropping them leaves the master up; commands on one
//! master share the target's `MaxSessions` (10 by default), so callers bound their
//! concurrency per session.

pub mod config;
pub mod master;

use crate::sync::lock;
use crate::transport::{HopError, SshTarget};
use master::{LaunchError, MasterPaths};
use std::collections::{HashMap, HashSet};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Environment variable that overrides the control directory (tests, several fleets).
pub const CONTROL_DIR_ENV: &str = "STACKCTL_CONTROL_DIR";

/// Options of an [`SshPool`].
#[derive(Debug, Clone)]
pub struct SshPoolOptions {
    /// Control directory; `None`: `$STACKCTL_CONTROL_DIR`, else `$XDG_RUNTIME_DIR/stackctl`,
    /// else `/tmp/stackctl-<uid>`. Created with mode 0700; refused when it is not a directory
    /// owned by this user with no group/other permissions.
    pub control_dir: Option<PathBuf>,
    /// How long an idle master stays up after its last use (`ControlPersist`). Zero: masters
    /// idle out after a few seconds and [`SshPool::finish`] closes them at the end of the run.
    pub persist: Duration,
    /// Deadline for establishing one master (covers key exchange and authentication, which
    /// `ConnectTimeout` does not). `None`: the hop's `connect_timeout` + 20 s.
    pub establish_timeout: Option<Duration>,
    /// Remove the files of gone masters when the pool opens. A run's worker and multiplexer
    /// processes open many pools on one directory; the directory is pruned once, by the
    /// multiplexer when it starts, not on every connection (that was O(masters) per host).
    pub prune: bool,
    /// Take a chain's last master as alive, without asking it, when its socket exists and this
    /// pool has not seen it fail. For the multiplexer: the session its worker opens on that
    /// socket right after finds out as surely, and a master that is gone is reported back and
    /// re-established (see `workers::worker`). Used later as a parent, or again, it is asked.
    pub trust_last: bool,
    /// Launch masters. Off in a worker of the classic model, whose masters are the
    /// multiplexer's: one found missing or dead is an error, and noted ([`SshPool::take_gone`]).
    pub launch: bool,
}

impl Default for SshPoolOptions {
    fn default() -> Self {
        SshPoolOptions {
            control_dir: None,
            persist: Duration::from_secs(60),
            establish_timeout: None,
            prune: true,
            trust_last: false,
            launch: true,
        }
    }
}

/// Errors of the pool itself (not of a hop).
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("control directory {path}: {message}")]
    ControlDir { path: PathBuf, message: String },
}

/// What `close` ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MasterInfo {
    pub key: String,
    pub inventory_host: String,
    pub hostname: String,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub parent: Option<String>,
    pub depth: usize,
    pub ssh_path: String,
}

impl MasterInfo {
    /// `user@host:port` as ssh would be told.
    pub fn endpoint(&self) -> String {
        let user = self
            .username
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!("{user}{}{port}", self.hostname)
    }
}

enum Slot {
    Empty,
    Ready {
        session: Arc<openssh::Session>,
        sock: PathBuf,
        /// When this process last saw the master answer (`None`: taken as alive unasked, see
        /// [`SshPoolOptions::trust_last`]; asked on its next use).
        checked: Option<std::time::Instant>,
    },
    Failed(HopError),
}

/// A master seen alive this recently is used without asking it again: each check is a round
/// trip the master process must serve, and a run of many short commands on warm masters spent
/// as much of the masters' time on checks as on sessions. A master that died within the
/// window fails the session's connect, which [`SshPool::forget`] and a retry mend (see
/// `remote::run`).
const FRESH: Duration = Duration::from_secs(1);

/// OpenSSH masters shared by every chain of a run (see the module doc).
pub struct SshPool {
    dir: PathBuf,
    persist: Duration,
    establish_timeout: Option<Duration>,
    home: Option<PathBuf>,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
    /// Keys of the masters this pool launched, in launch order.
    launched: Mutex<Vec<String>>,
    /// Keys of the masters this pool has readied for tunnels ([`open_for_tunnels`]).
    tunnelling: Mutex<HashSet<String>>,
    trust_last: bool,
    launch: bool,
    /// Keys forgotten after a failure: checked before they are trusted again.
    suspect: Mutex<HashSet<String>>,
    /// The first master this pool found gone and could not launch (`launch` off).
    gone: Mutex<Option<HopError>>,
    launch_permits: tokio::sync::Semaphore,
}

/// Masters being established at once, per pool.
pub const MAX_PARALLEL_LAUNCHES: usize = 32;

/// The default control directory (without creating it).
pub fn default_control_dir() -> PathBuf {
    if let Some(d) = std::env::var_os(CONTROL_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        let d = PathBuf::from(d);
        if d.is_absolute() && d.is_dir() {
            return d.join("stackctl");
        }
    }
    // SAFETY: getuid(2) cannot fail.
    let uid = unsafe { libc::getuid() };
    PathBuf::from(format!("/tmp/stackctl-{uid}"))
}

fn ensure_private_dir(dir: &Path) -> Result<(), PoolError> {
    let err = |message: String| PoolError::ControlDir {
        path: dir.to_path_buf(),
        message,
    };
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(err(e.to_string())),
    }
    let md = std::fs::symlink_metadata(dir).map_err(|e| err(e.to_string()))?;
    if !md.file_type().is_dir() {
        return Err(err("is not a directory".into()));
    }
    // SAFETY: getuid(2) cannot fail.
    let uid = unsafe { libc::getuid() };
    if md.uid() != uid {
        return Err(err(format!("is owned by uid {}, not {uid}", md.uid())));
    }
    if md.permissions().mode() & 0o077 != 0 {
        return Err(err(format!(
            "has mode {:o}; it must be private (0700)",
            md.permissions().mode() & 0o7777
        )));
    }
    if dir.as_os_str().len() > 60 {
        return Err(err(
            "path is too long for control sockets (at most 60 bytes)".into(),
        ));
    }
    Ok(())
}

impl SshPool {
    /// Opens (creating it if needed) the control directory.
    pub fn new(opts: SshPoolOptions) -> Result<Self, PoolError> {
        let dir = opts.control_dir.unwrap_or_else(default_control_dir);
        let dir = if dir.is_absolute() {
            dir
        } else {
            std::env::current_dir()
                .map_err(|e| PoolError::ControlDir {
                    path: dir.clone(),
                    message: e.to_string(),
                })?
                .join(dir)
        };
        ensure_private_dir(&dir)?;
        if opts.prune {
            prune(&dir);
        }
        Ok(SshPool {
            dir,
            persist: opts.persist,
            establish_timeout: opts.establish_timeout,
            home: std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|h| h.is_absolute()),
            slots: Mutex::new(HashMap::new()),
            launched: Mutex::new(Vec::new()),
            tunnelling: Mutex::new(HashSet::new()),
            trust_last: opts.trust_last,
            launch: opts.launch,
            suspect: Mutex::new(HashSet::new()),
            gone: Mutex::new(None),
            launch_permits: tokio::sync::Semaphore::new(MAX_PARALLEL_LAUNCHES),
        })
    }

    /// The control directory in use.
    pub fn control_dir(&self) -> &Path {
        &self.dir
    }

    /// The hop keys of `chain`, outermost first.
    pub fn keys(chain: &[SshTarget]) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(chain.len());
        for t in chain {
            let k = config::hop_key(out.last().map(String::as_str), t);
            out.push(k);
        }
        out
    }

    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = lock(&self.slots);
        slots
            .entry(key.to_string())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Slot::Empty)))
            .clone()
    }

    /// A session on the master of the last hop of `chain` (ssh hops only, outermost first),
    /// establishing or reusing the master of every hop on the way.
    pub async fn session(&self, chain: &[SshTarget]) -> Result<Arc<openssh::Session>, HopError> {
        let Some(last) = chain.last() else {
            return Err(HopError {
                index: 0,
                method: "ssh".into(),
                inventory_host: String::new(),
                message: "empty ssh chain".into(),
            });
        };
        let mut parent: Option<(String, PathBuf, bool)> = None;
        let mut result = None;
        for (depth, t) in chain.iter().enumerate() {
            let key = config::hop_key(parent.as_ref().map(|p| p.0.as_str()), t);
            let slot = self.slot(&key);
            let mut g = slot.lock().await;
            let parent_fresh = parent.as_ref().is_some_and(|p| p.2);
            if let Slot::Failed(e) = &*g {
                return Err(e.clone());
            }
            if let Slot::Ready {
                session,
                sock,
                checked,
            } = &mut *g
                && !parent_fresh
            {
                if checked.is_some_and(|c| c.elapsed() < FRESH) || alive(session).await {
                    *checked = Some(std::time::Instant::now());
                    let (session, sock) = (session.clone(), sock.clone());
                    parent = Some((key, sock, false));
                    result = Some(session);
                    continue;
                }
                // Dead: not to be trusted unasked again.
                lock(&self.suspect).insert(key.clone());
            }
            let trust = self.trust_last && depth + 1 == chain.len();
            match self
                .establish(
                    &key,
                    t,
                    depth,
                    parent.as_ref().map(|p| (p.0.as_str(), p.1.as_path())),
                    parent_fresh,
                    trust,
                )
                .await
            {
                Ok((session, fresh, asked)) => {
                    let sock = session.control_socket().to_path_buf();
                    *g = Slot::Ready {
                        session: session.clone(),
                        sock: sock.clone(),
                        checked: asked.then(std::time::Instant::now),
                    };
                    parent = Some((key, sock, fresh));
                    result = Some(session);
                }
                Err(e) => {
                    *g = Slot::Failed(e.clone());
                    return Err(e);
                }
            }
        }
        result.ok_or_else(|| hop_error(last, "no session".into()))
    }

    /// Forgets what this pool knows of the masters of `chain` (ready or failed), so that the
    /// next [`Self::session`] checks them again, re-establishing dead ones and retrying
    /// failed ones.
    pub async fn forget(&self, chain: &[SshTarget]) {
        for key in Self::keys(chain) {
            *self.slot(&key).lock().await = Slot::Empty;
            lock(&self.suspect).insert(key);
        }
    }

    /// Lets go of the last master of `chain`, closed as idle rather than failed: the next
    /// [`Self::session`] through it resumes it like any existing master, and its parents are
    /// left as they are (a bastion seen alive a moment ago is not asked again because one of
    /// the targets behind it went idle).
    pub async fn release_last(&self, chain: &[SshTarget]) {
        if let Some(key) = Self::keys(chain).pop() {
            *self.slot(&key).lock().await = Slot::Empty;
        }
    }

    /// The master this pool found gone and could not launch, once.
    pub fn take_gone(&self) -> Option<HopError> {
        lock(&self.gone).take()
    }

    /// Takes the masters of `chain` as alive without asking them: another process (the run's
    /// multiplexer) has just established or vouched for them. Should one be gone after all, the
    /// session's connect fails and `remote::run` forgets and retries: a pool that may launch
    /// masters re-establishes it; one that may not (a classic worker's) fails, noting the hop
    /// for [`Self::take_gone`], and the worker has its mux replace the master.
    pub async fn trust(&self, chain: &[SshTarget]) {
        for key in Self::keys(chain) {
            let paths = MasterPaths::new(&self.dir, &key);
            let slot = self.slot(&key);
            let mut g = slot.lock().await;
            if matches!(&*g, Slot::Ready { .. }) || !paths.sock.exists() {
                continue;
            }
            let session = openssh::Session::resume_mux(
                paths.sock.clone().into_boxed_path(),
                Some(paths.log.clone().into_boxed_path()),
            );
            *g = Slot::Ready {
                session: Arc::new(session),
                sock: paths.sock,
                checked: Some(std::time::Instant::now()),
            };
        }
    }

    /// Resumes a live master at the hop's socket, or launches one; with `trust`, an existing
    /// socket is taken as a live master unasked (unless suspect). Returns (session, launched,
    /// seen alive).
    async fn establish(
        &self,
        key: &str,
        t: &SshTarget,
        depth: usize,
        parent: Option<(&str, &Path)>,
        parent_fresh: bool,
        trust: bool,
    ) -> Result<(Arc<openssh::Session>, bool, bool), HopError> {
        let paths = MasterPaths::new(&self.dir, key);
        let deadline = self
            .establish_timeout
            .unwrap_or_else(|| Duration::from_secs(t.connect_timeout.max(1) + 20));
        // A live master needs no lock: many workers of a run resume the same bastion master at
        // once, and queueing them on its lock cost a poll interval each.
        if !parent_fresh && paths.sock.exists() {
            let s = openssh::Session::resume_mux(
                paths.sock.clone().into_boxed_path(),
                Some(paths.log.clone().into_boxed_path()),
            );
            if trust && !lock(&self.suspect).contains(key) {
                return Ok((Arc::new(s), false, false));
            }
            if alive(&s).await {
                lock(&self.suspect).remove(key);
                return Ok((Arc::new(s), false, true));
            }
        }
        if !self.launch {
            let e = hop_error(t, "its master is gone".into());
            lock(&self.gone).get_or_insert_with(|| e.clone());
            return Err(e);
        }
        // Another stackctl may be establishing the same master right now: two `ssh -M` on one
        // socket would leave the second running as a plain background connection.
        let _lock = lock_file(&paths.lock, deadline)
            .await
            .map_err(|m| hop_error(t, m))?;
        if paths.sock.exists() {
            if !parent_fresh {
                let s = openssh::Session::resume_mux(
                    paths.sock.clone().into_boxed_path(),
                    Some(paths.log.clone().into_boxed_path()),
                );
                if alive(&s).await {
                    lock(&self.suspect).remove(key);
                    return Ok((Arc::new(s), false, true));
                }
            }
            // Dead, or tunnelled through a parent master that has since been replaced.
            master::exit_master(&t.ssh_path, &paths.sock).await;
            let _ = std::fs::remove_file(&paths.sock);
        }
        let cfg = config::render(t, parent.map(|p| p.1), self.home.as_deref())
            .map_err(|m| hop_error(t, m))?;
        write_private(&paths.config, cfg.as_bytes()).map_err(|m| hop_error(t, m))?;
        let info = MasterInfo {
            key: key.to_string(),
            inventory_host: t.inventory_host.clone(),
            hostname: t.hostname.clone(),
            port: t.port,
            username: t.username.clone(),
            parent: parent.map(|p| p.0.to_string()),
            depth,
            ssh_path: t.ssh_path.clone(),
        };
        let meta = serde_json::to_vec(&info).map_err(|e| hop_error(t, e.to_string()))?;
        write_private(&paths.meta, &meta).map_err(|m| hop_error(t, m))?;
        let askpass = if t.password.is_some() {
            Some(self.askpass_helper().map_err(|m| hop_error(t, m))?)
        } else {
            None
        };
        let persist_secs = if self.persist.is_zero() {
            5
        } else {
            self.persist.as_secs().max(1)
        };
        let parent_log = parent.map(|p| MasterPaths::new(&self.dir, p.0).log);
        let parent_log_len = parent_log
            .as_ref()
            .and_then(|l| std::fs::metadata(l).ok())
            .map_or(0, |m| m.len());
        if let Some((pkey, psock)) = parent {
            let first = lock(&self.tunnelling).insert(pkey.to_string());
            if first {
                let plog = MasterPaths::new(&self.dir, pkey).log;
                open_for_tunnels(openssh::Session::resume_mux(
                    psock.to_path_buf().into_boxed_path(),
                    Some(plog.into_boxed_path()),
                ));
            }
        }
        // Bounded: a thousand simultaneous `ssh` key exchanges thrash the machine and trip
        // MaxStartups on any daemon they share.
        let _permit = self.launch_permits.acquire().await;
        match master::launch(t, &paths, persist_secs, askpass.as_deref(), deadline).await {
            Ok(()) => {}
            Err(e) => {
                let mut msg = match e {
                    LaunchError::Ssh(m) => m,
                    other => other.to_string(),
                };
                if let (Some(log), Some((pkey, _))) = (&parent_log, parent)
                    && let Some(why) = master::tunnel_error(log, parent_log_len)
                {
                    let via = self
                        .masters(None)
                        .into_iter()
                        .find(|m| m.key == pkey)
                        .map_or_else(|| "the previous hop".to_string(), |m| m.inventory_host);
                    msg = format!("{why} (tunnel from {via})");
                }
                let _ = std::fs::remove_file(&paths.sock);
                let _ = std::fs::remove_file(&paths.meta);
                return Err(hop_error(t, msg));
            }
        }
        let s = openssh::Session::resume_mux(
            paths.sock.clone().into_boxed_path(),
            Some(paths.log.clone().into_boxed_path()),
        );
        if !alive(&s).await {
            return Err(hop_error(t, "the new master does not answer".into()));
        }
        lock(&self.launched).push(key.to_string());
        Ok((Arc::new(s), true, true))
    }

    fn askpass_helper(&self) -> Result<PathBuf, String> {
        let p = self.dir.join("askpass");
        let current = std::fs::read(&p).ok();
        if current.as_deref() != Some(master::ASKPASS_SCRIPT.as_bytes()) {
            let tmp = self.dir.join(format!("askpass.{}", std::process::id()));
            std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .mode(0o700)
                .open(&tmp)
                .and_then(|mut f| {
                    std::io::Write::write_all(&mut f, master::ASKPASS_SCRIPT.as_bytes())
                })
                .and_then(|()| std::fs::rename(&tmp, &p))
                .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        }
        Ok(p)
    }

    /// The masters recorded in the control directory whose inventory host matches `pattern`
    /// (a glob with `*` and `?`; `None`: all), deepest first.
    pub fn masters(&self, pattern: Option<&str>) -> Vec<MasterInfo> {
        let mut out = Vec::new();
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return out;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) != Some("meta") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(info) = serde_json::from_slice::<MasterInfo>(&bytes) else {
                continue;
            };
            if pattern.is_none_or(|pat| glob_match(pat, &info.inventory_host)) {
                out.push(info);
            }
        }
        out.sort_by(|a, b| b.depth.cmp(&a.depth).then(a.key.cmp(&b.key)));
        out
    }

    /// Ends the masters whose inventory host matches `pattern` (and, since their tunnels run
    /// through them, every master behind them). Returns those that were alive.
    pub async fn close(&self, pattern: Option<&str>) -> Vec<MasterInfo> {
        let all = self.masters(None);
        let mut doomed: Vec<String> = all
            .iter()
            .filter(|m| pattern.is_none_or(|pat| glob_match(pat, &m.inventory_host)))
            .map(|m| m.key.clone())
            .collect();
        // Children of doomed masters go too.
        loop {
            let more: Vec<String> = all
                .iter()
                .filter(|m| {
                    !doomed.contains(&m.key)
                        && m.parent.as_ref().is_some_and(|p| doomed.contains(p))
                })
                .map(|m| m.key.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            doomed.extend(more);
        }
        let mut closed = Vec::new();
        // `all` is deepest first: children end before the masters they tunnel through.
        for m in all.into_iter().filter(|m| doomed.contains(&m.key)) {
            let paths = MasterPaths::new(&self.dir, &m.key);
            let alive = paths.sock.exists() && master::exit_master(&m.ssh_path, &paths.sock).await;
            paths.remove();
            lock(&self.slots).remove(&m.key);
            if alive {
                closed.push(m);
            }
        }
        closed
    }

    /// Ends every master in the control directory.
    pub async fn close_all(&self) -> Vec<MasterInfo> {
        self.close(None).await
    }

    /// End of a run: with `persist` zero, ends the masters this pool launched; otherwise they
    /// stay up for `persist` after their last use.
    pub async fn finish(&self) {
        if !self.persist.is_zero() {
            return;
        }
        let keys: Vec<String> = lock(&self.launched).drain(..).rev().collect();
        for key in keys {
            let paths = MasterPaths::new(&self.dir, &key);
            let ssh = std::fs::read(&paths.meta)
                .ok()
                .and_then(|b| serde_json::from_slice::<MasterInfo>(&b).ok())
                .map_or_else(|| "ssh".to_string(), |m| m.ssh_path);
            master::exit_master(&ssh, &paths.sock).await;
            paths.remove();
        }
    }
}

/// How long a master may take to answer an alive check before it counts as dead (a stopped
/// or wedged master must not hang the run).
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

async fn alive(s: &openssh::Session) -> bool {
    matches!(
        tokio::time::timeout(CHECK_TIMEOUT, s.check()).await,
        Ok(Ok(()))
    )
}

/// How long the session that readies a tunnelling master may take before it is dropped.
const TUNNEL_SESSION_TIMEOUT: Duration = Duration::from_secs(10);

/// Readies a master that a new master is about to tunnel through, in the background (once per
/// pool and parent): sshd turns Nagle's algorithm off on a connection (`TCP_NODELAY`) when the
/// first session on it runs a command, and a connection that only carries tunnels (`-W`) never
/// gets one. Without it, each command through the tunnel that prints anything and then exits
/// waits out a delayed ACK, about 40 ms. One command (`true`, whatever its outcome: a
/// jump-only account's shell that refuses it still counts) is enough for the master's lifetime;
/// on a master that already ran one it changes nothing.
fn open_for_tunnels(session: openssh::Session) {
    tokio::spawn(async move {
        let mut cmd = session.raw_command("true");
        cmd.stdin(openssh::Stdio::null())
            .stdout(openssh::Stdio::null())
            .stderr(openssh::Stdio::null());
        let _ = tokio::time::timeout(TUNNEL_SESSION_TIMEOUT, cmd.status()).await;
    });
}

/// Removes the files of masters that are gone (idled out, killed, or never established):
/// those whose socket is missing and whose lock nobody holds (a master being established holds
/// its lock).
fn prune(dir: &Path) {
    use std::os::fd::AsRawFd;
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut keys: Vec<String> = rd
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let ext = p.extension().and_then(|x| x.to_str())?;
            if !matches!(ext, "meta" | "cfg" | "log") {
                return None;
            }
            p.file_stem().and_then(|k| k.to_str()).map(str::to_string)
        })
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let paths = MasterPaths::new(dir, &key);
        if paths.sock.exists() {
            continue;
        }
        let Ok(lock) = std::fs::OpenOptions::new().write(true).open(&paths.lock) else {
            // No lock file: not written by a pool that could still be establishing it.
            paths.remove();
            continue;
        };
        // SAFETY: flock(2) on a descriptor we own.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0
            && !paths.sock.exists()
        {
            paths.remove();
        }
    }
}

/// An exclusive `flock` on `path`, polled until `deadline`; released when the file is dropped.
async fn lock_file(path: &Path, deadline: Duration) -> Result<std::fs::File, String> {
    use std::os::fd::AsRawFd;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let give_up = tokio::time::Instant::now() + deadline;
    loop {
        // SAFETY: flock(2) on a descriptor we own.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(f);
        }
        if tokio::time::Instant::now() >= give_up {
            return Err(format!(
                "another stackctl held {} for {}s",
                path.display(),
                deadline.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn hop_error(t: &SshTarget, message: String) -> HopError {
    HopError {
        index: t.hop_index,
        method: "ssh".into(),
        inventory_host: t.inventory_host.clone(),
        message,
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Shell-style glob: `*` any run, `?` one character; everything else literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_let_go_as_idle_leaves_its_bastion_checked_and_unsuspected() {
        // The mux lets go of idle targets (`--max-idle`); forgetting their bastion too made
        // it ask the bastion's master again on every later lease.
        let td = tempfile::tempdir().unwrap();
        let pool = SshPool::new(SshPoolOptions {
            control_dir: Some(td.path().join("c")),
            trust_last: true,
            ..Default::default()
        })
        .unwrap();
        let bastion = config::tests::target();
        let app = SshTarget {
            hop_index: 1,
            inventory_host: "app".into(),
            hostname: "10.0.0.2".into(),
            ..bastion.clone()
        };
        let chain = [bastion, app];
        let keys = SshPool::keys(&chain);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            for k in &keys {
                let sock = MasterPaths::new(pool.control_dir(), k).sock;
                *pool.slot(k).lock().await = Slot::Ready {
                    session: Arc::new(openssh::Session::resume_mux(
                        sock.clone().into_boxed_path(),
                        None,
                    )),
                    sock,
                    checked: Some(std::time::Instant::now()),
                };
            }
            pool.release_last(&chain).await;
            assert!(matches!(
                *pool.slot(&keys[0]).lock().await,
                Slot::Ready {
                    checked: Some(_),
                    ..
                }
            ));
            assert!(matches!(*pool.slot(&keys[1]).lock().await, Slot::Empty));
            assert!(lock(&pool.suspect).is_empty());
            // A failure, unlike idleness, forgets and suspects the whole chain.
            pool.forget(&chain).await;
            assert!(matches!(*pool.slot(&keys[0]).lock().await, Slot::Empty));
            assert_eq!(lock(&pool.suspect).len(), 2);
        });
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", "web01"));
        assert!(glob_match("web*", "web01"));
        assert!(glob_match("w?b0[", "wab0["));
        assert!(!glob_match("web", "web01"));
        assert!(glob_match("*01", "web01"));
        assert!(!glob_match("db*", "web01"));
    }

    #[test]
    fn files_of_gone_masters_are_pruned_unless_being_established() {
        use std::os::fd::AsRawFd;
        let td = tempfile::tempdir().unwrap();
        let d = td.path().join("c");
        let opts = || SshPoolOptions {
            control_dir: Some(d.clone()),
            ..Default::default()
        };
        SshPool::new(opts()).unwrap();
        for f in [
            "aaaa.cfg",
            "aaaa.log",
            "aaaa.lock",
            "bbbb.cfg",
            "bbbb.meta",
            "bbbb.lock",
        ] {
            std::fs::write(d.join(f), "").unwrap();
        }
        // bbbb is being established by someone holding its lock.
        let held = std::fs::File::open(d.join("bbbb.lock")).unwrap();
        // SAFETY: flock(2) on a descriptor we own.
        assert_eq!(
            unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        SshPool::new(opts()).unwrap();
        assert!(!d.join("aaaa.cfg").exists() && !d.join("aaaa.log").exists());
        assert!(d.join("bbbb.cfg").exists() && d.join("bbbb.meta").exists());
        drop(held);
        SshPool::new(opts()).unwrap();
        assert!(!d.join("bbbb.meta").exists());
    }

    #[test]
    fn control_dir_must_be_private() {
        let td = tempfile::tempdir().unwrap();
        let d = td.path().join("c");
        SshPool::new(SshPoolOptions {
            control_dir: Some(d.clone()),
            ..Default::default()
        })
        .unwrap();
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = SshPool::new(SshPoolOptions {
            control_dir: Some(d),
            ..Default::default()
        });
        assert!(e.is_err());
    }
}
