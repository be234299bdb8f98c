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
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Lead => "Lead",
            Self::Contact => "Contact",
            Self::Negotiating => "Negotiating",
            Self::Signed => "Signed",
            Self::Registered => "Registered",
            Self::Started => "Construction started",
            Self::Producing => "Producing",
            Self::Dropped => "Dropped",
        }
    }
    /// Position along the pipeline (终止 has none).
    pub fn rank(self) -> Option<u8> {
        match self {
            Self::Lead => Some(0),
            Self::Contact => Some(1),
            Self::Negotiating => Some(2),
            Self::Signed => Some(3),
            Self::Registered => Some(4),
            Self::Started => Some(5),
            Self::Producing => Some(6),
            Self::Dropped => None,
        }
    }
    /// The next stage forward, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Self::Lead => Some(Self::Contact),
            Self::Contact => Some(Self::Negotiating),
            Self::Negotiating => Some(Self::Signed),
            Self::Signed => Some(Self::Registered),
            Self::Registered => Some(Self::Started),
            Self::Started => Some(Self::Producing),
            Self::Producing | Self::Dropped => None,
        }
    }
    /// The stage before this one when the history does not say (注册 is optional, so 开工 falls back to 签约).
    pub fn previous(self) -> Option<Stage> {
        match self {
            Self::Lead | Self::Dropped => None,
            Self::Contact => Some(Self::Lead),
            Self::Negotiating => Some(Self::Contact),
            Self::Signed => Some(Self::Negotiating),
            Self::Registered | Self::Started => Some(Self::Signed),
            Self::Producing => Some(Self::Started),
        }
    }
    /// Forward moves allowed from here: the next stage, and skipping an optional one (接洽 after 线索, 注册 after 签约).
    pub fn forward_moves(self) -> &'static [Stage] {
        match self {
            Self::Lead => &[Self::Contact, Self::Negotiating],
            Self::Contact => &[Self::Negotiating],
            Self::Negotiating => &[Self::Signed],
            Self::Signed => &[Self::Registered, Self::Started],
            Self::Registered => &[Self::Started],
            Self::Started => &[Self::Producing],
            Self::Producing | Self::Dropped => &[],
        }
    }
}

/// Why a stage move was refused. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("项目已处于 '{0}' 阶段 / the project is already at stage '{0}'")]
    SameStage(&'static str),
    #[error("不能从 '{from}' 阶段转到 '{to}' 阶段：可转到的阶段为 {} / cannot move from '{from}' to '{to}': allowed are {allowed}", if allowed == "none" { "无" } else { allowed })]
    NotAllowed { from: &'static str, to: &'static str, allowed: String },
    #[error("退回、终止或重新开启项目须填写原因 / moving back, dropping or reopening needs a reason")]
    ReasonRequired,
    #[error("本次阶段变更日期 {date} 早于上一次记录的变更（{last}） / the move's date {date} is before the last recorded move ({last})")]
    DateBeforeLast { date: NaiveDate, last: NaiveDate },
    #[error("本次阶段变更日期 {0} 晚于今天 / the move's date {0} is in the future")]
    DateInFuture(NaiveDate),
}

impl MoveError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::SameStage(_) => "same_stage",
            Self::NotAllowed { .. } => "move_not_allowed",
            Self::ReasonRequired => "reason_required",
            Self::DateBeforeLast { .. } => "date_before_last_move",
            Self::DateInFuture(_) => "date_in_future",
        }
    }
}

/// What kind of move a valid move is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    Forward,
    /// Back to the stage before the current one (a signing that fell through, a correction).
    Back,
    Drop,
    /// Out of 终止, back to the stage it was dropped from.
    Reopen,
}

/// One move of a project, dated and attributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub date: NaiveDate,
    /// Who recorded the move (account or officer id); unknown for imported history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why: required for moving back, dropping and reopening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl StageEntry {
    pub fn new(stage: Stage, date: NaiveDate) -> Self {
        Self { stage, date, by: None, reason: None }
    }
}

