//! `exec --dry-run`: a plan as text — the ssh connections made from this machine with their
//! options, each wrapped hop, the passwords fed (always `********`), and the exact command.

use super::REDACTED;
use crate::plan::{Placement, Plan, SshChain, quote};
use crate::transport::SshTarget;
use std::fmt::Write as _;

fn q(s: &str) -> String {
    quote::quote(s.as_bytes())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A master's connection as one ssh-like line.
pub fn master_line(t: &SshTarget) -> String {
    let mut words = vec![t.ssh_path.clone()];
    if t.debug_level > 0 {
        words.push(format!("-{}", "v".repeat(t.debug_level as usize)));
    }
    if let Some(u) = &t.username {
        words.push("-l".into());
        words.push(u.clone());
    }
    if let Some(p) = t.port {
        words.push("-p".into());
        words.push(p.to_string());
    }
    if let Some(i) = &t.identity_file {
        words.push("-i".into());
        words.push(i.clone());
    }
    words.extend(crate::plan::ssh::options(t));
    words.extend(t.ssh_args.iter().cloned());
    words.push(t.hostname.clone());
    let mut line = words.iter().map(|w| q(w)).collect::<Vec<_>>().join(" ");
    if t.password.is_some() {
        let _ = write!(line, "  (password: {REDACTED})");
    }
    line
}

fn placement(p: &Placement) -> String {
    match p {
        Placement::Local => "runs locally".into(),
        Placement::Tunnel { through } => format!("tunnelled through hop {through}"),
        Placement::On { hop } => format!("runs on hop {hop}"),
    }
}

/// The dry-run text.
pub fn text(plan: &Plan, chain: SshChain) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "host: {}", plan.host);
    let chain = match chain {
        SshChain::Tunnel => "tunnel",
        SshChain::Nested => "nested",
    };
    let _ = writeln!(o, "ssh chain: {chain}");
    if plan.masters.is_empty() {
        let _ = writeln!(o, "ssh connections from this machine: none");
    } else {
        let _ = writeln!(o, "ssh connections from this machine (outermost first):");
        for (n, m) in plan.masters.iter().enumerate() {
            let how = if n == 0 {
                String::new()
            } else {
                format!(", tunnelled through hop {}", plan.masters[n - 1].hop_index)
            };
            let _ = writeln!(
                o,
                "  hop {} (ssh on {}{how}): {}",
                m.hop_index,
                m.inventory_host,
                master_line(m)
            );
        }
    }
    if !plan.layers.is_empty() {
        let _ = writeln!(o, "wrapped hops (outermost first):");
        for l in &plan.layers {
            let _ = writeln!(
                o,
                "  hop {} ({} on {}, {}): {}",
                l.hop_index,
                l.method,
                l.inventory_host,
                placement(&l.placement),
                l.display
            );
        }
    }
    if !plan.feeds.is_empty() {
        let _ = writeln!(o, "passwords (in prompt order):");
        for f in &plan.feeds {
            let what = if f.secret.is_some() {
                REDACTED.to_string()
            } else {
                "none (the hop must not ask)".into()
            };
            let _ = writeln!(
                o,
                "  hop {} ({} to {} on {}): {what}",
                f.hop_index,
                f.method.name(),
                f.username,
                f.inventory_host
            );
        }
    }
    match plan.masters.last() {
        Some(m) if plan.tty => {
            let _ = writeln!(
                o,
                "command (remote command of hop {}, parsed by its login shell; run with a \
                 terminal by `ssh -S <hop {} control socket> -tt`):",
                m.hop_index, m.hop_index
            );
        }
        Some(m) => {
            let _ = writeln!(
                o,
                "command (remote command of hop {}, parsed by its login shell):",
                m.hop_index
            );
        }
        None => {
            let _ = writeln!(o, "command (run here as `sh -c <command>`):");
        }
    }
    let _ = writeln!(o, "  {}", String::from_utf8_lossy(&plan.command));
    if !plan.layers.is_empty() {
        let _ = writeln!(
            o,
            "(each wrapped hop's shell first prints the marker stackctl-NONCE-hop-N on stderr, \
             which stackctl removes; NONCE is a random token chosen per run)"
        );
    }
    o
}
