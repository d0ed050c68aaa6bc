//! The OpenSSH transport against real sshd daemons started by the tests (tests/support).

mod support;

use stackctl::transport::ssh::{SshPool, SshPoolOptions};
use std::time::Duration;
use support::*;

const DEADLINE: Duration = Duration::from_secs(90);

fn pool(dir: &std::path::Path) -> SshPool {
    SshPool::new(SshPoolOptions {
        control_dir: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .expect("pool")
}

fn ctl_dir(lab: &Lab) -> std::path::PathBuf {
    lab.path().join("ctl")
}

#[test]
fn direct_target_runs_commands_with_exit_codes_and_separate_streams() {
    let lab = Lab::new();
    let sshd = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let t = lab.target(&sshd, 0, "web01");
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        let out = s
            .raw_command("echo hello; echo oops >&2")
            .output()
            .await
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "oops\n");
        assert_eq!(out.status.code(), Some(0));
        for code in [0, 3, 255] {
            let st = s
                .raw_command(format!("exit {code}"))
                .status()
                .await
                .unwrap();
            assert_eq!(st.code(), Some(code), "exit {code}");
        }
        pool.close_all().await;
    });
    assert_eq!(sshd.accepted(), 1, "{}", sshd.log());
    // The same as plain OpenSSH gives.
    let plain = lab
        .plain_ssh()
        .args(["-p", &sshd.port.to_string(), &sshd.addrs[0]])
        .arg("echo hello; echo oops >&2; exit 3")
        .output()
        .unwrap();
    assert_eq!(
        (
            plain.stdout.as_slice(),
            plain.stderr.as_slice(),
            plain.status.code()
        ),
        (&b"hello\n"[..], &b"oops\n"[..], Some(3))
    );
}

/// `chain` with hop indexes set in order.
fn chain(mut hops: Vec<stackctl::transport::SshTarget>) -> Vec<stackctl::transport::SshTarget> {
    for (i, h) in hops.iter_mut().enumerate() {
        h.hop_index = i;
    }
    hops
}

/// `$SSH_CONNECTION` as seen by the target: (client address, server address).
async fn ssh_connection(s: &openssh::Session) -> (String, String) {
    let out = s
        .raw_command("echo $SSH_CONNECTION")
        .output()
        .await
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let w: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(w.len(), 4, "SSH_CONNECTION: {text:?}");
    (w[0].to_string(), w[2].to_string())
}

#[test]
fn targets_behind_a_bastion_share_one_bastion_connection() {
    const N: usize = 12;
    let lab = Lab::new();
    // Stock MaxStartups on the bastion: twelve simultaneous logins there would be refused.
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let targets = lab.sshd(SshdSpec::targets(lab.addrs(N)));
    let b = lab.target(&bastion, 0, "bastion");
    let chains: Vec<_> = (0..N)
        .map(|i| chain(vec![b.clone(), lab.target(&targets, i, &format!("web{i}"))]))
        .collect();
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = std::sync::Arc::new(pool(&dir));
        // All at once: the bastion master must be established exactly once.
        let mut set = tokio::task::JoinSet::new();
        for (i, c) in chains.iter().cloned().enumerate() {
            let pool = pool.clone();
            set.spawn(async move {
                let s = pool.session(&c).await.expect("session");
                (i, ssh_connection(&s).await)
            });
        }
        let mut seen = 0;
        while let Some(r) = set.join_next().await {
            let (i, (_, server)) = r.expect("task");
            assert_eq!(
                server, targets.addrs[i],
                "target {i} reached its own address"
            );
            seen += 1;
        }
        assert_eq!(seen, N);
        // Again, sequentially: everything is reused.
        for c in &chains {
            let s = pool.session(c).await.expect("session");
            let st = s.raw_command("true").status().await.unwrap();
            assert!(st.success());
        }
        pool.close_all().await;
    });
    assert_eq!(bastion.accepted(), 1, "bastion log:\n{}", bastion.log());
    assert_eq!(
        bastion.log().matches("Connection from").count(),
        1,
        "bastion log:\n{}",
        bastion.log()
    );
    assert_eq!(targets.accepted(), N, "targets log:\n{}", targets.log());
}

