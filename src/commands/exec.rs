//! `stackctl exec HOST [--dry-run] [-t] [--ssh-chain tunnel|nested] -- COMMAND…`: resolve the
//! host's stack, build the plan, print it (`--dry-run`) or run it with output streamed and the
//! command's exit status (255 when a hop failed), like `ssh`. A pattern selecting several
//! hosts goes to `exec_many`.

use super::session::{Session, SessionHosts};
use crate::cli::{ExecArgs, GlobalArgs, SshChainArg};
use crate::plan::{self, PlanOptions, SshChain};
use crate::stack;

use anyhow::Result;
use std::os::unix::ffi::OsStrExt;

pub fn run(global: &GlobalArgs, args: &ExecArgs) -> Result<i32> {
    let session = Session::load(global)?;
    // A pattern selecting several hosts runs on all of them; anything else (one host, none,
    // a pattern error) keeps the one-host behaviour, errors included.
    let mut warnings = Vec::new();
    let selected = crate::inventory::pattern::list_hosts(
        &session.inv,
        &args.host,
        global.limit.as_deref(),
        &session.cwd,
        &mut warnings,
    )
    .unwrap_or_default();
    if selected.len() > 1 {
        if !args.dry_run && args.worker_model == crate::cli::WorkerModelArg::Classic {
            // Its exec overlaps the planning of the hosts.
            crate::workers::forkserver::prestart();
        }
        warnings.dedup();
        for w in warnings {
            eprintln!("[WARNING]: {w}");
        }
        return super::exec_many::run(&session, selected, args);
    }
    let host = selected.first().unwrap_or(&args.host);
    let hosts = SessionHosts::new(session.vars(true));
    let stack = stack::resolve(host, &hosts, &session.settings, &session.play)?;
    let chain = match args.ssh_chain {
        Some(SshChainArg::Tunnel) => SshChain::Tunnel,
        Some(SshChainArg::Nested) => SshChain::Nested,
        None => SshChain::of(&stack),
    };
    let argv: Vec<Vec<u8>> = args.command.iter().map(|w| w.as_bytes().to_vec()).collect();
    let opts = PlanOptions {
        chain,
        tty: args.tty,
        nonce: if args.dry_run {
            "NONCE".into()
        } else {
            plan::nonce()
        },
    };
    let plan = plan::build(&stack, &argv, &opts)?;
    if args.dry_run {
        print!("{}", crate::output::plan::text(&plan, chain));
        return Ok(0);
    }
    super::one_host::run(&plan, args.persist)
}
