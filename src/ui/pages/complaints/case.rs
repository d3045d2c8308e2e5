//! complaints/case: the case page /complaints/:id — the record, the deadline clocks, every
//! round, the history as a timeline, and the lifecycle as actions: only those the domain
//! allows for the status and the signed-in person, each a small form.

use std::cell::RefCell;

use crate::ui::resource::Res;
use chrono::Datelike;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::domain::complaint::{
    clocks, severity_en, severity_zh, why_in, Action, ActionKind, Category, Channel, Complainant,
    Complaint, CorrectiveAction, Decision, Responsibility, Round,
};
use crate::domain::customer::Customer;
use crate::domain::opened_on::OpenedOn;
use crate::domain::staff::{Role, Staff};
use crate::store::{typed, StoreError};
use crate::ui::boot;
use crate::ui::components::ConflictBanner;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::customers::response_href;
use crate::ui::platform::{
    closed_tab_draft, focus_first, local_read, local_remove, local_write, tab_id,
};
use crate::ui::state::{app, store};

use super::intake::DEPARTMENTS;
use super::model::{clock_words, fmt_dt, from_slug, measures_words, now_s, slug, status_class};
use super::repo::{destroy_recorded, save_complaint};

/// The fields of the action forms, kept at page level so a refresh of the case (another tab
/// saved) does not wipe what is being typed.
#[derive(Clone, Copy)]
struct ActionForm {
    kind: RwSignal<Option<ActionKind>>,
    text: RwSignal<String>,
    category: RwSignal<String>,
    severity: RwSignal<String>,
    department: RwSignal<String>,
    responsibility: RwSignal<String>,
    /// To whom a finding beyond the branch's authority was reported.
    escalated: RwSignal<String>,
    channel: RwSignal<String>,
    satisfied: RwSignal<String>,
    /// Whether the corrective measures were carried out and worked ("yes", "no", "" unsaid).
    measures: RwSignal<String>,
    /// Corrective actions: (description, owner, due date `YYYY-MM-DD`).
    corrective: RwSignal<Vec<(String, String, String)>>,
    /// Counts edits of the corrective rows, which are changed without notifying `corrective`
    /// (that would re-render the rows and steal the focus): what keeps the draft follows it.
    corrective_edits: RwSignal<u32>,
    index: RwSignal<String>,
    /// A correction of the record (更正记录): the complainant's details and the narrative.
    record: RwSignal<Complainant>,
    narrative: RwSignal<String>,
    /// The manager's PIN for a destruction (销毁), as the retention page asks it. Never kept
    /// in the draft.
    pin: RwSignal<String>,
    /// The revision of the case the form was opened on: a save after the case was saved
    /// elsewhere (another tab, another device) is refused once, not applied over it.
    opened_on: RwSignal<OpenedOn>,
    /// The case as the form was opened on it (not kept over a reload): a newer revision that
    /// differs from it only where the record is not the case's (its listed deadline, rewritten
    /// for a calendar edited elsewhere) is no reason to refuse the step.
    opened_case: StoredValue<Option<Complaint>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    /// The key the form is kept under now (this tab's, for the person and case shown).
    kept_at: StoredValue<String>,
    /// The form as `open` filled it in (its draft's JSON): Escape closes only a form left so.
    pristine: StoredValue<String>,
    /// Whether a draft a closed tab left has been looked for (`data-drafts-checked`, for tests).
    drafts_checked: RwSignal<bool>,
    /// An action was just saved: the case shown next puts the keyboard focus on its next
    /// step (the page is drawn anew, and the focus would fall back to the page's top).
    refocus: RwSignal<bool>,
    /// Until when (ms) a case drawn again meanwhile (what the save wrote besides, read back)
    /// takes the focus again if it fell to the page (QA: it ended on <body> after some steps).
    refocus_until: StoredValue<f64>,
}

impl ActionForm {
    fn new() -> Self {
        ActionForm {
            kind: RwSignal::new(None),
            text: RwSignal::new(String::new()),
            category: RwSignal::new(String::new()),
            severity: RwSignal::new(String::new()),
            department: RwSignal::new(String::new()),
            responsibility: RwSignal::new(String::new()),
            escalated: RwSignal::new(String::new()),
            channel: RwSignal::new(slug(Channel::Phone)),
            satisfied: RwSignal::new(String::new()),
            measures: RwSignal::new(String::new()),
            corrective: RwSignal::new(Vec::new()),
            corrective_edits: RwSignal::new(0),
            index: RwSignal::new(String::new()),
            record: RwSignal::new(Complainant::default()),
            narrative: RwSignal::new(String::new()),
            pin: RwSignal::new(String::new()),
            opened_on: RwSignal::new(OpenedOn::default()),
            opened_case: StoredValue::new(None),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
            kept_at: StoredValue::new(String::new()),
            pristine: StoredValue::new(String::new()),
            drafts_checked: RwSignal::new(false),
            refocus: RwSignal::new(false),
            refocus_until: StoredValue::new(0.0),
        }
    }

    fn open(&self, kind: ActionKind, c: &Complaint) {
        self.kind.set(Some(kind));
        self.opened_on.set(OpenedOn::new(c.rev.as_deref()));
        self.opened_case.set_value(Some(c.clone()));
        self.error.set(None);
        self.text.set(String::new());
        self.satisfied.set(String::new());
        self.measures.set(String::new());
        self.escalated.set(String::new());
        self.pin.set(String::new());
        match kind {
            ActionKind::Classify => {
                self.category.set(c.category.map(slug).unwrap_or_default());
                self.severity
                    .set(c.severity.map(|s| s.to_string()).unwrap_or_default());
                self.department
                    .set(c.department.clone().unwrap_or_default());
            }
            ActionKind::RecordFindings => {
                self.text
                    .set(c.current_round().findings.clone().unwrap_or_default());
            }
            ActionKind::SubmitOpinion => {
                let r = c.current_round();
                self.text.set(r.opinion.clone().unwrap_or_default());
                self.responsibility
                    .set(r.responsibility.map(slug).unwrap_or_default());
                self.escalated
                    .set(r.escalated_to.clone().unwrap_or_default());
                self.corrective.set(
                    r.corrective_actions
                        .iter()
                        .map(|a| {
                            (
                                a.description.clone(),
                                a.owner.clone(),
                                a.due.map(|d| d.to_string()).unwrap_or_default(),
                            )
                        })
                        .collect(),
                );
            }
            ActionKind::Respond => self.channel.set(slug(c.reply_channel())),
            ActionKind::Correct => {
                self.record.set(c.complainant.clone());
                self.narrative.set(c.narrative.clone());
            }
            ActionKind::CompleteCorrectiveAction => {
                let first = c
                    .current_round()
                    .corrective_actions
                    .iter()
                    .position(|a| !a.done);
                self.index
                    .set(first.map(|i| i.to_string()).unwrap_or_default());
            }
            _ => {}
        }
        self.pristine.set_value(self.draft_text());
    }

    /// After the case changed elsewhere (`before` → `now`): each field of a correction or a
    /// classification this form left as it was takes the case's value now; what was typed stays.
    fn rebase(&self, before: &Complaint, now: &Complaint) {
        fn keep(field: RwSignal<String>, before: String, now: String) {
            if field.get_untracked() == before {
                field.set(now);
            }
        }
        match self.kind.get_untracked() {
            Some(ActionKind::Correct) => {
                let (b, n) = (&before.complainant, &now.complainant);
                self.record.update(|r| {
                    for (mine, was, is) in [
                        (&mut r.name, &b.name, &n.name),
                        (&mut r.phone, &b.phone, &n.phone),
                        (&mut r.email, &b.email, &n.email),
                        (&mut r.address, &b.address, &n.address),
                    ] {
                        if mine == was {
                            mine.clone_from(is);
                        }
                    }
                });
                keep(
                    self.narrative,
                    before.narrative.clone(),
                    now.narrative.clone(),
                );
            }
            Some(ActionKind::Classify) => {
                let slug_of = |c: &Complaint| c.category.map(slug).unwrap_or_default();
                let severity =
                    |c: &Complaint| c.severity.map(|s| s.to_string()).unwrap_or_default();
                let dept = |c: &Complaint| c.department.clone().unwrap_or_default();
                keep(self.category, slug_of(before), slug_of(now));
                keep(self.severity, severity(before), severity(now));
                keep(self.department, dept(before), dept(now));
            }
            _ => {}
        }
    }

