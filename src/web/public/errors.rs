//! Error pages with real status codes: 400 (naming the bad parameter), 404, 410, 500; and the
//! fallback for unknown paths.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use crate::error::AppError;
use crate::web::layout::{Document, Head};
use crate::web::render;

/// A full HTML error page with `status`.
pub async fn page(uri: &Uri, status: StatusCode, heading: String, message: String) -> Response {
    let head = Head::new(heading.clone(), message.clone()).noindex();
    render::page(uri, status, move || {
        let (head, heading, message) = (head.clone(), heading.clone(), message.clone());
        view! {
            <Document head=head>
                <div class="container narrow error-page">
                    <p class="error-code">{status.as_u16()}</p>
                    <h1>{heading}</h1>
                    <p class="lead">{message}</p>
                    <form class="search search-inline" method="get" action="/jobs" role="search">
                        <label for="error-q">"Search all jobs"</label>
                        <div class="search-row">
                            <input id="error-q" name="q" type="search"/>
                            <button type="submit" class="button">"Search"</button>
                        </div>
                    </form>
                    <p>
                        <a href="/jobs">"Browse every open job"</a>
                        " or "
                        <a href="/">"go to the home page"</a>
                        "."
                    </p>
                </div>
            </Document>
        }
    })
    .await
}

/// 404 for a page that does not exist.
pub async fn not_found(uri: &Uri) -> Response {
    page(
        uri,
        StatusCode::NOT_FOUND,
        "Page not found".into(),
        "We could not find that page. The address may be mistyped, or the page may have moved."
            .into(),
    )
    .await
}

/// 404 for a job that is not (or never was) public.
pub async fn job_not_found(uri: &Uri) -> Response {
    page(
        uri,
        StatusCode::NOT_FOUND,
        "Job not found".into(),
        "This job is not open for applications, or the link is wrong. Many similar jobs are \
         still open."
            .into(),
    )
    .await
}

/// 410 for a job we know existed but is no longer public.
pub async fn job_gone(uri: &Uri) -> Response {
    page(
        uri,
        StatusCode::GONE,
        "This job is no longer available".into(),
        "The company has closed this position or it has expired. Search for similar jobs below."
            .into(),
    )
    .await
}

/// The HTML page for an [`AppError`] on a public page: validation errors name each parameter.
pub async fn from_app_error(uri: &Uri, err: AppError) -> Response {
    match err {
        AppError::NotFound => not_found(uri).await,
        AppError::Validation(errs) => {
            let parts: Vec<String> = errs
                .0
                .iter()
                .map(|(field, msgs)| format!("{field}: {}", msgs.join(" ")))
                .collect();
            page(
                uri,
                StatusCode::BAD_REQUEST,
                "Invalid search".into(),
                format!("Please check the address. {}", parts.join("; ")),
            )
            .await
        }
        AppError::BadRequest(detail) => {
            page(uri, StatusCode::BAD_REQUEST, "Bad request".into(), detail).await
        }
        AppError::Internal(e) => {
            tracing::error!(error = %crate::error::loggable(e.as_ref()), "page failed");
            page(
                uri,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong".into(),
                "Something went wrong on our side. Please try again in a moment.".into(),
            )
            .await
        }
        AppError::Unavailable {
            detail,
            retry_after_secs,
        } => {
            let mut res = page(
                uri,
                StatusCode::SERVICE_UNAVAILABLE,
                "We will be right back".into(),
                format!(
                    "{detail} Nothing you sent was lost: if you were applying, send the form again."
                ),
            )
            .await;
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            res
        }
        other => {
            let status = other.status();
            let detail = other.problem().detail;
            let retry = match &other {
                AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            };
            let mut res = page(
                uri,
                status,
                status.canonical_reason().unwrap_or("Error").into(),
                detail,
            )
            .await;
            if let Some(secs) = retry {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            res
        }
    }
}

/// Router fallback: every unknown path is a real 404 — a problem+json object under `/api/`, where
/// clients expect JSON, and an HTML page everywhere else.
pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound.into_response();
    }
    not_found(&uri).await.into_response()
}
