//! YAML and JSON inventories (ansible-inventory.md §5): `all:`/`hosts:`/`vars:`/`children:`.
//! `parse_auto` is the `auto` plugin: only files with a top-level `plugin:` key.
//!
//! Error and warning texts are the ones ansible-core 2.19 prints (checked with
//! `ansible-inventory`); Python class names in them are the 2.19 tagged types.

use super::Inventory;
use super::hostname::{expand_hostname_range, split_host_port};
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::Value;
use crate::yaml::{Node, NodeKind, format_warning, load_text};
use std::path::Path;

const SECTIONS: [&str; 3] = ["vars", "children", "hosts"];

pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let loaded = load_text(path, text)?;
    let Some(root) = loaded.root.filter(truthy) else {
        return Err(SourceError::new(path, None, "Parsed empty YAML file"));
    };
    let NodeKind::Map(pairs) = &root.kind else {
        return Err(SourceError::new(
            path,
            Some(root.line),
            format!(
                "YAML inventory has invalid structure, it should be a dictionary, got: {}",
                py_class(&root)
            ),
        ));
    };
    if pairs
        .iter()
        .any(|(k, v)| k.as_str() == Some("plugin") && truthy(v))
    {
        return Err(SourceError::new(
            path,
            Some(root.line),
            "Plugin configuration YAML file, not YAML inventory",
        ));
    }
    for w in &loaded.warnings {
        inv.warnings.push(format_warning(path, w));
    }
    let mut reader = Reader { inv, path };
    for (name, body) in pairs {
        reader.group(name, body)?;
    }
    Ok(())
}

/// The `auto` plugin: accepts only plugin configuration files (top-level `plugin:`), which
/// stackctl does not run; everything else fails so the next reader gets the file.
pub fn parse_auto(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let _ = inv;
    let loaded = load_text(path, text)?;
    let plugin = match loaded.root.as_ref().map(|r| &r.kind) {
        Some(NodeKind::Map(pairs)) => pairs
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some("plugin"))
            .filter(|(_, v)| truthy(v))
            .map(|(k, v)| (k.line, v.py_str())),
        _ => None,
    };
    match plugin {
        Some((line, name)) => Err(SourceError::new(
            path,
            Some(line),
            format!(
                "inventory config '{}' specifies inventory plugin '{name}': inventory plugins are not supported",
                path.display()
            ),
        )),
        None => Err(SourceError::new(
            path,
            None,
            format!(
                "no root 'plugin' key found, '{}' is not a valid YAML inventory plugin config file",
                path.display()
            ),
        )),
    }
}

/// Python truthiness of the constructed value.
fn truthy(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar(v) => v.truthy(),
        NodeKind::Seq(items) => !items.is_empty(),
        NodeKind::Map(pairs) => !pairs.is_empty(),
    }
}

/// `str(type(x))` of the value a node constructs, as 2.19 prints it.
fn py_class(node: &Node) -> String {
    let tagged =
        |n: &str| format!("<class 'ansible.module_utils._internal._datatag._AnsibleTagged{n}'>");
    match &node.kind {
        NodeKind::Seq(_) => tagged("List"),
        NodeKind::Map(_) => tagged("Dict"),
        NodeKind::Scalar(v) => match v {
            Value::Null => "<class 'NoneType'>".into(),
            Value::Bool(_) => "<class 'bool'>".into(),
            Value::Int(_) => tagged("Int"),
            Value::Float(_) => tagged("Float"),
            Value::Date(s) if s.contains('T') => tagged("DateTime"),
            Value::Date(_) => tagged("Date"),
            Value::Vault(_) => "<class 'ansible.parsing.vault.EncryptedString'>".into(),
            _ => tagged("Str"),
        },
    }
}

struct Reader<'a> {
    inv: &'a mut Inventory,
    path: &'a Path,
}

