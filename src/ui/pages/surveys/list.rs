//! list: every survey with its version and response count, "new", and the ready-made
//! default survey (offered prominently while no survey exists); a survey that has stopped
//! collecting answers is marked so.

use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::records::{response_count, url_key};
use crate::domain::survey::{default_survey, Survey};
use crate::store::typed;
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::platform::new_id;
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
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let create_default = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let s = default_survey(&new_id("survey"));
            match typed::save(&store(), &s).await {
                Ok(_) => {
                    state.tell("已创建默认问卷", "The default survey is created");
                    navigate(&format!("/surveys/{}", url_key(&s.id)), Default::default());
                }
                Err(e) => state.warn(e.message(state.zh())),
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
                            <table data-testid="survey-table">
                                <thead><tr>
                                    <th>{t2("问卷", "Survey")}</th><th>{t2("版本", "Version")}</th>
                                    <th>{t2("作答方式", "Layout")}</th><th class="num">{t2("题数", "Questions")}</th>
                                    <th class="num">{t2("答卷", "Responses")}</th><th><span class="sr-only">{t2("操作", "Actions")}</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|(s, n)| {
                                        let key = url_key(&s.id).to_string();
                                        let stopped = !s.collecting();
                                        view! { <tr>
                                            <td>
                                                <A href=format!("/surveys/{key}")>{s.title.get(zh).to_string()}</A>
                                                {stopped.then(|| view! {
                                                    " " <span class="badge warn" data-testid="survey-stopped">{t2("已停止收集", "Not collecting")}</span>
                                                })}
                                            </td>
                                            <td>{s.version}</td>
                                            <td>{s.mode.label(zh)}</td>
                                            <td class="num">{s.questions.len()}</td>
                                            <td class="num">{n}</td>
                                            <td class="row">
                                                <A href=format!("/surveys/{key}/results")>{t2("结果", "Results")}</A>
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
