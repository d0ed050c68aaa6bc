//! The INI inventory reader (ansible-inventory.md §3): sections, shlex-tokenised host lines,
//! `[g:vars]`, `[g:children]`, pending-declaration errors with file and line.

use super::Inventory;
use crate::error::SourceError;
use std::path::Path;

pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let _ = (inv, text);
    Err(SourceError::new(
        path,
        None,
        "INI inventories are not supported yet",
    ))
}
