//! Customers (客户): the record, masking of contact data for lists, search keys, and the
//! validation of CSV imports (encoding and delimiter detection, column guessing from
//! Chinese or English headers, row checks), chunked so 50,000 rows never block the page.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::survey::Text;
use super::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CustomerKind {
    Individual,
    Institution,
}

impl CustomerKind {
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (CustomerKind::Individual, true) => "个人",
            (CustomerKind::Individual, false) => "Individual",
            (CustomerKind::Institution, true) => "机构",
            (CustomerKind::Institution, false) => "Institution",
        }
    }
}

/// Service tier (客户分层).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    Vip,
    Normal,
    New,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Vip, Tier::Normal, Tier::New];

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Tier::Vip, true) => "VIP客户",
            (Tier::Vip, false) => "VIP",
            (Tier::Normal, true) => "普通客户",
            (Tier::Normal, false) => "Normal",
            (Tier::New, true) => "新客户",
            (Tier::New, false) => "New",
        }
    }
}

/// High / medium / low: customer value (客户价值), demand intensity, service cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    High,
    Medium,
    Low,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::High, Level::Medium, Level::Low];

    /// High = 1, Medium = 0.5, Low = 0.
    pub fn weight(self) -> f64 {
        match self {
            Level::High => 1.0,
            Level::Medium => 0.5,
            Level::Low => 0.0,
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Level::High, true) => "高",
            (Level::High, false) => "High",
            (Level::Medium, true) => "中",
            (Level::Medium, false) => "Medium",
            (Level::Low, true) => "低",
            (Level::Low, false) => "Low",
        }
    }
}

/// Lifecycle (客户生命周期): new, existing (存量) or lost (流失).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lifecycle {
    New,
    Existing,
    Lost,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 3] = [Lifecycle::New, Lifecycle::Existing, Lifecycle::Lost];

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Lifecycle::New, true) => "新客户",
            (Lifecycle::New, false) => "New",
            (Lifecycle::Existing, true) => "存量客户",
            (Lifecycle::Existing, false) => "Existing",
            (Lifecycle::Lost, true) => "流失客户",
            (Lifecycle::Lost, false) => "Lost",
        }
    }
}

/// A customer. Contact data is kept to the minimum necessary (最小必要) and shown masked in
/// lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub kind: CustomerKind,
    pub name: String,
    pub tier: Tier,
    pub value: Level,
    pub lifecycle: Lifecycle,
    /// Customer / fund account number (客户号); `None` for a prospect without an account.
    #[serde(default)]
    pub account_no: Option<String>,
    /// Account-opening date; `None` for a prospect.
    #[serde(default)]
    pub account_opened: Option<NaiveDate>,
    #[serde(default)]
    pub birthday: Option<NaiveDate>,
    /// Branch id.
    pub branch: String,
    /// The staff member who looks after the customer (staff record id).
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Current journey stage id (see `journey`).
    #[serde(default)]
    pub stage: Option<String>,
}

impl Record for Customer {
    const TYPE: &'static str = "customer";
}

impl Customer {
    /// Lower-cased keys the list search matches: name, the last four digits of the phone,
    /// the account number.
    pub fn search_keys(&self) -> Vec<String> {
        let mut keys = vec![self.name.trim().to_lowercase()];
        if let Some(p) = &self.phone {
            let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.len() >= 4 {
                keys.push(digits[digits.len() - 4..].to_string());
            }
        }
        if let Some(a) = &self.account_no {
            keys.push(a.trim().to_lowercase());
        }
        keys
    }

    /// Whether the customer matches a search: part of the name, part of the account number,
    /// or exactly the last four digits of the phone. An empty query matches everyone.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return true;
        }
        let keys = self.search_keys();
        if keys[0].contains(&q) {
            return true;
        }
        if self
            .account_no
            .as_ref()
            .is_some_and(|a| a.to_lowercase().contains(&q))
        {
            return true;
        }
        q.len() == 4
            && q.chars().all(|c| c.is_ascii_digit())
            && keys.iter().skip(1).any(|k| *k == q)
    }

    /// Phone masked for lists.
    pub fn masked_phone(&self) -> String {
        self.phone.as_deref().map(mask_phone).unwrap_or_default()
    }
}

/// Keeps `keep_start` and `keep_end` characters and replaces the rest with `*`. Strings too
/// short to keep both ends are masked but for their last character (or entirely when of
/// length 1).
pub fn mask_middle(s: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n <= keep_start + keep_end {
        if n == 1 {
            return "*".into();
        }
        return "*".repeat(n - 1) + &chars[n - 1].to_string();
    }
    chars[..keep_start].iter().collect::<String>()
        + &"*".repeat(n - keep_start - keep_end)
        + &chars[n - keep_end..].iter().collect::<String>()
}

/// `mask_phone("13812341234") == "138****1234"`. Spaces and dashes are dropped first; a
/// `+86` prefix is kept visible, and so is an extension (`0371-65585533转801` →
/// `037*****5533转801`): it names a desk, not a person.
pub fn mask_phone(phone: &str) -> String {
    let (number, extension) = split_extension(phone);
    let cleaned: String = number
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let masked = match cleaned.strip_prefix("+86") {
        Some(rest) => format!("+86{}", mask_middle(rest, 3, 4)),
        None => mask_middle(&cleaned, 3, 4),
    };
    match extension {
        Some(ext) => format!("{masked}转{ext}"),
        None => masked,
    }
}

/// A phone number and its extension, if it names one after 转, 分机, `ext`, `x` or `#`
/// (`0371-65585533转801`, `010 8888 1234 ext. 12`): the extension's 1 to 6 digits. Without
/// such a word, or with anything else after it, the whole is the number.
pub fn split_extension(phone: &str) -> (&str, Option<&str>) {
    const MARKS: [&str; 7] = ["转分机", "分机", "转", "ext.", "ext", "x", "#"];
    let lower = phone.to_ascii_lowercase();
    for mark in MARKS {
        let Some(at) = lower.rfind(mark) else {
            continue;
        };
        let ext = phone[at + mark.len()..].trim();
        let number = phone[..at].trim_end().trim_end_matches([',', '，', ' ']);
        if (1..=6).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_digit()) {
            return (number, Some(ext));
        }
    }
    (phone.trim(), None)
}

/// `mask_email("zhangsan@example.com") == "z***@example.com"`.
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        _ => mask_id(email),
    }
}

/// Account numbers show their last four characters: `"310012345678"` → `"********5678"`.
pub fn mask_account(account: &str) -> String {
    mask_middle(account.trim(), 0, 4)
}

/// ID-like strings (ID card, passport, licence): first three and last four shown.
pub fn mask_id(id: &str) -> String {
    mask_middle(id.trim(), 3, 4)
}

// ---------------------------------------------------------------------------------------
// Access to contact data

/// A piece of contact data shown masked until someone asks to see it in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    Phone,
    Email,
    AccountNo,
}

impl ContactField {
    pub const ALL: [ContactField; 3] = [
        ContactField::Phone,
        ContactField::Email,
        ContactField::AccountNo,
    ];

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (ContactField::Phone, true) => "手机",
            (ContactField::Phone, false) => "Phone",
            (ContactField::Email, true) => "邮箱",
            (ContactField::Email, false) => "Email",
            (ContactField::AccountNo, true) => "客户号",
            (ContactField::AccountNo, false) => "Account no.",
        }
    }

    /// The field of a customer in full (`None` when empty).
    pub fn value_of(self, c: &Customer) -> Option<&str> {
        match self {
            ContactField::Phone => c.phone.as_deref(),
            ContactField::Email => c.email.as_deref(),
            ContactField::AccountNo => c.account_no.as_deref(),
        }
        .filter(|v| !v.trim().is_empty())
    }

    /// The field of a customer as lists show it.
    pub fn masked_of(self, c: &Customer) -> String {
        match self.value_of(c) {
            None => String::new(),
            Some(v) => match self {
                ContactField::Phone => mask_phone(v),
                ContactField::Email => mask_email(v),
                ContactField::AccountNo => mask_account(v),
            },
        }
    }
}

/// The record that someone saw a customer's contact data in full (document type
/// `access_log`, append-only): who, when, which field of which customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLog {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub customer_id: String,
    pub field: ContactField,
    /// Staff id and the name at the time.
    pub by: String,
    pub by_name: String,
    pub at: chrono::NaiveDateTime,
}

impl Record for AccessLog {
    const TYPE: &'static str = "access_log";
}

/// The last four digits of a phone number (the key the list search uses), if it has four.
pub fn phone_last4(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

// ---------------------------------------------------------------------------------------
// CSV import

/// The character encoding the file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetectedEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// GB18030, the superset of GBK and GB2312 (Excel's "CSV" on Chinese Windows).
    Gb18030,
}

impl DetectedEncoding {
    pub fn label(self) -> &'static str {
        match self {
            DetectedEncoding::Utf8 => "UTF-8",
            DetectedEncoding::Utf8Bom => "UTF-8 (BOM)",
            DetectedEncoding::Utf16Le => "UTF-16 LE",
            DetectedEncoding::Utf16Be => "UTF-16 BE",
            DetectedEncoding::Gb18030 => "GBK / GB18030",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Delimiter::Comma, true) => "逗号",
            (Delimiter::Comma, false) => "Comma",
            (Delimiter::Semicolon, true) => "分号",
            (Delimiter::Semicolon, false) => "Semicolon",
            (Delimiter::Tab, true) => "制表符",
            (Delimiter::Tab, false) => "Tab",
        }
    }
}

