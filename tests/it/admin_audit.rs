//! The audit log: each admin action is recorded with who and when, in the same transaction as the
//! change; the log page lists them newest first, filters by action, pages; no candidate personal
//! data is copied into it; another tenant's log shows none of it.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::postings::model::PostingStatus;

#[tokio::test]
async fn admin_actions_are_in_the_tenants_audit_log_without_candidate_data() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let a = tenant_with_user(&db.pool, "acme").await;
    let b = tenant_with_user(&db.pool, "bravo").await;
    let c = sign_in(&app, &a.email).await;
    let job = create_job(&db.pool, &a.tenant, "Backend Engineer", PostingStatus::Open).await;
    let ada = apply(&db.pool, &a.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let path = format!("/admin/applications/{ada}");
    c.post(&path, &[("action", "stage"), ("stage", "interview")])
        .await;
    c.post(&path, &[("action", "note"), ("note", "Strong.")])
        .await;
    assert_eq!(
        c.get(&format!("{path}/resume")).await.status,
        StatusCode::OK
    );
    let res = c.get("/admin/applications/export").await;
    assert_eq!(res.status, StatusCode::OK);
    // A refused move records nothing.
    c.post(&path, &[("action", "stage"), ("stage", "new")])
        .await;

    let actions: Vec<(String, Option<String>, Option<uuid::Uuid>)> = {
        let mut ttx = a.tenant.begin(&db.pool).await.unwrap();
        let rows =
            sqlx::query_as("SELECT action, actor_email, subject_id FROM audit_events ORDER BY id")
                .fetch_all(&mut *ttx)
                .await
                .unwrap();
        ttx.commit().await.unwrap();
        rows
    };
    let names: Vec<&str> = actions.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "member.signed_in",
            "application.stage_changed",
            "application.note_added",
            "application.resume_downloaded",
            "applications.exported",
        ],
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .all(|(_, who, _)| who.as_deref() == Some(a.email.as_str()))
    );
    assert_eq!(actions[1].2, Some(ada));
    // Ids only: nothing of the candidate is in the log.
    let mut ttx = a.tenant.begin(&db.pool).await.unwrap();
    let leaked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events e
          WHERE e::text ILIKE '%lovelace%' OR e::text ILIKE '%ada@x.example%' OR e::text ILIKE '%Strong.%'",
    )
    .fetch_one(&mut *ttx)
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(leaked, 0);

    // The listed events (the filter's options name every action too).
    let listed = |body: &str| -> String {
        let start = body.find("<tbody>").unwrap_or(body.len());
        body[start..].to_string()
    };
    let page = c.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = listed(&page.body);
    let moved = rows
        .find("moved an application")
        .expect("the move is listed");
    let signed_in = rows.find("signed in").expect("the sign-in is listed");
    assert!(moved < signed_in, "newest first: {rows}");
    assert!(rows.contains("new → interview"), "{rows}");
    assert!(rows.contains(&format!("href=\"/admin/applications/{ada}\"")));
    let only = listed(
        &c.get("/admin/audit?action=application.note_added")
            .await
            .body,
    );
    assert!(
        only.contains("added a note") && !only.contains("moved an application"),
        "{only}"
    );
    let bad = c.get("/admin/audit?action=drop_table").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // Tenant B's log has its own sign-in and nothing of A's.
    let cb = sign_in(&app, &b.email).await;
    let rows = listed(&cb.get("/admin/audit").await.body);
    assert!(rows.contains("signed in"), "{rows}");
    assert!(!rows.contains("moved an application"), "{rows}");
}
