//! The INI inventory reader (ansible-inventory.md §3): sections, shlex-tokenised host lines,
//! `[g:vars]`, `[g:children]`, pending-declaration errors with file and line.

use super::Inventory;
use super::hostname::{expand_hostname_range, py_int, split_host_port};
use super::pyliteral::try_parse_value;
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{Value, py_str_repr};
use indexmap::IndexMap;
use regex::Regex;
use std::path::Path;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Hosts,
    Children,
    Vars,
}

/// A group used before it was declared (`[x:vars]` for an unknown x, or `x` under
/// `[p:children]`), checked once the whole file has been read.
struct Pending {
    line: usize,
    state: State,
    parents: Vec<String>,
}

struct Patterns {
    section: Regex,
    groupname: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let build =
            |re: &str| Regex::new(re).unwrap_or_else(|e| panic!("bad built-in regex {re}: {e}"));
        Patterns {
            section: build(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$"),
            groupname: build(r"^([^:\]\s]+)\s*(?:#.*)?$"),
        }
    })
}

/// Python's `str.isspace()` characters (Unicode White_Space plus the \x1c–\x1f separators).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.strip()`.
fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `str.splitlines()`: every line boundary Python knows, `\r\n` as one.
fn py_splitlines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        lines.push(text.get(start..i).unwrap_or_default());
        let mut next = i + c.len_utf8();
        if c == '\r'
            && let Some(&(j, '\n')) = iter.peek()
        {
            iter.next();
            next = j + 1;
        }
        start = next;
    }
    if start < text.len() {
        lines.push(text.get(start..).unwrap_or_default());
    }
    lines
}

/// Python `shlex.split(line, comments=True)` (POSIX mode): quotes group and are removed,
/// backslash escapes outside single quotes (inside double quotes only before `"` and `\`),
/// `#` starts a comment even inside an unquoted word. Errors carry shlex's text.
pub fn shlex_split(line: &str) -> Result<Vec<String>, &'static str> {
    #[derive(Clone, Copy)]
    enum St {
        Space,
        Word,
        Quote(char),
        Escape(Option<char>),
    }
    let mut tokens = Vec::new();
    let mut tok = String::new();
    let mut quoted = false;
    let mut state = St::Space;
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    for c in line.chars() {
        match state {
            St::Space | St::Word => {
                if is_ws(c) || c == '#' {
                    if matches!(state, St::Word) && (!tok.is_empty() || quoted) {
                        tokens.push(std::mem::take(&mut tok));
                        quoted = false;
                    }
                    state = St::Space;
                    if c == '#' {
                        // The comment runs to the end of the line.
                        return Ok(tokens);
                    }
                } else if c == '\'' || c == '"' {
                    state = St::Quote(c);
                } else if c == '\\' {
                    state = St::Escape(None);
                } else {
                    tok.push(c);
                    state = St::Word;
                }
            }
            St::Quote(q) => {
                quoted = true;
                if c == q {
                    state = St::Word;
                } else if c == '\\' && q == '"' {
                    state = St::Escape(Some(q));
                } else {
                    tok.push(c);
                }
            }
            St::Escape(from) => {
                if let Some(q) = from
                    && c != '\\'
                    && c != q
                {
                    tok.push('\\');
                }
                tok.push(c);
                state = match from {
                    Some(q) => St::Quote(q),
                    None => St::Word,
                };
            }
        }
    }
    match state {
        St::Quote(_) => Err("No closing quotation"),
        St::Escape(_) => Err("No escaped character"),
        St::Word | St::Space => {
            if !tok.is_empty() || quoted {
                tokens.push(tok);
            }
            Ok(tokens)
        }
    }
}

