//! Satisfaction surveys (满意度调查): survey definitions with their versions, responses,
//! response validation, the low-score follow-up rule and the lobby kiosk's configuration.
//!
//! Times here are the branch's local wall-clock time (`NaiveDateTime`), as the kiosk's
//! opening hours and the daily result buckets are.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::Record;

/// A text meant for users, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in the chosen language (`zh == true` for Chinese), or in the other language
    /// when the chosen one is blank: a survey saved with one language only (before the
    /// builder asked for both, or synced from elsewhere) never shows a customer a blank.
    pub fn get(&self, zh: bool) -> &str {
        let (want, other) = if zh {
            (&self.zh, &self.en)
        } else {
            (&self.en, &self.zh)
        };
        if want.trim().is_empty() {
            other
        } else {
            want
        }
    }

    /// Which languages the text is missing in: `None` when it has both, else the words for
    /// what is missing ("Chinese", "English" or both) in the UI language.
    fn missing(&self, zh: bool) -> Option<Missing> {
        match (self.zh.trim().is_empty(), self.en.trim().is_empty()) {
            (false, false) => None,
            (true, true) => Some(Missing::Both),
            (true, false) => Some(Missing::Lang(pick(zh, "中文", "Chinese"))),
            (false, true) => Some(Missing::Lang(pick(zh, "英文", "English"))),
        }
    }
}

/// What [`Text::missing`] found.
enum Missing {
    Both,
    /// The name of the one missing language.
    Lang(&'static str),
}

/// How the questions are laid out for the respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SurveyMode {
    /// One question per screen (kiosk and phones).
    #[default]
    OnePerScreen,
    /// All questions on one page.
    OnePage,
}

impl SurveyMode {
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (SurveyMode::OnePerScreen, true) => "每屏一题",
            (SurveyMode::OnePerScreen, false) => "One question per screen",
            (SurveyMode::OnePage, true) => "整页作答",
            (SurveyMode::OnePage, false) => "All on one page",
        }
    }
}

/// A group of questions measuring one dimension (e.g. attitude); its weight counts in the CSI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub id: String,
    pub name: Text,
    /// Relative weight in the CSI (any non-negative number; normalised over the scales
    /// that have data).
    pub weight: f64,
}

/// One option of a choice question; answers refer to the option's id, so options can be
/// relabelled without breaking old answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum QuestionKind {
    /// 1 (very dissatisfied / strongly disagree) … 5 (very satisfied / strongly agree).
    Likert5,
    /// 0 … 10, "how likely are you to recommend us".
    Nps,
    /// Five smileys, 1 (very unhappy) … 5 (very happy).
    CsatFaces,
    SingleChoice {
        options: Vec<ChoiceOption>,
    },
    MultipleChoice {
        options: Vec<ChoiceOption>,
    },
    FreeText {
        max_len: Option<u32>,
    },
}

impl QuestionKind {
    /// The inclusive range of a numeric question, `None` for choice and text questions.
    pub fn range(&self) -> Option<(u8, u8)> {
        match self {
            QuestionKind::Likert5 | QuestionKind::CsatFaces => Some((1, 5)),
            QuestionKind::Nps => Some((0, 10)),
            _ => None,
        }
    }

    /// Likert and CSAT faces: the 1–5 satisfaction items that feed CSAT and the CSI.
    pub fn is_satisfaction_item(&self) -> bool {
        matches!(self, QuestionKind::Likert5 | QuestionKind::CsatFaces)
    }

    pub fn label(&self, zh: bool) -> &'static str {
        match (self, zh) {
            (QuestionKind::Likert5, true) => "五级量表",
            (QuestionKind::Likert5, false) => "Likert (5 points)",
            (QuestionKind::Nps, true) => "推荐度（0–10）",
            (QuestionKind::Nps, false) => "NPS (0–10)",
            (QuestionKind::CsatFaces, true) => "表情评分",
            (QuestionKind::CsatFaces, false) => "Smiley faces",
            (QuestionKind::SingleChoice { .. }, true) => "单选",
            (QuestionKind::SingleChoice { .. }, false) => "Single choice",
            (QuestionKind::MultipleChoice { .. }, true) => "多选",
            (QuestionKind::MultipleChoice { .. }, false) => "Multiple choice",
            (QuestionKind::FreeText { .. }, true) => "文字意见",
            (QuestionKind::FreeText { .. }, false) => "Free text",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within a survey across versions when the question's meaning is unchanged.
    pub id: String,
    pub text: Text,
    pub kind: QuestionKind,
    pub required: bool,
    /// The scale this question belongs to, if any.
    #[serde(default)]
    pub scale: Option<String>,
}

/// The definition of a survey as it was at one version, kept when a survey that already
/// has responses is edited, so the old responses can still be read and counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyVersion {
    pub version: u32,
    pub title: Text,
    pub mode: SurveyMode,
    pub scales: Vec<Scale>,
    pub questions: Vec<Question>,
    #[serde(default)]
    pub csat_question: Option<String>,
}

/// A survey definition (问卷).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub title: Text,
    /// Starts at 1; bumped by [`Survey::edit`] when responses to the current version exist.
    pub version: u32,
    /// Journey stage id (see `journey`) the survey asks about, if any.
    #[serde(default)]
    pub stage: Option<String>,
    /// Touchpoint id within the stage, if any.
    #[serde(default)]
    pub touchpoint: Option<String>,
    pub mode: SurveyMode,
    pub scales: Vec<Scale>,
    pub questions: Vec<Question>,
    /// The question CSAT is computed from. When `None`, CSAT counts every Likert and
    /// smiley answer of the survey.
    #[serde(default)]
    pub csat_question: Option<String>,
    /// Definitions of earlier versions, oldest first.
    #[serde(default)]
    pub previous_versions: Vec<SurveyVersion>,
    /// When staff stopped collecting answers (停止收集), if they have: the link, the QR code
    /// and a kiosk then say the survey has ended and offer no form. Not part of the
    /// definition: stopping or collecting again keeps the version ([`Survey::stopped`],
    /// [`Survey::resumed`]), and an edit of the questions leaves it as it is. Absent in older
    /// records (collecting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<NaiveDateTime>,
    /// Who last saved the survey (its questions, or a stop or a resumption of collecting),
    /// and when. Not part of the definition: an edit takes it from the save, not from the
    /// draft. Absent in older records and on the ready-made survey added with nobody signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<Changed>,
}

/// Who saved a record last, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// The staff member's name as it was then.
    pub by: String,
    pub at: NaiveDateTime,
}

impl Record for Survey {
    const TYPE: &'static str = "survey";
}

