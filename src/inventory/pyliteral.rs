//! Python `ast.literal_eval` for INI values (ansible-inventory.md §3.3): ints, floats, strings
//! in every Python quoting form, lists/tuples/dicts/sets, True/False/None; else the raw text.
//!
//! The reader works in two steps like Python does: a tokenizer + recursive-descent parser that
//! accepts exactly the expression shapes `literal_eval` can evaluate (anything else is a
//! failure), then an evaluator that applies literal_eval's node rules (signed numbers only on
//! numeric constants, `a ± bj` only with a complex right side, `set()` …). Any failure keeps
//! the raw text, as Ansible's INI plugin does.

use crate::value::{Map, Value, py_float_repr};

/// Python's tokenizer refuses more than 200 nested brackets ("too many nested parentheses").
const MAX_NESTING: usize = 200;

/// Evaluates `raw` as Ansible's INI reader does; anything that is not a literal stays a string.
pub fn parse_value(raw: &str) -> Value {
    match try_parse_value(raw) {
        Ok(v) => v,
        Err(_) => Value::Str(raw.to_string()),
    }
}

/// Like [`parse_value`], but reports the failures Ansible does not swallow and that make the
/// whole INI source fail: a TypeError from an unhashable set member or dict key
/// (`{[1]: 2}` → `unhashable type: 'list'`) and an untaggable dict key (`{...: 1}`).
pub fn try_parse_value(raw: &str) -> Result<Value, String> {
    if let Some(v) = fast_path(raw) {
        return Ok(v);
    }
    match literal_eval(raw) {
        Ok(py) => to_value(&py),
        Err(Failure::NotLiteral) => Ok(Value::Str(raw.to_string())),
        Err(Failure::TypeError(msg)) => Err(msg),
    }
}

/// The two shapes most inventory values have, decided without the full parser (same result):
/// a word that starts with a letter or `_` and holds only name, path and address characters
/// is never a literal (a name, attribute, operator or syntax error) unless it is
/// `True`/`False`/`None`; plain decimal digits are an int (`00` is 0, `010` is no literal);
/// digits with two or more dots are never a literal.
fn fast_path(raw: &str) -> Option<Value> {
    let first = raw.bytes().next()?;
    if first.is_ascii_alphabetic() || first == b'_' {
        let plain = raw.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/' | b':' | b'@')
        });
        if !plain || matches!(raw, "True" | "False" | "None") {
            return None;
        }
        return Some(Value::Str(raw.to_string()));
    }
    // Dotted numbers such as addresses (`10.0.0.1`): a float takes at most one dot, so two or
    // more make a syntax error in Python, i.e. the raw string.
    if first.is_ascii_digit()
        && raw.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && raw.bytes().filter(|&b| b == b'.').count() >= 2
    {
        return Some(Value::Str(raw.to_string()));
    }
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        if raw.len() > 1 && first == b'0' {
            return raw
                .bytes()
                .all(|b| b == b'0')
                .then_some(Value::Int(0))
                .or(Some(Value::Str(raw.to_string())));
        }
        return raw.parse::<i64>().ok().map(Value::Int);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Python values

#[derive(Debug, Clone)]
enum Py {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    Ellipsis,
    List(Vec<Py>),
    Tuple(Vec<Py>),
    Set(Vec<Py>),
    Dict(Vec<(Py, Py)>),
}

enum Failure {
    /// SyntaxError / ValueError: Ansible keeps the raw string.
    NotLiteral,
    /// TypeError (unhashable): Ansible fails the source.
    TypeError(String),
}

