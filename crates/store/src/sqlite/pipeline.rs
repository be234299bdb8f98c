//! The investment pipeline in SQLite: projects (a row per project, every version in the log), events, targets.

use super::{next_version, now, SqliteStore};
use crate::{Change, PipelineStore, ProjectChange, Result, StoreError, WriteCounts};
use chainscope_model::{Event, Project, Target, TargetScope};
use rusqlite::{params, OptionalExtension};

/// Write a project row and log the version it produced, inside the caller's transaction.
fn write_project(tx: &rusqlite::Transaction<'_>, p: &Project, at: &str, actor: &str, action: &str, summary: &str) -> Result<()> {
    let doc = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT OR REPLACE INTO project (id, doc, region_code, cluster, stage, event_id, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![p.id, doc, p.region_code, p.cluster, p.stage.as_str(), p.event_id, p.version],
    )?;
    tx.execute(
        "INSERT INTO project_log (project_id, version, at, actor, action, summary, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![p.id, p.version, at, actor, action, summary, doc],
    )?;
    Ok(())
}

impl PipelineStore for SqliteStore {
    fn upsert_projects(&mut self, projects: &[Project]) -> Result<WriteCounts> {
        // An import carries the pipeline fields a spreadsheet can hold. What it cannot (checklist, documents, next
        // steps) is kept from the stored record; the version is bumped and the new version logged, so an import
        // never silently replaces an edit: the edited version stays in the log.
        let tx = self.write_tx()?;
        let mut counts = WriteCounts::default();
        let at = now();
        {
            let mut get = tx.prepare("SELECT doc, version FROM project WHERE id = ?1")?;
            for p in projects {
                let old: Option<(String, i64)> = get.query_row([&p.id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
                let mut p = p.clone();
                let version = match &old {
                    Some((doc, v)) => {
                        let stored: Project = serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        if p.checklist.is_empty() {
                            p.checklist = stored.checklist.clone();
                        }
                        if p.documents.is_empty() {
                            p.documents = stored.documents.clone();
                        }
                        if p.next_steps.is_empty() {
                            p.next_steps = stored.next_steps.clone();
                        }
                        // A spreadsheet holds moves as stage@date; keep who moved and why when the moves are the same.
                        let same_moves = p.history.len() == stored.history.len()
                            && p.history.iter().zip(&stored.history).all(|(a, b)| a.stage == b.stage && a.date == b.date);
                        if same_moves {
                            p.history = stored.history.clone();
                        }
                        if p.start_deadline.is_none() {
                            p.start_deadline = stored.start_deadline;
                        }
                        p.version = stored.version;
                        if p == stored {
                            counts.unchanged += 1;
                            continue;
                        }
                        counts.updated += 1;
                        v + 1
                    }
                    None => {
                        counts.inserted += 1;
                        1
                    }
                };
                p.version = version;
                write_project(&tx, &p, &at, "import", "import", "")?;
            }
        }
        tx.commit()?;
        Ok(counts)
    }
    fn project(&self, id: &str) -> Result<Option<Project>> {
        let doc: Option<String> = self.conn.query_row("SELECT doc FROM project WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
    fn save_project(&mut self, p: &Project, expected: Option<i64>, change: &Change) -> Result<Project> {
        let tx = self.write_tx()?;
        let version = next_version(&tx, "project", &p.id, expected)?;
        let mut saved = p.clone();
        saved.version = version;
        write_project(&tx, &saved, &now(), &change.actor, &change.action, &change.summary)?;
        tx.commit()?;
        Ok(saved)
    }
    fn project_log(&self, id: &str) -> Result<Vec<ProjectChange>> {
        let mut st =
            self.conn.prepare("SELECT version, at, actor, action, summary FROM project_log WHERE project_id = ?1 ORDER BY version, id")?;
        let rows = st.query_map([id], |r| {
            Ok(ProjectChange { version: r.get(0)?, at: r.get(1)?, actor: r.get(2)?, action: r.get(3)?, summary: r.get(4)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
    fn project_version(&self, id: &str, version: i64) -> Result<Option<Project>> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM project_log WHERE project_id = ?1 AND version = ?2 ORDER BY id DESC LIMIT 1",
                params![id, version],
                |r| r.get(0),
            )
            .optional()?;
        doc.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
    fn projects(&self) -> Result<Vec<Project>> {
        self.docs("project", "id")
    }
    fn upsert_events(&mut self, events: &[Event]) -> Result<WriteCounts> {
        self.upsert_docs("event", events, |e| e.id.clone(), |_| vec![], &[])
    }
    fn events(&self) -> Result<Vec<Event>> {
        self.docs("event", "id")
    }
    fn edit_targets(&mut self, targets: &[Target], remove: &[Target]) -> Result<(WriteCounts, u64)> {
        let tx = self.write_tx()?;
        let mut counts = WriteCounts::default();
        let mut removed = 0u64;
        {
            let mut del = tx.prepare("DELETE FROM target WHERE year = ?1 AND scope = ?2 AND key = ?3 AND metric = ?4")?;
            for t in remove {
                removed += del.execute(params![t.year, t.scope.as_str(), t.key, t.metric])? as u64;
            }
            let mut get = tx.prepare("SELECT value FROM target WHERE year = ?1 AND scope = ?2 AND key = ?3 AND metric = ?4")?;
            let mut put = tx.prepare("INSERT OR REPLACE INTO target (year, scope, key, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for t in targets {
                let old: Option<f64> = get.query_row(params![t.year, t.scope.as_str(), t.key, t.metric], |r| r.get(0)).optional()?;
                match old {
                    Some(v) if v == t.value => counts.unchanged += 1,
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                put.execute(params![t.year, t.scope.as_str(), t.key, t.metric, t.value])?;
            }
        }
        tx.commit()?;
        Ok((counts, removed))
    }
    fn targets(&self) -> Result<Vec<Target>> {
        let mut st = self.conn.prepare("SELECT year, scope, key, metric, value FROM target ORDER BY year, scope, key, metric")?;
        let rows = st.query_map([], |r| {
            Ok(Target {
                year: r.get(0)?,
                scope: TargetScope::parse(&r.get::<_, String>(1)?).unwrap_or(TargetScope::City),
                key: r.get(2)?,
                metric: r.get(3)?,
                value: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