impl Survey {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }

    /// Questions of a scale, in survey order.
    pub fn scale_questions<'a>(&'a self, scale_id: &'a str) -> impl Iterator<Item = &'a Question> {
        self.questions
            .iter()
            .filter(move |q| q.scale.as_deref() == Some(scale_id))
    }

    /// The current definition as a [`SurveyVersion`].
    pub fn current_version(&self) -> SurveyVersion {
        SurveyVersion {
            version: self.version,
            title: self.title.clone(),
            mode: self.mode,
            scales: self.scales.clone(),
            questions: self.questions.clone(),
            csat_question: self.csat_question.clone(),
        }
    }

    /// The survey as it was at `version` (the current one or a kept earlier one).
    pub fn at_version(&self, version: u32) -> Option<Survey> {
        if version == self.version {
            return Some(self.clone());
        }
        let old = self
            .previous_versions
            .iter()
            .find(|v| v.version == version)?;
        Some(Survey {
            title: old.title.clone(),
            version: old.version,
            mode: old.mode,
            scales: old.scales.clone(),
            questions: old.questions.clone(),
            csat_question: old.csat_question.clone(),
            previous_versions: Vec::new(),
            ..self.clone()
        })
    }

    /// Whether the survey takes new answers (from a link, a QR code or a kiosk). A stopped
    /// survey keeps every response it has; answers given before the stop and still on their
    /// way (waiting on a phone or a kiosk) are still delivered and counted.
    pub fn collecting(&self) -> bool {
        self.stopped_at.is_none()
    }

    /// The survey with collecting stopped at `at` (a survey already stopped keeps its time).
    /// Nothing else changes: not the version, nor the questions.
    pub fn stopped(&self, at: NaiveDateTime) -> Survey {
        Survey {
            stopped_at: Some(self.stopped_at.unwrap_or(at)),
            ..self.clone()
        }
    }

    /// The survey as saved by `by` at `at` (the name shown as its last change).
    pub fn saved_by(self, by: &str, at: NaiveDateTime) -> Survey {
        Survey {
            changed: Some(Changed {
                by: by.to_string(),
                at,
            }),
            ..self
        }
    }

    /// The survey collecting answers again, as it was otherwise (same version).
    pub fn resumed(&self) -> Survey {
        Survey {
            stopped_at: None,
            ..self.clone()
        }
    }

    /// Applies an edit. The result keeps this survey's id, revision and kept versions.
    /// When responses to the current version exist (`has_responses`) and the content
    /// changed, the current definition is kept in `previous_versions` and the version is
    /// bumped, so existing responses stay attached to the definition they answered.
    /// Without responses the edit replaces the current version in place.
    pub fn edit(&self, new: Survey, has_responses: bool) -> Survey {
        let mut out = Survey {
            id: self.id.clone(),
            rev: self.rev.clone(),
            version: self.version,
            previous_versions: self.previous_versions.clone(),
            // Stopping is not an edit: a save of the questions neither stops nor resumes.
            stopped_at: self.stopped_at,
            // Who saves is the saver's to say, not the draft's.
            changed: self.changed.clone(),
            ..new
        };
        // `out` already carries this survey's version number, so this compares content only:
        // what the answers mean (questions, scales, the CSAT question, where in the journey).
        // A new title or layout (one page, or a question at a time) asks nothing new, and
        // makes no new version for the answers given to leave behind.
        let asked = |s: &Survey| SurveyVersion {
            title: Text::default(),
            mode: SurveyMode::OnePage,
            ..s.current_version()
        };
        let changed = asked(&out) != asked(self)
            || out.stage != self.stage
            || out.touchpoint != self.touchpoint;
        if has_responses && changed {
            out.previous_versions.push(self.current_version());
            out.version = self.version + 1;
        }
        out
    }

    /// An edit made on `base` (`self`, as typed) taken over `newer`, the revision saved since
    /// (another tab or device): what the edit changed from `base` is applied to `newer`, and
    /// what it left alone keeps `newer`'s value. Compared field by field (objects down to
    /// their leaves, lists as a whole), so a colleague's new title and this edit of a question
    /// both stay; where both changed the same field, this edit's is kept.
    pub fn rebase(&self, base: &Survey, newer: &Survey) -> Survey {
        let as_value = |s: &Survey| serde_json::to_value(s).unwrap_or_default();
        let merged = merge_changes(&as_value(newer), &as_value(base), &as_value(self));
        serde_json::from_value(merged).unwrap_or_else(|_| newer.clone())
    }

    /// Problems in the definition itself (for the survey builder), as sentences.
    pub fn definition_problems(&self, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        match self.title.missing(zh) {
            None => {}
            Some(Missing::Both) => {
                out.push(pick(zh, "问卷标题不能为空", "The survey needs a title").to_string())
            }
            Some(Missing::Lang(l)) => out.push(if zh {
                format!("问卷标题缺少{l}")
            } else {
                format!("The survey title has no {l} text")
            }),
        }
        if self.questions.is_empty() {
            out.push(
                pick(
                    zh,
                    "问卷至少需要一道题",
                    "The survey needs at least one question",
                )
                .into(),
            );
        }
        for (i, q) in self.questions.iter().enumerate() {
            let n = i + 1;
            if !seen.insert(q.id.as_str()) {
                out.push(if zh {
                    format!("第{n}题的编号与前面的题目重复")
                } else {
                    format!("Question {n} has the same id as an earlier question")
                });
            }
            match q.text.missing(zh) {
                None => {}
                Some(Missing::Both) => out.push(if zh {
                    format!("第{n}题缺少题目文字")
                } else {
                    format!("Question {n} has no text")
                }),
                Some(Missing::Lang(l)) => out.push(if zh {
                    format!("第{n}题缺少{l}题目文字")
                } else {
                    format!("Question {n} has no {l} text")
                }),
            }
            if let QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options } = &q.kind
            {
                if options.len() < 2 {
                    out.push(if zh {
                        format!("第{n}题至少需要两个选项")
                    } else {
                        format!("Question {n} needs at least two options")
                    });
                }
                option_problems(zh, n, options, &mut out);
            }
            if let Some(s) = &q.scale {
                if self.scale(s).is_none() {
                    out.push(if zh {
                        format!("第{n}题所属的维度不存在")
                    } else {
                        format!("Question {n} belongs to a scale that does not exist")
                    });
                }
                // A group's mean and alpha are of 1–5 answers: a 0–10 recommendation in one
                // gave a mean of 5.50 "on 1–5" (QA).
                if q.kind.range() != Some((1, 5)) {
                    out.push(if zh {
                        format!("第{n}题不是1–5分的题，不能归入维度（维度的均值和信度按1–5分计算）")
                    } else {
                        format!("Question {n} is not scored 1–5 and cannot be in a scale (a scale's mean and reliability are on 1–5)")
                    });
                }
            }
        }
        // The index weighs the groups: with every weight 0 it has nothing to weigh, and the
        // results showed "—" with no word why (QA).
        if !self.scales.is_empty() && self.scales.iter().map(|s| s.weight).sum::<f64>() <= 0.0 {
            out.push(
                pick(
                    zh,
                    "维度的权重不能全为0（CSI 按权重计算）",
                    "The scales' weights cannot all be 0 (the CSI is weighted by them)",
                )
                .into(),
            );
        }
        for s in &self.scales {
            if !(s.weight.is_finite() && s.weight >= 0.0) {
                out.push(if zh {
                    format!("维度“{}”的权重须为非负数", s.name.zh)
                } else {
                    format!(
                        "The weight of scale “{}” must be a non-negative number",
                        s.name.en
                    )
                });
            }
        }
        out
    }
}

/// Blank labels (in either language) and labels used twice (in either language, ignoring
/// spaces around and letter case) among the options of question `n`.
fn option_problems(zh: bool, n: usize, options: &[ChoiceOption], out: &mut Vec<String>) {
    let norm = |s: &str| s.trim().to_lowercase();
    for (j, o) in options.iter().enumerate() {
        let m = j + 1;
        match o.label.missing(zh) {
            None => {}
            Some(Missing::Both) => out.push(if zh {
                format!("第{n}题的选项{m}没有文字")
            } else {
                format!("Question {n}: option {m} has no label")
            }),
            Some(Missing::Lang(l)) => out.push(if zh {
                format!("第{n}题的选项{m}缺少{l}")
            } else {
                format!("Question {n}: option {m} has no {l} label")
            }),
        }
        // The first earlier option with the same label, in Chinese or else in English.
        let same = [(&o.label.zh, true), (&o.label.en, false)]
            .into_iter()
            .filter(|(l, _)| !l.trim().is_empty())
            .find_map(|(l, in_zh)| {
                let key = norm(l);
                options[..j]
                    .iter()
                    .position(|e| norm(if in_zh { &e.label.zh } else { &e.label.en }) == key)
                    .map(|k| (k + 1, l.trim()))
            });
        if let Some((k, label)) = same {
            out.push(if zh {
                format!("第{n}题的选项{k}和选项{m}同为“{label}”，选项不能重名")
            } else {
                format!("Question {n}: options {k} and {m} are both “{label}”; each option needs its own label")
            });
        }
    }
}

fn pick(zh: bool, a: &'static str, b: &'static str) -> &'static str {
    if zh {
        a
    } else {
        b
    }
}

fn likert(id: &str, scale: &str, zh: &str, en: &str) -> Question {
    Question {
        id: id.into(),
        text: Text::new(zh, en),
        kind: QuestionKind::Likert5,
        required: true,
        scale: Some(scale.into()),
    }
}

/// A ready-made survey for a securities branch: attitude, efficiency, professionalism,
/// environment and overall satisfaction (Likert, grouped in scales), NPS and an optional
/// comment. `id` is the record id to give it. Each scored item names what is rated, as the
/// answers are degrees of satisfaction (非常不满意 … 非常满意), not of agreement.
pub fn default_survey(id: &str) -> Survey {
    let scales = vec![
        Scale {
            id: "attitude".into(),
            name: Text::new("服务态度", "Attitude"),
            weight: 0.25,
        },
        Scale {
            id: "efficiency".into(),
            name: Text::new("服务效率", "Efficiency"),
            weight: 0.25,
        },
        Scale {
            id: "professionalism".into(),
            name: Text::new("专业能力", "Professionalism"),
            weight: 0.25,
        },
        Scale {
            id: "environment".into(),
            name: Text::new("营业环境", "Environment"),
            weight: 0.10,
        },
        Scale {
            id: "overall".into(),
            name: Text::new("总体满意度", "Overall"),
            weight: 0.15,
        },
    ];
    let questions = vec![
        likert(
            "att_courtesy",
            "attitude",
            "工作人员的热情与礼貌",
            "Staff warmth and courtesy",
        ),
        likert(
            "att_patience",
            "attitude",
            "工作人员倾听您需求时的耐心",
            "Staff patience in listening to your needs",
        ),
        likert("eff_wait", "efficiency", "等候时间", "The waiting time"),
        likert(
            "eff_speed",
            "efficiency",
            "业务办理的速度与流畅",
            "How quickly and smoothly your business was handled",
        ),
        likert(
            "pro_knowledge",
            "professionalism",
            "工作人员的业务熟练程度与解答的准确性",
            "Staff knowledge and the accuracy of their answers",
        ),
        likert(
            "pro_risk",
            "professionalism",
            "风险提示的清楚与充分",
            "How clearly and fully risks were explained",
        ),
        likert(
            "env_clean",
            "environment",
            "营业场所的整洁与舒适",
            "The cleanliness and comfort of the branch",
        ),
        likert(
            "env_guidance",
            "environment",
            "引导标识与便民设施",
            "Signs and facilities",
        ),
        likert(
            "overall",
            "overall",
            "总体而言，您对本次服务的满意程度",
            "Overall, how satisfied are you with our service today?",
        ),
        Question {
            id: "nps".into(),
            text: Text::new(
                "您有多大可能向亲友推荐我们营业部？（0–10）",
                "How likely are you to recommend our branch to friends or family? (0–10)",
            ),
            kind: QuestionKind::Nps,
            required: true,
            scale: None,
        },
        Question {
            id: "comment".into(),
            text: Text::new(
                "您还有什么意见或建议？",
                "Anything else you would like to tell us?",
            ),
            kind: QuestionKind::FreeText { max_len: Some(500) },
            required: false,
            scale: None,
        },
    ];
    Survey {
        id: id.into(),
        rev: None,
        title: Text::new(
            "营业部客户满意度调查",
            "Branch customer satisfaction survey",
        ),
        version: 1,
        stage: None,
        touchpoint: None,
        mode: SurveyMode::OnePerScreen,
        scales,
        questions,
        csat_question: Some("overall".into()),
        previous_versions: Vec::new(),
        stopped_at: None,
        changed: None,
    }
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum Answer {
    /// Likert, NPS or smiley value.
    Score(u8),
    /// Option id of a single-choice question.
    Choice(String),
    /// Option ids of a multiple-choice question.
    Choices(Vec<String>),
    Text(String),
}

impl Answer {
    pub fn score(&self) -> Option<u8> {
        match self {
            Answer::Score(v) => Some(*v),
            _ => None,
        }
    }

    /// Whether the answer says anything (an empty text or empty choice list does not).
    pub fn is_given(&self) -> bool {
        match self {
            Answer::Score(_) => true,
            Answer::Choice(c) => !c.is_empty(),
            Answer::Choices(c) => !c.is_empty(),
            Answer::Text(t) => !t.trim().is_empty(),
        }
    }
}

/// Where a response was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    /// The lobby tablet.
    Kiosk,
    /// A link or QR code on the customer's own phone.
    Link,
    /// Administered by staff (phone or in person).
    Staff,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Kiosk, Channel::Link, Channel::Staff];

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Channel::Kiosk, true) => "大堂平板",
            (Channel::Kiosk, false) => "Kiosk",
            (Channel::Link, true) => "链接/二维码",
            (Channel::Link, false) => "Link / QR",
            (Channel::Staff, true) => "员工代填",
            (Channel::Staff, false) => "Staff-administered",
        }
    }
}

