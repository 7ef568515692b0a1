//! Tenant isolation of the admin, table-driven over every admin route the router has
//! (`careers::web::admin::route_list`): a new route is checked the moment it exists.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use careers::postings::model::PostingStatus;
use careers::web::admin::{Access, AdminRoute, route_list};
use sqlx::PgPool;
use uuid::Uuid;

/// Everything of tenant B that A must not reach or change.
#[derive(Debug, PartialEq)]
struct Snapshot {
    job: (String, String, i64, Option<chrono::DateTime<chrono::Utc>>),
    application_stage: String,
    events: i64,
    catalog_rows: i64,
}

async fn snapshot(pool: &PgPool, b: &careers::tenancy::Tenant) -> Snapshot {
    let mut ttx = b.begin(pool).await.unwrap();
    let job = sqlx::query_as("SELECT title, status, version, deleted_at FROM job_postings")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    let application_stage = sqlx::query_scalar("SELECT stage FROM applications")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    let events = sqlx::query_scalar("SELECT count(*) FROM application_events")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    let catalog_rows =
        sqlx::query_scalar("SELECT count(*) FROM public.job_catalog WHERE tenant_id = $1")
            .bind(b.id)
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    ttx.commit().await.unwrap();
    Snapshot {
        job,
        application_stage,
        events,
        catalog_rows,
    }
}

/// The concrete path of `route` aimed at tenant B's objects.
fn target(route: &AdminRoute, job: Uuid, application: Uuid) -> String {
    if !route.path.contains('{') {
        return route.path.to_string();
    }
    let id = if route.path.starts_with("/admin/jobs/") {
        job
    } else if route.path.starts_with("/admin/applications/") {
        application
    } else {
        panic!(
            "{} has a path parameter this test does not know: give it an id of tenant B",
            route.path
        )
    };
    route.path.replace("{id}", &id.to_string())
}

/// A form that would change something if it reached the handler.
fn mutating_form(path: &str) -> Vec<(&'static str, &'static str)> {
    if path.starts_with("/admin/jobs/new") {
        vec![
            ("title", "Injected"),
            ("remote_policy", "on_site"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "open"),
        ]
    } else if path.starts_with("/admin/jobs/") {
        vec![("action", "close"), ("version", "1")]
    } else if path.starts_with("/admin/applications/") {
        vec![("action", "stage"), ("stage", "rejected")]
    } else if path == "/admin/career-page" {
        vec![("name", "Injected"), ("consent_text", "x")]
    } else {
        vec![
            ("email", "x@example.com"),
            ("password", "whatever password"),
        ]
    }
}

fn request(
    method: &Method,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    accept: Option<&str>,
    pairs: &[(&str, &str)],
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, "127.0.0.1:3000");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    if let Some(a) = accept {
        b = b.header(header::ACCEPT, a);
    }
    if *method == Method::POST {
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        b.body(Body::from(form_body(pairs))).unwrap()
    } else {
        b.body(Body::empty()).unwrap()
    }
}

