//! The in-memory inventory every reader writes into (Ansible's InventoryData): hosts, groups,
//! parent/child links, per-object variables with their origins, and the reconcile step.

use crate::origin::Origin;
use crate::value::Value;
use indexmap::IndexMap;
use std::path::PathBuf;

/// A variable as stored on a host or group: its value and where it was set.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub value: Value,
    pub origin: Origin,
}

/// Variables in insertion order.
pub type VarMap = IndexMap<String, Var>;

#[derive(Debug, Clone, Default)]
pub struct Host {
    pub name: String,
    /// Host variables set by inventory sources (inline), in assignment order.
    pub vars: VarMap,
    /// Groups this host was added to directly, in insertion order (may include `all`).
    pub groups: Vec<String>,
    /// The synthesised localhost (not in any group, not in `all`).
    pub implicit: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Group {
    pub name: String,
    pub vars: VarMap,
    /// Own hosts, first-insertion order.
    pub hosts: Vec<String>,
    /// Child groups, declaration order.
    pub children: Vec<String>,
    pub parents: Vec<String>,
    /// `ansible_group_priority` when set by an inventory source (default 1).
    pub priority: i64,
}

/// One top-level inventory source, in `-i` order; its base directory is where `group_vars/` and
/// `host_vars/` are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub path: PathBuf,
    /// `None` for host-list sources (`-i a,b,`).
    pub base_dir: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Inventory {
    pub hosts: IndexMap<String, Host>,
    pub groups: IndexMap<String, Group>,
    pub sources: Vec<SourceInfo>,
    /// `hash_behaviour=merge`: dict values assigned twice are merged recursively.
    pub merge_hashes: bool,
    /// Non-fatal diagnostics, printed as `[WARNING]: …`.
    pub warnings: Vec<String>,
}

impl Default for Inventory {
    fn default() -> Self {
        Self::new()
    }
}

pub const LOCALHOST_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

impl Inventory {
    /// An empty inventory with `all` and `ungrouped` (ungrouped is always all's first child).
    pub fn new() -> Self {
        let mut inv = Inventory {
            hosts: IndexMap::new(),
            groups: IndexMap::new(),
            sources: Vec::new(),
            merge_hashes: false,
            warnings: Vec::new(),
        };
        inv.add_group("all");
        inv.add_group("ungrouped");
        let _ = inv.add_child("all", "ungrouped");
        inv
    }

    /// Creates the group if it does not exist yet (creation order is kept).
    pub fn add_group(&mut self, name: &str) {
        if !self.groups.contains_key(name) {
            self.groups.insert(
                name.to_string(),
                Group {
                    name: name.to_string(),
                    priority: 1,
                    ..Default::default()
                },
            );
        }
    }

    /// Creates the host if new; `port` becomes `ansible_port` only when the host is created.
    /// Adds it to `group` (created if missing) unless it is already a member.
    pub fn add_host(
        &mut self,
        name: &str,
        group: Option<&str>,
        port: Option<i64>,
        origin: &Origin,
    ) {
        if !self.hosts.contains_key(name) {
            let mut host = Host {
                name: name.to_string(),
                ..Default::default()
            };
            if let Some(p) = port {
                host.vars.insert(
                    "ansible_port".into(),
                    Var {
                        value: Value::Int(p),
                        origin: origin.clone(),
                    },
                );
            }
            self.hosts.insert(name.to_string(), host);
        }
        if let Some(g) = group {
            self.add_group(g);
            // Membership is checked on the host's short group list, not the group's host
            // list, which can hold thousands (the two are kept in step).
            let host = self.hosts.get_mut(name).expect("host just added");
            if !host.groups.iter().any(|x| x == g) {
                host.groups.push(g.to_string());
                let grp = self.groups.get_mut(g).expect("group just added");
                grp.hosts.push(name.to_string());
            }
        }
    }

