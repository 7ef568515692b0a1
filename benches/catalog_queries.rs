//! Timing of the public catalog queries against a large catalog (see docs/BENCHMARKS.md).
//!
//! Run against a database holding ~1M catalog rows:
//! `CAREERS_BENCH_DATABASE_URL=postgres://… cargo bench --bench catalog_queries`
//!
//! It builds a search index in memory from the catalog (timed), times each search and facet
//! scenario in process, then measures freshness: with the indexer following, it saves postings
//! at 50 per second for 30 s (in a tenant of its own, `bench-fresh`, closed again afterwards)
//! and reports how long each took from commit to searchable.
// A benchmark stops at the first failure, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use std::sync::Arc;

use careers::catalog::query::{self, JobQuery};
use careers::catalog::search::Search;

fn q(list: &[(&str, &str)]) -> JobQuery {
    JobQuery::from_pairs(list).unwrap()
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let p =
        |f: f64| times[((times.len() as f64 - 1.0) * f).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "{name:<48} p50 {:>8.2} ms   p95 {:>8.2} ms   p99 {:>8.2} ms   max {:>8.2} ms",
        p(0.5),
        p(0.95),
        p(0.99),
        p(1.0)
    );
}

fn main() {
    let Ok(url) = std::env::var("CAREERS_BENCH_DATABASE_URL") else {
        eprintln!(
            "set CAREERS_BENCH_DATABASE_URL to a database holding a large catalog \
             (`careers seed` fills one; see docs/BENCHMARKS.md)"
        );
        std::process::exit(2);
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the runtime")
        .block_on(run(&url));
}

async fn run(url: &str) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let runs = 20;
    // The index a `serve` process keeps, built here in memory: the build is timed too.
    let search = Arc::new(Search::in_memory("EUR").unwrap());
    let s = Instant::now();
    let (checkpoint, docs) = search.index().rebuild(&pool).await.unwrap();
    report(
        &format!("search index build ({docs} jobs)"),
        vec![s.elapsed()],
    );
    search.progress().send_replace(Some(checkpoint));
    query::refresh_stats(&pool).await.unwrap();
    let lists: Vec<(&str, JobQuery)> = vec![
        ("list page 1 (unfiltered)", JobQuery::default()),
        ("list page 50", q(&[("page", "50")])),
        (
            "filter remote + full_time",
            q(&[("remote_policy", "remote"), ("job_type", "full_time")]),
        ),
        ("filter company (one tenant)", q(&[("company", "co-42")])),
        ("filter location substring", q(&[("location", "lisb")])),
        (
            "filter salary_min high, -salary_max",
            q(&[("salary_min", "190000"), ("ordering", "-salary_max")]),
        ),
        ("broad search q=engineer (ranked)", q(&[("q", "engineer")])),
        (
            "broad search q=engineer newest",
            q(&[("q", "engineer"), ("ordering", "-published_at")]),
        ),
        (
            "medium search q=\"security architect\"",
            q(&[("q", "\"security architect\"")]),
        ),
        ("rare search q=term19999", q(&[("q", "term19999")])),
        ("typo search q=enginer", q(&[("q", "enginer")])),
        ("prefix search q=develo", q(&[("q", "develo")])),
        (
            "salary filter 80000 EUR/year, -salary_max",
            q(&[("salary_min", "80000"), ("ordering", "-salary_max")]),
        ),
        ("cursor page deep (page 400)", q(&[("page", "400")])),
        ("no-match search q=zzzxqj", q(&[("q", "zzzxqj")])),
        (
            "search + filters",
            q(&[
                ("q", "developer"),
                ("remote_policy", "remote"),
                ("location", "berlin"),
            ]),
        ),
    ];
    for (name, jq) in &lists {
        let mut t = Vec::new();
        let mut count = 0;
        for _ in 0..runs {
            let s = Instant::now();
            let page = search.jobs(&pool, jq).await.unwrap();
            t.push(s.elapsed());
            count = page.count;
        }
        report(&format!("jobs: {name} (count {count})"), t);
    }
    let facets: Vec<(&str, JobQuery)> = vec![
        ("facets unfiltered", JobQuery::default()),
        ("facets remote", q(&[("remote_policy", "remote")])),
        ("facets company", q(&[("company", "co-42")])),
        ("facets broad q=engineer", q(&[("q", "engineer")])),
        ("facets rare q=term19999", q(&[("q", "term19999")])),
        (
            "facets q + 3 filters",
            q(&[
                ("q", "developer"),
                ("remote_policy", "remote"),
                ("job_type", "full_time"),
                ("location", "berlin"),
            ]),
        ),
    ];
    for (name, jq) in &facets {
        let mut t = Vec::new();
        for _ in 0..runs {
            let s = Instant::now();
            search.facets(&pool, jq).await.unwrap();
            t.push(s.elapsed());
        }
        report(name, t);
    }
    let ids: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT job_id FROM public.job_catalog TABLESAMPLE SYSTEM (1) LIMIT 20")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut t = Vec::new();
    for id in &ids {
        let s = Instant::now();
        query::get_job(&pool, *id).await.unwrap();
        t.push(s.elapsed());
    }
    report("detail", t);
    let mut t = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        query::list_companies(&pool, 1, 20).await.unwrap();
        t.push(s.elapsed());
    }
    report("companies page 1", t);
    let mut t = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        let total = search.count(&pool, &JobQuery::default()).await.unwrap();
        let starts = query::sitemap_shards(&pool, total, query::SITEMAP_SHARD_SIZE)
            .await
            .unwrap();
        query::sitemap_page(&pool, starts[starts.len() / 2], query::SITEMAP_SHARD_SIZE)
            .await
            .unwrap();
        t.push(s.elapsed());
    }
    report("sitemap: shard index + one 50k-URL shard", t);
    let s = Instant::now();
    query::refresh_stats(&pool).await.unwrap();
    report(
        "refresh_stats (scheduler, not per request)",
        vec![s.elapsed()],
    );
    freshness(&pool, search).await;
}

