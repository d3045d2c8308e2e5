//! Staff profiles: name, role and PIN (stored only as a salted PBKDF2 hash). Adding someone,
//! changing a role, resetting a PIN and (de)activating are for a signed-in manager, or for
//! anyone while no active manager exists (`domain::staff::check_staff_change` decides).

use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::customer::ascii_digits;
use crate::domain::staff::{
    check_staff_change, has_active_namesake, hash_pin, staff_name_problem, validate_pin, Role,
    Staff, StaffChangeError, DEFAULT_PIN_ITERATIONS, PIN_SALT_LEN,
};
use crate::store::typed;
use crate::ui::components::Field;
use crate::ui::data::all_of;
use crate::ui::i18n::{t2, Lang};
use crate::ui::platform::{dom_key, keep_focus_on, new_id, now, random_bytes};
use crate::ui::state::{app, store};

use super::{admin, AdminNote};

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

/// Every staff profile, refreshed when the store changes. A write while a read is under way
/// does not throw that read away: it is read again once the first is done. (A resource rereads
/// on each write and keeps only its latest read's value; while a sync's pull wrote without a
/// pause, a settings page just opened kept restarting its read and showed nobody to sign in
/// as, for ten seconds and more in CI.)
pub fn staff_resource() -> Res<Vec<Staff>> {
    let state = app();
    let tick = RwSignal::new(0u64);
    let reading = StoredValue::new(false);
    let missed = StoredValue::new(false);
    Effect::new(move |first: Option<()>| {
        state.changes.track();
        if first.is_some() {
            if reading.get_value() {
                missed.set_value(true);
            } else {
                tick.update(|n| *n += 1);
            }
        }
    });
    Res::new(move || {
        tick.track();
        reading.set_value(true);
        async move {
            let mut list = all_of::<Staff>(&store())
                .await
                .map(|(v, _)| v)
                .unwrap_or_default();
            sort_by(&mut list, |a, b| a.name.cmp(&b.name));
            reading.try_set_value(false);
            if missed.try_get_value() == Some(true) {
                missed.set_value(false);
                // After this read's value has landed (a rerun begun first would discard it).
                spawn_local(async move {
                    tick.try_update(|n| *n += 1);
                });
            }
            list
        }
    })
}

fn signed_in_id() -> Option<String> {
    app()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()))
}

/// Saves a new profile (`id` None) or a change of the stored one, after asking the domain
/// with the profiles as stored at this moment. The refusal or error in the user's words.
pub(super) async fn save_checked(
    id: Option<String>,
    change: impl FnOnce(&mut Option<Staff>),
) -> Result<Staff, String> {
    let zh = app().zh();
    save_checked_in_both(id, change)
        .await
        .map_err(|(z, e)| if zh { z } else { e })
}

/// As [`save_checked`], the refusal in both languages (Chinese, English).
async fn save_checked_in_both(
    id: Option<String>,
    change: impl FnOnce(&mut Option<Staff>),
) -> Result<Staff, (String, String)> {
    let both = |e: crate::store::StoreError| (e.message(true), e.message(false));
    let list = all_of::<Staff>(&store())
        .await
        .map(|(v, _)| v)
        .map_err(both)?;
    let mut member = id.and_then(|id| list.iter().find(|s| s.id == id).cloned());
    change(&mut member);
    let Some(member) = member else {
        return Err(("找不到该人员".into(), "No such staff member".into()));
    };
    check_staff_change(&list, signed_in_id().as_deref(), &member).map_err(|e| (e.zh(), e.en()))?;
    typed::save(&store(), &member).await.map_err(both)?;
    Ok(member)
}

/// A new PIN typed twice, with the rules of `validate_pin`, in words.
#[derive(Clone, Copy)]
pub(super) struct PinPair {
    pub(super) pin: RwSignal<String>,
    pub(super) pin2: RwSignal<String>,
    pub(super) tried: RwSignal<bool>,
}

