//! Public catalog queries: the job list and search, facets, job detail, companies, and the feed and
//! sitemap helpers. The JSON API and the HTML site call the same functions.
//!
//! Every query applies the visibility rule at query time (`published_at <= now()` and not
//! expired); only active tenants' postings exist in the catalog. At a million rows no request
//! scans the catalog:
//! - newest-first, salary, company, category and (job_type, remote_policy) filters walk btree
//!   indexes; `location` is resolved to the few catalog locations it names, then an equality on a
//!   btree keyed with the two low-cardinality filters (migrations 0020, 0021, 0041, 0043);
//! - a term query (`q`) in relevance order lists the jobs whose title matches first, then the
//!   other matches, newest first within each. A term some of the newest jobs use is paged tier by
//!   tier, each a newest-first walk (common terms) or the GIN indexes; a term none of them uses
//!   is rare, and its page comes from its whole match set at once. Other orderings sort a match
//!   set capped at [`SEARCH_CAP`] rows and join back only the page;
//! - counts: a page that is not full ends the matches, so its count is exact for free; otherwise
//!   unfiltered totals come from `public.catalog_stats` (recomputed by [`refresh_stats`], which
//!   the scheduler runs every minute), and filtered counts are exact when the planner expects at
//!   most [`COUNT_CAP`] matches and its estimate beyond, flagged by `count_exact = false`;
//! - facets: a facet filtered only by itself comes from the statistics; others are counted
//!   exactly up to [`FACET_CAP`] jobs, else over a sample of that size (`exact = false`); sampled
//!   facets, estimates and the statistics are reused for a few seconds ([`super::cache`]);
//!   result rows and exact counts never are;
//! - pages are offset-based, limited to the first [`MATCH_CAP`] results ([`SEARCH_CAP`] with
//!   `q`); deep pages pick the page's ids from an index before reading its rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::cache::Aggregates;
use super::projection::ApplicationForm;
use crate::error::FieldErrors;
use crate::postings::model::{JobType, RemotePolicy, SalaryPeriod};

/// How far a list without a term query can be paged (deeper pages are a 400): skipped rows are
/// read from an index, a few microseconds each.
pub const MATCH_CAP: i64 = 100_000;
/// How far a term query can be paged, and the match set other orderings than relevance sort.
pub const SEARCH_CAP: i64 = 5_000;
/// Counts the planner expects to be larger than this are its estimate (`count_exact` false).
pub const COUNT_CAP: i64 = 1_000;
/// The largest exact count a request makes (when the planner expected at most [`COUNT_CAP`]).
pub const EXACT_COUNT_CAP: i64 = 5_000;
/// Facets count exactly up to this many jobs per facet; beyond, over a sample of this size.
pub const FACET_CAP: i64 = 1_000;
/// Default and largest `page_size`.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// How old the precomputed unfiltered statistics may be before a request recomputes them.
pub const STATS_MAX_AGE_SECS: i64 = 300;
/// Facets with many values (company, location, category) list this many.
pub const FACET_TOP: usize = 20;
const MAX_TEXT_PARAM: usize = 200;

/// The visibility rule, applied to every public read (alias `c`).
pub const VISIBLE: &str =
    "c.published_at <= now() AND (c.expires_at IS NULL OR c.expires_at > now())";

/// Sort order of a job list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ordering {
    #[serde(rename = "-published_at")]
    Newest,
    #[serde(rename = "published_at")]
    Oldest,
    #[serde(rename = "-salary_max")]
    SalaryMaxDesc,
    #[serde(rename = "salary_min")]
    SalaryMinAsc,
    #[serde(rename = "relevance")]
    Relevance,
}

impl Ordering {
    pub const ALL: &'static [Ordering] = &[
        Ordering::Newest,
        Ordering::Oldest,
        Ordering::SalaryMaxDesc,
        Ordering::SalaryMinAsc,
        Ordering::Relevance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ordering::Newest => "-published_at",
            Ordering::Oldest => "published_at",
            Ordering::SalaryMaxDesc => "-salary_max",
            Ordering::SalaryMinAsc => "salary_min",
            Ordering::Relevance => "relevance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Ordering::ALL.iter().copied().find(|o| o.as_str() == s)
    }

    /// A label for a sort menu.
    pub fn label(self) -> &'static str {
        match self {
            Ordering::Newest => "Newest first",
            Ordering::Oldest => "Oldest first",
            Ordering::SalaryMaxDesc => "Highest salary",
            Ordering::SalaryMinAsc => "Lowest salary",
            Ordering::Relevance => "Best match",
        }
    }

    /// `ORDER BY` over the sort columns of the relation aliased `t` (`c` for the catalog, `p` for
    /// a ranked match set), ending with the unique `job_id` so pages are stable.
    fn order_by(self, t: &str) -> String {
        match self {
            Ordering::Newest => format!(" ORDER BY {t}.published_at DESC, {t}.job_id DESC"),
            Ordering::Oldest => format!(" ORDER BY {t}.published_at ASC, {t}.job_id ASC"),
            Ordering::SalaryMaxDesc => format!(
                " ORDER BY {t}.salary_max DESC NULLS LAST, {t}.published_at DESC, {t}.job_id DESC"
            ),
            Ordering::SalaryMinAsc => format!(
                " ORDER BY {t}.salary_min ASC NULLS LAST, {t}.published_at DESC, {t}.job_id DESC"
            ),
            Ordering::Relevance => {
                format!(" ORDER BY {t}.rank DESC, {t}.published_at DESC, {t}.job_id DESC")
            }
        }
    }
}

/// A validated job list / search / facet query, parsed from query-string pairs (repeated
/// parameters are OR-ed within a parameter, AND-ed across parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct JobQuery {
    pub q: Option<String>,
    pub location: Option<String>,
    pub job_type: Vec<JobType>,
    pub remote_policy: Vec<RemotePolicy>,
    pub company: Vec<String>,
    pub category: Vec<String>,
    pub salary_min: Option<Decimal>,
    pub posted_within_days: Option<u32>,
    /// As given; see [`JobQuery::effective_ordering`].
    pub ordering: Option<Ordering>,
    pub page: u32,
    pub page_size: u32,
    /// `location` resolved to the catalog locations it matches, when they are at most
    /// [`LOCATION_VALUES_CAP`]: set by the queries of this module ([`resolve_location`]), never
    /// parsed.
    pub location_in: Option<Vec<String>>,
}

impl Default for JobQuery {
    fn default() -> Self {
        JobQuery {
            q: None,
            location: None,
            job_type: Vec::new(),
            remote_policy: Vec::new(),
            company: Vec::new(),
            category: Vec::new(),
            salary_min: None,
            posted_within_days: None,
            ordering: None,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            location_in: None,
        }
    }
}

/// The query-string parameters [`JobQuery::from_pairs`] understands (others are ignored, e.g.
/// `utm_*`).
pub const JOB_QUERY_PARAMS: &[&str] = &[
    "q",
    "location",
    "job_type",
    "remote_policy",
    "company",
    "category",
    "salary_min",
    "posted_within_days",
    "ordering",
    "page",
    "page_size",
];

