//! The journey map (/journey, 客户旅程): stages as columns, touchpoints as lanes, the
//! satisfied share per stage from survey responses as an SVG curve, complaints and demands
//! per cell, and the pain points — all computed by `domain::journey::journey_map` from live
//! records, filtered by tier, value, lifecycle and period. Every figure drills down to the
//! records behind it. The stage configuration is edited here too.

use std::collections::HashMap;

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;

use crate::domain::customer::{parse_date, Customer, Level, Lifecycle, Tier};
use crate::domain::demand::Demand;
use crate::domain::journey::{
    complaint_place, journey_map, ComplaintFacts, ComplaintRow, CustomerRow, DemandRow, Ids,
    JourneyConfig, JourneyFilter, JourneyInput, JourneyMap, ResponseRow, Stage, Touchpoint,
};
use crate::domain::stats::{response_csat, response_satisfaction};
use crate::domain::survey::{Survey, SurveyResponse, Text};
use crate::store::{typed, KeyRange};
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::{demand_href, journey_config, response_href, signed_in};

/// The branch's satisfaction target, percent satisfied.
const TARGET_PCT: f64 = 90.0;

/// A record behind a figure: its title, where it opens, and its date.
#[derive(Clone)]
struct Behind {
    title: String,
    href: String,
    date: String,
}

#[derive(Clone)]
struct JourneyData {
    config: JourneyConfig,
    customers: Vec<CustomerRow>,
    complaints: Vec<ComplaintRow>,
    demands: Vec<DemandRow>,
    responses: Vec<ResponseRow>,
    behind: HashMap<String, Behind>,
}

/// The summary the journey reads its complaints from (see `store::schema`).
const COMPLAINT_SUMMARY: &str = "journey_complaint";

