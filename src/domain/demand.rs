//! Customer demands (客户需求) and the two priority views of the demand matrix (需求矩阵):
//! urgent × important quadrants and customer value × intensity. Automatic placement,
//! recorded manual overrides, the priority score and the ranking inside a cell.
//!
//! Urgency and importance are 1–5 (finer than high/medium/low so the score can separate
//! demands inside one quadrant):
//! urgency 5 = act now (money or access at risk), 4 = today / next trading day,
//! 3 = this week, 2 = this month, 1 = no time pressure;
//! importance 5 = large loss or regulatory exposure if missed, 4 = significant for the
//! customer, 3 = useful, 2 = minor, 1 = nice to have.
//! With the default [`MatrixRules`] a demand is urgent at urgency ≥ 4 and important at
//! importance ≥ 4.

use super::sort::sort_by;
use std::cmp::Ordering;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::customer::{Customer, Level};
use super::Record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DemandType {
    AccountManagement,
    TradingInquiry,
    RiskAssessment,
    ProductRecommendation,
    AccountSecurity,
    Other,
}

impl DemandType {
    pub const ALL: [DemandType; 6] = [
        DemandType::AccountManagement,
        DemandType::TradingInquiry,
        DemandType::RiskAssessment,
        DemandType::ProductRecommendation,
        DemandType::AccountSecurity,
        DemandType::Other,
    ];

    pub fn label(self, zh: bool) -> &'static str {
        let (z, e) = match self {
            DemandType::AccountManagement => ("账户管理", "Account management"),
            DemandType::TradingInquiry => ("交易咨询", "Trading inquiry"),
            DemandType::RiskAssessment => ("风险评估", "Risk assessment"),
            DemandType::ProductRecommendation => ("产品推荐", "Product recommendation"),
            DemandType::AccountSecurity => ("账户安全", "Account security"),
            DemandType::Other => ("其他", "Other"),
        };
        if zh {
            z
        } else {
            e
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemandStatus {
    Open,
    InProgress,
    Done,
    Dropped { reason: String },
}

impl DemandStatus {
    pub fn is_active(&self) -> bool {
        matches!(self, DemandStatus::Open | DemandStatus::InProgress)
    }

    pub fn label(&self, zh: bool) -> &'static str {
        match (self, zh) {
            (DemandStatus::Open, true) => "待处理",
            (DemandStatus::Open, false) => "Open",
            (DemandStatus::InProgress, true) => "处理中",
            (DemandStatus::InProgress, false) => "In progress",
            (DemandStatus::Done, true) => "已完成",
            (DemandStatus::Done, false) => "Done",
            (DemandStatus::Dropped { .. }, true) => "已放弃",
            (DemandStatus::Dropped { .. }, false) => "Dropped",
        }
    }

    fn step(&self) -> u8 {
        match self {
            DemandStatus::Open => 0,
            DemandStatus::InProgress => 1,
            DemandStatus::Done => 2,
            DemandStatus::Dropped { .. } => 3,
        }
    }
}

/// The four quadrants of the urgent × important view (紧急-重要四象限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Quadrant {
    ImportantUrgent,
    ImportantNotUrgent,
    UrgentNotImportant,
    Neither,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::ImportantUrgent,
        Quadrant::ImportantNotUrgent,
        Quadrant::UrgentNotImportant,
        Quadrant::Neither,
    ];

    pub fn of(urgent: bool, important: bool) -> Quadrant {
        match (important, urgent) {
            (true, true) => Quadrant::ImportantUrgent,
            (true, false) => Quadrant::ImportantNotUrgent,
            (false, true) => Quadrant::UrgentNotImportant,
            (false, false) => Quadrant::Neither,
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Quadrant::ImportantUrgent, true) => "重要且紧急",
            (Quadrant::ImportantUrgent, false) => "Important and urgent",
            (Quadrant::ImportantNotUrgent, true) => "重要不紧急",
            (Quadrant::ImportantNotUrgent, false) => "Important, not urgent",
            (Quadrant::UrgentNotImportant, true) => "紧急不重要",
            (Quadrant::UrgentNotImportant, false) => "Urgent, not important",
            (Quadrant::Neither, true) => "不重要不紧急",
            (Quadrant::Neither, false) => "Neither urgent nor important",
        }
    }
}

/// A cell of the 3×3 customer value × demand intensity grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GridCell {
    pub value: Level,
    pub intensity: Level,
}

impl GridCell {
    /// All nine cells, high value and high intensity first, row by row.
    pub fn all() -> Vec<GridCell> {
        Level::ALL
            .iter()
            .flat_map(|v| {
                Level::ALL.iter().map(move |i| GridCell {
                    value: *v,
                    intensity: *i,
                })
            })
            .collect()
    }

    pub fn label(self, zh: bool) -> String {
        if zh {
            format!(
                "价值{}·强度{}",
                self.value.label(true),
                self.intensity.label(true)
            )
        } else {
            format!(
                "{} value · {} intensity",
                self.value.label(false),
                self.intensity.label(false)
            )
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MatrixView {
    /// Urgent × important.
    Quadrant,
    /// Customer value × intensity.
    Grid,
}

impl MatrixView {
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (MatrixView::Quadrant, true) => "紧急-重要",
            (MatrixView::Quadrant, false) => "Urgent × important",
            (MatrixView::Grid, true) => "客户价值-需求强度",
            (MatrixView::Grid, false) => "Customer value × intensity",
        }
    }
}

/// A cell of either view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MatrixCell {
    Quadrant(Quadrant),
    Grid(GridCell),
}

impl MatrixCell {
    pub fn view(self) -> MatrixView {
        match self {
            MatrixCell::Quadrant(_) => MatrixView::Quadrant,
            MatrixCell::Grid(_) => MatrixView::Grid,
        }
    }

    /// Every cell of a view, in display order.
    pub fn all(view: MatrixView) -> Vec<MatrixCell> {
        match view {
            MatrixView::Quadrant => Quadrant::ALL
                .into_iter()
                .map(MatrixCell::Quadrant)
                .collect(),
            MatrixView::Grid => GridCell::all().into_iter().map(MatrixCell::Grid).collect(),
        }
    }

    pub fn label(self, zh: bool) -> String {
        match self {
            MatrixCell::Quadrant(q) => q.label(zh).to_string(),
            MatrixCell::Grid(g) => g.label(zh),
        }
    }
}

