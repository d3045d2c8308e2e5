//! complaints/intake: the intake form (投诉受理) at /complaints/new — every field of the record,
//! validated as typed by the domain, kept as a draft in localStorage on every change until
//! it is saved as a received (and, when filled in, classified) case.

use std::collections::BTreeSet;

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

use crate::domain::complaint::{
    severity_en, severity_zh, validate_intake, Action, Category, Channel, Complainant, Complaint,
    ComplaintError, Draft, FieldError, SurveySource,
};
use crate::domain::customer::Customer;
use crate::domain::demand::Demand;
use crate::domain::staff::Staff;
use crate::domain::survey::{Answer, SurveyFollowUp, SurveyResponse};
use crate::store::{typed, StoreError};
use crate::ui::components::{Discarded, Field};
use crate::ui::data::all_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::pages::customers::response_href;
use crate::ui::platform::{
    closed_tab_draft, local_read, local_remove, local_write, new_id, tab_id,
};
use crate::ui::state::{app, store};

use super::model::{from_input, from_slug, now_s, slug, to_input};
use super::repo::{find_customers, reserve_case_number, save_complaint};

/// Where the drafts are kept, one per tab (`<prefix><tab id>`): a second tab opened for a
/// second call starts on a form of its own, and a save clears only its own tab's draft.
const DRAFT_PREFIX: &str = "kefu.complaints.intake-draft.";
/// The one key for every tab that earlier builds kept the draft under (taken up once).
const LEGACY_DRAFT_KEY: &str = "kefu.complaints.intake-draft";
/// Drafts set aside when a demand's conversion filled the form over them, the last last.
const ASIDE_KEY: &str = "kefu.complaints.intake-drafts-aside";

/// Departments offered as suggestions (any name may be typed).
pub const DEPARTMENTS: [&str; 6] = [
    "客服部",
    "经纪业务部",
    "财富管理部",
    "运营部",
    "信息技术部",
    "综合管理部",
];

/// The intake form as typed: strings as the inputs hold them, so nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub customer_id: Option<String>,
    pub customer_label: String,
    pub channel: String,
    pub received: String,
    /// Whether the time received was typed or picked by the user: kept as it is. Until then
    /// it follows the clock (shown current, taken as the moment of saving), so a form left
    /// open does not backdate the call it is finally used for.
    pub received_typed: bool,
    pub event_time: String,
    pub event_place: String,
    pub staff: String,
    pub narrative: String,
    pub preliminary_opinion: String,
    pub category: String,
    pub severity: String,
    pub department: String,
    /// The demand this complaint is turned from (`?from_demand=`), linked both ways on save.
    pub from_demand: Option<String>,
    /// What the demand asked, shown above the form.
    pub from_demand_label: String,
    /// The survey follow-up (投诉草稿) this complaint is registered from (`?from_followup=`):
    /// marked done, with the case number, on save.
    pub from_followup: Option<String>,
    /// Why the follow-up was opened, shown above the form.
    pub from_followup_label: String,
    /// The response the follow-up is of, kept on the case (`Complaint::from_survey`).
    pub from_survey: Option<SurveySource>,
    /// Who typed the draft (the staff member signed in when it was first kept): a draft taken
    /// up by someone else says whose it was (QA: 张敏's draft came back for 李强 as his own,
    /// and would have been saved with him as the one who took the complaint).
    pub typed_by: String,
}

impl IntakeForm {
    fn fresh() -> Self {
        IntakeForm {
            received: to_input(now_s()),
            channel: slug(Channel::Phone),
            ..IntakeForm::default()
        }
    }

    /// A fresh form filled from a customer demand: its customer (name and phone), its
    /// description as the narrative. A demand records no channel, so the channel stays the
    /// phone default for staff to correct.
    fn from_demand(d: &Demand, customer: Option<&Customer>) -> Self {
        let mut f = IntakeForm::fresh();
        f.from_demand = Some(d.id.clone());
        f.from_demand_label = d.description.clone();
        f.narrative = d.description.clone();
        f.link(customer);
        f
    }

    /// Links `customer` (when there is one) as the complainant: name and contact data.
    fn link(&mut self, customer: Option<&Customer>) {
        if let Some(c) = customer {
            self.customer_id = Some(c.id.clone());
            self.customer_label = format!("{} {}", c.name, c.masked_phone());
            self.name = c.name.clone();
            self.phone = c.phone.clone().unwrap_or_default();
            self.email = c.email.clone().unwrap_or_default();
        }
    }

