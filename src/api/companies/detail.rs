//! `GET /api/v1/careers/companies/{slug}/`: one company.

use axum::Json;
use axum::extract::{Path, State};

use crate::api::dto::{CompanyDto, Links, ProblemDto};
use crate::catalog::query;
use crate::error::{AppError, not_found};
use crate::state::AppState;

/// One company (404 when unknown or suspended).
#[utoipa::path(
    get, path = "/api/v1/careers/companies/{slug}/", tag = "companies", operation_id = "get_company",
    params(("slug" = String, Path, description = "The company slug", pattern = "^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")),
    responses(
        (status = 200, description = "The company", body = CompanyDto,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "The slug holds a control character", body = ProblemDto, content_type = "application/problem+json"),
        (status = 404, description = "No such active company", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn get_company(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<CompanyDto>, AppError> {
    if crate::tenancy::Slug::parse(&slug).is_err() {
        return Err(not_found());
    }
    let company = query::get_company(&state.pool, &slug)
        .await?
        .ok_or_else(not_found)?;
    let links = Links {
        base: &state.settings.public_url,
    };
    Ok(Json(CompanyDto::from_profile(company, &links)))
}
