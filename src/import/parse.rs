//! Parsing the job import CSV (DESIGN §7) into validated posting drafts, one row at a time. Pure:
//! no database, no I/O beyond the reader it is given.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::postings::model::{JobType, PostingDraft, PostingStatus, RemotePolicy, SalaryPeriod};
use crate::tenancy::Slug;

/// A valid row: the tenant it belongs to and the posting it describes (`draft.id` always set).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub tenant_slug: String,
    pub company_name: Option<String>,
    pub draft: PostingDraft,
}

/// A row that cannot be imported, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    /// The tenant the row names, when it names a usable one: that tenant's rows are rejected.
    pub tenant_slug: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Column positions, found by header name (order free, unknown columns ignored).
#[derive(Debug, Clone)]
pub struct Columns {
    idx: HashMap<&'static str, usize>,
    tenant: Option<String>,
}

/// The CSV columns of DESIGN §7, in the order `careers seed --csv` writes them.
pub const COLUMNS: &[&str] = &[
    "tenant_slug",
    "company_name",
    "job_id",
    "title",
    "description",
    "location",
    "remote",
    "job_type",
    "category",
    "salary_min",
    "salary_max",
    "currency",
    "salary_period",
    "show_salary",
    "internal_only",
    "published_at",
    "expires_at",
    "status",
];