#[test]
fn three_hop_ssh_chain() {
    let lab = Lab::new();
    let b1 = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let b2 = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let t = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let hops = chain(vec![
        lab.target(&b1, 0, "outer"),
        lab.target(&b2, 0, "inner"),
        lab.target(&t, 0, "db01"),
    ]);
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool.session(&hops).await.expect("session");
        let (_, server) = ssh_connection(&s).await;
        assert_eq!(server, t.addrs[0]);
        let out = s.raw_command("echo through three").output().await.unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "through three\n");
        // The masters are recorded, outermost last.
        let m = pool.masters(None);
        let names: Vec<&str> = m.iter().map(|m| m.inventory_host.as_str()).collect();
        assert_eq!(names, ["db01", "inner", "outer"]);
        let closed = pool.close(Some("outer")).await;
        assert_eq!(
            closed.len(),
            3,
            "closing the outer hop closes what it carries"
        );
    });
    for d in [&b1, &b2, &t] {
        assert_eq!(d.accepted(), 1, "{}", d.log());
    }
}

#[test]
fn connection_errors_name_the_hop_and_the_ssh_error() {
    let lab = Lab::new();
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let dir = ctl_dir(&lab);
    // Nothing listens on this port of this fresh address.
    let closed_addr = lab.addrs(1)[0];
    let closed_port = std::net::TcpListener::bind((closed_addr, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut refused = lab.target(&bastion, 0, "gone");
    refused.hostname = closed_addr.to_string();
    refused.port = Some(closed_port);

    let mut wrong_key = lab.target(&bastion, 0, "locked");
    let other_key = lab.path().join("other_key");
    std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&other_key)
        .status()
        .unwrap();
    wrong_key.identity_file = Some(other_key.display().to_string());

    let mut bad_host_key = lab.target(&bastion, 0, "spoofed");
    let kh = lab.path().join("wrong_known_hosts");
    let wrong_pub = std::fs::read_to_string(other_key.with_extension("pub")).unwrap();
    let wrong_pub: Vec<&str> = wrong_pub.split_whitespace().take(2).collect();
    std::fs::write(
        &kh,
        format!(
            "[{}]:{} {}\n",
            bastion.addrs[0],
            bastion.port,
            wrong_pub.join(" ")
        ),
    )
    .unwrap();
    bad_host_key.ssh_args[1] = format!("UserKnownHostsFile={}", kh.display());

    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let e = pool.session(&[refused.clone()]).await.unwrap_err();
        assert_eq!((e.index, e.method.as_str()), (0, "ssh"));
        assert_eq!(e.inventory_host, "gone");
        assert!(e.message.contains("Connection refused"), "{e}");
        assert!(e.to_string().starts_with("hop 0 (ssh on gone): "), "{e}");

        let e = pool.session(&[wrong_key]).await.unwrap_err();
        assert!(e.message.contains("Permission denied (publickey)"), "{e}");

        let e = pool.session(&[bad_host_key]).await.unwrap_err();
        assert!(e.message.contains("Host key verification failed"), "{e}");
        assert!(
            !e.message.contains("@@@"),
            "only the lines that say why: {e}"
        );

        // A failing hop behind a working bastion: hop 1 is named, the bastion is fine.
        let b = lab.target(&bastion, 0, "bastion");
        let e = pool
            .session(&chain(vec![b.clone(), refused.clone()]))
            .await
            .unwrap_err();
        assert_eq!((e.index, e.inventory_host.as_str()), (1, "gone"), "{e}");
        assert_eq!(
            e.message,
            "connect failed: Connection refused (tunnel from bastion)"
        );
        assert!(pool.session(&[b]).await.is_ok());
        pool.close_all().await;
    });
}

