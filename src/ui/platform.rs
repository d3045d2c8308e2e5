//! platform: the few browser facilities pages need (clock, randomness, localStorage, file
//! download and upload), wrapped once so pages stay free of web-sys plumbing.

use chrono::{Local, NaiveDateTime};
use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsCast;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("no window")
}

/// Local wall-clock time (the branch's time zone is the browser's).
pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

pub fn now_millis() -> u64 {
    js_sys::Date::now() as u64
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut buf);
    } else {
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf
}

/// A new document id of a record type, time-ordered.
pub fn new_id(type_name: &str) -> String {
    crate::domain::ids::new_id(type_name, now_millis(), random_bytes::<10>())
}

/// This tab's id, kept in its sessionStorage: the same through a reload of the tab, another
/// in another tab (what is typed in one tab is kept apart from another's).
pub fn tab_id() -> String {
    let session = window().session_storage().ok().flatten();
    if let Some(id) = session
        .as_ref()
        .and_then(|s| s.get_item("kefu.tab").ok().flatten())
    {
        return id;
    }
    let id = new_id("tab");
    if let Some(s) = session {
        let _ = s.set_item("kefu.tab", &id);
    }
    id
}

/// The localStorage keys that start with `prefix`.
pub fn local_keys(prefix: &str) -> Vec<String> {
    let Some(s) = local_storage() else {
        return Vec::new();
    };
    (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn local_get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, value);
    }
    if key.starts_with(MIRRORED) {
        mirrorPut(key, value);
    }
}

pub fn local_remove(key: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(key);
    }
    if key.starts_with(MIRRORED) {
        mirrorDelete(key);
    }
}

/// The localStorage entries also kept in IndexedDB (see `ui/mirror.js`): every one the app
/// writes (drafts, the kiosk's customer in progress, a phone's answered surveys, choices).
const MIRRORED: &str = "kefu.";

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/ui/mirror.js")]
extern "C" {
    fn mirrorPut(key: &str, value: &str);
    fn mirrorDelete(key: &str);
    fn mirrorRestore() -> js_sys::Promise;
}

/// Settles localStorage with its IndexedDB copy, the newer change winning (see `ui/mirror.js`):
/// puts back what a crash kept from reaching localStorage, written or removed, and copies what
/// a page left too soon kept from reaching the copy. Run at start-up, before any page reads a
/// draft. Returns how many entries came back.
pub async fn restore_local() -> u32 {
    wasm_bindgen_futures::JsFuture::from(mirrorRestore())
        .await
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0) as u32
}

/// A value kept as JSON under `key`; `None` when there is none or it does not read.
pub fn local_read<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    local_get(key).and_then(|s| serde_json::from_str(&s).ok())
}

/// Keeps `value` as JSON under `key`.
pub fn local_write<T: serde::Serialize>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        local_set(key, &json);
    }
}

