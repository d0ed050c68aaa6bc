//! Builds a line-numbered node tree from saphyr-parser events the way PyYAML's composer and
//! Ansible's constructor would: anchors/aliases, `<<` merges, duplicate keys (last wins, with a
//! warning), `!vault`/`!unsafe`, core `!!` tags, YAML 1.1 typing of plain scalars.

use super::resolve::resolve_plain;
use crate::value::{Map, Value, py_float_repr, py_str_repr};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;

/// One YAML node with the (1-based) line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A constructed scalar: plain scalars are typed, quoted ones are strings.
    Scalar(Value),
    Seq(Vec<Node>),
    /// Pairs after merge-key expansion and de-duplication (last value wins, first position kept).
    Map(Vec<(Node, Node)>),
}

/// A loaded document: `None` for an empty stream; warnings (duplicate keys) in order.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub root: Option<Node>,
    /// `Found duplicate mapping key 'x'.` at the duplicate key's position.
    pub warnings: Vec<YamlError>,
}

/// A YAML syntax or construction error at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Nesting limit: deep enough for any inventory, shallow enough for a 2 MiB thread stack in
/// debug builds (400 overflowed there).
const MAX_DEPTH: usize = 200;
/// Bound on nodes produced through aliases (guards against "billion laughs").
const ALIAS_BUDGET: usize = 2_000_000;

impl Node {
    /// The node as a plain value. Mapping keys become strings the way `json.dumps` writes them
    /// (`true`, `null`, `1.5`, dates as ISO text).
    pub fn to_value(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::Seq(items) => Value::List(items.iter().map(Node::to_value).collect()),
            NodeKind::Map(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    m.insert(k.key_string(), v.to_value());
                }
                Value::Map(m)
            }
        }
    }

    /// The text of a string scalar (plain or unsafe); `None` for every other node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(Value::Str(s) | Value::Unsafe(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Scalar(Value::Null))
    }

    /// This node used as a mapping key, as JSON output shows it.
    pub fn key_string(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(v) => scalar_key_string(v),
            _ => self.py_str(),
        }
    }

    /// Python `str()` of the constructed value (for messages).
    pub fn py_str(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(v) => v.py_str(),
            _ => self.to_value().py_repr(),
        }
    }
}

fn scalar_key_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "NaN".into(),
        Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.into()
        }
        Value::Float(f) => py_float_repr(*f),
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => s.clone(),
        other => other.py_repr(),
    }
}

/// Python dict identity of a key: `True == 1 == 1.0`, str and unsafe str are equal.
fn key_identity(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "N".into(),
        Value::Bool(b) => format!("n{}", i64::from(*b)),
        Value::Int(i) => format!("n{i}"),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("n{}", *f as i64),
        Value::Float(f) => format!("f{}", py_float_repr(*f)),
        Value::Str(s) | Value::Unsafe(s) => format!("s{s}"),
        Value::Date(s) => format!("d{s}"),
        Value::Vault(s) => format!("v{s}"),
        Value::List(_) | Value::Map(_) => return None,
    })
}

/// Python `repr()` of a key for the duplicate-key warning.
fn key_repr(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Unsafe(s) => py_str_repr(s),
        other => other.py_repr(),
    }
}

/// Loads a single-document YAML stream.
///
/// Like Ansible's `from_yaml`, text that is valid JSON is read with JSON rules: `1e3` is the
/// float 1000.0, `{"__ansible_unsafe": …}` / `{"__ansible_vault": …}` objects are decoded and
/// duplicate keys do not warn. Lines still come from the YAML parse when it succeeds.
pub fn load_document(text: &str) -> Result<Loaded, YamlError> {
    let json: Option<serde_json::Value> = serde_json::from_str(text).ok();
    match (load_yaml(text, json.is_some()), json) {
        (Ok(mut loaded), Some(_)) => {
            loaded.warnings.clear();
            loaded.root = loaded.root.map(decode_json_tags);
            Ok(loaded)
        }
        (Err(_), Some(j)) => Ok(Loaded {
            root: Some(json_node(&j)),
            warnings: Vec::new(),
        }),
        (result, None) => result,
    }
}

