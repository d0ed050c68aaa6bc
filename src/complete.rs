//! Shell completion: the clap command with value completers attached (hosts and groups from the
//! inventory named on the command line being completed), the `COMPLETE=<shell>` entry point,
//! and the scripts checked in under `completions/`.
//!
//! Completers are attached here, by argument name, so `cli.rs` stays plain clap definitions.

use crate::cli::{Cli, GlobalArgs};
use clap::{CommandFactory, FromArgMatches};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use std::ffi::{OsStr, OsString};

/// The environment variable that switches the binary into completion mode.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// The full command: clap definitions plus dynamic completers.
pub fn command() -> clap::Command {
    let host = || ArgValueCompleter::new(complete_hosts);
    let pattern = || ArgValueCompleter::new(complete_patterns);
    let group = || ArgValueCompleter::new(complete_groups);
    // (subcommand, argument, kind): h host, g group, p pattern. `mut_subcommands` keeps the
    // subcommands' order (help, man pages and completion scripts list them as cli.rs does).
    const COMPLETED: [(&str, &str, char); 10] = [
        ("resolve", "host", 'h'),
        ("exec", "host", 'h'),
        ("shell", "host", 'h'),
        ("config", "host", 'h'),
        ("hosts", "pattern", 'p'),
        ("graph", "pattern", 'p'),
        ("ssh-config", "pattern", 'p'),
        ("inventory", "host", 'h'),
        ("inventory", "graph", 'g'),
        ("check", "pattern", 'p'),
    ];
    Cli::command()
        .mut_arg("limit", |a| a.add(pattern()))
        .mut_subcommands(|mut c| {
            for (sub, arg, kind) in COMPLETED {
                if c.get_name() == sub {
                    c = c.mut_arg(arg, |a| match kind {
                        'h' => a.add(host()),
                        'g' => a.add(group()),
                        _ => a.add(pattern()),
                    });
                }
            }
            c
        })
}

/// Answers a completion request when `COMPLETE=<shell>` is set (then exits); otherwise returns.
pub fn complete_from_env() {
    clap_complete::CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .completer("stackctl")
        .complete();
}

/// The global options of the command line being completed (`-i`, `-e`, `--playbook-dir` …),
/// parsed leniently. Password prompts and password files are dropped: completing never asks.
fn global_args_being_completed() -> GlobalArgs {
    let args: Vec<OsString> = std::env::args_os().collect();
    // In completion mode the shell runs `stackctl -- stackctl WORDS…`.
    let words: Vec<OsString> = match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 1..].to_vec(),
        None => args,
    };
    let mut g = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(words)
        .ok()
        .and_then(|m| GlobalArgs::from_arg_matches(&m).ok())
        .unwrap_or_default();
    g.ask_pass = false;
    g.ask_become_pass = false;
    g.connection_password_file = None;
    g.become_password_file = None;
    g
}

/// Host and group names of the inventory the command line names (empty if it cannot be read).
/// Loads like `Session::load` but prints no warnings: they would land in the user's prompt.
fn inventory_names() -> (Vec<String>, Vec<String>) {
    use crate::commands::session::{inventory_sources, load_options};
    use crate::settings::{Settings, defs};
    let args = global_args_being_completed();
    let Ok(cwd) = std::env::current_dir() else {
        return (Vec::new(), Vec::new());
    };
    let Ok(settings) = Settings::discover(&cwd) else {
        return (Vec::new(), Vec::new());
    };
    let merge_hashes = settings
        .lookup(&defs::HASH_BEHAVIOUR)
        .is_some_and(|(v, _)| v.trim() == "merge");
    let sources = inventory_sources(&args, &settings, &cwd);
    match crate::inventory::load(&sources, &load_options(&settings, merge_hashes)) {
        Ok(inv) => (
            inv.hosts.keys().cloned().collect(),
            inv.groups.keys().cloned().collect(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    }
}

fn candidates(
    prefix: &str,
    current: &str,
    names: &[String],
    help: &str,
) -> Vec<CompletionCandidate> {
    names
        .iter()
        .filter(|n| n.starts_with(current))
        .map(|n| {
            CompletionCandidate::new(format!("{prefix}{n}")).help(Some(help.to_string().into()))
        })
        .collect()
}

fn complete_hosts(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (hosts, _) = inventory_names();
    candidates("", &current, &hosts, "host")
}

fn complete_groups(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (_, groups) = inventory_names();
    candidates("", &current, &groups, "group")
}

/// Patterns: completes the last piece after `:` or `,`, keeping `&`/`!` prefixes.
fn complete_patterns(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let cut = current.rfind([':', ',']).map(|i| i + 1).unwrap_or(0);
    let (head, piece) = current.split_at(cut);
    let ops = piece.len() - piece.trim_start_matches(['&', '!']).len();
    let (ops, piece) = piece.split_at(ops);
    let prefix = format!("{head}{ops}");
    let (hosts, groups) = inventory_names();
    let mut out = candidates(&prefix, piece, &groups, "group");
    out.extend(candidates(&prefix, piece, &hosts, "host"));
    out
}
