//! Ansible's `parse_address(allow_ranges=True)` (ansible-inventory.md §4.1, §10.1): does a
//! token parse as `host[:port]`, `[host]:port`, IPv4, IPv6 or a DNS-like name, ranges allowed,
//! and if so, which host and port. Inventory readers split `web1:2222` with it
//! ([`super::hostname::split_host_port`]); host patterns keep `web1:22`, `::1` and `web[0:2]`
//! whole with it.
//!
//! Ansible's regexes (compiled with `re.I`) are the definition, but compiling all of them took
//! about 2 ms, a third of `stackctl exec 'web[0:2]' …`'s start. So each regex is compiled only
//! when a string could match it (a regex never matches a string with a character outside its
//! alphabet), and an ASCII label is matched by hand with exactly the regex's result (a property
//! test compares them).

use super::built_in_regex;
use regex::Regex;
use std::sync::OnceLock;

/// A `[a:b]` or `[1:3]` range, with an optional `:step`, as names may contain.
const ALNUM_RANGE: &str = r"\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]";

/// `Some((host, port))` when `s` is an address (see the module doc), the port as its digits.
/// Both `host:port` forms are tried in turn, the second on the result of the first, so
/// `[a:1]:22` is host `a`, port `1`, as in Ansible.
pub fn parse_address(s: &str) -> Option<(&str, Option<&str>)> {
    let mut addr = s;
    let mut port = None;
    if addr.starts_with('[')
        && let Some((host, digits)) = split_port(addr, bracketed_hostport())
    {
        (addr, port) = (host, Some(digits));
    }
    if addr.contains(':')
        && let Some((host, digits)) = split_port(addr, hostport())
    {
        (addr, port) = (host, Some(digits));
    }
    let only = |alphabet: &dyn Fn(char) -> bool| addr.chars().all(alphabet);
    let ipv4_chars = |c: char| c.is_ascii_digit() || matches!(c, '.' | '[' | ']' | ':');
    // Under `re.I` no character outside ASCII folds to a hex digit.
    let ipv6_chars = |c: char| c.is_ascii_hexdigit() || matches!(c, '.' | '[' | ']' | ':');
    let is = (addr.contains('.') && only(&ipv4_chars) && ipv4().is_match(addr))
        || (addr.contains(':') && only(&ipv6_chars) && ipv6().is_match(addr))
        || is_hostname(addr);
    is.then_some((addr, port))
}

/// `addr` split by a `host:port` form's regex into host and port digits, if it matches.
fn split_port<'a>(addr: &'a str, re: &Regex) -> Option<(&'a str, &'a str)> {
    let c = re.captures(addr)?;
    Some((c.get(1)?.as_str(), c.get(2)?.as_str()))
}

/// True when `s` is an address (see the module doc).
pub fn is_address(s: &str) -> bool {
    parse_address(s).is_some()
}

fn is_hostname(s: &str) -> bool {
    s.split('.')
        .all(|label| is_label(label) && !label.ends_with(['_', '-']))
}

/// `label`'s regex, `^(?:\w|RANGE)(?:[\w-]|RANGE)*$`: by hand on ASCII, where `\w` is
/// `[A-Za-z0-9_]`, a range letter is `[A-Za-z]` (`re.I`; the letters that fold into `a-z` from
/// outside ASCII, `K` and `ſ`, send the label to the regex) and a range's end is never in doubt
/// (digits stop at `:` or `]`).
fn is_label(s: &str) -> bool {
    if !s.is_ascii() {
        return label().is_match(s);
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' || (c == b'-' && i > 0) {
            i += 1;
        } else if let Some(end) = range_end(b, i) {
            i = end;
        } else {
            return false;
        }
    }
    i > 0
}

/// Where an `ALNUM_RANGE` starting at `b[i]` ends (the index after its `]`), if one does.
fn range_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |b: &[u8], i: usize| {
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        (n > 0).then_some(i + n)
    };
    let at = |i: usize| b.get(i).copied();
    if at(i) != Some(b'[') {
        return None;
    }
    i += 1;
    if at(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        if at(i + 1) != Some(b':') || !at(i + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        i += 3;
    } else {
        i = digits(b, i)?;
        if at(i) != Some(b':') {
            return None;
        }
        i = digits(b, i + 1)?;
    }
    if at(i) == Some(b':') {
        i = digits(b, i + 1)?;
    }
    (at(i) == Some(b']')).then_some(i + 1)
}

fn bracketed_hostport() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || r"^\[(.+)\]:([0-9]+)$".into())
}

fn hostport() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || r"^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$".into())
}

fn ipv4() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || {
        let num_range = r"\[[0-9]+:[0-9]+(?::[0-9]+)?\]";
        let v4 = format!("(?:[01]?[0-9]{{1,2}}|2[0-4][0-9]|25[0-5]|{num_range})");
        format!(r"(?i)^(?:{v4}\.){{3}}{v4}$")
    })
}

