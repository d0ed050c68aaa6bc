//! `stackctl check` against real sshd daemons on loopback (tests/support): a bastion, a target
//! reached through it, and a sudo hop on the target (a throwaway user and a sudoers drop-in,
//! root only). Each failure is reported at the right hop with the right class and exit status:
//! healthy chain (0), wrong sudo password (2, become password at the sudo hop), bastion down
//! (4, refused at hop 0), target host key changed (4, host key changed at hop 1), wrong private
//! key (4, authentication at hop 1), unknown host key (4), a silent server (4, timeout), and
//! many hosts at once sharing one bastion login, with refused / command not found / no such
//! container (a docker stand-in) classed and 4 winning over 2.
//!
//! Every run has its own control directory and HOME, never reads stdin (null) and runs with
//! `CI=true`; a deadline only turns a hang into a failure.

mod common;
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");
const DEADLINE: Duration = Duration::from_secs(120);

/// A sudoers drop-in, removed on drop.
struct Sudoers(PathBuf);

impl Sudoers {
    fn allow_all_with_password(user: &str) -> Sudoers {
        let p = PathBuf::from(format!("/etc/sudoers.d/stackctl-check-test-{user}"));
        std::fs::write(
            &p,
            format!("Defaults:{user} !lecture, timestamp_timeout=0\n{user} ALL=(ALL) ALL\n"),
        )
        .expect("write sudoers");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o440)).expect("chmod");
        let s = Sudoers(p);
        let ok = Command::new("visudo")
            .arg("-cf")
            .arg(&s.0)
            .output()
            .expect("visudo");
        assert!(ok.status.success(), "sudoers drop-in invalid");
        s
    }
}

impl Drop for Sudoers {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One test's runs: its control directory and HOME; `stackctl close` on drop.
struct Runner {
    dir: tempfile::TempDir,
    inventory: PathBuf,
}

impl Runner {
    fn new(inventory_text: &str) -> Runner {
        let dir = tempfile::Builder::new()
            .prefix("stkchk")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let inventory = dir.path().join("hosts.ini");
        std::fs::write(&inventory, inventory_text).expect("inventory");
        std::fs::create_dir(dir.path().join("home")).expect("home");
        Runner { dir, inventory }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env("STACKCTL_CONTROL_DIR", self.dir.path().join("ctl"))
            .env("HOME", self.dir.path().join("home"))
            .env("CI", "true")
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("ANSIBLE_CONFIG")
            .env_remove("ANSIBLE_INVENTORY")
            .args(args);
        c
    }

    /// `stackctl check -i hosts.ini ARGS…` → (exit code, stdout, stderr).
    fn check(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let inv = self.inventory.display().to_string();
        let mut all = vec!["check", "-i", inv.as_str()];
        all.extend_from_slice(args);
        run(self.command(&all))
    }

    /// `check --format json`: the exit code and the parsed array.
    fn check_json(&self, args: &[&str]) -> (Option<i32>, Vec<Value>, String) {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--format", "json"]);
        let (code, out, err) = self.check(&all);
        let v: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\nstderr: {err}"));
        let Value::Array(hosts) = v else {
            panic!("not an array: {out}")
        };
        (code, hosts, err)
    }

