//! Decrypting an envelope as Ansible's vault 1.1/1.2 format defines it: PBKDF2-HMAC-SHA256 with
//! 10000 iterations over the salt gives 80 bytes = AES-256 key (32) ‖ HMAC key (32) ‖ CTR
//! initial counter block (16); the HMAC-SHA256 of the ciphertext is checked before anything is
//! decrypted; AES-256-CTR (128-bit big-endian counter) then PKCS#7 unpadding give the plaintext.
//! The primitives are RustCrypto's.

use super::envelope::Envelope;
use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const ITERATIONS: u32 = 10_000;
const KEY_LEN: usize = 32;
const IV_LEN: usize = 16;

/// Why one secret did not open an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CipherError {
    /// The HMAC does not match: wrong password (or tampered data).
    WrongSecret,
    /// The HMAC matched but the padding is invalid (corrupt data written with this secret).
    BadPadding,
}

/// Decrypts `env` with `password`.
pub fn decrypt(env: &Envelope, password: &[u8]) -> Result<Vec<u8>, CipherError> {
    let mut derived = [0u8; 2 * KEY_LEN + IV_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, &env.salt, ITERATIONS, &mut derived);
    let (aes_key, rest) = derived.split_at(KEY_LEN);
    let (hmac_key, iv) = rest.split_at(KEY_LEN);

    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(hmac_key)
        .map_err(|_| CipherError::WrongSecret)?;
    mac.update(&env.ciphertext);
    mac.verify_slice(&env.hmac)
        .map_err(|_| CipherError::WrongSecret)?;

    let mut buf = env.ciphertext.clone();
    let mut ctr = ctr::Ctr128BE::<Aes256>::new_from_slices(aes_key, iv)
        .map_err(|_| CipherError::WrongSecret)?;
    ctr.apply_keystream(&mut buf);
    unpad(&mut buf)?;
    Ok(buf)
}

/// Removes PKCS#7 padding for a 16-byte block.
fn unpad(buf: &mut Vec<u8>) -> Result<(), CipherError> {
    let n = *buf.last().ok_or(CipherError::BadPadding)? as usize;
    if n == 0 || n > 16 || n > buf.len() {
        return Err(CipherError::BadPadding);
    }
    if !buf[buf.len() - n..].iter().all(|&b| b as usize == n) {
        return Err(CipherError::BadPadding);
    }
    buf.truncate(buf.len() - n);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadding() {
        let mut v = vec![b'a', 3, 3, 3];
        unpad(&mut v).unwrap();
        assert_eq!(v, b"a");
        let mut v = vec![16; 16];
        unpad(&mut v).unwrap();
        assert!(v.is_empty());
        for bad in [vec![], vec![0], vec![1, 2], vec![17; 17], vec![3, 3]] {
            let mut b = bad.clone();
            assert_eq!(unpad(&mut b), Err(CipherError::BadPadding), "{bad:?}");
        }
    }
}
