//! Real `sshd` fixtures for integration tests (shared by every test crate: `mod support;`).
//!
//! # API
//! - [`Lab::new()`] — a tempdir (mode 0755 so test users can read it) with an ed25519 user key
//!   (`lab.user_key`), one ed25519 host key shared by every daemon of the lab,
//!   `authorized_keys`, and a per-lab `known_hosts` (`lab.known_hosts`) that each started
//!   daemon adds its `[addr]:port` lines to.
//! - [`Lab::addrs(n)`] — `n` fresh loopback addresses `127.X.Y.Z` unique in this machine's
//!   test processes (X from the pid, then a counter).
//! - [`Lab::sshd(SshdSpec)`] → [`Sshd`] — `sshd -D -e -f <abs cfg>` listening on the spec's
//!   addresses (≤ 16) and one free port, `LogLevel VERBOSE`, `UsePAM no`, `StrictModes no`,
//!   `PermitRootLogin prohibit-password`, stock `MaxStartups` for [`SshdSpec::bastion`] and
//!   `MaxStartups 1000:30:1000` / `MaxSessions 100` for [`SshdSpec::targets`]; waits until the
//!   log says it listens on every address; the account the tests log in as gets `HOME` set
//!   to the lab's empty `home` (none of the machine's rc files run); killed (process group) on
//!   Drop.
//!   [`Sshd::log()`] is its `-e` output; [`Sshd::accepted()`] counts `Accepted …` lines,
//!   i.e. authenticated connections; [`Sshd::kill()`] stops it early.
//! - [`Lab::target(&sshd, addr_index, inventory_host)`] → `SshTarget` for hop 0 as root (or the
//!   current user) with the lab key, strict host key checking against the lab's known_hosts
//!   (`ssh_args`: `-o UserKnownHostsFile=… -o GlobalKnownHostsFile=/dev/null -o
//!   IdentitiesOnly=yes`), `connect_timeout` 5. Set `hop_index` / `username` / `password` as
//!   needed. [`lab_target(addr, port, inventory_host, key, known_hosts)`] builds the same from
//!   parts (helper processes, netns addresses).
//! - [`Lab::client_config()`] — path of an ssh_config for plain `ssh -F` comparisons (lab key,
//!   known_hosts, `BatchMode yes`); [`Lab::plain_ssh()`] is `ssh -F <that>`.
//! - root only: [`TestUser::create(&lab, password)`] (`useradd`, `usermod -p '*'` or `chpasswd`
//!   from stdin, `/bin/sh` login shell: no rc files; removed on Drop), and [`Island::new(&lab)`]:
//!   two network namespaces — a bastion netns reachable from here over a veth pair
//!   (198.18.N.0/30) and a target netns reachable only from the bastion netns (198.19.N.0/30,
//!   with an `unreachable` route here so a direct attempt fails at once and no packet leaves
//!   the machine) — each with its own sshd ([`Island::bastion`], [`Island::target`]); removed on
//!   Drop. Both return `None` after printing why when not root or when `ip netns` fails.
//! - [`is_root()`], [`skip(reason)`] (prints `SKIPPED: …` to stderr), [`current_user()`],
//!   [`block_on(deadline, fut)`] (a current-thread tokio runtime; the deadline turns a hang into
//!   a failure — never use it as a timing assertion).
//!
//! Daemons log at `LogLevel VERBOSE` to `Sshd::log_path`; every test owns its daemons and
//! addresses, so tests run in parallel, and only loopback or the test's own netns addresses
//! are ever contacted.
#![allow(dead_code)]

use stackctl::transport::SshTarget;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail.
    unsafe { libc::geteuid() == 0 }
}

pub fn skip(reason: &str) {
    eprintln!("SKIPPED: {reason}");
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{cmd:?}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn keygen(path: &Path, comment: &str) {
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path))
    .expect("ssh-keygen");
}

pub struct Lab {
    pub dir: tempfile::TempDir,
    pub user_key: PathBuf,
    pub host_key: PathBuf,
    pub host_pub: String,
    pub authorized_keys: PathBuf,
    pub known_hosts: PathBuf,
}