/// One respondent's answers to one version of a survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResponse {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub survey_id: String,
    pub survey_version: u32,
    /// Question id → answer. Unanswered questions are absent.
    pub answers: BTreeMap<String, Answer>,
    pub channel: Channel,
    /// Journey stage id; defaults to the survey's stage when created.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub touchpoint: Option<String>,
    /// The staff member served the customer / administered the survey.
    #[serde(default)]
    pub staff_id: Option<String>,
    /// Branch-local time.
    pub submitted_at: NaiveDateTime,
    /// Device label (e.g. the kiosk's name); no fingerprinting.
    #[serde(default)]
    pub device: Option<String>,
    /// `false` for a partial response kept after a kiosk idle timeout.
    pub complete: bool,
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Who filled the answers in for the customer (员工代填, channel `Staff`): the KPI sheet
    /// names them beside an answer counted for a colleague.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<super::complaint::StaffRef>,
}

impl Record for SurveyResponse {
    const TYPE: &'static str = "response";
}

impl SurveyResponse {
    pub fn score(&self, question_id: &str) -> Option<u8> {
        self.answers.get(question_id).and_then(Answer::score)
    }

    /// The response's key scores in words, for a customer's timeline ("满意度 2/5 · 推荐度
    /// 3/10"): its satisfaction of 5 (the survey's CSAT question; a survey without one, the
    /// mean of its 1–5 items) and its answer to the 0–10 recommend question, each if answered.
    /// `survey` is the survey as the response answered it ([`Survey::at_version`]).
    pub fn key_scores(&self, survey: &Survey, zh: bool) -> String {
        let satisfaction = match &survey.csat_question {
            Some(id) => self.score(id).map(f64::from),
            None => {
                let items: Vec<f64> = survey
                    .questions
                    .iter()
                    .filter(|q| q.kind.is_satisfaction_item())
                    .filter_map(|q| self.score(&q.id))
                    .map(f64::from)
                    .collect();
                (!items.is_empty()).then(|| items.iter().sum::<f64>() / items.len() as f64)
            }
        };
        let recommend = survey
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Nps)
            .find_map(|q| self.score(&q.id));
        let mut parts = Vec::new();
        if let Some(v) = satisfaction {
            let v = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                super::stats::fixed(v, 1)
            };
            parts.push(format!(
                "{} {v}/5",
                if zh { "满意度" } else { "Satisfaction" }
            ));
        }
        if let Some(v) = recommend {
            parts.push(format!(
                "{} {v}/10",
                if zh {
                    "推荐度"
                } else {
                    "Likely to recommend"
                }
            ));
        }
        parts.join(" · ")
    }
}

/// Why a response does not fit its survey.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    #[error("response is for survey {got}, not {expected}")]
    WrongSurvey { expected: String, got: String },
    #[error("response is for version {got}, the survey is at version {expected}")]
    WrongVersion { expected: u32, got: u32 },
    #[error("question {number} is required")]
    Required { question_id: String, number: usize },
    #[error("question {number}: {value} is outside {min}–{max}")]
    OutOfRange {
        question_id: String,
        number: usize,
        value: u8,
        min: u8,
        max: u8,
    },
    #[error("question {number}: the answer has the wrong form")]
    WrongType { question_id: String, number: usize },
    #[error("question {number}: unknown option")]
    UnknownOption { question_id: String, number: usize },
    #[error("question {number}: text longer than {max}")]
    TooLong {
        question_id: String,
        number: usize,
        max: u32,
    },
    #[error("answer to a question the survey does not have: {question_id}")]
    UnknownQuestion { question_id: String },
}

impl ResponseError {
    /// The problem as a sentence for the respondent or staff.
    pub fn message(&self, zh: bool) -> String {
        use ResponseError::*;
        match (self, zh) {
            (WrongSurvey { .. }, true) => "答卷不属于本问卷".into(),
            (WrongSurvey { .. }, false) => "This response belongs to another survey".into(),
            (WrongVersion { expected, got }, true) => {
                format!("答卷对应问卷第{got}版，当前为第{expected}版")
            }
            (WrongVersion { expected, got }, false) => {
                format!("This response answers version {got}; the survey is at version {expected}")
            }
            (Required { number, .. }, true) => format!("第{number}题为必答题，请作答"),
            (Required { number, .. }, false) => format!("Question {number} needs an answer"),
            (
                OutOfRange {
                    number, min, max, ..
                },
                true,
            ) => {
                format!("第{number}题的分值须在{min}到{max}之间")
            }
            (
                OutOfRange {
                    number, min, max, ..
                },
                false,
            ) => {
                format!("Question {number} takes a score from {min} to {max}")
            }
            (WrongType { number, .. }, true) => format!("第{number}题的答案格式不正确"),
            (WrongType { number, .. }, false) => {
                format!("The answer to question {number} has the wrong form")
            }
            (UnknownOption { number, .. }, true) => format!("第{number}题选择了不存在的选项"),
            (UnknownOption { number, .. }, false) => {
                format!("Question {number} has an option that does not exist")
            }
            (TooLong { number, max, .. }, true) => format!("第{number}题的文字不能超过{max}字"),
            (TooLong { number, max, .. }, false) => {
                format!("The answer to question {number} may be at most {max} characters")
            }
            (UnknownQuestion { .. }, true) => "答卷包含问卷中不存在的题目".into(),
            (UnknownQuestion { .. }, false) => {
                "The response answers a question the survey does not have".into()
            }
        }
    }
}

/// What is wrong with a given answer to question `q` (number `number` in the survey), if
/// anything: a score out of the question's range, an option it does not offer, a text too
/// long, or an answer of another kind.
pub fn answer_problem(q: &Question, number: usize, answer: &Answer) -> Option<ResponseError> {
    let question_id = q.id.clone();
    match (&q.kind, answer) {
        (kind, Answer::Score(v)) if kind.range().is_some() => {
            let (min, max) = kind.range().unwrap_or((0, 0));
            (*v < min || *v > max).then_some(ResponseError::OutOfRange {
                question_id,
                number,
                value: *v,
                min,
                max,
            })
        }
        (QuestionKind::SingleChoice { options }, Answer::Choice(c)) => {
            (!options.iter().any(|o| &o.id == c)).then_some(ResponseError::UnknownOption {
                question_id,
                number,
            })
        }
        (QuestionKind::MultipleChoice { options }, Answer::Choices(cs)) => {
            let unique: BTreeSet<&String> = super::sort::set_of(cs.iter());
            (unique.len() != cs.len() || cs.iter().any(|c| !options.iter().any(|o| &o.id == c)))
                .then_some(ResponseError::UnknownOption {
                    question_id,
                    number,
                })
        }
        (QuestionKind::FreeText { max_len }, Answer::Text(t)) => max_len
            .filter(|max| t.chars().count() > *max as usize)
            .map(|max| ResponseError::TooLong {
                question_id,
                number,
                max,
            }),
        _ => Some(ResponseError::WrongType {
            question_id,
            number,
        }),
    }
}

/// Checks a response against the survey version it answers (pass the survey at that
/// version, see [`Survey::at_version`]). Required questions are only enforced for complete
/// responses; values are range-checked always. Returns every problem found, in question
/// order; empty means valid.
pub fn validate_response(survey: &Survey, response: &SurveyResponse) -> Vec<ResponseError> {
    let mut out = Vec::new();
    if response.survey_id != survey.id {
        out.push(ResponseError::WrongSurvey {
            expected: survey.id.clone(),
            got: response.survey_id.clone(),
        });
    }
    if response.survey_version != survey.version {
        out.push(ResponseError::WrongVersion {
            expected: survey.version,
            got: response.survey_version,
        });
    }
    for (i, q) in survey.questions.iter().enumerate() {
        let number = i + 1;
        let qid = || q.id.clone();
        let answer = response.answers.get(&q.id).filter(|a| a.is_given());
        let Some(answer) = answer else {
            if q.required && response.complete {
                out.push(ResponseError::Required {
                    question_id: qid(),
                    number,
                });
            }
            continue;
        };
        out.extend(answer_problem(q, number, answer));
    }
    for qid in response.answers.keys() {
        if survey.question(qid).is_none() {
            out.push(ResponseError::UnknownQuestion {
                question_id: qid.clone(),
            });
        }
    }
    out
}

/// What a low score should open for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowUpKind {
    /// A return visit (回访) to the customer.
    ReturnVisit,
    /// A draft complaint for staff to review and register.
    ComplaintDraft,
}

impl FollowUpKind {
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (FollowUpKind::ReturnVisit, true) => "回访",
            (FollowUpKind::ReturnVisit, false) => "Return visit",
            (FollowUpKind::ComplaintDraft, true) => "投诉草稿",
            (FollowUpKind::ComplaintDraft, false) => "Complaint draft",
        }
    }
}

/// When a response asks for a follow-up. A threshold of `None` disables that trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRule {
    pub enabled: bool,
    /// Any Likert answer at or below this triggers.
    pub likert_at_most: Option<u8>,
    /// Any smiley (CSAT faces) answer at or below this triggers.
    pub csat_at_most: Option<u8>,
    /// Any NPS answer at or below this triggers.
    pub nps_at_most: Option<u8>,
    /// What is opened normally.
    pub kind: FollowUpKind,
    /// Open a complaint draft instead when a Likert/smiley answer is at or below this
    /// (e.g. 1 = "very dissatisfied").
    pub complaint_at_most: Option<u8>,
}

impl Default for FollowUpRule {
    /// Any Likert or smiley ≤ 2 or NPS ≤ 6 (a detractor) opens a return visit.
    fn default() -> Self {
        FollowUpRule {
            enabled: true,
            likert_at_most: Some(2),
            csat_at_most: Some(2),
            nps_at_most: Some(6),
            kind: FollowUpKind::ReturnVisit,
            complaint_at_most: None,
        }
    }
}

/// A follow-up asked for by a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub kind: FollowUpKind,
    /// Which answers triggered it, as a sentence.
    pub reason: Text,
    /// The ids of the triggering questions, in survey order.
    pub question_ids: Vec<String>,
}

