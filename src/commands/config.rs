//! `stackctl config HOST`: the host's config dict as the target of a command, with
//! `--explain` provenance for every value.

use super::session::{Session, SessionHosts};
use crate::cli::{ConfigArgs, ConfigFormat, GlobalArgs};
use crate::config::{self, Role};
use crate::output::config as out;
use crate::stack::HostSource;
use anyhow::{Result, bail};

pub fn run(global: &GlobalArgs, args: &ConfigArgs) -> Result<i32> {
    let session = Session::load(global)?;
    let hosts = SessionHosts::new(session.vars(true));
    if !hosts.exists(&args.host) {
        bail!("unknown host '{}': not in the inventory", args.host);
    }
    let vars = hosts.vars(&args.host)?;
    let cfg = config::build(
        &args.host,
        vars.as_ref(),
        &session.settings,
        &Role::Target {
            play: &session.play,
        },
    )?;
    let text = match args.format {
        ConfigFormat::Table => out::table(&cfg, args.explain, args.show_secrets),
        ConfigFormat::Json => out::json(&cfg, args.explain, args.show_secrets),
        ConfigFormat::Yaml => {
            crate::yaml::to_yaml_string(&out::to_value(&cfg, args.explain, args.show_secrets))
        }
    };
    println!("{}", text.trim_end());
    Ok(0)
}
