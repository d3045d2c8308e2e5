//! The complaint list's reads in a real browser (IndexedDB): a page's worth first, more only
//! when filters leave rows out, and every match once, in order, page after page.
#![cfg(target_arch = "wasm32")]

use chrono::{Duration, NaiveDate, NaiveDateTime};
use kefu::domain::calendar::WorkingCalendar;
use kefu::domain::complaint::{Channel, Complainant, Complaint, Draft};
use kefu::domain::staff::{Actor, Role};
use kefu::store::idb_store::IdbStore;
use kefu::store::{typed, DocStore, Schema};
use kefu::ui::pages::complaints::model::ListFilter;
use kefu::ui::pages::complaints::repo::{
    all_matching_up_to, list_page, ListResult, PAGE_SIZE, SCAN_BOUND,
};
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 10, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// Case `i`, received `i` minutes after 09:00; every third one's narrative says 强制平仓.
fn case(i: u32) -> Complaint {
    case_saying(i, i.is_multiple_of(3))
}

/// Case `i`, received `i` minutes after 09:00, whose narrative says 强制平仓 when `forced`.
fn case_saying(i: u32, forced: bool) -> Complaint {
    case_received(i, forced, Duration::minutes(i.into()))
}

/// Case `i`, received `after` 09:00, whose narrative says 强制平仓 when `forced`.
fn case_received(i: u32, forced: bool, after: Duration) -> Complaint {
    let draft = Draft {
        complainant: Complainant {
            name: format!("客户{i}"),
            phone: format!("1380000{i:04}"),
            ..Complainant::default()
        },
        channel: Some(Channel::InPerson),
        received_at: Some(t0() + after),
        narrative: match forced {
            true => format!("第 {i} 号：强制平仓前未通知"),
            false => format!("第 {i} 号：营业部排队时间长"),
        },
        ..Draft::default()
    };
    let actor = Actor {
        id: "staff:1".into(),
        name: "张三".into(),
        role: Role::Specialist,
    };
    let now = t0() + Duration::days(1);
    Complaint::receive(
        &draft,
        format!("complaint:{i:04}"),
        format!("KS{i:04}"),
        "0001",
        &actor,
        now,
    )
    .unwrap()
}

/// The list's search for 强制平仓 (no index serves it: a scan of the narratives).
fn forced_search() -> ListFilter {
    ListFilter::from_query(&|k| (k == "q").then(|| "强制平仓".to_string()))
}

/// A new database of `cases`.
async fn fresh(cases: &[Complaint]) -> (String, IdbStore) {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let name = format!("kefu-test-list-{}-{n}", js_sys::Date::now());
    IdbStore::delete_database(&name).await.unwrap();
    let s = IdbStore::open_with(&name, Schema::current()).await.unwrap();
    let docs = cases.iter().map(|c| typed::to_doc(c).unwrap()).collect();
    s.bulk(docs).await.unwrap();
    (name, s)
}

/// Every page of the list under `f`: (the cases' numbers, rows read) a page.
async fn all_pages(s: &IdbStore, f: &ListFilter) -> Vec<(Vec<u32>, ListResult)> {
    let cal = WorkingCalendar::china_official();
    let now = t0() + Duration::days(1);
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let r = list_page(s, f, &cal, now, after).await.unwrap();
        let nums = r
            .rows
            .iter()
            .map(|c| c.case_no[2..].parse().unwrap())
            .collect();
        after = r.next.clone();
        out.push((nums, r));
        if after.is_none() || out.len() > 50 {
            return out;
        }
    }
}

