//! Rendering a Leptos view to a complete HTML response with an exact status code.

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// Renders `view` (a whole document, see [`super::layout::Document`]) through leptos_axum's async
/// renderer and answers with `status`. Everything after `</html>` (the hydration helpers
/// leptos_axum appends) is cut: these pages ship no script.
pub async fn page<IV>(
    uri: &Uri,
    status: StatusCode,
    view: impl Fn() -> IV + Clone + Send + Sync + 'static,
) -> Response
where
    IV: IntoView + 'static,
{
    // leptos_axum's own route integration does this; we render from plain axum handlers.
    static EXECUTOR: std::sync::Once = std::sync::Once::new();
    EXECUTOR.call_once(|| {
        let _ = any_spawner::Executor::init_tokio();
    });
    let req = Request::builder()
        .uri(uri.clone())
        .body(Body::empty())
        .unwrap_or_default();
    let handler = leptos_axum::render_app_async_with_context(|| {}, view);
    let res = handler(req).await;
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %crate::error::loggable(&e), "page rendering failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let end = find_subslice(&bytes, b"</html>")
        .map(|i| i + "</html>".len())
        .unwrap_or(bytes.len());
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(bytes.slice(..end)))
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
