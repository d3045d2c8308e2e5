//! Service quality (质检): the phone-service scorecard of source 003 (《电话服务质量标准》:
//! "每条0.5分，共计30分") and the call centre's monthly targets (弃线率不高于10%, 投诉率低于
//! 万分之一, 平均来电等待时长低于30秒).
//!
//! The scorecard lists, in eight groups, standards a call should meet and faults it should
//! not show. A supervisor scores a call from 30 points: each standard not met and each fault
//! shown takes off 0.5 point. (The source gives the items, their 0.5 point and
//! the 30 points in all, not how the items add up to 30: this is the reading that keeps each
//! item at 0.5 and the total at 30, and a standard that does not apply to a call is simply
//! not taken off. The items name 56 lapses, so a call that shows every one keeps 2 points.)
//! Scores are kept in half points, so no sum is ever rounded.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::sort::sort_by;
use super::staff::{Role, Staff};
use super::Record;

/// What an item of the scorecard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// 标准: a standard the call should meet; 0.5 off when it is not met.
    Standard,
    /// 扣分项: a fault; 0.5 off when the call shows it.
    Fault,
}

/// One line of the scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Stored in a review: never change one.
    pub key: &'static str,
    pub kind: ItemKind,
    pub zh: &'static str,
    pub en: &'static str,
    /// A fault of compliance (法律法规, numbers not to be given): a review that marks it says
    /// why in its comment.
    pub compliance: bool,
}

/// One of the eight groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub items: &'static [Item],
}

const fn line(
    kind: ItemKind,
    compliance: bool,
    key: &'static str,
    zh: &'static str,
    en: &'static str,
) -> Item {
    Item {
        key,
        kind,
        zh,
        en,
        compliance,
    }
}

const fn std_(key: &'static str, zh: &'static str, en: &'static str) -> Item {
    line(ItemKind::Standard, false, key, zh, en)
}

const fn fault(key: &'static str, zh: &'static str, en: &'static str) -> Item {
    line(ItemKind::Fault, false, key, zh, en)
}

const fn breach(key: &'static str, zh: &'static str, en: &'static str) -> Item {
    line(ItemKind::Fault, true, key, zh, en)
}

/// Full marks.
pub const FULL_HALVES: u32 = 60;

/// The scorecard, in the source's order and words.
pub const SCORECARD: [Group; 8] = [
    Group {
        key: "greeting",
        zh: "问候",
        en: "Greeting",
        items: &[
            std_("greeting.prepared", "有准备", "Prepared for the call"),
            std_(
                "greeting.voice",
                "嗓音清晰，语调柔和",
                "Clear voice, gentle tone",
            ),
            std_(
                "greeting.standard",
                "使用标准问候语",
                "Uses the standard greeting",
            ),
            std_("greeting.warm", "热情，友好", "Warm and friendly"),
            std_("greeting.lively", "激扬，有活力", "Lively and energetic"),
            fault("greeting.rushed", "没有准备，仓促", "Unprepared, rushed"),
            fault(
                "greeting.no_standard",
                "没有使用标准的问候语",
                "Did not use the standard greeting",
            ),
            fault("greeting.mumbled", "语音含混", "Indistinct speech"),
        ],
    },
    Group {
        key: "listening",
        zh: "倾听",
        en: "Listening",
        items: &[
            std_(
                "listening.information",
                "能够识辨出信息",
                "Picks out the information",
            ),
            std_(
                "listening.understood",
                "向客户表示理解客户的需求",
                "Shows the customer their need is understood",
            ),
            std_(
                "listening.to_the_point",
                "有针对性的回答客户的问题",
                "Answers the question to the point",
            ),
            std_("listening.active", "积极倾听", "Listens actively"),
            std_(
                "listening.key",
                "能够识辨出关键信息",
                "Picks out the key information",
            ),
            std_(
                "listening.attends",
                "关注客户的问题",
                "Attends to the customer's problem",
            ),
            fault(
                "listening.unimportant",
                "识辨的信息并不是重要信息",
                "Picked out what was not important",
            ),
            fault(
                "listening.misunderstood",
                "误解客户",
                "Misunderstood the customer",
            ),
            fault("listening.careless", "漫不经心", "Inattentive"),
        ],
    },
    Group {
        key: "care",
        zh: "关心客户",
        en: "Caring for the customer",
        items: &[
            std_(
                "care.address",
                "正确使用客户称谓，使客户感到他的问题被关注",
                "Addresses the customer properly, so they feel their problem matters",
            ),
            std_(
                "care.plain",
                "使用客户能够理解的表达方式",
                "Speaks in terms the customer understands",
            ),
            std_(
                "care.assures",
                "语气和用词中，使客户确认能够帮助他",
                "Tone and words assure the customer they will be helped",
            ),
            std_(
                "care.sympathy",
                "使客户感到被同情",
                "The customer feels understood",
            ),
            std_("care.trust", "赢得客户信任", "Wins the customer's trust"),
            fault(
                "care.address_misused",
                "服务过程中不使用或频繁的使用客户的称谓",
                "Never, or too often, addressed the customer by name",
            ),
            fault("care.humble", "过分谦逊", "Overly humble"),
        ],
    },
    Group {
        key: "details",
        zh: "收集细节",
        en: "Collecting details",
        items: &[
            std_(
                "details.next_step",
                "为下一步服务搜集信息",
                "Collects what the next step needs",
            ),
            std_(
                "details.explains",
                "询问特定客户信息时向客户解释原因",
                "Explains why when asking for particular details",
            ),
            std_(
                "details.enough",
                "搜集充分的信息解决问题",
                "Collects enough to solve the problem",
            ),
            std_(
                "details.updates",
                "注意更新错误的或已经变更的客户地址，电话及其他事项",
                "Updates a wrong or changed address, phone number or other detail",
            ),
            fault(
                "details.known",
                "向客户询问服务系统已经载明的信息",
                "Asked for what the system already holds",
            ),
            fault(
                "details.twice",
                "询问同样的信息2遍",
                "Asked for the same detail twice",
            ),
        ],
    },
    Group {
        key: "action",
        zh: "采取相应的行动",
        en: "Taking action",
        items: &[
            std_(
                "action.compliant",
                "回答问题符合公司和法律法规要求",
                "Answers meet the firm's rules and the law",
            ),
            std_(
                "action.system_info",
                "将系统中载明的信息正确的提供给客户",
                "Gives the system's information correctly",
            ),
            std_(
                "action.solution",
                "找到客户满意的处理办法",
                "Finds a solution the customer is satisfied with",
            ),
            std_(
                "action.transfer",
                "正确的处理电话和转接电话",
                "Handles and transfers the call correctly",
            ),
            std_(
                "action.objections",
                "能够处理客户异议",
                "Handles objections",
            ),
            std_(
                "action.quick",
                "迅速的找到正确处理客户问题的方法",
                "Quickly finds the right way to solve the problem",
            ),
            std_(
                "action.system_skill",
                "使用系统熟练，迅速",
                "Uses the system skilfully and quickly",
            ),
            std_(
                "action.opportunity",
                "能够意识到商机，促成销售",
                "Sees a business opportunity and makes the sale",
            ),
            std_(
                "action.confident",
                "处理异议自信高效",
                "Handles objections confidently and efficiently",
            ),
            breach(
                "action.non_compliant",
                "回答问题不符合公司和法律法规要求",
                "An answer broke the firm's rules or the law",
            ),
            breach(
                "action.misapplied",
                "误用法律法规或在不适用的前提下使用",
                "Misapplied a law or regulation",
            ),
            fault(
                "action.wrong_info",
                "系统中载明的信息不能正确地提供给客户",
                "Could not give the system's information correctly",
            ),
            fault(
                "action.slow_system",
                "使用系统不够熟练，迅速",
                "Slow or unsure with the system",
            ),
        ],
    },
    Group {
        key: "closing",
        zh: "总结电话",
        en: "Closing the call",
        items: &[
            std_(
                "closing.explains",
                "解释客户的问题及服务的过程",
                "Explains the problem and what was done",
            ),
            std_(
                "closing.satisfied",
                "向客户询问是否满意",
                "Asks whether the customer is satisfied",
            ),
            std_(
                "closing.thanks",
                "感谢客户致电",
                "Thanks the customer for calling",
            ),
            std_(
                "closing.summary",
                "准确，精练的总结电话，得到客户满意的认可",
                "Sums up the call accurately and briefly, to the customer's satisfaction",
            ),
            fault(
                "closing.irrelevant",
                "重复不相关的信息",
                "Repeated what was not relevant",
            ),
            fault(
                "closing.no_process",
                "没有解释服务的过程",
                "Did not explain what was done",
            ),
            fault(
                "closing.no_next",
                "没有解释清事后客户应该怎么办",
                "Did not make clear what the customer should do next",
            ),
            breach(
                "closing.wrong_number",
                "将不该提供的电话号码提供给客户",
                "Gave out a phone number that should not be given",
            ),
        ],
    },
    Group {
        key: "control",
        zh: "过程控制",
        en: "Control of the call",
        items: &[
            std_(
                "control.steers",
                "较好的控制通话，影响客户",
                "Keeps control of the call and guides the customer",
            ),
            std_(
                "control.calms",
                "能够运用电话处理技巧避免激怒客户",
                "Uses call skills to avoid angering the customer",
            ),
            std_(
                "control.leads",
                "通过专业的服务引导和影响客户，掌握电话的控制权",
                "Leads the customer by professional service, holding control of the call",
            ),
            std_("control.brief", "服务的时间简短", "Keeps the call short"),
            fault("control.lost", "难以控制电话", "Could not control the call"),
            fault("control.unsure", "不自信", "Lacked confidence"),
        ],
    },
    Group {
        key: "attitude",
        zh: "全程的语言和态度",
        en: "Language and attitude throughout",
        items: &[
            std_("attitude.positive_words", "语意积极", "Positive wording"),
            std_(
                "attitude.difficult",
                "在处理过程中对“困难”客户的处理也能保持积极的态度",
                "Stays positive with a “difficult” customer",
            ),
            std_("attitude.plain", "语言平实", "Plain language"),
            std_(
                "attitude.can_do",
                "说我们能做的而避免说不能做的",
                "Says what we can do, not what we cannot",
            ),
            std_(
                "attitude.suited",
                "针对客户类型提供适合的服务",
                "Suits the service to the customer",
            ),
            std_(
                "attitude.professional",
                "服务过程中语态积极，具有专业性",
                "Positive and professional manner",
            ),
            std_(
                "attitude.upbeat",
                "服务过程中保持积极向上的服务情绪",
                "Keeps an upbeat mood",
            ),
            fault(
                "attitude.rude",
                "态度消极，言语不恭",
                "Negative attitude, disrespectful words",
            ),
            fault(
                "attitude.moody",
                "服务情绪波动",
                "Mood swings during the call",
            ),
            fault(
                "attitude.jargon",
                "使用公司对内使用的简语或行话",
                "Used internal abbreviations or jargon",
            ),
        ],
    },
];

