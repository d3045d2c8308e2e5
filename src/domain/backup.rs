//! backup: the JSON backup file (`"format": "kefu-backup"`), written from and read into the
//! store's documents, and checked before anything is imported.
//!
//! ```json
//! { "format": "kefu-backup", "version": 1, "exported_at": "2026-11-23T10:00:00",
//!   "branch": { "name": "…", "code": "…" },
//!   "docs": [ { "_id": "complaint:01…", "_rev": "3-…", "type": "complaint", … } ],
//!   "conflicts": [ { "_id": "complaint:01…", "_rev": "3-…", "type": "complaint", … } ] }
//! ```
//!
//! `conflicts` (absent when there are none; a build before it ignores it) holds the other
//! versions of documents in `docs` that were waiting for staff to choose one (Settings →
//! Sync): without them a restore would silently keep only the winning version.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ids::type_of;
use super::records::reads_as_record;
use super::settings::Branch;

/// The format tag every backup carries.
pub const BACKUP_FORMAT: &str = "kefu-backup";

/// The newest backup version this build reads and the one it writes.
pub const BACKUP_VERSION: u64 = 1;

/// A backup file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackupFile {
    pub format: String,
    pub version: u64,
    /// Local time of the export.
    pub exported_at: NaiveDateTime,
    pub branch: Branch,
    /// The documents as stored (with `_id`, `_rev` and `type`).
    pub docs: Vec<Value>,
    /// Other versions of documents in `docs` (conflicting revisions, each with `_id` and its
    /// own `_rev`), waiting for staff to choose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Value>,
}

/// What a valid backup holds, to show before importing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub version: u64,
    pub exported_at: NaiveDateTime,
    pub branch: Branch,
    /// Live documents per type.
    pub counts: BTreeMap<String, usize>,
    /// Deletion markers (`"_deleted": true`).
    pub deleted: usize,
    pub total: usize,
    /// Other versions waiting for staff to choose (conflicts).
    pub conflicts: usize,
    /// Active managers among its staff: none (with staff) leaves the administration open to
    /// anyone once imported, as on a new device.
    pub active_managers: usize,
}

/// What a file picked as a backup that is no JSON at all looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherFile {
    /// No text: an Excel workbook (.xlsx, a zip; an old .xls) or another binary file.
    Workbook,
    /// A table of text: its first line holds commas, tabs or semicolons (a CSV).
    Table,
    Other,
}

impl OtherFile {
    /// What `text`, read from a file, looks like, when it is no JSON (None: it may be JSON).
    pub fn of(text: &str) -> Option<OtherFile> {
        let start = text.trim_start();
        if start.starts_with('{') || start.starts_with('[') || start.starts_with('"') {
            return None;
        }
        if start.starts_with("PK\u{3}\u{4}") || start.starts_with('\u{FFFD}') {
            return Some(OtherFile::Workbook);
        }
        let first = start.lines().next().unwrap_or("");
        Some(if first.contains([',', '\t', ';', '，']) {
            OtherFile::Table
        } else {
            OtherFile::Other
        })
    }
}

/// Why a backup cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupError {
    /// Nothing in the file.
    Empty,
    /// Not JSON from its first character: another kind of file picked by mistake.
    NotJson(OtherFile),
    /// Not JSON at all (or cut short).
    Malformed {
        line: usize,
        column: usize,
        detail: String,
    },
    /// JSON, but not an object at the top.
    NotAnObject,
    /// Not a Kefu backup: the format tag is missing or different.
    ForeignFile {
        found: Option<String>,
    },
    /// Written by a newer version of Kefu.
    FutureVersion {
        found: u64,
        supported: u64,
    },
    MissingField(&'static str),
    InvalidField {
        field: &'static str,
        detail: String,
    },
    /// `docs[index]` is not an object.
    DocNotAnObject {
        index: usize,
    },
    DocWithoutId {
        index: usize,
    },
    DocWithoutType {
        index: usize,
        id: String,
    },
    /// The id's type prefix and the `type` field disagree.
    IdTypeMismatch {
        id: String,
        doc_type: String,
    },
    /// The same `_id` appears twice.
    Duplicate {
        id: String,
    },
    /// `conflicts[index]` is not another version of a live document in `docs` (no `_id` or
    /// `_rev`, an id `docs` lacks or holds deleted, the winner's own revision, twice).
    StrayConflict {
        index: usize,
        id: String,
    },
    /// A document of a type this version knows that does not read as its record (a status
    /// that does not exist, a date that is not one): the app could not show it.
    DamagedRecord {
        index: usize,
        id: String,
        detail: String,
    },
}

