//! SQL on a tenant's `job_postings`. Every function takes the tenant's transaction; writes go
//! through [`super::save`], never directly.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{POSTING_COLUMNS, Posting, PostingDraft, PostingStatus};

/// All postings that are not deleted, for reconcile.
pub async fn list_live(conn: &mut PgConnection) -> sqlx::Result<Vec<Posting>> {
    sqlx::query_as(&format!(
        "SELECT {POSTING_COLUMNS} FROM job_postings WHERE deleted_at IS NULL"
    ))
    .fetch_all(conn)
    .await
}

/// One posting that is not deleted.
pub async fn get(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Posting>> {
    sqlx::query_as(&format!(
        "SELECT {POSTING_COLUMNS} FROM job_postings WHERE id = $1 AND deleted_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub(super) async fn get_for_update(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Option<Posting>> {
    sqlx::query_as(&format!(
        "SELECT {POSTING_COLUMNS} FROM job_postings WHERE id = $1 AND deleted_at IS NULL FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    d: &PostingDraft,
    published_at: Option<DateTime<Utc>>,
) -> sqlx::Result<Posting> {
    sqlx::query_as(&format!(
        "INSERT INTO job_postings (id, title, description, location, remote_policy, job_type,
            category, salary_min, salary_max, salary_currency, salary_period, show_salary, status,
            published_on_career_page, internal_only, require_resume, require_cover_letter,
            questions, published_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20)
         RETURNING {POSTING_COLUMNS}"
    ))
    .bind(id)
    .bind(&d.title)
    .bind(&d.description)
    .bind(&d.location)
    .bind(d.remote_policy)
    .bind(d.job_type)
    .bind(&d.category)
    .bind(d.salary_min)
    .bind(d.salary_max)
    .bind(&d.salary_currency)
    .bind(d.salary_period)
    .bind(d.show_salary)
    .bind(d.status)
    .bind(d.published_on_career_page)
    .bind(d.internal_only)
    .bind(d.require_resume)
    .bind(d.require_cover_letter)
    .bind(sqlx::types::Json(&d.questions))
    .bind(published_at)
    .bind(d.expires_at)
    .fetch_one(conn)
    .await
}

pub(super) async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    d: &PostingDraft,
    published_at: Option<DateTime<Utc>>,
) -> sqlx::Result<Posting> {
    sqlx::query_as(&format!(
        "UPDATE job_postings SET title = $2, description = $3, location = $4, remote_policy = $5,
            job_type = $6, category = $7, salary_min = $8, salary_max = $9, salary_currency = $10,
            salary_period = $11, show_salary = $12, status = $13, published_on_career_page = $14,
            internal_only = $15, require_resume = $16, require_cover_letter = $17, questions = $18,
            published_at = $19, expires_at = $20, updated_at = now(), version = version + 1
          WHERE id = $1
         RETURNING {POSTING_COLUMNS}"
    ))
    .bind(id)
    .bind(&d.title)
    .bind(&d.description)
    .bind(&d.location)
    .bind(d.remote_policy)
    .bind(d.job_type)
    .bind(&d.category)
    .bind(d.salary_min)
    .bind(d.salary_max)
    .bind(&d.salary_currency)
    .bind(d.salary_period)
    .bind(d.show_salary)
    .bind(d.status)
    .bind(d.published_on_career_page)
    .bind(d.internal_only)
    .bind(d.require_resume)
    .bind(d.require_cover_letter)
    .bind(sqlx::types::Json(&d.questions))
    .bind(published_at)
    .bind(d.expires_at)
    .fetch_one(conn)
    .await
}

pub(super) async fn soft_delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Posting> {
    sqlx::query_as(&format!(
        "UPDATE job_postings SET deleted_at = now(), updated_at = now(), version = version + 1
          WHERE id = $1 RETURNING {POSTING_COLUMNS}"
    ))
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Postings for the admin list: optional status filter and title search, newest first.
pub async fn list_for_admin(
    conn: &mut PgConnection,
    status: Option<PostingStatus>,
    title_query: Option<&str>,
) -> sqlx::Result<Vec<Posting>> {
    let pattern = title_query.map(|q| {
        format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    sqlx::query_as(&format!(
        "SELECT {POSTING_COLUMNS} FROM job_postings
          WHERE deleted_at IS NULL
            AND ($1::text IS NULL OR status = $1)
            AND ($2::text IS NULL OR title ILIKE $2)
          ORDER BY updated_at DESC, id DESC"
    ))
    .bind(status)
    .bind(pattern)
    .fetch_all(conn)
    .await
}
