//! complaints/list: the list /complaints — filters and search in the query string, paged 50
//! at a time through an index with a cursor, due-today and overdue rows highlighted, and the
//! counts of open, due-today and overdue cases.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::domain::calendar::WorkingCalendar;
use crate::domain::complaint::Complaint;
use crate::domain::complaint::{severity_en, severity_zh, Category, Channel, ClockKind, Status};
use crate::domain::datefmt::Layout;
use crate::domain::report::case_list_csv;
use crate::domain::settings::Language;
use crate::store::Cursor;
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::model::{
    fmt_dt, slug, status_class, urgency, DueFilter, ListFilter, Sort, StatusFilter, Urgency,
};
use super::repo::{all_matching, counts, list_page, EXPORT_MAX};

type CaseListCsv = fn(
    &[Complaint],
    &WorkingCalendar,
    chrono::NaiveDateTime,
    Language,
) -> Result<Vec<u8>, csv::Error>;

/// The list's CSV writer ([`case_list_csv`]), from the reports' part of the wasm, which holds
/// the reports' CSV writing: in this part it made the list's page 23 KB larger.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(reports, fallible)]
fn csv_in_part() -> Result<CaseListCsv, wasm_split_helpers::SplitLoaderError> {
    Ok(case_list_csv)
}

/// Without the split (the in-browser tests' build), the writer at hand.
#[cfg(not(feature = "split"))]
async fn csv_in_part() -> Result<CaseListCsv, wasm_split_helpers::SplitLoaderError> {
    Ok(case_list_csv)
}

