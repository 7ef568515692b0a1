//! Teams and roles: an owner invites by email (a single-use, expiring link; the invitee sets a
//! password and is signed in with the invited role), changes roles and deactivates members (their
//! sessions end at once); the team always keeps an active owner; another tenant's owner reaches
//! none of it; a job's hiring team is edited on the job's page.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::postings::model::PostingStatus;
use careers::web::admin::login::DEACTIVATED;

const INVITE: &str = "/admin/invite?token=";

async fn role_of(db: &TestDb, email: &str) -> Option<(String, bool)> {
    sqlx::query_as("SELECT role, deactivated_at IS NULL FROM public.hr_users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await
        .unwrap()
}

async fn actions(db: &TestDb, t: &careers::tenancy::Tenant) -> Vec<String> {
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let a = sqlx::query_scalar("SELECT action FROM audit_events ORDER BY id")
        .fetch_all(&mut *ttx)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    a
}

#[tokio::test]
async fn an_invited_recruiter_sets_a_password_once_and_joins_with_that_role() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "acme").await;
    let other = tenant_with_user(&db.pool, "bravo").await;
    let boss = sign_in(&app, &owner.email).await;

    // Bad, existing and foreign addresses are refused by field, and nothing is mailed.
    for (email, says) in [
        ("not-an-address", "Enter an email address"),
        (owner.email.as_str(), "already a member of this team"),
        (other.email.as_str(), "another company"),
    ] {
        let res = boss
            .post(
                "/admin/team",
                &[
                    ("action", "invite"),
                    ("email", email),
                    ("role", "recruiter"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(res.body.contains(says), "{email}: {}", res.body);
    }
    let res = boss
        .post(
            "/admin/team",
            &[
                ("action", "invite"),
                ("email", " Rita@Acme.example "),
                ("role", "recruiter"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/admin/team?done=invited");
    let team = boss.get(&res.location()).await;
    assert!(team.body.contains("rita@acme.example") && team.body.contains("Invitation sent"));
    let mails = mails_to(&db.pool, "rita@acme.example").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("acme Corp") && mails[0].contains("recruiter"));
    let token = link_token(&mails[0], INVITE);

    // The link shows the invitation; a weak or mistyped password is refused, the link kept.
    let page = send(&app, get_req(&format!("{INVITE}{token}"), None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Join acme Corp") && page.body.contains("rita@acme.example"));
    let weak = post_form(
        &app,
        &format!("{INVITE}{token}"),
        "/admin/invite",
        &[
            ("token", &token),
            ("password", "short"),
            ("confirm", "short"),
        ],
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("at least 10 characters"));
    let joined = post_form(
        &app,
        &format!("{INVITE}{token}"),
        "/admin/invite",
        &[
            ("token", &token),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ],
    )
    .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let cookie = joined.session_cookie().expect("signed in at once");
    let dash = send(&app, get_req("/admin/jobs", Some(&cookie))).await;
    assert_eq!(dash.status, StatusCode::OK, "a recruiter runs jobs");
    let audit = send(&app, get_req("/admin/team", Some(&cookie))).await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN, "but not the team");
    assert_eq!(
        role_of(&db, "rita@acme.example").await,
        Some(("recruiter".into(), true))
    );

    // The link works once; a signed-in session of the new member is a normal one.
    let again = send(&app, get_req(&format!("{INVITE}{token}"), None)).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("no longer works"));
    sign_in(&app, "rita@acme.example").await;
    let log = actions(&db, &owner.tenant).await;
    for a in ["member.invited", "member.joined"] {
        assert!(log.iter().any(|x| x == a), "{a} in {log:?}");
    }
}

#[tokio::test]
async fn revoked_and_expired_invitations_do_not_work() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "acme").await;
    let boss = sign_in(&app, &owner.email).await;
    for email in ["a@x.example", "b@x.example"] {
        let res = boss
            .post(
                "/admin/team",
                &[
                    ("action", "invite"),
                    ("email", email),
                    ("role", "hiring_manager"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let revoke_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM public.invitations WHERE email = 'a@x.example'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let res = boss
        .post(
            "/admin/team",
            &[("action", "revoke"), ("id", &revoke_id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    sqlx::query("UPDATE public.invitations SET expires_at = now() - interval '1 second' WHERE email = 'b@x.example'")
        .execute(&db.pool)
        .await
        .unwrap();
    for email in ["a@x.example", "b@x.example"] {
        let token = link_token(&mails_to(&db.pool, email).await[0], INVITE);
        let page = send(&app, get_req(&format!("{INVITE}{token}"), None)).await;
        assert_eq!(page.status, StatusCode::GONE, "{email}");
        let csrf_from = send(&app, get_req("/admin/login", None)).await;
        let cookie = csrf_from.session_cookie().unwrap();
        let res = send(
            &app,
            post_req(
                "/admin/invite",
                Some(&cookie),
                &[
                    ("_csrf", &csrf_from.csrf()),
                    ("token", &token),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::GONE, "{email}");
        assert!(
            role_of(&db, email).await.is_none(),
            "{email} got an account"
        );
    }
}

#[tokio::test]
async fn a_deactivated_member_is_signed_out_at_once_and_the_last_owner_stays() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "acme").await;
    let other = tenant_with_user(&db.pool, "bravo").await;
    let rec = member(&db.pool, &owner, "recruiter").await;
    let rec_id = user_id(&db.pool, &rec).await.to_string();
    let owner_id = user_id(&db.pool, &owner.email).await.to_string();
    let boss = sign_in(&app, &owner.email).await;
    let recruiter = sign_in(&app, &rec).await;

    // Another tenant's owner cannot touch this team (404, nothing changes).
    let stranger = sign_in(&app, &other.email).await;
    for form in [
        vec![("action", "deactivate"), ("id", rec_id.as_str())],
        vec![
            ("action", "role"),
            ("id", rec_id.as_str()),
            ("role", "owner"),
        ],
    ] {
        let res = stranger.post("/admin/team", &form).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(role_of(&db, &rec).await, Some(("recruiter".into(), true)));
    assert!(!stranger.get("/admin/team").await.body.contains(&rec));

    // Deactivated: the open session ends on its next request; the right password says why.
    let res = boss
        .post("/admin/team", &[("action", "deactivate"), ("id", &rec_id)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = recruiter.get("/admin/jobs").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/admin/login"));
    let form = send(&app, get_req("/admin/login", None)).await;
    let res = send(
        &app,
        post_req(
            "/admin/login",
            form.session_cookie().as_deref(),
            &[
                ("_csrf", &form.csrf()),
                ("email", &rec),
                ("password", PASSWORD),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains(DEACTIVATED));
    // Reactivated and promoted: signs in as an owner.
    boss.post("/admin/team", &[("action", "reactivate"), ("id", &rec_id)])
        .await;
    let res = boss
        .post(
            "/admin/team",
            &[("action", "role"), ("id", &rec_id), ("role", "owner")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let promoted = sign_in(&app, &rec).await;
    assert_eq!(promoted.get("/admin/team").await.status, StatusCode::OK);

    // The last active owner can neither leave nor be demoted.
    let res = promoted
        .post(
            "/admin/team",
            &[("action", "deactivate"), ("id", &owner_id)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let last = promoted
        .post("/admin/team", &[("action", "deactivate"), ("id", &rec_id)])
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert!(
        last.body.contains("at least one active owner"),
        "{}",
        last.body
    );
    let last = promoted
        .post(
            "/admin/team",
            &[("action", "role"), ("id", &rec_id), ("role", "recruiter")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert_eq!(role_of(&db, &rec).await, Some(("owner".into(), true)));
    let log = actions(&db, &owner.tenant).await;
    for a in [
        "member.deactivated",
        "member.reactivated",
        "member.role_changed",
    ] {
        assert!(log.iter().any(|x| x == a), "{a} in {log:?}");
    }
}

#[tokio::test]
async fn a_jobs_hiring_team_is_edited_on_its_page() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "acme").await;
    let other = tenant_with_user(&db.pool, "bravo").await;
    let manager = member(&db.pool, &owner, "hiring_manager").await;
    let manager_id = user_id(&db.pool, &manager).await.to_string();
    let foreign_id = user_id(&db.pool, &other.email).await.to_string();
    let job = create_job(&db.pool, &owner.tenant, "Designer", PostingStatus::Open).await;
    let boss = sign_in(&app, &owner.email).await;
    let path = format!("/admin/jobs/{job}/team");
    let hm = sign_in(&app, &manager).await;
    assert!(!hm.get("/admin").await.body.contains("Designer"));

    let res = boss
        .post(&path, &[("action", "add"), ("user", &manager_id)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = boss.get(&format!("/admin/jobs/{job}")).await;
    assert!(page.body.contains("Hiring team") && page.body.contains(&manager));
    assert!(hm.get("/admin").await.body.contains("Designer"));
    // Another tenant's member cannot be put on the team.
    let res = boss
        .post(&path, &[("action", "add"), ("user", &foreign_id)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = boss
        .post(&path, &[("action", "remove"), ("user", &manager_id)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!hm.get("/admin").await.body.contains("Designer"));
    // Whoever posts a job through the form is on its team.
    let res = boss
        .post(
            "/admin/jobs/new",
            &[
                ("title", "Posted Here"),
                ("remote_policy", "on_site"),
                ("job_type", "full_time"),
                ("salary_period", "year"),
                ("status", "draft"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = boss.get(&res.location()).await;
    assert!(page.body.contains("Hiring team"));
    assert!(page.body.contains("Remove hr@acme.example from the team"));
}
