//! `stackctl exec PATTERN -- COMMAND…` when the pattern selects several hosts: resolve and plan
//! every host, hand the tasks to the worker model, print with `output::fanout`. Hosts whose
//! stack or plan fails are reported unreachable (resolution) before anything runs.

use super::session::{Session, SessionHosts};
use crate::cli::{ExecArgs, ExecFormat, SshChainArg, WorkerModelArg};
use crate::output::fanout::{Mode, Printer};
use crate::output::progress::Progress;
use crate::plan::{self, PlanOptions, SshChain};
use crate::stack;
use crate::transport::stop::STOP_WAIT;
use crate::workers::classic::ClassicWorkerModel;
use crate::workers::inline::InlineWorkerModel;
use crate::workers::{Event, Finished, RunOptions, Status, Task, WorkerModel};
use anyhow::{Context, Result, bail};
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

pub fn run(session: &Session, names: Vec<String>, args: &ExecArgs) -> Result<i32> {
    if args.tty {
        bail!(
            "-t/--tty needs exactly one host; the pattern selects {}",
            names.len()
        );
    }
    let hosts = SessionHosts::new(session.vars(true));
    let argv: Vec<Vec<u8>> = args.command.iter().map(|w| w.as_bytes().to_vec()).collect();
    let nonce = if args.dry_run {
        "NONCE".to_string()
    } else {
        plan::nonce()
    };
    let mut tasks = Vec::new();
    let mut early: Vec<(usize, String)> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let planned = stack::resolve(name, &hosts, &session.settings, &session.play)
            .map_err(|e| e.to_string())
            .and_then(|st| {
                let chain = match args.ssh_chain {
                    Some(SshChainArg::Tunnel) => SshChain::Tunnel,
                    Some(SshChainArg::Nested) => SshChain::Nested,
                    None => SshChain::of(&st),
                };
                let opts = PlanOptions {
                    chain,
                    tty: false,
                    nonce: nonce.clone(),
                };
                plan::build(&st, &argv, &opts)
                    .map(|p| (st, p, chain))
                    .map_err(|e| e.to_string())
            });
        match planned {
            Ok((st, p, chain)) => {
                if args.dry_run {
                    println!("# {name}");
                    print!("{}", crate::output::plan::text(&p, chain));
                }
                tasks.push(Task::new(index, &st, p));
            }
            Err(e) => early.push((index, e)),
        }
    }
    if args.dry_run {
        for (index, e) in &early {
            eprintln!("stackctl: error: {}: {e}", names[*index]);
        }
        return Ok(if early.is_empty() { 0 } else { 1 });
    }
    if let Some(dir) = &args.outdir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create --outdir {}", dir.display()))?;
    }
    let mode = match (args.format, args.gather) {
        (ExecFormat::Json, _) => Mode::Json,
        (ExecFormat::Text, true) => Mode::Gather,
        (ExecFormat::Text, false) => Mode::Prefix,
    };
    let mut printer = Printer::new(
        mode,
        args.outdir.clone(),
        names.clone(),
        std::io::stdout().lock(),
        std::io::stderr().lock(),
    );
    let mut progress = Progress::new(names.clone());
    for (index, e) in early {
        progress.show(
            &mut printer,
            Event::Done {
                task: index,
                result: Finished {
                    status: Status::Unreachable,
                    rc: None,
                    hop: None,
                    error: Some(e),
                    duration: Duration::ZERO,
                },
            },
        );
    }
    let opts = RunOptions {
        forks: session.forks(args.forks),
        muxes: muxes(args),
        max_startups: args.max_startups as usize,
        max_idle: args.max_idle as usize,
        command_timeout: args.command_timeout.map(Duration::from_secs),
        persist: Duration::from_secs(args.persist),
    };
    let mut model: Box<dyn WorkerModel> = match args.worker_model {
        WorkerModelArg::Classic => Box::new(ClassicWorkerModel::new(opts)),
        WorkerModelArg::Inline => Box::new(InlineWorkerModel::new(opts)),
    };
    model.on_start().map_err(anyhow::Error::msg)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let interrupted = rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut run = model.run(tasks, tx);
        let mut running = true;
        let mut tick = tokio::time::interval(Progress::TICK);
        loop {
            tokio::select! {
                _ = &mut run, if running => running = false,
                ev = rx.recv() => match ev {
                    Some(ev) => progress.show(&mut printer, ev),
                    None => return Ok::<_, std::io::Error>(false),
                },
                _ = tick.tick(), if progress.is_shown() => progress.tick(),
                _ = tokio::signal::ctrl_c() => break,
                _ = term.recv() => break,
            }
        }
        progress.clear();
        // Interrupted: every task ends its command where it runs; wait for that.
        if model.interrupt() && running {
            let _ = tokio::time::timeout(STOP_WAIT + Duration::from_secs(2), run).await;
        }
        Ok(true)
    });
    model.on_complete();
    rt.shutdown_background();
    if interrupted.context("cannot install signal handlers")? {
        // execution.md §4: every running command was ended where it ran.
        eprintln!("stackctl: interrupted");
        return Ok(99);
    }
    progress.clear();
    printer.fail_unfinished("the worker running this host ended without a result");
    Ok(printer.finish())
}

/// `--muxes N`, else one per CPU with `--mux-per-cpu`, else `STACKCTL_CPU_COUNT`, else 1.
fn muxes(args: &ExecArgs) -> usize {
    if let Some(n) = args.muxes {
        return n as usize;
    }
    let cpus = std::env::var("STACKCTL_CPU_COUNT")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0);
    if args.mux_per_cpu {
        return cpus.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
    }
    cpus.unwrap_or(1)
}