    /// The form's fields as JSON, read without tracking.
    fn draft_text(&self) -> String {
        untrack(|| serde_json::to_string(&self.draft())).unwrap_or_default()
    }

    /// Whether anything was typed or chosen since the form was opened (or it was taken up
    /// from a kept draft, whose typing is not known).
    fn edited(&self) -> bool {
        self.draft_text() != self.pristine.get_value()
    }

    /// Closes the open form unsaved (取消, or Escape on an untouched form), its draft dropped,
    /// and gives the keyboard back to the action's button.
    fn cancel(&self) {
        let Some(k) = self.kind.get_untracked() else {
            return;
        };
        self.kind.set(None);
        self.pin.set(String::new());
        let opener = action_button(k);
        request_animation_frame(move || focus_first(&[&opener, "#actions-h"]));
    }

    /// The action as filled in, or what is missing in words.
    fn action(&self, lang: Lang) -> Result<Action, String> {
        let kind = self.kind.get_untracked().ok_or_default()?;
        let text = self.text.get_untracked();
        let need = |zh: &str, en: &str| lang.s(zh, en);
        Ok(match kind {
            ActionKind::Classify => Action::Classify {
                category: from_slug(&self.category.get_untracked())
                    .ok_or_else(|| need("请选择投诉类别", "Choose a category"))?,
                severity: self
                    .severity
                    .get_untracked()
                    .parse()
                    .map_err(|_| need("请选择严重程度", "Choose a severity"))?,
                department: self.department.get_untracked(),
            },
            ActionKind::StartInvestigation => Action::StartInvestigation,
            ActionKind::RecordFindings => Action::RecordFindings { findings: text },
            ActionKind::SubmitOpinion => {
                let mut actions = Vec::new();
                for (d, o, due) in self.corrective.get_untracked() {
                    let due = if due.trim().is_empty() {
                        None
                    } else {
                        Some(
                            chrono::NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d").map_err(
                                |_| need("整改期限日期格式不正确", "A due date is not a date"),
                            )?,
                        )
                    };
                    actions.push(CorrectiveAction::new(&d, &o, due));
                }
                Action::SubmitOpinion {
                    responsibility: from_slug(&self.responsibility.get_untracked()).ok_or_else(
                        || need("请选择责任认定", "Choose the responsibility finding"),
                    )?,
                    opinion: text,
                    corrective_actions: actions,
                    escalated_to: self.escalated.get_untracked(),
                }
            }
            ActionKind::Approve => Action::Approve { comment: text },
            ActionKind::Reject => Action::Reject { why: text },
            ActionKind::Respond => Action::Respond {
                channel: from_slug(&self.channel.get_untracked()).ok_or_else(|| {
                    need("请选择反馈方式", "Choose how the customer was answered")
                })?,
                content: text,
            },
            ActionKind::CompleteCorrectiveAction => Action::CompleteCorrectiveAction {
                index: self
                    .index
                    .get_untracked()
                    .parse()
                    .map_err(|_| need("请选择整改措施", "Choose the corrective action"))?,
            },
            ActionKind::StartVerification => Action::StartVerification,
            ActionKind::RecordVerification => Action::RecordVerification {
                satisfied: match self.satisfied.get_untracked().as_str() {
                    "yes" => true,
                    "no" => false,
                    _ => {
                        return Err(need(
                            "请选择客户是否满意",
                            "Choose whether the customer was satisfied",
                        ))
                    }
                },
                // Unsaid, it is refused by the case when the round has corrective measures.
                measures_effective: match self.measures.get_untracked().as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                note: text,
            },
            ActionKind::Close => Action::Close,
            ActionKind::Archive => Action::Archive,
            ActionKind::Reopen => Action::Reopen { why: text },
            ActionKind::Destroy => Action::Destroy { why: text },
            ActionKind::Correct => Action::Correct {
                complainant: self.record.get_untracked(),
                narrative: self.narrative.get_untracked(),
                why: text,
            },
            ActionKind::Receive | ActionKind::SettleConflict => return Err(String::new()),
        })
    }
}

/// What an open action form holds, kept in this browser per case so that a reload or a closed
/// tab loses nothing typed; dropped once the action is saved or the form cancelled.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct ActionDraft {
    kind: Option<ActionKind>,
    text: String,
    category: String,
    severity: String,
    department: String,
    responsibility: String,
    escalated: String,
    channel: String,
    satisfied: String,
    measures: String,
    corrective: Vec<(String, String, String)>,
    index: String,
    record: Complainant,
    narrative: String,
    opened_on: OpenedOn,
}

impl ActionForm {
    /// The form's fields (read tracked: an effect that calls this follows every keystroke).
    fn draft(&self) -> ActionDraft {
        self.corrective_edits.track();
        ActionDraft {
            kind: self.kind.get(),
            text: self.text.get(),
            category: self.category.get(),
            severity: self.severity.get(),
            department: self.department.get(),
            responsibility: self.responsibility.get(),
            escalated: self.escalated.get(),
            channel: self.channel.get(),
            satisfied: self.satisfied.get(),
            measures: self.measures.get(),
            corrective: self.corrective.get(),
            index: self.index.get(),
            record: self.record.get(),
            narrative: self.narrative.get(),
            opened_on: self.opened_on.get(),
        }
    }

    fn restore(&self, d: ActionDraft) {
        self.kind.set(d.kind);
        self.text.set(d.text);
        self.category.set(d.category);
        self.severity.set(d.severity);
        self.department.set(d.department);
        self.responsibility.set(d.responsibility);
        self.escalated.set(d.escalated);
        if !d.channel.is_empty() {
            self.channel.set(d.channel);
        }
        self.satisfied.set(d.satisfied);
        self.measures.set(d.measures);
        self.corrective.set(d.corrective);
        self.index.set(d.index);
        self.record.set(d.record);
        self.narrative.set(d.narrative);
        self.opened_on.set(d.opened_on);
        self.error.set(None);
    }

    /// Keeps the open form in this browser as it is typed, under `whose` (the signed-in person
    /// and the case) and this tab, and takes it up again when the page shows the same (after a
    /// reload, from another case, or that person signed in again). Two tabs on one case keep
    /// theirs apart: one's save does not drop what the other typed. A form with none of its own
    /// takes up what a closed tab (or an earlier build's one draft for all tabs) left.
    fn keep_for(self, whose: impl Fn() -> String + 'static) {
        Effect::new(move |before: Option<String>| {
            let prefix = format!("kefu.complaints.action-draft.{}.", whose());
            let key = format!("{prefix}{}", tab_id());
            if before.as_ref() != Some(&key) {
                self.kept_at.set_value(key.clone());
                match local_read::<ActionDraft>(&key) {
                    Some(d) => {
                        self.restore(d);
                        self.drafts_checked.set(true);
                    }
                    None => {
                        self.restore(ActionDraft::default());
                        self.take_up_closed(prefix, key.clone());
                    }
                }
            }
            let d = self.draft();
            match d.kind {
                Some(_) => local_write(&key, &d),
                None => local_remove(&key),
            }
            key
        });
    }

