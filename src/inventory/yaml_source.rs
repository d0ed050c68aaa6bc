//! YAML and JSON inventories (ansible-inventory.md §5): `all:`/`hosts:`/`vars:`/`children:`.
//! `parse_auto` is the `auto` plugin: only files with a top-level `plugin:` key.

use super::Inventory;
use crate::error::SourceError;
use std::path::Path;

pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let _ = (inv, text);
    Err(SourceError::new(
        path,
        None,
        "YAML inventories are not supported yet",
    ))
}

pub fn parse_auto(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let _ = (inv, text);
    Err(SourceError::new(
        path,
        None,
        "no plugin: key, not an inventory plugin configuration",
    ))
}
