//! `stackctl exec` over real OpenSSH: a throwaway `sshd` on a free loopback port (root only),
//! throwaway users, an INI inventory. Covers the command over one ssh master, ssh → sudo and
//! ssh → su with passwords right / wrong / missing, stdin, exit statuses, a tunnelled second
//! ssh hop and `--ssh-chain nested`.
//!
//! Until the ssh transport (branch `ssh`) is merged, `SshPool` is a stub that answers "ssh
//! transport not built yet": the test then says so and stops.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");
mod common;

const DEADLINE: Duration = Duration::from_secs(60);

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { nix::libc::geteuid() == 0 }
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// sshd, users and a sudoers drop-in; all removed on drop.
struct Lab {
    dir: tempfile::TempDir,
    control: tempfile::TempDir,
    sshd: Child,
    users: Vec<String>,
    sudoers: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.sshd.kill();
        let _ = self.sshd.wait();
        let _ = std::fs::remove_file(&self.sudoers);
        for u in &self.users {
            let _ = Command::new("pkill").args(["-KILL", "-u", u]).output();
            let _ = Command::new("userdel").args(["-r", "-f", u]).output();
        }
    }
}

fn password(i: usize) -> String {
    format!("Ssh-{}-{i}-pw", std::process::id())
}

impl Lab {
    fn start() -> Option<Lab> {
        if !is_root() {
            eprintln!("skipped: needs root (throwaway sshd, users and sudoers rules)");
            return None;
        }
        let keygen = Command::new("ssh-keygen")
            .arg("-?")
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !Path::new("/usr/sbin/sshd").exists() || !keygen {
            eprintln!("skipped: sshd or ssh-keygen is not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        chmod(dir.path(), 0o755);
        let control = tempfile::Builder::new()
            .prefix("sxc")
            .tempdir_in("/tmp")
            .expect("control dir");
        chmod(control.path(), 0o700);
        let d = dir.path();
        for key in ["hostkey", "id"] {
            let st = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", ""])
                .arg("-f")
                .arg(d.join(key))
                .status()
                .expect("ssh-keygen");
            assert!(st.success());
        }
        std::fs::copy(d.join("id.pub"), d.join("authorized_keys")).expect("keys");
        chmod(&d.join("authorized_keys"), 0o644);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        std::fs::write(
            d.join("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {h}\nAuthorizedKeysFile {a}\n\
                 PermitRootLogin prohibit-password\nStrictModes no\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nUsePAM no\nPidFile {p}\n",
                h = d.join("hostkey").display(),
                a = d.join("authorized_keys").display(),
                p = d.join("sshd.pid").display(),
            ),
        )
        .expect("sshd_config");
        let _ = std::fs::create_dir_all("/run/sshd");
        let sshd = Command::new("/usr/sbin/sshd")
            .args(["-D", "-f"])
            .arg(d.join("sshd_config"))
            .arg("-E")
            .arg(d.join("sshd.log"))
            .spawn()
            .expect("sshd");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sshd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut lab = Lab {
            dir,
            control,
            sshd,
            users: Vec::new(),
            sudoers: PathBuf::new(),
        };
        for i in 0..2 {
            let name = format!("stxh{}{i}", std::process::id() % 100000);
            let _ = Command::new("userdel").args(["-r", "-f", &name]).output();
            assert!(
                Command::new("useradd")
                    .args(["-m", "-s", "/bin/sh", &name])
                    .status()
                    .expect("useradd")
                    .success()
            );
            lab.users.push(name.clone());
            let mut c = Command::new("chpasswd")
                .stdin(Stdio::piped())
                .spawn()
                .expect("chpasswd");
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(format!("{name}:{}\n", password(i)).as_bytes())
                .expect("write");
            assert!(c.wait().expect("chpasswd").success());
        }
        let (a, b) = (&lab.users[0], &lab.users[1]);
        lab.sudoers = PathBuf::from(format!("/etc/sudoers.d/stackctl-ssh-test-{a}"));
        std::fs::write(
            &lab.sudoers,
            format!("Defaults:{a} !lecture, timestamp_timeout=0\n{a} ALL=({b}) ALL\n"),
        )
        .expect("sudoers");
        chmod(&lab.sudoers, 0o440);
        let key = lab.dir.path().join("id");
        let common = format!(
            "ansible_port={port} ansible_ssh_private_key_file={} ansible_host_key_checking=false",
            key.display()
        );
        // The nested ssh of `become-between` runs as {b} on the bastion: it needs a key {b} can
        // read there (the same key material, so the target's authorized_keys accepts it).
        let key_b = lab.dir.path().join("id-b");
        std::fs::copy(&key, &key_b).expect("key copy");
        let chown = Command::new("chown")
            .arg(b)
            .arg(&key_b)
            .status()
            .expect("chown");
        assert!(chown.success());
        chmod(&key_b, 0o600);
        std::fs::write(
            lab.dir.path().join("hosts.ini"),
            format!(
                "root-t ansible_host=127.0.0.1 ansible_user=root {common}\n\
                 user-t ansible_host=127.0.0.1 ansible_user={a} {common} ansible_become=true ansible_become_user={b}\n\
                 behind ansible_host=localhost ansible_user=root {common} mitogen_via=root-t\n\
                 jump-a ansible_host=127.0.0.1 ansible_user={a} {common} ansible_become_pass={pw}\n\
                 become-between ansible_host=localhost ansible_user=root ansible_port={port} \
                 ansible_ssh_private_key_file={kb} ansible_host_key_checking=false mitogen_via=sudo:{b}@jump-a\n",
                pw = password(0),
                kb = key_b.display(),
            ),
        )
        .expect("inventory");
        for (n, i) in [("good-sudo", 0), ("good-su", 1)] {
            std::fs::write(lab.dir.path().join(n), format!("{}\n", password(i))).expect("pw");
        }
        std::fs::write(lab.dir.path().join("bad"), "wrong\n").expect("pw");
        Some(lab)
    }

    fn exec(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env("STACKCTL_CONTROL_DIR", self.control.path())
            .args(["exec", "-i", "hosts.ini"])
            .args(args);
        common::run_with_deadline(c, stdin, DEADLINE)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn exec_over_real_ssh() {
    let Some(lab) = Lab::start() else { return };
    let (a, b) = (lab.users[0].clone(), lab.users[1].clone());

    let o = lab.exec(
        &[
            "root-t", "--", "printf", "%s|", "a b", "it's", "$(id)", "", "-n",
        ],
        b"",
    );
    if text(&o.stderr).contains("ssh transport not built yet") {
        eprintln!("skipped: the ssh transport is not merged yet (stub SshPool)");
        return;
    }
    assert_eq!(
        text(&o.stdout),
        "a b|it's|$(id)||-n|",
        "{}",
        text(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0));

    let o = lab.exec(&["root-t", "--", "echo out; echo err >&2; exit 7"], b"");
    assert_eq!(
        (text(&o.stdout), text(&o.stderr)),
        ("out\n".into(), "err\n".into())
    );
    assert_eq!(o.status.code(), Some(7));

    let o = lab.exec(&["root-t", "--", "cat"], b"through ssh\n");
    assert_eq!(text(&o.stdout), "through ssh\n");

    // ssh → sudo: the password goes through the session's stdin (no pty over ssh).
    let o = lab.exec(
        &[
            "user-t",
            "--become-password-file",
            "good-sudo",
            "--",
            "id",
            "-un",
        ],
        b"",
    );
    assert_eq!(text(&o.stdout), format!("{b}\n"), "{}", text(&o.stderr));
    let o = lab.exec(
        &["user-t", "--become-password-file", "good-sudo", "--", "cat"],
        b"after the password\n",
    );
    assert_eq!(
        text(&o.stdout),
        "after the password\n",
        "{}",
        text(&o.stderr)
    );
    let o = lab.exec(
        &["user-t", "--become-password-file", "bad", "--", "true"],
        b"",
    );
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (sudo on user-t): sudo password is incorrect\n"
    );
    assert_eq!(o.status.code(), Some(255));
    let o = lab.exec(&["user-t", "--", "true"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (sudo on user-t): sudo password is required\n"
    );

    // ssh → su: util-linux su reads the password from the session's stdin.
    let su = ["--become-method", "su"];
    let o = lab.exec(
        &[
            &["user-t"][..],
            &su,
            &["--become-password-file", "good-su", "--", "id", "-un"],
        ]
        .concat(),
        b"",
    );
    assert_eq!(text(&o.stdout), format!("{b}\n"), "{}", text(&o.stderr));
    let o = lab.exec(
        &[
            &["user-t"][..],
            &su,
            &["--become-password-file", "bad", "--", "true"],
        ]
        .concat(),
        b"",
    );
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (su on user-t): su password is incorrect\n"
    );
    let _ = a;

    // A second ssh hop: tunnelled through the first master, or run on it (nested).
    let o = lab.exec(&["behind", "--", "printf", "%s|", "x y", "$HOME"], b"");
    assert_eq!(text(&o.stdout), "x y|$HOME|", "{}", text(&o.stderr));
    let o = lab.exec(
        &[
            "behind",
            "--ssh-chain",
            "nested",
            "--",
            "printf",
            "%s|",
            "x y",
            "$HOME",
        ],
        b"",
    );
    assert_eq!(text(&o.stdout), "x y|$HOME|", "{}", text(&o.stderr));
    let o = lab.exec(&["behind", "--ssh-chain", "nested", "--", "exit 9"], b"");
    assert_eq!(o.status.code(), Some(9));

    // ssh → sudo:USER@bastion → ssh (issue acceptance): the via string's become hop stands
    // between the two ssh hops, so the second ssh runs nested, as that user, on the bastion.
    // The become password comes from the via host's own vars (mitogen-stack.md §1.3).
    let o = lab.exec(&["become-between", "--dry-run", "--", "true"], b"");
    let plan = text(&o.stdout);
    assert!(plan.contains("hop 1 (sudo on jump-a"), "{plan}");
    assert!(
        plan.contains("hop 2 (ssh on become-between, runs on hop 1)"),
        "{plan}"
    );
    assert!(
        !plan.contains(&password(0)),
        "the dry run shows a password:\n{plan}"
    );
    let o = lab.exec(
        &[
            "become-between",
            "--",
            "printf",
            "%s|",
            "x y",
            "$HOME",
            "it's",
        ],
        b"",
    );
    assert_eq!(text(&o.stdout), "x y|$HOME|it's|", "{}", text(&o.stderr));
    assert_eq!(o.status.code(), Some(0));
    let o = lab.exec(&["become-between", "--", "id -un; exit 4"], b"");
    assert_eq!(
        (text(&o.stdout), o.status.code()),
        ("root\n".into(), Some(4)),
        "{}",
        text(&o.stderr)
    );
}
