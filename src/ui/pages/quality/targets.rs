//! The call centre's monthly figures against source 003's targets: calls in, abandoned,
//! average wait and complaints about the phone service, entered by a supervisor or manager
//! for a month (choosing a month that has figures shows them, to correct).

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{is_reviewer, QualityData};
use crate::domain::quality::{CallStats, Judged, ReviewProblem};
use crate::domain::sort::sort_by;
use crate::store::typed;
use crate::ui::components::Field;
use crate::ui::i18n::{t2, Lang};
use crate::ui::platform::now;
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// The `<input type="month">` value of a month's first day.
fn month_input(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn parse_month(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

/// A judged figure as a cell: its value in words and whether it met the target.
/// The value follows the language.
fn judged(
    j: Judged,
    text: impl Fn(f64) -> String + Send + Sync + 'static,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let value = move || j.value.map(&text).unwrap_or_else(|| "—".into());
    let (class, zh, en) = match j.met {
        Some(true) => ("badge ok", "达标", "met"),
        Some(false) => ("badge bad", "未达标", "missed"),
        None => ("badge", "无数据", "no data"),
    };
    view! {
        <td class="num">{value}" "<span class=class>{move || lang.get().t(zh, en)}</span></td>
    }
}

fn number(s: &str) -> Option<u32> {
    s.trim().replace([',', '，'], "").parse().ok()
}

#[component]
pub fn TargetsSection(data: Res<QualityData>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let allowed = move || state.user.with(|u| is_reviewer(u.as_ref()));
    // Last month by default: a month's figures are entered once it is over.
    let this_month = now().date().with_day(1).expect("day 1");
    let last_month = this_month
        .checked_sub_months(Months::new(1))
        .unwrap_or(this_month);
    let month = RwSignal::new(month_input(last_month));
    let offered = RwSignal::new(String::new());
    let abandoned = RwSignal::new(String::new());
    let wait = RwSignal::new(String::new());
    let complaints = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let stored = move |m: NaiveDate| {
        data.get_untracked()
            .and_then(|d| d.stats.into_iter().find(|s| s.id == CallStats::id_for(m)))
    };
    // Choosing a month shows its figures when it has some (to correct them), else a blank.
    Effect::new(move |_| {
        let m = parse_month(&month.get());
        let s = m.and_then(stored);
        offered.set(
            s.as_ref()
                .map(|s| s.offered.to_string())
                .unwrap_or_default(),
        );
        abandoned.set(
            s.as_ref()
                .map(|s| s.abandoned.to_string())
                .unwrap_or_default(),
        );
        wait.set(
            s.as_ref()
                .map(|s| s.avg_wait_secs.to_string())
                .unwrap_or_default(),
        );
        complaints.set(
            s.as_ref()
                .map(|s| s.complaints.to_string())
                .unwrap_or_default(),
        );
        tried.set(false);
        error.set(None);
    });

    let field_err = move |v: RwSignal<String>| {
        move || {
            let s = v.get();
            if !tried.get() && s.trim().is_empty() {
                return None;
            }
            number(&s).is_none().then(|| {
                lang.get()
                    .s("请填写不小于0的整数", "Enter a whole number, 0 or more")
            })
        }
    };
    let wait_err = move || {
        let s = wait.get();
        if !tried.get() && s.trim().is_empty() {
            return None;
        }
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|w| w.is_finite() && *w >= 0.0)
            .is_none()
            .then(|| {
                lang.get()
                    .s("请填写秒数，如 18.5", "Enter seconds, e.g. 18.5")
            })
    };
    let month_err = move || {
        let m = parse_month(&month.get());
        match m {
            None => Some(lang.get().s("请选择月份", "Choose a month")),
            Some(m) if m > this_month => {
                Some(lang.get().s("不能录入未来月份", "That month has not begun"))
            }
            Some(_) => None,
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        error.set(None);
        let zh = state.zh();
        let who = state.user.get_untracked();
        if !is_reviewer(who.as_ref()) {
            error.set(Some(ReviewProblem::NotReviewer.text(zh)));
            return;
        }
        let (Some(m), Some(o), Some(a), Some(c), Some(w)) = (
            parse_month(&month.get_untracked()).filter(|_| month_err().is_none()),
            number(&offered.get_untracked()),
            number(&abandoned.get_untracked()),
            number(&complaints.get_untracked()),
            wait.get_untracked().trim().parse::<f64>().ok(),
        ) else {
            return;
        };
        let who = who.expect("a reviewer is signed in");
        let s = CallStats {
            id: CallStats::id_for(m),
            rev: stored(m).and_then(|s| s.rev),
            month: m,
            offered: o,
            abandoned: a,
            avg_wait_secs: w,
            complaints: c,
            entered_by: who.name.clone(),
            entered_at: now(),
        };
        let problems = s.problems(zh);
        if !problems.is_empty() {
            error.set(Some(problems.join("；")));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match typed::save(&store(), &s).await {
                Ok(_) => state.tell(
                    format!("已保存 {} 的电话服务指标", month_input(m)),
                    format!("Call figures for {} saved", month_input(m)),
                ),
                Err(e) => error.set(Some(e.message(zh))),
            }
            busy.set(false);
        });
    };

    let rows = move || {
        let mut list = data.get().unwrap_or_default().stats;
        sort_by(&mut list, |a, b| b.month.cmp(&a.month));
        list.truncate(12);
        list
    };
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    view! {
        <section class="panel" data-testid="call-targets">
            <h2>{t2("电话服务指标", "Call centre targets")}</h2>
            <p class="muted small">{t2(
                "目标：电话弃线率不高于10%；电话服务的客户投诉率低于万分之一；平均来电等待时长低于30秒。",
                "Targets: at most 10% of calls abandoned; fewer than 1 complaint about the phone service in 10,000 answered calls; an average wait under 30 seconds.",
            )}</p>
            {move || {
                let list = rows();
                if list.is_empty() {
                    return view! { <p class="muted">{t2("尚未录入任何月份的数据。", "No month's figures entered yet.")}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th>{t2("月份", "Month")}</th>
                                <th class="num">{t2("来电总数", "Calls in")}</th>
                                <th class="num">{t2("电话弃线率", "Abandoned")}</th>
                                <th class="num">{t2("平均等待时长", "Average wait")}</th>
                                <th class="num">{t2("客户投诉率", "Complaint rate")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| view! {
                                    <tr data-testid="target-row">
                                        <th scope="row">{month_input(s.month)}</th>
                                        <td class="num">{s.offered}</td>
                                        {judged(s.abandon_rate(), pct, lang)}
                                        {judged(s.wait(), move |v| lang.get().s(format!("{v:.1} 秒"), format!("{v:.1} s")), lang)}
                                        {judged(s.complaint_rate(), move |v| lang.get().s(format!("万分之{:.2}", v * 10_000.0), format!("{:.2} in 10,000", v * 10_000.0)), lang)}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <h3>{t2("录入或更正某月数据", "Enter or correct a month")}</h3>
            {move || (!allowed()).then(|| view! {
                <p class="admin-note" data-testid="targets-reason">{move || ReviewProblem::NotReviewer.text(lang.get().is_zh())}</p>
            })}
            <form class="grid qa-stats" on:submit=save novalidate>
                <Field id="qa-month" label=t2("月份", "Month") error=Signal::derive(month_err)>
                    <input id="qa-month" type="month" bind:value=month prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-offered" label=t2("来电总数", "Calls in") error=Signal::derive(field_err(offered))>
                    <input id="qa-offered" inputmode="numeric" bind:value=offered prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-abandoned" label=t2("弃线数", "Abandoned calls") error=Signal::derive(field_err(abandoned))>
                    <input id="qa-abandoned" inputmode="numeric" bind:value=abandoned prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-wait" label=t2("平均来电等待时长（秒）", "Average wait (seconds)") error=Signal::derive(wait_err)>
                    <input id="qa-wait" inputmode="decimal" bind:value=wait prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-complaints" label=t2("电话服务投诉数", "Complaints about the phone service") error=Signal::derive(field_err(complaints))>
                    <input id="qa-complaints" inputmode="numeric" bind:value=complaints prop:disabled=move || !allowed()/>
                </Field>
                <div class="field">
                    <button type="submit" class="primary" data-testid="stats-save"
                        prop:disabled=move || busy.get() || !allowed()>{t2("保存", "Save")}</button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <p class="err" role="alert" data-testid="stats-error">{e}</p> })}
        </section>
    }
}
