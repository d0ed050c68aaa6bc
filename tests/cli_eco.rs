//! The ecosystem around the resolver: `graph`, `ssh-config`, `--color`, shell completion and
//! man pages. Goldens live in `tests/eco/`; `STACKCTL_UPDATE_GOLDENS=1 cargo test --test
//! cli_eco` rewrites them (review the diff: they were checked by hand against the inventories).
//! Tools that may be missing (graphviz, groff) make their test print why it is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn eco(rel: &str) -> PathBuf {
    root().join("tests/eco").join(rel)
}

/// Runs stackctl in `dir` with a fixed HOME (so `~` expands the same everywhere).
fn stackctl_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stackctl"));
    c.args(args)
        .current_dir(dir)
        .env("HOME", "/home/op")
        .env_remove("ANSIBLE_CONFIG")
        .env_remove("ANSIBLE_INVENTORY")
        .env_remove("NO_COLOR")
        .env_remove("COMPLETE")
        .env("CI", "true")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run stackctl")
}

fn stackctl(dir: &str, args: &[&str]) -> Output {
    stackctl_in(&eco(dir), args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn golden(path: &Path, actual: &str) {
    if std::env::var_os("STACKCTL_UPDATE_GOLDENS").is_some() {
        std::fs::write(path, actual).expect("write golden");
        return;
    }
    let expected =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert_eq!(actual, expected, "differs from {}", path.display());
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

// ---------------------------------------------------------------- graph

#[test]
fn graph_text_golden() {
    let o = stackctl("graph", &["graph", "-i", "hosts.ini"]);
    golden(&eco("graph/expected.txt"), &stdout(&o));
    // Unresolvable hosts are listed, on stderr too, and make the exit status 1.
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("lost: mitogen_via=nowhere of lost specifies an unknown hostname"));
    assert!(err.contains("loop1: mitogen_via=loop2 of loop1 creates a cycle"));
}

#[test]
fn graph_dot_golden_and_graphviz_accepts_it() {
    let o = stackctl("graph", &["graph", "-i", "hosts.ini", "--format", "dot"]);
    assert_eq!(o.status.code(), Some(1));
    let dot = stdout(&o);
    golden(&eco("graph/expected.dot"), &dot);
    if !have("dot", "-V") {
        eprintln!("skipped: graphviz `dot` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("g.dot");
    std::fs::write(&file, &dot).expect("write dot");
    let r = Command::new("dot")
        .args(["-Tsvg", "-o"])
        .arg(dir.path().join("g.svg"))
        .arg(&file)
        .output()
        .expect("run dot");
    assert!(
        r.status.success(),
        "dot: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(
        r.stderr.is_empty(),
        "dot warned: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn graph_of_a_pattern_that_resolves_exits_zero() {
    let o = stackctl("graph", &["graph", "-i", "hosts.ini", "web:&bastions"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let o = stackctl("graph", &["graph", "-i", "hosts.ini", "web"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "ssh ops@10.0.0.1 [bastion-a]\n\
         ├── ssh deploy@10.1.1.1 [web1] => web1\n\
         └── ssh deploy@10.1.1.2 [web2]\n    \
             └── sudo as root [web2] => web2\n\
         ssh ops@10.0.0.2:2200 [bastion-b]\n\
         └── ssh deploy@10.2.1.3 [web3] => web3\n"
    );
}

// ---------------------------------------------------------------- ssh-config

#[test]
fn ssh_config_golden() {
    let o = stackctl("ssh", &["ssh-config", "-i", "hosts.ini"]);
    golden(&eco("ssh/expected.ssh_config"), &stdout(&o));
    // `gone` does not resolve: exit 1; non-ssh hosts are skipped with a warning.
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("[WARNING]: sudoer: skipped: hop 2 (sudo as root, from sudoer)"));
    assert!(err.contains("[WARNING]: box: skipped: hop 1 (docker deploy@box, from box)"));
}

/// `ssh -G` prints the options ssh would use, lower-cased keywords, without connecting.
fn ssh_effective(config: &Path, host: &str) -> std::collections::HashMap<String, String> {
    let o = Command::new("ssh")
        .arg("-G")
        .arg("-F")
        .arg(config)
        .arg(host)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run ssh -G");
    assert!(
        o.status.success(),
        "ssh -G {host}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn ssh_config_is_what_openssh_computes() {
    if !have("ssh", "-V") {
        eprintln!("skipped: the OpenSSH client is not installed");
        return;
    }
    let o = stackctl("ssh", &["ssh-config", "-i", "hosts.ini", "app:jumps"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("config");
    std::fs::write(&cfg, stdout(&o)).expect("write config");
    // (host, hostname, user, port, proxyjump)
    let cases = [
        ("jump", "203.0.113.10", "ops", "2222", None),
        // jump as an intermediary uses the global timeout, so it is its own block.
        ("jump~via", "203.0.113.10", "ops", "2222", None),
        ("inner", "10.0.0.5", "deploy", "22", Some("jump~via")),
        ("app1", "10.0.1.1", "deploy", "22", Some("jump~via")),
        ("app2", "10.0.1.2", "deploy", "2201", Some("inner")),
        ("app3", "app3.example.net", "admin", "22", None),
    ];
    for (host, hostname, user, port, jump) in cases {
        let g = ssh_effective(&cfg, host);
        assert_eq!(
            g.get("hostname").map(String::as_str),
            Some(hostname),
            "{host}"
        );
        assert_eq!(g.get("user").map(String::as_str), Some(user), "{host}");
        assert_eq!(g.get("port").map(String::as_str), Some(port), "{host}");
        assert_eq!(g.get("proxyjump").map(String::as_str), jump, "{host}");
    }
    let jump = ssh_effective(&cfg, "jump");
    assert_eq!(jump.get("connecttimeout").map(String::as_str), Some("5"));
    assert_eq!(
        jump.get("identityfile").map(String::as_str),
        Some("/home/op/.ssh/jump_key")
    );
    let inner = ssh_effective(&cfg, "inner");
    assert_eq!(
        inner.get("stricthostkeychecking").map(String::as_str),
        Some("false")
    );
    assert_eq!(
        inner.get("userknownhostsfile").map(String::as_str),
        Some("/dev/null")
    );
    let app2 = ssh_effective(&cfg, "app2");
    assert_eq!(app2.get("forwardagent").map(String::as_str), Some("yes"));
    assert_eq!(app2.get("addressfamily").map(String::as_str), Some("inet"));
    assert_eq!(app2.get("sendenv").map(String::as_str), Some("LANG"));
    assert_eq!(
        app2.get("remoteforward").map(String::as_str),
        Some("8080 [localhost]:80")
    );
    // Mitogen's own -o StrictHostKeyChecking comes before ssh_args: the first value wins.
    let app3 = ssh_effective(&cfg, "app3");
    assert_eq!(
        app3.get("stricthostkeychecking").map(String::as_str),
        Some("true")
    );
    assert_eq!(app3.get("controlmaster").map(String::as_str), Some("false"));

    // A first hop's ProxyCommand is kept whole; a proxied hop's is not translated (Mitogen
    // runs it on the previous hop), so ProxyJump stays in charge.
    let o = stackctl("ssh", &["ssh-config", "-i", "hosts.ini", "aws"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(&cfg, stdout(&o)).expect("write config");
    let aws1 = ssh_effective(&cfg, "aws1");
    assert_eq!(
        aws1.get("proxycommand").map(String::as_str),
        Some("aws ssm start-session --target %h")
    );
    let aws2 = ssh_effective(&cfg, "aws2");
    assert_eq!(aws2.get("proxyjump").map(String::as_str), Some("aws1"));
    assert_eq!(aws2.get("proxycommand"), None);
}

// ---------------------------------------------------------------- colour

#[test]
fn color_option_and_no_color() {
    let d = eco("graph");
    let args = |c: &'static str| vec!["resolve", "-i", "hosts.ini", "web1", c];
    let always = stackctl_in(&d, &args("--color=always"), &[]);
    assert!(stdout(&always).contains('\u{1b}'), "always styles");
    assert!(stdout(&always).contains('│'), "always uses the UTF-8 style");
    // An explicit --color=always wins over NO_COLOR (no-color.org).
    let forced = stackctl_in(&d, &args("--color=always"), &[("NO_COLOR", "1")]);
    assert!(stdout(&forced).contains('\u{1b}'));
    for c in ["--color=never", "--color=auto"] {
        let o = stackctl_in(&d, &args(c), &[("NO_COLOR", "1")]);
        assert_eq!(o.status.code(), Some(0));
        assert!(!stdout(&o).contains('\u{1b}'), "{c}");
        assert!(stdout(&o).starts_with("+---"), "{c}: plain ASCII table");
    }
    // Not a terminal: auto is plain too.
    let o = stackctl_in(&d, &["config", "-i", "hosts.ini", "web1"], &[]);
    assert!(!stdout(&o).contains('\u{1b}'));
}

// ---------------------------------------------------------------- completion

fn fish_complete(dir: &Path, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "stackctl"];
    args.extend_from_slice(words);
    let o = stackctl_in(dir, &args, &[("COMPLETE", "fish")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn completes_hosts_and_groups_from_the_inventory_on_the_command_line() {
    let d = eco("graph");
    let got = fish_complete(&d, &["resolve", "-i", "hosts.ini", "web"]);
    assert_eq!(got, ["web1", "web2", "web3"]);
    // -i before the subcommand, and a pattern piece after `:`/`&`.
    let got = fish_complete(&d, &["-i", "hosts.ini", "config", "db"]);
    assert_eq!(got, ["db1"]);
    let got = fish_complete(&d, &["graph", "-i", "hosts.ini", "web:&bas"]);
    assert_eq!(got, ["web:&bastions", "web:&bastion-a", "web:&bastion-b"]);
    let got = fish_complete(&d, &["inventory", "-i", "hosts.ini", "--graph", "con"]);
    assert_eq!(got, ["containers"]);
    // Another inventory gives other names; no inventory gives none (and no error).
    let got = fish_complete(&eco("ssh"), &["config", "-i", "hosts.ini", "app"]);
    assert_eq!(got, ["app1", "app2", "app3"]);
    let got = fish_complete(&d, &["resolve", "-i", "missing.ini", "w"]);
    assert_eq!(got, Vec::<String>::new());
}

#[test]
fn completion_prints_no_inventory_warnings() {
    // `web-servers` makes the INI reader warn about group names; the warning must not land in
    // the user's prompt while completing.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("hosts.ini"), "[web-servers]\nweb1\n").expect("write");
    let o = stackctl_in(dir.path(), &["hosts", "-i", "hosts.ini", "all"], &[]);
    assert!(
        stderr(&o).contains("[WARNING]: Invalid characters"),
        "{}",
        stderr(&o)
    );
    let o = stackctl_in(
        dir.path(),
        &["--", "stackctl", "resolve", "-i", "hosts.ini", "w"],
        &[("COMPLETE", "fish")],
    );
    assert_eq!(stdout(&o), "web1\thost\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn checked_in_completions_are_current() {
    let files = stackctl::generate::completions().expect("generate");
    let stale = stackctl::generate::stale_files(&root().join("completions"), &files);
    assert!(
        stale.is_empty(),
        "stale completion scripts {stale:?}: run `cargo run -- generate completions completions`"
    );
    for (name, body) in &files {
        let text = String::from_utf8_lossy(body);
        assert!(
            !text.contains(&*root().to_string_lossy()),
            "{name} embeds a path"
        );
    }
    // The dynamic scripts call `stackctl` from PATH, not an absolute path.
    let bash = String::from_utf8_lossy(
        &files
            .iter()
            .find(|(n, _)| n == "dynamic/stackctl.bash")
            .expect("bash")
            .1,
    )
    .into_owned();
    assert!(bash.contains("\"stackctl\" -- "));
}

// ---------------------------------------------------------------- man pages

#[test]
fn checked_in_man_pages_are_current() {
    let files = stackctl::generate::man_pages().expect("generate");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for page in [
        "stackctl.1",
        "stackctl-resolve.1",
        "stackctl-graph.1",
        "stackctl-ssh-config.1",
        "stackctl-variables.7",
    ] {
        assert!(names.contains(&page), "{page} missing from {names:?}");
    }
    assert!(
        !names.contains(&"stackctl-generate.1"),
        "generate is hidden"
    );
    let stale = stackctl::generate::stale_files(&root().join("man"), &files);
    assert!(
        stale.is_empty(),
        "stale man pages {stale:?}: run `cargo run -- generate man man`"
    );
}

#[test]
fn variables_page_names_every_variable_the_config_builder_reads() {
    let src = std::fs::read_to_string(root().join("src/config/mod.rs")).expect("read config");
    let page = stackctl::generate::VARIABLES_PAGE.replace("\\-", "-");
    let re = regex::Regex::new(r#""((?:ansible|mitogen|stackctl)_[a-z_]+)""#).expect("regex");
    let mut missing: Vec<String> = re
        .captures_iter(&src)
        .map(|c| c[1].to_string())
        .filter(|v| !page.contains(&format!("\\fB{v}\\fR")) && !page.contains(&format!(" {v}")))
        .collect();
    // kubectl options are read as `ansible_<key>`.
    let kre = regex::Regex::new(r#"\("([a-z_]+)", "-"#).expect("regex");
    missing.extend(
        kre.captures_iter(&src)
            .map(|c| format!("ansible_{}", &c[1]))
            .filter(|v| !page.contains(v.as_str())),
    );
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "not documented in stackctl-variables.7: {missing:?}"
    );
}

#[test]
fn man_pages_render_without_warnings() {
    // -k runs preconv, as man(1) does, for the UTF-8 in help texts.
    let (tool, args): (&str, &[&str]) = if have("groff", "-v") {
        ("groff", &["-k", "-man", "-Tutf8", "-ww", "-z"])
    } else if have("mandoc", "-V") {
        ("mandoc", &["-T", "lint", "-W", "warning"])
    } else {
        eprintln!("skipped: neither groff nor mandoc is installed");
        return;
    };
    for entry in std::fs::read_dir(root().join("man")).expect("read man/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            continue;
        }
        let o = Command::new(tool)
            .args(args)
            .arg(&path)
            .output()
            .expect("run the formatter");
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{}: {out}", path.display());
        assert!(out.is_empty(), "{}: {out}", path.display());
    }
}

#[test]
fn checked_in_bash_script_completes_hosts_through_stackctl_on_path() {
    if !have("bash", "--version") {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_stackctl"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = root().join("completions/dynamic/stackctl.bash");
    let o = Command::new("bash")
        .arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(stackctl resolve -i hosts.ini we); COMP_CWORD=4; \
             COMP_TYPE=9; _clap_complete_stackctl stackctl we hosts.ini; echo \"${COMPREPLY[@]}\"",
        )
        .arg("bash")
        .arg(&script)
        .current_dir(eco("graph"))
        .env("PATH", path)
        .env("HOME", "/home/op")
        .env_remove("ANSIBLE_CONFIG")
        .env_remove("ANSIBLE_INVENTORY")
        .output()
        .expect("run bash");
    assert_eq!(stdout(&o), "web1 web2 web3\n", "{}", stderr(&o));
}

#[test]
fn generate_subcommand_writes_the_checked_in_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (what, checked_in) in [("completions", "completions"), ("man", "man")] {
        let out = dir.path().join(what);
        let o = stackctl_in(&root(), &["generate", what, &out.to_string_lossy()], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for line in stdout(&o).lines() {
            let written = Path::new(line);
            let rel = written.strip_prefix(&out).expect("written under DIR");
            let want = std::fs::read(root().join(checked_in).join(rel)).expect("checked in");
            assert_eq!(std::fs::read(written).expect("written"), want, "{line}");
        }
    }
}
