//! YAML as PyYAML reads it for Ansible: YAML 1.1 scalar typing (`yes/on` booleans, `010` octal,
//! `1:30` base 60, dates), merge keys, `!vault`/`!unsafe` tags kept, line numbers for origins;
//! and YAML output that PyYAML reads back with the same types.
//!
//! * [`load_document`] gives a line-numbered [`Node`] tree (what the inventory reader walks);
//!   text that is valid JSON is read with JSON rules first, as Ansible's `from_yaml` does;
//! * [`load_str`] gives a plain [`Value`] (`-e '{…}'`, tests);
//! * [`load_vars_file`] reads `group_vars/x.yml`-style files into a [`VarMap`];
//! * [`to_yaml_string`] writes `ansible-inventory --yaml` style output (PyYAML's block style,
//!   quoting and folding); [`to_yaml_string_aliased`] adds PyYAML's `&id001` anchors for
//!   objects Ansible shares between hosts.
//!
//! Known limits: mapping keys are stringified at load time (`true:` is emitted back as
//! `'true':`), integers beyond i64 become floats, `!!omap`/`!!pairs`/`!!binary` are not
//! Ansible-exact.

mod emit;
mod load;
mod resolve;

pub use emit::{to_yaml_string, to_yaml_string_aliased};
pub use load::{Loaded, Node, NodeKind, YamlError, load_document};
pub use resolve::{as_timestamp, resolve_plain};

use crate::error::SourceError;
use crate::inventory::{Var, VarMap};
use crate::origin::Origin;
use crate::value::Value;
use std::path::Path;

/// Reads a file and loads it as YAML; syntax errors carry the path and line.
pub fn load_file(path: &Path) -> Result<Loaded, SourceError> {
    let bytes = std::fs::read(path).map_err(|e| SourceError::new(path, None, e.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| SourceError::new(path, None, "file is not valid UTF-8"))?;
    load_text(path, &text)
}

/// What Ansible says for a vault-encrypted file when no vault secret is configured (stackctl
/// never decrypts).
pub const NO_VAULT_SECRETS: &str = "Attempting to decrypt but no vault secrets found.";

/// A whole file encrypted with ansible-vault (`$ANSIBLE_VAULT;1.1;AES256` header).
pub fn is_vault_encrypted(text: &str) -> bool {
    text.starts_with("$ANSIBLE_VAULT;")
}

/// Loads YAML text read from `path` (the path is only used in errors).
pub fn load_text(path: &Path, text: &str) -> Result<Loaded, SourceError> {
    if is_vault_encrypted(text) {
        return Err(SourceError::new(path, Some(1), NO_VAULT_SECRETS));
    }
    load_document(text).map_err(|e| to_source_error(path, e))
}

/// Loads one YAML (or JSON) document as a plain value; an empty document is `Null`.
/// Errors read `message (line L, column C)`.
pub fn load_str(text: &str) -> Result<Value, String> {
    match load_document(text) {
        Ok(l) => Ok(l.root.map(|n| n.to_value()).unwrap_or(Value::Null)),
        Err(e) if e.line > 0 => Err(format!("{} (line {}, column {})", e.message, e.line, e.col)),
        Err(e) => Err(e.message),
    }
}

pub fn to_source_error(path: &Path, e: YamlError) -> SourceError {
    let line = (e.line > 0).then_some(e.line);
    let message = if e.line > 0 {
        format!(
            "YAML parsing failed: {} (line {}, column {})",
            e.message, e.line, e.col
        )
    } else {
        format!("YAML parsing failed: {}", e.message)
    };
    SourceError::new(path, line, message)
}

/// Python's `type(x).__name__` for the value a node constructs (messages only).
pub fn py_type_name(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Seq(_) => "list",
        NodeKind::Map(_) => "dict",
        NodeKind::Scalar(v) => match v {
            Value::Null => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Date(s) if s.contains('T') => "datetime",
            Value::Date(_) => "date",
            Value::Vault(_) => "EncryptedString",
            _ => "str",
        },
    }
}

/// Loads a vars file (`group_vars/x.yml`, JSON too): a top-level mapping becomes variables with
/// `path:line` origins; an empty or null document is no variables.
pub fn load_vars_file(path: &Path) -> Result<VarMap, SourceError> {
    load_vars_file_with_warnings(path).map(|(vars, _)| vars)
}

