//! results: one survey version's figures (/surveys/:id/results?version=N) — responses,
//! CSAT, NPS, CSI, the 90% target, per-question distributions, per-scale means and
//! Cronbach's alpha with alpha-if-item-deleted, the trend, counts by channel, stage and
//! staff — filtered by channel, stage, staff and date; CSV export; and the follow-ups to do.
//! Responses are read through the `response_by_survey` index page by page; every figure
//! comes from `domain::stats`.

use crate::domain::datefmt::Layout;
use crate::domain::sort::sort_by;
use crate::ui::resource::Res;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::answer::SurveyForm;
use super::charts::{BarChart, LineChart};
use super::records::{
    anchor_key, followups, load_responses, load_survey, submit_response, url_key,
};
use super::{fmt1, fmt2, param_survey_id};
use crate::domain::journey::{default_journey, JourneyConfig};
use crate::domain::staff::Staff;
use crate::domain::stats::{
    responses_csv, results, trend, trend_range, Bucket, Distribution, Reliability, ResultsFilter,
    SurveyResults, SATISFACTION_TARGET_PCT,
};
use crate::domain::survey::{
    Channel, FollowUpStatus, QuestionKind, Survey, SurveyFollowUp, SurveyResponse,
};
use crate::store::typed;
use crate::ui::components::dialog::Modal;
use crate::ui::components::ProgressBar;
use crate::ui::data::all_of;
use crate::ui::i18n::t2;
use crate::ui::platform::{download, now};
use crate::ui::state::{app, store};

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn channel_key(c: Channel) -> &'static str {
    match c {
        Channel::Kiosk => "kiosk",
        Channel::Link => "link",
        Channel::Staff => "staff",
    }
}

/// A question as a column or an item is named: its number in the survey and the start of its
/// text (`3. 等候时间…`), not its internal id; the id when the survey no longer has it.
fn question_label(survey: &Survey, id: &str, zh: bool) -> String {
    match survey.questions.iter().position(|q| q.id == id) {
        Some(i) => {
            let text = survey.questions[i].text.get(zh);
            let keep = if zh { 12 } else { 24 };
            let mut short: String = text.chars().take(keep).collect();
            if text.chars().count() > keep {
                short.push('…');
            }
            format!("{}. {short}", i + 1)
        }
        None => id.to_string(),
    }
}

/// Below this many complete responses an alpha is shown with a caution: with few respondents
/// it swings widely (two respondents who each answer every item alike give 1.00).
const ALPHA_FEW: usize = 30;

/// Why an alpha is undefined, in words.
fn alpha_reason(r: &Reliability, zh: bool) -> String {
    if r.k < 2 {
        if zh {
            "该维度的评分题少于 2 道".into()
        } else {
            "the scale has fewer than 2 scored items".into()
        }
    } else if r.n < 2 {
        if zh {
            "完整作答该维度的答卷少于 2 份".into()
        } else {
            "fewer than 2 responses answered every item".into()
        }
    } else if zh {
        "答案没有差异（总分方差为 0）".into()
    } else {
        "the answers do not vary (total variance 0)".into()
    }
}

#[derive(Clone, Copy)]
struct Filters {
    channel: RwSignal<String>,
    stage: RwSignal<String>,
    staff: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    /// Count responses left part-way too (their answered questions): a kiosk keeps them when
    /// set to.
    partial: RwSignal<bool>,
}

impl Filters {
    fn to_filter(self) -> ResultsFilter {
        ResultsFilter {
            channel: Channel::ALL
                .into_iter()
                .find(|c| channel_key(*c) == self.channel.get()),
            stage: Some(self.stage.get()).filter(|s| !s.is_empty()),
            staff_id: Some(self.staff.get()).filter(|s| !s.is_empty()),
            from: parse_date(&self.from.get()),
            to: parse_date(&self.to.get()),
            include_partial: self.partial.get(),
        }
    }
}

