//! Admin errors as admin pages: a browser gets an admin HTML page with the right status, the
//! field named, what to do, and its navigation; an API client keeps problem+json; nothing
//! changes on a refusal.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use careers::postings::model::PostingStatus;

const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn browser(method: &str, path: &str, c: &Client, pairs: &[(&str, &str)]) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, ORIGIN)
        .header(header::COOKIE, &c.cookie)
        .header(header::ACCEPT, HTML);
    if method == "POST" {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", c.csrf.as_str())];
        all.extend_from_slice(pairs);
        b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(&all)))
            .unwrap()
    } else {
        b.body(Body::empty()).unwrap()
    }
}

fn content_type(p: &Page) -> String {
    p.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_refused_admin_request_is_an_admin_page_for_browsers_and_problem_json_for_clients() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let id = apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let path = format!("/admin/applications/{id}");

    // An unknown stage from a browser: a 400 admin page naming the field, with the navigation.
    let page = send(
        &app,
        browser(
            "POST",
            &path,
            &c,
            &[("action", "stage"), ("stage", "bogus")],
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        content_type(&page).starts_with("text/html"),
        "{}",
        page.body
    );
    assert!(page.body.contains("stage: use one of"), "{}", page.body);
    assert!(page.body.contains("check the values"), "{}", page.body);
    assert!(
        page.body.contains("class=\"admin-nav\""),
        "navigation: {}",
        page.body
    );
    assert!(page.body.contains("acme Corp"), "{}", page.body);
    assert!(page.body.contains("aria-current=\"page\""), "{}", page.body);
    assert!(page.body.contains("noindex"), "{}", page.body);
    // Nothing changed.
    let stage: String = {
        let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
        sqlx::query_scalar("SELECT stage FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *ttx)
            .await
            .unwrap()
    };
    assert_eq!(stage, "new");

    // The same refusal for a client that did not ask for HTML: problem+json, unchanged.
    let res = c
        .post(&path, &[("action", "stage"), ("stage", "bogus")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&res), "application/problem+json");
    let problem: serde_json::Value = serde_json::from_slice(&res.bytes).unwrap();
    assert!(problem["errors"]["stage"][0].is_string(), "{problem}");

    // A bodyless router answer (wrong method) gets words and keeps its `Allow` header.
    let page = send(&app, browser("GET", "/admin/logout", &c, &[])).await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(content_type(&page).starts_with("text/html"));
    assert!(page.body.contains("Not available"), "{}", page.body);
    assert!(
        page.headers.contains_key(header::ALLOW),
        "{:?}",
        page.headers
    );

    // A page that was already HTML (another tenant's or a missing id) stays as it was: 404.
    let missing = format!("/admin/applications/{}", uuid::Uuid::now_v7());
    let page = send(&app, browser("GET", &missing, &c, &[])).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("There is nothing here"), "{}", page.body);

    // Signed out, a browser is still sent to the login form, not shown an error.
    let mut anonymous = browser("GET", "/admin/applications", &c, &[]);
    anonymous.headers_mut().remove(header::COOKIE);
    let res = send(&app, anonymous).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}
