//! The call centre's monthly figures against source 003's targets: calls in, abandoned,
//! average wait and complaints about the phone service, entered by a supervisor or manager
//! for a month (choosing a month that has figures shows them, to correct).
//!
//! Figures typed and not saved are kept in this browser per person and per month: a reload
//! brings them back, and moving to another month and back loses nothing. A correction is
//! saved over the revision it was typed on: figures changed meanwhile (another tab, another
//! device) are refused, not overwritten; a month nothing was typed in follows the stored one.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::QualityData;
use crate::domain::quality::{self, CallStats, Judged, ReviewProblem};
use crate::domain::sort::sort_by;
use crate::store::{typed, StoreError};
use crate::ui::components::Field;
use crate::ui::i18n::{t2, Lang};
use crate::ui::platform::{local_read, local_remove, local_write, now};
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// The `<input type="month">` value of a month's first day.
fn month_input(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn parse_month(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

/// Full-width digits, comma and point (as Chinese input methods type them) as ASCII.
fn half_width(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '，' => ',',
            c => c,
        })
        .collect()
}

/// A count typed: digits, with thousands separators allowed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Count {
    Ok(u32),
    NotANumber,
    TooLarge,
}

fn count(s: &str) -> Count {
    let s = half_width(s).replace(',', "");
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Count::NotANumber;
    }
    s.parse().map_or(Count::TooLarge, Count::Ok)
}

fn seconds(s: &str) -> Option<f64> {
    half_width(s)
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w >= 0.0)
}

/// The four figures as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Typed {
    offered: String,
    abandoned: String,
    wait: String,
    complaints: String,
    /// The stored revision the figures were typed over (None: the month had none).
    rev: Option<String>,
}

impl Typed {
    fn of(s: Option<&CallStats>) -> Self {
        match s {
            Some(s) => Typed {
                offered: s.offered.to_string(),
                abandoned: s.abandoned.to_string(),
                wait: s.avg_wait_secs.to_string(),
                complaints: s.complaints.to_string(),
                rev: s.rev.clone(),
            },
            None => Typed::default(),
        }
    }
}

impl Typed {
    /// The figures as read (full-width or grouped digits as the number they are), without the
    /// revision: what tells typing from the stored figures.
    fn read(&self) -> [String; 4] {
        let n = |s: &str| match count(s) {
            Count::Ok(n) => n.to_string(),
            _ => s.trim().to_string(),
        };
        let w = seconds(&self.wait).map_or_else(|| self.wait.trim().to_string(), |w| w.to_string());
        [n(&self.offered), n(&self.abandoned), w, n(&self.complaints)]
    }
}

/// What is kept: the month shown and the figures typed and not saved, by month.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct StatsDraft {
    month: String,
    typed: BTreeMap<String, Typed>,
}

/// Why the last save did not happen, shown in the language of the moment.
#[derive(Clone, Debug, PartialEq)]
enum SaveError {
    NotReviewer,
    Problems(CallStats),
    Store(StoreError),
}

/// A judged figure as a cell: its value in words (never rounded onto or across its limit, so
/// the two never disagree) and whether it met the target; both follow the language.
fn judged(
    j: Judged,
    scale: f64,
    places: usize,
    text: impl Fn(String, Lang) -> String + Send + Sync + 'static,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let value = move || match j.shown(scale, places) {
        Some(v) => text(v, lang.get()),
        None => "—".into(),
    };
    let (class, zh, en) = match j.met {
        Some(true) => ("badge ok", "达标", "met"),
        Some(false) => ("badge bad", "未达标", "missed"),
        None => ("badge", "无数据", "no data"),
    };
    view! {
        <td class="num">{value}" "<span class=class>{move || lang.get().t(zh, en)}</span></td>
    }
}

