//! The language of labels the tool writes itself (`--lang zh|en`).
//!
//! Framework texts (names, standards, remedies) are shown as written; only the
//! tool's own headers and words switch.

/// Label language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    /// `zh` when `LANG`/`LC_ALL`/`LC_MESSAGES` starts with `zh`, else `en`.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if v.is_empty() {
                    continue;
                }
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    /// The Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The language of the tool's own messages (diagnostics and usage errors),
/// set once by [`crate::run`]. English until set, so the library and its
/// tests speak English unless a run asks otherwise.
static MESSAGES: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

/// Set the language of the tool's own messages for this process.
pub fn set_messages(lang: Lang) {
    let v = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    };
    MESSAGES.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// The language of the tool's own messages.
pub fn messages() -> Lang {
    match MESSAGES.load(std::sync::atomic::Ordering::Relaxed) {
        0 => Lang::Zh,
        _ => Lang::En,
    }
}

/// The Chinese or the English text, in the message language.
pub fn m<'a>(zh: &'a str, en: &'a str) -> &'a str {
    messages().pick(zh, en)
}

/// What starts every error line on stderr: `error: ` (SPEC), `错误：` in
/// Chinese, as Chinese command-line tools write it.
pub fn error_prefix() -> &'static str {
    match messages() {
        Lang::Zh => "错误：",
        Lang::En => "error: ",
    }
}

/// A message formatted in the message language:
/// `msg!(zh: "未知指标“{key}”", en: "unknown indicator \"{key}\"")`.
#[macro_export]
macro_rules! msg {
    (zh: $zh:literal, en: $en:literal $(, $arg:expr)* $(,)?) => {
        match $crate::lang::messages() {
            $crate::lang::Lang::Zh => format!($zh $(, $arg)*),
            $crate::lang::Lang::En => format!($en $(, $arg)*),
        }
    };
}
