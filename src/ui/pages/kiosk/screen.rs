//! The running kiosk: welcome, answering, thank-you and asleep screens; the reset after a
//! submission and after an idle timeout (each customer starts in the kiosk's language); the
//! minimum gap between submissions (answers given too soon are thanked as any, held on the
//! tablet and sent once it has passed); the waiting count; and the discreet corner button that opens the staff PIN pad.
//! A survey that has stopped collecting shows an 'ended' screen with a hint for staff instead
//! of the welcome screen, until it collects again (looked for between customers).

use crate::domain::datefmt::Layout;
use crate::domain::sort::sort_by_key;
use std::time::Duration;

use chrono::NaiveTime;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::staff::Staff;
use crate::domain::survey::{
    asleep_reason, kiosk_state, submit_wait_secs, AsleepReason, Channel, KioskConfig, KioskState,
    OpeningHours, PartialPolicy, Survey, SurveyResponse,
};
use crate::store::{typed, StoreError};
use crate::sync::config::Mode;
use crate::sync::link::{fetch_survey, LinkTarget};
use crate::sync::live;
use crate::ui::components::sync_status::load_config;
use crate::ui::i18n::{initial_lang, show_lang, t2, Lang};
use crate::ui::pages::surveys::answer::SurveyForm;
use crate::ui::pages::surveys::records::{submit_response, SubmitError};
use crate::ui::platform::{
    local_read, local_remove, local_write, new_id, now, now_millis, on_interval,
};
use crate::ui::state::{app, store, AppStore};

use super::device::{self, device_label, waiting_count, KioskDevice};
use super::guard::{enter_fullscreen, keep_awake};
use super::pin::PinPad;
use super::setup::weekday_name;

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Waiting for the next customer.
    Welcome,
    Answering,
    Thanks,
    /// The response could not be stored (storage full, say); the answers wait in `partial`
    /// for another try.
    Failed,
    /// Outside opening hours.
    Asleep,
}

/// How often the kiosk checks its clocks (idle, thank-you, opening hours).
const TICK: Duration = Duration::from_millis(500);
/// How often the waiting count is refreshed besides after each write.
const WAITING_REFRESH_MS: u64 = 15_000;
/// How often a kiosk waiting for a customer looks for a newer version of its survey (with a
/// responses database to look in).
const SURVEY_REFRESH_MS: u64 = 60_000;
/// The PIN pad closes by itself after this long untouched.
const PIN_IDLE_MS: u64 = 30_000;
/// The answers so far of the customer at the kiosk, kept while they answer when the kiosk
/// keeps partial responses: a reload mid-survey then keeps them as one, as an idle reset
/// would. Never written otherwise, and gone on every reset and submission.
const PARTIAL_KEY: &str = "kefu.kiosk.partial";
/// Answers submitted within the minimum gap, complete, oldest first: kept on the tablet until
/// each goes in once the gap has passed (over a reload, the next customer, or staff leaving
/// kiosk mode; QA: the next customer's submit, a reload or a staff exit lost them).
const HELD_KEY: &str = "kefu.kiosk.held";

fn held_write(h: &[SurveyResponse]) {
    if h.is_empty() {
        local_remove(HELD_KEY);
    } else {
        local_write(HELD_KEY, &h);
    }
}

/// Takes a stored response out of the held list kept on the tablet; what is left held.
fn drop_held(id: &str) -> Vec<SurveyResponse> {
    let mut h = local_read::<Vec<SurveyResponse>>(HELD_KEY).unwrap_or_default();
    h.retain(|x| x.id != id);
    held_write(&h);
    h
}