/// Reads what the map is computed from. Complaints come from their `journey_complaint`
/// summaries (a few segments, not 6,000 cases of 4 KB in full); the linked customers from
/// one read of every customer (not one read per customer).
async fn load(zh: bool) -> Result<JourneyData, String> {
    let s = store();
    let msg = |e: crate::store::StoreError| e.message(zh);
    let config = journey_config().await;
    let mut complaints: Vec<(String, ComplaintFacts)> =
        typed::summaries_of::<ComplaintFacts, _>(&s, COMPLAINT_SUMMARY, &KeyRange::all())
            .await
            .map_err(msg)?
            .into_iter()
            .filter_map(|(id, facts)| Some((id, facts?)))
            .collect();
    // In id order, as the cases were read before (the drill-down lists them so).
    crate::domain::sort::sort_by(&mut complaints, |a, b| a.0.cmp(&b.0));
    let (demands, _) = all_of::<Demand>(&s).await.map_err(msg)?;
    let (responses, _) = all_of::<SurveyResponse>(&s).await.map_err(msg)?;
    let (surveys, _) = all_of::<Survey>(&s).await.map_err(msg)?;
    let surveys: HashMap<String, Survey> = surveys.into_iter().map(|v| (v.id.clone(), v)).collect();
    let customers: HashMap<String, Customer> = all_of::<Customer>(&s)
        .await
        .map_err(msg)?
        .0
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();

    let mut behind = HashMap::new();
    let complaint_rows = complaints
        .into_iter()
        .map(|(id, c)| {
            let stage = c
                .customer_id
                .as_ref()
                .and_then(|id| customers.get(id))
                .and_then(|cu| cu.stage.as_deref());
            let (stage, touchpoint) = complaint_place(c.category, c.channel, stage);
            let category = c
                .category
                .map(|k| if zh { k.zh() } else { k.en() })
                .unwrap_or(if zh { "未分类" } else { "Unclassified" })
                .to_string();
            behind.insert(
                id.clone(),
                Behind {
                    title: format!("{} · {category} · {}", c.case_no, c.complainant),
                    href: format!("/complaints/{id}"),
                    date: c.received.to_string(),
                },
            );
            ComplaintRow {
                id,
                customer_id: c.customer_id,
                stage,
                touchpoint,
                category,
                received: c.received,
            }
        })
        .collect();
    let demand_rows = demands
        .iter()
        .map(|d| {
            let stage = d.stage.clone().or_else(|| {
                d.customer_id
                    .as_ref()
                    .and_then(|id| customers.get(id))
                    .and_then(|c| c.stage.clone())
            });
            let desc: String = d.description.chars().take(40).collect();
            behind.insert(
                d.id.clone(),
                Behind {
                    title: format!("{} · {desc}", d.kind.label(zh)),
                    href: demand_href(&d.id),
                    date: d.created_at.date().to_string(),
                },
            );
            DemandRow {
                id: d.id.clone(),
                customer_id: d.customer_id.clone(),
                stage,
                touchpoint: None,
                kind: d.kind,
                created: d.created_at.date(),
            }
        })
        .collect();
    // Each answer read by the version it answered (its questions, scales and CSAT question),
    // with the stage and touchpoint it was given under: an edit of the survey since changes
    // neither where nor how it counts.
    let mut versions: HashMap<(&str, u32), Option<Survey>> = HashMap::new();
    let mut response_rows = Vec::new();
    for r in responses.iter().filter(|r| r.complete) {
        let survey = versions
            .entry((r.survey_id.as_str(), r.survey_version))
            .or_insert_with(|| {
                surveys
                    .get(&r.survey_id)
                    .and_then(|s| s.at_version(r.survey_version))
            })
            .as_ref();
        let satisfaction = survey.and_then(|s| response_satisfaction(s, r));
        let csat = survey.map_or((0, 0), |s| response_csat(s, r));
        let title = surveys
            .get(&r.survey_id)
            .map(|s| s.title.get(zh).to_string())
            .unwrap_or_else(|| r.survey_id.clone());
        let score = satisfaction
            .map(|x| format!(" · {x:.0}"))
            .unwrap_or_default();
        behind.insert(
            r.id.clone(),
            Behind {
                title: format!("{title}{score}"),
                href: response_href(&r.survey_id, &r.id),
                date: r.submitted_at.date().to_string(),
            },
        );
        response_rows.push(ResponseRow {
            id: r.id.clone(),
            customer_id: r.customer_id.clone(),
            stage: r.stage.clone(),
            touchpoint: r.touchpoint.clone(),
            satisfaction,
            csat,
            submitted: r.submitted_at.date(),
        });
    }
    // Every customer: the map looks up only those its records link to.
    let customer_rows = customers
        .values()
        .map(|c| CustomerRow {
            id: c.id.clone(),
            tier: c.tier,
            value: c.value,
            lifecycle: c.lifecycle,
        })
        .collect();
    Ok(JourneyData {
        config,
        customers: customer_rows,
        complaints: complaint_rows,
        demands: demand_rows,
        responses: response_rows,
        behind,
    })
}

