//! Application intake against a real PostgreSQL: the application lands in the job's tenant only,
//! with its candidate, resume, consent, event, counter bump and queued mail, exactly once.

use crate::support::TestDb;
use crate::support::api::{open_draft, posting, question, set_status, tenant};
use careers::applications::intake::{
    self, ApplicationInput, Channel, IntakeContext, IntakeError, ResumeUpload,
};
use careers::postings::model::{PostingDraft, PostingStatus, QuestionType};
use careers::tenancy::Tenant;
use chrono::{Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// job, stage, consent text and version, utm_source, referrer, email, resume id.
type StoredApplication = (
    Uuid,
    String,
    String,
    i32,
    Option<String>,
    Option<String>,
    String,
    Option<Uuid>,
);

fn input(email: &str) -> ApplicationInput {
    ApplicationInput {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        email: email.into(),
        consent: true,
        utm_source: Some("newsletter".into()),
        ..Default::default()
    }
}

fn ctx() -> IntakeContext {
    IntakeContext::new(Channel::Api, "http://jobs.test")
}

async fn count_in(pool: &PgPool, tenant: &Tenant, table: &str) -> i64 {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut *ttx)
        .await
        .unwrap();
    ttx.rollback().await.unwrap();
    n
}

async fn application_count(pool: &PgPool, job: Uuid) -> i64 {
    sqlx::query_scalar("SELECT application_count FROM public.job_catalog WHERE job_id = $1")
        .bind(job)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_application_is_stored_in_the_jobs_tenant_with_everything_it_needs() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let other = tenant(&db.pool, "other", "Other").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let mut inp = input("jane@example.com");
    inp.resume = Some(ResumeUpload {
        filename: "cv.pdf".into(),
        data: b"%PDF-1.7\nhello".to_vec(),
    });
    let mut c = ctx();
    c.referrer = Some("https://partner.example/jobs".into());
    let r = intake::submit(&db.pool, job, inp, c).await.unwrap();
    assert!(r.stored && !r.replayed);
    assert_eq!(r.job_title, "Backend Engineer");

    let mut ttx = acme.begin(&db.pool).await.unwrap();
    let row: StoredApplication = sqlx::query_as(
        "SELECT a.job_id, a.stage, a.consent_text, a.consent_version, a.utm_source, a.referrer,
                    c.email, a.resume_id
               FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1",
    )
    .bind(r.application_id)
    .fetch_one(&mut *ttx)
    .await
    .unwrap();
    assert_eq!(row.0, job);
    assert_eq!(row.1, "new");
    assert_eq!(row.2, careers::tenancy::DEFAULT_CONSENT_TEXT);
    assert_eq!(row.3, 1);
    assert_eq!(row.4.as_deref(), Some("newsletter"));
    assert_eq!(row.5.as_deref(), Some("https://partner.example/jobs"));
    assert_eq!(row.6, "jane@example.com");
    let (ct, size): (String, i32) =
        sqlx::query_as("SELECT content_type, size_bytes FROM resumes WHERE id = $1")
            .bind(row.7.unwrap())
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    assert_eq!((ct.as_str(), size), ("application/pdf", 14));
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM application_events WHERE application_id = $1 AND kind = 'received'",
    )
    .bind(r.application_id)
    .fetch_one(&mut *ttx)
    .await
    .unwrap();
    assert_eq!(events, 1);
    ttx.rollback().await.unwrap();

    assert_eq!(application_count(&db.pool, job).await, 1);
    assert_eq!(count_in(&db.pool, &other, "applications").await, 0);
    let mails: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, subject FROM public.mail_outbox")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "jane@example.com");
    assert!(mails[0].1.contains("Backend Engineer"));

    // The outbox drains to .eml files when no SMTP server is configured.
    let state = db.state();
    let sent = careers::mail::drain_outbox(&db.pool, &state.settings)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let dir = state.settings.data_dir.join("outbox");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        careers::mail::drain_outbox(&db.pool, &state.settings)
            .await
            .unwrap(),
        0
    );
    std::fs::remove_dir_all(&state.settings.data_dir).ok();
}

