//! list: every survey with its version, response count and CSAT, "new", and the ready-made
//! default survey (offered prominently while no survey exists); a survey that has stopped
//! collecting answers is marked so.

use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use std::collections::HashMap;

use super::records::{load_responses, response_count, url_key};
use crate::domain::stats::{current_csat, Figure, SATISFACTION_TARGET_PCT};
use crate::domain::survey::Survey;
use crate::ui::data::{add_default_survey, all_of};
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

#[component]
pub fn ListPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let surveys = Res::new(move || {
        state.changes.track();
        async move {
            let st = store();
            let (mut list, _) = all_of::<Survey>(&st).await.unwrap_or_default();
            sort_by(&mut list, |a, b| b.id.cmp(&a.id));
            let mut out = Vec::new();
            for s in list {
                let n = response_count(&st, &s.id).await.unwrap_or(0);
                out.push((s, n));
            }
            out
        }
    });
    // Each survey's CSAT as its results page opens, read after the list is shown (it reads
    // every response): `None` until then.
    let csats = RwSignal::new(None::<HashMap<String, Option<Figure>>>);
    let round = StoredValue::new(0u32);
    Effect::new(move |_| {
        state.changes.track();
        round.update_value(|r| *r += 1);
        let mine = round.get_value();
        spawn_local(async move {
            let st = store();
            let (list, _) = all_of::<Survey>(&st).await.unwrap_or_default();
            let mut out = HashMap::new();
            for s in list {
                let rs = load_responses(&st, &s.id, None, None, |_| {}).await;
                out.insert(s.id.clone(), rs.ok().and_then(|rs| current_csat(&s, &rs)));
            }
            // A later change's reading wins over this one's; a page left meanwhile takes none.
            if round.try_get_value() == Some(mine) {
                csats.try_set(Some(out));
            }
        });
    });
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let create_default = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let by = state.user.get_untracked().map(|u| u.name);
        spawn_local(async move {
            match add_default_survey(&store(), by).await {
                Ok(s) => {
                    state.tell("已创建默认问卷", "The default survey was created");
                    navigate(&format!("/surveys/{}", url_key(&s.id)), Default::default());
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="surveys">
            <div class="spread">
                <h1>{t2("满意度调查", "Satisfaction surveys")}</h1>
                <div class="row">
                    <A href="/surveys/new" attr:class="button" attr:data-testid="new-survey">{t2("新建问卷", "New survey")}</A>
                    <button type="button" data-testid="create-default" on:click=create_default.clone() disabled=move || busy.get()>
                        {t2("创建默认问卷", "Create the default survey")}
                    </button>
                </div>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"…"</p> }>
                {move || surveys.get().map(|list| {
                    if list.is_empty() {
                        return view! {
                            <div class="panel survey-empty" data-testid="no-surveys">
                                <h2>{t2("还没有问卷", "No survey yet")}</h2>
                                <p>{t2("可以直接使用现成的营业部满意度问卷（服务态度、效率、专业能力、环境、总体满意度、推荐度），以后随时修改。",
                                    "Start at once with the ready-made branch survey (attitude, efficiency, professionalism, environment, overall satisfaction, recommendation); edit it any time.")}</p>
                                <button type="button" class="primary big" data-testid="create-default-empty"
                                    on:click=create_default.clone() disabled=move || busy.get()>
                                    {t2("使用默认问卷开始", "Start with the default survey")}
                                </button>
                            </div>
                        }.into_any();
                    }
                    let zh = lang.get().is_zh();
                    view! {
                        <div class="table-wrap">
                            <table class="stack" data-testid="survey-table">
                                <thead><tr>
                                    <th>{t2("问卷", "Survey")}</th><th>{t2("版本", "Version")}</th><th>{t2("最近保存", "Last saved")}</th>
                                    <th>{t2("作答方式", "Layout")}</th><th class="num">{t2("题数", "Questions")}</th>
                                    <th class="num">{t2("答卷", "Responses")}</th>
                                    <th class="num" title=t2("当前版本的完整答卷", "Complete responses to the current version")>"CSAT"</th><th><span class="sr-only">{t2("操作", "Actions")}</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|(s, n)| {
                                        let key = url_key(&s.id).to_string();
                                        let stopped = !s.collecting();
                                        view! { <tr>
                                            <td class="wide">
                                                <A href=format!("/surveys/{key}")>{s.title.get(zh).to_string()}</A>
                                                {stopped.then(|| view! {
                                                    " " <span class="badge warn" data-testid="survey-stopped">{t2("已停止收集", "Not collecting")}</span>
                                                })}
                                            </td>
                                            <td data-label=if zh { "版本" } else { "Version" }>{s.version}</td>
                                            <td data-label=if zh { "最近保存" } else { "Last saved" } data-testid="survey-changed">{
                                                match &s.changed {
                                                    Some(c) => format!("{} · {}", c.by, c.at.format("%Y-%m-%d %H:%M")),
                                                    None => "—".to_string(),
                                                }
                                            }</td>
                                            <td data-label=if zh { "作答方式" } else { "Layout" }>{s.mode.label(zh)}</td>
                                            <td class="num" data-label=if zh { "题数" } else { "Questions" }>{s.questions.len()}</td>
                                            <td class="num" data-label=if zh { "答卷" } else { "Responses" }>{n}</td>
                                            <td class="num" data-label="CSAT" data-testid="survey-csat">{
                                                let id = s.id.clone();
                                                move || csats.with(|m| csat_cell(m.as_ref().map(|m| m.get(&id).copied().flatten())))
                                            }</td>
                                            <td class="row wide">
                                                <A href=format!("/surveys/{key}/results")>{t2("结果", "Results")}</A>
                                                {(!stopped).then(|| view! {
                                                    <A href=format!("/surveys/{key}/results?fill=1") attr:data-testid="survey-fill">{t2("员工代填", "Fill in")}</A>
                                                })}
                                                <a href=format!("/s/{key}") target="_blank">{t2("客户页面", "Customer page")}</a>
                                            </td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// A survey's CSAT in the list: "…" while it is read, "—" without satisfaction answers, and
/// below the branch's target marked so in words, not by colour alone.
fn csat_cell(f: Option<Option<Figure>>) -> impl IntoView {
    match f {
        None => view! { <span class="muted">"…"</span> }.into_any(),
        Some(None) => view! { <span class="muted">"—"</span> }.into_any(),
        Some(Some(f)) => {
            let low = f.value < SATISFACTION_TARGET_PCT;
            view! {
                <span class:csat-low=low title=format!("n = {}", f.n)>{format!("{}%", crate::domain::stats::fixed_beside(f.value, 1, &[0.0, 100.0, SATISFACTION_TARGET_PCT]))}</span>
                {low.then(|| view! { <span class="sr-only">{t2("（低于目标）", " (below target)")}</span> })}
            }
            .into_any()
        }
    }
}