    /// A fresh form filled from a survey's complaint-draft follow-up: why it was opened and
    /// the customer's own words as the narrative, the customer when the response names one.
    fn from_followup(
        f: &SurveyFollowUp,
        response: Option<&SurveyResponse>,
        customer: Option<&Customer>,
        zh: bool,
    ) -> Self {
        let mut form = IntakeForm::fresh();
        let reason = f.reason.get(zh).to_string();
        let words: Vec<&str> = response
            .map(|r| {
                r.answers
                    .values()
                    .filter_map(|a| match a {
                        Answer::Text(t) if !t.trim().is_empty() => Some(t.trim()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        form.narrative = match (words.is_empty(), zh) {
            (true, true) => format!("满意度调查低分：{reason}"),
            (true, false) => format!("Low satisfaction score: {reason}"),
            (false, true) => format!("满意度调查低分：{reason}。客户意见：{}", words.join("；")),
            (false, false) => format!(
                "Low satisfaction score: {reason}. The customer wrote: {}",
                words.join("; ")
            ),
        };
        form.from_followup = Some(f.id.clone());
        form.from_followup_label = reason;
        form.from_survey = Some(SurveySource {
            survey_id: f.survey_id.clone(),
            response_id: f.response_id.clone(),
        });
        form.link(customer);
        form
    }

    /// Whether the form holds anything a fresh one does not (a time received that follows the
    /// clock is not something typed): worth a draft.
    fn worth_keeping(&self) -> bool {
        let mut this = self.clone();
        let mut fresh = IntakeForm::fresh();
        if !this.received_typed {
            this.received.clear();
        }
        fresh.received.clear();
        this != fresh
    }

    /// The time received shown as the clock's now, unless the user typed one.
    fn received_now(&mut self) -> bool {
        let now = to_input(now_s());
        let stale = !self.received_typed && self.received != now;
        if stale {
            self.received = now;
        }
        stale
    }

    /// Whether anything was typed or chosen into the form (beyond what a fresh one holds).
    fn has_typing(&self) -> bool {
        [
            &self.name,
            &self.phone,
            &self.email,
            &self.address,
            &self.event_place,
            &self.staff,
            &self.narrative,
            &self.preliminary_opinion,
            &self.department,
        ]
        .iter()
        .any(|s| !s.trim().is_empty())
            || self.customer_id.is_some()
    }

    /// A few words that tell a draft from another: the complainant's name, else the start of
    /// the narrative.
    fn label(&self) -> String {
        match self.name.trim() {
            "" => self.narrative.trim().chars().take(20).collect(),
            name => name.to_string(),
        }
    }

    /// The domain's draft of this form.
    pub fn draft(&self) -> Draft {
        Draft {
            complainant: Complainant {
                name: self.name.clone(),
                // Full-width digits (a Chinese input method's) as the customer form takes them.
                phone: crate::domain::customer::ascii_digits(&self.phone),
                email: self.email.clone(),
                address: self.address.clone(),
            },
            customer_id: self.customer_id.clone(),
            channel: from_slug(&self.channel),
            received_at: from_input(&self.received),
            event_time: from_input(&self.event_time),
            event_place: self.event_place.clone(),
            staff_involved: self
                .staff
                .split([',', '，', '、', ';', '；'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                // Each person once, as first named.
                .fold(Vec::new(), |mut named, s| {
                    if !named.contains(&s) {
                        named.push(s);
                    }
                    named
                }),
            narrative: self.narrative.clone(),
            preliminary_opinion: self.preliminary_opinion.clone(),
        }
    }

    /// The classification typed at intake, if complete: (category, severity, department).
    fn classification(&self) -> Option<(Category, u8, String)> {
        Some((
            from_slug(&self.category)?,
            self.severity.parse().ok()?,
            Some(self.department.trim())
                .filter(|d| !d.is_empty())?
                .to_string(),
        ))
    }

    /// Every problem: the domain's intake validation, plus a classification left half done.
    pub fn problems(&self, now: chrono::NaiveDateTime) -> Vec<FieldError> {
        let mut errors = validate_intake(&self.draft(), now);
        let started = !self.category.is_empty()
            || !self.severity.is_empty()
            || !self.department.trim().is_empty();
        if started && self.classification().is_none() {
            errors.push(FieldError {
                field: "classification",
                zh: "投诉类别、严重程度和责任部门须一并填写（或全部留空，稍后分类）".into(),
                en: "Give the category, severity and department together (or leave all three for later)".into(),
            });
        }
        errors
    }
}

/// The form's fields as they come on the screen.
const SCREEN_ORDER: [&str; 8] = [
    "c-name",
    "c-phone",
    "c-email",
    "c-channel",
    "c-received",
    "c-event-time",
    "c-narrative",
    "c-category",
];

/// The element (id) a field error belongs to.
fn element_of(field: &str) -> &'static str {
    match field {
        "complainant.name" => "c-name",
        "complainant.phone" | "complainant.contact" => "c-phone",
        "complainant.email" => "c-email",
        "channel" => "c-channel",
        "received_at" => "c-received",
        "event_time" => "c-event-time",
        "narrative" => "c-narrative",
        "classification" => "c-category",
        _ => "c-name",
    }
}

/// Keeps the form as this tab's draft under `key` (a reload, a closed tab or a failed save
/// loses nothing); a form with nothing typed keeps none.
fn keep_draft(key: &str, f: &IntakeForm) {
    if f.worth_keeping() {
        if f.typed_by.is_empty() {
            let mut f = f.clone();
            f.typed_by = app()
                .user
                .with_untracked(|u| u.as_ref().map(|u| u.name.clone()))
                .unwrap_or_default();
            local_write(key, &f);
        } else {
            local_write(key, f);
        }
    } else {
        local_remove(key);
    }
}

/// Keeps the drafts set aside (see [`ASIDE_KEY`]); returns what the banner says of them.
fn keep_aside(kept: &[IntakeForm]) -> Option<(String, usize)> {
    match kept.is_empty() {
        false => local_write(ASIDE_KEY, &kept),
        true => local_remove(ASIDE_KEY),
    }
    aside_summary(kept)
}

fn read_aside() -> Vec<IntakeForm> {
    local_read(ASIDE_KEY).unwrap_or_default()
}

/// The last draft set aside's label, and how many there are.
fn aside_summary(kept: &[IntakeForm]) -> Option<(String, usize)> {
    kept.last().map(|f| (f.label(), kept.len()))
}

/// A demand is turned into a complaint once (Chinese, English).
const ALREADY_CONVERTED: (&str, &str) = (
    "该需求已转为投诉，不再重复转为投诉；请在需求详情中打开已有案件。",
    "This demand has already been converted to a complaint; it is not converted again. Open the case from the demand's details.",
);

/// Why saving failed.
enum SaveError {
    Invalid(Vec<FieldError>),
    Classify(ComplaintError),
    Store(StoreError),
    /// The demand was turned into a complaint meanwhile (another tab or device): its case.
    AlreadyConverted,
}

impl SaveError {
    /// The message in Chinese and in English.
    fn texts(&self) -> (String, String) {
        (self.message(Lang::Zh), self.message(Lang::En))
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            SaveError::Invalid(errs) => errs
                .iter()
                .map(|e| lang.s(e.zh.clone(), e.en.clone()))
                .collect::<Vec<_>>()
                .join(&lang.s("；", "; ")),
            SaveError::Classify(e) => lang.s(e.zh(), e.en()),
            SaveError::Store(e) => e.message(lang.is_zh()),
            SaveError::AlreadyConverted => lang.s(ALREADY_CONVERTED.0, ALREADY_CONVERTED.1),
        }
    }
}

#[component]
pub fn IntakePage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let navigate = use_navigate();
    // Event handlers run outside the component's owner: keep the store handle here.
    let store_handle = StoredValue::new_local(store());

    // This tab's own draft (kept through a reload); a time received it did not type follows
    // the clock again.
    let own_key = format!("{DRAFT_PREFIX}{}", tab_id());
    let restored = local_read::<IntakeForm>(&own_key)
        .filter(IntakeForm::worth_keeping)
        .map(|mut f| {
            f.received_now();
            f
        });
    let was_restored = RwSignal::new(restored.is_some());
    // Whose the restored draft was, when someone typed it.
    let restored_by = StoredValue::new(
        restored
            .as_ref()
            .map(|f| f.typed_by.clone())
            .filter(|b| !b.is_empty()),
    );
    // Whether a closed tab's draft has been looked for (`data-drafts-checked`, for tests).
    let drafts_checked = RwSignal::new(restored.is_some());
    let key = StoredValue::new(own_key);
    // Drafts set aside by demands' conversions: the last one's label, and how many.
    let aside = RwSignal::new(aside_summary(&read_aside()));
    let form = RwSignal::new(restored.unwrap_or_else(IntakeForm::fresh));
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    // Discarding a restored draft can be undone until something else is typed.
    let discarded = Discarded::<(IntakeForm, BTreeSet<&'static str>)>::new(move || {
        touched.with(BTreeSet::is_empty)
    });
    let show_all = RwSignal::new(false);
    let saving = RwSignal::new(false);
    // Why the last save failed, in both languages (shown in the one of the moment).
    let save_error = RwSignal::new(None::<(String, String)>);

    // None of this tab's own: a draft a closed (or crashed) tab left, else the one an earlier
    // build kept for every tab, is taken up once, into a form nothing was typed in yet. A tab
    // still open keeps its own.
    if !drafts_checked.get_untracked() {
        spawn_local(async move {
            let own = key.get_value();
            // A closed tab's, the last opened first.
            let found = closed_tab_draft(
                DRAFT_PREFIX,
                &own,
                Some(LEGACY_DRAFT_KEY),
                IntakeForm::worth_keeping,
                |k, _| k.to_string(),
            )
            .await;
            // The page may have closed meanwhile.
            let Some(untouched) = form.try_with_untracked(|f| !f.worth_keeping()) else {
                return;
            };
            if let (Some((orphan, mut f)), true) = (found, untouched) {
                local_remove(&orphan);
                f.received_now();
                keep_draft(&own, &f);
                restored_by.set_value(Some(f.typed_by.clone()).filter(|b| !b.is_empty()));
                form.set(f);
                was_restored.set(true);
            }
            drafts_checked.set(true);
        });
    }
    // An untouched time received follows the clock: every 30 seconds, and when the tab is
    // shown or focused again (a form left open over a weekend).
    let follow_clock = move || {
        // Not under the user's hands while they are picking a time in it.
        let picking = crate::ui::platform::window()
            .document()
            .and_then(|d| d.active_element())
            .is_some_and(|e| e.id() == "c-received");
        if !picking && form.try_with_untracked(|f| !f.received_typed) == Some(true) {
            form.update(|f| {
                f.received_now();
            });
        }
    };
    crate::ui::platform::on_interval(std::time::Duration::from_secs(30), follow_clock);
    let on_focus = window_event_listener(leptos::ev::focus, move |_| follow_clock());
    let on_shown = window_event_listener_untyped("visibilitychange", move |_| follow_clock());
    on_cleanup(move || {
        on_focus.remove();
        on_shown.remove();
    });

    // A form filled from a demand or a survey follow-up takes the form's place; what was typed
    // before is kept aside, not written over.
    let take_up = move |filled: IntakeForm| {
        let before = form.get_untracked();
        if before.has_typing() {
            let mut kept = read_aside();
            kept.push(before);
            aside.try_set(keep_aside(&kept));
        }
        keep_draft(&key.get_value(), &filled);
        form.try_set(filled);
        was_restored.try_set(false);
    };

    // From a demand (`?from_demand=`): fill a fresh form from it, unless the draft already is
    // that demand's (a reload keeps what was typed since).
    let from_demand = use_query_map()
        .get_untracked()
        .get("from_demand")
        .filter(|d| !d.trim().is_empty());
    if let Some(did) = from_demand {
        if form.with_untracked(|f| f.from_demand.as_deref() != Some(did.as_str())) {
            let s = store_handle.get_value();
            spawn_local(async move {
                let demand = typed::load::<Demand, _>(&s, &did).await;
                match demand {
                    // A demand is turned into a complaint once: a second conversion (an
                    // old link, another tab) is refused in words, the form left as it was.
                    Ok(d) if d.complaint().is_some() => {
                        save_error.try_set(Some(SaveError::AlreadyConverted.texts()));
                    }
                    Ok(d) => {
                        let customer = match &d.customer_id {
                            Some(id) => typed::load::<Customer, _>(&s, id).await.ok(),
                            None => None,
                        };
                        take_up(IntakeForm::from_demand(&d, customer.as_ref()));
                    }
                    Err(e) => {
                        save_error.try_set(Some((e.message(true), e.message(false))));
                    }
                }
            });
        }
    }

    // From a survey's complaint-draft follow-up (`?from_followup=`): as from a demand.
    let from_followup = use_query_map()
        .get_untracked()
        .get("from_followup")
        .filter(|d| !d.trim().is_empty());
    if let Some(fid) = from_followup {
        if form.with_untracked(|f| f.from_followup.as_deref() != Some(fid.as_str())) {
            let s = store_handle.get_value();
            spawn_local(async move {
                match typed::load::<SurveyFollowUp, _>(&s, &fid).await {
                    Ok(f) if !f.is_open() => {
                        save_error.try_set(Some((
                            "该跟进已完成，不再登记为投诉".into(),
                            "This follow-up is done: it is not registered again".into(),
                        )));
                    }
                    Ok(f) => {
                        let response = typed::load::<SurveyResponse, _>(&s, &f.response_id)
                            .await
                            .ok();
                        let customer = match &f.customer_id {
                            Some(id) => typed::load::<Customer, _>(&s, id).await.ok(),
                            None => None,
                        };
                        let zh = state.zh();
                        take_up(IntakeForm::from_followup(
                            &f,
                            response.as_ref(),
                            customer.as_ref(),
                            zh,
                        ));
                    }
                    Err(e) => {
                        save_error.try_set(Some((e.message(true), e.message(false))));
                    }
                }
            });
        }
    }

    // Every change is kept at once: a reload, a closed tab or a failed save loses nothing.
    // The problems the form has now, as a save finds them.
    let problems_now = move || {
        let mut f = form.get_untracked();
        let now = now_s();
        // Untouched, the time received is the moment of saving (not when the form opened).
        if !f.received_typed {
            f.received = to_input(now);
        }
        (f.problems(now), f, now)
    };
    // Whether the banner lists the form's problems (not a storage failure): it follows the
    // typing, and goes once they are put right (QA: it listed fields already filled in).
    let listing_problems = StoredValue::new(false);
    let edit = move |field: &'static str, f: &dyn Fn(&mut IntakeForm)| {
        form.update(|x| f(x));
        touched.update(|t| {
            t.insert(field);
        });
        keep_draft(&key.get_value(), &form.get_untracked());
        if listing_problems.get_value() {
            let (errors, ..) = problems_now();
            if errors.is_empty() {
                listing_problems.set_value(false);
                save_error.set(None);
            } else {
                save_error.set(Some(SaveError::Invalid(errors).texts()));
            }
        }
    };

    // The last draft set aside and the form change places (neither is lost).
    let swap_aside = move |_| {
        let mut kept = read_aside();
        let Some(earlier) = kept.pop() else {
            aside.set(None);
            return;
        };
        let now_typed = form.get_untracked();
        if now_typed.has_typing() {
            kept.push(now_typed);
        }
        aside.set(keep_aside(&kept));
        let mut earlier = earlier;
        earlier.received_now();
        keep_draft(&key.get_value(), &earlier);
        form.set(earlier);
        touched.set(BTreeSet::new());
        was_restored.set(true);
    };
    let drop_aside = move |_| {
        let mut kept = read_aside();
        kept.pop();
        aside.set(keep_aside(&kept));
    };

    let problems = Memo::new(move |_| form.with(|f| f.problems(now_s())));
    let error_for = move |fields: &'static [&'static str]| {
        Signal::derive(move || {
            let lang = lang.get();
            let shown = show_all.get();
            let t = touched.get();
            problems.with(|ps| {
                ps.iter()
                    .find(|p| fields.contains(&p.field) && (shown || t.contains(p.field)))
                    .map(|p| lang.s(p.zh.clone(), p.en.clone()))
            })
        })
    };

    let discard = move |_| {
        discarded.hold((form.get_untracked(), touched.get_untracked()));
        local_remove(&key.get_value());
        form.set(IntakeForm::fresh());
        touched.set(BTreeSet::new());
        show_all.set(false);
        was_restored.set(false);
    };
    let undo_discard = move |(f, t): (IntakeForm, BTreeSet<&'static str>)| {
        keep_draft(&key.get_value(), &f);
        form.set(f);
        touched.set(t);
        was_restored.set(true);
    };

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        show_all.set(true);
        save_error.set(None);
        listing_problems.set_value(false);
        let (mut errors, f, now) = problems_now();
        // In the order the fields are on the screen: the first one named is the one the
        // keyboard goes to (QA: the narrative was, above it a bad phone number).
        errors.sort_by_key(|e| {
            SCREEN_ORDER
                .iter()
                .position(|id| *id == element_of(e.field))
        });
        if let Some(first) = errors.first() {
            focus(element_of(first.field));
            save_error.set(Some(SaveError::Invalid(errors).texts()));
            listing_problems.set_value(true);
            return;
        }
        let Some(user) = state.user.get_untracked() else {
            save_error.set(Some((
                "请先在“设置”中用本人 PIN 登录本设备，再保存投诉。".into(),
                "Sign in on this device in Settings with your PIN before saving.".into(),
            )));
            return;
        };
        let navigate = navigate.clone();
        saving.set(true);
        let store = store_handle.get_value();
        spawn_local(async move {
            let cal = state.calendar.get_untracked();
            let mut draft = f.draft();
            if !f.received_typed {
                draft.received_at = Some(now);
            }
            type Saved = (Complaint, Option<String>, Option<StoreError>);
            let result: Result<Saved, SaveError> = async {
                // Turned into a complaint meanwhile (the same demand's intake open in another
                // tab, or on another device, saved first): not a second case.
                if let Some(did) = &f.from_demand {
                    if let Ok(d) = typed::load::<Demand, _>(&store, did).await {
                        if d.complaint().is_some() {
                            return Err(SaveError::AlreadyConverted);
                        }
                    }
                }
                let received = draft.received_at.unwrap_or(now);
                let (case_no, code_given_up) = reserve_case_number(&store, received.date())
                    .await
                    .map_err(SaveError::Store)?;
                let actor = user.actor();
                let mut c = Complaint::receive(
                    &draft,
                    new_id("complaint"),
                    case_no,
                    &state.branch.get_untracked().code,
                    &actor,
                    now,
                )
                .map_err(SaveError::Invalid)?;
                c.from_demand = f.from_demand.clone();
                c.from_survey = f.from_survey.clone();
                if let Some((category, severity, department)) = f.classification() {
                    c.apply(
                        Action::Classify {
                            category,
                            severity,
                            department,
                        },
                        &actor,
                        now,
                    )
                    .map_err(SaveError::Classify)?;
                }
                save_complaint(&store, &mut c, &cal)
                    .await
                    .map_err(SaveError::Store)?;
                // The complaint is saved; a demand that cannot be linked is said, not fatal.
                let link_error = match &c.from_demand {
                    Some(did) => link_demand(&store, did, &c.id, &user.id, now).await.err(),
                    None => None,
                };

                Ok((c, code_given_up, link_error))
            }
            .await;
            saving.set(false);
            match result {
                Ok((c, given_up, link_error)) => {
                    // Only this tab's own draft: another tab's typing stays its own.
                    local_remove(&key.get_value());
                    let code = crate::domain::complaint::parse_case_number(&c.case_no)
                        .map(|n| n.device_code)
                        .unwrap_or_default();
                    match given_up {
                        None => state.tell(
                            format!("已受理投诉 {}", c.case_no),
                            format!("Complaint {} received", c.case_no),
                        ),
                        Some(old) => state.tell(
                            format!("已受理投诉 {}。设备代码 {old} 已被其他设备使用，本设备已改用 {code}。", c.case_no),
                            format!("Complaint {} received. Device code {old} belongs to another device; this device now uses {code}.", c.case_no),
                        ),
                    }
                    if let Some(e) = link_error {
                        state.warn2(
                            format!(
                                "投诉 {} 已保存，但未能关联到原需求：{}",
                                c.case_no,
                                e.message(true)
                            ),
                            format!(
                                "Complaint {} is saved but could not be linked to its demand: {}",
                                c.case_no,
                                e.message(false)
                            ),
                        );
                    }
                    if let Some(fid) = &f.from_followup {
                        if let Err(e) = close_followup(&store, fid, &c.case_no, &user.id, now).await
                        {
                            state.warn2(
                                format!("投诉 {} 已保存，但未能将满意度跟进标为完成：{}", c.case_no, e.message(true)),
                                format!("Complaint {} is saved but its survey follow-up could not be marked done: {}", c.case_no, e.message(false)),
                            );
                        }
                    }
                    // The case page opens with the keyboard on its first step, not the page's top.
                    super::case::focus_first_step_of(&c.id);
                    navigate(&format!("/complaints/{}", c.id), Default::default());
                }
                Err(e) => {
                    state.warn_with(|zh| e.message(if zh { Lang::Zh } else { Lang::En }));
                    save_error.set(Some(e.texts()));
                }
            }
        });
    };
    let save_click = save.clone();

