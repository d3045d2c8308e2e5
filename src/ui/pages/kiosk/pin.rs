//! The staff PIN pad that leaves kiosk mode: large digits, the PIN checked against the active
//! staff profiles (only those allowed by the kiosk configuration when it names any), a wrong
//! PIN refused, and the device's pause after repeated wrong PINs (`PinLockout`), shown with
//! the time left.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::domain::staff::{verify_pin, Staff};
use crate::ui::data::all_of;
use crate::ui::platform::{now_millis, on_interval, yield_now};
use crate::ui::state::{app, store};

use crate::ui::pin_check::{paused_words, pin_lockout, record_check};

const MAX_LEN: usize = 8;

/// The staff member whose PIN this is, among the active staff allowed to leave the kiosk
/// (`exit_ids` empty: any active staff member).
fn unlocking_staff(staff: Vec<Staff>, exit_ids: &[String], pin: &str) -> Option<Staff> {
    staff
        .into_iter()
        .filter(|s| s.active && (exit_ids.is_empty() || exit_ids.contains(&s.id)))
        .find(|s| verify_pin(pin, &s.pin_hash))
}

#[component]
pub fn PinPad(
    /// Staff allowed to leave (empty: every active staff member).
    exit_ids: Vec<String>,
    on_unlock: Callback<Staff>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The device's wrong PINs, read afresh each time the pad opens, and a clock for the
    // pause's time left.
    let lockout = RwSignal::new(pin_lockout());
    let clock = RwSignal::new(now_millis());
    on_interval(Duration::from_secs(1), move || clock.set(now_millis()));
    let pause_left = move || lockout.with(|l| l.remaining_ms(clock.get()));
    let exit_ids = StoredValue::new(exit_ids);
    // Futures run without the reactive owner: take the store handle here.
    let db = StoredValue::new_local(store());
    // A modal dialog as the staff pages' are: the kiosk behind it inert (Tab stays on the pad,
    // QA: it walked out to the language button behind), Escape closes it, and the focus goes
    // back to the button that opened it. The pad itself takes the focus (after the dialog's
    // own first focus), so a keyboard can type the PIN.
    let dialog = NodeRef::<leptos::html::Div>::new();
    crate::ui::components::dialog::keyboard_dialog(
        move || dialog.get().map(|d| d.unchecked_into::<web_sys::Element>()),
        true,
        on_cancel,
    );
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });

    let check = move || {
        if busy.get_untracked() {
            return;
        }
        clock.set(now_millis());
        lockout.set(pin_lockout());
        if pause_left() > 0 {
            // The pause is said in place of an error; no PIN is checked until it ends.
            pin.set(String::new());
            error.set(None);
            return;
        }
        let entered = pin.get_untracked();
        if entered.len() < 4 {
            error.set(Some(
                lang.get_untracked()
                    .s("请输入 4 至 8 位 PIN", "Enter a PIN of 4 to 8 digits"),
            ));
            return;
        }
        busy.set(true);
        error.set(None);
        let st = db.get_value();
        let exit_ids = exit_ids.get_value();
        spawn_local(async move {
            // Let "checking…" paint: the PIN hash takes a moment.
            yield_now().await;
            let staff = all_of::<Staff>(&st)
                .await
                .map(|(v, _)| v)
                .unwrap_or_default();
            let found = unlocking_staff(staff, &exit_ids, &entered);
            busy.set(false);
            pin.set(String::new());
            lockout.set(record_check(found.is_some()));
            clock.set(now_millis());
            match found {
                Some(s) => on_unlock.run(s),
                None => error.set(Some(lang.get_untracked().s("PIN 不正确", "Wrong PIN"))),
            }
        });
    };
    let press = move |d: char| {
        error.set(None);
        pin.update(|p| {
            if p.len() < MAX_LEN {
                p.push(d);
            }
        });
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "Enter" => check(),
            "Backspace" => pin.update(|p| {
                p.pop();
            }),
            "Escape" => on_cancel.run(()),
            // Tab goes round the pad's keys: past the last it comes back to the first, not out
            // of the page (QA: it left the pad for the kiosk's language button).
            "Tab" => {
                let Some(pad) = dialog.get_untracked() else {
                    return;
                };
                let Ok(list) = pad.query_selector_all("button:not([disabled])") else {
                    return;
                };
                let keys: Vec<web_sys::HtmlElement> = (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into().ok())
                    .collect();
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let at = keys.iter().position(|k| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == k.unchecked_ref::<web_sys::Element>())
                });
                let n = keys.len();
                if n == 0 {
                    return;
                }
                let next = match (at, ev.shift_key()) {
                    (Some(i), false) => (i + 1) % n,
                    (Some(i), true) => (i + n - 1) % n,
                    (None, false) => 0,
                    (None, true) => n - 1,
                };
                let _ = keys[next].focus();
            }
            k if k.len() == 1 && k.chars().all(|c| c.is_ascii_digit()) => {
                press(k.chars().next().unwrap_or('0'))
            }
            _ => return,
        }
        ev.prevent_default();
    };

    let dots = move || "●".repeat(pin.get().len());
    let message = move || match pause_left() {
        0 => error.get(),
        ms => Some(paused_words(ms, lang.get())),
    };
    view! {
        <div class="kiosk-pin-backdrop">
            <div class="kiosk-pin" role="dialog" aria-modal="true" aria-labelledby="kiosk-pin-h"
                tabindex="-1" on:keydown=on_key data-testid="kiosk-pin" node_ref=dialog>
                <h2 id="kiosk-pin-h">{move || lang.get().t("员工退出自助模式", "Staff: leave kiosk mode")}</h2>
                <div class="kiosk-pin-display" aria-live="polite" data-testid="kiosk-pin-display"
                    aria-label=move || lang.get().t("已输入的位数", "Digits entered")>
                    {dots}
                </div>
                <div class="kiosk-pin-err" role="alert" data-testid="kiosk-pin-error">{message}</div>
                <div class="kiosk-pin-keys">
                    {['1', '2', '3', '4', '5', '6', '7', '8', '9'].into_iter().map(|d| view! {
                        <button type="button" class="kiosk-key" on:click=move |_| press(d)>{d.to_string()}</button>
                    }).collect_view()}
                    <button type="button" class="kiosk-key soft" on:click=move |_| pin.update(|p| { p.pop(); })
                        aria-label=move || lang.get().t("删除一位", "Delete a digit")>"⌫"</button>
                    <button type="button" class="kiosk-key" on:click=move |_| press('0')>"0"</button>
                    <button type="button" class="kiosk-key ok" on:click=move |_| check() disabled=move || busy.get()
                        data-testid="kiosk-pin-ok">
                        {move || if busy.get() { lang.get().t("核对中…", "Checking…") } else { lang.get().t("确定", "OK") }}
                    </button>
                </div>
                <button type="button" class="kiosk-pin-cancel" on:click=move |_| on_cancel.run(())>
                    {move || lang.get().t("取消", "Cancel")}
                </button>
            </div>
        </div>
    }
}
