//! boot: opening the store at start-up, loading the branch, calendar and the device's current
//! user, listening for changes (this tab and others), and registering the service worker.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::domain::settings::{
    check_claim, device_claim_id, device_code_from_random, device_id_from_random, BranchSettings,
    ClaimCheck, DeviceClaim, DeviceSettings, BRANCH_SETTINGS_ID,
};
use crate::domain::staff::Staff;
use crate::store::{typed, DocStore, Schema, StoreError};

use super::state::{AppState, AppStore, DB_NAME};

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Opening,
    Ready,
    Failed(String),
}

/// Local (not replicated) document naming who uses this device.
pub const DEVICE_DOC: &str = "device";

pub fn boot(state: AppState) -> ReadSignal<Phase> {
    let (phase, set_phase) = signal(Phase::Opening);
    // Pages that judge "due today" and "overdue" refresh when the date turns.
    state.follow_the_date();
    super::idle::watch(state);
    follow_other_tabs(state);
    spawn_local(async move {
        // Other tabs can tell this one is open (a form's draft is not taken from a live
        // tab), and a duplicated tab has its own id before any form reads it.
        // What a crash kept from reaching localStorage (a draft typed just before it) is
        // back before any page reads it.
        let (opened, (), _) = futures::join!(
            AppStore::open_with(DB_NAME, Schema::current()),
            super::platform::hold_tab_lock(),
            super::platform::restore_local()
        );
        match opened {
            Ok(store) => {
                let changes = state.changes;
                match store.subscribe(move |_seq| changes.update(|n| *n += 1)) {
                    // Kept for the life of the page: every write here or in another tab
                    // bumps `changes`, and pages refresh.
                    Ok(subscription) => std::mem::forget(subscription),
                    Err(e) => state.warn_with(|zh| e.message(zh)),
                }
                state.set_store(store.clone());
                load_settings(state, &store).await;
                report_cut_import(state, &store).await;
                set_phase.set(Phase::Ready);
                mark_ready("ready");
                register_service_worker();
                spawn_local(async move {
                    let _ = super::pages::surveys::records::follow_arrivals_from_now(&store).await;
                    super::relist_on_new_rule(&store).await;
                });
            }
            Err(e) => {
                set_phase.set(Phase::Failed(e.message(state.zh())));
                mark_ready("failed");
            }
        }
    });
    // Reload the settings when they change (e.g. edited in another tab).
    Effect::new(move |prev: Option<u64>| {
        let n = state.changes.get();
        if prev.is_some() && state.has_store() {
            spawn_local(async move { load_settings(state, &super::state::store()).await });
        }
        n
    });
    phase
}

/// Reads the branch, calendar and current user from the store into the app state.
pub async fn load_settings(state: AppState, store: &AppStore) {
    state
        .kiosk_locked
        .set(crate::ui::pages::kiosk::locked_path(store).await.is_some());
    let settings = branch_settings(store).await;
    // Set only when changed: this runs after every write, and pages drawn from the calendar
    // (a case's deadlines) are drawn again when it is set.
    if state.branch.with_untracked(|b| *b != settings.branch) {
        state.branch.set(settings.branch);
    }
    if state.calendar.with_untracked(|c| *c != settings.calendar) {
        state.calendar.set(settings.calendar);
    }
    if state.idle_minutes.get_untracked() != settings.idle_signout_minutes {
        state.idle_minutes.set(settings.idle_signout_minutes);
    }
    let mut device = device_settings(store).await;
    let mut user = match &device.current_staff_id {
        Some(id) => typed::load::<Staff, _>(store, id).await.ok(),
        None => None,
    };
    // A deactivated (停用) member's authority has ended: signed out at start-up, and at once
    // when deactivated while signed in (this runs after every write, here or in another tab).
    if let Some(gone) = user.take_if(|u| !u.active) {
        device.current_staff_id = None;
        if let Err(e) = save_device_settings(store, &device).await {
            state.warn_with(|zh| e.message(zh));
        }
        state.tell(
            format!("{}已停用，已退出本设备", gone.name),
            format!(
                "{} has been deactivated and was signed out of this device",
                gone.name
            ),
        );
    }
    // With staff on record and nobody signed in, the pages keep the branch's data to
    // themselves (a PC left signed out, or signed out when idle, showed every case).
    let staffed = user.is_some()
        || crate::ui::data::all_of::<Staff>(store)
            .await
            .is_ok_and(|(all, _)| all.iter().any(|s| s.active));
    if state.staffed.get_untracked() != staffed {
        state.staffed.set(staffed);
    }
    state.user.set(user);
}

