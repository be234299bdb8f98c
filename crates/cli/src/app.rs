//! The open data directory: store, region registry and taxonomy (first-run initialisation is in `init`).

use crate::dataset;
use anyhow::Context;
use chainscope_model::{RegionRegistry, Taxonomy};
use chainscope_store::{SqliteStore, Store};
use std::path::Path;
use std::sync::Arc;

pub const STORE_FILE: &str = "chainscope.db";

pub struct App {
    pub store: SqliteStore,
    pub regions: Arc<RegionRegistry>,
    pub taxonomy: Arc<Taxonomy>,
    pub home_region: String,
}

impl App {
    /// Open without initialising (for `init`).
    pub fn open_raw(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(STORE_FILE);
        let store = SqliteStore::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
        Self::from_store(store)
    }

    pub(crate) fn from_store(store: SqliteStore) -> anyhow::Result<Self> {
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
