//! One small file per subcommand, wiring the pipeline stages together.

pub mod close;
pub mod config;
pub mod exec;
pub mod hosts;
pub mod inventory;
pub mod resolve;
pub mod session;

use crate::cli::{Cli, Command};

/// Runs the parsed command line; returns the process exit status.
pub fn run(cli: &Cli) -> anyhow::Result<i32> {
    match &cli.command {
        Command::Inventory(a) => inventory::run(&cli.global, a),
        Command::Hosts(a) => hosts::run(&cli.global, a),
        Command::Config(a) => config::run(&cli.global, a),
        Command::Resolve(a) => resolve::run(&cli.global, a),
        Command::Close(a) => close::run(&cli.global, a),
        Command::Exec(a) => exec::run(&cli.global, a),
    }
}
