//! `stackctl inventory --list | --host H | --graph [G] [--vars]`: ansible-inventory's output,
//! same shapes and values (ansible-inventory.md §15).

use super::session::Session;
use crate::cli::{GlobalArgs, InventoryArgs};
use crate::output::inventory as out;
use anyhow::{Result, bail};

pub fn run(global: &GlobalArgs, args: &InventoryArgs) -> Result<i32> {
    if args.toml {
        bail!("TOML output is not supported; use --list (JSON) or --yaml");
    }
    let session = Session::load(global)?;
    let vars = session.vars(!args.export || global.playbook_dir.is_some());
    let text = if let Some(host) = &args.host {
        if !vars.is_known_host(host) {
            bail!("You must pass a single valid host to --host parameter");
        }
        out::host(&vars, host, args.export, args.yaml)?
    } else if let Some(graph) = &args.graph {
        let group = args
            .group
            .as_deref()
            .filter(|_| graph == "all")
            .unwrap_or(graph);
        if !session.inv.groups.contains_key(group) {
            bail!("Pattern must be valid group name when using --graph");
        }
        out::graph(&vars, group, args.vars, args.export)?
    } else {
        let limited = match &global.limit {
            Some(_) => Some(session.select_hosts("all")?),
            None => None,
        };
        out::list(&vars, limited.as_deref(), args.export, args.yaml)?
    };
    let text = format!("{}\n", text.trim_end_matches('\n'));
    match &args.output {
        Some(path) => std::fs::write(path, text)?,
        None => print!("{text}"),
    }
    drop(vars);
    session.finish();
    Ok(0)
}
