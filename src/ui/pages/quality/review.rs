//! Scoring a call: whose call, when, the recording's number, the scorecard's eight groups
//! (standards ticked as met, to untick; faults to tick) with the score as it stands, and a
//! comment. What is typed is kept in this browser at once and offered again after a reload;
//! a review opened from the list is changed in the same form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::{is_reviewer, QualityData};
use crate::domain::quality::{self, CallReview, ItemKind, SCORECARD};
use crate::domain::Record;
use crate::store::typed;
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::model::{from_input, to_input};
use crate::ui::platform::{local_read, local_remove, local_write, new_id, now};
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

const DRAFT_KEY: &str = "kefu.quality.review-draft";

/// The form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct ReviewDraft {
    /// The review being changed; None for a new one.
    editing: Option<String>,
    staff_id: String,
    call_at: String,
    call_ref: String,
    missed: Vec<String>,
    faults: Vec<String>,
    comment: String,
}

impl ReviewDraft {
    fn of(r: &CallReview) -> Self {
        ReviewDraft {
            editing: Some(r.id.clone()),
            staff_id: r.staff_id.clone(),
            call_at: to_input(r.call_at),
            call_ref: r.call_ref.clone(),
            missed: r.missed.clone(),
            faults: r.faults.clone(),
            comment: r.comment.clone(),
        }
    }
}

