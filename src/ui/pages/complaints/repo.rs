//! complaints/repo: complaint documents for the pages — saving with the indexed `deadline`,
//! the per-device daily case number, the list paged through an index with a bounded scan,
//! and the counts of open, due-today and overdue cases (index counts, nothing loaded).

use crate::domain::datefmt::Layout;
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value as Json;

use crate::domain::calendar::WorkingCalendar;
use crate::domain::complaint::{
    case_counter_id, case_number, deadline_of, next_case_seq, ApprovalStage, CaseCounter,
    Complaint, ComplaintError,
};
use crate::domain::customer::Customer;
use crate::domain::report::{destroy_cases, DestructionLog};
use crate::domain::staff::Staff;
use crate::domain::Record;
use crate::store::{
    typed, Cursor, Doc, DocStore, IndexKey, KeyPart, KeyRange, Query, Schema, StoreError,
};
use crate::ui::data::{changed_ids, type_range};
use crate::ui::platform::{new_id, now};
use crate::ui::state::AppStore;

use super::model::{DueFilter, ListFilter, Sort, StatusFilter};

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;
/// How many index rows one list page may scan for filters no index serves.
pub const SCAN_BOUND: usize = 2_000;
const SCAN_CHUNK: usize = 200;

/// The form of times inside index keys (sorts as time).
pub fn key_time(t: NaiveDateTime) -> String {
    t.layout("%Y-%m-%dT%H:%M:%S")
}

fn skey(s: impl Into<String>) -> IndexKey {
    IndexKey(vec![KeyPart::Str(s.into())])
}

/// A key above every time of `day`.
fn day_end(day: NaiveDate) -> String {
    format!("{day}T\u{ffff}")
}

/// The document of a complaint, with the fields the lists read beside its own ([`set_listed`]).
pub fn complaint_doc(c: &Complaint, cal: &WorkingCalendar) -> Result<Doc, StoreError> {
    let mut doc = typed::to_doc(c)?;
    if let Some(map) = doc.body.as_object_mut() {
        set_listed(map, c, cal);
    }
    Ok(doc)
}

/// Writes into a case's document the fields the lists read beside the case's own: its listed
/// `deadline` (for `complaint_due`: due today, overdue), and `approved` while an opinion
/// approved at every level waits for the response (`complaint_status` lists it apart from the
/// cases awaiting an approval, so 待审批 counts only those). Whether anything changed.
fn set_listed(
    map: &mut serde_json::Map<String, Json>,
    c: &Complaint,
    cal: &WorkingCalendar,
) -> bool {
    let approved = c.approval_stage() == Some(ApprovalStage::Approved);
    let mut changed = false;
    for (field, want) in [
        (
            "deadline",
            deadline_of(c, cal).map(|d| Json::String(key_time(d))),
        ),
        ("approved", approved.then_some(Json::Bool(true))),
    ] {
        if map.get(field) != want.as_ref() {
            changed = true;
            match want {
                Some(v) => map.insert(field.into(), v),
                None => map.remove(field),
            };
        }
    }
    changed
}

/// Saves a complaint at its current `_rev` (a `Conflict` if someone saved first) and keeps
/// the new revision in it.
pub async fn save_complaint(
    store: &AppStore,
    c: &mut Complaint,
    cal: &WorkingCalendar,
) -> Result<(), StoreError> {
    let doc = typed::RecordDoc::of::<Complaint>(complaint_doc(c, cal)?);
    let rev = typed::put(store, doc).await?;
    c.rev = Some(rev);
    Ok(())
}

