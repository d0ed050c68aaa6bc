//! Executable inventory scripts (ansible-inventory.md §6): `--list` JSON, `_meta.hostvars`,
//! falling back to `--host NAME` per host. Messages follow ansible-core 2.19's script plugin.
//!
//! Host names are used verbatim: 2.19 does not split `host:port` in script output (`"h2:2222"`
//! is a host of that name).

use super::Inventory;
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{self, Value};
use serde_json::Value as Json;
use std::path::Path;
use std::process::{Command, Stdio};

/// The only JSON profile an inventory script may name (`_meta.profile`).
const PROFILE: &str = "inventory_legacy";

/// Runs `path --list` (and `path --host NAME` when `_meta` is absent) and loads the result.
pub fn parse(inv: &mut Inventory, path: &Path) -> Result<(), SourceError> {
    let err = |msg: String| SourceError::new(path, None, msg);
    let out = run(path, &["--list"])?;
    let with_stderr = |msg: String| err(append_stderr(msg, &out.stderr));

    let data: Json = serde_json::from_str(&out.stdout).map_err(|e| {
        with_stderr(format!(
            "Unable to get JSON decoder for inventory script result: Value could not be parsed \
             as JSON: {e}"
        ))
    })?;
    let Json::Object(top) = data else {
        return Err(with_stderr(format!(
            "Unable to get JSON decoder for inventory script result: Value is {} instead of \
             'dict'.",
            py_type(&data)
        )));
    };
    check_profile(&top).map_err(|e| {
        with_stderr(format!(
            "Unable to get JSON decoder for inventory script result: {e}"
        ))
    })?;

    let origin = Origin::Script {
        path: path.to_path_buf(),
    };
    let mut loader = Loader {
        inv,
        path,
        origin,
        hosts: Vec::new(),
    };
    let mut meta_hostvars: Option<&serde_json::Map<String, Json>> = None;
    for (group, gdata) in &top {
        if group == "_meta" {
            match gdata.get("hostvars") {
                Some(Json::Object(hv)) => meta_hostvars = Some(hv),
                other => {
                    return Err(err(format!(
                        "Value contains '_meta.hostvars' which is {} instead of 'dict'.",
                        other.map_or("'NoneType'".into(), py_type)
                    )));
                }
            }
        } else {
            loader.group(group, gdata)?;
        }
    }
    if meta_hostvars.is_none() {
        loader.inv.warnings.push(
            "Inventory scripts should always provide 'meta.hostvars'. Host variables will be \
             collected by running the inventory script with the '--host' option for each host. \
             This feature will be removed from inventory plugin 'script' in ansible-core version \
             2.23."
                .into(),
        );
    }
    let hosts = std::mem::take(&mut loader.hosts);
    for host in hosts {
        let vars = match meta_hostvars {
            Some(hv) => hv
                .get(&host)
                .cloned()
                .unwrap_or(Json::Object(Default::default())),
            None => host_vars_from_script(path, &host)?,
        };
        let Json::Object(vars) = vars else {
            return Err(err(format!(
                "Invalid data from file, expected dictionary and got:\n{}",
                py_json_str(&vars)
            )));
        };
        for (k, v) in &vars {
            loader.set_var(&host, k, value::from_json(v))?;
        }
    }
    Ok(())
}

/// Strings at any depth wrapped as `{"__ansible_unsafe": …}`, which `value::from_json` reads
/// back as `Value::Unsafe`.
fn unsafe_json(j: &Json) -> Json {
    match j {
        Json::String(s) => {
            let mut m = serde_json::Map::new();
            m.insert("__ansible_unsafe".into(), Json::String(s.clone()));
            Json::Object(m)
        }
        Json::Array(items) => Json::Array(items.iter().map(unsafe_json).collect()),
        Json::Object(m) => {
            Json::Object(m.iter().map(|(k, v)| (k.clone(), unsafe_json(v))).collect())
        }
        other => other.clone(),
    }
}

/// `_meta` must be a mapping; `_meta.profile`, when present, a string naming the inventory profile.
fn check_profile(top: &serde_json::Map<String, Json>) -> Result<(), String> {
    let Some(meta) = top.get("_meta") else {
        return Ok(());
    };
    let Json::Object(meta) = meta else {
        return Err(format!(
            "Value contains '_meta' which is {} instead of 'dict'.",
            py_type(meta)
        ));
    };
    match meta.get("profile") {
        None => Ok(()),
        Some(Json::String(p)) if p == PROFILE => Ok(()),
        Some(Json::String(p)) if p.starts_with("inventory_") => {
            Err(format!("Unknown profile name {}.", value::py_str_repr(p)))
        }
        Some(Json::String(p)) => Err(format!(
            "Non-inventory profile {} is not allowed.",
            value::py_str_repr(p)
        )),
        Some(other) => Err(format!(
            "Value contains '_meta.profile' which is {} instead of 'str'.",
            py_type(other)
        )),
    }
}

