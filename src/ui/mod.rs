//! ui/: the Leptos app — the shell, routes and pages. The only layer that touches the DOM.

pub mod boot;
pub mod components;
pub mod data;
pub mod i18n;
pub mod pages;
pub mod platform;
pub mod resource;
pub mod shell;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use pages::{complaints, customers, demands, kiosk, reports, surveys};
use pages::{dashboard::Dashboard, settings::SettingsPage};
use shell::{NotFound, Shell};
use state::AppState;

/// Mounts the app on the page.
pub fn start() {
    console_error_panic_hook::set_once();
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

    view! {
        <Router>
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
                        <Route path=path!("/settings") view=|| view! { <Shell><SettingsPage/></Shell> }/>
                        <Route path=path!("/complaints") view=|| view! { <Shell><complaints::ListPage/></Shell> }/>
                        <Route path=path!("/complaints/new") view=|| view! { <Shell><complaints::IntakePage/></Shell> }/>
                        <Route path=path!("/complaints/:id") view=|| view! { <Shell><complaints::CasePage/></Shell> }/>
                        <Route path=path!("/complaints/:id/print") view=|| view! { <Shell><complaints::PrintPage/></Shell> }/>
                        <Route path=path!("/reports") view=|| view! { <Shell><reports::ReportsPage/></Shell> }/>
                        <Route path=path!("/demands") view=|| view! { <Shell><demands::MatrixPage/></Shell> }/>
                        <Route path=path!("/customers") view=|| view! { <Shell><customers::ListPage/></Shell> }/>
                        <Route path=path!("/customers/import") view=|| view! { <Shell><customers::ImportPage/></Shell> }/>
                        <Route path=path!("/customers/:id") view=|| view! { <Shell><customers::TimelinePage/></Shell> }/>
                        <Route path=path!("/journey") view=|| view! { <Shell><customers::JourneyPage/></Shell> }/>
                        <Route path=path!("/care") view=|| view! { <Shell><customers::CarePage/></Shell> }/>
                        <Route path=path!("/surveys") view=|| view! { <Shell><surveys::ListPage/></Shell> }/>
                        <Route path=path!("/surveys/:id") view=|| view! { <Shell><surveys::BuilderPage/></Shell> }/>
                        <Route path=path!("/surveys/:id/results") view=|| view! { <Shell><surveys::ResultsPage/></Shell> }/>
                        // Customer-facing pages: no staff shell, nothing of staff data.
                        <Route path=path!("/s/:survey") view=surveys::CustomerPage/>
                        <Route path=path!("/kiosk/:survey") view=kiosk::KioskPage/>
                    </Routes>
                }.into_any(),
            }}
        </Router>
    }
}
