//! The model: the indicator framework as loaded ([`framework`]), each
//! rule's amount ([`rule`]), several raters ([`raters`]), and here the
//! results of scoring, as every part of kaohe reads them: each indicator's
//! outcome and status, a unit's totals, grade and rank, and the assessment
//! of all units. [`crate::engine::score`] computes them,
//! [`crate::engine::grade`] grades them, the renderers write them.

pub mod framework;
pub mod raters;
pub mod rule;

use crate::base::diag::Diagnostic;
use crate::base::num::round2;
use crate::model::framework::Framework;
use rust_decimal::Decimal;

/// What one indicator's evidence comes to, its amount in points
/// (`Decimal`) or in any other exact unit (the bulk path's integer cents).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T = Decimal> {
    /// An amount in `[0, points]` (for veto items: never).
    Amount(T),
    /// No evidence.
    Missing,
    /// Marked 不适用 on an exempt indicator.
    Exempt,
    /// A veto item that fired.
    Triggered,
    /// A veto item that did not fire.
    Clear,
}

impl Outcome {
    /// The amount awarded: 0 for missing evidence; `None` for exempt and
    /// veto items.
    pub fn awarded(&self) -> Option<Decimal> {
        match self {
            Outcome::Amount(a) => Some(*a),
            Outcome::Missing => Some(Decimal::ZERO),
            _ => None,
        }
    }
}

impl<T> Outcome<T> {
    /// The same outcome, its amount in another unit.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Amount(a) => Outcome::Amount(f(a)),
            Outcome::Missing => Outcome::Missing,
            Outcome::Exempt => Outcome::Exempt,
            Outcome::Triggered => Outcome::Triggered,
            Outcome::Clear => Outcome::Clear,
        }
    }
}

/// Indicator status in results (docs/result.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    Partial,
    Failed,
    Missing,
    Exempt,
    Triggered,
    Clear,
    /// A bonus that did not count: the base was under `bonus_gate`.
    Gated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::Failed => "failed",
            Status::Missing => "missing",
            Status::Exempt => "exempt",
            Status::Triggered => "triggered",
            Status::Clear => "clear",
            Status::Gated => "gated",
        }
    }

    pub fn label(self, lang: crate::base::lang::Lang) -> &'static str {
        match self {
            Status::Met => lang.pick("达标", "met"),
            Status::Partial => lang.pick("部分扣分", "partial"),
            Status::Failed => lang.pick("不得分", "failed"),
            Status::Missing => lang.pick("无佐证", "missing"),
            Status::Exempt => lang.pick("不适用", "exempt"),
            Status::Triggered => lang.pick("触发", "triggered"),
            Status::Clear => lang.pick("未触发", "clear"),
            Status::Gated => lang.pick("未进入加分环节", "gated"),
        }
    }
}

/// Why points were lost (docs/deficiencies.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    Veto,
    Shortfall,
    Missing,
    Penalty,
    /// A grade cap fired (被问责的不得评为好): no points lost, the grade
    /// held down.
    Cap,
}

impl Reason {
    /// Every reason, in the order of the variants (`reason as usize`).
    pub const ALL: [Reason; 5] = [
        Reason::Veto,
        Reason::Shortfall,
        Reason::Missing,
        Reason::Penalty,
        Reason::Cap,
    ];

    /// Vetoes and caps lose no points: they hold the grade down.
    pub fn no_points(self) -> bool {
        matches!(self, Reason::Veto | Reason::Cap)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Veto => "veto",
            Reason::Shortfall => "shortfall",
            Reason::Missing => "missing",
            Reason::Penalty => "penalty",
            Reason::Cap => "cap",
        }
    }

    pub fn label(self, lang: crate::base::lang::Lang) -> &'static str {
        match self {
            Reason::Veto => lang.pick("一票否决", "veto"),
            Reason::Shortfall => lang.pick("扣分", "shortfall"),
            Reason::Missing => lang.pick("未提供佐证材料", "missing evidence"),
            Reason::Penalty => lang.pick("扣分项", "penalty"),
            Reason::Cap => lang.pick("等次限制", "grade cap"),
        }
    }
}

/// Where a value came from: input file index, line, and the index of the
/// value's cell in its row (spreadsheets only, else 0).
pub type Origin = (usize, u64, u32);

