//! Investment projects (招商项目), matchmaking events and annual targets.

use crate::enterprise::Provenance;
use crate::error::ValidationError;
use crate::values::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Pipeline stages, in order: 线索 → 接洽 → 在谈 → 签约 → 注册 → 开工 → 投产; 终止 ends a project early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Lead,
    Contact,
    Negotiating,
    Signed,
    Registered,
    Started,
    Producing,
    Dropped,
}

impl Stage {
    pub const ALL: [Stage; 8] =
        [Self::Lead, Self::Contact, Self::Negotiating, Self::Signed, Self::Registered, Self::Started, Self::Producing, Self::Dropped];
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "lead" | "线索" | "推介" => Self::Lead,
            "contact" | "接洽" => Self::Contact,
            "negotiating" | "在谈" => Self::Negotiating,
            "signed" | "签约" => Self::Signed,
            "registered" | "注册" => Self::Registered,
            "started" | "开工" => Self::Started,
            "producing" | "投产" | "竣工投产" => Self::Producing,
            "dropped" | "终止" => Self::Dropped,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Contact => "contact",
            Self::Negotiating => "negotiating",
            Self::Signed => "signed",
            Self::Registered => "registered",
            Self::Started => "started",
            Self::Producing => "producing",
            Self::Dropped => "dropped",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Lead => "线索",
            Self::Contact => "接洽",
            Self::Negotiating => "在谈",
            Self::Signed => "签约",
            Self::Registered => "注册",
            Self::Started => "开工",
            Self::Producing => "投产",
            Self::Dropped => "终止",
        }
    }
    /// True once a project has been signed (and not only talked about).
    pub fn is_signed_or_later(self) -> bool {
        matches!(self, Self::Signed | Self::Registered | Self::Started | Self::Producing)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub date: NaiveDate,
}

/// Parse `stage@YYYY-MM-DD;stage@YYYY-MM-DD…`, checking that dates never go backwards and that a project does not
/// go on after being dropped.
pub fn parse_stage_history(raw: &str) -> Result<Vec<StageEntry>, ValidationError> {
    let mut out: Vec<StageEntry> = Vec::new();
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (s, d) = part.split_once('@').ok_or_else(|| ValidationError::Malformed(part.to_string()))?;
        let entry = StageEntry { stage: Stage::parse(s)?, date: parse_date(d)? };
        if let Some(prev) = out.last() {
            if entry.date < prev.date || prev.stage == Stage::Dropped {
                return Err(ValidationError::Malformed(part.to_string()));
            }
        }
        out.push(entry);
    }
    Ok(out)
}

/// Lead channels (招商渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chain,
    Team,
    Investor,
    Fund,
    Agency,
    Other,
}

impl Channel {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "chain" | "产业链" | "产业链招商" => Self::Chain,
            "team" | "小分队" | "小分队招商" => Self::Team,
            "investor" | "以商" | "以商招商" => Self::Investor,
            "fund" | "基金" | "基金招商" => Self::Fund,
            "agency" | "中介" | "中介招商" => Self::Agency,
            "other" | "其他" | "" => Self::Other,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chain => "chain",
            Self::Team => "team",
            Self::Investor => "investor",
            Self::Fund => "fund",
            Self::Agency => "agency",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub investor: Option<String>,
    pub investor_id: Option<String>,
    pub cluster: Option<String>,
    pub node: Option<String>,
    /// For projects outside the cluster system, e.g. `smart-manufacturing`, `modern-service`.
    pub other_category: Option<String>,
    pub region_code: String,
    pub park_id: Option<String>,
    /// 协议投资额, 万元.
    pub amount: Option<f64>,
    /// 到位资金, 万元.
    pub amount_paid: Option<f64>,
    pub jobs: Option<u32>,
    pub channel: Channel,
    pub stage: Stage,
    pub history: Vec<StageEntry>,
    pub event_id: Option<String>,
    pub officer: Option<String>,
    pub provenance: Provenance,
    pub synthetic: bool,
    /// Optimistic-concurrency version, bumped on every write.
    pub version: i64,
}

impl Project {
    /// Date of the first signing, if the project was ever signed.
    pub fn signed_on(&self) -> Option<NaiveDate> {
        self.history.iter().find(|e| e.stage == Stage::Signed).map(|e| e.date)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub date: NaiveDate,
    pub city: Option<String>,
    pub theme: Option<String>,
    pub organiser: Option<String>,
    pub regions: Vec<String>,
    pub provenance: Provenance,
    pub synthetic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetScope {
    City,
    Region,
    Tier,
    Cluster,
}

impl TargetScope {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "city" => Self::City,
            "region" => Self::Region,
            "tier" => Self::Tier,
            "cluster" => Self::Cluster,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::Region => "region",
            Self::Tier => "tier",
            Self::Cluster => "cluster",
        }
    }
}

/// An annual target: `year × scope(key)` for a metric (`projects` count or `amount` in 万元).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub year: i32,
    pub scope: TargetScope,
    pub key: String,
    pub metric: String,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rules() {
        let h = parse_stage_history("lead@2022-01-02;signed@2022-03-04;started@2022-06-01").expect("ok");
        assert_eq!(h.len(), 3);
        assert!(parse_stage_history("signed@2022-03-04;lead@2022-01-02").is_err());
        assert!(parse_stage_history("dropped@2022-03-04;signed@2022-04-02").is_err());
        assert_eq!(parse_stage_history("签约@2022-11-10").expect("zh")[0].stage, Stage::Signed);
    }
}
