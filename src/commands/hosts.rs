//! `stackctl hosts PATTERN`: the hosts a pattern selects, in Ansible's order, one per line
//! (or a JSON list), so scripts can loop over them.

use super::session::Session;
use crate::cli::{GlobalArgs, HostsArgs, ListFormat};
use crate::value::{TagStyle, Value};
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &HostsArgs) -> Result<i32> {
    let session = Session::load(global)?;
    let hosts = session.select_hosts(&args.pattern)?;
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
    session.finish();
    Ok(0)
}
