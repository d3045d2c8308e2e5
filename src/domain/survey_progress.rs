//! survey_progress: a respondent's answers so far and the question on screen, kept on their
//! own phone so that a reload (or the browser discarding the tab) takes the survey up where
//! it was, not at question 1 with nothing answered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::survey::{answer_problem, Answer, Survey};

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
    /// survey; answers to questions the survey does not have dropped; the position within its
    /// questions.
    ///
    /// Kept at an earlier version (staff saved a new one while the customer was answering):
    /// the answers that still fit a question of the same id are carried over, the others
    /// dropped, and the customer goes on at the first question without an answer (questions
    /// may have moved, so the old position means nothing); none when no answer still fits.
    pub fn fit(mut self, survey: &Survey) -> Option<Self> {
        if self.survey_id != survey.id {
            return None;
        }
        let fits = |q: &str, a: &Answer| {
            survey
                .questions
                .iter()
                .enumerate()
                .find(|(_, x)| x.id == q)
                .is_some_and(|(i, x)| answer_problem(x, i + 1, a).is_none())
        };
        if self.version == survey.version {
            self.answers
                .retain(|q, _| survey.questions.iter().any(|x| &x.id == q));
        } else {
            self.answers.retain(|q, a| a.is_given() && fits(q, a));
            if self.answers.is_empty() {
                return None;
            }
            self.version = survey.version;
            self.step = survey
                .questions
                .iter()
                .position(|q| !self.answers.contains_key(&q.id))
                .unwrap_or(usize::MAX);
        }
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
    fn not_taken_up_for_another_survey() {
        let p = progress(1, &[("att_courtesy", Answer::Score(4))]);
        assert_eq!(p.fit(&default_survey("survey:B")), None);
    }

    #[test]
    fn at_a_new_version_the_answers_that_still_fit_are_carried_over() {
        use crate::domain::survey::QuestionKind;
        let mut s = default_survey("survey:A");
        s.version = 2;
        // Staff took the first question out and made the second a free text.
        let first = s.questions.remove(0).id;
        s.questions[0].kind = QuestionKind::FreeText { max_len: None };
        let second = s.questions[0].id.clone();
        let third = s.questions[1].id.clone();
        let fourth = s.questions[2].id.clone();
        let p = progress(
            4,
            &[
                (first.as_str(), Answer::Score(4)),
                (second.as_str(), Answer::Score(5)),
                (third.as_str(), Answer::Score(2)),
                (fourth.as_str(), Answer::Text("wrong kind".into())),
                ("gone", Answer::Score(1)),
            ],
        )
        .fit(&s)
        .unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(
            p.answers.keys().collect::<Vec<_>>(),
            vec![&third],
            "only the answer that fits its question as it is now"
        );
        // On at the first question without an answer: the new first one.
        assert_eq!(p.step, 0);
        let p = progress(0, &[(third.as_str(), Answer::Score(2))]);
        let mut s3 = s.clone();
        s3.questions.swap(0, 1);
        assert_eq!(p.fit(&s3).unwrap().step, 1, "the first one not answered");
    }

    #[test]
    fn at_a_new_version_nothing_when_no_answer_fits() {
        let mut s = default_survey("survey:A");
        s.version = 2;
        let p = progress(3, &[("gone", Answer::Score(4))]);
        assert_eq!(p.fit(&s), None);
        let all = s
            .questions
            .iter()
            .filter(|q| q.kind.range().is_some())
            .map(|q| (q.id.clone(), Answer::Score(3)))
            .collect::<BTreeMap<_, _>>();
        let p = SurveyProgress {
            survey_id: "survey:A".into(),
            version: 1,
            step: 0,
            answers: all.clone(),
        }
        .fit(&s)
        .unwrap();
        assert_eq!(p.answers, all);
        let first_open = s.questions.iter().position(|q| !all.contains_key(&q.id));
        assert_eq!(
            p.step,
            first_open.unwrap_or(s.questions.len() - 1),
            "on at the first question without an answer, the last when all are"
        );
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
