//! `KioskSetup`: staff configure this device's kiosk (survey, idle timeout, partial answers,
//! minimum gap, opening hours, thank-you time, device label, the staff member at its counter)
//! and start kiosk mode on it.

use crate::domain::datefmt::Layout;
use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use chrono::{NaiveTime, Weekday};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::domain::calendar::WEEK;
use crate::domain::staff::Staff;
use crate::domain::survey::{CounterStaff, KioskConfig, OpeningHours, PartialPolicy, Survey};
use crate::store::typed;
use crate::ui::boot::set_device_user;
use crate::ui::components::Field;
use crate::ui::data::{active_staff, add_default_survey, all_of};
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::device::{self, kiosk_path, KioskDevice};

/// A weekday's short name.
pub fn weekday_name(d: Weekday, zh: bool) -> &'static str {
    let i = d.num_days_from_monday() as usize;
    if zh {
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i]
    } else {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i]
    }
}

/// The form's fields as typed, turned into a configuration or sentences saying what is wrong.
struct Form {
    survey: String,
    idle: String,
    partial: String,
    gap: String,
    thanks: String,
    always: bool,
    calendar: bool,
    days: [bool; 7],
    open: String,
    close: String,
    label: String,
    /// The counter's staff member's id; empty: a lobby kiosk.
    counter: String,
}

fn secs(text: &str, min: u32, max: u32) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

