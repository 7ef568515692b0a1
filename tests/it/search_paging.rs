//! Search under change (#12): walking `next` links while jobs are published and closed sees every
//! job public throughout exactly once; an index killed mid-batch catches up from its last
//! commit; an index that missed pruned changes rebuilds; a page past the end is a 404.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use careers::catalog::index::SearchIndex;
use careers::catalog::indexer;
use careers::catalog::query::{JobQuery, VISIBLE};
use careers::postings::model::PostingStatus;
use uuid::Uuid;

use crate::support::TestDb;
use crate::support::api::{app, get, open_draft, posting, set_status, tenant};
use crate::support::browser::{Server, gauge};

fn q(list: &[(&str, &str)]) -> JobQuery {
    JobQuery::from_pairs(list).unwrap()
}

async fn visible_ids(pool: &sqlx::PgPool) -> BTreeSet<Uuid> {
    sqlx::query_scalar::<_, Uuid>(&format!(
        "SELECT c.job_id FROM public.job_catalog c WHERE {VISIBLE}"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[tokio::test]
async fn walking_next_links_while_jobs_are_published_and_closed_sees_each_steady_job_once() {
    let db = TestDb::new().await;
    let search = db.search();
    let acme = tenant(&db.pool, "acme", "Acme").await;
    let mut before = Vec::new();
    for i in 0..120 {
        let title = if i % 2 == 0 {
            "Backend Engineer"
        } else {
            "Data Engineer"
        };
        before.push(posting(&db.pool, &acme, open_draft(title)).await);
    }
    for params in [
        vec![("ordering", "-published_at")],
        vec![("ordering", "published_at")],
        vec![("q", "engineer"), ("ordering", "-published_at")],
    ] {
        // Every third job of the steady set is closed during the walk; new jobs keep coming.
        let closing: BTreeSet<Uuid> = before.iter().copied().skip(1).step_by(3).collect();
        let steady: BTreeSet<Uuid> = before
            .iter()
            .copied()
            .filter(|id| !closing.contains(id))
            .collect();
        let mut seen: Vec<Uuid> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut step = 0;
        let mut to_close = closing.iter().copied();
        loop {
            let mut p = params.clone();
            p.push(("page_size", "7"));
            if let Some(c) = &cursor {
                p.push(("cursor", c.as_str()));
            }
            let page = search.jobs(&db.pool, &q(&p)).await.unwrap();
            seen.extend(page.results.iter().map(|j| j.id));
            // Between pages: publish two jobs and close one.
            posting(&db.pool, &acme, open_draft("Backend Engineer")).await;
            posting(&db.pool, &acme, open_draft("Data Engineer")).await;
            if let Some(id) = to_close.next() {
                set_status(&db.pool, &acme, id, PostingStatus::Closed).await;
            }
            step += 1;
            assert!(step < 200, "the walk does not end");
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut counts: HashMap<Uuid, usize> = HashMap::new();
        for id in &seen {
            *counts.entry(*id).or_default() += 1;
        }
        let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{params:?}: seen twice: {twice:?}");
        let missed: Vec<_> = steady
            .iter()
            .filter(|id| !counts.contains_key(id))
            .collect();
        assert!(missed.is_empty(), "{params:?}: missed {missed:?}");
        // The closed ones are open again for the next ordering.
        for id in &closing {
            set_status(&db.pool, &acme, *id, PostingStatus::Open).await;
        }
    }
}

#[tokio::test]
async fn an_index_dropped_between_applying_and_committing_catches_up_from_its_last_commit() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme").await;
    let dir = std::env::temp_dir().join(format!("careers-index-crash-{}", db.name));
    let _ = std::fs::remove_dir_all(&dir);
    let first = posting(pool, &acme, open_draft("Backend Engineer")).await;
    {
        let (index, _) = SearchIndex::open(&dir).unwrap();
        index.rebuild(pool).await.unwrap();
    }
    let later: Vec<Uuid> = {
        let mut v = Vec::new();
        for _ in 0..30 {
            v.push(posting(pool, &acme, open_draft("Data Engineer")).await);
        }
        v
    };
    {
        // The batch is applied but the process dies before the commit.
        let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
        assert!(checkpoint.is_some());
        index.apply(pool, &later).await.unwrap();
        assert!(
            !index.contains(later[0]).unwrap(),
            "not committed, not visible"
        );
    }
    let (index, checkpoint) = SearchIndex::open(&dir).unwrap();
    let mut checkpoint = checkpoint.unwrap();
    assert_eq!(index.num_docs(), 1, "the uncommitted batch is gone");
    indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap();
    assert_eq!(index.num_docs(), 31);
    for id in later.iter().chain([&first]) {
        assert!(index.contains(*id).unwrap());
    }
    drop(index);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_server_killed_while_indexing_a_burst_catches_up_when_it_restarts() {
    let db = TestDb::new().await;
    let data_dir = std::env::temp_dir().join(format!("careers-crash-{}", db.name));
    let _ = std::fs::remove_dir_all(&data_dir);
    let server = Server::start_in(&db, &data_dir).await;
    // A burst of 2,000 jobs (the indexer applies them in batches), the server killed (SIGKILL)
    // as soon as the index has applied some of them.
    let seeding = tokio::spawn({
        let pool = db.pool.clone();
        async move {
            careers::seed::run(&pool, &careers::seed::Spec::new(4, 500, 9))
                .await
                .unwrap();
        }
    });
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let docs = gauge(&client, &server.base, "careers_search_index_documents").await;
        if docs > 0.0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the index applied nothing in 60 s"
        );
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill();
    seeding.await.unwrap();
    let expected = visible_ids(&db.pool).await;
    assert!(expected.len() > 1_500, "{}", expected.len());

    let server = Server::start_in(&db, &data_dir).await;
    // The restarted server resumes from its last commit: wait until it reports having applied the
    // catalog's last change (a request waits for that at most a second, which a loaded machine
    // may need more than to apply the rest of the burst).
    let last: i64 = sqlx::query_scalar("SELECT max(seq) FROM public.catalog_changes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let applied = gauge(&client, &server.base, "careers_search_index_last_change").await;
        if applied >= last as f64 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the restarted index did not catch up in 60 s ({applied} < {last})"
        );
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut listed = BTreeSet::new();
    let mut next = Some(format!(
        "{}/api/v1/careers/jobs/?page_size=100",
        server.base
    ));
    while let Some(url) = next {
        let body: serde_json::Value = client.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["count"], expected.len());
        for j in body["results"].as_array().unwrap() {
            listed.insert(j["id"].as_str().unwrap().parse::<Uuid>().unwrap());
        }
        next = body["next"].as_str().map(str::to_string);
    }
    assert_eq!(listed, expected);
    drop(server);
}

#[tokio::test]
async fn an_index_behind_the_pruned_changes_rebuilds_and_a_page_past_the_end_is_404() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let acme = tenant(pool, "acme", "Acme").await;
    let a = posting(pool, &acme, open_draft("Backend Engineer")).await;
    let index = SearchIndex::in_memory().unwrap();
    let (mut checkpoint, _) = index.rebuild(pool).await.unwrap();
    let b = posting(pool, &acme, open_draft("Data Engineer")).await;
    // Everything recorded so far is pruned before this index applied it.
    let pruned = indexer::prune(pool, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert!(pruned > 0);
    let e = indexer::catch_up(&index, pool, &mut checkpoint)
        .await
        .unwrap_err();
    assert!(e.downcast_ref::<indexer::Behind>().is_some(), "{e}");
    // The follower rebuilds on that error.
    let index = Arc::new(index);
    let (tx, mut rx) = tokio::sync::watch::channel(Some(checkpoint.clone()));
    let follower = tokio::spawn(indexer::follow(
        index.clone(),
        pool.clone(),
        checkpoint,
        tx,
        Arc::new(careers::metrics::Metrics::new()),
    ));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !index.contains(b).unwrap() {
        assert!(std::time::Instant::now() < deadline, "not rebuilt");
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.changed())
            .await
            .expect("the follower reported nothing in 10 s")
            .unwrap();
    }
    assert!(index.contains(a).unwrap());
    follower.abort();

    let app = app(db.state());
    let r = get(&app, "/api/v1/careers/jobs/?page=3").await;
    assert_eq!(r.status.as_u16(), 404);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    let r = get(&app, "/jobs?page=3").await;
    assert_eq!(r.status.as_u16(), 404);
    let html = String::from_utf8(r.bytes).unwrap();
    assert!(html.contains("noindex"), "{html}");
    assert_eq!(get(&app, "/jobs?page=1").await.status.as_u16(), 200);
}
