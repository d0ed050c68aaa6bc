//! Output stage: how results look — ansible-inventory's JSON/YAML/graph, tables for people
//! (comfy-table), stable JSON/YAML shapes for scripts, secret redaction.

pub mod config;
pub mod inventory;
pub mod plan;
pub mod stack;

use crate::value::Value;

/// The text shown instead of a secret.
pub const REDACTED: &str = "********";

/// A secret value as shown: null stays null, anything else is `********` unless `show`.
pub fn redact(v: &Value, show: bool) -> Value {
    if show || v.is_null() {
        v.clone()
    } else {
        Value::str(REDACTED)
    }
}

/// A table styled for the terminal, or plain when stdout is not a terminal / NO_COLOR.
pub fn new_table() -> comfy_table::Table {
    use std::io::IsTerminal;
    let mut t = comfy_table::Table::new();
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    } else {
        t.force_no_tty();
        t.load_style(comfy_table::presets::ASCII_FULL_CONDENSED);
    }
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}

/// A value as one table cell: strings bare, others as Python repr.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.py_repr(),
    }
}