/// A customer field an import column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Name,
    Phone,
    AccountNo,
    Opened,
    Birthday,
    Tier,
    Value,
    Kind,
    Lifecycle,
    Email,
    Branch,
    Staff,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Name,
        Field::Phone,
        Field::AccountNo,
        Field::Opened,
        Field::Birthday,
        Field::Tier,
        Field::Value,
        Field::Kind,
        Field::Lifecycle,
        Field::Email,
        Field::Branch,
        Field::Staff,
    ];

    pub fn label(self, zh: bool) -> &'static str {
        let (z, e) = match self {
            Field::Name => ("姓名", "Name"),
            Field::Phone => ("手机", "Phone"),
            Field::AccountNo => ("客户号", "Account no."),
            Field::Opened => ("开户日期", "Account opened"),
            Field::Birthday => ("生日", "Birthday"),
            Field::Tier => ("等级", "Tier"),
            Field::Value => ("客户价值", "Value"),
            Field::Kind => ("客户类型", "Kind"),
            Field::Lifecycle => ("生命周期", "Lifecycle"),
            Field::Email => ("邮箱", "Email"),
            Field::Branch => ("营业部", "Branch"),
            Field::Staff => ("客户经理", "Account manager"),
        };
        if zh {
            z
        } else {
            e
        }
    }

    /// Header words, normalised (lower case, no spaces, `_`, `-`, `.`, `*`).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "姓名",
                "客户姓名",
                "客户名称",
                "户名",
                "名称",
                "name",
                "customername",
                "fullname",
            ],
            Field::Phone => &[
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "联系电话",
                "电话号码",
                "联系方式",
                "mobile",
                "phone",
                "phoneno",
                "phonenumber",
                "tel",
                "telephone",
                "cell",
            ],
            Field::AccountNo => &[
                "客户号",
                "客户编号",
                "资金账号",
                "资金账户",
                "账号",
                "帐号",
                "证券账户",
                "账户",
                "account",
                "accountno",
                "accountnumber",
                "acct",
                "customerno",
                "customerid",
            ],
            Field::Opened => &[
                "开户日期",
                "开户时间",
                "开户日",
                "opened",
                "opendate",
                "accountopened",
                "openingdate",
                "opened_on",
            ],
            Field::Birthday => &[
                "生日",
                "出生日期",
                "出生年月日",
                "birthday",
                "birthdate",
                "dateofbirth",
                "dob",
            ],
            Field::Tier => &[
                "等级",
                "客户等级",
                "级别",
                "客户级别",
                "分层",
                "tier",
                "level",
                "grade",
            ],
            Field::Value => &[
                "价值",
                "客户价值",
                "价值等级",
                "value",
                "valuelevel",
                "customervalue",
            ],
            Field::Kind => &[
                "类型",
                "客户类型",
                "客户类别",
                "type",
                "kind",
                "customertype",
            ],
            Field::Lifecycle => &["生命周期", "状态", "客户状态", "lifecycle", "status"],
            Field::Email => &[
                "邮箱",
                "电子邮件",
                "电子邮箱",
                "email",
                "mail",
                "emailaddress",
            ],
            Field::Branch => &["营业部", "网点", "分支机构", "branch"],
            Field::Staff => &[
                "客户经理",
                "服务人员",
                "经理",
                "负责人",
                "staff",
                "accountmanager",
                "manager",
                "owner",
            ],
        }
    }
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '*' | '\u{3000}'))
        .collect()
}

/// Which field each column fills (`None`: ignored), by column index.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub columns: Vec<Option<Field>>,
}

impl ColumnMapping {
    /// Guesses from the headers: exact synonyms first, then headers containing a synonym
    /// (e.g. "手机号码(必填)"). Each field goes to its first matching column.
    pub fn guess(headers: &[String]) -> ColumnMapping {
        let norm: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
        let mut columns: Vec<Option<Field>> = vec![None; headers.len()];
        let mut used: HashSet<Field> = HashSet::new();
        for (i, h) in norm.iter().enumerate() {
            if let Some(f) = Field::ALL
                .into_iter()
                .find(|f| !used.contains(f) && f.synonyms().contains(&h.as_str()))
            {
                columns[i] = Some(f);
                used.insert(f);
            }
        }
        // Containment, in an order that prefers the more specific field
        // ("客户价值等级" is a value, "营业部名称" a branch, "客户经理电话" a staff column).
        let order = [
            Field::Staff,
            Field::Branch,
            Field::Value,
            Field::Opened,
            Field::Birthday,
            Field::Email,
            Field::Phone,
            Field::AccountNo,
            Field::Tier,
            Field::Kind,
            Field::Lifecycle,
            Field::Name,
        ];
        for (i, h) in norm.iter().enumerate() {
            if columns[i].is_some() || h.is_empty() {
                continue;
            }
            let found = order.into_iter().find(|f| {
                !used.contains(f)
                    && f.synonyms()
                        .iter()
                        .any(|s| s.chars().count() >= 2 && h.contains(s))
            });
            if let Some(f) = found {
                columns[i] = Some(f);
                used.insert(f);
            }
        }
        ColumnMapping { columns }
    }

    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// Problems with the mapping itself: no name column, a field mapped twice.
    pub fn problems(&self) -> Vec<Text> {
        let mut out = Vec::new();
        if self.column(Field::Name).is_none() {
            out.push(Text::new("未指定“姓名”列", "No column is mapped to Name"));
        }
        for f in Field::ALL {
            if self.columns.iter().filter(|c| **c == Some(f)).count() > 1 {
                out.push(Text::new(
                    format!("“{}”对应了多列", f.label(true)),
                    format!("{} is mapped to more than one column", f.label(false)),
                ));
            }
        }
        out
    }
}

/// A validated import row, ready to become a [`Customer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub line: u64,
    pub name: String,
    pub kind: CustomerKind,
    pub tier: Tier,
    pub value: Level,
    pub lifecycle: Lifecycle,
    pub account_no: Option<String>,
    pub account_opened: Option<NaiveDate>,
    pub birthday: Option<NaiveDate>,
    /// Digits only (a `+86` prefix removed).
    pub phone: Option<String>,
    pub email: Option<String>,
    pub branch: Option<String>,
    pub staff: Option<String>,
    /// What staff should look at although the row is imported: a phone number another row
    /// of the file or an existing customer already has (family members may share one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Text>,
}

impl CustomerDraft {
    /// The customer record; `default_branch` when the row named none. `staff` from the file
    /// is a name or code the UI resolves to a staff id before calling this, if it can.
    pub fn into_customer(
        self,
        id: String,
        default_branch: &str,
        staff_id: Option<String>,
    ) -> Customer {
        Customer {
            id,
            rev: None,
            kind: self.kind,
            name: self.name,
            tier: self.tier,
            value: self.value,
            lifecycle: self.lifecycle,
            account_no: self.account_no,
            account_opened: self.account_opened,
            birthday: self.birthday,
            branch: self.branch.unwrap_or_else(|| default_branch.to_string()),
            staff_id,
            phone: self.phone,
            email: self.email,
            stage: None,
        }
    }
}

/// A row that cannot be imported, with every reason found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Line in the file (1 = the first line).
    pub line: u64,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is neither UTF-8, UTF-16 nor GBK/GB18030 text")]
    Undecodable,
    #[error("the file could not be read as CSV: {0}")]
    Csv(String),
    /// An Excel workbook (.xlsx, or an old .xls), not its CSV.
    #[error("the file is an Excel workbook, not CSV")]
    Workbook,
    /// JSON (a backup, say), not a table.
    #[error("the file is JSON, not CSV")]
    Json,
}

impl ImportError {
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (ImportError::Empty, true) => "文件为空".into(),
            (ImportError::Empty, false) => "The file is empty".into(),
            (ImportError::Undecodable, true) => {
                "无法识别文件编码（支持 UTF-8、UTF-16、GBK/GB18030）".into()
            }
            (ImportError::Undecodable, false) => {
                "The file's encoding is not recognised (UTF-8, UTF-16 and GBK/GB18030 are)".into()
            }
            (ImportError::Csv(e), true) => format!("CSV 格式有误：{e}"),
            (ImportError::Csv(e), false) => format!("The CSV is malformed: {e}"),
            (ImportError::Workbook, true) => {
                "这是 Excel 工作簿：请在 Excel 中“另存为”CSV（逗号分隔）文件，再导入该文件".into()
            }
            (ImportError::Workbook, false) => {
                "This is an Excel workbook: in Excel, “Save As” CSV (comma delimited), then import that file".into()
            }
            (ImportError::Json, true) => {
                "这是 JSON 文件，不是客户名单：客服系统的备份请在“设置 › 备份与恢复”中导入".into()
            }
            (ImportError::Json, false) => {
                "This is a JSON file, not a customer list: a Kefu backup is imported under Settings › Backup and restore".into()
            }
        }
    }
}

/// The whole file checked at once (small files, tests). Large files: [`ImportParser`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub headers: Vec<String>,
    pub delimiter: Delimiter,
    pub encoding: DetectedEncoding,
    pub mapping: ColumnMapping,
    pub mapping_problems: Vec<Text>,
    pub rows: Vec<Result<CustomerDraft, RowError>>,
}

/// Decodes the bytes: BOMs first, then strict UTF-8, then GB18030 with encoding_rs.
///
/// Host only: the browser build decodes GB18030 with the browser's own `TextDecoder`
/// through [`decode_with`], so the wasm carries no GB18030 tables.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub fn decode(bytes: &[u8]) -> Result<(String, DetectedEncoding), ImportError> {
    decode_with(bytes, |b| {
        let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(b);
        (!had_errors).then(|| s.into_owned())
    })
}

