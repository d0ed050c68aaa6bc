//! Host names as inventories write them: `host:port`, `[v6]:port`, and range expansion
//! (`web[01:10]`, `db-[a:f]`, `[1:10:2]`), plus host-list sources (`-i a,b:2222,`).
//! ansible-inventory.md §2.1 and §4.

use super::Inventory;
use crate::error::SourceError;

/// Splits `token` into (address, port) per §4.1; an invalid name is kept whole with no port.
pub fn split_host_port(token: &str) -> (String, Option<i64>) {
    (token.to_string(), None)
}

/// Expands the ranges of one host pattern (§4.2), left range outermost.
pub fn expand_hostname_range(pattern: &str) -> Result<Vec<String>, String> {
    Ok(vec![pattern.to_string()])
}

/// Reads a host-list source (`a.example,b.example:2222,[::1]:2200,`) into `ungrouped`.
pub fn parse_host_list(inv: &mut Inventory, spec: &str) -> Result<(), SourceError> {
    let _ = (inv, spec);
    Err(SourceError::new(
        spec,
        None,
        "host lists are not supported yet",
    ))
}
