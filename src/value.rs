//! Variable values as Ansible holds them (Python types after YAML 1.1 / literal_eval typing),
//! and their exact Python renderings: `json.dumps(sort_keys=True, indent=4)`, `str()`, `repr()`.

use indexmap::IndexMap;
use std::fmt::Write as _;

/// An ordered mapping of variable name to value, in insertion order like a Python dict.
pub type Map = IndexMap<String, Value>;

/// One variable value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A YAML timestamp (`2024-01-31`), printed as its ISO text in JSON, bare in YAML.
    Date(String),
    List(Vec<Value>),
    Map(Map),
    /// `!vault |` ciphertext: printed encrypted by `--list`/`--host`, decrypted (with a vault
    /// secret) by `--graph --vars` and by the config builder's lookups.
    Vault(String),
    /// `!unsafe` text (or INI `b'…'`, TOML strings): never templated.
    Unsafe(String),
}

/// How tagged values are shown in JSON: `--list` keeps the tags, `--host` shows unsafe as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagStyle {
    /// `{"__ansible_unsafe": …}` and `{"__ansible_vault": …}`.
    Tagged,
    /// Unsafe values as plain strings; vault still tagged.
    PlainUnsafe,
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// The text of a string-like value (plain, unsafe or date); `None` for other types.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Unsafe(s) | Value::Date(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Python truthiness (`bool(x)`): what Mitogen's `or` chains test.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Unsafe(s) | Value::Vault(s) => !s.is_empty(),
            Value::Date(_) => true,
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
        }
    }

    /// Ansible's `boolean()` conversion (strict=False): `yes/on/1/true/t/y` (any case) and
    /// `1`/`1.0`/`True` are true, everything else false.
    pub fn ansible_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Int(i) => *i == 1,
            Value::Float(f) => *f == 1.0,
            Value::Str(s) | Value::Unsafe(s) => is_true_word(s),
            _ => false,
        }
    }

    /// `str(value)` as Python prints it (used by `--graph --vars` and string conversions).
    pub fn py_str(&self) -> String {
        match self {
            Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => s.clone(),
            other => other.py_repr(),
        }
    }

    /// `repr(value)` as Python prints it.
    pub fn py_repr(&self) -> String {
        let mut out = String::new();
        write_repr(self, &mut out);
        out
    }

    /// `json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False)` as Ansible prints it.
    pub fn to_py_json(&self, tags: TagStyle) -> String {
        self.to_py_json_indent(tags, 4)
    }

    /// `json.dumps(value, sort_keys=True, indent=width)`.
    pub fn to_py_json_indent(&self, tags: TagStyle, width: usize) -> String {
        let mut out = String::new();
        write_json(self, tags, &Indent { width, level: 0 }, &mut out);
        out
    }
}

/// Ansible's `BOOLEANS_TRUE` words, case-insensitively.
pub fn is_true_word(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "yes" | "on" | "1" | "true" | "t" | "1.0"
    )
}

/// Python's `repr(float)`: shortest round-trip digits, exponent form outside 1e-4..1e16.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e3", "-5e-7".
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let mut s = String::from(sign);
        if exp >= 0 {
            let int_len = exp + 1;
            if n <= int_len {
                s.push_str(&digits);
                for _ in 0..(int_len - n) {
                    s.push('0');
                }
                s.push_str(".0");
            } else {
                s.push_str(&digits[..int_len as usize]);
                s.push('.');
                s.push_str(&digits[int_len as usize..]);
            }
        } else {
            s.push_str("0.");
            for _ in 0..(-exp - 1) {
                s.push('0');
            }
            s.push_str(&digits);
        }
        s
    } else {
        let mut s = String::from(sign);
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let _ = write!(s, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
        s
    }
}

fn json_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        py_float_repr(f)
    }
}

/// A JSON string literal as Python's json module writes it with `ensure_ascii=False`.
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain_from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escape);
        }
        plain_from = i + c.len_utf8();
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

/// Writes `v` as Python's json module would when it sits `level` levels deep in a document
/// indented by `width` (for writers that stream the outer levels themselves).
pub fn write_json_at(v: &Value, tags: TagStyle, width: usize, level: usize, out: &mut String) {
    write_json(v, tags, &Indent { width, level }, out);
}

/// Writes the JSON object of `shared` overlaid by `own` (own's values win), keys sorted, keys
/// in `skip` left out, as if it were one map `level` levels deep — without building that map.
/// Returns false (writing nothing) when the object would be empty.
pub fn write_json_overlay(
    shared: &Map,
    own: &Map,
    skip: &[&str],
    tags: TagStyle,
    width: usize,
    level: usize,
    out: &mut String,
) -> bool {
    let mut keys: Vec<&String> = shared
        .keys()
        .filter(|k| !own.contains_key(*k))
        .chain(own.keys())
        .filter(|k| !skip.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        return false;
    }
    keys.sort_unstable();
    let at = Indent { width, level };
    out.push('{');
    for (i, k) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        indent(out, &at.deeper());
        json_string(k, out);
        out.push_str(": ");
        let v = own.get(k).or_else(|| shared.get(k)).unwrap_or(&Value::Null);
        write_json(v, tags, &at.deeper(), out);
    }
    indent(out, &at);
    out.push('}');
    true
}

