//! Jinja2 rendering of host variables the way Ansible does it when a connection needs them
//! (`ansible-inventory.md` §11, §12; `mitogen-stack.md` §8), on top of `minijinja`.
//!
//! * The context of a host is lazy: a variable is rendered (recursively, with its own templates)
//!   the first time a template reads it; a reference cycle is an error, not a stack overflow.
//! * Magic variables: `inventory_hostname`, `inventory_hostname_short`, `group_names`, `groups`,
//!   `hostvars` (lazy; `hostvars[h].x` is rendered in the context of `h`).
//! * A template whose whole output is one expression returns that expression's native value
//!   (`"{{ 2200 + 22 }}"` → `2202`); anything else is text (Ansible 2.19 behaviour).
//! * `!unsafe` values and vault values are never rendered; text read from an unsafe value is not
//!   rendered again.

mod convert;
mod filters;
mod objects;
mod source;
#[cfg(test)]
mod tests;

use crate::value::{Map, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value as MjValue};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// What rendering needs from the vars stage.
pub trait VarsProvider {
    /// Merged, UNRENDERED variables of `host` (inventory vars, group_vars, host_vars, -e), or None if no such host.
    fn host_vars(&self, host: &str) -> Option<Arc<Map>>;
    /// Group name -> host names (Ansible's `groups` magic var), including `all` and `ungrouped`.
    fn groups(&self) -> Map;
    /// Group names of `host` (Ansible's `group_names`: sorted, without `all`). Note that
    /// ansible-core 2.19 does list `ungrouped` for a host in no other group.
    fn group_names(&self, host: &str) -> Vec<String>;
}

/// A failed render: which variable (when known) and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct TemplateError {
    pub var: Option<String>,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.var {
            Some(var) => write!(f, "error while templating '{var}': {}", self.message),
            None => write!(f, "error while templating: {}", self.message),
        }
    }
}

impl TemplateError {
    fn new(message: impl Into<String>) -> TemplateError {
        TemplateError {
            var: None,
            message: message.into(),
        }
    }
}

/// Nested variable renders deeper than this are refused (a guard against runaway recursion that
/// the cycle check cannot see, e.g. through ever-new hostvars lookups).
const MAX_DEPTH: usize = 32;

/// True when `v` (recursively) contains a string with `{{`, `{%` or `{#` (never for Unsafe/Vault).
pub fn needs_render(v: &Value) -> bool {
    match v {
        Value::Str(s) => has_markers(s),
        Value::List(items) => items.iter().any(needs_render),
        Value::Map(m) => m.values().any(needs_render),
        _ => false,
    }
}