impl BackupError {
    pub fn zh(&self) -> String {
        const WHAT: &str = "备份是“导出全部数据（JSON）”保存的 .json 文件";
        match self {
            BackupError::Empty => "所选文件是空的，不是备份文件".into(),
            BackupError::NotJson(OtherFile::Workbook) => {
                format!("所选文件不是文本（可能是 Excel 工作簿或压缩包），不是客服系统的备份：{WHAT}")
            }
            BackupError::NotJson(OtherFile::Table) => format!(
                "这是 CSV 表格，不是客服系统的备份（客户名单请在“客户 › 从 CSV 导入”中导入）：{WHAT}"
            ),
            BackupError::NotJson(OtherFile::Other) => {
                format!("这不是客服系统的备份文件：{WHAT}")
            }
            BackupError::Malformed { line, column, .. } => {
                format!("文件不是有效的 JSON（第 {line} 行第 {column} 列附近出错），可能已损坏或不完整")
            }
            BackupError::NotAnObject => "文件内容不是客服系统的备份".into(),
            BackupError::ForeignFile { found: None } => {
                "这不是客服系统的备份文件（缺少格式标记）".into()
            }
            BackupError::ForeignFile { found: Some(f) } => {
                format!("这不是客服系统的备份文件（格式为“{f}”）")
            }
            BackupError::FutureVersion { found, supported } => format!(
                "备份由更新的版本导出（第 {found} 版），本程序只能读取第 {supported} 版及以前的备份，请先升级"
            ),
            BackupError::MissingField(field) => format!("备份缺少“{field}”"),
            BackupError::InvalidField {
                field: "exported_at",
                ..
            } => "备份中的导出时间“exported_at”不是有效的日期时间（应如 2026-11-23T10:00:00）".into(),
            BackupError::InvalidField { field, .. } => format!("备份中的“{field}”格式不正确"),
            BackupError::DocNotAnObject { index } => format!("第 {} 条记录不是对象", index + 1),
            BackupError::DocWithoutId { index } => format!("第 {} 条记录缺少 _id", index + 1),
            BackupError::DocWithoutType { index, id } => {
                format!("第 {} 条记录（{id}）缺少 type", index + 1)
            }
            BackupError::IdTypeMismatch { id, doc_type } => {
                format!("记录 {id} 的类型“{doc_type}”与编号不符")
            }
            BackupError::Duplicate { id } => format!("记录 {id} 重复出现"),
            BackupError::StrayConflict { index, id } => format!(
                "待选择版本中的第 {} 条（{id}）不是备份中某条记录的另一版本",
                index + 1
            ),
            BackupError::DamagedRecord { index, id, detail } => {
                format!(
                    "第 {} 条记录（{id}）内容有误，无法读取（{}）",
                    index + 1,
                    plain_detail(detail, true)
                )
            }
        }
    }

    pub fn en(&self) -> String {
        const WHAT: &str = "a backup is the .json file that “Export all data (JSON)” saves";
        match self {
            BackupError::Empty => "The file is empty: it is not a backup".into(),
            BackupError::NotJson(OtherFile::Workbook) => {
                format!("The file is not text (an Excel workbook or an archive, perhaps), not a Kefu backup: {WHAT}")
            }
            BackupError::NotJson(OtherFile::Table) => format!(
                "This is a CSV table, not a Kefu backup (a customer list is imported under Customers › Import CSV): {WHAT}"
            ),
            BackupError::NotJson(OtherFile::Other) => {
                format!("This is not a Kefu backup file: {WHAT}")
            }
            BackupError::Malformed { line, column, .. } => format!(
                "The file is not valid JSON (error near line {line}, column {column}); it may be damaged or incomplete"
            ),
            BackupError::NotAnObject => "The file's content is not a Kefu backup".into(),
            BackupError::ForeignFile { found: None } => {
                "This is not a Kefu backup file (no format tag)".into()
            }
            BackupError::ForeignFile { found: Some(f) } => {
                format!("This is not a Kefu backup file (its format is “{f}”)")
            }
            BackupError::FutureVersion { found, supported } => format!(
                "The backup was written by a newer version (format {found}); this version reads up to format {supported}. Please update first"
            ),
            BackupError::MissingField(field) => format!("The backup has no “{field}”"),
            BackupError::InvalidField { field, detail } => {
                format!("The backup's “{field}” is not valid: {detail}")
            }
            BackupError::DocNotAnObject { index } => {
                format!("Record {} is not an object", index + 1)
            }
            BackupError::DocWithoutId { index } => format!("Record {} has no _id", index + 1),
            BackupError::DocWithoutType { index, id } => {
                format!("Record {} ({id}) has no type", index + 1)
            }
            BackupError::IdTypeMismatch { id, doc_type } => {
                format!("Record {id} has type “{doc_type}”, which does not match its id")
            }
            BackupError::Duplicate { id } => format!("Record {id} appears more than once"),
            BackupError::StrayConflict { index, id } => format!(
                "Version {} waiting to be chosen ({id}) is not another version of a record in the backup",
                index + 1
            ),
            BackupError::DamagedRecord { index, id, detail } => {
                format!(
                    "Record {} ({id}) is damaged and cannot be read ({})",
                    index + 1,
                    plain_detail(detail, false)
                )
            }
        }
    }
}

