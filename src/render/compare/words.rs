//! Numbers and words shared by the period-over-period reports.

use crate::base::lang::Lang;
use crate::base::num::round2;
use crate::engine::compare::{Comparison, GradeMove, Mover, Presence, UnitChange};
use crate::engine::score::Reason;
use rust_decimal::Decimal;

/// `+2.04`, `-2.04`, `0.00`.
pub fn signed(d: Decimal) -> String {
    let r = round2(d);
    if r > Decimal::ZERO {
        format!("+{r}")
    } else {
        r.to_string()
    }
}

/// `+3`, `-2`, `0`.
pub fn signed_int(i: i64) -> String {
    if i > 0 { format!("+{i}") } else { i.to_string() }
}

/// A fraction as a percentage: `0.9118` → `91.18%`.
pub fn percent(r: Decimal) -> String {
    format!("{}%", round2(r * Decimal::ONE_HUNDRED))
}

pub(super) fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_default()
}

pub(super) fn grade_mark(m: Option<GradeMove>) -> &'static str {
    match m {
        Some(GradeMove::Up) => " ↑",
        Some(GradeMove::Down) => " ↓",
        Some(GradeMove::Changed) => " *",
        _ => "",
    }
}

/// `（超出比例）` after a grade that a grade rule moved, not the score.
pub(super) fn rule_mark(u: &crate::engine::compare::UnitChange, lang: Lang) -> String {
    match u
        .grade_rule
        .as_deref()
        .and_then(crate::engine::score::GradeReason::parse)
    {
        Some(r) => match lang {
            Lang::Zh => format!("（{}）", r.label(lang)),
            Lang::En => format!(" ({})", r.label(lang)),
        },
        None => String::new(),
    }
}

pub(super) fn grade_move_label(m: GradeMove, lang: Lang) -> &'static str {
    match m {
        GradeMove::Same => lang.pick("持平", "same"),
        GradeMove::Up => lang.pick("上升", "up"),
        GradeMove::Down => lang.pick("下降", "down"),
        GradeMove::Changed => lang.pick("变化", "changed"),
    }
}

pub(super) fn presence_label(p: Presence, lang: Lang) -> &'static str {
    match p {
        Presence::Present => lang.pick("两期均有", "present"),
        Presence::Added => lang.pick("新增", "added"),
        Presence::Removed => lang.pick("撤销", "removed"),
    }
}

pub(super) fn kind_label(kind: &str, lang: Lang) -> String {
    use crate::model::framework::Kind;
    match kind {
        "base" => Kind::Base.label(lang).to_string(),
        "bonus" => Kind::Bonus.label(lang).to_string(),
        "penalty" => Kind::Penalty.label(lang).to_string(),
        "veto" => Kind::Veto.label(lang).to_string(),
        "cap" => Kind::Cap.label(lang).to_string(),
        other => other.to_string(),
    }
}

pub(super) fn reason_label(reason: &str, lang: Lang) -> String {
    match reason {
        "veto" => Reason::Veto.label(lang).to_string(),
        "shortfall" => Reason::Shortfall.label(lang).to_string(),
        "missing" => Reason::Missing.label(lang).to_string(),
        "penalty" => Reason::Penalty.label(lang).to_string(),
        other => other.to_string(),
    }
}

/// Column labels for the two sides: the periods, or 原/现 when they match.
pub(super) fn side_labels(c: &Comparison, lang: Lang) -> (&str, &str) {
    if c.old.label == c.new.label {
        (lang.pick("原", "old"), lang.pick("现", "new"))
    } else {
        (&c.old.label, &c.new.label)
    }
}

/// How many causes of a score change a terminal row shows.
const TERMINAL_DRIVERS: usize = 4;

/// What moved the score: `-1.00 A, +0.50 加分`; every cause with group
/// names in full when `full` (Markdown, CSV), else the largest few with
/// group ids only (a legend follows the terminal table).
pub(super) fn drivers(u: &UnitChange, c: &Comparison, lang: Lang, full: bool) -> String {
    let names = full;
    let (lo, ln) = (c.old.label.as_str(), c.new.label.as_str());
    match u.presence {
        Presence::Added => {
            return format!(
                "{}{ln}{}",
                lang.pick("新增单位（仅", "added (only in "),
                lang.pick("）", ")")
            );
        }
        Presence::Removed => {
            return format!(
                "{}{lo}{}",
                lang.pick("本期无此单位（仅", "removed (only in "),
                lang.pick("）", ")")
            );
        }
        Presence::Present => {}
    }
    let mut parts = Vec::new();
    let old_veto = u.old.as_ref().map_or(&[][..], |s| &s.veto[..]);
    let new_veto: Vec<&str> = u
        .new
        .as_ref()
        .map_or(Vec::new(), |s| s.veto.iter().map(String::as_str).collect());
    let fresh: Vec<&str> = new_veto
        .iter()
        .copied()
        .filter(|v| !old_veto.iter().any(|o| o == v))
        .collect();
    if !fresh.is_empty() {
        parts.push(format!("{} {}", lang.pick("一票否决", "veto"), fresh.join(" ")));
    }
    let lifted: Vec<&str> = old_veto
        .iter()
        .map(String::as_str)
        .filter(|o| !new_veto.contains(o))
        .collect();
    if !lifted.is_empty() {
        parts.push(format!("{} {}", lang.pick("否决解除", "veto lifted"), lifted.join(" ")));
    }
    for d in &u.drivers {
        let what = match &d.mover {
            Mover::Group(id, name) if names => format!("{id} {name}"),
            Mover::Group(id, _) => id.clone(),
            Mover::Bonus => lang.pick("加分", "bonus").to_string(),
            Mover::Penalty => lang.pick("扣分", "penalties").to_string(),
            Mover::Other => lang.pick("折算等", "rescaling etc.").to_string(),
        };
        parts.push(format!("{} {what}", signed(d.effect)));
    }
    if !full && parts.len() > TERMINAL_DRIVERS {
        parts.truncate(TERMINAL_DRIVERS);
        parts.push("…".to_string());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_percentages() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(signed(d("2.035")), "+2.04");
        assert_eq!(signed(d("-2.04")), "-2.04");
        assert_eq!(signed(d("0")), "0.00");
        assert_eq!(signed_int(3), "+3");
        assert_eq!(signed_int(-2), "-2");
        assert_eq!(signed_int(0), "0");
        assert_eq!(percent(d("0.9118")), "91.18%");
        assert_eq!(percent(d("1.0000")), "100.00%");
    }
}