#[tokio::test]
async fn a_second_application_with_the_same_email_in_another_case_is_a_duplicate() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let other_job = posting(&db.pool, &acme, open_draft("Frontend Engineer")).await;
    intake::submit(&db.pool, job, input("jane@example.com"), ctx())
        .await
        .unwrap();
    let err = intake::submit(&db.pool, job, input("  JANE@Example.COM "), ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, IntakeError::Duplicate), "{err:?}");
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 1);
    assert_eq!(application_count(&db.pool, job).await, 1);
    // The same person may apply to another job; they stay one candidate.
    intake::submit(&db.pool, other_job, input("Jane@example.com"), ctx())
        .await
        .unwrap();
    assert_eq!(count_in(&db.pool, &acme, "candidates").await, 1);
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 2);
}

#[tokio::test]
async fn invalid_input_and_non_public_jobs_store_nothing() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(
        &db.pool,
        &acme,
        PostingDraft {
            questions: vec![
                question("q_visa", QuestionType::Checkbox, true, &[]),
                question("q_level", QuestionType::Select, true, &["junior", "senior"]),
            ],
            require_resume: true,
            ..open_draft("Backend Engineer")
        },
    )
    .await;
    let mut no_consent = input("a@example.com");
    no_consent.consent = false;
    let err = intake::submit(&db.pool, job, no_consent, ctx())
        .await
        .unwrap_err();
    let IntakeError::Invalid(errs) = err else {
        panic!("{err:?}")
    };
    for f in ["consent", "q_visa", "q_level", "resume"] {
        assert!(errs.get(f).is_some(), "{f}: {errs:?}");
    }
    let mut ok = input("a@example.com");
    ok.answers.insert("q_visa".into(), "on".into());
    ok.answers.insert("q_level".into(), "senior".into());
    ok.resume = Some(ResumeUpload {
        filename: "cv.txt".into(),
        data: b"Jane Doe, engineer".to_vec(),
    });
    let mut bad_email = ok.clone();
    bad_email.email = "jane at example".into();
    assert!(matches!(
        intake::submit(&db.pool, job, bad_email, ctx()).await,
        Err(IntakeError::Invalid(e)) if e.get("email").is_some()
    ));
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 0);
    assert_eq!(count_in(&db.pool, &acme, "candidates").await, 0);

    let r = intake::submit(&db.pool, job, ok.clone(), ctx())
        .await
        .unwrap();
    let mut ttx = acme.begin(&db.pool).await.unwrap();
    let answers: serde_json::Value =
        sqlx::query_scalar("SELECT answers FROM applications WHERE id = $1")
            .bind(r.application_id)
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    ttx.rollback().await.unwrap();
    assert_eq!(
        answers,
        serde_json::json!({"q_visa": true, "q_level": "senior"})
    );

    let unknown = intake::submit(&db.pool, Uuid::new_v4(), ok.clone(), ctx()).await;
    assert!(matches!(unknown, Err(IntakeError::NotFound)));
    set_status(&db.pool, &acme, job, PostingStatus::Closed).await;
    let closed = intake::submit(&db.pool, job, input("b@example.com"), ctx()).await;
    assert!(matches!(closed, Err(IntakeError::NotFound)));
    let expired = posting(
        &db.pool,
        &acme,
        PostingDraft {
            published_at: Some(Utc::now() - Duration::days(5)),
            expires_at: Some(Utc::now() - Duration::days(1)),
            ..open_draft("Old")
        },
    )
    .await;
    let expired = intake::submit(&db.pool, expired, input("c@example.com"), ctx()).await;
    assert!(matches!(expired, Err(IntakeError::NotFound)));
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 1);
}