    // Customer search (name, account number or last four phone digits).
    let customer_q = RwSignal::new(String::new());
    let customers = Res::new(move || {
        let q = customer_q.get();
        let s = store();
        async move {
            if q.trim().is_empty() {
                return Ok((Vec::new(), false));
            }
            find_customers(&s, &q, 8, 5_000).await
        }
    });
    let staff = Res::new(move || {
        state.changes.track();
        let s = store();
        async move {
            all_of::<Staff>(&s)
                .await
                .map(|(s, _)| s)
                .unwrap_or_default()
        }
    });

    let text = move |id: &'static str,
                     field: &'static str,
                     kind: &'static str,
                     get: fn(&IntakeForm) -> String,
                     set: fn(&mut IntakeForm, String)| {
        view! {
            <input id=id type=kind
                prop:value=move || form.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(field, &move |f| set(f, v.clone()));
                }/>
        }
    };

    view! {
        <div class="complaints intake" data-drafts-checked=move || drafts_checked.get().to_string()>
        <div class="spread">
            <h1>{t2("投诉受理", "New complaint")}</h1>
            <A href="/complaints">{t2("返回投诉列表", "Back to the list")}</A>
        </div>
        <Show when=move || state.user.get().is_none()>
            <p class="panel warn-box" data-testid="sign-in-needed">
                {t2("保存投诉需要先登录：", "Saving needs a signed-in staff member: ")}
                <A href="/settings#device">{t2("在设置中用 PIN 登录本设备", "sign in on this device in Settings")}</A>
            </p>
        </Show>
        <Show when=move || was_restored.get()>
            <div class="panel draft-banner row" data-testid="draft-restored" role="status">
                <span>{move || {
                    let l = lang.get();
                    let now = state.user.with(|u| u.as_ref().map(|u| u.name.clone()));
                    match (restored_by.get_value(), now) {
                        (Some(by), Some(now)) if by != now => l.s(
                            format!("已恢复{by}上次未保存的草稿；保存后受理人记为{now}。"),
                            format!("{by}'s unsaved draft was restored; saved, it records {now} as the one who took the complaint."),
                        ),
                        _ => l.s("已恢复上次未保存的草稿。", "The unsaved draft was restored."),
                    }
                }}</span>
                <button type="button" on:click=discard data-testid="discard-draft">{t2("放弃草稿", "Discard draft")}</button>
            </div>
        </Show>
        {discarded.banner(undo_discard)}
        {move || aside.get().map(|(label, n)| view! {
            <div class="panel draft-banner row" data-testid="draft-aside" role="status">
                <span>{move || lang.get().s(
                    match n {
                        1 => format!("此前未保存的投诉草稿（{label}）已另存，未被覆盖。"),
                        n => format!("此前未保存的投诉草稿（{label}）已另存，未被覆盖；另存的草稿共 {n} 份。"),
                    },
                    match n {
                        1 => format!("The earlier unsaved draft ({label}) was kept aside, not written over."),
                        n => format!("The earlier unsaved draft ({label}) was kept aside, not written over; {n} drafts are kept aside."),
                    },
                )}</span>
                <button type="button" on:click=swap_aside data-testid="restore-aside">{t2("换回该草稿", "Switch to that draft")}</button>
                <button type="button" class="link" on:click=drop_aside data-testid="discard-aside">{t2("放弃该草稿", "Discard it")}</button>
            </div>
        })}
        {move || form.with(|f| f.from_demand.clone().map(|id| (id, f.from_demand_label.clone()))).map(|(id, label)| view! {
            <p class="panel row" data-testid="from-demand">
                <span class="badge info">{t2("转自客户需求", "From a customer demand")}</span>
                <A href=format!("/demands?id={id}")>{label}</A>
            </p>
        })}
        {move || form.with(|f| f.from_followup.is_some().then(|| (f.from_followup_label.clone(), f.from_survey.clone()))).map(|(label, from)| view! {
            <p class="panel row" data-testid="from-followup">
                <span class="badge info">{t2("来自满意度调查跟进", "From a survey follow-up")}</span>
                {match from {
                    Some(s) => view! { <A href=response_href(&s.survey_id, &s.response_id)>{label}</A> }.into_any(),
                    None => view! { <span>{label}</span> }.into_any(),
                }}
            </p>
        })}
        <form novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
            <section class="panel">
                <h2>{t2("投诉人", "Complainant")}</h2>
                <div class="fields">
                    <Field id="c-customer-search" label=t2("查找已有客户（姓名、客户号或手机尾号）", "Find a customer (name, account or last 4 phone digits)") wide=true>
                        <input id="c-customer-search" type="search" autocomplete="off"
                            prop:value=move || customer_q.get()
                            on:input=move |ev| customer_q.set(event_target_value(&ev))/>
                        {move || {
                            let linked = form.with(|f| f.customer_id.clone().map(|_| f.customer_label.clone()));
                            linked.map(|label| view! {
                                <div class="row linked" data-testid="linked-customer">
                                    <span class="badge info">{t2("已关联客户", "Linked customer")}</span>
                                    <span>{label}</span>
                                    <button type="button" class="link" on:click=move |_| edit("complainant.contact", &|f| {
                                        f.customer_id = None;
                                        f.customer_label.clear();
                                    })>{t2("取消关联", "Unlink")}</button>
                                </div>
                            })
                        }}
                        <ul class="customer-hits" data-testid="customer-hits">
                            {move || customers.get().map(|r| match r {
                                Ok((hits, cut)) => view! {
                                    {hits.into_iter().map(|h| {
                                        let label = format!("{} {}", h.name, h.masked_phone);
                                        let shown = label.clone();
                                        view! {
                                            <li><button type="button" data-testid="customer-option" on:click=move |_| {
                                                let (id, name, label) = (h.id.clone(), h.name.clone(), label.clone());
                                                edit("complainant.contact", &move |f| {
                                                    f.customer_id = Some(id.clone());
                                                    f.customer_label = label.clone();
                                                    if f.name.trim().is_empty() { f.name = name.clone(); }
                                                });
                                                customer_q.set(String::new());
                                            }>{shown}</button></li>
                                        }
                                    }).collect_view()}
                                    {cut.then(|| view! { <li class="muted small">{t2("只查找了前 5000 位客户，请输入更完整的姓名。", "Only the first 5,000 customers were searched; type more of the name.")}</li> })}
                                }.into_any(),
                                Err(e) => view! { <li class="err">{e.message(lang.get().is_zh())}</li> }.into_any(),
                            })}
                        </ul>
                    </Field>
                    <Field id="c-name" required=true label=t2("投诉人姓名", "Complainant's name") error=error_for(&["complainant.name"])>
                        {text("c-name", "complainant.name", "text", |f| f.name.clone(), |f, v| f.name = v)}
                    </Field>
                    <Field id="c-phone" label=t2("联系电话", "Phone") error=error_for(&["complainant.phone", "complainant.contact"])>
                        {text("c-phone", "complainant.phone", "tel", |f| f.phone.clone(), |f, v| f.phone = v)}
                    </Field>
                    <Field id="c-email" label=t2("电子邮箱", "Email") error=error_for(&["complainant.email"])>
                        {text("c-email", "complainant.email", "email", |f| f.email.clone(), |f, v| f.email = v)}
                    </Field>
                    <Field id="c-address" label=t2("联系地址", "Address")>
                        {text("c-address", "complainant.contact", "text", |f| f.address.clone(), |f, v| f.address = v)}
                    </Field>
                </div>
            </section>
            <section class="panel">
                <h2>{t2("受理信息", "Receipt")}</h2>
                <div class="fields">
                    <Field id="c-channel" label=t2("受理方式", "Channel") error=error_for(&["channel"])>
                        <select id="c-channel" prop:value=move || form.with(|f| f.channel.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); edit("channel", &move |f| f.channel = v.clone()); }>
                            <option value="">{t2("请选择", "Choose")}</option>
                            {Channel::ALL.into_iter().map(|c| view! {
                                <option value=slug(c) selected=move || form.with(|f| f.channel == slug(c))>{move || lang.get().t(c.zh(), c.en())}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="c-received" label=t2("受理时间", "Time received") error=error_for(&["received_at"])>
                        {text("c-received", "received_at", "datetime-local", |f| f.received.clone(), |f, v| {
                            f.received = v;
                            f.received_typed = true;
                        })}
                    </Field>
                    <Field id="c-event-time" label=t2("事件发生时间", "Time of the event") error=error_for(&["event_time"])>
                        {text("c-event-time", "event_time", "datetime-local", |f| f.event_time.clone(), |f, v| f.event_time = v)}
                    </Field>
                    <Field id="c-event-place" label=t2("事件发生地点", "Place of the event")>
                        {text("c-event-place", "event_place", "text", |f| f.event_place.clone(), |f, v| f.event_place = v)}
                    </Field>
                    <Field id="c-staff" label=t2("涉及人员（多人用顿号或逗号分隔）", "Staff involved (separate with commas)")>
                        <input id="c-staff" type="text" list="c-staff-list"
                            prop:value=move || form.with(|f| f.staff.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); edit("staff", &move |f| f.staff = v.clone()); }/>
                        <datalist id="c-staff-list">
                            {move || staff.get().unwrap_or_default().into_iter().map(|s| view! { <option value=s.name.clone()></option> }).collect_view()}
                        </datalist>
                    </Field>
                    <Field id="c-narrative" required=true label=t2("投诉事由及经过", "What happened (narrative)") error=error_for(&["narrative"]) wide=true>
                        <textarea id="c-narrative" rows="5"
                            prop:value=move || form.with(|f| f.narrative.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); edit("narrative", &move |f| f.narrative = v.clone()); }></textarea>
                    </Field>
                </div>
            </section>
            <section class="panel">
                <h2>{t2("分类分派（可稍后填写）", "Classification (may be done later)")}</h2>
                <div class="fields">
                    <Field id="c-category" label=t2("投诉类别", "Category") error=error_for(&["classification"])>
                        <select id="c-category" prop:value=move || form.with(|f| f.category.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); edit("classification", &move |f| f.category = v.clone()); }>
                            <option value="">{t2("稍后分类", "Later")}</option>
                            {Category::ALL.into_iter().map(|c| view! {
                                <option value=slug(c) selected=move || form.with(|f| f.category == slug(c))>{move || lang.get().t(c.zh(), c.en())}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="c-severity" label=t2("严重程度", "Severity")>
                        <select id="c-severity" prop:value=move || form.with(|f| f.severity.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); edit("classification", &move |f| f.severity = v.clone()); }>
                            <option value="">{t2("稍后评定", "Later")}</option>
                            {(1u8..=5).map(|n| view! {
                                <option value=n.to_string() selected=move || form.with(|f| f.severity == n.to_string())>
                                    {move || format!("{n} · {}", if lang.get().is_zh() { severity_zh(n) } else { severity_en(n) })}
                                </option>
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="c-department" label=t2("责任部门", "Responsible department")>
                        <input id="c-department" type="text" list="c-department-list"
                            prop:value=move || form.with(|f| f.department.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); edit("classification", &move |f| f.department = v.clone()); }/>
                        <datalist id="c-department-list">
                            {DEPARTMENTS.into_iter().map(|d| view! { <option value=d></option> }).collect_view()}
                        </datalist>
                    </Field>
                    <Field id="c-opinion" label=t2("初步处理意见", "Preliminary handling opinion") wide=true>
                        <textarea id="c-opinion" rows="3"
                            prop:value=move || form.with(|f| f.preliminary_opinion.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); edit("preliminary_opinion", &move |f| f.preliminary_opinion = v.clone()); }></textarea>
                    </Field>
                </div>
            </section>
            <div class="err" role="alert" data-testid="save-error">{move || save_error.get().map(|(zh, en)| lang.get().s(zh, en))}</div>
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-complaint" disabled=move || saving.get()
                    on:click=move |ev| { ev.prevent_default(); save_click(); }>
                    {move || if saving.get() { lang.get().t("正在保存…", "Saving…") } else { lang.get().t("受理并保存", "Save complaint") }}
                </button>
                <span class="muted small">{t2("草稿随时自动保存在本设备上。", "The draft is kept on this device as you type.")}</span>
            </div>
        </form>
        </div>
    }
}

/// Adds the link to a saved complaint to the demand it came from (re-read and retried when
/// someone saved the demand in the meantime).
async fn link_demand(
    store: &crate::ui::state::AppStore,
    demand_id: &str,
    complaint_id: &str,
    by: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let mut last = StoreError::Conflict {
        id: demand_id.to_string(),
    };
    for _ in 0..5 {
        let mut d = typed::load::<Demand, _>(store, demand_id).await?;
        d.turn_into_complaint(complaint_id, by, now);
        match typed::save(store, &d).await {
            Ok(_) => return Ok(()),
            Err(e @ StoreError::Conflict { .. }) => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Marks the survey follow-up a complaint was registered from done, naming the case.
async fn close_followup(
    store: &crate::ui::state::AppStore,
    followup_id: &str,
    case_no: &str,
    by: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let mut f = typed::load::<SurveyFollowUp, _>(store, followup_id).await?;
    if f.is_open()
        && f.complete(by, &format!("已登记为投诉 {case_no}"), now)
            .is_ok()
    {
        typed::save(store, &f).await?;
    }
    Ok(())
}

/// Moves the keyboard focus to an element (the first field with a problem).
fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = crate::ui::platform::window()
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
