//! Ansible Vault: reading `$ANSIBLE_VAULT` envelopes (1.1 and 1.2 with a vault-id label) and
//! decrypting them with the secrets given on the command line, in the environment or in
//! ansible.cfg (ansible-inventory.md §8.2, §12).
//!
//! * [`envelope`] parses the text, [`cipher`] decrypts one envelope with one secret,
//!   [`secrets`] loads secrets from files, scripts and the terminal;
//! * [`Vault`] holds the secrets of a run and decrypts (and caches) vault texts: secrets whose
//!   label matches the envelope's vault-id (1.2; `default` for 1.1) are tried first, then
//!   the others in order — unless `vault_id_match` is set, which tries only the matching ones.

pub mod cipher;
pub mod envelope;
pub mod secrets;

pub use envelope::{Envelope, EnvelopeError};
pub use secrets::{DEFAULT_LABEL, SecretSpec, Source, VaultSecret};

use std::collections::HashMap;
use std::sync::Mutex;

/// Why a vault text could not be decrypted. The texts are Ansible's where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("Attempting to decrypt but no vault secrets found.")]
    NoSecrets,
    #[error("Decryption failed (no vault secrets were found that could decrypt).")]
    NoMatch,
    #[error(transparent)]
    Malformed(#[from] EnvelopeError),
    #[error("the decrypted vault data is not valid UTF-8 text")]
    NotText,
}

/// The vault secrets of one run, and the texts decrypted so far.
#[derive(Default)]
pub struct Vault {
    secrets: Vec<VaultSecret>,
    /// `vault_id_match`: only secrets whose label is the envelope's vault-id are tried.
    id_match: bool,
    /// The vault-id of a 1.1 envelope (`vault_identity`, `default` unless configured).
    default_label: Option<String>,
    cache: Mutex<HashMap<String, Result<String, VaultError>>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("secrets", &self.secrets)
            .finish_non_exhaustive()
    }
}

impl Vault {
    pub fn new(secrets: Vec<VaultSecret>) -> Vault {
        Vault {
            secrets,
            ..Vault::default()
        }
    }

    /// Ansible's `vault_id_match` (only the secrets labelled with the envelope's vault-id are
    /// tried) and `vault_identity` (the label a 1.1 envelope, which names none, counts as).
    pub fn with_id_match(mut self, id_match: bool, default_label: &str) -> Vault {
        self.id_match = id_match;
        self.default_label = Some(default_label.to_string());
        self
    }

    /// No secrets: every decryption fails with [`VaultError::NoSecrets`].
    pub fn none() -> Vault {
        Vault::default()
    }

    pub fn has_secrets(&self) -> bool {
        !self.secrets.is_empty()
    }

    /// Decrypts a vault text to bytes.
    pub fn decrypt(&self, text: &str) -> Result<Vec<u8>, VaultError> {
        if self.secrets.is_empty() {
            return Err(VaultError::NoSecrets);
        }
        let env = envelope::parse(text)?;
        let label = env
            .vault_id
            .as_deref()
            .unwrap_or(self.default_label.as_deref().unwrap_or(DEFAULT_LABEL));
        let (matching, others): (Vec<&VaultSecret>, Vec<&VaultSecret>) =
            self.secrets.iter().partition(|s| s.label == label);
        let others = if self.id_match { Vec::new() } else { others };
        for secret in matching.into_iter().chain(others) {
            if let Ok(plain) = cipher::decrypt(&env, secret.expose()) {
                return Ok(plain);
            }
        }
        Err(VaultError::NoMatch)
    }

    /// Decrypts a vault text to UTF-8 text; results are cached per vault text.
    pub fn decrypt_str(&self, text: &str) -> Result<String, VaultError> {
        if let Ok(cache) = self.cache.lock()
            && let Some(hit) = cache.get(text)
        {
            return hit.clone();
        }
        let result = self
            .decrypt(text)
            .and_then(|b| String::from_utf8(b).map_err(|_| VaultError::NotText));
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(text.to_string(), result.clone());
        }
        result
    }
}

#[cfg(test)]
mod tests;