/// Trims, drops control characters (PostgreSQL refuses NUL in text) and treats empty as absent.
fn clean_text(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

impl JobQuery {
    /// Parses and validates query-string pairs. Empty values count as absent (an HTML form sends
    /// every field); every invalid parameter is named in the errors.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldErrors> {
        let mut q = JobQuery::default();
        let mut errs = FieldErrors::new();
        let mut seen_single: Vec<&str> = Vec::new();
        for (key, raw) in pairs {
            let value = clean_text(raw);
            if value.is_empty() {
                continue;
            }
            let key = key.as_str();
            let single = matches!(
                key,
                "q" | "location"
                    | "salary_min"
                    | "posted_within_days"
                    | "ordering"
                    | "page"
                    | "page_size"
            );
            if single {
                if seen_single.contains(&key) {
                    errs.add(key, "Give this parameter at most once.");
                    continue;
                }
                seen_single.push(key);
            }
            match key {
                "q" | "location" => {
                    if value.chars().count() > MAX_TEXT_PARAM {
                        errs.add(key, format!("Use at most {MAX_TEXT_PARAM} characters."));
                    } else if key == "q" {
                        q.q = Some(value);
                    } else {
                        q.location = Some(value);
                    }
                }
                "job_type" => match JobType::parse(&value) {
                    Some(v) if !q.job_type.contains(&v) => q.job_type.push(v),
                    Some(_) => {}
                    None => errs.add(
                        key,
                        format!(
                            "Unknown job type {value:?}; use one of {}.",
                            JobType::expected()
                        ),
                    ),
                },
                "remote_policy" => match RemotePolicy::parse(&value) {
                    Some(v) if !q.remote_policy.contains(&v) => q.remote_policy.push(v),
                    Some(_) => {}
                    None => errs.add(
                        key,
                        format!(
                            "Unknown remote policy {value:?}; use one of {}.",
                            RemotePolicy::expected()
                        ),
                    ),
                },
                "company" => match crate::tenancy::Slug::parse(&value) {
                    Ok(_) if q.company.len() >= 50 => errs.add(key, "At most 50 companies."),
                    Ok(_) if !q.company.contains(&value) => q.company.push(value),
                    Ok(_) => {}
                    Err(_) => errs.add(key, format!("{value:?} is not a company slug.")),
                },
                "category" => {
                    if value.chars().count() > 100 {
                        errs.add(key, "Use at most 100 characters.");
                    } else if q.category.len() >= 50 {
                        errs.add(key, "At most 50 categories.");
                    } else if !q.category.contains(&value) {
                        q.category.push(value);
                    }
                }
                "salary_min" => match value.parse::<Decimal>() {
                    Ok(v) if v.is_sign_negative() => errs.add(key, "Must not be negative."),
                    Ok(v) if v > Decimal::from(999_999_999_999_i64) => {
                        errs.add(key, "The amount is too large.")
                    }
                    Ok(v) => q.salary_min = Some(v),
                    Err(_) => errs.add(key, "Must be a number such as 50000."),
                },
                "posted_within_days" => match value.parse::<u32>() {
                    Ok(v) if (1..=3650).contains(&v) => q.posted_within_days = Some(v),
                    _ => errs.add(key, "Must be a whole number of days from 1 to 3650."),
                },
                "ordering" => match Ordering::parse(&value) {
                    Some(o) => q.ordering = Some(o),
                    None => errs.add(
                        key,
                        format!(
                            "Unknown ordering {value:?}; use one of {}.",
                            Ordering::ALL
                                .iter()
                                .map(|o| o.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                },
                "page" => match value.parse::<u32>() {
                    Ok(v) if v >= 1 => q.page = v,
                    _ => errs.add(key, "Must be a whole number from 1."),
                },
                "page_size" => match value.parse::<u32>() {
                    Ok(v) if (1..=MAX_PAGE_SIZE).contains(&v) => q.page_size = v,
                    _ => errs.add(
                        key,
                        format!("Must be a whole number from 1 to {MAX_PAGE_SIZE}."),
                    ),
                },
                _ => {}
            }
        }
        if errs.get("page").is_none()
            && errs.get("page_size").is_none()
            && i64::from(q.page - 1) * i64::from(q.page_size) >= q.window()
        {
            errs.add(
                "page",
                format!(
                    "Only the first {} results can be paged through; narrow the search.",
                    q.window()
                ),
            );
        }
        if errs.is_empty() { Ok(q) } else { Err(errs) }
    }

    /// The ordering used: the one given, else `relevance` with `q` and `-published_at` without.
    /// `relevance` without `q` means newest first.
    pub fn effective_ordering(&self) -> Ordering {
        match (self.ordering, &self.q) {
            (Some(Ordering::Relevance), None) => Ordering::Newest,
            (Some(o), _) => o,
            (None, Some(_)) => Ordering::Relevance,
            (None, None) => Ordering::Newest,
        }
    }

    /// How many results can be paged through: [`SEARCH_CAP`] with a term query, else
    /// [`MATCH_CAP`].
    pub fn window(&self) -> i64 {
        if self.q.is_some() {
            SEARCH_CAP
        } else {
            MATCH_CAP
        }
    }

    /// Whether any filter (anything but paging and ordering) is set.
    pub fn has_filters(&self) -> bool {
        self.q.is_some()
            || self.location.is_some()
            || !self.job_type.is_empty()
            || !self.remote_policy.is_empty()
            || !self.company.is_empty()
            || !self.category.is_empty()
            || self.salary_min.is_some()
            || self.posted_within_days.is_some()
    }

    /// The query as pairs for links (defaults omitted), with `page` replaced by `page`.
    pub fn to_pairs(&self, page: Option<u32>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| out.push((k.to_string(), v));
        if let Some(v) = &self.q {
            push("q", v.clone());
        }
        if let Some(v) = &self.location {
            push("location", v.clone());
        }
        for v in &self.job_type {
            push("job_type", v.as_str().to_string());
        }
        for v in &self.remote_policy {
            push("remote_policy", v.as_str().to_string());
        }
        for v in &self.company {
            push("company", v.clone());
        }
        for v in &self.category {
            push("category", v.clone());
        }
        if let Some(v) = self.salary_min {
            push("salary_min", v.to_string());
        }
        if let Some(v) = self.posted_within_days {
            push("posted_within_days", v.to_string());
        }
        if let Some(o) = self.ordering {
            push("ordering", o.as_str().to_string());
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            push("page", p.to_string());
        }
        if self.page_size != DEFAULT_PAGE_SIZE {
            push("page_size", self.page_size.to_string());
        }
        out
    }

    /// `to_pairs` as a percent-encoded query string (without `?`).
    pub fn to_query_string(&self, page: Option<u32>) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.to_pairs(page))
            .finish()
    }

    fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.page_size)
    }
}

/// A facet dimension, for the "every other filter but not its own" rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    JobType,
    RemotePolicy,
    Company,
    Location,
    Category,
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The `ILIKE` pattern of a `location` filter.
fn location_pattern(loc: &str) -> String {
    format!("%{}%", like_escape(loc))
}

/// A location filter matching at most this many distinct locations is an equality on them.
pub const LOCATION_VALUES_CAP: usize = 100;

/// `q` with its `location` substring resolved to the catalog locations it matches
/// (`public.catalog_locations`, migration 0043), when they are few: the filter is then an
/// equality the location index answers (none matching: nothing matches). Beyond
/// [`LOCATION_VALUES_CAP`] the catalog is filtered by the locations' subquery.
pub async fn resolve_location(pool: &PgPool, q: &JobQuery) -> sqlx::Result<JobQuery> {
    let mut q = q.clone();
    if let (Some(loc), None) = (&q.location, &q.location_in) {
        let values: Vec<String> = sqlx::query_scalar(
            "SELECT location FROM public.catalog_locations WHERE location ILIKE $1 \
             ORDER BY location LIMIT $2",
        )
        .bind(location_pattern(loc))
        .bind(LOCATION_VALUES_CAP as i64 + 1)
        .fetch_all(pool)
        .await?;
        if values.len() <= LOCATION_VALUES_CAP {
            q.location_in = Some(values);
        }
    }
    Ok(q)
}

