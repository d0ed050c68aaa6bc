//! `stackctl generate completions|man DIR` (hidden): writes the files checked in under
//! `completions/` and `man/` from the clap definitions, so they cannot drift (a test compares).

use crate::cli::{GenerateArgs, GenerateWhat};
use anyhow::{Context, Result};
use clap_complete::env::Shells;
use clap_complete::{Generator, Shell};
use std::path::Path;

/// The hand-written page on inventory variables (its source is `man/src/`).
pub const VARIABLES_PAGE: &str = include_str!("../man/src/stackctl-variables.7");

pub fn run(args: &GenerateArgs) -> Result<i32> {
    let files = match args.what {
        GenerateWhat::Completions => completions()?,
        GenerateWhat::Man => man_pages()?,
    };
    for (name, body) in files {
        let path = args.dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, body).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(0)
}

/// Static scripts (`stackctl.bash` …, subcommands and options only) and the dynamic
/// registration scripts under `dynamic/` (which also complete host and group names by calling
/// `stackctl` back), as (relative path, contents).
pub fn completions() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut cmd = without_hidden_subcommands(crate::complete::command());
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "stackctl", &mut buf);
        files.push((shell.file_name("stackctl"), buf));
    }
    for shell in Shells::builtins().iter() {
        let mut buf = Vec::new();
        shell.write_registration(
            crate::complete::COMPLETE_VAR,
            "stackctl",
            "stackctl",
            "stackctl",
            &mut buf,
        )?;
        let ext = match shell.name() {
            "powershell" => "ps1",
            "elvish" => "elv",
            other => other,
        };
        files.push((format!("dynamic/stackctl.{ext}"), buf));
    }
    Ok(files)
}

/// The command without hidden subcommands (`generate`): clap_complete's static generators
/// would offer them.
fn without_hidden_subcommands(cmd: clap::Command) -> clap::Command {
    let mut out = clap::Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().cloned())
        .subcommands(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(v) = cmd.get_version() {
        out = out.version(v.to_string());
    }
    if let Some(a) = cmd.get_about() {
        out = out.about(a.clone());
    }
    for g in cmd.get_groups() {
        out = out.group(g.clone());
    }
    out
}

const SEE_ALSO_ROOT: &str =
    ".SH \"SEE ALSO\"\n\\fBstackctl\\-variables\\fR(7), \\fBansible\\-inventory\\fR(1)\n";

/// `stackctl.1`, `stackctl-<sub>.1` for every visible subcommand, and `stackctl-variables.7`.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = crate::complete::command().disable_help_subcommand(true);
    cmd.build();
    let mut files = Vec::new();
    let mut root = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut root)?;
    root.extend_from_slice(SEE_ALSO_ROOT.as_bytes());
    files.push(("stackctl.1".to_string(), root));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let man = clap_mangen::Man::new(sub.clone());
        let name = man.get_filename();
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        buf.extend_from_slice(
            b".SH \"SEE ALSO\"\n\\fBstackctl\\fR(1), \\fBstackctl\\-variables\\fR(7)\n",
        );
        files.push((name, buf));
    }
    files.push((
        "stackctl-variables.7".to_string(),
        VARIABLES_PAGE.as_bytes().to_vec(),
    ));
    Ok(files)
}

/// Writes nothing; true when every generated file equals the one under `dir`.
pub fn stale_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter(|(name, body)| std::fs::read(dir.join(name)).ok().as_ref() != Some(body))
        .map(|(name, _)| name.clone())
        .collect()
}