/// What is wrong with a record that does not read, in words: the reading's own message names
/// the value or field in code terms ("unknown variant `x`, expected one of `a`, `b`…"), which
/// is kept to the value or field it names.
fn plain_detail(detail: &str, zh: bool) -> String {
    let quoted = |after: &str| {
        detail
            .split_once(after)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_string)
    };
    if let Some(v) = quoted("unknown variant `") {
        return if zh {
            format!("“{v}”不是该项可取的值")
        } else {
            format!("“{v}” is not a value this version knows")
        };
    }
    if let Some(f) = quoted("missing field `") {
        return if zh {
            format!("缺少“{f}”")
        } else {
            format!("“{f}” is missing")
        };
    }
    if let Some(f) = quoted("unknown field `") {
        return if zh {
            format!("有不认识的字段“{f}”")
        } else {
            format!("it has a field this version does not know, “{f}”")
        };
    }
    if detail.starts_with("invalid type") || detail.starts_with("invalid value") {
        return if zh {
            "某一项的值类型不对".into()
        } else {
            "a field holds the wrong kind of value".into()
        };
    }
    if zh {
        "内容与记录格式不符".into()
    } else {
        "its content does not match the record's format".into()
    }
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for BackupError {}

fn non_empty_str<'a>(doc: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    doc.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// What [`check_docs`] counts: documents per type, and deletion markers.
type Counted = (BTreeMap<String, usize>, usize);

/// Check every document: an object with `_id` and `type` that agree, no id twice, and, when
/// `records`, each of a known type readable as its record (a restore must not bring in what
/// the pages cannot show). Deletion markers (`"_deleted": true`) need no `type`. Returns
/// (counts per type, deleted).
fn check_docs(docs: &[Value], records: bool) -> Result<Counted, BackupError> {
    let mut seen = HashSet::new();
    let mut counts = BTreeMap::new();
    let mut deleted = 0;
    for (index, doc) in docs.iter().enumerate() {
        let obj = doc
            .as_object()
            .ok_or(BackupError::DocNotAnObject { index })?;
        let id = non_empty_str(obj, "_id").ok_or(BackupError::DocWithoutId { index })?;
        if !seen.insert(id.to_string()) {
            return Err(BackupError::Duplicate { id: id.into() });
        }
        let is_deleted = obj.get("_deleted").and_then(Value::as_bool) == Some(true);
        match non_empty_str(obj, "type") {
            Some(doc_type) => {
                if type_of(id) != Some(doc_type) {
                    return Err(BackupError::IdTypeMismatch {
                        id: id.into(),
                        doc_type: doc_type.into(),
                    });
                }
                if is_deleted {
                    deleted += 1;
                } else {
                    if records {
                        reads_as_record(doc_type, doc).map_err(|detail| {
                            BackupError::DamagedRecord {
                                index,
                                id: id.into(),
                                detail,
                            }
                        })?;
                    }
                    *counts.entry(doc_type.to_string()).or_insert(0) += 1;
                }
            }
            None if is_deleted => deleted += 1,
            None => {
                return Err(BackupError::DocWithoutType {
                    index,
                    id: id.into(),
                })
            }
        }
    }
    Ok((counts, deleted))
}

