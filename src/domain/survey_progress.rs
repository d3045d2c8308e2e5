//! survey_progress: a respondent's answers so far and the question on screen, kept on their
//! own phone so that a reload (or the browser discarding the tab) takes the survey up where
//! it was, not at question 1 with nothing answered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::survey::{Answer, Survey};

/// A survey being answered, at one version of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyProgress {
    pub survey_id: String,
    pub version: u32,
    /// The question on screen, from 0 (one question per screen).
    pub step: usize,
    pub answers: BTreeMap<String, Answer>,
}

impl SurveyProgress {
    /// Where a survey's progress is kept on the device: one place per survey, so that the
    /// progress at a new version replaces an older version's.
    pub fn key(survey_id: &str) -> String {
        format!("kefu.surveys.progress.{survey_id}")
    }

    /// Nothing worth keeping: at the first question with nothing answered.
    pub fn is_empty(&self) -> bool {
        self.step == 0 && self.answers.is_empty()
    }

    /// The progress as it applies to `survey` as it is now: none when it was kept for another
    /// survey or another version of it; answers to questions the survey does not have
    /// dropped; the position within its questions.
    pub fn fit(mut self, survey: &Survey) -> Option<Self> {
        if self.survey_id != survey.id || self.version != survey.version {
            return None;
        }
        self.answers
            .retain(|q, _| survey.questions.iter().any(|x| &x.id == q));
        self.step = self.step.min(survey.questions.len().saturating_sub(1));
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::default_survey;

    fn progress(step: usize, answers: &[(&str, Answer)]) -> SurveyProgress {
        SurveyProgress {
            survey_id: "survey:A".into(),
            version: 1,
            step,
            answers: answers
                .iter()
                .map(|(q, a)| (q.to_string(), a.clone()))
                .collect(),
        }
    }

    #[test]
    fn taken_up_as_kept_for_the_same_survey_and_version() {
        let s = default_survey("survey:A");
        let p = progress(
            3,
            &[
                ("att_courtesy", Answer::Score(4)),
                ("att_patience", Answer::Score(2)),
                ("eff_wait", Answer::Score(5)),
            ],
        );
        assert_eq!(p.clone().fit(&s), Some(p));
    }

    #[test]
    fn not_taken_up_for_another_survey_or_version() {
        let mut s = default_survey("survey:A");
        let p = progress(1, &[("att_courtesy", Answer::Score(4))]);
        s.version = 2;
        assert_eq!(p.clone().fit(&s), None);
        assert_eq!(p.fit(&default_survey("survey:B")), None);
    }

    #[test]
    fn unknown_questions_dropped_and_the_position_kept_within_the_survey() {
        let s = default_survey("survey:A");
        let n = s.questions.len();
        let p = progress(
            n + 5,
            &[
                ("att_courtesy", Answer::Score(4)),
                ("gone", Answer::Text("x".into())),
            ],
        )
        .fit(&s)
        .unwrap();
        assert_eq!(p.step, n - 1);
        assert_eq!(p.answers.len(), 1);
        assert!(p.answers.contains_key("att_courtesy"));
    }

    #[test]
    fn empty_only_at_the_start_with_nothing_answered() {
        assert!(progress(0, &[]).is_empty());
        assert!(!progress(1, &[]).is_empty());
        assert!(!progress(0, &[("att_courtesy", Answer::Score(1))]).is_empty());
    }

    #[test]
    fn kept_as_json_and_read_back() {
        let p = progress(
            2,
            &[
                ("att_courtesy", Answer::Score(4)),
                ("comment", Answer::Text("好".into())),
            ],
        );
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<SurveyProgress>(&text).unwrap(), p);
    }
}