#[test]
fn a_silent_server_is_an_error_not_a_hang() {
    let lab = Lab::new();
    let addr = lab.addrs(1)[0];
    // Accepts TCP connections and never says anything.
    let listener = std::net::TcpListener::bind((addr, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let _hold = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in listener.incoming().flatten() {
            conns.push(c);
        }
    });
    let mut t = lab_target(
        &addr.to_string(),
        port,
        "silent",
        &lab.user_key,
        &lab.known_hosts,
    );
    t.connect_timeout = 2;
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        // ConnectTimeout covers the banner exchange.
        let pool = pool(&dir);
        let e = pool.session(&[t.clone()]).await.unwrap_err();
        assert_eq!(e.index, 0);
        assert!(e.message.contains("timed out"), "{e}");
        // The pool's own deadline kills an ssh that ConnectTimeout would not stop in time.
        let mut slow = t.clone();
        slow.connect_timeout = 600;
        let pool = SshPool::new(SshPoolOptions {
            control_dir: Some(dir.clone()),
            establish_timeout: Some(Duration::from_secs(2)),
            ..Default::default()
        })
        .unwrap();
        let e = pool.session(&[slow]).await.unwrap_err();
        assert!(e.message.contains("no connection within 2s"), "{e}");
    });
}

#[test]
fn a_killed_bastion_fails_hop_zero_for_every_target() {
    let lab = Lab::new();
    let mut bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let targets = lab.sshd(SshdSpec::targets(lab.addrs(2)));
    let b = lab.target(&bastion, 0, "bastion");
    let c0 = chain(vec![b.clone(), lab.target(&targets, 0, "web0")]);
    let c1 = chain(vec![b.clone(), lab.target(&targets, 1, "web1")]);
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool.session(&c0).await.expect("session");
        assert!(s.raw_command("true").status().await.unwrap().success());
        let bastion_sock = pool.session(std::slice::from_ref(&b)).await.unwrap();
        bastion.kill();
        // Wait (deadline-bounded by block_on) until the bastion master has noticed.
        while bastion_sock.check().await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let pool = self::pool(&dir);
        let e0 = pool.session(&c0).await.unwrap_err();
        let e1 = pool.session(&c1).await.unwrap_err();
        assert_eq!(
            (e0.index, e0.inventory_host.as_str()),
            (0, "bastion"),
            "{e0}"
        );
        assert!(e0.message.contains("Connection refused"), "{e0}");
        assert_eq!(
            e0, e1,
            "every target behind the bastion gets the same error"
        );
    });
}

/// Processes whose argv or environment contain `needle` (other than this test process).
fn processes_holding(needle: &[u8]) -> Vec<String> {
    let me = std::process::id().to_string();
    let mut hits = Vec::new();
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return hits;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) || name == me {
            continue;
        }
        for f in ["cmdline", "environ"] {
            if let Ok(b) = std::fs::read(e.path().join(f))
                && b.windows(needle.len()).any(|w| w == needle)
            {
                let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                hits.push(format!("{name} {f}: {}", String::from_utf8_lossy(&cmd)));
            }
        }
    }
    hits
}

#[test]
fn password_login_keeps_the_password_off_every_argv_and_environment() {
    let lab = Lab::new();
    let password = format!(
        "pw-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    );
    let password = password.replace(|c: char| !c.is_ascii_alphanumeric(), "x");
    let Some(user) = TestUser::create(&lab, Some(&password)) else {
        return;
    };
    let mut spec = SshdSpec::targets(lab.addrs(1));
    spec.password_auth = true;
    let sshd = lab.sshd(spec);
    let mut t = lab.target(&sshd, 0, "pwhost");
    t.username = Some(user.name.clone());
    t.identity_file = None;
    t.ssh_args
        .extend(["-o".into(), "PubkeyAuthentication=no".into()]);
    t.password = Some(stackctl::transport::SecretText::new(password.clone()));
    let mut wrong = t.clone();
    wrong.inventory_host = "pwhost-wrong".into();
    wrong.password = Some(stackctl::transport::SecretText::new("not-the-password"));
    let dir = ctl_dir(&lab);

    // Scan every process while the master is being established and used.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scanner = {
        let stop = stop.clone();
        let needle = password.clone().into_bytes();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut rounds = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                seen.extend(processes_holding(&needle));
                rounds += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            (seen, rounds)
        })
    };
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool
            .session(std::slice::from_ref(&t))
            .await
            .expect("password login");
        let out = s.raw_command("id -un").output().await.unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), user.name);
        let e = pool.session(&[wrong]).await.unwrap_err();
        assert!(e.message.contains("Permission denied"), "{e}");
        pool.close_all().await;
    });
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (seen, rounds) = scanner.join().unwrap();
    assert!(rounds > 0);
    assert!(seen.is_empty(), "password visible in: {seen:#?}");
    assert!(processes_holding(password.as_bytes()).is_empty());
    // Nor in any file stackctl wrote.
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let b = std::fs::read(e.path()).unwrap_or_default();
        assert!(
            !b.windows(password.len()).any(|w| w == password.as_bytes()),
            "password in {}",
            e.path().display()
        );
    }
    assert_eq!(
        sshd.log().matches("Accepted password for").count(),
        1,
        "{}",
        sshd.log()
    );
}

