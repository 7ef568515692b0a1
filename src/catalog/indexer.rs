//! Keeps a [`SearchIndex`] following the catalog's change sequence (`public.catalog_changes`,
//! appended in the transaction of every catalog write; migration 0045).
//!
//! Change numbers are handed out before commit, so they become visible out of order: a
//! transaction holding number 7 may commit after the one holding 8. Reading "everything after the
//! last number applied" would skip 7 for ever. So a read that finds numbers missing below the
//! largest it saw records them as a [`Gap`], together with the snapshot's `xmax`: every
//! transaction that could still add one of them was running at that read, so once the oldest
//! running transaction is at or past that `xmax` they have all ended. Each catch-up re-reads the
//! open gaps in the same statement that reads the new changes and tells which gaps are settled:
//! a number found is applied, a settled number not found was rolled back.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use uuid::Uuid;

use super::index::{Checkpoint, Gap, SearchIndex};
use super::search::Search;
use crate::error::BurstLog;
use crate::metrics::Metrics;

/// Changes read per statement.
const BATCH: i64 = 5_000;
/// How long the change sequence is kept ([`prune`]).
pub const RETENTION: Duration = Duration::from_secs(24 * 3600);
/// Changes deleted per statement while pruning.
const PRUNE_BATCH: i64 = 10_000;

/// The index missed changes that were pruned from the sequence: it must be rebuilt.
#[derive(Debug, thiserror::Error)]
#[error("the change sequence was pruned past this index's checkpoint ({checkpoint} < {through})")]
pub struct Behind {
    pub checkpoint: i64,
    pub through: i64,
}

/// One read of the sequence: new changes and gap fills, and the read's snapshot bounds.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    job_id: Uuid,
}

/// Applies every change committed since `checkpoint` and commits the index with the new
/// checkpoint; returns how many changes it applied.
pub async fn catch_up(
    index: &SearchIndex,
    pool: &PgPool,
    checkpoint: &mut Checkpoint,
) -> anyhow::Result<usize> {
    let mut applied = 0;
    loop {
        let before = checkpoint.clone();
        let (batch, more) = read(pool, checkpoint).await?;
        if !batch.is_empty() {
            let ids: Vec<Uuid> = batch
                .iter()
                .map(|r| r.job_id)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            index.apply(pool, &ids).await?;
            applied += batch.len();
        }
        if !batch.is_empty() || *checkpoint != before {
            index.commit(checkpoint)?;
        }
        if !more {
            return Ok(applied);
        }
    }
}

/// Reads the next changes and advances `checkpoint` over them (gaps opened, filled or settled);
/// `true` when a full batch was read (there may be more).
async fn read(
    pool: &PgPool,
    checkpoint: &mut Checkpoint,
) -> anyhow::Result<(Vec<ChangeRow>, bool)> {
    let mut tx = pool.begin().await?;
    // One snapshot for the rows and its bounds.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let (xmin, xmax): (i64, i64) = sqlx::query_as(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                pg_snapshot_xmax(pg_current_snapshot())::text::bigint",
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading the snapshot bounds")?;
    let through: i64 = sqlx::query_scalar("SELECT through FROM public.catalog_changes_pruned")
        .fetch_one(&mut *tx)
        .await
        .context("reading how far the change sequence was pruned")?;
    if through > checkpoint.seq {
        return Err(Behind {
            checkpoint: checkpoint.seq,
            through,
        }
        .into());
    }
    // Gap numbers at or below the pruned mark can no longer appear.
    checkpoint.gaps.retain(|g| g.to > through);
    let froms: Vec<i64> = checkpoint.gaps.iter().map(|g| g.from).collect();
    let tos: Vec<i64> = checkpoint.gaps.iter().map(|g| g.to).collect();
    let gap_rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT c.seq, c.job_id FROM public.catalog_changes c
           JOIN unnest($1::bigint[], $2::bigint[]) AS g(a, b) ON c.seq BETWEEN g.a AND g.b
          ORDER BY c.seq",
    )
    .bind(&froms)
    .bind(&tos)
    .fetch_all(&mut *tx)
    .await
    .context("reading gaps in the change sequence")?;
    let new_rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT seq, job_id FROM public.catalog_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(checkpoint.seq)
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await
    .context("reading the change sequence")?;
    tx.commit().await?;

    // Gaps: drop the numbers found, then the settled remainder (rolled back).
    let found: BTreeSet<i64> = gap_rows.iter().map(|r| r.seq).collect();
    let mut gaps = Vec::new();
    for g in &checkpoint.gaps {
        if g.xmax <= xmin {
            continue;
        }
        let mut from = g.from;
        for seq in found.range(g.from..=g.to) {
            if *seq > from {
                gaps.push(Gap {
                    from,
                    to: seq - 1,
                    xmax: g.xmax,
                });
            }
            from = seq + 1;
        }
        if from <= g.to {
            gaps.push(Gap {
                from,
                to: g.to,
                xmax: g.xmax,
            });
        }
    }
    // New rows: a jump over missing numbers opens a gap, pending until this read's xmax.
    let mut last = checkpoint.seq;
    for r in &new_rows {
        if r.seq > last + 1 {
            gaps.push(Gap {
                from: last + 1,
                to: r.seq - 1,
                xmax,
            });
        }
        last = r.seq;
    }
    checkpoint.seq = last;
    checkpoint.gaps = gaps;
    let more = new_rows.len() as i64 == BATCH;
    let mut rows = gap_rows;
    rows.extend(new_rows);
    Ok((rows, more))
}

