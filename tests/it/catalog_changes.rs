//! The catalog's change sequence (`public.catalog_changes`): every writer of the catalog appends
//! the job ids it touched in its own transaction (saves, status changes, tenant suspension, rename
//! and deletion), counters do not, a rolled-back write leaves nothing, and listeners are woken
//! when a change commits (PostgreSQL sends a notification only at commit).

use careers::postings::model::PostingStatus;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::support::TestDb;
use crate::support::site::{draft, posting, set_status, tenant};

/// The job ids appended after `seq`, in order, and the last sequence number.
async fn changes_after(pool: &PgPool, seq: i64) -> (Vec<Uuid>, i64) {
    let rows: Vec<(i64, Uuid)> = sqlx::query_as(
        "SELECT seq, job_id FROM public.catalog_changes WHERE seq > $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(pool)
    .await
    .unwrap();
    let last = rows.last().map_or(seq, |r| r.0);
    (rows.into_iter().map(|r| r.1).collect(), last)
}

#[tokio::test]
async fn every_catalog_writer_appends_the_jobs_it_touched_and_counters_do_not() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let (_, mut seq) = changes_after(pool, 0).await;

    // A published save: one change for its job.
    let a = posting(pool, &acme, draft("Backend Engineer")).await;
    let b = posting(pool, &acme, draft("Designer")).await;
    let (ids, s) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![a, b]);
    seq = s;

    // A draft never reaches the catalog: nothing to follow.
    posting(
        pool,
        &acme,
        careers::postings::model::PostingDraft {
            status: PostingStatus::Draft,
            ..draft("Draft only")
        },
    )
    .await;
    assert_eq!(changes_after(pool, seq).await.0, Vec::<Uuid>::new());

    // Counters change nothing a search reads.
    sqlx::query("UPDATE public.job_catalog SET view_count = view_count + 5, application_count = application_count + 1")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(changes_after(pool, seq).await.0, Vec::<Uuid>::new());

    // Closing removes the row: a change.
    set_status(pool, &acme, a, PostingStatus::Closed).await;
    let (ids, s) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![a]);
    seq = s;

    // A rename touches every row of the tenant.
    let mut ttx = acme.begin(pool).await.unwrap();
    careers::tenants::rename(&mut ttx, acme.id, "Acme Renamed")
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    let (ids, s) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![b]);
    seq = s;

    // Suspension removes them, activation brings them back.
    assert!(
        careers::tenants::set_status(pool, "acme", false)
            .await
            .unwrap()
    );
    let (ids, s) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![b]);
    seq = s;
    assert!(
        careers::tenants::set_status(pool, "acme", true)
            .await
            .unwrap()
    );
    let (ids, s) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![b]);
    seq = s;

    // A rolled-back write leaves no change behind.
    let mut ttx = acme.begin(pool).await.unwrap();
    careers::postings::save(
        &mut ttx,
        acme.id,
        careers::postings::PostingChange::Create(draft("Never")),
    )
    .await
    .unwrap();
    ttx.rollback().await.unwrap();
    assert_eq!(changes_after(pool, seq).await.0, Vec::<Uuid>::new());

    // Deleting the tenant removes its rows by cascade: still a change per job.
    careers::tenants::delete(pool, "acme").await.unwrap();
    let (ids, _) = changes_after(pool, seq).await;
    assert_eq!(ids, vec![b]);
}

#[tokio::test]
async fn readers_are_woken_when_a_change_commits() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme", "").await;
    let mut listener = PgListener::connect_with(&db.pool).await.unwrap();
    listener.listen("catalog_changes").await.unwrap();

    let mut ttx = acme.begin(&db.pool).await.unwrap();
    careers::postings::save(
        &mut ttx,
        acme.id,
        careers::postings::PostingChange::Create(draft("Backend Engineer")),
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    let note = tokio::time::timeout(std::time::Duration::from_secs(10), listener.recv())
        .await
        .expect("woken within 10 s of the commit")
        .unwrap();
    assert_eq!(note.channel(), "catalog_changes");
}
