//! demands: the demand-priority matrix (需求矩阵) — the urgent × important quadrants and the
//! customer value × intensity grid of one list of demands, moved by hand with a recorded
//! reason — its filters, list view and CSV export, and the quick capture (`QuickDemand`).

mod board;
mod data;
mod detail;
mod dialog;
mod form;
mod list;
mod move_dialog;
mod quick;

use std::sync::LazyLock;

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::domain::customer::Tier;
use crate::domain::demand::{
    Demand, DemandFilter, DueFilter, MatrixCell, MatrixRules, MatrixView, StatusFilter,
};
use crate::ui::i18n::t2;
use crate::ui::platform::{local_get, local_set};
use crate::ui::state::app;

pub use data::{Env, Loaded};
pub use quick::QuickDemand;

use board::{Board, TouchDrag};
use detail::DetailDialog;
pub(crate) use form::DemandForm;
use form::{kind_key, kind_of};
use list::ListView;
use move_dialog::MoveDialog;

/// The matrix rules in force (the domain's defaults: urgent and important at 4 or more).
pub static RULES: LazyLock<MatrixRules> = LazyLock::new(MatrixRules::default);

const VIEW_KEY: &str = "kefu.demands.view";

/// A manual move asked for: the demand and, when a drag chose it, the target cell.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveReq {
    pub id: String,
    pub target: Option<MatrixCell>,
}

/// What the parts of the page share.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub env: StoredValue<Env, LocalStorage>,
    pub view: Memo<MatrixView>,
    pub loaded: Memo<Option<Loaded>>,
    /// The loaded demands that pass the filters.
    pub shown: Memo<Vec<Demand>>,
    pub moving: RwSignal<Option<MoveReq>>,
    pub detail: RwSignal<Option<String>>,
    /// The add form is open: `Some(Some(cell))` from a cell's "+", `Some(None)` plain.
    pub adding: RwSignal<Option<Option<MatrixCell>>>,
    pub drop_target: RwSignal<Option<String>>,
    pub dragging: RwSignal<Option<String>>,
    pub touch: RwSignal<Option<TouchDrag>>,
}

fn view_key(v: MatrixView) -> &'static str {
    match v {
        MatrixView::Quadrant => "quadrant",
        MatrixView::Grid => "grid",
    }
}

fn tier_key(t: Tier) -> &'static str {
    match t {
        Tier::Vip => "vip",
        Tier::Normal => "normal",
        Tier::New => "new",
    }
}