#[wasm_bindgen_test]
async fn the_list_reads_a_page_first_and_more_only_for_filters() {
    let (name, s) = fresh(&(0..400).map(case).collect::<Vec<_>>()).await;

    // Every case, newest first: a page reads its 50 rows (and one more, to know that there
    // are more), and the last page offers no next one.
    let pages = all_pages(&s, &ListFilter::from_query(&|_| None)).await;
    assert_eq!(pages.len(), 8);
    for (i, (nums, r)) in pages.iter().enumerate() {
        let read = if i == 7 { PAGE_SIZE } else { PAGE_SIZE + 1 };
        assert_eq!(
            (nums.len(), r.scanned, r.read, r.corrupt),
            (PAGE_SIZE, PAGE_SIZE, read, 0)
        );
    }
    let seen: Vec<u32> = pages.iter().flat_map(|(n, _)| n.clone()).collect();
    assert_eq!(seen, (0..400).rev().collect::<Vec<_>>());

    // A search no index serves, matching one case in three: reads of 51, 102, then 200 rows;
    // every match once, newest first, and a page stops inside a read where it fills.
    let f = forced_search();
    let pages = all_pages(&s, &f).await;
    let seen: Vec<u32> = pages.iter().flat_map(|(n, _)| n.clone()).collect();
    assert_eq!(
        seen,
        (0..400)
            .rev()
            .filter(|i: &u32| i.is_multiple_of(3))
            .collect::<Vec<_>>()
    );
    let sizes: Vec<(usize, usize, usize)> = pages
        .iter()
        .map(|(n, r)| (n.len(), r.scanned, r.read))
        .collect();
    // Page 1: rows 399..349 (17 matches), then 348..247, filled at 252, its 97th row.
    // Page 2: rows 251..201 (17), then 200..99, filled at 102, its 99th row.
    // Page 3: rows 101..51 (17), then the last 51 rows (17), the end.
    assert_eq!(sizes, [(50, 148, 153), (50, 150, 153), (34, 102, 102)]);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_page_filled_before_the_end_offers_no_empty_next_page() {
    // 120 cases; the search matches the even ones from 20 on: 50 cases, all in the first two
    // reads (119..69, then 68..0 to the end), the last match (20) followed by 20 that do not.
    let cases: Vec<Complaint> = (0..120)
        .map(|i| case_saying(i, i.is_multiple_of(2) && i >= 20))
        .collect();
    let (name, s) = fresh(&cases).await;
    let f = forced_search();
    let pages = all_pages(&s, &f).await;
    assert_eq!(pages.len(), 1, "one page, no empty one after it");
    let (nums, r) = &pages[0];
    assert_eq!(
        *nums,
        (20..120)
            .rev()
            .filter(|i: &u32| i.is_multiple_of(2))
            .collect::<Vec<u32>>()
    );
    assert_eq!((r.scanned, r.read, r.next.is_none()), (100, 120, true));

    // One more match, in the rows left in that read: the next page is offered, and holds it.
    let mut cases = cases;
    cases[3] = case_saying(3, true);
    let (name2, s2) = fresh(&cases).await;
    let pages = all_pages(&s2, &f).await;
    let sizes: Vec<usize> = pages.iter().map(|(n, _)| n.len()).collect();
    assert_eq!(sizes, [50, 1]);
    assert_eq!(pages[1].0, [3]);
    for n in [name, name2] {
        IdbStore::delete_database(&n).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_search_over_exactly_the_bound_says_it_reached_the_end() {
    // As many cases as one page's scan may read (a second apart), one in a hundred matching: the scan reads
    // them all and must know it reached the end (no "not searched to the end", no empty
    // next page). One case more, and the scan stops short of it and says so.
    let n = SCAN_BOUND as u32;
    let cases: Vec<Complaint> = (0..n)
        .map(|i| case_received(i, i.is_multiple_of(100), Duration::seconds(i.into())))
        .collect();
    let (name, s) = fresh(&cases).await;
    let f = forced_search();
    let pages = all_pages(&s, &f).await;
    assert_eq!(pages.len(), 1, "one page, no empty one after it");
    let (nums, r) = &pages[0];
    assert_eq!(nums.len(), 20);
    assert_eq!(
        (r.scanned, r.bounded, r.next.is_none()),
        (SCAN_BOUND, false, true)
    );

    let newest = case_received(n, true, Duration::seconds(n.into()));
    s.bulk(vec![typed::to_doc(&newest).unwrap()]).await.unwrap();
    let pages = all_pages(&s, &f).await;
    let sizes: Vec<(usize, bool)> = pages.iter().map(|(n, r)| (n.len(), r.bounded)).collect();
    // Newest first: the new case matches, then 19 of the first 2,000; 0 is left past the bound.
    assert_eq!(sizes, [(20, true), (1, false)]);
    assert_eq!(pages[0].1.total, Some(u64::from(n) + 1));
    assert_eq!(pages[1].0, [0]);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_export_of_exactly_its_cap_is_not_cut() {
    // 300 cases; the newest 50 match: the list's first page holds them all and, as the index
    // goes on, offers a next page, which holds none. An export capped at 50 is whole; capped
    // at 49, cut; and with one more match further on, 50 is cut.
    let cases: Vec<Complaint> = (0..300).map(|i| case_saying(i, i >= 250)).collect();
    let (name, s) = fresh(&cases).await;
    let f = forced_search();
    let (cal, now) = (WorkingCalendar::china_official(), t0() + Duration::days(1));
    let pages = all_pages(&s, &f).await;
    assert!(pages[0].1.next.is_some(), "the list offers a next page");
    let (all, cut) = all_matching_up_to(&s, &f, &cal, now, 50).await.unwrap();
    assert_eq!((all.len(), cut), (50, false));
    let (all, cut) = all_matching_up_to(&s, &f, &cal, now, 49).await.unwrap();
    assert_eq!((all.len(), cut), (49, true));
    let mut more = cases;
    more[3] = case_saying(3, true);
    let (name2, s2) = fresh(&more).await;
    let (all, cut) = all_matching_up_to(&s2, &f, &cal, now, 50).await.unwrap();
    assert_eq!((all.len(), cut), (50, true));
    for n in [name, name2] {
        IdbStore::delete_database(&n).await.unwrap();
    }
}
