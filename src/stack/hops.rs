//! Turning one host's config dict into Mitogen hop dicts: the CONNECTION_METHOD table
//! (transport or become name → Router method) and each builder's exact kwargs
//! (mitogen-stack.md §2.4, §2.5). Keys are always all present; unset ones are null.

use crate::config::Config;
use crate::value::{Map, Value};

/// Whether a hop logs in (connection) or switches user (become).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    Login,
    Become,
}

/// The builders of Mitogen's CONNECTION_METHOD table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    Ssh,
    Local,
    Buildah,
    Docker,
    Podman,
    Kubectl,
    Jail,
    Lxc,
    Lxd,
    Incus,
    Machinectl,
    Setns,
    Su,
    Sudo,
    Doas,
    MitogenSu,
    MitogenSudo,
    MitogenDoas,
}

/// Every key of the CONNECTION_METHOD table, for error messages.
pub const CONNECTION_METHODS: [&str; 20] = [
    "buildah",
    "docker",
    "kubectl",
    "jail",
    "local",
    "incus",
    "lxc",
    "lxd",
    "machinectl",
    "podman",
    "setns",
    "ssh",
    "smart",
    "su",
    "sudo",
    "doas",
    "community.general.doas",
    "mitogen_su",
    "mitogen_sudo",
    "mitogen_doas",
];

impl Builder {
    /// Looks up a transport or become-method name in the CONNECTION_METHOD table.
    pub fn from_name(name: &str) -> Option<Builder> {
        Some(match name {
            "buildah" => Builder::Buildah,
            "docker" => Builder::Docker,
            "kubectl" => Builder::Kubectl,
            "jail" => Builder::Jail,
            "local" => Builder::Local,
            "incus" => Builder::Incus,
            "lxc" => Builder::Lxc,
            "lxd" => Builder::Lxd,
            "machinectl" => Builder::Machinectl,
            "podman" => Builder::Podman,
            "setns" => Builder::Setns,
            "ssh" | "smart" => Builder::Ssh,
            "su" => Builder::Su,
            "sudo" => Builder::Sudo,
            "doas" | "community.general.doas" => Builder::Doas,
            "mitogen_su" => Builder::MitogenSu,
            "mitogen_sudo" => Builder::MitogenSudo,
            "mitogen_doas" => Builder::MitogenDoas,
            _ => return None,
        })
    }

    /// The Router method (what `resolve` calls the hop's method).
    pub fn method(self) -> &'static str {
        match self {
            Builder::Ssh => "ssh",
            Builder::Local => "local",
            Builder::Buildah => "buildah",
            Builder::Docker => "docker",
            Builder::Podman => "podman",
            Builder::Kubectl => "kubectl",
            Builder::Jail => "jail",
            Builder::Lxc => "lxc",
            Builder::Lxd => "lxd",
            Builder::Incus => "incus",
            Builder::Machinectl | Builder::Setns => "setns",
            Builder::Su | Builder::MitogenSu => "su",
            Builder::Sudo | Builder::MitogenSudo => "sudo",
            Builder::Doas | Builder::MitogenDoas => "doas",
        }
    }

    /// Become builders carry `enable_lru` (interpreter recycling).
    pub fn enable_lru(self) -> bool {
        matches!(self, Builder::Su | Builder::Sudo | Builder::Doas)
    }
}

/// Python-side `convert_bool` of `mitogen_ssh_compression` (None → True).
fn convert_bool(v: &Value) -> Result<bool, String> {
    if v.is_null() {
        return Ok(true);
    }
    let s = match v {
        Value::Bool(b) => {
            if *b {
                "true".to_string()
            } else {
                "false".to_string()
            }
        }
        other => other.py_str().to_lowercase(),
    };
    match s.as_str() {
        "no" | "false" | "0" => Ok(false),
        "yes" | "true" | "1" => Ok(true),
        _ => Err(format!(
            "expected yes/no/true/false/0/1, got {}",
            v.py_repr()
        )),
    }
}

/// `~` expanded against the operator's home, as `os.path.expanduser` does.
fn expand_user(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if s == "~" || s.starts_with("~/") => match std::env::var("HOME") {
            Ok(home) => Value::Str(format!("{home}{}", &s[1..])),
            Err(_) => v.clone(),
        },
        Some(s) if !s.is_empty() => Value::str(s),
        _ => Value::Null,
    }
}

fn or_default(v: &Value, d: i64) -> Value {
    if v.truthy() { v.clone() } else { Value::Int(d) }
}