/// `{"__ansible_unsafe": "x"}` → unsafe text, `{"__ansible_vault": "…"}` → vault, recursively.
fn decode_json_tags(node: Node) -> Node {
    let Node { kind, line, col } = node;
    let kind = match kind {
        NodeKind::Map(pairs) => {
            let tagged = match pairs.as_slice() {
                [(k, v)] => match (k.as_str(), &v.kind) {
                    (Some("__ansible_unsafe"), NodeKind::Scalar(Value::Str(s))) => {
                        Some(Value::Unsafe(s.clone()))
                    }
                    (Some("__ansible_vault"), NodeKind::Scalar(Value::Str(s))) => {
                        Some(Value::Vault(s.clone()))
                    }
                    _ => None,
                },
                _ => None,
            };
            match tagged {
                Some(v) => NodeKind::Scalar(v),
                None => NodeKind::Map(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k, decode_json_tags(v)))
                        .collect(),
                ),
            }
        }
        NodeKind::Seq(items) => NodeKind::Seq(items.into_iter().map(decode_json_tags).collect()),
        other => other,
    };
    Node { kind, line, col }
}

/// A JSON document the YAML parser refused, as nodes (all on line 1).
fn json_node(j: &serde_json::Value) -> Node {
    let kind = match j {
        serde_json::Value::Array(items) => NodeKind::Seq(items.iter().map(json_node).collect()),
        serde_json::Value::Object(o) => NodeKind::Map(
            o.iter()
                .map(|(k, v)| {
                    let key = Node {
                        kind: NodeKind::Scalar(Value::Str(k.clone())),
                        line: 1,
                        col: 1,
                    };
                    (key, json_node(v))
                })
                .collect(),
        ),
        other => NodeKind::Scalar(crate::value::from_json(other)),
    };
    decode_json_tags(Node {
        kind,
        line: 1,
        col: 1,
    })
}

fn load_yaml(text: &str, json: bool) -> Result<Loaded, YamlError> {
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        warnings: Vec::new(),
        alias_nodes: 0,
        json,
    };
    let mut root = None;
    let mut docs = 0usize;
    loop {
        let (ev, span) = b.next()?;
        match ev {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                docs += 1;
                if docs > 1 {
                    return Err(err_at(
                        &span,
                        "expected a single document in the stream, but found another document",
                    ));
                }
                let (ev, span) = b.next()?;
                root = Some(b.node(ev, span, 0, false)?);
            }
            other => {
                root = Some(b.node(other, span, 0, false)?);
            }
        }
    }
    Ok(Loaded {
        root,
        warnings: b.warnings,
    })
}

fn err_at(span: &Span, msg: impl Into<String>) -> YamlError {
    YamlError {
        line: span.start.line(),
        col: span.start.col() + 1,
        message: msg.into(),
    }
}

