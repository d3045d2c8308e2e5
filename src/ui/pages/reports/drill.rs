//! reports/drill: every figure opens the cases behind it: a side sheet listing them, a page at
//! a time, each linked to its case page `/complaints/<id>`. The sheet takes the keyboard as every
//! dialog does (`components::dialog`), without holding the report: it can be read beside it.

use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

use crate::domain::complaint::Complaint;
use crate::domain::report::Figure;
use crate::store::typed;
use crate::ui::components::dialog::keyboard_dialog;
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::labels;

/// Cases listed per page of the sheet.
const SHOWN: usize = 50;

/// The cases behind one figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Drill {
    pub title: String,
    pub ids: Vec<Arc<str>>,
}

/// A count that opens the list of the cases behind it (plain text when there are none).
#[component]
pub fn Count(
    fig: Figure,
    /// What the figure counts, e.g. "受理方式：电话".
    title: String,
    testid: String,
    drill: RwSignal<Option<Drill>>,
) -> impl IntoView {
    let lang = app().lang;
    if fig.count == 0 {
        return view! { <span class="count zero" data-testid=testid>"0"</span> }.into_any();
    }
    let Figure { count, ids } = fig;
    let aria = lang.get_untracked().s(
        format!("查看{title}的 {count} 件案件"),
        format!("Show the {count} cases of {title}"),
    );
    view! {
        <button type="button" class="count" data-testid=testid aria-label=aria
            on:click=move |_| drill.set(Some(Drill { title: title.clone(), ids: ids.clone() }))>
            {count}
        </button>
    }
    .into_any()
}

/// The sheet with the cases of the chosen figure, if one is chosen.
#[component]
pub fn DrillSheet(drill: RwSignal<Option<Drill>>) -> impl IntoView {
    move || {
        drill
            .get()
            .map(|d| view! { <DrillPanel drill=d on_close=move || drill.set(None)/> })
    }
}

#[component]
fn DrillPanel(drill: Drill, on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let shown = RwSignal::new(SHOWN.min(drill.ids.len()));
    let total = drill.ids.len();
    let ids = StoredValue::new(drill.ids);
    let rows = LocalResource::new(move || {
        state.changes.track();
        let wanted: Vec<String> =
            ids.with_value(|ids| ids[..shown.get()].iter().map(|id| id.to_string()).collect());
        let s = store();
        async move {
            let mut out = Vec::with_capacity(wanted.len());
            for id in wanted {
                let c = typed::load::<Complaint, _>(&s, &id).await.ok();
                out.push((id, c));
            }
            out
        }
    });
    let title = drill.title;
    // Focus on its heading when it opens (a figure clicked while it is open opens another),
    // Escape from anywhere, and the focus back on the figure when it closes.
    let node = NodeRef::<leptos::html::Aside>::new();
    keyboard_dialog(
        move || node.get().map(Into::into),
        false,
        Callback::new(move |_| on_close()),
    );
    view! {
        <aside class="drill-sheet no-print" role="dialog" aria-modal="false" aria-labelledby="drill-h"
            data-testid="drill" node_ref=node>
            <div class="spread">
                <h2 id="drill-h" tabindex="-1" data-autofocus="">{title}</h2>
                <button type="button" on:click=move |_| on_close() data-testid="drill-close">
                    {t2("关闭", "Close")}
                </button>
            </div>
            <p class="muted small" data-testid="drill-count">
                {move || lang.get().s(format!("共 {total} 件案件"), format!("{total} cases"))}
            </p>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th>{t2("案件编号", "Case number")}</th>
                        <th>{t2("受理时间", "Received")}</th>
                        <th>{t2("类别", "Category")}</th>
                        <th>{t2("状态", "Status")}</th>
                    </tr></thead>
                    <tbody>
                        {move || rows.get().map(|rows| {
                            let l = lang.get();
                            rows.into_iter().map(|(id, c)| match c {
                                Some(c) => view! {
                                    <tr data-testid="drill-row">
                                        <td><A href=format!("/complaints/{id}")>{c.case_no.clone()}</A>
                                            {c.destroyed.then(|| view! { " " <span class="badge">{l.t("已销毁", "destroyed")}</span> })}
                                        </td>
                                        <td>{labels::time(c.received_at)}</td>
                                        <td>{labels::category(c.category, l)}</td>
                                        <td>{labels::status(c.status, l)}</td>
                                    </tr>
                                }.into_any(),
                                None => view! {
                                    <tr data-testid="drill-row">
                                        <td><A href=format!("/complaints/{id}")>{id.clone()}</A></td>
                                        <td colspan="3" class="muted">{l.t("记录已不存在", "No longer on record")}</td>
                                    </tr>
                                }.into_any(),
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
            <Show when=move || { shown.get() < total }>
                <div class="actions">
                    <button type="button" on:click=move |_| shown.update(|n| *n = (*n + SHOWN).min(total))>
                        {t2("显示更多", "Show more")}
                    </button>
                </div>
            </Show>
        </aside>
    }
}
