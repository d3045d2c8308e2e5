//! ui/: the Leptos app — the shell, routes and pages. The only layer that touches the DOM.

pub mod boot;
pub mod components;
pub mod data;
pub mod i18n;
pub mod idle;
pub mod pages;
pub mod pin_check;
pub mod platform;
pub mod resource;
pub mod shell;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use pages::{complaints, customers, demands, kiosk, quality, reports, surveys};
use pages::{dashboard::Dashboard, settings::SettingsPage};
use shell::{NotFound, Shell};
use state::AppState;
use wasm_split_helpers::{wasm_split, SplitLoaderError};

/// Mounts the app on the page.
pub fn start() {
    console_error_panic_hook::set_once();
    boot::watch_for_new_build();
    // A page opened by its address: its part is fetched while the data opens, not after.
    let location = platform::window().location();
    preload_page(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    );
    preload_on_intent();
    if let Some(loading) = platform::window()
        .document()
        .and_then(|d| d.get_element_by_id("preload"))
    {
        loading.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(i18n::initial_lang());
    provide_context(state);
    state.install();
    i18n::remember_lang(state.lang.get_untracked());
    let phase = boot::boot(state);
    components::sync_status::provide_sync(phase);
    components::sync_status::after_pull(relist_after_sync);

    view! {
        <Router>
            <shell::FollowRoute/>
            {move || match phase.get() {
                boot::Phase::Opening => view! {
                    <div class="boot" role="status">
                        <div class="spinner" aria-hidden="true"></div>
                        <p>{i18n::t2("正在打开数据…", "Opening data…")}</p>
                    </div>
                }.into_any(),
                boot::Phase::Failed(msg) => view! {
                    <div class="boot boot-error" role="alert">
                        <h1>{i18n::t2("无法打开本地数据", "Local data could not be opened")}</h1>
                        <p>{msg}</p>
                    </div>
                }.into_any(),
                boot::Phase::Ready => view! {
                    <Routes fallback=|| view! { <Shell><NotFound/></Shell> }>
                        <Route path=path!("/") view=|| view! { <Shell><Dashboard/></Shell> }/>
                        <Route path=path!("/settings") view=|| view! { <Shell><LazyPage load=settings/></Shell> }/>
                        <Route path=path!("/complaints") view=|| view! { <Shell><LazyPage load=complaint_list/></Shell> }/>
                        <Route path=path!("/complaints/new") view=|| view! { <Shell><LazyPage load=complaint_intake/></Shell> }/>
                        <Route path=path!("/complaints/:id") view=|| view! { <Shell><LazyPage load=complaint_case/></Shell> }/>
                        <Route path=path!("/complaints/:id/print") view=|| view! { <Shell><LazyPage load=complaint_print/></Shell> }/>
                        <Route path=path!("/quality") view=|| view! { <Shell><LazyPage load=quality_page/></Shell> }/>
                        <Route path=path!("/reports") view=|| view! { <Shell><ReportsRoute/></Shell> }/>
                        <Route path=path!("/demands") view=|| view! { <Shell><LazyPage load=demand_matrix/></Shell> }/>
                        <Route path=path!("/customers") view=|| view! { <Shell><LazyPage load=customer_list/></Shell> }/>
                        <Route path=path!("/customers/import") view=|| view! { <Shell><LazyPage load=customer_import/></Shell> }/>
                        <Route path=path!("/customers/:id") view=|| view! { <Shell><LazyPage load=customer_timeline/></Shell> }/>
                        <Route path=path!("/journey") view=|| view! { <Shell><LazyPage load=journey/></Shell> }/>
                        <Route path=path!("/care") view=|| view! { <Shell><LazyPage load=care/></Shell> }/>
                        <Route path=path!("/surveys") view=|| view! { <Shell><LazyPage load=survey_list/></Shell> }/>
                        <Route path=path!("/surveys/:id") view=|| view! { <Shell><LazyPage load=survey_builder/></Shell> }/>
                        <Route path=path!("/surveys/:id/results") view=|| view! { <Shell><LazyPage load=survey_results/></Shell> }/>
                        // Customer-facing pages: no staff shell, nothing of staff data.
                        <Route path=path!("/s/:survey") view=surveys::CustomerPage/>
                        // A link cut back to its start: still a customer's page, saying so.
                        <Route path=path!("/s") view=surveys::CustomerPage/>
                        <Route path=path!("/kiosk/:survey") view=kiosk::KioskPage/>
                    </Routes>
                }.into_any(),
            }}
        </Router>
    }
}

/// A staff page whose code is in its own part of the wasm, one part per area, fetched the first
/// time a page of the area is opened: the build splits the wasm at each `#[wasm_split]` function
/// (scripts/tools/wasm-bindgen). The dashboard, the kiosk and the customer's survey stay in the
/// part every page loads, so they open as fast as before; the service worker keeps every part for
/// offline use.
///
/// While a part loads, a quiet "Loading…" shows. If it cannot be fetched (offline before the
/// service worker has stored it) the page says so and offers to try again, instead of the app
/// stopping; if a newer build has been installed meanwhile, whose cache no longer holds this
/// build's parts, the page reloads into the new build at the same address. No `Suspense` here:
/// the page's own resources would report to it and blank the whole page on every refetch.
///
/// `quiet`: nothing shows while the part loads (a dialog opened from the header, not a page).
#[component]
pub(crate) fn LazyPage<F, Fut>(load: F, #[prop(optional)] quiet: bool) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
{
    #[derive(Clone, Copy, PartialEq)]
    enum Loading {
        Pending,
        Failed,
        Ready,
    }
    let state = RwSignal::new(Loading::Pending);
    let page = StoredValue::new_local(None::<AnyView>);
    // Built in a task of this component's owner (also when retried from a button, whose own
    // owner goes with the message), so the page has the route's context and is disposed with
    // it. Held weakly: a strong owner kept in its own arena would never be dropped, and the
    // router disposes a route's owner by dropping it (every page visited would live on).
    let owner = StoredValue::new(
        Owner::current()
            .expect("a component has an owner")
            .downgrade(),
    );
    // The router's address (the browser's may not have changed yet while the route renders).
    let pathname = leptos_router::hooks::use_location().pathname;
    let address = StoredValue::new(pathname.get_untracked());
    let fetch = move || {
        let Some(owner) = owner.get_value().upgrade() else {
            return;
        };
        state.set(Loading::Pending);
        let address = address.get_value();
        owner.with(|| {
            leptos::task::spawn_local_scoped_with_cancellation(async move {
                match load().await {
                    Ok(view) => {
                        page.set_value(Some(view));
                        state.set(Loading::Ready);
                    }
                    // A dialog's part (quiet) is said in a notice: the page behind it is not
                    // replaced by a message, nor reloaded under what its user is typing.
                    Err(_) if quiet => {
                        state.set(Loading::Failed);
                        state::app().warn2(
                            "未能载入该表单：请检查网络后重试；若刚更新了版本，请先保存并刷新页面。",
                            "The form could not be loaded: check the network and try again; if the app was just updated, save your work and reload the page.",
                        );
                    }
                    // Only while the user is still at this page's address: a load that ends
                    // after they moved on must not reload the page they are on now.
                    Err(_)
                        if boot::build_replaced()
                            && pathname.try_get_untracked() == Some(address) =>
                    {
                        let _ = platform::window().location().reload();
                    }
                    Err(_) => state.set(Loading::Failed),
                }
            })
        });
    };
    fetch();
    move || {
        match state.get() {
        Loading::Pending | Loading::Failed if quiet => ().into_any(),
        Loading::Pending => view! {
            <div class="page-loading" role="status">
                <div class="spinner" aria-hidden="true"></div>
                <span>{i18n::t2("正在加载…", "Loading…")}</span>
            </div>
        }
        .into_any(),
        Loading::Failed => view! {
            <section class="page-unloaded" role="alert">
                <h1>{i18n::t2("页面未能加载", "This page could not be loaded")}</h1>
                <p>{i18n::t2(
                    "网络不可用，本页尚未存于本机。请检查网络后重试。",
                    "The network is unavailable and this page is not yet stored on this device. Check the network and try again.",
                )}</p>
                <button type="button" class="primary" on:click=move |_| fetch()>
                    {i18n::t2("重试", "Try again")}
                </button>
            </section>
        }
        .into_any(),
        Loading::Ready => page
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| ().into_any()),
    }
    }
}

// Each staff page in its area's part of the wasm: the functions of one area share a part. Each
// area also gets a function that loads its part without building a page (`preload_area`), and
// the first segments of the addresses whose pages are in it (`area_of`).
macro_rules! lazy_pages {
    ($($area:ident [$($segment:literal),+] $preload:ident: $($name:ident => $page:path),+;)+) => {
        $($(
            #[wasm_split($area, fallible)]
            fn $name() -> Result<AnyView, SplitLoaderError> {
                Ok($page().into_any())
            }
        )+
            #[wasm_split($area, fallible)]
            fn $preload() -> Result<(), SplitLoaderError> {
                Ok(())
            }
        )+

        /// The area whose part holds the page at `path`; None for the pages in the main part
        /// (the dashboard, the kiosk, the customer's survey).
        fn area_of(path: &str) -> Option<&'static str> {
            let first = path.trim_start_matches('/').split('/').next()?;
            match first {
                $($($segment)|+ => Some(stringify!($area)),)+
                _ => None,
            }
        }

        /// Loads the part of `area` (as named by [`area_of`]).
        async fn preload_area(area: &'static str) -> Result<(), SplitLoaderError> {
            match area {
                $(stringify!($area) => $preload().await,)+
                _ => Ok(()),
            }
        }
    };
}

