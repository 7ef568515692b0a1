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
    if path.ends_with("/team") && path.starts_with("/admin/jobs/") {
        vec![
            ("action", "remove"),
            ("user", "00000000-0000-0000-0000-000000000000"),
        ]
    } else if path == "/admin/team" {
        vec![
            ("action", "invite"),
            ("email", "new@x.example"),
            ("role", "owner"),
        ]
    } else if path.starts_with("/admin/jobs/new") {
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
            _ => {
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
        } else if route.method == Method::GET && route.access != Access::Anyone {
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

/// Everything of one tenant a refused request must leave as it was.
#[derive(Debug, PartialEq)]
struct TenantState {
    jobs: Vec<(String, String, i64)>,
    stages: Vec<String>,
    events: i64,
    team: i64,
    members: Vec<(String, String, bool, i32)>,
    invitations: i64,
    career_page: Option<String>,
}

async fn tenant_state(pool: &PgPool, t: &careers::tenancy::Tenant) -> TenantState {
    let mut ttx = t.begin(pool).await.unwrap();
    let jobs = sqlx::query_as("SELECT title, status, version FROM job_postings ORDER BY id")
        .fetch_all(&mut *ttx)
        .await
        .unwrap();
    let stages = sqlx::query_scalar("SELECT stage FROM applications ORDER BY id")
        .fetch_all(&mut *ttx)
        .await
        .unwrap();
    let events = sqlx::query_scalar("SELECT count(*) FROM application_events")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    let team = sqlx::query_scalar("SELECT count(*) FROM job_team")
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    let career_page = sqlx::query_scalar("SELECT tagline FROM career_page")
        .fetch_optional(&mut *ttx)
        .await
        .unwrap()
        .flatten();
    let members = sqlx::query_as(
        "SELECT email, role, deactivated_at IS NULL, session_epoch FROM public.hr_users
          WHERE tenant_id = $1 ORDER BY email",
    )
    .bind(t.id)
    .fetch_all(&mut *ttx)
    .await
    .unwrap();
    let invitations =
        sqlx::query_scalar("SELECT count(*) FROM public.invitations WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    ttx.commit().await.unwrap();
    TenantState {
        jobs,
        stages,
        events,
        team,
        members,
        invitations,
        career_page,
    }
}

/// The role dimension: every admin route × every role is allowed or refused as the permission
/// matrix says (refused: 403 naming the role, and nothing of the tenant changes); a hiring
/// manager reaches only the applications of the jobs they are on (others: 404, unchanged), and
/// only to read, note and score them.
#[tokio::test]
async fn every_admin_route_allows_each_role_only_what_it_may() {
    use careers::auth::roles::Role;
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "alpha").await;
    let recruiter = member(&db.pool, &owner, "recruiter").await;
    let manager = member(&db.pool, &owner, "hiring_manager").await;
    let t = &owner.tenant;
    let mine = create_job(&db.pool, t, "Managed Role", PostingStatus::Open).await;
    let theirs = create_job(&db.pool, t, "Unassigned Role", PostingStatus::Open).await;
    let mine_app = apply(&db.pool, t, mine, "Mina", "Mine", "mina@x.example").await;
    let theirs_app = apply(&db.pool, t, theirs, "Theo", "Hidden", "theo@x.example").await;
    let manager_id = user_id(&db.pool, &manager).await;
    {
        let mut ttx = t.begin(&db.pool).await.unwrap();
        careers::postings::team::add(&mut ttx, t.id, mine, manager_id)
            .await
            .unwrap()
            .unwrap();
        ttx.commit().await.unwrap();
    }
    let clients = [
        (Role::Owner, sign_in(&app, &owner.email).await),
        (Role::Recruiter, sign_in(&app, &recruiter).await),
        (Role::HiringManager, sign_in(&app, &manager).await),
    ];
    let mut refused = 0;
    for route in route_list().iter().filter(|r| r.access != Access::Anyone) {
        for (role, client) in &clients {
            let ctx = format!("{} {} as {role:?}", route.method, route.path);
            // The out-of-scope job and application: only a hiring manager is kept from them.
            let path = target(route, theirs, theirs_app);
            let form = mutating_form(route.path);
            if !role.may(route.access) {
                let before = tenant_state(&db.pool, t).await;
                let res = if route.method == Method::POST {
                    client.post(&path, &form).await
                } else {
                    client.get(&path).await
                };
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{ctx}: {}", res.body);
                assert!(res.body.contains("Your role"), "{ctx}: {}", res.body);
                assert!(!res.body.contains("Theo"), "{ctx}");
                assert_eq!(
                    tenant_state(&db.pool, t).await,
                    before,
                    "{ctx} changed data"
                );
                refused += 1;
            } else if route.method == Method::GET {
                let res = client.get(&path).await;
                let want = if *role == Role::HiringManager && route.path.contains("{id}") {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::OK
                };
                assert_eq!(res.status, want, "{ctx}: {}", res.body);
                if *role == Role::HiringManager {
                    assert!(
                        !res.body.contains("Theo") && !res.body.contains("Unassigned Role"),
                        "{ctx}"
                    );
                }
            }
        }
    }
    assert!(refused >= 15, "only {refused} refusals checked");

    // The hiring manager on their own job: reads it, its resume, notes and scores it...
    let hm = &clients[2].1;
    let own = format!("/admin/applications/{mine_app}");
    let page = hm.get(&own).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Mina") && !page.body.contains("Move to"),
        "{}",
        page.body
    );
    assert_eq!(
        hm.get(&format!("{own}/resume")).await.status,
        StatusCode::OK
    );
    let res = hm
        .post(&own, &[("action", "note"), ("note", "Strong portfolio")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = hm
        .post(
            &own,
            &[("action", "scorecard"), ("rating", "4"), ("notes", "Good")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // ...but does not move it, and cannot note another job's application.
    let before = tenant_state(&db.pool, t).await;
    let res = hm
        .post(&own, &[("action", "stage"), ("stage", "rejected")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let other = format!("/admin/applications/{theirs_app}");
    let res = hm
        .post(&other, &[("action", "note"), ("note", "peek")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = hm.get(&format!("/admin/applications?job={theirs}")).await;
    assert!(!res.body.contains("Theo"));
    assert_eq!(tenant_state(&db.pool, t).await, before);
    // The list and dashboard show their job only.
    let list = hm.get("/admin/applications").await;
    assert!(list.body.contains("Mina") && !list.body.contains("Theo"));
    assert!(!list.body.contains("/admin/applications/bulk"));
    let dash = hm.get("/admin").await;
    assert!(dash.body.contains("Managed Role") && !dash.body.contains("Unassigned Role"));
    assert!(
        !dash.body.contains("href=\"/admin/jobs\""),
        "the nav offers what the role cannot use"
    );
}
