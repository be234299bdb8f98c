//! Reading a JSON request body: an object of known fields, each checked for its type, and the text, amount and
//! date fields the pipeline's writes take.

use crate::api::ApiError;
use crate::error::Code;
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Read a JSON body as an object whose fields are all known, naming the field of any problem.
pub(super) fn body_object(body: &[u8], fields: &[(&str, &str)]) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Code::InvalidJson.param("body", format!("请求体不是有效的 JSON / the body is not JSON: {e}")))?;
    let Value::Object(obj) = v else {
        return Err(Code::InvalidBody.param("body", "请求体应为 JSON 对象 / the body must be a JSON object"));
    };
    if obj.is_empty() {
        return Err(Code::EmptyBody.param("body", "请求体没有任何字段 / the body has no fields"));
    }
    for (k, val) in &obj {
        let Some((_, want)) = fields.iter().find(|f| f.0 == k) else {
            let known: Vec<&str> = fields.iter().map(|f| f.0).collect();
            let known = known.join(", ");
            return Err(Code::UnknownField.param(k, format!("未知字段 '{k}'（可用字段：{known}） / unknown field '{k}' (fields: {known})")));
        };
        let ok = val.is_null()
            || match *want {
                "integer" => val.is_i64() || val.is_u64(),
                "number" => val.is_number(),
                "array" => val.is_array(),
                "boolean" => val.is_boolean(),
                _ => val.is_string(),
            };
        if !ok {
            return Err(Code::InvalidType.param(k, format!("'{k}' 的类型应为 {want} / '{k}' must be a {want}")));
        }
    }
    Ok(obj)
}

pub(super) fn text(obj: &Map<String, Value>, k: &str, max: usize) -> Result<Option<String>, ApiError> {
    match obj.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => {
            Err(Code::TooLong.param(k, format!("'{k}' 超过 {max} 个字符 / '{k}' is longer than {max} characters")))
        }
        Some(v) => Ok(Some(v.to_string())),
    }
}

pub(super) fn amount(obj: &Map<String, Value>, k: &str) -> Result<Option<f64>, ApiError> {
    match obj.get(k).and_then(Value::as_f64) {
        None => Ok(None),
        Some(v) if !v.is_finite() || v < 0.0 => Err(Code::InvalidAmount.param(k, format!("'{k}' 不能为负数 / '{k}' must be zero or more"))),
        // 10,000亿 (1e8 万元) is beyond any single project.
        Some(v) if v > 1e8 => Err(Code::ImplausibleAmount
            .param(k, format!("'{k}' {v} 万元超出了单个项目的合理范围 / '{k}' {v} 万元 is beyond any single project"))),
        Some(v) => Ok(Some(v)),
    }
}

pub(super) fn date_field(obj: &Map<String, Value>, k: &str) -> Result<Option<NaiveDate>, ApiError> {
    match obj.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Code::InvalidDate.param(k, format!("'{v}' 不是日期（格式 YYYY-MM-DD） / '{v}' is not a date (YYYY-MM-DD)"))),
    }
}
