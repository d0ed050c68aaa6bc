//! Decryption against texts made by the real `ansible-vault` (tests/fixtures/vault/README.md).

use super::*;
use crate::value::Value;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vault");
const PASS: &[u8] = b"correct horse battery staple";
const OPS_PASS: &[u8] = b"ops-secret-2";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIX}/{name}")).expect("fixture")
}

/// The ciphertext of the one `!vault` variable in an `encrypt_string --name` output.
fn inline(name: &str) -> String {
    let Value::Map(m) = crate::yaml::load_str(&fixture(name)).expect("yaml") else {
        panic!("{name}: not a mapping");
    };
    match m.values().next() {
        Some(Value::Vault(s)) => s.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

fn vault(secrets: &[(&str, &[u8])]) -> Vault {
    Vault::new(
        secrets
            .iter()
            .map(|(l, p)| VaultSecret::new(*l, p.to_vec()))
            .collect(),
    )
}

#[test]
fn decrypts_ansible_1_1_inline_values() {
    let v = vault(&[("default", PASS)]);
    assert_eq!(
        v.decrypt_str(&inline("inline-1.1.yml")).unwrap(),
        "S3cr3t become pw!"
    );
    // 16 bytes of plaintext: a whole block of padding.
    assert_eq!(
        v.decrypt_str(&inline("inline-1.1-full-block.yml")).unwrap(),
        "sixteen byte pw!"
    );
    assert_eq!(
        v.decrypt_str(&inline("inline-1.1-unicode.yml")).unwrap(),
        "héllo wörld ✓"
    );
}

#[test]
fn decrypts_ansible_1_2_with_a_label() {
    let text = inline("inline-1.2-ops.yml");
    assert_eq!(
        envelope::parse(&text).unwrap().vault_id.as_deref(),
        Some("ops")
    );
    // The matching label is tried first; the right password under another label works too,
    // as in Ansible (vault_id_match is off by default).
    for secrets in [
        vec![("default", PASS), ("ops", OPS_PASS)],
        vec![("ops", OPS_PASS)],
        vec![("other", OPS_PASS)],
    ] {
        assert_eq!(
            vault(&secrets).decrypt_str(&text).unwrap(),
            "ops become pw",
            "{secrets:?}"
        );
    }
}

#[test]
fn decrypts_whole_files() {
    let plain = fixture("host-vars-plain.yml");
    let v = vault(&[("default", PASS), ("ops", OPS_PASS)]);
    assert_eq!(v.decrypt_str(&fixture("host-vars-1.1.yml")).unwrap(), plain);
    assert_eq!(
        v.decrypt_str(&fixture("host-vars-1.2-ops.yml")).unwrap(),
        plain
    );
}

#[test]
fn wrong_or_missing_secret() {
    let text = inline("inline-1.1.yml");
    assert_eq!(
        vault(&[("default", b"nope")]).decrypt_str(&text),
        Err(VaultError::NoMatch)
    );
    assert_eq!(
        VaultError::NoMatch.to_string(),
        "Decryption failed (no vault secrets were found that could decrypt)."
    );
    assert_eq!(Vault::none().decrypt_str(&text), Err(VaultError::NoSecrets));
    // The 1.2 file needs the ops password; the default one does not open it.
    assert_eq!(
        vault(&[("ops", PASS)]).decrypt(&fixture("host-vars-1.2-ops.yml")),
        Err(VaultError::NoMatch)
    );
}

#[test]
fn tampered_data_fails_the_hmac() {
    let text = fixture("host-vars-1.1.yml");
    // Flip one hex digit of the last body line (inside the ciphertext part).
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let last = lines.len() - 1;
    let flipped: String = lines[last]
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '3' { '6' } else { '3' }
            } else {
                c
            }
        })
        .collect();
    lines[last] = flipped;
    let v = vault(&[("default", PASS)]);
    assert!(v.decrypt(&lines.join("\n")).is_err());
}

#[test]
fn malformed_text_is_an_error_not_a_panic() {
    let v = vault(&[("default", PASS)]);
    let e = v.decrypt("$ANSIBLE_VAULT;1.1;AES256\nzz\n").unwrap_err();
    assert!(matches!(e, VaultError::Malformed(_)), "{e}");
    assert!(e.to_string().starts_with("malformed vault data:"), "{e}");
}

#[test]
fn vault_id_match_tries_only_the_matching_label() {
    let text = inline("inline-1.2-ops.yml");
    let strict = |secrets: &[(&str, &[u8])]| vault(secrets).with_id_match(true, DEFAULT_LABEL);
    assert_eq!(
        strict(&[("other", OPS_PASS)]).decrypt(&text),
        Err(VaultError::NoMatch)
    );
    assert!(
        strict(&[("other", PASS), ("ops", OPS_PASS)])
            .decrypt(&text)
            .is_ok()
    );
    // A 1.1 envelope counts as the default label.
    let v11 = inline("inline-1.1.yml");
    assert!(strict(&[("default", PASS)]).decrypt(&v11).is_ok());
    assert_eq!(
        strict(&[("dev", PASS)]).decrypt(&v11),
        Err(VaultError::NoMatch)
    );
    assert!(vault(&[("dev", PASS)]).decrypt(&v11).is_ok());
}
