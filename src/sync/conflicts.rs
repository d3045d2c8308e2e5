//! sync/conflicts: after revisions arrive, documents with conflicting leaves are settled —
//! by the merge hook of their type when it can, else listed (a local document) for staff to
//! choose a version. Settling writes the merged body over the winner and deletes the losing
//! leaves in one transaction; both devices settling the same conflict write the same
//! revisions (ids are content hashes), so settling never creates new conflicts.

use serde_json::{json, Value as Json};

use chrono::NaiveDateTime;

use super::merge::{merge, merge_choosing, Merge};
use super::readable;
use crate::domain::complaint::{ActionKind, HistoryEvent, StaffRef, Status, WHY_LANGS};
use crate::store::{changed_states_past_damage, Doc, DocStore, StoreError};

/// The local document listing documents whose conflicts wait for a person.
pub const CONFLICTS_DOC: &str = "sync-conflicts";

/// The local document keeping the store sequence up to which [`settle_since`] has looked.
pub const SETTLED_DOC: &str = "sync-settled";

/// Changes read at once by [`settle_since`].
const SCAN_PAGE: usize = 1000;

/// What settling a set of documents did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settled {
    pub merged: Vec<String>,
    pub needs_person: Vec<String>,
}

/// A document with conflicts, as staff see it: the winner and the other live leaves, and the
/// fields that differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub id: String,
    pub winner: Doc,
    pub others: Vec<Doc>,
    pub fields: Vec<String>,
}

/// A survey's definition, chosen as one (offered as its `questions`): the questions, the
/// scales they use, the question its CSAT is read from, and the version number with the
/// earlier versions' definitions. Mixed, a survey read version 2 with version 3's questions
/// (QA: the results then listed 第 2 版 twice).
pub const SURVEY_DEFINITION: &[&str] = &[
    "questions",
    "scales",
    "csat_question",
    "version",
    "previous_versions",
];

