//! `stackctl check` output and the failure classes it reports: a table per run for people, and
//! for scripts a JSON array, one object per host:
//! `{"host", "status", "error", "hops": [{index, method, inventory_host, ok, reached,
//! authenticated, become_ok, duration_ms, class, message, advice}]}`.
//!
//! A hop field is `null` when it does not apply (`authenticated` on a become hop, `become_ok`
//! on an ssh hop) or when the hop was not checked because an earlier one failed.

use super::{header_cells, new_table};
use serde::Serialize;

/// Why a hop failed, from the error text of ssh, sudo/su/doas, the container tools or the
/// shell. Printed as its words in tables (`host key changed`) and in JSON as snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    NameLookup,
    Refused,
    Timeout,
    HostKeyUnknown,
    HostKeyChanged,
    Authentication,
    BecomePassword,
    NoSuchContainer,
    CommandNotFound,
    /// The probe ran but exited non-zero, or a message no other class explains.
    Other,
}

impl Class {
    pub fn words(self) -> &'static str {
        match self {
            Class::NameLookup => "name lookup",
            Class::Refused => "refused",
            Class::Timeout => "timeout",
            Class::HostKeyUnknown => "host key unknown",
            Class::HostKeyChanged => "host key changed",
            Class::Authentication => "authentication",
            Class::BecomePassword => "become password",
            Class::NoSuchContainer => "no such container",
            Class::CommandNotFound => "command not found",
            Class::Other => "other",
        }
    }

    /// The connection itself never came up (the hop's machine was not reached).
    pub fn not_reached(self) -> bool {
        matches!(self, Class::NameLookup | Class::Refused | Class::Timeout)
    }

    /// One line of advice for an operator.
    pub fn advice(self) -> &'static str {
        match self {
            Class::NameLookup => {
                "check the host's ansible_host (or its name) and this machine's DNS / /etc/hosts"
            }
            Class::Refused => {
                "nothing listens there: is sshd running on that host, and is ansible_port right?"
            }
            Class::Timeout => {
                "no answer in time: check the address, firewalls and routes from the previous \
                 hop; raise ansible_timeout (-T) for slow links"
            }
            Class::HostKeyUnknown => {
                "the host key is not in known_hosts: verify it and add it (ssh-keyscan), or set \
                 ansible_host_key_checking=false for throwaway hosts"
            }
            Class::HostKeyChanged => {
                "the host key differs from known_hosts: if the host was rebuilt, verify the new \
                 key and remove the old one (ssh-keygen -R); otherwise treat it as an attack"
            }
            Class::Authentication => {
                "the server refused the login: check ansible_user, ansible_ssh_private_key_file \
                 (or the agent) and the account's authorized_keys"
            }
            Class::BecomePassword => {
                "give the right become password (-K, --become-password-file, \
                 ansible_become_pass) or allow the account without a password"
            }
            Class::NoSuchContainer => {
                "the container does not exist (or is not running) where the previous hop runs: \
                 check its name (ansible_host) and `docker ps` / `podman ps` there"
            }
            Class::CommandNotFound => {
                "a program the hop needs (sudo, docker, sh …) is not installed or not on PATH \
                 where the hop runs"
            }
            Class::Other => {
                "read the message; `stackctl exec HOST --dry-run -- true` shows what runs at \
                 each hop, -vvv adds ssh's own log"
            }
        }
    }
}

/// One hop as checked.
#[derive(Debug, Clone, Serialize)]
pub struct HopCheck {
    pub index: usize,
    pub method: String,
    pub inventory_host: String,
    /// `None`: not checked (an earlier hop failed).
    pub ok: Option<bool>,
    pub reached: Option<bool>,
    pub authenticated: Option<bool>,
    pub become_ok: Option<bool>,
    pub duration_ms: Option<u64>,
    pub class: Option<Class>,
    pub message: Option<String>,
    pub advice: Option<&'static str>,
}

/// A host's overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failed,
    Unreachable,
    /// Its stack could not be resolved or planned (nothing was run).
    Error,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Unreachable => "unreachable",
            Status::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HostCheck {
    pub host: String,
    pub status: Status,
    /// Why the stack could not be resolved (status `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub hops: Vec<HopCheck>,
}

impl HostCheck {
    /// The first failing hop, if any.
    pub fn failure(&self) -> Option<&HopCheck> {
        self.hops.iter().find(|h| h.ok == Some(false))
    }
}

