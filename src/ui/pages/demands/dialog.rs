//! The demand pages' dialog (`components::dialog::Modal`) and their sign-in notice.

use leptos::prelude::*;

pub use crate::ui::components::dialog::Modal;
use crate::ui::i18n::t2;

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
