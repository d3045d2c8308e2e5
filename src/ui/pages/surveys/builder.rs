//! builder: editing one survey (/surveys/:id, `new` for a fresh one) — texts in both
//! languages, questions of every kind, scales with CSI weights, layout, journey stage and
//! touchpoint — with a preview, the low-score follow-up rule, and the customer link with
//! its QR code for printing. Saving a survey that has responses makes a new version
//! (domain `Survey::edit`). Unsaved edits are kept on this device until saved.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::answer::SurveyForm;
use super::qr::QrCodeSvg;
use super::records::{load_rule, load_survey, responses_to_version, survey_id, url_key};
use crate::domain::journey::{default_journey, JourneyConfig};
use crate::domain::survey::{
    blank_survey, ChoiceOption, FollowUpKind, FollowUpRule, FollowUpSettings, Question,
    QuestionKind, Scale, Survey, SurveyMode, Text,
};
use crate::store::typed;
use crate::sync::link::{share_link, with_branch, with_staff, LinkTarget};
use crate::ui::components::sync_status::sync_ctx;
use crate::ui::components::NeedUser;
use crate::ui::i18n::t2;
use crate::ui::platform::{
    closed_tab_draft, local_read, local_remove, local_write, new_id, now, tab_id, window,
};
use crate::ui::state::{app, store};

type Draft = RwSignal<Option<Survey>>;

/// Where the drafts of survey `id` (None: a new, never saved survey) are kept, one per tab
/// under this prefix (`<prefix><tab id>`): two tabs keep theirs apart, so one tab's save does
/// not drop what another typed, and a second tab on /surveys/new does not open on the first
/// one's survey.
fn draft_prefix(id: Option<&str>) -> String {
    format!("kefu.survey-draft.{}.", id.unwrap_or("new"))
}

/// The one key for every tab that earlier builds kept the draft under (taken up once).
fn legacy_key(prefix: &str) -> String {
    prefix.trim_end_matches('.').to_string()
}

/// A draft as kept: the survey as typed and, for a saved survey, the revision it was typed
/// over, so that after a refused stale save (a colleague saved first) what was typed is taken
/// over the newer revision ([`Survey::rebase`]). Earlier builds kept the survey alone.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum KeptDraft {
    Based {
        survey: serde_json::Value,
        base: Option<serde_json::Value>,
    },
    Plain(serde_json::Value),
}

/// A survey read from its JSON (through a `Value`, as the store reads surveys: one compiled
/// deserializer).
fn survey_of(v: &serde_json::Value) -> Option<Survey> {
    serde_json::from_value::<Survey>(v.clone()).ok()
}

impl KeptDraft {
    fn new(survey: &Survey, base: Option<&Survey>) -> Option<Self> {
        Some(KeptDraft::Based {
            survey: serde_json::to_value(survey).ok()?,
            base: match base {
                Some(b) => Some(serde_json::to_value(b).ok()?),
                None => None,
            },
        })
    }

    /// The survey as it is to be shown over `loaded` (None: a new survey): the draft itself
    /// when typed over the same revision, taken over a newer one when a colleague saved since;
    /// None when it does not belong (another survey, or unreadable).
    fn over(&self, loaded: Option<&Survey>) -> Option<Survey> {
        let (survey, base) = match self {
            KeptDraft::Based { survey, base } => {
                (survey_of(survey)?, base.as_ref().and_then(survey_of))
            }
            // An earlier build's: only over the revision it was typed on.
            KeptDraft::Plain(v) => (survey_of(v)?, None),
        };
        match loaded {
            None => survey.rev.is_none().then_some(survey),
            Some(l) if survey.id != l.id => None,
            Some(l) if survey.rev == l.rev => Some(survey),
            Some(l) => {
                let base = base.filter(|b| b.id == l.id && b.rev == survey.rev)?;
                Some(survey.rebase(&base, l))
            }
        }
    }
}
fn kind_key(k: &QuestionKind) -> &'static str {
    match k {
        QuestionKind::Likert5 => "likert",
        QuestionKind::Nps => "nps",
        QuestionKind::CsatFaces => "faces",
        QuestionKind::SingleChoice { .. } => "single",
        QuestionKind::MultipleChoice { .. } => "multiple",
        QuestionKind::FreeText { .. } => "text",
    }
}

const KINDS: [QuestionKind; 6] = [
    QuestionKind::Likert5,
    QuestionKind::Nps,
    QuestionKind::CsatFaces,
    QuestionKind::SingleChoice {
        options: Vec::new(),
    },
    QuestionKind::MultipleChoice {
        options: Vec::new(),
    },
    QuestionKind::FreeText { max_len: None },
];

fn option(n: usize) -> ChoiceOption {
    ChoiceOption {
        id: format!("o{n}"),
        label: Text::new(format!("选项{n}"), format!("Option {n}")),
    }
}

/// The new kind for `key`, keeping the options when switching between the choice kinds.
fn kind_from_key(key: &str, old: &QuestionKind) -> QuestionKind {
    let options = match old {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options.clone()
        }
        _ => vec![option(1), option(2)],
    };
    match key {
        "nps" => QuestionKind::Nps,
        "faces" => QuestionKind::CsatFaces,
        "single" => QuestionKind::SingleChoice { options },
        "multiple" => QuestionKind::MultipleChoice { options },
        "text" => QuestionKind::FreeText { max_len: Some(500) },
        _ => QuestionKind::Likert5,
    }
}

/// The first `<prefix><n>` not in `used`.
fn fresh_id<'a>(prefix: &str, used: impl Iterator<Item = &'a str> + Clone) -> String {
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|c| !used.clone().any(|u| u == c))
        .unwrap_or_default()
}

/// A text input editing one field of the draft.
fn draft_input(
    draft: Draft,
    id: String,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    get: impl Fn(&Survey) -> String,
    set: impl Fn(&mut Survey, String) + Send + Sync + 'static,
) -> impl IntoView {
    let value = draft.with_untracked(|d| d.as_ref().map(&get).unwrap_or_default());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id prop:value=value autocomplete="off"
                on:input=move |ev| {
                    // Typed in: no longer marked as the empty one (`mark_first_empty`).
                    if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
                        let _ = el.remove_attribute("aria-invalid");
                    }
                    let v = event_target_value(&ev);
                    draft.update(|d| if let Some(d) = d { set(d, v) });
                }/>
        </div>
    }
}

