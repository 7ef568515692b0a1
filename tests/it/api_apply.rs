//! `POST /api/v1/careers/jobs/{id}/apply/` over HTTP: status codes and bodies for every case
//! DESIGN §6 lists.

use crate::support::TestDb;
use crate::support::api::{
    app, apply_json, multipart, open_draft, posting, question, send, set_status, tenant,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use careers::postings::model::{PostingDraft, PostingStatus, QuestionType};
use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;

fn person(email: &str) -> serde_json::Value {
    json!({"first_name": "Jane", "last_name": "Doe", "email": email, "consent": true})
}

async fn post_multipart(
    app: &axum::Router,
    job: Uuid,
    ct: &str,
    body: Vec<u8>,
) -> crate::support::api::Reply {
    send(
        app,
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn problem(r: &crate::support::api::Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(r.body["status"], status.as_u16());
}

#[tokio::test]
async fn a_multipart_application_with_a_resume_is_received() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(
        &db.pool,
        &acme,
        PostingDraft {
            require_resume: true,
            ..open_draft("Backend Engineer")
        },
    )
    .await;
    let app = app(db.state());
    let (ct, body) = multipart(
        &[
            ("first_name", "Jane"),
            ("last_name", "Doe"),
            ("email", "jane@example.com"),
            ("consent", "on"),
            ("utm_source", "partner"),
        ],
        Some(("cv.pdf", b"%PDF-1.4 resume")),
    );
    let r = post_multipart(&app, job, &ct, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "received");
    Uuid::parse_str(r.body["application_id"].as_str().unwrap()).unwrap();
    let mut keys: Vec<_> = r.body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, vec!["application_id", "status"]);

    // Same person, other letter case: 409, nothing new stored.
    let (ct, body) = multipart(
        &[
            ("first_name", "Jane"),
            ("last_name", "Doe"),
            ("email", "JANE@EXAMPLE.COM"),
            ("consent", "true"),
        ],
        Some(("cv.pdf", b"%PDF-1.4 resume")),
    );
    let r = post_multipart(&app, job, &ct, body).await;
    problem(&r, StatusCode::CONFLICT);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("already applied")
    );
}

#[tokio::test]
async fn bad_applications_get_the_documented_status() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(
        &db.pool,
        &acme,
        PostingDraft {
            questions: vec![question("q_years", QuestionType::Text, true, &[])],
            ..open_draft("Backend Engineer")
        },
    )
    .await;
    let app = app(db.state());

    let mut no_consent = person("a@example.com");
    no_consent["consent"] = json!(false);
    no_consent["q_years"] = json!("5");
    let r = apply_json(&app, job, no_consent).await;
    problem(&r, StatusCode::BAD_REQUEST);
    assert!(r.body["errors"]["consent"].is_array());

    let mut bad_email = person("jane-at-example");
    bad_email["q_years"] = json!("5");
    let r = apply_json(&app, job, bad_email).await;
    problem(&r, StatusCode::BAD_REQUEST);
    assert!(r.body["errors"]["email"].is_array());

    let r = apply_json(&app, job, person("a@example.com")).await;
    problem(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.body["errors"]["q_years"].is_array(),
        "required custom answer"
    );

    // A ZIP renamed .pdf.
    let zip = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"hello").unwrap();
        w.finish().unwrap();
        buf.into_inner()
    };
    let fields = [
        ("first_name", "A"),
        ("last_name", "B"),
        ("email", "z@example.com"),
        ("consent", "true"),
        ("q_years", "3"),
    ];
    let (ct, body) = multipart(&fields, Some(("cv.pdf", &zip)));
    problem(
        &post_multipart(&app, job, &ct, body).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    );

    // Oversize resume: refused while streaming.
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let (ct, body) = multipart(&fields, Some(("cv.txt", &big)));
    problem(
        &post_multipart(&app, job, &ct, body).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    // Oversize body announced by Content-Length.
    let r = send(
        &app,
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, "20000000")
            .body(Body::from(vec![b' '; 20_000_000]))
            .unwrap(),
    )
    .await;
    problem(&r, StatusCode::PAYLOAD_TOO_LARGE);

    let r = send(
        &app,
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("hi"))
            .unwrap(),
    )
    .await;
    problem(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = send(
        &app,
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap(),
    )
    .await;
    problem(&r, StatusCode::BAD_REQUEST);

    let mut ok = person("a@example.com");
    ok["q_years"] = json!("5");
    assert_eq!(apply_json(&app, job, ok).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_response() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    let req = || {
        Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", "3f1c-retry")
            .body(Body::from(person("jane@example.com").to_string()))
            .unwrap()
    };
    let first = send(&app, req()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = send(&app, req()).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body, first.body);
    // The same key with another application: 422, nothing stored.
    let other = Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", "3f1c-retry")
        .body(Body::from(person("someone@example.com").to_string()))
        .unwrap();
    problem(&send(&app, other).await, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the key the same application is a duplicate.
    problem(
        &apply_json(&app, job, person("jane@example.com")).await,
        StatusCode::CONFLICT,
    );
}

#[tokio::test]
async fn closed_expired_and_unknown_jobs_are_not_found() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let closed = posting(&db.pool, &acme, open_draft("Closed")).await;
    set_status(&db.pool, &acme, closed, PostingStatus::Closed).await;
    let expired = posting(
        &db.pool,
        &acme,
        PostingDraft {
            published_at: Some(Utc::now() - Duration::days(3)),
            expires_at: Some(Utc::now() - Duration::hours(1)),
            ..open_draft("Expired")
        },
    )
    .await;
    let app = app(db.state());
    for job in [closed, expired, Uuid::new_v4()] {
        problem(
            &apply_json(&app, job, person("a@example.com")).await,
            StatusCode::NOT_FOUND,
        );
    }
    let r = send(
        &app,
        Request::post("/api/v1/careers/jobs/not-a-uuid/apply/")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(person("a@example.com").to_string()))
            .unwrap(),
    )
    .await;
    problem(&r, StatusCode::NOT_FOUND);
}