#[component]
pub fn ReviewForm(data: Res<QualityData>, open: RwSignal<Option<CallReview>>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let editing = RwSignal::new(None::<String>);
    let staff_id = RwSignal::new(String::new());
    let call_at = RwSignal::new(String::new());
    let call_ref = RwSignal::new(String::new());
    let missed = RwSignal::new(Vec::<String>::new());
    let faults = RwSignal::new(Vec::<String>::new());
    let comment = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<String>::new());

    let snapshot = move || ReviewDraft {
        editing: editing.get(),
        staff_id: staff_id.get(),
        call_at: call_at.get(),
        call_ref: call_ref.get(),
        missed: missed.get(),
        faults: faults.get(),
        comment: comment.get(),
    };
    let show = move |d: ReviewDraft| {
        editing.set(d.editing);
        staff_id.set(d.staff_id);
        call_at.set(d.call_at);
        call_ref.set(d.call_ref);
        missed.set(d.missed);
        faults.set(d.faults);
        comment.set(d.comment);
        tried.set(false);
        problems.set(Vec::new());
    };
    // The form as it starts (blank, or the review opened): what differs is a draft.
    let fresh = StoredValue::new(ReviewDraft::default());
    let kept = local_read::<ReviewDraft>(DRAFT_KEY).filter(|d| *d != ReviewDraft::default());
    let restored = RwSignal::new(kept.is_some());
    if let Some(d) = kept {
        // A draft of a change starts from that review as stored.
        if let Some(id) = &d.editing {
            if let Some(r) = data
                .get_untracked()
                .and_then(|x| x.reviews.into_iter().find(|r| r.id == *id))
            {
                fresh.set_value(ReviewDraft::of(&r));
            }
        }
        show(d);
    }
    Effect::new(move |_| {
        let d = snapshot();
        if d == fresh.get_value() {
            local_remove(DRAFT_KEY);
        } else {
            local_write(DRAFT_KEY, &d);
        }
    });
    // A review opened from the list replaces the form (and any draft: it was asked for).
    Effect::new(move |_| {
        if let Some(r) = open.get() {
            let d = ReviewDraft::of(&r);
            fresh.set_value(d.clone());
            show(d);
            restored.set(false);
            open.set(None);
        }
    });
    let reset = move || {
        fresh.set_value(ReviewDraft::default());
        show(ReviewDraft::default());
        restored.set(false);
    };

    let allowed = move || state.user.with(|u| is_reviewer(u.as_ref()));
    let me = move || state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
    // Whose calls can be scored: active staff but the one signed in (and the opened review's).
    let people = move || {
        let d = data.get().unwrap_or_default();
        let me = me();
        let chosen = staff_id.get();
        d.staff
            .into_iter()
            .filter(|s| (s.active && Some(&s.id) != me.as_ref()) || s.id == chosen)
            .collect::<Vec<_>>()
    };
    let score = move || {
        let mut keys: Vec<String> = missed.get();
        keys.extend(faults.get());
        keys.sort_unstable();
        keys.dedup();
        quality::FULL_HALVES.saturating_sub(keys.len() as u32)
    };
    let staff_err = move || {
        (tried.get() && staff_id.get().is_empty()).then(|| {
            lang.get()
                .s("请选择被评分的员工", "Choose whose call this is")
        })
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
            Some(_) => None,
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        problems.set(Vec::new());
        if staff_err().is_some() || when_err().is_some() {
            return;
        }
        let zh = state.zh();
        let d = snapshot();
        let Some(call_time) = from_input(&d.call_at) else {
            return;
        };
        let user = state.user.get_untracked();
        let stored = data.get_untracked().unwrap_or_default();
        let before = d
            .editing
            .as_ref()
            .and_then(|id| stored.reviews.iter().find(|r| r.id == *id).cloned());
        let staff_name = stored
            .staff
            .iter()
            .find(|s| s.id == d.staff_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let t = now();
        let review = CallReview {
            id: before
                .as_ref()
                .map(|b| b.id.clone())
                .unwrap_or_else(|| new_id(CallReview::TYPE)),
            rev: before.as_ref().and_then(|b| b.rev.clone()),
            staff_id: d.staff_id.clone(),
            staff_name,
            reviewer_id: before
                .as_ref()
                .map(|b| b.reviewer_id.clone())
                .or_else(|| user.as_ref().map(|u| u.id.clone()))
                .unwrap_or_default(),
            reviewer_name: before
                .as_ref()
                .map(|b| b.reviewer_name.clone())
                .or_else(|| user.as_ref().map(|u| u.name.clone()))
                .unwrap_or_default(),
            call_at: call_time,
            call_ref: d.call_ref.trim().to_string(),
            missed: d.missed.clone(),
            faults: d.faults.clone(),
            comment: d.comment.trim().to_string(),
            reviewed_at: before.as_ref().map(|b| b.reviewed_at).unwrap_or(t),
        };
        let found = review.problems(user.as_ref(), t);
        if !found.is_empty() {
            problems.set(found.iter().map(|p| p.text(zh)).collect());
            return;
        }
        busy.set(true);
        let new = before.is_none();
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
                Err(e) => problems.set(vec![e.message(zh)]),
            }
            busy.set(false);
        });
    };

    let toggle = move |list: RwSignal<Vec<String>>, key: &'static str, on: bool| {
        list.update(|v| {
            v.retain(|k| k != key);
            if on {
                v.push(key.to_string());
            }
        })
    };
    let groups = SCORECARD
        .iter()
        .map(|g| {
            let taken = move || {
                let m = missed.get();
                let f = faults.get();
                g.items
                    .iter()
                    .filter(|i| m.iter().chain(f.iter()).any(|k| k == i.key))
                    .count()
            };
            let items = move |kind: ItemKind| {
                g.items
                    .iter()
                    .filter(move |i| i.kind == kind)
                    .map(move |i| {
                        let key = i.key;
                        let (zh, en) = (i.zh, i.en);
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
                                    }/>
                                <span>{move || lang.get().t(zh, en)}</span>
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
                            n => format!(" −{}", quality::points(n as u32)),
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

    view! {
        <section class="panel" id="qa-review" data-testid="review-form">
            <h2>{move || if editing.get().is_some() {
                lang.get().t("修改通话评分", "Change a call's score")
            } else {
                lang.get().t("为通话评分", "Score a call")
            }}</h2>
            {move || restored.get().then(|| view! {
                <div class="panel draft-banner row" data-testid="draft-restored" role="status">
                    <span>{t2("已恢复上次未保存的评分。", "The unsaved score from before was restored.")}</span>
                    <button type="button" on:click=move |_| reset() data-testid="discard-draft">{t2("放弃草稿", "Discard draft")}</button>
                </div>
            })}
            {move || (!allowed()).then(|| view! {
                <p class="admin-note" data-testid="review-reason">{move || quality::ReviewProblem::NotReviewer.text(lang.get().is_zh())}</p>
            })}
            <form on:submit=save novalidate>
                <div class="grid">
                    <Field id="qa-staff" label=t2("被评分员工", "Whose call") error=Signal::derive(staff_err)>
                        <select id="qa-staff" prop:value=move || staff_id.get()
                            on:change=move |ev| staff_id.set(event_target_value(&ev))>
                            <option value="">{t2("（请选择）", "(choose)")}</option>
                            {move || people().into_iter().map(|s| {
                                let id = s.id.clone();
                                view! { <option value=s.id.clone() selected=move || staff_id.get() == id>{s.name}</option> }
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="qa-call-at" label=t2("通话时间", "When the call took place") error=Signal::derive(when_err)>
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
                <Field id="qa-comment" label=t2("评语", "Comment") wide=true>
                    <textarea id="qa-comment" bind:value=comment rows="3"
                        placeholder=move || lang.get().t("做得好的地方、需改进之处；合规类扣分须写明经过", "What went well, what to improve; say what happened for a compliance fault")></textarea>
                </Field>
                <ul class="err" role="alert" data-testid="review-problems">
                    {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
                <div class="actions row">
                    <button type="submit" class="primary" data-testid="review-save"
                        prop:disabled=move || busy.get() || !allowed()>{t2("保存评分", "Save the score")}</button>
                    <span class="qa-total-small" aria-hidden="true">{t2("得分", "Score")}" "{move || quality::points(score())}" / 30"</span>
                    {move || (editing.get().is_some() || snapshot() != ReviewDraft::default()).then(|| view! {
                        <button type="button" data-testid="review-cancel" on:click=move |_| reset()>
                            {t2("清空", "Clear")}
                        </button>
                    })}
                </div>
            </form>
        </section>
    }
}
