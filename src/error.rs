//! One error type for requests (`AppError`), rendered as RFC 9457 problem+json, plus `FieldError`
//! and `FieldErrors` for validation messages keyed by field name, and [`loggable`]: what of an
//! error may go into a log.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error as it may be logged or stored for operators: the chain of messages, with the errors
/// that can carry personal data reduced to what identifies the failure. A database error keeps its
/// SQLSTATE, constraint and table, and its message only for the classes whose messages name schema
/// objects or conditions (a data exception quotes the value: `invalid input syntax for type uuid:
/// "…"`; the detail, `Key (email)=(…)`, is never kept); an SMTP error keeps its class and
/// reply code (servers echo the recipient address in the reply text). No backtrace.
///
/// The other messages in a chain are this crate's own contexts, which never name a person, and
/// library errors that describe a condition (I/O, timeouts).
pub fn loggable(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(db) = err.downcast_ref::<sqlx::Error>() {
            parts.push(loggable_sqlx(db));
            break;
        }
        if let Some(smtp) = err.downcast_ref::<lettre::transport::smtp::Error>() {
            parts.push(loggable_smtp(smtp));
            break;
        }
        parts.push(err.to_string());
        next = err.source();
    }
    parts.join(": ")
}

fn loggable_sqlx(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let mut s = format!("database error {code}");
            // Classes whose messages name only schema objects or the server's condition
            // (connection, transaction, undefined object, resources, shutdown, …); data
            // exceptions (22), raised exceptions (P0) and the rest can quote values.
            const SCHEMA_OR_CONDITION: &[&str] = &[
                "08", "0A", "25", "3D", "3F", "40", "42", "53", "54", "55", "57", "58",
            ];
            if SCHEMA_OR_CONDITION.iter().any(|c| code.starts_with(c)) {
                s.push_str(&format!(": {}", db.message()));
            }
            if let Some(c) = db.constraint() {
                s.push_str(&format!(" (constraint {c})"));
            }
            if let Some(t) = db.table() {
                s.push_str(&format!(" (table {t})"));
            }
            s
        }
        sqlx::Error::ColumnDecode { index, .. } => format!("cannot decode column {index}"),
        sqlx::Error::Decode(_) => "cannot decode a value".into(),
        sqlx::Error::Encode(_) => "cannot encode a value".into(),
        sqlx::Error::Protocol(_) => "database protocol error".into(),
        sqlx::Error::Io(io) => format!("database I/O error ({:?})", io.kind()),
        sqlx::Error::Tls(_) => "database TLS error".into(),
        // The remaining kinds name a condition, not data (pool timed out, row not found, …).
        other => other.to_string(),
    }
}

fn loggable_smtp(e: &lettre::transport::smtp::Error) -> String {
    let class = if e.is_permanent() {
        "permanent SMTP error"
    } else if e.is_transient() {
        "transient SMTP error"
    } else if e.is_timeout() {
        "SMTP timeout"
    } else if e.is_tls() {
        "SMTP TLS error"
    } else if e.is_response() {
        "unreadable SMTP response"
    } else if e.is_client() {
        "SMTP client error"
    } else {
        "SMTP connection error"
    };
    match e.status() {
        Some(code) => format!("{class} {code}"),
        None => class.to_string(),
    }
}

/// One validation message for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Validation messages by field name, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, for showing beside a form input.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .get(field)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// `Ok(())` when empty, else the errors as a 400.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        let mut errs = FieldErrors::new();
        errs.add(e.field, e.message);
        errs
    }
}

