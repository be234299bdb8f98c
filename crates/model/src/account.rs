//! Accounts and roles. Who may do what is decided by the server from the role and its scope: the 板块 an officer
//! works for, the department of department staff, the enterprise of an enterprise user.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, targets and data; reads and writes everything.
    Admin,
    /// City or district leadership: reads everything, writes nothing.
    Leader,
    /// Investment-promotion officer: writes projects and leads in their 板块 only.
    Officer,
    /// Department staff: works the approval items and requests of their department.
    Department,
    /// An enterprise's user: its own requests and postings only.
    Enterprise,
}

impl Role {
    pub const ALL: [Role; 5] = [Self::Admin, Self::Leader, Self::Officer, Self::Department, Self::Enterprise];
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Ok(match s.trim() {
            "admin" | "管理员" => Self::Admin,
            "leader" | "领导" => Self::Leader,
            "officer" | "招商人员" => Self::Officer,
            "department" | "部门" => Self::Department,
            "enterprise" | "企业" => Self::Enterprise,
            other => return Err(ValidationError::UnknownValue(other.to_string())),
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Leader => "leader",
            Self::Officer => "officer",
            Self::Department => "department",
            Self::Enterprise => "enterprise",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Admin => "管理员",
            Self::Leader => "领导",
            Self::Officer => "招商人员",
            Self::Department => "部门人员",
            Self::Enterprise => "企业用户",
        }
    }
}

/// A local account. The password is kept only as an Argon2id hash (PHC string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub role: Role,
    /// For officers: the 板块 (region codes) they work for.
    pub regions: Vec<String>,
    /// For department staff: their department's name, as written on checklist items and routing rules.
    pub department: Option<String>,
    /// For enterprise users: the enterprise's row id.
    pub enterprise_id: Option<i64>,
    pub active: bool,
    /// Set for one-time passwords: nothing but a password change is allowed until it is changed.
    pub must_change: bool,
    pub failed_logins: u32,
    /// RFC 3339; logins are refused until then.
    pub locked_until: Option<String>,
    pub created_at: String,
}

impl Account {
    /// Check a username: 3–40 letters, digits, `.`, `_` or `-`.
    pub fn check_username(name: &str) -> Result<(), ValidationError> {
        let n = name.chars().count();
        if !(3..=40).contains(&n) || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err(ValidationError::Rule {
                zh: format!("用户名 '{name}' 应为 3–40 个字母、数字、'.'、'_' 或 '-'"),
                en: format!("username '{name}' must be 3–40 letters, digits, '.', '_' or '-'"),
            });
        }
        Ok(())
    }
    /// Check a new password: at least 10 characters with letters and digits.
    pub fn check_password(pw: &str) -> Result<(), ValidationError> {
        if pw.chars().count() < 10 || !pw.chars().any(|c| c.is_alphabetic()) || !pw.chars().any(|c| c.is_ascii_digit()) {
            return Err(ValidationError::Rule {
                zh: "密码至少 10 个字符，且须同时包含字母和数字".into(),
                en: "a password needs at least 10 characters, with letters and digits".into(),
            });
        }
        Ok(())
    }
}
