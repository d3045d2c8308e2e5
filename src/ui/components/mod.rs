//! components: small reusable pieces shared by pages.

pub mod sync_status;

use leptos::prelude::*;

/// A progress bar with its figure in words, for work over a second (import, export, sync).
#[component]
pub fn ProgressBar(
    /// (done, total)
    #[prop(into)]
    progress: Signal<Option<(usize, usize)>>,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    view! {
        {move || progress.get().map(|(done, total)| {
            let pct = if total == 0 { 100.0 } else { done as f64 * 100.0 / total as f64 };
            view! {
                <div class="progress-block" data-testid="progress">
                    <div class="progress" role="progressbar" aria-label=move || label.get()
                        aria-valuemin="0" aria-valuemax=total aria-valuenow=done>
                        <div style=format!("width:{pct:.1}%")></div>
                    </div>
                    <div class="small muted">{format!("{} {done} / {total}", label.get())}</div>
                </div>
            }
        })}
    }
}

/// A labelled form field with its error message, wired for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let err_id = format!("{id}-err");
    view! {
        <div class=if wide { "field wide" } else { "field" }>
            <label for=id>{move || label.get()}</label>
            {children()}
            <div class="err" id=err_id role="alert">{move || error.get()}</div>
        </div>
    }
}
