//! Feedback letters (考核结果反馈意见书) as Word documents (`kaohe letters`):
//! per unit its period, score, rank, grade, group scores, every deficiency
//! with its remedy, owner and deadline, and the way to the next grade.
//!
//! The OOXML package is written here with the `zip` crate rather than
//! through a DOCX library: a letter is headings, paragraphs, tables and page
//! breaks, a few hundred lines of WordprocessingML, and writing it directly
//! keeps the bytes deterministic (fixed ZIP timestamps, no creation date in
//! the document properties) and adds no dependency.
//!
//! Chinese text is set in 仿宋_GB2312 (titles in 黑体), each declared in the
//! font table with the font Word and WPS substitute when it is missing
//! (仿宋, 黑体) and the GB2312 character set, so WPS and Word render the
//! East Asian text in a Chinese face. The page is A4 with the margins of
//! the official document format (GB/T 9704), numbered at its foot.

use super::issue::{Issue, date_text};
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, fmt2};
use crate::engine::rectify::{Item, NextGrade};
use crate::engine::score::{Assessment, UnitResult};
use crate::model::framework::Framework;
use rust_decimal::Decimal;
use std::io::Write;

/// One unit's letter: the unit (index into `Assessment::units`), its items
/// in the order to tackle them, and its way to the next grade.
pub struct Letter<'a> {
    pub unit: usize,
    pub items: &'a [Item],
    pub next: Option<&'a NextGrade>,
}

/// Body font (East Asian), its substitute, and the title font.
const BODY_FONT: &str = "仿宋_GB2312";
const TITLE_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

/// Text for XML: escaped, and without the control characters XML 1.0
/// cannot hold (a tab becomes a space; other controls are dropped).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Paragraph properties.
#[derive(Clone, Copy, Default)]
struct Para {
    /// `center`, `right`, or left.
    align: Option<&'static str>,
    /// First-line indent of two characters (公文正文).
    indent: bool,
    page_break: bool,
    bold: bool,
    /// Font size in half-points (32 = 三号 16 pt).
    size: Option<u32>,
    title_font: bool,
    /// Space after, in twentieths of a point.
    after: Option<u32>,
}