#[component]
pub fn MatrixPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let query = use_query_map();
    let navigate = use_navigate();

    let view = Memo::new(move |_| {
        let q = query.read().get("view");
        match q.as_deref().or(local_get(VIEW_KEY).as_deref()) {
            Some("grid") => MatrixView::Grid,
            _ => MatrixView::Quadrant,
        }
    });
    let list_mode = Memo::new(move |_| query.read().get("mode").as_deref() == Some("list"));
    // `?id=<demand id>` (links from the customer timeline and the journey map) opens that
    // demand's detail.
    let id_param = Memo::new(move |_| query.read().get("id").filter(|s| !s.is_empty()));
    let go = {
        let navigate = navigate.clone();
        move |v: MatrixView, list: bool| {
            local_set(VIEW_KEY, view_key(v));
            let mut url = format!("/demands?view={}", view_key(v));
            if list {
                url.push_str("&mode=list");
            }
            navigate(
                &url,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };

    // Filters.
    let f_owner = RwSignal::new(String::new());
    let f_kind = RwSignal::new(String::new());
    let f_status = RwSignal::new("0".to_string());
    // `?due=overdue` (the dashboard's overdue count) or `?due=week` opens the page filtered.
    let f_due = RwSignal::new(
        query
            .read_untracked()
            .get("due")
            .filter(|d| d == "overdue" || d == "week")
            .unwrap_or_default(),
    );
    let f_tier = RwSignal::new(String::new());
    let status = Memo::new(move |_| {
        f_status
            .get()
            .parse::<usize>()
            .ok()
            .and_then(|i| StatusFilter::ALL.get(i).copied())
            .unwrap_or_default()
    });
    let filter = Memo::new(move |_| DemandFilter {
        owner: match f_owner.get().as_str() {
            "" => None,
            "-" => Some(None),
            id => Some(Some(id.to_string())),
        },
        kind: kind_of(&f_kind.get()),
        status: status.get(),
        due: match f_due.get().as_str() {
            "overdue" => Some(DueFilter::Overdue),
            "week" => Some(DueFilter::ThisWeek),
            _ => None,
        },
        tier: match f_tier.get().as_str() {
            "" => None,
            "-" => Some(None),
            t => Some(Tier::ALL.iter().copied().find(|x| tier_key(*x) == t)),
        },
    });

    let env = StoredValue::new_local(Env::here());
    let resource = Res::new(move || {
        state.changes.track();
        let s = status.get();
        let st = env.with_value(|e| e.store.clone());
        async move { data::load(&st, s).await }
    });
    let load_error = Memo::new(move |_| match resource.get() {
        Some(Err(e)) => Some(e.message(state.lang.get().is_zh())),
        _ => None,
    });
    // The last good read stays on screen while a refresh runs or if one fails.
    let loaded = Memo::new(move |prev: Option<&Option<Loaded>>| match resource.get() {
        Some(Ok(l)) => Some(l),
        _ => prev.cloned().flatten(),
    });
    let shown = Memo::new(move |_| {
        let f = filter.get();
        let today = state.today.get();
        loaded.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.demands
                        .iter()
                        .filter(|d| {
                            let tier = d
                                .customer_id
                                .as_ref()
                                .and_then(|c| l.customers.get(c))
                                .map(|c| c.tier);
                            f.matches(d, tier, today)
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let ctx = Ctx {
        env,
        view,
        loaded,
        shown,
        moving: RwSignal::new(None),
        detail: RwSignal::new(None),
        adding: RwSignal::new(None),
        drop_target: RwSignal::new(None),
        dragging: RwSignal::new(None),
        touch: RwSignal::new(None),
    };

    // Open the demand named in the address. A done or dropped one is outside the default
    // (active) status filter, so the filter widens to "all" first; an unknown id is said so.
    Effect::new(move |_| {
        let Some(id) = id_param.get() else { return };
        let st = env.with_value(|e| e.store.clone());
        spawn_local(async move {
            match crate::store::typed::load::<Demand, _>(&st, &id).await {
                Ok(d) => {
                    if status
                        .try_get_untracked()
                        .is_some_and(|s| !s.matches(&d.status))
                    {
                        let all = StatusFilter::ALL
                            .iter()
                            .position(|s| *s == StatusFilter::All)
                            .unwrap_or(0);
                        f_status.set(all.to_string());
                    }
                    if ctx.detail.try_get_untracked().flatten().as_ref() != Some(&id) {
                        ctx.detail.try_set(Some(id));
                    }
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    });
    // The demand open in its details is in the address (`id`), however it was opened, so a
    // reload opens it again, with what was being typed in it (a drop's reason); closing it
    // takes `id` out, so a reload does not open it again. The address's other parts stay.
    let navigate_detail = navigate.clone();
    Effect::new(move |prev: Option<Option<String>>| {
        let open = ctx.detail.get();
        let in_address = query.with_untracked(|q| q.get("id").filter(|s| !s.is_empty()));
        if prev.is_some_and(|p| p != open) && in_address != open {
            let mut q = query.get_untracked();
            match &open {
                Some(id) => q.replace("id", id.clone()),
                None => {
                    q.remove("id");
                }
            }
            navigate_detail(
                &format!("/demands{}", q.to_query_string()),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
        open
    });

    let overdue_n = move || {
        let today = state.today.get();
        shown.with(|ds| ds.iter().filter(|d| d.is_overdue(today)).count())
    };
    let staff_opts = move || {
        loaded.with(|l| {
            l.as_ref().map(|l| {
                l.staff
                    .iter()
                    .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> })
                    .collect_view()
            })
        })
    };
    let (go1, go2, go3, go4) = (go.clone(), go.clone(), go.clone(), go);

    view! {
        <div class="demands">
            <div class="spread">
                <h1>{t2("需求矩阵", "Demand matrix")}</h1>
                <div class="row no-print">
                    <QuickDemand/>
                    <button type="button" data-testid="export-csv" on:click=move |_| list::export(ctx)>
                        {t2("导出 CSV", "Export CSV")}
                    </button>
                </div>
            </div>
            <div class="row dm-switch">
                <div class="dm-seg" role="group" aria-label=t2("矩阵视图", "Matrix view")>
                    <button type="button" data-testid="view-quadrant" aria-pressed=move || (view.get() == MatrixView::Quadrant).to_string()
                        on:click=move |_| go1(MatrixView::Quadrant, list_mode.get_untracked())>
                        {move || MatrixView::Quadrant.label(lang.get().is_zh())}" 2×2"
                    </button>
                    <button type="button" data-testid="view-grid" aria-pressed=move || (view.get() == MatrixView::Grid).to_string()
                        on:click=move |_| go2(MatrixView::Grid, list_mode.get_untracked())>
                        {move || MatrixView::Grid.label(lang.get().is_zh())}" 3×3"
                    </button>
                </div>
                <div class="dm-seg" role="group" aria-label=t2("显示方式", "Display")>
                    <button type="button" data-testid="mode-board" aria-pressed=move || (!list_mode.get()).to_string()
                        on:click=move |_| go3(view.get_untracked(), false)>{t2("矩阵", "Matrix")}</button>
                    <button type="button" data-testid="mode-list" aria-pressed=move || list_mode.get().to_string()
                        on:click=move |_| go4(view.get_untracked(), true)>{t2("列表", "List")}</button>
                </div>
                <span class="small muted" data-testid="shown-count">
                    {move || {
                        let n = shown.with(|d| d.len());
                        let o = overdue_n();
                        if lang.get().is_zh() { format!("共 {n} 条，逾期 {o} 条") } else { format!("{n} demands, {o} overdue") }
                    }}
                </span>
            </div>
            <fieldset class="dm-filters">
                <legend class="dm-sr">{t2("筛选", "Filters")}</legend>
                <label>{t2("负责人", "Owner")}
                    <select id="f-owner" bind:value=f_owner>
                        <option value="">{t2("全部", "All")}</option>
                        <option value="-">{t2("未指定", "Nobody")}</option>
                        {staff_opts}
                    </select>
                </label>
                <label>{t2("类型", "Type")}
                    <select id="f-kind" bind:value=f_kind>
                        <option value="">{t2("全部", "All")}</option>
                        {crate::domain::demand::DemandType::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=kind_key(k)>{move || k.label(lang.get().is_zh())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{t2("状态", "Status")}
                    <select id="f-status" bind:value=f_status>
                        {StatusFilter::ALL.iter().enumerate().map(|(i, s)| {
                            let s = *s;
                            view! { <option value=i.to_string()>{move || s.label(lang.get().is_zh())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{t2("截止", "Due")}
                    <select id="f-due" bind:value=f_due>
                        <option value="">{t2("全部", "Any")}</option>
                        <option value="overdue">{t2("已逾期", "Overdue")}</option>
                        <option value="week">{t2("本周到期", "Due this week")}</option>
                    </select>
                </label>
                <label>{t2("客户分层", "Customer tier")}
                    <select id="f-tier" bind:value=f_tier>
                        <option value="">{t2("全部", "All")}</option>
                        {Tier::ALL.iter().map(|t| {
                            let t = *t;
                            view! { <option value=tier_key(t)>{move || t.label(lang.get().is_zh())}</option> }
                        }).collect_view()}
                        <option value="-">{t2("无关联客户", "No customer")}</option>
                    </select>
                </label>
            </fieldset>
            {move || load_error.get().map(|e| view! { <p class="err" role="alert">{e}</p> })}
            <p class="small muted dm-help">
                {t2("拖动卡片（触屏拖动卡片左上角的 ⠿）到其他格可手动放置；键盘：聚焦卡片后按 M 选择目标格，按回车查看详情。账户安全类需求始终排在格内首位。",
                    "Drag a card (on touch screens, by its ⠿ grip) to another cell to place it by hand; with the keyboard, focus a card and press M to choose a cell, Enter for details. Account-security demands always rank first in a cell.")}
            </p>
            {move || if list_mode.get() {
                view! { <ListView ctx=ctx/> }.into_any()
            } else {
                view! { <Board ctx=ctx/> }.into_any()
            }}
        </div>
        {move || ctx.moving.get().map(|req| view! { <MoveDialog ctx=ctx req=req/> })}
        {move || ctx.detail.get().map(|id| view! { <DetailDialog ctx=ctx id=id/> })}
        {move || ctx.adding.get().map(|cell| match cell {
            Some(c) => view! { <DemandForm cell=c on_close=move |_| ctx.adding.set(None)/> }.into_any(),
            None => view! { <DemandForm on_close=move |_| ctx.adding.set(None)/> }.into_any(),
        })}
    }
}
