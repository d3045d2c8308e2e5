//! complaint: the complaint record (客户投诉处理记录表), its lifecycle
//! 受理→分类→处理→审批→反馈→回访→闭环→归档 with level-by-level approval and reopening,
//! intake validation, case numbers, and the deadline clocks that never pause.

use super::datefmt::Layout;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::calendar::{end_of_day, time_text, WorkingCalendar};
use super::staff::{Actor, Role, Staff};
use super::Record;

// ───────────────────────────── vocabulary ─────────────────────────────

/// How the complaint reached the branch (受理方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面
    InPerson,
    /// 客户意见簿
    CommentBook,
    /// 书信
    Letter,
    /// 邮件
    Email,
    /// 电话
    Phone,
    /// 互联网 (website, app, online platforms)
    Internet,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::InPerson,
        Channel::CommentBook,
        Channel::Letter,
        Channel::Email,
        Channel::Phone,
        Channel::Internet,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面",
            Channel::CommentBook => "客户意见簿",
            Channel::Letter => "书信",
            Channel::Email => "邮件",
            Channel::Phone => "电话",
            Channel::Internet => "互联网",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Channel::InPerson => "In person",
            Channel::CommentBook => "Comment book",
            Channel::Letter => "Letter",
            Channel::Email => "Email",
            Channel::Phone => "Phone",
            Channel::Internet => "Internet / app",
        }
    }
}

/// What the complaint is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 服务态度
    ServiceAttitude,
    /// 交易与系统 (orders, trading software, outages)
    TradingSystem,
    /// 账户业务办理 (opening, closing, transfers, data changes)
    AccountHandling,
    /// 收费 (commissions, fees)
    Fees,
    /// 产品销售与投资建议 (suitability, advice)
    ProductAdvice,
    /// 信息披露与告知
    InformationDisclosure,
    /// 营业环境与设施
    Environment,
    /// 其他
    Other,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::ServiceAttitude,
        Category::TradingSystem,
        Category::AccountHandling,
        Category::Fees,
        Category::ProductAdvice,
        Category::InformationDisclosure,
        Category::Environment,
        Category::Other,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            Category::ServiceAttitude => "服务态度",
            Category::TradingSystem => "交易与系统",
            Category::AccountHandling => "账户业务办理",
            Category::Fees => "收费",
            Category::ProductAdvice => "产品销售与投资建议",
            Category::InformationDisclosure => "信息披露与告知",
            Category::Environment => "营业环境与设施",
            Category::Other => "其他",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Category::ServiceAttitude => "Service attitude",
            Category::TradingSystem => "Trading and systems",
            Category::AccountHandling => "Account handling",
            Category::Fees => "Fees and charges",
            Category::ProductAdvice => "Products and investment advice",
            Category::InformationDisclosure => "Information disclosure",
            Category::Environment => "Environment and facilities",
            Category::Other => "Other",
        }
    }
}

/// The responsibility finding after investigation (source 002 §四).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// 属实，我方确有严重责任: apology, correction, discipline, corrective measures.
    OursSerious,
    /// 我方有一定责任但与事实不完全符合: explain, correct, fix the process.
    OursPartial,
    /// 我方无责任（监管政策所限或不可抗力）: explain, seek understanding.
    NotOurs,
    /// 超出营业部/经纪业务总部职权: escalate to head office and the responsible department.
    BeyondAuthority,
}

impl Responsibility {
    pub const ALL: [Responsibility; 4] = [
        Responsibility::OursSerious,
        Responsibility::OursPartial,
        Responsibility::NotOurs,
        Responsibility::BeyondAuthority,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            Responsibility::OursSerious => "我方责任（严重）",
            Responsibility::OursPartial => "我方有一定责任，但与事实不完全符合",
            Responsibility::NotOurs => "非我方责任（政策或不可抗力）",
            Responsibility::BeyondAuthority => "我方有一定责任，整改超出职权，需上报",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Responsibility::OursSerious => "Ours, serious",
            Responsibility::OursPartial => {
                "Partly ours; the customer's account of events is not fully accurate"
            }
            Responsibility::NotOurs => "Not ours (policy or force majeure)",
            Responsibility::BeyondAuthority => {
                "Partly ours; the fix is beyond our authority: to escalate"
            }
        }
    }
    /// Whether the finding obliges corrective actions (整改措施): every finding of some
    /// responsibility of ours, escalated or not (002 第四章2: 对我方有责任的部分加以整改).
    pub fn requires_corrective_actions(self) -> bool {
        matches!(
            self,
            Responsibility::OursSerious
                | Responsibility::OursPartial
                | Responsibility::BeyondAuthority
        )
    }
    /// Whether the finding is reported beyond the branch, to whom to be said (002 第四章4:
    /// 与有关部门进行沟通、处理，并将相关情况报告公司分管领导).
    pub fn escalates(self) -> bool {
        self == Responsibility::BeyondAuthority
    }
}

/// Where the case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Classified,
    Investigating,
    AwaitingApproval,
    Responded,
    Verifying,
    Closed,
    Archived,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Received,
        Status::Classified,
        Status::Investigating,
        Status::AwaitingApproval,
        Status::Responded,
        Status::Verifying,
        Status::Closed,
        Status::Archived,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            Status::Received => "已受理",
            Status::Classified => "已分类分派",
            Status::Investigating => "调查处理中",
            Status::AwaitingApproval => "待审批",
            Status::Responded => "已反馈客户",
            Status::Verifying => "回访验证中",
            Status::Closed => "已闭环",
            Status::Archived => "已归档",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Status::Received => "Received",
            Status::Classified => "Routed",
            Status::Investigating => "Investigating",
            Status::AwaitingApproval => "Awaiting approval",
            Status::Responded => "Responded",
            Status::Verifying => "Verifying",
            Status::Closed => "Closed",
            Status::Archived => "Archived",
        }
    }
    /// Still being worked on (not closed or archived).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Archived)
    }
}

/// Severity labels for levels 1..=5 (impact on satisfaction, scope, difficulty).
pub fn severity_zh(level: u8) -> &'static str {
    match level {
        1 => "轻微",
        2 => "一般",
        3 => "较重",
        4 => "严重",
        5 => "重大",
        _ => "未定",
    }
}

pub fn severity_en(level: u8) -> &'static str {
    match level {
        1 => "Minor",
        2 => "Moderate",
        3 => "Significant",
        4 => "Serious",
        5 => "Critical",
        _ => "Unrated",
    }
}

// ───────────────────────────── the record ─────────────────────────────

/// The person who complained. Contact data is kept to the minimum that lets us answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Complainant {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// A staff member as recorded on the case (id and the name at the time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

impl From<&Actor> for StaffRef {
    fn from(a: &Actor) -> Self {
        StaffRef {
            id: a.id.clone(),
            name: a.name.clone(),
        }
    }
}

/// An opinion as submitted, kept when it was sent back ([`Round::sent_back`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentBack {
    /// Which submission of the round it was ([`Approval::submission`]).
    pub submission: u32,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    pub opinion: String,
    #[serde(default)]
    pub corrective_actions: Vec<CorrectiveAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
    #[serde(default)]
    pub submitted_by: Option<StaffRef>,
}

/// A corrective action (整改措施) with its owner and due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    pub description: String,
    /// Person or department responsible.
    pub owner: String,
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub done: bool,
    #[serde(default, with = "time_text::option")]
    pub done_at: Option<NaiveDateTime>,
}

impl CorrectiveAction {
    pub fn new(description: &str, owner: &str, due: Option<NaiveDate>) -> Self {
        CorrectiveAction {
            description: description.into(),
            owner: owner.into(),
            due,
            done: false,
            done_at: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
}

/// One approver's decision on one submission of the handling opinion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub by: StaffRef,
    pub role: Role,
    #[serde(with = "time_text")]
    pub at: NaiveDateTime,
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
    /// Which submission of the round's opinion this decides (1, 2, … after rejections).
    pub submission: u32,
}

/// The answer given to the customer (反馈).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerResponse {
    #[serde(with = "time_text")]
    pub at: NaiveDateTime,
    pub by: StaffRef,
    pub channel: Channel,
    pub content: String,
}

/// The verification visit (回访验证) and whether the customer was satisfied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    #[serde(with = "time_text")]
    pub at: NaiveDateTime,
    pub by: StaffRef,
    pub satisfied: bool,
    /// Whether the round's corrective measures (整改措施) were carried out and worked, as the
    /// visit found (核实有关的整改措施是否落实、完成); `None` when the round had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures_effective: Option<bool>,
    #[serde(default)]
    pub note: String,
}

/// One round of handling. A case starts with round 1; each reopening starts a new round and
/// leaves the earlier rounds untouched, so every round's findings, opinion, approvals,
/// response and visit stay visible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub number: u32,
    #[serde(with = "time_text")]
    pub opened_at: NaiveDateTime,
    /// Why the case was reopened (round 2 and later).
    #[serde(default)]
    pub reopen_reason: Option<String>,
    #[serde(default)]
    pub findings: Option<String>,
    #[serde(default, with = "time_text::option")]
    pub findings_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub opinion: Option<String>,
    #[serde(default)]
    pub corrective_actions: Vec<CorrectiveAction>,
    /// A finding beyond the branch's authority: the departments and the firm's leader in
    /// charge it was reported to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
    /// How many times the opinion was submitted for approval in this round.
    #[serde(default)]
    pub submissions: u32,
    #[serde(default)]
    pub submitted_by: Option<StaffRef>,
    /// The role the opinion was submitted in. A supervisor's or manager's own opinion goes up
    /// to the manager level (逐级上报: to its author's leader) without a supervisor's approval:
    /// asked of a supervisor, a branch whose one supervisor wrote it could never move it on.
    /// Absent in older records (read as a specialist's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_role: Option<Role>,
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Each opinion sent back (退回) in this round, as it was submitted, earliest first: a
    /// resubmission replaces the round's opinion, and what was refused stays on the record
    /// beside its refusal (source 002 第四章: 处理意见、整改措施应填写在记录表中).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent_back: Vec<SentBack>,
    #[serde(default)]
    pub response: Option<CustomerResponse>,
    #[serde(default)]
    pub verification: Option<Verification>,
}

impl Round {
    /// An empty round.
    pub fn new(number: u32, opened_at: NaiveDateTime, reopen_reason: Option<String>) -> Self {
        Round {
            number,
            opened_at,
            reopen_reason,
            findings: None,
            findings_at: None,
            responsibility: None,
            opinion: None,
            corrective_actions: Vec::new(),
            escalated_to: None,
            submissions: 0,
            submitted_by: None,
            submitted_role: None,
            approvals: Vec::new(),
            sent_back: Vec::new(),
            response: None,
            verification: None,
        }
    }

    /// Approvals of the current submission.
    pub fn current_approvals(&self) -> impl Iterator<Item = &Approval> {
        let n = self.submissions;
        self.approvals.iter().filter(move |a| a.submission == n)
    }
}

/// One entry of the append-only audit trail: who did what, when, from which status to which,
/// and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    #[serde(with = "time_text")]
    pub at: NaiveDateTime,
    pub by: StaffRef,
    pub action: ActionKind,
    pub from_status: Status,
    pub to_status: Status,
    /// The round the action belonged to.
    pub round: u32,
    #[serde(default)]
    pub why: Option<String>,
}

/// Between the Chinese and the English of a note the app writes in both languages (a sync
/// conflict settled): [`why_in`] shows the one of the moment. Text typed by people has none.
pub const WHY_LANGS: char = '\u{1f}';

/// A history note in the language of the moment: the part for it of a note written in both
/// ([`WHY_LANGS`]), or the note as it is.
pub fn why_in(why: &str, zh: bool) -> &str {
    match why.split_once(WHY_LANGS) {
        Some((z, e)) => {
            if zh {
                z
            } else {
                e
            }
        }
        None => why,
    }
}

/// The survey response a complaint was registered from: the survey and the response's ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveySource {
    pub survey_id: String,
    pub response_id: String,
}

/// A complaint (document type `complaint`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// Human case number, see [`case_number`].
    pub case_no: String,
    pub branch_code: String,
    pub complainant: Complainant,
    /// The linked customer document, if known.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The customer demand this complaint was turned from (`demand:…`), if any; the demand
    /// links back with `DemandLink::Complaint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_demand: Option<String>,
    /// The survey response this complaint was registered from (its 投诉草稿 follow-up), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_survey: Option<SurveySource>,
    pub channel: Channel,
    /// When the complaint was received (local time); the clocks start here.
    #[serde(with = "time_text")]
    pub received_at: NaiveDateTime,
    #[serde(default, with = "time_text::option")]
    pub event_time: Option<NaiveDateTime>,
    #[serde(default)]
    pub event_place: String,
    /// Staff the complaint is about (names or staff ids).
    #[serde(default)]
    pub staff_involved: Vec<String>,
    pub narrative: String,
    #[serde(default)]
    pub category: Option<Category>,
    /// 1 (minor) ..= 5 (critical), set at classification.
    #[serde(default)]
    pub severity: Option<u8>,
    /// The responsible department the case is routed to.
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub preliminary_opinion: String,
    pub status: Status,
    /// All rounds, oldest first; the last is the current one. Never empty (a stored document
    /// without rounds reads as one empty round 1).
    #[serde(deserialize_with = "rounds_never_empty")]
    pub rounds: Vec<Round>,
    #[serde(default, with = "time_text::option")]
    pub closed_at: Option<NaiveDateTime>,
    #[serde(default, with = "time_text::option")]
    pub archived_at: Option<NaiveDateTime>,
    /// Purged after the retention period; the skeleton stays for statistics and audit.
    #[serde(default)]
    pub destroyed: bool,
    pub history: Vec<HistoryEvent>,
}

fn rounds_never_empty<'de, D>(deserializer: D) -> Result<Vec<Round>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let mut rounds = Vec::<Round>::deserialize(deserializer)?;
    if rounds.is_empty() {
        rounds.push(Round::new(1, NaiveDateTime::default(), None));
    }
    Ok(rounds)
}

impl Record for Complaint {
    const TYPE: &'static str = "complaint";
}

// ───────────────────────────── intake ─────────────────────────────

/// The intake form as typed (every field optional so a half-filled draft can be kept).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub complainant: Complainant,
    pub customer_id: Option<String>,
    pub channel: Option<Channel>,
    pub received_at: Option<NaiveDateTime>,
    pub event_time: Option<NaiveDateTime>,
    pub event_place: String,
    pub staff_involved: Vec<String>,
    pub narrative: String,
    pub preliminary_opinion: String,
}

/// A problem with one field of a form, said in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path in the draft, e.g. `complainant.phone`.
    pub field: &'static str,
    pub zh: String,
    pub en: String,
}