/// A placement chosen by staff instead of the automatic one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override<C> {
    pub cell: C,
    pub reason: String,
    /// Staff id.
    pub by: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemandLink {
    Complaint(String),
    ReturnVisit(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemandEventKind {
    Created,
    StatusChanged {
        from: DemandStatus,
        to: DemandStatus,
    },
    OverrideSet {
        cell: MatrixCell,
        reason: String,
    },
    OverrideReset {
        view: MatrixView,
    },
    CustomerLinked {
        customer_id: String,
        value: Level,
    },
    CustomerValueChanged {
        from: Level,
        to: Level,
    },
    Linked(DemandLink),
    /// Handed to another owner (转办); `None`: nobody.
    Reassigned {
        from: Option<String>,
        to: Option<String>,
    },
    DueChanged {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

/// One entry of the append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandEvent {
    pub at: NaiveDateTime,
    /// Staff id.
    pub by: String,
    pub kind: DemandEventKind,
}

/// Thresholds and score weights of the matrix. The priority score (0–100) is
/// `w_urgency·(urgency−1)/4 + w_importance·(importance−1)/4 + w_value·v + w_cost·(1−c)`
/// with v and c = 1 / 0.5 / 0 for high / medium / low customer value and service cost, and
/// weights summing to 100: urgent demands of valuable customers that are cheap to serve
/// come first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatrixRules {
    pub urgent_at: u8,
    pub important_at: u8,
    pub w_urgency: f64,
    pub w_importance: f64,
    pub w_value: f64,
    pub w_cost: f64,
}

impl Default for MatrixRules {
    /// Urgent at ≥ 4, important at ≥ 4; weights urgency 40, importance 20, customer value
    /// 25, (low) service cost 15.
    fn default() -> Self {
        MatrixRules {
            urgent_at: 4,
            important_at: 4,
            w_urgency: 40.0,
            w_importance: 20.0,
            w_value: 25.0,
            w_cost: 15.0,
        }
    }
}

/// What staff enter for a new demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDemand {
    pub kind: DemandType,
    pub description: String,
    /// 1–5.
    pub urgency: u8,
    /// 1–5.
    pub importance: u8,
    pub intensity: Level,
    pub service_cost: Level,
    /// Linked customer id and its value level; without a customer the value is Medium
    /// unless `customer_value` says otherwise.
    pub customer: Option<(String, Level)>,
    pub customer_value: Option<Level>,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub stage: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Taken from the customer when one is linked.
    pub customer_value: Level,
    pub kind: DemandType,
    pub description: String,
    pub urgency: u8,
    pub importance: u8,
    pub intensity: Level,
    pub service_cost: Level,
    /// Staff id of the owner.
    #[serde(default)]
    pub owner: Option<String>,
    pub created_at: NaiveDateTime,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    pub status: DemandStatus,
    /// Journey stage id, for the journey map.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub override_quadrant: Option<Override<Quadrant>>,
    #[serde(default)]
    pub override_grid: Option<Override<GridCell>>,
    pub history: Vec<DemandEvent>,
    #[serde(default)]
    pub links: Vec<DemandLink>,
}

impl Record for Demand {
    const TYPE: &'static str = "demand";
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemandError {
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the description is empty")]
    EmptyDescription,
    #[error("{field} must be between 1 and 5")]
    OutOfRange { field: &'static str },
    #[error("cannot move from {from:?} to {to:?}")]
    Transition {
        from: DemandStatus,
        to: DemandStatus,
    },
    #[error("a done or dropped demand is not handed on")]
    NotActive,
    #[error("the owner or due date was changed meanwhile")]
    ChangedMeanwhile,
    #[error("the due date is in the past")]
    DueInPast,
}

impl DemandError {
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (DemandError::ReasonRequired, true) => "请填写原因".into(),
            (DemandError::ReasonRequired, false) => "Please give a reason".into(),
            (DemandError::EmptyDescription, true) => "请填写需求内容".into(),
            (DemandError::EmptyDescription, false) => "Please describe the demand".into(),
            (DemandError::OutOfRange { field }, true) => {
                let f = if *field == "urgency" {
                    "紧急程度"
                } else {
                    "重要程度"
                };
                format!("{f}须为1到5")
            }
            (DemandError::OutOfRange { field }, false) => {
                format!("The {field} must be from 1 to 5")
            }
            (DemandError::Transition { from, to }, true) => {
                format!("需求不能从“{}”改为“{}”", from.label(true), to.label(true))
            }
            (DemandError::NotActive, true) => "已完成或已放弃的需求不能转办，请先重新打开".into(),
            (DemandError::NotActive, false) => {
                "A done or dropped demand is not handed on: reopen it first".into()
            }
            (DemandError::ChangedMeanwhile, true) => {
                "负责人或截止日期刚被他人修改（现见上方），请确认后再保存转办".into()
            }
            (DemandError::ChangedMeanwhile, false) => {
                "Someone else has just changed the owner or due date (shown above as it is now): check, then hand on again".into()
            }
            (DemandError::DueInPast, true) => "截止日期不能早于今天".into(),
            (DemandError::DueInPast, false) => "The due date cannot be before today".into(),
            (DemandError::Transition { from, to }, false) => {
                format!(
                    "A demand cannot go from “{}” to “{}”",
                    from.label(false),
                    to.label(false)
                )
            }
        }
    }
}

fn check_scale(v: u8, field: &'static str) -> Result<(), DemandError> {
    if (1..=5).contains(&v) {
        Ok(())
    } else {
        Err(DemandError::OutOfRange { field })
    }
}

impl Demand {
    /// A new open demand, its creation recorded in the history.
    pub fn create(
        id: String,
        input: NewDemand,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<Demand, DemandError> {
        if input.description.trim().is_empty() {
            return Err(DemandError::EmptyDescription);
        }
        check_scale(input.urgency, "urgency")?;
        check_scale(input.importance, "importance")?;
        let (customer_id, value) = match input.customer {
            Some((id, v)) => (Some(id), v),
            None => (None, input.customer_value.unwrap_or(Level::Medium)),
        };
        Ok(Demand {
            id,
            rev: None,
            customer_id,
            customer_value: value,
            kind: input.kind,
            description: input.description.trim().to_string(),
            urgency: input.urgency,
            importance: input.importance,
            intensity: input.intensity,
            service_cost: input.service_cost,
            owner: input.owner,
            created_at: now,
            due: input.due,
            status: DemandStatus::Open,
            stage: input.stage,
            override_quadrant: None,
            override_grid: None,
            history: vec![DemandEvent {
                at: now,
                by: by.to_string(),
                kind: DemandEventKind::Created,
            }],
            links: Vec::new(),
        })
    }

    fn record(&mut self, by: &str, now: NaiveDateTime, kind: DemandEventKind) {
        self.history.push(DemandEvent {
            at: now,
            by: by.to_string(),
            kind,
        });
    }

    /// The quadrant from urgency and importance; an account-security demand is always urgent
    /// and important (source 004 §2.3: 将客户账户安全问题列为最高优先级), whatever its scales
    /// say: a stolen account must not wait under ordinary inquiries. Staff can still move it,
    /// with a reason, as any demand.
    pub fn auto_quadrant(&self, rules: &MatrixRules) -> Quadrant {
        if self.kind == DemandType::AccountSecurity {
            return Quadrant::of(true, true);
        }
        Quadrant::of(
            self.urgency >= rules.urgent_at,
            self.importance >= rules.important_at,
        )
    }

    /// The grid cell from the customer's value and the demand's intensity; an account-security
    /// demand is always in the high-value, high-intensity cell, the grid's first, as it is
    /// always urgent and important in the quadrants (see [`Demand::auto_quadrant`]): a low-value
    /// customer's stolen account must not wait under every ordinary demand of the grid or its
    /// list. Staff can still move it, with a reason, as any demand.
    pub fn auto_grid(&self) -> GridCell {
        if self.kind == DemandType::AccountSecurity {
            return GridCell {
                value: Level::High,
                intensity: Level::High,
            };
        }
        GridCell {
            value: self.customer_value,
            intensity: self.intensity,
        }
    }

    /// The automatic cell of a view.
    pub fn auto_cell(&self, view: MatrixView, rules: &MatrixRules) -> MatrixCell {
        match view {
            MatrixView::Quadrant => MatrixCell::Quadrant(self.auto_quadrant(rules)),
            MatrixView::Grid => MatrixCell::Grid(self.auto_grid()),
        }
    }

    /// Where the demand shows: the override if staff set one, else the automatic cell.
    pub fn cell(&self, view: MatrixView, rules: &MatrixRules) -> MatrixCell {
        match view {
            MatrixView::Quadrant => MatrixCell::Quadrant(
                self.override_quadrant
                    .as_ref()
                    .map_or_else(|| self.auto_quadrant(rules), |o| o.cell),
            ),
            MatrixView::Grid => MatrixCell::Grid(
                self.override_grid
                    .as_ref()
                    .map_or_else(|| self.auto_grid(), |o| o.cell),
            ),
        }
    }

    pub fn is_overridden(&self, view: MatrixView) -> bool {
        match view {
            MatrixView::Quadrant => self.override_quadrant.is_some(),
            MatrixView::Grid => self.override_grid.is_some(),
        }
    }

    /// Places the demand in `cell` by hand (the view is the cell's). A reason is required;
    /// the override and the history record who, when and why.
    pub fn set_override(
        &mut self,
        cell: MatrixCell,
        reason: &str,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(), DemandError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DemandError::ReasonRequired);
        }
        match cell {
            MatrixCell::Quadrant(q) => {
                self.override_quadrant = Some(Override {
                    cell: q,
                    reason: reason.to_string(),
                    by: by.to_string(),
                    at: now,
                })
            }
            MatrixCell::Grid(g) => {
                self.override_grid = Some(Override {
                    cell: g,
                    reason: reason.to_string(),
                    by: by.to_string(),
                    at: now,
                })
            }
        }
        self.record(
            by,
            now,
            DemandEventKind::OverrideSet {
                cell,
                reason: reason.to_string(),
            },
        );
        Ok(())
    }

    /// Returns the view to automatic placement. Recorded only when an override existed;
    /// returns whether one did.
    pub fn reset_override(&mut self, view: MatrixView, by: &str, now: NaiveDateTime) -> bool {
        let had = match view {
            MatrixView::Quadrant => self.override_quadrant.take().is_some(),
            MatrixView::Grid => self.override_grid.take().is_some(),
        };
        if had {
            self.record(by, now, DemandEventKind::OverrideReset { view });
        }
        had
    }

    /// The priority score, 0–100 (formula on [`MatrixRules`]).
    pub fn score(&self, rules: &MatrixRules) -> f64 {
        let u = f64::from(self.urgency.clamp(1, 5) - 1) / 4.0;
        let i = f64::from(self.importance.clamp(1, 5) - 1) / 4.0;
        rules.w_urgency * u
            + rules.w_importance * i
            + rules.w_value * self.customer_value.weight()
            + rules.w_cost * (1.0 - self.service_cost.weight())
    }

    /// Moves the demand along its lifecycle: Open → InProgress → Done, Open → Done (answered
    /// on the spot), InProgress → Open (handed back), Open/InProgress → Dropped (reason
    /// required), Done/Dropped → Open (reopened).
    pub fn transition(
        &mut self,
        to: DemandStatus,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(), DemandError> {
        use DemandStatus::*;
        if let Dropped { reason } = &to {
            if reason.trim().is_empty() {
                return Err(DemandError::ReasonRequired);
            }
        }
        let allowed = matches!(
            (self.status.step(), to.step()),
            (0, 1) | (0, 2) | (0, 3) | (1, 0) | (1, 2) | (1, 3) | (2, 0) | (3, 0)
        );
        if !allowed {
            return Err(DemandError::Transition {
                from: self.status.clone(),
                to,
            });
        }
        let from = std::mem::replace(&mut self.status, to.clone());
        self.record(by, now, DemandEventKind::StatusChanged { from, to });
        Ok(())
    }

    /// Hands the demand on (转办): a new owner (`None`: nobody) and due date, each change
    /// recorded with who and when. An open or in-progress demand only. `seen` is the owner and
    /// due date the user had before them when they chose: only what they changed from it is
    /// changed, so that a change made meanwhile elsewhere to the other stays; one they changed
    /// that was changed meanwhile too is refused ([`DemandError::ChangedMeanwhile`]: they see
    /// it first). A due date moved before `now`'s day is refused. Returns whether anything
    /// changed.
    pub fn hand_on(
        &mut self,
        seen: &(Option<String>, Option<NaiveDate>),
        owner: Option<String>,
        due: Option<NaiveDate>,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<bool, DemandError> {
        if !self.status.is_active() {
            return Err(DemandError::NotActive);
        }
        let new_owner = owner != seen.0;
        let new_due = due != seen.1;
        if (new_owner && self.owner != seen.0) || (new_due && self.due != seen.1) {
            return Err(DemandError::ChangedMeanwhile);
        }
        if new_due && due.is_some_and(|d| d < now.date()) {
            return Err(DemandError::DueInPast);
        }
        let mut changed = false;
        if new_owner && owner != self.owner {
            let from = std::mem::replace(&mut self.owner, owner.clone());
            self.record(by, now, DemandEventKind::Reassigned { from, to: owner });
            changed = true;
        }
        if new_due && due != self.due {
            let from = std::mem::replace(&mut self.due, due);
            self.record(by, now, DemandEventKind::DueChanged { from, to: due });
            changed = true;
        }
        Ok(changed)
    }

    /// Links the customer and takes their value level.
    pub fn link_customer(&mut self, customer: &Customer, by: &str, now: NaiveDateTime) {
        self.customer_id = Some(customer.id.clone());
        self.customer_value = customer.value;
        self.record(
            by,
            now,
            DemandEventKind::CustomerLinked {
                customer_id: customer.id.clone(),
                value: customer.value,
            },
        );
    }

    /// Follows a change of the linked customer's value level; returns whether it changed.
    pub fn sync_customer_value(
        &mut self,
        customer: &Customer,
        by: &str,
        now: NaiveDateTime,
    ) -> bool {
        if self.customer_id.as_deref() != Some(customer.id.as_str())
            || self.customer_value == customer.value
        {
            return false;
        }
        let from = self.customer_value;
        self.customer_value = customer.value;
        self.record(
            by,
            now,
            DemandEventKind::CustomerValueChanged {
                from,
                to: customer.value,
            },
        );
        true
    }

    /// Of `demands`, the active ones (open or in progress) of `customer` whose copied value
    /// level differs from the customer's, brought up to date with the change recorded: what
    /// to save after the customer's value level changed. Done and dropped demands keep the
    /// value they were handled with; other customers' demands are left alone.
    pub fn follow_customer_value(
        demands: impl IntoIterator<Item = Demand>,
        customer: &Customer,
        by: &str,
        now: NaiveDateTime,
    ) -> Vec<Demand> {
        demands
            .into_iter()
            .filter(|d| d.status.is_active())
            .filter_map(|mut d| d.sync_customer_value(customer, by, now).then_some(d))
            .collect()
    }

    pub fn add_link(&mut self, link: DemandLink, by: &str, now: NaiveDateTime) {
        if !self.links.contains(&link) {
            self.links.push(link.clone());
            self.record(by, now, DemandEventKind::Linked(link));
        }
    }

    /// Turns the demand into the complaint `complaint_id` (转为投诉): linked, and, open or in
    /// progress, done: from now on the complaint's own limits and steps carry it, so the
    /// demand leaves the matrix and the overdue count instead of being tracked twice. A demand
    /// already done or dropped keeps its status.
    pub fn turn_into_complaint(&mut self, complaint_id: &str, by: &str, now: NaiveDateTime) {
        self.add_link(DemandLink::Complaint(complaint_id.to_string()), by, now);
        if self.status.is_active() {
            let from = std::mem::replace(&mut self.status, DemandStatus::Done);
            let to = DemandStatus::Done;
            self.record(by, now, DemandEventKind::StatusChanged { from, to });
        }
    }

    /// The complaint this demand was turned into (转为投诉), if any: the first linked. A demand
    /// is turned into a complaint once; the detail offers no second conversion.
    pub fn complaint(&self) -> Option<&str> {
        self.links.iter().find_map(|l| match l {
            DemandLink::Complaint(id) => Some(id.as_str()),
            DemandLink::ReturnVisit(_) => None,
        })
    }

    /// The return-visit (回访) care tasks generated from this demand, the latest last.
    pub fn return_visits(&self) -> impl Iterator<Item = &str> {
        self.links.iter().filter_map(|l| match l {
            DemandLink::ReturnVisit(id) => Some(id.as_str()),
            DemandLink::Complaint(_) => None,
        })
    }

    /// Past its due date and still active.
    /// (One turned into a complaint before that closed it is the complaint's now.)
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_active() && self.complaint().is_none() && self.due.is_some_and(|d| d < today)
    }
}

/// The properties a demand created inside a cell starts with, so that it lands in that cell
/// automatically (quick-add in a cell of the matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellPreset {
    /// Urgency and importance (1–5) for a quadrant: 5 where the quadrant says urgent or
    /// important, else one below the threshold.
    Scales { urgency: u8, importance: u8 },
    /// Customer value (used when no customer is linked) and intensity for a grid cell.
    Levels {
        customer_value: Level,
        intensity: Level,
    },
}

