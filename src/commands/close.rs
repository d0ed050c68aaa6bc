//! `stackctl close [PATTERN]`: ends persisted ssh masters in the control directory. Needs no
//! inventory: the control directory records each master's inventory host.

use crate::cli::{CloseArgs, GlobalArgs};
use crate::transport::ssh::{SshPool, SshPoolOptions};
use anyhow::Result;

pub fn run(_global: &GlobalArgs, args: &CloseArgs) -> Result<i32> {
    let pool = SshPool::new(SshPoolOptions::default())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let closed = rt.block_on(pool.close(args.pattern.as_deref()));
    for m in &closed {
        println!("closed {} ({})", m.inventory_host, m.endpoint());
    }
    if closed.is_empty() {
        eprintln!("stackctl: no open ssh masters matched");
    }
    Ok(0)
}
