//! `stackctl shell` and `exec -t` under a real pseudo-terminal (a small harness over
//! `nix::pty::openpty`: stackctl's stdin/stdout/stderr are the pty's slave and its controlling
//! terminal), against loopback sshd daemons from tests/support — direct and behind a bastion.
//! Deadlines only turn hangs into failures; nothing is timed.

mod support;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");
const DEADLINE: Duration = Duration::from_secs(60);

/// stackctl running on a pty we hold both sides of.
struct PtyRun {
    master: std::fs::File,
    /// Kept open so the terminal's settings can be read after stackctl exits.
    slave: OwnedFd,
    /// The terminal's settings before stackctl started.
    before: String,
    child: Child,
    rx: mpsc::Receiver<Vec<u8>>,
    out: Vec<u8>,
}

fn winsize(rows: u16, cols: u16) -> nix::pty::Winsize {
    nix::pty::Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

/// The terminal settings `stty -g` would print, as comparable fields.
fn term_settings(fd: &OwnedFd) -> String {
    let t = nix::sys::termios::tcgetattr(fd).expect("tcgetattr");
    format!(
        "{:?} {:?} {:?} {:?} {:?}",
        t.input_flags, t.output_flags, t.control_flags, t.local_flags, t.control_chars
    )
}

impl PtyRun {
    fn start(env: &Env, args: &[&str], rows: u16, cols: u16) -> PtyRun {
        PtyRun::start_with_term(env, args, rows, cols, "dumb")
    }

    /// A run with `TERM` set to `term` (a bar is drawn only on a terminal that can redraw).
    fn start_with_term(env: &Env, args: &[&str], rows: u16, cols: u16, term: &str) -> PtyRun {
        let p = nix::pty::openpty(Some(&winsize(rows, cols)), None).expect("openpty");
        let before = term_settings(&p.slave);
        let mut cmd = env.command(args);
        let io = |s: &OwnedFd| Stdio::from(s.try_clone().expect("dup slave"));
        cmd.stdin(io(&p.slave))
            .stdout(io(&p.slave))
            .stderr(io(&p.slave))
            .env("TERM", term);
        // SAFETY: only async-signal-safe calls (setsid, ioctl) between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start stackctl");
        drop(cmd);
        let master = std::fs::File::from(p.master);
        let mut reader = master.try_clone().expect("dup master");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        PtyRun {
            master,
            slave: p.slave,
            before,
            child,
            rx,
            out: Vec::new(),
        }
    }

    fn send(&mut self, text: &str) {
        self.master
            .write_all(text.as_bytes())
            .expect("write to pty");
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }

    /// Waits until the output has `needle` after byte `from`; false after `wait`.
    fn wait_for(&mut self, needle: &str, from: usize, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        loop {
            if self.out.len() > from && String::from_utf8_lossy(&self.out[from..]).contains(needle)
            {
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            if let Ok(chunk) = self.rx.recv_timeout(left.min(Duration::from_millis(200))) {
                self.out.extend(chunk);
            }
        }
    }

    fn resize(&self, rows: u16, cols: u16) {
        let ws = winsize(rows, cols);
        // SAFETY: TIOCSWINSZ reads one valid winsize.
        let r = unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(r, 0, "TIOCSWINSZ");
    }

    /// Waits for stackctl to exit; returns its status and everything it printed.
    fn finish(mut self) -> (Option<i32>, String) {
        let until = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!("stackctl did not exit; output so far:\n{}", self.text());
            }
            while let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(50)) {
                self.out.extend(chunk);
            }
        };
        // What is still buffered in the pty (the slave stays open here, so no end-of-file).
        while let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(200)) {
            self.out.extend(chunk);
        }
        (status.code(), self.text())
    }
}

/// A lab with a bastion, a target behind it and one reached directly; an INI inventory and a
/// private control directory.
struct Env {
    lab: Lab,
    inv: PathBuf,
    ctl: PathBuf,
    _sshds: Vec<Sshd>,
}

