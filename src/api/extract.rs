//! Request parsing for the API: query strings into validated queries (400 naming the parameter),
//! path ids (a malformed id is simply not found), the client IP, and application bodies (through
//! [`crate::apply_body`], the reader the site's form uses too).

use std::net::IpAddr;

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde_json::Value;
use uuid::Uuid;

use crate::applications::intake::ApplicationInput;
use crate::apply_body::{self, BODY_LIMIT, Fields, MAX_TEXT_FIELD, ReadError};
use crate::catalog::query::{JobQuery, MAX_PAGE_SIZE};
use crate::error::{AppError, FieldErrors, bad_request, not_found};

/// The query string as (name, value) pairs, percent-decoded (invalid sequences kept literally).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// A validated job query from the query string.
pub struct JobParams(pub JobQuery);

impl<S: Send + Sync> FromRequestParts<S> for JobParams {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let pairs = query_pairs(parts.uri.query());
        refuse_empty_values(&pairs, TYPED_JOB_PARAMS)?;
        JobQuery::from_pairs(&pairs)
            .map(JobParams)
            .map_err(AppError::Validation)
    }
}

/// The job-query parameters that take a typed value (not free text).
const TYPED_JOB_PARAMS: &[&str] = &[
    "page",
    "page_size",
    "posted_within_days",
    "salary_min",
    "salary_currency",
    "cursor",
    "ordering",
    "job_type",
    "remote_policy",
];

/// An API client sends a typed parameter with a value or not at all (the HTML pages, whose forms
/// send every field, read an empty one as absent): `page=` is a 400 naming it.
fn refuse_empty_values(pairs: &[(String, String)], typed: &[&str]) -> Result<(), AppError> {
    let mut errs = FieldErrors::new();
    for (k, v) in pairs {
        if v.trim().is_empty() && typed.contains(&k.as_str()) && errs.get(k).is_none() {
            errs.add(k.clone(), "Give a value, or leave the parameter out.");
        }
    }
    errs.into_result()
}

/// `page` and `page_size` from the query string.
pub struct PageParams {
    pub page: u32,
    pub page_size: u32,
}

impl<S: Send + Sync> FromRequestParts<S> for PageParams {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let mut out = PageParams {
            page: 1,
            page_size: 20,
        };
        let pairs = query_pairs(parts.uri.query());
        refuse_empty_values(&pairs, &["page", "page_size"])?;
        let mut errs = FieldErrors::new();
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "page" => match v.parse::<u32>() {
                    Ok(p) if (1..=100_000).contains(&p) => out.page = p,
                    _ => errs.add("page", "Must be a whole number from 1."),
                },
                "page_size" => match v.parse::<u32>() {
                    Ok(p) if (1..=MAX_PAGE_SIZE).contains(&p) => out.page_size = p,
                    _ => errs.add(
                        "page_size",
                        format!("Must be a whole number from 1 to {MAX_PAGE_SIZE}."),
                    ),
                },
                _ => {}
            }
        }
        errs.into_result().map(|()| out)
    }
}

/// A path id: anything that is not a UUID names no job (404, not 400).
pub fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| not_found())
}

/// The client's address ([`crate::server::client_ip`]: the peer, or what a trusted proxy
/// forwarded); unspecified in in-process tests.
pub fn client_ip(parts: &Parts) -> IpAddr {
    crate::server::client_ip::of(&parts.extensions)
}

/// A header as text, or a 400 naming it when it is not visible ASCII.
pub fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, AppError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.to_string())).map_err(|_| {
            AppError::from(crate::error::FieldError::new(
                name,
                "Use visible ASCII characters only.",
            ))
        }),
    }
}

/// Reads an application from a `multipart/form-data` or `application/json` body.
pub async fn application_body(req: Request) -> Result<ApplicationInput, AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| bad_request(e.body_text()))?;
        let fields =
            apply_body::read_multipart(mp)
                .await
                .map_err(|refused| match refused.error {
                    ReadError::TooLarge => {
                        AppError::PayloadTooLarge("The resume is larger than 10 MiB.".into())
                    }
                    ReadError::FieldTooLong(name) => {
                        crate::error::invalid(&name, "This field is too long.")
                    }
                    ReadError::NotText(name) => crate::error::invalid(&name, "Must be UTF-8 text."),
                    ReadError::Malformed(why) => {
                        bad_request(format!("Malformed multipart body: {why}"))
                    }
                })?;
        Ok(fields.into_input())
    } else if content_type.starts_with("application/json") {
        json_body(req).await
    } else {
        Err(AppError::UnsupportedMediaType(
            "Send the application as multipart/form-data or application/json.".into(),
        ))
    }
}

async fn json_body(req: Request) -> Result<ApplicationInput, AppError> {
    let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge("The request body is too large.".into()))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad_request(format!("The body is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(bad_request("The body must be a JSON object."));
    };
    let mut fields = Fields::default();
    let mut errs = FieldErrors::new();
    for (k, v) in map {
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(_) | Value::Object(_) => {
                errs.add(&k, "Must be a string, number or boolean.");
                continue;
            }
        };
        if text.len() > MAX_TEXT_FIELD {
            errs.add(&k, "This field is too long.");
            continue;
        }
        fields.values.insert(k, text);
    }
    errs.into_result().map(|()| fields.into_input())
}
