//! Ansible Vault end to end: inventories built from the `ansible-vault`-made fixtures in
//! tests/fixtures/vault/ (README there), run through the stackctl binary.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BECOME_PW: &str = "S3cr3t become pw!";
const OPS_BECOME_PW: &str = "ops become pw";
const VAULT_PW: &str = "correct horse battery staple";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vault")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

/// web1 (group web: vaulted `ansible_become_pass` 1.1 inline), web2 (host_vars file vaulted as a
/// whole, 1.1), db1 (host_vars with an inline 1.2 value for label `ops`).
fn inventory() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("group_vars")).unwrap();
    std::fs::create_dir_all(p.join("host_vars")).unwrap();
    std::fs::write(
        p.join("hosts.ini"),
        "[web]\nweb1 ansible_host=192.0.2.10\nweb2 ansible_host=192.0.2.11\n\n[db]\ndb1 ansible_host=192.0.2.20\n",
    )
    .unwrap();
    std::fs::write(
        p.join("group_vars/web.yml"),
        format!(
            "ansible_user: ops\nansible_become: true\n{}",
            read("inline-1.1.yml")
        ),
    )
    .unwrap();
    std::fs::copy(fixture("host-vars-1.1.yml"), p.join("host_vars/web2.yml")).unwrap();
    std::fs::write(
        p.join("host_vars/db1.yml"),
        format!("ansible_become: true\n{}", read("inline-1.2-ops.yml")),
    )
    .unwrap();
    dir
}

struct Out {
    rc: i32,
    stdout: String,
    stderr: String,
}

