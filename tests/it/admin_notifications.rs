//! New-application notifications: the job's recruiters get one mail per application by default,
//! batched to at most one per 5 minutes; a member can choose a daily digest or none, for all jobs
//! or one; hiring managers hear only of their jobs; mails go through the outbox once each, with a
//! link to the application.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::applications::notify::{self, Sent};
use careers::postings::model::PostingStatus;
use chrono::{DateTime, Duration, TimeZone, Utc};

async fn tick(db: &TestDb, t: &careers::tenancy::Tenant, now: DateTime<Utc>) -> Sent {
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let sent = notify::run(&mut ttx, t, "https://careers.example", now)
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    sent
}

async fn on_team(db: &TestDb, t: &careers::tenancy::Tenant, job: uuid::Uuid, email: &str) {
    let id = user_id(&db.pool, email).await;
    let mut ttx = t.begin(&db.pool).await.unwrap();
    careers::postings::team::add(&mut ttx, t.id, job, id)
        .await
        .unwrap()
        .unwrap();
    ttx.commit().await.unwrap();
}

#[tokio::test]
async fn recruiters_get_batched_mails_managers_only_their_jobs_and_settings_are_honoured() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let owner = tenant_with_user(&db.pool, "acme").await;
    let t = &owner.tenant;
    let recruiter = member(&db.pool, &owner, "recruiter").await;
    let manager = member(&db.pool, &owner, "hiring_manager").await;
    let bystander = format!("other@{}.example", t.slug);
    careers::auth::create_user(&db.pool, &t.slug, &bystander, PASSWORD)
        .await
        .unwrap();
    let job = create_job(&db.pool, t, "Welder", PostingStatus::Open).await;
    let quiet = create_job(&db.pool, t, "Quiet Job", PostingStatus::Open).await;
    on_team(&db, t, job, &recruiter).await;
    on_team(&db, t, quiet, &manager).await;
    // Nothing to announce yet.
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 6, 0, 0).unwrap();
    assert_eq!(tick(&db, t, now).await, Sent::default());

    let first = apply(&db.pool, t, job, "Ada", "First", "ada@x.example").await;
    let sent = tick(&db, t, now).await;
    assert_eq!(
        sent,
        Sent {
            fanned_out: 1,
            mails: 1
        }
    );
    let mails = mails_to(&db.pool, &recruiter).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("Ada First applied for Welder"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains(&format!(
        "https://careers.example/admin/applications/{first}"
    )));
    // Nobody else: not the owner off the team, not the manager of another job.
    for other in [&owner.email, &manager, &bystander] {
        assert!(
            mails_to(&db.pool, other).await.is_empty(),
            "{other} was mailed"
        );
    }

    // A burst within 5 minutes waits and then goes out as one mail listing all of it.
    apply(&db.pool, t, job, "Bo", "Second", "bo@x.example").await;
    apply(&db.pool, t, job, "Cy", "Third", "cy@x.example").await;
    assert_eq!(tick(&db, t, now + Duration::minutes(2)).await.mails, 0);
    assert_eq!(tick(&db, t, now + Duration::minutes(6)).await.mails, 1);
    let mails = mails_to(&db.pool, &recruiter).await;
    assert_eq!(mails.len(), 2);
    assert!(mails[1].contains("Bo Second") && mails[1].contains("Cy Third"));
    assert_eq!(
        tick(&db, t, now + Duration::minutes(20)).await,
        Sent::default(),
        "sent once"
    );

    // The owner asks for a daily digest of every job; the manager mutes their job; the recruiter
    // mutes Welder.
    let boss = sign_in(&app, &owner.email).await;
    let res = boss
        .post("/admin/notifications", &[("job", ""), ("mode", "digest")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let rec = sign_in(&app, &recruiter).await;
    let res = rec
        .post(
            "/admin/notifications",
            &[("job", &job.to_string()), ("mode", "none")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let hm = sign_in(&app, &manager).await;
    // A manager cannot set anything for a job they are not on.
    let res = hm
        .post(
            "/admin/notifications",
            &[("job", &job.to_string()), ("mode", "each")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = hm
        .post(
            "/admin/notifications",
            &[("job", &quiet.to_string()), ("mode", "each")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = hm.get("/admin/notifications").await;
    assert!(page.body.contains("Quiet Job") && !page.body.contains("Welder"));

    apply(&db.pool, t, job, "Di", "Fourth", "di@x.example").await;
    apply(&db.pool, t, quiet, "Ed", "Fifth", "ed@x.example").await;
    let before_digest = now + Duration::minutes(30); // 06:30 UTC
    assert_eq!(
        tick(&db, t, before_digest).await.mails,
        1,
        "the manager's mail only"
    );
    let hm_mails = mails_to(&db.pool, &manager).await;
    assert_eq!(hm_mails.len(), 1);
    assert!(hm_mails[0].contains("Ed Fifth") && !hm_mails[0].contains("Di Fourth"));
    assert_eq!(
        mails_to(&db.pool, &recruiter).await.len(),
        2,
        "Welder is muted for them"
    );
    assert!(
        mails_to(&db.pool, &owner.email).await.is_empty(),
        "the digest waits for 08:00"
    );
    let digest_time = Utc.with_ymd_and_hms(2026, 12, 3, 8, 1, 0).unwrap();
    assert_eq!(tick(&db, t, digest_time).await.mails, 1);
    let digest = mails_to(&db.pool, &owner.email).await;
    assert_eq!(digest.len(), 1);
    assert!(digest[0].contains("Di Fourth") && digest[0].contains("Ed Fifth"));
    // Once a day: a later application waits for tomorrow's digest.
    apply(&db.pool, t, job, "Flo", "Sixth", "flo@x.example").await;
    assert_eq!(
        tick(&db, t, digest_time + Duration::hours(3)).await.mails,
        0
    );
    assert_eq!(
        tick(&db, t, digest_time + Duration::hours(24)).await.mails,
        1
    );
}
