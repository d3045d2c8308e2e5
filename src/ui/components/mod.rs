//! components: small reusable pieces shared by pages.

pub mod chart_text;
pub mod dialog;
pub mod sync_status;

use crate::ui::i18n::t2;
use crate::ui::resource::Res;
use crate::ui::state::{app, store};

use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

/// Keeps what is typed in a small form's fields over a reload of this tab: the fields that
/// differ from the form as it opened, under `key` and this tab's id, written as typed and put
/// back when the form opens again; nothing is kept while every field is as it opened. Returns
/// the form's [`Kept`]: what to call once the form is saved, and for a field that follows what
/// is stored.
pub fn keep_typed(key: &str, fields: Vec<(&'static str, RwSignal<String>)>) -> Kept {
    use crate::ui::platform::{local_read, local_remove, local_write, tab_id};
    use std::collections::BTreeMap;
    let key = format!("{key}.{}", tab_id());
    let opened = StoredValue::new(
        fields
            .iter()
            .map(|(_, f)| f.get_untracked())
            .collect::<Vec<_>>(),
    );
    if let Some(kept) = local_read::<BTreeMap<String, String>>(&key) {
        for (name, field) in &fields {
            if let Some(v) = kept.get(*name) {
                field.set(v.clone());
            }
        }
    }
    let fields = StoredValue::new(fields);
    let stored_key = StoredValue::new(key);
    Effect::new(move |_| {
        let typed: BTreeMap<String, String> = fields.with_value(|fields| {
            opened.with_value(|opened| {
                fields
                    .iter()
                    .zip(opened)
                    .filter_map(|((name, f), o)| {
                        let v = f.get();
                        (v != *o).then(|| (name.to_string(), v))
                    })
                    .collect()
            })
        });
        stored_key.with_value(|key| {
            if typed.is_empty() {
                local_remove(key);
            } else {
                local_write(key, &typed);
            }
        });
    });
    Kept {
        fields,
        opened,
        key: stored_key,
    }
}

/// A small form whose typing [`keep_typed`] keeps over a reload.
#[derive(Clone, Copy)]
pub struct Kept {
    fields: StoredValue<Vec<(&'static str, RwSignal<String>)>>,
    opened: StoredValue<Vec<String>>,
    key: StoredValue<String>,
}

impl Kept {
    /// The form was saved: its values now count as the form as it opened.
    pub fn saved(&self) {
        use crate::ui::platform::local_remove;
        let now: Vec<String> = self
            .fields
            .with_value(|f| f.iter().map(|(_, f)| f.get_untracked()).collect());
        self.opened.set_value(now);
        self.key.with_value(|key| local_remove(key));
    }

    /// Field `name`'s value as stored is now `value` (read once the form opened, saved in
    /// another tab, or synced): the form as it opened, not typing. A field left as it was takes
    /// it; one typed in keeps what was typed. Before, a value so taken was kept as typed, and a
    /// later save of the form wrote it back over a newer one.
    /// Called once a read has come back: the form may be gone by then (the page left, a kiosk
    /// sending a typed address back to itself), and nothing is done.
    pub fn follow(&self, name: &str, value: String) {
        let at = self
            .fields
            .try_with_value(|f| f.iter().position(|(n, _)| *n == name).map(|i| (i, f[i].1)))
            .flatten();
        if let Some((i, field)) = at {
            let Some(untouched) = self
                .opened
                .try_with_value(|o| field.try_with_untracked(|v| *v == o[i]))
                .flatten()
            else {
                return;
            };
            self.opened.update_value(|o| o[i] = value.clone());
            if untouched {
                field.set(value);
            } else if self.unchanged() {
                // What was typed is now what is stored (a search made with it): nothing left
                // to keep.
                self.key
                    .with_value(|key| crate::ui::platform::local_remove(key));
            }
        }
    }

    /// Every field as the form opened (or as stored since).
    fn unchanged(&self) -> bool {
        self.fields.with_value(|f| {
            self.opened.with_value(|o| {
                f.iter()
                    .zip(o)
                    .all(|((_, field), o)| field.with_untracked(|v| v == o))
            })
        })
    }
}

/// A draft discarded by its form's 放弃草稿, held so that the discard can be undone (撤销)
/// until something new is typed: one tap beside a form on a phone threw a long text away for
/// good. `blank` says (tracked) whether the form is as it opens; once it is not, what is held
/// is dropped.
pub struct Discarded<T: Send + Sync + 'static> {
    held: RwSignal<Option<T>>,
}

impl<T: Send + Sync + 'static> Clone for Discarded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Discarded<T> {}

impl<T: Clone + Send + Sync + 'static> Discarded<T> {
    pub fn new(blank: impl Fn() -> bool + 'static) -> Self {
        let held = RwSignal::new(None::<T>);
        Effect::new(move |_| {
            if !blank() && held.with_untracked(Option::is_some) {
                held.set(None);
            }
        });
        Self { held }
    }

    /// The draft as it was before the discard.
    pub fn hold(&self, draft: T) {
        self.held.set(Some(draft));
    }

    /// No undo any more (the form was saved, closed or given to another record).
    pub fn forget(&self) {
        if self.held.with_untracked(Option::is_some) {
            self.held.set(None);
        }
    }

    /// "已放弃草稿。 [撤销]" while a draft is held; `undo` gets it back.
    pub fn banner(self, undo: impl Fn(T) + Copy + Send + Sync + 'static) -> impl IntoView {
        let held = self.held;
        move || {
            held.with(Option::is_some).then(|| {
                let on_undo = move |_| {
                    if let Some(d) = held.get_untracked() {
                        held.set(None);
                        undo(d);
                    }
                };
                view! {
                    <div class="panel draft-banner row" data-testid="draft-discarded" role="status">
                        <span>{t2("已放弃草稿。", "The draft was discarded.")}</span>
                        <button type="button" on:click=on_undo data-testid="undo-discard">{t2("撤销", "Undo")}</button>
                    </div>
                }
            })
        }
    }
}