#[test]
fn netns_target_is_reachable_only_through_its_bastion() {
    let lab = Lab::new();
    let Some(island) = Island::new(&lab) else {
        return;
    };
    let b = lab_target(
        &island.bastion_addr,
        island.bastion.port,
        "island-bastion",
        &lab.user_key,
        &lab.known_hosts,
    );
    let t = lab_target(
        &island.target_addr,
        island.target.port,
        "island-db",
        &lab.user_key,
        &lab.known_hosts,
    );
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        // Skipping the bastion fails: there is no route from here.
        let e = pool.session(std::slice::from_ref(&t)).await.unwrap_err();
        assert_eq!((e.index, e.inventory_host.as_str()), (0, "island-db"));
        assert!(
            e.message.contains("No route to host") || e.message.contains("unreachable"),
            "{e}"
        );
        // Through the bastion it works, and the target sees the bastion's side as the client.
        let s = pool.session(&chain(vec![b, t])).await.expect("chain");
        let (client, server) = ssh_connection(&s).await;
        assert_eq!(server, island.target_addr);
        assert!(client.starts_with("198.19."), "client {client}");
        pool.close_all().await;
    });
    assert_eq!(island.bastion.accepted(), 1);
    assert_eq!(island.target.accepted(), 1);
}

/// Helper run in a child process by `masters_persist_across_processes_until_closed`: opens the
/// chain described by STK_HELPER_* in a new SshPool and runs `true`.
#[test]
#[ignore = "helper process for masters_persist_across_processes_until_closed"]
fn helper_open_chain() {
    let Ok(spec) = std::env::var("STK_HELPER_CHAIN") else {
        return;
    };
    let key = std::path::PathBuf::from(std::env::var("STK_HELPER_KEY").unwrap());
    let kh = std::path::PathBuf::from(std::env::var("STK_HELPER_KNOWN_HOSTS").unwrap());
    let dir = std::path::PathBuf::from(std::env::var("STK_HELPER_CTL").unwrap());
    let hops: Vec<_> = spec
        .split(',')
        .map(|h| {
            let mut p = h.split(':');
            let name = p.next().unwrap();
            let addr = p.next().unwrap();
            let port = p.next().unwrap().parse().unwrap();
            let mut t = lab_target(addr, port, name, &key, &kh);
            if std::env::var_os("STK_HELPER_NO_KEY").is_some() && name.starts_with("nokey") {
                t.identity_file = None;
            }
            t
        })
        .collect();
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool.session(&chain(hops)).await.expect("session");
        assert!(s.raw_command("true").status().await.unwrap().success());
    });
}

