//! `stackctl config` output: the config dict as a table, JSON or YAML, optionally explained.

use super::{cell, header_cells, new_table, redact};
use crate::config::{Config, SECRET_KEYS};
use crate::value::{Map, TagStyle, Value};

/// The dict shown for scripts: `{key: value}`, or with `explain` `{key: {value, from}}`.
pub fn to_value(c: &Config, explain: bool, show_secrets: bool) -> Value {
    let mut m = Map::new();
    for (k, e) in &c.entries {
        let v = if SECRET_KEYS.contains(k) {
            redact(&e.value, show_secrets)
        } else {
            e.value.clone()
        };
        if explain {
            let mut d = Map::new();
            d.insert("value".into(), v);
            d.insert("from".into(), Value::str(e.from.to_string()));
            m.insert(k.to_string(), Value::Map(d));
        } else {
            m.insert(k.to_string(), v);
        }
    }
    Value::Map(m)
}

pub fn table(c: &Config, explain: bool, show_secrets: bool) -> String {
    let mut t = new_table();
    let mut header = vec!["key", "value"];
    if explain {
        header.push("from");
    }
    t.set_header(header_cells(header));
    for (k, e) in &c.entries {
        let v = if SECRET_KEYS.contains(k) {
            redact(&e.value, show_secrets)
        } else {
            e.value.clone()
        };
        let mut row = vec![k.to_string(), cell(&v)];
        if explain {
            row.push(e.from.to_string());
        }
        t.add_row(row);
    }
    t.to_string()
}

pub fn json(c: &Config, explain: bool, show_secrets: bool) -> String {
    to_value(c, explain, show_secrets).to_py_json_indent(TagStyle::PlainUnsafe, 2)
}