/// Decodes the bytes: a UTF-8 or UTF-16 BOM first, then strict UTF-8, then `gb18030`, a
/// strict GB18030 (GBK) decoder that answers `None` for bytes that are not GB18030 text.
pub fn decode_with(
    bytes: &[u8],
    gb18030: impl FnOnce(&[u8]) -> Option<String>,
) -> Result<(String, DetectedEncoding), ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    // A zip (.xlsx) or an OLE compound file (.xls).
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ImportError::Workbook);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), DetectedEncoding::Utf8Bom))
            .map_err(|_| ImportError::Undecodable);
    }
    for (bom, big_endian, det) in [
        (&b"\xFF\xFE"[..], false, DetectedEncoding::Utf16Le),
        (&b"\xFE\xFF"[..], true, DetectedEncoding::Utf16Be),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return decode_utf16(rest, big_endian)
                .map(|s| (s, det))
                .ok_or(ImportError::Undecodable);
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), DetectedEncoding::Utf8));
    }
    gb18030(bytes)
        .map(|s| (s, DetectedEncoding::Gb18030))
        .ok_or(ImportError::Undecodable)
}

/// Strict UTF-16: an odd byte count or an unpaired surrogate is not text.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Picks the delimiter that occurs most often outside quotes in the first line (ties and
/// none: comma).
pub fn detect_delimiter(first_line: &str) -> Delimiter {
    let (mut comma, mut semi, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > comma && tab >= semi {
        Delimiter::Tab
    } else if semi > comma {
        Delimiter::Semicolon
    } else {
        Delimiter::Comma
    }
}

/// Parses a date as found in spreadsheets: 2024-03-05, 2024/3/5, 2024.3.5, 20240305,
/// 2024年3月5日, or an Excel serial day number (e.g. 45356), in full-width digits too. Years
/// 1900–2100.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // As a Chinese input method in full-width mode types it: ２０２４－０３－０５.
    let s: String = ascii_digits(s.trim())
        .chars()
        .map(|c| match c {
            '－' => '-',
            '／' => '/',
            '．' => '.',
            '：' => ':',
            '　' => ' ',
            c => c,
        })
        .collect();
    let s = s.as_str();
    if s.is_empty() {
        return None;
    }
    // Drop a time part ("2024-03-05 00:00:00").
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let d = if s.chars().all(|c| c.is_ascii_digit()) {
        match s.len() {
            8 => NaiveDate::from_ymd_opt(
                s[..4].parse().ok()?,
                s[4..6].parse().ok()?,
                s[6..].parse().ok()?,
            ),
            // Excel's serial day number, as a date cell Excel wrote as a number gives it. Five
            // digits only (from 1927-05-18): four are a year alone ("1985"), read as 1905-06-07
            // before (QA), and no account was opened before 1990.
            5 => {
                let serial: i64 = s.parse().ok()?;
                // Excel's day 1 is 1900-01-01 and it counts a 29 Feb 1900 that never was,
                // so serials from 61 on count from 1899-12-30.
                (serial >= 61)
                    .then(|| NaiveDate::from_ymd_opt(1899, 12, 30))?
                    .map(|base| base + Duration::days(serial))
            }
            _ => None,
        }
    } else {
        let parts: Vec<&str> = s
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() != 3
            || parts[0].len() != 4
            || parts.iter().any(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        NaiveDate::from_ymd_opt(
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        )
    }?;
    use chrono::Datelike;
    (1900..=2100).contains(&d.year()).then_some(d)
}

/// What is wrong with a date typed into a customer's record (birthday, account opened), in
/// Chinese and English, or `None` when it is empty or a date no later than `today`: a date in
/// the future would plan a birthday greeting for someone not born yet, and a year out of
/// range is said as such, not as a format error.
pub fn date_field_problem(raw: &str, today: NaiveDate) -> Option<(&'static str, &'static str)> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match parse_date(raw) {
        Some(d) if d > today => Some(("日期不能晚于今天", "The date cannot be after today")),
        Some(_) => None,
        None => {
            let year: Option<i32> = raw.get(..4).and_then(|y| y.parse().ok());
            match year {
                Some(y)
                    if !(1900..=2100).contains(&y)
                        && parse_date(&format!("2000{}", &raw[4..])).is_some() =>
                {
                    Some((
                        "年份须在 1900 年至今之间",
                        "The year must be between 1900 and now",
                    ))
                }
                _ => Some((
                    "日期格式不正确（如 2020-03-15）",
                    "Not a date (e.g. 2020-03-15)",
                )),
            }
        }
    }
}

