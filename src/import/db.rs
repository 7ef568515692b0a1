//! The bulk write path shared by `jobs import` and `seed`: one tenant's postings upserted in a
//! single set-based statement, then their catalog rows through [`sync::sync_postings`] — the same
//! projection and version-guarded upsert/delete the one save path uses, batched — plus the
//! settings of a bulk transaction and the record that ends a bulk run.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::catalog::sync;
use crate::postings::model::{
    JobType, POSTING_COLUMNS, Posting, PostingDraft, PostingStatus, RemotePolicy, SalaryPeriod,
};
use crate::tenancy::TenantTx;

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub inserted: u64,
    pub updated: u64,
    /// Catalog rows written (publishable postings).
    pub catalog_upserted: u64,
    /// Catalog rows removed (postings that stopped being publishable).
    pub catalog_deleted: u64,
}

impl BatchCounts {
    pub fn add(&mut self, o: &BatchCounts) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.catalog_upserted += o.catalog_upserted;
        self.catalog_deleted += o.catalog_deleted;
    }
}

/// Why a batch was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Postings the batch may not write, with the reason for each.
    #[error("{} posting(s) cannot be written", .0.len())]
    Conflicts(Vec<(Uuid, String)>),
    #[error("the tenant no longer exists")]
    NoTenant,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates or updates `drafts` (each with its `id` set) in the tenant of `ttx`, and makes their
/// catalog rows follow in the same transaction. An existing posting is updated in place with its
/// version bumped; fields the import format does not carry (career-page flag, resume and cover
/// letter requirements, custom questions) keep their current values. `published_at` follows the
/// save path's rule: the draft's value, else the posting's existing one, else now if it opens.
pub async fn write_postings(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    drafts: &[PostingDraft],
) -> Result<BatchCounts, BatchError> {
    let company = sync::lock_company(ttx, tenant_id)
        .await?
        .ok_or(BatchError::NoTenant)?;
    let ids: Vec<Uuid> = drafts
        .iter()
        .map(|d| d.id.unwrap_or_else(Uuid::now_v7))
        .collect();

    // The catalog's key is global: an id another tenant already publishes cannot be reused here.
    let foreign: Vec<Uuid> = sqlx::query_scalar(
        "SELECT job_id FROM public.job_catalog WHERE job_id = ANY($1) AND tenant_id <> $2",
    )
    .bind(ids.clone())
    .bind(tenant_id)
    .fetch_all(&mut **ttx)
    .await?;
    let existing: Vec<(Uuid, Option<DateTime<Utc>>, bool)> = sqlx::query_as(
        "SELECT id, published_at, deleted_at IS NOT NULL FROM job_postings
          WHERE id = ANY($1) FOR UPDATE",
    )
    .bind(ids.clone())
    .fetch_all(&mut **ttx)
    .await?;
    let mut conflicts: Vec<(Uuid, String)> = foreign
        .into_iter()
        .map(|id| (id, format!("job_id {id} belongs to another company")))
        .collect();
    conflicts.extend(
        existing
            .iter()
            .filter(|e| e.2)
            .map(|e| (e.0, format!("job_id {} belongs to a deleted posting", e.0))),
    );
    if !conflicts.is_empty() {
        return Err(BatchError::Conflicts(conflicts));
    }
    let existing: HashMap<Uuid, Option<DateTime<Utc>>> =
        existing.into_iter().map(|e| (e.0, e.1)).collect();

    let mut cols = Columns::with_capacity(drafts.len());
    let now = Utc::now();
    for (d, id) in drafts.iter().zip(&ids) {
        let published_at = d
            .published_at
            .or_else(|| existing.get(id).copied().flatten())
            .or_else(|| (d.status == PostingStatus::Open).then_some(now));
        cols.push(*id, d, published_at);
    }
    let postings: Vec<Posting> = sqlx::query_as(&format!(
        "INSERT INTO job_postings (id, title, description, location, remote_policy, job_type,
            category, salary_min, salary_max, salary_currency, salary_period, show_salary, status,
            published_on_career_page, internal_only, require_resume, require_cover_letter,
            questions, published_at, expires_at)
         SELECT u.id, u.title, u.description, u.location, u.remote_policy, u.job_type, u.category,
                u.salary_min, u.salary_max, u.salary_currency, u.salary_period, u.show_salary,
                u.status, u.on_page, u.internal_only, u.require_resume, u.require_cover_letter,
                u.questions::jsonb, u.published_at, u.expires_at
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::numeric[], $9::numeric[], $10::text[], $11::text[],
                       $12::bool[], $13::text[], $14::bool[], $15::bool[], $16::bool[], $17::bool[],
                       $18::text[], $19::timestamptz[], $20::timestamptz[])
             AS u(id, title, description, location, remote_policy, job_type, category, salary_min,
                  salary_max, salary_currency, salary_period, show_salary, status, on_page,
                  internal_only, require_resume, require_cover_letter, questions, published_at,
                  expires_at)
         ON CONFLICT (id) DO UPDATE SET
            title = EXCLUDED.title, description = EXCLUDED.description,
            location = EXCLUDED.location, remote_policy = EXCLUDED.remote_policy,
            job_type = EXCLUDED.job_type, category = EXCLUDED.category,
            salary_min = EXCLUDED.salary_min, salary_max = EXCLUDED.salary_max,
            salary_currency = EXCLUDED.salary_currency, salary_period = EXCLUDED.salary_period,
            show_salary = EXCLUDED.show_salary, status = EXCLUDED.status,
            internal_only = EXCLUDED.internal_only, published_at = EXCLUDED.published_at,
            expires_at = EXCLUDED.expires_at, updated_at = now(),
            version = job_postings.version + 1
         RETURNING {POSTING_COLUMNS}"
    ))
    .bind(cols.id)
    .bind(cols.title)
    .bind(cols.description)
    .bind(cols.location)
    .bind(cols.remote_policy)
    .bind(cols.job_type)
    .bind(cols.category)
    .bind(cols.salary_min)
    .bind(cols.salary_max)
    .bind(cols.salary_currency)
    .bind(cols.salary_period)
    .bind(cols.show_salary)
    .bind(cols.status)
    .bind(cols.on_page)
    .bind(cols.internal_only)
    .bind(cols.require_resume)
    .bind(cols.require_cover_letter)
    .bind(cols.questions)
    .bind(cols.published_at)
    .bind(cols.expires_at)
    .fetch_all(&mut **ttx)
    .await?;

    let catalog = sync::sync_postings(ttx, &company, &postings).await?;
    let updated = postings
        .iter()
        .filter(|p| existing.contains_key(&p.id))
        .count() as u64;
    Ok(BatchCounts {
        inserted: postings.len() as u64 - updated,
        updated,
        catalog_upserted: catalog.upserted,
        catalog_deleted: catalog.deleted,
    })
}

