//! Resumes kept across an apply form's error round trip (`public.pending_resumes`): the form that
//! comes back carries a reference signed for its job ([`crate::web::public::form_guard`]), and the
//! next try uses the kept file unless another is chosen. Kept at most [`KEEP_HOURS`] hours.

use sqlx::PgPool;
use uuid::Uuid;

use super::intake::ResumeUpload;

/// How long a kept resume waits for the next try.
pub const KEEP_HOURS: i32 = 24;

/// Keeps `resume` for the next try at `job_id`'s form; returns its id.
pub async fn keep(pool: &PgPool, job_id: Uuid, resume: &ResumeUpload) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO public.pending_resumes (id, job_id, filename, data) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(job_id)
    .bind(&resume.filename)
    .bind(&resume.data)
    .execute(pool)
    .await?;
    Ok(id)
}

/// The resume kept as `id` for `job_id`, if it is still there.
pub async fn find(pool: &PgPool, job_id: Uuid, id: Uuid) -> sqlx::Result<Option<ResumeUpload>> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT filename, data FROM public.pending_resumes
          WHERE id = $1 AND job_id = $2
            AND created_at > now() - make_interval(hours => $3)",
    )
    .bind(id)
    .bind(job_id)
    .bind(KEEP_HOURS)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(filename, data)| ResumeUpload { filename, data }))
}

/// Forgets a kept resume (its application is stored).
pub async fn forget(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM public.pending_resumes WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes resumes kept longer than [`KEEP_HOURS`]; returns how many.
pub async fn prune(pool: &PgPool) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "DELETE FROM public.pending_resumes WHERE created_at < now() - make_interval(hours => $1)",
    )
    .bind(KEEP_HOURS)
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}
