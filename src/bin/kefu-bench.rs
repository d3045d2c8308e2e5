//! kefu-bench: the benchmark build of Kefu's own store, sync and report code (issue 8). Built by
//! Trunk from `bench/index.html` and driven by `bench/run.mjs` through the functions exported
//! here; the same documents go to the JavaScript peers (Dexie.js, PouchDB) in `bench/peers.mjs`.
//! On the host it is an empty program, so host builds and lints pass.

#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
}

/// The deterministic complaint generator: document `i` of a seed is always the same.
#[cfg(target_arch = "wasm32")]
mod gen {
    use chrono::{Duration, NaiveDate, NaiveDateTime};
    use kefu::domain::calendar::WorkingCalendar;
    use kefu::domain::complaint::{
        case_number, deadline_of, ActionKind, Category, Channel, Complainant, Complaint,
        CustomerResponse, HistoryEvent, Responsibility, Round, StaffRef, Status, Verification,
    };
    use kefu::domain::ids::new_id;
    use kefu::store::{typed, Doc};
    use serde_json::Value as Json;

    /// The month every generated complaint is received in (a month of 100,000 cases).
    pub const YEAR: i32 = 2026;
    pub const MONTH: u32 = 10;

    /// SplitMix64 of (seed, i, k): the k-th random number of document i.
    fn mix(seed: u64, i: u64, k: u64) -> u64 {
        let mut z = seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(i.wrapping_mul(0xBF58_476D_1CE4_E5B9))
            .wrapping_add(k.wrapping_mul(0x94D0_49BB_1331_11EB))
            .wrapping_add(0x2545_F491_4F6C_DD1D);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    struct Rng {
        seed: u64,
        i: u64,
        k: u64,
    }

    impl Rng {
        fn next(&mut self) -> u64 {
            self.k += 1;
            mix(self.seed, self.i, self.k)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
    }

    const SURNAMES: &[&str] = &[
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
        "郭", "何", "林", "罗", "高",
    ];
    const GIVEN: &[&str] = &[
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
        "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东",
    ];
    const STAFF: &[&str] = &[
        "柜员甲",
        "柜员乙",
        "理财经理王某",
        "客户经理李某",
        "投资顾问赵某",
        "前台周某",
        "客服专员陈某",
        "营业部经理刘某",
    ];
    const DEPARTMENTS: &[&str] = &[
        "运营部",
        "财富管理部",
        "信息技术部",
        "客户服务部",
        "合规风控部",
        "机构业务部",
    ];
    const PLACES: &[&str] = &[
        "营业部一楼大厅",
        "二楼理财室",
        "手机APP",
        "网上交易系统",
        "客服热线",
        "柜台三号窗口",
    ];
    /// Sentences of a narrative; 2 to 4 of them make one (about 100 characters).
    const SENTENCES: &[&str] = &[
        "客户反映在营业部办理业务时等候时间过长，工作人员未及时说明原因。",
        "客户称其在交易时段内多次登录手机APP失败，导致未能及时卖出所持股票。",
        "客户对融资融券业务的利息计算方式有异议，认为收费标准与开户时告知的不一致。",
        "客户表示理财经理在推荐产品时未充分揭示风险，产品到期后出现亏损。",
        "客户来电投诉客服热线长时间无人接听，转人工服务后又被挂断。",
        "客户认为柜台工作人员态度冷淡，对其提出的问题敷衍了事。",
        "客户反映银证转账资金迟迟未到账，影响了当日的申购安排。",
        "客户称营业部未按约定时间回电，对处理进度不知情。",
        "客户对佣金费率调整未提前通知表示强烈不满，要求退还多收费用。",
        "客户反映风险测评结果与其实际情况不符，要求重新评估。",
        "客户表示在办理销户手续时被要求提供过多材料，流程繁琐。",
        "客户称行情软件数据延迟，导致委托价格与成交价格差异较大。",
        "客户反映营业部大厅空调温度过低，等候区座位不足。",
        "客户对新股申购中签后缴款提醒不及时表示不满。",
        "客户要求营业部就上述问题给出书面解释并提出改进措施。",
        "客户情绪较为激动，表示如不妥善处理将向监管部门反映。",
        "经初步了解，客户所述情况基本属实，需进一步核实交易记录。",
        "客户希望今后在业务变更时能够通过短信或电话提前告知。",
        "客户提及此前已就同一问题反映过一次，但未得到答复。",
        "客户同时咨询了可转债交易规则和适当性管理的相关要求。",
        "客户反映两融账户维持担保比例预警短信发送过晚，被强制平仓造成损失。",
        "客户对基金赎回款到账时间与宣传材料不一致提出质疑。",
        "客户称开户时填写的联系方式被泄露，近期频繁接到推销电话。",
        "客户表示对营业部整体服务较为认可，但此次事件影响了其信任。",
    ];
    const OPINIONS: &[&str] = &[
        "向客户致歉，说明原因，并对相关人员进行批评教育。",
        "核实交易记录后向客户解释，协助客户办理后续业务。",
        "属政策所限，耐心解释，争取客户理解。",
        "上报总部相关部门协调处理，及时向客户反馈进度。",
    ];

    fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        d.and_hms_opt(h, m, 0).unwrap_or_default()
    }

    fn staff(r: &mut Rng) -> StaffRef {
        let n = r.below(12);
        StaffRef {
            id: format!("staff:01KB0000000000000000000{n:03}"),
            name: format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN)),
        }
    }

    fn event(
        at: NaiveDateTime,
        by: &StaffRef,
        action: ActionKind,
        from: Status,
        to: Status,
    ) -> HistoryEvent {
        HistoryEvent {
            at,
            by: by.clone(),
            action,
            from_status: from,
            to_status: to,
            round: 1,
            why: None,
        }
    }

    /// Complaint `i` of `seed`, as its lifecycle would have left it by `now`.
    pub fn complaint(seed: u64, i: u64, now: NaiveDateTime) -> Complaint {
        let r = &mut Rng { seed, i, k: 0 };
        let first = NaiveDate::from_ymd_opt(YEAR, MONTH, 1).unwrap_or_default();
        let day = first + Duration::days(r.below(31) as i64);
        let received_at = at(day, 8 + r.below(10) as u32, r.below(60) as u32);
        let millis = received_at.and_utc().timestamp_millis() as u64 + (i % 1000);
        let mut random = [0u8; 10];
        let a = r.next().to_le_bytes();
        let b = r.next().to_le_bytes();
        random[..8].copy_from_slice(&a);
        random[8..].copy_from_slice(&b[..2]);
        let id = new_id("complaint", millis, random);
        let taker = staff(r);
        let channel = *r.pick(&Channel::ALL);
        let n_sentences = 2 + r.below(3);
        let narrative: String = (0..n_sentences).map(|_| *r.pick(SENTENCES)).collect();
        let name = format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN));
        let phone = format!("13{}{:08}", r.below(10), r.next() % 100_000_000);
        // Older cases are further along: most cases of the month are closed by now.
        let age_days = (now.date() - day).num_days();
        let stage = match r.below(100) {
            x if x < 4 => 0,
            x if x < 8 => 1,
            x if x < 14 => 2,
            x if x < 18 => 3,
            x if x < 22 => 4,
            x if x < 25 => 5,
            x if x < 90 => 6,
            _ => 7,
        }
        .min(if age_days > 20 { 7 } else { 6 });
        let statuses = Status::ALL;
        let status = statuses[stage];
        let mut history = vec![event(
            received_at,
            &taker,
            ActionKind::Receive,
            Status::Received,
            Status::Received,
        )];
        let mut round = Round::new(1, received_at, None);
        let (mut category, mut severity, mut department) = (None, None, None);
        let mut t = received_at;
        let mut step = |r: &mut Rng, hours: i64| {
            t += Duration::minutes(r.below(hours as usize * 60) as i64 + 10);
            t
        };
        let late = r.chance(12);
        let span = if late { 120 } else { 40 };
        let kinds = [
            (ActionKind::Classify, Status::Classified),
            (ActionKind::StartInvestigation, Status::Investigating),
            (ActionKind::SubmitOpinion, Status::AwaitingApproval),
            (ActionKind::Respond, Status::Responded),
            (ActionKind::StartVerification, Status::Verifying),
            (ActionKind::Close, Status::Closed),
            (ActionKind::Archive, Status::Archived),
        ];
        let mut from = Status::Received;
        let mut closed_at = None;
        let mut archived_at = None;
        for (action, to) in kinds.iter().take(stage) {
            let when = step(r, span / 4);
            match action {
                ActionKind::Classify => {
                    category = Some(*r.pick(&Category::ALL));
                    severity = Some(1 + r.below(5) as u8);
                    department = Some(r.pick(DEPARTMENTS).to_string());
                }
                ActionKind::SubmitOpinion => {
                    round.findings =
                        Some(format!("经调阅录音及交易记录核实，{}", r.pick(SENTENCES)));
                    round.findings_at = Some(when);
                    round.responsibility = Some(*r.pick(&Responsibility::ALL));
                    round.opinion = Some(r.pick(OPINIONS).to_string());
                    round.submissions = 1;
                    round.submitted_by = Some(taker.clone());
                }
                ActionKind::Respond => {
                    round.response = Some(CustomerResponse {
                        at: when,
                        by: taker.clone(),
                        channel: Channel::Phone,
                        content: format!("已电话告知客户处理结果：{}", r.pick(OPINIONS)),
                    });
                }
                ActionKind::Close => {
                    round.verification = Some(Verification {
                        at: when,
                        by: staff(r),
                        satisfied: true,
                        measures_effective: None,
                        note: "客户表示满意".into(),
                    });
                    closed_at = Some(when);
                }
                ActionKind::Archive => archived_at = Some(when),
                _ => {}
            }
            history.push(event(when, &taker, *action, from, *to));
            from = *to;
        }
        Complaint {
            id,
            rev: None,
            case_no: case_number(day, "A1", (i % 9999) as u32 + 1),
            branch_code: "0101".into(),
            complainant: Complainant {
                name,
                phone,
                email: String::new(),
                address: String::new(),
            },
            customer_id: if r.chance(60) {
                Some(format!("customer:01KB{:022}", r.below(20_000)))
            } else {
                None
            },
            from_demand: None,
            from_survey: None,
            channel,
            received_at,
            event_time: Some(received_at - Duration::hours(r.below(72) as i64)),
            event_place: r.pick(PLACES).to_string(),
            staff_involved: (0..r.below(3)).map(|_| r.pick(STAFF).to_string()).collect(),
            narrative,
            category,
            severity,
            department,
            preliminary_opinion: "先行安抚客户情绪，记录诉求，转相关部门核实。".into(),
            status,
            rounds: vec![round],
            closed_at,
            archived_at,
            destroyed: false,
            history,
        }
    }

    /// The document of a complaint as the app writes it (with the listed `deadline`).
    pub fn doc(c: &Complaint, cal: &WorkingCalendar) -> Doc {
        let mut doc = typed::to_doc(c).expect("a complaint serializes");
        if let (Some(map), Some(d)) = (doc.body.as_object_mut(), deadline_of(c, cal)) {
            map.insert(
                "deadline".into(),
                Json::String(d.format("%Y-%m-%dT%H:%M:%S").to_string()),
            );
        }
        doc
    }
}

