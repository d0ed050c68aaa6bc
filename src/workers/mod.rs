//! Workers stage: runs many hosts' plans at once (worker-model.md). It owns the [`WorkerModel`]
//! lifecycle, the connection service a multiplexer runs ([`conn`]) and process titles
//! ([`titles`]). Output formatting belongs to `output::fanout`.

pub mod conn;
pub mod titles;
