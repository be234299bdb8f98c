//! Enterprise-service tickets (企业吹哨、部门报到): the category catalogue with its routing rules, and the ticket
//! state machine 受理 → 派单 → 签收 / 退单 → 办理 (one 延期) → 答复 → 评价 → 办结, with 催办 and 督办 along the way.
//!
//! No calendar here: the methods that set a deadline take the date computed by the engine
//! (`chainscope_engine::service`), which owns the working-day clock. Every method checks that the move is valid
//! from the current state, appends one dated event and never removes one. `version` is left to the store, which
//! bumps it on every write.

use crate::error::ValidationError;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use thiserror::Error;

/// What kind of request a category is; it decides the usual time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// 咨询: a question (usually ≤ 5 working days).
    Enquiry,
    /// 投诉: a complaint (usually ≤ 15 working days).
    Complaint,
    /// 求助/诉求: a request for help or a service (5–25 working days).
    Request,
    /// 紧急: answered the same day.
    Emergency,
}

impl CategoryKind {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "enquiry" | "咨询" => Self::Enquiry,
            "complaint" | "投诉" => Self::Complaint,
            "request" | "求助" | "诉求" => Self::Request,
            "emergency" | "紧急" => Self::Emergency,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enquiry => "enquiry",
            Self::Complaint => "complaint",
            Self::Request => "request",
            Self::Emergency => "emergency",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Enquiry => "咨询",
            Self::Complaint => "投诉",
            Self::Request => "求助",
            Self::Emergency => "紧急",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Enquiry => "Enquiry",
            Self::Complaint => "Complaint",
            Self::Request => "Request",
            Self::Emergency => "Emergency",
        }
    }
}

/// A department tickets can be routed to. Tickets store its `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    /// Provenance or caveats (e.g. "verify the current name").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A kind of request an enterprise can file, with the department it goes to by default and its time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    /// Department id used when no routing rule matches the ticket's 板块.
    pub default_department: String,
    /// Time limit in working days, counted from 签收 (acceptance). 0 only for emergencies (same day).
    pub deadline_days: u32,
    pub kind: CategoryKind,
}

/// `category × 板块 (region code) → department`: a 板块 that handles a category itself (e.g. land in a development
/// zone goes to the zone's management committee). Region codes match exactly; there is no inheritance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub category: String,
    pub region: String,
    pub department: String,
}

/// Why a catalogue was refused. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogueError {
    #[error("服务目录文件不是有效的 TOML：{0} / service catalogue is not valid TOML: {0}")]
    Parse(String),
    #[error("{} ID '{id}' 重复 / duplicate {kind} id '{id}'", crate::error::term_zh(kind))]
    Duplicate { kind: &'static str, id: String },
    #[error("{item} 引用了未知类别 '{category}' / {item} names unknown category '{category}'")]
    UnknownCategory { item: String, category: String },
    #[error("{item} 引用了未知部门 '{department}' / {item} names unknown department '{department}'")]
    UnknownDepartment { item: String, department: String },
    #[error(
        "类别 '{0}' 的办理时限为 0 个工作日，但它不是紧急类别 / category '{0}' has a time limit of 0 working days but is not an emergency"
    )]
    ZeroDeadline(String),
    #[error("类别 '{id}' 为紧急类别（当天办理），办理时限却为 {days} 个工作日：应设为 0 / category '{id}' is an emergency (same day) but has a time limit of {days} working days: use 0")]
    EmergencyDeadline { id: String, days: u32 },
    #[error("类别 '{category}' 在地区 '{region}' 有两条分派规则 / two routing rules for category '{category}' in region '{region}'")]
    DuplicateRule { category: String, region: String },
    #[error("{item}：'{field}' 为空 / {item}: '{field}' is empty")]
    Missing { item: String, field: &'static str },
}

impl CatalogueError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Parse(_) => "catalogue_parse",
            Self::Duplicate { .. } => "catalogue_duplicate_id",
            Self::UnknownCategory { .. } => "catalogue_unknown_category",
            Self::UnknownDepartment { .. } => "catalogue_unknown_department",
            Self::ZeroDeadline(_) => "catalogue_zero_deadline",
            Self::EmergencyDeadline { .. } => "catalogue_emergency_deadline",
            Self::DuplicateRule { .. } => "catalogue_duplicate_rule",
            Self::Missing { .. } => "catalogue_missing_value",
        }
    }
}

