//! ansible-inventory's three outputs (ansible-inventory.md §15): `--list` (JSON/YAML, with
//! `--export`), `--host` and `--graph [--vars]`, built from the vars stage.

use crate::error::SourceError;
use crate::value::{Map, TagStyle, Value};
use crate::vars::{VarsContext, plain};
use std::collections::HashSet;

/// `--host NAME`: the merged vars of one host.
pub fn host(
    vars: &VarsContext,
    name: &str,
    export: bool,
    yaml: bool,
) -> Result<String, SourceError> {
    let v = Value::Map(host_vars_for_list(vars, name, export)?);
    Ok(if yaml {
        crate::yaml::to_yaml_string(&v)
    } else {
        v.to_py_json(TagStyle::PlainUnsafe)
    })
}

fn host_vars_for_list(vars: &VarsContext, host: &str, export: bool) -> Result<Map, SourceError> {
    Ok(plain(&if export {
        vars.host_export_vars(host)?
    } else {
        vars.host_vars(host)?
    }))
}

/// `--list` (optionally `--export`, `--yaml`); `limited` restricts the hosts shown.
pub fn list(
    vars: &VarsContext,
    limited: Option<&[String]>,
    export: bool,
    yaml: bool,
) -> Result<String, SourceError> {
    let inv = vars.inv;
    let available: HashSet<&str> = match limited {
        Some(hosts) => hosts.iter().map(String::as_str).collect(),
        None => inv.hosts.keys().map(String::as_str).collect(),
    };
    if yaml {
        let mut seen = YamlSeen::default();
        let top = yaml_group(vars, "all", &available, export, &mut seen)?;
        let mut root = Map::new();
        if let Some(g) = top {
            root.insert("all".into(), g);
        }
        return Ok(crate::yaml::to_yaml_string(&Value::Map(root)));
    }
    let mut results = Map::new();
    let mut seen = HashSet::new();
    json_group(vars, "all", &available, export, &mut results, &mut seen)?;
    let mut hostvars = Map::new();
    for h in inv.group_hosts("all") {
        if !available.contains(h.as_str()) {
            continue;
        }
        let hv = host_vars_for_list(vars, &h, export)?;
        if !hv.is_empty() {
            hostvars.insert(h, Value::Map(hv));
        }
    }
    let mut meta = Map::new();
    meta.insert("hostvars".into(), Value::Map(hostvars));
    meta.insert("profile".into(), Value::str("inventory_legacy"));
    results.insert("_meta".into(), Value::Map(meta));
    Ok(Value::Map(results).to_py_json(TagStyle::Tagged))
}

fn json_group(
    vars: &VarsContext,
    name: &str,
    available: &HashSet<&str>,
    export: bool,
    results: &mut Map,
    seen: &mut HashSet<String>,
) -> Result<(), SourceError> {
    let grp = &vars.inv.groups[name];
    let mut body = Map::new();
    if name != "all" {
        let hosts: Vec<Value> = grp
            .hosts
            .iter()
            .filter(|h| available.contains(h.as_str()))
            .map(|h| Value::str(h.clone()))
            .collect();
        if !hosts.is_empty() {
            body.insert("hosts".into(), Value::List(hosts));
        }
    }
    let mut children = Vec::new();
    for kid in &grp.children {
        children.push(Value::str(kid.clone()));
        if seen.insert(kid.clone()) {
            json_group(vars, kid, available, export, results, seen)?;
        }
    }
    if !children.is_empty() {
        body.insert("children".into(), Value::List(children));
    }
    if export {
        let gv = plain(&vars.group_export_vars(name)?);
        if !gv.is_empty() {
            body.insert("vars".into(), Value::Map(gv));
        }
    }
    if !body.is_empty() {
        results.insert(name.to_string(), Value::Map(body));
    }
    Ok(())
}

/// Hosts and groups already written by `--yaml`: a group appears in full once and as `{}`
/// under later parents; a host's vars appear only where it is first reached.
#[derive(Default)]
struct YamlSeen {
    hosts: HashSet<String>,
    groups: HashSet<String>,
}

