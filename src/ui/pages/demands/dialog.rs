//! A small modal dialog for the demand pages: labelled, and with the keyboard as every dialog
//! (`components::dialog`): it focuses its first field (or the element marked `data-autofocus`)
//! when it opens, closes on Escape, holds the rest of the page `inert` while open, and gives
//! the focus back to the element that had it when it opened.

use leptos::prelude::*;

use crate::ui::components::dialog::keyboard_dialog;
use crate::ui::i18n::t2;

#[component]
pub fn Modal(
    /// Element id prefix; the heading gets `<id>-h`.
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    keyboard_dialog(move || node.get().map(Into::into), true, on_close);
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
