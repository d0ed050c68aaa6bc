//! Config stage: ONE builder of the Ansible-named connection config dict (`remote_addr`,
//! `remote_user`, `port`, `become_user`, `ssh_args`, every `mitogen_*` …) for a host, either as
//! the target (host vars + command line + ansible.cfg/env, Mitogen's PlayContextSpec) or as a
//! `mitogen_via` intermediary (its own host vars and globals only, MitogenViaSpec).
//! Rules: mitogen-stack.md §1.2–§1.4; every value carries its provenance for `--explain`.

pub mod lookup;
pub mod play_context;

pub use lookup::{VarLookup, Vars};
pub use play_context::{PlayContext, Secret};

use crate::origin::Origin;
use crate::settings::{Settings, defs};
use crate::value::Value;
use indexmap::IndexMap;
use lookup::Mode;

/// Whom the config is for.
#[derive(Debug, Clone)]
pub enum Role<'a> {
    /// The host the command runs on: the command line applies.
    Target { play: &'a PlayContext },
    /// An intermediary named by a via string; `become_method`/`become_user` come from it.
    /// Of the command line only the ssh plugin's global options (`--ssh-common-args`,
    /// `--ssh-extra-args`) reach it.
    Via {
        become_method: Option<String>,
        become_user: Option<String>,
        play: &'a PlayContext,
    },
}

/// Where one config value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The name it was read under: a variable (`ansible_ssh_user`), a flag (`-u`), an
    /// environment variable or ansible.cfg key, or `default`.
    pub name: String,
    pub origin: Origin,
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            Origin::Default => write!(f, "{}", self.name),
            Origin::Cli(_) | Origin::Env(_) => write!(f, "{}", self.origin),
            o => write!(f, "{} ({})", self.name, o),
        }
    }
}

/// One config key's value and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    pub from: Provenance,
}

/// The config dict of one host, keys in a stable documented order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub entries: IndexMap<&'static str, Entry>,
}

impl Config {
    pub fn get(&self, key: &str) -> &Value {
        self.entries
            .get(key)
            .map(|e| &e.value)
            .unwrap_or(&Value::Null)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).as_str()
    }

    fn set(&mut self, key: &'static str, value: Value, from: Provenance) {
        self.entries.insert(key, Entry { value, from });
    }
}

/// Config keys whose values are secrets (redacted unless `--show-secrets`).
pub const SECRET_KEYS: [&str; 2] = ["password", "become_pass"];

/// The `mitogen_*` settings read as same-named variables (§1.2).
pub const MITOGEN_VARS: [&str; 16] = [
    "mitogen_via",
    "mitogen_kind",
    "mitogen_mask_remote_name",
    "mitogen_buildah_path",
    "mitogen_docker_path",
    "mitogen_kubectl_path",
    "mitogen_incus_path",
    "mitogen_lxc_path",
    "mitogen_lxc_attach_path",
    "mitogen_lxc_info_path",
    "mitogen_machinectl_path",
    "mitogen_podman_path",
    "mitogen_ssh_keepalive_interval",
    "mitogen_ssh_keepalive_count",
    "mitogen_ssh_debug_level",
    "mitogen_ssh_compression",
];

/// kubectl connection options turned into `extra_args` for kubectl targets, in the vanilla
/// plugin's order: variable `ansible_<key>` → flag.
const KUBECTL_OPTIONS: [(&str, &str); 12] = [
    ("kubectl_container", "-c"),
    ("kubectl_namespace", "-n"),
    ("kubectl_kubeconfig", "--kubeconfig"),
    ("kubectl_context", "--context"),
    ("kubectl_host", "--server"),
    ("kubectl_username", "--username"),
    ("kubectl_password", "--password"),
    ("client_cert", "--client-certificate"),
    ("client_key", "--client-key"),
    ("ca_cert", "--certificate-authority"),
    ("validate_certs", "--insecure-skip-tls-verify"),
    ("kubectl_token", "--token"),
];

/// Ansible's ssh plugin default `ssh_args`.
pub const DEFAULT_SSH_ARGS: &str = "-C -o ControlMaster=auto -o ControlPersist=60s";

