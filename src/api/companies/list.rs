//! `GET /api/v1/careers/companies/`: the company directory.

use axum::Json;
use axum::extract::State;

use crate::api::dto::{CompanyList, Links, PageParams as PageParamsDoc, ProblemDto};
use crate::api::extract::PageParams;
use crate::catalog::query;
use crate::error::AppError;
use crate::state::AppState;

/// Companies hiring here (active ones), by name.
#[utoipa::path(
    get, path = "/api/v1/careers/companies/", tag = "companies", operation_id = "list_companies",
    params(PageParamsDoc),
    responses(
        (status = 200, description = "A page of companies", body = CompanyList,
         headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "An invalid parameter", body = ProblemDto, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = ProblemDto, content_type = "application/problem+json"),
    )
)]
pub async fn list_companies(
    _: crate::api::http::ReadQuota,
    State(state): State<AppState>,
    p: PageParams,
) -> Result<Json<CompanyList>, AppError> {
    let page = query::list_companies(&state.pool, p.page, p.page_size).await?;
    let links = Links {
        base: &state.settings.public_url,
    };
    let qs = |n: u32| {
        let mut s = format!("page={n}");
        if p.page_size != 20 {
            s.push_str(&format!("&page_size={}", p.page_size));
        }
        s
    };
    let next = page
        .has_next()
        .then(|| links.api("companies/", &qs(p.page + 1)));
    let previous = (p.page > 1).then(|| links.api("companies/", &qs(p.page - 1)));
    Ok(Json(CompanyList::from_page(page, next, previous, &links)))
}