/// Full-width digits (a Chinese input method in full-width mode types ０–９) as ASCII ones.
/// A full-width character (as a Chinese input method in full-width mode types letters,
/// digits and signs: "ＴＳ－２０２６", "１３９") as its ASCII one, the ideographic space as a
/// space; any other as it is.
pub fn half_width_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Normalises a mainland phone number to digits (full-width ones too): a mobile (1[3-9] + 9 digits, `+86`/`0086`
/// prefixes dropped), a landline with area code (0 + 9–11 digits) or a 400/800 number.
pub fn normalise_phone(s: &str) -> Option<String> {
    let mut t: String = ascii_digits(s)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{3000}'))
        .collect();
    if let Some(rest) = t.strip_prefix('+') {
        t = rest.to_string();
    }
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    for prefix in ["0086", "86"] {
        if t.len() == prefix.len() + 11
            && t.starts_with(prefix)
            && t[prefix.len()..].starts_with('1')
        {
            t = t[prefix.len()..].to_string();
        }
    }
    let b = t.as_bytes();
    let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    let landline = (10..=12).contains(&b.len()) && b[0] == b'0';
    let service = b.len() == 10 && (t.starts_with("400") || t.starts_with("800"));
    (mobile || landline || service).then_some(t)
}

/// Whether `s` is a number in Excel's scientific notation (`1.39E+10`, `1.3912E10`): what Excel
/// shows, and writes to a CSV, for a long number in a column not formatted as text.
pub fn excel_exponent(s: &str) -> bool {
    let t = s.trim();
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !exp.is_empty() && digits(exp)
}

/// The longest name a customer may have, in characters (a fund's full name fits).
pub const NAME_MAX: usize = 100;

/// Whether `s` reads as an e-mail address (the import's check, and the customer form's).
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

fn parse_tier(s: &str) -> Option<Tier> {
    match s.trim().to_lowercase().as_str() {
        "vip" | "贵宾" | "贵宾客户" | "vip客户" | "重要客户" => Some(Tier::Vip),
        "普通" | "普通客户" | "一般" | "normal" | "regular" | "standard" => {
            Some(Tier::Normal)
        }
        "新" | "新客户" | "新开户" | "new" => Some(Tier::New),
        _ => None,
    }
}

fn parse_level(s: &str) -> Option<Level> {
    match s.trim().to_lowercase().as_str() {
        "高" | "高价值" | "high" | "h" | "a" => Some(Level::High),
        "中" | "中等" | "中价值" | "medium" | "mid" | "m" | "b" => Some(Level::Medium),
        "低" | "低价值" | "low" | "l" | "c" => Some(Level::Low),
        _ => None,
    }
}

fn parse_kind(s: &str) -> Option<CustomerKind> {
    match s.trim().to_lowercase().as_str() {
        "个人" | "自然人" | "个人客户" | "individual" | "person" | "personal" => {
            Some(CustomerKind::Individual)
        }
        "机构" | "机构客户" | "法人" | "企业" | "公司" | "institution" | "institutional"
        | "corporate" | "company" => Some(CustomerKind::Institution),
        _ => None,
    }
}

fn parse_lifecycle(s: &str) -> Option<Lifecycle> {
    match s.trim().to_lowercase().as_str() {
        "新" | "新客户" | "new" => Some(Lifecycle::New),
        "存量" | "存量客户" | "现有" | "正常" | "existing" | "active" => {
            Some(Lifecycle::Existing)
        }
        "流失" | "流失客户" | "已销户" | "销户" | "lost" | "churned" | "closed" => {
            Some(Lifecycle::Lost)
        }
        _ => None,
    }
}

/// Characters that break a line (a quoted CSV cell may hold them).
const LINE_BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// Reads an import file row by row; the UI calls [`ImportParser::next_chunk`] between
/// frames. Defaults for empty cells: kind Individual, tier Normal, value Medium, lifecycle
/// Existing. Duplicate account numbers: the later row is the one reported. A phone number
/// that an earlier row or an existing customer has is a warning on the row, not a refusal
/// (family members may share a number), as in the customer form.
pub struct ImportParser {
    reader: csv::Reader<Cursor<Vec<u8>>>,
    headers: Vec<String>,
    encoding: DetectedEncoding,
    delimiter: Delimiter,
    mapping: ColumnMapping,
    /// Lines before the CSV reader's line 1 (a `sep=` line).
    line_offset: u64,
    /// Newlines counted so far: (byte offset counted up to, newlines before it).
    newlines: (usize, u64),
    total_bytes: u64,
    seen_accounts: HashMap<String, u64>,
    existing_accounts: HashSet<String>,
    /// Phone (normalised) → the first valid row with it, an index into `first_rows`. (A map
    /// of the same type as `seen_accounts`: one more kind of map would cost wasm.)
    seen_phones: HashMap<String, u64>,
    /// The line and name of each row in `seen_phones`.
    first_rows: Vec<(u64, String)>,
    /// Phone (normalised) → the name of an existing customer with it.
    existing_phones: HashMap<String, String>,
    /// Today, when known: a birthday or an opening date after it is refused (a greeting would be
    /// planned for someone not born yet).
    today: Option<NaiveDate>,
    record: csv::StringRecord,
    done: bool,
}

impl ImportParser {
    /// Decodes the file, detects the delimiter (or honours an Excel `sep=` first line),
    /// reads the header and guesses the mapping unless one is given.
    #[cfg(any(test, not(target_arch = "wasm32")))]
    pub fn new(bytes: &[u8], mapping: Option<ColumnMapping>) -> Result<Self, ImportError> {
        let (text, encoding) = decode(bytes)?;
        Self::from_text(&text, encoding, mapping)
    }

    /// As [`ImportParser::new`], for text already decoded (see [`decode_with`]).
    pub fn from_text(
        text: &str,
        encoding: DetectedEncoding,
        mapping: Option<ColumnMapping>,
    ) -> Result<Self, ImportError> {
        let mut body = text;
        let mut line_offset = 0;
        let first_line = body.lines().next().unwrap_or("");
        let forced = first_line
            .trim()
            .strip_prefix("sep=")
            .and_then(|d| match d {
                "," => Some(Delimiter::Comma),
                ";" => Some(Delimiter::Semicolon),
                "\t" | "" => Some(Delimiter::Tab),
                _ => None,
            });
        if forced.is_some() {
            body = body.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
            line_offset = 1;
        }
        // A title above the header (客户名单（2026年11月）,,), as a sheet saved as CSV often
        // has: the header is the line under it. Taken for the header, the title became the
        // name column and every other column was ignored, without a word (QA).
        // Whether or not a mapping is given: the one the import screen passes back was made
        // from the header under the title, so the title is skipped on every pass.
        if let Some(rest) = under_a_title(body) {
            body = rest;
            line_offset += 1;
        }
        if body.trim().is_empty() {
            return Err(ImportError::Empty);
        }
        // No table's header starts so.
        let start = body.trim_start();
        if start.starts_with('{') || start.starts_with("[{") || start.starts_with("[\n") {
            return Err(ImportError::Json);
        }
        let delimiter =
            forced.unwrap_or_else(|| detect_delimiter(body.lines().next().unwrap_or("")));
        let data = body.as_bytes().to_vec();
        let total_bytes = data.len() as u64;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .flexible(true)
            .has_headers(true)
            .from_reader(Cursor::new(data));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| ImportError::Csv(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mapping = mapping.unwrap_or_else(|| ColumnMapping::guess(&headers));
        Ok(ImportParser {
            reader,
            headers,
            encoding,
            delimiter,
            mapping,
            line_offset,
            newlines: (0, 0),
            total_bytes,
            seen_accounts: HashMap::new(),
            existing_accounts: HashSet::new(),
            seen_phones: HashMap::new(),
            first_rows: Vec::new(),
            existing_phones: HashMap::new(),
            today: None,
            record: csv::StringRecord::new(),
            done: false,
        })
    }

    /// Account numbers already in the database; rows repeating one are refused.
    pub fn with_existing_accounts<I: IntoIterator<Item = String>>(mut self, accounts: I) -> Self {
        self.existing_accounts = accounts
            .into_iter()
            .map(|a| a.trim().to_lowercase())
            .collect();
        self
    }

    /// Refuses a row whose birthday or opening date comes after `today`.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// Existing customers' phone numbers with their names; a row with one of these numbers is
    /// imported with a warning naming that customer (the first of them, if several).
    pub fn with_existing_phones<I: IntoIterator<Item = (String, String)>>(
        mut self,
        phones: I,
    ) -> Self {
        for (phone, name) in phones {
            let key = normalise_phone(&phone).unwrap_or_else(|| phone.trim().to_string());
            if !key.is_empty() {
                self.existing_phones.entry(key).or_insert(name);
            }
        }
        self
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn encoding(&self) -> DetectedEncoding {
        self.encoding
    }

    pub fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    pub fn mapping(&self) -> &ColumnMapping {
        &self.mapping
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Share of the file read, 0–1, for a progress bar.
    pub fn progress(&self) -> f64 {
        if self.done || self.total_bytes == 0 {
            return 1.0;
        }
        self.reader.position().byte() as f64 / self.total_bytes as f64
    }

    /// Checks up to `max_rows` more rows (rows whose cells are all empty are skipped).
    /// Returns an empty vector once the file is done.
    pub fn next_chunk(&mut self, max_rows: usize) -> Vec<Result<CustomerDraft, RowError>> {
        let mut out = Vec::with_capacity(max_rows.min(4096));
        while out.len() < max_rows && !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    let line = match self.record.position() {
                        Some(p) => self.line_at(p.byte()),
                        None => 0,
                    };
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let row = self.check_row(line);
                    out.push(row);
                }
                Ok(false) => self.done = true,
                Err(e) => {
                    let line = match e.position() {
                        Some(p) => self.line_at(p.byte()),
                        None => 0,
                    };
                    out.push(Err(RowError {
                        line,
                        reason: Text::new(
                            format!("无法读取此行：{e}"),
                            format!("Cannot read this line: {e}"),
                        ),
                    }));
                    // A broken quote swallows the rest of the file: stop rather than loop.
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        self.done = true;
                    }
                }
            }
        }
        out
    }

    /// The file line (1-based, counting a `sep=` line) of a record starting at `byte`. The
    /// CSV reader's own line count lags by one after each CRLF (it stops at the `\r` and counts
    /// the `\n` only when the next record starts), so lines are counted here from the bytes:
    /// a line ends with LF, CR LF, or a CR alone (Excel's "CSV (Macintosh)"; QA: every row of
    /// such a file was said to be on line 1).
    fn line_at(&mut self, byte: u64) -> u64 {
        let data = self.reader.get_ref().get_ref();
        let mut start = (byte as usize).min(data.len());
        while start < data.len() && matches!(data[start], b'\r' | b'\n') {
            start += 1;
        }
        let (from, count) = self.newlines;
        let count = if start >= from {
            count + line_breaks(&data[from..start])
        } else {
            line_breaks(&data[..start])
        };
        self.newlines = (start, count);
        count + 1 + self.line_offset
    }

    fn cell(&self, field: Field) -> &str {
        self.mapping
            .column(field)
            .and_then(|i| self.record.get(i))
            .map(excel_text)
            .unwrap_or("")
    }

    fn check_row(&mut self, line: u64) -> Result<CustomerDraft, RowError> {
        let mut bad = Problems::default();

        let name = self.cell(Field::Name).to_string();
        if name.is_empty() {
            bad.add("缺少姓名".into(), "Name is missing".into());
        } else if name.chars().count() > NAME_MAX {
            bad.add(
                format!("姓名过长（最多 {NAME_MAX} 字）"),
                format!("Name is too long (at most {NAME_MAX} characters)"),
            );
        } else if name.contains(LINE_BREAKS) {
            // A quoted cell spanning lines: a name would show flattened and never match a
            // search for it as typed; it is a mistake in the file, to be put right there.
            let shown = name.replace("\r\n", "\n").replace(LINE_BREAKS, "⏎");
            bad.add(
                format!("姓名“{shown}”中有换行，请在文件中将姓名改为一行"),
                format!(
                    "The name “{shown}” has a line break in it: put it on one line in the file"
                ),
            );
        } else if name.chars().any(char::is_control) {
            bad.add(
                "姓名中有制表符等不可见的控制字符".into(),
                "The name holds a tab or another invisible control character".into(),
            );
        }

        let phone_raw = self.cell(Field::Phone);
        let phone = if phone_raw.is_empty() {
            None
        } else {
            let p = normalise_phone(phone_raw);
            if p.is_none() && excel_exponent(phone_raw) {
                // Excel shows a long number so (1.39E+10) and saves it so in a CSV: the
                // digits are gone from the file, only the sheet's text format keeps them.
                bad.add(
                    format!("手机号码“{phone_raw}”是Excel的科学计数法，号码的数字已丢失：请在Excel中把手机号码列设为“文本”格式，重新输入或粘贴号码后再导出"),
                    format!("Phone number “{phone_raw}” is Excel's scientific notation and its digits are lost: format the phone column as Text in Excel, enter or paste the numbers again, then export"),
                );
            } else if p.is_none() {
                bad.add(
                    format!("手机号码“{phone_raw}”无效"),
                    format!("Phone number “{phone_raw}” is not valid"),
                );
            }
            p
        };

        let email = non_empty(self.cell(Field::Email));
        if let Some(e) = &email {
            if !valid_email(e) {
                bad.add(
                    format!("邮箱“{e}”无效"),
                    format!("Email “{e}” is not valid"),
                );
            }
        }

        let account_opened = self.date(Field::Opened, &mut bad);
        let birthday = self.date(Field::Birthday, &mut bad);
        if let (Some(b), Some(o)) = (birthday, account_opened) {
            if b > o {
                bad.add(
                    "生日晚于开户日期".into(),
                    "Birthday is after the account-opening date".into(),
                );
            }
        }

        let kind = self.choice(Field::Kind, parse_kind, CustomerKind::Individual, &mut bad);
        let tier = self.choice(Field::Tier, parse_tier, Tier::Normal, &mut bad);
        let value = self.choice(Field::Value, parse_level, Level::Medium, &mut bad);
        let lifecycle = self.choice(
            Field::Lifecycle,
            parse_lifecycle,
            Lifecycle::Existing,
            &mut bad,
        );

        let account_no = non_empty(&account_number(self.cell(Field::AccountNo)));
        // Counted as seen only once the row is valid: a row refused for another reason never
        // goes in, so a later row with its number is no repeat.
        let mut new_account = None;
        if let Some(a) = &account_no {
            let key = a.to_lowercase();
            if !valid_account(a) {
                bad.add(
                    format!("客户号“{a}”只能包含字母和数字"),
                    format!("Account number “{a}” may hold only letters and digits"),
                );
            } else if self.existing_accounts.contains(&key) {
                bad.add(
                    format!("客户号“{a}”已存在"),
                    format!("Account number “{a}” already exists"),
                );
            } else if let Some(first) = self.seen_accounts.get(&key) {
                bad.add(
                    format!("客户号“{a}”与第{first}行重复"),
                    format!("Account number “{a}” repeats line {first}"),
                );
            } else {
                new_account = Some(key);
            }
        }

        let branch = non_empty(self.cell(Field::Branch));
        let staff = non_empty(self.cell(Field::Staff));
        if bad.zh.is_empty() {
            if let Some(key) = new_account {
                self.seen_accounts.insert(key, line);
            }
            let warnings = phone
                .as_ref()
                .map(|p| self.phone_warnings(p, line, &name))
                .unwrap_or_default();
            Ok(CustomerDraft {
                line,
                name,
                kind,
                tier,
                value,
                lifecycle,
                account_no,
                account_opened,
                birthday,
                phone,
                email,
                branch,
                staff,
                warnings,
            })
        } else {
            Err(RowError {
                line,
                reason: Text::new(bad.zh.join(";"), bad.en.join("; ")),
            })
        }
    }

    /// The warnings for a valid row's phone: an existing customer has it, an earlier valid row
    /// has it. The first valid row with a number is the one later rows are told of.
    fn phone_warnings(&mut self, phone: &str, line: u64, name: &str) -> Vec<Text> {
        let masked = mask_phone(phone);
        let mut out = Vec::new();
        if let Some(other) = self.existing_phones.get(phone) {
            out.push(Text::new(
                format!("客户“{other}”已使用此手机号（{masked}），可能是同一客户重复登记"),
                format!(
                    "Customer “{other}” already has this phone number ({masked}): this may be the same customer entered twice"
                ),
            ));
        }
        match self.seen_phones.get(phone) {
            Some(&i) => {
                let (first, first_name) = &self.first_rows[i as usize];
                out.push(Text::new(
                    format!("手机号（{masked}）与第{first}行“{first_name}”相同，可能是同一客户重复登记"),
                    format!(
                        "Same phone number ({masked}) as line {first} (“{first_name}”): this may be the same customer entered twice"
                    ),
                ))
            }
            None => {
                self.seen_phones
                    .insert(phone.to_string(), self.first_rows.len() as u64);
                self.first_rows.push((line, name.to_string()));
            }
        }
        out
    }

    fn date(&self, field: Field, bad: &mut Problems) -> Option<NaiveDate> {
        let raw = self.cell(field);
        if raw.is_empty() {
            return None;
        }
        let d = parse_date(raw);
        if d.is_none() {
            bad.add(
                format!("{}“{raw}”不是有效日期", field.label(true)),
                format!("{} “{raw}” is not a valid date", field.label(false)),
            );
        } else if d > self.today && self.today.is_some() {
            bad.add(
                format!("{}“{raw}”晚于今天", field.label(true)),
                format!("{} “{raw}” is after today", field.label(false)),
            );
            return None;
        }
        d
    }

    fn choice<T>(
        &self,
        field: Field,
        parse: fn(&str) -> Option<T>,
        default: T,
        bad: &mut Problems,
    ) -> T {
        let raw = self.cell(field);
        if raw.is_empty() {
            return default;
        }
        match parse(raw) {
            Some(v) => v,
            None => {
                bad.add(
                    format!("{}“{raw}”无法识别", field.label(true)),
                    format!("{} “{raw}” is not recognised", field.label(false)),
                );
                default
            }
        }
    }
}

