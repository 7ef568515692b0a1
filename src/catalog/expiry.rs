//! Expiry sweep: closes open postings whose `expires_at` has passed, through the one save path,
//! so their catalog rows leave in the same transaction.
//!
//! Why close the posting rather than just delete the catalog row: visibility is a query-time rule
//! (`expires_at > now()`), so an expired row is already invisible from its expiry instant and the
//! sweep is housekeeping, not correctness. But a row deleted behind the posting's back would be
//! re-inserted by the next reconcile (the posting is still open and publishable: projection is a
//! pure function of the posting, with no clock in it), and the two tasks would fight forever,
//! reporting drift on every run. Closing the posting changes the source of truth instead: the
//! projection becomes "not publishable", the save path deletes the row, reconcile agrees, and HR
//! sees the job as closed (reopening it with a later expiry brings it back).
//!
//! Candidates are found through the catalog's expiry index, so the sweep touches only tenants
//! that have an expired public row; expired postings that were never public do not matter to the
//! catalog and are left alone.

use std::time::Instant;

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::reconcile::{self, Failure, Report, TenantResult};
use super::sync::Drift;
use crate::postings::{self, PostingChange, SaveError, model::PostingStatus};
use crate::tenancy;

/// The task name sweep runs are recorded under.
pub const TASK: &str = "expiry_sweep";

/// Closes every open posting with an expired catalog row, tenant by tenant (one transaction each);
/// the report's `deleted` counts the catalog rows that left. A failing tenant is recorded and
/// skipped.
pub async fn sweep(pool: &PgPool, trigger: &str) -> anyhow::Result<Report> {
    let started = Instant::now();
    let run_id = reconcile::start_run(pool, TASK, trigger, false).await?;
    let candidates: Vec<(Uuid, Vec<Uuid>)> = sqlx::query_as(
        "SELECT c.tenant_id, array_agg(c.job_id ORDER BY c.job_id)
           FROM public.job_catalog c
          WHERE c.expires_at IS NOT NULL AND c.expires_at <= now()
          GROUP BY c.tenant_id",
    )
    .fetch_all(pool)
    .await?;
    let mut results = Vec::with_capacity(candidates.len());
    for (tenant_id, job_ids) in candidates {
        let (slug, outcome) = match sweep_tenant(pool, tenant_id, &job_ids).await {
            Ok((slug, drift)) => (slug, Ok(drift)),
            Err(e) => (
                tenant_id.to_string(),
                Err(crate::error::loggable(e.as_ref())),
            ),
        };
        results.push(TenantResult {
            tenant_id,
            slug,
            outcome,
        });
    }
    let mut totals = Drift::default();
    let mut failures = Vec::new();
    for r in &results {
        match &r.outcome {
            Ok(d) => totals.add(d),
            Err(e) => {
                tracing::warn!(task = TASK, tenant = %r.slug, error = %e, "expiry sweep failed for tenant");
                failures.push(Failure {
                    tenant_id: r.tenant_id,
                    slug: r.slug.clone(),
                    error: e.clone(),
                });
            }
        }
    }
    reconcile::finish_run(pool, run_id, &results, &totals, &failures).await?;
    Ok(Report {
        run_id,
        dry_run: false,
        tenants: results,
        totals,
        failures,
        duration: started.elapsed(),
    })
}

async fn sweep_tenant(
    pool: &PgPool,
    tenant_id: Uuid,
    job_ids: &[Uuid],
) -> anyhow::Result<(String, Drift)> {
    let tenant = {
        let mut conn = pool.acquire().await?;
        tenancy::find_by_id(&mut conn, tenant_id).await?
    };
    // Deleted meanwhile: its catalog rows went with it.
    let Some(tenant) = tenant else {
        return Ok((tenant_id.to_string(), Drift::default()));
    };
    let mut drift = Drift::default();
    let mut ttx = tenant.begin(pool).await?;
    for &id in job_ids {
        let Some(p) = postings::db::get(&mut ttx, id).await? else {
            continue;
        };
        let expired = p.expires_at.is_some_and(|e| e <= Utc::now());
        if p.status != PostingStatus::Open || !expired {
            // Changed since the catalog was read (or drifted): reconcile's business, not ours.
            drift.unchanged += 1;
            continue;
        }
        let change = PostingChange::SetStatus {
            id,
            expected_version: Some(p.version),
            status: PostingStatus::Closed,
        };
        match postings::save(&mut ttx, tenant.id, change).await {
            Ok(saved) => {
                if saved.catalog == super::sync::SyncAction::Deleted {
                    drift.deleted += 1;
                }
            }
            // Someone saved it between our read and our lock: their write wins.
            Err(SaveError::Stale { .. } | SaveError::NotFound) => drift.unchanged += 1,
            Err(e) => return Err(e.into()),
        }
    }
    ttx.commit().await?;
    Ok((tenant.slug, drift))
}
