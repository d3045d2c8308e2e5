//! sync_settings: the sync section of Settings — endpoint, databases, sign-in (session cookie
//! or Basic; the password is never stored), kiosk push-only mode, installing the server's
//! validation and security, and the conflicts staff must settle, both versions side by side.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use serde_json::Value as Json;
use std::collections::BTreeMap;

use crate::domain::complaint::StaffRef;
use crate::sync::config::{validate, AuthKind, Mode};
use crate::sync::conflicts::{self, Chooser, Conflict};
use crate::sync::connect::Saved;
use crate::sync::readable;
use crate::sync::{engine, live, security, SyncConfig, SyncError};
use crate::ui::components::sync_status::{save_config, sync_ctx};
use crate::ui::components::Field;
use crate::ui::i18n::t2;
use crate::ui::platform::random_bytes;
use crate::ui::state::{app, store};

fn local_db_id() -> String {
    crate::sync::protocol::hex(&random_bytes::<12>())
}

/// What the form says, kept as a value and put in words in the language of the moment.
#[derive(Clone, Debug, PartialEq)]
enum Said {
    /// What came of saving the settings.
    Saved(Saved),
    /// Anything else, in both languages.
    Text { err: bool, zh: String, en: String },
}

impl Said {
    fn error(e: &SyncError) -> Said {
        Said::Text {
            err: true,
            zh: e.message(true),
            en: e.message(false),
        }
    }
    fn is_error(&self) -> bool {
        match self {
            Said::Saved(s) => s.is_error(),
            Said::Text { err, .. } => *err,
        }
    }
    fn text(&self, zh: bool) -> String {
        match self {
            Said::Saved(s) => s.message(zh),
            Said::Text { zh: a, en: b, .. } => if zh { a } else { b }.clone(),
        }
    }
}

/// Whether the person signed in may point this device at another server, database or way of
/// syncing, as the domain's `admin_access` says with the profiles as stored now: the refusal
/// in both languages.
async fn endpoint_access() -> Result<(), (String, String)> {
    let staff = crate::ui::data::all_of::<crate::domain::staff::Staff>(&store())
        .await
        .map(|(v, _)| v)
        .map_err(|e| (e.message(true), e.message(false)))?;
    let user = app()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()));
    crate::domain::staff::admin_access(&staff, user.as_deref())
        .map(|_| ())
        .map_err(|d| (d.zh(), d.en()))
}

