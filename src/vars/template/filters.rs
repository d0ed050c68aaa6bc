//! The Ansible filters (and Python string methods) that inventories use, with Ansible's
//! semantics where they differ from minijinja's built-ins (`bool`, `default`, `int`, `string`).

use super::convert::{from_mj, map_to_mj, py_str, to_mj};
use crate::value::{Map, Value, json_string};
use minijinja::value::{Kwargs, Rest, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value as MjValue};

fn err(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn ours(v: &MjValue) -> Result<Value, Error> {
    from_mj(v).map_err(err)
}

fn text(v: &MjValue) -> Result<String, Error> {
    py_str(v)
}

/// Ansible's undefined is strict: a filter applied to it fails (`{{ missing | lower }}`).
fn defined(v: &MjValue) -> Result<(), Error> {
    if v.is_undefined() {
        Err(Error::from(ErrorKind::UndefinedError))
    } else {
        Ok(())
    }
}

fn strict_text(v: &MjValue) -> Result<String, Error> {
    defined(v)?;
    text(v)
}

pub(crate) fn register(env: &mut Environment<'static>) {
    env.add_filter("default", default);
    env.add_filter("d", default);
    env.add_filter("bool", to_bool);
    env.add_filter("int", to_int);
    env.add_filter("float", to_float);
    env.add_filter("string", |v: MjValue| {
        defined(&v)?;
        text(&v)
    });
    env.add_filter("lower", |v: MjValue| {
        Ok::<_, Error>(strict_text(&v)?.to_lowercase())
    });
    env.add_filter("upper", |v: MjValue| {
        Ok::<_, Error>(strict_text(&v)?.to_uppercase())
    });
    env.add_filter("trim", |v: MjValue, chars: Option<String>| {
        let t = strict_text(&v)?;
        Ok::<_, Error>(match chars {
            Some(set) => t.trim_matches(|c| set.contains(c)).to_string(),
            None => t.trim().to_string(),
        })
    });
    env.add_filter(
        "replace",
        |v: MjValue, old: String, new: String, count: Option<usize>| {
            let t = strict_text(&v)?;
            Ok::<_, Error>(match count {
                Some(n) => t.replacen(&old, &new, n),
                None => t.replace(&old, &new),
            })
        },
    );
    env.add_filter(
        "split",
        |v: MjValue, sep: Option<std::sync::Arc<str>>, max: Option<i64>| {
            defined(&v)?;
            minijinja::filters::split(&v, sep, max)
        },
    );
    env.add_filter("first", |v: MjValue| {
        defined(&v)?;
        minijinja::filters::first(&v)
    });
    env.add_filter("last", |v: MjValue| {
        defined(&v)?;
        minijinja::filters::last(v)
    });
    env.add_filter("length", |v: MjValue| {
        defined(&v)?;
        minijinja::filters::length(&v)
    });
    env.add_filter("count", |v: MjValue| {
        defined(&v)?;
        minijinja::filters::length(&v)
    });
    env.add_filter(
        "join",
        |state: &mut State, v: MjValue, joiner: Option<String>, attribute: Option<String>| {
            defined(&v)?;
            let mut out = String::new();
            let sep = joiner.unwrap_or_default();
            for (i, item) in v.try_iter()?.enumerate() {
                let item = match &attribute {
                    Some(a) => item.get_attr(a)?,
                    None => item,
                };
                if i > 0 {
                    out.push_str(&sep);
                }
                let _ = state;
                out.push_str(&strict_text(&item)?);
            }
            Ok::<_, Error>(out)
        },
    );
    env.add_filter("ternary", ternary);
    env.add_filter("mandatory", mandatory);
    env.add_filter("regex_replace", regex_replace);
    env.add_filter("regex_search", regex_search);
    env.add_filter("combine", combine);
    env.add_filter("dict2items", dict2items);
    env.add_filter("items2dict", items2dict);
    env.add_filter("to_json", |v: MjValue| {
        Ok::<_, Error>(json_compact(&ours(&v)?))
    });
    env.add_filter("to_nice_json", |v: MjValue| {
        Ok::<_, Error>(ours(&v)?.to_py_json(crate::value::TagStyle::PlainUnsafe))
    });
    env.add_filter("to_yaml", |v: MjValue| {
        Ok::<_, Error>(yaml_flow_doc(&ours(&v)?))
    });
    env.add_filter("b64encode", |v: MjValue| {
        Ok::<_, Error>(b64encode(text(&v)?.as_bytes()))
    });
    env.add_filter("b64decode", |v: MjValue| {
        let bytes = b64decode(&text(&v)?).ok_or_else(|| err("b64decode: invalid base64 input"))?;
        Ok::<_, Error>(String::from_utf8_lossy(&bytes).into_owned())
    });
    env.add_filter("quote", |v: MjValue| {
        Ok::<_, Error>(shell_quote(&if v.is_none() {
            String::new()
        } else {
            text(&v)?
        }))
    });
    env.add_filter("basename", |v: MjValue| {
        Ok::<_, Error>(basename(&text(&v)?).to_string())
    });
    env.add_filter("dirname", |v: MjValue| Ok::<_, Error>(dirname(&text(&v)?)));
    env.add_function(
        "lookup",
        |name: String, terms: Rest<String>, kwargs: Kwargs| {
            let values = run_lookup(&name, &terms, &kwargs)?;
            if kwargs.get::<Option<bool>>("wantlist")?.unwrap_or(false) {
                return Ok::<_, Error>(MjValue::from(values));
            }
            Ok(MjValue::from(values.join(",")))
        },
    );
    let query = |name: String, terms: Rest<String>, kwargs: Kwargs| {
        Ok::<_, Error>(MjValue::from(run_lookup(&name, &terms, &kwargs)?))
    };
    env.add_function("query", query);
    env.add_function("q", query);
    env.set_unknown_method_callback(str_methods);
}

/// The lookup plugins stackctl supports: `env` (`ansible.builtin.env`), with `default=`.
fn run_lookup(name: &str, terms: &[String], kwargs: &Kwargs) -> Result<Vec<String>, Error> {
    match name {
        "env" | "ansible.builtin.env" | "ansible.legacy.env" => {
            let default = kwargs.get::<Option<String>>("default")?.unwrap_or_default();
            Ok(terms
                .iter()
                .map(|t| match std::env::var_os(t) {
                    Some(v) => v.to_string_lossy().into_owned(),
                    None => default.clone(),
                })
                .collect())
        }
        other => Err(err(format!(
            "lookup plugin '{other}' is not supported by stackctl (only 'env')"
        ))),
    }
}

/// `default(value, default='', boolean=False)`: the default when `value` is undefined (or, in
/// boolean mode, falsy).
fn default(value: MjValue, args: Rest<MjValue>) -> MjValue {
    let fallback = args.first().cloned().unwrap_or_else(|| MjValue::from(""));
    let boolean = args.get(1).map(|b| b.is_true()).unwrap_or(false);
    if value.is_undefined() || (boolean && !value.is_true()) {
        fallback
    } else {
        value
    }
}

/// ansible-core 2.19's `bool` filter: strings (any case) `yes/on/true/1` → true,
/// `no/off/false/0` → false; ints by their decimal text; anything else `== 1`
/// (so `'t'`, `'y'` and `2` are false — verified).
fn to_bool(value: MjValue) -> Result<bool, Error> {
    if value.is_undefined() {
        return Err(Error::from(ErrorKind::UndefinedError));
    }
    Ok(match value.kind() {
        ValueKind::Bool => value.is_true(),
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default().to_lowercase();
            matches!(s.as_str(), "yes" | "on" | "true" | "1")
        }
        ValueKind::Number => match value.as_i64() {
            Some(i) => i == 1,
            None => f64::try_from(value).map(|f| f == 1.0).unwrap_or(false),
        },
        _ => false,
    })
}

