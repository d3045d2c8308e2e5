//! reports/kpi/served: the customers each staff member served in a month (服务客户数), the
//! complaint rate's denominator, which the app does not record: typed here by a supervisor or
//! manager (`quality::may_score`, the rule for the call centre's monthly figures), one record
//! per month (`kpi::ServedCounts`). As those figures are entered (`quality/targets`): what is
//! typed and not saved is kept in this browser per person and month, a reload brings it back;
//! a save goes over the revision it was typed on, so figures changed meanwhile (another tab,
//! another device) are refused, not overwritten; a month nothing was typed in follows the
//! stored one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::Load;
use crate::domain::kpi::{parse_count, KpiPeriod, ServedCounts};
use crate::domain::quality::may_score;
use crate::store::{typed, StoreError};
use crate::ui::i18n::t2;
use crate::ui::platform::{local_read, local_remove, local_write, now};
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// The counts as typed, by staff id, and the stored revision they were typed over (None: the
/// month had none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Typed {
    counts: BTreeMap<String, String>,
    rev: Option<String>,
}

impl Typed {
    fn of(s: Option<&ServedCounts>) -> Typed {
        match s {
            Some(s) => Typed {
                counts: s
                    .counts
                    .iter()
                    .map(|(id, n)| (id.clone(), n.to_string()))
                    .collect(),
                rev: s.rev.clone(),
            },
            None => Typed::default(),
        }
    }

    /// The counts as read (full-width or grouped digits as the number they are; blanks
    /// dropped), without the revision: what tells typing from the stored figures.
    fn read(&self) -> BTreeMap<String, String> {
        self.counts
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(id, v)| {
                let n = match parse_count(v) {
                    Ok(Some(n)) => n.to_string(),
                    _ => v.trim().to_string(),
                };
                (id.clone(), n)
            })
            .collect()
    }
}

/// Why the last save did not happen, shown in the language of the moment.
#[derive(Clone, Debug, PartialEq)]
enum SaveError {
    NotAllowed,
    Problems(ServedCounts),
    Store(StoreError),
}

