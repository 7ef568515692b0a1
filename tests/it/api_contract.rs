//! The JSON API against DESIGN §6: field names, types and formats per endpoint, and the HTTP
//! behaviour partners rely on (CORS, ETag/304, caching, problem+json, rate limits, OpenAPI).

use std::sync::Arc;

use crate::support::TestDb;
use crate::support::api::{app, get, open_draft, posting, question, send, tenant};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use careers::api::rate_limit::RateLimiter;
use careers::postings::model::{PostingDraft, QuestionType};
use serde_json::Value;

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn assert_rfc3339_utc(v: &Value) {
    let s = v.as_str().unwrap();
    assert!(s.ends_with('Z'), "{s}");
    chrono::DateTime::parse_from_rfc3339(s).unwrap();
}

const LIST_FIELDS: &[&str] = &[
    "id",
    "title",
    "company",
    "location",
    "remote_policy",
    "job_type",
    "category",
    "salary",
    "published_at",
    "expires_at",
    "url",
    "apply_url",
];

fn assert_list_item(j: &Value) {
    uuid::Uuid::parse_str(j["id"].as_str().unwrap()).unwrap();
    assert!(j["title"].is_string() && j["location"].is_string() && j["category"].is_string());
    assert_eq!(keys(&j["company"]), sorted(&["slug", "name"]));
    assert!(["on_site", "hybrid", "remote"].contains(&j["remote_policy"].as_str().unwrap()));
    assert!(
        [
            "full_time",
            "part_time",
            "contract",
            "internship",
            "temporary"
        ]
        .contains(&j["job_type"].as_str().unwrap())
    );
    assert_rfc3339_utc(&j["published_at"]);
    assert!(j["expires_at"].is_null() || j["expires_at"].is_string());
    let id = j["id"].as_str().unwrap();
    assert_eq!(j["url"], format!("http://127.0.0.1:3000/jobs/{id}"));
    assert_eq!(
        j["apply_url"],
        format!("http://127.0.0.1:3000/jobs/{id}/apply")
    );
    if !j["salary"].is_null() {
        assert_eq!(
            keys(&j["salary"]),
            sorted(&["min", "max", "currency", "period"])
        );
    }
}

#[tokio::test]
async fn the_job_list_has_the_documented_shape_and_links() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    posting(
        &db.pool,
        &acme,
        PostingDraft {
            show_salary: false,
            ..open_draft("Frontend Engineer")
        },
    )
    .await;
    let app = app(db.state());
    let r = get(&app, "/api/v1/careers/jobs/?page_size=1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/json");
    for k in ["count", "next", "previous", "results"] {
        assert!(r.body.get(k).is_some(), "{k} missing");
    }
    assert_eq!(r.body["count"], 2);
    let next = r.body["next"].as_str().unwrap();
    assert!(
        next.starts_with("http://127.0.0.1:3000/api/v1/careers/jobs/?page=2&page_size=1&cursor="),
        "{next}"
    );
    assert!(r.body["previous"].is_null());
    // The next link leads to the second job, and that page is the last.
    let r2 = get(&app, next.trim_start_matches("http://127.0.0.1:3000")).await;
    assert_eq!(r2.body["results"][0]["title"], "Backend Engineer");
    assert!(r2.body["next"].is_null());
    assert_eq!(
        r2.body["previous"],
        "http://127.0.0.1:3000/api/v1/careers/jobs/?page_size=1"
    );
    let first = &r.body["results"][0];
    assert_eq!(keys(first), sorted(LIST_FIELDS));
    assert_list_item(first);
    assert_eq!(first["title"], "Frontend Engineer", "newest first");
    assert!(first["salary"].is_null(), "hidden salary is null");

    let r = get(&app, "/api/v1/careers/jobs/?page_size=1&page=2").await;
    let second = &r.body["results"][0];
    assert_list_item(second);
    assert_eq!(
        second["salary"],
        serde_json::json!({"min": "70000.00", "max": "90000.00", "currency": "EUR", "period": "year"})
    );
    assert!(r.body["next"].is_null());
    assert_eq!(
        r.body["previous"],
        "http://127.0.0.1:3000/api/v1/careers/jobs/?page_size=1"
    );
    assert_eq!(
        first["company"],
        serde_json::json!({"slug": "acme", "name": "Acme Corp"})
    );
}

