//! TOML inventories (ansible-inventory.md §5.3): `[group.vars]`, `[group.hosts]` with inline
//! tables per host, `group.children = [...]`. Parsed with the `toml` crate's spanned tables so
//! variables keep their line. Texts are the ones ansible-core 2.19's `toml` plugin prints.
//!
//! Deviation from the spec's "TOML strings print as `__ansible_unsafe`": ansible-inventory
//! 2.19.14 prints them as plain strings (`--list`, `--list --export`, `--host`, `--graph --vars`
//! all checked), so they are read as plain strings here.

use super::Inventory;
use super::hostname::{expand_hostname_range, split_host_port};
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{Map, Value};
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    if crate::yaml::is_vault_encrypted(text) {
        return Err(SourceError::new(
            path,
            Some(1),
            crate::yaml::NO_VAULT_SECRETS,
        ));
    }
    let root = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let detail = e.message().lines().next().unwrap_or("").to_string();
        SourceError::new(
            path,
            line,
            format!("TOML file '{}' is invalid: {detail}", path.display()),
        )
    })?;
    let root = root.get_ref();
    if root.is_empty() {
        return Err(SourceError::new(path, None, "Parsed empty TOML file"));
    }
    if let Some((_, v)) = root.iter().find(|(k, _)| k.get_ref().as_ref() == "plugin")
        && convert(v.get_ref()).truthy()
    {
        return Err(SourceError::new(
            path,
            Some(line_of(text, v.span().start)),
            "Plugin configuration TOML file, not TOML inventory",
        ));
    }
    let mut r = Reader { inv, path, text };
    for (name, data) in root {
        r.group(name.get_ref(), Some(data))?;
    }
    Ok(())
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(byte)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML value as Python's `tomllib` gives it, in stackctl's value model.
fn convert(v: &DeValue<'_>) -> Value {
    match v {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Float(i.as_str().parse::<f64>().unwrap_or(f64::NAN)),
        },
        DeValue::Float(f) => Value::Float(parse_float(f.as_str())),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(dt) => Value::Date(isoformat(dt)),
        DeValue::Array(items) => Value::List(items.iter().map(|x| convert(x.get_ref())).collect()),
        DeValue::Table(t) => {
            let mut m = Map::new();
            for (k, x) in t {
                m.insert(k.get_ref().to_string(), convert(x.get_ref()));
            }
            Value::Map(m)
        }
    }
}

fn parse_float(s: &str) -> f64 {
    let s = s.replace('_', "");
    match s.trim_start_matches(['+', '-']) {
        "nan" => f64::NAN,
        "inf" if s.starts_with('-') => f64::NEG_INFINITY,
        "inf" => f64::INFINITY,
        _ => s.parse().unwrap_or(f64::NAN),
    }
}

/// Python's `isoformat()` of what tomllib returns: date, time, naive or aware datetime.
fn isoformat(dt: &toml::value::Datetime) -> String {
    let mut out = String::new();
    if let Some(d) = &dt.date {
        out.push_str(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    }
    if let Some(t) = &dt.time {
        if dt.date.is_some() {
            out.push('T');
        }
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            t.hour,
            t.minute,
            t.second.unwrap_or(0)
        ));
        let micros = t.nanosecond.unwrap_or(0) / 1000;
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
    }
    match dt.offset {
        Some(toml::value::Offset::Z) => out.push_str("+00:00"),
        Some(toml::value::Offset::Custom { minutes }) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        None => {}
    }
    out
}

/// `str(type(x))` for an untagged Python value (tomllib does not tag).
fn py_class(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "<class 'str'>",
        DeValue::Integer(_) => "<class 'int'>",
        DeValue::Float(_) => "<class 'float'>",
        DeValue::Boolean(_) => "<class 'bool'>",
        DeValue::Datetime(d) if d.date.is_none() => "<class 'datetime.time'>",
        DeValue::Datetime(d) if d.time.is_none() => "<class 'datetime.date'>",
        DeValue::Datetime(_) => "<class 'datetime.datetime'>",
        DeValue::Array(_) => "<class 'list'>",
        DeValue::Table(_) => "<class 'dict'>",
    }
}