/// Commit-to-searchable latency while postings are saved at 50/s.
async fn freshness(pool: &sqlx::PgPool, search: Arc<Search>) {
    use careers::postings::model::{PostingDraft, PostingStatus};
    use careers::postings::{PostingChange, save};
    let mut conn = pool.acquire().await.unwrap();
    let found = careers::tenancy::find_by_slug(&mut conn, "bench-fresh")
        .await
        .unwrap();
    drop(conn);
    let tenant = match found {
        Some(t) => t,
        None => careers::tenancy::create(pool, "bench-fresh", "Bench Fresh", &[])
            .await
            .unwrap(),
    };
    let follower = careers::catalog::indexer::start(
        search.clone(),
        pool.clone(),
        Arc::new(careers::metrics::Metrics::new()),
    );
    // The saver commits at 50/s and hands each change number and commit time to the watcher,
    // which notes when the index first reports a checkpoint at or past it.
    let (tx, mut pending) = tokio::sync::mpsc::unbounded_channel::<(i64, Instant)>();
    let watcher = tokio::spawn({
        let mut rx = search.progress().subscribe();
        async move {
            let mut lags = Vec::new();
            let mut waiting: std::collections::VecDeque<(i64, Instant)> = Default::default();
            loop {
                tokio::select! {
                    got = pending.recv() => match got {
                        Some(p) => waiting.push_back(p),
                        None if waiting.is_empty() => return lags,
                        None => {}
                    },
                    changed = rx.changed() => if changed.is_err() { return lags; },
                }
                let at = rx.borrow().as_ref().map_or(0, |c| c.seq);
                while waiting.front().is_some_and(|(seq, _)| *seq <= at) {
                    if let Some((_, committed)) = waiting.pop_front() {
                        lags.push(committed.elapsed());
                    }
                }
                if pending.is_closed() && waiting.is_empty() {
                    return lags;
                }
            }
        }
    });
    let mut ids = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        tick.tick().await;
        let mut ttx = tenant.begin(pool).await.unwrap();
        let saved = save(
            &mut ttx,
            tenant.id,
            PostingChange::Create(PostingDraft {
                title: "Freshness Probe Engineer".into(),
                description: "Measures how fast the index follows.".into(),
                location: "Berlin, Germany".into(),
                category: "Engineering".into(),
                status: PostingStatus::Open,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
        let seq: i64 = sqlx::query_scalar("SELECT max(seq) FROM public.catalog_changes")
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
        ttx.commit().await.unwrap();
        tx.send((seq, Instant::now())).unwrap();
        ids.push(saved.posting.id);
    }
    drop(tx);
    let lags = watcher.await.unwrap();
    follower.abort();
    let n = lags.len();
    report(
        &format!("freshness: commit to searchable, {n} saves at 50/s"),
        lags,
    );
    for id in ids {
        let mut ttx = tenant.begin(pool).await.unwrap();
        save(
            &mut ttx,
            tenant.id,
            PostingChange::SetStatus {
                id,
                expected_version: None,
                status: PostingStatus::Closed,
            },
        )
        .await
        .unwrap();
        ttx.commit().await.unwrap();
    }
}
