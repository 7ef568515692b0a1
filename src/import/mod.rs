//! `careers jobs import FILE.csv` (DESIGN §7): bulk import of postings for many tenants.
//!
//! Two passes over the file. The first parses and validates every row ([`parse`]) and collects
//! line-numbered errors; a tenant with any bad row is rejected whole. The second streams the rows
//! again on a blocking thread and hands each accepted tenant's complete batch to async writers
//! (several tenants at once), each batch one transaction through [`db::write_postings`]. Memory
//! stays bounded by how interleaved the tenants are in the file, not by its size.

pub mod db;
pub mod parse;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use uuid::Uuid;

use db::bulk_commit;
pub use db::{BatchCounts, BatchError, record_run};
pub use parse::{Row, RowError};

use crate::tenancy::{self, TenantError};

/// How `jobs import` runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--tenant SLUG`: fills an empty `tenant_slug`, refuses a different one.
    pub tenant: Option<String>,
    /// `--create-tenants`: create missing tenants, named by `company_name`.
    pub create_tenants: bool,
}

/// Tenants written at once. Each batch is CPU (projections) on our side and CPU (search vectors,
/// indexes) on the database's; a few in flight keep a two-core machine busy.
pub const CONCURRENCY: usize = 4;

/// One tenant's imported rows.
#[derive(Debug, Clone)]
pub struct TenantDone {
    pub slug: String,
    pub created: bool,
    pub counts: BatchCounts,
}

/// A tenant none of whose rows went in, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub slug: String,
    pub reason: String,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: u64,
    pub tenants: Vec<TenantDone>,
    pub rejected: Vec<Rejected>,
    /// Every bad row, in file order.
    pub errors: Vec<RowError>,
    pub duration: Duration,
}

impl Report {
    pub fn totals(&self) -> BatchCounts {
        let mut t = BatchCounts::default();
        for d in &self.tenants {
            t.add(&d.counts);
        }
        t
    }

    /// Whether anything was refused (the CLI exits non-zero then).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.rejected.is_empty()
    }
}

/// What the first pass learns about one tenant.
#[derive(Debug, Default)]
struct TenantPlan {
    rows: usize,
    first_line: u64,
    company_name: Option<String>,
    errors: usize,
}

/// Imports `path`. Fails only when the file cannot be read at all (missing, bad header); bad rows
/// and refused tenants are in the report.
pub async fn import_file(pool: &PgPool, path: &Path, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let (plans, mut errors, rows) = {
        let path = path.to_path_buf();
        let tenant = opts.tenant.clone();
        tokio::task::spawn_blocking(move || first_pass(&path, tenant.as_deref())).await??
    };

    let mut rejected = Vec::new();
    let mut accepted: HashMap<String, (usize, Option<String>)> = HashMap::new();
    let slugs: Vec<String> = plans.keys().cloned().collect();
    let known: HashSet<String> =
        sqlx::query_scalar("SELECT slug FROM public.tenants WHERE slug = ANY($1)")
            .bind(&slugs)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let mut plans: Vec<(String, TenantPlan)> = plans.into_iter().collect();
    plans.sort_by(|a, b| a.0.cmp(&b.0));
    for (slug, plan) in plans {
        let exists = known.contains(&slug);
        let reason = if plan.errors > 0 {
            Some(format!(
                "{} bad row(s); none of its {} row(s) were imported",
                plan.errors,
                plan.rows + plan.errors
            ))
        } else if !exists && !opts.create_tenants {
            Some(format!(
                "no tenant with slug `{slug}` (line {}): create it with `careers tenant create {slug} --name NAME`, or pass --create-tenants with a company_name column",
                plan.first_line
            ))
        } else if !exists && plan.company_name.is_none() {
            Some(format!(
                "tenant `{slug}` does not exist and no row gives its company_name (line {})",
                plan.first_line
            ))
        } else {
            None
        };
        match reason {
            Some(reason) => rejected.push(Rejected { slug, reason }),
            None => {
                let name = if exists { None } else { plan.company_name };
                accepted.insert(slug, (plan.rows, name));
            }
        }
    }

    let (done, failed) = second_pass(pool, path, opts, accepted).await?;
    rejected.extend(failed.iter().map(|(r, _)| r.clone()));
    errors.extend(failed.into_iter().flat_map(|(_, e)| e));
    errors.sort_by_key(|e| e.line);
    rejected.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut tenants = done;
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    let report = Report {
        rows,
        tenants,
        rejected,
        errors,
        duration: started.elapsed(),
    };
    let failures: Vec<_> = report
        .rejected
        .iter()
        .map(|r| serde_json::json!({"tenant": r.slug, "error": r.reason}))
        .collect();
    record_run(
        pool,
        "import",
        report.tenants.len(),
        &report.totals(),
        failures,
        started,
    )
    .await?;
    Ok(report)
}

