//! shell: the frame around every staff page — header with the branch and the current staff
//! member, navigation, the language switch, and the notice line.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

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
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let state = app();
    let locked = state.kiosk_locked;
    // Once a staff member is on record, a page of the branch's data needs someone signed in:
    // a PC left signed out (or signed out when idle) showed every case, its phone and
    // narrative, to whoever sat down (QA against 000 六(三)3). Settings, where one signs in,
    // stays open.
    let path = use_location().pathname;
    let signed_out = Memo::new(move |_| {
        state.user.with(Option::is_none)
            && state.staffed.get()
            && path.with(|p| p.trim_end_matches('/') != "/settings")
    });
    let page = move || {
        if signed_out.get() {
            view! { <SignInFirst/> }.into_any()
        } else {
            children().into_any()
        }
    };
    view! {
        // On a device locked in kiosk mode nothing of the staff pages shows, not even for the
        // moment before `LockGuard` has sent it back to its kiosk.
        <div class="app" hidden=move || locked.get() on:click=focus_link_target>
            <crate::ui::pages::kiosk::LockGuard/>
            <Header/>
            <Notice/>
            <crate::ui::idle::IdleWarning/>
            <main id="main" class="page" tabindex="-1">{page}</main>
        </div>
    }
}

/// In place of a staff page while nobody is signed in on a staffed device.
#[component]
fn SignInFirst() -> impl IntoView {
    view! {
        <section class="panel" data-testid="sign-in-first">
            <h1>{t2("本设备无人登录", "Nobody is signed in on this device")}</h1>
            <p>{t2(
                "客户资料、投诉和报表在员工登录后显示。",
                "Customers, complaints and reports show once a staff member signs in.",
            )}</p>
            <p><A href="/settings#device" attr:class="button primary">{t2("登录：设置 → 本设备", "Sign in: Settings → This device")}</A></p>
        </section>
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
    let top = NodeRef::<leptos::html::Header>::new();
    Effect::new(move || {
        if let Some(el) = top.get() {
            watch_header(&el);
            // On a phone the links are one row scrolled sideways: the page's own is brought
            // into sight (on Settings, 设置 was off the screen).
            request_animation_frame(move || {
                if let Ok(Some(link)) = el.query_selector(".nav a[aria-current=\"page\"]") {
                    let opts = web_sys::ScrollIntoViewOptions::new();
                    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    opts.set_inline(web_sys::ScrollLogicalPosition::Nearest);
                    link.scroll_into_view_with_scroll_into_view_options(&opts);
                }
            });
        }
    });
    view! {
        <a class="skip" href="#main">{t2("跳到正文", "Skip to content")}</a>
        <header class="top" node_ref=top>
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

/// A link to a part of the page (the skip link, a settings section's) takes the keyboard
/// there too, not only the view: the next Tab goes on from it. The router scrolls; the focus
/// follows once it has.
fn focus_link_target(ev: leptos::ev::MouseEvent) {
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("a[href^='#'], a[href*='#']").ok().flatten())
    else {
        return;
    };
    let href = link.get_attribute("href").unwrap_or_default();
    let (path, id) = href.split_once('#').unwrap_or_default();
    let here = window().location().pathname().unwrap_or_default();
    if id.is_empty() || !(path.is_empty() || path == here) {
        return;
    }
    let id = id.to_string();
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(&id) {
            if !el.has_attribute("tabindex") && !is_focusable(&el) {
                let _ = el.set_attribute("tabindex", "-1");
            }
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });
}

/// Whether the element takes the focus of its own (a field, a button, a link).
fn is_focusable(el: &web_sys::Element) -> bool {
    matches!(
        el.tag_name().as_str(),
        "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A"
    )
}

thread_local! {
    /// Watches the header's height (its links wrap to more rows in English, on a narrower
    /// screen, with a longer name), one header at a time.
    static HEADER_WATCH: RefCell<Option<web_sys::ResizeObserver>> = const { RefCell::new(None) };
}

/// Keeps the page's `scroll-padding-top` at the sticky header's height, so that a field the
/// keyboard moves to, or a part of the page a link leads to, comes into view below the header,
/// not under it (in English at 910 px the header is four rows of links tall).
fn watch_header(el: &web_sys::Element) {
    HEADER_WATCH.with_borrow_mut(|watch| {
        if watch.is_none() {
            let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(pad_below_header);
            *watch = web_sys::ResizeObserver::new(cb.into_js_value().unchecked_ref()).ok();
        }
        if let Some(w) = watch {
            w.disconnect();
            w.observe(el);
        }
    });
}

fn pad_below_header() {
    let Some(top) = document().query_selector("header.top").ok().flatten() else {
        return;
    };
    let sticky = window()
        .get_computed_style(&top)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("position").ok())
        .is_some_and(|p| p == "sticky");
    let pad = if sticky {
        top.get_bounding_client_rect().height().ceil() + 8.0
    } else {
        8.0
    };
    if let Some(root) = document()
        .document_element()
        .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = root
            .style()
            .set_property("scroll-padding-top", &format!("{pad}px"));
    }
}

/// The tab's title names the page (and follows the language), and after a move to another
/// page the keyboard and a screen reader start at its content: the link followed has gone
/// with the page it was on, which left the focus nowhere (the next Tab started over at the
/// skip link). A page that puts the focus somewhere itself (a new case on its first step) does
/// so after.
#[component]
pub fn FollowRoute() -> impl IntoView {
    let location = use_location();
    let lang = app().lang;
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        let l = lang.get();
        let page = page_name(&path).map(|(zh, en)| l.t(zh, en));
        let product = l.t("客服质量台", "Kefu service desk");
        document().set_title(&match page {
            Some(p) => format!("{p} · {product}"),
            None => product.to_string(),
        });
        if before.is_some_and(|b| b != path) {
            request_animation_frame(|| {
                let lost = document()
                    .active_element()
                    .is_none_or(|a| a.tag_name() == "BODY");
                if lost {
                    crate::ui::platform::focus_id("main");
                }
            });
        }
        path
    });
}

/// The page a path is, as the navigation names it (a case is under 投诉), or the survey a
/// customer answers.
fn page_name(path: &str) -> Option<(&'static str, &'static str)> {
    if path.starts_with("/s/") || path == "/s" || path.starts_with("/kiosk/") {
        return Some(("满意度调查", "Satisfaction survey"));
    }
    NAV.iter()
        .filter(|(href, _, _)| {
            path == *href || (*href != "/" && path.starts_with(&format!("{href}/")))
        })
        .map(|(_, zh, en)| (*zh, *en))
        .next()
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

/// The notice line. A notice is read out from a live region that is always on the page (one
/// that arrives with its text is not read out by every screen reader); an error is an alert,
/// which is read out as it arrives.
#[component]
fn Notice() -> impl IntoView {
    let state = app();
    let shown = move |errors: bool| {
        move || {
            state.notice.get().filter(|n| n.0 == errors).map(|(err, zh, en)| view! {
                <div class=if err { "notice error" } else { "notice" } role=err.then_some("alert")>
                    <span>{move || if state.lang.get().is_zh() { zh.clone() } else { en.clone() }}</span>
                    <button type="button" class="link" on:click=move |_| state.notice.set(None)
                        aria-label=t2("关闭提示", "Dismiss")>"×"</button>
                </div>
            })
        }
    };
    view! {
        <div aria-live="polite" data-testid="notice-region">{shown(false)}</div>
        {shown(true)}
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
