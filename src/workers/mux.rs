//! Multiplexer processes (forked by the run's [`super::forkserver`]): each owns the
//! connection service ([`super::conn`]) for the via chains bound to it by affinity, and serves
//! workers over a UNIX socket in the run's private directory. A worker keeps one connection
//! to each mux it uses for its whole life; per task it sends `Get(ssh chain)` and gets `Ok`
//! once every hop of the chain has a live master (established here: single flight per hop, at
//! most `--max-startups` handshakes per endpoint, jittered retries of kex/reset errors) or the
//! failing hop. The worker then runs its command on those masters (resuming their control
//! sockets: no new login) and sends `Put`, which releases the references: in the same write as
//! its next `Get` (one wakeup of the mux per task instead of two), as its worker gets its next
//! task at once or ends. A connection that closes while it holds a lease (the worker ended or
//! died) releases them too.
//!
//! Masters are OpenSSH ControlMasters that outlive the run by `--persist` (their
//! `ControlPersist`): the service forgets an idle hop after that linger and the master ends by
//! itself. With `--persist 0` the service keeps hops until the run ends and then ends the
//! masters this mux started, children first. The mux's one [`SshPool`] forgets a chain after a
//! failed attempt, so a failure is not cached, and forgets a master it closes.

use super::conn::{BoxFuture, ConnOptions, ConnService, Connector, HopSpec, Unreachable};
use super::{ipc, titles};
use crate::sync::lock;
use crate::transport::SshTarget;
use crate::transport::ssh::master::{self, MasterPaths};
use crate::transport::ssh::{SshPool, SshPoolOptions, default_control_dir};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A worker's request.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum Request {
    /// References on every hop of the chain, held until `Put` or `Died` (or the connection
    /// closes).
    Get(Vec<SshTarget>),
    /// The task is done with the chain of its `Get`: the references are released.
    Put,
    /// Instead of `Put`: the hop of the chain with this stack index died while the task ran.
    /// The mux forgets it and every hop behind it, so the next `Get` establishes it again,
    /// once, for everyone, releases the references and answers `Ok`.
    Died { hop_index: usize, message: String },
}

/// The mux's answer to `Get`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum Reply {
    Ok,
    Unreachable(Unreachable),
}

/// The socket of mux `n` in the run directory.
pub fn socket(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("mux-{n}.sock"))
}

/// The service's hop for an ssh master: keyed by every field of the target (the password only
/// feeds the hash), which the connector reads back.
pub fn hop_of(t: &SshTarget) -> HopSpec {
    HopSpec {
        index: t.hop_index,
        method: "ssh".into(),
        inventory_host: t.inventory_host.clone(),
        endpoint: Some(format!("{}:{}", t.hostname, t.port.unwrap_or(22))),
        kwargs: vec![(
            "target".into(),
            serde_json::to_string(t).unwrap_or_default(),
        )],
        connect_timeout: None,
    }
}

struct SshConnector {
    /// Every hop's master; a parent seen alive a moment ago is not asked again per child.
    pool: Arc<SshPool>,
    persist: Duration,
    /// Masters ended by `close` (persist 0), awaited before the mux exits.
    closing: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    /// Keys of the masters this mux launched (their socket did not exist before).
    launched: Arc<Mutex<HashSet<String>>>,
}

impl Connector for SshConnector {
    /// The chain of masters up to this hop.
    type Conn = Vec<SshTarget>;

    fn connect(
        &self,
        parent: Option<Vec<SshTarget>>,
        hop: HopSpec,
    ) -> BoxFuture<Result<Vec<SshTarget>, String>> {
        let pool = self.pool.clone();
        let launched = self.launched.clone();
        Box::pin(async move {
            let target: SshTarget = hop
                .kwargs
                .iter()
                .find(|(k, _)| k == "target")
                .and_then(|(_, v)| serde_json::from_str(v).ok())
                .ok_or_else(|| "internal: hop without its ssh target".to_string())?;
            let mut chain = parent.unwrap_or_default();
            chain.push(target);
            let key = SshPool::keys(&chain).pop().unwrap_or_default();
            let existed = MasterPaths::new(pool.control_dir(), &key).sock.exists();
            if let Err(e) = pool.session(&chain).await {
                pool.forget(&chain).await;
                return Err(e.message);
            }
            if !existed {
                lock(&launched).insert(key);
            }
            Ok(chain)
        })
    }