/// The notification channel catalog writes wake followers on (migration 0045).
pub const CHANNEL: &str = "catalog_changes";
/// A follower catches up at least this often, woken or not (a lost notification, a dropped
/// listener connection).
pub const POLL: Duration = Duration::from_secs(1);

/// While the database is away the follower retries every [`POLL`]: one log line per burst, not
/// one per retry.
static LISTEN_TROUBLE: BurstLog = BurstLog::new(Duration::from_secs(30));
static CATCH_UP_TROUBLE: BurstLog = BurstLog::new(Duration::from_secs(30));

/// Keeps `index` following the catalog for as long as the returned task runs: catches up on
/// every wake-up of [`CHANNEL`] and at least every [`POLL`], and publishes each checkpoint it
/// commits on `progress`. Errors (the database away, a failed commit) are logged and retried; the
/// index only ever moves forward.
pub async fn follow(
    index: Arc<SearchIndex>,
    pool: PgPool,
    mut checkpoint: Checkpoint,
    progress: watch::Sender<Option<Checkpoint>>,
    metrics: Arc<Metrics>,
) {
    let mut listener: Option<PgListener> = None;
    loop {
        if listener.is_none() {
            listener = match PgListener::connect_with(&pool).await {
                Ok(mut l) => match l.listen(CHANNEL).await {
                    Ok(()) => Some(l),
                    Err(e) => {
                        LISTEN_TROUBLE.note(
                            "cannot listen for catalog changes; polling",
                            &crate::error::loggable(&e),
                        );
                        None
                    }
                },
                Err(e) => {
                    LISTEN_TROUBLE.note(
                        "cannot listen for catalog changes; polling",
                        &crate::error::loggable(&e),
                    );
                    None
                }
            };
        }
        match catch_up(&index, &pool, &mut checkpoint).await {
            Ok(_) => {
                report(&metrics, &index, &pool, &checkpoint).await;
                progress.send_replace(Some(checkpoint.clone()));
            }
            Err(e) if e.downcast_ref::<Behind>().is_some() => {
                tracing::warn!(error = %e, "the search index missed pruned changes; rebuilding");
                match index.rebuild(&pool).await {
                    Ok((c, docs)) => {
                        tracing::info!(docs, "search index rebuilt");
                        checkpoint = c;
                        progress.send_replace(Some(checkpoint.clone()));
                    }
                    Err(e) => {
                        tracing::warn!(error = %crate::error::loggable(e.as_ref()), "rebuilding the search index failed; retrying");
                    }
                }
            }
            Err(e) => {
                CATCH_UP_TROUBLE.note(
                    "search index catch-up failed; retrying",
                    &crate::error::loggable(e.as_ref()),
                );
            }
        }
        match listener.as_mut() {
            Some(l) => match tokio::time::timeout(POLL, l.recv()).await {
                Ok(Ok(_)) | Err(_) => {}
                // The connection dropped: listen again on the next round.
                Ok(Err(_)) => listener = None,
            },
            None => tokio::time::sleep(POLL).await,
        }
    }
}

