//! Moving a demand by hand: choose the target cell (buttons laid out like the matrix, arrow
//! keys move between them) unless a drag already chose it, then give the reason the
//! override needs. The override is saved with who and when and goes into the history.
//! The move is saved over the revision of the demand the user saw: when it was saved
//! elsewhere meanwhile (another tab or device), the dialog shows where it is now and the move
//! is refused once, in words, with the reason kept, so that it is confirmed again knowingly.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::domain::demand::{Demand, MatrixCell, MatrixView};
use crate::domain::opened_on::OpenedOn;
use crate::ui::i18n::t2;
use crate::ui::platform::{focus_id, now, window};
use crate::ui::state::app;

use super::data::SaveError;
use super::dialog::{Modal, NeedUser};
use super::{Ctx, MoveReq, RULES};

/// Focuses the card of a demand once it shows, in cell `in_cell` (a cell key) when given
/// (after a move, once the store change is read back and the board redrawn).
pub fn focus_card_later(id: String, in_cell: Option<String>) {
    spawn_local(async move {
        for _ in 0..30 {
            gloo_timers::future::TimeoutFuture::new(100).await;
            let sel = match &in_cell {
                Some(c) => format!("[data-cell=\"{c}\"] [data-id=\"{id}\"]"),
                None => format!("[data-id=\"{id}\"]"),
            };
            if let Some(el) = window()
                .document()
                .and_then(|d| d.query_selector(&sel).ok().flatten())
            {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                return;
            }
        }
    });
}