impl Columns {
    /// Reads the header row. `tenant` (from `--tenant`) fills or validates `tenant_slug`.
    pub fn from_headers(headers: &csv::StringRecord, tenant: Option<&str>) -> Result<Self, String> {
        let mut idx = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            if let Some(k) = COLUMNS.iter().find(|k| **k == h)
                && idx.insert(*k, i).is_some()
            {
                return Err(format!("the header names the column `{k}` twice"));
            }
        }
        if !idx.contains_key("title") {
            return Err("the header has no `title` column (line 1)".into());
        }
        if !idx.contains_key("tenant_slug") && tenant.is_none() {
            return Err(
                "the header has no `tenant_slug` column: add one, or name the tenant with --tenant SLUG"
                    .into(),
            );
        }
        Ok(Columns {
            idx,
            tenant: tenant.map(str::to_string),
        })
    }

    fn get<'r>(&self, rec: &'r csv::StringRecord, col: &str) -> &'r str {
        self.idx
            .get(col)
            .and_then(|&i| rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// Parses one record at `line` into a validated row.
    pub fn parse(&self, rec: &csv::StringRecord, line: u64) -> Result<Row, RowError> {
        let mut problems: Vec<String> = Vec::new();
        let raw_slug = self.get(rec, "tenant_slug");
        let slug = match (&self.tenant, raw_slug) {
            (Some(t), "") => Some(t.clone()),
            (Some(t), s) if s == t => Some(t.clone()),
            (Some(t), s) => {
                problems.push(format!(
                    "tenant_slug `{s}` does not match --tenant {t} (leave it empty or make it match)"
                ));
                None
            }
            (None, "") => {
                problems.push("tenant_slug is empty".into());
                None
            }
            (None, s) => match Slug::parse(s) {
                Ok(s) => Some(s.as_str().to_string()),
                Err(m) => {
                    problems.push(m);
                    None
                }
            },
        };
        let job_id = match self.get(rec, "job_id") {
            "" => Uuid::now_v7(),
            s => Uuid::parse_str(s).unwrap_or_else(|_| {
                problems.push(format!("job_id {s:?} is not a UUID"));
                Uuid::nil()
            }),
        };
        let mut choice = |col: &str, default: &str, expected: String| -> Option<String> {
            let v = self.get(rec, col);
            let v = if v.is_empty() { default } else { v };
            let norm = v.to_ascii_lowercase().replace('-', "_");
            if norm.is_empty() { None } else { Some(norm) }.or_else(|| {
                problems.push(format!("{col} is empty; expected one of {expected}"));
                None
            })
        };
        let remote_raw = choice("remote", "on_site", RemotePolicy::expected());
        let job_type_raw = choice("job_type", "full_time", JobType::expected());
        let period_raw = choice("salary_period", "year", SalaryPeriod::expected());
        let status_raw = choice("status", "open", PostingStatus::expected());
        let remote_policy = remote_raw.and_then(|v| {
            RemotePolicy::parse_lenient(&v).or_else(|| {
                problems.push(format!(
                    "remote {v:?} is not one of on_site, onsite, hybrid, remote"
                ));
                None
            })
        });
        let job_type = job_type_raw.and_then(|v| {
            JobType::parse(&v).or_else(|| {
                problems.push(format!(
                    "job_type {v:?} is not one of {}",
                    JobType::expected()
                ));
                None
            })
        });
        let salary_period = period_raw.and_then(|v| {
            SalaryPeriod::parse(&v).or_else(|| {
                problems.push(format!(
                    "salary_period {v:?} is not one of {}",
                    SalaryPeriod::expected()
                ));
                None
            })
        });
        let status = status_raw.and_then(|v| {
            PostingStatus::parse(&v).or_else(|| {
                problems.push(format!(
                    "status {v:?} is not one of {}",
                    PostingStatus::expected()
                ));
                None
            })
        });
        let mut decimal = |col: &str| -> Option<Decimal> {
            match self.get(rec, col) {
                "" => None,
                s => Decimal::from_str(s).ok().or_else(|| {
                    problems.push(format!("{col} {s:?} is not a number (e.g. 85000.00)"));
                    None
                }),
            }
        };
        let salary_min = decimal("salary_min");
        let salary_max = decimal("salary_max");
        let mut boolean = |col: &str, default: bool| -> bool {
            match self.get(rec, col).to_ascii_lowercase().as_str() {
                "" => default,
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                other => {
                    problems.push(format!("{col} {other:?} is not true or false"));
                    default
                }
            }
        };
        let show_salary = boolean("show_salary", true);
        let internal_only = boolean("internal_only", false);
        let mut time = |col: &str| -> Option<DateTime<Utc>> {
            match self.get(rec, col) {
                "" => None,
                s => DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&Utc))
                    .ok()
                    .or_else(|| {
                        problems.push(format!(
                            "{col} {s:?} is not an RFC 3339 time (e.g. 2026-11-20T10:00:00Z)"
                        ));
                        None
                    }),
            }
        };
        let published_at = time("published_at");
        let expires_at = time("expires_at");
        let company_name =
            Some(self.get(rec, "company_name").to_string()).filter(|s| !s.is_empty());

        let draft = PostingDraft {
            id: Some(job_id),
            title: self.get(rec, "title").to_string(),
            description: self.get(rec, "description").to_string(),
            location: self.get(rec, "location").to_string(),
            remote_policy: remote_policy.unwrap_or(RemotePolicy::OnSite),
            job_type: job_type.unwrap_or(JobType::FullTime),
            category: self.get(rec, "category").to_string(),
            salary_min,
            salary_max,
            salary_currency: Some(self.get(rec, "currency").to_string()),
            salary_period: salary_period.unwrap_or(SalaryPeriod::Year),
            show_salary,
            status: status.unwrap_or(PostingStatus::Open),
            internal_only,
            published_at,
            expires_at,
            ..PostingDraft::default()
        };
        // The same validation as every other way of writing a posting.
        let draft = match draft.validate() {
            Ok(d) => Some(d),
            Err(errs) => {
                for (field, msgs) in errs.0 {
                    let field = if field == "salary_currency" {
                        "currency".to_string()
                    } else {
                        field
                    };
                    for m in msgs {
                        problems.push(format!("{field}: {m}"));
                    }
                }
                None
            }
        };
        match (slug, draft) {
            (Some(tenant_slug), Some(draft)) if problems.is_empty() => Ok(Row {
                line,
                tenant_slug,
                company_name,
                draft,
            }),
            (slug, _) => Err(RowError {
                line,
                tenant_slug: slug,
                message: problems.join("; "),
            }),
        }
    }
}

