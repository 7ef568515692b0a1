//! JSON shapes of the public API (DESIGN §6), built from the catalog's domain types plus absolute
//! links. These are the types the OpenAPI document describes.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::applications::form::{self, FormField};
use crate::catalog::query::{
    CompanyPage, CompanyProfile, FacetValue, Facets, JobDetail, JobPage, JobSummary,
};
use crate::postings::model::{JobType, RemotePolicy, SalaryPeriod};

/// A company as shown on a job in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompanyRefDto {
    /// The company's slug (use it for `company=` filters and `companies/{slug}/`).
    pub slug: String,
    pub name: String,
}

/// A shown salary range. Money is a decimal string.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SalaryDto {
    #[schema(value_type = Option<String>, example = "70000.00")]
    pub min: Option<Decimal>,
    #[schema(value_type = Option<String>, example = "90000.00")]
    pub max: Option<Decimal>,
    /// ISO 4217 code.
    #[schema(example = "EUR")]
    pub currency: String,
    pub period: SalaryPeriod,
}

/// A job in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobListItem {
    pub id: Uuid,
    pub title: String,
    pub company: CompanyRefDto,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    /// `null` when the employer does not show the salary.
    pub salary: Option<SalaryDto>,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The job's page on the careers site.
    pub url: String,
    /// The application form on the careers site.
    pub apply_url: String,
}

/// Absolute links, from `CAREERS_PUBLIC_URL`.
#[derive(Debug, Clone)]
pub struct Links<'a> {
    pub base: &'a str,
}

impl Links<'_> {
    pub fn job(&self, id: Uuid) -> String {
        format!("{}/jobs/{id}", self.base)
    }
    pub fn apply(&self, id: Uuid) -> String {
        format!("{}/jobs/{id}/apply", self.base)
    }
    pub fn company(&self, slug: &str) -> String {
        format!("{}/companies/{slug}", self.base)
    }
    pub fn api(&self, path: &str, query: &str) -> String {
        if query.is_empty() {
            format!("{}/api/v1/careers/{path}", self.base)
        } else {
            format!("{}/api/v1/careers/{path}?{query}", self.base)
        }
    }
}

impl JobListItem {
    pub fn from_summary(j: JobSummary, links: &Links<'_>) -> Self {
        JobListItem {
            url: links.job(j.id),
            apply_url: links.apply(j.id),
            id: j.id,
            title: j.title,
            company: CompanyRefDto {
                slug: j.company.slug,
                name: j.company.name,
            },
            location: j.location,
            remote_policy: j.remote_policy,
            job_type: j.job_type,
            category: j.category,
            salary: j.salary.map(|s| SalaryDto {
                min: s.min,
                max: s.max,
                currency: s.currency,
                period: s.period,
            }),
            published_at: j.published_at,
            expires_at: j.expires_at,
        }
    }
}

/// A page of jobs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobList {
    /// Number of matching jobs (exact).
    pub count: i64,
    /// Always true (`count` is exact); kept for clients written against estimates.
    pub count_exact: bool,
    /// Absolute URL of the next page (with a `cursor`), or `null` on the last page.
    pub next: Option<String>,
    /// Absolute URL of the previous page, or `null`.
    pub previous: Option<String>,
    pub results: Vec<JobListItem>,
}

impl JobList {
    pub fn from_page(
        page: JobPage,
        next: Option<String>,
        previous: Option<String>,
        links: &Links<'_>,
    ) -> Self {
        JobList {
            count: page.count,
            count_exact: page.count_exact,
            next,
            previous,
            results: page
                .results
                .into_iter()
                .map(|j| JobListItem::from_summary(j, links))
                .collect(),
        }
    }
}

/// The company of a job detail.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobCompanyDto {
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub website: Option<String>,
}

/// The application form of a job.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationFormDto {
    /// Every input in display order: standard fields, the job's custom questions (names start
    /// with `q_`), then `consent`.
    pub fields: Vec<FormFieldDto>,
}

/// One input of an application form.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FormFieldDto {
    pub name: String,
    pub label: String,
    /// `text`, `email`, `tel`, `url`, `textarea`, `file`, `checkbox` or `select`.
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub accept: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub options: Option<Vec<String>>,
}

impl From<FormField> for FormFieldDto {
    fn from(f: FormField) -> Self {
        FormFieldDto {
            name: f.name,
            label: f.label,
            kind: f.kind,
            required: f.required,
            accept: f.accept,
            max_bytes: f.max_bytes,
            options: f.options,
        }
    }
}

/// One job with its description and application form.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobDetailDto {
    pub id: Uuid,
    pub title: String,
    pub company: JobCompanyDto,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    pub salary: Option<SalaryDto>,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub url: String,
    pub apply_url: String,
    /// Sanitized HTML (an allow-list of formatting tags; links are `nofollow`).
    pub description_html: String,
    pub application_form: ApplicationFormDto,
    /// The consent text a candidate agrees to by applying (stored with the application).
    pub consent_text: String,
    pub consent_version: i32,
}

