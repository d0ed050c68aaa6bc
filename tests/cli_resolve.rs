//! The resolver as a user meets it: `stackctl resolve/config/hosts/inventory` on small
//! inventories written by each test, asserting on what is printed and the exit status.
//! Behaviour the Mitogen goldens cannot show (Mitogen crashes there) is pinned here.

use std::path::Path;
use std::process::{Command, Output};

fn stackctl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackctl"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("ANSIBLE_CONFIG")
        .env_remove("ANSIBLE_INVENTORY")
        .env("CI", "true")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run stackctl")
}

fn inventory(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("hosts.ini"), text).expect("write inventory");
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_via_host_uses_mitogens_intended_message() {
    // mitogen-stack.md §2.3 and §9: Mitogen 0.3.54 on ansible-core 2.19 crashes here; stackctl
    // gives the message Mitogen means to give, word for word, on stdout in machine formats.
    let d = inventory("web1 mitogen_via=ops@nosuch\n");
    let o = stackctl(
        d.path(),
        &["resolve", "-i", "hosts.ini", "web1", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\n  \"error\": \"mitogen_via=ops@nosuch of web1 specifies an unknown hostname\"\n}\n"
    );
}

#[test]
fn via_cycle_names_the_path() {
    // mitogen-stack.md §2.3: the re-encountered host's own via, its name, the reversed path.
    let d = inventory("a mitogen_via=b\nb mitogen_via=c\nc mitogen_via=a\n");
    let o = stackctl(
        d.path(),
        &["resolve", "-i", "hosts.ini", "a", "--format", "mitogen"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("mitogen_via=b of a creates a cycle (a -> c -> b -> a)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn table_errors_go_to_stderr_only() {
    let d = inventory("web1 mitogen_via=web1\n");
    let o = stackctl(d.path(), &["resolve", "-i", "hosts.ini", "web1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("mitogen_via=web1 of web1 creates a cycle (web1 -> web1)"));
}

#[test]
fn passwords_are_redacted_unless_asked() {
    let d =
        inventory("web1 ansible_password=s3cret ansible_become=yes ansible_become_pass=b3come\n");
    for format in ["table", "json", "yaml", "mitogen"] {
        let o = stackctl(
            d.path(),
            &["resolve", "-i", "hosts.ini", "web1", "--format", format],
        );
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(
            !out.contains("s3cret") && !out.contains("b3come"),
            "{format} leaks a secret:\n{out}"
        );
        assert!(
            out.contains("********"),
            "{format} shows no redaction:\n{out}"
        );
    }
    let o = stackctl(
        d.path(),
        &["config", "-i", "hosts.ini", "web1", "--format", "json"],
    );
    assert!(!stdout(&o).contains("s3cret"));
    let o = stackctl(
        d.path(),
        &[
            "resolve",
            "-i",
            "hosts.ini",
            "web1",
            "--format",
            "mitogen",
            "--show-secrets",
        ],
    );
    assert!(stdout(&o).contains("s3cret") && stdout(&o).contains("b3come"));
}

#[test]
fn explain_names_file_and_line() {
    let d = inventory("[web]\nweb1 ansible_host=10.0.0.1\n[web:vars]\nansible_user=deploy\n");
    let o = stackctl(
        d.path(),
        &[
            "config",
            "-i",
            "hosts.ini",
            "web1",
            "--format",
            "json",
            "--explain",
            "-T",
            "7",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let from = |k: &str| v[k]["from"].as_str().unwrap_or_default().to_string();
    assert_eq!(v["remote_user"]["value"], "deploy");
    assert!(
        from("remote_user").starts_with("ansible_user (")
            && from("remote_user").ends_with("hosts.ini:4)")
    );
    assert!(
        from("remote_addr").ends_with("hosts.ini:2)"),
        "{}",
        from("remote_addr")
    );
    assert_eq!(v["timeout"]["value"], 7);
    assert_eq!(from("timeout"), "command line -T");
    assert_eq!(from("become_method"), "default");
}

#[test]
fn templated_connection_vars_are_rendered() {
    // ansible-inventory.md §11: rendered with the host's vars and hostvars[...] of others.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("inv.yml"),
        r#"all:
  hosts:
    bastion:
      ansible_host: 192.0.2.7
    web1:
      domain: example.net
      ansible_host: "{{ inventory_hostname }}.{{ domain }}"
      ansible_port: "{{ 2200 + 22 }}"
      mitogen_via: "{{ 'bastion' if use_bastion | default(true) | bool else '' }}"
      ansible_ssh_common_args: "-o ProxyCommand='ssh -W %h:%p {{ hostvars['bastion'].ansible_host }}'"
"#,
    )
    .expect("write");
    let o = stackctl(
        d.path(),
        &["resolve", "-i", "inv.yml", "web1", "--format", "mitogen"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v[0]["kwargs"]["hostname"], "192.0.2.7");
    assert_eq!(v[1]["kwargs"]["hostname"], "web1.example.net");
    assert_eq!(v[1]["kwargs"]["port"], 2222);
    let args: Vec<&str> = v[1]["kwargs"]["ssh_args"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        args.contains(&"ProxyCommand=ssh -W %h:%p 192.0.2.7"),
        "{args:?}"
    );
    // The same via, switched off with -e: a direct connection.
    let o = stackctl(
        d.path(),
        &[
            "resolve",
            "-i",
            "inv.yml",
            "web1",
            "--format",
            "mitogen",
            "-e",
            "use_bastion=no",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
}

#[test]
fn an_unrenderable_value_names_host_and_variable() {
    let d = inventory("web1 ansible_host=\"{{ nosuch_var }}\"\n");
    let o = stackctl(d.path(), &["resolve", "-i", "hosts.ini", "web1"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("web1") && e.contains("ansible_host") && e.contains("nosuch_var"),
        "{e}"
    );
}

#[test]
fn unknown_transport_is_a_clear_error() {
    // mitogen-stack.md §8: Mitogen raises KeyError; stackctl names host and variable.
    let d = inventory("web1 ansible_connection=paramiko\n");
    let o = stackctl(d.path(), &["resolve", "-i", "hosts.ini", "web1"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("web1: unknown connection type 'paramiko'") && e.contains("ansible_connection"),
        "{e}"
    );
}

#[test]
fn inventory_errors_carry_file_and_line() {
    let d = inventory("[web]\nweb1\nweb2 not-a-key-value\n");
    let o = stackctl(d.path(), &["inventory", "-i", "hosts.ini", "--list"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("hosts.ini:3:"), "{e}");
    assert!(
        e.contains("Expected key=value host variable assignment, got: not-a-key-value"),
        "{e}"
    );
}

#[test]
fn hosts_prints_one_name_per_line_or_json() {
    // ansible-inventory.md §10.3 example.
    let d = inventory("[web]\nweb1\nweb2\nweb3\nweb10\n[db]\ndb1\ndb2\n[prod]\nweb1\ndb1\n");
    let o = stackctl(d.path(), &["hosts", "-i", "hosts.ini", "web:!web3"]);
    assert_eq!(stdout(&o), "web1\nweb2\nweb10\n");
    let o = stackctl(
        d.path(),
        &["hosts", "-i", "hosts.ini", "web:&prod", "--format", "json"],
    );
    assert_eq!(stdout(&o), "[\n  \"web1\"\n]\n");
}

#[test]
fn never_prompts_without_a_terminal() {
    let d = inventory("web1\n");
    let o = stackctl(d.path(), &["resolve", "-i", "hosts.ini", "web1", "-K"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not an interactive terminal"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn become_password_file_feeds_the_target_only() {
    // mitogen-stack.md §1.3: CLI passwords never reach via hops.
    let d = inventory("jump\nweb1 mitogen_via=root@jump ansible_become=yes\n");
    std::fs::write(d.path().join("pw"), "filepw\n").expect("write");
    let o = stackctl(
        d.path(),
        &[
            "resolve",
            "-i",
            "hosts.ini",
            "web1",
            "--format",
            "mitogen",
            "--show-secrets",
            "--become-password-file",
            "pw",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let methods: Vec<&str> = v
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|h| h["method"].as_str())
        .collect();
    assert_eq!(methods, ["ssh", "sudo", "ssh", "sudo"]);
    assert_eq!(v[1]["kwargs"]["password"], serde_json::Value::Null);
    assert_eq!(v[3]["kwargs"]["password"], "filepw");
}