impl Lab {
    pub fn new() -> Lab {
        let dir = tempfile::Builder::new()
            .prefix("stk-lab")
            // STACKCTL_KEEP_LAB=1 leaves the daemons' and masters' logs behind for a post-mortem.
            .disable_cleanup(std::env::var_os("STACKCTL_KEEP_LAB").is_some())
            .tempdir()
            .expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let user_key = dir.path().join("id_ed25519");
        keygen(&user_key, "stackctl-test-user");
        let host_key = dir.path().join("host_ed25519");
        keygen(&host_key, "stackctl-test-host");
        let host_pub = std::fs::read_to_string(host_key.with_extension("pub"))
            .unwrap()
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let authorized_keys = dir.path().join("authorized_keys");
        std::fs::copy(user_key.with_extension("pub"), &authorized_keys).unwrap();
        std::fs::set_permissions(&authorized_keys, std::fs::Permissions::from_mode(0o644)).unwrap();
        let known_hosts = dir.path().join("known_hosts");
        std::fs::write(&known_hosts, "").unwrap();
        std::fs::set_permissions(&known_hosts, std::fs::Permissions::from_mode(0o644)).unwrap();
        if is_root() {
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        Lab {
            dir,
            user_key,
            host_key,
            host_pub,
            authorized_keys,
            known_hosts,
        }
    }

    /// The home the test account's logins get (see [`Lab::sshd`]): empty.
    pub fn home(&self) -> PathBuf {
        let home = self.path().join("home");
        let _ = std::fs::create_dir_all(&home);
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `n` fresh loopback addresses.
    pub fn addrs(&self, n: usize) -> Vec<Ipv4Addr> {
        let pid = std::process::id();
        (0..n)
            .map(|_| {
                let c = COUNTER.fetch_add(1, Ordering::SeqCst);
                Ipv4Addr::new(
                    127,
                    (20 + pid % 200) as u8,
                    ((pid / 200 % 50) * 5 + c / 250 % 5) as u8,
                    (c % 250 + 2) as u8,
                )
            })
            .collect()
    }

    fn add_known_host(&self, addr: &str, port: u16) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.known_hosts)
            .unwrap();
        writeln!(f, "[{addr}]:{port} {}", self.host_pub).unwrap();
    }

    pub fn sshd(&self, spec: SshdSpec) -> Sshd {
        let addrs: Vec<String> = spec.addrs.iter().map(|a| a.to_string()).collect();
        let port = spec.port.unwrap_or_else(|| free_port(spec.addrs[0]));
        Sshd::start(self, &addrs, port, &spec, None)
    }

    /// Hop-0 `SshTarget` for address `idx` of `sshd` as root (or the current user).
    pub fn target(&self, sshd: &Sshd, idx: usize, inventory_host: &str) -> SshTarget {
        lab_target(
            &sshd.addrs[idx],
            sshd.port,
            inventory_host,
            &self.user_key,
            &self.known_hosts,
        )
    }

    /// An ssh_config for plain `ssh -F` runs against the lab's daemons.
    pub fn client_config(&self) -> PathBuf {
        let p = self.path().join("client_config");
        if !p.exists() {
            std::fs::write(
                &p,
                format!(
                    "Host *\n  User {}\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 5\n",
                    current_user(),
                    self.user_key.display(),
                    self.known_hosts.display()
                ),
            )
            .unwrap();
        }
        p
    }

    /// `ssh -F <client_config>`.
    pub fn plain_ssh(&self) -> Command {
        let mut c = Command::new("ssh");
        c.arg("-F").arg(self.client_config());
        c
    }
}

pub fn current_user() -> String {
    if is_root() {
        return "root".into();
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "root".into())
}

fn free_port(addr: Ipv4Addr) -> u16 {
    let l = TcpListener::bind((addr, 0)).expect("bind a free port");
    l.local_addr().unwrap().port()
}

/// What kind of daemon to start.
#[derive(Debug, Clone)]
pub struct SshdSpec {
    pub addrs: Vec<Ipv4Addr>,
    pub port: Option<u16>,
    /// `MaxStartups 1000:30:1000` and `MaxSessions 100` (a daemon standing for many machines).
    pub high_limits: bool,
    pub password_auth: bool,
    /// Extra sshd_config lines.
    pub extra: Vec<String>,
}

impl SshdSpec {
    /// A bastion: stock MaxStartups/MaxSessions.
    pub fn bastion(addrs: Vec<Ipv4Addr>) -> Self {
        SshdSpec {
            addrs,
            port: None,
            high_limits: false,
            password_auth: false,
            extra: vec![],
        }
    }
    /// Daemon for many targets: high limits.
    pub fn targets(addrs: Vec<Ipv4Addr>) -> Self {
        SshdSpec {
            high_limits: true,
            ..Self::bastion(addrs)
        }
    }
}

pub struct Sshd {
    pub addrs: Vec<String>,
    pub port: u16,
    pub log_path: PathBuf,
    child: Option<Child>,
}