/// Pushes ` AND …` for every filter of `q` except the facet dimension `skip` (visibility is
/// pushed by the caller).
fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, q: &JobQuery, skip: Option<Dim>) {
    if let Some(text) = &q.q {
        qb.push(" AND c.search @@ websearch_to_tsquery('english', ")
            .push_bind(text.clone())
            .push(")");
    }
    if let Some(loc) = &q.location
        && skip != Some(Dim::Location)
    {
        match &q.location_in {
            Some(values) if values.is_empty() => {
                qb.push(" AND false");
            }
            Some(values) => push_any(qb, "c.location", values.clone()),
            None => {
                qb.push(
                    " AND c.location IN (SELECT l.location FROM public.catalog_locations l \
                     WHERE l.location ILIKE ",
                )
                .push_bind(location_pattern(loc))
                .push(")");
            }
        }
    }
    if !q.job_type.is_empty() && skip != Some(Dim::JobType) {
        let v: Vec<String> = q.job_type.iter().map(|t| t.as_str().to_string()).collect();
        push_any(qb, "c.job_type", v);
    }
    if !q.remote_policy.is_empty() && skip != Some(Dim::RemotePolicy) {
        let v: Vec<String> = q
            .remote_policy
            .iter()
            .map(|t| t.as_str().to_string())
            .collect();
        push_any(qb, "c.remote_policy", v);
    }
    if !q.company.is_empty() && skip != Some(Dim::Company) {
        push_any(qb, "c.company_slug", q.company.clone());
    }
    if !q.category.is_empty() && skip != Some(Dim::Category) {
        push_any(qb, "c.category", q.category.clone());
    }
    if let Some(min) = q.salary_min {
        qb.push(" AND (c.salary_min IS NOT NULL OR c.salary_max IS NOT NULL) AND coalesce(c.salary_max, c.salary_min) >= ")
            .push_bind(min);
    }
    if let Some(days) = q.posted_within_days {
        qb.push(" AND c.published_at >= now() - make_interval(days => ")
            .push_bind(days as i32)
            .push(")");
    }
}

/// Pushes ` AND col = v` for one value (a btree on `(col, published_at)` then yields newest
/// first without sorting) or ` AND col = ANY(values)` for several.
fn push_any(qb: &mut QueryBuilder<'_, Postgres>, col: &str, mut values: Vec<String>) {
    if values.len() == 1 {
        qb.push(format!(" AND {col} = "))
            .push_bind(values.pop().unwrap_or_default());
    } else {
        qb.push(format!(" AND {col} = ANY("))
            .push_bind(values)
            .push(")");
    }
}

/// Company name and slug as shown on a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyRef {
    pub slug: String,
    pub name: String,
}

/// A shown salary range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Salary {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub currency: String,
    pub period: SalaryPeriod,
}

/// A job in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSummary {
    pub id: Uuid,
    pub title: String,
    pub company: CompanyRef,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    pub salary: Option<Salary>,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the posting last changed (sitemap `lastmod`, feed dates).
    pub updated_at: DateTime<Utc>,
    /// Plain-text description, cut to a short snippet for lists and feeds.
    pub snippet: String,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    job_id: Uuid,
    title: String,
    company_slug: String,
    company_name: String,
    location: String,
    remote_policy: RemotePolicy,
    job_type: JobType,
    category: String,
    salary_min: Option<Decimal>,
    salary_max: Option<Decimal>,
    salary_currency: Option<String>,
    salary_period: Option<SalaryPeriod>,
    published_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    posting_updated_at: DateTime<Utc>,
    snippet: String,
}

/// The columns of a result row (alias `c`); the snippet is stored in the row (migration 0044).
const SUMMARY_COLUMNS: &str = "c.job_id, c.title, c.company_slug, c.company_name, c.location, \
    c.remote_policy, c.job_type, c.category, c.salary_min, c.salary_max, c.salary_currency, \
    c.salary_period, c.published_at, c.expires_at, c.posting_updated_at, c.snippet";

fn salary(
    min: Option<Decimal>,
    max: Option<Decimal>,
    currency: Option<String>,
    period: Option<SalaryPeriod>,
) -> Option<Salary> {
    match (currency, period) {
        (Some(currency), Some(period)) if min.is_some() || max.is_some() => Some(Salary {
            min,
            max,
            currency,
            period,
        }),
        _ => None,
    }
}

impl From<SummaryRow> for JobSummary {
    fn from(r: SummaryRow) -> Self {
        JobSummary {
            id: r.job_id,
            title: r.title,
            company: CompanyRef {
                slug: r.company_slug,
                name: r.company_name,
            },
            location: r.location,
            remote_policy: r.remote_policy,
            job_type: r.job_type,
            category: r.category,
            salary: salary(
                r.salary_min,
                r.salary_max,
                r.salary_currency,
                r.salary_period,
            ),
            published_at: r.published_at,
            expires_at: r.expires_at,
            updated_at: r.posting_updated_at,
            snippet: r.snippet,
        }
    }
}

/// One page of jobs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobPage {
    /// Matching jobs: exact when `count_exact`, else an estimate.
    pub count: i64,
    pub count_exact: bool,
    pub results: Vec<JobSummary>,
    pub page: u32,
    pub page_size: u32,
    /// How many of the matches can be paged through ([`MATCH_CAP`], [`SEARCH_CAP`] with `q`).
    pub window: i64,
}