    /// Makes `child` a child group of `parent` (both created if missing). Errors with Ansible's
    /// text when the link would create a loop.
    pub fn add_child(&mut self, parent: &str, child: &str) -> Result<(), String> {
        self.add_group(parent);
        self.add_group(child);
        if parent == child || self.is_ancestor(child, parent) {
            return Err(format!(
                "Adding group '{child}' as child to '{parent}' creates a recursive dependency loop."
            ));
        }
        let p = self.groups.get_mut(parent).expect("parent exists");
        if !p.children.iter().any(|c| c == child) {
            p.children.push(child.to_string());
        }
        let c = self.groups.get_mut(child).expect("child exists");
        if !c.parents.iter().any(|x| x == parent) {
            c.parents.push(parent.to_string());
        }
        Ok(())
    }

    /// True when `anc` is `group` itself or one of its ancestors... i.e. `group` is reachable
    /// from `anc` through children links.
    pub fn is_ancestor(&self, anc: &str, group: &str) -> bool {
        let mut stack = vec![anc.to_string()];
        let mut seen = std::collections::HashSet::new();
        while let Some(g) = stack.pop() {
            if g == group {
                return true;
            }
            if !seen.insert(g.clone()) {
                continue;
            }
            if let Some(grp) = self.groups.get(&g) {
                stack.extend(grp.children.iter().cloned());
            }
        }
        false
    }

    /// Sets a variable "on" a name the way Ansible's `set_variable` does: a group of that name
    /// takes it (groups are checked first), else the host.
    pub fn set_variable(&mut self, entity: &str, key: &str, value: Value, origin: Origin) {
        let merge = self.merge_hashes;
        let vars = if let Some(g) = self.groups.get_mut(entity) {
            &mut g.vars
        } else if let Some(h) = self.hosts.get_mut(entity) {
            &mut h.vars
        } else {
            return;
        };
        assign(vars, key, value, origin, merge);
    }

    /// `set_variable` as inventory sources use it (ansible-inventory.md §7.3): on a group,
    /// `ansible_group_priority` is converted with Python's `int()` and becomes the group's
    /// priority instead of a variable; a value `int()` refuses is an error, in every reader.
    pub fn set_source_variable(
        &mut self,
        entity: &str,
        key: &str,
        value: Value,
        origin: Origin,
    ) -> Result<(), String> {
        // An entity that is neither a group nor a host is Ansible's error too.
        if !self.groups.contains_key(entity) && !self.hosts.contains_key(entity) {
            return Err(format!("Could not identify group or host named {entity}"));
        }
        if key == "ansible_group_priority"
            && let Some(g) = self.groups.get_mut(entity)
        {
            g.priority = python_int(&value)?;
            return Ok(());
        }
        self.set_variable(entity, key, value, origin);
        Ok(())
    }

    pub fn set_group_var(&mut self, group: &str, key: &str, value: Value, origin: Origin) {
        self.add_group(group);
        self.set_variable(group, key, value, origin);
    }

    pub fn set_host_var(&mut self, host: &str, key: &str, value: Value, origin: Origin) {
        self.set_variable(host, key, value, origin);
    }

    /// Ansible's reconcile step: parentless groups join `all` (creation order), hosts with no
    /// real group go to `ungrouped`, hosts in a real group leave it.
    pub fn reconcile(&mut self) -> Result<(), String> {
        let orphans: Vec<String> = self
            .groups
            .values()
            .filter(|g| g.name != "all" && g.parents.is_empty())
            .map(|g| g.name.clone())
            .collect();
        for g in orphans {
            // `[x:children] all` makes this a loop, which Ansible reports.
            self.add_child("all", &g)?;
        }
        let names: Vec<String> = self.hosts.keys().cloned().collect();
        for h in names {
            let real: Vec<String> = self.hosts[&h]
                .groups
                .iter()
                .filter(|g| *g != "all" && *g != "ungrouped")
                .cloned()
                .collect();
            if real.is_empty() {
                if self.hosts[&h].implicit || self.hosts[&h].groups.iter().any(|g| g == "ungrouped")
                {
                    continue;
                }
                if self.groups.contains_key(&h) {
                    // Ansible's add_child looks the name up as a group first: the group of
                    // the same name becomes ungrouped's child, the host stays where it is.
                    self.add_child("ungrouped", &h)?;
                } else {
                    self.add_host(&h, Some("ungrouped"), None, &Origin::Default);
                }
            } else if self.hosts[&h].groups.iter().any(|g| g == "ungrouped") {
                if let Some(u) = self.groups.get_mut("ungrouped") {
                    u.hosts.retain(|x| x != &h);
                }
                if let Some(host) = self.hosts.get_mut(&h) {
                    host.groups.retain(|g| g != "ungrouped");
                }
            }
        }
        Ok(())
    }