#[cfg(target_arch = "wasm32")]
mod bench {
    use std::cell::RefCell;

    use chrono::NaiveDateTime;
    use kefu::domain::calendar::WorkingCalendar;
    use kefu::domain::complaint::Complaint;
    use kefu::domain::report::{CaseFacts, MonthlyAggregator};
    use kefu::store::idb_store::IdbStore;
    use kefu::store::{typed, Doc, DocStore, IndexKey, KeyPart, KeyRange, Query, StoreError};
    use kefu::sync::engine::{replicate, Options, ReplicationSpec};
    use kefu::sync::http::FetchTransport;
    use kefu::sync::protocol::Direction;
    use serde_json::{json, Value as Json};
    use wasm_bindgen::prelude::*;

    use super::gen;

    thread_local! {
        /// What the memory measurement loaded (kept alive while the page is measured).
        static HELD: RefCell<Vec<Complaint>> = const { RefCell::new(Vec::new()) };
    }

    fn now_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    fn err(e: impl std::fmt::Display) -> JsValue {
        JsValue::from_str(&e.to_string())
    }

    fn out(v: Json) -> JsValue {
        JsValue::from_str(&v.to_string())
    }

    fn parse_now(now: &str) -> Result<NaiveDateTime, JsValue> {
        NaiveDateTime::parse_from_str(now, "%Y-%m-%dT%H:%M:%S").map_err(err)
    }

