//! Tenant-level numbers for the admin dashboard: open jobs, jobs closing soon and the last catalog
//! reconcile of this tenant.

use chrono::{DateTime, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use crate::tenancy::TenantTx;

/// Jobs that are open right now (not deleted).
pub async fn open_jobs(ttx: &mut TenantTx) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM job_postings WHERE status = 'open' AND deleted_at IS NULL",
    )
    .fetch_one(&mut **ttx)
    .await
}

/// An open job whose expiry is near.
#[derive(Debug, Clone, FromRow)]
pub struct ClosingJob {
    pub id: Uuid,
    pub title: String,
    pub expires_at: DateTime<Utc>,
}

/// Open jobs expiring within `days` days, soonest first.
pub async fn closing_soon(ttx: &mut TenantTx, days: i32) -> sqlx::Result<Vec<ClosingJob>> {
    sqlx::query_as::<_, ClosingJob>(
        "SELECT id, title, expires_at FROM job_postings
          WHERE status = 'open' AND deleted_at IS NULL AND expires_at > now()
            AND expires_at <= now() + make_interval(days => $1)
          ORDER BY expires_at, id LIMIT 20",
    )
    .bind(days)
    .fetch_all(&mut **ttx)
    .await
}

/// This tenant's part of the latest catalog reconcile.
#[derive(Debug, Clone, FromRow)]
pub struct ReconcileResult {
    pub run_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub dry_run: bool,
    pub inserted: i32,
    pub updated: i32,
    pub deleted: i32,
    pub unchanged: i32,
    pub error: Option<String>,
}

pub async fn last_reconcile(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
) -> sqlx::Result<Option<ReconcileResult>> {
    sqlx::query_as::<_, ReconcileResult>(
        "SELECT t.run_id, r.started_at, r.finished_at, r.dry_run, t.inserted, t.updated,
                t.deleted, t.unchanged, t.error
           FROM public.sync_run_tenants t JOIN public.sync_runs r ON r.id = t.run_id
          WHERE t.tenant_id = $1
          ORDER BY t.run_id DESC LIMIT 1",
    )
    .bind(tenant_id)
    .fetch_optional(&mut **ttx)
    .await
}