impl JobPage {
    /// Whether a next page exists (within the pageable window).
    pub fn has_next(&self) -> bool {
        let seen = i64::from(self.page) * i64::from(self.page_size);
        seen < self.count.min(self.window)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    /// Number of pages a client can reach.
    pub fn page_count(&self) -> u32 {
        let reachable = self.count.clamp(0, self.window);
        let size = i64::from(self.page_size.max(1));
        u32::try_from((reachable + size - 1) / size).unwrap_or(u32::MAX)
    }
}

/// The title expression covered by the title search index (migration 0041).
const TITLE_TSV: &str = "to_tsvector('english', c.title)";

/// Pages deeper than this offset select ids first and join the page's rows afterwards, so the
/// skipped rows are read from an index only.
const DEFERRED_JOIN_OFFSET: i64 = 200;

/// Jobs matching `q`, one page, in `q`'s ordering.
///
/// Statements whose best plan depends on their values (terms, filters) are not kept prepared:
/// each is planned for its own values, as a generic plan of a term query would assume an average
/// term and walk a million rows for a rare one.
///
/// With `q` and relevance ordering, jobs whose title matches every term come first, then the
/// other matches (company, location, description), newest first within each: each tier is one
/// indexed query (a newest-first walk for common terms, the GIN index for rare ones), so a page
/// costs about the same whether a term matches ten jobs or a hundred thousand.
pub async fn search_jobs(pool: &PgPool, agg: &Aggregates, q: &JobQuery) -> sqlx::Result<JobPage> {
    let q = &resolve_location(pool, q).await?;
    let ordering = q.effective_ordering();
    let size = i64::from(q.page_size);
    let offset = q.offset();
    // Whether the rows come from a capped match set (then a short page does not prove the end).
    let mut capped = false;
    // The number of matches, when finding the page counted them.
    let mut known_total: Option<i64> = None;
    let mut window = q.window();
    let results: Vec<SummaryRow> = match &q.q {
        Some(_) if ordering == Ordering::Relevance => {
            let (rows, total) = relevance_page(pool, agg, q, size, offset, &mut window).await?;
            known_total = total;
            rows
        }
        // Newest first with a filter the btree walks cannot answer (location, salary): a bounded
        // walk, else the match set from the bitmap indexes.
        None if ordering == Ordering::Newest
            && (q.location.is_some() || q.salary_min.is_some())
            && offset + size <= SEARCH_CAP =>
        {
            let (rows, total) = newest_page(pool, agg, q, Tier::All, size, offset).await?;
            known_total = total.filter(|n| *n < SEARCH_CAP);
            rows
        }
        Some(_) => {
            capped = true;
            // Other orderings of a term query sort a capped match set, taken from the GIN index
            // (MATERIALIZED keeps the planner from walking a btree hoping to meet rare matches),
            // and join back only the page's rows.
            let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(
                "WITH m AS MATERIALIZED (SELECT c.job_id, c.published_at, c.salary_min, \
                 c.salary_max FROM public.job_catalog c WHERE ",
            );
            qb.push(VISIBLE);
            push_filters(&mut qb, q, None);
            qb.push(" LIMIT ").push_bind(SEARCH_CAP);
            qb.push("), p AS (SELECT * FROM m")
                .push(ordering.order_by("m"));
            push_page_rows(&mut qb, ordering, size, offset, "");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(pool)
                .await?
        }
        None if offset >= DEFERRED_JOIN_OFFSET => {
            // Only the sort keys, so that a newest-first walk is an index-only scan.
            let keys = match ordering {
                Ordering::Newest | Ordering::Oldest | Ordering::Relevance => {
                    "c.job_id, c.published_at"
                }
                Ordering::SalaryMaxDesc => "c.job_id, c.published_at, c.salary_max",
                Ordering::SalaryMinAsc => "c.job_id, c.published_at, c.salary_min",
            };
            let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(format!(
                "WITH p AS (SELECT {keys} FROM public.job_catalog c WHERE "
            ));
            qb.push(VISIBLE);
            push_filters(&mut qb, q, None);
            qb.push(ordering.order_by("c"));
            push_page_rows(&mut qb, ordering, size, offset, "");
            qb.build_query_as()
                .persistent(!q.has_filters())
                .fetch_all(pool)
                .await?
        }
        None => {
            let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("SELECT ");
            qb.push(SUMMARY_COLUMNS)
                .push(" FROM public.job_catalog c WHERE ")
                .push(VISIBLE);
            push_filters(&mut qb, q, None);
            qb.push(ordering.order_by("c"));
            if q.has_filters() {
                qb.push(" LIMIT ")
                    .push_bind(size)
                    .push(" OFFSET ")
                    .push_bind(offset);
            } else {
                // The unfiltered first pages are the busiest statements: with their bounds
                // written out they have no parameters, so each connection plans them once
                // (a bound LIMIT is planned anew on every execution, which costs as much as
                // running it).
                qb.push(format!(" LIMIT {size} OFFSET {offset}"));
            }
            qb.build_query_as()
                .persistent(!q.has_filters())
                .fetch_all(pool)
                .await?
        }
    };
    let shown = results.len() as i64;
    // A short page (that is not past the end) ends the matches: the count is exact for free.
    let (count, count_exact) = if let Some(n) = known_total {
        (n, true)
    } else if shown < size
        && (shown > 0 || offset == 0)
        && !(capped && offset + shown >= SEARCH_CAP)
        && offset + shown < window
    {
        (offset + shown, true)
    } else {
        let (n, exact) = count_jobs(pool, agg, q).await?;
        (n.max(offset + shown), exact)
    };
    Ok(JobPage {
        count,
        count_exact,
        results: results.into_iter().map(JobSummary::from).collect(),
        page: q.page,
        page_size: q.page_size,
        window,
    })
}

/// Ends a statement whose CTE `p` is being written (its ordering already pushed): pages it, then
/// selects the page's summary rows (and `extra` columns) joined back from the catalog.
fn push_page_rows(
    qb: &mut QueryBuilder<'_, Postgres>,
    ordering: Ordering,
    size: i64,
    offset: i64,
    extra: &str,
) {
    qb.push(" LIMIT ")
        .push_bind(size)
        .push(" OFFSET ")
        .push_bind(offset)
        .push(") SELECT ")
        .push(SUMMARY_COLUMNS)
        .push(extra)
        .push(" FROM p JOIN public.job_catalog c ON c.job_id = p.job_id")
        .push(ordering.order_by("p"));
}

/// `q` without its term query.
fn without_q(q: &JobQuery) -> JobQuery {
    JobQuery {
        q: None,
        ..q.clone()
    }
}

/// How many of the newest visible jobs (with the query's equality filters) a page first walks:
/// a term or location common enough to fill its page there is found fastest that way. Testing a
/// term costs more per row than testing a location.
const TERM_WALK: i64 = 1_000;
const FILTER_WALK: i64 = 2_000;
/// The longest second walk, sized from what the first one found: about 7 ms of testing a term,
/// less than reading a 5,000-row match set (8–10 ms at a million jobs).
const MAX_WALK: i64 = 16_000;
/// The largest set of "matches elsewhere" (the second relevance tier) sorted newest first: beyond,
/// the tier lists the newest of that many of its matches.
const REST_CAP: i64 = 1_000;
/// When a page holds only title matches, the other matches are counted up to this many for an
/// exact total; beyond, the total is the planner's estimate.
const REST_COUNT_CAP: i64 = 500;

/// Which matches a newest-first page lists: all of the query's, or one relevance tier of a term
/// query (titles that match, or matches elsewhere only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    All,
    Title,
    Rest,
}

impl Tier {
    /// How far the tier's page first walks, and how many matches its match set holds at most.
    fn bounds(self) -> (i64, i64) {
        match self {
            Tier::All => (FILTER_WALK, SEARCH_CAP),
            Tier::Title => (TERM_WALK, SEARCH_CAP),
            Tier::Rest => (TERM_WALK, REST_CAP),
        }
    }
}

/// One page of a term query in relevance order: the title tier, then the rest. Also returns the
/// number of matches when both tiers were counted along the way.
async fn relevance_page(
    pool: &PgPool,
    agg: &Aggregates,
    q: &JobQuery,
    size: i64,
    offset: i64,
    window: &mut i64,
) -> sqlx::Result<(Vec<SummaryRow>, Option<i64>)> {
    if offset + size <= SEARCH_CAP
        && !matches_among_newest(pool, q).await?
        && let Some(found) = complete_relevance_page(pool, q, size, offset).await?
    {
        return Ok(found);
    }
    let (mut rows, titles) = newest_page(pool, agg, q, Tier::Title, size, offset).await?;
    let got = rows.len() as i64;
    let titles = match titles {
        // The title tier is complete and counted.
        Some(n) if n < SEARCH_CAP => n,
        // A common title term fills this page (the rest is on later pages), or more titles match
        // than can be paged through (the window ends inside the title tier).
        _ => return Ok((rows, None)),
    };
    if got == size {
        // The page is all titles; count the rest if it is small, for an exact total.
        let rest = match_count(pool, q, Tier::Rest, REST_COUNT_CAP).await?;
        return Ok((rows, (rest < REST_COUNT_CAP).then_some(titles + rest)));
    }
    let (more, others) = newest_page(
        pool,
        agg,
        q,
        Tier::Rest,
        size - got,
        (offset - titles).max(0),
    )
    .await?;
    rows.extend(more);
    match others {
        Some(n) if n < REST_CAP => Ok((rows, Some(titles + n))),
        // The second tier is capped: the pages end with it (the count is estimated).
        _ => {
            *window = (*window).min(titles + REST_CAP);
            Ok((rows, None))
        }
    }
}

/// Whether any of the newest [`TERM_WALK`] visible jobs (passing the walkable filters) matches
/// `q`'s term and filters. Testing the stored search vector costs about a microsecond a job and
/// stops at the first match, so a common term answers at once; a term that none of them matches
/// is rare (or matches nothing), and its page is taken from the GIN indexes instead of walking
/// each relevance tier in turn ([`complete_relevance_page`]). The planner cannot tell: a term
/// absent from its statistics is estimated at thousands of matches.
async fn matches_among_newest(pool: &PgPool, q: &JobQuery) -> sqlx::Result<bool> {
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("SELECT EXISTS (SELECT 1 FROM ");
    push_newest_walk(&mut qb, q, TERM_WALK);
    push_filters(&mut qb, q, None);
    qb.push(")");
    qb.build_query_scalar()
        .persistent(false)
        .fetch_one(pool)
        .await
}

/// One page of a term query in relevance order from its whole match set, and the number of
/// matches; `None` when they are more than [`SEARCH_CAP`] (the term is common after all among
/// older jobs, and the tiers must be paged one by one).
async fn complete_relevance_page(
    pool: &PgPool,
    q: &JobQuery,
    size: i64,
    offset: i64,
) -> sqlx::Result<Option<(Vec<SummaryRow>, Option<i64>)>> {
    let Some(text) = &q.q else {
        return Ok(None);
    };
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(format!(
        "WITH m AS MATERIALIZED (SELECT c.job_id, c.published_at, \
         ({TITLE_TSV} @@ websearch_to_tsquery('english', "
    ));
    qb.push_bind(text.clone())
        .push(")) AS rank FROM public.job_catalog c WHERE ")
        .push(VISIBLE);
    push_filters(&mut qb, q, None);
    qb.push(" LIMIT ").push_bind(SEARCH_CAP);
    let (rows, total) = match_set_page(pool, qb, Ordering::Relevance, size, offset).await?;
    let total = match total {
        Some(n) => n,
        None if offset == 0 => 0,
        None => match_count(pool, q, Tier::All, SEARCH_CAP).await?,
    };
    Ok((total < SEARCH_CAP).then_some((rows, Some(total))))
}

