//! Host names as inventories write them: `host:port`, `[v6]:port`, and range expansion
//! (`web[01:10]`, `db-[a:f]`, `[1:10:2]`), plus host-list sources (`-i a,b:2222,`).
//! ansible-inventory.md §2.1 and §4.

use super::Inventory;
use crate::error::SourceError;
use crate::origin::Origin;

/// Upper bound on the hosts one pattern may expand to (Python would try to build any size).
const MAX_EXPANDED_HOSTS: usize = 1_000_000;

const ASCII_LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Ansible's address parser ([`super::address`]): `Some((host, port))` when the token is a
/// valid address with an optional port, `None` when it is not, or when its port does not fit
/// an i64 (callers then keep the token whole).
fn parse_address(token: &str) -> Option<(String, Option<i64>)> {
    let (host, port) = super::address::parse_address(token)?;
    let port = port.map(str::parse::<i64>).transpose().ok()?;
    Some((host.to_string(), port))
}

/// Splits `token` into (address, port) per §4.1; an invalid name is kept whole with no port.
pub fn split_host_port(token: &str) -> (String, Option<i64>) {
    // Without `:` there is no port and without `[` no range: valid or not, the token is the
    // name (§4.1 step 4), so the address grammar need not run.
    if !token.contains([':', '[']) {
        return (token.to_string(), None);
    }
    parse_address(token).unwrap_or_else(|| (token.to_string(), None))
}

/// Ansible's `_expand_hostpattern` shared by the INI, YAML and TOML readers: split off the port
/// (§4.1), then expand ranges if the name has a `[` (§4.2). The port applies to every host.
pub fn expand_hostpattern(token: &str) -> Result<(Vec<String>, Option<i64>), String> {
    let (pattern, port) = split_host_port(token);
    let hosts = if pattern.contains('[') {
        expand_hostname_range(&pattern)?
    } else {
        vec![pattern]
    };
    Ok((hosts, port))
}

/// Python's `int(str)` for base 10: surrounding whitespace, a sign, digits with single
/// underscores between them. Errors with Python's message.
pub(crate) fn py_int(s: &str) -> Result<i64, String> {
    let err = || {
        format!(
            "invalid literal for int() with base 10: {}",
            crate::value::py_str_repr(s)
        )
    };
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return Err(err());
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v: i64 = clean
        .parse()
        .map_err(|_| "integer value too large".to_string())?;
    Ok(if neg { -v } else { v })
}

/// Python's `str.zfill(width)`.
fn zfill(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let pad = "0".repeat(width - len);
    match s.strip_prefix(['-', '+']) {
        Some(rest) => format!("{}{}{}", &s[..1], pad, rest),
        None => format!("{pad}{s}"),
    }
}

/// Expands the ranges of one host pattern (§4.2), left range outermost.
pub fn expand_hostname_range(pattern: &str) -> Result<Vec<String>, String> {
    // Depth-first with an explicit stack (same order and first error as Ansible's recursion,
    // without risking our own stack on thousands of ranges).
    let mut out = Vec::new();
    let mut stack: Vec<(String, usize)> = vec![(pattern.to_string(), 0)];
    while let Some((name, depth)) = stack.pop() {
        if depth > 0 && !name.contains('[') {
            out.push(name);
            if out.len() > MAX_EXPANDED_HOSTS {
                return Err(format!(
                    "host range expands to more than {MAX_EXPANDED_HOSTS} hosts"
                ));
            }
            continue;
        }
        if depth > MAX_RANGES {
            return Err("maximum recursion depth exceeded while calling a Python object".into());
        }
        let names = expand_first(&name)?;
        stack.extend(names.into_iter().rev().map(|n| (n, depth + 1)));
    }
    Ok(out)
}

/// Python stops the recursion (one level per range) near its recursion limit.
const MAX_RANGES: usize = 900;

