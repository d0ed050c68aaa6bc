//! Host patterns (ansible-inventory.md §9, §10): `all`, globs, `~regex`, `a:b`, `a:&b`, `a:!b`,
//! subscripts `g[0]`, `g[1:3]`, `g[-1]`, comma lists, and `--limit @file`.
//!
//! Written from observed behaviour of ansible-core 2.19 (`ansible PAT --list-hosts`), and
//! checked differentially against it on ~80k random patterns (hosts, warnings, errors).
//!
//! Errors (`Err(String)`) are the cases where Ansible raises while evaluating a pattern: an
//! invalid `~regex`, a single-index subscript out of range of a non-empty match, an empty piece
//! such as a bare `!` (Ansible crashes there). `ansible PAT` without `--limit` turns such an
//! error into "No hosts matched, nothing to do"; with `--limit` (or in `--limit` itself) it is
//! fatal. Known gap: `~regex` is compiled by Rust's `regex` after rewriting Python-only
//! spellings, so look-around and back-references are refused with an error.
//!
//! Ansible prints an identical warning only once per run; callers should de-duplicate
//! `warnings` when printing (e.g. two `[x-y]` subscripts).

use super::Inventory;
use super::address::is_address;
use super::model::LOCALHOST_NAMES;
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

/// The hosts `pattern` selects, in Ansible's order (`get_hosts`, no limit). Warnings for pieces
/// matching nothing are pushed to `warnings`; an evaluation error (see module docs) is pushed
/// to `warnings` too and yields no hosts.
pub fn select(inv: &Inventory, pattern: &str, warnings: &mut Vec<String>) -> Vec<String> {
    match try_select(inv, pattern, warnings) {
        Ok(hosts) => hosts,
        Err(e) => {
            warnings.push(e);
            Vec::new()
        }
    }
}

/// Like [`select`] but reports evaluation errors.
pub fn try_select(
    inv: &Inventory,
    pattern: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let mut state = Eval::new(inv, warnings);
    state.evaluate(&split_pattern(pattern))
}

/// Keeps the hosts of `hosts` that the `--limit` pattern `limit` selects (§10.4). Pieces
/// `@FILE` read one pattern per line from FILE (relative to `cwd`, blank lines ignored).
pub fn apply_limit(
    inv: &Inventory,
    hosts: Vec<String>,
    limit: &str,
    cwd: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let pieces = limit_pieces(limit, cwd)?;
    if pieces.is_empty() {
        // A limit with no pieces (``, `,`, `:`) limits nothing.
        return Ok(hosts);
    }
    let mut state = Eval::new(inv, warnings);
    // An implicit localhost already selected is the one every localhost-like name maps to.
    state.implicit = hosts
        .iter()
        .find(|h| is_localhost_name(h) && !state.is_real_host(h))
        .cloned();
    let allowed: HashSet<String> = state.evaluate(&pieces)?.into_iter().collect();
    Ok(hosts.into_iter().filter(|h| allowed.contains(h)).collect())
}

/// `ansible PAT [-l LIMIT] --list-hosts`: the pattern, intersected with the limit; when that is
/// empty and the whole pattern is a localhost-like name, that name (Ansible's `list_hosts`).
pub fn list_hosts(
    inv: &Inventory,
    pattern: &str,
    limit: Option<&str>,
    cwd: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let mut state = Eval::new(inv, warnings);
    let mut hosts = state.evaluate(&split_pattern(pattern))?;
    if let Some(limit) = limit {
        let pieces = limit_pieces(limit, cwd)?;
        if pieces.is_empty() {
            // A limit with no pieces (``, `,`, `:`) limits nothing.
            return Ok(finish(hosts, pattern));
        }
        let allowed: HashSet<String> = state.evaluate(&pieces)?.into_iter().collect();
        hosts.retain(|h| allowed.contains(h));
    }
    Ok(finish(hosts, pattern))
}

/// Ansible's `list_hosts`: nothing selected and the pattern is a localhost name → that name.
fn finish(mut hosts: Vec<String>, pattern: &str) -> Vec<String> {
    if hosts.is_empty() && is_localhost_name(pattern) {
        hosts.push(pattern.to_string());
    }
    hosts
}

fn is_localhost_name(s: &str) -> bool {
    LOCALHOST_NAMES.contains(&s)
}

