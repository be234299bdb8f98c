//! Enterprise search by name: candidates from the trigram index (or LIKE for short texts), the local rows and the
//! name index, ranked in SQL.

use super::{SqliteStore, LOCAL_ROWS};
use crate::{EnterpriseStore, Result};
use chainscope_model::enterprise::Enterprise;
use rusqlite::params;

/// How many names containing a searched text are ranked, from each of the two sources (see `SqliteStore::search`).
const SEARCH_POOL: usize = 2000;
/// How many names containing a searched text (three characters or more) are read to find the local ones among them.
const SEARCH_LOCAL_SCAN: usize = 20_000;

impl SqliteStore {
    /// [`EnterpriseStore::search_enterprises`].
    pub(super) fn search(&self, query: &str, limit: usize) -> Result<Vec<(i64, Enterprise)>> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // Candidates from three places, then ranked: (a) the first SEARCH_POOL names containing the text; (b) the home
        // city's enterprises containing it, so that a local firm is found however many outside names also match; (c)
        // the names starting with it, through the name index (徐工, 三一: short names are what people type).
        // Ranked: the whole name, then names starting with the text, then local, chain leaders, revenue, employees.
        //
        // From three characters on, the trigram table answers a phrase query from its index (well under 50 ms at a
        // million names); LIKE over both columns would not use it (SQLite passes an OR of LIKEs to no index) and reads
        // every name. One or two characters have no trigram: LIKE reads names until `limit` are found (all of them
        // when fewer match, about a second at a million), and the local ones, up to the pool, through the partial
        // index of local rows (about 0.15 s at a million).
        // `%` and `_` typed by the user are taken literally, in the LIKE patterns by escaping, in a phrase anyway.
        let escaped: String = q.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let like = "LIKE ?1 ESCAPE '\\'";
        let (candidates, first, scan) = if q.chars().count() < 3 {
            (
                format!(
                    "SELECT id FROM (SELECT rowid AS id FROM enterprise_fts WHERE name {like} OR name_en {like} LIMIT ?5) \
                     UNION SELECT id FROM (SELECT id FROM enterprise INDEXED BY enterprise_local \
                       WHERE {LOCAL_ROWS} AND (name {like} OR name_en {like}) LIMIT ?4)"
                ),
                format!("%{escaped}%"),
                limit,
            )
        } else {
            (
                format!(
                    "SELECT id FROM (SELECT rowid AS id FROM enterprise_fts WHERE enterprise_fts MATCH ?1 LIMIT ?4) \
                     UNION SELECT id FROM (SELECT m.id FROM (SELECT rowid AS id FROM enterprise_fts WHERE enterprise_fts MATCH ?1 LIMIT ?5) m \
                       JOIN enterprise e ON e.id = m.id WHERE {LOCAL_ROWS} LIMIT ?4)"
                ),
                format!("\"{}\"", q.replace('"', "\"\"")),
                SEARCH_LOCAL_SCAN,
            )
        };
        let sql = format!(
            "WITH c(id) AS ({candidates} \
               UNION SELECT id FROM (SELECT id FROM enterprise WHERE name >= ?2 AND name < ?7 LIMIT ?4)) \
             SELECT e.id FROM c JOIN enterprise e ON e.id = c.id \
             ORDER BY (e.name = ?2 OR lower(coalesce(e.name_en, '')) = lower(?2)) DESC, \
               (e.name LIKE ?3 ESCAPE '\\' OR e.name_en LIKE ?3 ESCAPE '\\') DESC, \
               {LOCAL_ROWS} DESC, (e.flags & 1) DESC, coalesce(e.revenue, -1) DESC, coalesce(e.employees, -1) DESC, e.id \
             LIMIT ?6"
        );
        let pool = SEARCH_POOL.max(limit) as i64;
        let mut st = self.conn.prepare_cached(&sql)?;
        let ids: Vec<i64> = st
            .query_map(params![first, q, format!("{escaped}%"), pool, scan as i64, limit as i64, format!("{q}\u{10FFFF}")], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.enterprises_by_id(&ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainscope_model::Flags;

    fn firm(i: usize, name: &str, local: bool, revenue: Option<f64>) -> Enterprise {
        Enterprise {
            ext_id: Some(format!("s{i}")),
            country: "CN".into(),
            revenue,
            flags: Flags { local, ..Flags::default() },
            ..Enterprise::new(format!("ext:s{i}"), name.to_string())
        }
    }

    #[test]
    fn search_ranks_the_whole_name_then_its_start_then_local_firms_then_size() {
        let mut st = SqliteStore::open_in_memory().expect("store");
        // One whole name, then more outside names containing 液压 than the pool holds, then names starting with it and
        // the local firms: found only through the name index and the local rows, since the pool fills before them.
        let mut rows = vec![firm(3, "液压", false, None)];
        rows.extend((0..SEARCH_POOL + 300).map(|i| firm(100 + i, &format!("外地{i}液压件有限公司"), false, Some(1000.0 + i as f64))));
        rows.push(firm(1, "液压件有限公司研究院", false, None));
        rows.push(firm(2, "液压件有限公司", false, None));
        rows.push(firm(4, "徐州小型液压件有限公司", true, Some(5.0)));
        rows.push(firm(5, "徐州大型液压件有限公司", true, Some(50_000.0)));
        rows.push(Enterprise { name_en: Some("Xuzhou Hydraulic Works".into()), ..firm(6, "徐州液压厂", false, None) });
        rows.push(firm(7, "100%_液压", false, None));
        st.import_enterprises(&mut rows.into_iter(), &|| true).expect("import");
        let names =
            |q: &str, n: usize| -> Vec<String> { st.search_enterprises(q, n).expect("search").into_iter().map(|(_, e)| e.name).collect() };
        let outside = |i: usize| format!("外地{i}液压件有限公司");
        // Two characters (LIKE): the names read are the first `limit` (液压 and outside 0..=4), the names starting with
        // the text and the local ones.
        assert_eq!(
            names("液压", 6),
            ["液压", "液压件有限公司研究院", "液压件有限公司", "徐州大型液压件有限公司", "徐州小型液压件有限公司", &outside(4)]
        );
        // Three characters and more (the trigram index): the pool is outside 0..=1999; the whole name and the name
        // starting with the text come from the name index, the local firms from the local rows.
        assert_eq!(
            names("液压件有限公司", 5),
            ["液压件有限公司", "液压件有限公司研究院", "徐州大型液压件有限公司", "徐州小型液压件有限公司", &outside(SEARCH_POOL - 1)]
        );
        assert_eq!(names("大型液压件", 5), ["徐州大型液压件有限公司"]);
        // English names, in any case.
        assert_eq!(names("hydraulic WORKS", 5), ["徐州液压厂"]);
        assert_eq!(names("Xuzhou Hydraulic Works", 5), ["徐州液压厂"]);
        // % and _ are literal in both ways; a quote is only a character.
        assert_eq!(names("0%_", 5), ["100%_液压"]);
        assert_eq!(names("%_", 5), ["100%_液压"]);
        assert!(names("\"液压\"", 5).is_empty());
        assert!(names("  ", 5).is_empty() && names("液压", 0).is_empty());
    }

    #[test]
    fn local_rows_are_the_local_flag_and_are_read_through_the_index() {
        let local = Flags { local: true, ..Flags::default() };
        assert_eq!(u32::from(local.bits()), 16, "LOCAL_ROWS tests the bit Flags::local sets");
        assert_eq!(Flags::from_bits(16), local);
        let st = SqliteStore::open_in_memory().expect("store");
        let plan: Vec<String> = st
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN SELECT id FROM enterprise WHERE {LOCAL_ROWS} ORDER BY id"))
            .and_then(|mut q| q.query_map([], |r| r.get::<_, String>(3))?.collect())
            .expect("plan");
        assert!(plan.iter().any(|l| l.contains("enterprise_local")), "{plan:?}");
    }
}