#[derive(Debug, Deserialize)]
struct CatalogueFile {
    #[serde(default, rename = "department")]
    departments: Vec<Department>,
    #[serde(default, rename = "category")]
    categories: Vec<Category>,
    #[serde(default, rename = "rule")]
    rules: Vec<RoutingRule>,
}

/// The validated list of departments, categories and routing rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalogue {
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
    pub rules: Vec<RoutingRule>,
}

impl Catalogue {
    /// Parse and validate a catalogue file (`[[department]]`, `[[category]]`, `[[rule]]` tables).
    pub fn from_toml(text: &str) -> Result<Self, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| CatalogueError::Parse(e.to_string()))?;
        Self::new(file.departments, file.categories, file.rules)
    }

    /// Validate: unique ids, non-empty names, every reference known, a time limit of 0 exactly for emergencies,
    /// at most one rule per category and region.
    pub fn new(departments: Vec<Department>, categories: Vec<Category>, rules: Vec<RoutingRule>) -> Result<Self, CatalogueError> {
        let mut dept_ids = HashSet::new();
        for d in &departments {
            let item = format!("department '{}'", d.id);
            if d.id.trim().is_empty() {
                return Err(CatalogueError::Missing { item, field: "id" });
            }
            if d.name_zh.trim().is_empty() {
                return Err(CatalogueError::Missing { item, field: "name_zh" });
            }
            if !dept_ids.insert(d.id.as_str()) {
                return Err(CatalogueError::Duplicate { kind: "department", id: d.id.clone() });
            }
        }
        let mut cat_ids = HashSet::new();
        for c in &categories {
            let item = format!("category '{}'", c.id);
            if c.id.trim().is_empty() {
                return Err(CatalogueError::Missing { item, field: "id" });
            }
            if c.name_zh.trim().is_empty() {
                return Err(CatalogueError::Missing { item, field: "name_zh" });
            }
            if !cat_ids.insert(c.id.as_str()) {
                return Err(CatalogueError::Duplicate { kind: "category", id: c.id.clone() });
            }
            if !dept_ids.contains(c.default_department.as_str()) {
                return Err(CatalogueError::UnknownDepartment { item, department: c.default_department.clone() });
            }
            match (c.kind, c.deadline_days) {
                (CategoryKind::Emergency, 0) => {}
                (CategoryKind::Emergency, days) => return Err(CatalogueError::EmergencyDeadline { id: c.id.clone(), days }),
                (_, 0) => return Err(CatalogueError::ZeroDeadline(c.id.clone())),
                _ => {}
            }
        }
        let mut seen = HashSet::new();
        for (i, r) in rules.iter().enumerate() {
            let item = format!("rule {} ({} × {})", i + 1, r.category, r.region);
            if !cat_ids.contains(r.category.as_str()) {
                return Err(CatalogueError::UnknownCategory { item, category: r.category.clone() });
            }
            if !dept_ids.contains(r.department.as_str()) {
                return Err(CatalogueError::UnknownDepartment { item, department: r.department.clone() });
            }
            if r.region.trim().is_empty() {
                return Err(CatalogueError::Missing { item, field: "region" });
            }
            if !seen.insert((r.category.as_str(), r.region.as_str())) {
                return Err(CatalogueError::DuplicateRule { category: r.category.clone(), region: r.region.clone() });
            }
        }
        Ok(Self { departments, categories, rules })
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// The department a ticket of `category` filed in 板块 `region` goes to: the rule for exactly that region, else
    /// the category's default. `None` for an unknown category.
    pub fn route(&self, category: &str, region: &str) -> Option<&Department> {
        let c = self.category(category)?;
        let id = self.rules.iter().find(|r| r.category == category && r.region == region).map_or(&c.default_department, |r| &r.department);
        self.department(id)
    }

    /// Categories by id, for callers that look many up.
    pub fn category_index(&self) -> HashMap<&str, &Category> {
        self.categories.iter().map(|c| (c.id.as_str(), c)).collect()
    }
}

/// Where a ticket is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// 受理: filed, waiting to be dispatched.
    Filed,
    /// 派单: sent to a department, waiting for it to sign for it (签收) or return it (退单).
    Dispatched,
    /// 退单: returned by a department, waiting to be dispatched again.
    Returned,
    /// 办理: accepted (签收 starts the clock) and being worked on; also after 发回重办.
    Working,
    /// 答复: answered, waiting for the enterprise to confirm and rate it.
    Answered,
    /// 办结: closed.
    Closed,
}

