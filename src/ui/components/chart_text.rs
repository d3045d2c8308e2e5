//! chart_text: an SVG chart's text keeps the size the style sheet gives it when the chart is
//! drawn narrower than its `viewBox`. A chart's text is sized in the chart's own units and
//! shrinks with it: on a phone the quarterly chart (520 wide) is drawn some 330 px wide and its
//! 12 px text read 7.5 px (on a desktop, beside the other chart, 380 px wide and under 9 px).
//! `use:keep_chart_text` on the `<svg>` sets `--text-k`, the factor the style sheet multiplies
//! the text's size by: 1 when the chart is drawn at its own size or larger, whose text grows
//! with it as before. It follows the chart's size (a resize, a phone turned).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// One observer for every chart on the page.
    static WATCH: RefCell<Option<web_sys::ResizeObserver>> = const { RefCell::new(None) };
    /// The charts watched, by a key their cleanup can hold (an element is not `Send`).
    static CHARTS: RefCell<HashMap<u64, web_sys::Element>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// The factor a chart's text is enlarged by: the inverse of the scale it is drawn at (its
/// screen pixels per unit of its `viewBox`, padding and border left out), never below 1.
/// `None` without a scale to go by (not laid out).
pub fn text_factor(scale: f64) -> Option<f64> {
    (scale.is_finite() && scale > 0.0).then(|| (1.0 / scale).max(1.0))
}

fn fit(el: &web_sys::Element) {
    let scale = el
        .dyn_ref::<web_sys::SvgGraphicsElement>()
        .and_then(|g| g.get_screen_ctm())
        .map(|m| m.a() as f64);
    let k = scale.and_then(text_factor).unwrap_or(1.0);
    let style = format!("--text-k:{k:.3}");
    if el.get_attribute("style").as_deref() != Some(style.as_str()) {
        let _ = el.set_attribute("style", &style);
    }
}

fn on_resize(entries: js_sys::Array) {
    for entry in entries.iter() {
        if let Ok(entry) = entry.dyn_into::<web_sys::ResizeObserverEntry>() {
            fit(&entry.target());
        }
    }
}

/// The directive: `<svg viewBox=… use:keep_chart_text>`.
pub fn keep_chart_text(el: web_sys::Element) {
    let Some(watch) = WATCH.with_borrow_mut(|w| {
        if w.is_none() {
            let cb = wasm_bindgen::closure::Closure::<dyn Fn(js_sys::Array)>::new(on_resize);
            *w = web_sys::ResizeObserver::new(cb.into_js_value().unchecked_ref()).ok();
        }
        w.clone()
    }) else {
        return;
    };
    watch.observe(&el);
    let key = NEXT.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    CHARTS.with_borrow_mut(|c| c.insert(key, el));
    on_cleanup(move || {
        if let Some(el) = CHARTS.with_borrow_mut(|c| c.remove(&key)) {
            WATCH.with_borrow(|w| {
                if let Some(w) = w {
                    w.unobserve(&el);
                }
            });
        }
    });
}