#[tokio::test]
async fn suspected_spam_is_stored_kept_aside_uncounted_unmailed_until_restored() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let mut c = IntakeContext::new(Channel::Site, "http://jobs.test");
    c.suspected_spam = Some("honeypot".into());
    let r = intake::submit(&db.pool, job, input("maybe@example.com"), c)
        .await
        .unwrap();
    assert!(r.stored);
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 1);
    assert_eq!(application_count(&db.pool, job).await, 0, "not counted");
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM public.mail_outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(mails, 0, "no mail to whatever address a bot typed");
    let mut ttx = acme.begin(&db.pool).await.unwrap();
    let listed = careers::applications::pipeline::list(&mut ttx, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 0, "not among the others");
    let spam = careers::applications::pipeline::Filter {
        spam: true,
        ..Default::default()
    };
    let aside = careers::applications::pipeline::list(&mut ttx, &spam)
        .await
        .unwrap();
    assert_eq!(aside.total, 1);
    assert_eq!(
        careers::applications::pipeline::spam_count(&mut ttx)
            .await
            .unwrap(),
        1
    );
    let actor = careers::applications::pipeline::Actor {
        user_id: uuid::Uuid::new_v4(),
        email: "hr@acme.test".into(),
    };
    let id = aside.rows[0].id;
    assert!(
        careers::applications::pipeline::restore(&mut ttx, &acme, id, &actor, "http://jobs.test")
            .await
            .unwrap()
    );
    // Restoring twice changes nothing more.
    assert!(
        !careers::applications::pipeline::restore(&mut ttx, &acme, id, &actor, "http://jobs.test")
            .await
            .unwrap()
    );
    ttx.commit().await.unwrap();
    assert_eq!(application_count(&db.pool, job).await, 1);
    let mails: Vec<String> = sqlx::query_scalar("SELECT to_address FROM public.mail_outbox")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(mails, vec!["maybe@example.com"]);
    let mut ttx = acme.begin(&db.pool).await.unwrap();
    let listed = careers::applications::pipeline::list(&mut ttx, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    let events = careers::applications::pipeline::events(&mut ttx, id)
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        vec!["received", "restored"]
    );
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_receipt() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    let mut c = ctx();
    c.idempotency_key = Some("key-1".into());
    let first = intake::submit(&db.pool, job, input("jane@example.com"), c.clone())
        .await
        .unwrap();
    let again = intake::submit(&db.pool, job, input("jane@example.com"), c.clone())
        .await
        .unwrap();
    assert_eq!(again.application_id, first.application_id);
    assert!(again.replayed);
    let other = intake::submit(&db.pool, job, input("someone@example.com"), c).await;
    assert!(matches!(other, Err(IntakeError::KeyReused)));
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 1);
}

#[tokio::test]
async fn simultaneous_twins_with_one_idempotency_key_both_get_the_first_receipt() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme Corp").await;
    let job = posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
    for pair in 0..10 {
        let mut c = ctx();
        c.idempotency_key = Some(format!("twin-{pair}"));
        let email = format!("twin{pair}@example.com");
        let (a, b) = tokio::join!(
            intake::submit(&db.pool, job, input(&email), c.clone()),
            intake::submit(&db.pool, job, input(&email), c.clone()),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.application_id, b.application_id, "pair {pair}");
        assert!(
            a.replayed != b.replayed,
            "pair {pair}: exactly one is the replay"
        );
    }
    assert_eq!(count_in(&db.pool, &acme, "applications").await, 10);
    assert_eq!(application_count(&db.pool, job).await, 10);
}

#[tokio::test]
async fn concurrent_applications_to_different_tenants_never_cross() {
    let db = TestDb::with_pool_size(2).await;
    let mut tenants = Vec::new();
    let mut jobs = Vec::new();
    for i in 0..4 {
        let t = tenant(&db.pool, &format!("tenant-{i}"), &format!("Tenant {i}")).await;
        jobs.push(posting(&db.pool, &t, open_draft(&format!("Job {i}"))).await);
        tenants.push(t);
    }
    let mut handles = Vec::new();
    for round in 0..5 {
        for (i, job) in jobs.iter().enumerate() {
            let pool = db.pool.clone();
            let job = *job;
            handles.push(tokio::spawn(async move {
                let email = format!("person{round}-of-tenant{i}@example.com");
                intake::submit(&pool, job, input(&email), ctx())
                    .await
                    .unwrap()
            }));
        }
    }
    for h in handles {
        h.await.unwrap();
    }
    for (i, t) in tenants.iter().enumerate() {
        let mut ttx = t.begin(&db.pool).await.unwrap();
        let emails: Vec<String> = sqlx::query_scalar(
            "SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id
              WHERE a.job_id = $1",
        )
        .bind(jobs[i])
        .fetch_all(&mut *ttx)
        .await
        .unwrap();
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM applications")
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
        ttx.rollback().await.unwrap();
        assert_eq!(total, 5, "tenant {i}");
        assert_eq!(emails.len(), 5);
        assert!(
            emails
                .iter()
                .all(|e| e.ends_with(&format!("of-tenant{i}@example.com")))
        );
    }
}