/// Ends a statement whose materialized match set `m` (job ids, publication instants and the
/// ordering's other keys) is being written, and runs it with bitmap scans only: the page of `m`
/// in `ordering`, and the size of `m` (`None` when the page is empty).
async fn match_set_page(
    pool: &PgPool,
    mut qb: QueryBuilder<'_, Postgres>,
    ordering: Ordering,
    size: i64,
    offset: i64,
) -> sqlx::Result<(Vec<SummaryRow>, Option<i64>)> {
    qb.push("), p AS (SELECT * FROM m")
        .push(ordering.order_by("m"));
    push_page_rows(
        &mut qb,
        ordering,
        size,
        offset,
        ", (SELECT count(*) FROM m) AS total",
    );
    let mut tx = bitmaps_only(pool).await?;
    let rows: Vec<CountedRow> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let total = rows.first().map(|r| r.total);
    Ok((rows.into_iter().map(|r| r.row).collect(), total))
}

/// Pushes every filter of `q` and the tier's title test.
fn push_match(qb: &mut QueryBuilder<'_, Postgres>, q: &JobQuery, tier: Tier) {
    push_filters(qb, q, None);
    if let (Some(text), Tier::Title | Tier::Rest) = (&q.q, tier) {
        qb.push(if tier == Tier::Title {
            " AND "
        } else {
            " AND NOT "
        })
        .push(format!("({TITLE_TSV} @@ websearch_to_tsquery('english', "))
        .push_bind(text.clone())
        .push("))");
    }
}

/// The filters a newest-first btree walk answers by itself (equalities and the publication
/// window); the others (terms, location, salary) are tested on the rows it yields.
fn walkable(q: &JobQuery) -> JobQuery {
    JobQuery {
        q: None,
        location: None,
        salary_min: None,
        ..q.clone()
    }
}

/// One newest-first page of `q`'s matches (or a tier's). First a walk over the newest visible
/// jobs passing the walkable filters ([`Tier::bounds`]); failing that, the matches taken from the
/// bitmap indexes (GIN, trigram, btree), capped and counted (the count is returned).
async fn newest_page(
    pool: &PgPool,
    agg: &Aggregates,
    q: &JobQuery,
    tier: Tier,
    size: i64,
    offset: i64,
) -> sqlx::Result<(Vec<SummaryRow>, Option<i64>)> {
    let (first_walk, cap) = tier.bounds();
    let mut walk = first_walk;
    while offset + size <= walk {
        let rows = walk_page(pool, q, tier, walk, size, offset).await?;
        let found = rows.len() as i64;
        if found == size {
            return Ok((rows, None));
        }
        // A first page that found some matches tells how common they are: walk once more, twice
        // as far as should fill the page (so that it rarely falls short), when that is still
        // cheaper than the match set.
        let needed = walk.saturating_mul(size) / found.max(1) * 2;
        if offset > 0 || found == 0 || walk > first_walk || needed > MAX_WALK {
            break;
        }
        // Beyond a tenth of the catalog, a walk is planned as a scan and a sort of all of it
        // (32 ms for 2,000 of 8,000 jobs): a small catalog's matches are cheaper.
        if needed.saturating_mul(10) > stats(pool, agg).await?.total {
            break;
        }
        walk = needed;
    }
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new(
        "WITH m AS MATERIALIZED (SELECT c.job_id, c.published_at FROM public.job_catalog c WHERE ",
    );
    qb.push(VISIBLE);
    push_match(&mut qb, q, tier);
    qb.push(" LIMIT ").push_bind(cap);
    let (rows, total) = match_set_page(pool, qb, Ordering::Newest, size, offset).await?;
    let total = match total {
        Some(n) => n,
        None => match_count(pool, q, tier, cap).await?,
    };
    Ok((rows, Some(total)))
}

/// The page of `q`'s matches (or a tier's) among the newest `walk` visible jobs that pass the
/// walkable filters.
async fn walk_page(
    pool: &PgPool,
    q: &JobQuery,
    tier: Tier,
    walk: i64,
    size: i64,
    offset: i64,
) -> sqlx::Result<Vec<SummaryRow>> {
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("SELECT ");
    qb.push(SUMMARY_COLUMNS).push(" FROM ");
    push_newest_walk(&mut qb, q, walk);
    push_match(&mut qb, q, tier);
    qb.push(Ordering::Newest.order_by("c"))
        .push(" LIMIT ")
        .push_bind(size)
        .push(" OFFSET ")
        .push_bind(offset);
    qb.build_query_as().persistent(false).fetch_all(pool).await
}

/// Pushes the newest `walk` visible jobs that pass `q`'s walkable filters, as the relation `c`,
/// followed by ` WHERE true` for the caller's tests on its rows.
fn push_newest_walk(qb: &mut QueryBuilder<'_, Postgres>, q: &JobQuery, walk: i64) {
    qb.push("(SELECT * FROM public.job_catalog c WHERE ")
        .push(VISIBLE);
    push_filters(qb, &walkable(q), None);
    qb.push(Ordering::Newest.order_by("c"))
        .push(" LIMIT ")
        .push_bind(walk)
        .push(") c WHERE true");
}

/// A transaction whose plans read matches through bitmap index scans only: a match set is then
/// as cheap as it is small, whatever the planner expects of a term or city it has no statistics
/// for (it would otherwise walk the newest-first index hoping to meet a match, through a million
/// rows when there is none). Enough memory keeps the bitmaps exact, so that two large bitmaps
/// whose intersection is empty read no rows at all.
async fn bitmaps_only(pool: &PgPool) -> sqlx::Result<sqlx::Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "SELECT set_config('enable_indexscan', 'off', true),
                set_config('enable_indexonlyscan', 'off', true),
                set_config('enable_seqscan', 'off', true),
                set_config('work_mem', '32MB', true)",
    )
    .execute(&mut *tx)
    .await?;
    Ok(tx)
}

/// `q`'s matches (or a tier's), counted up to `cap` from the bitmap indexes.
async fn match_count(pool: &PgPool, q: &JobQuery, tier: Tier, cap: i64) -> sqlx::Result<i64> {
    let mut qb: QueryBuilder<'_, Postgres> =
        QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM public.job_catalog c WHERE ");
    qb.push(VISIBLE);
    push_match(&mut qb, q, tier);
    qb.push(" LIMIT ").push_bind(cap).push(") m");
    let mut tx = bitmaps_only(pool).await?;
    let n = qb
        .build_query_scalar()
        .persistent(false)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    row: SummaryRow,
    total: i64,
}

/// The number of jobs matching `q` and whether it is exact (see the module docs).
pub async fn count_jobs(
    pool: &PgPool,
    agg: &Aggregates,
    q: &JobQuery,
) -> sqlx::Result<(i64, bool)> {
    let q = &resolve_location(pool, q).await?;
    if !q.has_filters() {
        let stats = stats(pool, agg).await?;
        if stats.total > COUNT_CAP {
            return Ok((stats.total, true));
        }
    } else {
        // Ask the planner first: counting a large match set is what a request cannot afford.
        // An estimate is reused for a few seconds (it is flagged as one); an exact count never.
        let estimate = agg
            .estimates
            .get_or_fill(aggregate_key(q), async {
                let n = estimate_jobs(pool, q).await?;
                Ok((n, n > COUNT_CAP))
            })
            .await?;
        if estimate > COUNT_CAP {
            return Ok((estimate, false));
        }
    }
    let capped: i64 = if q.has_filters() {
        // Few matches are expected: reading them through the bitmap indexes is as cheap as they
        // are few, whatever the planner guesses.
        match_count(pool, q, Tier::All, EXACT_COUNT_CAP + 1).await?
    } else {
        sqlx::query_scalar(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM public.job_catalog c WHERE {VISIBLE} LIMIT $1) s"
        ))
        .bind(EXACT_COUNT_CAP + 1)
        .fetch_one(pool)
        .await?
    };
    if capped <= EXACT_COUNT_CAP {
        return Ok((capped, true));
    }
    if !q.has_filters() {
        // Only reached while the statistics still describe a smaller catalog.
        return Ok((refresh_stats(pool, agg).await?.total, true));
    }
    // The planner underestimated; the capped count is a floor.
    Ok((capped, false))
}