/// Every item of the scorecard, with its group.
pub fn items() -> impl Iterator<Item = (&'static Group, &'static Item)> {
    SCORECARD
        .iter()
        .flat_map(|g| g.items.iter().map(move |i| (g, i)))
}

/// The item of a key (and its group).
pub fn item(key: &str) -> Option<(&'static Group, &'static Item)> {
    items().find(|(_, i)| i.key == key)
}

/// A score in half points, written as points: 60 → "30", 55 → "27.5".
pub fn points(halves: u32) -> String {
    if halves.is_multiple_of(2) {
        format!("{}", halves / 2)
    } else {
        format!("{}.5", halves / 2)
    }
}

/// An average score as shown: at most two decimals, none trailing (14.25, 28.5, 30), a tie
/// rounded up (the mean of eight calls lands on eighths: 28.125 is 28.13).
pub fn average_text(points: f64) -> String {
    let s = super::stats::fixed(points, 2);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Whether `s` (signed in; `None` when nobody is) may score calls and enter a month's figures:
/// an active supervisor or manager.
pub fn may_score(s: Option<&Staff>) -> bool {
    s.is_some_and(|s| s.active && matches!(s.role, Role::Supervisor | Role::Manager))
}

/// How long before its scoring a call may have taken place: 事后抽查 samples recent calls, and
/// a call a year older was a year typed wrong. Measured from the review's own time, so a
/// review scored back then stays editable.
pub const LONGEST_BEFORE_REVIEW_DAYS: i64 = 366;

/// Whether a call at `call_at` is too long before its scoring at `reviewed_at`.
pub fn call_long_before(call_at: NaiveDateTime, reviewed_at: NaiveDateTime) -> bool {
    call_at < reviewed_at - chrono::Duration::days(LONGEST_BEFORE_REVIEW_DAYS)
}

/// Whether `reviewer` may score `member`'s calls, by rank: 客服主管 checks 客服专员's work
/// (监听通话录音, the regulation's 内部监督), and 客服经理 answers for the whole department.
/// So a supervisor scores specialists only, and a manager anyone; nobody their own calls.
pub fn may_score_member(reviewer: Option<&Staff>, member: &Staff) -> bool {
    match reviewer {
        Some(r) if may_score(Some(r)) && r.id != member.id => {
            r.role == Role::Manager || member.role == Role::Specialist
        }
        _ => false,
    }
}

/// Faults that are the very lapse a standard of the same group describes ("没有使用标准的问候语"
/// against "使用标准问候语"): (fault, standard). Ticking both is one lapse, taken off once, so a
/// call scores the same whichever column the reviewer marks it in.
pub const SAME_LAPSE: [(&str, &str); 11] = [
    ("greeting.rushed", "greeting.prepared"),
    ("greeting.no_standard", "greeting.standard"),
    ("greeting.mumbled", "greeting.voice"),
    ("listening.unimportant", "listening.key"),
    ("care.address_misused", "care.address"),
    ("action.non_compliant", "action.compliant"),
    ("action.wrong_info", "action.system_info"),
    ("action.slow_system", "action.system_skill"),
    ("closing.no_process", "closing.explains"),
    ("control.lost", "control.steers"),
    ("attitude.moody", "attitude.upbeat"),
];

/// The lapse an item stands for: a fault of [`SAME_LAPSE`] is its standard's.
fn lapse(key: &str) -> &str {
    SAME_LAPSE
        .iter()
        .find(|(fault, _)| *fault == key)
        .map_or(key, |(_, standard)| standard)
}

/// The fault that is the same lapse as the standard `key` ([`SAME_LAPSE`]), if there is one.
pub fn same_lapse_fault(key: &str) -> Option<&'static str> {
    SAME_LAPSE
        .iter()
        .find(|(_, standard)| *standard == key)
        .map(|(fault, _)| *fault)
}

