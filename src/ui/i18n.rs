//! i18n: the two UI languages. Labels are written as pairs at the call site
//! (`tr(lang, "投诉", "Complaints")`): a hand-written catalogue with no key files, so a label can
//! never be missing in one language and the Chinese term sits next to its English one.

use leptos::prelude::*;

use crate::domain::settings::Language;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
    /// A label in this language.
    pub fn t(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    /// An owned label in this language.
    pub fn s(self, zh: impl Into<String>, en: impl Into<String>) -> String {
        match self {
            Lang::Zh => zh.into(),
            Lang::En => en.into(),
        }
    }
}

const LANG_KEY: &str = "kefu.lang";

/// The staff language remembered on this device, else the browser's.
pub fn initial_lang() -> Lang {
    match super::platform::local_get(LANG_KEY) {
        Some(saved) => Lang::from_code(&saved),
        None => browser_lang(),
    }
}

/// The browser's language.
pub fn browser_lang() -> Lang {
    let nav = web_sys::window().and_then(|w| w.navigator().language());
    Lang::from_code(&nav.unwrap_or_else(|| "zh-CN".into()))
}

/// Remembers the staff language on this device and shows the page in it.
pub fn remember_lang(lang: Lang) {
    let before = super::platform::local_get(LANG_KEY);
    super::platform::local_set(LANG_KEY, lang.code());
    show_lang(lang);
    // The device's other staff tabs follow a change.
    if before.as_deref() != Some(lang.code()) {
        super::boot::tell_other_tabs(Some(lang));
    }
}

/// Marks the page as written in `lang` (`<html lang>`, for screen readers and fonts) without
/// remembering it: a customer's choice lasts only for that customer.
pub fn show_lang(lang: Lang) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
    }
}

impl From<Language> for Lang {
    fn from(l: Language) -> Lang {
        match l {
            Language::Zh => Lang::Zh,
            Language::En => Lang::En,
        }
    }
}

impl From<Lang> for Language {
    fn from(l: Lang) -> Language {
        match l {
            Lang::Zh => Language::Zh,
            Lang::En => Language::En,
        }
    }
}

/// A reactive label: `{t2("投诉", "Complaints")}` inside `view!`.
pub fn t2(zh: &'static str, en: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let lang = super::state::app().lang;
    move || lang.get().t(zh, en)
}