#[component]
pub fn SyncSettingsSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let ctx = sync_ctx();
    let url = RwSignal::new(String::new());
    let db = RwSignal::new(String::from("kefu"));
    let responses_db = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let auth = RwSignal::new("session".to_string());
    let mode = RwSignal::new("two_way".to_string());
    let message = RwSignal::new(None::<Said>);
    let busy = RwSignal::new(false);
    // A refused save left the sync saved before running.
    let still_syncing = RwSignal::new(false);

    // A save still retrying says so until the live sync gets further (synced, or refused).
    Effect::new(move |_| {
        let phase = ctx.status.with(|s| s.phase.clone());
        let next = message.with_untracked(|m| match m {
            Some(Said::Saved(saved)) => saved.follow(&phase),
            _ => None,
        });
        if let Some(next) = next {
            message.set(Some(Said::Saved(next)));
        }
    });

    // What is typed (not the password) survives a reload until it is saved.
    let kept = crate::ui::components::keep_typed(
        "kefu.settings.sync-form",
        vec![
            ("url", url),
            ("db", db),
            ("responses_db", responses_db),
            ("user", user),
            ("auth", auth),
            ("mode", mode),
        ],
    );
    // Fill the form from the saved configuration: the fields not typed in.
    Effect::new(move |_| {
        if let Some(c) = ctx.config.get() {
            kept.follow("url", c.url);
            kept.follow("db", c.db);
            kept.follow("responses_db", c.responses_db);
            kept.follow("user", c.user);
            let auth = if c.auth == AuthKind::Basic {
                "basic"
            } else {
                "session"
            };
            kept.follow("auth", auth.into());
            let mode = if c.mode == Mode::KioskPush {
                "kiosk_push"
            } else {
                "two_way"
            };
            kept.follow("mode", mode.into());
        }
    });

    let form_config = move || {
        let prev = ctx.config.get_untracked();
        SyncConfig {
            url: url.get_untracked().trim().to_string(),
            db: db.get_untracked().trim().to_string(),
            responses_db: responses_db.get_untracked().trim().to_string(),
            user: user.get_untracked().trim().to_string(),
            auth: if auth.get_untracked() == "basic" {
                AuthKind::Basic
            } else {
                AuthKind::Session
            },
            mode: if mode.get_untracked() == "kiosk_push" {
                Mode::KioskPush
            } else {
                Mode::TwoWay
            },
            enabled: true,
            local_db_id: prev
                .map(|p| p.local_db_id)
                .filter(|id| !id.is_empty())
                .unwrap_or_else(local_db_id),
        }
    };

    let say =
        move |err: bool, zh: String, en: String| message.set(Some(Said::Text { err, zh, en }));
    // Where the device syncs to is the manager's to choose (or anyone's while no active manager
    // exists): a server chosen by anyone could bring in a manager of its own making, and would
    // be sent every record. Signing in again to the server saved stays open to anyone.
    let admin = crate::ui::pages::settings::admin();
    let barred = move || matches!(admin.access.get(), Some(Err(_)));

    // Saving the settings: a server that cannot be reached now saves them and starts the live
    // sync, which retries (signing in first, when that is what failed); one that answers and
    // refuses (wrong password, not CouchDB, no database) saves nothing.
    let connect = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cfg = form_config();
        if let (Err(zh), Err(en)) = (validate(&cfg, true), validate(&cfg, false)) {
            say(true, zh, en);
            return;
        }
        let pw = password.get_untracked();
        // An account without its password would be saved, and its sign-in retried for ever
        // with nothing (the password is never stored): asked for now.
        if !cfg.user.is_empty() && pw.is_empty() {
            say(
                true,
                format!("请填写密码：账户 {} 需要用密码登录同步服务器（密码不会保存在本设备上）。", cfg.user),
                format!("Enter the password: the account {} signs in to the sync server with it (it is not stored on this device).", cfg.user),
            );
            return;
        }
        let moved = ctx
            .config
            .get_untracked()
            .is_none_or(|p| !p.same_endpoint(&cfg));
        busy.set(true);
        still_syncing.set(false);
        say(false, "正在连接…".into(), "Connecting…".into());
        spawn_local(async move {
            // Asked again of the profiles as stored now (the page's copy may be a moment old).
            if moved {
                if let Err(denied) = endpoint_access().await {
                    say(true, denied.0, denied.1);
                    busy.set(false);
                    return;
                }
            }
            ctx.stop();
            live::forget_sign_in();
            let signed = if cfg.user.is_empty() {
                Ok(())
            } else {
                Saved::after_sign_in(live::sign_in(&cfg, &pw).await)
            };
            let saved = match signed {
                Ok(()) => {
                    let t = live::transport(&cfg);
                    let db_name = if cfg.mode == Mode::KioskPush && !cfg.responses_db.is_empty() {
                        cfg.responses_db.clone()
                    } else {
                        cfg.db.clone()
                    };
                    match engine::check_database(&t, &db_name, 15_000).await {
                        // Signed in just now, and still refused: the account lacks the
                        // database, not the password (PouchDB Server answers 401 here).
                        Err(SyncError::Unauthorized) if !cfg.user.is_empty() => {
                            Saved::Refused(SyncError::Forbidden(db_name.clone()))
                        }
                        r => Saved::after_check(r),
                    }
                }
                Err(saved @ Saved::Retrying(_)) => {
                    live::sign_in_later(&cfg, &pw);
                    saved
                }
                Err(saved) => saved,
            };
            if saved != Saved::WrongPassword {
                password.set(String::new());
            }
            if saved.saves() {
                match save_config(&cfg).await {
                    Ok(()) => {
                        kept.saved();
                        ctx.config.set(Some(cfg.clone()));
                        ctx.start(cfg);
                        message.set(Some(Said::Saved(saved)));
                    }
                    Err(e) => {
                        live::forget_sign_in();
                        message.set(Some(Said::Text {
                            err: true,
                            zh: e.message(true),
                            en: e.message(false),
                        }));
                    }
                }
            } else {
                message.set(Some(Said::Saved(saved)));
                // Refused: nothing was saved, so the sync saved before goes on as it was (a
                // password mistyped while signing in again stopped it).
                if let Some(prev) = ctx.config.get_untracked().filter(|p| p.enabled) {
                    ctx.start(prev);
                    still_syncing.set(true);
                }
            }
            busy.set(false);
        });
    };

    let sign_out = move |_| {
        spawn_local(async move {
            if let Some(mut cfg) = ctx.config.get_untracked() {
                // Paused first: a tab waiting for its turn to sync reads this once this one
                // stops, and must not take over.
                cfg.enabled = false;
                let _ = save_config(&cfg).await;
                ctx.stop();
                live::sign_out(&cfg).await;
                ctx.config.set(Some(cfg));
                say(
                    false,
                    "已退出登录，同步已暂停。".into(),
                    "Signed out; sync paused.".into(),
                );
            }
        });
    };

    let install = move |_| {
        let cfg = form_config();
        spawn_local(async move {
            match security::install(&live::transport(&cfg), &cfg.db, &cfg.responses_db).await {
                Ok(steps) => {
                    let failed: Vec<String> = steps
                        .iter()
                        .filter(|s| !s.ok)
                        .map(|s| format!("{} ({})", s.what, s.detail))
                        .collect();
                    if failed.is_empty() {
                        say(
                            false,
                            "已安装设计文档和权限设置。".into(),
                            "The design documents and security settings are installed.".into(),
                        );
                    } else {
                        say(
                            true,
                            format!("部分安装失败（需要管理员账号）：{}", failed.join("；")),
                            format!(
                                "Some steps failed (an administrator account is needed): {}",
                                failed.join("; ")
                            ),
                        );
                    }
                }
                Err(e) => message.set(Some(Said::error(&e))),
            }
        });
    };

    view! {
        <section class="panel" id="sync" aria-labelledby="sync-h">
            <h2 id="sync-h">{t2("同步", "Sync")}</h2>
            <p class="muted small">{t2(
                "与 CouchDB 3 或 PouchDB Server 同步。密码不会保存在本设备上。",
                "Sync with CouchDB 3 or PouchDB Server. The password is never stored on this device.")}</p>
            {move || match admin.access.get() {
                Some(Err(d)) => Some(view! {
                    <p class="admin-note" role="note" data-testid="sync-admin-reason">
                        {move || if lang.get().is_zh() {
                            format!("更改同步服务器、数据库或本设备的同步方式：{}可由任何人重新登录已保存的服务器。", d.zh())
                        } else {
                            format!("Changing the sync server, its databases or this device's way of syncing: {} Anyone may sign in again to the server saved.", d.en())
                        }}
                    </p>
                }),
                _ => None,
            }}
            <form on:submit=connect novalidate data-testid="sync-form"
                data-admin=move || match admin.access.get() {
                    None => "loading",
                    Some(Ok(_)) => "open",
                    Some(Err(_)) => "barred",
                }>
                <div class="fields">
                    <Field id="sync-url" label=t2("服务器地址", "Server URL")>
                        <input id="sync-url" type="url" bind:value=url placeholder="https://couch.example.com" autocomplete="url" disabled=barred/>
                    </Field>
                    <Field id="sync-db" label=t2("数据库", "Database")>
                        <input id="sync-db" bind:value=db autocomplete="off" disabled=barred/>
                    </Field>
                    <Field id="sync-responses-db" label=t2("问卷数据库（可选）", "Responses database (optional)")>
                        <input id="sync-responses-db" bind:value=responses_db autocomplete="off" placeholder="kefu-responses" disabled=barred/>
                    </Field>
                    <Field id="sync-mode" label=t2("本设备", "This device")>
                        <select id="sync-mode" bind:value=mode disabled=barred>
                            <option value="two_way">{t2("员工设备：双向同步", "Staff device: two-way sync")}</option>
                            <option value="kiosk_push">{t2("自助终端：只上传问卷答卷", "Kiosk: push survey responses only")}</option>
                        </select>
                    </Field>
                    <Field id="sync-auth" label=t2("登录方式", "Sign-in")>
                        <select id="sync-auth" bind:value=auth>
                            <option value="session">{t2("会话 Cookie（推荐）", "Session cookie (recommended)")}</option>
                            <option value="basic">{t2("Basic（密码仅保存在内存中）", "Basic (password kept in memory only)")}</option>
                        </select>
                    </Field>
                    <Field id="sync-user" label=t2("用户名", "User name")>
                        <input id="sync-user" bind:value=user autocomplete="username"/>
                    </Field>
                    <Field id="sync-password" label=t2("密码", "Password")>
                        <input id="sync-password" type="password" bind:value=password autocomplete="current-password"/>
                    </Field>
                </div>
                <div class="actions">
                    <button class="primary" type="submit" disabled=move || busy.get() data-testid="sync-connect">
                        {t2("登录并同步", "Sign in and sync")}
                    </button>
                    <button type="button" on:click=move |_| ctx.sync_now() data-testid="sync-now">{t2("立即同步", "Sync now")}</button>
                    <button type="button" on:click=sign_out data-testid="sync-signout">{t2("退出登录", "Sign out")}</button>
                    <button type="button" on:click=install data-testid="sync-install">{t2("安装设计文档", "Install the design document")}</button>
                </div>
            </form>
            <div data-testid="sync-message" role="status">
                {move || message.get().map(|said| {
                    let err = said.is_error();
                    let text = said.text(lang.get().is_zh());
                    view! {
                        <p class=if err { "err" } else { "muted" } role=if err { "alert" } else { "status" }>{text}</p>
                    }
                })}
                {move || still_syncing.get().then(|| view! {
                    <p class="muted small" data-testid="sync-still">{t2(
                        "新的设置未保存：本设备仍按原来保存的设置同步。",
                        "The new settings were not saved: this device still syncs with the ones saved before.",
                    )}</p>
                })}
            </div>
            <div data-testid="sync-detail" class="small muted">
                {move || {
                    let s = ctx.status.get();
                    let zh = lang.get().is_zh();
                    let mut parts = vec![s.phase.label(zh).to_string()];
                    if let Some(e) = s.error { parts.push(e); }
                    if !s.refused.is_empty() {
                        parts.push(if zh { format!("服务器拒收 {} 条：{}", s.refused.len(), s.refused.join("；")) }
                                   else { format!("{} refused by the server: {}", s.refused.len(), s.refused.join("; ")) });
                    }
                    if !s.damaged.is_empty() {
                        parts.push(if zh { format!("本机 {} 条记录已损坏，未能发送：{}", s.damaged.len(), s.damaged.join("；")) }
                                   else { format!("{} damaged on this device, not sent: {}", s.damaged.len(), s.damaged.join("; ")) });
                    }
                    if !s.repaired.is_empty() {
                        parts.push(if zh { format!("本机 {} 条损坏记录已用服务器版本替换：{}", s.repaired.len(), s.repaired.join("；")) }
                                   else { format!("{} damaged records on this device replaced with the server's copy: {}", s.repaired.len(), s.repaired.join("; ")) });
                    }
                    parts.join(" · ")
                }}
            </div>
            <crate::ui::LazyPage load=crate::ui::sync_conflicts/>
        </section>
    }
}