/// The standard a fault of [`SAME_LAPSE`] is the lapse of, if it is one.
pub fn same_lapse_standard(key: &str) -> Option<&'static str> {
    SAME_LAPSE
        .iter()
        .find(|(fault, _)| *fault == key)
        .map(|(_, standard)| *standard)
}

/// The lapses marked, each once: a key marked twice, or a fault and the standard it is the
/// lapse of ([`SAME_LAPSE`]), is one lapse.
fn lapses<'a>(missed: &'a [String], faults: &'a [String]) -> Vec<&'a str> {
    let mut keys: Vec<&str> = missed.iter().chain(faults).map(|k| lapse(k)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The score in half points of the items taken off: 60 less one for each lapse, a standard
/// missed or a fault shown ([`lapses`]).
pub fn score_halves(missed: &[String], faults: &[String]) -> u32 {
    FULL_HALVES.saturating_sub(lapses(missed, faults).len() as u32)
}

/// The half points a group's items take off, each lapse once as in [`score_halves`], so the
/// groups' figures add up to what the call lost (a lapse ticked in both columns counted
/// twice in its group's figure).
pub fn group_halves(group: &Group, missed: &[String], faults: &[String]) -> u32 {
    lapses(missed, faults)
        .into_iter()
        .filter(|k| group.items.iter().any(|i| i.key == *k))
        .count() as u32
}

/// The items of the scorecard that judge whether the answer given was accurate, for the
/// 业务解答准确率 of source 001 二(三) (the KPI sheet, `kpi`): a reviewed call with none of
/// them taken off answered accurately. From the group 采取相应的行动, the standards
/// "回答问题符合公司和法律法规要求" (`action.compliant`) and "将系统中载明的信息正确的提供给客户"
/// (`action.system_info`) not met, and the faults "回答问题不符合公司和法律法规要求"
/// (`action.non_compliant`), "误用法律法规或在不适用的前提下使用" (`action.misapplied`) and
/// "系统中载明的信息不能正确地提供给客户" (`action.wrong_info`) shown. The other items judge
/// manner, care and control of the call, not whether what the customer was told was right.
pub const ANSWER_ACCURACY_KEYS: [&str; 5] = [
    "action.compliant",
    "action.system_info",
    "action.non_compliant",
    "action.misapplied",
    "action.wrong_info",
];

/// The items of [`ANSWER_ACCURACY_KEYS`] a review took off, in that order; none: the call's
/// answer was accurate.
pub fn accuracy_deductions(r: &CallReview) -> Vec<&'static str> {
    ANSWER_ACCURACY_KEYS
        .into_iter()
        .filter(|k| r.deductions().any(|d| d == *k))
        .collect()
}

/// A compliance fault is marked and the comment does not say what happened.
pub fn compliance_unexplained(faults: &[String], comment: &str) -> bool {
    faults
        .iter()
        .any(|k| item(k).is_some_and(|(_, i)| i.compliance))
        && comment.trim().chars().count() < 4
}

/// A supervisor's review of one call (质检评分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallReview {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// Whose call.
    pub staff_id: String,
    pub staff_name: String,
    /// Who scored it.
    pub reviewer_id: String,
    pub reviewer_name: String,
    /// When the call took place.
    pub call_at: NaiveDateTime,
    /// The recording's number or the caller, to find the call again.
    #[serde(default)]
    pub call_ref: String,
    /// Keys of the standards the call did not meet.
    #[serde(default)]
    pub missed: Vec<String>,
    /// Keys of the faults the call showed.
    #[serde(default)]
    pub faults: Vec<String>,
    #[serde(default)]
    pub comment: String,
    pub reviewed_at: NaiveDateTime,
    /// Who last changed the score after it was given (its reviewer or a manager), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<NaiveDateTime>,
    /// Taken back (撤销) by its reviewer or a manager: kept, with who, when and why, and
    /// counted in no average.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

/// Who took a score back, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub by_id: String,
    pub by: String,
    pub at: NaiveDateTime,
    pub reason: String,
}

impl Record for CallReview {
    const TYPE: &'static str = "call_review";
}

/// Why a review cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewProblem {
    NoStaff,
    /// The reviewer is not a supervisor or manager (or nobody is signed in).
    NotReviewer,
    OwnCall,
    /// Another reviewer's review, and the one signed in is not a manager.
    NotYours,
    CallInFuture,
    /// The call took place more than [`LONGEST_BEFORE_REVIEW_DAYS`] before it was scored (a
    /// year typed wrong: 1900 for 2026).
    CallLongBefore,
    UnknownItem(String),
    /// An item marked as the wrong kind (a standard among the faults or the other way).
    WrongKind(String),
    /// A compliance fault is marked and the comment does not say what happened.
    ComplianceUnexplained,
    /// A supervisor scoring a supervisor's or a manager's call.
    AboveReviewer,
    /// The score was withdrawn: it is kept as it was.
    Withdrawn,
    /// A withdrawal without its reason.
    NoReason,
}

impl ReviewProblem {
    pub fn text(&self, zh: bool) -> String {
        match (self, zh) {
            (ReviewProblem::NoStaff, true) => "请选择被评分的员工".into(),
            (ReviewProblem::NoStaff, false) => "Choose whose call this is".into(),
            (ReviewProblem::NotReviewer, true) => {
                "只有客服主管或客服经理可以评分，请以其身份登录".into()
            }
            (ReviewProblem::NotReviewer, false) => {
                "Only a supervisor or a manager can score calls: sign in as one".into()
            }
            (ReviewProblem::OwnCall, true) => "不能为自己的通话评分".into(),
            (ReviewProblem::OwnCall, false) => "You cannot score your own call".into(),
            (ReviewProblem::NotYours, true) => "只有评分人或客服经理可以修改这条评分".into(),
            (ReviewProblem::NotYours, false) => {
                "Only whoever scored this call, or a manager, can change the score".into()
            }
            (ReviewProblem::CallInFuture, true) => "通话时间晚于现在".into(),
            (ReviewProblem::CallInFuture, false) => "The call time is in the future".into(),
            (ReviewProblem::CallLongBefore, true) => {
                "通话时间早于评分一年以上，请检查年份".into()
            }
            (ReviewProblem::CallLongBefore, false) => {
                "The call is more than a year before its scoring: check the year".into()
            }
            (ReviewProblem::UnknownItem(k), true) => format!("评分表中没有“{k}”这一项"),
            (ReviewProblem::UnknownItem(k), false) => {
                format!("“{k}” is not an item of this scorecard")
            }
            (ReviewProblem::WrongKind(k), true) => format!("“{k}”记在了错误的一栏"),
            (ReviewProblem::WrongKind(k), false) => format!("“{k}” is in the wrong column"),
            (ReviewProblem::ComplianceUnexplained, true) => {
                "勾选了合规类扣分项，请在评语中写明经过".into()
            }
            (ReviewProblem::ComplianceUnexplained, false) => {
                "A compliance fault is marked: say what happened in the comment".into()
            }
            (ReviewProblem::AboveReviewer, true) => {
                "客服主管只能为客服专员的通话评分；客服主管和客服经理的通话由客服经理评分".into()
            }
            (ReviewProblem::AboveReviewer, false) => {
                "A supervisor scores specialists' calls only: a manager scores supervisors' and managers' calls".into()
            }
            (ReviewProblem::Withdrawn, true) => "这条评分已撤销，不能再修改".into(),
            (ReviewProblem::Withdrawn, false) => {
                "This score was withdrawn and cannot be changed".into()
            }
            (ReviewProblem::NoReason, true) => "请写明撤销的原因（至少4个字）".into(),
            (ReviewProblem::NoReason, false) => {
                "Say why the score is withdrawn (at least 4 characters)".into()
            }
        }
    }
}