/// Offers `content` to the user as a downloaded file.
pub fn download(filename: &str, mime: &str, content: &str) {
    let filename = &with_branch(
        filename,
        &leptos::prelude::GetUntracked::get_untracked(&crate::ui::state::app().branch).code,
    );
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = window().document().expect("document");
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(filename);
        let _ = doc.body().map(|b| b.append_child(&a));
        a.click();
        a.remove();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// An exported file's name with the branch's code after `kefu-` (`kefu-ZZ01-monthly-report-…`):
/// head office receives files from many branches, and a shelf of backups is told apart (QA:
/// no file named its branch). Unchanged without a code, or for a name not `kefu-…`.
pub fn with_branch(filename: &str, code: &str) -> String {
    let code: String = code
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    match filename.strip_prefix("kefu-") {
        Some(rest) if !code.is_empty() => format!("kefu-{code}-{rest}"),
        _ => filename.to_string(),
    }
}

/// Reads a picked file as bytes.
pub async fn read_file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let promise = file.array_buffer();
    let buf = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Strict GB18030 (GBK, GB2312) to text with the browser's own `TextDecoder` (the WHATWG
/// decoder that encoding_rs implements too): `None` when the bytes are not GB18030 text.
/// The domain's [`decode_with`](crate::domain::customer::decode_with) takes it, so the wasm
/// carries no GB18030 tables of its own.
pub fn decode_gb18030(bytes: &[u8]) -> Option<String> {
    let options = web_sys::TextDecoderOptions::new();
    options.set_fatal(true);
    web_sys::TextDecoder::new_with_label_and_options("gb18030", &options)
        .ok()?
        .decode_with_u8_array(bytes)
        .ok()
}

/// Lets the browser paint (and stay responsive) between chunks of long work.
pub async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

pub fn is_online() -> bool {
    window().navigator().on_line()
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval_js(f: &js_sys::Function, ms: u32) -> wasm_bindgen::JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval_js(id: &wasm_bindgen::JsValue);
}

/// Runs `f` every `every`, for as long as the current reactive owner lives: the interval is
/// cleared when the owner is cleaned up (a page or dialog closed).
///
/// The timer's id is kept as the JS value it is, not as an `i32` (as web-sys's and Leptos's
/// `set_interval` keep it): an id past `i32` (Playwright's clock hands out ids from 10^12) came
/// back wrapped, clearing it cleared nothing, and the closed kiosk's tick went on reading the
/// disposed screen (a panic).
pub fn on_interval(every: std::time::Duration, f: impl Fn() + 'static) {
    let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f).into_js_value();
    let ms = u32::try_from(every.as_millis()).unwrap_or(u32::MAX);
    // A number in every browser; kept as one so that the cleanup may move it.
    let id = set_interval_js(cb.unchecked_ref(), ms).as_f64();
    leptos::prelude::on_cleanup(move || {
        if let Some(id) = id {
            clear_interval_js(&wasm_bindgen::JsValue::from_f64(id));
        }
    });
}

const TAB_LOCK_PREFIX: &str = "kefu-tab:";

/// Holds a Web Lock named for this tab ([`tab_id`]) for the life of the page, so that other
/// tabs can tell it is open ([`open_tabs`]); the browser lets go of it when the tab closes or
/// crashes. Done once the lock is held (at once where Web Locks are missing).
///
/// A tab the browser duplicated ("Duplicate tab", or one opened from a tab's link in some
/// browsers) starts with a copy of the first tab's sessionStorage, so with its id: its lock is
/// then held by a live tab, and it takes an id of its own, so the two never share a draft. A
/// reload's page before lets go of the lock within moments, so the lock is waited for a
/// second before it is taken as another tab's.
pub async fn hold_tab_lock() {
    for _ in 0..2 {
        match request_tab_lock(&tab_id()).await {
            Some(false) => renew_tab_id(),
            Some(true) | None => return,
        }
    }
}

/// This tab's id taken anew (its sessionStorage copied another tab's).
fn renew_tab_id() {
    if let Some(s) = window().session_storage().ok().flatten() {
        let _ = s.set_item("kefu.tab", &new_id("tab"));
    }
}

/// Asks for the lock of tab `id`: Some(true) once held, Some(false) when another page still
/// holds it after a second, None where Web Locks are missing.
async fn request_tab_lock(id: &str) -> Option<bool> {
    use wasm_bindgen::{closure::Closure, JsValue};
    let locks = web_locks()?;
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let controller = web_sys::AbortController::new().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"signal".into(), &controller.signal()).ok()?;
    let mut settle = None;
    let outcome = js_sys::Promise::new(&mut |resolve, _| settle = Some(resolve));
    let settle = settle?;
    let granted = settle.clone();
    // Held until the page goes: the callback's promise never settles.
    let hold = Closure::once_into_js(move |_lock: JsValue| {
        let _ = granted.call1(&JsValue::NULL, &JsValue::TRUE);
        JsValue::from(js_sys::Promise::new(&mut |_, _| {}))
    });
    let asked = request
        .call3(
            &locks,
            &format!("{TAB_LOCK_PREFIX}{id}").into(),
            &options,
            &hold,
        )
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    // Aborted while still waiting: another page holds it. (After the grant, abort does nothing.)
    let refused = Closure::<dyn FnMut(JsValue)>::once(move |_e: JsValue| {
        let _ = settle.call1(&JsValue::NULL, &JsValue::FALSE);
    });
    let _ = asked.catch(&refused);
    refused.forget();
    gloo_timers::callback::Timeout::new(1_000, move || controller.abort()).forget();
    wasm_bindgen_futures::JsFuture::from(outcome)
        .await
        .ok()
        .and_then(|v| v.as_bool())
}