/// The documents whose conflicting versions no rule could merge: each named as staff know it,
/// both versions side by side with the differing fields as labels and readable values
/// (contact data masked), and a button to keep either. Choosing needs a signed-in staff
/// member: a complaint's history records who chose.
#[component]
pub fn SyncConflicts() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let ctx = sync_ctx();
    let list = Res::new(move || {
        state.changes.track();
        ctx.status.track();
        async move { conflicts::open(&store()).await.unwrap_or_default() }
    });
    // Staff ids in a value (a demand's owner) read as the names staff know (QA: a demand's
    // conflict showed staff:01M97… against staff:01M97…).
    let names = Res::new(move || {
        state.changes.track();
        async move {
            crate::ui::pages::customers::staff_by_id()
                .await
                .into_iter()
                .map(|(id, s)| (id, s.name))
                .collect::<Vec<_>>()
        }
    });
    let named = move |text: String| -> String {
        names.get().map_or(text.clone(), |n| {
            n.iter()
                .fold(text.clone(), |t, (id, name)| t.replace(id.as_str(), name))
        })
    };
    // `picks`: differing fields taken from other versions than `rev` (field, revision).
    let keep = move |id: String, rev: String, picks: Vec<(String, String)>, managers: bool| {
        let Some(user) = state.user.get_untracked() else {
            state.warn2(
                "请先登录员工身份，再选择保留的版本。",
                "Sign in as a staff member before choosing a version.",
            );
            return;
        };
        let who = Chooser {
            by: StaffRef {
                id: user.id.clone(),
                name: user.name.clone(),
            },
            at: crate::ui::platform::now(),
            zh: state.zh(),
        };
        spawn_local(async move {
            if managers {
                if let Err(why) = crate::ui::pages::settings::admin_check_now().await {
                    state.warn(why);
                    return;
                }
            }
            let mixed = !picks.is_empty();
            match conflicts::choose_each(&store(), &id, &rev, &picks, &who).await {
                Ok(()) => {
                    if mixed {
                        state.tell(
                            "已按所选逐项保留，两台设备的处理记录均已保留",
                            "The values ticked are kept, with both devices' history",
                        );
                    } else {
                        state.tell(
                            "已保留所选版本，两台设备的处理记录均已保留",
                            "The chosen version is kept, with both devices' history",
                        );
                    }
                    ctx.sync_now();
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let signed_out = move || state.user.with(Option::is_none);
    // Staff profiles and the branch's settings (its name, code and calendar) are the manager's
    // to change, and so theirs to settle (or anyone's while no active manager exists).
    let admin = crate::ui::pages::settings::admin();
    let barred_for = move |c: &Conflict| {
        let managers = matches!(c.winner.doc_type(), Some("staff" | "settings"));
        (managers, move || {
            signed_out() || (managers && !admin.allowed())
        })
    };
    // `picks`: the version ticked for each differing field (none ticked: the one shown).
    let version = move |c: &Conflict,
                        d: &crate::store::Doc,
                        winner: bool,
                        picks: RwSignal<BTreeMap<String, String>>| {
        let id = c.id.clone();
        let (managers, barred) = barred_for(c);
        // Field by field, where more than one field differs (one: the same as a version).
        let per_field = c.fields.len() > 1 && c.fields.iter().all(|f| !f.is_empty());
        let winner_rev = c.winner.rev.clone().unwrap_or_default();
        let rev = d.rev.clone().unwrap_or_default();
        let rev_attr = rev.clone();
        let doc_type = c.winner.doc_type().map(str::to_string);
        let others: Vec<Json> = std::iter::once(&c.winner)
            .chain(c.others.iter())
            .filter(|o| o.rev != d.rev)
            .map(|o| o.body.clone())
            .collect();
        let body = d.body.clone();
        let note = {
            let (doc_type, body) = (doc_type.clone(), body.clone());
            move || {
                let zh = lang.get().is_zh();
                let refs: Vec<&Json> = others.iter().collect();
                readable::version_note(doc_type.as_deref(), &body, &refs, zh).map(named)
            }
        };
        let rows = c
            .fields
            .iter()
            .map(|f| {
                let (f, doc_type, body) = (f.clone(), doc_type.clone(), body.clone());
                let f2 = f.clone();
                let dt2 = doc_type.clone();
                let pick = per_field.then(|| {
                    let (f, rev, winner_rev) = (f.clone(), rev.clone(), winner_rev.clone());
                    let group = format!("pick-{id}-{f}");
                    let (f3, rev3) = (f.clone(), rev.clone());
                    let ticked = move || {
                        picks.with(|p| p.get(&f3).unwrap_or(&winner_rev) == &rev3)
                    };
                    view! {
                        <input type="radio" name=group data-testid="conflict-pick" data-field=f.clone()
                            prop:checked=ticked prop:disabled=barred
                            aria-label=move || lang.get().t("取此版本的值", "Take this version's value")
                            on:change=move |_| picks.update(|p| { p.insert(f.clone(), rev.clone()); })/>
                    }
                });
                view! {
                    <tr>
                        <th>{move || readable::field_label(dt2.as_deref(), &f2, lang.get().is_zh())}</th>
                        <td><label class="pick">{pick}{move || named(readable::field_text(doc_type.as_deref(), &f, &body, lang.get().is_zh()))}</label></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="version" data-testid="conflict-version" data-rev=rev_attr>
                <h4>{move || if winner { lang.get().t("当前显示的版本", "Version shown") } else { lang.get().t("另一版本", "Other version") }}</h4>
                {move || note().map(|n| view! { <p class="small muted" data-testid="conflict-version-note">{n}</p> })}
                <table><tbody>{rows}</tbody></table>
                <button type="button" disabled=barred
                    title=move || if signed_out() { lang.get().t("请先登录员工身份", "Sign in as a staff member first") } else { "" }
                    on:click=move |_| keep(id.clone(), rev.clone(), Vec::new(), managers)>{t2("保留此版本", "Keep this version")}</button>
                {move || (managers && !signed_out() && !admin.allowed()).then(|| view! {
                    <p class="small muted" data-testid="conflict-managers">{t2(
                        "人员与营业部设置的冲突由客服经理选择。",
                        "A manager settles conflicts of staff and branch settings.",
                    )}</p>
                })}
            </div>
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || list.get().map(|list| {
                if list.is_empty() {
                    return ().into_any();
                }
                view! {
                    <div class="conflicts" data-testid="sync-conflicts" id="sync-conflicts">
                        <h3>{t2("需要人工选择的冲突", "Conflicts to settle")}</h3>
                        <p class="small muted">{t2(
                            "同一记录在两台设备上被不同地修改，且无法自动合并。请选择保留哪个版本：表中列出的有分歧的项目取所选版本的值；两个版本的处理记录和备注都会保留，并记下由谁选择。",
                            "The same record was changed differently on two devices and could not be merged. Choose the version to keep: the differing fields listed take its values; both versions' history and notes are kept, with who chose.")}</p>
                        {move || signed_out().then(|| view! {
                            <p class="err small" role="note">{t2("请先登录员工身份，再选择保留的版本。", "Sign in as a staff member before choosing a version.")}</p>
                        })}
                        {list.into_iter().map(|c| {
                            let name = {
                                let (dt, body, id) = (c.winner.doc_type().map(str::to_string), c.winner.body.clone(), c.id.clone());
                                move || readable::record_name(dt.as_deref(), &body, &id, lang.get().is_zh())
                            };
                            let picks = RwSignal::new(BTreeMap::<String, String>::new());
                            let others = c.others.iter().map(|o| version(&c, o, false, picks)).collect_view();
                            let per_field = c.fields.len() > 1 && c.fields.iter().all(|f| !f.is_empty());
                            let (managers, barred) = barred_for(&c);
                            let (id, winner_rev) = (c.id.clone(), c.winner.rev.clone().unwrap_or_default());
                            // Every field ticked: the version shown, with the fields ticked in
                            // another version taken from it.
                            let keep_ticked = move |_| {
                                let chosen: Vec<(String, String)> = picks.get_untracked().into_iter()
                                    .filter(|(_, r)| *r != winner_rev).collect();
                                keep(id.clone(), winner_rev.clone(), chosen, managers);
                            };
                            view! {
                                <article class="conflict" data-testid="conflict" data-id=c.id.clone()>
                                    <h4 data-testid="conflict-name">{name}</h4>
                                    <div class="side-by-side">
                                        {version(&c, &c.winner, true, picks)}
                                        {others}
                                    </div>
                                    {per_field.then(|| view! {
                                        <div class="row conflict-each">
                                            <span class="small muted">{t2(
                                                "也可逐项勾选每个项目要保留的值：",
                                                "Or tick the value to keep for each field:")}</span>
                                            <button type="button" disabled=barred data-testid="conflict-keep-ticked"
                                                on:click=keep_ticked>{t2("按勾选逐项保留", "Keep the values ticked")}</button>
                                        </div>
                                    })}
                                </article>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}
