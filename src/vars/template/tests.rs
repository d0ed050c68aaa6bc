//! Rendering tests (`ansible-inventory.md` §11, §12). Every expected value was checked against
//! ansible-core 2.19.14 with an inventory holding the same variables, running
//! `ansible HOST -i inv.yml -c local -m debug -a var=NAME -o` (named "var-probe" below) or
//! `ansible HOST -i inv.yml -c local -m debug -a 'msg={{ … }}'` ("msg-probe").

use super::*;
use crate::value::{Map, Value};
use std::collections::BTreeMap;

/// An in-memory inventory: host → unrendered vars, group → hosts.
#[derive(Default)]
struct Inv {
    hosts: BTreeMap<String, Arc<Map>>,
    groups: BTreeMap<String, Vec<String>>,
}

impl Inv {
    fn host(mut self, name: &str, vars: &[(&str, Value)]) -> Inv {
        let m: Map = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.hosts.insert(name.to_string(), Arc::new(m));
        self.groups
            .entry("all".into())
            .or_default()
            .push(name.to_string());
        self
    }
    fn group(mut self, group: &str, hosts: &[&str]) -> Inv {
        self.groups.insert(
            group.to_string(),
            hosts.iter().map(|h| h.to_string()).collect(),
        );
        self
    }
}

impl VarsProvider for Inv {
    fn host_vars(&self, host: &str) -> Option<Arc<Map>> {
        self.hosts.get(host).cloned()
    }
    fn groups(&self) -> Map {
        self.groups
            .iter()
            .map(|(g, hs)| {
                (
                    g.clone(),
                    Value::List(hs.iter().map(|h| Value::str(h.as_str())).collect()),
                )
            })
            .collect()
    }
    fn group_names(&self, host: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .groups
            .iter()
            .filter(|(g, hs)| *g != "all" && hs.iter().any(|h| h == host))
            .map(|(g, _)| g.clone())
            .collect();
        names.sort();
        names
    }
}

fn s(x: &str) -> Value {
    Value::str(x)
}

/// The probe inventory: `web1.example.com` (ungrouped) and `bastion` (group `g1`).
fn inv() -> Inv {
    Inv::default()
        .host(
            "web1.example.com",
            &[
                ("domain", s("example.org")),
                ("port_base", Value::Int(2200)),
                ("aa", s("{{ missing }}")),
                ("m", s("{{ n }}")),
                ("n", s("{{ m }}")),
                ("selfref", s("{{ selfref }}")),
                ("y", Value::Unsafe("{{ nope }}".into())),
                ("z", s("{{ y }}")),
                (
                    "vaulted",
                    Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n6162".into()),
                ),
                ("chain1", s("{{ chain2 }}-1")),
                ("chain2", s("{{ inventory_hostname_short }}-2")),
                (
                    "mm",
                    Value::Map(
                        [
                            ("a".to_string(), s("{{ 1 }}")),
                            ("b".to_string(), s("{{ missing }}")),
                        ]
                        .into_iter()
                        .collect(),
                    ),
                ),
                (
                    "ll",
                    Value::List(vec![s("{{ ll[1] }}"), s("{{ ll[0] }}"), s("{{ domain }}")]),
                ),
            ],
        )
        .host(
            "bastion",
            &[
                ("x", s("{{ inventory_hostname }}-x")),
                ("ansible_host", s("{{ inventory_hostname }}.bast")),
            ],
        )
        .group("g1", &["bastion"])
        .group("ungrouped", &["web1.example.com"])
}

fn r(tmpl: &str) -> Result<Value, TemplateError> {
    render(&s(tmpl), "web1.example.com", &inv())
}

fn ok(tmpl: &str) -> Value {
    match r(tmpl) {
        Ok(v) => v,
        Err(e) => panic!("{tmpl:?} failed: {e}"),
    }
}

fn fail(tmpl: &str) -> String {
    match r(tmpl) {
        Ok(v) => panic!("{tmpl:?} rendered to {v:?}, expected an error"),
        Err(e) => e.message,
    }
}

