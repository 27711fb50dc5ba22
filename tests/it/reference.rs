//! A second scorer, written from the documented rules alone (docs/framework.md), to check the engine
//! against: exact fractions of big integers for every amount, rounding,
//! rescaling, cap and total; its own ranking (并列, 分类排名) and its own
//! deficiencies. It shares no code with the crate: it takes the framework
//! as plain data (the generator in `oracle.rs` builds both the TOML and this
//! description) and evidence as the exact values written to the file.

use num_bigint::BigInt;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// An exact fraction, always reduced, denominator > 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Q {
    n: BigInt,
    d: BigInt,
}

fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (mut a, mut b) = (a.magnitude().clone(), b.magnitude().clone());
    while b != num_bigint::BigUint::ZERO {
        let r = &a % &b;
        a = b;
        b = r;
    }
    BigInt::from(a)
}

impl Q {
    pub fn new(n: impl Into<BigInt>, d: impl Into<BigInt>) -> Q {
        let (mut n, mut d) = (n.into(), d.into());
        assert!(d != BigInt::ZERO, "division by zero");
        if d < BigInt::ZERO {
            n = -n;
            d = -d;
        }
        let g = gcd(&n, &d);
        if g > BigInt::from(1) {
            n /= &g;
            d /= &g;
        }
        Q { n, d }
    }

    pub fn int(i: i64) -> Q {
        Q::new(i, 1)
    }

    pub fn zero() -> Q {
        Q::int(0)
    }

    /// Hundredths: `cents(250)` is 2.5.
    pub fn cents(c: i64) -> Q {
        Q::new(c, 100)
    }

    /// A plain decimal as written: `-12.340`, `.5`, `7`.
    pub fn dec(s: &str) -> Q {
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        let digits = format!("{i}{f}");
        let n: BigInt = if digits.is_empty() {
            BigInt::ZERO
        } else {
            digits.parse().expect("digits")
        };
        let q = Q::new(n, BigInt::from(10u32).pow(f.len() as u32));
        if neg { q.neg() } else { q }
    }

    pub fn neg(&self) -> Q {
        Q::new(-self.n.clone(), self.d.clone())
    }

    pub fn add(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d + &o.n * &self.d, &self.d * &o.d)
    }

    pub fn sub(&self, o: &Q) -> Q {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.n, &self.d * &o.d)
    }

    pub fn div(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d, &self.d * &o.n)
    }

    pub fn lesser(&self, o: &Q) -> Q {
        if self <= o { self.clone() } else { o.clone() }
    }

    pub fn greater(&self, o: &Q) -> Q {
        if self >= o { self.clone() } else { o.clone() }
    }

    /// ⌊x⌋.
    pub fn floor(&self) -> BigInt {
        let q = &self.n / &self.d; // toward zero
        if self.n < BigInt::ZERO && &q * &self.d != self.n {
            q - 1
        } else {
            q
        }
    }

    pub fn is_zero(&self) -> bool {
        self.n == BigInt::ZERO
    }

    /// Half-up (away from zero) to two places: the documented 四舍五入.
    pub fn round2(&self) -> Q {
        let neg = self.n < BigInt::ZERO;
        let mag = Q::new(self.n.magnitude().clone(), self.d.clone());
        // floor(100·x + 1/2) = floor((200·n + d) / (2·d))
        let c = (BigInt::from(200) * &mag.n + &mag.d) / (BigInt::from(2) * &mag.d);
        let r = Q::new(c, 100);
        if neg { r.neg() } else { r }
    }

    /// `12.30`: exactly two places (the value must have at most two).
    pub fn fmt2(&self) -> String {
        let c = &self.n * BigInt::from(100) / &self.d;
        assert_eq!(Q::new(c.clone(), 100), *self, "{self:?} has more than two places");
        let (sign, c) = if c < BigInt::ZERO { ("-", -c) } else { ("", c) };
        let s = format!("{c:0>3}");
        format!("{sign}{}.{}", &s[..s.len() - 2], &s[s.len() - 2..])
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> Ordering {
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Base,
    Bonus,
    Penalty,
    Veto,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Base => "base",
            Kind::Bonus => "bonus",
            Kind::Penalty => "penalty",
            Kind::Veto => "veto",
        }
    }
}

