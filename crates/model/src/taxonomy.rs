//! The cluster taxonomy (e.g. Xuzhou's "343"): tier → cluster → chain → node, supply edges between nodes, and the
//! rules that tag an enterprise to nodes. It is data, loaded from a TOML file the user can edit.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Upstream,
    Midstream,
    Downstream,
    Service,
}

impl Position {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Upstream => "上游",
            Self::Midstream => "中游",
            Self::Downstream => "下游",
            Self::Service => "服务",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TaxonomyMeta {
    pub id: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub classification: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tier {
    pub id: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub color: String,
    #[serde(default)]
    pub order: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub tier: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub lead_department: String,
    #[serde(default)]
    pub lead_department_en: String,
    #[serde(default)]
    pub order: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chain {
    pub id: String,
    pub cluster: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub chain: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    pub position: Position,
    #[serde(default)]
    pub layer: u32,
    /// GB/T 4754-2017 codes (prefix match, 2–4 digits).
    #[serde(default)]
    pub codes: Vec<String>,
    /// GB/T 4754-2011 codes where they differ from 2017; empty means "same as `codes`".
    #[serde(default)]
    pub codes_2011: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub exclude_keywords: Vec<String>,
    /// Supply edges: this node → customer nodes.
    #[serde(default)]
    pub supplies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TaxonomyFile {
    #[serde(default)]
    meta: TaxonomyMeta,
    #[serde(default, rename = "tier")]
    tiers: Vec<Tier>,
    #[serde(default, rename = "cluster")]
    clusters: Vec<Cluster>,
    #[serde(default, rename = "chain")]
    chains: Vec<Chain>,
    #[serde(default, rename = "node")]
    nodes: Vec<Node>,
}

#[derive(Debug, Error)]
pub enum TaxonomyError {
    #[error("产业链分类文件不是有效的 TOML：{0} / taxonomy file is not valid TOML: {0}")]
    Parse(String),
    #[error("{} ID '{id}' 重复 / duplicate {kind} id '{id}'", crate::error::term_zh(kind))]
    Duplicate { kind: &'static str, id: String },
    #[error("{kind_zh} '{id}' 引用了未知的{target_zh} '{target_id}' / {kind} '{id}' refers to unknown {target} '{target_id}'", kind_zh = crate::error::term_zh(kind), target_zh = crate::error::term_zh(target))]
    Dangling { kind: &'static str, id: String, target: &'static str, target_id: String },
    #[error("节点 '{0}'：行业代码 '{1}' 不是 2 到 4 位数字 / node '{0}': industry code '{1}' is not 2 to 4 digits")]
    Code(String, String),
}

impl TaxonomyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Parse(_) => "taxonomy_parse",
            Self::Duplicate { .. } => "taxonomy_duplicate_id",
            Self::Dangling { .. } => "taxonomy_dangling_ref",
            Self::Code(..) => "taxonomy_bad_code",
        }
    }
}

/// GB/T 4754 edition an industry code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClassVersion {
    #[serde(rename = "2011")]
    V2011,
    #[serde(rename = "2017")]
    V2017,
}

impl ClassVersion {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "" | "2017" | "GB/T 4754-2017" => Ok(Self::V2017),
            "2011" | "GB/T 4754-2011" => Ok(Self::V2011),
            other => Err(ValidationError::UnknownValue(other.to_string())),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2011 => "2011",
            Self::V2017 => "2017",
        }
    }
}

/// Normalise a GB/T 4754 code: drop the section letter and spaces, drop trailing zero padding of a
/// 4-digit code that only pads a 2- or 3-digit class ("C3500" → "35"). Returns 2–4 digits.
pub fn normalize_industry_code(raw: &str) -> Result<String, ValidationError> {
    let t = raw.trim();
    let t = &t[..t.find(char::is_whitespace).unwrap_or(t.len())];
    let digits = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.len() < 2 || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::IndustryCode(raw.trim().to_string()));
    }
    let mut d = digits.to_string();
    if d.len() == 4 && d.ends_with("00") {
        d.truncate(2);
    } else if d.len() == 4 && d.ends_with('0') && d.as_bytes()[2] != b'0' {
        // "3510" is a real 小类 in some branches, but "3450"-style padding is rare; keep as is.
    }
    Ok(d)
}

/// How a membership was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipSource {
    CodeRule,
    KeywordRule,
    Manual,
}

impl MembershipSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CodeRule => "code_rule",
            Self::KeywordRule => "keyword_rule",
            Self::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "code_rule" => Some(Self::CodeRule),
            "keyword_rule" => Some(Self::KeywordRule),
            "manual" => Some(Self::Manual),
            _ => None,
        }
    }
}

/// An enterprise's place on a chain node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub node: String,
    pub source: MembershipSource,
    pub confidence: f32,
}