impl MatrixCell {
    /// A stable text key of the cell (for page attributes and URLs): `q.important_urgent`,
    /// `g.high.low` (value, then intensity).
    pub fn key(self) -> String {
        fn level(l: Level) -> &'static str {
            match l {
                Level::High => "high",
                Level::Medium => "medium",
                Level::Low => "low",
            }
        }
        match self {
            MatrixCell::Quadrant(q) => format!(
                "q.{}",
                match q {
                    Quadrant::ImportantUrgent => "important_urgent",
                    Quadrant::ImportantNotUrgent => "important_not_urgent",
                    Quadrant::UrgentNotImportant => "urgent_not_important",
                    Quadrant::Neither => "neither",
                }
            ),
            MatrixCell::Grid(g) => format!("g.{}.{}", level(g.value), level(g.intensity)),
        }
    }

    /// The cell of a key made by [`MatrixCell::key`].
    pub fn from_key(key: &str) -> Option<MatrixCell> {
        MatrixView::ALL
            .iter()
            .flat_map(|v| MatrixCell::all(*v))
            .find(|c| c.key() == key)
    }

    /// What a demand created in this cell starts with (see [`CellPreset`]).
    pub fn preset(self, rules: &MatrixRules) -> CellPreset {
        match self {
            MatrixCell::Quadrant(q) => {
                let (urgent, important) = match q {
                    Quadrant::ImportantUrgent => (true, true),
                    Quadrant::ImportantNotUrgent => (false, true),
                    Quadrant::UrgentNotImportant => (true, false),
                    Quadrant::Neither => (false, false),
                };
                let below = |at: u8| at.saturating_sub(1).clamp(1, 5);
                CellPreset::Scales {
                    urgency: if urgent { 5 } else { below(rules.urgent_at) },
                    importance: if important {
                        5
                    } else {
                        below(rules.important_at)
                    },
                }
            }
            MatrixCell::Grid(g) => CellPreset::Levels {
                customer_value: g.value,
                intensity: g.intensity,
            },
        }
    }
}

