//! `stackctl exec` on this machine, end to end with the real binary and real become tools:
//! sudo (password right / wrong / missing, NOPASSWD), su through a pty, doas, a recording
//! stand-in `docker`, and a scan of every process's argv and environment while a password hop
//! runs. The become tests need root (to create throwaway users, a sudoers drop-in and
//! /etc/doas.conf, all removed afterwards); without root they print why they are skipped.
//!
//! The inventory is one line, `localhost ansible_connection=local`; each test's hop settings come
//! from `-e` variables.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");
/// No run may take longer: a hang fails the test instead of blocking CI.
mod common;
use common::{Capture, run_with_deadline};

const DEADLINE: Duration = Duration::from_secs(60);

static FIXTURE_LOCK: Mutex<()> = Mutex::new(());

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { nix::libc::geteuid() == 0 }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

macro_rules! require_root {
    ($($tool:expr),*) => {
        if !is_root() {
            eprintln!("skipped: needs root to create throwaway users and become rules");
            return;
        }
        $(
            if !have($tool) {
                eprintln!("skipped: {} is not installed (.ci/run installs it)", $tool);
                return;
            }
        )*
    };
}

/// Throwaway users, a sudoers drop-in and (optionally) /etc/doas.conf, removed on drop.
struct Fixture {
    users: Vec<String>,
    sudoers: Option<PathBuf>,
    doas_conf: bool,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(tag: &str, n: usize) -> Fixture {
        let _g = FIXTURE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let dir = tempfile::tempdir().expect("tempdir");
        chmod(dir.path(), 0o755);
        local_inventory(dir.path());
        let mut f = Fixture {
            users: Vec::new(),
            sudoers: None,
            doas_conf: false,
            dir,
        };
        for i in 0..n {
            let name = format!("stx{tag}{}{}", std::process::id() % 100000, i);
            let _ = Command::new("userdel").arg("-r").arg(&name).output();
            let st = Command::new("useradd")
                .args(["-m", "-s", "/bin/sh", &name])
                .status()
                .expect("useradd runs");
            assert!(st.success(), "useradd {name}");
            f.users.push(name.clone());
            let mut c = Command::new("chpasswd")
                .stdin(Stdio::piped())
                .spawn()
                .expect("chpasswd");
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(format!("{name}:{}\n", f.password(i)).as_bytes())
                .expect("write");
            assert!(c.wait().expect("chpasswd").success());
        }
        f
    }

    fn user(&self, i: usize) -> &str {
        &self.users[i]
    }

    fn password(&self, i: usize) -> String {
        format!("Pw-{}-{i}-s3cret", std::process::id())
    }

    fn sudoers(&mut self, rules: &str) {
        let path = PathBuf::from(format!("/etc/sudoers.d/stackctl-test-{}", self.users[0]));
        std::fs::write(&path, rules).expect("write sudoers");
        chmod(&path, 0o440);
        let ok = Command::new("visudo")
            .arg("-cf")
            .arg(&path)
            .output()
            .expect("visudo");
        self.sudoers = Some(path);
        assert!(ok.status.success(), "sudoers rules invalid: {rules}");
    }

    /// Writes /etc/doas.conf unless one exists (then the caller skips).
    fn doas_conf(&mut self, rules: &str) -> bool {
        let p = Path::new("/etc/doas.conf");
        if p.exists() {
            return false;
        }
        std::fs::write(p, rules).expect("write doas.conf");
        chmod(p, 0o600);
        self.doas_conf = true;
        true
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        chmod(&p, 0o644);
        p
    }

    /// Runs `stackctl exec localhost -i <dir>/inv <args…>` as `as_user` (root when None).
    fn exec(&self, as_user: Option<&str>, args: &[&str], stdin: &[u8]) -> Output {
        let mut c = match as_user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--", BIN]);
                c
            }
            None => Command::new(BIN),
        };
        c.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .args(["exec", "localhost", "-i"])
            .arg(self.dir.path().join("inv"))
            .args(args);
        run_with_deadline(c, stdin, DEADLINE)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _g = FIXTURE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = &self.sudoers {
            let _ = std::fs::remove_file(p);
        }
        if self.doas_conf {
            let _ = std::fs::remove_file("/etc/doas.conf");
        }
        for u in &self.users {
            let _ = Command::new("pkill").args(["-KILL", "-u", u]).output();
            let _ = Command::new("userdel").args(["-r", "-f", u]).output();
        }
    }
}