/// Parse `stage@YYYY-MM-DD;stage@YYYY-MM-DD…`, checking that dates never go backwards and that a dropped project
/// goes on only by being reopened at the stage it was dropped from.
pub fn parse_stage_history(raw: &str) -> Result<Vec<StageEntry>, ValidationError> {
    let mut out: Vec<StageEntry> = Vec::new();
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (s, d) = part.split_once('@').ok_or_else(|| ValidationError::Malformed(part.to_string()))?;
        let entry = StageEntry::new(Stage::parse(s)?, parse_date(d)?);
        if let Some(prev) = out.last() {
            // A dropped project may only come back to the stage it was dropped from (a reopening).
            let reopened_elsewhere = prev.stage == Stage::Dropped && out.len() >= 2 && out[out.len() - 2].stage != entry.stage;
            if entry.date < prev.date || reopened_elsewhere || (prev.stage == Stage::Dropped && out.len() < 2) {
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
    /// The agreed date by which construction starts (约定开工期限).
    #[serde(default)]
    pub start_deadline: Option<NaiveDate>,
    /// Post-signing approvals and services (全兜办).
    #[serde(default)]
    pub checklist: Vec<Task>,
    #[serde(default)]
    pub documents: Vec<DocumentRef>,
    #[serde(default)]
    pub next_steps: Vec<NextStep>,
}

/// Investment size bands used in assessments, by the agreed amount (协议投资额).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InvestmentBand {
    /// < 1亿
    #[serde(rename = "lt1")]
    Under1,
    /// 1–3亿
    #[serde(rename = "1-3")]
    From1To3,
    /// 3–10亿
    #[serde(rename = "3-10")]
    From3To10,
    /// 10–20亿
    #[serde(rename = "10-20")]
    From10To20,
    /// 20–50亿
    #[serde(rename = "20-50")]
    From20To50,
    /// ≥ 50亿
    #[serde(rename = "ge50")]
    Over50,
}

impl InvestmentBand {
    pub const ALL: [InvestmentBand; 6] = [Self::Under1, Self::From1To3, Self::From3To10, Self::From10To20, Self::From20To50, Self::Over50];
    /// The band of an amount in 万元 (1亿 = 10,000万).
    pub fn of(amount_wan: f64) -> Self {
        let yi = amount_wan / 10_000.0;
        if yi < 1.0 {
            Self::Under1
        } else if yi < 3.0 {
            Self::From1To3
        } else if yi < 10.0 {
            Self::From3To10
        } else if yi < 20.0 {
            Self::From10To20
        } else if yi < 50.0 {
            Self::From20To50
        } else {
            Self::Over50
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Under1 => "lt1",
            Self::From1To3 => "1-3",
            Self::From3To10 => "3-10",
            Self::From10To20 => "10-20",
            Self::From20To50 => "20-50",
            Self::Over50 => "ge50",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|b| b.as_str() == s.trim()).ok_or_else(|| ValidationError::UnknownValue(s.to_string()))
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Under1 => "under ¥100m",
            Self::From1To3 => "¥100–300m",
            Self::From3To10 => "¥300m–1bn",
            Self::From10To20 => "¥1–2bn",
            Self::From20To50 => "¥2–5bn",
            Self::Over50 => "¥5bn and more",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Under1 => "1亿元以下",
            Self::From1To3 => "1–3亿元",
            Self::From3To10 => "3–10亿元",
            Self::From10To20 => "10–20亿元",
            Self::From20To50 => "20–50亿元",
            Self::Over50 => "50亿元及以上",
        }
    }
}

/// Status of a post-signing delivery item (全兜办).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    Doing,
    Done,
    /// Not needed for this project (e.g. no new land).
    NotNeeded,
}

impl TaskStatus {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "todo" | "待办" => Self::Todo,
            "doing" | "办理中" => Self::Doing,
            "done" | "已办结" => Self::Done,
            "not_needed" | "无需办理" => Self::NotNeeded,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::Doing)
    }
}

/// One approval or service on a signed project's way to 开工 and 投产.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    /// `land`, `planning`, `construction_permit`, `eia`, `energy`, `utilities`, `registration`, or another word.
    pub kind: String,
    pub title_zh: String,
    #[serde(default)]
    pub title_en: Option<String>,
    /// The department responsible.
    pub department: String,
    pub due: Option<NaiveDate>,
    pub status: TaskStatus,
    #[serde(default)]
    pub done_on: Option<NaiveDate>,
    /// Whether construction (开工) cannot start before this is done.
    #[serde(default)]
    pub blocks_start: bool,
    #[serde(default)]
    pub note: Option<String>,
}

impl Task {
    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due.is_some_and(|d| d < today)
    }
}

/// A document on file for a project (metadata only; the file lives in the department's records system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub name: String,
    /// `agreement`, `proposal`, `minutes`, `license`, …
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A next step agreed for a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    pub text: String,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub done: bool,
}

/// Days after signing by which construction should start when no deadline was agreed.
pub const DEFAULT_START_DAYS: i64 = 180;

