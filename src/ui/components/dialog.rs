//! components/dialog: what every dialog and side sheet does with the keyboard: it takes the
//! focus when it opens, closes on Escape wherever the focus is (the latest one open first), and
//! gives the focus back to the element that had it when it opened. A modal one also makes the
//! rest of the page `inert` (Tab and Shift+Tab stay in it, a screen reader reads only it).

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::ui::platform::window;

/// One dialog open on the page.
struct Open {
    key: u32,
    dialog: Element,
    /// The element focused when it opened (HTML, or SVG as a chart's bar).
    opener: Option<Element>,
    modal: bool,
}

thread_local! {
    /// The open dialogs, the latest last.
    static OPEN: RefCell<Vec<Open>> = const { RefCell::new(Vec::new()) };
    /// The elements made inert for the latest modal dialog.
    static HELD: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// Makes everything but the latest open modal dialog inert: the siblings of the dialog and of
/// each of its ancestors up to `<body>`. Undoes what the last call did first.
fn hold_page() {
    HELD.with_borrow_mut(|held| {
        for el in held.drain(..) {
            let _ = el.remove_attribute("inert");
        }
        let modal =
            OPEN.with_borrow(|o| o.iter().rev().find(|d| d.modal).map(|d| d.dialog.clone()));
        let Some(mut el) = modal else {
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
/// focus returns to its opener unless it has moved on elsewhere (to another dialog, or to
/// something on the page beside a sheet).
fn release(key: u32) {
    let Some(closed) = OPEN.with_borrow_mut(|o| {
        let i = o.iter().position(|d| d.key == key)?;
        Some(o.remove(i))
    }) else {
        return;
    };
    hold_page();
    let active = window().document().and_then(|d| d.active_element());
    let lost = active.is_none_or(|a| a.tag_name() == "BODY" || closed.dialog.contains(Some(&a)));
    if let Some(o) = closed.opener.filter(|o| lost && o.is_connected()) {
        // `focus` is called by name, so it works on an SVG element too.
        let _ = o.unchecked_ref::<HtmlElement>().focus();
    }
}

/// Gives the dialog that `dialog` finds (once it is drawn) the keyboard, for as long as the
/// calling component lives: it focuses the element marked `data-autofocus`, else the first
/// field, else the first button; Escape anywhere runs `on_close` if this is the latest dialog
/// open; when the component goes, the focus returns to what had it before. `modal` also
/// makes the rest of the page inert meanwhile.
pub fn keyboard_dialog(
    dialog: impl Fn() -> Option<Element> + 'static,
    modal: bool,
    on_close: Callback<()>,
) {
    let key = NEXT.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    Effect::new(move |_| {
        let Some(el) = dialog() else { return };
        if OPEN.with_borrow(|o| o.iter().all(|d| d.key != key)) {
            let opener = window().document().and_then(|d| d.active_element());
            OPEN.with_borrow_mut(|o| {
                o.push(Open {
                    key,
                    dialog: el.clone(),
                    opener,
                    modal,
                })
            });
            hold_page();
        }
        for sel in ["[data-autofocus]", "input, textarea, select", "button"] {
            if let Ok(Some(f)) = el.query_selector(sel) {
                let _ = f.unchecked_into::<HtmlElement>().focus();
                break;
            }
        }
    });
    // Escape closes the latest dialog, wherever the focus is (it may have left with a button
    // that went away, or stayed on the page beside a sheet), but not while typing Chinese (it
    // ends the composition there).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        let latest = OPEN.with_borrow(|o| o.last().map(|d| d.key)) == Some(key);
        if ev.key() == "Escape" && latest && !ev.is_composing() && !ev.default_prevented() {
            ev.prevent_default();
            on_close.run(());
        }
    });
    on_cleanup(move || {
        escape.remove();
        release(key);
    });
}

/// A small modal dialog (the demand pages', staff answering a survey for a customer):
/// labelled, and with the keyboard as every dialog here: it focuses its first field (or the
/// element marked `data-autofocus`) when it opens, closes on Escape, holds the rest of the page
/// `inert` while open, and gives the focus back to the element that had it when it opened.
#[component]
pub fn Modal(
    /// Element id prefix; the heading gets `<id>-h`.
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    /// A dialog to read first (a demand's details): it opens with the focus on its heading,
    /// so that it shows from its top, not on its first field further down (on a phone that
    /// opened it scrolled to the middle).
    #[prop(optional)]
    read_first: bool,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    keyboard_dialog(move || node.get().map(Into::into), true, on_close);
    let heading = format!("{id}-h");
    let heading_ref = heading.clone();
    view! {
        // A press on the dimmed page around the dialog (a double click on the button that
        // opened it lands there too) leaves the focus in the dialog.
        <div class="dm-overlay" on:mousedown=|ev| {
            if ev.target() == ev.current_target() {
                ev.prevent_default();
            }
        }>
            <div class="dm-dialog" role="dialog" aria-modal="true" aria-labelledby=heading_ref
                data-testid=id node_ref=node>
                <div class="spread dm-dialog-head">
                    <h2 id=heading tabindex=read_first.then_some("-1")
                        data-autofocus=read_first.then_some("")>{move || title.get()}</h2>
                    <button type="button" class="link dm-x" on:click=move |_| on_close.run(())
                        aria-label=crate::ui::i18n::t2("关闭", "Close")>"×"</button>
                </div>
                {children()}
            </div>
        </div>
    }
}
