//! Vars stage: a host's final variables by Ansible's precedence (ansible-inventory.md §8), each
//! with the place it came from and the layer that set it; `-e` extra vars; Jinja rendering.

pub mod extra;
pub mod files;
pub mod provider;
pub mod template;

use crate::error::SourceError;
use crate::inventory::model::{LOCALHOST_NAMES, merge_values};
use crate::inventory::{Inventory, VarMap};
use crate::origin::Origin;
use crate::value::{Map, Value};
use crate::vault::Vault;
use files::{VarsDir, VarsFiles};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// Which precedence layer set a variable (for `--explain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Inline vars of a group (`[g:vars]`, YAML `vars:`), `all` included.
    GroupInline(String),
    /// A `group_vars/<g>` file or directory.
    GroupFile(String),
    /// Inline host vars in an inventory source.
    HostInline,
    /// A `host_vars/<h>` file or directory.
    HostFile,
    /// `-e/--extra-vars`.
    ExtraVars,
    /// Added by Ansible itself (implicit localhost).
    Implicit,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::GroupInline(g) => write!(f, "group {g} (inventory)"),
            Scope::GroupFile(g) => write!(f, "group_vars/{g}"),
            Scope::HostInline => write!(f, "host (inventory)"),
            Scope::HostFile => write!(f, "host_vars"),
            Scope::ExtraVars => write!(f, "extra vars"),
            Scope::Implicit => write!(f, "implicit localhost"),
        }
    }
}

/// One resolved variable of a host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostVar {
    pub value: Value,
    pub origin: Origin,
    pub scope: Scope,
}

pub type HostVars = IndexMap<String, HostVar>;

/// Names ansible-inventory removes from every host's and group's variables (its internal
/// vars: magic variables Ansible sets itself), so a user var of that name never shows.
pub const INTERNAL_VARS: [&str; 23] = [
    "ansible_diff_mode",
    "ansible_config_file",
    "ansible_facts",
    "ansible_forks",
    "ansible_inventory_sources",
    "ansible_limit",
    "ansible_playbook_python",
    "ansible_run_tags",
    "ansible_skip_tags",
    "ansible_verbosity",
    "ansible_version",
    "inventory_dir",
    "inventory_file",
    "inventory_hostname",
    "inventory_hostname_short",
    "groups",
    "group_names",
    "omit",
    "hostvars",
    "playbook_dir",
    "play_hosts",
    "role_names",
    "ungrouped",
];

fn remove_internal(vars: &mut HostVars) {
    for m in INTERNAL_VARS {
        vars.shift_remove(m);
    }
}

/// A group's group_vars files: one slot per source dir, then the playbook dir.
type GroupFiles = Rc<Vec<Option<Rc<VarMap>>>>;

/// Where precedence layers are combined: with provenance (`HostVars`) or values only.
trait Layers {
    /// Combines one layer in (hash_behaviour `merge` merges dicts, else replaces).
    fn apply(&mut self, vars: &VarMap, scope: impl Fn() -> Scope, merge: bool);
    fn remove(&mut self, key: &str);
}

impl Layers for HostVars {
    fn apply(&mut self, vars: &VarMap, scope: impl Fn() -> Scope, merge: bool) {
        for (k, v) in vars {
            let value = match (merge, self.get(k)) {
                (true, Some(old)) => merge_values(&old.value, &v.value),
                _ => v.value.clone(),
            };
            self.insert(
                k.clone(),
                HostVar {
                    value,
                    origin: v.origin.clone(),
                    scope: scope(),
                },
            );
        }
    }

    fn remove(&mut self, key: &str) {
        self.shift_remove(key);
    }
}

impl Layers for Map {
    fn apply(&mut self, vars: &VarMap, _scope: impl Fn() -> Scope, merge: bool) {
        for (k, v) in vars {
            let value = match (merge, self.get(k)) {
                (true, Some(old)) => merge_values(old, &v.value),
                _ => v.value.clone(),
            };
            self.insert(k.clone(), value);
        }
    }

    fn remove(&mut self, key: &str) {
        self.shift_remove(key);
    }
}

/// Everything needed to compute any host's variables.
pub struct VarsContext<'a> {
    pub inv: &'a Inventory,
    /// Combined `-e` values (layer 10).
    pub extra: VarMap,
    /// The playbook dir layer (4, 6, 9), when in force.
    pub playbook_dir: Option<PathBuf>,
    /// The interpreter the implicit localhost gets.
    pub local_python: String,
    /// Secrets for vault-encrypted vars files and `!vault` values.
    pub vault: Arc<Vault>,
    files: VarsFiles,
    group_file_cache: RefCell<HashMap<String, GroupFiles>>,
    /// Layers 1–6 merged, per set of groups (see `host_values_split`).
    shared_layers: RefCell<HashMap<String, Rc<Map>>>,
}

