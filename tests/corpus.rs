//! Golden tests against the real tools: every case under `tests/corpus/inventory/` was run
//! through ansible-inventory / `ansible --list-hosts` (ansible-core 2.19) and every case under
//! `tests/corpus/stacks/` through Mitogen 0.3.54's stack builder by `scripts/gen-*-goldens`.
//! Here stackctl runs the same command lines and must print the same thing.
//! Set `CORPUS_CASE=<substring>` to run only matching cases.
//!
//! Contract (tests/corpus/README.md): `commands` lines are `[VAR=value …] TOOL: ARGS` with
//! `{case}` standing for the case directory; expected files are `expected/<N>.stdout|.rc` and
//! `expected/<N>.json` for stacks.
//!
//! Where stackctl differs from the real tool on purpose, the case's `divergences` file says so,
//! one line per command: `N better: reason` (the real tool fails or crashes, stackctl must
//! answer) or `N stricter: reason` (the real tool accepts, stackctl must refuse with an error).
//! Those lines are checked for that behaviour instead of the golden, and listed in the output.

use stackctl::value::TagStyle;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Line {
    n: usize,
    env: Vec<(String, String)>,
    tool: String,
    args: Vec<String>,
    text: String,
}

fn parse_commands(case: &Path) -> Vec<Line> {
    let text = std::fs::read_to_string(case.join("commands")).unwrap_or_default();
    let mut out = Vec::new();
    let mut n = 0;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        n += 1;
        let line = line.replace("{case}", &case.display().to_string());
        let words = shlex::split(&line)
            .unwrap_or_else(|| panic!("{}: bad quoting in {raw:?}", case.display()));
        let mut env = Vec::new();
        let mut rest = words.into_iter();
        let tool = loop {
            match rest.next() {
                Some(w) if w.ends_with(':') => break w.trim_end_matches(':').to_string(),
                Some(w) => match w.split_once('=') {
                    Some((k, v)) => env.push((k.to_string(), v.to_string())),
                    None => panic!("{}: bad command line {raw:?}", case.display()),
                },
                None => panic!("{}: no tool in {raw:?}", case.display()),
            }
        };
        out.push(Line {
            n,
            env,
            tool,
            args: rest.collect(),
            text: raw.to_string(),
        });
    }
    out
}

fn cases(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind);
    let filter = std::env::var("CORPUS_CASE").ok();
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("commands").is_file())
        .filter(|p| {
            filter
                .as_ref()
                .is_none_or(|f| p.display().to_string().contains(f.as_str()))
        })
        .collect();
    v.sort();
    v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Divergence {
    Better,
    Stricter,
}

fn divergences(case: &Path) -> std::collections::HashMap<usize, (Divergence, String)> {
    let text = std::fs::read_to_string(case.join("divergences")).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (head, reason) = line.split_once(':').unwrap_or((line, ""));
        let mut words = head.split_whitespace();
        let n: usize = words
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("{}: bad divergence {line:?}", case.display()));
        let kind = match words.next() {
            Some("better") => Divergence::Better,
            Some("stricter") => Divergence::Stricter,
            other => panic!("{}: unknown divergence kind {other:?}", case.display()),
        };
        out.insert(n, (kind, reason.trim().to_string()));
    }
    out
}

/// Checks a documented divergence; returns a failure text when stackctl does not behave as
/// the divergence says.
fn check_divergence(
    name: &str,
    kind: Divergence,
    reason: &str,
    got: &Run,
    noted: &mut Vec<String>,
) -> Option<String> {
    noted.push(format!("{name}: {kind:?}: {reason}"));
    match kind {
        Divergence::Better if got.rc != 0 || got.stdout.trim().is_empty() => Some(format!(
            "{name}: documented as answered by stackctl ({reason}) but it exited {}: {}",
            got.rc,
            got.stderr.trim()
        )),
        Divergence::Stricter if got.rc == 0 || got.stderr.trim().is_empty() => Some(format!(
            "{name}: documented as refused by stackctl ({reason}) but it exited {}",
            got.rc
        )),
        _ => None,
    }
}

