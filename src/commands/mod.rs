//! One small file per subcommand, wiring the pipeline stages together.

pub mod check;
pub mod close;
pub mod config;
pub mod exec;
pub mod exec_many;
pub mod graph;
pub mod hosts;
pub mod inventory;
pub mod one_host;
pub mod resolve;
pub mod session;
pub mod shell;
pub mod ssh_config;
pub mod targets;

use crate::cli::{Cli, Command};

/// Runs the parsed command line; returns the process exit status.
pub fn run(cli: &Cli) -> anyhow::Result<i32> {
    crate::output::set_color(cli.global.color);
    match &cli.command {
        Command::Inventory(a) => inventory::run(&cli.global, a),
        Command::Hosts(a) => hosts::run(&cli.global, a),
        Command::Config(a) => config::run(&cli.global, a),
        Command::Resolve(a) => resolve::run(&cli.global, a),
        Command::Close(a) => close::run(&cli.global, a),
        Command::Exec(a) => exec::run(&cli.global, a),
        Command::Shell(a) => shell::run(&cli.global, a),
        Command::Graph(a) => graph::run(&cli.global, a),
        Command::SshConfig(a) => ssh_config::run(&cli.global, a),
        Command::Check(a) => check::run(&cli.global, a),
        Command::Generate(a) => crate::generate::run(a),
        Command::Worker => crate::workers::worker::main(None),
        Command::ForkServer => crate::workers::forkserver::main(None),
    }
}
