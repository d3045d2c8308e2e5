//! complaints/print: the printed complaint record (客户投诉处理记录表) on A4 — every field of the
//! case and of each round, in the current language, with boxes for signatures and dates.

use crate::ui::resource::Res;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::domain::complaint::{
    self, severity_en, severity_zh, ActionKind, ClockKind, Complaint, Decision, HistoryEvent,
};
use crate::domain::staff::Role;
use crate::store::typed;
use crate::ui::i18n::t2;
use crate::ui::state::{app, store};

use super::model::{clock_words, fmt_dt, measures_words};

#[component]
pub fn PrintPage() -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let params = use_params_map();
    let case = Res::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        state.changes.track();
        let s = store();
        async move { typed::load::<Complaint, _>(&s, &id).await }
    });
    view! {
        <div class="complaints print-view">
        {move || match case.get() {
            None => view! { <p class="muted">{t2("正在载入…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="err" role="alert">{e.message(lang.get().is_zh())}</p> }.into_any(),
            // Nothing to file: a blank, signable record of an archived case would mislead (QA).
            Some(Ok(c)) if c.destroyed => view! {
                <p class="panel" data-testid="print-destroyed">
                    {t2("本案资料已销毁，没有可打印的记录表。", "This case's records were destroyed: there is no record to print.")}
                    " "<A href=format!("/complaints/{}", c.id)>{t2("返回案件", "Back to the case")}</A>
                </p>
            }.into_any(),
            Some(Ok(c)) => {
                let back = format!("/complaints/{}", c.id);
                view! {
                    <div class="row no-print print-bar">
                        <button type="button" class="primary" data-testid="print" on:click=move |_| {
                            let _ = crate::ui::platform::window().print();
                        }>{t2("打印", "Print")}</button>
                        <A href=back>{t2("返回案件", "Back to the case")}</A>
                        <span class="muted small">{t2("A4 纵向打印，签字后归档。", "Print on A4 portrait, sign and file.")}</span>
                    </div>
                    <Sheet c=c/>
                }.into_any()
            }
        }}
        </div>
    }
}

#[component]
fn Sheet(c: Complaint) -> impl IntoView {
    let state = app();
    let lang = state.lang;
    let zh = move || lang.get().is_zh();
    let l = move |a: &'static str, b: &'static str| move || lang.get().t(a, b);
    let branch = state.branch.get_untracked();
    let dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    let channel = c.channel;
    let category = c.category;
    let severity = c.severity;
    let status = c.status_text();
    let received_by = c
        .history
        .first()
        .map(|e| e.by.name.clone())
        .unwrap_or_default();
    let rounds = c.rounds.clone();
    let last_round = c.round();
    // Who took a step and when, from the case's history (the record said what, and only for
    // the approvals and the response who and when: QA).
    let history = std::rc::Rc::new(c.history.clone());
    let step = {
        let history = history.clone();
        move |pick: &dyn Fn(&HistoryEvent) -> bool| {
            history
                .iter()
                .rev()
                .find(|e| pick(e))
                .map(|e| format!("{} · {}", e.by.name, fmt_dt(e.at)))
        }
    };
    let closed_by = step(&|e| e.action == ActionKind::Close);
    let archived_by = step(&|e| e.action == ActionKind::Archive);
    // Printed at: the sheet's countdowns are of that moment.
    let printed = fmt_dt(crate::ui::platform::now());
    // Each A4 page's margins: the branch and the case above, the page of pages and the time
    // printed below (a loose second page was no one's: QA).
    let page_box = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let head_text = page_box(&format!(
        "{}({}) · {}",
        branch.heading(),
        branch.code,
        c.case_no
    ));
    let printed_at = printed.clone();
    let margins = move || {
        let (page, label) = if zh() {
            (
                r#""第 " counter(page) " 页，共 " counter(pages) " 页""#,
                "打印时间：",
            )
        } else {
            (
                r#""Page " counter(page) " of " counter(pages)"#,
                "Printed: ",
            )
        };
        format!(
            "@media print {{ @page {{ @top-left {{ content: \"{head_text}\"; font-size: 9pt; }} \
             @bottom-left {{ content: \"{label}{}\"; font-size: 9pt; }} \
             @bottom-right {{ content: {page}; font-size: 9pt; }} }} }}",
            page_box(&printed_at)
        )
    };
    // The two limits of 002 第四章 and whether they were met, as the monthly report judges the
    // case (the record left them out: QA).
    let cal = state.calendar.get_untracked();
    let limits = [ClockKind::Investigation, ClockKind::Response].map(|k| {
        let clock = complaint::clock(&c, k, &cal, crate::ui::platform::now());
        let met = clock.met_at.map(fmt_dt).unwrap_or_else(|| "—".into());
        (k, fmt_dt(clock.due), met, clock.state)
    });
    view! {
        <article class="record-sheet" data-testid="record-sheet">
            <style data-testid="sheet-page-margins">{margins}</style>
            <header class="sheet-head">
                <div class="sheet-branch">{branch.heading()} "(" {branch.code.clone()} ")"</div>
                <h1 class="sheet-title">{t2("营业部客户投诉处理记录表", "Branch customer complaint handling record")}</h1>
                <div class="sheet-meta">
                    <span>{t2("编号：", "No.: ")}<strong data-testid="sheet-case-no">{c.case_no.clone()}</strong></span>
                    <span>{t2("状态：", "Status: ")}{move || lang.get().t(status.0, status.1)}</span>
                    <span data-testid="sheet-printed">{t2("打印时间：", "Printed: ")}{printed.clone()}</span>
                </div>
            </header>
            <table class="sheet">
                <tbody>
                    <tr>
                        <th>{l("投诉人", "Complainant")}</th><td>{c.complainant.name.clone()}</td>
                        <th>{l("联系电话", "Phone")}</th><td>{dash(&c.complainant.phone)}</td>
                    </tr>
                    <tr>
                        <th>{l("电子邮箱", "Email")}</th><td>{dash(&c.complainant.email)}</td>
                        <th>{l("联系地址", "Address")}</th><td>{dash(&c.complainant.address)}</td>
                    </tr>
                    <tr>
                        <th>{l("受理方式", "Channel")}</th><td>{move || lang.get().t(channel.zh(), channel.en())}</td>
                        <th>{l("受理时间", "Received")}</th><td>{fmt_dt(c.received_at)}</td>
                    </tr>
                    <tr>
                        <th>{l("事件时间", "Time of the event")}</th><td>{c.event_time.map(fmt_dt).unwrap_or_else(|| "—".into())}</td>
                        <th>{l("事件地点", "Place of the event")}</th><td>{dash(&c.event_place)}</td>
                    </tr>
                    <tr>
                        <th>{l("涉及人员", "Staff involved")}</th><td>{dash(&c.staff_involved.join("、"))}</td>
                        <th>{l("受理人", "Received by")}</th><td>{received_by}</td>
                    </tr>
                    <tr>
                        <th>{l("投诉类别", "Category")}</th><td>{move || category.map(|x| lang.get().t(x.zh(), x.en())).unwrap_or("—")}</td>
                        <th>{l("严重程度", "Severity")}</th>
                        <td>{move || severity.map(|n| format!("{n} · {}", if zh() { severity_zh(n) } else { severity_en(n) })).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                    <tr>
                        <th>{l("责任部门", "Responsible department")}</th><td colspan="3">{c.department.clone().unwrap_or_else(|| "—".into())}</td>
                    </tr>
                    <tr class="tall">
                        <th>{l("投诉事由及经过", "What happened")}</th><td colspan="3">{c.narrative.clone()}</td>
                    </tr>
                    <tr>
                        <th>{l("初步处理意见", "Preliminary opinion")}</th><td colspan="3">{dash(&c.preliminary_opinion)}</td>
                    </tr>
                    {limits.into_iter().map(|(k, due, met, st)| view! {
                        <tr data-testid="sheet-limit">
                            <th>{move || lang.get().t(k.zh(), k.en())}</th>
                            <td>{move || lang.get().t("期限：", "Due: ")}{due.clone()}</td>
                            <th>{l("完成时间", "Met at")}</th>
                            <td>{met.clone()}" "{move || clock_words(st, lang.get(), false).1}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {rounds.into_iter().map(|r| {
                let n = r.number;
                let in_round = |kind: ActionKind| step(&|e: &HistoryEvent| e.round == n && e.action == kind);
                let findings_by = in_round(ActionKind::RecordFindings);
                let opinion_by = in_round(ActionKind::SubmitOpinion);
                let reopened_by = (n > 1).then(|| in_round(ActionKind::Reopen)).flatten();
                let done_by = |what: &str| {
                    let what = what.to_string();
                    step(&move |e: &HistoryEvent| e.round == n && e.action == ActionKind::CompleteCorrectiveAction
                        && e.why.as_deref() == Some(what.as_str()))
                };
                let carried = n < last_round;
                let responsibility = r.responsibility;
                let text = |s: &Option<String>| s.clone().unwrap_or_default();
                let approval = |role: Role| {
                    r.approvals.iter().rev().find(|a| a.role == role && a.submission == r.submissions).map(|a| {
                        let decision = a.decision;
                        let (who, at, comment) = (a.by.name.clone(), fmt_dt(a.at), a.comment.clone());
                        view! {
                            <span>{move || match decision { Decision::Approved => lang.get().t("同意", "Approved"), Decision::Rejected => lang.get().t("退回", "Sent back") }}
                            " · " {who} " · " {at} {(!comment.is_empty()).then(|| format!(" · {comment}"))}</span>
                        }
                    })
                };
                // A supervisor's or manager's own opinion went up to the manager level.
                let senior_author = match r.submitted_role {
                    Some(Role::Supervisor) => Some(("客服主管本人提交，报客服经理审批", "Submitted by a supervisor: up to the manager level")),
                    Some(Role::Manager) => Some(("客服经理本人提交，报另一位客服经理审批", "Submitted by a manager: up to another manager")),
                    _ => None,
                };
                let sup = approval(Role::Supervisor).map(IntoAny::into_any).or_else(|| senior_author.map(|(zh, en)| view! {
                    <span data-testid="print-senior-author">{t2(zh, en)}</span>
                }.into_any()));
                let mgr = approval(Role::Manager);
                view! {
                    <table class="sheet round-sheet">
                        <caption>{move || if zh() { format!("第 {n} 轮处理") } else { format!("Round {n}") }}
                            {r.reopen_reason.clone().map(|w| view! { <span class="small">" — " {move || lang.get().t("重新处理原因：", "reopened because: ")} {w.clone()}
                                {reopened_by.clone().map(|b| format!(" · {b}"))}</span> })}
                        </caption>
                        <tbody>
                            <tr class="tall"><th>{l("调查核实情况", "Investigation findings")}</th><td colspan="3">{text(&r.findings)}
                                {findings_by.map(|b| view! { <div class="small" data-testid="print-findings-by">{b}</div> })}</td></tr>
                            <tr>
                                <th>{l("责任认定", "Responsibility finding")}</th>
                                <td colspan="3">{move || responsibility.map(|x| lang.get().t(x.zh(), x.en())).unwrap_or("")}</td>
                            </tr>
                            {r.escalated_to.clone().map(|to| view! {
                                <tr data-testid="print-escalated"><th>{l("上报对象", "Reported to")}</th><td colspan="3">{to}</td></tr>
                            })}
                            <tr class="tall"><th>{l("处理意见", "Handling opinion")}</th><td colspan="3">{text(&r.opinion)}
                                {opinion_by.map(|b| view! { <div class="small" data-testid="print-opinion-by">{t2("提交：", "Submitted: ")}{b}</div> })}</td></tr>
                            <tr>
                                <th>{l("整改措施", "Corrective actions")}</th>
                                <td colspan="3">
                                    // Whether each was carried out, and when: what the verification visit
                                    // checks (source 002: 有关的整改措施是否落实、完成).
                                    {r.corrective_actions.iter().enumerate().map(|(i, a)| {
                                        let done_at = match (a.done_at.map(fmt_dt), done_by(&a.description)) {
                                            // Who marked it done, and when (the history's time is the same moment).
                                            (_, Some(b)) => b,
                                            (Some(at), None) => at,
                                            (None, None) => String::new(),
                                        };
                                        let done = a.done;
                                        view! {
                                            <div data-testid="print-corrective">
                                                {format!("{}. {} — {}{} · ", i + 1, a.description, a.owner, a.due.map(|d| format!(" · {d}")).unwrap_or_default())}
                                                {move || if done {
                                                    format!("{} {done_at}", lang.get().t("已完成", "done"))
                                                } else if carried {
                                                    lang.get().t("未完成，转入下一轮", "not done, carried into the next round").to_string()
                                                } else {
                                                    lang.get().t("未完成", "not done").to_string()
                                                }}
                                            </div>
                                        }
                                    }).collect_view()}
                                </td>
                            </tr>
                            <tr>
                                <th>{l("客服主管审批", "Supervisor's approval")}</th><td>{sup}</td>
                                <th>{l("客服经理审批", "Manager's approval")}</th><td>{mgr}</td>
                            </tr>
                            // An opinion sent back: every decision of the round, the 退回 and
                            // their reasons too (the cells above hold the last submission's).
                            {r.approvals.iter().any(|a| a.decision == Decision::Rejected).then(|| view! {
                                <tr data-testid="print-approval-trail">
                                    <th>{l("审批记录", "Approval record")}</th>
                                    <td colspan="3">{r.approvals.iter().map(|a| {
                                        let (n, role, decision) = (a.submission, a.role, a.decision);
                                        let rest = format!(" · {} · {}{}", a.by.name, fmt_dt(a.at),
                                            if a.comment.is_empty() { String::new() } else { format!(" · {}", a.comment) });
                                        // What was sent back, as submitted (a resubmission replaced it above).
                                        let refused = (decision == Decision::Rejected)
                                            .then(|| r.sent_back.iter().find(|b| b.submission == n).cloned())
                                            .flatten()
                                            .map(|b| {
                                                let responsibility = b.responsibility;
                                                let by = b.submitted_by.map(|p| p.name).unwrap_or_default();
                                                let measures = b.corrective_actions.iter().enumerate()
                                                    .map(|(i, a)| format!("{}. {} — {}{}", i + 1, a.description, a.owner, a.due.map(|d| format!(" · {d}")).unwrap_or_default()))
                                                    .collect::<Vec<_>>();
                                                view! {
                                                    <div class="small sent-back" data-testid="print-sent-back">
                                                        {move || match (zh(), by.is_empty()) {
                                                            (true, true) => "退回的处理意见：".to_string(),
                                                            (true, false) => format!("退回的处理意见（{by}）："),
                                                            (false, true) => "The opinion sent back: ".to_string(),
                                                            (false, false) => format!("The opinion sent back ({by}): "),
                                                        }}
                                                        {move || responsibility.map(|x| format!("{} · ", lang.get().t(x.zh(), x.en())))}
                                                        {b.opinion.clone()}
                                                        {b.escalated_to.clone().map(|to| view! { <div>{move || lang.get().t("上报对象：", "Reported to: ")}{to.clone()}</div> })}
                                                        {measures.into_iter().map(|m| view! { <div>{m}</div> }).collect_view()}
                                                    </div>
                                                }
                                            });
                                        view! { <div>{move || if zh() {
                                            format!("第 {n} 次提交 · {} · {}{rest}", role.zh(), if decision == Decision::Approved { "同意" } else { "退回" })
                                        } else {
                                            format!("Submission {n} · {} · {}{rest}", role.en(), if decision == Decision::Approved { "approved" } else { "sent back" })
                                        }}{refused}</div> }
                                    }).collect_view()}</td>
                                </tr>
                            })}
                            <tr class="tall">
                                <th>{l("反馈客户情况", "Response to the customer")}</th>
                                // How the customer was answered too (当面, 电话…), as the response records it.
                                <td colspan="3" data-testid="print-response">{r.response.clone().map(|x| move || {
                                    let way = lang.get().t(x.channel.zh(), x.channel.en());
                                    format!("{} · {way} · {} · {}", fmt_dt(x.at), x.by.name, x.content)
                                })}</td>
                            </tr>
                            <tr>
                                <th>{l("回访验证结果", "Verification visit")}</th>
                                <td colspan="3">{r.verification.as_ref().map(|v| {
                                    let ok = v.satisfied;
                                    let measures = v.measures_effective;
                                    let note = if v.note.trim().is_empty() { String::new() } else { format!(" · {}", v.note) };
                                    let rest = format!(" · {} · {}{note}", fmt_dt(v.at), v.by.name);
                                    view! { <span>{move || if ok { lang.get().t("满意", "Satisfied") } else { lang.get().t("不满意", "Not satisfied") }}
                                        {move || measures.map(|m| format!("{}{}", lang.get().t("；", "; "), measures_words(m, lang.get())))} {rest}</span> }
                                })}</td>
                            </tr>
                        </tbody>
                    </table>
                }
            }).collect_view()}
            <table class="sheet signatures">
                <tbody>
                    <tr>
                        <th>{l("经办人签字", "Handled by (signature)")}</th><td class="sign"></td>
                        <th>{l("日期", "Date")}</th><td class="sign-date"></td>
                    </tr>
                    <tr>
                        <th>{l("客服主管签字", "Supervisor (signature)")}</th><td class="sign"></td>
                        <th>{l("日期", "Date")}</th><td class="sign-date"></td>
                    </tr>
                    <tr>
                        <th>{l("客服经理签字", "Manager (signature)")}</th><td class="sign"></td>
                        <th>{l("日期", "Date")}</th><td class="sign-date"></td>
                    </tr>
                </tbody>
            </table>
            <footer class="sheet-foot small">
                {move || if zh() { "本记录表随案归档，保存期限五年。" } else { "File this record with the case; it is kept for five years." }}
                {c.closed_at.map(|t| view! { <span data-testid="sheet-closed">" · " {move || lang.get().t("闭环：", "Closed: ")} {closed_by.clone().unwrap_or_else(|| fmt_dt(t))}</span> })}
                {c.archived_at.map(|t| view! { <span data-testid="sheet-archived">" · " {move || lang.get().t("归档：", "Archived: ")} {archived_by.clone().unwrap_or_else(|| fmt_dt(t))}</span> })}
            </footer>
        </article>
    }
}
