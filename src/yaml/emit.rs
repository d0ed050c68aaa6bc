//! YAML output as `yaml.dump(data, default_flow_style=False, allow_unicode=True)` with Ansible's
//! dumper writes it (ansible-inventory.md §15.4): block style, 2-space indent, sequences inside
//! mappings not indented, keys sorted, strings that would read back as another type quoted,
//! plain and single-quoted scalars folded at column 80, `!vault |` literal blocks.

use super::resolve::plain_is_string;
use crate::value::{Map, Value, py_float_repr};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

const BEST_WIDTH: usize = 80;

/// The whole document, ending with a newline. No anchors: equal values are written out again.
pub fn to_yaml_string(v: &Value) -> String {
    emit_document(v, &mut Ctx::default())
}

/// Like [`to_yaml_string`], but writes PyYAML's `&id001` / `*id001` anchors for values that are
/// the same Python object in Ansible (a group variable's list shared by every host's vars).
///
/// `identity(path, value)` names the object at `path` (keys from the root, list indices as
/// numbers): values with the same name and equal content are one object. Only lists and
/// mappings are anchored (Ansible's dumper copies its tagged scalars and dates). Ids are
/// numbered in the order the second occurrence is met, keys sorted, as PyYAML does.
pub fn to_yaml_string_aliased(
    v: &Value,
    identity: &dyn Fn(&[String], &Value) -> Option<String>,
) -> String {
    let mut cx = Ctx {
        identity: Some(identity),
        ..Ctx::default()
    };
    cx.assign_children(v);
    cx.path.clear();
    emit_document(v, &mut cx)
}

fn emit_document(v: &Value, cx: &mut Ctx<'_>) -> String {
    let mut out = String::new();
    match v {
        Value::Map(m) if !m.is_empty() => block_map(m, 0, &mut out, cx),
        Value::List(l) if !l.is_empty() => block_seq(l, 0, &mut out, cx),
        Value::Vault(s) => vault_block(s, 0, &mut out),
        other => {
            scalar(other, 0, false, &mut out);
            if matches!(
                other,
                Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Date(_)
            ) || out.starts_with(|c: char| c != '\'' && c != '"' && c != '{' && c != '[')
            {
                out.push_str("\n...");
            }
        }
    }
    out.push('\n');
    out
}

type Identity<'a> = &'a dyn Fn(&[String], &Value) -> Option<String>;

/// Anchor bookkeeping (only used by [`to_yaml_string_aliased`]).
#[derive(Default)]
struct Ctx<'a> {
    identity: Option<Identity<'a>>,
    path: Vec<String>,
    seen: HashSet<String>,
    ids: HashMap<String, usize>,
    written: HashSet<usize>,
}

enum Anchor {
    Define(usize),
    Alias(usize),
}

