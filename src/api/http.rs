//! HTTP behaviour shared by every API route: rate limits, problem+json for every error (also the
//! bodiless 404/405/413 responses of the framework), `ETag` / 304 and `Cache-Control` on GETs.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::client_ip;
use super::rate_limit::Class;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// `Cache-Control` of successful GETs.
pub const CACHE_CONTROL: &str = "public, max-age=30";
/// GET bodies larger than this are sent without an ETag rather than buffered.
const ETAG_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The API middleware: run, then normalise errors and add caching headers.
pub async fn api_layer(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    let res = problem_for_bare_errors(res);
    if (method == Method::GET || method == Method::HEAD) && res.status() == StatusCode::OK {
        with_etag(res, if_none_match).await
    } else {
        res
    }
}

fn is_problem(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// Replaces an error response that is not problem+json (a framework 405, 413, …) with one.
fn problem_for_bare_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&res) {
        return res;
    }
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "This method is not allowed on this resource.",
        StatusCode::NOT_FOUND => "The requested resource does not exist.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large (at most 10 MiB).",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported content type.",
        StatusCode::REQUEST_TIMEOUT => "The request took too long.",
        _ => "The request could not be processed.",
    };
    let slug = status
        .canonical_reason()
        .unwrap_or("error")
        .to_ascii_lowercase()
        .replace(' ', "-");
    let problem = Problem {
        kind: format!("https://careers.dev/problems/{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail: detail.to_string(),
        errors: None,
    };
    let allow = res.headers().get(header::ALLOW).cloned();
    let mut out = (status, serde_json::to_vec(&problem).unwrap_or_default()).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Adds a strong ETag (hash of the body) and `Cache-Control`; answers 304 when it matches.
async fn with_etag(res: Response, if_none_match: Option<HeaderValue>) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "response too large").into_response();
    };
    let etag = crate::http_cache::strong_etag(&bytes);
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, v);
    }
    if crate::http_cache::if_none_match(if_none_match.as_ref(), &etag) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// `/api/…` paths no route serves.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

fn take(parts: &Parts, state: &AppState, class: Class) -> Result<(), AppError> {
    state
        .api_limits
        .check(client_ip(parts), class)
        .map_err(|secs| AppError::TooManyRequests {
            retry_after_secs: secs,
        })
}

/// Takes one read from the client's budget (first extractor of every GET handler).
pub struct ReadQuota;

impl FromRequestParts<AppState> for ReadQuota {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        take(parts, state, Class::Read).map(|()| ReadQuota)
    }
}

/// Takes one application from the client's budget (before the body is read).
pub struct ApplyQuota;

impl FromRequestParts<AppState> for ApplyQuota {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        take(parts, state, Class::Apply).map(|()| ApplyQuota)
    }
}