/// How old a response may be and still have its follow-up made when it reaches a staff device
/// late (a device long offline, a restore, a first sync of a branch's years): a low score
/// from months ago is no call to make now, and a restored branch's every old answer became an
/// open to-do (QA: thousands, some three years old). Days.
pub const FOLLOWUP_LATE_DAYS: i64 = 30;

/// Whether a response submitted at `submitted` still gets its follow-up made at `now`
/// ([`FOLLOWUP_LATE_DAYS`]).
pub fn followup_still_due(submitted: NaiveDateTime, now: NaiveDateTime) -> bool {
    now.signed_duration_since(submitted) <= chrono::Duration::days(FOLLOWUP_LATE_DAYS)
}

/// The follow-up a response asks for under `rule`, if any. Only a complete response asks: one
/// left part-way (a kiosk customer who walked off) counts nowhere in the results, and its
/// follow-up would point at an answer sheet the results page does not show.
pub fn follow_up(
    rule: &FollowUpRule,
    survey: &Survey,
    response: &SurveyResponse,
) -> Option<FollowUp> {
    if !rule.enabled || !response.complete {
        return None;
    }
    let mut triggers: Vec<(usize, &Question, u8)> = Vec::new();
    let mut complaint = false;
    for (i, q) in survey.questions.iter().enumerate() {
        let Some(v) = response.score(&q.id) else {
            continue;
        };
        let limit = match q.kind {
            QuestionKind::Likert5 => rule.likert_at_most,
            QuestionKind::CsatFaces => rule.csat_at_most,
            QuestionKind::Nps => rule.nps_at_most,
            _ => None,
        };
        if q.kind.is_satisfaction_item() && rule.complaint_at_most.is_some_and(|c| v <= c) {
            complaint = true;
            triggers.push((i + 1, q, v));
        } else if limit.is_some_and(|l| v <= l) {
            triggers.push((i + 1, q, v));
        }
    }
    if triggers.is_empty() {
        return None;
    }
    let zh: Vec<String> = triggers
        .iter()
        .map(|(n, q, v)| format!("第{n}题“{}”{v}分", q.text.zh))
        .collect();
    let en: Vec<String> = triggers
        .iter()
        .map(|(n, q, v)| format!("Q{n} “{}”: {v}", q.text.en))
        .collect();
    Some(FollowUp {
        kind: if complaint {
            FollowUpKind::ComplaintDraft
        } else {
            rule.kind
        },
        reason: Text::new(
            format!("低分评价：{}", zh.join("；")),
            format!("Low scores: {}", en.join("; ")),
        ),
        question_ids: triggers.iter().map(|(_, q, _)| q.id.clone()).collect(),
    })
}

/// What the kiosk does with a half-filled survey when the customer walks away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartialPolicy {
    /// Save it as a partial response (`complete: false`).
    Keep,
    Discard,
}

/// One opening interval on a weekday; a day may have several (e.g. a lunch break).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    pub weekday: Weekday,
    pub open: NaiveTime,
    /// Exclusive.
    pub close: NaiveTime,
}

/// Configuration of a lobby kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskConfig {
    pub survey_id: String,
    /// Reset to the welcome screen after this many seconds without a touch.
    pub idle_timeout_secs: u32,
    pub partial: PartialPolicy,
    /// Minimum seconds between two submissions (against ballot stuffing).
    pub min_gap_secs: u32,
    /// When the kiosk is awake. Empty means always awake.
    pub opening_hours: Vec<OpeningHours>,
    /// Dates the branch is closed (public holidays), asleep all day.
    #[serde(default)]
    pub closed_dates: Vec<NaiveDate>,
    /// Asleep on the working calendar's days off as well (see `closed_by_calendar`).
    #[serde(default = "default_follow_calendar")]
    pub follow_calendar: bool,
    /// Staff allowed to leave kiosk mode; their PIN is checked by the staff module.
    pub exit_staff_ids: Vec<String>,
    /// Label stored as the responses' `device`.
    #[serde(default)]
    pub device: Option<String>,
    /// How long the thank-you screen stays before the kiosk resets for the next customer.
    #[serde(default = "default_thank_you_secs")]
    pub thank_you_secs: u32,
    /// The staff member at whose counter the device stands (a counter's evaluator): its
    /// responses name them (`SurveyResponse::staff_id`), for the results' staff filter and the
    /// KPI sheet's satisfaction. None: a lobby kiosk, whose responses name nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_staff: Option<CounterStaff>,
}

/// A kiosk's counter staff member: their id and their name when the kiosk was set up, shown
/// to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterStaff {
    pub id: String,
    pub name: String,
}

fn default_thank_you_secs() -> u32 {
    8
}

/// Kiosks set up before the setting existed sleep on the calendar's days off too.
fn default_follow_calendar() -> bool {
    true
}

impl KioskConfig {
    /// Defaults for a survey: 60 s idle timeout, partial answers discarded, 30 s between
    /// submissions, open Monday to Friday 09:00–17:00 (the trading day plus the counter's
    /// after-hours) except on the working calendar's days off, the thank-you screen shown
    /// for 8 s.
    pub fn new(survey_id: &str) -> Self {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        KioskConfig {
            survey_id: survey_id.into(),
            idle_timeout_secs: 60,
            partial: PartialPolicy::Discard,
            min_gap_secs: 30,
            opening_hours: [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ]
            .into_iter()
            .map(|weekday| OpeningHours {
                weekday,
                open: t(9),
                close: t(17),
            })
            .collect(),
            closed_dates: Vec::new(),
            follow_calendar: default_follow_calendar(),
            exit_staff_ids: Vec::new(),
            device: None,
            counter_staff: None,
            thank_you_secs: default_thank_you_secs(),
        }
    }

    /// Whether this staff member may unlock the kiosk (after the PIN check elsewhere).
    pub fn may_exit(&self, staff_id: &str) -> bool {
        self.exit_staff_ids.iter().any(|s| s == staff_id)
    }

    /// Where a customer's survey stands after `untouched_ms` without a touch: `Some(0)` while
    /// they are at it, `Some(n)` in the last third of the idle time (at most its last 15 s),
    /// when the kiosk asks whether they are still there and the reset comes in `n` seconds
    /// (rounded up), `None` once the idle time has passed and the kiosk resets.
    pub fn idle_left(&self, untouched_ms: u64) -> Option<u64> {
        // At least 10 s, also for a kiosk set up when 3 s was allowed.
        let idle = u64::from(self.idle_timeout_secs.max(10)) * 1000;
        let left = idle.checked_sub(untouched_ms).filter(|l| *l > 0)?;
        Some(if left <= (idle / 3).min(15_000) {
            left.div_ceil(1000)
        } else {
            0
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KioskState {
    Awake,
    Asleep,
}

/// Whether the working calendar closes a kiosk with these opening hours on `date`: on a
/// public holiday, and on a weekend day that is not a make-up working day unless the hours
/// name that weekday (a lobby the staff set to open on Saturdays stays open on Saturdays).
/// Always-awake hours (empty) name no day.
pub fn closed_by_calendar(cal: &WorkingCalendar, hours: &[OpeningHours], date: NaiveDate) -> bool {
    let opens_that_weekday = hours.iter().any(|h| h.weekday == date.weekday());
    cal.is_holiday(date) || (!cal.is_working_day(date) && !opens_that_weekday)
}

/// Whether the kiosk is awake at `now` (branch-local time): not on a closed date, nor on a
/// day off of the working calendar `cal` when it follows the calendar, and within its
/// opening hours.
pub fn kiosk_state(config: &KioskConfig, cal: &WorkingCalendar, now: NaiveDateTime) -> KioskState {
    let date = now.date();
    if config.closed_dates.contains(&date)
        || (config.follow_calendar && closed_by_calendar(cal, &config.opening_hours, date))
    {
        return KioskState::Asleep;
    }
    if config.opening_hours.is_empty() {
        return KioskState::Awake;
    }
    let t = now.time();
    let hours = &config.opening_hours;
    let mut day = now.weekday();
    // A weekend day worked in exchange for a holiday (调休) with no hours of its own: the
    // branch works it as a weekday, and so does the kiosk, by its first weekday's hours.
    if config.follow_calendar
        && cal.is_makeup_workday(date)
        && !hours.iter().any(|h| h.weekday == day)
    {
        day = hours
            .iter()
            .map(|h| h.weekday)
            .min_by_key(|w| w.num_days_from_monday())
            .unwrap_or(day);
    }
    let open = hours
        .iter()
        .any(|h| h.weekday == day && h.open <= t && t < h.close);
    if open {
        KioskState::Awake
    } else {
        KioskState::Asleep
    }
}

/// Why a kiosk is asleep at `now`, to say so on its screen (None: it is awake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsleepReason {
    /// A date the staff closed the kiosk on.
    ClosedDate,
    /// A public holiday of the working calendar.
    Holiday,
    /// A weekend day that is neither a make-up working day nor in the opening hours.
    DayOff,
    /// Outside the opening hours of the day.
    OutsideHours,
}

pub fn asleep_reason(
    config: &KioskConfig,
    cal: &WorkingCalendar,
    now: NaiveDateTime,
) -> Option<AsleepReason> {
    if kiosk_state(config, cal, now) == KioskState::Awake {
        return None;
    }
    let date = now.date();
    Some(if config.closed_dates.contains(&date) {
        AsleepReason::ClosedDate
    } else if config.follow_calendar && cal.is_holiday(date) {
        AsleepReason::Holiday
    } else if config.follow_calendar && closed_by_calendar(cal, &config.opening_hours, date) {
        AsleepReason::DayOff
    } else {
        AsleepReason::OutsideHours
    })
}

/// Whether a new submission is allowed: at least `min_gap_secs` since the last one.
/// A clock that went backwards (now before the last submission) refuses too.
pub fn may_submit(
    last_submit: Option<NaiveDateTime>,
    now: NaiveDateTime,
    min_gap_secs: u32,
) -> bool {
    submit_wait_secs(last_submit, now, min_gap_secs) == 0
}

/// Seconds still to wait at `now` before a new submission is allowed (0: allowed now). A clock
/// that went backwards waits the whole gap (at least a second) until it passes the last one.
pub fn submit_wait_secs(
    last_submit: Option<NaiveDateTime>,
    now: NaiveDateTime,
    min_gap_secs: u32,
) -> i64 {
    let gap = i64::from(min_gap_secs);
    match last_submit.map(|last| (now - last).num_seconds()) {
        None => 0,
        Some(elapsed) if elapsed < 0 => gap.max(1),
        Some(elapsed) => (gap - elapsed).max(0),
    }
}

/// The follow-up rule of one survey, kept in its own document `followup_rule:<survey id>`
/// so that changing it never makes a new survey version (respondents do not see it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpSettings {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub survey_id: String,
    pub rule: FollowUpRule,
    /// The rules in force before `rule`, oldest first, each with the time it was replaced: a
    /// response is judged by the rule in force when it was given (a rule made stricter does
    /// not open follow-ups of last month's answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierRule>,
}

/// A follow-up rule that was in force until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierRule {
    pub until: NaiveDateTime,
    pub rule: FollowUpRule,
}

impl Record for FollowUpSettings {
    const TYPE: &'static str = "followup_rule";
}

impl FollowUpSettings {
    /// The document id of a survey's rule.
    pub fn id_for(survey_id: &str) -> String {
        format!("{}:{survey_id}", Self::TYPE)
    }