/// Errors a request handler can return. 5xx details are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A 404 that says why (a page past the last one, past the pageable window).
    #[error("{0}")]
    NotFoundBecause(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but not acceptable as sent (422), e.g. an idempotency key reused for other data.
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Temporarily unable to answer (503 with `Retry-After`).
    #[error("{detail}")]
    Unavailable {
        detail: String,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match unavailable(&e) {
            Some(u) => u,
            None => AppError::Internal(e.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    /// A chain that ends in a database outage, overload or deadline is a 503 (see
    /// [`unavailable`]); anything else is a 500.
    fn from(e: anyhow::Error) -> Self {
        let db = e.chain().find_map(|c| c.downcast_ref::<sqlx::Error>());
        match db.and_then(unavailable) {
            Some(u) => u,
            None => AppError::Internal(e),
        }
    }
}

/// The 503 a database error means, when it is not this request's fault and retrying soon can
/// succeed: the server is unreachable, shutting down or out of connections (retry in 5 s), or the
/// request hit a deadline — no pooled connection (or tenant share) within the acquire timeout, a
/// statement or lock timeout, a deadlock or serialization failure (retry in 2 s). Logged once per
/// burst ([`BurstLog`]), not once per request.
pub fn unavailable(e: &sqlx::Error) -> Option<AppError> {
    const DOWN: &str = "The service is temporarily unavailable. Please try again in a few seconds.";
    const BUSY: &str = "The service is busy right now. Please try again in a moment.";
    let (detail, retry_after_secs, what) = match e {
        sqlx::Error::PoolTimedOut => (BUSY, 2, "no database connection within the deadline"),
        sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            (DOWN, 5, "the database pool is closed")
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => (DOWN, 5, "cannot reach the database"),
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match &*code {
                // statement_timeout / lock_timeout / deadlock / serialization failure
                "57014" => (BUSY, 2, "a statement hit its deadline"),
                "55P03" => (BUSY, 2, "a lock wait hit its deadline"),
                "40P01" | "40001" => (BUSY, 2, "a transaction conflicted with another"),
                // connection exceptions, shutdown, too many connections, out of resources
                c if c.starts_with("08") || c.starts_with("57P") || c.starts_with("53") => {
                    (DOWN, 5, "the database refused the work")
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    DATABASE_TROUBLE.note(&format!("requests answered 503: {what}"), &loggable_sqlx(e));
    Some(AppError::Unavailable {
        detail: detail.into(),
        retry_after_secs,
    })
}

/// The session store lives in the database: a failure to read or write it is the database's
/// trouble, answered as a 503 (its message is the store's, which names no person).
pub fn session_store_failed(what: &str, e: &dyn std::fmt::Display) -> AppError {
    DATABASE_TROUBLE.note(&format!("requests answered 503: {what}"), &e.to_string());
    AppError::Unavailable {
        detail: "The service is temporarily unavailable. Please try again in a few seconds.".into(),
        retry_after_secs: 5,
    }
}

/// A warning logged at most once per `every`: the first occurrence of a burst is logged at once,
/// later ones are counted and reported with the next line.
pub struct BurstLog {
    every: std::time::Duration,
    state: std::sync::Mutex<(Option<std::time::Instant>, u64)>,
}

static DATABASE_TROUBLE: BurstLog = BurstLog::new(std::time::Duration::from_secs(10));

impl BurstLog {
    pub const fn new(every: std::time::Duration) -> Self {
        BurstLog {
            every,
            state: std::sync::Mutex::new((None, 0)),
        }
    }

    /// Records one occurrence; logs it unless a line went out less than `every` ago.
    pub fn note(&self, what: &str, cause: &str) {
        let now = std::time::Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (last, suppressed) = &mut *state;
        if last.is_some_and(|t| now.duration_since(t) < self.every) {
            *suppressed += 1;
            return;
        }
        let more = std::mem::take(suppressed);
        *last = Some(now);
        drop(state);
        tracing::warn!(error = %cause, suppressed_since_last = more, "{what}");
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(e.into())
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}

/// Shorthands so handlers read as prose.
pub fn not_found() -> AppError {
    AppError::NotFound
}

pub fn bad_request(detail: impl Into<String>) -> AppError {
    AppError::BadRequest(detail.into())
}

pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation(FieldError::new(field, message).into())
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<FieldErrors>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NotFoundBecause(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) | AppError::Validation(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem object sent to clients (internal details replaced by a generic message).
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (slug, detail, errors) = match self {
            AppError::NotFound => (
                "not-found",
                "The requested resource does not exist.".into(),
                None,
            ),
            AppError::NotFoundBecause(d) => ("not-found", d.clone(), None),
            AppError::BadRequest(d) => ("bad-request", d.clone(), None),
            AppError::Validation(errs) => {
                let fields: Vec<&str> = errs.0.keys().map(String::as_str).collect();
                let detail = format!("Invalid value for: {}.", fields.join(", "));
                ("validation-error", detail, Some(errs.clone()))
            }
            AppError::Unauthorized => ("unauthorized", "Sign in first.".into(), None),
            AppError::Forbidden(d) => ("forbidden", d.clone(), None),
            AppError::Conflict(d) => ("conflict", d.clone(), None),
            AppError::Unprocessable(d) => ("unprocessable", d.clone(), None),
            AppError::PayloadTooLarge(d) => ("payload-too-large", d.clone(), None),
            AppError::UnsupportedMediaType(d) => ("unsupported-media-type", d.clone(), None),
            AppError::TooManyRequests { retry_after_secs } => (
                "rate-limited",
                format!("Too many requests; retry after {retry_after_secs} seconds."),
                None,
            ),
            AppError::Unavailable { detail, .. } => ("unavailable", detail.clone(), None),
            AppError::Internal(_) => (
                "internal-error",
                "Something went wrong on our side. Please try again.".into(),
                None,
            ),
        };
        Problem {
            kind: format!("https://careers.dev/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %loggable(e.as_ref()), "request failed");
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let AppError::TooManyRequests { retry_after_secs }
        | AppError::Unavailable {
            retry_after_secs, ..
        } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problems_name_every_field() {
        let mut errs = FieldErrors::new();
        errs.add("page_size", "must be between 1 and 100");
        errs.add("ordering", "unknown ordering");
        let p = AppError::Validation(errs).problem();
        assert_eq!(p.status, 400);
        assert!(p.detail.contains("ordering") && p.detail.contains("page_size"));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["errors"]["page_size"][0], "must be between 1 and 100");
        assert!(json["type"].as_str().unwrap().starts_with("https://"));
    }

    #[test]
    fn loggable_errors_keep_contexts_and_drop_what_a_database_quotes() {
        let e = anyhow::Error::new(sqlx::Error::Protocol(
            "invalid input syntax: \"ada@example.com\"".into(),
        ))
        .context("saving the application");
        let s = loggable(e.as_ref());
        assert_eq!(s, "saving the application: database protocol error");
        let io =
            anyhow::Error::new(std::io::Error::other("disk full")).context("writing the resume");
        assert_eq!(loggable(io.as_ref()), "writing the resume: disk full");
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let p = AppError::Internal(anyhow::anyhow!("password=hunter2")).problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("hunter2"));
    }
}