    fn skey(s: &str) -> IndexKey {
        IndexKey(vec![KeyPart::Str(s.to_string())])
    }

    fn docs(seed: u32, start: u32, count: u32, now: NaiveDateTime) -> Vec<Doc> {
        let cal = WorkingCalendar::china_official();
        (start..start + count)
            .map(|i| gen::doc(&gen::complaint(seed as u64, i as u64, now), &cal))
            .collect()
    }

    async fn fresh(db: &str) -> Result<IdbStore, StoreError> {
        IdbStore::delete_database(db).await?;
        IdbStore::open(db).await
    }

    /// Documents `start..start+count` of `seed` as a JSON array of CouchDB documents
    /// (`_id` and the body's fields), for the JavaScript peers.
    #[wasm_bindgen]
    pub fn kefu_docs_json(seed: u32, start: u32, count: u32, now: &str) -> Result<String, JsValue> {
        let now = parse_now(now)?;
        let arr: Vec<Json> = docs(seed, start, count, now)
            .into_iter()
            .map(|d| {
                let mut m = serde_json::Map::new();
                m.insert("_id".into(), Json::String(d.id));
                if let Json::Object(body) = d.body {
                    m.extend(body);
                }
                Json::Object(m)
            })
            .collect();
        serde_json::to_string(&arr).map_err(err)
    }

