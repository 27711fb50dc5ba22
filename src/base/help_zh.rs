//! `--help` and clap's own parse errors in Chinese (`--lang zh`).
//!
//! The derive attributes hold the English texts; under zh the command is
//! rewritten at run time from the tables below, so every argument keeps
//! one English line (its doc comment) and one Chinese line (here). The
//! words clap writes itself — section headings, `[OPTIONS]`, `[default: …]`,
//! `Possible values:` — are replaced too, from the command's own
//! definition; the English help is clap's, untouched.

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};
use clap::{Arg, Command};
use unicode_width::UnicodeWidthStr;

/// About texts: (subcommand, about); `""` is the program itself.
const ABOUTS: &[(&str, &str)] = &[
    ("", "依据责任制考核指标体系对各单位评分、排名，并逐项说明得分（考核）"),
    ("score", "对各单位评分并排名（排名）"),
    (
        "explain",
        "逐项说明某一单位的得分：指标值、评分规则、得分与失分（得分明细）",
    ),
    ("check", "校验考核方案（及佐证材料），并以树状列出指标体系"),
    ("deficiencies", "整改清单：将每一处失分列为一项整改事项（整改清单）"),
    (
        "diff",
        "比较两个考核期：得分、排名、等次的变化，以及问题整改情况（整改不到位）",
    ),
    ("trend", "各单位在多个考核期的得分、排名和等次走势（走势）"),
    ("template", "生成供各单位填报的佐证材料填报表（佐证材料填报表）"),
    ("letters", "以 Word 文档写出给各单位的考核结果反馈意见书（反馈意见书）"),
    (
        "ledger",
        "汇总各单位交回的整改台账：已完成、整改中、未启动、逾期和整改率（整改台账汇总）",
    ),
    ("combine", "将各期考核结果按权重汇总为年度结果（季度汇总为年度）"),
    (
        "robust",
        "排名稳健性：权重随机变动时各单位的排名区间和等次比例（排名稳健性）",
    ),
    ("help", "显示本帮助信息或指定子命令的帮助"),
];

/// Texts after the argument list: (subcommand, text).
const AFTER_HELP: &[(&str, &str)] = &[
    (
        "combine",
        "每个 ID=文件 对应综合考核文件中的一个组成部分：文件为已保存的考核结果（`kaohe score --format json`）\
         或含单位、得分两列的表格（CSV 或工作簿）。得分 = round2(Σ 权重 × 得分)，只在最后四舍五入一次；\
         等次、比例限制和排名与考核方案相同。",
    ),
    (
        "diff",
        "两侧各为一份已保存的考核结果（由 `kaohe score --format json` 写出的 .json 文件）\
     或一个佐证材料文件；佐证材料在此按 --old-framework/--new-framework（默认：-f，\
     否则为与 --old-period/--new-period 同年度的内置考核方案，再否则为最新的）和 --old-units/--new-units（默认：-u）评分。\
     单位、指标组和指标均按代码对应。",
    ),
];

