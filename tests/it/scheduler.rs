//! The scheduler against a real PostgreSQL: claims, the reconcile and expiry-sweep tasks, per-tenant
//! failure handling and metrics. Tasks are driven directly with chosen slots; nothing sleeps.

use crate::support::TestDb;
use careers::catalog::reconcile;
use careers::postings::model::{PostingDraft, PostingStatus};
use careers::postings::{self, PostingChange};
use careers::scheduler::{Scheduler, tasks};
use careers::tenancy::{self, Tenant};
use chrono::{Duration, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

async fn open_posting(pool: &PgPool, t: &Tenant, d: PostingDraft) -> Uuid {
    let mut ttx = t.begin(pool).await.unwrap();
    let saved = postings::save(
        &mut ttx,
        t.id,
        PostingChange::Create(PostingDraft {
            status: PostingStatus::Open,
            ..d
        }),
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    saved.posting.id
}

fn titled(title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn every_instance_flushes_the_views_it_counted_itself_in_the_same_slot() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let id = open_posting(&db.pool, &t, titled("Viewed")).await;
    let (sa, sb) = (db.state(), db.state());
    for _ in 0..3 {
        sa.views.record(id);
    }
    for _ in 0..2 {
        sb.views.record(id);
    }
    let (a, b) = (Scheduler::new(sa), Scheduler::new(sb));
    let slot = Utc.with_ymd_and_hms(2026, 11, 29, 14, 10, 30).unwrap();
    let (ra, rb) = tokio::join!(
        a.run_slot(&tasks::counters::TASK, slot),
        b.run_slot(&tasks::counters::TASK, slot)
    );
    assert!(
        ra.unwrap().is_some() && rb.unwrap().is_some(),
        "both run the slot"
    );
    let views: i64 =
        sqlx::query_scalar("SELECT view_count FROM public.job_catalog WHERE job_id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(views, 5, "each instance's own counts reached the catalog");
}

#[tokio::test]
async fn two_scheduler_instances_on_one_database_run_a_task_once_per_slot() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let id = open_posting(&db.pool, &t, titled("Listed")).await;
    sqlx::query("DELETE FROM public.job_catalog WHERE job_id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();

    // Two instances, as two `serve` processes would have, each with its own pool.
    let other_pool = careers::db::pool_options()
        .max_connections(4)
        .connect_with(db.options())
        .await
        .unwrap();
    let a = Scheduler::new(db.state());
    let b = Scheduler::new(careers::state::AppState::new(
        other_pool,
        (*db.state().settings).clone(),
    ));
    assert_ne!(a.instance(), b.instance());
    let slot = Utc.with_ymd_and_hms(2026, 11, 29, 14, 10, 0).unwrap();
    let (ra, rb) = tokio::join!(
        a.run_slot(&tasks::reconcile::TASK, slot),
        b.run_slot(&tasks::reconcile::TASK, slot)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(
        ra.is_some() != rb.is_some(),
        "exactly one instance runs the slot"
    );
    let report = ra.or(rb).unwrap();
    assert_eq!(report.changed, 1, "the one run repaired the missing row");
    // Late for the same slot: still nobody runs it again.
    assert!(
        a.run_slot(&tasks::reconcile::TASK, slot)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        b.run_slot(&tasks::reconcile::TASK, slot)
            .await
            .unwrap()
            .is_none()
    );
    // The next slot runs once more, and another task's claim on the same slot is independent.
    let next = slot + Duration::minutes(10);
    let (ra, rb) = tokio::join!(
        a.run_slot(&tasks::reconcile::TASK, next),
        b.run_slot(&tasks::reconcile::TASK, next)
    );
    assert!(ra.unwrap().is_some() != rb.unwrap().is_some());
    assert!(
        a.run_slot(&tasks::expiry_sweep::TASK, slot)
            .await
            .unwrap()
            .is_some()
    );

    let runs = reconcile::recent_runs(&db.pool, reconcile::TASK, 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.trigger == "schedule"));
    let claims: Vec<(String, String)> =
        sqlx::query_as("SELECT task, claimed_by FROM public.scheduler_claims ORDER BY task, slot")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(claims.len(), 3);
    assert!(
        claims
            .iter()
            .all(|(_, by)| by == a.instance() || by == b.instance())
    );
}

#[tokio::test]
async fn a_reconcile_run_exports_its_drift_and_duration_in_metrics() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    for i in 0..3 {
        open_posting(&db.pool, &t, titled(&format!("Job {i}"))).await;
    }
    sqlx::query("DELETE FROM public.job_catalog")
        .execute(&db.pool)
        .await
        .unwrap();
    let state = db.state();
    let s = Scheduler::new(state.clone());
    let slot = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    s.run_slot(&tasks::reconcile::TASK, slot)
        .await
        .unwrap()
        .unwrap();
    let text = state.metrics.render();
    assert!(text.contains("careers_reconcile_drift_rows 3"), "{text}");
    assert!(
        text.contains("careers_reconcile_failed_tenants 0"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE careers_reconcile_duration_seconds gauge"),
        "{text}"
    );
    // Healthy now: the next run reports no drift.
    s.run_slot(&tasks::reconcile::TASK, slot + Duration::minutes(10))
        .await
        .unwrap()
        .unwrap();
    assert!(
        state
            .metrics
            .render()
            .contains("careers_reconcile_drift_rows 0")
    );
    // And /metrics serves it.
    use tower::ServiceExt;
    let resp = careers::server::router::build(state)
        .oneshot(
            axum::http::Request::get("/metrics")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("careers_reconcile_drift_rows 0"));
}

#[tokio::test]
async fn a_failing_tenant_is_recorded_and_skipped_while_the_run_carries_on() {
    let db = TestDb::new().await;
    let broken = tenancy::create(&db.pool, "broken", "Broken", &[])
        .await
        .unwrap();
    let fine = tenancy::create(&db.pool, "fine", "Fine", &[])
        .await
        .unwrap();
    let id = open_posting(&db.pool, &fine, titled("Listed")).await;
    open_posting(&db.pool, &broken, titled("Doomed")).await;
    sqlx::query("DELETE FROM public.job_catalog WHERE job_id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    // Break one tenant's schema behind the application's back.
    sqlx::raw_sql(&format!(
        "ALTER TABLE {}.job_postings RENAME TO job_postings_gone",
        broken.schema().quoted()
    ))
    .execute(&db.pool)
    .await
    .unwrap();

    let s = Scheduler::new(db.state());
    let slot = Utc.with_ymd_and_hms(2026, 1, 1, 0, 10, 0).unwrap();
    let r = s
        .run_slot(&tasks::reconcile::TASK, slot)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.failed_tenants, vec!["broken".to_string()]);
    let catalog = r.catalog.unwrap();
    assert_eq!(
        catalog.totals.inserted, 1,
        "the healthy tenant was still repaired"
    );
    let run = &reconcile::recent_runs(&db.pool, reconcile::TASK, 1)
        .await
        .unwrap()[0];
    assert_eq!(run.tenants, 2);
    assert!(
        run.failures.0.to_string().contains("broken"),
        "{:?}",
        run.failures
    );
    let error: Option<String> = sqlx::query_scalar(
        "SELECT error FROM public.sync_run_tenants WHERE run_id = $1 AND tenant_id = $2",
    )
    .bind(run.id)
    .bind(broken.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(error.unwrap().contains("job_postings"));
}

#[tokio::test]
async fn the_expiry_sweep_closes_expired_postings_and_reconcile_then_finds_no_drift() {
    let db = TestDb::new().await;
    let t = tenancy::create(&db.pool, "acme", "Acme", &[])
        .await
        .unwrap();
    let published = Utc::now() - Duration::days(10);
    let expired = open_posting(
        &db.pool,
        &t,
        PostingDraft {
            published_at: Some(published),
            expires_at: Some(Utc::now() - Duration::days(1)),
            ..titled("Expired yesterday")
        },
    )
    .await;
    let current = open_posting(
        &db.pool,
        &t,
        PostingDraft {
            published_at: Some(published),
            expires_at: Some(Utc::now() + Duration::days(5)),
            ..titled("Still running")
        },
    )
    .await;
    let s = Scheduler::new(db.state());
    let slot = Utc.with_ymd_and_hms(2026, 1, 1, 0, 7, 0).unwrap();
    let r = s
        .run_slot(&tasks::expiry_sweep::TASK, slot)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.changed, 1);
    let mut ttx = t.begin(&db.pool).await.unwrap();
    let p = postings::db::get(&mut ttx, expired.to_owned())
        .await
        .unwrap()
        .unwrap();
    ttx.rollback().await.unwrap();
    assert_eq!(p.status, PostingStatus::Closed);
    let listed: Vec<Uuid> = sqlx::query_scalar("SELECT job_id FROM public.job_catalog")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(listed, vec![current]);
    // Reconcile agrees with the sweep: the two tasks never undo each other.
    let rec = s
        .run_slot(&tasks::reconcile::TASK, slot)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.changed, 0);
    let again = s
        .run_slot(&tasks::expiry_sweep::TASK, slot + Duration::minutes(15))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.changed, 0);
}