fn field_error(field: &'static str, zh: &str, en: &str) -> FieldError {
    FieldError {
        field,
        zh: zh.into(),
        en: en.into(),
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// A phone number: digits with optional spaces, hyphens, parentheses and a leading `+`;
/// 7 to 15 digits (landline with area code, mobile, or international), and maybe an extension
/// (`0371-65585533转801`, [`split_extension`](super::customer::split_extension)). A mainland
/// mobile — 1 first, after `+86` or `0086` if given — has exactly 11 digits: one more or less
/// is a slip of the keyboard, and the call-back number would be wrong.
pub fn is_plausible_phone(s: &str) -> bool {
    let s = super::customer::split_extension(s).0.trim();
    let international = s.starts_with('+');
    let body = s.strip_prefix('+').unwrap_or(s);
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
    {
        return false;
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return false;
    }
    let mainland = if international {
        digits.strip_prefix("86")
    } else {
        Some(digits.strip_prefix("0086").unwrap_or(&digits))
    };
    match mainland {
        Some(d) if d.starts_with('1') => d.len() == 11,
        _ => true,
    }
}

/// An e-mail address of the form `local@domain.tld` without spaces.
pub fn is_plausible_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

/// How far back a complaint's time of receipt may be entered, in days (a year).
pub const INTAKE_LOOKBACK_DAYS: i64 = 366;

/// How far before its receipt a complaint's event may lie (民法典 第一百八十八条: no claim
/// is protected more than 20 years after the harm).
pub const EVENT_LOOKBACK_YEARS: u32 = 20;

/// The longest complainant's name and narrative taken at intake, in characters: a pasted
/// document in the name field, or a whole file in the narrative, is a mistake to say at once.
pub const NAME_MAX: usize = 50;
pub const NARRATIVE_MAX: usize = 5000;

/// `label` (Chinese, English) holds more than `max` characters: the limit and its length.
fn too_long(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    text: &str,
    max: usize,
    label: (&str, &str),
) {
    let n = text.trim().chars().count();
    if n > max {
        errors.push(FieldError {
            field,
            zh: format!("{}不能超过 {max} 个字（现为 {n} 个字）", label.0),
            en: format!("{} can be at most {max} characters ({n} now)", label.1),
        });
    }
}

/// Check an intake draft. An empty list means it can be saved as a received complaint.
pub fn validate_intake(draft: &Draft, now: NaiveDateTime) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let c = &draft.complainant;
    if blank(&c.name) {
        errors.push(field_error(
            "complainant.name",
            "请填写投诉人姓名",
            "Enter the complainant's name",
        ));
    }
    too_long(
        &mut errors,
        "complainant.name",
        &c.name,
        NAME_MAX,
        ("投诉人姓名", "The complainant's name"),
    );
    if draft.channel.is_none() {
        errors.push(field_error(
            "channel",
            "请选择受理方式",
            "Choose how the complaint was received",
        ));
    }
    match draft.received_at {
        None => errors.push(field_error(
            "received_at",
            "请填写受理时间",
            "Enter the time the complaint was received",
        )),
        Some(t) if t > now => errors.push(field_error(
            "received_at",
            "受理时间不能晚于当前时间",
            "The time received cannot be in the future",
        )),
        // A year mistyped (1926 for 2026) would file a case overdue for good, heading the
        // dashboard and opening a report of its own month; a complaint is taken when received.
        Some(t) if t < now - chrono::Duration::days(INTAKE_LOOKBACK_DAYS) => {
            errors.push(field_error(
                "received_at",
                "受理时间早于一年前，请核对年份",
                "The time received is more than a year ago: check the year",
            ))
        }
        Some(_) => {}
    }
    if let Some(t) = draft.event_time {
        if t > now {
            errors.push(field_error(
                "event_time",
                "事件发生时间不能晚于当前时间",
                "The time of the event cannot be in the future",
            ));
        } else if draft.received_at.is_some_and(|r| t > r) {
            errors.push(field_error(
                "event_time",
                "事件发生时间不能晚于受理时间",
                "The event cannot have happened after the complaint was received",
            ));
        } else if draft
            .received_at
            .and_then(|r| r.checked_sub_months(chrono::Months::new(12 * EVENT_LOOKBACK_YEARS)))
            .is_some_and(|limit| t < limit)
        {
            // A year mistyped (1900, 1926): the civil code's longest limit for a claim is 20
            // years from the harm, so nothing older is a complaint to take.
            errors.push(field_error(
                "event_time",
                "事件发生时间早于受理前 20 年，请核对年份",
                "The event is more than 20 years before the complaint: check the year",
            ));
        }
    }
    if blank(&draft.narrative) {
        errors.push(field_error(
            "narrative",
            "请记录投诉事由及经过",
            "Describe what the complaint is about",
        ));
    }
    too_long(
        &mut errors,
        "narrative",
        &draft.narrative,
        NARRATIVE_MAX,
        ("投诉事由及经过", "The narrative"),
    );
    let linked = draft.customer_id.as_deref().is_some_and(|id| !blank(id));
    if blank(&c.phone) && blank(&c.email) && blank(&c.address) && !linked {
        errors.push(field_error(
            "complainant.contact",
            "请至少填写一种联系方式（电话、邮箱或地址），或关联客户",
            "Give at least one way to reach the complainant (phone, email or address), or link the customer",
        ));
    }
    if !blank(&c.phone) && !is_plausible_phone(&c.phone) {
        errors.push(field_error(
            "complainant.phone",
            "电话号码格式不正确（手机号 11 位；固定电话带区号，可带分机，如 0371-65585533转801）",
            "The phone number does not look right (a mobile has 11 digits; a landline its area code, with an extension if any, e.g. 0371-65585533 ext 801)",
        ));
    }
    if !blank(&c.email) && !is_plausible_email(&c.email) {
        errors.push(field_error(
            "complainant.email",
            "电子邮箱格式不正确",
            "The email address does not look right",
        ));
    }
    errors
}

impl Complaint {
    /// Record a new complaint from a valid draft: status `Received`, round 1, and the first
    /// history event. `id` comes from `ids::new_id(Complaint::TYPE, …)`, `case_no` from
    /// [`case_number`].
    pub fn receive(
        draft: &Draft,
        id: String,
        case_no: String,
        branch_code: &str,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<Complaint, Vec<FieldError>> {
        let errors = validate_intake(draft, now);
        let (Some(channel), Some(received_at), true) =
            (draft.channel, draft.received_at, errors.is_empty())
        else {
            return Err(errors);
        };
        let trim = |s: &str| s.trim().to_string();
        Ok(Complaint {
            id,
            rev: None,
            case_no,
            branch_code: branch_code.into(),
            complainant: Complainant {
                name: trim(&draft.complainant.name),
                phone: trim(&draft.complainant.phone),
                email: trim(&draft.complainant.email),
                address: trim(&draft.complainant.address),
            },
            customer_id: draft.customer_id.clone().filter(|s| !blank(s)),
            from_demand: None,
            from_survey: None,
            channel,
            received_at,
            event_time: draft.event_time,
            event_place: trim(&draft.event_place),
            staff_involved: draft
                .staff_involved
                .iter()
                .map(|s| trim(s))
                .filter(|s| !s.is_empty())
                .collect(),
            narrative: draft.narrative.trim().to_string(),
            category: None,
            severity: None,
            department: None,
            preliminary_opinion: draft.preliminary_opinion.trim().to_string(),
            status: Status::Received,
            rounds: vec![Round::new(1, received_at, None)],
            closed_at: None,
            archived_at: None,
            destroyed: false,
            history: vec![HistoryEvent {
                at: now,
                by: actor.into(),
                action: ActionKind::Receive,
                from_status: Status::Received,
                to_status: Status::Received,
                round: 1,
                why: None,
            }],
        })
    }
}

// ───────────────────────────── case numbers ─────────────────────────────

/// The human case number `TS-YYYYMMDD-<device>-NNNN`, e.g. `TS-20261122-A7-0007`.
///
/// Scheme: `YYYYMMDD` is the (local) day of receipt; `<device>` is the code of the device that
/// took the complaint (1–3 Crockford base32 characters, unique within a branch); `NNNN` counts
/// that device's complaints of that day from 0001 (more digits past 9999). Together with the
/// complaint's `branch_code` it is unique across the firm. Two mechanisms make it so:
///
/// * **Within a device** (several tabs, or two saves at once) the sequence is *reserved*
///   before the complaint is written, through one [`CaseCounter`] document per day and device
///   code (`case_counter:<YYYYMMDD>:<device>`). The reservation is a write at the counter's
///   current revision: the store refuses a stale write with a conflict, and the loser reads
///   the counter again and retries, so no two reservations get the same number. The counter
///   never goes below the highest number already in the `complaint_no` index (cases imported
///   from a backup or numbered before counters existed), see [`CaseCounter::reserve`].
/// * **Between devices** each device numbers only under its own code, and the code is
///   *claimed* by a replicated `device:<code>` document naming the device's random id
///   (`settings::DeviceClaim`). Before every reservation the device checks the claim: if sync
///   has brought a claim of the same code by another device (or concurrent claims were
///   resolved in the other's favour — every replica picks the same winning revision), it
///   takes a new, unclaimed code (`settings::check_claim`). So once a device has seen the
///   others' claims it can never number under their code.
///
/// The one case left open is two devices that pick the same random code (1 in 1,024 per pair)
/// while neither has ever synced; the first sync then moves one of them to a new code, and
/// numbers both already gave out on that day stay duplicated under that code (the
/// `branch_code` and the record id still tell them apart). Syncing once after set-up, before
/// taking complaints, closes it.
pub fn case_number(date: NaiveDate, device_code: &str, seq: u32) -> String {
    format!("TS-{}-{}-{:04}", date.layout("%Y%m%d"), device_code, seq)
}

/// The parts of a case number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseNumber {
    pub date: NaiveDate,
    pub device_code: String,
    pub seq: u32,
}

/// Read a case number written by [`case_number`].
pub fn parse_case_number(s: &str) -> Option<CaseNumber> {
    let mut parts = s.split('-');
    if parts.next()? != "TS" {
        return None;
    }
    let date = parts.next()?;
    if date.len() != 8 {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    let device_code = parts.next()?.to_string();
    let seq_text = parts.next()?;
    if parts.next().is_some()
        || device_code.is_empty()
        || seq_text.len() < 4
        || !seq_text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seq = seq_text.parse().ok()?;
    Some(CaseNumber {
        date,
        device_code,
        seq,
    })
}

/// The next sequence number for `device_code` on `date`, given case numbers already used.
pub fn next_case_seq<'a>(
    existing: impl IntoIterator<Item = &'a str>,
    date: NaiveDate,
    device_code: &str,
) -> u32 {
    existing
        .into_iter()
        .filter_map(parse_case_number)
        .filter(|c| c.date == date && c.device_code == device_code)
        .map(|c| c.seq)
        .max()
        .unwrap_or(0)
        + 1
}

/// The id of the case counter of a day and device code.
pub fn case_counter_id(day: NaiveDate, device_code: &str) -> String {
    format!("case_counter:{}:{device_code}", day.layout("%Y%m%d"))
}

/// The last sequence number reserved by one device code on one day (see [`case_number`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounter {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub day: NaiveDate,
    pub device_code: String,
    /// The random id of the device that owns the code (see `settings::DeviceClaim`).
    #[serde(default)]
    pub device_id: String,
    /// The last sequence number handed out (0: none yet).
    pub last: u32,
}

impl Record for CaseCounter {
    const TYPE: &'static str = "case_counter";
}

impl CaseCounter {
    /// A counter not yet stored.
    pub fn new(day: NaiveDate, device_code: &str, device_id: &str) -> Self {
        CaseCounter {
            id: case_counter_id(day, device_code),
            rev: None,
            day,
            device_code: device_code.to_string(),
            device_id: device_id.to_string(),
            last: 0,
        }
    }

    /// Takes the next number: one more than both the counter and `highest_used`, the highest
    /// sequence already found among stored case numbers of this day and code. The caller
    /// writes the counter at its revision and keeps the number only if that write succeeds.
    pub fn reserve(&mut self, highest_used: u32) -> u32 {
        self.last = self.last.max(highest_used) + 1;
        self.last
    }
}

// ───────────────────────────── actions ─────────────────────────────

/// What can be done to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Classify and route (分类分派); also re-routes a classified case.
    Classify {
        category: Category,
        severity: u8,
        department: String,
    },
    StartInvestigation,
    /// Record (or revise) the investigation findings of the current round.
    RecordFindings {
        findings: String,
    },
    /// Submit the handling opinion for approval (逐级上报审批).
    SubmitOpinion {
        responsibility: Responsibility,
        opinion: String,
        corrective_actions: Vec<CorrectiveAction>,
        /// To whom a finding beyond the branch's authority was reported (required then,
        /// dropped otherwise).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        escalated_to: String,
    },
    /// Approve at the actor's level: supervisor first, then manager.
    Approve {
        comment: String,
    },
    /// Refuse the opinion: back to investigation.
    Reject {
        why: String,
    },
    /// Give the approved opinion to the customer.
    Respond {
        channel: Channel,
        content: String,
    },
    /// Mark one corrective action of the current round as done.
    CompleteCorrectiveAction {
        index: usize,
    },
    StartVerification,
    /// Result of the verification visit.
    RecordVerification {
        satisfied: bool,
        /// Whether the corrective measures were carried out and worked: said when the round
        /// has any, `None` otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        measures_effective: Option<bool>,
        note: String,
    },
    Close,
    Archive,
    /// The customer is not satisfied: a new round of investigation.
    Reopen {
        why: String,
    },
    /// Purge after the retention period (5 years after archiving).
    Destroy {
        why: String,
    },
    /// Correct the record (更正记录): the complainant's name and contact, and the narrative,
    /// as the intake checks them, with the reason; the history says what changed.
    Correct {
        complainant: Complainant,
        narrative: String,
        why: String,
    },
}

/// The kind of an action, without its data (for menus, history and errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Intake (only as a history entry).
    Receive,
    Classify,
    StartInvestigation,
    RecordFindings,
    SubmitOpinion,
    Approve,
    Reject,
    Respond,
    CompleteCorrectiveAction,
    StartVerification,
    RecordVerification,
    Close,
    Archive,
    Reopen,
    Destroy,
    /// The record corrected (contact details, narrative).
    Correct,
    /// Staff settled a sync conflict by choosing one version of the case (only as a history
    /// entry: it is written by sync, never offered as an action). The other version's audit
    /// events are kept; `why` says which version was kept.
    SettleConflict,
}

impl ActionKind {
    /// Every action a user can take (all but `Receive`).
    /// (The record's correction, [`ActionKind::Correct`], stands apart: it is no step of the
    /// workflow.)
    pub const ACTIONS: [ActionKind; 14] = [
        ActionKind::Classify,
        ActionKind::StartInvestigation,
        ActionKind::RecordFindings,
        ActionKind::SubmitOpinion,
        ActionKind::Approve,
        ActionKind::Reject,
        ActionKind::Respond,
        ActionKind::CompleteCorrectiveAction,
        ActionKind::StartVerification,
        ActionKind::RecordVerification,
        ActionKind::Close,
        ActionKind::Archive,
        ActionKind::Reopen,
        ActionKind::Destroy,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            ActionKind::Receive => "受理",
            ActionKind::Classify => "分类分派",
            ActionKind::StartInvestigation => "开始调查",
            ActionKind::RecordFindings => "记录调查结果",
            ActionKind::SubmitOpinion => "提交处理意见",
            ActionKind::Approve => "审批通过",
            ActionKind::Reject => "退回",
            ActionKind::Respond => "反馈客户",
            ActionKind::CompleteCorrectiveAction => "整改完成",
            ActionKind::StartVerification => "开始回访验证",
            ActionKind::RecordVerification => "记录回访结果",
            ActionKind::Close => "闭环",
            ActionKind::Archive => "归档",
            ActionKind::Reopen => "重新处理",
            ActionKind::Destroy => "销毁",
            ActionKind::Correct => "更正记录",
            ActionKind::SettleConflict => "处理同步冲突",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ActionKind::Receive => "Receive",
            ActionKind::Classify => "Classify and route",
            ActionKind::StartInvestigation => "Start investigation",
            ActionKind::RecordFindings => "Record findings",
            ActionKind::SubmitOpinion => "Submit opinion",
            ActionKind::Approve => "Approve",
            ActionKind::Reject => "Send back",
            ActionKind::Respond => "Respond to customer",
            ActionKind::CompleteCorrectiveAction => "Corrective action done",
            ActionKind::StartVerification => "Start verification visit",
            ActionKind::RecordVerification => "Record visit result",
            ActionKind::Close => "Close",
            ActionKind::Archive => "Archive",
            ActionKind::Reopen => "Reopen",
            ActionKind::Destroy => "Destroy",
            ActionKind::Correct => "Correct the record",
            ActionKind::SettleConflict => "Sync conflict settled",
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Classify { .. } => ActionKind::Classify,
            Action::StartInvestigation => ActionKind::StartInvestigation,
            Action::RecordFindings { .. } => ActionKind::RecordFindings,
            Action::SubmitOpinion { .. } => ActionKind::SubmitOpinion,
            Action::Approve { .. } => ActionKind::Approve,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Respond { .. } => ActionKind::Respond,
            Action::CompleteCorrectiveAction { .. } => ActionKind::CompleteCorrectiveAction,
            Action::StartVerification => ActionKind::StartVerification,
            Action::RecordVerification { .. } => ActionKind::RecordVerification,
            Action::Close => ActionKind::Close,
            Action::Archive => ActionKind::Archive,
            Action::Reopen { .. } => ActionKind::Reopen,
            Action::Destroy { .. } => ActionKind::Destroy,
            Action::Correct { .. } => ActionKind::Correct,
        }
    }
}

/// What an opinion approved at every level, waiting for its response, reads as (its status
/// stays `AwaitingApproval`; see [`Complaint::status_text`]).
pub const APPROVED_TEXT: (&str, &str) = ("已审批，待反馈", "Approved, to respond");

/// What a corrective action must say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectivePart {
    Description,
    Owner,
    Due,
}

/// A status as staff read it, in Chinese and English.
pub type StatusText = (&'static str, &'static str);

/// [`Complaint::approval_stage`] is `Approved`, read from a stored body without building the
/// complaint (the store's upgrade marks such cases; every later save writes the mark itself):
/// awaiting approval, and a manager approved the current submission of the last round (the
/// last level; the rules let a manager decide only once the levels below have).
pub fn approved_in_body(b: &serde_json::Value) -> bool {
    let round = b["rounds"].as_array().and_then(|r| r.last());
    b["status"] == "awaiting_approval"
        && round.is_some_and(|r| {
            r["approvals"].as_array().is_some_and(|a| {
                a.iter().any(|a| {
                    a["submission"] == r["submissions"]
                        && a["role"] == "manager"
                        && a["decision"] == "approved"
                })
            })
        })
}

/// Where the current submission stands in the two-level approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStage {
    /// Waiting for the supervisor (客服主管).
    NeedsSupervisor,
    /// Supervisor approved; waiting for the manager (客服经理).
    NeedsManager,
    /// Both approved: the response may be given.
    Approved,
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComplaintError {
    /// The action is not possible in the case's status.
    IllegalTransition {
        action: ActionKind,
        status: Status,
    },
    /// The actor's role may not take this action.
    RoleNotAllowed {
        action: ActionKind,
        role: Role,
    },
    /// Approval goes level by level; this level is not the one waiting.
    WrongApprovalLevel {
        expected: Role,
    },
    /// The current submission is already fully approved.
    AlreadyApproved,
    /// The response needs both approvals first.
    NotYetApproved,
    /// Whoever submitted the opinion may not approve or reject it.
    SelfApproval,
    /// 逐级审批: the manager-level decision is someone else's than the supervisor-level one.
    SameApprover,
    /// The opinion needs investigation findings first.
    MissingFindings,
    /// A required text is empty.
    EmptyText {
        field: &'static str,
    },
    /// Severity must be 1..=5.
    InvalidSeverity(u8),
    /// A finding of our responsibility needs at least one corrective action.
    CorrectiveActionsRequired,
    /// The verification visit comes after every corrective action is done.
    CorrectiveActionsOpen,
    NoSuchCorrectiveAction(usize),
    CorrectiveActionAlreadyDone(usize),
    /// A corrective action's due date comes before the day the complaint was received (a year
    /// mistyped; it would be printed on the record form).
    CorrectiveDueBeforeReceipt(usize),
    /// A corrective action lacks what tracking it needs: what is done, by whom, by when.
    CorrectiveIncomplete(usize, CorrectivePart),
    /// A corrective action is due before the day its opinion is submitted: late the moment it
    /// is approved.
    CorrectiveDueBeforeToday(usize),
    /// Closing needs a recorded verification visit.
    VerificationMissing,
    /// Closing needs a satisfied customer; reopen instead.
    CustomerUnsatisfied,
    /// The visit found the customer satisfied and the measures (if any) carried out and
    /// working: the case is closed, not reopened (002 第五章 redoes a case only for an
    /// unsatisfied customer or measures not carried out or not working).
    VerifiedSatisfied,
    /// The visit of a round with corrective measures must say whether they were carried out
    /// and worked.
    MeasuresUnchecked,
    /// The visit found the corrective measures not carried out or not working: they are done
    /// again (the case reopened), not closed.
    MeasuresNotEffective,
    /// A correction whose fields do not pass the intake's checks.
    InvalidCorrection(Vec<FieldError>),
    /// A correction that changes nothing.
    NothingCorrected,
    /// The round's verification result is final once recorded (an unsatisfied visit is not
    /// overwritten: the case is reopened instead).
    VerificationAlreadyRecorded,
    /// The retention period has not ended.
    NotEligibleForDestruction,
    /// The case was destroyed; nothing more can be done.
    Destroyed,
    /// The actor's profile is deactivated (停用): their authority has ended.
    InactiveActor {
        name: String,
    },
}