impl Sshd {
    fn start(lab: &Lab, addrs: &[String], port: u16, spec: &SshdSpec, netns: Option<&str>) -> Sshd {
        assert!(
            !addrs.is_empty() && addrs.len() <= 16,
            "1..=16 addresses per sshd"
        );
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let cfg_path = lab.path().join(format!("sshd_{n}.conf"));
        let log_path = lab.path().join(format!("sshd_{n}.log"));
        let mut cfg = String::new();
        for a in addrs {
            cfg += &format!("ListenAddress {a}:{port}\n");
        }
        cfg += &format!(
            "HostKey {}\nPidFile {}\nAuthorizedKeysFile {}\nUsePAM no\nStrictModes no\n\
             PermitRootLogin prohibit-password\nPubkeyAuthentication yes\n\
             PasswordAuthentication {}\nKbdInteractiveAuthentication no\n\
             AllowTcpForwarding yes\nPrintMotd no\nPrintLastLog no\nLogLevel VERBOSE\n",
            lab.host_key.display(),
            lab.path().join(format!("sshd_{n}.pid")).display(),
            lab.authorized_keys.display(),
            if spec.password_auth { "yes" } else { "no" },
        );
        if spec.high_limits {
            cfg += "MaxStartups 1000:30:1000\nMaxSessions 100\n";
        }
        for l in &spec.extra {
            cfg += l;
            cfg += "\n";
        }
        // The account the tests log in as gets an empty home of the lab's: its login shell
        // then reads none of this machine's own rc files (bash reads ~/.bashrc for ssh
        // commands; a pyenv set up there forks about a hundred processes per login and makes
        // logins queue on its rehash lock file, for a minute when a killed login left it).
        // Last: lines after `Match` belong to it.
        cfg += &format!(
            "Match User {}\n  SetEnv HOME={}\n",
            current_user(),
            lab.home().display()
        );
        std::fs::write(&cfg_path, cfg).unwrap();
        let log = std::fs::File::create(&log_path).unwrap();
        let sshd = which_sshd();
        let mut cmd = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&sshd);
                c
            }
            None => Command::new(&sshd),
        };
        cmd.arg("-D").arg("-e").arg("-f").arg(&cfg_path);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .process_group(0);
        let child = cmd.spawn().expect("start sshd");
        for a in addrs {
            lab.add_known_host(a, port);
        }
        let mut s = Sshd {
            addrs: addrs.to_vec(),
            port,
            log_path,
            child: Some(child),
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let log = self.log();
            let ready = self
                .addrs
                .iter()
                .all(|a| log.contains(&format!("Server listening on {a} port {}", self.port)));
            if ready {
                return;
            }
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(st)) = c.try_wait()
            {
                panic!("sshd exited ({st}) before it was ready:\n{log}");
            }
            if Instant::now() > deadline {
                panic!("sshd not ready within 20 s:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.log_path).unwrap_or_default()).into_owned()
    }

    /// Authenticated connections so far (`Accepted publickey|password for …`).
    pub fn accepted(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Accepted publickey for") || l.contains("Accepted password for"))
            .count()
    }

    /// Commands started in sessions so far (`Starting session: command for …`).
    pub fn commands_started(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("Starting session: command for"))
            .count()
    }

    /// Stops the daemon and every connection it serves (sshd puts each connection in a session
    /// of its own, so the fixture kills the daemon's whole process tree).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            // Stop the daemon first so that it starts no new connection, then collect its
            // remaining children (a stopped parent keeps them) and kill them all.
            // SAFETY: kill(2) on the daemon this fixture started.
            if let Ok(pid) = i32::try_from(c.id()) {
                unsafe {
                    libc::kill(pid, libc::SIGSTOP);
                }
            }
            let tree = descendants(c.id());
            let _ = c.kill();
            for pid in tree {
                if let Ok(pid) = i32::try_from(pid) {
                    // SAFETY: kill(2) on a process this fixture's daemon started.
                    unsafe {
                        libc::kill(pid, libc::SIGKILL);
                    }
                }
            }
            let _ = c.wait();
        }
    }
}

/// The first process below `root` whose command line (its title) starts with `title`: the
/// run's workers and multiplexers are children of its fork server, a child of the top process.
pub fn titled_below(root: u32, title: &str) -> Option<u32> {
    descendants(root)
        .into_iter()
        .find(|pid| args_of(*pid).starts_with(title))
}

/// The command lines of those of `pids` that are still stackctl processes (a fork server,
/// worker or mux of a run that should have ended).
pub fn stackctl_still_running(pids: &[u32]) -> Vec<String> {
    pids.iter()
        .map(|p| args_of(*p))
        .filter(|a| a.starts_with("stackctl"))
        .collect()
}

