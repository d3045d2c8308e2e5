//! The matrix board: the cells of the current view with their counts and ranked demand
//! cards, moved by mouse (HTML5 drag and drop), by touch (pointer events on the card's grip,
//! the target cell found with `elementFromPoint`), or by keyboard (M or "move to…").

use crate::domain::datefmt::Layout;
use chrono::Datelike;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::demand::{matrix, Demand, DemandType, MatrixCell, MatrixView};
use crate::ui::i18n::t2;
use crate::ui::platform::window;
use crate::ui::state::app;

use super::{Ctx, MoveReq, RULES};

/// A touch (or pen) drag in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct TouchDrag {
    pub id: String,
    pub label: String,
    pub pointer: i32,
    pub x0: f64,
    pub y0: f64,
    pub x: f64,
    pub y: f64,
    pub moved: bool,
}

/// The `data-cell` key of the matrix cell under a point of the viewport.
fn cell_at(x: f64, y: f64) -> Option<String> {
    let doc = window().document()?;
    let el = doc.element_from_point(x as f32, y as f32)?;
    let cell = el.closest("[data-cell]").ok()??;
    cell.get_attribute("data-cell")
}

/// Asks for a move of a demand to `target` (the reason dialog opens), unless it is there.
pub fn request_move(ctx: Ctx, id: String, target: MatrixCell) {
    let current = ctx.loaded.with_untracked(|l| {
        l.as_ref().and_then(|l| {
            l.demands
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.cell(target.view(), &RULES))
        })
    });
    if current == Some(target) {
        return;
    }
    ctx.moving.set(Some(MoveReq {
        id,
        target: Some(target),
    }));
}

#[component]
pub fn Board(ctx: Ctx) -> impl IntoView {
    let lang = app().lang;
    let cells = move || {
        let v = ctx.view.get();
        let zh = lang.get().is_zh();
        let today = app().today.get();
        ctx.shown.with(|ds| {
            matrix(ds, v, &RULES, true)
                .into_iter()
                .enumerate()
                .map(|(i, (cell, list))| {
                    let cards: Vec<Demand> = list.into_iter().cloned().collect();
                    cell_view(ctx, cell, i, cards, zh, today)
                })
                .collect_view()
        })
    };
    let axis = move || match ctx.view.get() {
        MatrixView::Quadrant => None,
        MatrixView::Grid => Some(view! {
            <p class="dm-axis small muted">
                {t2("行：客户价值（高→低）；列：需求强度（高→低）", "Rows: customer value (high → low); columns: demand intensity (high → low)")}
            </p>
        }),
    };
    view! {
        {axis}
        <div class=move || match ctx.view.get() {
                MatrixView::Quadrant => "dm-board dm-q",
                MatrixView::Grid => "dm-board dm-g",
            }
            data-testid="board">
            {cells}
        </div>
        {move || ctx.touch.get().filter(|t| t.moved).map(|t| view! {
            <div class="dm-ghost" aria-hidden="true" style=format!("left:{}px;top:{}px", t.x, t.y)>{t.label}</div>
        })}
    }
}