/// The planner's estimate of the jobs matching `q` (no rows are read).
async fn estimate_jobs(pool: &PgPool, q: &JobQuery) -> sqlx::Result<i64> {
    let mut qb: QueryBuilder<'_, Postgres> =
        QueryBuilder::new("EXPLAIN (FORMAT JSON) SELECT 1 FROM public.job_catalog c WHERE ");
    qb.push(VISIBLE);
    push_filters(&mut qb, q, None);
    let plan: serde_json::Value = qb
        .build_query_scalar()
        .persistent(false)
        .fetch_one(pool)
        .await?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// The newest `limit` jobs matching `q` (RSS feed), ignoring its paging and ordering.
pub async fn newest(pool: &PgPool, q: &JobQuery, limit: u32) -> sqlx::Result<Vec<JobSummary>> {
    let q = &resolve_location(pool, q).await?;
    let q = JobQuery {
        ordering: Some(Ordering::Newest),
        page: 1,
        page_size: limit.clamp(1, MAX_PAGE_SIZE),
        ..q.clone()
    };
    let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("");
    if let Some(text) = &q.q {
        qb.push("WITH m AS MATERIALIZED (SELECT c.job_id FROM public.job_catalog c WHERE ")
            .push(VISIBLE)
            .push(" AND c.search @@ websearch_to_tsquery('english', ")
            .push_bind(text.clone())
            .push(") LIMIT ")
            .push_bind(SEARCH_CAP)
            .push(") SELECT ")
            .push(SUMMARY_COLUMNS)
            .push(" FROM m JOIN public.job_catalog c ON c.job_id = m.job_id WHERE true");
        push_filters(&mut qb, &without_q(&q), None);
    } else {
        qb.push("SELECT ")
            .push(SUMMARY_COLUMNS)
            .push(" FROM public.job_catalog c WHERE ")
            .push(VISIBLE);
        push_filters(&mut qb, &q, None);
    }
    qb.push(Ordering::Newest.order_by("c"))
        .push(" LIMIT ")
        .push_bind(i64::from(q.page_size));
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(JobSummary::from).collect())
}

/// One value of a facet with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    /// Display name (company facet only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    pub count: i64,
}

/// Facet counts. Each facet applies every other filter but not its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facets {
    pub job_type: Vec<FacetValue>,
    pub remote_policy: Vec<FacetValue>,
    pub company: Vec<FacetValue>,
    pub location: Vec<FacetValue>,
    pub category: Vec<FacetValue>,
    /// False when a facet was counted over a sample of [`FACET_CAP`] matching jobs.
    #[serde(default)]
    pub exact: bool,
}

#[derive(sqlx::FromRow)]
struct FacetRow {
    dim: String,
    value: String,
    label: String,
    n: i64,
}

const DIMS: [(Dim, &str, &str, &str); 5] = [
    (Dim::JobType, "job_type", "c.job_type", "''"),
    (Dim::RemotePolicy, "remote_policy", "c.remote_policy", "''"),
    (Dim::Company, "company", "c.company_slug", "c.company_name"),
    (Dim::Location, "location", "c.location", "''"),
    (Dim::Category, "category", "c.category", "''"),
];

/// Whether `q` filters on anything other than `dim`.
fn has_other_filters(q: &JobQuery, dim: Dim) -> bool {
    let stripped = JobQuery {
        job_type: if dim == Dim::JobType {
            vec![]
        } else {
            q.job_type.clone()
        },
        remote_policy: if dim == Dim::RemotePolicy {
            vec![]
        } else {
            q.remote_policy.clone()
        },
        company: if dim == Dim::Company {
            vec![]
        } else {
            q.company.clone()
        },
        location: if dim == Dim::Location {
            None
        } else {
            q.location.clone()
        },
        category: if dim == Dim::Category {
            vec![]
        } else {
            q.category.clone()
        },
        ..q.clone()
    };
    stripped.has_filters()
}

/// Facet counts for `q` (its paging and ordering are ignored).
pub async fn facets(pool: &PgPool, agg: &Aggregates, q: &JobQuery) -> sqlx::Result<Facets> {
    agg.facets
        .get_or_fill(aggregate_key(q), async {
            let out = count_facets(pool, agg, q).await?;
            let sampled = !out.exact;
            Ok((out, sampled))
        })
        .await
}

/// The cache key of an aggregate of `q`'s matches: its filters.
fn aggregate_key(q: &JobQuery) -> String {
    JobQuery {
        ordering: None,
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
        ..q.clone()
    }
    .to_query_string(None)
}

async fn count_facets(pool: &PgPool, agg: &Aggregates, q: &JobQuery) -> sqlx::Result<Facets> {
    let q = &resolve_location(pool, q).await?;
    // On a large catalog, a facet whose only filter is its own is the unfiltered facet:
    // take it from the precomputed statistics instead of counting.
    let stats = stats(pool, agg).await?;
    let large = stats.total > FACET_CAP;
    let live: Vec<_> = DIMS
        .iter()
        .filter(|(dim, ..)| !large || has_other_filters(q, *dim))
        .collect();
    // One statement: per dimension, the jobs matching every other filter, capped, grouped. A
    // term query's match set is taken once (capped) and the facets are counted inside it.
    let mut by_dim: BTreeMap<String, Vec<FacetValue>> = BTreeMap::new();
    let mut sampled = false;
    if !live.is_empty() {
        let mut qb: QueryBuilder<'_, Postgres> = QueryBuilder::new("");
        let inner = if let Some(text) = &q.q {
            qb.push(
                "WITH m AS MATERIALIZED (SELECT c.job_type, c.remote_policy, c.company_slug, \
                 c.company_name, c.location, c.category FROM public.job_catalog c WHERE ",
            )
            .push(VISIBLE)
            .push(" AND c.search @@ websearch_to_tsquery('english', ")
            .push_bind(text.clone())
            .push(")");
            let rest = JobQuery {
                q: None,
                location: None,
                job_type: vec![],
                remote_policy: vec![],
                company: vec![],
                category: vec![],
                ..q.clone()
            };
            push_filters(&mut qb, &rest, None);
            qb.push(" LIMIT ").push_bind(FACET_CAP).push(") ");
            sampled = true;
            Some(JobQuery {
                q: None,
                salary_min: None,
                posted_within_days: None,
                ..q.clone()
            })
        } else {
            None
        };
        for (i, (dim, name, col, label)) in live.iter().enumerate() {
            if i > 0 {
                qb.push(" UNION ALL ");
            }
            qb.push(format!(
                "(SELECT '{name}'::text AS dim, s.v AS value, max(s.l) AS label, count(*) AS n \
                 FROM (SELECT {col} AS v, {label} AS l FROM "
            ));
            match &inner {
                Some(rest) => {
                    qb.push("m c WHERE true");
                    push_filters(&mut qb, rest, Some(*dim));
                }
                None => {
                    qb.push("public.job_catalog c WHERE ").push(VISIBLE);
                    push_filters(&mut qb, q, Some(*dim));
                }
            }
            qb.push(" LIMIT ")
                .push_bind(FACET_CAP + 1)
                .push(") s GROUP BY s.v)");
        }
        if inner.is_some() {
            qb.push(" UNION ALL (SELECT '_m'::text, ''::text, ''::text, count(*) FROM m)");
        }
        let rows: Vec<FacetRow> = qb
            .build_query_as()
            .persistent(false)
            .fetch_all(pool)
            .await?;
        for r in rows {
            by_dim.entry(r.dim).or_default().push(FacetValue {
                value: r.value,
                label: Some(r.label).filter(|l| !l.is_empty()),
                count: r.n,
            });
        }
    }
    let matched: i64 = by_dim
        .remove("_m")
        .and_then(|v| v.first().map(|f| f.count))
        .unwrap_or(0);
    let mut out = Facets {
        exact: true,
        ..Facets::default()
    };
    for (dim, name, _, _) in DIMS {
        let mut values = if live.iter().any(|(d, ..)| *d == dim) {
            let values = by_dim.remove(name).unwrap_or_default();
            let n: i64 = values.iter().map(|v| v.count).sum();
            if (sampled && matched >= FACET_CAP) || (!sampled && n > FACET_CAP) {
                out.exact = false;
            }
            values
        } else {
            facet_of(&stats.facets, dim).clone()
        };
        values.retain(|v| !v.value.is_empty());
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        if matches!(dim, Dim::Company | Dim::Location | Dim::Category) {
            values.truncate(FACET_TOP);
        }
        *facet_of_mut(&mut out, dim) = values;
    }
    Ok(out)
}