    /// The default rule for a survey (used until staff change it).
    pub fn new(survey_id: &str) -> Self {
        FollowUpSettings {
            id: Self::id_for(survey_id),
            rev: None,
            survey_id: survey_id.into(),
            rule: FollowUpRule::default(),
            earlier: Vec::new(),
        }
    }

    /// The rule in force at `at` (a response's time of giving).
    pub fn rule_at(&self, at: NaiveDateTime) -> &FollowUpRule {
        self.earlier
            .iter()
            .find(|e| at < e.until)
            .map_or(&self.rule, |e| &e.rule)
    }

    /// Puts `rule` in force from `at` on, the one before kept for the responses given before.
    pub fn replace(&mut self, rule: FollowUpRule, at: NaiveDateTime) {
        if rule != self.rule {
            let rule = std::mem::replace(&mut self.rule, rule);
            self.earlier.push(EarlierRule { until: at, rule });
        }
    }

    /// Whether any rule, now or before, opens follow-ups.
    pub fn ever_enabled(&self) -> bool {
        self.rule.enabled || self.earlier.iter().any(|e| e.rule.enabled)
    }
}

/// Whether a follow-up is still to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state")]
pub enum FollowUpStatus {
    Open,
    Done {
        at: NaiveDateTime,
        by: String,
        note: String,
    },
}

/// A follow-up opened by a low-scoring response (a return visit or a complaint draft for
/// staff to review), linked to the response. Id `followup:<response's time-ordered id>`, so
/// one response opens at most one follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyFollowUp {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub survey_id: String,
    pub survey_version: u32,
    pub response_id: String,
    pub kind: FollowUpKind,
    pub reason: Text,
    pub question_ids: Vec<String>,
    pub created_at: NaiveDateTime,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub staff_id: Option<String>,
    pub status: FollowUpStatus,
}

impl Record for SurveyFollowUp {
    const TYPE: &'static str = "followup";
}

