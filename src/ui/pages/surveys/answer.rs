//! answer: the respondent's side of a survey — one question per screen or all on one page,
//! as the survey says — shared by the customer page (/s/<survey>), the builder's preview and
//! the lobby kiosk (/kiosk/<survey>).
//!
//! # API (kept stable)
//!
//! ```ignore
//! use crate::ui::pages::surveys::answer::SurveyForm;
//! view! {
//!     <SurveyForm
//!         survey=survey                        // Survey: the definition at its current version
//!         lang=lang                            // Signal<Lang> (or RwSignal/ReadSignal): the respondent's language
//!         large=true                           // bool, optional (default false): large touch targets
//!         channel=Channel::Kiosk               // optional (default Channel::Link)
//!         on_submit=move |r: SurveyResponse| { /* store it */ }
//!         on_activity=move |_| { /* optional: any touch, key or answer — restart idle timers */ }
//!         on_change=move |r: SurveyResponse| { /* optional: the partial answers so far */ }
//!         keep=true                            // bool, optional (default false): see below
//!     />
//! }
//! ```
//!
//! - `on_submit` gets a complete response that passed the domain's `validate_response`: a new
//!   id (`response:<ULID>`), the survey's id, version, stage and touchpoint, the channel,
//!   `submitted_at` = now, `complete: true`. The caller fills `device`, `staff_id`,
//!   `customer_id` if it knows them, and stores it — `super::records::submit_response` also
//!   opens the low-score follow-up. The form then shows "sending…" until it is re-rendered.
//! - `on_change` gets the response as answered so far with `complete: false` after every
//!   answer (for a kiosk that keeps partial answers on idle timeout).
//! - `keep`: the answers so far and the question on screen are kept on this device (per survey
//!   and version, [`SurveyProgress`]) and taken up again when the form is shown after a reload.
//!   For a respondent's own phone only, never a shared device; the caller calls
//!   [`forget_progress`] once the response is stored.
//! - To start afresh for the next respondent, render a new `SurveyForm` (e.g. in a closure
//!   keyed on a counter). Test ids: `sf-next`, `sf-back`, `sf-submit`, each question
//!   `q-<question id>`, each score `a-<question id>-<value>`, option `a-<question id>-<option id>`,
//!   free text `a-<question id>`.

use crate::domain::sort::sort_by_key;
use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::domain::survey::{
    validate_response, Answer, Channel, Question, QuestionKind, ResponseError, Survey, SurveyMode,
    SurveyResponse,
};
use crate::domain::survey_progress::SurveyProgress;
use crate::ui::i18n::Lang;
use crate::ui::platform::{local_read, local_remove, local_write, new_id, now};

/// Drops the answers kept by a form with `keep` (the response is stored).
pub fn forget_progress(survey_id: &str) {
    local_remove(&SurveyProgress::key(survey_id));
}

/// The question a validation problem is about, if it is about one.
fn question_of(e: &ResponseError) -> Option<&str> {
    use ResponseError::*;
    match e {
        Required { question_id, .. }
        | OutOfRange { question_id, .. }
        | WrongType { question_id, .. }
        | UnknownOption { question_id, .. }
        | TooLong { question_id, .. } => Some(question_id),
        _ => None,
    }
}

const LIKERT: [(&str, &str); 5] = [
    ("非常不满意", "Very dissatisfied"),
    ("不满意", "Dissatisfied"),
    ("一般", "Neutral"),
    ("满意", "Satisfied"),
    ("非常满意", "Very satisfied"),
];
const FACES: [&str; 5] = ["😞", "🙁", "😐", "🙂", "😄"];

/// The second tap (or click) of a double tap on 下一题 lands on the next question's 下一题
/// or 提交, which takes its place: it neither moves on nor submits, as the customer has not
/// seen that question yet (a tap's `detail` counts the taps in a row; a key press has 0).
fn second_tap_ignored(ev: web_sys::MouseEvent) {
    if ev.detail() > 1 {
        ev.prevent_default();
    }
}