/// Python's `int(str)` for base 10: optional sign, digits, surrounding whitespace.
fn parse_py_int(s: &str, base: u32) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = match base {
        16 => digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
            .unwrap_or(digits),
        8 => digits
            .strip_prefix("0o")
            .or_else(|| digits.strip_prefix("0O"))
            .unwrap_or(digits),
        2 => digits
            .strip_prefix("0b")
            .or_else(|| digits.strip_prefix("0B"))
            .unwrap_or(digits),
        _ => digits,
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let n = i64::from_str_radix(&digits.replace('_', ""), base).ok()?;
    Some(if neg { -n } else { n })
}

/// Jinja2's `int(value, default=0, base=10)`.
fn to_int(
    value: MjValue,
    default: Option<i64>,
    base: Option<u32>,
    kwargs: Kwargs,
) -> Result<MjValue, Error> {
    defined(&value)?;
    let default = match kwargs.get::<Option<i64>>("default")? {
        Some(d) => d,
        None => default.unwrap_or(0),
    };
    let base = match kwargs.get::<Option<u32>>("base")? {
        Some(b) => b,
        None => base.unwrap_or(10),
    };
    if !(2..=36).contains(&base) {
        return Err(err("int(): base must be >= 2 and <= 36"));
    }
    Ok(MjValue::from(match value.kind() {
        ValueKind::Bool => i64::from(value.is_true()),
        ValueKind::Number => match value.as_i64() {
            Some(i) => i,
            None => {
                let f = f64::try_from(value)?;
                if f.is_finite() && f.abs() < 9.2e18 {
                    f.trunc() as i64
                } else {
                    default
                }
            }
        },
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default();
            match parse_py_int(s, base) {
                Some(i) => i,
                None if base == 10 => match parse_py_float(s) {
                    Some(f) if f.is_finite() && f.abs() < 9.2e18 => f.trunc() as i64,
                    _ => default,
                },
                None => default,
            }
        }
        _ => default,
    }))
}