impl Form {
    /// The configuration, or what is wrong with the form in both languages (Chinese, English:
    /// said in the one shown, also after a switch).
    fn to_config(&self, base: &KioskConfig) -> Result<KioskConfig, Vec<(String, String)>> {
        let mut errs = Vec::new();
        let say = |a: &str, b: &str| (a.to_string(), b.to_string());
        if self.survey.is_empty() {
            errs.push(say("请选择问卷", "Choose a survey"));
        }
        let idle = secs(&self.idle, 10, 3600);
        if idle.is_none() {
            errs.push(say(
                "无操作重置时间须为 10 至 3600 秒",
                "The idle timeout must be 10 to 3600 seconds",
            ));
        }
        let gap = secs(&self.gap, 0, 86_400);
        if gap.is_none() {
            errs.push(say(
                "提交间隔须为 0 至 86400 秒",
                "The gap between submissions must be 0 to 86400 seconds",
            ));
        }
        let thanks = secs(&self.thanks, 1, 120);
        if thanks.is_none() {
            errs.push(say(
                "致谢页停留时间须为 1 至 120 秒",
                "The thank-you screen must stay 1 to 120 seconds",
            ));
        }
        let mut hours = Vec::new();
        if !self.always {
            let open = NaiveTime::parse_from_str(self.open.trim(), "%H:%M").ok();
            let close = NaiveTime::parse_from_str(self.close.trim(), "%H:%M").ok();
            match (open, close) {
                (Some(o), Some(c)) if o < c => {
                    for (i, on) in self.days.iter().enumerate() {
                        if *on {
                            hours.push(OpeningHours {
                                weekday: WEEK[i],
                                open: o,
                                close: c,
                            });
                        }
                    }
                    if hours.is_empty() {
                        errs.push(say(
                            "请至少选择一个营业日",
                            "Choose at least one opening day",
                        ));
                    }
                }
                _ => errs.push(say(
                    "开始时间须早于结束时间",
                    "The opening time must come before the closing time",
                )),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let label = self.label.trim();
        Ok(KioskConfig {
            survey_id: self.survey.clone(),
            idle_timeout_secs: idle.unwrap_or(60),
            partial: if self.partial == "keep" {
                PartialPolicy::Keep
            } else {
                PartialPolicy::Discard
            },
            min_gap_secs: gap.unwrap_or(30),
            opening_hours: hours,
            follow_calendar: self.calendar,
            thank_you_secs: thanks.unwrap_or(8),
            device: (!label.is_empty()).then(|| label.to_string()),
            // Named from the staff list when saved (`submit`).
            counter_staff: (!self.counter.is_empty()).then(|| CounterStaff {
                id: self.counter.clone(),
                name: String::new(),
            }),
            ..base.clone()
        })
    }
}

/// The staff form configuring kiosk mode on this device. `survey` preselects a survey.
#[component]
pub fn KioskSetup(
    #[prop(optional, into)] survey: Option<String>,
    /// Called with the saved device document when kiosk mode starts (the kiosk page uses it
    /// to switch to the kiosk without a reload).
    #[prop(optional)]
    on_started: Option<Callback<KioskDevice>>,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let navigate = use_navigate();
    // Futures run without the reactive owner: take the store handle here.
    let db = StoredValue::new_local(store());

    let surveys = Res::new(move || {
        state.changes.track();
        let st = db.get_value();
        async move {
            let mut v = all_of::<Survey>(&st)
                .await
                .map(|(v, _)| v)
                .unwrap_or_default();
            sort_by(&mut v, |a, b| a.id.cmp(&b.id));
            // A survey that has stopped collecting is not offered (its kiosk would only say
            // it has ended); which they are, for the hints.
            let stopped: Vec<String> = v
                .iter()
                .filter(|s| !s.collecting())
                .map(|s| s.id.clone())
                .collect();
            v.retain(|s| s.collecting());
            (v, stopped)
        }
    });

    // Active staff, for the counter's staff member.
    let staff = Res::new(move || {
        state.changes.track();
        let st = db.get_value();
        async move { active_staff(&st).await }
    });

    let base = StoredValue::new(KioskConfig::new(""));
    // The survey the address asked for (`/kiosk/<survey>`), if any.
    let asked = survey.filter(|s| !s.is_empty());
    let chosen = RwSignal::new(asked.clone().unwrap_or_default());
    let idle = RwSignal::new(String::new());
    let partial = RwSignal::new("discard".to_string());
    let gap = RwSignal::new(String::new());
    let thanks = RwSignal::new(String::new());
    let always = RwSignal::new(false);
    let calendar = RwSignal::new(true);
    let days: [RwSignal<bool>; 7] = std::array::from_fn(|_| RwSignal::new(false));
    let open = RwSignal::new(String::new());
    let close = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let counter = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);

    let fill = move |c: &KioskConfig| {
        if chosen.get_untracked().is_empty() {
            chosen.set(c.survey_id.clone());
        }
        idle.set(c.idle_timeout_secs.to_string());
        partial.set(
            if c.partial == PartialPolicy::Keep {
                "keep"
            } else {
                "discard"
            }
            .into(),
        );
        gap.set(c.min_gap_secs.to_string());
        thanks.set(c.thank_you_secs.to_string());
        always.set(c.opening_hours.is_empty());
        calendar.set(c.follow_calendar);
        // Always awake: the default days and times stand ready for unticking it.
        let hours = if c.opening_hours.is_empty() {
            KioskConfig::new("").opening_hours
        } else {
            c.opening_hours.clone()
        };
        for (i, d) in WEEK.iter().enumerate() {
            days[i].set(hours.iter().any(|h| h.weekday == *d));
        }
        let first = hours.first();
        let t = |t: NaiveTime| t.layout("%H:%M");
        open.set(first.map(|h| t(h.open)).unwrap_or_else(|| "09:00".into()));
        close.set(first.map(|h| t(h.close)).unwrap_or_else(|| "17:00".into()));
        label.set(c.device.clone().unwrap_or_default());
        counter.set(
            c.counter_staff
                .as_ref()
                .map(|m| m.id.clone())
                .unwrap_or_default(),
        );
    };
    fill(&KioskConfig::new(""));
    // Whether this device's own settings have been read (they name its survey).
    let device_read = RwSignal::new(false);
    let st = db.get_value();
    spawn_local(async move {
        let saved = device::load(&st).await;
        // The form may be gone by now (e.g. kiosk mode started or left meanwhile).
        if chosen.try_get_untracked().is_none() {
            return;
        }
        if let Some(d) = saved {
            base.set_value(d.config.clone());
            fill(&d.config);
        }
        device_read.set(true);
    });
    // When none (or one not offered) is chosen, once this device's settings are read: the
    // survey this device ran, if it still collects; else, for an address that named a survey
    // not offered, none (staff choose, rather than start on a survey they did not pick); else
    // the first.
    let asked_here = asked.clone();
    Effect::new(move |_| {
        if let (Some((list, stopped)), true) = (surveys.get(), device_read.get()) {
            let offered = |id: &str| list.iter().any(|s| s.id == id);
            if offered(&chosen.get_untracked()) {
                return;
            }
            let own = base.with_value(|b| b.survey_id.clone());
            chosen.set(if offered(&own) {
                own
            } else if asked_here.is_some() || stopped.contains(&own) {
                String::new()
            } else {
                list.first().map(|s| s.id.clone()).unwrap_or_default()
            });
        }
    });

    // What is said of a survey that cannot be run: the one the address names, or (nothing
    // named) the one this device ran, stopped since.
    let asked_note = asked;
    let unusable = move || -> Option<(&'static str, &'static str)> {
        let (list, stopped) = surveys.get()?;
        let offered = |id: &str| list.iter().any(|s| s.id == id);
        match asked_note.as_deref() {
            Some(a) if offered(a) => None,
            Some(a) if stopped.iter().any(|s| s == a) => Some((
                "地址中的问卷已停止收集答卷，请确认下面所选的问卷。",
                "The survey in the address has stopped collecting answers: check the survey chosen below.",
            )),
            Some(_) => Some((
                "找不到地址中的问卷，请检查链接，并确认下面所选的问卷。",
                "The survey in the address was not found: check the link, and the survey chosen below.",
            )),
            None => {
                let own = device_read
                    .get()
                    .then(|| base.with_value(|b| b.survey_id.clone()))?;
                stopped.contains(&own).then_some((
                    "本设备上次使用的问卷已停止收集答卷，请另选一份。",
                    "The survey this device ran has stopped collecting answers: choose another.",
                ))
            }
        }
    };

    // A counter's staff member deactivated (or removed) since is not offered: the choice falls
    // back to nobody, as the list then shows it, and the kiosk can be started again.
    Effect::new(move |_| {
        let (Some(list), c) = (staff.get(), counter.get()) else {
            return;
        };
        if !c.is_empty() && !list.iter().any(|m| m.id == c) {
            counter.set(String::new());
        }
    });

    let form = move || Form {
        survey: chosen.get_untracked(),
        idle: idle.get_untracked(),
        partial: partial.get_untracked(),
        gap: gap.get_untracked(),
        thanks: thanks.get_untracked(),
        always: always.get_untracked(),
        calendar: calendar.get_untracked(),
        days: std::array::from_fn(|i| days[i].get_untracked()),
        open: open.get_untracked(),
        close: close.get_untracked(),
        label: label.get_untracked(),
        counter: counter.get_untracked(),
    };

    let create_default = move |_| {
        let s = db.get_value();
        let by = state.user.get_untracked().map(|u| u.name);
        spawn_local(async move {
            match add_default_survey(&s, by).await {
                Ok(survey) => {
                    chosen.set(survey.id.clone());
                    state.tell("已创建默认问卷", "The default survey was created");
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };

    // Saves the configuration; `start` also locks the device and opens the kiosk.
    let submit = move |start: bool| {
        if busy.get_untracked() {
            return;
        }
        let mut config = match form().to_config(&base.get_value()) {
            Ok(c) => c,
            Err(e) => {
                errors.set(e);
                return;
            }
        };
        busy.set(true);
        let navigate = navigate.clone();
        let s = db.get_value();
        spawn_local(async move {
            // A tablet left in the lobby for weeks: its kiosk lock and unsent answers are kept
            // under storage pressure (the browser may refuse; the kiosk runs either way).
            if start {
                let _ = crate::ui::state::AppStore::request_persistence().await;
            }
            let mut errs = Vec::new();
            match typed::load::<Survey, _>(&s, &config.survey_id).await {
                Err(_) => errs.push(
                    ("所选问卷不存在".to_string(), "The chosen survey does not exist".to_string()),
                ),
                Ok(sv) if !sv.collecting() => errs.push(("所选问卷已停止收集，请先在问卷页面恢复收集，或选择其他问卷".to_string(), "The chosen survey has stopped collecting answers: collect again on its page first, or choose another survey".to_string())),
                Ok(_) => {}
            }
            let staff = all_of::<Staff>(&s)
                .await
                .map(|(v, _)| v)
                .unwrap_or_default();
            if let Some(c) = config.counter_staff.as_mut() {
                match staff.iter().find(|m| m.id == c.id && m.active) {
                    Some(m) => c.name = m.name.clone(),
                    None => errs.push(("所选窗口服务人员已停用或不在员工名单中".to_string(), "The counter's staff member chosen is deactivated or no longer on the staff list".to_string())),
                }
            }
            if start {
                let can_exit = staff.iter().any(|m| {
                    m.active && (config.exit_staff_ids.is_empty() || config.may_exit(&m.id))
                });
                if !can_exit {
                    errs.push(("请先在“设置”中添加员工：退出自助模式需要员工 PIN".to_string(), "Add a staff member in Settings first: leaving kiosk mode needs a staff PIN".to_string()));
                }
            }
            if !errs.is_empty() {
                errors.set(errs);
                busy.set(false);
                return;
            }
            errors.set(Vec::new());
            // Nobody stays signed in on an unattended lobby tablet: whoever leaves kiosk mode
            // later is signed in by their PIN then.
            if start {
                if let Err(e) = set_device_user(state, &s, None).await {
                    errors.set(vec![(e.message(true), e.message(false))]);
                    busy.set(false);
                    return;
                }
            }
            let previous = device::load(&s).await;
            let d = KioskDevice {
                locked: start,
                config: config.clone(),
                last_submit: previous.and_then(|p| p.last_submit),
                language: Some(lang.get_untracked().into()),
            };
            let saved = device::save(&s, &d).await;
            let d = d.clone();
            busy.set(false);
            match saved {
                Ok(()) => {
                    base.set_value(config.clone());
                    if start {
                        if let Some(cb) = on_started {
                            cb.run(d.clone());
                        }
                        navigate(&kiosk_path(&config.survey_id), NavigateOptions::default());
                    } else {
                        state.tell("自助终端设置已保存", "Kiosk settings saved");
                    }
                }
                Err(e) => errors.set(vec![(e.message(true), e.message(false))]),
            }
        });
    };
    let submit_start = submit.clone();

    view! {
        <section class="panel kiosk-setup" id="kiosk" aria-labelledby="kiosk-setup-h">
            <h2 id="kiosk-setup-h">{t2("大堂自助评价终端", "Lobby kiosk")}</h2>
            <p class="muted small">{t2(
                "将本设备锁定为只显示一份问卷的自助终端：全屏、触控，答完自动重置；退出需员工 PIN。设置只保存在本设备。",
                "Lock this device to one survey for customers in the lobby: full screen, touch, resets after each customer; leaving needs a staff PIN. These settings stay on this device.",
            )}</p>
            <div class="fields">
                <Field id="kiosk-survey" label=t2("问卷", "Survey")>
                    <select id="kiosk-survey" bind:value=chosen>
                        <option value="">{t2("— 请选择 —", "— choose —")}</option>
                        {move || surveys.get().map(|(list, _)| list.into_iter().map(|s| {
                            let title = s.title.clone();
                            let id = s.id.clone();
                            view! { <option value=id.clone() selected=move || chosen.get() == id>
                                {move || title.get(lang.get().is_zh()).to_string()}
                            </option> }
                        }).collect_view())}
                    </select>
                    {move || unusable().map(|(zh, en)| view! {
                        <span class="err small" role="status" data-testid="kiosk-asked-missing">{move || lang.get().t(zh, en)}</span>
                    })}
                    {move || surveys.get().filter(|(l, _)| l.is_empty()).map(|(_, stopped)| stopped.len()).map(|stopped| view! {
                        <div class="row">
                            <span class="hint" data-testid="kiosk-no-survey">{move || if stopped == 0 {
                                lang.get().t("还没有问卷。", "There is no survey yet.")
                            } else {
                                lang.get().t("没有正在收集答卷的问卷（已停止收集的问卷不能用于自助终端）。", "No survey is collecting answers (a survey that has stopped cannot be used on a kiosk).")
                            }}</span>
                            <button type="button" on:click=create_default data-testid="kiosk-create-default">
                                {t2("创建默认问卷", "Create the default survey")}
                            </button>
                        </div>
                    })}
                </Field>
                <Field id="kiosk-idle" label=t2("无操作多少秒后重置", "Reset after idle (seconds)")>
                    <input id="kiosk-idle" inputmode="numeric" bind:value=idle/>
                </Field>
                <Field id="kiosk-partial" label=t2("未答完的问卷", "Half-filled answers")>
                    <select id="kiosk-partial" bind:value=partial>
                        <option value="discard">{t2("丢弃", "Discard")}</option>
                        <option value="keep">{t2("保存为未完成答卷", "Keep as a partial response")}</option>
                    </select>
                </Field>
                <Field id="kiosk-gap" label=t2("两次提交最短间隔（秒）", "Minimum gap between submissions (s)")>
                    <input id="kiosk-gap" inputmode="numeric" bind:value=gap/>
                </Field>
                <Field id="kiosk-thanks" label=t2("致谢页停留（秒）", "Thank-you screen (seconds)")>
                    <input id="kiosk-thanks" inputmode="numeric" bind:value=thanks/>
                </Field>
                <Field id="kiosk-device" label=t2("终端名称（记入答卷）", "Kiosk name (stored with responses)")>
                    <input id="kiosk-device" bind:value=label maxlength="40"
                        placeholder=move || lang.get().t("例如：一楼大堂", "e.g. Ground-floor lobby")/>
                </Field>
                <Field id="kiosk-counter" label=t2("窗口服务人员（放在柜台时）", "Staff at this counter (on a counter)")>
                    <select id="kiosk-counter" prop:value=move || counter.get()
                        on:change=move |ev| counter.set(event_target_value(&ev))>
                        <option value="">{t2("无（大堂终端，评价不记入个人）", "Nobody (lobby kiosk: answers name nobody)")}</option>
                        {move || staff.get().unwrap_or_default().into_iter().map(|m| {
                            let selected = counter.get_untracked() == m.id;
                            view! { <option value=m.id.clone() selected=selected>{m.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </Field>
            </div>
            <fieldset class="kiosk-hours">
                <legend>{t2("服务时间（其余时间终端休眠）", "Opening hours (asleep otherwise)")}</legend>
                <label class="row">
                    <input type="checkbox" id="kiosk-always" bind:checked=always/>
                    {t2("全天候服务", "Always awake")}
                </label>
                <div class="row" class:muted=move || always.get()>
                    {WEEK.iter().enumerate().map(|(i, d)| {
                        let d = *d;
                        let sig = days[i];
                        view! {
                            <label class="kiosk-day">
                                <input type="checkbox" id=format!("kiosk-day-{i}") bind:checked=sig
                                    disabled=move || always.get()/>
                                {move || weekday_name(d, lang.get().is_zh())}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <div class="row">
                    <label for="kiosk-open">{t2("开始", "Opens")}</label>
                    <input id="kiosk-open" type="time" bind:value=open disabled=move || always.get()/>
                    <label for="kiosk-close">{t2("结束", "Closes")}</label>
                    <input id="kiosk-close" type="time" bind:value=close disabled=move || always.get()/>
                </div>
                <label class="row">
                    <input type="checkbox" id="kiosk-calendar" bind:checked=calendar/>
                    {t2("节假日休眠（按工作日历）", "Asleep on days off (working calendar)")}
                </label>
                <p class="hint" data-testid="kiosk-calendar-hint">{move || if calendar.get() {
                    lang.get().t(
                        "法定节假日暂停服务；周末也暂停服务，调休上班日和上方选中的周六、周日除外。",
                        "Asleep on public holidays, and at weekends except on make-up working days and on a Saturday or Sunday ticked above.",
                    )
                } else {
                    lang.get().t(
                        "不按工作日历：节假日照常服务，只按上方的服务时间。",
                        "Not following the calendar: awake on public holidays too, by the hours above alone.",
                    )
                }}</p>
            </fieldset>
            <div role="alert"><ul class="err" data-testid="kiosk-setup-errors">
                {move || {
                    let zh = lang.get().is_zh();
                    errors.get().into_iter().map(|(z, e)| view! { <li>{if zh { z } else { e }}</li> }).collect_view()
                }}
            </ul></div>
            <div class="actions">
                <button type="button" on:click=move |_| submit(false) disabled=move || busy.get()>
                    {t2("保存设置", "Save settings")}
                </button>
                <button type="button" class="primary" on:click=move |_| submit_start(true)
                    disabled=move || busy.get() data-testid="kiosk-start">
                    {t2("在本设备启动自助模式", "Start kiosk mode on this device")}
                </button>
            </div>
        </section>
    }
}
