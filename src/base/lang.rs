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
    /// The default language, when no `--lang` is given, in this order:
    /// `KAOHE_LANG` (`zh` or `en`); the first set of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG`; the operating system's locale (Windows sets
    /// none of those variables: its user locale, `zh-CN`, is read through
    /// `sys-locale`); else English. A locale starting with `zh` is Chinese.
    pub fn from_env() -> Lang {
        Lang::from_sources(|var| std::env::var(var).ok(), sys_locale::get_locale)
    }

    /// [`Lang::from_env`] with the environment and the system locale given.
    pub fn from_sources(env: impl Fn(&str) -> Option<String>, system: impl FnOnce() -> Option<String>) -> Lang {
        let of = |v: &str| {
            if v.to_ascii_lowercase().starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            }
        };
        if let Some(v) = env("KAOHE_LANG") {
            match v.trim().to_ascii_lowercase().as_str() {
                "zh" => return Lang::Zh,
                "en" => return Lang::En,
                _ => {}
            }
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = env(var)
                && !v.is_empty()
            {
                return of(&v);
            }
        }
        system().filter(|v| !v.is_empty()).map_or(Lang::En, |v| of(&v))
    }

    /// The Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A label and its text: `等次分布：…`, `Grades: …`.
    pub fn labelled(self, label: &str, text: &str) -> String {
        format!("{label}{}{text}", self.pick("：", ": "))
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

/// An I/O error as the system words it, in Chinese for the common kinds
/// under `--lang zh` (the operating system's own text is English).
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if messages() == Lang::Zh {
        let zh = match e.kind() {
            K::NotFound => Some("文件或目录不存在"),
            K::PermissionDenied => Some("没有访问权限"),
            K::IsADirectory => Some("这是一个目录，不是文件"),
            K::NotADirectory => Some("路径中有一部分不是目录"),
            K::StorageFull => Some("磁盘空间不足"),
            K::ReadOnlyFilesystem => Some("文件系统只读"),
            K::AlreadyExists => Some("文件已存在"),
            K::InvalidData => Some("数据无效"),
            K::UnexpectedEof => Some("文件意外结束"),
            K::OutOfMemory => Some("内存不足"),
            _ => None,
        };
        if let Some(zh) = zh {
            return match e.raw_os_error() {
                Some(code) => format!("{zh}（系统错误 {code}）"),
                None => zh.to_string(),
            };
        }
    }
    e.to_string()
}

/// What starts every error line on stderr: `error: ` (README, "Exit codes"), `错误：` in
/// Chinese, as Chinese command-line tools write it.
pub fn error_prefix() -> &'static str {
    match messages() {
        Lang::Zh => "错误：",
        Lang::En => "error: ",
    }
}

/// A message formatted in the message language:
/// `msg!(zh: "未知指标“{key}”", en: "unknown indicator \"{key}\"")`.
macro_rules! msg {
    (zh: $zh:literal, en: $en:literal $(, $arg:expr)* $(,)?) => {
        match $crate::base::lang::messages() {
            $crate::base::lang::Lang::Zh => format!($zh $(, $arg)*),
            $crate::base::lang::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use msg;

#[cfg(test)]
mod tests {
    use super::Lang;

    fn lang(env: &[(&str, &str)], system: Option<&str>) -> Lang {
        Lang::from_sources(
            |var| env.iter().find(|(k, _)| *k == var).map(|(_, v)| v.to_string()),
            || system.map(str::to_string),
        )
    }

    #[test]
    fn the_default_language_comes_from_kaohe_lang_then_posix_then_the_system() {
        // A Chinese Windows PC: no LANG, the system locale zh-CN.
        assert_eq!(lang(&[], Some("zh-CN")), Lang::Zh);
        assert_eq!(lang(&[], Some("en-US")), Lang::En);
        assert_eq!(lang(&[], None), Lang::En);
        // LANG before the system locale; LC_ALL before LANG.
        assert_eq!(lang(&[("LANG", "en_US.UTF-8")], Some("zh-CN")), Lang::En);
        assert_eq!(
            lang(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "zh_CN.UTF-8")], None),
            Lang::Zh
        );
        assert_eq!(lang(&[("LANG", "")], Some("zh-CN")), Lang::Zh);
        // KAOHE_LANG before all; an unknown value is passed over.
        assert_eq!(
            lang(&[("KAOHE_LANG", "en"), ("LANG", "zh_CN.UTF-8")], Some("zh-CN")),
            Lang::En
        );
        assert_eq!(lang(&[("KAOHE_LANG", "zh")], Some("en-US")), Lang::Zh);
        assert_eq!(lang(&[("KAOHE_LANG", "fr")], Some("zh-TW")), Lang::Zh);
    }
}
