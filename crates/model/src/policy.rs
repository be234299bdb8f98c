//! Enterprise-support policies (惠企政策) with machine-readable eligibility, for matching policies to enterprises and
//! for 免申即享 (benefits granted without an application). Loaded from a TOML list the user can edit.

use crate::enterprise::SizeBand;
use crate::error::ValidationError;
use crate::taxonomy::{normalize_industry_code, Taxonomy};
use crate::values::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use thiserror::Error;

/// An enterprise flag a policy can require (see [`crate::Flags`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredFlag {
    /// 专精特新
    Srdi,
    /// 高新技术企业
    HighTech,
    /// 上市企业
    Listed,
    /// 链主企业
    ChainLeader,
}

impl RequiredFlag {
    pub const ALL: [RequiredFlag; 4] = [Self::Srdi, Self::HighTech, Self::Listed, Self::ChainLeader];
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "srdi" | "专精特新" => Self::Srdi,
            "high_tech" | "高新技术企业" => Self::HighTech,
            "listed" | "上市" | "上市企业" => Self::Listed,
            "chain_leader" | "链主" | "链主企业" => Self::ChainLeader,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Srdi => "srdi",
            Self::HighTech => "high_tech",
            Self::Listed => "listed",
            Self::ChainLeader => "chain_leader",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Srdi => "专精特新企业",
            Self::HighTech => "高新技术企业",
            Self::Listed => "上市企业",
            Self::ChainLeader => "链主企业",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Srdi => "SRDI (专精特新) enterprise",
            Self::HighTech => "high-tech enterprise",
            Self::Listed => "listed company",
            Self::ChainLeader => "chain leader",
        }
    }
    /// Whether the enterprise carries the flag.
    pub fn is_set(self, flags: &crate::Flags) -> bool {
        match self {
            Self::Srdi => flags.srdi,
            Self::HighTech => flags.high_tech,
            Self::Listed => flags.listed,
            Self::ChainLeader => flags.chain_leader,
        }
    }
}

/// Parse a size band name (`micro`, `small`, `medium`, `large`, or 微型/小型/中型/大型); `unknown` is not a criterion.
pub fn parse_size_band(s: &str) -> Result<SizeBand, ValidationError> {
    Ok(match s.trim() {
        "micro" | "微型" => SizeBand::Micro,
        "small" | "小型" => SizeBand::Small,
        "medium" | "中型" => SizeBand::Medium,
        "large" | "大型" => SizeBand::Large,
        other => return Err(ValidationError::UnknownValue(other.to_string())),
    })
}

/// Who a policy is for. Every list is "any of"; an empty list or `None` means no restriction. All criteria given
/// must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Cluster ids: the enterprise is on a node of any of them. Together with `nodes` one criterion: any listed
    /// cluster or any listed node qualifies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
    /// Chain node ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
    /// GB/T 4754-2017 prefixes, normalised: a 门类 letter (`C`), or 2–4 digits (`35`, `351`, `3514`); `C3514` is
    /// stored as `3514`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub industry_codes: Vec<String>,
    /// Size bands by employees ([`crate::Enterprise::size_band`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub size_bands: Vec<SizeBand>,
    /// Region codes: the enterprise's region is one of them or lies within one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Flags the enterprise must all carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<RequiredFlag>,
    /// Founded on or after this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded_after: Option<NaiveDate>,
    /// Founded strictly before this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded_before: Option<NaiveDate>,
    /// At least this many employees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_employees: Option<u32>,
    /// At least this revenue, 万元 (latest year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_revenue: Option<f64>,
    /// Only enterprises located in the home city ([`crate::Flags::local`]).
    #[serde(default)]
    pub local_only: bool,
}

impl Eligibility {
    /// True when nothing is required.
    pub fn is_open(&self) -> bool {
        self == &Self::default()
    }
}

