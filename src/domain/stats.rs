//! Survey statistics: CSAT, NPS, the CSI, distributions, scale means, Cronbach's alpha
//! (信度检验), filtered results with trends, the satisfaction target, and CSV export.
//! A figure that is undefined (no data, too few cases, zero variance) is `None`, never 0
//! or NaN; every figure carries the number of answers or respondents behind it.

use super::datefmt::Layout;
use crate::domain::spreadsheet::safe_cell;
use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::survey::{Answer, Channel, QuestionKind, Survey, SurveyResponse, Text};

/// The branch's satisfaction target (客户满意度不低于90%), in percent.
pub const SATISFACTION_TARGET_PCT: f64 = 90.0;

/// A figure and the number of answers (or respondents) it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    pub n: usize,
}

/// `value` with `places` decimals, a tie rounded up, as people round (1/16 = 6.25 % is
/// "6.3 %", a mean of 28.125 is "28.13"): Rust's `{:.1}` rounds a tie to the even digit, and
/// showed 6.2 %. A value a hair under a tie only by the rounding of the division itself counts
/// as the tie.
pub fn fixed(value: f64, places: usize) -> String {
    let scale = 10f64.powi(places as i32);
    let nudged = (value * scale * 1e9).round() / 1e9;
    format!("{:.*}", places, nudged.round() / scale)
}

/// `value` as [`fixed`], with up to three decimals more where rounding would put the figure
/// on the other side of a line it is read against (`lines`: a target or limit; 0 and 100 for a
/// share in percent) than the value itself: 1,999 of 2,000 is "99.95", not "100.0"; a CSAT of
/// 89.96 % under a 90 % target "89.96", not "90.0" beside 未达标; 1,001 of 10,000 calls
/// abandoned "10.01", not "10.0" beside 未达标 (QA).
pub fn fixed_beside(value: f64, places: usize, lines: &[f64]) -> String {
    // A hair off only by the rounding of the division (0.1 * 100) counts as on the line.
    let side = |v: f64| {
        let v = (v * 1e9).round() / 1e9;
        lines.iter().map(move |l| v.partial_cmp(l))
    };
    let mut p = places;
    loop {
        let text = fixed(value, p);
        let shown: f64 = text.parse().unwrap_or(value);
        if side(shown).eq(side(value)) {
            return text;
        }
        if p == places + 3 {
            // Still across: cut toward the value instead of rounding.
            let scale = 10f64.powi(p as i32);
            let cut = if shown > value {
                (value * scale).floor()
            } else {
                (value * scale).ceil()
            };
            return format!("{:.*}", p, cut / scale);
        }
        p += 1;
    }
}

/// A share in percent as [`fixed_beside`] shows it against 0 and 100: never "100.0" for a share
/// not whole, nor "0.0" for one not empty.
pub fn percent_text(value: f64, places: usize) -> String {
    fixed_beside(value, places, &[0.0, 100.0])
}

pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(xs.iter().sum::<f64>() / xs.len() as f64)
    }
}

/// Sample variance (divisor n − 1); `None` below two values.
pub fn sample_variance(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    Some(xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64)
}

/// CSAT: the share, in percent, of answers of 4 or 5 among the answered 1–5 scores.
/// Values outside 1–5 are ignored. `None` without any answer.
pub fn csat(scores: &[u8]) -> Option<Figure> {
    let valid: Vec<u8> = scores
        .iter()
        .copied()
        .filter(|v| (1..=5).contains(v))
        .collect();
    if valid.is_empty() {
        return None;
    }
    let sat = valid.iter().filter(|v| **v >= 4).count();
    Some(Figure {
        value: 100.0 * sat as f64 / valid.len() as f64,
        n: valid.len(),
    })
}

/// NPS: percent of promoters (9–10) minus percent of detractors (0–6), from −100 to 100.
/// Values above 10 are ignored. `None` without any answer.
pub fn nps(scores: &[u8]) -> Option<Figure> {
    let valid: Vec<u8> = scores.iter().copied().filter(|v| *v <= 10).collect();
    if valid.is_empty() {
        return None;
    }
    let promoters = valid.iter().filter(|v| **v >= 9).count() as f64;
    let detractors = valid.iter().filter(|v| **v <= 6).count() as f64;
    Some(Figure {
        value: 100.0 * (promoters - detractors) / valid.len() as f64,
        n: valid.len(),
    })
}

/// Rescales a value on `min..=max` to 0–100.
pub fn rescale_to_100(value: f64, min: f64, max: f64) -> f64 {
    100.0 * (value - min) / (max - min)
}

/// CSI: the weighted mean of per-scale indexes (each 0–100), weights normalised over the
/// scales that have an index and a positive weight. `None` when there are none.
pub fn csi(scale_indexes: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, w) = scale_indexes
        .iter()
        .filter_map(|(idx, w)| {
            idx.filter(|_| *w > 0.0 && w.is_finite())
                .map(|i| (i * w, *w))
        })
        .fold((0.0, 0.0), |(s, tw), (x, w)| (s + x, tw + w));
    if w > 0.0 {
        Some(sum / w)
    } else {
        None
    }
}

/// Cronbach's alpha of complete rows (each row one respondent, each column one item):
/// α = k/(k−1) · (1 − Σ s²ᵢ / s²ₜ) with sample variances. `None` when n < 2, k < 2, rows
/// differ in length, or the variance of the totals is 0.
pub fn cronbach_alpha(rows: &[Vec<f64>]) -> Option<f64> {
    let n = rows.len();
    let k = rows.first()?.len();
    if n < 2 || k < 2 || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let mut item_var = 0.0;
    for j in 0..k {
        let col: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        item_var += sample_variance(&col)?;
    }
    let totals: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let total_var = sample_variance(&totals)?;
    if total_var <= f64::EPSILON * 16.0 {
        return None;
    }
    let k = k as f64;
    Some(k / (k - 1.0) * (1.0 - item_var / total_var))
}

/// How an alpha reads, by the usual rule of thumb for survey scales (0.70 acceptable, 0.80
/// good, 0.90 excellent): (zh, en).
pub fn alpha_verdict(alpha: f64) -> (&'static str, &'static str) {
    match alpha {
        a if a >= 0.9 => ("信度很高", "excellent"),
        a if a >= 0.8 => ("信度良好", "good"),
        a if a >= 0.7 => ("信度可接受", "acceptable"),
        _ => (
            "信度偏低（低于 0.70）：该维度的题目可能并非测量同一方面",
            "low (under 0.70): the scale's questions may not measure one thing",
        ),
    }
}

