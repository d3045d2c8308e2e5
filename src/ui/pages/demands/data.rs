//! Demand reads and writes for the matrix: the active (or filtered) demands through the
//! `demand_by_status` index, the customers they name, staff, the customer picker's name
//! search, and the saves (create, move, reset, status, return-visit task) with their messages.

use crate::domain::sort::sort_by;
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::domain::care::{CareKind, CareStatus, CareTask};
use crate::domain::customer::Customer;
use crate::domain::demand::{Demand, DemandError, DemandLink, StatusFilter};
use crate::domain::opened_on::OpenedOn;
use crate::domain::staff::Staff;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Query, StoreError};
use crate::ui::data::all_of;
use crate::ui::platform::now;
use crate::ui::state::{app, store, AppState, AppStore};
use leptos::prelude::*;

/// The app state and store, taken once where a component is set up: event handlers and
/// spawned tasks run without the reactive owner, so they cannot look the context up.
#[derive(Clone)]
pub struct Env {
    pub state: AppState,
    pub store: AppStore,
}

impl Env {
    /// Call while a component is being set up.
    pub fn here() -> Env {
        Env {
            state: app(),
            store: store(),
        }
    }
}

/// What the page shows: the demands of the status filter, their customers by id, and staff.
#[derive(Clone, Default, PartialEq)]
pub struct Loaded {
    pub demands: Vec<Demand>,
    pub customers: HashMap<String, Customer>,
    pub staff: Vec<Staff>,
    /// Records that could not be read.
    pub corrupt: usize,
}

impl Loaded {
    pub fn staff_name(&self, id: Option<&str>) -> String {
        id.map(|id| {
            self.staff
                .iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        })
        .unwrap_or_default()
    }

    pub fn customer_name(&self, id: Option<&str>) -> String {
        id.map(|id| {
            self.customers
                .get(id)
                .map_or_else(|| id.to_string(), |c| c.name.clone())
        })
        .unwrap_or_default()
    }
}

