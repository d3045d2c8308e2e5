//! dashboard: the staff home — what needs attention today, and the first steps on a new install.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::staff::Staff;
use crate::ui::data::count_of;
use crate::ui::i18n::t2;
use crate::ui::pages::complaints::{model::now_s, repo::counts};
use crate::ui::state::{app, store};

#[component]
pub fn Dashboard() -> impl IntoView {
    let state = app();
    let staff_count = Res::new(move || {
        state.changes.track();
        let s = store();
        async move {
            count_of(&s, <Staff as crate::domain::Record>::TYPE)
                .await
                .unwrap_or(0)
        }
    });
    let has_staff = move || staff_count.get().map(|n| n > 0).unwrap_or(true);
    let signed_in = move || state.user.get().is_some();
    let complaints = Res::new(move || {
        state.changes.track();
        let s = store();
        async move { counts(&s, now_s()).await.ok() }
    });
    let figure = move |pick: fn(&crate::ui::pages::complaints::repo::Counts) -> u64| {
        move || {
            complaints
                .get()
                .flatten()
                .map(|c| pick(&c).to_string())
                .unwrap_or_else(|| "…".into())
        }
    };
    view! {
        <h1>{t2("工作台", "Dashboard")}</h1>
        <Show when=move || !has_staff() || !signed_in()>
            <section class="panel" data-testid="first-steps">
                <h2>{t2("开始使用", "Getting started")}</h2>
                <ol>
                    <li class=move || if has_staff() { "done" } else { "" }>
                        <A href="/settings">{t2("在设置中填写营业部并添加人员（含 PIN）", "In Settings, name the branch and add staff (with PINs)")}</A>
                    </li>
                    <li class=move || if signed_in() { "done" } else { "" }>
                        <A href="/settings#device">{t2("用自己的 PIN 登录本设备", "Sign in on this device with your PIN")}</A>
                    </li>
                </ol>
            </section>
        </Show>
        <h2>{t2("投诉", "Complaints")}</h2>
        <div class="cards" data-testid="dashboard-complaints">
            <A href="/complaints?status=open" attr:class="card" attr:data-testid="dash-open">
                <div class="n">{figure(|c| c.open)}</div>
                <div class="l">{t2("未闭环投诉", "Open complaints")}</div>
            </A>
            <A href="/complaints?due=today" attr:class="card warn" attr:data-testid="dash-due-today">
                <div class="n">{figure(|c| c.due_today)}</div>
                <div class="l">{t2("今日到期", "Due today")}</div>
            </A>
            <A href="/complaints?due=overdue" attr:class="card bad" attr:data-testid="dash-overdue">
                <div class="n">{figure(|c| c.overdue)}</div>
                <div class="l">{t2("已超时", "Overdue")}</div>
            </A>
            <A href="/complaints/new" attr:class="card" attr:data-testid="dash-new-complaint">
                <div class="n">"+"</div>
                <div class="l">{t2("受理新投诉", "New complaint")}</div>
            </A>
        </div>
    }
}