/// The kwargs Mitogen's builder would pass for this config.
pub fn kwargs(builder: Builder, c: &Config) -> Result<Map, String> {
    let mut k = Map::new();
    let mut put = |key: &str, v: Value| {
        k.insert(key.to_string(), v);
    };
    let remote_name = if c.get("mitogen_mask_remote_name").truthy() {
        Value::str("ansible")
    } else {
        Value::Null
    };
    let python_path = c.get("python_path").clone();
    let timeout = c.get("timeout").clone();
    match builder {
        Builder::Ssh => {
            let hkc = if c.get("host_key_checking").ansible_bool() {
                "enforce"
            } else {
                "ignore"
            };
            put("check_host_keys", Value::str(hkc));
            put("hostname", c.get("remote_addr").clone());
            put("username", c.get("remote_user").clone());
            put(
                "compression",
                Value::Bool(convert_bool(c.get("mitogen_ssh_compression"))?),
            );
            put("password", c.get("password").clone());
            put("port", c.get("port").clone());
            put("python_path", python_path);
            put("identity_file", expand_user(c.get("private_key_file")));
            put("identities_only", Value::Bool(false));
            put("ssh_path", c.get("ssh_executable").clone());
            put("connect_timeout", timeout);
            put("ssh_args", c.get("ssh_args").clone());
            put("ssh_debug_level", c.get("verbosity").clone());
            put("remote_name", remote_name);
            put(
                "keepalive_count",
                or_default(c.get("mitogen_ssh_keepalive_count"), 10),
            );
            put(
                "keepalive_interval",
                or_default(c.get("mitogen_ssh_keepalive_interval"), 30),
            );
        }
        Builder::Local => put("python_path", python_path),
        Builder::Buildah | Builder::Docker | Builder::Podman | Builder::Jail => {
            put("username", c.get("remote_user").clone());
            put("container", c.get("remote_addr").clone());
            put("python_path", python_path);
            put("connect_timeout", timeout);
            put("remote_name", remote_name);
            // stackctl honours the engine path variables Mitogen ignores (§8); the key only
            // appears when set, so unset configs match Mitogen exactly.
            let path_var = match builder {
                Builder::Buildah => Some(("buildah_path", "mitogen_buildah_path")),
                Builder::Docker => Some(("docker_path", "mitogen_docker_path")),
                Builder::Podman => Some(("podman_path", "mitogen_podman_path")),
                _ => None,
            };
            if let Some((kw, var)) = path_var
                && c.get(var).truthy()
            {
                put(kw, c.get(var).clone());
            }
        }
        Builder::Kubectl => {
            put("pod", c.get("remote_addr").clone());
            put("python_path", python_path);
            put("connect_timeout", timeout);
            put("kubectl_path", c.get("mitogen_kubectl_path").clone());
            put("kubectl_args", c.get("extra_args").clone());
            put("remote_name", remote_name);
        }
        Builder::Lxc => {
            put("container", c.get("remote_addr").clone());
            put("python_path", python_path);
            put("lxc_attach_path", c.get("mitogen_lxc_attach_path").clone());
            put("connect_timeout", timeout);
            put("remote_name", remote_name);
        }
        Builder::Lxd => {
            put("container", c.get("remote_addr").clone());
            put("python_path", python_path);
            put("lxc_path", c.get("mitogen_lxc_path").clone());
            put("connect_timeout", timeout);
            put("remote_name", remote_name);
        }
        Builder::Incus => {
            put("container", c.get("remote_addr").clone());
            put("python_path", python_path);
            put("incus_path", c.get("mitogen_incus_path").clone());
            put("connect_timeout", timeout);
            put("remote_name", remote_name);
        }
        Builder::Machinectl | Builder::Setns => {
            put("container", c.get("remote_addr").clone());
            put("username", c.get("remote_user").clone());
            put("python_path", python_path);
            let kind = if builder == Builder::Machinectl {
                Value::str("machinectl")
            } else {
                c.get("mitogen_kind").clone()
            };
            put("kind", kind);
            put("docker_path", c.get("mitogen_docker_path").clone());
            put("lxc_path", c.get("mitogen_lxc_path").clone());
            put("lxc_info_path", c.get("mitogen_lxc_info_path").clone());
            put("machinectl_path", c.get("mitogen_machinectl_path").clone());
        }
        Builder::Su
        | Builder::Sudo
        | Builder::Doas
        | Builder::MitogenSu
        | Builder::MitogenSudo
        | Builder::MitogenDoas => {
            let first_class = matches!(
                builder,
                Builder::MitogenSu | Builder::MitogenSudo | Builder::MitogenDoas
            );
            let (user, pass) = if first_class {
                (c.get("remote_user").clone(), c.get("password").clone())
            } else {
                (c.get("become_user").clone(), c.get("become_pass").clone())
            };
            put("username", user);
            put("password", pass);
            put("python_path", python_path);
            match builder {
                Builder::Su | Builder::MitogenSu => put("su_path", c.get("become_exe").clone()),
                Builder::Sudo | Builder::MitogenSudo => {
                    put("sudo_path", c.get("become_exe").clone())
                }
                Builder::Doas => put("doas_path", c.get("become_exe").clone()),
                _ => put("doas_path", c.get("ansible_doas_exe").clone()),
            }
            put("connect_timeout", timeout);
            if matches!(builder, Builder::Sudo | Builder::MitogenSudo) {
                put("sudo_args", c.get("sudo_args").clone());
            }
            put("remote_name", remote_name);
        }
    }
    Ok(k)
}
