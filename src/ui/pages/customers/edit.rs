//! The customer form: create or edit one customer, validated as the user types. What is typed
//! is kept in this browser (one draft for a new customer, one per customer edited) until it is
//! saved or discarded: a reload, a closed tab or a save refused as stale loses nothing.

use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped as spawn_local;
use leptos_router::components::A;

use crate::domain::customer::{
    account_number, date_field_problem, normalise_phone, parse_date, valid_account, valid_email,
    Customer, CustomerKind, Level, Lifecycle, Tier, NAME_MAX,
};
use crate::domain::customer_form::{CustomerDraft, CustomerFields, KINDS};
use crate::domain::demand::Demand;
use crate::domain::journey::JourneyConfig;
use crate::domain::staff::Staff;
use crate::domain::Record;
use crate::store::{typed, DocStore, IndexKey, KeyPart, KeyRange, StoreError};
use crate::ui::components::{Discarded, Field};
use crate::ui::i18n::t2;
use crate::ui::platform::{
    closed_tab_draft, local_read, local_remove, local_write, new_id, now, now_millis, tab_id,
};
use crate::ui::state::{app, store};

use super::{all_docs_in, journey_config, signed_in, staff_by_id};

/// Where the drafts of the form on customer `id` (none: a new customer) are kept, one per tab
/// under this prefix: two tabs editing the same customer keep theirs apart, so one tab's save
/// does not drop what the other typed.
fn draft_prefix(id: Option<&str>) -> String {
    format!("kefu.customers.form-draft.{}.", id.unwrap_or("new"))
}

/// The draft kept under `key` (this tab's own, or a closed tab's), if anything was typed.
fn draft_at(key: &str) -> Option<CustomerDraft> {
    local_read::<CustomerDraft>(key).filter(|d| !d.is_empty())
}

fn pick<T: Copy>(all: &[T], s: &str) -> T {
    all[s.parse::<usize>().unwrap_or(0).min(all.len() - 1)]
}

/// A select over an enum's values by position.
#[component]
fn EnumSelect(
    id: &'static str,
    value: RwSignal<String>,
    /// Labels in (zh, en) per option.
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let lang = app().lang;
    view! {
        <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
            {options.into_iter().enumerate().map(|(i, (zh, en))| {
                let v = i.to_string();
                let selected = value.get_untracked() == v;
                view! { <option value=v selected=selected>{move || lang.get().t(zh, en)}</option> }
            }).collect_view()}
        </select>
    }
}

/// The customer's open demands (read through `by_customer`) that take on its new value
/// level, each with the change in its history.
async fn open_demands_following(c: &Customer, by: &str) -> Result<Vec<Demand>, StoreError> {
    let range = KeyRange::prefix(IndexKey(vec![KeyPart::Str(c.id.clone())]));
    let demands = all_docs_in("by_customer", range, false)
        .await?
        .into_iter()
        .filter(|d| d.doc_type() == Some(Demand::TYPE))
        .filter_map(|d| typed::from_doc::<Demand>(d).ok());
    Ok(Demand::follow_customer_value(demands, c, by, now()))
}

