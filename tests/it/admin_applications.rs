//! Admin applications: list filters, sorting and paging, one candidate per email, detail, stage
//! moves with history, notes, resume download; and the dashboard's numbers.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::{StatusCode, header};
use careers::postings::model::PostingStatus;

/// kind, to_stage, note, actor_email
type EventRow = (String, Option<String>, Option<String>, Option<String>);

#[tokio::test]
async fn the_list_filters_by_job_stage_date_and_text_and_pages_through_results() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let backend = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let design = create_job(&db.pool, &t.tenant, "Product Designer", PostingStatus::Open).await;
    let ada = apply(
        &db.pool,
        &t.tenant,
        backend,
        "Ada",
        "Lovelace",
        "ada@x.example",
    )
    .await;
    apply(
        &db.pool,
        &t.tenant,
        design,
        "Grace",
        "Hopper",
        "grace@x.example",
    )
    .await;
    // Same person (email differs only in case) applying again: one candidate, two applications.
    apply(
        &db.pool,
        &t.tenant,
        design,
        "Ada",
        "Lovelace",
        "ADA@x.example",
    )
    .await;
    c.post(
        &format!("/admin/applications/{ada}"),
        &[("action", "stage"), ("stage", "interview")],
    )
    .await;

    let all = c.get("/admin/applications").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.body.contains("3 applications"),
        "total shown: {}",
        all.body
    );
    assert!(
        all.body.contains("2 applications"),
        "duplicate candidate shown as one with two"
    );
    let by_job = c.get(&format!("/admin/applications?job={design}")).await;
    assert!(by_job.body.contains("Grace Hopper") && by_job.body.contains("Product Designer"));
    assert!(!by_job.body.contains("Backend Engineer</td>"));
    let by_stage = c.get("/admin/applications?stage=interview").await;
    assert!(by_stage.body.contains("Ada Lovelace") && !by_stage.body.contains("Grace Hopper"));
    let by_text = c.get("/admin/applications?q=HOPPER").await;
    assert!(by_text.body.contains("Grace Hopper") && !by_text.body.contains("Ada Lovelace"));
    let by_email = c.get("/admin/applications?q=grace%40x").await;
    assert!(by_email.body.contains("Grace Hopper"));
    let future = c.get("/admin/applications?from=2099-01-01").await;
    assert!(future.body.contains("No applications match"));
    let today = chrono::Utc::now().date_naive().to_string();
    let upto = c
        .get(&format!("/admin/applications?from={today}&to={today}"))
        .await;
    assert!(upto.body.contains("3 applications"));
    let by_name = c.get("/admin/applications?sort=name").await;
    let hopper = by_name.body.find("Grace Hopper").unwrap();
    let lovelace = by_name.body.find("Ada Lovelace").unwrap();
    assert!(hopper < lovelace, "sorted by last name");
    let bad = c
        .get("/admin/applications?stage=maybe&from=yesterday")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("stage") && bad.body.contains("from"));

    // Paging: 30 applications, 25 per page.
    let bulk = create_job(&db.pool, &t.tenant, "Bulk Role", PostingStatus::Open).await;
    for i in 0..30 {
        apply(
            &db.pool,
            &t.tenant,
            bulk,
            "Cand",
            &format!("Number{i:02}"),
            &format!("c{i}@x.example"),
        )
        .await;
    }
    let p1 = c
        .get(&format!("/admin/applications?job={bulk}&sort=name"))
        .await;
    assert!(p1.body.contains("Page 1 of 2"));
    assert!(p1.body.contains("Number00") && !p1.body.contains("Number29"));
    assert!(p1.body.contains("rel=\"next\""));
    let p2 = c
        .get(&format!("/admin/applications?job={bulk}&sort=name&page=2"))
        .await;
    assert!(p2.body.contains("Number29") && !p2.body.contains("Number00"));
}

