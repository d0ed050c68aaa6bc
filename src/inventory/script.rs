//! Executable inventory scripts (ansible-inventory.md §6): `--list` JSON, `_meta.hostvars`,
//! falling back to `--host NAME` per host.

use super::Inventory;
use crate::error::SourceError;
use std::path::Path;

pub fn parse(inv: &mut Inventory, path: &Path) -> Result<(), SourceError> {
    let _ = inv;
    Err(SourceError::new(
        path,
        None,
        "inventory scripts are not supported yet",
    ))
}
