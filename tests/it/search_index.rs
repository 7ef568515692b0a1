//! The search index follows the catalog (#12): a rebuild holds exactly the catalog's rows, a
//! catch-up applies every committed change once, including changes that commit out of sequence
//! order, and a rolled-back change's number is settled without waiting for ever; an index
//! reopened from disk carries on from its checkpoint.

use careers::catalog::index::{Checkpoint, SearchIndex};
use careers::catalog::indexer;
use careers::postings::model::PostingStatus;
use careers::postings::{self, PostingChange};
use careers::tenancy::Tenant;
use sqlx::PgPool;
use uuid::Uuid;

use crate::support::TestDb;
use crate::support::site::{draft, posting, set_status, tenant};

/// Saves an open posting in a transaction the caller commits or rolls back.
async fn save_open(pool: &PgPool, t: &Tenant, title: &str) -> (careers::tenancy::TenantTx, Uuid) {
    let mut ttx = t.begin(pool).await.unwrap();
    let d = careers::postings::model::PostingDraft {
        location: format!("{title} City"),
        ..draft(title)
    };
    let saved = postings::save(&mut ttx, t.id, PostingChange::Create(d))
        .await
        .unwrap();
    (ttx, saved.posting.id)
}

#[tokio::test]
async fn a_rebuild_holds_the_catalog_and_a_catch_up_applies_each_change() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let a = posting(pool, &acme, draft("Backend Engineer")).await;
    let b = posting(pool, &acme, draft("Designer")).await;

    let index = SearchIndex::in_memory().unwrap();
    let (mut checkpoint, n) = index.rebuild(pool).await.unwrap();
    assert_eq!((n, index.num_docs()), (2, 2));
    assert!(checkpoint.gaps.is_empty());

    let c = posting(pool, &acme, draft("Accountant")).await;
    set_status(pool, &acme, a, PostingStatus::Closed).await;
    assert_eq!(
        indexer::catch_up(&index, pool, &mut checkpoint)
            .await
            .unwrap(),
        2
    );
    assert!(!index.contains(a).unwrap(), "a closed job leaves the index");
    assert!(index.contains(b).unwrap() && index.contains(c).unwrap());
    assert_eq!(index.num_docs(), 2);
    assert_eq!(indexer::lag(pool, &checkpoint).await.unwrap().0, 0);

    // Nothing new: nothing applied.
    assert_eq!(
        indexer::catch_up(&index, pool, &mut checkpoint)
            .await
            .unwrap(),
        0
    );

    // A tenant suspended: all its jobs go.
    careers::tenants::set_status(pool, "acme", false)
        .await
        .unwrap();
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert_eq!(index.num_docs(), 0);
}

#[tokio::test]
async fn a_change_that_commits_after_a_later_number_is_still_applied() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let index = SearchIndex::in_memory().unwrap();
    let (mut checkpoint, _) = index.rebuild(pool).await.unwrap();

    // The first transaction takes its change number and stays open…
    let (slow, slow_id) = save_open(pool, &acme, "Slow Engineer").await;
    // …while a second one takes the next number and commits.
    let fast = posting(pool, &acme, draft("Fast Engineer")).await;
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert!(index.contains(fast).unwrap());
    assert!(!index.contains(slow_id).unwrap());
    assert_eq!(checkpoint.gaps.len(), 1, "the open number is remembered");

    slow.commit().await.unwrap();
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert!(
        index.contains(slow_id).unwrap(),
        "applied once it committed"
    );
    assert!(checkpoint.gaps.is_empty());
}

#[tokio::test]
async fn a_rolled_back_number_is_settled_once_its_transaction_ended() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let index = SearchIndex::in_memory().unwrap();
    let (mut checkpoint, _) = index.rebuild(pool).await.unwrap();

    let (doomed, doomed_id) = save_open(pool, &acme, "Never Published").await;
    let kept = posting(pool, &acme, draft("Published")).await;
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert_eq!(checkpoint.gaps.len(), 1);
    doomed.rollback().await.unwrap();
    // Settled once every transaction that was running when the gap was seen has ended: ours,
    // and whatever other tests had open in the same cluster then (transaction ids are
    // cluster-wide), so this waits for those too.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        indexer::catch_up(&index, pool, &mut checkpoint)
            .await
            .unwrap();
        if checkpoint.gaps.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the gap never settled: {:?}",
            checkpoint.gaps
        );
        tokio::time::sleep(indexer::POLL / 10).await;
    }
    assert!(index.contains(kept).unwrap());
    assert!(!index.contains(doomed_id).unwrap());
}

#[tokio::test]
async fn an_index_reopened_from_disk_carries_on_from_its_checkpoint() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let a = posting(pool, &acme, draft("Backend Engineer")).await;
    let dir = std::env::temp_dir().join(format!("careers-it-index-{}", Uuid::now_v7()));
    let first: Checkpoint;
    {
        let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
        assert!(checkpoint.is_none());
        first = index.rebuild(pool).await.unwrap().0;
    }
    let b = posting(pool, &acme, draft("Designer")).await;
    let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
    let mut checkpoint = checkpoint.expect("the checkpoint was committed with the index");
    assert_eq!(checkpoint, first);
    assert!(index.contains(a).unwrap() && !index.contains(b).unwrap());
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert!(index.contains(b).unwrap());
    drop(index);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_follower_applies_a_published_job_as_soon_as_it_commits() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme", "").await;
    let index = std::sync::Arc::new(SearchIndex::in_memory().unwrap());
    let (checkpoint, _) = index.rebuild(pool).await.unwrap();
    let (tx, mut rx) = tokio::sync::watch::channel(Some(checkpoint.clone()));
    let metrics = std::sync::Arc::new(careers::metrics::Metrics::new());
    let follower = tokio::spawn(indexer::follow(
        index.clone(),
        pool.clone(),
        checkpoint,
        tx,
        metrics.clone(),
    ));

    let job = posting(pool, &acme, draft("Backend Engineer")).await;
    let target: i64 = sqlx::query_scalar("SELECT max(seq) FROM public.catalog_changes")
        .fetch_one(pool)
        .await
        .unwrap();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        rx.wait_for(|c| c.as_ref().is_some_and(|c| c.seq >= target)),
    )
    .await
    .expect("the follower reached the change within 10 s")
    .unwrap();
    assert!(index.contains(job).unwrap());
    let exposed = metrics.render();
    assert!(
        exposed.contains("careers_search_index_documents 1\n"),
        "{exposed}"
    );
    assert!(
        exposed.contains("careers_search_index_lag_seconds 0\n"),
        "{exposed}"
    );
    follower.abort();
}
