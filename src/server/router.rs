//! Every route the server answers, by prefix, and where each prefix's table lives. Each table is
//! data its area owns (so its tests can walk it: the admin table drives the isolation test, the
//! API table the OpenAPI document); this file is the one map of them, plus the middleware every
//! response passes through.
//!
//! | Prefix | Table | What |
//! |---|---|---|
//! | `/`, `/jobs…`, `/companies…`, `/embed/jobs`, `/robots.txt`, `/sitemap.xml`, `/sitemaps/…` | [`web::public::routes`] | public pages, apply form, feeds, sitemaps |
//! | `/admin…` | [`web::admin::routes`] ([`web::admin::route_list`]: method, path, access) | HR pages, every one behind the guard |
//! | `/api…` | [`api::routes`] ([`api::PATHS`]) | the public JSON API and its OpenAPI document; anything else under `/api` is a JSON 404 |
//! | `/healthz`, `/readyz`, `/metrics` | below | operations |
//! | `/style/…`, `/favicon.svg`, `/embed.js` | [`web::assets::routes`] | static files embedded in the binary, with ETags |
//!
//! Anything else: [`web::public::errors::fallback`] (an HTML 404).

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::{client_ip, health, middleware};
use crate::state::AppState;
use crate::{api, web};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the application router with all middleware.
pub fn build(state: AppState) -> Router {
    let trusted = std::sync::Arc::new(state.settings.trusted_proxies.clone());
    let ops = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics));

    Router::new()
        .merge(web::public::routes())
        .merge(web::admin::routes(&state))
        .merge(api::routes())
        .merge(ops)
        .merge(web::assets::routes())
        .fallback(web::public::errors::fallback)
        .layer(from_fn_with_state(state.clone(), middleware::track_metrics))
        .layer(from_fn(middleware::security_headers))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state.clone(), middleware::deadline))
        .layer(from_fn(middleware::refuse_control_characters))
        .layer(from_fn(middleware::in_flight))
        .layer(
            TraceLayer::new_for_http()
                // A 503 is logged where it is decided, once per burst (`error::unavailable`); a
                // 500 by the error that caused it. This layer would log every one again.
                .on_failure(())
                .make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(from_fn(move |req, next| {
            client_ip::attach(trusted.clone(), req, next)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