impl PinPair {
    pub(super) fn new() -> Self {
        PinPair {
            pin: RwSignal::new(String::new()),
            pin2: RwSignal::new(String::new()),
            tried: RwSignal::new(false),
        }
    }
    pub(super) fn pin_err(&self, lang: Lang) -> Option<String> {
        let p = self.pin.get();
        if !self.tried.get() && p.is_empty() {
            return None;
        }
        validate_pin(&p)
            .err()
            .map(|e| if lang.is_zh() { e.zh() } else { e.en() })
    }
    pub(super) fn pin2_err(&self, lang: Lang) -> Option<String> {
        let shown = !self.pin2.get().is_empty() || self.tried.get();
        // Full-width digits are the same PIN (a Chinese input method's ０–９; QA: １３５７ and
        // 1357 "differed").
        let same = ascii_digits(&self.pin.get()) == ascii_digits(&self.pin2.get());
        (shown && !same).then(|| lang.s("两次输入的 PIN 不一致", "The two PINs differ"))
    }
    pub(super) fn clear(&self) {
        self.pin.set(String::new());
        self.pin2.set(String::new());
        self.tried.set(false);
    }
}

/// The roles as options, the one `chosen` names selected (also when the select is drawn
/// again for another member).
fn role_options(lang: RwSignal<Lang>, chosen: RwSignal<String>) -> impl IntoView {
    Role::ALL
        .iter()
        .map(|r| {
            let r = *r;
            view! {
                <option value=role_key(r) selected=move || chosen.get() == role_key(r)>
                    {move || if lang.get().is_zh() { r.zh() } else { r.en() }}
                </option>
            }
        })
        .collect_view()
}

/// Why `changed` may not be saved because of the last-manager rule (the control is disabled
/// and says so); other refusals are shown once for the whole section.
fn last_manager(list: &[Staff], changed: &Staff) -> Option<StaffChangeError> {
    match check_staff_change(list, signed_in_id().as_deref(), changed) {
        Err(e @ StaffChangeError::LastManager { .. }) => Some(e),
        _ => None,
    }
}

