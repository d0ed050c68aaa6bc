//! The OpenSSH transport against real sshd daemons started by the tests (tests/support).

mod support;

use stackctl::transport::ssh::{SshPool, SshPoolOptions};
use std::time::Duration;
use support::*;

const DEADLINE: Duration = Duration::from_secs(90);

fn pool(dir: &std::path::Path) -> SshPool {
    SshPool::new(SshPoolOptions {
        control_dir: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .expect("pool")
}

fn ctl_dir(lab: &Lab) -> std::path::PathBuf {
    lab.path().join("ctl")
}

#[test]
fn direct_target_runs_commands_with_exit_codes_and_separate_streams() {
    let lab = Lab::new();
    let sshd = lab.sshd(SshdSpec::targets(lab.addrs(1)));
    let t = lab.target(&sshd, 0, "web01");
    let dir = ctl_dir(&lab);
    block_on(DEADLINE, async {
        let pool = pool(&dir);
        let s = pool
            .session(std::slice::from_ref(&t))
            .await
            .expect("session");
        let out = s
            .raw_command("echo hello; echo oops >&2")
            .output()
            .await
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "oops\n");
        assert_eq!(out.status.code(), Some(0));
        for code in [0, 3, 255] {
            let st = s
                .raw_command(format!("exit {code}"))
                .status()
                .await
                .unwrap();
            assert_eq!(st.code(), Some(code), "exit {code}");
        }
        pool.close_all().await;
    });
    assert_eq!(sshd.accepted(), 1, "{}", sshd.log());
}
