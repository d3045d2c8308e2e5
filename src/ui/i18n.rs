//! i18n: the two UI languages. Labels are written as pairs at the call site
//! (`tr(lang, "投诉", "Complaints")`): a hand-written catalogue with no key files, so a label can
//! never be missing in one language and the Chinese term sits next to its English one.

use leptos::prelude::*;

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

/// The language remembered on this device, else the browser's.
pub fn initial_lang() -> Lang {
    if let Some(saved) = super::platform::local_get(LANG_KEY) {
        return Lang::from_code(&saved);
    }
    let nav = web_sys::window().and_then(|w| w.navigator().language());
    Lang::from_code(&nav.unwrap_or_else(|| "zh-CN".into()))
}

pub fn remember_lang(lang: Lang) {
    super::platform::local_set(LANG_KEY, lang.code());
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
    }
}

/// A reactive label: `{t2("投诉", "Complaints")}` inside `view!`.
pub fn t2(zh: &'static str, en: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let lang = super::state::app().lang;
    move || lang.get().t(zh, en)
}
