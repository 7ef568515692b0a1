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
**Search and counts at scale.** With `q`, `relevance` (the default) lists jobs whose title \
matches every term first, then the other matches, newest first within each. `count` is exact when \
the page is the last one, for the unfiltered list (precomputed, at most a few minutes old) and for \
filtered queries the database expects to match at most 1,000 jobs; otherwise it is the query \
planner's estimate and `count_exact` is false. The first 100,000 results (5,000 with `q`) can be \
paged through: `next` is null at the end of that window and a `page` beyond it is a 400. Facets \
are exact up to 1,000 matching jobs and counted over a 1,000-job sample beyond (`exact: false`, \
reused for up to 30 seconds); a facet filtered only by itself is exact.",
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
