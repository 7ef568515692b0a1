//! Small catalog lookups only the HTML site needs (beside [`super::query`], which the JSON API
//! shares).

use sqlx::PgPool;
use uuid::Uuid;

/// Whether `job_id` is in the catalog but past its expiry — a job we know existed, which the site
/// answers with 410 Gone rather than 404.
pub async fn is_expired(pool: &PgPool, job_id: Uuid) -> sqlx::Result<bool> {
    let expired: Option<bool> = sqlx::query_scalar(
        "SELECT c.expires_at IS NOT NULL AND c.expires_at <= now()
           FROM public.job_catalog c WHERE c.job_id = $1",
    )
    .bind(job_id)
    .fetch_optional(pool)
    .await?;
    Ok(expired.unwrap_or(false))
}
