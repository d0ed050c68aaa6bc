//! `stackctl ssh-config [PATTERN]`: an OpenSSH client config for the selected hosts whose
//! stacks are ssh hops only. Other hosts are skipped with a comment and a warning; hosts whose
//! stack does not resolve make the exit status 1.

use super::targets;
use crate::cli::{GlobalArgs, SshConfigArgs};
use crate::output::ssh_config;
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &SshConfigArgs) -> Result<i32> {
    let resolved = targets::resolve_pattern(global, &args.pattern)?;
    let cfg = ssh_config::render(&resolved);
    print!("{}", cfg.text);
    for w in &cfg.warnings {
        eprintln!("[WARNING]: {w}");
    }
    Ok(if cfg.failed { 1 } else { 0 })
}
