//! Conversions between our `Value` and minijinja values, and Python `str()` of the latter.

use super::objects::VaultObj;
use crate::value::{Map, Value, py_float_repr};
use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value as MjValue};

/// Deepest nesting converted; deeper data is refused rather than overflowing the stack.
const MAX_NEST: usize = 128;

/// Our value as a minijinja value. Unsafe and date values become plain strings (the text is
/// never rendered again); vault values stay opaque.
pub(crate) fn to_mj(v: &Value) -> MjValue {
    match v {
        Value::Null => MjValue::from(()),
        Value::Bool(b) => MjValue::from(*b),
        Value::Int(i) => MjValue::from(*i),
        Value::Float(f) => MjValue::from(*f),
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) => MjValue::from(s.as_str()),
        Value::List(items) => MjValue::from(items.iter().map(to_mj).collect::<Vec<_>>()),
        Value::Map(m) => map_to_mj(m),
        Value::Vault(s) => MjValue::from_object(VaultObj(s.clone())),
    }
}

pub(crate) fn map_to_mj(m: &Map) -> MjValue {
    MjValue::from_pairs(m.iter().map(|(k, v)| (k.as_str(), to_mj(v))))
}

/// A minijinja value as our value.
pub(crate) fn from_mj(v: &MjValue) -> Result<Value, String> {
    from_mj_at(v, 0)
}

fn from_mj_at(v: &MjValue, depth: usize) -> Result<Value, String> {
    if depth > MAX_NEST {
        return Err("value nested too deeply".into());
    }
    if let Some(vault) = v.downcast_object_ref::<VaultObj>() {
        return Ok(Value::Vault(vault.0.clone()));
    }
    Ok(match v.kind() {
        ValueKind::Undefined => {
            return Err(super::with_state(|s| s.last_missing.clone())
                .flatten()
                .unwrap_or_else(|| "undefined value".into()));
        }
        ValueKind::Invalid => {
            return Err(invalid_message(v));
        }
        ValueKind::None => Value::Null,
        ValueKind::Bool => Value::Bool(v.is_true()),
        ValueKind::Number => {
            if let Some(i) = v.as_i64().filter(|_| v.is_integer()) {
                Value::Int(i)
            } else {
                Value::Float(f64::try_from(v.clone()).map_err(|e| e.to_string())?)
            }
        }
        ValueKind::String => Value::Str(v.as_str().unwrap_or_default().to_string()),
        ValueKind::Bytes => {
            Value::Str(String::from_utf8_lossy(v.as_bytes().unwrap_or_default()).into_owned())
        }
        ValueKind::Map => {
            let mut out = Map::new();
            for key in v.try_iter().map_err(|e| e.to_string())? {
                let item = v.get_item(&key).map_err(|e| e.to_string())?;
                let k = match key.as_str() {
                    Some(s) => s.to_string(),
                    None => py_str_at(&key, depth + 1).map_err(|e| e.to_string())?,
                };
                out.insert(k, from_mj_at(&item, depth + 1)?);
            }
            Value::Map(out)
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let mut out = Vec::new();
            for item in v.try_iter().map_err(|e| e.to_string())? {
                out.push(from_mj_at(&item, depth + 1)?);
            }
            Value::List(out)
        }
        _ => Value::Str(v.to_string()),
    })
}

/// Python's `str()` of a value, as Jinja2 prints it (`True`, `None`, `{'a': 1}`).
pub(crate) fn py_str(v: &MjValue) -> Result<String, Error> {
    py_str_at(v, 0)
}

fn py_str_at(v: &MjValue, depth: usize) -> Result<String, Error> {
    if v.downcast_object_ref::<VaultObj>().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "a vault-encrypted value cannot be used inside a larger template (it is not decrypted)",
        ));
    }
    match v.kind() {
        ValueKind::Undefined => Err(Error::from(ErrorKind::UndefinedError)),
        ValueKind::String => Ok(v.as_str().unwrap_or_default().to_string()),
        ValueKind::None => Ok("None".into()),
        ValueKind::Bool => Ok(if v.is_true() { "True" } else { "False" }.into()),
        ValueKind::Number => {
            if let Some(i) = v.as_i64().filter(|_| v.is_integer()) {
                Ok(i.to_string())
            } else if v.is_integer() {
                Ok(v.to_string())
            } else {
                Ok(py_float_repr(f64::try_from(v.clone())?))
            }
        }
        ValueKind::Invalid => Err(Error::new(ErrorKind::InvalidOperation, invalid_message(v))),
        _ => {
            let ours =
                from_mj_at(v, depth).map_err(|e| Error::new(ErrorKind::InvalidOperation, e))?;
            Ok(ours.py_str())
        }
    }
}

/// The message carried by an invalid value (an error raised while reading a variable).
pub(crate) fn invalid_message(v: &MjValue) -> String {
    let text = v.to_string();
    text.strip_prefix("<invalid value: ")
        .and_then(|t| t.strip_suffix('>'))
        .map(|t| t.split(" (in ").next().unwrap_or(t).to_string())
        .unwrap_or(text)
}
