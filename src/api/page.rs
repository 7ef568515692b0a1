//! `GET /api/v1/careers/page/`: a company's career page data, by `company=` or by the host.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header;

use crate::api::dto::{CompanyDto, CompanyParam, Links, ProblemDto};
use crate::api::extract::query_pairs;
use crate::catalog::query;
use crate::error::{AppError, invalid, not_found};
use crate::state::AppState;

/// A company's career page: the same object as `companies/{slug}/`. On a company's own domain
/// `company` may be omitted.
#[utoipa::path(
    get, path = "/api/v1/careers/page/", tag = "companies", operation_id = "career_page",
    params(CompanyParam),
    responses(
        (status = 200, description = "The company", body = CompanyDto,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "`company` missing (and the host is not a company domain) or invalid", body = ProblemDto, content_type = "application/problem+json"),
        (status = 404, description = "No such active company", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn career_page(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<CompanyDto>, AppError> {
    let slug = query_pairs(req.uri().query())
        .into_iter()
        .find(|(k, v)| k == "company" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string());
    let company = match slug {
        Some(slug) => {
            if crate::tenancy::Slug::parse(&slug).is_err() {
                return Err(invalid(
                    "company",
                    format!("{slug:?} is not a company slug."),
                ));
            }
            query::get_company(&state.pool, &slug).await?
        }
        None => {
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            let tenant = crate::tenancy::for_host(&state.pool, host)
                .await?
                .ok_or_else(|| invalid("company", "Give the company slug."))?;
            query::get_company_by_tenant(&state.pool, tenant.id).await?
        }
    };
    let links = Links {
        base: &state.settings.public_url,
    };
    Ok(Json(CompanyDto::from_profile(
        company.ok_or_else(not_found)?,
        &links,
    )))
}
