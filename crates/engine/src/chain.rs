//! Chain strength (强链/补链): for every node of a chain, how the home city stands against a reference area
//! (province, country or world): enterprise count, revenue, employment, location quotients, the local chain leaders
//! on it, its upstream and downstream nodes, and a classification (missing, weak, present, strong) by a fixed,
//! documented rule whose text travels with the answer. Also the neighbour nodes of each local chain leader.
//!
//! Counting conventions (also in `docs/chain-strength.md`):
//! - *local* = the record's local flag ([`LOCAL_BIT`]), the dataset's own notion of "in the home city";
//! - the *reference area* = enterprises whose region lies in the home region's province (or country); a local
//!   enterprise always counts in every reference area, so local ⊆ reference even when a local record lacks a region;
//!   enterprises without a region count only toward the world;
//! - "all" in the LQ denominators = every enterprise in the snapshot in that area, whatever its nodes;
//! - an enterprise on several nodes counts once on each of them.

use crate::snapshot::{AdminLevel, Snapshot, NO_REGION};
use chainscope_model::Position;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Flag bit of a chain-leader enterprise (链主), as in [`chainscope_model::Flags::bits`].
pub const LEADER_BIT: u8 = 1;
/// Flag bit of an enterprise in the home city, as in [`chainscope_model::Flags::bits`].
pub const LOCAL_BIT: u8 = 16;

/// A node with fewer local enterprises than this is weak, whatever its LQ.
pub const MIN_LOCAL_FIRMS: u64 = 3;
/// A node whose count LQ is below this is weak.
pub const WEAK_LQ: f64 = 0.8;
/// A node whose count LQ is at least this, and that has a local chain leader, is strong.
pub const STRONG_LQ: f64 = 1.25;
/// Local chain leaders a strong node needs.
pub const MIN_STRONG_LEADERS: usize = 1;

/// The area the home city is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The home region's province (320300 → 320000).
    Province,
    /// The home region's country (320300 → CN).
    Country,
    /// Every enterprise in the snapshot.
    World,
}

impl Reference {
    pub fn parse(s: &str) -> Result<Self, ChainError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "province" => Ok(Self::Province),
            "country" => Ok(Self::Country),
            "world" => Ok(Self::World),
            _ => Err(ChainError::UnknownReference(s.to_string())),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Country => "country",
            Self::World => "world",
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum ChainError {
    #[error("未知产业链 '{0}' / unknown chain '{0}'")]
    UnknownChain(String),
    #[error("未知的参照范围 '{0}'（应为 province、country 或 world） / unknown reference '{0}' (expected province, country or world)")]
    UnknownReference(String),
    /// The home region (or its province or country) is not in the snapshot's region dictionary: no enterprise
    /// with a region inside it was loaded, so the reference area cannot be delimited.
    #[error(
        "快照中没有本地地区 '{home}' 所在{}的数据 / the {level} of home region '{home}' is not known to the snapshot",
        crate::term_zh(level)
    )]
    ReferenceUnavailable { home: String, level: &'static str },
}

impl ChainError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownChain(_) => "unknown_chain",
            Self::UnknownReference(_) => "unknown_reference",
            Self::ReferenceUnavailable { .. } => "reference_unavailable",
        }
    }
    /// The parameter the error is about.
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::UnknownChain(_) => "chain",
            Self::UnknownReference(_) | Self::ReferenceUnavailable { .. } => "reference",
        }
    }
}

/// A text in both interface languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// Sums over a set of enterprises (money in 万元).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub count: u64,
    pub revenue: f64,
    pub employees: u64,
}

