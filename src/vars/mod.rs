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
use files::{VarsDir, VarsFiles};
use indexmap::IndexMap;
use std::path::PathBuf;

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

/// Everything needed to compute any host's variables.
pub struct VarsContext<'a> {
    pub inv: &'a Inventory,
    /// Combined `-e` values (layer 10).
    pub extra: VarMap,
    /// The playbook dir layer (4, 6, 9), when in force.
    pub playbook_dir: Option<PathBuf>,
    /// The interpreter the implicit localhost gets.
    pub local_python: String,
    files: VarsFiles,
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
            files,
        }
    }

    fn source_dirs(&self) -> impl Iterator<Item = &PathBuf> {
        self.inv.sources.iter().filter_map(|s| s.base_dir.as_ref())
    }

    fn combine(&self, acc: &mut HostVars, vars: &VarMap, scope: &Scope) {
        for (k, v) in vars {
            let value = match (self.inv.merge_hashes, acc.get(k)) {
                (true, Some(old)) => merge_values(&old.value, &v.value),
                _ => v.value.clone(),
            };
            acc.shift_remove(k);
            acc.insert(
                k.clone(),
                HostVar {
                    value,
                    origin: v.origin.clone(),
                    scope: scope.clone(),
                },
            );
        }
    }

    fn group_file_layers(&self, acc: &mut HostVars, groups: &[String]) -> Result<(), SourceError> {
        // Layers 3/5 per source then layers 4/6 in the playbook dir; `all` first.
        let has_all = groups.first().is_some_and(|g| g == "all");
        let (all, rest) = if has_all {
            groups.split_at(1)
        } else {
            groups.split_at(0)
        };
        for names in [all, rest] {
            for dir in self.source_dirs() {
                for g in names {
                    if let Some(v) = self.files.vars_for(dir, VarsDir::Group, g)? {
                        self.combine(acc, &v, &Scope::GroupFile(g.clone()));
                    }
                }
            }
            if let Some(dir) = &self.playbook_dir {
                for g in names {
                    if let Some(v) = self.files.vars_for(dir, VarsDir::Group, g)? {
                        self.combine(acc, &v, &Scope::GroupFile(g.clone()));
                    }
                }
            }
        }
        Ok(())
    }

    fn host_file_layers(&self, acc: &mut HostVars, host: &str) -> Result<(), SourceError> {
        for dir in self.source_dirs().chain(self.playbook_dir.iter()) {
            if let Some(v) = self.files.vars_for(dir, VarsDir::Host, host)? {
                self.combine(acc, &v, &Scope::HostFile);
            }
        }
        Ok(())
    }

    /// The host's variables, layers 1–10 of §8.1, magic names removed. `host` may be an
    /// implicit localhost name (§9).
    pub fn host_vars(&self, host: &str) -> Result<HostVars, SourceError> {
        let mut acc = HostVars::new();
        let all = &self.inv.groups["all"];
        self.combine(&mut acc, &all.vars, &Scope::GroupInline("all".into()));
        match self.inv.hosts.get(host) {
            Some(h) => {
                let groups = self.inv.sorted_groups_for_vars(host);
                for g in &groups {
                    let grp = &self.inv.groups[g];
                    self.combine(&mut acc, &grp.vars, &Scope::GroupInline(g.clone()));
                }
                let mut with_all = vec!["all".to_string()];
                with_all.extend(groups);
                self.group_file_layers(&mut acc, &with_all)?;
                self.combine(&mut acc, &h.vars, &Scope::HostInline);
            }
            None => {
                // Implicit localhost: all-group vars underneath its own connection vars.
                self.group_file_layers(&mut acc, &["all".to_string()])?;
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
                self.combine(&mut acc, &own, &Scope::Implicit);
            }
        }
        self.host_file_layers(&mut acc, host)?;
        self.combine(&mut acc, &self.extra, &Scope::ExtraVars);
        remove_internal(&mut acc);
        Ok(acc)
    }

    /// `--export` host vars: inline host vars and host_vars files only (§15.1).
    pub fn host_export_vars(&self, host: &str) -> Result<HostVars, SourceError> {
        let mut acc = HostVars::new();
        if let Some(h) = self.inv.hosts.get(host) {
            self.combine(&mut acc, &h.vars, &Scope::HostInline);
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
        self.combine(&mut acc, &grp.vars, &Scope::GroupInline(group.into()));
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
