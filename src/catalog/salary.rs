//! Salaries compared honestly (#12): a salary filter or ordering compares yearly amounts in one
//! currency. A posted range is annualised by its period ([`per_year`]) and converted through the
//! operator's table of reference rates (`public.fx_rates`, filled by `careers fx import` from the
//! ECB's reference-rates CSV). A job in a currency the table has no rate for is left out of a
//! salary filter and sorts after every converted salary: never guessed.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sqlx::PgPool;
use std::sync::Arc;
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::{DocId, SegmentReader};

/// Hours, days, weeks and months in a working year.
pub fn per_year(period: &str) -> Option<f64> {
    match period {
        "hour" => Some(2_080.0),
        "day" => Some(260.0),
        "week" => Some(52.0),
        "month" => Some(12.0),
        "year" => Some(1.0),
        _ => None,
    }
}

/// Whether `code` looks like an ISO 4217 currency code (three capital letters).
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Reference rates: units of each currency per euro (the euro itself is 1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates {
    per_eur: HashMap<String, f64>,
    /// Which load this is (answers computed with other rates are not reused).
    pub load: u64,
}

/// Loads of the rate table so far in this process.
static LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Rates {
    /// Rates from `(currency, units per euro)` pairs.
    pub fn from_pairs<I: IntoIterator<Item = (String, f64)>>(pairs: I) -> Self {
        let mut per_eur: HashMap<String, f64> = pairs
            .into_iter()
            .filter(|(_, r)| r.is_finite() && *r > 0.0)
            .collect();
        per_eur.insert("EUR".into(), 1.0);
        Rates {
            per_eur,
            load: LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The table as the database holds it.
    pub async fn load(pool: &PgPool) -> sqlx::Result<Self> {
        let rows: Vec<(String, Decimal)> =
            sqlx::query_as("SELECT currency, per_eur FROM public.fx_rates")
                .fetch_all(pool)
                .await?;
        Ok(Self::from_pairs(
            rows.into_iter().filter_map(|(c, r)| Some((c, r.to_f64()?))),
        ))
    }

    /// The factor turning an amount in `from` into `to`, when both have a rate.
    pub fn factor(&self, from: &str, to: &str) -> Option<f64> {
        if from == to {
            return Some(1.0);
        }
        Some(self.per_eur.get(to)? / self.per_eur.get(from)?)
    }

    /// Whether `currency` can be converted.
    pub fn knows(&self, currency: &str) -> bool {
        self.per_eur.contains_key(currency)
    }
}

/// One day's reference rates read from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSheet {
    pub date: NaiveDate,
    pub rates: Vec<(String, Decimal)>,
}

/// Parses the ECB's reference-rates CSV: the daily file (`Date, USD, JPY, …` then one row dated
/// like `03 December 2026`) or the history file (the same header, one row per day, newest first,
/// `N/A` where a currency had no rate; the newest row is taken). Blank trailing columns are
/// ignored.
pub fn parse_ecb_csv(text: &str) -> anyhow::Result<RateSheet> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty());
    let Some((_, header)) = lines.next() else {
        bail!("the file is empty; expected the ECB reference-rates CSV (a header `Date, USD, …`)");
    };
    let header: Vec<&str> = header.split(',').map(str::trim).collect();
    if !header.first().is_some_and(|h| {
        h.trim_start_matches('\u{feff}')
            .eq_ignore_ascii_case("date")
    }) {
        bail!("line 1: the first column must be `Date` (the ECB reference-rates CSV)");
    }
    for code in header.iter().skip(1).filter(|c| !c.is_empty()) {
        if !is_currency_code(code) {
            bail!("line 1: {code:?} is not a currency code (three capital letters)");
        }
    }
    let Some((n, row)) = lines.next() else {
        bail!("the file has a header but no rates");
    };
    let line = n + 1;
    let cells: Vec<&str> = row.split(',').map(str::trim).collect();
    let date_text = cells.first().copied().unwrap_or_default();
    let date = NaiveDate::parse_from_str(date_text, "%d %B %Y")
        .or_else(|_| NaiveDate::parse_from_str(date_text, "%Y-%m-%d"))
        .with_context(|| {
            format!("line {line}: {date_text:?} is not a date such as `03 December 2026` or `2026-12-03`")
        })?;
    let mut rates = Vec::new();
    for (code, cell) in header.iter().zip(cells.iter()).skip(1) {
        if code.is_empty() || cell.is_empty() || cell.eq_ignore_ascii_case("N/A") {
            continue;
        }
        let rate: Decimal = cell
            .parse()
            .with_context(|| format!("line {line}: the {code} rate {cell:?} is not a number"))?;
        if rate <= Decimal::ZERO {
            bail!("line {line}: the {code} rate must be positive");
        }
        rates.push((code.to_string(), rate));
    }
    if rates.is_empty() {
        bail!("line {line}: no rates on the newest row");
    }
    Ok(RateSheet { date, rates })
}