lazy_pages! {
    complaints ["complaints"] preload_complaints: complaint_list => complaints::ListPage;
    // The intake form (/complaints/new): a part of its own, as the list's page (with the
    // form) was the largest to open, over the 700 KB budget ([`preload_page`] tells the
    // address apart; the segment here matches none).
    complaint_intake ["complaints//"] preload_complaint_intake:
        complaint_intake => complaints::IntakePage;
    // A case and its printed record: a part of their own, so that neither the list's nor the
    // case's page loads the other's code ([`preload_page`] tells their addresses apart; the
    // segment here matches none).
    complaint_case ["complaints/"] preload_complaint_case:
        complaint_case => complaints::CasePage, complaint_print => complaints::PrintPage;
    customers ["customers"] preload_customers:
        customer_list => customers::ListPage, customer_import => customers::ImportPage,
        customer_timeline => customers::TimelinePage;
    journeys ["journey", "care"] preload_journeys:
        journey => customers::JourneyPage, care => customers::CarePage;
    surveys ["surveys"] preload_surveys:
        survey_list => surveys::ListPage, survey_builder => surveys::BuilderPage;
    // A survey's results (figures, charts, follow-ups): a part of their own, as the list and
    // the builder were, with them, the largest page to open, over the 700 KB budget
    // ([`preload_page`] tells the address apart; the segment here matches none).
    survey_results ["surveys/"] preload_survey_results: survey_results => surveys::ResultsPage;
    reports ["reports"] preload_reports: reports => reports::ReportsPage;
    quality ["quality"] preload_quality: quality_page => quality::QualityPage;
    demands ["demands"] preload_demands: demand_matrix => demands::MatrixPage;
    settings ["settings"] preload_settings: settings => SettingsPage;
    // The reports page's KPI sheet (`/reports?view=kpi`, [`ReportsRoute`]): a part of its own
    // (the segment here matches none), as the service-quality page's part made that page the
    // largest to open, at the 700 KB budget's edge. (In the reports' part it made their page
    // 722 KB.)
    kpi ["reports/"] preload_kpi: kpi_sheet => reports::KpiPage;
    // Retention and destruction (`/reports?view=retention`): a part of their own, as the
    // reports' page was the largest to open, 717 B under the 700 KB budget.
    retention ["reports//"] preload_retention: retention_page => reports::RetentionPage;
}