#[test]
fn masters_persist_across_processes_until_closed() {
    let lab = Lab::new();
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let target = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let dir = ctl_dir(&lab);
    let spec = format!(
        "jump:{}:{},app01:{}:{}",
        bastion.addrs[0], bastion.port, target.addrs[0], target.port
    );
    let helper = || {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "helper_open_chain", "--ignored", "--nocapture"])
            .env("STK_HELPER_CHAIN", &spec)
            .env("STK_HELPER_KEY", &lab.user_key)
            .env("STK_HELPER_KNOWN_HOSTS", &lab.known_hosts)
            .env("STK_HELPER_CTL", &dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "helper: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Two processes at once: the per-hop lock lets one establish, the other reuses.
    std::thread::scope(|sc| {
        let a = sc.spawn(helper);
        let b = sc.spawn(helper);
        a.join().unwrap();
        b.join().unwrap();
    });
    helper();
    assert_eq!(
        bastion.accepted(),
        1,
        "other processes reused the bastion master"
    );
    assert_eq!(
        target.accepted(),
        1,
        "other processes reused the target master"
    );

    let close = |pattern: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_stackctl"));
        c.arg("close").env("STACKCTL_CONTROL_DIR", &dir);
        if let Some(p) = pattern {
            c.arg(p);
        }
        let out = c.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Closing the target only keeps the bastion master.
    let out = close(Some("app*"));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("closed app01 ("), "{out}");
    helper();
    assert_eq!((bastion.accepted(), target.accepted()), (1, 2));
    // Closing everything: both end, and the next run authenticates again.
    let out = close(None);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(close(None), "");
    helper();
    assert_eq!((bastion.accepted(), target.accepted()), (2, 3));
    close(None);
}

#[test]
fn the_users_ssh_config_stays_in_force() {
    let lab = Lab::new();
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let target = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    // A HOME whose ~/.ssh/config names the target and holds the only way to its key.
    let home = lab.path().join("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(
        home.join(".ssh/config"),
        format!(
            "Host nick-target\n  HostName {}\n  IdentityFile {}\n",
            target.addrs[0],
            lab.user_key.display()
        ),
    )
    .unwrap();
    let spec = format!(
        "jump:{}:{},nokey-app:nick-target:{}",
        bastion.addrs[0], bastion.port, target.port
    );
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "helper_open_chain", "--ignored", "--nocapture"])
        .env("HOME", &home)
        .env("STK_HELPER_NO_KEY", "1")
        .env("STK_HELPER_CHAIN", &spec)
        .env("STK_HELPER_KEY", &lab.user_key)
        .env("STK_HELPER_KNOWN_HOSTS", &lab.known_hosts)
        .env("STK_HELPER_CTL", ctl_dir(&lab))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "helper: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(target.accepted(), 1, "{}", target.log());
    block_on(DEADLINE, async { pool(&ctl_dir(&lab)).close_all().await });
}

#[test]
fn a_master_killed_with_sigkill_is_replaced() {
    let lab = Lab::new();
    let sshd = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let t = lab.target(&sshd, 0, "web01");
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        let sock = s.control_socket().to_path_buf();
        let pid = master_pid(&sock);
        // SAFETY: kill(2) on the master this test's pool started.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        while s.check().await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(sock.exists(), "a killed master leaves its socket behind");
        // Same pool (which saw the master alive a moment ago, and trusts it for a second: the
        // command's connect fails, and the run forgets it and starts a new one) and a new pool
        // (which checks): both start a new master on the same path.
        let plan = stackctl::plan::Plan {
            host: "web01".into(),
            masters: vec![t.clone()],
            layers: Vec::new(),
            command: b"echo again".to_vec(),
            feeds: Vec::new(),
            tty: false,
            ready_timeout: Duration::ZERO,
            posix_login_shell: true,
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let user = stackctl::transport::stream::UserIo {
            stdin: None,
            stdout: Box::pin(stackctl::workers::inline::EventWriter {
                task: 0,
                stream: stackctl::workers::Stream::Stdout,
                sink: tx,
            }),
            stderr: Box::pin(tokio::io::sink()),
        };
        let outcome = stackctl::transport::run_plan_in(Ok(&pool), &plan, user).await;
        assert!(
            matches!(outcome, stackctl::transport::stream::Outcome::Exited(0)),
            "{outcome:?}"
        );
        let mut out = Vec::new();
        while let Ok(stackctl::workers::Event::Output { bytes, .. }) = rx.try_recv() {
            out.extend(bytes);
        }
        assert_eq!(String::from_utf8_lossy(&out), "again\n");
        let s3 = self::pool(&dir)
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        assert_eq!(s3.control_socket(), sock);
        assert!(s3.raw_command("true").status().await.unwrap().success());
        pool.close_all().await;
    });
    assert_eq!(sshd.accepted(), 2, "{}", sshd.log());
}

