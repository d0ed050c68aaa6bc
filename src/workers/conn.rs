//! The connection service a multiplexer runs (worker-model.md, "Connection service rules"):
//! `get(stack)` walks a stack hop by hop, reusing or establishing each hop through its parent and
//! taking one reference on every hop; `put(lease)` releases them. It owns hop keys, single-flight
//! establishment, admission control per hop host, connection-phase retries, idle lingering and
//! eviction, and the death of a hop. What a connection *is* belongs to a [`Connector`] (the ssh
//! transport in production, a fake in the tests below), so this file holds only the bookkeeping.

use crate::sync::lock;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, oneshot, watch};

/// A hop's identity: canonical hash of (parent key, method, kwargs).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct HopKey(pub [u8; 32]);

/// One hop as the service sees it.
#[derive(Debug, Clone)]
pub struct HopSpec {
    /// Index of the hop in the stack (for messages).
    pub index: usize,
    pub method: String,
    pub inventory_host: String,
    /// The endpoint handshakes go to (admission control groups by it); `None`: no handshake.
    pub endpoint: Option<String>,
    /// `(name, canonical value text)`, any order: sorted when hashed.
    pub kwargs: Vec<(String, String)>,
    pub connect_timeout: Option<Duration>,
}

impl HopSpec {
    /// A hop of a resolved stack. Values are keyed by their debug text, which is stable for
    /// equal values (secrets included in the hash only, never printed).
    pub fn from_hop(index: usize, hop: &crate::stack::Hop) -> HopSpec {
        let kw = |k: &str| hop.kwargs.get(k).and_then(|v| v.as_str()).map(String::from);
        let endpoint = (hop.method == "ssh").then(|| {
            let port = hop
                .kwargs
                .get("port")
                .map(|p| format!("{p:?}"))
                .unwrap_or_default();
            format!("{}:{port}", kw("hostname").unwrap_or_default())
        });
        HopSpec {
            index,
            method: hop.method.clone(),
            inventory_host: hop.inventory_host.clone(),
            endpoint,
            kwargs: hop
                .kwargs
                .iter()
                .map(|(k, v)| (k.clone(), format!("{v:?}")))
                .collect(),
            // Establishment timeouts of ssh hops are the transport's (ConnectTimeout + margin).
            connect_timeout: None,
        }
    }

    /// This hop's key under `parent`.
    pub fn key(&self, parent: Option<&HopKey>) -> HopKey {
        let mut h = Sha256::new();
        let field = |h: &mut Sha256, b: &[u8]| {
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        field(&mut h, parent.map(|p| &p.0[..]).unwrap_or(b""));
        field(&mut h, self.method.as_bytes());
        let mut kw: Vec<&(String, String)> = self.kwargs.iter().collect();
        kw.sort();
        for (k, v) in kw {
            field(&mut h, k.as_bytes());
            field(&mut h, v.as_bytes());
        }
        HopKey(h.finalize().into())
    }

    /// The keys of every hop of a stack, outermost first.
    pub fn keys(stack: &[HopSpec]) -> Vec<HopKey> {
        let mut out: Vec<HopKey> = Vec::with_capacity(stack.len());
        for hop in stack {
            let k = hop.key(out.last());
            out.push(k);
        }
        out
    }
}

/// A hop that cannot be reached: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("hop {index} ({method} on {inventory_host}): {message}")]
pub struct Unreachable {
    pub index: usize,
    pub method: String,
    pub inventory_host: String,
    pub message: String,
}

impl Unreachable {
    fn of(hop: &HopSpec, message: impl Into<String>) -> Unreachable {
        Unreachable {
            index: hop.index,
            method: hop.method.clone(),
            inventory_host: hop.inventory_host.clone(),
            message: message.into(),
        }
    }
}

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What establishes and closes connections.
pub trait Connector: Send + Sync + 'static {
    type Conn: Clone + Send + Sync + 'static;
    /// Establishes `hop` through `parent` (none for the first hop). The error is the message.
    fn connect(
        &self,
        parent: Option<Self::Conn>,
        hop: HopSpec,
    ) -> BoxFuture<Result<Self::Conn, String>>;
    /// Closes a connection nobody uses any more (its children are already closed).
    fn close(&self, conn: Self::Conn);
}