struct Run {
    rc: i32,
    stdout: String,
    stderr: String,
}

/// Runs stackctl as the generator ran the real tool: empty cwd, empty HOME (`{home}` in
/// goldens), clean env.
fn run_stackctl(args: &[String], env: &[(String, String)], home: &Path) -> Run {
    let cwd = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackctl"));
    cmd.args(args).current_dir(cwd.path()).env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", home);
    cmd.env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run stackctl");
    Run {
        rc: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn first_python3() -> String {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("python3"))
                .find(|p| p.is_file())
        })
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "/usr/bin/python3".into())
}

fn expected(case: &Path, n: usize, ext: &str) -> Option<String> {
    std::fs::read_to_string(case.join("expected").join(format!("{n}.{ext}"))).ok()
}

/// Goldens name machine-dependent values by placeholder: `{case}` the case directory, `{home}`
/// the HOME the command ran with, `{python}` the controller's interpreter.
fn placeholders(text: &str, case: &Path, home: &Path, python: &str) -> String {
    text.replace("{case}", &case.display().to_string())
        .replace("{home}", &home.display().to_string())
        .replace("{python}", python)
}

/// stackctl honours `mitogen_{docker,podman,buildah}_path` where Mitogen ignores them
/// (mitogen-stack.md §8): those kwargs are stackctl's own and not part of Mitogen's shape.
fn without_engine_paths(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(hops) = v.as_array_mut() {
        for hop in hops {
            let method = hop
                .get("method")
                .and_then(|m| m.as_str())
                .unwrap_or("")
                .to_string();
            let key = format!("{method}_path");
            if matches!(method.as_str(), "docker" | "podman" | "buildah")
                && let Some(k) = hop.get_mut("kwargs").and_then(|k| k.as_object_mut())
            {
                k.remove(&key);
            }
        }
    }
    v
}

fn yaml_equal(a: &str, b: &str) -> bool {
    match (stackctl::yaml::load_str(a), stackctl::yaml::load_str(b)) {
        // Compared through the canonical JSON text: NaN equals NaN there, as it should here.
        (Ok(x), Ok(y)) => x.to_py_json(TagStyle::Tagged) == y.to_py_json(TagStyle::Tagged),
        _ => a.trim_end() == b.trim_end(),
    }
}

