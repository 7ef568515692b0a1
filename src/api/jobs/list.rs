//! `GET /api/v1/careers/jobs/`: list and search jobs.

use axum::Json;
use axum::extract::State;

use crate::api::dto::{JobList, JobListParams, Links, ProblemDto};
use crate::api::extract::JobParams;
use crate::error::AppError;
use crate::state::AppState;

/// List and search public jobs.
///
/// Newest first by default; ranked by relevance when `q` is given. Filters are OR within a
/// repeated parameter and AND across parameters.
#[utoipa::path(
    get, path = "/api/v1/careers/jobs/", tag = "jobs", operation_id = "list_jobs",
    params(JobListParams),
    responses(
        (status = 200, description = "A page of jobs", body = JobList,
         headers(("ETag" = String), ("Cache-Control" = String, description = "public, max-age=30"))),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "An invalid parameter (named in `errors`)", body = ProblemDto, content_type = "application/problem+json"),
        (status = 404, description = "`page` is past the last page", body = ProblemDto, content_type = "application/problem+json"),
        (status = 503, description = "Search is starting up; see Retry-After", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn list_jobs(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    JobParams(q): JobParams,
) -> Result<Json<JobList>, AppError> {
    let page = state.search.jobs(&state.pool, &q).await?;
    let links = Links {
        base: &state.settings.public_url,
    };
    let next = page.next_cursor.as_ref().map(|cursor| {
        let mut qs = q.to_query_string(Some(q.page + 1));
        qs.push_str("&cursor=");
        qs.push_str(cursor);
        links.api("jobs/", &qs)
    });
    let previous = page
        .has_previous()
        .then(|| links.api("jobs/", &q.to_query_string(Some(q.page - 1))));
    Ok(Json(JobList::from_page(page, next, previous, &links)))
}