#[test]
fn native_types_for_a_single_expression() {
    // var-probe: a: "{{ 2200 + 22 }}" → 2222; e: "{{ [1, 2] }}" → [1, 2]; f → true; g → null;
    // u → 1.5; v → {"a": 1}; t: "{{ '5' }}" → "5" (no literal_eval in 2.19);
    // d: "{{ '[1, 2]' }}" → "[1, 2]".
    assert_eq!(ok("{{ 2200 + 22 }}"), Value::Int(2222));
    assert_eq!(
        ok("{{ [1, 2] }}"),
        Value::List(vec![Value::Int(1), Value::Int(2)])
    );
    assert_eq!(ok("{{ true }}"), Value::Bool(true));
    assert_eq!(ok("{{ none }}"), Value::Null);
    assert_eq!(ok("{{ 1.5 }}"), Value::Float(1.5));
    assert_eq!(
        ok("{{ {'a': 1} }}"),
        Value::Map([("a".to_string(), Value::Int(1))].into_iter().collect())
    );
    assert_eq!(ok("{{ '5' }}"), s("5"));
    assert_eq!(ok("{{ '[1, 2]' }}"), s("[1, 2]"));
    assert_eq!(ok("{{ port_base + 22 }}"), Value::Int(2222));
    // var-probe: p02: "{% if true %}{{ 5 }}{% endif %}" → 5; p03: "{{ 1 }}{# c #}" → 1;
    // p17: "{% if false %}x{% endif %}" → null.
    assert_eq!(ok("{% if true %}{{ 5 }}{% endif %}"), Value::Int(5));
    assert_eq!(ok("{{ 1 }}{# c #}"), Value::Int(1));
    assert_eq!(ok("{% if false %}x{% endif %}"), Value::Null);
}

#[test]
fn mixed_output_is_text() {
    // var-probe: b: "{{ 1 }}{{ 2 }}" → "12"; c: " {{ 1 }}" → " 1"; x: "{{ 1 }} " → "1 ";
    // p16: "{{ 1 }}{{ '' }}" → "1"; p05: "x{{ true }}{{ none }}{{ 1.0 }}" → "xTrue1.0".
    assert_eq!(ok("{{ 1 }}{{ 2 }}"), s("12"));
    assert_eq!(ok(" {{ 1 }}"), s(" 1"));
    assert_eq!(ok("{{ 1 }} "), s("1 "));
    assert_eq!(ok("{{ 1 }}{{ '' }}"), s("1"));
    assert_eq!(ok("x{{ true }}{{ none }}{{ 1.0 }}"), s("xTrue1.0"));
    // var-probe p04: Python str() of containers.
    assert_eq!(
        ok("x{{ {'a': 1, 'b': [true, none, 1.0, 'q'], 'c': 'its'} }}"),
        s("x{'a': 1, 'b': [True, None, 1.0, 'q'], 'c': 'its'}")
    );
}

#[test]
fn host_context_and_magic_vars() {
    // var-probe: h: "{{ inventory_hostname }}.{{ domain }}" → "web1.example.com.example.org";
    // o → "web1"; p: "{{ group_names }}" → ["ungrouped"]; q: "{{ groups.g1 }}" → ["bastion"].
    assert_eq!(
        ok("{{ inventory_hostname }}.{{ domain }}"),
        s("web1.example.com.example.org")
    );
    assert_eq!(ok("{{ inventory_hostname_short }}"), s("web1"));
    assert_eq!(ok("{{ group_names }}"), Value::List(vec![s("ungrouped")]));
    assert_eq!(ok("{{ groups.g1 }}"), Value::List(vec![s("bastion")]));
    assert_eq!(ok("{{ groups['all'] | length }}"), Value::Int(2));
}

#[test]
fn hostvars_render_in_their_own_host_context() {
    // var-probe: r: "{{ hostvars['bastion'].ansible_host }}" → "bastion.bast";
    // s: "{{ hostvars.bastion['x'] }}" → "bastion-x"; p26: hostvars['h1']['domain'].
    assert_eq!(
        ok("{{ hostvars['bastion'].ansible_host }}"),
        s("bastion.bast")
    );
    assert_eq!(ok("{{ hostvars.bastion['x'] }}"), s("bastion-x"));
    assert_eq!(
        ok("{{ hostvars[inventory_hostname]['domain'] }}"),
        s("example.org")
    );
    assert_eq!(
        ok("{{ hostvars['bastion'].inventory_hostname }}"),
        s("bastion")
    );
    // var-probe p09: "{{ hostvars['nohost'].x | default('d') }}" → "d"; p08 errors.
    assert_eq!(ok("{{ hostvars['nohost'].x | default('d') }}"), s("d"));
    let msg = fail("{{ hostvars['nohost'].x }}");
    assert!(msg.contains("nohost"), "{msg}");
}