    /// Longest path from `all` (depth(all) = 0).
    pub fn depth(&self, group: &str) -> usize {
        fn walk(inv: &Inventory, g: &str, guard: usize) -> usize {
            if guard > inv.groups.len() {
                return 0;
            }
            match inv.groups.get(g) {
                Some(grp) => grp
                    .parents
                    .iter()
                    .map(|p| walk(inv, p, guard + 1) + 1)
                    .max()
                    .unwrap_or(0),
                None => 0,
            }
        }
        walk(self, group, 0)
    }

    /// Every group the host belongs to, directly or through ancestors, `all` included.
    pub fn host_groups_with_ancestors(&self, host: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<String> = match self.hosts.get(host) {
            Some(h) => h.groups.iter().rev().cloned().collect(),
            None => return out,
        };
        while let Some(g) = stack.pop() {
            if out.contains(&g) {
                continue;
            }
            if let Some(grp) = self.groups.get(&g) {
                stack.extend(grp.parents.iter().rev().cloned());
            }
            out.push(g);
        }
        out
    }

    /// The host's groups (ancestors included, `all` excluded) sorted by Ansible's
    /// (depth, priority, name) key: the order group vars are layered in, lowest first.
    pub fn sorted_groups_for_vars(&self, host: &str) -> Vec<String> {
        let mut groups: Vec<(usize, i64, String)> = self
            .host_groups_with_ancestors(host)
            .into_iter()
            .filter(|g| g != "all")
            .map(|g| (self.depth(&g), self.groups[&g].priority, g))
            .collect();
        groups.sort();
        groups.into_iter().map(|(_, _, g)| g).collect()
    }

    /// Hosts of a group and its descendants, breadth-first (Ansible's `get_hosts()`).
    pub fn group_hosts(&self, group: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen_hosts = std::collections::HashSet::new();
        let mut seen_groups = std::collections::HashSet::new();
        let mut level = vec![group.to_string()];
        while !level.is_empty() {
            let mut next = Vec::new();
            for g in &level {
                if !seen_groups.insert(g.clone()) {
                    continue;
                }
                if let Some(grp) = self.groups.get(g) {
                    for h in &grp.hosts {
                        if seen_hosts.insert(h.clone()) {
                            out.push(h.clone());
                        }
                    }
                    next.extend(grp.children.iter().cloned());
                }
            }
            level = next;
        }
        out
    }

    /// The first localhost-like host in the inventory, if any.
    pub fn localhost_entry(&self) -> Option<&str> {
        self.hosts
            .keys()
            .find(|h| LOCALHOST_NAMES.contains(&h.as_str()))
            .map(String::as_str)
    }
}

/// Python's `int(value)` with its error texts (ansible-core 2.19 names its tagged list/dict
/// subclasses in them).
fn python_int(v: &Value) -> Result<i64, String> {
    let type_err = |t: &str| {
        format!("int() argument must be a string, a bytes-like object or a real number, not '{t}'")
    };
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Float(f) if f.is_nan() => Err("cannot convert float NaN to integer".into()),
        Value::Float(f) if f.is_infinite() => {
            Err("cannot convert float infinity to integer".into())
        }
        Value::Float(f) => Ok(f.trunc() as i64),
        Value::Str(s) | Value::Unsafe(s) | Value::Date(s) | Value::Vault(s) => {
            super::hostname::py_int(s)
        }
        Value::Null => Err(type_err("NoneType")),
        Value::List(_) => Err(type_err("_AnsibleTaggedList")),
        Value::Map(_) => Err(type_err("_AnsibleTaggedDict")),
    }
}

