//! `stackctl shell HOST [--dry-run] [--persist SECONDS] [--ssh-chain MODE]`: an interactive
//! login shell at the end of the host's connection stack. The plan is `exec -t`'s with the
//! target account's login shell as the command: through ssh masters the system ssh client runs
//! on the last master's control socket with `-tt` (see `transport::tty`), locally under a pty.
//! Our terminal is raw while the shell runs and restored when it ends; window-size changes
//! follow; stackctl exits with the shell's status (255 when a hop failed).

use super::session::{Session, SessionHosts};
use crate::cli::{GlobalArgs, SshChainArg};
use crate::plan::{self, PlanOptions, SshChain};
use crate::stack;
use crate::transport::ssh::SshPoolOptions;

use anyhow::{Result, bail};
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "The shell is the target account's login shell from its passwd entry \
(else $SHELL, else /bin/sh), started as a login shell (`-l`) in its home directory, after every \
hop of the stack: ssh connections (the system ssh client on the last one's ControlMaster with \
`-tt`, so the remote side has a terminal), become hops (sudo/su/doas: passwords are typed into \
the prompt through the terminal by stackctl, never argv or the environment) and containers \
(`docker exec -it` …).\n\n\
Needs a terminal on stdin and stdout; without one it exits 1 at once (use `stackctl exec HOST \
-- COMMAND`). Exit status: the shell's; 255 when a hop failed; 99 after SIGTERM."
)]
pub struct ShellArgs {
    /// Inventory host name
    #[arg(value_name = "HOST")]
    pub host: String,
    /// Print the plan (as `exec --dry-run` does) and exit
    #[arg(long)]
    pub dry_run: bool,
    /// How consecutive ssh hops are chained (default: the host's `stackctl_ssh_chain` var, else
    /// tunnel)
    #[arg(long, value_enum, value_name = "MODE")]
    pub ssh_chain: Option<SshChainArg>,
    /// How long the ssh masters this run starts stay up after the shell ends, in seconds (0:
    /// close them when it ends; masters already up keep their own time)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub persist: u64,
}

/// The command run at the end of the stack: the account's login shell, in its home directory.
pub const LOGIN_SHELL: &str = "e=$(getent passwd \"$(id -u)\" 2>/dev/null) || e=; \
s=${e##*:}; [ -n \"$s\" ] && [ -x \"$s\" ] || s=${SHELL:-/bin/sh}; [ -x \"$s\" ] || s=/bin/sh; \
h=${e%:*}; h=${h##*:}; \
if [ -n \"$h\" ] && [ -d \"$h\" ]; then HOME=$h; export HOME; cd \"$h\" || :; fi; \
SHELL=$s; export SHELL; exec \"$s\" -l";

/// The ssh pool options for `--persist SECONDS`.
pub fn pool_options(persist_secs: u64) -> SshPoolOptions {
    SshPoolOptions {
        persist: Duration::from_secs(persist_secs),
        ..Default::default()
    }
}

pub fn run(global: &GlobalArgs, args: &ShellArgs) -> Result<i32> {
    use std::io::IsTerminal;
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !args.dry_run && !terminal {
        bail!(
            "shell needs a terminal on stdin and stdout (to run a command without one: \
             stackctl exec {} -- COMMAND)",
            args.host
        );
    }
    let session = Session::load(global)?;
    let hosts = SessionHosts::new(session.vars(true));
    let stack = stack::resolve(&args.host, &hosts, &session.settings, &session.play)?;
    let chain = match args.ssh_chain {
        Some(SshChainArg::Tunnel) => SshChain::Tunnel,
        Some(SshChainArg::Nested) => SshChain::Nested,
        None => SshChain::of(&stack),
    };
    let opts = PlanOptions {
        chain,
        tty: true,
        nonce: if args.dry_run {
            "NONCE".into()
        } else {
            plan::nonce()
        },
    };
    let plan = plan::build(&stack, &[LOGIN_SHELL.as_bytes().to_vec()], &opts)?;
    if args.dry_run {
        print!("{}", crate::output::plan::text(&plan, chain));
        return Ok(0);
    }
    super::one_host::run(&plan, args.persist)
}
