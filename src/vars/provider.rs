//! The vars stage as its consumers see it: each host's merged variables computed once and
//! cached, the `groups`/`group_names` magic variables for templates, and variable lookups that
//! come back rendered (templates resolved with the host's own context) for the config builder.

use super::template::{self, VarsProvider};
use super::{HostVars, VarsContext, plain};
use crate::config::VarLookup;
use crate::error::SourceError;
use crate::origin::Origin;
use crate::value::{Map, Value};
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
}

/// One host's variables, rendered on access.
pub struct RenderedVars<'a> {
    host: String,
    cache: &'a HostVarsCache<'a>,
}

impl VarLookup for RenderedVars<'_> {
    fn get(&self, name: &str) -> Result<Option<(Value, Origin)>, String> {
        let (hv, _) = self.cache.vars_of(&self.host).map_err(|e| e.to_string())?;
        let Some(var) = hv.get(name) else {
            return Ok(None);
        };
        if !template::needs_render(&var.value) {
            return Ok(Some((var.value.clone(), var.origin.clone())));
        }
        match template::render_var(name, &self.host, self.cache) {
            Ok(Some(v)) => Ok(Some((v, var.origin.clone()))),
            Ok(None) => Ok(None),
            Err(e) => Err(format!("{e} (set at {})", var.origin)),
        }
    }
}
