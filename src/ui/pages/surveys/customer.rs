//! customer: the page a customer opens from a link or QR code (/s/<survey>) on their own
//! phone — large type, the customer's language with a switch, no staff navigation. The
//! response is stored on this device first. When the link carries the branch's sync target
//! (`?sync=…&db=…`, see `sync::link`), a phone that has never seen the survey fetches it from
//! the server, and every response is pushed there (responses only) as soon as the server can
//! be reached — retried with backoff until it is, kept on the phone until then. Without a
//! target the link works as before, on this device only. A survey that has stopped collecting
//! (as of the server's copy when there is one) says it has ended and offers no form: answers
//! kept from a visit part-way through are not sent, but responses already given and waiting
//! on the phone still are.

use std::cell::Cell;

use crate::ui::resource::Res;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use super::answer::{forget_progress, SurveyForm};
use super::param_survey_id;
use super::records::{load_survey, pending_responses, submit_response};
use crate::domain::survey::{Channel, SurveyResponse};
use crate::store::DocStore;
use crate::sync::engine::SyncError;
use crate::sync::link::{self, LinkTarget, LINK_DEVICE_DOC};
use crate::sync::live::{link_transport, random_hex};
use crate::sync::protocol::backoff_ms;
use crate::ui::i18n::{browser_lang, show_lang, Lang};
use crate::ui::pages::kiosk::locked_path;
use crate::ui::platform::{local_get, local_read, local_set, local_write, window};
use crate::ui::state::store;

/// Where a customer's phone keeps the language they switched to (not the staff's choice).
const CUSTOMER_LANG_KEY: &str = "kefu.customer.lang";

/// The longest wait between two delivery attempts.
const MAX_RETRY_MS: u64 = 10_000;

thread_local! {
    /// One delivery loop at a time.
    static DELIVERING: Cell<bool> = const { Cell::new(false) };
}

/// Where the responses of this link stand.
#[derive(Clone, Debug, PartialEq)]
enum Delivery {
    /// Not known yet.
    Unknown,
    /// Responses still on this device; the last error, if any.
    Waiting(u64, Option<String>),
    Sent,
}

/// Where a customer's own phone notes the version of a survey it has answered: opening the
/// link again says so instead of offering the form once more (one answer per phone and
/// version; a shared kiosk has its own minimum gap instead).
fn answered_key(survey_id: &str) -> String {
    format!("kefu.surveys.answered.{survey_id}")
}

/// This device's id for the link push checkpoints (set once, kept locally).
async fn device_id() -> String {
    let st = store();
    if let Ok(Some(v)) = st.get_local(LINK_DEVICE_DOC).await {
        if let Some(id) = v.get("id").and_then(|v| v.as_str()) {
            return id.to_string();
        }
    }
    let id = random_hex();
    let _ = st.put_local(LINK_DEVICE_DOC, json!({ "id": id })).await;
    id
}