/// The reports page's view a query string asks for (`view=kpi`: "kpi").
fn report_view(search: &str) -> Option<&str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("view="))
}

/// /reports: the KPI sheet from its part, retention from its own, the other reports from
/// theirs; moving between tabs of two swaps the page.
#[component]
fn ReportsRoute() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let view = Memo::new(move |_| match query.read().get("view").as_deref() {
        Some("kpi") => 1,
        Some("retention") => 2,
        _ => 0,
    });
    move || match view.get() {
        1 => view! { <LazyPage load=kpi_sheet/> }.into_any(),
        2 => view! { <LazyPage load=retention_page/> }.into_any(),
        _ => view! { <LazyPage load=reports/> }.into_any(),
    }
}

/// The listing of what a sync brought in (`complaints::repo::relist_arrivals`), from the
/// complaints part of the wasm: it reads complaints, so its code stays out of the main part
/// every page loads.
type Work = std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, String>>>>;

/// The kiosk's setup (a device not in kiosk mode, at /kiosk/<survey>), in a part of its own: a
/// kiosk in use never shows it, and in the main part it weighed on every page. (The settings
/// page links to it: in the settings' part, its code cut into pieces shared with other areas
/// made that page 6 KB larger than before, over the 700 KB budget.)
#[cfg(feature = "split")]
#[wasm_split(kiosk_setup, fallible)]
pub(crate) fn kiosk_setup(
    survey: String,
    on_started: Callback<kiosk::KioskDevice>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(kiosk_setup_view(survey, on_started))
}