impl Totals {
    fn add(&mut self, s: &Snapshot, r: usize) {
        self.count += 1;
        self.revenue += s.revenue[r] as f64;
        self.employees += s.employees[r] as u64;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// 缺失: no local enterprise.
    Missing,
    /// 薄弱: too few local enterprises, or under-represented against the reference.
    Weak,
    /// 具备: neither weak nor strong.
    Present,
    /// 优势: over-represented and anchored by a local chain leader.
    Strong,
}

impl Strength {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Missing => "缺失",
            Self::Weak => "薄弱",
            Self::Present => "具备",
            Self::Strong => "优势",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Weak => "weak",
            Self::Present => "present",
            Self::Strong => "strong",
        }
    }
}

/// The thresholds and wording of the classification rule, so the interface can show exactly what was applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub min_local_firms: u64,
    pub weak_lq: f64,
    pub strong_lq: f64,
    pub min_strong_leaders: usize,
    pub lq: Text,
    pub text: Text,
}

/// The rule as applied by [`classify`].
pub fn rule() -> Rule {
    Rule {
        min_local_firms: MIN_LOCAL_FIRMS,
        weak_lq: WEAK_LQ,
        strong_lq: STRONG_LQ,
        min_strong_leaders: MIN_STRONG_LEADERS,
        lq: Text {
            zh: "区位商 LQ =（本地该环节企业数 ÷ 本地企业总数）÷（参照区域该环节企业数 ÷ 参照区域企业总数）；\
                 按从业人数另算一个 LQ。LQ > 1 表示本地该环节比参照区域更集中。"
                .into(),
            en: "Location quotient LQ = (local enterprises on the node ÷ all local enterprises) ÷ (reference-area \
                 enterprises on the node ÷ all reference-area enterprises); a second LQ uses employees. LQ > 1 means \
                 the node is more concentrated locally than in the reference area."
                .into(),
        },
        text: Text {
            zh: format!(
                "按顺序判定：本地无企业 → 缺失；本地企业少于 {MIN_LOCAL_FIRMS} 家或 LQ < {WEAK_LQ} → 薄弱；\
                 LQ ≥ {STRONG_LQ} 且至少有 {MIN_STRONG_LEADERS} 家本地链主 → 优势；其余 → 具备。LQ 按企业数计算。"
            ),
            en: format!(
                "In order: no local enterprise → missing; fewer than {MIN_LOCAL_FIRMS} local enterprises or \
                 LQ < {WEAK_LQ} → weak; LQ ≥ {STRONG_LQ} and at least {MIN_STRONG_LEADERS} local chain leader(s) → \
                 strong; otherwise → present. The LQ is the one by enterprise count."
            ),
        },
    }
}

/// Classify a node from its local count, count LQ and number of local leaders, with the reason in both languages.
pub fn classify(local_count: u64, lq: Option<f64>, leaders: usize) -> (Strength, Text) {
    let lq_txt = lq.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into());
    if local_count == 0 {
        return (Strength::Missing, Text { zh: "本地无该环节企业".into(), en: "no local enterprise on the node".into() });
    }
    if local_count < MIN_LOCAL_FIRMS {
        return (
            Strength::Weak,
            Text {
                zh: format!("本地仅 {local_count} 家，少于 {MIN_LOCAL_FIRMS} 家"),
                en: format!("only {local_count} local enterprise(s), fewer than {MIN_LOCAL_FIRMS}"),
            },
        );
    }
    // With at least one local enterprise the LQ is always defined (local ⊆ reference); treat "undefined" as weak.
    let Some(v) = lq else {
        return (Strength::Weak, Text { zh: "区位商无法计算".into(), en: "the location quotient is undefined".into() });
    };
    if v < WEAK_LQ {
        return (
            Strength::Weak,
            Text {
                zh: format!("本地 {local_count} 家，LQ {lq_txt} < {WEAK_LQ}"),
                en: format!("{local_count} local enterprises, LQ {lq_txt} < {WEAK_LQ}"),
            },
        );
    }
    if v >= STRONG_LQ && leaders >= MIN_STRONG_LEADERS {
        return (
            Strength::Strong,
            Text {
                zh: format!("本地 {local_count} 家，LQ {lq_txt} ≥ {STRONG_LQ}，本地链主 {leaders} 家"),
                en: format!("{local_count} local enterprises, LQ {lq_txt} ≥ {STRONG_LQ}, {leaders} local chain leader(s)"),
            },
        );
    }
    let why = if v >= STRONG_LQ {
        Text {
            zh: format!("LQ {lq_txt} ≥ {STRONG_LQ}，但本地无链主"), en: format!("LQ {lq_txt} ≥ {STRONG_LQ} but no local chain leader")
        }
    } else {
        Text {
            zh: format!("LQ {lq_txt} 介于 {WEAK_LQ} 与 {STRONG_LQ} 之间"), en: format!("LQ {lq_txt} between {WEAK_LQ} and {STRONG_LQ}")
        }
    };
    (
        Strength::Present,
        Text { zh: format!("本地 {local_count} 家，{}", why.zh), en: format!("{local_count} local enterprises, {}", why.en) },
    )
}

