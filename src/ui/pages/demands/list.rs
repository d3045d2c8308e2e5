//! The list view of the same demands (a real table, in matrix order: cell by cell, ranked
//! inside each cell) and its CSV export (UTF-8 with a BOM so Excel reads the Chinese).

use crate::domain::datefmt::Layout;
use crate::domain::spreadsheet::safe_cell;
use leptos::prelude::*;

use crate::domain::demand::{matrix, Demand, MatrixCell, MatrixView};
use crate::ui::i18n::t2;
use crate::ui::platform::{download, now};
use crate::ui::state::app;

use super::data::Loaded;
use super::{Ctx, RULES};

/// The shown demands in matrix order, each with its cell in `view`.
fn ordered(ds: &[Demand], view: MatrixView) -> Vec<(MatrixCell, Demand)> {
    matrix(ds, view, &RULES, true)
        .into_iter()
        .flat_map(|(cell, list)| list.into_iter().map(move |d| (cell, d.clone())))
        .collect()
}

/// The CSV text (with BOM) of the shown demands.
pub fn csv_text(ds: &[Demand], view: MatrixView, l: &Loaded, zh: bool) -> Result<String, String> {
    let today = now().date();
    let mut w = csv::Writer::from_writer(Vec::new());
    let head: [(&str, &str); 19] = [
        ("编号", "Id"),
        ("所在格", "Cell"),
        ("手动放置", "Placed by hand"),
        ("手动原因", "Reason"),
        ("类型", "Type"),
        ("需求内容", "Description"),
        ("客户", "Customer"),
        ("客户分层", "Tier"),
        ("客户价值", "Customer value"),
        ("需求强度", "Intensity"),
        ("服务成本", "Service cost"),
        ("紧急程度", "Urgency"),
        ("重要程度", "Importance"),
        ("优先级评分", "Score"),
        ("负责人", "Owner"),
        ("截止日期", "Due"),
        ("逾期", "Overdue"),
        ("状态", "Status"),
        ("登记时间", "Created"),
    ];
    let err = |e: csv::Error| e.to_string();
    w.write_record(head.iter().map(|(z, e)| if zh { *z } else { *e }))
        .map_err(err)?;
    for (cell, d) in ordered(ds, view) {
        let o = match view {
            MatrixView::Quadrant => d.override_quadrant.as_ref().map(|o| o.reason.clone()),
            MatrixView::Grid => d.override_grid.as_ref().map(|o| o.reason.clone()),
        };
        let yes_no = |b: bool| {
            if b {
                if zh {
                    "是"
                } else {
                    "yes"
                }
            } else {
                ""
            }
        };
        let tier = d
            .customer_id
            .as_ref()
            .and_then(|c| l.customers.get(c))
            .map(|c| c.tier.label(zh))
            .unwrap_or("");
        let row = vec![
            d.id.clone(),
            cell.label(zh),
            yes_no(o.is_some()).to_string(),
            o.unwrap_or_default(),
            d.kind.label(zh).to_string(),
            d.description.clone(),
            l.customer_name(d.customer_id.as_deref()),
            tier.to_string(),
            d.customer_value.label(zh).to_string(),
            d.intensity.label(zh).to_string(),
            d.service_cost.label(zh).to_string(),
            d.urgency.to_string(),
            d.importance.to_string(),
            format!("{:.1}", d.score(&RULES)),
            l.staff_name(d.owner.as_deref()),
            d.due.map(|x| x.layout("%Y-%m-%d")).unwrap_or_default(),
            yes_no(d.is_overdue(today)).to_string(),
            d.status.label(zh).to_string(),
            d.created_at.layout("%Y-%m-%d %H:%M"),
        ];
        w.write_record(row.iter().map(|c| safe_cell(c)))
            .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    let body = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    Ok(format!("\u{feff}{body}"))
}

type DemandsCsv = fn(&[Demand], MatrixView, &Loaded, bool) -> Result<String, String>;

/// The CSV writer ([`csv_text`]), from the reports' part of the wasm, which holds the CSV
/// writing: in the demands' part it made the largest page to open pass the 700 KB budget.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(reports, fallible)]
fn csv_in_part() -> Result<DemandsCsv, wasm_split_helpers::SplitLoaderError> {
    Ok(csv_text)
}

/// Without the split (the in-browser tests' build), the writer at hand.
#[cfg(not(feature = "split"))]
async fn csv_in_part() -> Result<DemandsCsv, wasm_split_helpers::SplitLoaderError> {
    Ok(csv_text)
}

/// Offers the shown demands as a CSV file.
pub fn export(ctx: Ctx) {
    let state = ctx.env.with_value(|e| e.state);
    leptos::task::spawn_local(async move {
        match csv_in_part().await {
            Ok(write) => export_with(ctx, write),
            Err(_) => state.warn2(
                "未能载入导出模块，请检查网络后重试",
                "The export module could not be loaded; check the network and try again",
            ),
        }
    });
}

fn export_with(ctx: Ctx, csv_text: DemandsCsv) {
    let state = ctx.env.with_value(|e| e.state);
    let zh = state.zh();
    let Some(view) = ctx.view.try_get_untracked() else {
        return;
    };
    let text = ctx.loaded.with_untracked(|l| {
        let l = l.clone().unwrap_or_default();
        ctx.shown.with_untracked(|ds| csv_text(ds, view, &l, zh))
    });
    match text {
        Ok(t) => {
            let n = ctx.shown.with_untracked(|d| d.len());
            download(
                &format!("kefu-demands-{}.csv", now().layout("%Y%m%d-%H%M")),
                "text/csv;charset=utf-8",
                &t,
            );
            state.tell(
                format!("已导出 {n} 条需求"),
                format!("Exported {n} demands"),
            );
        }
        Err(e) => state.warn(e),
    }
}

#[component]
pub fn ListView(ctx: Ctx) -> impl IntoView {
    let lang = app().lang;
    let rows = move || {
        let zh = lang.get().is_zh();
        let view = ctx.view.get();
        let today = app().today.get();
        let l = ctx.loaded.get().unwrap_or_default();
        let list = ctx.shown.with(|ds| ordered(ds, view));
        if list.is_empty() {
            return view! { <tr><td colspan="10" class="muted">{t2("没有符合条件的需求", "No demands match")}</td></tr> }.into_any();
        }
        list.into_iter()
            .map(|(cell, d)| {
                let overdue = d.is_overdue(today);
                let manual = d.is_overridden(view);
                let id = d.id.clone();
                view! {
                    <tr class=if overdue { "overdue" } else { "" } data-testid="demand-row">
                        <td data-label=if zh { "所在格" } else { "Cell" }>{cell.label(zh)}{manual.then(|| view! { " " <span class="badge warn">{if zh { "手动" } else { "manual" }}</span> })}</td>
                        <td data-label=if zh { "类型" } else { "Type" }>{d.kind.label(zh)}</td>
                        <th scope="row" class="dm-row-desc wide">
                            <button type="button" class="link" on:click=move |_| ctx.detail.set(Some(id.clone()))>{d.description.clone()}</button>
                        </th>
                        <td data-label=if zh { "客户" } else { "Customer" }>{l.customer_name(d.customer_id.as_deref())}</td>
                        <td class="num" data-label=if zh { "紧急" } else { "Urgency" }>{d.urgency}</td>
                        <td class="num" data-label=if zh { "重要" } else { "Importance" }>{d.importance}</td>
                        <td class="num" data-label=if zh { "评分" } else { "Score" }>{format!("{:.1}", d.score(&RULES))}</td>
                        <td data-label=if zh { "负责人" } else { "Owner" }>{l.staff_name(d.owner.as_deref())}</td>
                        <td data-label=if zh { "截止" } else { "Due" }>{d.due.map(|x| x.layout("%Y-%m-%d")).unwrap_or_default()}
                            {overdue.then(|| view! { " " <span class="badge bad">{if zh { "逾期" } else { "overdue" }}</span> })}</td>
                        <td data-label=if zh { "状态" } else { "Status" }>{d.status.label(zh)}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="table-wrap">
            <table class="stack" data-testid="demand-table">
                <caption class="dm-sr">{t2("客户需求列表（按矩阵顺序）", "Demands, in matrix order")}</caption>
                <thead><tr>
                    <th scope="col">{t2("所在格", "Cell")}</th>
                    <th scope="col">{t2("类型", "Type")}</th>
                    <th scope="col">{t2("需求内容", "Description")}</th>
                    <th scope="col">{t2("客户", "Customer")}</th>
                    <th scope="col" class="num">{t2("紧急", "Urgency")}</th>
                    <th scope="col" class="num">{t2("重要", "Importance")}</th>
                    <th scope="col" class="num">{t2("评分", "Score")}</th>
                    <th scope="col">{t2("负责人", "Owner")}</th>
                    <th scope="col">{t2("截止", "Due")}</th>
                    <th scope="col">{t2("状态", "Status")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
