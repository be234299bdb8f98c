//! Annual targets (年度任务): for the city, each 板块, tier and cluster, in projects or in amount.

use super::body::body_object;
use crate::api::{known_params, names, ApiError, Params};
use crate::error::Code;
use crate::openapi::YEAR;
use crate::ServerState;
use axum::extract::State;
use axum::Json;
use chainscope_model::{Target, TargetScope};
use serde_json::{json, Value};
use std::sync::Arc;

/// `GET /api/v1/targets?year=`: the annual targets.
pub async fn targets(State(s): State<Arc<ServerState>>, q: Params) -> Result<Json<Value>, ApiError> {
    let p = q.0;
    known_params(&p, &names(&[YEAR]))?;
    let year = crate::params::year(&p, "year", crate::params::ANY_YEAR)?;
    let pl = s.pipeline();
    let items: Vec<&Target> = pl.targets.iter().filter(|t| year.is_none_or(|y| t.year == y)).collect();
    Ok(Json(json!({"items": items})))
}

/// `PUT /api/v1/targets`: set targets `{"year": Y, "items": [{"scope","key","metric","value"}]}`. Every row is
/// checked before any is stored.
pub async fn put_targets(State(s): State<Arc<ServerState>>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let obj = body_object(&body, &[("year", "integer"), ("items", "array")])?;
    let year =
        obj.get("year").and_then(Value::as_i64).ok_or_else(|| Code::Missing.param("year", "缺少必填项 'year' / 'year' is required"))?;
    if !crate::params::PLAN_YEARS.contains(&i32::try_from(year).unwrap_or(i32::MIN)) {
        return Err(crate::params::out_of_years("year", &crate::params::PLAN_YEARS));
    }
    let data = s.data();
    let tax = &data.snapshot.taxonomy;
    let home = data.stats["home_region"].as_str().unwrap_or("").to_string();
    let mut rows = Vec::new();
    let mut remove = Vec::new();
    for (i, it) in obj.get("items").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let field = format!("items[{i}]");
        let bad = |code: Code, m: String| code.param(&field, m);
        let g = |k: &str| it.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
        let scope = TargetScope::parse(&g("scope")).map_err(|_| {
            bad(
                Code::InvalidScope,
                format!("范围 '{0}' 应为 city、region、tier 或 cluster / scope '{0}' is not city, region, tier or cluster", g("scope")),
            )
        })?;
        let key = g("key");
        // The city is the home prefecture; a 板块 is a district, county or zone inside it.
        let is_board = |k: &str| {
            data.regions.get(data.regions.current_code(k)).is_some_and(|r| {
                matches!(r.level, chainscope_model::RegionLevel::County | chainscope_model::RegionLevel::Zone)
                    && !home.is_empty()
                    && data.regions.is_within(&r.code, &home)
            })
        };
        let known = match scope {
            TargetScope::City => !home.is_empty() && data.regions.current_code(&key) == home,
            TargetScope::Region => is_board(&key),
            TargetScope::Tier => tax.tier(&key).is_some(),
            TargetScope::Cluster => tax.cluster(&key).is_some(),
        };
        if !known {
            let what = match scope {
                TargetScope::City => format!("城市任务的代码应为 {home} / the city's target has the key {home}, not '{key}'"),
                TargetScope::Region => format!("'{key}' 不是本市的板块 / '{key}' is not a 板块 of {home}"),
                _ => format!("没有 '{key}' / no {} '{key}'", scope.as_str()),
            };
            return Err(bad(Code::UnknownKey, what));
        }
        let metric = g("metric");
        if !matches!(metric.as_str(), "projects" | "amount") {
            return Err(bad(Code::InvalidMetric, format!("指标应为 projects 或 amount / metric '{metric}' is not projects or amount")));
        }
        let value = match it.get("value") {
            None => return Err(bad(Code::Missing, "缺少数值（null 表示删除）/ value is required (null removes the target)".into())),
            // null removes the target: a task set by mistake (a wrong 板块, a cluster not tasked this year) goes away.
            Some(Value::Null) => {
                remove.push(Target { year: year as i32, scope, key, metric, value: 0.0 });
                continue;
            }
            Some(v) => v.as_f64().ok_or_else(|| bad(Code::InvalidValue, format!("数值应为数字 / value {v} is not a number")))?,
        };
        if !value.is_finite() || !(0.0..=1e9).contains(&value) {
            return Err(bad(Code::InvalidValue, format!("数值应在 0–10亿之间 / value {value} must be 0–1,000,000,000")));
        }
        if metric == "projects" && value.fract() != 0.0 {
            return Err(bad(Code::InvalidValue, format!("项目数应为整数 / a project count must be a whole number, not {value}")));
        }
        rows.push(Target { year: year as i32, scope, key, metric, value });
    }
    if rows.is_empty() && remove.is_empty() {
        return Err(Code::Missing.param("items", "至少给出一项任务 / give at least one target"));
    }
    let (counts, removed) = s.with_store_mut(move |st| st.edit_targets(&rows, &remove)).await?;
    s.reload_pipeline().await?;
    Ok(Json(json!({"written": counts, "removed": removed})))
}
