//! Hostile and malformed input to every read endpoint: always a 4xx problem (naming the parameter
//! where there is one), never a 5xx.

use crate::support::TestDb;
use crate::support::api::{app, get, open_draft, posting, tenant};
use axum::http::header;

#[tokio::test]
async fn bad_query_parameters_are_400s_that_name_the_parameter() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    let long = "x".repeat(5000);
    let cases: Vec<(String, Option<&str>)> = vec![
        ("ordering=bogus".into(), Some("ordering")),
        ("ordering=-title".into(), Some("ordering")),
        (
            "ordering=published_at;DROP%20TABLE%20x".into(),
            Some("ordering"),
        ),
        ("salary_min=abc".into(), Some("salary_min")),
        ("salary_min=-5".into(), Some("salary_min")),
        ("salary_min=1e400".into(), Some("salary_min")),
        (
            "salary_min=99999999999999999999999".into(),
            Some("salary_min"),
        ),
        ("page_size=0".into(), Some("page_size")),
        ("page_size=101".into(), Some("page_size")),
        ("page_size=-1".into(), Some("page_size")),
        ("page=0".into(), Some("page")),
        ("page=-3".into(), Some("page")),
        ("page=99999999999999999999".into(), Some("page")),
        ("cursor=abc".into(), Some("cursor")),
        ("salary_currency=euros".into(), Some("salary_currency")),
        ("job_type=bogus".into(), Some("job_type")),
        (
            "job_type=full_time&job_type=FULL_TIME".into(),
            Some("job_type"),
        ),
        ("remote_policy=mars".into(), Some("remote_policy")),
        ("posted_within_days=0".into(), Some("posted_within_days")),
        ("posted_within_days=1.5".into(), Some("posted_within_days")),
        (
            "company=%27%3B%20DROP%20SCHEMA%20public%3B--".into(),
            Some("company"),
        ),
        (format!("q={long}"), Some("q")),
        (format!("location={long}"), Some("location")),
        ("q=a&q=b".into(), Some("q")),
    ];
    for path in ["/api/v1/careers/jobs/", "/api/v1/careers/facets/"] {
        for (qs, field) in &cases {
            let r = get(&app, &format!("{path}?{qs}")).await;
            assert_eq!(r.status.as_u16(), 400, "{path}?{}", &qs[..qs.len().min(80)]);
            assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
            if let Some(f) = field {
                assert!(r.body["errors"][f].is_array(), "{qs:.80}: {}", r.body);
            }
        }
    }
    for qs in ["page=0", "page_size=1000", "page=abc"] {
        let r = get(&app, &format!("/api/v1/careers/companies/?{qs}")).await;
        assert_eq!(r.status.as_u16(), 400, "{qs}");
    }
}

#[tokio::test]
async fn hostile_search_text_is_safe_and_never_a_server_error() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    for qs in [
        "q=%27%3B%20DROP%20TABLE%20public.job_catalog%3B--",
        "q=%22unclosed",
        "q=%21%21%21%26%26%7C%7C%3A*",
        "q=-",
        "q=or%20or%20or",
        "q=%00%01",
        "q=%ZZ%E0%A4%A",
        "q=%F0%9F%98%80%20engineer",
        "q=(a%20%7C%20b)%20%26%20!c",
        "location=%25",
        "location=_",
        "location=%5C",
        "category=%00",
        "q=the",
        "utm_source=x&unknown=1",
        "job_type=&remote_policy=&q=",
        "salary_min=0",
        "posted_within_days=3650",
        "ordering=relevance",
        "ordering=-salary_max&page_size=100",
    ] {
        for path in ["/api/v1/careers/jobs/", "/api/v1/careers/facets/"] {
            let r = get(&app, &format!("{path}?{qs}")).await;
            assert!(r.status.as_u16() < 500, "{path}?{qs}: {}", r.status);
            assert!(
                r.status.is_success() || r.status.as_u16() == 400,
                "{path}?{qs}: {}",
                r.status
            );
        }
    }
    let r = get(&app, "/api/v1/careers/jobs/?q=engineer").await;
    assert_eq!(r.body["count"], 1);
    for path in [
        "/api/v1/careers/jobs/%00/",
        "/api/v1/careers/jobs/..%2F..%2Fetc%2Fpasswd/",
        "/api/v1/careers/companies/%27%20OR%201=1/",
        "/api/v1/careers/companies/UPPER/",
        "/api/v1/careers/page/?company=%27",
    ] {
        let r = get(&app, path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert_eq!(
            r.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
    }
}

#[tokio::test]
async fn control_characters_in_a_path_or_query_are_400s_never_500s() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    for uri in [
        "/companies/%00".to_string(),
        "/companies/acme%00".to_string(),
        format!("/jobs/{job}%0d%0a"),
        "/jobs?q=%00".to_string(),
        "/jobs?location=Berlin%1b".to_string(),
        "/api/v1/careers/jobs/?q=%00".to_string(),
        "/api/v1/careers/companies/%7f/".to_string(),
        "/sitemaps/%00.xml".to_string(),
        "/api/v1/careers/jobs/?salary_min=%C2%84".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 400, "{uri}");
        if uri.starts_with("/api/") {
            assert_eq!(
                r.body["type"], "https://careers.dev/problems/bad-request",
                "{uri}"
            );
            assert!(
                r.body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("control character")
            );
        }
    }
    // An API client sends a typed parameter with a value or not at all.
    for uri in [
        "/api/v1/careers/jobs/?page=",
        "/api/v1/careers/jobs/?salary_currency=",
        "/api/v1/careers/facets/?job_type=",
        "/api/v1/careers/companies/?page_size=",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, 400, "{uri}");
        let field = uri.split('?').nth(1).unwrap().trim_end_matches('=');
        assert!(r.body["errors"][field].is_array(), "{uri}: {}", r.body);
    }
    // Free text may be empty (nothing to search for), as the HTML forms send it.
    assert_eq!(
        get(&app, "/api/v1/careers/jobs/?q=&location=").await.status,
        200
    );
    // A tab in a search (pasted text) is just whitespace.
    assert_eq!(
        get(&app, "/api/v1/careers/jobs/?q=backend%09engineer")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_page_beyond_the_pageable_window_is_a_404_that_says_why() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let app = app(db.state());
    for qs in ["page=501", "q=engineer&page=501", "page=101&page_size=100"] {
        let r = get(&app, &format!("/api/v1/careers/jobs/?{qs}")).await;
        assert_eq!(r.status, 404, "{qs}");
        let detail = r.body["detail"].as_str().unwrap();
        assert!(
            detail.contains("10000") && detail.contains("next"),
            "{qs}: {detail}"
        );
    }
    // A page past the last one says so too.
    let r = get(&app, "/api/v1/careers/jobs/?page=2").await;
    assert_eq!(r.status, 404);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("past the last page")
    );
}