/// Ansible's fallback interpreter when discovery finds nothing (2.17+).
pub const FALLBACK_PYTHON: &str = "/usr/bin/python3";

/// An error building a host's config: names the host and what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{host}: {message}")]
pub struct ConfigError {
    pub host: String,
    pub message: String,
}

/// Builds the config dict of `host` in `role`. `vars` gives the host's (rendered) variables.
pub fn build(
    host: &str,
    vars: &dyn VarLookup,
    settings: &Settings,
    role: &Role,
) -> Result<Config, ConfigError> {
    let err = |message: String| ConfigError {
        host: host.to_string(),
        message,
    };
    let l = lookup::Lookup { vars, settings };
    let mut c = Config::default();
    let target = matches!(role, Role::Target { .. });
    let play = match role {
        Role::Target { play } => Some(*play),
        Role::Via { .. } => None,
    };
    let global_play = match role {
        Role::Target { play } | Role::Via { play, .. } => *play,
    };
    // Target options resolve "defined wins" in Ansible's option order; via hosts use Python
    // `or` chains, where any falsy value falls through (§1.3).
    let mode = if target { Mode::Defined } else { Mode::Truthy };

    // transport
    let transport = if target {
        l.first(mode, &["ansible_connection"])
            .map_err(err)?
            .or_else(|| cli(play.and_then(|p| p.connection.clone()), "-c"))
            .or_else(|| l.setting(&defs::TRANSPORT))
            .unwrap_or_else(|| default(Value::str("ssh")))
    } else {
        l.first(mode, &["ansible_connection"])
            .map_err(err)?
            .or_else(|| l.setting(&defs::TRANSPORT))
            .unwrap_or_else(|| default(Value::str("ssh")))
    };
    let transport_name = transport.0.py_str();
    c.set(
        "transport",
        Value::str(target_transport(&transport_name, target)),
        transport.1,
    );
    c.set(
        "inventory_name",
        Value::str(host),
        Provenance {
            name: "inventory_hostname".into(),
            origin: Origin::Default,
        },
    );

    // remote_addr
    let addr = l
        .first(mode, &["ansible_ssh_host", "ansible_host"])
        .map_err(err)?
        .unwrap_or_else(|| {
            (
                Value::str(host),
                prov("inventory_hostname", Origin::Default),
            )
        });
    c.set("remote_addr", addr.0, addr.1);

    // remote_user
    let mut user = l
        .first(mode, &["ansible_ssh_user", "ansible_user"])
        .map_err(err)?;
    if target {
        user = user.or_else(|| cli(play.and_then(|p| p.remote_user.clone()), "-u"));
    }
    let user = user
        .or_else(|| l.setting(&defs::REMOTE_USER))
        .unwrap_or_else(|| default(Value::Null));
    c.set("remote_user", user.0, user.1);

    // password
    let mut pw = l
        .first(
            mode,
            &[
                "ansible_ssh_password",
                "ansible_ssh_pass",
                "ansible_password",
            ],
        )
        .map_err(err)?;
    if target {
        pw = pw.or_else(|| secret(play.and_then(|p| p.password.clone()), "--ask-pass"));
    }
    let pw = pw.unwrap_or_else(|| default(Value::Null));
    c.set("password", pw.0, pw.1);

    // port: an int for the target (option typing); the raw value for via hosts.
    let port = l
        .first(mode, &["ansible_ssh_port", "ansible_port"])
        .map_err(err)?
        .or_else(|| {
            l.setting(&defs::REMOTE_PORT)
                .map(|(v, p)| (to_int(&v).unwrap_or(v), p))
        })
        .unwrap_or_else(|| default(Value::Null));
    let port_value = if target {
        match &port.0 {
            Value::Null => Value::Null,
            v => to_int(v)
                .ok_or_else(|| err(format!("ansible_port {} is not an integer", v.py_repr())))?,
        }
    } else {
        port.0.clone()
    };
    c.set("port", port_value, port.1);

    // become, become_method, become_user
    let (become_v, method, become_user) = match role {
        Role::Target { play } => {
            let b = l
                .first(mode, &["ansible_become"])
                .map_err(err)?
                .or_else(|| {
                    play.r#become
                        .then(|| (Value::Bool(true), prov("-b", Origin::Cli("-b".into()))))
                })
                .or_else(|| l.setting(&defs::BECOME))
                .unwrap_or_else(|| default(Value::Bool(false)));
            let b = (Value::Bool(b.0.ansible_bool()), b.1);
            let m = l
                .first(mode, &["ansible_become_method"])
                .map_err(err)?
                .or_else(|| cli(play.become_method.clone(), "--become-method"))
                .or_else(|| l.setting(&defs::BECOME_METHOD))
                .unwrap_or_else(|| default(Value::str("sudo")));
            let method = m.0.py_str();
            let user_vars: &[&str] = match method.as_str() {
                "sudo" => &["ansible_sudo_user", "ansible_become_user"],
                "su" => &["ansible_su_user", "ansible_become_user"],
                _ => &["ansible_become_user"],
            };
            let u = l
                .first(mode, user_vars)
                .map_err(err)?
                .or_else(|| cli(play.become_user.clone(), "--become-user"))
                .or_else(|| l.setting(&defs::BECOME_USER))
                .unwrap_or_else(|| {
                    // Only the sudo and su plugins default to root; doas, dzdo … have no
                    // default user, so with none set no become hop is added (corpus 03#5).
                    match method.as_str() {
                        "sudo" | "su" => default(Value::str("root")),
                        _ => default(Value::Null),
                    }
                });
            (b, m, u)
        }
        Role::Via {
            become_method,
            become_user,
            ..
        } => {
            let b = (
                Value::Bool(become_user.is_some()),
                prov("mitogen_via", Origin::Implicit("via string".into())),
            );
            let m = match become_method {
                Some(m) => (
                    Value::str(m.clone()),
                    prov("mitogen_via", Origin::Implicit("via string".into())),
                ),
                None => l
                    .first(mode, &["ansible_become_method"])
                    .map_err(err)?
                    .or_else(|| l.setting(&defs::BECOME_METHOD))
                    .unwrap_or_else(|| default(Value::str("sudo"))),
            };
            let u = match become_user {
                Some(u) => (
                    Value::str(u.clone()),
                    prov("mitogen_via", Origin::Implicit("via string".into())),
                ),
                None => default(Value::Null),
            };
            (b, m, u)
        }
    };
    let method_name = method.0.py_str();
    c.set("become", become_v.0, become_v.1);
    c.set("become_method", Value::str(method_name.clone()), method.1);
    c.set("become_user", become_user.0, become_user.1);

    // become_pass
    let bp = if target {
        let names: &[&str] = match method_name.as_str() {
            "sudo" => &[
                "ansible_sudo_pass",
                "ansible_become_pass",
                "ansible_become_password",
            ],
            "su" => &[
                "ansible_su_pass",
                "ansible_become_pass",
                "ansible_become_password",
            ],
            "doas" | "community.general.doas" => &[
                "ansible_doas_pass",
                "ansible_become_pass",
                "ansible_become_password",
            ],
            _ => &["ansible_become_pass", "ansible_become_password"],
        };
        l.first(mode, names).map_err(err)?.or_else(|| {
            secret(
                play.and_then(|p| p.become_pass.clone()),
                "--ask-become-pass",
            )
        })
    } else {
        l.first(mode, &["ansible_become_pass", "ansible_become_password"])
            .map_err(err)?
    };
    let bp = bp.unwrap_or_else(|| default(Value::Null));
    c.set("become_pass", bp.0, bp.1);

    // become_exe / become_flags / sudo_args
    if target {
        let (exe_vars, flag_vars, exe_default, flags_default): (&[&str], &[&str], &str, &str) =
            match method_name.as_str() {
                "sudo" => (
                    &["ansible_sudo_exe", "ansible_become_exe"],
                    &["ansible_sudo_flags", "ansible_become_flags"],
                    "sudo",
                    "-H -S -n",
                ),
                "su" => (
                    &["ansible_su_exe", "ansible_become_exe"],
                    &["ansible_su_flags", "ansible_become_flags"],
                    "su",
                    "",
                ),
                "doas" | "community.general.doas" => (
                    &["ansible_doas_exe", "ansible_become_exe"],
                    &["ansible_doas_flags", "ansible_become_flags"],
                    "doas",
                    "",
                ),
                _ => (&["ansible_become_exe"], &["ansible_become_flags"], "", ""),
            };
        let mut exe = l
            .first(mode, exe_vars)
            .map_err(err)?
            .or_else(|| l.setting(&defs::BECOME_EXE));
        if method_name == "sudo" {
            exe = exe.or_else(|| l.setting(&defs::SUDO_EXE));
        }
        let exe = exe.unwrap_or_else(|| {
            default(if exe_default.is_empty() {
                Value::Null
            } else {
                Value::str(exe_default)
            })
        });
        let mut flags = l
            .first(mode, flag_vars)
            .map_err(err)?
            .or_else(|| l.setting(&defs::BECOME_FLAGS));
        if method_name == "sudo" {
            flags = flags.or_else(|| l.setting(&defs::SUDO_FLAGS));
        }
        let flags = flags.unwrap_or_else(|| default(Value::str(flags_default)));
        let sudo_args = split_words(&flags.0).map_err(err)?;
        c.set("become_exe", exe.0, exe.1);
        c.set("sudo_args", Value::List(sudo_args), flags.1.clone());
        c.set("become_flags", flags.0, flags.1);
    } else {
        let exe = l
            .first(mode, &["ansible_become_exe"])
            .map_err(err)?
            .or_else(|| l.setting(&defs::BECOME_EXE))
            .unwrap_or_else(|| default(Value::Null));
        let flags = l
            .first(mode, &["ansible_become_flags"])
            .map_err(err)?
            .unwrap_or_else(|| default(Value::Null));
        let sudo_flags = l.first(mode, &["ansible_sudo_flags"]).map_err(err)?;
        let mut args = match &sudo_flags {
            Some((v, _)) => split_words(v).map_err(err)?,
            None => Vec::new(),
        };
        args.extend(split_words(&flags.0).map_err(err)?);
        let from = sudo_flags.map(|s| s.1).unwrap_or_else(|| flags.1.clone());
        c.set("become_exe", exe.0, exe.1);
        c.set("become_flags", flags.0, flags.1);
        c.set("sudo_args", Value::List(args), from);
    }

    // python_path
    let py = l
        .first(mode, &["ansible_python_interpreter"])
        .map_err(err)?;
    let py = if target {
        py.or_else(|| l.setting(&defs::INTERPRETER_PYTHON))
    } else {
        py
    };
    let py = py.unwrap_or_else(|| default(Value::str("auto")));
    let py_text = py.0.py_str();
    let python_path = if py_text.is_empty() || is_discovery_mode(&py_text) {
        vec![Value::str(FALLBACK_PYTHON)]
    } else {
        split_words(&py.0).map_err(err)?
    };
    c.set("python_path", Value::List(python_path), py.1);

    // host_key_checking: first non-None (both roles), then boolean().
    let hkc = l
        .first(
            Mode::Defined,
            &["ansible_ssh_host_key_checking", "ansible_host_key_checking"],
        )
        .map_err(err)?
        .filter(|(v, _)| !v.is_null())
        .or_else(|| l.setting(&defs::HOST_KEY_CHECKING))
        .unwrap_or_else(|| default(Value::Bool(true)));
    c.set(
        "host_key_checking",
        Value::Bool(hkc.0.ansible_bool()),
        hkc.1,
    );

    // private_key_file
    let mut key = l
        .first(
            mode,
            &["ansible_ssh_private_key_file", "ansible_private_key_file"],
        )
        .map_err(err)?;
    if target {
        key = key.or_else(|| {
            cli(
                play.and_then(|p| p.private_key_file.clone()),
                "--private-key",
            )
        });
    }
    let key = key
        .or_else(|| l.setting(&defs::PRIVATE_KEY_FILE))
        .unwrap_or_else(|| default(Value::Null));
    c.set("private_key_file", key.0, key.1);

    // ssh_executable (via hosts use their own vars: a Mitogen quirk not copied, §8)
    let exe = l
        .first(mode, &["ansible_ssh_executable"])
        .map_err(err)?
        .or_else(|| l.setting(&defs::SSH_EXECUTABLE))
        .unwrap_or_else(|| default(Value::str("ssh")));
    c.set("ssh_executable", exe.0, exe.1);

    // timeout: target resolves the ssh option; via hosts always use the global default.
    let timeout = if target {
        l.first(mode, &["ansible_ssh_timeout", "ansible_timeout"])
            .map_err(err)?
            .or_else(|| {
                play.and_then(|p| p.timeout)
                    .map(|t| (Value::Int(t), prov("-T", Origin::Cli("-T".into()))))
            })
            .or_else(|| l.setting(&defs::SSH_TIMEOUT))
    } else {
        l.setting(&defs::TIMEOUT)
    };
    let timeout = timeout.unwrap_or_else(|| default(Value::Int(10)));
    let t = to_int(&timeout.0)
        .ok_or_else(|| err(format!("timeout {} is not an integer", timeout.0.py_repr())))?;
    c.set("timeout", t, timeout.1);

    // ssh_args = ssh_args + ssh_common_args + ssh_extra_args, each shlex-split.
    let args = l
        .first(mode, &["ansible_ssh_args"])
        .map_err(err)?
        .or_else(|| l.setting(&defs::SSH_ARGS))
        .unwrap_or_else(|| default(Value::str(DEFAULT_SSH_ARGS)));
    let common = l
        .first(mode, &["ansible_ssh_common_args"])
        .map_err(err)?
        .or_else(|| cli(global_play.ssh_common_args.clone(), "--ssh-common-args"))
        .or_else(|| l.setting(&defs::SSH_COMMON_ARGS));
    let extra = l
        .first(mode, &["ansible_ssh_extra_args"])
        .map_err(err)?
        .or_else(|| cli(global_play.ssh_extra_args.clone(), "--ssh-extra-args"))
        .or_else(|| l.setting(&defs::SSH_EXTRA_ARGS));
    let mut ssh_args = split_words(&args.0).map_err(err)?;
    let mut from = args.1.clone();
    for (v, p) in [common, extra].into_iter().flatten() {
        ssh_args.extend(split_words(&v).map_err(err)?);
        if !v.py_str().is_empty() {
            from = p;
        }
    }
    c.set("ssh_args", Value::List(ssh_args), from);

    // mitogen_* variables
    for name in MITOGEN_VARS {
        let v = l
            .first(Mode::Defined, &[name])
            .map_err(err)?
            .unwrap_or_else(|| default(Value::Null));
        c.set(name, v.0, v.1);
    }

    // stackctl_ssh_chain: how consecutive ssh hops are chained (execution.md §2).
    let chain = l
        .first(Mode::Defined, &["stackctl_ssh_chain"])
        .map_err(err)?
        .filter(|(v, _)| !v.is_null())
        .unwrap_or_else(|| default(Value::str("tunnel")));
    let chain_text = chain.0.py_str();
    if !matches!(chain_text.as_str(), "tunnel" | "nested") {
        return Err(err(format!(
            "stackctl_ssh_chain={} must be 'tunnel' or 'nested'",
            chain.0.py_repr()
        )));
    }
    c.set("stackctl_ssh_chain", Value::str(chain_text), chain.1);

    // shell_type: which shell logs the account in (Ansible's shell plugin name); it decides
    // how stackctl asks the remote login shell for its process id (transport::stop).
    let shell = l
        .first(Mode::Defined, &["ansible_shell_type"])
        .map_err(err)?
        .filter(|(v, _)| !v.is_null())
        .unwrap_or_else(|| default(Value::str("sh")));
    c.set("shell_type", Value::str(shell.0.py_str()), shell.1);

    // extra_args (kubectl targets only)
    let mut extra_args = Vec::new();
    if target && c.str("transport") == Some("kubectl") {
        for (key, flag) in KUBECTL_OPTIONS {
            if let Some((v, _)) = l
                .first(Mode::Defined, &[&format!("ansible_{key}")])
                .map_err(err)?
                && !v.is_null()
            {
                extra_args.push(Value::str(flag));
                extra_args.push(v);
            }
        }
    }
    c.set(
        "extra_args",
        Value::List(extra_args),
        prov("kubectl variables", Origin::Default),
    );

    // ansible_doas_exe
    // Both specs read it as `var or env` (a falsy var falls through).
    let doas = l
        .first(Mode::Truthy, &["ansible_doas_exe"])
        .map_err(err)?
        .or_else(|| l.setting(&defs::DOAS_EXE))
        .unwrap_or_else(|| default(Value::Null));
    c.set("ansible_doas_exe", doas.0, doas.1);

    // verbosity: the ssh option on ssh targets; mitogen_ssh_debug_level elsewhere.
    let verbosity = if target && c.str("transport") == Some("ssh") {
        l.first(mode, &["ansible_ssh_verbosity"])
            .map_err(err)?
            .or_else(|| l.setting(&defs::SSH_VERBOSITY))
    } else if target {
        l.first(mode, &["mitogen_ssh_debug_level"]).map_err(err)?
    } else {
        l.first(Mode::Defined, &["ansible_ssh_verbosity"])
            .map_err(err)?
            .filter(|(v, _)| !v.is_null())
            .or(l.first(mode, &["mitogen_ssh_debug_level"]).map_err(err)?)
    };
    let verbosity = verbosity.unwrap_or_else(|| default(Value::Int(0)));
    let vint = if verbosity.0.truthy() {
        to_int(&verbosity.0).unwrap_or(Value::Int(0))
    } else {
        Value::Int(0)
    };
    c.set("verbosity", vint, verbosity.1);

    Ok(c)
}

