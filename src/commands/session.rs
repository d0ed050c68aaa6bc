//! What every subcommand starts from: ansible.cfg and environment, the inventory sources read,
//! `-e` extra vars, the playbook dir and the command line's play context.

use crate::cli::GlobalArgs;
use crate::config::{ConfigError, PlayContext, Secret, VarLookup};
use crate::inventory::{self, Inventory, LoadOptions, pattern};
use crate::settings::{Settings, defs};
use crate::stack::HostSource;
use crate::vars::VarsContext;
use crate::vars::provider::HostVarsCache;
use crate::vault::{self, SecretSpec, Vault};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Hosts run at once when neither `-f` nor Ansible's forks setting says (stackctl's choice;
/// Ansible's own default is 5).
pub const DEFAULT_FORKS: usize = 32;

pub struct Session {
    pub settings: Settings,
    pub inv: Inventory,
    pub extra: inventory::VarMap,
    pub play: PlayContext,
    pub cwd: PathBuf,
    pub args: GlobalArgs,
    /// The vault secrets of this run (possibly none).
    pub vault: Arc<Vault>,
}

impl Session {
    /// Reads configuration and every inventory source. Fatal source errors carry file and line.
    pub fn load(args: &GlobalArgs) -> Result<Session> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let settings = Settings::discover(&cwd).map_err(anyhow::Error::msg)?;
        for w in &settings.warnings {
            eprintln!("[WARNING]: {w}");
        }
        let merge_hashes = settings
            .lookup(&defs::HASH_BEHAVIOUR)
            .is_some_and(|(v, _)| v.trim() == "merge");
        let vault = Arc::new(vault_secrets(args, &settings)?);
        let sources = inventory_sources(args, &settings, &cwd);
        let mut opts = load_options(&settings, merge_hashes);
        opts.vault = vault.clone();
        let inv = inventory::load(&sources, &opts)?;
        for w in &inv.warnings {
            eprintln!("[WARNING]: {w}");
        }
        let extra =
            crate::vars::extra::parse_extra_vars(&args.extra_vars, &cwd, merge_hashes, &vault)
                .map_err(anyhow::Error::msg)?;
        let play = play_context(args)?;
        Ok(Session {
            settings,
            inv,
            extra,
            play,
            cwd,
            args: args.clone(),
            vault,
        })
    }

    /// The hosts `pattern` selects, narrowed by `--limit`, in Ansible's order, as
    /// `ansible PATTERN --list-hosts` gives them: without a limit a pattern that cannot be
    /// evaluated selects nothing (its reason printed as a warning); warnings go to stderr once.
    pub fn select_hosts(&self, pattern_text: &str) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        let limit = self.args.limit.as_deref();
        let hosts =
            match pattern::list_hosts(&self.inv, pattern_text, limit, &self.cwd, &mut warnings) {
                Ok(h) => h,
                Err(e) if limit.is_none() => {
                    warnings.push(format!("{e}; no hosts matched"));
                    Vec::new()
                }
                Err(e) => return Err(anyhow::Error::msg(e)),
            };
        warnings.dedup();
        for w in warnings {
            eprintln!("[WARNING]: {w}");
        }
        Ok(hosts)
    }

    /// How many hosts run at once: `-f N`, else `ANSIBLE_FORKS` / ansible.cfg `forks`, else 32.
    pub fn forks(&self, cli: Option<u32>) -> usize {
        cli.map(|f| f as usize).unwrap_or_else(|| {
            self.settings
                .lookup(&defs::FORKS)
                .and_then(|(v, _)| v.trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_FORKS)
        })
    }

    /// Ends the session without freeing it: the process exits right after, and freeing a
    /// large inventory piece by piece costs more than the OS reclaiming it at once.
    pub fn finish(self) {
        std::mem::forget(self);
    }

    /// The vars context; `playbook_layer` adds the playbook dir (or the cwd) layer.
    pub fn vars(&self, playbook_layer: bool) -> VarsContext<'_> {
        let pb = self
            .args
            .playbook_dir
            .clone()
            .map(|p| self.cwd.join(p))
            .or_else(|| {
                if !playbook_layer {
                    return None;
                }
                self.settings
                    .lookup_path(&defs::PLAYBOOK_DIR)
                    .map(|(p, _)| p)
                    .or_else(|| Some(self.cwd.clone()))
            });
        let pb = pb.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        VarsContext::new(&self.inv, self.extra.clone(), pb).with_vault(self.vault.clone())
    }
}

