//! Quick capture of a demand from anywhere in the app: a compact "+ 需求" button that opens
//! the demand form, and the Alt+D shortcut (one dialog even if the button is mounted twice:
//! the first listener takes the key and marks it handled). Alt+Shift+D works too, for
//! browsers that keep Alt+D for their address bar. The form is in the demands' part of the
//! wasm (`crate::ui::demand_form`), fetched when the button is pointed at or first pressed.

use leptos::prelude::*;

use crate::ui::i18n::t2;

use crate::ui::{demand_form, preload_demand_form, LazyPage};

#[component]
pub fn QuickDemand() -> impl IntoView {
    let open = RwSignal::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let is_d = ev.code() == "KeyD" || ev.key().eq_ignore_ascii_case("d");
        if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() && is_d && !ev.default_prevented() {
            ev.prevent_default();
            open.set(true);
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <button type="button" class="dm-quick" data-testid="quick-demand" aria-keyshortcuts="Alt+D Alt+Shift+D"
            title=t2("登记客户需求（Alt+D，或 Alt+Shift+D）", "Record a demand (Alt+D, or Alt+Shift+D)")
            on:pointerover=|_| preload_demand_form() on:focus=|_| preload_demand_form()
            on:click=move |_| open.set(true)>
            {t2("+ 需求", "+ Demand")}
        </button>
        {move || open.get().then(|| {
            let close = Callback::new(move |_| open.set(false));
            view! { <LazyPage load=move || demand_form(close) quiet=true/> }
        })}
    }
}
