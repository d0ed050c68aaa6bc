//! TOML inventories (ansible-inventory.md §5.3).

use super::Inventory;
use crate::error::SourceError;
use std::path::Path;

pub fn parse(inv: &mut Inventory, path: &Path, text: &str) -> Result<(), SourceError> {
    let _ = (inv, text);
    Err(SourceError::new(
        path,
        None,
        "TOML inventories are not supported yet",
    ))
}
