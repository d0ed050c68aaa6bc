//! The "play context": connection settings given on the command line (`-u`, `-b`, `-c`,
//! `--private-key`, `-T`, ssh args, passwords), as Ansible's ad-hoc CLI builds it.

use std::fmt;

/// A password or other secret. Its Debug and Display never show the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret text, for feeding to a prompt. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(********)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

/// Command-line connection options; `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct PlayContext {
    /// `-u/--user`
    pub remote_user: Option<String>,
    /// `-b/--become`
    pub r#become: bool,
    /// `--become-method`
    pub become_method: Option<String>,
    /// `--become-user`
    pub become_user: Option<String>,
    /// `-c/--connection`
    pub connection: Option<String>,
    /// `--private-key`
    pub private_key_file: Option<String>,
    /// `-T/--timeout`
    pub timeout: Option<i64>,
    /// `--ssh-common-args`
    pub ssh_common_args: Option<String>,
    /// `--ssh-extra-args`
    pub ssh_extra_args: Option<String>,
    /// `-k` or `--connection-password-file`
    pub password: Option<Secret>,
    /// `-K` or `--become-password-file`
    pub become_pass: Option<Secret>,
    /// `-v` count
    pub verbosity: u8,
}
