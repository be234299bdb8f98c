//! The open data directory: store, region registry and taxonomy (first-run initialisation is in `init`).

use crate::dataset;
use anyhow::Context;
use chainscope_model::{RegionRegistry, Taxonomy};
use chainscope_store::{Maintenance, RecordStore, SqliteStore};
use std::path::Path;
use std::sync::Arc;

pub const STORE_FILE: &str = "chainscope.db";

/// The store back-end. This module is the only one that names it: the rest of the program reaches the store
/// through its traits (`chainscope_store::prelude`).
pub type Backend = SqliteStore;

/// Open (creating if needed) a store file and bring its schema up to date.
pub fn open_store(path: &Path) -> anyhow::Result<Backend> {
    SqliteStore::open(path).with_context(|| format!("cannot open the store {}", path.display()))
}

/// Open a read-only connection to a store file, beside the one that writes (the server's readers).
pub fn open_reader(path: &Path) -> anyhow::Result<Backend> {
    SqliteStore::open_reader(path).with_context(|| format!("cannot open the store {} for reading", path.display()))
}

/// A store in memory only, gone when dropped (validation without a data directory).
pub fn scratch_store() -> anyhow::Result<Backend> {
    Ok(SqliteStore::open_in_memory()?)
}

/// Check a backup file before it replaces a store; returns its schema version.
pub fn check_backup(path: &Path) -> chainscope_store::Result<i64> {
    Backend::check_backup(path)
}

pub struct App {
    pub store: Backend,
    pub regions: Arc<RegionRegistry>,
    pub taxonomy: Arc<Taxonomy>,
    pub home_region: String,
}

impl App {
    /// Open without initialising (for `init`).
    pub fn open_raw(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(STORE_FILE);
        Self::from_store(open_store(&path)?)
    }

    pub(crate) fn from_store(store: Backend) -> anyhow::Result<Self> {
        let taxonomy_text = store.taxonomy_toml()?.unwrap_or_else(|| dataset::TAXONOMY.text.to_string());
        let taxonomy = Taxonomy::from_toml(&taxonomy_text).map_err(|e| anyhow::anyhow!("taxonomy: {e} [{}]", e.code()))?;
        let mut regions = RegionRegistry::new();
        let stored = store.regions()?;
        if stored.is_empty() {
            for r in dataset::reference_regions()? {
                regions.insert(r);
            }
        } else {
            for r in stored {
                regions.insert(r);
            }
        }
        let home_region = match store.meta("home_region")? {
            Some(h) => h,
            None => dataset::dataset_meta()?.home_region,
        };
        Ok(Self { store, regions: Arc::new(regions), taxonomy: Arc::new(taxonomy), home_region })
    }

    pub fn is_initialised(&self) -> anyhow::Result<bool> {
        Ok(self.store.meta("init_complete")?.is_some())
    }

    /// Note that the data changed (readers rebuild their snapshot).
    pub fn mark_changed(&mut self) -> anyhow::Result<()> {
        self.store.set_meta("changed_at", &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    }
}
