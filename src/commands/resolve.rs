//! `stackctl resolve HOST`: the via= stack that reaches a host, as a table, stackctl's JSON/YAML
//! shape, or Mitogen's exact hop dicts. In machine formats an error is also printed on stdout as
//! `{"error": "<message>"}`.

use super::session::{Session, SessionHosts};
use crate::cli::{GlobalArgs, ResolveArgs, ResolveFormat};
use crate::output::stack as out;
use crate::stack;
use crate::value::{Map, TagStyle, Value};
use anyhow::Result;

pub fn run(global: &GlobalArgs, args: &ResolveArgs) -> Result<i32> {
    let machine = args.format != ResolveFormat::Table;
    let result = resolve(global, args);
    match result {
        Ok(text) => {
            println!("{}", text.trim_end());
            Ok(0)
        }
        Err(e) if machine => {
            let mut m = Map::new();
            m.insert("error".into(), Value::str(format!("{e:#}")));
            println!(
                "{}",
                Value::Map(m).to_py_json_indent(TagStyle::PlainUnsafe, 2)
            );
            eprintln!("stackctl: error: {e:#}");
            Ok(1)
        }
        Err(e) => Err(e),
    }
}

fn resolve(global: &GlobalArgs, args: &ResolveArgs) -> Result<String> {
    let session = Session::load(global)?;
    let hosts = SessionHosts::new(session.vars(true));
    let stack = stack::resolve(&args.host, &hosts, &session.settings, &session.play)?;
    Ok(match args.format {
        ResolveFormat::Table => out::table(&stack, args.show_secrets),
        ResolveFormat::Json => out::json(&stack, args.show_secrets),
        ResolveFormat::Yaml => {
            crate::yaml::to_yaml_string(&out::to_value(&stack, args.show_secrets))
        }
        ResolveFormat::Mitogen => out::mitogen(&stack, args.show_secrets),
    })
}
