//! Where a value came from: a file and line, the command line, ansible.cfg, the environment or a
//! built-in default. Carried next to every variable so `config --explain` can answer "why?".

use std::fmt;
use std::path::PathBuf;

/// The place one value was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// A line of an inventory source or a vars file (line is 1-based when known).
    File { path: PathBuf, line: Option<usize> },
    /// An inventory script's output (`--list` or `--host NAME`).
    Script { path: PathBuf },
    /// A `-e/--extra-vars` argument.
    ExtraVars(String),
    /// A command-line flag such as `-u` or `--private-key`.
    Cli(String),
    /// A key of ansible.cfg.
    Config {
        path: PathBuf,
        section: String,
        key: String,
    },
    /// An environment variable.
    Env(String),
    /// Something Ansible adds itself (implicit localhost, `host:port` suffix …).
    Implicit(String),
    /// A built-in default.
    #[default]
    Default,
}

impl Origin {
    pub fn file(path: impl Into<PathBuf>, line: usize) -> Origin {
        Origin::File {
            path: path.into(),
            line: Some(line),
        }
    }

    pub fn file_no_line(path: impl Into<PathBuf>) -> Origin {
        Origin::File {
            path: path.into(),
            line: None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line: Some(l),
            } => write!(f, "{}:{}", path.display(), l),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Script { path } => write!(f, "script {}", path.display()),
            Origin::ExtraVars(arg) => write!(f, "-e {arg}"),
            Origin::Cli(flag) => write!(f, "command line {flag}"),
            Origin::Config { path, section, key } => {
                write!(f, "{} [{}] {}", path.display(), section, key)
            }
            Origin::Env(name) => write!(f, "environment {name}"),
            Origin::Implicit(what) => write!(f, "implicit ({what})"),
            Origin::Default => write!(f, "built-in default"),
        }
    }
}