/// Limits of a [`ConnService`].
#[derive(Debug, Clone)]
pub struct ConnOptions {
    /// How long a hop with no reference stays open (`--persist`); zero closes at once.
    pub linger: Duration,
    /// Idle children kept per parent (`--max-idle`); the oldest idle one goes first.
    pub max_idle: usize,
    /// Handshakes in flight per hop endpoint (`--max-startups`).
    pub max_startups: usize,
    /// Connection attempts on a transient handshake error (kex_exchange_identification, reset).
    pub attempts: u32,
    /// First retry delay; doubled per attempt, with jitter.
    pub backoff: Duration,
}

impl Default for ConnOptions {
    fn default() -> Self {
        ConnOptions {
            linger: Duration::from_secs(60),
            max_idle: 20,
            max_startups: 8,
            attempts: 4,
            backoff: Duration::from_millis(200),
        }
    }
}

/// The errors worth a new connection attempt: the server dropped us before or during key
/// exchange (sshd's MaxStartups), never anything after authentication.
pub fn is_transient(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("kex_exchange_identification")
        || m.contains("connection reset by peer")
        || m.contains("connection closed by remote host")
}

type Waiter<C> = oneshot::Sender<Result<(C, u64), Unreachable>>;

enum State<C> {
    Connecting(Vec<Waiter<C>>),
    Up {
        conn: C,
        refs: usize,
        idle_since: Option<Instant>,
        dead: watch::Sender<Option<Unreachable>>,
    },
}

struct Entry<C> {
    parent: Option<HopKey>,
    depth: usize,
    /// Unique per establishment, so a stale lease never touches a re-established hop.
    id: u64,
    state: State<C>,
}

struct Inner<C> {
    hops: HashMap<HopKey, Entry<C>>,
    next_id: u64,
    gates: HashMap<String, Arc<Semaphore>>,
}

/// References on every hop of one stack, from [`ConnService::get`].
pub struct Lease<C> {
    /// `(key, establishment id)` outermost first.
    hops: Vec<(HopKey, u64)>,
    /// The target's connection (the last hop's).
    pub conn: C,
    deaths: Vec<watch::Receiver<Option<Unreachable>>>,
}

impl<C> Lease<C> {
    /// Resolves when any hop of the stack dies, with that hop's error.
    pub async fn died(&mut self) -> Unreachable {
        let futs: Vec<_> = self
            .deaths
            .iter_mut()
            .map(|rx| {
                Box::pin(async move {
                    loop {
                        if let Some(e) = rx.borrow_and_update().clone() {
                            return e;
                        }
                        if rx.changed().await.is_err() {
                            std::future::pending::<()>().await;
                        }
                    }
                })
            })
            .collect();
        if futs.is_empty() {
            return std::future::pending().await;
        }
        futures_select_all(futs).await
    }
}