fn has_markers(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// Renders `value` for `host`: strings are templates; lists/maps rendered recursively; Unsafe/Vault untouched.
pub fn render(
    value: &Value,
    host: &str,
    provider: &dyn VarsProvider,
) -> Result<Value, TemplateError> {
    if !needs_render(value) {
        return Ok(value.clone());
    }
    with_call(provider, || render_value(value, host))
}

/// Renders variable `name` of `host` (looked up in its vars) — errors name the host and the var.
pub fn render_var(
    name: &str,
    host: &str,
    provider: &dyn VarsProvider,
) -> Result<Option<Value>, TemplateError> {
    let Some(vars) = provider.host_vars(host) else {
        return Err(TemplateError {
            var: Some(name.to_string()),
            message: format!("no such host '{host}'"),
        });
    };
    let Some(raw) = vars.get(name) else {
        return Ok(None);
    };
    if !needs_render(raw) {
        return Ok(Some(raw.clone()));
    }
    with_call(provider, || lookup_var(host, name))
        .map_err(|e| TemplateError {
            var: Some(name.to_string()),
            message: format!("host '{host}': {}", e.message),
        })
        .map(|v| v.map(|(v, _)| v))
}

// ---------------------------------------------------------------------------------------------
// Per-call state. minijinja objects must be `'static`, so the provider (borrowed for the call)
// and the caches live in a thread-local that is set for exactly the duration of one call.

struct CallState {
    /// The provider of this call, lifetime erased; only dereferenced while the call runs.
    provider: *const (dyn VarsProvider + 'static),
    vars: HashMap<String, Option<Arc<Map>>>,
    rendered: HashMap<(String, String), Value>,
    /// Why the last looked-up name was undefined (`'x' is undefined`, or the error of a
    /// variable whose own template hit an undefined name); None after a successful lookup.
    last_missing: Option<String>,
    active: Vec<(String, String)>,
    active_set: HashSet<(String, String)>,
    /// One frame per template being rendered: the values printed by `{{ }}`.
    captures: Vec<Vec<MjValue>>,
    /// Set when the last failed render failed on an undefined value.
    last_undefined: bool,
    groups: Option<MjValue>,
}

thread_local! {
    static CALL: RefCell<Option<CallState>> = const { RefCell::new(None) };
}

/// Runs `f` with `provider` installed as the provider of the current call (nesting-safe).
fn with_call<R>(provider: &dyn VarsProvider, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<CallState>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            CALL.with(|c| *c.borrow_mut() = prev);
        }
    }
    // SAFETY: the pointer is only dereferenced by `provider()` while this call runs: `Restore`
    // removes it (restoring the enclosing call's state) before `provider` goes out of scope,
    // also when `f` unwinds. The lifetime is erased only to store it in the thread-local.
    let ptr: *const (dyn VarsProvider + '_) = provider;
    let ptr: *const (dyn VarsProvider + 'static) = unsafe { std::mem::transmute(ptr) };
    let state = CallState {
        provider: ptr,
        vars: HashMap::new(),
        rendered: HashMap::new(),
        last_missing: None,
        active: Vec::new(),
        active_set: HashSet::new(),
        captures: Vec::new(),
        last_undefined: false,
        groups: None,
    };
    let prev = CALL.with(|c| c.borrow_mut().replace(state));
    let _restore = Restore(prev);
    f()
}

fn with_state<R>(f: impl FnOnce(&mut CallState) -> R) -> Option<R> {
    CALL.with(|c| c.borrow_mut().as_mut().map(f))
}

/// Calls `f` with the current call's provider (None outside a call).
fn with_provider<R>(f: impl FnOnce(&dyn VarsProvider) -> R) -> Option<R> {
    let ptr = with_state(|s| s.provider)?;
    // SAFETY: see `with_call`: the state (and so the pointer) only exists while the borrowed
    // provider is alive. No RefCell borrow is held while the provider runs.
    Some(f(unsafe { &*ptr }))
}

/// The unrendered variables of `host`, cached for the call.
fn host_vars_of(host: &str) -> Option<Arc<Map>> {
    if let Some(hit) = with_state(|s| s.vars.get(host).cloned()).flatten() {
        return hit;
    }
    let vars = with_provider(|p| p.host_vars(host)).flatten();
    with_state(|s| s.vars.insert(host.to_string(), vars.clone()));
    vars
}

fn groups_value() -> MjValue {
    if let Some(g) = with_state(|s| s.groups.clone()).flatten() {
        return g;
    }
    let groups = with_provider(|p| p.groups()).unwrap_or_default();
    let v = convert::to_mj(&Value::Map(groups));
    with_state(|s| s.groups = Some(v.clone()));
    v
}

/// Whether a lookup result came from the host's variables or is a magic variable.
type Looked = (Value, bool);

/// The rendered value of variable `name` of `host` (magic variables included), None when the
/// host has no such variable.
fn lookup_var(host: &str, name: &str) -> Result<Option<Looked>, TemplateError> {
    match name {
        "inventory_hostname" => return Ok(Some((Value::str(host), true))),
        "inventory_hostname_short" => {
            let short = host.split('.').next().unwrap_or(host);
            return Ok(Some((Value::str(short), true)));
        }
        "group_names" => {
            let names = with_provider(|p| p.group_names(host)).unwrap_or_default();
            return Ok(Some((
                Value::List(names.into_iter().map(Value::Str).collect()),
                true,
            )));
        }
        _ => {}
    }
    let Some(vars) = host_vars_of(host) else {
        return Ok(None);
    };
    let Some(raw) = vars.get(name) else {
        return Ok(None);
    };
    if !needs_render(raw) {
        return Ok(Some((raw.clone(), false)));
    }
    guarded(host, name, || render_value(raw, host)).map(|v| Some((v, false)))
}

/// Renders the variable (or element) at `path` of `host` once per call: cached, and with the
/// cycle and depth checks that turn a self-reference into an error instead of a stack overflow.
fn guarded(
    host: &str,
    path: &str,
    render: impl FnOnce() -> Result<Value, TemplateError>,
) -> Result<Value, TemplateError> {
    let key = (host.to_string(), path.to_string());
    if let Some(hit) = with_state(|s| s.rendered.get(&key).cloned()).flatten() {
        return Ok(hit);
    }
    let entered = with_state(|s| {
        if s.active_set.contains(&key) {
            let mut chain: Vec<String> = s
                .active
                .iter()
                .skip_while(|k| **k != key)
                .map(|(h, v)| {
                    if h == host {
                        v.clone()
                    } else {
                        format!("hostvars['{h}'].{v}")
                    }
                })
                .collect();
            chain.push(path.to_string());
            Err(TemplateError::new(format!(
                "recursive loop detected in template: {}",
                chain.join(" -> ")
            )))
        } else if s.active.len() >= MAX_DEPTH {
            Err(TemplateError::new(format!(
                "recursive loop detected in template: variables nested deeper than {MAX_DEPTH} levels"
            )))
        } else {
            s.active.push(key.clone());
            s.active_set.insert(key.clone());
            Ok(())
        }
    });
    match entered {
        Some(Err(e)) => return Err(e),
        Some(Ok(())) => {}
        None => {
            return Err(TemplateError::new(
                "template rendering outside of a render call",
            ));
        }
    }
    let result = render();
    with_state(|s| {
        s.active.pop();
        s.active_set.remove(&key);
        if let Ok(v) = &result {
            s.rendered.insert(key.clone(), v.clone());
        }
    });
    result
}

/// Variable `name` of `host` as a template value: containers with templates stay lazy (their
/// elements are rendered on access, as in Ansible: `{{ m.a }}` works when `m.b` would fail).
fn lazy_var(host: &str, name: &str) -> Result<Option<MjValue>, TemplateError> {
    if !matches!(
        name,
        "inventory_hostname" | "inventory_hostname_short" | "group_names"
    ) && let Some(vars) = host_vars_of(host)
        && let Some(raw @ (Value::List(_) | Value::Map(_))) = vars.get(name)
        && needs_render(raw)
    {
        return Ok(Some(objects::Lazy::new_value(host, name, raw)));
    }
    Ok(lookup_var(host, name)?.map(|(v, _)| convert::to_mj(&v)))
}

/// Renders a value in the context of `host` (needs a call to be installed).
fn render_value(value: &Value, host: &str) -> Result<Value, TemplateError> {
    match value {
        Value::Str(s) if has_markers(s) => render_str(s, host),
        Value::List(items) if items.iter().any(needs_render) => Ok(Value::List(
            items
                .iter()
                .map(|v| render_value(v, host))
                .collect::<Result<_, _>>()?,
        )),
        // Ansible templates the values of a mapping, not its keys (verified: `{"{{ d }}": 1}`).
        Value::Map(m) if m.values().any(needs_render) => Ok(Value::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), render_value(v, host)?)))
                .collect::<Result<_, TemplateError>>()?,
        )),
        other => Ok(other.clone()),
    }
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        // Debug mode would re-read variables while describing an error (resetting
        // `last_missing`); our own messages do not need it.
        env.set_debug(false);
        env.set_recursion_limit(64);
        // Ansible's Jinja environment has `trim_blocks=True` (verified:
        // "{% if true %}\nx\n{% endif %}" → "x\n").
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_formatter(|out, _state, value| {
            if value.is_undefined() {
                return Err(minijinja::Error::from(ErrorKind::UndefinedError));
            }
            with_state(|s| {
                if let Some(frame) = s.captures.last_mut() {
                    frame.push(value.clone());
                }
            });
            // Printed among other output, `None` is empty text (Ansible 2.19); a vault value is
            // only allowed as the whole result (checked by `render_str`).
            let text = if value.is_none() {
                String::new()
            } else if value.downcast_object_ref::<objects::VaultObj>().is_some() {
                VAULT_PLACEHOLDER.to_string()
            } else {
                convert::py_str(value)?
            };
            out.write_str(&text)
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
        });
        filters::register(&mut env);
        env
    })
}

