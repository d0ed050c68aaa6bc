//! Ansible's configuration: which ansible.cfg is in force (ansible-inventory.md §14), its
//! configparser-style contents, and the `ANSIBLE_*` environment variables that override it.
//! Every lookup returns the value with its origin; precedence is default < cfg < env.

use crate::origin::Origin;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One configuration setting: its ansible.cfg spellings and environment variables, each list
/// lowest precedence first (the last one defined wins, as in Ansible's config manager).
#[derive(Debug, Clone, Copy)]
pub struct SettingDef {
    pub ini: &'static [(&'static str, &'static str)],
    pub env: &'static [&'static str],
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The ansible.cfg in force, if any.
    pub path: Option<PathBuf>,
    sections: IndexMap<String, IndexMap<String, (String, usize)>>,
    env: HashMap<String, String>,
    pub warnings: Vec<String>,
}

impl Settings {
    /// Finds and reads ansible.cfg as Ansible does: `$ANSIBLE_CONFIG` (file or directory),
    /// `./ansible.cfg` unless the cwd is world-writable, `~/.ansible.cfg`,
    /// `/etc/ansible/ansible.cfg`. The environment is snapshotted.
    pub fn discover(cwd: &Path) -> Result<Settings, String> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let mut warnings = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(cfg) = env.get("ANSIBLE_CONFIG").filter(|s| !s.is_empty()) {
            let p = expand_user(cfg, &env);
            let p = if p.is_dir() { p.join("ansible.cfg") } else { p };
            candidates.push(p);
        }
        let local = cwd.join("ansible.cfg");
        if local.exists() {
            if world_writable(cwd) {
                warnings.push(format!(
                    "Ansible is being run in a world writable directory ({}), ignoring it as an ansible.cfg source.",
                    cwd.display()
                ));
            } else {
                candidates.push(local);
            }
        }
        if let Some(home) = env.get("HOME") {
            candidates.push(Path::new(home).join(".ansible.cfg"));
        }
        candidates.push(PathBuf::from("/etc/ansible/ansible.cfg"));
        let mut settings = Settings {
            env,
            warnings,
            ..Default::default()
        };
        let explicit = env_config(&settings.env);
        for c in candidates {
            let forced = explicit.as_ref() == Some(&c) && c.exists() && !c.is_dir();
            if forced || c.is_file() {
                settings.load_file(&c)?;
                break;
            }
        }
        Ok(settings)
    }

    /// Settings from an explicit file and environment (tests, `--config`).
    pub fn from_parts(
        path: Option<&Path>,
        env: HashMap<String, String>,
    ) -> Result<Settings, String> {
        let mut s = Settings {
            env,
            ..Default::default()
        };
        if let Some(p) = path {
            s.load_file(p)?;
        }
        Ok(s)
    }

    fn load_file(&mut self, path: &Path) -> Result<(), String> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "cfg" | "ini") {
            return Err(format!(
                "Unsupported configuration file extension for {}: {}",
                path.display(),
                if ext.is_empty() {
                    "(none)".to_string()
                } else {
                    ext.to_string()
                }
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("Error reading config file ({}): {e}", path.display()))?;
        self.sections = parse_configparser(&text).map_err(|(line, msg)| {
            format!(
                "Error reading config file ({}:{line}): {msg}",
                path.display()
            )
        })?;
        self.path = Some(path.to_path_buf());
        Ok(())
    }

    /// The value of a setting, with where it came from: env beats ansible.cfg.
    pub fn lookup(&self, def: &SettingDef) -> Option<(String, Origin)> {
        let mut found = None;
        for (section, key) in def.ini {
            if let Some((raw, _line)) = self.sections.get(*section).and_then(|s| s.get(*key)) {
                let path = self.path.clone().unwrap_or_default();
                found = Some((
                    unquote(raw).to_string(),
                    Origin::Config {
                        path,
                        section: section.to_string(),
                        key: key.to_string(),
                    },
                ));
            }
        }
        for name in def.env {
            if let Some(v) = self.env.get(*name) {
                found = Some((v.clone(), Origin::Env(name.to_string())));
            }
        }
        found
    }

    /// A path setting: `~` and `$VARS` expanded, relative paths taken against the cfg's dir.
    pub fn lookup_path(&self, def: &SettingDef) -> Option<(PathBuf, Origin)> {
        let (raw, origin) = self.lookup(def)?;
        Some((self.resolve_path(&raw, &origin), origin))
    }

    pub fn resolve_path(&self, raw: &str, origin: &Origin) -> PathBuf {
        let p = expand_user(&expand_vars(raw, &self.env), &self.env);
        if p.is_relative()
            && let Origin::Config { path, .. } = origin
            && let Some(dir) = path.parent()
        {
            return dir.join(p);
        }
        p
    }

    pub fn lookup_bool(&self, def: &SettingDef) -> Option<(bool, Origin)> {
        self.lookup(def)
            .map(|(v, o)| (crate::value::is_true_word(v.trim()), o))
    }

    /// A comma-separated list setting, items trimmed, empty items dropped.
    pub fn lookup_list(&self, def: &SettingDef) -> Option<(Vec<String>, Origin)> {
        self.lookup(def).map(|(v, o)| {
            (
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                o,
            )
        })
    }

    pub fn env(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }
}

