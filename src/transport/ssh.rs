//! STUB — placeholder until the OpenSSH transport (branch `ssh`) is merged; that branch's
//! `ssh.rs` replaces this file whole. It only mirrors the API `exec` calls
//! (`SshPool::new`, `session`, `finish`) and fails every connection with a clear hop error.
//! It makes no connection and starts no process.

use super::{HopError, SshTarget};
use std::sync::Arc;
use std::time::Duration;

/// Options of an [`SshPool`] (stub: mirrors the ssh branch's fields).
#[derive(Debug, Clone)]
pub struct SshPoolOptions {
    pub control_dir: Option<std::path::PathBuf>,
    pub persist: Duration,
    pub establish_timeout: Option<Duration>,
}

impl Default for SshPoolOptions {
    fn default() -> Self {
        SshPoolOptions {
            control_dir: None,
            persist: Duration::from_secs(60),
            establish_timeout: None,
        }
    }
}

/// Errors of the pool itself (stub: never produced).
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("control directory {path}: {message}")]
    ControlDir {
        path: std::path::PathBuf,
        message: String,
    },
}

/// ssh masters, one per hop key (stub).
#[derive(Debug, Default)]
pub struct SshPool {}

impl SshPool {
    pub fn new(_opts: SshPoolOptions) -> Result<Self, PoolError> {
        Ok(SshPool {})
    }

    /// A session on the master of the last hop of `chain` (stub: always an error).
    pub async fn session(&self, chain: &[SshTarget]) -> Result<Arc<openssh::Session>, HopError> {
        let (index, host) = chain
            .first()
            .map(|t| (t.hop_index, t.inventory_host.clone()))
            .unwrap_or_default();
        Err(HopError {
            index,
            method: "ssh".into(),
            inventory_host: host,
            message: "ssh transport not built yet".into(),
        })
    }

    /// End of a run (stub: nothing to close).
    pub async fn finish(&self) {}
}