impl TicketState {
    pub const ALL: [TicketState; 6] = [Self::Filed, Self::Dispatched, Self::Returned, Self::Working, Self::Answered, Self::Closed];
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "filed" | "受理" => Self::Filed,
            "dispatched" | "派单" => Self::Dispatched,
            "returned" | "退单" => Self::Returned,
            "working" | "办理" | "办理中" => Self::Working,
            "answered" | "答复" => Self::Answered,
            "closed" | "办结" => Self::Closed,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Dispatched => "dispatched",
            Self::Returned => "returned",
            Self::Working => "working",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Filed => "受理",
            Self::Dispatched => "派单",
            Self::Returned => "退单",
            Self::Working => "办理",
            Self::Answered => "答复",
            Self::Closed => "办结",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Filed => "Filed",
            Self::Dispatched => "Dispatched",
            Self::Returned => "Returned",
            Self::Working => "In progress",
            Self::Answered => "Answered",
            Self::Closed => "Closed",
        }
    }
    /// Everything but 办结.
    pub fn is_open(self) -> bool {
        self != Self::Closed
    }
}

/// The enterprise's rating of an answer (回访评价).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Satisfied,
    BasicallySatisfied,
    /// Sends the ticket back to the department (发回重办).
    Dissatisfied,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Self::Satisfied, Self::BasicallySatisfied, Self::Dissatisfied];
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "satisfied" | "满意" => Self::Satisfied,
            "basically_satisfied" | "基本满意" => Self::BasicallySatisfied,
            "dissatisfied" | "不满意" => Self::Dissatisfied,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::BasicallySatisfied => "basically_satisfied",
            Self::Dissatisfied => "dissatisfied",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::BasicallySatisfied => "基本满意",
            Self::Dissatisfied => "不满意",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Satisfied => "Satisfied",
            Self::BasicallySatisfied => "Basically satisfied",
            Self::Dissatisfied => "Dissatisfied",
        }
    }
}

/// What happened in one step of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketEventKind {
    /// 受理
    Filed,
    /// 派单 (also re-dispatch after 退单)
    Dispatched,
    /// 签收: the department accepts; the clock starts.
    Accepted,
    /// 退单: the department sends it back, with a reason.
    Returned,
    /// 延期: the one extension, with a reason.
    Extended,
    /// 答复
    Answered,
    /// 评价: satisfied and basically satisfied close the ticket; dissatisfied sends it back (发回重办).
    Rated,
    /// 办结 without a rating (the enterprise could not be reached for 回访).
    ClosedUnrated,
    /// 催办: a reminder; no change of state.
    Urged,
    /// 督办: formal supervision; no change of state.
    Supervised,
}

impl TicketEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Dispatched => "dispatched",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Extended => "extended",
            Self::Answered => "answered",
            Self::Rated => "rated",
            Self::ClosedUnrated => "closed_unrated",
            Self::Urged => "urged",
            Self::Supervised => "supervised",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Filed => "受理",
            Self::Dispatched => "派单",
            Self::Accepted => "签收",
            Self::Returned => "退单",
            Self::Extended => "延期",
            Self::Answered => "答复",
            Self::Rated => "评价",
            Self::ClosedUnrated => "办结（未评价）",
            Self::Urged => "催办",
            Self::Supervised => "督办",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Filed => "Filed",
            Self::Dispatched => "Dispatched",
            Self::Accepted => "Accepted",
            Self::Returned => "Returned",
            Self::Extended => "Extended",
            Self::Answered => "Answered",
            Self::Rated => "Rated",
            Self::ClosedUnrated => "Closed without rating",
            Self::Urged => "Urged",
            Self::Supervised => "Supervised",
        }
    }
}

/// One dated, attributed step of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub at: NaiveDateTime,
    /// Account or officer id of who did it.
    pub actor: String,
    pub kind: TicketEventKind,
    /// The ticket's state after this step.
    pub state: TicketState,
    /// The department concerned: dispatched to, accepting, returning, answering, or holding the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Reason (退单, 延期), answer text (答复), comment (评价, 催办, 督办).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The deadline set by this step (签收, 延期, 发回重办).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    /// Working days granted by an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
}