/// Without the split (the in-browser tests' build, whose wasm would not start with a part's
/// loader in it), the same at hand.
#[cfg(not(feature = "split"))]
pub(crate) async fn kiosk_setup(
    survey: String,
    on_started: Callback<kiosk::KioskDevice>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(kiosk_setup_view(survey, on_started))
}

fn kiosk_setup_view(survey: String, on_started: Callback<kiosk::KioskDevice>) -> AnyView {
    view! { <kiosk::KioskSetup survey on_started/> }.into_any()
}

/// The sync conflicts of the settings page (each record's versions side by side, in words),
/// in a part of their own, fetched after the rest of the page: their texts for every kind of
/// record (`sync::readable`) made the settings page the largest to open, at the 700 KB budget's
/// edge.
#[cfg(feature = "split")]
#[wasm_split(sync_conflicts, fallible)]
pub(crate) fn sync_conflicts() -> Result<AnyView, SplitLoaderError> {
    Ok(sync_conflicts_view())
}

/// The settings page's backups (export, import with its checks and summary): a part of their
/// own, fetched after the rest of the page, as the sync conflicts are: in the settings' part
/// they made that page the largest to open, over the 700 KB budget.
#[cfg(feature = "split")]
#[wasm_split(settings_backup, fallible)]
pub(crate) fn settings_backup() -> Result<AnyView, SplitLoaderError> {
    Ok(settings_backup_view())
}

/// Without the split, the section at hand (as [`kiosk_setup`]).
#[cfg(not(feature = "split"))]
pub(crate) async fn settings_backup() -> Result<AnyView, SplitLoaderError> {
    Ok(settings_backup_view())
}

fn settings_backup_view() -> AnyView {
    view! { <pages::settings::backup::BackupSection/> }.into_any()
}

/// Without the split, the conflicts at hand (as [`kiosk_setup`]).
#[cfg(not(feature = "split"))]
pub(crate) async fn sync_conflicts() -> Result<AnyView, SplitLoaderError> {
    Ok(sync_conflicts_view())
}

fn sync_conflicts_view() -> AnyView {
    view! { <pages::sync_settings::SyncConflicts/> }.into_any()
}

/// The quick capture's demand form (the header's "+ 需求" on every staff page, and Alt+D), in
/// the demands' part: fetched when first opened (or pointed at), not with every page.
#[cfg(feature = "split")]
#[wasm_split(demands, fallible)]
pub(crate) fn demand_form(on_close: Callback<()>) -> Result<AnyView, SplitLoaderError> {
    Ok(demand_form_view(on_close))
}

/// Without the split, the form at hand (as [`kiosk_setup`]).
#[cfg(not(feature = "split"))]
pub(crate) async fn demand_form(on_close: Callback<()>) -> Result<AnyView, SplitLoaderError> {
    Ok(demand_form_view(on_close))
}

fn demand_form_view(on_close: Callback<()>) -> AnyView {
    view! { <pages::demands::DemandForm on_close/> }.into_any()
}

/// Starts fetching the demands' part (the quick form's), as a link to /demands pointed at
/// does; nothing without the split.
pub(crate) fn preload_demand_form() {
    #[cfg(feature = "split")]
    preload_page("/demands", "");
}

#[wasm_split(complaints, fallible)]
fn relist_in_part() -> Result<Work, SplitLoaderError> {
    Ok(Box::pin(async {
        pages::complaints::repo::relist_arrivals(&state::store())
            .await
            .map_err(|e| e.message(state::app().zh()))
    }))
}

thread_local! {
    /// Relisting under way, and whether another sync ended meanwhile.
    static RELISTING: std::cell::Cell<(bool, bool)> = const { std::cell::Cell::new((false, false)) };
}

/// After a sync cycle that brought something in: the deadlines of the cases (or the calendar)
/// it brought are listed as this device's calendar gives them. One at a time; a cycle ending
/// meanwhile runs it once more after.
fn relist_after_sync() {
    let (running, _) = RELISTING.get();
    if running {
        RELISTING.set((true, true));
        return;
    }
    RELISTING.set((true, false));
    leptos::task::spawn_local(async {
        loop {
            if let Err(e) = relist_arrivals().await {
                state::app().warn(e);
            }
            // Low scores given on kiosks and phones: their follow-ups, at once.
            let st = state::store();
            if let Err(e) = pages::surveys::records::followups_of_arrivals(&st).await {
                state::app().warn_with(|zh| e.message(zh));
            }
            if !RELISTING.get().1 {
                break;
            }
            RELISTING.set((true, false));
        }
        RELISTING.set((false, false));
    });
}

