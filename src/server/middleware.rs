//! Cross-cutting HTTP behaviour: metrics per route, security headers.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Records count and latency for every request under its matched route template.
pub async fn track_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let res = next.run(req).await;
    state
        .metrics
        .observe_request(&method, &route, res.status().as_u16(), start.elapsed());
    res
}

/// Content-Security-Policy of every page: no inline script, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Content-Security-Policy of the `/embed/*` pages: the same, except any site may frame them.
pub const EMBED_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors *";

/// Adds security headers a handler has not set itself. Pages under `/embed/` are meant for partner
/// sites' iframes: they get [`EMBED_CSP`] and no `X-Frame-Options`.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let embed = req.uri().path().starts_with("/embed/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let (csp, frame_options) = if embed {
        (EMBED_CSP, None)
    } else {
        (CSP, Some("DENY"))
    };
    let defaults: [(HeaderName, Option<&'static str>); 4] = [
        (header::CONTENT_SECURITY_POLICY, Some(csp)),
        (header::X_CONTENT_TYPE_OPTIONS, Some("nosniff")),
        (
            header::REFERRER_POLICY,
            Some("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, frame_options),
    ];
    for (name, value) in defaults {
        if let Some(value) = value
            && !h.contains_key(&name)
        {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