/// Argument help: (subcommand, argument id, help); `""` is the program.
const ARGS: &[(&str, &str, &str)] = &[
    (
        "",
        "lang",
        "标签、表头和提示信息的语言（默认依次取自 KAOHE_LANG、LANG、系统区域设置）",
    ),
    // score
    (
        "score",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    ("score", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("score", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "score",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "score",
        "encoding",
        "CSV 输入文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    (
        "score",
        "missing",
        "缺少佐证时：error（每个单位缺佐证的每一项都报错，并指出位置）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    ("score", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "score",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "score",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    (
        "score",
        "evidence",
        "佐证材料文件（CSV 长表或宽表，UTF-8 或 GBK 编码；或 XLSX/XLS/ODS），合并读取",
    ),
    // explain
    ("explain", "unit", "单位代码"),
    (
        "explain",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    ("explain", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("explain", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "explain",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "explain",
        "encoding",
        "CSV 输入文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    (
        "explain",
        "missing",
        "缺少佐证时：error（每个单位缺佐证的每一项都报错，并指出位置）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    ("explain", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "explain",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "explain",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    (
        "explain",
        "evidence",
        "佐证材料文件，合并读取（为确定排名，对全部单位评分）",
    ),
    // check
    (
        "check",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    ("check", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("check", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "check",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "check",
        "encoding",
        "CSV 输入文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    (
        "check",
        "missing",
        "缺少佐证时：error（每个单位缺佐证的每一项都报错，并指出位置）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    ("check", "evidence", "一并校验的佐证材料文件"),
    // deficiencies
    (
        "deficiencies",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    ("deficiencies", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("deficiencies", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "deficiencies",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "deficiencies",
        "encoding",
        "CSV 输入文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    (
        "deficiencies",
        "missing",
        "缺少佐证时：error（每个单位缺佐证的每一项都报错，并指出位置）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    (
        "deficiencies",
        "format",
        "输出格式（默认：table，或按 -o 文件的扩展名确定）",
    ),
    (
        "deficiencies",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "deficiencies",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    ("deficiencies", "unit", "只列出该单位（可重复指定）"),
    ("deficiencies", "category", "只列出该类别的单位（可重复指定）"),
    ("deficiencies", "reason", "只列出因该原因失分的事项（可重复指定）"),
    (
        "deficiencies",
        "min_lost",
        "只列出失分不少于 X 分的事项（一票否决事项始终列出）",
    ),
    (
        "deficiencies",
        "order",
        "单位排列顺序：rank（按排名，排名靠后者在前）或 unit（按单位代码）",
    ),
    (
        "deficiencies",
        "by",
        "按单位、按责任人（责任人/责任部门）或按考核部门（负责考核部门）分节",
    ),
    (
        "deficiencies",
        "summary",
        "改为汇总：失分最多的指标，以及按失分原因和责任人统计的事项数",
    ),
    (
        "deficiencies",
        "evidence",
        "佐证材料文件（CSV 长表或宽表；UTF-8 或 GBK 编码），合并读取；或一个 kaohe combine 写出的年度结果（.json），列年度整改清单",
    ),
    // diff
    ("diff", "old", "前一考核期：考核结果（.json）或佐证材料文件"),
    ("diff", "new", "后一考核期：考核结果（.json）或佐证材料文件"),
    (
        "diff",
        "framework",
        "对两侧佐证材料评分所用的考核方案：TOML 文件或内置方案代码（默认按该侧考核期年度选内置方案）",
    ),
    ("diff", "units", "对两侧佐证材料评分所用的单位文件"),
    ("diff", "old_framework", "OLD 为佐证材料时所用的考核方案（默认：-f）"),
    ("diff", "new_framework", "NEW 为佐证材料时所用的考核方案（默认：-f）"),
    ("diff", "old_units", "OLD 为佐证材料时所用的单位文件（默认：-u）"),
    ("diff", "new_units", "NEW 为佐证材料时所用的单位文件（默认：-u）"),
    ("diff", "old_period", "OLD 的考核期标注（默认：考核结果自身的考核期）"),
    ("diff", "new_period", "NEW 的考核期标注（默认：考核结果自身的考核期）"),
    (
        "diff",
        "sheet",
        "读取两侧 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "diff",
        "encoding",
        "两侧 CSV 佐证文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别）",
    ),
    (
        "diff",
        "missing",
        "两侧缺少佐证时：error（每一项都报错）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    ("diff", "sort", "单位排列顺序"),
    ("diff", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "diff",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "diff",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    // trend
    (
        "trend",
        "results",
        "已保存的考核结果（由 `kaohe score --format json` 写出的 .json 文件），按考核期先后排列",
    ),
    ("trend", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "trend",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "trend",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    // template
    (
        "template",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    (
        "template",
        "units",
        "单位文件（单位代码、名称）：表中预先填好这些单位的行",
    ),
    (
        "template",
        "period",
        "考核期，显示在标题中：2023、2023H1、2023Q4 或 2023-06",
    ),
    ("template", "encoding", "CSV 单位文件的编码（默认自动识别）"),
    (
        "template",
        "wide",
        "每个单位一行、每项指标一列，而不是每个单位的每项指标各占一行",
    ),
    (
        "template",
        "rater",
        "生成一位评委的评分表：全部单位的评委打分指标，已填好姓名",
    ),
    (
        "template",
        "format",
        "输出格式（默认：table，或按 -o 文件的扩展名确定）",
    ),
    (
        "template",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "template",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    // combine
    (
        "combine",
        "composite",
        "综合考核文件（TOML：[composite]、带权重的 [[component]]、[[grade]]）",
    ),
    (
        "combine",
        "units",
        "单位文件（CSV：单位代码、名称、类别）：参加汇总的单位及其年度类别",
    ),
    ("combine", "period", "汇总结果的考核期（默认：各组成部分共同的年度）"),
    ("combine", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "combine",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "combine",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    (
        "combine",
        "parts",
        "各组成部分，写作 ID=文件（如 Q1=2023Q1.json Q2=2023Q2.json …）；文件为已保存的考核结果或含单位、得分两列的表格",
    ),
    ("combine", "issuer", ISSUER),
    ("combine", "date", DATE),
    (
        "check",
        "export",
        "将内置考核方案（-f 代码，默认同评分时）写入 FILE，作为自定方案的起点",
    ),
    (
        "check",
        "composite",
        "改为校验综合考核文件（kaohe combine 所用），而不是考核方案",
    ),
    // robust: the inputs as score reads them
    (
        "robust",
        "framework",
        "考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
    ),
    ("robust", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("robust", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "robust",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "robust",
        "encoding",
        "CSV 输入文件的编码，或用 文件=编码 指定单个文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    (
        "robust",
        "missing",
        "缺少佐证时：error（每个单位缺佐证的每一项都报错，并指出位置）或 zero（计 0 分）；默认按考核方案的 missing",
    ),
    ("robust", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "robust",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "robust",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
    (
        "robust",
        "evidence",
        "佐证材料文件（CSV 长表或宽表，UTF-8 或 GBK 编码；或 XLSX/XLS/ODS），合并读取",
    ),
    // robust
    ("robust", "draws", "抽样次数"),
    ("robust", "jitter", "各基础指标分值的变动幅度：10% 即在 ±10% 内随机变动"),
    ("robust", "seed", "随机种子：种子相同，结果相同"),
    ("robust", "issuer", ISSUER),
    ("robust", "date", DATE),
    // --self
    (
        "score",
        "files",
        "自评材料：按同一考核方案评分，与考核组评分对照（可多次给出）",
    ),
    (
        "explain",
        "files",
        "自评材料：按同一考核方案评分，与考核组评分对照（可多次给出）",
    ),
    (
        "deficiencies",
        "files",
        "自评材料：在清单后列出自评高于考核组评分的项目（自评偏高）",
    ),
    // circulated documents: the issuing body and date
    ("score", "issuer", ISSUER),
    ("score", "date", DATE),
    ("explain", "issuer", ISSUER),
    ("explain", "date", DATE),
    ("deficiencies", "issuer", ISSUER),
    ("deficiencies", "date", DATE),
    ("diff", "issuer", ISSUER),
    ("diff", "date", DATE),
    // letters
    (
        "letters",
        "framework",
        "考核方案（指标体系）TOML 文件（默认：内置的省级考核方案）",
    ),
    ("letters", "units", "单位文件（CSV：单位代码、名称、类别）"),
    ("letters", "period", "考核期：2023、2023H1、2023Q4 或 2023-06"),
    (
        "letters",
        "sheet",
        "读取 XLSX/XLS/ODS 佐证文件中的哪个工作表（默认：第一个含表头行的工作表）",
    ),
    (
        "letters",
        "encoding",
        "CSV 输入文件的编码（默认自动识别：UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030）",
    ),
    ("letters", "issuer", ISSUER),
    ("letters", "date", DATE),
    (
        "letters",
        "output",
        "目录（以 / 结尾或已存在）：每个单位一个 .docx 文件；或 FILE.docx：所有单位合为一个文件，单位之间分页",
    ),
    ("letters", "unit", "只写该单位（可重复指定）"),
    ("letters", "category", "只写该类别的单位（可重复指定）"),
    (
        "letters",
        "order",
        "单位排列顺序：rank（按排名，排名靠后者在前）或 unit（按单位代码）",
    ),
    (
        "letters",
        "evidence",
        "佐证材料文件，合并读取（为确定排名，对全部单位评分）",
    ),
    // ledger
    (
        "ledger",
        "ledgers",
        "由 deficiencies -o x.xlsx 写出、各单位填好交回的整改台账（XLSX/XLS/ODS 或 CSV），合并读取",
    ),
    (
        "ledger",
        "date",
        "以此日期统计逾期：超过整改时限仍未完成的事项，如 2024-03-01",
    ),
    ("ledger", "today", "以今天（UTC）的日期统计逾期，代替 --date"),
    (
        "ledger",
        "sheet",
        "读取哪个工作表（默认：第一个含表头行的工作表，即“整改台账”）",
    ),
    ("ledger", "format", "输出格式（默认：table，或按 -o 文件的扩展名确定）"),
    (
        "ledger",
        "output",
        "写入文件 FILE（要么完整写入，要么不写），而不输出到屏幕",
    ),
    (
        "ledger",
        "no_bom",
        "写出的 CSV 文件不带 UTF-8 字节顺序标记（BOM）（Excel 正确显示中文需要它）",
    ),
];

/// `--issuer` and `--date` of the commands that write documents.
const ISSUER: &str = "印在 HTML 和 DOCX 文书上的发文单位（默认：考核方案中写明的发文单位）";
const DATE: &str = "印在 HTML 和 DOCX 文书上的日期，如 2024-01-05（默认：不印日期）";

/// What each possible value of an argument means: (argument id, value,
/// meaning). clap's own list is hidden under zh, as its heading is English.
const VALUES: &[(&str, &str, &str)] = &[
    ("lang", "zh", "中文"),
    ("lang", "en", "英文"),
    ("encoding", "utf-8", "UTF-8（跳过开头的字节顺序标记）"),
    ("encoding", "gbk", "GBK，中文版 Windows 上 Excel 保存所用的编码"),
    ("encoding", "gb18030", "GB18030，GBK 的超集"),
    ("encoding", "big5", "Big5（繁体中文）"),
    ("encoding", "euc-kr", "EUC-KR（韩文）"),
    ("encoding", "shift_jis", "Shift_JIS（日文）"),
    ("format", "table", "对齐的表格，供屏幕查看"),
    ("format", "csv", "逗号分隔值（UTF-8；写入文件时带 BOM）"),
    ("format", "json", "标准的 JSON 考核结果"),
    ("format", "md", "Markdown 文档"),
    ("format", "xlsx", "Excel 工作簿（写入文件或管道）"),
    ("format", "html", "自成一体的 HTML 报告，可用 A4 纸打印"),
    ("reason", "shortfall", "扣分：已提供佐证材料，但未得满分"),
    ("reason", "missing", "未提供佐证材料"),
    ("reason", "penalty", "扣分项"),
    ("reason", "veto", "一票否决"),
    ("missing", "zero", "计 0 分（无佐证）；对完全没有佐证的单位给出警告"),
    ("missing", "error", "报错，列出每个缺少佐证的单位和指标"),
    (
        "order",
        "rank",
        "按排名，排名靠后者在前：先列一票否决的单位，再按得分从低到高",
    ),
    ("order", "unit", "按单位代码"),
    ("by", "unit", "每个单位一节"),
    (
        "by",
        "owner",
        "每个责任人（责任人/责任部门）一节，列出其负责的各单位事项",
    ),
    (
        "by",
        "assessor",
        "每个考核部门（负责考核部门）一节，列出其考核的各单位事项",
    ),
    ("sort", "delta", "升幅最大者在前"),
    ("sort", "rank", "按新排名（不再参加考核的单位排在最后）"),
    ("sort", "unit", "按单位代码"),
];

/// Help of `-h, --help` when `--help` shows more than `-h` (as clap words
/// it: short, long), else of both.
const HELP_FLAG: (&str, &str) = (
    "显示帮助信息（用 --help 查看详细说明）",
    "显示帮助信息（用 -h 查看摘要）",
);
const HELP_FLAG_ONLY: &str = "显示帮助信息";
const VERSION_FLAG: &str = "显示版本信息";

/// What the usage line names the subcommand and the options with.
const COMMAND_NAME: &str = "命令";
const OPTIONS_TAG: (&str, &str) = ("[OPTIONS]", "[选项]");

/// `f` applied to the subcommand `sub` (`""`: the program), which keeps
/// its place among the subcommands (as their order in errors).
fn in_sub(cmd: Command, sub: &str, f: impl FnOnce(Command) -> Command) -> Command {
    if sub.is_empty() {
        return f(cmd);
    }
    assert!(cmd.find_subcommand(sub).is_some(), "no subcommand {sub}");
    let mut f = Some(f);
    cmd.mut_subcommands(|c| match f.take_if(|_| c.get_name() == sub) {
        Some(f) => f(c),
        None => c,
    })
}

/// The command with its help texts in Chinese.
pub fn localise(mut cmd: Command) -> Command {
    // Before the build, so the global `--lang` is copied to the
    // subcommands with its Chinese help.
    for &(sub, id, help) in ARGS {
        cmd = in_sub(cmd, sub, |c| c.mut_arg(id, |a| a.help(help).long_help(None)));
    }
    cmd = cmd.mut_args(values).mut_subcommands(|c| c.mut_args(values));
    cmd.build();
    for &(sub, text) in AFTER_HELP {
        cmd = in_sub(cmd, sub, |c| c.after_help(text));
    }
    clap_words(cmd, true)
}

/// The default and the possible values of an argument in Chinese, in place
/// of clap's `[default: …]`, `[possible values: …]` and `Possible values:`,
/// taken from the argument itself.
fn values(arg: Arg) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let names: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if names.is_empty() && defaults.is_empty() {
        return arg;
    }
    let id = arg.get_id().as_str();
    let meaning = |name: &str| {
        VALUES
            .iter()
            .find(|&&(a, v, _)| a == id && v == name)
            .map(|&(_, _, m)| m)
    };
    let default = (!defaults.is_empty()).then(|| format!("默认：{}", defaults.join(" ")));
    let listed = (!names.is_empty()).then(|| format!("可选值：{}", names.join("、")));
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    // Apart, as clap sets its `[default: …]` apart: it wraps lines only at
    // spaces.
    let short = format!(
        "{help} （{}）",
        [default.clone(), listed.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("；")
    );
    let mut long = vec![help];
    if names.iter().any(|n| meaning(n).is_some()) {
        let width = names.iter().map(|n| n.width()).max().unwrap_or(0);
        let lines: Vec<String> = names
            .iter()
            .map(|n| match meaning(n) {
                Some(m) => format!("- {n}：{:pad$}{m}", "", pad = width - n.width()),
                None => format!("- {n}"),
            })
            .collect();
        long.push(format!("可选值：\n{}", lines.join("\n")));
    } else {
        long.extend(listed);
    }
    long.extend(default);
    arg.help(short)
        .long_help(long.join("\n\n"))
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// Chinese about, usage, section headings and `--help`/`--version` help,
/// for this command and every command under it (the `help` subcommand and
/// its tree of copies too).
fn clap_words(mut cmd: Command, root: bool) -> Command {
    let name = if root { "" } else { cmd.get_name() };
    if let Some(&(_, about)) = ABOUTS.iter().find(|&&(sub, _)| sub == name) {
        cmd = cmd.about(about).long_about(None);
    }
    if cmd.has_subcommands() {
        cmd = cmd.subcommand_value_name(COMMAND_NAME);
    }
    // clap gives `-h` and `--help` texts of their own when `--help` shows
    // more.
    let more = cmd
        .get_arguments()
        .any(|a| a.get_id() == "help" && a.get_long_help().is_some());
    cmd = cmd.mut_args(|a| match a.get_id().as_str() {
        "help" if more => a.help(HELP_FLAG.0).long_help(HELP_FLAG.1),
        "help" => a.help(HELP_FLAG_ONLY),
        "version" => a.help(VERSION_FLAG),
        _ => a,
    });
    // clap words `[OPTIONS]` itself: take its usage line and put that in.
    let usage = cmd.clone().help_template("{usage}").render_help();
    let usage = usage
        .ansi()
        .to_string()
        .trim_end()
        .replace(OPTIONS_TAG.0, OPTIONS_TAG.1);
    cmd = cmd.override_usage(usage);
    let template = template(&cmd);
    cmd = cmd.help_template(template);
    cmd.mut_subcommands(|c| clap_words(c, false))
}

/// clap's default help template with Chinese headings: clap writes its
/// own (`Usage:`, `Options:`…) for `{usage-heading}` and `{all-args}`, so
/// each section is written out, and only where the command has one.
fn template(cmd: &Command) -> String {
    let styles = cmd.get_styles();
    let (header, usage) = (styles.get_header(), styles.get_usage());
    let mut sections = Vec::new();
    if cmd
        .get_subcommands()
        .any(|c| c.get_name() != "help" && !c.is_hide_set())
    {
        sections.push(("命令", "{subcommands}"));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        sections.push(("参数", "{positionals}"));
    }
    if cmd.get_arguments().any(|a| !a.is_positional() && !a.is_hide_set()) {
        sections.push(("选项", "{options}"));
    }
    let mut template = format!("{{before-help}}{{about-with-newline}}\n{usage}用法：{usage:#}{{usage}}");
    for (heading, tag) in sections {
        template.push_str(&format!("\n\n{header}{heading}：{header:#}\n{tag}"));
    }
    template.push_str("{after-help}");
    template
}

/// A clap parse error as one Chinese line and a pointer to the help, or
/// `None` for the kinds left to clap (help, version and the rare ones).
/// `sub` is the subcommand named on the command line, if any.
pub fn error_text(err: &Error, sub: Option<&str>) -> Option<String> {
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let list = |kind| match err.get(kind) {
        Some(ContextValue::Strings(v)) => v.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、"),
        Some(ContextValue::String(s)) => format!("“{s}”"),
        _ => String::new(),
    };
    let suggest = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => format!("（是否应为“{s}”？）"),
        Some(ContextValue::Strings(v)) if !v.is_empty() => format!("（是否应为“{}”？）", v.join("”或“")),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let line = match err.kind() {
        ErrorKind::UnknownArgument => {
            format!("未知参数“{arg}”{}", suggest(ContextKind::SuggestedArg))
        }
        ErrorKind::InvalidSubcommand => {
            let name = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("未知子命令“{name}”{}", suggest(ContextKind::SuggestedSubcommand))
        }
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            if value.is_empty() {
                format!("参数“{arg}”缺少取值")
            } else if valid.is_empty() {
                format!("参数“{arg}”的取值“{value}”无效")
            } else {
                format!("参数“{arg}”的取值“{value}”无效；可选值为 {valid}")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(err)
                .map(|e| e.to_string())
                .unwrap_or_default();
            if why.is_empty() {
                format!("参数“{arg}”的取值“{value}”无效")
            } else {
                format!("参数“{arg}”：{why}")
            }
        }
        ErrorKind::MissingSubcommand => {
            format!("缺少子命令；可选的子命令为 {}", list(ContextKind::ValidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{}", list(ContextKind::InvalidArg)),
        ErrorKind::TooManyValues => format!("参数“{arg}”的取值过多：多出“{value}”"),
        ErrorKind::ArgumentConflict => {
            let prior = list(ContextKind::PriorArg);
            if prior.is_empty() || prior == format!("“{arg}”") {
                format!("参数“{arg}”不能重复使用")
            } else {
                format!("参数“{arg}”不能与{prior}同时使用")
            }
        }
        ErrorKind::TooFewValues => {
            let number = |kind| match err.get(kind) {
                Some(ContextValue::Number(n)) => n.to_string(),
                _ => "?".to_string(),
            };
            format!(
                "参数“{arg}”至少需要 {} 个取值，只给出了 {} 个",
                number(ContextKind::MinValues),
                number(ContextKind::ActualNumValues)
            )
        }
        ErrorKind::NoEquals => format!("参数“{arg}”的取值须用等号给出，如 {arg}=…"),
        _ => return None,
    };
    let help = match sub {
        Some(s) => format!("kaohe {s} --help"),
        None => "kaohe --help".to_string(),
    };
    Some(format!(
        "{}{line}\n\n用 {help} 查看用法\n",
        crate::base::lang::error_prefix()
    ))
}
