//! The stackctl binary: parse the command line, run the subcommand, map errors to exit codes
//! (1 for usage, inventory and resolution errors).

use clap::Parser;

/// Inventory loading allocates many small strings; mimalloc makes `inventory --host` on a
/// 10k-host inventory measurably faster than the system allocator (scripts/bench-resolve).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