/// A set of checkboxes over an enum's values.
#[component]
fn Checks<T: Copy + PartialEq + Send + Sync + 'static>(
    legend: (&'static str, &'static str),
    all: Vec<T>,
    label: fn(T, bool) -> &'static str,
    chosen: RwSignal<Vec<T>>,
    name: &'static str,
) -> impl IntoView {
    let lang = app().lang;
    view! {
        <fieldset class="checks">
            <legend>{move || lang.get().t(legend.0, legend.1)}</legend>
            {all.into_iter().enumerate().map(|(i, v)| {
                view! {
                    <label>
                        <input type="checkbox" data-testid=format!("filter-{name}-{i}")
                            prop:checked=move || chosen.with(|c| c.contains(&v))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != v);
                                    if on { c.push(v); }
                                });
                            }/>
                        {move || label(v, lang.get().is_zh())}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The satisfied share per stage as a curve, with the target line.
fn curve(map: &JourneyMap, zh: bool) -> impl IntoView {
    let n = map.stages.len().max(1);
    let w = 200.0;
    let h = 150.0;
    let y = |pct: f64| 15.0 + (100.0 - pct.clamp(0.0, 100.0)) * 1.2;
    let pts: Vec<(f64, f64, f64, usize)> = map
        .stages
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.satisfaction.map(|sat| {
                (
                    i as f64 * w + w / 2.0,
                    y(sat.satisfied_pct),
                    sat.satisfied_pct,
                    sat.n,
                )
            })
        })
        .collect();
    let line = pts
        .iter()
        .map(|(x, y, _, _)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let ty = y(map.target_pct);
    let total_w = n as f64 * w;
    let title = if zh {
        "各阶段满意率曲线"
    } else {
        "Satisfied share per stage"
    };
    view! {
        <svg class="journey-curve" viewBox=format!("0 0 {total_w} {h}") preserveAspectRatio="none"
            role="img" aria-label=title data-testid="journey-curve">
            <title>{title}</title>
            <line x1="0" x2=total_w y1=ty y2=ty class="target"/>
            <text x="4" y=ty - 3.0 class="target-label">{format!("{}{:.0}%", if zh { "目标 " } else { "target " }, map.target_pct)}</text>
            <polyline points=line class="curve"/>
            {pts.into_iter().map(|(x, yy, pct, n)| view! {
                <circle cx=x cy=yy r="5" class=if pct < map.target_pct { "pt low" } else { "pt" }/>
                <text x=x y=yy - 9.0 text-anchor="middle" class="pt-label">{format!("{pct:.0}% (n={n})")}</text>
            }).collect_view()}
        </svg>
    }
}

/// The lanes: every touchpoint id of any stage, in order of first appearance, named by each
/// name the stages give it ("手机App开户 / 交易App / 手机App": one lane, the app, through
/// the journey).
fn lanes(config: &JourneyConfig) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = Vec::new();
    let add = |to: &mut String, name: &str| {
        if !to.split(" / ").any(|n| n == name) {
            to.push_str(" / ");
            to.push_str(name);
        }
    };
    for s in &config.stages {
        for t in &s.touchpoints {
            match out.iter_mut().find(|(id, _)| *id == t.id) {
                Some((_, name)) => {
                    add(&mut name.zh, &t.name.zh);
                    add(&mut name.en, &t.name.en);
                }
                None => out.push((t.id.clone(), t.name.clone())),
            }
        }
    }
    out
}

fn counts(ids: &Ids, zh: bool) -> String {
    if zh {
        format!(
            "投诉 {} · 需求 {} · 评价 {}",
            ids.complaints.len(),
            ids.demands.len(),
            ids.responses.len()
        )
    } else {
        // "1 complaint", "2 demands" (QA: "1 complaints").
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        format!(
            "{} · {} · {}",
            n(ids.complaints.len(), "complaint", "complaints"),
            n(ids.demands.len(), "demand", "demands"),
            n(ids.responses.len(), "response", "responses")
        )
    }
}

