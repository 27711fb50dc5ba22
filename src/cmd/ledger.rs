//! `kaohe ledger FILE...`: returned rectification ledgers summarised.

use super::Error;
use super::OutputArgs;
use crate::base::lang::Lang;
use std::path::PathBuf;

/// Summarise rectification ledgers returned by units (整改台账): completed,
/// in progress, not started, overdue and 整改率, per unit and overall.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Ledgers as written by `deficiencies -o x.xlsx` and filled in (XLSX/XLS/ODS or CSV), read as one
    #[arg(value_name = "LEDGER", required = true)]
    pub ledgers: Vec<PathBuf>,
    /// Count items not completed by their deadline as overdue on this date (YYYY-MM-DD)
    #[arg(long = "date", value_name = "DATE", value_parser = crate::base::period::parse_date, conflicts_with = "today")]
    pub date: Option<jiff::civil::Date>,
    /// Count overdue items against today's date (UTC) instead of --date
    #[arg(long)]
    pub today: bool,
    /// Worksheet to read (default: the first with a header row, 整改台账)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve_text(&args.ledgers, "ledger")?;
    let opts = crate::reading::input::ReadOptions {
        encodings: Vec::new(),
        sheet: args.sheet.clone(),
    };
    let entries = crate::engine::ledger::read(&args.ledgers, &opts).map_err(Error::Input)?;
    let on = match (args.date, args.today) {
        (Some(d), _) => Some(d),
        // The clock only when asked for.
        (None, true) => Some(jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date()),
        (None, false) => None,
    };
    let summary = crate::engine::ledger::summarise(&entries, on);
    let text = crate::render::ledger::render(&summary, args.ledgers.len(), lang, format);
    crate::render::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}
