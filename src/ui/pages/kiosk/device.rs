//! The kiosk's memory on this device: a `_local` (never replicated) document saying whether
//! the device is locked to a survey, with which configuration, and when the last response was
//! submitted; the wrong staff PINs entered here (`PinLockout`, in localStorage); and how many
//! of this device's kiosk responses still wait to be sent.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::domain::settings::Language;
use crate::domain::survey::{Channel, KioskConfig, SurveyResponse};
use crate::store::{typed, DocStore, StoreError};
use crate::sync::config::{SyncConfig, CONFIG_DOC};
use crate::sync::protocol::Checkpoint;
use crate::ui::boot::device_settings;
use crate::ui::state::AppStore;

/// The `_local` document id.
pub const KIOSK_DOC: &str = "kiosk";

/// What this device remembers about kiosk mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskDevice {
    /// Locked: the device shows only the kiosk until a staff PIN unlocks it.
    pub locked: bool,
    pub config: KioskConfig,
    /// When the last complete response was submitted here (against ballot stuffing).
    #[serde(default)]
    pub last_submit: Option<NaiveDateTime>,
    /// The language each customer starts in: the staff's when kiosk mode was started (none
    /// for a kiosk started before it was kept: the device's staff language).
    #[serde(default)]
    pub language: Option<Language>,
}

/// The kiosk document of this device, if kiosk mode was ever set up here.
pub async fn load(store: &AppStore) -> Option<KioskDevice> {
    match store.get_local(KIOSK_DOC).await {
        Ok(Some(v)) => serde_json::from_value(v).ok(),
        _ => None,
    }
}

pub async fn save(store: &AppStore, d: &KioskDevice) -> Result<(), StoreError> {
    let v = serde_json::to_value(d).map_err(|e| StoreError::Invalid(e.to_string()))?;
    store.put_local(KIOSK_DOC, v).await
}

/// The route of a kiosk locked to `survey_id` (without the `survey:` prefix, as the
/// customer page's `/s/<survey>`).
pub fn kiosk_path(survey_id: &str) -> String {
    format!(
        "/kiosk/{}",
        survey_id.strip_prefix("survey:").unwrap_or(survey_id)
    )
}

/// Where a locked device belongs (`/kiosk/<survey>`), `None` when it is not locked.
pub async fn locked_path(store: &AppStore) -> Option<String> {
    load(store)
        .await
        .filter(|d| d.locked)
        .map(|d| kiosk_path(&d.config.survey_id))
}

/// The label stored as the responses' `device`: the configured one, else derived from the
/// device code, so that this device's responses can be told from other kiosks'.
pub async fn device_label(store: &AppStore, config: &KioskConfig) -> String {
    match config.device.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => l.to_string(),
        _ => format!("kiosk-{}", device_settings(store).await.device_code),
    }
}

thread_local! {
    /// Response id → whether it is a kiosk response of this device. Responses do not change
    /// channel or device, so a look-up is done once per id.
    static MINE: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
}

/// How many kiosk responses of this device (channel Kiosk, device `label`) are not yet
/// delivered. A response counts as delivered once the push replication of the sync
/// configuration has passed it (its checkpoint is past the response's last change); with no
/// sync configured nothing is delivered.
pub async fn waiting_count(store: &AppStore, label: &str) -> Result<u64, StoreError> {
    let since = delivered_up_to(store).await;
    let mut n = 0u64;
    let mut from = since;
    loop {
        let page = store.changes(from, 200).await?;
        for c in &page {
            if c.deleted || !c.id.starts_with("response:") {
                continue;
            }
            if is_mine(store, &c.id, label).await {
                n += 1;
            }
        }
        match page.last() {
            Some(c) if page.len() == 200 => from = c.seq,
            _ => break,
        }
    }
    Ok(n)
}

async fn is_mine(store: &AppStore, id: &str, label: &str) -> bool {
    let key = format!("{label}\u{0}{id}");
    if let Some(known) = MINE.with(|m| m.borrow().get(&key).copied()) {
        return known;
    }
    let mine = match typed::load::<SurveyResponse, _>(store, id).await {
        Ok(r) => r.channel == Channel::Kiosk && r.device.as_deref() == Some(label),
        Err(_) => return false,
    };
    MINE.with(|m| m.borrow_mut().insert(key, mine));
    mine
}

/// The local sequence the push replication has delivered up to (0 with no sync configured).
pub async fn delivered_up_to(store: &AppStore) -> u64 {
    let Ok(Some(v)) = store.get_local(CONFIG_DOC).await else {
        return 0;
    };
    let Ok(cfg) = serde_json::from_value::<SyncConfig>(v) else {
        return 0;
    };
    if cfg.url.trim().is_empty() {
        return 0;
    }
    let spec = cfg.main_push();
    store
        .get_local(&spec.replication_id())
        .await
        .ok()
        .flatten()
        .as_ref()
        .and_then(Checkpoint::from_json)
        .and_then(|c| c.last_seq.as_u64())
        .unwrap_or(0)
}