    /// Bulk insert of `n` documents into a fresh database, `chunk` per transaction. The time is
    /// the sum of the `bulk` calls (generating the documents is not timed).
    #[wasm_bindgen]
    pub async fn kefu_bulk_insert(
        db: String,
        seed: u32,
        n: u32,
        chunk: u32,
        now: String,
    ) -> Result<JsValue, JsValue> {
        let now = parse_now(&now)?;
        let store = fresh(&db).await.map_err(err)?;
        let mut ms = 0.0;
        let mut start = 0;
        while start < n {
            let count = chunk.min(n - start);
            let batch = docs(seed, start, count, now);
            let t0 = now_ms();
            store.bulk(batch).await.map_err(err)?;
            ms += now_ms() - t0;
            start += count;
        }
        let stored = store
            .count("by_type", &KeyRange::all())
            .await
            .map_err(err)?;
        store.close();
        Ok(out(json!({"ms": ms, "stored": stored})))
    }

    /// Open and overdue cases, newest deadline first, first page of 50 (`complaint_due`).
    #[wasm_bindgen]
    pub async fn kefu_query_overdue(
        db: String,
        now: String,
        runs: u32,
    ) -> Result<JsValue, JsValue> {
        let store = IdbStore::open(&db).await.map_err(err)?;
        let range = KeyRange {
            upper: Some(skey(&now)),
            upper_open: true,
            ..KeyRange::default()
        };
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..runs.max(1) {
            let q = Query::new("complaint_due", range.clone())
                .descending()
                .limit(50);
            let t0 = now_ms();
            let page = store.query(&q).await.map_err(err)?;
            times.push(now_ms() - t0);
            rows = page.docs.len();
        }
        store.close();
        Ok(out(json!({"times": times, "rows": rows})))
    }