#[component]
pub fn ResultsPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let id = param_survey_id("id");
    let query = use_query_map();
    let version_param = Memo::new(move |_| {
        query
            .read()
            .get("version")
            .and_then(|v| v.parse::<u32>().ok())
    });
    let version: RwSignal<Option<u32>> = RwSignal::new(version_param.get_untracked());
    Effect::new(move |_| version.set(version_param.get()));
    let f = Filters {
        channel: RwSignal::new(String::new()),
        stage: RwSignal::new(String::new()),
        staff: RwSignal::new(String::new()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
        partial: RwSignal::new(false),
    };
    // The filters in the address (`?channel=…&from=…&partial=1`, with the version chosen): a
    // reload, the back button or a copied link keeps them.
    let keyed = [
        ("channel", f.channel),
        ("stage", f.stage),
        ("staff", f.staff),
        ("from", f.from),
        ("to", f.to),
    ];
    query.with_untracked(|q| {
        for (k, s) in keyed {
            s.set(q.get(k).unwrap_or_default());
        }
        f.partial.set(q.get_str("partial") == Some("1"));
    });
    let navigate = leptos_router::hooks::use_navigate();
    let pathname = leptos_router::hooks::use_location().pathname;
    Effect::new(move |_| {
        // The address's own parameters (`response`) first, as they came; then the filters in
        // one order, so the same filters always read the same (a copied link is not rewritten).
        // `fill` and `customer` open the 代填 dialog once (read above): a reload or a copied
        // link must not open it again.
        const OURS: [&str; 9] = [
            "channel", "stage", "staff", "from", "to", "partial", "version", "fill", "customer",
        ];
        let now: Vec<(String, String)> = query.with_untracked(|q| {
            q.latest_values()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        });
        let mut want: Vec<(String, String)> = now
            .iter()
            .filter(|(k, _)| !OURS.contains(&k.as_str()))
            .cloned()
            .collect();
        for (k, s) in keyed {
            let v = s.get();
            if !v.is_empty() {
                want.push((k.to_string(), v));
            }
        }
        if f.partial.get() {
            want.push(("partial".into(), "1".into()));
        }
        if let Some(v) = version.get() {
            want.push(("version".into(), v.to_string()));
        }
        if want != now {
            let search = want
                .into_iter()
                .collect::<leptos_router::params::ParamsMap>()
                .to_query_string();
            let to = format!("{}{search}", pathname.get_untracked());
            navigate(
                &to,
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
    // The trend's granularity as the user chose it; None: the one that suits the range.
    let bucket = RwSignal::new(None::<Bucket>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    // The response a follow-up link points at, highlighted in the responses table.
    let highlight = RwSignal::new(None::<String>);
    // `?response=<id>` (links from the customer timeline and the journey map) opens that
    // response: its answers in full above the table, its row highlighted.
    let opened = RwSignal::new(None::<String>);
    let response_param = Memo::new(move |_| query.read().get("response").filter(|s| !s.is_empty()));
    Effect::new(move |_| {
        if let Some(r) = response_param.get() {
            highlight.set(Some(r.clone()));
            opened.set(Some(r));
        }
    });

    let survey = Res::new(move || {
        state.changes.track();
        let id = id.get();
        async move { load_survey(&store(), &id).await.ok() }
    });
    let lookups = Res::new(move || async move {
        let st = store();
        let staff = all_of::<Staff>(&st)
            .await
            .map(|(v, _)| v)
            .unwrap_or_default();
        let journey = typed::load::<JourneyConfig, _>(&st, "journey:config")
            .await
            .unwrap_or_else(|_| default_journey());
        (staff, journey)
    });
    // 员工代填: a staff member answers for a customer (on the phone, or in person without the
    // kiosk), into the survey as it is now. The dialog holds its own copy of the survey, so a
    // change arriving meanwhile does not rebuild the form under their hands.
    let filling = RwSignal::new(None::<Survey>);
    let fill_round = RwSignal::new(0u32);
    let fill_sending = RwSignal::new(false);
    // What became of the last one sent, said in the dialog (the page's notice line is behind it).
    let fill_said = RwSignal::new(None::<Result<(), String>>);
    // Staff stopped collecting meanwhile (on this device or another): found at a submit, which
    // stores nothing; the dialog then offers no form.
    let fill_ended = RwSignal::new(false);
    // A newer version saved meanwhile: the answers just sent count under the version they
    // answered, and the next form is the new one (its number, said).
    let fill_newer = RwSignal::new(None::<u32>);
    let rated = RwSignal::new(String::new());
    let open_fill = move || {
        if crate::ui::pages::customers::signed_in().is_none() {
            return;
        }
        if let Some(Some(s)) = survey.get_untracked() {
            rated.set(String::new());
            fill_said.set(None);
            fill_ended.set(false);
            fill_newer.set(None);
            fill_sending.set(false);
            filling.set(Some(s));
        }
    };
    // `?fill=1` (the survey list's 代填 link) opens it once the survey is read.
    let fill_asked = StoredValue::new(query.read_untracked().get("fill").as_deref() == Some("1"));
    // `&customer=<id>` (from a customer's page): the answers are that customer's, on their
    // timeline and on a follow-up they open.
    let fill_for = query
        .read_untracked()
        .get("customer")
        .filter(|c| !c.is_empty());
    let fill_customer = Res::new(move || {
        let id = fill_for.clone();
        async move {
            let id = id?;
            let c = typed::load::<crate::domain::customer::Customer, _>(&store(), &id).await;
            Some((id, c.map(|c| c.name).ok()))
        }
    });
    Effect::new(move |_| {
        if let Some(Some(s)) = survey.get() {
            if fill_asked.get_value() {
                fill_asked.set_value(false);
                if s.collecting() {
                    open_fill();
                }
            }
        }
    });
    let fill_submit = move |mut r: SurveyResponse| {
        let Some(s) = filling.get_untracked() else {
            return;
        };
        r.channel = Channel::Staff;
        r.complete = true;
        r.customer_id = fill_customer.get_untracked().flatten().map(|(id, _)| id);
        r.staff_id = Some(rated.get_untracked()).filter(|id| !id.is_empty());
        // Who filled it in, named on the KPI sheet beside an answer counted for a colleague.
        r.entered_by = state
            .user
            .get_untracked()
            .map(|u| crate::domain::complaint::StaffRef {
                id: u.id,
                name: u.name,
            });
        spawn_local(async move {
            // The survey as stored now (QA: a dialog left open took answers after staff on
            // another device stopped collecting, and kept offering the old version's form).
            let stored = load_survey(&store(), &s.id).await.ok();
            if stored.as_ref().is_some_and(|f| !f.collecting()) {
                fill_ended.try_set(true);
                fill_sending.try_set(false);
                return;
            }
            match submit_response(&store(), &s, &r).await {
                Ok(_) => {
                    fill_said.try_set(Some(Ok(())));
                    if let Some(newer) = stored.filter(|f| f.version != s.version) {
                        fill_newer.try_set(Some(newer.version));
                        filling.try_set(Some(newer));
                    }
                    // A fresh form for the next customer, the keyboard at its first question.
                    fill_sending.try_set(false);
                    fill_round.try_update(|n| *n += 1);
                    request_animation_frame(|| {
                        crate::ui::platform::focus_first(&["[data-testid=fill-dialog] fieldset.sq"])
                    });
                }
                // The answers stay in the form, to be sent again.
                Err(e) => {
                    fill_said.try_set(Some(Err(e.message(state.zh()))));
                    fill_sending.try_set(false);
                }
            }
        });
    };

    // Responses in the date range, read page by page (the other filters apply in memory).
    let responses = Res::new(move || {
        state.changes.track();
        let id = id.get();
        let (from, to) = (parse_date(&f.from.get()), parse_date(&f.to.get()));
        async move {
            let total = super::records::response_count(&store(), &id)
                .await
                .unwrap_or(0) as usize;
            progress.set(Some((0, total)));
            let r = load_responses(&store(), &id, from, to, |n| {
                progress.set(Some((n.min(total), total)))
            })
            .await;
            progress.set(None);
            r.unwrap_or_default()
        }
    });
    let follow = Res::new(move || {
        state.changes.track();
        let id = id.get();
        async move { followups(&store(), &id).await.unwrap_or_default() }
    });

    // The survey at the chosen version.
    let at_version = move || -> Option<Survey> {
        let s = survey.get().flatten()?;
        let v = version.get().unwrap_or(s.version);
        s.at_version(v)
    };
    let computed = Memo::new(move |_| -> Option<(Survey, SurveyResults)> {
        let sv = at_version()?;
        let rs = responses.get()?;
        let r = results(&sv, &rs, &f.to_filter(), SATISFACTION_TARGET_PCT);
        Some((sv, r))
    });

    let export = move |_| {
        let (Some(sv), Some(rs)) = (at_version(), responses.get_untracked()) else {
            return;
        };
        let staff = lookups.get_untracked().map(|(s, _)| s).unwrap_or_default();
        let name = |id: &str| staff.iter().find(|s| s.id == id).map(|s| s.name.clone());
        match responses_csv(&sv, &rs, &f.to_filter(), state.zh(), &name) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let name = format!(
                    "survey-{}-v{}-{}.csv",
                    url_key(&sv.id),
                    sv.version,
                    now().layout("%Y%m%d")
                );
                download(&name, "text/csv;charset=utf-8", &text);
            }
            Err(e) => state.warn(e.to_string()),
        }
    };

    view! {
        <section class="survey-results">
            // One element around the page, the dialog's sibling: it stays inert while the
            // dialog is open when the page below is built again (each answer saved re-reads it).
            <div>
            <Suspense fallback=|| view! { <p class="muted">"…"</p> }>
            {move || survey.get().map(|s| match s {
                None => view! {
                    <div class="panel" role="alert"><h1>{t2("找不到这份问卷", "Survey not found")}</h1>
                    <A href="/surveys">{t2("返回问卷列表", "Back to the surveys")}</A></div>
                }.into_any(),
                Some(s) => {
                    let key = url_key(&s.id).to_string();
                    let mut versions: Vec<u32> = s.previous_versions.iter().map(|v| v.version).collect();
                    versions.push(s.version);
                    versions.reverse();
                    let current = s.version;
                    let title = s.title.clone();
                    view! {
                        <div class="spread">
                            <h1>{move || title.get(zh()).to_string()} " · " {t2("结果", "Results")}</h1>
                            <div class="row no-print">
                                <A href=format!("/surveys/{key}")>{t2("编辑问卷", "Edit the survey")}</A>
                                {s.collecting().then(|| view! {
                                    <button type="button" data-testid="fill-open" on:click=move |_| open_fill()>{t2("员工代填", "Fill in for a customer")}</button>
                                })}
                                <button type="button" data-testid="export-csv" on:click=export>{t2("导出 CSV", "Export CSV")}</button>
                            </div>
                        </div>
                        <div class="panel fields no-print sr-filters">
                            <div class="field">
                                <label for="rs-version">{t2("版本", "Version")}</label>
                                <select id="rs-version" data-testid="version-select" on:change=move |ev| {
                                    version.set(event_target_value(&ev).parse().ok());
                                }>
                                    {versions.into_iter().map(|v| {
                                        let sel = move || version.get().unwrap_or(current) == v;
                                        view! { <option value=v.to_string() selected=sel>
                                            {move || match (zh(), v == current) {
                                                (true, true) => format!("第 {v} 版（当前）"),
                                                (true, false) => format!("第 {v} 版"),
                                                (false, true) => format!("Version {v} (current)"),
                                                (false, false) => format!("Version {v}"),
                                            }}
                                        </option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="rs-channel">{t2("渠道", "Channel")}</label>
                                <select id="rs-channel" bind:value=f.channel>
                                    <option value="">{t2("全部", "All")}</option>
                                    {Channel::ALL.into_iter().map(|c| view! {
                                        <option value=channel_key(c) selected=move || f.channel.get() == channel_key(c)>{move || c.label(zh())}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="rs-stage">{t2("旅程阶段", "Stage")}</label>
                                <select id="rs-stage" bind:value=f.stage>
                                    <option value="">{t2("全部", "All")}</option>
                                    // `selected`: a stage or staff member from the address is
                                    // chosen once the options are read.
                                    {move || lookups.get().map(|(_, j)| j.stages.into_iter().map(|s| {
                                        let key = s.id.clone();
                                        view! { <option value=s.id.clone() selected=move || f.stage.with(|v| *v == key)>{s.name.get(zh()).to_string()}</option> }
                                    }).collect_view())}
                                </select>
                            </div>
                            <div class="field">
                                <label for="rs-staff">{t2("员工", "Staff")}</label>
                                <select id="rs-staff" bind:value=f.staff>
                                    <option value="">{t2("全部", "All")}</option>
                                    {move || lookups.get().map(|(staff, _)| staff.into_iter().map(|s| {
                                        let key = s.id.clone();
                                        view! { <option value=s.id.clone() selected=move || f.staff.with(|v| *v == key)>{s.name.clone()}</option> }
                                    }).collect_view())}
                                </select>
                            </div>
                            <div class="field">
                                <label for="rs-from">{t2("开始日期", "From")}</label>
                                <input id="rs-from" type="date" bind:value=f.from/>
                            </div>
                            <div class="field">
                                <label for="rs-to">{t2("结束日期", "To")}</label>
                                <input id="rs-to" type="date" bind:value=f.to/>
                            </div>
                            <div class="field">
                                <label class="check"><input id="rs-partial" type="checkbox" bind:checked=f.partial/>
                                    {t2("包括未完成答卷", "Include partial responses")}</label>
                            </div>
                        </div>
                        {move || match (parse_date(&f.from.get()), parse_date(&f.to.get())) {
                            (Some(a), Some(b)) if a > b => Some(view! {
                                <p class="err" role="alert" data-testid="rs-range-err">{t2("开始日期晚于结束日期，没有答卷落在其间", "The start date is after the end date: no response falls between them")}</p>
                            }),
                            _ => None,
                        }}
                        <ProgressBar progress=progress label=Signal::derive(move || lang.get().t("正在读取答卷", "Reading responses").to_string())/>
                        {move || computed.get().map(|(sv, r)| view! {
                            <Summary r=r.clone()/>
                            <TrendPanel survey=sv.clone() bucket=bucket filters=f responses=responses/>
                            <ScalesPanel survey=sv.clone() r=r.clone()/>
                            <QuestionsPanel survey=sv.clone() r=r.clone()/>
                            <CountsPanel r=r.clone() lookups=lookups/>
                        })}
                        <FollowUpsPanel follow=follow highlight=highlight lookups=lookups/>
                        {move || computed.get().map(|(sv, _)| view! {
                            <ResponsesPanel survey=sv filters=f responses=responses follow=follow highlight=highlight opened=opened/>
                        })}
                    }.into_any()
                }
            })}
            </Suspense>
            </div>
            {move || filling.get().map(|s| {
                let me = state.user.get_untracked().map(|u| u.id).unwrap_or_default();
                view! {
                    <Modal id="fill-dialog" title=Signal::derive(move || lang.get().t("员工代填（电话或当面）", "Fill in for a customer (phone or in person)").to_string())
                        on_close=move |_| filling.set(None)>
                        {move || fill_customer.get().flatten().map(|(_, name)| view! {
                            <p data-testid="fill-customer">{t2("客户：", "Customer: ")}
                                {name.unwrap_or_else(|| lang.get_untracked().t("（本机没有该客户）", "(not on this device)").to_string())}</p>
                        })}
                        <div class="field">
                            <label for="fill-staff">{t2("被评价的服务人员（可选，不能是本人）", "Staff member rated (optional; not yourself)")}</label>
                            <select id="fill-staff" bind:value=rated>
                                <option value="">{t2("（不指定）", "(nobody)")}</option>
                                {move || lookups.get().map(|(staff, _)| staff.into_iter().filter(|m| m.active && m.id != me).map(|m| view! {
                                    <option value=m.id.clone()>{m.name.clone()}</option>
                                }).collect_view())}
                            </select>
                        </div>
                        {move || fill_ended.get().then(|| view! {
                            <p class="err" role="alert" data-testid="fill-ended">{t2(
                                "本问卷已停止收集：这份代填未保存。",
                                "This survey is no longer collecting answers: this one was not saved.",
                            )}</p>
                        })}
                        {move || fill_newer.get().map(|v| view! {
                            <p class="ok" role="status" data-testid="fill-newer">{move || lang.get().s(
                                format!("问卷已更新为第 {v} 版：刚才的答卷计入原版本，下一份按新版本填写。"),
                                format!("The survey is now version {v}: the answers just saved count under the version they answered; the next form is the new one."),
                            )}</p>
                        })}
                        {move || fill_said.get().map(|r| match r {
                            Ok(()) => view! { <p class="ok" role="status" data-testid="fill-said">{t2("已保存代填答卷，可为下一位客户填写。", "Saved; the form is ready for the next customer.")}</p> }.into_any(),
                            Err(e) => view! { <p class="err" role="alert" data-testid="fill-said">{t2("未能保存，请重试：", "Not saved; try again: ")}{e}</p> }.into_any(),
                        })}
                        {move || {
                            fill_round.track();
                            (!fill_ended.get()).then(|| view! { <SurveyForm survey=s.clone() lang=lang channel=Channel::Staff on_submit=fill_submit sending=fill_sending/> })
                        }}
                    </Modal>
                }
            })}
        </section>
    }
}

#[component]
fn Summary(r: SurveyResults) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let csat = r.csat;
    let nps = r.nps;
    let target = r.target;
    let status = match target.met {
        Some(true) => "ok",
        Some(false) => "bad",
        None => "",
    };
    let actual = target.actual_pct.unwrap_or(0.0).clamp(0.0, 100.0);
    view! {
        <div class="cards" data-testid="summary">
            <div class="card"><div class="n" data-testid="res-n">{r.n}</div><div class="l">{t2("答卷数", "Responses")}</div></div>
            <div class=format!("card {status}")>
                <div class="n" data-testid="res-csat">{csat.map(|c| format!("{}%", crate::domain::stats::fixed_beside(c.value, 1, &[0.0, 100.0, target.target_pct]))).unwrap_or_else(|| "—".into())}</div>
                <div class="l">"CSAT " {move || csat.map(|c| format!("(n = {})", c.n)).unwrap_or_else(|| lang.get().t("（无满意度答案）", "(no satisfaction answers)").into())}</div>
            </div>
            <div class="card">
                <div class="n" data-testid="res-nps">{fmt1(nps.map(|x| x.value))}</div>
                <div class="l">"NPS " {move || nps.map(|c| format!("(n = {})", c.n)).unwrap_or_else(|| lang.get().t("（无推荐度答案）", "(no NPS answers)").into())}</div>
            </div>
            <div class="card">
                <div class="n" data-testid="res-csi">{fmt1(r.csi)}</div>
                <div class="l">{move || if r.csi.is_some() { "CSI (0–100)".to_string() } else { lang.get().t("CSI（无维度数据）", "CSI (no scale data)").to_string() }}</div>
            </div>
        </div>
        <div class="panel target" data-testid="target">
            <div class="spread">
                <strong>{move || if zh() { format!("满意度目标 {:.0}%", target.target_pct) } else { format!("Satisfaction target {:.0}%", target.target_pct) }}</strong>
                <span class=format!("badge {status}") data-testid="target-status">{move || match target.met {
                    Some(true) => lang.get().t("已达标", "Met"),
                    Some(false) => lang.get().t("未达标", "Not met"),
                    None => lang.get().t("— 无数据", "— no data"),
                }}</span>
            </div>
            <div class="target-bar" role="img" aria-label=move || format!("{} {}% / {:.0}%", lang.get().t("实际", "Actual"), crate::domain::stats::fixed(actual, 1), target.target_pct)>
                <div class="actual" style=format!("width:{actual:.1}%")></div>
                <div class="goal" style=format!("left:{:.1}%", target.target_pct)></div>
            </div>
        </div>
    }
}

#[component]
fn TrendPanel(
    survey: Survey,
    bucket: RwSignal<Option<Bucket>>,
    filters: Filters,
    responses: Res<Vec<SurveyResponse>>,
) -> impl IntoView {
    let lang = app().lang;
    let survey = StoredValue::new(survey);
    // The points, their granularity (the user's choice, else the range's) and the axis format.
    let points = Memo::new(move |_| {
        let rs = responses.get().unwrap_or_default();
        let f = filters.to_filter();
        survey.with_value(|s| {
            let range = trend_range(s, &rs, &f);
            let b = bucket
                .get()
                .or_else(|| range.map(|(a, b)| Bucket::for_range(a, b)))
                .unwrap_or(Bucket::Day);
            let layout = range.map_or("%m-%d", |(a, z)| b.axis_layout(a, z));
            (trend(s, &rs, &f, b), b, layout)
        })
    });
    let keys = [
        (Bucket::Day, "day"),
        (Bucket::Week, "week"),
        (Bucket::Month, "month"),
    ];
    let key_of = move |b: Bucket| {
        keys.iter()
            .find(|(x, _)| *x == b)
            .map_or("day", |(_, k)| *k)
    };
    view! {
        <div class="panel">
            <div class="spread">
                <h2>{t2("趋势", "Trend")}</h2>
                <select aria-label=t2("时间粒度", "Period") data-testid="trend-bucket"
                    prop:value=move || key_of(points.with(|p| p.1))
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        bucket.set(keys.iter().find(|(_, k)| *k == v).map(|(b, _)| *b));
                    }>
                    {keys.into_iter().map(|(b, k)| view! {
                        <option value=k>{move || b.label(lang.get().is_zh())}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || {
                let (pts, _, layout) = points.get();
                if pts.is_empty() {
                    return view! { <p class="muted">{t2("— 没有答卷", "— no responses")}</p> }.into_any();
                }
                let fmt = |d: NaiveDate| d.layout(layout);
                let csat: Vec<(String, Option<f64>)> = pts.iter().map(|p| (fmt(p.start), p.csat.map(|c| c.value))).collect();
                let nps: Vec<(String, Option<f64>)> = pts.iter().map(|p| (fmt(p.start), p.nps.map(|c| c.value))).collect();
                view! {
                    <div class="grid">
                        <div data-testid="trend-csat">
                            <h3>{t2("CSAT(%)与 90% 目标", "CSAT (%) against the 90% target")}</h3>
                            <LineChart points=csat min=0.0 max=100.0 target=SATISFACTION_TARGET_PCT label="CSAT"/>
                        </div>
                        <div data-testid="trend-nps">
                            <h3>"NPS"</h3>
                            <LineChart points=nps min=-100.0 max=100.0 label="NPS"/>
                        </div>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn ScalesPanel(survey: Survey, r: SurveyResults) -> impl IntoView {
    let survey = StoredValue::new(survey);
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let none = r.scales.is_empty();
    view! {
        <div class="panel">
            <h2>{t2("维度均值与信度（Cronbach's α）", "Scale means and reliability (Cronbach's α)")}</h2>
            {none.then(|| view! {
                <p class="muted" data-testid="no-scales">{t2(
                    "本问卷未设维度：在问卷编辑中把题目归入维度（如服务态度、办理效率），即可得到维度均值、CSI 与信度检验。",
                    "This survey has no scales: group its questions into scales (e.g. attitude, efficiency) in the survey editor to get scale means, the CSI and the reliability check.",
                )}</p>
            })}
            {(!none).then(move || view! { <div class="table-wrap">
                <table data-testid="scales-table">
                    <thead><tr>
                        <th>{t2("维度", "Scale")}</th><th class="num">{t2("权重", "Weight")}</th>
                        <th class="num">{t2("均值（1–5）", "Mean (1–5)")}</th><th class="num">{t2("指数", "Index")}</th>
                        <th class="num">"n"</th><th class="num">"α"</th><th class="num">{t2("α 的 n（题数 k）", "n behind α (items k)")}</th>
                        <th>{t2("删除该题后的 α", "α if item deleted")}</th>
                    </tr></thead>
                    <tbody>
                        {r.scales.into_iter().map(|s| {
                            let rel = s.reliability.clone();
                            let reason = rel.clone();
                            let items = rel.items.clone();
                            let name = s.name.clone();
                            view! { <tr data-testid=format!("scale-row-{}", s.scale_id)>
                                <td>{move || name.get(zh()).to_string()}</td>
                                <td class="num">{format!("{:.2}", s.weight)}</td>
                                <td class="num">{fmt2(s.mean)}</td>
                                <td class="num">{fmt1(s.index)}</td>
                                <td class="num">{s.n}</td>
                                <td class="num" data-testid="alpha">
                                    {fmt2(rel.alpha)}
                                    {rel.alpha.map(|a| view! { <div class="small muted" data-testid="alpha-verdict">{move || {
                                        let (z, e) = crate::domain::stats::alpha_verdict(a);
                                        lang.get().t(z, e)
                                    }}</div> })}
                                    {rel.alpha.is_none().then(|| view! { <div class="small muted" data-testid="alpha-reason">{move || alpha_reason(&reason, zh())}</div> })}
                                    {(rel.alpha.is_some() && rel.n < ALPHA_FEW).then(|| view! {
                                        <div class="small muted" data-testid="alpha-few">{move || lang.get().s(
                                            format!("仅 {} 份完整答卷，α 仅供参考", rel.n),
                                            format!("only {} complete responses: indicative", rel.n),
                                        )}</div>
                                    })}
                                </td>
                                <td class="num">{format!("{} ({})", rel.n, rel.k)}</td>
                                <td class="small">
                                    {items.into_iter().map(|it| {
                                        let id = it.question_id.clone();
                                        view! {
                                            <div title=move || survey.with_value(|s| s.question(&id).map(|q| q.text.get(zh()).to_string()).unwrap_or_default())>
                                                {let id = it.question_id.clone(); move || survey.with_value(|s| question_label(s, &id, zh()))}
                                                ": " {fmt2(it.alpha_if_deleted)}
                                            </div>
                                        }
                                    }).collect_view()}
                                    {(rel.k == 2).then(|| view! { <div class="muted">{move || lang.get().t("（删去一题只剩一题，α 无定义）", "(one item would remain: α undefined)")}</div> })}
                                </td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div> })}
        </div>
    }
}

#[component]
fn QuestionsPanel(survey: Survey, r: SurveyResults) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let items = r
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let kind = survey.question(&q.question_id).map(|x| x.kind.clone());
            let text = q.text.clone();
            let t = text.clone();
            let label = Signal::derive(move || t.get(zh()).to_string());
            let chart = match (&q.distribution, kind) {
                // Nobody answered it (in this selection): said, not a chart of empty bars.
                _ if q.n == 0 => view! { <p class="muted small" data-testid="no-answers">{move || lang.get().t("所选范围内无人作答此题。", "Nobody answered this question in this selection.")}</p> }.into_any(),
                (Distribution::Scores(d), _) => {
                    let rows = d
                        .iter()
                        .map(|(v, n)| {
                            let v = v.to_string();
                            (Signal::derive(move || v.clone()), *n)
                        })
                        .collect();
                    view! { <BarChart rows=rows label=label/> }.into_any()
                }
                (
                    Distribution::Options(d),
                    Some(QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options }),
                ) => {
                    // Each option named in the language shown, and again after a switch.
                    let rows = d
                        .iter()
                        .map(|(id, n)| {
                            let option = options.iter().find(|o| &o.id == id).map(|o| o.label.clone());
                            let id = id.clone();
                            let name = Signal::derive(move || match &option {
                                Some(l) => l.get(zh()).to_string(),
                                None => id.clone(),
                            });
                            (name, *n)
                        })
                        .collect();
                    view! { <BarChart rows=rows label=label/> }.into_any()
                }
                _ => view! { <p class="muted small">{move || lang.get().t("文字意见：见下方答卷列表或导出 CSV", "Free text: see the responses below or export CSV")}</p> }.into_any(),
            };
            view! {
                <div class="sr-question" data-testid=format!("dist-{}", q.question_id)>
                    <h3>{i + 1}". " {move || text.get(zh()).to_string()}</h3>
                    <p class="small muted">
                        {move || if zh() { format!("作答 {} 人", q.n) } else { format!("{} answered", q.n) }}
                        {q.mean.map(|m| move || format!(" · {} {}", if zh() { "均值" } else { "mean" }, crate::domain::stats::fixed(m, 2)))}
                    </p>
                    {chart}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="panel">
            <h2>{t2("各题分布", "Answers per question")}</h2>
            <div class="grid">{items}</div>
        </div>
    }
}

#[component]
fn CountsPanel(r: SurveyResults, lookups: Res<(Vec<Staff>, JourneyConfig)>) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let none = move || lang.get().t("（未填）", "(none)").to_string();
    let by_channel = r.by_channel.clone();
    let by_stage = r.by_stage.clone();
    let by_staff = r.by_staff.clone();
    view! {
        <div class="panel">
            <h2>{t2("按渠道、阶段、员工统计", "By channel, stage and staff")}</h2>
            <div class="grid" data-testid="counts">
                <table><thead><tr><th>{t2("渠道", "Channel")}</th><th class="num">"n"</th></tr></thead><tbody>
                    {by_channel.into_iter().map(|(c, n)| view! { <tr><td>{move || c.label(zh())}</td><td class="num">{n}</td></tr> }).collect_view()}
                </tbody></table>
                <table><thead><tr><th>{t2("旅程阶段", "Stage")}</th><th class="num">"n"</th></tr></thead><tbody>
                    {by_stage.into_iter().map(|(s, n)| view! { <tr><td>{move || match &s {
                        None => none(),
                        Some(id) => lookups.get().and_then(|(_, j)| j.stage(id).map(|st| st.name.get(zh()).to_string())).unwrap_or_else(|| id.clone()),
                    }}</td><td class="num">{n}</td></tr> }).collect_view()}
                </tbody></table>
                <table><thead><tr><th>{t2("员工", "Staff")}</th><th class="num">"n"</th></tr></thead><tbody>
                    {by_staff.into_iter().map(|(s, n)| view! { <tr><td>{move || match &s {
                        None => none(),
                        // An id no staff member has (a link edited by hand) is not shown as if
                        // it were someone.
                        Some(id) => lookups.get().and_then(|(st, _)| st.into_iter().find(|x| &x.id == id).map(|x| x.name))
                            .unwrap_or_else(|| lang.get().t("（未知员工）", "(unknown staff)").to_string()),
                    }}</td><td class="num">{n}</td></tr> }).collect_view()}
                </tbody></table>
            </div>
        </div>
    }
}

#[component]
fn FollowUpsPanel(
    follow: Res<Vec<SurveyFollowUp>>,
    highlight: RwSignal<Option<String>>,
    lookups: Res<(Vec<Staff>, JourneyConfig)>,
) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    // What is typed about each follow-up, kept over a reload of this tab.
    let notes_key = format!("kefu.followup-notes.{}", crate::ui::platform::tab_id());
    let notes: RwSignal<std::collections::BTreeMap<String, String>> =
        RwSignal::new(crate::ui::platform::local_read(&notes_key).unwrap_or_default());
    Effect::new(move |_| {
        notes.with(|n| match n.is_empty() {
            true => crate::ui::platform::local_remove(&notes_key),
            false => crate::ui::platform::local_write(&notes_key, n),
        })
    });
    let complete = move |mut f: SurveyFollowUp| {
        let note = notes.with_untracked(|n| n.get(&f.id).cloned().unwrap_or_default());
        // Done by someone: the record says who, as every step of a case does.
        let Some(by) = state.user.get_untracked().map(|u| u.id) else {
            state.warn2(
                "请先登录员工身份，再标记跟进完成。",
                "Sign in as a staff member before marking a follow-up done.",
            );
            return;
        };
        if let Err(e) = f.complete(&by, &note, now()) {
            state.warn_with(|zh| e.message(zh).to_string());
            return;
        }
        spawn_local(async move {
            match typed::save(&store(), &f).await {
                Ok(_) => {
                    notes.update(|n| {
                        n.remove(&f.id);
                    });
                    state.tell("跟进已完成", "The follow-up is done")
                }
                Err(e) => state.warn_with(|zh| e.message(zh)),
            }
        });
    };
    let name_of = move |id: &str| {
        lookups
            .get()
            .and_then(|(st, _)| st.into_iter().find(|x| x.id == id).map(|x| x.name))
            .unwrap_or_else(|| id.to_string())
    };
    // Listed a part at a time: a busy survey's thousands of follow-ups made the page 460,000 px
    // tall and took seconds to draw (QA).
    let shown = RwSignal::new(FOLLOWUPS_SHOWN);
    let shown_done = RwSignal::new(FOLLOWUPS_SHOWN);
    let more = move |left: usize, more_of: RwSignal<usize>, id: &'static str| {
        (left > 0).then(|| view! {
            <button type="button" class="link" data-testid=id
                on:click=move |_| more_of.update(|n| *n += FOLLOWUPS_SHOWN)>
                {move || if zh() { format!("显示更多（还有 {left} 项）") } else { format!("Show more ({left} left)") }}
            </button>
        })
    };
    view! {
        <div class="panel" data-testid="followups">
            <h2>{t2("待办跟进", "Follow-ups to do")}</h2>
            <Suspense fallback=|| ()>
            {move || follow.get().map(|list| {
                let open: Vec<SurveyFollowUp> = list.iter().filter(|f| f.is_open()).cloned().collect();
                let done: Vec<SurveyFollowUp> = list.iter().filter(|f| !f.is_open()).cloned().collect();
                let n_done = done.len();
                let n_open = open.len();
                let (open_left, done_left) = (
                    n_open.saturating_sub(shown.get()),
                    n_done.saturating_sub(shown_done.get()),
                );
                let open: Vec<SurveyFollowUp> = open.into_iter().take(shown.get()).collect();
                let done: Vec<SurveyFollowUp> = done.into_iter().take(shown_done.get()).collect();
                // What was done, by whom and when: the record of each return visit (000: 服务记录).
                let done_list = (!done.is_empty()).then(|| view! {
                    <details class="followups-done" data-testid="followups-done">
                        <summary>{move || if zh() { format!("已完成的跟进（{n_done} 项）") } else { format!("Follow-ups done ({n_done})") }}</summary>
                        <ul>
                            {done.into_iter().map(|f| {
                                let FollowUpStatus::Done { at, by, note } = f.status.clone() else { return ().into_any() };
                                view! {
                                    <li data-testid="followup-done">
                                        <span class="badge">{move || f.kind.label(zh())}</span>" "
                                        <span class="small muted">{f.created_at.layout("%Y-%m-%d %H:%M")}</span>" · "
                                        {note}" · "
                                        <span class="small muted">{move || name_of(&by)}" "{at.layout("%Y-%m-%d %H:%M")}</span>
                                    </li>
                                }.into_any()
                            }).collect_view()}
                        </ul>
                        {more(done_left, shown_done, "followups-done-more")}
                    </details>
                });
                // Each way drawn under one element of its own (three side by side failed to
                // draw over two: "could not find parent element").
                if open.is_empty() {
                    return view! {
                        <div>
                            <p class="muted" data-testid="no-followups">{move || if zh() { format!("没有待办跟进（已完成 {n_done} 项）。") } else { format!("Nothing to follow up ({n_done} done).") }}</p>
                            {done_list}
                        </div>
                    }.into_any();
                }
                view! {
                    <div>
                    <ul class="followups">
                        {open.into_iter().map(|f| {
                            let fid = f.id.clone();
                            let reason = f.reason.clone();
                            let anchor = format!("#r-{}", anchor_key(&f.response_id));
                            let target = f.response_id.clone();
                            let go = move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                highlight.set(Some(target.clone()));
                                let row = format!("r-{}", anchor_key(&target));
                                if let Some(el) = crate::ui::platform::window().document().and_then(|d| d.get_element_by_id(&row)) {
                                    el.scroll_into_view();
                                }
                            };
                            let f2 = f.clone();
                            let kind_class = if f.kind == crate::domain::survey::FollowUpKind::ComplaintDraft { "badge bad" } else { "badge warn" };
                            let anonymous = f.kind == crate::domain::survey::FollowUpKind::ReturnVisit && f.customer_id.is_none();
                            let note_label = if anonymous { t2("改进措施", "What will be improved") } else { t2("处理情况", "What was done") };
                            view! {
                                <li class="followup" data-testid="followup">
                                    <div class="row">
                                        <span class=kind_class data-testid="followup-kind">{move || f.kind.label(zh())}</span>
                                        <span class="small muted">{f.created_at.layout("%Y-%m-%d %H:%M")}</span>
                                        <a href=anchor data-testid="followup-link" on:click=go>{t2("查看答卷", "See the response")}</a>
                                        {f.customer_id.clone().map(|c| view! { <a href=format!("/customers/{c}")>{t2("客户", "Customer")}</a> })}
                                        // A complaint draft is registered as a case from the
                                        // response (the follow-up then done, naming it).
                                        {(f.kind == crate::domain::survey::FollowUpKind::ComplaintDraft).then(|| view! {
                                            <a href=format!("/complaints/new?from_followup={}", f.id) data-testid="followup-to-complaint">
                                                {t2("登记为投诉…", "Register as a complaint…")}</a>
                                        })}
                                    </div>
                                    <div>{move || reason.get(zh()).to_string()}</div>
                                    // A return visit with no one to call (a kiosk's or a link's
                                    // anonymous answers): what is left is to read and improve.
                                    {anonymous.then(|| view! {
                                        <p class="small muted" data-testid="followup-anonymous">{t2(
                                            "匿名答卷，没有可回访的客户：请阅读答卷，记下改进措施后标记完成。",
                                            "Anonymous answers: there is no one to call back. Read them, note what will be improved, and mark it done.",
                                        )}</p>
                                    })}
                                    <div class="row">
                                        <input aria-label=note_label placeholder=note_label
                                            data-testid="followup-note"
                                            prop:value=notes.with_untracked(|n| n.get(&fid).cloned().unwrap_or_default())
                                            on:input=move |ev| { let v = event_target_value(&ev); notes.update(|n| { n.insert(fid.clone(), v); }); }/>
                                        <button type="button" on:click=move |_| complete(f2.clone())>{t2("标记完成", "Mark done")}</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="small muted" data-testid="followups-count">{move || if zh() {
                        format!("共 {n_open} 项待办跟进")
                    } else {
                        format!("{n_open} follow-ups to do")
                    }}" "{more(open_left, shown, "followups-more")}</p>
                    {done_list}
                    </div>
                }.into_any()
            })}
            </Suspense>
        </div>
    }
}

/// Follow-ups listed at first, and added by each "show more".
const FOLLOWUPS_SHOWN: usize = 50;

/// One answer in words, for the table and the opened response.
fn answer_text(a: Option<&crate::domain::survey::Answer>) -> String {
    use crate::domain::survey::Answer;
    match a {
        None => String::new(),
        Some(Answer::Score(v)) => v.to_string(),
        Some(Answer::Choice(c)) => c.clone(),
        Some(Answer::Choices(cs)) => cs.join(", "),
        Some(Answer::Text(t)) => t.clone(),
    }
}

#[component]
fn ResponsesPanel(
    survey: Survey,
    filters: Filters,
    responses: Res<Vec<SurveyResponse>>,
    follow: Res<Vec<SurveyFollowUp>>,
    highlight: RwSignal<Option<String>>,
    /// The response the address names (`?response=`), shown in full above the table.
    opened: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = app().lang;
    let zh = move || lang.get().is_zh();
    let shown = RwSignal::new(50usize);
    let survey = StoredValue::new(survey);
    let rows = move || {
        let rs = responses.get().unwrap_or_default();
        let filter = filters.to_filter();
        let mut sel: Vec<SurveyResponse> = survey.with_value(|s| {
            crate::domain::stats::select(s, &rs, &filter)
                .into_iter()
                .cloned()
                .collect()
        });
        sort_by(&mut sel, |a, b| {
            b.submitted_at.cmp(&a.submitted_at).then(b.id.cmp(&a.id))
        });
        sel
    };
    let flagged = move |id: &str| {
        follow
            .get()
            .map(|l| {
                l.iter()
                    .any(|f| f.response_id == id && f.status == FollowUpStatus::Open)
            })
            .unwrap_or(false)
    };
    // The highlighted response within the rows shown.
    Effect::new(move |_| {
        let Some(id) = highlight.get() else { return };
        if let Some(pos) = rows().iter().position(|r| r.id == id) {
            if pos >= shown.get_untracked() {
                shown.set(pos + 1);
            }
        }
    });
    // The opened response is brought into view when its panel is drawn.
    let detail_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = detail_ref.get() {
            // Drawn inside a Suspense, the panel may be built before it is in the document:
            // wait (briefly) until it is, then scroll.
            spawn_local(async move {
                for _ in 0..40 {
                    gloo_timers::future::TimeoutFuture::new(50).await;
                    if el.is_connected() && el.offset_height() > 0 {
                        el.scroll_into_view();
                        break;
                    }
                }
            });
        }
    });
    let opened_response = move || {
        let id = opened.get()?;
        responses.get()?.into_iter().find(|r| r.id == id)
    };
    view! {
        {move || opened_response().map(|r| {
            let z = zh();
            let answers = survey.with_value(|s| s.questions.iter().map(|q| view! {
                <dt>{q.text.get(z).to_string()}</dt>
                <dd data-testid=format!("answer-{}", q.id)>{answer_text(r.answers.get(&q.id))}</dd>
            }).collect_view());
            view! {
                <div class="panel response-detail" id="response-detail" data-testid="response-detail" node_ref=detail_ref>
                    <div class="spread">
                        <h2>{t2("答卷详情", "Response")}</h2>
                        <button type="button" class="link" on:click=move |_| opened.set(None)>{t2("关闭", "Close")}</button>
                    </div>
                    <p class="small muted">
                        {r.submitted_at.layout("%Y-%m-%d %H:%M")}" · "{r.channel.label(z)}
                        {(!r.complete).then_some(if z { " · 未答完" } else { " · partial" })}
                        {r.customer_id.clone().map(|c| view! { " · " <A href=format!("/customers/{c}")>{t2("客户", "Customer")}</A> })}
                    </p>
                    <dl class="facts">{answers}</dl>
                </div>
            }
        })}
        <div class="panel">
            <h2>{t2("答卷", "Responses")}</h2>
            <div class="table-wrap">
                <table class="sticky-first" data-testid="responses-table">
                    <thead><tr>
                        <th>{t2("提交时间", "Submitted")}</th><th>{t2("渠道", "Channel")}</th>
                        {survey.with_value(|s| s.questions.iter().enumerate().map(|(i, q)| {
                            let t = q.text.clone();
                            let label = move || survey.with_value(|s| question_label(s, &s.questions[i].id, zh()));
                            view! { <th title=move || t.get(zh()).to_string() data-testid="response-col">{label}</th> }
                        }).collect_view())}
                    </tr></thead>
                    <tbody>
                        {move || {
                            let all = rows();
                            let total = all.len();
                            let mut out = all.into_iter().take(shown.get()).map(|r| {
                                let cells = survey.with_value(|s| s.questions.iter().map(|q| {
                                    let cell = answer_text(r.answers.get(&q.id));
                                    view! { <td>{cell}</td> }
                                }).collect_view());
                                let flag = flagged(&r.id);
                                view! {
                                    <tr id=format!("r-{}", anchor_key(&r.id)) class:flagged=flag
                                        class:highlight={ let id = r.id.clone(); move || highlight.get().as_deref() == Some(id.as_str()) }>
                                        <td class="rs-when">{r.submitted_at.layout("%Y-%m-%d %H:%M")}
                                            // A partial answer says so in its row (QA: it read as a
                                            // complete one with blank cells).
                                            {(!r.complete).then(|| view! { " " <span class="badge" data-testid="response-partial">{t2("未答完", "Partial")}</span> })}
                                            {flag.then(|| view! { " " <span class="badge warn">{t2("待跟进", "Follow up")}</span> })}</td>
                                        <td class="rs-when">{move || r.channel.label(zh())}</td>
                                        {cells}
                                    </tr>
                                }
                            }).collect_view().into_any();
                            if total == 0 {
                                out = view! { <tr><td colspan="99" class="muted" data-testid="no-responses">{t2("所选范围内没有答卷。", "No responses in this selection.")}</td></tr> }.into_any();
                            }
                            if total > shown.get() {
                                out = view! { {out} <tr><td colspan="99"><button type="button" on:click=move |_| shown.update(|n| *n += 50)>
                                    {t2("显示更多", "Show more")}</button></td></tr> }.into_any();
                            }
                            out
                        }}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
