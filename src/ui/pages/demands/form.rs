//! The demand form (客户需求登记) in a dialog: customer picked by name, type, description,
//! urgency, importance, intensity, service cost, customer value (from the customer when one
//! is linked), owner, and a due date in working days. Used by the quick capture and by the
//! quick-add of a matrix cell (which presets the cell's properties). The open form is kept in
//! this browser as it is typed (one draft for the quick capture, one per matrix cell), taken
//! up again when the form is opened again, after a close or a reload, and dropped on save.

use crate::domain::datefmt::Layout;
use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::domain::customer::{Customer, Level};
use crate::domain::demand::{CellPreset, Demand, DemandType, MatrixCell, MatrixRules, NewDemand};
use crate::store::typed;
use crate::ui::components::{Discarded, Field};
use crate::ui::data::active_staff;
use crate::ui::i18n::t2;
use crate::ui::platform::{
    closed_tab_draft, local_read, local_remove, local_write, new_id, now, tab_id,
};
use crate::ui::state::{app, store};

use super::data::Env;
use super::dialog::{Modal, NeedUser};

pub fn level_key(l: Level) -> &'static str {
    match l {
        Level::High => "high",
        Level::Medium => "medium",
        Level::Low => "low",
    }
}

pub fn level_of(s: &str) -> Level {
    match s {
        "high" => Level::High,
        "low" => Level::Low,
        _ => Level::Medium,
    }
}

pub fn kind_key(k: DemandType) -> String {
    DemandType::ALL
        .iter()
        .position(|x| *x == k)
        .unwrap_or(5)
        .to_string()
}

pub fn kind_of(s: &str) -> Option<DemandType> {
    s.parse::<usize>()
        .ok()
        .and_then(|i| DemandType::ALL.get(i).copied())
}

/// Labels of the 1–5 scales (see `domain::demand`).
fn urgency_label(n: u8, zh: bool) -> &'static str {
    match (n, zh) {
        (5, true) => "5 立即（资金或账户受影响）",
        (5, false) => "5 now (money or access at risk)",
        (4, true) => "4 当天／下一交易日",
        (4, false) => "4 today / next trading day",
        (3, true) => "3 本周内",
        (3, false) => "3 this week",
        (2, true) => "2 本月内",
        (2, false) => "2 this month",
        (_, true) => "1 无时间要求",
        (_, false) => "1 no time pressure",
    }
}

fn importance_label(n: u8, zh: bool) -> &'static str {
    match (n, zh) {
        (5, true) => "5 可能造成重大损失或合规风险",
        (5, false) => "5 large loss or regulatory exposure",
        (4, true) => "4 对客户影响较大",
        (4, false) => "4 significant for the customer",
        (3, true) => "3 有用",
        (3, false) => "3 useful",
        (2, true) => "2 次要",
        (2, false) => "2 minor",
        (_, true) => "1 锦上添花",
        (_, false) => "1 nice to have",
    }
}

/// A new demand is due in this many working days unless staff change it: source 004 §4.2
/// (客户反馈应在24小时内响应，问题处理应在7个工作日内完成). Cleared, the demand has no due date.
const DEFAULT_DUE_DAYS: u32 = 7;
/// The longest description a demand takes (a demand is a line or two; the matrix's card and
/// the list show it whole).
const DESC_MAX: usize = 2000;
#[component]
fn LevelSelect(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    let lang = app().lang;
    view! {
        <select id=id bind:value=value>
            {Level::ALL.iter().map(|l| {
                let l = *l;
                view! { <option value=level_key(l) selected=value.get_untracked() == level_key(l)>{move || l.label(lang.get().is_zh())}</option> }
            }).collect_view()}
        </select>
    }
}