impl<'a> VarsContext<'a> {
    pub fn new(inv: &'a Inventory, extra: VarMap, playbook_dir: Option<PathBuf>) -> Self {
        let mut files = VarsFiles::new(inv.merge_hashes);
        for s in &inv.sources {
            if let Some(b) = &s.base_dir {
                files.prepare(b);
            }
        }
        if let Some(p) = &playbook_dir {
            files.prepare(p);
        }
        VarsContext {
            inv,
            extra,
            playbook_dir,
            local_python: local_python(),
            vault: Arc::new(Vault::none()),
            files,
            group_file_cache: RefCell::new(HashMap::new()),
            shared_layers: RefCell::new(HashMap::new()),
        }
    }

    /// Decrypt vault-encrypted vars files and `!vault` values with these secrets.
    pub fn with_vault(mut self, vault: Arc<Vault>) -> Self {
        self.files.vault = vault.clone();
        self.vault = vault;
        self
    }

    fn source_dirs(&self) -> impl Iterator<Item = &PathBuf> {
        self.inv.sources.iter().filter_map(|s| s.base_dir.as_ref())
    }

    /// The group_vars files of `group`, one slot per source dir then the playbook dir, each
    /// looked up once per run.
    fn group_files(&self, group: &str) -> Result<GroupFiles, SourceError> {
        if let Some(hit) = self.group_file_cache.borrow().get(group) {
            return Ok(hit.clone());
        }
        let mut slots = Vec::new();
        for dir in self.source_dirs().chain(self.playbook_dir.iter()) {
            slots.push(self.files.vars_for(dir, VarsDir::Group, group)?);
        }
        let slots = Rc::new(slots);
        self.group_file_cache
            .borrow_mut()
            .insert(group.to_string(), slots.clone());
        Ok(slots)
    }

    fn group_file_layers<A: Layers>(
        &self,
        acc: &mut A,
        groups: &[String],
    ) -> Result<(), SourceError> {
        // Layers 3/5: for each source dir in order, every group (sorted) — then 4/6, the
        // playbook dir (the last slot); `all` before the others.
        let has_all = groups.first().is_some_and(|g| g == "all");
        let (all, rest) = if has_all {
            groups.split_at(1)
        } else {
            groups.split_at(0)
        };
        let dirs = self.source_dirs().count() + usize::from(self.playbook_dir.is_some());
        for names in [all, rest] {
            let files: Vec<GroupFiles> = names
                .iter()
                .map(|g| self.group_files(g))
                .collect::<Result<_, _>>()?;
            for d in 0..dirs {
                for (g, slots) in names.iter().zip(&files) {
                    if let Some(Some(v)) = slots.get(d) {
                        acc.apply(v, || Scope::GroupFile(g.clone()), self.inv.merge_hashes);
                    }
                }
            }
        }
        Ok(())
    }

    fn host_file_layers<A: Layers>(&self, acc: &mut A, host: &str) -> Result<(), SourceError> {
        for dir in self.source_dirs().chain(self.playbook_dir.iter()) {
            if let Some(v) = self.files.vars_for(dir, VarsDir::Host, host)? {
                acc.apply(&v, || Scope::HostFile, self.inv.merge_hashes);
            }
        }
        Ok(())
    }

    /// Layers 1–10 of §8.1 for `host`, lowest first, into `acc`; magic names removed. `host`
    /// may be an implicit localhost name (§9).
    fn layer_host<A: Layers>(&self, acc: &mut A, host: &str) -> Result<(), SourceError> {
        let merge = self.inv.merge_hashes;
        let all = &self.inv.groups["all"];
        acc.apply(&all.vars, || Scope::GroupInline("all".into()), merge);
        match self.inv.hosts.get(host) {
            Some(h) => {
                let groups = self.inv.sorted_groups_for_vars(host);
                for g in &groups {
                    let grp = &self.inv.groups[g];
                    acc.apply(&grp.vars, || Scope::GroupInline(g.clone()), merge);
                }
                let mut with_all = vec!["all".to_string()];
                with_all.extend(groups);
                self.group_file_layers(acc, &with_all)?;
                acc.apply(&h.vars, || Scope::HostInline, merge);
            }
            None => {
                // Implicit localhost: all-group vars underneath its own connection vars.
                self.group_file_layers(acc, &["all".to_string()])?;
                let mut own = VarMap::new();
                let o = Origin::Implicit("implicit localhost".into());
                own.insert(
                    "ansible_connection".into(),
                    crate::inventory::Var {
                        value: Value::str("local"),
                        origin: o.clone(),
                    },
                );
                own.insert(
                    "ansible_python_interpreter".into(),
                    crate::inventory::Var {
                        value: Value::str(self.local_python.clone()),
                        origin: o,
                    },
                );
                acc.apply(&own, || Scope::Implicit, merge);
            }
        }
        self.host_file_layers(acc, host)?;
        acc.apply(&self.extra, || Scope::ExtraVars, merge);
        for m in INTERNAL_VARS {
            acc.remove(m);
        }
        Ok(())
    }