/// A target's connection name as Mitogen's strategy sees it: `smart` and the builtin FQCNs
/// are ssh/local; via hosts keep the raw name (§2.4).
fn target_transport(name: &str, target: bool) -> String {
    if !target {
        return name.to_string();
    }
    match name {
        "smart" | "ansible.builtin.ssh" => "ssh".into(),
        "ansible.builtin.local" => "local".into(),
        other => other.to_string(),
    }
}

fn is_discovery_mode(s: &str) -> bool {
    matches!(
        s,
        "auto" | "auto_silent" | "auto_legacy" | "auto_legacy_silent"
    )
}

fn prov(name: &str, origin: Origin) -> Provenance {
    Provenance {
        name: name.to_string(),
        origin,
    }
}

fn default(v: Value) -> (Value, Provenance) {
    (v, prov("default", Origin::Default))
}

fn cli(v: Option<String>, flag: &str) -> Option<(Value, Provenance)> {
    v.map(|s| (Value::Str(s), prov(flag, Origin::Cli(flag.to_string()))))
}

fn secret(v: Option<Secret>, flag: &str) -> Option<(Value, Provenance)> {
    v.map(|s| {
        (
            Value::Str(s.expose().to_string()),
            prov(flag, Origin::Cli(flag.to_string())),
        )
    })
}

/// Python `int()` of a value (ints, int-like strings, floats truncated).
pub fn to_int(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(Value::Int(*i)),
        Value::Bool(b) => Some(Value::Int(*b as i64)),
        Value::Float(f) if f.is_finite() => Some(Value::Int(f.trunc() as i64)),
        Value::Str(s) | Value::Unsafe(s) => s
            .trim()
            .replace('_', "")
            .parse::<i64>()
            .ok()
            .map(Value::Int),
        _ => None,
    }
}

/// `shlex.split` of a value's text (None/empty → no words).
fn split_words(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::List(items) => Ok(items.clone()),
        other => {
            let text = other.py_str();
            shlex::split(&text)
                .map(|w| w.into_iter().map(Value::Str).collect())
                .ok_or_else(|| format!("cannot split {text:?}: No closing quotation"))
        }
    }
}