/// One policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub issuer: String,
    pub benefit_zh: String,
    pub benefit_en: String,
    /// First day in force (none: in force since before records began).
    pub valid_from: Option<NaiveDate>,
    /// Last day in force (none: open-ended).
    pub valid_to: Option<NaiveDate>,
    /// 免申即享: eligible enterprises get the benefit without applying.
    pub no_application: bool,
    pub eligibility: Eligibility,
    /// Illustrative example, not a real policy text (示例).
    #[serde(default)]
    pub example: bool,
    /// Where the policy comes from (document title and number, URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Policy {
    /// Whether the policy is in force on `day` (both ends inclusive).
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|d| d <= day) && self.valid_to.is_none_or(|d| day <= d)
    }
}

/// Why a policy list was refused. Each error names the policy and the field. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PolicyError {
    #[error("政策文件不是有效的 TOML：{0} / policy file is not valid TOML: {0}")]
    Parse(String),
    #[error("政策 ID '{0}' 重复 / duplicate policy id '{0}'")]
    Duplicate(String),
    #[error("政策 '{policy}'：'{field}' 为空 / policy '{policy}': '{field}' is empty")]
    Missing { policy: String, field: &'static str },
    #[error("政策 '{policy}'：{field} 的值 '{value}' 不是日期（请用 YYYY-MM-DD） / policy '{policy}': {field} '{value}' is not a date (use YYYY-MM-DD)")]
    Date { policy: String, field: &'static str, value: String },
    #[error("政策 '{policy}'：{first} 晚于 {second} / policy '{policy}': {first} is after {second}")]
    DateOrder { policy: String, first: &'static str, second: &'static str },
    #[error("政策 '{policy}'：未知标记 '{flag}'（可用 srdi、high_tech、listed 或 chain_leader） / policy '{policy}': unknown flag '{flag}' (use srdi, high_tech, listed or chain_leader)")]
    UnknownFlag { policy: String, flag: String },
    #[error("政策 '{policy}'：未知的企业规模 '{value}'（可用 micro、small、medium 或 large） / policy '{policy}': unknown size band '{value}' (use micro, small, medium or large)")]
    SizeBand { policy: String, value: String },
    #[error("政策 '{policy}'：'{value}' 不是 GB/T 4754 行业代码（应为门类字母 A–T，或 2 到 4 位数字） / policy '{policy}': '{value}' is not a GB/T 4754 code (a section letter A–T, or 2 to 4 digits)")]
    IndustryCode { policy: String, value: String },
    #[error("政策 '{policy}'：{field} 不能为负数 / policy '{policy}': {field} must not be negative")]
    Negative { policy: String, field: &'static str },
    #[error(
        "政策 '{policy}'：{field} 引用了未知的{} '{id}' / policy '{policy}': {field} names unknown {kind} '{id}'",
        crate::error::term_zh(kind)
    )]
    UnknownReference { policy: String, field: &'static str, kind: &'static str, id: String },
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Parse(_) => "policy_parse",
            Self::Duplicate(_) => "policy_duplicate_id",
            Self::Missing { .. } => "policy_missing_value",
            Self::Date { .. } => "policy_bad_date",
            Self::DateOrder { .. } => "policy_date_order",
            Self::UnknownFlag { .. } => "policy_unknown_flag",
            Self::SizeBand { .. } => "policy_bad_size_band",
            Self::IndustryCode { .. } => "policy_bad_industry_code",
            Self::Negative { .. } => "policy_negative_value",
            Self::UnknownReference { .. } => "policy_unknown_reference",
        }
    }
}

/// A date written as a TOML string (`"2024-01-01"`) or a bare TOML date (`2024-01-01`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
}