/// A rule with its parameters as exact numbers (docs/framework.md, "Rules").
#[derive(Debug, Clone)]
pub enum Rule {
    Check,
    Deduct {
        per: Q,
    },
    Count {
        per: Q,
    },
    Target {
        target: Q,
        per: Option<Q>,
    },
    Tiers(Vec<(Q, Q)>),
    Levels(Vec<(String, Q)>),
    Direct,
    /// `(id, per, max)`; `max` defaults to P.
    Clauses(Vec<(String, Q, Option<Q>)>),
    Survey(Vec<(String, Q)>),
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub kind: Kind,
    /// Index into `Framework::groups`.
    pub group: usize,
    pub points: Q,
    /// `None` for a veto item.
    pub rule: Option<Rule>,
    pub exempt: bool,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Framework {
    pub total: Q,
    pub bonus_cap: Option<Q>,
    pub penalty_cap: Option<Q>,
    pub missing_error: bool,
    /// `(name, min)`, highest first; the last has min 0.
    pub grades: Vec<(String, Q)>,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
}

/// One evidence cell as the unit gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A row with an empty value.
    Empty,
    /// 不适用.
    NotApplicable,
    Yes,
    No,
    /// A number, exactly.
    Number(Q),
    /// A level's name (index into the rule's levels).
    Level(usize),
    /// Survey vote counts.
    Votes(Vec<u64>),
}

/// A unit's evidence: per indicator, one entry per slot (one per clause,
/// else one); `None` where no row names it.
pub type UnitEvidence = Vec<Vec<Option<Given>>>;

/// What the reference expects for one indicator of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorOut {
    /// `None` for exempt and veto items.
    pub amount: Option<Q>,
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitOut {
    pub unit: String,
    pub category: String,
    pub rank: usize,
    pub category_rank: Option<usize>,
    pub base: Q,
    pub bonus: Q,
    pub penalty: Q,
    pub score: Q,
    pub grade: String,
    pub veto: Vec<String>,
    pub groups: Vec<Q>,
    pub indicators: Vec<IndicatorOut>,
    /// `(indicator, lost, reason)` in framework order.
    pub deficiencies: Vec<(String, Option<Q>, &'static str)>,
}

/// What a run must give: the units in rank order, or the input errors
/// (each `(unit, indicator)` missing under `missing = "error"`).
#[derive(Debug)]
pub enum Expected {
    Units(Vec<UnitOut>),
    Missing(Vec<(String, String)>),
}

enum Outcome {
    Amount(Q),
    Missing,
    Exempt,
    Triggered,
    Clear,
}

fn number(g: &Given) -> Q {
    match g {
        Given::Number(q) => q.clone(),
        _ => panic!("the generator gives numbers to numeric rules, not {g:?}"),
    }
}

/// The unrounded amount, or `None` for missing (a survey without votes).
fn raw_amount(rule: &Rule, p: &Q, slots: &[Given]) -> Option<Q> {
    let zero = Q::zero();
    let v = || number(&slots[0]);
    Some(match rule {
        Rule::Check => {
            if slots[0] == Given::Yes {
                p.clone()
            } else {
                zero
            }
        }
        Rule::Deduct { per } => p.sub(&per.mul(&v())).greater(&zero),
        Rule::Count { per } => per.mul(&v()).lesser(p),
        Rule::Target { target, per: Some(per) } => p.sub(&per.mul(&target.sub(&v()).greater(&zero))).greater(&zero),
        Rule::Target { target, per: None } => p.mul(&v().div(target).lesser(&Q::int(1))),
        Rule::Tiers(tiers) => tiers
            .iter()
            .find(|(min, _)| v() >= *min)
            .map_or(zero, |(_, a)| a.clone()),
        Rule::Levels(levels) => match slots[0] {
            Given::Level(i) => levels[i].1.clone(),
            _ => panic!("levels need a level"),
        },
        Rule::Direct => v(),
        Rule::Clauses(clauses) => {
            let mut sum = Q::zero();
            for ((_, per, max), g) in clauses.iter().zip(slots) {
                sum = sum.add(&per.mul(&number(g)).lesser(max.as_ref().unwrap_or(p)));
            }
            p.sub(&sum).greater(&zero)
        }
        Rule::Survey(options) => {
            let Given::Votes(votes) = &slots[0] else {
                panic!("survey needs votes")
            };
            let n: u64 = votes.iter().sum();
            if n == 0 {
                return None;
            }
            let mut weighted = Q::zero();
            for (c, (_, w)) in votes.iter().zip(options) {
                weighted = weighted.add(&Q::int(*c as i64).mul(w));
            }
            p.mul(&weighted).div(&Q::int(100 * n as i64))
        }
    })
}

fn outcome(ind: &Indicator, slots: &[Option<Given>]) -> Outcome {
    if slots.contains(&Some(Given::NotApplicable)) {
        return Outcome::Exempt;
    }
    if ind.kind == Kind::Veto {
        return match &slots[0] {
            Some(Given::Yes) => Outcome::Triggered,
            Some(Given::Number(q)) if *q > Q::zero() => Outcome::Triggered,
            _ => Outcome::Clear,
        };
    }
    // Missing: any slot without a row or with an empty value.
    let mut given = Vec::new();
    for s in slots {
        match s {
            None | Some(Given::Empty) => return Outcome::Missing,
            Some(g) => given.push(g.clone()),
        }
    }
    let rule = ind.rule.as_ref().expect("non-veto items have a rule");
    match raw_amount(rule, &ind.points, &given) {
        Some(a) => Outcome::Amount(a.round2()),
        None => Outcome::Missing,
    }
}

/// Is group `g` the indicator's group or one above it?
fn within(fw: &Framework, mut cur: Option<usize>, g: usize) -> bool {
    while let Some(c) = cur {
        if c == g {
            return true;
        }
        cur = fw.groups[c].parent;
    }
    false
}

/// Competition ranks (1, 2, 2, 4) over units in rank order, keyed by
/// (vetoed, score).
fn competition(keys: &[(bool, Q)]) -> Vec<usize> {
    let mut ranks = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 && keys[i - 1] == *k {
            ranks.push(ranks[i - 1]);
        } else {
            ranks.push(i + 1);
        }
    }
    ranks
}

