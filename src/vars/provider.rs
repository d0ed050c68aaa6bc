//! The vars stage as its consumers see it: each host's merged variables computed once and
//! cached, the `groups`/`group_names` magic variables for templates, and variable lookups that
//! come back rendered (templates resolved with the host's own context) for the config builder.

use super::template::{self, VarsProvider};
use super::{HostVars, VarsContext, plain};
use crate::config::VarLookup;
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{Map, Value};
use crate::vault::{Vault, VaultError};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

type Cached = Result<(Arc<HostVars>, Arc<Map>), SourceError>;

/// Every host's variables, computed on first use.
pub struct HostVarsCache<'a> {
    pub ctx: VarsContext<'a>,
    cache: RefCell<HashMap<String, Cached>>,
}

impl<'a> HostVarsCache<'a> {
    pub fn new(ctx: VarsContext<'a>) -> Self {
        HostVarsCache {
            ctx,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The host's merged variables with origins (unrendered).
    pub fn vars_of(&self, host: &str) -> Cached {
        if let Some(hit) = self.cache.borrow().get(host) {
            return hit.clone();
        }
        let computed = self.ctx.host_vars(host).map(|hv| {
            let m = plain(&hv);
            (Arc::new(hv), Arc::new(m))
        });
        self.cache
            .borrow_mut()
            .insert(host.to_string(), computed.clone());
        computed
    }

    /// A lookup of `host`'s variables that renders templates on access.
    pub fn rendered(&'a self, host: &str) -> RenderedVars<'a> {
        RenderedVars {
            host: host.to_string(),
            cache: self,
        }
    }
}

impl VarsProvider for HostVarsCache<'_> {
    fn host_vars(&self, host: &str) -> Option<Arc<Map>> {
        if !self.ctx.is_known_host(host) {
            return None;
        }
        self.vars_of(host).ok().map(|(_, m)| m)
    }

    fn groups(&self) -> Map {
        self.ctx
            .inv
            .groups
            .keys()
            .map(|g| {
                let hosts = self
                    .ctx
                    .inv
                    .group_hosts(g)
                    .into_iter()
                    .map(Value::Str)
                    .collect();
                (g.clone(), Value::List(hosts))
            })
            .collect()
    }

    fn group_names(&self, host: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .ctx
            .inv
            .host_groups_with_ancestors(host)
            .into_iter()
            .filter(|g| g != "all")
            .collect();
        names.sort();
        names
    }

    fn decrypt_vault(&self, ciphertext: &str) -> Option<String> {
        self.ctx.vault.decrypt_str(ciphertext).ok()
    }
}

/// One host's variables, rendered on access.
pub struct RenderedVars<'a> {
    host: String,
    cache: &'a HostVarsCache<'a>,
}

impl VarLookup for RenderedVars<'_> {
    /// The rendered value; a `!vault` value (directly, or what a bare `{{ var }}` template
    /// gives) is decrypted into its plaintext string. With no secret, or a wrong one, that is
    /// an error naming the variable (the config builder adds the host).
    fn get(&self, name: &str) -> Result<Option<(Value, Origin)>, String> {
        let (hv, _) = self.cache.vars_of(&self.host).map_err(|e| e.to_string())?;
        let Some(var) = hv.get(name) else {
            return Ok(None);
        };
        let value = if !template::needs_render(&var.value) {
            var.value.clone()
        } else {
            match template::render_var(name, &self.host, self.cache) {
                Ok(Some(v)) => v,
                Ok(None) => return Ok(None),
                Err(e) => return Err(format!("{e} (set at {})", var.origin)),
            }
        };
        let value = decrypt_deep(value, &self.cache.ctx.vault).map_err(|e| match e {
            VaultError::NoSecrets => format!(
                "variable '{name}' (set at {}) is vault-encrypted and no vault secret was given \
                 (use --vault-password-file, --vault-id or --ask-vault-pass)",
                var.origin
            ),
            e => format!(
                "variable '{name}' (set at {}) could not be decrypted: {e}",
                var.origin
            ),
        })?;
        Ok(Some((value, var.origin.clone())))
    }
}

/// `value` with every `!vault` value in it replaced by its plaintext string.
fn decrypt_deep(value: Value, vault: &Vault) -> Result<Value, VaultError> {
    Ok(match value {
        Value::Vault(ciphertext) => Value::Str(vault.decrypt_str(&ciphertext)?),
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|v| decrypt_deep(v, vault))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| Ok((k, decrypt_deep(v, vault)?)))
                .collect::<Result<_, VaultError>>()?,
        ),
        other => other,
    })
}
