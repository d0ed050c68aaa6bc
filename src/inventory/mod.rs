//! Inventory stage: turns `-i` sources into one `Inventory`, offering each file to the enabled
//! readers in Ansible's plugin order (host_list, script, auto, yaml, ini, toml) and walking
//! directories as Ansible does (ansible-inventory.md §1–§2).

pub mod address;
pub mod hostname;
pub mod ini;
pub mod ini_line;
pub mod model;
pub mod pattern;
pub mod pyliteral;
pub mod script;
pub mod toml_source;
pub mod yaml_source;

pub use model::{Group, Host, Inventory, SourceInfo, Var, VarMap};

use crate::error::SourceError;
use crate::vault::Vault;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One of the readers' fixed regexes (Ansible's, as the readers' modules write them), compiled
/// into `cell` the first time a string needs it: compiling them all up front was a large part of
/// a short command's start.
pub(crate) fn built_in_regex(
    cell: &'static OnceLock<regex::Regex>,
    source: impl FnOnce() -> String,
) -> &'static regex::Regex {
    cell.get_or_init(|| {
        let source = source();
        regex::Regex::new(&source).unwrap_or_else(|e| panic!("bad built-in regex {source}: {e}"))
    })
}

/// What the loader needs to know beyond the source list (from ansible.cfg / env).
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Plugin names in order (`host_list, script, auto, yaml, ini, toml` by default).
    pub enable_plugins: Vec<String>,
    /// File name endings skipped in inventory directories.
    pub ignore_extensions: Vec<String>,
    /// Regexes of file names skipped in inventory directories.
    pub ignore_patterns: Vec<String>,
    /// Extensions the yaml reader accepts (`.yml .yaml .json`).
    pub yaml_extensions: Vec<String>,
    /// hash_behaviour=merge.
    pub merge_hashes: bool,
    /// Secrets for vault-encrypted inventory files.
    pub vault: Arc<Vault>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            enable_plugins: ["host_list", "script", "auto", "yaml", "ini", "toml"]
                .map(String::from)
                .to_vec(),
            ignore_extensions: DEFAULT_IGNORE_EXTENSIONS.map(String::from).to_vec(),
            ignore_patterns: Vec::new(),
            yaml_extensions: [".yml", ".yaml", ".json"].map(String::from).to_vec(),
            merge_hashes: false,
            vault: Arc::new(Vault::none()),
        }
    }
}

pub const DEFAULT_IGNORE_EXTENSIONS: [&str; 12] = [
    ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry",
];

/// Names never read as sources inside an inventory directory.
const IGNORED_DIR_ENTRIES: [&str; 3] = ["group_vars", "host_vars", "vars_plugins"];

/// Why a source could not be read: every reader that tried, with its error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_unparsed(.source_path, .attempts))]
pub struct UnparsedSource {
    pub source_path: String,
    pub attempts: Vec<(String, SourceError)>,
}

fn render_unparsed(path: &str, attempts: &[(String, SourceError)]) -> String {
    let mut s = format!("Completely failed to parse inventory source {path}");
    for (plugin, err) in attempts {
        s.push_str(&format!("\n  {plugin}: {err}"));
    }
    if attempts.is_empty() {
        s.push_str("\n  no enabled inventory reader accepts this source");
    }
    s
}

/// Loads every source, in order, into one inventory, then reconciles groups.
/// `sources` are as given (`-i` values, config entries); relative paths are taken against
/// the current directory by the caller.
pub fn load(sources: &[String], opts: &LoadOptions) -> Result<Inventory, UnparsedSource> {
    let mut inv = Inventory::new();
    inv.merge_hashes = opts.merge_hashes;
    for source in sources {
        load_source(&mut inv, source, opts)?;
    }
    inv.reconcile().map_err(|message| UnparsedSource {
        source_path: sources.join(","),
        attempts: vec![(
            "reconcile".into(),
            SourceError::new("inventory", None, message),
        )],
    })?;
    Ok(inv)
}