#[test]
fn lazy_recursive_vars_and_cycles() {
    assert_eq!(ok("{{ chain1 }}"), s("web1-2-1"));
    // var-probe m: "{{ n }}", n: "{{ m }}" → "Recursive loop detected in template".
    let msg = fail("{{ m }}");
    assert!(
        msg.starts_with("recursive loop detected in template"),
        "{msg}"
    );
    let msg = fail("{{ selfref }}");
    assert!(
        msg.starts_with("recursive loop detected in template"),
        "{msg}"
    );
    let msg = fail("{{ m | default('x') }}");
    assert!(msg.contains("recursive loop"), "{msg}");
}

#[test]
fn undefined_handling() {
    // var-probe i: "{{ missing }}" → "'missing' is undefined"; j, k: default → "x";
    // p10: "{{ missing.attr }}" → "'missing' is undefined"; l: default(x, true) on '' → "x";
    // p24: "{{ '' | default('x') }}" → ""; p25: none | default('x') → null;
    // p06: aa: "{{ missing }}", "{{ aa | default('y') }}" → "y".
    assert_eq!(fail("{{ missing }}"), "'missing' is undefined");
    assert_eq!(fail("{{ missing.attr }}"), "'missing' is undefined");
    assert_eq!(ok("{{ missing | default('x') }}"), s("x"));
    assert_eq!(ok("{{ missing | d('x') }}"), s("x"));
    assert_eq!(ok("{{ missing.attr | default('x') }}"), s("x"));
    assert_eq!(ok("{{ '' | default('x', true) }}"), s("x"));
    assert_eq!(ok("{{ '' | default('x') }}"), s(""));
    assert_eq!(ok("{{ none | default('x') }}"), Value::Null);
    assert_eq!(ok("{{ missing | default(none) }}"), Value::Null);
    assert_eq!(ok("{{ aa | default('y') }}"), s("y"));
    assert_eq!(fail("{{ aa }}"), "'missing' is undefined");
    // var-probe p28: tests.
    assert_eq!(
        ok(
            "{{ 'x' is defined }}{{ missing is undefined }}{{ none is none }}{{ 1 is number }}{{ 'a' is string }}"
        ),
        s("TrueTrueTrueTrueTrue")
    );
    // var-probe p19: mandatory fails on an undefined value.
    assert!(
        fail("{{ missing | mandatory }}").contains("ndefined")
            || fail("{{ missing | mandatory }}").contains("Mandatory")
    );
}

#[test]
fn unsafe_and_vault_are_never_rendered() {
    // var-probe y: !unsafe "{{ nope }}" → "{{ nope }}"; z: "{{ y }}" → "{{ nope }}".
    let p = inv();
    assert_eq!(
        render(&Value::Unsafe("{{ nope }}".into()), "bastion", &p).unwrap(),
        Value::Unsafe("{{ nope }}".into())
    );
    assert_eq!(
        render_var("y", "web1.example.com", &p).unwrap(),
        Some(Value::Unsafe("{{ nope }}".into()))
    );
    assert_eq!(ok("{{ y }}"), Value::Unsafe("{{ nope }}".into()));
    assert_eq!(ok("{{ z }}"), Value::Unsafe("{{ nope }}".into()));
    // var-probe p01: "{{ '{{ 1 }}' }}" → "{{ 1 }}": a result is not rendered again.
    assert_eq!(ok("{{ '{{ 1 }}' }}"), Value::Unsafe("{{ 1 }}".into()));
    assert!(!needs_render(&Value::Unsafe("{{ x }}".into())));
    assert!(!needs_render(&Value::Vault("{{ x }}".into())));
    assert!(needs_render(&Value::List(vec![
        Value::Int(1),
        s("{# c #}")
    ])));
    assert!(!needs_render(&s("plain { text }")));
    // A vault value passes through a bare expression untouched, but cannot be put into text.
    assert_eq!(
        ok("{{ vaulted }}"),
        Value::Vault("$ANSIBLE_VAULT;1.1;AES256\n6162".into())
    );
    assert!(fail("pw={{ vaulted }}").contains("vault"));
}

