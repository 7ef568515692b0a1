//! `POST /api/v1/careers/jobs/{id}/apply/`: apply to a job (the same intake as the HTML form).

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};

use crate::api::dto::{ApplicationJson, ApplicationMultipart, ApplicationReceived, ProblemDto};
use crate::api::extract::{application_body, header_text, parse_id};
use crate::applications::intake::{self, Channel, IntakeContext};
use crate::error::AppError;
use crate::state::AppState;

/// Apply to a job.
///
/// The application is stored in the hiring company's system at once. A second application with
/// the same email (any letter case) to the same job is refused with 409. Send
/// `Idempotency-Key` to make retries safe: a retry with the same key returns the first response,
/// also when both arrive at once (the second waits for the first); the same key with another
/// application is refused with 422.
/// Rate limited per client IP (default 5 per minute).
#[utoipa::path(
    post, path = "/api/v1/careers/jobs/{id}/apply/", tag = "applications", operation_id = "apply",
    params(
        ("id" = uuid::Uuid, Path, description = "The job id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string (a UUID) per application attempt"),
    ),
    request_body(
        description = "The application. Custom answers are fields named like the job's `q_…` form fields.",
        content(
            (ApplicationMultipart = "multipart/form-data"),
            (ApplicationJson = "application/json"),
        )
    ),
    responses(
        (status = 201, description = "Received", body = ApplicationReceived),
        (status = 400, description = "Invalid fields (named in `errors`)", body = ProblemDto, content_type = "application/problem+json"),
        (status = 404, description = "No such public job", body = ProblemDto, content_type = "application/problem+json"),
        (status = 409, description = "Already applied with this email", body = ProblemDto, content_type = "application/problem+json"),
        (status = 413, description = "Resume or body larger than 10 MiB", body = ProblemDto, content_type = "application/problem+json"),
        (status = 415, description = "Resume type not accepted, or body neither multipart nor JSON", body = ProblemDto, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used for another application", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = ProblemDto, content_type = "application/problem+json"),
        (status = 503, description = "Temporarily unable to accept it (nothing was stored); retry after Retry-After seconds", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn apply(
    _: crate::api::http::ApplyQuota,
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<ApplicationReceived>), AppError> {
    let job_id = parse_id(&id)?;
    let referrer = header_text(req.headers(), header::REFERER.as_str())?;
    let idempotency_key = header_text(req.headers(), "idempotency-key")?;
    let input = application_body(req).await?;
    let ctx = IntakeContext {
        referrer,
        idempotency_key,
        ..IntakeContext::new(Channel::Api, state.settings.public_url.clone())
    };
    let receipt = intake::submit(&state.pool, job_id, input, ctx).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApplicationReceived {
            application_id: receipt.application_id,
            status: "received".into(),
        }),
    ))
}
