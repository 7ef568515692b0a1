//! Fixtures shared by the API and intake tests: tenants and postings created through the real
//! paths (`tenancy::create`, `postings::save`).

use careers::postings::model::{
    JobType, PostingDraft, PostingStatus, Question, QuestionType, RemotePolicy,
};
use careers::tenancy::{self, Tenant};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn tenant(pool: &PgPool, slug: &str, name: &str) -> Tenant {
    tenancy::create(pool, slug, name, &[]).await.unwrap()
}

/// An open, published draft with a shown salary.
pub fn open_draft(title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        description: format!("We are hiring a **{title}**. Work on interesting problems."),
        location: "Berlin, Germany".into(),
        remote_policy: RemotePolicy::Hybrid,
        job_type: JobType::FullTime,
        category: "Engineering".into(),
        salary_min: Some(Decimal::new(7_000_000, 2)),
        salary_max: Some(Decimal::new(9_000_000, 2)),
        salary_currency: Some("EUR".into()),
        status: PostingStatus::Open,
        ..Default::default()
    }
}

// Not every test binary that includes this module uses both.
#[allow(unused_imports)]
pub use crate::support::{posting, set_status};

pub fn question(name: &str, kind: QuestionType, required: bool, options: &[&str]) -> Question {
    Question {
        name: name.into(),
        label: format!("Question {name}"),
        kind,
        required,
        options: options.iter().map(|s| s.to_string()).collect(),
    }
}

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use careers::api::rate_limit::RateLimiter;
use careers::state::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The real router over `state` with rate limits lifted (tests set their own when they test them).
pub fn app(mut state: AppState) -> Router {
    state.api_limits = Arc::new(RateLimiter::new(0, 0));
    careers::server::router::build(state)
}

/// A response, its headers and its body (JSON when it parses, else `Null`).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: serde_json::Value,
    pub bytes: Vec<u8>,
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        body,
        bytes,
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// POSTs a JSON application to a job.
pub async fn apply_json(app: &Router, job: Uuid, body: serde_json::Value) -> Reply {
    send(
        app,
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// A multipart body with text fields and an optional file part named `resume`.
pub fn multipart(fields: &[(&str, &str)], resume: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    crate::support::site::multipart(
        fields,
        resume.map(|(name, data)| ("resume", name, "application/pdf", data)),
    )
}