/// A loader warning as Ansible prints it (without the source excerpt).
pub fn format_warning(path: &Path, w: &YamlError) -> String {
    format!(
        "{}\nOrigin: {}:{}:{}\n\nUsing last defined value only.",
        w.message,
        path.display(),
        w.line,
        w.col
    )
}

/// [`load_vars_file`] plus the loader's warnings (duplicate keys), each prefixed with the path.
pub fn load_vars_file_with_warnings(path: &Path) -> Result<(VarMap, Vec<String>), SourceError> {
    let loaded = load_file(path)?;
    let warnings = loaded
        .warnings
        .iter()
        .map(|w| format_warning(path, w))
        .collect();
    let mut vars = VarMap::new();
    let Some(root) = loaded.root else {
        return Ok((vars, warnings));
    };
    match &root.kind {
        NodeKind::Scalar(Value::Null) => {}
        NodeKind::Map(pairs) => {
            for (k, v) in pairs {
                vars.insert(
                    k.key_string(),
                    Var {
                        value: v.to_value(),
                        origin: Origin::file(path, k.line),
                    },
                );
            }
        }
        _ => {
            return Err(SourceError::new(
                path,
                Some(root.line),
                format!(
                    "Could not process '{}': failed to combine variables, expected dicts but got a 'dict' and a '{}'.",
                    path.display(),
                    py_type_name(&root)
                ),
            ));
        }
    }
    Ok((vars, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // ansible-inventory.md §8.2: empty/null file = no vars; a list is an error (checked with
    // ansible-inventory: "failed to combine variables, expected dicts but got a 'dict' and a …").
    #[test]
    fn vars_file_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("all.yml");
        std::fs::write(&p, "").unwrap();
        assert!(load_vars_file(&p).unwrap().is_empty());
        std::fs::write(&p, "---\n~\n").unwrap();
        assert!(load_vars_file(&p).unwrap().is_empty());
        std::fs::write(&p, "# c\na: 1\n\nb: [x]\n").unwrap();
        let vars = load_vars_file(&p).unwrap();
        assert_eq!(vars["a"].value, Value::Int(1));
        assert_eq!(vars["b"].origin, Origin::file(&p, 4));
        std::fs::write(&p, "\n- a\n- b\n").unwrap();
        let e = load_vars_file(&p).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("'dict' and a 'list'"), "{}", e.message);
        std::fs::write(&p, "a: 1\n  b: 2\n").unwrap();
        let e = load_vars_file(&p).unwrap_err();
        assert!(e.line.is_some());
        std::fs::write(&p, "{\"a\": {\"b\": [1, 2.5, null, true]}}").unwrap();
        let v = &load_vars_file(&p).unwrap()["a"].value;
        assert_eq!(v.py_repr(), "{'b': [1, 2.5, None, True]}");
    }

    #[test]
    fn load_str_plain_values() {
        // §5.2 typing applies to `-e '{…}'` documents too.
        let v = load_str("{a: yes, b: '010', c: 010}").unwrap();
        assert_eq!(v.py_repr(), "{'a': True, 'b': '010', 'c': 8}");
        assert_eq!(load_str("").unwrap(), Value::Null);
        let e = load_str("a: [1\n").unwrap_err();
        assert!(e.contains("(line "), "{e}");
    }

    // ansible-inventory.md §8.2/§12: a vaulted file without a secret → this exact error.
    #[test]
    fn vaulted_files_are_refused_with_ansible_text() {
        let e =
            load_text(Path::new("/g/all.yml"), "$ANSIBLE_VAULT;1.1;AES256\n6131\n").unwrap_err();
        assert_eq!(
            e.message,
            "Attempting to decrypt but no vault secrets found."
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        #[test]
        fn loader_never_panics(s in "\\PC*") {
            let _ = load_document(&s);
            let _ = load_str(&s);
        }

        #[test]
        fn loader_never_panics_yamlish(s in "[a-z0-9:&*!<>|'\"\\[\\]{}#,.~ \\n-]{0,80}") {
            if let Ok(Loaded { root: Some(r), .. }) = load_document(&s) {
                let _ = to_yaml_string(&r.to_value());
            }
        }
    }
}
