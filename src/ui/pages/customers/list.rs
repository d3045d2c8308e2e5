//! The customer list (/customers): search by name, the phone (its last four digits, or the
//! whole number) or the account number through indexes, one page at a time; contact data
//! masked. Four digits find the phones ending in them, then the account numbers starting so.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::customer::{
    ascii_digits, normalise_phone, valid_account, ContactField, Customer,
};
use crate::store::{typed, Cursor, DocStore, IndexKey, KeyPart, KeyRange, Query, StoreError};
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::edit::CustomerForm;
use super::{staff_by_id, string_prefix, PAGE};

/// Which index a search goes through, and its range.
fn search_range(q: &str) -> (&'static str, KeyRange) {
    let q = ascii_digits(q.trim()).to_lowercase();
    if q.is_empty() {
        ("customer_by_name", KeyRange::all())
    } else if q.len() == 4 && q.chars().all(|c| c.is_ascii_digit()) {
        (
            "customer_by_phone4",
            KeyRange::eq(IndexKey(vec![KeyPart::Str(q)])),
        )
    } else if q.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        ("customer_by_account", string_prefix(&q))
    } else {
        ("customer_by_name", string_prefix(&q))
    }
}

#[derive(Clone)]
struct ListPageData {
    rows: Vec<Customer>,
    next: Option<Cursor>,
    total: u64,
    staff: std::collections::HashMap<String, String>,
    /// Names holding the words past their start were not all listed (a full page of them, or
    /// more customers than [`INSIDE_SCAN`] to look through).
    inside_cut: bool,
    /// Four digits searched for: the account numbers starting with them were not all listed
    /// after the phones ending in them.
    account_cut: bool,
}

/// At most this many customers are read to find names holding the words past their start.
const INSIDE_SCAN: usize = 20_000;

/// Customers whose name holds `q` past its start (the name index finds those starting with
/// it: 资产管理 in 上海明远资产管理有限公司, 小明 in 王小明), up to `want`, read by name; and
/// whether more may be there.
async fn names_holding(q: &str, want: usize) -> Result<(Vec<Customer>, bool), StoreError> {
    let s = store();
    let (mut out, mut read, mut after) = (Vec::new(), 0, None);
    loop {
        let query = Query::new("customer_by_name", KeyRange::all())
            .limit(500)
            .after(after);
        let page = typed::page_of::<Customer, _>(&s, &query).await?;
        read += page.rows.len();
        for c in page.rows {
            let name = c.name.trim().to_lowercase();
            if !name.starts_with(q) && name.contains(q) {
                if out.len() == want {
                    return Ok((out, true));
                }
                out.push(c);
            }
        }
        match page.next {
            Some(next) if read < INSIDE_SCAN => after = Some(next),
            rest => return Ok((out, rest.is_some())),
        }
    }
}

/// A whole mobile or landline number searched for: the customers holding it, read through the
/// index of their last four digits (a few share them), all on one page.
async fn by_whole_phone(phone: &str) -> Result<Vec<Customer>, StoreError> {
    let s = store();
    let last4 = IndexKey(vec![KeyPart::Str(phone[phone.len() - 4..].to_string())]);
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let q = Query::new("customer_by_phone4", KeyRange::eq(last4.clone()))
            .limit(PAGE)
            .after(after);
        let page = typed::page_of::<Customer, _>(&s, &q).await?;
        out.extend(
            page.rows
                .into_iter()
                .filter(|c| c.phone.as_deref().and_then(normalise_phone).as_deref() == Some(phone)),
        );
        match page.next {
            Some(c) => after = Some(c),
            None => return Ok(out),
        }
    }
}

/// The customers `index` lists starting with `words`, up to a page's room, added after `rows`
/// (none twice): how many were added, and whether more were left out.
async fn add_from(
    index: &'static str,
    words: &str,
    rows: &mut Vec<Customer>,
) -> Result<(u64, bool), StoreError> {
    let room = PAGE.saturating_sub(rows.len());
    if room == 0 {
        return Ok((0, false));
    }
    let query = Query::new(index, string_prefix(words)).limit(room);
    let more = typed::page_of::<Customer, _>(&store(), &query).await?;
    let mut found = 0;
    for c in more.rows {
        if !rows.iter().any(|r| r.id == c.id) {
            found += 1;
            rows.push(c);
        }
    }
    Ok((found, more.next.is_some()))
}