/// A process's command line, arguments joined by spaces ("" once it is gone).
pub fn args_of(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            b.split(|c| *c == 0)
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

/// Every process below `root` (read from /proc), found before any is killed.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parent_of.push((pid, ppid));
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out.remove(0);
    out
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.kill();
    }
}

fn which_sshd() -> PathBuf {
    for p in ["/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    PathBuf::from("sshd")
}

/// A throwaway login user (root only), removed on Drop.
pub struct TestUser {
    pub name: String,
}

impl TestUser {
    /// `password`: `Some` sets it with `chpasswd` (read from stdin), `None` unlocks the account
    /// for key logins only (`usermod -p '*'`). The lab's `authorized_keys` applies to it.
    pub fn create(lab: &Lab, password: Option<&str>) -> Option<TestUser> {
        if !is_root() {
            skip("creating test users needs root");
            return None;
        }
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("stk{}u{n}", std::process::id() % 100_000);
        let home = lab.path().join(format!("home-{name}"));
        if let Err(e) = run(Command::new("useradd")
            .args(["-M", "-s", "/bin/sh", "-d"])
            .arg(&home)
            .arg(&name))
        {
            skip(&format!("useradd failed: {e}"));
            return None;
        }
        let user = TestUser { name };
        std::fs::create_dir_all(&home).unwrap();
        run(Command::new("chown").arg(&user.name).arg(&home)).expect("chown home");
        match password {
            Some(pw) => {
                let mut c = Command::new("chpasswd")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("chpasswd");
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(format!("{}:{pw}\n", user.name).as_bytes())
                    .unwrap();
                assert!(c.wait().unwrap().success(), "chpasswd failed");
            }
            None => {
                run(Command::new("usermod").args(["-p", "*"]).arg(&user.name)).expect("usermod");
            }
        }
        Some(user)
    }
}

impl Drop for TestUser {
    fn drop(&mut self) {
        let _ = run(Command::new("userdel").arg(&self.name));
    }
}

/// Two network namespaces: bastion (reachable from here) and target (reachable only from the
/// bastion's namespace), each with an sshd on port 2222. Root only.
pub struct Island {
    pub bastion: Sshd,
    pub target: Sshd,
    /// The bastion's address as seen from here.
    pub bastion_addr: String,
    /// The target's address as seen from the bastion.
    pub target_addr: String,
    ns_b: String,
    ns_t: String,
    veth_root: String,
    blocked_net: String,
}

impl Island {
    pub fn new(lab: &Lab) -> Option<Island> {
        if !is_root() {
            skip("network namespaces need root");
            return None;
        }
        let mut last_err = String::new();
        for attempt in 0..5u32 {
            match Self::try_new(lab, attempt) {
                Ok(island) => return Some(island),
                Err(e) => last_err = e,
            }
        }
        skip(&format!("ip netns setup failed: {last_err}"));
        None
    }

    fn try_new(lab: &Lab, attempt: u32) -> Result<Island, String> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let id = format!("{}{n}", std::process::id() % 10_000);
        let subnet = ((std::process::id() * 7 + n * 13 + attempt * 31) % 250) as u8 + 1;
        let ns_b = format!("stk{id}b");
        let ns_t = format!("stk{id}t");
        let veth_root = format!("stk{id}r");
        let veth_b = format!("stk{id}B");
        let veth_b2 = format!("stk{id}c");
        let veth_t = format!("stk{id}T");
        let root_ip = format!("198.18.{subnet}.1");
        let b_ip = format!("198.18.{subnet}.2");
        let b2_ip = format!("198.19.{subnet}.1");
        let t_ip = format!("198.19.{subnet}.2");
        let blocked_net = format!("198.19.{subnet}.0/30");
        let steps: Vec<Vec<String>> = vec![
            vec!["netns", "add", &ns_b],
            vec!["netns", "add", &ns_t],
            vec![
                "link", "add", &veth_root, "type", "veth", "peer", "name", &veth_b,
            ],
            vec!["link", "set", &veth_b, "netns", &ns_b],
            vec!["addr", "add", &format!("{root_ip}/30"), "dev", &veth_root],
            vec!["link", "set", &veth_root, "up"],
            vec![
                "-n",
                &ns_b,
                "addr",
                "add",
                &format!("{b_ip}/30"),
                "dev",
                &veth_b,
            ],
            vec!["-n", &ns_b, "link", "set", &veth_b, "up"],
            vec!["-n", &ns_b, "link", "set", "lo", "up"],
            vec![
                "-n", &ns_b, "link", "add", &veth_b2, "type", "veth", "peer", "name", &veth_t,
            ],
            vec!["-n", &ns_b, "link", "set", &veth_t, "netns", &ns_t],
            vec![
                "-n",
                &ns_b,
                "addr",
                "add",
                &format!("{b2_ip}/30"),
                "dev",
                &veth_b2,
            ],
            vec!["-n", &ns_b, "link", "set", &veth_b2, "up"],
            vec![
                "-n",
                &ns_t,
                "addr",
                "add",
                &format!("{t_ip}/30"),
                "dev",
                &veth_t,
            ],
            vec!["-n", &ns_t, "link", "set", &veth_t, "up"],
            vec!["-n", &ns_t, "link", "set", "lo", "up"],
            vec!["route", "add", "unreachable", &blocked_net],
        ]
        .into_iter()
        .map(|v| v.into_iter().map(String::from).collect())
        .collect();
        let cleanup = |ns_b: &str, ns_t: &str, veth_root: &str, blocked: &str| {
            let _ = run(Command::new("ip").args(["route", "del", "unreachable", blocked]));
            let _ = run(Command::new("ip").args(["link", "del", veth_root]));
            let _ = run(Command::new("ip").args(["netns", "del", ns_t]));
            let _ = run(Command::new("ip").args(["netns", "del", ns_b]));
        };
        for s in &steps {
            if let Err(e) = run(Command::new("ip").args(s)) {
                cleanup(&ns_b, &ns_t, &veth_root, &blocked_net);
                return Err(e);
            }
        }
        // No forwarding in the bastion's namespace: the target is reachable only by a
        // connection that starts there.
        let _ = run(Command::new("ip").args([
            "netns",
            "exec",
            &ns_b,
            "sysctl",
            "-qw",
            "net.ipv4.ip_forward=0",
        ]));
        let spec = SshdSpec::bastion(vec![]);
        let bastion = Sshd::start(lab, std::slice::from_ref(&b_ip), 2222, &spec, Some(&ns_b));
        let target = Sshd::start(lab, std::slice::from_ref(&t_ip), 2222, &spec, Some(&ns_t));
        Ok(Island {
            bastion,
            target,
            bastion_addr: b_ip,
            target_addr: t_ip,
            ns_b,
            ns_t,
            veth_root,
            blocked_net,
        })
    }
}

