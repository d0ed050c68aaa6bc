//! Building a [`Plan`] from a [`Stack`]: which ssh connections this machine makes (the
//! masters), and the one shell string that runs everything else.
//!
//! The command rule: several argv words are each quoted, so the innermost `sh -c` sees exactly
//! those words; a single word is taken as a shell snippet, like `ssh host 'a | b'`.
//!
//! Every wrapped hop's shell first prints a marker line `stackctl-<nonce>-hop-<N>` on stderr (a
//! line of its own, so a syntax error in a snippet is reported by the shell after it), so
//! the transport knows which hops were passed: a process that ends before the last marker
//! failed at the hop after the last marker seen (exit 255, `hop N (…): message`), one that ends
//! after it is the user's command (its own exit status). Markers are never shown.

use super::quote::join;
use super::wrap::{SecretFeed, wrapper_tty};
use super::{Placement, SshChain, placements};
use crate::stack::{Builder, Stack};
use crate::transport::SshTarget;
use std::time::Duration;

/// A hop run by wrapping the command (every hop that is not a master).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    pub hop_index: usize,
    pub method: String,
    pub inventory_host: String,
    /// Where the hop's wrapper runs (the previous hop, or this machine).
    pub placement: Placement,
    /// The line this hop's shell prints on stderr when it has started.
    pub marker: String,
    /// The wrapper with `<hop N+1>` (or `<command>`) in place of the inner string.
    pub display: String,
}

/// How to run a command on a host, ready for a transport (printable by `exec --dry-run`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    pub host: String,
    /// ssh connections made from this machine, outermost first, each tunnelled through the
    /// previous one. The command runs on the last one (or locally when there is none).
    pub masters: Vec<SshTarget>,
    /// The wrapped hops, outermost first.
    pub layers: Vec<Layer>,
    /// The shell string that runs everything: given to `sh -c` locally, or as the remote
    /// command of the last master (parsed by its login shell).
    pub command: Vec<u8>,
    /// Hops that ask for passwords, in prompt order.
    pub feeds: Vec<SecretFeed>,
    /// The user asked for a terminal (`-t`).
    pub tty: bool,
    /// How long the hops may take before the user's command starts.
    pub ready_timeout: Duration,
    /// The last master's login shell is a Bourne-style one (`ansible_shell_type` other than
    /// csh or fish): it understands `$$` and `>&2` itself.
    #[serde(default)]
    pub posix_login_shell: bool,
}

/// What the plan is built with.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub chain: SshChain,
    pub tty: bool,
    /// A random token unique to this run, in markers and sudo prompts.
    pub nonce: String,
}

/// A plan that cannot be built: names the hop when one is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("hop {index} ({method} on {inventory_host}): {message}")]
    Hop {
        index: usize,
        method: String,
        inventory_host: String,
        message: String,
    },
    #[error("{0}")]
    Command(String),
}

/// The user's command as the innermost shell string (see the module doc for the rule).
pub fn user_command(argv: &[Vec<u8>]) -> Result<Vec<u8>, PlanError> {
    match argv {
        [] => Err(PlanError::Command("no command given".into())),
        [one] => {
            if one.contains(&0) {
                return Err(PlanError::Command("the command contains a NUL byte".into()));
            }
            Ok(one.clone())
        }
        many => join(many).map_err(|e| PlanError::Command(e.to_string())),
    }
}

/// Builds the plan that runs `argv` on the stack's target.
pub fn build(stack: &Stack, argv: &[Vec<u8>], opts: &PlanOptions) -> Result<Plan, PlanError> {
    let places = placements(stack, opts.chain);
    let hop_err = |i: usize, message: String| {
        let h = &stack.hops[i];
        PlanError::Hop {
            index: i,
            method: h.method.clone(),
            inventory_host: h.inventory_host.clone(),
            message,
        }
    };
    // Masters: the leading ssh hops made from this machine.
    let mut masters = Vec::new();
    for (i, (hop, p)) in stack.hops.iter().zip(&places).enumerate() {
        let from_here = matches!(p, Placement::Local | Placement::Tunnel { .. });
        if hop.builder != Builder::Ssh || !from_here {
            break;
        }
        masters.push(super::ssh::target(i, hop).map_err(|m| hop_err(i, m))?);
    }
    let first_layer = masters.len();
    let mut command = user_command(argv)?;
    let mut layers = Vec::new();
    let mut feeds = Vec::new();
    let mut ready_timeout = Duration::ZERO;
    for i in (first_layer..stack.hops.len()).rev() {
        let hop = &stack.hops[i];
        let marker = format!("stackctl-{}-hop-{i}", opts.nonce);
        let mut inner = format!("echo {marker} >&2\n").into_bytes();
        inner.extend_from_slice(&command);
        let w = wrapper_tty(i, hop, &opts.nonce, opts.tty).map_err(|m| hop_err(i, m))?;
        command = w.apply(&inner).map_err(|m| hop_err(i, m))?;
        let label = if i + 1 == stack.hops.len() {
            "<command>".to_string()
        } else {
            format!("<hop {}>", i + 1)
        };
        // Each hop may take its connect_timeout (Ansible's default 10 s when it has none).
        let secs = super::kw::uint(&hop.kwargs, "connect_timeout")
            .ok()
            .flatten()
            .unwrap_or(10);
        ready_timeout += Duration::from_secs(secs.max(1));
        if let Some(f) = w.feed.clone() {
            feeds.push(f);
        }
        layers.push(Layer {
            hop_index: i,
            method: hop.method.clone(),
            inventory_host: hop.inventory_host.clone(),
            placement: places[i].clone(),
            marker,
            display: w.display(&label),
        });
    }
    layers.reverse();
    feeds.reverse();
    let login_host = masters.last().map(|m| m.inventory_host.as_str());
    let posix_login_shell = !stack
        .configs
        .iter()
        .find(|(host, _)| Some(host.as_str()) == login_host)
        .and_then(|(_, c)| c.str("shell_type"))
        .is_some_and(|t| matches!(t, "csh" | "fish"));
    Ok(Plan {
        host: stack.target.clone(),
        masters,
        layers,
        command,
        feeds,
        tty: opts.tty,
        ready_timeout,
        posix_login_shell,
    })
}

/// A fresh random token for markers and prompts (16 hex digits).
pub fn nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}
