//! One hop as a shell wrapper: the text that, given the (already complete) string the next hop
//! must run, runs it through this hop (execution.md §1 table). Each wrapper quotes its inner
//! string exactly once, for the one shell (`sh -c`, `su -c`'s shell or the remote login shell
//! of a nested ssh) that parses it.

use super::kw;
use super::quote::{join, quote};
use crate::stack::Hop;
use crate::transport::SecretText;

/// The become methods whose password stackctl feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BecomeMethod {
    Sudo,
    Su,
    Doas,
}

impl BecomeMethod {
    pub fn name(self) -> &'static str {
        match self {
            BecomeMethod::Sudo => "sudo",
            BecomeMethod::Su => "su",
            BecomeMethod::Doas => "doas",
        }
    }
}

/// A hop that will ask for a password, and the password to answer with (none: the hop must
/// not prompt, and a prompt is the "password is required" error).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecretFeed {
    pub hop_index: usize,
    pub method: BecomeMethod,
    pub inventory_host: String,
    pub username: String,
    /// sudo's unique `-p` prompt; su and doas print their own `Password:` prompt.
    pub prompt: Option<String>,
    pub secret: Option<SecretText>,
}

/// A wrapper: the full text is `before + quote(inner) + after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapper {
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    pub feed: Option<SecretFeed>,
}

impl Wrapper {
    fn argv(words: &[String]) -> Result<Wrapper, String> {
        let mut before = b"exec ".to_vec();
        before.extend(join(words).map_err(|e| e.to_string())?);
        before.push(b' ');
        Ok(Wrapper {
            before,
            after: Vec::new(),
            feed: None,
        })
    }

    /// The full wrapped text around `inner`.
    pub fn apply(&self, inner: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = self.before.clone();
        out.extend(quote(inner).map_err(|e| e.to_string())?);
        out.extend_from_slice(&self.after);
        Ok(out)
    }