/// Writes `<dir>/inv`: an INI inventory with only `localhost`, connected locally.
fn local_inventory(dir: &Path) {
    let p = dir.join("inv");
    std::fs::write(&p, "localhost ansible_connection=local\n").expect("inventory");
    chmod(&p, 0o644);
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn become_args<'a>(method: &'a str, user: &'a str) -> Vec<String> {
    vec![
        "-e".into(),
        "ansible_become=true".into(),
        "-e".into(),
        format!("ansible_become_method={method}"),
        "-e".into(),
        format!("ansible_become_user={user}"),
    ]
}

fn exec_as(
    f: &Fixture,
    as_user: &str,
    method: &str,
    to: &str,
    pass_file: Option<&Path>,
    cmd: &[&str],
    stdin: &[u8],
) -> Output {
    let mut args = become_args(method, to);
    if let Some(p) = pass_file {
        args.push("--become-password-file".into());
        args.push(p.display().to_string());
    }
    args.push("--".into());
    args.extend(cmd.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    f.exec(Some(as_user), &refs, stdin)
}

#[test]
fn sudo_password_right_wrong_missing_and_nopasswd() {
    require_root!("sudo", "runuser");
    let mut f = Fixture::new("s", 3);
    let (a, b, c) = (
        f.user(0).to_string(),
        f.user(1).to_string(),
        f.user(2).to_string(),
    );
    f.sudoers(&format!(
        "Defaults:{a} !lecture, timestamp_timeout=0\n{a} ALL=({b}) ALL\n{a} ALL=({c}) NOPASSWD: ALL\n"
    ));
    let good = f.file("good", &format!("{}\n", f.password(0)));
    let bad = f.file("bad", "not-the-password\n");

    let o = exec_as(
        &f,
        &a,
        "sudo",
        &b,
        Some(&good),
        &["sh", "-c", "id -un; echo to-stderr >&2; exit 7"],
        b"",
    );
    assert_eq!(text(&o.stdout), format!("{b}\n"));
    assert_eq!(text(&o.stderr), "to-stderr\n");
    assert_eq!(o.status.code(), Some(7));

    // stdin reaches the command after the password.
    let o = exec_as(
        &f,
        &a,
        "sudo",
        &b,
        Some(&good),
        &["cat"],
        b"line one\nline two",
    );
    assert_eq!(text(&o.stdout), "line one\nline two");
    assert_eq!(o.status.code(), Some(0));

    let o = exec_as(&f, &a, "sudo", &b, Some(&bad), &["id", "-un"], b"");
    assert_eq!(text(&o.stdout), "");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (sudo on localhost): sudo password is incorrect\n"
    );
    assert_eq!(o.status.code(), Some(255));

    let o = exec_as(&f, &a, "sudo", &b, None, &["id", "-un"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (sudo on localhost): sudo password is required\n"
    );
    assert_eq!(o.status.code(), Some(255));

    // NOPASSWD: no prompt, with or without a password at hand.
    for pf in [None, Some(good.as_path())] {
        let o = exec_as(&f, &a, "sudo", &c, pf, &["id", "-un"], b"");
        assert_eq!(text(&o.stdout), format!("{c}\n"), "{}", text(&o.stderr));
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn su_password_through_a_pty_right_wrong_missing() {
    require_root!("su", "runuser");
    let f = Fixture::new("u", 2);
    let (a, b) = (f.user(0).to_string(), f.user(1).to_string());
    let good = f.file("good", &format!("{}\n", f.password(1)));
    let bad = f.file("bad", "not-the-password\n");

    let o = exec_as(
        &f,
        &a,
        "su",
        &b,
        Some(&good),
        &["sh", "-c", "id -un; echo e >&2"],
        b"",
    );
    assert_eq!(text(&o.stdout), format!("{b}\n"), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), "e\n");
    assert_eq!(o.status.code(), Some(0));

    // stdin goes through the pty after the password: line-based, but with no echo, signal,
    // CR/NL or line-editing characters (DEL, ^U, ^C, ^W pass as data).
    let input = b"one\ntwo\r\nx\x7fy\x15z\x03w\x17\n";
    let o = exec_as(&f, &a, "su", &b, Some(&good), &["cat"], input);
    assert_eq!(o.stdout, input, "{}", text(&o.stderr));

    let o = exec_as(&f, &a, "su", &b, Some(&bad), &["id", "-un"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (su on localhost): su password is incorrect\n"
    );
    assert_eq!(o.status.code(), Some(255));

    let o = exec_as(&f, &a, "su", &b, None, &["id", "-un"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (su on localhost): su password is required\n"
    );
    assert_eq!(o.status.code(), Some(255));
}

#[test]
fn doas_nopass_and_password_right_wrong_missing() {
    require_root!("doas", "runuser");
    let mut f = Fixture::new("d", 3);
    let (a, b, c) = (
        f.user(0).to_string(),
        f.user(1).to_string(),
        f.user(2).to_string(),
    );
    if !f.doas_conf(&format!("permit nopass {a} as {c}\npermit {a} as {b}\n")) {
        eprintln!("skipped: /etc/doas.conf already exists; not touching it");
        return;
    }
    let good = f.file("good", &format!("{}\n", f.password(0)));
    let bad = f.file("bad", "not-the-password\n");

    let o = exec_as(&f, &a, "doas", &c, None, &["id", "-un"], b"");
    assert_eq!(text(&o.stdout), format!("{c}\n"), "{}", text(&o.stderr));

    let o = exec_as(&f, &a, "doas", &b, Some(&good), &["id", "-un"], b"");
    assert_eq!(text(&o.stdout), format!("{b}\n"), "{}", text(&o.stderr));
    assert_eq!(o.status.code(), Some(0));

    let o = exec_as(&f, &a, "doas", &b, Some(&bad), &["id", "-un"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (doas on localhost): doas password is incorrect\n"
    );
    assert_eq!(o.status.code(), Some(255));

    let o = exec_as(&f, &a, "doas", &b, None, &["id", "-un"], b"");
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 1 (doas on localhost): doas password is required\n"
    );
    assert_eq!(o.status.code(), Some(255));
}

/// Every process's argv and environment, read repeatedly until `stop`.
fn scan_processes(
    needle: Vec<u8>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<(usize, Vec<String>)> {
    std::thread::spawn(move || {
        let mut scans = 0;
        let mut hits = Vec::new();
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            scans += 1;
            let Ok(rd) = std::fs::read_dir("/proc") else {
                break;
            };
            for e in rd.flatten() {
                let name = e.file_name();
                let Some(pid) = name
                    .to_str()
                    .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                else {
                    continue;
                };
                for what in ["cmdline", "environ"] {
                    if let Ok(data) = std::fs::read(e.path().join(what))
                        && data.windows(needle.len()).any(|w| w == needle.as_slice())
                    {
                        hits.push(format!("pid {pid} {what}"));
                    }
                }
            }
        }
        (scans, hits)
    })
}

#[test]
fn passwords_never_appear_in_argv_environment_or_output() {
    require_root!("sudo", "su", "runuser");
    let mut f = Fixture::new("p", 2);
    let (a, b) = (f.user(0).to_string(), f.user(1).to_string());
    f.sudoers(&format!(
        "Defaults:{a} !lecture, timestamp_timeout=0\n{a} ALL=({b}) ALL\n"
    ));
    let sudo_pw = f.file("sudo", &format!("{}\n", f.password(0)));
    let su_pw = f.file("su", &format!("{}\n", f.password(1)));
    for (method, file, secret) in [
        ("sudo", &sudo_pw, f.password(0)),
        ("su", &su_pw, f.password(1)),
    ] {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let scanner = scan_processes(secret.clone().into_bytes(), stop.clone());
        let o = exec_as(
            &f,
            &a,
            method,
            &b,
            Some(file),
            &["sh", "-c", "sleep 1; id -un"],
            b"",
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (scans, hits) = scanner.join().expect("scanner");
        assert_eq!(
            text(&o.stdout),
            format!("{b}\n"),
            "{method}: {}",
            text(&o.stderr)
        );
        assert!(scans > 1, "the scan ran while the hop was in flight");
        assert!(hits.is_empty(), "{method}: password found in {hits:?}");
        for stream in [&o.stdout, &o.stderr] {
            assert!(
                !text(stream).contains(&secret),
                "{method}: password in output"
            );
        }
    }
    // A wrong password is not echoed in the error either.
    let wrong = f.file("wrong", "Wrong-Secret-42\n");
    let o = exec_as(&f, &a, "sudo", &b, Some(&wrong), &["true"], b"");
    assert_eq!(o.status.code(), Some(255));
    assert!(!text(&o.stderr).contains("Wrong-Secret-42"));
}

/// A container hop through a RECORDING STAND-IN `docker`: no container engine exists on this
/// machine, so a script on a temporary PATH appends its argv to a file and then runs the
/// inner `sh -c` itself. This checks the exact docker argv and the quoting through the hop.
#[test]
fn docker_hop_through_a_recording_stand_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    local_inventory(dir.path());
    let log = dir.path().join("docker.log");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> '{}'; done\n\
         while [ $# -gt 0 ] && [ \"$1\" != sh ]; do shift; done\nexec \"$@\"\n",
        log.display()
    );
    let docker = bin.join("docker");
    std::fs::write(&docker, script).expect("script");
    chmod(&docker, 0o755);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(BIN);
    c.current_dir(dir.path())
        .env("PATH", &path)
        .env("HOME", dir.path())
        .args(["exec", "localhost", "-i"])
        .arg(dir.path().join("inv"))
        .args([
            "-e",
            "ansible_connection=docker",
            "-e",
            "ansible_host=web-ctr",
            "-e",
            "ansible_user=app",
            "--",
            "printf",
            "%s|",
            "it's",
            "$(id)",
            "a b",
            "",
        ]);
    let o = run_with_deadline(c, b"", DEADLINE);
    assert_eq!(text(&o.stdout), "it's|$(id)|a b||", "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), "");
    assert_eq!(o.status.code(), Some(0));
    let logged = std::fs::read(&log).expect("docker was called");
    let argv: Vec<String> = logged
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(text)
        .collect();
    assert_eq!(
        &argv[..6],
        ["exec", "-i", "--user=app", "web-ctr", "sh", "-c"]
    );
    assert!(argv[6].starts_with("echo stackctl-"), "{}", argv[6]);
    assert!(
        argv[6].ends_with(" >&2\nprintf '%s|' 'it'\\''s' '$(id)' 'a b' ''"),
        "{}",
        argv[6]
    );
    assert_eq!(argv.len(), 7);
}

#[test]
fn exit_status_stdout_stderr_and_snippets_locally() {
    let dir = tempfile::tempdir().expect("tempdir");
    local_inventory(dir.path());
    let run = |args: &[&str], stdin: &[u8]| {
        let mut c = Command::new(BIN);
        c.current_dir(dir.path())
            .args(["exec", "localhost", "-i"])
            .arg(dir.path().join("inv"))
            .arg("--")
            .args(args);
        run_with_deadline(c, stdin, DEADLINE)
    };
    // A single word is a snippet.
    let o = run(&["echo out; echo err >&2; exit 3"], b"");
    assert_eq!(
        (text(&o.stdout), text(&o.stderr), o.status.code()),
        ("out\n".into(), "err\n".into(), Some(3))
    );
    // Several words are quoted one by one.
    let o = run(&["echo", "a;", "$HOME", "*"], b"");
    assert_eq!(text(&o.stdout), "a; $HOME *\n");
    // stdin is forwarded.
    let o = run(&["wc", "-c"], b"12345");
    assert_eq!(text(&o.stdout).trim(), "5");
}

#[test]
fn output_is_streamed_not_buffered() {
    // The command cannot go on past its first line until the test, having read that line,
    // opens the gate. Output held back until the command ends would reach the test only after
    // the command gave up waiting (30 s), and its last line would say so.
    let dir = tempfile::tempdir().expect("tempdir");
    local_inventory(dir.path());
    let gate = dir.path().join("gate");
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["exec", "localhost", "-i"])
        .arg(dir.path().join("inv"))
        .args([
            "--",
            &format!(
                "echo first; i=0; while [ ! -e '{}' ]; do i=$((i+1)); \
                 [ $i -gt 600 ] && {{ echo gave up; exit 1; }}; sleep 0.05; done; echo second",
                gate.display()
            ),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = [0u8; 6];
    out.read_exact(&mut buf).expect("first line");
    assert_eq!(&buf, b"first\n");
    std::fs::write(&gate, "").expect("gate");
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest");
    assert_eq!(rest, "second\n");
    assert!(child.wait().expect("wait").success());
}

mod chain {
    //! A three-hop chain run in-process through the library (root only): `su A` (root needs no
    //! password) → `sudo -u B` with A's password → the recording stand-in `docker` (no
    //! container engine exists here) → the command. Any argv arrives byte for byte.
    use super::*;
    use stackctl::plan::{PlanOptions, SshChain, build};
    use stackctl::stack::{Builder, Hop, HopKind, Stack};
    use stackctl::transport::stream::{Outcome, UserIo};
    use stackctl::value::{Map, Value};

    fn hop(method: &str, builder: Builder, kind: HopKind, pairs: &[(&str, Value)]) -> Hop {
        Hop {
            method: method.into(),
            kwargs: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<Map>(),
            enable_lru: kind == HopKind::Become,
            inventory_host: "box".into(),
            kind,
            builder,
        }
    }

    #[test]
    fn su_then_sudo_then_container_delivers_exact_argv() {
        require_root!("sudo", "su");
        let mut f = Fixture::new("c", 2);
        let (a, b) = (f.user(0).to_string(), f.user(1).to_string());
        f.sudoers(&format!(
            "Defaults:{a} !lecture, timestamp_timeout=0\n{a} ALL=({b}) ALL\n"
        ));
        let log = f.file("docker.log", "");
        chmod(&log, 0o666);
        let docker = f.file(
            "docker",
            &format!(
                "#!/bin/sh\nprintf '%s\\n' \"$(id -un)\" >> '{}'\n\
                 while [ $# -gt 0 ] && [ \"$1\" != sh ]; do shift; done\nexec \"$@\"\n",
                log.display()
            ),
        );
        chmod(&docker, 0o755);
        let stack = Stack {
            target: "box".into(),
            hops: vec![
                hop(
                    "su",
                    Builder::Su,
                    HopKind::Become,
                    &[("username", Value::str(&a)), ("password", Value::Null)],
                ),
                hop(
                    "sudo",
                    Builder::Sudo,
                    HopKind::Become,
                    &[
                        ("username", Value::str(&b)),
                        ("password", Value::str(f.password(0))),
                        ("sudo_args", Value::List(vec![Value::str("-H")])),
                    ],
                ),
                hop(
                    "docker",
                    Builder::Docker,
                    HopKind::Login,
                    &[
                        ("container", Value::str("ctr")),
                        ("username", Value::Null),
                        ("docker_path", Value::str(docker.display().to_string())),
                    ],
                ),
            ],
            configs: Vec::new(),
        };
        let words: Vec<Vec<u8>> = vec![
            b"printf".to_vec(),
            b"%s\\0".to_vec(),
            b"it's".to_vec(),
            b"$(id) `id` ;|&".to_vec(),
            b"".to_vec(),
            b"-n".to_vec(),
            b"two\nlines".to_vec(),
            b"\xff\xfe*".to_vec(),
        ];
        let plan = build(
            &stack,
            &words,
            &PlanOptions {
                chain: SshChain::Tunnel,
                tty: false,
                nonce: stackctl::plan::nonce(),
            },
        )
        .expect("plan");
        let (out, err) = (Capture::default(), Capture::default());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let outcome = rt.block_on(async {
            tokio::time::timeout(
                DEADLINE,
                stackctl::transport::run_plan(
                    &plan,
                    UserIo {
                        stdin: None,
                        stdout: Box::pin(out.clone()),
                        stderr: Box::pin(err.clone()),
                    },
                ),
            )
            .await
            .expect("no hang")
        });
        let got_err = text(&err.0.lock().map(|v| v.clone()).unwrap_or_default());
        assert_eq!(outcome, Outcome::Exited(0), "{got_err}");
        let mut want = Vec::new();
        for w in &words[2..] {
            want.extend_from_slice(w);
            want.push(0);
        }
        assert_eq!(out.0.lock().map(|v| v.clone()).unwrap_or_default(), want);
        assert_eq!(got_err, "");
        // The stand-in ran as B: su and sudo were both passed.
        assert_eq!(
            std::fs::read_to_string(&log).expect("log"),
            format!("{b}\n")
        );
    }
}

/// A hop that waits on a prompt nobody recognises is stopped after its connect timeout
/// (`-T`) and its processes are killed: never a hang. The stand-in `docker` (no container
/// engine exists here) asks for a PIN and waits.
#[test]
fn an_unknown_prompt_times_out_and_is_killed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    local_inventory(dir.path());
    let docker = bin.join("docker");
    std::fs::write(
        &docker,
        "#!/bin/sh\nprintf 'Enter PIN: ' >&2\nexec sleep 41.25\n",
    )
    .expect("script");
    chmod(&docker, 0o755);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(BIN);
    c.current_dir(dir.path())
        .env("PATH", &path)
        .args(["exec", "localhost", "-i"])
        .arg(dir.path().join("inv"))
        .args(["-e", "ansible_connection=docker", "-T", "2", "--", "true"]);
    let start = Instant::now();
    let o = run_with_deadline(c, b"", DEADLINE);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        text(&o.stderr),
        "stackctl: hop 0 (docker on localhost): timed out after 2s before the command started \
         (last output: Enter PIN:)\n"
    );
    assert_eq!(o.status.code(), Some(255));
    // Nothing of the hop is left running (every process's argv, read from /proc).
    let left: Vec<String> = std::fs::read_dir("/proc")
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
                .map(|c| text(&c).replace('\0', " "))
                .filter(|c| c.starts_with("sleep 41.25"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left running: {left:?}");
}

/// When our stdout closes (`| head`), the command's stdout closes too and it ends by SIGPIPE,
/// as in a pipeline, instead of running on.
#[test]
fn a_closed_stdout_ends_the_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    local_inventory(dir.path());
    let mut c = Command::new("sh");
    c.current_dir(dir.path()).arg("-c").arg(format!(
        "'{BIN}' exec localhost -i '{}' -- yes | head -n 2",
        dir.path().join("inv").display()
    ));
    let o = run_with_deadline(c, b"", DEADLINE);
    assert_eq!(text(&o.stdout), "y\ny\n");
}

/// SIGTERM (like Ctrl-C) ends the command's whole process group and exits 99.
#[test]
fn interrupted_runs_end_their_processes_and_exit_99() {
    let dir = tempfile::tempdir().expect("tempdir");
    local_inventory(dir.path());
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["exec", "localhost", "-i"])
        .arg(dir.path().join("inv"))
        .args(["--", "sleep 42.75 & sleep 42.75; wait"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(500));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("kill");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < DEADLINE, "did not end on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(99));
    std::thread::sleep(Duration::from_millis(200));
    let left: Vec<String> = std::fs::read_dir("/proc")
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
                .map(|c| text(&c).replace('\0', " "))
                .filter(|c| c.starts_with("sleep 42.75"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left running: {left:?}");
}
