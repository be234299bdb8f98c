//! The editable fields of a project, as a write's body gives them: each checked against the taxonomy, the regions,
//! the parks and the events before it is applied.

use super::body::{amount, date_field, text};
use super::today;
use crate::api::ApiError;
use crate::error::Code;
use crate::Pipeline;
use crate::ServerState;
use chainscope_model::{Channel, DocumentRef, NextStep, Project, Task, TaskStatus};
use chrono::NaiveDate;
use serde_json::{Map, Value};

pub(super) const PROJECT_FIELDS: &[(&str, &str)] = &[
    ("version", "integer"),
    ("id", "string"),
    ("name", "string"),
    ("investor", "string"),
    ("investor_enterprise_id", "integer"),
    ("cluster", "string"),
    ("node", "string"),
    ("other_category", "string"),
    ("region_code", "string"),
    ("park_id", "string"),
    ("amount", "number"),
    ("amount_paid", "number"),
    ("jobs", "integer"),
    ("channel", "string"),
    ("event_id", "string"),
    ("officer", "string"),
    ("start_deadline", "string"),
    ("checklist", "array"),
    ("documents", "array"),
    ("next_steps", "array"),
    ("stage", "string"),
    ("date", "string"),
    ("by", "string"),
    ("source", "string"),
];

/// Apply the editable fields present in `obj` to `p`, checking each. Returns the names of the fields changed.
pub(super) fn apply_fields(s: &ServerState, pl: &Pipeline, p: &mut Project, obj: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let before = p.clone();
    let has = |k: &str| obj.contains_key(k);
    if has("name") {
        p.name = text(obj, "name", 200)?.ok_or_else(|| Code::Missing.param("name", "'name' 不能为空 / 'name' cannot be empty"))?;
    }
    if has("investor") {
        p.investor = text(obj, "investor", 200)?;
    }
    if has("region_code") {
        let r = text(obj, "region_code", 20)?
            .ok_or_else(|| Code::Missing.param("region_code", "'region_code' 不能为空 / 'region_code' cannot be empty"))?;
        if data.regions.get(data.regions.current_code(&r)).is_none() {
            return Err(Code::UnknownRegion.param("region_code", format!("没有地区 '{r}' / no region '{r}'")));
        }
        p.region_code = r;
    }
    if has("cluster") {
        p.cluster = text(obj, "cluster", 60)?;
        if let Some(c) = &p.cluster {
            if tax.cluster(c).is_none() {
                return Err(Code::UnknownCluster.param("cluster", format!("没有集群 '{c}' / no cluster '{c}'")));
            }
        }
    }
    if has("node") {
        p.node = text(obj, "node", 60)?;
        if let Some(n) = &p.node {
            let Some(cl) = tax.cluster_of_node(n) else {
                return Err(Code::UnknownNode.param("node", format!("没有节点 '{n}' / no node '{n}'")));
            };
            match &p.cluster {
                None => p.cluster = Some(cl.id.clone()),
                Some(c) if *c != cl.id => {
                    return Err(Code::NodeOutsideCluster.param(
                        "node",
                        format!("节点 '{n}' 属于集群 '{0}' 而不是 '{c}' / node '{n}' is in cluster '{0}', not '{c}'", cl.id),
                    ))
                }
                _ => {}
            }
        }
    }
    if has("other_category") {
        p.other_category = text(obj, "other_category", 60)?;
    }
    if p.cluster.is_some() && p.other_category.is_some() {
        return Err(Code::BothClasses.param(
            "other_category",
            "项目只能归入集群或其他类别之一，不能两者兼有 / a project is either in a cluster or in an other category, not both",
        ));
    }
    if has("park_id") {
        p.park_id = text(obj, "park_id", 60)?;
        if let Some(id) = &p.park_id {
            if !data.parks.iter().any(|x| x.id == *id) {
                return Err(Code::UnknownPark.param("park_id", format!("没有园区 '{id}' / no park '{id}'")));
            }
        }
    }
    if has("amount") {
        p.amount = amount(obj, "amount")?;
    }
    if has("amount_paid") {
        p.amount_paid = amount(obj, "amount_paid")?;
    }
    if let (Some(a), Some(paid)) = (p.amount, p.amount_paid) {
        if paid > a {
            return Err(Code::PaidExceedsAgreed
                .param("amount_paid", format!("到位资金 {paid} 超过了协议投资额 {a} / paid-in {paid} exceeds the agreed {a}")));
        }
    }
    if has("jobs") {
        p.jobs = match obj.get("jobs").and_then(Value::as_i64) {
            None => None,
            Some(j) if !(0..=1_000_000).contains(&j) => {
                return Err(Code::InvalidJobs.param("jobs", "jobs 应在 0–1,000,000 之间 / jobs must be 0–1,000,000"))
            }
            Some(j) => Some(j as u32),
        };
    }
    if has("channel") {
        let c = text(obj, "channel", 30)?.unwrap_or_default();
        p.channel = Channel::parse(&c)
            .map_err(|_| Code::InvalidChannel.param("channel", format!("'{c}' 不是有效的招商渠道 / '{c}' is not a channel")))?;
    }
    if has("event_id") {
        p.event_id = text(obj, "event_id", 60)?;
        if let Some(e) = &p.event_id {
            if !pl.events.iter().any(|x| x.id == *e) {
                return Err(Code::UnknownEvent.param("event_id", format!("没有活动 '{e}' / no event '{e}'")));
            }
        }
    }
    if has("officer") {
        p.officer = text(obj, "officer", 60)?;
    }
    if has("start_deadline") {
        p.start_deadline = date_field(obj, "start_deadline")?;
    }
    if has("checklist") {
        p.checklist = checklist_field(obj)?;
    }
    if has("documents") {
        let v = obj.get("documents").cloned().unwrap_or(Value::Array(vec![]));
        let docs: Vec<DocumentRef> = serde_json::from_value(v)
            .map_err(|e| Code::InvalidDocuments.param("documents", format!("文件资料格式有误 / documents: {e}")))?;
        if docs.iter().any(|d| d.name.trim().is_empty() || d.name.chars().count() > 200) {
            return Err(Code::InvalidDocuments.param(
                "documents",
                "每份文件资料都须有名称，且不超过 200 个字符 / every document needs a name of at most 200 characters",
            ));
        }
        p.documents = docs;
    }
    if has("next_steps") {
        let v = obj.get("next_steps").cloned().unwrap_or(Value::Array(vec![]));
        let steps: Vec<NextStep> = serde_json::from_value(v)
            .map_err(|e| Code::InvalidNextSteps.param("next_steps", format!("下一步工作格式有误 / next_steps: {e}")))?;
        if steps.iter().any(|d| d.text.trim().is_empty() || d.text.chars().count() > 500) {
            return Err(Code::InvalidNextSteps
                .param("next_steps", "每项下一步工作都须有内容，且不超过 500 个字符 / every step needs a text of at most 500 characters"));
        }
        p.next_steps = steps;
    }
    let b = serde_json::to_value(&before).unwrap_or(Value::Null);
    let a = serde_json::to_value(&*p).unwrap_or(Value::Null);
    let changed = match (b, a) {
        (Value::Object(b), Value::Object(a)) => a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect(),
        _ => vec![],
    };
    Ok(changed)
}