/// Stores one held response under its own survey's version; `Ok` also when it is stored
/// already (a reload after the write, before the list was updated).
async fn store_held(st: &AppStore, r: &SurveyResponse) -> Result<(), SubmitError> {
    let s = typed::load::<Survey, _>(st, &r.survey_id)
        .await
        .map_err(SubmitError::Store)?;
    match submit_response(st, &s, r).await {
        Ok(_) | Err(SubmitError::Store(StoreError::Conflict { .. })) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The opening hours as lines: days sharing the same times are listed together.
fn hours_lines(hours: &[OpeningHours], zh: bool) -> Vec<String> {
    let mut groups: Vec<((NaiveTime, NaiveTime), Vec<&'static str>)> = Vec::new();
    let mut sorted: Vec<&OpeningHours> = hours.iter().collect();
    sort_by_key(&mut sorted, |h| (h.weekday.num_days_from_monday(), h.open));
    for h in sorted {
        let key = (h.open, h.close);
        let name = weekday_name(h.weekday, zh);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, days)) => {
                if !days.contains(&name) {
                    days.push(name)
                }
            }
            None => groups.push((key, vec![name])),
        }
    }
    groups
        .into_iter()
        .map(|((o, c), days)| {
            format!(
                "{} {}–{}",
                days.join(if zh { "、" } else { ", " }),
                o.layout("%H:%M"),
                c.layout("%H:%M")
            )
        })
        .collect()
}