/// A neighbouring node in the supply graph (possibly on another chain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRef {
    pub node: String,
    pub chain: String,
}

/// One node of the chain, seen from the home city.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeStrength {
    pub node: String,
    pub name_zh: String,
    pub name_en: String,
    pub position: Position,
    pub local: Totals,
    pub reference: Totals,
    /// Enterprises on the node worldwide (equal to `reference` when the reference is the world).
    pub world_count: u64,
    /// LQ by enterprise count; `None` when undefined (no enterprise on the node in the reference area).
    pub lq_count: Option<f64>,
    /// LQ by employees; `None` when a denominator is zero.
    pub lq_employees: Option<f64>,
    /// Row ids of the local chain leaders on the node, ascending.
    pub leaders: Vec<u32>,
    pub class: Strength,
    /// Why this class, in both languages.
    pub reason: Text,
    /// Nodes that supply this node (from the taxonomy's supply edges, any chain), in taxonomy order.
    pub upstream: Vec<NodeRef>,
    /// Nodes this node supplies (any chain), in taxonomy order.
    pub downstream: Vec<NodeRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainStrength {
    pub chain: String,
    pub home_region: String,
    pub reference: Reference,
    /// Code of the reference area; `None` for the world.
    pub reference_region: Option<String>,
    /// All local enterprises (LQ denominator).
    pub local_all: Totals,
    /// All enterprises in the reference area (LQ denominator).
    pub reference_all: Totals,
    /// In the taxonomy's node order.
    pub nodes: Vec<NodeStrength>,
    pub rule: Rule,
}

/// Decides which rows are local and which lie in the reference area.
struct Area {
    /// (level, dictionary index of the reference area) or `None` for the world.
    target: Option<(AdminLevel, u32)>,
}

impl Area {
    fn new(s: &Snapshot, reference: Reference) -> Result<(Self, Option<String>), ChainError> {
        let level = match reference {
            Reference::World => return Ok((Self { target: None }, None)),
            Reference::Province => AdminLevel::Province,
            Reference::Country => AdminLevel::Country,
        };
        let unavailable = || ChainError::ReferenceUnavailable { home: s.home_region.clone(), level: reference.as_str() };
        let home = s.regions.get(&s.home_region).ok_or_else(unavailable)?;
        let idx = s.regions.at(home, level).ok_or_else(unavailable)?;
        Ok((Self { target: Some((level, idx)) }, Some(s.regions.codes[idx as usize].clone())))
    }

    #[inline]
    fn is_local(s: &Snapshot, r: usize) -> bool {
        s.flags[r] & LOCAL_BIT != 0
    }