fn facet_of(f: &Facets, dim: Dim) -> &Vec<FacetValue> {
    match dim {
        Dim::JobType => &f.job_type,
        Dim::RemotePolicy => &f.remote_policy,
        Dim::Company => &f.company,
        Dim::Location => &f.location,
        Dim::Category => &f.category,
    }
}

fn facet_of_mut(f: &mut Facets, dim: Dim) -> &mut Vec<FacetValue> {
    match dim {
        Dim::JobType => &mut f.job_type,
        Dim::RemotePolicy => &mut f.remote_policy,
        Dim::Company => &mut f.company,
        Dim::Location => &mut f.location,
        Dim::Category => &mut f.category,
    }
}

/// Exact totals of the unfiltered catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogStats {
    pub total: i64,
    pub facets: Facets,
    /// The last job id of each full [`SITEMAP_SHARD_SIZE`] shard.
    pub sitemap_bounds: Vec<Uuid>,
    pub computed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct StatsRow {
    total: i64,
    facets: sqlx::types::Json<Facets>,
    sitemap_bounds: Vec<Uuid>,
    computed_at: DateTime<Utc>,
}

/// The stored unfiltered statistics, recomputed when missing or older than
/// [`STATS_MAX_AGE_SECS`].
pub async fn stats(pool: &PgPool, agg: &Aggregates) -> sqlx::Result<CatalogStats> {
    if let Some(s) = agg.stats().await {
        return Ok(s);
    }
    let row: Option<StatsRow> = sqlx::query_as(
        "SELECT total, facets, sitemap_bounds, computed_at FROM public.catalog_stats
          WHERE id = 1 AND computed_at > now() - make_interval(secs => $1)",
    )
    .bind(STATS_MAX_AGE_SECS as f64)
    .fetch_optional(pool)
    .await?;
    let stats = match row {
        Some(r) => CatalogStats {
            total: r.total,
            facets: r.facets.0,
            sitemap_bounds: r.sitemap_bounds,
            computed_at: r.computed_at,
        },
        None => return refresh_stats(pool, agg).await,
    };
    remember_stats(agg, &stats).await;
    Ok(stats)
}

/// Keeps the statistics of a large catalog in process for a few seconds (a small one is counted
/// live anyway, and must see every change at once).
async fn remember_stats(agg: &Aggregates, stats: &CatalogStats) {
    agg.remember_stats(stats, stats.total > FACET_CAP).await;
}

/// Recomputes `public.catalog_stats` (one pass over the visible catalog). The scheduler calls
/// this every minute so that requests never have to.
pub async fn refresh_stats(pool: &PgPool, agg: &Aggregates) -> sqlx::Result<CatalogStats> {
    let rows: Vec<FacetRow> = sqlx::query_as(&format!(
        "SELECT CASE WHEN GROUPING(c.job_type) = 0 THEN 'job_type'
                     WHEN GROUPING(c.remote_policy) = 0 THEN 'remote_policy'
                     WHEN GROUPING(c.company_slug) = 0 THEN 'company'
                     WHEN GROUPING(c.location) = 0 THEN 'location'
                     WHEN GROUPING(c.category) = 0 THEN 'category'
                     ELSE 'total' END AS dim,
                coalesce(c.job_type, c.remote_policy, c.company_slug, c.location, c.category, '')
                    AS value,
                CASE WHEN GROUPING(c.company_slug) = 0 THEN max(c.company_name) ELSE '' END
                    AS label,
                count(*) AS n
           FROM public.job_catalog c WHERE {VISIBLE}
          GROUP BY GROUPING SETS ((c.job_type), (c.remote_policy), (c.company_slug),
                                  (c.location), (c.category), ())"
    ))
    .fetch_all(pool)
    .await?;
    let mut facets = Facets {
        exact: true,
        ..Facets::default()
    };
    let mut total = 0;
    for r in rows {
        let dim = match r.dim.as_str() {
            "job_type" => Dim::JobType,
            "remote_policy" => Dim::RemotePolicy,
            "company" => Dim::Company,
            "location" => Dim::Location,
            "category" => Dim::Category,
            _ => {
                total = r.n;
                continue;
            }
        };
        facet_of_mut(&mut facets, dim).push(FacetValue {
            value: r.value,
            label: Some(r.label).filter(|l| !l.is_empty()),
            count: r.n,
        });
    }
    for (dim, ..) in DIMS {
        let v = facet_of_mut(&mut facets, dim);
        v.retain(|v| !v.value.is_empty());
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        if matches!(dim, Dim::Company | Dim::Location | Dim::Category) {
            v.truncate(FACET_TOP);
        }
    }
    let sitemap_bounds = shard_bounds(pool, SITEMAP_SHARD_SIZE).await?;
    let computed_at: DateTime<Utc> = sqlx::query_scalar(
        "INSERT INTO public.catalog_stats (id, total, facets, sitemap_bounds, computed_at)
         VALUES (1, $1, $2, $3, now())
         ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, facets = EXCLUDED.facets,
                                        sitemap_bounds = EXCLUDED.sitemap_bounds,
                                        computed_at = EXCLUDED.computed_at
         RETURNING computed_at",
    )
    .bind(total)
    .bind(sqlx::types::Json(&facets))
    .bind(&sitemap_bounds)
    .fetch_one(pool)
    .await?;
    let stats = CatalogStats {
        total,
        facets,
        sitemap_bounds,
        computed_at,
    };
    remember_stats(agg, &stats).await;
    Ok(stats)
}

/// The company of a job detail, with its public profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyBrief {
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub website: Option<String>,
}

/// One public job with everything its page and the apply form need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobDetail {
    #[serde(flatten)]
    pub summary: JobSummary,
    /// Owning tenant (never sent to clients; the intake uses it).
    #[serde(skip)]
    pub tenant_id: Uuid,
    pub company_profile: CompanyBrief,
    /// Sanitized on write.
    pub description_html: String,
    pub application_form: ApplicationForm,
    pub consent_text: String,
    pub consent_version: i32,
    pub brand_color: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    tenant_id: Uuid,
    description_html: String,
    application_form: sqlx::types::Json<ApplicationForm>,
    logo_url: Option<String>,
    website: Option<String>,
    brand_color: Option<String>,
    consent_text: Option<String>,
    consent_version: Option<i32>,
}

/// The public job `id`, or `None` when it is not (or no longer, or not yet) public.
pub async fn get_job(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<JobDetail>> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS}, c.tenant_id, c.description_html, c.application_form, p.logo_url, p.website, p.brand_color, p.consent_text,
                p.consent_version
           FROM public.job_catalog c
           LEFT JOIN public.company_profiles p ON p.tenant_id = c.tenant_id
          WHERE c.job_id = $1 AND {VISIBLE}"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        let summary = JobSummary::from(r.summary);
        JobDetail {
            company_profile: CompanyBrief {
                slug: summary.company.slug.clone(),
                name: summary.company.name.clone(),
                logo_url: r.logo_url,
                website: r.website,
            },
            summary,
            tenant_id: r.tenant_id,
            description_html: r.description_html,
            application_form: r.application_form.0,
            consent_text: r
                .consent_text
                .unwrap_or_else(|| crate::tenancy::DEFAULT_CONSENT_TEXT.to_string()),
            consent_version: r.consent_version.unwrap_or(1),
            brand_color: r.brand_color,
        }
    }))
}

/// A company as the public directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CompanyProfile {
    #[serde(skip)]
    pub tenant_id: Uuid,
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// Sanitized HTML.
    pub description: String,
    pub logo_url: Option<String>,
    pub website: Option<String>,
    pub brand_color: Option<String>,
    /// Jobs a candidate can see right now.
    pub open_jobs: i64,
}