#[test]
fn a_stopped_master_does_not_hang_the_next_run() {
    let lab = Lab::new();
    let sshd = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let t = lab.target(&sshd, 0, "web01");
    let dir = ctl_dir(&lab);
    let stopped = block_on(DEADLINE, async {
        let s = pool(&dir)
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        let pid = master_pid(s.control_socket());
        // SAFETY: kill(2) on the master this test started.
        unsafe {
            libc::kill(pid, libc::SIGSTOP);
        }
        // A new run treats the wedged master as dead and starts another.
        let pool = pool(&dir);
        let s2 = pool
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        assert!(s2.raw_command("true").status().await.unwrap().success());
        assert_ne!(master_pid(s2.control_socket()), pid);
        pool.close_all().await;
        pid
    });
    // SAFETY: as above; the stopped master is this test's to end.
    unsafe {
        libc::kill(stopped, libc::SIGKILL);
    }
    assert_eq!(sshd.accepted(), 2, "{}", sshd.log());
}

#[test]
fn persist_zero_closes_the_runs_masters_at_finish() {
    let lab = Lab::new();
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let target = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let hops = chain(vec![
        lab.target(&bastion, 0, "bastion"),
        lab.target(&target, 0, "app"),
    ]);
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = SshPool::new(SshPoolOptions {
            control_dir: Some(dir.clone()),
            persist: Duration::ZERO,
            ..Default::default()
        })
        .unwrap();
        let s = pool.session(&hops).await.expect("session");
        assert!(s.raw_command("true").status().await.unwrap().success());
        assert_eq!(pool.masters(None).len(), 2);
        pool.finish().await;
        assert!(pool.masters(None).is_empty());
        assert!(!s.control_socket().exists());
        assert!(s.check().await.is_err(), "the master is gone");
    });
}

#[test]
fn stackctl_exec_reuses_persisted_masters_until_closed() {
    let lab = Lab::new();
    let mut bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let target = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let inv = lab.path().join("hosts.ini");
    std::fs::write(
        &inv,
        format!(
            "bastion ansible_host={} ansible_port={}\n\
             app ansible_host={} ansible_port={} mitogen_via=bastion\n\
             [all:vars]\n\
             ansible_user={}\n\
             ansible_ssh_private_key_file={}\n\
             ansible_ssh_common_args='-o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null'\n",
            bastion.addrs[0],
            bastion.port,
            target.addrs[0],
            target.port,
            current_user(),
            lab.user_key.display(),
            lab.known_hosts.display()
        ),
    )
    .unwrap();
    let dir = ctl_dir(&lab);
    let stackctl = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackctl"))
            .env("STACKCTL_CONTROL_DIR", &dir)
            .env("HOME", lab.path())
            .current_dir(lab.path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let inv = inv.display().to_string();
    let exec = || stackctl(&["exec", "-i", &inv, "app", "--", "echo $SSH_CONNECTION"]);
    for _ in 0..3 {
        let (code, out, err) = exec();
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(
            out.split_whitespace().nth(2),
            Some(target.addrs[0].as_str())
        );
    }
    assert_eq!((bastion.accepted(), target.accepted()), (1, 1));
    let (code, out, _) = stackctl(&["close"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 2, "{out}");
    let (code, _, err) = exec();
    assert_eq!(code, Some(0), "{err}");
    assert_eq!((bastion.accepted(), target.accepted()), (2, 2));
    stackctl(&["close"]);
    // A dead bastion: exit 255 and the hop named, not a hang.
    bastion.kill();
    let (code, _, err) = exec();
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.contains("hop 0 (ssh on bastion): ") && err.contains("Connection refused"),
        "{err}"
    );
}