    #[inline]
    fn in_reference(&self, s: &Snapshot, r: usize) -> bool {
        let Some((level, want)) = self.target else { return true };
        if Self::is_local(s, r) {
            return true;
        }
        let reg = s.region[r];
        reg != NO_REGION && s.regions.at(reg, level) == Some(want)
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// LQ = (local_node / local_all) / (ref_node / ref_all), `None` when any share is undefined or the reference share
/// is zero.
pub fn location_quotient(local_node: f64, local_all: f64, ref_node: f64, ref_all: f64) -> Option<f64> {
    let local_share = ratio(local_node, local_all)?;
    let ref_share = ratio(ref_node, ref_all)?;
    ratio(local_share, ref_share)
}

/// Upstream (suppliers) and downstream (customers) of every node, by node index, each in taxonomy order.
fn supply_graph(s: &Snapshot) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let t = &s.taxonomy;
    let mut up = vec![Vec::new(); t.nodes.len()];
    let mut down = vec![Vec::new(); t.nodes.len()];
    for (i, n) in t.nodes.iter().enumerate() {
        for c in &n.supplies {
            if let Some(j) = t.node_idx(c) {
                if !down[i].contains(&j) {
                    down[i].push(j);
                }
                if !up[j].contains(&i) {
                    up[j].push(i);
                }
            }
        }
    }
    for v in up.iter_mut().chain(down.iter_mut()) {
        v.sort_unstable();
    }
    (up, down)
}

fn node_ref(s: &Snapshot, i: usize) -> NodeRef {
    let n = &s.taxonomy.nodes[i];
    NodeRef { node: n.id.clone(), chain: n.chain.clone() }
}

fn chain_nodes(s: &Snapshot, chain_id: &str) -> Result<Vec<usize>, ChainError> {
    let t = &s.taxonomy;
    t.chain(chain_id).ok_or_else(|| ChainError::UnknownChain(chain_id.to_string()))?;
    Ok(t.nodes.iter().enumerate().filter(|(_, n)| n.chain == chain_id).map(|(i, _)| i).collect())
}

/// Strength of every node of `chain_id` in the home city against `reference`.
pub fn chain_strength(s: &Snapshot, chain_id: &str, reference: Reference) -> Result<ChainStrength, ChainError> {
    let nodes = chain_nodes(s, chain_id)?;
    let (area, reference_region) = Area::new(s, reference)?;
    let mut local_all = Totals::default();
    let mut reference_all = Totals::default();
    for r in 0..s.len {
        if Area::is_local(s, r) {
            local_all.add(s, r);
        }
        if area.in_reference(s, r) {
            reference_all.add(s, r);
        }
    }
    let (up, down) = supply_graph(s);
    let mut out = Vec::with_capacity(nodes.len());
    for i in nodes {
        let n = &s.taxonomy.nodes[i];
        let rows = &s.node_rows[i];
        let mut local = Totals::default();
        let mut refr = Totals::default();
        let mut leaders = Vec::new();
        for &r in rows {
            let r = r as usize;
            if Area::is_local(s, r) {
                local.add(s, r);
                if s.flags[r] & LEADER_BIT != 0 {
                    leaders.push(r as u32);
                }
            }
            if area.in_reference(s, r) {
                refr.add(s, r);
            }
        }
        let lq_count = location_quotient(local.count as f64, local_all.count as f64, refr.count as f64, reference_all.count as f64);
        let lq_employees =
            location_quotient(local.employees as f64, local_all.employees as f64, refr.employees as f64, reference_all.employees as f64);
        let (class, reason) = classify(local.count, lq_count, leaders.len());
        out.push(NodeStrength {
            node: n.id.clone(),
            name_zh: n.name_zh.clone(),
            name_en: n.name_en.clone(),
            position: n.position,
            local,
            reference: refr,
            world_count: rows.len() as u64,
            lq_count,
            lq_employees,
            leaders,
            class,
            reason,
            upstream: up[i].iter().map(|&j| node_ref(s, j)).collect(),
            downstream: down[i].iter().map(|&j| node_ref(s, j)).collect(),
        });
    }
    Ok(ChainStrength {
        chain: chain_id.to_string(),
        home_region: s.home_region.clone(),
        reference,
        reference_region,
        local_all,
        reference_all,
        nodes: out,
        rule: rule(),
    })
}

/// A neighbour node of a leader with its enterprises (the leader itself not counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeighbourNode {
    pub node: String,
    pub chain: String,
    /// Enterprises on the node anywhere.
    pub count: u64,
    /// Of which local.
    pub local: u64,
}