type FirstPass = (HashMap<String, TenantPlan>, Vec<RowError>, u64);

fn first_pass(path: &Path, tenant: Option<&str>) -> anyhow::Result<FirstPass> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut plans: HashMap<String, TenantPlan> = HashMap::new();
    let mut errors = Vec::new();
    let mut ids: HashMap<Uuid, u64> = HashMap::new();
    let mut rows = 0u64;
    parse::for_each_row(
        std::io::BufReader::with_capacity(1 << 20, file),
        tenant,
        |r| {
            rows += 1;
            match r {
                Ok(row) => {
                    let plan = plans.entry(row.tenant_slug.clone()).or_default();
                    if plan.first_line == 0 {
                        plan.first_line = row.line;
                    }
                    if plan.company_name.is_none() {
                        plan.company_name = row.company_name.clone();
                    }
                    let id = row.draft.id.unwrap_or_default();
                    if let Some(first) = ids.insert(id, row.line) {
                        plan.errors += 1;
                        errors.push(RowError {
                            line: row.line,
                            tenant_slug: Some(row.tenant_slug),
                            message: format!("job_id {id} already appears on line {first}"),
                        });
                    } else {
                        plan.rows += 1;
                    }
                }
                Err(e) => {
                    if let Some(slug) = &e.tenant_slug {
                        let plan = plans.entry(slug.clone()).or_default();
                        plan.errors += 1;
                        if plan.first_line == 0 {
                            plan.first_line = e.line;
                        }
                    }
                    errors.push(e);
                }
            }
            Ok(())
        },
    )?;
    Ok((plans, errors, rows))
}

type Failed = Vec<(Rejected, Vec<RowError>)>;

/// One tenant's complete set of rows, ready to write.
struct Batch {
    slug: String,
    company_name: Option<String>,
    rows: Vec<Row>,
}

/// Streams the file again and writes each accepted tenant as soon as all its rows are read.
async fn second_pass(
    pool: &PgPool,
    path: &Path,
    opts: &Options,
    accepted: HashMap<String, (usize, Option<String>)>,
) -> anyhow::Result<(Vec<TenantDone>, Failed)> {
    let (tx, mut rx) = mpsc::channel::<Batch>(CONCURRENCY * 2);
    let reader = {
        let path: PathBuf = path.to_path_buf();
        let tenant = opts.tenant.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let file = std::fs::File::open(&path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            let mut buffers: HashMap<String, Vec<Row>> = HashMap::new();
            parse::for_each_row(
                std::io::BufReader::with_capacity(1 << 20, file),
                tenant.as_deref(),
                |r| {
                    let Ok(row) = r else { return Ok(()) };
                    let Some((expected, name)) = accepted.get(&row.tenant_slug) else {
                        return Ok(());
                    };
                    let slug = row.tenant_slug.clone();
                    let buf = buffers.entry(slug.clone()).or_default();
                    buf.push(row);
                    if buf.len() == *expected {
                        let rows = buffers.remove(&slug).unwrap_or_default();
                        let batch = Batch {
                            slug,
                            company_name: name.clone(),
                            rows,
                        };
                        tx.blocking_send(batch)
                            .map_err(|_| anyhow::anyhow!("the import writers stopped"))?;
                    }
                    Ok(())
                },
            )
        })
    };

    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut set = JoinSet::new();
    let mut done = Vec::new();
    let mut failed = Vec::new();
    let mut collect = |r: Result<
        Result<TenantDone, (Rejected, Vec<RowError>)>,
        tokio::task::JoinError,
    >| {
        match r {
            Ok(Ok(d)) => done.push(d),
            Ok(Err(f)) => failed.push(f),
            Err(e) => failed.push((
                Rejected {
                    slug: "?".into(),
                    reason: format!("import task panicked: {e}"),
                },
                Vec::new(),
            )),
        }
    };
    while let Some(batch) = rx.recv().await {
        // Taking the permit before spawning holds the reader back when writers are busy.
        let permit = permits.clone().acquire_owned().await?;
        let pool = pool.clone();
        set.spawn(async move {
            let _permit = permit;
            let drafts: Vec<_> = batch.rows.iter().map(|r| r.draft.clone()).collect();
            let slug = batch.slug.clone();
            let name = batch.company_name.clone();
            let written = write_tenant(&pool, &slug, name.as_deref(), &drafts).await;
            outcome(batch, written)
        });
        while let Some(r) = set.try_join_next() {
            collect(r);
        }
    }
    while let Some(r) = set.join_next().await {
        collect(r);
    }
    reader.await??;
    Ok((done, failed))
}