pub(super) fn checklist_field(obj: &Map<String, Value>) -> Result<Vec<Task>, ApiError> {
    let items = obj.get("checklist").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let bad = |m: String| Code::InvalidChecklistItem.param(format!("checklist[{i}]"), m);
        let o = it.as_object().ok_or_else(|| bad("应为对象 / must be an object".into()))?;
        let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string);
        let d = |k: &str| -> Result<Option<NaiveDate>, ApiError> {
            match s(k) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| bad(format!("{k}：'{v}' 不是日期 / {k}: '{v}' is not a date"))),
            }
        };
        let title_zh = s("title_zh").ok_or_else(|| bad("缺少必填项 title_zh / title_zh is required".into()))?;
        let department = s("department").ok_or_else(|| bad("缺少必填项 department / department is required".into()))?;
        if title_zh.chars().count() > 200 || department.chars().count() > 100 {
            return Err(bad("标题或部门名称过长 / title or department too long".into()));
        }
        let status = match s("status") {
            None => TaskStatus::Todo,
            Some(v) => TaskStatus::parse(&v).map_err(|_| {
                bad(format!("状态 '{v}' 应为 todo、doing、done 或 not_needed / status '{v}' is not todo, doing, done or not_needed"))
            })?,
        };
        let done_on = d("done_on")?;
        out.push(Task {
            id: s("id").unwrap_or_else(|| format!("t{}", i + 1)),
            kind: s("kind").unwrap_or_else(|| "other".into()),
            title_zh,
            title_en: s("title_en"),
            department,
            due: d("due")?,
            status,
            done_on: if status == TaskStatus::Done { done_on.or_else(|| Some(today())) } else { done_on },
            blocks_start: o.get("blocks_start").and_then(Value::as_bool).unwrap_or(false),
            note: s("note"),
        });
    }
    let mut ids: Vec<&str> = out.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(Code::DuplicateItemId.param("checklist", "清单事项编号不能重复 / checklist item ids must be unique"));
    }
    Ok(out)
}
