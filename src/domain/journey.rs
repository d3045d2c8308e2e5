//! Customer journeys (客户旅程): configurable stages with their touchpoints, and the
//! journey map computed from live records: per stage × touchpoint the complaints, demands
//! and survey responses behind each figure, satisfaction per stage, and pain points.
//! The UI maps domain records into the light row structs defined here.

use super::sort::{sort_by, sort_by_key};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::customer::{Level, Lifecycle, Tier};
use super::demand::DemandType;
use super::survey::Text;
use super::Record;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touchpoint {
    /// Unique within its stage.
    pub id: String,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub name: Text,
    pub touchpoints: Vec<Touchpoint>,
}

impl Stage {
    pub fn touchpoint(&self, id: &str) -> Option<&Touchpoint> {
        self.touchpoints.iter().find(|t| t.id == id)
    }
}

/// The branch's journey: stages in order. One document per branch database, id
/// `"journey:config"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyConfig {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub stages: Vec<Stage>,
}

impl Record for JourneyConfig {
    const TYPE: &'static str = "journey";
}

impl JourneyConfig {
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Problems with an edited configuration, as sentences.
    pub fn problems(&self, zh: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (i, s) in self.stages.iter().enumerate() {
            let n = i + 1;
            if s.id.trim().is_empty() || !ids.insert(s.id.as_str()) {
                out.push(if zh {
                    format!("第{n}个阶段的编号为空或重复")
                } else {
                    format!("Stage {n} has an empty or repeated id")
                });
            }
            if s.name.zh.trim().is_empty() && s.name.en.trim().is_empty() {
                out.push(if zh {
                    format!("第{n}个阶段缺少名称")
                } else {
                    format!("Stage {n} has no name")
                });
            }
            let mut tps = std::collections::HashSet::new();
            if s.touchpoints
                .iter()
                .any(|t| t.id.trim().is_empty() || !tps.insert(t.id.as_str()))
            {
                out.push(if zh {
                    format!("第{n}个阶段的触点编号为空或重复")
                } else {
                    format!("Stage {n} has a touchpoint with an empty or repeated id")
                });
            }
        }
        out
    }
}

fn tp(id: &str, zh: &str, en: &str) -> Touchpoint {
    Touchpoint {
        id: id.into(),
        name: Text::new(zh, en),
    }
}

/// The default journey of a securities branch.
pub fn default_journey() -> JourneyConfig {
    let stage = |id: &str, zh: &str, en: &str, touchpoints: Vec<Touchpoint>| Stage {
        id: id.into(),
        name: Text::new(zh, en),
        touchpoints,
    };
    JourneyConfig {
        id: "journey:config".into(),
        rev: None,
        stages: vec![
            stage(
                "pre_sale",
                "售前·开户",
                "Pre-sale · account opening",
                vec![
                    tp("counter", "营业部柜台", "Branch counter"),
                    tp("app", "手机App开户", "App account opening"),
                    tp("phone", "客服电话", "Service hotline"),
                    tp("account_manager", "客户经理", "Account manager"),
                ],
            ),
            stage(
                "in_sale",
                "售中·交易",
                "In-sale · trading",
                vec![
                    tp("app", "交易App", "Trading app"),
                    tp("phone", "客服电话", "Service hotline"),
                    tp("counter", "营业部柜台", "Branch counter"),
                    tp("account_manager", "客户经理", "Account manager"),
                ],
            ),
            stage(
                "after_sale",
                "售后·理财",
                "After-sale · wealth management",
                vec![
                    tp("account_manager", "客户经理", "Account manager"),
                    tp("app", "手机App", "App"),
                    tp("phone", "客服电话", "Service hotline"),
                    tp("events", "投教活动", "Investor education events"),
                ],
            ),
            stage(
                "exit",
                "销户·转户",
                "Exit · transfer-out",
                vec![
                    tp("counter", "营业部柜台", "Branch counter"),
                    tp("phone", "客服电话", "Service hotline"),
                    tp("app", "手机App", "App"),
                ],
            ),
        ],
    }
}

/// What the journey map needs of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: String,
    pub tier: Tier,
    pub value: Level,
    pub lifecycle: Lifecycle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub id: String,
    pub customer_id: Option<String>,
    pub stage: Option<String>,
    pub touchpoint: Option<String>,
    /// Category key or label, as the complaint module names it.
    pub category: String,
    pub received: NaiveDate,
}

