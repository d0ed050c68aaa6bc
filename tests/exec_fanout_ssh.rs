//! `stackctl exec PATTERN` over real sshd (tests/support): 50 targets on distinct loopback
//! addresses behind one bastion with stock sshd limits (MaxStartups 10:30:100). Every target is
//! reached, the bastion sees exactly one authenticated connection, and a dead bastion makes
//! every host unreachable naming hop 0, at once.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const TARGETS: usize = 50;

struct Fleet {
    lab: Lab,
    bastion: Sshd,
    targets: Vec<Sshd>,
    addrs: Vec<String>,
    inv: std::path::PathBuf,
}

impl Fleet {
    fn start() -> Fleet {
        Fleet::with_targets(TARGETS, &[])
    }

    /// `n` targets (app01…) whose daemons get the `extra` sshd_config lines.
    fn with_targets(n_targets: usize, extra: &[String]) -> Fleet {
        let lab = Lab::new();
        let bastion = lab.sshd(SshdSpec::bastion(lab.addrs(1)));
        let mut targets = Vec::new();
        let mut lines = format!(
            "bastion ansible_host={} ansible_port={}\n[app]\n",
            bastion.addrs[0], bastion.port
        );
        let mut addrs = Vec::new();
        for chunk in 0..n_targets.div_ceil(12) {
            let n = 12.min(n_targets - chunk * 12);
            let d = lab.sshd(SshdSpec {
                extra: extra.to_vec(),
                ..SshdSpec::targets(lab.addrs(n))
            });
            for (i, a) in d.addrs.iter().enumerate() {
                lines += &format!(
                    "app{:02} ansible_host={a} ansible_port={} mitogen_via=bastion\n",
                    chunk * 12 + i + 1,
                    d.port
                );
                addrs.push(a.clone());
            }
            targets.push(d);
        }
        lines += &format!(
            "[all:vars]\nansible_user={}\nansible_ssh_private_key_file={}\n\
             ansible_ssh_common_args='-o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null'\n",
            current_user(),
            lab.user_key.display(),
            lab.known_hosts.display()
        );
        let inv = lab.path().join("hosts.ini");
        std::fs::write(&inv, lines).expect("inventory");
        Fleet {
            lab,
            bastion,
            targets,
            addrs,
            inv,
        }
    }

    /// `stackctl -i INVENTORY ARGS…` in the lab, with no stdin and piped output.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_stackctl"));
        c.env("STACKCTL_CONTROL_DIR", self.lab.path().join("ctl"))
            .env("HOME", self.lab.path())
            .env_remove("ANSIBLE_FORKS")
            .current_dir(self.lab.path())
            .arg("-i")
            .arg(&self.inv)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Starts stackctl in the background.
    fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args).spawn().expect("spawn stackctl")
    }

    fn stackctl(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = self.command(args).output().expect("run stackctl");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// True when `line` has `peer` (`ADDR port N`) and not just a longer port starting with N.
    fn names(line: &str, peer: &str) -> bool {
        line.match_indices(peer)
            .any(|(i, _)| !line[i + peer.len()..].starts_with(|c: char| c.is_ascii_digit()))
    }

    /// What the daemons logged for `host`'s address and what its master logged: printed with
    /// a failed assertion about that host, so that a failure on a CI machine explains itself.
    fn post_mortem(&self, host: &str) -> String {
        let Some(addr) = host
            .strip_prefix("app")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.addrs.get(n.wrapping_sub(1)))
        else {
            return format!("no such host: {host}");
        };
        let mut text = String::new();
        // `Connection from PEER port N on ADDR port P`; the connection's later lines name only
        // `PEER port N`.
        let on = format!(" on {addr} port ");
        for d in std::iter::once(&self.bastion).chain(&self.targets) {
            let log = d.log();
            let peers: Vec<&str> = log
                .lines()
                .filter_map(|l| l.split_once("Connection from ")?.1.split_once(&on))
                .map(|(peer, _)| peer)
                .collect();
            for l in log.lines() {
                if l.contains(&on) || peers.iter().any(|p| Fleet::names(l, p)) {
                    text += &format!("sshd: {l}\n");
                }
            }
        }
        let ctl = self.lab.path().join("ctl");
        for e in std::fs::read_dir(&ctl).into_iter().flatten().flatten() {
            let meta = std::fs::read_to_string(e.path()).unwrap_or_default();
            if e.path().extension().is_some_and(|x| x == "meta")
                && meta.contains(&format!("\"inventory_host\":\"{host}\""))
            {
                let log = std::fs::read_to_string(e.path().with_extension("log"));
                text += &format!("master log: {}\n", log.unwrap_or_else(|e| e.to_string()));
            }
        }
        text
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = self.stackctl(&["close"]);
    }
}