#[tokio::test]
async fn every_admin_route_keeps_tenants_apart_and_refuses_forged_or_anonymous_requests() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let a = tenant_with_user(&db.pool, "alpha").await;
    let b = tenant_with_user(&db.pool, "bravo").await;
    create_job(&db.pool, &a.tenant, "Alpha Engineer", PostingStatus::Open).await;
    let b_job = create_job(
        &db.pool,
        &b.tenant,
        "Bravo Secret Role",
        PostingStatus::Open,
    )
    .await;
    let b_app = apply(
        &db.pool,
        &b.tenant,
        b_job,
        "Brenda",
        "Bravocandidate",
        "brenda@x.example",
    )
    .await;
    let before = snapshot(&db.pool, &b.tenant).await;
    let alice = sign_in(&app, &a.email).await;
    let tampered = {
        let (name, value) = alice.cookie.split_once('=').unwrap();
        let mut v: Vec<char> = value.chars().collect();
        let last = v.len() - 1;
        v[last] = if v[last] == 'A' { 'B' } else { 'A' };
        format!("{name}={}", v.into_iter().collect::<String>())
    };

    let routes = route_list();
    assert!(routes.len() >= 14, "the admin has lost routes: {routes:?}");
    let mut checked = 0;
    for route in &routes {
        let path = target(route, b_job, b_app);
        let form = mutating_form(route.path);
        let ctx = format!("{} {}", route.method, route.path);
        match route.access {
            Access::Anyone => {
                if route.method == Method::GET {
                    let res =
                        send(&app, request(&route.method, &path, None, None, None, &[])).await;
                    assert_eq!(res.status, StatusCode::OK, "{ctx}");
                }
            }
            Access::SignedIn => {
                // Anonymous: pages redirect to the login form, JSON clients get 401.
                let res = send(
                    &app,
                    request(&route.method, &path, None, Some(ORIGIN), None, &form),
                )
                .await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{ctx} anonymous");
                assert!(
                    res.location().starts_with("/admin/login?next=%2Fadmin"),
                    "{ctx}: {}",
                    res.location()
                );
                let res = send(
                    &app,
                    request(
                        &route.method,
                        &path,
                        None,
                        Some(ORIGIN),
                        Some("application/json"),
                        &form,
                    ),
                )
                .await;
                assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{ctx} anonymous JSON");
                // A tampered session cookie is no session at all.
                let res = send(
                    &app,
                    request(
                        &route.method,
                        &path,
                        Some(&tampered),
                        Some(ORIGIN),
                        None,
                        &form,
                    ),
                )
                .await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{ctx} tampered cookie");
                assert!(res.location().starts_with("/admin/login"), "{ctx}");
            }
        }
        if route.method == Method::POST {
            // No CSRF token: 403, even for a signed-in user.
            let res = send(
                &app,
                request(
                    &route.method,
                    &path,
                    Some(&alice.cookie),
                    Some(ORIGIN),
                    None,
                    &form,
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{ctx} without token");
            // A valid token sent from another site: 403.
            let mut with_token = vec![("_csrf", alice.csrf.as_str())];
            with_token.extend_from_slice(&form);
            let res = send(
                &app,
                request(
                    &route.method,
                    &path,
                    Some(&alice.cookie),
                    Some("https://evil.example"),
                    None,
                    &with_token,
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{ctx} foreign origin");
            let mut req = request(
                &route.method,
                &path,
                Some(&alice.cookie),
                None,
                None,
                &with_token,
            );
            req.headers_mut()
                .insert("sec-fetch-site", "cross-site".parse().unwrap());
            let res = send(&app, req).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{ctx} cross-site fetch");
        }
        if route.path.contains("{id}") {
            // Tenant A asking for tenant B's job or application: 404, with or without a token.
            let mut with_token = vec![("_csrf", alice.csrf.as_str())];
            with_token.extend_from_slice(&form);
            let res = send(
                &app,
                request(
                    &route.method,
                    &path,
                    Some(&alice.cookie),
                    Some(ORIGIN),
                    None,
                    &with_token,
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{ctx} cross-tenant");
            assert!(
                !res.body.contains("Bravo Secret Role") && !res.body.contains("Bravocandidate"),
                "{ctx}"
            );
        } else if route.method == Method::GET && route.access == Access::SignedIn {
            let res = alice.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{ctx}");
            assert!(
                !res.body.contains("Bravo Secret Role") && !res.body.contains("Bravocandidate"),
                "{ctx} shows tenant B's data"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, routes.len());
    // Also by a filter naming B's job: nothing of B.
    let res = alice.get(&format!("/admin/applications?job={b_job}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("Bravocandidate"));
    assert_eq!(
        snapshot(&db.pool, &b.tenant).await,
        before,
        "tenant B's data changed"
    );
    // And A's own session still works after all of that.
    assert_eq!(alice.get("/admin/jobs").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_session_is_not_honoured_on_another_tenants_domain() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let a = tenant_with_user(&db.pool, "alpha").await;
    tenancy_domain(&db.pool, "bravo", "jobs.bravo.example").await;
    let alice = sign_in(&app, &a.email).await;
    let mut req = get_req("/admin", Some(&alice.cookie));
    req.headers_mut()
        .insert(header::HOST, "jobs.bravo.example".parse().unwrap());
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/admin/login"));
    // On the platform's own host the same session still works.
    assert_eq!(alice.get("/admin").await.status, StatusCode::OK);
    // Signing in on B's domain with A's (correct) password fails like a wrong password.
    let on_b = |mut req: Request<Body>| {
        req.headers_mut()
            .insert(header::HOST, "jobs.bravo.example".parse().unwrap());
        req
    };
    let form = send(&app, on_b(get_req("/admin/login", None))).await;
    let cookie = form.session_cookie().unwrap();
    let mut req = on_b(post_req(
        "/admin/login",
        Some(&cookie),
        &[
            ("_csrf", &form.csrf()),
            ("email", &a.email),
            ("password", PASSWORD),
        ],
    ));
    req.headers_mut()
        .insert(header::ORIGIN, "http://jobs.bravo.example".parse().unwrap());
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert!(res.body.contains(careers::web::admin::login::INVALID_LOGIN));
}

async fn tenancy_domain(pool: &PgPool, slug: &str, host: &str) {
    careers::tenancy::create(pool, slug, "Bravo", &[host.to_string()])
        .await
        .unwrap();
}