impl Ctx<'_> {
    fn key(&self, v: &Value) -> Option<String> {
        let identity = self.identity?;
        // Ansible's dumper writes its tagged dates as fresh objects: only lists and mappings
        // are ever anchored in ansible-inventory output (checked with group_vars dates).
        if !matches!(v, Value::Map(_) | Value::List(_)) {
            return None;
        }
        identity(&self.path, v).map(|id| format!("{id}\0{v:?}"))
    }

    /// First pass: give an id to every object met twice, in document order.
    fn assign(&mut self, v: &Value) {
        if let Some(key) = self.key(v)
            && !self.seen.insert(key.clone())
        {
            let next = self.ids.len() + 1;
            self.ids.entry(key).or_insert(next);
            return;
        }
        self.assign_children(v);
    }

    fn assign_children(&mut self, v: &Value) {
        match v {
            Value::Map(m) => {
                for (k, x) in sorted(m) {
                    self.path.push(k.clone());
                    self.assign(x);
                    self.path.pop();
                }
            }
            Value::List(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.assign(x);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn anchor(&mut self, v: &Value) -> Option<Anchor> {
        if self.ids.is_empty() {
            return None;
        }
        let id = *self.ids.get(&self.key(v)?)?;
        Some(if self.written.insert(id) {
            Anchor::Define(id)
        } else {
            Anchor::Alias(id)
        })
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn newline(out: &mut String, indent: usize) {
    out.push('\n');
    pad(out, indent);
}

fn column(out: &str) -> usize {
    match out.rfind('\n') {
        Some(i) => out[i + 1..].chars().count(),
        None => out.chars().count(),
    }
}

fn sorted(m: &Map) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// A mapping whose first key goes at the cursor (already at column `indent`).
fn block_map(m: &Map, indent: usize, out: &mut String, cx: &mut Ctx<'_>) {
    for (i, (k, v)) in sorted(m).into_iter().enumerate() {
        if i > 0 {
            newline(out, indent);
        }
        cx.path.push(k.clone());
        if is_simple_key(k) {
            string_scalar(k, indent, true, out);
            out.push(':');
            map_value(v, indent, out, cx);
        } else {
            // PyYAML writes empty, multi-line and long (123+ chars) keys as `? key` / `: value`.
            out.push_str("? ");
            string_scalar(k, indent + 2, false, out);
            newline(out, indent);
            out.push(':');
            match v {
                Value::Map(sub) if !sub.is_empty() && cx.ids.is_empty() => {
                    out.push(' ');
                    block_map(sub, indent + 2, out, cx);
                }
                Value::List(items) if !items.is_empty() && cx.ids.is_empty() => {
                    out.push(' ');
                    block_seq(items, indent + 2, out, cx);
                }
                other => map_value(other, indent, out, cx),
            }
        }
        cx.path.pop();
    }
}

fn is_simple_key(k: &str) -> bool {
    // PyYAML counts the (unwritten) `!!str` tag too: 5 + length < 128.
    !k.is_empty() && !k.contains(is_break) && k.chars().count() < 123
}

/// Writes ` &idNNN` / ` *idNNN` when the value is anchored; true when it was an alias.
fn write_anchor(v: &Value, out: &mut String, cx: &mut Ctx<'_>, space: bool) -> bool {
    let anchor = cx.anchor(v);
    if anchor.is_some() && space {
        out.push(' ');
    }
    match anchor {
        Some(Anchor::Define(id)) => {
            let _ = write!(out, "&id{id:03}");
            false
        }
        Some(Anchor::Alias(id)) => {
            let _ = write!(out, "*id{id:03}");
            true
        }
        None => false,
    }
}

/// The value of a simple `key:` entry, the cursor just after the colon.
fn map_value(v: &Value, indent: usize, out: &mut String, cx: &mut Ctx<'_>) {
    if write_anchor(v, out, cx, true) {
        return;
    }
    match v {
        Value::Map(sub) if !sub.is_empty() => {
            newline(out, indent + 2);
            block_map(sub, indent + 2, out, cx);
        }
        Value::List(items) if !items.is_empty() => {
            newline(out, indent);
            block_seq(items, indent, out, cx);
        }
        Value::Vault(s) => {
            out.push(' ');
            vault_block(s, indent + 2, out);
        }
        other => {
            out.push(' ');
            scalar(other, indent + 2, false, out);
        }
    }
}

/// A sequence whose first `- ` goes at the cursor (already at column `indent`).
fn block_seq(items: &[Value], indent: usize, out: &mut String, cx: &mut Ctx<'_>) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            newline(out, indent);
        }
        out.push('-');
        cx.path.push(i.to_string());
        let before = out.len();
        if write_anchor(item, out, cx, true) {
            cx.path.pop();
            continue;
        }
        let anchored = out.len() != before;
        match item {
            Value::Map(sub) if !sub.is_empty() => {
                if anchored {
                    newline(out, indent + 2);
                } else {
                    out.push(' ');
                }
                block_map(sub, indent + 2, out, cx);
            }
            Value::List(sub) if !sub.is_empty() => {
                if anchored {
                    newline(out, indent + 2);
                } else {
                    out.push(' ');
                }
                block_seq(sub, indent + 2, out, cx);
            }
            Value::Vault(s) => {
                out.push(' ');
                vault_block(s, indent + 2, out);
            }
            other => {
                out.push(' ');
                scalar(other, indent + 2, false, out);
            }
        }
        cx.path.pop();
    }
}

/// `!vault |` followed by the ciphertext lines at `indent`.
fn vault_block(text: &str, indent: usize, out: &mut String) {
    out.push_str("!vault |");
    // PyYAML's block hints: indentation indicator first, then chomping.
    if text.starts_with([' ', '\n']) {
        out.push('2');
    }
    if !text.ends_with('\n') {
        out.push('-');
    } else if text == "\n" || text.ends_with("\n\n") {
        out.push('+');
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
}

/// Any non-collection value (empty collections print as `{}` / `[]`).
fn scalar(v: &Value, indent: usize, key: bool, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&yaml_float(*f)),
        // `str(datetime)`: a space instead of `T`, folded like any plain scalar.
        Value::Date(d) => write_folded(&d.replacen('T', " ", 1), indent, !key, false, out),
        Value::Str(s) | Value::Unsafe(s) | Value::Vault(s) => string_scalar(s, indent, key, out),
        Value::Map(_) => out.push_str("{}"),
        Value::List(_) => out.push_str("[]"),
    }
}

/// PyYAML's float representer: `.inf`, `.nan`, and `1.0e+16` rather than `1e+16`.
pub fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let r = py_float_repr(f);
    if !r.contains('.') && r.contains('e') {
        r.replacen('e', ".0e", 1)
    } else {
        r
    }
}

