//! Job views: counted on the job page and the API detail, flushed by the scheduler's counter task,
//! and never reset by a sync or a reconcile.

use crate::support::TestDb;
use careers::catalog::reconcile;
use careers::scheduler::{Scheduler, tasks};
use chrono::Utc;

async fn view_count(pool: &sqlx::PgPool, id: uuid::Uuid) -> i64 {
    sqlx::query_scalar("SELECT view_count FROM public.job_catalog WHERE job_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn page_and_api_views_reach_the_catalog_on_the_counter_flush_and_survive_a_reconcile() {
    let db = TestDb::new().await;
    let acme = crate::support::site::tenant(&db.pool, "acme", "Acme", "We build").await;
    let id = crate::support::site::posting(
        &db.pool,
        &acme,
        crate::support::site::draft("Backend Engineer"),
    )
    .await;
    let state = db.state();

    assert_eq!(
        crate::support::site::get(&state, &format!("/jobs/{id}"))
            .await
            .status,
        200
    );
    assert_eq!(
        crate::support::site::get(&state, &format!("/jobs/{id}"))
            .await
            .status,
        200
    );
    assert_eq!(
        crate::support::site::get(&state, &format!("/api/v1/careers/jobs/{id}/"))
            .await
            .status,
        200
    );
    // A missing job counts nothing.
    crate::support::site::get(&state, &format!("/jobs/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(
        view_count(&db.pool, id).await,
        0,
        "views are not written on the request path"
    );

    let scheduler = Scheduler::new(state.clone());
    let report = scheduler
        .run_slot(&tasks::counters::TASK, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.changed, 3);
    assert_eq!(view_count(&db.pool, id).await, 3);

    // A re-save of the posting and a full reconcile leave the counter alone.
    crate::support::site::set_status(
        &db.pool,
        &acme,
        id,
        careers::postings::model::PostingStatus::Open,
    )
    .await;
    let report = reconcile::run(&db.pool, &reconcile::Options::all("test"))
        .await
        .unwrap();
    assert_eq!(report.totals.total(), 0);
    assert_eq!(view_count(&db.pool, id).await, 3);

    // Nothing pending: the next flush writes nothing.
    let report = scheduler
        .run_slot(
            &tasks::counters::TASK,
            Utc::now() + chrono::Duration::minutes(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.changed, 0);
}