fn cell_view(
    ctx: Ctx,
    cell: MatrixCell,
    index: usize,
    cards: Vec<Demand>,
    zh: bool,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let key = cell.key();
    let key2 = key.clone();
    let key3 = key.clone();
    let heading = format!("dm-cell-h-{index}");
    let heading_ref = heading.clone();
    let n = cards.len();
    let label = cell.label(zh);
    let add_label = if zh {
        format!("在“{label}”新增需求")
    } else {
        format!("Add a demand in “{label}”")
    };
    let quadrant_class = match cell {
        MatrixCell::Quadrant(q) => {
            format!("dm-cell dm-cell-{}", cell.key().replace('.', "-"))
                + if q == crate::domain::demand::Quadrant::ImportantUrgent {
                    " dm-hot"
                } else {
                    ""
                }
        }
        MatrixCell::Grid(_) => format!("dm-cell dm-cell-{}", cell.key().replace('.', "-")),
    };
    view! {
        <section class=move || {
                if ctx.drop_target.get().as_deref() == Some(key3.as_str()) {
                    format!("{quadrant_class} dm-over")
                } else {
                    quadrant_class.clone()
                }
            }
            data-cell=key.clone() aria-labelledby=heading_ref
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                if let Some(dt) = ev.data_transfer() { dt.set_drop_effect("move"); }
                if ctx.drop_target.get_untracked().as_deref() != Some(key2.as_str()) {
                    ctx.drop_target.set(Some(key2.clone()));
                }
            }
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                ctx.drop_target.set(None);
                let id = ev.data_transfer()
                    .and_then(|dt| dt.get_data("text/plain").ok())
                    .filter(|s| s.starts_with("demand:"))
                    .or_else(|| ctx.dragging.get_untracked());
                ctx.dragging.set(None);
                if let Some(id) = id { request_move(ctx, id, cell); }
            }>
            <header class="dm-cell-head">
                <h2 id=heading>{label.clone()}</h2>
                <span class="dm-count" data-testid="cell-count" aria-label=if zh { format!("{n} 条") } else { format!("{n} demands") }>{n}</span>
                <button type="button" class="link dm-add" data-testid="cell-add" aria-label=add_label.clone() title=add_label
                    on:click=move |_| ctx.adding.set(Some(Some(cell)))>"+"</button>
            </header>
            <ol class="dm-cards">
                {cards.into_iter().map(|d| card_view(ctx, d, cell.view(), zh, today)).collect_view()}
            </ol>
        </section>
    }
}

