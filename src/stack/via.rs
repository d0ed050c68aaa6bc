//! The `mitogen_via` grammar: `[[become_method:]become_user@]inventory_name`, split at the LAST
//! `@`, then the left part at its LAST `:`; empty parts are absent (mitogen-stack.md §2.1).

/// One parsed via string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub become_method: Option<String>,
    pub become_user: Option<String>,
    pub inventory_name: String,
}

/// Parses a via string exactly as Mitogen does (no trimming, no validation).
pub fn parse(s: &str) -> Via {
    let (left, name) = match s.rfind('@') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => ("", s),
    };
    let (method, user) = match left.rfind(':') {
        Some(i) => (&left[..i], &left[i + 1..]),
        None => ("", left),
    };
    let opt = |x: &str| {
        if x.is_empty() {
            None
        } else {
            Some(x.to_string())
        }
    };
    Via {
        become_method: opt(method),
        become_user: opt(user),
        inventory_name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via(m: Option<&str>, u: Option<&str>, n: &str) -> Via {
        Via {
            become_method: m.map(String::from),
            become_user: u.map(String::from),
            inventory_name: n.to_string(),
        }
    }

    #[test]
    fn grammar_table() {
        // mitogen-stack.md §2.1, every row of the table.
        assert_eq!(parse("bastion"), via(None, None, "bastion"));
        assert_eq!(parse("root@bastion"), via(None, Some("root"), "bastion"));
        assert_eq!(
            parse("su:root@bastion"),
            via(Some("su"), Some("root"), "bastion")
        );
        assert_eq!(parse("sudo:@bastion"), via(Some("sudo"), None, "bastion"));
        assert_eq!(parse(":root@h"), via(None, Some("root"), "h"));
        assert_eq!(parse("a@b@host"), via(None, Some("a@b"), "host"));
        assert_eq!(parse("x:y:root@h"), via(Some("x:y"), Some("root"), "h"));
        assert_eq!(parse("root@"), via(None, Some("root"), ""));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips_name(s in "\\PC*") {
            let v = parse(&s);
            proptest::prop_assert!(s.ends_with(&v.inventory_name));
        }
    }
}