impl JobDetailDto {
    pub fn from_detail(d: JobDetail, links: &Links<'_>) -> Self {
        let fields = form::fields(&d.application_form, &d.consent_text)
            .into_iter()
            .map(FormFieldDto::from)
            .collect();
        let item = JobListItem::from_summary(d.summary, links);
        JobDetailDto {
            id: item.id,
            title: item.title,
            company: JobCompanyDto {
                slug: d.company_profile.slug,
                name: d.company_profile.name,
                logo_url: d.company_profile.logo_url,
                website: d.company_profile.website,
            },
            location: item.location,
            remote_policy: item.remote_policy,
            job_type: item.job_type,
            category: item.category,
            salary: item.salary,
            published_at: item.published_at,
            expires_at: item.expires_at,
            url: item.url,
            apply_url: item.apply_url,
            description_html: d.description_html,
            application_form: ApplicationFormDto { fields },
            consent_text: d.consent_text,
            consent_version: d.consent_version,
        }
    }
}

/// A facet value and the number of jobs that have it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FacetValueDto {
    pub value: String,
    /// Display name (company facet only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    pub count: i64,
}

/// Facet counts: each facet applies every other filter but not its own. `company`, `location`
/// and `category` list the top 20.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FacetsDto {
    pub job_type: Vec<FacetValueDto>,
    pub remote_policy: Vec<FacetValueDto>,
    pub company: Vec<FacetValueDto>,
    pub location: Vec<FacetValueDto>,
    pub category: Vec<FacetValueDto>,
    /// False when a facet was counted over a sample of 1,000 matching jobs (broad filtered
    /// queries); the unfiltered counts are exact (precomputed, at most a few minutes old).
    pub exact: bool,
}

fn facet_values(v: Vec<FacetValue>) -> Vec<FacetValueDto> {
    v.into_iter()
        .map(|f| FacetValueDto {
            value: f.value,
            label: f.label,
            count: f.count,
        })
        .collect()
}

impl From<Facets> for FacetsDto {
    fn from(f: Facets) -> Self {
        FacetsDto {
            job_type: facet_values(f.job_type),
            remote_policy: facet_values(f.remote_policy),
            company: facet_values(f.company),
            location: facet_values(f.location),
            category: facet_values(f.category),
            exact: f.exact,
        }
    }
}

/// A company and its career page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompanyDto {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// Sanitized HTML.
    pub description: String,
    pub logo_url: Option<String>,
    pub website: Option<String>,
    /// `#rrggbb`.
    pub brand_color: Option<String>,
    /// Jobs a candidate can see right now.
    pub open_jobs: i64,
    /// The company's page on the careers site.
    pub url: String,
}

impl CompanyDto {
    pub fn from_profile(c: CompanyProfile, links: &Links<'_>) -> Self {
        CompanyDto {
            url: links.company(&c.slug),
            slug: c.slug,
            name: c.name,
            tagline: c.tagline,
            description: c.description,
            logo_url: c.logo_url,
            website: c.website,
            brand_color: c.brand_color,
            open_jobs: c.open_jobs,
        }
    }
}

/// A page of companies.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompanyList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<CompanyDto>,
}

impl CompanyList {
    pub fn from_page(
        p: CompanyPage,
        next: Option<String>,
        previous: Option<String>,
        links: &Links<'_>,
    ) -> Self {
        CompanyList {
            count: p.count,
            next,
            previous,
            results: p
                .results
                .into_iter()
                .map(|c| CompanyDto::from_profile(c, links))
                .collect(),
        }
    }
}

/// An application was received.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationReceived {
    pub application_id: Uuid,
    /// Always `received`.
    #[schema(example = "received")]
    pub status: String,
}

/// An application as JSON (no resume; use multipart to attach one). Custom answers are extra
/// properties named like the job's `q_…` form fields (strings, or booleans for checkboxes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationJson {
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    /// An address like `name@example.com`.
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    /// Must be `true`.
    #[schema(value_type = ConsentGiven)]
    pub consent: bool,
    /// Digits, spaces and `+ - ( ) .`.
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(max_length = 20000)]
    pub cover_letter: Option<String>,
    /// A full `https://` address.
    #[schema(max_length = 500)]
    pub linkedin_url: Option<String>,
    /// A full `https://` address.
    #[schema(max_length = 500)]
    pub portfolio_url: Option<String>,
    #[schema(max_length = 200)]
    pub utm_source: Option<String>,
    #[schema(max_length = 200)]
    pub utm_medium: Option<String>,
    #[schema(max_length = 200)]
    pub utm_campaign: Option<String>,
}

/// The consent an application must carry: `true` (documentation type of
/// [`ApplicationJson::consent`]).
pub struct ConsentGiven;

