//! Service quality (质检): supervisors score calls on the phone-service scorecard of source 003
//! and enter each month's call-centre figures; everyone sees the trends by staff member, the
//! items most often taken off, and each month against the source's targets.
//! The rules are `domain::quality`'s; this page reads and writes the records.

mod review;
mod targets;

use chrono::Datelike;
use leptos::prelude::*;

use crate::domain::quality::{self, months_ending, CallReview, CallStats, Trends};
use crate::domain::sort::sort_by;
use crate::domain::staff::Staff;
use crate::ui::data::all_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::surveys::charts::LineChart;
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// What the page reads: every review, every month's figures and the staff, refreshed when the
/// store changes (here or in another tab).
#[derive(Clone, Default)]
pub(crate) struct QualityData {
    pub reviews: Vec<CallReview>,
    pub stats: Vec<CallStats>,
    pub staff: Vec<Staff>,
}

/// A month as shown: `2026-11`.
pub(crate) fn month_label((y, m): quality::Month) -> String {
    format!("{y}-{m:02}")
}

/// An item's words in `lang`, with its group's: "问候 · 有准备".
pub(crate) fn item_label(key: &str, lang: Lang) -> String {
    match quality::item(key) {
        Some((g, i)) => lang.s(
            format!("{} · {}", g.zh, i.zh),
            format!("{} · {}", g.en, i.en),
        ),
        None => key.to_string(),
    }
}

#[component]
pub fn QualityPage() -> impl IntoView {
    let state = app();
    let data = Res::new(move || {
        state.changes.track();
        async move {
            let st = store();
            let (reviews, _) = all_of::<CallReview>(&st).await.unwrap_or_default();
            let (stats, _) = all_of::<CallStats>(&st).await.unwrap_or_default();
            let (mut staff, _) = all_of::<Staff>(&st).await.unwrap_or_default();
            sort_by(&mut staff, |a, b| a.name.cmp(&b.name));
            QualityData {
                reviews,
                stats,
                staff,
            }
        }
    });
    // The review the form shows (None: a new one), set from the list's Open.
    let open_review = RwSignal::new(None::<CallReview>);
    // A score named in the address (`?review=<id>`, the KPI sheet's accuracy list links here)
    // opens in the form once the reviews are read; each address once.
    let query = leptos_router::hooks::use_query_map();
    let opened_for = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(id) = query.read().get("review") else {
            return;
        };
        let Some(d) = data.get() else {
            return;
        };
        if opened_for.get_value().as_deref() == Some(id.as_str()) {
            return;
        }
        opened_for.set_value(Some(id.clone()));
        match d.reviews.into_iter().find(|r| r.id == id) {
            Some(r) => open_review.set(Some(r)),
            None => state.warn2(
                "地址中的通话评分不存在（可能已在其他设备上删除或尚未同步）",
                "The call score in the address does not exist (removed on another device, or not synced yet)",
            ),
        }
    });
    view! {
        <section class="quality">
            <h1>{t2("服务质检", "Service quality")}</h1>
            <p class="muted small">{t2(
                "电话服务质量标准：每条0.5分，共计30分。满分起评，未做到的标准和出现的扣分项每条扣0.5分；同一失误在标准和扣分项两栏都勾选的，只扣一次。",
                "The phone-service scorecard: 0.5 point an item, 30 points in all. A call starts at 30; each standard not met and each fault shown takes off 0.5. A lapse marked both as a standard missed and as its fault is taken off once.",
            )}</p>
            <Show when=move || data.get().is_some() fallback=|| view! {
                <div class="page-loading" role="status"><div class="spinner" aria-hidden="true"></div></div>
            }>
                <targets::TargetsSection data=data/>
                <review::ReviewForm data=data open=open_review/>
                <TrendsSection data=data/>
                <ReviewList data=data open=open_review/>
            </Show>
        </section>
    }
}

