//! Catalog reconcile across tenants: runs [`sync::reconcile_tenant`] for every tenant (or one),
//! several tenants at a time, one `TenantTx` each; a failing tenant is recorded and skipped; the
//! run and its per-tenant detail are recorded in `public.sync_runs` / `public.sync_run_tenants`.
//! The scheduler's reconcile task and `careers sync-catalog` both call [`run`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::sync::{self, Drift};
use crate::tenancy::{self, Tenant};

/// The task name reconcile runs are recorded under.
pub const TASK: &str = "catalog_reconcile";

/// How many tenants are reconciled at once. Each one is a few round trips plus CPU for the
/// projections (Markdown + sanitizing), so a handful in flight keeps both the database and the
/// cores busy without starving the request pool.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What to reconcile and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this tenant (slug); `None` = every tenant.
    pub tenant: Option<String>,
    /// Count drift without repairing it.
    pub dry_run: bool,
    /// Who started the run (`schedule`, `cli`, …), recorded with it.
    pub trigger: String,
    pub concurrency: usize,
}

impl Options {
    pub fn all(trigger: &str) -> Self {
        Options {
            tenant: None,
            dry_run: false,
            trigger: trigger.to_string(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// One tenant's result.
#[derive(Debug, Clone, Serialize)]
pub struct TenantResult {
    pub tenant_id: Uuid,
    pub slug: String,
    /// The drift found (and repaired unless a dry run), or the error that skipped the tenant.
    pub outcome: Result<Drift, String>,
}

/// A tenant that could not be reconciled.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub tenant_id: Uuid,
    pub slug: String,
    pub error: String,
}

/// A finished run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub run_id: i64,
    pub dry_run: bool,
    /// Per tenant, ordered by slug.
    pub tenants: Vec<TenantResult>,
    pub totals: Drift,
    pub failures: Vec<Failure>,
    pub duration: Duration,
}

/// Reconciles the catalog with the tenants' postings. Fails only when the run itself cannot start
/// or be recorded (unknown `--tenant` slug, database down); tenant failures are in the report.
pub async fn run(pool: &PgPool, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let tenants = match &opts.tenant {
        Some(slug) => vec![tenancy::require(pool, slug).await?],
        None => all_tenants(pool).await?,
    };
    let run_id = start_run(pool, TASK, &opts.trigger, opts.dry_run).await?;

    let mut results = reconcile_tenants(pool, tenants, opts).await;
    results.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut totals = Drift::default();
    let mut failures = Vec::new();
    for r in &results {
        match &r.outcome {
            Ok(d) => totals.add(d),
            Err(e) => {
                tracing::warn!(task = TASK, tenant = %r.slug, error = %e, "tenant reconcile failed");
                failures.push(Failure {
                    tenant_id: r.tenant_id,
                    slug: r.slug.clone(),
                    error: e.clone(),
                });
            }
        }
    }
    finish_run(pool, run_id, &results, &totals, &failures).await?;
    Ok(Report {
        run_id,
        dry_run: opts.dry_run,
        tenants: results,
        totals,
        failures,
        duration: started.elapsed(),
    })
}

async fn all_tenants(pool: &PgPool) -> sqlx::Result<Vec<Tenant>> {
    sqlx::query_as::<_, Tenant>(
        "SELECT id, slug, name, status, schema_name, schema_version, created_at
           FROM public.tenants ORDER BY slug",
    )
    .fetch_all(pool)
    .await
}

/// Runs each tenant in its own spawned task (so projections use every core), at most
/// `opts.concurrency` at a time.
async fn reconcile_tenants(
    pool: &PgPool,
    tenants: Vec<Tenant>,
    opts: &Options,
) -> Vec<TenantResult> {
    let permits = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let mut set = JoinSet::new();
    let mut results = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        let pool = pool.clone();
        let permits = permits.clone();
        let dry_run = opts.dry_run;
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = reconcile_one(&pool, &tenant, dry_run)
                .await
                .map_err(|e| crate::error::loggable(e.as_ref()));
            TenantResult {
                tenant_id: tenant.id,
                slug: tenant.slug,
                outcome,
            }
        });
        // Drain finished tasks as we go so 10,000 results do not pile up as live tasks.
        while let Some(done) = set.try_join_next() {
            results.push(joined(done));
        }
    }
    while let Some(done) = set.join_next().await {
        results.push(joined(done));
    }
    results
}

