//! The complaint lifecycle as a whole matrix (host tests only): every action, in every stage a
//! case passes through, for every role. What is legal is written out here from the lifecycle
//! of DESIGN §2.1 (受理→分类→处理→反馈→闭环, level-by-level approval, reopen when the customer
//! is unsatisfied), independently of `Complaint::precheck`; the test checks that the domain
//! agrees, that the actions the UI offers (`allowed_actions_for`) are exactly the legal ones,
//! that a legal action appends one history event with the right statuses, and that a refused
//! one leaves the case exactly as it was.

use chrono::{Duration, NaiveDateTime};

use super::complaint::{
    Action, ActionKind, Category, Channel, Complainant, Complaint, ComplaintError,
    CorrectiveAction, Draft, Responsibility, Status,
};
use super::staff::{Actor, Role};

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn actor(role: Role) -> Actor {
    let id = match role {
        Role::Specialist => "staff:spec",
        Role::Supervisor => "staff:sup",
        Role::Manager => "staff:mgr",
    };
    Actor {
        id: id.into(),
        name: id.into(),
        role,
    }
}

const ROLES: [Role; 3] = [Role::Specialist, Role::Supervisor, Role::Manager];

/// A valid payload for each kind of action.
fn action(kind: ActionKind) -> Action {
    use ActionKind as K;
    match kind {
        K::Classify => Action::Classify {
            category: Category::ServiceAttitude,
            severity: 3,
            department: "营业部柜台".into(),
        },
        K::StartInvestigation => Action::StartInvestigation,
        K::RecordFindings => Action::RecordFindings {
            findings: "经调查，客户反映属实".into(),
        },
        K::SubmitOpinion => Action::SubmitOpinion {
            responsibility: Responsibility::OursSerious,
            opinion: "向客户致歉并整改".into(),
            corrective_actions: vec![CorrectiveAction::new(
                "柜台人员培训",
                "李四",
                chrono::NaiveDate::from_ymd_opt(2099, 12, 31),
            )],
            escalated_to: String::new(),
        },
        K::Approve => Action::Approve {
            comment: "同意".into(),
        },
        K::Reject => Action::Reject {
            why: "请补充调查".into(),
        },
        K::Respond => Action::Respond {
            channel: Channel::Phone,
            content: "已电话致歉并说明整改措施".into(),
        },
        K::CompleteCorrectiveAction => Action::CompleteCorrectiveAction { index: 0 },
        K::StartVerification => Action::StartVerification,
        K::RecordVerification => Action::RecordVerification {
            satisfied: true,
            measures_effective: Some(true),
            note: "客户表示满意".into(),
        },
        K::Close => Action::Close,
        K::Archive => Action::Archive,
        K::Reopen => Action::Reopen {
            why: "客户对答复不满意".into(),
        },
        K::Destroy => Action::Destroy {
            why: "保存期满".into(),
        },
        K::Receive | K::SettleConflict => unreachable!("history entries only, not actions"),
        K::Correct => unreachable!("a correction is no step of the workflow"),
    }
}

/// One stage a case passes through, with what each role may do there.
struct Stage {
    name: &'static str,
    case: Complaint,
    /// (action, roles that may take it)
    legal: Vec<(ActionKind, Vec<Role>)>,
}

fn all() -> Vec<Role> {
    ROLES.to_vec()
}
fn senior() -> Vec<Role> {
    vec![Role::Supervisor, Role::Manager]
}