impl RawDate {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Toml(d) => d.to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEligibility {
    #[serde(default)]
    clusters: Vec<String>,
    #[serde(default)]
    nodes: Vec<String>,
    #[serde(default)]
    industry_codes: Vec<String>,
    #[serde(default)]
    size_bands: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    founded_after: Option<RawDate>,
    #[serde(default)]
    founded_before: Option<RawDate>,
    #[serde(default)]
    min_employees: Option<u32>,
    #[serde(default)]
    min_revenue: Option<f64>,
    #[serde(default)]
    local_only: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: String,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    benefit_zh: String,
    #[serde(default)]
    benefit_en: String,
    #[serde(default)]
    valid_from: Option<RawDate>,
    #[serde(default)]
    valid_to: Option<RawDate>,
    #[serde(default)]
    no_application: bool,
    #[serde(default)]
    example: bool,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    eligibility: RawEligibility,
}

#[derive(Debug, Deserialize)]
struct PolicyFile {
    #[serde(default, rename = "policy")]
    policies: Vec<RawPolicy>,
}

/// Normalise one eligibility industry code: a section letter alone stays a letter (`c` → `C`); anything with digits
/// becomes 2–4 digits (`C3514` → `3514`, `C3500` → `35`).
pub fn normalize_industry_prefix(raw: &str) -> Result<String, ValidationError> {
    let t = raw.trim();
    if t.len() == 1 {
        let c = t.chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
        if ('A'..='T').contains(&c) {
            return Ok(c.to_string());
        }
        return Err(ValidationError::IndustryCode(t.to_string()));
    }
    let letter = t.chars().next().filter(char::is_ascii_alphabetic);
    if letter.is_some_and(|c| !('A'..='T').contains(&c.to_ascii_uppercase())) || t.chars().filter(char::is_ascii_alphabetic).count() > 1 {
        return Err(ValidationError::IndustryCode(t.to_string()));
    }
    normalize_industry_code(t)
}

fn build(raw: RawPolicy) -> Result<Policy, PolicyError> {
    let policy = raw.id.trim().to_string();
    let missing = |field| PolicyError::Missing { policy: policy.clone(), field };
    if policy.is_empty() {
        return Err(missing("id"));
    }
    if raw.name_zh.trim().is_empty() {
        return Err(missing("name_zh"));
    }
    let date = |field: &'static str, v: &Option<RawDate>| -> Result<Option<NaiveDate>, PolicyError> {
        match v {
            None => Ok(None),
            Some(r) => {
                let text = r.text();
                // A TOML date-time keeps only its date; `parse_date` also accepts `YYYY-MM` and `YYYY`.
                parse_date(&text).map(Some).map_err(|_| PolicyError::Date { policy: policy.clone(), field, value: text })
            }
        }
    };
    let valid_from = date("valid_from", &raw.valid_from)?;
    let valid_to = date("valid_to", &raw.valid_to)?;
    if let (Some(a), Some(b)) = (valid_from, valid_to) {
        if a > b {
            return Err(PolicyError::DateOrder { policy, first: "valid_from", second: "valid_to" });
        }
    }
    let e = raw.eligibility;
    let founded_after = date("eligibility.founded_after", &e.founded_after)?;
    let founded_before = date("eligibility.founded_before", &e.founded_before)?;
    if let (Some(a), Some(b)) = (founded_after, founded_before) {
        if a >= b {
            return Err(PolicyError::DateOrder { policy, first: "eligibility.founded_after", second: "eligibility.founded_before" });
        }
    }
    let flags = e
        .flags
        .iter()
        .map(|f| RequiredFlag::parse(f).map_err(|_| PolicyError::UnknownFlag { policy: policy.clone(), flag: f.clone() }))
        .collect::<Result<Vec<_>, _>>()?;
    let size_bands = e
        .size_bands
        .iter()
        .map(|s| parse_size_band(s).map_err(|_| PolicyError::SizeBand { policy: policy.clone(), value: s.clone() }))
        .collect::<Result<Vec<_>, _>>()?;
    let industry_codes = e
        .industry_codes
        .iter()
        .map(|c| normalize_industry_prefix(c).map_err(|_| PolicyError::IndustryCode { policy: policy.clone(), value: c.clone() }))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(r) = e.min_revenue {
        if !r.is_finite() || r < 0.0 {
            return Err(PolicyError::Negative { policy, field: "eligibility.min_revenue" });
        }
    }
    let trimmed = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>();
    Ok(Policy {
        id: policy,
        name_zh: raw.name_zh.trim().to_string(),
        name_en: raw.name_en.trim().to_string(),
        issuer: raw.issuer.trim().to_string(),
        benefit_zh: raw.benefit_zh.trim().to_string(),
        benefit_en: raw.benefit_en.trim().to_string(),
        valid_from,
        valid_to,
        no_application: raw.no_application,
        example: raw.example,
        source: raw.source.filter(|s| !s.trim().is_empty()),
        eligibility: Eligibility {
            clusters: trimmed(e.clusters),
            nodes: trimmed(e.nodes),
            industry_codes,
            size_bands,
            regions: trimmed(e.regions),
            flags,
            founded_after,
            founded_before,
            min_employees: e.min_employees,
            min_revenue: e.min_revenue,
            local_only: e.local_only,
        },
    })
}

