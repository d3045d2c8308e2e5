//! Storage: whether the browser granted persistent storage, and how much space is used.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::store::StorageInfo;
use crate::ui::i18n::t2;
use crate::ui::state::{app, AppStore};

fn mb(bytes: Option<f64>) -> String {
    bytes
        .map(|b| format!("{:.1} MB", b / 1_048_576.0))
        .unwrap_or_else(|| "—".into())
}

#[component]
pub fn StorageSection() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let info = RwSignal::new(None::<StorageInfo>);
    // `try_set`: the page may be gone when the browser answers (a kiosk sends a typed
    // /settings back to itself at once; QA: a disposed signal's panic).
    let refresh = move || {
        spawn_local(async move {
            info.try_set(AppStore::storage_info().await.ok());
        })
    };
    refresh();
    let ask = move |_| {
        spawn_local(async move {
            let granted = AppStore::request_persistence().await.unwrap_or(false);
            info.try_set(AppStore::storage_info().await.ok());
            if granted {
                state.tell(
                    "浏览器已同意持久保存数据",
                    "The browser will keep the data persistently",
                );
            } else {
                state.warn2(
                    "浏览器未同意持久保存：空间紧张时数据可能被清除，请定期备份。",
                    "The browser did not grant persistent storage: data may be evicted when space runs low, so back up regularly.",
                );
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="storage-h">
            <h2 id="storage-h">{t2("本地存储", "Storage on this device")}</h2>
            {move || info.get().map(|i| view! {
                <dl class="row" data-testid="storage-info">
                    <dt>{t2("持久保存：", "Persistent:")}</dt>
                    <dd data-testid="persisted">{match i.persisted {
                        Some(true) => lang.get().t("已授予", "granted"),
                        Some(false) => lang.get().t("未授予", "not granted"),
                        None => lang.get().t("不支持", "not supported"),
                    }}</dd>
                    <dt>{t2("已用：", "Used:")}</dt><dd>{mb(i.usage_bytes)}</dd>
                    <dt>{t2("配额：", "Quota:")}</dt><dd>{mb(i.quota_bytes)}</dd>
                </dl>
            })}
            <button type="button" on:click=ask>{t2("申请持久保存", "Ask to keep data persistently")}</button>
        </section>
    }
}
