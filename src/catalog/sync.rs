//! Writes to `public.job_catalog`: the post-save hook (same transaction as the posting write) and
//! the per-tenant reconcile that repairs drift. Every write is guarded by the posting version so an
//! older write can never overwrite a newer one.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::projection::{CatalogEntry, Company, ENTRY_COLUMNS, project};
use crate::postings::model::{POSTING_COLUMNS, Posting};
use crate::tenancy::{Tenant, TenantTx};

/// The company behind a tenant, read with a share lock so that a concurrent suspend (which locks
/// the tenant row for update) waits for this transaction, and this one for it.
pub async fn lock_company(
    conn: &mut PgConnection,
    tenant_id: Uuid,
) -> sqlx::Result<Option<Company>> {
    sqlx::query_as::<_, Company>(
        "SELECT id AS tenant_id, slug, name, status = 'active' AS active
           FROM public.tenants WHERE id = $1 FOR SHARE",
    )
    .bind(tenant_id)
    .fetch_optional(conn)
    .await
}

/// Post-save hook: makes the catalog row of `posting` match its projection, in the caller's
/// transaction. Returns what happened.
pub async fn sync_posting(
    ttx: &mut TenantTx,
    company: &Company,
    posting: &Posting,
) -> sqlx::Result<SyncAction> {
    let counts = sync_postings(ttx, company, std::slice::from_ref(posting)).await?;
    Ok(if counts.upserted > 0 {
        SyncAction::Upserted
    } else if counts.deleted > 0 {
        SyncAction::Deleted
    } else {
        SyncAction::Absent
    })
}

/// What [`sync_postings`] did: rows written (new or newer) and rows removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    /// Postings whose projection was upserted (whether or not a newer row already existed).
    pub upserted: u64,
    /// Catalog rows removed because their posting is no longer publishable.
    pub deleted: u64,
}

/// The post-save hook for many postings of one tenant at once (bulk import, seeding): the same
/// rule as a single save — upsert the projection when there is one, delete otherwise, both guarded
/// by the posting version — in two set-based statements instead of one round trip per posting.
pub async fn sync_postings(
    conn: &mut PgConnection,
    company: &Company,
    postings: &[Posting],
) -> sqlx::Result<SyncCounts> {
    let mut entries = Vec::with_capacity(postings.len());
    let mut gone = Vec::new();
    for p in postings {
        match project(p, company) {
            Some(e) => entries.push(e),
            None => gone.push((p.id, p.version)),
        }
    }
    upsert_entries(conn, &entries, false).await?;
    let deleted = delete_entries(conn, &gone).await?;
    Ok(SyncCounts {
        upserted: entries.len() as u64,
        deleted,
    })
}

/// What the post-save hook did to the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncAction {
    Upserted,
    Deleted,
    Absent,
}

