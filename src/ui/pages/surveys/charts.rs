//! charts: small SVG charts drawn in `view!` — horizontal bars for distributions and a line
//! for trends. Undefined points are gaps, never zeros.

use crate::ui::components::chart_text::keep_chart_text;
use leptos::prelude::*;

/// Horizontal bars: one row per (label, count), the count and share written beside each bar;
/// `label` names it for screen readers. Both may be derived signals that follow the language.
#[component]
pub fn BarChart(
    rows: Vec<(Signal<String>, usize)>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let total: usize = rows.iter().map(|r| r.1).sum();
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let row_h = 22.0;
    let h = rows.len() as f64 * row_h + 4.0;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (name, n))| {
            let y = i as f64 * row_h + 2.0;
            let w = 220.0 * n as f64 / max as f64;
            let pct = if total > 0 {
                format!("{n} ({:.0}%)", n as f64 * 100.0 / total as f64)
            } else {
                "0".to_string()
            };
            view! {
                <g data-testid="bar">
                    <text x="116" y=y + 15.0 text-anchor="end" class="chart-label">{name}</text>
                    <rect x="122" y=y + 3.0 width=format!("{w:.1}") height="15" class="bar"/>
                    <text x=format!("{:.1}", 126.0 + w) y=y + 15.0 class="chart-value">{pct}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart bars" viewBox=format!("0 0 420 {h}") role="img" aria-label=label use:keep_chart_text>
            <title>{label}</title>
            {bars}
        </svg>
    }
}

/// A line over buckets: `points` are (label, value); values lie in `min..=max`. A dashed
/// line marks the target when given.
#[component]
pub fn LineChart(
    points: Vec<(String, Option<f64>)>,
    min: f64,
    max: f64,
    #[prop(optional)] target: Option<f64>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let (w, h, left, top, bottom) = (420.0, 180.0, 36.0, 10.0, 24.0);
    let n = points.len().max(1);
    let x_of = move |i: usize| {
        if n == 1 {
            left + (w - left - 10.0) / 2.0
        } else {
            left + (w - left - 10.0) * i as f64 / (n - 1) as f64
        }
    };
    let y_of = move |v: f64| top + (h - top - bottom) * (1.0 - (v - min) / (max - min));
    // Consecutive defined points form one segment.
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) => segments
                .last_mut()
                .expect("a segment")
                .push((x_of(i), y_of(*v))),
            None => segments.push(Vec::new()),
        }
    }
    let lines = segments
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            let pts = s
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect::<Vec<_>>()
                .join(" ");
            let dots = s
                .iter()
                .map(|(x, y)| view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3" class="dot"/> })
                .collect_view();
            view! { <polyline points=pts class="line" fill="none"/> {dots} }
        })
        .collect_view();
    // About six labels: every `every`th and the last, without one nearer the last than that
    // (the two were drawn over each other, e.g. days 21 and 22 of 22).
    let every = n.div_ceil(6).max(1);
    let xlabels = points
        .iter()
        .enumerate()
        .filter(|(i, _)| (i % every == 0 && n - 1 - i >= every) || *i + 1 == n)
        .map(|(i, (l, _))| {
            // The last label ends at its point, so it is not cut at the chart's edge.
            let anchor = if i + 1 == n && n > 1 { "end" } else { "middle" };
            view! { <text x=format!("{:.1}", x_of(i)) y=h - 6.0 text-anchor=anchor class="chart-label">{l.clone()}</text> }
        })
        .collect_view();
    let ylabels = [min, (min + max) / 2.0, max]
        .into_iter()
        .map(|v| {
            view! {
                <text x=left - 4.0 y=y_of(v) + 4.0 text-anchor="end" class="chart-label">{format!("{v:.0}")}</text>
                <line x1=left x2=w - 10.0 y1=y_of(v) y2=y_of(v) class="grid"/>
            }
        })
        .collect_view();
    let target_line = target.map(|t| {
        view! { <line x1=left x2=w - 10.0 y1=y_of(t) y2=y_of(t) class="target" data-testid="target-line"/> }
    });
    let aria = label.clone();
    view! {
        <svg class="chart line-chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=aria use:keep_chart_text>
            <title>{label}</title>
            {ylabels}
            {target_line}
            {lines}
            {xlabels}
        </svg>
    }
}
