//! Taxonomies for tests: a builder that writes the TOML `Taxonomy::from_toml` reads, the small
//! construction-machinery chain many tests start from, and the real 343 taxonomy of the data directory.

use chainscope_model::Taxonomy;
use std::sync::Arc;

/// A taxonomy as the TOML that `Taxonomy::from_toml` reads, written one entry at a time in file order. Extra keys
/// ([`TaxonomyToml::field`], [`TaxonomyToml::list`]) go to the entry written last.
#[derive(Debug, Clone, Default)]
pub struct TaxonomyToml(String);

impl TaxonomyToml {
    /// The `[meta]` table with its `id`.
    pub fn meta(mut self, id: &str) -> Self {
        self.0.push_str("[meta]\n");
        self.field("id", id)
    }

    pub fn tier(self, id: &str, name_zh: &str) -> Self {
        self.entry("tier", &[("id", id), ("name_zh", name_zh)])
    }

    pub fn cluster(self, id: &str, tier: &str, name_zh: &str) -> Self {
        self.entry("cluster", &[("id", id), ("tier", tier), ("name_zh", name_zh)])
    }

    pub fn chain(self, id: &str, cluster: &str, name_zh: &str) -> Self {
        self.entry("chain", &[("id", id), ("cluster", cluster), ("name_zh", name_zh)])
    }

    /// A node at `position` (upstream, midstream, downstream, service) supplying `supplies` (no `supplies` key when
    /// empty).
    pub fn node(self, id: &str, chain: &str, name_zh: &str, position: &str, supplies: &[&str]) -> Self {
        let t = self.entry("node", &[("id", id), ("chain", chain), ("name_zh", name_zh), ("position", position)]);
        if supplies.is_empty() {
            t
        } else {
            t.list("supplies", supplies)
        }
    }

    /// A text key of the entry written last, such as `name_en`.
    pub fn field(mut self, key: &str, value: &str) -> Self {
        self.0.push_str(&format!("{key} = {}\n", quoted(value)));
        self
    }

    /// A list key of the entry written last, such as `codes` or `keywords`.
    pub fn list(mut self, key: &str, values: &[&str]) -> Self {
        let items: Vec<String> = values.iter().map(|v| quoted(v)).collect();
        self.0.push_str(&format!("{key} = [{}]\n", items.join(", ")));
        self
    }

    fn entry(mut self, table: &str, fields: &[(&str, &str)]) -> Self {
        self.0.push_str(&format!("[[{table}]]\n"));
        for (key, value) in fields {
            self = self.field(key, value);
        }
        self
    }

    /// The TOML written so far.
    pub fn toml(&self) -> &str {
        &self.0
    }

    /// The taxonomy, which must be valid.
    pub fn taxonomy(&self) -> Taxonomy {
        Taxonomy::from_toml(&self.0).unwrap_or_else(|e| panic!("test taxonomy: {e}\n{}", self.0))
    }

    /// The taxonomy, shared, as snapshots take it.
    pub fn build(&self) -> Arc<Taxonomy> {
        Arc::new(self.taxonomy())
    }
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The smallest useful chain: the advantage tier's construction-machinery cluster and chain (all id `cm`), with
/// hydraulics (`cm.hyd`, upstream) supplying excavators (`cm.exc`, midstream). Tests add what their world needs.
pub fn machinery() -> TaxonomyToml {
    TaxonomyToml::default()
        .tier("advantage", "优势")
        .cluster("cm", "advantage", "工程机械")
        .chain("cm", "cm", "工程机械链")
        .node("cm.hyd", "cm", "液压", "upstream", &["cm.exc"])
        .node("cm.exc", "cm", "挖掘机", "midstream", &[])
}

/// The real 343 taxonomy of `data/xuzhou-343`: advantage, emerging and characteristic tiers.
pub fn xuzhou_343() -> Taxonomy {
    Taxonomy::from_toml(include_str!("../../../data/xuzhou-343/taxonomy.toml")).expect("the 343 taxonomy")
}