/// Alpha of a scale with the alpha if each item were deleted (same respondents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    pub scale_id: String,
    /// Numeric items in the scale.
    pub k: usize,
    /// Respondents who answered every item (listwise deletion).
    pub n: usize,
    pub alpha: Option<f64>,
    pub items: Vec<ItemDeleted>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDeleted {
    pub question_id: String,
    /// Alpha of the other k − 1 items over the same n respondents.
    pub alpha_if_deleted: Option<f64>,
}

/// Cronbach's alpha for one scale over the given responses (listwise deletion: only
/// responses that answered every numeric item of the scale count).
pub fn scale_reliability(
    survey: &Survey,
    responses: &[&SurveyResponse],
    scale_id: &str,
) -> Reliability {
    let items: Vec<&str> = survey
        .scale_questions(scale_id)
        .filter(|q| q.kind.range().is_some())
        .map(|q| q.id.as_str())
        .collect();
    let rows: Vec<Vec<f64>> = responses
        .iter()
        .filter_map(|r| {
            items
                .iter()
                .map(|q| r.score(q).map(f64::from))
                .collect::<Option<Vec<f64>>>()
        })
        .collect();
    let alpha = cronbach_alpha(&rows);
    let item_results = (0..items.len())
        .map(|skip| {
            let reduced: Vec<Vec<f64>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .filter(|(j, _)| *j != skip)
                        .map(|(_, v)| *v)
                        .collect()
                })
                .collect();
            ItemDeleted {
                question_id: items[skip].to_string(),
                alpha_if_deleted: cronbach_alpha(&reduced),
            }
        })
        .collect();
    Reliability {
        scale_id: scale_id.to_string(),
        k: items.len(),
        n: rows.len(),
        alpha,
        items: item_results,
    }
}

/// The satisfaction of one response on 0–100: the mean of its Likert and smiley answers,
/// each rescaled from 1–5. `None` when it has none. Used for journey maps.
pub fn response_satisfaction(survey: &Survey, response: &SurveyResponse) -> Option<f64> {
    let xs: Vec<f64> = survey
        .questions
        .iter()
        .filter(|q| q.kind.is_satisfaction_item())
        .filter_map(|q| response.score(&q.id))
        .filter(|v| (1..=5).contains(v))
        .map(|v| rescale_to_100(f64::from(v), 1.0, 5.0))
        .collect();
    mean(&xs)
}

/// Which responses count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsFilter {
    pub channel: Option<Channel>,
    pub stage: Option<String>,
    pub staff_id: Option<String>,
    /// Inclusive, by the branch-local date of submission.
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
    /// Count partial responses too (their answered questions).
    pub include_partial: bool,
}

impl ResultsFilter {
    pub fn matches(&self, r: &SurveyResponse) -> bool {
        let d = r.submitted_at.date();
        (self.include_partial || r.complete)
            && self.channel.is_none_or(|c| c == r.channel)
            && self
                .stage
                .as_ref()
                .is_none_or(|s| r.stage.as_ref() == Some(s))
            && self
                .staff_id
                .as_ref()
                .is_none_or(|s| r.staff_id.as_ref() == Some(s))
            && self.from.is_none_or(|f| d >= f)
            && self.to.is_none_or(|t| d <= t)
    }
}

/// How the answers to one question fall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Count per value over the question's whole range, in order.
    Scores(Vec<(u8, usize)>),
    /// Count per option id, in option order (a multiple-choice answer counts once per option).
    Options(Vec<(String, usize)>),
    /// Free text: the non-empty answers are counted in `n` only.
    Texts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub question_id: String,
    pub text: Text,
    /// Respondents who answered it.
    pub n: usize,
    /// Mean of a numeric question.
    pub mean: Option<f64>,
    pub distribution: Distribution,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleResult {
    pub scale_id: String,
    pub name: Text,
    pub weight: f64,
    /// Respondents with at least one answered item of the scale.
    pub n: usize,
    /// Mean over those respondents of their mean item score (raw units, 1–5 for Likert).
    pub mean: Option<f64>,
    /// The same on 0–100 (each item rescaled from its own range first); feeds the CSI.
    pub index: Option<f64>,
    pub reliability: Reliability,
}

/// Actual satisfaction (CSAT, share of 4–5) against the target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetCheck {
    pub target_pct: f64,
    pub actual_pct: Option<f64>,
    /// `None` when there is no data.
    pub met: Option<bool>,
}

impl TargetCheck {
    pub fn new(target_pct: f64, actual: Option<Figure>) -> Self {
        TargetCheck {
            target_pct,
            actual_pct: actual.map(|f| f.value),
            met: actual.map(|f| f.value >= target_pct),
        }
    }
}

/// Results of one survey version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResults {
    pub survey_id: String,
    pub version: u32,
    /// Responses that passed the filter.
    pub n: usize,
    pub n_complete: usize,
    pub csat: Option<Figure>,
    pub nps: Option<Figure>,
    pub csi: Option<f64>,
    pub questions: Vec<QuestionResult>,
    pub scales: Vec<ScaleResult>,
    pub by_channel: Vec<(Channel, usize)>,
    /// Stage id (`None`: no stage) → count, sorted by stage id.
    pub by_stage: Vec<(Option<String>, usize)>,
    /// Staff id (`None`: no staff) → count, sorted by staff id.
    pub by_staff: Vec<(Option<String>, usize)>,
    pub target: TargetCheck,
}

/// The responses that belong to `survey` at its version and pass the filter.
pub fn select<'a>(
    survey: &Survey,
    responses: &'a [SurveyResponse],
    filter: &ResultsFilter,
) -> Vec<&'a SurveyResponse> {
    responses
        .iter()
        .filter(|r| {
            r.survey_id == survey.id && r.survey_version == survey.version && filter.matches(r)
        })
        .collect()
}

/// The questions CSAT is read from: the survey's CSAT question if it names one, otherwise
/// every Likert and smiley question.
fn csat_questions(survey: &Survey) -> Vec<&str> {
    match &survey.csat_question {
        Some(q) if survey.question(q).is_some() => vec![q.as_str()],
        _ => survey
            .questions
            .iter()
            .filter(|q| q.kind.is_satisfaction_item())
            .map(|q| q.id.as_str())
            .collect(),
    }
}