/// The shared branch settings (branch and calendar), or the defaults on a new install.
pub async fn branch_settings(store: &AppStore) -> BranchSettings {
    typed::load::<BranchSettings, _>(store, BRANCH_SETTINGS_ID)
        .await
        .unwrap_or_default()
}

/// Changes the shared branch settings and saves them as a new revision.
pub async fn update_branch_settings(
    store: &AppStore,
    change: impl FnOnce(&mut BranchSettings),
) -> Result<BranchSettings, StoreError> {
    let mut settings = branch_settings(store).await;
    change(&mut settings);
    let rev = typed::save(store, &settings).await?;
    settings.rev = Some(rev);
    Ok(settings)
}

pub async fn device_settings(store: &AppStore) -> DeviceSettings {
    match store.get_local(DEVICE_DOC).await {
        Ok(Some(v)) => serde_json::from_value(v).unwrap_or_default(),
        _ => {
            // First start on this device: a random device code for case numbers.
            let language = super::i18n::initial_lang().into();
            let mut d = DeviceSettings::first_run(super::platform::random_bytes::<2>(), language);
            d.device_id = device_id_from_random(super::platform::random_bytes::<8>());
            let _ = save_device_settings(store, &d).await;
            d
        }
    }
}

/// The device settings with a device code this device owns, claiming it first if nobody has
/// (see `domain::complaint::case_number` for why). If another device (seen through sync)
/// owns the code, a new random code that nobody owns is chosen and kept. Returns the
/// settings and, when the code had to change, the code given up.
pub async fn claimed_device(
    store: &AppStore,
) -> Result<(DeviceSettings, Option<String>), StoreError> {
    let mut d = device_settings(store).await;
    let mut changed = None;
    if d.device_id.is_empty() {
        d.device_id = device_id_from_random(super::platform::random_bytes::<8>());
        save_device_settings(store, &d).await?;
    }
    for _ in 0..64 {
        match claim(store, &d).await? {
            Claim::Mine => return Ok((d, changed)),
            Claim::Claimed => {
                save_device_settings(store, &d).await?;
                return Ok((d, changed));
            }
            Claim::Taken => {
                changed.get_or_insert_with(|| d.device_code.clone());
                d.device_code = device_code_from_random(super::platform::random_bytes::<2>());
            }
        }
    }
    Err(StoreError::Invalid(
        "no free device code found after 64 tries".into(),
    ))
}

/// What [`claim`] found.
enum Claim {
    /// The code was this device's already.
    Mine,
    /// Nobody's: it is now this device's.
    Claimed,
    /// Another device (seen through sync) owns it.
    Taken,
}

