//! Cross-site request forgery defence for the admin: every state-changing request must come from
//! our own origin (`Origin` / `Sec-Fetch-Site`) and carry the session's synchronizer token, as the
//! `_csrf` form field or the `X-CSRF-Token` header. GET and HEAD never change anything.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::session::{self, CSRF_KEY};
use crate::error::AppError;

/// Name of the hidden form field that carries the token.
pub const FIELD: &str = "_csrf";
/// Header alternative for non-form clients.
pub const HEADER: &str = "x-csrf-token";
/// Largest admin form body we read (no admin form uploads files).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The session's token, created (and stored) when the session has none yet, e.g. for the login
/// form of a first visit.
pub async fn token(session: &Session) -> Result<String, AppError> {
    let existing: Option<String> = session
        .get(CSRF_KEY)
        .await
        .map_err(|e| crate::error::session_store_failed("reading the session", &e))?;
    if let Some(t) = existing {
        return Ok(t);
    }
    let t = new_token();
    session
        .insert(CSRF_KEY, &t)
        .await
        .map_err(|e| crate::error::session_store_failed("writing the session", &e))?;
    Ok(t)
}

/// Why a state-changing request was refused (always a 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `Origin` or `Sec-Fetch-Site` name another site.
    CrossSite,
    /// The synchronizer token is missing or wrong (or the session behind it expired).
    BadToken,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::CrossSite => "This request came from another site and was refused.",
            Refusal::BadToken => {
                "Your form expired or was not sent from this site. Reload the page and try again."
            }
        }
    }
}

/// Checks a request to an admin route. GET, HEAD and OPTIONS pass untouched (they never change
/// anything). Any other request must come from our own origin; a request from a signed-in session
/// (or to the login form) must also carry the session's token. An anonymous request to any other
/// admin route passes on to the guard, which sends it to the login page: without a session nothing
/// can change anyway. Returns the request (with its body re-assembled) when it may proceed.
pub async fn verify(public_url: &str, req: Request) -> Result<Request, Result<Refusal, AppError>> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(req);
    }
    if !same_origin(req.headers(), public_url) {
        return Err(Ok(Refusal::CrossSite));
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return Err(Err(AppError::Internal(anyhow::anyhow!(
            "admin route without the session layer"
        ))));
    };
    let signed_in = session::current(&session).await.is_some();
    let is_login = req.uri().path() == "/admin/login";
    if !signed_in && !is_login {
        return Ok(req);
    }
    let expected: Option<String> = session.get(CSRF_KEY).await.ok().flatten();
    let from_header = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| Err(AppError::PayloadTooLarge("The form is too large.".into())))?;
    let sent = from_header.or_else(|| {
        url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned())
    });
    let valid = matches!((&expected, &sent), (Some(e), Some(s)) if bool::from(e.as_bytes().ct_eq(s.as_bytes())));
    if !valid {
        return Err(Ok(Refusal::BadToken));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Whether the request's `Sec-Fetch-Site` and `Origin` (when present) say it came from our own
/// origin: the configured public URL or the host the request was sent to (a tenant's domain).
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Ok(parsed) = url::Url::parse(origin) else {
        return false; // includes the opaque origin "null"
    };
    if url::Url::parse(public_url).is_ok_and(|p| p.origin() == parsed.origin()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = match parsed.port() {
        Some(port) => format!("{}:{port}", parsed.host_str().unwrap_or_default()),
        None => parsed.host_str().unwrap_or_default().to_string(),
    };
    host.is_some_and(|h| h.eq_ignore_ascii_case(&origin_host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_our_own_origin_passes() {
        let public = "https://careers.example";
        assert!(same_origin(&headers(&[]), public));
        assert!(same_origin(
            &headers(&[("origin", "https://careers.example")]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "https://jobs.acme.com"),
                ("host", "jobs.acme.com")
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "careers.example")
            ]),
            public
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), public));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            public
        ));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
    }

    #[test]
    fn tokens_are_random_and_256_bits() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