/// The file `$ANSIBLE_CONFIG` names, if set (a directory means its ansible.cfg).
fn env_config(env: &HashMap<String, String>) -> Option<PathBuf> {
    let cfg = env.get("ANSIBLE_CONFIG").filter(|s| !s.is_empty())?;
    let p = expand_user(cfg, env);
    Some(if p.is_dir() { p.join("ansible.cfg") } else { p })
}

/// Ansible strips one pair of surrounding quotes from string settings.
pub fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

fn world_writable(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o002 != 0)
        .unwrap_or(false)
}

pub fn expand_user(p: &str, env: &HashMap<String, String>) -> PathBuf {
    if (p == "~" || p.starts_with("~/"))
        && let Some(home) = env.get("HOME")
    {
        return PathBuf::from(format!("{home}{}", &p[1..]));
    }
    PathBuf::from(p)
}

fn expand_vars(p: &str, env: &HashMap<String, String>) -> String {
    let re = regex::Regex::new(r"\$(\w+)|\$\{(\w+)\}").expect("static regex");
    re.replace_all(p, |c: &regex::Captures| {
        let name = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str())
            .unwrap_or("");
        env.get(name).cloned().unwrap_or_else(|| c[0].to_string())
    })
    .into_owned()
}

type Sections = IndexMap<String, IndexMap<String, (String, usize)>>;

/// Python configparser with Ansible's options: `key = value` / `key: value`, keys lowercased,
/// full-line `#`/`;` comments, inline `;` comments after whitespace, indented continuation
/// lines, `%%` and `%(name)s` interpolation.
fn parse_configparser(text: &str) -> Result<Sections, (usize, String)> {
    let mut sections: Sections = IndexMap::new();
    let mut current: Option<String> = None;
    let mut last_key: Option<String> = None;
    for (i, raw_line) in text.lines().enumerate() {
        let lineno = i + 1;
        let trimmed = raw_line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            if trimmed.is_empty() {
                last_key = None;
            }
            continue;
        }
        let indented = raw_line.starts_with(' ') || raw_line.starts_with('\t');
        if indented
            && let (Some(sec), Some(key)) = (&current, &last_key)
            && let Some(entry) = sections.get_mut(sec).and_then(|s| s.get_mut(key))
        {
            entry.0.push('\n');
            entry.0.push_str(strip_inline_comment(trimmed));
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            let name = trimmed[1..trimmed.len() - 1].to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            last_key = None;
            continue;
        }
        let Some(sec) = &current else {
            return Err((
                lineno,
                format!("File contains no section headers: {trimmed:?}"),
            ));
        };
        let pos = trimmed.find(['=', ':']);
        let Some(pos) = pos else {
            return Err((
                lineno,
                format!("Source contains parsing errors: {trimmed:?}"),
            ));
        };
        let key = trimmed[..pos].trim().to_lowercase();
        let value = strip_inline_comment(trimmed[pos + 1..].trim()).to_string();
        sections
            .entry(sec.clone())
            .or_default()
            .insert(key.clone(), (value, lineno));
        last_key = Some(key);
    }
    // Interpolation, per section (with DEFAULT as fallback).
    let snapshot = sections.clone();
    for (sec, entries) in sections.iter_mut() {
        for (key, (value, line)) in entries.iter_mut() {
            *value = interpolate(value, sec, &snapshot, 0)
                .map_err(|m| (*line, format!("bad interpolation in {key}: {m}")))?;
        }
    }
    Ok(sections)
}

