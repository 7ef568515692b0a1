//! Admin jobs: create and edit with every field, validation that keeps the input, optimistic
//! concurrency, and the status actions with the public catalog following in the same request.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::postings::model::PostingStatus;
use uuid::Uuid;

fn full_form<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", description),
        ("location", "Berlin, Germany"),
        ("remote_policy", "hybrid"),
        ("job_type", "contract"),
        ("category", "Engineering"),
        ("salary_min", "70000"),
        ("salary_max", "90000"),
        ("salary_currency", "eur"),
        ("salary_period", "year"),
        ("show_salary", "on"),
        ("status", "draft"),
        ("published_on_career_page", "on"),
        ("require_resume", "on"),
        ("expires_at", "2099-01-31T17:00"),
        ("q0_label", "Why us?"),
        ("q0_type", "textarea"),
        ("q0_required", "on"),
        ("q1_label", "Preferred stack"),
        ("q1_type", "select"),
        ("q1_options", "Rust, Go"),
    ]
}

async fn catalog_rows(db: &TestDb, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM public.job_catalog WHERE job_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

fn job_id_from(location: &str) -> Uuid {
    let id = location
        .trim_start_matches("/admin/jobs/")
        .split('?')
        .next()
        .unwrap();
    Uuid::parse_str(id).unwrap()
}

#[tokio::test]
async fn a_job_is_created_with_every_field_and_its_questions_and_shows_a_sanitized_preview() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let desc = "We **build** things.\n\n<script>alert(1)</script><a href=\"javascript:x\">x</a>";
    let res = c
        .post("/admin/jobs/new", &full_form("Rust Engineer", desc))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = job_id_from(&res.location());
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let p = careers::postings::db::get(&mut ttx, id)
        .await
        .unwrap()
        .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(p.title, "Rust Engineer");
    assert_eq!(p.salary_currency.as_deref(), Some("EUR"));
    assert_eq!(p.salary_min.unwrap().to_string(), "70000.00");
    assert_eq!(p.job_type.as_str(), "contract");
    assert_eq!(p.remote_policy.as_str(), "hybrid");
    assert!(p.require_resume && !p.require_cover_letter && p.show_salary);
    assert_eq!(
        p.expires_at.unwrap().to_rfc3339(),
        "2099-01-31T17:00:00+00:00"
    );
    assert_eq!(p.questions.0.len(), 2);
    assert_eq!(p.questions.0[1].options, vec!["Rust", "Go"]);
    assert_eq!(p.status, PostingStatus::Draft);
    assert_eq!(catalog_rows(&db, id).await, 0, "a draft is not public");

    let page = c.get(&res.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The job was created."));
    let doc = scraper::Html::parse_document(&page.body);
    let sel = scraper::Selector::parse(".preview .description").unwrap();
    let preview = doc.select(&sel).next().unwrap().inner_html();
    assert!(
        preview.contains("<strong>build</strong>"),
        "preview is rendered: {preview}"
    );
    assert!(
        !preview.contains("script"),
        "preview is sanitized: {preview}"
    );
    assert!(!preview.contains("javascript:"), "{preview}");
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("value=\"Why us?\""));

    // Remove the first question and add one in a blank row.
    let version = p.version.to_string();
    let q0 = p.questions.0[0].name.clone();
    let q1 = p.questions.0[1].name.clone();
    let mut form = full_form("Rust Engineer", desc);
    form.retain(|(k, _)| !k.starts_with('q'));
    form.extend([
        ("version", version.as_str()),
        ("q0_name", q0.as_str()),
        ("q0_label", "Why us?"),
        ("q0_type", "textarea"),
        ("q0_remove", "on"),
        ("q1_name", q1.as_str()),
        ("q1_label", "Preferred stack"),
        ("q1_type", "select"),
        ("q1_options", "Rust, Go"),
        ("q2_label", "Portfolio"),
        ("q2_type", "url"),
        ("q3_label", ""),
        ("q3_type", "text"),
    ]);
    let res = c.post(&format!("/admin/jobs/{id}"), &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let p = careers::postings::db::get(&mut ttx, id)
        .await
        .unwrap()
        .unwrap();
    ttx.commit().await.unwrap();
    let labels: Vec<&str> = p.questions.0.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(labels, vec!["Preferred stack", "Portfolio"]);
    assert_eq!(
        p.questions.0[0].name, q1,
        "a kept question keeps its field name"
    );
}

#[tokio::test]
async fn an_invalid_job_comes_back_with_422_the_values_kept_and_a_message_per_field() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let evil = "Intro</textarea><script>alert('x')</script> & more";
    let mut form = full_form("", evil);
    form.retain(|(k, _)| !matches!(*k, "salary_min" | "salary_currency"));
    form.extend([("salary_min", "lots"), ("salary_currency", "euro")]);
    let res = c.post("/admin/jobs/new", &form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &res.body;
    assert!(
        body.contains("There is a problem"),
        "error summary at the top"
    );
    for id in ["title-error", "salary-min-error", "salary-currency-error"] {
        assert!(body.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(body.contains("Enter a job title."));
    assert!(
        body.find("Enter a job title.").unwrap() < body.find("Enter an amount").unwrap(),
        "the summary follows the form's order"
    );
    assert!(body.contains("value=\"lots\""), "typed values are kept");
    assert!(body.contains("value=\"Berlin, Germany\""));
    assert!(body.contains("value=\"Why us?\""), "questions are kept");
    // The description stays inside its textarea, escaped.
    assert!(
        body.contains("Intro&lt;/textarea&gt;&lt;script&gt;alert('x')&lt;/script&gt; &amp; more")
    );
    assert!(!body.contains("<script>alert('x')</script>"));
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("textarea#description").unwrap();
    let text: String = doc.select(&sel).next().unwrap().text().collect();
    assert_eq!(text, evil, "the browser shows exactly what was typed");
    let n: i64 = {
        let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM job_postings")
            .fetch_one(&mut *ttx)
            .await
            .unwrap()
    };
    assert_eq!(n, 0, "nothing was saved");
}

#[tokio::test]
async fn the_second_of_two_concurrent_edits_is_refused_as_changed_since_opened() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let id = create_job(&db.pool, &t.tenant, "Designer", PostingStatus::Draft).await;
    let first = sign_in(&app, &t.email).await;
    let second = sign_in(&app, &t.email).await;
    // Both opened version 1.
    for c in [&first, &second] {
        assert!(
            c.get(&format!("/admin/jobs/{id}"))
                .await
                .body
                .contains("name=\"version\" value=\"1\"")
        );
    }
    let mut a = full_form("Senior Designer", "First edit");
    a.push(("version", "1"));
    let res = first.post(&format!("/admin/jobs/{id}"), &a).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut b = full_form("Lead Designer", "Second edit");
    b.push(("version", "1"));
    let res = second.post(&format!("/admin/jobs/{id}"), &b).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("changed by someone else since you opened it"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("value=\"Lead Designer\""),
        "the second user's input is kept"
    );
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let p = careers::postings::db::get(&mut ttx, id)
        .await
        .unwrap()
        .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(p.title, "Senior Designer", "no silent overwrite");
    assert_eq!(p.version, 2);
    // A stale status action is refused the same way.
    let res = second
        .post(
            &format!("/admin/jobs/{id}"),
            &[("action", "publish"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("since you opened it"));
}

#[tokio::test]
async fn publish_close_reopen_archive_and_delete_move_the_catalog_in_the_same_request() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let id = create_job(&db.pool, &t.tenant, "Analyst", PostingStatus::Draft).await;
    let path = format!("/admin/jobs/{id}");
    let steps = [
        ("publish", "1", 1, "published"),
        ("close", "2", 0, "closed"),
        ("reopen", "3", 1, "reopened"),
        ("archive", "4", 0, "archived"),
        ("reopen", "5", 1, "reopened"),
    ];
    for (action, version, rows, done) in steps {
        let res = c
            .post(&path, &[("action", action), ("version", version)])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{action}: {}", res.body);
        assert_eq!(res.location(), format!("{path}?done={done}"));
        assert_eq!(catalog_rows(&db, id).await, rows, "after {action}");
    }
    let listing = c.get("/admin/jobs?status=open").await;
    assert!(listing.body.contains("Analyst"));
    assert!(
        c.get("/admin/jobs?status=closed")
            .await
            .body
            .contains("No jobs match")
    );
    // Delete needs its confirmation box.
    let res = c
        .post(&path, &[("action", "delete"), ("version", "6")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(catalog_rows(&db, id).await, 1);
    let res = c
        .post(
            &path,
            &[("action", "delete"), ("version", "6"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/admin/jobs?done=deleted");
    assert_eq!(catalog_rows(&db, id).await, 0);
    assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
    assert!(!c.get("/admin/jobs").await.body.contains("Analyst"));
}

#[tokio::test]
async fn the_jobs_list_filters_by_status_and_title_and_counts_applications_and_views() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let open = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    create_job(&db.pool, &t.tenant, "Office Manager", PostingStatus::Draft).await;
    apply(
        &db.pool,
        &t.tenant,
        open,
        "Ada",
        "Lovelace",
        "ada@x.example",
    )
    .await;
    apply(
        &db.pool,
        &t.tenant,
        open,
        "Alan",
        "Turing",
        "alan@x.example",
    )
    .await;
    sqlx::query("UPDATE public.job_catalog SET view_count = 321 WHERE job_id = $1")
        .bind(open)
        .execute(&db.pool)
        .await
        .unwrap();
    let all = c.get("/admin/jobs").await;
    assert!(all.body.contains("Backend Engineer") && all.body.contains("Office Manager"));
    let doc = scraper::Html::parse_document(&all.body);
    let row_sel = scraper::Selector::parse("tbody tr").unwrap();
    let row: String = doc
        .select(&row_sel)
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .find(|r| r.contains("Backend Engineer"))
        .unwrap();
    assert!(row.contains("|2|") && row.contains("|321|"), "{row}");
    let drafts = c.get("/admin/jobs?status=draft").await;
    assert!(drafts.body.contains("Office Manager") && !drafts.body.contains("Backend Engineer"));
    let search = c.get("/admin/jobs?q=backend").await;
    assert!(search.body.contains("Backend Engineer") && !search.body.contains("Office Manager"));
    assert_eq!(
        c.get("/admin/jobs?status=bogus").await.status,
        StatusCode::BAD_REQUEST
    );
}