/// The smallest confidence a rule must reach for a membership to be kept.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// The loaded, validated taxonomy with its indexes and compiled tagging rules.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub meta: TaxonomyMeta,
    pub tiers: Vec<Tier>,
    pub clusters: Vec<Cluster>,
    pub chains: Vec<Chain>,
    pub nodes: Vec<Node>,
    node_index: HashMap<String, usize>,
    cluster_index: HashMap<String, usize>,
    chain_index: HashMap<String, usize>,
    tier_index: HashMap<String, usize>,
    code_rules_2017: HashMap<String, Vec<usize>>,
    code_rules_2011: HashMap<String, Vec<usize>>,
    keywords: Option<aho_corasick::AhoCorasick>,
    /// For each keyword pattern: (node index, is_exclusion).
    keyword_owner: Vec<(usize, bool)>,
}

/// Text fields that keyword rules look at, with the confidence a hit in each gives.
pub struct TagInput<'a> {
    pub name: &'a str,
    pub products: &'a str,
    pub scope: &'a str,
    pub industry_code: Option<&'a str>,
    pub version: ClassVersion,
}

impl Taxonomy {
    pub fn from_toml(text: &str) -> Result<Self, TaxonomyError> {
        let file: TaxonomyFile = toml::from_str(text).map_err(|e| TaxonomyError::Parse(e.to_string()))?;
        Self::build(file.meta, file.tiers, file.clusters, file.chains, file.nodes)
    }