/// Check the other versions: each an object with `_id` and `_rev`, of a live document in
/// `docs` (of its type), not that document's own revision nor listed twice, and, when
/// `records`, readable as its record like the documents. Returns how many there are.
fn check_conflicts(
    docs: &[Value],
    conflicts: &[Value],
    records: bool,
) -> Result<usize, BackupError> {
    let live: BTreeMap<&str, (&str, Option<&str>)> = docs
        .iter()
        .filter_map(Value::as_object)
        .filter(|d| d.get("_deleted").and_then(Value::as_bool) != Some(true))
        .filter_map(|d| {
            let id = non_empty_str(d, "_id")?;
            Some((
                id,
                (
                    non_empty_str(d, "_rev").unwrap_or(""),
                    non_empty_str(d, "type"),
                ),
            ))
        })
        .collect();
    let mut seen = HashSet::new();
    for (index, other) in conflicts.iter().enumerate() {
        let stray = |id: &str| BackupError::StrayConflict {
            index,
            id: id.to_string(),
        };
        let obj = other.as_object().ok_or_else(|| stray(""))?;
        let id = non_empty_str(obj, "_id").ok_or_else(|| stray(""))?;
        let rev = non_empty_str(obj, "_rev").ok_or_else(|| stray(id))?;
        let (winner_rev, doc_type) = live.get(id).ok_or_else(|| stray(id))?;
        if rev == *winner_rev
            || !seen.insert((id, rev))
            || obj.get("_deleted").and_then(Value::as_bool) == Some(true)
            || non_empty_str(obj, "type") != *doc_type
        {
            return Err(stray(id));
        }
        if records {
            if let Some(t) = doc_type {
                reads_as_record(t, other).map_err(|detail| BackupError::DamagedRecord {
                    index,
                    id: id.into(),
                    detail,
                })?;
            }
        }
    }
    Ok(conflicts.len())
}

/// Read and check a backup, returning the file. Nothing is imported on any error.
pub fn read_backup(text: &str) -> Result<BackupFile, BackupError> {
    read_checked(text).map(|(file, _)| file)
}

