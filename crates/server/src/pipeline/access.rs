//! Who may change what in the pipeline: the account recorded for a write, an officer's 板块, a department's own
//! checklist items.

use super::body::text;
use super::task_of;
use crate::api::ApiError;
use crate::auth::Identity;
use crate::error::Code;
use crate::ServerState;
use chainscope_model::{Project, Task};
use serde_json::{Map, Value};

/// Who is recorded for a write: the signed-in account. (`by` in a body is accepted for older clients and checked,
/// but the account is what is recorded.)
pub(super) fn actor(obj: &Map<String, Value>, id: &Identity) -> Result<String, ApiError> {
    let by = text(obj, "by", 60)?;
    Ok(if id.account.is_some() { id.actor() } else { by.unwrap_or_else(|| "api".into()) })
}

pub(super) fn outside_scope(field: &str, code: &str) -> ApiError {
    Code::OutsideScope.param(field, format!("该项目不属于您负责的板块 / {code} is not one of your 板块"))
}

/// An officer writes only in their 板块; administrators anywhere.
pub(super) fn check_region(s: &ServerState, id: &Identity, field: &str, code: &str) -> Result<(), ApiError> {
    if id.account.is_none() || id.may_write_region(code, &s.data().regions) {
        Ok(())
    } else {
        Err(outside_scope(field, code))
    }
}

/// Department staff change only the checklist items of their own department.
pub(super) fn check_department_edit(
    s: &ServerState,
    id: &Identity,
    before: &Project,
    obj: &Map<String, Value>,
    after: &Project,
) -> Result<(), ApiError> {
    let Some(a) = id.account.as_ref().filter(|a| a.role == chainscope_model::Role::Department) else { return Ok(()) };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "version" | "checklist" | "by")) {
        return Err(Code::OutsideScope
            .param(k, format!("部门人员只能办理本部门的清单事项 / department staff may change only their checklist items, not '{k}'")));
    }
    let dept = a.department.as_deref().unwrap_or("");
    // The same bureau whether the account names it by catalogue id or by name (with or without the city's name).
    let cfg = s.service();
    let theirs = |t: &Task| task_of(s, cfg.as_deref(), dept, t);
    let others_before: Vec<&Task> = before.checklist.iter().filter(|t| !theirs(t)).collect();
    let others_after: Vec<&Task> = after.checklist.iter().filter(|t| !theirs(t)).collect();
    if others_before != others_after {
        return Err(Code::OutsideScope.param("checklist", format!("只能修改“{dept}”的事项 / only items of {dept} may be changed")));
    }
    Ok(())
}
