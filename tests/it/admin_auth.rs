//! Admin sign-in: generic errors, lockout, session cycling, cookie policy, logout, `next`.

use std::time::{Duration, Instant};

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::{StatusCode, header};
use careers::web::admin::login::INVALID_LOGIN;

async fn attempt(app: &axum::Router, email: &str, password: &str) -> (Page, Duration) {
    let form = send(app, get_req("/admin/login", None)).await;
    let cookie = form.session_cookie().unwrap();
    let start = Instant::now();
    let res = send(
        app,
        post_req(
            "/admin/login",
            Some(&cookie),
            &[
                ("_csrf", &form.csrf()),
                ("email", email),
                ("password", password),
            ],
        ),
    )
    .await;
    (res, start.elapsed())
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_message_and_cost() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let (wrong, t_wrong) = attempt(&app, &t.email, "not the password").await;
    let (unknown, t_unknown) = attempt(&app, "nobody@acme.example", "not the password").await;
    for res in [&wrong, &unknown] {
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.body.contains(INVALID_LOGIN), "{}", res.body);
        assert!(res.session_cookie().is_none() || !res.body.contains("Sign out"));
    }
    // Both paths run one Argon2 verification; an unknown email must not answer much faster.
    println!("wrong password {t_wrong:?}, unknown email {t_unknown:?}");
    assert!(
        t_unknown * 3 > t_wrong,
        "unknown email answered in {t_unknown:?}, wrong password in {t_wrong:?}"
    );
    // The email stays in the form, the password does not.
    assert!(wrong.body.contains(&format!("value=\"{}\"", t.email)));
    assert!(!wrong.body.contains("not the password"));
}

#[tokio::test]
async fn five_failures_lock_the_account_for_that_client_with_a_clear_message_even_for_the_right_password()
 {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    for _ in 0..4 {
        let (res, _) = attempt(&app, &t.email, "wrong password!").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let (fifth, _) = attempt(&app, &t.email, "wrong password!").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        fifth.body.contains("locked for 15 minutes"),
        "{}",
        fifth.body
    );
    assert!(fifth.body.contains("from this device"), "{}", fifth.body);
    assert!(
        fifth.body.contains("Forgot your password?"),
        "{}",
        fifth.body
    );
    let (right, _) = attempt(&app, &t.email, PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers.contains_key(header::RETRY_AFTER));
    // Locked for this client only: the account itself is not (see admin_password for others).
    let locked: bool = sqlx::query_scalar(
        "SELECT coalesce(locked_until > now(), false) FROM public.hr_users WHERE email = $1",
    )
    .bind(&t.email)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(!locked);
    // An unknown address locks out the same way, so lockout reveals nothing.
    for _ in 0..4 {
        attempt(&app, "ghost@acme.example", "wrong password!").await;
    }
    let (ghost, _) = attempt(&app, "ghost@acme.example", "wrong password!").await;
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(ghost.body.contains("locked for 15 minutes"));
    // An administrator's password reset lifts the lock.
    careers::auth::reset_password(&db.pool, "acme", &t.email, PASSWORD)
        .await
        .unwrap();
    sign_in(&app, &t.email).await;
}

#[tokio::test]
async fn one_client_is_slowed_down_after_many_failures_across_accounts() {
    let db = TestDb::new().await;
    let app = router(db.state());
    tenant_with_user(&db.pool, "acme").await;
    let mut last = None;
    for i in 0..21 {
        let (res, _) = attempt(&app, &format!("user{i}@acme.example"), "wrong password!").await;
        last = Some(res);
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.body.contains("from your network"), "{}", last.body);
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_the_old_one_is_worthless() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let form = send(&app, get_req("/admin/login", None)).await;
    let before = form.session_cookie().unwrap();
    let res = send(
        &app,
        post_req(
            "/admin/login",
            Some(&before),
            &[
                ("_csrf", &form.csrf()),
                ("email", &t.email),
                ("password", PASSWORD),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = res.session_cookie().unwrap();
    assert_ne!(before, after, "the session id was not cycled");
    let old = send(&app, get_req("/admin", Some(&before))).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    let new = send(&app, get_req("/admin", Some(&after))).await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(new.body.contains("acme Corp"));
}

#[tokio::test]
async fn the_session_cookie_is_httponly_lax_scoped_to_admin_and_secure_on_https() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let page = send(&app, get_req("/admin/login", None)).await;
    let cookie = page
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/admin"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Max-Age=28800"), "{cookie}");

    let mut settings = careers::config::Settings::from_lookup(None, |k| {
        (k == "CAREERS_PUBLIC_URL").then(|| "https://careers.example".to_string())
    })
    .unwrap();
    settings.data_dir = std::env::temp_dir();
    let https = router(careers::state::AppState::new(db.pool.clone(), settings));
    let page = send(&https, get_req("/admin/login", None)).await;
    let cookie = page
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    // The public site sets no cookie at all.
    let home = send(&app, get_req("/", None)).await;
    assert!(home.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let res = c.post("/admin/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/admin/login");
    assert_eq!(c.get("/admin").await.status, StatusCode::SEE_OTHER);
    // Logging out by GET is not a thing: nothing changes on GET.
    let c = sign_in(&app, &t.email).await;
    let res = c.get("/admin/logout").await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/admin").await.status, StatusCode::OK);
}

#[tokio::test]
async fn after_signing_in_the_user_returns_to_the_admin_page_they_asked_for_only() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let res = send(&app, get_req("/admin/jobs?status=open", None)).await;
    assert_eq!(
        res.location(),
        "/admin/login?next=%2Fadmin%2Fjobs%3Fstatus%3Dopen"
    );
    for (next, expected) in [
        ("/admin/jobs?status=open", "/admin/jobs?status=open"),
        ("https://evil.example/", "/admin"),
        ("//evil.example", "/admin"),
    ] {
        let form = send(&app, get_req("/admin/login", None)).await;
        let cookie = form.session_cookie().unwrap();
        let res = send(
            &app,
            post_req(
                "/admin/login",
                Some(&cookie),
                &[
                    ("_csrf", &form.csrf()),
                    ("email", &t.email),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            ),
        )
        .await;
        assert_eq!(res.location(), expected);
    }
}

#[tokio::test]
async fn a_form_without_its_token_gets_a_readable_403_page_and_changes_nothing() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let mut req = post_req(
        "/admin/career-page",
        Some(&c.cookie),
        &[
            ("_csrf", "0000"),
            ("name", "Hijacked"),
            ("consent_text", "x"),
        ],
    );
    req.headers_mut()
        .insert(header::ACCEPT, "text/html,*/*".parse().unwrap());
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(res.body.contains("Reload the page and try again"));
    let name: String = sqlx::query_scalar("SELECT name FROM public.tenants WHERE slug = 'acme'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(name, "acme Corp");
}