/// The index's gauges on `/metrics`.
async fn report(metrics: &Metrics, index: &SearchIndex, pool: &PgPool, checkpoint: &Checkpoint) {
    metrics.set_gauge(
        "careers_search_index_documents",
        "Documents in this process's search index.",
        index.num_docs() as f64,
    );
    metrics.set_gauge(
        "careers_search_index_last_change",
        "The last catalog change this process's search index applied.",
        checkpoint.seq as f64,
    );
    if let Ok((_, age)) = lag(pool, checkpoint).await {
        metrics.set_gauge(
            "careers_search_index_lag_seconds",
            "Age of the oldest catalog change this process's search index has not applied.",
            age,
        );
    }
}

/// Starts this process's follower: builds `search`'s index from the catalog when it has no
/// checkpoint (retrying until the database answers), then [`follow`]s. Searches wait for the
/// first build (and answer 503 if it takes long); afterwards they never wait for more than a
/// moment.
pub fn start(
    search: Arc<Search>,
    pool: PgPool,
    metrics: Arc<Metrics>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let index = search.index().clone();
        // An index built beside another database starts over.
        let known = match (search.initial(), super::index::origin(&pool).await) {
            (Some(c), Ok(here)) if c.origin == here => Some(c),
            (Some(_), Ok(_)) => None,
            (known, _) => known,
        };
        // Searches (and /readyz) wait for the first catch-up from a known checkpoint, or for the
        // build: a restarted server does not answer from an index hours behind.
        let checkpoint = match known {
            Some(c) => c,
            None => loop {
                let started = std::time::Instant::now();
                match index.rebuild(&pool).await {
                    Ok((c, docs)) => {
                        tracing::info!(
                            docs,
                            seconds = started.elapsed().as_secs_f64(),
                            "search index built"
                        );
                        search.progress().send_replace(Some(c.clone()));
                        break c;
                    }
                    Err(e) => {
                        tracing::warn!(error = %crate::error::loggable(e.as_ref()), "building the search index failed; retrying");
                        tokio::time::sleep(POLL * 5).await;
                    }
                }
            },
        };
        follow(index, pool, checkpoint, search.progress().clone(), metrics).await;
    })
}

/// Deletes the changes older than `retention`, in batches, recording the highest number deleted
/// in the same transaction as each batch; returns how many it deleted.
pub async fn prune(pool: &PgPool, retention: Duration) -> anyhow::Result<u64> {
    let secs = retention.as_secs_f64();
    let mut deleted = 0;
    loop {
        let mut tx = pool.begin().await?;
        let (n, through): (i64, Option<i64>) = sqlx::query_as(
            "WITH gone AS (
                DELETE FROM public.catalog_changes WHERE seq IN (
                    SELECT seq FROM public.catalog_changes
                     WHERE changed_at < now() - make_interval(secs => $1)
                     ORDER BY seq LIMIT $2)
                RETURNING seq)
             SELECT count(*), max(seq) FROM gone",
        )
        .bind(secs)
        .bind(PRUNE_BATCH)
        .fetch_one(&mut *tx)
        .await
        .context("pruning the change sequence")?;
        if let Some(through) = through {
            sqlx::query("UPDATE public.catalog_changes_pruned SET through = greatest(through, $1)")
                .bind(through)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        deleted += n as u64;
        if n < PRUNE_BATCH {
            return Ok(deleted);
        }
    }
}

/// How far `checkpoint` is behind the sequence: changes not yet applied and the age of the
/// oldest of them (seconds; 0 when none).
pub async fn lag(pool: &PgPool, checkpoint: &Checkpoint) -> sqlx::Result<(i64, f64)> {
    sqlx::query_as(
        "SELECT count(*), coalesce(extract(epoch FROM now() - min(changed_at))::float8, 0)
           FROM public.catalog_changes WHERE seq > $1",
    )
    .bind(checkpoint.seq)
    .fetch_one(pool)
    .await
}
