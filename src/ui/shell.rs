//! shell: the frame around every staff page — header with the branch and the current staff
//! member, navigation, the language switch, and the notice line.

use leptos::prelude::*;
use leptos_router::components::A;

use super::i18n::{remember_lang, t2, Lang};
use super::state::app;

/// The staff pages in the navigation: (path, Chinese label, English label).
pub const NAV: &[(&str, &str, &str)] = &[
    ("/", "工作台", "Dashboard"),
    ("/complaints", "投诉", "Complaints"),
    ("/demands", "需求", "Demands"),
    ("/customers", "客户", "Customers"),
    ("/journey", "客户旅程", "Journeys"),
    ("/care", "客户关怀", "Care"),
    ("/surveys", "满意度调查", "Surveys"),
    ("/quality", "服务质检", "Quality"),
    ("/reports", "报表", "Reports"),
    ("/settings", "设置", "Settings"),
];

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let locked = app().kiosk_locked;
    view! {
        // On a device locked in kiosk mode nothing of the staff pages shows, not even for the
        // moment before `LockGuard` has sent it back to its kiosk.
        <div class="app" hidden=move || locked.get()>
            <crate::ui::pages::kiosk::LockGuard/>
            <Header/>
            <Notice/>
            <main id="main" class="page" tabindex="-1">{children()}</main>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let branch_name = move || {
        let b = state.branch.get();
        match b.named() {
            Some(n) => n.to_string(),
            None => lang.get().t("未设置营业部", "Branch not set").to_string(),
        }
    };
    let user = move || match state.user.get() {
        Some(s) => {
            let role = if lang.get().is_zh() {
                s.role.zh()
            } else {
                s.role.en()
            };
            format!("{} · {role}", s.name)
        }
        None => lang.get().t("未登录", "Nobody signed in").to_string(),
    };
    view! {
        <a class="skip" href="#main">{t2("跳到正文", "Skip to content")}</a>
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">"客"</span>
                <div>
                    <div class="product">{t2("客服质量台", "Kefu service desk")}</div>
                    <div class="branch" data-testid="branch-name">{branch_name}</div>
                </div>
            </div>
            <nav class="nav" aria-label=t2("主导航", "Main navigation")>
                {NAV.iter().map(|(href, zh, en)| {
                    let (zh, en) = (*zh, *en);
                    view! { <A href=*href exact=true>{move || lang.get().t(zh, en)}</A> }
                }).collect_view()}
            </nav>
            <div class="who">
                <crate::ui::pages::demands::QuickDemand/>
                <crate::ui::components::sync_status::SyncBadge/>
                <A href="/settings#device" attr:class="user" attr:data-testid="current-user">{user}</A>
                <LangSwitch/>
            </div>
        </header>
    }
}

/// The button that switches the UI between Chinese and English (kept on this device): in the
/// staff header, and on the kiosk's set-up page, which has no header.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = app().lang;
    let switch = move |_| {
        let next = if lang.get_untracked().is_zh() {
            Lang::En
        } else {
            Lang::Zh
        };
        lang.set(next);
        remember_lang(next);
    };
    view! {
        <button class="lang" type="button" on:click=switch data-testid="lang-switch"
            aria-label=move || lang.get().t("English · 切换语言", "简体中文 · Switch language")>
            {move || lang.get().t("English", "简体中文")}
        </button>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let state = app();
    view! {
        {move || state.notice.get().map(|(err, text)| view! {
            <div class=if err { "notice error" } else { "notice" } role=if err { "alert" } else { "status" }>
                <span>{text}</span>
                <button type="button" class="link" on:click=move |_| state.notice.set(None)
                    aria-label=t2("关闭提示", "Dismiss")>"×"</button>
            </div>
        })}
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section>
            <h1>{t2("页面不存在", "Page not found")}</h1>
            <p><A href="/">{t2("回到工作台", "Back to the dashboard")}</A></p>
        </section>
    }
}