/// The drafts as column arrays, for `unnest`.
#[derive(Default)]
struct Columns {
    id: Vec<Uuid>,
    title: Vec<String>,
    description: Vec<String>,
    location: Vec<String>,
    remote_policy: Vec<RemotePolicy>,
    job_type: Vec<JobType>,
    category: Vec<String>,
    salary_min: Vec<Option<Decimal>>,
    salary_max: Vec<Option<Decimal>>,
    salary_currency: Vec<Option<String>>,
    salary_period: Vec<SalaryPeriod>,
    show_salary: Vec<bool>,
    status: Vec<PostingStatus>,
    on_page: Vec<bool>,
    internal_only: Vec<bool>,
    require_resume: Vec<bool>,
    require_cover_letter: Vec<bool>,
    questions: Vec<String>,
    published_at: Vec<Option<DateTime<Utc>>>,
    expires_at: Vec<Option<DateTime<Utc>>>,
}

impl Columns {
    fn with_capacity(n: usize) -> Self {
        Columns {
            id: Vec::with_capacity(n),
            title: Vec::with_capacity(n),
            description: Vec::with_capacity(n),
            ..Default::default()
        }
    }

    fn push(&mut self, id: Uuid, d: &PostingDraft, published_at: Option<DateTime<Utc>>) {
        self.id.push(id);
        self.title.push(d.title.clone());
        self.description.push(d.description.clone());
        self.location.push(d.location.clone());
        self.remote_policy.push(d.remote_policy);
        self.job_type.push(d.job_type);
        self.category.push(d.category.clone());
        self.salary_min.push(d.salary_min);
        self.salary_max.push(d.salary_max);
        self.salary_currency.push(d.salary_currency.clone());
        self.salary_period.push(d.salary_period);
        self.show_salary.push(d.show_salary);
        self.status.push(d.status);
        self.on_page.push(d.published_on_career_page);
        self.internal_only.push(d.internal_only);
        self.require_resume.push(d.require_resume);
        self.require_cover_letter.push(d.require_cover_letter);
        self.questions
            .push(serde_json::to_string(&d.questions).unwrap_or_else(|_| "[]".into()));
        self.published_at.push(published_at);
        self.expires_at.push(d.expires_at);
    }
}

/// Settings of a bulk-write transaction. It commits without waiting for its WAL to reach the
/// disk: a crash loses at most the last fraction of a second of them, and [`record_run`]'s
/// synchronous commit at the end of an import flushes them all before the import reports success.
/// New catalog rows collect in the GIN indexes' pending lists longer, so that merging them into
/// the indexes happens in fewer, larger steps; [`record_run`] merges what is left.
pub async fn bulk_commit(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query(
        "SELECT set_config('synchronous_commit', 'off', true),
                set_config('gin_pending_list_limit', '32768', true)",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a bulk write (`import`, `seed`) in `public.sync_runs`. Its commit is synchronous, so it
/// also makes every earlier [`bulk_commit`] durable: call it before reporting success. It first
/// merges the GIN pending lists and refreshes the catalog's planner statistics, which the public
/// queries' plans and count estimates rely on (autovacuum would, but only later).
pub async fn record_run(
    pool: &PgPool,
    task: &str,
    tenants: usize,
    counts: &BatchCounts,
    failures: Vec<serde_json::Value>,
    started: Instant,
) -> sqlx::Result<()> {
    if counts.catalog_upserted + counts.catalog_deleted > 0 {
        sqlx::query(
            "SELECT gin_clean_pending_list(i.indexrelid::regclass)
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_am a ON a.oid = c.relam
              WHERE i.indrelid = 'public.job_catalog'::regclass AND a.amname = 'gin'",
        )
        .execute(pool)
        .await?;
        sqlx::query("ANALYZE public.job_catalog")
            .execute(pool)
            .await?;
    }
    let secs = started.elapsed().as_secs_f64();
    sqlx::query(
        "INSERT INTO public.sync_runs
            (task, trigger, started_at, finished_at, tenants, inserted, updated, deleted, failures)
         VALUES ($1, 'cli', now() - make_interval(secs => $2), now(), $3, $4, $5, $6, $7)",
    )
    .bind(task)
    .bind(secs)
    .bind(i32::try_from(tenants).unwrap_or(i32::MAX))
    .bind(i32::try_from(counts.inserted).unwrap_or(i32::MAX))
    .bind(i32::try_from(counts.updated).unwrap_or(i32::MAX))
    .bind(i32::try_from(counts.catalog_deleted).unwrap_or(i32::MAX))
    .bind(serde_json::Value::Array(failures))
    .execute(pool)
    .await?;
    Ok(())
}
