//! The public JSON API (`/api/v1/careers/`) for partner sites: thin handlers over the catalog
//! queries and the application intake, one file per resource and action, plus the HTTP behaviour
//! every route shares ([`http`]) and the OpenAPI document ([`openapi`]).

pub mod companies;
pub mod dto;
pub mod extract;
pub mod facets;
pub mod http;
pub mod jobs;
pub mod openapi;
pub mod page;
pub mod rate_limit;

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, header};
use axum::middleware::from_fn;
use axum::routing::{any, get, post};
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

use crate::state::AppState;

/// Every path the API serves (the OpenAPI document must list each; a test checks both ways).
pub const PATHS: &[&str] = &[
    "/api/v1/careers/jobs/",
    "/api/v1/careers/jobs/{id}/",
    "/api/v1/careers/jobs/{id}/apply/",
    "/api/v1/careers/facets/",
    "/api/v1/careers/companies/",
    "/api/v1/careers/companies/{slug}/",
    "/api/v1/careers/page/",
    "/api/v1/openapi.json",
];

/// CORS for partner sites: any origin, GET/POST/OPTIONS, preflight answered here.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::ETAG, header::RETRY_AFTER, header::LOCATION])
        .max_age(Duration::from_secs(600))
}

/// The JSON API routes, with their middleware (scoped to `/api/`).
pub fn routes() -> Router<AppState> {
    // Bodies beyond the cap are refused while streaming (413), never buffered whole.
    let apply = post(jobs::apply::apply)
        .layer::<_, Infallible>(DefaultBodyLimit::max(crate::apply_body::BODY_LIMIT))
        .layer::<_, Infallible>(RequestBodyLimitLayer::new(crate::apply_body::BODY_LIMIT));
    Router::new()
        .route(PATHS[0], get(jobs::list::list_jobs))
        .route(PATHS[1], get(jobs::detail::get_job))
        .route(PATHS[2], apply)
        .route(PATHS[3], get(facets::facets))
        .route(PATHS[4], get(companies::list::list_companies))
        .route(PATHS[5], get(companies::detail::get_company))
        .route(PATHS[6], get(page::career_page))
        .route(PATHS[7], get(openapi::openapi_json))
        .route("/api", any(http::not_found))
        .route("/api/", any(http::not_found))
        .route("/api/{*rest}", any(http::not_found))
        .layer(from_fn(http::api_layer))
        .layer(cors())
}
