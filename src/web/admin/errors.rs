//! Admin errors as admin pages (#14): when a browser asked for a page, a refusal or failure of an
//! admin handler (a problem+json of [`AppError`](crate::error::AppError), or a bodyless status of
//! the router) becomes an admin HTML page with the same status, what went wrong, what to do next,
//! the field messages, and the signed-in user's navigation. Other clients keep the problem+json.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::*;

use super::layout::{AdminPage, Nav};
use crate::auth::guard::SignedInSlot;

/// The most of an error body read back (problem+json bodies are a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;

/// Whether the client asked for HTML (browsers do for every navigation and form post).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// The admin section a path belongs to (the navigation's current item).
fn section(path: &str) -> &'static str {
    if path.starts_with("/admin/jobs") {
        "jobs"
    } else if path.starts_with("/admin/applications") {
        "applications"
    } else if path.starts_with("/admin/career-page") {
        "career-page"
    } else if path.starts_with("/admin/notifications") {
        "notifications"
    } else if path.starts_with("/admin/team") {
        "team"
    } else if path.starts_with("/admin/audit") {
        "audit"
    } else if path.starts_with("/admin/account") {
        "account"
    } else {
        "dashboard"
    }
}

/// What a person sees for an error: a heading, what happened, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub heading: String,
    pub detail: String,
    pub advice: String,
    /// `field: message` lines of a validation problem.
    pub fields: Vec<String>,
}

impl ErrorPage {
    /// The page for `status` from the body a handler answered (`problem`: problem+json).
    pub fn from_body(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        problem: bool,
    ) -> ErrorPage {
        let mut detail = String::new();
        let mut fields = Vec::new();
        if problem {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
                detail = v["detail"].as_str().unwrap_or_default().to_string();
                if let Some(errors) = v["errors"].as_object() {
                    for (field, messages) in errors {
                        let text: Vec<&str> = messages
                            .as_array()
                            .map(|m| m.iter().filter_map(|s| s.as_str()).collect())
                            .unwrap_or_default();
                        fields.push(format!("{field}: {}", text.join(" ")));
                    }
                }
            }
        } else if status.is_client_error() {
            // A plain-text rejection (a malformed form or path): its words, at most one line.
            let text = String::from_utf8_lossy(body);
            detail = text.lines().next().unwrap_or_default().trim().to_string();
        }
        let retry = headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let (heading, default_detail, advice) = wording(status, retry);
        if detail.is_empty() || status.is_server_error() && !problem {
            detail = default_detail.to_string();
        }
        ErrorPage {
            status,
            heading: heading.to_string(),
            detail,
            advice,
            fields,
        }
    }
}

/// Heading, default explanation and advice per status.
fn wording(status: StatusCode, retry: Option<u64>) -> (&'static str, &'static str, String) {
    let again = match retry {
        Some(secs) => format!("Try again in {secs} seconds."),
        None => "Try again in a moment.".to_string(),
    };
    match status {
        StatusCode::BAD_REQUEST => (
            "This request could not be read",
            "Part of what was sent is not valid.",
            "Go back, check the values named below, and send it again.".into(),
        ),
        StatusCode::FORBIDDEN => (
            "Not allowed",
            "You cannot do this here.",
            "Reload the page you came from and try again.".into(),
        ),
        StatusCode::NOT_FOUND => (
            "Not found",
            "There is nothing here. It may have been deleted, or the link is wrong.",
            "Go back to the dashboard and find it from there.".into(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Not available",
            "This address does not take that kind of request.",
            "Use the links and buttons on the admin pages.".into(),
        ),
        StatusCode::CONFLICT => (
            "This changed meanwhile",
            "Someone saved a newer version while you were editing.",
            "Reload the page to see the current version, then make your change again.".into(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Too large",
            "What was sent is larger than allowed.",
            "Go back and send something smaller.".into(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "This could not be saved",
            "What was sent is not acceptable as it is.",
            "Go back, correct the form and send it again.".into(),
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Too many attempts",
            "There were too many requests in a short time.",
            again,
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Temporarily unavailable",
            "The service cannot answer right now.",
            format!("Nothing was changed. {again}"),
        ),
        s if s.is_client_error() => (
            "This request could not be handled",
            "The request was refused.",
            "Go back and try again.".into(),
        ),
        _ => (
            "Something went wrong",
            "Something went wrong on our side.",
            format!("Nothing was changed. {again} If it keeps happening, tell your administrator."),
        ),
    }
}

/// The layer in front of every admin handler (inside the session layer): turns error answers for
/// browsers into admin pages; keeps `Retry-After`, `Allow` and every other header but the body's.
pub async fn pages(mut req: Request, next: Next) -> Response {
    let html = wants_html(req.headers());
    let uri = req.uri().clone();
    let slot = SignedInSlot::default();
    req.extensions_mut().insert(slot.clone());
    let res = next.run(req).await;
    let status = res.status();
    if !html || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if content_type.starts_with("text/html") {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let problem = content_type.starts_with("application/problem+json");
    let page = ErrorPage::from_body(status, &parts.headers, &body, problem);
    let nav = slot.get().map(|admin| Nav::new(admin, section(uri.path())));
    let mut out = render(&uri, page, nav).await;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// The admin page of an error.
pub async fn render(uri: &axum::http::Uri, page: ErrorPage, nav: Option<Nav>) -> Response {
    let status = page.status;
    crate::web::render::page(uri, status, move || {
        let (page, nav) = (page.clone(), nav.clone());
        let fields = (!page.fields.is_empty()).then(|| {
            view! {
                <ul class="error-fields">
                    {page.fields.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
                </ul>
            }
        });
        view! {
            <AdminPage title=page.heading.clone() nav=nav>
                <div class="admin-error" role="alert">
                    <p class="error-code">{format!("Error {}", page.status.as_u16())}</p>
                    <p>{page.detail.clone()}</p>
                    {fields}
                    <p>{page.advice.clone()}</p>
                </div>
                <p><a href="/admin">"Back to the dashboard"</a></p>
            </AdminPage>
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_problem_becomes_its_detail_and_its_field_messages() {
        let body = br#"{"type":"x","title":"Bad Request","status":400,"detail":"Invalid: stage","errors":{"stage":["unknown stage"]}}"#;
        let p = ErrorPage::from_body(StatusCode::BAD_REQUEST, &HeaderMap::new(), body, true);
        assert_eq!(p.detail, "Invalid: stage");
        assert_eq!(p.fields, vec!["stage: unknown stage".to_string()]);
        assert_eq!(p.heading, "This request could not be read");
    }

    #[test]
    fn an_unavailable_answer_says_when_to_retry_and_a_bodyless_one_gets_words() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        let p = ErrorPage::from_body(StatusCode::SERVICE_UNAVAILABLE, &h, b"", false);
        assert!(p.advice.contains("5 seconds"), "{p:?}");
        assert!(!p.detail.is_empty());
        let p = ErrorPage::from_body(
            StatusCode::METHOD_NOT_ALLOWED,
            &HeaderMap::new(),
            b"",
            false,
        );
        assert_eq!(p.heading, "Not available");
    }

    #[test]
    fn the_section_follows_the_path() {
        assert_eq!(section("/admin/jobs/1/edit"), "jobs");
        assert_eq!(section("/admin/applications/2"), "applications");
        assert_eq!(section("/admin"), "dashboard");
    }
}