#[component]
pub fn MoveDialog(ctx: Ctx, req: MoveReq) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let id = req.id.clone();
    let target = RwSignal::new(req.target);
    let chosen_by_drag = req.target.is_some();
    let reason = RwSignal::new(String::new());
    // The reason being typed is kept over a reload (per demand and tab), and is there when the
    // move is asked again; a move saved, or the dialog closed, drops it.
    let kept = crate::ui::components::keep_typed(
        &format!("kefu.demands.move-reason.{id}"),
        vec![("reason", reason)],
    );
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let view_now = ctx.view.get_untracked();
    let cols: usize = match view_now {
        MatrixView::Quadrant => 2,
        MatrixView::Grid => 3,
    };
    let cells = MatrixCell::all(view_now);
    let n = cells.len();
    // The demand as read when a save was refused as stale: shown if the list no longer has it
    // (dropped or done elsewhere, outside the filter).
    let refused_on = RwSignal::new(None::<Demand>);
    let id_for_lookup = id.clone();
    // The demand as it is now: the list follows every save, here or in another tab.
    let demand = Memo::new(move |_| {
        ctx.loaded
            .with(|l| {
                l.as_ref()
                    .and_then(|l| l.demands.iter().find(|d| d.id == id_for_lookup).cloned())
            })
            .or_else(|| refused_on.get())
    });
    // The revision the user saw when the dialog opened; after a refusal, the one then shown.
    let opened_on = StoredValue::new(OpenedOn::new(
        demand
            .with_untracked(|d| d.as_ref().and_then(|d| d.rev.clone()))
            .as_deref(),
    ));
    // Where the demand is now in this view (it follows a move made elsewhere).
    let current = Memo::new(move |_| demand.with(|d| d.as_ref().map(|d| d.cell(view_now, &RULES))));
    let close_id = id.clone();
    let close = Callback::new(move |_: ()| {
        kept.saved();
        ctx.moving.set(None);
        focus_card_later(close_id.clone(), None);
    });
    let title = Signal::derive(move || {
        lang.get()
            .t("手动移动需求", "Move a demand by hand")
            .to_string()
    });

    let choose = move |cell: MatrixCell| {
        if Some(cell) == current.get_untracked() {
            error.set(Some(lang.get_untracked().s(
                "需求已在这一格，请选择其他格",
                "The demand is already in this cell: choose another",
            )));
        } else {
            error.set(None);
            target.set(Some(cell));
        }
    };
    let on_arrows = move |ev: leptos::ev::KeyboardEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(i) = el
            .get_attribute("data-index")
            .and_then(|s| s.parse::<usize>().ok())
        else {
            return;
        };
        let next = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % n,
            "ArrowLeft" => (i + n - 1) % n,
            "ArrowDown" => (i + cols) % n,
            "ArrowUp" => (i + n - cols) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        focus_id(&format!("dm-choose-{next}"));
    };

    // A cell chosen: the reason next. 重选格: the cells again, from the first (QA: the focus
    // fell to the page's top).
    Effect::new(move |prev: Option<bool>| {
        let chosen = target.get().is_some();
        if chosen {
            request_animation_frame(|| focus_id("dm-move-reason"));
        } else if prev == Some(true) {
            request_animation_frame(|| focus_id("dm-choose-0"));
        }
        chosen
    });

    let save_id = id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(cell) = target.get_untracked() else {
            return;
        };
        let why = reason.get_untracked();
        if why.trim().is_empty() {
            error.set(Some(
                lang.get_untracked().s("请填写原因", "Please give a reason"),
            ));
            return;
        }
        if Some(cell) == current.get_untracked() {
            error.set(Some(lang.get_untracked().s(
                "需求已在这一格，请选择其他格",
                "The demand is already in this cell: choose another",
            )));
            return;
        }
        busy.set(true);
        error.set(None);
        let id = save_id.clone();
        let env = ctx.env.get_value();
        let seen = opened_on.get_value();
        spawn_local(async move {
            match env
                .update_seen(&id, &seen, |d, by| d.set_override(cell, &why, by, now()))
                .await
            {
                Ok(_) => {
                    kept.saved();
                    state.tell(
                        format!("已手动移到“{}”", cell.label(true)),
                        format!("Moved by hand to “{}”", cell.label(false)),
                    );
                    ctx.moving.set(None);
                    focus_card_later(id, Some(cell.key()));
                }
                Err(SaveError::Stale(now)) => {
                    // Shown as it is now; the next confirmation is over this revision.
                    let zh = lang.get_untracked().is_zh();
                    let at = now.cell(view_now, &RULES).label(zh);
                    let _ = opened_on.try_set_value(OpenedOn::new(now.rev.as_deref()));
                    refused_on.try_set(Some(*now));
                    error.try_set(Some(stale_words(zh, &at)));
                }
                Err(SaveError::Refused(msg)) => {
                    error.try_set(Some(msg));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <Modal id="move-dialog" title=title on_close=close>
            <p class="dm-desc">{move || demand.with(|d| d.as_ref().map(|d| d.description.clone())).unwrap_or_default()}</p>
            {move || state.user.get().is_none().then(|| view! { <NeedUser/> })}
            {move || match target.get() {
                None => {
                    let zh = lang.get().is_zh();
                    view! {
                        <p id="dm-choose-help" class="small muted">
                            {t2("选择目标格（方向键在格之间移动，回车选定）", "Choose the target cell (arrow keys move between cells, Enter chooses)")}
                        </p>
                        <div class=format!("dm-choose dm-choose-{cols}") role="group"
                            aria-label=t2("目标格", "Target cell") aria-describedby="dm-choose-help"
                            on:keydown=on_arrows>
                            {cells.iter().enumerate().map(|(i, c)| {
                                let c = *c;
                                let here = move || current.get() == Some(c);
                                view! {
                                    <button type="button" id=format!("dm-choose-{i}") data-index=i.to_string()
                                        data-choose=c.key() aria-current=move || here().then_some("true")
                                        data-autofocus=(i == 0).then_some("")
                                        class=move || if here() { "dm-choice here" } else { "dm-choice" }
                                        on:click=move |_| choose(c)>
                                        {c.label(zh)}
                                        {move || here().then(|| view! { <span class="small muted">{if zh { "（当前）" } else { " (current)" }}</span> })}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        {move || error.get().map(|e| view! { <p class="err" role="alert">{e}</p> })}
                    }.into_any()
                }
                Some(cell) => {
                    let zh = lang.get().is_zh();
                    view! {
                        <form on:submit=save.clone() novalidate>
                            <p data-testid="move-from-to">{move || {
                                let from = current.get().map(|c| c.label(zh)).unwrap_or_default();
                                if zh { format!("从“{from}”移到“{}”", cell.label(zh)) } else { format!("From “{from}” to “{}”", cell.label(zh)) }
                            }}</p>
                            <div class="field">
                                <label for="dm-move-reason">{t2("原因（必填）", "Reason (required)")}</label>
                                <textarea id="dm-move-reason" bind:value=reason data-autofocus=""
                                    aria-invalid=move || error.get().is_some().to_string()
                                    aria-describedby="dm-move-err"></textarea>
                                <div class="err" id="dm-move-err" role="alert">{move || error.get()}</div>
                            </div>
                            <div class="actions">
                                <button type="submit" class="primary" data-testid="move-confirm"
                                    disabled=move || busy.get() || state.user.get().is_none()>
                                    {t2("确认移动", "Move")}
                                </button>
                                {(!chosen_by_drag).then(|| view! {
                                    <button type="button" on:click=move |_| target.set(None)>{t2("重选格", "Choose another cell")}</button>
                                })}
                                <button type="button" on:click=move |_| close.run(())>{t2("取消", "Cancel")}</button>
                            </div>
                        </form>
                    }.into_any()
                }
            }}
        </Modal>
    }
}

/// Why a move was not saved: the demand was saved elsewhere after the dialog showed it; `at`
/// is the cell it is in now.
fn stale_words(zh: bool, at: &str) -> String {
    if zh {
        format!("保存失败：他人已先更新了此需求，它现在位于“{at}”。已显示最新位置，请核对后再确认移动。")
    } else {
        format!("Not saved: someone else updated this demand first; it is now in “{at}”. Check where it is now and confirm the move again.")
    }
}