    /// Takes up the newest draft a closed tab left under `prefix`, into this form if nothing was
    /// opened in it meanwhile and it still shows the same person and case (`own`).
    fn take_up_closed(self, prefix: String, own: String) {
        self.drafts_checked.set(false);
        let legacy = prefix.trim_end_matches('.').to_string();
        spawn_local(async move {
            let found = closed_tab_draft(
                &prefix,
                &own,
                Some(&legacy),
                |d: &ActionDraft| d.kind.is_some(),
                |k, _| k.to_string(),
            )
            .await;
            let same = self.kept_at.try_with_value(|k| *k == own) == Some(true);
            if !same {
                return;
            }
            if let (Some((orphan, d)), None) = (found, self.kind.get_untracked()) {
                local_remove(&orphan);
                self.restore(d);
            }
            self.drafts_checked.set(true);
        });
    }
}

trait OkOrDefault<T> {
    fn ok_or_default(self) -> Result<T, String>;
}
impl<T> OkOrDefault<T> for Option<T> {
    fn ok_or_default(self) -> Result<T, String> {
        self.ok_or_else(String::new)
    }
}

/// Why an action was not saved: the case was saved elsewhere first.
/// An action tried with nobody signed in on this device (signed out in another tab).
fn signed_out_words(lang: Lang) -> String {
    lang.s(
        "未保存：本设备已无人登录。办理案件需要先在“设置”中用本人 PIN 登录。",
        "Not saved: nobody is signed in on this device. Sign in with your PIN in Settings to act on a case.",
    )
}

fn stale_words(lang: Lang) -> String {
    lang.s(
        "保存失败：他人已先更新了此案件。已重新载入最新内容，请核对后再操作。",
        "Not saved: someone else updated this case first. It has been reloaded; check it and try again.",
    )
}

/// A stable slug of an action kind for test ids.
fn kind_slug(k: ActionKind) -> String {
    slug(k)
}

/// The selector of an action's button.
fn action_button(k: ActionKind) -> String {
    format!("[data-testid=\"action-{}\"]", kind_slug(k))
}

