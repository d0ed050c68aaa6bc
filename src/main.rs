//! The stackctl binary: parse the command line, run the subcommand, map errors to exit codes
//! (1 for usage, inventory and resolution errors).

use clap::Parser;

/// Inventory loading allocates many small strings; mimalloc makes `inventory --host` on a
/// 10k-host inventory measurably faster than the system allocator (scripts/bench-resolve).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The fork server of a run on many hosts (classic model), and a worker started by hand,
    // skip building the whole command line parser, which was a third of their start-up.
    let internal = std::env::args_os().nth(1);
    if internal
        .as_ref()
        .is_some_and(|a| a == "__worker" || a == "__forkserver")
    {
        let parent = std::env::args().nth(2).and_then(|p| p.parse().ok());
        let run = if internal.is_some_and(|a| a == "__worker") {
            stackctl::workers::worker::main
        } else {
            stackctl::workers::forkserver::main
        };
        let code = run(parent).unwrap_or_else(|e| {
            eprintln!("stackctl: error: {e:#}");
            1
        });
        std::process::exit(code);
    }
    stackctl::complete::complete_from_env();
    let cli = stackctl::cli::Cli::parse();
    let code = match stackctl::commands::run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("stackctl: error: {e:#}");
            1
        }
    };
    std::process::exit(code);
}