async fn load_page(q: String, after: Option<Cursor>) -> Result<ListPageData, StoreError> {
    let s = store();
    let (mut inside_cut, mut account_cut) = (false, false);
    let (total, page) = match normalise_phone(q.trim()).filter(|p| p.len() > 4) {
        Some(phone) => {
            let rows = by_whole_phone(&phone).await?;
            let page = typed::TypedPage {
                rows,
                next: None,
                corrupt: Vec::new(),
            };
            (page.rows.len() as u64, page)
        }
        None => {
            let (index, range) = search_range(&q);
            let total = s.count(index, &range).await?;
            let query = Query::new(index, range).limit(PAGE).after(after);
            let mut page = typed::page_of::<Customer, _>(&s, &query).await?;
            // The last page of the names starting with the words: those holding them further
            // in follow on it.
            let words = ascii_digits(q.trim()).to_lowercase();
            if index == "customer_by_name" && !words.is_empty() && page.next.is_none() {
                let (more, cut) =
                    names_holding(&words, PAGE.saturating_sub(page.rows.len())).await?;
                inside_cut = cut;
                let mut found = more.len() as u64;
                page.rows.extend(more);
                // An account number may start with a letter (A00001; QA: not found).
                if valid_account(&words) {
                    let (n, cut) = add_from("customer_by_account", &words, &mut page.rows).await?;
                    found += n;
                    account_cut = cut;
                }
                (total + found, page)
            } else if index == "customer_by_account" && page.next.is_none() {
                // A name may start with a digit (3M中国; QA: only its inside was found).
                let (n, _) = add_from("customer_by_name", &words, &mut page.rows).await?;
                (total + n, page)
            } else if index == "customer_by_phone4" && page.next.is_none() {
                // Four digits may as well start an account number: those customers follow the
                // phones ending in them (not again one found by both).
                let range = string_prefix(&words);
                let accounts = s.count("customer_by_account", &range).await?;
                let room = PAGE.saturating_sub(page.rows.len());
                let mut found = 0;
                if room > 0 && accounts > 0 {
                    let query = Query::new("customer_by_account", range).limit(room);
                    let more = typed::page_of::<Customer, _>(&s, &query).await?;
                    account_cut = more.next.is_some();
                    for c in more.rows {
                        if !page.rows.iter().any(|p| p.id == c.id) {
                            found += 1;
                            page.rows.push(c);
                        }
                    }
                } else {
                    account_cut = accounts > 0;
                }
                let total = if account_cut {
                    total + accounts
                } else {
                    total + found
                };
                (total, page)
            } else {
                (total, page)
            }
        }
    };
    let staff = staff_by_id()
        .await
        .into_iter()
        .map(|(id, s)| (id, s.name))
        .collect();
    Ok(ListPageData {
        rows: page.rows,
        next: page.next,
        total,
        staff,
        inside_cut,
        account_cut,
    })
}

