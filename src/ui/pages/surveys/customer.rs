//! customer: the page a customer opens from a link or QR code (/s/<survey>) on their own
//! phone — large type, the customer's language with a switch, no staff navigation. The
//! response is stored on this device and waits there to be sent.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::answer::SurveyForm;
use super::param_survey_id;
use super::records::{load_survey, pending_responses, submit_response};
use crate::domain::survey::{Channel, SurveyResponse};
use crate::ui::i18n::Lang;
use crate::ui::state::store;

fn browser_lang() -> Lang {
    let nav = web_sys::window().and_then(|w| w.navigator().language());
    Lang::from_code(&nav.unwrap_or_else(|| "zh-CN".into()))
}

fn set_doc_lang(lang: Lang) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = param_survey_id("survey");
    // The customer's own language (the browser's), not the staff's saved choice.
    let lang = RwSignal::new(browser_lang());
    Effect::new(move |_| set_doc_lang(lang.get()));
    let survey = LocalResource::new(move || {
        let id = id.get();
        async move { load_survey(&store(), &id).await }
    });
    // After a submit: Ok(pending count) or the problem.
    let done: RwSignal<Option<Result<u64, String>>> = RwSignal::new(None);
    let zh = move || lang.get().is_zh();

    let on_submit = move |r: SurveyResponse| {
        let Some(Ok(s)) = survey.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let st = store();
            let z = lang.get_untracked().is_zh();
            match submit_response(&st, &s, &r).await {
                Ok(_) => {
                    let n = pending_responses(&st).await.unwrap_or(0);
                    done.set(Some(Ok(n)));
                }
                Err(e) => done.set(Some(Err(e.message(z)))),
            }
        });
    };

    view! {
        <div class="customer-page">
            <header class="cp-top">
                <span class="logo" aria-hidden="true">"客"</span>
                <button type="button" class="lang cp-lang" data-testid="cp-lang"
                    on:click=move |_| lang.update(|l| *l = if l.is_zh() { Lang::En } else { Lang::Zh })>
                    {move || lang.get().t("English", "中文")}
                </button>
            </header>
            <main class="cp-main" id="main">
                <Suspense fallback=move || view! { <p class="cp-msg">{move || lang.get().t("正在打开问卷…", "Opening the survey…")}</p> }>
                    {move || survey.get().map(|res| match res {
                        Err(_) => view! {
                            <div class="cp-msg" role="alert" data-testid="cp-missing">
                                <h1>{move || lang.get().t("问卷暂不可用", "This survey is not available")}</h1>
                                <p>{move || lang.get().t("本设备上还没有这份问卷,请稍后再试或联系营业部工作人员。",
                                    "This device does not have the survey yet. Please try again later or ask our staff.")}</p>
                            </div>
                        }.into_any(),
                        Ok(s) => {
                            let title = s.title.clone();
                            view! {
                                <h1 class="cp-title">{move || title.get(zh()).to_string()}</h1>
                                {move || match done.get() {
                                    None => {
                                        view! { <SurveyForm survey=s.clone() lang=lang channel=Channel::Link on_submit=on_submit/> }.into_any()
                                    }
                                    Some(Ok(n)) => view! {
                                        <div class="cp-thanks" role="status" data-testid="cp-thanks">
                                            <div class="cp-tick" aria-hidden="true">"✓"</div>
                                            <h2>{move || lang.get().t("感谢您的评价!", "Thank you for your feedback!")}</h2>
                                            <p data-testid="cp-pending">{move || if zh() {
                                                format!("已保存在本设备,等待发送(待发送 {n} 份)。")
                                            } else {
                                                format!("Saved on this device, waiting to be sent ({n} waiting).")
                                            }}</p>
                                        </div>
                                    }.into_any(),
                                    Some(Err(msg)) => view! {
                                        <div class="cp-msg" role="alert" data-testid="cp-error">
                                            <p>{move || lang.get().t("未能保存您的答卷:", "Your answers could not be saved: ")}{msg.clone()}</p>
                                            <button type="button" on:click=move |_| done.set(None)>
                                                {move || lang.get().t("返回", "Back")}
                                            </button>
                                        </div>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}
