//! kiosk: the unattended lobby tablet locked to one survey (/kiosk/<survey>) — the kiosk
//! screen, its lock on this device (a `_local` document), the PIN exit, and `KioskSetup`.
//!
//! A device that is not locked shows the staff setup at /kiosk/<survey> (no staff shell);
//! a locked one shows only the kiosk, whatever survey the address names.

mod device;
mod guard;
mod pin;
mod screen;
mod setup;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use crate::domain::staff::Staff;
use crate::ui::boot::set_device_user;
use crate::ui::i18n::{initial_lang, show_lang, t2};
use crate::ui::state::{app, store};
use crate::ui::{kiosk_setup, LazyPage};

pub use device::{delivered_up_to, kiosk_path, locked_path, waiting_count, KioskDevice, KIOSK_DOC};
pub use guard::LockGuard;
pub use setup::KioskSetup;

/// The survey id named by the address: `/kiosk/survey:01…` or `/kiosk/01…`.
fn survey_id_of(param: &str) -> String {
    if param.is_empty() || param.contains(':') {
        param.to_string()
    } else {
        format!("survey:{param}")
    }
}

/// A wait told to a customer or to staff: `45 秒`, `2 分 30 秒`, `2 分钟` / `45 s`,
/// `2 min 30 s`, `2 min`.
#[component]
pub fn KioskPage() -> impl IntoView {
    let state = app();
    let params = use_params_map();
    let navigate = use_navigate();
    let wanted = Memo::new(move |_| survey_id_of(&params.read().get("survey").unwrap_or_default()));
    // None while loading; Some(None) on a device that was never set up as a kiosk.
    let device = RwSignal::new(None::<Option<KioskDevice>>);
    // Futures run without the reactive owner: take the store handle here.
    let db = StoredValue::new_local(store());
    let st = db.get_value();
    spawn_local(async move {
        device.set(Some(device::load(&st).await));
    });

    let locked = Signal::derive(move || device.with(|d| matches!(d, Some(Some(k)) if k.locked)));
    let home = Signal::derive(move || match device.get() {
        Some(Some(k)) if k.locked => kiosk_path(&k.config.survey_id),
        _ => kiosk_path(&wanted.get()),
    });
    guard::guard_route(home, locked);

    // A locked device shows its own survey, whatever the address says.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Some(k)) = device.get() {
                if k.locked && k.config.survey_id != wanted.get() {
                    navigate(
                        &kiosk_path(&k.config.survey_id),
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
            }
        }
    });

    let on_exit = Callback::new(move |who: Staff| {
        let navigate = navigate.clone();
        let s = db.get_value();
        spawn_local(async move {
            if let Some(mut d) = device::load(&s).await {
                d.locked = false;
                if let Err(e) = device::save(&s, &d).await {
                    state.warn_with(|zh| e.message(zh));
                    return;
                }
            }
            // The PIN that unlocked the kiosk is whose the device is now: the staff pages act
            // as them, not as whoever started the kiosk (nobody is signed in while it runs).
            let name = who.name.clone();
            if let Err(e) = set_device_user(state, &s, Some(who)).await {
                state.warn_with(|zh| e.message(zh));
            }
            state.kiosk_locked.set(false);
            guard::leave_fullscreen();
            // Back to the staff language the kiosk never changed.
            let staff_lang = initial_lang();
            state.lang.set(staff_lang);
            show_lang(staff_lang);
            state.tell(
                format!("{name} 已退出自助模式，已登录本设备"),
                format!("{name} left kiosk mode and is signed in on this device"),
            );
            device.set(Some(device::load(&s).await));
            navigate("/", NavigateOptions::default());
        });
    });

    view! {
        {move || match device.get() {
            None => view! { <div class="boot" role="status"><div class="spinner" aria-hidden="true"></div></div> }.into_any(),
            Some(Some(k)) if k.locked => {
                if k.config.survey_id == wanted.get() {
                    view! { <screen::KioskScreen device=k on_exit=on_exit/> }.into_any()
                } else {
                    ().into_any()
                }
            }
            Some(_) => view! {
                <div class="page kiosk-setup-page">
                    <div class="spread">
                        <A href="/">{t2("← 返回工作台", "← Back to the dashboard")}</A>
                        <crate::ui::shell::LangSwitch/>
                    </div>
                    <h1>{t2("自助终端", "Kiosk")}</h1>
                    <p class="muted">{t2(
                        "本设备尚未处于自助模式。设置后点击“在本设备启动自助模式”。",
                        "This device is not in kiosk mode. Set it up, then press “Start kiosk mode on this device”.",
                    )}</p>
                    {
                        let started = Callback::new(move |d| device.set(Some(Some(d))));
                        // `/kiosk/setup` names no survey: the form starts from this device's own.
                        let asked = move || Some(wanted.get_untracked()).filter(|w| w != "survey:setup").unwrap_or_default();
                        view! { <LazyPage load=move || kiosk_setup(asked(), started)/> }
                    }
                </div>
            }.into_any(),
        }}
    }
}
