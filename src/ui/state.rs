//! state: the app-wide state provided once through Leptos context (language, the store
//! handle, who is using this device, branch settings, the working-day calendar, and a change
//! counter that every page reads to refresh when the store changes here or in another tab).

use leptos::prelude::*;

use crate::domain::calendar::WorkingCalendar;
use crate::domain::settings::Branch;
use crate::domain::staff::Staff;
use crate::store::idb_store::IdbStore;

use super::i18n::Lang;

/// The store the app runs on.
pub type AppStore = IdbStore;

/// The IndexedDB database the app opens.
pub const DB_NAME: &str = "kefu";

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    store: StoredValue<Option<AppStore>, LocalStorage>,
    /// Bumped after every committed write (this tab or another): read it to refresh.
    pub changes: RwSignal<u64>,
    pub branch: RwSignal<Branch>,
    /// The staff member using this device, if one has signed in with their PIN.
    pub user: RwSignal<Option<Staff>>,
    pub calendar: RwSignal<WorkingCalendar>,
    /// A short message for the user: (is_error, text).
    pub notice: RwSignal<Option<(bool, String)>>,
    /// This device is locked in kiosk mode: the staff shell shows nothing (read before the
    /// first page renders, so a staff address on a locked tablet never flashes staff data).
    pub kiosk_locked: RwSignal<bool>,
}

impl AppState {
    pub fn new(lang: Lang) -> Self {
        AppState {
            lang: RwSignal::new(lang),
            store: StoredValue::new_local(None),
            changes: RwSignal::new(0),
            branch: RwSignal::new(Branch::default()),
            user: RwSignal::new(None),
            calendar: RwSignal::new(WorkingCalendar::default()),
            notice: RwSignal::new(None),
            kiosk_locked: RwSignal::new(false),
        }
    }
    pub fn set_store(&self, store: AppStore) {
        self.store.set_value(Some(store));
    }
    pub fn has_store(&self) -> bool {
        self.store.with_value(|s| s.is_some())
    }
    pub fn zh(&self) -> bool {
        self.lang.get_untracked().is_zh()
    }
    pub fn tell(&self, zh: impl Into<String>, en: impl Into<String>) {
        let text = self.lang.get_untracked().s(zh, en);
        self.notice.set(Some((false, text)));
    }
    pub fn warn(&self, text: String) {
        self.notice.set(Some((true, text)));
    }
}

thread_local! {
    /// The one AppState of this page, for code that runs outside the reactive owner tree
    /// (event handlers' spawned futures, store subscriptions), where context is not reachable.
    static CURRENT: std::cell::Cell<Option<AppState>> = const { std::cell::Cell::new(None) };
}

impl AppState {
    /// Makes this state reachable from `app()` anywhere on this thread.
    pub fn install(self) {
        CURRENT.with(|c| c.set(Some(self)));
    }
}

pub fn app() -> AppState {
    use_context::<AppState>()
        .or_else(|| CURRENT.with(|c| c.get()))
        .expect("AppState is installed when the app mounts")
}

/// The open store. Pages render only after it is open.
pub fn store() -> AppStore {
    app()
        .store
        .with_value(|s| s.clone())
        .expect("the store is opened before pages render")
}
