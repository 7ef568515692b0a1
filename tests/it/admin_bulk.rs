//! Bulk actions on the applications list: move or reject the selected ones (a move one of them
//! may not make is skipped and counted, another tenant's id changes nothing), and CSV export of
//! the selection or of the filtered list, safe to open in a spreadsheet.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::{StatusCode, header};
use careers::postings::model::PostingStatus;

async fn stage_of(db: &TestDb, t: &careers::tenancy::Tenant, id: uuid::Uuid) -> String {
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let s: String = sqlx::query_scalar("SELECT stage FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    s
}

#[tokio::test]
async fn selected_applications_move_together_and_export_as_csv() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let a = tenant_with_user(&db.pool, "acme").await;
    let b = tenant_with_user(&db.pool, "bravo").await;
    let c = sign_in(&app, &a.email).await;
    let job = create_job(&db.pool, &a.tenant, "Backend Engineer", PostingStatus::Open).await;
    let ada = apply(&db.pool, &a.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let grace = apply(
        &db.pool,
        &a.tenant,
        job,
        "=HYPERLINK(1)",
        "Hopper",
        "grace@x.example",
    )
    .await;
    let hedy = apply(&db.pool, &a.tenant, job, "Hedy", "Lamarr", "hedy@x.example").await;
    c.post(
        &format!("/admin/applications/{hedy}"),
        &[("action", "stage"), ("stage", "rejected")],
    )
    .await;
    let b_job = create_job(&db.pool, &b.tenant, "Bravo Role", PostingStatus::Open).await;
    let b_app = apply(
        &db.pool,
        &b.tenant,
        b_job,
        "Brenda",
        "Bravo",
        "brenda@x.example",
    )
    .await;

    let list = c.get("/admin/applications").await;
    assert!(list.body.contains("Select Ada Lovelace"), "{}", list.body);
    assert!(
        list.body.contains("href=\"/admin/applications/export?\""),
        "{}",
        list.body
    );

    // Move Ada, the rejected Hedy and tenant B's application: one moves, two are skipped.
    let (ada_s, hedy_s, b_s) = (ada.to_string(), hedy.to_string(), b_app.to_string());
    let res = c
        .post(
            "/admin/applications/bulk",
            &[
                ("bulk", "stage:interview"),
                ("id", &ada_s),
                ("id", &hedy_s),
                ("id", &b_s),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(&res.location()).await;
    assert!(
        page.body.contains("1 application moved to Interview."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("2 applications could not move"),
        "{}",
        page.body
    );
    assert_eq!(stage_of(&db, &a.tenant, ada).await, "interview");
    assert_eq!(stage_of(&db, &a.tenant, hedy).await, "rejected");
    assert_eq!(
        stage_of(&db, &b.tenant, b_app).await,
        "new",
        "another tenant's application moved"
    );
    let detail = c.get(&format!("/admin/applications/{ada}")).await;
    assert!(
        detail.body.contains("moved from New to Interview"),
        "{}",
        detail.body
    );

    // Export the selection: a CSV attachment, a formula kept as text.
    let grace_s = grace.to_string();
    let res = c
        .post(
            "/admin/applications/bulk",
            &[("bulk", "export"), ("id", &grace_s), ("id", &b_s)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let lines: Vec<&str> = res.body.lines().collect();
    assert_eq!(lines.len(), 2, "header and Grace only: {}", res.body);
    assert!(lines[0].starts_with("application_id,applied_at,job_id,job_title,first_name"));
    assert!(
        lines[1].contains("grace@x.example") && lines[1].contains("'=HYPERLINK(1)"),
        "{}",
        lines[1]
    );

    // Export the filtered list (every page of it).
    let res = c.get("/admin/applications/export?stage=interview").await;
    assert_eq!(res.status, StatusCode::OK);
    let lines: Vec<&str> = res.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", res.body);
    assert!(lines[1].contains("ada@x.example"));

    // Nothing selected, or an unknown action: a 400 naming the field, nothing changed.
    let res = c
        .post("/admin/applications/bulk", &[("bulk", "stage:offer")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("Select at least one application"),
        "{}",
        res.body
    );
    let res = c
        .post(
            "/admin/applications/bulk",
            &[("bulk", "delete"), ("id", &ada_s)],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("bulk"), "{}", res.body);
    assert_eq!(stage_of(&db, &a.tenant, ada).await, "interview");
}