/// One group of `--yaml`, visiting children in declaration order (the emitter sorts keys).
fn yaml_group(
    vars: &VarsContext,
    name: &str,
    available: &HashSet<&str>,
    export: bool,
    seen: &mut YamlSeen,
) -> Result<Option<Value>, SourceError> {
    let grp = &vars.inv.groups[name];
    let mut body = Map::new();
    let mut children = Map::new();
    for kid in &grp.children {
        if kid == "all" {
            continue;
        }
        if seen.groups.contains(kid) {
            children.insert(kid.clone(), Value::Map(Map::new()));
        } else {
            if let Some(v) = yaml_group(vars, kid, available, export, seen)? {
                children.insert(kid.clone(), v);
            }
            seen.groups.insert(kid.clone());
        }
    }
    if !children.is_empty() {
        body.insert("children".into(), Value::Map(children));
    }
    if name != "all" {
        let mut hmap = Map::new();
        for h in grp.hosts.iter().filter(|h| available.contains(h.as_str())) {
            let hv = if seen.hosts.insert(h.clone()) {
                host_vars_for_list(vars, h, export)?
            } else {
                Map::new()
            };
            hmap.insert(h.clone(), Value::Map(hv));
        }
        if !hmap.is_empty() {
            body.insert("hosts".into(), Value::Map(hmap));
        }
    }
    if export {
        let gv = plain(&vars.group_export_vars(name)?);
        if !gv.is_empty() {
            body.insert("vars".into(), Value::Map(gv));
        }
    }
    Ok(if body.is_empty() {
        None
    } else {
        Some(Value::Map(body))
    })
}

fn graph_line(item: &str, depth: usize, out: &mut Vec<String>) {
    if depth == 0 {
        out.push(item.to_string());
    } else {
        out.push(format!("{}--{}", "  |".repeat(depth), item));
    }
}

/// `{key = str(value)}` lines, sorted by key. `str()` of a vault value needs its plaintext, so
/// without vault secrets it is Ansible's fatal error (corpus 10#5).
fn graph_vars(map: &Map, depth: usize, out: &mut Vec<String>) -> Result<(), SourceError> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for k in keys {
        if let Value::Vault(_) = map[k] {
            return Err(SourceError::new(
                format!("variable {k}"),
                None,
                crate::yaml::NO_VAULT_SECRETS,
            ));
        }
        graph_line(&format!("{{{} = {}}}", k, map[k].py_str()), depth, out);
    }
    Ok(())
}

/// `--graph [GROUP] [--vars]`: the group tree, children first, groups repeated under every
/// parent, hosts after child groups; `--limit` ignored.
pub fn graph(
    vars: &VarsContext,
    group: &str,
    show_vars: bool,
    export: bool,
) -> Result<String, SourceError> {
    let mut out = Vec::new();
    let opts = GraphOpts { show_vars, export };
    graph_group(vars, group, 0, &opts, &mut out, 0)?;
    Ok(out.join("\n"))
}

struct GraphOpts {
    show_vars: bool,
    export: bool,
}

fn graph_group(
    vars: &VarsContext,
    name: &str,
    depth: usize,
    opts: &GraphOpts,
    out: &mut Vec<String>,
    guard: usize,
) -> Result<(), SourceError> {
    let show_vars = opts.show_vars;
    let grp = &vars.inv.groups[name];
    graph_line(&format!("@{name}:"), depth, out);
    if guard > vars.inv.groups.len() {
        return Ok(());
    }
    for kid in &grp.children {
        graph_group(vars, kid, depth + 1, opts, out, guard + 1)?;
    }
    if name != "all" {
        for h in &grp.hosts {
            graph_line(h, depth + 1, out);
            if show_vars {
                graph_vars(&host_vars_for_list(vars, h, opts.export)?, depth + 2, out)?;
            }
        }
    }
    if show_vars {
        graph_vars(&plain(&vars.group_export_vars(name)?), depth + 1, out)?;
    }
    Ok(())
}