/// At start: the cases listed by an older rule than this version's
/// (`complaints::repo::LISTING_RULE`) are listed anew, once. Only on a device that has cases:
/// a kiosk has none, and does not fetch the complaints' part for nothing.
pub(crate) async fn relist_on_new_rule(store: &state::AppStore) {
    use crate::store::DocStore;
    use pages::complaints::repo::{LISTING_RULE, RELISTED_DOC};
    let rule = store
        .get_local(RELISTED_DOC)
        .await
        .ok()
        .flatten()
        .and_then(|m| m.get("rule")?.as_u64());
    if rule == Some(LISTING_RULE) {
        return;
    }
    if data::count_of(store, "complaint").await.unwrap_or(0) > 0 {
        relist_after_sync();
    }
}

/// Lists the deadlines of the cases a sync brought in by this device's calendar (see
/// `complaints::repo::relist_arrivals`); how many were rewritten, or the problem in words.
async fn relist_arrivals() -> Result<usize, String> {
    let work = relist_in_part().await.map_err(|_| {
        state::app().lang.get_untracked().s(
            "未能载入投诉模块，期限将在下次同步后核对",
            "The complaints module could not be loaded; deadlines are checked after the next sync",
        )
    })?;
    work.await
}

thread_local! {
    /// The areas whose part has been asked for ahead of their page, each with the time its
    /// preload failed (None while it loads or once it has loaded).
    static PRELOADED: std::cell::RefCell<Vec<(&'static str, Option<f64>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// How long a failed preload is not tried again (ms): offline, pointing along the navigation
/// would otherwise fetch every missing piece again at each link and each of its children.
const PRELOAD_RETRY_AFTER_MS: f64 = 15_000.0;

/// Starts loading the part that holds the page at `path` (with its query `search`), ahead of
/// opening it: the page then opens at once instead of waiting ~100 ms for its part to be
/// fetched and compiled. Nothing for a page in the main part, an area already asked for (or
/// whose preload failed less than [`PRELOAD_RETRY_AFTER_MS`] ago), or once a newer build has
/// taken over (this build's parts are gone from its cache). A failure is left to the page
/// itself, which reports it and offers a retry when opened.
fn preload_page(path: &str, search: &str) {
    let Some(area) = area_of(path) else {
        return;
    };
    let area = match (area, path.trim_start_matches('/').split('/').nth(1)) {
        // A case and its printed record are in a part of their own.
        ("complaints", Some("new")) => "complaint_intake",
        ("complaints", Some(id)) if !id.is_empty() => "complaint_case",
        // The reports page's KPI sheet is in a part of its own.
        ("reports", _) if report_view(search) == Some("kpi") => "kpi",
        // So is retention.
        ("reports", _) if report_view(search) == Some("retention") => "retention",
        // So are a survey's results.
        ("surveys", _) if path.trim_end_matches('/').ends_with("/results") => "survey_results",
        (area, _) => area,
    };
    if boot::build_replaced() {
        return;
    }
    let now = js_sys::Date::now();
    let go = PRELOADED.with(|p| {
        let mut p = p.borrow_mut();
        match p.iter_mut().find(|(a, _)| *a == area) {
            Some((_, failed)) if failed.is_some_and(|t| now - t >= PRELOAD_RETRY_AFTER_MS) => {
                *failed = None;
                true
            }
            Some(_) => false,
            None => {
                p.push((area, None));
                true
            }
        }
    });
    if !go {
        return;
    }
    // Not Leptos's executor, which is set up when the app mounts, after the first preload.
    wasm_bindgen_futures::spawn_local(async move {
        if preload_area(area).await.is_err() {
            let failed = Some(js_sys::Date::now());
            PRELOADED.with(|p| {
                if let Some(entry) = p.borrow_mut().iter_mut().find(|(a, _)| *a == area) {
                    entry.1 = failed;
                }
            });
        }
    });
}

/// Preloads a page's part when a link to it is pointed at, touched or focused, the moment
/// before it is followed (as SvelteKit's and instant.page's preloading on hover do): most
/// hovers last longer than a part takes to load from the service worker's cache.
fn preload_on_intent() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(doc) = platform::window().document() else {
        return;
    };
    let origin = platform::window().location().origin().unwrap_or_default();
    let on_intent = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        let link = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(a) = link.filter(|a| a.origin() == origin) {
            preload_page(&a.pathname(), &a.search());
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(true);
    for event in ["pointerover", "focusin"] {
        let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
            event,
            on_intent.as_ref().unchecked_ref(),
            &options,
        );
    }
    on_intent.forget();
}