#[component]
pub fn ListPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let query = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let after = RwSignal::new(None::<Cursor>);
    let back: RwSignal<Vec<Option<Cursor>>> = RwSignal::new(Vec::new());
    let creating = RwSignal::new(false);

    let data = Res::new(move || {
        state.changes.track();
        let q = applied.get();
        let a = after.get();
        let zh = state.lang.get().is_zh();
        async move { load_page(q, a).await.map_err(|e| e.message(zh)) }
    });

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        back.set(Vec::new());
        after.set(None);
        applied.set(query.get_untracked());
    };
    let next_page = move |next: Option<Cursor>| {
        back.update(|b| b.push(after.get_untracked()));
        after.set(next);
    };
    let prev_page = move |_| {
        let mut b = back.get_untracked();
        if let Some(p) = b.pop() {
            back.set(b);
            after.set(p);
        }
    };
    let zh = move || lang.get().is_zh();

    view! {
        <div class="customers">
            <div class="spread">
                <h1>{t2("客户", "Customers")}</h1>
                <div class="row">
                    <button type="button" class="primary" id="customer-new" on:click=move |_| creating.set(true)
                        data-testid="customer-new">{t2("新建客户", "New customer")}</button>
                    <A href="/customers/import" attr:class="button">{t2("从 CSV 导入", "Import CSV")}</A>
                </div>
            </div>
            <Show when=move || creating.get()>
                <CustomerForm initial=None on_done=move |_| {
                    creating.set(false);
                    request_animation_frame(|| crate::ui::platform::focus_id("customer-new"));
                }/>
            </Show>
            <form class="row search" role="search" on:submit=search>
                <label for="customer-search" class="sr-only">{t2("搜索客户", "Search customers")}</label>
                <input id="customer-search" type="search" bind:value=query data-testid="customer-search"
                    placeholder=move || lang.get().t("姓名、手机号（或后4位）或客户号", "Name, phone (or its last 4 digits) or account no.")/>
                <button type="submit">{t2("搜索", "Search")}</button>
            </form>
            {move || match data.get() {
                None => view! { <p class="muted">{t2("正在读取…", "Loading…")}</p> }.into_any(),
                Some(Err(msg)) => view! { <p class="err" role="alert">{msg}</p> }.into_any(),
                Some(Ok(d)) => {
                    let next = d.next.clone();
                    let has_next = next.is_some();
                    let first = back.with(|b| b.is_empty());
                    let staff = d.staff;
                    view! {
                        <p class="muted small" data-testid="customer-count">
                            {move || if zh() { format!("共 {} 位客户", d.total) } else { format!("{} customer(s)", d.total) }}
                            {d.inside_cut.then(|| view! { " · " {t2("名称中含该字词的客户未全部列出，请输入更完整的名称", "Not every name holding these words is listed: type more of the name")} })}
                            {d.account_cut.then(|| view! { " · " {t2("客户号以这些数字开头的客户未全部列出，请输入更多位数字", "Not every account number starting with these digits is listed: type more digits")} })}
                        </p>
                        // A branch's first visit: what to do next, not a bare 共 0 位客户 (QA).
                        {(d.total == 0 && applied.with_untracked(|q| q.trim().is_empty())).then(|| view! {
                            <p class="muted" data-testid="no-customers">{t2(
                                "还没有客户：点“新建客户”逐一登记，或“从 CSV 导入”客户名单。",
                                "No customers yet: add them one by one with “New customer”, or import a list with “Import CSV”.",
                            )}</p>
                        })}
                        <div class="table-wrap">
                            <table class="stack" data-testid="customer-table">
                                <thead><tr>
                                    <th>{t2("姓名", "Name")}</th>
                                    <th>{t2("类型", "Kind")}</th>
                                    <th>{t2("等级", "Tier")}</th>
                                    <th>{t2("价值", "Value")}</th>
                                    <th>{t2("生命周期", "Lifecycle")}</th>
                                    <th>{t2("手机", "Phone")}</th>
                                    <th>{t2("客户号", "Account no.")}</th>
                                    <th>{t2("服务人员", "Staff")}</th>
                                </tr></thead>
                                <tbody>
                                    {d.rows.into_iter().map(|c| {
                                        let href = format!("/customers/{}", c.id);
                                        let staff_name = c.staff_id.as_ref().and_then(|id| staff.get(id)).cloned().unwrap_or_default();
                                        let phone = ContactField::Phone.masked_of(&c);
                                        let account = ContactField::AccountNo.masked_of(&c);
                                        let (kind, tier, value, life) = (c.kind, c.tier, c.value, c.lifecycle);
                                        view! {
                                            <tr data-testid="customer-row">
                                                <td class="wide"><A href=href>{c.name.clone()}</A></td>
                                                <td data-label=move || if zh() { "类型" } else { "Kind" }>{move || kind.label(zh())}</td>
                                                <td data-label=move || if zh() { "等级" } else { "Tier" }>{move || tier.label(zh())}</td>
                                                <td data-label=move || if zh() { "价值" } else { "Value" }>{move || value.label(zh())}</td>
                                                <td data-label=move || if zh() { "生命周期" } else { "Lifecycle" }>{move || life.label(zh())}</td>
                                                <td class="mono" data-label=move || if zh() { "手机" } else { "Phone" } data-testid="masked-phone">{phone}</td>
                                                <td class="mono" data-label=move || if zh() { "客户号" } else { "Account no." }>{account}</td>
                                                <td data-label=move || if zh() { "服务人员" } else { "Staff" }>{staff_name}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div class="actions">
                            <button type="button" disabled=first on:click=prev_page>{t2("上一页", "Previous")}</button>
                            <button type="button" disabled=!has_next data-testid="next-page"
                                on:click=move |_| next_page(next.clone())>{t2("下一页", "Next")}</button>
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}
