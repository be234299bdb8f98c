//! What can go wrong in a store, whatever database is behind it. Each error has a stable machine code
//! ([`StoreError::code`]) that the server and the tests match on, and a bilingual message for people. The database's
//! own wording never is the message: it travels as the error's `source`, for the log.

use thiserror::Error;

/// The database's own error, kept for the log (type-erased, so that no back-end's type is part of this crate's API).
pub type DbDetail = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The database failed or refused an operation. What it said is the [`std::error::Error::source`] of this error
    /// (see [`StoreError::detail`]), not its message.
    #[error("数据库错误 / database error")]
    Db(#[source] DbDetail),
    #[error("{0} 处的数据库由更新版本的 Chainscope 写入（结构版本 {1}），请升级 Chainscope / the store at {0} was written by a newer Chainscope (schema version {1}); upgrade Chainscope")]
    TooNew(String, i64),
    #[error("存储的记录已损坏：{0} / stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("无法创建数据目录 {0}：{1} / cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("{0} 已被他人修改（应为版本 {1}，实为 {2}） / version conflict on {0}: it was changed by someone else (expected version {1}, found {2})")]
    Conflict(String, i64, i64),
    #[error("未找到：{0} / not found: {0}")]
    NotFound(String),
    #[error("已存在：{0} / already exists: {0}")]
    Exists(String),
    /// Another connection held the lock this operation needed for longer than the store waits; trying again later
    /// may succeed. What the database said is the error's source, for the log.
    #[error("数据库繁忙，请稍后重试 / the database is busy; try again shortly")]
    Busy(#[source] DbDetail),
    /// The operation was stopped through an [`crate::Interrupter`] before it finished; nothing it would have
    /// written was kept.
    #[error("操作已中止 / the operation was stopped before it finished")]
    Interrupted,
}

impl StoreError {
    /// A database error from what the database said (for back-ends: the text goes to the log, never to the message).
    pub fn db(detail: impl Into<DbDetail>) -> Self {
        Self::Db(detail.into())
    }

    /// The stable machine code of this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Db(_) => "database_error",
            Self::TooNew(..) => "store_too_new",
            Self::Corrupt(_) => "store_corrupt",
            Self::DataDir(..) => "data_dir",
            Self::Conflict(..) => "version_conflict",
            Self::NotFound(_) => "not_found",
            Self::Exists(_) => "already_exists",
            Self::Busy(_) => "busy",
            Self::Interrupted => "interrupted",
        }
    }

    /// What the database itself said, for the log; `None` for the errors the store words itself.
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::Db(e) | Self::Busy(e) => Some(e.to_string()),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_database_error_keeps_the_database_text_out_of_its_message() {
        let said = "no such table: enterprise_secret_columns";
        let e = StoreError::db(said);
        assert_eq!(e.to_string(), "数据库错误 / database error");
        assert!(!format!("{e}").contains("enterprise_secret_columns"));
        assert_eq!(e.code(), "database_error");
        assert_eq!(e.detail().as_deref(), Some(said));
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some(said));
    }

    #[test]
    fn codes_are_stable() {
        let io = || std::io::Error::other("x");
        let all = [
            (StoreError::db("x"), "database_error"),
            (StoreError::TooNew("p".into(), 9), "store_too_new"),
            (StoreError::Corrupt("c".into()), "store_corrupt"),
            (StoreError::DataDir("d".into(), io()), "data_dir"),
            (StoreError::Conflict("p1".into(), 1, 2), "version_conflict"),
            (StoreError::NotFound("n".into()), "not_found"),
            (StoreError::Exists("e".into()), "already_exists"),
            (StoreError::Busy("database is locked".into()), "busy"),
            (StoreError::Interrupted, "interrupted"),
        ];
        for (e, code) in all {
            assert_eq!(e.code(), code);
            assert!(e.to_string().contains(" / "), "bilingual: {e}");
            assert!(e.detail().is_none() || code == "database_error" || code == "busy");
        }
    }
}
