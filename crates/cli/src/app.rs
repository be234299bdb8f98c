//! The open data directory: store, region registry, taxonomy, and first-run initialisation from the embedded
//! default dataset.

use crate::dataset;
use crate::import::{self, Input, Kind, Options};
use anyhow::{bail, Context};
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

/// What first-run initialisation loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitMode {
    /// Taxonomy, regions, parks, hubs, anchors, synthetic population and demo pipeline.
    Default,
    /// Taxonomy and regions only, for a city that imports its own data.
    Empty,
}

impl App {
    /// Open the data directory, initialising it from the embedded dataset on first use.
    pub fn open(data_dir: &Path, quiet: bool) -> anyhow::Result<Self> {
        let path = data_dir.join(STORE_FILE);
        let store = SqliteStore::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
        let mut app = Self::from_store(store)?;
        if app.store.meta("init_complete")?.is_none() {
            let started = std::time::Instant::now();
            if !quiet {
                eprintln!(
                    "首次运行：正在从内置数据集创建数据库 / first run: creating the store from the embedded dataset in {}",
                    data_dir.display()
                );
            }
            app.initialise(InitMode::Default)?;
            if !quiet {
                eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
            }
        }
        Ok(app)
    }

    /// For validation only: the existing store if there is one, otherwise an in-memory store holding the embedded
    /// taxonomy and regions, so that `check` never creates or changes files.
    pub fn open_for_check(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(STORE_FILE);
        if path.exists() {
            return Self::open(data_dir, true);
        }
        let mut app = Self::from_store(SqliteStore::open_in_memory()?)?;
        app.initialise(InitMode::Empty)?;
        Ok(app)
    }

    /// Open without initialising (for `init`).
    pub fn open_raw(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(STORE_FILE);
        let store = SqliteStore::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
        Self::from_store(store)
    }

    fn from_store(store: SqliteStore) -> anyhow::Result<Self> {
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

    /// Load the embedded dataset. Every step is an idempotent upsert, so an interrupted initialisation is simply
    /// run again on the next start; `init_complete` is written last.
    pub fn initialise(&mut self, mode: InitMode) -> anyhow::Result<()> {
        let meta = dataset::dataset_meta()?;
        let taxonomy = Taxonomy::from_toml(dataset::TAXONOMY.text).map_err(|e| anyhow::anyhow!("embedded taxonomy: {e}"))?;
        self.store.set_taxonomy_toml(dataset::TAXONOMY.text)?;
        self.taxonomy = Arc::new(taxonomy);
        self.store.set_meta("dataset", &meta.id)?;
        self.store.set_meta("dataset_name_zh", &meta.name_zh)?;
        self.store.set_meta("dataset_name_en", &meta.name_en)?;
        self.store.set_meta("home_region", &meta.home_region)?;
        if let Some(d) = &meta.as_of {
            self.store.set_meta("dataset_as_of", d)?;
        }
        self.home_region = meta.home_region.clone();
        let reference = dataset::reference_regions()?;
        self.store.upsert_regions(&reference)?;
        let mut registry = RegionRegistry::new();
        for r in reference {
            registry.insert(r);
        }
        self.regions = Arc::new(registry);
        self.load_embedded(Kind::Regions, &dataset::ZONES)?;
        // The service catalogue, the working-day calendar and the policies: settings an administrator may change.
        self.store.set_meta("service_catalogue", dataset::SERVICE_CATALOGUE.text)?;
        self.store.set_meta("work_calendar", dataset::HOLIDAYS.text)?;
        self.store.set_meta("policies", dataset::POLICIES.text)?;
        if mode == InitMode::Default {
            self.load_embedded(Kind::Hubs, &dataset::HUBS)?;
            self.load_embedded(Kind::Parks, &dataset::PARKS)?;
            self.load_embedded(Kind::Enterprises, &dataset::ENTERPRISES)?;
            let synthetic = crate::generate::default_population(self, &meta)?;
            self.load_text(Kind::Enterprises, "synthetic-population.csv", &synthetic)?;
            self.load_embedded(Kind::Events, &dataset::EVENTS)?;
            self.load_embedded(Kind::Projects, &dataset::PROJECTS)?;
            self.load_embedded(Kind::Targets, &dataset::TARGETS)?;
            let day = self.store.projects()?.iter().filter_map(|p| p.history.last().map(|e| e.date)).max();
            if let Some(day) = day {
                crate::generate::demo_checklists(self, day)?;
            }
            self.store.set_meta("demo_data", "1")?;
        }
        self.store.set_meta("init_mode", if mode == InitMode::Default { "default" } else { "empty" })?;
        self.store.set_meta("init_complete", &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    }

    fn load_embedded(&mut self, kind: Kind, file: &dataset::EmbeddedFile) -> anyhow::Result<()> {
        self.load_text(kind, file.name, file.text)
    }

    fn load_text(&mut self, kind: Kind, name: &str, text: &str) -> anyhow::Result<()> {
        let report = import::run(self, kind, Input::Text { name, text }, &Options::default())?;
        if !report.committed || report.rejected_count > 0 {
            let first: Vec<String> = report
                .rejected
                .iter()
                .take(5)
                .flat_map(|r| r.issues.iter().map(|i| format!("line {} {} [{}] {}", i.line, i.field, i.code, i.message)))
                .collect();
            bail!("the embedded file {name} has {} invalid rows: {}", report.rejected_count, first.join("; "));
        }
        Ok(())
    }

    /// Note that the data changed (readers rebuild their snapshot).
    pub fn mark_changed(&mut self) -> anyhow::Result<()> {
        self.store.set_meta("changed_at", &chrono::Utc::now().to_rfc3339())?;
        Ok(())
    }
}