/// Expands the first bracket of `line` (the text around it kept as is).
fn expand_first(line: &str) -> Result<Vec<String>, String> {
    if line.is_empty() {
        return Ok(Vec::new());
    }
    // The first `[` and then the first `]` become separators; exactly three parts must result.
    let replaced = line.replacen('[', "|", 1).replacen(']', "|", 1);
    let parts: Vec<&str> = replaced.split('|').collect();
    let (head, nrange, tail) = match parts.as_slice() {
        [h, r, t] => (*h, *r, *t),
        [..] if parts.len() > 3 => {
            return Err("too many values to unpack (expected 3)".into());
        }
        _ => {
            return Err(format!(
                "not enough values to unpack (expected 3, got {})",
                parts.len()
            ));
        }
    };
    let bounds: Vec<&str> = nrange.split(':').collect();
    let (beg, end, step) = match bounds.as_slice() {
        [b, e] => (*b, *e, None),
        [b, e, s] => (*b, *e, Some(*s)),
        _ => return Err("host range must be begin:end or begin:end:step".into()),
    };
    let beg = if beg.is_empty() { "0" } else { beg };
    if end.is_empty() {
        return Err("host range must specify end value".into());
    }
    let pad = if beg.starts_with('0') && beg.chars().count() > 1 {
        let width = beg.chars().count();
        if width != end.chars().count() {
            return Err("host range must specify equal-length begin and end formats".into());
        }
        Some(width)
    } else {
        None
    };
    let fill = |s: String| match pad {
        Some(w) => zfill(&s, w),
        None => s,
    };
    let seq: Vec<String> = match (ASCII_LETTERS.find(beg), ASCII_LETTERS.find(end)) {
        (Some(ib), Some(ie)) => {
            if ib > ie {
                return Err("host range must have begin <= end".into());
            }
            ASCII_LETTERS
                .get(ib..=ie)
                .unwrap_or_default()
                .chars()
                .map(|c| fill(c.to_string()))
                .collect()
        }
        _ => {
            let b = py_int(beg)?;
            let e = py_int(end)?;
            let s = match step {
                Some(s) => py_int(s)?,
                None => 1,
            };
            if s == 0 {
                return Err("range() arg 3 must not be zero".into());
            }
            let stop = e.checked_add(1).ok_or("host range bound is too large")?;
            let count = if s > 0 {
                if stop > b {
                    (i128::from(stop) - i128::from(b) + i128::from(s) - 1) / i128::from(s)
                } else {
                    0
                }
            } else if b > stop {
                (i128::from(b) - i128::from(stop) - i128::from(s) - 1) / -i128::from(s)
            } else {
                0
            };
            if count > MAX_EXPANDED_HOSTS as i128 {
                return Err(format!(
                    "host range expands to more than {MAX_EXPANDED_HOSTS} hosts"
                ));
            }
            let mut v = Vec::new();
            let mut i = i128::from(b);
            for _ in 0..count {
                v.push(fill(i.to_string()));
                i += i128::from(s);
            }
            v
        }
    };
    Ok(seq
        .into_iter()
        .map(|item| format!("{head}{item}{tail}"))
        .collect())
}