/// Inserts or updates catalog rows in one statement per 1,000 rows. A row is only written when
/// the tenant's posting currently has exactly the entry's version (so a stale write can neither
/// overwrite a newer row nor resurrect a posting that has since closed or been deleted), and an
/// existing row only by a strictly newer version — or, with `repair`, whatever version the row
/// holds (reconcile, holding the posting locked, fixing a hand-edited or restored row). Counters are never written here; a new row starts with the
/// posting's application count.
///
/// The rows travel as one array per column (`unnest`), so the statement text — and its prepared
/// plan — is the same whatever the batch size.
///
/// Runs inside a tenant transaction: `job_postings` and `applications` are the tenant's own.
pub async fn upsert_entries(
    conn: &mut PgConnection,
    entries: &[CatalogEntry],
    repair: bool,
) -> sqlx::Result<u64> {
    let sql = format!(
        "INSERT INTO public.job_catalog ({ENTRY_COLUMNS}, application_count)
         SELECT v.*, (SELECT count(*) FROM applications a
                      WHERE a.job_id = v.job_id AND a.suspected_spam IS NULL)
           FROM (SELECT u.job_id, u.tenant_id, u.company_slug, u.company_name, u.title,
                        u.description_html, u.description_text, u.location, u.remote_policy,
                        u.job_type, u.category, u.salary_min, u.salary_max, u.salary_currency,
                        u.salary_period, u.application_form::jsonb, u.published_at,
                        u.expires_at, u.posting_version, u.posting_updated_at
                   FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                               $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                               $11::text[], $12::numeric[], $13::numeric[], $14::text[],
                               $15::text[], $16::text[], $17::timestamptz[], $18::timestamptz[],
                               $19::bigint[], $20::timestamptz[])
                     AS u({ENTRY_COLUMNS})) AS v
          WHERE EXISTS (SELECT 1 FROM job_postings p
                         WHERE p.id = v.job_id AND p.version = v.posting_version
                           AND p.deleted_at IS NULL)
         ON CONFLICT (job_id) DO UPDATE SET
            tenant_id = EXCLUDED.tenant_id, company_slug = EXCLUDED.company_slug,
            company_name = EXCLUDED.company_name, title = EXCLUDED.title,
            description_html = EXCLUDED.description_html,
            description_text = EXCLUDED.description_text, location = EXCLUDED.location,
            remote_policy = EXCLUDED.remote_policy, job_type = EXCLUDED.job_type,
            category = EXCLUDED.category, salary_min = EXCLUDED.salary_min,
            salary_max = EXCLUDED.salary_max, salary_currency = EXCLUDED.salary_currency,
            salary_period = EXCLUDED.salary_period, application_form = EXCLUDED.application_form,
            published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at,
            posting_version = EXCLUDED.posting_version,
            posting_updated_at = EXCLUDED.posting_updated_at, synced_at = now()
          WHERE public.job_catalog.tenant_id = EXCLUDED.tenant_id AND {}",
        if repair {
            // Reconcile holds the posting locked (`repair` reads it FOR SHARE) and the EXISTS
            // above pins the version to it, so the posting is the truth even when the row claims
            // a newer version (a tenant schema restored from an older backup).
            "true"
        } else {
            "public.job_catalog.posting_version < EXCLUDED.posting_version"
        }
    );
    let mut total = 0;
    for chunk in entries.chunks(1000) {
        let col = |f: fn(&CatalogEntry) -> String| chunk.iter().map(f).collect::<Vec<_>>();
        let forms = chunk
            .iter()
            .map(|e| serde_json::to_string(&e.application_form.0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        total += sqlx::query(&sql)
            .bind(chunk.iter().map(|e| e.job_id).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.tenant_id).collect::<Vec<_>>())
            .bind(col(|e| e.company_slug.clone()))
            .bind(col(|e| e.company_name.clone()))
            .bind(col(|e| e.title.clone()))
            .bind(col(|e| e.description_html.clone()))
            .bind(col(|e| e.description_text.clone()))
            .bind(col(|e| e.location.clone()))
            .bind(col(|e| e.remote_policy.as_str().to_string()))
            .bind(col(|e| e.job_type.as_str().to_string()))
            .bind(col(|e| e.category.clone()))
            .bind(chunk.iter().map(|e| e.salary_min).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.salary_max).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|e| e.salary_currency.clone())
                    .collect::<Vec<_>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|e| e.salary_period.map(|p| p.as_str().to_string()))
                    .collect::<Vec<_>>(),
            )
            .bind(forms)
            .bind(chunk.iter().map(|e| e.published_at).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.expires_at).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.posting_version).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|e| e.posting_updated_at)
                    .collect::<Vec<_>>(),
            )
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(total)
}

/// Deletes catalog rows `(job_id, version)` unless the row holds a newer posting version.
pub async fn delete_entries(conn: &mut PgConnection, rows: &[(Uuid, i64)]) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let versions: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let r = sqlx::query(
        "DELETE FROM public.job_catalog c
          USING unnest($1::uuid[], $2::bigint[]) AS d(job_id, version)
          WHERE c.job_id = d.job_id AND c.posting_version <= d.version",
    )
    .bind(ids)
    .bind(versions)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Drift found (and, unless a dry run, repaired) for one tenant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

