//! Staff profiles: name, role and PIN (stored only as a salted PBKDF2 hash).

use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::staff::{
    hash_pin, validate_pin, Role, Staff, DEFAULT_PIN_ITERATIONS, PIN_SALT_LEN,
};
use crate::store::typed;
use crate::ui::components::Field;
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::platform::{new_id, random_bytes};
use crate::ui::state::{app, store};

pub fn role_from_str(s: &str) -> Role {
    match s {
        "supervisor" => Role::Supervisor,
        "manager" => Role::Manager,
        _ => Role::Specialist,
    }
}

pub fn role_key(r: Role) -> &'static str {
    match r {
        Role::Specialist => "specialist",
        Role::Supervisor => "supervisor",
        Role::Manager => "manager",
    }
}

/// Every staff profile, refreshed when the store changes.
pub fn staff_resource() -> Res<Vec<Staff>> {
    let state = app();
    Res::new(move || {
        state.changes.track();
        async move {
            let mut list = all_of::<Staff>(&store())
                .await
                .map(|(v, _)| v)
                .unwrap_or_default();
            sort_by(&mut list, |a, b| a.name.cmp(&b.name));
            list
        }
    })
}

#[component]
pub fn StaffSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let staff = staff_resource();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("specialist".to_string());
    let pin = RwSignal::new(String::new());
    let pin2 = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let name_err = move || {
        (tried.get() && name.get().trim().is_empty())
            .then(|| lang.get().s("请填写姓名", "Enter a name"))
    };
    let pin_err = move || {
        let p = pin.get();
        if !tried.get() && p.is_empty() {
            return None;
        }
        validate_pin(&p)
            .err()
            .map(|e| if lang.get().is_zh() { e.zh() } else { e.en() })
    };
    let pin2_err = move || {
        let shown = !pin2.get().is_empty() || tried.get();
        (shown && pin.get() != pin2.get())
            .then(|| lang.get().s("两次输入的 PIN 不一致", "The two PINs differ"))
    };

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if name_err().is_some() || pin_err().is_some() || pin2_err().is_some() {
            return;
        }
        busy.set(true);
        let salt = random_bytes::<PIN_SALT_LEN>();
        let member = Staff {
            id: new_id("staff"),
            rev: None,
            name: name.get_untracked().trim().to_string(),
            role: role_from_str(&role.get_untracked()),
            pin_hash: hash_pin(&pin.get_untracked(), &salt, DEFAULT_PIN_ITERATIONS),
            active: true,
        };
        spawn_local(async move {
            match typed::save(&store(), &member).await {
                Ok(_) => {
                    state.tell(
                        format!("已添加 {}", member.name),
                        format!("Added {}", member.name),
                    );
                    name.set(String::new());
                    pin.set(String::new());
                    pin2.set(String::new());
                    tried.set(false);
                }
                Err(e) => state.warn(e.message(state.zh())),
            }
            busy.set(false);
        });
    };

    let toggle_active = move |mut s: Staff| {
        s.active = !s.active;
        spawn_local(async move {
            if let Err(e) = typed::save(&store(), &s).await {
                state.warn(e.message(state.zh()));
            }
        });
    };

    view! {
        <section class="panel" aria-labelledby="staff-h">
            <h2 id="staff-h">{t2("人员", "Staff")}</h2>
            <div class="table-wrap">
                <table data-testid="staff-table">
                    <thead><tr>
                        <th>{t2("姓名", "Name")}</th><th>{t2("岗位", "Role")}</th>
                        <th>{t2("状态", "Status")}</th><th></th>
                    </tr></thead>
                    <tbody>
                        <Suspense fallback=|| ()>
                        {move || staff.get().map(|list| {
                            if list.is_empty() {
                                return view! { <tr><td colspan="4" class="muted">{t2("还没有人员，请先添加。", "No staff yet: add the first one below.")}</td></tr> }.into_any();
                            }
                            list.into_iter().map(|s| {
                                let s2 = s.clone();
                                let zh = lang.get().is_zh();
                                view! { <tr>
                                    <td>{s.name.clone()}</td>
                                    <td>{if zh { s.role.zh() } else { s.role.en() }}</td>
                                    <td>{if s.active { view!{<span class="badge ok">{t2("在岗", "Active")}</span>} } else { view!{<span class="badge">{t2("停用", "Inactive")}</span>} }}</td>
                                    <td><button type="button" class="link" on:click=move |_| toggle_active(s2.clone())>
                                        {if s.active { t2("停用", "Deactivate")() } else { t2("启用", "Activate")() }}
                                    </button></td>
                                </tr> }
                            }).collect_view().into_any()
                        })}
                        </Suspense>
                    </tbody>
                </table>
            </div>
            <h3>{t2("添加人员", "Add a staff member")}</h3>
            <form on:submit=add novalidate>
                <div class="fields">
                    <Field id="staff-name" label=t2("姓名", "Name") error=Signal::derive(name_err)>
                        <input id="staff-name" bind:value=name autocomplete="off"
                            aria-invalid=move || name_err().is_some().to_string()/>
                    </Field>
                    <Field id="staff-role" label=t2("岗位", "Role")>
                        <select id="staff-role" bind:value=role>
                            {Role::ALL.iter().map(|r| {
                                let r = *r;
                                view! { <option value=role_key(r)>{move || if lang.get().is_zh() { r.zh() } else { r.en() }}</option> }
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="staff-pin" label=t2("PIN（4–8 位数字）", "PIN (4–8 digits)") error=Signal::derive(pin_err)>
                        <input id="staff-pin" type="password" inputmode="numeric" autocomplete="new-password"
                            bind:value=pin aria-invalid=move || pin_err().is_some().to_string()/>
                    </Field>
                    <Field id="staff-pin2" label=t2("再次输入 PIN", "PIN again") error=Signal::derive(pin2_err)>
                        <input id="staff-pin2" type="password" inputmode="numeric" autocomplete="new-password"
                            bind:value=pin2 aria-invalid=move || pin2_err().is_some().to_string()/>
                    </Field>
                </div>
                <div class="actions">
                    <button class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { t2("正在保存…", "Saving…")() } else { t2("添加", "Add")() }}
                    </button>
                </div>
            </form>
        </section>
    }
}