/// A survey's differing fields as choices: any part of its definition is the one choice
/// `questions`, in the place of the first of them.
fn survey_choices(fields: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in fields {
        let f = if SURVEY_DEFINITION.contains(&f.as_str()) {
            "questions".to_string()
        } else {
            f
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// The winner and losing live leaves of a document; None when it has no conflict.
pub async fn load<S: DocStore>(store: &S, id: &str) -> Result<Option<Conflict>, StoreError> {
    let tree = match store.rev_tree(id).await {
        Ok(t) => t,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let losers: Vec<String> = tree.conflicts().into_iter().map(str::to_string).collect();
    let Some(win) = tree.winner().map(str::to_string) else {
        return Ok(None);
    };
    if losers.is_empty() {
        return Ok(None);
    }
    let winner = store.get_rev(id, &win).await?;
    let mut others = Vec::new();
    for r in &losers {
        others.push(store.get_rev(id, r).await?);
    }
    let bodies: Vec<Json> = others.iter().map(|d| d.body.clone()).collect();
    let fields = match merge(winner.doc_type(), &winner.body, &bodies) {
        Merge::NeedsPerson(f) if winner.doc_type() == Some("survey") => survey_choices(f),
        Merge::NeedsPerson(f) => f,
        Merge::Merged(_) => Vec::new(),
    };
    Ok(Some(Conflict {
        id: id.to_string(),
        winner,
        others,
        fields,
    }))
}

/// Writes `body` as the document's content and retires every other live leaf.
async fn resolve_with<S: DocStore>(store: &S, c: &Conflict, body: Json) -> Result<(), StoreError> {
    let mut edits = Vec::new();
    if body != c.winner.body {
        edits.push(Doc {
            id: c.id.clone(),
            rev: c.winner.rev.clone(),
            deleted: false,
            body,
        });
    }
    for o in &c.others {
        edits.push(Doc {
            id: c.id.clone(),
            rev: o.rev.clone(),
            deleted: true,
            body: json!({}),
        });
    }
    store.bulk(edits).await.map(|_| ())
}

/// Settles the conflicts of these documents: merged where the rules can, listed otherwise
/// (after a pull, and after a restore put a backup's conflicts back).
pub async fn settle<S: DocStore>(store: &S, ids: &[String]) -> Result<Settled, StoreError> {
    let mut out = Settled::default();
    for id in ids {
        let Some(c) = loaded(store, id).await? else {
            continue;
        };
        let bodies: Vec<Json> = c.others.iter().map(|d| d.body.clone()).collect();
        match merge(c.winner.doc_type(), &c.winner.body, &bodies) {
            Merge::Merged(body) => match resolve_with(store, &c, body).await {
                Ok(()) => out.merged.push(id.clone()),
                // Edited meanwhile: look again next time.
                Err(StoreError::Conflict { .. }) => out.needs_person.push(id.clone()),
                Err(e) => return Err(e),
            },
            Merge::NeedsPerson(_) => out.needs_person.push(id.clone()),
        }
    }
    // The list has one writer, this: listed ids settled meanwhile (chosen by staff, here or on
    // another device) drop off, new ones are added. `open` and `choose` only read it, so a
    // page that lists conflicts while a sync settles cannot write back a list it read before
    // this one added to it.
    let before = listed(store).await?;
    let mut list = Vec::new();
    for id in &before {
        let fresh = ids.contains(id);
        if (fresh && out.needs_person.contains(id))
            || (!fresh && loaded(store, id).await?.is_some())
        {
            list.push(id.clone());
        }
    }
    for id in &out.needs_person {
        if !list.contains(id) {
            list.push(id.clone());
        }
    }
    if list != before {
        put_id_list(store, CONFLICTS_DOC, &list).await?;
    }
    Ok(out)
}

/// Settles the conflicts of the documents written since the last call (revisions pulled and
/// local edits alike), found in the store's changes feed a page at a time with their revision
/// trees: one read per page, and only documents that have a conflict are read again. The
/// position is kept in a local document once they are settled, so the revisions of a pull cut
/// short (an error, a reload, a crash after a page was checkpointed) are still looked at by
/// the next call.
pub async fn settle_since<S: DocStore>(store: &S) -> Result<Settled, StoreError> {
    let start = settled_up_to(store).await?;
    let (ids, since) = conflicted_since(store, start).await?;
    let out = settle(store, &ids).await?;
    if since != start {
        store
            .put_local(SETTLED_DOC, json!({ "seq": since }))
            .await?;
    }
    Ok(out)
}

/// The store sequence up to which [`settle_since`] has looked.
async fn settled_up_to<S: DocStore>(store: &S) -> Result<u64, StoreError> {
    Ok(store
        .get_local(SETTLED_DOC)
        .await?
        .and_then(|v| v.get("seq")?.as_u64())
        .unwrap_or(0))
}

/// The ids of the documents written after `since` that have a conflict, found in the changes
/// feed a page at a time with their revision trees, and the sequence the feed ends at.
async fn conflicted_since<S: DocStore>(
    store: &S,
    mut since: u64,
) -> Result<(Vec<String>, u64), StoreError> {
    let mut ids = Vec::new();
    loop {
        let page = changed_states_past_damage(store, since, SCAN_PAGE).await?;
        let Some(last) = page.last else {
            break;
        };
        since = last;
        // A damaged record is passed over: it is reported as damaged where it is read.
        ids.extend(
            page.states
                .iter()
                .filter(|(_, c)| !c.revs.tree.conflicts().is_empty())
                .map(|(change, _)| change.id.clone()),
        );
        if page.read < SCAN_PAGE {
            break;
        }
    }
    Ok((ids, since))
}

/// The losing live versions of every document in conflict, for a backup: those listed for a
/// person, and those of revisions written since [`settle_since`] last looked (a pull's
/// revisions whose settling has not run yet). Conflicts only arrive by a pull, and each pull is
/// settled after it, so no other document can hold one: the whole store is not read.
pub async fn pending_versions<S: DocStore>(store: &S) -> Result<Vec<Doc>, StoreError> {
    let mut ids = listed(store).await?;
    let (since, _) = conflicted_since(store, settled_up_to(store).await?).await?;
    ids.extend(since);
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for id in &ids {
        if let Some(c) = loaded(store, id).await? {
            out.extend(c.others.into_iter().filter(|o| !o.deleted));
        }
    }
    Ok(out)
}

async fn listed<S: DocStore>(store: &S) -> Result<Vec<String>, StoreError> {
    id_list(store, CONFLICTS_DOC).await
}

/// The ids a local document lists as `{"ids": [...]}` (none when it is absent).
pub(super) async fn id_list<S: DocStore>(store: &S, doc: &str) -> Result<Vec<String>, StoreError> {
    Ok(store
        .get_local(doc)
        .await?
        .and_then(|v| serde_json::from_value(v.get("ids")?.clone()).ok())
        .unwrap_or_default())
}

pub(super) async fn put_id_list<S: DocStore>(
    store: &S,
    doc: &str,
    ids: &[String],
) -> Result<(), StoreError> {
    store.put_local(doc, json!({ "ids": ids })).await
}

/// The conflicts waiting for a person: the listed documents still in conflict (those settled
/// meanwhile, here or on another device, are left out; the next `settle` drops them).
pub async fn open<S: DocStore>(store: &S) -> Result<Vec<Conflict>, StoreError> {
    let mut out = Vec::new();
    for id in listed(store).await? {
        if let Some(c) = loaded(store, &id).await? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Whether this document has a conflict waiting for a person: listed, and still in conflict
/// (one settled meanwhile, here or on another device, is not). One local read for documents
/// not listed, which is nearly all; cheap enough for a record's page.
pub async fn waiting<S: DocStore>(store: &S, id: &str) -> Result<bool, StoreError> {
    if !listed(store).await?.iter().any(|l| l == id) {
        return Ok(false);
    }
    Ok(loaded(store, id).await?.is_some())
}

/// As [`load`], a damaged document taken as having nothing to settle (it is reported as
/// damaged where it is read), so that one cannot hold up every other.
async fn loaded<S: DocStore>(store: &S, id: &str) -> Result<Option<Conflict>, StoreError> {
    match load(store, id).await {
        Err(StoreError::Corrupt { .. }) => Ok(None),
        other => other,
    }
}

/// Who settles a conflict by choosing a version, and when: the signed-in staff member (the UI
/// passes it in), the time, and the language of the note left in a complaint's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Chooser {
    pub by: StaffRef,
    pub at: NaiveDateTime,
    pub zh: bool,
}

/// Staff chose the version `rev` of a conflicted document. The chosen version decides the
/// fields no rule could merge; the merge rules still apply to the rest, so the history and
/// notes of every version are kept (DESIGN §3: a case's history is append-only). A
/// complaint's history then records who chose which version, and when. The other versions
/// are retired (still in the revision history).
pub async fn choose<S: DocStore>(
    store: &S,
    id: &str,
    rev: &str,
    who: &Chooser,
) -> Result<(), StoreError> {
    choose_each(store, id, rev, &[], who).await
}

/// As [`choose`], with some of the differing fields taken from other versions: `picks` are
/// (field, revision) pairs; a field not picked takes the version `rev`'s value. Two devices
/// that changed different fields (one the phone, the other the tier) keep both changes so
/// (QA: keeping either version dropped the other's change). A complaint's status goes with its
/// rounds (a status names a step whose data are in the rounds).
pub async fn choose_each<S: DocStore>(
    store: &S,
    id: &str,
    rev: &str,
    picks: &[(String, String)],
    who: &Chooser,
) -> Result<(), StoreError> {
    let c = load(store, id)
        .await?
        .ok_or_else(|| StoreError::NotFound { id: id.to_string() })?;
    let all: Vec<&Doc> = std::iter::once(&c.winner).chain(c.others.iter()).collect();
    let version = |rev: &str| {
        all.iter()
            .find(|d| d.rev.as_deref() == Some(rev))
            .copied()
            .ok_or_else(|| StoreError::Conflict { id: id.to_string() })
    };
    let chosen = version(rev)?;
    let doc_type = chosen.doc_type().or(c.winner.doc_type());
    // The chosen version with the picked fields of the others put in.
    let mut mixed = chosen.body.clone();
    let mut taken: Vec<(String, &Json)> = Vec::new();
    for (field, from) in picks {
        if from == rev || !c.fields.contains(field) {
            continue;
        }
        let from = &version(from)?.body;
        let mut put = |f: &str| {
            if let Some(m) = mixed.as_object_mut() {
                match from.get(f) {
                    Some(v) => m.insert(f.to_string(), v.clone()),
                    None => m.remove(f),
                };
            }
        };
        put(field);
        if doc_type == Some("complaint") && field == "rounds" {
            put("status");
        }
        if doc_type == Some("survey") && field == "questions" {
            for f in &SURVEY_DEFINITION[1..] {
                put(f);
            }
        }
        taken.push((field.clone(), from));
    }
    let rest: Vec<&Json> = all
        .iter()
        .filter(|d| d.rev.as_deref() != Some(rev))
        .map(|d| &d.body)
        .collect();
    let owned: Vec<Json> = rest.iter().map(|b| (*b).clone()).collect();
    let mut body = merge_choosing(doc_type, &mixed, &owned);
    if doc_type == Some("complaint") {
        // In both languages: whoever reads the history later may read the other (QA).
        let note = |zh| readable::choice_note(doc_type, &chosen.body, &rest, &c.fields, &taken, zh);
        let why = format!("{}{}{}", note(true), WHY_LANGS, note(false));
        append_settled(&mut body, &c.winner.body, who, why);
    }
    // Out of `open` from now on; `settle` drops it from the list.
    resolve_with(store, &c, body).await
}

/// Appends to a merged complaint's history that a person settled its conflict: from the
/// status the device showed to the one kept, in the current round.
fn append_settled(body: &mut Json, shown: &Json, who: &Chooser, why: String) {
    let status = |v: &Json| serde_json::from_value::<Status>(v.get("status")?.clone()).ok();
    let Some(to_status) = status(body) else {
        return;
    };
    let round = body
        .get("rounds")
        .and_then(Json::as_array)
        .and_then(|r| r.last()?.get("number")?.as_u64())
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1);
    let event = HistoryEvent {
        at: who.at,
        by: who.by.clone(),
        action: ActionKind::SettleConflict,
        from_status: status(shown).unwrap_or(to_status),
        to_status,
        round,
        why: Some(why),
    };
    let (Ok(event), Some(history)) = (
        serde_json::to_value(event),
        body.get_mut("history").and_then(Json::as_array_mut),
    ) else {
        return;
    };
    history.push(event);
}