/// `-i` values (host lists kept, paths made absolute), else ANSIBLE_INVENTORY / ansible.cfg
/// (relative to the cfg file's directory), else /etc/ansible/hosts.
pub(crate) fn inventory_sources(args: &GlobalArgs, settings: &Settings, cwd: &Path) -> Vec<String> {
    if !args.inventory.is_empty() {
        return args
            .inventory
            .iter()
            .map(|s| {
                if s.contains(',') && !Path::new(s).exists() {
                    s.clone()
                } else {
                    absolute(cwd, s)
                }
            })
            .collect();
    }
    if let Some((list, origin)) = settings.lookup_list(&defs::INVENTORY) {
        return list
            .iter()
            .map(|s| {
                if s.contains(',') && !Path::new(s).exists() {
                    s.clone()
                } else {
                    settings.resolve_path(s, &origin).display().to_string()
                }
            })
            .map(|p| absolute(cwd, &p))
            .collect();
    }
    vec!["/etc/ansible/hosts".into()]
}

fn absolute(cwd: &Path, s: &str) -> String {
    let p = Path::new(s);
    if p.is_absolute() {
        s.to_string()
    } else {
        cwd.join(p).display().to_string()
    }
}

pub(crate) fn load_options(settings: &Settings, merge_hashes: bool) -> LoadOptions {
    let mut opts = LoadOptions {
        merge_hashes,
        ..Default::default()
    };
    if let Some((list, _)) = settings.lookup_list(&defs::INVENTORY_ENABLED) {
        opts.enable_plugins = list;
    }
    if let Some((list, _)) = settings.lookup_list(&defs::INVENTORY_IGNORE) {
        opts.ignore_extensions = list;
    }
    if let Some((list, _)) = settings.lookup_list(&defs::INVENTORY_IGNORE_PATTERNS) {
        opts.ignore_patterns = list;
    }
    if let Some((list, _)) = settings.lookup_list(&defs::YAML_EXTENSIONS) {
        opts.yaml_extensions = list;
    }
    opts
}

fn play_context(args: &GlobalArgs) -> Result<PlayContext> {
    let password = match (&args.connection_password_file, args.ask_pass) {
        (Some(f), _) => Some(read_password_file(f)?),
        (None, true) => Some(prompt_password("SSH password: ")?),
        _ => None,
    };
    let become_pass = match (&args.become_password_file, args.ask_become_pass) {
        (Some(f), _) => Some(read_password_file(f)?),
        (None, true) => Some(prompt_password("BECOME password: ")?),
        _ => None,
    };
    Ok(PlayContext {
        remote_user: args.user.clone(),
        r#become: args.r#become,
        become_method: args.become_method.clone(),
        become_user: args.become_user.clone(),
        connection: args.connection.clone(),
        private_key_file: args.private_key.clone(),
        timeout: args.timeout,
        ssh_common_args: args.ssh_common_args.clone(),
        ssh_extra_args: args.ssh_extra_args.clone(),
        password,
        become_pass,
        verbosity: args.verbose,
    })
}