/// The stages of one case from intake to archive, each reached by the step before it.
fn stages() -> Vec<Stage> {
    use ActionKind as K;
    let received = t("2026-09-30 10:00");
    let draft = Draft {
        complainant: Complainant {
            name: "张三".into(),
            phone: "13800138000".into(),
            ..Default::default()
        },
        channel: Some(Channel::Phone),
        received_at: Some(received),
        narrative: "柜台办理转托管等候两小时".into(),
        ..Default::default()
    };
    let mut c = Complaint::receive(
        &draft,
        "complaint:01MATRIX".into(),
        "TS-20260930-0001".into(),
        "BR01",
        &actor(Role::Specialist),
        received,
    )
    .unwrap();
    let mut out = Vec::new();
    let mut at = received;
    let mut step = |c: &mut Complaint, kind: ActionKind, role: Role| {
        at += Duration::minutes(30);
        c.apply(action(kind), &actor(role), at)
            .unwrap_or_else(|e| panic!("{kind:?} by {role:?}: {e:?}"));
    };
    let s = Role::Specialist;

    out.push(Stage {
        name: "received",
        case: c.clone(),
        legal: vec![(K::Classify, all())],
    });
    step(&mut c, K::Classify, s);
    out.push(Stage {
        name: "classified",
        case: c.clone(),
        legal: vec![(K::Classify, all()), (K::StartInvestigation, all())],
    });
    step(&mut c, K::StartInvestigation, s);
    out.push(Stage {
        name: "investigating, no findings yet",
        case: c.clone(),
        legal: vec![(K::RecordFindings, all())],
    });
    step(&mut c, K::RecordFindings, s);
    out.push(Stage {
        name: "investigating, findings recorded",
        case: c.clone(),
        legal: vec![(K::RecordFindings, all()), (K::SubmitOpinion, all())],
    });
    step(&mut c, K::SubmitOpinion, s);
    out.push(Stage {
        name: "awaiting the supervisor",
        case: c.clone(),
        legal: vec![
            (K::Approve, vec![Role::Supervisor]),
            (K::Reject, vec![Role::Supervisor]),
        ],
    });
    step(&mut c, K::Approve, Role::Supervisor);
    out.push(Stage {
        name: "awaiting the manager",
        case: c.clone(),
        legal: vec![
            (K::Approve, vec![Role::Manager]),
            (K::Reject, vec![Role::Manager]),
        ],
    });
    step(&mut c, K::Approve, Role::Manager);
    out.push(Stage {
        name: "approved at both levels",
        case: c.clone(),
        legal: vec![(K::Respond, all()), (K::CompleteCorrectiveAction, all())],
    });
    step(&mut c, K::Respond, s);
    out.push(Stage {
        name: "responded, a corrective action open",
        case: c.clone(),
        legal: vec![(K::CompleteCorrectiveAction, all()), (K::Reopen, all())],
    });
    step(&mut c, K::CompleteCorrectiveAction, s);
    out.push(Stage {
        name: "responded, corrective actions done",
        case: c.clone(),
        legal: vec![(K::StartVerification, all()), (K::Reopen, all())],
    });
    step(&mut c, K::StartVerification, s);
    out.push(Stage {
        name: "verifying, no visit recorded",
        case: c.clone(),
        legal: vec![(K::RecordVerification, all()), (K::Reopen, all())],
    });
    step(&mut c, K::RecordVerification, s);
    out.push(Stage {
        name: "verifying, customer satisfied",
        case: c.clone(),
        // Closed, not reopened (002 第五章: a case is redone for an unsatisfied customer or
        // measures not carried out; QA: anyone could reopen it).
        legal: vec![(K::Close, senior())],
    });
    step(&mut c, K::Close, Role::Supervisor);
    out.push(Stage {
        name: "closed",
        case: c.clone(),
        legal: vec![(K::Archive, senior())],
    });
    step(&mut c, K::Archive, Role::Supervisor);
    out.push(Stage {
        name: "archived",
        case: c.clone(),
        legal: vec![(K::Destroy, vec![Role::Manager])],
    });
    out
}

/// Actions a role may never take, at any stage.
fn never_allowed(kind: ActionKind, role: Role) -> bool {
    use ActionKind as K;
    match kind {
        K::Approve | K::Reject | K::Close | K::Archive => role == Role::Specialist,
        K::Destroy => role != Role::Manager,
        _ => false,
    }
}

/// The status a legal action leads to.
fn leads_to(kind: ActionKind, from: Status) -> Status {
    use ActionKind as K;
    match kind {
        K::Classify => Status::Classified,
        K::StartInvestigation | K::RecordFindings | K::Reject | K::Reopen => Status::Investigating,
        K::SubmitOpinion | K::Approve => Status::AwaitingApproval,
        K::Respond => Status::Responded,
        K::StartVerification | K::RecordVerification => Status::Verifying,
        K::Close => Status::Closed,
        K::Archive | K::Destroy => Status::Archived,
        K::CompleteCorrectiveAction | K::Correct | K::Receive | K::SettleConflict => from,
    }
}