fn parse_py_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return t.parse::<f64>().ok().or(Some(if t.starts_with('-') {
            f64::NEG_INFINITY
        } else if body == "nan" {
            f64::NAN
        } else {
            f64::INFINITY
        }));
    }
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE_".contains(c))
    {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

/// Jinja2's `float(value, default=0.0)`.
fn to_float(value: MjValue, default: Option<f64>) -> Result<f64, Error> {
    defined(&value)?;
    let default = default.unwrap_or(0.0);
    Ok(match value.kind() {
        ValueKind::Bool => f64::from(u8::from(value.is_true())),
        ValueKind::Number => f64::try_from(value)?,
        ValueKind::String => parse_py_float(value.as_str().unwrap_or_default()).unwrap_or(default),
        _ => default,
    })
}

/// `ternary(true_val, false_val, none_val=None)`.
fn ternary(value: MjValue, t: MjValue, f: MjValue, none_val: Rest<MjValue>) -> MjValue {
    match none_val.first() {
        Some(n) if value.is_none() && !n.is_none() => n.clone(),
        _ => {
            if value.is_true() {
                t
            } else {
                f
            }
        }
    }
}

fn mandatory(value: MjValue, msg: Option<String>) -> Result<MjValue, Error> {
    if value.is_undefined() {
        return Err(err(
            msg.unwrap_or_else(|| "Mandatory variable not defined.".to_string())
        ));
    }
    Ok(value)
}

fn regex_flags(kwargs: &Kwargs) -> Result<(bool, bool), Error> {
    let icase = kwargs.get::<Option<bool>>("ignorecase")?.unwrap_or(false);
    let multi = kwargs.get::<Option<bool>>("multiline")?.unwrap_or(false);
    Ok((icase, multi))
}

fn build_regex(pattern: &str, icase: bool, multi: bool) -> Result<regex::Regex, Error> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(icase)
        .multi_line(multi)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| err(format!("invalid regular expression {pattern:?}: {e}")))
}