/// [`read_backup`], with what [`check_docs`] counted.
fn read_checked(text: &str) -> Result<(BackupFile, Counted), BackupError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(BackupError::Empty);
    }
    if let Some(other) = OtherFile::of(text) {
        return Err(BackupError::NotJson(other));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| BackupError::Malformed {
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    let Value::Object(mut top) = value else {
        return Err(BackupError::NotAnObject);
    };
    match top.get("format") {
        Some(Value::String(f)) if f == BACKUP_FORMAT => {}
        Some(Value::String(f)) => {
            return Err(BackupError::ForeignFile {
                found: Some(f.clone()),
            })
        }
        _ => return Err(BackupError::ForeignFile { found: None }),
    }
    let version = match top.get("version") {
        None => return Err(BackupError::MissingField("version")),
        Some(v) => v
            .as_u64()
            .filter(|v| *v >= 1)
            .ok_or_else(|| BackupError::InvalidField {
                field: "version",
                detail: format!("expected a whole number from 1, found {v}"),
            })?,
    };
    if version > BACKUP_VERSION {
        return Err(BackupError::FutureVersion {
            found: version,
            supported: BACKUP_VERSION,
        });
    }
    let mut take = |field: &'static str| top.remove(field).ok_or(BackupError::MissingField(field));
    let exported_at = take("exported_at")?;
    let branch = take("branch")?;
    let docs = take("docs")?;
    // Said in plain words, with what was found: the parser's own ("input contains invalid
    // characters") tells a person nothing.
    let exported_at: NaiveDateTime = serde_json::from_value(exported_at.clone()).map_err(|_| {
        let found = match &exported_at {
            Value::String(s) => format!("“{}”", s.chars().take(40).collect::<String>()),
            other => other.to_string().chars().take(40).collect(),
        };
        BackupError::InvalidField {
            field: "exported_at",
            detail: format!("expected a date and time such as 2026-11-23T10:00:00, found {found}"),
        }
    })?;
    let branch: Branch = serde_json::from_value(branch).map_err(|e| BackupError::InvalidField {
        field: "branch",
        detail: e.to_string(),
    })?;
    let Value::Array(docs) = docs else {
        return Err(BackupError::InvalidField {
            field: "docs",
            detail: "expected a list".into(),
        });
    };
    let conflicts = match top.remove("conflicts") {
        None => Vec::new(),
        Some(Value::Array(c)) => c,
        Some(_) => {
            return Err(BackupError::InvalidField {
                field: "conflicts",
                detail: "expected a list".into(),
            })
        }
    };
    let counted = check_docs(&docs, true)?;
    check_conflicts(&docs, &conflicts, true)?;
    Ok((
        BackupFile {
            format: BACKUP_FORMAT.into(),
            version,
            exported_at,
            branch,
            docs,
            conflicts,
        },
        counted,
    ))
}

/// Check a backup and say what it holds.
pub fn validate_backup(text: &str) -> Result<BackupSummary, BackupError> {
    let (file, (counts, deleted)) = read_checked(text)?;
    let active_managers = file
        .docs
        .iter()
        .filter(|d| {
            d.get("type").and_then(Value::as_str) == Some("staff")
                && d.get("_deleted").and_then(Value::as_bool) != Some(true)
                && d.get("role").and_then(Value::as_str) == Some("manager")
                && d.get("active").and_then(Value::as_bool) != Some(false)
        })
        .count();
    Ok(BackupSummary {
        version: file.version,
        exported_at: file.exported_at,
        branch: file.branch,
        total: file.docs.len(),
        counts,
        deleted,
        conflicts: file.conflicts.len(),
        active_managers,
    })
}

/// Write a backup of `docs` (as the store holds them) and the other versions of some of them
/// waiting for staff to choose (`conflicts`); refuses documents a restore would refuse.
pub fn write_backup(
    branch: &Branch,
    exported_at: NaiveDateTime,
    docs: Vec<Value>,
    conflicts: Vec<Value>,
) -> Result<String, BackupError> {
    // Not each record's reading: a record the pages cannot read is still the user's data, and
    // is kept in the file (a restore names it).
    check_docs(&docs, false)?;
    check_conflicts(&docs, &conflicts, false)?;
    let file = BackupFile {
        format: BACKUP_FORMAT.into(),
        version: BACKUP_VERSION,
        exported_at,
        branch: branch.clone(),
        docs,
        conflicts,
    };
    serde_json::to_string_pretty(&file).map_err(|e| BackupError::InvalidField {
        field: "docs",
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn branch() -> Branch {
        Branch {
            name: "郑州营业部".into(),
            code: "ZZ01".into(),
        }
    }

    fn at() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-23 10:00", "%Y-%m-%d %H:%M").unwrap()
    }

    /// A complaint as the store holds it, with what a case needs to be read.
    fn complaint(id: &str, rev: &str, case_no: &str) -> Value {
        json!({"_id": id, "_rev": rev, "type": "complaint", "case_no": case_no, "branch_code": "ZZ01",
            "complainant": {"name": "周杰", "phone": "13988887777", "email": "", "address": ""},
            "channel": "phone", "received_at": "2026-11-20T09:30:00", "event_place": "",
            "narrative": "委托未能及时成交", "preliminary_opinion": "", "status": "classified",
            "rounds": [{"number": 1, "opened_at": "2026-11-20T09:30:00"}], "history": []})
    }

    fn docs() -> Vec<Value> {
        vec![
            complaint("complaint:01A", "2-x", "TS-1"),
            complaint("complaint:01B", "1-y", "TS-2"),
            json!({"_id": "staff:01C", "_rev": "1-z", "type": "staff", "name": "王芳", "role": "specialist",
                "pin_hash": {"salt": "00", "iterations": 1, "hash": "00"}}),
            json!({"_id": "settings:branch", "_rev": "4-w", "type": "settings"}),
            json!({"_id": "complaint:01D", "_rev": "3-v", "_deleted": true}),
        ]
    }

    fn text_with(edit: impl FnOnce(&mut Map<String, Value>)) -> String {
        let text = write_backup(&branch(), at(), docs(), Vec::new()).unwrap();
        let mut v: Value = serde_json::from_str(&text).unwrap();
        edit(v.as_object_mut().unwrap());
        v.to_string()
    }

    #[test]
    fn a_written_backup_validates_and_reads_back() {
        let text = write_backup(&branch(), at(), docs(), Vec::new()).unwrap();
        let s = validate_backup(&text).unwrap();
        assert_eq!(s.version, 1);
        assert_eq!(s.exported_at, at());
        assert_eq!(s.branch, branch());
        assert_eq!(s.total, 5);
        assert_eq!(s.deleted, 1);
        assert_eq!(
            s.counts,
            BTreeMap::from([
                ("complaint".to_string(), 2),
                ("settings".to_string(), 1),
                ("staff".to_string(), 1),
            ])
        );
        // Its one staff member is a specialist: no active manager.
        assert_eq!(s.active_managers, 0);
        let file = read_backup(&text).unwrap();
        assert_eq!(file.docs, docs());
        let managers = |docs: Vec<Value>| {
            let text = write_backup(&branch(), at(), docs, Vec::new()).unwrap();
            validate_backup(&text).unwrap().active_managers
        };
        let manager = |id: &str, active: Option<bool>| {
            let mut m = json!({"_id": id, "_rev": "1-m", "type": "staff", "name": "王经理", "role": "manager",
                "pin_hash": {"salt": "00", "iterations": 1, "hash": "00"}});
            if let Some(a) = active {
                m["active"] = json!(a);
            }
            m
        };
        assert_eq!(managers(vec![manager("staff:01M", None)]), 1);
        assert_eq!(managers(vec![manager("staff:01M", Some(false))]), 0);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], "kefu-backup");
        assert_eq!(v["version"], 1);
        assert_eq!(v["exported_at"], "2026-11-23T10:00:00");
        // A byte-order mark in front (an editor may add one) is tolerated.
        assert!(validate_backup(&format!("\u{feff}{text}")).is_ok());
    }

    #[test]
    fn malformed_and_foreign_files_are_refused() {
        let text = write_backup(&branch(), at(), docs(), Vec::new()).unwrap();
        let cut = &text[..text.len() / 2];
        assert!(matches!(
            validate_backup(cut),
            Err(BackupError::Malformed { .. })
        ));
        assert_eq!(validate_backup("[1,2]"), Err(BackupError::NotAnObject));
        assert_eq!(
            validate_backup(r#"{"docs": []}"#),
            Err(BackupError::ForeignFile { found: None })
        );
        assert_eq!(
            validate_backup(&text_with(|o| {
                o.insert("format".into(), json!("pouchdb-dump"));
            })),
            Err(BackupError::ForeignFile {
                found: Some("pouchdb-dump".into())
            })
        );
        assert_eq!(
            validate_backup(&text_with(|o| {
                o.insert("format".into(), json!(7));
            })),
            Err(BackupError::ForeignFile { found: None })
        );
    }

    /// Another kind of file picked by mistake is named as what it looks like, with what a
    /// backup is, not reported as damaged JSON.
    #[test]
    fn files_of_other_kinds_are_named() {
        assert_eq!(validate_backup(""), Err(BackupError::Empty));
        assert_eq!(
            validate_backup(" \n\u{feff}"),
            Err(BackupError::NotJson(OtherFile::Other))
        );
        assert_eq!(validate_backup("\u{feff}\r\n "), Err(BackupError::Empty));
        let csv = "姓名,手机,账号\n周杰,13988887777,330000000001\n";
        assert_eq!(
            validate_backup(csv),
            Err(BackupError::NotJson(OtherFile::Table))
        );
        assert_eq!(
            validate_backup("name\tphone\nx\t1\n"),
            Err(BackupError::NotJson(OtherFile::Table))
        );
        let xlsx = "PK\u{3}\u{4}\u{14}\0\u{6}\0\u{8}\0\0\0!\0";
        assert_eq!(
            validate_backup(xlsx),
            Err(BackupError::NotJson(OtherFile::Workbook))
        );
        assert_eq!(
            validate_backup("\u{FFFD}\u{FFFD}\u{11}\u{FFFD}"),
            Err(BackupError::NotJson(OtherFile::Workbook))
        );
        assert_eq!(
            validate_backup("hello"),
            Err(BackupError::NotJson(OtherFile::Other))
        );
        let e = BackupError::NotJson(OtherFile::Table);
        assert!(
            e.zh().contains("CSV 表格") && e.zh().contains(".json"),
            "{}",
            e.zh()
        );
        assert!(e.en().contains("Customers › Import CSV"), "{}", e.en());
        // JSON, even cut short or of another kind, is read as JSON.
        assert!(matches!(
            validate_backup("{\"format\""),
            Err(BackupError::Malformed { .. })
        ));
        assert_eq!(validate_backup("  [1]"), Err(BackupError::NotAnObject));
    }

    #[test]
    fn versions() {
        assert_eq!(
            validate_backup(&text_with(|o| {
                o.insert("version".into(), json!(2));
            })),
            Err(BackupError::FutureVersion {
                found: 2,
                supported: 1
            })
        );
        assert_eq!(
            validate_backup(&text_with(|o| {
                o.remove("version");
            })),
            Err(BackupError::MissingField("version"))
        );
        for bad in [json!("1"), json!(0), json!(-1), json!(1.5)] {
            assert!(matches!(
                validate_backup(&text_with(|o| {
                    o.insert("version".into(), bad.clone());
                })),
                Err(BackupError::InvalidField {
                    field: "version",
                    ..
                })
            ));
        }
    }

    #[test]
    fn missing_and_invalid_fields() {
        for field in ["exported_at", "branch", "docs"] {
            assert_eq!(
                validate_backup(&text_with(|o| {
                    o.remove(field);
                })),
                Err(BackupError::MissingField(field))
            );
        }
        assert!(matches!(
            validate_backup(&text_with(|o| {
                o.insert("docs".into(), json!({"a": 1}));
            })),
            Err(BackupError::InvalidField { field: "docs", .. })
        ));
        assert!(matches!(
            validate_backup(&text_with(|o| {
                o.insert("exported_at".into(), json!("yesterday"));
            })),
            Err(BackupError::InvalidField {
                field: "exported_at",
                ..
            })
        ));
        let said = validate_backup(&text_with(|o| {
            o.insert("exported_at".into(), json!("2026-13-01T10:00:00"));
        }))
        .unwrap_err();
        assert_eq!(
            said.en(),
            "The backup's “exported_at” is not valid: expected a date and time such as \
             2026-11-23T10:00:00, found “2026-13-01T10:00:00”"
        );
    }

    #[test]
    fn bad_documents_are_refused() {
        let with_docs = |docs: Value| {
            text_with(move |o| {
                o.insert("docs".into(), docs);
            })
        };
        assert_eq!(
            validate_backup(&with_docs(json!([docs()[2], 5]))),
            Err(BackupError::DocNotAnObject { index: 1 })
        );
        assert_eq!(
            validate_backup(&with_docs(json!([{"type": "staff"}]))),
            Err(BackupError::DocWithoutId { index: 0 })
        );
        assert_eq!(
            validate_backup(&with_docs(json!([{"_id": "", "type": "staff"}]))),
            Err(BackupError::DocWithoutId { index: 0 })
        );
        assert_eq!(
            validate_backup(&with_docs(json!([{"_id": "staff:1"}]))),
            Err(BackupError::DocWithoutType {
                index: 0,
                id: "staff:1".into()
            })
        );
        assert_eq!(
            validate_backup(&with_docs(json!([{"_id": "staff:1", "type": "complaint"}]))),
            Err(BackupError::IdTypeMismatch {
                id: "staff:1".into(),
                doc_type: "complaint".into()
            })
        );
        assert_eq!(
            validate_backup(&with_docs(json!([
                complaint("complaint:1", "1-a", "TS-1"),
                complaint("complaint:2", "1-a", "TS-2"),
                complaint("complaint:1", "2-a", "TS-1"),
            ]))),
            Err(BackupError::Duplicate {
                id: "complaint:1".into()
            })
        );
        // The writer refuses what the reader would refuse.
        assert!(write_backup(&branch(), at(), vec![json!({"type": "staff"})], Vec::new()).is_err());
    }

    #[test]
    fn a_record_the_pages_could_not_read_is_refused_by_name() {
        let with_docs = |docs: Value| {
            text_with(move |o| {
                o.insert("docs".into(), docs);
            })
        };
        let mut bad_status = complaint("complaint:01B", "1-a", "TS-2");
        bad_status["status"] = json!("resolved");
        let mut bad_date = complaint("complaint:01C", "1-a", "TS-3");
        bad_date["received_at"] = json!("2026-02-30T10:00:00");
        for (bad, id) in [(bad_status, "complaint:01B"), (bad_date, "complaint:01C")] {
            let docs = json!([complaint("complaint:01A", "1-a", "TS-1"), bad.clone()]);
            match validate_backup(&with_docs(docs.clone())) {
                Err(BackupError::DamagedRecord {
                    index: 1, id: got, ..
                }) => assert_eq!(got, id),
                other => panic!("{other:?}"),
            }
            assert!(read_backup(&with_docs(docs)).is_err());
            let e = validate_backup(&with_docs(json!([bad.clone()]))).unwrap_err();
            assert!(
                e.zh().contains(id) && e.zh().contains("无法读取"),
                "{}",
                e.zh()
            );
            // Exported as it is: it is still the user's data, and a restore names it.
            assert!(write_backup(&branch(), at(), vec![bad], Vec::new()).is_ok());
        }
        // A type this version does not know is not judged.
        let newer = json!([{"_id": "gadget:1", "type": "gadget", "x": 1}]);
        assert!(validate_backup(&with_docs(newer)).is_ok());
    }

    #[test]
    fn errors_read_as_sentences_in_both_languages() {
        let errors = [
            BackupError::Malformed {
                line: 3,
                column: 9,
                detail: "eof".into(),
            },
            BackupError::NotAnObject,
            BackupError::ForeignFile { found: None },
            BackupError::FutureVersion {
                found: 2,
                supported: 1,
            },
            BackupError::MissingField("docs"),
            BackupError::DamagedRecord {
                index: 0,
                id: "complaint:1".into(),
                detail: "unknown variant".into(),
            },
            BackupError::Duplicate {
                id: "staff:1".into(),
            },
            BackupError::StrayConflict {
                index: 0,
                id: "staff:1".into(),
            },
        ];
        for e in errors {
            assert!(!e.zh().is_empty() && !e.en().is_empty());
            assert_ne!(e.zh(), e.en());
            assert_eq!(e.to_string(), e.en());
        }
        assert!(BackupError::FutureVersion {
            found: 2,
            supported: 1
        }
        .zh()
        .contains("升级"));
    }

    /// Another version of 01A's case, as a colleague's edit that arrived by sync.
    fn other_version() -> Value {
        let mut v = complaint("complaint:01A", "2-0000", "TS-1");
        v["narrative"] = json!("委托未能及时成交，已致电客户");
        v
    }

    #[test]
    fn other_versions_waiting_to_be_chosen_are_written_counted_and_read_back() {
        let text = write_backup(&branch(), at(), docs(), vec![other_version()]).unwrap();
        let s = validate_backup(&text).unwrap();
        assert_eq!((s.total, s.conflicts), (5, 1));
        let file = read_backup(&text).unwrap();
        assert_eq!(file.conflicts, vec![other_version()]);
        assert_eq!(file.docs, docs());
        // None: the field is left out (a build before it reads the file as it always did).
        let plain = write_backup(&branch(), at(), docs(), Vec::new()).unwrap();
        assert!(!plain.contains("conflicts"));
        assert_eq!(validate_backup(&plain).unwrap().conflicts, 0);
    }

    #[test]
    fn a_version_that_is_not_another_version_of_a_live_record_is_refused() {
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut other = other_version();
            edit(&mut other);
            text_with(|top| {
                top.insert("conflicts".into(), json!([other]));
            })
        };
        let stray = |text: String| match validate_backup(&text) {
            Err(BackupError::StrayConflict { index: 0, .. }) => {}
            other => panic!("expected a stray version, got {other:?}"),
        };
        // Of a record the backup lacks, or holds deleted.
        stray(with(&|v| v["_id"] = json!("complaint:01Z")));
        stray(with(&|v| v["_id"] = json!("complaint:01D")));
        // The winner's own revision, no revision, another type, a deletion.
        stray(with(&|v| v["_rev"] = json!("2-x")));
        stray(with(&|v| {
            v.as_object_mut().unwrap().remove("_rev");
        }));
        stray(with(&|v| v["type"] = json!("staff")));
        stray(with(&|v| v["_deleted"] = json!(true)));
        // Listed twice.
        let twice = text_with(|top| {
            top.insert(
                "conflicts".into(),
                json!([other_version(), other_version()]),
            );
        });
        assert!(matches!(
            validate_backup(&twice),
            Err(BackupError::StrayConflict { index: 1, .. })
        ));
        // Not a list; a version the pages could not read.
        let not_list = text_with(|top| {
            top.insert("conflicts".into(), json!({}));
        });
        assert!(matches!(
            validate_backup(&not_list),
            Err(BackupError::InvalidField {
                field: "conflicts",
                ..
            })
        ));
        assert!(matches!(
            validate_backup(&with(&|v| v["status"] = json!("lost"))),
            Err(BackupError::DamagedRecord { .. })
        ));
        // Writing refuses what reading would.
        let mut bad = other_version();
        bad["_rev"] = json!("2-x");
        assert!(write_backup(&branch(), at(), docs(), vec![bad]).is_err());
    }

    #[test]
    fn a_damaged_record_is_named_in_words_not_in_the_reading_s_code_terms() {
        let e = BackupError::DamagedRecord {
            index: 0,
            id: "complaint:01X".into(),
            detail: "unknown variant `nonsense`, expected one of `received`, `classified`".into(),
        };
        assert_eq!(
            e.en(),
            "Record 1 (complaint:01X) is damaged and cannot be read (“nonsense” is not a value this version knows)"
        );
        assert!(e.zh().contains("“nonsense”不是该项可取的值"));
        assert!(!e.zh().contains('`') && !e.en().contains("received"));
        let missing = |d: &str, zh| plain_detail(d, zh);
        assert_eq!(
            missing("missing field `rounds`", false),
            "“rounds” is missing"
        );
        assert_eq!(
            missing("invalid type: string \"x\", expected u8", true),
            "某一项的值类型不对"
        );
        assert_eq!(
            missing("premature end of input", false),
            "its content does not match the record's format"
        );
    }
}
