//! Reading typed values out of a hop's Mitogen kwargs (strings, ints, lists), with errors that
//! name the key.

use crate::value::{Map, Value};

/// A kwarg as text; null, missing and empty are `None`. Ints are printed.
pub fn text(k: &Map, key: &str) -> Option<String> {
    match k.get(key)? {
        Value::Null => None,
        Value::Int(i) => Some(i.to_string()),
        v => {
            let s = v.py_str();
            if s.is_empty() { None } else { Some(s) }
        }
    }
}

/// A kwarg as a non-negative integer; null or missing is `None`.
pub fn uint(k: &Map, key: &str) -> Result<Option<u64>, String> {
    match k.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match crate::config::to_int(v) {
            Some(Value::Int(i)) if i >= 0 => Ok(Some(i as u64)),
            _ => Err(format!(
                "{key}={} is not a non-negative integer",
                v.py_repr()
            )),
        },
    }
}

/// A kwarg list of words (`ssh_args`, `sudo_args`, `kubectl_args`); null is empty.
pub fn words(k: &Map, key: &str) -> Result<Vec<String>, String> {
    match k.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => items
            .iter()
            .map(|v| match v {
                Value::Null => Err(format!("{key} contains a null")),
                other => Ok(other.py_str()),
            })
            .collect(),
        Some(other) => Err(format!("{key}={} is not a list", other.py_repr())),
    }
}

/// A kwarg boolean (Python truthiness).
pub fn flag(k: &Map, key: &str) -> bool {
    k.get(key).is_some_and(|v| v.truthy())
}