#[component]
pub fn KioskScreen(device: KioskDevice, on_exit: Callback<Staff>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    // Each customer starts in this language; a customer's switch is not remembered.
    let home_lang = device.language.map(Lang::from).unwrap_or_else(initial_lang);
    let use_lang = move |l: Lang| {
        if lang.get_untracked() != l {
            lang.set(l);
        }
        show_lang(l);
    };
    use_lang(home_lang);
    let config = StoredValue::new(device.config.clone());
    let last_submit = RwSignal::new(device.last_submit);
    let survey = RwSignal::new(None::<Result<Survey, String>>);
    let label = RwSignal::new(String::new());
    let phase = RwSignal::new(Phase::Welcome);
    // The answers so far of the customer at the kiosk (from the form's `on_change`).
    let partial = RwSignal::new(None::<SurveyResponse>);
    // Those of a customer interrupted by a reload (read before the effect below clears them).
    let keeps_partial = device.config.partial == PartialPolicy::Keep;
    let interrupted = local_read::<SurveyResponse>(PARTIAL_KEY)
        .filter(|r| keeps_partial && !r.answers.is_empty());
    Effect::new(move |_| match partial.get() {
        Some(r) if keeps_partial && !r.answers.is_empty() => local_write(PARTIAL_KEY, &r),
        _ => local_remove(PARTIAL_KEY),
    });
    let last_touch = StoredValue::new(now_millis());
    let thanks_since = StoredValue::new(0u64);
    let waiting = RwSignal::new(None::<u64>);
    let waiting_at = StoredValue::new(0u64);
    let pin_open = RwSignal::new(false);
    // Seconds before an idle reset while the kiosk asks whether the customer is still there.
    let still_left = RwSignal::new(0u64);
    // The time, as of the last tick (why the kiosk sleeps, read on each).
    let clock = RwSignal::new(now());
    let saving = RwSignal::new(false);
    let held = RwSignal::new(local_read::<Vec<SurveyResponse>>(HELD_KEY).unwrap_or_default());
    // The thanks on screen are for answers held by the minimum gap (said in a neutral line:
    // QA read the refusal, left up for the next customer, as suspicious).
    let held_thanks = RwSignal::new(false);
    let releasing = StoredValue::new(false);
    // After a failed write, the next try waits a little (not every tick).
    let release_after = StoredValue::new(0u64);
    // Futures and timers run without the reactive owner: take the store handle here.
    let db = StoredValue::new_local(store());
    // A storage failure, said on the kiosk itself (it has no staff notice line).
    let problem = RwSignal::new(None::<String>);

    keep_awake();

    // Safe to call from a future that outlives the kiosk: then it does nothing.
    let refresh_waiting = move || {
        let (Some(l), Some(st)) = (label.try_get_untracked(), db.try_get_value()) else {
            return;
        };
        waiting_at.set_value(now_millis());
        if l.is_empty() {
            return;
        }
        spawn_local(async move {
            if let Ok(n) = waiting_count(&st, &l).await {
                // The kiosk may have been left meanwhile.
                waiting.try_set(Some(n));
            }
        });
    };

    // A kiosk pushing to a responses database takes its survey's newer revision from there
    // (staff devices publish every edit to it) while nobody is answering: a corrected
    // question, a new version, or a stop on collecting reaches the lobby without anyone
    // restarting the kiosk. Without one, the copy on this device is read again (another
    // kind of sync may have brought a newer one).
    let survey_at = StoredValue::new(0u64);
    let refresh_survey = move || {
        let (Some(st), Some(Some(Ok(current)))) = (db.try_get_value(), survey.try_get_untracked())
        else {
            return;
        };
        survey_at.set_value(now_millis());
        spawn_local(async move {
            if let Some(cfg) = load_config().await {
                let target = LinkTarget::from_config(&cfg, "", "");
                if let (true, Mode::KioskPush, Some(target)) = (cfg.enabled, cfg.mode, target) {
                    // Unreachable: the copy here stays.
                    let _ = fetch_survey(&st, &live::transport(&cfg), &target, &current.id).await;
                }
            }
            let Ok(newer) = typed::load::<Survey, _>(&st, &current.id).await else {
                return;
            };
            // Not under a customer's hands: the next one gets it.
            if newer.rev != current.rev && phase.try_get_untracked() == Some(Phase::Welcome) {
                survey.try_set(Some(Ok(newer)));
            }
        });
    };

    {
        let survey_id = device.config.survey_id.clone();
        let cfg = device.config.clone();
        let s = db.get_value();
        spawn_local(async move {
            if label.try_set(device_label(&s, &cfg).await).is_some() {
                return;
            }
            refresh_waiting();
            let loaded = typed::load::<Survey, _>(&s, &survey_id)
                .await
                .map_err(|e| e.message(state.zh()));
            // A customer interrupted by a reload: their answers kept as a partial response.
            if let (Some(mut r), Ok(sv)) = (interrupted, &loaded) {
                if r.survey_id == sv.id {
                    let l = label.try_get_untracked().unwrap_or_default();
                    kiosk_fields(&mut r, false, &l, config);
                    match submit_response(&s, sv, &r).await {
                        // The customer did submit: their response is stored under this id.
                        Ok(_) | Err(SubmitError::Store(StoreError::Conflict { .. })) => {}
                        Err(e) => {
                            problem.try_set(Some(e.message(state.zh())));
                        }
                    }
                    refresh_waiting();
                }
            }
            survey.try_set(Some(loaded));
        });
    }

    let awake_now = move || {
        let cal = state.calendar.get_untracked();
        kiosk_state(&config.get_value(), &cal, now()) == KioskState::Awake
    };
    if !awake_now() {
        phase.set(Phase::Asleep);
    }

    // Back to the welcome screen with an empty form, in the kiosk's language. A half-filled
    // survey is saved as a partial response when the configuration says so.
    let reset = move |keep_partial: bool| {
        let given = partial.get_untracked().filter(|r| !r.answers.is_empty());
        partial.set(None);
        still_left.set(0);
        // Between two customers: a newer version of the survey is looked for at once.
        survey_at.set_value(0);
        use_lang(home_lang);
        held_thanks.set(false);
        phase.set(if awake_now() {
            Phase::Welcome
        } else {
            Phase::Asleep
        });
        if let (true, Some(mut r), Some(Ok(s))) = (keep_partial, given, survey.get_untracked()) {
            kiosk_fields(&mut r, false, &label.get_untracked(), config);
            let st = db.get_value();
            spawn_local(async move {
                if let Err(e) = submit_response(&st, &s, &r).await {
                    problem.try_set(Some(e.message(state.zh())));
                }
                refresh_waiting();
            });
        }
    };

    let tick = move || {
        let t = now_millis();
        clock.set(now());
        let cfg = config.get_value();
        let untouched = t.saturating_sub(last_touch.get_value());
        if pin_open.get_untracked() && untouched >= PIN_IDLE_MS {
            pin_open.set(false);
        }
        let left = cfg.idle_left(untouched);
        let idle = left.is_none();
        match phase.get_untracked() {
            Phase::Answering | Phase::Failed => {
                let asking = left.unwrap_or(0);
                let was = still_left.get_untracked();
                if was != asking {
                    still_left.set(asking);
                }
                if was == 0 && asking > 0 {
                    request_animation_frame(|| {
                        crate::ui::platform::focus_id("kiosk-still-here");
                    });
                }
                if idle {
                    reset(cfg.partial == PartialPolicy::Keep);
                }
            }
            Phase::Thanks => {
                if t.saturating_sub(thanks_since.get_value())
                    >= u64::from(cfg.thank_you_secs) * 1000
                {
                    reset(false);
                }
            }
            Phase::Welcome => {
                if !awake_now() {
                    phase.set(Phase::Asleep);
                }
                if t.saturating_sub(survey_at.get_value()) >= SURVEY_REFRESH_MS {
                    refresh_survey();
                }
                // A customer who switched the language and left without starting.
                if idle {
                    use_lang(home_lang);
                }
            }
            Phase::Asleep => {
                if awake_now() {
                    phase.set(Phase::Welcome);
                }
            }
        }
        if t.saturating_sub(waiting_at.get_value()) >= WAITING_REFRESH_MS {
            refresh_waiting();
        }
    };
    on_interval(TICK, tick);

    // The question before an idle reset goes at the next tick (or from its own button): not
    // on this touch's pointerdown, or the tap would land on what lies under it.
    let touched = move || last_touch.set_value(now_millis());
    let start = move |_| {
        touched();
        partial.set(None);
        phase.set(Phase::Answering);
    };

    let submit = move |mut r: SurveyResponse| {
        if saving.get_untracked() {
            return;
        }
        touched();
        let Some(Ok(s)) = survey.get_untracked() else {
            return;
        };
        let cfg = config.get_value();
        let at = now();
        if !held.with_untracked(Vec::is_empty)
            || submit_wait_secs(last_submit.get_untracked(), at, cfg.min_gap_secs) > 0
        {
            // Held, complete, on the tablet: it goes in once the gap has passed (after those
            // held before it), whoever comes next. The customer is thanked as any other, and
            // the kiosk is ready for the next one after the thanks.
            kiosk_fields(&mut r, true, &label.get_untracked(), config);
            held.update(|h| {
                h.push(r);
                held_write(h);
            });
            partial.set(None);
            held_thanks.set(true);
            thanks_since.set_value(now_millis());
            phase.set(Phase::Thanks);
            return;
        }
        kiosk_fields(&mut r, true, &label.get_untracked(), config);
        r.submitted_at = at;
        // Sent as complete: a reload from here on must not keep the answers as a partial too.
        partial.set(None);
        saving.set(true);
        let st = db.get_value();
        spawn_local(async move {
            let saved = submit_response(&st, &s, &r).await;
            saving.set(false);
            match saved {
                Ok(_) => {
                    last_submit.set(Some(at));
                    // The kiosk document keeps the time across reloads and restarts.
                    if let Some(mut d) = device::load(&st).await {
                        d.last_submit = Some(at);
                        let _ = device::save(&st, &d).await;
                    }
                    partial.set(None);
                    problem.set(None);
                    thanks_since.set_value(now_millis());
                    phase.set(Phase::Thanks);
                    refresh_waiting();
                }
                Err(e) => {
                    // Not stored: the answers are kept for another try, not typed again.
                    problem.set(Some(e.message(state.zh())));
                    partial.set(Some(r));
                    phase.set(Phase::Failed);
                }
            }
        });
    };

    let switch_lang = move |_| {
        use_lang(if lang.get_untracked().is_zh() {
            Lang::En
        } else {
            Lang::Zh
        });
    };
    // The failed customer's answers, sent again.
    let retry = move |_| {
        if let Some(r) = partial.get_untracked() {
            submit(r);
        }
    };
    // Held answers go in, oldest first, each once the gap has passed, whatever the screen
    // shows (a customer answering meanwhile is not disturbed).
    on_interval(TICK, move || {
        if releasing.get_value()
            || saving.get_untracked()
            || held.with_untracked(Vec::is_empty)
            || now_millis() < release_after.get_value()
        {
            return;
        }
        let gap = config.get_value().min_gap_secs;
        let at = now();
        if submit_wait_secs(last_submit.get_untracked(), at, gap) > 0 {
            return;
        }
        let Some(mut r) = held.with_untracked(|h| h.first().cloned()) else {
            return;
        };
        r.submitted_at = at;
        releasing.set_value(true);
        let st = db.get_value();
        spawn_local(async move {
            let stored = store_held(&st, &r).await;
            releasing.try_set_value(false);
            match stored {
                Ok(()) => {
                    held.try_set(drop_held(&r.id));
                    last_submit.try_set(Some(at));
                    if let Some(mut d) = device::load(&st).await {
                        d.last_submit = Some(at);
                        let _ = device::save(&st, &d).await;
                    }
                    refresh_waiting();
                }
                Err(e) => {
                    problem.try_set(Some(e.message(state.zh())));
                    release_after.try_set_value(now_millis() + 30_000);
                }
            }
        });
    });
    // Staff leaving kiosk mode: what is held goes in at once (the gap is the customers').
    let exit = Callback::new(move |staff: Staff| {
        let rest = held.get_untracked();
        if !rest.is_empty() {
            let st = db.get_value();
            spawn_local(async move {
                for mut r in rest {
                    r.submitted_at = now();
                    if store_held(&st, &r).await.is_ok() {
                        drop_held(&r.id);
                    }
                }
            });
        }
        on_exit.run(staff);
    });

    let title = move || match survey.get() {
        Some(Ok(s)) => s.title.get(lang.get().is_zh()).to_string(),
        _ => String::new(),
    };

    let body = move || {
        // Labels are reactive closures: a language switch must not re-create the form.
        match (phase.get(), survey.get()) {
            (_, None) => view! { <div class="kiosk-center"><div class="spinner" aria-hidden="true"></div></div> }.into_any(),
            (Phase::Asleep, _) => {
                let lines = move || {
                    let cfg = config.get_value();
                    let zh = lang.get().is_zh();
                    let mut lines = hours_lines(&cfg.opening_hours, zh);
                    if lines.is_empty() {
                        lines.push(if cfg.follow_calendar {
                            lang.get().t("工作日全天", "Working days, all day")
                        } else {
                            lang.get().t("每天全天", "Every day, all day")
                        }.to_string());
                    }
                    if cfg.follow_calendar {
                        lines.push(lang.get().t("法定节假日休息", "Closed on public holidays").to_string());
                    }
                    lines
                };
                // Why it sleeps now, read again on each tick of the kiosk's clock.
                let why = move || {
                    let cal = state.calendar.get();
                    let l = lang.get();
                    match asleep_reason(&config.get_value(), &cal, clock.get()) {
                        Some(AsleepReason::Holiday) => l.t("今天是法定节假日。", "Today is a public holiday."),
                        Some(AsleepReason::DayOff) => l.t("今天是休息日。", "Today is a day off."),
                        Some(AsleepReason::ClosedDate) => l.t("今天暂停服务。", "Closed today."),
                        Some(AsleepReason::OutsideHours) | None => l.t("现在不在服务时间内。", "It is outside opening hours now."),
                    }
                };
                view! {
                    <div class="kiosk-center kiosk-asleep" data-testid="kiosk-asleep">
                        <h1>{t2("暂停服务", "Closed for now")}</h1>
                        <p data-testid="kiosk-asleep-why">{why}</p>
                        <p>{t2("欢迎在服务时间内为我们评价。", "You are welcome to rate our service during opening hours.")}</p>
                        <h2>{t2("服务时间", "Opening hours")}</h2>
                        <ul class="kiosk-hours-list">
                            {move || lines().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any()
            }
            (_, Some(Err(_))) => view! {
                <div class="kiosk-center" data-testid="kiosk-unavailable">
                    <h1>{t2("暂停服务", "Not available")}</h1>
                    <p>{t2("本终端的问卷暂不可用，请联系工作人员。", "This kiosk's survey is not available. Please ask our staff.")}</p>
                </div>
            }.into_any(),
            (Phase::Welcome, Some(Ok(s))) if !s.collecting() => view! {
                <div class="kiosk-center kiosk-ended" data-testid="kiosk-ended">
                    <h1>{title}</h1>
                    <p>{t2("本次问卷调查已结束，感谢您的关注。", "This survey has ended. Thank you for your interest.")}</p>
                    <p class="small muted" data-testid="kiosk-ended-hint">{t2(
                        "工作人员：这份问卷已停止收集。请在问卷页面恢复收集，或输入 PIN 退出后为本终端选择其他问卷。",
                        "Staff: this survey has stopped collecting answers. Collect again on the survey's page, or leave with a PIN and choose another survey for this kiosk.",
                    )}</p>
                </div>
            }.into_any(),
            (Phase::Welcome, Some(Ok(_))) => view! {
                <div class="kiosk-center kiosk-welcome" data-testid="kiosk-welcome">
                    <h1>{title}</h1>
                    <p>{t2("您好！您的评价帮助我们改进服务，约需一分钟。", "Hello! Your opinion helps us serve you better. It takes about a minute.")}</p>
                    {config.with_value(|c| c.counter_staff.clone()).map(|m| view! {
                        <p class="kiosk-counter" data-testid="kiosk-counter">{t2("本窗口服务人员：", "Served at this counter by ")}{m.name}</p>
                    })}
                    <button type="button" class="kiosk-big" on:click=start data-testid="kiosk-begin">
                        {t2("开始评价", "Start")}
                    </button>
                </div>
            }.into_any(),
            (Phase::Answering, Some(Ok(s))) => {
                view! {
                    <div class="kiosk-form" data-testid="kiosk-form">
                        <SurveyForm
                            survey=s
                            lang=lang
                            large=true
                            channel=Channel::Kiosk
                            on_submit=submit
                            on_activity=move |_| touched()
                            on_change=move |r: SurveyResponse| partial.set(Some(r))
                        />
                    </div>
                }.into_any()
            }
            (Phase::Thanks, _) => view! {
                <div class="kiosk-center kiosk-thanks" role="status" data-testid="kiosk-thanks">
                    <h1>{t2("谢谢您的评价！", "Thank you!")}</h1>
                    <p>{t2("我们会认真对待每一条意见。", "We read every opinion carefully.")}</p>
                    {move || held_thanks.get().then(|| view! {
                        <p class="small" data-testid="kiosk-held">{t2("您的评价已保存，稍后将自动提交。", "Your response is saved and will be submitted shortly.")}</p>
                    })}
                </div>
            }.into_any(),
            (Phase::Failed, _) => view! {
                <div class="kiosk-center kiosk-refused" role="alert" data-testid="kiosk-failed">
                    <h1>{t2("抱歉，您的评价暂未保存", "Sorry, your response was not saved")}</h1>
                    <p>{t2(
                        "您的答案已保留，请再提交一次；如仍不成功，请联系工作人员。",
                        "Your answers are kept: please submit again. If it still fails, please ask our staff.",
                    )}</p>
                    <button type="button" class="kiosk-big" on:click=retry disabled=move || saving.get()
                        data-testid="kiosk-submit-again">
                        {t2("再次提交", "Submit again")}
                    </button>
                    <button type="button" class="kiosk-soft" on:click=move |_| reset(false)>
                        {t2("返回首页", "Back to start")}
                    </button>
                    <p class="small muted" data-testid="kiosk-failed-why">
                        {t2("工作人员：", "Staff: ")}{move || problem.get()}
                    </p>
                </div>
            }.into_any(),
        }
    };

    // Whether this tablet sends its answers anywhere: without sync they stay on it, which the
    // count says instead of "waiting to be sent".
    let uploads = RwSignal::new(true);
    spawn_local(async move {
        let on = load_config().await.is_some_and(|c| c.enabled);
        uploads.try_set(on);
    });
    let waiting_text = move || {
        waiting.get().map(|n| {
            let s = if n == 1 { "" } else { "s" };
            match (lang.get().is_zh(), uploads.get()) {
                (true, true) => format!("{n} 份评价待上传"),
                (true, false) => format!("{n} 份评价保存在本机（未设置上传）"),
                (false, true) => format!("{n} response{s} waiting to be sent"),
                (false, false) => format!("{n} response{s} kept on this tablet (no upload set up)"),
            }
        })
    };

    view! {
        <div class="kiosk" data-testid="kiosk"
            on:pointerdown=move |_| touched()
            on:keydown=move |_| touched()
            on:input=move |_| touched()
            on:pointerup=move |_| enter_fullscreen()
            on:contextmenu=move |ev| ev.prevent_default()>
            <button type="button" class="kiosk-exit" data-testid="kiosk-exit"
                aria-label=t2("员工退出", "Staff exit")
                on:click=move |_| { touched(); pin_open.set(true); }>"⋯"</button>
            <main class="kiosk-main">
                // For staff, until a response is stored again (the customer's own screen says
                // what failed to them while they are there).
                {move || problem.get().filter(|_| phase.get() != Phase::Failed).map(|p| view! {
                    <div class="kiosk-problem" role="alert" data-testid="kiosk-problem">
                        {t2("工作人员请注意：最近一份评价未能保存。", "Staff: a recent response could not be saved.")}
                        " " <span class="small">{p}</span>
                    </div>
                })}
                {body}
            </main>
            <footer class="kiosk-foot">
                <span class="kiosk-waiting" data-testid="kiosk-waiting" aria-live="polite">{waiting_text}</span>
                <button type="button" class="kiosk-lang" on:click=switch_lang>
                    {t2("English", "中文")}
                </button>
            </footer>
            <Show when=move || still_left.get() != 0>
                <div class="kiosk-pin-backdrop" data-testid="kiosk-still"
                    on:click=move |_| { touched(); still_left.set(0); }>
                    <div class="kiosk-pin" role="alertdialog" aria-modal="true" aria-labelledby="kiosk-still-h">
                        <h2 id="kiosk-still-h">{t2("您还在吗？", "Are you still there?")}</h2>
                        <p>{move || {
                            let n = still_left.get();
                            lang.get().s(
                                format!("{n} 秒后将返回首页。"),
                                format!("Back to the start in {n} s."),
                            )
                        }}</p>
                        <button type="button" class="kiosk-big" id="kiosk-still-here" data-testid="kiosk-still-here">
                            {t2("继续作答", "Continue")}
                        </button>
                    </div>
                </div>
            </Show>
            {move || pin_open.get().then(|| view! {
                <PinPad
                    exit_ids=config.get_value().exit_staff_ids
                    on_unlock=exit
                    on_cancel=Callback::new(move |_| pin_open.set(false))
                />
            })}
        </div>
    }
}

/// Marks a response from the form as this kiosk's, naming the staff member at its counter if
/// it has one.
fn kiosk_fields(
    r: &mut SurveyResponse,
    complete: bool,
    label: &str,
    config: StoredValue<KioskConfig>,
) {
    if r.id.is_empty() {
        r.id = new_id("response");
    }
    r.channel = Channel::Kiosk;
    r.complete = complete;
    r.device = (!label.is_empty()).then(|| label.to_string());
    r.staff_id = config
        .try_with_value(|c| c.counter_staff.as_ref().map(|m| m.id.clone()))
        .flatten();
}