/// One indicator's result for a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult {
    /// Index into `Framework::indicators`.
    pub index: usize,
    pub outcome: Outcome,
    pub status: Status,
    /// The evidence as given (`a=1;b=0` for clause items), `None` when absent.
    pub value: Option<String>,
    pub note: String,
    pub source: String,
    /// Where the evidence came from.
    pub origin: Option<Origin>,
    /// For a cohort item, what its amount followed from (boxed: most items
    /// are not cohort items, and a result is kept for every value).
    pub cohort: Option<Box<Fact>>,
    /// For an item with `raters`, each rater's amount and whether it was
    /// dropped.
    pub raters: Vec<crate::model::raters::RaterAmount>,
}

impl IndicatorResult {
    /// The amount awarded (0 for missing; `None` for exempt and veto items).
    pub fn amount(&self) -> Option<Decimal> {
        self.outcome.awarded()
    }
}

/// A lost point to rectify (问题/整改项).
#[derive(Debug, Clone, PartialEq)]
pub struct Deficiency {
    pub index: usize,
    /// Points lost; `None` for a veto or a cap.
    pub lost: Option<Decimal>,
    pub reason: Reason,
    /// A penalty's share of what penalties took off the score after
    /// `penalty_cap`: the cap is used up in framework order.
    pub deducted: Option<Decimal>,
}

/// The arithmetic of one unit (docs/framework.md, "Scoring a unit").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// Σ base amounts, before rescaling.
    pub base_sum: Decimal,
    /// Σ points of the base indicators that apply (not 不适用).
    pub applicable: Decimal,
    /// Base score, rescaled when some indicators are 不适用.
    pub base: Decimal,
    pub bonus_sum: Decimal,
    pub bonus: Decimal,
    pub penalty_sum: Decimal,
    pub penalty: Decimal,
    pub score: Decimal,
    /// Triggered veto indicators.
    pub veto: Vec<usize>,
    /// Triggered grade-cap indicators.
    pub caps: Vec<usize>,
    /// Applicable base indicators at 0 points, missing ones included
    /// (for `max_zero`).
    pub zeros: u32,
    /// The base was under `bonus_gate`: bonuses did not count.
    pub gated: bool,
    /// The score before a triggered veto fixed it (`score` otherwise).
    pub unfixed: Decimal,
}

/// A unit's raw sums, from which its [`Totals`] follow; in points, or in
/// another exact unit while they are added up ([`crate::engine::score::sum_outcomes`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums<T = Decimal> {
    pub base_sum: T,
    pub applicable: T,
    pub bonus_sum: T,
    pub penalty_sum: T,
    pub zeros: u32,
}

impl<T> Sums<T> {
    /// The same sums in another unit.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Sums<U> {
        Sums {
            base_sum: f(self.base_sum),
            applicable: f(self.applicable),
            bonus_sum: f(self.bonus_sum),
            penalty_sum: f(self.penalty_sum),
            zeros: self.zeros,
        }
    }
}

impl Totals {
    pub fn rescaled(&self, fw: &Framework) -> bool {
        self.applicable != fw.total
    }

    /// Totals from a unit's sums (docs/framework.md, "Scoring a unit", and the score bounds): the one
    /// place where rescaling, the bonus gate, caps, the score's floor and
    /// ceiling and a veto's fixed score are applied, whatever read the
    /// evidence.
    pub fn from_sums(fw: &Framework, s: Sums, veto: Vec<usize>, caps: Vec<usize>) -> Totals {
        let base = if s.applicable == fw.total || s.applicable.is_zero() {
            round2(s.base_sum)
        } else {
            round2(s.base_sum * fw.total / s.applicable)
        };
        let gated = fw.bonus_gate.is_some_and(|g| base < g);
        let bonus = if gated {
            Decimal::ZERO
        } else {
            round2(fw.bonus_cap.map_or(s.bonus_sum, |c| s.bonus_sum.min(c)))
        };
        let penalty = round2(fw.penalty_cap.map_or(s.penalty_sum, |c| s.penalty_sum.min(c)));
        let mut score = round2((base + bonus - penalty).max(Decimal::ZERO));
        if let Some(m) = fw.max_score {
            score = score.min(m);
        }
        let unfixed = score;
        if let Some(fixed) = veto.iter().filter_map(|&i| fw.indicators[i].veto_score).min() {
            score = score.min(fixed);
        }
        Totals {
            base_sum: s.base_sum,
            applicable: s.applicable,
            base,
            bonus_sum: s.bonus_sum,
            bonus,
            penalty_sum: s.penalty_sum,
            penalty,
            score,
            veto,
            caps,
            zeros: s.zeros,
            gated,
            unfixed,
        }
    }
}