/// A CSV reader configured for the import format (header row, RFC 4180 quoting, rows of varying
/// length reported rather than fatal).
pub fn reader<R: std::io::Read>(input: R) -> csv::Reader<LineFeeds<std::io::BufReader<R>>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineFeeds::new(std::io::BufReader::new(input)))
}

/// `input` with every CRLF read as LF. The CSV reader counts a CRLF file's lines one short (it
/// ends a record at the CR and counts the LF with the next one), so a spreadsheet's file — RFC
/// 4180's own line ending — would report every row error a line too early. A CR alone stays.
pub struct LineFeeds<R> {
    inner: R,
    /// A CR that ended the last read, held until we know whether an LF follows.
    held_cr: bool,
}

impl<R: std::io::BufRead> LineFeeds<R> {
    pub fn new(inner: R) -> Self {
        LineFeeds {
            inner,
            held_cr: false,
        }
    }
}

impl<R: std::io::BufRead> std::io::Read for LineFeeds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        if self.held_cr {
            self.held_cr = false;
            if self.inner.fill_buf()?.first() != Some(&b'\n') {
                out[0] = b'\r';
                n = 1;
            }
        }
        let avail = self.inner.fill_buf()?;
        let mut used = 0;
        while used < avail.len() && n < out.len() {
            let b = avail[used];
            used += 1;
            if b == b'\r' {
                match avail.get(used) {
                    Some(b'\n') => continue,
                    None => {
                        self.held_cr = true;
                        break;
                    }
                    Some(_) => {}
                }
            }
            out[n] = b;
            n += 1;
        }
        self.inner.consume(used);
        if n == 0 && self.held_cr {
            // The chunk was a lone CR: look at what follows before answering (0 means EOF).
            return self.read(out);
        }
        Ok(n)
    }
}

