//! settings: the branch, staff profiles, who uses this device, the working-day calendar,
//! storage and backups.
//!
//! What changes the whole branch (staff and their roles and PINs, the branch's name and code,
//! the calendar, importing a backup, erasing the device) is for an active 客服经理 signed in,
//! or for anyone while no active manager exists (a new install being set up): the domain's
//! `admin_access` decides, and every such control is disabled with its reason otherwise.
//! Where the device syncs to is the manager's too (`sync_settings`). Who uses this device, its
//! code, signing in again to the sync server saved, the kiosk and storage stay open to the
//! person at it.

pub(crate) mod backup;
mod branch;
mod calendar;
mod device;
mod staff;
mod storage;

use leptos::prelude::*;

use crate::domain::staff::{admin_access, AdminDenied, AdminGrant, Staff};
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

/// Whether the signed-in user may change the branch's settings, as the domain says.
#[derive(Clone, Copy)]
pub struct Admin {
    /// Every staff profile (sorted by name), refreshed when the store changes.
    pub staff: Res<Vec<Staff>>,
    /// `None` while the profiles load.
    pub access: Memo<Option<Result<AdminGrant, AdminDenied>>>,
}

impl Admin {
    fn new() -> Self {
        let state = app();
        let staff = staff::staff_resource();
        let access = Memo::new(move |_| {
            let list = staff.get()?;
            let user = state.user.with(|u| u.as_ref().map(|u| u.id.clone()));
            Some(admin_access(&list, user.as_deref()))
        });
        Admin { staff, access }
    }

    /// Whether the branch-wide controls are enabled now (tracked).
    pub fn allowed(&self) -> bool {
        matches!(self.access.get(), Some(Ok(_)))
    }

    /// Whether no active manager exists yet, so anyone sets the branch up (tracked).
    pub fn setting_up(&self) -> bool {
        matches!(self.access.get(), Some(Ok(AdminGrant::Setup)))
    }
}

/// The settings' admin check, provided by the page.
pub fn admin() -> Admin {
    use_context::<Admin>().expect("provided by SettingsPage")
}

/// The rule asked again with the profiles as stored at this moment, just before a change is
/// saved (the page's copy may be a moment old): the refusal in the user's language.
pub async fn admin_check_now() -> Result<AdminGrant, String> {
    let state = app();
    let staff = all_of::<Staff>(&store())
        .await
        .map(|(v, _)| v)
        .map_err(|e| e.message(state.zh()))?;
    let user = state
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()));
    admin_access(&staff, user.as_deref()).map_err(|d| if state.zh() { d.zh() } else { d.en() })
}

/// Why the branch-wide controls of a section are disabled, when they are.
#[component]
pub fn AdminNote() -> impl IntoView {
    let admin = admin();
    let lang = app().lang;
    move || match admin.access.get() {
        Some(Err(d)) => Some(view! {
            <p class="admin-note" role="note" data-testid="admin-reason">
                {if lang.get().is_zh() { d.zh() } else { d.en() }}
            </p>
        }),
        _ => None,
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    provide_context(Admin::new());
    view! {
        <h1>{t2("设置", "Settings")}</h1>
        <SectionNav/>
        <branch::BranchSection/>
        <device::DeviceSection/>
        <staff::StaffSection/>
        <calendar::CalendarSection/>
        <crate::ui::pages::sync_settings::SyncSettingsSection/>
        <KioskLink/>
        <storage::StorageSection/>
        <crate::ui::LazyPage load=crate::ui::settings_backup/>
    }
}

/// The lobby kiosk: its setup is a page of its own (/kiosk/setup, in a part of the wasm of its
/// own), where a device not in kiosk mode is set up and started.
#[component]
fn KioskLink() -> impl IntoView {
    view! {
        <section class="panel" id="kiosk" aria-labelledby="kiosk-h">
            <h2 id="kiosk-h">{t2("大堂自助评价终端", "Lobby kiosk")}</h2>
            <p class="muted small">{t2(
                "将本设备锁定为只显示一份问卷的自助终端：全屏、触控，答完自动重置；退出需员工 PIN。",
                "Lock this device to one survey for customers in the lobby: full screen, touch, resets after each customer; leaving needs a staff PIN.",
            )}</p>
            <p><a href="/kiosk/setup" data-testid="kiosk-setup-link">{t2("设置并启动自助终端 →", "Set up and start the kiosk →")}</a></p>
        </section>
    }
}

/// The page's sections, each a link to its heading: the page is long (the calendar's table
/// alone is several screens), and other pages link to its parts by the same ids.
#[component]
fn SectionNav() -> impl IntoView {
    const SECTIONS: [(&str, &str, &str); 8] = [
        ("branch-h", "营业部", "Branch"),
        ("device", "本设备使用人", "This device"),
        ("staff-h", "人员", "Staff"),
        ("cal-h", "工作日历", "Calendar"),
        ("sync", "同步", "Sync"),
        ("kiosk", "自助终端", "Kiosk"),
        ("storage-h", "本地存储", "Storage"),
        ("backup-h", "备份与恢复", "Backup"),
    ];
    view! {
        <nav class="settings-nav" aria-label=t2("设置目录", "Settings sections") data-testid="settings-nav">
            {SECTIONS.map(|(id, zh, en)| view! { <a href=format!("#{id}")>{t2(zh, en)}</a> })}
        </nav>
    }
}