impl CallReview {
    /// The score in half points (see [`score_halves`]).
    pub fn score_halves(&self) -> u32 {
        score_halves(&self.missed, &self.faults)
    }

    /// Every key taken off (standards missed, then faults), as stored.
    pub fn deductions(&self) -> impl Iterator<Item = &str> {
        self.missed
            .iter()
            .chain(self.faults.iter())
            .map(String::as_str)
    }

    /// What was taken off, each lapse once, in the scorecard's order: a fault and the standard
    /// it is the lapse of ([`SAME_LAPSE`]), both marked, are the standard alone (the score
    /// takes them off once).
    pub fn lapses(&self) -> Vec<&'static str> {
        let marked = |k: &str| self.deductions().any(|d| d == k);
        items()
            .map(|(_, i)| i.key)
            .filter(|k| marked(k) && (lapse(k) == *k || !marked(lapse(k))))
            .collect()
    }

    /// Why `user` (signed in; `None` when nobody is) may not change this review at all,
    /// whatever is typed: not a supervisor or manager, their own call, or another reviewer's
    /// review and not a manager. None when they may.
    pub fn refused_to(&self, user: Option<&Staff>) -> Option<ReviewProblem> {
        if self.withdrawn.is_some() {
            return Some(ReviewProblem::Withdrawn);
        }
        match user {
            Some(r) if may_score(Some(r)) => {
                if r.id == self.staff_id {
                    Some(ReviewProblem::OwnCall)
                } else if r.id != self.reviewer_id && r.role != Role::Manager {
                    Some(ReviewProblem::NotYours)
                } else {
                    None
                }
            }
            _ => Some(ReviewProblem::NotReviewer),
        }
    }

    /// What stops `reviewer` (signed in, `None` when nobody is) saving this review at `now`.
    /// A review is changed only by whoever scored the call, or by a manager.
    pub fn problems(&self, reviewer: Option<&Staff>, now: NaiveDateTime) -> Vec<ReviewProblem> {
        let mut out = Vec::new();
        if self.staff_id.trim().is_empty() {
            out.push(ReviewProblem::NoStaff);
        }
        out.extend(self.refused_to(reviewer));
        if !self.staff_id.is_empty()
            && self.staff_id == self.reviewer_id
            && !out.contains(&ReviewProblem::OwnCall)
        {
            out.push(ReviewProblem::OwnCall);
        }
        if self.call_at > now {
            out.push(ReviewProblem::CallInFuture);
        }
        if call_long_before(self.call_at, self.reviewed_at) {
            out.push(ReviewProblem::CallLongBefore);
        }
        for (keys, kind) in [
            (&self.missed, ItemKind::Standard),
            (&self.faults, ItemKind::Fault),
        ] {
            for k in keys {
                match item(k) {
                    None => out.push(ReviewProblem::UnknownItem(k.clone())),
                    Some((_, i)) if i.kind != kind => out.push(ReviewProblem::WrongKind(k.clone())),
                    Some(_) => {}
                }
            }
        }
        if compliance_unexplained(&self.faults, &self.comment) {
            out.push(ReviewProblem::ComplianceUnexplained);
        }
        out
    }

    /// [`CallReview::problems`], and whether `reviewer` may score `member`'s calls at all
    /// ([`may_score_member`]): what the form checks, with the profile of whose call it is.
    pub fn problems_for(
        &self,
        reviewer: Option<&Staff>,
        member: Option<&Staff>,
        now: NaiveDateTime,
    ) -> Vec<ReviewProblem> {
        let mut out = self.problems(reviewer, now);
        if let (Some(r), Some(m)) = (reviewer, member) {
            if may_score(Some(r)) && r.id != m.id && !may_score_member(Some(r), m) {
                out.push(ReviewProblem::AboveReviewer);
            }
        }
        out
    }

    /// Takes the score back, by `by` (its reviewer or a manager, as for a change) at `now`,
    /// for `reason`: it stays as it was, marked, and counts in no average.
    pub fn withdraw(
        &mut self,
        by: &Staff,
        reason: &str,
        now: NaiveDateTime,
    ) -> Result<(), ReviewProblem> {
        if let Some(p) = self.refused_to(Some(by)) {
            return Err(p);
        }
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(ReviewProblem::NoReason);
        }
        self.withdrawn = Some(Withdrawal {
            by_id: by.id.clone(),
            by: by.name.clone(),
            at: now,
            reason: reason.to_string(),
        });
        Ok(())
    }
}

/// A month as `(year, month)`.
pub type Month = (i32, u32);

pub fn month_of(t: NaiveDateTime) -> Month {
    (t.year(), t.month())
}

/// `n` months ending with `last`, oldest first.
pub fn months_ending(last: Month, n: u32) -> Vec<Month> {
    let (mut y, mut m) = last;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

/// Average and count of some scores (half points).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Average {
    pub sum_halves: u64,
    pub count: u32,
}

impl Average {
    fn add(&mut self, halves: u32) {
        self.sum_halves += u64::from(halves);
        self.count += 1;
    }
    /// The mean in points, None when nothing was scored.
    pub fn points(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_halves as f64 / 2.0 / f64::from(self.count))
    }
}

/// One staff member's scores over the months asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffTrend {
    pub staff_id: String,
    pub name: String,
    /// One per month asked for, in order.
    pub by_month: Vec<Average>,
    /// Over those months.
    pub overall: Average,
}

/// The quality trends over `months` (oldest first): each staff member's average per month
/// (by name, then id), the branch's, and the items most often taken off, most first.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    pub months: Vec<Month>,
    pub staff: Vec<StaffTrend>,
    pub branch: Vec<Average>,
    /// (item key, times taken off), most first, then in the scorecard's order.
    pub frequent: Vec<(&'static str, u32)>,
}

