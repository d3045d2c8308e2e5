//! A small modal dialog for the demand pages: labelled, closes on Escape, focuses its first
//! field (or the element marked `data-autofocus`) when it opens. While it is open the rest of
//! the page is `inert` (Tab and Shift+Tab stay in the dialog, a screen reader reads only it);
//! when it closes, the focus goes back to the element that had it when it opened.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::ui::i18n::t2;
use crate::ui::platform::window;

thread_local! {
    /// The open dialogs, the latest last: (key, dialog, the element focused when it opened).
    static OPEN: RefCell<Vec<(u32, Element, Option<HtmlElement>)>> = const { RefCell::new(Vec::new()) };
    /// The elements made inert for the latest dialog.
    static HELD: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// Makes everything but the latest open dialog inert: the siblings of the dialog and of each
/// of its ancestors up to `<body>`. Undoes what the last call did first.
fn hold_page() {
    HELD.with_borrow_mut(|held| {
        for el in held.drain(..) {
            let _ = el.remove_attribute("inert");
        }
        let Some(mut el) = OPEN.with_borrow(|o| o.last().map(|d| d.1.clone())) else {
            return;
        };
        while let Some(parent) = el.parent_element() {
            if parent.parent_element().is_none() {
                break; // <html>: <head> is not the page
            }
            let mut sib = parent.first_element_child();
            while let Some(s) = sib {
                if s != el && !s.has_attribute("inert") {
                    let _ = s.set_attribute("inert", "");
                    held.push(s.clone());
                }
                sib = s.next_element_sibling();
            }
            el = parent;
        }
    });
}

/// Dialog `key` closed: the page is given back (or held for a dialog still open), and the
/// focus returns to its opener unless it has moved on elsewhere (to another dialog).
fn release(key: u32) {
    let Some((_, dialog, opener)) = OPEN.with_borrow_mut(|o| {
        let i = o.iter().position(|d| d.0 == key)?;
        Some(o.remove(i))
    }) else {
        return;
    };
    hold_page();
    let active = window().document().and_then(|d| d.active_element());
    let lost = active.is_none_or(|a| a.tag_name() == "BODY" || dialog.contains(Some(&a)));
    if let Some(o) = opener.filter(|o| lost && o.is_connected()) {
        let _ = o.focus();
    }
}

#[component]
pub fn Modal(
    /// Element id prefix; the heading gets `<id>-h`.
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let key = NEXT.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if OPEN.with_borrow(|o| o.iter().all(|d| d.0 != key)) {
            let opener = window()
                .document()
                .and_then(|d| d.active_element())
                .and_then(|a| a.dyn_into::<HtmlElement>().ok());
            OPEN.with_borrow_mut(|o| o.push((key, el.clone().into(), opener)));
            hold_page();
        }
        for sel in ["[data-autofocus]", "input, textarea, select", "button"] {
            if let Ok(Some(f)) = el.query_selector(sel) {
                let _ = f.unchecked_into::<HtmlElement>().focus();
                break;
            }
        }
    });
    // Escape closes, wherever the focus is (it may have left with a button that went away).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && !ev.default_prevented() {
            ev.prevent_default();
            on_close.run(());
        }
    });
    on_cleanup(move || {
        escape.remove();
        release(key);
    });
    let heading = format!("{id}-h");
    let heading_ref = heading.clone();
    view! {
        <div class="dm-overlay">
            <div class="dm-dialog" role="dialog" aria-modal="true" aria-labelledby=heading_ref
                data-testid=id node_ref=node>
                <div class="spread dm-dialog-head">
                    <h2 id=heading>{move || title.get()}</h2>
                    <button type="button" class="link dm-x" on:click=move |_| on_close.run(())
                        aria-label=t2("关闭", "Close")>"×"</button>
                </div>
                {children()}
            </div>
        </div>
    }
}

/// Said where an action needs a signed-in staff member.
#[component]
pub fn NeedUser() -> impl IntoView {
    view! {
        <p class="err" role="alert" data-testid="need-user">
            {t2("需要先登录才能操作：", "Sign in to do this: ")}
            <a href="/settings#device">{t2("设置 → 本设备", "Settings → This device")}</a>
        </p>
    }
}