/// Maps a tenant's write result to the report, giving conflicting rows their line numbers.
fn outcome(
    batch: Batch,
    written: Result<TenantDone, WriteError>,
) -> Result<TenantDone, (Rejected, Vec<RowError>)> {
    match written {
        Ok(done) => Ok(done),
        Err(WriteError::Batch(BatchError::Conflicts(conflicts))) => {
            let lines: HashMap<Uuid, u64> = batch
                .rows
                .iter()
                .filter_map(|r| r.draft.id.map(|id| (id, r.line)))
                .collect();
            let errors: Vec<RowError> = conflicts
                .into_iter()
                .map(|(id, message)| RowError {
                    line: lines.get(&id).copied().unwrap_or(0),
                    tenant_slug: Some(batch.slug.clone()),
                    message,
                })
                .collect();
            let reason = format!(
                "{} row(s) conflict with existing postings; none of its {} row(s) were imported",
                errors.len(),
                batch.rows.len()
            );
            Err((
                Rejected {
                    slug: batch.slug,
                    reason,
                },
                errors,
            ))
        }
        Err(e) => Err((
            Rejected {
                slug: batch.slug,
                reason: format!("{e:#}"),
            },
            Vec::new(),
        )),
    }
}

/// Creates tenant `slug` named `name` and writes `drafts` into it, in one transaction: a tenant
/// whose rows are refused is not left behind empty. Runs on a blocking thread: the future of
/// [`tenancy::create_in`] is not `Send` as far as rustc can prove (a higher-ranked lifetime
/// limitation with sqlx executors), so it cannot run inside a spawned task directly; `block_on` on
/// a blocking-pool thread has no such requirement.
async fn create_and_write(
    pool: PgPool,
    slug: String,
    name: String,
    drafts: Vec<crate::postings::model::PostingDraft>,
) -> Result<(crate::tenancy::Tenant, BatchCounts), WriteError> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        handle.block_on(async {
            let mut tx = pool.begin().await?;
            bulk_commit(&mut tx).await?;
            let (tenant, mut ttx) = tenancy::create_in(tx, &slug, &name, &[]).await?;
            let counts = db::write_postings(&mut ttx, tenant.id, &drafts).await?;
            ttx.commit().await?;
            Ok((tenant, counts))
        })
    })
    .await
    .map_err(|e| {
        WriteError::Tenant(TenantError::Other(anyhow::anyhow!(
            "tenant creation panicked: {e}"
        )))
    })?
}

/// Why [`write_tenant`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Tenant(#[from] TenantError),
    #[error(transparent)]
    Batch(#[from] BatchError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        WriteError::Batch(BatchError::Db(e))
    }
}

/// Writes `drafts` into tenant `slug` in one transaction, creating the tenant first (named
/// `create_as`) when it does not exist and a name is given. Shared by the import and the seeder.
pub async fn write_tenant(
    pool: &PgPool,
    slug: &str,
    create_as: Option<&str>,
    drafts: &[crate::postings::model::PostingDraft],
) -> Result<TenantDone, WriteError> {
    let found = {
        let mut conn = pool.acquire().await?;
        tenancy::find_by_slug(&mut conn, slug).await?
    };
    let tenant = match (found, create_as) {
        (Some(t), _) => t,
        (None, Some(name)) => {
            match create_and_write(pool.clone(), slug.into(), name.into(), drafts.to_vec()).await {
                Ok((tenant, counts)) => {
                    return Ok(TenantDone {
                        slug: tenant.slug,
                        created: true,
                        counts,
                    });
                }
                // Created by someone else in the meantime: write into it.
                Err(WriteError::Tenant(TenantError::SlugTaken(_))) => {
                    tenancy::require(pool, slug).await?
                }
                Err(e) => return Err(e),
            }
        }
        (None, None) => return Err(TenantError::UnknownSlug(slug.to_string()).into()),
    };
    let mut ttx = tenant.begin(pool).await?;
    bulk_commit(&mut ttx).await?;
    let counts = db::write_postings(&mut ttx, tenant.id, drafts).await?;
    ttx.commit().await?;
    Ok(TenantDone {
        slug: tenant.slug,
        created: false,
        counts,
    })
}
