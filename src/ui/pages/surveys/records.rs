//! records: the survey pages' reads and writes — surveys, responses paged through the
//! `response_by_survey` index, storing a response with its low-score follow-up, the
//! follow-up rule of a survey, and the "waiting to be sent" count.

use crate::domain::datefmt::Layout;
use chrono::NaiveDate;

use crate::domain::survey::{
    follow_up, followup_still_due, validate_response, Channel, FollowUpSettings, ResponseError,
    Survey, SurveyFollowUp, SurveyResponse, FOLLOWUP_LATE_DAYS,
};
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, Query, StoreError};
use crate::ui::data::changed_ids;
use crate::ui::state::AppStore;

/// The record id of a survey from the path part of its URL (`/s/<key>`); a full id is
/// accepted too.
pub fn survey_id(param: &str) -> String {
    if param.contains(':') {
        param.to_string()
    } else {
        format!("survey:{param}")
    }
}

/// The path part of a survey's URLs: its id without the `survey:` prefix.
pub fn url_key(id: &str) -> &str {
    id.strip_prefix("survey:").unwrap_or(id)
}

/// An HTML-anchor-safe key of a record id (`response:01J…` → `01J…`).
pub fn anchor_key(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, k)| k)
}

fn s(v: &str) -> KeyPart {
    KeyPart::Str(v.to_string())
}

pub async fn load_survey(store: &AppStore, id: &str) -> Result<Survey, StoreError> {
    typed::load::<Survey, _>(store, id).await
}

/// The survey's follow-up rule, or the default one when staff have not set it.
pub async fn load_rule(store: &AppStore, survey_id: &str) -> FollowUpSettings {
    typed::load::<FollowUpSettings, _>(store, &FollowUpSettings::id_for(survey_id))
        .await
        .unwrap_or_else(|_| FollowUpSettings::new(survey_id))
}

/// How many responses answer this version of the survey.
pub async fn responses_to_version(
    store: &AppStore,
    survey_id: &str,
    version: u32,
) -> Result<u64, StoreError> {
    let key = IndexKey(vec![s(survey_id), KeyPart::Num(f64::from(version))]);
    store.count("response_by_version", &KeyRange::eq(key)).await
}

/// How many responses the survey has, all versions.
pub async fn response_count(store: &AppStore, survey_id: &str) -> Result<u64, StoreError> {
    store
        .count(
            "response_by_survey",
            &KeyRange::prefix(IndexKey(vec![s(survey_id)])),
        )
        .await
}

/// Why a response was not stored.
#[derive(Debug)]
pub enum SubmitError {
    /// The survey version it answers is unknown.
    NoSuchVersion,
    Invalid(Vec<ResponseError>),
    Store(StoreError),
}

impl SubmitError {
    pub fn message(&self, zh: bool) -> String {
        match self {
            SubmitError::NoSuchVersion => if zh {
                "问卷版本不存在"
            } else {
                "That survey version does not exist"
            }
            .to_string(),
            SubmitError::Invalid(errs) => errs
                .iter()
                .map(|e| e.message(zh))
                .collect::<Vec<_>>()
                .join(if zh { ";" } else { "; " }),
            SubmitError::Store(e) => e.message(zh),
        }
    }
}

/// Validates a response against the survey version it answers and stores it; when the
/// survey's follow-up rule asks for it, the follow-up record is written in the same
/// transaction. Returns the follow-up opened, if any.
pub async fn submit_response(
    store: &AppStore,
    survey: &Survey,
    response: &SurveyResponse,
) -> Result<Option<SurveyFollowUp>, SubmitError> {
    let at = survey
        .at_version(response.survey_version)
        .ok_or(SubmitError::NoSuchVersion)?;
    let errs = validate_response(&at, response);
    if !errs.is_empty() {
        return Err(SubmitError::Invalid(errs));
    }
    // Read everything first: the write transaction must not wait on anything else.
    let rule = load_rule(store, &survey.id).await;
    let followup = follow_up(rule.rule_at(response.submitted_at), &at, response)
        .map(|f| SurveyFollowUp::for_response(f, response));
    let mut docs = vec![typed::to_doc(response).map_err(SubmitError::Store)?];
    if let Some(f) = &followup {
        docs.push(typed::to_doc(f).map_err(SubmitError::Store)?);
    }
    store.bulk(docs).await.map_err(SubmitError::Store)?;
    Ok(followup)
}