/// Destroys the cases (read afresh, so their revisions are current) through
/// [`destroy_cases`] and writes their purged skeletons with its destruction record (销毁记录)
/// in one transaction: all or nothing. The one way a destruction is written, from the
/// retention page and from a case's page alike. `by` is the staff member as stored now; a
/// deactivated one is refused.
pub async fn destroy_recorded(
    s: &AppStore,
    zh: bool,
    ids: Vec<String>,
    by: &Staff,
    why: &str,
) -> Result<DestructionLog, String> {
    if !by.active {
        let e = ComplaintError::InactiveActor {
            name: by.name.clone(),
        };
        return Err(if zh { e.zh() } else { e.en() });
    }
    let mut cases: Vec<Complaint> = Vec::with_capacity(ids.len());
    for id in &ids {
        cases.push(typed::load(s, id).await.map_err(|e| e.message(zh))?);
    }
    let (purged, log) = destroy_cases(
        &cases,
        &by.actor(),
        now(),
        why,
        new_id(DestructionLog::TYPE),
    )
    .map_err(|e| if zh { e.zh() } else { e.en() })?;
    let mut docs = Vec::with_capacity(purged.len() + 1);
    for c in &purged {
        docs.push(typed::to_doc(c).map_err(|e| e.message(zh))?);
    }
    docs.push(typed::to_doc(&log).map_err(|e| e.message(zh))?);
    // Plain writes: a purge keeps nothing of the case it was not told to, not even fields a
    // newer version added (`typed::bulk` would carry them).
    s.bulk(docs).await.map_err(|e| e.message(zh))?;
    Ok(log)
}

/// Open cases read per step of [`refresh_deadlines`].
const REFRESH_PAGE: usize = 200;

/// Rewrites the listed `deadline` of every open case whose stored one is not what `cal` gives
/// now: the calendar was edited since the case was saved, or the case came without one (a
/// backup from an older version or another tool). The due-today and overdue counts and
/// filters read that field through `complaint_due`, while a case's clocks count in the
/// calendar of the moment; without this they disagree and a case can fall out of both lists.
/// Only the field changes (a new revision of each case rewritten); a case saved meanwhile
/// elsewhere (a conflict) is left as its save wrote it. Returns how many were rewritten.
pub async fn refresh_deadlines(
    store: &AppStore,
    cal: &WorkingCalendar,
) -> Result<usize, StoreError> {
    let mut rewritten = 0;
    let mut after = None;
    loop {
        let q = Query::new("complaint_open", KeyRange::all())
            .limit(REFRESH_PAGE)
            .after(after);
        let page = store.query(&q).await?;
        let stale: Vec<Doc> = page
            .docs
            .into_iter()
            .filter_map(|doc| relisted(doc, cal))
            .collect();
        rewritten += write_relisted(store, stale).await?;
        match page.next {
            Some(c) => after = Some(c),
            None => return Ok(rewritten),
        }
    }
}

/// Where [`relist_arrivals`] has looked up to (a local document, never synced): the store
/// sequence, the calendar the listed deadlines were checked against, and the rule they were
/// listed by ([`LISTING_RULE`]).
pub const RELISTED_DOC: &str = "deadlines-listed";

/// The rule the listed deadlines follow (`deadline_of`): 2 since a limit met late no longer
/// keeps a case listed (and the 7-day resolution target is not listed). Cases listed by an
/// older rule are listed anew once, as after a calendar edit.
pub const LISTING_RULE: u64 = 2;

