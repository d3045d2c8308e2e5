//! domain/customer_form: the customer form's fields as typed, and the draft kept of them. A
//! draft holds only what the user changed from the form as it opened, so that taking it up
//! again over a customer saved since (another tab, another device) keeps that save's other
//! fields instead of quietly putting back the ones the form was opened with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::customer::{Customer, CustomerKind, Level, Lifecycle, Tier};

/// The kinds in the order the form lists them.
pub const KINDS: [CustomerKind; 2] = [CustomerKind::Individual, CustomerKind::Institution];

/// The form's fields: text as typed, the choices of an enum by position in its `ALL`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerFields {
    pub name: String,
    pub kind: String,
    pub tier: String,
    pub value: String,
    pub lifecycle: String,
    pub phone: String,
    pub email: String,
    pub account: String,
    pub opened: String,
    pub birthday: String,
    pub branch: String,
    pub staff_id: String,
    pub stage: String,
}

/// What was typed in the form and not saved: the fields changed, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerDraft {
    pub changes: BTreeMap<String, String>,
    /// When it was last written (ms since the epoch): of drafts left by several tabs, the
    /// newest is taken up.
    pub at: u64,
}

impl CustomerDraft {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

fn position<T: PartialEq>(all: &[T], v: &T) -> String {
    all.iter().position(|x| x == v).unwrap_or(0).to_string()
}

impl CustomerFields {
    /// The form as it opens: on `c`, or for a new customer of `branch`.
    pub fn of(c: Option<&Customer>, branch: &str) -> Self {
        let Some(c) = c else {
            return CustomerFields {
                kind: "0".into(),
                tier: position(&Tier::ALL, &Tier::Normal),
                value: position(&Level::ALL, &Level::Medium),
                lifecycle: position(&Lifecycle::ALL, &Lifecycle::New),
                branch: branch.to_string(),
                ..Default::default()
            };
        };
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        CustomerFields {
            name: c.name.clone(),
            kind: position(&KINDS, &c.kind),
            tier: position(&Tier::ALL, &c.tier),
            value: position(&Level::ALL, &c.value),
            lifecycle: position(&Lifecycle::ALL, &c.lifecycle),
            phone: text(&c.phone),
            email: text(&c.email),
            account: text(&c.account_no),
            opened: date(c.account_opened),
            birthday: date(c.birthday),
            branch: c.branch.clone(),
            staff_id: text(&c.staff_id),
            stage: text(&c.stage),
        }
    }

    fn as_map(&self) -> BTreeMap<String, String> {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }

    /// The draft of this form opened as `fresh`: the fields that differ from it.
    pub fn draft_over(&self, fresh: &CustomerFields) -> CustomerDraft {
        let before = fresh.as_map();
        CustomerDraft {
            changes: self
                .as_map()
                .into_iter()
                .filter(|(k, v)| before.get(k) != Some(v))
                .collect(),
            at: 0,
        }
    }

    /// This form (as it opens now) with a draft's changes taken up over it; a field the draft
    /// does not name keeps what it has now.
    pub fn with_draft(&self, d: &CustomerDraft) -> CustomerFields {
        let mut m = self.as_map();
        for (k, v) in &d.changes {
            if let Some(slot) = m.get_mut(k) {
                slot.clone_from(v);
            }
        }
        serde_json::to_value(m)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_else(|| self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::tests_support::customer;

    #[test]
    fn a_new_customer_opens_with_the_defaults_of_the_branch() {
        let f = CustomerFields::of(None, "ZZ01");
        assert_eq!(f.name, "");
        assert_eq!(f.kind, "0");
        assert_eq!(f.tier, "1", "Normal");
        assert_eq!(f.value, "1", "Medium");
        assert_eq!(f.lifecycle, "0", "New");
        assert_eq!(f.branch, "ZZ01");
        assert!(f.draft_over(&f).is_empty(), "nothing typed, nothing kept");
    }

    #[test]
    fn a_draft_holds_only_what_was_typed_and_comes_back_as_typed() {
        let fresh = CustomerFields::of(None, "ZZ01");
        let mut typed = fresh.clone();
        typed.name = "半填客户".into();
        typed.phone = "13900002222".into();
        typed.tier = "0".into();
        let d = typed.draft_over(&fresh);
        assert_eq!(
            d.changes.keys().map(String::as_str).collect::<Vec<_>>(),
            ["name", "phone", "tier"]
        );
        assert_eq!(fresh.with_draft(&d), typed);
        // Kept as JSON in the browser and read back.
        let back: CustomerDraft =
            serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn an_edit_taken_up_over_a_customer_saved_since_keeps_that_save() {
        let mut c = customer("customer:1", Level::High);
        c.name = "张三".into();
        c.phone = Some("13900001111".into());
        let opened = CustomerFields::of(Some(&c), "ZZ01");
        assert_eq!(opened.value, "0", "High");
        assert_eq!(opened.lifecycle, "1", "Existing");
        let mut typed = opened.clone();
        typed.account = "350000000077".into();
        let d = typed.draft_over(&opened);
        // Another tab saved a new phone meanwhile.
        c.phone = Some("13900005555".into());
        let now = CustomerFields::of(Some(&c), "ZZ01").with_draft(&d);
        assert_eq!(now.account, "350000000077", "what was typed");
        assert_eq!(
            now.phone, "13900005555",
            "not the phone the form was opened with"
        );
        assert_eq!(now.name, "张三");
    }

    #[test]
    fn a_draft_naming_fields_this_version_lacks_is_taken_up_for_the_rest() {
        let d: CustomerDraft =
            serde_json::from_str(r#"{"changes":{"name":"王五","nickname":"小王"}}"#).unwrap();
        let f = CustomerFields::of(None, "ZZ01").with_draft(&d);
        assert_eq!(f.name, "王五");
        assert_eq!(
            CustomerDraft::default(),
            serde_json::from_str("{}").unwrap()
        );
    }
}