impl MatrixView {
    pub const ALL: [MatrixView; 2] = [MatrixView::Quadrant, MatrixView::Grid];
}

impl DemandStatus {
    /// The status name without its data, as the `demand_by_status` index keys it:
    /// `Open`, `InProgress`, `Done`, `Dropped`.
    pub fn key(&self) -> &'static str {
        match self {
            DemandStatus::Open => "Open",
            DemandStatus::InProgress => "InProgress",
            DemandStatus::Done => "Done",
            DemandStatus::Dropped { .. } => "Dropped",
        }
    }
}

/// Which statuses a demand list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StatusFilter {
    /// Open or in progress.
    #[default]
    Active,
    Open,
    InProgress,
    Done,
    Dropped,
    All,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::Active,
        StatusFilter::Open,
        StatusFilter::InProgress,
        StatusFilter::Done,
        StatusFilter::Dropped,
        StatusFilter::All,
    ];

    pub fn matches(self, s: &DemandStatus) -> bool {
        match self {
            StatusFilter::Active => s.is_active(),
            StatusFilter::Open => *s == DemandStatus::Open,
            StatusFilter::InProgress => *s == DemandStatus::InProgress,
            StatusFilter::Done => *s == DemandStatus::Done,
            StatusFilter::Dropped => matches!(s, DemandStatus::Dropped { .. }),
            StatusFilter::All => true,
        }
    }

    /// The status keys (see [`DemandStatus::key`]) a store query needs to read.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            StatusFilter::Active => &["Open", "InProgress"],
            StatusFilter::Open => &["Open"],
            StatusFilter::InProgress => &["InProgress"],
            StatusFilter::Done => &["Done"],
            StatusFilter::Dropped => &["Dropped"],
            StatusFilter::All => &["Open", "InProgress", "Done", "Dropped"],
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (StatusFilter::Active, true) => "未完成（待处理与处理中）",
            (StatusFilter::Active, false) => "Active (open and in progress)",
            (StatusFilter::All, true) => "全部",
            (StatusFilter::All, false) => "All",
            (s, zh) => match s {
                StatusFilter::Open => DemandStatus::Open.label(zh),
                StatusFilter::InProgress => DemandStatus::InProgress.label(zh),
                StatusFilter::Done => DemandStatus::Done.label(zh),
                _ => DemandStatus::Dropped {
                    reason: String::new(),
                }
                .label(zh),
            },
        }
    }
}

/// Due-date filter of a demand list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueFilter {
    /// Past its due date and still active.
    Overdue,
    /// Still active and due from today to the Sunday of this week (overdue demands have
    /// their own filter).
    ThisWeek,
}

/// The filters of the matrix and list views. `None` does not restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemandFilter {
    /// `Some(None)`: demands without an owner.
    pub owner: Option<Option<String>>,
    pub kind: Option<DemandType>,
    pub status: StatusFilter,
    pub due: Option<DueFilter>,
    /// `Some(None)`: demands without a linked customer.
    pub tier: Option<Option<super::customer::Tier>>,
}

impl DemandFilter {
    /// Whether a demand passes; `tier` is the tier of its linked customer, if known.
    pub fn matches(
        &self,
        d: &Demand,
        tier: Option<super::customer::Tier>,
        today: NaiveDate,
    ) -> bool {
        if let Some(owner) = &self.owner {
            if d.owner != *owner {
                return false;
            }
        }
        if self.kind.is_some_and(|k| k != d.kind) {
            return false;
        }
        if !self.status.matches(&d.status) {
            return false;
        }
        match self.due {
            Some(DueFilter::Overdue) if !d.is_overdue(today) => return false,
            Some(DueFilter::ThisWeek) if !d.is_due_this_week(today) => return false,
            _ => {}
        }
        if let Some(t) = self.tier {
            if tier != t {
                return false;
            }
        }
        true
    }
}

impl Demand {
    /// Active and due from `today` to the Sunday of `today`'s week, both included.
    pub fn is_due_this_week(&self, today: NaiveDate) -> bool {
        use chrono::Datelike;
        let sunday =
            today + chrono::Duration::days(6 - i64::from(today.weekday().num_days_from_monday()));
        self.status.is_active() && self.due.is_some_and(|d| d >= today && d <= sunday)
    }
}