/// Stores a sheet: each of its currencies gets the sheet's rate (an older sheet never replaces a
/// newer rate). Returns how many rates changed.
pub async fn import(pool: &PgPool, sheet: &RateSheet) -> sqlx::Result<u64> {
    let (codes, rates): (Vec<String>, Vec<Decimal>) = sheet.rates.iter().cloned().unzip();
    let done = sqlx::query(
        "INSERT INTO public.fx_rates (currency, per_eur, rate_date)
         SELECT * , $3::date FROM unnest($1::text[], $2::numeric[])
         ON CONFLICT (currency) DO UPDATE
            SET per_eur = excluded.per_eur, rate_date = excluded.rate_date, imported_at = now()
          WHERE public.fx_rates.rate_date <= excluded.rate_date",
    )
    .bind(&codes)
    .bind(&rates)
    .bind(sheet.date)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// The stored rates, by currency: `(currency, units per euro, date of the rate)`.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<(String, Decimal, NaiveDate)>> {
    sqlx::query_as("SELECT currency, per_eur, rate_date FROM public.fx_rates ORDER BY currency")
        .fetch_all(pool)
        .await
}

/// Jobs whose yearly salary, converted to `currency`, reaches `min` at its top end.
pub(super) fn salary_at_least(min: f64, rates: Arc<Rates>, currency: String) -> Box<dyn Query> {
    let predicate = FunctionPredicate::from(move |seg: &SegmentReader| {
        let salary = SalaryColumns::open(seg, &rates, &currency)?;
        Ok(move |doc: DocId| salary.high(doc).is_some_and(|h| h >= min))
    });
    Box::new(DocPredicateQuery::from(predicate))
}

/// A segment's salary columns with each currency's conversion factor.
pub(super) struct SalaryColumns {
    low: Option<Column<f64>>,
    high: Option<Column<f64>>,
    currency: Option<StrColumn>,
    /// Conversion factor by currency ordinal (`None`: no rate).
    factors: Vec<Option<f64>>,
}

impl SalaryColumns {
    pub(super) fn open(seg: &SegmentReader, rates: &Rates, to: &str) -> tantivy::Result<Self> {
        let ff = seg.fast_fields();
        let currency = ff.str("salary_currency")?;
        let mut factors = Vec::new();
        if let Some(c) = &currency {
            let mut code = String::new();
            for ord in 0..c.num_terms() as u64 {
                code.clear();
                c.ord_to_str(ord, &mut code)?;
                factors.push(rates.factor(&code, to));
            }
        }
        Ok(SalaryColumns {
            low: ff.column_opt::<f64>("salary_low")?,
            high: ff.column_opt::<f64>("salary_high")?,
            currency,
            factors,
        })
    }

    fn factor(&self, doc: DocId) -> Option<f64> {
        let ord = self.currency.as_ref()?.ords().first(doc)?;
        *self.factors.get(ord as usize)?
    }

    pub(super) fn high(&self, doc: DocId) -> Option<f64> {
        Some(self.high.as_ref()?.first(doc)? * self.factor(doc)?)
    }

    pub(super) fn low(&self, doc: DocId) -> Option<f64> {
        Some(self.low.as_ref()?.first(doc)? * self.factor(doc)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_and_the_history_file_both_parse() {
        let daily = "Date, USD, JPY, KRW, \n03 December 2026, 1.0512, 158.20, 1450.5, \n";
        let s = parse_ecb_csv(daily).unwrap();
        assert_eq!(s.date, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        assert_eq!(s.rates.len(), 3);
        let hist = "Date,USD,CYP,\n2026-12-03,1.05,N/A,\n2026-12-02,1.04,N/A,\n";
        let s = parse_ecb_csv(hist).unwrap();
        assert_eq!(s.rates, vec![("USD".into(), "1.05".parse().unwrap())]);
    }

    #[test]
    fn a_bad_file_is_named_by_line() {
        let e = parse_ecb_csv("Date, USD\nyesterday, 1.05").unwrap_err();
        assert!(e.to_string().starts_with("line 2:"), "{e}");
        let e = parse_ecb_csv("Date, USD\n2026-12-03, abc").unwrap_err();
        assert!(e.to_string().contains("USD rate"), "{e}");
        assert!(parse_ecb_csv("currency,rate\nUSD,1").is_err());
    }

    #[test]
    fn conversion_goes_through_the_euro_and_refuses_unknown_currencies() {
        let r = Rates::from_pairs([("USD".to_string(), 1.25), ("KRW".to_string(), 1500.0)]);
        assert_eq!(r.factor("EUR", "USD"), Some(1.25));
        assert_eq!(r.factor("USD", "EUR"), Some(0.8));
        assert!((r.factor("KRW", "USD").unwrap() - 1.25 / 1500.0).abs() < 1e-12);
        assert_eq!(r.factor("AED", "EUR"), None);
        assert_eq!(r.factor("AED", "AED"), Some(1.0));
        assert_eq!(per_year("hour").unwrap() * 20_000.0, 41_600_000.0);
    }
}
