//! `stackctl exec PATTERN` on several hosts, end to end with the real binary and no server:
//! `local` hosts, hosts behind a sudo hop (as root) and a stand-in `docker` that fails (an
//! unreachable hop). Output is checked byte for byte: `host: line` prefixing, `--gather`
//! blocks, `--format json`, `--outdir` files, 1 MiB without a trailing newline, the summary,
//! exit statuses 0/2/4, `--command-timeout` and Ctrl-C (99, nothing left running).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_stackctl");

const INVENTORY: &str = "\
[web]
web01 ansible_connection=local
web02 ansible_connection=local
web03 ansible_connection=local
web07 ansible_connection=local
[box]
box1 ansible_connection=docker
box2 ansible_connection=docker
[nobody]
asnobody1 ansible_connection=local ansible_become=yes ansible_become_user=nobody
asnobody2 ansible_connection=local ansible_become=yes ansible_become_user=nobody
";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { nix::libc::geteuid() == 0 }
}

fn setup(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("inv"), INVENTORY).expect("write inventory");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let docker = bin.join("docker");
    std::fs::write(
        &docker,
        "#!/bin/sh\necho 'Error: no such container' >&2\nexit 1\n",
    )
    .expect("write docker");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let bin = setup(dir);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env("HOME", dir)
        .env("CI", "true")
        .env("PATH", path)
        .env_remove("ANSIBLE_FORKS")
        .args(["-i", "inv", "exec"])
        .args(args)
        .stdin(Stdio::null());
    c
}

fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    command(dir.path(), args).output().expect("run stackctl")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn lines_are_prefixed_on_their_stream_and_a_last_partial_line_is_completed() {
    let o = run(&[
        "web",
        "-f",
        "1",
        "--",
        "printf 'a\\nb'; printf 'e1\\ne2\\n' >&2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let mut expect_out = String::new();
    let mut expect_err = String::new();
    for h in ["web01", "web02", "web03", "web07"] {
        expect_out += &format!("{h}: a\n{h}: b\n");
        expect_err += &format!("{h}: e1\n{h}: e2\n");
    }
    assert_eq!(out(&o), expect_out);
    assert_eq!(err(&o), expect_err + "stackctl: 4 hosts: 4 ok\n");
}

#[test]
fn gather_folds_identical_results_under_a_compact_host_list() {
    let o = run(&["web:box", "--gather", "--", "echo same; echo warn >&2"]);
    assert_eq!(o.status.code(), Some(4), "{}", err(&o));
    assert_eq!(
        out(&o),
        "---------------\nweb[01-03,07]\n---------------\nsame\n\
         -------------------------------------------------------------\n\
         box1 (unreachable: hop 0 (docker on box1): Error: no such container)\n\
         -------------------------------------------------------------\n\
         -------------------------------------------------------------\n\
         box2 (unreachable: hop 0 (docker on box2): Error: no such container)\n\
         -------------------------------------------------------------\n"
            .replace(
                "-------------------------------------------------------------",
                &"-".repeat(68)
            )
    );
    assert_eq!(
        err(&o),
        "---------------\nweb[01-03,07]\n---------------\nwarn\n\
         stackctl: 6 hosts: 4 ok, 2 unreachable (box[1-2])\n"
    );
}

#[test]
fn gather_separates_different_output_and_status() {
    let o = run(&[
        "web01:web02:web03",
        "--gather",
        "--",
        "test -f /nonexistent-$PPID-x; echo x",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), "---------------\nweb[01-03]\n---------------\nx\n");
    let o = run(&["web", "--gather", "--", "exit 3"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        out(&o),
        "----------------------------\nweb[01-03,07] (failed, rc=3)\n----------------------------\n"
    );
    assert_eq!(
        err(&o),
        "stackctl: 4 hosts: 0 ok, 4 failed (web[01-03,07])\n"
    );
}

#[test]
fn hosts_behind_a_sudo_hop_run_as_that_user() {
    if !is_root() {
        eprintln!("skipped: needs root for a password-less sudo hop");
        return;
    }
    let o = run(&["nobody:web01", "--gather", "--", "id -un"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "---------------\nasnobody[1-2]\n---------------\nnobody\n\
         ---------------\nweb01\n---------------\nroot\n"
    );
}

#[test]
fn json_is_one_object_per_host_per_line() {
    let o = run(&[
        "web01:web02:box1",
        "-f",
        "1",
        "--format",
        "json",
        "--",
        "printf 'o\\n'; printf e >&2; exit 1",
    ]);
    assert_eq!(o.status.code(), Some(4));
    let lines: Vec<serde_json::Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    let mut by_host = std::collections::BTreeMap::new();
    for mut v in lines {
        let keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "host",
                "status",
                "rc",
                "stdout",
                "stderr",
                "hop",
                "error",
                "duration_ms"
            ]
        );
        assert!(v["duration_ms"].is_u64());
        v.as_object_mut().unwrap().remove("duration_ms");
        by_host.insert(v["host"].as_str().unwrap().to_string(), v);
    }
    assert_eq!(
        by_host["web01"],
        serde_json::json!({"host": "web01", "status": "failed", "rc": 1, "stdout": "o\n",
            "stderr": "e", "hop": null, "error": null})
    );
    assert_eq!(
        by_host["box1"],
        serde_json::json!({"host": "box1", "status": "unreachable", "rc": null, "stdout": "",
            "stderr": "", "hop": 0,
            "error": "hop 0 (docker on box1): Error: no such container"})
    );
    assert_eq!(
        err(&o),
        "stackctl: 3 hosts: 0 ok, 2 failed (web[01-02]), 1 unreachable (box1)\n"
    );
}

#[test]
fn outdir_holds_each_hosts_output_and_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = command(
        dir.path(),
        &[
            "web01:box1",
            "--outdir",
            "res",
            "--",
            "echo out; echo err >&2; exit 5",
        ],
    )
    .output()
    .expect("run");
    assert_eq!(o.status.code(), Some(4));
    let read = |f: &str| std::fs::read_to_string(dir.path().join("res").join(f)).expect(f);
    assert_eq!(read("web01.out"), "out\n");
    assert_eq!(read("web01.err"), "err\n");
    assert_eq!(read("web01.rc"), "5\n");
    assert_eq!(read("box1.out"), "");
    assert_eq!(read("box1.rc"), "255\n");
}

#[test]
fn one_mebibyte_without_newline_arrives_whole() {
    const N: usize = 1 << 20;
    let cmd = format!("head -c {N} /dev/zero | tr '\\0' x");
    let o = run(&["web01:web02", "-f", "1", "--", &cmd]);
    assert_eq!(o.status.code(), Some(0));
    let line = "x".repeat(N);
    assert_eq!(out(&o), format!("web01: {line}\nweb02: {line}\n"));

    let o = run(&["web01:web02", "--format", "json", "--", &cmd]);
    for l in out(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json");
        assert_eq!(v["stdout"].as_str().map(str::len), Some(N));
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let o = command(
        dir.path(),
        &["web01:web02", "--gather", "--outdir", "r", "--", &cmd],
    )
    .output()
    .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        out(&o),
        format!("---------------\nweb[01-02]\n---------------\n{line}\n")
    );
    let f = std::fs::read(dir.path().join("r/web02.out")).expect("out file");
    assert_eq!(f.len(), N);
}

#[test]
fn forks_come_from_ansible_forks_when_not_given() {
    // Four hosts sleeping 1 s with one fork take ≥ 4 s; with the default they overlap.
    let dir = tempfile::tempdir().expect("tempdir");
    let start = Instant::now();
    let o = command(dir.path(), &["web", "--", "sleep 1"])
        .env("ANSIBLE_FORKS", "1")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        start.elapsed() >= Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

fn running(marker: &str) -> bool {
    Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false)
}

#[test]
fn command_timeout_kills_the_command_and_fails_the_host() {
    let start = Instant::now();
    let o = run(&[
        "web01:web02",
        "--command-timeout",
        "1",
        "--format",
        "json",
        "--",
        "sleep 37.25; echo late",
    ]);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    for l in out(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json");
        assert_eq!(v["status"], "failed");
        assert_eq!(v["error"], "command timed out after 1s");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !running("^sleep 37.25$"),
        "the timed-out command is still running"
    );
}

#[test]
fn sigint_ends_every_command_and_exits_99() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = command(dir.path(), &["web", "--", "sleep 41.75"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !running("^sleep 41.75$") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("kill");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    assert!(err(&o).ends_with("stackctl: interrupted\n"), "{}", err(&o));
    std::thread::sleep(Duration::from_millis(200));
    assert!(!running("^sleep 41.75$"), "a command outlived the run");
}

#[test]
fn the_inline_model_gives_the_same_output() {
    for how in ["flag", "env"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let model: &[&str] = if how == "flag" {
            &["--worker-model", "inline"]
        } else {
            &[]
        };
        let args = [
            &["web", "-f", "1"][..],
            model,
            &["--", "printf 'a\\nb'; printf 'e1\\n' >&2"][..],
        ]
        .concat();
        let mut c = command(dir.path(), &args);
        if how == "env" {
            c.env("STACKCTL_WORKER_MODEL", "inline");
        }
        let o = c.output().expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let mut expect_out = String::new();
        for h in ["web01", "web02", "web03", "web07"] {
            expect_out += &format!("{h}: a\n{h}: b\n");
        }
        assert_eq!(out(&o), expect_out);
    }
}

#[test]
fn sigint_with_the_inline_model_ends_every_command_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = command(
        dir.path(),
        &["web", "--worker-model", "inline", "--", "sleep 43.25"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !running("^sleep 43.25$") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("kill");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    std::thread::sleep(Duration::from_millis(200));
    assert!(!running("^sleep 43.25$"), "a command outlived the run");
}

fn ps() -> String {
    let o = Command::new("ps")
        .args(["-eo", "pid,comm,args"])
        .output()
        .expect("ps");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The process below `root` whose args start with `args_prefix` (other tests run in parallel;
/// workers are the children of the run's fork server, itself a child of the top process).
fn pid_of(root: u32, args_prefix: &str) -> Option<i32> {
    let o = Command::new("ps")
        .args(["-eo", "pid,ppid,args"])
        .output()
        .expect("ps");
    let table: Vec<(u32, u32, String)> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let pid = f.next()?.parse().ok()?;
            let ppid = f.next()?.parse().ok()?;
            Some((pid, ppid, f.collect::<Vec<_>>().join(" ")))
        })
        .collect();
    let parent = |pid: u32| table.iter().find(|p| p.0 == pid).map(|p| p.1);
    let below_root = |mut pid: u32| {
        for _ in 0..8 {
            match parent(pid) {
                Some(p) if p == root => return true,
                Some(p) if p > 1 => pid = p,
                _ => return false,
            }
        }
        false
    };
    table
        .iter()
        .find(|(pid, _, args)| args.starts_with(args_prefix) && below_root(*pid))
        .and_then(|(pid, _, _)| i32::try_from(*pid).ok())
}

#[test]
fn workers_are_titled_per_host_in_ps_args_and_comm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = command(dir.path(), &["web01:web02", "--", "sleep 44.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while pid_of(child.id(), "stackctl: worker:web02").is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let table = ps();
    let line = |pid: u32| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(&pid.to_string()))
            .map(String::from)
    };
    let top = line(child.id()).expect("top in ps");
    let server = pid_of(child.id(), "stackctl: forkserver").expect("fork server in ps");
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("kill");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    assert!(top.contains(" stackctl: top "), "{top}");
    let server = line(server.unsigned_abs()).expect("fork server in ps");
    assert!(server.contains(" stk:forkserver "), "comm: {server}");
    for h in ["web01", "web02"] {
        let w = table
            .lines()
            .find(|l| l.contains(&format!("stackctl: worker:{h}")))
            .unwrap_or_else(|| panic!("no worker for {h} in\n{table}"));
        assert!(w.contains(&format!(" stk:w:{h} ")), "comm: {w}");
    }
}

#[test]
fn a_sigkilled_worker_fails_its_host_and_the_run_completes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let child = command(dir.path(), &["web", "--", "sleep 2; echo done"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut victim = None;
    while victim.is_none() && Instant::now() < deadline {
        victim = pid_of(child.id(), "stackctl: worker:web02");
        std::thread::sleep(Duration::from_millis(20));
    }
    let victim = victim.expect("worker for web02");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(victim),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill worker");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let mut lines: Vec<&str> = std::str::from_utf8(&o.stdout)
        .expect("utf8")
        .lines()
        .collect();
    lines.sort();
    assert_eq!(lines, ["web01: done", "web03: done", "web07: done"]);
    let e = err(&o);
    assert!(
        e.contains(&format!(
            "web02: stackctl: worker process {victim} running web02 killed by signal 9\n"
        )),
        "{e}"
    );
    assert!(
        e.ends_with("stackctl: 4 hosts: 3 ok, 1 failed (web02)\n"),
        "{e}"
    );
}

#[test]
fn sigint_with_queued_hosts_starts_no_new_worker() {
    // One fork, four hosts: three are still queued when the signal comes.
    let dir = tempfile::tempdir().expect("tempdir");
    let child = command(dir.path(), &["web", "-f", "1", "--", "sleep 46.25"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !running("^sleep 46.25$") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let start = Instant::now();
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("kill");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(99));
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!running("^sleep 46.25$"), "a command outlived the run");
}

#[test]
fn a_fork_server_or_worker_whose_parent_is_already_gone_exits_at_once() {
    // Both set their own parent-death signal, which does not fire for a parent that died
    // before: each is told its parent's pid (here 1, never its parent) and must notice.
    for hidden in ["__forkserver", "__worker"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_stackctl"))
            .args([hidden, "1"])
            .stdin(std::process::Stdio::piped())
            .output()
            .expect("run stackctl");
        assert_eq!(o.status.code(), Some(99), "{hidden}");
    }
}

#[test]
fn the_workers_allocator_setting_does_not_reach_the_command() {
    // Workers are started with an allocator tuning variable, which they drop before running
    // anything: the user's command sees the environment stackctl itself was given.
    let o = run(&["web", "--format", "json", "--", "env"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("HOME="), "{text}");
    assert!(!text.contains("MIMALLOC"), "{text}");
}