#[test]
fn inventory_goldens_match_ansible() {
    let python = first_python3();
    let mut failures = Vec::new();
    let mut noted = Vec::new();
    let mut count = 0;
    for case in cases("inventory") {
        let diverging = divergences(&case);
        for line in parse_commands(&case) {
            count += 1;
            let want_rc: i32 = expected(&case, line.n, "rc")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            let home = tempfile::tempdir().expect("tempdir");
            let want = placeholders(
                &expected(&case, line.n, "stdout").unwrap_or_default(),
                &case,
                home.path(),
                &python,
            );
            let mut args = vec![line.tool.clone()];
            args.extend(line.args.iter().cloned());
            let got = run_stackctl(&args, &line.env, home.path());
            let name = format!(
                "{}:{} `{}`",
                case.file_name().unwrap_or_default().to_string_lossy(),
                line.n,
                line.text
            );
            if let Some((kind, reason)) = diverging.get(&line.n) {
                failures.extend(check_divergence(&name, *kind, reason, &got, &mut noted));
                continue;
            }
            if want_rc != 0 {
                if got.rc == 0 || got.stderr.trim().is_empty() {
                    failures.push(format!("{name}: Ansible failed (rc {want_rc}) but stackctl exited {} with stderr {:?}", got.rc, got.stderr));
                }
                continue;
            }
            if got.rc != 0 {
                failures.push(format!(
                    "{name}: stackctl failed (rc {}): {}",
                    got.rc,
                    got.stderr.trim()
                ));
                continue;
            }
            let same = if line.args.iter().any(|a| a == "--yaml" || a == "-y") {
                yaml_equal(&got.stdout, &want)
            } else {
                got.stdout.trim_end() == want.trim_end()
            };
            if !same {
                failures.push(format!(
                    "{name}: output differs\n--- ansible\n{}\n--- stackctl\n{}",
                    want.trim_end(),
                    got.stdout.trim_end()
                ));
            }
        }
    }
    assert!(count > 0, "no corpus commands found");
    println!(
        "documented divergences from ansible-inventory:\n  {}",
        noted.join("\n  ")
    );
    if !failures.is_empty() {
        panic!(
            "{} of {count} inventory golden commands differ:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

#[test]
fn stack_goldens_match_mitogen() {
    let python = first_python3();
    let mut failures = Vec::new();
    let mut noted = Vec::new();
    let mut count = 0;
    for case in cases("stacks") {
        let diverging = divergences(&case);
        for line in parse_commands(&case) {
            count += 1;
            let Some(want_text) = expected(&case, line.n, "json") else {
                failures.push(format!(
                    "{}:{} has no expected json",
                    case.display(),
                    line.n
                ));
                continue;
            };
            let home = tempfile::tempdir().expect("tempdir");
            let want_text = placeholders(&want_text, &case, home.path(), &python);
            let want: serde_json::Value = serde_json::from_str(&want_text).expect("golden json");
            let mut args = vec![
                "resolve".to_string(),
                "--format".into(),
                "mitogen".into(),
                "--show-secrets".into(),
            ];
            args.extend(line.args.iter().cloned());
            let got = run_stackctl(&args, &line.env, home.path());
            let name = format!(
                "{}:{} `{}`",
                case.file_name().unwrap_or_default().to_string_lossy(),
                line.n,
                line.text
            );
            if let Some((kind, reason)) = diverging.get(&line.n) {
                let is_stack = serde_json::from_str::<serde_json::Value>(&got.stdout)
                    .is_ok_and(|v| v.as_array().is_some_and(|a| !a.is_empty()));
                let bad = check_divergence(&name, *kind, reason, &got, &mut noted).or_else(|| {
                    (*kind == Divergence::Better && !is_stack)
                        .then(|| format!("{name}: no hop list printed"))
                });
                failures.extend(bad);
                continue;
            }
            let got_json: serde_json::Value = match serde_json::from_str(&got.stdout) {
                Ok(v) => without_engine_paths(v),
                Err(e) => {
                    failures.push(format!(
                        "{name}: stackctl printed no JSON ({e}): {:?} {:?}",
                        got.stdout, got.stderr
                    ));
                    continue;
                }
            };
            match want.get("error").and_then(|e| e.as_str()) {
                Some(msg) => {
                    let ours = got_json.get("error").and_then(|e| e.as_str());
                    let exact = msg.starts_with("mitogen_via=");
                    let ok = match ours {
                        Some(o) if exact => o == msg,
                        Some(_) => true,
                        None => false,
                    };
                    if !ok || got.rc != 1 {
                        failures.push(format!(
                            "{name}: Mitogen error {msg:?}, stackctl rc {} {:?}",
                            got.rc,
                            got.stdout.trim()
                        ));
                    }
                }
                None if got_json != want => {
                    failures.push(format!(
                        "{name}: stack differs\n--- mitogen\n{}\n--- stackctl\n{}",
                        want_text.trim_end(),
                        got.stdout.trim_end()
                    ));
                }
                None => {}
            }
        }
    }
    assert!(count > 0, "no stack corpus commands found");
    println!(
        "documented divergences from Mitogen:\n  {}",
        noted.join("\n  ")
    );
    if !failures.is_empty() {
        panic!(
            "{} of {count} stack golden commands differ:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}