fn run_env(inv: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let cwd = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackctl"));
    cmd.arg("-i")
        .arg(inv.join("hosts.ini"))
        .args(args)
        .current_dir(cwd.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", cwd.path())
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run stackctl");
    Out {
        rc: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(inv: &Path, args: &[&str]) -> Out {
    run_env(inv, args, &[])
}

fn pass_file() -> String {
    fixture("vault-pass.txt").display().to_string()
}

/// The become hop's password in `resolve --format mitogen --show-secrets`.
fn become_password(out: &Out) -> String {
    assert_eq!(out.rc, 0, "stderr: {}", out.stderr);
    let hops: Json = serde_json::from_str(&out.stdout).expect("json");
    let hop = hops
        .as_array()
        .and_then(|h| h.iter().find(|h| h["method"] == "sudo"))
        .unwrap_or_else(|| panic!("no sudo hop in {}", out.stdout));
    hop["kwargs"]["password"].as_str().unwrap_or("").to_string()
}

fn resolve_args<'a>(host: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["resolve", host, "--format", "mitogen", "--show-secrets"];
    v.extend_from_slice(more);
    v
}

#[test]
fn vaulted_become_pass_resolves_to_the_plaintext() {
    let inv = inventory();
    let pf = pass_file();
    let out = run(
        inv.path(),
        &resolve_args("web1", &["--vault-password-file", &pf]),
    );
    assert_eq!(become_password(&out), BECOME_PW);
}

/// Arguments and environment of one run.
type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

#[test]
fn every_secret_source_works() {
    let inv = inventory();
    let pf = pass_file();
    let script = fixture("vault-pass-script.sh").display().to_string();
    let id_script = format!("default@{script}");
    let cfg_dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("vault-pass.txt"), cfg_dir.path().join("pw.txt")).unwrap();
    let cfg = cfg_dir.path().join("ansible.cfg");
    std::fs::write(&cfg, "[defaults]\nvault_password_file = pw.txt\n").unwrap();
    let id_cfg = cfg_dir.path().join("ids.cfg");
    std::fs::write(
        &id_cfg,
        format!("[defaults]\nvault_identity_list = dev@{pf}\n"),
    )
    .unwrap();
    let cases: Vec<Case> = vec![
        (vec!["--vault-password-file", &script], vec![]),
        (vec!["--vault-id", &pf], vec![]),
        (vec!["--vault-id", &id_script], vec![]),
        (vec![], vec![("ANSIBLE_VAULT_PASSWORD_FILE", &pf)]),
        (vec![], vec![("ANSIBLE_CONFIG", cfg.to_str().unwrap())]),
        (vec![], vec![("ANSIBLE_CONFIG", id_cfg.to_str().unwrap())]),
        (vec![], vec![("ANSIBLE_VAULT_IDENTITY_LIST", &id_script)]),
    ];
    for (args, env) in cases {
        let out = run_env(inv.path(), &resolve_args("web1", &args), &env);
        assert_eq!(become_password(&out), BECOME_PW, "{args:?} {env:?}");
    }
}

#[test]
fn config_masks_the_decrypted_password_unless_asked() {
    let inv = inventory();
    let pf = pass_file();
    let out = run(
        inv.path(),
        &[
            "config",
            "web1",
            "--format",
            "json",
            "--vault-password-file",
            &pf,
        ],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    let cfg: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(cfg["become_pass"], "********");
    assert!(!out.stdout.contains(BECOME_PW));
    let out = run(
        inv.path(),
        &[
            "config",
            "web1",
            "--format",
            "json",
            "--show-secrets",
            "--vault-password-file",
            &pf,
        ],
    );
    let cfg: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(cfg["become_pass"], BECOME_PW);
}

#[test]
fn no_secret_is_an_error_naming_host_and_variable() {
    let inv = inventory();
    for args in [
        resolve_args("web1", &[]),
        vec!["config", "web1"],
        vec!["resolve", "web1"],
    ] {
        let out = run(inv.path(), &args);
        assert_eq!(out.rc, 1, "{args:?}: {}", out.stdout);
        let text = format!("{}{}", out.stdout, out.stderr);
        assert!(
            text.contains("web1: variable 'ansible_become_pass'")
                && text.contains("is vault-encrypted and no vault secret was given"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn wrong_password_is_a_clear_error() {
    let inv = inventory();
    let wrong = fixture("wrong-pass.txt").display().to_string();
    let out = run(
        inv.path(),
        &["config", "web1", "--vault-password-file", &wrong],
    );
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr.contains("web1: variable 'ansible_become_pass'")
            && out
                .stderr
                .contains("Decryption failed (no vault secrets were found that could decrypt)"),
        "{}",
        out.stderr
    );
    // A whole vaulted file: the path and Ansible's text.
    let out = run(
        inv.path(),
        &[
            "inventory",
            "--host",
            "web2",
            "--vault-password-file",
            &wrong,
        ],
    );
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr.contains("host_vars/web2.yml: Decryption failed"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not the password") && !out.stderr.contains(VAULT_PW));
}

#[test]
fn vaulted_host_vars_file_is_decrypted_when_loaded() {
    let inv = inventory();
    let pf = pass_file();
    let out = run(
        inv.path(),
        &["inventory", "--host", "web2", "--vault-password-file", &pf],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    let vars: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(vars["ansible_password"], "hostvars-file-pw");
    assert_eq!(vars["from_vaulted_file"], true);
    let out = run(
        inv.path(),
        &[
            "config",
            "web2",
            "--format",
            "json",
            "--show-secrets",
            "--vault-password-file",
            &pf,
        ],
    );
    let cfg: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(cfg["password"], "hostvars-file-pw");
    assert_eq!(cfg["remote_user"], "deploy");
    // Without a secret: Ansible's fatal error for the file.
    let out = run(inv.path(), &["inventory", "--host", "web2"]);
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr
            .contains("host_vars/web2.yml: Attempting to decrypt but no vault secrets found."),
        "{}",
        out.stderr
    );
}

#[test]
fn vault_id_label_matching() {
    let inv = inventory();
    let pf = format!("default@{}", pass_file());
    let ops = format!("ops@{}", fixture("ops-pass.txt").display());
    let out = run(
        inv.path(),
        &resolve_args("db1", &["--vault-id", &pf, "--vault-id", &ops]),
    );
    assert_eq!(become_password(&out), OPS_BECOME_PW);
    let out = run(
        inv.path(),
        &resolve_args("db1", &["--vault-id", &ops, "--vault-id", &pf]),
    );
    assert_eq!(become_password(&out), OPS_BECOME_PW);
    // Only the default secret: the 1.2 value for `ops` cannot be opened.
    let out = run(inv.path(), &resolve_args("db1", &["--vault-id", &pf]));
    assert_eq!(out.rc, 1);
    assert!(out.stdout.contains("Decryption failed"), "{}", out.stdout);
}

#[test]
fn vaulted_extra_vars_file() {
    let inv = inventory();
    let pf = pass_file();
    let e = format!("@{}", fixture("host-vars-1.1.yml").display());
    let out = run(
        inv.path(),
        &[
            "inventory",
            "--host",
            "db1",
            "-e",
            &e,
            "--vault-password-file",
            &pf,
        ],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    let vars: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(vars["ansible_user"], "deploy");
    let out = run(inv.path(), &["inventory", "--host", "db1", "-e", &e]);
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr
            .contains("Attempting to decrypt but no vault secrets found.")
    );
}

#[test]
fn list_keeps_inline_vault_and_graph_vars_shows_plaintext() {
    let inv = inventory();
    let pf = pass_file();
    let out = run(
        inv.path(),
        &["inventory", "--list", "--vault-password-file", &pf],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("\"__ansible_vault\": \"$ANSIBLE_VAULT;1.1;AES256\\n")
    );
    assert!(!out.stdout.contains(BECOME_PW));
    let out = run(
        inv.path(),
        &[
            "inventory",
            "--graph",
            "web",
            "--vars",
            "--vault-password-file",
            &pf,
        ],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("|--{{ansible_become_pass = {BECOME_PW}}}"))
    );
    let out = run(inv.path(), &["inventory", "--graph", "web", "--vars"]);
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr
            .contains("Attempting to decrypt but no vault secrets found.")
    );
}

#[test]
fn ask_vault_pass_never_prompts_without_a_terminal() {
    let inv = inventory();
    for env in [vec![], vec![("CI", "true")]] {
        let out = run_env(
            inv.path(),
            &["inventory", "--list", "--ask-vault-pass"],
            &env,
        );
        assert_eq!(out.rc, 1);
        assert!(
            out.stderr.contains("not an interactive terminal"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn bad_secret_sources_are_errors() {
    let inv = inventory();
    let out = run(
        inv.path(),
        &[
            "inventory",
            "--list",
            "--vault-password-file",
            "/nonexistent/pw",
        ],
    );
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr
            .contains("The vault password file /nonexistent/pw was not found")
    );
    let out = run(inv.path(), &["inventory", "--list", "--vault-id", "ops@"]);
    assert_eq!(out.rc, 1);
    assert!(out.stderr.contains("invalid vault id"), "{}", out.stderr);
}

/// Differential check against the real ansible-inventory when it is installed.
#[test]
fn matches_ansible_inventory_when_installed() {
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("ansible-inventory").is_file()));
    if !found {
        eprintln!("ansible-inventory not installed: skipped");
        return;
    }
    let inv = inventory();
    // n1: vault values nested in a list and a dict (repr'd, never decrypted, by --graph --vars).
    let block: String = read("inline-1.1.yml")
        .lines()
        .skip(1)
        .map(|l| format!("      {}\n", l.trim()))
        .collect();
    std::fs::write(
        inv.path().join("hosts.ini"),
        format!(
            "{}\n[nested]\nn1\n",
            std::fs::read_to_string(inv.path().join("hosts.ini")).unwrap()
        ),
    )
    .unwrap();
    std::fs::write(
        inv.path().join("host_vars/n1.yml"),
        format!("l:\n  - !vault |\n{block}  - plain\nm:\n  k: !vault |\n{block}"),
    )
    .unwrap();
    let pf = pass_file();
    let ops = format!("ops@{}", fixture("ops-pass.txt").display());
    for args in [
        vec!["--list"],
        vec!["--list", "--yaml"],
        vec!["--list", "--export"],
        vec!["--host", "web2"],
        vec!["--host", "db1"],
        vec!["--host", "n1"],
        vec!["--graph", "--vars"],
    ] {
        let mut full: Vec<&str> = args.clone();
        full.extend_from_slice(&["--vault-password-file", &pf, "--vault-id", &ops]);
        let ours = run(inv.path(), &[&["inventory"], full.as_slice()].concat());
        let cwd = tempfile::tempdir().unwrap();
        let theirs = Command::new("ansible-inventory")
            .arg("-i")
            .arg(inv.path().join("hosts.ini"))
            .args(&full)
            .current_dir(cwd.path())
            .env("HOME", cwd.path())
            .env("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3")
            .stdin(Stdio::null())
            .output()
            .expect("run ansible-inventory");
        let theirs = String::from_utf8_lossy(&theirs.stdout);
        if args.contains(&"--yaml") {
            // ansible-inventory anchors a vault value shared by two hosts (`&id001 !vault`);
            // stackctl's --yaml writes no anchors, so compare what the documents mean.
            let load = |t: &str| stackctl::yaml::load_str(t).expect("yaml");
            assert_eq!(load(&ours.stdout), load(&theirs), "{args:?}");
            continue;
        }
        assert_eq!(
            ours.stdout.trim_end(),
            theirs.trim_end(),
            "{args:?}: {}",
            ours.stderr
        );
    }
}

/// The common real-world shape: `ansible_become_pass: "{{ vault_become_pass }}"`, and vault
/// plaintext used inside a larger template.
#[test]
fn templates_see_the_plaintext() {
    let inv = inventory();
    let p = inv.path();
    let vaulted = read("inline-1.1.yml").replacen("ansible_become_pass", "vault_become_pass", 1);
    std::fs::write(p.join("hosts.ini"), "t1 ansible_host=192.0.2.30\n").unwrap();
    std::fs::write(
        p.join("host_vars/t1.yml"),
        format!(
            "ansible_become: true\nansible_become_pass: \"{{{{ vault_become_pass }}}}\"\nansible_user: \"u{{{{ vault_become_pass | length }}}}\"\n{vaulted}"
        ),
    )
    .unwrap();
    let pf = pass_file();
    let out = run(p, &resolve_args("t1", &["--vault-password-file", &pf]));
    assert_eq!(become_password(&out), BECOME_PW);
    let hops: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(hops[0]["kwargs"]["username"], "u17");
    // Without a secret the value stays opaque: an error for the host (minijinja's own text
    // when a filter meets the opaque value).
    let out = run(p, &["config", "t1"]);
    assert_eq!(out.rc, 1);
    assert!(out.stderr.contains("t1: "), "{}", out.stderr);
}

/// A whole inventory file and a whole host_vars file in the 1.2 format (label `ops`).
#[test]
fn vaulted_inventory_and_1_2_files() {
    let ops = format!("ops@{}", fixture("ops-pass.txt").display());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("host_vars")).unwrap();
    std::fs::copy(
        fixture("inventory-1.2-ops.ini"),
        dir.path().join("hosts.ini"),
    )
    .unwrap();
    let out = run(dir.path(), &["hosts", "all", "--vault-id", &ops]);
    assert_eq!((out.rc, out.stdout.as_str()), (0, "v1\n"), "{}", out.stderr);
    std::fs::copy(
        fixture("host-vars-1.2-ops.yml"),
        dir.path().join("host_vars/v1.yml"),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "config",
            "v1",
            "--format",
            "json",
            "--show-secrets",
            "--vault-id",
            &ops,
        ],
    );
    assert_eq!(out.rc, 0, "{}", out.stderr);
    let cfg: Json = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(cfg["remote_addr"], "192.0.2.40");
    assert_eq!(cfg["remote_user"], "deploy");
    assert_eq!(cfg["password"], "hostvars-file-pw");
    let out = run(dir.path(), &["hosts", "all"]);
    assert_eq!(out.rc, 1);
    assert!(
        out.stderr
            .contains("Attempting to decrypt but no vault secrets found.")
    );
    let out = run(
        dir.path(),
        &["hosts", "all", "--vault-password-file", &pass_file()],
    );
    assert_eq!(out.rc, 1);
    assert!(out.stderr.contains("Decryption failed"), "{}", out.stderr);
}

/// `vault_id_match`: only the secret labelled like the vault is tried. Ansible reads the setting
/// as an untyped string, so even `False` turns it on (checked against ansible-inventory).
#[test]
fn vault_id_match_setting() {
    let inv = inventory();
    let ops_as_other = format!("other@{}", fixture("ops-pass.txt").display());
    let args = resolve_args("db1", &["--vault-id", &ops_as_other]);
    let out = run(inv.path(), &args);
    assert_eq!(become_password(&out), OPS_BECOME_PW);
    for value in ["1", "True", "False"] {
        let out = run_env(inv.path(), &args, &[("ANSIBLE_VAULT_ID_MATCH", value)]);
        assert_eq!(out.rc, 1, "{value}");
        assert!(out.stdout.contains("Decryption failed"), "{}", out.stdout);
    }
    let out = run_env(inv.path(), &args, &[("ANSIBLE_VAULT_ID_MATCH", "")]);
    assert_eq!(become_password(&out), OPS_BECOME_PW);
}