#[test]
fn containers_render_values_not_keys() {
    // var-probe p11: {"{{ domain }}": "{{ 1 + 1 }}"} → {"{{ domain }}": 2};
    // p12: ["{{ domain }}", 2, "{{ 3 }}"] → ["example.org", 2, 3].
    let p = inv();
    let m: Map = [("{{ domain }}".to_string(), s("{{ 1 + 1 }}"))]
        .into_iter()
        .collect();
    let want: Map = [("{{ domain }}".to_string(), Value::Int(2))]
        .into_iter()
        .collect();
    assert_eq!(
        render(&Value::Map(m), "web1.example.com", &p).unwrap(),
        Value::Map(want)
    );
    let l = Value::List(vec![s("{{ domain }}"), Value::Int(2), s("{{ 3 }}")]);
    assert_eq!(
        render(&l, "web1.example.com", &p).unwrap(),
        Value::List(vec![s("example.org"), Value::Int(2), Value::Int(3)])
    );
}

#[test]
fn render_var_names_host_and_var() {
    let p = inv();
    assert_eq!(
        render_var("x", "bastion", &p).unwrap(),
        Some(s("bastion-x"))
    );
    assert_eq!(render_var("nope", "bastion", &p).unwrap(), None);
    assert_eq!(
        render_var("domain", "web1.example.com", &p).unwrap(),
        Some(s("example.org"))
    );
    let e = render_var("aa", "web1.example.com", &p).unwrap_err();
    assert_eq!(e.var.as_deref(), Some("aa"));
    assert!(
        e.message.contains("web1.example.com") && e.message.contains("'missing' is undefined"),
        "{e}"
    );
    assert!(e.to_string().contains("aa"));
    assert!(render_var("x", "ghost", &p).is_err());
}

#[test]
fn syntax_errors_are_errors() {
    // var-probe p15: "{{ 1 + }}" → "Syntax error in template: …".
    assert!(fail("{{ 1 + }}").starts_with("syntax error in template"));
    assert!(fail("{% if %}").starts_with("syntax error in template"));
}

#[test]
fn ansible_filters() {
    // var-probe p13: "'a b'|False|YWJj|{\"a\": 1, \"b\": \"x\"}|a-b|1|5|0|1"
    assert_eq!(
        ok(
            "{{ 'a b' | quote }}|{{ 'no' | bool }}|{{ 'abc' | b64encode }}|{{ {'a':1,'b':'x'} | to_json }}|{{ 'a.b' | regex_replace('\\.', '-') }}|{{ 'a' | ternary(1,2) }}|{{ '5' | int }}|{{ 'x' | int }}|{{ '1.5' | int }}"
        ),
        s("'a b'|False|YWJj|{\"a\": 1, \"b\": \"x\"}|a-b|1|5|0|1")
    );
    // var-probe p38: 't' and 2 are False for 2.19's bool filter.
    assert_eq!(
        ok(
            "{{ 'on' | bool }}{{ 'Yes' | bool }}{{ 't' | bool }}{{ 2 | bool }}{{ 1 | bool }}{{ none | bool }}"
        ),
        s("TrueTrueFalseFalseTrueFalse")
    );
    assert_eq!(ok("{{ 'yes' | bool }}"), Value::Bool(true)); // var-probe w
    assert_eq!(ok("{{ ['a','b'] | join(',') }}"), s("a,b")); // p27
    assert_eq!(
        ok("{{ [1,2] | first }}{{ [1,2] | last }}{{ [1,2] | length }}"),
        s("122")
    ); // p29
    let ab: Map = [
        ("a".to_string(), Value::Int(1)),
        ("b".to_string(), Value::Int(2)),
    ]
    .into_iter()
    .collect();
    assert_eq!(ok("{{ {'a':1} | combine({'b':2}) }}"), Value::Map(ab)); // p30
    let item: Map = [
        ("key".to_string(), s("a")),
        ("value".to_string(), Value::Int(1)),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        ok("{{ {'a':1} | dict2items }}"),
        Value::List(vec![Value::Map(item)])
    ); // p31
    let a1: Map = [("a".to_string(), Value::Int(1))].into_iter().collect();
    assert_eq!(
        ok("{{ [{'key':'a','value':1}] | items2dict }}"),
        Value::Map(a1)
    ); // p32
    assert_eq!(ok("{{ 'YWJj' | b64decode }}"), s("abc")); // p33
    assert_eq!(
        ok("{{ '/a/b/c.txt' | basename }}{{ '/a/b/c.txt' | dirname }}"),
        s("c.txt/a/b")
    ); // p34
    assert_eq!(ok("{{ 'abc' | regex_search('b.') }}"), s("bc")); // p35
    assert_eq!(ok("{{ 'abc' | regex_search('z') }}"), Value::Null); // p36
    assert_eq!(ok("{{ 1.5 | int }}{{ '3' | float }}"), s("13.0")); // p37
    assert_eq!(ok("{{ ' a ' | trim }}"), s("a")); // p39
    assert_eq!(ok("{{ {'a':1,'b':'x'} | to_yaml }}"), s("{a: 1, b: x}\n")); // p20
    assert_eq!(ok("{{ {'a':1} | to_nice_json }}"), s("{\n    \"a\": 1\n}")); // p21
    assert_eq!(ok("{{ 5 | string }}"), s("5")); // p23
    assert_eq!(
        ok("{{ 'abc'.upper() }}{{ 'a,b'.split(',') }}"),
        s("ABC['a', 'b']")
    ); // p18
}

