//! Command-line definitions (clap): the one source for `--help`, man pages and completions.
//! Global options follow Ansible's spelling and meaning.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "stackctl",
    version,
    about = "Read Ansible inventories exactly, show how each host is reached, and run commands there",
    long_about = "stackctl reads Ansible inventories exactly as ansible-inventory does, builds each \
host's connection settings, resolves Mitogen-style mitogen_via chains (bastions, become accounts, \
containers) into an ordered list of hops, and prints them for people or scripts.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Inventory source: a file, a directory, an executable script, or a host list `a,b,`
    /// (repeatable; default from ANSIBLE_INVENTORY, ansible.cfg `inventory`, /etc/ansible/hosts)
    #[arg(short = 'i', long = "inventory", global = true, value_name = "SOURCE", value_hint = clap::ValueHint::AnyPath)]
    pub inventory: Vec<String>,

    /// Extra variables: `key=value` words, JSON/YAML text, or `@FILE` (repeatable, later wins)
    #[arg(
        short = 'e',
        long = "extra-vars",
        global = true,
        value_name = "VARS",
        allow_hyphen_values = true
    )]
    pub extra_vars: Vec<String>,

    /// Further limit the selected hosts with a pattern (`@FILE` reads patterns from a file)
    #[arg(short = 'l', long = "limit", global = true, value_name = "PATTERN")]
    pub limit: Option<String>,

    /// Connect as this user (host variables win, as in Ansible)
    #[arg(short = 'u', long = "user", global = true, value_name = "USER")]
    pub user: Option<String>,

    /// Run operations with become
    #[arg(short = 'b', long = "become", global = true)]
    pub r#become: bool,

    /// Privilege escalation method (sudo, su, doas …)
    #[arg(long = "become-method", global = true, value_name = "METHOD")]
    pub become_method: Option<String>,

    /// Become this user
    #[arg(long = "become-user", global = true, value_name = "USER")]
    pub become_user: Option<String>,

    /// Connection type (ssh, local, docker …)
    #[arg(short = 'c', long = "connection", global = true, value_name = "TYPE")]
    pub connection: Option<String>,

    /// Private key file for ssh connections
    #[arg(long = "private-key", visible_alias = "key-file", global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub private_key: Option<String>,

    /// Connection timeout in seconds
    #[arg(short = 'T', long = "timeout", global = true, value_name = "SECONDS")]
    pub timeout: Option<i64>,

    /// Arguments added to every ssh, sftp and scp command line
    #[arg(
        long = "ssh-common-args",
        global = true,
        value_name = "ARGS",
        allow_hyphen_values = true
    )]
    pub ssh_common_args: Option<String>,

    /// Arguments added to ssh command lines only
    #[arg(
        long = "ssh-extra-args",
        global = true,
        value_name = "ARGS",
        allow_hyphen_values = true
    )]
    pub ssh_extra_args: Option<String>,

    /// Ask for the connection password (terminal only)
    #[arg(short = 'k', long = "ask-pass", global = true)]
    pub ask_pass: bool,

    /// Ask for the become password (terminal only)
    #[arg(short = 'K', long = "ask-become-pass", global = true)]
    pub ask_become_pass: bool,

    /// Read the connection password from this file's first line
    #[arg(long = "connection-password-file", visible_alias = "conn-pass-file", global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub connection_password_file: Option<PathBuf>,

    /// Read the become password from this file's first line
    #[arg(long = "become-password-file", visible_alias = "become-pass-file", global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub become_password_file: Option<PathBuf>,

    /// Vault password file (repeatable): its content, or the output of an executable file,
    /// is a vault secret labelled `default`
    #[arg(long = "vault-password-file", visible_alias = "vault-pass-file", global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub vault_password_files: Vec<PathBuf>,

    /// Vault identity `[LABEL@]SOURCE` (repeatable): SOURCE is a password file, an executable,
    /// or `prompt`; a 1.2 vault tries the secret with its label first
    #[arg(long = "vault-id", global = true, value_name = "[LABEL@]SOURCE")]
    pub vault_ids: Vec<String>,

    /// Ask for the vault password (terminal only)
    #[arg(
        short = 'J',
        long = "ask-vault-pass",
        visible_alias = "ask-vault-password",
        global = true
    )]
    pub ask_vault_pass: bool,

    /// The playbook directory: its group_vars/ and host_vars/ apply (default: the current directory)
    #[arg(long = "playbook-dir", global = true, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub playbook_dir: Option<PathBuf>,

    /// More output (repeat for more)
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to style table output: auto (a terminal and NO_COLOR unset), always, never
    #[arg(
        long = "color",
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t
    )]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Style when stdout is a terminal and NO_COLOR is unset or empty
    #[default]
    Auto,
    /// Always style
    Always,
    /// Never style
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the inventory as ansible-inventory does (--list, --host, --graph)
    Inventory(InventoryArgs),
    /// List the hosts a pattern selects, one per line, in Ansible's order
    Hosts(HostsArgs),
    /// Show a host's connection config dict (Ansible-named keys)
    Config(ConfigArgs),
    /// Show the connection stack (hops) that reaches a host
    Resolve(ResolveArgs),
    /// End persisted ssh masters (all, or those of hosts matching PATTERN)
    Close(CloseArgs),
    /// Run a command on a host through its connection stack
    Exec(ExecArgs),
    /// Open an interactive login shell on a host through its connection stack
    Shell(crate::commands::shell::ShellArgs),
    /// Draw the connection tree of the selected hosts: which bastions and become accounts serve
    /// which targets
    ///
    /// Each line is one hop (`ssh user@address:port`, `sudo as USER`, `docker user@container` …)
    /// with the inventory host whose settings made it in brackets; `=> HOST` marks where a
    /// selected host's stack ends. Hops with the same method and settings under the same parent
    /// are drawn once, so a shared bastion has one node. Hosts whose stack cannot be resolved are
    /// listed under `unresolved:` (and on stderr) and the exit status is 1.
    Graph(GraphArgs),
    /// Write an OpenSSH client config (Host blocks with ProxyJump) for hosts reached by ssh only
    ///
    /// One `Host` block per ssh hop, named by inventory host: HostName, User, Port,
    /// IdentityFile, host-key checking, keepalives, ConnectTimeout, `ProxyJump` to the previous
    /// hop's block, then the host's ssh_args as config lines where OpenSSH has a keyword (others
    /// become comments). Options follow the order Mitogen puts them on the ssh command line, so
    /// OpenSSH's first-value-wins rule picks the same values. When a host's settings as a
    /// mitogen_via intermediary differ from its own (e.g. its timeout), the intermediary block is
    /// `HOST~via`. Hosts with any other hop (become, containers) are skipped with a comment and a
    /// warning; unresolvable hosts likewise, with exit status 1.
    SshConfig(SshConfigArgs),
    /// Check each selected host's connection stack hop by hop: reached, authenticated, become ok
    ///
    /// Each hop is checked by running `true` through the stack cut after that hop (the same
    /// plan `exec` would run, so the hop runs where it would for the full stack); the walk
    /// stops at the first failing hop. Per hop: reached, authenticated (ssh hops), become ok
    /// (sudo/su/doas hops) and the hop's own time (ssh connections already made are reused; for
    /// a become or container hop, the previous probe's time is taken off its probe's). The first failing hop gets a cause class (name
    /// lookup, refused, timeout, host key unknown, host key changed, authentication, become
    /// password, no such container, command not found, other) with the underlying message and
    /// one line of advice. Asks for nothing beyond -k/-K (which need a terminal and CI unset): ssh
    /// runs in batch mode and a become hop without a password fails as `become password`.
    #[command(
        after_long_help = "Exit status: 0 when every hop of every host is ok; 2 when any host \
failed (a become, container or probe failure); 4 when any host is unreachable (an ssh hop \
failed) — 4 wins over 2; 1 for usage or inventory errors and hosts whose stack cannot be \
resolved (listed with their error).\n\n\
`--format json` prints an array with one object per host: {host, status (ok|failed|unreachable|error), \
hops: [{index, method, inventory_host, ok, reached, authenticated, become_ok, duration_ms, \
class, message, advice}]}; null where a field does not apply or the hop was not checked."
    )]
    Check(CheckArgs),
    /// Regenerate the checked-in completion scripts or man pages (for maintainers)
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// A worker process of `exec` on several hosts (started by stackctl itself: tasks arrive as
    /// frames on stdin, results leave on stdout)
    #[command(name = "__worker", hide = true)]
    Worker,
    /// The process that forks the workers and multiplexers of `exec` on several hosts (started
    /// by stackctl itself, with its control socket on stdin)
    #[command(name = "__forkserver", hide = true)]
    ForkServer,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("action").required(true).args(["list", "host", "graph"]))]
