//! Plan stage: where each hop of a stack runs. An ssh hop directly after another ssh hop is
//! tunnelled from this machine through the parent's connection (`ssh -W`, like `ssh -J`);
//! any other hop runs on the machine (or account) the previous hop reached (execution.md §2).
//!
//! [`build()`] turns a stack into a [`Plan`]: the ssh connections made from this machine
//! (masters) and one shell string wrapping every other hop, quoted once per shell layer by
//! [`quote::quote`].

pub mod build;
pub mod kw;
pub mod quote;
pub mod ssh;
pub mod wrap;

pub use build::{Layer, Plan, PlanError, PlanOptions, build, nonce, user_command};
pub use wrap::{BecomeMethod, SecretFeed};

use crate::stack::{Builder, Stack};

/// Where one hop's process runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Placement {
    /// On the operator's machine.
    Local,
    /// On the operator's machine, its connection carried through hop `through`.
    Tunnel { through: usize },
    /// On what hop `hop` reached (nested: the hop's program runs there).
    On { hop: usize },
}

/// How consecutive ssh hops are chained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SshChain {
    #[default]
    Tunnel,
    Nested,
}

impl SshChain {
    /// Parses `tunnel` / `nested`.
    pub fn parse(s: &str) -> Option<SshChain> {
        match s {
            "tunnel" => Some(SshChain::Tunnel),
            "nested" => Some(SshChain::Nested),
            _ => None,
        }
    }

    /// The target's `stackctl_ssh_chain` setting (its host var; default tunnel).
    pub fn of(stack: &Stack) -> SshChain {
        stack
            .configs
            .last()
            .and_then(|(_, c)| c.str("stackctl_ssh_chain"))
            .and_then(SshChain::parse)
            .unwrap_or_default()
    }
}

/// The placement of every hop of `stack`.
pub fn placements(stack: &Stack, chain: SshChain) -> Vec<Placement> {
    let mut out = Vec::with_capacity(stack.hops.len());
    for (i, hop) in stack.hops.iter().enumerate() {
        let p = if i == 0 {
            Placement::Local
        } else {
            let prev = &stack.hops[i - 1];
            let tunnel = chain == SshChain::Tunnel
                && hop.builder == Builder::Ssh
                && prev.builder == Builder::Ssh
                && matches!(
                    out.last(),
                    Some(Placement::Local | Placement::Tunnel { .. })
                );
            if tunnel {
                Placement::Tunnel { through: i - 1 }
            } else {
                Placement::On { hop: i - 1 }
            }
        };
        out.push(p);
    }
    out
}

/// Human text for a placement, naming the hop's inventory host.
pub fn describe(stack: &Stack, p: &Placement) -> String {
    match p {
        Placement::Local => "local".into(),
        Placement::Tunnel { through } => {
            format!(
                "local, via hop {} ({})",
                through, stack.hops[*through].inventory_host
            )
        }
        Placement::On { hop } => {
            let h = &stack.hops[*hop];
            let who = h
                .kwargs
                .get("username")
                .and_then(|u| u.as_str())
                .map(|u| format!("{u}@"))
                .unwrap_or_default();
            format!("hop {} ({}{}, {})", hop, who, h.inventory_host, h.method)
        }
    }
}