#[test]
fn containers_are_lazy_in_the_context() {
    // var-probe q01: mm: {a: "{{ 1 }}", b: "{{ missing }}"}, "{{ mm.a }}" → 1;
    // q13: "{{ hostvars['h1'].mm.a }}" → 1; q21: "{{ mm }}" has the error for b.
    assert_eq!(ok("{{ mm.a }}"), Value::Int(1));
    assert_eq!(ok("{{ mm['a'] + 1 }}"), Value::Int(2));
    assert_eq!(ok("{{ hostvars['web1.example.com'].mm.a }}"), Value::Int(1));
    assert_eq!(ok("{{ mm.b | default('d') }}"), s("d"));
    assert_eq!(fail("{{ mm }}"), "'missing' is undefined");
    assert_eq!(ok("{{ ll[2] }}"), s("example.org"));
    assert_eq!(ok("{{ ll | length }}"), Value::Int(3));
    let msg = fail("{{ ll[0] }}");
    assert!(
        msg.starts_with("recursive loop detected in template"),
        "{msg}"
    );
    // q02: a variable whose template is undefined is not defined.
    assert_eq!(ok("{{ aa is defined }}"), Value::Bool(false));
}

#[test]
fn whitespace_and_newlines() {
    // var-probe q03: "{{ 1 }}\n" → 1; q14: "a\n{{ 1 }}\n" → "a\n1\n"; q04: "{{- 1 -}}  " → 1.
    assert_eq!(ok("{{ 1 }}\n"), Value::Int(1));
    assert_eq!(ok("a\n{{ 1 }}\n"), s("a\n1\n"));
    assert_eq!(ok("{{- 1 -}}  "), Value::Int(1));
}

#[test]
fn expressions_like_python() {
    // var-probe q08: "5.0|3|abab|x|[1, 2, 3]|1024".
    assert_eq!(
        ok(
            "{{ 10 / 2 }}|{{ 7 // 2 }}|{{ 'ab' * 2 }}|{{ true and 'x' }}|{{ [1,2] + [3] }}|{{ 2 ** 10 }}"
        ),
        s("5.0|3|abab|x|[1, 2, 3]|1024")
    );
    // q18: "{{ 'x' ~ none }}" → "xNone"; q19: "{{ [none] }}x" → "[None]x".
    assert_eq!(ok("{{ 'x' ~ none }}"), s("xNone"));
    assert_eq!(ok("{{ [none] }}x"), s("[None]x"));
    // q23: a loop prints several values: text.
    assert_eq!(ok("{% for i in [1,2] %}{{ i }}{% endfor %}"), s("12"));
    // q12, q11.
    assert_eq!(ok("{{ 'a' if missing is defined else 'b' }}"), s("b"));
    assert_eq!(ok("{{ domain.attr | default('z') }}"), s("z"));
    // q09: "{{ 'x' if false }}" fails in Ansible (undefined result); q10: filters on undefined fail.
    assert!(r("{{ 'x' if false }}").is_err());
    assert_eq!(fail("{{ missing | lower }}"), "'missing' is undefined");
    assert_eq!(fail("{{ missing | length }}"), "'missing' is undefined");
}