fn tag_name(tag: &Tag) -> String {
    if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

const CORE: &str = "tag:yaml.org,2002:";

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    warnings: Vec<YamlError>,
    alias_nodes: usize,
    /// The text is valid JSON: plain scalars are JSON numbers/literals.
    json: bool,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(x)) => Ok(x),
            Some(Err(e)) => Err(YamlError {
                line: e.marker().line(),
                col: e.marker().col() + 1,
                message: e.info().to_string(),
            }),
            None => Err(YamlError {
                line: 0,
                col: 0,
                message: "unexpected end of stream".into(),
            }),
        }
    }

    /// Builds one node starting with `ev`. `unsafe_ctx`: inside an `!unsafe` collection, strings
    /// become unsafe.
    fn node(
        &mut self,
        ev: Event<'a>,
        span: Span,
        depth: usize,
        unsafe_ctx: bool,
    ) -> Result<Node, YamlError> {
        if depth > MAX_DEPTH {
            return Err(err_at(&span, "document is nested too deeply"));
        }
        let line = span.start.line();
        let col = span.start.col() + 1;
        match ev {
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .ok_or_else(|| err_at(&span, "found undefined alias"))?;
                self.alias_nodes = self.alias_nodes.saturating_add(count(node));
                if self.alias_nodes > ALIAS_BUDGET {
                    return Err(err_at(&span, "too many alias expansions"));
                }
                Ok(node.clone())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| tag_name(&t));
                let value = if self.json && matches!(style, ScalarStyle::Plain) && tag.is_none() {
                    Ok(json_scalar(&text))
                } else {
                    construct_scalar(&text, style, tag.as_deref(), unsafe_ctx)
                };
                let value = value.map_err(|m| err_at(&span, m))?;
                let node = Node {
                    kind: NodeKind::Scalar(value),
                    line,
                    col,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                Ok(node)
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = tag.map(|t| tag_name(&t));
                let inner_unsafe = unsafe_ctx || tag.as_deref() == Some("!unsafe");
                check_collection_tag(tag.as_deref(), "seq", &span)?;
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, sp, depth + 1, inner_unsafe)?);
                }
                let node = Node {
                    kind: NodeKind::Seq(items),
                    line,
                    col,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                Ok(node)
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag.map(|t| tag_name(&t));
                let inner_unsafe = unsafe_ctx || tag.as_deref() == Some("!unsafe");
                check_collection_tag(tag.as_deref(), "map", &span)?;
                let mut raw: Vec<(Node, Node, bool)> = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let is_merge =
                        matches!(&ev, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
                    let key = self.node(ev, sp, depth + 1, inner_unsafe)?;
                    let (ev, sp) = self.next()?;
                    let value = self.node(ev, sp, depth + 1, inner_unsafe)?;
                    raw.push((key, value, is_merge));
                }
                let pairs = self.flatten(raw, &span)?;
                let node = Node {
                    kind: NodeKind::Map(pairs),
                    line,
                    col,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                Ok(node)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                Err(err_at(&span, "unexpected end of collection"))
            }
            _ => Err(err_at(&span, "expected a node")),
        }
    }

    /// Expands `<<` keys (merged pairs first, later lists entries lower), then removes duplicate
    /// keys: the last value wins at the first key's position, each duplicate warns.
    fn flatten(
        &mut self,
        raw: Vec<(Node, Node, bool)>,
        span: &Span,
    ) -> Result<Vec<(Node, Node)>, YamlError> {
        let mut merged: Vec<(Node, Node)> = Vec::new();
        let mut own: Vec<(Node, Node)> = Vec::new();
        for (key, value, is_merge) in raw {
            if !is_merge {
                own.push((key, value));
                continue;
            }
            match value.kind {
                NodeKind::Map(pairs) => merged.extend(pairs),
                NodeKind::Seq(items) => {
                    let mut subs = Vec::new();
                    for item in items {
                        match item.kind {
                            NodeKind::Map(pairs) => subs.push(pairs),
                            _ => {
                                return Err(YamlError {
                                    line: item.line,
                                    col: item.col,
                                    message: "while constructing a mapping: expected a mapping for merging".into(),
                                });
                            }
                        }
                    }
                    for pairs in subs.into_iter().rev() {
                        merged.extend(pairs);
                    }
                }
                _ => {
                    return Err(YamlError {
                        line: value.line,
                        col: value.col,
                        message: "while constructing a mapping: expected a mapping or list of mappings for merging".into(),
                    });
                }
            }
        }
        merged.extend(own);
        let mut out: Vec<(Node, Node)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (key, value) in merged {
            let id = match &key.kind {
                NodeKind::Scalar(v) => key_identity(v),
                _ => None,
            };
            let Some(id) = id else {
                return Err(YamlError {
                    line: key.line,
                    col: key.col,
                    message: format!(
                        "while constructing a mapping (line {}): found unhashable key",
                        span.start.line()
                    ),
                });
            };
            match index.get(&id) {
                Some(&i) => {
                    if let NodeKind::Scalar(v) = &key.kind {
                        self.warnings.push(YamlError {
                            line: key.line,
                            col: key.col,
                            message: format!("Found duplicate mapping key {}.", key_repr(v)),
                        });
                    }
                    if let Some(slot) = out.get_mut(i) {
                        slot.1 = value;
                    }
                }
                None => {
                    index.insert(id, out.len());
                    out.push((key, value));
                }
            }
        }
        Ok(out)
    }
}

fn count(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeKind::Map(pairs) => {
            1 + pairs
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
    }
}

fn check_collection_tag(tag: Option<&str>, kind: &str, span: &Span) -> Result<(), YamlError> {
    let ok = match tag {
        None | Some("!unsafe") | Some("!") => true,
        Some(t) => {
            let core = t.strip_prefix(CORE);
            match kind {
                "seq" => core == Some("seq"),
                _ => matches!(core, Some("map" | "python/dict" | "set")),
            }
        }
    };
    if ok {
        Ok(())
    } else {
        Err(err_at(
            span,
            format!(
                "Could not determine a constructor for the tag '{}'.",
                tag.unwrap_or("")
            ),
        ))
    }
}

