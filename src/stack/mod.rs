//! Stack stage: follows `mitogen_via` recursively from the target to give the ordered hop list
//! (controller side first), with Mitogen's cycle and unknown-host errors word for word, the
//! become-hop rule and `BECOME_ALLOW_SAME_USER` (mitogen-stack.md §2.2, §2.3).

pub mod hops;
pub mod via;

use crate::config::{self, Config, ConfigError, PlayContext, Role, VarLookup};
use crate::settings::{Settings, defs};
use crate::value::{Map, Value};
pub use hops::{Builder, HopKind};

/// One hop: a Mitogen Router call, plus which inventory host it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// Router method: `ssh`, `sudo`, `docker`, `setns` …
    pub method: String,
    /// Mitogen kwargs, every key present (nulls included).
    pub kwargs: Map,
    /// True on su/sudo/doas become hops.
    pub enable_lru: bool,
    /// The inventory host whose settings made this hop.
    pub inventory_host: String,
    pub kind: HopKind,
    pub builder: Builder,
}

/// A host's full connection stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub target: String,
    pub hops: Vec<Hop>,
    /// Each host's config along the chain (target last), for `config`/`--explain`.
    pub configs: Vec<(String, Config)>,
}

/// Where the stack builder gets hosts from.
pub trait HostSource {
    /// True when the name is an inventory host (or the implicit localhost).
    fn exists(&self, host: &str) -> bool;
    /// The host's rendered variables.
    fn vars(&self, host: &str) -> Result<Box<dyn VarLookup + '_>, ConfigError>;
}

/// A stack-building failure; the message is the user-facing text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct StackError {
    pub message: String,
}

impl From<ConfigError> for StackError {
    fn from(e: ConfigError) -> Self {
        StackError {
            message: e.to_string(),
        }
    }
}

/// Builds the stack of `target` under the command line `play`.
pub fn resolve(
    target: &str,
    hosts: &dyn HostSource,
    settings: &Settings,
    play: &PlayContext,
) -> Result<Stack, StackError> {
    if !hosts.exists(target) {
        return Err(StackError {
            message: format!("unknown host '{target}': not in the inventory"),
        });
    }
    let allow_same_user = settings
        .lookup_bool(&defs::BECOME_ALLOW_SAME_USER)
        .map(|(b, _)| b)
        .unwrap_or(false);
    let vars = hosts.vars(target)?;
    let cfg = config::build(target, vars.as_ref(), settings, &Role::Target { play })?;
    let mut stack = Stack {
        target: target.to_string(),
        hops: Vec::new(),
        configs: Vec::new(),
    };
    let b = ChainWalker {
        hosts,
        settings,
        play,
        allow_same_user,
    };
    b.build(target, cfg, &mut stack, &mut Vec::new())?;
    Ok(stack)
}

struct ChainWalker<'a> {
    hosts: &'a dyn HostSource,
    settings: &'a Settings,
    play: &'a PlayContext,
    allow_same_user: bool,
}

impl ChainWalker<'_> {
    fn build(
        &self,
        name: &str,
        cfg: Config,
        stack: &mut Stack,
        seen: &mut Vec<String>,
    ) -> Result<(), StackError> {
        let via_value = cfg.get("mitogen_via").clone();
        if seen.iter().any(|s| s == name) {
            let mut path: Vec<String> = seen.clone();
            path.push(name.to_string());
            path.reverse();
            return Err(StackError {
                message: format!(
                    "mitogen_via={} of {} creates a cycle ({})",
                    py_percent_s(&via_value),
                    name,
                    path.join(" -> ")
                ),
            });
        }
        if via_value.truthy() {
            let via_text = via_value.py_str();
            let v = via::parse(&via_text);
            if !self.hosts.exists(&v.inventory_name) {
                return Err(StackError {
                    message: format!(
                        "mitogen_via={via_text} of {name} specifies an unknown hostname"
                    ),
                });
            }
            let vars = self.hosts.vars(&v.inventory_name)?;
            let role = Role::Via {
                become_method: v.become_method.clone(),
                become_user: v.become_user.clone(),
                play: self.play,
            };
            let via_cfg = config::build(&v.inventory_name, vars.as_ref(), self.settings, &role)?;
            seen.push(name.to_string());
            self.build(&v.inventory_name, via_cfg, stack, seen)?;
            seen.pop();
        }
        let transport = cfg.str("transport").unwrap_or("ssh").to_string();
        let login = Builder::from_name(&transport).ok_or_else(|| StackError {
            message: format!(
                "{name}: unknown connection type '{transport}' (ansible_connection / -c); supported: {}",
                hops::CONNECTION_METHODS.join(", ")
            ),
        })?;
        push(stack, name, login, HopKind::Login, &cfg)?;
        let become_user = cfg.get("become_user");
        if cfg.get("become").truthy()
            && (become_user != cfg.get("remote_user") || self.allow_same_user)
        {
            let method = cfg.str("become_method").unwrap_or("sudo").to_string();
            let b = Builder::from_name(&method).ok_or_else(|| StackError {
                message: format!(
                    "{name}: unknown become method '{method}' (ansible_become_method / --become-method / via string); supported: sudo, su, doas, community.general.doas"
                ),
            })?;
            push(stack, name, b, HopKind::Become, &cfg)?;
        }
        stack.configs.push((name.to_string(), cfg));
        Ok(())
    }
}

fn push(
    stack: &mut Stack,
    host: &str,
    b: Builder,
    kind: HopKind,
    cfg: &Config,
) -> Result<(), StackError> {
    let kwargs = hops::kwargs(b, cfg).map_err(|m| StackError {
        message: format!("{host}: {m}"),
    })?;
    stack.hops.push(Hop {
        method: b.method().to_string(),
        kwargs,
        enable_lru: b.enable_lru(),
        inventory_host: host.to_string(),
        kind,
        builder: b,
    });
    Ok(())
}

/// Python `'%s' % value`.
fn py_percent_s(v: &Value) -> String {
    v.py_str()
}
