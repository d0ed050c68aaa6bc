//! Ansible Vault: reading `$ANSIBLE_VAULT` envelopes (1.1 and 1.2 with a vault-id label) and
//! decrypting them with the secrets given on the command line, in the environment or in
//! ansible.cfg (ansible-inventory.md §8.2, §12).
//!
//! * [`envelope`] parses the text, [`cipher`] decrypts one envelope with one secret,
//!   [`secrets`] loads secrets from files, scripts and the terminal;
//! * [`Vault`] holds the secrets of a run and decrypts (and caches) vault texts: secrets whose
//!   label matches a 1.2 envelope's vault-id are tried first, then the others, in order.

pub mod cipher;
pub mod envelope;
pub mod secrets;

pub use envelope::{Envelope, EnvelopeError, is_vault_text};
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
            cache: Mutex::default(),
        }
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
        let (matching, others): (Vec<&VaultSecret>, Vec<&VaultSecret>) = self
            .secrets
            .iter()
            .partition(|s| env.vault_id.as_deref() == Some(s.label.as_str()));
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