    pub fn build(
        meta: TaxonomyMeta,
        tiers: Vec<Tier>,
        clusters: Vec<Cluster>,
        chains: Vec<Chain>,
        nodes: Vec<Node>,
    ) -> Result<Self, TaxonomyError> {
        fn index<T>(items: &[T], kind: &'static str, id: impl Fn(&T) -> &str) -> Result<HashMap<String, usize>, TaxonomyError> {
            let mut m = HashMap::new();
            for (i, it) in items.iter().enumerate() {
                if m.insert(id(it).to_string(), i).is_some() {
                    return Err(TaxonomyError::Duplicate { kind, id: id(it).to_string() });
                }
            }
            Ok(m)
        }
        let tier_index = index(&tiers, "tier", |t| &t.id)?;
        let cluster_index = index(&clusters, "cluster", |c| &c.id)?;
        let chain_index = index(&chains, "chain", |c| &c.id)?;
        let node_index = index(&nodes, "node", |n| &n.id)?;
        let dangling = |kind, id: &str, target, target_id: &str| TaxonomyError::Dangling {
            kind,
            id: id.to_string(),
            target,
            target_id: target_id.to_string(),
        };
        for c in &clusters {
            if !tier_index.contains_key(&c.tier) {
                return Err(dangling("cluster", &c.id, "tier", &c.tier));
            }
        }
        for c in &chains {
            if !cluster_index.contains_key(&c.cluster) {
                return Err(dangling("chain", &c.id, "cluster", &c.cluster));
            }
        }
        let mut code_rules_2017: HashMap<String, Vec<usize>> = HashMap::new();
        let mut code_rules_2011: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_owner = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if !chain_index.contains_key(&n.chain) {
                return Err(dangling("node", &n.id, "chain", &n.chain));
            }
            for s in &n.supplies {
                if !node_index.contains_key(s) {
                    return Err(dangling("node", &n.id, "node", s));
                }
            }
            let norm = |c: &String| normalize_industry_code(c).map_err(|_| TaxonomyError::Code(n.id.clone(), c.clone()));
            for c in &n.codes {
                code_rules_2017.entry(norm(c)?).or_default().push(i);
            }
            let old = if n.codes_2011.is_empty() { &n.codes } else { &n.codes_2011 };
            for c in old {
                code_rules_2011.entry(norm(c)?).or_default().push(i);
            }
            for k in &n.keywords {
                if !k.trim().is_empty() {
                    patterns.push(k.trim().to_lowercase());
                    keyword_owner.push((i, false));
                }
            }
            for k in &n.exclude_keywords {
                if !k.trim().is_empty() {
                    patterns.push(k.trim().to_lowercase());
                    keyword_owner.push((i, true));
                }
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&patterns)
                    .map_err(|e| TaxonomyError::Parse(e.to_string()))?,
            )
        };
        Ok(Self {
            meta,
            tiers,
            clusters,
            chains,
            nodes,
            node_index,
            cluster_index,
            chain_index,
            tier_index,
            code_rules_2017,
            code_rules_2011,
            keywords,
            keyword_owner,
        })
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index.get(id).map(|&i| &self.nodes[i])
    }
    pub fn node_idx(&self, id: &str) -> Option<usize> {
        self.node_index.get(id).copied()
    }
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.cluster_index.get(id).map(|&i| &self.clusters[i])
    }
    pub fn chain(&self, id: &str) -> Option<&Chain> {
        self.chain_index.get(id).map(|&i| &self.chains[i])
    }
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tier_index.get(id).map(|&i| &self.tiers[i])
    }
    /// Cluster a node belongs to.
    pub fn cluster_of_node(&self, node: &str) -> Option<&Cluster> {
        self.node(node).and_then(|n| self.chain(&n.chain)).and_then(|c| self.cluster(&c.cluster))
    }
    /// Tier of a cluster.
    pub fn tier_of_cluster(&self, cluster: &str) -> Option<&Tier> {
        self.cluster(cluster).and_then(|c| self.tier(&c.tier))
    }
    pub fn nodes_of_chain<'a>(&'a self, chain: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.chain == chain)
    }
    pub fn chains_of_cluster<'a>(&'a self, cluster: &'a str) -> impl Iterator<Item = &'a Chain> + 'a {
        self.chains.iter().filter(move |c| c.cluster == cluster)
    }
    /// Nodes that supply `node` (its upstream neighbours).
    pub fn suppliers_of<'a>(&'a self, node: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.supplies.iter().any(|s| s == node))
    }

    /// Problems that do not stop loading but that a curator should fix: chains whose nodes are not all
    /// connected, chains with fewer than `min_nodes` nodes.
    pub fn lint(&self, min_nodes: usize) -> Vec<String> {
        let mut out = Vec::new();
        for chain in &self.chains {
            let ids: Vec<&str> = self.nodes_of_chain(&chain.id).map(|n| n.id.as_str()).collect();
            if ids.len() < min_nodes {
                out.push(format!("chain '{}' has {} nodes (< {min_nodes})", chain.id, ids.len()));
            }
            if ids.is_empty() {
                continue;
            }
            let set: HashSet<&str> = ids.iter().copied().collect();
            let mut adj: HashMap<&str, Vec<&str>> = HashMap::new();
            for n in self.nodes_of_chain(&chain.id) {
                for s in &n.supplies {
                    if set.contains(s.as_str()) {
                        adj.entry(n.id.as_str()).or_default().push(s.as_str());
                        adj.entry(s.as_str()).or_default().push(n.id.as_str());
                    }
                }
            }
            let mut seen = HashSet::from([ids[0]]);
            let mut queue = VecDeque::from([ids[0]]);
            while let Some(cur) = queue.pop_front() {
                for &nb in adj.get(cur).map(Vec::as_slice).unwrap_or(&[]) {
                    if seen.insert(nb) {
                        queue.push_back(nb);
                    }
                }
            }
            for id in ids {
                if !seen.contains(id) {
                    out.push(format!("chain '{}': node '{id}' is not connected to the rest of the chain", chain.id));
                }
            }
        }
        for c in &self.clusters {
            if self.chains_of_cluster(&c.id).next().is_none() {
                out.push(format!("cluster '{}' has no chain", c.id));
            }
        }
        out
    }

    /// Tag an enterprise to chain nodes by the code and keyword rules. Manual memberships are added by the caller.
    pub fn tag(&self, input: &TagInput<'_>) -> Vec<Membership> {
        let mut out = Vec::new();
        self.tag_into(input, &mut |node, source, confidence| out.push(Membership { node: node.to_string(), source, confidence }));
        out
    }

    /// [`Taxonomy::tag`] without building the list: `emit(node id, source, confidence)` is called for each
    /// membership, in the same order, and nothing is allocated for short texts with few hits.
    pub fn tag_into(&self, input: &TagInput<'_>, emit: &mut dyn FnMut(&str, MembershipSource, f32)) {
        let mut best: SmallBuf<(usize, f32, MembershipSource), 16> = SmallBuf::new((0, 0.0, MembershipSource::CodeRule));
        let bump = |best: &mut SmallBuf<(usize, f32, MembershipSource), 16>, node: usize, conf: f32, src| {
            if let Some(e) = best.as_mut_slice().iter_mut().find(|e| e.0 == node) {
                if conf > e.1 {
                    e.1 = conf;
                    e.2 = src;
                }
            } else {
                best.push((node, conf, src));
            }
        };
        if let Some(code) = input.industry_code {
            let rules = match input.version {
                ClassVersion::V2017 => &self.code_rules_2017,
                ClassVersion::V2011 => &self.code_rules_2011,
            };
            for len in (2..=code.len().min(4)).rev() {
                if let Some(nodes) = code.get(..len).and_then(|c| rules.get(c)) {
                    let conf = match len {
                        4 => 0.9,
                        3 => 0.7,
                        _ => 0.5,
                    };
                    for &n in nodes {
                        bump(&mut best, n, conf, MembershipSource::CodeRule);
                    }
                }
            }
        }
        if let Some(ac) = &self.keywords {
            let mut lower_buf = [0u8; 256];
            for (text, conf) in [(input.name, 0.8f32), (input.products, 0.7), (input.scope, 0.5)] {
                if text.is_empty() {
                    continue;
                }
                let lowered_long;
                // Patterns are lower case; ASCII text is lowered to match (other text is searched as is).
                let hay: &[u8] = if text.is_ascii() && text.bytes().any(|b| b.is_ascii_uppercase()) {
                    if text.len() <= lower_buf.len() {
                        let buf = &mut lower_buf[..text.len()];
                        buf.copy_from_slice(text.as_bytes());
                        buf.make_ascii_lowercase();
                        buf
                    } else {
                        lowered_long = text.to_ascii_lowercase();
                        lowered_long.as_bytes()
                    }
                } else {
                    text.as_bytes()
                };
                let mut hits: SmallBuf<usize, 16> = SmallBuf::new(0);
                let mut excluded: SmallBuf<usize, 8> = SmallBuf::new(0);
                for m in ac.find_overlapping_iter(hay) {
                    let (node, is_excl) = self.keyword_owner[m.pattern().as_usize()];
                    if is_excl {
                        excluded.push(node);
                    } else {
                        hits.push(node);
                    }
                }
                for &n in hits.as_slice() {
                    if !excluded.as_slice().contains(&n) {
                        bump(&mut best, n, conf, MembershipSource::KeywordRule);
                    }
                }
            }
        }
        let best = best.as_mut_slice();
        best.sort_by_key(|e| e.0);
        for &(n, confidence, source) in best.iter() {
            if confidence >= MIN_CONFIDENCE {
                emit(&self.nodes[n].id, source, confidence);
            }
        }
    }
}