/// The supply-graph neighbourhood of one local chain leader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaderNeighbours {
    /// Row id of the leader (drill-down fetches the record).
    pub row: u32,
    /// The nodes of the chain the leader is on.
    pub nodes: Vec<String>,
    /// Nodes that supply any of its nodes (any chain), in taxonomy order.
    pub upstream: Vec<NeighbourNode>,
    /// Nodes that any of its nodes supply (any chain), in taxonomy order.
    pub downstream: Vec<NeighbourNode>,
    /// Distinct enterprises on the upstream nodes (one on two nodes counts once), and how many are local.
    pub upstream_enterprises: u64,
    pub upstream_local: u64,
    pub downstream_enterprises: u64,
    pub downstream_local: u64,
}

/// For each local chain leader on `chain_id` (ascending row id): the nodes upstream and downstream of the nodes it
/// is on, with their enterprise counts worldwide and locally. A neighbour node may be one of the leader's own nodes
/// (a node can supply another node the same leader is on); the leader itself is never counted as its own neighbour.
pub fn leader_neighbours(s: &Snapshot, chain_id: &str) -> Result<Vec<LeaderNeighbours>, ChainError> {
    let nodes = chain_nodes(s, chain_id)?;
    // Leader row → the chain nodes it is on.
    let mut leaders: Vec<(u32, usize)> = Vec::new();
    for &i in &nodes {
        for &r in &s.node_rows[i] {
            let f = s.flags[r as usize];
            if f & LEADER_BIT != 0 && f & LOCAL_BIT != 0 {
                leaders.push((r, i));
            }
        }
    }
    leaders.sort_unstable();
    let (up, down) = supply_graph(s);
    let mut out: Vec<LeaderNeighbours> = Vec::new();
    let mut k = 0;
    while k < leaders.len() {
        let row = leaders[k].0;
        let mut own = Vec::new();
        while k < leaders.len() && leaders[k].0 == row {
            own.push(leaders[k].1);
            k += 1;
        }
        let side = |graph: &Vec<Vec<usize>>| {
            let mut ns: Vec<usize> = own.iter().flat_map(|&i| graph[i].iter().copied()).collect();
            ns.sort_unstable();
            ns.dedup();
            let mut all_rows: Vec<u32> = Vec::new();
            let list = ns
                .iter()
                .map(|&j| {
                    let (mut count, mut local) = (0, 0);
                    for &r in s.node_rows[j].iter().filter(|&&r| r != row) {
                        count += 1;
                        local += u64::from(s.flags[r as usize] & LOCAL_BIT != 0);
                        all_rows.push(r);
                    }
                    let n = node_ref(s, j);
                    NeighbourNode { node: n.node, chain: n.chain, count, local }
                })
                .collect::<Vec<_>>();
            all_rows.sort_unstable();
            all_rows.dedup();
            let local = all_rows.iter().filter(|&&r| s.flags[r as usize] & LOCAL_BIT != 0).count() as u64;
            (list, all_rows.len() as u64, local)
        };
        let (upstream, upstream_enterprises, upstream_local) = side(&up);
        let (downstream, downstream_enterprises, downstream_local) = side(&down);
        out.push(LeaderNeighbours {
            row,
            nodes: own.iter().map(|&i| s.taxonomy.nodes[i].id.clone()).collect(),
            upstream,
            downstream,
            upstream_enterprises,
            upstream_local,
            downstream_enterprises,
            downstream_local,
        });
    }
    Ok(out)
}
