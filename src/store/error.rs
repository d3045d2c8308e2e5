//! store/error: what can go wrong in the document store, as a type and as a sentence for the
//! user in their language.

use thiserror::Error;

/// An error of the document store. Every variant reaches the user through [`StoreError::message`].
#[derive(Clone, Debug, Error, PartialEq)]
pub enum StoreError {
    /// The revision given is not the document's current one (someone else saved first).
    #[error("conflict on document {id}")]
    Conflict { id: String },
    /// No such document, or it was deleted.
    #[error("document {id} not found")]
    NotFound { id: String },
    /// The browser refused to store more data.
    #[error("storage quota exceeded")]
    QuotaExceeded,
    /// A schema upgrade waits for another tab that still has the old version open.
    #[error("database upgrade blocked by another tab")]
    Blocked,
    /// A stored record could not be read.
    #[error("document {id} is corrupt: {reason}")]
    Corrupt { id: String, reason: String },
    /// The request itself is malformed (bad id, bad revision, unknown index).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The storage engine failed (IndexedDB error, closed database).
    #[error("storage error: {0}")]
    Backend(String),
}

impl StoreError {
    /// A sentence for the user, in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (StoreError::Conflict { .. }, true) => {
                "保存失败：该记录已被他人修改，请刷新后再试。".to_string()
            }
            (StoreError::Conflict { .. }, false) => {
                "Not saved: someone else changed this record in the meantime. Reload it and try again."
                    .to_string()
            }
            (StoreError::NotFound { .. }, true) => "找不到该记录，可能已被删除。".to_string(),
            (StoreError::NotFound { .. }, false) => {
                "This record was not found; it may have been deleted.".to_string()
            }
            (StoreError::QuotaExceeded, true) => {
                "浏览器存储空间已满，请导出备份并清理旧数据后再试。".to_string()
            }
            (StoreError::QuotaExceeded, false) => {
                "The browser's storage is full. Export a backup and remove old data, then try again."
                    .to_string()
            }
            (StoreError::Blocked, true) => {
                "数据库需要升级，请关闭本应用的其他标签页后刷新。".to_string()
            }
            (StoreError::Blocked, false) => {
                "The database needs an upgrade: close the app's other tabs, then reload this one."
                    .to_string()
            }
            (StoreError::Corrupt { id, .. }, true) => {
                format!("记录 {id} 已损坏，无法读取；其余数据不受影响。")
            }
            (StoreError::Corrupt { id, .. }, false) => {
                format!("Record {id} is damaged and cannot be read; the rest of the data is fine.")
            }
            (StoreError::Invalid(why), true) => format!("请求无效：{why}"),
            (StoreError::Invalid(why), false) => format!("Invalid request: {why}"),
            (StoreError::Backend(why), true) => format!("浏览器存储出错：{why}"),
            (StoreError::Backend(why), false) => format!("The browser's storage failed: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_both_languages() {
        let all = [
            StoreError::Conflict { id: "a".into() },
            StoreError::NotFound { id: "a".into() },
            StoreError::QuotaExceeded,
            StoreError::Blocked,
            StoreError::Corrupt {
                id: "a".into(),
                reason: "x".into(),
            },
            StoreError::Invalid("x".into()),
            StoreError::Backend("x".into()),
        ];
        for e in all {
            let (zh, en) = (e.message(true), e.message(false));
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{e:?}");
            assert!(zh.chars().any(|c| c > '\u{2e80}'), "{zh}");
        }
    }
}
