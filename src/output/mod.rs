//! Output stage: how results look — ansible-inventory's JSON/YAML/graph, tables for people
//! (comfy-table), stable JSON/YAML shapes for scripts, secret redaction.

pub mod check;
pub mod config;
pub mod fanout;
pub mod fanout_hosts;
pub mod graph;
pub mod inventory;
pub mod plan;
pub mod progress;
pub mod ssh_config;
pub mod stack;

use crate::cli::ColorChoice;
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

static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Sets `--color` for this process (first call wins; the default is `auto`).
pub fn set_color(choice: ColorChoice) {
    let _ = COLOR.set(choice);
}

/// Whether table output is styled: `--color=always`, or `auto` with stdout a terminal and
/// `NO_COLOR` unset or empty (https://no-color.org: an explicit `--color=always` still wins).
pub fn styled() -> bool {
    use std::io::IsTerminal;
    match COLOR.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Header cells, bold and coloured when output is styled.
pub fn header_cells<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Vec<comfy_table::Cell> {
    let on = styled();
    names
        .into_iter()
        .map(|n| {
            let c = comfy_table::Cell::new(n.into());
            if on {
                c.add_attribute(comfy_table::Attribute::Bold)
                    .fg(comfy_table::Color::Cyan)
            } else {
                c
            }
        })
        .collect()
}

/// A table styled for the terminal (`styled()`), or plain ASCII otherwise.
pub fn new_table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    if styled() {
        t.enforce_styling();
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
