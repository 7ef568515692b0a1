//! `GET /api/v1/careers/jobs/{id}/`: one public job.

use axum::Json;
use axum::extract::{Path, State};

use crate::api::dto::{JobDetailDto, Links, ProblemDto};
use crate::api::extract::parse_id;
use crate::catalog::query;
use crate::error::{AppError, not_found};
use crate::state::AppState;

/// One public job with its description, company and application form.
#[utoipa::path(
    get, path = "/api/v1/careers/jobs/{id}/", tag = "jobs", operation_id = "get_job",
    params(("id" = uuid::Uuid, Path, description = "The job id")),
    responses(
        (status = 200, description = "The job", body = JobDetailDto,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "The id holds a control character", body = ProblemDto, content_type = "application/problem+json"),
        (status = 404, description = "No such public job (closed, expired, unknown or malformed id)", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn get_job(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobDetailDto>, AppError> {
    let id = parse_id(&id)?;
    let job = query::get_job(&state.pool, id)
        .await?
        .ok_or_else(not_found)?;
    state.views.record(id);
    let links = Links {
        base: &state.settings.public_url,
    };
    Ok(Json(JobDetailDto::from_detail(job, &links)))
}
