//! qr: a QR code of a text as an SVG drawn in `view!` (crate `qrcodegen`, pure Rust).

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// The dark modules of a QR code as one SVG path, with a 4-module quiet zone.
fn qr_path(text: &str) -> Option<(i32, String)> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                d.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    Some((size + 8, d))
}

#[component]
pub fn QrCodeSvg(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    match qr_path(&text) {
        Some((dim, d)) => view! {
            <svg class="qr" data-testid="survey-qr" role="img" aria-label=label
                viewBox=format!("0 0 {dim} {dim}") shape-rendering="crispEdges">
                <rect width=dim height=dim fill="#fff"/>
                <path d=d fill="#000"/>
            </svg>
        }
        .into_any(),
        None => view! { <p class="err">{text}</p> }.into_any(),
    }
}
