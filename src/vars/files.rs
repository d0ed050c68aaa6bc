//! Finding and loading `group_vars/` and `host_vars/` files next to each inventory source and in
//! the playbook dir (ansible-inventory.md §8.2): `N`, `N.yml`, `N.yaml`, `N.json`, first found
//! wins; a directory is walked recursively in sorted order.

use crate::error::SourceError;
use crate::inventory::VarMap;
use crate::inventory::model::assign;
use crate::vault::Vault;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Which kind of vars directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarsDir {
    Group,
    Host,
}

impl VarsDir {
    fn dir_name(self) -> &'static str {
        match self {
            VarsDir::Group => "group_vars",
            VarsDir::Host => "host_vars",
        }
    }
}

/// Listings of the vars directories of one base dir, read once, and every file loaded once.
#[derive(Debug, Default)]
pub struct VarsFiles {
    listings: HashMap<(PathBuf, VarsDir), Option<HashSet<String>>>,
    /// Each file's, and each directory's combined, variables: loaded once, shared.
    loaded: RefCell<HashMap<PathBuf, Rc<VarMap>>>,
    pub merge_hashes: bool,
    /// Secrets for vault-encrypted files.
    pub vault: Arc<Vault>,
}

const CANDIDATE_SUFFIXES: [&str; 4] = ["", ".yml", ".yaml", ".json"];
const FILE_EXTENSIONS: [&str; 3] = [".yml", ".yaml", ".json"];

impl VarsFiles {
    pub fn new(merge_hashes: bool) -> Self {
        VarsFiles {
            merge_hashes,
            ..Default::default()
        }
    }

    fn listing(&mut self, base: &Path, kind: VarsDir) -> Option<&HashSet<String>> {
        let key = (base.to_path_buf(), kind);
        self.listings
            .entry(key)
            .or_insert_with(|| {
                let dir = base.join(kind.dir_name());
                if !dir.is_dir() {
                    return None;
                }
                let rd = std::fs::read_dir(&dir).ok()?;
                Some(
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect(),
                )
            })
            .as_ref()
    }

    /// Reads the directory listings of `base` ahead of time (so lookups need `&self` only).
    pub fn prepare(&mut self, base: &Path) {
        self.listing(base, VarsDir::Group);
        self.listing(base, VarsDir::Host);
    }

    /// The variables `base/<kind>/<name>*` gives, or None when no file exists for it.
    pub fn vars_for(
        &self,
        base: &Path,
        kind: VarsDir,
        name: &str,
    ) -> Result<Option<Rc<VarMap>>, SourceError> {
        if name.starts_with('/') {
            return Ok(None);
        }
        let Some(Some(listing)) = self.listings.get(&(base.to_path_buf(), kind)) else {
            return Ok(None);
        };
        let Some(found) = CANDIDATE_SUFFIXES
            .iter()
            .map(|s| format!("{name}{s}"))
            .find(|c| listing.contains(c))
        else {
            return Ok(None);
        };
        let path = base.join(kind.dir_name()).join(found);
        if let Some(hit) = self.loaded.borrow().get(&path) {
            return Ok(Some(hit.clone()));
        }
        let vars = if path.is_dir() {
            let mut files = Vec::new();
            walk_vars_dir(&path, &mut files);
            let mut out = VarMap::new();
            for f in files {
                for (k, v) in crate::yaml::load_vars_file_in(&f, &self.vault)?.0 {
                    assign(&mut out, &k, v.value, v.origin, self.merge_hashes);
                }
            }
            out
        } else {
            crate::yaml::load_vars_file_in(&path, &self.vault)?.0
        };
        let vars = Rc::new(vars);
        self.loaded.borrow_mut().insert(path, vars.clone());
        Ok(Some(vars))
    }
}

/// Files of a vars directory in Ansible's order: entries sorted by name, dotfiles and `~`
/// backups skipped, subdirectories without an extension recursed, files with no extension or
/// a YAML/JSON one taken.
fn walk_vars_dir(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let ext = p.extension().map(|e| format!(".{}", e.to_string_lossy()));
        if p.is_dir() {
            if ext.is_none() {
                walk_vars_dir(&p, out);
            }
        } else if ext.as_deref().is_none_or(|e| FILE_EXTENSIONS.contains(&e)) {
            out.push(p);
        }
    }
}