/// Metadata of an uploaded file; the file itself lives in the attachment store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub name: String,
    pub size_bytes: u64,
    pub mime: String,
}

/// The Chinese for a [`TicketError::InvalidTransition`] action, for the Chinese half of its message.
fn action_zh(action: &str) -> &str {
    match action {
        "dispatch" => "派单",
        "accept" => "签收",
        "return" => "退单",
        "extend" => "延期",
        "answer" => "答复",
        "rate" => "评价",
        "close" => "办结",
        "urge" => "催办",
        "supervise" => "督办",
        other => other,
    }
}

/// Why a ticket step was refused. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TicketError {
    #[error("诉求处于 '{state}' 状态，不能{} / cannot {action} a ticket in state '{state}'", action_zh(action))]
    InvalidTransition { action: &'static str, state: &'static str },
    #[error("须填写原因 / a reason is required")]
    ReasonRequired,
    #[error("'{0}' 为空 / '{0}' is empty")]
    Missing(&'static str),
    #[error("该诉求已延期过一次，不能再延期 / the ticket has already had its one extension")]
    ExtensionUsed,
    #[error("延期须在办理期限（{deadline}）当天或之前申请 / an extension must be requested on or before the deadline ({deadline})")]
    ExtensionAfterDeadline { deadline: NaiveDate },
    #[error("延期至少须增加一个工作日 / an extension must add at least one working day")]
    ExtensionDays,
    #[error("新的办理期限 {new} 不晚于当前期限（{current}） / the new deadline {new} is not after the current one ({current})")]
    DeadlineNotLater { new: NaiveDate, current: NaiveDate },
    #[error("办理期限 {deadline} 早于该步骤的日期（{day}） / the deadline {deadline} is before the day of the step ({day})")]
    DeadlineBeforeStart { deadline: NaiveDate, day: NaiveDate },
    #[error("该诉求没有办理期限 / the ticket has no deadline")]
    NoDeadline,
    #[error("该诉求尚未答复（状态 '{0}'） / the ticket has not been answered yet (state '{0}')")]
    NotAnswered(&'static str),
    #[error("评价为不满意会将诉求退回重办，须给出新的办理期限 / a dissatisfied rating sends the ticket back and needs the new deadline")]
    RedoDeadlineRequired,
    #[error("该步骤的时间 {at} 早于上一次记录的步骤（{last}） / the step's time {at} is before the last recorded step ({last})")]
    TimeBeforeLast { at: NaiveDateTime, last: NaiveDateTime },
    #[error("未知类别 '{0}' / unknown category '{0}'")]
    UnknownCategory(String),
    #[error("未知部门 '{0}' / unknown department '{0}'")]
    UnknownDepartment(String),
}

impl TicketError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::ReasonRequired => "reason_required",
            Self::Missing(_) => "missing_value",
            Self::ExtensionUsed => "extension_used",
            Self::ExtensionAfterDeadline { .. } => "extension_after_deadline",
            Self::ExtensionDays => "invalid_extension_days",
            Self::DeadlineNotLater { .. } => "deadline_not_later",
            Self::DeadlineBeforeStart { .. } => "deadline_before_start",
            Self::NoDeadline => "no_deadline",
            Self::NotAnswered(_) => "not_answered",
            Self::RedoDeadlineRequired => "redo_deadline_required",
            Self::TimeBeforeLast { .. } => "time_before_last_event",
            Self::UnknownCategory(_) => "unknown_category",
            Self::UnknownDepartment(_) => "unknown_department",
        }
    }
}

/// An enterprise's service request and its full history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    pub enterprise_id: i64,
    /// The 板块 (county, district or zone code) the request concerns; used for routing and metrics.
    pub region_code: String,
    /// Category id from the [`Catalogue`].
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
    pub state: TicketState,
    /// The department currently holding the ticket (none while filed or returned).
    pub department: Option<String>,
    pub filed_at: NaiveDateTime,
    /// The last day to answer; set at 签收, moved by 延期 and 发回重办.
    pub deadline: Option<NaiveDate>,
    /// Whether the one extension has been used.
    pub extended: bool,
    /// Every step, oldest first; never shortened.
    pub events: Vec<TicketEvent>,
    /// The latest rating.
    pub rating: Option<Rating>,
    /// Optimistic-concurrency version, bumped by the store on every write.
    pub version: i64,
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_string())
    }
}

