//! `chainscope serve`: how the server opens the data directory. Reading the store into the server's data, and
//! reloading it when the store records a change (`changed_at`, written by every import), is the server's own
//! (`chainscope_server::source`); this module only says where the store is and what the embedded defaults are.

use crate::app::App;
use crate::{dataset, init};
use chainscope_server::source::{Context, Defaults, StoreSource};
use chainscope_server::Data;
use std::path::{Path, PathBuf};

/// The fewest and the most read connections the server opens when not told how many.
const READERS_MIN: usize = 2;
const READERS_MAX: usize = 8;

/// The embedded dataset's settings, for a store made before they were stored.
pub const DEFAULTS: Defaults = Defaults {
    service_catalogue: dataset::SERVICE_CATALOGUE.text,
    work_calendar: dataset::HOLIDAYS.text,
    policies: dataset::POLICIES.text,
};

/// What the store of an open data directory is read with.
pub fn context(app: &App) -> Context {
    Context { taxonomy: app.taxonomy.clone(), regions: app.regions.clone(), home_region: app.home_region.clone() }
}

/// Everything the server needs, read from an open data directory.
pub fn load(app: &App, quiet: bool) -> anyhow::Result<Data> {
    let started = std::time::Instant::now();
    let data = chainscope_server::source::load(&app.store, &context(app), &DEFAULTS)?;
    if !quiet {
        eprintln!(
            "snapshot: {} enterprises in {:.2} s, {:.1} MiB",
            data.snapshot.len,
            started.elapsed().as_secs_f64(),
            data.snapshot.column_bytes() as f64 / 1048576.0
        );
    }
    Ok(data)
}

/// The data directory as the server's source: opened anew (initialised if needed) for every reload.
pub fn source(data_dir: PathBuf) -> anyhow::Result<StoreSource> {
    let open = move || -> Result<(Box<dyn chainscope_store::Store>, Context), String> {
        let app = init::open(&data_dir, true).map_err(|e| format!("{e:#}"))?;
        let cx = context(&app);
        Ok((Box::new(app.store), cx))
    };
    Ok(StoreSource::new(Box::new(open), DEFAULTS)?)
}

/// How many read connections the server opens: `asked` (`--readers` / `CHAINSCOPE_READERS`) if given, else one per
/// core this process may use, at least 2 and at most 8.
pub fn reader_count(asked: Option<u16>) -> usize {
    match asked {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(READERS_MIN, |n| n.get()).clamp(READERS_MIN, READERS_MAX),
    }
}

/// `n` read-only connections to the store file, for the server's pool of readers.
pub fn open_readers(store: &Path, n: usize) -> anyhow::Result<Vec<Box<dyn chainscope_store::Store>>> {
    (0..n).map(|_| crate::app::open_reader(store).map(|s| Box::new(s) as Box<dyn chainscope_store::Store>)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_count_is_asked_or_bounded() {
        assert_eq!(reader_count(Some(1)), 1);
        assert_eq!(reader_count(Some(12)), 12);
        let n = reader_count(None);
        assert!((READERS_MIN..=READERS_MAX).contains(&n), "{n}");
    }
}