impl utoipa::PartialSchema for ConsentGiven {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Boolean)
            .enum_values(Some([true]))
            .description(Some(
                "Must be `true`: the candidate agrees to the consent text.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ConsentGiven {}

/// An application as `multipart/form-data`: the JSON fields as text parts (`consent=true`), custom
/// answers by field name, and an optional `resume` file part.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationMultipart {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// `true` (or `on`).
    pub consent: String,
    pub phone: Option<String>,
    pub cover_letter: Option<String>,
    pub linkedin_url: Option<String>,
    pub portfolio_url: Option<String>,
    /// PDF, DOC, DOCX (no macros), RTF or plain text, decided by content; at most 10 MiB.
    #[schema(value_type = Option<String>, format = Binary)]
    pub resume: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemDto {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Validation errors: field or parameter name → messages.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// Query parameters of `jobs/` and `facets/` (documentation; parsing is
/// [`crate::catalog::query::JobQuery::from_pairs`]).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters for OpenAPI; parsing is done by hand"
)]
pub struct JobListParams {
    /// Search over title, company, category, location and description, ranked by BM25 (title
    /// strongest), with typo tolerance, prefix matching of the last word and a few synonyms
    /// (web-search syntax: `"exact phrase"`, `or`, `-exclude`). At most 200 characters.
    #[param(max_length = 200, pattern = r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f]*$")]
    q: Option<String>,
    /// Case-insensitive substring of the location.
    #[param(max_length = 200, pattern = r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f]*$")]
    location: Option<String>,
    /// Repeatable (OR).
    #[param(inline)]
    job_type: Option<Vec<JobType>>,
    /// Repeatable (OR).
    #[param(inline)]
    remote_policy: Option<Vec<RemotePolicy>>,
    /// Company slug. Repeatable (OR).
    #[param(value_type = Option<Vec<SlugDoc>>)]
    company: Option<Vec<String>>,
    /// Exact category. Repeatable (OR).
    #[param(value_type = Option<Vec<TextDoc>>)]
    category: Option<Vec<String>>,
    /// Jobs whose shown salary range reaches this yearly amount in `salary_currency` (hourly,
    /// daily, weekly and monthly salaries annualised; other currencies converted at the
    /// operator's reference rates; a currency without a rate never matches).
    #[param(value_type = Option<String>, example = "60000", pattern = r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    salary_min: Option<String>,
    /// ISO 4217 code `salary_min` and the salary orderings compare in (default: the server's,
    /// `EUR` unless configured).
    #[param(value_type = Option<String>, example = "EUR", pattern = "^[A-Za-z]{3}$")]
    salary_currency: Option<String>,
    /// Published within this many days (1–3650).
    #[param(minimum = 1, maximum = 3650)]
    posted_within_days: Option<u32>,
    /// `-published_at` (default), `published_at`, `-salary_max`, `salary_min`, `relevance`
    /// (default when `q` is given).
    #[param(value_type = Option<OrderingDoc>, example = "-published_at")]
    ordering: Option<String>,
    /// Page number from 1. Page numbers reach the first 10,000 results (`page` × `page_size`;
    /// deeper is a 404 that says so: follow the `next` links, whose cursor goes anywhere); a page
    /// past the last one is a 404 too.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
    /// Where a page starts, as given in a `next` link (opaque; keyset paging).
    #[param(pattern = "^[0-9a-fA-F]{64}$")]
    cursor: Option<String>,
}

/// The orderings of `jobs/` (documentation type of its `ordering` parameter).
pub struct OrderingDoc;

impl utoipa::PartialSchema for OrderingDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some([
                "-published_at",
                "published_at",
                "-salary_max",
                "salary_min",
                "relevance",
            ]))
            .into()
    }
}

impl utoipa::ToSchema for OrderingDoc {}

/// Text without control characters (documentation type of free-text filters: a control character
/// anywhere in a query is a 400).
pub struct TextDoc;

impl utoipa::PartialSchema for TextDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f]*$"))
            .into()
    }
}

impl utoipa::ToSchema for TextDoc {}

/// A company slug (documentation type of the `company` filter).
pub struct SlugDoc;

impl utoipa::PartialSchema for SlugDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^([a-z0-9][a-z0-9-]{0,38}[a-z0-9])?$"))
            .into()
    }
}

impl utoipa::ToSchema for SlugDoc {}

/// Paging parameters of `companies/`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters for OpenAPI; parsing is done by hand"
)]
pub struct PageParams {
    /// Page number from 1.
    #[param(minimum = 1, maximum = 100000)]
    page: Option<u32>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
}

/// Parameter of `page/`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters for OpenAPI; parsing is done by hand"
)]
pub struct CompanyParam {
    /// Company slug (a request to a company's own domain may leave it out).
    #[param(required = true, pattern = "^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    company: Option<String>,
}
