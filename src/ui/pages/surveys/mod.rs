//! surveys: the survey list and builder (/surveys, /surveys/:id), results
//! (/surveys/:id/results) and the customer page /s/<survey> (no staff shell).
//! `answer::SurveyForm` is the question renderer the kiosk reuses; `records` holds the
//! reads and writes (responses through the `response_by_survey` index, follow-ups).
//!
//! Follow-up on a low score: a response that trips the survey's rule (domain
//! `follow_up`) is stored together with a `followup` document (domain `SurveyFollowUp`,
//! kind return visit or complaint draft) linked to the response. Not a `care_task` (that
//! needs a known customer, which a link or kiosk response seldom has) and not a
//! `complaint` (a complaint in status Received is a registered case, not a draft): the
//! follow-up is listed under "follow-ups to do" on the survey's results page, linked to
//! the response, and staff mark it done with a note.

pub mod answer;
mod builder;
pub mod charts;
mod customer;
mod list;
mod qr;
pub mod records;
mod results;

pub use builder::BuilderPage;
pub use customer::CustomerPage;
pub use list::ListPage;
pub use records::pending_responses;
pub use results::ResultsPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The survey id named by the route parameter `name` (`/surveys/<key>`, `/s/<key>`).
fn param_survey_id(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| records::survey_id(&params.read().get(name).unwrap_or_default()))
}

/// One decimal, or "—" when undefined.
fn fmt1(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| crate::domain::stats::fixed(v, 1))
        .unwrap_or_else(|| "—".into())
}

/// Two decimals (alpha), or "—" when undefined.
fn fmt2(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| crate::domain::stats::fixed(v, 2))
        .unwrap_or_else(|| "—".into())
}
