//! Cross-cutting HTTP behaviour: the request deadline, metrics per route, security headers.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

use crate::state::AppState;

/// Counts the request as in flight while its handler runs (the shutdown drain waits for these,
/// not for idle connections).
pub async fn in_flight(req: Request, next: Next) -> Response {
    use std::sync::atomic::Ordering;
    struct Counted;
    impl Drop for Counted {
        fn drop(&mut self) {
            if super::IN_FLIGHT.fetch_sub(1, Ordering::SeqCst) == 1 {
                super::IDLE.notify_waiters();
            }
        }
    }
    super::IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let _counted = Counted;
    next.run(req).await
}

/// Answers a request still running after `CAREERS_REQUEST_TIMEOUT` with a 503 (problem+json, or
/// the error page for a browser) and drops its work: its database statements have ended by then
/// (the statement deadline is shorter) and an open transaction rolls back.
pub async fn deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.settings.limits.request;
    let html = !req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    let uri = req.uri().clone();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(path = %uri.path(), limit_secs = limit.as_secs_f64(), "request cut at its deadline");
            let err = AppError::Unavailable {
                detail: "This took too long on our side. Please try again in a moment.".into(),
                retry_after_secs: 5,
            };
            if html {
                crate::web::public::errors::from_app_error(&uri, err).await
            } else {
                err.into_response()
            }
        }
    }
}

/// Refuses a request whose path or query holds a control character once percent-decoded (NUL,
/// escape, line breaks in a path, …) with a 400 naming the part: no handler, database or log
/// line ever sees one. A tab in the query (a pasted search) is allowed.
pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let uri = req.uri();
    // C0 and C1 controls and DEL (Unicode category Cc), as the decoded text has them.
    let bad = |text: &str, allowed: &[char]| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .chars()
            .any(|c| c.is_control() && !allowed.contains(&c))
    };
    let part = if bad(uri.path(), &[]) {
        Some("path")
    } else if uri.query().is_some_and(|q| bad(q, &['\t'])) {
        Some("query string")
    } else {
        None
    };
    let Some(part) = part else {
        return next.run(req).await;
    };
    let err = crate::error::bad_request(format!(
        "The address's {part} contains a control character (such as %00); remove it and try again."
    ));
    let html = !uri.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if html {
        // The page echoes nothing of the address: the error page's own links are fixed.
        let clean: axum::http::Uri = axum::http::Uri::from_static("/");
        crate::web::public::errors::from_app_error(&clean, err).await
    } else {
        err.into_response()
    }
}

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