#[component]
pub fn ServedForm(period: Memo<KpiPeriod>, loaded: Res<Load>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let allowed = move || state.user.with(|u| may_score(u.as_ref()));
    let own = move |id: &str| state.user.with(|u| u.as_ref().is_some_and(|u| u.id == id));
    // Everyone on the month's sheet: every active staff member, and anyone with a record.
    // While another month is read, the last one's sheet is not this month's: nothing yet.
    let people = Memo::new(move |_| match loaded.get() {
        Some(Ok(Some(l))) if l.sheet.period == period.get() => l
            .sheet
            .rows
            .iter()
            .map(|r| (r.staff_id.clone(), r.name.clone(), r.complaints.len()))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    let stored = Memo::new(move |_| match loaded.get() {
        Some(Ok(Some(l))) if l.sheet.period == period.get() => l.served.clone(),
        _ => None,
    });
    let key = move || {
        let month = period.get().key();
        state.user.with(|u| {
            u.as_ref()
                .map(|u| format!("kefu.kpi.served-draft.{}.{month}", u.id))
        })
    };
    let typed = RwSignal::new(Typed::default());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<SaveError>);
    // The month shown: what was typed in it and kept, else its stored figures (following a
    // change saved elsewhere).
    Effect::new(move |prev: Option<Option<String>>| {
        let k = key();
        let base = Typed::of(stored.get().as_ref());
        typed.set(k.as_deref().and_then(local_read::<Typed>).unwrap_or(base));
        if prev.as_ref() != Some(&k) {
            tried.set(false);
            error.set(None);
        }
        k
    });
    // Typing is kept under its person and month at once; figures as stored keep nothing.
    let keep = move || {
        let Some(k) = key() else {
            return;
        };
        let t = typed.get_untracked();
        if t.read() == Typed::of(stored.get_untracked().as_ref()).read() {
            local_remove(&k);
        } else {
            local_write(&k, &t);
        }
    };
    let field_error = move |id: &str| {
        let v = typed.with(|t| t.counts.get(id).cloned().unwrap_or_default());
        parse_count(&v)
            .err()
            .map(|p| p.text(lang.get().is_zh()).to_string())
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        error.set(None);
        let who = state.user.get_untracked();
        if !may_score(who.as_ref()) {
            error.set(Some(SaveError::NotAllowed));
            return;
        }
        let KpiPeriod::Month(y, m) = period.get_untracked() else {
            return;
        };
        let Some(month) = NaiveDate::from_ymd_opt(y, m, 1) else {
            return;
        };
        let t = typed.get_untracked();
        let who = who.expect("a supervisor or manager is signed in");
        // Figures of anyone not listed this time stay as stored, and so does the person's
        // own: nobody enters the denominator of their own complaint rate.
        let mut counts = stored.get_untracked().map(|s| s.counts).unwrap_or_default();
        for (id, _, _) in people
            .get_untracked()
            .into_iter()
            .filter(|(id, _, _)| *id != who.id)
        {
            counts.remove(&id);
            match parse_count(t.counts.get(&id).map_or("", String::as_str)) {
                Ok(Some(n)) => {
                    counts.insert(id, n);
                }
                Ok(None) => {}
                // Said under its field.
                Err(_) => return,
            }
        }
        let doc = ServedCounts {
            id: ServedCounts::id_for(month),
            rev: t.rev.clone(),
            month,
            counts,
            entered_by: who.name.clone(),
            entered_at: now(),
        };
        if !doc.problems(state.today.get_untracked(), true).is_empty() {
            error.set(Some(SaveError::Problems(doc)));
            return;
        }
        busy.set(true);
        let shown = period.get_untracked().key();
        let k = key();
        spawn_local(async move {
            match typed::save(&store(), &doc).await {
                Ok(_) => {
                    if let Some(k) = k {
                        local_remove(&k);
                    }
                    state.tell(
                        format!("已保存 {shown} 的服务客户数"),
                        format!("Customers served in {shown} saved"),
                    );
                }
                Err(e) => error.set(Some(SaveError::Store(e))),
            }
            busy.set(false);
        });
    };
    // After a save refused as stale: the month as it is stored now, in place of the typing.
    let load_newest = move || {
        if let Some(k) = key() {
            local_remove(&k);
        }
        typed.set(Typed::of(stored.get_untracked().as_ref()));
        error.set(None);
    };
    let error_text = move || {
        let zh = lang.get().is_zh();
        error.get().map(|e| match e {
            SaveError::NotAllowed => lang
                .get()
                .t(
                    "只有客服主管或客服经理可以录入服务客户数，请以其身份登录",
                    "Only a supervisor or a manager can enter customers served: sign in as one",
                )
                .to_string(),
            SaveError::Problems(s) => {
                s.problems(state.today.get_untracked(), zh)
                    .join(if zh { "；" } else { "; " })
            }
            SaveError::Store(e) => e.message(zh),
        })
    };
    let entered = move || {
        stored.get().map(|s| {
            let at = s.entered_at.format("%Y-%m-%d %H:%M").to_string();
            lang.get().s(
                format!("最近由 {} 于 {at} 录入。", s.entered_by),
                format!("Last entered by {} at {at}.", s.entered_by),
            )
        })
    };

    view! {
        <section class="panel no-print kpi-served" data-testid="served-form" aria-labelledby="served-h">
            <h3 id="served-h">{move || lang.get().s(
                format!("录入 {} 的服务客户数", period.get().key()),
                format!("Customers served in {}", period.get().key()),
            )}</h3>
            <p class="muted small">{t2(
                "客户投诉率的分母：本月各员工服务的客户数（本系统不记录，由客服主管或客服经理录入）。留空表示未录入。",
                "The complaint rate's denominator: the customers each staff member served this month (the app does not record it; a supervisor or manager enters it). Leave blank for no figure.",
            )}" "{entered}</p>
            {move || (!allowed()).then(|| view! {
                <p class="admin-note" data-testid="served-reason">{t2(
                    "只有客服主管或客服经理可以录入服务客户数，请以其身份登录。",
                    "Only a supervisor or a manager can enter customers served: sign in as one.",
                )}</p>
            })}
            <form class="grid kpi-served-grid" on:submit=save novalidate>
                {move || people.get().into_iter().enumerate().map(|(i, (id, name, complaints))| {
                    let input_id = format!("served-{i}");
                    let err_id = format!("served-{i}-err");
                    let zero_id = format!("served-{i}-zero");
                    let named = name.clone();
                    let aria = move || lang.get().s(format!("{named} 的服务客户数"), format!("Customers served by {named}"));
                    let (id2, id3, id4, id5, id6) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                    // Copy, read by the message, its look and the input.
                    let mine = Signal::derive(move || own(&id4));
                    let err = move || {
                        if mine.get() {
                            return Some(lang.get().t("不能录入本人的服务客户数", "Nobody enters their own figure").to_string());
                        }
                        let e = field_error(&id3);
                        (tried.get() || e.is_some()).then_some(e).flatten()
                    };
                    // 0 served beside complaints naming them: no rate can come of it. Allowed (a
                    // figure may truly be 0), but said, so a slip of the keyboard is seen.
                    let zero = Signal::derive(move || {
                        let v = typed.with(|t| t.counts.get(&id5).cloned().unwrap_or_default());
                        (complaints > 0 && !mine.get() && parse_count(&v) == Ok(Some(0))).then(|| lang.get().s(
                            format!("本月有 {complaints} 件投诉涉及该员工；服务客户数为 0 时无法计算客户投诉率，请核对。"),
                            format!("{complaints} complaint{} this month name them; with 0 customers served there is no complaint rate. Please check.", if complaints == 1 { "" } else { "s" }),
                        ))
                    });
                    view! {
                        <div class="field">
                            <label for=input_id.clone()>{name.clone()}</label>
                            <input id=input_id inputmode="numeric" autocomplete="off" aria-label=aria
                                aria-describedby=format!("{err_id} {zero_id}") data-testid="served-input" data-staff=name.clone()
                                aria-invalid=move || (!mine.get() && field_error(&id6).is_some()).then_some("true")
                                prop:disabled=move || !allowed() || mine.get()
                                prop:value=move || typed.with(|t| t.counts.get(&id).cloned().unwrap_or_default())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    typed.update(|t| { t.counts.insert(id2.clone(), v); });
                                    keep();
                                }/>
                            // One's own figure: a reason, not an error, so said quietly.
                            <div class=move || if mine.get() { "hint" } else { "err" } id=err_id
                                role=move || (!mine.get()).then_some("alert")>{err}</div>
                            {move || zero.get().map(|z| view! { <div class="hint" id=zero_id.clone() data-testid="served-zero-hint">{z}</div> })}
                        </div>
                    }
                }).collect_view()}
                <div class="field">
                    <button type="submit" class="primary" data-testid="served-save"
                        prop:disabled=move || busy.get() || !allowed() || people.with(Vec::is_empty)>{t2("保存", "Save")}</button>
                </div>
            </form>
            {move || error_text().map(|e| view! { <p class="err" role="alert" data-testid="served-error">{e}</p> })}
            {move || matches!(error.get(), Some(SaveError::Store(StoreError::Conflict { .. }))).then(|| view! {
                <p><button type="button" data-testid="served-load-newest" on:click=move |_| load_newest()>
                    {t2("载入最新数据（放弃本次修改）", "Load the newest figures (drop these changes)")}
                </button></p>
            })}
        </section>
    }
}