/// The order inside a cell: account-security demands first by rule, then higher score,
/// then older first, then id (so the order is total and stable).
pub fn rank_order(a: &Demand, b: &Demand, rules: &MatrixRules) -> Ordering {
    let sec = |d: &Demand| d.kind != DemandType::AccountSecurity;
    sec(a)
        .cmp(&sec(b))
        .then_with(|| b.score(rules).total_cmp(&a.score(rules)))
        .then_with(|| a.created_at.cmp(&b.created_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// Every cell of a view in display order, each with its demands ranked. Only active
/// demands (open or in progress) unless `include_closed`.
pub fn matrix<'a>(
    demands: &'a [Demand],
    view: MatrixView,
    rules: &MatrixRules,
    include_closed: bool,
) -> Vec<(MatrixCell, Vec<&'a Demand>)> {
    MatrixCell::all(view)
        .into_iter()
        .map(|cell| {
            let mut ds: Vec<&Demand> = demands
                .iter()
                .filter(|d| (include_closed || d.status.is_active()) && d.cell(view, rules) == cell)
                .collect();
            sort_by(&mut ds, |a, b| rank_order(a, b, rules));
            (cell, ds)
        })
        .collect()
}

/// The due date of a demand taken on `today` to be solved "within `n` working days" (004:
/// 问题处理应在7个工作日内完成): counted as a complaint's limits are, the day it is taken as
/// day 1 (含受理日; one taken on a weekend or a holiday from the next working day), so a
/// demand and a complaint taken the same day for the same 7 days fall due together. 0 is
/// today.
pub fn due_within(cal: &WorkingCalendar, today: NaiveDate, n: u32) -> NaiveDate {
    cal.add_working_days(today, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn input(kind: DemandType, urgency: u8, importance: u8) -> NewDemand {
        NewDemand {
            kind,
            description: "客户需要协助".into(),
            urgency,
            importance,
            intensity: Level::Medium,
            service_cost: Level::Medium,
            customer: None,
            customer_value: None,
            owner: None,
            due: None,
            stage: None,
        }
    }

    fn demand(id: &str, kind: DemandType, u: u8, i: u8, created: &str) -> Demand {
        Demand::create(id.into(), input(kind, u, i), "staff:1", t(created)).unwrap()
    }

    #[test]
    fn quadrant_placement() {
        let r = MatrixRules::default();
        let cases = [
            (5, 5, Quadrant::ImportantUrgent),
            (4, 4, Quadrant::ImportantUrgent),
            (3, 4, Quadrant::ImportantNotUrgent),
            (4, 3, Quadrant::UrgentNotImportant),
            (3, 3, Quadrant::Neither),
            (1, 1, Quadrant::Neither),
        ];
        for (u, i, q) in cases {
            let d = demand("demand:1", DemandType::Other, u, i, "2026-11-02 09:00");
            assert_eq!(d.auto_quadrant(&r), q, "u{u} i{i}");
            assert_eq!(d.cell(MatrixView::Quadrant, &r), MatrixCell::Quadrant(q));
        }
        let lenient = MatrixRules {
            urgent_at: 3,
            ..MatrixRules::default()
        };
        let d = demand("demand:1", DemandType::Other, 3, 5, "2026-11-02 09:00");
        assert_eq!(d.auto_quadrant(&lenient), Quadrant::ImportantUrgent);
    }

    #[test]
    fn an_account_security_demand_is_urgent_and_important_whatever_its_scales() {
        let r = MatrixRules::default();
        for (u, i) in [(1, 1), (3, 3), (5, 1), (1, 5)] {
            let d = demand(
                "demand:1",
                DemandType::AccountSecurity,
                u,
                i,
                "2026-11-02 09:00",
            );
            assert_eq!(d.auto_quadrant(&r), Quadrant::ImportantUrgent, "u{u} i{i}");
        }
        // Staff can still place it elsewhere, with a reason.
        let mut d = demand(
            "demand:1",
            DemandType::AccountSecurity,
            3,
            3,
            "2026-11-02 09:00",
        );
        d.set_override(
            MatrixCell::Quadrant(Quadrant::Neither),
            "客户已自行改密",
            "staff:2",
            t("2026-11-02 10:00"),
        )
        .unwrap();
        assert_eq!(
            d.cell(MatrixView::Quadrant, &r),
            MatrixCell::Quadrant(Quadrant::Neither)
        );
    }

    #[test]
    fn an_account_security_demand_is_in_the_first_grid_cell_whatever_its_value_and_intensity() {
        let r = MatrixRules::default();
        let first = MatrixCell::all(MatrixView::Grid)[0];
        assert_eq!(
            first,
            MatrixCell::Grid(GridCell {
                value: Level::High,
                intensity: Level::High
            })
        );
        for value in Level::ALL {
            for intensity in Level::ALL {
                let mut d = demand(
                    "demand:1",
                    DemandType::AccountSecurity,
                    3,
                    3,
                    "2026-11-02 09:00",
                );
                d.customer_value = value;
                d.intensity = intensity;
                assert_eq!(
                    d.cell(MatrixView::Grid, &r),
                    first,
                    "{value:?} value, {intensity:?} intensity"
                );
                // Its value and intensity are kept as entered: only the placement is ruled.
                assert_eq!((d.customer_value, d.intensity), (value, intensity));
            }
        }
        // A low-value customer's linked demand too, and after the customer's value changes.
        let mut d = demand(
            "demand:1",
            DemandType::AccountSecurity,
            2,
            2,
            "2026-11-02 09:00",
        );
        let mut c = crate::domain::customer::tests_support::customer("customer:7", Level::Low);
        d.link_customer(&c, "staff:1", t("2026-11-02 09:05"));
        assert_eq!(d.cell(MatrixView::Grid, &r), first);
        c.value = Level::Medium;
        assert!(d.sync_customer_value(&c, "staff:1", t("2026-11-03 09:00")));
        assert_eq!(d.cell(MatrixView::Grid, &r), first);
        // Staff can still place it elsewhere, with a reason, and resetting brings it back.
        let low = MatrixCell::Grid(GridCell {
            value: Level::Low,
            intensity: Level::Low,
        });
        d.set_override(low, "客户已自行冻结账户", "staff:2", t("2026-11-03 10:00"))
            .unwrap();
        assert_eq!(d.cell(MatrixView::Grid, &r), low);
        assert!(d.reset_override(MatrixView::Grid, "staff:2", t("2026-11-03 11:00")));
        assert_eq!(d.cell(MatrixView::Grid, &r), first);
    }

    #[test]
    fn in_the_grid_an_account_security_demand_of_a_low_value_customer_comes_first() {
        // The list view and its export read the matrix cell by cell: its order is this.
        let r = MatrixRules::default();
        let mut high = demand(
            "demand:high",
            DemandType::TradingInquiry,
            5,
            5,
            "2026-11-01 09:00",
        );
        high.customer_value = Level::High;
        high.intensity = Level::High;
        let mut medium = demand("demand:medium", DemandType::Other, 3, 3, "2026-11-01 09:00");
        medium.customer_value = Level::Medium;
        let mut security = demand(
            "demand:security",
            DemandType::AccountSecurity,
            3,
            3,
            "2026-11-03 09:00",
        );
        security.customer_value = Level::Low;
        security.intensity = Level::Low;
        let mut moved = demand(
            "demand:moved",
            DemandType::AccountSecurity,
            3,
            3,
            "2026-11-02 09:00",
        );
        moved.customer_value = Level::Low;
        moved.intensity = Level::Low;
        let low_low = MatrixCell::Grid(GridCell {
            value: Level::Low,
            intensity: Level::Low,
        });
        moved
            .set_override(low_low, "已核实为误报", "staff:2", t("2026-11-02 10:00"))
            .unwrap();
        let all = vec![medium, moved, high, security];
        let in_order = |view| -> Vec<String> {
            matrix(&all, view, &r, true)
                .into_iter()
                .flat_map(|(_, ds)| ds.into_iter().map(|d| d.id.clone()))
                .collect()
        };
        // First although its customer is of low value and the trading inquiry scores higher;
        // the one placed by hand stays where staff put it.
        assert_eq!(
            in_order(MatrixView::Grid),
            [
                "demand:security",
                "demand:high",
                "demand:medium",
                "demand:moved"
            ]
        );
        let grid = matrix(&all, MatrixView::Grid, &r, true);
        assert_eq!(grid.last().unwrap().0, low_low);
        assert_eq!(grid.last().unwrap().1.len(), 1);
        // The quadrants put both security demands first (the override there is the grid's).
        assert_eq!(
            in_order(MatrixView::Quadrant),
            [
                "demand:moved",
                "demand:security",
                "demand:high",
                "demand:medium"
            ]
        );
    }

    #[test]
    fn grid_placement_follows_customer_value_and_intensity() {
        let mut d = demand(
            "demand:1",
            DemandType::TradingInquiry,
            3,
            3,
            "2026-11-02 09:00",
        );
        assert_eq!(
            d.auto_grid(),
            GridCell {
                value: Level::Medium,
                intensity: Level::Medium
            }
        );
        let mut c = crate::domain::customer::tests_support::customer("customer:7", Level::High);
        d.link_customer(&c, "staff:1", t("2026-11-02 09:05"));
        d.intensity = Level::Low;
        assert_eq!(
            d.auto_grid(),
            GridCell {
                value: Level::High,
                intensity: Level::Low
            }
        );
        c.value = Level::Low;
        assert!(d.sync_customer_value(&c, "staff:1", t("2026-11-03 09:00")));
        assert!(!d.sync_customer_value(&c, "staff:1", t("2026-11-03 09:00")));
        assert_eq!(
            d.cell(MatrixView::Grid, &MatrixRules::default()),
            MatrixCell::Grid(GridCell {
                value: Level::Low,
                intensity: Level::Low
            })
        );
        assert_eq!(GridCell::all().len(), 9);
        assert_eq!(d.history.len(), 3);
    }

    #[test]
    fn a_customer_value_change_moves_only_their_active_demands() {
        let mut c = crate::domain::customer::tests_support::customer("customer:7", Level::High);
        let other = crate::domain::customer::tests_support::customer("customer:8", Level::High);
        let linked = |id: &str, who: &Customer| {
            let mut d = demand(id, DemandType::TradingInquiry, 3, 3, "2026-11-02 09:00");
            d.link_customer(who, "staff:1", t("2026-11-02 09:05"));
            d
        };
        let open = linked("demand:1", &c);
        let mut started = linked("demand:2", &c);
        started
            .transition(DemandStatus::InProgress, "staff:1", t("2026-11-02 10:00"))
            .unwrap();
        let mut done = linked("demand:3", &c);
        done.transition(DemandStatus::Done, "staff:1", t("2026-11-02 10:00"))
            .unwrap();
        let others = linked("demand:4", &other);
        let all = vec![open, started, done, others];

        c.value = Level::Low;
        let moved =
            Demand::follow_customer_value(all.clone(), &c, "staff:2", t("2026-11-05 09:00"));
        let ids: Vec<&str> = moved.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["demand:1", "demand:2"]);
        for d in &moved {
            assert_eq!(d.customer_value, Level::Low);
            assert_eq!(d.auto_grid().value, Level::Low);
            let last = d.history.last().unwrap();
            assert_eq!(last.by, "staff:2");
            assert_eq!(
                last.kind,
                DemandEventKind::CustomerValueChanged {
                    from: Level::High,
                    to: Level::Low
                }
            );
        }
        // Saved again with the same value, nothing is left to write.
        assert!(
            Demand::follow_customer_value(moved, &c, "staff:2", t("2026-11-05 09:01")).is_empty()
        );
        // An unchanged value moves nothing.
        c.value = Level::High;
        assert!(
            Demand::follow_customer_value(all, &c, "staff:2", t("2026-11-05 09:02")).is_empty()
        );
    }

    #[test]
    fn score_formula() {
        let r = MatrixRules::default();
        let mut d = demand("demand:1", DemandType::Other, 5, 5, "2026-11-02 09:00");
        d.customer_value = Level::High;
        d.service_cost = Level::Low;
        assert_eq!(d.score(&r), 100.0);
        d.urgency = 1;
        d.importance = 1;
        d.customer_value = Level::Low;
        d.service_cost = Level::High;
        assert_eq!(d.score(&r), 0.0);
        // 40·(3−1)/4 + 20·(4−1)/4 + 25·0.5 + 15·(1−0.5) = 20 + 15 + 12.5 + 7.5 = 55.
        d.urgency = 3;
        d.importance = 4;
        d.customer_value = Level::Medium;
        d.service_cost = Level::Medium;
        assert_eq!(d.score(&r), 55.0);
    }

    #[test]
    fn ranking_security_first_then_score_then_age() {
        let r = MatrixRules::default();
        // All in ImportantUrgent.
        let a = demand(
            "demand:a",
            DemandType::TradingInquiry,
            5,
            5,
            "2026-11-01 09:00",
        ); // 92.5
        let b = demand(
            "demand:b",
            DemandType::AccountSecurity,
            4,
            4,
            "2026-11-03 09:00",
        ); // 75
        let c = demand(
            "demand:c",
            DemandType::RiskAssessment,
            4,
            4,
            "2026-11-01 09:00",
        ); // 75, older
        let d = demand(
            "demand:d",
            DemandType::ProductRecommendation,
            4,
            4,
            "2026-11-02 09:00",
        ); // 75
        let mut e = demand("demand:e", DemandType::Other, 4, 4, "2026-10-01 09:00");
        e.transition(DemandStatus::Done, "staff:1", t("2026-10-02 09:00"))
            .unwrap();
        let all = vec![d.clone(), c.clone(), a.clone(), b.clone(), e];
        let m = matrix(&all, MatrixView::Quadrant, &r, false);
        assert_eq!(m.len(), 4);
        let (cell, ranked) = &m[0];
        assert_eq!(*cell, MatrixCell::Quadrant(Quadrant::ImportantUrgent));
        let ids: Vec<&str> = ranked.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["demand:b", "demand:a", "demand:c", "demand:d"]);
        assert!(m[1..].iter().all(|(_, ds)| ds.is_empty()));
        let with_closed = matrix(&all, MatrixView::Quadrant, &r, true);
        assert_eq!(with_closed[0].1.len(), 5);
    }

    #[test]
    fn overrides_need_a_reason_and_are_recorded() {
        let r = MatrixRules::default();
        let mut d = demand("demand:1", DemandType::Other, 2, 2, "2026-11-02 09:00");
        let target = MatrixCell::Quadrant(Quadrant::ImportantUrgent);
        assert_eq!(
            d.set_override(target, "  ", "staff:2", t("2026-11-02 10:00")),
            Err(DemandError::ReasonRequired)
        );
        assert_eq!(d.history.len(), 1);
        d.set_override(
            target,
            "客户是大户,今日需回复",
            "staff:2",
            t("2026-11-02 10:00"),
        )
        .unwrap();
        assert_eq!(d.cell(MatrixView::Quadrant, &r), target);
        assert_eq!(
            d.auto_cell(MatrixView::Quadrant, &r),
            MatrixCell::Quadrant(Quadrant::Neither)
        );
        // The other view is untouched.
        assert!(!d.is_overridden(MatrixView::Grid));
        let o = d.override_quadrant.clone().unwrap();
        assert_eq!(
            (o.by.as_str(), o.reason.as_str()),
            ("staff:2", "客户是大户,今日需回复")
        );
        let grid = MatrixCell::Grid(GridCell {
            value: Level::High,
            intensity: Level::High,
        });
        d.set_override(grid, "VIP", "staff:2", t("2026-11-02 10:01"))
            .unwrap();
        assert_eq!(d.cell(MatrixView::Grid, &r), grid);

        assert!(d.reset_override(MatrixView::Quadrant, "staff:3", t("2026-11-02 11:00")));
        assert!(!d.reset_override(MatrixView::Quadrant, "staff:3", t("2026-11-02 11:00")));
        assert_eq!(
            d.cell(MatrixView::Quadrant, &r),
            MatrixCell::Quadrant(Quadrant::Neither)
        );
        assert_eq!(d.cell(MatrixView::Grid, &r), grid);
        let kinds: Vec<&DemandEventKind> = d.history.iter().map(|e| &e.kind).collect();
        assert!(matches!(kinds[1], DemandEventKind::OverrideSet { .. }));
        assert!(matches!(kinds[2], DemandEventKind::OverrideSet { .. }));
        assert_eq!(
            *kinds[3],
            DemandEventKind::OverrideReset {
                view: MatrixView::Quadrant
            }
        );
        assert_eq!(d.history.len(), 4);
        assert_eq!(d.history[3].by, "staff:3");
    }

    #[test]
    fn a_demand_is_handed_on_with_its_history() {
        let now = t("2026-11-03 09:00");
        let mut d = demand("demand:1", DemandType::Other, 3, 3, "2026-11-02 09:00");
        d.owner = Some("staff:a".into());
        let due = NaiveDate::from_ymd_opt(2026, 11, 20);
        // The same owner and due: nothing changes, nothing is recorded.
        let before = d.history.len();
        let seen = (d.owner.clone(), d.due);
        assert_eq!(
            d.hand_on(&seen, d.owner.clone(), d.due, "s", now),
            Ok(false)
        );
        assert_eq!(d.history.len(), before);
        // A due date before today is refused, and nothing changes.
        let past = NaiveDate::from_ymd_opt(2026, 11, 2);
        assert_eq!(
            d.hand_on(&seen, Some("staff:b".into()), past, "s", now),
            Err(DemandError::DueInPast)
        );
        assert_eq!(d.history.len(), before);
        assert_eq!(d.owner.as_deref(), Some("staff:a"));
        assert_eq!(
            d.hand_on(&seen, Some("staff:b".into()), due, "s", now),
            Ok(true)
        );
        assert_eq!(d.owner.as_deref(), Some("staff:b"));
        assert_eq!(d.due, due);
        let kinds: Vec<_> = d.history[before..].iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                DemandEventKind::Reassigned {
                    from: Some("staff:a".into()),
                    to: Some("staff:b".into())
                },
                DemandEventKind::DueChanged {
                    from: None,
                    to: due
                },
            ]
        );
        // Read back as written.
        let back: Demand = serde_json::from_value(serde_json::to_value(&d).unwrap()).unwrap();
        assert_eq!(back, d);
        // Done: reopened first.
        let seen = (d.owner.clone(), d.due);
        d.transition(DemandStatus::Done, "s", now).unwrap();
        assert_eq!(
            d.hand_on(&seen, None, None, "s", now),
            Err(DemandError::NotActive)
        );
        assert_eq!(d.owner.as_deref(), Some("staff:b"));
    }

    #[test]
    fn a_hand_on_changes_only_what_its_user_changed() {
        let now = t("2026-11-03 09:00");
        let mut d = demand("demand:1", DemandType::Other, 3, 3, "2026-11-02 09:00");
        d.owner = Some("staff:a".into());
        let seen = (d.owner.clone(), d.due);
        // Meanwhile, in another tab: a due date.
        let due = NaiveDate::from_ymd_opt(2026, 11, 20);
        let mut elsewhere = d.clone();
        elsewhere
            .hand_on(&seen, seen.0.clone(), due, "t", now)
            .unwrap();
        // This tab chose another owner from what it saw: the owner changes, the due date
        // set meanwhile stays.
        assert_eq!(
            elsewhere.hand_on(&seen, Some("staff:b".into()), None, "s", now),
            Ok(true)
        );
        assert_eq!(elsewhere.owner.as_deref(), Some("staff:b"));
        assert_eq!(elsewhere.due, due);
        // Both changed the owner: the later one is refused until its user has seen it.
        let mut d2 = d.clone();
        d2.hand_on(&seen, Some("staff:c".into()), None, "t", now)
            .unwrap();
        let before = d2.clone();
        assert_eq!(
            d2.hand_on(&seen, Some("staff:b".into()), None, "s", now),
            Err(DemandError::ChangedMeanwhile)
        );
        assert_eq!(d2, before);
        let seen_now = (d2.owner.clone(), d2.due);
        assert_eq!(
            d2.hand_on(&seen_now, Some("staff:b".into()), None, "s", now),
            Ok(true)
        );
        assert_eq!(d2.owner.as_deref(), Some("staff:b"));
        // An unchanged past due date does not stop a change of owner.
        let mut d3 = d.clone();
        d3.due = NaiveDate::from_ymd_opt(2026, 10, 30);
        let seen3 = (d3.owner.clone(), d3.due);
        assert_eq!(d3.hand_on(&seen3, None, d3.due, "s", now), Ok(true));
        assert_eq!(d3.owner, None);
    }

    #[test]
    fn transitions() {
        let now = t("2026-11-02 09:00");
        let mut d = demand("demand:1", DemandType::Other, 3, 3, "2026-11-02 09:00");
        assert!(matches!(
            d.transition(DemandStatus::Open, "s", now),
            Err(DemandError::Transition { .. })
        ));
        assert_eq!(
            d.transition(DemandStatus::Dropped { reason: " ".into() }, "s", now),
            Err(DemandError::ReasonRequired)
        );
        d.transition(DemandStatus::InProgress, "s", now).unwrap();
        d.transition(DemandStatus::Done, "s", now).unwrap();
        let e = d
            .transition(DemandStatus::InProgress, "s", now)
            .unwrap_err();
        assert_eq!(e.message(true), "需求不能从“已完成”改为“处理中”");
        d.transition(DemandStatus::Open, "s", now).unwrap();
        d.transition(
            DemandStatus::Dropped {
                reason: "客户撤回".into(),
            },
            "s",
            now,
        )
        .unwrap();
        assert!(!d.status.is_active());
        assert!(d.transition(DemandStatus::Done, "s", now).is_err());
        assert_eq!(d.history.len(), 5);
        assert!(matches!(
            &d.history[4].kind,
            DemandEventKind::StatusChanged {
                from: DemandStatus::Open,
                to: DemandStatus::Dropped { .. }
            }
        ));
    }

    #[test]
    fn creation_validation_links_and_overdue() {
        let now = t("2026-11-02 09:00");
        let mut bad = input(DemandType::Other, 0, 3);
        assert_eq!(
            Demand::create("demand:x".into(), bad.clone(), "s", now),
            Err(DemandError::OutOfRange { field: "urgency" })
        );
        bad.urgency = 3;
        bad.importance = 6;
        assert!(Demand::create("demand:x".into(), bad.clone(), "s", now).is_err());
        bad.importance = 3;
        bad.description = " ".into();
        assert_eq!(
            Demand::create("demand:x".into(), bad, "s", now),
            Err(DemandError::EmptyDescription)
        );

        let mut d = demand("demand:1", DemandType::Other, 3, 3, "2026-11-02 09:00");
        d.due = NaiveDate::from_ymd_opt(2026, 11, 5);
        assert!(!d.is_overdue(NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()));
        assert!(d.is_overdue(NaiveDate::from_ymd_opt(2026, 11, 6).unwrap()));
        assert_eq!(d.complaint(), None);
        d.add_link(DemandLink::ReturnVisit("care_task:v:1".into()), "s", now);
        assert_eq!(d.complaint(), None);
        d.add_link(DemandLink::Complaint("complaint:1".into()), "s", now);
        d.add_link(DemandLink::Complaint("complaint:1".into()), "s", now);
        assert_eq!(d.links.len(), 2);
        assert_eq!(d.complaint(), Some("complaint:1"));
        assert_eq!(d.return_visits().collect::<Vec<_>>(), ["care_task:v:1"]);
        // Linked to a complaint, it is the complaint's: no longer overdue as a demand.
        assert!(!d.is_overdue(NaiveDate::from_ymd_opt(2026, 11, 6).unwrap()));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Demand>(&json).unwrap(), d);
    }
    #[test]
    fn a_demand_turned_into_a_complaint_is_done_and_the_change_recorded() {
        let now = t("2026-11-03 10:00");
        let mut d = demand("demand:1", DemandType::Other, 3, 3, "2026-11-02 09:00");
        d.due = NaiveDate::from_ymd_opt(2026, 11, 5);
        d.transition(DemandStatus::InProgress, "s", now).unwrap();
        d.turn_into_complaint("complaint:1", "s", now);
        assert_eq!(d.status, DemandStatus::Done);
        assert_eq!(d.complaint(), Some("complaint:1"));
        let kinds: Vec<_> = d
            .history
            .iter()
            .rev()
            .take(2)
            .map(|e| e.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            [
                DemandEventKind::StatusChanged {
                    from: DemandStatus::InProgress,
                    to: DemandStatus::Done
                },
                DemandEventKind::Linked(DemandLink::Complaint("complaint:1".into())),
            ]
        );
        assert!(!d.is_overdue(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()));
        // One dropped before keeps its status (and its reason).
        let mut d = demand("demand:2", DemandType::Other, 3, 3, "2026-11-02 09:00");
        let dropped = DemandStatus::Dropped {
            reason: "客户撤回".into(),
        };
        d.transition(dropped.clone(), "s", now).unwrap();
        d.turn_into_complaint("complaint:2", "s", now);
        assert_eq!(d.status, dropped);
        assert_eq!(d.complaint(), Some("complaint:2"));
    }

    #[test]
    fn cell_keys_round_trip_and_presets_land_in_their_cell() {
        let all: Vec<MatrixCell> = MatrixView::ALL
            .iter()
            .flat_map(|v| MatrixCell::all(*v))
            .collect();
        assert_eq!(all.len(), 13);
        for c in &all {
            assert_eq!(MatrixCell::from_key(&c.key()), Some(*c), "{}", c.key());
        }
        assert_eq!(
            MatrixCell::Grid(GridCell {
                value: Level::High,
                intensity: Level::Low
            })
            .key(),
            "g.high.low"
        );
        assert_eq!(MatrixCell::from_key("q.nonsense"), None);
        assert_eq!(
            MatrixCell::Quadrant(Quadrant::ImportantUrgent).preset(&MatrixRules::default()),
            CellPreset::Scales {
                urgency: 5,
                importance: 5
            }
        );
        let lenient = MatrixRules {
            urgent_at: 2,
            important_at: 5,
            ..MatrixRules::default()
        };
        for rules in [MatrixRules::default(), lenient] {
            for cell in &all {
                let mut input = input(DemandType::Other, 3, 3);
                match cell.preset(&rules) {
                    CellPreset::Scales {
                        urgency,
                        importance,
                    } => {
                        input.urgency = urgency;
                        input.importance = importance;
                    }
                    CellPreset::Levels {
                        customer_value,
                        intensity,
                    } => {
                        input.customer_value = Some(customer_value);
                        input.intensity = intensity;
                    }
                }
                let d =
                    Demand::create("demand:p".into(), input, "s", t("2026-11-02 09:00")).unwrap();
                assert_eq!(d.auto_cell(cell.view(), &rules), *cell, "{}", cell.key());
            }
        }
    }

    #[test]
    fn filters() {
        use crate::domain::customer::Tier;
        let today = NaiveDate::from_ymd_opt(2026, 11, 4).unwrap(); // a Wednesday
        let mut a = demand(
            "demand:a",
            DemandType::AccountSecurity,
            5,
            5,
            "2026-11-02 09:00",
        );
        a.owner = Some("staff:1".into());
        a.due = NaiveDate::from_ymd_opt(2026, 11, 3); // overdue
        let mut b = demand("demand:b", DemandType::Other, 2, 2, "2026-11-02 09:00");
        b.due = NaiveDate::from_ymd_opt(2026, 11, 8); // Sunday: this week
        let mut c = demand("demand:c", DemandType::Other, 2, 2, "2026-11-02 09:00");
        c.due = NaiveDate::from_ymd_opt(2026, 11, 9); // next Monday
        c.transition(DemandStatus::Done, "s", t("2026-11-03 09:00"))
            .unwrap();

        let all = DemandFilter::default();
        assert!(all.matches(&a, None, today) && all.matches(&b, None, today));
        assert!(!all.matches(&c, None, today), "done is not active");
        let done = DemandFilter {
            status: StatusFilter::Done,
            ..Default::default()
        };
        assert!(done.matches(&c, None, today) && !done.matches(&a, None, today));
        assert_eq!(StatusFilter::Active.keys(), ["Open", "InProgress"]);
        assert_eq!(c.status.key(), "Done");

        let overdue = DemandFilter {
            due: Some(DueFilter::Overdue),
            ..Default::default()
        };
        assert!(overdue.matches(&a, None, today) && !overdue.matches(&b, None, today));
        let week = DemandFilter {
            due: Some(DueFilter::ThisWeek),
            status: StatusFilter::All,
            ..Default::default()
        };
        assert!(week.matches(&b, None, today));
        assert!(!week.matches(&a, None, today), "overdue is not 'this week'");
        c.transition(DemandStatus::Open, "s", t("2026-11-03 10:00"))
            .unwrap();
        assert!(!week.matches(&c, None, today), "next Monday is next week");

        let mine = DemandFilter {
            owner: Some(Some("staff:1".into())),
            ..Default::default()
        };
        assert!(mine.matches(&a, None, today) && !mine.matches(&b, None, today));
        let nobody = DemandFilter {
            owner: Some(None),
            kind: Some(DemandType::Other),
            ..Default::default()
        };
        assert!(nobody.matches(&b, None, today) && !nobody.matches(&a, None, today));
        let vip = DemandFilter {
            tier: Some(Some(Tier::Vip)),
            ..Default::default()
        };
        assert!(vip.matches(&a, Some(Tier::Vip), today));
        assert!(!vip.matches(&b, Some(Tier::New), today) && !vip.matches(&b, None, today));
        let no_customer = DemandFilter {
            tier: Some(None),
            ..Default::default()
        };
        assert!(no_customer.matches(&b, None, today));
    }

    #[test]
    fn a_demand_is_due_as_a_complaint_taken_the_same_day() {
        let cal = WorkingCalendar::china_official();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Monday 2026-12-07: day 1, so the seventh working day is Tuesday 12-15.
        assert_eq!(due_within(&cal, d("2026-12-07"), 7), d("2026-12-15"));
        assert_eq!(
            due_within(&cal, d("2026-12-07"), 7),
            cal.add_working_days(d("2026-12-07"), 7)
        );
        // Taken on a Saturday: day 1 is Monday.
        assert_eq!(due_within(&cal, d("2026-12-05"), 1), d("2026-12-07"));
        assert_eq!(due_within(&cal, d("2026-12-05"), 0), d("2026-12-05"));
    }
}
