//! The branch: its name and code (the code goes into case numbers).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::settings::{parse_idle_minutes, Branch};
use crate::ui::boot::update_branch_settings;
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::{admin, admin_check_now, AdminNote};

#[component]
pub fn BranchSection() -> impl IntoView {
    let state = app();
    // A branch not named yet shows an empty field (not the placeholder word 营业部, which in
    // English was the one Chinese word left), with an example of a name.
    let name = RwSignal::new(own_name(&state.branch.get_untracked()));
    let tried = RwSignal::new(false);
    let code = RwSignal::new(state.branch.get_untracked().code);
    let idle = RwSignal::new(idle_text(state.idle_minutes.get_untracked()));
    // What is typed survives a reload until it is saved.
    let kept = crate::ui::components::keep_typed(
        "kefu.settings.branch-form",
        vec![("name", name), ("code", code), ("idle", idle)],
    );
    // What the form was filled from. A field left as it was follows the stored branch when it
    // changes (a save on another device, synced), and a save writes only the fields changed
    // here: an open form no longer puts back what another device had changed.
    let base = StoredValue::new(state.branch.get_untracked());
    Effect::new(move |_| {
        let now = state.branch.get();
        kept.follow("name", own_name(&now));
        kept.follow("code", now.code.clone());
        base.set_value(now);
    });
    let idle_base = StoredValue::new(state.idle_minutes.get_untracked());
    Effect::new(move |_| {
        let now = state.idle_minutes.get();
        kept.follow("idle", idle_text(now));
        idle_base.set_value(now);
    });
    let lang = state.lang;
    let admin = admin();
    let name_err = move || {
        (tried.get() && name.get().trim().is_empty())
            .then(|| lang.get().s("请填写营业部名称", "Enter the branch name"))
    };
    // The code as typed, full-width letters and digits read as ASCII (a Chinese input
    // method's ＺＺ０１ is ZZ01; QA: refused as not letters or digits).
    let code_typed = move || {
        code.get()
            .trim()
            .chars()
            .map(crate::domain::customer::half_width_char)
            .collect::<String>()
            .to_uppercase()
    };
    let code_err = move || {
        let c = code_typed();
        let ok = !c.is_empty() && c.len() <= 12 && c.chars().all(|ch| ch.is_ascii_alphanumeric());
        (!ok).then(|| {
            lang.get().s(
                "代码为 1–12 位字母或数字",
                "The code is 1–12 letters or digits",
            )
        })
    };
    let idle_err = move || {
        parse_idle_minutes(&idle.get())
            .err()
            .map(|e| if lang.get().is_zh() { e.zh() } else { e.en() })
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if name_err().is_some() || code_err().is_some() || idle_err().is_some() {
            return;
        }
        let idle_typed = parse_idle_minutes(&idle.get_untracked()).unwrap_or_default();
        let idle_was = idle_base.get_value();
        let was = base.get_value();
        let typed = Branch {
            name: name.get_untracked().trim().to_string(),
            code: untrack(code_typed),
        };
        spawn_local(async move {
            if let Err(msg) = admin_check_now().await {
                state.warn(msg);
                return;
            }
            let apply = |s: &mut crate::domain::settings::BranchSettings| {
                if typed.name != was.name.trim() {
                    s.branch.name = typed.name.clone();
                }
                if typed.code != was.code.trim().to_uppercase() {
                    s.branch.code = typed.code.clone();
                }
                if idle_typed != idle_was {
                    s.idle_signout_minutes = idle_typed;
                }
            };
            match update_branch_settings(&store(), apply).await {
                Ok(settings) => {
                    state.idle_minutes.set(settings.idle_signout_minutes);
                    state.branch.set(settings.branch);
                    kept.saved();
                    state.tell("营业部信息已保存", "Branch saved");
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="branch-h" data-testid="branch-section">
            <h2 id="branch-h">{t2("营业部", "Branch")}</h2>
            <AdminNote/>
            <form on:submit=save>
                <fieldset class="plain" disabled=move || !admin.allowed()>
                <div class="fields">
                    <Field id="branch-name" required=true label=t2("营业部名称", "Branch name") error=Signal::derive(name_err)>
                        <input id="branch-name" bind:value=name
                            placeholder=move || lang.get().t("如：郑州紫荆山路营业部", "e.g. Zhengzhou Zijingshan Road branch")/>
                    </Field>
                    <Field id="branch-code" required=true label=t2("营业部代码", "Branch code") error=Signal::derive(code_err)>
                        <input id="branch-code" bind:value=code/>
                    </Field>
                    <Field id="branch-idle" label=t2("无人操作多少分钟后自动退出登录", "Sign staff out after this many minutes without use") error=Signal::derive(idle_err)>
                        <input id="branch-idle" inputmode="numeric" bind:value=idle style="max-width:8em"
                            placeholder=move || lang.get().t("不自动退出", "never")/>
                    </Field>
                </div>
                <p class="small muted">{t2(
                    "5–480 分钟，留空则不自动退出。适用于本营业部的每台员工设备：离开柜台的电脑不再以某人的名义继续操作。",
                    "5–480 minutes; empty: never. For every staff device of the branch: a PC left at a counter no longer acts in someone's name.",
                )}</p>
                <div class="actions"><button class="primary" type="submit">{t2("保存", "Save")}</button></div>
                </fieldset>
            </form>
        </section>
    }
}

/// The idle sign-out as the form shows it: empty for never.
fn idle_text(minutes: Option<u32>) -> String {
    minutes.map(|m| m.to_string()).unwrap_or_default()
}

/// The branch's name as the form shows it: empty while it has none of its own.
fn own_name(b: &Branch) -> String {
    b.named().unwrap_or_default().to_string()
}
