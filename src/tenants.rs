//! Tenant lifecycle, above both [`crate::tenancy`] (the tenants, their schemas) and
//! [`crate::catalog`] (the public rows): every change to a tenant that the catalog must follow
//! happens here, in one transaction with the catalog's change, and the listing that counts each
//! tenant's visible jobs.

use anyhow::Context;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::catalog;
use crate::tenancy::{self, TenantError, TenantTx};

/// Sets a tenant's status; the catalog follows in the same transaction (suspended tenants have no
/// catalog rows; activation republishes every publishable posting). Returns false when the
/// status was already that.
pub async fn set_status(pool: &PgPool, slug: &str, active: bool) -> Result<bool, TenantError> {
    let status = if active { "active" } else { "suspended" };
    let mut tx = pool.begin().await?;
    let tenant = tenancy::lock(&mut tx, slug).await?;
    if tenant.status == status {
        return Ok(false);
    }
    let tenant = tenancy::update_status(&mut tx, tenant.id, status).await?;
    let mut ttx = TenantTx::from_transaction(tx, tenant.schema()).await?;
    catalog::sync::resync_tenant(&mut ttx, &tenant)
        .await
        .context("updating the catalog for the status change")?;
    ttx.commit().await?;
    Ok(true)
}

/// Renames a tenant; its catalog rows follow in the same transaction.
pub async fn rename(ttx: &mut TenantTx, tenant_id: Uuid, name: &str) -> sqlx::Result<()> {
    tenancy::update_name(ttx, tenant_id, name).await?;
    catalog::sync::rename_company(ttx, tenant_id, name).await
}

/// Deletes a tenant: its schema and every public row that belongs to it (catalog rows included),
/// in one transaction.
pub async fn delete(pool: &PgPool, slug: &str) -> Result<(), TenantError> {
    let mut tx = pool.begin().await?;
    let tenant = tenancy::lock(&mut tx, slug).await?;
    tenancy::drop_tenant(&mut tx, &tenant).await?;
    tx.commit().await?;
    Ok(())
}

/// A line of `careers tenant list`.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TenantSummary {
    pub slug: String,
    pub name: String,
    pub status: String,
    /// Jobs a candidate can see right now.
    pub open_jobs: i64,
    pub domains: Vec<String>,
}

pub async fn list(pool: &PgPool) -> anyhow::Result<Vec<TenantSummary>> {
    let rows = sqlx::query_as::<_, TenantSummary>(
        "SELECT t.slug, t.name, t.status,
                (SELECT count(*) FROM public.job_catalog c
                  WHERE c.tenant_id = t.id AND c.published_at <= now()
                    AND (c.expires_at IS NULL OR c.expires_at > now())) AS open_jobs,
                ARRAY(SELECT d.host FROM public.tenant_domains d
                       WHERE d.tenant_id = t.id ORDER BY d.host) AS domains
           FROM public.tenants t ORDER BY t.slug",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