#[derive(Default)]
struct Problems {
    zh: Vec<String>,
    en: Vec<String>,
}

impl Problems {
    fn add(&mut self, zh: String, en: String) {
        self.zh.push(zh);
        self.en.push(en);
    }
}

/// A cell trimmed, and with the marks that make Excel keep a number as text taken off: a
/// formula giving the text (`="0330000011"`) and, before a number, phone or date, the
/// apostrophe Excel hides (`'0330000011`). A cell is never meant to hold them.
pub fn excel_text(cell: &str) -> &str {
    let t = cell.trim();
    if let Some(inner) = t
        .strip_prefix("=\"")
        .and_then(|r| r.strip_suffix('"'))
        .filter(|r| !r.contains('"'))
    {
        return inner.trim();
    }
    match t.strip_prefix(['\'', '\u{2018}', '\u{2019}']) {
        Some(rest)
            if rest.trim_start().starts_with(|c: char| {
                c.is_ascii_digit() || c == '+' || ('０'..='９').contains(&c)
            }) =>
        {
            rest.trim()
        }
        _ => t,
    }
}

/// An account number as stored: trimmed, full-width digits (a Chinese input method's) as
/// ASCII ones, so that it is found, and found taken, whichever way it was typed.
pub fn account_number(s: &str) -> String {
    ascii_digits(s.trim())
}

/// Whether an account number (as [`account_number`] gives it) holds only letters, digits
/// and hyphens, as the import and the customer form take it.
pub fn valid_account(a: &str) -> bool {
    a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The text after its first line when that line is a title over the header: one cell filled
/// at most, where the next line fills two or more and names the customer's column (a title
/// such as 客户名单 may read as a name column itself).
fn under_a_title(body: &str) -> Option<&str> {
    let (first, rest) = body.split_once('\n')?;
    let second = rest.lines().next()?;
    let delimiter = detect_delimiter(second);
    let cells = |line: &str| -> Vec<String> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .flexible(true)
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let (title, header) = (cells(first), cells(second));
    let filled = |cs: &[String]| cs.iter().filter(|c| !c.is_empty()).count();
    let names = |cs: &[String]| ColumnMapping::guess(cs).column(Field::Name).is_some();
    (filled(&title) <= 1 && filled(&header) >= 2 && names(&header)).then_some(rest)
}

/// The line breaks in `bytes`: LF, CR LF (one), or CR alone.
fn line_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

/// Checks a whole file at once. `existing_accounts` are refused as duplicates;
/// `existing_phones` (phone → customer name) are imported with a warning.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub fn parse_import_with(
    bytes: &[u8],
    mapping: Option<ColumnMapping>,
    existing_accounts: &HashSet<String>,
    existing_phones: &HashMap<String, String>,
) -> Result<ImportPreview, ImportError> {
    let mut p = ImportParser::new(bytes, mapping)?
        .with_existing_accounts(existing_accounts.iter().cloned())
        .with_existing_phones(existing_phones.iter().map(|(p, n)| (p.clone(), n.clone())));
    let mut rows = Vec::new();
    while !p.is_done() {
        rows.extend(p.next_chunk(10_000));
    }
    Ok(ImportPreview {
        headers: p.headers.clone(),
        delimiter: p.delimiter,
        encoding: p.encoding,
        mapping_problems: p.mapping.problems(),
        mapping: p.mapping,
        rows,
    })
}

