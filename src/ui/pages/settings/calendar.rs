//! The working-day calendar: public holidays and make-up working days (调休) per year, editable.
//! Every deadline of the desk counts in it.

use crate::domain::datefmt::Layout;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::calendar::{DayKind, SpecialDay, WorkingCalendar, SOURCE_2026};
use crate::domain::settings::CalendarChange;
use crate::ui::boot::{branch_settings, update_branch_settings};
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::repo::refresh_deadlines;
use crate::ui::platform::{now, window};
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

use super::{admin, admin_check_now, AdminNote};

/// A change of one day: what it becomes.
#[derive(Clone, Debug, PartialEq)]
enum DayEdit {
    Holiday {
        zh: String,
        en: String,
    },
    Makeup {
        zh: String,
        en: String,
    },
    Removed,
    /// The year's official notice marked as entered (true) or not (false): the date is the
    /// year's first day.
    Table(bool),
}

impl DayEdit {
    fn key(&self) -> &'static str {
        match self {
            DayEdit::Holiday { .. } => "holiday",
            DayEdit::Makeup { .. } => "makeup",
            DayEdit::Removed => "removed",
            DayEdit::Table(true) => "table",
            DayEdit::Table(false) => "untable",
        }
    }
    fn apply(&self, c: &mut WorkingCalendar, d: NaiveDate) {
        match self {
            DayEdit::Holiday { zh, en } => c.set_holiday(d, zh, en),
            DayEdit::Makeup { zh, en } => c.set_makeup_workday(d, zh, en),
            DayEdit::Removed => {
                c.clear_day(d);
            }
            DayEdit::Table(true) => c.mark_table_entered(d.year(), "staff"),
            DayEdit::Table(false) => {
                c.unmark_table(d.year());
            }
        }
    }
}

/// Changes day `d` of the calendar, with a line in the calendar's change log naming who.
fn save(d: NaiveDate, edit: DayEdit) {
    let state = app();
    spawn_local(async move {
        if let Err(msg) = admin_check_now().await {
            state.warn(msg);
            return;
        }
        let (by, by_name) = state
            .user
            .get_untracked()
            .map(|u| (u.id, u.name))
            .unwrap_or_default();
        let change = CalendarChange {
            at: now(),
            by,
            by_name,
            date: d,
            became: edit.key().into(),
        };
        match update_branch_settings(&store(), |s| {
            edit.apply(&mut s.calendar, d);
            s.calendar_changes.push(change);
        })
        .await
        {
            Ok(saved) => {
                // Open cases' listed deadlines follow the calendar (the due counts and
                // filters read them).
                let relisted = refresh_deadlines(&store(), &saved.calendar).await;
                state.calendar.set(saved.calendar);
                match relisted {
                    Ok(0) => state.tell("日历已保存", "Calendar saved"),
                    Ok(n) => state.tell(
                        format!("日历已保存，{n} 件未办结投诉的处理时限已按新日历重新计算"),
                        format!("Calendar saved; the deadlines of {n} open complaints were recalculated"),
                    ),
                    Err(e) => state.warn_with(|zh| e.message(zh)),
                }
            }
            Err(e) => state.warn_with(|zh| e.message(zh)),
        }
    });
}

