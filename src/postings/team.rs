//! A job's hiring team (#14): the members assigned to it. Hiring managers see only the
//! applications of the jobs they are on ([`crate::auth::guard::JobScope`]); the job's recruiters
//! are told of its new applications by default. A member of another tenant can never be added:
//! the insert selects the member within the job's tenant.

use sqlx::FromRow;
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::tenancy::TenantTx;

/// One member on a job's team.
#[derive(Debug, Clone, FromRow)]
pub struct TeamMember {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
}

/// The active members on `job_id`'s team, by email.
pub async fn members(ttx: &mut TenantTx, job_id: Uuid) -> sqlx::Result<Vec<TeamMember>> {
    sqlx::query_as::<_, TeamMember>(
        "SELECT u.id AS user_id, u.email, u.role
           FROM job_team t JOIN public.hr_users u ON u.id = t.user_id
          WHERE t.job_id = $1 AND u.deactivated_at IS NULL
          ORDER BY u.email",
    )
    .bind(job_id)
    .fetch_all(&mut **ttx)
    .await
}

/// Adds member `user_id` of `tenant_id` to the job's team; their email, or `None` when there is
/// no such active member (already on the team is fine).
pub async fn add(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    job_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<String>> {
    let email: Option<String> = sqlx::query_scalar(
        "SELECT email FROM public.hr_users
          WHERE id = $1 AND tenant_id = $2 AND deactivated_at IS NULL",
    )
    .bind(user_id)
    .bind(tenant_id)
    .fetch_optional(&mut **ttx)
    .await?;
    if email.is_some() {
        sqlx::query(
            "INSERT INTO job_team (job_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(job_id)
        .bind(user_id)
        .execute(&mut **ttx)
        .await?;
    }
    Ok(email)
}

/// Takes member `user_id` off the job's team; their email when they were on it.
pub async fn remove(
    ttx: &mut TenantTx,
    job_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<String>> {
    let r = sqlx::query("DELETE FROM job_team WHERE job_id = $1 AND user_id = $2")
        .bind(job_id)
        .bind(user_id)
        .execute(&mut **ttx)
        .await?;
    if r.rows_affected() == 0 {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT email FROM public.hr_users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **ttx)
        .await
}

/// Whether the job exists in this tenant (deleted jobs included: their team is still theirs).
pub async fn job_exists(ttx: &mut TenantTx, job_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM job_postings WHERE id = $1)")
        .bind(job_id)
        .fetch_one(&mut **ttx)
        .await
}