/// The ids of the tabs of this app open in this browser now (each holds its lock,
/// [`hold_tab_lock`]); None where Web Locks are missing.
pub async fn open_tabs() -> Option<std::collections::HashSet<String>> {
    let locks = web_locks()?;
    let query = js_sys::Reflect::get(&locks, &"query".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let promise = query
        .call0(&locks)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let snapshot = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let held = js_sys::Reflect::get(&snapshot, &"held".into()).ok()?;
    let held: js_sys::Array = held.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|l| js_sys::Reflect::get(&l, &"name".into()).ok()?.as_string())
            .filter_map(|n| n.strip_prefix(TAB_LOCK_PREFIX).map(str::to_string))
            .collect(),
    )
}

/// The localStorage keys under `prefix` kept by tabs that are closed now (each key is
/// `<prefix><tab id>`), but `own`: what a closed tab or a crash left, for this tab to take up.
/// A tab still open keeps its own. None where the browser cannot say which tabs are open.
pub async fn closed_tab_keys(prefix: &str, own: &str) -> Option<Vec<String>> {
    let open = open_tabs().await?;
    Some(
        local_keys(prefix)
            .into_iter()
            .filter(|k| k != own && !open.contains(&k[prefix.len()..]))
            .collect(),
    )
}

/// The draft to take up into a form this tab (whose own key is `own`) has none of: the one a
/// closed tab (or a crash) left under `prefix` that `usable` accepts and `rank` puts highest,
/// else the one an earlier build kept under `legacy` (one key for every tab), with its key, for
/// the caller to remove once taken. A tab still open keeps its own; where the browser cannot say
/// which tabs are open, only `legacy` is looked at.
pub async fn closed_tab_draft<T, K>(
    prefix: &str,
    own: &str,
    legacy: Option<&str>,
    usable: impl Fn(&T) -> bool,
    rank: impl Fn(&str, &T) -> K,
) -> Option<(String, T)>
where
    T: serde::de::DeserializeOwned,
    K: Ord,
{
    let closed = closed_tab_keys(prefix, own).await.unwrap_or_default();
    let read = |k: String| local_read::<T>(&k).filter(|d| usable(d)).map(|d| (k, d));
    closed
        .into_iter()
        .filter_map(read)
        .max_by_key(|(k, d)| rank(k, d))
        .or_else(|| legacy.map(str::to_string).and_then(read))
}

/// Moves the keyboard focus to the element with this id, if it is on the page.
pub fn focus_id(id: &str) {
    focus_first(&[&format!("#{id}")]);
}

/// An element-id-safe key of a record id (`staff:01K…` → `staff-01K…`).
pub fn dom_key(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Whether the keyboard focus is nowhere: on the page's body, as when the element that had
/// it was disabled, re-drawn or removed.
pub fn focus_lost() -> bool {
    window()
        .document()
        .and_then(|d| d.active_element())
        .is_none_or(|a| a.tag_name() == "BODY")
}

/// Gives the keyboard back to the first element `selector` finds whenever it is lost during
/// the next second and a half: a button disabled while its action runs, a row re-drawn once
/// the store has the change (which may come a few frames later). Where the user has moved
/// the focus meanwhile, it is left there. (QA: after 停用, a demand's action or a cancelled
/// import the focus fell to the page's top.)
/// The latest call ends the ones before (two would pull the focus between them).
pub fn keep_focus_on(selector: String) {
    thread_local! {
        static LATEST: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    fn step(selector: String, turn: u32, left: u32) {
        request_animation_frame(move || {
            if LATEST.with(|l| l.get()) != turn {
                return;
            }
            if focus_lost() {
                focus_first(&[&selector]);
            }
            if left > 0 {
                step(selector, turn, left - 1);
            }
        });
    }
    let turn = LATEST.with(|l| {
        l.set(l.get().wrapping_add(1));
        l.get()
    });
    step(selector, turn, 90);
}

/// Moves the keyboard focus to the first element the first matching selector finds.
pub fn focus_first(selectors: &[&str]) {
    let Some(doc) = window().document() else {
        return;
    };
    if let Some(el) = selectors
        .iter()
        .find_map(|s| doc.query_selector(s).ok().flatten())
    {
        let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

fn web_locks() -> Option<wasm_bindgen::JsValue> {
    js_sys::Reflect::get(&window().navigator(), &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())
}
