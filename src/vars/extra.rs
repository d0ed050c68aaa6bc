//! `-e/--extra-vars` as Ansible reads them: `@file` (YAML/JSON), inline JSON/YAML starting with
//! `{` or `[`, or `key=value` words (values stay strings). Later `-e` win.

use crate::inventory::model::assign;
use crate::inventory::{Var, VarMap};
use crate::origin::Origin;
use crate::value::Value;
use crate::vault::Vault;
use std::path::Path;

/// Combines every `-e` argument, in order, into one map (hash_behaviour honoured).
/// A vault-encrypted `@file` is decrypted with `vault`.
pub fn parse_extra_vars(
    args: &[String],
    cwd: &Path,
    merge: bool,
    vault: &Vault,
) -> Result<VarMap, String> {
    let mut out = VarMap::new();
    for arg in args {
        for (k, v) in parse_one(arg, cwd, vault)? {
            assign(&mut out, &k, v.value, v.origin, merge);
        }
    }
    Ok(out)
}

fn parse_one(arg: &str, cwd: &Path, vault: &Vault) -> Result<VarMap, String> {
    let origin = Origin::ExtraVars(arg.to_string());
    if let Some(file) = arg.strip_prefix('@') {
        let path = cwd.join(file);
        if !path.is_file() {
            return Err(format!(
                "Unable to retrieve file contents\nCould not find or access '{file}'"
            ));
        }
        return crate::yaml::load_vars_file_in(&path, vault)
            .map(|(vars, _)| vars)
            .map_err(|e| e.to_string());
    }
    if arg.starts_with('/') || arg.starts_with('.') {
        return Err("Please prepend extra_vars filename with '@'".into());
    }
    if arg.starts_with('{') || arg.starts_with('[') {
        let value =
            crate::yaml::load_str(arg).map_err(|e| format!("invalid extra vars {arg:?}: {e}"))?;
        return match value {
            Value::Map(m) => Ok(m
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        Var {
                            value: v,
                            origin: origin.clone(),
                        },
                    )
                })
                .collect()),
            Value::Null => Ok(VarMap::new()),
            _ => Err(format!(
                "Invalid extra vars data supplied. '{arg}' could not be made into a dictionary"
            )),
        };
    }
    let words = shlex::split(arg)
        .ok_or_else(|| format!("invalid extra vars {arg:?}: unbalanced quotes"))?;
    let mut out = VarMap::new();
    let mut raw: Vec<String> = Vec::new();
    for w in words {
        match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(
                    k.to_string(),
                    Var {
                        value: Value::str(v),
                        origin: origin.clone(),
                    },
                );
            }
            _ => raw.push(w),
        }
    }
    if !raw.is_empty() {
        out.insert(
            "_raw_params".into(),
            Var {
                value: Value::str(raw.join(" ")),
                origin,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_words_stay_strings() {
        // mitogen-stack.md §9: `-e ansible_port=2424` is the string "2424".
        let m = parse_extra_vars(
            &["ansible_port=2424 a='b c'".into()],
            Path::new("/"),
            false,
            &Vault::none(),
        )
        .unwrap();
        assert_eq!(m["ansible_port"].value, Value::str("2424"));
        assert_eq!(m["a"].value, Value::str("b c"));
    }

    #[test]
    fn later_wins() {
        let m = parse_extra_vars(
            &["x=1".into(), "x=2".into()],
            Path::new("/"),
            false,
            &Vault::none(),
        )
        .unwrap();
        assert_eq!(m["x"].value, Value::str("2"));
    }
}