impl ComplaintError {
    pub fn zh(&self) -> String {
        match self {
            ComplaintError::IllegalTransition { action, status } => {
                format!("案件处于“{}”状态，不能执行“{}”", status.zh(), action.zh())
            }
            ComplaintError::RoleNotAllowed { action, role } => {
                format!("{}无权执行“{}”", role.zh(), action.zh())
            }
            ComplaintError::WrongApprovalLevel { expected } => {
                format!("须逐级审批：当前应由{}审批", expected.zh())
            }
            ComplaintError::AlreadyApproved => "处理意见已审批完毕".into(),
            ComplaintError::NotYetApproved => "处理意见尚未经主管和经理审批，不能反馈客户".into(),
            ComplaintError::SelfApproval => "不能审批本人提交的处理意见".into(),
            ComplaintError::SameApprover => "须逐级审批：经理审批须由主管审批人以外的人作出".into(),
            ComplaintError::MissingFindings => "请先记录调查结果".into(),
            ComplaintError::EmptyText { field } => format!("“{}”不能为空", field_zh(field)),
            ComplaintError::InvalidSeverity(n) => format!("严重程度须为 1 至 5，而不是 {n}"),
            ComplaintError::CorrectiveActionsRequired => {
                "认定我方有责任时，须至少制定一项整改措施".into()
            }
            ComplaintError::CorrectiveActionsOpen => {
                "整改措施尚未全部完成，不能开始回访验证".into()
            }
            ComplaintError::NoSuchCorrectiveAction(i) => format!("没有第 {} 项整改措施", i + 1),
            ComplaintError::CorrectiveActionAlreadyDone(i) => {
                format!("第 {} 项整改措施已完成", i + 1)
            }
            ComplaintError::CorrectiveDueBeforeReceipt(i) => {
                format!("第 {} 项整改措施的完成期限早于受理日期", i + 1)
            }
            ComplaintError::CorrectiveIncomplete(i, part) => format!(
                "第 {} 项整改措施未填写{}",
                i + 1,
                match part {
                    CorrectivePart::Description => "措施内容",
                    CorrectivePart::Owner => "责任人或部门",
                    CorrectivePart::Due => "完成期限",
                }
            ),
            ComplaintError::CorrectiveDueBeforeToday(i) => {
                format!("第 {} 项整改措施的完成期限早于今天", i + 1)
            }
            ComplaintError::VerificationMissing => "尚未记录回访验证结果，不能闭环".into(),
            ComplaintError::CustomerUnsatisfied => "客户对处理结果不满意，请重新处理".into(),
            ComplaintError::VerifiedSatisfied => {
                "回访验证客户满意、整改措施已落实，应予闭环，不能重新处理".into()
            }
            ComplaintError::MeasuresUnchecked => "请核实整改措施是否落实并达到预期效果".into(),
            ComplaintError::MeasuresNotEffective => {
                "整改措施没有落实或未达到预期效果，须重新整改：请重新处理".into()
            }
            ComplaintError::VerificationAlreadyRecorded => {
                "本轮回访验证结果已记录，不能更改；客户不满意的，请重新处理".into()
            }
            ComplaintError::NotEligibleForDestruction => "归档未满 5 年，不能销毁".into(),
            ComplaintError::Destroyed => "案件资料已销毁".into(),
            ComplaintError::InvalidCorrection(errors) => errors
                .iter()
                .map(|e| e.zh.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            ComplaintError::NothingCorrected => "没有更改任何内容".into(),
            ComplaintError::InactiveActor { name } => {
                format!("{name}已停用，不能办理投诉案件")
            }
        }
    }

    pub fn en(&self) -> String {
        match self {
            ComplaintError::IllegalTransition { action, status } => format!(
                "“{}” is not possible while the case is “{}”",
                action.en(),
                status.en()
            ),
            ComplaintError::RoleNotAllowed { action, role } => {
                format!("A {} may not “{}”", role.en().to_lowercase(), action.en())
            }
            ComplaintError::WrongApprovalLevel { expected } => format!(
                "Approval goes level by level: the {} must decide now",
                expected.en().to_lowercase()
            ),
            ComplaintError::AlreadyApproved => "The opinion is already fully approved".into(),
            ComplaintError::NotYetApproved => {
                "The opinion needs the supervisor's and the manager's approval before the customer is answered".into()
            }
            ComplaintError::SelfApproval => "You cannot approve an opinion you submitted".into(),
            ComplaintError::SameApprover => {
                "Approval goes level by level: the manager-level decision must come from someone other than the supervisor-level approver".into()
            }
            ComplaintError::MissingFindings => "Record the investigation findings first".into(),
            ComplaintError::EmptyText { field } => format!("“{}” cannot be empty", field_en(field)),
            ComplaintError::InvalidSeverity(n) => format!("Severity must be 1 to 5, not {n}"),
            ComplaintError::CorrectiveActionsRequired => {
                "A finding of our responsibility needs at least one corrective action".into()
            }
            ComplaintError::CorrectiveActionsOpen => {
                "All corrective actions must be done before the verification visit".into()
            }
            ComplaintError::NoSuchCorrectiveAction(i) => {
                format!("There is no corrective action {}", i + 1)
            }
            ComplaintError::CorrectiveActionAlreadyDone(i) => {
                format!("Corrective action {} is already done", i + 1)
            }
            ComplaintError::CorrectiveDueBeforeReceipt(i) => format!(
                "Corrective action {} is due before the complaint was received",
                i + 1
            ),
            ComplaintError::CorrectiveIncomplete(i, part) => format!(
                "Corrective action {} has no {}",
                i + 1,
                match part {
                    CorrectivePart::Description => "description",
                    CorrectivePart::Owner => "person or department responsible",
                    CorrectivePart::Due => "due date",
                }
            ),
            ComplaintError::CorrectiveDueBeforeToday(i) => {
                format!("Corrective action {} is due before today", i + 1)
            }
            ComplaintError::VerificationMissing => {
                "Record the verification visit before closing".into()
            }
            ComplaintError::CustomerUnsatisfied => {
                "The customer is not satisfied: reopen the case instead".into()
            }
            ComplaintError::VerifiedSatisfied => {
                "The visit found the customer satisfied and the measures carried out: close the case, it cannot be reopened".into()
            }
            ComplaintError::MeasuresUnchecked => {
                "Say whether the corrective measures were carried out and worked".into()
            }
            ComplaintError::MeasuresNotEffective => {
                "The corrective measures were not carried out or did not work and must be done again: reopen the case".into()
            }
            ComplaintError::VerificationAlreadyRecorded => {
                "This round's verification visit is already recorded and cannot be changed; if the customer is not satisfied, reopen the case".into()
            }
            ComplaintError::NotEligibleForDestruction => {
                "The case has not been archived for more than 5 years".into()
            }
            ComplaintError::Destroyed => "The case's records were destroyed".into(),
            ComplaintError::InvalidCorrection(errors) => {
                errors.iter().map(|e| e.en.as_str()).collect::<Vec<_>>().join("; ")
            }
            ComplaintError::NothingCorrected => "Nothing was changed".into(),
            ComplaintError::InactiveActor { name } => {
                format!("{name} has been deactivated and may no longer act on complaints")
            }
        }
    }
}

impl fmt::Display for ComplaintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for ComplaintError {}

fn field_zh(field: &str) -> &'static str {
    match field {
        "department" => "责任部门",
        "findings" => "调查结果",
        "opinion" => "处理意见",
        "corrective_actions" => "整改措施",
        "escalated_to" => "上报对象",
        "why" => "原因",
        "content" => "反馈内容",
        "note" => "回访记录",
        _ => "字段",
    }
}

fn field_en(field: &str) -> &'static str {
    match field {
        "department" => "Department",
        "findings" => "Findings",
        "opinion" => "Opinion",
        "corrective_actions" => "Corrective action",
        "escalated_to" => "Reported to",
        "why" => "Reason",
        "content" => "Response",
        "note" => "Visit note",
        _ => "Field",
    }
}

fn need_text(text: &str, field: &'static str) -> Result<(), ComplaintError> {
    if blank(text) {
        Err(ComplaintError::EmptyText { field })
    } else {
        Ok(())
    }
}

impl Complaint {
    /// Whether `other` is this case as far as the case goes: equal but for the revision. A
    /// revision that rewrote only what the record holds beside the case (its listed deadline,
    /// for the lists) is the same case.
    pub fn same_case(&self, other: &Complaint) -> bool {
        let plain = |c: &Complaint| Complaint {
            rev: None,
            ..c.clone()
        };
        plain(self) == plain(other)
    }

    /// The current round (1, 2, …).
    pub fn round(&self) -> u32 {
        self.current_round().number
    }

    /// The way to answer the customer offered first: the way they came in; for an entry in
    /// the comment book (a way in, not a way to answer), the first contact they left: phone,
    /// then e-mail, else a letter.
    pub fn reply_channel(&self) -> Channel {
        match self.channel {
            Channel::CommentBook if !self.complainant.phone.trim().is_empty() => Channel::Phone,
            Channel::CommentBook if !self.complainant.email.trim().is_empty() => Channel::Email,
            Channel::CommentBook => Channel::Letter,
            other => other,
        }
    }

    /// Whether the record may still be corrected ([`Action::Correct`]): until it is archived.
    pub fn may_correct(&self) -> bool {
        !self.destroyed && self.status != Status::Archived
    }

    /// Applies a correction ([`Action::Correct`]) checked as the intake is; what changed, in
    /// words for the history (phones and e-mails masked, as the case page shows them).
    fn correct(
        &mut self,
        c: Complainant,
        narrative: &str,
    ) -> Result<(String, String), ComplaintError> {
        let draft = Draft {
            complainant: c.clone(),
            customer_id: self.customer_id.clone(),
            channel: Some(self.channel),
            received_at: Some(self.received_at),
            event_time: self.event_time,
            event_place: self.event_place.clone(),
            staff_involved: self.staff_involved.clone(),
            narrative: narrative.to_string(),
            preliminary_opinion: String::new(),
        };
        // Checked as of its receipt: the time received is not what is corrected.
        let errors = validate_intake(&draft, self.received_at);
        if !errors.is_empty() {
            return Err(ComplaintError::InvalidCorrection(errors));
        }
        let trim = |s: &str| s.trim().to_string();
        let new = Complainant {
            name: trim(&c.name),
            phone: trim(&c.phone),
            email: trim(&c.email),
            address: trim(&c.address),
        };
        let old = &self.complainant;
        // How a value is shown in the history: as it is, or masked.
        type Shown = fn(&str) -> String;
        let shown = |v: &str, f: Shown| {
            if v.is_empty() {
                "—".to_string()
            } else {
                f(v)
            }
        };
        // What changed, in Chinese and in English (each shown in its language, QA).
        let mut said: Vec<(String, String)> = Vec::new();
        let fields: [(&str, &str, &str, &str, Shown); 3] = [
            ("姓名", "name", &old.name, &new.name, |s| s.to_string()),
            (
                "电话",
                "phone",
                &old.phone,
                &new.phone,
                super::customer::mask_phone,
            ),
            (
                "邮箱",
                "e-mail",
                &old.email,
                &new.email,
                super::customer::mask_email,
            ),
        ];
        for (zh, en, was, now, as_shown) in fields {
            if was != now {
                let change = format!("{} → {}", shown(was, as_shown), shown(now, as_shown));
                said.push((format!("{zh}：{change}"), format!("{en}: {change}")));
            }
        }
        if new.address != old.address {
            said.push(("地址".into(), "address".into()));
        }
        let narrative = narrative.trim();
        if narrative != self.narrative {
            said.push(("投诉事由及经过".into(), "narrative".into()));
        }
        if said.is_empty() {
            return Err(ComplaintError::NothingCorrected);
        }
        self.complainant = new;
        self.narrative = narrative.to_string();
        let (zh, en): (Vec<String>, Vec<String>) = said.into_iter().unzip();
        Ok((
            format!("更正：{}", zh.join("；")),
            format!("corrected: {}", en.join("; ")),
        ))
    }

    pub fn current_round(&self) -> &Round {
        self.rounds
            .last()
            .expect("a complaint has at least one round")
    }

    fn current_round_mut(&mut self) -> &mut Round {
        if self.rounds.is_empty() {
            self.rounds.push(Round::new(1, self.received_at, None));
        }
        self.rounds.last_mut().expect("just ensured")
    }

    /// The approval stage of the current submission, while awaiting approval.
    pub fn approval_stage(&self) -> Option<ApprovalStage> {
        if self.status != Status::AwaitingApproval {
            return None;
        }
        let round = self.current_round();
        let approved_by = |role| {
            round
                .current_approvals()
                .any(|a| a.role == role && a.decision == Decision::Approved)
        };
        let senior_author = matches!(round.submitted_role, Some(Role::Supervisor | Role::Manager));
        Some(if !(senior_author || approved_by(Role::Supervisor)) {
            ApprovalStage::NeedsSupervisor
        } else if !approved_by(Role::Manager) {
            ApprovalStage::NeedsManager
        } else {
            ApprovalStage::Approved
        })
    }

    /// The status as staff read it: an opinion approved at every level waits for the response
    /// to the customer, no longer for an approval (its status stays `AwaitingApproval`).
    pub fn status_text(&self) -> (&'static str, &'static str) {
        if self.destroyed {
            // Its records gone: it no longer reads as an archived case (QA).
            return ("已销毁", "Destroyed");
        }
        match self.approval_stage() {
            Some(ApprovalStage::Approved) => APPROVED_TEXT,
            _ => (self.status.zh(), self.status.en()),
        }
    }

    /// Each history event's status before and after it as staff read it ([`Self::status_text`]):
    /// an opinion approved at every level reads 已审批，待反馈 though its status stays
    /// `AwaitingApproval` (before, the last approval read 待审批, and the response after it
    /// 待审批 → 已反馈客户). Worked out by replaying the rounds' decisions in order.
    pub fn history_texts(&self) -> Vec<(StatusText, StatusText)> {
        let text = |s: Status, approved: bool| {
            if approved && s == Status::AwaitingApproval {
                APPROVED_TEXT
            } else {
                (s.zh(), s.en())
            }
        };
        // Decisions met so far in each round (the k-th Approve or Reject event of a round is
        // its k-th approval entry), and the submission under review: its author senior, and
        // whether a supervisor and a manager approved it.
        let mut decided: BTreeMap<u32, usize> = BTreeMap::new();
        let (mut senior, mut supervisor, mut manager) = (false, false, false);
        let mut approved = false;
        self.history
            .iter()
            .map(|e| {
                let from = text(e.from_status, approved);
                let round = self.rounds.iter().find(|r| r.number == e.round);
                match e.action {
                    ActionKind::SubmitOpinion => {
                        // As `approval_stage` has it: the round's author's role.
                        senior = round.is_some_and(|r| {
                            matches!(r.submitted_role, Some(Role::Supervisor | Role::Manager))
                        });
                        (supervisor, manager) = (false, false);
                    }
                    ActionKind::Approve | ActionKind::Reject => {
                        let k = decided.entry(e.round).or_insert(0);
                        let decision = round.and_then(|r| r.approvals.get(*k));
                        *k += 1;
                        match decision {
                            Some(a) if a.decision == Decision::Approved => match a.role {
                                Role::Supervisor => supervisor = true,
                                Role::Manager => manager = true,
                                Role::Specialist => {}
                            },
                            _ => (supervisor, manager) = (false, false),
                        }
                    }
                    ActionKind::Reopen => (supervisor, manager) = (false, false),
                    _ => {}
                }
                approved =
                    e.to_status == Status::AwaitingApproval && (senior || supervisor) && manager;
                (from, text(e.to_status, approved))
            })
            .collect()
    }

    /// While the opinion awaits approval, whose decision it waits for.
    pub fn awaited_approver(&self) -> Option<(&'static str, &'static str)> {
        match self.approval_stage()? {
            ApprovalStage::NeedsSupervisor => {
                Some(("等待客服主管审批", "Waiting for a supervisor's approval"))
            }
            ApprovalStage::NeedsManager => {
                Some(("等待客服经理审批", "Waiting for a manager's approval"))
            }
            ApprovalStage::Approved => None,
        }
    }

    /// While the opinion awaits approval, the role whose decision nobody among `staff` can
    /// give: no active member of it who is neither the opinion's author nor its approver at
    /// the level before (the one supervisor deactivated after it was submitted, say). The case
    /// waits until one is added or reactivated, which the case page says (QA: it only said
    /// whose approval it waited for, and waited).
    pub fn approver_wanting(&self, staff: &[Staff]) -> Option<Role> {
        let role = match self.approval_stage()? {
            ApprovalStage::NeedsSupervisor => Role::Supervisor,
            ApprovalStage::NeedsManager => Role::Manager,
            ApprovalStage::Approved => return None,
        };
        let someone = staff
            .iter()
            .any(|s| s.active && s.role == role && self.approver_barred(&s.actor()).is_none());
        (!someone).then_some(role)
    }

    /// Whether `kind` is possible now for someone of `role` (before looking at the action's data).
    fn precheck(
        &self,
        kind: ActionKind,
        role: Role,
        today: NaiveDate,
    ) -> Result<(), ComplaintError> {
        use ActionKind as K;
        if self.destroyed {
            return Err(ComplaintError::Destroyed);
        }
        let illegal = Err(ComplaintError::IllegalTransition {
            action: kind,
            status: self.status,
        });
        let senior = matches!(role, Role::Supervisor | Role::Manager);
        let round = self.current_round();
        match kind {
            K::Receive | K::SettleConflict => illegal,
            K::Classify => match self.status {
                Status::Received | Status::Classified => Ok(()),
                _ => illegal,
            },
            K::StartInvestigation => match self.status {
                Status::Classified => Ok(()),
                _ => illegal,
            },
            K::RecordFindings => match self.status {
                Status::Investigating => Ok(()),
                _ => illegal,
            },
            K::SubmitOpinion => match self.status {
                Status::Investigating if round.findings.is_none() => {
                    Err(ComplaintError::MissingFindings)
                }
                Status::Investigating => Ok(()),
                _ => illegal,
            },
            K::Approve | K::Reject => {
                if self.status != Status::AwaitingApproval {
                    return illegal;
                }
                if role == Role::Specialist {
                    return Err(ComplaintError::RoleNotAllowed { action: kind, role });
                }
                match self.approval_stage() {
                    Some(ApprovalStage::NeedsSupervisor) if role != Role::Supervisor => {
                        Err(ComplaintError::WrongApprovalLevel {
                            expected: Role::Supervisor,
                        })
                    }
                    Some(ApprovalStage::NeedsManager) if role != Role::Manager => {
                        Err(ComplaintError::WrongApprovalLevel {
                            expected: Role::Manager,
                        })
                    }
                    Some(ApprovalStage::Approved) => Err(ComplaintError::AlreadyApproved),
                    _ => Ok(()),
                }
            }
            K::Respond => match self.status {
                Status::AwaitingApproval
                    if self.approval_stage() == Some(ApprovalStage::Approved) =>
                {
                    Ok(())
                }
                Status::AwaitingApproval => Err(ComplaintError::NotYetApproved),
                _ => illegal,
            },
            K::CompleteCorrectiveAction => {
                let approved = self.approval_stage() == Some(ApprovalStage::Approved);
                if !(approved || matches!(self.status, Status::Responded | Status::Verifying)) {
                    return illegal;
                }
                if round.corrective_actions.iter().all(|a| a.done) {
                    return illegal;
                }
                Ok(())
            }
            K::StartVerification => match self.status {
                Status::Responded if round.corrective_actions.iter().any(|a| !a.done) => {
                    Err(ComplaintError::CorrectiveActionsOpen)
                }
                Status::Responded => Ok(()),
                _ => illegal,
            },
            K::RecordVerification => match self.status {
                Status::Verifying if round.verification.is_some() => {
                    Err(ComplaintError::VerificationAlreadyRecorded)
                }
                Status::Verifying => Ok(()),
                _ => illegal,
            },
            K::Close => {
                if self.status != Status::Verifying {
                    return illegal;
                }
                if !senior {
                    return Err(ComplaintError::RoleNotAllowed { action: kind, role });
                }
                match &round.verification {
                    None => Err(ComplaintError::VerificationMissing),
                    Some(v) if !v.satisfied => Err(ComplaintError::CustomerUnsatisfied),
                    Some(v) if v.measures_effective == Some(false) => {
                        Err(ComplaintError::MeasuresNotEffective)
                    }
                    Some(_) => Ok(()),
                }
            }
            K::Archive => {
                if self.status != Status::Closed {
                    return illegal;
                }
                if !senior {
                    return Err(ComplaintError::RoleNotAllowed { action: kind, role });
                }
                Ok(())
            }
            K::Reopen => match (self.status, &round.verification) {
                (Status::Verifying, Some(v))
                    if v.satisfied && v.measures_effective != Some(false) =>
                {
                    Err(ComplaintError::VerifiedSatisfied)
                }
                (Status::Responded | Status::Verifying, _) => Ok(()),
                _ => illegal,
            },
            K::Destroy => {
                if self.status != Status::Archived {
                    return illegal;
                }
                if role != Role::Manager {
                    return Err(ComplaintError::RoleNotAllowed { action: kind, role });
                }
                if !super::report::eligible_for_destruction(self, today) {
                    return Err(ComplaintError::NotEligibleForDestruction);
                }
                Ok(())
            }
            // Until it is archived: the archived record is the one kept.
            K::Correct if self.may_correct() => Ok(()),
            K::Correct => illegal,
        }
    }