#[component]
pub fn TargetsSection(data: Res<QualityData>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let allowed = move || state.user.with(|u| quality::may_score(u.as_ref()));
    // Last month by default: a month's figures are entered once it is over.
    let this_month = now().date().with_day(1).expect("day 1");
    let last_month = this_month
        .checked_sub_months(Months::new(1))
        .unwrap_or(this_month);
    let key = move || {
        state.user.with(|u| {
            u.as_ref()
                .map(|u| format!("kefu.quality.stats-draft.{}", u.id))
        })
    };
    let kept = untrack(key)
        .and_then(|k| local_read::<StatsDraft>(&k))
        .unwrap_or_default();
    let month = RwSignal::new(if kept.month.is_empty() {
        month_input(last_month)
    } else {
        kept.month.clone()
    });
    // Per month, what was typed and not saved.
    let typed_by_month = RwSignal::new(kept.typed);
    let stored = move |m: &str| {
        let id = CallStats::id_for(parse_month(m)?);
        data.get()
            .and_then(|d| d.stats.into_iter().find(|s| s.id == id))
    };
    // The fields start as the month shows (before any effect, which could otherwise keep
    // blanks as typing).
    let first = untrack(|| {
        let m = month.get();
        typed_by_month
            .with(|t| t.get(&m).cloned())
            .unwrap_or_else(|| Typed::of(stored(&m).as_ref()))
    });
    let offered = RwSignal::new(first.offered);
    let abandoned = RwSignal::new(first.abandoned);
    let wait = RwSignal::new(first.wait);
    let complaints = RwSignal::new(first.complaints);
    let rev = RwSignal::new(first.rev);
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<SaveError>);
    let fields = move || Typed {
        offered: offered.get(),
        abandoned: abandoned.get(),
        wait: wait.get(),
        complaints: complaints.get(),
        rev: rev.get(),
    };
    // The month shown: what was typed in it, else its stored figures (following a change
    // saved elsewhere), else blanks.
    Effect::new(move |prev: Option<String>| {
        let m = month.get();
        let base = Typed::of(stored(&m).as_ref());
        let t = typed_by_month.with_untracked(|t| t.get(&m).cloned());
        let show = t.unwrap_or(base);
        offered.set(show.offered);
        abandoned.set(show.abandoned);
        wait.set(show.wait);
        complaints.set(show.complaints);
        rev.set(show.rev);
        if prev.as_ref() != Some(&m) {
            tried.set(false);
            error.set(None);
        }
        m
    });
    // Typing is kept under its month at once; figures as stored keep nothing.
    Effect::new(move |_| {
        let f = fields();
        let m = month.get();
        // Also when the stored figures change (a save here or elsewhere).
        let base = Typed::of(stored(&m).as_ref());
        let differs = f.read() != base.read();
        typed_by_month.update(|t| {
            if differs {
                t.insert(m.clone(), f);
            } else {
                t.remove(&m);
            }
        });
    });
    Effect::new(move |_| {
        let Some(k) = key() else {
            return;
        };
        let d = StatsDraft {
            month: month.get(),
            typed: typed_by_month.get(),
        };
        if d.typed.is_empty() && d.month == month_input(last_month) {
            local_remove(&k);
        } else {
            local_write(&k, &d);
        }
    });

    let count_err = move |v: RwSignal<String>, at_least_one: bool| {
        move || {
            let s = v.get();
            if !tried.get() && s.trim().is_empty() {
                return None;
            }
            let l = lang.get();
            match count(&s) {
                Count::Ok(0) if at_least_one => {
                    Some(l.s("来电总数须大于0", "Calls in must be at least 1"))
                }
                Count::Ok(_) => None,
                Count::NotANumber => {
                    Some(l.s("请填写不小于0的整数", "Enter a whole number, 0 or more"))
                }
                Count::TooLarge => Some(l.s("数字过大", "That number is too large")),
            }
        }
    };
    let wait_err = move || {
        let s = wait.get();
        if !tried.get() && s.trim().is_empty() {
            return None;
        }
        seconds(&s).is_none().then(|| {
            lang.get()
                .s("请填写秒数，如 18.5", "Enter seconds, e.g. 18.5")
        })
    };
    let month_err = move || match parse_month(&month.get()) {
        None => Some(lang.get().s("请选择月份", "Choose a month")),
        Some(m) if m > this_month => {
            Some(lang.get().s("不能录入未来月份", "That month has not begun"))
        }
        Some(_) => None,
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        error.set(None);
        let who = state.user.get_untracked();
        if !quality::may_score(who.as_ref()) {
            error.set(Some(SaveError::NotReviewer));
            return;
        }
        let (Some(m), Count::Ok(o), Count::Ok(a), Count::Ok(c), Some(w)) = (
            parse_month(&month.get_untracked()).filter(|_| month_err().is_none()),
            count(&offered.get_untracked()),
            count(&abandoned.get_untracked()),
            count(&complaints.get_untracked()),
            seconds(&wait.get_untracked()),
        ) else {
            return;
        };
        let who = who.expect("a reviewer is signed in");
        let s = CallStats {
            id: CallStats::id_for(m),
            rev: rev.get_untracked(),
            month: m,
            offered: o,
            abandoned: a,
            avg_wait_secs: w,
            complaints: c,
            entered_by: who.name.clone(),
            entered_at: now(),
        };
        if !s.problems(true).is_empty() {
            error.set(Some(SaveError::Problems(s)));
            return;
        }
        busy.set(true);
        let shown = month_input(m);
        spawn_local(async move {
            match typed::save(&store(), &s).await {
                Ok(new_rev) => {
                    typed_by_month.update(|t| {
                        t.remove(&shown);
                    });
                    rev.set(Some(new_rev));
                    state.tell(
                        format!("已保存 {shown} 的电话服务指标"),
                        format!("Call figures for {shown} saved"),
                    );
                }
                Err(e) => error.set(Some(SaveError::Store(e))),
            }
            busy.set(false);
        });
    };
    // After a save refused as stale: the month as it is stored now, in place of the typing.
    let load_newest = move || {
        let m = month.get_untracked();
        typed_by_month.update(|t| {
            t.remove(&m);
        });
        let base = untrack(|| Typed::of(stored(&m).as_ref()));
        offered.set(base.offered);
        abandoned.set(base.abandoned);
        wait.set(base.wait);
        complaints.set(base.complaints);
        rev.set(base.rev);
        error.set(None);
    };
    let error_text = move || {
        let zh = lang.get().is_zh();
        error.get().map(|e| match e {
            SaveError::NotReviewer => ReviewProblem::NotReviewer.text(zh),
            SaveError::Problems(s) => s.problems(zh).join(if zh { "；" } else { "; " }),
            SaveError::Store(e) => e.message(zh),
        })
    };

    let rows = move || {
        let mut list = data.get().unwrap_or_default().stats;
        sort_by(&mut list, |a, b| b.month.cmp(&a.month));
        list.truncate(12);
        list
    };
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
                                        {judged(s.abandon_rate(), 100.0, 1, |v, _| format!("{v}%"), lang)}
                                        {judged(s.wait(), 1.0, 1, |v, l| l.s(format!("{v} 秒"), format!("{v} s")), lang)}
                                        {judged(s.complaint_rate(), 10_000.0, 2, |v, l| l.s(format!("万分之{v}"), format!("{v} in 10,000")), lang)}
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
            <form class="grid qa-stats no-print" on:submit=save novalidate>
                <Field id="qa-month" label=t2("月份", "Month") error=Signal::derive(month_err)>
                    <input id="qa-month" type="month" bind:value=month prop:disabled=move || !allowed()/>
                    // This month's figures may be entered as they stand, and are said to be so.
                    <crate::ui::components::PeriodNote status=Signal::derive(move || {
                    use chrono::Datelike;
                    match parse_month(&month.get()) {
                        Some(m) => crate::domain::calendar::month_status(m.year(), m.month(), state.today.get()),
                        None => crate::domain::calendar::PeriodStatus::Over,
                    }
                })/>
                </Field>
                <Field id="qa-offered" label=t2("来电总数", "Calls in") error=Signal::derive(count_err(offered, true))>
                    <input id="qa-offered" inputmode="numeric" bind:value=offered prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-abandoned" label=t2("弃线数", "Abandoned calls") error=Signal::derive(count_err(abandoned, false))>
                    <input id="qa-abandoned" inputmode="numeric" bind:value=abandoned prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-wait" label=t2("平均来电等待时长（秒）", "Average wait (seconds)") error=Signal::derive(wait_err)>
                    <input id="qa-wait" inputmode="decimal" bind:value=wait prop:disabled=move || !allowed()/>
                </Field>
                <Field id="qa-complaints" label=t2("电话服务投诉数", "Complaints about the phone service") error=Signal::derive(count_err(complaints, false))>
                    <input id="qa-complaints" inputmode="numeric" bind:value=complaints prop:disabled=move || !allowed()/>
                </Field>
                <div class="field">
                    <button type="submit" class="primary" data-testid="stats-save"
                        prop:disabled=move || busy.get() || !allowed()>{t2("保存", "Save")}</button>
                </div>
            </form>
            {move || error_text().map(|e| view! { <p class="err" role="alert" data-testid="stats-error">{e}</p> })}
            {move || matches!(error.get(), Some(SaveError::Store(StoreError::Conflict { .. }))).then(|| view! {
                <p><button type="button" data-testid="stats-load-newest" on:click=move |_| load_newest()>
                    {t2("载入最新数据（放弃本次修改）", "Load the newest figures (drop these changes)")}
                </button></p>
            })}
        </section>
    }
}
