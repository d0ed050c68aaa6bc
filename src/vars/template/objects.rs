//! Lazy template objects: a host's variable context, `hostvars`, and opaque vault values.

use super::{
    TemplateError, convert, groups_value, guarded, has_markers, host_vars_of, lazy_var,
    needs_render, render_str, with_provider, with_state,
};
use crate::value::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Error, ErrorKind, Value as MjValue};
use std::sync::Arc;

/// The variables of one host, rendered on access. As the root context (`root`) it also holds
/// `hostvars` and `groups`; as `hostvars[host]` it holds the host's variables and magic names.
#[derive(Debug)]
pub(crate) struct HostCtx {
    host: String,
    root: bool,
}

impl HostCtx {
    pub(crate) fn new(host: &str) -> HostCtx {
        HostCtx {
            host: host.to_string(),
            root: true,
        }
    }
}

impl Object for HostCtx {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &MjValue) -> Option<MjValue> {
        let name = key.as_str()?;
        if self.root {
            match name {
                "hostvars" => {
                    with_state(|s| s.last_missing = None);
                    return Some(MjValue::from_object(HostVars));
                }
                "groups" => {
                    with_state(|s| s.last_missing = None);
                    return Some(groups_value());
                }
                _ => {}
            }
        }
        with_state(|s| s.last_undefined = false);
        let found = lazy_var(&self.host, name);
        let undefined = with_state(|s| std::mem::take(&mut s.last_undefined)).unwrap_or(false);
        match found {
            Ok(Some(v)) => {
                with_state(|s| s.last_missing = None);
                Some(v)
            }
            Ok(None) => {
                let msg = if self.root {
                    format!("'{name}' is undefined")
                } else {
                    format!("'{name}' is undefined (in hostvars['{}'])", self.host)
                };
                with_state(|s| s.last_missing = Some(msg));
                None
            }
            Err(e) => {
                if undefined {
                    // Like Ansible, a variable whose template hits an undefined name is itself
                    // undefined (`{{ x | default('y') }}` works); remember why for the message.
                    with_state(|s| s.last_missing = Some(e.message.clone()));
                    None
                } else {
                    Some(MjValue::from(Error::new(
                        ErrorKind::InvalidOperation,
                        e.message,
                    )))
                }
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: Vec<MjValue> = match host_vars_of(&self.host) {
            Some(vars) => vars.keys().map(|k| MjValue::from(k.as_str())).collect(),
            None => Vec::new(),
        };
        for magic in [
            "inventory_hostname",
            "inventory_hostname_short",
            "group_names",
        ] {
            keys.push(MjValue::from(magic));
        }
        Enumerator::Iter(Box::new(keys.into_iter()))
    }
}

/// Ansible's `hostvars`: host name → that host's lazily rendered variables.
#[derive(Debug)]
pub(crate) struct HostVars;

impl Object for HostVars {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &MjValue) -> Option<MjValue> {
        let host = key.as_str()?;
        if host_vars_of(host).is_none() {
            with_state(|s| s.last_missing = Some(format!("hostvars['{host}'] is undefined")));
            return None;
        }
        with_state(|s| s.last_missing = None);
        Some(MjValue::from_object(HostCtx {
            host: host.to_string(),
            root: false,
        }))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let all = with_provider(|p| p.groups())
            .and_then(|g| g.get("all").cloned())
            .and_then(|v| match v {
                crate::value::Value::List(items) => Some(items),
                _ => None,
            })
            .unwrap_or_default();
        let names: Vec<MjValue> = all
            .iter()
            .filter_map(|v| v.as_str().map(MjValue::from))
            .collect();
        Enumerator::Iter(Box::new(names.into_iter()))
    }
}

/// A `!vault` value: passed through templates untouched, never printed as text.
#[derive(Debug)]
pub(crate) struct VaultObj(pub(crate) String);

impl Object for VaultObj {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result
    where
        Self: Sized + 'static,
    {
        f.write_str("<vault-encrypted value>")
    }
}

/// The template value for a variable (or element) that failed to render: like Ansible, one that
/// hit an undefined name is itself undefined (`{{ x | default('y') }}` works; the reason is kept
/// for the message), any other failure is an error when used.
fn failed(e: TemplateError, undefined: bool) -> Option<MjValue> {
    if undefined {
        with_state(|s| s.last_missing = Some(e.message.clone()));
        None
    } else {
        Some(MjValue::from(Error::new(
            ErrorKind::InvalidOperation,
            e.message,
        )))
    }
}

/// A list or mapping variable that contains templates, rendered element by element on access.
#[derive(Debug)]
pub(crate) struct Lazy {
    host: String,
    path: String,
    value: Value,
}

impl Lazy {
    pub(crate) fn new_value(host: &str, path: &str, value: &Value) -> MjValue {
        MjValue::from_object(Lazy {
            host: host.to_string(),
            path: path.to_string(),
            value: value.clone(),
        })
    }

    fn element(&self, key: &str, v: &Value) -> Option<MjValue> {
        let path = format!("{}[{key}]", self.path);
        match v {
            Value::Str(s) if has_markers(s) => {
                with_state(|s| s.last_undefined = false);
                let result = guarded(&self.host, &path, || render_str(s, &self.host));
                let undefined =
                    with_state(|s| std::mem::take(&mut s.last_undefined)).unwrap_or(false);
                match result {
                    Ok(v) => Some(convert::to_mj(&v)),
                    Err(e) => failed(e, undefined),
                }
            }
            Value::List(_) | Value::Map(_) if needs_render(v) => {
                Some(Lazy::new_value(&self.host, &path, v))
            }
            other => Some(convert::to_mj(other)),
        }
    }
}

impl Object for Lazy {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match self.value {
            Value::List(_) => ObjectRepr::Seq,
            _ => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &MjValue) -> Option<MjValue> {
        match &self.value {
            Value::List(items) => {
                let i = key.as_usize()?;
                self.element(&i.to_string(), items.get(i)?)
            }
            Value::Map(m) => {
                let k = key.as_str()?;
                self.element(&format!("'{k}'"), m.get(k)?)
            }
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match &self.value {
            Value::List(items) => Enumerator::Seq(items.len()),
            Value::Map(m) => {
                Enumerator::Values(m.keys().map(|k| MjValue::from(k.as_str())).collect())
            }
            _ => Enumerator::Empty,
        }
    }
}