#[tokio::test]
async fn moving_stages_and_adding_notes_are_recorded_with_who_and_when() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let id = apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let path = format!("/admin/applications/{id}");

    let detail = c.get(&path).await;
    assert_eq!(detail.status, StatusCode::OK);
    for expected in [
        "ada@x.example",
        "+49 30 1234",
        "I love &lt;b&gt;building&lt;/b&gt; things.",
        "I agree to the processing.",
        "to version 1",
        "newsletter",
        "autumn",
        "Because",
        "application received",
    ] {
        assert!(detail.body.contains(expected), "{expected} missing");
    }

    let res = c
        .post(&path, &[("action", "stage"), ("stage", "screening")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c
        .post(&path, &[("action", "stage"), ("stage", "interview")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c
        .post(
            &path,
            &[
                ("action", "note"),
                ("note", "Strong <b>systems</b> background"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Backwards is refused with a message.
    let res = c
        .post(&path, &[("action", "stage"), ("stage", "new")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot move to New"));
    let res = c.post(&path, &[("action", "note"), ("note", "   ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = c
        .post(&path, &[("action", "stage"), ("stage", "rejected")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT kind, to_stage, note, actor_email FROM application_events
          WHERE application_id = $1 ORDER BY created_at, id",
    )
    .bind(id)
    .fetch_all(&mut *ttx)
    .await
    .unwrap();
    let stage: String = sqlx::query_scalar("SELECT stage FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(stage, "rejected");
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "received",
            "stage_changed",
            "stage_changed",
            "note",
            "stage_changed"
        ]
    );
    assert!(
        events[1..]
            .iter()
            .all(|e| e.3.as_deref() == Some(t.email.as_str()))
    );

    let detail = c.get(&path).await;
    assert!(detail.body.contains("moved from Screening to Interview"));
    assert!(
        detail
            .body
            .contains("Strong &lt;b&gt;systems&lt;/b&gt; background")
    );
    assert!(detail.body.contains(&t.email));
    assert!(!detail.body.contains("Move to"), "nothing leaves rejected");
}

#[tokio::test]
async fn the_resume_downloads_as_an_attachment_that_browsers_will_not_sniff() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let id = apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let res = c.get(&format!("/admin/applications/{id}/resume")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, RESUME);
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        res.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Lovelace CV.pdf\"; filename*=UTF-8''Lovelace%20CV.pdf"
    );
    assert_eq!(res.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(res.headers[header::CACHE_CONTROL], "private, no-store");
    // Anonymous: no file.
    let anon = send(
        &app,
        get_req(&format!("/admin/applications/{id}/resume"), None),
    )
    .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert!(anon.bytes != RESUME);
}

#[tokio::test]
async fn the_dashboard_shows_open_jobs_recent_applications_closing_jobs_and_the_last_reconcile() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let empty = c.get("/admin").await;
    assert!(empty.body.contains("has not been reconciled yet"));
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    create_job(&db.pool, &t.tenant, "Draft Role", PostingStatus::Draft).await;
    let closing = create_job(&db.pool, &t.tenant, "Closing Role", PostingStatus::Open).await;
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    sqlx::query("UPDATE job_postings SET expires_at = now() + interval '3 days' WHERE id = $1")
        .bind(closing)
        .execute(&mut *ttx)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    apply(&db.pool, &t.tenant, job, "Alan", "Turing", "alan@x.example").await;
    let old = apply(&db.pool, &t.tenant, job, "Old", "Timer", "old@x.example").await;
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    sqlx::query("UPDATE applications SET created_at = now() - interval '30 days' WHERE id = $1")
        .bind(old)
        .execute(&mut *ttx)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    let run: i64 = sqlx::query_scalar(
        "INSERT INTO public.sync_runs (task, trigger, finished_at, tenants, updated)
         VALUES ('reconcile', 'cron', now(), 1, 2) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO public.sync_run_tenants (run_id, tenant_id, updated, unchanged)
         VALUES ($1, $2, 2, 5)",
    )
    .bind(run)
    .bind(t.tenant.id)
    .execute(&db.pool)
    .await
    .unwrap();

    let page = c.get("/admin").await;
    let doc = scraper::Html::parse_document(&page.body);
    let big = scraper::Selector::parse(".big-number").unwrap();
    let numbers: Vec<String> = doc.select(&big).map(|n| n.text().collect()).collect();
    assert_eq!(
        numbers,
        ["2", "2"],
        "2 open jobs; 2 applications in the last 7 days"
    );
    assert!(page.body.contains("Closing Role"));
    assert!(!page.body.contains("Draft Role"));
    assert!(page.body.contains(&format!("Run #{run}")));
    assert!(page.body.contains("2 updated") && page.body.contains("5"));
}

#[tokio::test]
async fn a_text_resume_sent_through_the_api_downloads_as_text() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let resume = "Ada Lovelace\nAnalytical engines, 1843–present\n".as_bytes();
    let (ct, body) = crate::support::api::multipart(
        &[
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("email", "ada@x.example"),
            ("consent", "true"),
        ],
        Some(("cv.txt", resume)),
    );
    let r = crate::support::api::send(
        &app,
        axum::http::Request::post(format!("/api/v1/careers/jobs/{job}/apply/"))
            .header(header::CONTENT_TYPE, ct)
            .body(axum::body::Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["application_id"].as_str().unwrap();
    let res = c.get(&format!("/admin/applications/{id}/resume")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, resume);
    assert_eq!(
        res.headers[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert_eq!(res.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn suspected_spam_is_listed_apart_and_one_press_restores_it() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let aside = apply(
        &db.pool,
        &t.tenant,
        job,
        "Maybe",
        "Person",
        "maybe@x.example",
    )
    .await;
    sqlx::query(&format!(
        "UPDATE {}.applications SET suspected_spam = 'honeypot' WHERE id = $1",
        t.tenant.schema().quoted()
    ))
    .bind(aside)
    .execute(&db.pool)
    .await
    .unwrap();

    let list = c.get("/admin/applications").await;
    assert!(list.body.contains("ada@x.example"));
    assert!(
        !list.body.contains("maybe@x.example"),
        "not among the others"
    );
    assert!(list.body.contains("Suspected spam (1)"));
    let spam = c.get("/admin/applications?view=spam").await;
    assert!(spam.body.contains("maybe@x.example"));
    assert!(!spam.body.contains("ada@x.example"));

    let path = format!("/admin/applications/{aside}");
    let detail = c.get(&path).await;
    assert!(detail.body.contains("Kept aside as suspected spam"));
    let res = c.post(&path, &[("action", "restore")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let detail = c.get(&path).await;
    assert!(!detail.body.contains("Kept aside as suspected spam"));
    assert!(detail.body.contains("restored it from suspected spam"));
    let list = c.get("/admin/applications").await;
    assert!(list.body.contains("maybe@x.example"));
    assert!(!list.body.contains("Suspected spam ("));
    let mails: Vec<String> = sqlx::query_scalar("SELECT to_address FROM public.mail_outbox")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        mails,
        vec!["maybe@x.example"],
        "the confirmation goes out on restore"
    );
}