impl Drop for Island {
    fn drop(&mut self) {
        self.bastion.kill();
        self.target.kill();
        let _ = run(Command::new("ip").args(["route", "del", "unreachable", &self.blocked_net]));
        let _ = run(Command::new("ip").args(["link", "del", &self.veth_root]));
        let _ = run(Command::new("ip").args(["netns", "del", &self.ns_t]));
        let _ = run(Command::new("ip").args(["netns", "del", &self.ns_b]));
    }
}

/// Runs `f` on a fresh multi-thread tokio runtime with a deadline that turns a hang into a
/// failure (not a timing assertion).
pub fn block_on<F: std::future::Future>(deadline: Duration, f: F) -> F::Output {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(deadline, f)
            .await
            .expect("deadline exceeded: the operation hung")
    })
}

/// The `SshTarget` [`Lab::target`] builds, from its parts (for helper processes).
pub fn lab_target(
    addr: &str,
    port: u16,
    inventory_host: &str,
    user_key: &Path,
    known_hosts: &Path,
) -> SshTarget {
    SshTarget {
        hop_index: 0,
        inventory_host: inventory_host.into(),
        hostname: addr.to_string(),
        port: Some(port),
        username: Some(current_user()),
        identity_file: Some(user_key.display().to_string()),
        check_host_keys: true,
        connect_timeout: 5,
        keepalive_interval: 5,
        keepalive_count: 3,
        compression: false,
        ssh_args: vec![
            "-o".into(),
            format!("UserKnownHostsFile={}", known_hosts.display()),
            "-o".into(),
            "GlobalKnownHostsFile=/dev/null".into(),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
        ],
        ssh_path: "ssh".into(),
        debug_level: 0,
        password: None,
    }
}

/// The pid of the master listening on `sock` (`ssh -O check`).
pub fn master_pid(sock: &std::path::Path) -> i32 {
    let out = std::process::Command::new("ssh")
        .args(["-F", "/dev/null", "-S"])
        .arg(sock)
        .args(["-O", "check", "none"])
        .output()
        .expect("ssh -O check");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.split("pid=")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("ssh -O check: {text}"))
}
