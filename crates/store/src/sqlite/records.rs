//! The dataset's settings and reference records in SQLite: metadata, the taxonomy's text, regions, parks, hubs,
//! market items, counts and the import log.

use super::codec::{date, date_text};
use super::{now, SqliteStore};
use crate::{KindCounts, RecordStore, Result, StoreError, WriteCounts};
use chainscope_model::{Hub, MarketItem, Park, Region, RegionLevel};
use rusqlite::{params, Connection, OptionalExtension};

impl RecordStore for SqliteStore {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            Ok(())
        })
    }

    fn taxonomy_toml(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT toml FROM taxonomy WHERE id = 1", [], |r| r.get(0)).optional()?)
    }

    fn set_taxonomy_toml(&mut self, toml: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO taxonomy (id, toml, updated_at) VALUES (1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET toml = excluded.toml, updated_at = excluded.updated_at",
                params![toml, now()],
            )?;
            Ok(())
        })
    }

    fn upsert_regions(&mut self, regions: &[Region]) -> Result<WriteCounts> {
        let tx = self.write_tx()?;
        let mut counts = WriteCounts::default();
        {
            let mut exists = tx.prepare("SELECT 1 FROM region WHERE code = ?1")?;
            let mut put = tx.prepare(
                "INSERT OR REPLACE INTO region (code, name_zh, name_en, level, parent, country, lat, lon, valid_from, valid_to, successor, counties, lead_clusters, zone_level) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            for r in regions {
                if exists.exists([&r.code])? {
                    counts.updated += 1;
                } else {
                    counts.inserted += 1;
                }
                put.execute(params![
                    r.code,
                    r.name_zh,
                    r.name_en,
                    r.level.as_str(),
                    r.parent,
                    r.country,
                    r.lat,
                    r.lon,
                    r.valid_from.map(|d| d.to_string()),
                    r.valid_to.map(|d| d.to_string()),
                    r.successor,
                    r.counties.join(";"),
                    r.lead_clusters.join(";"),
                    r.zone_level
                ])?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    fn regions(&self) -> Result<Vec<Region>> {
        let mut st = self.conn.prepare(
            "SELECT code, name_zh, name_en, level, parent, country, lat, lon, valid_from, valid_to, successor, counties, lead_clusters, zone_level FROM region ORDER BY rowid",
        )?;
        let rows = st.query_map([], |r| {
            let split = |s: String| s.split(';').filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
            Ok(Region {
                code: r.get(0)?,
                name_zh: r.get(1)?,
                name_en: r.get(2)?,
                level: RegionLevel::parse(&r.get::<_, String>(3)?).unwrap_or(RegionLevel::County),
                parent: r.get(4)?,
                country: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
                valid_from: date(r.get(8)?),
                valid_to: date(r.get(9)?),
                successor: r.get(10)?,
                counties: split(r.get(11)?),
                lead_clusters: split(r.get(12)?),
                zone_level: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn upsert_parks(&mut self, parks: &[Park]) -> Result<WriteCounts> {
        self.upsert_docs(
            "park",
            parks,
            |p| p.id.clone(),
            |p| vec![p.kind.as_str().to_string().into(), (p.synthetic as i64).into()],
            &["kind", "synthetic"],
        )
    }
    fn parks(&self) -> Result<Vec<Park>> {
        self.docs("park", "rowid")
    }
    fn upsert_hubs(&mut self, hubs: &[Hub]) -> Result<WriteCounts> {
        self.upsert_docs("hub", hubs, |h| h.id.clone(), |_| vec![], &[])
    }
    fn hubs(&self) -> Result<Vec<Hub>> {
        self.docs("hub", "rowid")
    }

    fn add_market_item(&mut self, item: &MarketItem) -> Result<i64> {
        let doc = serde_json::to_string(item).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO market_item (kind, node, valid_until, doc) VALUES (?1, ?2, ?3, ?4)",
                params![item.kind.as_str(), item.node, item.valid_until.map(date_text), doc],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn market_items(&self) -> Result<Vec<(i64, MarketItem)>> {
        let mut st = self.conn.prepare("SELECT id, doc FROM market_item ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            out.push((id, serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(format!("market item {id}: {e}")))?));
        }
        Ok(out)
    }

    fn update_market_item(&mut self, id: i64, item: &MarketItem) -> Result<bool> {
        let doc = serde_json::to_string(item).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE market_item SET kind = ?2, node = ?3, valid_until = ?4, doc = ?5 WHERE id = ?1",
                params![id, item.kind.as_str(), item.node, item.valid_until.map(date_text), doc],
            )?;
            Ok(n == 1)
        })
    }

    fn counts(&self) -> Result<KindCounts> {
        counts_of(&self.conn)
    }

    fn log_import(&mut self, kind: &str, file: &str, read: u64, c: WriteCounts, rejected: u64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO import_log (kind, file, started_at, read, inserted, updated, unchanged, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![kind, file, now(), read as i64, c.inserted as i64, c.updated as i64, c.unchanged as i64, rejected as i64],
            )?;
            Ok(())
        })
    }
}

/// Records by kind, on any connection to a store.
pub(super) fn counts_of(conn: &Connection) -> Result<KindCounts> {
    let one = |sql: &str| -> Result<u64> { Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
    Ok(KindCounts {
        regions: one("SELECT count(*) FROM region")?,
        enterprises: one("SELECT count(*) FROM enterprise")?,
        enterprises_synthetic: one("SELECT count(*) FROM enterprise WHERE synthetic = 1")?,
        memberships: one(
            "SELECT coalesce(sum(length(nodes) - length(replace(nodes, ';', '')) + 1), 0) FROM enterprise WHERE nodes IS NOT NULL",
        )?,
        parks: one("SELECT count(*) FROM park WHERE kind = 'park'")?,
        carriers: one("SELECT count(*) FROM park WHERE kind <> 'park'")?,
        hubs: one("SELECT count(*) FROM hub")?,
        projects: one("SELECT count(*) FROM project")?,
        events: one("SELECT count(*) FROM event")?,
        targets: one("SELECT count(*) FROM target")?,
    })
}
