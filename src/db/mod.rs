//! Database access: the connection pool, the embedded PostgreSQL launcher and the migration runner.

pub mod embedded;
pub mod migrate;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::config::{Limits, Settings};
use embedded::EmbeddedPostgres;

/// Name of the application database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "careers";

/// The pool plus, when the embedded cluster is in use, the handle that stops it.
pub struct Database {
    /// The pool of commands and background tasks: no statement deadline (migrations, imports and
    /// index builds run long).
    pub pool: PgPool,
    /// How to reach the server, for [`Database::request_pool`].
    options: PgConnectOptions,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts (or attaches to) the embedded cluster.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        let (opts, embedded) = match &settings.database_url {
            Some(url) => {
                let opts: PgConnectOptions = url.parse().context(
                    "DATABASE_URL is not a valid PostgreSQL URL (postgres://user@host/db)",
                )?;
                (opts, None)
            }
            None => {
                let pg = EmbeddedPostgres::start(&settings.data_dir.join("postgres")).await?;
                ensure_database(&pg.connect_options("postgres"), EMBEDDED_DATABASE).await?;
                (pg.connect_options(EMBEDDED_DATABASE), Some(pg))
            }
        };
        let pool = match pool_options()
            .max_connections(settings.db_pool_size)
            .connect_with(opts.clone())
            .await
        {
            Ok(pool) => pool,
            Err(e) => {
                if let Some(pg) = &embedded {
                    let _ = pg.stop().await;
                }
                return Err(e).context("cannot connect to PostgreSQL");
            }
        };
        Ok(Database {
            pool,
            options: opts,
            embedded,
        })
    }

    /// The pool request handlers use: every connection carries the request deadlines
    /// ([`with_deadlines`]) and a borrower waits at most `db_acquire` for one.
    pub async fn request_pool(&self, settings: &Settings) -> anyhow::Result<PgPool> {
        request_pool_options(&settings.limits)
            .max_connections(settings.db_pool_size)
            .connect_with(with_deadlines(self.options.clone(), &settings.limits))
            .await
            .context("cannot connect to PostgreSQL")
    }

    /// Closes the pool and stops the embedded cluster if this process started it.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(pg) = self.embedded {
            pg.stop().await?;
        }
        Ok(())
    }
}

/// Pool settings shared by the server, the CLI and the tests (who set the size).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(10))
        // A connection is checked (one round trip) before reuse only when it sat idle long
        // enough to have been dropped by the server or the network; under load, connections
        // go straight back to work (a check per request cost as much as the list query).
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_CHECK_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// [`pool_options`] with the request pool's acquire deadline.
pub fn request_pool_options(limits: &Limits) -> PgPoolOptions {
    pool_options().acquire_timeout(limits.db_acquire)
}

/// `opts` whose sessions start with the request deadlines: `statement_timeout` and `lock_timeout`
/// as session defaults (startup options, so they cost no round trip; a transaction can still
/// raise them with `SET LOCAL`). A locked or slow table then fails that request within the lock or
/// statement deadline instead of holding its connection until the lock is released.
pub fn with_deadlines(opts: PgConnectOptions, limits: &Limits) -> PgConnectOptions {
    let ms = |d: Duration| d.as_millis().max(1).to_string();
    opts.options([
        ("statement_timeout", ms(limits.db_statement)),
        ("lock_timeout", ms(limits.db_lock)),
    ])
}

/// How long a pooled connection may sit idle and still be reused unchecked.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(1);

/// The secret every instance shares for `purpose` (`public.app_secrets`): the stored one, or
/// `candidate` when this is the first instance to ask.
pub async fn shared_secret(
    pool: &PgPool,
    purpose: &str,
    candidate: &[u8],
) -> sqlx::Result<Vec<u8>> {
    // The no-op update makes RETURNING yield the row that is there, new or old.
    sqlx::query_scalar(
        "INSERT INTO public.app_secrets (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING value",
    )
    .bind(purpose)
    .bind(candidate)
    .fetch_one(pool)
    .await
}

/// Creates `name` in the cluster reached by `admin` unless it exists.
pub async fn ensure_database(admin: &PgConnectOptions, name: &str) -> anyhow::Result<()> {
    let mut conn = admin
        .connect()
        .await
        .context("cannot connect to PostgreSQL")?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        let sql = format!("CREATE DATABASE {}", quote_ident(name));
        if let Err(e) = sqlx::raw_sql(&sql).execute(&mut conn).await {
            // Another process may have created it in the meantime.
            let code = e
                .as_database_error()
                .and_then(|d| d.code().map(|c| c.to_string()));
            if code.as_deref() != Some("42P04") {
                return Err(e).context("cannot create the application database");
            }
        }
    }
    Ok(())
}

/// Quotes an SQL identifier (doubling embedded quotes). Tenant schemas use
/// [`crate::tenancy::SchemaName::quoted`] instead.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