#[component]
pub fn CalendarSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let year = RwSignal::new(now().year());
    let date = RwSignal::new(String::new());
    let kind = RwSignal::new("holiday".to_string());
    let name_zh = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    // The day being entered survives a reload.
    let _ = crate::ui::components::keep_typed(
        "kefu.settings.calendar-form",
        vec![
            ("date", date),
            ("kind", kind),
            ("zh", name_zh),
            ("en", name_en),
        ],
    );
    let error = RwSignal::new(None::<String>);
    // Why the year's notice cannot be marked entered yet.
    let mark_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        year.track();
        mark_error.set(None);
    });
    // A change of a day already past, waiting for a yes: it moves deadlines already counted
    // and the figures of its month, perhaps in a report already sent.
    let past = RwSignal::new(None::<(NaiveDate, DayEdit)>);
    let admin = admin();
    let allowed = move || admin.allowed();

    let days = move || {
        let y = year.get();
        state.calendar.with(|c| {
            c.days
                .iter()
                .filter(|(d, _)| d.year() == y)
                .map(|(d, s)| (*d, s.clone()))
                .collect::<Vec<_>>()
        })
    };
    let covered = move || state.calendar.with(|c| c.covers(year.get()));
    // The days the law adds to a year whose notice is not entered (not editable here).
    let by_law = move || state.calendar.with(|c| c.statutory_days(year.get()));
    let shipped = move || {
        state
            .calendar
            .with(|c| c.tables.get(&year.get()).map(String::as_str) == Some(SOURCE_2026))
    };
    // Marking the year's notice as entered (or not): asked first, as it changes which days
    // count.
    let mark = move |entered: bool| {
        let l = lang.get_untracked();
        let y = year.get_untracked();
        // A notice always gives the law's own days: marked with them missing, 元旦 and 春节
        // stopped counting and cases met their limits late (QA).
        let missing = state
            .calendar
            .with_untracked(|c| c.statutory_not_entered(y));
        if entered && !missing.is_empty() {
            let (zh, en): (Vec<String>, Vec<String>) = missing
                .iter()
                .take(3)
                .map(|(d, z, e)| {
                    (
                        format!("{z} {}", d.format("%m-%d")),
                        format!("{e} {}", d.format("%m-%d")),
                    )
                })
                .unzip();
            let more = if missing.len() > 3 { "…" } else { "" };
            mark_error.set(Some(l.s(
                format!("{y}年的法定节假日还没有全部录入为放假（{}{more}，共 {} 天）：请按通知录入全部放假日期后再标记。", zh.join("、"), missing.len()),
                format!("Not all of {y}'s statutory holidays are entered as holidays ({}{more}; {} days): enter every day off of the notice first, then mark it.", en.join(", "), missing.len()),
            )));
            return;
        }
        mark_error.set(None);
        // Days already past change too: said, as for a past day.
        let past_note = if y <= now().date().year() {
            l.s(
                format!("{y}年已经过去的日期也会按录入的日期重新计算：这些日子前后受理的投诉的时限是否超时、该月的月度报告统计（可能已报送经纪业务总部）都可能改变。"),
                format!(" Days of {y} already past are counted again from the days entered: whether complaints received around them met their limits, and the figures of those months' reports (perhaps already sent to head office), may change."),
            )
        } else {
            String::new()
        };
        let question = if entered {
            l.s(
                format!("确认已按国务院办公厅通知录入{y}年的全部放假和调休上班日期？标记后，不再自动计入法定节假日，{y}年的期限只按已录入的日期计算。{past_note}"),
                format!("Have all the holidays and make-up working days of {y} been entered from the State Council notice? Once marked, the law's holidays are no longer added: {y}'s deadlines count only the days entered.{past_note}"),
            )
        } else {
            l.s(
                format!("将{y}年标记为尚未录入官方放假安排？法定节假日将重新自动计入。"),
                format!("Mark {y}'s official notice as not entered? The law's holidays are added again."),
            )
        };
        if window().confirm_with_message(&question).unwrap_or(false) {
            if let Some(first) = NaiveDate::from_ymd_opt(y, 1, 1) {
                save(first, DayEdit::Table(entered));
            }
        }
    };

    // The question about a past day comes under the year's table: the keyboard and the view
    // go to it (QA: it appeared 1,100 px below the screen, and nothing seemed to happen).
    let ask_past = move |d: NaiveDate, edit: DayEdit| {
        past.set(Some((d, edit)));
        request_animation_frame(|| crate::ui::platform::focus_id("cal-past-confirm"));
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let Ok(d) = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d") else {
            error.set(Some(l.s("请选择日期", "Choose a date")));
            return;
        };
        let zh = name_zh.get_untracked().trim().to_string();
        let en = name_en.get_untracked().trim().to_string();
        // The Chinese name is the calendar's (the change log's, the care page's holidays): an
        // English one alone went in as the Chinese too (QA).
        if zh.is_empty() {
            error.set(Some(l.s(
                "请填写中文名称（如 春节）",
                "Enter the Chinese name (e.g. 春节)",
            )));
            return;
        }
        let makeup = kind.get_untracked() == "makeup";
        if makeup && !matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            error.set(Some(l.s(
                "调休上班日应为周末",
                "A make-up working day falls on a weekend",
            )));
            return;
        }
        // No notice makes a day of the law's own a working day: 02-06 typed for 02-20 turned
        // the first day of the Spring Festival into one, without a word (QA).
        if let Some((law_zh, law_en)) = makeup
            .then(|| crate::domain::calendar::statutory(d))
            .flatten()
        {
            error.set(Some(l.s(
                format!("{d} 是法定节假日（{law_zh}），不能设为调休上班日"),
                format!(
                    "{d} is a public holiday by law ({law_en}) and cannot be a make-up working day"
                ),
            )));
            return;
        }
        error.set(None);
        let edit = if makeup {
            DayEdit::Makeup { zh, en }
        } else {
            DayEdit::Holiday { zh, en }
        };
        if d < now().date() {
            ask_past(d, edit);
        } else {
            save(d, edit);
        }
        // The next day starts blank: names left in the boxes went in with it (a make-up day of
        // 春节 saved as "New Year's Day" in English: QA).
        date.set(String::new());
        name_zh.set(String::new());
        name_en.set(String::new());
    };
    let remove = move |d: NaiveDate| {
        if d < now().date() {
            ask_past(d, DayEdit::Removed);
        } else {
            save(d, DayEdit::Removed);
        }
    };
    let changes = Res::new(move || {
        state.changes.track();
        async move { branch_settings(&store()).await.calendar_changes }
    });

    view! {
        <section class="panel" aria-labelledby="cal-h" data-testid="calendar-section">
            <h2 id="cal-h">{t2("工作日历", "Working-day calendar")}</h2>
            <p class="muted small">{t2(
                "期限按工作日计算（含受理日）。调休上班日算工作日，但交易所不开市，不算交易日。",
                "Deadlines count working days, the day of receipt being day 1. A make-up working day counts as a working day but not as a trading day: the exchanges stay closed.")}</p>
            <AdminNote/>
            <div class="row">
                <button type="button" on:click=move |_| year.update(|y| *y -= 1) aria-label=t2("上一年", "Previous year")>"‹"</button>
                <strong data-testid="cal-year">{move || year.get()}</strong>
                <button type="button" on:click=move |_| year.update(|y| *y += 1) aria-label=t2("下一年", "Next year")>"›"</button>
                {move || (!covered()).then(|| view! {
                    <span class="badge warn long" data-testid="cal-not-entered">{t2("本年度尚未录入官方放假安排", "This year's official holiday notice has not been entered")}</span>
                })}
            </div>
            {move || if covered() {
                (!shipped()).then(|| view! {
                    <p class="small muted row">{t2("本年度官方放假安排已录入。", "This year's official notice is entered.")}
                        <button type="button" class="link" data-testid="cal-unmark" disabled=move || !allowed()
                            on:click=move |_| mark(false)>{t2("标记为尚未录入", "Mark as not entered")}</button>
                    </p>
                }).into_any()
            } else {
                view! {
                    <p class="small muted">{t2(
                        "录入官方通知前，按《全国年节及纪念日放假办法》计入法定节假日，适逢周末的在其后的工作日补假（下表标为“依法”）；调休上班日须按通知录入。",
                        "Until the notice is entered, the statutory holidays of the law are counted, each that falls on a weekend made up on a weekday after it (marked \"by law\" below); make-up working days must be entered from the notice.",
                    )}
                        " "<button type="button" class="link" data-testid="cal-mark" disabled=move || !allowed()
                            on:click=move |_| mark(true)>{t2("已按通知录入本年度安排", "The year's notice is entered")}</button>
                    </p>
                    {move || mark_error.get().map(|m| view! { <p class="err" role="alert" data-testid="cal-mark-err">{m}</p> })}
                }.into_any()
            }}
            <div class="table-wrap" style="margin-top:8px">
                <table data-testid="cal-days">
                    <thead><tr><th>{t2("日期", "Date")}</th><th>{t2("类型", "Kind")}</th><th>{t2("名称", "Name")}</th><th><span class="sr-only">{t2("操作", "Actions")}</span></th></tr></thead>
                    <tbody>
                        {move || {
                            let mut rows: Vec<(NaiveDate, SpecialDay, bool)> =
                                days().into_iter().map(|(d, s)| (d, s, false)).collect();
                            rows.extend(by_law().into_iter().map(|(d, s)| (d, s, true)));
                            rows.sort_by_key(|r| r.0);
                            rows
                        }.into_iter().map(|(d, s, law)| {
                            let zh = lang.get().is_zh();
                            let kind_label = match (s.kind, zh) {
                                (DayKind::Holiday, true) => "放假",
                                (DayKind::Holiday, false) => "Holiday",
                                (DayKind::MakeupWorkday, true) => "调休上班",
                                (DayKind::MakeupWorkday, false) => "Make-up working day",
                            };
                            let name = if zh || s.name_en.is_empty() { s.name_zh.clone() } else { s.name_en.clone() };
                            view! { <tr>
                                <td>{d.layout("%Y-%m-%d")}</td>
                                <td><span class=if s.kind == DayKind::Holiday { "badge info" } else { "badge warn" }>{kind_label}</span></td>
                                <td>{name}</td>
                                <td>{if law {
                                    view! { <span class="muted small" data-testid="cal-by-law">{t2("依法", "by law")}</span> }.into_any()
                                } else {
                                    view! { <button type="button" class="link" disabled=move || !allowed() on:click=move |_| remove(d)>{t2("删除", "Remove")}</button> }.into_any()
                                }}</td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || past.get().map(|(d, edit)| view! {
                <div class="warn-box" role="alert" data-testid="cal-past"
                    on:keydown=move |ev| if ev.key() == "Escape" { past.set(None); }>
                    <p>{move || if lang.get().is_zh() {
                        format!("{} 已经过去。修改过去的日期会改变这一天前后受理的投诉的处理时限是否超时，以及该月的月度报告统计（可能已报送经纪业务总部）。此修改将记入日历的修改记录。", d.layout("%Y-%m-%d"))
                    } else {
                        format!("{} is in the past. Changing a past day changes whether complaints received around it met their limits, and the figures of that month's report (perhaps already sent to head office). The change is kept in the calendar's change log.", d.layout("%Y-%m-%d"))
                    }}</p>
                    <div class="actions">
                        <button type="button" class="primary" id="cal-past-confirm" data-testid="cal-past-confirm" on:click={
                            let edit = edit.clone();
                            move |_| { past.set(None); save(d, edit.clone()); }
                        }>{t2("确认修改", "Change it")}</button>
                        <button type="button" on:click=move |_| past.set(None)>{t2("取消", "Cancel")}</button>
                    </div>
                </div>
            })}
            <form on:submit=add style="margin-top:12px">
                <fieldset class="plain" disabled=move || !allowed()>
                <div class="fields">
                    <Field id="cal-date" label=t2("日期", "Date") error=Signal::derive(move || error.get())>
                        <input id="cal-date" type="date" bind:value=date/>
                    </Field>
                    <Field id="cal-kind" label=t2("类型", "Kind")>
                        <select id="cal-kind" bind:value=kind>
                            <option value="holiday">{t2("放假", "Holiday")}</option>
                            <option value="makeup">{t2("调休上班", "Make-up working day")}</option>
                        </select>
                    </Field>
                    <Field id="cal-zh" label=t2("名称（中文）", "Name (Chinese)")><input id="cal-zh" bind:value=name_zh/></Field>
                    <Field id="cal-en" label=t2("名称（英文）", "Name (English)")><input id="cal-en" bind:value=name_en/></Field>
                </div>
                <div class="actions"><button type="submit">{t2("添加日期", "Add the date")}</button></div>
                </fieldset>
            </form>
            {move || {
                let list = changes.get().unwrap_or_default();
                (!list.is_empty()).then(|| {
                    let zh = lang.get().is_zh();
                    view! {
                        <details data-testid="cal-changes">
                            <summary>{t2("修改记录", "Change log")}</summary>
                            <ul class="small">
                                {list.into_iter().rev().take(50).map(|c| {
                                    let became = match (c.became.as_str(), zh) {
                                        ("holiday", true) => "放假",
                                        ("holiday", false) => "holiday",
                                        ("makeup", true) => "调休上班",
                                        ("makeup", false) => "make-up working day",
                                        ("table", true) => "本年度官方放假安排已录入",
                                        ("table", false) => "the year's official notice entered",
                                        ("untable", true) => "本年度官方放假安排标记为尚未录入",
                                        ("untable", false) => "the year's official notice marked as not entered",
                                        (_, true) => "删除",
                                        (_, false) => "removed",
                                    };
                                    let who = match (c.by_name.is_empty(), c.by.is_empty()) {
                                        (false, _) => c.by_name.clone(),
                                        (true, false) => c.by.clone(),
                                        (true, true) => "—".to_string(),
                                    };
                                    let day = if c.became.ends_with("table") { c.date.layout("%Y") } else { c.date.layout("%Y-%m-%d") };
                                    view! { <li>{format!("{} · {} · {} → {}", c.at.layout("%Y-%m-%d %H:%M"), who, day, became)}</li> }
                                }).collect_view()}
                            </ul>
                        </details>
                    }
                })
            }}
        </section>
    }
}