impl Reader<'_> {
    fn err(&self, line: usize, msg: impl Into<String>) -> SourceError {
        SourceError::new(self.path, Some(line), msg)
    }

    fn origin(&self, line: usize) -> Origin {
        Origin::file(self.path, line)
    }

    /// One group body; returns the group name (as Python's `str()` when it was not valid).
    fn group(&mut self, name_node: &Node, body: &Node) -> Result<String, SourceError> {
        let pairs: &[(Node, Node)] = match &body.kind {
            NodeKind::Map(pairs) => pairs,
            NodeKind::Scalar(Value::Null) => &[],
            _ => {
                let name = name_node.py_str();
                self.inv.warnings.push(format!(
                    "Skipping '{name}' as this is not a valid group definition"
                ));
                return Ok(name);
            }
        };
        let name = match name_node.as_str() {
            Some(s) if !s.is_empty() => s.to_string(),
            Some(_) => {
                return Err(self.err(
                    name_node.line,
                    "Unable to add group : Invalid empty/false group name provided: ",
                ));
            }
            None => {
                let shown = name_node.py_str();
                let msg = if truthy(name_node) {
                    format!(
                        "Unable to add group {shown}: Invalid group name supplied, expected a string but got {} for {shown}",
                        py_class(name_node)
                    )
                } else {
                    format!(
                        "Unable to add group {shown}: Invalid empty/false group name provided: {shown}"
                    )
                };
                return Err(self.err(name_node.line, msg));
            }
        };
        self.inv.add_group(&name);

        // A string section is a one-key mapping; any other non-mapping section is an error.
        let mut sections: Vec<(&Node, Node)> = Vec::new();
        for (key, value) in pairs {
            let is_section = key.as_str().is_some_and(|k| SECTIONS.contains(&k));
            let value = match value.as_str() {
                Some(_) if is_section => Node {
                    kind: NodeKind::Map(vec![(
                        value.clone(),
                        Node {
                            kind: NodeKind::Scalar(Value::Null),
                            line: value.line,
                            col: value.col,
                        },
                    )]),
                    line: value.line,
                    col: value.col,
                },
                _ => value.clone(),
            };
            sections.push((key, value));
        }
        for section in SECTIONS {
            if let Some((_, value)) = sections.iter().find(|(k, _)| k.as_str() == Some(section))
                && !matches!(value.kind, NodeKind::Map(_) | NodeKind::Scalar(Value::Null))
            {
                return Err(self.err(
                    value.line,
                    format!(
                        "Invalid \"{section}\" entry for \"{name}\" group, requires a dictionary, found \"{}\" instead.",
                        py_class(value)
                    ),
                ));
            }
        }

        for (key, value) in &sections {
            let entries = match &value.kind {
                NodeKind::Map(entries) => entries,
                NodeKind::Scalar(Value::Null) => continue,
                _ => {
                    self.inv.warnings.push(format!(
                        "Skipping key ({}) in group ({name}) as it is not a mapping, it is a {}",
                        key.py_str(),
                        py_class(value)
                    ));
                    continue;
                }
            };
            match key.as_str() {
                Some("vars") => {
                    for (k, v) in entries {
                        self.set_var(&name, &k.key_string(), v.to_value(), k.line)?;
                    }
                }
                Some("children") => {
                    for (k, v) in entries {
                        let child = self.group(k, v)?;
                        self.add_child(&name, &child, k.line)?;
                    }
                }
                Some("hosts") => {
                    for (k, v) in entries {
                        self.hosts(&name, k, v)?;
                    }
                }
                _ => self.inv.warnings.push(format!(
                    "Skipping unexpected key ({}) in group ({name}), only \"vars\", \"children\" and \"hosts\" are valid",
                    key.py_str()
                )),
            }
        }
        Ok(name)
    }

    fn add_child(&mut self, parent: &str, child: &str, line: usize) -> Result<(), SourceError> {
        if self.inv.groups.contains_key(child) {
            self.inv
                .add_child(parent, child)
                .map_err(|e| self.err(line, e))
        } else if self.inv.hosts.contains_key(child) {
            let origin = self.origin(line);
            self.inv.add_host(child, Some(parent), None, &origin);
            Ok(())
        } else {
            Err(self.err(line, format!("{child} is not a known host nor group")))
        }
    }

    /// One `hosts:` entry: a host pattern (ranges, `:port`) and its vars mapping or null.
    fn hosts(&mut self, group: &str, key: &Node, vars: &Node) -> Result<(), SourceError> {
        let Some(pattern) = key.as_str() else {
            return Err(self.err(
                key.line,
                format!(
                    "Host pattern {} must be a string. Enclose integers/floats in quotation marks.",
                    key.py_str()
                ),
            ));
        };
        let (address, port) = split_host_port(pattern);
        // Ansible's detect_range is just `'[' in pattern`.
        let names = if address.contains('[') {
            expand_hostname_range(&address).map_err(|e| self.err(key.line, e))?
        } else {
            vec![address]
        };
        let entries: &[(Node, Node)] = match &vars.kind {
            NodeKind::Map(entries) => entries,
            _ if !truthy(vars) => &[],
            _ => {
                return Err(self.err(
                    vars.line,
                    format!(
                        "Invalid data from file, expected dictionary and got:\n\n{}",
                        vars.py_str()
                    ),
                ));
            }
        };
        for host in names {
            if !host.is_empty() {
                let origin = self.origin(key.line);
                self.inv.add_host(&host, Some(group), port, &origin);
            }
            for (k, v) in entries {
                self.set_var(&host, &k.key_string(), v.to_value(), k.line)?;
            }
        }
        Ok(())
    }

    /// Ansible's `InventoryData.set_variable`: a group of that name takes it first, and a group
    /// consumes `ansible_group_priority` as its priority (ansible-inventory.md §7.3).
    fn set_var(
        &mut self,
        entity: &str,
        key: &str,
        value: Value,
        line: usize,
    ) -> Result<(), SourceError> {
        let origin = self.origin(line);
        self.inv
            .set_source_variable(entity, key, value, origin)
            .map_err(|e| SourceError::new(self.path, Some(line), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(text: &str) -> Result<Inventory, SourceError> {
        let mut inv = Inventory::new();
        parse(&mut inv, Path::new("/inv/hosts.yml"), text)?;
        Ok(inv)
    }

    fn msg(text: &str) -> String {
        load(text).err().map(|e| e.message).unwrap_or_default()
    }

    // ansible-inventory.md §5.1; all texts below are what ansible-inventory 2.19 printed.
    #[test]
    fn structure_errors_match_ansible() {
        assert_eq!(msg(""), "Parsed empty YAML file");
        assert_eq!(msg("{}\n"), "Parsed empty YAML file");
        assert_eq!(msg("0\n"), "Parsed empty YAML file");
        assert_eq!(
            msg("- a\n"),
            "YAML inventory has invalid structure, it should be a dictionary, got: <class 'ansible.module_utils._internal._datatag._AnsibleTaggedList'>"
        );
        assert_eq!(
            msg("plugin: foo\n"),
            "Plugin configuration YAML file, not YAML inventory"
        );
        assert_eq!(
            msg("web:\n  hosts:\n    - a\n"),
            "Invalid \"hosts\" entry for \"web\" group, requires a dictionary, found \"<class 'ansible.module_utils._internal._datatag._AnsibleTaggedList'>\" instead."
        );
        assert_eq!(
            msg("web:\n  vars: [1]\n"),
            "Invalid \"vars\" entry for \"web\" group, requires a dictionary, found \"<class 'ansible.module_utils._internal._datatag._AnsibleTaggedList'>\" instead."
        );
        for (key, shown) in [
            ("1234", "1234"),
            ("1.5", "1.5"),
            ("yes", "True"),
            ("~", "None"),
        ] {
            assert_eq!(
                msg(&format!("web:\n  hosts:\n    {key}:\n")),
                format!(
                    "Host pattern {shown} must be a string. Enclose integers/floats in quotation marks."
                )
            );
        }
        assert_eq!(
            msg("1:\n  hosts:\n    a:\n"),
            "Unable to add group 1: Invalid group name supplied, expected a string but got <class 'ansible.module_utils._internal._datatag._AnsibleTaggedInt'> for 1"
        );
        assert_eq!(
            msg("web:\n  hosts:\n    h1: [x, y]\n"),
            "Invalid data from file, expected dictionary and got:\n\n['x', 'y']"
        );
        assert_eq!(
            msg("web:\n  hosts:\n    h1: foo\n"),
            "Invalid data from file, expected dictionary and got:\n\nfoo"
        );
        assert_eq!(
            msg("a:\n  children:\n    b:\n      children:\n        a:\n"),
            "Adding group 'b' as child to 'a' creates a recursive dependency loop."
        );
        assert_eq!(
            msg("web:\n  vars:\n    ansible_group_priority: abc\n"),
            "invalid literal for int() with base 10: 'abc'"
        );
        let e = load("all:\n  hosts:\n    a: [1\n").unwrap_err();
        assert!(
            e.line.is_some() && e.message.starts_with("YAML parsing failed"),
            "{e}"
        );
    }

    #[test]
    fn groups_hosts_vars_children() {
        let inv = load(
            "all:\n  vars:\n    zz: 1\n  hosts:\n    zed: {p: 1}\n    alpha:\n  children:\n    zoo:\n      vars: {gv: 'yes', ansible_group_priority: \"5\"}\n      hosts:\n        alpha: {q: 2}\n      children:\n        inner:\n          hosts: n1\n    bee: ~\n    kid_as_str:\n      children: kid\n",
        )
        .unwrap();
        assert_eq!(inv.groups["all"].hosts, vec!["zed", "alpha"]);
        assert_eq!(inv.groups["all"].vars["zz"].value, Value::Int(1));
        assert_eq!(
            inv.groups["all"].vars["zz"].origin,
            Origin::file("/inv/hosts.yml", 3)
        );
        assert_eq!(
            inv.groups["all"].children,
            vec!["ungrouped", "zoo", "bee", "kid_as_str"]
        );
        assert_eq!(inv.groups["zoo"].priority, 5);
        assert!(
            !inv.groups["zoo"]
                .vars
                .contains_key("ansible_group_priority")
        );
        assert_eq!(inv.groups["zoo"].vars["gv"].value, Value::str("yes"));
        assert_eq!(inv.groups["zoo"].children, vec!["inner"]);
        assert_eq!(inv.groups["inner"].hosts, vec!["n1"]);
        assert_eq!(inv.groups["kid_as_str"].children, vec!["kid"]);
        assert_eq!(inv.hosts["alpha"].vars["q"].value, Value::Int(2));
        assert_eq!(
            inv.hosts["zed"].vars["p"].origin,
            Origin::file("/inv/hosts.yml", 5)
        );
    }

    // Verified: `web: [a]` warns and is skipped; unknown keys warn; `bar: 1` warns with the class.
    #[test]
    fn warnings_match_ansible() {
        let inv = load("web: [a]\nok:\n  foo: {a: 1}\n  bar: 1\n  hosts: {b: }\n").unwrap();
        assert_eq!(
            inv.warnings,
            vec![
                "Skipping 'web' as this is not a valid group definition".to_string(),
                "Skipping unexpected key (foo) in group (ok), only \"vars\", \"children\" and \"hosts\" are valid".into(),
                "Skipping key (bar) in group (ok) as it is not a mapping, it is a <class 'ansible.module_utils._internal._datatag._AnsibleTaggedInt'>".into(),
            ]
        );
        assert!(!inv.groups.contains_key("web"));
        assert_eq!(inv.groups["ok"].hosts, vec!["b"]);
        let inv = load("all:\n  hosts:\n    h: {a: 1, a: 2}\n").unwrap();
        assert_eq!(inv.hosts["h"].vars["a"].value, Value::Int(2));
        assert!(
            inv.warnings[0]
                .starts_with("Found duplicate mapping key 'a'.\nOrigin: /inv/hosts.yml:3:15"),
            "{}",
            inv.warnings[0]
        );
    }

    #[test]
    fn plugin_null_is_a_group_and_json_works() {
        let inv = load("plugin: ~\nall:\n  hosts:\n    h1:\n").unwrap();
        assert!(inv.groups.contains_key("plugin"));
        let inv = load("{\"all\": {\"hosts\": {\"h1\": {\"x\": [1, \"a\"]}}}}").unwrap();
        assert_eq!(
            inv.hosts["h1"].vars["x"].value,
            Value::List(vec![Value::Int(1), Value::str("a")])
        );
    }

    #[test]
    fn auto_plugin() {
        let mut inv = Inventory::new();
        let p = Path::new("/i/x.yml");
        let e = parse_auto(&mut inv, p, "plugin: constructed\n").unwrap_err();
        assert!(
            e.message.contains("'constructed'") && e.message.contains("not supported"),
            "{e}"
        );
        let e = parse_auto(&mut inv, p, "all:\n  hosts:\n").unwrap_err();
        assert_eq!(
            e.message,
            "no root 'plugin' key found, '/i/x.yml' is not a valid YAML inventory plugin config file"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn reader_never_panics(s in "[a-z0-9:&*!<>|'\"\\[\\]{}#,.~ \\n-]{0,120}") {
            let mut inv = Inventory::new();
            let _ = parse(&mut inv, Path::new("/x.yml"), &s);
            let _ = parse_auto(&mut inv, Path::new("/x.yml"), &s);
        }

        #[test]
        fn reader_never_panics_structured(
            groups in proptest::collection::vec(("[a-z]{1,3}", "(hosts|vars|children|x)", "[a-z0-9\\[\\]:]{0,6}"), 0..8)
        ) {
            let mut text = String::new();
            for (g, section, item) in groups {
                text.push_str(&format!("{g}:\n  {section}:\n    '{item}':\n      v: 1\n"));
            }
            let mut inv = Inventory::new();
            let _ = parse(&mut inv, Path::new("/x.yml"), &text);
        }
    }
}