#[test]
fn more_filters() {
    // var-probe q06: "{{ '0x1A' | int(base=16) }}" → 26; q28: "42100001".
    assert_eq!(ok("{{ '0x1A' | int(base=16) }}"), Value::Int(26));
    assert_eq!(
        ok("{{ ' 42 ' | int }}{{ '1e3' | int }}{{ 'True' | int }}{{ true | int }}"),
        s("42100001")
    );
    // q16: to_yaml sorts keys, quotes what YAML would read differently.
    assert_eq!(
        ok(
            "{{ {'b': 1, 'a': 2} | to_yaml }}{{ 'abc' | to_yaml }}{{ '5' | to_yaml }}{{ 'a b: c' | to_yaml }}"
        ),
        s("{a: 2, b: 1}\nabc\n'5'\n'a b: c'\n")
    );
    // q05, q17: to_json escapes non-ASCII.
    assert_eq!(ok("{{ 'é' | to_json }}"), s("\"\\u00e9\""));
    assert_eq!(ok("{{ ['x', 1] | to_json }}"), s("[\"x\", 1]"));
    // q20.
    assert_eq!(
        ok(
            "{{ 'AbC' | lower }}{{ 'a-b' | replace('-', '_') }}{{ 'a b c' | split }}{{ 'a,b' | split(',') }}"
        ),
        s("abca_b['a', 'b', 'c']['a', 'b']")
    );
    // q22, q24: Python regex replacement and group syntax.
    assert_eq!(ok("{{ 'x' | regex_replace('(x)', '\\1\\1') }}"), s("xx"));
    assert_eq!(
        ok("{{ 'abc' | regex_search('(b)(c)', '\\2', '\\1') }}"),
        Value::List(vec![s("c"), s("b")])
    );
    // q26: shlex.quote of '' and none; msg-probe: "{{ \"it's\" | quote }}" → 'it'"'"'s'.
    assert_eq!(ok("{{ \"it's\" | quote }}"), s("'it'\"'\"'s'"));
    assert_eq!(ok("{{ '' | quote }}{{ none | quote }}"), s("''''"));
    // q27: recursive combine with list_merge.
    let y = Value::List(vec![Value::Int(1), Value::Int(2)]);
    let inner: Map = [("x".to_string(), Value::Int(1)), ("y".to_string(), y)]
        .into_iter()
        .collect();
    let want: Map = [("a".to_string(), Value::Map(inner))].into_iter().collect();
    assert_eq!(
        ok(
            "{{ {'a': {'x': 1, 'y': [1]}} | combine({'a': {'y': [2]}}, recursive=True, list_merge='append') }}"
        ),
        Value::Map(want)
    );
}

#[test]
fn base64_roundtrip() {
    for input in ["", "a", "ab", "abc", "abcd", "héllo wörld"] {
        let enc = filters::b64encode(input.as_bytes());
        assert_eq!(filters::b64decode(&enc).unwrap(), input.as_bytes());
    }
    assert_eq!(filters::b64encode(b"ab"), "YWI=");
    assert!(filters::b64decode("Y=Jj").is_none());
}

proptest::proptest! {
    #[test]
    fn render_never_panics(t in ".{0,40}") {
        let _ = r(&t);
    }

    #[test]
    fn render_never_panics_on_jinja_like_text(t in "[{}%#a-z0-9 .|()'\\[\\]+~-]{0,40}") {
        let _ = r(&t);
    }
}

fn adversarial(kind: &str) -> String {
    match kind {
        "list" => format!("{{{{ {}1{} }}}}", "[".repeat(3000), "]".repeat(3000)),
        "parens" => format!("{{{{ {}1{} }}}}", "(".repeat(3000), ")".repeat(3000)),
        "ifs" => format!(
            "{}x{}",
            "{% if true %}".repeat(500),
            "{% endif %}".repeat(500)
        ),
        "attrs" => format!("{{{{ a{} | default(1) }}}}", ".b".repeat(5000)),
        "filters" => format!("{{{{ 'a'{} }}}}", " | lower".repeat(2000)),
        "nots" => format!("{{{{ {}1 }}}}", "not ".repeat(3000)),
        "minus" => format!("{{{{ {}1 }}}}", "-".repeat(3000)),
        _ => unreachable!(),
    }
}

#[test]
fn adversarial_list() {
    let _ = r(&adversarial("list"));
}
#[test]
fn adversarial_parens() {
    let _ = r(&adversarial("parens"));
}
#[test]
fn adversarial_ifs() {
    let _ = r(&adversarial("ifs"));
}
#[test]
fn adversarial_attrs() {
    let _ = r(&adversarial("attrs"));
}
#[test]
fn adversarial_filters() {
    let _ = r(&adversarial("filters"));
}
#[test]
fn adversarial_nots() {
    let _ = r(&adversarial("nots"));
}
#[test]
fn adversarial_minus() {
    let _ = r(&adversarial("minus"));
}

