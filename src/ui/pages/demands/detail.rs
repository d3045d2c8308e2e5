//! One demand in a dialog: its properties, where it sits in both views (automatic or by
//! hand, with the reason and a reset), its status moves (drop needs a reason), its links,
//! handing it on (转办: another owner, another due date), the conversions (complaint,
//! return-visit task) and the append-only history. A demand that
//! leaves the list's filter while open (done or dropped, here or in another tab) stays shown,
//! as stored now.

use crate::domain::datefmt::Layout;
use std::collections::HashMap;

use crate::ui::components::ConflictBanner;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::care::CareTask;

use crate::domain::demand::{
    Demand, DemandEventKind, DemandLink, DemandStatus, DemandType, MatrixCell, MatrixView, Override,
};
use crate::store::revs::generation;
use crate::ui::i18n::t2;
use crate::ui::platform::{focus_id, keep_focus_on, now};
use crate::ui::state::app;

use super::data::{Loaded, Visit};
use super::dialog::{Modal, NeedUser};
use super::move_dialog::focus_card_later;
use super::{Ctx, MoveReq, RULES};

fn event_text(k: &DemandEventKind, zh: bool) -> String {
    match k {
        DemandEventKind::Created => (if zh { "登记需求" } else { "Recorded" }).into(),
        DemandEventKind::StatusChanged { from, to } => {
            let mut s = if zh {
                format!("状态：{} → {}", from.label(true), to.label(true))
            } else {
                format!("Status: {} → {}", from.label(false), to.label(false))
            };
            if let DemandStatus::Dropped { reason } = to {
                s.push_str(&format!(" ({reason})"));
            }
            s
        }
        DemandEventKind::OverrideSet { cell, reason } => {
            if zh {
                format!("手动移到“{}”，原因：{reason}", cell.label(true))
            } else {
                format!("Moved by hand to “{}”; reason: {reason}", cell.label(false))
            }
        }
        DemandEventKind::OverrideReset { view } => {
            if zh {
                format!("{}视图恢复自动放置", view.label(true))
            } else {
                format!("{} view back to automatic placement", view.label(false))
            }
        }
        DemandEventKind::CustomerLinked { value, .. } => {
            if zh {
                format!("关联客户（价值{}）", value.label(true))
            } else {
                format!("Customer linked (value {})", value.label(false))
            }
        }
        DemandEventKind::CustomerValueChanged { from, to } => {
            if zh {
                format!("客户价值：{} → {}", from.label(true), to.label(true))
            } else {
                format!(
                    "Customer value: {} → {}",
                    from.label(false),
                    to.label(false)
                )
            }
        }
        DemandEventKind::Linked(l) => {
            let (before, text, _) = link_parts(l, zh, &HashMap::new(), None);
            format!("{before}{text}")
        }
        // Shown with the staff's names by the history (see `handed_on_text`).
        DemandEventKind::Reassigned { .. } => (if zh { "转办" } else { "Handed on" }).into(),
        DemandEventKind::DueChanged { from, to } => {
            let day = |d: &Option<chrono::NaiveDate>| {
                d.map_or_else(|| "—".into(), |d| d.layout("%Y-%m-%d"))
            };
            if zh {
                format!("截止日期：{} → {}", day(from), day(to))
            } else {
                format!("Due: {} → {}", day(from), day(to))
            }
        }
    }
}

/// A change of owner in the history, by the staff's names.
fn handed_on_text(from: Option<&str>, to: Option<&str>, l: &Loaded, zh: bool) -> String {
    let name = |id: Option<&str>| match l.staff_name(id) {
        n if n.is_empty() => (if zh { "无" } else { "nobody" }).to_string(),
        n => n,
    };
    if zh {
        format!("转办：{} → {}", name(from), name(to))
    } else {
        format!("Handed on: {} → {}", name(from), name(to))
    }
}

