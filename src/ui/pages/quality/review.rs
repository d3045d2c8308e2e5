//! Scoring a call: whose call, when, the recording's number, the scorecard's eight groups
//! (standards ticked as met, to untick; faults to tick) with the score as it stands, and a
//! comment. A review opened from the list is changed in the same form.
//!
//! What is typed is kept in this browser at once, per person signed in and per tab (a
//! supervisor's unsaved notes are never offered to anyone else, and two tabs keep theirs
//! apart), and offered again after a reload; a closed tab's draft is taken up by the next
//! form of the same person. A change is saved over the revision it was opened from: a review
//! changed meanwhile (another tab, another device) is refused, not overwritten.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::QualityData;
use crate::domain::quality::{self, CallReview, ItemKind, ReviewProblem, SCORECARD};
use crate::domain::staff::Staff;
use crate::domain::Record;
use crate::store::{typed, StoreError};
use crate::ui::components::{Discarded, Field};
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::model::{from_input, to_input};
use crate::ui::platform::{
    closed_tab_draft, focus_id, local_read, local_remove, local_write, new_id, now, tab_id, window,
};
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// The drafts of one person signed in: `<prefix><tab id>`.
fn draft_prefix(user: &str) -> String {
    format!("kefu.quality.review-draft.{user}.")
}

/// The form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct ReviewDraft {
    /// The review being changed and the revision it was opened at; None for a new one.
    editing: Option<String>,
    #[serde(default)]
    rev: Option<String>,
    staff_id: String,
    call_at: String,
    call_ref: String,
    /// Kept sorted: ticking an item off and on again leaves the form as it was.
    missed: Vec<String>,
    faults: Vec<String>,
    comment: String,
}