/// Python replacement syntax (`\1`, `\g<name>`, `\\`) as the `regex` crate's (`${1}`, `$$`).
fn py_replacement(rep: &str) -> String {
    let mut out = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.peek().copied() {
                Some(d) if d.is_ascii_digit() => {
                    let mut n = String::new();
                    while let Some(d) = chars.peek().copied().filter(|d| d.is_ascii_digit()) {
                        if n.len() == 2 {
                            break;
                        }
                        n.push(d);
                        chars.next();
                    }
                    out.push_str(&format!("${{{n}}}"));
                }
                Some('g') => {
                    chars.next();
                    if chars.peek() == Some(&'<') {
                        chars.next();
                        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
                        out.push_str(&format!("${{{name}}}"));
                    } else {
                        out.push_str("\\g");
                    }
                }
                Some('n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('t') => {
                    chars.next();
                    out.push('\t');
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

/// `regex_replace(pattern='', replacement='', ignorecase=False, multiline=False, count=0)`.
fn regex_replace(
    value: MjValue,
    pattern: Option<String>,
    replacement: Option<String>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let (icase, multi) = regex_flags(&kwargs)?;
    let count = kwargs.get::<Option<usize>>("count")?.unwrap_or(0);
    let re = build_regex(&pattern.unwrap_or_default(), icase, multi)?;
    let rep = py_replacement(&replacement.unwrap_or_default());
    Ok(re
        .replacen(&text(&value)?, count, rep.as_str())
        .into_owned())
}

/// `regex_search(pattern, *groups, ignorecase=False, multiline=False)`: the match (or the
/// requested groups as a list), `None` when nothing matches.
fn regex_search(
    value: MjValue,
    pattern: String,
    groups: Rest<String>,
    kwargs: Kwargs,
) -> Result<MjValue, Error> {
    let (icase, multi) = regex_flags(&kwargs)?;
    let re = build_regex(&pattern, icase, multi)?;
    let subject = text(&value)?;
    let Some(caps) = re.captures(&subject) else {
        return Ok(MjValue::from(()));
    };
    if groups.is_empty() {
        return Ok(MjValue::from(caps.get(0).map(|m| m.as_str()).unwrap_or("")));
    }
    let mut out = Vec::new();
    for g in groups.iter() {
        let m = if let Some(name) = g.strip_prefix("\\g<").and_then(|n| n.strip_suffix('>')) {
            caps.name(name)
        } else if let Some(n) = g.strip_prefix('\\').and_then(|n| n.parse::<usize>().ok()) {
            caps.get(n)
        } else {
            return Err(err(format!("regex_search: unknown argument {g:?}")));
        };
        out.push(match m {
            Some(m) => MjValue::from(m.as_str()),
            None => MjValue::from(()),
        });
    }
    Ok(MjValue::from(out))
}

fn merge(base: &mut Map, other: &Map, recursive: bool, list_merge: &str) {
    for (k, v) in other {
        match (base.get_mut(k), v) {
            (Some(Value::Map(a)), Value::Map(b)) if recursive => merge(a, b, true, list_merge),
            (Some(Value::List(a)), Value::List(b)) if list_merge != "replace" => match list_merge {
                "keep" => {}
                "append" => a.extend(b.iter().cloned()),
                "prepend" => {
                    let mut n = b.clone();
                    n.append(a);
                    *a = n;
                }
                "append_rp" => {
                    a.retain(|x| !b.contains(x));
                    a.extend(b.iter().cloned());
                }
                "prepend_rp" => {
                    let mut n = b.clone();
                    n.extend(a.iter().filter(|x| !b.contains(x)).cloned());
                    *a = n;
                }
                _ => *a = b.clone(),
            },
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `combine(*dicts, recursive=False, list_merge='replace')`; a list of dicts works too.
fn combine(value: MjValue, others: Rest<MjValue>, kwargs: Kwargs) -> Result<MjValue, Error> {
    let recursive = kwargs.get::<Option<bool>>("recursive")?.unwrap_or(false);
    let list_merge = kwargs
        .get::<Option<String>>("list_merge")?
        .unwrap_or_else(|| "replace".into());
    if ![
        "replace",
        "keep",
        "append",
        "prepend",
        "append_rp",
        "prepend_rp",
    ]
    .contains(&list_merge.as_str())
    {
        return Err(err(format!(
            "combine: unknown list_merge option {list_merge:?}"
        )));
    }
    let mut dicts = Vec::new();
    match ours(&value)? {
        Value::List(items) => dicts.extend(items),
        other => dicts.push(other),
    }
    for o in others.iter() {
        dicts.push(ours(o)?);
    }
    let mut out = Map::new();
    for d in dicts {
        match d {
            Value::Map(m) => merge(&mut out, &m, recursive, &list_merge),
            other => {
                return Err(err(format!(
                    "combine expects dictionaries, got {}",
                    other.py_repr()
                )));
            }
        }
    }
    Ok(map_to_mj(&out))
}

fn dict2items(value: MjValue, kwargs: Kwargs) -> Result<MjValue, Error> {
    let key_name = kwargs
        .get::<Option<String>>("key_name")?
        .unwrap_or_else(|| "key".into());
    let value_name = kwargs
        .get::<Option<String>>("value_name")?
        .unwrap_or_else(|| "value".into());
    let Value::Map(m) = ours(&value)? else {
        return Err(err("dict2items requires a dictionary"));
    };
    let items: Vec<MjValue> = m
        .into_iter()
        .map(|(k, v)| {
            let mut item = Map::new();
            item.insert(key_name.clone(), Value::Str(k));
            item.insert(value_name.clone(), v);
            map_to_mj(&item)
        })
        .collect();
    Ok(MjValue::from(items))
}

fn items2dict(value: MjValue, kwargs: Kwargs) -> Result<MjValue, Error> {
    let key_name = kwargs
        .get::<Option<String>>("key_name")?
        .unwrap_or_else(|| "key".into());
    let value_name = kwargs
        .get::<Option<String>>("value_name")?
        .unwrap_or_else(|| "value".into());
    let Value::List(items) = ours(&value)? else {
        return Err(err("items2dict requires a list"));
    };
    let mut out = Map::new();
    for item in items {
        let Value::Map(m) = item else {
            return Err(err("items2dict requires a list of dictionaries"));
        };
        let (Some(k), Some(v)) = (m.get(&key_name), m.get(&value_name)) else {
            return Err(err(format!(
                "items2dict: each item needs the keys '{key_name}' and '{value_name}'"
            )));
        };
        out.insert(k.py_str(), v.clone());
    }
    Ok(to_mj(&Value::Map(out)))
}

/// `json.dumps(v)` with Python's default separators and `ensure_ascii=True`.
fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    write_json_compact(v, &mut out);
    out
}

fn json_str_ascii(s: &str, out: &mut String) {
    let mut tmp = String::new();
    json_string(s, &mut tmp);
    for c in tmp.chars() {
        if (c as u32) < 0x80 {
            out.push(c);
        } else {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
}

fn write_json_compact(v: &Value, out: &mut String) {
    match v {
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json_compact(item, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_str_ascii(k, out);
                out.push_str(": ");
                write_json_compact(item, out);
            }
            out.push('}');
        }
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => {
            json_str_ascii(s, out)
        }
        other => out.push_str(&other.to_py_json(crate::value::TagStyle::PlainUnsafe)),
    }
}

/// PyYAML's `dump(v)` in flow style (`{a: 1, b: x}`), without line wrapping.
fn yaml_flow_doc(v: &Value) -> String {
    let mut out = String::new();
    yaml_flow(v, &mut out);
    out.push('\n');
    out
}

fn yaml_plain_ok(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let reserved = [
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", ".inf", "-.inf",
    ];
    if reserved.contains(&lower.as_str()) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || first.is_ascii_digit()
        || first == '.'
        || first == '+'
    {
        // Could be a number or an indicator; quote like PyYAML would for these.
        return first.is_ascii_digit()
            && s.chars().any(|c| c.is_ascii_alphabetic())
            && !looks_numeric(s)
            && !s.contains([':', '#', ',', '[', ']', '{', '}']);
    }
    !s.contains(": ")
        && !s.contains(" #")
        && !s.contains([',', '[', ']', '{', '}', '\n', '\t'])
        && !s.ends_with(':')
        && s.chars().all(|c| !c.is_control())
}

fn looks_numeric(s: &str) -> bool {
    s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o") || s.contains(':')
}

fn yaml_flow(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&crate::value::py_float_repr(*f)),
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => {
            if yaml_plain_ok(s) {
                out.push_str(s);
            } else if s.chars().any(|c| c.is_control()) {
                let mut tmp = String::new();
                json_string(s, &mut tmp);
                out.push_str(&tmp);
            } else {
                out.push('\'');
                out.push_str(&s.replace('\'', "''"));
                out.push('\'');
            }
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                yaml_flow(item, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                yaml_flow(&Value::Str((*k).clone()), out);
                out.push_str(": ");
                yaml_flow(&m[*k], out);
            }
            out.push('}');
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn b64encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding; whitespace is ignored, anything else invalid → None.
pub(crate) fn b64decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for (ci, chunk) in clean.chunks(4).enumerate() {
        let last = ci == clean.len() / 4 - 1;
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if c == b'=' {
                if !last || i < 2 {
                    return None;
                }
                pad += 1;
                0
            } else {
                if pad > 0 {
                    return None;
                }
                B64.iter().position(|&x| x == c)? as u32
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Python's `shlex.quote`.
pub(crate) fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c))
    {
        return s.into();
    }
    format!("'{}'", s.replace('\'', "'\"'\"'"))
}

/// Python's `os.path.basename`.
fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Python's `os.path.dirname`.
fn dirname(p: &str) -> String {
    match p.rfind('/') {
        None => String::new(),
        Some(i) => {
            let head = &p[..=i];
            let trimmed = head.trim_end_matches('/');
            if trimmed.is_empty() {
                head.to_string()
            } else {
                trimmed.to_string()
            }
        }
    }
}

/// A few Python `str` / `dict` methods (`'a,b'.split(',')`, `x.startswith('y')`, `d.get(k)`).
fn str_methods(
    _state: &mut State,
    value: &MjValue,
    method: &str,
    args: &[MjValue],
) -> Result<MjValue, Error> {
    let unknown = || {
        Error::new(
            ErrorKind::UnknownMethod,
            format!("object has no method named {method}"),
        )
    };
    if value.kind() == ValueKind::Map {
        return match method {
            "get" => {
                let key = args
                    .first()
                    .ok_or_else(|| err("get() takes at least 1 argument"))?;
                let v = value.get_item(key)?;
                Ok(if v.is_undefined() {
                    args.get(1).cloned().unwrap_or_else(|| MjValue::from(()))
                } else {
                    v
                })
            }
            "keys" => Ok(MjValue::from(value.try_iter()?.collect::<Vec<_>>())),
            "values" => {
                let mut out = Vec::new();
                for k in value.try_iter()? {
                    out.push(value.get_item(&k)?);
                }
                Ok(MjValue::from(out))
            }
            "items" => {
                let mut out = Vec::new();
                for k in value.try_iter()? {
                    let v = value.get_item(&k)?;
                    out.push(MjValue::from(vec![k, v]));
                }
                Ok(MjValue::from(out))
            }
            _ => Err(unknown()),
        };
    }
    let Some(s) = value.as_str() else {
        return Err(unknown());
    };
    let arg_str = |i: usize| -> Result<Option<String>, Error> {
        match args.get(i) {
            None => Ok(None),
            Some(v) if v.is_none() => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| err(format!("{method}() argument must be a string"))),
        }
    };
    let strip_set = |chars: Option<String>| {
        move |c: char| match &chars {
            Some(set) => set.contains(c),
            None => c.is_whitespace(),
        }
    };
    Ok(match method {
        "lower" => MjValue::from(s.to_lowercase()),
        "upper" => MjValue::from(s.to_uppercase()),
        "strip" => MjValue::from(s.trim_matches(strip_set(arg_str(0)?))),
        "lstrip" => MjValue::from(s.trim_start_matches(strip_set(arg_str(0)?))),
        "rstrip" => MjValue::from(s.trim_end_matches(strip_set(arg_str(0)?))),
        "startswith" => MjValue::from(s.starts_with(arg_str(0)?.unwrap_or_default().as_str())),
        "endswith" => MjValue::from(s.ends_with(arg_str(0)?.unwrap_or_default().as_str())),
        "replace" => {
            let (Some(old), Some(new)) = (arg_str(0)?, arg_str(1)?) else {
                return Err(err("replace() takes 2 arguments"));
            };
            MjValue::from(s.replace(&old, &new))
        }
        "split" => {
            let max = args.get(1).and_then(|v| v.as_i64()).unwrap_or(-1);
            let parts: Vec<MjValue> = match arg_str(0)? {
                Some(sep) if sep.is_empty() => return Err(err("split(): empty separator")),
                Some(sep) if max >= 0 => s
                    .splitn(max as usize + 1, sep.as_str())
                    .map(MjValue::from)
                    .collect(),
                Some(sep) => s.split(sep.as_str()).map(MjValue::from).collect(),
                None => {
                    let words = s.split_whitespace();
                    if max >= 0 {
                        // Python keeps the rest (left-stripped) as the last item.
                        let mut out = Vec::new();
                        let mut rest = s.trim_start();
                        for _ in 0..max {
                            if rest.is_empty() {
                                break;
                            }
                            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                            out.push(MjValue::from(&rest[..end]));
                            rest = rest[end..].trim_start();
                        }
                        if !rest.is_empty() {
                            out.push(MjValue::from(rest));
                        }
                        out
                    } else {
                        words.map(MjValue::from).collect()
                    }
                }
            };
            MjValue::from(parts)
        }
        _ => return Err(unknown()),
    })
}