impl Py {
    fn type_name(&self) -> &'static str {
        match self {
            Py::List(_) => "list",
            Py::Set(_) => "set",
            Py::Dict(_) => "dict",
            _ => "object",
        }
    }

    /// Err(type name) when the value (or a tuple member) cannot be hashed.
    fn check_hashable(&self) -> Result<(), &'static str> {
        match self {
            Py::List(_) | Py::Set(_) | Py::Dict(_) => Err(self.type_name()),
            Py::Tuple(items) => items.iter().try_for_each(Py::check_hashable),
            _ => Ok(()),
        }
    }

    /// The numeric value for cross-type comparison (bool/int/float/complex).
    fn as_complex(&self) -> Option<(f64, f64)> {
        match self {
            Py::Bool(b) => Some((if *b { 1.0 } else { 0.0 }, 0.0)),
            Py::Int(i) => Some((*i as f64, 0.0)),
            Py::Float(f) => Some((*f, 0.0)),
            Py::Complex(r, i) => Some((*r, *i)),
            _ => None,
        }
    }

    /// Python `==` for hashable literal values.
    fn py_eq(&self, other: &Py) -> bool {
        match (self, other) {
            (Py::Int(a), Py::Int(b)) => a == b,
            (Py::Int(a), Py::Bool(b)) | (Py::Bool(b), Py::Int(a)) => *a == i64::from(*b),
            (Py::Bool(a), Py::Bool(b)) => a == b,
            (Py::None, Py::None) | (Py::Ellipsis, Py::Ellipsis) => true,
            (Py::Str(a), Py::Str(b)) => a == b,
            (Py::Bytes(a), Py::Bytes(b)) => a == b,
            (Py::Tuple(a), Py::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.py_eq(y))
            }
            _ => match (self.as_complex(), other.as_complex()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// Python `str()` (used for dict keys Ansible's JSON encoder would refuse).
    fn py_str(&self) -> String {
        match self {
            Py::Str(s) => s.clone(),
            other => other.py_repr(),
        }
    }

    fn py_repr(&self) -> String {
        match self {
            Py::None => "None".into(),
            Py::Bool(b) => if *b { "True" } else { "False" }.into(),
            Py::Int(i) => i.to_string(),
            Py::Float(f) => py_float_repr(*f),
            Py::Complex(r, i) => complex_str(*r, *i),
            Py::Str(s) => crate::value::py_str_repr(s),
            Py::Bytes(b) => {
                let mut out = String::from("b'");
                for &c in b {
                    match c {
                        b'\\' => out.push_str("\\\\"),
                        b'\'' => out.push_str("\\'"),
                        b'\n' => out.push_str("\\n"),
                        b'\r' => out.push_str("\\r"),
                        b'\t' => out.push_str("\\t"),
                        0x20..=0x7e => out.push(char::from(c)),
                        _ => out.push_str(&format!("\\x{c:02x}")),
                    }
                }
                out.push('\'');
                out
            }
            Py::Ellipsis => "Ellipsis".into(),
            Py::List(items) => format!("[{}]", join_repr(items)),
            Py::Tuple(items) if items.len() == 1 => format!("({},)", join_repr(items)),
            Py::Tuple(items) => format!("({})", join_repr(items)),
            Py::Set(items) if items.is_empty() => "set()".into(),
            Py::Set(items) => format!("{{{}}}", join_repr(items)),
            Py::Dict(pairs) => {
                let inner: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.py_repr(), v.py_repr()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }
}

fn join_repr(items: &[Py]) -> String {
    items.iter().map(Py::py_repr).collect::<Vec<_>>().join(", ")
}

/// One part of a complex number as Python prints it: float repr without a trailing `.0`.
fn complex_part(f: f64) -> String {
    let s = py_float_repr(f);
    match s.strip_suffix(".0") {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// Python `str(complex)`: `2j`, `(1+2j)`, `(-0-2j)`.
fn complex_str(re: f64, im: f64) -> String {
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", complex_part(im));
    }
    let imag = complex_part(im);
    let sign = if imag.starts_with('-') { "" } else { "+" };
    format!("({}{}{}j)", complex_part(re), sign, imag)
}

/// A dict key as Ansible's legacy JSON encoder writes it: str as is, None/bool/int/float via
/// `json.dumps`. (Other key types make ansible-inventory crash; we fall back to `str()`.)
fn key_string(k: &Py) -> String {
    match k {
        Py::Str(s) => s.clone(),
        Py::None => "null".into(),
        Py::Bool(b) => if *b { "true" } else { "false" }.into(),
        Py::Int(i) => i.to_string(),
        Py::Float(f) if f.is_nan() => "NaN".into(),
        Py::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                "Infinity".into()
            } else {
                "-Infinity".into()
            }
        }
        Py::Float(f) => py_float_repr(*f),
        other => other.py_str(),
    }
}

/// Converts a Python literal to an Ansible value: tuples/sets → lists, complex → its `str()`,
/// `...` → `"..."`, bytes → untrusted text. Ansible 2.19 tags every dict key with its origin,
/// which fails for `...` and complex keys (`<class 'complex'> is not taggable`).
fn to_value(py: &Py) -> Result<Value, String> {
    Ok(match py {
        Py::None => Value::Null,
        Py::Bool(b) => Value::Bool(*b),
        Py::Int(i) => Value::Int(*i),
        Py::Float(f) => Value::Float(*f),
        Py::Complex(r, i) => Value::Str(complex_str(*r, *i)),
        Py::Str(s) => Value::Str(s.clone()),
        Py::Bytes(b) => Value::Unsafe(String::from_utf8_lossy(b).into_owned()),
        Py::Ellipsis => Value::Str("...".into()),
        Py::List(items) | Py::Tuple(items) | Py::Set(items) => {
            Value::List(items.iter().map(to_value).collect::<Result<_, _>>()?)
        }
        Py::Dict(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                match k {
                    Py::Ellipsis => return Err("<class 'ellipsis'> is not taggable".into()),
                    Py::Complex(..) => return Err("<class 'complex'> is not taggable".into()),
                    _ => {}
                }
                m.insert(key_string(k), to_value(v)?);
            }
            Value::Map(m)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Imag(f64),
    Str(StrLit),
    Name(String),
    Ellipsis,
    Op(char),
    Newline,
    End,
}

#[derive(Debug, Clone, PartialEq)]
enum StrLit {
    Text(String),
    Bytes(Vec<u8>),
    /// f-strings: parse fine, but literal_eval refuses them.
    Formatted,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

type LexResult<T> = Result<T, ()>;

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer {
    fn new(src: &str) -> Self {
        Lexer {
            chars: src.chars().collect(),
            pos: 0,
            depth: 0,
        }
    }

    fn peek_at(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    /// Skips spaces, comments and (inside brackets) newlines; at depth 0 a newline becomes a
    /// `Newline` token unless the rest of that line was blank.
    fn skip_blank(&mut self) -> LexResult<()> {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\x0c') => self.pos += 1,
                Some('#') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' || c == '\r' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some('\\') => match (self.peek_at(1), self.peek_at(2)) {
                    (Some('\n'), _) => self.pos += 2,
                    (Some('\r'), Some('\n')) => self.pos += 3,
                    (Some('\r'), _) => self.pos += 2,
                    _ => return Err(()),
                },
                Some('\n' | '\r') if self.depth > 0 => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    fn next_token(&mut self) -> LexResult<Tok> {
        self.skip_blank()?;
        let Some(c) = self.peek() else {
            return Ok(Tok::End);
        };
        if c == '\n' || c == '\r' {
            self.pos += 1;
            if c == '\r' && self.peek() == Some('\n') {
                self.pos += 1;
            }
            return Ok(Tok::Newline);
        }
        if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
            return self.number();
        }
        if c == '.' {
            if self.peek_at(1) == Some('.') && self.peek_at(2) == Some('.') {
                self.pos += 3;
                return Ok(Tok::Ellipsis);
            }
            return Err(());
        }
        if c == '\'' || c == '"' {
            return self.string("").map(Tok::Str);
        }
        if is_ident_start(c) {
            let start = self.pos;
            while self.peek().is_some_and(is_ident_char) {
                self.pos += 1;
            }
            let word: String = self
                .chars
                .get(start..self.pos)
                .unwrap_or_default()
                .iter()
                .collect();
            if matches!(self.peek(), Some('\'' | '"')) {
                let lower = word.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf"
                ) {
                    return self.string(&lower).map(Tok::Str);
                }
            }
            return Ok(Tok::Name(word));
        }
        match c {
            '(' | '[' | '{' => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(());
                }
                self.pos += 1;
                Ok(Tok::Op(c))
            }
            ')' | ']' | '}' => {
                self.depth = self.depth.checked_sub(1).ok_or(())?;
                self.pos += 1;
                Ok(Tok::Op(c))
            }
            ',' | ':' | '+' | '-' => {
                self.pos += 1;
                // `:=`, `+=`, `-=` , `->` are other operators, never literals.
                if matches!(self.peek(), Some('=' | '>')) {
                    return Err(());
                }
                Ok(Tok::Op(c))
            }
            _ => Err(()),
        }
    }

    /// `digit (_? digit)*` per Python's grammar; returns the digits without underscores.
    fn digitpart(&mut self, radix: u32) -> LexResult<String> {
        let mut out = String::new();
        match self.peek() {
            Some(d) if d.is_digit(radix) => {
                out.push(d);
                self.pos += 1;
            }
            _ => return Err(()),
        }
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(d), _) if d.is_digit(radix) => {
                    out.push(d);
                    self.pos += 1;
                }
                (Some('_'), Some(d)) if d.is_digit(radix) => {
                    out.push(d);
                    self.pos += 2;
                }
                (Some('_'), _) => return Err(()),
                _ => return Ok(out),
            }
        }
    }

    fn number(&mut self) -> LexResult<Tok> {
        let tok = self.number_body()?;
        // `1abc`, `0b102`, `1.5.`: Python's tokenizer rejects (or the result is not a literal).
        if self.peek().is_some_and(|c| is_ident_char(c) || c == '.') {
            return Err(());
        }
        Ok(tok)
    }

    fn number_body(&mut self) -> LexResult<Tok> {
        if self.peek() == Some('0') {
            let radix = match self.peek_at(1) {
                Some('x' | 'X') => Some(16),
                Some('o' | 'O') => Some(8),
                Some('b' | 'B') => Some(2),
                _ => None,
            };
            if let Some(radix) = radix {
                self.pos += 2;
                if self.peek() == Some('_') {
                    self.pos += 1;
                }
                let digits = self.digitpart(radix)?;
                return i64::from_str_radix(&digits, radix)
                    .map(Tok::Int)
                    .map_err(|_| ());
            }
        }
        let int_part = if self.peek() == Some('.') {
            String::new()
        } else {
            self.digitpart(10)?
        };
        let mut text = int_part.clone();
        let mut is_float = false;
        if self.peek() == Some('.') {
            is_float = true;
            self.pos += 1;
            text.push('.');
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                text.push_str(&self.digitpart(10)?);
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            let mut exp = String::from("e");
            if let Some(s @ ('+' | '-')) = self.peek() {
                exp.push(s);
                self.pos += 1;
            }
            match self.digitpart(10) {
                Ok(d) => {
                    exp.push_str(&d);
                    text.push_str(&exp);
                    is_float = true;
                }
                Err(()) => {
                    self.pos = save;
                    return Err(());
                }
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.pos += 1;
            let v: f64 = text.parse().map_err(|_| ())?;
            return Ok(Tok::Imag(v));
        }
        if is_float {
            let v: f64 = text.parse().map_err(|_| ())?;
            return Ok(Tok::Float(v));
        }
        // Decimal integer: no leading zeros unless every digit is 0 (`00` is 0, `010` invalid).
        if int_part.len() > 1 && int_part.starts_with('0') && int_part.chars().any(|c| c != '0') {
            return Err(());
        }
        int_part.parse::<i64>().map(Tok::Int).map_err(|_| ())
    }

    /// Reads one string literal (the prefix is already consumed; `prefix` is lowercase).
    fn string(&mut self, prefix: &str) -> LexResult<StrLit> {
        let raw = prefix.contains('r');
        let bytes = prefix.contains('b');
        let formatted = prefix.contains('f');
        let quote = self.peek().ok_or(())?;
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        // Collect the body as written (escapes untouched).
        let mut body: Vec<char> = Vec::new();
        loop {
            let c = self.peek().ok_or(())?;
            if c == '\\' {
                let next = self.peek_at(1).ok_or(())?;
                body.push(c);
                body.push(next);
                self.pos += 2;
                continue;
            }
            if c == quote {
                if !triple {
                    self.pos += 1;
                    break;
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    break;
                }
            }
            if !triple && (c == '\n' || c == '\r') {
                return Err(());
            }
            body.push(c);
            self.pos += 1;
        }
        if body.contains(&'\0') {
            return Err(());
        }
        if formatted {
            return Ok(StrLit::Formatted);
        }
        if bytes {
            if body.iter().any(|c| !c.is_ascii()) {
                return Err(());
            }
            if raw {
                return Ok(StrLit::Bytes(body.iter().map(|&c| c as u8).collect()));
            }
            return decode_bytes_escapes(&body).map(StrLit::Bytes);
        }
        if raw {
            return Ok(StrLit::Text(body.iter().collect()));
        }
        decode_str_escapes(&body).map(StrLit::Text)
    }
}