/// The first of `futs` to finish.
async fn futures_select_all<F: Future + Unpin>(mut futs: Vec<F>) -> F::Output {
    std::future::poll_fn(move |cx| {
        for f in futs.iter_mut() {
            if let std::task::Poll::Ready(v) = Pin::new(&mut *f).poll(cx) {
                return std::task::Poll::Ready(v);
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// The connection service.
pub struct ConnService<K: Connector> {
    connector: Arc<K>,
    opts: ConnOptions,
    inner: Arc<Mutex<Inner<K::Conn>>>,
}

impl<K: Connector> Clone for ConnService<K> {
    fn clone(&self) -> Self {
        ConnService {
            connector: self.connector.clone(),
            opts: self.opts.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<K: Connector> ConnService<K> {
    pub fn new(connector: K, opts: ConnOptions) -> Self {
        ConnService {
            connector: Arc::new(connector),
            opts,
            inner: Arc::new(Mutex::new(Inner {
                hops: HashMap::new(),
                next_id: 1,
                gates: HashMap::new(),
            })),
        }
    }

    /// What makes this service's connections.
    pub fn connector(&self) -> &K {
        &self.connector
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K::Conn>> {
        // A panic while holding the lock leaves consistent counts (no await inside): go on.
        lock(&self.inner)
    }

    /// Takes a reference on every hop of `stack`, establishing missing ones (one at a time per
    /// hop, however many ask; different hops in parallel). On failure no reference is kept.
    pub async fn get(&self, stack: &[HopSpec]) -> Result<Lease<K::Conn>, Unreachable> {
        let keys = HopSpec::keys(stack);
        let mut hops = Vec::with_capacity(stack.len());
        let mut deaths = Vec::with_capacity(stack.len());
        let mut conn: Option<K::Conn> = None;
        for (i, hop) in stack.iter().enumerate() {
            let parent = if i == 0 { None } else { Some(keys[i - 1]) };
            match self.get_one(keys[i], parent, i, hop, conn.clone()).await {
                Ok((c, id, death)) => {
                    hops.push((keys[i], id));
                    deaths.push(death);
                    conn = Some(c);
                }
                Err(e) => {
                    self.release(&hops);
                    return Err(e);
                }
            }
        }
        match conn {
            Some(conn) => Ok(Lease { hops, conn, deaths }),
            None => Err(Unreachable {
                index: 0,
                method: String::new(),
                inventory_host: String::new(),
                message: "empty stack".into(),
            }),
        }
    }

    async fn get_one(
        &self,
        key: HopKey,
        parent: Option<HopKey>,
        depth: usize,
        hop: &HopSpec,
        parent_conn: Option<K::Conn>,
    ) -> Result<(K::Conn, u64, watch::Receiver<Option<Unreachable>>), Unreachable> {
        let rx = {
            let mut inner = self.lock();
            match inner.hops.get_mut(&key) {
                Some(Entry {
                    id,
                    state:
                        State::Up {
                            conn,
                            refs,
                            idle_since,
                            dead,
                        },
                    ..
                }) => {
                    *refs += 1;
                    *idle_since = None;
                    return Ok((conn.clone(), *id, dead.subscribe()));
                }
                Some(Entry {
                    state: State::Connecting(waiters),
                    ..
                }) => {
                    let (tx, rx) = oneshot::channel();
                    waiters.push(tx);
                    Some(rx)
                }
                None => {
                    inner.hops.insert(
                        key,
                        Entry {
                            parent,
                            depth,
                            id: 0,
                            state: State::Connecting(Vec::new()),
                        },
                    );
                    None
                }
            }
        };
        if let Some(rx) = rx {
            let (conn, id) = rx
                .await
                .map_err(|_| Unreachable::of(hop, "connection attempt abandoned"))??;
            let inner = self.lock();
            return match inner.hops.get(&key) {
                Some(Entry {
                    id: eid,
                    state: State::Up { dead, .. },
                    ..
                }) if *eid == id => Ok((conn, id, dead.subscribe())),
                _ => Err(Unreachable::of(hop, "connection lost")),
            };
        }
        // We establish it. Should this future be dropped half way, the guard removes the
        // pending entry so its waiters fail instead of waiting forever.
        let mut guard = PendingGuard {
            inner: &self.inner,
            key,
            armed: true,
        };
        let result = self.establish(hop, parent_conn).await;
        guard.armed = false;
        let mut inner = self.lock();
        let waiters = match inner.hops.remove(&key) {
            Some(Entry {
                state: State::Connecting(w),
                ..
            }) => w,
            _ => Vec::new(),
        };
        match result {
            Ok(conn) => {
                let id = inner.next_id;
                inner.next_id += 1;
                let (dead, death) = watch::channel(None);
                inner.hops.insert(
                    key,
                    Entry {
                        parent,
                        depth,
                        id,
                        state: State::Up {
                            conn: conn.clone(),
                            refs: 1 + waiters.len(),
                            idle_since: None,
                            dead,
                        },
                    },
                );
                drop(inner);
                for w in waiters {
                    if w.send(Ok((conn.clone(), id))).is_err() {
                        // The waiter went away: drop the reference taken for it.
                        self.release(&[(key, id)]);
                    }
                }
                Ok((conn, id, death))
            }
            Err(message) => {
                drop(inner);
                let e = Unreachable::of(hop, message);
                for w in waiters {
                    let _ = w.send(Err(e.clone()));
                }
                Err(e)
            }
        }
    }

    /// Connects with admission control, connect timeout and retries of transient errors.
    async fn establish(&self, hop: &HopSpec, parent: Option<K::Conn>) -> Result<K::Conn, String> {
        let gate = hop.endpoint.as_ref().map(|ep| {
            let mut inner = self.lock();
            inner
                .gates
                .entry(ep.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(self.opts.max_startups.max(1))))
                .clone()
        });
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let permit = match &gate {
                Some(g) => Some(g.clone().acquire_owned().await.map_err(|e| e.to_string())?),
                None => None,
            };
            let fut = self.connector.connect(parent.clone(), hop.clone());
            let r = match hop.connect_timeout {
                Some(t) => match tokio::time::timeout(t, fut).await {
                    Ok(r) => r,
                    Err(_) => Err(format!("connect timeout after {t:?}")),
                },
                None => fut.await,
            };
            drop(permit);
            match r {
                Err(m) if attempt < self.opts.attempts && is_transient(&m) => {
                    tokio::time::sleep(jitter(self.opts.backoff * 2u32.pow(attempt - 1))).await;
                }
                other => return other,
            }
        }
    }

    /// Releases one reference on every hop of the lease.
    pub fn put(&self, lease: Lease<K::Conn>) {
        self.release(&lease.hops);
    }

    fn release(&self, hops: &[(HopKey, u64)]) {
        let now = Instant::now();
        let mut closing = Vec::new();
        {
            let mut inner = self.lock();
            for (key, id) in hops.iter().rev() {
                if let Some(Entry {
                    id: eid,
                    state:
                        State::Up {
                            refs, idle_since, ..
                        },
                    ..
                }) = inner.hops.get_mut(key)
                    && eid == id
                {
                    *refs = refs.saturating_sub(1);
                    if *refs == 0 {
                        *idle_since = Some(now);
                    }
                }
            }
            if self.opts.linger.is_zero() {
                closing.extend(take_idle(&mut inner, |_| true));
            }
            let parents: Vec<Option<HopKey>> = hops
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 { None } else { Some(hops[i - 1].0) })
                .collect();
            for p in parents {
                closing.extend(evict_over(&mut inner, p, self.opts.max_idle));
            }
        }
        for c in closing {
            self.connector.close(c);
        }
    }

    /// Closes hops idle for at least the linger at `now`, children first.
    pub fn reap_at(&self, now: Instant) -> usize {
        let linger = self.opts.linger;
        let closing = {
            let mut inner = self.lock();
            take_idle(&mut inner, |since| {
                now.saturating_duration_since(since) >= linger
            })
        };
        let n = closing.len();
        for c in closing {
            self.connector.close(c);
        }
        n
    }

    /// Runs [`Self::reap_at`] every quarter linger until the service is dropped elsewhere.
    pub fn spawn_reaper(&self) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        let tick = (self.opts.linger / 4).max(Duration::from_millis(50));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                me.reap_at(Instant::now());
            }
        })
    }

    /// Closes every idle hop now (end of run; `--persist` masters are the transport's affair).
    pub fn close_idle(&self) -> usize {
        let closing = take_idle(&mut self.lock(), |_| true);
        let n = closing.len();
        for c in closing {
            self.connector.close(c);
        }
        n
    }

    /// A hop died: it and every hop behind it are forgotten, and every lease using them learns
    /// it at once (as unreachable naming this hop).
    pub fn mark_dead(&self, stack: &[HopSpec], index: usize, message: &str) {
        let keys = HopSpec::keys(stack);
        let (Some(key), Some(hop)) = (keys.get(index), stack.get(index)) else {
            return;
        };
        let err = Unreachable::of(hop, message);
        let mut inner = self.lock();
        let mut doomed = vec![*key];
        let mut i = 0;
        while i < doomed.len() {
            let k = doomed[i];
            doomed.extend(
                inner
                    .hops
                    .iter()
                    .filter(|(_, e)| e.parent == Some(k))
                    .map(|(ck, _)| *ck),
            );
            i += 1;
        }
        for k in doomed {
            if let Some(Entry {
                state: State::Up { dead, .. },
                ..
            }) = inner.hops.remove(&k)
            {
                let _ = dead.send(Some(err.clone()));
            }
        }
    }

    /// `(references, idle)` of every open hop, for tests and `--debug` output.
    pub fn counts(&self) -> Vec<(HopKey, usize, bool)> {
        let inner = self.lock();
        let mut v: Vec<_> = inner
            .hops
            .iter()
            .filter_map(|(k, e)| match &e.state {
                State::Up {
                    refs, idle_since, ..
                } => Some((*k, *refs, idle_since.is_some())),
                State::Connecting(_) => None,
            })
            .collect();
        v.sort();
        v
    }
}

struct PendingGuard<'a, C> {
    inner: &'a Mutex<Inner<C>>,
    key: HopKey,
    armed: bool,
}

impl<C> Drop for PendingGuard<'_, C> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut inner = lock(self.inner);
        if matches!(
            inner.hops.get(&self.key),
            Some(Entry {
                state: State::Connecting(_),
                ..
            })
        ) {
            inner.hops.remove(&self.key);
        }
    }
}