/// Pushes this device's responses to the target until none is waiting, retrying with
/// backoff; `state` hears how it stands. Ends when everything is sent or the page is gone.
async fn deliver(target: LinkTarget, state: RwSignal<Delivery>, zh: impl Fn() -> bool) {
    if DELIVERING.with(|d| d.replace(true)) {
        return;
    }
    let st = store();
    let dev = device_id().await;
    let t = link_transport(&target);
    let mut attempt: u32 = 0;
    loop {
        let waiting = link::waiting(&st, &target, &dev).await.unwrap_or(1);
        if waiting == 0 {
            let _ = state.try_set(Delivery::Sent);
            break;
        }
        // Words for the customer: no network needs none (the waiting line says it all);
        // anything else is for staff, said to the customer as such.
        let error = match link::push_responses(&st, &t, &target, &dev, &random_hex()).await {
            Ok(_) | Err(SyncError::Network(_) | SyncError::Timeout) => None,
            Err(_) => Some(if zh() {
                "暂时未能发送，会自动重试。如一直未能发送，请告知营业部工作人员。".to_string()
            } else {
                "Not sent yet; it is tried again by itself. If it is never sent, please tell our staff."
                    .to_string()
            }),
        };
        let left = link::waiting(&st, &target, &dev).await.unwrap_or(waiting);
        if left == 0 {
            let _ = state.try_set(Delivery::Sent);
            break;
        }
        if state.try_set(Delivery::Waiting(left, error)).is_some() {
            break;
        }
        let ms = backoff_ms(attempt, 1_000, MAX_RETRY_MS, js_sys::Math::random());
        attempt = attempt.saturating_add(1);
        TimeoutFuture::new(ms as u32).await;
    }
    DELIVERING.with(|d| d.set(false));
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = param_survey_id("survey");
    // The customer's own language (the browser's, or what they switched to on this phone,
    // kept over a reload), not the staff's saved choice.
    let lang = RwSignal::new(
        local_get(CUSTOMER_LANG_KEY).map_or_else(browser_lang, |c| Lang::from_code(&c)),
    );
    Effect::new(move |prev: Option<Lang>| {
        let l = lang.get();
        show_lang(l);
        if prev.is_some_and(|p| p != l) {
            local_set(CUSTOMER_LANG_KEY, l.code());
        }
        l
    });
    // The branch's sync target, when the link carries one; the staff member it rates, when it
    // is one staff member's (`link::with_staff`).
    let query = window().location().search().unwrap_or_default();
    let target: Option<LinkTarget> = LinkTarget::from_query(&query);
    let staff_id = StoredValue::new(link::staff_of_query(&query));
    // Whose service the customer rates, as the link names them (a phone has no staff list).
    let staff_name = link::staff_name_of_query(&query);
    // The branch that asks, as the link names it (a phone has no branch settings).
    let branch = link::branch_of_query(&query);
    let delivery = RwSignal::new(Delivery::Unknown);
    // The answers are kept across a reload on the customer's own phone, never on a tablet
    // locked in kiosk mode (a device shared by customers).
    let own_device = RwSignal::new(false);
    let fetch_target = target.clone();
    let survey = Res::new(move || {
        let id = id.get();
        let target = fetch_target.clone();
        async move {
            let st = store();
            if let Some(t) = &target {
                // The server's copy first (a newer version, or a phone that has none); the
                // local one when the server cannot be reached.
                let _ = link::fetch_survey(&st, &link_transport(t), t, &id).await;
            }
            own_device.try_set(locked_path(&st).await.is_none());
            load_survey(&st, &id).await
        }
    });
    // After a submit: Ok(pending count) or the problem.
    let done: RwSignal<Option<Result<u64, String>>> = RwSignal::new(None);
    // Staff stopped collecting while the customer answered (found at their submit).
    let ended = RwSignal::new(false);
    // This phone answered this version in another tab meanwhile (found at the submit).
    let answered_since = RwSignal::new(false);
    let zh = move || lang.get().is_zh();
    let stored_target = StoredValue::new(target.clone());
    let start_delivery = move || {
        if let Some(t) = stored_target.get_value() {
            spawn_local(deliver(t, delivery, move || {
                lang.try_get_untracked().is_none_or(|l| l.is_zh())
            }));
        }
    };
    // Responses left from an earlier visit go out now.
    start_delivery();
    let has_target = target.is_some();
    // Whether this device sends its responses anywhere: without sync they stay on it, which the
    // thanks says instead of "waiting to be sent" (as the kiosk's count does).
    let uploads = RwSignal::new(true);
    if !has_target {
        spawn_local(async move {
            let on = crate::ui::components::sync_status::load_config()
                .await
                .is_some_and(|c| c.enabled);
            uploads.try_set(on);
        });
    }

    let on_submit = move |mut r: SurveyResponse| {
        r.staff_id = staff_id.get_value();
        let Some(Ok(s)) = survey
            .get_untracked()
            .filter(|s| s.as_ref().is_ok_and(|s| s.collecting()))
        else {
            return;
        };
        spawn_local(async move {
            let st = store();
            let z = lang.get_untracked().is_zh();
            // The survey as stored now: collection may have stopped since the page opened.
            if load_survey(&st, &s.id).await.is_ok_and(|f| !f.collecting()) {
                forget_progress(&s.id);
                ended.try_set(true);
                return;
            }
            // A second tab of the same link (the QR code scanned twice): one answer a phone.
            if own_device.get_untracked()
                && local_read::<u32>(&answered_key(&s.id)) == Some(s.version)
            {
                forget_progress(&s.id);
                answered_since.try_set(true);
                return;
            }
            match submit_response(&st, &s, &r).await {
                Ok(_) => {
                    // Stored: the answers kept across reloads are done with, and this phone
                    // has answered this version.
                    forget_progress(&s.id);
                    if own_device.get_untracked() {
                        local_write(&answered_key(&s.id), &s.version);
                    }
                    let n = pending_responses(&st).await.unwrap_or(0);
                    done.set(Some(Ok(n)));
                    delivery.set(Delivery::Unknown);
                    start_delivery();
                }
                Err(e) => done.set(Some(Err(e.message(z)))),
            }
        });
    };

    // A tablet locked in kiosk mode goes back to its kiosk from this page too (a typed
    // address, a bookmark, a back swipe onto the link checked before the kiosk started):
    // answers there would skip the kiosk's gap, sleep and idle reset.
    let locked = crate::ui::state::app().kiosk_locked;
    view! {
        <div class="customer-page" hidden=move || locked.get()>
            <crate::ui::pages::kiosk::LockGuard/>
            <header class="cp-top">
                <span class="cp-org">
                    <span class="logo" aria-hidden="true">"客"</span>
                    {branch.map(|b| view! { <span class="cp-branch" data-testid="cp-branch">{b}</span> })}
                </span>
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
                                <p>{move || lang.get().t("无法打开这份问卷：链接可能不完整或已失效。请向营业部工作人员索取问卷。",
                                    "This survey cannot be opened: the link may be incomplete or no longer valid. Please ask our staff for the survey.")}</p>
                            </div>
                        }.into_any(),
                        Ok(s) if !s.collecting() || ended.get() => {
                            let title = s.title.clone();
                            // Only on a phone with earlier answers still on their way.
                            let waited = Memo::new(move |prev: Option<&bool>| {
                                prev.copied().unwrap_or(false) || matches!(delivery.get(), Delivery::Waiting(..))
                            });
                            view! {
                                <h1 class="cp-title">{move || title.get(zh()).to_string()}</h1>
                                <div class="cp-msg" role="status" data-testid="cp-ended">
                                    <h2>{move || lang.get().t("本次问卷调查已结束，感谢您的关注。", "This survey has ended. Thank you for your interest.")}</h2>
                                    {move || (has_target && waited.get()).then(|| view! { <DeliveryLine delivery=delivery lang=lang/> })}
                                </div>
                            }.into_any()
                        }
                        Ok(s) => {
                            let title = s.title.clone();
                            let answered = own_device.get_untracked()
                                && local_read::<u32>(&answered_key(&s.id)) == Some(s.version);
                            let rated = staff_name.clone();
                            view! {
                                <h1 class="cp-title">{move || title.get(zh()).to_string()}</h1>
                                {rated.map(|name| view! {
                                    <p class="cp-rated" data-testid="cp-rated">{move || lang.get().t("本次评价的服务人员：", "You are rating the service of ")}{name.clone()}</p>
                                })}
                                {move || match done.get() {
                                    None if answered || answered_since.get() => view! {
                                        <div class="cp-thanks" role="status" data-testid="cp-answered">
                                            <div class="cp-tick" aria-hidden="true">"✓"</div>
                                            <h2>{move || lang.get().t("您已填写过这份问卷，谢谢！", "You have already answered this survey. Thank you!")}</h2>
                                            <p>{move || lang.get().t("每部手机填写一次即可。", "One answer from each phone is enough.")}</p>
                                            {has_target.then(|| view! { <DeliveryLine delivery=delivery lang=lang/> })}
                                        </div>
                                    }.into_any(),
                                    // Greeted first, as the service language asks (000 六(一)1:
                                    // "您好""请""谢谢").
                                    None => {
                                        view! {
                                            <p class="cp-hello" data-testid="cp-hello">{move || lang.get().t(
                                                "您好！请根据本次服务的实际感受作答，约需一分钟。",
                                                "Hello! Please answer as you found our service today. It takes about a minute.",
                                            )}</p>
                                            <SurveyForm survey=s.clone() lang=lang channel=Channel::Link on_submit=on_submit keep=own_device.get_untracked()/>
                                        }.into_any()
                                    }
                                    Some(Ok(n)) => view! {
                                        <div class="cp-thanks" role="status" data-testid="cp-thanks">
                                            <div class="cp-tick" aria-hidden="true">"✓"</div>
                                            <h2>{move || lang.get().t("感谢您的评价！", "Thank you for your feedback!")}</h2>
                                            {if has_target {
                                                view! { <DeliveryLine delivery=delivery lang=lang/> }.into_any()
                                            } else {
                                                view! {
                                                    <p data-testid="cp-pending">{move || match (zh(), uploads.get()) {
                                                        // The live push was quicker than the count.
                                                        (true, true) if n == 0 => "已保存并已发送。".to_string(),
                                                        (false, true) if n == 0 => "Saved and sent.".to_string(),
                                                        (true, true) => format!("已保存在本设备，等待发送（待发送 {n} 份）。"),
                                                        (false, true) => format!("Saved on this device, waiting to be sent ({n} waiting)."),
                                                        (true, false) => format!("已保存在本设备（本设备未设置上传，共保存 {n} 份）。"),
                                                        (false, false) => format!("Saved on this device ({n} kept here; it has no upload set up)."),
                                                    }}</p>
                                                }.into_any()
                                            }}
                                        </div>
                                    }.into_any(),
                                    Some(Err(msg)) => view! {
                                        <div class="cp-msg" role="alert" data-testid="cp-error">
                                            <p>{move || lang.get().t("未能保存您的答卷：", "Your answers could not be saved: ")}{msg.clone()}</p>
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

/// "Sent" or "waiting to be sent" for a link that delivers to the branch's server.
#[component]
fn DeliveryLine(delivery: RwSignal<Delivery>, lang: RwSignal<Lang>) -> impl IntoView {
    let state = move || match delivery.get() {
        Delivery::Sent => "sent",
        _ => "waiting",
    };
    view! {
        <p class="cp-send" data-testid="cp-send" data-state=state aria-live="polite">
            {move || {
                let zh = lang.get().is_zh();
                match delivery.get() {
                    Delivery::Sent => if zh {
                        "已发送，谢谢！".to_string()
                    } else {
                        "Sent. Thank you!".to_string()
                    },
                    Delivery::Waiting(n, _) => if zh {
                        // Sent from this page (no background sending once it is closed):
                        // said so (QA: it promised to send by itself, and a closed page did not).
                        format!("已保存在您的手机上，等待发送（{n} 份）。联网后请在本页稍候，或稍后再次打开本链接，答卷即会发送；请勿清除浏览器数据。")
                    } else {
                        format!("Saved on your phone, waiting to be sent ({n}). Once you are online, stay on this page a moment, or open this link again later, and it is sent; please do not clear the browser data.")
                    },
                    Delivery::Unknown => if zh {
                        "正在发送…".to_string()
                    } else {
                        "Sending…".to_string()
                    },
                }
            }}
        </p>
        {move || match delivery.get() {
            Delivery::Waiting(_, Some(e)) => Some(view! { <p class="cp-send-err" data-testid="cp-send-error">{e}</p> }),
            _ => None,
        }}
    }
}
