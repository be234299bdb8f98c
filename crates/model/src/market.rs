//! Supply and demand items (供需对接): what an enterprise offers or needs, posted by it or by an officer for it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 供给: a product or service offered.
    Supply,
    /// 需求: a product or service wanted.
    Demand,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supply => "supply",
            Self::Demand => "demand",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "supply" | "供给" => Some(Self::Supply),
            "demand" | "需求" => Some(Self::Demand),
            _ => None,
        }
    }
    pub fn opposite(self) -> Self {
        match self {
            Self::Supply => Self::Demand,
            Self::Demand => Self::Supply,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketItem {
    pub kind: ItemKind,
    /// Who posts it: an enterprise's name (with its record id when known) or an officer on its behalf.
    pub poster: String,
    pub enterprise_id: Option<i64>,
    /// Product or service, short.
    pub title: String,
    pub description: Option<String>,
    /// The chain node it belongs to, when known.
    pub node: Option<String>,
    /// Free text: "2,000 sets a year", "50 t/month".
    pub quantity: Option<String>,
    pub region_code: Option<String>,
    /// Last day it stands.
    pub valid_until: Option<NaiveDate>,
    pub posted_on: NaiveDate,
    pub synthetic: bool,
}

/// A field of an item that is not acceptable, with its field name and a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl MarketItem {
    /// Check lengths and dates (node and region are checked by the caller against the taxonomy and regions).
    pub fn check(&self) -> Result<(), ItemProblem> {
        let bad = |field, code, message: String| Err(ItemProblem { field, code, message });
        let len = |s: &str| s.chars().count();
        if self.title.trim().is_empty() {
            return bad("title", "missing", "请说明供给或需求的内容 / say what is offered or needed".into());
        }
        if len(&self.title) > 200 {
            return bad("title", "too_long", "标题超过 200 个字符 / the title is longer than 200 characters".into());
        }
        if self.poster.trim().is_empty() {
            return bad("poster", "missing", "请说明发布者 / say who posts it".into());
        }
        if len(&self.poster) > 200 {
            return bad("poster", "too_long", "发布者名称超过 200 个字符 / the poster is longer than 200 characters".into());
        }
        if self.description.as_deref().is_some_and(|d| len(d) > 4000) {
            return bad("description", "too_long", "描述超过 4000 个字符 / the description is longer than 4000 characters".into());
        }
        if self.quantity.as_deref().is_some_and(|q| len(q) > 200) {
            return bad("quantity", "too_long", "数量超过 200 个字符 / the quantity is longer than 200 characters".into());
        }
        if let Some(v) = self.valid_until {
            if v < self.posted_on {
                return bad(
                    "valid_until",
                    "in_the_past",
                    format!("有效期 {v} 早于发布日期 {p} / {v} is before the posting date {p}", p = self.posted_on),
                );
            }
        }
        Ok(())
    }

    pub fn is_active(&self, on: NaiveDate) -> bool {
        self.valid_until.is_none_or(|v| v >= on)
    }
}