#[test]
fn many_targets_behind_a_stock_bastion_share_one_bastion_connection() {
    // 50 targets in worker processes (classic) with one and two multiplexers, and one process (inline).
    for (model, muxes) in [("classic", "1"), ("classic", "2"), ("inline", "1")] {
        one_bastion_connection(model, muxes);
    }
}

fn one_bastion_connection(model: &str, muxes: &str) {
    let fleet = Fleet::start();
    let (code, out, err) = fleet.stackctl(&[
        "exec",
        "app",
        "--worker-model",
        model,
        "--muxes",
        muxes,
        "--format",
        "json",
        "--",
        "echo $SSH_CONNECTION",
    ]);
    assert_eq!(code, Some(0), "{err}\n{out}");
    let mut seen = Vec::new();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json line");
        assert_eq!(v["status"], "ok", "{l}");
        let host = v["host"].as_str().expect("host").to_string();
        let n: usize = host[3..].parse().expect("appNN");
        // Each target answered from its own address.
        let server_addr = v["stdout"]
            .as_str()
            .and_then(|s| s.split_whitespace().nth(2))
            .map(String::from);
        assert_eq!(
            server_addr.as_deref(),
            Some(fleet.addrs[n - 1].as_str()),
            "{l}"
        );
        seen.push(host);
    }
    assert_eq!(seen.len(), TARGETS);
    assert_eq!(err, format!("stackctl: {TARGETS} hosts: {TARGETS} ok\n"));
    assert_eq!(
        fleet.bastion.accepted(),
        1,
        "bastion log:\n{}",
        fleet.bastion.log()
    );
    // One command on the bastion's connection per multiplexer's pool that tunnels through it
    // (one for inline): sshd turns Nagle off on a connection only when a session on it runs a
    // command, and a tunnel-only connection made each command that printed and exited wait out
    // a delayed ACK (about 40 ms).
    let muxes: usize = muxes.parse().expect("muxes");
    let started = fleet.bastion.commands_started();
    assert!(
        (1..=muxes).contains(&started),
        "{started} commands on the bastion:\n{}",
        fleet.bastion.log()
    );
}

#[test]
fn a_dead_bastion_makes_every_host_unreachable_naming_hop_0() {
    let mut fleet = Fleet::start();
    fleet.bastion.kill();
    let start = Instant::now();
    let (code, out, err) = fleet.stackctl(&["exec", "app", "--gather", "--", "true"]);
    // A generous bound against hangs, not a timing assertion.
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.ends_with(&format!(
            "stackctl: {TARGETS} hosts: 0 ok, {TARGETS} unreachable (app[01-{TARGETS}])\n"
        )),
        "{err}"
    );
    // One block for all: the same error, naming hop 0, for every host.
    let head = out.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        head.starts_with(&format!(
            "app[01-{TARGETS}] (unreachable: hop 0 (ssh on bastion): "
        )),
        "{out}"
    );
    assert!(head.contains("Connection refused"), "{head}");
}

#[test]
fn a_bastion_dying_mid_run_makes_every_host_unreachable_naming_hop_0() {
    // worker-model.md, "Connection service rules": a dead hop fails every task that uses it,
    // as unreachable, naming that hop. Classic and inline.
    for model in ["classic", "inline"] {
        let mut fleet = Fleet::start();
        let marker = format!("46.{}", std::process::id());
        let child = fleet.spawn(&[
            "exec",
            "app",
            "--worker-model",
            model,
            "--format",
            "json",
            "-f",
            &TARGETS.to_string(),
            "--",
            &format!("sleep {marker}"),
        ]);
        await_sleepers(&marker, TARGETS);
        fleet.bastion.kill();
        let o = child.wait_with_output().expect("wait");
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert_eq!(o.status.code(), Some(4), "{model}: {err}");
        let mut n = 0;
        for l in out.lines() {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            assert_eq!(
                (&v["status"], &v["hop"]),
                (&"unreachable".into(), &0.into()),
                "{model}: {l}"
            );
            let error = v["error"].as_str().unwrap_or_default();
            assert!(
                error.starts_with("hop 0 (ssh on bastion): connection lost while the command ran"),
                "{model}: {l}"
            );
            n += 1;
        }
        assert_eq!(n, TARGETS, "{model}: {out}");
        assert!(
            err.ends_with(&format!(
                "stackctl: {TARGETS} hosts: 0 ok, {TARGETS} unreachable (app[01-{TARGETS}])\n"
            )),
            "{model}: {err}"
        );
        // The targets' commands lost their connection but not their lives (no pty): end them.
        let _ = Command::new("pkill")
            .args(["-f", &format!("^sleep {marker}$")])
            .status();
    }
}

