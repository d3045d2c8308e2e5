//! domain/opened_on: the revision of a record an open form was filled in against. A form that
//! stays open while the record is saved elsewhere (another tab, another device through sync)
//! must not have its save applied to the newer record as if nothing had happened: it would
//! silently replace what was saved there. The save is refused once, the user sees the record
//! as it is now, and the next save goes ahead.

use serde::{Deserialize, Serialize};

/// The revision (`_rev`) of the record as it was when the form was opened; `None` when it is
/// not known (a draft kept by an older version of the app), taken as the one shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpenedOn(pub Option<String>);

impl OpenedOn {
    pub fn new(rev: Option<&str>) -> Self {
        OpenedOn(rev.map(str::to_string))
    }

    /// Whether a save of the form over the record at revision `current` (as shown now) may go
    /// ahead: only when the record has not moved on since the form was opened. When it has,
    /// the save is refused and the form takes `current` as seen, so that the next save (the
    /// user having looked at the record and confirmed again) goes ahead. Only the record's own
    /// revision counts: other records written meanwhile do not change it.
    pub fn check(&mut self, current: Option<&str>) -> bool {
        let ok = match &self.0 {
            None => true,
            Some(opened) => Some(opened.as_str()) == current,
        };
        self.0 = current.map(str::to_string);
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_over_the_revision_it_was_opened_on_goes_ahead() {
        let mut f = OpenedOn::new(Some("2-b"));
        assert!(f.check(Some("2-b")));
        assert!(f.check(Some("2-b")));
    }

    #[test]
    fn a_record_saved_elsewhere_refuses_the_save_once_then_it_is_taken_as_seen() {
        let mut f = OpenedOn::new(Some("2-b"));
        assert!(!f.check(Some("3-c")), "the case moved on: refused");
        assert_eq!(f, OpenedOn::new(Some("3-c")));
        assert!(f.check(Some("3-c")), "seen, confirmed again: saved");
        // And moved on again before that second save: refused again.
        let mut g = OpenedOn::new(Some("2-b"));
        assert!(!g.check(Some("3-c")));
        assert!(!g.check(Some("4-d")));
        assert!(g.check(Some("4-d")));
    }

    #[test]
    fn an_unknown_revision_takes_the_one_shown() {
        let mut f = OpenedOn::default();
        assert!(f.check(Some("5-e")));
        assert!(!f.check(Some("6-f")));
    }

    #[test]
    fn kept_in_a_draft_as_the_plain_revision() {
        #[derive(Default, Serialize, Deserialize)]
        #[serde(default)]
        struct Draft {
            text: String,
            opened_on: OpenedOn,
        }
        let d = Draft {
            text: "x".into(),
            opened_on: OpenedOn::new(Some("2-b")),
        };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"text":"x","opened_on":"2-b"}"#);
        // A draft of an older version, without it: unknown.
        let old: Draft = serde_json::from_str(r#"{"text":"x"}"#).unwrap();
        assert_eq!(old.opened_on, OpenedOn(None));
    }
}