/// One unit's full result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitResult {
    pub unit: String,
    pub name: String,
    pub category: String,
    pub rank: usize,
    pub category_rank: Option<usize>,
    pub totals: Totals,
    /// Index into `Framework::grades`: the final grade, after every grade
    /// rule.
    pub grade: usize,
    /// Where a grade rule changed the grade: the grade the score alone
    /// gives (before a veto's fixed score), and the last rule that
    /// lowered it.
    pub grade_change: Option<(usize, GradeReason)>,
    /// Amount per group, framework order (raw sums, not rescaled).
    pub groups: Vec<Decimal>,
    pub indicators: Vec<IndicatorResult>,
    pub deficiencies: Vec<Deficiency>,
    /// The unit's self-assessment (自评), scored by the same framework,
    /// where `--self` gave one.
    pub self_assessed: Option<SelfAssessed>,
}

/// A unit's self-assessment beside the team's score.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfAssessed {
    pub score: Decimal,
    /// Index into `Framework::grades`.
    pub grade: usize,
    /// Per indicator (framework order), the self-assessed amount.
    pub amounts: Vec<Option<Decimal>>,
}

impl UnitResult {
    /// 差值: self-assessed score − the team's.
    pub fn self_gap(&self) -> Option<Decimal> {
        self.self_assessed.as_ref().map(|s| s.score - self.totals.score)
    }
}

/// Which grade rule lowered a unit's grade (docs/framework.md, grade rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeReason {
    Veto,
    Condition,
    Cap,
    Quota,
}

impl GradeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            GradeReason::Veto => "veto",
            GradeReason::Condition => "condition",
            GradeReason::Cap => "cap",
            GradeReason::Quota => "quota",
        }
    }

    pub fn parse(s: &str) -> Option<GradeReason> {
        [
            GradeReason::Veto,
            GradeReason::Condition,
            GradeReason::Cap,
            GradeReason::Quota,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// Why, in a few words, after the grade the score gives
    /// (`良好（按分数为优秀，超出优秀比例）`).
    pub fn label(self, lang: crate::base::lang::Lang) -> &'static str {
        match self {
            GradeReason::Veto => lang.pick("一票否决", "veto"),
            GradeReason::Condition => lang.pick("未达等次条件", "condition not met"),
            GradeReason::Cap => lang.pick("等次限制", "grade cap"),
            GradeReason::Quota => lang.pick("超出比例", "over quota"),
        }
    }
}

/// A scored, ranked set of units.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub period: Option<String>,
    pub inputs: Vec<InputFile>,
    /// In rank order.
    pub units: Vec<UnitResult>,
}

/// What `check` says of evidence that scores: how many files, units and
/// values (cells not empty, raters' included) were read, and how many base
/// items lack evidence (缺佐证) and items do not apply (不适用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checked {
    pub files: usize,
    pub units: usize,
    pub values: usize,
    pub missing: usize,
    pub exempt: usize,
}

/// One input file as recorded in the result (path and SHA-256), and where
/// its rows came from when it is a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    /// The worksheet read, for spreadsheet input.
    pub worksheet: Option<String>,
    /// 0-based spreadsheet column of each row's first cell.
    pub first_col: u32,
}

impl InputFile {
    /// A problem with the cell at `line` and row index `col` (spreadsheets
    /// name the cell, `FILE!SHEET!C12`; CSV the line).
    pub fn diag(&self, line: u64, col: u32, message: impl Into<String>) -> Diagnostic {
        self.diag_in(line, Some(col), message)
    }

    /// [`InputFile::diag`], of a whole row when `col` is `None`.
    pub fn diag_in(&self, line: u64, col: Option<u32>, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::at(&self.path, line, message);
        match &self.worksheet {
            Some(ws) => d.in_sheet(ws, col.map(|c| self.first_col + c + 1)),
            None => d,
        }
    }

    /// Where that cell is, as [`InputFile::diag`] names it.
    pub fn location(&self, line: u64, col: u32) -> String {
        let d = self.diag(line, col, "");
        crate::base::diag::location(&d.file, d.sheet.as_deref(), d.line, d.column)
    }
}

/// What a unit's cohort amount followed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The category compared within; `None`: all units.
    pub scope: Option<String>,
    /// Units of the scope with a value.
    pub n: usize,
    /// The unit's competition rank in the scope (1 = best by the rule's
    /// order; `rank_points` and `relative` rank larger values first unless
    /// `order = "asc"`).
    pub rank: usize,
    /// The largest value of the scope.
    pub max: Decimal,
    /// The scope's mean, rounded to two places for reading (the rule
    /// compares the exact mean).
    pub mean: Decimal,
    /// Is `mean` the exact mean?
    pub mean_exact: bool,
}