#[tokio::test]
async fn a_job_detail_has_its_description_company_form_and_consent() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let id = posting(
        &db.pool,
        &acme,
        PostingDraft {
            require_resume: true,
            questions: vec![question(
                "q_level",
                QuestionType::Select,
                true,
                &["junior", "senior"],
            )],
            ..open_draft("Backend Engineer")
        },
    )
    .await;
    let app = app(db.state());
    let r = get(&app, &format!("/api/v1/careers/jobs/{id}/")).await;
    assert_eq!(r.status, StatusCode::OK);
    let mut want: Vec<&str> = LIST_FIELDS.to_vec();
    want.extend([
        "description_html",
        "application_form",
        "consent_text",
        "consent_version",
    ]);
    assert_eq!(keys(&r.body), sorted(&want));
    assert_list_item(&{
        let mut v = r.body.clone();
        v["company"] = serde_json::json!({"slug": "acme", "name": "Acme Corp"});
        v
    });
    assert_eq!(
        keys(&r.body["company"]),
        sorted(&["slug", "name", "logo_url", "website"])
    );
    assert!(
        r.body["description_html"]
            .as_str()
            .unwrap()
            .contains("<strong>")
    );
    assert_eq!(
        r.body["consent_text"],
        careers::tenancy::DEFAULT_CONSENT_TEXT
    );
    let fields = r.body["application_form"]["fields"].as_array().unwrap();
    let allowed = [
        "text", "email", "tel", "url", "textarea", "file", "checkbox", "select",
    ];
    for f in fields {
        assert!(f["name"].is_string() && f["label"].is_string() && f["required"].is_boolean());
        assert!(allowed.contains(&f["type"].as_str().unwrap()), "{f}");
    }
    let by = |n: &str| fields.iter().find(|f| f["name"] == n).unwrap().clone();
    assert_eq!(by("email")["type"], "email");
    assert_eq!(by("resume")["type"], "file");
    assert_eq!(by("resume")["required"], true);
    assert_eq!(by("resume")["max_bytes"], 10 * 1024 * 1024);
    assert!(by("resume")["accept"].as_str().unwrap().contains(".pdf"));
    assert_eq!(
        by("q_level")["options"],
        serde_json::json!(["junior", "senior"])
    );
    assert_eq!(by("consent")["type"], "checkbox");

    for missing in [
        format!("/api/v1/careers/jobs/{}/", uuid::Uuid::new_v4()),
        "/api/v1/careers/jobs/not-a-uuid/".to_string(),
        "/api/v1/careers/jobs/1%27%20OR%201=1/".to_string(),
    ] {
        let r = get(&app, &missing).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(r.body["status"], 404);
    }
}

#[tokio::test]
async fn facets_companies_and_the_career_page_have_the_documented_shapes() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    tenant(&db.pool, "globex", "Globex").await;
    let app = app(db.state());

    let r = get(&app, "/api/v1/careers/facets/?company=acme").await;
    assert_eq!(r.status, StatusCode::OK);
    for k in [
        "job_type",
        "remote_policy",
        "company",
        "location",
        "category",
    ] {
        assert!(r.body[k].is_array(), "{k}");
    }
    assert_eq!(
        r.body["job_type"][0],
        serde_json::json!({"value": "full_time", "count": 1})
    );
    assert_eq!(
        r.body["company"][0],
        serde_json::json!({"value": "acme", "label": "Acme Corp", "count": 1})
    );
    assert_eq!(r.body["location"][0]["value"], "Berlin, Germany");

    let company_fields = sorted(&[
        "slug",
        "name",
        "tagline",
        "description",
        "logo_url",
        "website",
        "brand_color",
        "open_jobs",
        "url",
    ]);
    let r = get(&app, "/api/v1/careers/companies/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["count"], 2);
    assert!(r.body["next"].is_null() && r.body["previous"].is_null());
    let first = &r.body["results"][0];
    assert_eq!(keys(first), company_fields);
    assert_eq!(first["slug"], "acme");
    assert_eq!(first["open_jobs"], 1);
    assert_eq!(first["url"], "http://127.0.0.1:3000/companies/acme");

    let r = get(&app, "/api/v1/careers/companies/acme/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(keys(&r.body), company_fields);
    let page = get(&app, "/api/v1/careers/page/?company=acme").await;
    assert_eq!(page.body, r.body);
    assert_eq!(
        get(&app, "/api/v1/careers/companies/nope/").await.status,
        StatusCode::NOT_FOUND
    );
    let r = get(&app, "/api/v1/careers/page/").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["errors"]["company"].is_array());

    careers::tenants::set_status(&db.pool, "acme", false)
        .await
        .unwrap();
    assert_eq!(
        get(&app, "/api/v1/careers/companies/acme/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/v1/careers/companies/").await.body["count"],
        1
    );
}