struct Loader<'a> {
    inv: &'a mut Inventory,
    path: &'a Path,
    origin: Origin,
    /// Hosts listed by some group, first-seen order (only these get `_meta.hostvars`).
    hosts: Vec<String>,
}

impl Loader<'_> {
    fn err(&self, msg: String) -> SourceError {
        SourceError::new(self.path, None, msg)
    }

    fn deprecated(&mut self, msg: String) {
        self.inv.warnings.push(format!(
            "{msg} This feature will be removed from inventory plugin 'script' in ansible-core \
             version 2.23."
        ));
    }

    /// One top-level entry: `{"hosts": [...], "vars": {...}, "children": [...]}`, a bare value
    /// (taken as the hosts, deprecated) or a mapping without those keys (a host named like the
    /// group, with those vars; deprecated).
    fn group(&mut self, group: &str, data: &Json) -> Result<(), SourceError> {
        self.inv.add_group(group);
        let converted;
        let data = match data {
            Json::Object(map)
                if ["hosts", "vars", "children"]
                    .iter()
                    .any(|k| map.contains_key(*k)) =>
            {
                map
            }
            Json::Object(map) => {
                self.deprecated(format!(
                    "Treating malformed group {} as the sole host of that group. Variables \
                     provided in this manner cannot be templated.",
                    value::py_str_repr(group)
                ));
                let mut m = serde_json::Map::new();
                m.insert(
                    "hosts".into(),
                    Json::Array(vec![Json::String(group.into())]),
                );
                // "cannot be templated": Ansible marks these values unsafe (corpus 18#1).
                m.insert("vars".into(), unsafe_json(&Json::Object(map.clone())));
                converted = m;
                &converted
            }
            other => {
                self.deprecated(format!(
                    "Group {} was converted to 'dict' from {}.",
                    value::py_str_repr(group),
                    py_type(other)
                ));
                let mut m = serde_json::Map::new();
                m.insert("hosts".into(), other.clone());
                converted = m;
                &converted
            }
        };
        if let Some(hosts) = data.get("hosts") {
            let Json::Array(hosts) = hosts else {
                return Err(self.err(format!(
                    "Value contains '{group}.hosts' which is {} instead of 'list'.",
                    py_type(hosts)
                )));
            };
            for h in hosts {
                let Json::String(name) = h else {
                    return Err(self.err(format!(
                        "Invalid host name supplied, expected a string but got {} for {}",
                        py_type(h),
                        py_json_str(h)
                    )));
                };
                if !self.hosts.contains(name) {
                    self.hosts.push(name.clone());
                }
                let origin = self.origin.clone();
                self.inv.add_host(name, Some(group), None, &origin);
            }
        }
        if let Some(vars) = data.get("vars") {
            let Json::Object(vars) = vars else {
                return Err(self.err(format!(
                    "Value contains '{group}.vars' which is {} instead of 'dict'.",
                    py_type(vars)
                )));
            };
            for (k, v) in vars {
                self.set_var(group, k, value::from_json(v))?;
            }
        }
        if let Some(children) = data.get("children") {
            // Python iterates whatever is there: list items, dict keys, string characters.
            let names: Vec<String> = match children {
                Json::Array(items) => items
                    .iter()
                    .map(|c| match c {
                        Json::String(s) => Ok(s.clone()),
                        other => Err(self.err(format!(
                            "Invalid group name supplied, expected a string but got {} for {}",
                            py_type(other),
                            py_json_str(other)
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                Json::Object(m) => m.keys().cloned().collect(),
                Json::String(s) => s.chars().map(String::from).collect(),
                other => {
                    return Err(self.err(format!(
                        "{} object is not iterable",
                        py_type(other).trim_matches('\'')
                    )));
                }
            };
            for child in names {
                self.inv.add_group(&child);
                self.inv.add_child(group, &child).map_err(|e| self.err(e))?;
            }
        }
        Ok(())
    }

    /// Ansible's `set_variable`: a group of that name takes it first, and a group consumes
    /// `ansible_group_priority` as its priority (§7.3).
    fn set_var(&mut self, entity: &str, key: &str, value: Value) -> Result<(), SourceError> {
        self.inv
            .set_source_variable(entity, key, value, self.origin.clone())
            .map_err(|e| SourceError::new(self.path, None, e))
    }
}

/// `SCRIPT --host NAME`: a JSON object of vars; blank output means none.
fn host_vars_from_script(path: &Path, host: &str) -> Result<Json, SourceError> {
    let out = run(path, &["--host", host])?;
    if out.stdout.trim().is_empty() {
        return Ok(Json::Object(Default::default()));
    }
    serde_json::from_str(&out.stdout).map_err(|e| {
        SourceError::new(
            path,
            None,
            append_stderr(
                format!(
                    "Inventory script result for host {} could not be parsed as JSON: {e}",
                    value::py_str_repr(host)
                ),
                &out.stderr,
            ),
        )
    })
}

struct Output {
    stdout: String,
    stderr: String,
}

/// Runs the script with `args` (cwd and environment inherited, no stdin).
fn run(path: &Path, args: &[&str]) -> Result<Output, SourceError> {
    let err = |msg: String| SourceError::new(path, None, msg);
    let mut attempt = 0;
    let out = loop {
        let res = Command::new(path).args(args).stdin(Stdio::null()).output();
        // ETXTBSY: a just-written script still open in a concurrently forked child.
        match res {
            Err(e) if e.raw_os_error() == Some(26) && attempt < 20 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => break other,
        }
    };
    let out = out.map_err(|e| {
        err(format!(
            "Failed to execute inventory script command '{} {}': {e}",
            path.display(),
            args.join(" ")
        ))
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        let code = out.status.code().map_or_else(
            || {
                use std::os::unix::process::ExitStatusExt;
                out.status
                    .signal()
                    .map_or("unknown".into(), |s| format!("-{s}"))
            },
            |c| c.to_string(),
        );
        return Err(err(append_stderr(
            format!("Inventory script returned non-zero exit code {code}."),
            &stderr,
        )));
    }
    let stdout = String::from_utf8(out.stdout).map_err(|e| {
        err(append_stderr(
            format!("Inventory script result could not be decoded as UTF-8: {e}"),
            &stderr,
        ))
    })?;
    Ok(Output { stdout, stderr })
}

fn append_stderr(msg: String, stderr: &str) -> String {
    let s = stderr.trim();
    if s.is_empty() {
        msg
    } else {
        format!("{msg}\nStandard error from inventory script:\n{s}")
    }
}

/// Python's type name of a decoded JSON value, quoted as Ansible's messages show it.
fn py_type(j: &Json) -> String {
    let t = match j {
        Json::Null => "NoneType",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float",
        Json::Number(_) => "int",
        Json::String(_) => "str",
        Json::Array(_) => "list",
        Json::Object(_) => "dict",
    };
    format!("'{t}'")
}

/// `str()` of a decoded JSON value, roughly as Python prints it.
fn py_json_str(j: &Json) -> String {
    let v = value::from_json(j);
    match j {
        Json::String(s) => s.clone(),
        _ => v.py_repr(),
    }
}

#[cfg(test)]
mod tests {
    //! Expected results come from `ansible-inventory -i SCRIPT --list` (ansible-core 2.19.14)
    //! run on the same scripts.
    use super::*;

    fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    /// A script printing `json` for `--list`.
    fn listing(dir: &Path, json: &str) -> std::path::PathBuf {
        script(dir, "inv.sh", &format!("cat <<'J'\n{json}\nJ\n"))
    }

    fn load(json: &str) -> Result<Inventory, SourceError> {
        let dir = tempfile::tempdir().unwrap();
        let mut inv = Inventory::new();
        parse(&mut inv, &listing(dir.path(), json))?;
        Ok(inv)
    }

    fn msg(json: &str) -> String {
        load(json).unwrap_err().message
    }

    fn var(inv: &Inventory, host: &str, key: &str) -> Option<Value> {
        inv.hosts[host].vars.get(key).map(|v| v.value.clone())
    }

    fn gvar(inv: &Inventory, group: &str, key: &str) -> Option<Value> {
        inv.groups[group].vars.get(key).map(|v| v.value.clone())
    }

    #[test]
    fn full_listing() {
        // §6: groups with hosts/vars/children, legacy list, malformed group, _meta.hostvars.
        let mut inv = load(
            r#"{"web": {"hosts": ["w1", "h2:2222", "w1"], "vars": {"k": "v", "u": {"__ansible_unsafe": "{{x}}"}}, "children": ["sub", "web2"]},
 "legacy": ["l1"],
 "malf": {"a": 1},
 "sub": {"hosts": ["s1"]},
 "all": {"vars": {"dc": "dc1"}},
 "_meta": {"hostvars": {"w1": {"x": 1}, "ghost": {"y": 2}, "l1": {"z": [1,2]}, "s1": {"ansible_group_priority": 5}}}}"#,
        )
        .unwrap();
        inv.reconcile().expect("reconcile");
        assert_eq!(
            inv.groups["web"].hosts,
            ["w1", "h2:2222"],
            "no host:port split in 2.19"
        );
        assert!(inv.hosts["h2:2222"].vars.is_empty());
        assert_eq!(inv.groups["web"].children, ["sub", "web2"]);
        assert_eq!(
            inv.groups["all"].children,
            ["ungrouped", "web", "legacy", "malf"]
        );
        assert_eq!(inv.groups["legacy"].hosts, ["l1"]);
        assert_eq!(inv.groups["malf"].hosts, ["malf"]);
        // The malformed group's vars are set on the group (groups win over same-named hosts).
        assert_eq!(gvar(&inv, "malf", "a"), Some(Value::Int(1)));
        assert_eq!(gvar(&inv, "web", "u"), Some(Value::Unsafe("{{x}}".into())));
        assert_eq!(gvar(&inv, "all", "dc"), Some(Value::str("dc1")));
        assert_eq!(var(&inv, "w1", "x"), Some(Value::Int(1)));
        assert_eq!(
            var(&inv, "l1", "z"),
            Some(Value::List(vec![Value::Int(1), Value::Int(2)]))
        );
        // On a host, ansible_group_priority is an ordinary variable.
        assert_eq!(
            var(&inv, "s1", "ansible_group_priority"),
            Some(Value::Int(5))
        );
        // §16.18: hostvars of hosts listed by no group are dropped.
        assert!(!inv.hosts.contains_key("ghost"));
        assert!(matches!(
            inv.hosts["w1"].vars["x"].origin,
            Origin::Script { .. }
        ));
        assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
        assert!(inv.warnings[0].starts_with("Group 'legacy' was converted to 'dict' from 'list'."));
        assert!(inv.warnings[1].starts_with("Treating malformed group 'malf' as the sole host"));
    }

    #[test]
    fn group_vars_priority_vault_and_odd_children() {
        let inv = load(
            r#"{"g": {"hosts": ["a"], "vars": {"ansible_group_priority": "3", "v": {"__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256\n3131"}}, "children": "xy"}, "_meta": {"hostvars": {"a": {"q": 1}}}}"#,
        )
        .unwrap();
        // §7.3: consumed as the group's priority, not kept as a variable.
        assert_eq!(inv.groups["g"].priority, 3);
        assert_eq!(gvar(&inv, "g", "ansible_group_priority"), None);
        assert_eq!(
            gvar(&inv, "g", "v"),
            Some(Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n3131".into()))
        );
        // A string is iterated by Python: children x and y.
        assert_eq!(inv.groups["g"].children, ["x", "y"]);
        let inv =
            load(r#"{"g": {"children": {"c1": 1, "c2": 2}}, "_meta": {"hostvars": {}}}"#).unwrap();
        assert_eq!(inv.groups["g"].children, ["c1", "c2"]);
        // An empty mapping is a malformed group → a host of the same name.
        let inv = load(r#"{"e": {}, "_meta": {"hostvars": {}}}"#).unwrap();
        assert_eq!(inv.groups["e"].hosts, ["e"]);
        assert_eq!(
            msg(r#"{"g": {"vars": {"ansible_group_priority": "abc"}}}"#),
            "invalid literal for int() with base 10: 'abc'"
        );
    }

    #[test]
    fn host_fallback_without_meta() {
        // §6: no _meta → `SCRIPT --host NAME` per host; blank output = no vars.
        let dir = tempfile::tempdir().unwrap();
        let p = script(
            dir.path(),
            "c.sh",
            r#"if [ "$1" = "--list" ]; then echo '{"g": {"hosts": ["a", "b", "c"]}, "g2": ["a"]}'
elif [ "$2" = "a" ]; then echo '{"va": 1}'
elif [ "$2" = "b" ]; then echo '  '
else echo "host $2" >&2; echo '{"vc": [1]}'; fi
"#,
        );
        let mut inv = Inventory::new();
        parse(&mut inv, &p).unwrap();
        assert_eq!(var(&inv, "a", "va"), Some(Value::Int(1)));
        assert!(inv.hosts["b"].vars.is_empty());
        assert_eq!(var(&inv, "c", "vc"), Some(Value::List(vec![Value::Int(1)])));
        assert!(
            inv.warnings
                .iter()
                .any(|w| w.starts_with("Inventory scripts should always provide 'meta.hostvars'."))
        );

        let bad = script(
            dir.path(),
            "bad.sh",
            r#"if [ "$1" = "--list" ]; then echo '{"g": ["a"]}'; else echo 'nope'; fi
"#,
        );
        let e = parse(&mut Inventory::new(), &bad).unwrap_err();
        assert!(
            e.message
                .starts_with("Inventory script result for host 'a' could not be parsed as JSON"),
            "{e}"
        );
    }

    #[test]
    fn execution_errors_carry_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let e = parse(
            &mut Inventory::new(),
            &script(
                dir.path(),
                "e.sh",
                "echo '  boom happened ' >&2; echo '{}'; exit 3\n",
            ),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "Inventory script returned non-zero exit code 3.\nStandard error from inventory script:\nboom happened"
        );
        let e = parse(
            &mut Inventory::new(),
            &script(dir.path(), "f.sh", "echo 'not json'; echo warn >&2\n"),
        )
        .unwrap_err();
        assert!(e.message.starts_with("Unable to get JSON decoder for inventory script result: Value could not be parsed as JSON: "), "{e}");
        assert!(
            e.message
                .ends_with("\nStandard error from inventory script:\nwarn"),
            "{e}"
        );
        let e = parse(
            &mut Inventory::new(),
            &script(dir.path(), "u.sh", "printf '{\"g\": [\"\\377\"]}'\n"),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("Inventory script result could not be decoded as UTF-8"),
            "{e}"
        );
        let e = parse(&mut Inventory::new(), &dir.path().join("missing")).unwrap_err();
        assert!(
            e.message
                .starts_with("Failed to execute inventory script command"),
            "{e}"
        );
    }

    #[test]
    fn structural_errors() {
        // Texts as printed by ansible-inventory 2.19 for the same output.
        assert_eq!(
            msg(r#"{"g": {"hosts": ["a"]}, "_meta": {}}"#),
            "Value contains '_meta.hostvars' which is 'NoneType' instead of 'dict'."
        );
        assert_eq!(
            msg(r#"{"g": {"hosts": ["a"]}, "_meta": {"hostvars": {}, "profile": "foo"}}"#),
            "Unable to get JSON decoder for inventory script result: Non-inventory profile 'foo' is not allowed."
        );
        assert_eq!(
            msg(
                r#"{"g": {"hosts": ["a"]}, "_meta": {"hostvars": {}, "profile": "inventory_foo"}}"#
            ),
            "Unable to get JSON decoder for inventory script result: Unknown profile name 'inventory_foo'."
        );
        assert!(load(r#"{"g": {"hosts": ["a"]}, "_meta": {"hostvars": {}, "profile": "inventory_legacy"}}"#).is_ok());
        assert_eq!(
            msg(r#"{"g": {"hosts": "a"}}"#),
            "Value contains 'g.hosts' which is 'str' instead of 'list'."
        );
        assert_eq!(
            msg(r#"{"g": {"hosts": ["a"], "vars": [1]}, "_meta": {"hostvars": {}}}"#),
            "Value contains 'g.vars' which is 'list' instead of 'dict'."
        );
        assert_eq!(
            msg("[1]"),
            "Unable to get JSON decoder for inventory script result: Value is 'list' instead of 'dict'."
        );
        assert_eq!(
            msg(
                r#"{"a": {"children": ["b"]}, "b": {"children": ["a"]}, "_meta": {"hostvars": {}}}"#
            ),
            "Adding group 'a' as child to 'b' creates a recursive dependency loop."
        );
        assert_eq!(
            msg(r#"{"g": {"hosts": ["a"]}, "_meta": {"hostvars": {"a": 5}}}"#),
            "Invalid data from file, expected dictionary and got:\n5"
        );
        assert!(
            msg(r#"{"g": {"hosts": ["a", 5]}, "_meta": {"hostvars": {}}}"#)
                .starts_with("Invalid host name supplied, expected a string")
        );
        assert_eq!(
            msg(r#"{"h": "str"}"#),
            "Value contains 'h.hosts' which is 'str' instead of 'list'."
        );
        assert_eq!(
            msg(r#"{"n": null}"#),
            "Value contains 'n.hosts' which is 'NoneType' instead of 'list'."
        );
    }
}