/// Create (`initial` None) or edit a customer; `on_done` gets the saved customer, or None
/// when the user cancels.
#[component]
pub fn CustomerForm(
    initial: Option<Customer>,
    #[prop(into)] on_done: Callback<Option<Customer>>,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let base = initial.clone();
    // The form as it opens, and a draft kept of it taken up over that: only the fields typed,
    // so a customer saved since (another tab or device) keeps that save's other fields.
    let fresh = CustomerFields::of(initial.as_ref(), &state.branch.get_untracked().own_code());
    let prefix = draft_prefix(initial.as_ref().map(|c| c.id.as_str()));
    let key = StoredValue::new(format!("{prefix}{}", tab_id()));
    let kept = draft_at(&key.get_value());
    let restored = RwSignal::new(kept.is_some());
    // Whether a closed tab's draft has been looked for (`data-drafts-checked`, for tests).
    let drafts_checked = RwSignal::new(kept.is_some());
    let start = kept.map_or_else(|| fresh.clone(), |d| fresh.with_draft(&d));
    let name = RwSignal::new(start.name);
    let phone = RwSignal::new(start.phone);
    let email = RwSignal::new(start.email);
    let account = RwSignal::new(start.account);
    let opened = RwSignal::new(start.opened);
    let birthday = RwSignal::new(start.birthday);
    let branch = RwSignal::new(start.branch);
    let staff_id = RwSignal::new(start.staff_id);
    let stage = RwSignal::new(start.stage);
    let kind = RwSignal::new(start.kind);
    let tier = RwSignal::new(start.tier);
    let value = RwSignal::new(start.value);
    let lifecycle = RwSignal::new(start.lifecycle);
    let fields = move || CustomerFields {
        name: name.get(),
        kind: kind.get(),
        tier: tier.get(),
        value: value.get(),
        lifecycle: lifecycle.get(),
        phone: phone.get(),
        email: email.get(),
        account: account.get(),
        opened: opened.get(),
        birthday: birthday.get(),
        branch: branch.get(),
        staff_id: staff_id.get(),
        stage: stage.get(),
    };
    let show = move |f: CustomerFields| {
        name.set(f.name);
        kind.set(f.kind);
        tier.set(f.tier);
        value.set(f.value);
        lifecycle.set(f.lifecycle);
        phone.set(f.phone);
        email.set(f.email);
        account.set(f.account);
        opened.set(f.opened);
        birthday.set(f.birthday);
        branch.set(f.branch);
        staff_id.set(f.staff_id);
        stage.set(f.stage);
    };
    let fresh = StoredValue::new(fresh);
    // Every change is kept at once; a form as it opened keeps nothing.
    Effect::new(move |_| {
        let mut d = fresh.with_value(|f| fields().draft_over(f));
        if d.is_empty() {
            local_remove(&key.get_value());
        } else {
            d.at = now_millis();
            local_write(&key.get_value(), &d);
        }
    });
    // None of this tab's own: a draft a closed tab left is taken up, unless typing began.
    if !drafts_checked.get_untracked() {
        spawn_local(async move {
            // The newest typed, of those closed tabs left.
            let found = closed_tab_draft(
                &prefix,
                &key.get_value(),
                None,
                |d: &CustomerDraft| !d.is_empty(),
                |_, d| d.at,
            )
            .await;
            // Taken only into an untouched form (else it stays for another time).
            let untouched = fresh.with_value(|f| untrack(fields).draft_over(f).is_empty());
            if let (Some((orphan, d)), true) = (found, untouched) {
                local_remove(&orphan);
                show(fresh.with_value(|f| f.with_draft(&d)));
                restored.set(true);
            }
            drafts_checked.set(true);
        });
    }
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let account_taken = RwSignal::new(false);
    // Another customer with the same phone, found at save: (id, name), shown with a link; a
    // second save with the same phone saves all the same (family members may share a number).
    let same_phone = RwSignal::new(None::<(String, String)>);
    let phone_confirmed = RwSignal::new(None::<String>);

    let staff = Res::new(|| async {
        let mut v: Vec<Staff> = staff_by_id()
            .await
            .into_values()
            .filter(|s| s.active)
            .collect();
        sort_by(&mut v, |a, b| a.name.cmp(&b.name));
        v
    });
    let config = Res::new(|| async { journey_config().await });

    let zh = move || lang.get().is_zh();
    let name_err = move || {
        let n = name.get().trim().chars().count();
        if tried.get() && n == 0 {
            Some(lang.get().s("请填写姓名或名称", "Enter a name"))
        } else {
            (n > NAME_MAX).then(|| {
                lang.get().s(
                    format!("姓名过长（最多 {NAME_MAX} 字）"),
                    format!("The name is too long (at most {NAME_MAX} characters)"),
                )
            })
        }
    };
    let phone_err = move || {
        let p = phone.get();
        (!p.trim().is_empty() && normalise_phone(&p).is_none()).then(|| {
            lang.get().s(
                "手机号格式不正确（11位手机号或带区号的固定电话）",
                "Not a valid phone number (11-digit mobile or landline with area code)",
            )
        })
    };
    let email_err = move || {
        let e = email.get();
        let e = e.trim();
        let looks_valid = e.is_empty() || valid_email(e);
        (!looks_valid).then(|| lang.get().s("邮箱格式不正确", "Not a valid email address"))
    };
    // A date the browser could not read (02/30 typed by hand): its value is empty, as if
    // nothing were typed, so the field's own validity says it (QA: saved without it, silently).
    let opened_bad = RwSignal::new(false);
    let birthday_bad = RwSignal::new(false);
    let date_err = move |s: RwSignal<String>, bad: RwSignal<bool>| {
        move || {
            if bad.get() {
                return Some(lang.get().s(
                    "该日期不存在，请重新填写",
                    "That date does not exist: enter it again",
                ));
            }
            date_field_problem(&s.get(), state.today.get()).map(|(zh, en)| lang.get().s(zh, en))
        }
    };
    let opened_err = date_err(opened, opened_bad);
    let birthday_err = date_err(birthday, birthday_bad);
    // Read as typed and again at the save: a date typed whole but impossible leaves the value
    // empty all along, so no input or change event says it.
    let bad_now = |id: &str| {
        document()
            .get_element_by_id(id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
            // No min, max or required on these: invalid is a date the browser cannot read.
            .is_some_and(|i| !i.check_validity())
    };
    let discarded = Discarded::<CustomerFields>::new(move || {
        fresh.with_value(|f| fields().draft_over(f).is_empty())
    });
    let discard = move |_| {
        discarded.hold(untrack(fields));
        show(fresh.get_value());
        tried.set(false);
        restored.set(false);
    };
    let undo_discard = move |f: CustomerFields| {
        show(f);
        restored.set(true);
    };
    let account_err = move || {
        if !valid_account(&account_number(&account.get())) {
            Some(lang.get().s(
                "客户号只能包含字母和数字",
                "An account number may hold only letters and digits",
            ))
        } else {
            account_taken.get().then(|| {
                lang.get()
                    .s("该客户号已存在", "This account number is already in use")
            })
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A second submit in the same moment (a script's two clicks) before the button is
        // disabled: one save (QA: two customers, then a panic on the closed form).
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        account_taken.set(false);
        opened_bad.set(bad_now("cust-opened"));
        birthday_bad.set(bad_now("cust-birthday"));
        if name_err().is_some()
            || phone_err().is_some()
            || email_err().is_some()
            || opened_err().is_some()
            || birthday_err().is_some()
            || account_err().is_some()
        {
            return;
        }
        let Some(user) = signed_in() else {
            return;
        };
        let opt = |s: RwSignal<String>| {
            let v = s.get_untracked().trim().to_string();
            (!v.is_empty()).then_some(v)
        };
        let mut rec = base.clone().unwrap_or_else(|| Customer {
            id: new_id("customer"),
            rev: None,
            kind: CustomerKind::Individual,
            name: String::new(),
            tier: Tier::Normal,
            value: Level::Medium,
            lifecycle: Lifecycle::New,
            account_no: None,
            account_opened: None,
            birthday: None,
            branch: String::new(),
            staff_id: None,
            phone: None,
            email: None,
            stage: None,
        });
        rec.kind = pick(&KINDS, &kind.get_untracked());
        rec.name = name.get_untracked().trim().to_string();
        rec.tier = pick(&Tier::ALL, &tier.get_untracked());
        rec.value = pick(&Level::ALL, &value.get_untracked());
        rec.lifecycle = pick(&Lifecycle::ALL, &lifecycle.get_untracked());
        rec.phone = opt(phone).and_then(|p| normalise_phone(&p));
        rec.email = opt(email);
        rec.account_no = opt(account).map(|a| account_number(&a));
        rec.account_opened = opt(opened).and_then(|d| parse_date(&d));
        rec.birthday = opt(birthday).and_then(|d| parse_date(&d));
        rec.branch = opt(branch).unwrap_or_else(|| state.branch.get_untracked().own_code());
        rec.staff_id = opt(staff_id);
        rec.stage = opt(stage);
        let base_phone = base.as_ref().and_then(|b| b.phone.clone());
        // An existing customer's open demands follow its value level (also catching up any
        // that an earlier save left behind); a new customer has none.
        let existing = base.is_some();
        busy.set(true);
        spawn_local(async move {
            let s = store();
            // The same phone as another customer: most likely the same person entered twice,
            // whose complaints, demands and care would split between two records.
            let phone_changed = base_phone.as_deref() != rec.phone.as_deref();
            if let Some(p) = rec.phone.clone().filter(|_| phone_changed) {
                if phone_confirmed.get_untracked().as_deref() != Some(p.as_str()) {
                    if let Some(other) = customer_with_phone(&s, &p, &rec.id).await {
                        same_phone.set(Some(other));
                        phone_confirmed.set(Some(p));
                        busy.set(false);
                        return;
                    }
                }
            }
            same_phone.set(None);
            if let Some(a) = &rec.account_no {
                let range = KeyRange::eq(IndexKey(vec![KeyPart::Str(a.trim().to_lowercase())]));
                let q = crate::store::Query::new("customer_by_account", range).limit(2);
                if let Ok(page) = s.query(&q).await {
                    if page.docs.iter().any(|d| d.id != rec.id) {
                        account_taken.set(true);
                        busy.set(false);
                        return;
                    }
                }
            }
            // A changed value level moves the customer's open demands in the 3×3 matrix:
            // they are saved with the customer, in one transaction.
            let demands = if existing {
                match open_demands_following(&rec, &user.id).await {
                    Ok(d) => d,
                    Err(e) => {
                        state.warn_with(|zh| e.message(zh));
                        busy.set(false);
                        return;
                    }
                }
            } else {
                Vec::new()
            };
            let moved = demands.len();
            let docs: Result<Vec<_>, _> = std::iter::once(typed::record_doc(&rec))
                .chain(demands.iter().map(typed::record_doc))
                .collect();
            let saved = match docs {
                Ok(docs) => typed::bulk(&s, docs).await,
                Err(e) => Err(e),
            };
            match saved {
                Ok(revs) => {
                    rec.rev = revs.into_iter().next();
                    local_remove(&key.get_value());
                    if moved > 0 {
                        state.tell(
                            format!("已保存客户 {}，{moved} 条未完成需求的客户价值已随之更新", rec.name),
                            format!(
                                "Saved customer {}; {moved} open demand(s) now carry the new value level",
                                rec.name
                            ),
                        );
                    } else {
                        state.tell(
                            format!("已保存客户 {}", rec.name),
                            format!("Saved customer {}", rec.name),
                        );
                    }
                    on_done.run(Some(rec));
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
            busy.set(false);
        });
    };

    let labels = |all: &[(&'static str, &'static str)]| all.to_vec();
    let kind_opts = labels(&[("个人", "Individual"), ("机构", "Institution")]);
    let tier_opts = labels(&[
        ("VIP客户", "VIP"),
        ("普通客户", "Normal"),
        ("新客户", "New"),
    ]);
    let value_opts = labels(&[("高", "High"), ("中", "Medium"), ("低", "Low")]);
    let life_opts = labels(&[
        ("新客户", "New"),
        ("存量客户", "Existing"),
        ("流失客户", "Lost"),
    ]);

    // Opened by a button, the form takes the keyboard at its first field.
    request_animation_frame(|| crate::ui::platform::focus_id("cust-name"));
    view! {
        <form class="panel customer-form" on:submit=save data-testid="customer-form" novalidate
            data-drafts-checked=move || drafts_checked.get().to_string()>
            <h2>{move || if initial.is_some() { lang.get().t("编辑客户", "Edit customer") } else { lang.get().t("新建客户", "New customer") }}</h2>
            {move || restored.get().then(|| view! {
                <div class="draft-banner row" data-testid="customer-draft-restored" role="status">
                    <span>{t2("已恢复上次未保存的客户草稿。", "The unsaved draft of this customer was restored.")}</span>
                    <button type="button" on:click=discard data-testid="customer-discard-draft">{t2("放弃草稿", "Discard draft")}</button>
                </div>
            })}
            {discarded.banner(undo_discard)}
            <div class="grid">
                <Field id="cust-name" required=true label=t2("姓名/名称", "Name") error=Signal::derive(name_err)>
                    <input id="cust-name" bind:value=name autocomplete="off"/>
                </Field>
                <Field id="cust-kind" label=t2("客户类型", "Kind")>
                    <EnumSelect id="cust-kind" value=kind options=kind_opts/>
                </Field>
                <Field id="cust-tier" label=t2("客户等级", "Tier")>
                    <EnumSelect id="cust-tier" value=tier options=tier_opts/>
                </Field>
                <Field id="cust-value" label=t2("客户价值", "Value level")>
                    <EnumSelect id="cust-value" value=value options=value_opts/>
                </Field>
                <Field id="cust-lifecycle" label=t2("生命周期", "Lifecycle")>
                    <EnumSelect id="cust-lifecycle" value=lifecycle options=life_opts/>
                </Field>
                <Field id="cust-phone" label=t2("手机", "Phone") error=Signal::derive(phone_err)>
                    <input id="cust-phone" type="tel" bind:value=phone autocomplete="off"/>
                </Field>
                <Field id="cust-email" label=t2("邮箱", "Email") error=Signal::derive(email_err)>
                    <input id="cust-email" type="email" bind:value=email autocomplete="off"/>
                </Field>
                <Field id="cust-account" label=t2("客户号", "Account no.") error=Signal::derive(account_err)>
                    <input id="cust-account" bind:value=account autocomplete="off"/>
                </Field>
                <Field id="cust-opened" label=t2("开户日期", "Account opened") error=Signal::derive(opened_err)>
                    <input id="cust-opened" type="date" bind:value=opened on:input=move |_| opened_bad.set(bad_now("cust-opened")) on:focusout=move |_| opened_bad.set(bad_now("cust-opened"))/>
                </Field>
                <Field id="cust-birthday" label=t2("生日", "Birthday") error=Signal::derive(birthday_err)>
                    <input id="cust-birthday" type="date" bind:value=birthday on:input=move |_| birthday_bad.set(bad_now("cust-birthday")) on:focusout=move |_| birthday_bad.set(bad_now("cust-birthday"))/>
                </Field>
                <Field id="cust-branch" label=t2("营业部", "Branch")>
                    <input id="cust-branch" bind:value=branch/>
                </Field>
                <Field id="cust-staff" label=t2("服务人员", "Assigned staff")>
                    <select id="cust-staff" prop:value=move || staff_id.get() on:change=move |ev| staff_id.set(event_target_value(&ev))>
                        <option value="">{t2("（未指定）", "(none)")}</option>
                        {move || staff.get().unwrap_or_default().into_iter().map(|s| {
                            let selected = staff_id.get_untracked() == s.id;
                            view! { <option value=s.id.clone() selected=selected>{s.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <Field id="cust-stage" label=t2("旅程阶段", "Journey stage")>
                    <select id="cust-stage" prop:value=move || stage.get() on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">{t2("（未指定）", "(none)")}</option>
                        {move || config.get().map(|c: JourneyConfig| c.stages.into_iter().map(|st| {
                            let selected = stage.get_untracked() == st.id;
                            let label = st.name.get(zh()).to_string();
                            view! { <option value=st.id.clone() selected=selected>{label}</option> }
                        }).collect_view())}
                    </select>
                </Field>
            </div>
            // About the number typed when saving: retyped, the warning goes with it (QA).
            {move || same_phone.get().filter(|_| phone.with(|p| normalise_phone(p)) == phone_confirmed.get()).map(|(id, other)| view! {
                <p class="warn-box" role="alert" data-testid="same-phone">
                    {move || if zh() {
                        format!("客户“{other}”已使用此手机号，可能是同一客户重复登记。")
                    } else {
                        format!("Customer “{other}” already has this phone number: this may be the same customer entered twice.")
                    }}
                    " "
                    <A href=format!("/customers/{id}")>{t2("查看该客户", "Open that customer")}</A>
                    {t2("。", ". ")}
                    {t2("如确为不同客户（如家庭成员共用号码），请再次点击“保存”。",
                        "If it is another customer (a family sharing a number), press Save again.")}
                </p>
            })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="customer-save">
                    {t2("保存", "Save")}
                </button>
                <button type="button" on:click=move |_| on_done.run(None)>{t2("取消", "Cancel")}</button>
            </div>
        </form>
    }
}

/// Another customer (not `except`) whose phone is `phone` (as normalised): (id, name). Read
/// through the last-four-digits index, so only a few records are read.
async fn customer_with_phone(
    s: &crate::ui::state::AppStore,
    phone: &str,
    except: &str,
) -> Option<(String, String)> {
    let last4 = crate::domain::customer::phone_last4(phone)?;
    let range = KeyRange::eq(IndexKey(vec![KeyPart::Str(last4)]));
    let q = crate::store::Query::new("customer_by_phone4", range).limit(200);
    let page = s.query(&q).await.ok()?;
    page.docs.into_iter().find_map(|d| {
        let theirs = d.body.get("phone").and_then(|p| p.as_str())?;
        (d.id != except && normalise_phone(theirs).as_deref() == Some(phone)).then(|| {
            let name = d
                .body
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            (d.id.clone(), name.to_string())
        })
    })
}
