//! The connection service against a fake connector: reference counts, single flight,
//! parallel establishment, failures not cached, lingering, eviction, dead hops, admission
//! control and retries of transient handshake errors.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
struct Log {
    connects: Mutex<Vec<String>>,
    closes: Mutex<Vec<String>>,
    /// inventory host → remaining failures (message).
    fail: Mutex<HashMap<String, (usize, String)>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

#[derive(Clone)]
struct Fake {
    log: Arc<Log>,
    delay: Duration,
}

impl Connector for Fake {
    type Conn = String;
    fn connect(&self, parent: Option<String>, hop: HopSpec) -> BoxFuture<Result<String, String>> {
        let log = self.log.clone();
        let delay = self.delay;
        Box::pin(async move {
            let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            log.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(delay).await;
            log.in_flight.fetch_sub(1, Ordering::SeqCst);
            log.connects
                .lock()
                .unwrap()
                .push(hop.inventory_host.clone());
            let mut fail = log.fail.lock().unwrap();
            if let Some((n, msg)) = fail.get_mut(&hop.inventory_host)
                && *n > 0
            {
                *n -= 1;
                return Err(msg.clone());
            }
            Ok(match parent {
                Some(p) => format!("{p}/{}", hop.inventory_host),
                None => hop.inventory_host,
            })
        })
    }
    fn close(&self, conn: String) {
        self.log.closes.lock().unwrap().push(conn);
    }
}

fn hop(index: usize, host: &str) -> HopSpec {
    HopSpec {
        index,
        method: "ssh".into(),
        inventory_host: host.into(),
        endpoint: Some(format!("{host}:22")),
        kwargs: vec![("hostname".into(), host.into())],
        connect_timeout: None,
    }
}

fn stack(hosts: &[&str]) -> Vec<HopSpec> {
    hosts.iter().enumerate().map(|(i, h)| hop(i, h)).collect()
}

fn service(linger: Duration, delay: Duration) -> (ConnService<Fake>, Arc<Log>) {
    let log = Arc::new(Log::default());
    let svc = ConnService::new(
        Fake {
            log: log.clone(),
            delay,
        },
        ConnOptions {
            linger,
            backoff: Duration::from_millis(1),
            ..ConnOptions::default()
        },
    );
    (svc, log)
}

fn connects(log: &Log, host: &str) -> usize {
    log.connects
        .lock()
        .unwrap()
        .iter()
        .filter(|h| *h == host)
        .count()
}

#[test]
fn keys_depend_on_parent_method_and_kwargs_not_order() {
    let a = hop(0, "bastion");
    let mut b = a.clone();
    b.kwargs.push(("port".into(), "22".into()));
    let mut b2 = a.clone();
    b2.kwargs.insert(0, ("port".into(), "22".into()));
    assert_eq!(b.key(None), b2.key(None));
    assert_ne!(a.key(None), b.key(None));
    assert_ne!(a.key(None), a.key(Some(&b.key(None))));
    let mut c = a.clone();
    c.method = "sudo".into();
    assert_ne!(a.key(None), c.key(None));
    // The index and the asking host do not matter: equal hops are one connection.
    let mut d = a.clone();
    d.index = 3;
    assert_eq!(a.key(None), d.key(None));
}

#[tokio::test]
async fn interleaved_gets_and_puts_leave_every_count_at_zero() {
    let (svc, log) = service(Duration::from_secs(3600), Duration::from_millis(5));
    let stacks: Vec<Vec<HopSpec>> = (0..40)
        .map(|i| {
            let t = format!("t{}", i % 10);
            if i % 3 == 0 {
                stack(&["bastion", "inner", &t])
            } else {
                stack(&["bastion", &t])
            }
        })
        .collect();
    let mut tasks = Vec::new();
    for (i, s) in stacks.into_iter().enumerate() {
        let svc = svc.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..3 {
                let lease = svc.get(&s).await.expect("fake hops connect");
                tokio::time::sleep(Duration::from_millis(((i + round) % 4) as u64)).await;
                svc.put(lease);
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    // One bastion connection for all 40 tasks × 3 rounds (single flight, then reuse).
    assert_eq!(connects(&log, "bastion"), 1);
    assert_eq!(connects(&log, "inner"), 1);
    let counts = svc.counts();
    assert!(!counts.is_empty());
    assert!(
        counts.iter().all(|(_, refs, idle)| *refs == 0 && *idle),
        "{counts:?}"
    );
    assert!(log.closes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn references_count_per_get_on_every_hop() {
    let (svc, _log) = service(Duration::from_secs(3600), Duration::ZERO);
    let a = svc.get(&stack(&["b", "x"])).await.unwrap();
    let b = svc.get(&stack(&["b", "y"])).await.unwrap();
    let c = svc.get(&stack(&["b", "x"])).await.unwrap();
    let refs = |svc: &ConnService<Fake>, s: &[&str]| {
        let keys = HopSpec::keys(&stack(s));
        let last = keys[keys.len() - 1];
        svc.counts()
            .into_iter()
            .find(|(k, _, _)| *k == last)
            .map(|(_, r, _)| r)
    };
    assert_eq!(refs(&svc, &["b"]), Some(3));
    assert_eq!(refs(&svc, &["b", "x"]), Some(2));
    assert_eq!(refs(&svc, &["b", "y"]), Some(1));
    svc.put(a);
    svc.put(b);
    assert_eq!(refs(&svc, &["b"]), Some(1));
    assert_eq!(refs(&svc, &["b", "y"]), Some(0));
    svc.put(c);
    assert_eq!(refs(&svc, &["b"]), Some(0));
}

#[tokio::test]
async fn idle_hops_close_after_the_linger_children_first() {
    let (svc, log) = service(Duration::from_millis(100), Duration::ZERO);
    let l1 = svc.get(&stack(&["b", "x"])).await.unwrap();
    let l2 = svc.get(&stack(&["b", "y"])).await.unwrap();
    svc.put(l1);
    let t0 = Instant::now();
    assert_eq!(svc.reap_at(t0), 0, "nothing is idle for the linger yet");
    svc.put(l2);
    // x idle since before t0, y and b since now: at t0+linger+ε x goes, then b after y.
    let later = Instant::now() + Duration::from_millis(150);
    assert_eq!(svc.reap_at(later), 3);
    let closes = log.closes.lock().unwrap().clone();
    assert_eq!(closes.len(), 3);
    assert_eq!(closes.last().map(String::as_str), Some("b"), "{closes:?}");
    assert!(svc.counts().is_empty());
    // A hop in use never closes, however old.
    let l3 = svc.get(&stack(&["b", "x"])).await.unwrap();
    assert_eq!(svc.reap_at(Instant::now() + Duration::from_secs(3600)), 0);
    svc.put(l3);
}

#[tokio::test]
async fn zero_linger_closes_at_put() {
    let (svc, log) = service(Duration::ZERO, Duration::ZERO);
    let l = svc.get(&stack(&["b", "x"])).await.unwrap();
    svc.put(l);
    assert_eq!(
        *log.closes.lock().unwrap(),
        vec!["b/x".to_string(), "b".to_string()]
    );
    assert!(svc.counts().is_empty());
}

#[tokio::test]
async fn at_most_max_idle_children_per_parent_oldest_first() {
    let log = Arc::new(Log::default());
    let svc = ConnService::new(
        Fake {
            log: log.clone(),
            delay: Duration::ZERO,
        },
        ConnOptions {
            linger: Duration::from_secs(3600),
            max_idle: 2,
            ..ConnOptions::default()
        },
    );
    let keep = svc.get(&stack(&["b"])).await.unwrap();
    for t in ["t1", "t2", "t3", "t4"] {
        let l = svc.get(&stack(&["b", t])).await.unwrap();
        svc.put(l);
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(
        *log.closes.lock().unwrap(),
        vec!["b/t1".to_string(), "b/t2".to_string()]
    );
    assert_eq!(svc.counts().len(), 3, "b, t3, t4");
    svc.put(keep);
}

#[tokio::test]
async fn concurrent_gets_of_one_missing_hop_connect_once() {
    let (svc, log) = service(Duration::from_secs(60), Duration::from_millis(50));
    let s = stack(&["b"]);
    let leases = futures_join((0..20).map(|_| {
        let svc = svc.clone();
        let s = s.clone();
        async move { svc.get(&s).await }
    }))
    .await;
    assert_eq!(connects(&log, "b"), 1);
    assert_eq!(svc.counts()[0].1, 20);
    for l in leases {
        svc.put(l.unwrap());
    }
    assert_eq!(svc.counts()[0].1, 0);
}

#[tokio::test]
async fn different_hops_establish_in_parallel() {
    let (svc, log) = service(Duration::from_secs(60), Duration::from_millis(100));
    let start = Instant::now();
    let leases = futures_join((0..5).map(|i| {
        let svc = svc.clone();
        async move { svc.get(&stack(&[&format!("h{i}")])).await }
    }))
    .await;
    assert!(leases.iter().all(|l| l.is_ok()));
    assert_eq!(log.max_in_flight.load(Ordering::SeqCst), 5);
    // Serialised it would take 500 ms; generous bound for a loaded machine.
    assert!(
        start.elapsed() < Duration::from_millis(450),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_failure_reaches_every_waiter_and_is_not_cached() {
    let (svc, log) = service(Duration::from_secs(60), Duration::from_millis(30));
    log.fail
        .lock()
        .unwrap()
        .insert("b".into(), (1, "Permission denied (publickey)".into()));
    let results = futures_join((0..6).map(|i| {
        let svc = svc.clone();
        async move { svc.get(&stack(&["b", &format!("t{i}")])).await }
    }))
    .await;
    for r in &results {
        let e = r.as_ref().err().expect("all fail");
        assert_eq!(
            e.to_string(),
            "hop 0 (ssh on b): Permission denied (publickey)"
        );
    }
    assert_eq!(connects(&log, "b"), 1, "one attempt for six waiters");
    assert!(svc.counts().is_empty(), "no reference kept after failure");
    // The next get retries, and succeeds.
    let l = svc.get(&stack(&["b", "t0"])).await.expect("retried");
    assert_eq!(connects(&log, "b"), 2);
    svc.put(l);
}

#[tokio::test]
async fn a_failing_inner_hop_releases_the_outer_ones() {
    let (svc, log) = service(Duration::from_secs(60), Duration::ZERO);
    log.fail
        .lock()
        .unwrap()
        .insert("t".into(), (1, "Connection refused".into()));
    let e = svc.get(&stack(&["b", "t"])).await.err().unwrap();
    assert_eq!(e.index, 1);
    assert_eq!(svc.counts().len(), 1);
    assert_eq!(svc.counts()[0].1, 0, "bastion released");
}

#[tokio::test]
async fn transient_handshake_errors_are_retried_others_not() {
    let (svc, log) = service(Duration::from_secs(60), Duration::ZERO);
    log.fail.lock().unwrap().insert(
        "b".into(),
        (
            2,
            "kex_exchange_identification: read: Connection reset by peer".into(),
        ),
    );
    let l = svc.get(&stack(&["b"])).await.expect("third attempt works");
    assert_eq!(connects(&log, "b"), 3);
    svc.put(l);
    log.fail
        .lock()
        .unwrap()
        .insert("c".into(), (2, "Permission denied".into()));
    assert!(svc.get(&stack(&["c"])).await.is_err());
    assert_eq!(connects(&log, "c"), 1);
}

#[tokio::test]
async fn handshakes_in_flight_per_endpoint_are_capped() {
    let log = Arc::new(Log::default());
    let svc = ConnService::new(
        Fake {
            log: log.clone(),
            delay: Duration::from_millis(20),
        },
        ConnOptions {
            max_startups: 3,
            ..ConnOptions::default()
        },
    );
    // 12 distinct targets that all share one endpoint (e.g. one NATed address).
    let leases = futures_join((0..12).map(|i| {
        let svc = svc.clone();
        async move {
            let mut h = hop(0, &format!("t{i}"));
            h.endpoint = Some("10.0.0.1:22".into());
            svc.get(&[h]).await
        }
    }))
    .await;
    assert!(leases.iter().all(|l| l.is_ok()));
    assert_eq!(log.max_in_flight.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_dead_hop_fails_every_lease_behind_it_at_once() {
    let (svc, log) = service(Duration::from_secs(60), Duration::ZERO);
    let mut a = svc.get(&stack(&["b", "x"])).await.unwrap();
    let mut b = svc.get(&stack(&["b", "y"])).await.unwrap();
    let mut other = svc.get(&stack(&["c"])).await.unwrap();
    svc.mark_dead(&stack(&["b"]), 0, "connection closed");
    let ea = tokio::time::timeout(Duration::from_secs(1), a.died())
        .await
        .unwrap();
    let eb = tokio::time::timeout(Duration::from_secs(1), b.died())
        .await
        .unwrap();
    assert_eq!(ea.to_string(), "hop 0 (ssh on b): connection closed");
    assert_eq!(ea, eb);
    assert!(
        tokio::time::timeout(Duration::from_millis(50), other.died())
            .await
            .is_err()
    );
    // Stale leases release nothing; the next get reconnects.
    svc.put(a);
    svc.put(b);
    assert_eq!(svc.counts().len(), 1, "only c remains");
    let again = svc.get(&stack(&["b", "x"])).await.unwrap();
    assert_eq!(connects(&log, "b"), 2);
    svc.put(again);
    svc.put(other);
}

#[tokio::test]
async fn connect_timeout_names_the_hop() {
    let (svc, _log) = service(Duration::from_secs(60), Duration::from_secs(5));
    let mut h = hop(0, "slow");
    h.connect_timeout = Some(Duration::from_millis(50));
    let e = svc.get(&[h]).await.err().unwrap();
    assert_eq!(
        e.to_string(),
        "hop 0 (ssh on slow): connect timeout after 50ms"
    );
}

async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
