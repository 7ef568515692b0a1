//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' annotations
//! and the DTO types.

use axum::Json;
use utoipa::OpenApi;

use super::{companies, dto, facets, jobs, page};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "careers public API",
        version = "1.0.0",
        description = "Public, unauthenticated API of the careers catalog: every open job of every \
company hiring here, and applications into the hiring company's system.\n\n\
**Conventions.** CORS is open to any origin (GET, POST, OPTIONS). GET responses carry `ETag` and \
`Cache-Control: public, max-age=30` and answer `If-None-Match` with 304. Errors are RFC 9457 \
`application/problem+json` objects (`type`, `title`, `status`, `detail`, and `errors`: field or \
parameter name → messages, for validation errors). Money is a decimal string (`\"85000.00\"`); \
times are RFC 3339 UTC. Requests are rate limited per client IP (reads generously, applications \
to 5 per minute by default); a limited request gets 429 with `Retry-After` in seconds.\n\n\
**Search.** `q` is matched by a search engine: BM25 over the title (strongest), company, \
category, location and description (weakest), English stemming, typos forgiven (one edit from 5 \
letters, two from 9, never the first letter), the last word matched as a prefix while it is being \
typed, a few abbreviations expanded (`pm`, `swe`, `dev`, …), `\"phrases\"`, `or` and `-exclusions`; \
`C++`, `C#`, `.NET`, `Node.js` stay words. `relevance` (the default with `q`) adds a small \
recency boost that never lifts a weak match over a strong one. Every ordering is total (ties \
break by job id). `count` and facets are exact (`count_exact` and `exact` are always true). \
`next` links carry a `cursor`: following them visits every job that stays public exactly once, \
however long the walk and while other jobs are published or closed (for `relevance`, as long as \
scores stay put). `page` numbers reach the first 10,000 results (beyond: a 400); a `page` past \
the last one is a 404. `salary_min` compares yearly amounts (hour ×2,080, day ×260, week ×52, \
month ×12) converted to `salary_currency` through the operator's reference rates; jobs in a \
currency without a rate are left out of a salary filter and sort last by salary. Results reflect \
every change committed before the request (this server's index waits up to a second to apply \
them).",
        license(name = "MIT"),
    ),
    paths(
        jobs::list::list_jobs,
        jobs::detail::get_job,
        jobs::apply::apply,
        facets::facets,
        companies::list::list_companies,
        companies::detail::get_company,
        page::career_page,
        openapi_json,
    ),
    components(schemas(
        dto::JobList, dto::JobListItem, dto::JobDetailDto, dto::CompanyRefDto, dto::SalaryDto,
        dto::JobCompanyDto, dto::ApplicationFormDto, dto::FormFieldDto, dto::FacetsDto,
        dto::FacetValueDto, dto::CompanyDto, dto::CompanyList, dto::ApplicationReceived,
        dto::ApplicationJson, dto::ApplicationMultipart, dto::ProblemDto,
    )),
    tags(
        (name = "jobs", description = "Browse and search open jobs"),
        (name = "applications", description = "Apply to a job"),
        (name = "companies", description = "Companies and their career pages"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// This OpenAPI document.
#[utoipa::path(
    get, path = "/api/v1/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