/// A page of companies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyPage {
    pub count: i64,
    pub results: Vec<CompanyProfile>,
    pub page: u32,
    pub page_size: u32,
}

impl CompanyPage {
    pub fn has_next(&self) -> bool {
        i64::from(self.page) * i64::from(self.page_size) < self.count
    }
}

const COMPANY_SELECT: &str = "SELECT t.id AS tenant_id, t.slug, t.name,
        coalesce(p.tagline, '') AS tagline, coalesce(p.description_html, '') AS description,
        p.logo_url, p.website, p.brand_color,
        (SELECT count(*) FROM public.job_catalog c
          WHERE c.tenant_id = t.id AND c.published_at <= now()
            AND (c.expires_at IS NULL OR c.expires_at > now())) AS open_jobs
   FROM public.tenants t LEFT JOIN public.company_profiles p ON p.tenant_id = t.id
  WHERE t.status = 'active'";

/// Active companies by name, one page (`page` from 1).
pub async fn list_companies(pool: &PgPool, page: u32, page_size: u32) -> sqlx::Result<CompanyPage> {
    let page = page.max(1);
    let page_size = page_size.clamp(1, MAX_PAGE_SIZE);
    let results: Vec<CompanyProfile> = sqlx::query_as(&format!(
        "{COMPANY_SELECT} ORDER BY lower(t.name), t.slug LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(page_size))
    .bind(i64::from(page - 1) * i64::from(page_size))
    .fetch_all(pool)
    .await?;
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM public.tenants WHERE status = 'active'")
            .fetch_one(pool)
            .await?;
    Ok(CompanyPage {
        count,
        results,
        page,
        page_size,
    })
}

/// An active company by slug.
pub async fn get_company(pool: &PgPool, slug: &str) -> sqlx::Result<Option<CompanyProfile>> {
    sqlx::query_as(&format!("{COMPANY_SELECT} AND t.slug = $1"))
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// An active company by tenant id (e.g. the tenant owning the request's host).
pub async fn get_company_by_tenant(
    pool: &PgPool,
    tenant_id: Uuid,
) -> sqlx::Result<Option<CompanyProfile>> {
    sqlx::query_as(&format!("{COMPANY_SELECT} AND t.id = $1"))
        .bind(tenant_id)
        .fetch_optional(pool)
        .await
}

/// One sitemap URL's data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SitemapEntry {
    pub job_id: Uuid,
    pub lastmod: DateTime<Utc>,
}

/// Visible jobs by id after `after` (keyset over the primary key), at most `limit`.
pub async fn sitemap_page(
    pool: &PgPool,
    after: Option<Uuid>,
    limit: u32,
) -> sqlx::Result<Vec<SitemapEntry>> {
    sqlx::query_as(&format!(
        "SELECT c.job_id, c.posting_updated_at AS lastmod FROM public.job_catalog c
          WHERE {VISIBLE} AND ($1::uuid IS NULL OR c.job_id > $1)
          ORDER BY c.job_id LIMIT $2"
    ))
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
}

/// URLs per sitemap shard (the sitemap protocol allows 50,000).
pub const SITEMAP_SHARD_SIZE: u32 = 50_000;

/// The last job id of every full shard of `size` visible jobs, in id order (one index pass).
async fn shard_bounds(pool: &PgPool, size: u32) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(&format!(
        "SELECT job_id FROM (SELECT c.job_id, row_number() OVER (ORDER BY c.job_id) AS n
                               FROM public.job_catalog c WHERE {VISIBLE}) s
          WHERE n % $1 = 0 ORDER BY job_id"
    ))
    .bind(i64::from(size.max(1)))
    .fetch_all(pool)
    .await
}

/// Where each sitemap shard of `shard_size` starts: `None` for the first shard, else the last id
/// of the previous shard (pass it as `after` to [`sitemap_page`]). For [`SITEMAP_SHARD_SIZE`] the
/// bounds come from the precomputed statistics, so a sitemap request never walks the catalog.
pub async fn sitemap_shards(
    pool: &PgPool,
    agg: &Aggregates,
    shard_size: u32,
) -> sqlx::Result<Vec<Option<Uuid>>> {
    let stats = stats(pool, agg).await?;
    let bounds = if shard_size == SITEMAP_SHARD_SIZE {
        stats.sitemap_bounds
    } else {
        shard_bounds(pool, shard_size).await?
    };
    let total = visible_count(pool, agg).await?;
    let size = i64::from(shard_size.max(1));
    let mut starts = vec![None];
    for (i, b) in bounds.into_iter().enumerate() {
        if (i as i64 + 1) * size < total {
            starts.push(Some(b));
        }
    }
    Ok(starts)
}

/// The exact number of visible jobs (sitemaps; uses the precomputed stats when large).
pub async fn visible_count(pool: &PgPool, agg: &Aggregates) -> sqlx::Result<i64> {
    count_jobs(pool, agg, &JobQuery::default())
        .await
        .map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_page_one_of_twenty_newest_first() {
        let q = JobQuery::from_pairs(&[]).unwrap();
        assert_eq!((q.page, q.page_size), (1, 20));
        assert_eq!(q.effective_ordering(), Ordering::Newest);
        assert!(!q.has_filters());
        let q = JobQuery::from_pairs(&pairs(&[("q", "rust")])).unwrap();
        assert_eq!(q.effective_ordering(), Ordering::Relevance);
    }

    #[test]
    fn repeated_parameters_are_collected() {
        let q = JobQuery::from_pairs(&pairs(&[
            ("job_type", "full_time"),
            ("job_type", "contract"),
            ("remote_policy", "remote"),
            ("company", "acme"),
            ("company", "globex"),
            ("utm_source", "ignored"),
            ("location", ""),
        ]))
        .unwrap();
        assert_eq!(q.job_type, vec![JobType::FullTime, JobType::Contract]);
        assert_eq!(q.company, vec!["acme", "globex"]);
        assert_eq!(q.location, None);
        assert_eq!(
            q.to_query_string(Some(2)),
            "job_type=full_time&job_type=contract&remote_policy=remote&company=acme&company=globex&page=2"
        );
    }

    #[test]
    fn every_invalid_parameter_is_named() {
        let errs = JobQuery::from_pairs(&pairs(&[
            ("ordering", "salary; DROP TABLE x"),
            ("page_size", "0"),
            ("page", "-1"),
            ("job_type", "bogus"),
            ("remote_policy", "moon"),
            ("salary_min", "lots"),
            ("posted_within_days", "0"),
            ("company", "Not A Slug"),
            ("q", &"x".repeat(201)),
        ]))
        .unwrap_err();
        for field in [
            "ordering",
            "page_size",
            "page",
            "job_type",
            "remote_policy",
            "salary_min",
            "posted_within_days",
            "company",
            "q",
        ] {
            assert!(errs.get(field).is_some(), "{field} not named: {errs:?}");
        }
        let errs = JobQuery::from_pairs(&pairs(&[("page_size", "101")])).unwrap_err();
        assert!(errs.get("page_size").is_some());
        let errs = JobQuery::from_pairs(&pairs(&[("page", "5001")])).unwrap_err();
        assert!(errs.get("page").is_some(), "beyond the pageable window");
        let errs = JobQuery::from_pairs(&pairs(&[("q", "x"), ("page", "251")])).unwrap_err();
        assert!(errs.get("page").is_some(), "beyond a term query's window");
    }

    #[test]
    fn control_characters_are_dropped_from_text() {
        let q = JobQuery::from_pairs(&pairs(&[("q", " rust\0 dev\n ")])).unwrap();
        assert_eq!(q.q.as_deref(), Some("rust dev"));
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
    }

    #[test]
    fn pages_know_their_neighbours() {
        let page = JobPage {
            count: 45,
            count_exact: true,
            results: vec![],
            page: 2,
            page_size: 20,
            window: MATCH_CAP,
        };
        assert!(page.has_next() && page.has_previous());
        assert_eq!(page.page_count(), 3);
        let last = JobPage { page: 3, ..page };
        assert!(!last.has_next());
    }
}
