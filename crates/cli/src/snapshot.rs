//! Building the engine's snapshot from the store.

use crate::app::App;
use chainscope_engine::Snapshot;
use chainscope_store::Store;

/// Read every enterprise once into the columnar snapshot.
pub fn build(app: &App) -> anyhow::Result<Snapshot> {
    let mut b = Snapshot::builder(app.taxonomy.clone(), &app.home_region);
    b.reserve(app.store.counts()?.enterprises as usize);
    let regions = app.regions.clone();
    app.store.for_each_enterprise(&mut |e| b.push(&e, &regions))?;
    Ok(b.finish())
}