/// A short list kept on the stack, moving to the heap only past `N` items.
struct SmallBuf<T: Copy, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Copy, const N: usize> SmallBuf<T, N> {
    fn new(fill: T) -> Self {
        Self { inline: [fill; N], len: 0, heap: Vec::new() }
    }
    fn push(&mut self, v: T) {
        if self.len < N {
            self.inline[self.len] = v;
            self.len += 1;
        } else {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.inline);
            }
            self.heap.push(v);
        }
    }
    fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
    fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
[meta]
id = "mini"
[[tier]]
id = "advantage"
name_zh = "优势"
[[cluster]]
id = "cm"
tier = "advantage"
name_zh = "工程机械"
[[chain]]
id = "cm"
cluster = "cm"
name_zh = "工程机械链"
[[node]]
id = "cm.hyd"
chain = "cm"
name_zh = "液压件"
position = "upstream"
codes = ["3444"]
keywords = ["液压", "hydraulic"]
exclude_keywords = ["液压机床"]
supplies = ["cm.exc"]
[[node]]
id = "cm.exc"
chain = "cm"
name_zh = "挖掘机"
position = "midstream"
codes = ["3514"]
codes_2011 = ["3513"]
keywords = ["挖掘机"]
"#;

    #[test]
    fn tags_by_code_version_and_keywords() {
        let t = Taxonomy::from_toml(MINI).expect("parses");
        let tag = |name, code: Option<&str>, v| {
            t.tag(&TagInput { name, products: "", scope: "", industry_code: code, version: v })
                .into_iter()
                .map(|m| (m.node, m.source))
                .collect::<Vec<_>>()
        };
        assert_eq!(tag("某某公司", Some("3514"), ClassVersion::V2017), vec![("cm.exc".into(), MembershipSource::CodeRule)]);
        assert_eq!(tag("某某公司", Some("3513"), ClassVersion::V2011), vec![("cm.exc".into(), MembershipSource::CodeRule)]);
        assert!(tag("某某公司", Some("3513"), ClassVersion::V2017).is_empty());
        assert_eq!(tag("徐州液压科技", None, ClassVersion::V2017), vec![("cm.hyd".into(), MembershipSource::KeywordRule)]);
        assert!(tag("徐州液压机床厂", None, ClassVersion::V2017).is_empty());
        assert_eq!(tag("Acme Hydraulic Inc", None, ClassVersion::V2017).len(), 1);
    }

    #[test]
    fn dangling_edge_is_an_error() {
        let bad = MINI.replace("supplies = [\"cm.exc\"]", "supplies = [\"cm.nope\"]");
        let e = Taxonomy::from_toml(&bad).unwrap_err();
        assert_eq!(e.code(), "taxonomy_dangling_ref");
    }

    #[test]
    fn industry_code_normalisation() {
        assert_eq!(normalize_industry_code("C3514").as_deref(), Ok("3514"));
        assert_eq!(normalize_industry_code("3514 建筑工程用机械制造").as_deref(), Ok("3514"));
        assert_eq!(normalize_industry_code("C3500").as_deref(), Ok("35"));
        assert!(normalize_industry_code("machinery").is_err());
    }
}
