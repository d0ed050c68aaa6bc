//! Shared by commands that work on many hosts (`graph`, `ssh-config`): the hosts a pattern
//! selects (with `--limit`), each with its resolved stack or the resolution error.

use super::session::{Session, SessionHosts};
use crate::cli::GlobalArgs;
use crate::stack::{self, Stack};
use anyhow::Result;

/// One selected host and its stack, or the message saying why it has none.
pub type Resolved = (String, std::result::Result<Stack, String>);

/// Loads the session, selects `pattern` (like `stackctl hosts`) and resolves every host.
pub fn resolve_pattern(global: &GlobalArgs, pattern_text: &str) -> Result<Vec<Resolved>> {
    let session = Session::load(global)?;
    let names = session.select_hosts(pattern_text)?;
    let hosts = SessionHosts::new(session.vars(true));
    Ok(names
        .into_iter()
        .map(|name| {
            let r = stack::resolve(&name, &hosts, &session.settings, &session.play)
                .map_err(|e| e.to_string());
            (name, r)
        })
        .collect())
}