fn hex_value(chars: &[char]) -> Option<u32> {
    if chars.is_empty() || !chars.iter().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let s: String = chars.iter().collect();
    u32::from_str_radix(&s, 16).ok()
}

/// Reads up to 3 octal digits starting at `i`; returns (value, digits used).
fn octal_escape(body: &[char], i: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut n = 0;
    while n < 3 {
        match body.get(i + n).and_then(|c| c.to_digit(8)) {
            Some(d) => {
                v = v * 8 + d;
                n += 1;
            }
            None => break,
        }
    }
    (v, n)
}

/// Shared escapes of str and bytes literals; `None` = not an escape in this kind.
fn simple_escape(c: char) -> Option<u32> {
    Some(match c {
        '\\' => 0x5c,
        '\'' => 0x27,
        '"' => 0x22,
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0c,
        'n' => 0x0a,
        'r' => 0x0d,
        't' => 0x09,
        'v' => 0x0b,
        _ => return None,
    })
}

fn decode_str_escapes(body: &[char]) -> LexResult<String> {
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            return Err(());
        };
        i += 2;
        if let Some(v) = simple_escape(e) {
            out.push(char::from_u32(v).ok_or(())?);
            continue;
        }
        match e {
            '\n' => {}
            '\r' => {
                if body.get(i) == Some(&'\n') {
                    i += 1;
                }
            }
            '0'..='7' => {
                let (v, n) = octal_escape(body, i - 1);
                i += n - 1;
                out.push(char::from_u32(v).ok_or(())?);
            }
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let v = hex_value(body.get(i..i + len).ok_or(())?).ok_or(())?;
                i += len;
                // Lone surrogates and values past U+10FFFF cannot be held in a Rust string.
                out.push(char::from_u32(v).ok_or(())?);
            }
            // `\N{NAME}` needs the Unicode name table: treated as not-a-literal (raw text kept).
            'N' => return Err(()),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