/// Reads every record of `input`, calling `each` with the parsed row (or its error). A record the
/// CSV layer cannot read (bad UTF-8, broken quoting) is reported as a row error on its line.
pub fn for_each_row<R: std::io::Read>(
    input: R,
    tenant: Option<&str>,
    mut each: impl FnMut(Result<Row, RowError>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut rdr = reader(input);
    let headers = rdr
        .headers()
        .map_err(|e| anyhow::anyhow!("cannot read the header row: {e}"))?
        .clone();
    let cols = Columns::from_headers(&headers, tenant).map_err(|e| anyhow::anyhow!(e))?;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                each(cols.parse(&rec, line))?;
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                each(Err(RowError {
                    line,
                    tenant_slug: None,
                    message: format!("unreadable CSV record: {e}"),
                }))?;
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    return Err(anyhow::anyhow!(
                        "line {line}: the CSV cannot be read further: {e}"
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &str, tenant: Option<&str>) -> Vec<Result<Row, RowError>> {
        let mut out = Vec::new();
        for_each_row(csv.as_bytes(), tenant, |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn a_full_row_becomes_a_validated_draft() {
        let csv = "tenant_slug,job_id,title,description,location,remote,job_type,category,salary_min,salary_max,currency,salary_period,show_salary,internal_only,published_at,expires_at,status,extra\n\
            acme,4b1f0c5e-2a1d-4c3b-9e8f-0123456789ab,Backend Engineer,\"Builds, things\",Berlin,onsite,part_time,Engineering,70000,90000,eur,month,false,true,2026-11-20T10:00:00Z,2026-12-20T10:00:00+01:00,closed,ignored\n";
        let r = rows(csv, None).pop().unwrap().unwrap();
        assert_eq!(r.line, 2);
        assert_eq!(r.tenant_slug, "acme");
        let d = r.draft;
        assert_eq!(
            d.id.unwrap().to_string(),
            "4b1f0c5e-2a1d-4c3b-9e8f-0123456789ab"
        );
        assert_eq!(d.description, "Builds, things");
        assert_eq!(d.remote_policy, RemotePolicy::OnSite);
        assert_eq!(d.job_type, JobType::PartTime);
        assert_eq!(d.salary_currency.as_deref(), Some("EUR"));
        assert_eq!(d.salary_period, SalaryPeriod::Month);
        assert!(!d.show_salary && d.internal_only);
        assert_eq!(d.status, PostingStatus::Closed);
        assert_eq!(
            d.expires_at.unwrap().to_rfc3339(),
            "2026-12-20T09:00:00+00:00"
        );
    }

    #[test]
    fn defaults_follow_the_format() {
        let r = rows("title,tenant_slug\nDesigner,acme\n", None)
            .pop()
            .unwrap()
            .unwrap();
        let d = r.draft;
        assert_eq!(
            (d.status, d.salary_period, d.show_salary, d.internal_only),
            (PostingStatus::Open, SalaryPeriod::Year, true, false)
        );
        assert_eq!(d.remote_policy, RemotePolicy::OnSite);
        assert!(d.id.is_some());
    }

    #[test]
    fn bad_rows_name_their_line_and_every_problem() {
        let csv = "tenant_slug,title,remote,salary_min,salary_max,currency,expires_at,status\n\
            acme,Good,remote,,,,,open\n\
            acme,,sometimes,90,80,EUR,tomorrow,maybe\n\
            Bad Slug,Title,,,,,,\n";
        let out = rows(csv, None);
        assert!(out[0].is_ok());
        let e = out[1].clone().unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.tenant_slug.as_deref(), Some("acme"));
        for needle in ["remote", "expires_at", "status", "title", "salary_max"] {
            assert!(
                e.message.contains(needle),
                "{needle} missing in {}",
                e.message
            );
        }
        let e = out[2].clone().unwrap_err();
        assert_eq!((e.line, e.tenant_slug), (4, None));
        assert!(e.message.contains("Bad Slug"), "{}", e.message);
    }

    #[test]
    fn crlf_and_lf_files_report_the_same_line_numbers() {
        let lf =
            "tenant_slug,title,description\nacme,A,\"two\nlines\"\nacme,,x\nacme,B,y\nacme,,z\n";
        let crlf = lf.replace('\n', "\r\n");
        let lines = |csv: &str| -> Vec<Result<u64, u64>> {
            rows(csv, None)
                .into_iter()
                .map(|r| r.map(|row| row.line).map_err(|e| e.line))
                .collect()
        };
        assert_eq!(lines(lf), vec![Ok(2), Err(4), Ok(5), Err(6)]);
        assert_eq!(lines(&crlf), lines(lf));
        // A CR that is not part of a CRLF is kept, also across reads.
        let mut out = String::new();
        let tiny = std::io::BufReader::with_capacity(1, "a\rb\r\nc\r".as_bytes());
        std::io::Read::read_to_string(&mut LineFeeds::new(tiny), &mut out).unwrap();
        assert_eq!(out, "a\rb\nc\r");
    }

    #[test]
    fn quoted_newlines_keep_line_numbers_true_to_the_file() {
        let csv = "tenant_slug,title,description\nacme,A,\"two\nlines\"\nacme,,x\n";
        let out = rows(csv, None);
        assert_eq!(out[1].clone().unwrap_err().line, 4);
    }

    #[test]
    fn the_tenant_flag_fills_or_validates_the_slug() {
        let out = rows("title,tenant_slug\nA,\nB,acme\nC,other\n", Some("acme"));
        assert_eq!(out[0].clone().unwrap().tenant_slug, "acme");
        assert_eq!(out[1].clone().unwrap().tenant_slug, "acme");
        let e = out[2].clone().unwrap_err();
        assert!(e.message.contains("--tenant"), "{}", e.message);
        // Without the column, --tenant is required.
        assert!(rows("title\nA\n", Some("acme"))[0].is_ok());
        let err = for_each_row("title\nA\n".as_bytes(), None, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("--tenant"), "{err}");
    }
}