pub struct InventoryArgs {
    /// Output all hosts and groups with their variables
    #[arg(long)]
    pub list: bool,
    /// Output one host's variables
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Draw the group tree (optionally from GROUP)
    #[arg(long, value_name = "GROUP", num_args = 0..=1, default_missing_value = "all")]
    pub graph: Option<String>,
    /// With --graph: add variables
    #[arg(long)]
    pub vars: bool,
    /// YAML instead of JSON
    #[arg(short = 'y', long)]
    pub yaml: bool,
    /// TOML instead of JSON (not supported: Ansible needs an extra library for it too)
    #[arg(long, hide = true)]
    pub toml: bool,
    /// Show variables where they are defined (host or group) instead of merged per host
    #[arg(long)]
    pub export: bool,
    /// Write the output to FILE instead of stdout
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Extra positional GROUP for --graph, as ansible-inventory accepts it
    #[arg(value_name = "GROUP")]
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// One name per line
    #[default]
    Lines,
    /// A JSON list
    Json,
}

#[derive(Debug, Args)]
pub struct HostsArgs {
    /// Host pattern: all, globs, a:b, a:&b, a:!b, ~regex, g[0], g[1:3] …
    #[arg(value_name = "PATTERN", allow_hyphen_values = true)]
    pub pattern: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ConfigFormat {
    /// A table for people
    #[default]
    Table,
    /// JSON for scripts
    Json,
    /// YAML for scripts
    Yaml,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Inventory host name
    #[arg(value_name = "HOST")]
    pub host: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ConfigFormat,
    /// Show where every value came from (file:line, group, -e, flag, ansible.cfg, env, default)
    #[arg(long)]
    pub explain: bool,
    /// Show passwords instead of ********
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ResolveFormat {
    /// A table per hop for people
    #[default]
    Table,
    /// stackctl's stable JSON shape
    Json,
    /// stackctl's stable YAML shape
    Yaml,
    /// The list of hop dicts exactly as Mitogen builds it
    Mitogen,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Inventory host name
    #[arg(value_name = "HOST")]
    pub host: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ResolveFormat,
    /// Show passwords instead of ********
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// Inventory host glob (`*`, `?`); masters tunnelled through a matching host end too
    #[arg(value_name = "PATTERN")]
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SshChainArg {
    /// An ssh hop right after another is connected from this machine through the previous
    /// one's connection (like `ssh -J`): your keys, agent and known_hosts
    Tunnel,
    /// Every ssh hop after the first runs `ssh` on the previous machine, with its keys and files
    Nested,
}

#[derive(Debug, Args)]
#[command(
    after_long_help = "The command: several words are each quoted, so the target's `sh -c` \
receives exactly those words (`exec web01 -- printf '%s\\n' 'a b' '$HOME'` prints `a b` and \
`$HOME`); a single word is a shell snippet run by the target's `sh -c`, like `ssh host 'a | b'` \
(`exec web01 -- 'ls /etc | wc -l'`).\n\n\
Every hop that is not an ssh connection made from this machine wraps the command: local `sh -c`, \
sudo/su/doas, docker/podman/buildah exec, kubectl, lxc, lxd, incus, jail, setns/machinectl \
(nsenter), or a nested `ssh`. Become passwords (-K, --become-password-file, \
ansible_become_pass) are fed to the prompt through a pipe or a pty, never argv or the \
environment.\n\n\
Exit status: the command's; 255 when a hop failed, with `stackctl: hop N (method on host): \
message` on stderr (e.g. `sudo password is incorrect`); 1 for usage, inventory or resolution \
errors; 99 when interrupted (Ctrl-C, SIGTERM), after ending every process the run started.\n\n\
Several hosts (HOST is a pattern selecting more than one): up to --forks run at once, stdin is \
not forwarded, each output line is printed whole as `host: line` on the matching stream \
(`--gather` folds identical results instead; `--format json` prints one object per host), a \
host whose hop failed is `unreachable` with the hop named, and a summary goes to stderr. Exit \
status: 0 all ok, 2 any failed, 4 any unreachable (4 wins), 99 interrupted."
)]
pub struct ExecArgs {
    /// Inventory host, or a pattern selecting several (`web*`, `db:&prod`, `all`)
    // Explicit indices: completion setup re-appends this argument (clap `mut_arg`), which
    // would otherwise move it behind the trailing COMMAND.
    #[arg(value_name = "HOST", index = 1)]
    pub host: String,
    /// Print the plan (ssh connections with their options, each hop's wrapper and the exact
    /// command string; passwords as ********) and exit
    #[arg(long)]
    pub dry_run: bool,
    /// Give the command a terminal: a pty here, and `ssh -tt` through the last ssh master
    #[arg(short = 't', long)]
    pub tty: bool,
    /// How long the ssh masters this run starts stay up after it, in seconds (0: close them when
    /// it ends; masters already up keep their own time)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub persist: u64,
    /// How consecutive ssh hops are chained (default: the host's `stackctl_ssh_chain` var, else
    /// tunnel)
    #[arg(long, value_enum, value_name = "MODE")]
    pub ssh_chain: Option<SshChainArg>,
    /// With several hosts: how many run at once (default: ANSIBLE_FORKS, ansible.cfg `forks`,
    /// else 32)
    #[arg(short = 'f', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub forks: Option<u32>,
    /// With several hosts: fold hosts with identical output and status into one block headed by
    /// a compact host list (`web[01-03,07]`), printed when all are done
    #[arg(long)]
    pub gather: bool,
    /// With several hosts: `text` prefixes each line with `host: `; `json` prints one object per
    /// host per line (host, status, rc, stdout, stderr, hop, error, duration_ms)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ExecFormat::Text)]
    pub format: ExecFormat,
    /// With several hosts: also write each host's output to DIR/HOST.out, DIR/HOST.err and its
    /// exit status to DIR/HOST.rc (255 when a hop failed)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub outdir: Option<PathBuf>,
    /// With several hosts: give up on a host's command SECONDS after it started (after the
    /// login's rc files) and report it failed; its process group is killed where it runs
    /// (SIGTERM, then SIGKILL 2 s later). -T is the connection timeout per hop; a login that
    /// never reaches the command is given up on after both
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub command_timeout: Option<u64>,
    /// With several hosts: `classic` runs hosts in --forks worker processes (titled
    /// `stackctl: worker:HOST` in ps); `inline` runs them all in this process (debugging)
    #[arg(
        long,
        value_enum,
        value_name = "MODEL",
        env = "STACKCTL_WORKER_MODEL",
        default_value_t = WorkerModelArg::Classic
    )]
    pub worker_model: WorkerModelArg,
    /// With several hosts (classic model): multiplexer processes that establish the ssh
    /// connections; a host goes to the one chosen by a stable hash of its via chain, so all
    /// targets behind one bastion meet in one (default 1; STACKCTL_CPU_COUNT=N sets N)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub muxes: Option<u32>,
    /// With several hosts (classic model): one multiplexer per CPU
    #[arg(long, conflicts_with = "muxes")]
    pub mux_per_cpu: bool,
    /// With several hosts (classic model): at most N ssh handshakes in flight per hop address
    /// (stock sshd drops connections beyond MaxStartups 10); kex/reset errors are retried
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_startups: u32,
    /// With several hosts (classic model): idle connections a multiplexer keeps per parent hop
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_idle: u32,
    /// The command (after `--`): several words are quoted one by one; a single word is a shell
    /// snippet
    #[arg(
        value_name = "COMMAND",
        index = 2,
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_parser = clap::value_parser!(std::ffi::OsString)
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum WorkerModelArg {
    /// Worker processes, each running one host at a time
    #[default]
    Classic,
    /// Every host in this process
    Inline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExecFormat {
    /// `host: line` on the matching stream (or `--gather` blocks)
    #[default]
    Text,
    /// One JSON object per host per line
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GraphFormat {
    /// An indented tree for people
    #[default]
    Text,
    /// Graphviz DOT (render with `dot -Tsvg`)
    Dot,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Host pattern selecting the targets (default: all)
    #[arg(
        value_name = "PATTERN",
        default_value = "all",
        allow_hyphen_values = true
    )]
    pub pattern: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
}

#[derive(Debug, Args)]
pub struct SshConfigArgs {
    /// Host pattern selecting the targets (default: all)
    #[arg(
        value_name = "PATTERN",
        default_value = "all",
        allow_hyphen_values = true
    )]
    pub pattern: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenerateWhat {
    /// Shell completion scripts (static and dynamic) for bash, zsh, fish, elvish, PowerShell
    Completions,
    /// Man pages: stackctl.1, one page per subcommand, stackctl-variables.7
    Man,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate
    #[arg(value_enum)]
    pub what: GenerateWhat,
    /// Directory to write into (created if missing)
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CheckFormat {
    /// A table for people, then each failing hop's class, message and advice
    #[default]
    Table,
    /// A JSON array with one object per host, for CI
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Host pattern selecting the hosts to check
    #[arg(value_name = "PATTERN", allow_hyphen_values = true)]
    pub pattern: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
    /// How many hosts are checked at once (default: ANSIBLE_FORKS, ansible.cfg `forks`, else 32)
    #[arg(short = 'f', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub forks: Option<u32>,
}