#[component]
pub fn SurveyForm(
    survey: Survey,
    #[prop(into)] lang: Signal<Lang>,
    #[prop(optional)] large: bool,
    #[prop(optional)] channel: Option<Channel>,
    #[prop(into)] on_submit: Callback<SurveyResponse>,
    #[prop(optional, into)] on_activity: Option<Callback<()>>,
    #[prop(optional, into)] on_change: Option<Callback<SurveyResponse>>,
    #[prop(optional)] keep: bool,
    /// "Sending…" while true; given, the page sets it back when a save failed, and the form
    /// takes its answers again.
    #[prop(optional)]
    sending: Option<RwSignal<bool>>,
) -> impl IntoView {
    let channel = channel.unwrap_or(Channel::Link);
    let total = survey.questions.len();
    let one_page = survey.mode == SurveyMode::OnePage;
    let key = SurveyProgress::key(&survey.id);
    let kept = keep.then(|| local_read::<SurveyProgress>(&key)).flatten();
    // Kept at an earlier version: staff changed the survey while it was being answered.
    let updated = kept.as_ref().is_some_and(|p| p.version != survey.version);
    let kept = kept.and_then(|p| p.fit(&survey));
    let updated = updated && kept.is_some();
    // Taken up where the customer left off (a reload, or the tab closed and opened again).
    let resumed = !updated && kept.as_ref().is_some_and(|p| !p.answers.is_empty());
    let (kept_step, kept_answers) = kept.map_or((0, BTreeMap::new()), |p| (p.step, p.answers));
    let survey = StoredValue::new(survey);
    let answers: RwSignal<BTreeMap<String, Answer>> = RwSignal::new(kept_answers);
    // Problems are kept as causes, so each is said in the language of the moment.
    let errors: RwSignal<BTreeMap<String, ResponseError>> = RwSignal::new(BTreeMap::new());
    let step = RwSignal::new(kept_step);
    let sending = sending.unwrap_or_else(|| RwSignal::new(false));
    let zh = move || lang.get().is_zh();
    if keep {
        // Every answer and every move is kept at once (a reload or a discarded tab loses none).
        Effect::new(move |_| {
            let p = survey.with_value(|s| SurveyProgress {
                survey_id: s.id.clone(),
                version: s.version,
                step: step.get(),
                answers: answers.get(),
            });
            if p.is_empty() {
                local_remove(&key);
            } else {
                local_write(&key, &p);
            }
        });
    }

    // One id for everything this form builds: its answers so far (a kiosk keeps them as the
    // customer's partial response) and the response sent are one record, so a stale partial
    // of a customer who did submit is refused as the same record, never stored as a second.
    let response_id = StoredValue::new(new_id("response"));
    let build = move |complete: bool| -> SurveyResponse {
        survey.with_value(|s| SurveyResponse {
            id: response_id.get_value(),
            rev: None,
            survey_id: s.id.clone(),
            survey_version: s.version,
            answers: crate::domain::sort::map_of(
                answers
                    .get_untracked()
                    .into_iter()
                    .filter(|(_, a)| a.is_given()),
            ),
            channel,
            stage: s.stage.clone(),
            touchpoint: s.touchpoint.clone(),
            staff_id: None,
            submitted_at: now(),
            device: None,
            complete,
            customer_id: None,
            entered_by: None,
        })
    };
    // Problems of the given questions (all when None), by question id.
    let problems = move |only: Option<&str>| -> BTreeMap<String, ResponseError> {
        let r = build(true);
        survey.with_value(|s| {
            crate::domain::sort::map_of(validate_response(s, &r).into_iter().filter_map(|e| {
                let q = question_of(&e)?.to_string();
                (only.is_none() || only == Some(q.as_str())).then_some((q, e))
            }))
        })
    };
    let activity = move || {
        if let Some(cb) = on_activity {
            cb.run(());
        }
    };
    let set_answer = move |qid: String, a: Answer| {
        answers.update(|m| {
            m.insert(qid.clone(), a);
        });
        errors.update(|e| {
            e.remove(&qid);
        });
        activity();
        if let Some(cb) = on_change {
            cb.run(build(false));
        }
    };

    let submit = move || {
        if sending.get_untracked() {
            return;
        }
        let errs = problems(None);
        if !errs.is_empty() {
            if !one_page {
                let first = survey.with_value(|s| {
                    s.questions
                        .iter()
                        .position(|q| errs.contains_key(&q.id))
                        .unwrap_or(0)
                });
                step.set(first);
            }
            errors.set(errs);
            return;
        }
        sending.set(true);
        on_submit.run(build(true));
    };
    let next = move || {
        let i = step.get_untracked();
        let qid = survey.with_value(|s| s.questions.get(i).map(|q| q.id.clone()));
        if let Some(qid) = qid {
            let errs = problems(Some(&qid));
            if !errs.is_empty() {
                errors.update(|e| e.extend(errs));
                return;
            }
        }
        if i + 1 < total {
            step.set(i + 1);
        } else {
            submit();
        }
    };

    let render = move |i: usize| {
        let q = survey.with_value(|s| s.questions[i].clone());
        view! { <QuestionView q=q number=i + 1 lang=lang answers=errors_and(answers, errors) set=set_answer/> }
    };

    let body = if one_page {
        (0..total).map(render).collect_view().into_any()
    } else {
        (move || {
            let i = step.get();
            view! {
                <div class="sf-progress" aria-hidden="true">
                    <div style=format!("width:{:.1}%", (i + 1) as f64 * 100.0 / total.max(1) as f64)></div>
                </div>
                <p class="sf-count">
                    {move || if zh() { format!("第 {} / {} 题", i + 1, total) } else { format!("Question {} of {}", i + 1, total) }}
                </p>
                {(i < total).then(|| render(i))}
            }
        })
        .into_any()
    };

    // After 下一题, 上一题 or a jump to a question left unanswered, the keyboard (and a screen
    // reader) is at the question shown: the button pressed is gone with the question it was under.
    Effect::new(move |before: Option<usize>| {
        let i = step.get();
        if before.is_some_and(|b| b != i) {
            // (One survey form on a page: the kiosk's, a customer's, or the dialog staff fill.)
            request_animation_frame(|| {
                crate::ui::platform::focus_first(&["form.survey-form fieldset.sq"])
            });
        }
        i
    });
    let last = move || one_page || step.get() + 1 >= total;
    view! {
        <form class=if large { "survey-form large" } else { "survey-form" } novalidate
            on:submit=move |ev| { ev.prevent_default(); if last() { submit() } else { next() } }
            on:pointerdown=move |_| activity() on:keydown=move |_| activity() on:input=move |_| activity()>
            {updated.then(|| view! {
                <p class="sf-updated" role="status" data-testid="sf-updated">
                    {move || lang.get().t("问卷内容已更新，您已作答且仍适用的题目已为您保留。",
                        "This survey has been updated; your answers that still apply are kept.")}
                </p>
            })}
            {resumed.then(|| view! {
                <p class="sf-updated" role="status" data-testid="sf-resumed">
                    {move || lang.get().t("已为您保留上次的作答，请继续填写。",
                        "Your earlier answers are kept; carry on where you left off.")}
                </p>
            })}
            {body}
            <div class="sf-nav">
                {move || (!one_page && step.get() > 0).then(|| view! {
                    <button type="button" class="sf-back" data-testid="sf-back"
                        on:click=move |_| step.update(|s| *s = s.saturating_sub(1))>
                        {move || lang.get().t("上一题", "Back")}
                    </button>
                })}
                {move || if last() {
                    view! {
                        <button type="submit" class="primary sf-go" data-testid="sf-submit" disabled=move || sending.get()
                            on:click=second_tap_ignored>
                            {move || if sending.get() { lang.get().t("正在提交…", "Sending…") } else { lang.get().t("提交", "Submit") }}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="submit" class="primary sf-go" data-testid="sf-next"
                            on:click=second_tap_ignored>
                            {move || lang.get().t("下一题", "Next")}
                        </button>
                    }.into_any()
                }}
            </div>
        </form>
    }
}

