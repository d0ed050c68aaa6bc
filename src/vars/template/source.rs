//! Template source preparation.
//!
//! Ansible 2.19 reads string constants inside `{{ … }}` raw: backslashes are kept as written
//! (verified: `"{{ 'a\tb' }}"` with a real backslash-t renders `a\tb`, and
//! `regex_replace('(x)', '\1\1')` gives `xx`). minijinja, like plain Jinja2, interprets escape
//! sequences, so such strings are rewritten to escape their backslashes and quotes first.
//! Strings inside `{% … %}` keep Jinja's escape processing, as in Ansible.

use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Text,
    Expr,
    Block,
    Comment,
    Raw,
}

/// `source` with the string literals of `{{ }}` expressions made raw for minijinja.
pub(crate) fn raw_expression_strings(source: &str) -> Cow<'_, str> {
    if !source.contains('\\') {
        return Cow::Borrowed(source);
    }
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 8);
    let mut mode = Mode::Text;
    let mut block_start = 0;
    let mut i = 0;
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    while i < chars.len() {
        let c = chars[i];
        match mode {
            Mode::Text | Mode::Raw => {
                if mode == Mode::Raw && at(i, "{%") && is_endraw(&chars[i + 2..]) {
                    mode = Mode::Text;
                }
                if mode == Mode::Text {
                    if at(i, "{{") {
                        mode = Mode::Expr;
                    } else if at(i, "{%") {
                        mode = Mode::Block;
                        block_start = out.len() + 2;
                    } else if at(i, "{#") {
                        mode = Mode::Comment;
                    }
                    if mode != Mode::Text {
                        out.push_str(&source_slice(&chars, i, 2));
                        i += 2;
                        continue;
                    }
                }
                out.push(c);
                i += 1;
            }
            Mode::Comment => {
                if at(i, "#}") {
                    out.push_str("#}");
                    i += 2;
                    mode = Mode::Text;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            Mode::Expr | Mode::Block => {
                let end = if mode == Mode::Expr { "}}" } else { "%}" };
                if c == '\'' || c == '"' {
                    // A string constant: it ends at the next quote not escaped by a backslash.
                    let mut j = i + 1;
                    let mut content = String::new();
                    let mut closed = false;
                    while j < chars.len() {
                        match chars[j] {
                            '\\' if j + 1 < chars.len() => {
                                content.push('\\');
                                content.push(chars[j + 1]);
                                j += 2;
                            }
                            q if q == c => {
                                closed = true;
                                break;
                            }
                            other => {
                                content.push(other);
                                j += 1;
                            }
                        }
                    }
                    if !closed {
                        // Unterminated: leave the rest alone, minijinja reports the error.
                        out.extend(&chars[i..]);
                        break;
                    }
                    out.push(c);
                    if mode == Mode::Expr {
                        for ch in content.chars() {
                            if ch == '\\' || ch == c {
                                out.push('\\');
                            }
                            out.push(ch);
                        }
                    } else {
                        out.push_str(&content);
                    }
                    out.push(c);
                    i = j + 1;
                } else if at(i, end) {
                    out.push_str(end);
                    i += 2;
                    if mode == Mode::Block && is_raw_tag(&out[block_start..out.len() - 2]) {
                        mode = Mode::Raw;
                    } else {
                        mode = Mode::Text;
                    }
                } else {
                    out.push(c);
                    i += 1;
                }
            }
        }
    }
    Cow::Owned(out)
}

/// Operators allowed in one `{{ }}` / `{% %}` tag. minijinja parses and compiles long chains
/// (`a.b.c…`, `x | f | f…`, `not not …`) recursively; far beyond any real inventory this limit
/// keeps it off the end of the stack.
pub(crate) const MAX_TAG_OPERATORS: usize = 100;

/// True when some tag of `source` has more than `MAX_TAG_OPERATORS` operators outside strings.
pub(crate) fn too_complex(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut in_tag = false;
    let mut quote = 0u8;
    let mut ops = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        if !in_tag {
            if b == b'{' && matches!(bytes.get(i + 1), Some(b'{') | Some(b'%')) {
                in_tag = true;
                ops = 0;
                i += 2;
                continue;
            }
        } else if quote != 0 {
            if b == b'\\' {
                i += 1;
            } else if b == quote {
                quote = 0;
            }
        } else {
            match b {
                b'\'' | b'"' => quote = b,
                b'}' | b'%' if bytes.get(i + 1) == Some(&b'}') => {
                    in_tag = false;
                    i += 2;
                    continue;
                }
                b'.' | b'|' | b'[' | b'(' | b'{' | b'-' | b'+' | b'~' | b'*' | b'/' | b'%'
                | b'<' | b'>' | b'=' | b'!' => ops += 1,
                b'n' | b'a' | b'o' | b'i'
                    if (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                        && ["not", "and", "or", "is", "in", "if"]
                            .iter()
                            .any(|w| source[i..].starts_with(w)) =>
                {
                    ops += 1
                }
                _ => {}
            }
            if ops > MAX_TAG_OPERATORS {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn source_slice(chars: &[char], i: usize, n: usize) -> String {
    chars[i..(i + n).min(chars.len())].iter().collect()
}

fn is_raw_tag(inner: &str) -> bool {
    inner.trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace()) == "raw"
}

fn is_endraw(rest: &[char]) -> bool {
    let s: String = rest.iter().take(32).collect();
    s.trim_start_matches(['-', '+'])
        .trim_start()
        .starts_with("endraw")
}

#[cfg(test)]
mod tests {
    use super::raw_expression_strings as raw;

    #[test]
    fn expression_strings_become_raw() {
        assert_eq!(raw(r"{{ 'a\tb' }}"), r"{{ 'a\\tb' }}");
        assert_eq!(raw(r"{{ 'a\'b' }}"), r"{{ 'a\\\'b' }}");
        assert_eq!(raw(r#"{{ "\1" ~ '\\' }}"#), r#"{{ "\\1" ~ '\\\\' }}"#);
        assert_eq!(raw(r"x\n{{ 1 }}"), r"x\n{{ 1 }}");
        assert_eq!(
            raw(r"{% set a = '\t' %}{{ a }}"),
            r"{% set a = '\t' %}{{ a }}"
        );
        assert_eq!(
            raw(r"{% raw %}{{ '\t' }}{% endraw %}"),
            r"{% raw %}{{ '\t' }}{% endraw %}"
        );
        assert_eq!(raw(r"{{ '\"), r"{{ '\");
    }
}