/// Claims `d`'s device code for `d`'s device if nobody has.
async fn claim(store: &AppStore, d: &DeviceSettings) -> Result<Claim, StoreError> {
    let id = device_claim_id(&d.device_code);
    for _ in 0..8 {
        let claim = match typed::load::<DeviceClaim, _>(store, &id).await {
            Ok(c) => Some(c),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        match check_claim(claim.as_ref(), &d.device_id) {
            ClaimCheck::Mine => return Ok(Claim::Mine),
            ClaimCheck::Taken => return Ok(Claim::Taken),
            ClaimCheck::Free => {
                let mine = DeviceClaim::new(&d.device_code, &d.device_id, super::platform::now());
                match typed::save(store, &mine).await {
                    Ok(_) => return Ok(Claim::Claimed),
                    // Claimed by another tab or device in the meantime: check again.
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Err(StoreError::Conflict { id })
}

/// Makes `code` this device's code (the settings' field), claiming it at once; `false`, and
/// nothing changed, when another device (seen through sync) owns it.
pub async fn set_device_code(store: &AppStore, code: &str) -> Result<bool, StoreError> {
    let mut d = device_settings(store).await;
    if d.device_id.is_empty() {
        d.device_id = device_id_from_random(super::platform::random_bytes::<8>());
    }
    let before = std::mem::replace(&mut d.device_code, code.to_string());
    if let Claim::Taken = claim(store, &d).await? {
        return Ok(false);
    }
    save_device_settings(store, &d).await?;
    if before != d.device_code {
        release(store, &before, &d.device_id).await;
    }
    Ok(true)
}

/// Gives up this device's claim to `code`, which it no longer uses: every code a device was
/// ever given stayed claimed for good, so a replacement PC could not take its old one back.
/// Case numbers with the code stay unique: the next device to take it numbers on from them
/// (the daily sequence is read from the cases, which sync brings). Left as it is when another
/// device owns it, or on any failure (a claim kept is only a code not offered).
async fn release(store: &AppStore, code: &str, device_id: &str) {
    let id = device_claim_id(code);
    if let Ok(c) = typed::load::<DeviceClaim, _>(store, &id).await {
        if let (ClaimCheck::Mine, Some(rev)) = (check_claim(Some(&c), device_id), c.rev.as_deref())
        {
            let _ = store.delete(&id, rev).await;
        }
    }
}

/// Signs `who` in on this device (None: signs out): the device's settings name them, and the
/// pages act as them. The one place the device's user changes, besides start-up's sign-out of
/// a deactivated member ([`load_settings`]).
pub async fn set_device_user(
    state: AppState,
    store: &AppStore,
    who: Option<Staff>,
) -> Result<(), StoreError> {
    let mut d = device_settings(store).await;
    if who.is_some() {
        // Signing in is using the device: the idle time starts over.
        super::idle::used_now();
    }
    d.current_staff_id = who.as_ref().map(|m| m.id.clone());
    save_device_settings(store, &d).await?;
    state.user.set(who);
    tell_other_tabs(None);
    Ok(())
}

/// Local (not replicated) document kept while a backup's import runs: still there when the
/// app next opens, the import was cut short (the tab or browser closed, a crash) and the data
/// is as before it (the import is one transaction).
const IMPORT_MARK: &str = "import-running";

/// Notes that an import of `docs` documents starts now (Some), or that it has ended (None).
pub async fn mark_import(store: &AppStore, docs: Option<usize>) -> Result<(), StoreError> {
    let value = match docs {
        Some(n) => serde_json::json!({
            "at": super::platform::now().format("%Y-%m-%d %H:%M").to_string(),
            "docs": n,
        }),
        None => serde_json::Value::Null,
    };
    store.put_local(IMPORT_MARK, value).await
}

/// Says so when the last import of a backup on this device did not finish.
async fn report_cut_import(state: AppState, store: &AppStore) {
    let Ok(Some(mark)) = store.get_local(IMPORT_MARK).await else {
        return;
    };
    let Some(at) = mark.get("at").and_then(|a| a.as_str()) else {
        return;
    };
    state.warn2(
        format!("{at} 开始的备份导入没有完成（页面或浏览器在导入中被关闭）：本设备的数据仍是导入前的样子。如需要，请重新导入该备份。"),
        format!("The import of a backup started at {at} did not finish (the page or browser closed during it): this device's data is as it was before. Import the backup again if you need it."),
    );
    let _ = mark_import(store, None).await;
}

/// The channel on which a tab says the device's user or staff language changed (neither is
/// a replicated document, so the store's own change messages do not carry them).
const DEVICE_CHANNEL: &str = "kefu:device";

/// Tells this device's other tabs to read who is signed in again, and the staff language
/// `lang` when it changed (sent with the message: another tab's localStorage may not have the
/// new value yet when the message arrives).
pub fn tell_other_tabs(lang: Option<super::i18n::Lang>) {
    if let Ok(c) = web_sys::BroadcastChannel::new(DEVICE_CHANNEL) {
        let said = lang.map_or(wasm_bindgen::JsValue::TRUE, |l| l.code().into());
        let _ = c.post_message(&said);
        c.close();
    }
}

/// Follows the other tabs: a sign-in or sign-out there is this tab's at once (its header, what
/// its pages offer, whose name an action is saved under), as is the staff language.
fn follow_other_tabs(state: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(DEVICE_CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if state.has_store() {
                spawn_local(async move { load_settings(state, &super::state::store()).await });
            }
            // A kiosk's language is its customer's, not the staff's.
            if let (Some(code), false) = (ev.data().as_string(), state.kiosk_locked.get_untracked())
            {
                let lang = super::i18n::Lang::from_code(&code);
                if state.lang.get_untracked() != lang {
                    state.lang.set(lang);
                    super::i18n::show_lang(lang);
                }
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // For the life of the page.
    on_message.forget();
    std::mem::forget(channel);
}

pub async fn save_device_settings(store: &AppStore, d: &DeviceSettings) -> Result<(), StoreError> {
    store
        .put_local(DEVICE_DOC, serde_json::to_value(d).unwrap_or_default())
        .await
}

/// Registers the service worker, and registers it again until one is active: an install that
/// failed (a file of the build not fetched: a network blip, a server restarting) is not tried
/// again by the browser before the next page load, and an unattended kiosk may not have one
/// for weeks. Its page would not open again with the web server gone. The first retry comes
/// after 5 s, then after twice as long each time, at most 5 minutes apart; an install still
/// going on is left to finish (registering again then changes nothing).
fn register_service_worker() {
    spawn_local(async {
        let mut wait_ms = 5_000;
        loop {
            let container = super::platform::window().navigator().service_worker();
            let registered = wasm_bindgen_futures::JsFuture::from(container.register("/sw.js"))
                .await
                .ok()
                // Not a registration where service workers are blocked (its `.active` threw).
                .filter(wasm_bindgen::JsValue::is_object)
                .map(|r| r.unchecked_into::<web_sys::ServiceWorkerRegistration>());
            gloo_timers::future::TimeoutFuture::new(wait_ms).await;
            if registered.is_some_and(|r| r.active().is_some()) {
                return;
            }
            wait_ms = (wait_ms * 2).min(300_000);
        }
    });
}

/// Watches for a newer build taking over this page: a service worker taking control of a page
/// that already had one (from its start, or since) serves another build than the page runs,
/// whose parts of the wasm the page has not loaded yet are gone. The first control of a new
/// device's page is the same build, and is not counted. Set before the app mounts.
pub fn watch_for_new_build() {
    let sw = super::platform::window().navigator().service_worker();
    let had_controller = std::cell::Cell::new(sw.controller().is_some());
    let on_change = Closure::<dyn Fn()>::new(move || {
        if had_controller.replace(true) {
            BUILD_REPLACED.with(|b| b.set(true));
        }
    });
    let _ =
        sw.add_event_listener_with_callback("controllerchange", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

thread_local! {
    static BUILD_REPLACED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a newer build of the app has taken over this page's service worker since it loaded.
pub fn build_replaced() -> bool {
    BUILD_REPLACED.with(|b| b.get())
}

/// Marks `<html data-boot=…>` once the data is open (or failed to open): tests and scripts
/// wait on it instead of guessing when the app has mounted.
fn mark_ready(phase: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-boot", phase);
    }
}
