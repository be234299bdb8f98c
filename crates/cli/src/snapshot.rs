//! The engine's snapshot of an open data directory (built by the server's loader, which `serve` uses too).

use crate::app::App;
use chainscope_engine::Snapshot;

/// Read the snapshot's columns of every enterprise once.
pub fn build(app: &App) -> anyhow::Result<Snapshot> {
    Ok(chainscope_server::source::snapshot(&app.store, &crate::serve::context(app))?)
}