impl Env {
    fn new(extra_inventory: &str) -> Env {
        let lab = Lab::new();
        let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
        let target = lab.sshd(SshdSpec::targets(lab.addrs(2)));
        let inv = lab.path().join("hosts.ini");
        std::fs::write(
            &inv,
            format!(
                "bastion ansible_host={b} ansible_port={bp}\n\
                 app ansible_host={t} ansible_port={tp} mitogen_via=bastion\n\
                 direct ansible_host={d} ansible_port={tp}\n\
                 here ansible_connection=local\n\
                 {extra_inventory}\n\
                 [all:vars]\n\
                 ansible_user={u}\n\
                 ansible_ssh_private_key_file={k}\n\
                 ansible_ssh_common_args='-o UserKnownHostsFile={kh} -o GlobalKnownHostsFile=/dev/null'\n",
                b = bastion.addrs[0],
                bp = bastion.port,
                t = target.addrs[0],
                d = target.addrs[1],
                tp = target.port,
                u = current_user(),
                k = lab.user_key.display(),
                kh = lab.known_hosts.display()
            )
            .replace("{TARGET}", &format!("{} ansible_port={}", target.addrs[0], target.port)),
        )
        .unwrap();
        let ctl = lab.path().join("ctl");
        Env {
            lab,
            inv,
            ctl,
            _sshds: vec![bastion, target],
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.env("STACKCTL_CONTROL_DIR", &self.ctl)
            .env("HOME", self.lab.path())
            .current_dir(self.lab.path())
            .arg("-i")
            .arg(&self.inv)
            .args(args);
        c
    }

    /// Runs stackctl without a terminal.
    fn plain(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let o = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .expect("run stackctl");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn sockets(&self) -> Vec<String> {
        sockets(&self.ctl)
    }
}

fn sockets(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sock"))
                .collect()
        })
        .unwrap_or_default()
}

/// The output's lines, trimmed, without a leading shell prompt (`$ `, `# `).
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim();
            l.strip_prefix("$ ")
                .or_else(|| l.strip_prefix("# "))
                .unwrap_or(l)
                .to_string()
        })
        .collect()
}

#[test]
fn shell_direct_behind_a_bastion_and_local() {
    let env = Env::new("");
    // `here` is a local plan: a pty here, no ssh at all.
    for host in ["direct", "app", "here"] {
        let mut run = PtyRun::start(&env, &["shell", host], 33, 111);
        let before = run.before.clone();
        run.send("echo $((6*7)); tty; stty size; exit 3\n");
        let slave = run.slave.try_clone().expect("dup slave");
        let (code, out) = run.finish();
        let l = lines(&out);
        assert!(l.iter().any(|x| x == "42"), "{host}: {out}");
        assert!(
            l.iter().any(|x| x.starts_with("/dev/pts/")),
            "{host}: the shell has a terminal: {out}"
        );
        assert!(
            l.iter().any(|x| x == "33 111"),
            "{host}: window size: {out}"
        );
        assert!(!out.contains("stackctl-"), "{host}: markers leaked: {out}");
        assert_eq!(code, Some(3), "{host}: {out}");
        assert_eq!(
            term_settings(&slave),
            before,
            "{host}: terminal settings restored"
        );
    }
}

/// `--ssh-chain nested`: the second ssh runs on the bastion, with `-tt`, so the target still
/// gives the shell a terminal.
#[test]
fn shell_through_a_nested_ssh_hop() {
    let env = Env::new("");
    let mut run = PtyRun::start(&env, &["shell", "--ssh-chain", "nested", "app"], 30, 100);
    run.send("echo $((6*7)); tty; stty size; echo $SSH_CONNECTION; exit 3\n");
    let (code, out) = run.finish();
    let l = lines(&out);
    assert!(l.iter().any(|x| x == "42"), "{out}");
    assert!(l.iter().any(|x| x.starts_with("/dev/pts/")), "{out}");
    assert!(l.iter().any(|x| x == "30 100"), "window size: {out}");
    assert_eq!(code, Some(3), "{out}");
}

/// A hop that fails on the terminal path is named, exit 255, and the terminal is restored.
#[test]
fn shell_with_a_dead_bastion_names_hop_zero() {
    let mut env = Env::new("");
    env._sshds[0].kill();
    let run = PtyRun::start(&env, &["shell", "app"], 24, 80);
    let before = run.before.clone();
    let slave = run.slave.try_clone().expect("dup slave");
    let (code, out) = run.finish();
    assert_eq!(code, Some(255), "{out}");
    assert!(out.contains("hop 0 (ssh on bastion): "), "{out}");
    assert_eq!(term_settings(&slave), before);
}

