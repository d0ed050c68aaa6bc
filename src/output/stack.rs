//! `stackctl resolve` output: a table per stack for people, stackctl's stable JSON/YAML shape
//! for scripts, and Mitogen's own list-of-hop-dicts shape for diffing against Mitogen.

use super::{cell, new_table, redact};
use crate::plan::{self, Placement, SshChain};
use crate::stack::{HopKind, Stack};
use crate::value::{Map, TagStyle, Value};

const SECRET_KWARGS: [&str; 1] = ["password"];

fn kwargs_shown(kwargs: &Map, show_secrets: bool) -> Map {
    kwargs
        .iter()
        .map(|(k, v)| {
            let v = if SECRET_KWARGS.contains(&k.as_str()) {
                redact(v, show_secrets)
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// Mitogen's shape: `[{"method", "kwargs"[, "enable_lru"]}]`.
pub fn mitogen(stack: &Stack, show_secrets: bool) -> String {
    let hops: Vec<Value> = stack
        .hops
        .iter()
        .map(|h| {
            let mut d = Map::new();
            d.insert("method".into(), Value::str(h.method.clone()));
            d.insert(
                "kwargs".into(),
                Value::Map(kwargs_shown(&h.kwargs, show_secrets)),
            );
            if h.enable_lru {
                d.insert("enable_lru".into(), Value::Bool(true));
            }
            Value::Map(d)
        })
        .collect();
    Value::List(hops).to_py_json_indent(TagStyle::PlainUnsafe, 2)
}

/// stackctl's documented shape: `{"host", "hops": [{index, method, kind, inventory_host,
/// runs_on, enable_lru, kwargs}]}`.
pub fn to_value(stack: &Stack, show_secrets: bool) -> Value {
    let places = plan::placements(stack, SshChain::of(stack));
    let hops: Vec<Value> = stack
        .hops
        .iter()
        .zip(&places)
        .enumerate()
        .map(|(i, (h, p))| {
            let mut d = Map::new();
            d.insert("index".into(), Value::Int(i as i64));
            d.insert("method".into(), Value::str(h.method.clone()));
            let kind = match h.kind {
                HopKind::Login => "login",
                HopKind::Become => "become",
            };
            d.insert("kind".into(), Value::str(kind));
            d.insert(
                "inventory_host".into(),
                Value::str(h.inventory_host.clone()),
            );
            d.insert("runs_on".into(), placement_value(p));
            d.insert("enable_lru".into(), Value::Bool(h.enable_lru));
            d.insert(
                "kwargs".into(),
                Value::Map(kwargs_shown(&h.kwargs, show_secrets)),
            );
            Value::Map(d)
        })
        .collect();
    let mut root = Map::new();
    root.insert("host".into(), Value::str(stack.target.clone()));
    root.insert("hops".into(), Value::List(hops));
    Value::Map(root)
}

fn placement_value(p: &Placement) -> Value {
    let mut d = Map::new();
    match p {
        Placement::Local => {
            d.insert("where".into(), Value::str("local"));
        }
        Placement::Tunnel { through } => {
            d.insert("where".into(), Value::str("tunnel"));
            d.insert("hop".into(), Value::Int(*through as i64));
        }
        Placement::On { hop } => {
            d.insert("where".into(), Value::str("hop"));
            d.insert("hop".into(), Value::Int(*hop as i64));
        }
    }
    Value::Map(d)
}

pub fn json(stack: &Stack, show_secrets: bool) -> String {
    to_value(stack, show_secrets).to_py_json_indent(TagStyle::PlainUnsafe, 2)
}

/// One row per hop: index, method, inventory host, where it runs, and the kwargs that are set.
pub fn table(stack: &Stack, show_secrets: bool) -> String {
    let places = plan::placements(stack, SshChain::of(stack));
    let mut t = new_table();
    t.set_header(vec!["#", "method", "host", "runs on", "settings"]);
    for (i, (h, p)) in stack.hops.iter().zip(&places).enumerate() {
        let settings: Vec<String> = kwargs_shown(&h.kwargs, show_secrets)
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}={}", cell(v)))
            .collect();
        let method = match h.kind {
            HopKind::Login => h.method.clone(),
            HopKind::Become => format!("{} (become)", h.method),
        };
        t.add_row(vec![
            i.to_string(),
            method,
            h.inventory_host.clone(),
            plan::describe(stack, p),
            settings.join("\n"),
        ]);
    }
    t.to_string()
}