fn ipv6() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || {
        let hex_range = r"\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\]";
        let v6 = format!("(?:[0-9a-f]{{1,4}}|{hex_range})");
        let forms = [
            format!("(?:{v6}:){{7}}{v6}"),
            format!("(?:{v6}:){{1,6}}:"),
            format!("(?:{v6}:)(?::{v6}){{1,6}}"),
            format!("(?:{v6}:){{2}}(?::{v6}){{1,5}}"),
            format!("(?:{v6}:){{3}}(?::{v6}){{1,4}}"),
            format!("(?:{v6}:){{4}}(?::{v6}){{1,3}}"),
            format!("(?:{v6}:){{5}}(?::{v6}){{1,2}}"),
            format!("(?:{v6}:){{6}}(?::{v6})"),
            format!(":(?::{v6}){{1,6}}"),
            format!("{v6}?::"),
            format!("(?:0:){{6}}(?:{v6}\\.){{3}}{v6}"),
            format!("::(?:ffff:)?(?:{v6}\\.){{3}}{v6}"),
            format!("(?:0:){{5}}ffff:(?:{v6}\\.){{3}}{v6}"),
        ];
        format!("(?i)^(?:{})$", forms.join("|"))
    })
}

fn label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || {
        format!(r"(?i)^(?:\w|{ALNUM_RANGE})(?:[\w-]|{ALNUM_RANGE})*$")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Ansible's parser as written: every regex, always.
    fn by_regexes(s: &str) -> Option<(&str, Option<&str>)> {
        let mut addr = s;
        let mut port = None;
        for re in [bracketed_hostport(), hostport()] {
            if let Some(c) = re.captures(addr) {
                addr = c.get(1)?.as_str();
                port = Some(c.get(2)?.as_str());
            }
        }
        let hostname = addr
            .split('.')
            .all(|l| label().is_match(l) && !l.ends_with(['_', '-']));
        (ipv4().is_match(addr) || ipv6().is_match(addr) || hostname).then_some((addr, port))
    }

    #[test]
    fn hosts_and_ports_as_ansible_splits_them() {
        assert_eq!(parse_address("web1:2222"), Some(("web1", Some("2222"))));
        assert_eq!(parse_address("[::1]:22"), Some(("::1", Some("22"))));
        assert_eq!(parse_address("[a:1]:22"), Some(("a", Some("1"))));
        assert_eq!(parse_address("web[1:3]:22"), Some(("web[1:3]", Some("22"))));
        assert_eq!(parse_address("FE80::1"), Some(("FE80::1", None)));
        assert_eq!(
            parse_address("::FFFF:1.2.3.4"),
            Some(("::FFFF:1.2.3.4", None))
        );
        assert_eq!(parse_address("web[A:C]"), Some(("web[A:C]", None)));
        // `re.I`: the Kelvin sign folds to `k`, so it is a range letter too.
        assert_eq!(
            parse_address("web[\u{212a}:z]"),
            Some(("web[\u{212a}:z]", None))
        );
        assert_eq!(parse_address("web:x"), None);
    }

    #[test]
    fn address_detection() {
        // Differentially checked against ansible's parse_address(allow_ranges=True).
        for ok in [
            "::1",
            "fe80::1",
            "[::1]:22",
            "web1:22",
            "1.2.3.4:5",
            "web[1:3]:22",
            "[a:22]:33",
            "_a",
            "1:2",
            "::ffff:1.2.3.4",
            "héllo",
            "web[0:2]",
            "db[a:c:2].example",
            "10.0.[1:3].1",
        ] {
            assert!(is_address(ok), "{ok}");
        }
        for bad in [
            "a:b",
            "web-",
            "dead:beef",
            "web*",
            "a b",
            "web:",
            "app[0]",
            "-web",
            "web[1:]",
            "a..b",
            "",
        ] {
            assert!(!is_address(bad), "{bad}");
        }
    }

    #[test]
    fn a_range_ends_where_the_regex_says() {
        for (s, end) in [
            ("[1:3]", Some(5)),
            ("[a:c]x", Some(5)),
            ("[10:20:5]", Some(9)),
            ("[a:c:2]", Some(7)),
            ("[a:3]", None),
            ("[1:c]", None),
            ("[ab:c]", None),
            ("[1:3:]", None),
            ("[1:3", None),
            ("[]", None),
        ] {
            assert_eq!(range_end(s.as_bytes(), 0), end, "{s}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// The shortcuts never change the answer: over the characters the regexes care about,
        /// and over pieces shaped like names, ranges, ports and addresses.
        #[test]
        fn shortcuts_agree_with_the_regexes(
            s in prop_oneof![
                "[a-fA-F0-9wxzWXZ_:.\\[\\]é\u{212a} -]{0,14}",
                "(([a-z0-9_-]{1,4}|\\[[0-9a-c]{1,2}:[0-9a-c]{1,2}(:[0-9])?\\])[.:]?){1,4}(:[0-9]{1,3})?",
                "\\[?([0-9a-f]{0,4}:){1,7}[0-9a-f]{0,4}(\\]:[0-9]{1,2})?",
            ],
        ) {
            prop_assert_eq!(parse_address(&s), by_regexes(&s), "{:?}", s);
        }
    }
}