#[tokio::test]
async fn gets_carry_etags_and_cache_headers_and_answer_304() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    let r = get(&app, "/api/v1/careers/jobs/").await;
    let etag = r.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.starts_with('"'));
    assert_eq!(r.headers[header::CACHE_CONTROL], "public, max-age=30");
    let r = send(
        &app,
        Request::get("/api/v1/careers/jobs/")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.bytes.is_empty());
    assert_eq!(r.headers[header::ETAG].to_str().unwrap(), etag);
    // A change makes a new ETag.
    posting(&db.pool, &acme, open_draft("Another")).await;
    let r = send(
        &app,
        Request::get("/api/v1/careers/jobs/")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);

    let r = send(
        &app,
        Request::get("/api/v1/careers/jobs/")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn cors_is_open_and_preflight_is_answered() {
    let db = TestDb::new().await;
    let app = app(db.state());
    let r = send(
        &app,
        Request::options("/api/v1/careers/jobs/00000000-0000-0000-0000-000000000000/apply/")
            .header(header::ORIGIN, "https://partner.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type, idempotency-key",
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let methods = r.headers[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_string();
    for m in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(m), "{methods}");
    }
    let allowed = r.headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("idempotency-key"), "{allowed}");
    let r = send(
        &app,
        Request::get("/api/v1/careers/jobs/")
            .header(header::ORIGIN, "https://partner.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    // Not on the HTML site.
    let r = send(
        &app,
        Request::get("/healthz")
            .header(header::ORIGIN, "https://partner.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn every_api_error_is_problem_json() {
    let db = TestDb::new().await;
    let app = app(db.state());
    for (method, uri, status) in [
        (
            "DELETE",
            "/api/v1/careers/jobs/",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "POST",
            "/api/v1/careers/companies/",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "GET",
            "/api/v1/careers/nothing-here/",
            StatusCode::NOT_FOUND,
        ),
        ("GET", "/api/v2/", StatusCode::NOT_FOUND),
        ("GET", "/api/v1/careers/jobs", StatusCode::NOT_FOUND),
        (
            "GET",
            "/api/v1/careers/jobs/?ordering=bogus",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = send(
            &app,
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, status, "{method} {uri}");
        assert_eq!(
            r.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{method} {uri}"
        );
        for k in ["type", "title", "status", "detail"] {
            assert!(r.body.get(k).is_some(), "{method} {uri}: {k}");
        }
        assert_eq!(r.body["status"], status.as_u16());
    }
    let r = get(&app, "/api/v1/careers/jobs/?ordering=bogus&page_size=0").await;
    assert!(r.body["errors"]["ordering"].is_array());
    assert!(r.body["errors"]["page_size"].is_array());
}

#[tokio::test]
async fn clients_over_their_limit_get_429_with_retry_after() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let mut state = db.state();
    state.api_limits = Arc::new(RateLimiter::new(3, 1));
    let app = careers::server::router::build(state);
    for _ in 0..3 {
        assert_eq!(
            get(&app, "/api/v1/careers/jobs/").await.status,
            StatusCode::OK
        );
    }
    let r = get(&app, "/api/v1/careers/jobs/").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");

    let body = serde_json::json!({"first_name": "A", "last_name": "B", "email": "a@example.com", "consent": true});
    assert_eq!(
        crate::support::api::apply_json(&app, job, body.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    let r = crate::support::api::apply_json(&app, job, body).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_api_serves() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    let r = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: Vec<String> = r.body["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut want: Vec<String> = careers::api::PATHS.iter().map(|s| s.to_string()).collect();
    want.sort();
    let mut got = paths.clone();
    got.sort();
    assert_eq!(got, want);
    for (path, item) in r.body["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let codes: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
            assert!(codes.iter().any(|c| c.starts_with('2')), "{method} {path}");
            if path != "/api/v1/openapi.json" {
                assert!(
                    codes.iter().any(|c| *c == "429"),
                    "{method} {path} documents 429"
                );
            }
            // The router serves the documented method on the documented path.
            let uri = path
                .replace("{id}", &job.to_string())
                .replace("{slug}", "acme");
            let uri = if path.ends_with("/page/") {
                format!("{uri}?company=acme")
            } else {
                uri
            };
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .header("content-type", "application/json")
                .body(Body::from(if method == "post" {
                    r#"{"first_name":"A","last_name":"B","email":"o@example.com","consent":true}"#
                } else {
                    ""
                }))
                .unwrap();
            let res = send(&app, req).await;
            assert!(res.status.is_success(), "{method} {uri}: {}", res.status);
        }
    }
    let params: Vec<&str> = r.body["paths"]["/api/v1/careers/jobs/"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in careers::catalog::query::JOB_QUERY_PARAMS {
        assert!(params.contains(p), "{p} not documented: {params:?}");
    }
}