/// Assigns `key` in `vars`, merging dicts recursively when `merge` (hash_behaviour=merge).
pub fn assign(vars: &mut VarMap, key: &str, value: Value, origin: Origin, merge: bool) {
    if merge
        && let (Some(old), Value::Map(_)) = (vars.get(key), &value)
        && let Value::Map(_) = old.value
    {
        let merged = merge_values(&old.value, &value);
        vars.insert(
            key.to_string(),
            Var {
                value: merged,
                origin,
            },
        );
        return;
    }
    // Like a Python dict: a reassigned key keeps its place.
    vars.insert(key.to_string(), Var { value, origin });
}

/// Recursive dict merge (Ansible's `merge_hash`): dicts merge, everything else is replaced.
pub fn merge_values(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Map(a), Value::Map(b)) => {
            let mut out = a.clone();
            for (k, v) in b {
                let merged = match out.get(k) {
                    Some(existing) => merge_values(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Map(out)
        }
        (_, n) => n.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_is_refused_with_ansible_text() {
        let mut inv = Inventory::new();
        inv.add_child("a", "b").unwrap();
        inv.add_child("b", "c").unwrap();
        let err = inv.add_child("c", "a").unwrap_err();
        assert_eq!(
            err,
            "Adding group 'a' as child to 'c' creates a recursive dependency loop."
        );
    }

    #[test]
    fn group_priority_is_python_int_in_every_reader() {
        // ansible-inventory.md §7.3; ansible-core 2.19.14 fails the source for a null or list
        // priority in YAML and INI alike ("int() argument must be … not 'NoneType'").
        let mut inv = Inventory::new();
        inv.add_group("g");
        let o = Origin::Default;
        inv.set_source_variable("g", "ansible_group_priority", Value::str(" 7 "), o.clone())
            .unwrap();
        assert_eq!(inv.groups["g"].priority, 7);
        assert!(inv.groups["g"].vars.is_empty());
        let err = inv
            .set_source_variable("g", "ansible_group_priority", Value::Null, o.clone())
            .unwrap_err();
        assert_eq!(
            err,
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
        );
        // On a host it is an ordinary variable.
        inv.add_host("h", None, None, &o);
        inv.set_source_variable("h", "ansible_group_priority", Value::Null, o.clone())
            .unwrap();
        // Neither a group nor a host: Ansible's set_variable error, for every reader.
        assert_eq!(
            inv.set_source_variable("ghost", "x", Value::Int(1), o),
            Err("Could not identify group or host named ghost".to_string())
        );
        assert_eq!(
            inv.hosts["h"].vars["ansible_group_priority"].value,
            Value::Null
        );
    }

    #[test]
    fn reconcile_moves_hosts_out_of_ungrouped() {
        let mut inv = Inventory::new();
        let o = Origin::Default;
        inv.add_host("shared", Some("ungrouped"), None, &o);
        inv.add_host("shared", Some("a"), None, &o);
        inv.add_host("loose", None, None, &o);
        inv.reconcile().expect("reconcile");
        assert_eq!(inv.groups["ungrouped"].hosts, vec!["loose"]);
        assert_eq!(inv.groups["all"].children, vec!["ungrouped", "a"]);
    }

    #[test]
    fn group_hosts_are_breadth_first() {
        // ansible-inventory.md §10.3 verified example.
        let mut inv = Inventory::new();
        let o = Origin::Default;
        inv.add_child("web", "nginx").unwrap();
        inv.add_host("w1", Some("web"), None, &o);
        inv.add_host("n1", Some("nginx"), None, &o);
        inv.add_host("d1", Some("db"), None, &o);
        inv.add_host("u1", Some("ungrouped"), None, &o);
        inv.reconcile().expect("reconcile");
        assert_eq!(inv.group_hosts("all"), vec!["u1", "w1", "d1", "n1"]);
        assert_eq!(inv.group_hosts("web"), vec!["w1", "n1"]);
    }
}