impl Drift {
    pub fn total(&self) -> u64 {
        self.inserted + self.updated + self.deleted
    }

    pub fn add(&mut self, other: &Drift) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.deleted += other.deleted;
        self.unchanged += other.unchanged;
    }
}

/// Diffs one tenant's postings against its catalog rows and repairs every difference: missing
/// rows, rows whose content differs from the projection, and rows that must not exist (posting
/// gone, not publishable, or tenant suspended). Counters are left alone.
pub async fn reconcile_tenant(
    ttx: &mut TenantTx,
    tenant: &Tenant,
    dry_run: bool,
) -> anyhow::Result<Drift> {
    let company = lock_company(ttx, tenant.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("tenant {} disappeared", tenant.slug))?;
    // The catalog is read before the postings, each statement with its own snapshot (READ
    // COMMITTED). A save commits its posting and its catalog row together, so whatever commits
    // between the two reads looks newer on the posting side, never like a row without a posting;
    // reading in the other order could delete the row of a posting created in between. The
    // drifted rows are then re-read under a lock before anything is written (see `repair`).
    let actual: Vec<StoredRow> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM public.job_catalog WHERE tenant_id = $1"
    ))
    .bind(tenant.id)
    .fetch_all(&mut **ttx)
    .await?;
    // A suspended tenant has nothing public: no need to read (or project) its postings.
    let postings: Vec<Posting> = if company.active {
        sqlx::query_as(&format!(
            "SELECT {POSTING_COLUMNS} FROM job_postings WHERE deleted_at IS NULL"
        ))
        .fetch_all(&mut **ttx)
        .await?
    } else {
        Vec::new()
    };
    let expected: HashMap<Uuid, CatalogEntry> = postings
        .iter()
        .filter_map(|p| project(p, &company))
        .map(|e| (e.job_id, e))
        .collect();

    let mut drift = Drift::default();
    let mut to_write = Vec::new();
    let mut to_delete = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in actual {
        seen.insert(row.job_id);
        match expected.get(&row.job_id) {
            None => {
                drift.deleted += 1;
                to_delete.push((row.job_id, row.posting_version));
            }
            Some(want) if !row.matches(want) => {
                drift.updated += 1;
                to_write.push(want.clone());
            }
            Some(_) => drift.unchanged += 1,
        }
    }
    for (id, want) in &expected {
        if !seen.contains(id) {
            drift.inserted += 1;
            to_write.push(want.clone());
        }
    }
    let drifted = !to_write.is_empty() || !to_delete.is_empty();
    if drifted && !dry_run {
        repair(ttx, &company, &to_write, &to_delete).await?;
    }
    Ok(drift)
}

/// A catalog row as stored, read loosely: a row edited by hand may hold values the typed
/// [`CatalogEntry`] cannot decode (an unknown salary period, a malformed application form), and
/// reconcile must repair such a row, not fail on it.
#[derive(Debug, sqlx::FromRow)]
struct StoredRow {
    job_id: Uuid,
    tenant_id: Uuid,
    company_slug: String,
    company_name: String,
    title: String,
    description_html: String,
    description_text: String,
    location: String,
    remote_policy: String,
    job_type: String,
    category: String,
    salary_min: Option<rust_decimal::Decimal>,
    salary_max: Option<rust_decimal::Decimal>,
    salary_currency: Option<String>,
    salary_period: Option<String>,
    application_form: sqlx::types::Json<serde_json::Value>,
    published_at: chrono::DateTime<chrono::Utc>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    posting_version: i64,
    posting_updated_at: chrono::DateTime<chrono::Utc>,
}