/// Exit status of a run: 4 when any host is unreachable, else 2 when any failed, else 1 when
/// a host's stack could not be resolved, else 0.
pub fn exit_code(results: &[HostCheck]) -> i32 {
    let any = |s: Status| results.iter().any(|r| r.status == s);
    if any(Status::Unreachable) {
        4
    } else if any(Status::Failed) {
        2
    } else if any(Status::Error) {
        1
    } else {
        0
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// One JSON array, one object per host.
pub fn json(results: &[HostCheck]) -> String {
    let mut s = serde_json::to_string_pretty(results).unwrap_or_else(|e| {
        // Serializing plain structs of strings, numbers and bools cannot fail; keep the
        // output valid JSON all the same.
        serde_json::json!({ "error": e.to_string() }).to_string()
    });
    s.push('\n');
    s
}

/// The table (one row per hop), then for each host that failed its failing hop's class,
/// message and advice.
pub fn table(results: &[HostCheck]) -> String {
    let mut t = new_table();
    t.set_header(header_cells([
        "HOST", "HOP", "METHOD", "ON", "REACHED", "AUTH", "BECOME", "TIME", "RESULT",
    ]));
    for r in results {
        if r.hops.is_empty() {
            t.add_row(vec![
                r.host.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "error: cannot resolve".into(),
            ]);
            continue;
        }
        for (n, h) in r.hops.iter().enumerate() {
            let result = match (h.ok, h.class) {
                (Some(true), _) => "ok".to_string(),
                (Some(false), Some(c)) => format!("FAILED: {}", c.words()),
                (Some(false), None) => "FAILED".to_string(),
                (None, _) => "not checked".to_string(),
            };
            t.add_row(vec![
                if n == 0 {
                    r.host.clone()
                } else {
                    String::new()
                },
                h.index.to_string(),
                h.method.clone(),
                h.inventory_host.clone(),
                yes_no(h.reached).into(),
                yes_no(h.authenticated).into(),
                yes_no(h.become_ok).into(),
                h.duration_ms
                    .map(|ms| format!("{ms} ms"))
                    .unwrap_or_else(|| "-".into()),
                result,
            ]);
        }
    }
    let mut out = format!("{t}\n");
    for r in results {
        if let Some(e) = &r.error {
            out += &format!("\n{}: {e}\n", r.host);
        }
        if let Some(h) = r.failure() {
            out += &format!(
                "\n{}: {} at hop {} ({} on {}): {}\n",
                r.host,
                r.status.word(),
                h.index,
                h.method,
                h.inventory_host,
                h.class.map_or("other", Class::words)
            );
            if let Some(m) = &h.message {
                out += &format!("  message: {m}\n");
            }
            if let Some(a) = h.advice {
                out += &format!("  advice:  {a}\n");
            }
        }
    }
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    out += &format!(
        "\n{} ok, {} failed, {} unreachable, {} unresolved\n",
        count(Status::Ok),
        count(Status::Failed),
        count(Status::Unreachable),
        count(Status::Error)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, status: Status) -> HostCheck {
        HostCheck {
            host: name.into(),
            status,
            error: None,
            hops: vec![HopCheck {
                index: 0,
                method: "ssh".into(),
                inventory_host: name.into(),
                ok: Some(status == Status::Ok),
                reached: Some(status != Status::Unreachable),
                authenticated: Some(status == Status::Ok),
                become_ok: None,
                duration_ms: Some(12),
                class: (status != Status::Ok).then_some(Class::HostKeyChanged),
                message: (status != Status::Ok).then(|| "Host key verification failed.".into()),
                advice: (status != Status::Ok).then_some(Class::HostKeyChanged.advice()),
            }],
        }
    }

    #[test]
    fn unreachable_wins_then_failed_then_unresolved() {
        use Status::*;
        let code = |s: &[Status]| exit_code(&s.iter().map(|s| host("h", *s)).collect::<Vec<_>>());
        assert_eq!(code(&[]), 0);
        assert_eq!(code(&[Ok, Ok]), 0);
        assert_eq!(code(&[Ok, Error]), 1);
        assert_eq!(code(&[Error, Failed]), 2);
        assert_eq!(code(&[Failed, Unreachable, Error]), 4);
    }

    #[test]
    fn json_has_every_hop_field_and_snake_case_classes() {
        let out = json(&[host("web01", Status::Unreachable)]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let h = &v[0];
        assert_eq!(h["host"], "web01");
        assert_eq!(h["status"], "unreachable");
        assert!(h.get("error").is_none());
        let hop = &h["hops"][0];
        for k in [
            "index",
            "method",
            "inventory_host",
            "ok",
            "reached",
            "authenticated",
            "become_ok",
            "duration_ms",
            "class",
            "message",
            "advice",
        ] {
            assert!(hop.get(k).is_some(), "{k} missing: {out}");
        }
        assert_eq!(hop["class"], "host_key_changed");
        assert_eq!(hop["become_ok"], serde_json::Value::Null);
    }

    #[test]
    fn table_names_the_failing_hop_with_class_message_and_advice() {
        let out = table(&[host("web01", Status::Ok), host("db1", Status::Unreachable)]);
        assert!(out.contains("FAILED: host key changed"), "{out}");
        assert!(
            out.contains("db1: unreachable at hop 0 (ssh on db1): host key changed"),
            "{out}"
        );
        assert!(
            out.contains("  message: Host key verification failed."),
            "{out}"
        );
        assert!(out.contains("  advice:  the host key differs"), "{out}");
        assert!(
            out.contains("1 ok, 0 failed, 1 unreachable, 0 unresolved"),
            "{out}"
        );
    }
}