/// The customer picker: a name search over the customer index, and the chosen customer.
#[component]
pub fn CustomerPicker(chosen: RwSignal<Option<Customer>>) -> impl IntoView {
    let lang = app().lang;
    let st = store();
    let query = RwSignal::new(String::new());
    let results = Res::new(move || {
        let q = query.get();
        let st = st.clone();
        async move { super::data::search_customers(&st, &q, 8).await }
    });
    view! {
        {move || match chosen.get() {
            Some(c) => {
                let zh = lang.get().is_zh();
                view! {
                    <div class="dm-chosen" data-testid="chosen-customer">
                        <strong>{c.name.clone()}</strong>
                        <span class="badge">{c.tier.label(zh)}</span>
                        <span class="muted small">{format!("{}{}", lang.get().t("客户价值：", "Value: "), c.value.label(zh))}</span>
                        <button type="button" class="link" on:click=move |_| chosen.set(None)>{t2("更换", "Change")}</button>
                    </div>
                }.into_any()
            }
            None => view! {
                <input id="dm-customer" type="search" autocomplete="off" bind:value=query
                    placeholder=move || lang.get().t("输入客户姓名（可不选）", "Type a name (optional)")/>
                <Suspense fallback=|| ()>
                    {move || results.get().map(|list| {
                        if list.is_empty() {
                            return if query.get().trim().is_empty() {
                                ().into_any()
                            } else {
                                view! {
                                    <p class="small muted">{t2("没有找到该客户", "No customer by that name")}</p>
                                }.into_any()
                            };
                        }
                        view! {
                            <ul class="dm-picks" aria-label=t2("匹配的客户", "Matching customers")>
                                {list.into_iter().map(|c| {
                                    let zh = lang.get().is_zh();
                                    let label = format!("{} · {} · {}", c.name, c.tier.label(zh), c.masked_phone());
                                    view! { <li><button type="button" class="link" data-testid="customer-option"
                                        on:click=move |_| chosen.set(Some(c.clone()))>{label}</button></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Suspense>
            }.into_any(),
        }}
    }
}

/// The form as typed: what is kept in this browser until the demand is saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct DemandDraft {
    customer_id: Option<String>,
    kind: String,
    description: String,
    urgency: String,
    importance: String,
    intensity: String,
    cost: String,
    value: String,
    owner: String,
    due_days: String,
}

/// Where the drafts of the form opened from `cell` (none: the quick capture) are kept, one per
/// tab (`<prefix><tab id>`): two tabs typing a demand keep theirs apart.
fn draft_prefix(cell: Option<MatrixCell>) -> String {
    match cell.and_then(|c| serde_json::to_string(&c).ok()) {
        Some(c) => format!("kefu.demands.form-draft.cell.{c}."),
        None => "kefu.demands.form-draft.quick.".to_string(),
    }
}

/// Where an earlier build kept the one draft of the form, for every tab.
fn shared_draft_key(cell: Option<MatrixCell>) -> String {
    match cell.and_then(|c| serde_json::to_string(&c).ok()) {
        Some(c) => format!("kefu.demands.form-draft.{c}"),
        None => "kefu.demands.form-draft".to_string(),
    }
}

#[component]
pub fn DemandForm(
    /// The matrix cell the demand is added in, whose properties it starts with.
    #[prop(optional)]
    cell: Option<MatrixCell>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let state = app();
    let env = StoredValue::new_local(Env::here());
    let lang = state.lang;
    let rules = MatrixRules::default();
    let customer = RwSignal::new(None::<Customer>);
    let kind = RwSignal::new("5".to_string());
    let desc = RwSignal::new(String::new());
    let urgency = RwSignal::new("3".to_string());
    let importance = RwSignal::new("3".to_string());
    let intensity = RwSignal::new("medium".to_string());
    let cost = RwSignal::new("medium".to_string());
    let value = RwSignal::new("medium".to_string());
    let owner = RwSignal::new(state.user.get_untracked().map(|u| u.id).unwrap_or_default());
    let due_days = RwSignal::new(DEFAULT_DUE_DAYS.to_string());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let save_error = RwSignal::new(None::<String>);
    match cell.map(|c| c.preset(&rules)) {
        Some(CellPreset::Scales {
            urgency: u,
            importance: i,
        }) => {
            urgency.set(u.to_string());
            importance.set(i.to_string());
        }
        Some(CellPreset::Levels {
            customer_value,
            intensity: it,
        }) => {
            value.set(level_key(customer_value).into());
            intensity.set(level_key(it).into());
        }
        None => {}
    }

    // The draft: what the form shows, the form as it starts, and a kept one taken up.
    let snapshot = move || DemandDraft {
        customer_id: customer.with(|c| c.as_ref().map(|c| c.id.clone())),
        kind: kind.get(),
        description: desc.get(),
        urgency: urgency.get(),
        importance: importance.get(),
        intensity: intensity.get(),
        cost: cost.get(),
        value: value.get(),
        owner: owner.get(),
        due_days: due_days.get(),
    };
    let fresh = StoredValue::new(untrack(snapshot));
    let prefix = draft_prefix(cell);
    let key = StoredValue::new(format!("{prefix}{}", tab_id()));
    let show = move |d: DemandDraft| {
        kind.set(d.kind);
        desc.set(d.description);
        urgency.set(d.urgency);
        importance.set(d.importance);
        intensity.set(d.intensity);
        cost.set(d.cost);
        value.set(d.value);
        owner.set(d.owner);
        due_days.set(d.due_days);
        customer.set(None);
        if let Some(id) = d.customer_id {
            let st = env.with_value(|e| e.store.clone());
            spawn_local(async move {
                if let Ok(c) = typed::load::<Customer, _>(&st, &id).await {
                    customer.try_set(Some(c));
                }
            });
        }
    };
    let kept = local_read::<DemandDraft>(&key.get_value()).filter(|d| *d != fresh.get_value());
    let restored = RwSignal::new(kept.is_some());
    // Whether a closed tab's draft has been looked for (`data-drafts-checked`, for tests).
    let drafts_checked = RwSignal::new(kept.is_some());
    if let Some(d) = kept {
        show(d);
    } else {
        // None of this tab's own: a closed tab's (or an earlier build's) is taken up, into a
        // form nothing was typed in yet. A tab still open keeps its own.
        let shared = shared_draft_key(cell);
        let own = key.get_value();
        spawn_local(async move {
            // A closed tab's, the last opened first.
            let found = closed_tab_draft(
                &prefix,
                &own,
                Some(&shared),
                |d: &DemandDraft| fresh.try_with_value(|f| d != f).unwrap_or(false),
                |k, _| k.to_string(),
            )
            .await;
            // The dialog may have closed meanwhile.
            if restored.try_get_untracked().is_none() {
                return;
            }
            let untouched = untrack(snapshot) == fresh.get_value();
            if let (Some((orphan, d)), true) = (found, untouched) {
                local_remove(&orphan);
                show(d);
                restored.set(true);
            }
            drafts_checked.set(true);
        });
    }
    // Every change is kept at once: a close by mistake or a reload loses nothing.
    Effect::new(move |_| {
        let d = snapshot();
        if d == fresh.get_value() {
            local_remove(&key.get_value());
        } else {
            local_write(&key.get_value(), &d);
        }
    });
    let discarded = Discarded::<DemandDraft>::new(move || snapshot() == fresh.get_value());
    let discard = move |_| {
        discarded.hold(untrack(snapshot));
        show(fresh.get_value());
        tried.set(false);
        restored.set(false);
    };
    let undo_discard = move |d: DemandDraft| {
        show(d);
        restored.set(true);
    };

    let st = env.with_value(|e| e.store.clone());
    let staff = Res::new(move || {
        let st = st.clone();
        async move { active_staff(&st).await }
    });

    let desc_err = move || {
        let chars = desc.with(|d| d.trim().chars().count());
        if tried.get() && chars == 0 {
            Some(lang.get().s("请填写需求内容", "Please describe the demand"))
        } else if chars > DESC_MAX {
            Some(if lang.get().is_zh() {
                format!("需求内容不超过{DESC_MAX}字（现{chars}字）")
            } else {
                format!("At most {DESC_MAX} characters ({chars} now)")
            })
        } else {
            None
        }
    };
    let due_parsed = move || -> Result<Option<u32>, String> {
        // A text box, not a number field: the binding wrote back the empty value a number
        // field reads while it holds "3." (on the way to 3.5), and the next digit went in
        // front of the 3. Full-width digits as typed by a Chinese input method are read too.
        let s = crate::domain::customer::ascii_digits(due_days.get().trim());
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<u32>() {
            Ok(n) if n <= 250 => Ok(Some(n)),
            _ => Err(lang.get().s(
                "请输入0到250之间的整数（工作日）",
                "Enter a whole number of working days from 0 to 250",
            )),
        }
    };
    let due_err = move || due_parsed().err();
    let due_date = move || {
        due_parsed().ok().flatten().map(|n| {
            state.calendar.track();
            env.with_value(|e| e.due_in(n, now().date()))
        })
    };
    let due_hint = move || {
        due_date().map(|d| {
            let zh = lang.get().is_zh();
            let default = due_days.get().trim() == DEFAULT_DUE_DAYS.to_string();
            match (zh, default) {
                (true, false) => format!("截止日期：{}", d.layout("%Y-%m-%d")),
                (true, true) => format!(
                    "截止日期：{}（问题处理应在7个工作日内完成）",
                    d.layout("%Y-%m-%d")
                ),
                (false, false) => format!("Due on {}", d.layout("%Y-%m-%d")),
                (false, true) => format!(
                    "Due on {} (problems are to be solved within 7 working days)",
                    d.layout("%Y-%m-%d")
                ),
            }
        })
    };

    let title = Signal::derive(move || match cell {
        Some(c) => format!(
            "{}{}",
            lang.get().t("新增需求 · ", "New demand · "),
            c.label(lang.get().is_zh())
        ),
        None => lang.get().t("登记客户需求", "Record a demand").to_string(),
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A second submit in the same moment (a script's two clicks) before the button is
        // disabled: one demand (QA: two, then a panic on the closed form).
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        save_error.set(None);
        let Some(user) = state.user.get_untracked() else {
            return;
        };
        if desc_err().is_some() || due_err().is_some() {
            return;
        }
        let zh = state.zh();
        let linked = customer.get_untracked();
        let input = NewDemand {
            kind: kind_of(&kind.get_untracked()).unwrap_or(DemandType::Other),
            description: desc.get_untracked(),
            urgency: urgency.get_untracked().parse().unwrap_or(3),
            importance: importance.get_untracked().parse().unwrap_or(3),
            intensity: level_of(&intensity.get_untracked()),
            service_cost: level_of(&cost.get_untracked()),
            customer: linked.as_ref().map(|c| (c.id.clone(), c.value)),
            customer_value: linked.is_none().then(|| level_of(&value.get_untracked())),
            owner: Some(owner.get_untracked()).filter(|o| !o.is_empty()),
            due: due_date(),
            stage: linked.as_ref().and_then(|c| c.stage.clone()),
        };
        let d = match Demand::create(new_id("demand"), input, &user.id, now()) {
            Ok(d) => d,
            Err(e) => {
                save_error.set(Some(e.message(zh)));
                return;
            }
        };
        busy.set(true);
        let env = env.get_value();
        spawn_local(async move {
            match env.create(&d).await {
                Ok(()) => {
                    let landed = d.cell(
                        cell.map_or(crate::domain::demand::MatrixView::Quadrant, |c| c.view()),
                        &rules,
                    );
                    let (zh_msg, en_msg) = match cell {
                        Some(c) if c != landed && d.kind == DemandType::AccountSecurity => (
                            format!(
                                "已记录需求；账户安全问题按规则列为最高优先级，它位于“{}”",
                                landed.label(true)
                            ),
                            format!(
                                "Demand recorded; account security ranks first by rule, so it sits in “{}”",
                                landed.label(false)
                            ),
                        ),
                        Some(c) if c != landed => (
                            format!("已记录需求；按客户价值，它位于“{}”", landed.label(true)),
                            format!(
                                "Demand recorded; by the customer's value it sits in “{}”",
                                landed.label(false)
                            ),
                        ),
                        _ => ("已记录需求".to_string(), "Demand recorded".to_string()),
                    };
                    local_remove(&key.get_value());
                    state.tell(zh_msg, en_msg);
                    on_close.run(());
                }
                Err(msg) => save_error.set(Some(msg)),
            }
            busy.set(false);
        });
    };

    let scale_options = move |label: fn(u8, bool) -> &'static str, current: RwSignal<String>| {
        (1..=5u8)
            .rev()
            .map(|n| {
                let selected = current.get_untracked() == n.to_string();
                view! { <option value=n.to_string() selected=selected>{move || label(n, lang.get().is_zh())}</option> }
            })
            .collect_view()
    };

    view! {
        <Modal id="demand-form" title=title on_close=on_close>
            {move || state.user.get().is_none().then(|| view! { <NeedUser/> })}
            {move || restored.get().then(|| view! {
                <div class="panel draft-banner row" data-testid="draft-restored" role="status">
                    <span>{t2("已恢复上次未保存的需求草稿。", "The unsaved draft of this demand was restored.")}</span>
                    <button type="button" on:click=discard data-testid="discard-draft">{t2("放弃草稿", "Discard draft")}</button>
                </div>
            })}
            {discarded.banner(undo_discard)}
            <form on:submit=submit novalidate class="dm-form"
                data-drafts-checked=move || drafts_checked.get().to_string()>
                <div class="fields">
                    <div class="field wide">
                        <label for="dm-customer">{t2("客户", "Customer")}</label>
                        <CustomerPicker chosen=customer/>
                    </div>
                    <Field id="dm-kind" label=t2("需求类型", "Type")>
                        <select id="dm-kind" bind:value=kind>
                            {DemandType::ALL.iter().map(|k| {
                                let k = *k;
                                view! { <option value=kind_key(k) selected=kind.get_untracked() == kind_key(k)>{move || k.label(lang.get().is_zh())}</option> }
                            }).collect_view()}
                        </select>
                    </Field>
                    <Field id="dm-owner" label=t2("负责人", "Owner")>
                        <select id="dm-owner" prop:value=move || owner.get()
                            on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">{t2("（未指定）", "(nobody yet)")}</option>
                            <Suspense fallback=|| ()>
                                {move || staff.get().map(|list| list.into_iter().map(|s| {
                                    let selected = owner.get_untracked() == s.id;
                                    view! { <option value=s.id.clone() selected=selected>{s.name.clone()}</option> }
                                }).collect_view())}
                            </Suspense>
                        </select>
                    </Field>
                    <Field id="dm-desc" required=true label=t2("需求内容", "Description") error=Signal::derive(desc_err) wide=true>
                        <textarea id="dm-desc" bind:value=desc data-autofocus=""
                            aria-describedby="dm-desc-err"></textarea>
                    </Field>
                    <Field id="dm-urgency" label=t2("紧急程度", "Urgency")>
                        <select id="dm-urgency" bind:value=urgency>{scale_options(urgency_label, urgency)}</select>
                    </Field>
                    <Field id="dm-importance" label=t2("重要程度", "Importance")>
                        <select id="dm-importance" bind:value=importance>{scale_options(importance_label, importance)}</select>
                    </Field>
                    <Field id="dm-intensity" label=t2("需求强度", "Demand intensity")>
                        <LevelSelect id="dm-intensity" value=intensity/>
                    </Field>
                    <Field id="dm-cost" label=t2("预计服务成本", "Estimated service cost")>
                        <LevelSelect id="dm-cost" value=cost/>
                    </Field>
                    <div class="field">
                        <label for="dm-value">{t2("客户价值", "Customer value")}</label>
                        {move || match customer.get() {
                            Some(c) => view! {
                                <input id="dm-value" readonly value=c.value.label(lang.get().is_zh())/>
                                <div class="hint">{t2("取自所选客户", "Taken from the customer")}</div>
                            }.into_any(),
                            None => view! { <LevelSelect id="dm-value" value=value/> }.into_any(),
                        }}
                    </div>
                    <Field id="dm-due" label=t2("几个工作日内完成", "Due in working days") error=Signal::derive(due_err)>
                        <input id="dm-due" inputmode="numeric" bind:value=due_days
                            placeholder=move || lang.get().t("不填则无截止日期", "Empty: no due date")/>
                        <div class="hint" data-testid="due-hint">{due_hint}</div>
                    </Field>
                </div>
                {move || save_error.get().map(|e| view! { <p class="err" role="alert">{e}</p> })}
                <div class="actions">
                    <button class="primary" type="submit" data-testid="demand-save"
                        disabled=move || busy.get() || state.user.get().is_none()>
                        {move || if busy.get() { t2("正在保存…", "Saving…")() } else { t2("保存需求", "Save demand")() }}
                    </button>
                    <button type="button" on:click=move |_| on_close.run(())>{t2("取消", "Cancel")}</button>
                </div>
            </form>
        </Modal>
    }
}
