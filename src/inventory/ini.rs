//! The INI inventory reader (ansible-inventory.md §3): sections, shlex-tokenised host lines,
//! `[g:vars]`, `[g:children]`, pending-declaration errors with file and line.

use super::Inventory;
use super::hostname::expand_hostpattern;
use super::ini_line;
use super::pyliteral::try_parse_value;
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{Value, py_str_repr};
use indexmap::IndexMap;
use std::path::Path;

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

/// Ansible's "invalid group name" test: a leading digit or any non-word character.
fn has_invalid_group_chars(name: &str) -> bool {
    let word = |c: char| c == '_' || c.is_alphanumeric();
    name.chars().next().is_some_and(|c| c.is_numeric()) || !name.chars().all(word)
}

const INVALID_GROUP_WARNING: &str =
    "Invalid characters were found in group names but not replaced, use -vvvv to see details";

/// Sets a variable as Ansible's inventory does (see `Inventory::set_source_variable`).
fn set_var(
    inv: &mut Inventory,
    entity: &str,
    key: &str,
    value: Value,
    origin: Origin,
) -> Result<(), String> {
    inv.set_source_variable(entity, key, value, origin)
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
        if has_invalid_group_chars(name)
            && !self.inv.warnings.iter().any(|w| w == INVALID_GROUP_WARNING)
        {
            self.inv.warnings.push(INVALID_GROUP_WARNING.to_string());
        }
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
        let (hosts, port) = expand_hostpattern(first)?;
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
        // Ansible's Host only records a truthy port: `h:0` gets no ansible_port.
        let port = port.filter(|p| *p != 0);
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
        let child = ini_line::group_name(line)
            .map(str::to_string)
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
            if let Some(ini_line::Section { name, word }) = ini_line::section(line) {
                let name = name.to_string();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(text: &str) -> Result<Inventory, SourceError> {
        let mut inv = Inventory::new();
        parse(&mut inv, Path::new("/inv/hosts.ini"), text)?;
        Ok(inv)
    }

    fn err(text: &str) -> (Option<usize>, String) {
        match load(text) {
            Err(e) => (e.line, e.message),
            Ok(_) => panic!("expected an error for {text:?}"),
        }
    }

    fn hvar(inv: &Inventory, host: &str, key: &str) -> Option<Value> {
        inv.hosts.get(host)?.vars.get(key).map(|v| v.value.clone())
    }

    fn gvar(inv: &Inventory, group: &str, key: &str) -> Option<Value> {
        inv.groups
            .get(group)?
            .vars
            .get(key)
            .map(|v| v.value.clone())
    }

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    // ansible-inventory.md §3.1: shlex tokenising, checked against Python's shlex and
    // ansible-inventory 2.19.14.
    #[test]
    fn shlex_posix_with_comments() {
        let t = |l: &str| shlex_split(l).unwrap();
        assert_eq!(t("h a='x y' b=c"), ["h", "a=x y", "b=c"]);
        assert_eq!(t("h d=abc#def e=\"a#b\""), ["h", "d=abc"]);
        assert_eq!(t("h e=\"a#b\" k=\"\""), ["h", "e=a#b", "k="]);
        assert_eq!(t(r#"h b="x \"q\" \\ \$ \n""#), ["h", r#"b=x "q" \ \$ \n"#]);
        assert_eq!(
            t(r"h c=x\ y f='a\b' x=abc\#def"),
            ["h", "c=x y", r"f=a\b", "x=abc#def"]
        );
        assert_eq!(t("h j=a\"b c\"d ''"), ["h", "j=ab cd", ""]);
        assert_eq!(t("h e=a;b f=;"), ["h", "e=a;b", "f=;"]);
        assert_eq!(shlex_split("h k=\"open"), Err("No closing quotation"));
        assert_eq!(shlex_split("h k=v\\"), Err("No escaped character"));
    }

    // ansible-inventory.md §3, §3.1, §3.2 (struct1.ini case, compared with the real tool).
    #[test]
    fn sections_hosts_and_vars() {
        let inv = load(concat!(
            "# comment\n; other\nalpha\nbeta:2222 x=1\n\n",
            "[web]\nw1 ansible_host=10.0.0.1 port=\"2222\" s=\"'2222'\"\n",
            "w2  hash_unquoted=abc#def q=\"a b\"\n",
            "beta:4444\n",
            "[web:vars]\nhttp_port=80   # trailing\nname = spaced value \nempty=\n",
            "note=abc # note\nsemi=5 ; note\n",
            "[db:children]\nweb\n[web:hosts]\nw3\n[all:vars]\nglobal=1\n",
        ))
        .unwrap();
        assert_eq!(inv.groups["ungrouped"].hosts, ["alpha", "beta"]);
        assert_eq!(inv.groups["web"].hosts, ["w1", "w2", "beta", "w3"]);
        assert_eq!(inv.groups["db"].children, ["web"]);
        assert_eq!(hvar(&inv, "beta", "ansible_port"), Some(Value::Int(2222)));
        assert_eq!(hvar(&inv, "beta", "x"), Some(Value::Int(1)));
        assert_eq!(hvar(&inv, "w1", "port"), Some(Value::Int(2222)));
        assert_eq!(hvar(&inv, "w1", "s"), Some(s("2222")));
        assert_eq!(hvar(&inv, "w1", "ansible_host"), Some(s("10.0.0.1")));
        assert_eq!(hvar(&inv, "w2", "hash_unquoted"), Some(s("abc")));
        // `#` ended the line inside `abc#def`, so `q` was never read.
        assert_eq!(hvar(&inv, "w2", "q"), None);
        assert_eq!(gvar(&inv, "web", "http_port"), Some(Value::Int(80)));
        assert_eq!(gvar(&inv, "web", "name"), Some(s("spaced value")));
        assert_eq!(gvar(&inv, "web", "empty"), Some(s("")));
        assert_eq!(gvar(&inv, "web", "note"), Some(s("abc # note")));
        assert_eq!(gvar(&inv, "web", "semi"), Some(s("5 ; note")));
        assert_eq!(gvar(&inv, "all", "global"), Some(Value::Int(1)));
        let origin = &inv.groups["web"].vars["http_port"].origin;
        assert_eq!(origin, &Origin::file("/inv/hosts.ini", 11));
    }

    // ansible-inventory.md §4.1: the port counts only when the host is created; an explicit
    // ansible_port on the line wins.
    #[test]
    fn ports() {
        let inv =
            load("[g]\nb:2222\nb:4444\nc:22 ansible_port=33\n[::1]:2200\napp[1:2]:7\n").unwrap();
        assert_eq!(hvar(&inv, "b", "ansible_port"), Some(Value::Int(2222)));
        assert_eq!(hvar(&inv, "c", "ansible_port"), Some(Value::Int(33)));
        assert_eq!(hvar(&inv, "::1", "ansible_port"), Some(Value::Int(2200)));
        assert_eq!(hvar(&inv, "app2", "ansible_port"), Some(Value::Int(7)));
        // Port 0 is falsy in Python, so Ansible's Host ignores it (real tool: no var).
        let inv = load("[g]\nh:0\nk:00\n").unwrap();
        assert_eq!(hvar(&inv, "h", "ansible_port"), None);
        assert_eq!(hvar(&inv, "k", "ansible_port"), None);
    }

    // ansible-inventory.md §3.4: pending declarations and the end-of-file errors.
    #[test]
    fn pending_declarations() {
        let inv = load("[p:children]\nb\na\n[a]\nh1\n[b]\nh2\n[a:vars]\nv=1\n").unwrap();
        assert_eq!(inv.groups["p"].children, ["a", "b"]);
        let inv = load("[x:vars]\nv=1\n[x]\nh\n").unwrap();
        assert_eq!(gvar(&inv, "x", "v"), Some(Value::Int(1)));
        assert_eq!(
            err("[p:children]\nx\n"),
            (
                Some(2),
                "Section [p:children] includes undefined group 'x'.".into()
            )
        );
        assert_eq!(
            err("[x:vars]\nv=1\n"),
            (
                Some(1),
                "Section [x:vars] not valid for undefined group 'x'.".into()
            )
        );
        assert_eq!(
            err("[x:vars]\nv=1\n[p:children]\nx\n"),
            (
                Some(1),
                "Section [x:vars] not valid for undefined group 'x'.".into()
            )
        );
        assert_eq!(
            err("[p:children]\nx\n[x:vars]\nv=1\n[q:children]\nx\n"),
            (
                Some(2),
                "Section [p:children] includes undefined group 'x'.".into()
            )
        );
        assert_eq!(
            err("[p:children]\nx\n[q:children]\nx\n"),
            (
                Some(2),
                "Section [q:children] includes undefined group 'x'.".into()
            )
        );
        // A group from an earlier source counts as declared.
        let mut inv = Inventory::new();
        inv.add_group("x");
        parse(
            &mut inv,
            Path::new("/b.ini"),
            "[p:children]\nx\n[x:vars]\nk=v\n",
        )
        .unwrap();
        assert_eq!(inv.groups["p"].children, ["x"]);
    }

    // ansible-inventory.md §3.4 error table and §3 section errors (texts from the real tool).
    #[test]
    fn error_texts() {
        assert_eq!(
            err("[a:children]\nb\n[b:children]\nc\n[c:children]\na\n"),
            (
                Some(6),
                "Adding group 'a' as child to 'c' creates a recursive dependency loop.".into()
            )
        );
        assert_eq!(
            err("[a:children]\na\n"),
            (Some(2), "can't add group to itself".into())
        );
        assert_eq!(
            err("[g:other]\nh\n"),
            (Some(1), "Section [g:other] has unknown type: other".into())
        );
        assert_eq!(
            err("[bad group]\n").1,
            "Invalid section entry: '[bad group]'. Please make sure that there are no spaces in \
             the section entry, and that there are no other invalid characters"
        );
        assert_eq!(
            err("[g] ;c\nh\n"),
            (
                Some(1),
                // `[g]` is then a host pattern whose range lacks a `:` (real tool: same text).
                "host range must be begin:end or begin:end:step".into()
            )
        );
        assert_eq!(
            err("[g]\nh a\n"),
            (
                Some(2),
                "Expected key=value host variable assignment, got: a".into()
            )
        );
        assert_eq!(
            err("[g]\nh k=\"unterminated\n").1,
            "Error parsing host definition 'h k=\"unterminated': No closing quotation"
        );
        assert_eq!(
            err("[g:vars]\nnovalue\n").1,
            "Expected key=value, got: novalue"
        );
        assert_eq!(
            err("[g:children]\nk1 k2\n").1,
            "Expected group name, got: k1 k2"
        );
        assert_eq!(
            err("[g]\nh1:\n").1,
            "Invalid host pattern 'h1:' supplied, ending in ':' is not allowed, this character \
             is reserved to provide a port."
        );
        assert_eq!(
            err("---\nall:\n").1,
            "Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file."
        );
        assert_eq!(err("[g]\nh[1:3:0]\n").1, "range() arg 3 must not be zero");
        assert_eq!(
            err("[g]\n\"\" v=2\n").1,
            "Invalid empty host name provided: "
        );
        assert_eq!(
            err("[g:vars]\nv={[1]: 2}\n[g]\n").1,
            "unhashable type: 'list'"
        );
        assert_eq!(
            err("[g]\nh\n[g:vars]\nv={1j: 1}\n").1,
            "<class 'complex'> is not taggable"
        );
    }

    // ansible-inventory.md §7.3: ansible_group_priority from INI is the group's priority.
    #[test]
    fn group_priority() {
        let inv = load(
            "[g]\nh\n[g:vars]\nansible_group_priority=5\nother=1\n[f]\nh\n[f:vars]\n\
             ansible_group_priority=\" 7 \"\n",
        )
        .unwrap();
        assert_eq!(inv.groups["g"].priority, 5);
        assert_eq!(inv.groups["f"].priority, 7);
        assert_eq!(gvar(&inv, "g", "ansible_group_priority"), None);
        assert_eq!(
            err("[g]\nh\n[g:vars]\nansible_group_priority=abc\n").1,
            "invalid literal for int() with base 10: 'abc'"
        );
        assert_eq!(
            err("[g]\nh\n[g:vars]\nansible_group_priority=None\n").1,
            "int() argument must be a string, a bytes-like object or a real number, not \
             'NoneType'"
        );
    }

    // ansible-inventory.md §7.1: a host named like a group gives its vars to the group.
    #[test]
    fn host_named_like_group() {
        let inv = load("[g]\ng ansible_port=1 x=2\n").unwrap();
        assert_eq!(gvar(&inv, "g", "x"), Some(Value::Int(2)));
        assert_eq!(hvar(&inv, "g", "x"), None);
    }

    // ansible-inventory.md §3: names verbatim, with Ansible's warning.
    #[test]
    fn group_names_verbatim() {
        let inv = load("[g] # c\nh\n[web-servers]\nw\n[grp.with.dots]\nd\n[123]\nn\n").unwrap();
        for g in ["g", "web-servers", "grp.with.dots", "123"] {
            assert!(inv.groups.contains_key(g), "{g}");
        }
        assert_eq!(inv.warnings, [INVALID_GROUP_WARNING]);
    }

    // Python's splitlines: \r\n, \r and \x0b all end lines (crlf.ini, real tool).
    #[test]
    fn line_endings() {
        let inv = load("[g]\nh\r\n[g:vars]\r\nx=1\r\ny=2\x0bz=3\n").unwrap();
        assert_eq!(gvar(&inv, "g", "y"), Some(Value::Int(2)));
        assert_eq!(gvar(&inv, "g", "z"), Some(Value::Int(3)));
    }

    // ansible-inventory.md §1–§2 + §3 through the loader: a file source and a host list,
    // reconciled (structure as printed by the real tool for the same input).
    #[test]
    fn through_the_loader() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hosts");
        std::fs::write(&file, "shared x=1\n[a]\nshared\n[b:children]\na\n").unwrap();
        let sources = [file.display().to_string(), "c:2222,".to_string()];
        let inv = super::super::load(&sources, &Default::default()).unwrap();
        assert_eq!(inv.groups["all"].children, ["ungrouped", "b"]);
        assert_eq!(inv.groups["ungrouped"].hosts, ["c"]);
        assert_eq!(inv.groups["a"].hosts, ["shared"]);
        assert_eq!(hvar(&inv, "c", "ansible_port"), Some(Value::Int(2222)));
        let bad = dir.path().join("bad.ini");
        std::fs::write(&bad, "[g]\nh1:\n").unwrap();
        let err = super::super::load(&[bad.display().to_string()], &Default::default());
        assert!(err.is_err());
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,80}") {
            let _ = load(&text);
        }

        #[test]
        fn never_panics_on_iniish(
            text in "(\\[[a-c:]{0,6}(:vars|:children|:hosts)?\\]\n|[a-c\\[\\]0-9:=\"' #\\\\]{0,12}\n){0,8}"
        ) {
            let _ = load(&text);
        }
    }
}