struct Analysis {
    multiline: bool,
    allow_plain: bool,
    allow_single: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_ws(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(c, '\0' | ' ' | '\t' | '\r') || is_break(c),
    }
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            allow_plain: false,
            allow_single: true,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut flow_ind, mut block_ind) = (s.starts_with("---") || s.starts_with("..."), false);
    if flow_ind {
        block_ind = true;
    }
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_ws = true;
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        let followed_ws = is_ws(chars.get(i + 1).copied());
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                flow_ind = true;
                block_ind = true;
            }
            if c == '?' || c == ':' {
                flow_ind = true;
                if followed_ws {
                    block_ind = true;
                }
            }
            if c == '-' && followed_ws {
                flow_ind = true;
                block_ind = true;
            }
        } else {
            if ",?[]{}".contains(c) {
                flow_ind = true;
            }
            if c == ':' {
                flow_ind = true;
                if followed_ws {
                    block_ind = true;
                }
            }
            if c == '#' && preceded_ws {
                flow_ind = true;
                block_ind = true;
            }
        }
        if is_break(c) {
            line_breaks = true;
        }
        if !(c == '\n' || (' '..='~').contains(&c)) {
            let unicode = (c == '\u{85}'
                || ('\u{a0}'..='\u{d7ff}').contains(&c)
                || ('\u{e000}'..='\u{fffd}').contains(&c)
                || ('\u{10000}'..'\u{10ffff}').contains(&c))
                && c != '\u{feff}';
            if !unicode {
                special = true;
            }
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == last {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i == last {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_ws(Some(c));
    }
    let mut allow_plain = true;
    let mut allow_single = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        allow_plain = false;
    }
    if break_space {
        allow_plain = false;
        allow_single = false;
    }
    if space_break || special {
        allow_plain = false;
        allow_single = false;
    }
    if line_breaks || block_ind {
        allow_plain = false;
    }
    let _ = flow_ind;
    Analysis {
        multiline: line_breaks,
        allow_plain,
        allow_single,
    }
}

/// A string in the first style PyYAML would pick: plain, single-quoted, double-quoted.
fn string_scalar(s: &str, indent: usize, key: bool, out: &mut String) {
    let a = analyze(s);
    if plain_is_string(s) && !(key && a.multiline) && a.allow_plain && !s.is_empty() {
        write_folded(s, indent, !key, false, out);
    } else if a.allow_single && !(key && a.multiline) {
        write_folded(s, indent, !key, true, out);
    } else {
        write_double(s, indent, !key, out);
    }
}

/// Plain or single-quoted text: a single space past column 80 becomes a line break; in quoted
/// text each line break is written doubled (a blank line).
fn write_folded(s: &str, indent: usize, split: bool, quoted: bool, out: &mut String) {
    if quoted {
        out.push('\'');
    }
    let chars: Vec<char> = s.chars().collect();
    let mut col = column(out);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            let start = i;
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if i - start == 1 && col > BEST_WIDTH && split && start != 0 && i != chars.len() {
                newline(out, indent);
                col = indent;
            } else {
                for _ in start..i {
                    out.push(' ');
                }
                col += i - start;
            }
        } else if is_break(c) {
            let start = i;
            while i < chars.len() && is_break(chars[i]) {
                i += 1;
            }
            if c == '\n' {
                out.push('\n');
            }
            for &b in &chars[start..i] {
                if b == '\n' {
                    out.push('\n');
                } else {
                    out.push(b);
                }
            }
            pad(out, indent);
            col = indent;
        } else {
            if quoted && c == '\'' {
                out.push_str("''");
                col += 2;
            } else {
                out.push(c);
                col += 1;
            }
            i += 1;
        }
    }
    if quoted {
        out.push('\'');
    }
}

