//! The quoting invariant (execution.md §1): for any NUL-free argv — quotes, `$()`, backticks,
//! `;`, newlines, globs, non-UTF-8 bytes, empty words, leading dashes — the quoted command,
//! wrapped in `<shell> -c <quoted>` k = 1..3 times, makes the target print exactly that argv.
//! Checked with real dash and bash (each skipped with a note when absent), then through the
//! real plan builder and local transport with k local hops.

use proptest::prelude::*;
use stackctl::plan::quote::{join, quote};
use std::process::Command;

mod common;
use common::Capture;

fn shells() -> Vec<&'static str> {
    let found: Vec<&'static str> = ["dash", "bash"]
        .into_iter()
        .filter(|s| {
            Command::new(s)
                .arg("-c")
                .arg("true")
                .status()
                .is_ok_and(|st| st.success())
        })
        .collect();
    if found.len() < 2 {
        eprintln!("note: only these shells are installed: {found:?}");
    }
    assert!(!found.is_empty(), "no POSIX shell found");
    found
}

/// The target: `printf '%s\0' x words…` prints every word NUL-terminated (`x` keeps printf from
/// repeating its format when there are no words).
fn target(words: &[Vec<u8>]) -> Vec<u8> {
    let mut argv: Vec<Vec<u8>> = vec![b"printf".to_vec(), b"%s\\0".to_vec(), b"x".to_vec()];
    argv.extend(words.iter().cloned());
    join(&argv).expect("NUL-free")
}

fn expected(words: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"x\0".to_vec();
    for w in words {
        out.extend_from_slice(w);
        out.push(0);
    }
    out
}

fn run_nested(shell: &str, words: &[Vec<u8>], k: usize) -> Vec<u8> {
    let mut cmd = target(words);
    for _ in 1..k {
        cmd = join(&[shell.as_bytes().to_vec(), b"-c".to_vec(), cmd]).expect("NUL-free");
    }
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(shell)
        .arg("-c")
        .arg(std::ffi::OsStr::from_bytes(&cmd))
        .output()
        .expect("shell runs");
    assert!(
        out.status.success(),
        "{shell} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn word() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(b"'\"$`\\;|&*?~{}[]()<> \n\t!#-=%^,.:@+/".to_vec());
    prop::collection::vec(
        prop_oneof![4 => special, 3 => 1u8..=255u8, 2 => b'a'..=b'z'],
        0..14,
    )
}

#[test]
fn hand_picked_words_round_trip() {
    let words: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"it's".to_vec(),
        b"$(id)".to_vec(),
        b"`id`".to_vec(),
        b"a;b".to_vec(),
        b"line1\nline2".to_vec(),
        b"*".to_vec(),
        b"-n".to_vec(),
        b"--".to_vec(),
        b"\xff\xfe".to_vec(),
        b"{a,b}".to_vec(),
        b"~root".to_vec(),
        "\u{a0}".as_bytes().to_vec(),
        b"'\\''".to_vec(),
        b"$HOME \"$@\" ${x:-y}".to_vec(),
    ];
    for shell in shells() {
        for k in 1..=3 {
            assert_eq!(
                run_nested(shell, &words, k),
                expected(&words),
                "{shell} k={k}"
            );
        }
    }
}

#[test]
fn nul_is_an_error() {
    assert!(quote(b"a\0b").is_err());
    assert!(join(&[b"ok".to_vec(), b"\0".to_vec()]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_argv_round_trips_through_nested_shells(
        words in prop::collection::vec(word(), 0..6)
    ) {
        for shell in shells() {
            for k in 1..=3 {
                prop_assert_eq!(run_nested(shell, &words, k), expected(&words), "{} k={}", shell, k);
            }
        }
    }
}

mod through_the_plan {
    //! The same invariant through `plan::build` (k `local` hops, each an `sh -c` layer with its
    //! marker) and the real local transport.
    use super::*;
    use stackctl::plan::{PlanOptions, SshChain, build};
    use stackctl::stack::{Builder, Hop, HopKind, Stack};
    use stackctl::transport::stream::{Outcome, UserIo};
    use stackctl::value::{Map, Value};

    fn local_stack(k: usize) -> Stack {
        let hop = || {
            let mut kw = Map::new();
            kw.insert("python_path".into(), Value::List(vec![]));
            Hop {
                method: "local".into(),
                kwargs: kw,
                enable_lru: false,
                inventory_host: "localhost".into(),
                kind: HopKind::Login,
                builder: Builder::Local,
            }
        };
        Stack {
            target: "localhost".into(),
            hops: (0..k).map(|_| hop()).collect(),
            configs: Vec::new(),
        }
    }

    fn run(words: &[Vec<u8>], k: usize) -> (Outcome, Vec<u8>, Vec<u8>) {
        let mut argv: Vec<Vec<u8>> = vec![b"printf".to_vec(), b"%s\\0".to_vec(), b"x".to_vec()];
        argv.extend(words.iter().cloned());
        let opts = PlanOptions {
            chain: SshChain::Tunnel,
            tty: false,
            nonce: stackctl::plan::nonce(),
        };
        let plan = build(&local_stack(k), &argv, &opts).expect("plan");
        let (out, err) = (Capture::default(), Capture::default());
        let user = UserIo {
            stdin: None,
            stdout: Box::pin(out.clone()),
            stderr: Box::pin(err.clone()),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let outcome = rt.block_on(stackctl::transport::run_plan(&plan, user));
        let o = out.0.lock().map(|v| v.clone()).unwrap_or_default();
        let e = err.0.lock().map(|v| v.clone()).unwrap_or_default();
        (outcome, o, e)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn any_argv_round_trips_through_local_hops(
            words in prop::collection::vec(word(), 0..5),
            k in 1usize..=3,
        ) {
            let (outcome, out, err) = run(&words, k);
            prop_assert_eq!(outcome, Outcome::Exited(0));
            prop_assert_eq!(out, expected(&words));
            // Markers never reach the user.
            prop_assert!(err.is_empty(), "stderr: {:?}", String::from_utf8_lossy(&err));
        }
    }
}