impl Ticket {
    /// 受理: a new ticket in state `filed`, with its first event.
    #[allow(clippy::too_many_arguments)]
    pub fn file(
        id: impl Into<String>,
        enterprise_id: i64,
        region_code: impl Into<String>,
        category: impl Into<String>,
        description: impl Into<String>,
        attachments: Vec<AttachmentMeta>,
        at: NaiveDateTime,
        actor: impl Into<String>,
    ) -> Result<Self, TicketError> {
        let id = non_empty(id.into()).ok_or(TicketError::Missing("id"))?;
        let region_code = non_empty(region_code.into()).ok_or(TicketError::Missing("region_code"))?;
        let category = non_empty(category.into()).ok_or(TicketError::Missing("category"))?;
        let description = non_empty(description.into()).ok_or(TicketError::Missing("description"))?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        if attachments.iter().any(|a| a.name.trim().is_empty()) {
            return Err(TicketError::Missing("attachment name"));
        }
        let mut t = Self {
            id,
            enterprise_id,
            region_code,
            category,
            description,
            attachments,
            state: TicketState::Filed,
            department: None,
            filed_at: at,
            deadline: None,
            extended: false,
            events: Vec::new(),
            rating: None,
            version: 0,
        };
        t.events.push(TicketEvent {
            at,
            actor,
            kind: TicketEventKind::Filed,
            state: TicketState::Filed,
            department: None,
            note: None,
            deadline: None,
            days: None,
            rating: None,
        });
        Ok(t)
    }

    fn check_time(&self, at: NaiveDateTime) -> Result<(), TicketError> {
        match self.events.last() {
            Some(last) if at < last.at => Err(TicketError::TimeBeforeLast { at, last: last.at }),
            _ => Ok(()),
        }
    }