/// Demands whose status is in the filter's keys, paging through `demand_by_status`.
pub async fn load(st: &AppStore, status: StatusFilter) -> Result<Loaded, StoreError> {
    let mut out = Loaded::default();
    for key in status.keys() {
        let range = KeyRange::prefix(IndexKey(vec![KeyPart::Str((*key).to_string())]));
        let mut after = None;
        loop {
            let q = Query::new("demand_by_status", range.clone())
                .limit(500)
                .after(after);
            let page = typed::page_of::<Demand, _>(st, &q).await?;
            out.demands.extend(page.rows);
            out.corrupt += page.corrupt.len();
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
    }
    let mut ids: Vec<String> = out
        .demands
        .iter()
        .filter_map(|d| d.customer_id.clone())
        .collect();
    sort_by(&mut ids, |a, b| a.cmp(b));
    ids.dedup();
    for id in ids {
        if let Ok(c) = typed::load::<Customer, _>(st, &id).await {
            out.customers.insert(id, c);
        }
    }
    let (mut staff, _) = all_of::<Staff>(st).await?;
    sort_by(&mut staff, |a, b| a.name.cmp(&b.name));
    out.staff = staff;
    Ok(out)
}

/// Customers whose name starts with `query` (at most `limit`), by the name index.
pub async fn search_customers(st: &AppStore, query: &str, limit: usize) -> Vec<Customer> {
    let q = query.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let range = KeyRange::between(
        IndexKey(vec![KeyPart::Str(q.to_string())]),
        IndexKey(vec![KeyPart::Str(format!("{q}\u{ffff}"))]),
    );
    let query = Query::new("demands_customer_by_name", range).limit(limit);
    typed::page_of::<Customer, _>(st, &query)
        .await
        .map(|p| p.rows)
        .unwrap_or_default()
}

impl Env {
    fn zh(&self) -> bool {
        self.state.lang.get_untracked().is_zh()
    }

    fn store_msg(&self, e: StoreError) -> String {
        e.message(self.zh())
    }

    /// The signed-in staff member's id, or a sentence saying one must sign in.
    pub fn actor_id(&self) -> Result<String, String> {
        self.state
            .user
            .get_untracked()
            .map(|u| u.id)
            .ok_or_else(|| {
                self.state.lang.get_untracked().s(
                    "请先在“设置 → 本设备”登录后再操作",
                    "Sign in under Settings → This device first",
                )
            })
    }

    /// Saves a new demand (`typed::save_new`: the header's demand dialog, in every page's part
    /// of the wasm, does not read demands).
    pub async fn create(&self, d: &Demand) -> Result<(), String> {
        typed::save_new(&self.store, d)
            .await
            .map(|_| ())
            .map_err(|e| self.store_msg(e))
    }

    /// Loads the current revision of a demand, applies `change` and saves it.
    pub async fn update(
        &self,
        id: &str,
        change: impl FnOnce(&mut Demand, &str) -> Result<(), DemandError>,
    ) -> Result<Demand, String> {
        let by = self.actor_id()?;
        let mut d = typed::load::<Demand, _>(&self.store, id)
            .await
            .map_err(|e| self.store_msg(e))?;
        change(&mut d, &by).map_err(|e: DemandError| e.message(self.zh()))?;
        let rev = typed::save(&self.store, &d)
            .await
            .map_err(|e| self.store_msg(e))?;
        d.rev = Some(rev);
        Ok(d)
    }

    /// As [`Env::update`], over the revision the user saw (`seen`): when the demand was saved
    /// elsewhere since (another tab, another device through sync), nothing is saved and the
    /// demand as it is now comes back as [`SaveError::Stale`], so that the user sees it and
    /// confirms again knowingly instead of silently replacing the newer save.
    pub async fn update_seen(
        &self,
        id: &str,
        seen: &OpenedOn,
        change: impl FnOnce(&mut Demand, &str) -> Result<(), DemandError>,
    ) -> Result<Demand, SaveError> {
        let by = self.actor_id().map_err(SaveError::Refused)?;
        let mut d = typed::load::<Demand, _>(&self.store, id)
            .await
            .map_err(|e| SaveError::Refused(self.store_msg(e)))?;
        if !seen.clone().check(d.rev.as_deref()) {
            return Err(SaveError::Stale(Box::new(d)));
        }
        change(&mut d, &by).map_err(|e: DemandError| SaveError::Refused(e.message(self.zh())))?;
        match typed::save(&self.store, &d).await {
            Ok(rev) => {
                d.rev = Some(rev);
                Ok(d)
            }
            // Saved elsewhere between the read above and this write.
            Err(StoreError::Conflict { .. }) => {
                match typed::load::<Demand, _>(&self.store, id).await {
                    Ok(now) => Err(SaveError::Stale(Box::new(now))),
                    Err(e) => Err(SaveError::Refused(self.store_msg(e))),
                }
            }
            Err(e) => Err(SaveError::Refused(self.store_msg(e))),
        }
    }

    /// The due date "within `n` working days" of a demand taken on `today`
    /// ([`crate::domain::demand::due_within`]: today is day 1).
    pub fn due_in(&self, n: u32, today: NaiveDate) -> NaiveDate {
        self.state
            .calendar
            .with_untracked(|c| crate::domain::demand::due_within(c, today, n))
    }

    /// Turns a demand into a return-visit care task for its customer, linking both ways:
    /// the demand lists the task (`DemandLink::ReturnVisit`), the task names the demand as
    /// its plan (`CareKind::ReturnVisit { plan_id: <demand id> }`). One transaction.
    /// A demand whose latest return visit is still open (or not synced here yet) gets no
    /// second one: that visit is given back as [`Visit::Exists`]; after it is done or
    /// skipped, a new one can be planned.
    pub async fn return_visit(&self, id: &str) -> Result<Visit, String> {
        let lang = self.state.lang.get_untracked();
        let by = self.actor_id()?;
        let st = &self.store;
        let mut d = typed::load::<Demand, _>(st, id)
            .await
            .map_err(|e| self.store_msg(e))?;
        let Some(customer_id) = d.customer_id.clone() else {
            return Err(lang.s(
                "该需求没有关联客户，无法生成回访任务",
                "This demand has no customer: a return visit needs one",
            ));
        };
        if let Some(last) = d.return_visits().last().map(str::to_string) {
            match typed::load::<CareTask, _>(st, &last).await {
                Ok(t) if !t.is_open() => {}
                _ => return Ok(Visit::Exists(last)),
            }
        }
        let today = now().date();
        let due = d
            .due
            .filter(|due| *due >= today)
            // Else the next working day after today.
            .unwrap_or_else(|| self.due_in(1, today + Duration::days(1)));
        let kind = CareKind::ReturnVisit {
            plan_id: d.id.clone(),
        };
        let task_id = CareTask::task_id(&kind, &customer_id, due);
        let mut docs = Vec::new();
        let existed = typed::load::<CareTask, _>(st, &task_id).await.is_ok();
        if !existed {
            let task = CareTask {
                id: task_id.clone(),
                rev: None,
                customer_id,
                kind,
                due,
                staff_id: d.owner.clone().or(Some(by.clone())),
                status: CareStatus::Open,
            };
            docs.push(typed::record_doc(&task).map_err(|e| self.store_msg(e))?);
        }
        d.add_link(DemandLink::ReturnVisit(task_id.clone()), &by, now());
        docs.push(typed::record_doc(&d).map_err(|e| self.store_msg(e))?);
        typed::bulk(st, docs).await.map_err(|e| self.store_msg(e))?;
        Ok(if existed {
            Visit::Exists(task_id)
        } else {
            Visit::Created(task_id)
        })
    }

    /// The case numbers of the complaints `ids`, by id; a complaint that cannot be read here
    /// (not synced yet) is left out. Read from the document, without the whole record.
    pub async fn case_numbers(&self, ids: Vec<String>) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for id in ids {
            let doc = match self.store.get(&id).await {
                Ok(doc) if !doc.deleted => doc,
                _ => continue,
            };
            if let Some(no) = doc.body.get("case_no").and_then(|v| v.as_str()) {
                if !no.is_empty() {
                    out.insert(id, no.to_string());
                }
            }
        }
        out
    }
}

/// What [`Env::return_visit`] did: the task it created, or the one that already exists.
#[derive(Clone, Debug, PartialEq)]
pub enum Visit {
    Created(String),
    Exists(String),
}

/// Why [`Env::update_seen`] saved nothing.
#[derive(Clone, Debug)]
pub enum SaveError {
    /// The demand was saved elsewhere after the user saw it: as it is now.
    Stale(Box<Demand>),
    /// Refused for another reason, in the user's words.
    Refused(String),
}