#[test]
fn shell_follows_window_size_changes() {
    let env = Env::new("");
    let mut run = PtyRun::start(&env, &["shell", "app"], 24, 80);
    run.send("echo ready-$((1+1))\n");
    assert!(
        run.wait_for("ready-2", 0, DEADLINE),
        "no shell: {}",
        run.text()
    );
    // Raw while the shell runs: no echo, no line editing here (the far end does that).
    let t = nix::sys::termios::tcgetattr(&run.slave).expect("tcgetattr");
    use nix::sys::termios::LocalFlags;
    assert!(
        !t.local_flags
            .intersects(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG)
    );
    run.resize(44, 123);
    // The change travels by signal and channel request: ask until the shell sees it.
    let until = Instant::now() + DEADLINE;
    loop {
        let from = run.out.len();
        run.send("stty size\n");
        if run.wait_for("44 123", from, Duration::from_secs(2)) {
            break;
        }
        assert!(Instant::now() < until, "size never changed: {}", run.text());
    }
    run.send("exit\n");
    let before = run.before.clone();
    let slave = run.slave.try_clone().expect("dup slave");
    let (code, out) = run.finish();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(term_settings(&slave), before, "terminal settings restored");
}

#[test]
fn exec_tty_through_a_bastion() {
    let env = Env::new("");
    let run = PtyRun::start(
        &env,
        &["exec", "-t", "app", "--", "tty; echo $((6*7)); exit 3"],
        24,
        80,
    );
    let (code, out) = run.finish();
    let l = lines(&out);
    assert!(l.iter().any(|x| x.starts_with("/dev/pts/")), "{out}");
    assert!(l.iter().any(|x| x == "42"), "{out}");
    assert_eq!(code, Some(3), "{out}");
    // Input reaches the command through the terminal.
    let mut run = PtyRun::start(
        &env,
        &["exec", "-t", "direct", "--", "read x; echo got-$x"],
        24,
        80,
    );
    run.send("hello\n");
    let (code, out) = run.finish();
    assert!(out.contains("got-hello"), "{out}");
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn shell_without_a_terminal_is_an_error_not_a_hang() {
    let env = Env::new("");
    let (code, _, err) = env.plain(&["shell", "app"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("shell needs a terminal"), "{err}");
    assert!(env.sockets().is_empty(), "no connection was made");
}

#[test]
fn persist_zero_leaves_no_master_and_the_default_keeps_them() {
    let env = Env::new("");
    let (code, out, err) = env.plain(&["exec", "--persist", "0", "app", "--", "echo", "hi"]);
    assert_eq!((code, out.as_str()), (Some(0), "hi\n"), "{err}");
    assert!(env.sockets().is_empty(), "{:?}", env.sockets());
    let (code, out, _) = env.plain(&["close"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
    // The shell too.
    let mut run = PtyRun::start(&env, &["shell", "--persist", "0", "app"], 24, 80);
    run.send("exit 0\n");
    let (code, out) = run.finish();
    assert_eq!(code, Some(0), "{out}");
    assert!(env.sockets().is_empty(), "{:?}", env.sockets());
    // Default: both masters (bastion, app) stay for the next run, until closed.
    let (code, _, err) = env.plain(&["exec", "app", "--", "true"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(env.sockets().len(), 2, "{:?}", env.sockets());
    let mut run = PtyRun::start(&env, &["shell", "app"], 24, 80);
    run.send("exit 0\n");
    let (code, out) = run.finish();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(env.sockets().len(), 2, "{:?}", env.sockets());
    let (code, out, _) = env.plain(&["close"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(env.sockets().is_empty());
}

/// A become password on the terminal path: ssh as one user, `su` to another whose password
/// stackctl types at su's prompt through the pty. Root only (throwaway users).
#[test]
fn shell_through_su_answers_the_password_prompt_through_the_pty() {
    if !is_root() {
        skip("shell through su needs throwaway users (root)");
        return;
    }
    let lab_users = Lab::new();
    let Some(login) = TestUser::create(&lab_users, None) else {
        return;
    };
    let pw = format!("Su-{}-pw", std::process::id());
    let Some(other) = TestUser::create(&lab_users, Some(&pw)) else {
        return;
    };
    let env = Env::new(&format!(
        "suhost ansible_host={{TARGET}} ansible_user={} ansible_become=yes \
         ansible_become_method=su ansible_become_user={} ansible_become_pass={pw}",
        login.name, other.name
    ));
    let mut run = PtyRun::start(&env, &["shell", "suhost"], 24, 80);
    run.send("id -un; pwd; tty; exit 4\n");
    let (code, out) = run.finish();
    let l = lines(&out);
    assert!(l.contains(&other.name), "{out}");
    let home = format!("/home-{}", other.name);
    assert!(
        l.iter().any(|x| x.ends_with(&home)),
        "login shell in its home: {out}"
    );
    assert!(l.iter().any(|x| x.starts_with("/dev/pts/")), "{out}");
    assert!(!out.contains(&pw), "the password was echoed: {out}");
    assert_eq!(code, Some(4), "{out}");
    // A wrong password is the hop's error, not a hang.
    let env = Env::new(&format!(
        "suhost ansible_host={{TARGET}} ansible_user={} ansible_become=yes \
         ansible_become_method=su ansible_become_user={} ansible_become_pass=wrong-{pw}",
        login.name, other.name
    ));
    let run = PtyRun::start(&env, &["shell", "suhost"], 24, 80);
    let (code, out) = run.finish();
    assert_eq!(code, Some(255), "{out}");
    assert!(out.contains("su password is incorrect"), "{out}");
    assert!(!out.contains(&pw), "{out}");
}

/// Processes (other than this test) whose argv or environment contain `needle`.
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
                hits.push(format!("{name} {f}"));
            }
        }
    }
    hits
}

/// A sudoers drop-in, removed on drop.
struct Sudoers(PathBuf);

impl Drop for Sudoers {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// ssh as a user, then sudo with that user's password typed at sudo's prompt through the
/// terminal; the password is on no argv or environment while the shell runs. Root only.
#[test]
fn shell_through_sudo_types_the_password_and_keeps_it_off_argv() {
    if !is_root() {
        skip("shell through sudo needs a throwaway user and a sudoers rule (root)");
        return;
    }
    let users = Lab::new();
    let pw = format!("Sudo-{}-pw", std::process::id());
    let Some(login) = TestUser::create(&users, Some(&pw)) else {
        return;
    };
    let path = PathBuf::from(format!("/etc/sudoers.d/stackctl-shell-test-{}", login.name));
    std::fs::write(
        &path,
        format!(
            "Defaults:{u} !lecture, timestamp_timeout=0\n{u} ALL=(root) ALL\n",
            u = login.name
        ),
    )
    .expect("sudoers");
    let _rule = Sudoers(path.clone());
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o440))
        .expect("chmod sudoers");
    let pass_file = users.path().join("become-pass");
    std::fs::write(&pass_file, format!("{pw}\n")).expect("password file");
    let env = Env::new(&format!(
        "sudohost ansible_host={{TARGET}} ansible_user={} ansible_become=yes \
         ansible_become_method=sudo",
        login.name
    ));
    let pass_arg = pass_file.display().to_string();
    let mut run = PtyRun::start(
        &env,
        &["--become-password-file", &pass_arg, "shell", "sudohost"],
        24,
        80,
    );
    run.send("echo in-$((40+2)); id -un; tty\n");
    assert!(run.wait_for("in-42", 0, DEADLINE), "{}", run.text());
    assert_eq!(processes_holding(pw.as_bytes()), Vec::<String>::new());
    run.send("exit 5\n");
    let (code, out) = run.finish();
    let l = lines(&out);
    assert!(l.contains(&"root".to_string()), "{out}");
    assert!(l.iter().any(|x| x.starts_with("/dev/pts/")), "{out}");
    assert!(!out.contains(&pw), "the password was echoed: {out}");
    assert_eq!(code, Some(5), "{out}");
    // A wrong password is the hop's error, not a hang.
    std::fs::write(&pass_file, "wrong\n").expect("password file");
    let run = PtyRun::start(
        &env,
        &["--become-password-file", &pass_arg, "shell", "sudohost"],
        24,
        80,
    );
    let (code, out) = run.finish();
    assert_eq!(code, Some(255), "{out}");
    assert!(
        out.contains("hop 1 (sudo on sudohost): sudo password is incorrect"),
        "{out}"
    );
}

#[test]
fn exec_on_several_hosts_shows_progress_on_a_terminal_only() {
    // issue 4 §7: done/total, failures and the slowest running hosts, on a terminal only.
    let env = Env::new("");
    let args = ["exec", "app:direct", "--", "sleep 2; echo done"];
    let mut run = PtyRun::start_with_term(&env, &args, 24, 120, "xterm");
    assert!(
        run.wait_for("0/2 hosts slowest: ", 0, DEADLINE),
        "{}",
        run.text()
    );
    let (code, text) = run.finish();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("app: done"), "{text}");
    assert!(text.contains("direct: done"), "{text}");
    assert!(text.contains("stackctl: 2 hosts: 2 ok"), "{text}");
    // Not a terminal: the same run prints no bar at all.
    let (code, out, err) = env.plain(&args);
    assert_eq!(code, Some(0), "{err}");
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(lines, ["app: done", "direct: done"]);
    assert_eq!(err, "stackctl: 2 hosts: 2 ok\n");
}