    /// Full-text search: every complaint read a page at a time, narratives matched by substring.
    #[wasm_bindgen]
    pub async fn kefu_search(db: String, term: String, page: u32) -> Result<JsValue, JsValue> {
        let store = IdbStore::open(&db).await.map_err(err)?;
        let t0 = now_ms();
        let range = KeyRange::prefix(skey("complaint"));
        let mut after = None;
        let (mut hits, mut scanned) = (0u32, 0u32);
        loop {
            let q = Query::new("by_type", range.clone())
                .limit(page as usize)
                .after(after);
            let p = store.query(&q).await.map_err(err)?;
            for d in &p.docs {
                scanned += 1;
                if d.body
                    .get("narrative")
                    .and_then(Json::as_str)
                    .is_some_and(|n| n.contains(term.as_str()))
                {
                    hits += 1;
                }
            }
            match p.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        let ms = now_ms() - t0;
        store.close();
        Ok(out(json!({"ms": ms, "hits": hits, "scanned": scanned})))
    }

    /// The complaint list's first page as the list page reads it (`list_page` with the list's
    /// default filter: every case, newest first): 50 typed complaints.
    #[wasm_bindgen]
    pub async fn kefu_list_page(db: String, now: String, runs: u32) -> Result<JsValue, JsValue> {
        use kefu::ui::pages::complaints::{model::ListFilter, repo::list_page};
        let now = parse_now(&now)?;
        let cal = WorkingCalendar::china_official();
        let filter = ListFilter::from_query(&|_| None);
        let t_open = now_ms();
        let store = IdbStore::open(&db).await.map_err(err)?;
        let open_ms = now_ms() - t_open;
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..runs.max(1) {
            let t0 = now_ms();
            let page = list_page(&store, &filter, &cal, now, None)
                .await
                .map_err(err)?;
            times.push(now_ms() - t0);
            rows = page.rows.len();
        }
        store.close();
        Ok(out(
            json!({"times": times, "rows": rows, "open_ms": open_ms}),
        ))
    }

    /// The monthly report as the reports page builds it: the month's report facts read at once
    /// from the `complaint_facts` summaries, folded with the domain's `MonthlyAggregator`
    /// (working-day clocks and all). `page` is unused (kept for the driver's signature).
    #[wasm_bindgen]
    pub async fn kefu_report(db: String, now: String, page: u32) -> Result<JsValue, JsValue> {
        let _ = page;
        let now_t = parse_now(&now)?;
        let store = IdbStore::open(&db).await.map_err(err)?;
        let cal = WorkingCalendar::china_official();
        let t0 = now_ms();
        let (ny, nm) = kefu::domain::calendar::next_month(gen::YEAR, gen::MONTH);
        let range = KeyRange {
            lower: Some(skey(&format!("{}-{:02}-01T", gen::YEAR, gen::MONTH))),
            upper: Some(skey(&format!("{ny}-{nm:02}-01T"))),
            lower_open: false,
            upper_open: true,
        };
        let mut agg = MonthlyAggregator::new(gen::YEAR, gen::MONTH, cal, now_t);
        // As the reports page reads them: segments merged as they are read.
        let facts =
            kefu::store::typed::summaries_of::<CaseFacts, _>(&store, "complaint_facts", &range)
                .await
                .map_err(err)?;
        let facts_ms = now_ms() - t0;
        let mut corrupt = 0;
        for (id, f) in facts {
            match f {
                Some(f) => {
                    agg.add_facts(&f.with_id(id));
                }
                None => corrupt += 1,
            }
        }
        let report = agg.finish();
        let ms = now_ms() - t0;
        store.close();
        Ok(out(json!({
            "ms": ms,
            "facts_ms": facts_ms,
            "total": report.total.count,
            "overdue": report.overdue.len(),
            "by_status": report.by_status.iter().map(|(s, f)| (format!("{s:?}"), f.count)).collect::<std::collections::BTreeMap<_, _>>(),
            "corrupt": corrupt,
        })))
    }

    /// Fills a fresh database with `n` documents (not timed), for replication.
    #[wasm_bindgen]
    pub async fn kefu_fill(db: String, seed: u32, n: u32, now: String) -> Result<JsValue, JsValue> {
        kefu_bulk_insert(db, seed, n, 1000, now).await
    }

    fn spec(db: &str, direction: Direction) -> ReplicationSpec {
        ReplicationSpec {
            local_db_id: format!("bench-{db}"),
            server_url: "bench".into(),
            db: db.to_string(),
            direction,
            doc_types: Vec::new(),
        }
    }

    /// Push of `local` to the (empty) server database `remote` with Kefu's sync engine.
    #[wasm_bindgen]
    pub async fn kefu_push(
        local: String,
        server: String,
        remote: String,
    ) -> Result<JsValue, JsValue> {
        let store = IdbStore::open(&local).await.map_err(err)?;
        let t = FetchTransport::new(&server);
        let t0 = now_ms();
        let o = replicate(
            &store,
            &t,
            &spec(&remote, Direction::Push),
            "bench-push",
            &Options::default(),
        )
        .await
        .map_err(err)?;
        let ms = now_ms() - t0;
        store.close();
        Ok(out(
            json!({"ms": ms, "written": o.revs_written, "read": o.changes_read}),
        ))
    }

    /// Pull of the server database `remote` into a fresh local database with Kefu's sync engine.
    #[wasm_bindgen]
    pub async fn kefu_pull(
        local: String,
        server: String,
        remote: String,
    ) -> Result<JsValue, JsValue> {
        let store = fresh(&local).await.map_err(err)?;
        let t = FetchTransport::new(&server);
        let t0 = now_ms();
        let o = replicate(
            &store,
            &t,
            &spec(&remote, Direction::Pull),
            "bench-pull",
            &Options::default(),
        )
        .await
        .map_err(err)?;
        let ms = now_ms() - t0;
        // What the app's sync cycle does next, not counted in the pull (PouchDB's replication
        // has no such step): look for conflicts in what arrived.
        let t1 = now_ms();
        kefu::sync::conflicts::settle_since(&store)
            .await
            .map_err(err)?;
        let settle_ms = now_ms() - t1;
        let stored = store
            .count("by_type", &KeyRange::all())
            .await
            .map_err(err)?;
        store.close();
        Ok(out(
            json!({"ms": ms, "written": o.revs_written, "stored": stored,
                // The app's cycle then looks for conflicts in what arrived (not in `ms`).
                "settle_ms": settle_ms,
                // Pages written without reading them again after their `revs_diff`.
                "pages_not_reread": store.reads_skipped(),
                // Pages diffed without reading ids it never wrote (the store was found empty).
                "pages_diffed_unread": store.diffs_known()}),
        ))
    }

    /// What the staff home and the list load at start: the list's first page (typed) and the
    /// dashboard's counts (open, overdue, due today). The rows stay held for the measurement.
    #[wasm_bindgen]
    pub async fn kefu_load_list_and_dashboard(db: String, now: String) -> Result<JsValue, JsValue> {
        let store = IdbStore::open(&db).await.map_err(err)?;
        let q = Query::new("complaint_by_received_at", KeyRange::all())
            .descending()
            .limit(50);
        let page = typed::page_of::<Complaint, _>(&store, &q)
            .await
            .map_err(err)?;
        let open = store
            .count("complaint_open", &KeyRange::all())
            .await
            .map_err(err)?;
        let overdue = store
            .count(
                "complaint_due",
                &KeyRange {
                    upper: Some(skey(&now)),
                    upper_open: true,
                    ..KeyRange::default()
                },
            )
            .await
            .map_err(err)?;
        let rows = page.rows.len();
        HELD.with(|h| *h.borrow_mut() = page.rows);
        // The store stays open, as in the app.
        std::mem::forget(store);
        Ok(out(json!({"rows": rows, "open": open, "overdue": overdue})))
    }

    /// The size of the wasm linear memory, bytes.
    #[wasm_bindgen]
    pub fn kefu_wasm_memory_bytes() -> f64 {
        wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map(|b| b.byte_length() as f64)
                    .unwrap_or(0.0)
            })
            .unwrap_or(0.0)
    }
}
