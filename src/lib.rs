//! stackctl: reads Ansible inventories exactly as Ansible does, resolves Mitogen-style
//! `mitogen_via` connection stacks, and runs commands through them.
//!
//! Pipeline, one module per stage: `inventory` → `vars` → `config` → `stack` → `plan` →
//! `workers` → `output`; `cli` and `commands` wire them to the command line.

pub mod error;
pub mod inventory;
pub mod origin;
pub mod settings;
pub mod value;
pub mod vars;
pub mod yaml;
