//! `stackctl exec` from the command line against a real inventory (an executable inventory
//! script, as Ansible runs them): `--dry-run` plans for bastion → ssh → sudo → docker chains,
//! `--ssh-chain` and the `stackctl_ssh_chain` host variable, `resolve`'s "runs on" column
//! agreeing with the plan, passwords redacted, and a real run through a `local` hop.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");

const INVENTORY: &str = r#"{
  "_meta": {"hostvars": {
    "bastion": {"ansible_host": "127.0.0.10", "ansible_user": "ops"},
    "db1": {"ansible_host": "127.0.2.1", "ansible_user": "deploy", "mitogen_via": "bastion",
            "ansible_become_pass": "db-Sudo-Pass-77"},
    "app": {"ansible_connection": "docker", "ansible_user": "app", "mitogen_via": "sudo:root@db1"},
    "nested-db": {"ansible_host": "127.0.2.2", "mitogen_via": "bastion",
                  "stackctl_ssh_chain": "nested", "ansible_shell_type": "fish"},
    "behind-sudo": {"ansible_host": "127.0.2.3", "mitogen_via": "root@db1"},
    "here": {"ansible_connection": "local"},
    "bad-chain": {"ansible_connection": "local", "stackctl_ssh_chain": "sideways"}
  }},
  "all": {"hosts": ["bastion", "db1", "app", "nested-db", "behind-sudo", "here", "bad-chain"]}
}"#;

fn inventory(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("inventory.sh");
    std::fs::write(
        &p,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --list ]; then cat <<'EOF'\n{INVENTORY}\nEOF\nelse echo '{{}}'; fi\n"
        ),
    )
    .expect("write inventory");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