/// Renders one template string for `host`: the native value if the output is exactly one
/// printed expression, else the text (`None` when nothing at all was output, as Ansible).
fn render_str(source: &str, host: &str) -> Result<Value, TemplateError> {
    let env = env();
    if source::too_complex(source) {
        return Err(TemplateError::new(format!(
            "template too complex: more than {} operators in one expression",
            source::MAX_TAG_OPERATORS
        )));
    }
    let prepared = source::raw_expression_strings(source);
    let tmpl = env
        .template_from_str(&prepared)
        .map_err(|e| TemplateError::new(describe_error(&e)))?;
    let depth = with_state(|s| {
        s.captures.push(Vec::new());
        s.captures.len()
    })
    .unwrap_or(0);
    if depth > MAX_DEPTH * 2 {
        with_state(|s| s.captures.pop());
        return Err(TemplateError::new("templates nested too deeply"));
    }
    let ctx = MjValue::from_object(objects::HostCtx::new(host));
    let result = tmpl.render(ctx);
    let printed = with_state(|s| s.captures.pop())
        .flatten()
        .unwrap_or_default();
    let text = result.map_err(|e| {
        let undefined = e.kind() == ErrorKind::UndefinedError;
        let message = describe_error(&e);
        with_state(|s| s.last_undefined = undefined);
        TemplateError::new(message)
    })?;
    if printed.is_empty() && text.is_empty() {
        return Ok(Value::Null);
    }
    if printed.len() == 1 {
        let v = &printed[0];
        // The one printed value is the whole output: return it natively.
        let alone = if v.is_none() {
            text.is_empty()
        } else if v.downcast_object_ref::<objects::VaultObj>().is_some() {
            text == VAULT_PLACEHOLDER
        } else {
            convert::py_str(v).map(|t| t == text).unwrap_or(false)
        };
        if alone {
            return convert::from_mj(v).map(protect).map_err(TemplateError::new);
        }
    }
    if printed
        .iter()
        .any(|v| v.downcast_object_ref::<objects::VaultObj>().is_some())
    {
        return Err(TemplateError::new(
            "a vault-encrypted value cannot be part of a larger text (stackctl does not decrypt it here)",
        ));
    }
    // Jinja drops one trailing newline of the source; Ansible puts it back on text results
    // (verified: "a\n{{ 1 }}\n" → "a\n1\n", while "{{ 1 }}\n" → 1).
    let mut text = text;
    if source.ends_with('\n') && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(protect(Value::Str(text)))
}