/// The vault secrets, loaded in Ansible's order: `vault_identity_list`, `--vault-id`,
/// `--vault-password-file`, `vault_password_file` (ansible.cfg / ANSIBLE_VAULT_PASSWORD_FILE),
/// `--ask-vault-pass`. A source that cannot be read is an error, as in Ansible.
fn vault_secrets(args: &GlobalArgs, settings: &Settings) -> Result<Vault> {
    let default_label = settings
        .lookup(&defs::VAULT_IDENTITY)
        .map(|(v, _)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vault::DEFAULT_LABEL.to_string());
    let mut specs = Vec::new();
    let from_cfg = settings
        .lookup_list(&defs::VAULT_IDENTITY_LIST)
        .map(|(l, _)| l)
        .unwrap_or_default();
    for id in from_cfg.iter().chain(&args.vault_ids) {
        specs.push(SecretSpec::parse(id, &default_label).map_err(anyhow::Error::msg)?);
    }
    for file in &args.vault_password_files {
        specs.push(SecretSpec::file(&default_label, file));
    }
    if let Some((file, _)) = settings.lookup_path(&defs::VAULT_PASSWORD_FILE)
        && !file.as_os_str().is_empty()
    {
        specs.push(SecretSpec::file(&default_label, file));
    }
    let ask = args.ask_vault_pass
        || settings
            .lookup_bool(&defs::ASK_VAULT_PASS)
            .is_some_and(|(b, _)| b);
    if ask {
        specs.push(SecretSpec {
            label: default_label.clone(),
            source: vault::Source::Prompt,
        });
    }
    let mut prompt = |text: &str| {
        prompt_text(text, "use --vault-password-file or --vault-id LABEL@FILE")
            .map_err(|e| format!("{e:#}"))
    };
    let mut secrets = Vec::new();
    for spec in &specs {
        secrets.push(vault::secrets::load_one(spec, &mut prompt).map_err(anyhow::Error::msg)?);
    }
    // `vault_id_match` has no type in Ansible's config definitions, so any non-empty value,
    // even `False`, turns it on (verified with ansible-core 2.19.14).
    let id_match = settings
        .lookup(&defs::VAULT_ID_MATCH)
        .is_some_and(|(v, _)| !v.is_empty());
    Ok(Vault::new(secrets).with_id_match(id_match, &default_label))
}

fn read_password_file(path: &Path) -> Result<Secret> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read password file {}", path.display()))?;
    Ok(Secret::new(text.lines().next().unwrap_or("")))
}

/// Asks for a password on the terminal, without echo. Never prompts when stdin is not a
/// terminal or under CI.
fn prompt_password(prompt: &str) -> Result<Secret> {
    prompt_text(
        prompt,
        "use --connection-password-file / --become-password-file",
    )
    .map(Secret::new)
}

/// Reads one line from the terminal without echo; `hint` says what to use instead when there is
/// no terminal (stdin not a tty, or `CI` set).
fn prompt_text(prompt: &str, hint: &str) -> Result<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal()
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
    {
        bail!("cannot ask for a password: not an interactive terminal ({hint})");
    }
    eprint!("{prompt}");
    let _ = std::process::Command::new("stty").arg("-echo").status();
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    let _ = std::process::Command::new("stty").arg("echo").status();
    eprintln!();
    read.context("cannot read the password")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Hosts for the stack builder, with their variables from the vars stage, rendered on access.
pub struct SessionHosts<'a> {
    pub vars: HostVarsCache<'a>,
}

impl<'a> SessionHosts<'a> {
    pub fn new(vars: VarsContext<'a>) -> Self {
        SessionHosts {
            vars: HostVarsCache::new(vars),
        }
    }
}

impl HostSource for SessionHosts<'_> {
    fn exists(&self, host: &str) -> bool {
        self.vars.ctx.is_known_host(host)
    }

    fn vars(&self, host: &str) -> std::result::Result<Box<dyn VarLookup + '_>, ConfigError> {
        self.vars.vars_of(host).map_err(|e| ConfigError {
            host: host.to_string(),
            message: e.to_string(),
        })?;
        Ok(Box::new(self.vars.rendered(host)))
    }
}