/// Reads a host-list source (`a.example,b.example:2222,[::1]:2200,`) into `ungrouped`.
/// Items are stripped; ranges are not expanded (an item with `[` that is not `[v6]:port` is
/// kept whole); a host already in the inventory is left alone, port included.
pub fn parse_host_list(inv: &mut Inventory, spec: &str) -> Result<(), SourceError> {
    let origin = Origin::Cli(format!("-i {spec}"));
    for item in spec.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (host, port) = match parse_address(item) {
            Some((h, p)) if !h.contains('[') => (h, p),
            _ => (item.to_string(), None),
        };
        if !inv.hosts.contains_key(&host) {
            // A zero port is falsy to Ansible's Host and is not recorded.
            let port = port.filter(|p| *p != 0);
            inv.add_host(&host, Some("ungrouped"), port, &origin);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    // ansible-inventory.md §4.1; checked with ansible-inventory 2.19.14 INI host lines.
    #[test]
    fn split_forms() {
        assert_eq!(split_host_port("[::1]:2200"), ("::1".into(), Some(2200)));
        assert_eq!(split_host_port("::1"), ("::1".into(), None));
        assert_eq!(
            split_host_port("fe80::1%eth0"),
            ("fe80::1%eth0".into(), None)
        );
        assert_eq!(
            split_host_port("weird@host:22"),
            ("weird@host:22".into(), None)
        );
        assert_eq!(split_host_port("h=1"), ("h=1".into(), None));
        assert_eq!(
            split_host_port("b.example:2222"),
            ("b.example".into(), Some(2222))
        );
        assert_eq!(
            split_host_port("10.0.0.[1:2]:22"),
            ("10.0.0.[1:2]".into(), Some(22))
        );
        assert_eq!(
            split_host_port("app[1:2]:2222"),
            ("app[1:2]".into(), Some(2222))
        );
        // Both port forms are applied in turn, as Ansible does.
        assert_eq!(split_host_port("[a:1]:22"), ("a".into(), Some(1)));
        assert_eq!(split_host_port("[zz]:23"), ("zz".into(), Some(23)));
        assert_eq!(split_host_port("[_a]:22"), ("_a".into(), Some(22)));
        assert_eq!(split_host_port("[a.b-c.d]:1"), ("a.b-c.d".into(), Some(1)));
        assert_eq!(
            split_host_port("[1:2:3:4:5:6:7:8]:22"),
            ("1:2:3:4:5:6:7:8".into(), Some(22))
        );
        assert_eq!(
            split_host_port("[::ffff:1.2.3.4]:22"),
            ("::ffff:1.2.3.4".into(), Some(22))
        );
        for invalid in [
            "[z@z]:22",
            "[::1zz]:22",
            "[a_]:22",
            "[-a]:22",
            "[fe80::1%eth0]:22",
        ] {
            assert_eq!(split_host_port(invalid), (invalid.to_string(), None));
        }
    }

    // ansible-inventory.md §4.2; every case checked with ansible-inventory 2.19.14.
    #[test]
    fn ranges() {
        let e = |p: &str| expand_hostname_range(p);
        assert_eq!(
            e("rack[1:2]-u[a:b]").unwrap(),
            names(&["rack1-ua", "rack1-ub", "rack2-ua", "rack2-ub"])
        );
        assert_eq!(
            e("web[01:03]").unwrap(),
            names(&["web01", "web02", "web03"])
        );
        assert_eq!(e("x[:2]").unwrap(), names(&["x0", "x1", "x2"]));
        assert_eq!(e("l[y:B]").unwrap(), names(&["ly", "lz", "lA", "lB"]));
        assert_eq!(e("s[1:7:3]").unwrap(), names(&["s1", "s4", "s7"]));
        assert_eq!(e("r[3:1]").unwrap(), Vec::<String>::new());
        assert_eq!(e("ab[ab:cd]").unwrap(), names(&["aba", "abb", "abc"]));
        assert_eq!(e("neg[5:1:-2]").unwrap(), names(&["neg5", "neg3"]));
        assert_eq!(e("z[0:-2:-1]").unwrap(), names(&["z0"]));
        assert_eq!(e("zz[-1:1]").unwrap(), names(&["zz-1", "zz0", "zz1"]));
        assert_eq!(e("pad[00:-1:-1]").unwrap(), Vec::<String>::new());
    }

    // ansible-inventory.md §4.2 error table (texts from the real tool).
    #[test]
    fn range_errors() {
        let e = |p: &str| expand_hostname_range(p).unwrap_err();
        assert_eq!(
            e("h[01:100]"),
            "host range must specify equal-length begin and end formats"
        );
        assert_eq!(e("h[1:]"), "host range must specify end value");
        assert_eq!(e("h[1]"), "host range must be begin:end or begin:end:step");
        assert_eq!(
            e("h[1:2:3:4]"),
            "host range must be begin:end or begin:end:step"
        );
        assert_eq!(e("h[b:a]"), "host range must have begin <= end");
        assert_eq!(e("h[1:3:0]"), "range() arg 3 must not be zero");
        assert_eq!(
            e("h[1:2"),
            "not enough values to unpack (expected 3, got 2)"
        );
        assert_eq!(e("h[a:5]"), "invalid literal for int() with base 10: 'a'");
        assert_eq!(e("h|x[1:2]"), "too many values to unpack (expected 3)");
        assert_eq!(e("[::1zz]:22"), "host range must specify end value");
    }

    // ansible-inventory.md §2.1: `-i ' a, b:2222,[::1]:2200,a:33, c[1:2] ,d[1:2]:22,[e]:5,'`
    // gives exactly these hosts and ports in the real tool.
    #[test]
    fn host_list() {
        let mut inv = Inventory::new();
        parse_host_list(
            &mut inv,
            " a, b:2222,[::1]:2200,a:33, c[1:2] ,d[1:2]:22,[e]:5,",
        )
        .unwrap();
        assert_eq!(
            inv.groups["ungrouped"].hosts,
            names(&["a", "b", "::1", "c[1:2]", "d[1:2]:22", "e"])
        );
        let port = |h: &str| {
            inv.hosts[h]
                .vars
                .get("ansible_port")
                .map(|v| v.value.clone())
        };
        assert_eq!(port("a"), None);
        assert_eq!(port("b"), Some(crate::value::Value::Int(2222)));
        assert_eq!(port("::1"), Some(crate::value::Value::Int(2200)));
        assert_eq!(port("e"), Some(crate::value::Value::Int(5)));
        assert_eq!(port("d[1:2]:22"), None);
    }

    #[test]
    fn deep_range_nesting_is_refused_not_overflowed() {
        let many = "[0:0]".repeat(5000);
        assert!(expand_hostname_range(&many).is_err());
        assert_eq!(
            expand_hostname_range(&"[0:0]".repeat(50)).unwrap(),
            ["0".repeat(50)]
        );
    }

    #[test]
    fn huge_ranges_are_refused_not_built() {
        assert!(expand_hostname_range("h[0:99999999999]").is_err());
        assert!(expand_hostname_range("h[0:9999][0:9999]").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(raw in "\\PC{0,30}") {
            let _ = expand_hostname_range(&raw);
            let _ = split_host_port(&raw);
        }

        #[test]
        fn never_panics_on_rangeish(raw in "[a-c0-9\\[\\]:|_.-]{0,24}") {
            let _ = expand_hostname_range(&raw);
            let _ = split_host_port(&raw);
        }
    }
}