    fn close(&self) {
        let _ = run(self.command(&["close"]));
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.close();
    }
}

fn run(c: Command) -> (Option<i32>, String, String) {
    let o = common::run_with_deadline(c, b"", DEADLINE);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The INI line of an ssh host at `addr:port` (the lab's key and known_hosts unless
/// `key` is given).
fn ssh_host(lab: &Lab, name: &str, addr: &str, port: u16, user: &str, key: &Path) -> String {
    format!(
        "{name} ansible_host={addr} ansible_port={port} ansible_user={user} \
         ansible_ssh_private_key_file={key} \
         ansible_ssh_common_args='-o UserKnownHostsFile={kh} -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes'",
        key = key.display(),
        kh = lab.known_hosts.display(),
    )
}

fn hop(host: &Value, i: usize) -> &Value {
    &host["hops"][i]
}

/// Asserts hop `i` of `host` passed.
fn assert_ok(host: &Value, i: usize) {
    let h = hop(host, i);
    assert_eq!(h["ok"], Value::Bool(true), "hop {i}: {host:#}");
    assert_eq!(h["reached"], Value::Bool(true), "hop {i}: {host:#}");
    assert_eq!(h["class"], Value::Null, "hop {i}: {host:#}");
    assert!(h["duration_ms"].is_u64(), "hop {i}: {host:#}");
}

/// Asserts hop `i` of `host` is the first failure, with `class`, and that no later hop ran.
fn assert_failed_at(host: &Value, i: usize, class: &str) {
    let hops = host["hops"].as_array().expect("hops");
    for (n, h) in hops.iter().enumerate() {
        match n.cmp(&i) {
            std::cmp::Ordering::Less => assert_ok(host, n),
            std::cmp::Ordering::Equal => {
                assert_eq!(h["ok"], Value::Bool(false), "hop {n}: {host:#}");
                assert_eq!(h["class"], Value::String(class.into()), "{host:#}");
                assert!(
                    h["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "{host:#}"
                );
                assert!(
                    h["advice"].as_str().is_some_and(|m| !m.is_empty()),
                    "{host:#}"
                );
            }
            std::cmp::Ordering::Greater => {
                assert_eq!(
                    h["ok"],
                    Value::Null,
                    "hop {n} should not be checked: {host:#}"
                );
                assert_eq!(h["duration_ms"], Value::Null, "{host:#}");
            }
        }
    }
}

/// A bastion and a target sshd on loopback.
fn daemons(lab: &Lab) -> (Sshd, Sshd) {
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let target = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    (bastion, target)
}

fn need_root() -> bool {
    if !is_root() {
        skip("check tests start sshd daemons on loopback addresses and need root");
        return false;
    }
    true
}

#[test]
fn healthy_chain_then_a_wrong_and_a_missing_sudo_password() {
    if !need_root() {
        return;
    }
    let lab = Lab::new();
    let password = format!("Chk-{}-pw", std::process::id());
    let Some(user) = TestUser::create(&lab, Some(&password)) else {
        return;
    };
    let _sudoers = Sudoers::allow_all_with_password(&user.name);
    let (bastion, target) = daemons(&lab);
    let r = Runner::new(&format!(
        "{}\n{} mitogen_via=bastion ansible_become=true ansible_become_user=root\n",
        ssh_host(
            &lab,
            "bastion",
            &bastion.addrs[0],
            bastion.port,
            "root",
            &lab.user_key
        ),
        ssh_host(
            &lab,
            "app",
            &target.addrs[0],
            target.port,
            &user.name,
            &lab.user_key
        ),
    ));
    let good = r.file("good", &format!("{password}\n"));
    let bad = r.file("bad", "not-the-password\n");
    let good = good.display().to_string();
    let bad = bad.display().to_string();

    // Healthy: every hop ok, exit 0.
    let (code, hosts, err) = r.check_json(&["app", "--become-password-file", &good]);
    assert_eq!(code, Some(0), "{hosts:#?}\n{err}");
    assert_eq!(hosts.len(), 1);
    let app = &hosts[0];
    assert_eq!(app["host"], "app");
    assert_eq!(app["status"], "ok");
    let hops = app["hops"].as_array().expect("hops");
    let methods: Vec<&str> = hops.iter().filter_map(|h| h["method"].as_str()).collect();
    assert_eq!(methods, ["ssh", "ssh", "sudo"]);
    for i in 0..3 {
        assert_ok(app, i);
    }
    assert_eq!(hop(app, 0)["inventory_host"], "bastion");
    assert_eq!(hop(app, 1)["inventory_host"], "app");
    assert_eq!(hop(app, 0)["authenticated"], true);
    assert_eq!(hop(app, 1)["authenticated"], true);
    assert_eq!(hop(app, 2)["become_ok"], true);
    assert_eq!(hop(app, 2)["authenticated"], Value::Null);

    // The table says the same.
    let (code, out, err) = r.check(&["app", "--become-password-file", &good]);
    assert_eq!(code, Some(0));
    assert!(out.contains("1 ok, 0 failed, 0 unreachable"), "{out}");
    assert!(!out.contains(&password) && !err.contains(&password));

    // A wrong sudo password: the sudo hop, become password, exit 2 — and never the secret.
    let (code, hosts, err) = r.check_json(&["app", "--become-password-file", &bad]);
    assert_eq!(code, Some(2), "{hosts:#?}\n{err}");
    let app = &hosts[0];
    assert_eq!(app["status"], "failed");
    assert_failed_at(app, 2, "become_password");
    assert_eq!(hop(app, 2)["become_ok"], false);
    assert_eq!(hop(app, 2)["message"], "sudo password is incorrect");
    let (_, out, err) = r.check(&["app", "--become-password-file", &bad]);
    assert!(
        out.contains("failed at hop 2 (sudo on app): become password"),
        "{out}"
    );
    assert!(!out.contains("not-the-password") && !err.contains("not-the-password"));

    // No password at all, no terminal and CI=true: never a prompt, never a hang.
    let (code, hosts, err) = r.check_json(&["app"]);
    assert_eq!(code, Some(2), "{hosts:#?}\n{err}");
    assert_failed_at(&hosts[0], 2, "become_password");
    assert_eq!(hop(&hosts[0], 2)["message"], "sudo password is required");
}

#[test]
fn a_dead_bastion_is_refused_at_hop_zero() {
    if !need_root() {
        return;
    }
    let lab = Lab::new();
    let (mut bastion, target) = daemons(&lab);
    let user = current_user();
    let r = Runner::new(&format!(
        "{}\n{} mitogen_via=bastion\n",
        ssh_host(
            &lab,
            "bastion",
            &bastion.addrs[0],
            bastion.port,
            &user,
            &lab.user_key
        ),
        ssh_host(
            &lab,
            "app",
            &target.addrs[0],
            target.port,
            &user,
            &lab.user_key
        ),
    ));
    let (code, hosts, err) = r.check_json(&["all"]);
    assert_eq!(code, Some(0), "{hosts:#?}\n{err}");
    assert_eq!(hosts.len(), 2);
    r.close();
    bastion.kill();
    let (code, hosts, err) = r.check_json(&["app"]);
    assert_eq!(code, Some(4), "{hosts:#?}\n{err}");
    let app = &hosts[0];
    assert_eq!(app["status"], "unreachable");
    assert_failed_at(app, 0, "refused");
    assert_eq!(hop(app, 0)["reached"], false);
    assert_eq!(hop(app, 0)["inventory_host"], "bastion");
    assert!(
        hop(app, 0)["message"]
            .as_str()
            .is_some_and(|m| m.contains("Connection refused")),
        "{app:#}"
    );
    let (code, out, _) = r.check(&["app"]);
    assert_eq!(code, Some(4));
    assert!(out.contains("FAILED: refused"), "{out}");
    assert!(
        out.contains("unreachable at hop 0 (ssh on bastion): refused"),
        "{out}"
    );
}

#[test]
fn a_changed_target_host_key_is_reported_at_hop_one() {
    if !need_root() {
        return;
    }
    let lab = Lab::new();
    let (bastion, mut target) = daemons(&lab);
    let user = current_user();
    let (addr, port) = (target.addrs[0].clone(), target.port);
    let r = Runner::new(&format!(
        "{}\n{} mitogen_via=bastion\n",
        ssh_host(
            &lab,
            "bastion",
            &bastion.addrs[0],
            bastion.port,
            &user,
            &lab.user_key
        ),
        ssh_host(&lab, "app", &addr, port, &user, &lab.user_key),
    ));
    let (code, hosts, err) = r.check_json(&["app"]);
    assert_eq!(code, Some(0), "{hosts:#?}\n{err}");
    r.close();
    // The target is rebuilt with a new host key on the same address and port, after
    // known_hosts recorded the old one: a second lab has a fresh host key; it accepts our key.
    target.kill();
    let rebuilt = Lab::new();
    std::fs::copy(&lab.authorized_keys, &rebuilt.authorized_keys).expect("authorized_keys");
    assert_ne!(rebuilt.host_pub, lab.host_pub);
    let _new_target = rebuilt.sshd(SshdSpec {
        port: Some(port),
        ..SshdSpec::targets(vec![addr.parse().expect("addr")])
    });
    let (code, hosts, err) = r.check_json(&["app"]);
    assert_eq!(code, Some(4), "{hosts:#?}\n{err}");
    let app = &hosts[0];
    assert_eq!(app["status"], "unreachable");
    assert_failed_at(app, 1, "host_key_changed");
    assert_eq!(hop(app, 1)["reached"], true);
    assert_eq!(hop(app, 1)["authenticated"], false);
    let (code, out, _) = r.check(&["app"]);
    assert_eq!(code, Some(4));
    assert!(
        out.contains("unreachable at hop 1 (ssh on app): host key changed"),
        "{out}"
    );
}

#[test]
fn a_wrong_private_key_fails_authentication_and_an_unknown_host_key_is_named() {
    if !need_root() {
        return;
    }
    let lab = Lab::new();
    let (bastion, target) = daemons(&lab);
    let user = current_user();
    let other_key = lab.path().join("other_ed25519");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&other_key)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen");
    assert!(st.success());
    let r = Runner::new(&format!(
        "{}\n{} mitogen_via=bastion\n",
        ssh_host(
            &lab,
            "bastion",
            &bastion.addrs[0],
            bastion.port,
            &user,
            &lab.user_key
        ),
        ssh_host(
            &lab,
            "app",
            &target.addrs[0],
            target.port,
            &user,
            &other_key
        ),
    ));
    let (code, hosts, err) = r.check_json(&["app"]);
    assert_eq!(code, Some(4), "{hosts:#?}\n{err}");
    let app = &hosts[0];
    assert_eq!(app["status"], "unreachable");
    assert_failed_at(app, 1, "authentication");
    assert_eq!(hop(app, 1)["reached"], true);
    assert_eq!(hop(app, 1)["authenticated"], false);
    assert!(
        hop(app, 1)["message"]
            .as_str()
            .is_some_and(|m| m.contains("Permission denied")),
        "{app:#}"
    );
    let (_, out, _) = r.check(&["app"]);
    assert!(out.contains("FAILED: authentication"), "{out}");

    // The right key, but a known_hosts that has never seen the target.
    let empty = r.file("empty_known_hosts", "");
    let inv = std::fs::read_to_string(&r.inventory).expect("inventory")
        + &format!(
            "stranger ansible_host={} ansible_port={} ansible_user={user} \
             ansible_ssh_private_key_file={} mitogen_via=bastion \
             ansible_ssh_common_args='-o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null'\n",
            target.addrs[0],
            target.port,
            lab.user_key.display(),
            empty.display()
        );
    std::fs::write(&r.inventory, inv).expect("inventory");
    let (code, hosts, err) = r.check_json(&["stranger"]);
    assert_eq!(code, Some(4), "{hosts:#?}\n{err}");
    assert_failed_at(&hosts[0], 1, "host_key_unknown");
}

#[test]
fn unresolvable_hosts_are_listed_with_exit_one_and_no_hosts_is_ok() {
    let r = Runner::new("loop ansible_connection=local\nbad mitogen_via=nowhere\n");
    let (code, hosts, err) = r.check_json(&["bad"]);
    assert_eq!(code, Some(1), "{hosts:#?}");
    assert_eq!(hosts[0]["status"], "error");
    assert!(
        err.contains("stackctl: error: bad: mitogen_via=nowhere"),
        "{err}"
    );
    let (code, hosts, err) = r.check_json(&["loop"]);
    assert_eq!(code, Some(0), "{hosts:#?}\n{err}");
    assert_ok(&hosts[0], 0);
}

#[test]
fn many_hosts_share_the_bastion_and_every_failure_is_classed() {
    if !need_root() {
        return;
    }
    let lab = Lab::new();
    let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
    let targets = lab.sshd(SshdSpec::targets(lab.addrs(6)));
    let user = current_user();
    let closed_addr = lab.addrs(1)[0];
    let closed_port = std::net::TcpListener::bind((closed_addr, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut inv = ssh_host(
        &lab,
        "bastion",
        &bastion.addrs[0],
        bastion.port,
        &user,
        &lab.user_key,
    ) + "\n";
    for (i, a) in targets.addrs.iter().enumerate() {
        inv += &ssh_host(
            &lab,
            &format!("t{i}"),
            a,
            targets.port,
            &user,
            &lab.user_key,
        );
        inv += " mitogen_via=bastion\n";
    }
    inv += &ssh_host(
        &lab,
        "dead",
        &closed_addr.to_string(),
        closed_port,
        &user,
        &lab.user_key,
    );
    inv += "\n";
    let r = Runner::new("");
    // A docker stand-in that says what docker says for a container that does not exist.
    let standin = r.file(
        "docker",
        "#!/bin/sh\necho 'Error response from daemon: No such container: gone' >&2\nexit 1\n",
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&standin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    inv += &format!(
        "here ansible_connection=local\n\
         missing ansible_connection=docker mitogen_via=here mitogen_docker_path=/nonexistent/docker\n\
         gone ansible_connection=docker mitogen_via=here mitogen_docker_path={}\n",
        standin.display()
    );
    std::fs::write(&r.inventory, inv).expect("inventory");

    let (code, hosts, err) = r.check_json(&["all", "-f", "4"]);
    assert_eq!(
        code,
        Some(4),
        "unreachable wins over failed: {hosts:#?}\n{err}"
    );
    let names: Vec<&str> = hosts.iter().filter_map(|h| h["host"].as_str()).collect();
    assert_eq!(
        names,
        [
            "bastion", "t0", "t1", "t2", "t3", "t4", "t5", "dead", "here", "missing", "gone"
        ]
    );
    let by = |name: &str| {
        hosts
            .iter()
            .find(|h| h["host"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    for i in 0..6 {
        let t = by(&format!("t{i}"));
        assert_eq!(t["status"], "ok", "{t:#}");
        assert_ok(t, 0);
        assert_ok(t, 1);
    }
    assert_eq!(by("dead")["status"], "unreachable");
    assert_failed_at(by("dead"), 0, "refused");
    assert_eq!(by("missing")["status"], "failed");
    assert_failed_at(by("missing"), 1, "command_not_found");
    assert_eq!(by("gone")["status"], "failed");
    assert_failed_at(by("gone"), 1, "no_such_container");
    assert_eq!(hop(by("gone"), 1)["reached"], false);
    // One bastion login served every target (masters are shared between probes and hosts).
    assert_eq!(bastion.accepted(), 1, "{}", bastion.log());

    // Without the unreachable host: failed, exit 2.
    let (code, hosts, err) = r.check_json(&["here:missing:gone"]);
    assert_eq!(code, Some(2), "{hosts:#?}\n{err}");
}

#[test]
fn a_silent_server_is_a_timeout_not_a_hang() {
    let lab = Lab::new();
    let addr = lab.addrs(1)[0];
    // Accepts TCP connections and never says anything.
    let listener = std::net::TcpListener::bind((addr, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let _hold = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in listener.incoming().flatten() {
            conns.push(c);
        }
    });
    let r = Runner::new(&format!(
        "{} ansible_timeout=2\n",
        ssh_host(
            &lab,
            "silent",
            &addr.to_string(),
            port,
            &current_user(),
            &lab.user_key
        )
    ));
    let (code, hosts, err) = r.check_json(&["silent"]);
    assert_eq!(code, Some(4), "{hosts:#?}\n{err}");
    assert_failed_at(&hosts[0], 0, "timeout");
    assert_eq!(hop(&hosts[0], 0)["reached"], false);
}
