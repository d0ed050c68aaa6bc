//! POSIX shell quoting over bytes: the ONE function every layer of a plan uses, once per shell
//! that will parse the result (execution.md §1).
//!
//! A word made only of `[A-Za-z0-9_@%+=:,./-]` (and not empty) passes bare; anything else is
//! wrapped in single quotes, with each `'` written as `'\''`. Inside single quotes a POSIX
//! shell (dash, bash, busybox ash, ksh, zsh in sh mode) treats every byte literally — `$`,
//! backticks, `\`, `!`, newlines, non-UTF-8 bytes — so the parsed word is exactly the input.
//! NUL cannot be passed through argv at all and is an error.

/// A word that cannot be quoted (it contains a NUL byte).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a command word contains a NUL byte, which no shell argument can carry")]
pub struct NulError;

fn is_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'@' | b'%' | b'+' | b'=' | b':' | b',' | b'.' | b'/' | b'-'
        )
}

/// Quotes one word so that one POSIX shell parses it back to exactly `word`.
pub fn quote(word: &[u8]) -> Result<Vec<u8>, NulError> {
    if word.contains(&0) {
        return Err(NulError);
    }
    if !word.is_empty() && word.iter().all(|&b| is_safe(b)) {
        return Ok(word.to_vec());
    }
    let mut out = Vec::with_capacity(word.len() + 2);
    out.push(b'\'');
    for &b in word {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    Ok(out)
}

/// Quotes every word and joins them with single spaces: one POSIX shell parses the result
/// into exactly `words`.
pub fn join<W: AsRef<[u8]>>(words: &[W]) -> Result<Vec<u8>, NulError> {
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(&quote(w.as_ref())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let q = |s: &[u8]| quote(s).expect("no NUL");
        assert_eq!(q(b"abc"), b"abc");
        assert_eq!(q(b"-n"), b"-n");
        assert_eq!(q(b"a/b.c=d:e,f@g%h+i_j"), b"a/b.c=d:e,f@g%h+i_j");
        assert_eq!(q(b""), b"''");
        assert_eq!(q(b"a b"), b"'a b'");
        assert_eq!(q(b"it's"), b"'it'\\''s'");
        assert_eq!(q(b"$(id)"), b"'$(id)'");
        assert_eq!(q(b"{a,b}"), b"'{a,b}'");
        assert_eq!(q(b"~root"), b"'~root'");
        assert_eq!(q(b"\xff"), b"'\xff'");
        assert_eq!(quote(b"a\0b"), Err(NulError));
        assert_eq!(
            join(&[&b"echo"[..], b"a b", b""]).expect("no NUL"),
            b"echo 'a b' ''"
        );
    }
}
