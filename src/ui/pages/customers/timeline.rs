//! The customer page (/customers/:id): the record with its contact data masked (a reveal is
//! recorded in an `access_log` document), and the timeline of every complaint, demand,
//! survey response, return visit and care event of the customer, read through `by_customer`.

use crate::domain::datefmt::Layout;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde_json::Value as Json;
use std::collections::HashMap;

use crate::domain::care::{CareKind, CareStatus, CareTask};
use crate::domain::complaint::{Category, Status};
use crate::domain::customer::{AccessLog, ContactField, Customer};
use crate::domain::demand::{DemandStatus, DemandType};
use crate::domain::survey::{Survey, SurveyResponse};
use crate::store::{typed, Doc, IndexKey, KeyPart, KeyRange};
use crate::ui::components::ConflictBanner;
use crate::ui::i18n::t2;
use crate::ui::platform::{new_id, now};
use crate::ui::state::{app, store};

use super::edit::CustomerForm;
use super::{
    all_docs_in, care_task_href, demand_href, journey_config, response_href, signed_in, staff_by_id,
};

/// One entry of the timeline, in the language it was built for.
#[derive(Clone, Debug)]
struct Entry {
    date: String,
    kind: &'static str,
    badge: &'static str,
    title: String,
    detail: String,
    href: String,
}

fn field<'a>(body: &'a Json, name: &str) -> &'a str {
    body.get(name).and_then(Json::as_str).unwrap_or("")
}