/// Score every unit (docs/framework.md, "Scoring a unit"). `units`: `(id, category)`, with
/// `categories` when the units file has a category column.
pub fn score(
    fw: &Framework,
    units: &[(String, String)],
    evidence: &BTreeMap<String, UnitEvidence>,
    categories: bool,
) -> Expected {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (unit, category) in units {
        let ev = &evidence[unit];
        let outcomes: Vec<Outcome> = fw.indicators.iter().zip(ev).map(|(ind, s)| outcome(ind, s)).collect();
        let zero = Q::zero();
        let (mut sum, mut applicable, mut bonus, mut penalty) = (Q::zero(), Q::zero(), Q::zero(), Q::zero());
        let mut veto = Vec::new();
        let mut indicators = Vec::new();
        let mut deficiencies = Vec::new();
        for (ind, o) in fw.indicators.iter().zip(&outcomes) {
            let amount = match o {
                Outcome::Amount(a) => a.clone(),
                _ => Q::zero(),
            };
            match ind.kind {
                Kind::Base if !matches!(o, Outcome::Exempt) => {
                    applicable = applicable.add(&ind.points);
                    sum = sum.add(&amount);
                }
                Kind::Base => {}
                Kind::Bonus => bonus = bonus.add(&amount),
                Kind::Penalty => penalty = penalty.add(&amount),
                Kind::Veto => {
                    if matches!(o, Outcome::Triggered) {
                        veto.push(ind.id.clone());
                    }
                }
            }
            let status = match (ind.kind, o) {
                (_, Outcome::Exempt) => "exempt",
                (_, Outcome::Triggered) => "triggered",
                (_, Outcome::Clear) => "clear",
                (Kind::Base, Outcome::Missing) => "missing",
                (_, Outcome::Missing) => "clear",
                (Kind::Base, Outcome::Amount(a)) if *a == ind.points => "met",
                (Kind::Base, Outcome::Amount(a)) if a.is_zero() => "failed",
                (Kind::Base, Outcome::Amount(_)) => "partial",
                (_, Outcome::Amount(a)) if a.is_zero() => "clear",
                (_, Outcome::Amount(_)) => "triggered",
            };
            indicators.push(IndicatorOut {
                amount: match o {
                    Outcome::Amount(a) => Some(a.clone()),
                    Outcome::Missing => Some(Q::zero()),
                    _ => None,
                },
                status,
            });
            // docs/deficiencies.md.
            match (ind.kind, o) {
                (Kind::Base, Outcome::Missing) => {
                    deficiencies.push((ind.id.clone(), Some(ind.points.clone()), "missing"));
                    if fw.missing_error {
                        missing.push((unit.clone(), ind.id.clone()));
                    }
                }
                (Kind::Base, Outcome::Amount(a)) if *a < ind.points => {
                    deficiencies.push((ind.id.clone(), Some(ind.points.sub(a)), "shortfall"))
                }
                (Kind::Penalty, Outcome::Amount(a)) if *a > zero => {
                    deficiencies.push((ind.id.clone(), Some(a.clone()), "penalty"))
                }
                (Kind::Veto, Outcome::Triggered) => deficiencies.push((ind.id.clone(), None, "veto")),
                _ => {}
            }
        }
        assert!(
            !applicable.is_zero(),
            "the generator keeps a base item that cannot be exempt"
        );
        // §3 step 1: rescaled when some base items are 不适用.
        let base = if applicable == fw.total {
            sum.clone()
        } else {
            sum.mul(&fw.total).div(&applicable).round2()
        };
        let bonus = fw.bonus_cap.as_ref().map_or(bonus.clone(), |c| bonus.lesser(c));
        let penalty = fw.penalty_cap.as_ref().map_or(penalty.clone(), |c| penalty.lesser(c));
        let score = base.add(&bonus).sub(&penalty).greater(&zero);
        let grade = if veto.is_empty() {
            fw.grades
                .iter()
                .find(|(_, min)| *min <= score)
                .expect("the lowest grade has min 0")
                .0
                .clone()
        } else {
            fw.grades.last().expect("grades").0.clone()
        };
        let groups = (0..fw.groups.len())
            .map(|g| {
                let mut s = Q::zero();
                for (ind, o) in fw.indicators.iter().zip(&outcomes) {
                    if let (Kind::Base, Outcome::Amount(a)) = (ind.kind, o)
                        && within(fw, Some(ind.group), g)
                    {
                        s = s.add(a);
                    }
                }
                s
            })
            .collect();
        out.push(UnitOut {
            unit: unit.clone(),
            category: category.clone(),
            rank: 0,
            category_rank: None,
            base,
            bonus,
            penalty,
            score,
            grade,
            veto,
            groups,
            indicators,
            deficiencies,
        });
    }
    if !missing.is_empty() {
        return Expected::Missing(missing);
    }
    // §3.1: not vetoed first, then by score descending, ties by unit id.
    out.sort_by(|a, b| {
        (!a.veto.is_empty())
            .cmp(&!b.veto.is_empty())
            .then(b.score.cmp(&a.score))
            .then(a.unit.cmp(&b.unit))
    });
    let keys: Vec<(bool, Q)> = out.iter().map(|u| (!u.veto.is_empty(), u.score.clone())).collect();
    for (u, r) in out.iter_mut().zip(competition(&keys)) {
        u.rank = r;
    }
    if categories {
        let cats: std::collections::BTreeSet<String> = out.iter().map(|u| u.category.clone()).collect();
        for c in cats.into_iter().filter(|c| !c.is_empty()) {
            let idx: Vec<usize> = (0..out.len()).filter(|&i| out[i].category == c).collect();
            let keys: Vec<(bool, Q)> = idx
                .iter()
                .map(|&i| (!out[i].veto.is_empty(), out[i].score.clone()))
                .collect();
            for (&i, r) in idx.iter().zip(competition(&keys)) {
                out[i].category_rank = Some(r);
            }
        }
    }
    Expected::Units(out)
}