/// Each staff member's average score over the last six months, the branch's as a line, and
/// the items most often taken off.
#[component]
fn TrendsSection(data: Res<QualityData>) -> impl IntoView {
    let (lang, today) = (app().lang, app().today);
    // The six months up to today's (a page left open into a new month moves on with it).
    let trends = Memo::new(move |_| {
        let t = today.get();
        let months = months_ending((t.year(), t.month()), 6);
        let d = data.get().unwrap_or_default();
        quality::trends(&d.reviews, &months)
    });
    let cell = |a: &quality::Average| {
        match a.points() {
        Some(p) => view! {
            <td class="num">{quality::average_text(p)}<span class="muted small">{format!(" ({})", a.count)}</span></td>
        }
        .into_any(),
        None => view! { <td class="num muted">"—"</td> }.into_any(),
    }
    };
    let chart = move |t: &Trends| {
        let points: Vec<(String, Option<f64>)> = t
            .months
            .iter()
            .zip(&t.branch)
            .map(|(m, a)| (month_label(*m), a.points()))
            .collect();
        let low = points.iter().filter_map(|p| p.1).fold(30.0_f64, f64::min);
        let min = ((low - 2.0).floor()).clamp(0.0, 25.0);
        let label = lang
            .get()
            .s("全营业部月均分", "Branch average score by month")
            .to_string();
        view! { <LineChart points=points min=min max=30.0 label=label/> }
    };
    view! {
        <section class="panel" data-testid="quality-trends">
            <h2>{t2("评分趋势（近6个月）", "Scores over the last six months")}</h2>
            {move || {
                let t = trends.get();
                if t.staff.is_empty() {
                    return view! { <p class="muted">{t2("近6个月尚无评分。", "No calls scored in the last six months.")}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th>{t2("员工", "Staff member")}</th>
                                {t.months.iter().map(|m| view! { <th class="num">{month_label(*m)}</th> }).collect_view()}
                                <th class="num">{t2("6个月均分", "Six-month average")}</th>
                            </tr></thead>
                            <tbody>
                                {t.staff.iter().map(|s| view! {
                                    <tr data-testid="trend-row">
                                        <th scope="row">{s.name.clone()}</th>
                                        {s.by_month.iter().map(cell).collect_view()}
                                        {cell(&s.overall)}
                                    </tr>
                                }).collect_view()}
                                <tr class="total" data-testid="trend-branch">
                                    <th scope="row">{t2("全营业部", "Branch")}</th>
                                    {t.branch.iter().map(cell).collect_view()}
                                    {
                                        let mut all = quality::Average::default();
                                        for a in &t.branch {
                                            all.sum_halves += a.sum_halves;
                                            all.count += a.count;
                                        }
                                        cell(&all)
                                    }
                                </tr>
                            </tbody>
                        </table>
                    </div>
                    <div class="charts">{chart(&t)}</div>
                    <h3>{t2("最常扣分的项目", "Most often taken off")}</h3>
                    <ol class="qa-frequent" data-testid="frequent">
                        {t.frequent.iter().take(8).map(|(k, n)| {
                            let k = *k;
                            let n = *n;
                            view! {
                                <li>{move || match quality::same_lapse_fault(k) {
                                    // One lapse, whichever column it was marked in.
                                    Some(f) => format!("{}／{}", item_label(k, lang.get()), item_label(f, lang.get())),
                                    None => item_label(k, lang.get()),
                                }}
                                    <span class="muted">{move || lang.get().s(format!("　{n} 次"), format!(" — {n}×"))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

/// The scored calls, newest first, by staff member if chosen; each opens in the form.
#[component]
fn ReviewList(data: Res<QualityData>, open: RwSignal<Option<CallReview>>) -> impl IntoView {
    let lang = app().lang;
    let who = RwSignal::new(String::new());
    let rows = move || {
        let mut list = data.get().unwrap_or_default().reviews;
        let w = who.get();
        if !w.is_empty() {
            list.retain(|r| r.staff_id == w);
        }
        quality::newest_first(&mut list);
        list.truncate(200);
        list
    };
    let people = move || {
        let mut seen: Vec<(String, String)> = Vec::new();
        for r in data.get().unwrap_or_default().reviews {
            if !seen.iter().any(|(id, _)| *id == r.staff_id) {
                seen.push((r.staff_id.clone(), r.staff_name.clone()));
            }
        }
        sort_by(&mut seen, |a, b| a.1.cmp(&b.1));
        seen
    };
    view! {
        <section class="panel" data-testid="review-list">
            <div class="row spread">
                <h2>{t2("已评分的通话", "Scored calls")}</h2>
                <label class="row no-print">{t2("员工", "Staff member")}
                    <select data-testid="review-filter" on:change=move |ev| who.set(event_target_value(&ev))>
                        <option value="">{t2("全部", "Everyone")}</option>
                        {move || people().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {move || {
                let list = rows();
                if list.is_empty() {
                    return view! { <p class="muted">{t2("尚无评分。", "No calls scored yet.")}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th>{t2("通话时间", "Call")}</th>
                                <th>{t2("员工", "Staff member")}</th>
                                <th class="num">{t2("得分", "Score")}</th>
                                <th>{t2("扣分项", "Taken off")}</th>
                                <th>{t2("评分人", "Scored by")}</th>
                                <th>{t2("录音编号", "Recording")}</th>
                                <th><span class="sr-only">{t2("操作", "Actions")}</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|r| {
                                    let score = r.score_halves();
                                    let taken = r.lapses();
                                    let r2 = r.clone();
                                    let what = move || taken.iter().map(|k| item_label(k, lang.get())).collect::<Vec<_>>().join("；");
                                    let when = r.call_at.format("%Y-%m-%d %H:%M").to_string();
                                    let opens = {
                                        let (name, when) = (r.staff_name.clone(), when.clone());
                                        move || lang.get().s(format!("打开 {name} {when} 的通话评分"), format!("Open the score of {name}'s call of {when}"))
                                    };
                                    // A score changed after it was given says so, and when, also when its own
                                    // reviewer changed it (before, only another's change was marked).
                                    let changed_on = r.changed_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
                                    let scored_by = match &r.changed_by {
                                        Some(by) if *by != r.reviewer_name => {
                                            let (name, by) = (r.reviewer_name.clone(), by.clone());
                                            (move || lang.get().s(format!("{name}（{by} {changed_on} 修改）"), format!("{name} (changed by {by}, {changed_on})"))).into_any()
                                        }
                                        Some(_) => {
                                            let name = r.reviewer_name.clone();
                                            (move || lang.get().s(format!("{name}（{changed_on} 修改）"), format!("{name} (changed {changed_on})"))).into_any()
                                        }
                                        None => r.reviewer_name.clone().into_any(),
                                    };
                                    let comment = r.comment.clone();
                                    let withdrawn = r.withdrawn.clone().map(|w| {
                                        let at = w.at.format("%Y-%m-%d %H:%M").to_string();
                                        move || lang.get().s(
                                            format!("已撤销（{}，{at}）：{}", w.by, w.reason),
                                            format!("Withdrawn ({}, {at}): {}", w.by, w.reason),
                                        )
                                    });
                                    let gone = withdrawn.is_some();
                                    view! {
                                        <tr data-testid="review-row" class:qa-withdrawn=gone>
                                            <td class="nowrap">{when}</td>
                                            <td>{r.staff_name.clone()}</td>
                                            <td class="num" data-testid="row-score">{if gone {
                                                view! { <s>{quality::points(score)}</s> }.into_any()
                                            } else {
                                                quality::points(score).into_any()
                                            }}</td>
                                            <td class="small" data-testid="row-taken">
                                                {withdrawn.map(|w| view! { <div class="qa-withdrawn-note" data-testid="row-withdrawn">{w}</div> })}
                                                {what}
                                                {(!comment.is_empty()).then(|| view! { <div class="muted">{comment}</div> })}
                                            </td>
                                            <td data-testid="row-reviewer">{scored_by}</td>
                                            <td>{r.call_ref.clone()}</td>
                                            <td><button type="button" data-testid="review-open" aria-label=opens
                                                on:click=move |_| open.set(Some(r2.clone()))>{t2("打开", "Open")}</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
