//! Where vault secrets come from, in the order Ansible tries them: `vault_identity_list`
//! (ansible.cfg / `ANSIBLE_VAULT_IDENTITY_LIST`), each `--vault-id`, each
//! `--vault-password-file`, `vault_password_file` (ansible.cfg / `ANSIBLE_VAULT_PASSWORD_FILE`),
//! then `--ask-vault-pass`. A source is a file (its content, whitespace-stripped), an executable
//! (its stdout, stripped; a `*-client` script is asked with `--vault-id LABEL`), or `prompt`.
//! Secrets are never printed, logged or passed on a command line.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The label of secrets given without one (`--vault-password-file`, `--vault-id FILE`).
pub const DEFAULT_LABEL: &str = "default";

/// One secret that was loaded: a label and the password bytes.
#[derive(Clone)]
pub struct VaultSecret {
    pub label: String,
    bytes: Vec<u8>,
}

impl VaultSecret {
    pub fn new(label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        VaultSecret {
            label: label.into(),
            bytes: bytes.into(),
        }
    }

    /// The password bytes, for the key derivation only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for VaultSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VaultSecret({}, ********)", self.label)
    }
}

/// Where one secret is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Prompt,
}

/// A secret to load: `[LABEL@]SOURCE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpec {
    pub label: String,
    pub source: Source,
}

impl SecretSpec {
    /// Parses a `--vault-id` value: `LABEL@SOURCE` (split at the first `@`) or just `SOURCE`;
    /// SOURCE `prompt` asks on the terminal. `default_label` is used without a label.
    pub fn parse(value: &str, default_label: &str) -> Result<SecretSpec, String> {
        let (label, source) = match value.split_once('@') {
            Some((l, s)) => (l, s),
            None => (default_label, value),
        };
        if source.is_empty() {
            return Err(format!(
                "invalid vault id {value:?}: expected [LABEL@]FILE or [LABEL@]prompt"
            ));
        }
        if label.is_empty() {
            return Err(format!("invalid vault id {value:?}: the label is empty"));
        }
        let source = match source {
            "prompt" | "prompt_ask_vault_pass" => Source::Prompt,
            path => Source::File(PathBuf::from(path)),
        };
        Ok(SecretSpec {
            label: label.to_string(),
            source,
        })
    }

    pub fn file(label: &str, path: impl Into<PathBuf>) -> SecretSpec {
        SecretSpec {
            label: label.to_string(),
            source: Source::File(path.into()),
        }
    }
}

/// Python's `bytes.strip()`: ASCII whitespace off both ends.
fn strip(b: &[u8]) -> &[u8] {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    &b[start..end]
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A `*-client` script (name without extension ends in `-client`) is asked for one label.
fn is_client_script(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.ends_with("-client"))
}

/// Reads one secret source. `prompt` is called for `Source::Prompt` with the prompt text.
pub fn load_one(
    spec: &SecretSpec,
    prompt: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<VaultSecret, String> {
    let bytes = match &spec.source {
        Source::Prompt => {
            let text = if spec.label == DEFAULT_LABEL {
                "Vault password: ".to_string()
            } else {
                format!("Vault password ({}): ", spec.label)
            };
            let pw = prompt(&text)?;
            let pw = strip(pw.as_bytes()).to_vec();
            if pw.is_empty() {
                return Err("Invalid vault password was provided from prompt".into());
            }
            pw
        }
        Source::File(path) => {
            let path = expand_user(path);
            if !path.exists() {
                return Err(format!(
                    "The vault password file {} was not found",
                    path.display()
                ));
            }
            if is_executable(&path) {
                run_script(&path, &spec.label)?
            } else {
                let raw = std::fs::read(&path).map_err(|e| {
                    format!("Could not read vault password file {}: {e}", path.display())
                })?;
                let pw = strip(&raw).to_vec();
                if pw.is_empty() {
                    return Err(format!(
                        "Invalid vault password was provided from file ({})",
                        path.display()
                    ));
                }
                pw
            }
        }
    };
    Ok(VaultSecret::new(spec.label.clone(), bytes))
}

fn expand_user(p: &Path) -> PathBuf {
    let s = p.to_string_lossy();
    if (s == "~" || s.starts_with("~/"))
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(s.trim_start_matches('~').trim_start_matches('/'));
    }
    p.to_path_buf()
}

