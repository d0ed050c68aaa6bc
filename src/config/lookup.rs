//! How the config builder reads a host's variables and the global settings: first match in
//! precedence order, either "defined wins" (Ansible's option resolution, for targets) or "first
//! truthy wins" (Mitogen's `or` chains, for via hosts).

use super::Provenance;
use crate::origin::Origin;
use crate::settings::{SettingDef, Settings};
use crate::value::Value;

/// A host's variables as the config builder sees them: already rendered (templates resolved).
pub trait VarLookup {
    /// The variable's rendered value and origin; `Err` names the variable when it cannot be
    /// rendered.
    fn get(&self, name: &str) -> Result<Option<(Value, Origin)>, String>;
}

/// Plain variables without templating (tests, and hosts whose vars need no rendering).
pub struct Vars(pub crate::vars::HostVars);

impl VarLookup for Vars {
    fn get(&self, name: &str) -> Result<Option<(Value, Origin)>, String> {
        Ok(self
            .0
            .get(name)
            .map(|v| (v.value.clone(), v.origin.clone())))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A variable that is set at all wins (even to null or "").
    Defined,
    /// Falsy values (None, "", 0, False) fall through to the next candidate.
    Truthy,
}

pub struct Lookup<'a> {
    pub vars: &'a dyn VarLookup,
    pub settings: &'a Settings,
}

impl Lookup<'_> {
    /// The first of `names` (highest precedence first) that is set, per `mode`.
    pub fn first(&self, mode: Mode, names: &[&str]) -> Result<Option<(Value, Provenance)>, String> {
        for name in names {
            if let Some((v, origin)) = self.vars.get(name)? {
                if mode == Mode::Truthy && !v.truthy() {
                    continue;
                }
                return Ok(Some((
                    v,
                    Provenance {
                        name: name.to_string(),
                        origin,
                    },
                )));
            }
        }
        Ok(None)
    }

    /// A setting from the environment or ansible.cfg, as a string value.
    pub fn setting(&self, def: &SettingDef) -> Option<(Value, Provenance)> {
        self.settings.lookup(def).map(|(v, origin)| {
            let name = match &origin {
                Origin::Env(n) => n.clone(),
                Origin::Config { key, .. } => key.clone(),
                _ => "setting".into(),
            };
            (Value::Str(v), Provenance { name, origin })
        })
    }
}