impl StoredRow {
    /// Whether the stored row is exactly the projection `e` (counters and bookkeeping aside).
    fn matches(&self, e: &CatalogEntry) -> bool {
        self.job_id == e.job_id
            && self.tenant_id == e.tenant_id
            && self.company_slug == e.company_slug
            && self.company_name == e.company_name
            && self.title == e.title
            && self.description_html == e.description_html
            && self.description_text == e.description_text
            && self.location == e.location
            && self.remote_policy == e.remote_policy.as_str()
            && self.job_type == e.job_type.as_str()
            && self.category == e.category
            && self.salary_min == e.salary_min
            && self.salary_max == e.salary_max
            && self.salary_currency == e.salary_currency
            && self.salary_period.as_deref() == e.salary_period.map(|p| p.as_str())
            && serde_json::to_value(&e.application_form.0).ok().as_ref()
                == Some(&self.application_form.0)
            && self.published_at == e.published_at
            && self.expires_at == e.expires_at
            && self.posting_version == e.posting_version
            && self.posting_updated_at == e.posting_updated_at
    }
}

/// Writes the repairs for the drifted postings only, after share-locking them and projecting them
/// again: a save that committed since the diff is seen, and one that comes later waits for this
/// transaction. Without the lock, a repair could re-insert the row of a posting that is being
/// closed at this very moment. Locking only the drifted rows keeps a healthy reconcile free of
/// writes (a row lock dirties its page).
async fn repair(
    ttx: &mut TenantTx,
    company: &Company,
    to_write: &[CatalogEntry],
    to_delete: &[(Uuid, i64)],
) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = to_write
        .iter()
        .map(|e| e.job_id)
        .chain(to_delete.iter().map(|d| d.0))
        .collect();
    let fresh: Vec<Posting> = sqlx::query_as(&format!(
        "SELECT {POSTING_COLUMNS} FROM job_postings
          WHERE id = ANY($1) AND deleted_at IS NULL FOR SHARE"
    ))
    .bind(ids)
    .fetch_all(&mut **ttx)
    .await?;
    let entries: Vec<CatalogEntry> = fresh.iter().filter_map(|p| project(p, company)).collect();
    let publishable: std::collections::HashSet<Uuid> = entries.iter().map(|e| e.job_id).collect();
    let gone: Vec<(Uuid, i64)> = to_delete
        .iter()
        .copied()
        .filter(|d| !publishable.contains(&d.0))
        .collect();
    upsert_entries(ttx, &entries, true).await?;
    delete_entries(ttx, &gone).await?;
    Ok(())
}

/// The tenant's new name on its catalog rows (same transaction as the rename).
pub async fn rename_company(ttx: &mut TenantTx, tenant_id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE public.job_catalog SET company_name = $2 WHERE tenant_id = $1")
        .bind(tenant_id)
        .bind(name)
        .execute(&mut **ttx)
        .await?;
    Ok(())
}

/// Brings a tenant's catalog rows in line after a status change (same transaction).
pub async fn resync_tenant(ttx: &mut TenantTx, tenant: &Tenant) -> anyhow::Result<Drift> {
    reconcile_tenant(ttx, tenant, false).await
}

/// The query-time visibility rule of the public catalog, as SQL over `public.job_catalog` (alias
/// `c`): published, and not expired at this instant. Catalog queries include it verbatim.
pub const VISIBLE: &str =
    "c.published_at <= now() AND (c.expires_at IS NULL OR c.expires_at > now())";

/// How many of a tenant's catalog rows a candidate can see right now (the visibility rule applied
/// at query time, never stored).
pub async fn visible_count(conn: &mut PgConnection, tenant_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM public.job_catalog c WHERE c.tenant_id = $1 AND {VISIBLE}"
    ))
    .bind(tenant_id)
    .fetch_one(conn)
    .await
}

/// How many of a tenant's catalog rows the visibility rule admits at instant `at` (the same rule
/// as [`VISIBLE`], for asking "what will a candidate see then?").
pub async fn visible_count_at(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM public.job_catalog c
          WHERE c.tenant_id = $1 AND c.published_at <= $2
            AND (c.expires_at IS NULL OR c.expires_at > $2)",
    )
    .bind(tenant_id)
    .bind(at)
    .fetch_one(conn)
    .await
}
