//! stackctl: reads Ansible inventories exactly as Ansible does, resolves Mitogen-style
//! `mitogen_via` connection stacks, and runs commands through them.
//!
//! Pipeline, one module per stage: `inventory` → `vars` → `config` → `stack` → `plan` →
//! `workers` → `output`; `cli` and `commands` wire them to the command line.

pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod error;
pub mod generate;
pub mod inventory;
pub mod origin;
pub mod output;
pub mod plan;
pub mod settings;
pub mod stack;
pub mod sync;
pub mod transport;
pub mod value;
pub mod vars;
pub mod vault;
pub mod workers;
pub mod yaml;