fn parse<T: serde::de::DeserializeOwned>(body: &Json, name: &str) -> Option<T> {
    body.get(name)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// An entry's date as shown: to the minute (`2026-12-04 14:16`), as everywhere else, whatever
/// precision its record stored (a demand's time has milliseconds, a complaint's seconds); a
/// care task's bare date stays as it is. The entries are sorted on the full value.
fn shown_date(date: &str) -> &str {
    date.get(..16).unwrap_or(date)
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// A timeline entry from a document of the `by_customer` index (read field by field, so a
/// record written by a newer shape of another module still shows).
fn entry(doc: &Doc, zh: bool, surveys: &HashMap<String, Survey>) -> Option<Entry> {
    let b = &doc.body;
    let l = |z: &'static str, e: &'static str| if zh { z } else { e };
    match doc.doc_type()? {
        "complaint" => {
            let cat = parse::<Category>(b, "category")
                .map(|c| if zh { c.zh() } else { c.en() })
                .unwrap_or(l("未分类", "Unclassified"));
            let status = parse::<Status>(b, "status")
                .map(|s| if zh { s.zh() } else { s.en() })
                .unwrap_or("");
            Some(Entry {
                date: field(b, "received_at").replace('T', " "),
                kind: "complaint",
                badge: l("投诉", "Complaint"),
                title: format!("{} · {cat}", field(b, "case_no")),
                detail: format!("{status} · {}", short(field(b, "narrative"), 60)),
                href: format!("/complaints/{}", doc.id),
            })
        }
        "demand" => {
            let kind = parse::<DemandType>(b, "kind")
                .map(|k| k.label(zh))
                .unwrap_or("");
            let status = parse::<DemandStatus>(b, "status")
                .map(|s| s.label(zh))
                .unwrap_or("");
            Some(Entry {
                date: field(b, "created_at").replace('T', " "),
                kind: "demand",
                badge: l("需求", "Demand"),
                title: kind.to_string(),
                detail: format!("{status} · {}", short(field(b, "description"), 60)),
                href: demand_href(&doc.id),
            })
        }
        "response" => {
            // The survey's title and the key scores, as it was when answered: a 2 of 5
            // does not read as a 5 of 5.
            let answered = typed::from_doc::<SurveyResponse>(doc.clone()).ok();
            let survey = surveys.get(field(b, "survey_id")).and_then(|s| {
                s.at_version(answered.as_ref().map_or(s.version, |r| r.survey_version))
            });
            let channel = parse::<crate::domain::survey::Channel>(b, "channel")
                .map(|c| c.label(zh).to_string());
            let title = [
                survey.as_ref().map(|s| s.title.get(zh).to_string()),
                channel,
            ];
            let scores = survey
                .as_ref()
                .zip(answered.as_ref())
                .map(|(s, r)| r.key_scores(s, zh))
                .filter(|s| !s.is_empty());
            let partial = (b.get("complete").and_then(Json::as_bool) == Some(false))
                .then(|| l("未答完", "Partial").to_string());
            let join = |parts: Vec<Option<String>>| {
                parts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
            };
            Some(Entry {
                date: field(b, "submitted_at").replace('T', " "),
                kind: "response",
                badge: l("满意度调查", "Survey response"),
                title: join(title.into()),
                detail: join(vec![scores, partial]),
                href: response_href(field(b, "survey_id"), &doc.id),
            })
        }
        "care_task" => {
            let t: CareTask = typed::from_doc(doc.clone()).ok()?;
            let visit = matches!(t.kind, CareKind::ReturnVisit { .. });
            let detail = match &t.status {
                CareStatus::Open => l("待办", "Open").to_string(),
                CareStatus::Done { channel, note, .. } => {
                    format!("{} · {} · {}", l("已完成", "Done"), channel.label(zh), note)
                }
                CareStatus::Skipped { reason, .. } => {
                    format!("{} · {reason}", l("已跳过", "Skipped"))
                }
            };
            Some(Entry {
                date: t.due.to_string(),
                kind: if visit { "visit" } else { "care" },
                badge: if visit {
                    l("回访", "Return visit")
                } else {
                    l("关怀", "Care")
                },
                title: t.kind.label(zh),
                detail,
                href: care_task_href(&t.id),
            })
        }
        _ => None,
    }
}

fn customer_key(id: &str) -> KeyRange {
    KeyRange::prefix(IndexKey(vec![KeyPart::Str(id.to_string())]))
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    // The customer being edited. The form stands outside the record's view, which is drawn
    // again on every store change (the reveal log written when the form opens is one): a
    // form inside it would be replaced, and what the user chose lost, while they edit.
    let editing = RwSignal::new(None::<Customer>);
    let revealed = RwSignal::new(Vec::<ContactField>::new());
    let zh = move || lang.get().is_zh();

    // Each read in the language of the moment: an error says it in the one switched to (QA:
    // 找不到该记录 stayed Chinese in English).
    let customer = Res::new(move || {
        state.changes.track();
        let id = id.get();
        let zh = lang.get().is_zh();
        async move {
            let c = typed::load::<Customer, _>(&store(), &id).await;
            let config = journey_config().await;
            let staff = staff_by_id().await;
            c.map(|c| {
                let stage = c
                    .stage
                    .as_ref()
                    .and_then(|s| config.stage(s))
                    .map(|s| s.name.clone());
                let staff = c
                    .staff_id
                    .as_ref()
                    .and_then(|s| staff.get(s))
                    .map(|s| s.name.clone());
                (c, stage, staff)
            })
            .map_err(|e| e.message(zh))
        }
    });
    let docs = Res::new(move || {
        state.changes.track();
        let id = id.get();
        let zh = lang.get().is_zh();
        async move {
            let docs = all_docs_in("by_customer", customer_key(&id), false)
                .await
                .map_err(|e| e.message(zh))?;
            // The surveys the responses answered, for their titles and scores.
            let mut surveys = HashMap::new();
            for d in docs.iter().filter(|d| d.doc_type() == Some("response")) {
                let sid = field(&d.body, "survey_id");
                if !surveys.contains_key(sid) {
                    if let Ok(s) = typed::load::<Survey, _>(&store(), sid).await {
                        surveys.insert(sid.to_string(), s);
                    }
                }
            }
            Ok::<_, String>((docs, surveys))
        }
    });
    // The surveys collecting answers, for 员工代填 on this customer's behalf.
    let surveys = Res::new(|| async {
        let all = crate::ui::data::all_of::<crate::domain::survey::Survey>(&store()).await;
        let open = all
            .map(|(v, _)| v)
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.collecting());
        open.map(|s| (s.id.trim_start_matches("survey:").to_string(), s.title))
            .collect::<Vec<_>>()
    });
    let fill_with = RwSignal::new(String::new());
    let access = Res::new(move || {
        state.changes.track();
        let id = id.get();
        async move {
            let q = crate::store::Query::new("access_log_by_customer", customer_key(&id))
                .descending()
                .limit(20);
            typed::page_of::<AccessLog, _>(&store(), &q)
                .await
                .map(|p| p.rows)
                .unwrap_or_default()
        }
    });

    // Records who saw which field, then shows it.
    let reveal = move |f: ContactField| {
        let Some(user) = signed_in() else { return };
        let log = AccessLog {
            id: new_id(<AccessLog as crate::domain::Record>::TYPE),
            rev: None,
            customer_id: id.get_untracked(),
            field: f,
            by: user.id.clone(),
            by_name: user.name.clone(),
            at: now(),
        };
        spawn_local(async move {
            match typed::save(&store(), &log).await {
                Ok(_) => revealed.update(|r| r.push(f)),
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let start_edit = move |c: Customer| {
        // The form shows the contact data in full: that is a reveal too.
        let Some(user) = signed_in() else { return };
        let logs: Vec<_> = ContactField::ALL
            .into_iter()
            .filter(|f| f.value_of(&c).is_some() && !revealed.get_untracked().contains(f))
            .map(|f| AccessLog {
                id: new_id(<AccessLog as crate::domain::Record>::TYPE),
                rev: None,
                customer_id: c.id.clone(),
                field: f,
                by: user.id.clone(),
                by_name: user.name.clone(),
                at: now(),
            })
            .collect();
        spawn_local(async move {
            let docs: Result<Vec<_>, _> = logs.iter().map(typed::to_doc).collect();
            let res = match docs {
                Ok(d) if d.is_empty() => Ok(Vec::new()),
                Ok(d) => crate::store::DocStore::bulk(&store(), d).await,
                Err(e) => Err(e),
            };
            match res {
                Ok(_) => editing.set(Some(c)),
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };

    view! {
        <div class="customers customer-page">
            <p class="no-print"><A href="/customers">{t2("← 客户列表", "← Customers")}</A></p>
            <ConflictBanner id=id/>
            {move || match customer.get() {
                None => view! { <p class="muted">{t2("正在读取…", "Loading…")}</p> }.into_any(),
                Some(Err(msg)) => view! {
                    <h1>{t2("客户", "Customer")}</h1>
                    <p class="err" role="alert">{msg}</p>
                }.into_any(),
                Some(Ok((c, stage, staff))) => {
                    let c2 = c.clone();
                    view! {
                        <div class="spread">
                            <h1 data-testid="customer-name">{c.name.clone()}</h1>
                            <div class="row no-print">
                                {move || surveys.get().filter(|l| !l.is_empty()).map(|list| {
                                    if fill_with.with_untracked(String::is_empty) {
                                        fill_with.set(list[0].0.clone());
                                    }
                                    view! {
                                        <label for="fill-survey" class="sr-only">{t2("问卷", "Survey")}</label>
                                        <select id="fill-survey" bind:value=fill_with>
                                            {list.into_iter().map(|(key, title)| view! {
                                                <option value=key>{move || title.get(zh()).to_string()}</option>
                                            }).collect_view()}
                                        </select>
                                        <A href=move || format!("/surveys/{}/results?fill=1&customer={}", fill_with.get(), id.get())
                                            attr:class="button" attr:data-testid="customer-fill">{t2("员工代填问卷", "Fill in a survey")}</A>
                                    }
                                })}
                                <button type="button" on:click=move |_| start_edit(c2.clone())
                                    data-testid="customer-edit">{t2("编辑", "Edit")}</button>
                            </div>
                        </div>
                        <section class="panel">
                            <dl class="facts">
                                <dt>{t2("类型", "Kind")}</dt><dd>{move || c.kind.label(zh())}</dd>
                                <dt>{t2("等级", "Tier")}</dt><dd>{move || c.tier.label(zh())}</dd>
                                <dt>{t2("价值", "Value")}</dt><dd>{move || c.value.label(zh())}</dd>
                                <dt>{t2("生命周期", "Lifecycle")}</dt><dd>{move || c.lifecycle.label(zh())}</dd>
                                <dt>{t2("旅程阶段", "Journey stage")}</dt>
                                <dd>{move || stage.as_ref().map(|s| s.get(zh()).to_string()).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{t2("开户日期", "Account opened")}</dt>
                                <dd>{c.account_opened.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{t2("生日", "Birthday")}</dt>
                                <dd>{c.birthday.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{t2("营业部", "Branch")}</dt><dd>{dash(&c.branch)}</dd>
                                <dt>{t2("服务人员", "Assigned staff")}</dt><dd>{dash(staff.as_deref().unwrap_or_default())}</dd>
                                {ContactField::ALL.into_iter().map(|f| {
                                    let masked = f.masked_of(&c);
                                    let full = f.value_of(&c).unwrap_or("").to_string();
                                    let has = !full.is_empty();
                                    let key = match f {
                                        ContactField::Phone => "phone",
                                        ContactField::Email => "email",
                                        ContactField::AccountNo => "account",
                                    };
                                    let shown = move || revealed.with(|r| r.contains(&f));
                                    view! {
                                        <dt>{move || f.label(zh())}</dt>
                                        <dd>
                                            <span class="mono" data-testid=format!("{key}-value")>
                                                {move || if !has { "—".to_string() } else if shown() { full.clone() } else { masked.clone() }}
                                            </span>
                                            {has.then(|| view! {
                                                <Show when=move || !shown()>
                                                    <button type="button" class="link reveal" data-testid=format!("reveal-{key}")
                                                        on:click=move |_| reveal(f)
                                                        title=move || lang.get().t("查看完整信息（将被记录）", "Show in full (recorded)")>
                                                        {t2("显示", "Show")}
                                                    </button>
                                                </Show>
                                            })}
                                        </dd>
                                    }
                                }).collect_view()}
                            </dl>
                        </section>
                    }.into_any()
                }
            }}
            {move || editing.get().map(|c| {
                view! { <CustomerForm initial=Some(c) on_done=move |_| editing.set(None)/> }
            })}
            <section class="panel">
                <h2>{t2("客户时间线", "Timeline")}</h2>
                {move || match docs.get() {
                    None => view! { <p class="muted">{t2("正在读取…", "Loading…")}</p> }.into_any(),
                    Some(Err(msg)) => view! { <p class="err" role="alert">{msg}</p> }.into_any(),
                    Some(Ok((docs, surveys))) => {
                        let entries: Vec<Entry> = docs.iter().filter_map(|d| entry(d, zh(), &surveys)).collect();
                        if entries.is_empty() {
                            view! { <p class="muted" data-testid="timeline-empty">{t2("暂无记录", "Nothing yet")}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="timeline" data-testid="timeline">
                                    {entries.into_iter().map(|e| view! {
                                        <li class=format!("tl-{}", e.kind) data-testid=format!("timeline-{}", e.kind)>
                                            <div class="small muted">{shown_date(&e.date)}</div>
                                            <A href=e.href.clone()>
                                                <span class="badge info">{e.badge}</span>" "{e.title.clone()}
                                            </A>
                                            <div class="small">{e.detail.clone()}</div>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }
                }}
            </section>
            <section class="panel">
                <h2>{t2("联系方式查看记录", "Who saw contact data")}</h2>
                <ul class="access-log" data-testid="access-log">
                    {move || access.get().unwrap_or_default().into_iter().map(|a| view! {
                        <li>
                            {a.at.layout("%Y-%m-%d %H:%M")}" · "{a.by_name.clone()}" · "
                            {move || a.field.label(zh())}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

/// A fact as shown: "—" when there is none (an empty line read as a fault of the page).
fn dash(s: &str) -> String {
    match s.trim() {
        "" => "—".into(),
        s => s.to_string(),
    }
}
