//! `GET /api/v1/careers/facets/`: facet counts for the job filters.

use axum::Json;
use axum::extract::State;

use crate::api::dto::{FacetsDto, JobListParams, ProblemDto};
use crate::api::extract::JobParams;
use crate::error::AppError;
use crate::state::AppState;

/// Facet counts for the same filters as `jobs/`.
///
/// Each facet applies every other filter but not its own, so a filter menu can show what
/// selecting another value would give. `company`, `location` and `category` list the top 20.
/// Counts are exact up to 1,000 matching jobs and for a facet filtered only by itself
/// (precomputed); broader filtered queries are counted over a 1,000-job sample (`exact: false`,
/// reused for up to 30 seconds).
#[utoipa::path(
    get, path = "/api/v1/careers/facets/", tag = "jobs", operation_id = "job_facets",
    params(JobListParams),
    responses(
        (status = 200, description = "Facet counts", body = FacetsDto,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "An invalid parameter", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn facets(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    JobParams(q): JobParams,
) -> Result<Json<FacetsDto>, AppError> {
    let f = state.search.facets(&state.pool, &q).await?;
    Ok(Json(f.into()))
}
