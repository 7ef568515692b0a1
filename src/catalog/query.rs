//! The public catalog's shapes and reads: the job list's parameters ([`JobQuery`]) and results
//! ([`JobSummary`], [`JobPage`], [`Facets`]), a job's detail, companies, and the sitemap's pages.
//! Searching, counting and facets are [`super::search`]'s (the search index, hydrated from the
//! catalog); everything here reads `public.job_catalog` with the visibility rule applied at query
//! time (`published_at <= now()` and not expired; only active tenants' postings are in the
//! catalog).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::projection::ApplicationForm;
use crate::error::FieldErrors;
use crate::postings::model::{JobType, RemotePolicy, SalaryPeriod};

/// How many results page numbers reach (deeper `page`s are a 404 naming the limit; a cursor goes
/// anywhere).
pub const MATCH_CAP: i64 = 10_000;
/// Largest `page` (with a cursor, page numbers keep counting past the pageable window).
pub const MAX_PAGE: u32 = 1_000_000;
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
    /// The currency `salary_min` and the salary orderings compare in (ISO 4217; default: the
    /// server's `CAREERS_DEFAULT_CURRENCY`).
    pub salary_currency: Option<String>,
    pub posted_within_days: Option<u32>,
    /// As given; see [`JobQuery::effective_ordering`].
    pub ordering: Option<Ordering>,
    pub page: u32,
    pub page_size: u32,
    /// A position in the ordering the page starts after (the API's `next` links).
    pub cursor: Option<String>,
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
            salary_currency: None,
            posted_within_days: None,
            ordering: None,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            cursor: None,
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
    "salary_currency",
    "posted_within_days",
    "ordering",
    "page",
    "page_size",
    "cursor",
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
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Result<Self, FieldErrors> {
        let mut q = JobQuery::default();
        let mut errs = FieldErrors::new();
        let mut seen_single: Vec<&str> = Vec::new();
        for (key, raw) in pairs {
            let value = clean_text(raw.as_ref());
            if value.is_empty() {
                continue;
            }
            let key = key.as_ref();
            let single = matches!(
                key,
                "q" | "location"
                    | "salary_min"
                    | "salary_currency"
                    | "cursor"
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
                "salary_currency" => {
                    let code = value.to_uppercase();
                    if super::salary::is_currency_code(&code) {
                        q.salary_currency = Some(code);
                    } else {
                        errs.add(key, "Must be a currency code such as EUR or USD.");
                    }
                }
                "cursor" => {
                    if super::search::Key::decode(&value).is_some() {
                        q.cursor = Some(value);
                    } else {
                        errs.add(
                            key,
                            "Not a cursor from a `next` link; start again from the first page.",
                        );
                    }
                }
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
                    Ok(v) if (1..=MAX_PAGE).contains(&v) => q.page = v,
                    _ => errs.add(key, format!("Must be a whole number from 1 to {MAX_PAGE}.")),
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
        MATCH_CAP
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
        if let Some(v) = &self.salary_currency {
            push("salary_currency", v.clone());
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
pub(crate) struct SummaryRow {
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
pub(crate) const SUMMARY_COLUMNS: &str = "c.job_id, c.title, c.company_slug, c.company_name, c.location, \
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
    /// Matching jobs, exactly.
    pub count: i64,
    pub count_exact: bool,
    pub results: Vec<JobSummary>,
    pub page: u32,
    pub page_size: u32,
    /// How many of the matches can be reached by page number ([`MATCH_CAP`]).
    pub window: i64,
    /// Where the next page starts (keyset), when there is one.
    pub next_cursor: Option<String>,
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
    /// Always true: facets are counted exactly.
    #[serde(default)]
    pub exact: bool,
}

/// What the sitemap index needs of the whole catalog, recomputed by the scheduler every minute
/// ([`refresh_stats`]) so that no request walks a million rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogStats {
    pub total: i64,
    /// The last job id of each full [`SITEMAP_SHARD_SIZE`] shard.
    pub sitemap_bounds: Vec<Uuid>,
    pub computed_at: DateTime<Utc>,
}

/// The stored statistics, recomputed when missing or older than [`STATS_MAX_AGE_SECS`].
pub async fn stats(pool: &PgPool) -> sqlx::Result<CatalogStats> {
    let row: Option<(i64, Vec<Uuid>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT total, sitemap_bounds, computed_at FROM public.catalog_stats
          WHERE id = 1 AND computed_at > now() - make_interval(secs => $1)",
    )
    .bind(STATS_MAX_AGE_SECS as f64)
    .fetch_optional(pool)
    .await?;
    match row {
        Some((total, sitemap_bounds, computed_at)) => Ok(CatalogStats {
            total,
            sitemap_bounds,
            computed_at,
        }),
        None => refresh_stats(pool).await,
    }
}

/// Recomputes `public.catalog_stats` (one pass over the visible catalog's ids).
pub async fn refresh_stats(pool: &PgPool) -> sqlx::Result<CatalogStats> {
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM public.job_catalog c WHERE {VISIBLE}"
    ))
    .fetch_one(pool)
    .await?;
    let sitemap_bounds = shard_bounds(pool, SITEMAP_SHARD_SIZE).await?;
    let computed_at: DateTime<Utc> = sqlx::query_scalar(
        "INSERT INTO public.catalog_stats (id, total, facets, sitemap_bounds, computed_at)
         VALUES (1, $1, '{}', $2, now())
         ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total,
                                        sitemap_bounds = EXCLUDED.sitemap_bounds,
                                        computed_at = EXCLUDED.computed_at
         RETURNING computed_at",
    )
    .bind(total)
    .bind(&sitemap_bounds)
    .fetch_one(pool)
    .await?;
    Ok(CatalogStats {
        total,
        sitemap_bounds,
        computed_at,
    })
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

/// Where each sitemap shard of `shard_size` starts, for a catalog of `total` visible jobs:
/// `None` for the first shard, else the last id of the previous shard (pass it as `after` to
/// [`sitemap_page`]). For [`SITEMAP_SHARD_SIZE`] the bounds come from the precomputed statistics,
/// so a sitemap request never walks the catalog.
pub async fn sitemap_shards(
    pool: &PgPool,
    total: i64,
    shard_size: u32,
) -> sqlx::Result<Vec<Option<Uuid>>> {
    let size = i64::from(shard_size.max(1));
    if total <= size {
        return Ok(vec![None]);
    }
    let bounds = if shard_size == SITEMAP_SHARD_SIZE {
        stats(pool).await?.sitemap_bounds
    } else {
        shard_bounds(pool, shard_size).await?
    };
    let mut starts = vec![None];
    for (i, b) in bounds.into_iter().enumerate() {
        if (i as i64 + 1) * size < total {
            starts.push(Some(b));
        }
    }
    Ok(starts)
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
        let q = JobQuery::from_pairs::<&str, &str>(&[]).unwrap();
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
        // Beyond the pageable window is the search's 404 (it says why), not a parameter error.
        assert!(JobQuery::from_pairs(&pairs(&[("page", "501")])).is_ok());
        let errs = JobQuery::from_pairs(&pairs(&[("cursor", "0123")])).unwrap_err();
        assert!(errs.get("cursor").is_some(), "not a cursor");
        let errs = JobQuery::from_pairs(&pairs(&[("salary_currency", "euro")])).unwrap_err();
        assert!(errs.get("salary_currency").is_some());
    }

    #[test]
    fn control_characters_are_dropped_from_text() {
        let q = JobQuery::from_pairs(&pairs(&[("q", " rust\0 dev\n ")])).unwrap();
        assert_eq!(q.q.as_deref(), Some("rust dev"));
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
            next_cursor: None,
        };
        assert!(page.has_next() && page.has_previous());
        assert_eq!(page.page_count(), 3);
        let last = JobPage { page: 3, ..page };
        assert!(!last.has_next());
    }
}