/// Parse and validate a policy list (`[[policy]]` tables with an `[policy.eligibility]` table each). Unknown fields,
/// flag names and size bands, bad dates and bad industry codes are errors naming the policy and field.
pub fn policies_from_toml(text: &str) -> Result<Vec<Policy>, PolicyError> {
    let file: PolicyFile = toml::from_str(text).map_err(|e| PolicyError::Parse(e.to_string()))?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(file.policies.len());
    for raw in file.policies {
        let p = build(raw)?;
        if !seen.insert(p.id.clone()) {
            return Err(PolicyError::Duplicate(p.id));
        }
        out.push(p);
    }
    Ok(out)
}

/// Check that every cluster and node a policy names exists in the taxonomy (loading does not see the taxonomy).
pub fn check_policy_references(policies: &[Policy], taxonomy: &Taxonomy) -> Result<(), PolicyError> {
    for p in policies {
        for c in &p.eligibility.clusters {
            if taxonomy.cluster(c).is_none() {
                return Err(PolicyError::UnknownReference {
                    policy: p.id.clone(),
                    field: "eligibility.clusters",
                    kind: "cluster",
                    id: c.clone(),
                });
            }
        }
        for n in &p.eligibility.nodes {
            if taxonomy.node(n).is_none() {
                return Err(PolicyError::UnknownReference {
                    policy: p.id.clone(),
                    field: "eligibility.nodes",
                    kind: "node",
                    id: n.clone(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[policy]]
id = "p1"
name_zh = "示例政策"
valid_from = 2024-01-01
valid_to = "2025-12-31"
[policy.eligibility]
flags = ["srdi"]
industry_codes = ["C3514", "c", "35"]
size_bands = ["small", "中型"]
"#;

    #[test]
    fn loads_and_normalises() {
        let p = policies_from_toml(ONE).expect("valid");
        assert_eq!(p[0].eligibility.industry_codes, vec!["3514", "C", "35"]);
        assert_eq!(p[0].eligibility.size_bands, vec![SizeBand::Small, SizeBand::Medium]);
        assert_eq!(p[0].valid_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert!(p[0].in_force(NaiveDate::from_ymd_opt(2025, 12, 31).expect("day")));
        assert!(!p[0].in_force(NaiveDate::from_ymd_opt(2026, 1, 1).expect("day")));
    }

    #[test]
    fn errors_name_policy_and_field() {
        let e = policies_from_toml(&ONE.replace("\"srdi\"", "\"sdri\"")).unwrap_err();
        assert_eq!(e, PolicyError::UnknownFlag { policy: "p1".into(), flag: "sdri".into() });
        let e = policies_from_toml(&ONE.replace("\"2025-12-31\"", "\"2025-13-31\"")).unwrap_err();
        assert_eq!(e.code(), "policy_bad_date");
        assert!(e.to_string().contains("p1") && e.to_string().contains("valid_to"));
        let e = policies_from_toml(&ONE.replace("\"2025-12-31\"", "\"2023-12-31\"")).unwrap_err();
        assert_eq!(e.code(), "policy_date_order");
        let e = policies_from_toml(&ONE.replace("\"c\"", "\"X12\"")).unwrap_err();
        assert_eq!(e.code(), "policy_bad_industry_code");
        let e = policies_from_toml(&ONE.replace("\"small\"", "\"tiny\"")).unwrap_err();
        assert_eq!(e.code(), "policy_bad_size_band");
        let e = policies_from_toml(&format!("{ONE}{ONE}")).unwrap_err();
        assert_eq!(e, PolicyError::Duplicate("p1".into()));
        let e = policies_from_toml(&ONE.replace("flags =", "flagz =")).unwrap_err();
        assert_eq!(e.code(), "policy_parse");
    }
}