    /// The host's variables with where each came from.
    pub fn host_vars(&self, host: &str) -> Result<HostVars, SourceError> {
        let mut acc = HostVars::new();
        self.layer_host(&mut acc, host)?;
        Ok(acc)
    }

    /// The host's values as the layers it shares with every host of the same groups (1–6,
    /// computed once per group set) and its own (7–10); internal names are not removed (see
    /// `INTERNAL_VARS`). `None` when the parts cannot simply overlay: under
    /// `hash_behaviour=merge`, and for an implicit localhost.
    pub fn host_values_split(&self, host: &str) -> Result<Option<(Rc<Map>, Map)>, SourceError> {
        let Some(h) = self.inv.hosts.get(host) else {
            return Ok(None);
        };
        if self.inv.merge_hashes {
            return Ok(None);
        }
        let groups = self.inv.sorted_groups_for_vars(host);
        let key = groups.join("\0");
        let cached = self.shared_layers.borrow().get(&key).cloned();
        let shared = match cached {
            Some(m) => m,
            None => {
                let mut acc = Map::new();
                let all = &self.inv.groups["all"];
                acc.apply(&all.vars, || Scope::GroupInline("all".into()), false);
                for g in &groups {
                    acc.apply(
                        &self.inv.groups[g].vars,
                        || Scope::GroupInline(g.clone()),
                        false,
                    );
                }
                let mut with_all = vec!["all".to_string()];
                with_all.extend(groups);
                self.group_file_layers(&mut acc, &with_all)?;
                let m = Rc::new(acc);
                self.shared_layers.borrow_mut().insert(key, m.clone());
                m
            }
        };
        let mut own = Map::new();
        own.apply(&h.vars, || Scope::HostInline, false);
        self.host_file_layers(&mut own, host)?;
        own.apply(&self.extra, || Scope::ExtraVars, false);
        Ok(Some((shared, own)))
    }

    /// The host's variable values only (what `--list` prints; cheaper than `host_vars`).
    pub fn host_values(&self, host: &str) -> Result<Map, SourceError> {
        let mut acc = Map::new();
        self.layer_host(&mut acc, host)?;
        Ok(acc)
    }

    /// `--export` host vars: inline host vars and host_vars files only (§15.1).
    pub fn host_export_vars(&self, host: &str) -> Result<HostVars, SourceError> {
        let mut acc = HostVars::new();
        if let Some(h) = self.inv.hosts.get(host) {
            acc.apply(&h.vars, || Scope::HostInline, self.inv.merge_hashes);
        }
        self.host_file_layers(&mut acc, host)?;
        remove_internal(&mut acc);
        Ok(acc)
    }

    /// `--export` group vars: inline vars plus group_vars files (and the priority when ≠ 1).
    pub fn group_export_vars(&self, group: &str) -> Result<HostVars, SourceError> {
        let mut acc = HostVars::new();
        let Some(grp) = self.inv.groups.get(group) else {
            return Ok(acc);
        };
        acc.apply(
            &grp.vars,
            || Scope::GroupInline(group.into()),
            self.inv.merge_hashes,
        );
        self.group_file_layers(&mut acc, &[group.to_string()])?;
        if grp.priority != 1 {
            acc.insert(
                "ansible_group_priority".into(),
                HostVar {
                    value: Value::Int(grp.priority),
                    origin: Origin::Default,
                    scope: Scope::GroupInline(group.into()),
                },
            );
        }
        remove_internal(&mut acc);
        Ok(acc)
    }

    /// True when `name` resolves to a host: an inventory host or an implicit localhost.
    pub fn is_known_host(&self, name: &str) -> bool {
        self.inv.hosts.contains_key(name) || self.implicit_localhost(name)
    }

    /// True when `name` would be synthesised as the implicit localhost (§9).
    pub fn implicit_localhost(&self, name: &str) -> bool {
        LOCALHOST_NAMES.contains(&name) && self.inv.localhost_entry().is_none()
    }
}

/// Plain values of a host's variables (no origins).
pub fn plain(vars: &HostVars) -> Map {
    vars.iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// The interpreter an implicit localhost is given: the first `python3` on PATH.
fn local_python() -> String {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join("python3");
            if p.is_file() {
                return p.display().to_string();
            }
        }
    }
    "/usr/bin/python3".into()
}