/// Keeps the listed `deadline` of open cases true to this device's calendar after a sync
/// brought something in: a case filed on a device whose calendar was behind (a holiday added
/// here meanwhile) arrives listed by that calendar, and a calendar edited on another device
/// arrives without the cases it moves. Either way the case page counted one date and the
/// dashboard and the due-today and overdue lists another (or neither list had the case). The
/// calendar changed since the last look: every open case is checked, as the calendar page
/// does; otherwise only the cases written since, read one by one (all open cases when more
/// than a page of them arrived). Returns how many were rewritten.
pub async fn relist_arrivals(store: &AppStore) -> Result<usize, StoreError> {
    let cal = crate::ui::boot::branch_settings(store).await.calendar;
    let calendar = serde_json::to_string(&cal).unwrap_or_default();
    let mark = store.get_local(RELISTED_DOC).await?;
    let seen_cal = mark
        .as_ref()
        .filter(|m| m.get("rule").and_then(Json::as_u64) == Some(LISTING_RULE))
        .and_then(|m| m.get("calendar")?.as_str());
    let since = mark
        .as_ref()
        .and_then(|m| m.get("seq")?.as_u64())
        .unwrap_or(0);
    let end = store.update_seq().await?;
    let rewritten = if seen_cal != Some(calendar.as_str()) {
        refresh_deadlines(store, &cal).await?
    } else {
        let ids = changed_ids(store, since, end, "complaint:", REFRESH_PAGE).await?;
        if ids.len() > REFRESH_PAGE {
            refresh_deadlines(store, &cal).await?
        } else {
            let mut stale = Vec::new();
            for id in ids {
                match store.get(&id).await {
                    Ok(doc) => stale.extend(relisted(doc, &cal)),
                    // Gone or damaged since: nothing to list.
                    Err(_) => continue,
                }
            }
            write_relisted(store, stale).await?
        }
    };
    store
        .put_local(
            RELISTED_DOC,
            serde_json::json!({ "seq": end, "calendar": calendar, "rule": LISTING_RULE }),
        )
        .await?;
    Ok(rewritten)
}