/// The CSAT answers of the responses (see [`csat_questions`]).
fn csat_scores(survey: &Survey, rs: &[&SurveyResponse]) -> Vec<u8> {
    let qs = csat_questions(survey);
    rs.iter()
        .flat_map(|r| qs.iter().filter_map(move |q| r.score(q)))
        .collect()
}

/// One response's CSAT answers as (answers of 4 or 5, answers of 1–5): summed over some
/// responses, their share is the CSAT of those responses ([`csat`]).
pub fn response_csat(survey: &Survey, response: &SurveyResponse) -> (u32, u32) {
    let xs: Vec<u8> = csat_questions(survey)
        .iter()
        .filter_map(|q| response.score(q))
        .filter(|v| (1..=5).contains(v))
        .collect();
    (
        xs.iter().filter(|v| **v >= 4).count() as u32,
        xs.len() as u32,
    )
}

/// The CSAT a survey's results page opens with: its current version, complete responses, every
/// channel and date. The survey list shows it beside each survey.
pub fn current_csat(survey: &Survey, responses: &[SurveyResponse]) -> Option<Figure> {
    let rs = select(survey, responses, &ResultsFilter::default());
    csat(&csat_scores(survey, &rs))
}

fn nps_scores(survey: &Survey, rs: &[&SurveyResponse]) -> Vec<u8> {
    let qs: Vec<&str> = survey
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Nps)
        .map(|q| q.id.as_str())
        .collect();
    rs.iter()
        .flat_map(|r| qs.iter().filter_map(move |q| r.score(q)))
        .collect()
}

fn scale_result(survey: &Survey, rs: &[&SurveyResponse], scale_id: &str) -> Option<ScaleResult> {
    let scale = survey.scale(scale_id)?;
    let items: Vec<_> = survey
        .scale_questions(scale_id)
        .filter_map(|q| q.kind.range().map(|r| (q.id.as_str(), r)))
        .collect();
    let mut raw = Vec::new();
    let mut idx = Vec::new();
    for r in rs {
        let vals: Vec<(f64, f64)> = items
            .iter()
            .filter_map(|(q, (lo, hi))| {
                let v = r.score(q).filter(|v| (*lo..=*hi).contains(v))?;
                let v = f64::from(v);
                Some((v, rescale_to_100(v, f64::from(*lo), f64::from(*hi))))
            })
            .collect();
        if vals.is_empty() {
            continue;
        }
        let n = vals.len() as f64;
        raw.push(vals.iter().map(|v| v.0).sum::<f64>() / n);
        idx.push(vals.iter().map(|v| v.1).sum::<f64>() / n);
    }
    Some(ScaleResult {
        scale_id: scale.id.clone(),
        name: scale.name.clone(),
        weight: scale.weight,
        n: raw.len(),
        mean: mean(&raw),
        index: mean(&idx),
        reliability: scale_reliability(survey, rs, scale_id),
    })
}

fn question_results(survey: &Survey, rs: &[&SurveyResponse]) -> Vec<QuestionResult> {
    survey
        .questions
        .iter()
        .map(|q| {
            let answers: Vec<&Answer> = rs
                .iter()
                .filter_map(|r| r.answers.get(&q.id))
                .filter(|a| a.is_given())
                .collect();
            let (n, mean_v, distribution) = match &q.kind {
                k if k.range().is_some() => {
                    let (lo, hi) = k.range().unwrap_or((0, 0));
                    let vals: Vec<u8> = answers
                        .iter()
                        .filter_map(|a| a.score())
                        .filter(|v| (lo..=hi).contains(v))
                        .collect();
                    let dist = (lo..=hi)
                        .map(|v| (v, vals.iter().filter(|x| **x == v).count()))
                        .collect();
                    let fs: Vec<f64> = vals.iter().map(|v| f64::from(*v)).collect();
                    (vals.len(), mean(&fs), Distribution::Scores(dist))
                }
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options } => {
                    let mut counts: Vec<(String, usize)> =
                        options.iter().map(|o| (o.id.clone(), 0)).collect();
                    let mut n = 0;
                    for a in &answers {
                        let chosen: Vec<&String> = match a {
                            Answer::Choice(c) => vec![c],
                            Answer::Choices(cs) => cs.iter().collect(),
                            _ => continue,
                        };
                        n += 1;
                        for c in chosen {
                            if let Some(e) = counts.iter_mut().find(|(id, _)| id == c) {
                                e.1 += 1;
                            }
                        }
                    }
                    (n, None, Distribution::Options(counts))
                }
                _ => (
                    answers
                        .iter()
                        .filter(|a| matches!(a, Answer::Text(_)))
                        .count(),
                    None,
                    Distribution::Texts,
                ),
            };
            QuestionResult {
                question_id: q.id.clone(),
                text: q.text.clone(),
                n,
                mean: mean_v,
                distribution,
            }
        })
        .collect()
}

fn counts<K: Ord + Clone>(keys: impl Iterator<Item = K>) -> Vec<(K, usize)> {
    let mut m: BTreeMap<K, usize> = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    m.into_iter().collect()
}

fn summarise(
    survey: &Survey,
    rs: &[&SurveyResponse],
) -> (
    Option<Figure>,
    Option<Figure>,
    Option<f64>,
    Vec<ScaleResult>,
) {
    let scales: Vec<ScaleResult> = survey
        .scales
        .iter()
        .filter_map(|s| scale_result(survey, rs, &s.id))
        .collect();
    let csi_v = csi(&scales
        .iter()
        .map(|s| (s.index, s.weight))
        .collect::<Vec<_>>());
    (
        csat(&csat_scores(survey, rs)),
        nps(&nps_scores(survey, rs)),
        csi_v,
        scales,
    )
}

