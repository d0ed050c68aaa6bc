//! `plan::build`: which ssh hops become masters (tunnel vs nested), the exact wrapper of every
//! method, the exact command string, secret feeds in prompt order, errors naming the hop, and
//! the dry-run text with passwords redacted. Stacks are built by hand.

use stackctl::plan::{
    BecomeMethod, Placement, PlanError, PlanOptions, SshChain, build, placements,
};
use stackctl::stack::{Builder, Hop, HopKind, Stack};
use stackctl::value::{Map, Value};

fn kw(pairs: &[(&str, Value)]) -> Map {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn hop(method: &str, builder: Builder, host: &str, kwargs: Map) -> Hop {
    let kind = if matches!(builder, Builder::Sudo | Builder::Su | Builder::Doas) {
        HopKind::Become
    } else {
        HopKind::Login
    };
    Hop {
        method: method.into(),
        kwargs,
        enable_lru: kind == HopKind::Become,
        inventory_host: host.into(),
        kind,
        builder,
    }
}

fn ssh(host: &str, hostname: &str, user: &str) -> Hop {
    hop(
        "ssh",
        Builder::Ssh,
        host,
        kw(&[
            ("check_host_keys", s("ignore")),
            ("hostname", s(hostname)),
            ("username", s(user)),
            ("compression", Value::Bool(true)),
            ("password", Value::Null),
            ("port", Value::Int(2222)),
            ("identity_file", s("/home/op/.ssh/id_ed25519")),
            ("ssh_path", s("ssh")),
            ("connect_timeout", Value::Int(10)),
            (
                "ssh_args",
                Value::List(vec![s("-o"), s("ControlMaster=auto")]),
            ),
            ("ssh_debug_level", Value::Int(0)),
            ("keepalive_count", Value::Int(10)),
            ("keepalive_interval", Value::Int(30)),
        ]),
    )
}

fn sudo(host: &str, user: &str, password: Option<&str>) -> Hop {
    hop(
        "sudo",
        Builder::Sudo,
        host,
        kw(&[
            ("username", s(user)),
            ("password", password.map(s).unwrap_or(Value::Null)),
            ("sudo_path", Value::Null),
            ("connect_timeout", Value::Int(10)),
            ("sudo_args", Value::List(vec![s("-H"), s("-S"), s("-n")])),
        ]),
    )
}

fn container(method: &str, builder: Builder, host: &str, extra: &[(&str, Value)]) -> Hop {
    let mut k = kw(&[("container", s(host)), ("username", Value::Null)]);
    for (a, b) in extra {
        k.insert(a.to_string(), b.clone());
    }
    hop(method, builder, host, k)
}

fn stack(hops: Vec<Hop>) -> Stack {
    Stack {
        target: hops
            .last()
            .map(|h| h.inventory_host.clone())
            .unwrap_or_default(),
        hops,
        configs: Vec::new(),
    }
}

fn opts(chain: SshChain) -> PlanOptions {
    PlanOptions {
        chain,
        tty: false,
        nonce: "N".into(),
    }
}

fn argv(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn ssh_then_sudo_runs_sudo_on_the_master() {
    let st = stack(vec![
        ssh("web01", "10.0.0.1", "ops"),
        sudo("web01", "root", None),
    ]);
    let p = build(&st, &argv(&["id", "-un"]), &opts(SshChain::Tunnel)).expect("plan");
    assert_eq!(p.masters.len(), 1);
    assert_eq!(p.masters[0].hostname, "10.0.0.1");
    assert_eq!(p.masters[0].port, Some(2222));
    assert!(!p.masters[0].check_host_keys);
    assert_eq!(
        text(&p.command),
        "exec sudo -p stackctl-N-sudo-1: -n -u root -H -- sh -c 'echo stackctl-N-hop-1 >&2\nid -un'"
    );
    assert_eq!(p.feeds.len(), 1);
    assert_eq!(p.feeds[0].method, BecomeMethod::Sudo);
    assert_eq!(p.feeds[0].prompt.as_deref(), Some("stackctl-N-sudo-1:"));
    assert!(p.feeds[0].secret.is_none());
}

#[test]
fn ssh_after_ssh_is_tunnelled_and_later_hops_wrap() {
    let st = stack(vec![
        ssh("bastion", "10.0.0.10", "ops"),
        ssh("db1", "10.0.2.1", "deploy"),
        sudo("db1", "root", Some("hunter2")),
        container("docker", Builder::Docker, "app", &[("username", s("app"))]),
    ]);
    let p = build(&st, &argv(&["echo", "a b"]), &opts(SshChain::Tunnel)).expect("plan");
    assert_eq!(
        p.masters.iter().map(|m| m.hop_index).collect::<Vec<_>>(),
        [0, 1]
    );
    assert_eq!(
        p.layers.iter().map(|l| l.hop_index).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(
        text(&p.command),
        "exec sudo -p stackctl-N-sudo-2: -S -u root -H -- sh -c 'echo stackctl-N-hop-2 >&2\n\
         exec docker exec -i --user=app app sh -c '\\''echo stackctl-N-hop-3 >&2\necho '\\''\\'\\'''\\''a b'\\''\\'\\'''\\'''\\'''"
    );
    assert!(!text(&p.command).contains("hunter2"));
    assert_eq!(
        p.layers[1].display,
        "exec docker exec -i --user=app app sh -c <command>"
    );
    assert_eq!(
        p.feeds[0].secret.as_ref().map(|s| s.expose()),
        Some("hunter2")
    );
    // resolve's "runs on" agrees with the plan.
    let places = placements(&st, SshChain::Tunnel);
    assert_eq!(places[1], Placement::Tunnel { through: 0 });
    assert_eq!(places[2], Placement::On { hop: 1 });
}

#[test]
fn become_between_ssh_hops_makes_the_second_ssh_nested() {
    let st = stack(vec![
        ssh("bastion", "10.0.0.10", "ops"),
        sudo("bastion", "root", None),
        ssh("db1", "10.0.2.1", "deploy"),
    ]);
    let p = build(&st, &argv(&["uptime"]), &opts(SshChain::Tunnel)).expect("plan");
    assert_eq!(p.masters.len(), 1);
    assert_eq!(p.layers[1].method, "ssh");
    assert_eq!(
        p.layers[1].display,
        "exec ssh -l deploy -p 2222 -i /home/op/.ssh/id_ed25519 -o LogLevel=ERROR -o Compression=yes \
         -o ServerAliveInterval=30 -o ServerAliveCountMax=10 -o ConnectTimeout=10 -o BatchMode=yes \
         -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
         -o ControlMaster=auto -- 10.0.2.1 <command>"
    );
    assert_eq!(
        placements(&st, SshChain::Tunnel)[2],
        Placement::On { hop: 1 }
    );
}

#[test]
fn nested_chain_mode_runs_every_later_ssh_on_the_previous_hop() {
    let st = stack(vec![ssh("bastion", "b", "ops"), ssh("db1", "d", "deploy")]);
    let tunnel = build(&st, &argv(&["true"]), &opts(SshChain::Tunnel)).expect("plan");
    assert_eq!(tunnel.masters.len(), 2);
    assert!(tunnel.layers.is_empty());
    assert_eq!(text(&tunnel.command), "true");
    let nested = build(&st, &argv(&["true"]), &opts(SshChain::Nested)).expect("plan");
    assert_eq!(nested.masters.len(), 1);
    assert_eq!(nested.layers.len(), 1);
    assert!(text(&nested.command).starts_with("exec ssh -l deploy "));
    assert!(text(&nested.command).ends_with(" -- d 'echo stackctl-N-hop-1 >&2\ntrue'"));
}

#[test]
fn every_wrapper_method() {
    let cases: Vec<(Hop, &str)> = vec![
        (
            hop("local", Builder::Local, "h", Map::new()),
            "exec sh -c <command>",
        ),
        (
            hop(
                "su",
                Builder::Su,
                "h",
                kw(&[("username", s("bob")), ("su_path", Value::Null)]),
            ),
            "exec su bob -c <command>",
        ),
        (
            hop(
                "doas",
                Builder::Doas,
                "h",
                kw(&[("username", Value::Null), ("doas_path", s("/usr/bin/doas"))]),
            ),
            "exec /usr/bin/doas -n -u root -- sh -c <command>",
        ),
        (
            container("podman", Builder::Podman, "c1", &[]),
            "exec podman exec -i c1 sh -c <command>",
        ),
        (
            container(
                "docker",
                Builder::Docker,
                "c1",
                &[("docker_path", s("/opt/docker"))],
            ),
            "exec /opt/docker exec -i c1 sh -c <command>",
        ),
        (
            container("buildah", Builder::Buildah, "c1", &[("username", s("u"))]),
            "exec buildah run --user=u -- c1 sh -c <command>",
        ),
        (
            hop(
                "kubectl",
                Builder::Kubectl,
                "p1",
                kw(&[
                    ("pod", s("p1")),
                    ("kubectl_path", Value::Null),
                    ("kubectl_args", Value::List(vec![s("-n"), s("prod")])),
                ]),
            ),
            "exec kubectl -n prod exec -i p1 -- sh -c <command>",
        ),
        (
            container("lxc", Builder::Lxc, "c1", &[]),
            "exec lxc-attach --clear-env --name c1 -- sh -c <command>",
        ),
        (
            container("lxd", Builder::Lxd, "c1", &[]),
            "exec lxc exec --mode=noninteractive c1 -- sh -c <command>",
        ),
        (
            container("incus", Builder::Incus, "c1", &[]),
            "exec incus exec --mode=non-interactive c1 -- sh -c <command>",
        ),
        (
            container("jail", Builder::Jail, "j1", &[("username", s("www"))]),
            "exec jexec -U www j1 sh -c <command>",
        ),
        (
            container("setns", Builder::Setns, "c1", &[("kind", s("docker"))]),
            "pid=$(docker inspect --format='{{.State.Pid}}' c1) && [ -n \"$pid\" ] || \
             { echo 'cannot find the leader PID of docker container c1' >&2; exit 1; }; \
             exec nsenter -t \"$pid\" -a sh -c <command>",
        ),
    ];
    for (h, want) in cases {
        let method = h.method.clone();
        let st = stack(vec![h]);
        let p = build(&st, &argv(&["true"]), &opts(SshChain::Tunnel))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        assert!(p.masters.is_empty());
        assert_eq!(p.layers[0].display, want, "{method}");
    }
}

#[test]
fn errors_name_the_hop_and_host() {
    let bad_kind = stack(vec![
        hop("local", Builder::Local, "ctl", Map::new()),
        container("setns", Builder::Setns, "c9", &[("kind", s("bogus"))]),
    ]);
    let e = build(&bad_kind, &argv(&["true"]), &opts(SshChain::Tunnel)).expect_err("error");
    assert_eq!(
        e.to_string(),
        "hop 1 (setns on c9): unsupported container kind: \"bogus\""
    );
    let no_ctr = stack(vec![hop(
        "docker",
        Builder::Docker,
        "d",
        kw(&[("container", Value::Null)]),
    )]);
    let e = build(&no_ctr, &argv(&["true"]), &opts(SshChain::Tunnel)).expect_err("error");
    assert_eq!(
        e.to_string(),
        "hop 0 (docker on d): docker hop has no container"
    );
    let mut pw = ssh("db1", "d", "deploy");
    pw.kwargs.insert("password".into(), s("secret"));
    let nested_pw = stack(vec![ssh("b", "b", "ops"), sudo("b", "root", None), pw]);
    let e = build(&nested_pw, &argv(&["true"]), &opts(SshChain::Tunnel)).expect_err("error");
    assert!(matches!(e, PlanError::Hop { index: 2, .. }), "{e}");
    assert!(!e.to_string().contains("secret"));
    let e = build(&nested_pw, &[], &opts(SshChain::Tunnel)).expect_err("error");
    assert_eq!(e.to_string(), "no command given");
}

/// `-t` and `shell`: the plan keeps its masters (the ssh client runs on the last one with
/// `-tt`), and hops that would give the next one pipes ask for a terminal there too.
#[test]
fn tty_plans_keep_masters_and_ask_every_hop_for_a_terminal() {
    let mut tty = opts(SshChain::Nested);
    tty.tty = true;
    let st = stack(vec![
        ssh("b", "b", "ops"),
        ssh("db", "db", "ops"),
        sudo("db", "root", None),
        container("docker", Builder::Docker, "app", &[("container", s("app"))]),
    ]);
    let p = build(&st, &argv(&["true"]), &tty).expect("plan");
    assert!(p.tty);
    assert_eq!(p.masters.len(), 1);
    assert!(
        p.layers[0].display.starts_with("exec ssh -tt "),
        "{}",
        p.layers[0].display
    );
    assert!(
        p.layers[2].display.contains("docker exec -i -t "),
        "{}",
        p.layers[2].display
    );
    let p = build(&st, &argv(&["true"]), &opts(SshChain::Nested)).expect("plan");
    assert!(!p.layers[0].display.contains("-tt"));
    assert!(
        p.layers[2].display.contains("docker exec -i app"),
        "{}",
        p.layers[2].display
    );
}

#[test]
fn dry_run_text_redacts_passwords() {
    let mut master = ssh("bastion", "10.0.0.10", "ops");
    master.kwargs.insert("password".into(), s("ssh-pass-123"));
    let st = stack(vec![master, sudo("bastion", "root", Some("sudo-pass-456"))]);
    let p = build(&st, &argv(&["id"]), &opts(SshChain::Tunnel)).expect("plan");
    let t = stackctl::output::plan::text(&p, SshChain::Tunnel);
    assert!(
        !t.contains("ssh-pass-123") && !t.contains("sudo-pass-456"),
        "{t}"
    );
    assert!(t.contains("(password: ********)"), "{t}");
    assert!(
        t.contains("  hop 1 (sudo to root on bastion): ********\n"),
        "{t}"
    );
    assert!(t.contains(
        "  hop 0 (ssh on bastion): ssh -l ops -p 2222 -i /home/op/.ssh/id_ed25519 -o LogLevel=ERROR"
    ));
    assert!(
        t.ends_with(
            "command (remote command of hop 0, parsed by its login shell):\n  \
         exec sudo -p stackctl-N-sudo-1: -S -u root -H -- sh -c 'echo stackctl-N-hop-1 >&2\nid'\n\
         (each wrapped hop's shell first prints the marker stackctl-NONCE-hop-N on stderr, which \
         stackctl removes; NONCE is a random token chosen per run)\n"
        ),
        "{t}"
    );
}

#[test]
fn a_single_word_is_a_snippet_several_are_quoted() {
    let st = stack(vec![hop("local", Builder::Local, "h", Map::new())]);
    let one = build(&st, &argv(&["ls | wc -l"]), &opts(SshChain::Tunnel)).expect("plan");
    assert!(text(&one.command).ends_with("\nls | wc -l'"));
    let many = build(&st, &argv(&["ls", "|", "wc"]), &opts(SshChain::Tunnel)).expect("plan");
    assert!(text(&many.command).ends_with("\nls '\\''|'\\'' wc'"));
}

#[test]
fn an_unreachable_master_is_a_hop_error() {
    // A plan whose master cannot be reached (loopback, closed port 1; or, until the ssh
    // transport lands, its stub) fails cleanly naming the hop.
    let mut h = ssh("web01", "127.0.0.1", "ops");
    h.kwargs.insert("port".into(), Value::Int(1));
    h.kwargs.insert("connect_timeout".into(), Value::Int(3));
    let st = stack(vec![h]);
    let p = build(&st, &argv(&["true"]), &opts(SshChain::Tunnel)).expect("plan");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let user = stackctl::transport::stream::UserIo {
        stdin: None,
        stdout: Box::pin(tokio::io::sink()),
        stderr: Box::pin(tokio::io::sink()),
    };
    let o = rt.block_on(stackctl::transport::run_plan(&p, user));
    match o {
        stackctl::transport::stream::Outcome::Hop(e) => {
            assert_eq!(
                (e.index, e.method.as_str(), e.inventory_host.as_str()),
                (0, "ssh", "web01")
            );
        }
        other => panic!("{other:?}"),
    }
}