/// After an import of a backup: the case numbers this device had handed out stay handed out.
/// An older backup brings back older counters, and the next case would take a number a case
/// filed after the backup already has (still on the server, or on a colleague's device):
/// two cases under one number. Each counter `before` the import is written back where the
/// restored one is behind it (or missing).
pub async fn keep_case_numbers(
    store: &AppStore,
    before: Vec<CaseCounter>,
) -> Result<(), StoreError> {
    for old in before {
        let restored = match typed::load::<CaseCounter, _>(store, &old.id).await {
            Ok(c) => Some(c),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let kept = match restored {
            Some(c) if c.last >= old.last => continue,
            Some(c) => CaseCounter {
                last: old.last,
                ..c
            },
            None => CaseCounter { rev: None, ..old },
        };
        typed::save(store, &kept).await?;
    }
    Ok(())
}

/// The case's document with its listed fields ([`set_listed`]; the `deadline` as `cal` gives
/// it), if they differ from the stored ones (None: as they should be, or not a readable
/// complaint).
fn relisted(mut doc: Doc, cal: &WorkingCalendar) -> Option<Doc> {
    let c: Complaint = typed::from_doc(doc.clone()).ok()?;
    set_listed(doc.body.as_object_mut()?, &c, cal).then_some(doc)
}

/// Writes relisted cases in one transaction; when one was saved meanwhile (a conflict), each
/// of the others on its own. Returns how many were written.
async fn write_relisted(store: &AppStore, docs: Vec<Doc>) -> Result<usize, StoreError> {
    if docs.is_empty() {
        return Ok(0);
    }
    match store.bulk(docs.clone()).await {
        Ok(revs) => Ok(revs.len()),
        Err(StoreError::Conflict { .. }) => {
            let mut n = 0;
            for doc in docs {
                match store.put(doc).await {
                    Ok(_) => n += 1,
                    Err(StoreError::Conflict { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(n)
        }
        Err(e) => Err(e),
    }
}

/// The highest sequence number of `device_code` on `day` among stored case numbers (from the
/// `complaint_no` index: cases imported or numbered before counters existed).
async fn highest_stored_seq(
    store: &AppStore,
    day: NaiveDate,
    device_code: &str,
) -> Result<u32, StoreError> {
    let prefix = format!("TS-{}-{}-", day.layout("%Y%m%d"), device_code);
    let range = KeyRange::between(skey(prefix.clone()), skey(format!("{prefix}\u{ffff}")));
    // A floor for the counter, which is the authority: the highest few in text order (a
    // number past 9999 sorts among the lower ones; the counter is past it anyway by then).
    let last = store
        .query(&Query::new("complaint_no", range).descending().limit(20))
        .await?;
    let used: Vec<String> = last
        .docs
        .iter()
        .filter_map(|d| d.body.get("case_no").and_then(Json::as_str))
        .map(str::to_string)
        .collect();
    Ok(next_case_seq(used.iter().map(String::as_str), day, device_code) - 1)
}

/// Reserves the next case number of this device for the day of receipt: claims the device
/// code (see `boot::claimed_device`), then takes the next number from the day's
/// [`CaseCounter`], written at its revision; a conflict (another tab or save took a number
/// first) reads the counter again and retries. Returns the number and, when this device's
/// code had to change because another device owns it, the code given up.
pub async fn reserve_case_number(
    store: &AppStore,
    day: NaiveDate,
) -> Result<(String, Option<String>), StoreError> {
    let (device, changed) = crate::ui::boot::claimed_device(store).await?;
    let code = device.device_code.as_str();
    let id = case_counter_id(day, code);
    for _ in 0..50 {
        let mut counter = match typed::load::<CaseCounter, _>(store, &id).await {
            Ok(c) => c,
            Err(StoreError::NotFound { .. }) => CaseCounter::new(day, code, &device.device_id),
            Err(e) => return Err(e),
        };
        let seq = counter.reserve(highest_stored_seq(store, day, code).await?);
        counter.device_id = device.device_id.clone();
        match typed::save(store, &counter).await {
            Ok(_) => return Ok((case_number(day, code, seq), changed)),
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict { id })
}

/// Which index a filter reads, over which range, in which direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub index: &'static str,
    pub range: KeyRange,
    pub descending: bool,
}

/// Chooses the index for a filter, so that the rows read are (nearly) the rows shown:
/// a case number search reads `complaint_no` (prefix); a phone search
/// ([`ListFilter::phone_search`]) reads `complaint_phone4` (four digits: the last four) or
/// `complaint_phone` (prefix); due/overdue
/// or the deadline sort read `complaint_due`; then an equality filter reads its own index
/// keyed `[value, received_at]` (department, category, severity, channel, in that order of
/// preference); then a status reads `complaint_status` ("open": `complaint_open`); else every
/// case by time received. The date range narrows the time part of the key. Whatever the
/// chosen index does not serve (a second filter, staff, words of the narrative) is checked on
/// the rows read, with a bounded scan that says how far it got.
pub fn plan(f: &ListFilter, now: NaiveDateTime) -> Plan {
    let newest = f.sort == Sort::Newest;
    let prefix = |index: &'static str, p: String| Plan {
        index,
        range: KeyRange::between(skey(p.clone()), skey(format!("{p}\u{ffff}"))),
        descending: false,
    };
    if let Some(no) = f.case_no_search() {
        return prefix("complaint_no", no);
    }
    if let Some(digits) = f.phone_search() {
        return if digits.len() == 4 {
            Plan {
                index: "complaint_phone4",
                range: KeyRange::between(skey(digits.clone()), skey(digits)),
                descending: newest,
            }
        } else {
            // A number's cases in the order of their ids (the order they were filed): newest
            // first as the list is (QA: a full number's 41 cases came oldest first).
            Plan {
                descending: newest,
                ..prefix("complaint_phone", digits)
            }
        };
    }
    if f.due != DueFilter::All || f.sort == Sort::Deadline {
        let now_key = skey(key_time(now));
        let range = match f.due {
            DueFilter::Overdue => KeyRange {
                upper: Some(now_key),
                upper_open: true,
                ..KeyRange::default()
            },
            DueFilter::Today => KeyRange::between(now_key, skey(day_end(now.date()))),
            DueFilter::All => KeyRange::all(),
        };
        return Plan {
            index: "complaint_due",
            range,
            descending: false,
        };
    }
    let from = f.from.map(|d| format!("{d}T")).unwrap_or_default();
    let to = f.to.map(day_end).unwrap_or_else(|| "\u{ffff}".to_string());
    let dated = |head: Vec<KeyPart>| {
        let mut lo = head.clone();
        lo.push(KeyPart::Str(from.clone()));
        let mut hi = head;
        hi.push(KeyPart::Str(to.clone()));
        KeyRange::between(IndexKey(lo), IndexKey(hi))
    };
    let s = |x: String| vec![KeyPart::Str(x)];
    let (index, range) = if !f.department.is_empty() {
        ("complaint_department", dated(s(f.department.clone())))
    } else if let Some(c) = f.category {
        ("complaint_category", dated(s(super::model::slug(c))))
    } else if let Some(n) = f.severity {
        (
            "complaint_severity",
            dated(vec![KeyPart::Num(f64::from(n))]),
        )
    } else if let Some(c) = f.channel {
        ("complaint_channel", dated(s(super::model::slug(c))))
    } else {
        match f.status {
            StatusFilter::One(st) => ("complaint_status", dated(s(super::model::slug(st)))),
            StatusFilter::Approved => ("complaint_status", dated(s("approved".into()))),
            StatusFilter::Open => ("complaint_open", dated(vec![])),
            StatusFilter::All => ("complaint_by_received_at", dated(vec![])),
        }
    };
    Plan {
        index,
        range,
        descending: newest,
    }
}

/// One page of the list.
#[derive(Clone, Debug, Default)]
pub struct ListResult {
    pub rows: Vec<Complaint>,
    /// Where the next page starts (None at the end).
    pub next: Option<Cursor>,
    /// Index rows read for this page.
    pub scanned: usize,
    /// Records read from the store for this page: `scanned`, and the rest of the last read
    /// (what the page cost).
    pub read: usize,
    /// The scan stopped at [`SCAN_BOUND`] before the page was full.
    pub bounded: bool,
    /// When the scan was bounded: how many rows the chosen index holds for this filter in all
    /// (so the page can say "searched 2,000 of 100,000").
    pub total: Option<u64>,
    /// Records that could not be read.
    pub corrupt: usize,
}

/// Reads one page of the list from `after`: scans the planned index in chunks, keeps the
/// cases that pass every filter, and stops at a full page or after [`SCAN_BOUND`] rows.
pub async fn list_page(
    store: &AppStore,
    f: &ListFilter,
    cal: &WorkingCalendar,
    now: NaiveDateTime,
    after: Option<Cursor>,
) -> Result<ListResult, StoreError> {
    let p = plan(f, now);
    let schema = Schema::current();
    let ix = schema
        .index(p.index)
        .ok_or_else(|| StoreError::Invalid(format!("no index {}", p.index)))?;
    let mut out = ListResult::default();
    let mut cursor = after;
    // The first read asks for a page's worth and one row more, all it takes when the index
    // serves the filter (the one more says whether a next page exists, so that the last page
    // does not offer an empty one); each read after it (rows were filtered out) asks for
    // twice as many, up to a chunk, and never past the bound.
    let mut ask = PAGE_SIZE + 1;
    loop {
        // The read that reaches the bound asks for one row past it: a row there means the
        // scan stopped short of the end; none, that it reached the end (so a search over
        // exactly the bound's number of cases does not offer an empty next page).
        let left = SCAN_BOUND - out.scanned;
        let last_read = ask >= left;
        let mut q = Query::new(p.index, p.range.clone())
            .limit(if last_read { left + 1 } else { ask })
            .after(cursor.clone());
        if p.descending {
            q = q.descending();
        }
        ask = (ask * 2).min(SCAN_CHUNK);
        let page = typed::placed_page_of::<Complaint, _>(store, &q, ix).await?;
        out.corrupt += page.corrupt.len();
        out.scanned += page.corrupt.len();
        out.read += page.rows.len() + page.corrupt.len();
        let mut rows = page.rows.into_iter();
        let mut taken = page.corrupt.len();
        while let Some((c, pos)) = rows.next() {
            if last_read && taken >= left {
                return bounded(store, &p, out, cursor).await;
            }
            taken += 1;
            out.scanned += 1;
            if f.matches(&c, cal, now) {
                out.rows.push(c);
            }
            if pos.is_some() {
                cursor = pos;
            }
            if out.rows.len() >= PAGE_SIZE {
                // A next page when the rest of this read holds a match, or the index goes on
                // past it (whether a match is there is known only by reading on).
                let more_here = rows.any(|(c, _)| f.matches(&c, cal, now));
                out.next = if more_here || page.next.is_some() {
                    cursor
                } else {
                    None
                };
                return Ok(out);
            }
        }
        match page.next {
            None => return Ok(out),
            Some(c) => cursor = Some(c),
        }
        if out.scanned >= SCAN_BOUND {
            return bounded(store, &p, out, cursor).await;
        }
    }
}

/// At most this many cases go into one export of the list.
pub const EXPORT_MAX: usize = 20_000;

/// Every case the filter finds, page after page as the list reads them, up to [`EXPORT_MAX`]
/// (and whether the cap cut it short).
pub async fn all_matching(
    store: &AppStore,
    f: &ListFilter,
    cal: &WorkingCalendar,
    now: NaiveDateTime,
) -> Result<(Vec<Complaint>, bool), StoreError> {
    all_matching_up_to(store, f, cal, now, EXPORT_MAX).await
}

/// [`all_matching`] with its cap as a parameter. Cut means a case past the cap matches: the
/// list may offer a next page that holds none (the index goes on past the last match), so
/// exactly `max` matches read on until one more is found or the index ends.
pub async fn all_matching_up_to(
    store: &AppStore,
    f: &ListFilter,
    cal: &WorkingCalendar,
    now: NaiveDateTime,
    max: usize,
) -> Result<(Vec<Complaint>, bool), StoreError> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = list_page(store, f, cal, now, after).await?;
        all.extend(page.rows);
        if all.len() > max {
            all.truncate(max);
            return Ok((all, true));
        }
        after = page.next;
        if after.is_none() {
            return Ok((all, false));
        }
    }
}

/// `out` as a scan stopped at the bound: the next page starts after `cursor`, and the page
/// says how many rows the index holds for the filter.
async fn bounded(
    store: &AppStore,
    p: &Plan,
    mut out: ListResult,
    cursor: Option<Cursor>,
) -> Result<ListResult, StoreError> {
    out.bounded = true;
    out.next = cursor;
    out.total = Some(store.count(p.index, &p.range).await?);
    Ok(out)
}

/// Counts for the dashboard and the list header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: u64,
    pub due_today: u64,
    pub overdue: u64,
}

pub async fn counts(store: &AppStore, now: NaiveDateTime) -> Result<Counts, StoreError> {
    let now_key = skey(key_time(now));
    let open = store.count("complaint_open", &KeyRange::all()).await?;
    let overdue = store
        .count(
            "complaint_due",
            &KeyRange {
                upper: Some(now_key.clone()),
                upper_open: true,
                ..KeyRange::default()
            },
        )
        .await?;
    let due_today = store
        .count(
            "complaint_due",
            &KeyRange::between(now_key, skey(day_end(now.date()))),
        )
        .await?;
    Ok(Counts {
        open,
        due_today,
        overdue,
    })
}

/// A customer found for the intake form: id, name, masked phone.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerHit {
    pub id: String,
    pub name: String,
    pub masked_phone: String,
}

/// Customers matching a search (name, account number, last four digits of the phone),
/// scanning at most `bound` customer records; returns the hits (at most `max`) and whether
/// the scan was cut short.
pub async fn find_customers(
    store: &AppStore,
    query: &str,
    max: usize,
    bound: usize,
) -> Result<(Vec<CustomerHit>, bool), StoreError> {
    let mut hits = Vec::new();
    let mut after = None;
    let mut scanned = 0;
    loop {
        let q = Query::new("by_type", type_range("customer"))
            .limit(500)
            .after(after);
        let page = typed::page_of::<Customer, _>(store, &q).await?;
        scanned += page.rows.len() + page.corrupt.len();
        for c in page.rows {
            if c.matches(query) {
                hits.push(CustomerHit {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    masked_phone: c.masked_phone(),
                });
                if hits.len() >= max {
                    return Ok((hits, false));
                }
            }
        }
        match page.next {
            None => return Ok((hits, false)),
            Some(_) if scanned >= bound => return Ok((hits, true)),
            Some(c) => after = Some(c),
        }
    }
}