#[test]
fn long_hostvars_chains_are_cut_off() {
    // h0 → h1 → … → h199 through hostvars: refused past the nesting limit, never a stack overflow.
    let mut p = Inv::default();
    for i in 0..200 {
        p = p.host(
            &format!("h{i}"),
            &[("v", s(&format!("{{{{ hostvars['h{}'].v }}}}", i + 1)))],
        );
    }
    p = p.host("h200", &[("v", Value::Int(7))]);
    let e = render_var("v", "h0", &p).unwrap_err();
    assert!(e.message.contains("recursive loop detected"), "{e}");
    // A short chain works.
    assert_eq!(render_var("v", "h195", &p).unwrap(), Some(Value::Int(7)));
}

#[test]
fn deepest_allowed_nesting_fits_a_small_stack() {
    // 31 nested variable renders, each with an expression just under the operator limit, on a
    // 1 MiB thread: no overflow.
    let mut p = Inv::default();
    let depth = MAX_DEPTH - 1;
    let chain = ".b".repeat(source::MAX_TAG_OPERATORS - 10);
    for i in 0..depth {
        p = p.host(
            &format!("h{i}"),
            &[(
                "v",
                s(&format!(
                    "{{{{ hostvars['h{}'].v }}}}{{{{ x{chain} | default('') }}}}",
                    i + 1
                )),
            )],
        );
    }
    p = p.host(&format!("h{depth}"), &[("v", Value::Int(7))]);
    let got = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || render_var("v", "h0", &p).map_err(|e| e.to_string()))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(got, Ok(Some(s("7"))));
    let msg = fail(&format!(
        "{{{{ x{} }}}}",
        ".b".repeat(source::MAX_TAG_OPERATORS + 1)
    ));
    assert!(msg.starts_with("template too complex"), "{msg}");
}

#[test]
fn env_lookup() {
    // var-probe (inv5.yml, HOME=/root USER=u1): lookup('env', 'HOME') → "/root";
    // unset → ""; default='dflt' → "dflt"; query → ["/root"]; two terms → "/root,u1".
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(ok("{{ lookup('env', 'HOME') }}"), s(&home));
    assert_eq!(
        ok("{{ lookup('ansible.builtin.env', 'HOME') }}/.ssh/id"),
        s(&format!("{home}/.ssh/id"))
    );
    assert_eq!(
        ok("{{ lookup('env', 'STACKCTL_SURELY_UNSET_VAR') }}"),
        s("")
    );
    assert_eq!(
        ok("{{ lookup('env', 'STACKCTL_SURELY_UNSET_VAR', default='dflt') }}"),
        s("dflt")
    );
    assert_eq!(
        ok("{{ query('env', 'HOME') }}"),
        Value::List(vec![s(&home)])
    );
    assert_eq!(
        ok("{{ lookup('env', 'HOME', 'HOME') }}"),
        s(&format!("{home},{home}"))
    );
    assert!(fail("{{ lookup('file', '/etc/hostname') }}").contains("not supported"));
}

#[test]
fn blocks_and_more_builtins() {
    // var-probe inv6.yml: t1 "{% if true %}\nx\n{% endif %}" → "x\n" (trim_blocks);
    // t2 "  {% if true %}x{% endif %}" → "  x"; t5 → "aBc"; t6 → "[1, 3][1]['A']"; t7 → 1;
    // t8 → true; t9 → "web1" for our host.
    assert_eq!(ok("{% if true %}\nx\n{% endif %}"), s("x\n"));
    assert_eq!(ok("  {% if true %}x{% endif %}"), s("  x"));
    assert_eq!(ok("{{ 'abc' | replace('b', 'B', 1) }}"), s("aBc"));
    assert_eq!(
        ok("{{ [3,1] | sort }}{{ [1,1] | unique }}{{ ['a'] | map('upper') | list }}"),
        s("[1, 3][1]['A']")
    );
    assert_eq!(
        ok("{{ 1 if inventory_hostname == 'web1.example.com' else 2 }}"),
        Value::Int(1)
    );
    assert_eq!(ok("{{ 'bastion' in groups['all'] }}"), Value::Bool(true));
    assert_eq!(ok("{{ (inventory_hostname.split('.'))[0] }}"), s("web1"));
}