    fn close(&self, conn: Vec<SshTarget>) {
        let pool = self.pool.clone();
        let idle = conn.clone();
        tokio::spawn(async move { pool.release_last(&idle).await });
        if !self.persist.is_zero() {
            // The master ends after ControlPersist; see the module doc.
            return;
        }
        let key = SshPool::keys(&conn).pop().unwrap_or_default();
        if !lock(&self.launched).remove(&key) {
            return;
        }
        let Some(last) = conn.last() else { return };
        let ssh = last.ssh_path.clone();
        let paths = MasterPaths::new(&default_control_dir(), &key);
        lock(&self.closing).push(tokio::spawn(async move {
            master::exit_master(&ssh, &paths.sock).await;
            paths.remove();
        }));
    }
}

/// The listening socket the top-level process bound for us (see `classic::bind_muxes`), passed
/// to the fork server and left open in the fork at descriptor `fd`.
fn inherited_listener(fd: i32) -> std::io::Result<std::os::unix::net::UnixListener> {
    use std::os::fd::{FromRawFd, OwnedFd};
    // SAFETY: fstat only reads the descriptor's metadata (EBADF if it is not open).
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFSOCK {
        return Err(std::io::Error::other("not a socket"));
    }
    // SAFETY: the descriptor is open (fstat above), was inherited for us alone, and is owned
    // from here on.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    // Not passed on to anything we start.
    nix::fcntl::fcntl(
        &owned,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .map_err(std::io::Error::from)?;
    let listener = std::os::unix::net::UnixListener::from(owned);
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// How long a mux whose run is over waits for the releases of leases still open.
const LEASES_SETTLE: Duration = Duration::from_secs(2);

/// Mux `index` in a forked child of the fork server (`parent`): serves `DIR/mux-N.sock`, bound
/// by the top-level process and open here as `listen_fd`, until that process closes our stdin
/// (or the fork server dies: PDEATHSIG).
pub fn main(
    index: usize,
    dir: &Path,
    listen_fd: i32,
    parent: Option<u32>,
    opts: ConnOptions,
    persist: Duration,
) -> Result<i32> {
    if !super::die_with_parent(parent) {
        return Ok(99);
    }
    let listener = inherited_listener(listen_fd)
        .with_context(|| format!("cannot use listening descriptor {listen_fd}"))?;
    titles::set_args(&format!("stackctl: mux:{index}"));
    titles::set_comm(&format!("stackctl: mux:{index}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let path = socket(dir, index);
    let code = rt.block_on(async {
        let listener = tokio::net::UnixListener::from_std(listener)
            .context("cannot listen on the multiplexer's socket")?;
        // Prunes the control directory once for the run (see `SshPoolOptions::prune`), beside
        // serving: it only removes the files of masters that are gone and not being made.
        if index == 0 {
            tokio::task::spawn_blocking(|| SshPool::new(SshPoolOptions::default()));
        }
        let closing = Arc::new(Mutex::new(Vec::new()));
        let pool = SshPool::new(SshPoolOptions {
            persist,
            prune: false,
            trust_last: true,
            ..SshPoolOptions::default()
        })?;
        let connector = SshConnector {
            pool: Arc::new(pool),
            persist,
            closing: closing.clone(),
            launched: Arc::new(Mutex::new(HashSet::new())),
        };
        // With persist 0, hops stay until the run ends (see the module doc).
        let linger = if persist.is_zero() {
            Duration::from_secs(u64::from(u32::MAX))
        } else {
            persist
        };
        let service = ConnService::new(connector, ConnOptions { linger, ..opts });
        let _reaper = (!persist.is_zero()).then(|| service.spawn_reaper());
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        let mut leases = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                r = tokio::io::AsyncReadExt::read(&mut stdin, &mut buf) => {
                    if matches!(r, Ok(0) | Err(_)) {
                        break;
                    }
                }
                a = listener.accept() => {
                    if let Ok((stream, _)) = a {
                        leases.spawn(serve(service.clone(), stream));
                    }
                }
                Some(_) = leases.join_next(), if !leases.is_empty() => {}
            }
        }
        // The run is over and its workers are gone, but the releases of their last leases
        // may not have been read yet: a hop still counted as in use would not be closed.
        let settle = tokio::time::Instant::now() + LEASES_SETTLE;
        while let Ok(Some(_)) = tokio::time::timeout_at(settle, leases.join_next()).await {}
        service.close_idle();
        let ends: Vec<_> = lock(&closing).drain(..).collect();
        for end in ends {
            let _ = end.await;
        }
        Ok::<_, anyhow::Error>(0)
    });
    let _ = std::fs::remove_file(&path);
    rt.shutdown_background();
    code
}

/// One worker's connection: its leases, one after another, until it closes.
async fn serve(service: ConnService<SshConnector>, mut stream: tokio::net::UnixStream) {
    while let Ok(Some(Request::Get(chain))) = ipc::read_json::<_, Request>(&mut stream).await {
        let hops: Vec<HopSpec> = chain.iter().map(hop_of).collect();
        let lease = match service.get(&hops).await {
            Ok(lease) => lease,
            Err(e) => {
                if ipc::write_json(&mut stream, &Reply::Unreachable(e))
                    .await
                    .is_err()
                {
                    return;
                }
                continue;
            }
        };
        // Held until the worker is done with the chain (or its connection ends: it died).
        let mut open = ipc::write_json(&mut stream, &Reply::Ok).await.is_ok();
        match ipc::read_json::<_, Request>(&mut stream).await {
            Ok(Some(Request::Put)) => {}
            Ok(Some(Request::Died { hop_index, message })) => {
                if let Some(at) = hops.iter().position(|h| h.index == hop_index) {
                    service.mark_dead(&hops, at, &message);
                    service.connector().pool.forget(&chain).await;
                }
                // Acknowledged once forgotten: the worker may ask again at once.
                open = open && ipc::write_json(&mut stream, &Reply::Ok).await.is_ok();
            }
            _ => open = false,
        }
        service.put(lease);
        if !open {
            return;
        }
    }
}

/// A worker's connections to the muxes it has used, kept for its next tasks, and the one that
/// owes its mux a `Put`.
#[derive(Default)]
pub struct Links {
    kept: std::collections::HashMap<PathBuf, tokio::net::UnixStream>,
    owes_put: Option<PathBuf>,
}

/// References held on a chain in a mux, until [`release`] or [`report_dead`] (or the
/// worker's end).
pub struct Lease {
    sock: PathBuf,
    stream: tokio::net::UnixStream,
}

/// The worker's side, when its task is done with the chain: the references are released by
/// a `Put` sent with the worker's next `Get`, or by the connection's end when the worker ends
/// (it gets its next task, or the end of its input, as soon as the top-level process has its
/// result).
pub fn release(links: &mut Links, lease: Lease) {
    links.owes_put = Some(lease.sock.clone());
    links.kept.insert(lease.sock, lease.stream);
}

/// The worker's side, when its task found hop `hop_index` dead: tells the mux instead of
/// releasing, and waits until the mux has forgotten the hop (a `Get` right after then
/// establishes it again).
pub async fn report_dead(links: &mut Links, mut lease: Lease, hop_index: usize, message: &str) {
    let died = Request::Died {
        hop_index,
        message: message.to_string(),
    };
    if ipc::write_json(&mut lease.stream, &died).await.is_ok()
        && let Ok(Some(Reply::Ok)) = ipc::read_json::<_, Reply>(&mut lease.stream).await
    {
        links.kept.insert(lease.sock, lease.stream);
    }
}

/// The worker's side, before a task that needs no mux: sends the `Put` it owes now.
pub async fn settle(links: &mut Links) {
    if let Some(owed) = links.owes_put.take()
        && let Some(mut s) = links.kept.remove(&owed)
        && ipc::write_json(&mut s, &Request::Put).await.is_ok()
    {
        links.kept.insert(owed, s);
    }
}

/// The worker's side: asks mux socket `sock` for `chain`, on the connection kept from an
/// earlier task or a new one.
pub async fn get(
    links: &mut Links,
    sock: &Path,
    chain: &[SshTarget],
) -> Result<Lease, Unreachable> {
    let fail = |m: String| {
        let first = chain.first();
        Unreachable {
            index: first.map_or(0, |t| t.hop_index),
            method: "ssh".into(),
            inventory_host: first.map(|t| t.inventory_host.clone()).unwrap_or_default(),
            message: m,
        }
    };
    let request = Request::Get(chain.to_vec());
    let mut frames = Vec::new();
    if links.owes_put.as_deref() == Some(sock) {
        links.owes_put = None;
        ipc::push_json(&mut frames, &Request::Put).map_err(|e| fail(e.to_string()))?;
    } else {
        // Another mux's (or none): released on its own.
        settle(links).await;
    }
    ipc::push_json(&mut frames, &request).map_err(|e| fail(e.to_string()))?;
    // A kept connection that fails (the mux ended since, and with it the references a `Put`
    // would release) is replaced by a new one, whose failure is the one reported.
    if let Some(mut kept) = links.kept.remove(sock)
        && ipc::write_all(&mut kept, &frames).await.is_ok()
        && let Ok(Some(reply)) = ipc::read_json::<_, Reply>(&mut kept).await
    {
        return answer(links, sock, kept, reply);
    }
    let mut s = tokio::net::UnixStream::connect(sock)
        .await
        .map_err(|e| fail(format!("multiplexer {} is gone: {e}", sock.display())))?;
    ipc::write_json(&mut s, &request)
        .await
        .map_err(|e| fail(format!("multiplexer: {e}")))?;
    match ipc::read_json::<_, Reply>(&mut s).await {
        Ok(Some(reply)) => answer(links, sock, s, reply),
        Ok(None) => Err(fail("the multiplexer ended".into())),
        Err(e) => Err(fail(format!("multiplexer: {e}"))),
    }
}

/// A lease on `Ok`; on `Unreachable` the connection is kept for the next task.
fn answer(
    links: &mut Links,
    sock: &Path,
    stream: tokio::net::UnixStream,
    reply: Reply,
) -> Result<Lease, Unreachable> {
    match reply {
        Reply::Ok => Ok(Lease {
            sock: sock.to_path_buf(),
            stream,
        }),
        Reply::Unreachable(e) => {
            links.kept.insert(sock.to_path_buf(), stream);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// What a mux reads on a worker's connection in one read: the frames' JSON texts.
    async fn frames_of_one_read(s: &mut tokio::net::UnixStream) -> Vec<String> {
        let mut buf = vec![0u8; 1 << 16];
        let n = s.read(&mut buf).await.expect("read");
        let mut out = Vec::new();
        let mut rest = &buf[..n];
        while rest.len() >= 4 {
            let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            out.push(String::from_utf8_lossy(&rest[5..4 + len]).into_owned());
            rest = &rest[4 + len..];
        }
        out
    }

    #[tokio::test]
    async fn a_put_goes_out_with_the_next_get_in_one_write() {
        let dir = std::env::temp_dir().join(format!("stk-mux-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let sock = dir.join("mux-0.sock");
        let _ = std::fs::remove_file(&sock);
        let listener = tokio::net::UnixListener::bind(&sock).expect("bind");
        let chain = vec![crate::transport::ssh::config::tests::target()];
        let mux = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.expect("accept");
            let mut seen = Vec::new();
            for _ in 0..3 {
                let frames = frames_of_one_read(&mut s).await;
                seen.push(
                    frames
                        .iter()
                        .map(|f| f[..5].to_string())
                        .collect::<Vec<_>>(),
                );
                if frames.last().is_some_and(|f| f.starts_with("{\"Get")) {
                    ipc::write_json(&mut s, &Reply::Ok).await.expect("reply");
                }
            }
            seen
        });
        let mut links = Links::default();
        let lease = get(&mut links, &sock, &chain).await.expect("first lease");
        // Released: nothing is written until the next request.
        release(&mut links, lease);
        let lease = get(&mut links, &sock, &chain).await.expect("second lease");
        release(&mut links, lease);
        // A task without a mux: the owed Put goes alone.
        settle(&mut links).await;
        let seen = mux.await.expect("mux");
        assert_eq!(
            seen,
            vec![
                vec!["{\"Get".to_string()],
                vec!["\"Put\"".to_string(), "{\"Get".to_string()],
                vec!["\"Put\"".to_string()],
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