/// Removes idle hops accepted by `old_enough` with no live child, deepest first.
fn take_idle<C: Clone>(inner: &mut Inner<C>, old_enough: impl Fn(Instant) -> bool) -> Vec<C> {
    let mut idle: Vec<(usize, HopKey)> = inner
        .hops
        .iter()
        .filter_map(|(k, e)| match &e.state {
            State::Up {
                refs: 0,
                idle_since: Some(t),
                ..
            } if old_enough(*t) => Some((e.depth, *k)),
            _ => None,
        })
        .collect();
    idle.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = Vec::new();
    for (_, k) in idle {
        let has_child = inner.hops.values().any(|e| e.parent == Some(k));
        if has_child {
            continue;
        }
        if let Some(Entry {
            state: State::Up { conn, .. },
            ..
        }) = inner.hops.remove(&k)
        {
            out.push(conn);
        }
    }
    out
}

/// Evicts the oldest idle children of `parent` (with their idle subtrees) beyond `max`.
fn evict_over<C: Clone>(inner: &mut Inner<C>, parent: Option<HopKey>, max: usize) -> Vec<C> {
    let mut idle: Vec<(Instant, HopKey)> = inner
        .hops
        .iter()
        .filter(|(_, e)| e.parent == parent)
        .filter_map(|(k, e)| match &e.state {
            State::Up {
                refs: 0,
                idle_since: Some(t),
                ..
            } => Some((*t, *k)),
            _ => None,
        })
        .collect();
    if idle.len() <= max {
        return Vec::new();
    }
    idle.sort();
    let excess = idle.len() - max;
    let mut out = Vec::new();
    for (_, k) in idle.into_iter().take(excess) {
        // An idle hop's descendants are idle too (a reference on a child is one on its parent).
        let mut subtree = vec![k];
        let mut i = 0;
        while i < subtree.len() {
            let p = subtree[i];
            subtree.extend(
                inner
                    .hops
                    .iter()
                    .filter(|(_, e)| e.parent == Some(p))
                    .map(|(ck, _)| *ck),
            );
            i += 1;
        }
        for key in subtree.into_iter().rev() {
            if let Some(Entry {
                state: State::Up { conn, .. },
                ..
            }) = inner.hops.remove(&key)
            {
                out.push(conn);
            }
        }
    }
    out
}

/// `d` scaled by a factor in [0.5, 1.5), from the process's random hasher seed and the clock.
fn jitter(d: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    let frac = (h.finish() % 1000) as f64 / 1000.0;
    d.mul_f64(0.5 + frac)
}

#[cfg(test)]
mod tests;