/// The answers and the problems of a form, handed to each question together.
#[derive(Clone, Copy)]
struct FormState {
    answers: RwSignal<BTreeMap<String, Answer>>,
    errors: RwSignal<BTreeMap<String, ResponseError>>,
}

fn errors_and(
    answers: RwSignal<BTreeMap<String, Answer>>,
    errors: RwSignal<BTreeMap<String, ResponseError>>,
) -> FormState {
    FormState { answers, errors }
}

#[component]
fn QuestionView(
    q: Question,
    number: usize,
    lang: Signal<Lang>,
    answers: FormState,
    set: impl Fn(String, Answer) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let FormState { answers, errors } = answers;
    let qid = q.id.clone();
    let text = q.text.clone();
    let required = q.required;
    let err_id = format!("sq-{qid}-err");
    let name = format!("sq-{qid}");
    let qid_e = qid.clone();
    let error = move || {
        let zh = lang.get().is_zh();
        errors.with(|e| e.get(&qid_e).map(|e| e.message(zh)))
    };
    let current = {
        let qid = qid.clone();
        move || answers.with(|a| a.get(&qid).cloned())
    };

    let input = match q.kind.clone() {
        kind @ (QuestionKind::Likert5 | QuestionKind::CsatFaces | QuestionKind::Nps) => {
            let (lo, hi) = kind.range().unwrap_or((1, 5));
            let nps = kind == QuestionKind::Nps;
            let faces = kind == QuestionKind::CsatFaces;
            let items = (lo..=hi)
                .map(|v| {
                    let qid = qid.clone();
                    let name = name.clone();
                    let current = current.clone();
                    let selected = move || current() == Some(Answer::Score(v));
                    let label = move || {
                        if nps {
                            String::new()
                        } else {
                            let (z, e) = LIKERT[usize::from(v - 1)];
                            lang.get().t(z, e).to_string()
                        }
                    };
                    let big = if faces {
                        FACES[usize::from(v - 1)].to_string()
                    } else {
                        v.to_string()
                    };
                    let qid2 = qid.clone();
                    let selected2 = selected.clone();
                    let testid = format!("a-{qid}-{v}");
                    view! {
                        <label class="score" class:on=selected2 data-testid=testid>
                            <input type="radio" name=name.clone() value=v.to_string()
                                prop:checked=selected on:change=move |_| set(qid2.clone(), Answer::Score(v))/>
                            <span class="v" aria-hidden=faces.then_some("true")>{big}</span>
                            {(faces || !nps).then(|| view! { <span class="l">{label}</span> })}
                            {faces.then(|| view! { <span class="sr-only">{v}</span> })}
                            // The scale's ends in words for a screen reader too (the line under
                            // the buttons is hidden from it).
                            {(nps && (v == lo || v == hi)).then(|| view! { <span class="sr-only">{move || match v == lo {
                                true => lang.get().t("（完全不可能）", " (not at all likely)"),
                                false => lang.get().t("（非常愿意）", " (extremely likely)"),
                            }}</span> })}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class=if nps { "scores nps" } else { "scores five" }>{items}</div>
                {nps.then(|| view! {
                    <div class="nps-ends" aria-hidden="true">
                        <span>{move || lang.get().t("0 = 完全不可能", "0 = not at all likely")}</span>
                        <span>{move || lang.get().t("10 = 非常愿意", "10 = extremely likely")}</span>
                    </div>
                })}
            }
            .into_any()
        }
        QuestionKind::SingleChoice { options } => options
            .into_iter()
            .map(|o| {
                let qid = qid.clone();
                let oid = o.id.clone();
                let current = current.clone();
                let oid2 = oid.clone();
                let selected = move || current() == Some(Answer::Choice(oid2.clone()));
                let label = o.label.clone();
                let qid2 = qid.clone();
                let selected2 = selected.clone();
                let testid = format!("a-{qid}-{oid}");
                let value = oid.clone();
                view! {
                    <label class="choice" class:on=selected2 data-testid=testid>
                        <input type="radio" name=name.clone() value=value prop:checked=selected
                            on:change=move |_| set(qid2.clone(), Answer::Choice(oid.clone()))/>
                        <span>{move || label.get(lang.get().is_zh()).to_string()}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        QuestionKind::MultipleChoice { options } => {
            let order: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
            options
                .into_iter()
                .map(|o| {
                    let qid = qid.clone();
                    let oid = o.id.clone();
                    let current = current.clone();
                    let oid2 = oid.clone();
                    let checked = move || {
                        matches!(current(), Some(Answer::Choices(cs)) if cs.contains(&oid2))
                    };
                    let label = o.label.clone();
                    let order = order.clone();
                    let qid2 = qid.clone();
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let mut cs = match answers.with_untracked(|a| a.get(&qid2).cloned()) {
                            Some(Answer::Choices(cs)) => cs,
                            _ => Vec::new(),
                        };
                        cs.retain(|c| c != &oid);
                        if on {
                            cs.push(oid.clone());
                        }
                        sort_by_key(&mut cs, |c| order.iter().position(|o| o == c));
                        set(qid2.clone(), Answer::Choices(cs));
                    };
                    let checked2 = checked.clone();
                    let testid = format!("a-{qid}-{}", o.id);
                    view! {
                        <label class="choice" class:on=checked2 data-testid=testid>
                            <input type="checkbox" value=o.id.clone() prop:checked=checked on:change=toggle/>
                            <span>{move || label.get(lang.get().is_zh()).to_string()}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionKind::FreeText { max_len } => {
            let qid2 = qid.clone();
            let value = move || match current() {
                Some(Answer::Text(t)) => t,
                _ => String::new(),
            };
            let value2 = value.clone();
            view! {
                <textarea id=format!("sq-{qid}-text") data-testid=format!("a-{qid}") rows="4"
                    aria-labelledby=format!("sq-{qid}-q")
                    maxlength=max_len.map(|m| m.to_string())
                    aria-describedby=err_id.clone()
                    prop:value=value
                    on:input=move |ev| set(qid2.clone(), Answer::Text(event_target_value(&ev)))></textarea>
                // Counted as the box's maxlength counts (UTF-16 units: an emoji is two), so a
                // full box reads full.
                {max_len.map(|m| view! {
                    <div class="sf-len muted" data-testid="sf-len">{move || format!("{} / {m}", value2().encode_utf16().count())}</div>
                })}
            }
            .into_any()
        }
    };

    let error2 = error.clone();
    let err_id2 = err_id.clone();
    view! {
        <fieldset class="sq" id=format!("sq-{qid}") data-testid=format!("q-{qid}") tabindex="-1"
            aria-describedby=err_id2 aria-invalid=move || error2().is_some().to_string()>
            <legend id=format!("sq-{qid}-q")>
                <span class="sq-n">{number}". "</span>
                {move || text.get(lang.get().is_zh()).to_string()}
                {move || if required {
                    view! { <span class="req" title=lang.get().t("必答", "Required")>" *"</span> }.into_any()
                } else {
                    view! { <span class="opt muted">{lang.get().t("（选填）", " (optional)")}</span> }.into_any()
                }}
            </legend>
            {input}
            <div class="err" id=err_id role="alert">{error}</div>
        </fieldset>
    }
}