fn decode_bytes_escapes(body: &[char]) -> LexResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        if c != '\\' {
            out.push(c as u8);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            return Err(());
        };
        i += 2;
        if let Some(v) = simple_escape(e) {
            out.push(v as u8);
            continue;
        }
        match e {
            '\n' => {}
            '\r' => {
                if body.get(i) == Some(&'\n') {
                    i += 1;
                }
            }
            '0'..='7' => {
                let (v, n) = octal_escape(body, i - 1);
                i += n - 1;
                out.push((v & 0xff) as u8);
            }
            'x' => {
                let v = hex_value(body.get(i..i + 2).ok_or(())?).ok_or(())?;
                i += 2;
                out.push(v as u8);
            }
            other => {
                out.push(b'\\');
                out.push(other as u8);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser: builds the AST shapes literal_eval distinguishes.

#[derive(Debug)]
enum Node {
    Const(Py),
    /// `-x` / `+x` (the bool is "negative").
    Unary(bool, Box<Node>),
    /// `a + b` / `a - b` (the bool is "subtract").
    Bin(bool, Box<Node>, Box<Node>),
    Tuple(Vec<Node>),
    List(Vec<Node>),
    Set(Vec<Node>),
    Dict(Vec<(Node, Node)>),
    /// `set()`.
    EmptySetCall,
    /// Any other valid-but-not-literal expression (a name, an f-string…).
    Other,
}

struct Parser {
    lex: Lexer,
    tok: Tok,
}

impl Parser {
    fn new(src: &str) -> LexResult<Self> {
        let mut lex = Lexer::new(src);
        let tok = lex.next_token()?;
        Ok(Parser { lex, tok })
    }

    fn bump(&mut self) -> LexResult<Tok> {
        let next = self.lex.next_token()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn is_op(&self, c: char) -> bool {
        self.tok == Tok::Op(c)
    }

    fn expect_op(&mut self, c: char) -> LexResult<()> {
        if self.is_op(c) {
            self.bump()?;
            Ok(())
        } else {
            Err(())
        }
    }

    /// Top level: skip leading blank lines, an expression list, trailing newlines, end.
    fn parse_top(&mut self) -> LexResult<Node> {
        while self.tok == Tok::Newline {
            // A following line that is indented is an IndentationError.
            if matches!(self.lex.peek(), Some(' ' | '\t')) {
                return Err(());
            }
            self.bump()?;
        }
        let node = self.expr_list(&[Tok::Newline, Tok::End])?;
        while self.tok == Tok::Newline {
            self.bump()?;
        }
        if self.tok != Tok::End {
            return Err(());
        }
        Ok(node)
    }

    /// `a` or `a, b, …` (a tuple) up to one of the `stops`.
    fn expr_list(&mut self, stops: &[Tok]) -> LexResult<Node> {
        let first = self.expr()?;
        if !self.is_op(',') {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_op(',') {
            self.bump()?;
            if stops.contains(&self.tok) {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(Node::Tuple(items))
    }

    /// `term` or `term ± term` (a longer chain is never a literal).
    fn expr(&mut self) -> LexResult<Node> {
        let left = self.term()?;
        let sub = match self.tok {
            Tok::Op('+') => false,
            Tok::Op('-') => true,
            _ => return Ok(left),
        };
        self.bump()?;
        let right = self.term()?;
        if matches!(self.tok, Tok::Op('+' | '-')) {
            return Err(());
        }
        Ok(Node::Bin(sub, Box::new(left), Box::new(right)))
    }

    fn term(&mut self) -> LexResult<Node> {
        match self.tok {
            Tok::Op('+') | Tok::Op('-') => {
                let neg = self.is_op('-');
                self.bump()?;
                // A sign on a sign (`--1`) is never a literal; refusing it early also bounds
                // the recursion.
                if matches!(self.tok, Tok::Op('+' | '-')) {
                    return Err(());
                }
                let operand = self.atom()?;
                Ok(Node::Unary(neg, Box::new(operand)))
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> LexResult<Node> {
        let tok = self.bump()?;
        let node = match tok {
            Tok::Int(i) => Node::Const(Py::Int(i)),
            Tok::Float(f) => Node::Const(Py::Float(f)),
            Tok::Imag(f) => Node::Const(Py::Complex(0.0, f)),
            Tok::Ellipsis => Node::Const(Py::Ellipsis),
            Tok::Str(first) => {
                let mut parts = vec![first];
                while let Tok::Str(_) = self.tok {
                    if let Tok::Str(s) = self.bump()? {
                        parts.push(s);
                    }
                }
                concat_strings(parts)?
            }
            Tok::Name(name) => match name.as_str() {
                "True" => Node::Const(Py::Bool(true)),
                "False" => Node::Const(Py::Bool(false)),
                "None" => Node::Const(Py::None),
                "set" if self.is_op('(') => {
                    self.bump()?;
                    self.expect_op(')')?;
                    Node::EmptySetCall
                }
                // A plain name is valid syntax that fails only when evaluated, so an earlier
                // unhashable member still raises first (`[{[1]: 2}, x]`).
                _ => Node::Other,
            },
            Tok::Op('(') => {
                if self.is_op(')') {
                    self.bump()?;
                    Node::Tuple(Vec::new())
                } else {
                    let inner = self.expr_list(&[Tok::Op(')')])?;
                    self.expect_op(')')?;
                    inner
                }
            }
            Tok::Op('[') => {
                let items = self.items(']')?;
                Node::List(items)
            }
            Tok::Op('{') => self.brace()?,
            _ => return Err(()),
        };
        // Calls, subscripts, attributes … after an atom are never literals.
        if matches!(self.tok, Tok::Op('(' | '[')) {
            return Err(());
        }
        Ok(node)
    }

    /// Comma-separated expressions up to `close` (trailing comma allowed).
    fn items(&mut self, close: char) -> LexResult<Vec<Node>> {
        let mut items = Vec::new();
        while !self.is_op(close) {
            items.push(self.expr()?);
            if self.is_op(',') {
                self.bump()?;
            } else if !self.is_op(close) {
                return Err(());
            }
        }
        self.bump()?;
        Ok(items)
    }

    fn brace(&mut self) -> LexResult<Node> {
        if self.is_op('}') {
            self.bump()?;
            return Ok(Node::Dict(Vec::new()));
        }
        let first = self.expr()?;
        if !self.is_op(':') {
            let mut items = vec![first];
            if self.is_op(',') {
                self.bump()?;
                items.extend(self.items('}')?);
            } else {
                self.expect_op('}')?;
            }
            return Ok(Node::Set(items));
        }
        let mut pairs = Vec::new();
        let mut key = first;
        loop {
            self.expect_op(':')?;
            let value = self.expr()?;
            pairs.push((key, value));
            if self.is_op(',') {
                self.bump()?;
            } else {
                self.expect_op('}')?;
                break;
            }
            if self.is_op('}') {
                self.bump()?;
                break;
            }
            key = self.expr()?;
        }
        Ok(Node::Dict(pairs))
    }
}

/// Implicit concatenation: all str or all bytes; mixing is a SyntaxError, f-strings a
/// JoinedStr that literal_eval refuses.
fn concat_strings(parts: Vec<StrLit>) -> LexResult<Node> {
    let any_bytes = parts.iter().any(|p| matches!(p, StrLit::Bytes(_)));
    let any_text = parts.iter().any(|p| !matches!(p, StrLit::Bytes(_)));
    if any_bytes && any_text {
        return Err(());
    }
    if parts.iter().any(|p| matches!(p, StrLit::Formatted)) {
        return Ok(Node::Other);
    }
    if any_bytes {
        let mut out = Vec::new();
        for p in parts {
            if let StrLit::Bytes(b) = p {
                out.extend(b);
            }
        }
        return Ok(Node::Const(Py::Bytes(out)));
    }
    let mut out = String::new();
    for p in parts {
        if let StrLit::Text(s) = p {
            out.push_str(&s);
        }
    }
    Ok(Node::Const(Py::Str(out)))
}

// ---------------------------------------------------------------------------------------------
// Evaluation with literal_eval's rules

fn literal_eval(raw: &str) -> Result<Py, Failure> {
    if raw.contains('\0') {
        return Err(Failure::NotLiteral);
    }
    let src = raw.trim_start_matches([' ', '\t']);
    let node = Parser::new(src)
        .and_then(|mut p| p.parse_top())
        .map_err(|_| Failure::NotLiteral)?;
    eval(&node)
}

/// A numeric constant (bool excluded), as literal_eval's `_convert_num`.
fn eval_num(node: &Node) -> Result<Py, Failure> {
    match node {
        Node::Const(p @ (Py::Int(_) | Py::Float(_) | Py::Complex(..))) => Ok(p.clone()),
        _ => Err(Failure::NotLiteral),
    }
}

fn eval_signed_num(node: &Node) -> Result<Py, Failure> {
    match node {
        Node::Unary(neg, operand) => {
            let v = eval_num(operand)?;
            if !*neg {
                return Ok(v);
            }
            Ok(match v {
                Py::Int(i) => Py::Int(i.checked_neg().ok_or(Failure::NotLiteral)?),
                Py::Float(f) => Py::Float(-f),
                Py::Complex(r, i) => Py::Complex(-r, -i),
                other => other,
            })
        }
        other => eval_num(other),
    }
}

fn eval(node: &Node) -> Result<Py, Failure> {
    match node {
        Node::Const(p) => Ok(p.clone()),
        Node::Tuple(items) => Ok(Py::Tuple(items.iter().map(eval).collect::<Result<_, _>>()?)),
        Node::List(items) => Ok(Py::List(items.iter().map(eval).collect::<Result<_, _>>()?)),
        Node::Set(items) => {
            let mut out: Vec<Py> = Vec::new();
            for item in items {
                let v = eval(item)?;
                v.check_hashable().map_err(unhashable)?;
                if !out.iter().any(|o| o.py_eq(&v)) {
                    out.push(v);
                }
            }
            Ok(Py::Set(cpython_set_order(out)))
        }
        Node::EmptySetCall => Ok(Py::Set(Vec::new())),
        Node::Dict(pairs) => {
            let mut out: Vec<(Py, Py)> = Vec::new();
            for (k, v) in pairs {
                let k = eval(k)?;
                let v = eval(v)?;
                k.check_hashable().map_err(unhashable)?;
                match out.iter_mut().find(|(ok, _)| ok.py_eq(&k)) {
                    Some(slot) => slot.1 = v,
                    None => out.push((k, v)),
                }
            }
            Ok(Py::Dict(out))
        }
        Node::Bin(sub, left, right) => {
            let l = eval_signed_num(left)?;
            let r = eval_num(right)?;
            let lv = match l {
                Py::Int(i) => i as f64,
                Py::Float(f) => f,
                _ => return Err(Failure::NotLiteral),
            };
            let Py::Complex(rr, ri) = r else {
                return Err(Failure::NotLiteral);
            };
            Ok(if *sub {
                Py::Complex(lv - rr, 0.0 - ri)
            } else {
                Py::Complex(lv + rr, 0.0 + ri)
            })
        }
        Node::Unary(..) => eval_signed_num(node),
        Node::Other => Err(Failure::NotLiteral),
    }
}

/// The modulus of Python's numeric hash (2**61 - 1).
const HASH_MODULUS: u64 = (1 << 61) - 1;

/// Python's `hash()` for numbers, from its documented definition: the value as a rational
/// reduced modulo 2**61 - 1, sign kept, -1 mapped to -2. `None` for values whose hash is not
/// reproducible (strings are salted per process; None is address-based).
fn py_hash(v: &Py) -> Option<i64> {
    fn fix(h: i64) -> i64 {
        if h == -1 { -2 } else { h }
    }
    match v {
        Py::Bool(b) => Some(i64::from(*b)),
        Py::Int(i) => {
            let m = (i.unsigned_abs() % HASH_MODULUS) as i64;
            Some(fix(if *i < 0 { -m } else { m }))
        }
        Py::Float(f) => Some(float_hash(*f)),
        Py::Complex(r, i) => {
            let h = (float_hash(*r) as u64)
                .wrapping_add(1_000_003u64.wrapping_mul(float_hash(*i) as u64));
            Some(fix(h as i64))
        }
        _ => None,
    }
}

fn float_hash(f: f64) -> i64 {
    if f.is_infinite() {
        return if f > 0.0 { 314_159 } else { -314_159 };
    }
    if f.is_nan() || f == 0.0 {
        return 0;
    }
    // f = mant * 2**exp exactly, with an integer mantissa.
    let bits = f.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (mant, exp) = if raw_exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), raw_exp - 1075)
    };
    // 2**61 ≡ 1 (mod 2**61 - 1), so 2**exp ≡ 2**(exp mod 61).
    let shift = exp.rem_euclid(61) as u32;
    let x = ((u128::from(mant % HASH_MODULUS) << shift) % u128::from(HASH_MODULUS)) as i64;
    let h = if f < 0.0 { -x } else { x };
    if h == -1 { -2 } else { h }
}

/// Orders the (already de-duplicated) members as CPython's set iterates them: its open-address
/// table (8 slots to start, 10-slot linear probe runs, perturbed probing, resize to 4× the
/// used count when 60% full). Members without a reproducible hash keep insertion order (Python's
/// own order for those differs from run to run).
fn cpython_set_order(items: Vec<Py>) -> Vec<Py> {
    let Some(hashes) = items.iter().map(py_hash).collect::<Option<Vec<i64>>>() else {
        return items;
    };
    const LINEAR_PROBES: usize = 9;
    fn insert(table: &mut [Option<usize>], hashes: &[i64], idx: usize) {
        let mask = table.len() - 1;
        let hash = hashes.get(idx).copied().unwrap_or(0) as u64;
        let mut perturb = hash;
        let mut i = (hash as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                if let Some(slot @ None) = table.get_mut(j) {
                    *slot = Some(idx);
                    return;
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }
    let mut table: Vec<Option<usize>> = vec![None; 8];
    let mut used = 0usize;
    for idx in 0..items.len() {
        insert(&mut table, &hashes, idx);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let minused = if used > 50_000 { used * 2 } else { used * 4 };
            let mut size = 8;
            while size <= minused {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for idx in old.into_iter().flatten() {
                insert(&mut table, &hashes, idx);
            }
        }
    }
    let mut slots: Vec<Option<Py>> = items.into_iter().map(Some).collect();
    table
        .into_iter()
        .flatten()
        .filter_map(|idx| slots.get_mut(idx).and_then(Option::take))
        .collect()
}

fn unhashable(type_name: &str) -> Failure {
    Failure::TypeError(format!("unhashable type: '{type_name}'"))
}

#[cfg(test)]
mod tests {

    proptest::proptest! {
        /// The fast paths are shortcuts, never different answers: wherever one applies, the
        /// full literal parser gives the same value.
        #[test]
        fn fast_paths_agree_with_the_full_parser(raw in "[A-Za-z0-9_./:@-]{1,14}|[0-9.]{1,14}") {
            if let Some(fast) = fast_path(&raw) {
                let full = match literal_eval(&raw) {
                    Ok(py) => to_value(&py).ok(),
                    Err(Failure::NotLiteral) => Some(Value::Str(raw.clone())),
                    Err(Failure::TypeError(_)) => None,
                };
                proptest::prop_assert_eq!(Some(fast), full, "{:?}", raw);
            }
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> Value {
        Value::Str(v.to_string())
    }

    // ansible-inventory.md §3.3 table; every expected value checked with ansible-inventory
    // 2.19.14 (`[g:vars]` lines, `--list`).
    #[test]
    fn integers() {
        assert_eq!(parse_value("42"), Value::Int(42));
        assert_eq!(parse_value("-7"), Value::Int(-7));
        assert_eq!(parse_value("+5"), Value::Int(5));
        assert_eq!(parse_value("010"), s("010"));
        assert_eq!(parse_value("00"), Value::Int(0));
        assert_eq!(parse_value("0_0"), Value::Int(0));
        assert_eq!(parse_value("0x1F"), Value::Int(31));
        assert_eq!(parse_value("0o17"), Value::Int(15));
        assert_eq!(parse_value("0b101"), Value::Int(5));
        assert_eq!(parse_value("1_000"), Value::Int(1000));
        assert_eq!(parse_value("1__0"), s("1__0"));
        assert_eq!(parse_value("(7)"), Value::Int(7));
        assert_eq!(parse_value("-(7)"), Value::Int(-7));
        assert_eq!(parse_value("--1"), s("--1"));
        assert_eq!(parse_value("-True"), s("-True"));
    }

    // ansible-inventory.md §3.3 (floats; verified with the real tool).
    #[test]
    fn floats() {
        assert_eq!(parse_value("1.5"), Value::Float(1.5));
        assert_eq!(parse_value(".5"), Value::Float(0.5));
        assert_eq!(parse_value("1."), Value::Float(1.0));
        assert_eq!(parse_value("1e3"), Value::Float(1000.0));
        assert_eq!(parse_value("1E+3_0"), Value::Float(1e30));
        assert_eq!(parse_value("1e-5"), Value::Float(1e-5));
        assert_eq!(parse_value("1e400"), Value::Float(f64::INFINITY));
        assert_eq!(parse_value("-1e400"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(parse_value("1.10"), Value::Float(1.1));
        assert_eq!(parse_value("1.10.2"), s("1.10.2"));
        assert_eq!(parse_value("10.0.0.1"), s("10.0.0.1"));
        match parse_value("-0.0") {
            Value::Float(f) => assert!(f == 0.0 && f.is_sign_negative()),
            other => panic!("{other:?}"),
        }
    }

    // ansible-inventory.md §3.3: complex numbers become their Python str().
    #[test]
    fn complex() {
        assert_eq!(parse_value("1+2j"), s("(1+2j)"));
        assert_eq!(parse_value("2j"), s("2j"));
        assert_eq!(parse_value("-2j"), s("(-0-2j)"));
        assert_eq!(parse_value("-1-2j"), s("(-1-2j)"));
        assert_eq!(parse_value("1.5+0j"), s("(1.5+0j)"));
        assert_eq!(parse_value("0.1+0.2j"), s("(0.1+0.2j)"));
        assert_eq!(parse_value("1j+1"), s("1j+1"));
        assert_eq!(parse_value("1+2"), s("1+2"));
    }

    // ansible-inventory.md §3.3: constants and strings.
    #[test]
    fn constants_and_strings() {
        assert_eq!(parse_value("True"), Value::Bool(true));
        assert_eq!(parse_value("False"), Value::Bool(false));
        assert_eq!(parse_value("None"), Value::Null);
        for raw in [
            "true",
            "yes",
            "TRUE",
            "none",
            "nan",
            "inf",
            "a:b",
            "/usr/bin/x",
        ] {
            assert_eq!(parse_value(raw), s(raw));
        }
        assert_eq!(parse_value(""), s(""));
        assert_eq!(parse_value("'a' 'b'"), s("ab"));
        assert_eq!(parse_value("u'x' r'\\n'"), s("x\\n"));
        assert_eq!(parse_value(r#""""tri"ple""""#), s("tri\"ple"));
        assert_eq!(parse_value(r"'\x41\101\u0041'"), s("AAA"));
        assert_eq!(parse_value(r"'\d'"), s("\\d"));
        assert_eq!(parse_value("f'abc'"), s("f'abc'"));
        assert_eq!(parse_value("b'raw'"), Value::Unsafe("raw".into()));
        assert_eq!(parse_value("b'a' 'b'"), s("b'a' 'b'"));
        assert_eq!(parse_value("..."), s("..."));
        assert_eq!(parse_value("abc # note"), s("abc # note"));
        assert_eq!(parse_value("5 # note"), Value::Int(5));
        assert_eq!(parse_value("5 ; note"), s("5 ; note"));
    }

    // ansible-inventory.md §3.3: containers (tuples and sets become lists).
    #[test]
    fn containers() {
        assert_eq!(
            parse_value("[1, 'two']"),
            Value::List(vec![Value::Int(1), s("two")])
        );
        assert_eq!(
            parse_value("(1, 2)"),
            Value::List(vec![Value::Int(1), Value::Int(2)])
        );
        assert_eq!(
            parse_value("1, 2"),
            Value::List(vec![Value::Int(1), Value::Int(2)])
        );
        assert_eq!(parse_value("(1,)"), Value::List(vec![Value::Int(1)]));
        assert_eq!(parse_value("()"), Value::List(vec![]));
        assert_eq!(parse_value("{3}"), Value::List(vec![Value::Int(3)]));
        assert_eq!(parse_value("set()"), Value::List(vec![]));
        assert_eq!(
            parse_value("{1, 1, True, 3, 2}"),
            Value::List(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
        );
        assert_eq!(
            parse_value("[b'a', ...]"),
            Value::List(vec![Value::Unsafe("a".into()), s("...")])
        );
        let mut m = Map::new();
        m.insert("1".into(), s("b"));
        m.insert("null".into(), Value::Int(1));
        m.insert("1.5".into(), Value::Int(2));
        m.insert("k".into(), Value::Int(4));
        assert_eq!(
            parse_value("{1: 'a', True: 'b', None: 1, 1.5: 2, 'k': 4}"),
            Value::Map(m)
        );
        assert_eq!(parse_value("{}"), Value::Map(Map::new()));
        assert_eq!(
            try_parse_value("{[1]: 2}"),
            Err("unhashable type: 'list'".to_string())
        );
        assert_eq!(
            try_parse_value("[{[1]: 2}, x]"),
            Err("unhashable type: 'list'".to_string())
        );
        assert_eq!(parse_value("[x, {[1]: 2}]"), s("[x, {[1]: 2}]"));
        assert_eq!(
            try_parse_value("{(1,[2])}"),
            Err("unhashable type: 'list'".to_string())
        );
    }

    // Set members come out in CPython's iteration order (expected lists printed by
    // python3.11 `list(ast.literal_eval("{...}"))` (not `eval`: constant set displays are
    // built differently); `{-2, 1_0}` → [10, -2] also seen in ansible-inventory output).
    #[test]
    fn set_order_matches_cpython() {
        let ints = |v: &[i64]| Value::List(v.iter().map(|i| Value::Int(*i)).collect());
        assert_eq!(parse_value("{-2, 10}"), ints(&[10, -2]));
        assert_eq!(parse_value("{1000000, 1}"), ints(&[1000000, 1]));
        assert_eq!(parse_value("{00, -2, 10}"), ints(&[0, 10, -2]));
        assert_eq!(
            parse_value("{1.5, 2.5, -0.5, 100, 8, 16}"),
            Value::List(vec![
                Value::Float(-0.5),
                Value::Float(1.5),
                Value::Float(2.5),
                Value::Int(100),
                Value::Int(8),
                Value::Int(16)
            ])
        );
        assert_eq!(
            parse_value("{1e400, 2j, 1+1j, 7.25}"),
            Value::List(vec![
                s("(1+1j)"),
                Value::Float(7.25),
                s("2j"),
                Value::Float(f64::INFINITY)
            ])
        );
        let many: Vec<String> = (0..60)
            .map(|i| (i * 7919 % 1000 - 500).to_string())
            .collect();
        let expected = [
            257, -254, 260, -120, 394, -117, -500, 14, -497, 17, -363, 151, -229, 285, -226, 288,
            419, -92, 422, -472, 42, -469, 45, 176, -335, 179, -201, 313, -198, -67, 447, -64, 450,
            -444, 70, -310, 204, -307, 207, 338, -173, 341, -39, 475, -36, 95, -416, 98, -282, 232,
            -279, -148, 366, -145, 369, -11, -391, 123, -388, 126,
        ];
        assert_eq!(
            parse_value(&format!("{{{}}}", many.join(", "))),
            ints(&expected)
        );
    }

    // Python's tokenizer allows 200 nested brackets, not 201 (checked with python3.11).
    #[test]
    fn nesting_limit() {
        let ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(matches!(parse_value(&ok), Value::List(_)));
        let deep = format!("{}{}", "[".repeat(201), "]".repeat(201));
        assert_eq!(parse_value(&deep), Value::Str(deep.clone()));
    }

    proptest! {
        #[test]
        fn never_panics(raw in "\\PC{0,40}") {
            let _ = parse_value(&raw);
        }

        #[test]
        fn never_panics_on_pythonish(raw in "[-+0-9a-zA-Z_.'\"\\\\\\[\\](){}:, #jJxXoObBeE]{0,40}") {
            let _ = parse_value(&raw);
        }
    }
}
