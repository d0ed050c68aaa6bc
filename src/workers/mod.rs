//! Workers stage: runs many hosts' plans at once (worker-model.md). It owns the [`WorkerModel`]
//! lifecycle and the task/result/event types every model speaks, mux affinity, the connection
//! service a multiplexer runs ([`conn`]) and process titles ([`titles`]). How results look
//! belongs to `output::fanout`.

pub mod classic;
pub mod conn;
pub mod cpu_room;
pub mod forkserver;
pub mod inline;
pub mod ipc;
pub mod mux;
pub mod titles;
pub mod worker;

use crate::plan::Plan;
use crate::stack::Stack;
use conn::{HopKey, HopSpec};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// One host's work: its plan, and where it belongs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Task {
    /// Position in the run (events name hosts by it).
    pub index: usize,
    pub host: String,
    pub plan: Plan,
    /// Key of the via chain (the stack minus the target's own hops); `None` when there is none.
    pub via: Option<HopKey>,
    /// The socket of the multiplexer that establishes this task's ssh masters (classic model).
    pub mux: Option<std::path::PathBuf>,
}

impl Task {
    pub fn new(index: usize, stack: &Stack, plan: Plan) -> Task {
        Task {
            index,
            host: stack.target.clone(),
            plan,
            via: via_key(stack),
            mux: None,
        }
    }
}

/// The key of a stack's via chain: every hop before the first one that belongs to the target.
pub fn via_key(stack: &Stack) -> Option<HopKey> {
    let via: Vec<HopSpec> = stack
        .hops
        .iter()
        .take_while(|h| h.inventory_host != stack.target)
        .enumerate()
        .map(|(i, h)| HopSpec::from_hop(i, h))
        .collect();
    HopSpec::keys(&via).last().copied()
}

/// First thing in a process of the run (fork server, worker, multiplexer): it gets SIGTERM when
/// its parent dies. Returns false if `parent` (the pid it was started by) has already ended and
/// this process was reparented: it must end now.
pub fn die_with_parent(parent: Option<u32>) -> bool {
    let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGTERM);
    parent.is_none_or(|p| std::os::unix::process::parent_id() == p)
}

/// SIGINT is ignored in workers and the fork server: the terminal's Ctrl-C is the top-level
/// process's to handle.
pub fn ignore_interrupts() {
    // SAFETY: setting a signal disposition to SIG_IGN has no preconditions.
    unsafe {
        let _ = nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGINT,
            nix::sys::signal::SigHandler::SigIgn,
        );
    }
}

/// Which mux serves a via chain: a stable hash (the key's first bytes), so every target behind
/// one bastion meets in one mux and shares its connection, however many muxes run. Hosts with
/// no via chain go to mux 0.
pub fn affinity(via: Option<&HopKey>, muxes: usize) -> usize {
    match via {
        Some(k) if muxes > 1 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&k.0[..8]);
            (u64::from_be_bytes(b) % muxes as u64) as usize
        }
        _ => 0,
    }
}

/// Where a task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub mux: usize,
}

/// How a host's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Ok,
    Failed,
    Unreachable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Unreachable => "unreachable",
        }
    }
}

/// A host's result (its output travels as [`Event::Output`] before it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finished {
    pub status: Status,
    /// The command's exit status (128+N for signal N); `None` when it did not run to the end.
    pub rc: Option<i32>,
    /// Index of the failing hop.
    pub hop: Option<usize>,
    pub error: Option<String>,
    pub duration: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a model reports, in order per task.
#[derive(Debug)]
pub enum Event {
    /// A worker took the task (the progress bar times it from here).
    Started {
        task: usize,
    },
    Output {
        task: usize,
        stream: Stream,
        bytes: Vec<u8>,
    },
    Done {
        task: usize,
        result: Finished,
    },
}