/// A save refused for text left empty: the first such field (the title's, then each
/// question's, Chinese before English) takes the keyboard, marked as wrong and described by
/// the list of what is missing (QA: the focus stayed on 保存问卷, nothing marked).
fn mark_first_empty(d: &Survey) {
    let empty = |t: &Text, at: &str| {
        if t.zh.trim().is_empty() {
            Some(format!("{at}-zh"))
        } else if t.en.trim().is_empty() {
            Some(format!("{at}-en"))
        } else {
            None
        }
    };
    let first = empty(&d.title, "sv-title").or_else(|| {
        d.questions
            .iter()
            .enumerate()
            .find_map(|(i, q)| empty(&q.text, &format!("q{i}")))
    });
    let Some(id) = first else { return };
    request_animation_frame(move || {
        let el = crate::ui::platform::window()
            .document()
            .and_then(|doc| doc.get_element_by_id(&id));
        if let Some(el) = el {
            let _ = el.set_attribute("aria-invalid", "true");
            let _ = el.set_attribute("aria-describedby", "survey-problems");
            crate::ui::platform::focus_id(&id);
        }
    });
}

#[component]
pub fn BuilderPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let params = use_params_map();
    let navigate = use_navigate();
    // The survey's id; for /surveys/new the draft's own (a kept draft's, or a fresh one).
    let id = Memo::new(move |_| {
        let p = params.read().get("id").unwrap_or_default();
        if p == "new" {
            String::new()
        } else {
            survey_id(&p)
        }
    });
    let is_new = Memo::new(move |_| params.read().get("id").as_deref() == Some("new"));

    let original: Draft = RwSignal::new(None);
    let draft: Draft = RwSignal::new(None);
    let structure = RwSignal::new(0u32);
    // The question removed last, to be put back ([`Removed`]).
    let removed: RwSignal<Option<Removed>> = RwSignal::new(None);
    let restored = RwSignal::new(false);
    let missing = RwSignal::new(false);
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let journey: RwSignal<JourneyConfig> = RwSignal::new(default_journey());

    // This tab's id: its drafts are kept under it (see [`draft_prefix`]).
    let tab = StoredValue::new(tab_id());
    let own_key = move |id: Option<&str>| format!("{}{}", draft_prefix(id), tab.get_value());
    // Whether a closed tab's draft has been looked for (`data-drafts-checked`, for tests).
    let drafts_checked = RwSignal::new(false);

    // Which load is the latest: a load that ends after a newer one began, or after a save, is
    // dropped (one ending after a new survey's save wrote its draft back as unsaved, and the
    // next new survey took it up and could not be saved over the saved one).
    let load_gen = StoredValue::new(0u32);
    // Load once per id (not on every store change, so edits in progress stay).
    Effect::new(move |_| {
        let id = id.get();
        let new = is_new.get();
        drafts_checked.set(false);
        load_gen.update_value(|g| *g += 1);
        let gen = load_gen.get_value();
        spawn_local(async move {
            let st = store();
            let j = typed::load::<JourneyConfig, _>(&st, "journey:config").await;
            // The page may be gone by now (a kiosk-locked tablet sent straight back to its
            // kiosk): nothing of it is touched (QA: a panic reading its tab's id).
            if load_gen.try_get_value() != Some(gen) {
                return;
            }
            if let Ok(j) = j {
                journey.set(j);
            }
            let loaded = if new {
                None
            } else {
                match load_survey(&st, &id).await {
                    Ok(s) => Some(s),
                    Err(_) => {
                        missing.try_set(true);
                        return;
                    }
                }
            };
            if load_gen.try_get_value() != Some(gen) {
                return;
            }
            // This tab's own draft, else one a closed tab (or an earlier build) left. A
            // draft typed over an older revision (a save refused as stale) is taken over
            // this one.
            let prefix = draft_prefix(loaded.as_ref().map(|l| l.id.as_str()));
            let own = own_key(loaded.as_ref().map(|l| l.id.as_str()));
            let typed = |s: &Survey| match &loaded {
                None => *s != blank_survey(&s.id),
                Some(l) => s != l,
            };
            let mine = local_read::<KeptDraft>(&own)
                .and_then(|k| k.over(loaded.as_ref()))
                .filter(|s| typed(s));
            let kept = match mine {
                Some(s) => Some(s),
                None => {
                    let legacy = legacy_key(&prefix);
                    let usable = |k: &KeptDraft| k.over(loaded.as_ref()).is_some_and(|s| typed(&s));
                    closed_tab_draft(&prefix, &own, Some(&legacy), usable, |k, _| k.to_string())
                        .await
                        .and_then(|(orphan, k)| {
                            local_remove(&orphan);
                            k.over(loaded.as_ref())
                        })
                }
            };
            if load_gen.try_get_value() != Some(gen) {
                return;
            }
            restored.set(kept.is_some());
            let fresh = || match &loaded {
                None => blank_survey(&new_id("survey")),
                Some(l) => l.clone(),
            };
            draft.set(Some(kept.unwrap_or_else(fresh)));
            original.set(loaded);
            // A question removed from the survey shown before is not another's to put back.
            removed.set(None);
            structure.update(|n| *n += 1);
            drafts_checked.set(true);
        });
    });
    // Keep unsaved edits on this device, under this tab's key, until a save succeeds (a
    // refused one keeps them); an untouched form keeps none.
    Effect::new(move |_| {
        let (Some(d), o) = (draft.get(), original.get()) else {
            return;
        };
        let (key, untouched) = match &o {
            None => (own_key(None), d == blank_survey(&d.id)),
            Some(o) => (own_key(Some(&o.id)), *o == d),
        };
        match KeptDraft::new(&d, o.as_ref()) {
            Some(k) if !untouched => local_write(&key, &k),
            _ => local_remove(&key),
        }
    });

    // Whether this device syncs (read tracked: the version note follows a change of it).
    let sync_config = sync_ctx().config;
    let syncing = move || sync_config.with(|c| c.as_ref().is_some_and(|c| c.enabled));
    let responses_now = Res::new(move || {
        state.changes.track();
        let o = original.get();
        async move {
            match o {
                Some(o) => responses_to_version(&store(), &o.id, o.version)
                    .await
                    .unwrap_or(0),
                None => 0,
            }
        }
    });

    let problems = move || {
        let zh = lang.get().is_zh();
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.definition_problems(zh))
                .unwrap_or_default()
        })
    };

    // A survey is changed by a signed-in staff member, as every record of the desk is: the
    // form stays open to read and type in (the typing is kept), its save waits for a sign-in.
    let no_user = move || state.user.get().is_none();
    let save = move || {
        let Some(d) = draft.get_untracked() else {
            return;
        };
        if untrack(no_user) {
            return;
        }
        tried.set(true);
        if !d.definition_problems(state.zh()).is_empty() || busy.get_untracked() {
            mark_first_empty(&d);
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let by = state
            .user
            .get_untracked()
            .map(|u| u.name)
            .unwrap_or_default();
        spawn_local(async move {
            let st = store();
            let was_new = original.get_untracked().is_none();
            let result = match original.get_untracked() {
                None => {
                    let mut s = d.clone().saved_by(&by, now());
                    typed::save(&st, &s).await.map(|rev| {
                        s.rev = Some(rev);
                        (s, false, 0)
                    })
                }
                Some(o) => match responses_to_version(&st, &o.id, o.version).await {
                    Err(e) => Err(e),
                    Ok(n) => {
                        // On a device that syncs, answers to this version may be waiting on
                        // kiosks and phones it cannot see: a change of what is asked is always
                        // a new version there, or those answers would count under questions
                        // their customers never saw.
                        let mut s = o.edit(d, n > 0 || untrack(syncing)).saved_by(&by, now());
                        let bumped = s.version != o.version;
                        typed::save(&st, &s).await.map(|rev| {
                            s.rev = Some(rev);
                            (s, bumped, n)
                        })
                    }
                },
            };
            busy.set(false);
            match result {
                Ok((s, bumped, answered)) => {
                    load_gen.update_value(|g| *g += 1);
                    // Only this tab's own draft: another tab's typing stays its own.
                    local_remove(&own_key(Some(&s.id)));
                    if was_new {
                        local_remove(&own_key(None));
                    }
                    original.set(Some(s.clone()));
                    draft.set(Some(s.clone()));
                    restored.set(false);
                    removed.set(None);
                    tried.set(false);
                    structure.update(|n| *n += 1);
                    let v = s.version;
                    if bumped && answered > 0 {
                        state.tell(
                            format!("已保存为第 {v} 版；已有答卷仍属于第 {} 版", v - 1),
                            format!(
                                "Saved as version {v}; earlier responses keep version {}",
                                v - 1
                            ),
                        );
                    } else if bumped {
                        // No answers to the old version here: the version is new because the
                        // device syncs (QA: it said answers belonged to a version that had none).
                        state.tell(
                            format!("已保存为第 {v} 版：本设备参与同步，修改题目总会生成新版本；自助终端和客户手机上按第 {} 版作答的答卷仍计入第 {} 版", v - 1, v - 1),
                            format!(
                                "Saved as version {v}: on a device that syncs a change of the questions is always a new version; answers to version {} still on kiosks and phones count under it",
                                v - 1
                            ),
                        );
                    } else {
                        state.tell("问卷已保存", "The survey is saved");
                    }
                    if was_new {
                        navigate(&format!("/surveys/{}", url_key(&s.id)), Default::default());
                    }
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let discard = move |_| {
        let o = original.get_untracked();
        match o {
            Some(o) => {
                local_remove(&own_key(Some(&o.id)));
                draft.set(Some(o));
            }
            None => {
                local_remove(&own_key(None));
                draft.set(Some(blank_survey(&new_id("survey"))));
            }
        }
        restored.set(false);
        removed.set(None);
        structure.update(|n| *n += 1);
    };

    let zh = move || lang.get().is_zh();
    let editor = move || {
        structure.track();
        if draft.with_untracked(|d| d.is_none()) {
            return view! { <p class="muted">"…"</p> }.into_any();
        }
        view! {
            <BasicsPanel draft=draft journey=journey structure=structure/>
            <ScalesPanel draft=draft structure=structure/>
            <QuestionsPanel draft=draft structure=structure removed=removed/>
        }
        .into_any()
    };

    view! {
        <section class="survey-builder" data-drafts-checked=move || drafts_checked.get().to_string()>
            {move || missing.get().then(|| view! {
                <div class="panel" role="alert" data-testid="survey-missing">
                    <h1>{t2("找不到这份问卷", "Survey not found")}</h1>
                    <A href="/surveys">{t2("返回问卷列表", "Back to the surveys")}</A>
                </div>
            })}
            <div class="spread no-print">
                <h1>
                    {move || draft.with(|d| d.as_ref().map(|d| d.title.get(zh()).to_string())).unwrap_or_default()}
                    " "
                    {move || original.with(|o| o.as_ref().map(|o| o.version)).map(|v| view! {
                        <span class="badge info" data-testid="survey-version">
                            {move || if zh() { format!("第 {v} 版") } else { format!("Version {v}") }}
                        </span>
                    })}
                    {move || original.with(|o| o.as_ref().is_some_and(|o| !o.collecting())).then(|| view! {
                        " " <span class="badge warn" data-testid="survey-stopped">{t2("已停止收集", "Not collecting")}</span>
                    })}
                </h1>
                <div class="row">
                    <A href="/surveys">{t2("全部问卷", "All surveys")}</A>
                    {move || original.with(|o| o.as_ref().map(|o| url_key(&o.id).to_string())).map(|key| view! {
                        <A href=format!("/surveys/{key}/results") attr:data-testid="to-results">{t2("查看结果", "Results")}</A>
                    })}
                </div>
            </div>
            {move || original.get().map(|o| {
                let versions: Vec<u32> = o.previous_versions.iter().map(|v| v.version).collect();
                view! {
                    <p class="muted no-print" data-testid="version-info">
                        {move || responses_now.get().map(|n| match (zh(), syncing()) {
                            (true, false) => format!("当前第 {} 版已有 {n} 份答卷；有答卷后修改题目、维度、CSAT 题或旅程阶段将生成新版本，已有答卷保留原版本（只改标题或版式不会）。", o.version),
                            (false, false) => format!("Version {} has {n} responses; changing its questions, scales, CSAT question or journey stage now makes a new version, and earlier responses keep theirs (a new title or layout does not).", o.version),
                            (true, true) => format!("当前第 {} 版本机已有 {n} 份答卷。本机同步数据：自助终端和客户手机上可能还有未送达的答卷，修改题目、维度、CSAT 题或旅程阶段总会生成新版本，已有答卷保留原版本（只改标题或版式不会）。", o.version),
                            (false, true) => format!("Version {} has {n} responses on this device. This device syncs, and kiosks and phones may hold answers not yet delivered: changing its questions, scales, CSAT question or journey stage always makes a new version, and those answers keep theirs (a new title or layout does not).", o.version),
                        })}
                        {(!versions.is_empty()).then(|| {
                            let list = versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                            view! { " " {move || if zh() { format!("早期版本：{list}") } else { format!("Earlier versions: {list}") }} }
                        })}
                        {o.changed.clone().map(|c| {
                            let at = c.at.format("%Y-%m-%d %H:%M").to_string();
                            view! { " " <span data-testid="survey-changed">{move || if zh() {
                                format!("最近由 {} 于 {at} 保存。", c.by)
                            } else {
                                format!("Last saved by {} at {at}.", c.by)
                            }}</span> }
                        })}
                    </p>
                }
            })}
            {move || restored.get().then(|| view! {
                <div class="notice no-print" role="status" data-testid="draft-restored">
                    <span>{t2("已恢复上次未保存的修改。", "Your unsaved changes were restored.")}</span>
                    <button type="button" on:click=discard>{t2("放弃修改", "Discard them")}</button>
                </div>
            })}
            // Said from here: the questions' panel is drawn anew on each removal, and a live
            // region that arrives with its text is not read out.
            <div role="status" class="sr-only">{move || removed.get().map(|r| {
                let n = r.at + 1;
                if zh() { format!("已删除第 {n} 题，可撤销删除") } else { format!("Question {n} was removed; it can be put back") }
            })}</div>
            <div class="no-print">{editor}</div>
            <div class="panel no-print">
                {move || {
                    let p = problems();
                    (tried.get() && !p.is_empty()).then(|| view! {
                        <div role="alert"><ul class="err" data-testid="survey-problems" id="survey-problems">
                            {p.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul></div>
                    })
                }}
                {move || no_user().then(|| view! { <NeedUser/> })}
                <div class="actions">
                    <button type="button" class="primary" data-testid="save-survey"
                        on:click=move |_| save() disabled=move || busy.get() || no_user()>
                        {move || if busy.get() { t2("正在保存…", "Saving…")() } else { t2("保存问卷", "Save the survey")() }}
                    </button>
                </div>
            </div>
            {move || original.get().map(|o| view! {
                <FollowUpPanel survey_id=o.id.clone()/>
                <CollectPanel original=original draft=draft/>
                <LinkPanel survey=o/>
            })}
            <PreviewPanel draft=draft/>
        </section>
    }
}

#[component]
fn BasicsPanel(
    draft: Draft,
    journey: RwSignal<JourneyConfig>,
    structure: RwSignal<u32>,
) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let d = draft.get_untracked().unwrap_or_else(|| blank_survey(""));
    let mode = if d.mode == SurveyMode::OnePage {
        "page"
    } else {
        "screen"
    };
    let stage = d.stage.clone().unwrap_or_default();
    let touchpoint = d.touchpoint.clone().unwrap_or_default();
    let csat_q = d.csat_question.clone().unwrap_or_default();
    let questions = d.questions.clone();
    view! {
        <div class="panel">
            <h2>{t2("基本信息", "About the survey")}</h2>
            <div class="fields">
                {draft_input(draft, "sv-title-zh".into(), t2("标题（中文）", "Title (Chinese)"),
                    |s| s.title.zh.clone(), |s, v| s.title.zh = v)}
                {draft_input(draft, "sv-title-en".into(), t2("标题（英文）", "Title (English)"),
                    |s| s.title.en.clone(), |s, v| s.title.en = v)}
                <div class="field">
                    <label for="sv-mode">{t2("作答方式", "Layout")}</label>
                    <select id="sv-mode" prop:value=mode on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d {
                            d.mode = if v == "page" { SurveyMode::OnePage } else { SurveyMode::OnePerScreen };
                        });
                    }>
                        <option value="screen" selected=mode == "screen">{move || SurveyMode::OnePerScreen.label(zh())}</option>
                        <option value="page" selected=mode == "page">{move || SurveyMode::OnePage.label(zh())}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="sv-stage">{t2("旅程阶段", "Journey stage")}</label>
                    <select id="sv-stage" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d {
                            d.stage = (!v.is_empty()).then_some(v);
                            d.touchpoint = None;
                        });
                        structure.update(|n| *n += 1);
                    }>
                        <option value="" selected=stage.is_empty()>{t2("（不限）", "(none)")}</option>
                        {move || journey.get().stages.into_iter().map(|s| {
                            let sel = s.id == stage;
                            view! { <option value=s.id.clone() selected=sel>{s.name.get(zh()).to_string()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sv-touchpoint">{t2("触点", "Touchpoint")}</label>
                    <select id="sv-touchpoint" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d { d.touchpoint = (!v.is_empty()).then_some(v) });
                    }>
                        <option value="" selected=touchpoint.is_empty()>{t2("（不限）", "(none)")}</option>
                        {move || {
                            let j = journey.get();
                            let stage_id = draft.with_untracked(|d| d.as_ref().and_then(|d| d.stage.clone()));
                            j.stages.into_iter().filter(|s| Some(&s.id) == stage_id.as_ref())
                                .flat_map(|s| s.touchpoints).map(|t| {
                                    let sel = t.id == touchpoint;
                                    view! { <option value=t.id.clone() selected=sel>{t.name.get(zh()).to_string()}</option> }
                                }).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="sv-csat">{t2("CSAT 计算题目", "CSAT question")}</label>
                    <select id="sv-csat" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| if let Some(d) = d { d.csat_question = (!v.is_empty()).then_some(v) });
                    }>
                        <option value="" selected=csat_q.is_empty()>{t2("全部满意度题", "Every satisfaction item")}</option>
                        {questions.into_iter().filter(|q| q.kind.is_satisfaction_item()).map(|q| {
                            let sel = q.id == csat_q;
                            // Its wording as typed now (a question just added has none yet).
                            let id = q.id.clone();
                            let text = move || draft.with(|d| {
                                d.as_ref()
                                    .and_then(|d| d.questions.iter().find(|x| x.id == id))
                                    .map(|x| x.text.get(zh()).to_string())
                                    .unwrap_or_default()
                            });
                            view! { <option value=q.id.clone() selected=sel>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
        </div>
    }
}

#[component]
fn ScalesPanel(draft: Draft, structure: RwSignal<u32>) -> impl IntoView {
    let scales = draft.with_untracked(|d| d.as_ref().map(|d| d.scales.clone()).unwrap_or_default());
    let bump = move || structure.update(|n| *n += 1);
    let add = move |_| {
        draft.update(|d| {
            if let Some(d) = d {
                let id = fresh_id("s", d.scales.iter().map(|s| s.id.as_str()));
                d.scales.push(Scale {
                    id,
                    name: Text::new("新维度", "New scale"),
                    weight: 1.0,
                });
            }
        });
        bump();
    };
    view! {
        <div class="panel">
            <h2>{t2("维度与 CSI 权重", "Scales and CSI weights")}</h2>
            <p class="muted small">{t2("同一维度的题目一起计算均值和信度（Cronbach's α）；CSI 按权重加权各维度指数。",
                "Questions of a scale are averaged and checked for reliability (Cronbach's α) together; the CSI weighs the scales' indexes.")}</p>
            <div class="sv-scales">
                {scales.into_iter().enumerate().map(|(i, s)| {
                    // Below 0: what was typed was not a weight (see the input below).
                    let weight = if s.weight >= 0.0 { s.weight.to_string() } else { String::new() };
                    view! {
                        <div class="fields sv-scale" data-testid=format!("scale-{i}")>
                            {draft_input(draft, format!("sc{i}-zh"), t2("名称（中文）", "Name (Chinese)"),
                                move |d| d.scales[i].name.zh.clone(), move |d, v| d.scales[i].name.zh = v)}
                            {draft_input(draft, format!("sc{i}-en"), t2("名称（英文）", "Name (English)"),
                                move |d| d.scales[i].name.en.clone(), move |d, v| d.scales[i].name.en = v)}
                            <div class="field">
                                <label for=format!("sc{i}-w")>{t2("权重", "Weight")}</label>
                                <input id=format!("sc{i}-w") inputmode="decimal" prop:value=weight
                                    on:input=move |ev| {
                                        // Not a number (empty, letters): below 0, which the survey's
                                        // check refuses in words. NaN, which it was, has no JSON: the
                                        // draft could not be kept, and Save said nothing.
                                        let v = crate::domain::customer::ascii_digits(event_target_value(&ev).trim())
                                            .parse::<f64>()
                                            .ok()
                                            .filter(|w| w.is_finite())
                                            .unwrap_or(-1.0);
                                        draft.update(|d| if let Some(d) = d { d.scales[i].weight = v });
                                    }/>
                            </div>
                            <div class="field sv-end">
                                <button type="button" class="danger" on:click=move |_| {
                                    draft.update(|d| if let Some(d) = d {
                                        let gone = d.scales.remove(i).id;
                                        for q in d.questions.iter_mut() {
                                            if q.scale.as_deref() == Some(gone.as_str()) { q.scale = None; }
                                        }
                                    });
                                    bump();
                                }>{t2("删除维度", "Remove scale")}</button>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button type="button" on:click=add data-testid="add-scale">{t2("添加维度", "Add a scale")}</button>
        </div>
    }
}

/// A question removed in the builder, kept until it is put back, the next removal, or a save:
/// where it was, and whether it was the CSAT question.
#[derive(Clone)]
struct Removed {
    at: usize,
    question: Question,
    was_csat: bool,
}

#[component]
fn QuestionsPanel(
    draft: Draft,
    structure: RwSignal<u32>,
    removed: RwSignal<Option<Removed>>,
) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let (questions, scales) = draft.with_untracked(|d| {
        d.as_ref()
            .map(|d| (d.questions.clone(), d.scales.clone()))
            .unwrap_or_default()
    });
    let count = questions.len();
    let bump = move || structure.update(|n| *n += 1);
    let edit = move |f: Box<dyn FnOnce(&mut Survey)>| {
        draft.update(|d| {
            if let Some(d) = d {
                f(d)
            }
        });
        bump();
    };
    let add = move |_| {
        edit(Box::new(|d| {
            let id = fresh_id("q", d.questions.iter().map(|q| q.id.as_str()));
            d.questions.push(Question {
                id,
                text: Text::new("", ""),
                kind: QuestionKind::Likert5,
                required: true,
                scale: None,
            });
        }));
    };
    let follow = |id: String| request_animation_frame(move || crate::ui::platform::focus_id(&id));
    // Puts the question removed last back where it was, the CSAT question again if it was.
    let put_back = move |_| {
        let Some(r) = removed.get_untracked() else {
            return;
        };
        removed.set(None);
        let at = draft.with_untracked(|d| r.at.min(d.as_ref().map_or(0, |d| d.questions.len())));
        edit(Box::new(move |d| {
            let mut q = r.question;
            // Its id given since to a question added, it comes back under a new one; its scale
            // removed since, it comes back without one.
            if d.questions.iter().any(|o| o.id == q.id) {
                q.id = fresh_id("q", d.questions.iter().map(|o| o.id.as_str()));
            }
            if q.scale.as_deref().is_some_and(|s| d.scale(s).is_none()) {
                q.scale = None;
            }
            if r.was_csat && d.csat_question.is_none() {
                d.csat_question = Some(q.id.clone());
            }
            d.questions.insert(at, q);
        }));
        follow(format!("q{at}-zh"));
    };
    let removed_line = move || {
        removed.get().map(|r| {
            let n = r.at + 1;
            let text = r.question.text.clone();
            view! {
                <p class="sv-removed" data-testid="question-removed">
                    <span>{move || if zh() {
                        format!("已删除第 {n} 题“{}”。", text.zh)
                    } else {
                        format!("Question {n} (\u{201c}{}\u{201d}) was removed.", if text.en.is_empty() { &text.zh } else { &text.en })
                    }}</span>
                    <button type="button" data-testid="question-put-back" on:click=put_back>
                        {t2("撤销删除", "Put it back")}
                    </button>
                </p>
            }
        })
    };
    view! {
        <div class="panel">
            <h2>{t2("题目", "Questions")}</h2>
            {removed_line}
            <ol class="sv-questions">
                {questions.into_iter().enumerate().map(|(i, q)| {
                    let kind = kind_key(&q.kind);
                    let scale = q.scale.clone().unwrap_or_default();
                    let scales = scales.clone();
                    let options = match &q.kind {
                        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => Some(options.clone()),
                        _ => None,
                    };
                    let max_len = match &q.kind { QuestionKind::FreeText { max_len } => Some(*max_len), _ => None };
                    view! {
                        <li class="sv-question" data-testid=format!("question-{i}")>
                            <div class="fields">
                                {draft_input(draft, format!("q{i}-zh"), t2("题目（中文）", "Question (Chinese)"),
                                    move |d| d.questions[i].text.zh.clone(), move |d, v| d.questions[i].text.zh = v)}
                                {draft_input(draft, format!("q{i}-en"), t2("题目（英文）", "Question (English)"),
                                    move |d| d.questions[i].text.en.clone(), move |d, v| d.questions[i].text.en = v)}
                                <div class="field">
                                    <label for=format!("q{i}-kind")>{t2("题型", "Type")}</label>
                                    <select id=format!("q{i}-kind") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(Box::new(move |d| {
                                            let q = &mut d.questions[i];
                                            q.kind = kind_from_key(&v, &q.kind);
                                            if !q.kind.is_satisfaction_item() && d.csat_question.as_deref() == Some(q.id.as_str()) {
                                                d.csat_question = None;
                                            }
                                        }));
                                    }>
                                        {KINDS.iter().map(|k| {
                                            let key = kind_key(k);
                                            let k = k.clone();
                                            view! { <option value=key selected=key == kind>{move || k.label(zh())}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=format!("q{i}-scale")>{t2("所属维度", "Scale")}</label>
                                    <select id=format!("q{i}-scale") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        draft.update(|d| if let Some(d) = d { d.questions[i].scale = (!v.is_empty()).then_some(v) });
                                    }>
                                        <option value="" selected=scale.is_empty()>{t2("（无）", "(none)")}</option>
                                        {scales.into_iter().map(|s| {
                                            let sel = s.id == scale;
                                            view! { <option value=s.id.clone() selected=sel>{move || s.name.get(zh()).to_string()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label class="check">
                                        <input type="checkbox" id=format!("q{i}-required") prop:checked=q.required
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                draft.update(|d| if let Some(d) = d { d.questions[i].required = on });
                                            }/>
                                        " " {t2("必答", "Required")}
                                    </label>
                                </div>
                                {max_len.map(|m| view! {
                                    <div class="field">
                                        <label for=format!("q{i}-max")>{t2("最多字数", "Maximum length")}</label>
                                        <input id=format!("q{i}-max") type="number" min="1" prop:value=m.map(|m| m.to_string()).unwrap_or_default()
                                            on:input=move |ev| {
                                                let v = event_target_value(&ev).parse::<u32>().ok().filter(|v| *v > 0);
                                                draft.update(|d| if let Some(d) = d { d.questions[i].kind = QuestionKind::FreeText { max_len: v } });
                                            }/>
                                    </div>
                                })}
                            </div>
                            {options.map(|opts| {
                                let n = opts.len();
                                view! {
                                    <div class="sv-options">
                                        <div class="label">{t2("选项", "Options")}</div>
                                        {opts.into_iter().enumerate().map(|(j, o)| {
                                            fn opt_at(d: &mut Survey, i: usize, j: usize) -> Option<&mut ChoiceOption> {
                                                match &mut d.questions[i].kind {
                                                    QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => options.get_mut(j),
                                                    _ => None,
                                                }
                                            }
                                            view! {
                                                <div class="row sv-option">
                                                    <input id=format!("q{i}-o{j}-zh") aria-label=t2("选项（中文）", "Option (Chinese)") prop:value=o.label.zh.clone()
                                                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(o) = d.as_mut().and_then(|d| opt_at(d, i, j)) { o.label.zh = v }); }/>
                                                    <input id=format!("q{i}-o{j}-en") aria-label=t2("选项（英文）", "Option (English)") prop:value=o.label.en.clone()
                                                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(o) = d.as_mut().and_then(|d| opt_at(d, i, j)) { o.label.en = v }); }/>
                                                    <button type="button" class="link" aria-label=t2("删除选项", "Remove option")
                                                        on:click=move |_| edit(Box::new(move |d| {
                                                            if let QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } = &mut d.questions[i].kind {
                                                                options.remove(j);
                                                            }
                                                        }))>"×"</button>
                                                </div>
                                            }
                                        }).collect_view()}
                                        <button type="button" data-testid=format!("q{i}-add-option") on:click=move |_| edit(Box::new(move |d| {
                                            if let QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } = &mut d.questions[i].kind {
                                                let id = fresh_id("o", options.iter().map(|o| o.id.as_str()));
                                                // A default label no other option has (two options may not share one).
                                                let mut o = (n + 1..)
                                                    .map(option)
                                                    .find(|o| !options.iter().any(|e| e.label.zh == o.label.zh || e.label.en == o.label.en))
                                                    .unwrap_or_else(|| option(n + 1));
                                                o.id = id;
                                                options.push(o);
                                            }
                                        }))>{t2("添加选项", "Add an option")}</button>
                                    </div>
                                }
                            })}
                            // The keyboard follows the question moved (a second ↑ moves it on, not
                            // the one it passed), and after a removal goes to the next question's
                            // text, where a second Enter removes nothing.
                            <div class="row sv-qactions">
                                <button type="button" id=format!("q{i}-up") disabled=i == 0 on:click=move |_| {
                                    edit(Box::new(move |d| d.questions.swap(i - 1, i)));
                                    follow(if i > 1 { format!("q{}-up", i - 1) } else { "q0-down".into() });
                                } aria-label=t2("上移", "Move up")>"↑"</button>
                                <button type="button" id=format!("q{i}-down") disabled=i + 1 == count on:click=move |_| {
                                    edit(Box::new(move |d| d.questions.swap(i, i + 1)));
                                    follow(if i + 2 < count { format!("q{}-down", i + 1) } else { format!("q{}-up", i + 1) });
                                } aria-label=t2("下移", "Move down")>"↓"</button>
                                <button type="button" class="danger" data-testid=format!("q{i}-remove") on:click=move |_| {
                                    edit(Box::new(move |d| {
                                        let question = d.questions.remove(i);
                                        let was_csat = d.csat_question.as_deref() == Some(question.id.as_str());
                                        if was_csat { d.csat_question = None; }
                                        removed.set(Some(Removed { at: i, question, was_csat }));
                                    }));
                                    follow(if i + 1 < count { format!("q{i}-zh") } else { "add-question".into() });
                                }>{t2("删除题目", "Remove question")}</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <button type="button" id="add-question" on:click=add data-testid="add-question">{t2("添加题目", "Add a question")}</button>
        </div>
    }
}

/// Parses a threshold field: empty = off; otherwise a whole number within `max`.
fn threshold(s: &str, max: u8) -> Result<Option<u8>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u8>()
        .ok()
        .filter(|v| *v <= max)
        .map(Some)
        .ok_or(())
}

#[component]
fn FollowUpPanel(survey_id: String) -> impl IntoView {
    let state = app();
    let settings: RwSignal<Option<FollowUpSettings>> = RwSignal::new(None);
    let enabled = RwSignal::new(true);
    let likert = RwSignal::new(String::new());
    let faces = RwSignal::new(String::new());
    let nps = RwSignal::new(String::new());
    let complaint = RwSignal::new(String::new());
    let kind = RwSignal::new("visit".to_string());
    let show = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    {
        let id = survey_id.clone();
        spawn_local(async move {
            let s = load_rule(&store(), &id).await;
            enabled.set(s.rule.enabled);
            likert.set(show(s.rule.likert_at_most));
            faces.set(show(s.rule.csat_at_most));
            nps.set(show(s.rule.nps_at_most));
            complaint.set(show(s.rule.complaint_at_most));
            kind.set(
                if s.rule.kind == FollowUpKind::ComplaintDraft {
                    "complaint"
                } else {
                    "visit"
                }
                .into(),
            );
            settings.set(Some(s));
        });
    }
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut s) = settings.get_untracked() else {
            return;
        };
        if state.user.get_untracked().is_none() {
            return;
        }
        let parsed = (
            threshold(&likert.get_untracked(), 5),
            threshold(&faces.get_untracked(), 5),
            threshold(&nps.get_untracked(), 10),
            threshold(&complaint.get_untracked(), 5),
        );
        let (Ok(l), Ok(f), Ok(n), Ok(c)) = parsed else {
            error.set(Some(state.lang.get_untracked().s(
                "阈值须为整数：五级量表和表情 1–5，推荐度 0–10；留空表示不触发",
                "Thresholds are whole numbers: 1–5 for Likert and smileys, 0–10 for NPS; leave empty for none",
            )));
            return;
        };
        error.set(None);
        let rule = FollowUpRule {
            enabled: enabled.get_untracked(),
            likert_at_most: l,
            csat_at_most: f,
            nps_at_most: n,
            complaint_at_most: c,
            kind: if kind.get_untracked() == "complaint" {
                FollowUpKind::ComplaintDraft
            } else {
                FollowUpKind::ReturnVisit
            },
        };
        s.replace(rule, now());
        spawn_local(async move {
            match typed::save(&store(), &s).await {
                Ok(rev) => {
                    s.rev = Some(rev);
                    settings.set(Some(s));
                    state.tell("低分跟进规则已保存", "The follow-up rule is saved");
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    view! {
        <form class="panel no-print" on:submit=save novalidate data-testid="followup-rule">
            <h2>{t2("低分跟进", "Follow-up on a low score")}</h2>
            <p class="muted small">{t2("答卷中任一题得分不高于阈值时，自动生成待办跟进（回访或投诉草稿），显示在结果页。修改后的规则只适用于此后提交的答卷。",
                "When any answer scores at or below a threshold, a follow-up (return visit or complaint draft) is opened and listed on the results page. A changed rule applies to the responses given after it.")}</p>
            <div class="fields">
                <div class="field"><label class="check">
                    <input type="checkbox" id="fu-enabled" bind:checked=enabled/>" " {t2("启用", "Enabled")}
                </label></div>
                <div class="field">
                    <label for="fu-likert">{t2("五级量表 ≤", "Likert at most")}</label>
                    <input id="fu-likert" inputmode="numeric" bind:value=likert/>
                </div>
                <div class="field">
                    <label for="fu-faces">{t2("表情评分 ≤", "Smileys at most")}</label>
                    <input id="fu-faces" inputmode="numeric" bind:value=faces/>
                </div>
                <div class="field">
                    <label for="fu-nps">{t2("推荐度 ≤", "NPS at most")}</label>
                    <input id="fu-nps" inputmode="numeric" bind:value=nps/>
                </div>
                <div class="field">
                    <label for="fu-kind">{t2("生成", "Open")}</label>
                    <select id="fu-kind" bind:value=kind>
                        <option value="visit">{t2("回访任务", "A return visit")}</option>
                        <option value="complaint">{t2("投诉草稿", "A complaint draft")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="fu-complaint">{t2("满意度 ≤ 时改为投诉草稿", "Complaint draft when satisfaction at most")}</label>
                    <input id="fu-complaint" inputmode="numeric" bind:value=complaint/>
                </div>
            </div>
            <div class="err" role="alert">{move || error.get()}</div>
            <div class="actions">
                <button type="submit" data-testid="save-rule"
                    disabled=move || settings.with(|s| s.is_none()) || state.user.get().is_none()>
                    {t2("保存跟进规则", "Save the rule")}
                </button>
            </div>
        </form>
    }
}

#[component]
fn LinkPanel(survey: Survey) -> impl IntoView {
    let lang = app().lang;
    let origin = window().location().origin().unwrap_or_default();
    let key = url_key(&survey.id).to_string();
    // With a responses database on the sync server, the link carries it: a customer's own
    // phone then fetches the survey there and delivers its answer (see docs/sync.md).
    let config = sync_ctx().config;
    let account = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let target = Memo::new(move |_| {
        config.with(|c| {
            c.as_ref()
                .and_then(|c| LinkTarget::from_config(c, &account.get(), &password.get()))
        })
    });
    // One staff member's link (a counter's own QR card): the responses given through it name
    // them, for the results' staff filter and the KPI sheet's satisfaction.
    let people = Res::new(|| async { crate::ui::data::active_staff(&store()).await });
    let rated = RwSignal::new(String::new());
    let rated_name = move || {
        let id = rated.get();
        people
            .get()
            .and_then(|list| list.into_iter().find(|s| s.id == id))
            .map(|s| s.name)
    };
    let branch = crate::ui::state::app().branch;
    let link = Memo::new(move |_| {
        let link = with_staff(
            &share_link(&origin, &key, target.get().as_ref()),
            &rated.get(),
            &rated_name().unwrap_or_default(),
        );
        branch.with(|b| with_branch(&link, b.named()))
    });
    let shareable = move || target.with(|t| t.is_some());
    let collecting = survey.collecting();
    let title = survey.title.clone();
    view! {
        <div class="panel sv-link">
            <h2 class="no-print">{t2("客户链接与二维码", "Customer link and QR code")}</h2>
            {(!collecting).then(|| view! {
                <p class="no-print warn-box" data-testid="link-stopped">{t2(
                    "已停止收集：客户打开这个链接或扫描二维码时，只看到“本次问卷调查已结束，感谢您的关注。”，不能再作答。恢复收集后链接和二维码照常可用。",
                    "Not collecting: a customer opening this link or scanning the QR code now only reads “This survey has ended. Thank you for your interest.” and cannot answer. Collect again and the link and code work as before.",
                )}</p>
            })}
            <p class="no-print" class:muted=shareable class:warn-box=move || !shareable()
                data-testid="link-mode">{move || if shareable() {
                t2("客户用自己的手机打开链接时，从同步服务器的问卷数据库取得问卷，联网后把答卷送回。",
                   "A customer's own phone gets the survey from the sync server's responses database and sends the answers back once online.")()
            } else {
                t2("客户的手机打不开这个链接：尚未设置问卷数据库（设置 → 同步）。链接只在本设备上可用，请先设置再打印二维码。",
                   "Customers' phones cannot open this link: no responses database is set (Settings → Sync). It works on this device only; set one up before printing the QR code.")()
            }}</p>
            {move || target.with(|t| t.is_some()).then(|| view! {
                <div class="grid no-print">
                    <div class="field">
                        <label for="link-user">{t2("问卷账号（可选，角色 kefu_kiosk）", "Survey account (optional, role kefu_kiosk)")}</label>
                        <input id="link-user" autocomplete="off" bind:value=account/>
                    </div>
                    <div class="field">
                        <label for="link-password">{t2("问卷账号密码（将写入链接）", "Its password (goes into the link)")}</label>
                        <input id="link-password" type="password" autocomplete="new-password" bind:value=password/>
                    </div>
                </div>
            })}
            <div class="field no-print">
                <label for="link-staff">{t2("本链接评价的员工（可选）", "Staff member this link rates (optional)")}</label>
                <select id="link-staff" data-testid="link-staff" on:change=move |ev| rated.set(event_target_value(&ev))>
                    <option value="">{t2("不指定", "Nobody in particular")}</option>
                    {move || people.get().unwrap_or_default().into_iter().map(|s| view! {
                        <option value=s.id.clone() selected=rated.get_untracked() == s.id>{s.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="sv-qr-card">
                <div class="sv-qr-title">{move || title.get(lang.get().is_zh()).to_string()}</div>
                {move || rated_name().map(|n| view! {
                    <div class="sv-qr-staff" data-testid="link-staff-name">{move || lang.get().s(format!("服务人员：{n}"), format!("Served by {n}"))}</div>
                })}
                {move || {
                    let l = link.get();
                    view! { <QrCodeSvg text=l.clone() label=format!("QR: {l}")/> }
                }}
                <div class="sv-qr-hint">{t2("请用手机扫码评价我们的服务", "Scan with your phone to rate our service")}</div>
                <a href=move || link.get() target="_blank" data-testid="survey-link" class="sv-link-text">{move || link.get()}</a>
            </div>
            <div class="actions no-print">
                // A code no customer's phone can open, or that says the survey has ended, is not
                // offered for printing.
                <button type="button" data-testid="print-qr" disabled=move || !shareable() || !collecting
                    on:click=move |_| { let _ = window().print(); }>
                    {t2("打印二维码", "Print the QR code")}
                </button>
            </div>
        </div>
    }
}

/// Stopping and restarting the collection of answers (停止收集 / 恢复收集), each after a
/// confirmation in words. Whoever may save the survey here (a signed-in staff member) may do it. Saved as a revision of
/// the survey like an edit (so it syncs and is published to the responses database), but the
/// version and questions stay ([`Survey::stopped`]); an edit being typed is kept.
#[component]
fn CollectPanel(original: Draft, draft: Draft) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let collecting = move || original.with(|o| o.as_ref().is_none_or(|o| o.collecting()));
    // The confirmation on screen, if any.
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let apply = move |_| {
        let Some(o) = original.get_untracked() else {
            return;
        };
        let Some(by) = state.user.get_untracked().map(|u| u.name) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let mut s = if o.collecting() {
                o.stopped(now())
            } else {
                o.resumed()
            }
            .saved_by(&by, now());
            let saved = typed::save(&store(), &s).await;
            busy.set(false);
            asking.set(false);
            match saved {
                Ok(rev) => {
                    s.rev = Some(rev);
                    // An untouched form follows; one being edited keeps the edit, over this
                    // revision.
                    draft.update(|d| match d {
                        Some(d) if *d != o => {
                            d.stopped_at = s.stopped_at;
                            d.rev = s.rev.clone();
                            d.changed = s.changed.clone();
                        }
                        _ => *d = Some(s.clone()),
                    });
                    let stopped = !s.collecting();
                    original.set(Some(s));
                    if stopped {
                        state.tell(
                            "已停止收集：链接和自助终端显示问卷已结束",
                            "Stopped: the link and kiosks now say the survey has ended",
                        );
                    } else {
                        state.tell("已恢复收集", "Collecting answers again");
                    }
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    view! {
        <div class="panel no-print" data-testid="collect-panel">
            <h2>{t2("收集答卷", "Collecting answers")}</h2>
            <p class="muted small" data-testid="collect-state">{move || if collecting() {
                lang.get().t("正在收集：客户可通过链接、二维码和自助终端作答。", "Collecting: customers answer by the link, the QR code and kiosks.")
            } else {
                lang.get().t("已停止收集：链接、二维码和自助终端显示问卷已结束。已收到的答卷全部保留。",
                   "Not collecting: the link, the QR code and kiosks say the survey has ended. Every response received is kept.")
            }}</p>
            {move || {
                let on = collecting();
                if asking.get() {
                    view! {
                        <div class="notice" role="alert" data-testid="collect-confirm-box">
                            <p>{move || if on { lang.get().t(
                                "确定停止收集答卷？停止后，客户打开链接或扫描二维码将看到“本次问卷调查已结束”，不能再作答；锁定这份问卷的自助终端显示问卷已结束。已收到的答卷全部保留，客户手机上已提交、尚待发送的答卷仍会送达。可随时恢复收集。",
                                "Stop collecting answers? Customers opening the link or scanning the QR code will read that the survey has ended and cannot answer; kiosks locked to it say it has ended. Every response received is kept, and answers already given on a phone and waiting to be sent still arrive. You can collect again at any time.",
                            ) } else { lang.get().t(
                                "确定恢复收集答卷？链接、二维码和自助终端将重新接受答卷，新的答卷计入结果。",
                                "Collect answers again? The link, the QR code and kiosks take answers again, and new responses count in the results.",
                            ) }}</p>
                            <div class="actions row">
                                <button type="button" class=if on { "danger" } else { "primary" } data-testid="collect-confirm"
                                    disabled=move || busy.get() || state.user.get().is_none() on:click=apply>
                                    {move || if on { lang.get().t("确认停止收集", "Yes, stop collecting") } else { lang.get().t("确认恢复收集", "Yes, collect again") }}
                                </button>
                                <button type="button" data-testid="collect-cancel" on:click=move |_| asking.set(false)>
                                    {t2("取消", "Cancel")}
                                </button>
                            </div>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="actions">
                            <button type="button" class=if on { "danger" } else { "primary" } data-testid="collect-toggle"
                                disabled=move || state.user.get().is_none() on:click=move |_| asking.set(true)>
                                {move || if on { lang.get().t("停止收集…", "Stop collecting…") } else { lang.get().t("恢复收集…", "Collect again…") }}
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn PreviewPanel(draft: Draft) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let preview: RwSignal<Option<(u32, Survey)>> = RwSignal::new(None);
    let show = move |_| {
        let n = preview.with_untracked(|p| p.as_ref().map_or(0, |p| p.0 + 1));
        preview.set(draft.get_untracked().map(|s| (n, s)));
    };
    view! {
        <div class="panel no-print sv-preview">
            <div class="spread">
                <h2>{t2("预览", "Preview")}</h2>
                <div class="row">
                    <button type="button" data-testid="preview" on:click=show>
                        {move || if preview.with(|p| p.is_some()) { t2("刷新预览", "Refresh the preview")() } else { t2("预览", "Preview")() }}
                    </button>
                    {move || preview.with(|p| p.is_some()).then(|| view! {
                        <button type="button" on:click=move |_| preview.set(None)>{t2("关闭预览", "Close the preview")}</button>
                    })}
                </div>
            </div>
            {move || preview.get().map(|(_, s)| view! {
                <div class="sv-preview-frame" data-testid="preview-frame">
                    <SurveyForm survey=s lang=lang on_submit=move |_| state.tell("预览：答卷未保存", "Preview: the answers are not stored")/>
                </div>
            })}
        </div>
    }
}