fn stackctl(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = inventory(dir.path());
    Command::new(BIN)
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("CI", "true")
        .arg("-i")
        .arg(&inv)
        .args(args)
        .output()
        .expect("run stackctl")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn dry_run_of_a_bastion_sudo_container_chain() {
    let o = stackctl(&["exec", "app", "--dry-run", "--", "df", "-h", "/"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = out(&o);
    let keep = "-o LogLevel=ERROR -o Compression=yes -o ServerAliveInterval=30 \
                -o ServerAliveCountMax=10 -o ConnectTimeout=10 -o BatchMode=yes \
                -o StrictHostKeyChecking=yes -C -o ControlMaster=auto -o ControlPersist=60s";
    let want = format!(
        "host: app\n\
         ssh chain: tunnel\n\
         ssh connections from this machine (outermost first):\n  \
         hop 0 (ssh on bastion): ssh -l ops {keep} 127.0.0.10\n  \
         hop 1 (ssh on db1, tunnelled through hop 0): ssh -l deploy {keep} 127.0.2.1\n\
         wrapped hops (outermost first):\n  \
         hop 2 (sudo on db1, runs on hop 1): exec sudo -p stackctl-NONCE-sudo-2: -S -u root -- sh -c <hop 3>\n  \
         hop 3 (docker on app, runs on hop 2): exec docker exec -i --user=app app sh -c <command>\n\
         passwords (in prompt order):\n  \
         hop 2 (sudo to root on db1): ********\n\
         command (remote command of hop 1, parsed by its login shell):\n  \
         exec sudo -p stackctl-NONCE-sudo-2: -S -u root -- sh -c 'echo stackctl-NONCE-hop-2 >&2\n\
         exec docker exec -i --user=app app sh -c '\\''echo stackctl-NONCE-hop-3 >&2\ndf -h /'\\'''\n\
         (each wrapped hop's shell first prints the marker stackctl-NONCE-hop-N on stderr, which \
         stackctl removes; NONCE is a random token chosen per run)\n"
    );
    assert_eq!(t, want);
    assert!(!t.contains("db-Sudo-Pass-77"));
}

#[test]
fn ssh_chain_flag_and_host_variable_make_later_ssh_hops_nested() {
    let tunnel = stackctl(&["exec", "db1", "--dry-run", "--", "uptime"]);
    assert!(out(&tunnel).contains("hop 1 (ssh on db1, tunnelled through hop 0)"));
    let nested = stackctl(&[
        "exec",
        "db1",
        "--dry-run",
        "--ssh-chain",
        "nested",
        "--",
        "uptime",
    ]);
    let t = out(&nested);
    assert!(t.contains("ssh chain: nested\n"), "{t}");
    assert!(
        t.contains("  hop 1 (ssh on db1, runs on hop 0): exec ssh -l deploy -o LogLevel=ERROR"),
        "{t}"
    );
    assert!(t.contains(" -- 127.0.2.1 <command>\n"), "{t}");
    let var = stackctl(&["exec", "nested-db", "--dry-run", "--", "uptime"]);
    assert!(out(&var).contains("ssh chain: nested\n"), "{}", out(&var));
    assert!(out(&var).contains("hop 1 (ssh on nested-db, runs on hop 0)"));
    // resolve's "runs on" column says the same as the plan.
    let r = stackctl(&["resolve", "nested-db", "--format", "json"]);
    assert!(
        out(&r)
            .contains("\"runs_on\": {\n        \"hop\": 0,\n        \"where\": \"hop\"\n      }"),
        "{}",
        out(&r)
    );
    let r = stackctl(&["resolve", "db1", "--format", "json"]);
    assert!(out(&r).contains("\"where\": \"tunnel\""), "{}", out(&r));
}

#[test]
fn a_become_hop_between_ssh_hops_nests_the_second() {
    let o = stackctl(&["exec", "behind-sudo", "--dry-run", "--", "true"]);
    let t = out(&o);
    assert!(t.contains("  hop 0 (ssh on bastion): "), "{t}");
    assert!(
        t.contains("  hop 1 (ssh on db1, tunnelled through hop 0): "),
        "{t}"
    );
    assert!(t.contains("  hop 2 (sudo on db1, runs on hop 1): exec sudo -p stackctl-NONCE-sudo-2: -S -u root -- sh -c <hop 3>\n"), "{t}");
    assert!(
        t.contains("  hop 3 (ssh on behind-sudo, runs on hop 2): exec ssh -o LogLevel=ERROR"),
        "{t}"
    );
}

#[test]
fn runs_through_a_local_hop() {
    let o = stackctl(&["exec", "here", "--", "printf", "%s|", "a b", "$HOME", ""]);
    assert_eq!(out(&o), "a b|$HOME||");
    assert_eq!(err(&o), "");
    assert_eq!(o.status.code(), Some(0));
    let o = stackctl(&["exec", "here", "--", "exit 42"]);
    assert_eq!(o.status.code(), Some(42));
    // A snippet's syntax error is the command's failure (the shell's status), not a hop's.
    let o = stackctl(&["exec", "here", "--", "if true"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("Syntax error"), "{}", err(&o));
}

#[test]
fn usage_and_configuration_errors() {
    let o = stackctl(&["exec", "bad-chain", "--", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "stackctl: error: bad-chain: stackctl_ssh_chain='sideways' must be 'tunnel' or 'nested'\n"
    );
    let o = stackctl(&["exec", "nowhere", "--", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("unknown host 'nowhere'"), "{}", err(&o));
    let o = stackctl(&["-K", "exec", "here", "--", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("cannot ask for a password"), "{}", err(&o));
    let o = stackctl(&["exec", "here", "-t", "--dry-run", "--", "true"]);
    assert_eq!(o.status.code(), Some(0));
    // -t through masters: the plan keeps them, the client runs with `-tt` on the last one.
    let o = stackctl(&["exec", "db1", "-t", "--dry-run", "--", "true"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("-tt`):"), "{}", out(&o));
    // A shell needs a terminal: without one it is an error at once, never a hang.
    let o = stackctl(&["shell", "db1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("shell needs a terminal"), "{}", err(&o));
    let o = stackctl(&["shell", "app", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("docker exec -i -t --user=app app"),
        "{}",
        out(&o)
    );
}

/// The bundled example inventory, as the README tour uses it: `here` runs through one `local`
/// hop, and `app-canary` plans bastion → db1 → sudo → docker.
#[test]
fn example_inventory_hosts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/inventory");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .arg("-i")
            .arg(&inv)
            .args(args)
            .output()
            .expect("run stackctl")
    };
    let o = run(&["exec", "here", "--", "echo", "hello from", "$(here)"]);
    assert_eq!(out(&o), "hello from $(here)\n", "{}", err(&o));
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["exec", "here", "--", "uname", "-a"]);
    assert!(o.status.success() && !out(&o).is_empty(), "{}", err(&o));
    let o = run(&["exec", "app-canary", "--dry-run", "--", "df", "-h", "/"]);
    let t = out(&o);
    let key = dir.path().join(".ssh/id_ed25519");
    assert!(
        t.contains(&format!(
            "  hop 0 (ssh on bastion): ssh -l ops -i {} ",
            key.display()
        )),
        "{t}{}",
        err(&o)
    );
    assert!(
        t.contains("  hop 1 (ssh on db1, tunnelled through hop 0): ssh -l deploy "),
        "{t}"
    );
    assert!(t.contains("  hop 2 (sudo on db1, runs on hop 1): exec sudo -p stackctl-NONCE-sudo-2: -n -u root -- sh -c <hop 3>\n"), "{t}");
    assert!(t.contains("  hop 3 (docker on app-canary, runs on hop 2): exec docker exec -i --user=app app-canary sh -c <command>\n"), "{t}");
}

#[test]
fn the_login_shell_type_is_part_of_the_config() {
    // It decides how the remote login shell is asked for its pid (transport::stop).
    let d = tempfile::tempdir().expect("tempdir");
    let inv = inventory(d.path());
    let inv = inv.to_str().expect("path");
    for (host, shell) in [("nested-db", "fish"), ("db1", "sh")] {
        let o = stackctl(&["config", "-i", inv, host, "--format", "json"]);
        assert!(o.status.success(), "{}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
        assert_eq!(v["shell_type"], shell, "{host}: {v}");
    }
}