/// Double-quoted text with PyYAML's escapes; past column 80 the line is continued with a
/// trailing `\` (and a leading `\` when the continuation starts with a space).
fn write_double(s: &str, indent: usize, split: bool, out: &mut String) {
    out.push('"');
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut col = column(out);
    let (mut start, mut end) = (0usize, 0usize);
    let flush = |from: usize, to: usize, out: &mut String, col: &mut usize| {
        for &c in &chars[from..to] {
            out.push(c);
        }
        *col += to - from;
    };
    while end <= n {
        let ch = chars.get(end).copied();
        if let Some(c) = ch.filter(|&c| needs_escape(c)) {
            if start < end {
                flush(start, end, out, &mut col);
            }
            let esc = escape(c);
            col += esc.chars().count();
            out.push_str(&esc);
            start = end + 1;
        } else if ch.is_none() && start < end {
            flush(start, end, out, &mut col);
            start = end;
        }
        if end > 0
            && end + 1 < n
            && (ch == Some(' ') || start >= end)
            && col + end.saturating_sub(start) > BEST_WIDTH
            && split
        {
            if start < end {
                flush(start, end, out, &mut col);
                start = end;
            }
            out.push('\\');
            newline(out, indent);
            col = indent;
            if chars.get(start) == Some(&' ') {
                out.push('\\');
                col += 1;
            }
        }
        end += 1;
    }
    out.push('"');
}