fn load_source(
    inv: &mut Inventory,
    source: &str,
    opts: &LoadOptions,
) -> Result<(), UnparsedSource> {
    let path = Path::new(source);
    if !path.exists() {
        if source.contains(',') && opts.enable_plugins.iter().any(|p| p == "host_list") {
            inv.sources.push(SourceInfo {
                path: PathBuf::from(source),
                base_dir: None,
            });
            return hostname::parse_host_list(inv, source).map_err(|e| UnparsedSource {
                source_path: source.to_string(),
                attempts: vec![("host_list".into(), e)],
            });
        }
        if source == "/etc/ansible/hosts" {
            return Ok(());
        }
        return Err(UnparsedSource {
            source_path: source.to_string(),
            attempts: vec![(
                "-".into(),
                SourceError::new(path, None, "the inventory source does not exist"),
            )],
        });
    }
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let base_dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    inv.sources.push(SourceInfo {
        path: abs.clone(),
        base_dir: Some(base_dir),
    });
    if abs.is_dir() {
        load_dir(inv, &abs, opts)
    } else {
        load_file(inv, &abs, opts)
    }
}

fn load_dir(inv: &mut Inventory, dir: &Path, opts: &LoadOptions) -> Result<(), UnparsedSource> {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            return Err(UnparsedSource {
                source_path: dir.display().to_string(),
                attempts: vec![("-".into(), SourceError::new(dir, None, e.to_string()))],
            });
        }
    };
    entries.sort_by(|a, b| {
        a.file_name()
            .map(|n| n.as_encoded_bytes().to_vec())
            .cmp(&b.file_name().map(|n| n.as_encoded_bytes().to_vec()))
    });
    let mut parsed = 0;
    for entry in entries {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_ignored_name(&name, opts) {
            continue;
        }
        if entry.is_dir() {
            load_dir(inv, &entry, opts)?;
        } else {
            load_file(inv, &entry, opts)?;
        }
        parsed += 1;
    }
    // A directory whose every entry is ignored is itself an unparsed source (corpus 16#4).
    if parsed == 0 {
        return Err(UnparsedSource {
            source_path: dir.display().to_string(),
            attempts: vec![(
                "-".into(),
                SourceError::new(
                    dir,
                    None,
                    "every entry of this directory is ignored; nothing was read",
                ),
            )],
        });
    }
    Ok(())
}

/// True for directory entries Ansible skips: dotfiles, `group_vars`/`host_vars`/`vars_plugins`,
/// ignored extensions and ignore patterns.
pub fn is_ignored_name(name: &str, opts: &LoadOptions) -> bool {
    if name.starts_with('.') || IGNORED_DIR_ENTRIES.contains(&name) {
        return true;
    }
    if opts
        .ignore_extensions
        .iter()
        .any(|ext| name.ends_with(ext.as_str()))
    {
        return true;
    }
    opts.ignore_patterns
        .iter()
        .filter_map(|p| regex::Regex::new(p).ok())
        .any(|re| re.find(name).is_some_and(|m| m.start() == 0))
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn load_file(inv: &mut Inventory, path: &Path, opts: &LoadOptions) -> Result<(), UnparsedSource> {
    let ext = extension(path);
    let mut attempts: Vec<(String, SourceError)> = Vec::new();
    let mut text: Option<Result<String, SourceError>> = None;
    let mut read_text = || -> Result<String, SourceError> {
        text.get_or_insert_with(|| {
            std::fs::read(path)
                .map_err(|e| SourceError::new(path, None, e.to_string()))
                .and_then(|b| {
                    String::from_utf8(b)
                        .map_err(|_| SourceError::new(path, None, "file is not valid UTF-8"))
                })
                .and_then(|t| crate::yaml::decrypt_if_vaulted(path, t, &opts.vault))
        })
        .clone()
    };
    for plugin in &opts.enable_plugins {
        let plugin = plugin.rsplit('.').next().unwrap_or(plugin);
        let accepted = match plugin {
            "script" => is_executable(path),
            "auto" => ext == ".yml" || ext == ".yaml",
            "yaml" => ext.is_empty() || opts.yaml_extensions.contains(&ext),
            "ini" => ext != ".toml",
            "toml" => ext == ".toml",
            _ => false,
        };
        if !accepted {
            continue;
        }
        let snapshot = inv.clone();
        let result = match plugin {
            "script" => script::parse(inv, path),
            "auto" => read_text().and_then(|t| yaml_source::parse_auto(inv, path, &t)),
            "yaml" => read_text().and_then(|t| yaml_source::parse(inv, path, &t)),
            "ini" => read_text().and_then(|t| ini::parse(inv, path, &t)),
            "toml" => read_text().and_then(|t| toml_source::parse(inv, path, &t)),
            _ => continue,
        };
        match result {
            Ok(()) => return Ok(()),
            Err(e) => {
                *inv = snapshot;
                attempts.push((plugin.to_string(), e));
            }
        }
    }
    Err(UnparsedSource {
        source_path: path.display().to_string(),
        attempts,
    })
}