/// A return-visit task as staff know it: "计划回访 2026-12-07", from the due date its id
/// ends with (readable before the task is synced), never the raw id.
fn visit_label(task_id: &str, zh: bool) -> String {
    match CareTask::due_of_id(task_id) {
        Some(due) if zh => format!("计划回访 {}", due.layout("%Y-%m-%d")),
        Some(due) => format!("Return visit planned for {}", due.layout("%Y-%m-%d")),
        None if zh => "回访任务".into(),
        None => "Return visit".into(),
    }
}

/// What a link says — the words before it, the link's text, where it goes: a complaint by
/// its case number (`cases`, read from the complaint; until it is synced here, in words),
/// a return visit by its planned date, to the customer's timeline (or the care page).
fn link_parts(
    l: &DemandLink,
    zh: bool,
    cases: &HashMap<String, String>,
    customer: Option<&str>,
) -> (&'static str, String, String) {
    match l {
        DemandLink::Complaint(id) => (
            if zh {
                "已转为投诉 "
            } else {
                "Converted to complaint "
            },
            cases.get(id).cloned().unwrap_or_else(|| {
                (if zh {
                    "（案件尚未同步到本设备）"
                } else {
                    "(case not synced to this device yet)"
                })
                .to_string()
            }),
            format!("/complaints/{id}"),
        ),
        DemandLink::ReturnVisit(id) => (
            "",
            visit_label(id, zh),
            customer.map_or_else(|| "/care".to_string(), |c| format!("/customers/{c}")),
        ),
    }
}

fn link_view(
    l: &DemandLink,
    zh: bool,
    cases: &HashMap<String, String>,
    customer: Option<&str>,
) -> impl IntoView {
    let (before, text, href) = link_parts(l, zh, cases, customer);
    view! { {before}<A href=href>{text}</A> }
}

fn placement(d: &Demand, view: MatrixView) -> (MatrixCell, Option<(String, String)>) {
    let o = match view {
        MatrixView::Quadrant => d
            .override_quadrant
            .as_ref()
            .map(|o: &Override<_>| (o.reason.clone(), o.by.clone())),
        MatrixView::Grid => d
            .override_grid
            .as_ref()
            .map(|o: &Override<_>| (o.reason.clone(), o.by.clone())),
    };
    (d.cell(view, &RULES), o)
}

/// Why the dialog shows the demand it shows.
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    /// In the list, as the filter has it.
    Listed,
    /// Out of the filter after this dialog's own action (done, dropped), as that action left it.
    Acted,
    /// Out of the filter after a change made elsewhere (another tab, another device), as
    /// stored now.
    ChangedElsewhere,
}

