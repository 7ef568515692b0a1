//! Tenancy: tenants, their schemas and domains. Each tenant's hiring data lives in its own schema
//! (`t_<32 hex>`); public tables never reference a tenant schema and vice versa.

mod schema;
mod tx;

pub use schema::{InvalidSchemaName, SchemaName};
pub use tx::{TenantTx, limit_tenant_share};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::db::migrate;
use crate::error::FieldError;

/// Default consent text a new tenant's apply form shows until HR edits it.
pub const DEFAULT_CONSENT_TEXT: &str = "I agree that this company may store and process the \
    information in my application, including my resume, to consider me for this and similar \
    roles, and may contact me about it. I can ask for my data to be deleted at any time.";

/// A tenant row.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub schema_name: String,
    pub schema_version: i64,
    pub created_at: DateTime<Utc>,
}

impl Tenant {
    pub fn schema(&self) -> SchemaName {
        // The column has a CHECK constraint with the same rule, so this only fails on a corrupted row.
        SchemaName::parse(&self.schema_name).unwrap_or_else(|_| SchemaName::for_tenant(self.id))
    }

    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// Begins a transaction scoped to this tenant's schema.
    pub async fn begin(&self, pool: &PgPool) -> sqlx::Result<TenantTx> {
        TenantTx::begin(pool, &self.schema()).await
    }
}

const TENANT_COLUMNS: &str = "id, slug, name, status, schema_name, schema_version, created_at";

/// A validated tenant slug: lowercase letters, digits and hyphens, 2–40 characters, starting and
/// ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(2..=40).contains(&s.len()) {
            return Err(format!("tenant slug {s:?} must be 2 to 40 characters long"));
        }
        if !ok_chars {
            return Err(format!(
                "tenant slug {s:?} may contain only lowercase letters, digits and hyphens"
            ));
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(format!(
                "tenant slug {s:?} must start and end with a letter or digit"
            ));
        }
        Ok(Slug(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Normalises a host name for `tenant_domains`: lowercase, without port or trailing dot.
pub fn normalize_host(host: &str) -> Result<String, String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') => {
            h.to_string()
        }
        _ => host,
    };
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid {
        Ok(host)
    } else {
        Err(format!("{host:?} is not a valid host name"))
    }
}