#[derive(Clone, Copy)]
struct Indent {
    width: usize,
    level: usize,
}

impl Indent {
    fn deeper(self) -> Indent {
        Indent {
            level: self.level + 1,
            ..self
        }
    }
}

fn indent(out: &mut String, at: &Indent) {
    const SPACES: &str = "                                                                ";
    out.push('\n');
    let mut n = at.level * at.width;
    while n > 0 {
        let step = n.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        n -= step;
    }
}

fn write_json(v: &Value, tags: TagStyle, level: &Indent, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&json_float(*f)),
        Value::Str(s) | Value::Date(s) => json_string(s, out),
        Value::Unsafe(s) => match tags {
            TagStyle::Tagged => write_tagged("__ansible_unsafe", s, level, out),
            TagStyle::PlainUnsafe => json_string(s, out),
        },
        Value::Vault(s) => write_tagged("__ansible_vault", s, level, out),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, &level.deeper());
                write_json(item, tags, &level.deeper(), out);
            }
            indent(out, level);
            out.push(']');
        }
        Value::Map(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, &level.deeper());
                json_string(k, out);
                out.push_str(": ");
                write_json(v, tags, &level.deeper(), out);
            }
            indent(out, level);
            out.push('}');
        }
    }
}

fn write_tagged(key: &str, text: &str, level: &Indent, out: &mut String) {
    out.push('{');
    indent(out, &level.deeper());
    json_string(key, out);
    out.push_str(": ");
    json_string(text, out);
    indent(out, level);
    out.push('}');
}

/// Python `repr()` of a str: single quotes unless the text has `'` and no `"`.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn write_repr(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&py_float_repr(*f)),
        Value::Str(s) | Value::Unsafe(s) => out.push_str(&py_str_repr(s)),
        // ansible-core 2.19's repr of a vault value (never decrypted by repr).
        Value::Vault(s) => {
            out.push_str("EncryptedString(ciphertext=");
            out.push_str(&py_str_repr(s));
            out.push(')');
        }
        Value::Date(s) => {
            let parts: Vec<&str> = s.split('-').collect();
            if parts.len() == 3 {
                let n = |p: &str| p.trim_start_matches('0').to_string();
                let _ = write!(
                    out,
                    "datetime.date({}, {}, {})",
                    parts[0],
                    if n(parts[1]).is_empty() {
                        "0".into()
                    } else {
                        n(parts[1])
                    },
                    if n(parts[2]).is_empty() {
                        "0".into()
                    } else {
                        n(parts[2])
                    }
                );
            } else {
                out.push_str(&py_str_repr(s));
            }
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(item, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&py_str_repr(k));
                out.push_str(": ");
                write_repr(item, out);
            }
            out.push('}');
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

/// Converts a JSON document (script inventories, `-e '{…}'`) into a Value, decoding Ansible's
/// `__ansible_unsafe` / `__ansible_vault` tag objects.
pub fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            if o.len() == 1 {
                if let Some(serde_json::Value::String(s)) = o.get("__ansible_unsafe") {
                    return Value::Unsafe(s.clone());
                }
                if let Some(serde_json::Value::String(s)) = o.get("__ansible_vault") {
                    return Value::Vault(s.clone());
                }
            }
            Value::Map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        for (f, s) in [
            (1000.0, "1000.0"),
            (1.1, "1.1"),
            (0.5, "0.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.6, "123456789012345.6"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (1e300, "1e+300"),
        ] {
            assert_eq!(py_float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn json_matches_python_dumps() {
        let mut m = Map::new();
        m.insert(
            "b".into(),
            Value::List(vec![Value::Int(1), Value::str("x")]),
        );
        m.insert("a".into(), Value::Map(Map::new()));
        m.insert("c".into(), Value::Unsafe("u".into()));
        let got = Value::Map(m).to_py_json(TagStyle::Tagged);
        let want = "{\n    \"a\": {},\n    \"b\": [\n        1,\n        \"x\"\n    ],\n    \"c\": {\n        \"__ansible_unsafe\": \"u\"\n    }\n}";
        assert_eq!(got, want);
    }

    #[test]
    fn repr_matches_python() {
        let v = Value::List(vec![Value::str("it's"), Value::Null, Value::Bool(true)]);
        assert_eq!(v.py_repr(), "[\"it's\", None, True]");
        // Checked with ansible-inventory --graph --vars (a list holding a `!vault` value).
        let v = Value::List(vec![Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n31\n".into())]);
        assert_eq!(
            v.py_repr(),
            "[EncryptedString(ciphertext='$ANSIBLE_VAULT;1.1;AES256\\n31\\n')]"
        );
    }
}
