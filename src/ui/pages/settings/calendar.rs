//! The working-day calendar: public holidays and make-up working days (调休) per year, editable.
//! Every deadline of the desk counts in it.

use crate::domain::datefmt::Layout;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::calendar::{DayKind, WorkingCalendar};
use crate::ui::boot::update_branch_settings;
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::repo::refresh_deadlines;
use crate::ui::platform::now;
use crate::ui::state::{app, store};

use super::{admin, admin_check_now, AdminNote};

fn save(change: impl FnOnce(&mut WorkingCalendar) + 'static) {
    let state = app();
    spawn_local(async move {
        if let Err(msg) = admin_check_now().await {
            state.warn(msg);
            return;
        }
        match update_branch_settings(&store(), |s| change(&mut s.calendar)).await {
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
                    Err(e) => state.warn(e.message(state.zh())),
                }
            }
            Err(e) => state.warn(e.message(state.zh())),
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
    let error = RwSignal::new(None::<String>);
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

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let Ok(d) = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d") else {
            error.set(Some(l.s("请选择日期", "Choose a date")));
            return;
        };
        let zh = name_zh.get_untracked().trim().to_string();
        let en = name_en.get_untracked().trim().to_string();
        if zh.is_empty() && en.is_empty() {
            error.set(Some(l.s(
                "请填写名称（如 春节 / Spring Festival）",
                "Enter a name (e.g. 春节 / Spring Festival)",
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
        error.set(None);
        let (zh2, en2) = (
            if zh.is_empty() { en.clone() } else { zh },
            if en.is_empty() { String::new() } else { en },
        );
        save(move |c| {
            if makeup {
                c.set_makeup_workday(d, &zh2, &en2);
            } else {
                c.set_holiday(d, &zh2, &en2);
            }
        });
        date.set(String::new());
    };

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
                    <span class="badge warn">{t2("本年度尚未录入官方放假安排", "This year's official holiday notice has not been entered")}</span>
                })}
            </div>
            <div class="table-wrap" style="margin-top:8px">
                <table data-testid="cal-days">
                    <thead><tr><th>{t2("日期", "Date")}</th><th>{t2("类型", "Kind")}</th><th>{t2("名称", "Name")}</th><th></th></tr></thead>
                    <tbody>
                        {move || days().into_iter().map(|(d, s)| {
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
                                <td><button type="button" class="link" disabled=move || !allowed() on:click=move |_| save(move |c| { c.clear_day(d); })>{t2("删除", "Remove")}</button></td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
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
        </section>
    }
}