pub fn trends(reviews: &[CallReview], months: &[Month]) -> Trends {
    let mut staff: BTreeMap<&str, StaffTrend> = BTreeMap::new();
    let mut branch = vec![Average::default(); months.len()];
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for r in reviews.iter().filter(|r| r.withdrawn.is_none()) {
        let Some(i) = months.iter().position(|m| *m == month_of(r.call_at)) else {
            continue;
        };
        let score = r.score_halves();
        let t = staff.entry(&r.staff_id).or_insert_with(|| StaffTrend {
            staff_id: r.staff_id.clone(),
            name: r.staff_name.clone(),
            by_month: vec![Average::default(); months.len()],
            overall: Average::default(),
        });
        t.by_month[i].add(score);
        t.overall.add(score);
        branch[i].add(score);
        // One lapse once, whichever column it was marked in: under its standard.
        for k in r.lapses() {
            *counts.entry(lapse(k)).or_default() += 1;
        }
    }
    let mut staff: Vec<StaffTrend> = staff.into_values().collect();
    sort_by(&mut staff, |a, b| {
        a.name.cmp(&b.name).then(a.staff_id.cmp(&b.staff_id))
    });
    let order = |k: &str| items().position(|(_, i)| i.key == k).unwrap_or(usize::MAX);
    let mut frequent: Vec<(&'static str, u32)> = items()
        .filter_map(|(_, i)| counts.get(i.key).map(|n| (i.key, *n)))
        .collect();
    sort_by(&mut frequent, |a, b| {
        b.1.cmp(&a.1).then(order(a.0).cmp(&order(b.0)))
    });
    Trends {
        months: months.to_vec(),
        staff,
        branch,
        frequent,
    }
}

/// A month's call-centre figures (呼叫中心月度指标), one record per month: its id names the
/// month, so two devices entering the same month meet as one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallStats {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// The month's first day.
    pub month: NaiveDate,
    /// Calls that came in (来电总数).
    pub offered: u32,
    /// Of them, hung up before an answer (弃线).
    pub abandoned: u32,
    /// Average wait before an answer, in seconds (平均来电等待时长).
    pub avg_wait_secs: f64,
    /// Complaints about the phone service (电话服务的客户投诉).
    pub complaints: u32,
    pub entered_by: String,
    pub entered_at: NaiveDateTime,
}

impl Record for CallStats {
    const TYPE: &'static str = "call_stats";
}

/// The targets of source 003.
pub const MAX_ABANDON_RATE: f64 = 0.10;
pub const MAX_COMPLAINT_RATE: f64 = 1.0 / 10_000.0;
pub const MAX_AVG_WAIT_SECS: f64 = 30.0;

/// Whether a figure meets its target (None: nothing to judge, e.g. no calls).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    pub value: Option<f64>,
    pub met: Option<bool>,
    /// The target's limit, in the value's units.
    pub limit: f64,
}

impl Judged {
    /// The value times `scale` with `places` decimals, or the few more it takes not to round
    /// onto or across the limit (1,001 of 10,000 abandoned is "10.01", not "10.0" beside 未达标,
    /// nor the "10.1" it was rounded toward its verdict to: QA).
    pub fn shown(&self, scale: f64, places: usize) -> Option<String> {
        self.value
            .map(|v| super::stats::fixed_beside(v * scale, places, &[self.limit * scale]))
    }
}

impl CallStats {
    pub fn id_for(month: NaiveDate) -> String {
        format!("{}:{:04}-{:02}", Self::TYPE, month.year(), month.month())
    }

    /// Why the figures cannot be saved.
    pub fn problems(&self, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |z: &str, e: &str| out.push(if zh { z } else { e }.to_string());
        if self.offered == 0 {
            say("来电总数须大于0", "Calls in must be at least 1");
        }
        if self.abandoned > self.offered {
            say(
                "弃线数不能多于来电总数",
                "Abandoned calls cannot be more than calls in",
            );
        }
        // The rate is per call answered: more complaints than answered calls is a typing slip
        // (it showed 万分之20000).
        if self.abandoned <= self.offered && self.complaints > self.offered - self.abandoned {
            say(
                "投诉数不能多于接通数（来电总数减弃线数）",
                "Complaints cannot be more than calls answered (calls in less abandoned)",
            );
        }
        if !self.avg_wait_secs.is_finite() || !(0.0..=3600.0).contains(&self.avg_wait_secs) {
            say(
                "平均等待时长须在0至3600秒之间",
                "The average wait must be between 0 and 3,600 seconds",
            );
        }
        out
    }

    /// 电话弃线率: abandoned / offered, at most 10%.
    pub fn abandon_rate(&self) -> Judged {
        let value = (self.offered > 0).then(|| f64::from(self.abandoned) / f64::from(self.offered));
        Judged {
            value,
            met: value.map(|v| v <= MAX_ABANDON_RATE),
            limit: MAX_ABANDON_RATE,
        }
    }

    /// 电话服务的客户投诉率: complaints per answered call, below 1 in 10,000.
    pub fn complaint_rate(&self) -> Judged {
        let answered = self.offered.saturating_sub(self.abandoned);
        let value = (answered > 0).then(|| f64::from(self.complaints) / f64::from(answered));
        Judged {
            value,
            met: value.map(|v| v < MAX_COMPLAINT_RATE),
            limit: MAX_COMPLAINT_RATE,
        }
    }

    /// 平均来电等待时长, under 30 seconds.
    pub fn wait(&self) -> Judged {
        Judged {
            value: Some(self.avg_wait_secs),
            met: Some(self.avg_wait_secs < MAX_AVG_WAIT_SECS),
            limit: MAX_AVG_WAIT_SECS,
        }
    }
}