#[component]
pub fn DetailDialog(ctx: Ctx, id: String) -> impl IntoView {
    let banner_id = id.clone();
    let state = app();
    let lang = state.lang;
    let error = RwSignal::new(None::<String>);
    let drop_reason = RwSignal::new(String::new());
    let dropping = RwSignal::new(false);
    // A drop's reason being typed is kept over a reload (per demand and tab): the details
    // opened again show it, under 放弃… opened for it. A status change saved drops it.
    let drop_kept = crate::ui::components::keep_typed(
        &format!("kefu.demands.drop-reason.{id}"),
        vec![("reason", drop_reason)],
    );
    if !drop_reason.get_untracked().is_empty() {
        dropping.set(true);
    }
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let lookup = id.clone();
    // The demand as this dialog's last action left it: shown while it is out of the list's
    // filter (marked done or dropped under "active"), so the result can be seen and undone.
    let acted = RwSignal::new(None::<Demand>);
    // The demand as stored, read when the list no longer has it: changed elsewhere (another
    // tab, another device) so that it left the filter, it stays shown as it is now.
    let stored = RwSignal::new(None::<Demand>);
    let lookup_stored = lookup.clone();
    Effect::new(move |_| {
        let listed = ctx.loaded.with(|l| {
            l.as_ref()
                .map(|l| l.demands.iter().any(|d| d.id == lookup_stored))
        });
        if listed != Some(false) {
            return;
        }
        let env = ctx.env.get_value();
        let id = lookup_stored.clone();
        spawn_local(async move {
            if let Ok(d) = crate::store::typed::load::<Demand, _>(&env.store, &id).await {
                stored.try_set(Some(d));
            }
        });
    });
    // The case numbers of the complaints the demand is linked to, by complaint id.
    let cases = RwSignal::new(HashMap::<String, String>::new());
    let found = move || -> Option<(Demand, Loaded, Shown)> {
        ctx.loaded.with(|l| {
            let l = l.as_ref()?;
            if let Some(d) = l.demands.iter().find(|d| d.id == lookup) {
                return Some((d.clone(), l.clone(), Shown::Listed));
            }
            let own = acted.get().filter(|d| d.id == lookup);
            let now = stored.get().filter(|d| d.id == lookup);
            let gen = |d: &Demand| d.rev.as_deref().map_or(0, generation);
            match (own, now) {
                // Saved again elsewhere after this dialog's own action.
                (Some(a), Some(n)) if gen(&n) > gen(&a) => {
                    Some((n, l.clone(), Shown::ChangedElsewhere))
                }
                // This dialog's own action took it out of the filter.
                (Some(a), _) => Some((a, l.clone(), Shown::Acted)),
                (None, Some(n)) => Some((n, l.clone(), Shown::ChangedElsewhere)),
                (None, None) => None,
            }
        })
    };
    let found_links = found.clone();
    Effect::new(move |_| {
        let missing: Vec<String> = found_links()
            .map(|(d, _, _)| {
                d.links
                    .iter()
                    .filter_map(|l| match l {
                        DemandLink::Complaint(c) => Some(c.clone()),
                        DemandLink::ReturnVisit(_) => None,
                    })
                    .filter(|c| cases.with_untracked(|k| !k.contains_key(c)))
                    .collect()
            })
            .unwrap_or_default();
        if missing.is_empty() {
            return;
        }
        let env = ctx.env.get_value();
        spawn_local(async move {
            let got = env.case_numbers(missing).await;
            if !got.is_empty() {
                cases.try_update(|k| k.extend(got));
            }
        });
    });
    let close_id = id.clone();
    let close = Callback::new(move |_: ()| {
        ctx.detail.set(None);
        focus_card_later(close_id.clone(), None);
    });
    let title = Signal::derive(move || lang.get().t("需求详情", "Demand").to_string());

    let run = move |id: String, to: DemandStatus| {
        busy.set(true);
        // Its button is disabled meanwhile, and may go: the keyboard stays in the dialog.
        keep_focus_on("#demand-detail-h".to_string());
        error.set(None);
        let env = ctx.env.get_value();
        spawn_local(async move {
            match env.update(&id, |d, by| d.transition(to, by, now())).await {
                Ok(d) => {
                    dropping.set(false);
                    drop_reason.set(String::new());
                    drop_kept.saved();
                    acted.set(Some(d.clone()));
                    state.tell(
                        format!("状态已改为“{}”", d.status.label(true)),
                        format!("Status now “{}”", d.status.label(false)),
                    );
                }
                Err(msg) => error.set(Some(msg)),
            }
            busy.set(false);
        });
    };
    // The hand-on form: what its user chose, and the demand's owner and due date they chose
    // from (`seen`, with the demand's id). Out of the view that is rebuilt with each change of
    // the demand, so that a change saved elsewhere meanwhile does not throw the choice away.
    let ho_owner = RwSignal::new(String::new());
    let ho_due = RwSignal::new(String::new());
    let ho_seen = StoredValue::new(None::<(String, String, String)>);
    let hand_on = move |id: String| {
        let (owner, due) = (ho_owner.get_untracked(), ho_due.get_untracked());
        let due = match due.trim() {
            "" => None,
            s => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    error.set(Some(
                        lang.get_untracked().s("截止日期格式不正确", "Not a date"),
                    ));
                    return;
                }
            },
        };
        let seen = ho_seen.get_value().map(|(_, o, d)| {
            let date = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok();
            (Some(o).filter(|o| !o.is_empty()), date)
        });
        let Some(seen) = seen else { return };
        let owner = Some(owner).filter(|o| !o.is_empty());
        busy.set(true);
        // Its button is disabled meanwhile, and may go: the keyboard stays in the dialog.
        keep_focus_on("#demand-detail-h".to_string());
        error.set(None);
        let env = ctx.env.get_value();
        spawn_local(async move {
            let mut changed = false;
            let mut had = None;
            match env
                .update(&id, |d, by| {
                    had = Some((d.owner.clone().unwrap_or_default(), shown_date(d.due)));
                    changed = d.hand_on(&seen, owner, due, by, now())?;
                    Ok(())
                })
                .await
            {
                Ok(d) if changed => {
                    ho_seen.set_value(None);
                    acted.set(Some(d));
                    state.tell("已转办", "Handed on");
                }
                Ok(_) => state.tell("负责人和截止日期未改变", "Owner and due date unchanged"),
                Err(msg) => {
                    // What it has now is what the next try is chosen from (the user has seen it).
                    if let Some((o, d)) = had {
                        ho_seen.update_value(|s| {
                            if let Some(s) = s.as_mut() {
                                (s.1, s.2) = (o, d);
                            }
                        });
                    }
                    error.set(Some(msg));
                }
            }
            busy.set(false);
        });
    };
    let reset = move |id: String, view: MatrixView| {
        busy.set(true);
        // Its button is disabled meanwhile, and may go: the keyboard stays in the dialog.
        keep_focus_on("#demand-detail-h".to_string());
        let env = ctx.env.get_value();
        spawn_local(async move {
            match env
                .update(&id, |d, by| {
                    d.reset_override(view, by, now());
                    Ok(())
                })
                .await
            {
                Ok(_) => state.tell("已恢复自动放置", "Back to automatic placement"),
                Err(msg) => error.set(Some(msg)),
            }
            busy.set(false);
        });
    };
    let visit = move |id: String| {
        busy.set(true);
        // Its button is disabled meanwhile, and may go: the keyboard stays in the dialog.
        keep_focus_on("#demand-detail-h".to_string());
        let env = ctx.env.get_value();
        spawn_local(async move {
            match env.return_visit(&id).await {
                Ok(Visit::Created(task)) => state.tell(
                    format!("已生成回访任务：{}", visit_label(&task, true)),
                    format!("Return visit created: {}", visit_label(&task, false)),
                ),
                Ok(Visit::Exists(task)) => state.tell(
                    format!(
                        "该需求已有回访任务（{}），未重复生成",
                        visit_label(&task, true)
                    ),
                    format!(
                        "This demand already has a return visit ({}); no second one was created",
                        visit_label(&task, false)
                    ),
                ),
                Err(msg) => error.set(Some(msg)),
            }
            busy.set(false);
        });
    };

    view! {
        <Modal id="demand-detail" title=title on_close=close read_first=true>
            {move || state.user.get().is_none().then(|| view! { <NeedUser/> })}
            // Two devices changed it differently (QA: only the case and customer pages said).
            <ConflictBanner id=banner_id/>
            {move || {
                let navigate = navigate.clone();
                let Some((d, l, shown)) = found() else {
                    return view! { <p class="muted">{t2("该需求不在当前筛选中", "This demand is not in the current filter")}</p> }.into_any();
                };
                let zh = lang.get().is_zh();
                let id = d.id.clone();
                let customer = l.customer_name(d.customer_id.as_deref());
                let tier = d.customer_id.as_ref().and_then(|c| l.customers.get(c)).map(|c| c.tier.label(zh));
                let status = d.status.clone();
                let no_user = state.user.get().is_none();
                let security = d.kind == DemandType::AccountSecurity;
                let placements = MatrixView::ALL.iter().map(|v| {
                    let v = *v;
                    let (cell, hand) = placement(&d, v);
                    let id_reset = id.clone();
                    let id_move = id.clone();
                    let current_view = ctx.view.get_untracked() == v;
                    view! {
                        <tr data-testid=format!("placement-{}", if v == MatrixView::Grid { "grid" } else { "quadrant" })>
                            <th scope="row">{v.label(zh)}</th>
                            <td data-label=if zh { "所在格" } else { "Cell" }>{cell.label(zh)}</td>
                            <td class="wide" data-label=if zh { "放置方式" } else { "Placed" }>{match hand.clone() {
                                Some((reason, by)) => view! {
                                    <span class="badge warn">{if zh { "手动" } else { "manual" }}</span>
                                    " " <span data-testid="override-reason">{reason}</span>
                                    <span class="small muted">{format!(" · {}", l.staff_name(Some(&by)))}</span>
                                }.into_any(),
                                None if security => view! { <span class="muted" data-testid="security-rule">{if zh { "自动（账户安全问题按规则列为最高优先级）" } else { "automatic (account security ranks first by rule)" }}</span> }.into_any(),
                                None => view! { <span class="muted">{if zh { "自动" } else { "automatic" }}</span> }.into_any(),
                            }}</td>
                            <td class="wide">
                                {hand.is_some().then(|| view! {
                                    <button type="button" data-testid="reset-override" disabled=move || busy.get() || no_user
                                        on:click=move |_| reset(id_reset.clone(), v)>{if zh { "恢复自动" } else { "Reset to automatic" }}</button>
                                })}
                                {current_view.then(|| view! {
                                    <button type="button" class="link" on:click=move |_| {
                                        ctx.detail.set(None);
                                        ctx.moving.set(Some(MoveReq { id: id_move.clone(), target: None }));
                                    }>{if zh { "移动到…" } else { "Move to…" }}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view();
                let actions: Vec<(DemandStatus, &'static str, &'static str)> = match status {
                    DemandStatus::Open => vec![(DemandStatus::InProgress, "开始处理", "Start"), (DemandStatus::Done, "完成", "Done")],
                    DemandStatus::InProgress => vec![(DemandStatus::Done, "完成", "Done"), (DemandStatus::Open, "退回待处理", "Back to open")],
                    _ => vec![(DemandStatus::Open, "重新打开", "Reopen")],
                };
                let can_drop = d.status.is_active();
                let id_drop = id.clone();
                let id_visit = id.clone();
                let id_complaint = id.clone();
                let converted = d.complaint().is_some();
                let customer_id = d.customer_id.clone();
                let known = cases.get();
                view! {
                    {match shown {
                        Shown::Listed => None,
                        Shown::Acted => Some(view! {
                            <p class="small muted" data-testid="detail-unlisted">{t2(
                                "此需求已不在当前筛选中，关闭后将不再显示于列表。",
                                "This demand is no longer in the current filter; the list will not show it after you close this.",
                            )}</p>
                        }.into_any()),
                        Shown::ChangedElsewhere => Some(view! {
                            <p class="warn-box" role="status" data-testid="detail-changed-elsewhere">{if zh {
                                format!("他人已更新此需求（现为“{}”），它已不在当前筛选中；以下为最新内容，关闭后将不再显示于列表。", d.status.label(true))
                            } else {
                                format!("Someone else updated this demand (now “{}”); it is no longer in the current filter. Shown below as it is now; the list will not show it after you close this.", d.status.label(false))
                            }}</p>
                        }.into_any()),
                    }}
                    <p class="dm-desc" data-testid="detail-desc">{d.description.clone()}</p>
                    <dl class="dm-dl">
                        <dt>{t2("类型", "Type")}</dt><dd>{d.kind.label(zh)}</dd>
                        <dt>{t2("状态", "Status")}</dt><dd data-testid="detail-status">{d.status.label(zh)}
                            {match &d.status { DemandStatus::Dropped { reason } if zh => format!("（{reason}）"), DemandStatus::Dropped { reason } => format!(" ({reason})"), _ => String::new() }}</dd>
                        <dt>{t2("客户", "Customer")}</dt><dd>{if customer.is_empty() { "—".to_string() } else { format!("{customer}{}", tier.map(|t| format!(" · {t}")).unwrap_or_default()) }}</dd>
                        <dt>{t2("紧急 / 重要", "Urgency / importance")}</dt><dd>{format!("{} / {}", d.urgency, d.importance)}</dd>
                        <dt>{t2("客户价值 / 需求强度 / 服务成本", "Value / intensity / cost")}</dt>
                        <dd>{format!("{} / {} / {}", d.customer_value.label(zh), d.intensity.label(zh), d.service_cost.label(zh))}</dd>
                        <dt>{t2("优先级评分", "Priority score")}</dt><dd>{format!("{:.1}", d.score(&RULES))}</dd>
                        <dt>{t2("负责人", "Owner")}</dt><dd>{let o = l.staff_name(d.owner.as_deref()); if o.is_empty() { "—".to_string() } else { o }}</dd>
                        <dt>{t2("截止日期", "Due")}</dt><dd>{d.due.map(|x| x.layout("%Y-%m-%d")).unwrap_or_else(|| "—".into())}
                            {d.is_overdue(state.today.get()).then(|| view! { " " <span class="badge bad">{if zh { "逾期" } else { "overdue" }}</span> })}</dd>
                    </dl>
                    <h3>{t2("矩阵位置", "Placement")}</h3>
                    <div class="table-wrap"><table class="dm-place stack">
                        <thead><tr>
                            <th scope="col">{t2("视图", "View")}</th><th scope="col">{t2("所在格", "Cell")}</th>
                            <th scope="col">{t2("放置方式", "Placed")}</th><th scope="col"><span class="dm-sr">{t2("操作", "Actions")}</span></th>
                        </tr></thead>
                        <tbody>{placements}</tbody>
                    </table></div>
                    <h3>{t2("处理", "Handling")}</h3>
                    <div class="actions">
                        {actions.into_iter().map(|(to, z, e)| {
                            let id = id.clone();
                            view! { <button type="button" disabled=move || busy.get() || no_user
                                on:click=move |_| run(id.clone(), to.clone())>{if zh { z } else { e }}</button> }
                        }).collect_view()}
                        {can_drop.then(|| view! {
                            <button type="button" class="danger" disabled=move || busy.get() || no_user
                                on:click=move |_| {
                                    dropping.set(true);
                                    request_animation_frame(|| focus_id("dm-drop-reason"));
                                }>{if zh { "放弃…" } else { "Drop…" }}</button>
                        })}
                    </div>
                    {move || dropping.get().then(|| {
                        let id = id_drop.clone();
                        view! {
                            <div class="field">
                                <label for="dm-drop-reason">{t2("放弃原因（必填）", "Why it is dropped (required)")}</label>
                                <input id="dm-drop-reason" bind:value=drop_reason aria-describedby="dm-error"
                                    aria-invalid=move || (error.get().is_some() && drop_reason.get().trim().is_empty()).then_some("true")/>
                            </div>
                            <div class="actions">
                                <button type="button" class="danger" on:click=move |_| run(id.clone(), DemandStatus::Dropped { reason: drop_reason.get_untracked() })>
                                    {t2("确认放弃", "Drop it")}
                                </button>
                            </div>
                        }
                    })}
                    <h3>{t2("转办", "Hand on")}</h3>
                    {can_drop.then(|| {
                        // Another owner or due date, from what the demand has now, unless its
                        // user has already chosen something else.
                        let (has_owner, has_due) = (d.owner.clone().unwrap_or_default(), shown_date(d.due));
                        // Per field: one its user has not changed follows the demand.
                        let (keep_owner, keep_due) = ho_seen.with_value(|s| match s {
                            Some((of, o, due)) if *of == d.id => {
                                (ho_owner.get_untracked() != *o, ho_due.get_untracked() != *due)
                            }
                            _ => (false, false),
                        });
                        let (mut seen_owner, mut seen_due) = ho_seen
                            .get_value()
                            .filter(|s| s.0 == d.id)
                            .map(|s| (s.1, s.2))
                            .unwrap_or_default();
                        if !keep_owner {
                            ho_owner.set(has_owner.clone());
                            seen_owner = has_owner;
                        }
                        if !keep_due {
                            ho_due.set(has_due.clone());
                            seen_due = has_due;
                        }
                        ho_seen.set_value(Some((d.id.clone(), seen_owner, seen_due)));
                        let (owner, due) = (ho_owner, ho_due);
                        let id = id.clone();
                        let staff: Vec<(String, String)> = l.staff.iter()
                            .filter(|s| s.active || d.owner.as_deref() == Some(s.id.as_str()))
                            .map(|s| (s.id.clone(), if zh { format!("{}（{}）", s.name, s.role.zh()) } else { format!("{} ({})", s.name, s.role.en()) }))
                            .collect();
                        view! {
                            <div class="fields dm-hand-on" data-testid="hand-on-form">
                                <div class="field">
                                    <label for="dm-owner">{t2("负责人", "Owner")}</label>
                                    <select id="dm-owner" bind:value=owner>
                                        <option value="">{t2("— 无 —", "— nobody —")}</option>
                                        {staff.into_iter().map(|(v, label)| view! { <option value=v>{label}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="dm-due-date">{t2("截止日期", "Due")}</label>
                                    <input id="dm-due-date" type="date" bind:value=due/>
                                    // Demands fall due on working days (the new-demand form counts them).
                                    {move || {
                                        let d = chrono::NaiveDate::parse_from_str(&due.get(), "%Y-%m-%d").ok()?;
                                        state.calendar.with(|c| !c.is_working_day(d)).then(|| view! {
                                            <div class="hint" data-testid="hand-on-due-off">{t2(
                                                "该日期不是工作日（周末或节假日），请确认。",
                                                "That date is not a working day (a weekend or holiday): check it.",
                                            )}</div>
                                        })
                                    }}
                                </div>
                            </div>
                            <div class="actions">
                                <button type="button" data-testid="hand-on" disabled=move || busy.get() || no_user
                                    on:click=move |_| hand_on(id.clone())>
                                    {t2("保存转办", "Hand on")}
                                </button>
                            </div>
                        }
                    })}
                    <div class="actions">
                        {if converted {
                            view! { <p class="small muted" data-testid="converted">{t2(
                                "该需求已转为投诉（见下方案件），不再重复转为投诉。",
                                "This demand has been converted to a complaint (the case is below); it is not converted again.",
                            )}</p> }.into_any()
                        } else {
                            view! { <button type="button" data-testid="to-complaint" on:click=move |_| {
                                navigate(&format!("/complaints/new?from_demand={id_complaint}"), Default::default());
                            }>{t2("转为投诉…", "Convert to complaint…")}</button> }.into_any()
                        }}
                        <button type="button" data-testid="to-visit" disabled=move || busy.get() || no_user
                            on:click=move |_| visit(id_visit.clone())>{t2("生成回访任务", "Create return visit")}</button>
                    </div>
                    {(!d.links.is_empty()).then(|| view! {
                        <ul class="dm-links" data-testid="links">
                            {d.links.iter().map(|k| view! { <li>{link_view(k, zh, &known, customer_id.as_deref())}</li> }).collect_view()}
                        </ul>
                    })}
                    {move || error.get().map(|e| view! { <p class="err" role="alert" id="dm-error">{e}</p> })}
                    <h3>{t2("记录", "History")}</h3>
                    <ol class="timeline" data-testid="history">
                        {d.history.iter().rev().map(|e| view! {
                            <li>
                                <span class="small muted">{format!("{} · {} · ", e.at.layout("%Y-%m-%d %H:%M"), l.staff_name(Some(&e.by)))}</span>
                                {match &e.kind {
                                    DemandEventKind::Linked(k) => link_view(k, zh, &known, customer_id.as_deref()).into_any(),
                                    DemandEventKind::Reassigned { from, to } => handed_on_text(from.as_deref(), to.as_deref(), &l, zh).into_any(),
                                    k => event_text(k, zh).into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </Modal>
    }
}

/// A due date as the hand-on form's date field holds it ("" for none).
fn shown_date(due: Option<chrono::NaiveDate>) -> String {
    due.map(|x| x.layout("%Y-%m-%d")).unwrap_or_default()
}