fn ps_args() -> String {
    let o = Command::new("ps")
        .args(["-eo", "pid,ppid,args"])
        .output()
        .expect("ps");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn multiplexers_are_titled_and_gone_after_the_run() {
    // `--muxes 2`, and STACKCTL_CPU_COUNT=2 with no option.
    for by_env in [false, true] {
        two_multiplexers(by_env);
    }
}

fn two_multiplexers(by_env: bool) {
    let fleet = Fleet::start();
    let muxes: &[&str] = if by_env { &[] } else { &["--muxes", "2"] };
    let args = [&["exec", "app"][..], muxes, &["--", "sleep 2"]].concat();
    let mut cmd = fleet.command(&args);
    if by_env {
        cmd.env("STACKCTL_CPU_COUNT", "2");
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let me = child.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    let titles = ["stackctl: mux:0", "stackctl: mux:1", "stackctl: worker:app"];
    let mut seen: Vec<Option<u32>> = vec![None; titles.len()];
    while seen.iter().any(Option::is_none) && Instant::now() < deadline {
        for (t, s) in titles.iter().zip(seen.iter_mut()) {
            *s = s.or_else(|| support::titled_below(me, t));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for (t, s) in titles.iter().zip(&seen) {
        assert!(s.is_some(), "no {t:?} below the run:\n{}", ps_args());
    }
    let run = support::descendants(me);
    assert_eq!(child.wait().expect("wait").code(), Some(0));
    let left = support::stackctl_still_running(&run);
    assert!(left.is_empty(), "processes of the run left: {left:?}");
}

#[test]
fn sigint_ends_workers_and_muxes_and_exits_99() {
    let fleet = Fleet::start();
    // Unique to this run: other tests (and runs) may sleep too.
    let marker = format!("45.{}", std::process::id());
    let child = fleet.spawn(&[
        "exec",
        "app",
        "--muxes",
        "2",
        "-f",
        &TARGETS.to_string(),
        "--",
        &format!("sleep {marker}"),
    ]);
    await_sleepers(&marker, TARGETS);
    let run = support::descendants(child.id());
    sigint(&child);
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    // The fork server, workers and muxes are gone (the masters persist, as asked: they are
    // not our children).
    let left = support::stackctl_still_running(&run);
    assert!(left.is_empty(), "processes of the run left: {left:?}");
    // The remote commands were ended where they ran (execution.md §4): no `sleep` is left.
    assert_eq!(sleepers(&marker), 0, "{}", ps_args());
}

/// Waits (a bound against hangs, not a timing) until `n` targets run `sleep MARKER`.
fn await_sleepers(marker: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while sleepers(marker) < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(sleepers(marker), n, "every target runs the command");
}

/// Ctrl-C, as a terminal would send it.
fn sigint(child: &std::process::Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("kill");
}

/// How many `sleep MARKER` processes run on this machine (the targets are on loopback).
fn sleepers(marker: &str) -> usize {
    ps_args()
        .lines()
        .filter(|l| l.split_whitespace().skip(2).collect::<Vec<_>>() == ["sleep", marker])
        .count()
}

#[test]
fn a_command_timeout_kills_the_remote_command() {
    // Classic and inline; the remote `sleep` runs in a compound command, so killing the login
    // shell alone would leave it behind: the whole process group must go. The clock starts
    // when the command does, after the login shell's rc files: 50 logins at once on a loaded
    // machine may take longer than the timeout itself, and every host still prints `started`.
    // (-T 30: a login that never reached the command would be stopped 3 + 30 s after it began.)
    for model in ["classic", "inline"] {
        let fleet = Fleet::start();
        let marker = format!("47.{}", std::process::id());
        let (code, out, err) = fleet.stackctl(&[
            "exec",
            "app",
            "--worker-model",
            model,
            "--command-timeout",
            "3",
            "-T",
            "30",
            "-f",
            &TARGETS.to_string(),
            "--format",
            "json",
            "--",
            &format!("echo started; sleep {marker}; echo not reached"),
        ]);
        assert_eq!(code, Some(2), "{model}: {err}");
        let hosts = timed_out_after_starting(&fleet, &out, 3, model);
        assert_eq!(hosts.len(), TARGETS, "{model}: {out}");
        assert!(
            err.ends_with(&format!(
                "stackctl: {TARGETS} hosts: 0 ok, {TARGETS} failed (app[01-{TARGETS}])\n"
            )),
            "{model}: {err}"
        );
        assert_eq!(sleepers(&marker), 0, "{model}: {}", ps_args());
    }
}

/// The hosts of `--format json` output, each asserted failed by a command timeout of `secs`
/// after its command printed `started`, with no exit status and no pid line shown (stderr may
/// hold what the account's rc files print).
fn timed_out_after_starting(fleet: &Fleet, out: &str, secs: u64, context: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json line");
        let host = v["host"].as_str().unwrap_or_default();
        assert_eq!(
            (&v["status"], &v["rc"], &v["error"], &v["stdout"]),
            (
                &"failed".into(),
                &serde_json::Value::Null,
                &format!("command timed out after {secs}s").into(),
                &"started\n".into()
            ),
            "{context}: {l}\n{}",
            fleet.post_mortem(host)
        );
        let stderr = v["stderr"].as_str().unwrap_or_default();
        assert!(!stderr.contains("stackctl-"), "{context}: {l}");
        hosts.push(host.to_string());
    }
    hosts
}

#[test]
fn a_worker_runs_its_next_task_after_a_slow_kill_session() {
    // Two workers, four hosts: each worker kills a timed-out command, then takes the next task.
    // The targets take 11 s to start a `kill -TERM` (a ForceCommand wrapper; every other
    // command runs as usual), longer than stackctl waits for one (8 s): that session is still
    // open on the master when the worker's next task arrives, and the worker must still get it
    // and run it. SIGKILL, 2 s later, is quick and ends each command.
    let wrapper = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .tempfile()
        .expect("wrapper");
    std::fs::write(
        wrapper.path(),
        "#!/bin/sh\ncase \"$SSH_ORIGINAL_COMMAND\" in *'kill -TERM'*) sleep 11;; esac\n\
         exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n",
    )
    .expect("write wrapper");
    let wrapper = wrapper.into_temp_path();
    let fleet = Fleet::with_targets(4, &[format!("ForceCommand {}", wrapper.display())]);
    let marker = format!("50.{}", std::process::id());
    let mut child = fleet.spawn(&[
        "exec",
        "app",
        "--command-timeout",
        "2",
        "-T",
        "30",
        "-f",
        "2",
        "--format",
        "json",
        "--",
        &format!("echo started; sleep {marker}"),
    ]);
    // A deadline only turns a hang into a failure.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run did not end: {}", ps_args());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = child.wait_with_output().expect("output");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    let mut hosts = timed_out_after_starting(&fleet, &out, 2, "");
    hosts.sort();
    assert_eq!(hosts, ["app01", "app02", "app03", "app04"]);
    assert_eq!(sleepers(&marker), 0, "{}", ps_args());
}

#[test]
fn a_group_found_gone_by_sigterm_gets_no_sigkill() {
    // The login shell leaves at once, and a child of its own session holds the channel open:
    // at the timeout the command still runs, as far as the channel tells, but its process
    // group is gone. `kill -TERM -PID` finds no group; the bare pid is not signalled (by then
    // it may be another process's), and no `kill -KILL` follows. A ForceCommand wrapper logs
    // every command the targets are asked to run.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("commands.log");
    let wrapper = dir.path().join("wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$SSH_ORIGINAL_COMMAND\" >> '{}'\n\
             exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n",
            log.display()
        ),
    )
    .expect("write wrapper");
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let fleet = Fleet::with_targets(2, &[format!("ForceCommand {}", wrapper.display())]);
    let marker = format!("5.{}", std::process::id());
    for model in ["classic", "inline"] {
        let _ = std::fs::remove_file(&log);
        let (code, out, err) = fleet.stackctl(&[
            "exec",
            "app",
            "--worker-model",
            model,
            "--command-timeout",
            "1",
            "--format",
            "json",
            "--",
            &format!("echo started; setsid sleep {marker} & exit 0"),
        ]);
        let _ = Command::new("pkill")
            .args(["-f", &format!("^sleep {marker}$")])
            .status();
        assert_eq!(code, Some(2), "{model}: {out}{err}");
        assert_eq!(
            timed_out_after_starting(&fleet, &out, 1, model).len(),
            2,
            "{out}"
        );
        let commands = std::fs::read_to_string(&log).expect("log");
        let kills: Vec<&str> = commands.lines().filter(|l| l.contains("kill -")).collect();
        assert_eq!(
            kills.len(),
            2,
            "{model}: one kill -TERM per host: {commands}"
        );
        for k in kills {
            assert!(
                k.starts_with("sh -c 'kill -TERM -") && !k.contains("||"),
                "{model}: {commands}"
            );
        }
    }
}

#[test]
fn sigint_on_one_host_closes_the_channel_as_ssh_does() {
    // One host keeps plain ssh's behaviour and latency (`Stop::channel_only`): Ctrl-C ends the
    // run at once with 99; its remote command, without a terminal, is not signalled.
    let fleet = Fleet::start();
    let marker = format!("48.{}", std::process::id());
    let child = fleet.spawn(&["exec", "app01", "--", &format!("sleep {marker}; true")]);
    await_sleepers(&marker, 1);
    sigint(&child);
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "stackctl: interrupted\n"
    );
    let _ = Command::new("pkill")
        .args(["-f", &format!("^sleep {marker}$")])
        .status();
}

#[test]
fn persist_zero_ends_the_runs_masters() {
    for model in ["classic", "inline"] {
        let fleet = Fleet::start();
        let (code, _, err) = fleet.stackctl(&[
            "exec",
            "app",
            "--worker-model",
            model,
            "--persist",
            "0",
            "--",
            "true",
        ]);
        assert_eq!(code, Some(0), "{model}: {err}");
        // `close` lists the masters it ends: none are left.
        let (code, out, _) = fleet.stackctl(&["close"]);
        assert_eq!(code, Some(0));
        assert_eq!(out, "", "{model}: masters left after --persist 0");
    }
    // By default they stay for the next run: 1 bastion + 50 targets.
    let fleet = Fleet::start();
    let (code, _, err) = fleet.stackctl(&["exec", "app", "--", "true"]);
    assert_eq!(code, Some(0), "{err}");
    let (_, out, _) = fleet.stackctl(&["close"]);
    assert_eq!(out.lines().count(), TARGETS + 1, "{out}");
}

#[test]
fn target_masters_killed_between_runs_are_replaced_and_each_command_runs_once() {
    // The multiplexer takes a target's existing master on trust (the worker's session is the
    // check): a master killed with SIGKILL leaves its socket behind, the worker's session is
    // refused, and the command runs once, on a new master.
    let fleet = Fleet::start();
    let (code, _, err) = fleet.stackctl(&["exec", "app", "--", "true"]);
    assert_eq!(code, Some(0), "{err}");
    let ctl = fleet.lab.path().join("ctl");
    let mut killed = 0;
    for entry in std::fs::read_dir(&ctl).expect("control dir").flatten() {
        let meta = entry.path();
        if meta.extension().is_none_or(|e| e != "meta") {
            continue;
        }
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&meta).expect("meta")).expect("json");
        if !["app01", "app02", "app03"].contains(&info["inventory_host"].as_str().unwrap_or("")) {
            continue;
        }
        let sock = meta.with_extension("sock");
        let pid = master_pid(&sock);
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("kill");
        while master_answers(&sock) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(sock.exists(), "a killed master leaves its socket behind");
        killed += 1;
    }
    assert_eq!(killed, 3);
    let marker = format!("49.{}", std::process::id());
    let (code, out, err) = fleet.stackctl(&[
        "exec",
        "app",
        "--format",
        "json",
        "--",
        &format!("echo {marker}"),
    ]);
    assert_eq!(code, Some(0), "{err}\n{out}");
    let mut hosts: Vec<String> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            assert_eq!(
                (&v["status"], &v["stdout"]),
                (&"ok".into(), &format!("{marker}\n").into()),
                "{l}"
            );
            v["host"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), TARGETS, "{out}");
}

fn master_answers(sock: &std::path::Path) -> bool {
    Command::new("ssh")
        .args(["-F", "/dev/null", "-S"])
        .arg(sock)
        .args(["-O", "check", "none"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_killed_multiplexer_is_reported_and_the_run_completes() {
    let fleet = Fleet::start();
    let child = fleet.spawn(&["exec", "app", "-f", "2", "--", "sleep 0.5; echo done"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut mux = None;
    while mux.is_none() && Instant::now() < deadline {
        mux = support::titled_below(child.id(), "stackctl: mux:0");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mux = mux.expect("mux 0 in ps") as i32;
    // Let a host finish first (its output line comes when it is done).
    let mut child = child;
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).expect("a host's line");
    assert!(first.ends_with(": done\n"), "{first}");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(mux),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill mux");
    let o = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!(
            "stackctl: multiplexer 0 (process {mux}) killed by signal 9\n"
        )),
        "{err}"
    );
    assert!(err.contains("is gone"), "{err}");
    let summary = err.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("stackctl: {TARGETS} hosts: ")) && !summary.contains(" 0 ok"),
        "{summary}"
    );
}