/// Runs an executable password file; its stripped stdout is the password. stdin and stderr are
/// ours, as in Ansible (a script may prompt on the terminal, and its messages are seen); nothing
/// secret goes on its command line.
fn run_script(path: &Path, label: &str) -> Result<Vec<u8>, String> {
    let client = is_client_script(path);
    let mut cmd = Command::new(path);
    if client {
        cmd.arg("--vault-id").arg(label);
    }
    let out = cmd
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| {
            format!(
                "Problem running vault password script {}: {e}",
                path.display()
            )
        })?;
    if !out.status.success() {
        let code = out
            .status
            .code()
            .map_or_else(|| "signal".to_string(), |c| c.to_string());
        if client && out.status.code() == Some(2) {
            return Err(format!(
                "Vault password client script {} did not find a secret for vault-id={label}",
                path.display()
            ));
        }
        return Err(format!(
            "Vault password script {} returned non-zero ({code})",
            path.display()
        ));
    }
    let pw = strip(&out.stdout).to_vec();
    if pw.is_empty() {
        return Err(format!(
            "Invalid vault password was provided from script ({})",
            path.display()
        ));
    }
    Ok(pw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_id_forms() {
        let s = SecretSpec::parse("ops@/x/pw", DEFAULT_LABEL).unwrap();
        assert_eq!(s, SecretSpec::file("ops", "/x/pw"));
        let s = SecretSpec::parse("/x/pw", DEFAULT_LABEL).unwrap();
        assert_eq!(s.label, "default");
        let s = SecretSpec::parse("dev@prompt", DEFAULT_LABEL).unwrap();
        assert_eq!(s.source, Source::Prompt);
        assert_eq!(
            SecretSpec::parse("a@b@c", DEFAULT_LABEL).unwrap(),
            SecretSpec::file("a", "b@c")
        );
        assert!(SecretSpec::parse("ops@", DEFAULT_LABEL).is_err());
        assert!(SecretSpec::parse("@x", DEFAULT_LABEL).is_err());
    }

    #[test]
    fn strip_like_python() {
        assert_eq!(strip(b"  pw \r\n"), b"pw");
        assert_eq!(strip(b"\x0b\x0c"), b"");
        assert_eq!(strip(b"a b"), b"a b");
    }

    #[test]
    fn files_and_scripts() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mut no_prompt = |_: &str| -> Result<String, String> { Err("no".into()) };
        let f = dir.path().join("pw");
        std::fs::write(&f, "  secret\n").unwrap();
        let s = load_one(&SecretSpec::file("default", &f), &mut no_prompt).unwrap();
        assert_eq!(s.expose(), b"secret");
        assert!(!format!("{s:?}").contains("secret"));
        std::fs::write(&f, "\n").unwrap();
        let e = load_one(&SecretSpec::file("default", &f), &mut no_prompt).unwrap_err();
        assert!(
            e.starts_with("Invalid vault password was provided from file"),
            "{e}"
        );
        let e = load_one(
            &SecretSpec::file("default", dir.path().join("nope")),
            &mut no_prompt,
        )
        .unwrap_err();
        assert!(e.contains("was not found"), "{e}");

        let script = dir.path().join("pw.sh");
        std::fs::write(&script, "#!/bin/sh\necho from-script\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let s = load_one(&SecretSpec::file("default", &script), &mut no_prompt).unwrap();
        assert_eq!(s.expose(), b"from-script");

        let fail = dir.path().join("fail.sh");
        std::fs::write(&fail, "#!/bin/sh\necho oops >&2\nexit 3\n").unwrap();
        std::fs::set_permissions(&fail, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = load_one(&SecretSpec::file("default", &fail), &mut no_prompt).unwrap_err();
        assert!(e.ends_with("fail.sh returned non-zero (3)"), "{e}");

        let client = dir.path().join("vault-client.sh");
        std::fs::write(
            &client,
            "#!/bin/sh\n[ \"$1 $2\" = \"--vault-id ops\" ] && echo ok-$2 && exit 0\nexit 2\n",
        )
        .unwrap();
        std::fs::set_permissions(&client, std::fs::Permissions::from_mode(0o755)).unwrap();
        let s = load_one(&SecretSpec::file("ops", &client), &mut no_prompt).unwrap();
        assert_eq!(s.expose(), b"ok-ops");
        let e = load_one(&SecretSpec::file("dev", &client), &mut no_prompt).unwrap_err();
        assert!(e.contains("did not find a secret for vault-id=dev"), "{e}");

        let mut answer = |p: &str| -> Result<String, String> {
            assert_eq!(p, "Vault password (ops): ");
            Ok("typed\n".into())
        };
        let s = load_one(
            &SecretSpec {
                label: "ops".into(),
                source: Source::Prompt,
            },
            &mut answer,
        )
        .unwrap();
        assert_eq!(s.expose(), b"typed");
    }
}