#[component]
pub fn JourneyPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let tiers = RwSignal::new(Vec::<Tier>::new());
    let values = RwSignal::new(Vec::<Level>::new());
    let lifecycles = RwSignal::new(Vec::<Lifecycle>::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let drill = RwSignal::new(None::<(String, Ids)>);
    let editing = RwSignal::new(false);

    let data = Res::new(move || {
        state.changes.track();
        let zh = lang.get().is_zh();
        async move { load(zh).await }
    });
    let filter = move || JourneyFilter {
        tiers: tiers.get(),
        values: values.get(),
        lifecycles: lifecycles.get(),
        from: parse_date(&from.get()),
        to: parse_date(&to.get()),
    };
    // The records behind a cell are listed under the map: the keyboard and the view go there
    // (on a phone the list opened below the screen, and a tap seemed to do nothing).
    let open = move |label: String, ids: Ids| {
        drill.set(Some((label, ids)));
        request_animation_frame(|| crate::ui::platform::focus_id("journey-drill-h"));
    };

    view! {
        <div class="customers journey">
            <div class="spread">
                <h1>{t2("客户旅程", "Customer journey")}</h1>
                <button type="button" on:click=move |_| editing.update(|e| *e = !*e) data-testid="journey-edit">
                    {t2("编辑阶段与触点", "Edit stages and touchpoints")}
                </button>
            </div>
            <section class="panel filters" aria-label=t2("筛选", "Filters")>
                <div class="row">
                    <Checks legend=("客户等级", "Tier") all=Tier::ALL.to_vec() label=Tier::label chosen=tiers name="tier"/>
                    <Checks legend=("客户价值", "Value") all=Level::ALL.to_vec() label=Level::label chosen=values name="value"/>
                    <Checks legend=("生命周期", "Lifecycle") all=Lifecycle::ALL.to_vec() label=Lifecycle::label chosen=lifecycles name="lifecycle"/>
                    <fieldset class="checks">
                        <legend>{t2("期间", "Period")}</legend>
                        <label>{t2("自", "From")}" "<input type="date" bind:value=from data-testid="filter-from"/></label>
                        <label>{t2("至", "To")}" "<input type="date" bind:value=to data-testid="filter-to"/></label>
                    </fieldset>
                </div>
                // A period that ends before it begins holds nothing: said, not shown as zeros.
                {move || {
                    let (f, t) = (parse_date(&from.get()), parse_date(&to.get()));
                    f.zip(t).is_some_and(|(f, t)| f > t).then(|| view! {
                        <p class="err" role="alert" data-testid="period-err">
                            {t2("起始日期晚于截止日期：请调换或更正。", "The start date is after the end date: swap or correct them.")}
                        </p>
                    })
                }}
            </section>
            {move || match data.get() {
                None => view! { <p class="muted">{t2("正在计算…", "Computing…")}</p> }.into_any(),
                Some(Err(m)) => view! { <p class="err" role="alert">{m}</p> }.into_any(),
                Some(Ok(d)) => {
                    let config = d.config.clone();
                    let editor = move || editing.get().then(|| view! {
                        <ConfigEditor config=config.clone() on_done=move || editing.set(false)/>
                    });
                    let d2 = d.clone();
                    let body = move || {
                        let d = &d2;
                        let input = JourneyInput {
                            customers: &d.customers,
                            complaints: &d.complaints,
                            demands: &d.demands,
                            responses: &d.responses,
                        };
                        let map = journey_map(&d.config, &input, &filter(), TARGET_PCT, 3);
                        let z = zh();
                        let n = map.stages.len();
                        let lane_list = lanes(&d.config);
                        let pains: Vec<(String, Ids)> = map.pain_points.iter().map(|p| {
                            let ids = match p {
                                crate::domain::journey::PainPoint::LowSatisfaction { response_ids, .. } =>
                                    Ids { responses: response_ids.clone(), ..Default::default() },
                                crate::domain::journey::PainPoint::ComplaintHotspot { complaint_ids, .. } =>
                                    Ids { complaints: complaint_ids.clone(), ..Default::default() },
                            };
                            (p.describe(&d.config, z), ids)
                        }).collect();
                        let unstaged = map.unstaged.clone();
                        view! {
                            <div class="table-wrap">
                                <table class="journey-map" data-testid="journey-map">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t2("触点 \\ 阶段", "Touchpoint \\ stage")}</th>
                                            {map.stages.iter().map(|s| {
                                                let name = s.name.get(z).to_string();
                                                let ids = s.ids.clone();
                                                let label = name.clone();
                                                let cls = if s.below_target == Some(true) { "stage low" } else { "stage" };
                                                view! {
                                                    <th scope="col" class=cls>
                                                        <button type="button" class="link stage-btn" data-testid=format!("stage-{}", s.stage_id)
                                                            on:click=move |_| open(label.clone(), ids.clone())>
                                                            {name}
                                                        </button>
                                                        <div class="small muted">{counts(&s.ids, z)}</div>
                                                    </th>
                                                }
                                            }).collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        <tr class="curve-row">
                                            <th scope="row">{t2("满意率", "Satisfied")}</th>
                                            <td colspan=n.to_string()>{curve(&map, z)}</td>
                                        </tr>
                                        <tr>
                                            <th scope="row">{t2("投诉最多", "Top complaints")}</th>
                                            {map.stages.iter().map(|s| view! {
                                                <td class="small">
                                                    {s.top_categories.iter().map(|c| {
                                                        let label = format!("{} · {}", s.name.get(z), c.category);
                                                        let ids = Ids { complaints: c.complaint_ids.clone(), ..Default::default() };
                                                        view! {
                                                            <div><button type="button" class="link" on:click=move |_| open(label.clone(), ids.clone())>
                                                                {format!("{} ({})", c.category, c.count)}
                                                            </button></div>
                                                        }
                                                    }).collect_view()}
                                                </td>
                                            }).collect_view()}
                                        </tr>
                                        {lane_list.into_iter().map(|(lane, lane_name)| {
                                            let lane_label = lane_name.get(z).to_string();
                                            view! {
                                                <tr>
                                                    <th scope="row">{lane_label.clone()}</th>
                                                    {map.stages.iter().map(|s| {
                                                        match s.cells.iter().find(|c| c.touchpoint_id.as_deref() == Some(lane.as_str())) {
                                                            None => view! { <td class="cell none">"—"</td> }.into_any(),
                                                            Some(c) => {
                                                                let label = format!("{} · {}", s.name.get(z), c.name.get(z));
                                                                let ids = c.ids.clone();
                                                                let target = map.target_pct;
                                                                let sat = c.satisfaction.map(|x| (format!("{:.0}%", x.satisfied_pct), x.below(target)));
                                                                let testid = format!("cell-{}-{}", s.stage_id, lane);
                                                                let empty = ids.is_empty();
                                                                view! {
                                                                    <td class=if empty { "cell" } else { "cell has" }>
                                                                        <button type="button" class="cell-btn" data-testid=testid
                                                                            on:click=move |_| open(label.clone(), ids.clone())>
                                                                            <span>{format!("{} / {} / {}", c.ids.complaints.len(), c.ids.demands.len(), c.ids.responses.len())}</span>
                                                                            {sat.map(|(v, low)| if low {
                                                                                // Below the target: the warning colour, and in words too.
                                                                                let tip = if z { format!("低于目标{target:.0}%") } else { format!("below the {target:.0}% target") };
                                                                                view! {
                                                                                    <span class="sat low" title=tip.clone() data-testid="cell-sat">
                                                                                        {v}<span aria-hidden="true">" ▼"</span><span class="sr-only">{format!(" ({tip})")}</span>
                                                                                    </span>
                                                                                }.into_any()
                                                                            } else {
                                                                                view! { <span class="sat" data-testid="cell-sat">{v}</span> }.into_any()
                                                                            })}
                                                                        </button>
                                                                    </td>
                                                                }.into_any()
                                                            }
                                                        }
                                                    }).collect_view()}
                                                </tr>
                                            }
                                        }).collect_view()}
                                        <tr>
                                            <th scope="row">{t2("其他/未指明触点", "Other / no touchpoint")}</th>
                                            {map.stages.iter().map(|s| {
                                                match s.cells.iter().find(|c| c.touchpoint_id.is_none()) {
                                                    None => view! { <td class="cell none">"—"</td> }.into_any(),
                                                    Some(c) => {
                                                        let label = format!("{} · {}", s.name.get(z), c.name.get(z));
                                                        let ids = c.ids.clone();
                                                        view! {
                                                            <td class="cell has">
                                                                <button type="button" class="cell-btn" data-testid=format!("cell-{}-other", s.stage_id)
                                                                    on:click=move |_| open(label.clone(), ids.clone())>
                                                                    {format!("{} / {} / {}", c.ids.complaints.len(), c.ids.demands.len(), c.ids.responses.len())}
                                                                </button>
                                                            </td>
                                                        }.into_any()
                                                    }
                                                }
                                            }).collect_view()}
                                        </tr>
                                    </tbody>
                                </table>
                            </div>
                            <p class="small muted">{t2("格内数字：投诉 / 需求 / 评价；百分比为满意率（满意度题答4分或5分的占比，即问卷结果的CSAT）。点击查看明细。",
                                "Cell figures: complaints / demands / responses; the percentage is the satisfied share (answers of 4 or 5 to the satisfaction question: the survey results' CSAT). Click for the records.")}</p>
                            <section class="panel">
                                <h2>{t2("痛点", "Pain points")}</h2>
                                {if pains.is_empty() {
                                    view! { <p class="muted">{t2("暂无突出痛点", "No pain point stands out")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="pain-points" data-testid="pain-points">
                                            {pains.into_iter().map(|(text, ids)| {
                                                let label = text.clone();
                                                view! {
                                                    <li><button type="button" class="link" on:click=move |_| open(label.clone(), ids.clone())>{text}</button></li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                {(!unstaged.is_empty()).then(|| {
                                    let label = if z { "未归入阶段的记录".to_string() } else { "Records without a stage".to_string() };
                                    let text = counts(&unstaged, z);
                                    // Answers to a survey with no stage (the ready-made one has
                                    // none) count nowhere: say where a stage is given.
                                    let hint = (!unstaged.responses.is_empty()).then(|| view! {
                                        <span class="muted" data-testid="unstaged-hint">
                                            {if z {
                                                " 问卷未设旅程阶段时，其评价不计入任何阶段：可在问卷编辑的“旅程阶段”中设置。"
                                            } else {
                                                " A survey with no journey stage counts its responses under no stage: give it one under “Journey stage” in the survey editor."
                                            }}
                                        </span>
                                    });
                                    view! {
                                        <p class="small">
                                            <button type="button" class="link" data-testid="unstaged"
                                                on:click=move |_| open(label.clone(), unstaged.clone())>
                                                {if z { "未归入阶段：" } else { "Not on the journey: " }}{text}
                                            </button>
                                            {hint}
                                        </p>
                                    }
                                })}
                            </section>
                        }
                    };
                    let behind = d.behind.clone();
                    view! {
                        {editor}
                        {body}
                        {move || drill.get().map(|(label, ids)| {
                            let item = |id: &String, kind: &'static str| {
                                let b = behind.get(id).cloned().unwrap_or(Behind { title: id.clone(), href: String::new(), date: String::new() });
                                view! {
                                    <li data-testid="drill-item" class=format!("drill-{kind}")>
                                        <span class="small muted">{b.date}" "</span>
                                        <A href=b.href>{b.title}</A>
                                    </li>
                                }
                            };
                            let total = ids.complaints.len() + ids.demands.len() + ids.responses.len();
                            view! {
                                <section class="panel drill" data-testid="drill" aria-live="polite">
                                    <div class="spread">
                                        <h2 id="journey-drill-h" tabindex="-1">{label}</h2>
                                        <button type="button" class="link" on:click=move |_| drill.set(None)
                                            aria-label=move || lang.get().t("关闭明细", "Close")>"×"</button>
                                    </div>
                                    {(total == 0).then(|| view! { <p class="muted">{t2("没有记录", "No records")}</p> })}
                                    {(!ids.complaints.is_empty()).then(|| view! {
                                        <h3>{t2("投诉", "Complaints")}</h3>
                                        <ul>{ids.complaints.iter().map(|i| item(i, "complaint")).collect_view()}</ul>
                                    })}
                                    {(!ids.demands.is_empty()).then(|| view! {
                                        <h3>{t2("需求", "Demands")}</h3>
                                        <ul>{ids.demands.iter().map(|i| item(i, "demand")).collect_view()}</ul>
                                    })}
                                    {(!ids.responses.is_empty()).then(|| view! {
                                        <h3>{t2("满意度评价", "Survey responses")}</h3>
                                        <ul>{ids.responses.iter().map(|i| item(i, "response")).collect_view()}</ul>
                                    })}
                                </section>
                            }
                        })}
                    }.into_any()
                }
            }}
        </div>
    }
}

/// A stage as edited: touchpoints one per line, `id|中文|English`.
#[derive(Clone, Debug, Default)]
struct StageDraft {
    id: String,
    zh: String,
    en: String,
    touchpoints: String,
}

fn to_draft(s: &Stage) -> StageDraft {
    StageDraft {
        id: s.id.clone(),
        zh: s.name.zh.clone(),
        en: s.name.en.clone(),
        touchpoints: s
            .touchpoints
            .iter()
            .map(|t| format!("{}|{}|{}", t.id, t.name.zh, t.name.en))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn from_draft(d: &StageDraft) -> Stage {
    Stage {
        id: d.id.trim().to_string(),
        name: Text::new(d.zh.trim(), d.en.trim()),
        touchpoints: d
            .touchpoints
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.split('|').map(str::trim);
                let id = parts.next().unwrap_or("").to_string();
                let zh = parts.next().unwrap_or("").to_string();
                let en = parts
                    .next()
                    .map(str::to_string)
                    .unwrap_or_else(|| zh.clone());
                let zh = if zh.is_empty() { id.clone() } else { zh };
                Touchpoint {
                    id,
                    name: Text::new(zh, en),
                }
            })
            .collect(),
    }
}

#[component]
fn ConfigEditor(
    config: JourneyConfig,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let drafts = RwSignal::new(config.stages.iter().map(to_draft).collect::<Vec<_>>());
    let problems = RwSignal::new(Vec::<String>::new());
    let base = StoredValue::new(config);
    let set = move |i: usize, f: fn(&mut StageDraft, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            drafts.update(|d| {
                if let Some(s) = d.get_mut(i) {
                    f(s, v);
                }
            });
        }
    };
    let save = move |_| {
        if signed_in().is_none() {
            return;
        }
        let mut cfg = base.get_value();
        cfg.stages = drafts.get_untracked().iter().map(from_draft).collect();
        let p = cfg.problems(state.zh());
        problems.set(p.clone());
        if !p.is_empty() {
            return;
        }
        spawn_local(async move {
            match typed::save(&store(), &cfg).await {
                Ok(_) => {
                    state.tell("已保存旅程阶段", "Journey stages saved");
                    on_done();
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    view! {
        <section class="panel journey-editor" data-testid="journey-editor">
            <h2>{t2("旅程阶段与触点", "Journey stages and touchpoints")}</h2>
            <p class="small muted">{t2("触点每行一个：编号|中文名|English name", "One touchpoint per line: id|中文名|English name")}</p>
            {move || drafts.get().into_iter().enumerate().map(|(i, s)| view! {
                <fieldset class="stage-edit">
                    <legend>{format!("{}", i + 1)}</legend>
                    <div class="grid">
                        <label>{t2("编号", "Id")}<input prop:value=s.id on:change=set(i, |s, v| s.id = v) data-testid=format!("stage-id-{i}")/></label>
                        <label>{t2("中文名", "Chinese name")}<input prop:value=s.zh on:change=set(i, |s, v| s.zh = v) data-testid=format!("stage-zh-{i}")/></label>
                        <label>{t2("英文名", "English name")}<input prop:value=s.en on:change=set(i, |s, v| s.en = v) data-testid=format!("stage-en-{i}")/></label>
                        <label>{t2("触点", "Touchpoints")}<textarea rows="4" prop:value=s.touchpoints on:change=set(i, |s, v| s.touchpoints = v)></textarea></label>
                    </div>
                    <button type="button" class="danger" on:click=move |_| drafts.update(|d| { d.remove(i); })>
                        {t2("删除此阶段", "Remove this stage")}
                    </button>
                </fieldset>
            }).collect_view()}
            <div role="alert"><ul class="err">{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></div>
            <div class="actions">
                <button type="button" on:click=move |_| drafts.update(|d| {
                    let n = d.len() + 1;
                    d.push(StageDraft { id: format!("stage_{n}"), ..Default::default() });
                })>{t2("添加阶段", "Add a stage")}</button>
                <button type="button" class="primary" on:click=save data-testid="journey-save">{t2("保存", "Save")}</button>
                <button type="button" on:click=move |_| on_done()>{move || lang.get().t("取消", "Cancel")}</button>
            </div>
        </section>
    }
}