struct Reader<'a> {
    inv: &'a mut Inventory,
    path: &'a Path,
    text: &'a str,
}

type Entry<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn line(&self, v: &Entry<'_>) -> usize {
        line_of(self.text, v.span().start)
    }

    fn err(&self, line: Option<usize>, msg: impl Into<String>) -> SourceError {
        SourceError::new(self.path, line, msg)
    }

    fn group(&mut self, name: &str, data: Option<&Entry<'_>>) -> Result<(), SourceError> {
        let table = match data.map(|d| (d, d.get_ref())) {
            None => None,
            Some((_, DeValue::Table(t))) => Some(t),
            Some(_) => {
                self.inv.warnings.push(format!(
                    "Skipping '{name}' as this is not a valid group definition"
                ));
                return Ok(());
            }
        };
        if name.is_empty() {
            return Err(self.err(
                data.map(|d| self.line(d)),
                "Invalid empty/false group name provided: ",
            ));
        }
        self.inv.add_group(name);
        let Some(table) = table else { return Ok(()) };
        for (key, value) in table {
            let key = key.get_ref().as_ref();
            let line = self.line(value);
            match (key, value.get_ref()) {
                ("vars", DeValue::Table(vars)) => {
                    for (k, v) in vars {
                        let l = self.line(v);
                        self.set_var(name, k.get_ref(), convert(v.get_ref()), l)?;
                    }
                }
                ("children", DeValue::Array(children)) => {
                    for child in children {
                        let DeValue::String(child_name) = child.get_ref() else {
                            let shown = convert(child.get_ref()).py_str();
                            return Err(self.err(
                                Some(self.line(child)),
                                format!(
                                    "Invalid group name supplied, expected a string but got {} for {shown}",
                                    py_class(child.get_ref())
                                ),
                            ));
                        };
                        self.group(child_name, None)?;
                        self.inv
                            .add_child(name, child_name)
                            .map_err(|e| SourceError::new(self.path, Some(line), e))?;
                    }
                }
                ("hosts", DeValue::Table(hosts)) => {
                    for (pattern, vars) in hosts {
                        self.hosts(name, pattern.get_ref(), vars)?;
                    }
                }
                ("vars" | "children" | "hosts", other) => {
                    let wanted = if key == "children" { "list" } else { "dict" };
                    return Err(self.err(
                        Some(line),
                        format!(
                            "Invalid \"{key}\" entry for \"{name}\" group, requires a {wanted}, found \"{}\" instead.",
                            py_class(other)
                        ),
                    ));
                }
                _ => self.inv.warnings.push(format!(
                    "Skipping unexpected key \"{key}\" in group \"{name}\", only \"vars\", \"children\" and \"hosts\" are valid"
                )),
            }
        }
        Ok(())
    }

    fn hosts(&mut self, group: &str, pattern: &str, vars: &Entry<'_>) -> Result<(), SourceError> {
        let line = self.line(vars);
        let (address, port) = split_host_port(pattern);
        // Ansible's detect_range is just `'[' in pattern`.
        let names = if address.contains('[') {
            expand_hostname_range(&address).map_err(|e| self.err(Some(line), e))?
        } else {
            vec![address]
        };
        let DeValue::Table(table) = vars.get_ref() else {
            return Err(self.err(
                Some(line),
                format!(
                    "Invalid data from file, expected dictionary and got:\n\n{}",
                    convert(vars.get_ref()).py_str()
                ),
            ));
        };
        for host in names {
            if !host.is_empty() {
                self.inv
                    .add_host(&host, Some(group), port, &Origin::file(self.path, line));
            }
            for (k, v) in table {
                let l = self.line(v);
                self.set_var(&host, k.get_ref(), convert(v.get_ref()), l)?;
            }
        }
        Ok(())
    }

    /// Same rule as the YAML reader: groups first, `ansible_group_priority` becomes priority.
    fn set_var(
        &mut self,
        entity: &str,
        key: &str,
        value: Value,
        line: usize,
    ) -> Result<(), SourceError> {
        self.inv
            .set_source_variable(entity, key, value, Origin::file(self.path, line))
            .map_err(|e| self.err(Some(line), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(text: &str) -> Result<Inventory, SourceError> {
        let mut inv = Inventory::new();
        parse(&mut inv, Path::new("/i/inv.toml"), text)?;
        Ok(inv)
    }

    // ansible-inventory.md §5.3; values and JSON renderings checked with ansible-inventory
    // 2.19.14 (`--list --export`): strings are plain, datetimes are isoformat text.
    #[test]
    fn toml_inventory_like_ansible() {
        let text = r#"[all.vars]
s = "x"
n = 5
f = 1.5
arr = ["a", 1, ["b"]]
tbl = { k = "v", n = 2 }
dt = 1979-05-27T07:32:00Z
ld = 1979-05-27
ldt = 1979-05-27T07:32:00.5
inf = inf

[web]
children = ["nginx", "db"]

[web.vars]
ansible_group_priority = 3

[web.hosts]
w1 = {}
w2 = { a = "b" }

[nginx.hosts.n1]
x = 1

[bad]
foo = 1
"#;
        let inv = load(text).unwrap();
        let all = &inv.groups["all"].vars;
        assert_eq!(all["s"].value, Value::str("x"));
        assert_eq!(all["s"].origin, Origin::file("/i/inv.toml", 2));
        assert_eq!(
            all["dt"].value,
            Value::Date("1979-05-27T07:32:00+00:00".into())
        );
        assert_eq!(all["ld"].value, Value::Date("1979-05-27".into()));
        assert_eq!(
            all["ldt"].value,
            Value::Date("1979-05-27T07:32:00.500000".into())
        );
        assert_eq!(all["inf"].value, Value::Float(f64::INFINITY));
        assert_eq!(all["tbl"].value.py_repr(), "{'k': 'v', 'n': 2}");
        assert_eq!(inv.groups["web"].priority, 3);
        assert_eq!(inv.groups["web"].children, vec!["nginx", "db"]);
        assert_eq!(inv.groups["web"].hosts, vec!["w1", "w2"]);
        assert_eq!(inv.hosts["n1"].vars["x"].value, Value::Int(1));
        assert_eq!(inv.hosts["w2"].vars["a"].value, Value::str("b"));
        assert_eq!(
            inv.warnings,
            vec![
                "Skipping unexpected key \"foo\" in group \"bad\", only \"vars\", \"children\" and \"hosts\" are valid"
            ]
        );
    }

    #[test]
    fn toml_errors() {
        let msg = |t: &str| load(t).err().map(|e| e.message).unwrap_or_default();
        assert_eq!(msg(""), "Parsed empty TOML file");
        assert_eq!(
            msg("plugin = \"x\"\n"),
            "Plugin configuration TOML file, not TOML inventory"
        );
        assert!(msg("[a\n").starts_with("TOML file '/i/inv.toml' is invalid: "));
        assert_eq!(
            msg("[web]\nchildren = \"x\"\n"),
            "Invalid \"children\" entry for \"web\" group, requires a list, found \"<class 'str'>\" instead."
        );
        assert_eq!(
            msg("[web]\nhosts = [1]\n"),
            "Invalid \"hosts\" entry for \"web\" group, requires a dict, found \"<class 'list'>\" instead."
        );
        assert_eq!(
            msg("[web.hosts]\nh1 = 5\n"),
            "Invalid data from file, expected dictionary and got:\n\n5"
        );
        let inv = load("web = 5\n[ok.hosts]\nh = {}\n").unwrap();
        assert_eq!(
            inv.warnings,
            vec!["Skipping 'web' as this is not a valid group definition"]
        );
    }

    #[test]
    fn deep_toml_does_not_crash() {
        let text = format!("[all.vars]\na = {}", "[".repeat(100_000));
        assert!(load(&text).is_err());
        let text = format!("[all.vars]\na = {}1{}\n", "[".repeat(150), "]".repeat(150));
        let _ = load(&text);
    }

    proptest! {
        #[test]
        fn toml_reader_never_panics(s in "[a-z0-9=\\[\\]{}\",.: \\n-]{0,80}") {
            let mut inv = Inventory::new();
            let _ = parse(&mut inv, Path::new("/x.toml"), &s);
        }
    }
}
