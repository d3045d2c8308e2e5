//! Quick capture of a demand from anywhere in the app: a compact "+ 需求" button that opens
//! the demand form, and the Alt+D shortcut (one dialog even if the button is mounted twice:
//! the first listener takes the key and marks it handled). Alt+Shift+D works too, for
//! browsers that keep Alt+D for their address bar.

use leptos::prelude::*;

use crate::ui::i18n::t2;

use super::form::DemandForm;

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
            on:click=move |_| open.set(true)>
            {t2("+ 需求", "+ Demand")}
        </button>
        {move || open.get().then(|| view! { <DemandForm on_close=move |_| open.set(false)/> })}
    }
}
