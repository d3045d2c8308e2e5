//! state: the app-wide state provided once through Leptos context (language, the store
//! handle, who is using this device, branch settings, the working-day calendar, a change
//! counter that every page reads to refresh when the store changes here or in another tab, and
//! today's date, which pages that judge "due" or "overdue" read to refresh when the date turns).

use chrono::NaiveDate;
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
    /// An active staff member is on record: with nobody signed in, the staff pages but
    /// Settings then show nothing of the branch's data (see `shell::Shell`).
    pub staffed: RwSignal<bool>,
    pub calendar: RwSignal<WorkingCalendar>,
    /// A short message for the user: (is_error, Chinese, English). Said in the language shown,
    /// also after a switch; a message known in one language only has it twice.
    pub notice: RwSignal<Option<(bool, String, String)>>,
    /// This device is locked in kiosk mode: the staff shell shows nothing (read before the
    /// first page renders, so a staff address on a locked tablet never flashes staff data).
    pub kiosk_locked: RwSignal<bool>,
    /// Today's local date: set anew when the date turns ([`AppState::follow_the_date`]), so a
    /// page left open over midnight judges what is due today and what is overdue by the new
    /// date (read it, or track it, wherever a figure depends on "today").
    pub today: RwSignal<NaiveDate>,
    /// The branch's idle sign-out, in minutes (None: never): see `ui::idle`.
    pub idle_minutes: RwSignal<Option<u32>>,
    /// The seconds left before the idle sign-out, in its last minute (None: not that close).
    pub idle_warning: RwSignal<Option<u32>>,
}

impl AppState {
    pub fn new(lang: Lang) -> Self {
        AppState {
            lang: RwSignal::new(lang),
            store: StoredValue::new_local(None),
            changes: RwSignal::new(0),
            branch: RwSignal::new(Branch::default()),
            user: RwSignal::new(None),
            staffed: RwSignal::new(false),
            calendar: RwSignal::new(WorkingCalendar::default()),
            notice: RwSignal::new(None),
            kiosk_locked: RwSignal::new(false),
            today: RwSignal::new(super::platform::now().date()),
            idle_minutes: RwSignal::new(None),
            idle_warning: RwSignal::new(None),
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
        self.notice.set(Some((false, zh.into(), en.into())));
    }
    /// An error known in one language only (a server's or the browser's words).
    pub fn warn(&self, text: String) {
        self.notice.set(Some((true, text.clone(), text)));
    }
    /// An error in both languages.
    pub fn warn2(&self, zh: impl Into<String>, en: impl Into<String>) {
        self.notice.set(Some((true, zh.into(), en.into())));
    }
    /// An error said by `message(zh)` in either language.
    pub fn warn_with<S: Into<String>>(&self, message: impl Fn(bool) -> S) {
        self.warn2(message(true), message(false));
    }

    /// Keeps [`AppState::today`] on the local date, for the life of the page (one timer for the
    /// app): it wakes at the next local midnight, and at the latest every [`DATE_CHECK_EVERY_MS`]
    /// (a computer that slept, whose timers slept with it, is not a night late), and when the
    /// tab is shown again (a background tab's timers are held back). Each wake compares the
    /// date only; pages recompute when it has changed.
    pub fn follow_the_date(self) {
        let today = self.today;
        let check = move || {
            let now = super::platform::now().date();
            if today.get_untracked() != now {
                today.set(now);
            }
        };
        leptos::task::spawn_local(async move {
            loop {
                let ms = ms_to_next_day(super::platform::now()).min(DATE_CHECK_EVERY_MS);
                gloo_timers::future::TimeoutFuture::new(ms).await;
                check();
            }
        });
        // Kept for the life of the page, as the timer is.
        let _ = window_event_listener_untyped("visibilitychange", move |_| check());
    }
}

/// The longest the date is left unchecked, in ms (10 minutes).
pub const DATE_CHECK_EVERY_MS: u32 = 600_000;

/// Milliseconds from `now` to the next local midnight, and a little more (the timer wakes
/// just after the date has turned, never just before).
fn ms_to_next_day(now: chrono::NaiveDateTime) -> u32 {
    let next = (now.date() + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN);
    u32::try_from((next - now).num_milliseconds() + 50).unwrap_or(DATE_CHECK_EVERY_MS)
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
