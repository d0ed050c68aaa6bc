//! ssh hops: the [`SshTarget`] a master connection is made from (the transport contract), and
//! the `ssh …options… -- host <inner>` argv of a nested ssh hop that runs *on* a previous hop.
//! Kwargs map to OpenSSH options as execution.md §2 says.

use super::kw;
use crate::stack::Hop;
use crate::transport::{SecretText, SshTarget};

/// The connection settings of an ssh hop.
pub fn target(index: usize, hop: &Hop) -> Result<SshTarget, String> {
    let k = &hop.kwargs;
    let hostname = kw::text(k, "hostname").ok_or("ssh hop has no hostname")?;
    let port = match kw::uint(k, "port")? {
        None => None,
        Some(p) => Some(u16::try_from(p).map_err(|_| format!("port {p} is out of range"))?),
    };
    let check = kw::text(k, "check_host_keys").unwrap_or_else(|| "enforce".into());
    let check_host_keys = match check.as_str() {
        "enforce" => true,
        "ignore" => false,
        other => {
            return Err(format!(
                "check_host_keys={other:?}: must be enforce or ignore"
            ));
        }
    };
    let debug = kw::uint(k, "ssh_debug_level")?.unwrap_or(0).min(3) as u8;
    Ok(SshTarget {
        hop_index: index,
        inventory_host: hop.inventory_host.clone(),
        hostname,
        port,
        username: kw::text(k, "username"),
        identity_file: kw::text(k, "identity_file"),
        check_host_keys,
        connect_timeout: kw::uint(k, "connect_timeout")?.unwrap_or(10),
        keepalive_interval: kw::uint(k, "keepalive_interval")?.unwrap_or(30),
        keepalive_count: kw::uint(k, "keepalive_count")?.unwrap_or(10),
        compression: kw::flag(k, "compression"),
        ssh_args: kw::words(k, "ssh_args")?,
        ssh_path: kw::text(k, "ssh_path").unwrap_or_else(|| "ssh".into()),
        debug_level: debug,
        password: kw::text(k, "password").map(SecretText::new),
    })
}

/// stackctl's own `-o` options for a target, in the order they are given (OpenSSH keeps the
/// first value, so these win over `ssh_args`, which follow).
pub fn options(t: &SshTarget) -> Vec<String> {
    let mut o = Vec::new();
    let mut opt = |s: String| {
        o.push("-o".to_string());
        o.push(s);
    };
    if t.debug_level == 0 {
        opt("LogLevel=ERROR".into());
    }
    if t.compression {
        opt("Compression=yes".into());
    }
    opt(format!("ServerAliveInterval={}", t.keepalive_interval));
    opt(format!("ServerAliveCountMax={}", t.keepalive_count));
    opt(format!("ConnectTimeout={}", t.connect_timeout));
    opt("BatchMode=yes".into());
    if t.check_host_keys {
        opt("StrictHostKeyChecking=yes".into());
    } else {
        opt("StrictHostKeyChecking=no".into());
        opt("UserKnownHostsFile=/dev/null".into());
        opt("GlobalKnownHostsFile=/dev/null".into());
    }
    o
}

/// The argv of a nested ssh hop, up to (not including) the remote command string:
/// `ssh [-v…] [-l user] [-p port] [-i key] -o … [ssh_args…] -- host`.
pub fn nested_argv(t: &SshTarget) -> Result<Vec<String>, String> {
    if t.password.is_some() {
        return Err(
            "an ssh password on a nested ssh hop is not supported (ssh reads it from a \
             terminal); use keys or an agent on that machine, or --ssh-chain tunnel"
                .into(),
        );
    }
    let mut a = vec![t.ssh_path.clone()];
    if t.debug_level > 0 {
        a.push(format!("-{}", "v".repeat(t.debug_level as usize)));
    }
    if let Some(u) = &t.username {
        a.push("-l".into());
        a.push(u.clone());
    }
    if let Some(p) = t.port {
        a.push("-p".into());
        a.push(p.to_string());
    }
    if let Some(i) = &t.identity_file {
        a.push("-i".into());
        a.push(i.clone());
    }
    a.extend(options(t));
    a.extend(t.ssh_args.iter().cloned());
    a.push("--".into());
    a.push(t.hostname.clone());
    Ok(a)
}