fn card_view(
    ctx: Ctx,
    d: Demand,
    view: MatrixView,
    zh: bool,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let (customer, owner) = ctx.loaded.with_untracked(|l| {
        l.as_ref().map_or((String::new(), String::new()), |l| {
            (
                l.customer_name(d.customer_id.as_deref()),
                l.staff_name(d.owner.as_deref()),
            )
        })
    });
    let id = d.id.clone();
    let overdue = d.is_overdue(today);
    let manual = match view {
        MatrixView::Quadrant => d.override_quadrant.as_ref().map(|o| o.reason.clone()),
        MatrixView::Grid => d.override_grid.as_ref().map(|o| o.reason.clone()),
    };
    let security = d.kind == DemandType::AccountSecurity;
    let score = d.score(&RULES);
    let desc = d.description.clone();
    let label: String = desc.chars().take(24).collect();
    let mut class = String::from("dm-card");
    if overdue {
        class.push_str(" dm-overdue");
    }
    if !d.status.is_active() {
        class.push_str(" dm-closed");
    }
    // What the card shows, read out as one (QA: its badges and score were not).
    let mut aria = vec![d.kind.label(zh).to_string(), desc.clone()];
    if manual.is_some() {
        aria.push((if zh { "手动放置" } else { "placed by hand" }).into());
    }
    if overdue {
        aria.push((if zh { "逾期" } else { "overdue" }).into());
    }
    if !d.status.is_active() {
        aria.push(d.status.label(zh).to_string());
    }
    aria.push(if zh {
        format!("优先级评分 {score:.1}")
    } else {
        format!("priority score {score:.1}")
    });
    let aria = aria.join(" · ");
    let (id_drag, id_key, id_move, id_detail, id_down) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let label_down = label.clone();
    let manual_title = manual.clone().map(|r| {
        if zh {
            format!("手动放置：{r}")
        } else {
            format!("Placed by hand: {r}")
        }
    });
    view! {
        <li>
            <article class=class tabindex="0" draggable="true" data-id=id.clone() data-testid="demand-card"
                aria-label=aria
                aria-keyshortcuts="M Enter"
                on:dragstart=move |ev: leptos::ev::DragEvent| {
                    if let Some(dt) = ev.data_transfer() {
                        let _ = dt.set_data("text/plain", &id_drag);
                        dt.set_effect_allowed("move");
                    }
                    ctx.dragging.set(Some(id_drag.clone()));
                }
                on:dragend=move |_| { ctx.dragging.set(None); ctx.drop_target.set(None); }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() { return; }
                    let own = ev.target().zip(ev.current_target()).is_some_and(|(t, c)| t == c);
                    if !own { return; }
                    match ev.key().as_str() {
                        "m" | "M" => { ev.prevent_default(); ctx.moving.set(Some(MoveReq { id: id_key.clone(), target: None })); }
                        "Enter" => { ev.prevent_default(); ctx.detail.set(Some(id_key.clone())); }
                        _ => {}
                    }
                }>
                <div class="dm-card-top">
                    <span class="dm-grip" aria-hidden="true" data-testid="drag-grip"
                        on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                            if ev.pointer_type() == "mouse" { return; }
                            ev.prevent_default();
                            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                let _ = el.set_pointer_capture(ev.pointer_id());
                            }
                            let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                            ctx.touch.set(Some(TouchDrag { id: id_down.clone(), label: label_down.clone(),
                                pointer: ev.pointer_id(), x0: x, y0: y, x, y, moved: false }));
                        }
                        on:pointermove=move |ev: leptos::ev::PointerEvent| {
                            let Some(mut t) = ctx.touch.get_untracked() else { return };
                            if t.pointer != ev.pointer_id() { return; }
                            ev.prevent_default();
                            t.x = f64::from(ev.client_x());
                            t.y = f64::from(ev.client_y());
                            t.moved = t.moved || (t.x - t.x0).abs() + (t.y - t.y0).abs() > 8.0;
                            if t.moved {
                                let over = cell_at(t.x, t.y);
                                if ctx.drop_target.get_untracked() != over { ctx.drop_target.set(over); }
                            }
                            ctx.touch.set(Some(t));
                        }
                        on:pointerup=move |ev: leptos::ev::PointerEvent| {
                            let Some(t) = ctx.touch.get_untracked() else { return };
                            if t.pointer != ev.pointer_id() { return; }
                            ctx.touch.set(None);
                            ctx.drop_target.set(None);
                            if !t.moved { return; }
                            let target = cell_at(f64::from(ev.client_x()), f64::from(ev.client_y()))
                                .and_then(|k| MatrixCell::from_key(&k));
                            if let Some(cell) = target { request_move(ctx, t.id, cell); }
                        }
                        on:pointercancel=move |_| { ctx.touch.set(None); ctx.drop_target.set(None); }>
                        "⠿"
                    </span>
                    <span class=if security { "badge bad" } else { "badge" }>{d.kind.label(zh)}</span>
                    {manual.is_some().then(|| view! {
                        <span class="badge warn" data-testid="manual-badge" title=manual_title.clone().unwrap_or_default()>
                            {if zh { "手动" } else { "manual" }}
                        </span>
                    })}
                    {overdue.then(|| view! { <span class="badge bad" data-testid="overdue-badge">{if zh { "逾期" } else { "overdue" }}</span> })}
                    {(!d.status.is_active()).then(|| view! { <span class="badge">{d.status.label(zh)}</span> })}
                    <span class="dm-score small muted" title=if zh { "优先级评分" } else { "Priority score" }>{format!("{score:.1}")}</span>
                </div>
                <p class="dm-desc">{desc.clone()}</p>
                {manual.map(|r| view! { <p class="dm-reason small" data-testid="manual-reason">{r}</p> })}
                <div class="dm-meta small muted">
                    {(!customer.is_empty()).then(|| view! { <span>{customer.clone()}</span> })}
                    {(!owner.is_empty()).then(|| view! { <span>{format!("{}{owner}", if zh { "负责：" } else { "Owner: " })}</span> })}
                    {d.due.map(|due| view! { <span>{format!("{}{}", if zh { "截止 " } else { "Due " }, due.layout(if due.year() == today.year() { "%m-%d" } else { "%Y-%m-%d" }))}</span> })}
                </div>
                <div class="dm-card-actions">
                    <button type="button" class="link" aria-haspopup="dialog" data-testid="move-button"
                        on:click=move |_| ctx.moving.set(Some(MoveReq { id: id_move.clone(), target: None }))>
                        {if zh { "移动到…" } else { "Move to…" }}
                    </button>
                    <button type="button" class="link" aria-haspopup="dialog" data-testid="detail-button"
                        on:click=move |_| ctx.detail.set(Some(id_detail.clone()))>
                        {if zh { "详情" } else { "Details" }}
                    </button>
                </div>
            </article>
        </li>
    }
}