/// Converts a value the way Python's `int()` does for `ansible_group_priority`.
fn priority_int(v: &Value) -> Result<i64, String> {
    let type_err = |t: &str| {
        format!("int() argument must be a string, a bytes-like object or a real number, not '{t}'")
    };
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Float(f) if f.is_nan() => Err("cannot convert float NaN to integer".into()),
        Value::Float(f) if f.is_infinite() => {
            Err("cannot convert float infinity to integer".into())
        }
        Value::Float(f) => Ok(f.trunc() as i64),
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => py_int(s),
        Value::Null => Err(type_err("NoneType")),
        // Ansible 2.19 holds parsed values in tagged subclasses, and Python names those.
        Value::List(_) => Err(type_err("_AnsibleTaggedList")),
        Value::Map(_) => Err(type_err("_AnsibleTaggedDict")),
    }
}

/// Sets a variable as Ansible's inventory does: on the group of that name if there is one
/// (where `ansible_group_priority` becomes the group's priority, not a variable), else on the
/// host.
fn set_var(
    inv: &mut Inventory,
    entity: &str,
    key: &str,
    value: Value,
    origin: Origin,
) -> Result<(), String> {
    if key == "ansible_group_priority"
        && let Some(g) = inv.groups.get_mut(entity)
    {
        g.priority = priority_int(&value)?;
        return Ok(());
    }
    inv.set_variable(entity, key, value, origin);
    Ok(())
}

/// Ansible's `add_child`, with its self-reference message.
fn add_child(inv: &mut Inventory, parent: &str, child: &str) -> Result<(), String> {
    if parent == child {
        return Err("can't add group to itself".into());
    }
    inv.add_child(parent, child)
}

struct Reader<'a> {
    inv: &'a mut Inventory,
    path: &'a Path,
    line: usize,
    pending: IndexMap<String, Pending>,
}

type LineResult<T> = Result<T, String>;