/// Errors from tenant administration that a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("no tenant with slug `{0}` (see `careers tenant list`)")]
    UnknownSlug(String),
    #[error("tenant slug `{0}` is already taken")]
    SlugTaken(String),
    #[error("the domain {0} already belongs to a tenant")]
    DomainTaken(String),
    #[error("{0}")]
    Invalid(FieldError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for TenantError {
    fn from(e: sqlx::Error) -> Self {
        TenantError::Other(e.into())
    }
}

/// Creates a tenant: its row, its schema with every tenant migration, its career page and its
/// domains, all in one transaction (a failure leaves nothing behind).
pub async fn create(
    pool: &PgPool,
    slug: &str,
    name: &str,
    domains: &[String],
) -> Result<Tenant, TenantError> {
    let (tenant, ttx) = create_in(pool.begin().await?, slug, name, domains).await?;
    ttx.commit().await?;
    Ok(tenant)
}

/// [`create`] inside `tx`, which comes back scoped to the new tenant's schema and still open, so
/// the caller can write the tenant's first data in the same transaction (`jobs import` does).
pub async fn create_in(
    mut tx: Transaction<'static, Postgres>,
    slug: &str,
    name: &str,
    domains: &[String],
) -> Result<(Tenant, TenantTx), TenantError> {
    let slug = Slug::parse(slug).map_err(|m| TenantError::Invalid(FieldError::new("slug", m)))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(TenantError::Invalid(FieldError::new(
            "name",
            "the company name must be 1 to 200 characters",
        )));
    }
    let domains = domains
        .iter()
        .map(|d| normalize_host(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| TenantError::Invalid(FieldError::new("domain", m)))?;

    let id = Uuid::now_v7();
    let schema = SchemaName::for_tenant(id);
    let inserted = sqlx::query_as::<_, Tenant>(&format!(
        "INSERT INTO public.tenants (id, slug, name, schema_name, schema_version)
         VALUES ($1, $2, $3, $4, $5) RETURNING {TENANT_COLUMNS}"
    ))
    .bind(id)
    .bind(slug.as_str())
    .bind(name)
    .bind(schema.as_str())
    .bind(migrate::latest_tenant_version())
    .fetch_one(&mut *tx)
    .await;
    let tenant = match inserted {
        Ok(t) => t,
        Err(e) if is_unique_violation(&e) => return Err(TenantError::SlugTaken(slug.0)),
        Err(e) => return Err(e.into()),
    };
    for host in &domains {
        let r = sqlx::query("INSERT INTO public.tenant_domains (host, tenant_id) VALUES ($1, $2)")
            .bind(host)
            .bind(id)
            .execute(&mut *tx)
            .await;
        match r {
            Err(e) if is_unique_violation(&e) => {
                return Err(TenantError::DomainTaken(host.clone()));
            }
            r => {
                r?;
            }
        }
    }
    sqlx::raw_sql(&format!("CREATE SCHEMA {}", schema.quoted()))
        .execute(&mut *tx)
        .await?;
    let mut ttx = TenantTx::from_transaction(tx, schema).await?;
    migrate::apply_tenant_migrations(&mut ttx, 0).await?;
    sqlx::query("INSERT INTO career_page (consent_text) VALUES ($1)")
        .bind(DEFAULT_CONSENT_TEXT)
        .execute(&mut *ttx)
        .await?;
    sqlx::query("INSERT INTO public.company_profiles (tenant_id, consent_text) VALUES ($1, $2)")
        .bind(id)
        .bind(DEFAULT_CONSENT_TEXT)
        .execute(&mut *ttx)
        .await?;
    Ok((tenant, ttx))
}

pub async fn find_by_slug(
    conn: &mut PgConnection,
    slug: &str,
) -> Result<Option<Tenant>, sqlx::Error> {
    sqlx::query_as::<_, Tenant>(&format!(
        "SELECT {TENANT_COLUMNS} FROM public.tenants WHERE slug = $1"
    ))
    .bind(slug)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_id(conn: &mut PgConnection, id: Uuid) -> Result<Option<Tenant>, sqlx::Error> {
    sqlx::query_as::<_, Tenant>(&format!(
        "SELECT {TENANT_COLUMNS} FROM public.tenants WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Looks a tenant up by slug, or fails with a message that names the slug.
pub async fn require(pool: &PgPool, slug: &str) -> Result<Tenant, TenantError> {
    let mut conn = pool.acquire().await?;
    find_by_slug(&mut conn, slug)
        .await?
        .ok_or_else(|| TenantError::UnknownSlug(slug.to_string()))
}

/// The tenant that owns `host` (a request's Host header), if any.
pub async fn for_host(pool: &PgPool, host: &str) -> sqlx::Result<Option<Tenant>> {
    let Ok(host) = normalize_host(host) else {
        return Ok(None);
    };
    sqlx::query_as::<_, Tenant>(
        "SELECT t.id, t.slug, t.name, t.status, t.schema_name, t.schema_version, t.created_at
           FROM public.tenant_domains d JOIN public.tenants t ON t.id = d.tenant_id
          WHERE d.host = $1",
    )
    .bind(host)
    .fetch_optional(pool)
    .await
}

/// Locks the tenant `slug` for the rest of `tx`.
pub async fn lock(tx: &mut Transaction<'_, Postgres>, slug: &str) -> Result<Tenant, TenantError> {
    sqlx::query_as::<_, Tenant>(&format!(
        "SELECT {TENANT_COLUMNS} FROM public.tenants WHERE slug = $1 FOR UPDATE"
    ))
    .bind(slug)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| TenantError::UnknownSlug(slug.to_string()))
}

/// Sets a tenant's status row (`active` or `suspended`); the catalog is the caller's (see
/// [`crate::tenants::set_status`]).
pub async fn update_status(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
    status: &str,
) -> sqlx::Result<Tenant> {
    sqlx::query_as::<_, Tenant>(&format!(
        "UPDATE public.tenants SET status = $2, updated_at = now() WHERE id = $1
         RETURNING {TENANT_COLUMNS}"
    ))
    .bind(id)
    .bind(status)
    .fetch_one(&mut **tx)
    .await
}

/// Sets a tenant's name row; the catalog is the caller's (see [`crate::tenants::rename`]).
pub async fn update_name(ttx: &mut TenantTx, tenant_id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE public.tenants SET name = $2, updated_at = now() WHERE id = $1")
        .bind(tenant_id)
        .bind(name)
        .execute(&mut **ttx)
        .await?;
    Ok(())
}

/// Drops a locked tenant's schema and every public row that belongs to it.
pub async fn drop_tenant(tx: &mut Transaction<'_, Postgres>, tenant: &Tenant) -> sqlx::Result<()> {
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {} CASCADE",
        tenant.schema().quoted()
    ))
    .execute(&mut **tx)
    .await?;
    // Every public table that holds tenant rows references public.tenants ON DELETE CASCADE
    // (domains, users, catalog, profiles, sync details, outbox).
    sqlx::query("DELETE FROM public.tenants WHERE id = $1")
        .bind(tenant.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "23505")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_rules() {
        for ok in ["acme", "a1", "acme-corp", "x9-y8", &"a".repeat(40)] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a",
            "Acme",
            "acme_corp",
            "-acme",
            "acme-",
            "ac me",
            "",
            &"a".repeat(41),
            "café",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_are_normalised() {
        assert_eq!(
            normalize_host("Jobs.Acme.COM:8080").unwrap(),
            "jobs.acme.com"
        );
        assert_eq!(normalize_host("jobs.acme.com.").unwrap(), "jobs.acme.com");
        assert!(normalize_host("bad host").is_err());
        assert!(normalize_host("").is_err());
        assert!(normalize_host("-x.com").is_err());
    }
}