fn strip_inline_comment(v: &str) -> &str {
    let bytes = v.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] == b';' && bytes[i - 1].is_ascii_whitespace() {
            return v[..i].trim_end();
        }
    }
    v
}

fn interpolate(value: &str, section: &str, all: &Sections, depth: usize) -> Result<String, String> {
    if depth > 10 {
        return Err("interpolation depth exceeded".into());
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with("%%") {
            out.push('%');
            rest = &rest[2..];
        } else if let Some(end) = rest.strip_prefix("%(").and_then(|r| r.find(")s")) {
            let name = rest[2..2 + end].to_lowercase();
            let found = all
                .get(section)
                .and_then(|s| s.get(&name))
                .or_else(|| all.get("DEFAULT").and_then(|s| s.get(&name)))
                .ok_or_else(|| format!("no option {name:?}"))?;
            out.push_str(&interpolate(&found.0, section, all, depth + 1)?);
            rest = &rest[2 + end + 2..];
        } else {
            return Err("'%' must be followed by '%' or '('".into());
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The settings stackctl reads, named after Ansible's.
pub mod defs {
    use super::SettingDef;

    macro_rules! def {
        ($name:ident, [$(($s:literal, $k:literal)),*], [$($e:literal),*]) => {
            pub const $name: SettingDef = SettingDef { ini: &[$(($s, $k)),*], env: &[$($e),*] };
        };
    }

    def!(
        INVENTORY,
        [("defaults", "inventory")],
        ["ANSIBLE_INVENTORY"]
    );
    def!(
        REMOTE_USER,
        [("defaults", "remote_user")],
        ["ANSIBLE_REMOTE_USER"]
    );
    def!(
        REMOTE_PORT,
        [("defaults", "remote_port")],
        ["ANSIBLE_REMOTE_PORT"]
    );
    def!(
        PRIVATE_KEY_FILE,
        [("defaults", "private_key_file")],
        ["ANSIBLE_PRIVATE_KEY_FILE"]
    );
    def!(
        HOST_KEY_CHECKING,
        [
            ("defaults", "host_key_checking"),
            ("ssh_connection", "host_key_checking")
        ],
        ["ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_SSH_HOST_KEY_CHECKING"]
    );
    def!(TIMEOUT, [("defaults", "timeout")], ["ANSIBLE_TIMEOUT"]);
    def!(
        SSH_TIMEOUT,
        [("defaults", "timeout"), ("ssh_connection", "timeout")],
        ["ANSIBLE_TIMEOUT", "ANSIBLE_SSH_TIMEOUT"]
    );
    def!(FORKS, [("defaults", "forks")], ["ANSIBLE_FORKS"]);
    def!(
        TRANSPORT,
        [("defaults", "transport")],
        ["ANSIBLE_TRANSPORT"]
    );
    def!(
        HASH_BEHAVIOUR,
        [("defaults", "hash_behaviour")],
        ["ANSIBLE_HASH_BEHAVIOUR"]
    );
    def!(
        PLAYBOOK_DIR,
        [("defaults", "playbook_dir")],
        ["ANSIBLE_PLAYBOOK_DIR"]
    );
    def!(
        INTERPRETER_PYTHON,
        [("defaults", "interpreter_python")],
        ["ANSIBLE_PYTHON_INTERPRETER"]
    );
    def!(
        VAULT_PASSWORD_FILE,
        [("defaults", "vault_password_file")],
        ["ANSIBLE_VAULT_PASSWORD_FILE"]
    );
    def!(
        INVENTORY_IGNORE,
        [
            ("defaults", "inventory_ignore_extensions"),
            ("inventory", "ignore_extensions")
        ],
        ["ANSIBLE_INVENTORY_IGNORE"]
    );
    def!(
        INVENTORY_IGNORE_PATTERNS,
        [
            ("defaults", "inventory_ignore_patterns"),
            ("inventory", "ignore_patterns")
        ],
        ["ANSIBLE_INVENTORY_IGNORE_REGEX"]
    );
    def!(
        INVENTORY_ENABLED,
        [("inventory", "enable_plugins")],
        ["ANSIBLE_INVENTORY_ENABLED"]
    );
    def!(
        YAML_EXTENSIONS,
        [("defaults", "yaml_valid_extensions")],
        ["ANSIBLE_YAML_FILENAME_EXT"]
    );
    def!(
        HOST_PATTERN_MISMATCH,
        [("inventory", "host_pattern_mismatch")],
        ["ANSIBLE_HOST_PATTERN_MISMATCH"]
    );
    def!(
        BECOME,
        [("privilege_escalation", "become")],
        ["ANSIBLE_BECOME"]
    );
    def!(
        BECOME_METHOD,
        [("privilege_escalation", "become_method")],
        ["ANSIBLE_BECOME_METHOD"]
    );
    def!(
        BECOME_USER,
        [("privilege_escalation", "become_user")],
        ["ANSIBLE_BECOME_USER"]
    );
    def!(
        BECOME_EXE,
        [("privilege_escalation", "become_exe")],
        ["ANSIBLE_BECOME_EXE"]
    );
    def!(
        BECOME_FLAGS,
        [("privilege_escalation", "become_flags")],
        ["ANSIBLE_BECOME_FLAGS"]
    );
    def!(
        BECOME_ASK_PASS,
        [("privilege_escalation", "become_ask_pass")],
        ["ANSIBLE_BECOME_ASK_PASS"]
    );
    def!(
        BECOME_ALLOW_SAME_USER,
        [("privilege_escalation", "become_allow_same_user")],
        ["ANSIBLE_BECOME_ALLOW_SAME_USER"]
    );
    def!(
        SSH_ARGS,
        [("ssh_connection", "ssh_args")],
        ["ANSIBLE_SSH_ARGS"]
    );
    def!(
        SSH_COMMON_ARGS,
        [("ssh_connection", "ssh_common_args")],
        ["ANSIBLE_SSH_COMMON_ARGS"]
    );
    def!(
        SSH_EXTRA_ARGS,
        [("ssh_connection", "ssh_extra_args")],
        ["ANSIBLE_SSH_EXTRA_ARGS"]
    );
    def!(
        SSH_EXECUTABLE,
        [("ssh_connection", "ssh_executable")],
        ["ANSIBLE_SSH_EXECUTABLE"]
    );
    def!(
        SSH_VERBOSITY,
        [("ssh_connection", "verbosity")],
        ["ANSIBLE_SSH_VERBOSITY"]
    );
    def!(DOAS_EXE, [], ["ANSIBLE_DOAS_EXE"]);
    def!(
        SUDO_EXE,
        [
            ("privilege_escalation", "sudo_exe"),
            ("sudo_become_plugin", "executable")
        ],
        ["ANSIBLE_SUDO_EXE"]
    );
    def!(
        SUDO_FLAGS,
        [
            ("privilege_escalation", "sudo_flags"),
            ("sudo_become_plugin", "flags")
        ],
        ["ANSIBLE_SUDO_FLAGS"]
    );
    def!(
        ANY_UNPARSED_IS_FAILED,
        [("inventory", "any_unparsed_is_failed")],
        ["ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED"]
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configparser_semantics() {
        let s = parse_configparser(
            "[defaults]\nRemote_User = 'deploy' ; who\nforks: 7\npct = 50%%\n# c\n[x]\na = 1 # not a comment\n",
        )
        .unwrap();
        assert_eq!(s["defaults"]["remote_user"].0, "'deploy'");
        assert_eq!(unquote(&s["defaults"]["remote_user"].0), "deploy");
        assert_eq!(s["defaults"]["forks"].0, "7");
        assert_eq!(s["defaults"]["pct"].0, "50%");
        assert_eq!(s["x"]["a"].0, "1 # not a comment");
    }

    #[test]
    fn env_beats_cfg() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("ansible.cfg");
        std::fs::write(&cfg, "[defaults]\nremote_user = cfguser\n").unwrap();
        let mut env = HashMap::new();
        let s = Settings::from_parts(Some(&cfg), env.clone()).unwrap();
        assert_eq!(s.lookup(&defs::REMOTE_USER).unwrap().0, "cfguser");
        env.insert("ANSIBLE_REMOTE_USER".into(), "envuser".into());
        let s = Settings::from_parts(Some(&cfg), env).unwrap();
        let (v, o) = s.lookup(&defs::REMOTE_USER).unwrap();
        assert_eq!(v, "envuser");
        assert_eq!(o, Origin::Env("ANSIBLE_REMOTE_USER".into()));
    }
}
