//! `stackctl hosts PATTERN`: the hosts a pattern selects, in Ansible's order, one per line
//! (or a JSON list), so scripts can loop over them.

use super::session::Session;
use crate::cli::{GlobalArgs, HostsArgs, ListFormat};
use crate::inventory::pattern;
use crate::value::{TagStyle, Value};
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &HostsArgs) -> Result<i32> {
    let session = Session::load(global)?;
    let mut warnings = Vec::new();
    let hosts = match pattern::list_hosts(
        &session.inv,
        &args.pattern,
        global.limit.as_deref(),
        &session.cwd,
        &mut warnings,
    ) {
        Ok(h) => h,
        // Like `ansible PATTERN --list-hosts`: without --limit a pattern that cannot be
        // evaluated selects nothing (the reason stays visible as a warning).
        Err(e) if global.limit.is_none() => {
            warnings.push(format!("{e}; no hosts matched"));
            Vec::new()
        }
        Err(e) => return Err(anyhow::Error::msg(e)),
    };
    warnings.dedup();
    for w in warnings {
        eprintln!("[WARNING]: {w}");
    }
    match args.format {
        ListFormat::Lines => {
            for h in &hosts {
                println!("{h}");
            }
        }
        ListFormat::Json => {
            let v = Value::List(hosts.iter().map(|h| Value::str(h.clone())).collect());
            println!("{}", v.to_py_json_indent(TagStyle::PlainUnsafe, 2));
        }
    }
    Ok(0)
}