/// Limits of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Tasks running at once (`-f/--forks`).
    pub forks: usize,
    /// Multiplexers (`--muxes`); the inline model has none (its one process holds the pool).
    pub muxes: usize,
    /// Handshakes in flight per endpoint, and idle connections per parent, in each mux.
    pub max_startups: usize,
    pub max_idle: usize,
    /// Per-command deadline (`--command-timeout`): the command is killed and the host failed.
    pub command_timeout: Option<Duration>,
    /// ssh masters' life after their last use (`--persist`; zero: end this run's at its end).
    pub persist: Duration,
}

/// The lifecycle of a worker model (worker-model.md, "WorkerModel"): start its processes, bind
/// each host to a mux, run the tasks, tear down.
pub trait WorkerModel {
    fn name(&self) -> &'static str;
    /// Starts whatever the model needs before the first task.
    fn on_start(&mut self) -> Result<(), String>;
    /// The mux serving a task.
    fn binding(&self, task: &Task) -> Binding;
    /// Runs every task (at most `forks` at a time), reporting [`Event`]s; each task ends with
    /// exactly one [`Event::Done`].
    fn run(
        &mut self,
        tasks: Vec<Task>,
        sink: UnboundedSender<Event>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
    /// Ctrl-C / SIGTERM: end every running task. True when the run future should then be
    /// awaited (it completes once the tasks are ended); false when dropping it ends them.
    fn interrupt(&self) -> bool {
        false
    }
    /// Ends everything the model started.
    fn on_complete(&mut self);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::{Builder, Hop, HopKind};
    use crate::value::{Map, Value};

    fn ssh(host: &str, addr: &str) -> Hop {
        let mut kwargs = Map::new();
        kwargs.insert("hostname".into(), Value::str(addr));
        Hop {
            method: "ssh".into(),
            kwargs,
            enable_lru: false,
            inventory_host: host.into(),
            kind: HopKind::Login,
            builder: Builder::Ssh,
        }
    }

    fn stack(target: &str, hops: Vec<Hop>) -> Stack {
        Stack {
            target: target.into(),
            hops,
            configs: Vec::new(),
        }
    }

    #[test]
    fn targets_behind_one_bastion_share_a_via_key_and_so_a_mux() {
        let a = stack("a", vec![ssh("bastion", "10.0.0.1"), ssh("a", "10.1.0.1")]);
        let b = stack("b", vec![ssh("bastion", "10.0.0.1"), ssh("b", "10.1.0.2")]);
        let c = stack("c", vec![ssh("bastion2", "10.0.0.2"), ssh("c", "10.1.0.3")]);
        let direct = stack("d", vec![ssh("d", "10.1.0.4")]);
        assert_eq!(via_key(&a), via_key(&b));
        assert!(via_key(&a).is_some());
        assert_ne!(via_key(&a), via_key(&c));
        assert_eq!(via_key(&direct), None);
        for muxes in 1..8 {
            assert_eq!(
                affinity(via_key(&a).as_ref(), muxes),
                affinity(via_key(&b).as_ref(), muxes)
            );
        }
        // The target's own become hop is not part of the via chain.
        let mut sudo = ssh("a", "10.1.0.1");
        sudo.method = "sudo".into();
        let a2 = stack(
            "a",
            vec![ssh("bastion", "10.0.0.1"), ssh("a", "10.1.0.1"), sudo],
        );
        assert_eq!(via_key(&a2), via_key(&a));
    }

    #[test]
    fn affinity_is_stable_and_in_range() {
        let k = HopKey([7u8; 32]);
        let a = affinity(Some(&k), 4);
        assert!(a < 4);
        assert_eq!(a, affinity(Some(&k), 4));
        assert_eq!(affinity(None, 4), 0);
        assert_eq!(affinity(Some(&k), 1), 0);
        // 0x0707070707070707 % 3
        assert_eq!(affinity(Some(&k), 3), (0x0707070707070707u64 % 3) as usize);
    }
}
