//! `stackctl graph [PATTERN] [--format text|dot]`: the connection tree of the selected hosts,
//! shared hops merged. Hosts whose stack cannot be resolved are listed with their error, and the
//! exit status is then 1.

use super::targets;
use crate::cli::{GlobalArgs, GraphArgs, GraphFormat};
use crate::output::graph::{self, Tree};
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &GraphArgs) -> Result<i32> {
    let resolved = targets::resolve_pattern(global, &args.pattern)?;
    let tree = Tree::build(&resolved);
    let text = match args.format {
        GraphFormat::Text => graph::text(&tree),
        GraphFormat::Dot => graph::dot(&tree),
    };
    print!("{text}");
    for (host, message) in &tree.failed {
        eprintln!("stackctl: error: {host}: {message}");
    }
    Ok(if tree.failed.is_empty() { 0 } else { 1 })
}