thread_local! {
    /// The case intake has just filed: its page, once drawn, puts the keyboard on its first
    /// step rather than the top of the page.
    static JUST_FILED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Intake filed case `id` and is about to show it: the keyboard goes on from its first step.
pub(super) fn focus_first_step_of(id: &str) {
    JUST_FILED.set(Some(id.to_string()));
}

/// Whether case `id` is the one intake just filed (asked once).
fn just_filed(id: &str) -> bool {
    JUST_FILED.with_borrow_mut(|j| j.take_if(|j| j == id).is_some())
}

#[component]
pub fn CasePage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let case = Res::new(move || {
        let id = id();
        state.changes.track();
        reload.track();
        // A page left open past midnight counts its clocks (and what may be done) anew.
        state.today.track();
        let s = store();
        async move { typed::load::<Complaint, _>(&s, &id).await }
    });
    // The steps shown are those of the person signed in: another signing in or out (in
    // another tab) draws the case again for them. Only then: a redraw takes the keyboard off
    // the step it is on.
    let drawn_for = StoredValue::new(
        state
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.id.clone())),
    );
    Effect::new(move |_| {
        let who = state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
        if drawn_for.with_value(|d| *d != who) {
            drawn_for.set_value(who);
            reload.update(|n| *n += 1);
        }
    });
    let form = ActionForm::new();
    form.keep_for(move || {
        let user = state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
        format!("{}.{}", user.unwrap_or_default(), id())
    });
    // Event handlers run outside the component's owner: keep the store handle here.
    let store_handle = StoredValue::new_local(store());

    let run = Callback::new(move |c: Complaint| {
        let lang_now = lang.get_untracked();
        let Some(user) = state.user.get_untracked() else {
            form.error.set(Some(signed_out_words(lang_now)));
            return;
        };
        // The case as shown has moved on since the form was opened (saved in another tab or
        // on another device): refused, with what was typed kept, so that it is not applied
        // over what was saved there unseen. The case shown is the current one; confirming
        // again saves.
        let mut opened_on = form.opened_on.get_untracked();
        let same_case = form.opened_case.with_value(|o| {
            o.as_ref().is_some_and(|o| {
                Complaint {
                    rev: None,
                    ..o.clone()
                } == Complaint {
                    rev: None,
                    ..c.clone()
                }
            })
        });
        let unchanged = opened_on.check(c.rev.as_deref()) || same_case;
        form.opened_on.set(opened_on);
        let before = form.opened_case.get_value();
        form.opened_case.set_value(Some(c.clone()));
        if !unchanged {
            // What this form did not change takes what was saved there, so that confirming
            // saves only this form's own changes (QA: a second tab's correction, confirmed
            // again, put back the phone number the first had corrected).
            if let Some(before) = before {
                form.rebase(&before, &c);
            }
            let text = stale_words(lang_now);
            form.error.set(Some(text.clone()));
            state.warn(text);
            return;
        }
        let action = match form.action(lang_now) {
            Ok(a) => a,
            Err(msg) => {
                form.error.set(Some(msg));
                return;
            }
        };
        let kind = action.kind();
        form.busy.set(true);
        let s = store_handle.get_value();
        spawn_local(async move {
            // Signed out, or someone else signed in, in another tab since this page last
            // heard: nothing is written under a name that is no longer signed in here.
            let signed_in = boot::device_settings(&s).await.current_staff_id;
            if signed_in.as_deref() != Some(user.id.as_str()) {
                boot::load_settings(state, &s).await;
                form.busy.set(false);
                let text = match state.user.get_untracked() {
                    Some(now) => lang_now.s(
                        format!("未保存：本设备现由{}登录。请核对后再操作。", now.name),
                        format!(
                            "Not saved: {} is signed in on this device now. Check, then try again.",
                            now.name
                        ),
                    ),
                    None => signed_out_words(lang_now),
                };
                form.error.set(Some(text.clone()));
                state.warn(text);
                return;
            }
            // The actor as stored now, not as signed in: a deactivation (or a change of role)
            // made since, here or on another device, counts.
            let me = match typed::load::<Staff, _>(&s, &user.id).await {
                Ok(me) => me,
                Err(StoreError::NotFound { .. }) => Staff {
                    active: false,
                    ..user
                },
                Err(_) => user,
            };
            // A destruction is written with its destruction record (销毁记录), as the
            // retention page writes one.
            if let Action::Destroy { why } = &action {
                // Confirmed with the manager's own PIN (as stored now), as on the retention
                // page: a signed-in device left unattended does not destroy a case.
                let refused = if why.trim().is_empty() {
                    Some(lang_now.s("请填写销毁原因", "Give the reason for the destruction"))
                } else {
                    crate::ui::pin_check::check_pin(
                        &me.id,
                        &form.pin.get_untracked(),
                        &me.pin_hash,
                        lang_now,
                    )
                    .err()
                };
                if let Some(text) = refused {
                    form.busy.set(false);
                    form.error.set(Some(text));
                    return;
                }
                let result =
                    destroy_recorded(&s, lang_now.is_zh(), vec![c.id.clone()], &me, why).await;
                form.busy.set(false);
                match result {
                    Ok(_) => {
                        form.kind.set(None);
                        form.error.set(None);
                        form.text.set(String::new());
                        form.pin.set(String::new());
                        state.tell(
                            "已销毁，并记入销毁记录".to_string(),
                            "Destroyed and entered in the destruction log".to_string(),
                        );
                        reload.update(|n| *n += 1);
                    }
                    Err(text) => form.error.set(Some(text)),
                }
                return;
            }
            // An opinion nobody could approve (the branch's one manager's own, or no
            // supervisor for a specialist's) would leave the case waiting for good: said first.
            if kind == ActionKind::SubmitOpinion {
                let staff = crate::ui::data::active_staff(&s).await;
                if let Some(role) = Complaint::approver_missing(&me, &staff) {
                    form.busy.set(false);
                    form.error.set(Some(lang_now.s(
                        format!("提交后将无人能审批：本营业部没有本人以外在职的{0}。请由其他员工提交，或先在设置中添加{0}。", role.zh()),
                        format!("Nobody could approve it: no active {0} but you. Have someone else submit it, or add a {0} in Settings first.", role.en()),
                    )));
                    return;
                }
            }
            // The domain decides; its refusal reaches the user in words.
            let step = |c: &Complaint| {
                let mut next = c.clone();
                next.apply_by(action.clone(), &me, now_s()).map(|()| next)
            };
            let mut next = match step(&c) {
                Ok(next) => next,
                Err(e) => {
                    form.busy.set(false);
                    form.error.set(Some(lang_now.s(e.zh(), e.en())));
                    return;
                }
            };
            let cal = state.calendar.get_untracked();
            let mut result = save_complaint(&s, &mut next, &cal).await;
            // Saved meanwhile with only its listed deadline rewritten (a calendar edited in
            // another tab, or the listing after a sync; the page may not have redrawn yet):
            // the same step over that revision.
            if let Err(StoreError::Conflict { .. }) = result {
                if let Ok(now) = typed::load::<Complaint, _>(&s, &c.id).await {
                    if now.same_case(&c) {
                        if let Ok(again) = step(&now) {
                            next = again;
                            result = save_complaint(&s, &mut next, &cal).await;
                        }
                    }
                }
            }
            form.busy.set(false);
            match result {
                Ok(()) => {
                    form.kind.set(None);
                    form.error.set(None);
                    form.text.set(String::new());
                    form.refocus.set(true);
                    // The status as staff read it: approved at every level is 已审批，待反馈.
                    let (zh, en) = next.status_text();
                    state.tell(
                        format!("已{}：{zh}", kind.zh()),
                        format!("{}: now {en}", kind.en()),
                    );
                    reload.update(|n| *n += 1);
                }
                Err(StoreError::Conflict { .. }) => {
                    // Saved elsewhere between the check above and this save: the case is
                    // reloaded, and the form takes the revision it will show as seen.
                    let now = typed::load::<Complaint, _>(&s, &next.id).await;
                    if let Ok(now) = now {
                        form.opened_on.set(OpenedOn::new(now.rev.as_deref()));
                        // What the form left alone takes what was saved there (as above).
                        if let Some(before) = form.opened_case.try_get_value().flatten() {
                            form.rebase(&before, &now);
                        }
                        form.opened_case.try_set_value(Some(now));
                    }
                    let text = stale_words(lang.get_untracked());
                    form.error.set(Some(text.clone()));
                    state.warn(text);
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    let text = e.message(lang.get_untracked().is_zh());
                    form.error.set(Some(text.clone()));
                    state.warn(text);
                }
            }
        });
    });

    view! {
        <div class="complaints case" data-drafts-checked=move || form.drafts_checked.get().to_string()>
        <ConflictBanner id=Signal::derive(id)/>
        // Drawn again when the calendar changes (a holiday synced in moves the deadlines shown).
        {move || match (state.calendar.track(), case.get()).1 {
            None => view! { <p class="muted">{t2("正在载入…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! {
                <h1>{t2("投诉案件", "Complaint")}</h1>
                <p class="err" role="alert">{e.message(lang.get().is_zh())}</p>
                <A href="/complaints">{t2("返回投诉列表", "Back to the list")}</A>
            }.into_any(),
            Some(Ok(c)) => view! { <CaseView c=c form=form run=run/> }.into_any(),
        }}
        </div>
    }
}

#[component]
fn CaseView(c: Complaint, form: ActionForm, run: Callback<Complaint>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let cal = state.calendar.get_untracked();
    let now = now_s();
    let clock_rows = clocks(&c, &cal, now);
    let l = move |zh_s: &'static str, en_s: &'static str| move || lang.get().t(zh_s, en_s);

    let status = c.status;
    let (status_zh, status_en) = c.status_text();
    let rounds = c.rounds.clone();
    let last_round = c.round();
    let history: Vec<_> = c.history.iter().cloned().zip(c.history_texts()).collect();
    let print_href = format!("/complaints/{}/print", c.id);
    // Drawn after an action was saved, or just filed: the keyboard goes on from the next step
    // (or the heading of the steps, where there is none for the person signed in).
    // Whether the keyboard's focus fell to the page (its element drawn away).
    let fell = || {
        document()
            .active_element()
            .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"))
    };
    let forced = form.refocus.get_untracked() || just_filed(&c.id);
    if forced || js_sys::Date::now() < form.refocus_until.get_value() {
        if form.refocus.get_untracked() {
            form.refocus_until.set_value(js_sys::Date::now() + 2_000.0);
        }
        form.refocus.set(false);
        let next = state
            .user
            .get_untracked()
            .and_then(|u| c.next_step(&c.allowed_actions_for(&u.actor(), now)))
            .map(action_button);
        request_animation_frame(move || {
            if forced || fell() {
                focus_first(&[next.as_deref().unwrap_or("#actions-h"), "#actions-h"]);
            }
        });
    }
    // Open clocks that fall in a year whose official holiday notice is not entered.
    let mut uncovered: Vec<i32> = clock_rows
        .iter()
        .filter(|k| k.met_at.is_none())
        .map(|k| k.due.year())
        .filter(|y| !cal.covers(*y))
        .collect();
    uncovered.sort_unstable();
    uncovered.dedup();
    let c_actions = c.clone();
    let c_detail = c.clone();
    let from_demand = c.from_demand.clone();
    let from_survey = c.from_survey.clone();
    let destruction = c.destruction().map(|d| {
        (
            fmt_dt(d.at),
            d.by.name.clone(),
            d.why.clone().unwrap_or_default(),
        )
    });
    view! {
        <div class="spread">
            <h1>
                {t2("投诉案件", "Complaint")} " "
                <span class="case-no" data-testid="case-no">{c.case_no.clone()}</span>
            </h1>
            <div class="row no-print">
                <span class=format!("badge {}", status_class(status)) data-testid="case-status">
                    {move || lang.get().t(status_zh, status_en)}
                </span>
                {(c.round() > 1).then(|| view! {
                    <span class="badge warn" data-testid="case-round">{move || if zh() { format!("第 {} 轮处理", c.round()) } else { format!("Round {}", c.round()) }}</span>
                })}
                <A href=print_href attr:data-testid="print-link">{t2("打印记录表", "Print record")}</A>
                <A href="/complaints">{t2("返回列表", "Back to the list")}</A>
            </div>
        </div>
        {destruction.map(|(at, by, why)| {
            view! {
                <p class="panel" data-testid="case-destroyed">{move || if zh() {
                    format!("本案资料已于 {at} 由 {by} 销毁（{why}）：当事人信息和文字已删除，留存编号、日期、分类等统计所需信息。")
                } else {
                    format!("This case's records were destroyed on {at} by {by} ({why}): the complainant's details and the texts are gone; the number, dates and categories stay for the statistics.")
                }}</p>
            }
        })}
        {from_demand.map(|id| {
            // Named by what the customer asked, not by its record's id (QA: "demand:01E2E…").
            let href = format!("/demands?id={id}");
            let demand = Res::new(move || {
                let id = id.clone();
                async move {
                    typed::load::<crate::domain::demand::Demand, _>(&store(), &id)
                        .await
                        .ok()
                        .map(|d| d.description.chars().take(60).collect::<String>())
                }
            });
            view! {
                <p class="row" data-testid="case-from-demand">
                    <span class="badge info">{t2("转自客户需求", "From a customer demand")}</span>
                    <A href=href>{move || match demand.get() {
                        Some(Some(text)) if !text.trim().is_empty() => text,
                        _ => lang.get().t("查看该需求", "The demand").to_string(),
                    }}</A>
                </p>
            }
        })}
        {from_survey.map(|s| view! {
            <p class="row" data-testid="case-from-survey">
                <span class="badge info">{t2("来自满意度调查", "From a satisfaction survey")}</span>
                <A href=response_href(&s.survey_id, &s.response_id)>{t2("查看客户的答卷", "The customer's answers")}</A>
            </p>
        })}

        // Escape cancels an open action form as 取消 does, unless something was typed or
        // chosen in it: a reflex key does not throw away findings or an opinion being written.
        <section class="panel" aria-labelledby="actions-h" on:keydown=move |ev| {
            let open = form.kind.get_untracked().is_some();
            if ev.key() == "Escape" && open && !ev.is_composing() && !ev.default_prevented() && !form.edited() {
                ev.prevent_default();
                form.cancel();
            }
        }>
            <h2 id="actions-h" tabindex="-1">{t2("办理", "Next steps")}</h2>
            <ActionsPanel c=c_actions form=form run=run/>
        </section>

        <section class="panel">
            <h2>{t2("时限", "Deadlines")}</h2>
            <div class="table-wrap">
            <table class="clocks stack" data-testid="clocks">
                <thead><tr>
                    <th>{l("时限", "Deadline")}</th><th>{l("到期时间", "Due")}</th>
                    <th>{l("完成时间", "Met at")}</th><th>{l("状态", "State")}</th>
                </tr></thead>
                <tbody>
                {clock_rows.into_iter().map(|k| {
                    let kind = k.kind;
                    view! {
                        <tr data-testid=format!("clock-{}", slug(kind)) class:regulatory=kind.is_regulatory()>
                            <td class="wide">{move || lang.get().t(kind.zh(), kind.en())}</td>
                            <td data-label=l("到期时间", "Due")>{fmt_dt(k.due)}</td>
                            <td data-label=l("完成时间", "Met at")>{k.met_at.map(fmt_dt).unwrap_or_else(|| "—".into())}</td>
                            <td class="wide" data-label=l("状态", "State")>{move || { let (cls, text) = clock_words(k.state, lang.get(), !kind.is_regulatory()); view! { <span class=format!("badge {cls}")>{text}</span> } }}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
            </div>
            <p class="small muted" data-testid="clocks-legend">{l(
                "加粗的两项是投诉处理办法规定的时限，超时即违规；其余是服务流程目标。",
                "The two in bold are the limits the complaint procedure sets: missing one is a breach. The others are service targets.",
            )}</p>
            <crate::ui::components::CalendarNotEntered years=Signal::stored(uncovered)/>
        </section>

        <Details c=c_detail/>

        {rounds.into_iter().rev().map(|r| {
            let carried = r.number < last_round;
            view! { <RoundView r=r carried=carried/> }
        }).collect_view()}

        <section class="panel">
            <h2>{t2("处理记录", "History")}</h2>
            <ol class="timeline" data-testid="history">
                {history.into_iter().map(|(e, (from, to))| {
                    let action = e.action;
                    view! {
                        <li>
                            <div><strong>{move || lang.get().t(action.zh(), action.en())}</strong>
                                " · " {e.by.name.clone()} " · " {fmt_dt(e.at)}
                                {(e.round > 1).then(|| view! { <span class="badge warn">{move || if zh() { format!("第 {} 轮", e.round) } else { format!("Round {}", e.round) }}</span> })}
                            </div>
                            <div class="small muted">{move || if from == to {
                                lang.get().t(to.0, to.1).to_string()
                            } else {
                                format!("{} → {}", lang.get().t(from.0, from.1), lang.get().t(to.0, to.1))
                            }}</div>
                            {e.why.clone().map(|w| view! { <div class="why">{move || why_in(&w, zh()).to_string()}</div> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn ActionsPanel(c: Complaint, form: ActionForm, run: Callback<Complaint>) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let user: Option<Staff> = state.user.get_untracked();
    let Some(user) = user else {
        return view! {
            <p data-testid="sign-in-needed">
                {t2("办理案件需要先登录：", "Acting on a case needs a signed-in staff member: ")}
                <A href="/settings#device">{t2("在设置中用 PIN 登录本设备", "sign in on this device in Settings")}</A>
            </p>
        }
        .into_any();
    };
    let allowed = c.allowed_actions_for(&user.actor(), now_s());
    // 更正记录 stands apart from the workflow: offered until the case is archived.
    let correctable = c.may_correct();
    let mut nothing_else = None;
    if allowed.is_empty() {
        let role = user.role;
        // Awaiting an approval: whose, and why not this person's when it is their level.
        let awaited = c.awaited_approver();
        let barred = awaited.and(c.approver_barred(&user.actor()));
        // A step being written here when the case was moved on elsewhere (another tab, a
        // colleague through sync): what was typed is shown, not dropped without a word.
        let status = c.status;
        // The step still open to someone: the case was not moved on, this person may no
        // longer take it (their role changed meanwhile, say; QA: it said "moved on elsewhere").
        let c_open = c.clone();
        let still_open = move |k: ActionKind| {
            Role::ALL
                .iter()
                .any(|r| c_open.allowed_actions(*r, now_s()).contains(&k))
        };
        let overtaken = move || {
            form.kind.get().filter(|_| untrack(|| form.edited())).map(|k| {
                let text = form.text.get_untracked();
                let not_yours = still_open(k);
                view! {
                    <div class="warn-box" role="alert" data-testid="action-overtaken">
                        <p>{move || match (not_yours, lang.get().is_zh()) {
                            (true, true) => format!("您填写的“{}”未提交：案件仍为“{}”，但这一步现在不能由您（{}）办理。内容如下：", k.zh(), status.zh(), role.zh()),
                            (true, false) => format!("What you wrote for “{}” was not submitted: the case is still “{}”, but this step is not yours to take now ({}). It reads:", k.en(), status.en(), role.en()),
                            (false, true) => format!("此案件已在别处办理，现为“{}”。您填写的“{}”未提交，内容如下：", status.zh(), k.zh()),
                            (false, false) => format!("This case was moved on elsewhere and is now “{}”. What you wrote for “{}” was not submitted:", status.en(), k.en()),
                        }}</p>
                        <p class="why">{text}</p>
                        <button type="button" on:click=move |_| form.cancel()>{t2("知道了", "Dismiss")}</button>
                    </div>
                }
            })
        };
        // Nobody at the branch can give the approval awaited (its one supervisor deactivated
        // after the opinion went up, say): said, with what to do (QA: the case just waited).
        let c_wait = c.clone();
        let staff = Res::new(move || {
            state.changes.track();
            async move {
                crate::ui::data::all_of::<Staff>(&store())
                    .await
                    .map(|(v, _)| v)
                    .unwrap_or_default()
            }
        });
        let wanting = move || {
            let role = staff
                .get()
                .and_then(|list| c_wait.approver_wanting(&list))?;
            Some(view! {
                <p class="warn-box" role="status" data-testid="approver-wanting">{move || lang.get().s(
                    format!("目前没有可以审批的在岗{}：请客服经理在“设置 → 人员”中添加或重新启用一位{}。", role.zh(), role.zh()),
                    format!("No active {} can approve it now: a manager adds or reactivates one under Settings → Staff.", role.en().to_lowercase()),
                )}</p>
            })
        };
        let said = view! {
            {overtaken}
            {wanting}
            <p class="muted" data-testid="no-actions">
                {move || match (awaited, lang.get().is_zh()) {
                    (Some((zh, _)), true) => format!("{zh}。{}", barred.as_ref().map(|e| format!("{}。", e.zh())).unwrap_or_default()),
                    (Some((_, en)), false) => format!("{en}. {}", barred.as_ref().map(|e| format!("{}.", e.en())).unwrap_or_default()),
                    (None, true) => format!("当前状态下，{}没有可执行的操作。", role.zh()),
                    (None, false) => format!("There is nothing a {} can do at this stage.", role.en().to_lowercase()),
                }}
            </p>
        };
        if !correctable {
            return said.into_any();
        }
        nothing_else = Some(said);
    }
    let mut allowed = allowed;
    if correctable {
        allowed.push(ActionKind::Correct);
    }
    let c_open = c.clone();
    let c_form = c.clone();
    view! {
        {nothing_else}
        <div class="row action-buttons" role="group" aria-label=t2("可执行的操作", "Available actions")>
            {allowed.into_iter().map(|k| {
                let c = c_open.clone();
                view! {
                    <button type="button" data-testid=format!("action-{}", kind_slug(k))
                        class:primary=move || form.kind.get() == Some(k)
                        aria-pressed=move || (form.kind.get() == Some(k)).to_string()
                        on:click=move |_| {
                            // The step open already: kept as typed, not opened afresh (QA: a
                            // second click emptied the form). Another step over one typed in:
                            // asked first.
                            let open_now = form.kind.get_untracked();
                            let switch = match open_now {
                                Some(o) if o == k => false,
                                Some(o) if form.edited() => {
                                    let l = lang.get_untracked();
                                    let question = l.s(
                                        format!("放弃正在填写的“{}”，改为“{}”？已填写的内容将不保留。", o.zh(), k.zh()),
                                        format!("Leave “{}” as typed and open “{}” instead? What you typed is not kept.", o.en(), k.en()),
                                    );
                                    window().confirm_with_message(&question).unwrap_or(false)
                                }
                                _ => true,
                            };
                            if switch {
                                form.open(k, &c);
                            }
                            // The keyboard goes on in the form: its first field, or 确认.
                            request_animation_frame(|| focus_first(&[
                                ".action-form input, .action-form select, .action-form textarea",
                                "[data-testid=\"action-submit\"]",
                            ]));
                        }>
                        {move || lang.get().t(k.zh(), k.en())}
                    </button>
                }
            }).collect_view()}
        </div>
        {move || form.kind.get().map(|k| {
            let c = c_form.clone();
            let c_submit = c.clone();
            view! {
                <form class="action-form" data-testid="action-form" novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if !form.busy.get_untracked() {
                            run.run(c_submit.clone());
                        }
                    }>
                    <h3>{move || lang.get().t(k.zh(), k.en())}</h3>
                    <ActionFields k=k c=c form=form/>
                    <div class="err" role="alert" id="action-error" data-testid="action-error">{move || form.error.get()}</div>
                    <div class="actions">
                        // Busy, it is marked so rather than disabled: a disabled button loses
                        // the focus, and a refusal then left the keyboard at the top of the page.
                        <button type="submit" class="primary" data-testid="action-submit"
                            aria-disabled=move || form.busy.get().then_some("true")
                            aria-describedby=move || form.error.get().map(|_| "action-error")>
                            {t2("确认", "Confirm")}
                        </button>
                        <button type="button" on:click=move |_| form.cancel()>{t2("取消", "Cancel")}</button>
                    </div>
                </form>
            }
        })}
    }
    .into_any()
}

/// The inputs one action needs.
/// Two radio buttons, "yes" and "no", under a legend; `value` holds "yes", "no" or "".
#[component]
fn YesNo(
    name: &'static str,
    value: RwSignal<String>,
    legend: (&'static str, &'static str),
    yes: (&'static str, &'static str),
    no: (&'static str, &'static str),
) -> impl IntoView {
    let choice = move |v: &'static str, (zh, en): (&'static str, &'static str)| {
        view! {
            <label class="row"><input type="radio" name=name id=format!("{name}-{v}") value=v
                prop:checked=move || value.get() == v on:change=move |_| value.set(v.into())/>{t2(zh, en)}</label>
        }
    };
    view! {
        <fieldset class="field">
            <legend class="label">{t2(legend.0, legend.1)}</legend>
            {choice("yes", yes)}
            {choice("no", no)}
        </fieldset>
    }
}

#[component]
fn ActionFields(k: ActionKind, c: Complaint, form: ActionForm) -> impl IntoView {
    let lang = app().lang;
    let textarea = move |label_zh: &'static str, label_en: &'static str| {
        view! {
            <div class="field wide">
                <label for="f-text">{move || lang.get().t(label_zh, label_en)}</label>
                <textarea id="f-text" rows="4" bind:value=form.text
                    aria-describedby=move || form.error.get().map(|_| "action-error")></textarea>
            </div>
        }
    };
    match k {
        ActionKind::Classify => view! {
            <div class="fields">
                <div class="field">
                    <label for="f-category">{t2("投诉类别", "Category")}</label>
                    <select id="f-category" prop:value=move || form.category.get() on:change=move |ev| form.category.set(event_target_value(&ev))>
                        <option value="">{t2("请选择", "Choose")}</option>
                        {Category::ALL.into_iter().map(|x| view! {
                            <option value=slug(x) selected=move || form.category.get() == slug(x)>{move || lang.get().t(x.zh(), x.en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-severity">{t2("严重程度", "Severity")}</label>
                    <select id="f-severity" prop:value=move || form.severity.get() on:change=move |ev| form.severity.set(event_target_value(&ev))>
                        <option value="">{t2("请选择", "Choose")}</option>
                        {(1u8..=5).map(|n| view! {
                            <option value=n.to_string() selected=move || form.severity.get() == n.to_string()>
                                {move || format!("{n} · {}", if lang.get().is_zh() { severity_zh(n) } else { severity_en(n) })}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-department">{t2("责任部门", "Responsible department")}</label>
                    <input id="f-department" list="f-department-list" bind:value=form.department/>
                    <datalist id="f-department-list">
                        {DEPARTMENTS.into_iter().map(|d| view! { <option value=d></option> }).collect_view()}
                    </datalist>
                </div>
            </div>
        }.into_any(),
        ActionKind::RecordFindings => textarea("调查核实情况", "Investigation findings").into_any(),
        ActionKind::SubmitOpinion => view! {
            <div class="fields">
                <div class="field wide">
                    <label for="f-responsibility">{t2("责任认定", "Responsibility finding")}</label>
                    <select id="f-responsibility" prop:value=move || form.responsibility.get() on:change=move |ev| form.responsibility.set(event_target_value(&ev))>
                        <option value="">{t2("请选择", "Choose")}</option>
                        {Responsibility::ALL.into_iter().map(|x| view! {
                            <option value=slug(x) selected=move || form.responsibility.get() == slug(x)>{move || lang.get().t(x.zh(), x.en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                // Hidden, not re-created: typing must not redraw the field.
                <div class="field wide" hidden=move || form.responsibility.get() != slug(Responsibility::BeyondAuthority)>
                    <label for="f-escalated">{t2("上报对象（有关部门、公司分管领导）", "Reported to (departments, the firm's leader in charge)")}</label>
                    <input id="f-escalated" bind:value=form.escalated maxlength="200"
                        placeholder=move || lang.get().t("例如：运营管理部、分管副总裁", "e.g. Operations Management, the vice-president in charge")/>
                </div>
                {textarea("处理意见", "Handling opinion")}
                <div class="field wide">
                    <span class="label">{t2("整改措施", "Corrective actions")}</span>
                    <CorrectiveEditor form=form/>
                </div>
            </div>
        }.into_any(),
        ActionKind::Approve => textarea("审批意见（可选）", "Comment (optional)").into_any(),
        ActionKind::Reject | ActionKind::Reopen => textarea("原因", "Reason").into_any(),
        ActionKind::Correct => {
            let input = move |id: &'static str, zh: &'static str, en: &'static str, get: fn(&Complainant) -> String, set: fn(&mut Complainant, String)| view! {
                <div class="field">
                    <label for=id>{move || lang.get().t(zh, en)}</label>
                    <input id=id prop:value=move || form.record.with(get)
                        on:input=move |ev| { let v = event_target_value(&ev); form.record.update(|r| set(r, v)); }/>
                </div>
            };
            view! {
                <div class="fields">
                    {input("f-name", "投诉人姓名", "Complainant's name", |r| r.name.clone(), |r, v| r.name = v)}
                    {input("f-phone", "联系电话", "Phone", |r| r.phone.clone(), |r, v| r.phone = v)}
                    {input("f-email", "电子邮箱", "Email", |r| r.email.clone(), |r, v| r.email = v)}
                    {input("f-address", "联系地址", "Address", |r| r.address.clone(), |r, v| r.address = v)}
                    <div class="field wide">
                        <label for="f-narrative">{t2("投诉事由及经过", "What happened")}</label>
                        <textarea id="f-narrative" rows="4" bind:value=form.narrative></textarea>
                    </div>
                    <p class="field wide muted small">{t2(
                        "更正记入案件的处理经过：谁、何时、为何，以及改了哪些内容。受理时间不能更正。",
                        "The correction goes into the case's history: who, when, why and what was changed. The time received cannot be corrected.",
                    )}</p>
                </div>
                {textarea("更正原因", "Reason")}
            }.into_any()
        }
        ActionKind::Destroy => view! {
            <div class="fields">
                <p class="field wide warn-box" data-testid="destroy-warning">{t2(
                    "销毁将清除客户信息和案件的全部文字，只保留统计所需的案件编号、日期和类别，并记入销毁记录。此操作不可撤销。",
                    "Destruction erases the customer's details and every text of the case, keeps the case number, dates and category the statistics need, and is entered in the destruction log. It cannot be undone.",
                )}</p>
                {textarea("销毁原因", "Reason")}
                <div class="field">
                    <label for="f-pin">{t2("您的 PIN（确认身份）", "Your PIN (to confirm it is you)")}</label>
                    <input id="f-pin" type="password" inputmode="numeric" autocomplete="off" bind:value=form.pin/>
                </div>
            </div>
        }.into_any(),
        ActionKind::Respond => view! {
            <div class="fields">
                <div class="field">
                    <label for="f-channel">{t2("反馈方式", "Answered via")}</label>
                    <select id="f-channel" prop:value=move || form.channel.get() on:change=move |ev| form.channel.set(event_target_value(&ev))>
                        // The comment book (客户意见簿) is a way in, not a way to answer.
                        {Channel::ALL.into_iter().filter(|x| *x != Channel::CommentBook).map(|x| view! {
                            <option value=slug(x) selected=move || form.channel.get() == slug(x)>{move || lang.get().t(x.zh(), x.en())}</option>
                        }).collect_view()}
                    </select>
                </div>
                {textarea("反馈客户的内容", "What the customer was told")}
            </div>
        }.into_any(),
        ActionKind::CompleteCorrectiveAction => {
            let items = c.current_round().corrective_actions.clone();
            view! {
                <div class="field">
                    <label for="f-index">{t2("已完成的整改措施", "Corrective action done")}</label>
                    <select id="f-index" prop:value=move || form.index.get() on:change=move |ev| form.index.set(event_target_value(&ev))>
                        {items.into_iter().enumerate().filter(|(_, a)| !a.done).map(|(i, a)| view! {
                            <option value=i.to_string() selected=move || form.index.get() == i.to_string()>{move || if lang.get().is_zh() { format!("{}. {}（{}）", i + 1, a.description, a.owner) } else { format!("{}. {} ({})", i + 1, a.description, a.owner) }}</option>
                        }).collect_view()}
                    </select>
                </div>
            }.into_any()
        }
        ActionKind::RecordVerification => view! {
            <YesNo name="f-satisfied" value=form.satisfied legend=("客户是否满意", "Was the customer satisfied?")
                yes=("满意", "Satisfied") no=("不满意", "Not satisfied")/>
            // Source 002 第五章: the visit also checks the round's corrective measures.
            {(!c.current_round().corrective_actions.is_empty()).then(|| view! {
                <YesNo name="f-measures" value=form.measures
                    legend=("整改措施是否落实并达到预期效果", "Were the corrective measures carried out, and did they work?")
                    yes=("已落实，达到预期", "Carried out and working")
                    no=("未落实或未达到预期（须重新整改）", "Not carried out, or not working (to be done again)")/>
            })}
            {textarea("回访记录", "Visit note")}
        }.into_any(),
        ActionKind::StartInvestigation | ActionKind::StartVerification | ActionKind::Close | ActionKind::Archive | ActionKind::Receive | ActionKind::SettleConflict => view! {
            <p class="muted">{t2("确认后记入处理记录。", "Confirming records it in the history.")}</p>
        }.into_any(),
    }
}

/// Rows of corrective actions: description, owner, due date.
#[component]
fn CorrectiveEditor(form: ActionForm) -> impl IntoView {
    let lang = app().lang;
    let rows = form.corrective;
    // Typing updates the rows without re-rendering them (which would steal the focus).
    let set = move |i: usize, col: usize, v: String| {
        rows.update_untracked(|r| {
            if let Some(row) = r.get_mut(i) {
                match col {
                    0 => row.0 = v,
                    1 => row.1 = v,
                    _ => row.2 = v,
                }
            }
        });
        form.corrective_edits.update(|n| *n += 1);
    };
    view! {
        <div class="corrective" data-testid="corrective-editor">
            {move || rows.get().into_iter().enumerate().map(|(i, (d, o, due))| view! {
                // Each field named on screen, with the action's number (once filled, the
                // placeholders were gone and an owner read like an action).
                <div class="row corrective-row" role="group" aria-label=move || lang.get().s(format!("第 {} 项整改措施", i + 1), format!("Corrective action {}", i + 1))>
                    <label class="ca-field ca-desc"><span class="small muted">{move || lang.get().s(format!("{}. 整改措施", i + 1), format!("{}. Corrective action", i + 1))}</span>
                        <input id=format!("f-ca-desc-{i}") placeholder=t2("做什么", "What is done")
                            prop:value=d on:input=move |ev| set(i, 0, event_target_value(&ev))/></label>
                    <label class="ca-field"><span class="small muted">{t2("责任人或部门", "Owner")}</span>
                        <input id=format!("f-ca-owner-{i}") placeholder=t2("谁负责", "Who")
                            prop:value=o on:input=move |ev| set(i, 1, event_target_value(&ev))/></label>
                    <label class="ca-field ca-due"><span class="small muted">{t2("完成期限", "Due date")}</span>
                        <input id=format!("f-ca-due-{i}") type="date"
                            prop:value=due on:input=move |ev| set(i, 2, event_target_value(&ev))/></label>
                    <button type="button" class="link" aria-label=move || lang.get().s(format!("删除第 {} 项", i + 1), format!("Remove action {}", i + 1))
                        on:click=move |_| rows.update(|r| { if i < r.len() { r.remove(i); } })>"✕"</button>
                </div>
            }).collect_view()}
            // The keyboard goes to the new row's first field (QA: it stayed on this button,
            // seven Shift+Tabs below it).
            <button type="button" data-testid="add-corrective" on:click=move |_| {
                let i = rows.with_untracked(Vec::len);
                rows.update(|r| r.push(Default::default()));
                request_animation_frame(move || crate::ui::platform::focus_id(&format!("f-ca-desc-{i}")));
            }>
                {t2("添加整改措施", "Add a corrective action")}
            </button>
        </div>
    }
}

/// The record as taken at intake and classified.
#[component]
fn Details(c: Complaint) -> impl IntoView {
    let lang = app().lang;
    let channel = c.channel;
    let category = c.category;
    let severity = c.severity;
    let row = move |zh: &'static str, en: &'static str, v: String| {
        view! { <div class="kv"><dt>{move || lang.get().t(zh, en)}</dt><dd>{v}</dd></div> }
    };
    let dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    view! {
        <section class="panel">
            <h2>{t2("投诉记录", "Record")}</h2>
            <dl class="record" data-testid="record">
                {row("投诉人", "Complainant", c.complainant.name.clone())}
                {row("联系电话", "Phone", dash(&c.complainant.phone))}
                {row("电子邮箱", "Email", dash(&c.complainant.email))}
                {row("联系地址", "Address", dash(&c.complainant.address))}
                <div class="kv"><dt>{t2("关联客户", "Linked customer")}</dt><dd data-testid="case-customer">{linked_customer(c.customer_id.clone())}</dd></div>
                <div class="kv"><dt>{t2("受理方式", "Channel")}</dt><dd>{move || lang.get().t(channel.zh(), channel.en())}</dd></div>
                {row("受理时间", "Received", fmt_dt(c.received_at))}
                {row("事件时间", "Time of the event", c.event_time.map(fmt_dt).unwrap_or_else(|| "—".into()))}
                {row("事件地点", "Place", dash(&c.event_place))}
                {row("涉及人员", "Staff involved", dash(&c.staff_involved.join("、")))}
                <div class="kv"><dt>{t2("投诉类别", "Category")}</dt><dd data-testid="case-category">{move || category.map(|x| lang.get().t(x.zh(), x.en())).unwrap_or("—")}</dd></div>
                <div class="kv"><dt>{t2("严重程度", "Severity")}</dt><dd>{move || severity.map(|n| format!("{n} · {}", if lang.get().is_zh() { severity_zh(n) } else { severity_en(n) })).unwrap_or_else(|| "—".into())}</dd></div>
                {row("责任部门", "Department", c.department.clone().unwrap_or_else(|| "—".into()))}
                {row("受理人", "Received by", c.history.first().map(|e| e.by.name.clone()).unwrap_or_default())}
            </dl>
            <h3>{t2("投诉事由及经过", "What happened")}</h3>
            <p class="narrative" data-testid="narrative">{c.narrative.clone()}</p>
            <h3>{t2("初步处理意见", "Preliminary opinion")}</h3>
            <p>{dash(&c.preliminary_opinion)}</p>
        </section>
    }
}

/// The customer a case is linked to, by name with a link to their timeline (the id alone
/// says nothing to staff); a customer not on this device (not synced yet, or erased) is said so.
fn linked_customer(id: Option<String>) -> impl IntoView {
    let lang = app().lang;
    id.map(|id| {
        let id_load = id.clone();
        let customer = Res::new(move || {
            let (s, id) = (store(), id_load.clone());
            async move { typed::load::<Customer, _>(&s, &id).await.ok() }
        });
        view! {
            <A href=format!("/customers/{id}")>{move || match customer.get() {
                None => "…".to_string(),
                Some(Some(c)) => c.name,
                Some(None) => lang.get().s("本设备上没有此客户的记录", "Not on this device"),
            }}</A>
        }
        .into_any()
    })
    .unwrap_or_else(|| "—".into_any())
}

/// One round of handling: findings, opinion, approvals, response, visit.
#[component]
fn RoundView(
    r: Round,
    /// A later round followed: what was not done went into it.
    carried: bool,
) -> impl IntoView {
    let lang = app().lang;
    let n = r.number;
    let responsibility = r.responsibility;
    let text = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    view! {
        <section class="panel round" data-testid=format!("round-{n}")>
            <h2>{move || if lang.get().is_zh() { format!("第 {n} 轮处理") } else { format!("Round {n}") }}
                <span class="muted small">" · " {fmt_dt(r.opened_at)}</span></h2>
            {r.reopen_reason.clone().map(|w| view! {
                <p class="multiline"><strong>{t2("重新处理原因：", "Reopened because: ")}</strong>{w}</p>
            })}
            <dl class="record">
                <div class="kv wide"><dt>{t2("调查核实情况", "Findings")}</dt><dd>{text(&r.findings)}</dd></div>
                <div class="kv"><dt>{t2("责任认定", "Responsibility")}</dt>
                    <dd>{move || responsibility.map(|x| lang.get().t(x.zh(), x.en())).unwrap_or("—")}</dd></div>
                {r.escalated_to.clone().map(|to| view! {
                    <div class="kv wide" data-testid=format!("round-{n}-escalated")><dt>{t2("上报对象", "Reported to")}</dt><dd>{to}</dd></div>
                })}
                <div class="kv wide"><dt>{t2("处理意见", "Opinion")}</dt><dd>{text(&r.opinion)}</dd></div>
            </dl>
            {(!r.corrective_actions.is_empty()).then(|| view! {
                <h3>{t2("整改措施", "Corrective actions")}</h3>
                <ul>
                {r.corrective_actions.iter().map(|a| {
                    let done = a.done;
                    view! { <li>
                        {a.description.clone()} " — " {a.owner.clone()}
                        {a.due.map(|d| format!(" · {d}"))}
                        " " <span class=if done { "badge ok" } else { "badge warn" } data-testid="round-action-state">
                            {move || match (done, carried) {
                                (true, _) => lang.get().t("已完成", "Done"),
                                (false, false) => lang.get().t("未完成", "Open"),
                                (false, true) => lang.get().t("未完成，转入下一轮", "Not done, carried into the next round"),
                            }}
                        </span>
                    </li> }
                }).collect_view()}
                </ul>
            })}
            {(!r.approvals.is_empty()).then(|| view! {
                <h3>{t2("审批", "Approvals")}</h3>
                <ul data-testid=format!("approvals-{n}")>
                {r.approvals.iter().map(|a| {
                    let (role, decision) = (a.role, a.decision);
                    view! { <li class="multiline">
                        {move || lang.get().t(role.zh(), role.en())} " " {a.by.name.clone()} " · " {fmt_dt(a.at)} " · "
                        <span class=if decision == Decision::Approved { "badge ok" } else { "badge bad" }>
                            {move || match decision { Decision::Approved => lang.get().t("同意", "Approved"), Decision::Rejected => lang.get().t("退回", "Sent back") }}
                        </span>
                        {(!a.comment.is_empty()).then(|| format!(" {}", a.comment))}
                    </li> }
                }).collect_view()}
                </ul>
            })}
            {r.response.clone().map(|resp| {
                let ch = resp.channel;
                view! {
                    <h3>{t2("反馈客户", "Response to the customer")}</h3>
                    <p>{fmt_dt(resp.at)} " · " {resp.by.name.clone()} " · " {move || lang.get().t(ch.zh(), ch.en())}</p>
                    // Line breaks as typed (QA: a numbered reply ran together).
                    <p class="multiline" data-testid=format!("response-{n}")>{resp.content.clone()}</p>
                }
            })}
            {r.verification.clone().map(|v| {
                let ok = v.satisfied;
                view! {
                    <h3>{t2("回访验证", "Verification visit")}</h3>
                    <p>{fmt_dt(v.at)} " · " {v.by.name.clone()} " · "
                        <span class=if ok { "badge ok" } else { "badge bad" } data-testid=format!("verification-{n}")>
                            {move || if ok { lang.get().t("满意", "Satisfied") } else { lang.get().t("不满意", "Not satisfied") }}
                        </span>
                    </p>
                    {v.measures_effective.map(|m| view! {
                        <p><span class=if m { "badge ok" } else { "badge bad" } data-testid=format!("verification-measures-{n}")>
                            {move || measures_words(m, lang.get())}
                        </span></p>
                    })}
                    {(!v.note.is_empty()).then(|| view! { <p class="multiline">{v.note.clone()}</p> })}
                }
            })}
        </section>
    }
}