impl SurveyFollowUp {
    /// The follow-up record for a response that asked for `f` (see [`follow_up`]).
    pub fn for_response(f: FollowUp, response: &SurveyResponse) -> Self {
        let key = response
            .id
            .split_once(':')
            .map_or(response.id.as_str(), |(_, k)| k);
        SurveyFollowUp {
            id: format!("{}:{key}", Self::TYPE),
            rev: None,
            survey_id: response.survey_id.clone(),
            survey_version: response.survey_version,
            response_id: response.id.clone(),
            kind: f.kind,
            reason: f.reason,
            question_ids: f.question_ids,
            created_at: response.submitted_at,
            customer_id: response.customer_id.clone(),
            staff_id: response.staff_id.clone(),
            status: FollowUpStatus::Open,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status == FollowUpStatus::Open
    }

    /// Marks it done with what was done; refused when already done or the note is blank.
    pub fn complete(
        &mut self,
        by: &str,
        note: &str,
        at: NaiveDateTime,
    ) -> Result<(), FollowUpError> {
        if !self.is_open() {
            return Err(FollowUpError::AlreadyDone);
        }
        if note.trim().is_empty() {
            return Err(FollowUpError::NoteRequired);
        }
        self.status = FollowUpStatus::Done {
            at,
            by: by.into(),
            note: note.trim().into(),
        };
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpError {
    #[error("the follow-up is already done")]
    AlreadyDone,
    #[error("a note is required")]
    NoteRequired,
}

impl FollowUpError {
    pub fn message(&self, zh: bool) -> &'static str {
        match (self, zh) {
            (FollowUpError::AlreadyDone, true) => "该跟进已经完成",
            (FollowUpError::AlreadyDone, false) => "This follow-up is already done",
            (FollowUpError::NoteRequired, true) => "请填写处理情况",
            (FollowUpError::NoteRequired, false) => "Say what was done",
        }
    }
}

/// An empty survey for the builder to start from: one required Likert question, no scales.
pub fn blank_survey(id: &str) -> Survey {
    Survey {
        id: id.into(),
        rev: None,
        title: Text::new("新问卷", "New survey"),
        version: 1,
        stage: None,
        touchpoint: None,
        mode: SurveyMode::OnePerScreen,
        scales: Vec::new(),
        questions: vec![Question {
            id: "q1".into(),
            text: Text::new(
                "您对本次服务满意吗？",
                "How satisfied are you with our service?",
            ),
            kind: QuestionKind::Likert5,
            required: true,
            scale: None,
        }],
        csat_question: None,
        previous_versions: Vec::new(),
        stopped_at: None,
        changed: None,
    }
}

/// `newer` with what `mine` changed from `base` (see [`Survey::rebase`]).
fn merge_changes(
    newer: &serde_json::Value,
    base: &serde_json::Value,
    mine: &serde_json::Value,
) -> serde_json::Value {
    use serde_json::Value;
    match (newer, base, mine) {
        (Value::Object(n), Value::Object(b), Value::Object(m)) => {
            let mut out = n.clone();
            let keys: BTreeSet<&String> = b.keys().chain(m.keys()).collect();
            for k in keys {
                match (n.get(k), b.get(k), m.get(k)) {
                    (_, b, m) if b == m => {}
                    (Some(n), Some(b), Some(m)) => {
                        out.insert(k.clone(), merge_changes(n, b, m));
                    }
                    (_, _, Some(m)) => {
                        out.insert(k.clone(), m.clone());
                    }
                    (_, _, None) => {
                        out.remove(k);
                    }
                }
            }
            Value::Object(out)
        }
        _ if base == mine => newer.clone(),
        _ => mine.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_response_gets_its_follow_up_within_thirty_days_only() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let now = at("2026-12-07 10:00");
        assert!(followup_still_due(at("2026-12-07 09:00"), now));
        assert!(followup_still_due(at("2026-11-07 10:00"), now));
        assert!(!followup_still_due(at("2026-11-07 09:59"), now));
        assert!(!followup_still_due(at("2023-12-08 10:00"), now));
    }

    #[test]
    fn a_response_says_its_key_scores() {
        let s = default_survey("survey:1");
        let r = response(
            &s,
            &[("overall", Answer::Score(2)), ("nps", Answer::Score(3))],
        );
        assert_eq!(r.key_scores(&s, true), "满意度 2/5 · 推荐度 3/10");
        assert_eq!(
            r.key_scores(&s, false),
            "Satisfaction 2/5 · Likely to recommend 3/10"
        );
        // Without a CSAT question: the mean of the 1–5 items answered.
        let likert: Vec<&Question> = s
            .questions
            .iter()
            .filter(|q| q.kind.is_satisfaction_item() && q.id != "overall")
            .take(2)
            .collect();
        let mut plain = s.clone();
        plain.csat_question = None;
        let r = response(
            &plain,
            &[
                (likert[0].id.as_str(), Answer::Score(4)),
                (likert[1].id.as_str(), Answer::Score(5)),
            ],
        );
        assert_eq!(r.key_scores(&plain, true), "满意度 4.5/5");
        // Nothing scored: nothing said.
        assert_eq!(response(&s, &[]).key_scores(&s, true), "");
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn response(survey: &Survey, answers: &[(&str, Answer)]) -> SurveyResponse {
        SurveyResponse {
            id: "response:1".into(),
            rev: None,
            survey_id: survey.id.clone(),
            survey_version: survey.version,
            answers: answers
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            channel: Channel::Kiosk,
            stage: None,
            touchpoint: None,
            staff_id: None,
            submitted_at: dt("2026-11-23 10:00:00"),
            device: None,
            complete: true,
            customer_id: None,
            entered_by: None,
        }
    }

    fn full_answers(score: u8, nps: u8) -> Vec<(&'static str, Answer)> {
        let mut v: Vec<(&str, Answer)> = [
            "att_courtesy",
            "att_patience",
            "eff_wait",
            "eff_speed",
            "pro_knowledge",
            "pro_risk",
            "env_clean",
            "env_guidance",
            "overall",
        ]
        .into_iter()
        .map(|q| (q, Answer::Score(score)))
        .collect();
        v.push(("nps", Answer::Score(nps)));
        v
    }

    #[test]
    fn default_survey_is_well_formed() {
        let s = default_survey("survey:default");
        assert!(s.definition_problems(true).is_empty());
        assert!(s.definition_problems(false).is_empty());
        assert_eq!(s.scales.len(), 5);
        for scale in &s.scales {
            assert!(s.scale_questions(&scale.id).count() >= 1, "{}", scale.id);
        }
        let w: f64 = s.scales.iter().map(|s| s.weight).sum();
        assert!((w - 1.0).abs() < 1e-9);
        assert!(s.questions.iter().any(|q| q.kind == QuestionKind::Nps));
        let comment = s.question("comment").unwrap();
        assert!(!comment.required);
        // Every text exists in both languages.
        for q in &s.questions {
            assert!(!q.text.zh.is_empty() && !q.text.en.is_empty());
        }
        // Round-trips through JSON.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Survey>(&json).unwrap(), s);
    }

    #[test]
    fn definition_problems_found() {
        let mut s = default_survey("survey:x");
        s.questions[1].id = s.questions[0].id.clone();
        s.questions[2].scale = Some("nope".into());
        s.questions.push(Question {
            id: "c".into(),
            text: Text::new("", ""),
            kind: QuestionKind::SingleChoice {
                options: vec![ChoiceOption {
                    id: "a".into(),
                    label: Text::new("甲", "A"),
                }],
            },
            required: false,
            scale: None,
        });
        let p = s.definition_problems(false);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("Question 2"));

        // The 0–10 recommendation in a 1–5 group, and every weight 0: refused (QA).
        let mut s = default_survey("survey:x");
        assert!(s.definition_problems(true).is_empty());
        let nps = s
            .questions
            .iter()
            .position(|q| q.kind == QuestionKind::Nps)
            .expect("the default survey's recommendation");
        s.questions[nps].scale = Some(s.scales[0].id.clone());
        assert_eq!(
            s.definition_problems(true),
            [format!(
                "第{}题不是1–5分的题，不能归入维度（维度的均值和信度按1–5分计算）",
                nps + 1
            )]
        );
        s.questions[nps].scale = None;
        for g in &mut s.scales {
            g.weight = 0.0;
        }
        assert_eq!(
            s.definition_problems(false),
            ["The scales' weights cannot all be 0 (the CSI is weighted by them)"]
        );
        s.scales[1].weight = 1.0;
        assert!(s.definition_problems(false).is_empty());
    }

    #[test]
    fn text_falls_back_to_the_other_language_when_blank() {
        let t = Text::new("开户", "Open");
        assert_eq!((t.get(true), t.get(false)), ("开户", "Open"));
        let zh_only = Text::new("开户方式", "");
        assert_eq!(zh_only.get(false), "开户方式");
        assert_eq!(zh_only.get(true), "开户方式");
        let en_only = Text::new("  ", "How");
        assert_eq!(en_only.get(true), "How");
        assert_eq!(Text::new("", "").get(true), "");
    }

    /// A survey with one single-choice question whose options are `labels` (zh, en).
    fn choice_survey(labels: &[(&str, &str)]) -> Survey {
        let mut s = blank_survey("survey:c");
        s.questions.push(Question {
            id: "c".into(),
            text: Text::new("开户方式", "How did you open your account?"),
            kind: QuestionKind::SingleChoice {
                options: labels
                    .iter()
                    .enumerate()
                    .map(|(j, (zh, en))| ChoiceOption {
                        id: format!("o{j}"),
                        label: Text::new(*zh, *en),
                    })
                    .collect(),
            },
            required: true,
            scale: None,
        });
        s
    }

    #[test]
    fn a_title_or_question_text_in_one_language_only_is_refused() {
        let mut s = blank_survey("survey:t");
        s.title.en.clear();
        assert_eq!(
            s.definition_problems(false),
            ["The survey title has no English text"]
        );
        assert_eq!(s.definition_problems(true), ["问卷标题缺少英文"]);
        s.title = Text::new(" ", "Opening");
        assert_eq!(s.definition_problems(true), ["问卷标题缺少中文"]);
        s.title = Text::new("", "");
        assert_eq!(s.definition_problems(true), ["问卷标题不能为空"]);

        let mut s = blank_survey("survey:q");
        s.questions[0].text.en = "  ".into();
        assert_eq!(
            s.definition_problems(false),
            ["Question 1 has no English text"]
        );
        assert_eq!(s.definition_problems(true), ["第1题缺少英文题目文字"]);
        s.questions[0].text = Text::new("", "Satisfied?");
        assert_eq!(
            s.definition_problems(false),
            ["Question 1 has no Chinese text"]
        );
        s.questions[0].text = Text::new("", "");
        assert_eq!(s.definition_problems(true), ["第1题缺少题目文字"]);
    }

    #[test]
    fn a_blank_option_label_in_either_language_is_refused() {
        let ok = choice_survey(&[("现场", "At the branch"), ("手机", "On the phone")]);
        assert!(ok.definition_problems(true).is_empty());
        assert!(ok.definition_problems(false).is_empty());

        let s = choice_survey(&[("现场", ""), ("", "On the phone"), (" ", "")]);
        assert_eq!(
            s.definition_problems(false),
            [
                "Question 2: option 1 has no English label",
                "Question 2: option 2 has no Chinese label",
                "Question 2: option 3 has no label",
            ]
        );
        assert_eq!(
            s.definition_problems(true),
            [
                "第2题的选项1缺少英文",
                "第2题的选项2缺少中文",
                "第2题的选项3没有文字",
            ]
        );
    }

    #[test]
    fn two_options_with_one_label_are_refused() {
        // The same Chinese label (the QA case: "现场" twice).
        let s = choice_survey(&[("现场", "Branch"), ("现场", "In person")]);
        assert_eq!(
            s.definition_problems(true),
            ["第2题的选项1和选项2同为“现场”，选项不能重名"]
        );
        // The same English label, told apart from case and spaces only.
        let s = choice_survey(&[("甲", "Phone"), ("乙", "Branch"), ("丙", " phone ")]);
        assert_eq!(
            s.definition_problems(false),
            ["Question 2: options 1 and 3 are both “phone”; each option needs its own label"]
        );
        // Both languages the same: one problem, not two.
        let s = choice_survey(&[("甲", "A"), ("甲", "A")]);
        assert_eq!(s.definition_problems(false).len(), 1);
        // Multiple choice is checked the same way.
        let mut s = choice_survey(&[("甲", "A"), ("乙", "A")]);
        if let QuestionKind::SingleChoice { options } = s.questions[1].kind.clone() {
            s.questions[1].kind = QuestionKind::MultipleChoice { options };
        }
        assert_eq!(s.definition_problems(false).len(), 1);
    }

    #[test]
    fn edit_bumps_version_only_with_responses_and_changes() {
        let s = default_survey("survey:a");
        let mut changed = s.clone();
        changed.questions.pop();
        changed.id = "survey:other".into(); // ignored: the id stays

        let e = s.edit(changed.clone(), false);
        assert_eq!(e.version, 1);
        assert_eq!(e.id, "survey:a");
        assert!(e.previous_versions.is_empty());
        assert_eq!(e.questions.len(), s.questions.len() - 1);

        let e = s.edit(changed, true);
        assert_eq!(e.version, 2);
        assert_eq!(e.previous_versions.len(), 1);
        assert_eq!(e.previous_versions[0].version, 1);
        assert_eq!(e.at_version(1).unwrap().questions.len(), s.questions.len());
        assert_eq!(
            e.at_version(2).unwrap().questions.len(),
            s.questions.len() - 1
        );
        assert!(e.at_version(3).is_none());

        // No change: no bump even with responses.
        let same = s.edit(s.clone(), true);
        assert_eq!(same.version, 1);
        assert!(same.previous_versions.is_empty());
        // A new title or layout asks nothing new: no bump either, and the edit is kept.
        let mut retitled = s.clone();
        retitled.title.en = "Branch service survey".into();
        retitled.mode = match s.mode {
            SurveyMode::OnePage => SurveyMode::OnePerScreen,
            _ => SurveyMode::OnePage,
        };
        let e = s.edit(retitled.clone(), true);
        assert_eq!(e.version, 1);
        assert!(e.previous_versions.is_empty());
        assert_eq!(e.title.en, "Branch service survey");
        assert_eq!(e.mode, retitled.mode);
    }

    #[test]
    fn validation_catches_each_problem() {
        let s = default_survey("survey:a");
        let ok = response(&s, &full_answers(4, 9));
        assert_eq!(validate_response(&s, &ok), vec![]);

        let mut r = ok.clone();
        r.answers.remove("eff_wait");
        r.answers.insert("nps".into(), Answer::Score(11));
        r.answers.insert("overall".into(), Answer::Score(0));
        r.answers
            .insert("att_courtesy".into(), Answer::Text("good".into()));
        r.answers.insert("ghost".into(), Answer::Score(3));
        let errs = validate_response(&s, &r);
        assert_eq!(errs.len(), 5, "{errs:?}");
        assert!(matches!(
            errs[0],
            ResponseError::WrongType { number: 1, .. }
        ));
        assert!(matches!(errs[1], ResponseError::Required { number: 3, .. }));
        assert!(matches!(
            errs[2],
            ResponseError::OutOfRange {
                number: 9,
                value: 0,
                ..
            }
        ));
        assert!(matches!(
            errs[3],
            ResponseError::OutOfRange {
                number: 10,
                value: 11,
                min: 0,
                max: 10,
                ..
            }
        ));
        assert!(matches!(errs[4], ResponseError::UnknownQuestion { .. }));
        assert_eq!(errs[1].message(true), "第3题为必答题，请作答");
        assert_eq!(errs[1].message(false), "Question 3 needs an answer");
        assert_eq!(
            errs[3].message(false),
            "Question 10 takes a score from 0 to 10"
        );

        // Partial responses skip the required check, not the range check.
        let mut p = response(&s, &[("overall", Answer::Score(6))]);
        p.complete = false;
        let errs = validate_response(&s, &p);
        assert_eq!(errs.len(), 1);
        assert!(matches!(errs[0], ResponseError::OutOfRange { .. }));

        // Version mismatch.
        let mut v = ok;
        v.survey_version = 2;
        assert!(matches!(
            validate_response(&s, &v)[0],
            ResponseError::WrongVersion {
                expected: 1,
                got: 2
            }
        ));
    }

    #[test]
    fn validation_of_choices_and_text() {
        let mut s = default_survey("survey:a");
        let opts = |ids: &[&str]| {
            ids.iter()
                .map(|i| ChoiceOption {
                    id: i.to_string(),
                    label: Text::new(*i, *i),
                })
                .collect::<Vec<_>>()
        };
        s.questions = vec![
            Question {
                id: "single".into(),
                text: Text::new("单", "S"),
                kind: QuestionKind::SingleChoice {
                    options: opts(&["a", "b"]),
                },
                required: true,
                scale: None,
            },
            Question {
                id: "multi".into(),
                text: Text::new("多", "M"),
                kind: QuestionKind::MultipleChoice {
                    options: opts(&["x", "y", "z"]),
                },
                required: true,
                scale: None,
            },
            Question {
                id: "text".into(),
                text: Text::new("文", "T"),
                kind: QuestionKind::FreeText { max_len: Some(3) },
                required: true,
                scale: None,
            },
        ];
        let good = response(
            &s,
            &[
                ("single", Answer::Choice("b".into())),
                ("multi", Answer::Choices(vec!["x".into(), "z".into()])),
                ("text", Answer::Text("好极了".into())),
            ],
        );
        assert!(validate_response(&s, &good).is_empty());
        let bad = response(
            &s,
            &[
                ("single", Answer::Choice("c".into())),
                ("multi", Answer::Choices(vec!["x".into(), "x".into()])),
                ("text", Answer::Text("太长了吧".into())),
            ],
        );
        let errs = validate_response(&s, &bad);
        assert_eq!(errs.len(), 3);
        assert!(matches!(errs[2], ResponseError::TooLong { max: 3, .. }));
        // Blank text on a required question counts as unanswered.
        let blank = response(
            &s,
            &[
                ("single", Answer::Choice("a".into())),
                ("multi", Answer::Choices(vec![])),
                ("text", Answer::Text("  ".into())),
            ],
        );
        assert_eq!(validate_response(&s, &blank).len(), 2);
    }

    #[test]
    fn follow_up_rule() {
        let s = default_survey("survey:a");
        let rule = FollowUpRule::default();
        assert_eq!(
            follow_up(&rule, &s, &response(&s, &full_answers(3, 7))),
            None
        );

        let mut r = response(&s, &full_answers(4, 9));
        r.answers.insert("eff_wait".into(), Answer::Score(2));
        let f = follow_up(&rule, &s, &r).unwrap();
        assert_eq!(f.kind, FollowUpKind::ReturnVisit);
        assert_eq!(f.question_ids, vec!["eff_wait"]);
        assert!(f.reason.zh.contains("第3题"), "{}", f.reason.zh);
        assert!(f.reason.en.contains("Q3"));

        // NPS 6 is a detractor; 7 is not.
        let f = follow_up(&rule, &s, &response(&s, &full_answers(5, 6))).unwrap();
        assert_eq!(f.question_ids, vec!["nps"]);

        // Escalation to a complaint draft on a 1.
        let strict = FollowUpRule {
            complaint_at_most: Some(1),
            ..FollowUpRule::default()
        };
        r.answers.insert("overall".into(), Answer::Score(1));
        let f = follow_up(&strict, &s, &r).unwrap();
        assert_eq!(f.kind, FollowUpKind::ComplaintDraft);
        assert_eq!(f.question_ids, vec!["eff_wait", "overall"]);

        // Disabled or thresholds off.
        let off = FollowUpRule {
            enabled: false,
            ..FollowUpRule::default()
        };
        assert_eq!(follow_up(&off, &s, &r), None);
        let nps_only = FollowUpRule {
            likert_at_most: None,
            ..FollowUpRule::default()
        };
        assert_eq!(follow_up(&nps_only, &s, &r), None);

        // A response left part-way asks for nothing, however low its scores.
        let mut partial = r.clone();
        assert!(follow_up(&strict, &s, &partial).is_some());
        partial.complete = false;
        assert_eq!(follow_up(&strict, &s, &partial), None);
    }

    #[test]
    fn kiosk_sleeps_outside_opening_hours() {
        let mut c = KioskConfig::new("survey:a");
        // The opening hours alone; the calendar's days off are tested below.
        c.follow_calendar = false;
        let cal = WorkingCalendar::china_official();
        // 2026-11-23 is a Monday.
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-23 08:59:59")),
            KioskState::Asleep
        );
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-23 09:00:00")),
            KioskState::Awake
        );
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-23 16:59:59")),
            KioskState::Awake
        );
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-23 17:00:00")),
            KioskState::Asleep
        );
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-28 10:00:00")),
            KioskState::Asleep
        ); // Saturday
        c.closed_dates
            .push(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-23 10:00:00")),
            KioskState::Asleep
        );
        c.opening_hours.clear();
        c.closed_dates.clear();
        assert_eq!(
            kiosk_state(&c, &cal, dt("2026-11-28 03:00:00")),
            KioskState::Awake
        );
    }

    #[test]
    fn kiosk_sleeps_on_the_calendars_days_off() {
        let cal = WorkingCalendar::china_official();
        let mut c = KioskConfig::new("survey:a");
        assert!(c.follow_calendar);
        let at = |c: &KioskConfig, t: &str| kiosk_state(c, &cal, dt(t));
        // National Day, Thursday 2026-10-01, within the Monday–Friday hours: asleep.
        assert_eq!(at(&c, "2026-10-01 10:00:00"), KioskState::Asleep);
        // The next Thursday is a working day again.
        assert_eq!(at(&c, "2026-10-08 10:00:00"), KioskState::Awake);
        // The make-up working Saturday (2026-10-10), with the default Monday–Friday hours: the
        // branch works, and the kiosk is awake by Monday's hours.
        assert_eq!(at(&c, "2026-10-10 10:00:00"), KioskState::Awake);
        assert_eq!(at(&c, "2026-10-10 17:30:00"), KioskState::Asleep);
        assert_eq!(at(&c, "2026-10-17 10:00:00"), KioskState::Asleep);
        // Not following the calendar: the hours alone.
        c.follow_calendar = false;
        assert_eq!(at(&c, "2026-10-01 10:00:00"), KioskState::Awake);

        // Always awake: asleep on holidays and ordinary weekends, awake on a make-up
        // working Saturday (2026-10-10) and on weekdays.
        let mut always = KioskConfig::new("survey:a");
        always.opening_hours.clear();
        assert_eq!(at(&always, "2026-10-03 03:00:00"), KioskState::Asleep);
        assert_eq!(at(&always, "2026-10-17 10:00:00"), KioskState::Asleep);
        assert_eq!(at(&always, "2026-10-10 10:00:00"), KioskState::Awake);
        assert_eq!(at(&always, "2026-10-14 23:00:00"), KioskState::Awake);

        // Hours that name Saturday keep the lobby open on ordinary Saturdays, not on a
        // Saturday holiday (2026-10-03); the make-up Saturday follows its hours.
        let mut saturdays = KioskConfig::new("survey:a");
        saturdays.opening_hours.push(OpeningHours {
            weekday: Weekday::Sat,
            open: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            close: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        });
        assert_eq!(at(&saturdays, "2026-10-17 10:00:00"), KioskState::Awake);
        assert_eq!(at(&saturdays, "2026-10-03 10:00:00"), KioskState::Asleep);
        assert_eq!(at(&saturdays, "2026-10-10 10:00:00"), KioskState::Awake);
        assert_eq!(at(&saturdays, "2026-10-10 13:00:00"), KioskState::Asleep);
        // Sundays are not in its hours: asleep all the same.
        assert_eq!(at(&saturdays, "2026-10-18 10:00:00"), KioskState::Asleep);
    }

    #[test]
    fn asleep_reasons() {
        let cal = WorkingCalendar::china_official();
        let at = |c: &KioskConfig, s: &str| {
            asleep_reason(
                c,
                &cal,
                NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap(),
            )
        };
        let mut c = KioskConfig::new("survey:a");
        assert_eq!(at(&c, "2026-10-14 10:00:00"), None);
        assert_eq!(
            at(&c, "2026-10-14 18:00:00"),
            Some(AsleepReason::OutsideHours)
        );
        assert_eq!(at(&c, "2026-10-01 10:00:00"), Some(AsleepReason::Holiday));
        assert_eq!(at(&c, "2026-10-17 10:00:00"), Some(AsleepReason::DayOff));
        c.closed_dates
            .push(NaiveDate::from_ymd_opt(2026, 10, 14).unwrap());
        assert_eq!(
            at(&c, "2026-10-14 10:00:00"),
            Some(AsleepReason::ClosedDate)
        );
        // Always awake: a Saturday is a day off when it follows the calendar, and awake
        // otherwise.
        let mut always = KioskConfig::new("survey:a");
        always.opening_hours.clear();
        assert_eq!(
            at(&always, "2026-12-05 03:00:00"),
            Some(AsleepReason::DayOff)
        );
        always.follow_calendar = false;
        assert_eq!(at(&always, "2026-12-05 03:00:00"), None);
    }

    #[test]
    fn closed_by_calendar_days() {
        let cal = WorkingCalendar::china_official();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let weekdays = KioskConfig::new("survey:a").opening_hours;
        assert!(closed_by_calendar(&cal, &weekdays, d(10, 1)));
        assert!(closed_by_calendar(&cal, &weekdays, d(10, 17)));
        assert!(!closed_by_calendar(&cal, &weekdays, d(10, 10)));
        assert!(!closed_by_calendar(&cal, &weekdays, d(10, 8)));
        assert!(!closed_by_calendar(&cal, &[], d(10, 10)));
        assert!(closed_by_calendar(&cal, &[], d(10, 18)));
    }

    #[test]
    fn kiosk_config_defaults_for_older_documents() {
        let c = KioskConfig::new("survey:a");
        assert_eq!(c.thank_you_secs, 8);
        let mut v = serde_json::to_value(&c).unwrap();
        v.as_object_mut().unwrap().remove("thank_you_secs");
        v.as_object_mut().unwrap().remove("follow_calendar");
        // A lobby kiosk writes no counter staff member, and one written before it existed
        // has none.
        assert!(v.get("counter_staff").is_none());
        let back: KioskConfig = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
        let mut counter = c.clone();
        counter.counter_staff = Some(CounterStaff {
            id: "staff:a".into(),
            name: "张敏".into(),
        });
        let v = serde_json::to_value(&counter).unwrap();
        assert_eq!(v["counter_staff"]["id"], "staff:a");
        assert_eq!(serde_json::from_value::<KioskConfig>(v).unwrap(), counter);
    }

    #[test]
    fn submission_gap_and_idle() {
        let t0 = dt("2026-11-23 10:00:00");
        assert!(may_submit(None, t0, 30));
        assert!(!may_submit(Some(t0), dt("2026-11-23 10:00:29"), 30));
        assert!(may_submit(Some(t0), dt("2026-11-23 10:00:30"), 30));
        assert!(!may_submit(Some(t0), dt("2026-11-23 09:59:00"), 30));
        assert_eq!(submit_wait_secs(None, t0, 30), 0);
        assert_eq!(submit_wait_secs(Some(t0), t0, 30), 30);
        assert_eq!(
            submit_wait_secs(Some(t0), dt("2026-11-23 10:00:04"), 30),
            26
        );
        assert_eq!(submit_wait_secs(Some(t0), dt("2026-11-23 10:00:30"), 30), 0);
        assert_eq!(submit_wait_secs(Some(t0), dt("2026-11-23 11:00:00"), 30), 0);
        // A clock set back waits the whole gap, and refuses even without one.
        assert_eq!(
            submit_wait_secs(Some(t0), dt("2026-11-23 09:00:00"), 30),
            30
        );
        assert_eq!(submit_wait_secs(Some(t0), dt("2026-11-23 09:00:00"), 0), 1);
        assert!(!may_submit(Some(t0), dt("2026-11-23 09:00:00"), 0));
        let mut c = KioskConfig::new("survey:a");
        // 60 s: quiet for 45 s, then asks for the last 15 s, then resets.
        assert_eq!(c.idle_left(0), Some(0));
        assert_eq!(c.idle_left(44_999), Some(0));
        assert_eq!(c.idle_left(45_000), Some(15));
        assert_eq!(c.idle_left(58_500), Some(2));
        assert_eq!(c.idle_left(59_999), Some(1));
        assert_eq!(c.idle_left(60_000), None);
        assert_eq!(c.idle_left(u64::MAX), None);
        // 12 s: the last third, 4 s.
        c.idle_timeout_secs = 12;
        assert_eq!(c.idle_left(7_999), Some(0));
        assert_eq!(c.idle_left(8_000), Some(4));
        assert_eq!(c.idle_left(12_000), None);
        // Set up as 3 s when that was allowed: 10 s.
        c.idle_timeout_secs = 3;
        assert_eq!(c.idle_left(3_000), Some(0));
        assert_eq!(c.idle_left(7_000), Some(3));
        assert_eq!(c.idle_left(10_000), None);
        c.exit_staff_ids.push("staff:1".into());
        assert!(c.may_exit("staff:1"));
        assert!(!c.may_exit("staff:2"));
    }

    #[test]
    fn follow_up_record_links_the_response_and_closes_once() {
        let s = default_survey("survey:a");
        let mut r = response(&s, &full_answers(2, 3));
        r.id = "response:01ABC".into();
        let f = follow_up(&FollowUpRule::default(), &s, &r).unwrap();
        let mut rec = SurveyFollowUp::for_response(f, &r);
        assert_eq!(rec.id, "followup:01ABC");
        assert_eq!(rec.response_id, "response:01ABC");
        assert_eq!(rec.survey_version, 1);
        assert_eq!(rec.created_at, r.submitted_at);
        assert!(rec.is_open());
        let at = dt("2026-11-24 09:00:00");
        assert_eq!(
            rec.complete("staff:1", "  ", at),
            Err(FollowUpError::NoteRequired)
        );
        rec.complete("staff:1", " 已回访 ", at).unwrap();
        assert!(matches!(&rec.status, FollowUpStatus::Done { note, .. } if note == "已回访"));
        assert_eq!(
            rec.complete("staff:1", "again", at),
            Err(FollowUpError::AlreadyDone)
        );
        let json = serde_json::to_string(&rec).unwrap();
        assert_eq!(serde_json::from_str::<SurveyFollowUp>(&json).unwrap(), rec);

        let settings = FollowUpSettings::new("survey:a");
        assert_eq!(settings.id, "followup_rule:survey:a");
        assert_eq!(settings.rule, FollowUpRule::default());
    }

    #[test]
    fn a_changed_follow_up_rule_judges_the_responses_given_after_it() {
        let mut settings = FollowUpSettings::new("survey:a");
        let stricter = FollowUpRule {
            likert_at_most: Some(3),
            ..FollowUpRule::default()
        };
        let off = FollowUpRule {
            enabled: false,
            ..FollowUpRule::default()
        };
        settings.replace(stricter.clone(), dt("2026-11-10 09:00:00"));
        settings.replace(off.clone(), dt("2026-11-20 09:00:00"));
        // The same rule saved again changes nothing.
        settings.replace(off.clone(), dt("2026-11-21 09:00:00"));
        assert_eq!(settings.earlier.len(), 2);
        assert_eq!(
            settings.rule_at(dt("2026-11-01 12:00:00")),
            &FollowUpRule::default()
        );
        assert_eq!(
            settings.rule_at(dt("2026-11-10 08:59:59")),
            &FollowUpRule::default()
        );
        assert_eq!(settings.rule_at(dt("2026-11-10 09:00:00")), &stricter);
        assert_eq!(settings.rule_at(dt("2026-11-25 09:00:00")), &off);
        assert!(settings.ever_enabled());
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            serde_json::from_value::<FollowUpSettings>(json).unwrap(),
            settings
        );
        // A rule never changed is written as before, and reads back.
        let plain = serde_json::to_value(FollowUpSettings::new("survey:a")).unwrap();
        assert!(plain.get("earlier").is_none());
        let mut never = FollowUpSettings::new("survey:b");
        never.rule.enabled = false;
        assert!(!never.ever_enabled());
    }

    #[test]
    fn blank_survey_is_valid_and_editable() {
        let b = blank_survey("survey:b");
        assert!(b.definition_problems(true).is_empty());
        assert_eq!(b.version, 1);
    }

    #[test]
    fn an_edit_rebased_over_a_newer_revision_keeps_both_changes() {
        let base = Survey {
            rev: Some("1-a".into()),
            ..blank_survey("survey:r")
        };
        // A colleague retitled it (saved as revision 2); this tab edited a question's text.
        let mut newer = base.clone();
        newer.rev = Some("2-b".into());
        newer.title.zh = "新标题".into();
        let mut mine = base.clone();
        mine.questions[0].text.en = "Edited here".into();
        let out = mine.rebase(&base, &newer);
        assert_eq!(out.rev.as_deref(), Some("2-b"));
        assert_eq!(out.title.zh, "新标题");
        assert_eq!(out.questions[0].text.en, "Edited here");
        // Both changed one field: this edit's is kept.
        let mut mine2 = mine.clone();
        mine2.title.zh = "我的标题".into();
        assert_eq!(mine2.rebase(&base, &newer).title.zh, "我的标题");
        // Nothing changed here: the newer revision as it is.
        assert_eq!(base.rebase(&base, &newer), newer);
    }
    #[test]
    fn stopping_a_survey_keeps_its_version_and_survives_edits_and_older_records() {
        let s = Survey {
            rev: Some("3-c".into()),
            ..default_survey("survey:s")
        };
        assert!(s.collecting());
        let at = dt("2025-06-30 17:00:00");
        let stopped = s.stopped(at);
        assert!(!stopped.collecting());
        assert_eq!(stopped.stopped_at, Some(at));
        // Not an edit: same version, same questions, nothing kept as an earlier version.
        assert_eq!(stopped.version, s.version);
        assert_eq!(stopped.current_version(), s.current_version());
        assert!(stopped.previous_versions.is_empty());
        // Stopping again keeps the first time.
        assert_eq!(
            stopped.stopped(dt("2025-07-01 09:00:00")).stopped_at,
            Some(at)
        );
        // An edit of the questions (with responses: a new version) leaves it stopped, and a
        // builder's copy saying otherwise does not resume it.
        let mut typed = s.clone();
        typed.questions[0].text.zh = "改过的题目".into();
        let edited = stopped.edit(typed, true);
        assert_eq!(edited.version, s.version + 1);
        assert_eq!(edited.stopped_at, Some(at));
        assert!(s.edit(stopped.clone(), true).collecting());
        // Collecting again: as before, same version.
        let resumed = stopped.resumed();
        assert!(resumed.collecting());
        assert_eq!(resumed, s);
        // An older record (no field) reads as collecting and is written back without it; a
        // stopped one round-trips.
        let mut old = serde_json::to_value(&s).unwrap();
        assert!(old.get("stopped_at").is_none());
        old.as_object_mut().unwrap().remove("stopped_at");
        assert!(serde_json::from_value::<Survey>(old).unwrap().collecting());
        let json = serde_json::to_string(&stopped).unwrap();
        assert_eq!(serde_json::from_str::<Survey>(&json).unwrap(), stopped);
        // A colleague's stop survives this tab's edit rebased over it.
        let mut mine = s.clone();
        mine.title.en = "Edited here".into();
        let over = mine.rebase(&s, &stopped);
        assert_eq!(over.stopped_at, Some(at));
        assert_eq!(over.title.en, "Edited here");
    }

    #[test]
    fn a_save_names_who_saved_and_an_edit_does_not_take_the_drafts_name() {
        let s = default_survey("survey:s");
        assert_eq!(s.changed, None);
        let at = dt("2026-12-07 10:00:00");
        let saved = s.clone().saved_by("张敏", at);
        let who = Some(Changed {
            by: "张敏".into(),
            at,
        });
        assert_eq!(saved.changed, who);
        // Not part of the definition: no new version for it.
        assert_eq!(saved.current_version(), s.current_version());
        // An edit keeps the stored survey's name until the save names its own, whatever the
        // draft carried.
        let mut draft = saved.clone();
        draft.changed = Some(Changed {
            by: "someone else".into(),
            at: dt("2020-01-01 00:00:00"),
        });
        draft.title.zh = "新标题".into();
        let edited = saved.edit(draft, true);
        assert_eq!(edited.changed, who);
        assert_eq!(edited.version, saved.version);
        let later = dt("2026-12-07 11:00:00");
        assert_eq!(edited.saved_by("李强", later).changed.unwrap().by, "李强");
        // Stopping and resuming keep it until their save names theirs; older records (no
        // field) read as nobody's, and it round-trips.
        assert_eq!(saved.stopped(later).changed, who);
        assert_eq!(saved.resumed().changed, who);
        let mut old = serde_json::to_value(&s).unwrap();
        assert!(old.get("changed").is_none());
        old.as_object_mut().unwrap().remove("changed");
        assert_eq!(serde_json::from_value::<Survey>(old).unwrap().changed, None);
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(serde_json::from_str::<Survey>(&json).unwrap(), saved);
    }
}