#[test]
fn every_action_in_every_stage_for_every_role() {
    let stages = stages();
    assert_eq!(stages.len(), 13);
    let mut checked = 0;
    for stage in &stages {
        let last = *stage.case.history.last().map(|h| &h.at).unwrap();
        // Late enough for everything time-bound (destruction after the retention period).
        let now = last + Duration::days(6 * 366);
        for kind in ActionKind::ACTIONS {
            let allowed_roles: Vec<Role> = stage
                .legal
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            for role in ROLES {
                let who = actor(role);
                let legal = allowed_roles.contains(&role);
                let ctx = format!("{} / {kind:?} / {role:?}", stage.name);
                assert_eq!(
                    stage.case.allowed_actions_for(&who, now).contains(&kind),
                    legal,
                    "offered in the UI: {ctx}"
                );
                let mut c = stage.case.clone();
                let result = c.apply(action(kind), &who, now);
                if legal {
                    result.unwrap_or_else(|e| panic!("{ctx}: refused with {e:?}"));
                    assert_eq!(c.history.len(), stage.case.history.len() + 1, "{ctx}");
                    let ev = c.history.last().unwrap();
                    assert_eq!(ev.action, kind, "{ctx}");
                    assert_eq!(ev.from_status, stage.case.status, "{ctx}");
                    assert_eq!(ev.to_status, c.status, "{ctx}");
                    assert_eq!(ev.by.id, who.id, "{ctx}");
                    assert_eq!(c.status, leads_to(kind, stage.case.status), "{ctx}");
                } else {
                    let err = result.expect_err(&ctx);
                    assert_eq!(c, stage.case, "a refused action changes nothing: {ctx}");
                    let role_never = never_allowed(kind, role);
                    if role_never && matches!(err, ComplaintError::RoleNotAllowed { .. }) {
                        // A specialist approving, closing or archiving, or anyone but a
                        // manager destroying: refused for the role whatever the stage.
                    } else if allowed_roles.is_empty() {
                        // Not possible at this stage for anyone: the status (or the case's
                        // data: findings, approvals, open actions) rules it out.
                        assert!(
                            matches!(
                                err,
                                ComplaintError::IllegalTransition { .. }
                                    | ComplaintError::MissingFindings
                                    | ComplaintError::NotYetApproved
                                    | ComplaintError::AlreadyApproved
                                    | ComplaintError::VerifiedSatisfied
                                    | ComplaintError::CorrectiveActionsOpen
                                    | ComplaintError::VerificationMissing
                                    | ComplaintError::VerificationAlreadyRecorded
                            ),
                            "{ctx}: {err:?}"
                        );
                    } else {
                        // Possible here, but not for this role.
                        assert!(
                            matches!(
                                err,
                                ComplaintError::RoleNotAllowed { .. }
                                    | ComplaintError::WrongApprovalLevel { .. }
                            ),
                            "{ctx}: {err:?}"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 13 * 14 * 3);
}

#[test]
fn a_reopened_case_keeps_both_rounds_and_goes_round_again() {
    let stages = stages();
    let responded = &stages[7].case;
    let mut c = responded.clone();
    let at = responded.history.last().unwrap().at + Duration::hours(1);
    c.apply(action(ActionKind::Reopen), &actor(Role::Specialist), at)
        .unwrap();
    assert_eq!(c.status, Status::Investigating);
    assert_eq!(c.rounds.len(), 2);
    assert_eq!(c.round(), 2);
    // The first round keeps its findings, approvals and response.
    assert!(c.rounds[0].findings.is_some());
    assert_eq!(c.rounds[0].approvals.len(), 2);
    assert!(c.rounds[0].response.is_some());
    // The second round starts clean and must be approved level by level again.
    assert!(c.current_round().findings.is_none());
    assert!(c
        .allowed_actions(Role::Specialist, at)
        .contains(&ActionKind::RecordFindings));
    assert!(!c
        .allowed_actions(Role::Specialist, at)
        .contains(&ActionKind::SubmitOpinion));
}

#[test]
fn measures_not_carried_out_go_into_the_next_round_and_a_satisfied_visit_is_not_reopened() {
    let stages = stages();
    let stage = |name: &str| stages.iter().find(|s| s.name == name).unwrap().case.clone();
    // Answered, the approved measure not carried out, then reopened: the measure is owed in
    // round 2 (QA: it was left in round 1, and the case closed without it).
    let mut c = stage("responded, a corrective action open");
    let owed = c.current_round().corrective_actions.clone();
    assert!(owed.iter().any(|a| !a.done));
    let at = c.history.last().unwrap().at + Duration::hours(1);
    c.apply(action(ActionKind::Reopen), &actor(Role::Specialist), at)
        .unwrap();
    assert_eq!(c.round(), 2);
    let carried = &c.current_round().corrective_actions;
    assert_eq!(carried.len(), owed.iter().filter(|a| !a.done).count());
    assert!(carried.iter().all(|a| !a.done));
    assert_eq!(carried[0].description, owed[0].description);
    // Round 1 keeps its record as it was.
    assert_eq!(c.rounds[0].corrective_actions, owed);
    // Done ones are not carried.
    let mut c = stage("responded, corrective actions done");
    c.apply(action(ActionKind::Reopen), &actor(Role::Specialist), at)
        .unwrap();
    assert!(c.current_round().corrective_actions.is_empty());

    // A visit that found the customer satisfied: closed, not reopened, by anyone.
    let satisfied = stage("verifying, customer satisfied");
    for role in ROLES {
        let mut c = satisfied.clone();
        assert_eq!(
            c.apply(
                action(ActionKind::Reopen),
                &actor(role),
                at + Duration::days(30)
            ),
            Err(ComplaintError::VerifiedSatisfied)
        );
    }
}

#[test]
fn nobody_approves_their_own_opinion() {
    let stages = stages();
    let mut c = stages[3].case.clone(); // findings recorded
    let at = c.history.last().unwrap().at + Duration::hours(1);
    let sup = actor(Role::Supervisor);
    c.apply(action(ActionKind::SubmitOpinion), &sup, at)
        .unwrap();
    assert!(!c
        .allowed_actions_for(&sup, at)
        .contains(&ActionKind::Approve));
    let before = c.clone();
    assert_eq!(
        c.apply(action(ActionKind::Approve), &sup, at),
        Err(ComplaintError::SelfApproval)
    );
    assert_eq!(c, before);
}