    /// The wrapper with `<hop N>` standing for the inner string (for `--dry-run`).
    pub fn display(&self, inner_label: &str) -> String {
        let mut out = self.before.clone();
        out.extend_from_slice(inner_label.as_bytes());
        out.extend_from_slice(&self.after);
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn sh_c() -> [String; 2] {
    ["sh".into(), "-c".into()]
}

/// sudo flags stackctl decides itself (`-S`, `-n`, `-p`) are removed from `sudo_args`; other
/// flags pass through in order.
fn filter_sudo_args(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        match a.as_str() {
            "-S" | "--stdin" | "-n" | "--non-interactive" => continue,
            "-p" | "--prompt" => {
                skip_next = true;
                continue;
            }
            _ => {}
        }
        if a.starts_with("--prompt=") {
            continue;
        }
        // Combined short flags without values, e.g. `-HSn` → `-H`.
        if a.len() > 2
            && a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].chars().all(|c| "AbBEeHiKklnNPSsV".contains(c))
        {
            let kept: String = a[1..].chars().filter(|c| *c != 'S' && *c != 'n').collect();
            if !kept.is_empty() {
                out.push(format!("-{kept}"));
            }
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// The wrapper of hop `index`. `nonce` makes the sudo prompt unique to this run.
pub fn wrapper(index: usize, hop: &Hop, nonce: &str) -> Result<Wrapper, String> {
    wrapper_tty(index, hop, nonce, false)
}

/// [`wrapper`] for a run with a terminal (`exec -t`, `shell`): hops that would otherwise give
/// the next one plain pipes ask for a terminal there too — nested `ssh -tt`, `docker`/`podman`/
/// `kubectl exec -t`, `buildah run -t`, lxd/incus `--mode=interactive`.
pub fn wrapper_tty(index: usize, hop: &Hop, nonce: &str, tty: bool) -> Result<Wrapper, String> {
    let k = &hop.kwargs;
    let user = kw::text(k, "username");
    let secret = kw::text(k, "password").map(SecretText::new);
    let feed = |method: BecomeMethod, prompt: Option<String>| SecretFeed {
        hop_index: index,
        method,
        inventory_host: hop.inventory_host.clone(),
        username: user.clone().unwrap_or_else(|| "root".into()),
        prompt,
        secret: secret.clone(),
    };
    let path = |key: &str, default: &str| kw::text(k, key).unwrap_or_else(|| default.into());
    let container =
        |key: &str| kw::text(k, key).ok_or_else(|| format!("{} hop has no {key}", hop.method));
    match hop.method.as_str() {
        "local" => Wrapper::argv(&sh_c()),
        "ssh" => {
            let t = super::ssh::target(index, hop)?;
            let mut a = super::ssh::nested_argv(&t)?;
            if tty {
                a.insert(1, "-tt".into());
            }
            Wrapper::argv(&a)
        }
        "sudo" => {
            let prompt = format!("stackctl-{nonce}-sudo-{index}:");
            let mut a = vec![path("sudo_path", "sudo"), "-p".into(), prompt.clone()];
            a.push(if secret.is_some() { "-S" } else { "-n" }.into());
            a.push("-u".into());
            a.push(user.clone().unwrap_or_else(|| "root".into()));
            a.extend(filter_sudo_args(&kw::words(k, "sudo_args")?));
            a.push("--".into());
            a.extend(sh_c());
            let mut w = Wrapper::argv(&a)?;
            w.feed = Some(feed(BecomeMethod::Sudo, Some(prompt)));
            Ok(w)
        }
        "su" => {
            let a = vec![
                path("su_path", "su"),
                user.clone().unwrap_or_else(|| "root".into()),
                "-c".into(),
            ];
            let mut w = Wrapper::argv(&a)?;
            w.feed = Some(feed(BecomeMethod::Su, None));
            Ok(w)
        }
        "doas" => {
            let mut a = vec![path("doas_path", "doas")];
            if secret.is_none() {
                a.push("-n".into());
            }
            a.push("-u".into());
            a.push(user.clone().unwrap_or_else(|| "root".into()));
            a.push("--".into());
            a.extend(sh_c());
            let mut w = Wrapper::argv(&a)?;
            w.feed = Some(feed(BecomeMethod::Doas, None));
            Ok(w)
        }
        "docker" | "podman" => {
            let mut a = vec![path(&format!("{}_path", hop.method), &hop.method)];
            a.push("exec".into());
            a.push("-i".into());
            if tty {
                a.push("-t".into());
            }
            if let Some(u) = &user {
                a.push(format!("--user={u}"));
            }
            a.push(container("container")?);
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "buildah" => {
            let mut a = vec![path("buildah_path", "buildah"), "run".into()];
            if tty {
                a.push("-t".into());
            }
            if let Some(u) = &user {
                a.push(format!("--user={u}"));
            }
            a.push("--".into());
            a.push(container("container")?);
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "kubectl" => {
            let mut a = vec![path("kubectl_path", "kubectl")];
            a.extend(kw::words(k, "kubectl_args")?);
            a.extend(["exec".into(), "-i".into()]);
            if tty {
                a.push("-t".into());
            }
            a.extend([container("pod")?, "--".into()]);
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "lxc" => {
            let mut a = vec![
                path("lxc_attach_path", "lxc-attach"),
                "--clear-env".into(),
                "--name".into(),
                container("container")?,
                "--".into(),
            ];
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "lxd" => {
            let mut a = vec![
                path("lxc_path", "lxc"),
                "exec".into(),
                if tty {
                    "--mode=interactive"
                } else {
                    "--mode=noninteractive"
                }
                .into(),
                container("container")?,
                "--".into(),
            ];
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "incus" => {
            let mut a = vec![
                path("incus_path", "incus"),
                "exec".into(),
                if tty {
                    "--mode=interactive"
                } else {
                    "--mode=non-interactive"
                }
                .into(),
                container("container")?,
                "--".into(),
            ];
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "jail" => {
            let mut a = vec![path("jexec_path", "jexec")];
            if let Some(u) = &user {
                a.push("-U".into());
                a.push(u.clone());
            }
            a.push(container("container")?);
            a.extend(sh_c());
            Wrapper::argv(&a)
        }
        "setns" => setns(hop, user.as_deref(), &container("container")?),
        other => Err(format!("method '{other}' cannot run commands")),
    }
}

/// setns / machinectl: find the container's leader PID on the machine running the hop
/// (mitogen-stack.md §5.5), then `nsenter -t <pid> -a` (root needed there).
fn setns(hop: &Hop, user: Option<&str>, container: &str) -> Result<Wrapper, String> {
    let k = &hop.kwargs;
    let kind = kw::text(k, "kind").unwrap_or_default();
    let path = |key: &str, default: &str| kw::text(k, key).unwrap_or_else(|| default.into());
    let q = |s: &str| -> Result<String, String> {
        quote(s.as_bytes())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| e.to_string())
    };
    let c = q(container)?;
    let find = match kind.as_str() {
        "docker" => format!(
            "{} inspect --format='{{{{.State.Pid}}}}' {c}",
            q(&path("docker_path", "docker"))?
        ),
        "lxc" => format!(
            "{} -n {c} | sed -n 's/^PID:[[:space:]]*//p'",
            q(&path("lxc_info_path", "lxc-info"))?
        ),
        "lxd" => format!(
            "{} info {c} | sed -n 's/^Pid:[[:space:]]*//p'",
            q(&path("lxc_path", "lxc"))?
        ),
        "machinectl" => format!(
            "{} status {c} | sed -n 's/^[[:space:]]*Leader:[[:space:]]*\\([0-9]*\\).*/\\1/p'",
            q(&path("machinectl_path", "machinectl"))?
        ),
        other => return Err(format!("unsupported container kind: {other:?}")),
    };
    let enter = match user {
        None | Some("root") => "sh -c ".to_string(),
        Some(u) => format!("su {} -c ", q(u)?),
    };
    let before = format!(
        "pid=$({find}) && [ -n \"$pid\" ] || {{ echo {} >&2; exit 1; }}; exec nsenter -t \"$pid\" -a {enter}",
        q(&format!(
            "cannot find the leader PID of {kind} container {container}"
        ))?
    );
    Ok(Wrapper {
        before: before.into_bytes(),
        after: Vec::new(),
        feed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sudo_args_filtered() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(filter_sudo_args(&s(&["-H", "-S", "-n"])), s(&["-H"]));
        assert_eq!(filter_sudo_args(&s(&["-HSn"])), s(&["-H"]));
        assert_eq!(filter_sudo_args(&s(&["-Sn"])), s(&[]));
        assert_eq!(
            filter_sudo_args(&s(&["-p", "x", "-E", "-r", "role"])),
            s(&["-E", "-r", "role"])
        );
    }
}
