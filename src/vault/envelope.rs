//! The vault envelope: a `$ANSIBLE_VAULT;<version>;<cipher>[;<vault-id>]` header line, then
//! hex text (wrapped at 80 columns) whose bytes are three more lines of hex: the PBKDF2 salt,
//! the HMAC-SHA256 of the ciphertext, and the AES-256-CTR ciphertext.
//!
//! Parsing never panics: every malformation is an [`EnvelopeError`] naming what is wrong.

/// A parsed vault envelope, not yet decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `1.1` or `1.2`.
    pub version: String,
    /// Always `AES256` (the only cipher Ansible writes).
    pub cipher: String,
    /// The vault-id label of a 1.2 envelope.
    pub vault_id: Option<String>,
    pub salt: Vec<u8>,
    pub hmac: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// What is wrong with a vault text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed vault data: {0}")]
pub struct EnvelopeError(pub String);

fn bad(msg: impl Into<String>) -> EnvelopeError {
    EnvelopeError(msg.into())
}

/// The header marker every vault text starts with.
pub const MARKER: &str = "$ANSIBLE_VAULT";

/// Parses a whole vault text (a vaulted file's content or an inline `!vault` value).
pub fn parse(text: &str) -> Result<Envelope, EnvelopeError> {
    let mut lines = text.trim().lines();
    let header = lines.next().unwrap_or("").trim();
    let fields: Vec<&str> = header.split(';').map(str::trim).collect();
    if fields.first() != Some(&MARKER) {
        return Err(bad(format!("the header does not start with {MARKER}")));
    }
    if fields.len() < 3 {
        return Err(bad(format!(
            "the header {header:?} needs at least a version and a cipher"
        )));
    }
    let version = fields[1].to_string();
    let cipher = fields[2].to_string();
    let vault_id = match version.as_str() {
        "1.1" => None,
        "1.2" => match fields.get(3) {
            Some(id) if !id.is_empty() => Some(id.to_string()),
            _ => return Err(bad("a 1.2 header must name a vault id")),
        },
        other => return Err(bad(format!("unsupported vault format version {other:?}"))),
    };
    if cipher != "AES256" {
        return Err(bad(format!(
            "unsupported cipher {cipher:?} (only AES256 is supported)"
        )));
    }
    let body: String = lines.map(str::trim).collect();
    if body.is_empty() {
        return Err(bad("there is no encrypted data after the header"));
    }
    let inner = decode_hex(&body).map_err(|e| bad(format!("the body is not hex text: {e}")))?;
    let inner = String::from_utf8(inner)
        .map_err(|_| bad("the decoded body is not the salt, HMAC and ciphertext lines"))?;
    let parts: Vec<&str> = inner.split('\n').collect();
    let [salt, hmac, ciphertext] = parts.as_slice() else {
        return Err(bad(format!(
            "the decoded body has {} lines, expected 3 (salt, HMAC, ciphertext)",
            parts.len()
        )));
    };
    let field = |name: &str, hex: &str| {
        decode_hex(hex).map_err(|e| bad(format!("the {name} is not hex: {e}")))
    };
    let salt = field("salt", salt)?;
    let hmac = field("HMAC", hmac)?;
    let ciphertext = field("ciphertext", ciphertext)?;
    if salt.is_empty() {
        return Err(bad("the salt is empty"));
    }
    if hmac.len() != 32 {
        return Err(bad(format!(
            "the HMAC is {} bytes, expected 32",
            hmac.len()
        )));
    }
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return Err(bad(format!(
            "the ciphertext is {} bytes, expected a non-zero multiple of 16",
            ciphertext.len()
        )));
    }
    Ok(Envelope {
        version,
        cipher,
        vault_id,
        salt,
        hmac,
        ciphertext,
    })
}

/// Hex text to bytes (either case); errors say where the first bad character is.
fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", b.len()));
    }
    let digit = |i: usize| -> Result<u8, String> {
        let c = b[i];
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!("non-hex character at offset {i}")),
        }
    };
    (0..b.len())
        .step_by(2)
        .map(|i| Ok(digit(i)? << 4 | digit(i + 1)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn wrap(salt: &[u8], mac: &[u8], ct: &[u8]) -> String {
        let inner = format!("{}\n{}\n{}", hex(salt), hex(mac), hex(ct));
        hex(inner.as_bytes())
    }

    #[test]
    fn parses_both_header_versions() {
        let body = wrap(&[1; 32], &[2; 32], &[3; 16]);
        let e = parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{body}\n")).unwrap();
        assert_eq!((e.version.as_str(), e.vault_id), ("1.1", None));
        assert_eq!(e.salt, vec![1; 32]);
        let e = parse(&format!("$ANSIBLE_VAULT;1.2;AES256;ops\n{body}")).unwrap();
        assert_eq!(e.vault_id.as_deref(), Some("ops"));
        assert_eq!(e.ciphertext, vec![3; 16]);
    }

    #[test]
    fn malformed_envelopes_are_errors() {
        let body = wrap(&[1; 32], &[2; 32], &[3; 16]);
        for (text, want) in [
            ("", "does not start"),
            ("$ANSIBLE_VAULT;1.1", "version and a cipher"),
            ("$ANSIBLE_VAULT;1.0;AES\n00", "version"),
            ("$ANSIBLE_VAULT;1.1;AES128\n00", "cipher"),
            ("$ANSIBLE_VAULT;1.2;AES256\n00", "vault id"),
            ("$ANSIBLE_VAULT;1.1;AES256\n", "no encrypted data"),
            ("$ANSIBLE_VAULT;1.1;AES256\n0g", "not hex"),
            ("$ANSIBLE_VAULT;1.1;AES256\n012", "odd number"),
            ("$ANSIBLE_VAULT;1.1;AES256\n6161", "3 (salt"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
        let short_mac = wrap(&[1; 32], &[2; 31], &[3; 16]);
        assert!(
            parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{short_mac}"))
                .unwrap_err()
                .to_string()
                .contains("HMAC is 31 bytes")
        );
        let ragged = wrap(&[1; 32], &[2; 32], &[3; 17]);
        assert!(parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{ragged}")).is_err());
        assert!(parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{body}")).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]
        #[test]
        fn parser_never_panics(s in "\\PC*") {
            let _ = parse(&s);
            let _ = parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{s}"));
        }

        #[test]
        fn parser_never_panics_on_hexish(s in "[0-9a-fA-F\\n ;]{0,200}", v in "1\\.[0-3]") {
            let _ = parse(&format!("$ANSIBLE_VAULT;{v};AES256;x\n{s}"));
        }

        #[test]
        fn parser_never_panics_on_structured(salt in proptest::collection::vec(any::<u8>(), 0..40),
                                             mac in proptest::collection::vec(any::<u8>(), 0..40),
                                             ct in proptest::collection::vec(any::<u8>(), 0..40)) {
            let text = format!("$ANSIBLE_VAULT;1.1;AES256\n{}", wrap(&salt, &mac, &ct));
            if let Ok(e) = parse(&text) {
                prop_assert_eq!(e.salt, salt);
                prop_assert_eq!(e.hmac, mac);
                prop_assert_eq!(e.ciphertext, ct);
            }
        }
    }
}
