//! Migrations: the shared (public-schema) set, then the tenant set for every tenant whose recorded
//! schema version is behind. Tenant migrations run inside one transaction per tenant with the
//! search_path set to that tenant's schema, so a tenant is either fully migrated or untouched.

use anyhow::Context;
use sqlx::PgPool;
use sqlx::migrate::Migrator;

use crate::tenancy::{SchemaName, TenantTx};

pub static SHARED: Migrator = sqlx::migrate!("./migrations/shared");
pub static TENANT: Migrator = sqlx::migrate!("./migrations/tenant");

/// The version a freshly migrated tenant schema has.
pub fn latest_tenant_version() -> i64 {
    TENANT.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Applies pending shared migrations; returns how many were applied.
pub async fn run_shared(pool: &PgPool) -> anyhow::Result<usize> {
    let before = applied_shared(pool).await?;
    SHARED.run(pool).await.context("shared migrations failed")?;
    Ok(applied_shared(pool).await? - before)
}

async fn applied_shared(pool: &PgPool) -> anyhow::Result<usize> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(pool)
            .await?;
    if !exists {
        return Ok(0);
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM public._sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(n as usize)
}

/// Applies the tenant migrations newer than `from_version` inside `tx` (whose search_path is the
/// tenant schema); returns the new version.
pub async fn apply_tenant_migrations(tx: &mut TenantTx, from_version: i64) -> anyhow::Result<i64> {
    let mut version = from_version;
    for m in TENANT.iter().filter(|m| m.version > from_version) {
        sqlx::raw_sql(&m.sql)
            .execute(&mut **tx)
            .await
            .with_context(|| {
                format!("tenant migration {} ({}) failed", m.version, m.description)
            })?;
        version = m.version;
    }
    Ok(version)
}

/// Outcome of one tenant's migration.
#[derive(Debug)]
pub struct TenantMigration {
    pub slug: String,
    pub from: i64,
    pub to: i64,
}

/// Migrates every tenant whose recorded version is behind, one transaction per tenant, calling
/// `progress` after each. A failing tenant stops the run with its slug in the error.
pub async fn run_tenants(
    pool: &PgPool,
    mut progress: impl FnMut(&TenantMigration),
) -> anyhow::Result<Vec<TenantMigration>> {
    let latest = latest_tenant_version();
    let behind: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT id, slug FROM public.tenants WHERE schema_version < $1 ORDER BY slug",
    )
    .bind(latest)
    .fetch_all(pool)
    .await?;
    let mut done = Vec::new();
    for (id, slug) in behind {
        let mut tx = pool.begin().await?;
        // Lock the tenant row so two migrators never run the same tenant's migrations.
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT schema_name, schema_version FROM public.tenants WHERE id = $1 FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((schema, from)) = row else { continue };
        if from >= latest {
            continue;
        }
        let schema = SchemaName::parse(&schema)
            .with_context(|| format!("tenant {slug} has an invalid schema name"))?;
        let mut ttx = TenantTx::from_transaction(tx, schema).await?;
        let to = apply_tenant_migrations(&mut ttx, from)
            .await
            .with_context(|| format!("migrating tenant {slug}"))?;
        sqlx::query(
            "UPDATE public.tenants SET schema_version = $2, updated_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(to)
        .execute(&mut *ttx)
        .await?;
        ttx.commit().await?;
        let m = TenantMigration { slug, from, to };
        progress(&m);
        done.push(m);
    }
    Ok(done)
}