    fn expect(&self, action: &'static str, allowed: &[TicketState]) -> Result<(), TicketError> {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(TicketError::InvalidTransition { action, state: self.state.as_str() })
        }
    }

    /// Append an event and move to its state.
    fn push(&mut self, at: NaiveDateTime, actor: String, kind: TicketEventKind, state: TicketState) -> &mut TicketEvent {
        self.state = state;
        self.events.push(TicketEvent {
            at,
            actor,
            kind,
            state,
            department: self.department.clone(),
            note: None,
            deadline: None,
            days: None,
            rating: None,
        });
        let n = self.events.len();
        &mut self.events[n - 1]
    }

    /// 派单: send a filed or returned ticket to `department`.
    pub fn dispatch(&mut self, department: impl Into<String>, at: NaiveDateTime, actor: impl Into<String>) -> Result<(), TicketError> {
        self.expect("dispatch", &[TicketState::Filed, TicketState::Returned])?;
        let department = non_empty(department.into()).ok_or(TicketError::Missing("department"))?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        self.department = Some(department);
        self.push(at, actor, TicketEventKind::Dispatched, TicketState::Dispatched);
        Ok(())
    }

    /// 签收: the department accepts the ticket and starts work on it at once (acceptance implies 办理; there is no
    /// separate step). `deadline` is the last day to answer, computed by the engine from the category's time limit.
    pub fn accept(&mut self, at: NaiveDateTime, actor: impl Into<String>, deadline: NaiveDate) -> Result<(), TicketError> {
        self.expect("accept", &[TicketState::Dispatched])?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        if deadline < at.date() {
            return Err(TicketError::DeadlineBeforeStart { deadline, day: at.date() });
        }
        self.deadline = Some(deadline);
        self.push(at, actor, TicketEventKind::Accepted, TicketState::Working).deadline = Some(deadline);
        Ok(())
    }

    /// 退单: the department sends a dispatched ticket back for re-routing; a reason is required. The ticket no
    /// longer has a department until it is dispatched again.
    pub fn return_to_dispatch(
        &mut self,
        reason: impl Into<String>,
        at: NaiveDateTime,
        actor: impl Into<String>,
    ) -> Result<(), TicketError> {
        self.expect("return", &[TicketState::Dispatched])?;
        let reason = non_empty(reason.into()).ok_or(TicketError::ReasonRequired)?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        // The event names the department that returned it.
        let e = self.push(at, actor, TicketEventKind::Returned, TicketState::Returned);
        e.note = Some(reason);
        self.department = None;
        Ok(())
    }

    /// 延期: the one extension of a ticket being worked on, with a reason, requested on or before the deadline day.
    /// `new_deadline` is the current deadline plus `days` working days, computed by the engine.
    pub fn request_extension(
        &mut self,
        reason: impl Into<String>,
        days: u32,
        new_deadline: NaiveDate,
        at: NaiveDateTime,
        actor: impl Into<String>,
    ) -> Result<(), TicketError> {
        self.expect("extend", &[TicketState::Working])?;
        if self.extended {
            return Err(TicketError::ExtensionUsed);
        }
        let reason = non_empty(reason.into()).ok_or(TicketError::ReasonRequired)?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        if days == 0 {
            return Err(TicketError::ExtensionDays);
        }
        self.check_time(at)?;
        let current = self.deadline.ok_or(TicketError::NoDeadline)?;
        if at.date() > current {
            return Err(TicketError::ExtensionAfterDeadline { deadline: current });
        }
        if new_deadline <= current {
            return Err(TicketError::DeadlineNotLater { new: new_deadline, current });
        }
        self.deadline = Some(new_deadline);
        self.extended = true;
        let e = self.push(at, actor, TicketEventKind::Extended, TicketState::Working);
        e.note = Some(reason);
        e.deadline = Some(new_deadline);
        e.days = Some(days);
        Ok(())
    }

    /// 答复: the department answers.
    pub fn answer(&mut self, text: impl Into<String>, at: NaiveDateTime, actor: impl Into<String>) -> Result<(), TicketError> {
        self.expect("answer", &[TicketState::Working])?;
        let text = non_empty(text.into()).ok_or(TicketError::Missing("answer"))?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        self.push(at, actor, TicketEventKind::Answered, TicketState::Answered).note = Some(text);
        Ok(())
    }

    /// 评价: the enterprise confirms and rates the answer. 满意 and 基本满意 close the ticket (办结); 不满意 sends it
    /// back to the department (发回重办) with `redo_deadline` as its new deadline, which is then required.
    pub fn rate(
        &mut self,
        rating: Rating,
        comment: Option<String>,
        redo_deadline: Option<NaiveDate>,
        at: NaiveDateTime,
        actor: impl Into<String>,
    ) -> Result<(), TicketError> {
        self.expect_answered("rate")?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        let (state, deadline) = if rating == Rating::Dissatisfied {
            let d = redo_deadline.ok_or(TicketError::RedoDeadlineRequired)?;
            if d < at.date() {
                return Err(TicketError::DeadlineBeforeStart { deadline: d, day: at.date() });
            }
            (TicketState::Working, Some(d))
        } else {
            (TicketState::Closed, None)
        };
        if deadline.is_some() {
            self.deadline = deadline;
        }
        self.rating = Some(rating);
        let e = self.push(at, actor, TicketEventKind::Rated, state);
        e.rating = Some(rating);
        e.note = comment.and_then(non_empty);
        e.deadline = deadline;
        Ok(())
    }

    /// 办结 without a rating, when the enterprise cannot be reached for 回访; a note says why.
    pub fn close_unrated(&mut self, note: impl Into<String>, at: NaiveDateTime, actor: impl Into<String>) -> Result<(), TicketError> {
        self.expect_answered("close")?;
        let note = non_empty(note.into()).ok_or(TicketError::ReasonRequired)?;
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        self.push(at, actor, TicketEventKind::ClosedUnrated, TicketState::Closed).note = Some(note);
        Ok(())
    }

    fn expect_answered(&self, action: &'static str) -> Result<(), TicketError> {
        match self.state {
            TicketState::Answered => Ok(()),
            TicketState::Closed => Err(TicketError::InvalidTransition { action, state: self.state.as_str() }),
            other => Err(TicketError::NotAnswered(other.as_str())),
        }
    }

    /// 催办 (`supervise = false`) or 督办 (`supervise = true`) on an open ticket; the state does not change.
    pub fn urge(&mut self, supervise: bool, note: Option<String>, at: NaiveDateTime, actor: impl Into<String>) -> Result<(), TicketError> {
        if !self.state.is_open() {
            return Err(TicketError::InvalidTransition {
                action: if supervise { "supervise" } else { "urge" },
                state: self.state.as_str(),
            });
        }
        let actor = non_empty(actor.into()).ok_or(TicketError::Missing("actor"))?;
        self.check_time(at)?;
        let kind = if supervise { TicketEventKind::Supervised } else { TicketEventKind::Urged };
        let state = self.state;
        self.push(at, actor, kind, state).note = note.and_then(non_empty);
        Ok(())
    }

    fn count(&self, kind: TicketEventKind) -> usize {
        self.events.iter().filter(|e| e.kind == kind).count()
    }
    /// Times dispatched (first dispatch and re-dispatches).
    pub fn dispatches(&self) -> usize {
        self.count(TicketEventKind::Dispatched)
    }
    /// Times returned (退单).
    pub fn returns(&self) -> usize {
        self.count(TicketEventKind::Returned)
    }
    /// Times sent back by a dissatisfied rating (发回重办).
    pub fn reopens(&self) -> usize {
        self.events.iter().filter(|e| e.kind == TicketEventKind::Rated && e.rating == Some(Rating::Dissatisfied)).count()
    }
    /// 催办 and 督办 events.
    pub fn urges(&self) -> usize {
        self.count(TicketEventKind::Urged) + self.count(TicketEventKind::Supervised)
    }
    /// When the ticket was accepted (签收), if it was.
    pub fn accepted_at(&self) -> Option<NaiveDateTime> {
        self.events.iter().find(|e| e.kind == TicketEventKind::Accepted).map(|e| e.at)
    }
    /// When it was last answered.
    pub fn answered_at(&self) -> Option<NaiveDateTime> {
        self.events.iter().rev().find(|e| e.kind == TicketEventKind::Answered).map(|e| e.at)
    }
    /// When it was closed (办结), if it is.
    pub fn closed_at(&self) -> Option<NaiveDateTime> {
        self.events.iter().find(|e| e.state == TicketState::Closed).map(|e| e.at)
    }
    /// Whether the department owes an answer now (办理, including after 发回重办).
    pub fn awaiting_answer(&self) -> bool {
        self.state == TicketState::Working
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAT: &str = r#"
[[department]]
id = "nrp"
name_zh = "市自然资源和规划局"
[[department]]
id = "zone"
name_zh = "经开区管委会"
[[category]]
id = "land"
name_zh = "用地"
default_department = "nrp"
deadline_days = 15
kind = "request"
[[category]]
id = "urgent"
name_zh = "紧急"
default_department = "nrp"
deadline_days = 0
kind = "emergency"
[[rule]]
category = "land"
region = "320371"
department = "zone"
"#;

    #[test]
    fn catalogue_routes_and_validates() {
        let c = Catalogue::from_toml(CAT).expect("valid");
        assert_eq!(c.route("land", "320371").map(|d| d.id.as_str()), Some("zone"));
        assert_eq!(c.route("land", "320302").map(|d| d.id.as_str()), Some("nrp"));
        assert!(c.route("nope", "320302").is_none());
        let e = Catalogue::from_toml(&CAT.replace("category = \"land\"", "category = \"lnd\"")).unwrap_err();
        assert_eq!(e.code(), "catalogue_unknown_category");
        assert!(e.to_string().contains("lnd"));
        let e = Catalogue::from_toml(&CAT.replace("deadline_days = 15", "deadline_days = 0")).unwrap_err();
        assert_eq!(e, CatalogueError::ZeroDeadline("land".into()));
        let e = Catalogue::from_toml(&CAT.replace("id = \"urgent\"", "id = \"land\"")).unwrap_err();
        assert_eq!(e.code(), "catalogue_duplicate_id");
        let e = Catalogue::from_toml(&CAT.replace("deadline_days = 0", "deadline_days = 1")).unwrap_err();
        assert_eq!(e.code(), "catalogue_emergency_deadline");
    }

    #[test]
    fn ticket_round_trips_through_json() {
        let at = NaiveDate::from_ymd_opt(2025, 3, 3).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("time");
        let mut t = Ticket::file("T1", 1, "320302", "land", "需要用地指标", vec![], at, "ent").expect("filed");
        t.dispatch("nrp", at, "desk").expect("dispatched");
        let json = serde_json::to_string(&t).expect("json");
        let back: Ticket = serde_json::from_str(&json).expect("back");
        assert_eq!(back, t);
    }
}