/// Reviews newest call first (then newest id), for the list.
pub fn newest_first(reviews: &mut [CallReview]) {
    sort_by(reviews, |a, b| {
        b.call_at.cmp(&a.call_at).then(b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn staff(id: &str, role: Role) -> Staff {
        Staff {
            id: id.into(),
            rev: None,
            name: id.into(),
            role,
            pin_hash: crate::domain::staff::hash_pin("2468", b"s", 1),
            active: true,
        }
    }

    fn review(
        staff_id: &str,
        call_at: NaiveDateTime,
        missed: &[&str],
        faults: &[&str],
    ) -> CallReview {
        CallReview {
            id: format!("call_review:{staff_id}{call_at}"),
            rev: None,
            staff_id: staff_id.into(),
            staff_name: staff_id.to_uppercase(),
            reviewer_id: "sup".into(),
            reviewer_name: "SUP".into(),
            call_at,
            call_ref: String::new(),
            missed: missed.iter().map(|s| s.to_string()).collect(),
            faults: faults.iter().map(|s| s.to_string()).collect(),
            comment: String::new(),
            reviewed_at: at(20, 12),
            changed_by: None,
            changed_at: None,
            withdrawn: None,
        }
    }

    /// A supervisor checks specialists' calls; a manager scores anyone's but their own.
    #[test]
    fn a_supervisor_scores_specialists_and_a_manager_anyone() {
        let (spec, sup, sup2, mgr, mgr2) = (
            staff("spec", Role::Specialist),
            staff("sup", Role::Supervisor),
            staff("sup2", Role::Supervisor),
            staff("mgr", Role::Manager),
            staff("mgr2", Role::Manager),
        );
        assert!(may_score_member(Some(&sup), &spec));
        assert!(!may_score_member(Some(&sup), &sup2));
        assert!(!may_score_member(Some(&sup), &mgr));
        assert!(may_score_member(Some(&mgr), &sup));
        assert!(may_score_member(Some(&mgr), &mgr2));
        assert!(!may_score_member(Some(&mgr), &mgr));
        assert!(!may_score_member(Some(&spec), &spec));
        assert!(!may_score_member(None, &spec));
        let now = at(20, 12);
        let r = review("sup2", at(3, 10), &[], &[]);
        assert_eq!(
            r.problems_for(Some(&sup), Some(&sup2), now),
            vec![ReviewProblem::AboveReviewer]
        );
        let r = review("mgr2", at(3, 10), &[], &[]);
        assert_eq!(
            r.problems_for(Some(&sup), Some(&mgr2), now),
            vec![ReviewProblem::AboveReviewer]
        );
        assert!(r.problems_for(Some(&mgr), Some(&mgr2), now).is_empty());
        let r = review("spec", at(3, 10), &[], &[]);
        assert!(r.problems_for(Some(&sup), Some(&spec), now).is_empty());
        // A call typed a century back is refused; measured from the review's own time, an
        // edit of a review of long ago is not.
        let mut old = review("spec", at(3, 10), &[], &[]);
        old.call_at = NaiveDate::from_ymd_opt(1900, 11, 3)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(
            old.problems(Some(&sup), now),
            vec![ReviewProblem::CallLongBefore]
        );
        let mut kept = review("spec", at(3, 10), &[], &[]);
        kept.reviewed_at = at(5, 9) - chrono::Duration::days(700);
        kept.call_at = at(3, 10) - chrono::Duration::days(700);
        assert!(kept.problems(Some(&sup), now).is_empty());
        // Their own call is said once, as before.
        let r = review("sup", at(3, 10), &[], &[]);
        assert_eq!(
            r.problems_for(Some(&sup), Some(&sup), now),
            vec![ReviewProblem::OwnCall]
        );
    }

    #[test]
    fn the_scorecard_is_the_sources_eight_groups_of_distinct_items() {
        assert_eq!(SCORECARD.len(), 8);
        let keys: Vec<&str> = items().map(|(_, i)| i.key).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "item keys are unique");
        for (g, i) in items() {
            assert!(
                i.key.starts_with(&format!("{}.", g.key)),
                "{} in {}",
                i.key,
                g.key
            );
            assert!(!i.zh.is_empty() && !i.en.is_empty());
        }
        // Each group has standards and faults, as the source's table does.
        for g in &SCORECARD {
            assert!(
                g.items.iter().any(|i| i.kind == ItemKind::Standard),
                "{}",
                g.key
            );
            assert!(
                g.items.iter().any(|i| i.kind == ItemKind::Fault),
                "{}",
                g.key
            );
        }
        // More items than 60 half points: a call that misses everything scores 0, not less.
        assert!(keys.len() > FULL_HALVES as usize);
    }

    #[test]
    fn the_groups_figures_add_up_to_what_the_call_lost() {
        let owned = |v: &[&str]| v.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        let of_kind = |kind| {
            items()
                .filter(|(_, i)| i.kind == kind)
                .map(|(_, i)| i.key)
                .collect::<Vec<_>>()
        };
        let greeting = &SCORECARD[0];
        // 有准备 not met and 没有准备，仓促 shown: one lapse, half a point, in the group too
        // (the group read −1 beside a score of 29.5: QA).
        let (m, f) = (owned(&["greeting.prepared"]), owned(&["greeting.rushed"]));
        assert_eq!(score_halves(&m, &f), 59);
        assert_eq!(group_halves(greeting, &m, &f), 1);
        assert_eq!(group_halves(&SCORECARD[1], &m, &f), 0);
        for (m, f) in [
            (of_kind(ItemKind::Standard), of_kind(ItemKind::Fault)),
            (vec![], of_kind(ItemKind::Fault)),
            (of_kind(ItemKind::Standard), vec![]),
            (
                vec!["care.address", "listening.key"],
                vec!["care.address_misused", "greeting.mumbled"],
            ),
        ] {
            let (m, f) = (owned(&m), owned(&f));
            let groups: u32 = SCORECARD.iter().map(|g| group_halves(g, &m, &f)).sum();
            assert_eq!(groups, FULL_HALVES - score_halves(&m, &f));
        }
        // Which standard a fault repeats, and back.
        assert_eq!(
            same_lapse_standard("greeting.rushed"),
            Some("greeting.prepared")
        );
        assert_eq!(
            same_lapse_fault("greeting.prepared"),
            Some("greeting.rushed")
        );
        assert_eq!(same_lapse_standard("greeting.prepared"), None);
    }

    #[test]
    fn a_call_scores_thirty_less_half_a_point_per_item() {
        let r = review("a", at(3, 10), &[], &[]);
        assert_eq!(r.score_halves(), 60);
        assert_eq!(points(r.score_halves()), "30");
        let r = review(
            "a",
            at(3, 10),
            &["greeting.warm", "closing.thanks"],
            &["listening.careless"],
        );
        assert_eq!(r.score_halves(), 57);
        assert_eq!(points(57), "28.5");
        // A key marked twice counts once.
        let r = review("a", at(3, 10), &["greeting.warm", "greeting.warm"], &[]);
        assert_eq!(r.score_halves(), 59);
        let all_standards: Vec<&str> = items()
            .filter(|(_, i)| i.kind == ItemKind::Standard)
            .map(|(_, i)| i.key)
            .collect();
        let all_faults: Vec<&str> = items()
            .filter(|(_, i)| i.kind == ItemKind::Fault)
            .map(|(_, i)| i.key)
            .collect();
        // Every item at once: 67 lines, 11 of them faults that repeat a standard's lapse, so
        // 56 lapses (the source's "共计30分" counts 60 half points).
        let r = review("a", at(3, 10), &all_standards, &all_faults);
        assert_eq!(r.score_halves(), 4);
        // A lapse marked in both columns is taken off once; two different ones twice.
        let r = review(
            "a",
            at(3, 10),
            &["greeting.standard"],
            &["greeting.no_standard"],
        );
        assert_eq!(r.score_halves(), 59);
        let r = review("a", at(3, 10), &[], &["greeting.no_standard"]);
        assert_eq!(r.score_halves(), 59);
        let r = review(
            "a",
            at(3, 10),
            &["greeting.standard"],
            &["greeting.mumbled"],
        );
        assert_eq!(r.score_halves(), 58);
        // A voice not clear and speech marked indistinct, a mood not kept up and mood swings:
        // one lapse each, whichever column (before, each pair took off a whole point).
        for (missed, fault) in [
            ("greeting.voice", "greeting.mumbled"),
            ("attitude.upbeat", "attitude.moody"),
        ] {
            assert_eq!(
                review("a", at(3, 10), &[missed], &[fault]).score_halves(),
                59
            );
            assert_eq!(review("a", at(3, 10), &[missed], &[]).score_halves(), 59);
            assert_eq!(review("a", at(3, 10), &[], &[fault]).score_halves(), 59);
        }
        // Each pair is a fault and a standard of one group.
        for (f, st) in SAME_LAPSE {
            let (gf, fi) = item(f).unwrap();
            let (gs, si) = item(st).unwrap();
            assert_eq!(
                (gf.key, fi.kind, si.kind),
                (gs.key, ItemKind::Fault, ItemKind::Standard),
                "{f}"
            );
        }
    }

    #[test]
    fn only_a_supervisor_or_manager_scores_and_not_their_own_call() {
        let now = at(20, 12);
        let r = review("a", at(3, 10), &[], &[]);
        assert!(r
            .problems(Some(&staff("sup", Role::Supervisor)), now)
            .is_empty());
        assert!(r
            .problems(Some(&staff("mgr", Role::Manager)), now)
            .is_empty());
        assert_eq!(
            r.problems(Some(&staff("spec", Role::Specialist)), now),
            vec![ReviewProblem::NotReviewer]
        );
        assert_eq!(r.problems(None, now), vec![ReviewProblem::NotReviewer]);
        let mut gone = staff("sup", Role::Supervisor);
        gone.active = false;
        assert_eq!(
            r.problems(Some(&gone), now),
            vec![ReviewProblem::NotReviewer]
        );
        // A review whose reviewer is the staff member scored, whoever saves it.
        let mut to_self = r.clone();
        to_self.staff_id = "sup".into();
        assert_eq!(
            to_self.problems(Some(&staff("mgr", Role::Manager)), now),
            vec![ReviewProblem::OwnCall]
        );
        assert_eq!(
            r.refused_to(Some(&staff("sup2", Role::Supervisor))),
            Some(ReviewProblem::NotYours)
        );
        assert_eq!(r.refused_to(Some(&staff("mgr", Role::Manager))), None);
        assert_eq!(
            r.refused_to(Some(&staff("a", Role::Manager))),
            Some(ReviewProblem::OwnCall)
        );
        let mut own = r.clone();
        own.reviewer_id = "a".into();
        assert_eq!(
            own.problems(Some(&staff("a", Role::Supervisor)), now),
            vec![ReviewProblem::OwnCall]
        );
        let blank = review("", at(3, 10), &[], &[]);
        assert_eq!(
            blank.problems(Some(&staff("sup", Role::Supervisor)), now),
            vec![ReviewProblem::NoStaff]
        );
        let future = review("a", at(21, 9), &[], &[]);
        assert_eq!(
            future.problems(Some(&staff("sup", Role::Supervisor)), now),
            vec![ReviewProblem::CallInFuture]
        );
    }

    #[test]
    fn items_must_be_known_in_their_column_and_a_compliance_fault_explained() {
        let now = at(20, 12);
        let sup = staff("sup", Role::Supervisor);
        let r = review(
            "a",
            at(3, 10),
            &["nope", "attitude.rude"],
            &["greeting.warm"],
        );
        assert_eq!(
            r.problems(Some(&sup), now),
            vec![
                ReviewProblem::UnknownItem("nope".into()),
                ReviewProblem::WrongKind("attitude.rude".into()),
                ReviewProblem::WrongKind("greeting.warm".into()),
            ]
        );
        let mut r = review("a", at(3, 10), &[], &["closing.wrong_number"]);
        assert_eq!(
            r.problems(Some(&sup), now),
            vec![ReviewProblem::ComplianceUnexplained]
        );
        r.comment = "把内部专线号码告诉了客户".into();
        assert!(r.problems(Some(&sup), now).is_empty());
        // An ordinary fault needs no comment.
        let r = review("a", at(3, 10), &[], &["attitude.jargon"]);
        assert!(r.problems(Some(&sup), now).is_empty());
        for p in [ReviewProblem::NoStaff, ReviewProblem::ComplianceUnexplained] {
            assert!(!p.text(true).is_empty() && p.text(false).is_ascii());
        }
    }

    #[test]
    fn trends_average_each_staff_members_month_and_rank_what_is_taken_off() {
        let months = months_ending((2026, 11), 3);
        assert_eq!(months, vec![(2026, 9), (2026, 10), (2026, 11)]);
        assert_eq!(
            months_ending((2026, 2), 3),
            vec![(2025, 12), (2026, 1), (2026, 2)]
        );
        let oct = NaiveDate::from_ymd_opt(2026, 10, 9)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let old = NaiveDate::from_ymd_opt(2026, 1, 9)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let reviews = vec![
            review("b", at(3, 10), &["greeting.warm"], &[]), // 59
            review("b", at(4, 10), &["greeting.warm"], &["control.lost"]), // 58
            review("a", oct, &[], &["control.lost"]),        // 59
            review("a", at(5, 10), &[], &[]),                // 60
            review("a", old, &["closing.thanks"], &[]),      // outside
        ];
        let t = trends(&reviews, &months);
        assert_eq!(t.staff.len(), 2);
        assert_eq!(t.staff[0].staff_id, "a", "by name: A before B");
        assert_eq!(t.staff[0].by_month[0].points(), None);
        assert_eq!(t.staff[0].by_month[1].points(), Some(29.5));
        assert_eq!(t.staff[0].by_month[2].points(), Some(30.0));
        assert_eq!(t.staff[0].overall.count, 2);
        assert_eq!(t.staff[1].by_month[2].points(), Some(29.25));
        assert_eq!(t.branch[2].count, 3);
        assert_eq!(t.branch[2].sum_halves, 59 + 58 + 60);
        // control.lost (the lapse of control.steers) twice, greeting.warm twice: scorecard
        // order breaks the tie.
        assert_eq!(
            t.frequent,
            vec![("greeting.warm", 2), ("control.steers", 2)]
        );
    }

    #[test]
    fn a_lapse_marked_in_both_columns_is_taken_off_and_counted_once() {
        let months = months_ending((2026, 11), 1);
        // The standard and the fault that is its opposite, both marked; and the fault alone.
        let both = review(
            "a",
            at(3, 10),
            &["greeting.voice", "action.compliant"],
            &["greeting.mumbled", "control.lost"],
        );
        assert_eq!(both.score_halves(), 57);
        assert_eq!(
            both.lapses(),
            vec!["greeting.voice", "action.compliant", "control.lost"]
        );
        let fault_alone = review("b", at(4, 10), &[], &["greeting.mumbled"]);
        assert_eq!(fault_alone.lapses(), vec!["greeting.mumbled"]);
        let t = trends(&[both, fault_alone], &months);
        assert_eq!(
            t.frequent,
            vec![
                ("greeting.voice", 2),
                ("action.compliant", 1),
                ("control.steers", 1)
            ]
        );
        assert_eq!(same_lapse_fault("greeting.voice"), Some("greeting.mumbled"));
        assert_eq!(same_lapse_fault("greeting.mumbled"), None);
    }

    #[test]
    fn figures_are_shown_without_contradicting_their_verdict() {
        // Near a limit, the decimals it takes not to round onto it or across (QA: 10.01% was
        // rounded toward its verdict to "10.1%", 29.96 s to "29.9 s", 1.111 in 10,000 to 1.12).
        let judged = |value: f64, limit: f64| Judged {
            value: Some(value),
            met: None,
            limit,
        };
        let shown = |j: Judged, scale, places| j.shown(scale, places).unwrap();
        assert_eq!(shown(judged(0.1001, 0.1), 100.0, 1), "10.01");
        assert_eq!(shown(judged(0.100_009, 0.1), 100.0, 1), "10.001");
        assert_eq!(shown(judged(0.1, 0.1), 100.0, 1), "10.0");
        assert_eq!(shown(judged(2000.0 / 20000.0, 0.1), 100.0, 1), "10.0");
        assert_eq!(shown(judged(0.0867, 0.1), 100.0, 1), "8.7");
        assert_eq!(shown(judged(29.96, 30.0), 1.0, 1), "29.96");
        assert_eq!(shown(judged(30.0, 30.0), 1.0, 1), "30.0");
        let per_10k = |complaints: f64, answered: f64| {
            shown(judged(complaints / answered, 1.0 / 10_000.0), 10_000.0, 2)
        };
        assert_eq!(per_10k(1.0, 9000.0), "1.11");
        assert_eq!(per_10k(1.0, 10_001.0), "0.9999");
        assert_eq!(per_10k(1.0, 10_000.0), "1.00");
        assert_eq!(average_text(14.25), "14.25");
        assert_eq!(average_text(28.5), "28.5");
        assert_eq!(average_text(30.0), "30");
        assert_eq!(average_text(29.75), "29.75");
    }

    #[test]
    fn call_stats_are_judged_against_the_sources_targets() {
        let month = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut s = CallStats {
            id: CallStats::id_for(month),
            rev: None,
            month,
            offered: 20_000,
            abandoned: 2_000,
            avg_wait_secs: 29.9,
            complaints: 1,
            entered_by: "sup".into(),
            entered_at: at(30, 18),
        };
        assert_eq!(s.id, "call_stats:2026-11");
        assert!(s.problems(true).is_empty());
        assert_eq!(s.abandon_rate().met, Some(true), "10% is allowed");
        assert_eq!(s.complaint_rate().met, Some(true), "1 in 18,000");
        assert_eq!(s.wait().met, Some(true));
        s.abandoned = 2_001;
        assert_eq!(s.abandon_rate().met, Some(false));
        s.complaints = 2; // 2 in 17,999: over 1 in 10,000
        assert_eq!(s.complaint_rate().met, Some(false));
        s.avg_wait_secs = 30.0;
        assert_eq!(s.wait().met, Some(false), "under 30 s, so 30 s misses");
        s.offered = 0;
        s.abandoned = 0;
        s.complaints = 0;
        assert_eq!(s.abandon_rate().value, None);
        assert_eq!(s.complaint_rate().met, None);
        assert_eq!(s.problems(false), vec!["Calls in must be at least 1"]);
        s.offered = 10;
        s.abandoned = 11;
        s.avg_wait_secs = f64::NAN;
        assert_eq!(s.problems(true).len(), 2);
    }

    #[test]
    fn the_answer_accuracy_items_are_the_scorecards_and_in_their_columns() {
        let kinds: Vec<ItemKind> = ANSWER_ACCURACY_KEYS
            .iter()
            .map(|k| item(k).expect("an item of the scorecard").1.kind)
            .collect();
        use ItemKind::{Fault, Standard};
        assert_eq!(kinds, [Standard, Standard, Fault, Fault, Fault]);
        // A call taken off for its manner only answered accurately; one that gave the
        // system's information wrongly did not, whichever column the reviewer marked.
        let manner = review("a", at(3, 10), &["greeting.warm"], &["attitude.jargon"]);
        assert!(accuracy_deductions(&manner).is_empty());
        let as_standard = review("a", at(3, 10), &["action.system_info"], &[]);
        let as_fault = review(
            "a",
            at(3, 10),
            &[],
            &["action.wrong_info", "action.misapplied"],
        );
        assert_eq!(accuracy_deductions(&as_standard), ["action.system_info"]);
        assert_eq!(
            accuracy_deductions(&as_fault),
            ["action.misapplied", "action.wrong_info"]
        );
    }

    #[test]
    fn a_withdrawn_score_is_kept_with_its_reason_and_counts_in_no_average() {
        let now = at(20, 12);
        let months = [(2026, 11)];
        let kept = review("a", at(3, 10), &["greeting.warm"], &[]);
        let mut wrong = review("a", at(4, 10), &[], &["listening.careless"]);
        wrong.id.push('2');
        // Only its reviewer or a manager, with a reason.
        let sup = staff("sup", Role::Supervisor);
        assert_eq!(
            wrong
                .clone()
                .withdraw(&staff("sup2", Role::Supervisor), "打错了人", now),
            Err(ReviewProblem::NotYours)
        );
        assert_eq!(
            wrong
                .clone()
                .withdraw(&staff("spec", Role::Specialist), "打错了人", now),
            Err(ReviewProblem::NotReviewer)
        );
        assert_eq!(
            wrong
                .clone()
                .withdraw(&staff("a", Role::Manager), "打错了人", now),
            Err(ReviewProblem::OwnCall)
        );
        assert_eq!(
            wrong.clone().withdraw(&sup, "  错  ", now),
            Err(ReviewProblem::NoReason)
        );
        assert!(wrong
            .clone()
            .withdraw(&staff("mgr", Role::Manager), "录音不是这位员工的", now)
            .is_ok());
        let both = trends(&[kept.clone(), wrong.clone()], &months);
        assert_eq!(both.branch[0].count, 2);
        wrong.withdraw(&sup, " 录音不是这位员工的 ", now).unwrap();
        let w = wrong.withdrawn.clone().unwrap();
        assert_eq!((w.by_id.as_str(), w.by.as_str(), w.at), ("sup", "sup", now));
        assert_eq!(w.reason, "录音不是这位员工的");
        // Kept as scored, in no average and no count of items taken off.
        assert_eq!(wrong.score_halves(), 59);
        let t = trends(&[kept.clone(), wrong.clone()], &months);
        assert_eq!(t.branch[0].count, 1);
        assert_eq!(t.staff[0].overall.sum_halves, 59);
        assert_eq!(t.frequent, vec![("greeting.warm", 1)]);
        // Not changed, nor withdrawn again, by anyone.
        assert_eq!(
            wrong.refused_to(Some(&staff("mgr", Role::Manager))),
            Some(ReviewProblem::Withdrawn)
        );
        assert!(wrong
            .problems(Some(&sup), now)
            .contains(&ReviewProblem::Withdrawn));
        assert_eq!(
            wrong.clone().withdraw(&sup, "再撤一次看看", now),
            Err(ReviewProblem::Withdrawn)
        );
        // Stored and read back; a review stored before withdrawals reads as not withdrawn.
        let text = serde_json::to_string(&wrong).unwrap();
        assert_eq!(serde_json::from_str::<CallReview>(&text).unwrap(), wrong);
        let old = serde_json::to_value(&kept).unwrap();
        assert!(old.get("withdrawn").is_none());
        assert_eq!(
            serde_json::from_value::<CallReview>(old).unwrap().withdrawn,
            None
        );
    }
}