/// Results of `survey` (pass the definition at the version wanted, see
/// `Survey::at_version`) over the responses to that version that pass the filter.
pub fn results(
    survey: &Survey,
    responses: &[SurveyResponse],
    filter: &ResultsFilter,
    target_pct: f64,
) -> SurveyResults {
    let rs = select(survey, responses, filter);
    let (csat_v, nps_v, csi_v, scales) = summarise(survey, &rs);
    SurveyResults {
        survey_id: survey.id.clone(),
        version: survey.version,
        n: rs.len(),
        n_complete: rs.iter().filter(|r| r.complete).count(),
        csat: csat_v,
        nps: nps_v,
        csi: csi_v,
        questions: question_results(survey, &rs),
        scales,
        by_channel: counts(rs.iter().map(|r| r.channel)),
        by_stage: counts(rs.iter().map(|r| r.stage.clone())),
        by_staff: counts(rs.iter().map(|r| r.staff_id.clone())),
        target: TargetCheck::new(target_pct, csat_v),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bucket {
    Day,
    /// ISO weeks, starting on Monday.
    Week,
    Month,
}

impl Bucket {
    /// The first day of the bucket holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => d,
            Bucket::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            Bucket::Month => d.with_day(1).unwrap_or(d),
        }
    }

    /// The first day of the next bucket after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => start + Duration::days(1),
            Bucket::Week => start + Duration::days(7),
            Bucket::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(start + Duration::days(31)),
        }
    }

    /// The granularity a trend from `from` to `to` (inclusive) reads best in when the user
    /// has chosen none: by day up to about two months (62 days, some 60 points), by week up
    /// to a year (366 days, some 53 points), by month beyond (three years: 36 points).
    pub fn for_range(from: NaiveDate, to: NaiveDate) -> Bucket {
        let days = (to - from).num_days() + 1;
        if days <= 62 {
            Bucket::Day
        } else if days <= 366 {
            Bucket::Week
        } else {
            Bucket::Month
        }
    }

    /// How a bucket's first day is written on the axis of a trend from `from` to `to`: a month
    /// with its year (`2025-06`); a day or week without the year when every bucket starts in
    /// one year (`06-27`), with it when they cross a year (`2025-06-27`; a first week may start
    /// in the year before `from`).
    pub fn axis_layout(self, from: NaiveDate, to: NaiveDate) -> &'static str {
        match self {
            Bucket::Month => "%Y-%m",
            _ if self.start(from).year() != to.year() => "%Y-%m-%d",
            _ => "%m-%d",
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Bucket::Day, true) => "按日",
            (Bucket::Day, false) => "Daily",
            (Bucket::Week, true) => "按周",
            (Bucket::Week, false) => "Weekly",
            (Bucket::Month, true) => "按月",
            (Bucket::Month, false) => "Monthly",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// First day of the bucket.
    pub start: NaiveDate,
    pub n: usize,
    pub csat: Option<Figure>,
    pub nps: Option<Figure>,
    pub csi: Option<f64>,
}

/// CSAT, NPS and CSI per day, week or month. Buckets run without gaps from the filter's
/// `from` (or the first response) to its `to` (or the last response); empty buckets have
/// n = 0 and no figures. Empty when nothing matches and no range is given.
pub fn trend(
    survey: &Survey,
    responses: &[SurveyResponse],
    filter: &ResultsFilter,
    bucket: Bucket,
) -> Vec<TrendPoint> {
    let rs = select(survey, responses, filter);
    let Some((first, last)) = span(&rs, filter) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = bucket.start(first);
    while start <= last {
        let next = bucket.next(start);
        let in_bucket: Vec<&SurveyResponse> = rs
            .iter()
            .copied()
            .filter(|r| {
                let d = r.submitted_at.date();
                d >= start && d < next
            })
            .collect();
        let (c, n, i, _) = summarise(survey, &in_bucket);
        out.push(TrendPoint {
            start,
            n: in_bucket.len(),
            csat: c,
            nps: n,
            csi: i,
        });
        start = next;
    }
    out
}

/// The days a [`trend`] runs over: the filter's `from` (or the first response) to its `to`
/// (or the last response); None when nothing matches and no range is given.
pub fn trend_range(
    survey: &Survey,
    responses: &[SurveyResponse],
    filter: &ResultsFilter,
) -> Option<(NaiveDate, NaiveDate)> {
    span(&select(survey, responses, filter), filter)
}

fn span(rs: &[&SurveyResponse], filter: &ResultsFilter) -> Option<(NaiveDate, NaiveDate)> {
    let dates = rs.iter().map(|r| r.submitted_at.date());
    Some((
        filter.from.or_else(|| dates.clone().min())?,
        filter.to.or_else(|| dates.clone().max())?,
    ))
}

#[derive(Debug, thiserror::Error)]
#[error("CSV export failed: {0}")]
pub struct ExportError(String);

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError(e.to_string())
    }
}

/// The responses (to `survey`'s version, passing `filter`) as CSV in UTF-8 with a BOM so
/// Excel reads Chinese: fixed columns, then one column per question headed by its text.
/// The responses as CSV: a BOM, one row a response, staff by name (`staff_name`: a staff id's
/// name, `None` for an id no staff member has, shown as it is).
pub fn responses_csv(
    survey: &Survey,
    responses: &[SurveyResponse],
    filter: &ResultsFilter,
    zh: bool,
    staff_name: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<u8>, ExportError> {
    let rs = select(survey, responses, filter);
    let mut out = Vec::from(*b"\xEF\xBB\xBF");
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let fixed: [&str; 10] = if zh {
            [
                "编号",
                "提交时间",
                "渠道",
                "旅程阶段",
                "触点",
                "员工",
                "设备",
                "是否完成",
                "客户",
                "版本",
            ]
        } else {
            [
                "Id",
                "Submitted",
                "Channel",
                "Stage",
                "Touchpoint",
                "Staff",
                "Device",
                "Complete",
                "Customer",
                "Version",
            ]
        };
        let mut header: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        header.extend(survey.questions.iter().map(|q| safe_cell(q.text.get(zh))));
        w.write_record(&header)?;
        for r in rs {
            let mut row = vec![
                r.id.clone(),
                r.submitted_at.layout("%Y-%m-%d %H:%M:%S"),
                r.channel.label(zh).to_string(),
                safe_cell(r.stage.as_deref().unwrap_or("")),
                safe_cell(r.touchpoint.as_deref().unwrap_or("")),
                safe_cell(
                    &r.staff_id
                        .as_deref()
                        .map(|id| staff_name(id).unwrap_or_else(|| id.to_string()))
                        .unwrap_or_default(),
                ),
                safe_cell(r.device.as_deref().unwrap_or("")),
                pick(zh, r.complete),
                safe_cell(r.customer_id.as_deref().unwrap_or("")),
                r.survey_version.to_string(),
            ];
            for q in &survey.questions {
                let label = |id: &str| match &q.kind {
                    QuestionKind::SingleChoice { options }
                    | QuestionKind::MultipleChoice { options } => options
                        .iter()
                        .find(|o| o.id == id)
                        .map(|o| o.label.get(zh).to_string())
                        .unwrap_or_else(|| id.to_string()),
                    _ => id.to_string(),
                };
                let cell = match r.answers.get(&q.id) {
                    None => String::new(),
                    Some(Answer::Score(v)) => v.to_string(),
                    Some(Answer::Choice(c)) => safe_cell(&label(c)),
                    Some(Answer::Choices(cs)) => {
                        safe_cell(&cs.iter().map(|c| label(c)).collect::<Vec<_>>().join("; "))
                    }
                    Some(Answer::Text(t)) => safe_cell(t),
                };
                row.push(cell);
            }
            w.write_record(&row)?;
        }
        w.flush().map_err(|e| ExportError(e.to_string()))?;
    }
    Ok(out)
}