const VAULT_PLACEHOLDER: &str = "\u{0}vault\u{0}";

/// Rendered text is final: Ansible never renders a template's result again (verified:
/// `"{{ '{{ 1 }}' }}"` → `"{{ 1 }}"`), so text that still looks like a template is returned as
/// Unsafe to keep later stages from rendering it.
fn protect(v: Value) -> Value {
    match v {
        Value::Str(s) if has_markers(&s) => Value::Unsafe(s),
        other => other,
    }
}

/// Ansible-style message for a minijinja error.
fn describe_error(e: &minijinja::Error) -> String {
    match e.kind() {
        ErrorKind::UndefinedError => {
            if let Some(msg) = with_state(|s| s.last_missing.clone()).flatten() {
                return msg;
            }
            let detail = e.detail().unwrap_or("");
            // minijinja: "`x.attr` is undefined".
            if let Some(expr) = detail.split('`').nth(1) {
                return format!("'{expr}' is undefined");
            }
            "undefined value: an attribute or item that does not exist was used".to_string()
        }
        ErrorKind::SyntaxError => format!(
            "syntax error in template: {}",
            e.detail().unwrap_or("invalid syntax")
        ),
        _ => match e.detail() {
            Some(d) => d.to_string(),
            None => e.kind().to_string(),
        },
    }
}
