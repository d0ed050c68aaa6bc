//! The two line shapes of the INI reader that Ansible matches with regexes
//! (ansible-inventory.md §3): a section header (`[name]`, `[name:word]`) and a group name
//! under `[g:children]`, each with an optional trailing `# comment`.
//!
//! Ansible's regexes (kept below, with Python's Unicode `\s` and `\w`) are what decides. They
//! take about a millisecond to compile, on the path of every command that reads an INI
//! inventory, so ASCII lines (nearly all of them) are matched by hand with exactly the same
//! result (a property test compares the two) and the regexes are only compiled for a line that
//! needs them.

use super::built_in_regex;
use regex::Regex;
use std::sync::OnceLock;

/// A section header: `[name]` or `[name:word]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    pub name: &'a str,
    pub word: Option<&'a str>,
}

const SECTION: &str = r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$";
const GROUP_NAME: &str = r"^([^:\]\s]+)\s*(?:#.*)?$";

fn section_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || SECTION.into())
}

fn group_name_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    built_in_regex(&RE, || GROUP_NAME.into())
}

/// [`section`] by Ansible's regex.
fn section_by_regex(line: &str) -> Option<Section<'_>> {
    let c = section_regex().captures(line)?;
    Some(Section {
        name: c.get(1).map_or("", |m| m.as_str()),
        word: c.get(2).map(|m| m.as_str()),
    })
}

/// [`group_name`] by Ansible's regex.
fn group_name_by_regex(line: &str) -> Option<&str> {
    group_name_regex()
        .captures(line)?
        .get(1)
        .map(|m| m.as_str())
}

/// `line` as a section header, if it is one.
pub fn section(line: &str) -> Option<Section<'_>> {
    if !line.starts_with('[') {
        return None;
    }
    if line.is_ascii() {
        return section_ascii(line);
    }
    section_by_regex(line)
}

/// The group name a `[g:children]` line names, if it is one.
pub fn group_name(line: &str) -> Option<&str> {
    if line.is_ascii() {
        return group_name_ascii(line);
    }
    group_name_by_regex(line)
}

/// The regex `\s` on ASCII: Unicode White_Space (which, unlike `u8::is_ascii_whitespace`,
/// includes the vertical tab).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// The regex `\w` on ASCII.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `[^:\]\s]+` at the start of `s`, as long as it goes: the name and what follows it.
fn name(s: &str) -> Option<(&str, &str)> {
    let len = s
        .bytes()
        .take_while(|&b| b != b':' && b != b']' && !is_space(b))
        .count();
    (len > 0).then(|| s.split_at(len))
}

/// `\s*(?:#.*)?$`: only spaces, then nothing or a comment (which, as `.` does not match a
/// newline, has none).
fn comment_or_end(s: &str) -> bool {
    let rest = s.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
    rest.is_empty() || (rest.starts_with('#') && !rest.contains('\n'))
}

/// The longest name is the regex's choice: a shorter one would leave a name character where
/// `:` or `]` must follow.
fn section_ascii(line: &str) -> Option<Section<'_>> {
    let (name, rest) = name(line.strip_prefix('[')?)?;
    let (word, rest) = match rest.strip_prefix(':') {
        Some(after) => {
            let len = after.bytes().take_while(|&b| is_word(b)).count();
            if len == 0 {
                return None;
            }
            let (word, rest) = after.split_at(len);
            (Some(word), rest)
        }
        None => (None, rest),
    };
    let rest = rest.strip_prefix(']')?;
    comment_or_end(rest).then_some(Section { name, word })
}

fn group_name_ascii(line: &str) -> Option<&str> {
    let (name, rest) = name(line)?;
    if comment_or_end(rest) {
        return Some(name);
    }
    // `#` is a name character too: when the whole name is not followed by the end, the regex
    // backtracks to the last `#` in it that starts a comment (`db#x]` names `db`).
    let cut = name.rfind('#').filter(|&k| k > 0)?;
    comment_or_end(&line[cut..]).then_some(&line[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn headers_and_group_names_as_ansible_reads_them() {
        let s = |name, word| Some(Section { name, word });
        assert_eq!(section("[web]"), s("web", None));
        assert_eq!(section("[web:vars]  # x"), s("web", Some("vars")));
        assert_eq!(section("[web:children]#"), s("web", Some("children")));
        assert_eq!(section("[web:]"), None);
        assert_eq!(section("[web :vars]"), None);
        assert_eq!(section("[web]x"), None);
        assert_eq!(section("[wéb:vars]"), s("wéb", Some("vars")));
        assert_eq!(section("[web:värs]"), s("web", Some("värs")));
        assert_eq!(group_name("db # primary"), Some("db"));
        assert_eq!(group_name("db\x0b"), Some("db"));
        assert_eq!(group_name("db x"), None);
        assert_eq!(group_name("db:x"), None);
        assert_eq!(group_name("dé\u{a0}"), Some("dé"));
        assert_eq!(group_name("db#x]"), Some("db"));
        assert_eq!(group_name("db#x#y]"), Some("db#x"));
        assert_eq!(group_name("db#x\ny"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// On ASCII lines (made of the characters that matter to the regexes), the hand
        /// matchers give exactly what Ansible's regexes give.
        #[test]
        fn hand_matching_agrees_with_the_regexes(line in "[\\[\\]:# \t\n\x0b\x0c\ra-c_0.-]{0,12}") {
            prop_assert_eq!(section(&line), section_by_regex(&line));
            prop_assert_eq!(group_name(&line), group_name_by_regex(&line));
        }
    }
}