fn pick(zh: bool, yes: bool) -> String {
    match (zh, yes) {
        (true, true) => "是",
        (true, false) => "否",
        (false, true) => "yes",
        (false, false) => "no",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_a_tie_up() {
        assert_eq!(fixed(100.0 / 16.0, 1), "6.3");
        assert_eq!(fixed(31.25, 1), "31.3");
        assert_eq!(fixed(28.125, 2), "28.13");
        assert_eq!(fixed(6.24, 1), "6.2");
        assert_eq!(fixed(2.0 / 3.0 * 100.0, 1), "66.7");
        assert_eq!(fixed(0.0, 1), "0.0");
        assert_eq!(fixed(100.0, 1), "100.0");
        // 0.1 + 0.2 = 0.30000000000000004; 1.005 is stored as 1.00499999999999989...
        assert_eq!(fixed(1.005, 2), "1.01");
        // A figure rounded across a line it is read against takes the decimals it needs.
        assert_eq!(percent_text(1999.0 / 2000.0 * 100.0, 1), "99.95");
        assert_eq!(percent_text(1.0 / 20000.0 * 100.0, 1), "0.01");
        assert_eq!(percent_text(100.0, 1), "100.0");
        assert_eq!(percent_text(2.0 / 3.0 * 100.0, 1), "66.7");
        assert_eq!(fixed_beside(89.96, 1, &[0.0, 100.0, 90.0]), "89.96");
        assert_eq!(fixed_beside(90.0, 1, &[0.0, 100.0, 90.0]), "90.0");
        assert_eq!(fixed_beside(0.1001 * 100.0, 1, &[10.0]), "10.01");
        assert_eq!(fixed_beside(0.1 * 100.0, 1, &[10.0]), "10.0");
        assert_eq!(fixed_beside(29.96, 1, &[30.0]), "29.96");
        assert_eq!(fixed_beside(1.0 / 9000.0 * 10_000.0, 2, &[1.0]), "1.11");
        // No more than three decimals more.
        assert_eq!(fixed_beside(0.999_999, 2, &[1.0]), "0.99999");
    }

    #[test]
    fn an_alpha_reads_by_the_rule_of_thumb() {
        assert_eq!(alpha_verdict(0.95).0, "信度很高");
        assert_eq!(alpha_verdict(0.8).1, "good");
        assert_eq!(alpha_verdict(0.7).0, "信度可接受");
        assert!(alpha_verdict(0.69).0.starts_with("信度偏低"));
        assert!(alpha_verdict(-0.2).1.starts_with("low"));
    }
    use crate::domain::survey::{default_survey, Question, Scale};
    use chrono::NaiveDateTime;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Ten respondents × four Likert items X1–X4, from "Survey reliability",
    /// thinkdeeply.cc/posts/survey-reliability (CC BY 4.0), which prints the covariance
    /// matrix (variances 0.6778, 0.989, 0.6222, 1.344) and α = 0.674, checked there
    /// against R's psych::alpha ("Items: 4, Sample units: 10, alpha: 0.674").
    const TEN_BY_FOUR: [[u8; 4]; 10] = [
        [3, 3, 3, 3],
        [3, 3, 4, 3],
        [3, 3, 3, 1],
        [5, 4, 4, 5],
        [2, 1, 4, 4],
        [4, 4, 4, 5],
        [3, 2, 3, 3],
        [3, 4, 3, 3],
        [4, 2, 2, 3],
        [3, 3, 2, 3],
    ];

    fn rows(data: &[[u8; 4]]) -> Vec<Vec<f64>> {
        data.iter()
            .map(|r| r.iter().map(|v| f64::from(*v)).collect())
            .collect()
    }

    #[test]
    fn cronbach_alpha_matches_published_example() {
        let r = rows(&TEN_BY_FOUR);
        // Item variances as printed in the source.
        let vars: Vec<f64> = (0..4)
            .map(|j| sample_variance(&r.iter().map(|x| x[j]).collect::<Vec<_>>()).unwrap())
            .collect();
        for (v, printed) in vars.iter().zip([0.6778, 0.989, 0.6222, 1.344]) {
            assert!((v - printed).abs() < 5e-4, "{v} vs {printed}");
        }
        // By hand: item variances sum to 327/90; totals 12,13,10,18,11,17,11,13,11,11 have
        // mean 12.7 and variance 661/90; α = 4/3 · (1 − 327/661) = 1336/1983 = 0.67373.
        let a = cronbach_alpha(&r).unwrap();
        assert!(close(a, 1336.0 / 1983.0), "{a}");
        assert_eq!((a * 1000.0).round() / 1000.0, 0.674);
    }

    fn likert_survey(k: usize) -> Survey {
        Survey {
            id: "survey:t".into(),
            rev: None,
            title: Text::new("测试", "Test"),
            version: 1,
            stage: None,
            touchpoint: None,
            mode: Default::default(),
            scales: vec![Scale {
                id: "s".into(),
                name: Text::new("维度", "Scale"),
                weight: 1.0,
            }],
            questions: (0..k)
                .map(|i| Question {
                    id: format!("x{}", i + 1),
                    text: Text::new(format!("题{}", i + 1), format!("X{}", i + 1)),
                    kind: QuestionKind::Likert5,
                    required: false,
                    scale: Some("s".into()),
                })
                .collect(),
            csat_question: None,
            previous_versions: vec![],
            stopped_at: None,
            changed: None,
        }
    }

    fn resp(survey: &Survey, n: usize, scores: &[(&str, u8)], date: &str) -> SurveyResponse {
        SurveyResponse {
            id: format!("response:{n:03}"),
            rev: None,
            survey_id: survey.id.clone(),
            survey_version: survey.version,
            answers: scores
                .iter()
                .map(|(q, v)| (q.to_string(), Answer::Score(*v)))
                .collect(),
            channel: Channel::Kiosk,
            stage: None,
            touchpoint: None,
            staff_id: None,
            submitted_at: NaiveDateTime::parse_from_str(
                &format!("{date} 10:00:00"),
                "%Y-%m-%d %H:%M:%S",
            )
            .unwrap(),
            device: None,
            complete: true,
            customer_id: None,
            entered_by: None,
        }
    }

    #[test]
    fn scale_reliability_with_alpha_if_deleted_and_listwise_deletion() {
        let s = likert_survey(4);
        let mut rs: Vec<SurveyResponse> = TEN_BY_FOUR
            .iter()
            .enumerate()
            .map(|(i, r)| {
                resp(
                    &s,
                    i,
                    &[("x1", r[0]), ("x2", r[1]), ("x3", r[2]), ("x4", r[3])],
                    "2026-11-02",
                )
            })
            .collect();
        // An eleventh respondent who skipped X2 is dropped listwise.
        rs.push(resp(
            &s,
            99,
            &[("x1", 1), ("x3", 5), ("x4", 1)],
            "2026-11-02",
        ));
        let refs: Vec<&SurveyResponse> = rs.iter().collect();
        let rel = scale_reliability(&s, &refs, "s");
        assert_eq!((rel.k, rel.n), (4, 10));
        assert!(close(rel.alpha.unwrap(), 1336.0 / 1983.0));
        // Alpha if deleted, by hand from the same table (sample variances, n = 10):
        // without X1: items 266/90, totals 424/90 → 3/2·(1 − 266/424) = 0.558962
        // without X2: items 238/90, totals 416/90 → 3/2·(1 − 238/416) = 0.641827
        // without X3: items 271/90, totals 485/90 → 3/2·(1 − 271/485) = 0.661856
        // without X4: items 206/90, totals 324/90 → 3/2·(1 − 206/324) = 0.546296
        let expect = [
            1.5 * (1.0 - 266.0 / 424.0),
            1.5 * (1.0 - 238.0 / 416.0),
            1.5 * (1.0 - 271.0 / 485.0),
            1.5 * (1.0 - 206.0 / 324.0),
        ];
        for (item, e) in rel.items.iter().zip(expect) {
            assert!(close(item.alpha_if_deleted.unwrap(), e), "{item:?} vs {e}");
        }
        assert!((rel.items[0].alpha_if_deleted.unwrap() - 0.558962).abs() < 1e-6);
        assert!((rel.items[3].alpha_if_deleted.unwrap() - 0.546296).abs() < 1e-6);
    }

    #[test]
    fn alpha_undefined_cases() {
        assert_eq!(cronbach_alpha(&[]), None);
        assert_eq!(cronbach_alpha(&[vec![1.0, 2.0]]), None); // n = 1
        assert_eq!(cronbach_alpha(&[vec![1.0], vec![2.0], vec![3.0]]), None); // k = 1
        assert_eq!(cronbach_alpha(&[vec![3.0, 3.0], vec![3.0, 3.0]]), None); // zero variance
        assert_eq!(cronbach_alpha(&[vec![1.0, 2.0], vec![2.0]]), None); // ragged
                                                                        // Two items, two respondents, perfectly consistent: α = 1.
        assert!(close(
            cronbach_alpha(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap(),
            1.0
        ));
        let s = likert_survey(2);
        let one = [resp(&s, 1, &[("x1", 4), ("x2", 5)], "2026-11-02")];
        let refs: Vec<&SurveyResponse> = one.iter().collect();
        let rel = scale_reliability(&s, &refs, "s");
        assert_eq!((rel.n, rel.k, rel.alpha), (1, 2, None));
        // k − 1 = 1 item left: alpha-if-deleted undefined.
        assert!(rel.items.iter().all(|i| i.alpha_if_deleted.is_none()));
    }

    #[test]
    fn csat_and_nps_cases() {
        assert_eq!(csat(&[]), None);
        assert_eq!(nps(&[]), None);
        // 3 of 5 answers are 4–5 → 60 %.
        assert_eq!(csat(&[5, 4, 3, 2, 4]), Some(Figure { value: 60.0, n: 5 }));
        assert_eq!(csat(&[0, 9]), None); // out-of-range values are not answers
        assert_eq!(csat(&[3]), Some(Figure { value: 0.0, n: 1 }));
        // Promoters 9,10,10 (3); passives 7,8 (2); detractors 0,6,5 (3): (3 − 3)/8 = 0.
        assert_eq!(
            nps(&[9, 10, 10, 7, 8, 0, 6, 5]),
            Some(Figure { value: 0.0, n: 8 })
        );
        // 2 promoters, 1 passive, 1 detractor of 4: 50 − 25 = 25.
        assert_eq!(nps(&[10, 9, 7, 3]), Some(Figure { value: 25.0, n: 4 }));
        assert_eq!(
            nps(&[6]),
            Some(Figure {
                value: -100.0,
                n: 1
            })
        );
        assert_eq!(nps(&[10]), Some(Figure { value: 100.0, n: 1 }));
    }

    #[test]
    fn csi_weighting() {
        // Scale means 4 and 3 on 1–5 → indexes 75 and 50; weights 0.6 / 0.4 → 65.
        assert!(close(
            csi(&[(Some(75.0), 0.6), (Some(50.0), 0.4)]).unwrap(),
            65.0
        ));
        // A scale without data drops out and the weights renormalise.
        assert!(close(csi(&[(Some(75.0), 0.6), (None, 0.4)]).unwrap(), 75.0));
        assert_eq!(csi(&[(None, 1.0)]), None);
        assert_eq!(csi(&[(Some(80.0), 0.0)]), None);
        assert_eq!(csi(&[]), None);
    }

    #[test]
    fn a_responses_csat_answers_sum_to_the_results_csat() {
        // Three Likert items, "x1" named as the CSAT question: 5 there, 3 elsewhere.
        let mut sv = likert_survey(3);
        sv.csat_question = Some("x1".into());
        let r = resp(&sv, 1, &[("x1", 5), ("x2", 3), ("x3", 3)], "2026-11-02");
        assert_eq!(response_csat(&sv, &r), (1, 1));
        // Its mean satisfaction is below 4, yet the customer is satisfied by CSAT.
        assert!(response_satisfaction(&sv, &r).unwrap() < 75.0);
        let res = results(
            &sv,
            std::slice::from_ref(&r),
            &ResultsFilter::default(),
            90.0,
        );
        assert_eq!(res.csat.unwrap().value, 100.0);
        // Without a named question every Likert answer counts, out-of-range ones not.
        sv.csat_question = None;
        assert_eq!(response_csat(&sv, &r), (1, 3));
        let odd = resp(&sv, 2, &[("x1", 4), ("x2", 9)], "2026-11-02");
        assert_eq!(response_csat(&sv, &odd), (1, 1));
    }

    #[test]
    fn the_lists_csat_is_the_results_pages_first_figure() {
        let mut sv = likert_survey(1);
        sv.version = 2;
        let mut rs = vec![
            resp(&sv, 1, &[("x1", 5)], "2026-11-02"),
            resp(&sv, 2, &[("x1", 2)], "2026-11-03"),
            // Not counted: partial, an older version, another survey.
            resp(&sv, 3, &[("x1", 5)], "2026-11-04"),
            resp(&sv, 4, &[("x1", 5)], "2026-11-05"),
            resp(&sv, 5, &[("x1", 5)], "2026-11-06"),
        ];
        rs[2].complete = false;
        rs[3].survey_version = 1;
        rs[4].survey_id = "survey:other".into();
        let f = current_csat(&sv, &rs);
        assert_eq!(f, Some(Figure { value: 50.0, n: 2 }));
        assert_eq!(f, results(&sv, &rs, &ResultsFilter::default(), 90.0).csat);
        assert_eq!(current_csat(&sv, &rs[2..]), None);
    }

    #[test]
    fn results_of_default_survey() {
        let s = default_survey("survey:d");
        let all = |v: u8, nps_v: u8| all_scores(&s, v, nps_v);
        let mut rs = vec![
            resp(&s, 1, &all(5, 10), "2026-11-02"),
            resp(&s, 2, &all(4, 8), "2026-11-03"),
            resp(&s, 3, &all(2, 3), "2026-11-10"),
        ];
        rs[1].channel = Channel::Link;
        rs[2].staff_id = Some("staff:7".into());
        // Another version and another survey are not counted.
        let mut other = resp(&s, 4, &all(1, 0), "2026-11-03");
        other.survey_version = 2;
        rs.push(other);
        let mut partial = resp(&s, 5, &[("overall", 1)], "2026-11-03");
        partial.complete = false;
        rs.push(partial);

        let res = results(&s, &rs, &ResultsFilter::default(), SATISFACTION_TARGET_PCT);
        assert_eq!((res.n, res.n_complete), (3, 3));
        // CSAT from the "overall" question: 5, 4, 2 → 2 of 3.
        let c = res.csat.unwrap();
        assert_eq!(c.n, 3);
        assert!(close(c.value, 200.0 / 3.0));
        // NPS: 10 promoter, 8 passive, 3 detractor → 0.
        assert_eq!(res.nps, Some(Figure { value: 0.0, n: 3 }));
        // Every scale mean is (5 + 4 + 2)/3 = 11/3 → index (11/3 − 1)/4 · 100 = 66.67; the CSI
        // of equal indexes is that index whatever the weights.
        for sc in &res.scales {
            assert!(close(sc.mean.unwrap(), 11.0 / 3.0));
            assert_eq!(sc.n, 3);
        }
        assert!(close(res.csi.unwrap(), 200.0 / 3.0));
        assert_eq!(res.target.met, Some(false));
        assert_eq!(
            res.by_channel,
            vec![(Channel::Kiosk, 2), (Channel::Link, 1)]
        );
        assert_eq!(res.by_staff, vec![(None, 2), (Some("staff:7".into()), 1)]);
        let overall = res
            .questions
            .iter()
            .find(|q| q.question_id == "overall")
            .unwrap();
        assert_eq!(
            overall.distribution,
            Distribution::Scores(vec![(1, 0), (2, 1), (3, 0), (4, 1), (5, 1)])
        );
        let comment = res
            .questions
            .iter()
            .find(|q| q.question_id == "comment")
            .unwrap();
        assert_eq!((comment.n, comment.mean), (0, None));

        // Including partial responses adds the "overall" 1.
        let f = ResultsFilter {
            include_partial: true,
            ..Default::default()
        };
        let res = results(&s, &rs, &f, 90.0);
        assert_eq!((res.n, res.n_complete), (4, 3));
        assert_eq!(res.csat.unwrap().n, 4);

        // Filters: channel, staff, dates.
        let f = ResultsFilter {
            channel: Some(Channel::Link),
            ..Default::default()
        };
        assert_eq!(results(&s, &rs, &f, 90.0).n, 1);
        let f = ResultsFilter {
            from: Some(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()),
            to: Some(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()),
            ..Default::default()
        };
        let r = results(&s, &rs, &f, 90.0);
        assert_eq!(r.n, 1);
        assert_eq!(r.target.met, Some(true)); // one "overall" 4 → 100 %
    }

    fn all_scores(s: &Survey, v: u8, nps_v: u8) -> Vec<(&str, u8)> {
        s.questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Likert5)
            .map(|q| (q.id.as_str(), v))
            .chain(std::iter::once(("nps", nps_v)))
            .collect()
    }

    #[test]
    fn empty_and_single_response_results() {
        let s = default_survey("survey:d");
        let res = results(&s, &[], &ResultsFilter::default(), 90.0);
        assert_eq!(res.n, 0);
        assert_eq!((res.csat, res.nps, res.csi), (None, None, None));
        assert_eq!(res.target.met, None);
        assert!(res
            .scales
            .iter()
            .all(|s| s.mean.is_none() && s.reliability.alpha.is_none()));

        let one = vec![resp(
            &s,
            1,
            &[
                ("overall", 5),
                ("nps", 9),
                ("att_courtesy", 3),
                ("att_patience", 4),
            ],
            "2026-11-02",
        )];
        let res = results(&s, &one, &ResultsFilter::default(), 90.0);
        assert_eq!(res.csat, Some(Figure { value: 100.0, n: 1 }));
        assert_eq!(res.nps, Some(Figure { value: 100.0, n: 1 }));
        let att = res
            .scales
            .iter()
            .find(|x| x.scale_id == "attitude")
            .unwrap();
        assert!(close(att.mean.unwrap(), 3.5));
        assert_eq!(att.reliability.alpha, None); // n = 1
                                                 // CSI over attitude (62.5, w .25) and overall (100, w .15) only:
                                                 // (62.5·0.25 + 100·0.15)/0.4 = 76.5625.
        assert!(close(res.csi.unwrap(), 76.5625));
        // Satisfaction of the response: 5, 3, 4 → 100, 50, 75 → 75.
        assert!(close(response_satisfaction(&s, &one[0]).unwrap(), 75.0));
    }

    #[test]
    fn trend_buckets() {
        let s = likert_survey(1);
        let rs = vec![
            resp(&s, 1, &[("x1", 5)], "2026-11-02"), // Monday
            resp(&s, 2, &[("x1", 1)], "2026-11-08"), // Sunday, same ISO week
            resp(&s, 3, &[("x1", 4)], "2026-11-17"),
            resp(&s, 4, &[("x1", 4)], "2026-12-01"),
        ];
        let w = trend(&s, &rs, &ResultsFilter::default(), Bucket::Week);
        let starts: Vec<String> = w.iter().map(|p| p.start.to_string()).collect();
        assert_eq!(
            starts,
            [
                "2026-11-02",
                "2026-11-09",
                "2026-11-16",
                "2026-11-23",
                "2026-11-30"
            ]
        );
        assert_eq!(w.iter().map(|p| p.n).collect::<Vec<_>>(), [2, 0, 1, 0, 1]);
        assert_eq!(w[0].csat, Some(Figure { value: 50.0, n: 2 }));
        assert_eq!(w[1].csat, None);
        let m = trend(&s, &rs, &ResultsFilter::default(), Bucket::Month);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].n, m[1].n), (3, 1));
        assert!(close(m[0].csat.unwrap().value, 200.0 / 3.0));
        let d = trend(&s, &rs, &ResultsFilter::default(), Bucket::Day);
        assert_eq!(d.len(), 30);
        assert!(trend(&s, &[], &ResultsFilter::default(), Bucket::Day).is_empty());
        // 2026-12-28 to 2027-01-03 is one ISO week across the year boundary.
        assert_eq!(
            Bucket::Week.start(NaiveDate::from_ymd_opt(2027, 1, 3).unwrap()),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()
        );
    }

    #[test]
    fn trend_granularity_and_axis_follow_the_range() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // By day up to 62 days, by week up to 366, by month beyond.
        assert_eq!(
            Bucket::for_range(d("2026-11-02"), d("2026-11-02")),
            Bucket::Day
        );
        assert_eq!(
            Bucket::for_range(d("2026-10-01"), d("2026-12-01")),
            Bucket::Day
        );
        assert_eq!(
            Bucket::for_range(d("2026-10-01"), d("2026-12-02")),
            Bucket::Week
        );
        assert_eq!(
            Bucket::for_range(d("2025-12-05"), d("2026-12-05")),
            Bucket::Week
        );
        assert_eq!(
            Bucket::for_range(d("2025-12-05"), d("2026-12-06")),
            Bucket::Month
        );
        // The QA branch's three years (2024-01 to 2026-12): by month.
        assert_eq!(
            Bucket::for_range(d("2024-01-01"), d("2026-12-04")),
            Bucket::Month
        );
        // The year on the axis: always by month; by day or week when the range crosses one.
        let (a, b) = (d("2025-06-27"), d("2026-01-05"));
        assert_eq!(a.layout(Bucket::Month.axis_layout(a, b)), "2025-06");
        assert_eq!(a.layout(Bucket::Day.axis_layout(a, b)), "2025-06-27");
        assert_eq!(a.layout(Bucket::Week.axis_layout(a, b)), "2025-06-27");
        let c = d("2025-12-31");
        assert_eq!(a.layout(Bucket::Day.axis_layout(a, c)), "06-27");
        assert_eq!(a.layout(Bucket::Month.axis_layout(a, c)), "2025-06");
        // January to March 2026 by week: the first week starts on Monday 2025-12-29.
        let (j, m) = (d("2026-01-01"), d("2026-03-31"));
        let first = Bucket::Week.start(j);
        assert_eq!(first.layout(Bucket::Week.axis_layout(j, m)), "2025-12-29");
        assert_eq!(j.layout(Bucket::Day.axis_layout(j, m)), "01-01");
        // The range a trend runs over: the responses' first and last days, or the filter's.
        let s = likert_survey(1);
        let rs = vec![
            resp(&s, 1, &[("x1", 5)], "2024-03-02"),
            resp(&s, 2, &[("x1", 4)], "2025-11-08"),
        ];
        let all = ResultsFilter::default();
        assert_eq!(
            trend_range(&s, &rs, &all),
            Some((d("2024-03-02"), d("2025-11-08")))
        );
        let from = ResultsFilter {
            from: Some(d("2025-10-01")),
            ..Default::default()
        };
        assert_eq!(
            trend_range(&s, &rs, &from),
            Some((d("2025-10-01"), d("2025-11-08")))
        );
        assert_eq!(trend_range(&s, &[], &all), None);
    }

    #[test]
    fn csv_export_has_bom_and_reads_back() {
        let s = default_survey("survey:d");
        let mut r = resp(&s, 1, &[("overall", 5), ("nps", 9)], "2026-11-02");
        r.answers.insert(
            "comment".into(),
            Answer::Text("=HYPERLINK(\"x\") 很好, 谢谢".into()),
        );
        r.staff_id = Some("staff:7".into());
        let mut forged = resp(&s, 2, &[("overall", 4)], "2026-11-03");
        forged.staff_id = Some("staff:nobody".into());
        let names = |id: &str| (id == "staff:7").then(|| "张敏".to_string());
        let bytes =
            responses_csv(&s, &[r, forged], &ResultsFilter::default(), true, &names).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let mut rd = csv::Reader::from_reader(&bytes[3..]);
        let headers = rd.headers().unwrap().clone();
        assert_eq!(&headers[0], "编号");
        assert_eq!(headers.len(), 10 + s.questions.len());
        let rows: Vec<_> = rd.records().map(Result::unwrap).collect();
        let rec = &rows[0];
        assert_eq!(&rec[2], "大堂平板");
        // Staff by name; an id nobody has, as it is.
        assert_eq!(&headers[5], "员工");
        assert_eq!(&rec[5], "张敏");
        assert_eq!(&rows[1][5], "staff:nobody");
        let col = |id: &str| 10 + s.questions.iter().position(|q| q.id == id).unwrap();
        assert_eq!(&rec[col("overall")], "5");
        assert_eq!(&rec[col("nps")], "9");
        assert_eq!(&rec[col("eff_wait")], "");
        assert_eq!(&rec[col("comment")], "'=HYPERLINK(\"x\") 很好, 谢谢");
    }
}