fn joined(r: Result<TenantResult, tokio::task::JoinError>) -> TenantResult {
    r.unwrap_or_else(|e| TenantResult {
        tenant_id: Uuid::nil(),
        slug: "?".into(),
        outcome: Err(format!("reconcile task panicked: {e}")),
    })
}

async fn reconcile_one(pool: &PgPool, tenant: &Tenant, dry_run: bool) -> anyhow::Result<Drift> {
    let mut ttx = tenant.begin(pool).await?;
    let drift = sync::reconcile_tenant(&mut ttx, tenant, dry_run).await?;
    if dry_run {
        ttx.rollback().await?;
    } else {
        ttx.commit().await?;
    }
    Ok(drift)
}

/// Records the start of a run of `task`; returns its id.
pub async fn start_run(
    pool: &PgPool,
    task: &str,
    trigger: &str,
    dry_run: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO public.sync_runs (task, trigger, dry_run) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(task)
    .bind(trigger)
    .bind(dry_run)
    .fetch_one(pool)
    .await
}

/// Records the end of a run: totals, failures, and a detail row for each tenant that drifted or
/// failed (a clean tenant adds nothing, so 10,000 healthy tenants every ten minutes do not grow
/// the table; `sync_runs.tenants` still counts them all).
pub async fn finish_run(
    pool: &PgPool,
    run_id: i64,
    results: &[TenantResult],
    totals: &Drift,
    failures: &[Failure],
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let detail: Vec<&TenantResult> = results
        .iter()
        .filter(|r| r.tenant_id != Uuid::nil())
        .filter(|r| r.outcome.as_ref().map_or(true, |d| d.total() > 0))
        .collect();
    let mut ids = Vec::new();
    let mut counts: [Vec<i32>; 4] = Default::default();
    let mut errors = Vec::new();
    for r in &detail {
        ids.push(r.tenant_id);
        let d = r.outcome.as_ref().copied().unwrap_or_default();
        for (i, n) in [d.inserted, d.updated, d.deleted, d.unchanged]
            .into_iter()
            .enumerate()
        {
            counts[i].push(clamp(n));
        }
        errors.push(r.outcome.as_ref().err().cloned());
    }
    // A tenant deleted during the run has no tenants row to reference: the join skips it.
    sqlx::query(
        "INSERT INTO public.sync_run_tenants
              (run_id, tenant_id, inserted, updated, deleted, unchanged, error)
         SELECT $1, d.tenant_id, d.inserted, d.updated, d.deleted, d.unchanged, d.error
           FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[])
                AS d(tenant_id, inserted, updated, deleted, unchanged, error)
           JOIN public.tenants t ON t.id = d.tenant_id",
    )
    .bind(run_id)
    .bind(ids)
    .bind(&counts[0])
    .bind(&counts[1])
    .bind(&counts[2])
    .bind(&counts[3])
    .bind(errors)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE public.sync_runs
            SET finished_at = now(), tenants = $2, inserted = $3, updated = $4, deleted = $5,
                unchanged = $6, failures = $7
          WHERE id = $1",
    )
    .bind(run_id)
    .bind(clamp(results.len() as u64))
    .bind(clamp(totals.inserted))
    .bind(clamp(totals.updated))
    .bind(clamp(totals.deleted))
    .bind(clamp(totals.unchanged))
    .bind(sqlx::types::Json(failures))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

fn clamp(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Deletes run records older than `days` (their tenant detail cascades).
pub async fn prune_runs(pool: &PgPool, days: i32) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "DELETE FROM public.sync_runs WHERE started_at < now() - make_interval(days => $1)",
    )
    .bind(days)
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}

/// A run as recorded in `public.sync_runs`.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub task: String,
    pub trigger: String,
    pub dry_run: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub tenants: i32,
    pub inserted: i32,
    pub updated: i32,
    pub deleted: i32,
    pub unchanged: i32,
    pub failures: sqlx::types::Json<serde_json::Value>,
}

/// The recorded runs of `task`, newest first.
pub async fn recent_runs(pool: &PgPool, task: &str, limit: i64) -> sqlx::Result<Vec<RunRecord>> {
    sqlx::query_as::<_, RunRecord>(
        "SELECT id, task, trigger, dry_run, started_at, finished_at, tenants, inserted, updated,
                deleted, unchanged, failures
           FROM public.sync_runs WHERE task = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
    )
    .bind(task)
    .bind(limit)
    .fetch_all(pool)
    .await
}