#[component]
pub fn StaffSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let admin = admin();
    let staff = admin.staff;
    let allowed = move || admin.allowed();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("specialist".to_string());
    // The name and role being typed survive a reload (a PIN never is kept).
    let _ = crate::ui::components::keep_typed(
        "kefu.settings.staff-form",
        vec![("name", name), ("role", role)],
    );
    let new_pin = PinPair::new();
    let busy = RwSignal::new(false);
    // The member being edited (their id), and the edit forms' fields.
    let editing = RwSignal::new(None::<String>);
    let edit_role = RwSignal::new("specialist".to_string());
    let edit_pin = PinPair::new();
    let edit_error = RwSignal::new(None::<String>);

    // Why the last Add was refused (a namesake on duty): said under the name, where the
    // manager is, until the name is changed (QA: it went to the notice at the page's top,
    // 1,100 px above the form, and nothing seemed to happen).
    let refused = RwSignal::new(None::<(String, String)>);
    Effect::new(move |prev: Option<String>| {
        let v = name.get();
        if prev.is_some_and(|p| p != v) {
            refused.set(None);
        }
        v
    });
    // Empty: said once Add is pressed; too long: said as typed.
    let name_err = move || {
        let v = name.get();
        staff_name_problem(&v)
            .filter(|_| new_pin.tried.get() || !v.trim().is_empty())
            .map(|(zh, en)| lang.get().s(zh, en))
            .or_else(|| refused.get().map(|(zh, en)| lang.get().s(zh, en)))
    };
    let pin_err = move || new_pin.pin_err(lang.get());
    let pin2_err = move || new_pin.pin2_err(lang.get());

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        new_pin.tried.set(true);
        // A refusal is the last Add's: this one is judged afresh (the namesake may have been
        // deactivated since).
        refused.set(None);
        if name_err().is_some() || pin_err().is_some() || pin2_err().is_some() {
            return;
        }
        busy.set(true);
        keep_focus_on("#staff-name".to_string());
        let salt = random_bytes::<PIN_SALT_LEN>();
        let full_name = name.get_untracked().trim().to_string();
        let member = Staff {
            id: new_id("staff"),
            rev: None,
            pin_hash: hash_pin(&new_pin.pin.get_untracked(), &salt, DEFAULT_PIN_ITERATIONS)
                .set(now(), &set_by(&full_name)),
            name: full_name,
            role: role_from_str(&role.get_untracked()),
            active: true,
        };
        spawn_local(async move {
            match save_checked_in_both(None, move |m| *m = Some(member)).await {
                Err((zh, en)) => {
                    refused.try_set(Some((zh, en)));
                    crate::ui::platform::focus_id("staff-name");
                }
                Ok(member) => {
                    state.tell(
                        format!("已添加 {}", member.name),
                        format!("Added {}", member.name),
                    );
                    name.set(String::new());
                    // The next person starts as a specialist again: the role left on the last
                    // one chosen quietly made the next ones managers.
                    role.set("specialist".to_string());
                    new_pin.clear();
                }
            }
            busy.set(false);
        });
    };

    let toggle_active = move |id: String| {
        // The row is drawn again with the change: the keyboard stays on its button.
        keep_focus_on(format!("#staff-toggle-{}", dom_key(&id)));
        spawn_local(async move {
            match save_checked(Some(id), |m| {
                if let Some(m) = m {
                    m.active = !m.active;
                }
            })
            .await
            {
                Ok(m) if m.active => state.tell(
                    format!("已启用 {}", m.name),
                    format!("{} is active again", m.name),
                ),
                // Deactivated themselves: signed out, which says so (boot::load_settings).
                Ok(m) if signed_in_id().as_deref() == Some(m.id.as_str()) => {}
                Ok(m) => state.tell(
                    format!("已停用 {}", m.name),
                    format!("{} has been deactivated", m.name),
                ),
                Err(msg) => state.warn(msg),
            }
        });
    };

    let edited = move || {
        let id = editing.get()?;
        staff.get()?.into_iter().find(|s| s.id == id)
    };
    let start_edit = move |s: &Staff| {
        editing.set(Some(s.id.clone()));
        edit_role.set(role_key(s.role).to_string());
        edit_pin.clear();
        edit_error.set(None);
        // The panel comes under the whole list: the keyboard and the view go to it (QA: with
        // 18 staff it opened 1,140 px below the button).
        request_animation_frame(|| crate::ui::platform::focus_id("staff-edit-h"));
    };
    // Closed: the keyboard goes back to the button that opened it (QA: to the page's top).
    let close_edit = move || {
        if let Some(id) = editing.get_untracked() {
            keep_focus_on(format!("#staff-edit-{}", dom_key(&id)));
        }
        editing.set(None);
    };
    let save_role = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = editing.get_untracked() else {
            return;
        };
        let new_role = role_from_str(&edit_role.get_untracked());
        busy.set(true);
        keep_focus_on("[data-testid=edit-role-save]".to_string());
        spawn_local(async move {
            match save_checked(Some(id), |m| {
                if let Some(m) = m {
                    m.role = new_role;
                }
            })
            .await
            {
                Ok(m) => {
                    edit_error.set(None);
                    state.tell(
                        format!("{} 的岗位已改为{}", m.name, m.role.zh()),
                        format!("{} is now a {}", m.name, m.role.en().to_lowercase()),
                    );
                }
                Err(msg) => edit_error.set(Some(msg)),
            }
            busy.set(false);
        });
    };
    let edit_pin_err = move || edit_pin.pin_err(lang.get());
    let edit_pin2_err = move || edit_pin.pin2_err(lang.get());
    let reset_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        edit_pin.tried.set(true);
        if edit_pin_err().is_some() || edit_pin2_err().is_some() {
            return;
        }
        let Some(id) = editing.get_untracked() else {
            return;
        };
        let salt = random_bytes::<PIN_SALT_LEN>();
        let hash = hash_pin(&edit_pin.pin.get_untracked(), &salt, DEFAULT_PIN_ITERATIONS);
        busy.set(true);
        keep_focus_on("[data-testid=edit-pin-save]".to_string());
        spawn_local(async move {
            match save_checked(Some(id), |m| {
                if let Some(m) = m {
                    m.pin_hash = hash.set(now(), &set_by(&m.name));
                }
            })
            .await
            {
                Ok(m) => {
                    edit_error.set(None);
                    edit_pin.clear();
                    crate::ui::pin_check::end_pause(&m.id);
                    state.tell(
                        format!("已重置 {} 的 PIN", m.name),
                        format!("{}'s PIN has been reset", m.name),
                    );
                }
                Err(msg) => edit_error.set(Some(msg)),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="panel" aria-labelledby="staff-h" data-testid="staff-section">
            <h2 id="staff-h">{t2("人员", "Staff")}</h2>
            <AdminNote/>
            {move || admin.setting_up().then(|| {
                // Managers there are, but none active (deactivated on two devices cut off from
                // each other, say): this is no first setup.
                let lapsed = admin.staff.get().is_some_and(|l| l.iter().any(|s| s.role == Role::Manager));
                let (zh, en) = if lapsed {
                    ("在岗的客服经理均已停用：在重新启用或添加客服经理之前，任何人都可以添加人员和修改营业部设置。",
                     "Every manager has been deactivated: until a manager is reactivated or added, anyone may add staff and change the branch's settings.")
                } else {
                    ("尚无在岗的客服经理：首次设置期间，任何人都可以添加人员和修改营业部设置。添加客服经理后，这些操作仅限客服经理。",
                     "No active manager yet: while the branch is being set up, anyone may add staff and change the branch's settings. Once a manager is added, only a manager can.")
                };
                view! { <p class="muted small" data-testid="admin-setup">{t2(zh, en)}</p> }
            })}
            <div class="table-wrap">
                <table data-testid="staff-table">
                    <thead><tr>
                        <th>{t2("姓名", "Name")}</th><th>{t2("岗位", "Role")}</th>
                        <th>{t2("状态", "Status")}</th><th><span class="sr-only">{t2("操作", "Actions")}</span></th>
                    </tr></thead>
                    <tbody>
                        <Suspense fallback=|| ()>
                        {move || staff.get().map(|list| {
                            if list.is_empty() {
                                return view! { <tr><td colspan="4" class="muted">{t2("还没有人员，请先添加。", "No staff yet: add the first one below.")}</td></tr> }.into_any();
                            }
                            // The last-manager locks depend on who is signed in.
                            admin.access.track();
                            list.iter().map(|s| {
                                let zh = lang.get().is_zh();
                                let toggled = Staff { active: !s.active, ..s.clone() };
                                let lock = last_manager(&list, &toggled)
                                    .map(|e| if zh { e.zh() } else { e.en() });
                                let locked = lock.is_some();
                                let namesake = has_active_namesake(&list, s).then(|| lang.get().s(
                                    format!("另有一位在岗人员也叫“{}”（可能由两台设备分别添加），登录、案件记录和报表无法区分二人：如为同一人，请停用多余的一位。", s.name.trim()),
                                    format!("Another active member is also called “{}” (perhaps added on two devices): sign-in, case records and reports cannot tell them apart. If they are one person, deactivate the extra one.", s.name.trim()),
                                ));
                                let (id, s2) = (s.id.clone(), s.clone());
                                view! { <tr data-testid="staff-row">
                                    <td>{s.name.clone()}</td>
                                    <td>{if zh { s.role.zh() } else { s.role.en() }}</td>
                                    <td>{if s.active { view!{<span class="badge ok">{t2("在岗", "Active")}</span>} } else { view!{<span class="badge">{t2("停用", "Inactive")}</span>} }}</td>
                                    <td>
                                        // Each row's buttons name their member: a screen reader heard
                                        // 停用, 停用, 停用 down the list (QA).
                                        <button type="button" class="link" data-testid="staff-edit" id=format!("staff-edit-{}", dom_key(&s.id))
                                            aria-label=if zh { format!("修改岗位或 PIN：{}", s.name) } else { format!("Change role or PIN: {}", s.name) }
                                            disabled=move || !allowed() on:click=move |_| start_edit(&s2)>
                                            {t2("修改岗位或 PIN", "Change role or PIN")}
                                        </button>
                                        " "
                                        <button type="button" class="link" data-testid="staff-toggle" id=format!("staff-toggle-{}", dom_key(&s.id))
                                            aria-label=match (s.active, zh) {
                                                (true, true) => format!("停用 {}", s.name),
                                                (false, true) => format!("启用 {}", s.name),
                                                (true, false) => format!("Deactivate {}", s.name),
                                                (false, false) => format!("Activate {}", s.name),
                                            }
                                            disabled=move || !allowed() || locked title=lock.clone()
                                            on:click=move |_| toggle_active(id.clone())>
                                            {if s.active { t2("停用", "Deactivate")() } else { t2("启用", "Activate")() }}
                                        </button>
                                        {lock.map(|why| view! { <div class="muted small" data-testid="staff-row-note">{why}</div> })}
                                        {namesake.map(|why| view! { <div class="err small" data-testid="staff-namesake">{why}</div> })}
                                    </td>
                                </tr> }
                            }).collect_view().into_any()
                        })}
                        </Suspense>
                    </tbody>
                </table>
            </div>
            {move || edited().filter(|_| allowed()).map(|m| {
                let zh = lang.get().is_zh();
                let demoted = Staff { role: Role::Specialist, ..m.clone() };
                admin.access.track();
                let lock = staff.get()
                    .and_then(|list| last_manager(&list, &demoted))
                    .map(|e| if zh { e.zh() } else { e.en() });
                let locked = lock.is_some();
                view! {
                <div class="panel" data-testid="staff-edit-panel"
                    on:keydown=move |ev| if ev.key() == "Escape" { close_edit(); }>
                    <h3 id="staff-edit-h" tabindex="-1">{move || lang.get().s(format!("修改：{}", m.name), format!("Change: {}", m.name))}</h3>
                    {lock.map(|why| view! { <p class="admin-note" data-testid="staff-edit-note">{why}</p> })}
                    <form on:submit=save_role novalidate>
                        <div class="fields">
                            <Field id="edit-role" label=t2("岗位", "Role")>
                                <select id="edit-role" bind:value=edit_role disabled=locked>{role_options(lang, edit_role)}</select>
                            </Field>
                        </div>
                        <div class="actions">
                            <button type="submit" data-testid="edit-role-save" disabled=move || busy.get() || locked>
                                {t2("保存岗位", "Save the role")}
                            </button>
                        </div>
                    </form>
                    <form on:submit=reset_pin novalidate>
                        <div class="fields">
                            <Field id="edit-pin" required=true label=t2("新 PIN（4–8 位数字）", "New PIN (4–8 digits)") error=Signal::derive(edit_pin_err)>
                                <input id="edit-pin" type="password" inputmode="numeric" autocomplete="new-password"
                                    bind:value=edit_pin.pin/>
                            </Field>
                            <Field id="edit-pin2" required=true label=t2("再次输入新 PIN", "New PIN again") error=Signal::derive(edit_pin2_err)>
                                <input id="edit-pin2" type="password" inputmode="numeric" autocomplete="new-password"
                                    bind:value=edit_pin.pin2/>
                            </Field>
                        </div>
                        <div class="actions">
                            <button type="submit" data-testid="edit-pin-save" disabled=move || busy.get()>{t2("重置 PIN", "Reset the PIN")}</button>
                            <button type="button" on:click=move |_| close_edit()>{t2("完成", "Done")}</button>
                        </div>
                    </form>
                    {move || edit_error.get().map(|e| view! { <p class="err" role="alert" data-testid="staff-edit-error">{e}</p> })}
                </div>
            }})}
            <h3>{t2("添加人员", "Add a staff member")}</h3>
            <form on:submit=add novalidate>
                <fieldset class="plain" disabled=move || !allowed()>
                <div class="fields">
                    <Field id="staff-name" required=true label=t2("姓名", "Name") error=Signal::derive(name_err)>
                        <input id="staff-name" bind:value=name autocomplete="off"/>
                    </Field>
                    <Field id="staff-role" label=t2("岗位", "Role")>
                        <select id="staff-role" bind:value=role>{role_options(lang, role)}</select>
                    </Field>
                    <Field id="staff-pin" required=true label=t2("PIN（4–8 位数字）", "PIN (4–8 digits)") error=Signal::derive(pin_err)>
                        <input id="staff-pin" type="password" inputmode="numeric" autocomplete="new-password"
                            bind:value=new_pin.pin/>
                    </Field>
                    <Field id="staff-pin2" required=true label=t2("再次输入 PIN", "PIN again") error=Signal::derive(pin2_err)>
                        <input id="staff-pin2" type="password" inputmode="numeric" autocomplete="new-password"
                            bind:value=new_pin.pin2/>
                    </Field>
                </div>
                <div class="actions">
                    <button class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { t2("正在保存…", "Saving…")() } else { t2("添加", "Add")() }}
                    </button>
                </div>
                </fieldset>
            </form>
        </section>
    }
}

/// Who sets a PIN now: the member signed in, or during the first setup (no one signed in)
/// the member `own` being added.
fn set_by(own: &str) -> String {
    app()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.name.clone()))
        .unwrap_or_else(|| own.to_string())
}