impl ReviewDraft {
    fn of(r: &CallReview) -> Self {
        ReviewDraft {
            editing: Some(r.id.clone()),
            rev: r.rev.clone(),
            staff_id: r.staff_id.clone(),
            call_at: to_input(r.call_at),
            call_ref: r.call_ref.clone(),
            missed: sorted(r.missed.clone()),
            faults: sorted(r.faults.clone()),
            comment: r.comment.clone(),
        }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Why the last save did not happen, shown in the language of the moment.
#[derive(Clone, Debug, PartialEq)]
enum SaveError {
    Problems(Vec<ReviewProblem>),
    Store(StoreError),
}

#[component]
pub fn ReviewForm(data: Res<QualityData>, open: RwSignal<Option<CallReview>>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let editing = RwSignal::new(None::<String>);
    let rev = RwSignal::new(None::<String>);
    let staff_id = RwSignal::new(String::new());
    let call_at = RwSignal::new(String::new());
    let call_ref = RwSignal::new(String::new());
    let missed = RwSignal::new(Vec::<String>::new());
    let faults = RwSignal::new(Vec::<String>::new());
    let comment = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<SaveError>);

    let snapshot = move || ReviewDraft {
        editing: editing.get(),
        rev: rev.get(),
        staff_id: staff_id.get(),
        call_at: call_at.get(),
        call_ref: call_ref.get(),
        missed: missed.get(),
        faults: faults.get(),
        comment: comment.get(),
    };
    let show = move |d: ReviewDraft| {
        editing.set(d.editing);
        rev.set(d.rev);
        staff_id.set(d.staff_id);
        call_at.set(d.call_at);
        call_ref.set(d.call_ref);
        missed.set(sorted(d.missed));
        faults.set(sorted(d.faults));
        comment.set(d.comment);
        tried.set(false);
        error.set(None);
    };
    // The form as it starts (blank, or the review opened): what differs is a draft.
    let fresh = StoredValue::new(ReviewDraft::default());
    let restored = RwSignal::new(false);
    let stored_review = move |id: &str| {
        data.get_untracked()
            .and_then(|x| x.reviews.into_iter().find(|r| r.id == id))
    };
    // A kept draft is taken up as it was typed; one of a change starts from that review as it
    // was opened (its own revision), so it still differs and a stale one is refused at save.
    let take_up = move |d: ReviewDraft| {
        fresh.set_value(match &d.editing {
            Some(id) => stored_review(id)
                .map(|r| ReviewDraft {
                    rev: d.rev.clone(),
                    ..ReviewDraft::of(&r)
                })
                .unwrap_or_default(),
            None => ReviewDraft::default(),
        });
        show(d);
        restored.set(true);
    };
    // Whose drafts: the one signed in (nobody: none kept, nothing can be saved anyway).
    let user_id = move || state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
    let key = move || user_id().map(|u| format!("{}{}", draft_prefix(&u), tab_id()));
    // This tab's own draft at once; else the newest a closed tab of the same person left,
    // into a form nothing was typed in yet.
    if let Some(k) = untrack(key) {
        match local_read::<ReviewDraft>(&k).filter(|d| *d != ReviewDraft::default()) {
            Some(d) => take_up(d),
            None => {
                let prefix = untrack(user_id)
                    .map(|u| draft_prefix(&u))
                    .unwrap_or_default();
                spawn_local(async move {
                    let found = closed_tab_draft(
                        &prefix,
                        &k,
                        None,
                        |_: &ReviewDraft| true,
                        |k, _| k.to_string(),
                    )
                    .await;
                    let Some((orphan, d)) = found else {
                        return;
                    };
                    if untrack(snapshot) == ReviewDraft::default() {
                        local_remove(&orphan);
                        take_up(d);
                    }
                });
            }
        }
    }
    Effect::new(move |_| {
        let d = snapshot();
        let Some(k) = key() else {
            return;
        };
        if d == fresh.get_value() {
            local_remove(&k);
        } else {
            local_write(&k, &d);
        }
    });
    let discarded = Discarded::<ReviewDraft>::new(move || snapshot() == fresh.get_value());
    let reset = move || {
        discarded.forget();
        fresh.set_value(ReviewDraft::default());
        show(ReviewDraft::default());
        restored.set(false);
    };
    let discard = move |_| {
        let d = untrack(snapshot);
        reset();
        discarded.hold(d);
    };
    // Another person signing in on this device: the form is theirs, blank (the one before's
    // draft stays under their name).
    Effect::new(move |prev: Option<Option<String>>| {
        let now_user = user_id();
        if prev.is_some_and(|p| p != now_user) {
            reset();
        }
        now_user
    });
    // A review opened from the list replaces the form; typing not saved is asked about first.
    Effect::new(move |_| {
        let Some(r) = open.get() else {
            return;
        };
        open.set(None);
        let dirty = untrack(snapshot) != fresh.get_value();
        let ok = !dirty
            || window()
                .confirm_with_message(lang.get_untracked().t(
                    "表单中有未保存的评分，打开另一条将放弃它。继续吗？",
                    "The form holds a score not saved yet; opening another drops it. Go on?",
                ))
                .unwrap_or(false);
        if !ok {
            return;
        }
        let d = ReviewDraft::of(&r);
        discarded.forget();
        fresh.set_value(d.clone());
        show(d);
        restored.set(false);
        if let Some(el) = window()
            .document()
            .and_then(|doc| doc.get_element_by_id("qa-review-title"))
        {
            el.scroll_into_view();
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    });

    // The review as the form would save it (who scored it and when come from the stored one).
    let candidate = move || -> CallReview {
        let d = snapshot();
        let stored = data.get().unwrap_or_default();
        let before = d
            .editing
            .as_ref()
            .and_then(|id| stored.reviews.iter().find(|r| r.id == *id).cloned());
        let user = state.user.get();
        let staff_name = stored
            .staff
            .iter()
            .find(|s| s.id == d.staff_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let (reviewer_id, reviewer_name) = match &before {
            Some(b) => (b.reviewer_id.clone(), b.reviewer_name.clone()),
            None => user
                .as_ref()
                .map(|u| (u.id.clone(), u.name.clone()))
                .unwrap_or_default(),
        };
        CallReview {
            id: d.editing.clone().unwrap_or_default(),
            rev: d.rev.clone(),
            staff_id: d.staff_id.clone(),
            staff_name,
            reviewer_id,
            reviewer_name,
            call_at: from_input(&d.call_at).unwrap_or_default(),
            call_ref: d.call_ref.trim().to_string(),
            missed: d.missed.clone(),
            faults: d.faults.clone(),
            comment: d.comment.trim().to_string(),
            reviewed_at: before.as_ref().map(|b| b.reviewed_at).unwrap_or_default(),
            changed_by: before.as_ref().and_then(|b| b.changed_by.clone()),
            changed_at: before.as_ref().and_then(|b| b.changed_at),
            withdrawn: before.and_then(|b| b.withdrawn),
        }
    };
    // Why the one signed in may not save this form at all: said up front, and the form is
    // read-only (not a supervisor or manager, their own call, another reviewer's review).
    let refused = Memo::new(move |_| {
        let user = state.user.get();
        match editing.get() {
            // A new review's reviewer is whoever saves it.
            None => (!quality::may_score(user.as_ref())).then_some(ReviewProblem::NotReviewer),
            Some(_) => candidate().refused_to(user.as_ref()),
        }
    });
    let locked = move || refused.get().is_some();

    let me = move || user_id();
    // Whose calls can be scored: active staff but the one signed in and the review's reviewer,
    // and for a supervisor only specialists (`quality::may_score_member`); and the opened
    // review's own staff member, even if no longer active.
    let people = move || {
        let d = data.get().unwrap_or_default();
        let me = me();
        let chosen = staff_id.get();
        let reviewer = candidate().reviewer_id;
        let user = state.user.get();
        let rank_ok = |s: &Staff| {
            !quality::may_score(user.as_ref()) || quality::may_score_member(user.as_ref(), s)
        };
        d.staff
            .into_iter()
            .filter(|s| {
                (s.active && Some(&s.id) != me.as_ref() && s.id != reviewer && rank_ok(s))
                    || s.id == chosen
            })
            .collect::<Vec<_>>()
    };
    let score = move || quality::score_halves(&missed.get(), &faults.get());
    let staff_err = move || {
        (tried.get() && staff_id.get().is_empty()).then(|| {
            lang.get()
                .s("请选择被评分的员工", "Choose whose call this is")
        })
    };
    let scored_at = move || {
        let at = candidate().reviewed_at;
        if at == chrono::NaiveDateTime::default() {
            now()
        } else {
            at
        }
    };
    let when_err = move || {
        let s = call_at.get();
        if !tried.get() && s.is_empty() {
            return None;
        }
        match from_input(&s) {
            None => Some(
                lang.get()
                    .s("请填写通话时间", "Enter when the call took place"),
            ),
            Some(t) if t > now() => Some(
                lang.get()
                    .s("通话时间晚于现在", "The call time is in the future"),
            ),
            // Against the review's own time (a new one's is now).
            Some(t) if quality::call_long_before(t, scored_at()) => {
                Some(ReviewProblem::CallLongBefore.text(lang.get().is_zh()))
            }
            Some(_) => None,
        }
    };
    let comment_err = move || {
        faults
            .with(|f| quality::compliance_unexplained(f, &comment.get()))
            .then(|| ReviewProblem::ComplianceUnexplained.text(lang.get().is_zh()))
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        error.set(None);
        // Each said once, under its field (not again in the list of problems below).
        if staff_err().is_some() || when_err().is_some() || comment_err().is_some() {
            return;
        }
        let user = state.user.get_untracked();
        let t = now();
        let mut review = untrack(candidate);
        let new = review.id.is_empty();
        if new {
            review.id = new_id(CallReview::TYPE);
            review.reviewed_at = t;
            if let Some(u) = &user {
                review.reviewer_id = u.id.clone();
                review.reviewer_name = u.name.clone();
            }
        } else {
            review.changed_by = user.as_ref().map(|u| u.name.clone());
            review.changed_at = Some(t);
        }
        let member = data
            .get_untracked()
            .and_then(|d| d.staff.into_iter().find(|s| s.id == review.staff_id));
        let found = review.problems_for(user.as_ref(), member.as_ref(), t);
        if !found.is_empty() {
            error.set(Some(SaveError::Problems(found)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let saved = if new {
                typed::save_new(&store(), &review).await
            } else {
                typed::save(&store(), &review).await
            };
            match saved {
                Ok(_) => {
                    let pts = quality::points(review.score_halves());
                    state.tell(
                        format!("已保存 {} 的通话评分：{pts} 分", review.staff_name),
                        format!("Score saved for {}'s call: {pts} points", review.staff_name),
                    );
                    reset();
                }
                Err(e) => error.set(Some(SaveError::Store(e))),
            }
            busy.set(false);
        });
    };

    // Taking a score back (撤销): the review as opened, marked with who, when and why, saved
    // over the revision the form was opened at (a review changed meanwhile is refused).
    let withdrawing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let withdraw_problem = RwSignal::new(None::<ReviewProblem>);
    // Another review opened (or the form closed): the withdrawal begun is dropped.
    Effect::new(move |prev: Option<Option<String>>| {
        let now_editing = editing.get();
        if prev.is_some_and(|p| p != now_editing) {
            withdrawing.set(false);
            reason.set(String::new());
            withdraw_problem.set(None);
        }
        now_editing
    });
    let withdraw = move |_| {
        error.set(None);
        withdraw_problem.set(None);
        let (Some(id), Some(user)) = (editing.get_untracked(), state.user.get_untracked()) else {
            return;
        };
        let dirty = untrack(snapshot) != fresh.get_value();
        let ok = !dirty
            || window()
                .confirm_with_message(&lang.get_untracked().s(
                    "表单中有未保存的修改，撤销评分将放弃这些修改。继续？",
                    "The form holds changes not saved; withdrawing the score drops them. Go on?",
                ))
                .unwrap_or(false);
        if !ok {
            return;
        }
        let Some(mut r) = stored_review(&id) else {
            error.set(Some(SaveError::Store(StoreError::NotFound { id })));
            return;
        };
        r.rev = rev.get_untracked();
        if let Err(p) = r.withdraw(&user, &reason.get_untracked(), now()) {
            withdraw_problem.set(Some(p));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match typed::save(&store(), &r).await {
                Ok(_) => {
                    state.tell(
                        format!("已撤销 {} 的通话评分", r.staff_name),
                        format!("{}'s call score withdrawn", r.staff_name),
                    );
                    withdrawing.set(false);
                    reason.set(String::new());
                    reset();
                }
                Err(e) => error.set(Some(SaveError::Store(e))),
            }
            busy.set(false);
        });
    };

    let toggle = move |list: RwSignal<Vec<String>>, key: &'static str, on: bool| {
        list.update(|v| {
            v.retain(|k| k != key);
            if on {
                v.push(key.to_string());
                v.sort_unstable();
            }
        })
    };
    let groups = SCORECARD
        .iter()
        .map(|g| {
            let taken = move || missed.with(|m| faults.with(|f| quality::group_halves(g, m, f)));
            let items = move |kind: ItemKind| {
                g.items
                    .iter()
                    .filter(move |i| i.kind == kind)
                    .map(move |i| {
                        let key = i.key;
                        let (zh, en, compliance) = (i.zh, i.en, i.compliance);
                        let (list, checked_means_taken) = match kind {
                            ItemKind::Standard => (missed, false),
                            ItemKind::Fault => (faults, true),
                        };
                        view! {
                            <label class="qa-item" class:qa-taken=move || list.with(|v| v.iter().any(|k| k == key))>
                                <input type="checkbox" data-testid=format!("item-{key}")
                                    prop:checked=move || list.with(|v| v.iter().any(|k| k == key)) == checked_means_taken
                                    on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        toggle(list, key, checked == checked_means_taken);
                                        // One lapse, one answer: a fault shown unticks the standard
                                        // it repeats, and that standard ticked as met clears the fault
                                        // (both stood ticked, the record saying both: QA).
                                        match (kind, checked) {
                                            (ItemKind::Fault, true) => {
                                                if let Some(s) = quality::same_lapse_standard(key) {
                                                    toggle(missed, s, true);
                                                }
                                            }
                                            (ItemKind::Standard, true) => {
                                                if let Some(f) = quality::same_lapse_fault(key) {
                                                    toggle(faults, f, false);
                                                }
                                            }
                                            _ => {}
                                        }
                                    }/>
                                <span>{move || lang.get().t(zh, en)}
                                    {compliance.then(|| view! {
                                        " "<span class="badge warn" data-testid="compliance">{t2("合规·须写明经过", "compliance · say what happened")}</span>
                                    })}
                                </span>
                            </label>
                        }
                    })
                    .collect_view()
            };
            view! {
                <fieldset class="qa-group" data-testid=format!("group-{}", g.key)>
                    <legend>
                        {move || lang.get().t(g.zh, g.en)}
                        <span class="qa-sub" data-testid="group-taken">{move || match taken() {
                            0 => String::new(),
                            n => format!(" −{}", quality::points(n)),
                        }}</span>
                    </legend>
                    <div class="qa-cols">
                        <div>
                            <div class="small muted">{t2("标准（未做到则取消勾选）", "Standards (untick what was not met)")}</div>
                            {items(ItemKind::Standard)}
                        </div>
                        <div>
                            <div class="small muted">{t2("扣分项（出现则勾选）", "Faults (tick what happened)")}</div>
                            {items(ItemKind::Fault)}
                        </div>
                    </div>
                </fieldset>
            }
        })
        .collect_view();

    // After a save refused as stale: the review as it is stored now, in place of this form.
    let load_newest = move || {
        let newest = editing.get_untracked().and_then(|id| stored_review(&id));
        match newest {
            Some(r) => {
                let d = ReviewDraft::of(&r);
                discarded.forget();
                fresh.set_value(d.clone());
                show(d);
                restored.set(false);
            }
            None => reset(),
        }
    };
    let error_text = move || -> Vec<String> {
        let zh = lang.get().is_zh();
        match error.get() {
            None => Vec::new(),
            Some(SaveError::Problems(ps)) => ps.iter().map(|p| p.text(zh)).collect(),
            Some(SaveError::Store(e)) => vec![e.message(zh)],
        }
    };
    let withdrawn_note = move || {
        editing.get()?;
        let w = candidate().withdrawn?;
        let at = w.at.format("%Y-%m-%d %H:%M").to_string();
        Some(lang.get().s(
            format!("{} 于 {at} 撤销了这条评分：{}", w.by, w.reason),
            format!("Withdrawn by {} on {at}: {}", w.by, w.reason),
        ))
    };
    let changed_note = move || {
        let r = candidate();
        editing.get()?;
        let by = r.changed_by.clone()?;
        let at = r.changed_at?.format("%Y-%m-%d %H:%M").to_string();
        Some(lang.get().s(
            format!("评分人：{}；{by} 于 {at} 修改", r.reviewer_name),
            format!("Scored by {}; changed by {by} on {at}", r.reviewer_name),
        ))
    };

    view! {
        <section class="panel no-print" id="qa-review" data-testid="review-form">
            <h2 id="qa-review-title" tabindex="-1">{move || if editing.get().is_some() {
                lang.get().t("修改通话评分", "Change a call's score")
            } else {
                lang.get().t("为通话评分", "Score a call")
            }}</h2>
            {move || changed_note().map(|n| view! { <p class="small muted" data-testid="review-changed">{n}</p> })}
            {move || withdrawn_note().map(|n| view! { <p class="admin-note" data-testid="review-withdrawn">{n}</p> })}
            {move || restored.get().then(|| view! {
                <div class="panel draft-banner row" data-testid="draft-restored" role="status">
                    <span>{t2("已恢复上次未保存的评分。", "The unsaved score from before was restored.")}</span>
                    <button type="button" on:click=discard data-testid="discard-draft">{t2("放弃草稿", "Discard draft")}</button>
                </div>
            })}
            {discarded.banner(take_up)}
            {move || refused.get().filter(|p| *p != ReviewProblem::Withdrawn).map(|p| view! {
                <p class="admin-note" data-testid="review-reason">{move || p.text(lang.get().is_zh())}</p>
            })}
            <form on:submit=save novalidate>
                <fieldset class="qa-form" prop:disabled=locked>
                    <div class="grid">
                        <Field id="qa-staff" required=true label=t2("被评分员工", "Whose call") error=Signal::derive(staff_err)>
                            <select id="qa-staff" prop:value=move || staff_id.get()
                                on:change=move |ev| staff_id.set(event_target_value(&ev))>
                                <option value="">{t2("（请选择）", "(choose)")}</option>
                                {move || people().into_iter().map(|s| {
                                    let id = s.id.clone();
                                    view! { <option value=s.id.clone() selected=move || staff_id.get() == id>{s.name}</option> }
                                }).collect_view()}
                            </select>
                        </Field>
                        <Field id="qa-call-at" required=true label=t2("通话时间", "When the call took place") error=Signal::derive(when_err)>
                            <input id="qa-call-at" type="datetime-local" bind:value=call_at/>
                        </Field>
                        <Field id="qa-ref" label=t2("录音编号或来电号码", "Recording number or caller")>
                            <input id="qa-ref" bind:value=call_ref maxlength="60"/>
                        </Field>
                    </div>
                    <div class="qa-total" role="status" aria-live="polite">
                        {t2("得分", "Score")}" "
                        <strong data-testid="review-score">{move || quality::points(score())}</strong>
                        " / 30"
                    </div>
                    {groups}
                    <Field id="qa-comment" label=t2("评语", "Comment") error=Signal::derive(comment_err) wide=true>
                        <textarea id="qa-comment" bind:value=comment rows="3"
                            placeholder=move || lang.get().t("做得好的地方、需改进之处；合规类扣分须写明经过", "What went well, what to improve; say what happened for a compliance fault")></textarea>
                    </Field>
                </fieldset>
                <div role="alert"><ul class="err" data-testid="review-problems">
                    {move || error_text().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul></div>
                {move || matches!(error.get(), Some(SaveError::Store(StoreError::Conflict { .. }))).then(|| view! {
                    <p><button type="button" data-testid="review-load-newest" on:click=move |_| load_newest()>
                        {t2("载入最新版本（放弃本次修改）", "Load the newest version (drop these changes)")}
                    </button></p>
                })}
                <div class="actions row">
                    <button type="submit" class="primary" data-testid="review-save"
                        prop:disabled=move || busy.get() || locked()>{t2("保存评分", "Save the score")}</button>
                    <span class="qa-total-small" aria-hidden="true">{t2("得分", "Score")}" "{move || quality::points(score())}" / 30"</span>
                    {move || (editing.get().is_some() || snapshot() != ReviewDraft::default()).then(|| view! {
                        <button type="button" data-testid="review-cancel" on:click=move |_| reset()>
                            {move || if editing.get().is_some() { lang.get().t("关闭", "Close") } else { lang.get().t("清空", "Clear") }}
                        </button>
                    })}
                    {move || (editing.get().is_some() && !locked() && !withdrawing.get()).then(|| view! {
                        <button type="button" class="danger" data-testid="review-withdraw"
                            on:click=move |_| {
                                withdrawing.set(true);
                                request_animation_frame(|| focus_id("qa-withdraw-reason"));
                            }>{t2("撤销评分", "Withdraw the score")}</button>
                    })}
                </div>
                {move || (editing.get().is_some() && !locked() && withdrawing.get()).then(|| view! {
                    <div class="panel qa-withdraw" data-testid="withdraw-form">
                        <Field id="qa-withdraw-reason" label=t2("撤销原因", "Why the score is withdrawn") wide=true
                            error=Signal::derive(move || withdraw_problem.get().map(|p| p.text(lang.get().is_zh())))>
                            <input id="qa-withdraw-reason" bind:value=reason maxlength="200"
                                placeholder=move || lang.get().t("例如：录音不是这位员工的", "e.g. the recording was not this staff member's")/>
                        </Field>
                        <p class="small muted">{t2(
                            "撤销后这条评分仍保留在列表中，注明撤销人、时间和原因，不再计入任何均分。",
                            "The score stays in the list, marked with who withdrew it, when and why, and counts in no average.",
                        )}</p>
                        <div class="actions row">
                            <button type="button" class="danger" data-testid="withdraw-confirm"
                                prop:disabled=move || busy.get() on:click=withdraw>{t2("确认撤销", "Withdraw it")}</button>
                            <button type="button" data-testid="withdraw-cancel"
                                on:click=move |_| { withdrawing.set(false); reason.set(String::new()); }>{t2("不撤销", "Keep it")}</button>
                        </div>
                    </div>
                })}
            </form>
        </section>
    }
}