fn needs_escape(c: char) -> bool {
    let printable = (' '..='~').contains(&c)
        || ('\u{a0}'..='\u{d7ff}').contains(&c)
        || ('\u{e000}'..='\u{fffd}').contains(&c);
    matches!(
        c,
        '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || !printable
}

fn escape(c: char) -> String {
    let short = match c {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    match short {
        Some(e) => format!("\\{e}"),
        None if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
        None if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
        None => format!("\\U{:08X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    // ansible-inventory.md §15.4; expected text printed by `ansible-inventory --yaml --list`
    // (and by `yaml.dump(..., default_flow_style=False, allow_unicode=True)` for the scalars).
    #[test]
    fn host_vars_block_like_ansible() {
        let host = m(&[
            ("a", Value::Bool(true)),
            ("b", Value::Int(8)),
            ("d", Value::Date("2024-01-31".into())),
            ("e", Value::Date("2001-12-14T21:59:43.100000-05:00".into())),
            ("f", Value::Float(f64::INFINITY)),
            ("g", Value::Unsafe("{{x}}".into())),
            (
                "k",
                Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n3131\n".into()),
            ),
            ("s", Value::str("yes")),
            (
                "l",
                Value::List(vec![Value::Int(1), Value::str("2"), Value::Bool(true)]),
            ),
            ("mm", m(&[("x", Value::Int(1))])),
            ("n", Value::Null),
            ("ml", Value::str("a\nb")),
            ("e1", Value::str("")),
            ("em", Value::Map(Map::new())),
        ]);
        let doc = m(&[(
            "all",
            m(&[(
                "children",
                m(&[("ungrouped", m(&[("hosts", m(&[("h1", host)]))]))]),
            )]),
        )]);
        let want = "all:
  children:
    ungrouped:
      hosts:
        h1:
          a: true
          b: 8
          d: 2024-01-31
          e: 2001-12-14 21:59:43.100000-05:00
          e1: ''
          em: {}
          f: .inf
          g: '{{x}}'
          k: !vault |
            $ANSIBLE_VAULT;1.1;AES256
            3131
          l:
          - 1
          - '2'
          - true
          ml: 'a

            b'
          mm:
            x: 1
          n: null
          s: 'yes'
";
        assert_eq!(to_yaml_string(&doc), want);
    }

    // Expected text printed by `yaml.dump(d, Dumper=AnsibleDumper, default_flow_style=False,
    // allow_unicode=True)` for values loaded with Ansible's `from_yaml` (§12: `!vault |` blocks).
    #[test]
    fn vault_blocks_like_ansible_dumper() {
        let v = |s: &str| Value::Vault(s.into());
        let doc = m(&[
            ("a", v("$ANSIBLE_VAULT;1.1;AES256\n3131\n")),
            ("b", v("no newline")),
            ("c", v("two\n\n")),
            (
                "l",
                Value::List(vec![
                    v("$ANSIBLE_VAULT;1.1;AES256\n3232\n"),
                    Value::List(vec![v("xx\nyy\n")]),
                ]),
            ),
            ("u", Value::Unsafe("{{ x }}".into())),
        ]);
        let want = "a: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3131\nb: !vault |-\n  no newline\nc: !vault |+\n  two\n\nl:\n- !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3232\n- - !vault |\n    xx\n    yy\nu: '{{ x }}'\n";
        assert_eq!(to_yaml_string(&doc), want);
        let lead = m(&[("a", v("  lead\nx"))]);
        assert_eq!(to_yaml_string(&lead), "a: !vault |2-\n    lead\n  x\n");
    }

    // PyYAML: `l=[1,2]; d={'a':1}; yaml.dump({'a':l,'b':l,'c':[d,d,[l]], 'e':{'x':d}},
    // default_flow_style=False)`; dates are never anchored by ansible-inventory (checked).
    #[test]
    fn anchors_for_shared_objects_like_pyyaml() {
        let l = Value::List(vec![Value::Int(1), Value::Int(2)]);
        let d = m(&[("a", Value::Int(1))]);
        let t = Value::Date("2024-01-01".into());
        let doc = m(&[
            ("a", l.clone()),
            ("b", l.clone()),
            (
                "c",
                Value::List(vec![d.clone(), d.clone(), Value::List(vec![l.clone()])]),
            ),
            ("e", m(&[("x", d.clone())])),
            ("f", t.clone()),
            ("g", t.clone()),
            ("h", Value::List(vec![t.clone(), t])),
            ("s", Value::str("x")),
            ("s2", Value::str("x")),
        ]);
        let want = "a: &id001\n- 1\n- 2\nb: *id001\nc:\n- &id002\n  a: 1\n- *id002\n- - *id001\ne:\n  x: *id002\nf: 2024-01-01\ng: 2024-01-01\nh:\n- 2024-01-01\n- 2024-01-01\ns: x\ns2: x\n";
        assert_eq!(
            to_yaml_string_aliased(&doc, &|_, _| Some(String::new())),
            want
        );
        // No identity: nothing shared.
        assert_eq!(
            to_yaml_string_aliased(&doc, &|_, _| None),
            to_yaml_string(&doc)
        );
        assert!(!to_yaml_string(&doc).contains("&id"));
    }

    // Each expectation is PyYAML's `yaml.dump({'k': v}, default_flow_style=False, allow_unicode=True)`.
    #[test]
    fn scalar_styles_like_pyyaml() {
        let cases: &[(Value, &str)] = &[
            (Value::str("plain text"), "k: plain text\n"),
            (Value::str("1.0"), "k: '1.0'\n"),
            (Value::str("1e3"), "k: 1e3\n"),
            (Value::str("010"), "k: '010'\n"),
            (Value::str("y"), "k: y\n"),
            (Value::str("~"), "k: '~'\n"),
            (Value::str("a: b"), "k: 'a: b'\n"),
            (Value::str("a:b"), "k: a:b\n"),
            (Value::str("a #b"), "k: 'a #b'\n"),
            (Value::str("- x"), "k: '- x'\n"),
            (Value::str(" lead"), "k: ' lead'\n"),
            (Value::str("it's"), "k: it's\n"),
            (Value::str("'q'"), "k: '''q'''\n"),
            (Value::str("tab\there"), "k: \"tab\\there\"\n"),
            (Value::str("ünï ✓ 😀"), "k: ünï ✓ 😀\n"),
            (Value::str("<<"), "k: '<<'\n"),
            (Value::str("2024-01-31"), "k: '2024-01-31'\n"),
            (Value::str("a\n"), "k: 'a\n\n  '\n"),
            (Value::Float(1e16), "k: 1.0e+16\n"),
            (Value::Float(f64::NAN), "k: .nan\n"),
            (Value::Float(-0.5), "k: -0.5\n"),
            (Value::List(vec![]), "k: []\n"),
            (
                Value::List(vec![
                    m(&[("b", Value::Int(1)), ("a", Value::Int(2))]),
                    Value::List(vec![Value::Int(1), Value::Int(2)]),
                ]),
                "k:\n- a: 2\n  b: 1\n- - 1\n  - 2\n",
            ),
            (
                Value::str("word ".repeat(20)),
                "k: 'word word word word word word word word word word word word word word word word\n  word word word word '\n",
            ),
            (
                Value::str("word ".repeat(20).trim_end()),
                "k: word word word word word word word word word word word word word word word word\n  word word word word\n",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(to_yaml_string(&m(&[("k", v.clone())])), *want, "{v:?}");
        }
    }
}