/// Responses on this device still waiting to be sent: those given on a customer's phone
/// (Link) or a kiosk that the push of the sync configuration has not passed yet (all of them
/// with no sync: nothing is sent). On a synced staff device, responses that came in by sync
/// are not counted as this device's to send.
pub async fn pending_responses(store: &AppStore) -> Result<u64, StoreError> {
    let since = crate::ui::pages::kiosk::delivered_up_to(store).await;
    if since == 0 {
        let mut n = 0;
        for ch in ["Link", "Kiosk"] {
            n += store
                .count("response_by_channel", &KeyRange::eq(IndexKey(vec![s(ch)])))
                .await?;
        }
        return Ok(n);
    }
    let end = store.update_seq().await?;
    let mut n = 0;
    for id in changed_ids(store, since, end, "response:", usize::MAX).await? {
        if let Ok(r) = typed::load::<SurveyResponse, _>(store, &id).await {
            if matches!(r.channel, Channel::Link | Channel::Kiosk) {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The responses of a survey (all versions) submitted between two dates (inclusive, either
/// open), read page by page through `response_by_survey`; `progress` hears the count so far.
pub async fn load_responses(
    store: &AppStore,
    survey_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    progress: impl Fn(usize),
) -> Result<Vec<SurveyResponse>, StoreError> {
    let lower = IndexKey(vec![
        s(survey_id),
        s(&from.map(|d| d.layout("%Y-%m-%d")).unwrap_or_default()),
    ]);
    let upper = match to {
        Some(d) => IndexKey(vec![
            s(survey_id),
            s(&format!("{}T~", d.layout("%Y-%m-%d"))),
        ]),
        None => IndexKey(vec![s(survey_id)]).prefix_end(),
    };
    let range = KeyRange::between(lower, upper);
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let q = Query::new("response_by_survey", range.clone())
            .limit(200)
            .after(after);
        let page = typed::page_of::<SurveyResponse, _>(store, &q).await?;
        out.extend(page.rows);
        progress(out.len());
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Ok(out)
}

/// Makes the follow-ups of responses that arrived without one: answers given on a kiosk or a
/// customer's phone reach staff through sync as responses only (such devices may add nothing
/// else to the server). The follow-up's id and content follow from its response, so two staff
/// devices doing this at once write the very same first revision: no conflict, no duplicate.
/// Returns how many were made.
pub async fn make_missing_followups(
    store: &AppStore,
    survey_id: &str,
) -> Result<usize, StoreError> {
    let rule = load_rule(store, survey_id).await;
    if !rule.ever_enabled() {
        return Ok(0);
    }
    // Only answers recent enough to call back ([`followup_still_due`]).
    let now = crate::ui::platform::now();
    let from = (now - chrono::Duration::days(FOLLOWUP_LATE_DAYS)).date();
    let responses = load_responses(store, survey_id, Some(from), None, |_| {}).await?;
    let mut rules = Rules::new();
    let mut missing = Vec::new();
    for r in &responses {
        missing.extend(missing_followup(store, &mut rules, r, now).await?);
    }
    write_followups(store, missing).await
}

/// The follow-ups of every survey's recent answers that have none (as
/// [`make_missing_followups`] for one survey), made when the dashboard opens: its figure is
/// then the records', not which results pages happened to be opened (QA: it moved from 298 to
/// 3,469 on opening one). Returns how many.
pub async fn make_recent_followups(store: &AppStore) -> Result<usize, StoreError> {
    let now = crate::ui::platform::now();
    let from = (now - chrono::Duration::days(FOLLOWUP_LATE_DAYS))
        .date()
        .layout("%Y-%m-%d");
    // The surveys' ids from the type index, then each one's answers from 30 days back.
    let mut ids = Vec::new();
    let mut found = Vec::new();
    let types = KeyRange::prefix(IndexKey(vec![s(<Survey as crate::domain::Record>::TYPE)]));
    each_page(store, "by_type", types, |d| ids.push(d.id)).await?;
    for id in &ids {
        let recent = KeyRange::between(
            IndexKey(vec![s(id), s(&from)]),
            IndexKey(vec![s(id)]).prefix_end(),
        );
        each_page(store, "response_by_survey", recent, |d| {
            found.extend(typed::from_doc::<SurveyResponse>(d).ok())
        })
        .await?;
    }
    let mut rules = Rules::new();
    let mut missing = Vec::new();
    for r in &found {
        missing.extend(missing_followup(store, &mut rules, r, now).await?);
    }
    write_followups(store, missing).await
}

/// Every document of `index` in `range`, a page at a time, handed to `each`.
async fn each_page(
    store: &AppStore,
    index: &'static str,
    range: KeyRange,
    mut each: impl FnMut(crate::store::Doc),
) -> Result<(), StoreError> {
    let mut after = None;
    loop {
        let page = store
            .query(&Query::new(index, range.clone()).limit(200).after(after))
            .await?;
        page.docs.into_iter().for_each(&mut each);
        match page.next {
            Some(c) => after = Some(c),
            None => return Ok(()),
        }
    }
}

/// The surveys and follow-up rules read so far, by survey id.
type Rules = std::collections::BTreeMap<String, (Option<Survey>, FollowUpSettings)>;

/// The follow-up document `r` asks for and does not have yet (none for an answer older than
/// [`FOLLOWUP_LATE_DAYS`], of a survey not here, or whose rule asks for none).
async fn missing_followup(
    store: &AppStore,
    rules: &mut Rules,
    r: &SurveyResponse,
    now: chrono::NaiveDateTime,
) -> Result<Option<crate::store::Doc>, StoreError> {
    if !followup_still_due(r.submitted_at, now) {
        return Ok(None);
    }
    if !rules.contains_key(&r.survey_id) {
        let survey = load_survey(store, &r.survey_id).await.ok();
        let rule = load_rule(store, &r.survey_id).await;
        rules.insert(r.survey_id.clone(), (survey, rule));
    }
    let Some((Some(survey), rule)) = rules.get(&r.survey_id) else {
        return Ok(None);
    };
    let Some(at) = survey.at_version(r.survey_version) else {
        return Ok(None);
    };
    let Some(f) = follow_up(rule.rule_at(r.submitted_at), &at, r) else {
        return Ok(None);
    };
    let f = SurveyFollowUp::for_response(f, r);
    match store.get(&f.id).await {
        Err(StoreError::NotFound { .. }) => typed::to_doc(&f).map(Some),
        Err(e) => Err(e),
        Ok(_) => Ok(None),
    }
}

/// Writes follow-ups made here; another device making the same ones meanwhile (the very same
/// first revision) is no error. Returns how many were written.
async fn write_followups(
    store: &AppStore,
    missing: Vec<crate::store::Doc>,
) -> Result<usize, StoreError> {
    let n = missing.len();
    if n > 0 {
        match store.bulk(missing).await {
            Ok(_) | Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Where [`followups_of_arrivals`] has looked up to (a local document: the sequence number).
const ARRIVALS_DOC: &str = "followups-made";
/// The most responses [`followups_of_arrivals`] reads in one look.
const ARRIVALS_AT_MOST: usize = 500;

/// After a sync cycle: the follow-ups of the responses it brought (given on a kiosk or a
/// customer's phone, which may add nothing but responses to the server), made at once, so that
/// they are on the dashboard before anyone opens the survey's results. The changes since the
/// last look are read, the first look starting from what the device held when this version
/// first opened ([`follow_arrivals_from_now`]; the results page makes what is missing from
/// before). Returns how many were made.
pub async fn followups_of_arrivals(store: &AppStore) -> Result<usize, StoreError> {
    let end = store.update_seq().await?;
    let Some(since) = store
        .get_local(ARRIVALS_DOC)
        .await?
        .and_then(|m| m.get("seq")?.as_u64())
    else {
        return mark_arrivals(store, end).await.map(|_| 0);
    };
    let ids = changed_ids(store, since, end, "response:", usize::MAX).await?;
    // A first pull of a whole branch brings every response at once: the latest are looked at
    // now, the rest by the results page when opened (`make_missing_followups`).
    let ids = &ids[ids.len().saturating_sub(ARRIVALS_AT_MOST)..];
    let now = crate::ui::platform::now();
    let mut rules = Rules::new();
    let mut missing = Vec::new();
    for id in ids {
        // Gone or damaged since, or of a survey not here: nothing to follow up.
        let Ok(r) = typed::load::<SurveyResponse, _>(store, id).await else {
            continue;
        };
        missing.extend(missing_followup(store, &mut rules, &r, now).await?);
    }
    let n = write_followups(store, missing).await?;
    mark_arrivals(store, end).await?;
    Ok(n)
}

/// At start-up: a device that has not yet looked for arrivals starts from what it holds now
/// (see [`followups_of_arrivals`]), so that the responses its first sync cycles bring are
/// looked at.
pub async fn follow_arrivals_from_now(store: &AppStore) -> Result<(), StoreError> {
    if store.get_local(ARRIVALS_DOC).await?.is_none() {
        mark_arrivals(store, store.update_seq().await?).await?;
    }
    Ok(())
}

async fn mark_arrivals(store: &AppStore, seq: u64) -> Result<(), StoreError> {
    store
        .put_local(ARRIVALS_DOC, serde_json::json!({ "seq": seq }))
        .await
}

/// Every follow-up of a survey, newest first (made first for responses that came without one).
pub async fn followups(
    store: &AppStore,
    survey_id: &str,
) -> Result<Vec<SurveyFollowUp>, StoreError> {
    // Another device may be making the same ones right now: its write wins, ours is refused.
    match make_missing_followups(store, survey_id).await {
        Ok(_) | Err(StoreError::Conflict { .. }) => {}
        Err(e) => return Err(e),
    }
    let range = KeyRange::prefix(IndexKey(vec![s(survey_id)]));
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let q = Query::new("followup_by_survey", range.clone())
            .descending()
            .limit(200)
            .after(after);
        let page = typed::page_of::<SurveyFollowUp, _>(store, &q).await?;
        out.extend(page.rows);
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Ok(out)
}