impl Project {
    /// The effective signing date: the first move into 签约 that was not later reversed by a move back below it
    /// (a project re-signed after falling through counts from its new signing). Dropping a signed project does
    /// not unsign it: it was signed, and is counted as signed and as dropped.
    pub fn signed_on(&self) -> Option<NaiveDate> {
        self.reached_on(Stage::Signed)
    }
    /// Date of the first move into `stage` (or beyond) still standing: not reversed by a later move below it.
    pub fn reached_on(&self, stage: Stage) -> Option<NaiveDate> {
        self.reached_as_of(stage, NaiveDate::MAX)
    }
    /// As [`Project::reached_on`], seeing only the moves recorded up to `day`.
    pub fn reached_as_of(&self, stage: Stage, day: NaiveDate) -> Option<NaiveDate> {
        let target = stage.rank()?;
        let mut at = None;
        for e in self.history.iter().take_while(|e| e.date <= day) {
            match e.stage.rank() {
                Some(r) if r >= target => at = at.or(Some(e.date)),
                Some(_) => at = None,
                None => {}
            }
        }
        at
    }
    /// The stage on a given day (None before the first recorded move).
    pub fn stage_on(&self, day: NaiveDate) -> Option<Stage> {
        self.history.iter().take_while(|e| e.date <= day).last().map(|e| e.stage)
    }
    /// Why the project was dropped, when it is.
    pub fn drop_reason(&self) -> Option<&str> {
        if self.stage != Stage::Dropped {
            return None;
        }
        self.history.last().and_then(|e| e.reason.as_deref())
    }
    /// The size band of the agreed amount.
    pub fn band(&self) -> Option<InvestmentBand> {
        self.amount.map(InvestmentBand::of)
    }
    /// When construction should have started: the agreed deadline, or [`DEFAULT_START_DAYS`] after signing.
    /// Returns the date and whether it was agreed.
    pub fn start_due(&self) -> Option<(NaiveDate, bool)> {
        if let Some(d) = self.start_deadline {
            return Some((d, true));
        }
        self.signed_on().map(|s| (s + chrono::Duration::days(DEFAULT_START_DAYS), false))
    }
    /// Signed, not started, and past the start deadline on `today`.
    pub fn start_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.stage, Stage::Signed | Stage::Registered) && self.start_due().is_some_and(|(d, _)| d < today)
    }
    /// Checklist items that hold up 开工: open and marked as blocking.
    pub fn start_blockers(&self) -> impl Iterator<Item = &Task> {
        self.checklist.iter().filter(|t| t.blocks_start && t.status.is_open())
    }

    /// Where a move back (or, from 终止, a reopening) goes: the most recent earlier stage below the current one (or,
    /// when the history starts here, the stage before it); for a dropped project, the stage it was dropped from.
    pub fn back_target(&self) -> Option<Stage> {
        let (last, earlier) = self.history.split_last()?;
        if last.stage == Stage::Dropped {
            return earlier.last().map(|e| e.stage);
        }
        let rank = last.stage.rank()?;
        earlier.iter().rev().map(|e| e.stage).find(|s| s.rank().is_some_and(|r| r < rank)).or_else(|| last.stage.previous())
    }

    /// Check a move from the current stage to `to` on `date`, without applying it.
    pub fn check_move(&self, to: Stage, date: NaiveDate, reason: Option<&str>, today: NaiveDate) -> Result<MoveKind, MoveError> {
        let from = self.stage;
        if from == to {
            return Err(MoveError::SameStage(to.as_str()));
        }
        let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
        let back = self.back_target();
        let kind = if from.forward_moves().contains(&to) {
            MoveKind::Forward
        } else if to == Stage::Dropped && from != Stage::Producing {
            MoveKind::Drop
        } else if back == Some(to) {
            if from == Stage::Dropped {
                MoveKind::Reopen
            } else {
                MoveKind::Back
            }
        } else {
            let mut allowed: Vec<&str> = from.forward_moves().iter().map(|s| s.as_str()).collect();
            if from != Stage::Producing && from != Stage::Dropped {
                allowed.push("dropped");
            }
            if let Some(p) = back {
                allowed.push(p.as_str());
            }
            return Err(MoveError::NotAllowed {
                from: from.as_str(),
                to: to.as_str(),
                allowed: if allowed.is_empty() { "none".into() } else { allowed.join(", ") },
            });
        };
        if kind != MoveKind::Forward && !has_reason {
            return Err(MoveError::ReasonRequired);
        }
        if let Some(last) = self.history.last() {
            if date < last.date {
                return Err(MoveError::DateBeforeLast { date, last: last.date });
            }
        }
        if date > today {
            return Err(MoveError::DateInFuture(date));
        }
        Ok(kind)
    }

    /// Apply a checked move: the history grows by one entry; nothing is ever removed from it.
    pub fn apply_move(
        &mut self,
        to: Stage,
        date: NaiveDate,
        by: Option<String>,
        reason: Option<String>,
        today: NaiveDate,
    ) -> Result<MoveKind, MoveError> {
        let kind = self.check_move(to, date, reason.as_deref(), today)?;
        self.history.push(StageEntry { stage: to, date, by, reason: reason.filter(|r| !r.trim().is_empty()) });
        self.stage = to;
        Ok(kind)
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
