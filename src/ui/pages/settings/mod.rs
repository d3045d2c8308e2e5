//! settings: the branch, staff profiles, who uses this device, the working-day calendar,
//! storage and backups.

mod backup;
mod branch;
mod calendar;
mod device;
mod staff;
mod storage;

use leptos::prelude::*;

use crate::ui::i18n::t2;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1>{t2("设置", "Settings")}</h1>
        <branch::BranchSection/>
        <device::DeviceSection/>
        <staff::StaffSection/>
        <calendar::CalendarSection/>
        <crate::ui::pages::sync_settings::SyncSettingsSection/>
        <crate::ui::pages::kiosk::KioskSetup/>
        <storage::StorageSection/>
        <backup::BackupSection/>
    }
}