    /// The actions someone of `role` may take at `now`, in workflow order, so the UI offers
    /// only legal ones (`Destroy` only once the retention period is over,
    /// `report::eligible_for_destruction`). What needs the person, not just the role, is left
    /// out by [`Complaint::allowed_actions_for`].
    pub fn allowed_actions(&self, role: Role, now: NaiveDateTime) -> Vec<ActionKind> {
        ActionKind::ACTIONS
            .into_iter()
            .filter(|k| self.precheck(*k, role, now.date()).is_ok())
            .collect()
    }

    /// [`Complaint::allowed_actions`] for a particular person: also leaves out approving or
    /// rejecting their own opinion, and the manager-level decision for whoever approved at
    /// the supervisor level (逐级审批 is two people's).
    pub fn allowed_actions_for(&self, actor: &Actor, now: NaiveDateTime) -> Vec<ActionKind> {
        let barred = self.approver_barred(actor).is_some();
        self.allowed_actions(actor.role, now)
            .into_iter()
            .filter(|k| !(barred && matches!(k, ActionKind::Approve | ActionKind::Reject)))
            .collect()
    }

    /// Of the `allowed` actions (in workflow order), the step the keyboard goes on to after
    /// the case's last one: the first that comes after it in workflow order and does not turn
    /// the case back or end it (退回, 重新处理, 销毁), e.g. 开始调查 after 分类分派 (which stays
    /// offered, for a reclassification); else the first allowed, which may be the same step again
    /// (the next corrective action) or a reopening that is all there is left to do.
    pub fn next_step(&self, allowed: &[ActionKind]) -> Option<ActionKind> {
        use ActionKind as K;
        let order = |k: ActionKind| ActionKind::ACTIONS.iter().position(|a| *a == k);
        // Intake (and a settled conflict) come before every action; a correction is no step.
        let last = self
            .history
            .iter()
            .rev()
            .find(|e| e.action != K::Correct)
            .and_then(|e| order(e.action));
        allowed
            .iter()
            .copied()
            .find(|k| {
                !matches!(k, K::Reject | K::Reopen | K::Destroy)
                    && last.is_none_or(|l| order(*k).is_some_and(|i| i > l))
            })
            .or_else(|| allowed.first().copied())
    }

    /// The level of approval nobody could give if `author` submitted the opinion now, among
    /// `staff`: a specialist's opinion goes to a supervisor and then a manager, a supervisor's
    /// or a manager's to a manager (逐级上报; see [`Complaint::approval_stage`]), each level
    /// someone active other than its author ([`Complaint::approver_barred`]). Submitted
    /// without one, the case would wait for an approval nobody can give. None: it can be
    /// approved.
    pub fn approver_missing(author: &Staff, staff: &[Staff]) -> Option<Role> {
        let needed: &[Role] = match author.role {
            Role::Specialist => &[Role::Supervisor, Role::Manager],
            _ => &[Role::Manager],
        };
        needed.iter().copied().find(|role| {
            !staff
                .iter()
                .any(|s| s.active && s.role == *role && s.id != author.id)
        })
    }

    /// Why `actor` may not decide on the current submission whatever their role: they
    /// submitted it, or they already approved it at an earlier level.
    pub fn approver_barred(&self, actor: &Actor) -> Option<ComplaintError> {
        if self.is_own_submission(actor) {
            return Some(ComplaintError::SelfApproval);
        }
        let approved_before = self
            .current_round()
            .current_approvals()
            .any(|a| a.by.id == actor.id && a.decision == Decision::Approved);
        approved_before.then_some(ComplaintError::SameApprover)
    }

    fn is_own_submission(&self, actor: &Actor) -> bool {
        self.current_round()
            .submitted_by
            .as_ref()
            .is_some_and(|s| s.id == actor.id)
    }

    /// Apply an action by the staff member `by` (their profile as stored now) at `now`: as
    /// `apply`, and first refused if they have been deactivated (停用 ends their authority,
    /// whatever their role; a device may still hold an old sign-in).
    pub fn apply_by(
        &mut self,
        action: Action,
        by: &Staff,
        now: NaiveDateTime,
    ) -> Result<(), ComplaintError> {
        if !by.active {
            return Err(ComplaintError::InactiveActor {
                name: by.name.clone(),
            });
        }
        self.apply(action, &by.actor(), now)
    }

    /// Apply an action by `actor` at `now`: checks status, role and data, changes the case and
    /// appends one history event; on error nothing changes.
    pub fn apply(
        &mut self,
        action: Action,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<(), ComplaintError> {
        let kind = action.kind();
        // Its author is told it is their own opinion before being told the level it is at.
        if matches!(kind, ActionKind::Approve | ActionKind::Reject)
            && self.status == Status::AwaitingApproval
            && actor.role != Role::Specialist
            && self.is_own_submission(actor)
        {
            return Err(ComplaintError::SelfApproval);
        }
        self.precheck(kind, actor.role, now.date())?;
        let from = self.status;
        let by = StaffRef::from(actor);
        let mut why = None;
        match action {
            Action::Classify {
                category,
                severity,
                department,
            } => {
                if !(1..=5).contains(&severity) {
                    return Err(ComplaintError::InvalidSeverity(severity));
                }
                need_text(&department, "department")?;
                self.category = Some(category);
                self.severity = Some(severity);
                self.department = Some(department.trim().to_string());
                self.status = Status::Classified;
            }
            Action::StartInvestigation => self.status = Status::Investigating,
            Action::RecordFindings { findings } => {
                need_text(&findings, "findings")?;
                let round = self.current_round_mut();
                round.findings = Some(findings.trim().to_string());
                round.findings_at = Some(now);
            }
            Action::SubmitOpinion {
                responsibility,
                opinion,
                corrective_actions,
                escalated_to,
            } => {
                need_text(&opinion, "opinion")?;
                if responsibility.escalates() {
                    need_text(&escalated_to, "escalated_to")?;
                }
                // Each action says what is done, by whom and by when, so that it can be
                // followed up and checked at the visit; by a day not already past.
                let received = self.received_at.date();
                for (i, a) in corrective_actions.iter().enumerate() {
                    let missing = |part| Err(ComplaintError::CorrectiveIncomplete(i, part));
                    if blank(&a.description) {
                        return missing(CorrectivePart::Description);
                    }
                    if blank(&a.owner) {
                        return missing(CorrectivePart::Owner);
                    }
                    let Some(due) = a.due else {
                        return missing(CorrectivePart::Due);
                    };
                    if due < received {
                        return Err(ComplaintError::CorrectiveDueBeforeReceipt(i));
                    }
                    if due < now.date() {
                        return Err(ComplaintError::CorrectiveDueBeforeToday(i));
                    }
                }
                if responsibility.requires_corrective_actions() && corrective_actions.is_empty() {
                    return Err(ComplaintError::CorrectiveActionsRequired);
                }
                let round = self.current_round_mut();
                round.responsibility = Some(responsibility);
                round.opinion = Some(opinion.trim().to_string());
                round.corrective_actions = corrective_actions;
                round.escalated_to = responsibility
                    .escalates()
                    .then(|| escalated_to.trim().to_string());
                round.submissions += 1;
                round.submitted_by = Some(by.clone());
                round.submitted_role = Some(actor.role);
                self.status = Status::AwaitingApproval;
            }
            Action::Approve { comment } => {
                if let Some(e) = self.approver_barred(actor) {
                    return Err(e);
                }
                let round = self.current_round_mut();
                let submission = round.submissions;
                round.approvals.push(Approval {
                    by: by.clone(),
                    role: actor.role,
                    at: now,
                    decision: Decision::Approved,
                    comment: comment.trim().to_string(),
                    submission,
                });
                if !blank(&comment) {
                    why = Some(comment.trim().to_string());
                }
            }
            Action::Reject { why: reason } => {
                need_text(&reason, "why")?;
                if let Some(e) = self.approver_barred(actor) {
                    return Err(e);
                }
                let round = self.current_round_mut();
                let submission = round.submissions;
                round.approvals.push(Approval {
                    by: by.clone(),
                    role: actor.role,
                    at: now,
                    decision: Decision::Rejected,
                    comment: reason.trim().to_string(),
                    submission,
                });
                let refused = SentBack {
                    submission,
                    responsibility: round.responsibility,
                    opinion: round.opinion.clone().unwrap_or_default(),
                    corrective_actions: round.corrective_actions.clone(),
                    escalated_to: round.escalated_to.clone(),
                    submitted_by: round.submitted_by.clone(),
                };
                round.sent_back.push(refused);
                self.status = Status::Investigating;
                why = Some(reason.trim().to_string());
            }
            Action::Respond { channel, content } => {
                need_text(&content, "content")?;
                self.current_round_mut().response = Some(CustomerResponse {
                    at: now,
                    by: by.clone(),
                    channel,
                    content: content.trim().to_string(),
                });
                self.status = Status::Responded;
            }
            Action::CompleteCorrectiveAction { index } => {
                let round = self.current_round_mut();
                let Some(item) = round.corrective_actions.get_mut(index) else {
                    return Err(ComplaintError::NoSuchCorrectiveAction(index));
                };
                if item.done {
                    return Err(ComplaintError::CorrectiveActionAlreadyDone(index));
                }
                item.done = true;
                item.done_at = Some(now);
                why = Some(item.description.clone());
            }
            Action::StartVerification => self.status = Status::Verifying,
            Action::RecordVerification {
                satisfied,
                measures_effective,
                note,
            } => {
                // Said for a round with corrective measures, and only then.
                let measures_effective = if self.current_round().corrective_actions.is_empty() {
                    None
                } else {
                    Some(measures_effective.ok_or(ComplaintError::MeasuresUnchecked)?)
                };
                if !satisfied || measures_effective == Some(false) {
                    need_text(&note, "note")?;
                }
                self.current_round_mut().verification = Some(Verification {
                    at: now,
                    by: by.clone(),
                    satisfied,
                    measures_effective,
                    note: note.trim().to_string(),
                });
                if !blank(&note) {
                    why = Some(note.trim().to_string());
                }
            }
            Action::Close => {
                self.status = Status::Closed;
                self.closed_at = Some(now);
            }
            Action::Archive => {
                self.status = Status::Archived;
                self.archived_at = Some(now);
            }
            Action::Reopen { why: reason } => {
                need_text(&reason, "why")?;
                let number = self.round() + 1;
                // Approved measures not carried out yet are still owed (002 第五章1: the visit
                // comes once they are done): they go into the new round, where its opinion
                // keeps, changes or drops them in words, and its visit asks after them (QA:
                // they were left behind in the round before, and the case closed without them).
                let owed: Vec<CorrectiveAction> = self
                    .current_round()
                    .corrective_actions
                    .iter()
                    .filter(|a| !a.done)
                    .cloned()
                    .collect();
                let mut next = Round::new(number, now, Some(reason.trim().to_string()));
                next.corrective_actions = owed;
                self.rounds.push(next);
                self.status = Status::Investigating;
                self.closed_at = None;
                why = Some(reason.trim().to_string());
            }
            Action::Destroy { why: reason } => {
                need_text(&reason, "why")?;
                self.purge();
                why = Some(reason.trim().to_string());
            }
            Action::Correct {
                complainant,
                narrative,
                why: reason,
            } => {
                need_text(&reason, "why")?;
                let (zh, en) = self.correct(complainant, &narrative)?;
                let reason = reason.trim();
                why = Some(format!("{reason}（{zh}）{WHY_LANGS}{reason} ({en})"));
            }
        }
        let round = self.round();
        self.history.push(HistoryEvent {
            at: now,
            by,
            action: kind,
            from_status: from,
            to_status: self.status,
            round,
            why,
        });
        Ok(())
    }

    /// Erase personal data and free text after the retention period. Kept: case number, branch,
    /// channel, dates, category, severity, department, findings of responsibility, statuses,
    /// the staff involved (the reports count complaints per person; staff names stay in the
    /// history too) and the skeleton of the history (who did what when), so statistics and the
    /// audit stay whole.
    fn purge(&mut self) {
        self.complainant = Complainant::default();
        self.customer_id = None;
        self.event_place.clear();
        self.narrative.clear();
        self.preliminary_opinion.clear();
        for round in &mut self.rounds {
            round.reopen_reason = None;
            round.findings = None;
            round.opinion = None;
            for a in &mut round.corrective_actions {
                a.description.clear();
                a.owner.clear();
            }
            for a in &mut round.approvals {
                a.comment.clear();
            }
            if let Some(r) = &mut round.response {
                r.content.clear();
            }
            if let Some(v) = &mut round.verification {
                v.note.clear();
            }
        }
        for event in &mut self.history {
            event.why = None;
        }
        self.destroyed = true;
    }

    /// The destruction, with who, when and why, once the case's records are destroyed.
    pub fn destruction(&self) -> Option<&HistoryEvent> {
        self.history
            .iter()
            .rev()
            .find(|e| e.action == ActionKind::Destroy)
            .filter(|_| self.destroyed)
    }

    /// The first time an action of `kind` happened, from the history.
    pub fn first(&self, kind: ActionKind) -> Option<NaiveDateTime> {
        self.history
            .iter()
            .filter(|e| e.action == kind)
            .map(|e| e.at)
            .min()
    }
}

// ───────────────────────────── deadline clocks ─────────────────────────────

/// The deadlines a case runs against, all counted from the time of receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// 30 minutes: first response (the case is classified and routed).
    FirstResponse,
    /// 24 hours: initial analysis (investigation findings recorded).
    Analysis,
    /// 48 hours: handling plan (opinion submitted).
    Plan,
    /// 72 hours: initial handling (the customer has the answer).
    InitialHandling,
    /// 3 working days incl. the day of receipt: investigation done, opinion drafted and
    /// submitted for approval (三个工作日内完成调查核实并拟订处理意见).
    Investigation,
    /// 4 working days incl. the day of receipt: the approved opinion given to the customer.
    Response,
    /// 7 working days: resolved (closed after a satisfied verification visit).
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 7] = [
        ClockKind::FirstResponse,
        ClockKind::Analysis,
        ClockKind::Plan,
        ClockKind::InitialHandling,
        ClockKind::Investigation,
        ClockKind::Response,
        ClockKind::Resolution,
    ];
    pub fn zh(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "初步响应（30分钟）",
            ClockKind::Analysis => "初步分析（24小时）",
            ClockKind::Plan => "处理方案（48小时）",
            ClockKind::InitialHandling => "初步处理（72小时）",
            ClockKind::Investigation => "调查核实（3个工作日）",
            ClockKind::Response => "反馈客户（4个工作日）",
            ClockKind::Resolution => "问题处理（7个工作日）",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "First response (30 min)",
            ClockKind::Analysis => "Analysis (24 h)",
            ClockKind::Plan => "Plan (48 h)",
            ClockKind::InitialHandling => "Initial handling (72 h)",
            ClockKind::Investigation => "Investigation (3 working days)",
            ClockKind::Response => "Response (4 working days)",
            ClockKind::Resolution => "Resolution (7 working days)",
        }
    }
    /// The regulatory limits of the complaint procedure (3 and 4 working days).
    pub fn is_regulatory(self) -> bool {
        matches!(self, ClockKind::Investigation | ClockKind::Response)
    }
}

/// How a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockState {
    /// Met in time.
    Met,
    /// Met, but after the deadline: it stays a breach.
    MetLate { by: TimeDelta },
    /// Not met, due on a later day.
    OnTime { left: TimeDelta },
    /// Not met, due later today.
    DueToday { left: TimeDelta },
    /// Not met and past due. The clock never pauses.
    Overdue { by: TimeDelta },
}

