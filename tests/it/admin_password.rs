//! Password reset and account security: "Forgot your password?" mails a single-use link that
//! expires, the answer never says whether the address has an account, the new password ends every
//! other session; a client guessing one account is locked out of it alone, and the account locks
//! for everyone only at its ceiling, which a reset lifts.

use std::net::SocketAddr;

use crate::support::TestDb;
use crate::support::admin::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use careers::auth::limiter::{ACCOUNT_CEILING, MAX_FAILURES_PER_ACCOUNT};
use careers::web::admin::password::SENT;

/// A request as if from `ip` (the socket peer the server sees).
fn from(ip: &str, mut req: Request<Body>) -> Request<Body> {
    let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

/// One sign-in through the login form from `ip`.
async fn sign_in_from(app: &axum::Router, ip: &str, email: &str, password: &str) -> Page {
    let form = send(app, from(ip, get_req("/admin/login", None))).await;
    let cookie = form.session_cookie().unwrap();
    let pairs = [
        ("_csrf", form.csrf()),
        ("email", email.to_string()),
        ("password", password.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send(
        app,
        from(ip, post_req("/admin/login", Some(&cookie), &pairs)),
    )
    .await
}

fn token_of(mail: &str) -> String {
    link_token(mail, "/admin/reset?token=")
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_other_session() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let other_device = sign_in(&app, &t.email).await;

    // The login page offers the way in.
    let login = send(&app, get_req("/admin/login", None)).await;
    assert!(
        login.body.contains("href=\"/admin/forgot\""),
        "{}",
        login.body
    );

    // Known and unknown addresses get the same answer; only the known one gets a mail.
    let known = post_form(
        &app,
        "/admin/forgot",
        "/admin/forgot",
        &[("email", " HR@acme.example ")],
    )
    .await;
    let unknown = post_form(
        &app,
        "/admin/forgot",
        "/admin/forgot",
        &[("email", "ghost@acme.example")],
    )
    .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(known.body.contains(SENT) && unknown.body.contains(SENT));
    assert!(mails_to(&db.pool, "ghost@acme.example").await.is_empty());
    let mails = mails_to(&db.pool, &t.email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains("expires in 60 minutes"), "{}", mails[0]);
    let token = token_of(&mails[0]);
    assert_eq!(token.len(), 64);
    // Only a digest of the token is stored.
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM public.password_resets WHERE token_hash = $1")
            .bind(&token)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);

    let reset_page = format!("/admin/reset?token={token}");
    let form = send(&app, get_req(&reset_page, None)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Choose a new password"), "{}", form.body);
    // Refusals keep the link usable.
    let res = post_form(
        &app,
        &reset_page,
        "/admin/reset",
        &[
            ("token", &token),
            ("password", "brand new password"),
            ("confirm", "brand new passwort"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("not the same"), "{}", res.body);
    let res = post_form(
        &app,
        &reset_page,
        "/admin/reset",
        &[
            ("token", &token),
            ("password", "short"),
            ("confirm", "short"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("at least 10 characters"), "{}", res.body);
    // The new password.
    let new_password = "a brand new password";
    let res = post_form(
        &app,
        &reset_page,
        "/admin/reset",
        &[
            ("token", &token),
            ("password", new_password),
            ("confirm", new_password),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/login?reset=done");
    let done = send(&app, get_req("/admin/login?reset=done", None)).await;
    assert!(
        done.body.contains("Your password was changed"),
        "{}",
        done.body
    );

    // The session signed in before is over; the old password no longer works, the new one does.
    let res = other_device.get("/admin").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "an old session still works"
    );
    let res = sign_in_from(&app, "10.0.0.1", &t.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = sign_in_from(&app, "10.0.0.1", &t.email, new_password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // The link works once.
    let again = send(&app, get_req(&reset_page, None)).await;
    assert_eq!(again.status, StatusCode::GONE);
    let res = post_form(
        &app,
        "/admin/forgot",
        "/admin/reset",
        &[
            ("token", &token),
            ("password", "yet another password"),
            ("confirm", "yet another password"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::GONE);
    let res = sign_in_from(&app, "10.0.0.1", &t.email, new_password).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "a used link changed the password"
    );
}

#[tokio::test]
async fn an_expired_link_does_nothing_and_the_form_cannot_flood_an_inbox() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    for _ in 0..5 {
        let res = post_form(
            &app,
            "/admin/forgot",
            "/admin/forgot",
            &[("email", &t.email)],
        )
        .await;
        assert!(res.body.contains(SENT));
    }
    let mails = mails_to(&db.pool, &t.email).await;
    assert_eq!(mails.len() as i64, careers::auth::reset::MAX_PER_HOUR);
    sqlx::query("UPDATE public.password_resets SET expires_at = now() - interval '1 second'")
        .execute(&db.pool)
        .await
        .unwrap();
    let token = token_of(&mails[0]);
    let page = send(&app, get_req(&format!("/admin/reset?token={token}"), None)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("Ask for a new link"), "{}", page.body);
    let res = post_form(
        &app,
        "/admin/forgot",
        "/admin/reset",
        &[
            ("token", &token),
            ("password", "a brand new password"),
            ("confirm", "a brand new password"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::GONE);
    let res = sign_in_from(&app, "10.0.0.1", &t.email, PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the password changed through an expired link"
    );
    // An empty address is named, not silently accepted.
    let res = post_form(&app, "/admin/forgot", "/admin/forgot", &[("email", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn guessing_from_one_client_locks_out_that_client_only_and_the_ceiling_yields_to_a_reset() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    // An attacker who knows the address guesses from one client: locked out there only.
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        sign_in_from(&app, "203.0.113.9", &t.email, "a wrong guess!").await;
    }
    let res = sign_in_from(&app, "203.0.113.9", &t.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("from this device"), "{}", res.body);
    let res = sign_in_from(&app, "198.51.100.7", &t.email, PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the real user was locked out: {}",
        res.body
    );

    // Guesses from many clients reach the account's ceiling: locked for everyone, told why.
    let clients = ACCOUNT_CEILING.div_ceil(MAX_FAILURES_PER_ACCOUNT);
    for c in 0..clients {
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            sign_in_from(
                &app,
                &format!("192.0.2.{}", c + 1),
                &t.email,
                "a wrong guess!",
            )
            .await;
        }
    }
    let res = sign_in_from(&app, "198.51.100.7", &t.email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("from several places"), "{}", res.body);
    assert!(res.headers.contains_key(header::RETRY_AFTER));

    // A reset through the mailed link lifts it, also for the client that guessed.
    post_form(
        &app,
        "/admin/forgot",
        "/admin/forgot",
        &[("email", &t.email)],
    )
    .await;
    let token = token_of(&mails_to(&db.pool, &t.email).await[0]);
    let new_password = "a brand new password";
    let res = post_form(
        &app,
        &format!("/admin/reset?token={token}"),
        "/admin/reset",
        &[
            ("token", &token),
            ("password", new_password),
            ("confirm", new_password),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = sign_in_from(&app, "203.0.113.9", &t.email, new_password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let laptop = sign_in(&app, &t.email).await;
    let phone = sign_in(&app, &t.email).await;
    let page = laptop.get("/admin/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Change your password"), "{}", page.body);

    let res = laptop
        .post(
            "/admin/account",
            &[
                ("current", "not my password"),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("not your current password"),
        "{}",
        res.body
    );
    let res = laptop
        .post(
            "/admin/account",
            &[
                ("current", PASSWORD),
                ("password", "a brand new password"),
                ("confirm", "another one"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("not the same"), "{}", res.body);
    assert_eq!(
        phone.get("/admin").await.status,
        StatusCode::OK,
        "a refused change ended a session"
    );

    let res = laptop
        .post(
            "/admin/account",
            &[
                ("current", PASSWORD),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/account?done=password");
    // This session carries on (under a new id, with the cookie it was just given); the other ends.
    let cookie = res.session_cookie().unwrap_or(laptop.cookie.clone());
    let here = send(&app, get_req("/admin/account?done=password", Some(&cookie))).await;
    assert_eq!(here.status, StatusCode::OK, "{}", here.body);
    assert!(
        here.body.contains("every other session was signed out"),
        "{}",
        here.body
    );
    assert_eq!(phone.get("/admin").await.status, StatusCode::SEE_OTHER);
    let res = sign_in_from(&app, "10.0.0.1", &t.email, "a brand new password").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}