/// Said where an action needs a signed-in staff member.
#[component]
pub fn NeedUser() -> impl IntoView {
    view! {
        <p class="err" role="alert" data-testid="need-user">
            {t2("需要先登录才能操作：", "Sign in to do this: ")}
            <a href="/settings#device">{t2("设置 → 本设备", "Settings → This device")}</a>
        </p>
    }
}

/// Said under a report's heading while its period runs (its figures are as of today and will
/// change) or before it begins (no figures yet); nothing once it is over.
#[component]
pub fn PeriodNote(
    #[prop(into)] status: Signal<crate::domain::calendar::PeriodStatus>,
) -> impl IntoView {
    use crate::domain::calendar::PeriodStatus;
    move || {
        let (zh, en) = match status.get() {
            PeriodStatus::Over => return None,
            PeriodStatus::Running => (
                "本期尚未结束：数字截至今天，期末前还会变化。",
                "This period is not over: the figures are as of today and will change.",
            ),
            PeriodStatus::NotBegun => (
                "本期尚未开始：还没有数字。",
                "This period has not begun: there are no figures yet.",
            ),
        };
        Some(view! { <p class="warn-box" role="note" data-testid="period-note">{t2(zh, en)}</p> })
    }
}

/// Deadlines fall in years whose official holiday notice is not entered (`years`, not empty):
/// they count the statutory holidays only, without the make-up working days, and may be off
/// until a manager enters the notice. Nothing when `years` is empty.
#[component]
pub fn CalendarNotEntered(#[prop(into)] years: Signal<Vec<i32>>) -> impl IntoView {
    let lang = app().lang;
    move || {
        let years = years.get();
        (!years.is_empty()).then(|| {
            let list = years.iter().map(i32::to_string).collect::<Vec<_>>();
            view! {
                <p class="warn-box" role="note" data-testid="cal-not-entered-note">
                    {move || if lang.get().is_zh() {
                        format!("{}年的官方放假安排尚未录入：期限只按法律计入法定节假日及其补假，未计通知另行安排的放假和调休上班日，可能有误。", list.join("、"))
                    } else {
                        format!("The official holiday notice for {} has not been entered: deadlines count the law's holidays and their days in lieu only, without the days off and make-up working days the notice arranges, and may be off. ", list.join(", "))
                    }}
                    <A href="/settings#cal-h">{t2("请客服经理在“工作日历”中录入", "A manager enters it in the working-day calendar")}</A>
                </p>
            }
        })
    }
}

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