impl ClockState {
    /// A breach of the deadline, now or in the past.
    pub fn is_breach(self) -> bool {
        matches!(
            self,
            ClockState::MetLate { .. } | ClockState::Overdue { .. }
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub kind: ClockKind,
    pub due: NaiveDateTime,
    pub met_at: Option<NaiveDateTime>,
    pub state: ClockState,
}

/// When a clock of `kind` falls due for a complaint received at `received_at`.
/// Hour clocks run in calendar time; working-day clocks end at 23:59:59 of their last day.
pub fn due_at(kind: ClockKind, received_at: NaiveDateTime, cal: &WorkingCalendar) -> NaiveDateTime {
    let working = |n| end_of_day(cal.add_working_days(received_at.date(), n));
    match kind {
        ClockKind::FirstResponse => received_at + Duration::minutes(30),
        ClockKind::Analysis => received_at + Duration::hours(24),
        ClockKind::Plan => received_at + Duration::hours(48),
        ClockKind::InitialHandling => received_at + Duration::hours(72),
        ClockKind::Investigation => working(3),
        ClockKind::Response => working(4),
        ClockKind::Resolution => working(7),
    }
}

/// The regulatory response deadline (4 working days incl. the day of receipt), for indexing.
pub fn respond_by(complaint: &Complaint, cal: &WorkingCalendar) -> NaiveDateTime {
    due_at(ClockKind::Response, complaint.received_at, cal)
}

/// When the clock of `kind` was met, if it was. Clocks measure the case as a whole from its
/// first receipt: the first time the milestone was reached counts, whatever round followed,
/// except resolution, which holds only while the case is closed.
pub fn met_at(complaint: &Complaint, kind: ClockKind) -> Option<NaiveDateTime> {
    match kind {
        ClockKind::FirstResponse => complaint
            .history
            .iter()
            // Bookkeeping entries are no response to the customer, nor are closing, archiving
            // and destroying a case (an imported case with no steps read as first answered the
            // moment it was destroyed, 2,247 days late: QA).
            .filter(|e| {
                !matches!(
                    e.action,
                    ActionKind::Receive
                        | ActionKind::SettleConflict
                        | ActionKind::Correct
                        | ActionKind::Close
                        | ActionKind::Archive
                        | ActionKind::Destroy
                )
            })
            .map(|e| e.at)
            .min(),
        ClockKind::Analysis => complaint.first(ActionKind::RecordFindings),
        ClockKind::Plan | ClockKind::Investigation => complaint.first(ActionKind::SubmitOpinion),
        ClockKind::InitialHandling | ClockKind::Response => complaint.first(ActionKind::Respond),
        ClockKind::Resolution => match complaint.status {
            Status::Closed | Status::Archived => complaint.closed_at,
            _ => None,
        },
    }
}

pub fn state_of(due: NaiveDateTime, met: Option<NaiveDateTime>, now: NaiveDateTime) -> ClockState {
    match met {
        Some(at) if at <= due => ClockState::Met,
        Some(at) => ClockState::MetLate { by: at - due },
        None if now > due => ClockState::Overdue { by: now - due },
        None if now.date() == due.date() => ClockState::DueToday { left: due - now },
        None => ClockState::OnTime { left: due - now },
    }
}

/// One clock of a case as of `now`.
pub fn clock(
    complaint: &Complaint,
    kind: ClockKind,
    cal: &WorkingCalendar,
    now: NaiveDateTime,
) -> Clock {
    let due = due_at(kind, complaint.received_at, cal);
    let met = met_at(complaint, kind);
    Clock {
        kind,
        due,
        met_at: met,
        state: state_of(due, met, now),
    }
}

/// Every clock of a case as of `now`, in [`ClockKind::ALL`] order.
pub fn clocks(complaint: &Complaint, cal: &WorkingCalendar, now: NaiveDateTime) -> Vec<Clock> {
    ClockKind::ALL
        .into_iter()
        .map(|k| clock(complaint, k, cal, now))
        .collect()
}

/// The deadline an open case is listed against: the earliest regulatory limit (002 第四章:
/// the investigation within 3 working days, the response within 4) not met yet. A limit past
/// due stays overdue until it is met (the clock never pauses). A limit met late is a breach
/// on the record (the case's clocks, the monthly report's 超时), not a task left: the case is
/// then listed against the next limit not met, which may fall due today. `None` once both
/// limits are met (the 7-day resolution is a service target, [`target_of`], never overdue in
/// the lists, as in the report) and once the case is closed, archived or destroyed. Lists
/// index it to find the cases due today and overdue.
pub fn deadline_of(complaint: &Complaint, cal: &WorkingCalendar) -> Option<NaiveDateTime> {
    deadline_limit_of(complaint, cal).map(|(_, due)| due)
}

/// [`deadline_of`] with the limit it is (the earlier limit where two fall due together).
pub fn deadline_limit_of(
    complaint: &Complaint,
    cal: &WorkingCalendar,
) -> Option<(ClockKind, NaiveDateTime)> {
    if !complaint.status.is_open() || complaint.destroyed {
        return None;
    }
    [ClockKind::Investigation, ClockKind::Response]
        .into_iter()
        .filter(|k| met_at(complaint, *k).is_none())
        .map(|k| (k, due_at(k, complaint.received_at, cal)))
        .min_by_key(|(_, due)| *due)
}

/// The resolution target (问题处理，7个工作日) of an open case whose regulatory limits are
/// both met: what the lists show for it then, as a target that can be passed, never a breach.
pub fn target_of(complaint: &Complaint, cal: &WorkingCalendar) -> Option<NaiveDateTime> {
    let open = complaint.status.is_open() && !complaint.destroyed;
    (open && deadline_limit_of(complaint, cal).is_none())
        .then(|| due_at(ClockKind::Resolution, complaint.received_at, cal))
}

/// The regulatory limits a case met late: said in the lists beside its deadline, as the
/// breach stays on the record.
pub fn met_late(complaint: &Complaint, cal: &WorkingCalendar) -> Vec<ClockKind> {
    [ClockKind::Investigation, ClockKind::Response]
        .into_iter()
        .filter(|k| {
            met_at(complaint, *k).is_some_and(|at| at > due_at(*k, complaint.received_at, cal))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// A time long after every case of these tests (past any retention period).
    fn later() -> NaiveDateTime {
        t("2040-01-01 00:00")
    }

    fn actor(id: &str, role: Role) -> Actor {
        Actor {
            id: id.into(),
            name: format!("name of {id}"),
            role,
        }
    }

    fn specialist() -> Actor {
        actor("staff:spec", Role::Specialist)
    }
    fn supervisor() -> Actor {
        actor("staff:sup", Role::Supervisor)
    }
    fn manager() -> Actor {
        actor("staff:mgr", Role::Manager)
    }

    fn draft(received: &str) -> Draft {
        Draft {
            complainant: Complainant {
                name: " 张三 ".into(),
                phone: "138-0013-8000".into(),
                ..Default::default()
            },
            channel: Some(Channel::Phone),
            received_at: Some(t(received)),
            event_time: Some(t(received) - Duration::hours(19)),
            event_place: "营业大厅".into(),
            staff_involved: vec!["李四".into(), "  ".into()],
            narrative: "柜台办理转托管等候两小时".into(),
            ..Default::default()
        }
    }

    fn new_case(received: &str) -> Complaint {
        Complaint::receive(
            &draft(received),
            "complaint:01TEST".into(),
            case_number(t(received).date(), "A", 1),
            "BR01",
            &specialist(),
            t(received),
        )
        .unwrap()
    }

    /// The customer answered by phone (已致歉) by `s` at `at`.
    fn respond(c: &mut Complaint, s: &Actor, at: NaiveDateTime) {
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "已致歉".into(),
            },
            s,
            at,
        )
        .unwrap();
    }

    /// A case received 2026-09-30, approved at both levels, answered, its corrective action
    /// done and its verification visit begun on 2026-10-08 09:00 (returned with the specialist
    /// who did it and that time).
    fn at_verification() -> (Complaint, Actor, NaiveDateTime) {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        approve_at_both_levels(&mut c, "2026-09-30 11:00");
        let s = specialist();
        let at = t("2026-10-08 09:00");
        respond(&mut c, &s, at);
        c.apply(Action::CompleteCorrectiveAction { index: 0 }, &s, at)
            .unwrap();
        c.apply(Action::StartVerification, &s, at).unwrap();
        (c, s, at)
    }

    /// `by`'s approval at `at`.
    fn approve(c: &mut Complaint, by: &Actor, at: &str) {
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            by,
            t(at),
        )
        .unwrap();
    }

    /// The supervisor's approval, then the manager's, at `at`.
    fn approve_at_both_levels(c: &mut Complaint, at: &str) {
        for a in [supervisor(), manager()] {
            approve(c, &a, at);
        }
    }

    /// Drive a case to awaiting approval.
    fn to_submitted(c: &mut Complaint, at: &str) {
        let s = specialist();
        c.apply(
            Action::Classify {
                category: Category::AccountHandling,
                severity: 3,
                department: "运营部".into(),
            },
            &s,
            t(at),
        )
        .unwrap();
        c.apply(Action::StartInvestigation, &s, t(at)).unwrap();
        c.apply(
            Action::RecordFindings {
                findings: "系统排队故障属实".into(),
            },
            &s,
            t(at),
        )
        .unwrap();
        c.apply(
            Action::SubmitOpinion {
                responsibility: Responsibility::OursPartial,
                opinion: "致歉并优化叫号流程".into(),
                corrective_actions: vec![CorrectiveAction::new(
                    "升级叫号系统",
                    "运营部",
                    chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
                )],
                escalated_to: String::new(),
            },
            &s,
            t(at),
        )
        .unwrap();
    }

    /// The case of [`to_submitted`], its opinion submitted by `author` instead.
    fn submitted_by(author: &Actor) -> Complaint {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        let opinion = c.current_round().opinion.clone().unwrap();
        let round = c.current_round_mut();
        round.submitted_by = Some(author.into());
        round.submitted_role = Some(author.role);
        assert!(!opinion.is_empty());
        c
    }

    #[test]
    fn a_supervisors_own_opinion_goes_up_to_a_manager() {
        let now = t("2026-09-30 11:00");
        let mut c = submitted_by(&supervisor());
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsManager));
        // The author (the branch's one supervisor, say) has nothing to approve; a manager
        // may approve or send back.
        assert!(c.allowed_actions_for(&supervisor(), now).is_empty());
        let m = c.allowed_actions_for(&manager(), now);
        assert!(m.contains(&ActionKind::Approve) && m.contains(&ActionKind::Reject));
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &manager(),
            now,
        )
        .unwrap();
        assert_eq!(c.approval_stage(), Some(ApprovalStage::Approved));
        assert_eq!(c.awaited_approver(), None);
        assert_eq!(c.status, Status::AwaitingApproval);
        assert_eq!(c.status_text(), ("已审批，待反馈", "Approved, to respond"));
        // The stored body reads the same.
        let body = |c: &Complaint| serde_json::to_value(c).unwrap();
        assert!(approved_in_body(&body(&c)));
        assert!(!approved_in_body(&body(&submitted_by(&supervisor()))));
        assert!(!approved_in_body(&body(&submitted_by(&specialist()))));
        let mut responded = body(&c);
        responded["status"] = "responded".into();
        assert!(!approved_in_body(&responded));
        // Approved on an earlier submission only: sent back since, and submitted again.
        let mut again = body(&c);
        again["rounds"][0]["submissions"] = 2.into();
        assert!(!approved_in_body(&again));

        // A manager's own opinion needs another manager; a supervisor cannot approve it.
        let c = submitted_by(&manager());
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsManager));
        assert!(!c
            .allowed_actions_for(&supervisor(), now)
            .contains(&ActionKind::Approve));
        assert!(!c
            .allowed_actions_for(&manager(), now)
            .contains(&ActionKind::Approve));
        let other = actor("staff:mgr2", Role::Manager);
        assert!(c
            .allowed_actions_for(&other, now)
            .contains(&ActionKind::Approve));

        // A specialist's opinion still goes through both levels; an older record, without
        // the role, reads as one.
        let c = submitted_by(&specialist());
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsSupervisor));
        assert_eq!(c.awaited_approver().unwrap().0, "等待客服主管审批");
        assert_eq!(
            submitted_by(&supervisor()).awaited_approver().unwrap().0,
            "等待客服经理审批"
        );
        let mut v = serde_json::to_value(submitted_by(&supervisor())).unwrap();
        v["rounds"][0]
            .as_object_mut()
            .unwrap()
            .remove("submitted_role");
        let old: Complaint = serde_json::from_value(v).unwrap();
        assert_eq!(old.approval_stage(), Some(ApprovalStage::NeedsSupervisor));
    }

    #[test]
    fn intake_creates_a_received_case() {
        let c = new_case("2026-09-30 10:00");
        assert_eq!(c.status, Status::Received);
        assert_eq!(c.round(), 1);
        assert_eq!(c.complainant.name, "张三");
        assert_eq!(c.staff_involved, vec!["李四".to_string()]);
        assert_eq!(c.case_no, "TS-20260930-A-0001");
        assert_eq!(c.history.len(), 1);
        assert_eq!(c.history[0].action, ActionKind::Receive);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["_id"], "complaint:01TEST");
        assert!(v.get("_rev").is_none());
        assert_eq!(v["channel"], "phone");
        assert_eq!(v["status"], "received");
        let back: Complaint = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
        assert_eq!(Complaint::TYPE, "complaint");
    }

    /// 更正记录: the complainant's details and the narrative corrected with a reason, checked
    /// as the intake is; the history says what changed (phones masked) and the case's status
    /// and clocks stay as they were.
    #[test]
    fn the_record_is_corrected_with_a_reason_and_the_history_says_what_changed() {
        let mut c = new_case("2026-09-30 10:00");
        let first = met_at(&c, ClockKind::FirstResponse);
        let status = c.status;
        let mut fixed = c.complainant.clone();
        fixed.phone = "13900139001".into();
        let correct = |who: Complainant, narrative: &str, why: &str| Action::Correct {
            complainant: who,
            narrative: narrative.into(),
            why: why.into(),
        };
        let at = t("2026-09-30 10:05");
        let narrative = c.narrative.clone();
        // Nothing changed, no reason, a phone that is no phone: refused, nothing written.
        let same = c.complainant.clone();
        assert_eq!(
            c.apply(correct(same, &narrative, "核对"), &specialist(), at),
            Err(ComplaintError::NothingCorrected)
        );
        assert!(matches!(
            c.apply(correct(fixed.clone(), &narrative, " "), &specialist(), at),
            Err(ComplaintError::EmptyText { field: "why" })
        ));
        let mut bad = fixed.clone();
        bad.phone = "12".into();
        let Err(ComplaintError::InvalidCorrection(errors)) =
            c.apply(correct(bad, &narrative, "电话记错"), &specialist(), at)
        else {
            panic!("a bad phone is refused");
        };
        assert_eq!(errors[0].field, "complainant.phone");
        assert_eq!(c.history.len(), 1);

        c.apply(
            correct(fixed, "柜台办理转托管等候三小时", "电话记错一位"),
            &specialist(),
            at,
        )
        .unwrap();
        assert_eq!(c.complainant.phone, "13900139001");
        assert_eq!(c.narrative, "柜台办理转托管等候三小时");
        assert_eq!(c.status, status);
        let e = c.history.last().unwrap();
        assert_eq!(e.action, ActionKind::Correct);
        let why = e.why.as_deref().unwrap();
        // In each language its own words (QA: "（更正 corrected: 电话 phone: …）" in English).
        let zh = why_in(why, true);
        assert!(zh.starts_with("电话记错一位（更正：电话："), "{why}");
        assert!(zh.contains("→ 139****9001"), "{why}");
        assert!(zh.contains("；投诉事由及经过）"), "{why}");
        let en = why_in(why, false);
        assert!(en.starts_with("电话记错一位 (corrected: phone: "), "{en}");
        assert!(en.ends_with("; narrative)"), "{en}");
        assert!(!en.contains("电话：") && !en.contains('（'), "{en}");
        // A correction is no response to the customer, nor are closing, archiving and
        // destroying (an imported case with no steps of its own).
        assert_eq!(met_at(&c, ClockKind::FirstResponse), first);
        let mut bare = c.clone();
        for action in [ActionKind::Close, ActionKind::Archive, ActionKind::Destroy] {
            let mut e = bare.history[0].clone();
            e.action = action;
            bare.history.push(e);
        }
        assert_eq!(met_at(&bare, ClockKind::FirstResponse), first);

        // The archived record is the one kept.
        c.status = Status::Archived;
        let mut again = c.complainant.clone();
        again.name = "张山".into();
        assert!(matches!(
            c.apply(
                correct(again, &c.narrative.clone(), "姓名"),
                &specialist(),
                at
            ),
            Err(ComplaintError::IllegalTransition { .. })
        ));
    }

    #[test]
    fn the_answer_goes_the_way_the_complaint_came() {
        let mut c = new_case("2026-09-30 10:00");
        for ch in [
            Channel::Email,
            Channel::Letter,
            Channel::InPerson,
            Channel::Phone,
        ] {
            c.channel = ch;
            assert_eq!(c.reply_channel(), ch);
        }
        c.channel = Channel::CommentBook;
        c.complainant.phone = "13800001234".into();
        assert_eq!(c.reply_channel(), Channel::Phone);
        c.complainant.phone = " ".into();
        c.complainant.email = "a@b.cn".into();
        assert_eq!(c.reply_channel(), Channel::Email);
        c.complainant.email.clear();
        assert_eq!(c.reply_channel(), Channel::Letter);
    }

    /// A case registered from a survey response keeps the survey's and the response's ids;
    /// one that was not stores no such field, and older cases read without it.
    #[test]
    fn a_case_keeps_the_survey_response_it_came_from() {
        let mut c = new_case("2026-09-30 10:00");
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("from_survey").is_none());
        c.from_survey = Some(SurveySource {
            survey_id: "survey:01S".into(),
            response_id: "response:01R".into(),
        });
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["from_survey"]["survey_id"], "survey:01S");
        assert_eq!(v["from_survey"]["response_id"], "response:01R");
        let back: Complaint = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
    }

    /// Stored times are read by `time_text` (the fast reader of "YYYY-MM-DDTHH:MM:SS"): the
    /// same times as chrono reads, a time with fractions of a second (another tool's) through
    /// chrono, absent optional times as none, and anything else refused.
    #[test]
    fn a_complaints_times_read_as_chrono_reads_them() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-10-08 09:00");
        let mut v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["received_at"], "2026-09-30T10:00:00");
        let back: Complaint = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back, c);
        v["received_at"] = "2026-09-30T10:00:00.250".into();
        v["history"][1]["at"] = "2026-10-08T09:00:01.5".into();
        v.as_object_mut().unwrap().remove("closed_at");
        v["rounds"][0]
            .as_object_mut()
            .unwrap()
            .remove("findings_at");
        let back: Complaint = serde_json::from_value(v.clone()).unwrap();
        let frac = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        assert_eq!(back.received_at, frac("2026-09-30T10:00:00.250"));
        assert_eq!(back.history[1].at, frac("2026-10-08T09:00:01.5"));
        assert_eq!((back.closed_at, back.rounds[0].findings_at), (None, None));
        for bad in [
            "2026-09-31T10:00:00",
            "2026-09-30 10:00:00",
            "2026-09-30T25:00:00",
            "",
        ] {
            v["received_at"] = bad.into();
            assert!(
                serde_json::from_value::<Complaint>(v.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn intake_validation_names_each_problem() {
        let now = t("2026-11-23 09:00");
        let fields = |d: &Draft| -> Vec<&'static str> {
            validate_intake(d, now).iter().map(|e| e.field).collect()
        };
        assert!(fields(&draft("2026-11-23 08:00")).is_empty());

        let empty = Draft::default();
        assert_eq!(
            fields(&empty),
            vec![
                "complainant.name",
                "channel",
                "received_at",
                "narrative",
                "complainant.contact"
            ]
        );

        let mut d = draft("2026-11-23 09:01");
        assert_eq!(fields(&d), vec!["received_at"]);
        // A year mistyped: more than a year back is refused, a year back is not.
        d.received_at = Some(t("1926-11-23 09:00"));
        d.event_time = None;
        assert_eq!(fields(&d), vec!["received_at"], "received in 1926");
        d.received_at = Some(t("2025-11-22 09:00"));
        assert!(fields(&d).is_empty(), "a year and a day back");
        d.received_at = Some(t("2025-11-21 08:59"));
        assert_eq!(fields(&d), vec!["received_at"], "a year and two days back");
        d = draft("2026-11-23 09:01");
        d.received_at = Some(t("2026-09-28 09:00"));
        assert_eq!(fields(&d), vec!["event_time"], "event after receipt");
        d.event_time = Some(t("2026-11-24 09:00"));
        assert_eq!(fields(&d), vec!["event_time"], "event in the future");
        // An event year mistyped: more than 20 years before receipt is refused, 20 is not.
        d.received_at = Some(t("2026-11-23 09:00"));
        d.event_time = Some(t("1900-01-01 00:00"));
        assert_eq!(fields(&d), vec!["event_time"], "event in 1900");
        d.event_time = Some(t("2006-11-23 09:00"));
        assert!(fields(&d).is_empty(), "event 20 years back");
        d.event_time = Some(t("2006-11-23 08:59"));
        assert_eq!(
            fields(&d),
            vec!["event_time"],
            "event 20 years and a minute back"
        );

        let mut d = draft("2026-11-23 08:00");
        d.complainant.phone = "".into();
        assert_eq!(fields(&d), vec!["complainant.contact"]);
        d.customer_id = Some("customer:01X".into());
        assert!(fields(&d).is_empty(), "a linked customer can be reached");
        d.customer_id = None;
        d.complainant.email = "wang@example".into();
        assert_eq!(fields(&d), vec!["complainant.email"]);
        d.complainant.email = "wang@example.com".into();
        assert!(fields(&d).is_empty());
        d.complainant.phone = "12ab".into();
        assert_eq!(fields(&d), vec!["complainant.phone"]);

        // A name or narrative too long is refused with its length; at the limit it is not.
        let mut d = draft("2026-11-23 08:00");
        d.complainant.name = "王".repeat(NAME_MAX);
        d.narrative = format!(" {} ", "因".repeat(NARRATIVE_MAX));
        assert!(fields(&d).is_empty(), "at the limits");
        d.complainant.name.push('明');
        d.narrative = format!(" {}果 ", "因".repeat(NARRATIVE_MAX));
        let errs = validate_intake(&d, now);
        assert_eq!(
            errs.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec!["complainant.name", "narrative"]
        );
        assert_eq!(errs[0].zh, "投诉人姓名不能超过 50 个字（现为 51 个字）");
        assert_eq!(
            errs[1].en,
            "The narrative can be at most 5000 characters (5001 now)"
        );

        let errs = validate_intake(&Draft::default(), now);
        assert!(errs.iter().all(|e| !e.zh.is_empty() && !e.en.is_empty()));
        assert!(Complaint::receive(
            &Draft::default(),
            "complaint:x".into(),
            "TS".into(),
            "BR",
            &specialist(),
            now
        )
        .is_err());
    }

    #[test]
    fn phone_and_email_shapes() {
        assert!(is_plausible_phone("13800138000"));
        assert!(is_plausible_phone("+86 (371) 6555-1234"));
        assert!(is_plausible_phone("0371-65551234"));
        assert!(!is_plausible_phone("123456"));
        assert!(!is_plausible_phone("1380013800012345"));
        assert!(!is_plausible_phone("138x0013800"));
        // A mainland mobile has 11 digits, with or without its country code; a landline, a
        // number abroad or one with the country code alone keep the 7–15 rule.
        assert!(!is_plausible_phone("1381234567"));
        assert!(!is_plausible_phone("138123456789"));
        assert!(!is_plausible_phone("+86 138 1234 56789"));
        assert!(!is_plausible_phone("0086 138 1234 567"));
        assert!(is_plausible_phone("+86 138 1234 5678"));
        assert!(is_plausible_phone("0086-13812345678"));
        assert!(is_plausible_phone("+1 415 555 0123"));
        assert!(is_plausible_phone("+44 20 7946 0958"));
        assert!(is_plausible_phone("65585533"));
        assert!(is_plausible_phone("400-123-4567"));
        // A landline with its extension (a branch's desk, a company's switchboard).
        assert!(is_plausible_phone("0371-65585533转801"));
        assert!(is_plausible_phone("0371-65585533 分机 801"));
        assert!(is_plausible_phone("010 8888 1234 ext. 12"));
        assert!(is_plausible_phone("01088881234#3"));
        assert!(!is_plausible_phone("0371-65585533转"));
        assert!(!is_plausible_phone("0371-65585533转8012345"));
        assert!(!is_plausible_phone("转801"));
        assert!(is_plausible_email("a.b@c.com.cn"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("@b.com"));
        assert!(!is_plausible_email("a b@c.com"));
        assert!(!is_plausible_email("a@@c.com"));
        assert!(!is_plausible_email("a@c..com"));
    }

    #[test]
    fn the_same_case_but_for_its_revision() {
        let mut a = new_case("2026-09-30 10:00");
        a.rev = Some("2-aaa".into());
        let mut b = a.clone();
        b.rev = Some("3-bbb".into());
        assert!(
            a.same_case(&b),
            "only the revision differs (its listed deadline rewritten)"
        );
        b.apply(
            Action::StartInvestigation,
            &specialist(),
            t("2026-09-30 10:05"),
        )
        .ok();
        b.department = Some("另一部门".into());
        assert!(!a.same_case(&b));
    }

    #[test]
    fn the_history_reads_the_last_approval_as_approved_and_the_response_from_it() {
        let mut c = new_case("2026-09-30 09:00");
        to_verifying(&mut c);
        let texts = c.history_texts();
        assert_eq!(texts.len(), c.history.len());
        let at = |kind: ActionKind| {
            c.history
                .iter()
                .position(|e| e.action == kind)
                .expect("the event")
        };
        let waiting = (Status::AwaitingApproval.zh(), Status::AwaitingApproval.en());
        // The supervisor's approval leaves it waiting for the manager's.
        let first = at(ActionKind::Approve);
        assert_eq!(texts[first], (waiting, waiting));
        // The manager's makes it approved; the response goes on from there.
        assert_eq!(texts[first + 1], (waiting, APPROVED_TEXT));
        let respond = at(ActionKind::Respond);
        assert_eq!(texts[respond].0, APPROVED_TEXT);
        assert_eq!(
            texts[respond].1,
            (Status::Responded.zh(), Status::Responded.en())
        );
        // Every other event reads its statuses as they are.
        for (i, (e, (from, to))) in c.history.iter().zip(&texts).enumerate() {
            if i != first + 1 && i != respond {
                assert_eq!(*from, (e.from_status.zh(), e.from_status.en()), "{i}");
                assert_eq!(*to, (e.to_status.zh(), e.to_status.en()), "{i}");
            }
        }
        // A supervisor's own opinion needs only a manager's approval.
        let mut c = submitted_by(&supervisor());
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &manager(),
            t("2026-09-30 11:00"),
        )
        .unwrap();
        assert_eq!(c.history_texts().last().unwrap().1, APPROVED_TEXT);
    }

    /// Approved, answered, its corrective action done, and the visit started.
    fn to_verifying(c: &mut Complaint) {
        to_submitted(c, "2026-09-30 10:10");
        for (who, at) in [
            (supervisor(), "2026-09-30 11:00"),
            (manager(), "2026-09-30 12:00"),
        ] {
            c.apply(
                Action::Approve {
                    comment: String::new(),
                },
                &who,
                t(at),
            )
            .unwrap();
        }
        for (action, at) in [
            (
                Action::Respond {
                    channel: Channel::Phone,
                    content: "已致歉并说明整改".into(),
                },
                "2026-09-30 14:00",
            ),
            (
                Action::CompleteCorrectiveAction { index: 0 },
                "2026-10-08 09:00",
            ),
            (Action::StartVerification, "2026-10-08 10:00"),
        ] {
            c.apply(action, &specialist(), t(at)).unwrap();
        }
    }

    /// Source 002 第五章: the visit "核实有关的整改措施是否落实、完成", and measures "没有落实或
    /// 整改未达到预期效果的" are done again: a satisfied customer does not close such a case.
    #[test]
    fn the_visit_checks_the_corrective_measures() {
        let mut c = new_case("2026-09-30 10:00");
        to_verifying(&mut c);
        assert!(!c.current_round().corrective_actions.is_empty());
        let before = c.clone();
        let visit = |measures_effective, note: &str| Action::RecordVerification {
            satisfied: true,
            measures_effective,
            note: note.into(),
        };
        let at = t("2026-10-08 10:05");
        assert_eq!(
            c.apply(visit(None, ""), &specialist(), at),
            Err(ComplaintError::MeasuresUnchecked)
        );
        assert_eq!(
            c.apply(visit(Some(false), " "), &specialist(), at),
            Err(ComplaintError::EmptyText { field: "note" })
        );
        assert_eq!(c, before);
        c.apply(visit(Some(false), "整改后系统仍卡顿"), &specialist(), at)
            .unwrap();
        let v = c.current_round().verification.clone().unwrap();
        assert_eq!((v.satisfied, v.measures_effective), (true, Some(false)));
        assert_eq!(
            c.apply(Action::Close, &supervisor(), t("2026-10-08 11:00")),
            Err(ComplaintError::MeasuresNotEffective)
        );
        assert_eq!(
            c.allowed_actions_for(&supervisor(), t("2026-10-08 11:00")),
            vec![ActionKind::Reopen]
        );
        // Carried out and working: closed as before.
        let mut ok = before.clone();
        ok.apply(visit(Some(true), ""), &specialist(), at).unwrap();
        ok.apply(Action::Close, &supervisor(), t("2026-10-08 11:00"))
            .unwrap();
        // A visit recorded before the question existed reads as not asked.
        let old: Verification = serde_json::from_value(serde_json::json!({
            "at": "2026-10-08T10:05:00", "by": {"id": "staff:a", "name": "甲"}, "satisfied": true
        }))
        .unwrap();
        assert_eq!(old.measures_effective, None);
        for (zh, en) in [
            ComplaintError::MeasuresUnchecked,
            ComplaintError::MeasuresNotEffective,
        ]
        .map(|e| (e.zh(), e.en()))
        {
            assert!(!zh.is_empty() && !en.is_empty());
        }
    }

    #[test]
    fn the_full_lifecycle() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        assert_eq!(c.status, Status::AwaitingApproval);
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsSupervisor));
        c.apply(
            Action::Approve {
                comment: "同意".into(),
            },
            &supervisor(),
            t("2026-09-30 11:00"),
        )
        .unwrap();
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsManager));
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &manager(),
            t("2026-09-30 12:00"),
        )
        .unwrap();
        assert_eq!(c.approval_stage(), Some(ApprovalStage::Approved));
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "已致歉并说明整改".into(),
            },
            &specialist(),
            t("2026-09-30 14:00"),
        )
        .unwrap();
        assert_eq!(c.status, Status::Responded);
        assert_eq!(
            c.apply(
                Action::StartVerification,
                &specialist(),
                t("2026-10-08 09:00")
            ),
            Err(ComplaintError::CorrectiveActionsOpen)
        );
        c.apply(
            Action::CompleteCorrectiveAction { index: 0 },
            &specialist(),
            t("2026-10-08 09:00"),
        )
        .unwrap();
        assert!(c.current_round().corrective_actions[0].done);
        c.apply(
            Action::StartVerification,
            &specialist(),
            t("2026-10-08 10:00"),
        )
        .unwrap();
        c.apply(
            Action::RecordVerification {
                satisfied: true,
                measures_effective: Some(true),
                note: String::new(),
            },
            &specialist(),
            t("2026-10-08 10:05"),
        )
        .unwrap();
        assert_eq!(
            c.apply(Action::Close, &specialist(), t("2026-10-08 11:00")),
            Err(ComplaintError::RoleNotAllowed {
                action: ActionKind::Close,
                role: Role::Specialist
            })
        );
        c.apply(Action::Close, &supervisor(), t("2026-10-08 11:00"))
            .unwrap();
        assert_eq!(c.closed_at, Some(t("2026-10-08 11:00")));
        c.apply(Action::Archive, &supervisor(), t("2026-10-31 17:00"))
            .unwrap();
        assert_eq!(c.status, Status::Archived);
        // Every step left one history event with who, from and to.
        let trail: Vec<(ActionKind, Status, Status)> = c
            .history
            .iter()
            .map(|e| (e.action, e.from_status, e.to_status))
            .collect();
        use ActionKind as K;
        use Status as S;
        assert_eq!(
            trail,
            vec![
                (K::Receive, S::Received, S::Received),
                (K::Classify, S::Received, S::Classified),
                (K::StartInvestigation, S::Classified, S::Investigating),
                (K::RecordFindings, S::Investigating, S::Investigating),
                (K::SubmitOpinion, S::Investigating, S::AwaitingApproval),
                (K::Approve, S::AwaitingApproval, S::AwaitingApproval),
                (K::Approve, S::AwaitingApproval, S::AwaitingApproval),
                (K::Respond, S::AwaitingApproval, S::Responded),
                (K::CompleteCorrectiveAction, S::Responded, S::Responded),
                (K::StartVerification, S::Responded, S::Verifying),
                (K::RecordVerification, S::Verifying, S::Verifying),
                (K::Close, S::Verifying, S::Closed),
                (K::Archive, S::Closed, S::Archived),
            ]
        );
        assert_eq!(c.history[5].by.id, "staff:sup");
        assert_eq!(c.history[5].why.as_deref(), Some("同意"));
        // Archived: nothing more for anyone but destruction (for a manager), and that only
        // once the 5-year retention period is over.
        assert!(c.allowed_actions(Role::Supervisor, later()).is_empty());
        assert_eq!(
            c.allowed_actions(Role::Manager, later()),
            vec![ActionKind::Destroy]
        );
    }

    /// Source 004 §5.2: "问题受理需在30分钟内完成初步响应" and "问题处理应在7个工作日内完成":
    /// the clocks are named in those words.
    #[test]
    fn clock_labels_use_the_sources_terms() {
        assert_eq!(ClockKind::FirstResponse.zh(), "初步响应（30分钟）");
        assert_eq!(ClockKind::Resolution.zh(), "问题处理（7个工作日）");
    }

    /// Source 002 第六章: archived complaint records are kept 5 years; DESIGN §2.1: "then
    /// eligible for destruction". Destruction is not offered (nor accepted) on a case archived
    /// yesterday, and is from the day after the retention period.
    #[test]
    fn destruction_is_offered_only_after_the_retention_period() {
        let (mut c, s, at) = at_verification();
        c.apply(
            Action::RecordVerification {
                satisfied: true,
                measures_effective: Some(true),
                note: String::new(),
            },
            &s,
            at,
        )
        .unwrap();
        c.apply(Action::Close, &supervisor(), at).unwrap();
        c.apply(Action::Archive, &manager(), t("2026-11-30 17:00"))
            .unwrap();
        let destroy = || Action::Destroy {
            why: "保存期满".into(),
        };
        for now in [t("2026-12-01 09:00"), t("2031-11-30 23:59")] {
            assert!(
                !c.allowed_actions_for(&manager(), now)
                    .contains(&ActionKind::Destroy),
                "offered at {now}"
            );
            let mut copy = c.clone();
            assert_eq!(
                copy.apply(destroy(), &manager(), now),
                Err(ComplaintError::NotEligibleForDestruction)
            );
        }
        let day_after = t("2031-12-01 00:00");
        assert_eq!(
            c.allowed_actions_for(&manager(), day_after),
            vec![ActionKind::Destroy]
        );
        assert_eq!(c.status_text(), ("已归档", "Archived"));
        assert!(c.destruction().is_none());
        c.apply(destroy(), &manager(), day_after).unwrap();
        assert!(c.destroyed);
        // It reads as destroyed, with who, when and why; not as an archived case.
        assert_eq!(c.status_text(), ("已销毁", "Destroyed"));
        let d = c.destruction().expect("the destruction");
        assert_eq!((d.at, d.why.as_deref()), (day_after, Some("保存期满")));
        assert_eq!(d.by.name, manager().name);
    }

    /// DESIGN §2.1: "A customer unsatisfied at the response or the visit reopens the case";
    /// source 002 第五章 3–4 (an unsatisfied verification is reported and handled again; hiding
    /// the true verification result is punished). The round's visit result is final once
    /// recorded: an unsatisfied one cannot be recorded over as satisfied and the case closed;
    /// what is offered after it is the reopening.
    #[test]
    fn an_unsatisfied_visit_is_final_and_leads_to_the_reopening() {
        let (mut c, s, _) = at_verification();
        c.apply(
            Action::RecordVerification {
                satisfied: false,
                measures_effective: Some(true),
                note: "客户仍不满意".into(),
            },
            &s,
            t("2026-10-09 09:00"),
        )
        .unwrap();
        let before = c.clone();
        let again = c.apply(
            Action::RecordVerification {
                satisfied: true,
                measures_effective: Some(true),
                note: String::new(),
            },
            &s,
            t("2026-10-09 09:05"),
        );
        assert_eq!(again, Err(ComplaintError::VerificationAlreadyRecorded));
        assert_eq!(c, before, "the refused record changes nothing");
        let e = ComplaintError::VerificationAlreadyRecorded;
        assert!(e.zh().contains("已记录") && e.zh().contains("重新处理"));
        assert!(e.en().contains("already recorded") && e.en().contains("reopen"));
        assert_eq!(
            c.apply(Action::Close, &supervisor(), t("2026-10-09 09:10")),
            Err(ComplaintError::CustomerUnsatisfied)
        );
        // What each role is offered now: the reopening only.
        for a in [specialist(), supervisor(), manager()] {
            assert_eq!(
                c.allowed_actions_for(&a, t("2026-10-09 09:10")),
                vec![ActionKind::Reopen],
                "{:?}",
                a.role
            );
        }
        // A satisfied visit is final too.
        let mut ok = before.clone();
        ok.current_round_mut().verification = None;
        ok.apply(
            Action::RecordVerification {
                satisfied: true,
                measures_effective: Some(true),
                note: String::new(),
            },
            &s,
            t("2026-10-09 09:00"),
        )
        .unwrap();
        assert_eq!(
            ok.apply(
                Action::RecordVerification {
                    satisfied: false,
                    measures_effective: Some(true),
                    note: "改口".into(),
                },
                &s,
                t("2026-10-09 09:05"),
            ),
            Err(ComplaintError::VerificationAlreadyRecorded)
        );
    }

    /// Source 002 第四章: "逐级上报领导审批" — level by level, two approvers. Whoever approved
    /// at the supervisor level (and is then given the manager role) does not decide at the
    /// manager level too; nor does the one who submitted the opinion.
    #[test]
    fn one_person_cannot_approve_at_both_levels() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        c.apply(
            Action::Approve {
                comment: "同意".into(),
            },
            &actor("staff:li", Role::Supervisor),
            t("2026-09-30 11:00"),
        )
        .unwrap();
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsManager));
        let li_as_manager = actor("staff:li", Role::Manager);
        let before = c.clone();
        for action in [
            Action::Approve {
                comment: "同意".into(),
            },
            Action::Reject {
                why: "补充".into()
            },
        ] {
            assert_eq!(
                c.apply(action, &li_as_manager, t("2026-09-30 11:05")),
                Err(ComplaintError::SameApprover)
            );
            assert_eq!(c, before);
        }
        assert!(c
            .allowed_actions_for(&li_as_manager, t("2026-09-30 11:05"))
            .is_empty());
        let e = ComplaintError::SameApprover;
        assert!(e.zh().contains("逐级审批") && e.en().contains("someone other"));
        // The submitter, made manager, is refused as before.
        assert_eq!(
            c.apply(
                Action::Approve {
                    comment: String::new()
                },
                &actor("staff:spec", Role::Manager),
                t("2026-09-30 11:06"),
            ),
            Err(ComplaintError::SelfApproval)
        );
        // Another manager approves the second level.
        assert!(c
            .allowed_actions_for(&manager(), t("2026-09-30 11:10"))
            .contains(&ActionKind::Approve));
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &manager(),
            t("2026-09-30 11:10"),
        )
        .unwrap();
        assert_eq!(c.approval_stage(), Some(ApprovalStage::Approved));
    }

    #[test]
    fn approval_is_level_by_level() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        let at = t("2026-09-30 11:00");
        let approve = || Action::Approve {
            comment: String::new(),
        };
        assert_eq!(
            c.apply(approve(), &actor("staff:other", Role::Specialist), at),
            Err(ComplaintError::RoleNotAllowed {
                action: ActionKind::Approve,
                role: Role::Specialist
            })
        );
        assert_eq!(
            c.apply(approve(), &manager(), at),
            Err(ComplaintError::WrongApprovalLevel {
                expected: Role::Supervisor
            })
        );
        assert_eq!(
            c.apply(
                Action::Respond {
                    channel: Channel::Phone,
                    content: "x".into()
                },
                &specialist(),
                at
            ),
            Err(ComplaintError::NotYetApproved)
        );
        c.apply(approve(), &supervisor(), at).unwrap();
        assert_eq!(
            c.apply(approve(), &actor("staff:sup2", Role::Supervisor), at),
            Err(ComplaintError::WrongApprovalLevel {
                expected: Role::Manager
            })
        );
        c.apply(approve(), &manager(), at).unwrap();
        assert_eq!(
            c.apply(approve(), &manager(), at),
            Err(ComplaintError::AlreadyApproved)
        );
        // The failed attempts left no trace.
        assert_eq!(c.current_round().approvals.len(), 2);
        assert_eq!(c.history.len(), 7);
    }

    #[test]
    fn nobody_approves_their_own_opinion() {
        let mut c = new_case("2026-09-30 10:00");
        let sup = supervisor();
        c.apply(
            Action::Classify {
                category: Category::Fees,
                severity: 2,
                department: "财富管理部".into(),
            },
            &sup,
            t("2026-09-30 10:05"),
        )
        .unwrap();
        c.apply(Action::StartInvestigation, &sup, t("2026-09-30 10:06"))
            .unwrap();
        c.apply(
            Action::RecordFindings {
                findings: "佣金按合同收取".into(),
            },
            &sup,
            t("2026-09-30 10:07"),
        )
        .unwrap();
        c.apply(
            Action::SubmitOpinion {
                responsibility: Responsibility::NotOurs,
                opinion: "解释收费依据".into(),
                corrective_actions: vec![],
                escalated_to: String::new(),
            },
            &sup,
            t("2026-09-30 10:08"),
        )
        .unwrap();
        assert_eq!(
            c.apply(
                Action::Approve {
                    comment: String::new()
                },
                &sup,
                t("2026-09-30 10:09")
            ),
            Err(ComplaintError::SelfApproval)
        );
        assert!(!c
            .allowed_actions_for(&sup, later())
            .contains(&ActionKind::Approve));
        // It goes up to a manager (逐级上报), not to another supervisor.
        let other = actor("staff:sup2", Role::Supervisor);
        assert!(!c
            .allowed_actions_for(&other, later())
            .contains(&ActionKind::Approve));
        assert!(c
            .allowed_actions_for(&manager(), later())
            .contains(&ActionKind::Approve));
    }

    #[test]
    fn an_opinion_is_not_submitted_where_nobody_could_approve_it() {
        let person = |id: &str, role: Role, active: bool| crate::domain::staff::Staff {
            id: id.into(),
            rev: None,
            name: id.into(),
            role,
            pin_hash: crate::domain::staff::hash_pin("2468", b"s", 1),
            active,
        };
        let spec = person("staff:a", Role::Specialist, true);
        let sup = person("staff:b", Role::Supervisor, true);
        let mgr = person("staff:c", Role::Manager, true);
        let all = vec![spec.clone(), sup.clone(), mgr.clone()];
        assert_eq!(Complaint::approver_missing(&spec, &all), None);
        assert_eq!(Complaint::approver_missing(&sup, &all), None);
        // The branch's one manager: their own opinion has nobody to go up to.
        assert_eq!(Complaint::approver_missing(&mgr, &all), Some(Role::Manager));
        let mut two = all.clone();
        two.push(person("staff:d", Role::Manager, true));
        assert_eq!(Complaint::approver_missing(&mgr, &two), None);
        // Deactivated staff approve nothing; a branch without a supervisor cannot approve a
        // specialist's opinion at the first level.
        two[3].active = false;
        assert_eq!(Complaint::approver_missing(&mgr, &two), Some(Role::Manager));
        let no_sup = vec![spec.clone(), mgr.clone()];
        assert_eq!(
            Complaint::approver_missing(&spec, &no_sup),
            Some(Role::Supervisor)
        );
        assert_eq!(
            Complaint::approver_missing(&sup, std::slice::from_ref(&sup)),
            Some(Role::Manager)
        );
    }

    #[test]
    fn an_opinion_awaiting_an_approval_nobody_can_give_says_so() {
        let person = |a: &Actor, active: bool| crate::domain::staff::Staff {
            id: a.id.clone(),
            rev: None,
            name: a.name.clone(),
            role: a.role,
            pin_hash: crate::domain::staff::hash_pin("2468", b"s", 1),
            active,
        };
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        let mut staff = vec![
            person(&specialist(), true),
            person(&supervisor(), true),
            person(&manager(), true),
        ];
        assert_eq!(c.approver_wanting(&staff), None);
        // The one supervisor deactivated after the opinion went up.
        staff[1].active = false;
        assert_eq!(c.approver_wanting(&staff), Some(Role::Supervisor));
        staff[1].active = true;
        approve(&mut c, &supervisor(), "2026-09-30 11:00");
        assert_eq!(c.approver_wanting(&staff), None);
        // A manager who approved at the supervisor's level would not count: here the one
        // manager is gone.
        staff[2].active = false;
        assert_eq!(c.approver_wanting(&staff), Some(Role::Manager));
        staff.push(person(&actor("staff:mgr2", Role::Manager), true));
        assert_eq!(c.approver_wanting(&staff), None);
        approve(
            &mut c,
            &actor("staff:mgr2", Role::Manager),
            "2026-09-30 12:00",
        );
        assert_eq!(c.approver_wanting(&[]), None);
    }

    #[test]
    fn a_deactivated_member_may_not_act_whatever_their_role() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        let mut sup = crate::domain::staff::Staff {
            id: "staff:sup".into(),
            rev: None,
            name: "李强".into(),
            role: Role::Supervisor,
            pin_hash: crate::domain::staff::hash_pin("2468", b"s", 1),
            active: false,
        };
        let approve = || Action::Approve {
            comment: String::new(),
        };
        let before = c.clone();
        let refused = c.apply_by(approve(), &sup, t("2026-09-30 11:00"));
        assert_eq!(
            refused,
            Err(ComplaintError::InactiveActor {
                name: "李强".into()
            })
        );
        assert_eq!(c, before, "nothing changes");
        let e = refused.unwrap_err();
        assert_eq!(e.zh(), "李强已停用，不能办理投诉案件");
        assert!(e.en().contains("deactivated"));
        // Active again, the same approval goes through, under their name.
        sup.active = true;
        c.apply_by(approve(), &sup, t("2026-09-30 11:00")).unwrap();
        assert_eq!(c.history.last().unwrap().by.name, "李强");
    }

    #[test]
    fn rejection_goes_back_to_investigation_and_needs_both_approvals_again() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &supervisor(),
            t("2026-09-30 11:00"),
        )
        .unwrap();
        assert_eq!(
            c.apply(
                Action::Reject { why: " ".into() },
                &manager(),
                t("2026-09-30 12:00")
            ),
            Err(ComplaintError::EmptyText { field: "why" })
        );
        c.apply(
            Action::Reject {
                why: "整改措施不具体".into(),
            },
            &manager(),
            t("2026-09-30 12:00"),
        )
        .unwrap();
        assert_eq!(c.status, Status::Investigating);
        assert_eq!(
            c.history.last().unwrap().why.as_deref(),
            Some("整改措施不具体")
        );
        // Resubmitted: the supervisor's earlier approval no longer counts.
        c.apply(
            Action::SubmitOpinion {
                responsibility: Responsibility::OursPartial,
                opinion: "致歉；两周内升级叫号系统".into(),
                corrective_actions: vec![CorrectiveAction::new(
                    "升级叫号系统",
                    "运营部",
                    chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
                )],
                escalated_to: String::new(),
            },
            &specialist(),
            t("2026-09-30 13:00"),
        )
        .unwrap();
        assert_eq!(c.current_round().submissions, 2);
        assert_eq!(c.approval_stage(), Some(ApprovalStage::NeedsSupervisor));
        // The rejected submission's approvals are still on record.
        assert_eq!(c.current_round().approvals.len(), 2);
        assert_eq!(c.current_round().approvals[1].decision, Decision::Rejected);
        // And the opinion that was sent back, as submitted, beside the one that replaced it.
        let r = c.current_round();
        assert_eq!(r.opinion.as_deref(), Some("致歉；两周内升级叫号系统"));
        assert_eq!(r.sent_back.len(), 1);
        assert_eq!(r.sent_back[0].submission, 1);
        assert_eq!(r.sent_back[0].opinion, "致歉并优化叫号流程");
        assert_eq!(
            r.sent_back[0].responsibility,
            Some(Responsibility::OursPartial)
        );
        assert_eq!(
            r.sent_back[0]
                .submitted_by
                .as_ref()
                .map(|b| b.name.as_str()),
            Some(specialist().name.as_str())
        );
        assert!(!r.sent_back[0].corrective_actions.is_empty());
        // Kept through the stored text.
        let back: Complaint = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back.current_round().sent_back, r.sent_back);
    }

    #[test]
    fn illegal_transitions_are_refused() {
        let mut c = new_case("2026-09-30 10:00");
        let s = specialist();
        let at = t("2026-09-30 10:05");
        let illegal = |action, status| ComplaintError::IllegalTransition { action, status };
        assert_eq!(
            c.apply(Action::StartInvestigation, &s, at),
            Err(illegal(ActionKind::StartInvestigation, Status::Received))
        );
        assert_eq!(
            c.apply(Action::Close, &supervisor(), at),
            Err(illegal(ActionKind::Close, Status::Received))
        );
        assert_eq!(
            c.apply(Action::Reopen { why: "x".into() }, &s, at),
            Err(illegal(ActionKind::Reopen, Status::Received))
        );
        assert_eq!(
            c.apply(
                Action::Classify {
                    category: Category::Other,
                    severity: 6,
                    department: "x".into()
                },
                &s,
                at
            ),
            Err(ComplaintError::InvalidSeverity(6))
        );
        assert_eq!(
            c.apply(
                Action::Classify {
                    category: Category::Other,
                    severity: 1,
                    department: "".into()
                },
                &s,
                at
            ),
            Err(ComplaintError::EmptyText {
                field: "department"
            })
        );
        c.apply(
            Action::Classify {
                category: Category::ServiceAttitude,
                severity: 4,
                department: "客服部".into(),
            },
            &s,
            at,
        )
        .unwrap();
        c.apply(Action::StartInvestigation, &s, at).unwrap();
        assert_eq!(
            c.apply(
                Action::SubmitOpinion {
                    responsibility: Responsibility::NotOurs,
                    opinion: "x".into(),
                    corrective_actions: vec![],
                    escalated_to: String::new(),
                },
                &s,
                at
            ),
            Err(ComplaintError::MissingFindings)
        );
        c.apply(
            Action::RecordFindings {
                findings: "属实".into(),
            },
            &s,
            at,
        )
        .unwrap();
        assert_eq!(
            c.apply(
                Action::SubmitOpinion {
                    responsibility: Responsibility::OursSerious,
                    opinion: "道歉".into(),
                    corrective_actions: vec![],
                    escalated_to: String::new(),
                },
                &s,
                at
            ),
            Err(ComplaintError::CorrectiveActionsRequired)
        );
        // A corrective action due before the day of receipt (a year mistyped) is refused by
        // its number; due that day is not.
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let opinion = |due_second: &str| Action::SubmitOpinion {
            responsibility: Responsibility::OursSerious,
            opinion: "道歉".into(),
            corrective_actions: vec![
                CorrectiveAction::new("培训", "客服部", day("2026-09-30")),
                CorrectiveAction::new("整改", "合规部", day(due_second)),
            ],
            escalated_to: String::new(),
        };
        // A finding beyond the branch's authority (002 第四章4) is partly ours: it needs its
        // corrective actions, and says whom it was reported to; another finding keeps no
        // such line.
        let escalated = |actions: Vec<CorrectiveAction>, to: &str| Action::SubmitOpinion {
            responsibility: Responsibility::BeyondAuthority,
            opinion: "致歉，报总部".into(),
            corrective_actions: actions,
            escalated_to: to.into(),
        };
        let fix = || {
            vec![CorrectiveAction::new(
                "优化开户流程",
                "运营管理部",
                chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
            )]
        };
        assert_eq!(
            c.clone().apply(escalated(vec![], "分管领导"), &s, at),
            Err(ComplaintError::CorrectiveActionsRequired)
        );
        assert_eq!(
            c.clone().apply(escalated(fix(), "  "), &s, at),
            Err(ComplaintError::EmptyText {
                field: "escalated_to"
            })
        );
        let mut up = c.clone();
        up.apply(escalated(fix(), " 公司分管领导、运营管理部 "), &s, at)
            .unwrap();
        assert_eq!(
            up.current_round().escalated_to.as_deref(),
            Some("公司分管领导、运营管理部")
        );
        let mut not_up = c.clone();
        let mut plain = opinion("2026-10-09");
        if let Action::SubmitOpinion { escalated_to, .. } = &mut plain {
            *escalated_to = "多余".into();
        }
        not_up.apply(plain, &s, at).unwrap();
        assert_eq!(not_up.current_round().escalated_to, None);
        let e = c.apply(opinion("2020-01-01"), &s, at).unwrap_err();
        assert_eq!(e, ComplaintError::CorrectiveDueBeforeReceipt(1));
        assert!(e.zh().contains("第 2 项") && e.en().contains("action 2"));
        assert_eq!(c.status, Status::Investigating);
        c.clone().apply(opinion("2026-10-09"), &s, at).unwrap();
        // Each action says what, by whom and by when, by its number; due before the day of
        // submission (here 30 Sep) is late already.
        let actions = |a: Vec<CorrectiveAction>| Action::SubmitOpinion {
            responsibility: Responsibility::OursSerious,
            opinion: "道歉".into(),
            corrective_actions: a,
            escalated_to: String::new(),
        };
        let ok = CorrectiveAction::new("培训", "客服部", day("2026-10-09"));
        for (second, part) in [
            (
                CorrectiveAction::new(" ", "合规部", day("2026-10-09")),
                CorrectivePart::Description,
            ),
            (
                CorrectiveAction::new("整改", " ", day("2026-10-09")),
                CorrectivePart::Owner,
            ),
            (
                CorrectiveAction::new("整改", "合规部", None),
                CorrectivePart::Due,
            ),
        ] {
            let e = c
                .clone()
                .apply(actions(vec![ok.clone(), second]), &s, at)
                .unwrap_err();
            assert_eq!(e, ComplaintError::CorrectiveIncomplete(1, part));
            assert!(e.zh().starts_with("第 2 项整改措施未填写"), "{}", e.zh());
            assert!(
                e.en().starts_with("Corrective action 2 has no"),
                "{}",
                e.en()
            );
        }
        let late = CorrectiveAction::new("整改", "合规部", day("2026-10-01"));
        let e = c
            .clone()
            .apply(actions(vec![ok.clone(), late]), &s, t("2026-10-08 09:00"))
            .unwrap_err();
        assert_eq!(e, ComplaintError::CorrectiveDueBeforeToday(1));
        assert_eq!(e.zh(), "第 2 项整改措施的完成期限早于今天");
        // Due the day it is submitted is not late.
        let today = CorrectiveAction::new("整改", "合规部", day("2026-10-08"));
        c.clone()
            .apply(actions(vec![ok, today]), &s, t("2026-10-08 09:00"))
            .unwrap();
        // Errors read as sentences in both languages.
        let e = illegal(ActionKind::Close, Status::Received);
        assert!(e.zh().contains("已受理") && e.zh().contains("闭环"));
        assert!(e.to_string().contains("Close") && e.to_string().contains("Received"));
    }

    #[test]
    fn the_next_step_follows_the_last_one() {
        use ActionKind as K;
        let s = specialist();
        let at = t("2026-09-30 10:10");
        let next =
            |c: &Complaint, actor: &Actor| c.next_step(&c.allowed_actions_for(actor, later()));
        let mut c = new_case("2026-09-30 10:00");
        assert_eq!(next(&c, &s), Some(K::Classify));
        c.apply(
            Action::Classify {
                category: Category::AccountHandling,
                severity: 3,
                department: "运营部".into(),
            },
            &s,
            at,
        )
        .unwrap();
        // Reclassifying stays offered first; the next step is the investigation.
        assert_eq!(c.allowed_actions(Role::Specialist, later())[0], K::Classify);
        assert_eq!(next(&c, &s), Some(K::StartInvestigation));
        c.apply(Action::StartInvestigation, &s, at).unwrap();
        c.apply(
            Action::RecordFindings {
                findings: "属实".into(),
            },
            &s,
            at,
        )
        .unwrap();
        assert_eq!(next(&c, &s), Some(K::SubmitOpinion));
        c.apply(
            Action::SubmitOpinion {
                responsibility: Responsibility::OursPartial,
                opinion: "致歉".into(),
                corrective_actions: vec![
                    CorrectiveAction::new(
                        "一",
                        "运营部",
                        chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
                    ),
                    CorrectiveAction::new(
                        "二",
                        "运营部",
                        chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
                    ),
                ],
                escalated_to: String::new(),
            },
            &s,
            at,
        )
        .unwrap();
        // A supervisor's next step is approving, not sending back.
        assert_eq!(next(&c, &supervisor()), Some(K::Approve));
        approve_at_both_levels(&mut c, "2026-09-30 11:00");
        respond(&mut c, &s, at);
        // One corrective action done of two: the next one, not the reopening.
        c.apply(Action::CompleteCorrectiveAction { index: 0 }, &s, at)
            .unwrap();
        assert_eq!(
            c.allowed_actions_for(&s, later()),
            vec![K::CompleteCorrectiveAction, K::Reopen]
        );
        assert_eq!(next(&c, &s), Some(K::CompleteCorrectiveAction));
        c.apply(Action::CompleteCorrectiveAction { index: 1 }, &s, at)
            .unwrap();
        assert_eq!(next(&c, &s), Some(K::StartVerification));
        c.apply(Action::StartVerification, &s, at).unwrap();
        c.apply(
            Action::RecordVerification {
                satisfied: false,
                measures_effective: Some(true),
                note: "仍不满意".into(),
            },
            &s,
            at,
        )
        .unwrap();
        // Unsatisfied: reopening is all there is.
        assert_eq!(next(&c, &s), Some(K::Reopen));
        assert_eq!(c.next_step(&[]), None);
    }

    #[test]
    fn allowed_actions_follow_status_and_role() {
        use ActionKind as K;
        let mut c = new_case("2026-09-30 10:00");
        assert_eq!(
            c.allowed_actions(Role::Specialist, later()),
            vec![K::Classify]
        );
        to_submitted(&mut c, "2026-09-30 10:10");
        assert!(c.allowed_actions(Role::Specialist, later()).is_empty());
        assert_eq!(
            c.allowed_actions(Role::Supervisor, later()),
            vec![K::Approve, K::Reject]
        );
        assert!(c.allowed_actions(Role::Manager, later()).is_empty());
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &supervisor(),
            t("2026-09-30 11:00"),
        )
        .unwrap();
        assert!(c.allowed_actions(Role::Supervisor, later()).is_empty());
        assert_eq!(
            c.allowed_actions(Role::Manager, later()),
            vec![K::Approve, K::Reject]
        );
        c.apply(
            Action::Approve {
                comment: String::new(),
            },
            &manager(),
            t("2026-09-30 11:30"),
        )
        .unwrap();
        assert_eq!(
            c.allowed_actions(Role::Specialist, later()),
            vec![K::Respond, K::CompleteCorrectiveAction]
        );
        c.apply(
            Action::Respond {
                channel: Channel::Letter,
                content: "书面答复".into(),
            },
            &specialist(),
            t("2026-09-30 14:00"),
        )
        .unwrap();
        assert_eq!(
            c.allowed_actions(Role::Specialist, later()),
            vec![K::CompleteCorrectiveAction, K::Reopen]
        );
        // What allowed_actions offers, apply accepts (for every kind without data problems).
        for role in Role::ALL {
            for kind in c.allowed_actions(role, later()) {
                assert!(c.precheck(kind, role, later().date()).is_ok());
            }
        }
    }

    #[test]
    fn reopening_keeps_the_first_round() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        approve_at_both_levels(&mut c, "2026-09-30 11:00");
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "答复一".into(),
            },
            &specialist(),
            t("2026-09-30 15:00"),
        )
        .unwrap();
        c.apply(
            Action::CompleteCorrectiveAction { index: 0 },
            &specialist(),
            t("2026-10-08 09:00"),
        )
        .unwrap();
        c.apply(
            Action::StartVerification,
            &specialist(),
            t("2026-10-08 10:00"),
        )
        .unwrap();
        assert_eq!(
            c.apply(
                Action::RecordVerification {
                    satisfied: false,
                    measures_effective: Some(true),
                    note: "".into()
                },
                &specialist(),
                t("2026-10-08 10:05")
            ),
            Err(ComplaintError::EmptyText { field: "note" })
        );
        c.apply(
            Action::RecordVerification {
                satisfied: false,
                measures_effective: Some(true),
                note: "客户认为仍需等候过久".into(),
            },
            &specialist(),
            t("2026-10-08 10:05"),
        )
        .unwrap();
        assert_eq!(
            c.apply(Action::Close, &manager(), t("2026-10-08 10:10")),
            Err(ComplaintError::CustomerUnsatisfied)
        );
        c.apply(
            Action::Reopen {
                why: "回访不满意".into(),
            },
            &specialist(),
            t("2026-10-08 10:15"),
        )
        .unwrap();
        assert_eq!(c.status, Status::Investigating);
        assert_eq!(c.round(), 2);
        assert_eq!(c.rounds.len(), 2);
        // Round 1 is intact.
        let first = &c.rounds[0];
        assert_eq!(first.findings.as_deref(), Some("系统排队故障属实"));
        assert_eq!(first.response.as_ref().unwrap().content, "答复一");
        assert!(!first.verification.as_ref().unwrap().satisfied);
        assert_eq!(first.approvals.len(), 2);
        // Round 2 starts empty with its reason.
        let second = c.current_round();
        assert_eq!(second.reopen_reason.as_deref(), Some("回访不满意"));
        assert!(second.findings.is_none() && second.approvals.is_empty());
        // History tells the rounds apart.
        assert_eq!(c.history.last().unwrap().round, 2);
        assert_eq!(c.history.last().unwrap().from_status, Status::Verifying);
        assert!(c.history.iter().filter(|e| e.round == 1).count() > 5);
        // The second round needs findings of its own before an opinion.
        assert_eq!(
            c.apply(
                Action::SubmitOpinion {
                    responsibility: Responsibility::NotOurs,
                    opinion: "x".into(),
                    corrective_actions: vec![],
                    escalated_to: String::new(),
                },
                &specialist(),
                t("2026-10-08 11:00")
            ),
            Err(ComplaintError::MissingFindings)
        );
    }

    #[test]
    fn a_customer_unsatisfied_with_the_response_reopens_from_responded() {
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-09-30 10:10");
        approve_at_both_levels(&mut c, "2026-09-30 11:00");
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "答复".into(),
            },
            &specialist(),
            t("2026-09-30 15:00"),
        )
        .unwrap();
        c.apply(
            Action::Reopen {
                why: "客户不接受答复".into(),
            },
            &specialist(),
            t("2026-09-30 15:30"),
        )
        .unwrap();
        assert_eq!((c.status, c.round()), (Status::Investigating, 2));
    }

    #[test]
    fn case_numbers() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(case_number(day, "A", 7), "TS-20261122-A-0007");
        assert_eq!(case_number(day, "K7", 12345), "TS-20261122-K7-12345");
        assert_eq!(
            parse_case_number("TS-20261122-K7-0012"),
            Some(CaseNumber {
                date: day,
                device_code: "K7".into(),
                seq: 12
            })
        );
        for bad in [
            "TS-2026112-A-0001",
            "XX-20261122-A-0001",
            "TS-20261122--0001",
            "TS-20261122-A-01",
            "TS-20261122-A-0001-9",
            "TS-20261340-A-0001",
        ] {
            assert_eq!(parse_case_number(bad), None, "{bad}");
        }
        let used = [
            "TS-20261122-A-0001",
            "TS-20261122-A-0003",
            "TS-20261122-B-0009",
            "TS-20261121-A-0050",
            "garbage",
        ];
        assert_eq!(next_case_seq(used, day, "A"), 4);
        assert_eq!(next_case_seq(used, day, "B"), 10);
        assert_eq!(next_case_seq(used, day, "C"), 1);
    }

    #[test]
    fn case_counter_reserves_past_counter_and_stored_numbers() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut c = CaseCounter::new(day, "K7", "dev-1");
        assert_eq!(c.id, "case_counter:20261122:K7");
        assert_eq!(case_counter_id(day, "A"), "case_counter:20261122:A");
        assert_eq!(c.reserve(0), 1);
        assert_eq!(c.reserve(0), 2);
        // Numbers stored before the counter (an imported backup) are skipped.
        assert_eq!(c.reserve(9), 10);
        // A lower stored number never takes the counter back.
        assert_eq!(c.reserve(3), 11);
        assert_eq!(c.last, 11);
        // Two tabs that read the same revision compute the same number; only the first write
        // at that revision is accepted (the store's conflict check), the other re-reads.
        let stored = c.clone();
        let (mut a, mut b) = (stored.clone(), stored.clone());
        assert_eq!(a.reserve(0), b.reserve(0));
        let mut reread = a.clone();
        assert_eq!(reread.reserve(0), 13);
        // The stored shape.
        let v = serde_json::to_value(&stored).unwrap();
        assert_eq!(v["day"], "2026-11-22");
        assert_eq!(v["last"], 11);
        let back: CaseCounter = serde_json::from_value(v).unwrap();
        assert_eq!(back, stored);
    }

    #[test]
    fn clocks_across_the_national_day_week() {
        let cal = WorkingCalendar::china_official();
        let mut c = new_case("2026-09-30 10:00");
        let due = |k| due_at(k, c.received_at, &cal);
        assert_eq!(due(ClockKind::FirstResponse), t("2026-09-30 10:30"));
        assert_eq!(due(ClockKind::Analysis), t("2026-10-01 10:00"));
        assert_eq!(due(ClockKind::InitialHandling), t("2026-10-03 10:00"));
        // 3 working days: 30 Sep, 8 Oct, 9 Oct. 4: the make-up Saturday 10 Oct. 7: 14 Oct.
        let eod = |s: &str| t(s) + Duration::seconds(59);
        assert_eq!(due(ClockKind::Investigation), eod("2026-10-09 23:59"));
        assert_eq!(due(ClockKind::Response), eod("2026-10-10 23:59"));
        assert_eq!(respond_by(&c, &cal), eod("2026-10-10 23:59"));
        assert_eq!(due(ClockKind::Resolution), eod("2026-10-14 23:59"));

        // 10:20 on the day: nothing met, first response due today, the rest later.
        let now = t("2026-09-30 10:20");
        let cs = clocks(&c, &cal, now);
        assert_eq!(cs.len(), 7);
        assert_eq!(
            cs[0].state,
            ClockState::DueToday {
                left: Duration::minutes(10)
            }
        );
        assert!(matches!(cs[4].state, ClockState::OnTime { .. }));

        // A sync conflict settled at 10:25 is bookkeeping, not a response to the customer.
        let mut settled = c.clone();
        settled.history.push(HistoryEvent {
            at: t("2026-09-30 10:25"),
            by: StaffRef::from(&specialist()),
            action: ActionKind::SettleConflict,
            from_status: Status::Received,
            to_status: Status::Received,
            round: 1,
            why: None,
        });
        assert_eq!(met_at(&settled, ClockKind::FirstResponse), None);
        assert!(!ActionKind::ACTIONS.contains(&ActionKind::SettleConflict));

        // Classified at 10:45: first response met 15 minutes late.
        c.apply(
            Action::Classify {
                category: Category::Other,
                severity: 1,
                department: "客服部".into(),
            },
            &specialist(),
            t("2026-09-30 10:45"),
        )
        .unwrap();
        let first = clock(&c, ClockKind::FirstResponse, &cal, t("2026-09-30 11:00"));
        assert_eq!(first.met_at, Some(t("2026-09-30 10:45")));
        assert_eq!(
            first.state,
            ClockState::MetLate {
                by: Duration::minutes(15)
            }
        );
        assert!(first.state.is_breach());

        // On Saturday 10 Oct at 09:00, no opinion yet: investigation is overdue by 9 h 1 s,
        // the response is due today.
        let now = t("2026-10-10 09:00");
        let inv = clock(&c, ClockKind::Investigation, &cal, now);
        assert_eq!(
            inv.state,
            ClockState::Overdue {
                by: Duration::hours(9) + Duration::seconds(1)
            }
        );
        assert!(matches!(
            clock(&c, ClockKind::Response, &cal, now).state,
            ClockState::DueToday { .. }
        ));
    }

    #[test]
    fn an_overdue_case_stays_overdue_and_reopening_does_not_reset_the_clock() {
        let cal = WorkingCalendar::china_official();
        let mut c = new_case("2026-09-30 10:00");
        to_submitted(&mut c, "2026-10-12 10:00"); // after the 9 Oct limit
        let inv = clock(&c, ClockKind::Investigation, &cal, t("2026-11-01 10:00"));
        assert!(matches!(inv.state, ClockState::MetLate { .. }));
        for a in [supervisor(), manager()] {
            c.apply(
                Action::Approve {
                    comment: String::new(),
                },
                &a,
                t("2026-10-12 11:00"),
            )
            .unwrap();
        }
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "答复".into(),
            },
            &specialist(),
            t("2026-10-12 15:00"),
        )
        .unwrap();
        c.apply(
            Action::Reopen {
                why: "不满意".into(),
            },
            &specialist(),
            t("2026-10-13 09:00"),
        )
        .unwrap();
        // The response clock counts the first response (late), and stays a breach.
        let resp = clock(&c, ClockKind::Response, &cal, t("2026-10-13 10:00"));
        assert_eq!(resp.met_at, Some(t("2026-10-12 15:00")));
        assert!(resp.state.is_breach());
        // Resolution is not met while the case is open again.
        assert_eq!(met_at(&c, ClockKind::Resolution), None);
    }

    #[test]
    fn the_listed_deadline_is_the_earliest_regulatory_limit_not_met() {
        let cal = WorkingCalendar::china_official();
        let eod = |s: &str| t(s) + Duration::seconds(59);
        // Monday 23 Nov: investigation due Wednesday 25th, response 26th, resolution 1 Dec.
        let mut c = new_case("2026-11-23 09:00");
        assert_eq!(deadline_of(&c, &cal), Some(eod("2026-11-25 23:59")));
        assert_eq!(target_of(&c, &cal), None);
        // Opinion submitted in time: the response limit is next.
        to_submitted(&mut c, "2026-11-24 09:00");
        assert_eq!(
            deadline_limit_of(&c, &cal),
            Some((ClockKind::Response, eod("2026-11-26 23:59")))
        );
        for a in [supervisor(), manager()] {
            c.apply(
                Action::Approve {
                    comment: String::new(),
                },
                &a,
                t("2026-11-24 10:00"),
            )
            .unwrap();
        }
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "答复".into(),
            },
            &specialist(),
            t("2026-11-24 11:00"),
        )
        .unwrap();
        // Responded in time: no limit left to list; the resolution is a target (Tuesday 1
        // Dec), shown as such, never overdue.
        assert_eq!(deadline_of(&c, &cal), None);
        assert_eq!(target_of(&c, &cal), Some(eod("2026-12-01 23:59")));
        assert!(met_late(&c, &cal).is_empty());

        // A late opinion (Friday 27th): the investigation was met late, a breach on the
        // record; the case is listed against the response, due the 26th, not yet given.
        let mut late = new_case("2026-11-23 09:00");
        to_submitted(&mut late, "2026-11-27 09:00");
        assert_eq!(
            deadline_limit_of(&late, &cal),
            Some((ClockKind::Response, eod("2026-11-26 23:59")))
        );
        assert_eq!(met_late(&late, &cal), vec![ClockKind::Investigation]);
        // An opinion a day late (Thursday 26th): the response falls due that same day, and
        // the case is listed against it (due today), not against the investigation missed.
        let mut day_late = new_case("2026-11-23 09:00");
        to_submitted(&mut day_late, "2026-11-26 10:00");
        assert_eq!(deadline_of(&day_late, &cal), Some(eod("2026-11-26 23:59")));
        // Not yet investigated past the limit: overdue, and stays so until it is met.
        let idle = new_case("2026-11-23 09:00");
        assert_eq!(
            deadline_limit_of(&idle, &cal),
            Some((ClockKind::Investigation, eod("2026-11-25 23:59")))
        );

        // Closed cases have no deadline and no target.
        let mut closed = c.clone();
        closed.status = Status::Closed;
        assert_eq!(deadline_of(&closed, &cal), None);
        assert_eq!(target_of(&closed, &cal), None);
    }

    #[test]
    fn clocks_met_in_time() {
        let cal = WorkingCalendar::china_official();
        let mut c = new_case("2026-11-23 09:00");
        to_submitted(&mut c, "2026-11-23 09:10");
        let now = t("2026-11-23 09:20");
        let cs = clocks(&c, &cal, now);
        for k in [
            ClockKind::FirstResponse,
            ClockKind::Analysis,
            ClockKind::Plan,
            ClockKind::Investigation,
        ] {
            assert_eq!(
                cs.iter().find(|x| x.kind == k).unwrap().state,
                ClockState::Met
            );
        }
        // Monday 23 Nov + 4 working days incl. receipt = Thursday 26 Nov.
        let resp = cs.iter().find(|x| x.kind == ClockKind::Response).unwrap();
        assert_eq!(
            resp.due.date(),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
        assert!(matches!(resp.state, ClockState::OnTime { .. }));
    }

    #[test]
    fn destruction_after_the_retention_period_purges_personal_data() {
        let mut c = new_case("2020-03-02 10:00");
        to_submitted(&mut c, "2020-03-02 10:10");
        for a in [supervisor(), manager()] {
            c.apply(
                Action::Approve {
                    comment: "同意".into(),
                },
                &a,
                t("2020-03-02 11:00"),
            )
            .unwrap();
        }
        c.apply(
            Action::Respond {
                channel: Channel::Phone,
                content: "答复".into(),
            },
            &specialist(),
            t("2020-03-02 15:00"),
        )
        .unwrap();
        c.apply(
            Action::CompleteCorrectiveAction { index: 0 },
            &specialist(),
            t("2020-03-03 09:00"),
        )
        .unwrap();
        c.apply(
            Action::StartVerification,
            &specialist(),
            t("2020-03-04 09:00"),
        )
        .unwrap();
        c.apply(
            Action::RecordVerification {
                satisfied: true,
                measures_effective: Some(true),
                note: "满意".into(),
            },
            &specialist(),
            t("2020-03-04 09:10"),
        )
        .unwrap();
        c.apply(Action::Close, &manager(), t("2020-03-04 10:00"))
            .unwrap();
        c.apply(Action::Archive, &manager(), t("2020-03-31 17:00"))
            .unwrap();
        let destroy = || Action::Destroy {
            why: "保存期满".into(),
        };
        assert_eq!(
            c.apply(destroy(), &manager(), t("2025-03-31 17:00")),
            Err(ComplaintError::NotEligibleForDestruction)
        );
        assert_eq!(
            c.apply(destroy(), &supervisor(), t("2025-04-01 09:00")),
            Err(ComplaintError::RoleNotAllowed {
                action: ActionKind::Destroy,
                role: Role::Supervisor
            })
        );
        c.apply(destroy(), &manager(), t("2025-04-01 09:00"))
            .unwrap();
        assert!(c.destroyed);
        assert_eq!(c.complainant, Complainant::default());
        assert!(c.narrative.is_empty());
        // What the monthly report counts per person stays.
        assert!(!c.staff_involved.is_empty());
        assert!(c.rounds[0].findings.is_none());
        assert!(c.rounds[0].response.as_ref().unwrap().content.is_empty());
        // The skeleton and the purge itself stay on record.
        assert_eq!(c.case_no, "TS-20200302-A-0001");
        assert_eq!(c.category, Some(Category::AccountHandling));
        let last = c.history.last().unwrap();
        assert_eq!(last.action, ActionKind::Destroy);
        assert_eq!(last.why.as_deref(), Some("保存期满"));
        assert!(c.history[..c.history.len() - 1]
            .iter()
            .all(|e| e.why.is_none()));
        assert_eq!(
            c.apply(destroy(), &manager(), t("2025-04-02 09:00")),
            Err(ComplaintError::Destroyed)
        );
        assert!(c.allowed_actions(Role::Manager, later()).is_empty());
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for x in Channel::ALL {
            assert!(!x.zh().is_empty() && !x.en().is_empty());
        }
        for x in Category::ALL {
            assert!(!x.zh().is_empty() && !x.en().is_empty());
        }
        for x in Status::ALL {
            assert_ne!(x.zh(), x.en());
        }
        for x in Responsibility::ALL {
            assert_ne!(x.zh(), x.en());
        }
        assert_eq!(severity_zh(5), "重大");
        assert_eq!(severity_en(0), "Unrated");
        let action = Action::Classify {
            category: Category::Fees,
            severity: 2,
            department: "x".into(),
        };
        let v = serde_json::to_value(&action).unwrap();
        assert_eq!(v["kind"], "classify");
        assert_eq!(serde_json::from_value::<Action>(v).unwrap(), action);
    }
}