/// What the journey needs of a complaint, kept by the store beside each complaint (the
/// `journey_complaint` summary, see `store::schema`), so that the map reads a few segments
/// instead of every case in full (a case with its history is some 4 KB; this is some 150
/// bytes). Stored with one-letter names; a destroyed case has none (the map leaves it out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFacts {
    #[serde(rename = "n")]
    pub case_no: String,
    /// The complainant's name (the drill-down's title).
    #[serde(rename = "w")]
    pub complainant: String,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(rename = "c")]
    pub channel: super::complaint::Channel,
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub category: Option<super::complaint::Category>,
    #[serde(rename = "r")]
    pub received: NaiveDate,
}

impl ComplaintFacts {
    /// The facts of a stored complaint's body; None for a destroyed case or a body that does
    /// not read as a complaint's (the fields read as `Complaint` reads them).
    pub fn of_body(body: &serde_json::Value) -> Option<ComplaintFacts> {
        use super::calendar::time_text;
        #[derive(Deserialize)]
        struct Complainant {
            name: String,
        }
        #[derive(Deserialize)]
        struct Body {
            case_no: String,
            complainant: Complainant,
            #[serde(default)]
            customer_id: Option<String>,
            channel: super::complaint::Channel,
            #[serde(with = "time_text")]
            received_at: chrono::NaiveDateTime,
            #[serde(default)]
            category: Option<super::complaint::Category>,
            #[serde(default)]
            destroyed: bool,
        }
        let b = Body::deserialize(body).ok()?;
        (!b.destroyed).then(|| ComplaintFacts {
            case_no: b.case_no,
            complainant: b.complainant.name,
            customer_id: b.customer_id,
            channel: b.channel,
            category: b.category,
            received: b.received_at.date(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandRow {
    pub id: String,
    pub customer_id: Option<String>,
    pub stage: Option<String>,
    pub touchpoint: Option<String>,
    pub kind: DemandType,
    pub created: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRow {
    pub id: String,
    pub customer_id: Option<String>,
    pub stage: Option<String>,
    pub touchpoint: Option<String>,
    /// 0–100 (see `stats::response_satisfaction`); `None` when the response has no score.
    pub satisfaction: Option<f64>,
    /// Its CSAT answers: (answers of 4 or 5, answers of 1–5) (see `stats::response_csat`).
    #[serde(default)]
    pub csat: (u32, u32),
    pub submitted: NaiveDate,
}

/// Where a complaint sits on the journey, as (stage id, touchpoint id). Complaints carry no
/// stage of their own: the linked customer's current stage wins; else the category says it
/// (account handling → pre-sale, trading and fees → in-sale, advice and disclosure →
/// after-sale; attitude, environment and other stay unstaged). The touchpoint follows the
/// channel (phone → `phone`, internet or email → `app`, in person, comment book or letter →
/// `counter`), and counts only where the stage has that touchpoint.
pub fn complaint_place(
    category: Option<super::complaint::Category>,
    channel: super::complaint::Channel,
    customer_stage: Option<&str>,
) -> (Option<String>, Option<String>) {
    use super::complaint::{Category, Channel};
    let stage = customer_stage.map(str::to_string).or_else(|| {
        match category? {
            Category::AccountHandling => Some("pre_sale"),
            Category::TradingSystem | Category::Fees => Some("in_sale"),
            Category::ProductAdvice | Category::InformationDisclosure => Some("after_sale"),
            Category::ServiceAttitude | Category::Environment | Category::Other => None,
        }
        .map(str::to_string)
    });
    let touchpoint = match channel {
        Channel::Phone => "phone",
        Channel::Internet | Channel::Email => "app",
        Channel::InPerson | Channel::CommentBook | Channel::Letter => "counter",
    };
    let touchpoint = stage.as_ref().map(|_| touchpoint.to_string());
    (stage, touchpoint)
}

/// Which records count. Empty lists mean "any". A customer filter leaves out records not
/// linked to a known customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyFilter {
    pub tiers: Vec<Tier>,
    pub values: Vec<Level>,
    pub lifecycles: Vec<Lifecycle>,
    /// Inclusive.
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
}

impl JourneyFilter {
    fn has_customer_filter(&self) -> bool {
        !(self.tiers.is_empty() && self.values.is_empty() && self.lifecycles.is_empty())
    }
}

/// Everything the map is computed from.
#[derive(Debug, Clone, Copy)]
pub struct JourneyInput<'a> {
    pub customers: &'a [CustomerRow],
    pub complaints: &'a [ComplaintRow],
    pub demands: &'a [DemandRow],
    pub responses: &'a [ResponseRow],
}

/// Satisfaction of a set of responses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// Mean satisfaction, 0–100.
    pub mean: f64,
    /// The CSAT of the responses: percent of their CSAT answers that are 4 or 5, as the
    /// survey results count it, so a stage is judged against the target by the same figure.
    pub satisfied_pct: f64,
    /// Responses with a score.
    pub n: usize,
}

impl Satisfaction {
    /// Below the target (percent satisfied): the rule of a stage's pain point, and the colour
    /// of a cell's figure.
    pub fn below(&self, target_pct: f64) -> bool {
        self.satisfied_pct < target_pct
    }
}

/// What a set of responses says: their satisfaction scores, and their CSAT answers summed.
#[derive(Debug, Clone, Default)]
struct Scores {
    of_responses: Vec<f64>,
    csat: (u32, u32),
}

impl Scores {
    fn add(&mut self, r: &ResponseRow) {
        if let Some(s) = r.satisfaction.filter(|s| s.is_finite()) {
            self.of_responses.push(s);
        }
        self.csat.0 += r.csat.0;
        self.csat.1 += r.csat.1;
    }
    fn extend(&mut self, other: &Scores) {
        self.of_responses.extend(other.of_responses.iter().copied());
        self.csat.0 += other.csat.0;
        self.csat.1 += other.csat.1;
    }
}

/// None when no response has a score or no CSAT answer was given.
fn satisfaction(scores: &Scores) -> Option<Satisfaction> {
    let n = scores.of_responses.len();
    if n == 0 || scores.csat.1 == 0 {
        return None;
    }
    Some(Satisfaction {
        mean: scores.of_responses.iter().sum::<f64>() / n as f64,
        satisfied_pct: 100.0 * f64::from(scores.csat.0) / f64::from(scores.csat.1),
        n,
    })
}

/// The records of one stage × touchpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ids {
    pub complaints: Vec<String>,
    pub demands: Vec<String>,
    pub responses: Vec<String>,
}

impl Ids {
    pub fn is_empty(&self) -> bool {
        self.complaints.is_empty() && self.demands.is_empty() && self.responses.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// `None`: records of the stage with no (or an unknown) touchpoint.
    pub touchpoint_id: Option<String>,
    pub name: Text,
    pub ids: Ids,
    pub satisfaction: Option<Satisfaction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub count: usize,
    pub complaint_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    pub stage_id: String,
    pub name: Text,
    /// One per configured touchpoint in order, then the no-touchpoint cell when it has records.
    pub cells: Vec<Cell>,
    pub ids: Ids,
    /// `None` without scored responses.
    pub satisfaction: Option<Satisfaction>,
    /// Most frequent complaint categories, most first (ties by name), at most `top_n`.
    pub top_categories: Vec<CategoryCount>,
    /// Satisfied share below the target; `None` without data.
    pub below_target: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PainPoint {
    /// A stage whose satisfied share is below the target.
    LowSatisfaction {
        stage_id: String,
        satisfied_pct: f64,
        target_pct: f64,
        response_ids: Vec<String>,
    },
    /// The most complained-about category of a stage.
    ComplaintHotspot {
        stage_id: String,
        category: String,
        count: usize,
        complaint_ids: Vec<String>,
    },
}

impl PainPoint {
    pub fn describe(&self, config: &JourneyConfig, zh: bool) -> String {
        let stage_name = |id: &str| {
            config
                .stage(id)
                .map(|s| s.name.get(zh).to_string())
                .unwrap_or_else(|| id.to_string())
        };
        match (self, zh) {
            (
                PainPoint::LowSatisfaction {
                    stage_id,
                    satisfied_pct,
                    target_pct,
                    ..
                },
                true,
            ) => {
                format!(
                    "{}满意率{}%，低于目标{target_pct:.0}%",
                    stage_name(stage_id),
                    super::stats::fixed_beside(*satisfied_pct, 1, &[0.0, 100.0, *target_pct])
                )
            }
            (
                PainPoint::LowSatisfaction {
                    stage_id,
                    satisfied_pct,
                    target_pct,
                    ..
                },
                false,
            ) => format!(
                "{}: {}% satisfied, below the {target_pct:.0}% target",
                stage_name(stage_id),
                super::stats::fixed_beside(*satisfied_pct, 1, &[0.0, 100.0, *target_pct])
            ),
            (
                PainPoint::ComplaintHotspot {
                    stage_id,
                    category,
                    count,
                    ..
                },
                true,
            ) => {
                format!("{}:“{category}”投诉{count}件", stage_name(stage_id))
            }
            (
                PainPoint::ComplaintHotspot {
                    stage_id,
                    category,
                    count,
                    ..
                },
                false,
            ) => {
                format!(
                    "{}: {count} complaint(s) about “{category}”",
                    stage_name(stage_id)
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyMap {
    pub stages: Vec<StageSummary>,
    /// Records with no stage or a stage not in the configuration.
    pub unstaged: Ids,
    /// Low-satisfaction stages (lowest first), then complaint hotspots (most first).
    pub pain_points: Vec<PainPoint>,
    pub target_pct: f64,
}

/// Computes the journey map. `target_pct` is the satisfied-share target (90 for the
/// branch's 90 % goal); `top_n` how many complaint categories to list per stage.
pub fn journey_map(
    config: &JourneyConfig,
    input: &JourneyInput<'_>,
    filter: &JourneyFilter,
    target_pct: f64,
    top_n: usize,
) -> JourneyMap {
    let customers: HashMap<&str, &CustomerRow> =
        input.customers.iter().map(|c| (c.id.as_str(), c)).collect();
    let keep = |customer_id: &Option<String>, date: NaiveDate| -> bool {
        if filter.from.is_some_and(|f| date < f) || filter.to.is_some_and(|t| date > t) {
            return false;
        }
        if !filter.has_customer_filter() {
            return true;
        }
        let Some(c) = customer_id.as_deref().and_then(|id| customers.get(id)) else {
            return false;
        };
        (filter.tiers.is_empty() || filter.tiers.contains(&c.tier))
            && (filter.values.is_empty() || filter.values.contains(&c.value))
            && (filter.lifecycles.is_empty() || filter.lifecycles.contains(&c.lifecycle))
    };

    // (stage index, Some(touchpoint index) | None) of a row; None when unstaged.
    let locate =
        |stage: &Option<String>, touchpoint: &Option<String>| -> Option<(usize, Option<usize>)> {
            let si = config
                .stages
                .iter()
                .position(|s| Some(&s.id) == stage.as_ref())?;
            let ti = touchpoint.as_ref().and_then(|t| {
                config.stages[si]
                    .touchpoints
                    .iter()
                    .position(|x| &x.id == t)
            });
            Some((si, ti))
        };

    // Per stage: cells indexed by touchpoint (last = none), scores per cell.
    let mut cells: Vec<Vec<(Ids, Scores)>> = config
        .stages
        .iter()
        .map(|s| vec![(Ids::default(), Scores::default()); s.touchpoints.len() + 1])
        .collect();
    let mut categories: Vec<BTreeMap<String, Vec<String>>> =
        vec![BTreeMap::new(); config.stages.len()];
    let mut unstaged = Ids::default();
    let slot = |loc: (usize, Option<usize>), cells: &Vec<Vec<(Ids, Scores)>>| {
        loc.1.unwrap_or(cells[loc.0].len() - 1)
    };

    for c in input
        .complaints
        .iter()
        .filter(|c| keep(&c.customer_id, c.received))
    {
        match locate(&c.stage, &c.touchpoint) {
            Some(loc) => {
                let k = slot(loc, &cells);
                cells[loc.0][k].0.complaints.push(c.id.clone());
                categories[loc.0]
                    .entry(c.category.clone())
                    .or_default()
                    .push(c.id.clone());
            }
            None => unstaged.complaints.push(c.id.clone()),
        }
    }
    for d in input
        .demands
        .iter()
        .filter(|d| keep(&d.customer_id, d.created))
    {
        match locate(&d.stage, &d.touchpoint) {
            Some(loc) => {
                let k = slot(loc, &cells);
                cells[loc.0][k].0.demands.push(d.id.clone());
            }
            None => unstaged.demands.push(d.id.clone()),
        }
    }
    for r in input
        .responses
        .iter()
        .filter(|r| keep(&r.customer_id, r.submitted))
    {
        match locate(&r.stage, &r.touchpoint) {
            Some(loc) => {
                let k = slot(loc, &cells);
                cells[loc.0][k].0.responses.push(r.id.clone());
                cells[loc.0][k].1.add(r);
            }
            None => unstaged.responses.push(r.id.clone()),
        }
    }

    let mut stages = Vec::new();
    let mut low = Vec::new();
    let mut hot = Vec::new();
    for (si, stage) in config.stages.iter().enumerate() {
        let mut stage_ids = Ids::default();
        let mut stage_scores = Scores::default();
        let mut out_cells = Vec::new();
        let n_cells = cells[si].len();
        for (ti, (ids, scores)) in std::mem::take(&mut cells[si]).into_iter().enumerate() {
            let no_touchpoint = ti == n_cells - 1;
            stage_ids.complaints.extend(ids.complaints.iter().cloned());
            stage_ids.demands.extend(ids.demands.iter().cloned());
            stage_ids.responses.extend(ids.responses.iter().cloned());
            stage_scores.extend(&scores);
            if no_touchpoint && ids.is_empty() {
                continue;
            }
            let (touchpoint_id, name) = if no_touchpoint {
                (None, Text::new("其他/未指明触点", "Other / no touchpoint"))
            } else {
                let t = &stage.touchpoints[ti];
                (Some(t.id.clone()), t.name.clone())
            };
            out_cells.push(Cell {
                touchpoint_id,
                name,
                satisfaction: satisfaction(&scores),
                ids,
            });
        }
        let mut cats: Vec<CategoryCount> = std::mem::take(&mut categories[si])
            .into_iter()
            .map(|(category, complaint_ids)| CategoryCount {
                category,
                count: complaint_ids.len(),
                complaint_ids,
            })
            .collect();
        sort_by(&mut cats, |a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.category.cmp(&b.category))
        });
        if let Some(top) = cats.first() {
            hot.push(PainPoint::ComplaintHotspot {
                stage_id: stage.id.clone(),
                category: top.category.clone(),
                count: top.count,
                complaint_ids: top.complaint_ids.clone(),
            });
        }
        cats.truncate(top_n);
        let sat = satisfaction(&stage_scores);
        let below_target = sat.map(|s| s.below(target_pct));
        if let (Some(s), Some(true)) = (sat, below_target) {
            low.push(PainPoint::LowSatisfaction {
                stage_id: stage.id.clone(),
                satisfied_pct: s.satisfied_pct,
                target_pct,
                response_ids: stage_ids.responses.clone(),
            });
        }
        stages.push(StageSummary {
            stage_id: stage.id.clone(),
            name: stage.name.clone(),
            cells: out_cells,
            ids: stage_ids,
            satisfaction: sat,
            top_categories: cats,
            below_target,
        });
    }
    let pct = |p: &PainPoint| match p {
        PainPoint::LowSatisfaction { satisfied_pct, .. } => *satisfied_pct,
        _ => 0.0,
    };
    sort_by(&mut low, |a, b| pct(a).total_cmp(&pct(b)));
    let count = |p: &PainPoint| match p {
        PainPoint::ComplaintHotspot { count, .. } => *count,
        _ => 0,
    };
    sort_by_key(&mut hot, |p| std::cmp::Reverse(count(p))); // stable: stage order among equals
    low.extend(hot);
    JourneyMap {
        stages,
        unstaged,
        pain_points: low,
        target_pct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn complaint(id: &str, cust: &str, stage: &str, tp: &str, cat: &str, day: u32) -> ComplaintRow {
        ComplaintRow {
            id: id.into(),
            customer_id: s(cust),
            stage: (!stage.is_empty()).then(|| stage.to_string()),
            touchpoint: (!tp.is_empty()).then(|| tp.to_string()),
            category: cat.into(),
            received: d(day),
        }
    }

    fn response(
        id: &str,
        cust: Option<&str>,
        stage: &str,
        tp: &str,
        sat: Option<f64>,
        day: u32,
    ) -> ResponseRow {
        ResponseRow {
            id: id.into(),
            customer_id: cust.map(str::to_string),
            stage: s(stage),
            touchpoint: (!tp.is_empty()).then(|| tp.to_string()),
            satisfaction: sat,
            // One CSAT answer, satisfied when the score is (4 or 5 on a 1–5 scale).
            csat: sat.map_or((0, 0), |x| (u32::from(x >= 75.0), 1)),
            submitted: d(day),
        }
    }

    #[test]
    fn complaint_facts_read_what_the_map_needs_and_leave_destroyed_cases_out() {
        use crate::domain::complaint::{Category, Channel};
        let mut body = serde_json::json!({
            "type": "complaint", "case_no": "TS-20251016-A1-0001",
            "complainant": {"name": "钱洋", "phone": "18171093210", "email": "", "address": ""},
            "customer_id": "customer:1", "channel": "in_person",
            "received_at": "2025-10-16T08:45:29", "category": "product_advice",
            "destroyed": false, "narrative": "…", "history": [], "rounds": []
        });
        let facts = ComplaintFacts::of_body(&body).unwrap();
        assert_eq!(
            facts,
            ComplaintFacts {
                case_no: "TS-20251016-A1-0001".into(),
                complainant: "钱洋".into(),
                customer_id: Some("customer:1".into()),
                channel: Channel::InPerson,
                category: Some(Category::ProductAdvice),
                received: NaiveDate::from_ymd_opt(2025, 10, 16).unwrap(),
            }
        );
        // As stored and read back.
        let text = serde_json::to_string(&facts).unwrap();
        assert_eq!(
            serde_json::from_str::<ComplaintFacts>(&text).unwrap(),
            facts
        );
        // Unclassified, with no customer: both absent.
        body["category"] = serde_json::Value::Null;
        body.as_object_mut().unwrap().remove("customer_id");
        let bare = ComplaintFacts::of_body(&body).unwrap();
        assert_eq!((bare.category, bare.customer_id), (None, None));
        body["destroyed"] = true.into();
        assert_eq!(ComplaintFacts::of_body(&body), None);
    }

    /// Two customers: c1 VIP/high/existing, c2 new/low/new.
    fn fixture() -> (
        Vec<CustomerRow>,
        Vec<ComplaintRow>,
        Vec<DemandRow>,
        Vec<ResponseRow>,
    ) {
        let customers = vec![
            CustomerRow {
                id: "c1".into(),
                tier: Tier::Vip,
                value: Level::High,
                lifecycle: Lifecycle::Existing,
            },
            CustomerRow {
                id: "c2".into(),
                tier: Tier::New,
                value: Level::Low,
                lifecycle: Lifecycle::New,
            },
        ];
        let complaints = vec![
            complaint("k1", "c1", "in_sale", "app", "系统故障", 2),
            complaint("k2", "c2", "in_sale", "app", "系统故障", 3),
            complaint("k3", "c2", "in_sale", "phone", "服务态度", 4),
            complaint("k4", "c1", "pre_sale", "counter", "业务流程", 5),
            complaint("k5", "c1", "", "", "其他", 6), // no stage
            complaint("k6", "c2", "in_sale", "fax", "服务态度", 7), // unknown touchpoint
        ];
        let demands = vec![
            DemandRow {
                id: "d1".into(),
                customer_id: s("c1"),
                stage: s("after_sale"),
                touchpoint: s("account_manager"),
                kind: DemandType::ProductRecommendation,
                created: d(2),
            },
            DemandRow {
                id: "d2".into(),
                customer_id: None,
                stage: s("nowhere"),
                touchpoint: None,
                kind: DemandType::Other,
                created: d(2),
            },
        ];
        let responses = vec![
            // in_sale: 100, 50, 75 at app; none scored at phone.
            response("r1", Some("c1"), "in_sale", "app", Some(100.0), 2),
            response("r2", Some("c2"), "in_sale", "app", Some(50.0), 3),
            response("r3", None, "in_sale", "app", Some(75.0), 4),
            response("r4", Some("c2"), "in_sale", "phone", None, 4),
            // pre_sale: 100 and 87.5 at counter.
            response("r5", Some("c1"), "pre_sale", "counter", Some(100.0), 5),
            response("r6", Some("c1"), "pre_sale", "counter", Some(87.5), 20),
        ];
        (customers, complaints, demands, responses)
    }

    #[test]
    fn journey_map_by_hand() {
        let cfg = default_journey();
        assert!(cfg.problems(true).is_empty());
        let (cu, co, de, re) = fixture();
        let input = JourneyInput {
            customers: &cu,
            complaints: &co,
            demands: &de,
            responses: &re,
        };
        let m = journey_map(&cfg, &input, &JourneyFilter::default(), 90.0, 3);
        assert_eq!(m.stages.len(), 4);
        assert_eq!(m.unstaged.complaints, vec!["k5"]);
        assert_eq!(m.unstaged.demands, vec!["d2"]);

        let pre = &m.stages[0];
        assert_eq!(pre.ids.complaints, vec!["k4"]);
        let s = pre.satisfaction.unwrap();
        // (100 + 87.5)/2 = 93.75; both ≥ 75 → 100 % satisfied.
        assert_eq!((s.mean, s.satisfied_pct, s.n), (93.75, 100.0, 2));
        assert_eq!(pre.below_target, Some(false));
        assert_eq!(pre.cells.len(), 4, "no extra cell without unplaced records");
        assert_eq!(pre.cells[0].ids.responses, vec!["r5", "r6"]);

        let ins = &m.stages[1];
        // Stage mean (100 + 50 + 75)/3 = 75; satisfied: 100 and 75 → 2 of 3 = 66.67 %.
        let s = ins.satisfaction.unwrap();
        assert_eq!(s.n, 3);
        assert!((s.mean - 75.0).abs() < 1e-9);
        assert!((s.satisfied_pct - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(ins.below_target, Some(true));
        assert_eq!(ins.ids.complaints, vec!["k1", "k2", "k3", "k6"]);
        let app = &ins.cells[0];
        assert_eq!(app.touchpoint_id.as_deref(), Some("app"));
        assert_eq!(app.ids.complaints, vec!["k1", "k2"]);
        assert_eq!(app.ids.responses, vec!["r1", "r2", "r3"]);
        let phone = &ins.cells[1];
        assert_eq!(phone.ids.responses, vec!["r4"]);
        assert_eq!(
            phone.satisfaction, None,
            "a response without a score gives no satisfaction"
        );
        let other = ins.cells.last().unwrap();
        assert_eq!(other.touchpoint_id, None);
        assert_eq!(other.ids.complaints, vec!["k6"]);
        // Categories: 系统故障 2 (k1, k2), 服务态度 2 (k3, k6): tie broken by name.
        let cats: Vec<(&str, usize)> = ins
            .top_categories
            .iter()
            .map(|c| (c.category.as_str(), c.count))
            .collect();
        let mut expect = vec![("服务态度", 2), ("系统故障", 2)];
        expect.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(cats, expect);

        let after = &m.stages[2];
        assert_eq!(after.ids.demands, vec!["d1"]);
        assert_eq!(after.satisfaction, None);
        assert_eq!(after.below_target, None);
        assert!(m.stages[3].ids.is_empty());

        // Pain points: in_sale low satisfaction first, then hotspots (in_sale 2, pre_sale 1).
        assert_eq!(m.pain_points.len(), 3);
        match &m.pain_points[0] {
            PainPoint::LowSatisfaction {
                stage_id,
                response_ids,
                ..
            } => {
                assert_eq!(stage_id, "in_sale");
                assert_eq!(response_ids, &vec!["r1", "r2", "r3", "r4"]);
            }
            p => panic!("{p:?}"),
        }
        assert!(
            matches!(&m.pain_points[1], PainPoint::ComplaintHotspot { stage_id, count: 2, .. } if stage_id == "in_sale")
        );
        assert!(
            matches!(&m.pain_points[2], PainPoint::ComplaintHotspot { stage_id, count: 1, .. } if stage_id == "pre_sale")
        );
        assert_eq!(
            m.pain_points[0].describe(&cfg, true),
            "售中·交易满意率66.7%，低于目标90%"
        );
    }

    #[test]
    fn filters_by_customer_and_period() {
        let cfg = default_journey();
        let (cu, co, de, re) = fixture();
        let input = JourneyInput {
            customers: &cu,
            complaints: &co,
            demands: &de,
            responses: &re,
        };
        let vip = JourneyFilter {
            tiers: vec![Tier::Vip],
            ..Default::default()
        };
        let m = journey_map(&cfg, &input, &vip, 90.0, 3);
        // c1 only: r3 (anonymous) and d2 (no customer) drop out.
        let ins = &m.stages[1];
        assert_eq!(ins.ids.complaints, vec!["k1"]);
        assert_eq!(ins.ids.responses, vec!["r1"]);
        assert_eq!(ins.satisfaction.unwrap().mean, 100.0);
        assert_eq!(ins.below_target, Some(false));
        assert!(m.unstaged.demands.is_empty());
        assert_eq!(m.unstaged.complaints, vec!["k5"]);

        let period = JourneyFilter {
            from: Some(d(3)),
            to: Some(d(5)),
            ..Default::default()
        };
        let m = journey_map(&cfg, &input, &period, 90.0, 1);
        assert_eq!(m.stages[1].ids.complaints, vec!["k2", "k3"]);
        assert_eq!(m.stages[1].top_categories.len(), 1);
        assert_eq!(m.stages[0].ids.responses, vec!["r5"]);

        let lost = JourneyFilter {
            lifecycles: vec![Lifecycle::Lost],
            ..Default::default()
        };
        let m = journey_map(&cfg, &input, &lost, 90.0, 3);
        assert!(m
            .stages
            .iter()
            .all(|s| s.ids.is_empty() && s.satisfaction.is_none()));
        assert!(m.pain_points.is_empty());
    }

    #[test]
    fn complaints_are_placed_by_customer_stage_then_category() {
        use crate::domain::complaint::{Category, Channel};
        assert_eq!(
            complaint_place(Some(Category::TradingSystem), Channel::Phone, None),
            (s("in_sale"), s("phone"))
        );
        assert_eq!(
            complaint_place(
                Some(Category::TradingSystem),
                Channel::Internet,
                Some("exit")
            ),
            (s("exit"), s("app"))
        );
        assert_eq!(
            complaint_place(Some(Category::ServiceAttitude), Channel::InPerson, None),
            (None, None)
        );
        assert_eq!(complaint_place(None, Channel::Letter, None), (None, None));
        // Placed rows feed the map: the complaint lands in its stage's phone cell.
        let config = default_journey();
        let (stage, touchpoint) = complaint_place(Some(Category::Fees), Channel::Phone, None);
        let rows = vec![ComplaintRow {
            id: "complaint:1".into(),
            customer_id: None,
            stage,
            touchpoint,
            category: "收费".into(),
            received: d(3),
        }];
        let input = JourneyInput {
            customers: &[],
            complaints: &rows,
            demands: &[],
            responses: &[],
        };
        let map = journey_map(&config, &input, &JourneyFilter::default(), 90.0, 3);
        let in_sale = &map.stages[1];
        let phone = in_sale
            .cells
            .iter()
            .find(|c| c.touchpoint_id.as_deref() == Some("phone"))
            .unwrap();
        assert_eq!(phone.ids.complaints, vec!["complaint:1".to_string()]);
    }

    #[test]
    fn config_problems() {
        let mut cfg = default_journey();
        cfg.stages[1].id = "pre_sale".into();
        cfg.stages[2].touchpoints[1].id = "account_manager".into();
        let p = cfg.problems(false);
        assert_eq!(
            p,
            vec![
                "Stage 2 has an empty or repeated id",
                "Stage 3 has a touchpoint with an empty or repeated id"
            ]
        );
    }

    #[test]
    fn a_stage_is_judged_by_the_csat_of_its_responses() {
        let (cu, co, de, _) = fixture();
        let in_sale = |re: &[ResponseRow]| {
            let input = JourneyInput {
                customers: &cu,
                complaints: &co,
                demands: &de,
                responses: re,
            };
            let m = journey_map(
                &default_journey(),
                &input,
                &JourneyFilter::default(),
                90.0,
                3,
            );
            let s = m
                .stages
                .into_iter()
                .find(|s| s.stage_id == "in_sale")
                .unwrap();
            (s.satisfaction.unwrap(), s.below_target)
        };
        // Ten responses at in-sale: each 5 on the CSAT question, 3 on the rest (mean 55.6).
        let mut re: Vec<ResponseRow> = (0..10)
            .map(|i| ResponseRow {
                csat: (1, 1),
                ..response(&format!("q{i}"), None, "in_sale", "app", Some(55.6), 5)
            })
            .collect();
        let (s, below) = in_sale(&re);
        assert_eq!((s.satisfied_pct, s.n), (100.0, 10));
        assert!((s.mean - 55.6).abs() < 1e-9);
        assert_eq!(below, Some(false));
        // Two dissatisfied answers in ten: 80 %, below the target.
        re[0].csat = (0, 1);
        re[1].csat = (0, 1);
        let (s, below) = in_sale(&re);
        assert_eq!(s.satisfied_pct, 80.0);
        assert_eq!(below, Some(true));
    }
}