fn run(text: &str, p: Para) -> String {
    let mut rpr = String::new();
    if p.title_font {
        rpr.push_str(&format!(
            r#"<w:rFonts w:ascii="{TITLE_FONT}" w:hAnsi="{TITLE_FONT}" w:eastAsia="{TITLE_FONT}" w:hint="eastAsia"/>"#
        ));
    }
    if p.bold {
        rpr.push_str("<w:b/>");
    }
    if let Some(s) = p.size {
        rpr.push_str(&format!(r#"<w:sz w:val="{s}"/><w:szCs w:val="{s}"/>"#));
    }
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    format!(r#"<w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r>"#, esc(text))
}

fn para(text: &str, p: Para) -> String {
    let mut ppr = String::new();
    if p.page_break {
        ppr.push_str("<w:pageBreakBefore/>");
    }
    if let Some(a) = p.after {
        ppr.push_str(&format!(r#"<w:spacing w:after="{a}"/>"#));
    }
    if p.indent {
        ppr.push_str(r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#);
    }
    if let Some(a) = p.align {
        ppr.push_str(&format!(r#"<w:jc w:val="{a}"/>"#));
    }
    let ppr = if ppr.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{ppr}</w:pPr>")
    };
    let r = if text.is_empty() { String::new() } else { run(text, p) };
    format!("<w:p>{ppr}{r}</w:p>")
}

/// A heading of the letter's body (一、考核结果).
fn heading(text: &str) -> String {
    para(
        text,
        Para {
            title_font: true,
            indent: true,
            ..Para::default()
        },
    )
}

fn body(text: &str) -> String {
    para(
        text,
        Para {
            indent: true,
            ..Para::default()
        },
    )
}

/// A table with a header row repeated on every page; `widths` in
/// fiftieths of a percent of the text width, `numeric` columns right-aligned.
fn table(headers: &[&str], widths: &[u32], numeric: &[bool], rows: &[Vec<String>]) -> String {
    let cell = |text: &str, w: u32, num: bool, head: bool| {
        let shade = if head {
            r#"<w:shd w:val="clear" w:color="auto" w:fill="E7ECF3"/>"#
        } else {
            ""
        };
        let jc = if head {
            "center"
        } else if num {
            "right"
        } else {
            "left"
        };
        format!(
            r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="pct"/>{shade}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/><w:jc w:val="{jc}"/></w:pPr>{}</w:p></w:tc>"#,
            if text.is_empty() {
                String::new()
            } else {
                run(
                    text,
                    Para {
                        bold: head,
                        size: Some(24),
                        ..Para::default()
                    },
                )
            }
        )
    };
    let mut s = String::from(
        r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="autofit"/><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#,
    );
    // The grid in twips of the 15.6 cm text width.
    for w in widths {
        s.push_str(&format!(r#"<w:gridCol w:w="{}"/>"#, 8845 * w / 5000));
    }
    s.push_str("</w:tblGrid>");
    s.push_str(r#"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"#);
    for (h, w) in headers.iter().zip(widths) {
        s.push_str(&cell(h, *w, false, true));
    }
    s.push_str("</w:tr>");
    for row in rows {
        s.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
        for ((c, w), num) in row.iter().zip(widths).zip(numeric) {
            s.push_str(&cell(c, *w, *num, false));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    // Word needs a paragraph between a table and what follows.
    s.push_str(&para("", Para::default()));
    s
}

/// Share of a group's points, in percent with two places.
fn share(got: Decimal, of: Decimal) -> String {
    if of <= Decimal::ZERO {
        return String::new();
    }
    format!("{}%", fmt2(got * Decimal::from(100) / of))
}

/// The body of one unit's letter.
fn letter_xml(fw: &Framework, a: &Assessment, l: &Letter, issue: &Issue, first: bool, lang: Lang) -> String {
    let u: &UnitResult = &a.units[l.unit];
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    s.push_str(&para(
        lang.pick("考核结果反馈意见书", "Assessment feedback"),
        Para {
            align: Some("center"),
            page_break: !first,
            size: Some(44),
            title_font: true,
            after: Some(240),
            ..Para::default()
        },
    ));
    let period = a.period.clone().unwrap_or_default();
    let name = if u.name.is_empty() {
        u.unit.clone()
    } else {
        u.name.clone()
    };
    s.push_str(&para(&format!("{name}{}", lang.pick("：", ":")), Para::default()));
    s.push_str(&body(&match (zh, period.is_empty()) {
        (true, false) => format!("根据《{}》，现将你单位考核结果（考核期：{period}）反馈如下。", fw.title),
        (true, true) => format!("根据《{}》，现将你单位考核结果反馈如下。", fw.title),
        (false, false) => format!(
            "Under {}, the results of your unit for {period} are as follows.",
            fw.title
        ),
        (false, true) => format!("Under {}, the results of your unit are as follows.", fw.title),
    }));

    // 一、考核结果
    s.push_str(&heading(lang.pick("一、考核结果", "1. Result")));
    let n = a.units.len();
    let mut rank = match lang {
        Lang::Zh => format!("第{}名（共{n}个单位）", u.rank),
        Lang::En => format!("{} of {n}", u.rank),
    };
    if let Some(r) = u.category_rank {
        let m = a.units.iter().filter(|x| x.category == u.category).count();
        rank.push_str(&match lang {
            Lang::Zh => format!("；{}第{r}名（共{m}个）", u.category),
            Lang::En => format!("; {r} of {m} in {}", u.category),
        });
    }
    let mut result_rows = vec![
        vec![lang.pick("单位", "Unit").to_string(), format!("{} {}", u.unit, u.name)],
        vec![lang.pick("考核期", "Period").to_string(), period.clone()],
        vec![lang.pick("得分", "Score").to_string(), fmt2(u.totals.score)],
        vec![lang.pick("排名", "Rank").to_string(), rank],
        vec![
            lang.pick("等次", "Grade").to_string(),
            crate::engine::grade::grade_text(fw, u, lang),
        ],
    ];
    if !u.totals.veto.is_empty() {
        let ids: Vec<String> = u
            .totals
            .veto
            .iter()
            .map(|&i| format!("{} {}", fw.indicators[i].id, fw.indicators[i].name))
            .collect();
        result_rows.push(vec![
            lang.pick("一票否决", "Veto").to_string(),
            ids.join(lang.pick("；", "; ")),
        ]);
    }
    s.push_str(&table(
        &[lang.pick("项目", "Item"), lang.pick("结果", "Result")],
        &[1200, 3800],
        &[false, false],
        &result_rows,
    ));

    // 二、分组得分
    s.push_str(&heading(lang.pick("二、分组得分", "2. Group scores")));
    let mut rows: Vec<Vec<String>> = fw
        .top_groups()
        .map(|(g, grp)| {
            vec![
                format!("{} {}", grp.id, grp.name),
                fmt_points(grp.points),
                fmt2(u.groups[g]),
                share(u.groups[g], grp.points),
            ]
        })
        .collect();
    rows.push(vec![
        lang.pick("基础分", "Base").to_string(),
        fmt_points(fw.total),
        fmt2(u.totals.base),
        share(u.totals.base, fw.total),
    ]);
    rows.push(vec![
        lang.pick("加分", "Bonus").to_string(),
        String::new(),
        fmt2(u.totals.bonus),
        String::new(),
    ]);
    rows.push(vec![
        lang.pick("扣分", "Penalty").to_string(),
        String::new(),
        fmt2(u.totals.penalty),
        String::new(),
    ]);
    s.push_str(&table(
        &[
            lang.pick("指标组", "Group"),
            lang.pick("分值", "Points"),
            lang.pick("得分", "Score"),
            lang.pick("得分率", "Share"),
        ],
        &[2600, 800, 800, 800],
        &[false, true, true, true],
        &rows,
    ));

    // 三、存在问题及整改要求
    s.push_str(&heading(
        lang.pick("三、存在问题及整改要求", "3. Problems and what to do"),
    ));
    if l.items.is_empty() {
        s.push_str(&body(lang.pick("本期考核无失分项。", "No points were lost.")));
    } else {
        let rows: Vec<Vec<String>> = l
            .items
            .iter()
            .enumerate()
            .map(|(k, it)| {
                let ind = &fw.indicators[it.index];
                vec![
                    (k + 1).to_string(),
                    format!("{} {}", ind.id, ind.name),
                    super::xlsx::problem(fw, a, it, lang),
                    it.lost.map(fmt2).unwrap_or_else(|| it.reason.label(lang).to_string()),
                    ind.remedy.clone(),
                    ind.owner.clone(),
                    it.deadline.map(|d| d.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        s.push_str(&table(
            &[
                lang.pick("序号", "No."),
                lang.pick("指标", "Indicator"),
                lang.pick("问题", "Problem"),
                lang.pick("失分", "Lost"),
                lang.pick("整改措施", "Remedy"),
                lang.pick("责任人", "Owner"),
                lang.pick("整改时限", "Deadline"),
            ],
            &[300, 900, 1100, 450, 1200, 450, 600],
            &[true, false, false, true, false, false, false],
            &rows,
        ));
    }

    // 四、晋档路径
    s.push_str(&heading(lang.pick("四、晋档路径", "4. The way to the next grade")));
    s.push_str(&body(&match l.next {
        Some(ng) => super::rectify::advice(fw, ng, lang),
        None => lang.pick("已是最高等次。", "Top grade already.").to_string(),
    }));

    let deadline = l.items.iter().find_map(|it| it.deadline);
    let to = issue
        .issuer
        .clone()
        .unwrap_or_else(|| lang.pick("考核部门", "the assessing office").to_string());
    let request = match (deadline, zh) {
        (Some(d), true) => format!(
            "请对照上述问题逐项整改，于{}前将整改情况书面报送{to}。",
            date_text(d, lang)
        ),
        (None, true) => format!("请对照上述问题逐项整改，并将整改情况书面报送{to}。"),
        (Some(d), false) => format!("Please rectify each problem and report to {to} by {d}."),
        (None, false) => format!("Please rectify each problem and report to {to}."),
    };
    if !l.items.is_empty() {
        s.push_str(&body(&request));
    }
    let right = Para {
        align: Some("right"),
        ..Para::default()
    };
    s.push_str(&para("", Para::default()));
    if let Some(i) = &issue.issuer {
        s.push_str(&para(i, right));
    }
    if let Some(d) = issue.date {
        s.push_str(&para(&date_text(d, lang), right));
    }
    s
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// Fonts, each with the font substituted when it is not installed.
fn font_table() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:font w:name="{BODY_FONT}"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="{TITLE_FONT}"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font><w:font w:name="{LATIN_FONT}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>"#
    )
}

/// Default run and paragraph properties: 三号 (16 pt) 仿宋_GB2312, Chinese
/// language, 28-point lines.
fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}" w:cs="{LATIN_FONT}" w:hint="eastAsia"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#
    )
}

/// The page number at the foot of every page: `— 1 —`.
const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#;

/// The letters of these units, one after another with page breaks between,
/// as the bytes of one DOCX file.
pub fn letters(
    fw: &Framework,
    a: &Assessment,
    letters: &[Letter],
    issue: &Issue,
    lang: Lang,
) -> std::io::Result<Vec<u8>> {
    let mut body = String::new();
    for (k, l) in letters.iter().enumerate() {
        body.push_str(&letter_xml(fw, a, l, issue, k == 0, lang));
    }
    // A4, margins of GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="560"/></w:sectPr></w:body></w:document>"#
    );
    let title = match (letters, &a.period) {
        ([one], Some(p)) => format!(
            "{} {} {p}",
            a.units[one.unit].name,
            lang.pick("考核结果反馈意见书", "Assessment feedback")
        ),
        ([one], None) => format!(
            "{} {}",
            a.units[one.unit].name,
            lang.pick("考核结果反馈意见书", "Assessment feedback")
        ),
        (_, _) => format!(
            "{} {}",
            fw.title,
            lang.pick("考核结果反馈意见书", "Assessment feedback")
        ),
    };
    let creator = issue.issuer.clone().unwrap_or_default();
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>"#,
        esc(&title),
        esc(&creator)
    );
    let parts: [(&str, &str); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("docProps/core.xml", &core),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", &styles()),
        ("word/settings.xml", SETTINGS),
        ("word/fontTable.xml", &font_table()),
        ("word/footer1.xml", FOOTER),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed timestamp (1980-01-01): the same inputs give the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, text) in parts {
        zip.start_file(name, options).map_err(std::io::Error::other)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_break_the_xml() {
        assert_eq!(esc("a<b>&\"c\"\u{1}\td"), "a&lt;b&gt;&amp;&quot;c&quot; d");
    }

    #[test]
    fn shares_of_points() {
        // 7.5 of 10 is 75 %; 2 of 3 is 66.666… %, 66.67 to two places.
        assert_eq!(share(Decimal::new(75, 1), Decimal::from(10)), "75.00%");
        assert_eq!(share(Decimal::from(2), Decimal::from(3)), "66.67%");
        assert_eq!(share(Decimal::ONE, Decimal::ZERO), "");
    }
}
