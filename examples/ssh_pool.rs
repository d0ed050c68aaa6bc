//! Drives `SshPool` from the command line, for `scripts/bench-exec` (until `stackctl exec`
//! exists) and for poking at masters by hand:
//!
//! ```text
//! ssh_pool [--ctl DIR] [--persist SECS] [--key FILE] [--known-hosts FILE] [--user USER]
//!          --hop NAME=ADDR:PORT [--hop …] [--repeat N] -- COMMAND
//! ```
//!
//! Hops are outermost first; every hop after the first is tunnelled through the previous one.
//! Runs COMMAND N times (default 1) on the last hop and exits with its last status.

use stackctl::transport::SshTarget;
use stackctl::transport::ssh::{SshPool, SshPoolOptions};
use std::time::Duration;

fn usage(msg: &str) -> ! {
    eprintln!("ssh_pool: {msg}");
    eprintln!(
        "usage: ssh_pool [--ctl DIR] [--persist SECS] [--key FILE] [--known-hosts FILE] \
         [--user USER] --hop NAME=ADDR:PORT [--hop …] [--repeat N] -- COMMAND"
    );
    std::process::exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut opts = SshPoolOptions::default();
    let (mut key, mut known_hosts, mut user) = (None, None, None);
    let mut hops: Vec<(String, String, u16)> = Vec::new();
    let mut repeat = 1u32;
    let mut command = None;
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--ctl" => opts.control_dir = Some(val().into()),
            "--persist" => {
                let secs = val().parse().unwrap_or_else(|_| usage("bad --persist"));
                opts.persist = Duration::from_secs(secs);
            }
            "--key" => key = Some(val()),
            "--known-hosts" => known_hosts = Some(val()),
            "--user" => user = Some(val()),
            "--repeat" => repeat = val().parse().unwrap_or_else(|_| usage("bad --repeat")),
            "--hop" => {
                let v = val();
                let (name, ep) = v
                    .split_once('=')
                    .unwrap_or_else(|| usage("--hop NAME=ADDR:PORT"));
                let (addr, port) = ep
                    .rsplit_once(':')
                    .unwrap_or_else(|| usage("--hop NAME=ADDR:PORT"));
                let port = port.parse().unwrap_or_else(|_| usage("bad port"));
                hops.push((name.into(), addr.into(), port));
            }
            "--" => {
                command = Some(args.by_ref().collect::<Vec<_>>().join(" "));
                break;
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let command = command
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| usage("no COMMAND"));
    if hops.is_empty() {
        usage("no --hop");
    }
    let mut ssh_args = Vec::new();
    if let Some(kh) = &known_hosts {
        ssh_args.extend([
            "-o".to_string(),
            format!("UserKnownHostsFile={kh}"),
            "-o".into(),
            "GlobalKnownHostsFile=/dev/null".into(),
        ]);
    }
    let chain: Vec<SshTarget> = hops
        .into_iter()
        .enumerate()
        .map(|(i, (name, addr, port))| SshTarget {
            hop_index: i,
            inventory_host: name,
            hostname: addr,
            port: Some(port),
            username: user.clone(),
            identity_file: key.clone(),
            check_host_keys: true,
            connect_timeout: 10,
            keepalive_interval: 30,
            keepalive_count: 3,
            compression: false,
            ssh_args: ssh_args.clone(),
            ssh_path: "ssh".into(),
            debug_level: 0,
            password: None,
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| usage(&e.to_string()));
    let code = rt.block_on(async {
        let pool = match SshPool::new(opts) {
            Ok(p) => p,
            Err(e) => usage(&e.to_string()),
        };
        let mut code = 0;
        for _ in 0..repeat {
            let session = match pool.session(&chain).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("ssh_pool: {e}");
                    code = 255;
                    break;
                }
            };
            code = match session.raw_command(&command).status().await {
                Ok(st) => st.code().unwrap_or(255),
                Err(e) => {
                    eprintln!("ssh_pool: {e}");
                    255
                }
            };
        }
        pool.finish().await;
        code
    });
    std::process::exit(code);
}