/// A plain scalar of a JSON document: `true`/`false`/`null` or a number (`1e3` is a float).
fn json_scalar(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ if !text.contains(['.', 'e', 'E']) => match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(text.parse().unwrap_or(f64::NAN)),
        },
        _ => Value::Float(text.parse().unwrap_or(f64::NAN)),
    }
}

fn construct_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    unsafe_ctx: bool,
) -> Result<Value, String> {
    let plain = matches!(style, ScalarStyle::Plain);
    let wrap = |v: Value| match v {
        Value::Str(s) if unsafe_ctx => Value::Unsafe(s),
        v => v,
    };
    let Some(tag) = tag else {
        return Ok(wrap(if plain {
            resolve_plain(text)?
        } else {
            Value::Str(text.to_string())
        }));
    };
    match tag {
        // Both re-resolve the text as if it were plain (so `!unsafe '5'` is the int 5).
        "!unsafe" => Ok(match resolve_plain(text)? {
            Value::Str(s) => Value::Unsafe(s),
            v => v,
        }),
        "!vault" | "!vault-encrypted" => match resolve_plain(text)? {
            Value::Str(s) => Ok(Value::Vault(s)),
            _ => Err(format!("the '{tag}' tag requires a string value")),
        },
        "!" => Ok(wrap(Value::Str(text.to_string()))),
        _ => {
            let Some(core) = tag.strip_prefix(CORE) else {
                return Err(format!(
                    "Could not determine a constructor for the tag '{tag}'."
                ));
            };
            let typed = resolve_plain(text);
            match core {
                "str" | "python/unicode" => Ok(wrap(Value::Str(text.to_string()))),
                "null" => Ok(Value::Null),
                "bool" => match super::resolve::as_bool(text) {
                    Some(b) => Ok(Value::Bool(b)),
                    None => Err(format!("could not construct a bool from '{text}'")),
                },
                "int" => match typed? {
                    v @ Value::Int(_) => Ok(v),
                    Value::Float(f) if f.is_infinite() => Ok(Value::Float(f)),
                    _ => Err(format!("invalid literal for int() with base 10: '{text}'")),
                },
                "float" => match typed? {
                    v @ Value::Float(_) => Ok(v),
                    Value::Int(i) => Ok(Value::Float(i as f64)),
                    _ => text
                        .replace('_', "")
                        .parse::<f64>()
                        .map(Value::Float)
                        .map_err(|_| format!("could not convert string to float: '{text}'")),
                },
                "timestamp" => match typed? {
                    v @ Value::Date(_) => Ok(v),
                    _ => Err(format!("could not construct a timestamp from '{text}'")),
                },
                "binary" => Ok(Value::Str(text.to_string())),
                _ => Err(format!(
                    "Could not determine a constructor for the tag '{tag}'."
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Value {
        load_document(text)
            .unwrap()
            .root
            .map(|n| n.to_value())
            .unwrap_or(Value::Null)
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    // ansible-inventory.md §5.2: only plain scalars are typed.
    #[test]
    fn quoted_scalars_stay_strings() {
        assert_eq!(
            load("a: 'yes'\nb: \"8080\"\nc: yes\nd: |\n  x\n"),
            map(&[
                ("a", Value::str("yes")),
                ("b", Value::str("8080")),
                ("c", Value::Bool(true)),
                ("d", Value::str("x\n"))
            ])
        );
    }

    // §5.2 keys: checked with ansible-inventory --list (`on: 1` then `1: x` is ONE key `true`,
    // a duplicate, value x).
    #[test]
    fn python_key_equality_and_json_key_text() {
        let l = load_document("on: 1\n1: x\n~: y\n1.5: z\n").unwrap();
        assert_eq!(
            l.root.unwrap().to_value(),
            map(&[
                ("true", Value::str("x")),
                ("null", Value::str("y")),
                ("1.5", Value::str("z"))
            ])
        );
        assert_eq!(l.warnings.len(), 1);
        assert_eq!(l.warnings[0].message, "Found duplicate mapping key 1.");
        assert_eq!((l.warnings[0].line, l.warnings[0].col), (2, 1));
    }

    // Merge keys, verified with ansible-inventory: explicit keys win, earlier list entries win.
    #[test]
    fn merge_keys() {
        let text = "b: &b {x: 1, y: 2}\no: &o {y: 3, z: 4}\nm1:\n  <<: *b\n  x: 9\nm2:\n  <<: [*b, *o]\n  w: 0\n";
        let v = load(text);
        let m = v.as_map().unwrap();
        assert_eq!(m["m1"], map(&[("x", Value::Int(9)), ("y", Value::Int(2))]));
        let m2 = m["m2"].as_map().unwrap();
        assert_eq!(m2["x"], Value::Int(1));
        assert_eq!(m2["y"], Value::Int(2));
        assert_eq!(m2["z"], Value::Int(4));
        assert_eq!(m2["w"], Value::Int(0));
    }

    // §12 and Ansible's constructor: `!unsafe` re-resolves as plain; strings inside are unsafe.
    #[test]
    fn unsafe_and_vault_tags() {
        let v = load(
            "u: !unsafe 5\nu2: !unsafe '5'\nu3: !unsafe {k: v, n: [a, 1]}\ns: !unsafe '{{x}}'\nk: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3131\nt: !!str 5\ni: !!int \"7\"\n",
        );
        let m = v.as_map().unwrap();
        assert_eq!(m["u"], Value::Int(5));
        assert_eq!(m["u2"], Value::Int(5));
        assert_eq!(
            m["u3"],
            map(&[
                ("k", Value::Unsafe("v".into())),
                (
                    "n",
                    Value::List(vec![Value::Unsafe("a".into()), Value::Int(1)])
                )
            ])
        );
        assert_eq!(m["s"], Value::Unsafe("{{x}}".into()));
        assert_eq!(
            m["k"],
            Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n3131\n".into())
        );
        assert_eq!(m["t"], Value::str("5"));
        assert_eq!(m["i"], Value::Int(7));
    }

    #[test]
    fn unknown_tag_is_error_with_position() {
        // ansible-inventory: "Could not determine a constructor for the tag '!foo'." at 4:10.
        let e = load_document("all:\n  hosts:\n    h1:\n      a: !foo x\n").unwrap_err();
        assert_eq!(
            e.message,
            "Could not determine a constructor for the tag '!foo'."
        );
        assert_eq!((e.line, e.col), (4, 10));
    }

    #[test]
    fn lines_and_empty() {
        assert!(load_document("").unwrap().root.is_none());
        assert!(load_document("# only a comment\n").unwrap().root.is_none());
        let l = load_document("a: 1\n\nb:\n  - x\n").unwrap();
        let NodeKind::Map(pairs) = l.root.unwrap().kind else {
            panic!()
        };
        assert_eq!(pairs[1].0.line, 3);
        assert_eq!(pairs[1].1.line, 4);
        assert!(load_document("a: 1\n---\nb: 2\n").is_err());
        assert!(load_document("a: [1\n").is_err());
    }

    // Ansible's from_yaml tries JSON first (checked with a tab-indented .json inventory:
    // 1e3 → 1000.0, tagged objects decoded, duplicate keys silent).
    #[test]
    fn json_documents_use_json_rules() {
        let l = load_document("{\n\t\"e\": 1e3, \"u\": {\"__ansible_unsafe\": \"{{x}}\"},\n\t\"d\": 1, \"d\": 2, \"s\": \"yes\"}").unwrap();
        assert!(l.warnings.is_empty());
        let v = l.root.unwrap().to_value();
        let m = v.as_map().unwrap();
        assert_eq!(m["e"], Value::Float(1000.0));
        assert_eq!(m["u"], Value::Unsafe("{{x}}".into()));
        assert_eq!(m["d"], Value::Int(2));
        assert_eq!(m["s"], Value::str("yes"));
        // Same text as YAML would be typed differently.
        assert_eq!(load("e: 1e3").as_map().unwrap()["e"], Value::str("1e3"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(load_document(&deep).is_err());
        let deep_map = "{a: ".repeat(50_000);
        assert!(load_document(&deep_map).is_err());
        let ok = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(load_document(&ok).is_ok());
        // Block nesting up to the limit works on a 2 MiB test thread; beyond it is an error.
        let block = format!("{}1", "- ".repeat(MAX_DEPTH));
        let v = load_document(&block).unwrap().root.unwrap().to_value();
        assert!(crate::yaml::to_yaml_string(&v).len() > MAX_DEPTH);
        assert!(load_document(&format!("{}1", "- ".repeat(MAX_DEPTH + 2))).is_err());
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(load_document(&s).is_err());
    }
}