/// After a form is sent (once per page load, for every form): if the send found fields wrong,
/// the first wrong field ([`Field`]'s control) takes the focus, so that a screen reader reads
/// its label and its error (its description). The form's own handler runs first; what it
/// marks wrong is marked by the next frame.
fn point_out_wrong_fields() {
    thread_local!(static WATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if WATCHING.replace(true) {
        return;
    }
    let sent =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
            let Some(form) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            request_animation_frame(move || {
                if let Ok(Some(first)) = form.query_selector(".field [aria-invalid=\"true\"]") {
                    let _ = first.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            });
        })
        .into_js_value();
    let _ = crate::ui::platform::window().add_event_listener_with_callback_and_bool(
        "submit",
        sent.unchecked_ref(),
        true,
    );
}

/// A labelled form field with its error message, wired for screen readers: the control (the
/// child with this `id`) says it is required and whether it is wrong, and is described by the
/// error. Errors are not announced as they appear (a form sent empty announced every one at
/// once); a send that finds fields wrong puts the focus on the first instead.
#[component]
pub fn Field(
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] wide: bool,
    // Marked with a red asterisk (the form refuses to save without it).
    #[prop(optional)] required: bool,
    children: Children,
) -> impl IntoView {
    let err_id = format!("{id}-err");
    point_out_wrong_fields();
    let wrap = NodeRef::<leptos::html::Div>::new();
    let described = err_id.clone();
    Effect::new(move |_| {
        let wrong = error.with(Option::is_some);
        let Some(el) = wrap
            .get()
            .and_then(|w| w.query_selector(&format!("[id=\"{id}\"]")).ok().flatten())
        else {
            return;
        };
        if required {
            let _ = el.set_attribute("aria-required", "true");
        }
        let by = el.get_attribute("aria-describedby").unwrap_or_default();
        if !by.split_whitespace().any(|t| t == described) {
            let _ = el.set_attribute("aria-describedby", format!("{by} {described}").trim());
        }
        let _ = if wrong {
            el.set_attribute("aria-invalid", "true")
        } else {
            el.remove_attribute("aria-invalid")
        };
    });
    view! {
        <div class=if wide { "field wide" } else { "field" } node_ref=wrap>
            <label for=id>{move || label.get()}{required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {children()}
            <div class="err" id=err_id>{move || error.get()}</div>
        </div>
    }
}

/// A notice on a record's page while the record has a sync conflict waiting for a person
/// (listed in the local `sync-conflicts` document), with the way to settle it.
#[component]
pub fn ConflictBanner(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let state = app();
    let ctx = sync_status::sync_ctx();
    let waiting = Res::new(move || {
        state.changes.track();
        ctx.status.track();
        let id = id.get();
        async move {
            crate::sync::conflicts::waiting(&store(), &id)
                .await
                .unwrap_or(false)
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || waiting.get().unwrap_or(false).then(|| view! {
                <p class="warn-box no-print" role="status" data-testid="conflict-banner">
                    {t2("此记录在两台设备上有不同的修改，待处理。", "This record was changed differently on two devices; the difference waits to be settled.")}
                    " "
                    <a href="/settings#sync">{t2("前往 设置 → 同步 处理", "Settle it in Settings → Sync")}</a>
                </p>
            })}
        </Suspense>
    }
}