/// Checks a whole file at once, with no existing accounts to compare against.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub fn parse_import(
    bytes: &[u8],
    mapping: Option<ColumnMapping>,
) -> Result<ImportPreview, ImportError> {
    parse_import_with(bytes, mapping, &HashSet::new(), &HashMap::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sample() -> Customer {
        Customer {
            id: "customer:1".into(),
            rev: None,
            kind: CustomerKind::Individual,
            name: "张三丰".into(),
            tier: Tier::Vip,
            value: Level::High,
            lifecycle: Lifecycle::Existing,
            account_no: Some("310012345678".into()),
            account_opened: Some(d(2015, 6, 1)),
            birthday: Some(d(1980, 2, 29)),
            branch: "branch:sz".into(),
            staff_id: Some("staff:1".into()),
            phone: Some("13812341234".into()),
            email: Some("zhangsan@example.com".into()),
            stage: None,
        }
    }

    /// Source 004 §3.1: "新客户、VIP客户、普通客户". The tiers are shown in those words; the
    /// importer reads them, and the older labels (贵宾, 普通) a file may still hold.
    #[test]
    fn tier_labels_use_the_sources_terms_and_the_importer_reads_old_and_new() {
        assert_eq!(Tier::Vip.label(true), "VIP客户");
        assert_eq!(Tier::Normal.label(true), "普通客户");
        assert_eq!(Tier::New.label(true), "新客户");
        for t in Tier::ALL {
            assert_eq!(parse_tier(t.label(true)), Some(t));
            assert_eq!(parse_tier(t.label(false)), Some(t));
        }
        assert_eq!(parse_tier("贵宾"), Some(Tier::Vip));
        assert_eq!(parse_tier("普通"), Some(Tier::Normal));
    }

    #[test]
    fn contact_fields_mask_and_access_is_logged_as_a_record() {
        let mut c = sample();
        c.phone = Some("13812341234".into());
        c.email = Some("zhangsan@example.com".into());
        c.account_no = Some("310012345678".into());
        assert_eq!(ContactField::Phone.masked_of(&c), "138****1234");
        assert_eq!(ContactField::Email.masked_of(&c), "z***@example.com");
        assert_eq!(ContactField::AccountNo.masked_of(&c), "********5678");
        assert_eq!(ContactField::Phone.value_of(&c), Some("13812341234"));
        c.email = Some("  ".into());
        assert_eq!(ContactField::Email.value_of(&c), None);
        assert_eq!(ContactField::Email.masked_of(&c), "");
        assert_eq!(phone_last4("+86 138-1234-1234").as_deref(), Some("1234"));
        assert_eq!(phone_last4("123"), None);
        let log = AccessLog {
            id: "access_log:1".into(),
            rev: None,
            customer_id: c.id.clone(),
            field: ContactField::Phone,
            by: "staff:1".into(),
            by_name: "张敏".into(),
            at: d(2026, 11, 22).and_hms_opt(9, 30, 0).unwrap(),
        };
        let v = serde_json::to_value(&log).unwrap();
        assert_eq!(v["field"], "phone");
        assert_eq!(serde_json::from_value::<AccessLog>(v).unwrap(), log);
    }

    #[test]
    fn masking() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("138-1234-1234"), "138****1234");
        assert_eq!(mask_phone("+86 138 1234 1234"), "+86138****1234");
        assert_eq!(mask_phone("075512345678"), "075*****5678");
        assert_eq!(mask_phone("123"), "**3");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("0371-65585533转801"), "037*****5533转801");
        assert_eq!(mask_phone("0371 6558 5533 ext. 12"), "037*****5533转12");
        assert_eq!(mask_email("zhangsan@example.com"), "z***@example.com");
        assert_eq!(mask_email("@x.com"), "*****m"); // no local part: masked like an id
        assert_eq!(mask_account("310012345678"), "********5678");
        assert_eq!(mask_account("5678"), "***8");
        assert_eq!(mask_id("110101199003071234"), "110***********1234");
        assert_eq!(mask_middle("王", 1, 1), "*");
        assert_eq!(sample().masked_phone(), "138****1234");
    }

    #[test]
    fn search() {
        let c = sample();
        assert_eq!(c.search_keys(), vec!["张三丰", "1234", "310012345678"]);
        assert!(c.matches("张三"));
        assert!(c.matches(" 1234 "));
        assert!(c.matches("0012345"));
        assert!(!c.matches("李四"));
        assert!(!c.matches("9999"));
        assert!(c.matches(""));
        let mut no_phone = c.clone();
        no_phone.phone = None;
        no_phone.account_no = None;
        assert!(!no_phone.matches("1234"));
    }

    /// A phone Excel turned into scientific notation is named as such on import: the digits
    /// cannot be had back from `1.39E+10`.
    #[test]
    fn a_phone_in_excels_scientific_notation_is_named_so() {
        for s in ["1.39E+10", "1.39123E+10", "1.3912345678e10", " 13E+9 "] {
            assert!(excel_exponent(s), "{s}");
        }
        for s in [
            "13912345678",
            "E+10",
            "1.39E+",
            "1.3a9E+10",
            "1.39E-",
            "139-1234-5678",
            "",
        ] {
            assert!(!excel_exponent(s), "{s}");
        }
        let csv = "姓名,手机号码\n王五,1.39E+10\n赵六,12345\n";
        let p = parse_import(csv.as_bytes(), None).unwrap();
        let errors: Vec<String> = p
            .rows
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.reason.zh.clone()))
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("“1.39E+10”是Excel的科学计数法"),
            "{errors:?}"
        );
        assert!(errors[1].contains("手机号码“12345”无效"), "{errors:?}");
    }

    #[test]
    fn dates_and_phones() {
        for s in [
            "2024-03-05",
            "2024/3/5",
            "2024.03.05",
            "20240305",
            "2024年3月5日",
            "2024-03-05 00:00:00",
            "45356",
            "２０２４－０３－０５",
            "２０２４年３月５日",
            "２０２４／３／５",
        ] {
            assert_eq!(parse_date(s), Some(d(2024, 3, 5)), "{s}");
        }
        assert_eq!(parse_date("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(parse_date("1985年6月1日"), Some(d(1985, 6, 1)));
        for s in [
            "2023-02-29",
            "2024-13-01",
            "05/03/2024",
            "yesterday",
            "2024-3",
            "1800-01-01",
            "60",
            "1985",
            "１９８５",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        // A record's date: in the future, a year out of range and not a date are told apart.
        let today = d(2026, 12, 4);
        let zh = |s: &str| date_field_problem(s, today).map(|p| p.0);
        assert_eq!(zh(""), None);
        assert_eq!(zh("2026-12-04"), None);
        assert_eq!(zh("1990-05-06"), None);
        assert_eq!(zh("2026-12-05"), Some("日期不能晚于今天"));
        assert_eq!(zh("2090-01-01"), Some("日期不能晚于今天"));
        assert_eq!(zh("1850-01-01"), Some("年份须在 1900 年至今之间"));
        assert_eq!(zh("3026-01-01"), Some("年份须在 1900 年至今之间"));
        assert_eq!(zh("1850-13-01"), Some("日期格式不正确（如 2020-03-15）"));
        assert_eq!(zh("yesterday"), Some("日期格式不正确（如 2020-03-15）"));
        assert_eq!(
            normalise_phone("138 1234 1234").as_deref(),
            Some("13812341234")
        );
        assert_eq!(
            normalise_phone("+86-13812341234").as_deref(),
            Some("13812341234")
        );
        // Typed by an input method in full-width mode.
        assert_eq!(
            normalise_phone("１３８　１２３４　１２３４").as_deref(),
            Some("13812341234")
        );
        assert_eq!(
            normalise_phone("008613812341234").as_deref(),
            Some("13812341234")
        );
        assert_eq!(
            normalise_phone("0755-12345678").as_deref(),
            Some("075512345678")
        );
        assert_eq!(
            normalise_phone("400-123-4567").as_deref(),
            Some("4001234567")
        );
        for s in [
            "12812341234",
            "1381234123",
            "138123412345",
            "phone",
            "13812341234x",
        ] {
            assert_eq!(normalise_phone(s), None, "{s}");
        }
    }

    #[test]
    fn header_guessing() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = ColumnMapping::guess(&h(&[
            "客户姓名",
            "手机号码(必填)",
            "资金账号",
            "开户日期",
            "出生日期",
            "客户等级",
            "客户价值等级",
            "营业部名称",
            "客户经理",
            "备注",
        ]));
        assert_eq!(
            m.columns,
            vec![
                Some(Field::Name),
                Some(Field::Phone),
                Some(Field::AccountNo),
                Some(Field::Opened),
                Some(Field::Birthday),
                Some(Field::Tier),
                Some(Field::Value),
                Some(Field::Branch),
                Some(Field::Staff),
                None
            ]
        );
        assert!(m.problems().is_empty());
        let m = ColumnMapping::guess(&h(&[
            "Name",
            "Mobile",
            "Account No",
            "Opened",
            "Date of Birth",
            "Tier",
            "E-mail",
            "Status",
        ]));
        assert_eq!(m.column(Field::Email), Some(6));
        assert_eq!(m.column(Field::Birthday), Some(4));
        assert_eq!(m.column(Field::Lifecycle), Some(7));
        assert_eq!(m.column(Field::AccountNo), Some(2));
        let m = ColumnMapping::guess(&h(&["foo", "bar"]));
        assert_eq!(m.problems().len(), 1);
        assert_eq!(m.problems()[0].en, "No column is mapped to Name");
    }

    const CSV_ZH: &str = "姓名,手机,客户号,开户日期,生日,等级,价值\n\
张三,13812341234,A001,2020-01-05,1980/2/29,VIP,高\n\
,13912341234,A002,2020-01-06,,普通,中\n\
李四,12345,A003,2020-13-01,,新客户,低\n\
王五,13812340000,A001,2021-03-03,,普通,中\n\
赵六,,B777,2021-03-03,,钻石,中\n\
\"钱,七\",0755-12345678,A009,20210303,,,\n\
,,,,,,\n";

    #[test]
    fn import_utf8_comma_with_every_kind_of_error() {
        let existing: HashSet<String> = ["b777".to_string()].into();
        let p = parse_import_with(CSV_ZH.as_bytes(), None, &existing, &HashMap::new()).unwrap();
        assert_eq!(p.encoding, DetectedEncoding::Utf8);
        assert_eq!(p.delimiter, Delimiter::Comma);
        assert_eq!(p.headers[0], "姓名");
        assert!(p.mapping_problems.is_empty());
        assert_eq!(p.rows.len(), 6, "the all-empty row is skipped");
        let first = p.rows[0].as_ref().unwrap();
        assert_eq!(
            (first.line, first.name.as_str(), first.tier, first.value),
            (2, "张三", Tier::Vip, Level::High)
        );
        assert_eq!(first.birthday, Some(d(1980, 2, 29)));
        assert_eq!(first.account_opened, Some(d(2020, 1, 5)));

        let e = p.rows[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.reason.zh.as_str()), (3, "缺少姓名"));
        let e = p.rows[2].as_ref().unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.reason.en.contains("Phone number “12345” is not valid"),
            "{}",
            e.reason.en
        );
        assert!(e
            .reason
            .en
            .contains("Account opened “2020-13-01” is not a valid date"));
        let e = p.rows[3].as_ref().unwrap_err();
        assert_eq!(e.reason.zh, "客户号“A001”与第2行重复");
        let e = p.rows[4].as_ref().unwrap_err();
        assert!(
            e.reason.zh.contains("客户号“B777”已存在"),
            "{}",
            e.reason.zh
        );
        assert!(e.reason.en.contains("Tier “钻石” is not recognised"));
        let last = p.rows[5].as_ref().unwrap();
        assert_eq!(last.name, "钱,七");
        assert_eq!(last.phone.as_deref(), Some("075512345678"));
        assert_eq!(
            (last.tier, last.value, last.kind),
            (Tier::Normal, Level::Medium, CustomerKind::Individual)
        );

        let c = last
            .clone()
            .into_customer("customer:9".into(), "branch:sz", None);
        assert_eq!(c.branch, "branch:sz");
        assert_eq!(c.account_no.as_deref(), Some("A009"));
    }

    #[test]
    fn a_repeated_or_existing_phone_is_a_warning_naming_the_row_or_customer() {
        let text = "姓名,手机,客户号\n\
新客户甲,+86 139-0000-1111,C1\n\
家属乙,13722223333,C2\n\
家属丙,137 2222 3333,C3\n\
无效行,13722223333,C2\n\
家属丁,13722223333,C4\n\
独立户,13655556666,C5\n";
        let existing: HashMap<String, String> =
            [("139-0000-1111".to_string(), "老客户".to_string())].into();
        let p = parse_import_with(text.as_bytes(), None, &HashSet::new(), &existing).unwrap();
        let ok = |i: usize| p.rows[i].as_ref().unwrap();
        // Against an existing customer, named, the number masked.
        assert_eq!(ok(0).warnings.len(), 1);
        assert_eq!(
            ok(0).warnings[0].zh,
            "客户“老客户”已使用此手机号（139****1111），可能是同一客户重复登记"
        );
        assert_eq!(
            ok(0).warnings[0].en,
            "Customer “老客户” already has this phone number (139****1111): this may be the same customer entered twice"
        );
        // The first row with a number has no warning; later ones name it, written any way.
        assert!(ok(1).warnings.is_empty());
        assert_eq!(
            ok(2).warnings,
            [Text::new(
                "手机号（137****3333）与第3行“家属乙”相同，可能是同一客户重复登记",
                "Same phone number (137****3333) as line 3 (“家属乙”): this may be the same customer entered twice"
            )]
        );
        // A refused row (repeated account number) is not imported: no warning, and later rows
        // are told of the first valid row, not of it.
        let e = p.rows[3].as_ref().unwrap_err();
        assert_eq!(e.reason.zh, "客户号“C2”与第3行重复");
        assert!(ok(4).warnings[0].zh.contains("与第3行“家属乙”相同"));
        assert!(ok(5).warnings.is_empty());
        // Warnings do not refuse: every other row is valid.
        assert_eq!(p.rows.iter().filter(|r| r.is_ok()).count(), 5);
        // A row with no phone has nothing to repeat.
        let p = parse_import("姓名,手机\n甲,\n乙,\n".as_bytes(), None).unwrap();
        assert!(p
            .rows
            .iter()
            .all(|r| r.as_ref().unwrap().warnings.is_empty()));
    }

    #[test]
    fn a_name_with_a_line_break_is_refused_in_words() {
        let text = "姓名,手机\r\n\"李\nhua\",13812341234\r\n\"王\r\n五\",13812340000\r\n\"赵\t六\",\r\n周七,13812341234\r\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        assert_eq!(p.rows.len(), 4);
        let e = p.rows[0].as_ref().unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.reason.zh,
            "姓名“李⏎hua”中有换行，请在文件中将姓名改为一行"
        );
        assert_eq!(
            e.reason.en,
            "The name “李⏎hua” has a line break in it: put it on one line in the file"
        );
        let e = p.rows[1].as_ref().unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.zh.contains("“王⏎五”中有换行"), "{}", e.reason.zh);
        let e = p.rows[2].as_ref().unwrap_err();
        assert_eq!(
            e.reason.en,
            "The name holds a tab or another invisible control character"
        );
        // The rows after them are read as usual, on their own lines; a refused row's phone is
        // no one's to repeat.
        let last = p.rows[3].as_ref().unwrap();
        assert_eq!((last.line, last.name.as_str()), (7, "周七"));
        assert!(last.warnings.is_empty());
    }

    #[test]
    fn an_account_number_of_a_refused_row_is_no_repeat_for_a_later_one() {
        // Line 2 is refused (no name) and never goes in: line 3 with its number is valid, and
        // line 4 repeats line 3, not line 2.
        let text = "姓名,手机,客户号\n,13812341234,A1\n王一,13812341235,A1\n李二,13812341236,A1\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        assert!(p.rows[0].is_err());
        assert!(p.rows[1].is_ok(), "{:?}", p.rows[1]);
        let e = p.rows[2].as_ref().unwrap_err();
        assert!(e.reason.en.contains("repeats line 3"), "{}", e.reason.en);
    }

    #[test]
    fn line_numbers_count_crlf_lines_and_blank_lines() {
        let text = "姓名,手机\r\n王一,13812341234\r\n\r\n,13812341235\r\n李二,123\r\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        let lines: Vec<u64> = p
            .rows
            .iter()
            .map(|r| match r {
                Ok(d) => d.line,
                Err(e) => e.line,
            })
            .collect();
        assert_eq!(lines, vec![2, 4, 5]);
        let text = "sep=;\n姓名;手机\n王一;13812341234\n;1\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        assert_eq!(p.rows[1].as_ref().unwrap_err().line, 4);
        // A title line above the header: skipped, the lines still counted (QA: the title was
        // taken for the header, a customer named 姓名 imported and the phones ignored).
        let text = "客户名单（2026年11月）,,\r\n姓名,手机,客户号\r\n辛八,13811110008,330000000108\r\n李二,123,330000000109\r\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        assert_eq!(p.headers, vec!["姓名", "手机", "客户号"]);
        let ok = p.rows[0].as_ref().unwrap();
        assert_eq!((ok.name.as_str(), ok.line), ("辛八", 3));
        assert_eq!(ok.phone.as_deref(), Some("13811110008"));
        assert_eq!(p.rows[1].as_ref().unwrap_err().line, 4);
        // The import screen's second pass, with the mapping the first one guessed, reads the
        // same rows (it took the title for the header again, and the header for a bad row).
        let again = parse_import(text.as_bytes(), Some(p.mapping.clone())).unwrap();
        assert_eq!(again.rows.len(), 2);
        assert_eq!(again.rows[0].as_ref().unwrap().name, "辛八");
        assert_eq!(again.rows[1].as_ref().unwrap_err().line, 4);
        // A one-column file's header is no title.
        let p = parse_import("姓名\n王一\n".as_bytes(), None).unwrap();
        assert_eq!(p.headers, vec!["姓名"]);
        // Excel's "CSV (Macintosh)": lines end with a CR alone.
        let text = "姓名,手机\r王一,13812341234\r\r李二,12345\r张三,13812341236\r";
        let p = parse_import(text.as_bytes(), None).unwrap();
        let lines: Vec<u64> = p
            .rows
            .iter()
            .map(|r| r.as_ref().map_or_else(|e| e.line, |d| d.line))
            .collect();
        assert_eq!(lines, vec![2, 4, 5]);
    }

    #[test]
    fn import_gbk_semicolon() {
        let text = "姓名;手机;客户号;开户日期\r\n张三;13812341234;A1;2020-01-05\r\n李四;13812341235;A2;2020-02-30\r\n";
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let p = parse_import(&bytes, None).unwrap();
        assert_eq!(p.encoding, DetectedEncoding::Gb18030);
        assert_eq!(p.delimiter, Delimiter::Semicolon);
        assert_eq!(p.headers, vec!["姓名", "手机", "客户号", "开户日期"]);
        assert_eq!(p.rows[0].as_ref().unwrap().name, "张三");
        assert!(p.rows[1]
            .as_ref()
            .unwrap_err()
            .reason
            .zh
            .contains("“2020-02-30”不是有效日期"));
    }

    #[test]
    fn an_import_reads_full_width_digits_in_account_numbers_and_dates() {
        let text = "姓名,手机,客户号,开户日期,生日\n全角,１３８１２３４０００５,４１０００００００００５,２０２０－０３－１５,１９８５年６月１日\n重复,13812340006,410000000005,2020-03-15,\n";
        let p = parse_import_with(text.as_bytes(), None, &HashSet::new(), &HashMap::new()).unwrap();
        let row = p.rows[0].as_ref().unwrap();
        assert_eq!(row.account_no.as_deref(), Some("410000000005"));
        assert_eq!(row.account_opened, Some(d(2020, 3, 15)));
        assert_eq!(row.birthday, Some(d(1985, 6, 1)));
        // The same number in ASCII digits is the same account: a repeat.
        let e = p.rows[1].as_ref().unwrap_err();
        assert!(e.reason.zh.contains("与第2行重复"), "{e:?}");
        assert!(valid_account("A-0012") && !valid_account("甲0012"));
        assert_eq!(account_number(" ０１２３ "), "0123");
    }

    #[test]
    fn an_import_reads_numbers_excel_kept_as_text() {
        let text = "姓名,手机,客户号,开户日期\r\n\
刘一,=\"13900000001\",=\"330000000011\",=\"2024-03-05\"\r\n\
张三,'139 0000 0003,'330000000013,'2024-03-05\r\n\
O'Neil,13900000004,'A-14,2024-03-05\r\n";
        let p = parse_import_with(text.as_bytes(), None, &HashSet::new(), &HashMap::new()).unwrap();
        let first = p.rows[0].as_ref().unwrap();
        assert_eq!(first.account_no.as_deref(), Some("330000000011"));
        assert_eq!(first.phone.as_deref(), Some("13900000001"));
        assert_eq!(first.account_opened, Some(d(2024, 3, 5)));
        let second = p.rows[1].as_ref().unwrap();
        assert_eq!(second.account_no.as_deref(), Some("330000000013"));
        assert_eq!(second.phone.as_deref(), Some("13900000003"));
        assert_eq!(second.account_opened, Some(d(2024, 3, 5)));
        // An apostrophe inside a name, or before letters, is not Excel's: kept (and refused
        // in an account number, as any other mark).
        let e = p.rows[2].as_ref().unwrap_err();
        assert!(
            e.reason.zh.contains("客户号“'A-14”只能包含字母和数字"),
            "{e:?}"
        );
        assert_eq!(excel_text(" O'Neil "), "O'Neil");
        assert_eq!(excel_text("=\"a\"b\""), "=\"a\"b\"");
    }

    #[test]
    fn import_utf8_bom_tab_and_utf16() {
        let text = "Name\tPhone\tAccount\tBirthday\nAlice Wang\t13812341234\tX1\t1990-05-06\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let p = parse_import(&bom, None).unwrap();
        assert_eq!(
            (p.encoding, p.delimiter),
            (DetectedEncoding::Utf8Bom, Delimiter::Tab)
        );
        assert_eq!(p.headers[0], "Name");
        assert_eq!(p.rows[0].as_ref().unwrap().birthday, Some(d(1990, 5, 6)));

        // Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated.
        let zh = "姓名\t手机\n王芳\t13912345678\n";
        let mut u16 = vec![0xFF, 0xFE];
        for unit in zh.encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        let p = parse_import(&u16, None).unwrap();
        assert_eq!(
            (p.encoding, p.delimiter),
            (DetectedEncoding::Utf16Le, Delimiter::Tab)
        );
        assert_eq!(
            p.rows[0].as_ref().unwrap().phone.as_deref(),
            Some("13912345678")
        );
    }

    #[test]
    fn utf16_is_strict_and_both_byte_orders_read() {
        let zh = "姓名\t手机\n王芳😀\t13912345678\n";
        let mut be = vec![0xFE, 0xFF];
        for unit in zh.encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(
            decode(&be).unwrap(),
            (zh.to_string(), DetectedEncoding::Utf16Be)
        );
        // A dangling byte or a lone surrogate is not UTF-16 text (as encoding_rs judged it).
        let mut odd = be.clone();
        odd.push(0x41);
        assert_eq!(decode(&odd), Err(ImportError::Undecodable));
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]),
            Err(ImportError::Undecodable)
        );
        for bytes in [&be[..], &odd[..], &[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00][..]] {
            let enc = if bytes[0] == 0xFE {
                encoding_rs::UTF_16BE
            } else {
                encoding_rs::UTF_16LE
            };
            let (s, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
            assert_eq!(
                decode(bytes).ok().map(|(t, _)| t),
                (!had_errors).then(|| s.into_owned())
            );
        }
    }

    #[test]
    fn gb18030_fallback_is_the_callers_decoder() {
        // Only bytes that are not UTF-8 (and carry no BOM) reach the GB18030 decoder.
        let called = std::cell::Cell::new(false);
        let r = decode_with("姓名".as_bytes(), |_| {
            called.set(true);
            None
        });
        assert_eq!(r.unwrap().1, DetectedEncoding::Utf8);
        assert!(!called.get());
        assert_eq!(
            decode_with(b"\xD0\xD5", |b| (b == b"\xD0\xD5")
                .then(|| "姓".to_string())),
            Ok(("姓".to_string(), DetectedEncoding::Gb18030))
        );
        assert_eq!(
            decode_with(b"\xFF\xFF", |_| None),
            Err(ImportError::Undecodable)
        );
        let p = ImportParser::from_text(
            "姓名;手机\n张三;13812341234\n",
            DetectedEncoding::Gb18030,
            None,
        )
        .unwrap();
        assert_eq!(p.encoding(), DetectedEncoding::Gb18030);
        assert_eq!(p.delimiter(), Delimiter::Semicolon);
    }

    #[test]
    fn import_wrong_delimiter_and_bad_files() {
        // Declared by Excel's sep= line: semicolons even though commas appear in the header.
        let text = "sep=;\n姓名;备注,附注\n张三;好,很好\n";
        let p = parse_import(text.as_bytes(), None).unwrap();
        assert_eq!(p.delimiter, Delimiter::Semicolon);
        assert_eq!(p.headers, vec!["姓名", "备注,附注"]);
        assert_eq!(p.rows[0].as_ref().unwrap().line, 3);

        // A semicolon file read with a forced mapping that points at a missing column: every
        // row lacks a name, and the mapping says so.
        let m = ColumnMapping {
            columns: vec![None, Some(Field::Phone)],
        };
        let p = parse_import("a;b\nx;13812341234\n".as_bytes(), Some(m)).unwrap();
        assert_eq!(p.mapping_problems.len(), 1);
        assert_eq!(p.rows[0].as_ref().unwrap_err().reason.en, "Name is missing");

        // A comma header with semicolon data detects comma: the single data cell holds the
        // whole line and the phone column is empty.
        let p = parse_import("姓名,手机\n张三;13812341234\n".as_bytes(), None).unwrap();
        assert_eq!(p.rows[0].as_ref().unwrap().name, "张三;13812341234");
        assert_eq!(p.rows[0].as_ref().unwrap().phone, None);

        assert_eq!(parse_import(b"", None).unwrap_err(), ImportError::Empty);
        // Files of other kinds picked by mistake are named, with what to do.
        let xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";
        assert_eq!(parse_import(xlsx, None).unwrap_err(), ImportError::Workbook);
        let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00";
        assert_eq!(parse_import(xls, None).unwrap_err(), ImportError::Workbook);
        let backup = "\u{feff}{\"format\":\"kefu-backup\",\"docs\":[]}".as_bytes();
        assert_eq!(parse_import(backup, None).unwrap_err(), ImportError::Json);
        assert_eq!(
            parse_import(b"[\n{\"a\":1}]", None).unwrap_err(),
            ImportError::Json
        );
        assert!(ImportError::Workbook.message(true).contains("另存为"));
        // A header in brackets is still a table's.
        assert!(parse_import("[姓名],手机\n周杰,13988887777\n".as_bytes(), None).is_ok());
        assert_eq!(
            parse_import(b"name\n\xFF\xFF\n", None).unwrap_err(),
            ImportError::Undecodable
        );
        assert_eq!(
            parse_import("sep=,\n".as_bytes(), None).unwrap_err(),
            ImportError::Empty
        );
        assert!(ImportError::Undecodable.message(true).contains("GBK"));
    }

    #[test]
    fn an_import_refuses_a_date_after_today_when_told_today() {
        let text = "姓名,手机,开户日期,生日\n甲,13800000001,,2090-01-01\n乙,13800000002,2019-03-05,1985-01-01\n";
        let rows = |today: Option<NaiveDate>| {
            let mut p = ImportParser::new(text.as_bytes(), None).unwrap();
            if let Some(t) = today {
                p = p.with_today(t);
            }
            p.next_chunk(10)
        };
        let told = rows(Some(d(2026, 12, 4)));
        let e = told[0].as_ref().unwrap_err();
        assert!(e.reason.zh.contains("生日“2090-01-01”晚于今天"), "{e:?}");
        assert!(told[1].is_ok());
        // Not told today (a tool run without a clock): as before.
        assert!(rows(None)[0].is_ok());
    }

    #[test]
    fn fifty_thousand_rows_in_chunks() {
        let mut text = String::from("姓名,手机,客户号,开户日期,生日,等级,价值\n");
        for i in 0..50_000u32 {
            // Every 1000th row repeats the account of the row before it.
            let acct = if i % 1000 == 999 { i - 1 } else { i };
            text.push_str(&format!(
                "客户{i},138{:08},C{acct:06},2019-{:02}-{:02},1985-01-01,普通,中\n",
                i,
                i % 12 + 1,
                i % 28 + 1
            ));
        }
        let started = std::time::Instant::now();
        let mut p = ImportParser::new(text.as_bytes(), None)
            .unwrap()
            .with_existing_accounts(["C000000".to_string()]);
        let (mut ok, mut err, mut chunks) = (0, 0, 0);
        let mut last_progress = 0.0;
        while !p.is_done() {
            let rows = p.next_chunk(2_000);
            chunks += 1;
            assert!(rows.len() <= 2_000);
            assert!(p.progress() >= last_progress);
            last_progress = p.progress();
            for r in rows {
                match r {
                    Ok(_) => ok += 1,
                    Err(_) => err += 1,
                }
            }
        }
        assert_eq!(last_progress, 1.0);
        assert_eq!(ok + err, 50_000);
        assert_eq!(err, 50 + 1); // 50 repeats + the one already in the database
        assert_eq!(chunks, 26);
        eprintln!("50,000 rows checked in {:?}", started.elapsed());
        assert!(p.next_chunk(10).is_empty());
    }
}

/// Fixtures shared by the tests of the modules that use customers.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub fn customer(id: &str, value: Level) -> Customer {
        Customer {
            id: id.into(),
            rev: None,
            kind: CustomerKind::Individual,
            name: format!("客户{id}"),
            tier: Tier::Normal,
            value,
            lifecycle: Lifecycle::Existing,
            account_no: None,
            account_opened: None,
            birthday: None,
            branch: "branch:1".into(),
            staff_id: None,
            phone: None,
            email: None,
            stage: None,
        }
    }
}