impl Reader<'_> {
    fn origin(&self) -> Origin {
        Origin::file(self.path, self.line)
    }

    fn error_at(&self, line: usize, msg: impl Into<String>) -> SourceError {
        SourceError::new(self.path, Some(line), msg)
    }

    /// Links a newly declared group to every parent that named it early (recursively for a
    /// parent that was itself pending), then forgets the pending entry.
    fn add_pending_children(&mut self, group: &str) -> LineResult<()> {
        let Some(decl) = self.pending.shift_remove(group) else {
            return Ok(());
        };
        for parent in &decl.parents {
            add_child(self.inv, parent, group)?;
            if self
                .pending
                .get(parent)
                .is_some_and(|p| p.state == State::Children)
            {
                self.add_pending_children(parent)?;
            }
        }
        Ok(())
    }

    fn section(&mut self, name: &str, state_word: Option<&str>) -> LineResult<State> {
        let state = match state_word {
            None | Some("hosts") => State::Hosts,
            Some("children") => State::Children,
            Some("vars") => State::Vars,
            Some(other) => {
                return Err(format!(
                    "Section [{name}:{other}] has unknown type: {other}"
                ));
            }
        };
        if !self.inv.groups.contains_key(name) {
            if state == State::Vars && !self.pending.contains_key(name) {
                self.pending.insert(
                    name.to_string(),
                    Pending {
                        line: self.line,
                        state,
                        parents: Vec::new(),
                    },
                );
            }
            self.inv.add_group(name);
        }
        if state != State::Vars {
            match self.pending.get(name).map(|p| p.state) {
                Some(State::Children) => self.add_pending_children(name)?,
                Some(State::Vars) => {
                    self.pending.shift_remove(name);
                }
                _ => {}
            }
        }
        Ok(state)
    }

    fn host_line(&mut self, group: &str, line: &str) -> LineResult<()> {
        let tokens = shlex_split(line)
            .map_err(|e| format!("Error parsing host definition '{line}': {e}"))?;
        let Some((first, rest)) = tokens.split_first() else {
            return Err("list index out of range".into());
        };
        let (pattern, port) = split_host_port(first);
        let hosts = if pattern.contains('[') {
            expand_hostname_range(&pattern)?
        } else {
            vec![pattern]
        };
        if py_strip(first).ends_with(':') && port.is_none() {
            return Err(format!(
                "Invalid host pattern '{first}' supplied, ending in ':' is not allowed, this \
                 character is reserved to provide a port."
            ));
        }
        if hosts.iter().any(|h| py_strip(h) == "---") {
            return Err(format!(
                "Invalid host pattern '{first}' supplied, '---' is normally a sign this is a \
                 YAML file."
            ));
        }
        let mut vars: IndexMap<String, Value> = IndexMap::new();
        for tok in rest {
            let Some((k, v)) = tok.split_once('=') else {
                return Err(format!(
                    "Expected key=value host variable assignment, got: {tok}"
                ));
            };
            vars.insert(k.to_string(), try_parse_value(v)?);
        }
        let origin = self.origin();
        for host in &hosts {
            if host.is_empty() {
                return Err("Invalid empty host name provided: ".into());
            }
            self.inv.add_host(host, Some(group), port, &origin);
            for (k, v) in &vars {
                set_var(self.inv, host, k, v.clone(), origin.clone())?;
            }
        }
        Ok(())
    }

    fn vars_line(&mut self, group: &str, line: &str) -> LineResult<()> {
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("Expected key=value, got: {line}"));
        };
        let value = try_parse_value(py_strip(v))?;
        let origin = self.origin();
        set_var(self.inv, group, py_strip(k), value, origin)
    }

    fn children_line(&mut self, group: &str, line: &str) -> LineResult<()> {
        let child = patterns()
            .groupname
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
            .ok_or_else(|| format!("Expected group name, got: {line}"))?;
        if self.inv.groups.contains_key(&child) {
            return add_child(self.inv, group, &child);
        }
        match self.pending.get_mut(&child) {
            Some(p) => p.parents.push(group.to_string()),
            None => {
                self.pending.insert(
                    child,
                    Pending {
                        line: self.line,
                        state: State::Children,
                        parents: vec![group.into()],
                    },
                );
            }
        }
        Ok(())
    }

    fn run(&mut self, text: &str) -> Result<(), SourceError> {
        let mut group = String::from("ungrouped");
        let mut state = State::Hosts;
        for (idx, raw) in py_splitlines(text).into_iter().enumerate() {
            self.line = idx + 1;
            let line = py_strip(raw);
            if line.is_empty() || line.starts_with(['#', ';']) {
                continue;
            }
            if let Some(c) = patterns().section.captures(line) {
                let name = c.get(1).map_or("", |m| m.as_str()).to_string();
                let word = c.get(2).map(|m| m.as_str());
                state = self
                    .section(&name, word)
                    .map_err(|e| self.error_at(self.line, e))?;
                group = name;
                continue;
            }
            if line.starts_with('[') && line.ends_with(']') {
                return Err(self.error_at(
                    self.line,
                    format!(
                        "Invalid section entry: '{line}'. Please make sure that there are no \
                         spaces in the section entry, and that there are no other invalid \
                         characters"
                    ),
                ));
            }
            let result = match state {
                State::Hosts => self.host_line(&group, line),
                State::Vars => self.vars_line(&group, line),
                State::Children => self.children_line(&group, line),
            };
            result.map_err(|e| self.error_at(self.line, e))?;
        }
        if let Some((name, decl)) = self.pending.first() {
            let msg = match decl.state {
                State::Vars => format!(
                    "Section [{name}:vars] not valid for undefined group {}.",
                    py_str_repr(name)
                ),
                _ => format!(
                    "Section [{}:children] includes undefined group {}.",
                    decl.parents.last().map_or("", String::as_str),
                    py_str_repr(name)
                ),
            };
            return Err(self.error_at(decl.line, msg));
        }
        Ok(())
    }
}

/// Reads one INI inventory file into `inv`. Errors carry the file and 1-based line.
pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let mut reader = Reader {
        inv,
        path,
        line: 0,
        pending: IndexMap::new(),
    };
    reader.run(text)
}
