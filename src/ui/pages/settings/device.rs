//! This device: who is using it (signed in with their PIN, which they may change), and its code
//! in case numbers.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::settings::validate_device_code;
use crate::domain::staff::{hash_pin, DEFAULT_PIN_ITERATIONS, PIN_SALT_LEN};
use crate::ui::boot::{device_settings, set_device_user};
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::pin_check::check_pin;
use crate::ui::platform::{now, random_bytes};
use crate::ui::state::{app, store};

use super::admin;
use super::staff::{save_checked, PinPair};

#[component]
pub fn DeviceSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let staff = admin().staff;
    let chosen = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let device_code = RwSignal::new(String::new());
    // The code's own problem, under its own field (not the PIN's).
    let code_error = RwSignal::new(None::<String>);
    // A code typed and not saved yet survives a reload.
    let kept =
        crate::ui::components::keep_typed("kefu.settings.device-code", vec![("code", device_code)]);
    spawn_local(async move {
        kept.follow("code", device_settings(&store()).await.device_code);
    });

    let sign_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = staff.get().unwrap_or_default();
        let Some(member) = list.into_iter().find(|s| s.id == chosen.get_untracked()) else {
            error.set(Some(
                lang.get_untracked().s("请选择人员", "Choose who you are"),
            ));
            return;
        };
        if let Err(e) = check_pin(
            &member.id,
            &pin.get_untracked(),
            &member.pin_hash,
            lang.get_untracked(),
        ) {
            pin.set(String::new());
            error.set(Some(e));
            return;
        }
        error.set(None);
        pin.set(String::new());
        spawn_local(async move {
            let name = member.name.clone();
            match set_device_user(state, &store(), Some(member)).await {
                Ok(()) => state.tell(
                    format!("{name} 已登录本设备"),
                    format!("{name} is signed in on this device"),
                ),
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let sign_out = move |_| {
        spawn_local(async move {
            if set_device_user(state, &store(), None).await.is_ok() {
                state.tell("已退出", "Signed out");
            }
        });
    };
    let save_code = move |_| {
        let code = device_code.get_untracked().trim().to_uppercase();
        if let Err(e) = validate_device_code(&code) {
            code_error.set(Some(if lang.get_untracked().is_zh() {
                e.zh()
            } else {
                e.en()
            }));
            return;
        }
        spawn_local(async move {
            match crate::ui::boot::set_device_code(&store(), &code).await {
                Ok(true) => {
                    code_error.set(None);
                    kept.saved();
                    state.tell("设备代码已保存", "Device code saved");
                }
                // Case numbers carry the code: two devices with one code would number alike.
                Ok(false) => code_error.set(Some(lang.get_untracked().s(
                    format!("设备代码 {code} 已被另一台设备使用（投诉编号含设备代码，不能重复），请换一个。"),
                    format!("Device code {code} is used by another device (case numbers carry it, so it must be unique); choose another."),
                ))),
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };

    view! {
        <section class="panel" id="device" aria-labelledby="device-h">
            <h2 id="device-h">{t2("本设备使用人", "Who is using this device")}</h2>
            {move || state.user.get().map(|u| view! {
                <p class="row">
                    <span data-testid="signed-in-as">{u.name.clone()}</span>
                    <span class="badge info">{move || if lang.get().is_zh() { u.role.zh() } else { u.role.en() }}</span>
                    <button type="button" on:click=sign_out data-testid="device-signout">{t2("退出登录", "Sign out")}</button>
                </p>
            })}
            <Show when=move || state.user.with(|u| u.is_some())>
                <OwnPin/>
            </Show>
            <form on:submit=sign_in>
                <div class="fields">
                    <Field id="device-staff" label=t2("人员", "Staff member")>
                        // Each option says whether it is the one chosen: the list is drawn
                        // anew when staff are added, and the browser kept the place, not the
                        // person (QA: it showed 李强 and checked 王经理's PIN, and a wrong PIN
                        // paused the manager).
                        <select id="device-staff" bind:value=chosen>
                            <option value="" prop:selected=move || chosen.with(String::is_empty)>{t2("— 请选择 —", "— choose —")}</option>
                            // The role after the name: namesakes (and whoever is who) are
                            // told apart. No `<Suspense>` around the options: it could leave the
                            // list empty while the profiles were read again after a write
                            // (twice in CI the manager was missing from it for 10 s); the
                            // resource keeps the last list until the new one is read.
                            {move || staff.get().map(|list| list.into_iter().filter(|s| s.active).map(|s| {
                                let (name, role) = (s.name.clone(), s.role);
                                let id = s.id.clone();
                                view! { <option value=s.id.clone() prop:selected=move || chosen.with(|c| *c == id)>{move || if lang.get().is_zh() {
                                    format!("{name}（{}）", role.zh())
                                } else {
                                    format!("{name} ({})", role.en())
                                }}</option> }
                            }).collect_view())}
                        </select>
                    </Field>
                    <Field id="device-pin" label=t2("PIN", "PIN") error=Signal::derive(move || error.get())>
                        <input id="device-pin" type="password" inputmode="numeric" autocomplete="off" bind:value=pin/>
                    </Field>
                </div>
                <div class="actions"><button class="primary" type="submit">{t2("登录本设备", "Sign in on this device")}</button></div>
            </form>
            <div class="fields" style="margin-top:16px">
                <Field id="device-code" label=t2("设备代码（用于投诉编号）", "Device code (in case numbers)") error=Signal::derive(move || code_error.get())>
                    <div class="row">
                        <input id="device-code" bind:value=device_code maxlength="3" style="max-width:8em"/>
                        <button type="button" on:click=save_code>{t2("保存", "Save")}</button>
                    </div>
                </Field>
            </div>
        </section>
    }
}

/// The signed-in member's own PIN, changed by them: the current PIN, then the new one twice.
/// Everything else of a profile stays the manager's (`domain::staff::is_own_pin_change`); a
/// manager still resets a forgotten PIN in the staff list.
#[component]
fn OwnPin() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let current = RwSignal::new(String::new());
    let current_error = RwSignal::new(None::<String>);
    let new_pin = PinPair::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let pin_err = move || new_pin.pin_err(lang.get());
    let pin2_err = move || new_pin.pin2_err(lang.get());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        new_pin.tried.set(true);
        error.set(None);
        let typed = current.get_untracked();
        current_error.set(
            typed
                .is_empty()
                .then(|| l.s("请输入当前 PIN", "Type your current PIN")),
        );
        if typed.is_empty() || pin_err().is_some() || pin2_err().is_some() {
            return;
        }
        let Some(me) = state.user.get_untracked() else {
            return;
        };
        let fresh = new_pin.pin.get_untracked();
        if fresh == typed {
            error.set(Some(
                l.s("新 PIN 与当前 PIN 相同", "The new PIN is the one you have"),
            ));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            // Checked against the profile as stored now (a manager may have reset it since).
            let stored =
                crate::store::typed::load::<crate::domain::staff::Staff, _>(&store(), &me.id)
                    .await
                    .ok();
            let right = stored
                .as_ref()
                .map(|s| check_pin(&s.id, &typed, &s.pin_hash, l));
            match right {
                Some(Ok(())) => {}
                Some(Err(e)) => {
                    current.set(String::new());
                    current_error.set(Some(e));
                    busy.set(false);
                    return;
                }
                None => {
                    error.set(Some(l.s("找不到该人员", "No such staff member")));
                    busy.set(false);
                    return;
                }
            }
            let salt = random_bytes::<PIN_SALT_LEN>();
            let hash = hash_pin(&fresh, &salt, DEFAULT_PIN_ITERATIONS);
            match save_checked(Some(me.id.clone()), |m| {
                if let Some(m) = m {
                    m.pin_hash = hash.set(now(), &m.name);
                }
            })
            .await
            {
                Ok(_) => {
                    current.set(String::new());
                    new_pin.clear();
                    state.tell(
                        "你的 PIN 已修改，下次登录请用新 PIN",
                        "Your PIN is changed: sign in with the new one from now on",
                    );
                }
                Err(msg) => error.set(Some(msg)),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="own-pin" data-testid="own-pin">
            <summary>{t2("修改我的 PIN", "Change my PIN")}</summary>
            <form on:submit=save novalidate>
                <div class="fields">
                    <Field id="own-pin-current" required=true label=t2("当前 PIN", "Current PIN") error=Signal::derive(move || current_error.get())>
                        <input id="own-pin-current" type="password" inputmode="numeric" autocomplete="current-password" bind:value=current/>
                    </Field>
                    <Field id="own-pin-new" required=true label=t2("新 PIN（4–8 位数字）", "New PIN (4–8 digits)") error=Signal::derive(pin_err)>
                        <input id="own-pin-new" type="password" inputmode="numeric" autocomplete="new-password" bind:value=new_pin.pin/>
                    </Field>
                    <Field id="own-pin-new2" required=true label=t2("再次输入新 PIN", "New PIN again") error=Signal::derive(pin2_err)>
                        <input id="own-pin-new2" type="password" inputmode="numeric" autocomplete="new-password" bind:value=new_pin.pin2/>
                    </Field>
                </div>
                <div class="actions">
                    <button type="submit" data-testid="own-pin-save" disabled=move || busy.get()>{t2("修改 PIN", "Change the PIN")}</button>
                </div>
                {move || error.get().map(|e| view! { <p class="err" role="alert" data-testid="own-pin-error">{e}</p> })}
            </form>
        </details>
    }
}