/// Splits `--limit` like a pattern and replaces `@FILE` pieces by the file's stripped, non-blank
/// lines (each line is one pattern piece, not split further).
fn limit_pieces(limit: &str, cwd: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for piece in split_pattern(limit) {
        let Some(file) = piece.strip_prefix('@') else {
            out.push(piece);
            continue;
        };
        let path = cwd.join(file);
        if !path.exists() {
            return Err(format!("Unable to find limit file b'{file}'"));
        }
        if path.is_dir() {
            return Err(format!(
                "Limit starting with \"@\" must be a file, not a directory: b'{file}'"
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("Unable to read limit file {file}: {e}"))?;
        out.extend(
            text.split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Splitting (§10.1)

/// Splits a pattern string into pieces: on commas if there is one; else the whole string when
/// it parses as an address (`host[:port]`, IPv6, ranges); else on `:` and whitespace outside
/// complete `[...]` groups (an unmatched `[` or `]` is dropped). Pieces are trimmed, empty ones
/// dropped.
pub fn split_pattern(pattern: &str) -> Vec<String> {
    // Without these, both ways below give the pattern itself: the address test (and compiling
    // its regexes, a tenth of a short command's start) is skipped.
    let plain = !pattern.contains(|c: char| matches!(c, ':' | '[' | ']') || c.is_whitespace());
    let pieces: Vec<String> = if pattern.contains(',') {
        pattern.split(',').map(String::from).collect()
    } else if plain || is_address(pattern) {
        vec![pattern.to_string()]
    } else {
        colon_split(pattern)
    };
    pieces
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Runs of (characters other than whitespace, `:`, `[`, `]`) or complete `[...]` groups.
fn colon_split(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '['
            && let Some(off) = chars[i + 1..].iter().position(|&x| x == ']')
        {
            cur.extend(&chars[i..=i + 1 + off]);
            i += off + 2;
            continue;
        }
        if c.is_whitespace() || c == ':' || c == '[' || c == ']' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Evaluation (§10.2)

/// Plain pieces first (given order), then `&` pieces, then `!` pieces; `all` when no plain one.
pub fn order_pieces(pieces: &[String]) -> Vec<String> {
    let mut plain: Vec<String> = Vec::new();
    let mut and: Vec<String> = Vec::new();
    let mut not: Vec<String> = Vec::new();
    for p in pieces.iter().filter(|p| !p.is_empty()) {
        if p.starts_with('!') {
            not.push(p.clone());
        } else if p.starts_with('&') {
            and.push(p.clone());
        } else {
            plain.push(p.clone());
        }
    }
    if plain.is_empty() {
        plain.push("all".into());
    }
    plain.into_iter().chain(and).chain(not).collect()
}

/// A parsed subscript: `[i]` or `[i:j]` / `[i:]` / `[i-j]` (end `None` = to the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subscript {
    Index(i64),
    Range(i64, Option<i64>),
}

struct Eval<'a> {
    inv: &'a Inventory,
    warnings: &'a mut Vec<String>,
    /// The implicit localhost created during this evaluation (Ansible keeps one per run).
    implicit: Option<String>,
    /// Results per piece (without `&`/`!`): a repeated piece is evaluated, and warns, once.
    cache: std::collections::HashMap<String, Vec<String>>,
}

impl<'a> Eval<'a> {
    fn new(inv: &'a Inventory, warnings: &'a mut Vec<String>) -> Self {
        Eval {
            inv,
            warnings,
            implicit: None,
            cache: Default::default(),
        }
    }

    fn is_real_host(&self, name: &str) -> bool {
        self.inv.hosts.get(name).is_some_and(|h| !h.implicit)
    }

    fn evaluate(&mut self, pieces: &[String]) -> Result<Vec<String>, String> {
        let mut hosts: Vec<String> = Vec::new();
        for p in order_pieces(pieces) {
            // Fast path: the piece, prefix included, is an inventory host name.
            if self.is_real_host(&p) {
                hosts.push(p);
                continue;
            }
            let that = self.match_one(&p)?;
            if p.starts_with('!') {
                let that: HashSet<String> = that.into_iter().collect();
                hosts.retain(|h| !that.contains(h));
            } else if p.starts_with('&') {
                let that: HashSet<String> = that.into_iter().collect();
                hosts.retain(|h| that.contains(h));
            } else {
                let existing: HashSet<String> = hosts.iter().cloned().collect();
                hosts.extend(that.into_iter().filter(|h| !existing.contains(h)));
            }
        }
        let mut seen = HashSet::new();
        hosts.retain(|h| seen.insert(h.clone()));
        Ok(hosts)
    }

    fn match_one(&mut self, piece: &str) -> Result<Vec<String>, String> {
        let pattern = piece.strip_prefix(['&', '!']).unwrap_or(piece);
        if pattern.is_empty() {
            // Ansible 2.19 crashes (IndexError) on a bare `!` / `&` piece.
            return Err(format!(
                "Invalid host pattern piece '{piece}': nothing after '{piece}'"
            ));
        }
        if let Some(hosts) = self.cache.get(pattern) {
            return Ok(hosts.clone());
        }
        let (expr, subscript) = split_subscript(pattern);
        if matches!(subscript, Some((_, true))) {
            self.warnings.push(
                "Use [x:y] inclusive subscripts instead of [x-y] which has been removed".into(),
            );
        }
        let mut hosts = self.enumerate(expr)?;
        if let Some((sub, _)) = subscript {
            hosts = apply_subscript(hosts, sub)
                .ok_or_else(|| format!("No hosts matched the subscripted pattern '{pattern}'"))?;
        }
        self.cache.insert(pattern.to_string(), hosts.clone());
        Ok(hosts)
    }

    /// Groups matching `expr` contribute their hosts (duplicates kept: subscripts index this
    /// raw list); host names are matched too when no group matched or `expr` looks like a
    /// glob/regex; then the implicit localhost; then the warning.
    fn enumerate(&mut self, expr: &str) -> Result<Vec<String>, String> {
        let matcher = Matcher::new(expr)?;
        let mut results: Vec<String> = Vec::new();
        let mut any_group = false;
        for (name, _) in self.inv.groups.iter().filter(|(n, _)| matcher.is_match(n)) {
            any_group = true;
            results.extend(self.inv.group_hosts(name));
        }
        if !any_group || expr.starts_with('~') || expr.contains(['.', '?', '*', '[']) {
            results.extend(
                self.inv
                    .hosts
                    .values()
                    .filter(|h| !h.implicit && matcher.is_match(&h.name))
                    .map(|h| h.name.clone()),
            );
        }
        if results.is_empty() && is_localhost_name(expr) {
            results.push(self.localhost_for(expr));
        }
        if results.is_empty() && !any_group && expr != "all" {
            self.warnings.push(format!(
                "Could not match supplied host pattern, ignoring: {expr}"
            ));
        }
        Ok(results)
    }

    /// The one localhost object: the first localhost-like inventory host, else the implicit one
    /// created earlier in this run, else a new implicit one named as requested (§9).
    fn localhost_for(&mut self, name: &str) -> String {
        if let Some(h) = self.inv.localhost_entry() {
            return h.to_string();
        }
        self.implicit
            .get_or_insert_with(|| name.to_string())
            .clone()
    }
}

/// Splits `P[sub]` into (`P`, subscript, used the deprecated `-` form). `~regex` never has one.
fn split_subscript(pattern: &str) -> (&str, Option<(Subscript, bool)>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Only a pattern ending in `]` can have one; the others skip compiling the regex, which
    // was a tenth of a short command's start.
    if pattern.starts_with('~') || !pattern.ends_with(']') {
        return (pattern, None);
    }
    let re = super::built_in_regex(&RE, || {
        r"^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$".into()
    });
    let Some(c) = re.captures(pattern) else {
        return (pattern, None);
    };
    let expr = c.get(1).map_or("", |m| m.as_str());
    let num = |s: &str| -> i64 {
        s.parse::<i64>().unwrap_or(if s.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        })
    };
    if let Some(idx) = c.get(2) {
        return (expr, Some((Subscript::Index(num(idx.as_str())), false)));
    }
    let start = num(&c[3]);
    let end = match &c[5] {
        "" => None,
        e => Some(num(e)),
    };
    (expr, Some((Subscript::Range(start, end), &c[4] == "-")))
}

/// Applies a subscript; `None` = Ansible's IndexError (single index out of range of a
/// non-empty list; an empty list stays empty).
/// Quirk kept: an end of `0` (`[2:0]`) means "just the start index".
fn apply_subscript(hosts: Vec<String>, sub: Subscript) -> Option<Vec<String>> {
    if hosts.is_empty() {
        return Some(hosts);
    }
    let len = hosts.len() as i64;
    let index = |i: i64| -> Option<Vec<String>> {
        let i = if i < 0 { i.checked_add(len)? } else { i };
        (0..len)
            .contains(&i)
            .then(|| vec![hosts[i as usize].clone()])
    };
    match sub {
        Subscript::Index(i) | Subscript::Range(i, Some(0)) => index(i),
        Subscript::Range(start, end) => {
            let end_excl = match end {
                None => len,
                Some(e) => e.saturating_add(1),
            };
            let (s, e) = (start.clamp(0, len), end_excl.clamp(0, len));
            Some(if s < e {
                hosts[s as usize..e as usize].to_vec()
            } else {
                Vec::new()
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Matching names: shell globs (Python fnmatch) and `~regex` (Python re.match)

/// A compiled group/host name matcher for one pattern piece.
pub struct Matcher {
    re: Option<Regex>,
}

impl Matcher {
    /// `~re` → regex anchored at the start only; anything else → whole-name shell glob.
    pub fn new(expr: &str) -> Result<Matcher, String> {
        if let Some(re) = expr.strip_prefix('~') {
            let re = python_regex_to_rust(re)
                .map_err(|e| format!("Invalid host list pattern: {expr} ({e})"))?;
            return match Regex::new(&re) {
                Ok(r) => Ok(Matcher { re: Some(r) }),
                Err(e) => Err(format!(
                    "Invalid host list pattern: {expr} (stackctl uses Rust regex syntax, which has \
                     no look-around or back-references: {})",
                    e.to_string().lines().last().unwrap_or_default().trim()
                )),
            };
        }
        let re = glob_to_regex(expr);
        Ok(Matcher {
            re: re.map(|r| Regex::new(&r).expect("glob translation is valid regex")),
        })
    }

    pub fn is_match(&self, name: &str) -> bool {
        match &self.re {
            // Python re.match: a match must start at 0; a leftmost match exists at 0 iff any does.
            Some(re) => re.find(name).is_some_and(|m| m.start() == 0),
            None => false,
        }
    }
}

/// Rewrites Python `re` spellings that Rust's `regex` reads differently: `\Z` → `\z`; inside a
/// class `[`, `&`, `~` are literals (Rust would start a nested class or a set operation) and a
/// leading `]` is literal; outside, a `{` that is not a quantifier is literal and `{,n}` means
/// `{0,n}`.
fn python_regex_to_rust(re: &str) -> Result<String, String> {
    /// What the next quantifier would apply to (Python refuses some that Rust accepts).
    #[derive(PartialEq)]
    enum Prev {
        Nothing,
        Assertion,
        Atom,
        Quantifier,
        Lazy,
    }
    fn quantify(prev: &mut Prev, c: char) -> Result<(), String> {
        *prev = match (&*prev, c) {
            (Prev::Atom, _) => Prev::Quantifier,
            (Prev::Quantifier, '?') => Prev::Lazy,
            // Possessive `*+` (Python 3.11+): Rust rejects it later.
            (Prev::Quantifier, '+') => Prev::Lazy,
            (Prev::Quantifier | Prev::Lazy, _) => return Err("multiple repeat".into()),
            (Prev::Nothing | Prev::Assertion, _) => return Err("nothing to repeat".into()),
        };
        Ok(())
    }
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut prev = Prev::Nothing;
    // End of the leading run of global flag groups.
    let mut flags_end = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_class {
            match c {
                '\\' => {
                    out.push('\\');
                    if let Some(&n) = chars.get(i + 1) {
                        out.push(n);
                    }
                    i += 2;
                    continue;
                }
                ']' => {
                    in_class = false;
                    prev = Prev::Atom;
                    out.push(']');
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
            i += 1;
            continue;
        }
        match c {
            '\\' => {
                match chars.get(i + 1) {
                    Some('Z') => out.push_str("\\z"),
                    Some(&n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push('\\'),
                }
                prev = match chars.get(i + 1) {
                    Some('A' | 'Z' | 'b' | 'B') => Prev::Assertion,
                    _ => Prev::Atom,
                };
                i += 2;
                continue;
            }
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            '{' => {
                let rest: String = chars[i + 1..].iter().collect();
                let q = rest.find('}').map(|e| &rest[..e]);
                match q.and_then(parse_quantifier) {
                    Some(q) => {
                        quantify(&mut prev, '{')?;
                        out.push('{');
                        out.push_str(&q);
                        out.push('}');
                        i += 1 + q_len(&rest) + 1;
                        continue;
                    }
                    None => {
                        out.push_str("\\{");
                        prev = Prev::Atom;
                    }
                }
            }
            '}' => {
                out.push_str("\\}");
                prev = Prev::Atom;
            }
            '*' | '+' | '?' => {
                quantify(&mut prev, c)?;
                out.push(c);
            }
            '(' | '|' => {
                out.push(c);
                prev = Prev::Nothing;
                // `(?…` group syntax: that `?` is no quantifier.
                if c == '(' && chars.get(i + 1) == Some(&'?') {
                    out.push('?');
                    i += 1;
                    // A global flags group `(?imsx)`: only at the very start in Python 3.11+.
                    let flags_len = chars[i + 1..]
                        .iter()
                        .take_while(|c| "aiLmsux-".contains(**c))
                        .count();
                    let close = i + 1 + flags_len;
                    if flags_len > 0 && chars.get(close) == Some(&')') {
                        let flags: String = chars[i + 1..close].iter().collect();
                        if flags.contains('-') {
                            return Err("missing :".into());
                        }
                        if i - 1 != flags_end {
                            return Err("global flags not at the start of the expression".into());
                        }
                        out.push_str(&flags);
                        out.push(')');
                        flags_end = close + 1;
                        i = close + 1;
                        continue;
                    }
                }
            }
            '^' | '$' => {
                out.push(c);
                prev = Prev::Assertion;
            }
            _ => {
                out.push(c);
                prev = Prev::Atom;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Length of the text between `{` and its `}` (caller checked that one exists).
fn q_len(rest: &str) -> usize {
    rest[..rest.find('}').unwrap_or(0)].chars().count()
}

/// Python quantifier bodies `m`, `m,`, `,n`, `m,n`, `,` (digits only) → Rust's spelling.
fn parse_quantifier(body: &str) -> Option<String> {
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match body.split_once(',') {
        None if !body.is_empty() && digits(body) => Some(body.to_string()),
        Some((m, n)) if digits(m) && digits(n) => {
            Some(format!("{},{n}", if m.is_empty() { "0" } else { m }))
        }
        _ => None,
    }
}

/// Translates a shell glob with Python `fnmatch` semantics into an anchored Rust regex:
/// `*`, `?`, `[seq]`, `[!seq]`; no backslash escapes, no braces; an unclosed `[` is literal.
/// `None` = the glob can never match (a class whose ranges are all empty, e.g. `[z-a]`).
pub fn glob_to_regex(glob: &str) -> Option<String> {
    let chars: Vec<char> = glob.chars().collect();
    let n = chars.len();
    let mut out = String::from("^(?s:");
    let mut i = 0;
    while i < n {
        let c = chars[i];
        i += 1;
        match c {
            '*' => {
                while i < n && chars[i] == '*' {
                    i += 1;
                }
                out.push_str(".*");
            }
            '?' => out.push('.'),
            '[' => {
                let mut j = i;
                if j < n && chars[j] == '!' {
                    j += 1;
                }
                if j < n && chars[j] == ']' {
                    j += 1;
                }
                while j < n && chars[j] != ']' {
                    j += 1;
                }
                if j >= n {
                    out.push_str("\\[");
                    continue;
                }
                out.push_str(&class_to_regex(&chars[i..j])?);
                i = j + 1;
            }
            c => push_literal(&mut out, c),
        }
    }
    out.push_str(")$");
    Some(out)
}

fn push_literal(out: &mut String, c: char) {
    out.push_str(&format!("\\x{{{:X}}}", c as u32));
}

/// The body of `[...]` (without brackets) → a Rust class. `-` between two characters is a
/// range unless it is the first character (after `!`) or the last; empty ranges are dropped.
fn class_to_regex(body: &[char]) -> Option<String> {
    let negated = body.first() == Some(&'!');
    // Chunks separated by range hyphens: the first hyphen may not be the first class char
    // (after `!`), and after a range the end char plus one more are skipped.
    let mut chunks: Vec<Vec<char>> = Vec::new();
    let mut start = 0;
    let mut k = if negated { 2 } else { 1 };
    while let Some(off) = body.get(k..).and_then(|s| s.iter().position(|&c| c == '-')) {
        let pos = k + off;
        chunks.push(body[start..pos].to_vec());
        start = pos + 1;
        k = pos + 3;
    }
    let last = body[start..].to_vec();
    if last.is_empty() {
        if let Some(prev) = chunks.last_mut() {
            prev.push('-');
        } else {
            chunks.push(last);
        }
    } else {
        chunks.push(last);
    }
    // Remove empty ranges (start > end), joining the neighbouring chunks.
    let mut idx = chunks.len().saturating_sub(1);
    while idx > 0 {
        let (a, b) = (
            chunks[idx - 1].last().copied(),
            chunks[idx].first().copied(),
        );
        if let (Some(a), Some(b)) = (a, b)
            && a > b
        {
            let tail: Vec<char> = chunks[idx][1..].to_vec();
            chunks[idx - 1].pop();
            chunks[idx - 1].extend(tail);
            chunks.remove(idx);
        }
        idx -= 1;
    }
    let flat: Vec<char> = chunks.iter().flatten().copied().collect();
    // Negation is decided on the class text after dropping empty ranges.
    let negated = flat.first() == Some(&'!');
    if chunks.len() == 1 && flat.is_empty() {
        return None;
    }
    if chunks.len() == 1 && flat == ['!'] {
        return Some("(?s:.)".into());
    }
    let mut items = String::new();
    // `!` alone before a hyphen: the hyphen right after the negation is a literal `-`, and
    // the next chunk's first character is then a plain member, not a range end.
    let lone_bang = negated && chunks[0].len() == 1 && chunks.len() > 1;
    if lone_bang {
        push_literal(&mut items, '-');
    }
    for (ci, chunk) in chunks.iter().enumerate() {
        let mut chars: &[char] = chunk;
        if ci == 0 && negated {
            chars = &chars[1..];
        }
        for (pos, &c) in chars.iter().enumerate() {
            let is_range_end = ci > 0 && pos == 0 && !(ci == 1 && lone_bang);
            if is_range_end {
                continue;
            }
            let is_range_start = ci + 1 < chunks.len() && pos + 1 == chars.len();
            push_literal(&mut items, c);
            if is_range_start {
                items.push('-');
                push_literal(&mut items, chunks[ci + 1][0]);
            }
        }
    }
    if items.is_empty() {
        return if negated { Some("(?s:.)".into()) } else { None };
    }
    Some(format!("[{}{items}]", if negated { "^" } else { "" }))
}

#[cfg(test)]
mod tests {
    //! Expected results were produced with the real ansible-core 2.19.14:
    //! `ansible PAT -i INV --list-hosts [-l LIMIT]` run from an empty directory.
    use super::*;
    use crate::origin::Origin;

    /// `pat.ini` of ansible-inventory.md §10.3:
    /// `[web] web1 web2 web3 web10 / [db] db1 db2 / [prod] web1 db1 / [stage] web2 db2`.
    fn pat_inv() -> Inventory {
        build(&[
            ("web", &["web1", "web2", "web3", "web10"]),
            ("db", &["db1", "db2"]),
            ("prod", &["web1", "db1"]),
            ("stage", &["web2", "db2"]),
        ])
    }

    fn build(groups: &[(&str, &[&str])]) -> Inventory {
        let mut inv = Inventory::new();
        let o = Origin::Default;
        for (g, hosts) in groups {
            inv.add_group(g);
            for h in *hosts {
                inv.add_host(h, Some(g), None, &o);
            }
        }
        inv.reconcile().expect("reconcile");
        inv
    }

    /// (hosts, warnings) of `ansible PAT --list-hosts` without a limit.
    fn run(inv: &Inventory, pat: &str) -> (Vec<String>, Vec<String>) {
        let mut w = Vec::new();
        let hosts = list_hosts(inv, pat, None, Path::new("/"), &mut w).unwrap_or_else(|e| {
            w.push(format!("ERROR {e}"));
            Vec::new()
        });
        (hosts, w)
    }

    fn hosts(inv: &Inventory, pat: &str) -> Vec<String> {
        let (h, w) = run(inv, pat);
        assert!(w.is_empty(), "{pat}: unexpected warnings {w:?}");
        h
    }

    fn nomatch(p: &str) -> String {
        format!("Could not match supplied host pattern, ignoring: {p}")
    }

    #[test]
    fn spec_10_3_examples() {
        // ansible-inventory.md §10.3, every line re-checked with ansible --list-hosts.
        let inv = pat_inv();
        assert_eq!(hosts(&inv, "web:&prod"), ["web1"]);
        assert_eq!(hosts(&inv, "web:!web3"), ["web1", "web2", "web10"]);
        assert_eq!(hosts(&inv, "!web:db"), ["db1", "db2"]);
        assert_eq!(
            hosts(&inv, "db:web"),
            ["db1", "db2", "web1", "web2", "web3", "web10"]
        );
        assert_eq!(hosts(&inv, "web[1:2]"), ["web2", "web3"]);
        assert_eq!(hosts(&inv, "web[-1]"), ["web10"]);
        assert_eq!(hosts(&inv, "~(web|db)1"), ["web1", "web10", "db1"]);
        assert_eq!(run(&inv, "WEB1"), (vec![], vec![nomatch("WEB1")]));
        assert_eq!(hosts(&inv, "web[1]:db[0]"), ["web2", "db1"]);
        // Whole string is host:port → one piece, matching nothing.
        assert_eq!(run(&inv, "web1:22"), (vec![], vec![nomatch("web1:22")]));
    }

    #[test]
    fn subscripts() {
        // §10.2 step 2 and 6.
        let inv = pat_inv();
        assert_eq!(hosts(&inv, "web[0]"), ["web1"]);
        assert_eq!(hosts(&inv, "web[-4]"), ["web1"]);
        assert_eq!(hosts(&inv, "web[1:]"), ["web2", "web3", "web10"]);
        assert_eq!(hosts(&inv, "web[2:9]"), ["web3", "web10"]);
        assert_eq!(hosts(&inv, "web[5:9]"), Vec::<String>::new());
        // Ansible quirk: an end of 0 means "the start index only".
        assert_eq!(hosts(&inv, "web[2:0]"), ["web3"]);
        assert_eq!(hosts(&inv, "web[0:0]"), ["web1"]);
        // `[3:-1]` is no subscript: it is a glob class {3} (`:`-`-` is an empty range).
        assert_eq!(hosts(&inv, "web[3:-1]"), ["web3"]);
        let dash = "Use [x:y] inclusive subscripts instead of [x-y] which has been removed";
        assert_eq!(run(&inv, "web[1-2]"), (s(&["web2", "web3"]), s(&[dash])));
        // Greedy split: `web[0-9]` is the glob, `[0-9]` the subscript.
        assert_eq!(
            run(&inv, "web[0-9][0-9]"),
            (s(&["web1", "web2", "web3"]), s(&[dash]))
        );
    }

    #[test]
    fn single_index_out_of_range_is_an_error() {
        // Deviation from §10.2 "→ no hosts": Ansible raises; `ansible PAT` without --limit then
        // prints "No hosts matched, nothing to do", with --limit it is fatal.
        let inv = pat_inv();
        let mut w = Vec::new();
        let e = try_select(&inv, "web1:web[9]", &mut w).unwrap_err();
        assert_eq!(e, "No hosts matched the subscripted pattern 'web[9]'");
        assert!(try_select(&inv, "web[-9]", &mut w).is_err());
        assert!(w.is_empty());
        // `web[12]`: a subscript, not a glob class → error, no "could not match" warning.
        assert_eq!(
            run(&inv, "web[12]").1,
            ["ERROR No hosts matched the subscripted pattern 'web[12]'"]
        );
        // Nothing matched: the subscript is skipped (no error); the warning names the
        // expression without its subscript.
        assert_eq!(run(&inv, "nope[0]"), (vec![], vec![nomatch("nope")]));
        assert_eq!(
            run(&inv, "web:nope[5]").0,
            ["web1", "web2", "web3", "web10"]
        );
        // select() reports the error as a warning and returns nothing.
        let mut w = Vec::new();
        assert!(select(&inv, "web[9]", &mut w).is_empty());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn subscripts_index_the_raw_list_with_duplicates() {
        // §10.2: groups matching `*` are all, ungrouped, web, db, prod, stage (creation order);
        // their host lists are concatenated before the subscript.
        let inv = pat_inv();
        assert_eq!(hosts(&inv, "*[3]"), ["web10"]);
        // group web (4 hosts) then host names web* (4 more): index 4 is web1 again.
        assert_eq!(hosts(&inv, "web*[4]"), ["web1"]);
    }

    #[test]
    fn splitting() {
        // §10.1.
        let inv = pat_inv();
        let all = s(&["web1", "web2", "web3", "web10", "db1", "db2"]);
        assert_eq!(hosts(&inv, "web,db"), all);
        assert_eq!(hosts(&inv, "web , db"), all);
        assert_eq!(hosts(&inv, "web db"), all, "whitespace separates too");
        assert_eq!(hosts(&inv, " web "), all[..4]);
        assert_eq!(hosts(&inv, "web,"), all[..4]);
        assert_eq!(hosts(&inv, ","), all, "no piece at all → all");
        assert_eq!(hosts(&inv, ""), all);
        assert_eq!(hosts(&inv, "["), all);
        assert_eq!(hosts(&inv, "web]"), all[..4], "an unmatched ] is dropped");
        assert_eq!(run(&inv, "web[1"), (all[..4].to_vec(), vec![nomatch("1")]));
        assert_eq!(hosts(&inv, "web1:web1:db"), ["web1", "db1", "db2"]);
        // A comma disables `:` splitting (§16 gotcha 15).
        assert_eq!(
            run(&inv, "prod:!web1,db2"),
            (s(&["db2"]), vec![nomatch("prod:!web1")])
        );
        assert_eq!(
            run(&inv, "web:,db"),
            (s(&["db1", "db2"]), vec![nomatch("web:")])
        );
        assert_eq!(split_pattern("a:b,c:d"), ["a:b", "c:d"],);
        assert_eq!(split_pattern("fe80::1"), ["fe80::1"]);
        assert_eq!(split_pattern("[::1]:22"), ["[::1]:22"]);
        assert_eq!(split_pattern("web[1:3]:22"), ["web[1:3]:22"]);
        assert_eq!(split_pattern("web:!::1"), ["web", "!", "1"]);
        assert_eq!(split_pattern("a:&b:!c[1:2]"), ["a", "&b", "!c[1:2]"]);
    }

    #[test]
    fn a_pattern_without_colons_brackets_or_spaces_splits_as_the_address_test_would() {
        // split_pattern skips the address test for such patterns; both of its ways agree there.
        for p in [
            "web",
            "web01",
            "db-1.example.com",
            "*",
            "web*",
            "~web\\d+",
            "&prod",
            "!web3",
            "all",
            "_underscore",
            "trailing-",
            "ü-host",
            "10.0.0.1",
            "a.b.c",
            "é",
            "",
        ] {
            let by_address = if is_address(p) {
                vec![p.to_string()]
            } else {
                colon_split(p)
            };
            assert_eq!(split_pattern(p), by_address, "{p}");
        }
    }

    #[test]
    fn operators() {
        // §10.2 ordering and set operations.
        let inv = pat_inv();
        assert_eq!(hosts(&inv, "&prod"), ["web1", "db1"], "only & → all & prod");
        assert_eq!(
            hosts(&inv, "!web1"),
            ["web2", "web3", "web10", "db1", "db2"]
        );
        assert_eq!(hosts(&inv, "all:!web*"), ["db1", "db2"]);
        assert_eq!(hosts(&inv, "db:&stage:web:!db2"), ["web2"]);
        assert_eq!(run(&inv, "&nope"), (vec![], vec![nomatch("nope")]));
        assert_eq!(run(&inv, "web:&nope"), (vec![], vec![nomatch("nope")]));
        let (h, w) = run(&inv, "!nope");
        assert_eq!(h.len(), 6);
        assert_eq!(w, [nomatch("nope")]);
        // Warnings come in evaluation order; a slice past the end is silently empty.
        assert_eq!(
            run(&inv, "a:&b:!c[1:2]"),
            (vec![], vec![nomatch("a"), nomatch("b"), nomatch("c")])
        );
        assert_eq!(run(&inv, "[::1]:22"), (vec![], vec![nomatch("[::1]:22")]));
        // A repeated piece is evaluated once (Ansible caches per piece): one warning.
        assert_eq!(
            run(&inv, "db::1::1"),
            (s(&["db1", "db2"]), vec![nomatch("1")])
        );
        assert_eq!(run(&inv, "nope:!nope:&nope").1, [nomatch("nope")]);
        // A bare `!` piece crashes Ansible 2.19 (IndexError); we report an error.
        let mut w = Vec::new();
        assert!(try_select(&inv, "web:!::1", &mut w).is_err());
    }

    #[test]
    fn groups_and_all() {
        let inv = pat_inv();
        let all = s(&["web1", "web2", "web3", "web10", "db1", "db2"]);
        assert_eq!(hosts(&inv, "all"), all);
        assert_eq!(hosts(&inv, "*"), all);
        // An empty group matches: no hosts and no warning.
        assert_eq!(hosts(&inv, "ungrouped"), Vec::<String>::new());
        assert_eq!(run(&inv, "web1."), (vec![], vec![nomatch("web1.")]));
        assert_eq!(hosts(&inv, "we?1"), ["web1"]);
        assert_eq!(hosts(&inv, "web[!1]*"), ["web2", "web3"]);
        assert_eq!(hosts(&inv, "~web\\d$"), ["web1", "web2", "web3"]);
        assert_eq!(
            run(&inv, "~eb"),
            (vec![], vec![nomatch("~eb")]),
            "re.match is anchored"
        );
        assert_eq!(
            hosts(&inv, "~["),
            all,
            "`[` is dropped by the splitter: `~` matches all"
        );
    }

    /// Host names of every shape, like `g.yml` used against ansible.
    fn glob_inv() -> Inventory {
        let mut inv = Inventory::new();
        let o = Origin::Default;
        for h in [
            "web1",
            "web10",
            "web2.example.com",
            "Web3",
            "db/1",
            "db1",
            "a.b",
            "x-y",
            "a]b",
        ] {
            inv.add_host(h, Some("all"), None, &o);
        }
        inv.add_host("web1", Some("webgrp"), None, &o);
        inv.add_host("db1", Some("dbs-east"), None, &o);
        inv.reconcile().expect("reconcile");
        inv
    }

    #[test]
    fn glob_and_regex_matching() {
        // §10.2 steps 3–4, checked with ansible against glob_inv's YAML twin.
        let inv = glob_inv();
        let every = s(&[
            "web1",
            "web10",
            "web2.example.com",
            "Web3",
            "db/1",
            "db1",
            "a.b",
            "x-y",
            "a]b",
        ]);
        assert_eq!(
            hosts(&inv, "web[12]*"),
            ["web1", "web10", "web2.example.com"]
        );
        assert_eq!(hosts(&inv, "[!w]*"), every, "group `all` matches");
        assert_eq!(hosts(&inv, "[a-c]*"), every, "group `all` matches");
        assert_eq!(
            hosts(&inv, "web[1-2]*"),
            ["web1", "web10", "web2.example.com"]
        );
        assert_eq!(hosts(&inv, "*.example.com"), ["web2.example.com"]);
        assert_eq!(
            hosts(&inv, "?eb*"),
            ["web1", "web10", "web2.example.com", "Web3"]
        );
        assert_eq!(hosts(&inv, "W*"), ["Web3"]);
        assert_eq!(hosts(&inv, "*]*"), every);
        assert_eq!(hosts(&inv, "x[--z]y"), ["x-y"]);
        assert_eq!(hosts(&inv, "db?1"), ["db/1"]);
        assert_eq!(hosts(&inv, "*/*"), ["db/1"]);
        assert_eq!(hosts(&inv, "~.*\\."), ["web2.example.com", "a.b"]);
        assert_eq!(hosts(&inv, "~(?i)WEB1$"), ["web1"]);
        assert_eq!(hosts(&inv, "~W"), ["Web3"]);
        assert_eq!(hosts(&inv, "dbs-*"), ["db1"]);
        assert_eq!(hosts(&inv, "webgrp"), ["web1"]);
        assert_eq!(hosts(&inv, "~webg"), ["web1"]);
        assert_eq!(hosts(&inv, "~web1"), ["web1", "web10"]);
        assert_eq!(hosts(&inv, "web?"), ["web1"]);
        assert_eq!(hosts(&inv, "a?b"), ["a.b", "a]b"]);
        assert_eq!(run(&inv, "a]b"), (vec![], vec![nomatch("a"), nomatch("b")]));
        assert_eq!(run(&inv, "[]]*"), (every.clone(), vec![nomatch("[]")]));
        assert_eq!(run(&inv, "[z-a]*"), (vec![], vec![nomatch("[z-a]*")]));
    }

    #[test]
    fn fnmatch_translation_edge_cases() {
        // Compared with Python's fnmatch.translate + re.match on 60k random globs.
        let m = |g: &str, n: &str| Matcher::new(g).unwrap().is_match(n);
        assert!(m("[!]]", "a") && !m("[!]]", "]"));
        assert!(m("[]]", "]"));
        assert!(m("[", "[") && m("a[b", "a[b"), "unclosed [ is literal");
        assert!(m("\\", "\\") && !m("\\*", "*x"), "no backslash escapes");
        assert!(m("{a,b}", "{a,b}") && !m("{a,b}", "a"), "no braces");
        assert!(m("[a-]", "-") && m("[-a]", "-"));
        assert!(m("[!-a]", "b") && !m("[!-a]", "-"));
        assert!(!m("[z-a]", "z") && !m("[z-a]", "a"));
        assert!(m("[!b-a]", "q"), "negated empty set = any char");
        // `[z-.!-A-]`: z-. is empty, leaving `!-A-` → negation of {-, A}.
        assert!(m("[z-.!-A-]", "b") && !m("[z-.!-A-]", "A") && !m("[z-.!-A-]", "-"));
        assert!(m("*", "a\nb"), "* matches newlines");
        assert!(
            m("[^a]", "^") && !m("[^a]", "b"),
            "^ is literal in a glob class"
        );
    }

    #[test]
    fn regex_errors_are_reported() {
        let inv = pat_inv();
        let mut w = Vec::new();
        // Python accepts look-ahead (`~web(?=1)` → web1 web10); Rust regex cannot.
        let e = try_select(&inv, "~web(?=1)", &mut w).unwrap_err();
        assert!(e.starts_with("Invalid host list pattern: ~web(?=1)"), "{e}");
        // Invalid for Python too: Ansible → "No hosts matched" without --limit, error with.
        assert!(try_select(&inv, "~(", &mut w).is_err());
        assert!(Matcher::new("~web\\Z").unwrap().is_match("web"));
        // Python class/brace spellings Rust reads differently (checked with Python's re).
        let m = |p: &str, n: &str| Matcher::new(p).unwrap().is_match(n);
        assert!(m("~[w1[]", "[") && m("~[]a]", "]") && m("~[^]a]x", "bx") && !m("~[^]a]", "]"));
        assert!(m("~[&&]", "&") && m("~[~~]", "~") && !m("~[&&]", "a"));
        assert!(m("~a{", "a{") && m("~a{x}", "a{x}") && m("~a}", "a}") && m("~a{1", "a{1"));
        assert!(m("~a{,2}$", "aa") && !m("~a{,2}$", "aaa") && m("~a{,}$", "aaaa"));
        assert!(m("~a{2}$", "aa") && m("~a{1,}$", "aaa"));
        // Python refuses to repeat nothing, an anchor, or a repetition; Rust would accept.
        for bad in ["~w$*", "~d?*", "~^+", "~*a", "~(|*)", "~\\b?", "~a{2}*"] {
            assert!(Matcher::new(bad).is_err(), "{bad}");
        }
        for bad in ["~a(?i)", "~(?-i)a"] {
            assert!(Matcher::new(bad).is_err(), "{bad}");
        }
        assert!(m("~(?i)(?s)A", "a") && m("~(?i:A)b", "ab") && !m("~(?i:A)b", "aB"));
        assert!(m("~a*?b", "aab") && m("~a{1,2}?b", "ab") && m("~(a)*b", "aab"));
    }

    #[test]
    fn implicit_localhost() {
        // §9 and §10.2 step 5.
        let inv = pat_inv();
        assert_eq!(hosts(&inv, "localhost"), ["localhost"]);
        assert_eq!(hosts(&inv, "::1"), ["::1"]);
        assert_eq!(hosts(&inv, "localhost,web1"), ["localhost", "web1"]);
        assert_eq!(hosts(&inv, "localhost[0]"), ["localhost"]);
        // The implicit localhost is in no group: not in all.
        assert_eq!(hosts(&inv, "127.0.0.1:&all"), Vec::<String>::new());
        assert_eq!(hosts(&inv, "localhost:!localhost"), Vec::<String>::new());
        assert_eq!(hosts(&inv, "!localhost").len(), 6);
        // One implicit localhost per run: later names map to the first one created.
        assert_eq!(hosts(&inv, "localhost,::1"), ["localhost"]);
        assert_eq!(hosts(&inv, "::1,localhost,127.0.0.1"), ["::1"]);
        // Only exact names, not globs/regexes.
        assert_eq!(
            run(&inv, "localhost*"),
            (vec![], vec![nomatch("localhost*")])
        );
        assert_eq!(
            run(&inv, "~localhost"),
            (vec![], vec![nomatch("~localhost")])
        );
    }

    #[test]
    fn localhost_in_inventory_takes_other_names() {
        // §9: with `localhost` in the inventory, `::1` and `127.0.0.1` select it.
        let inv = build(&[("web", &["web1", "localhost"]), ("db", &["db1"])]);
        assert_eq!(hosts(&inv, "::1"), ["localhost"]);
        assert_eq!(hosts(&inv, "127.0.0.1"), ["localhost"]);
        assert_eq!(hosts(&inv, "localhost:127.0.0.1"), ["localhost"]);
        assert_eq!(hosts(&inv, "all"), ["web1", "localhost", "db1"]);
        let inv = build(&[("db", &["db1", "127.0.0.1"])]);
        assert_eq!(hosts(&inv, "::1"), ["127.0.0.1"]);
        assert_eq!(hosts(&inv, "localhost"), ["127.0.0.1"]);
        assert_eq!(hosts(&inv, "localhost:db"), ["127.0.0.1", "db1"]);
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn limited(
        inv: &Inventory,
        pat: &str,
        limit: &str,
        cwd: &Path,
    ) -> Result<(Vec<String>, Vec<String>), String> {
        let mut w = Vec::new();
        list_hosts(inv, pat, Some(limit), cwd, &mut w).map(|h| (h, w))
    }

    #[test]
    fn limit_with_files() {
        // §10.4, checked with `ansible all -l LIMIT --list-hosts`.
        let inv = pat_inv();
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::write(cwd.join("lim1"), "web1:db1\n\n  db2  \n!web2\nstage\n").unwrap();
        std::fs::write(cwd.join("lim2"), "web1,db1\n").unwrap();
        std::fs::write(cwd.join("lim3"), "!web1\n").unwrap();
        // Each line is one piece: `web1:db1` is not split.
        assert_eq!(
            limited(&inv, "all", "@lim1", cwd).unwrap(),
            (s(&["db2"]), vec![nomatch("web1:db1")])
        );
        assert_eq!(
            limited(&inv, "all", "@lim2", cwd).unwrap(),
            (vec![], vec![nomatch("web1,db1")])
        );
        assert_eq!(
            limited(&inv, "all", "@lim3", cwd).unwrap().0,
            ["web2", "web3", "web10", "db1", "db2"]
        );
        assert_eq!(
            limited(&inv, "all", "db:@lim3", cwd).unwrap().0,
            ["db1", "db2"]
        );
        assert_eq!(
            limited(&inv, "all", "web1,@lim3", cwd).unwrap().0,
            Vec::<String>::new()
        );
        let abs = cwd.join("lim3").display().to_string();
        assert_eq!(
            limited(&inv, "web", &format!("@{abs}"), cwd).unwrap().0,
            ["web2", "web3", "web10"]
        );
        assert_eq!(
            limited(&inv, "all", "@nofile", cwd).unwrap_err(),
            "Unable to find limit file b'nofile'"
        );
        assert_eq!(
            limited(&inv, "all", "@.", cwd).unwrap_err(),
            "Limit starting with \"@\" must be a file, not a directory: b'.'"
        );
        // Errors inside the limit are fatal.
        assert!(limited(&inv, "all", "web[9]", cwd).is_err());
        assert!(limited(&inv, "all", "~(", cwd).is_err());
    }

    #[test]
    fn limit_and_localhost() {
        let inv = pat_inv();
        let cwd = Path::new("/");
        assert_eq!(
            limited(&inv, "all", "localhost", cwd).unwrap().0,
            Vec::<String>::new()
        );
        assert_eq!(
            limited(&inv, "all", "!web1", cwd).unwrap().0,
            ["web2", "web3", "web10", "db1", "db2"]
        );
        // list_hosts: an empty result for a pattern that *is* a localhost name gives that name.
        assert_eq!(
            limited(&inv, "localhost", "web1", cwd).unwrap().0,
            ["localhost"]
        );
        assert_eq!(
            limited(&inv, "localhost", "all", cwd).unwrap().0,
            ["localhost"]
        );
        assert_eq!(
            limited(&inv, "localhost:web1:web2", "web1", cwd).unwrap().0,
            ["web1"]
        );
        // The limit's localhost names map to the implicit localhost the pattern created.
        assert_eq!(limited(&inv, "::1", "localhost", cwd).unwrap().0, ["::1"]);
        assert_eq!(
            limited(&inv, "localhost,web1", "::1,web1", cwd).unwrap().0,
            ["localhost", "web1"]
        );
        // apply_limit on its own keeps that mapping.
        let mut w = Vec::new();
        let got = apply_limit(
            &inv,
            s(&["::1", "web1", "db1"]),
            "localhost:web*",
            cwd,
            &mut w,
        )
        .unwrap();
        assert_eq!(got, ["::1", "web1"]);
        // A limit without pieces limits nothing (the implicit localhost stays).
        for empty in ["", ",", ":", " [ "] {
            assert_eq!(
                limited(&inv, "web1:localhost", empty, cwd).unwrap().0,
                ["web1", "localhost"]
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn select_never_panics(pat in "\\PC{0,24}", pat2 in "[a-z0-9:!&,\\[\\]~*?.\\- -]{0,20}") {
            let inv = pat_inv();
            let mut w = Vec::new();
            let _ = select(&inv, &pat, &mut w);
            let _ = select(&inv, &pat2, &mut w);
            let _ = apply_limit(&inv, vec!["web1".into()], &pat2, Path::new("/nonexistent"), &mut w);
        }
    }
}