#[component]
pub fn ListPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let filter = Memo::new(move |_| {
        let q = query.get();
        let mut f = ListFilter::from_query(&|k| q.get(k));
        // Only `by=me` follows who is signed in (a sign-in elsewhere leaves other lists be).
        if f.by == "me" {
            f.me = state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
        }
        f
    });
    // Everyone who may have worked on a case, for the 经手人 filter: the active staff first,
    // then those no longer active (their cases stay theirs).
    let people = Res::new(move || {
        state.changes.track();
        let s = store();
        async move {
            let (mut all, _) = crate::ui::data::all_of::<crate::domain::staff::Staff>(&s)
                .await
                .unwrap_or_default();
            crate::domain::sort::sort_by(&mut all, |a, b| {
                (!a.active, &a.name).cmp(&(!b.active, &b.name))
            });
            all
        }
    });
    // Cursors of the pages before the current one (for "previous") and of the current one,
    // each with how many index rows were read before it (for "searched N of M").
    let stack = RwSignal::new(Vec::<(Option<Cursor>, usize)>::new());
    let at = RwSignal::new((None::<Cursor>, 0usize));
    Effect::new(move |_| {
        filter.track();
        stack.set(Vec::new());
        at.set((None, 0));
    });

    let page = Res::new(move || {
        state.changes.track();
        state.today.track();
        let f = filter.get();
        let after = at.get().0;
        let cal = state.calendar.get();
        let s = store();
        async move {
            let now = super::model::now_s();
            // Nothing can match (reversed dates, "me" signed out): nothing is read.
            if f.finds_nothing() {
                return Ok((Default::default(), now));
            }
            list_page(&s, &f, &cal, now, after).await.map(|r| (r, now))
        }
    });
    let totals = Res::new(move || {
        state.changes.track();
        state.today.track();
        let s = store();
        async move { counts(&s, super::model::now_s()).await.ok() }
    });

    let go = move |f: ListFilter| {
        let q = f.to_query();
        let url = if q.is_empty() {
            "/complaints".to_string()
        } else {
            format!("/complaints?{q}")
        };
        navigate.with_value(|n| n(&url, Default::default()));
    };
    let set = move |change: &dyn Fn(&mut ListFilter)| {
        let mut f = filter.get_untracked();
        change(&mut f);
        go(f);
    };
    // The search box: what is typed and not yet searched for is kept over a reload (per tab);
    // a search made, or one from the address, is what it shows unless something else is being
    // typed.
    // So are the department's and the staff member's boxes, which take effect when left.
    let search = RwSignal::new(filter.get_untracked().q);
    let department = RwSignal::new(filter.get_untracked().department);
    let staff = RwSignal::new(filter.get_untracked().staff);
    let kept = crate::ui::components::keep_typed(
        "kefu.complaints.search",
        vec![("q", search), ("department", department), ("staff", staff)],
    );
    Effect::new(move |_| {
        let f = filter.get();
        kept.follow("q", f.q);
        kept.follow("department", f.department);
        kept.follow("staff", f.staff);
    });
    // Enter in any box searches with all three as typed.
    let search_typed = move || {
        let typed = |s: RwSignal<String>| s.get_untracked().trim().to_string();
        let (q, d, p) = (typed(search), typed(department), typed(staff));
        set(&move |f| {
            f.q = q.clone();
            f.department = d.clone();
            f.staff = p.clone();
        });
    };

    // The cases the filters find (every page) as a CSV file.
    let exporting = RwSignal::new(false);
    let export = move |_| {
        exporting.set(true);
        let (f, cal, s) = (
            filter.get_untracked(),
            state.calendar.get_untracked(),
            store(),
        );
        leptos::task::spawn_local(async move {
            let now = super::model::now_s();
            let made = match (all_matching(&s, &f, &cal, now).await, csv_in_part().await) {
                (Ok((cases, cut)), Ok(csv)) => {
                    let lang = state.lang.get_untracked();
                    Ok((csv(&cases, &cal, now, lang.into()), cases.len(), cut))
                }
                (Err(e), _) => Err(e.message(state.zh())),
                (_, Err(_)) => Err(state.lang.get_untracked().s(
                    "未能载入导出模块，请检查网络后重试",
                    "The export module could not be loaded; check the network and try again",
                )),
            };
            exporting.try_set(false);
            match made {
                Ok((Ok(bytes), n, cut)) => {
                    crate::ui::platform::download(
                        &format!(
                            "kefu-complaints{}-{}.csv",
                            f.file_tag(),
                            now.layout("%Y%m%d-%H%M")
                        ),
                        "text/csv;charset=utf-8",
                        &String::from_utf8_lossy(&bytes),
                    );
                    if cut {
                        state.tell(
                            format!("已导出前 {EXPORT_MAX} 件投诉，请缩小筛选范围后导出其余"),
                            format!("Exported the first {EXPORT_MAX} complaints; narrow the filters to export the rest"),
                        );
                    } else {
                        state.tell(
                            format!("已导出 {n} 件投诉"),
                            format!("Exported {n} complaints"),
                        );
                    }
                }
                Ok((Err(e), ..)) => state.warn(e.to_string()),
                Err(e) => state.warn(e),
            }
        });
    };

    let opt = move |value: String, label: Signal<String>, selected: Signal<bool>| {
        // The property, not the attribute: an option once picked by hand ignores its attribute,
        // and the address (back, forward, a link) must still choose it.
        view! { <option value=value prop:selected=move || selected.get()>{move || label.get()}</option> }
    };

    view! {
        <div class="complaints list">
        <div class="spread">
            <h1>{t2("投诉", "Complaints")}</h1>
            <A href="/complaints/new" attr:class="button primary no-print" attr:data-testid="new-complaint">{t2("受理新投诉", "New complaint")}</A>
        </div>
        <div class="cards" data-testid="complaint-counts">
            <A href="/complaints?status=open" attr:class="card" attr:data-testid="count-open">
                <div class="n">{move || totals.get().flatten().map(|c| c.open.to_string()).unwrap_or_else(|| "…".into())}</div>
                <div class="l">{t2("未闭环", "Open")}</div>
            </A>
            <A href="/complaints?due=today" attr:class="card warn" attr:data-testid="count-due-today">
                <div class="n">{move || totals.get().flatten().map(|c| c.due_today.to_string()).unwrap_or_else(|| "…".into())}</div>
                <div class="l">{t2("今日到期", "Due today")}</div>
            </A>
            <A href="/complaints?due=overdue" attr:class="card bad" attr:data-testid="count-overdue">
                <div class="n">{move || totals.get().flatten().map(|c| c.overdue.to_string()).unwrap_or_else(|| "…".into())}</div>
                <div class="l">{t2("已超时", "Overdue")}</div>
            </A>
        </div>

        <form class="panel filters no-print" role="search" novalidate
            on:submit=move |ev| { ev.prevent_default(); search_typed(); }>
            <div class="fields">
                <div class="field wide">
                    <label for="l-q">{t2("搜索（案件编号、姓名、电话或事由中的字词）", "Search (case number, name, phone or words of the narrative)")}</label>
                    <div class="row">
                        <input id="l-q" type="search" bind:value=search style="flex:1"/>
                        <button type="submit" data-testid="search">{t2("搜索", "Search")}</button>
                    </div>
                </div>
                <div class="field">
                    <label for="l-status">{t2("状态", "Status")}</label>
                    <select id="l-status" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.status = match v.as_str() {
                        "open" => StatusFilter::Open,
                        "approved" => StatusFilter::Approved,
                        s => super::model::from_slug::<Status>(s).map(StatusFilter::One).unwrap_or_default(),
                    }); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "All").into()), Signal::derive(move || filter.get().status == StatusFilter::All))}
                        {opt("open".into(), Signal::derive(move || lang.get().t("未闭环", "Open").into()), Signal::derive(move || filter.get().status == StatusFilter::Open))}
                        // 已审批，待反馈 right after 待审批, of which it is the approved part.
                        {Status::ALL.into_iter().flat_map(|s| {
                            let (z, e) = crate::domain::complaint::APPROVED_TEXT;
                            let approved = (s == Status::AwaitingApproval).then(|| ("approved".to_string(), z, e, StatusFilter::Approved));
                            std::iter::once((slug(s), s.zh(), s.en(), StatusFilter::One(s))).chain(approved)
                        }).map(|(value, z, e, f)| opt(value, Signal::derive(move || lang.get().t(z, e).into()), Signal::derive(move || filter.get().status == f))).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="l-due">{t2("时限", "Deadline")}</label>
                    <select id="l-due" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.due = match v.as_str() {
                        "today" => DueFilter::Today, "overdue" => DueFilter::Overdue, _ => DueFilter::All }); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "All").into()), Signal::derive(move || filter.get().due == DueFilter::All))}
                        {opt("today".into(), Signal::derive(move || lang.get().t("今日到期", "Due today").into()), Signal::derive(move || filter.get().due == DueFilter::Today))}
                        {opt("overdue".into(), Signal::derive(move || lang.get().t("已超时", "Overdue").into()), Signal::derive(move || filter.get().due == DueFilter::Overdue))}
                    </select>
                </div>
                <div class="field">
                    <label for="l-category">{t2("类别", "Category")}</label>
                    <select id="l-category" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.category = super::model::from_slug(&v)); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "All").into()), Signal::derive(move || filter.get().category.is_none()))}
                        {Category::ALL.into_iter().map(|c| opt(slug(c), Signal::derive(move || lang.get().t(c.zh(), c.en()).into()), Signal::derive(move || filter.get().category == Some(c)))).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="l-channel">{t2("受理方式", "Channel")}</label>
                    <select id="l-channel" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.channel = super::model::from_slug(&v)); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "All").into()), Signal::derive(move || filter.get().channel.is_none()))}
                        {Channel::ALL.into_iter().map(|c| opt(slug(c), Signal::derive(move || lang.get().t(c.zh(), c.en()).into()), Signal::derive(move || filter.get().channel == Some(c)))).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="l-severity">{t2("严重程度", "Severity")}</label>
                    <select id="l-severity" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.severity = v.parse().ok()); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "All").into()), Signal::derive(move || filter.get().severity.is_none()))}
                        {(1u8..=5).map(|n| opt(n.to_string(), Signal::derive(move || format!("{n} · {}", if lang.get().is_zh() { severity_zh(n) } else { severity_en(n) })), Signal::derive(move || filter.get().severity == Some(n)))).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="l-department">{t2("责任部门", "Department")}</label>
                    <input id="l-department" list="l-department-list" bind:value=department
                        on:change=move |_| { let v = department.get_untracked(); set(&move |f| f.department = v.trim().to_string()); }/>
                    <datalist id="l-department-list">
                        {super::intake::DEPARTMENTS.into_iter().map(|d| view! { <option value=d></option> }).collect_view()}
                    </datalist>
                </div>
                <div class="field">
                    <label for="l-staff">{t2("涉及人员", "Staff involved")}</label>
                    <input id="l-staff" bind:value=staff
                        on:change=move |_| { let v = staff.get_untracked(); set(&move |f| f.staff = v.trim().to_string()); }/>
                </div>
                <div class="field">
                    <label for="l-by">{t2("经手人", "Worked on by")}</label>
                    <select id="l-by" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.by = v.clone()); }>
                        {opt("".into(), Signal::derive(move || lang.get().t("全部", "Anyone").into()), Signal::derive(move || filter.get().by.is_empty()))}
                        {opt("me".into(), Signal::derive(move || lang.get().t("我经手的", "Me").into()), Signal::derive(move || filter.get().by == "me"))}
                        {move || {
                            let by = filter.get().by;
                            let list = people.get();
                            // An id in the address that no staff record has is still shown as chosen.
                            let unknown = list.as_ref().is_some_and(|l| !by.is_empty() && by != "me" && !l.iter().any(|p| p.id == by));
                            let list = list.unwrap_or_default();
                            list.into_iter().map(|p| {
                                let (id, name, active) = (p.id, p.name, p.active);
                                let chosen = id.clone();
                                let label = Signal::derive(move || if active { name.clone() } else { lang.get().s(format!("{name}（已停用）"), format!("{name} (inactive)")) });
                                opt(id, label, Signal::derive(move || filter.get().by == chosen))
                            }).chain(unknown.then(|| opt(by, Signal::derive(move || lang.get().t("（未知员工）", "(unknown staff)").into()), Signal::derive(|| true)))).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="l-from">{t2("受理日期自", "Received from")}</label>
                    <input id="l-from" type="date" prop:value=move || filter.get().from.map(|d| d.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.from = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()); }/>
                </div>
                <div class="field">
                    <label for="l-to">{t2("至", "to")}</label>
                    <input id="l-to" type="date" prop:value=move || filter.get().to.map(|d| d.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.to = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()); }/>
                </div>
                <div class="field">
                    <label for="l-sort">{t2("排序", "Sort")}</label>
                    <select id="l-sort" on:change=move |ev| { let v = event_target_value(&ev); set(&move |f| f.sort = match v.as_str() {
                        "oldest" => Sort::Oldest, "deadline" => Sort::Deadline, _ => Sort::Newest }); }>
                        {opt("newest".into(), Signal::derive(move || lang.get().t("受理时间（新→旧）", "Received, newest first").into()), Signal::derive(move || filter.get().sort == Sort::Newest))}
                        {opt("oldest".into(), Signal::derive(move || lang.get().t("受理时间（旧→新）", "Received, oldest first").into()), Signal::derive(move || filter.get().sort == Sort::Oldest))}
                        {opt("deadline".into(), Signal::derive(move || lang.get().t("时限（近→远，仅待调查核实或待反馈客户的案件）", "Deadline, soonest first (cases still to investigate or answer)").into()), Signal::derive(move || filter.get().sort == Sort::Deadline))}
                    </select>
                </div>
            </div>
            <div class="actions">
                <A href="/complaints" attr:data-testid="clear-filters">{t2("清除筛选", "Clear filters")}</A>
                <button type="button" on:click=export data-testid="export-csv"
                    disabled=move || exporting.get() || filter.with(ListFilter::finds_nothing)>
                    {move || if exporting.get() { lang.get().t("正在导出…", "Exporting…") } else { lang.get().t("导出 CSV", "Export CSV") }}
                </button>
            </div>
        </form>
        {move || filter.with(ListFilter::me_unknown).then(|| view! {
            <p class="err" role="alert" data-testid="mine-signed-out">
                {t2("本设备当前无人登录，无法确定“我经手的”投诉：", "Nobody is signed in on this device, so “Me” finds no cases: ")}
                <A href="/settings#device">{t2("在设置中用本人 PIN 登录", "sign in with your PIN in Settings")}</A>
            </p>
        })}
        {move || {
            let bad = query.with(|q| ListFilter::not_understood(&|k| q.get(k)));
            (!bad.is_empty()).then(|| view! {
                <p class="err" role="alert" data-testid="filter-not-understood">
                    {move || lang.get().s(
                        format!("链接中的筛选条件无法识别，已忽略：{}", bad.join("、")),
                        format!("This link's filter was not understood and is ignored: {}", bad.join(", ")),
                    )}
                </p>
            })
        }}
        {move || filter.with(ListFilter::range_reversed).then(|| view! {
            <p class="err" role="alert" data-testid="range-reversed">{t2(
                "受理日期的起始日期晚于截止日期，不会有符合条件的投诉，请对调两个日期。",
                "The “received from” date is after the “to” date, so no complaint can match: swap the two dates.",
            )}</p>
        })}

        {move || match page.get() {
            None => view! { <p class="muted">{t2("正在载入…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="err" role="alert">{e.message(lang.get().is_zh())}</p> }.into_any(),
            Some(Ok((r, now))) => {
                let cal = state.calendar.get_untracked();
                let next = r.next.clone();
                let searched = at.get_untracked().1 + r.scanned;
                let has_prev = !stack.get_untracked().is_empty();
                let empty = r.rows.is_empty();
                view! {
                    <div class="table-wrap">
                    <table class="stack" data-testid="complaint-table">
                        <thead><tr>
                            <th>{t2("案件编号", "Case")}</th><th>{t2("受理时间", "Received")}</th>
                            <th>{t2("投诉人", "Complainant")}</th><th>{t2("类别", "Category")}</th>
                            <th>{t2("严重程度", "Severity")}</th><th>{t2("状态", "Status")}</th>
                            <th>{t2("时限", "Deadline")}</th>
                        </tr></thead>
                        <tbody>
                        {r.rows.into_iter().map(|c| {
                            let u = urgency(&c, &cal, now);
                            let deadline = crate::domain::complaint::deadline_limit_of(&c, &cal);
                            // Both limits met: the 7-day resolution, a target (never 已超时).
                            let target = crate::domain::complaint::target_of(&c, &cal);
                            let late = crate::domain::complaint::met_late(&c, &cal);
                            let (status, category, severity) = (c.status, c.category, c.severity);
                            let (status_zh, status_en) = c.status_text();
                            let href = format!("/complaints/{}", c.id);
                            view! {
                                <tr class:overdue=u == Urgency::Overdue class:due-today=u == Urgency::DueToday data-testid="complaint-row">
                                    <td class="nowrap case-no" data-label=move || lang.get().t("案件编号", "Case")><A href=href>{c.case_no.clone()}</A></td>
                                    <td class="nowrap" data-label=move || lang.get().t("受理时间", "Received")>{fmt_dt(c.received_at)}</td>
                                    <td data-label=move || lang.get().t("投诉人", "Complainant")>{c.complainant.name.clone()}</td>
                                    <td data-label=move || lang.get().t("类别", "Category")>{move || category.map(|x| lang.get().t(x.zh(), x.en())).unwrap_or("—")}</td>
                                    <td data-label=move || lang.get().t("严重程度", "Severity")>{move || severity.map(|n| if lang.get().is_zh() { severity_zh(n) } else { severity_en(n) }).unwrap_or("—")}</td>
                                    <td data-label=move || lang.get().t("状态", "Status")><span class=format!("badge {}", status_class(status))>{move || lang.get().t(status_zh, status_en)}</span></td>
                                    <td class="wide" data-label=move || lang.get().t("时限", "Deadline")>
                                        {deadline.map(|(_, d)| d).or(target).map(fmt_dt).unwrap_or_else(|| "—".into())}
                                        {move || match u {
                                            Urgency::Overdue => Some(view! { " " <span class="badge bad">{lang.get().t("已超时", "Overdue")}</span> }.into_any()),
                                            Urgency::DueToday => Some(view! { " " <span class="badge warn">{lang.get().t("今日到期", "Due today")}</span> }.into_any()),
                                            Urgency::None if target.is_some_and(|t| t < now) => Some(view! { " " <span class="badge warn">{lang.get().t("已过目标时间", "Past target")}</span> }.into_any()),
                                            Urgency::None => None,
                                        }}
                                        // Which limit: the 3-day investigation or the 4-day response; the
                                        // 7-day resolution, a service target, once both are met.
                                        {deadline.map(|(k, _)| k).or(target.map(|_| ClockKind::Resolution)).map(|k| view! {
                                            <div class="small muted" data-testid="deadline-limit">{move || lang.get().t(k.zh(), k.en())}
                                                {(k == ClockKind::Resolution).then(|| view! { {move || lang.get().t("，服务目标", ", a service target")} })}
                                            </div>
                                        })}
                                        // A limit met late stays a breach on the record.
                                        {(!late.is_empty()).then(|| {
                                            let late = late.clone();
                                            view! { <div class="small late-note" data-testid="deadline-late">{move || {
                                                let z = lang.get().is_zh();
                                                let names: Vec<&str> = late.iter().map(|k| if z { k.zh() } else { k.en() }).collect();
                                                if z { format!("超时完成：{}", names.join("、")) } else { format!("Met late: {}", names.join(", ")) }
                                            }}</div> }
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {empty.then(|| view! { <p class="muted" data-testid="no-complaints">{t2("没有符合条件的投诉。", "No complaints match.")}</p> })}
                    {r.bounded.then(|| {
                        let total = r.total.unwrap_or(searched as u64);
                        view! { <p class="muted small" data-testid="scan-bounded">{move || if lang.get().is_zh() {
                            format!("已查找 {} / {} 条记录，尚未查完——点“下一页”继续查找。", thousands(searched as u64), thousands(total))
                        } else {
                            format!("Searched {} of {} records so far — more: use Next to keep searching.", thousands(searched as u64), thousands(total))
                        }}</p> }
                    })}
                    {(r.corrupt > 0).then(|| view! { <p class="err small">{move || if lang.get().is_zh() { format!("{} 条记录无法读取。", r.corrupt) } else { format!("{} records could not be read.", r.corrupt) }}</p> })}
                    <div class="actions pager">
                        <button type="button" disabled=!has_prev data-testid="prev-page" on:click=move |_| {
                            let mut s = stack.get_untracked();
                            let prev = s.pop().unwrap_or_default();
                            stack.set(s);
                            at.set(prev);
                        }>{t2("上一页", "Previous")}</button>
                        <button type="button" disabled=next.is_none() data-testid="next-page" on:click=move |_| {
                            let cur = at.get_untracked();
                            stack.update(|s| s.push(cur));
                            at.set((next.clone(), searched));
                        }>{t2("下一页", "Next")}</button>
                    </div>
                }.into_any()
            }
        }}
        </div>
    }
}

/// A count with thousands separators: `100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
