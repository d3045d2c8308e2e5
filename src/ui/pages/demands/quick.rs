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
    let button = NodeRef::<leptos::html::Button>::new();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let is_d = ev.code() == "KeyD" || ev.key().eq_ignore_ascii_case("d");
        if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() && is_d && !ev.default_prevented() {
            ev.prevent_default();
            // Pressed with nothing focused, the form gives the focus back to this button when
            // it closes (not to the page's body, where the next Tab starts over).
            let idle = document()
                .active_element()
                .is_none_or(|a| a.tag_name() == "BODY");
            if let Some(b) = button.get_untracked().filter(|_| idle) {
                let _ = b.focus();
            }
            // Already open (or its part still loading): left as it is, typing and all.
            if !open.get_untracked() {
                open.set(true);
            }
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <button type="button" class="dm-quick" node_ref=button data-testid="quick-demand" aria-keyshortcuts="Alt+D Alt+Shift+D"
            title=t2("登记客户需求（Alt+D，或 Alt+Shift+D）", "Record a demand (Alt+D, or Alt+Shift+D)")
            on:pointerover=|_| preload_demand_form() on:focus=|_| preload_demand_form()
            on:click=move |_| if !open.get_untracked() { open.set(true) }>
            {t2("+ 需求", "+ Demand")}
        </button>
        {move || open.get().then(|| {
            let close = Callback::new(move |_| open.set(false));
            view! { <LazyPage load=move || demand_form(close) quiet=true/> }
        })}
    }
}
