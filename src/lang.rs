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
