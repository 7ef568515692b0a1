//! Test harness: every test gets its own database, created from a migrated template.
//!
//! The server is `DATABASE_URL` when set, otherwise an embedded cluster the harness starts itself
//! (shared by all test processes, under the system temp directory; it stays up for the next run).
//! Each test's database is dropped when its `TestDb` is dropped, even if the test panics.

use std::path::PathBuf;

use careers::db::{self, embedded::EmbeddedPostgres, migrate};
use careers::state::AppState;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::OnceCell;

static ADMIN: OnceCell<PgConnectOptions> = OnceCell::const_new();

/// Connection options for the admin database of the test server.
async fn admin_options() -> PgConnectOptions {
    ADMIN
        .get_or_init(|| async {
            if let Ok(url) = std::env::var("DATABASE_URL")
                && !url.trim().is_empty()
            {
                return url
                    .parse()
                    .expect("DATABASE_URL is not a valid PostgreSQL URL");
            }
            let root = std::env::temp_dir().join("careers-test-pg");
            let pg = EmbeddedPostgres::start(&root)
                .await
                .expect("cannot start the test PostgreSQL cluster");
            pg.connect_options("postgres")
        })
        .await
        .clone()
        .log_statements(tracing::log::LevelFilter::Off)
}

/// A template database with the shared migrations applied, named by a hash of the migrations so
/// that changing a migration makes a new template.
async fn template(admin: &PgConnectOptions) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for m in migrate::SHARED.iter().chain(migrate::TENANT.iter()) {
        for b in m.checksum.iter() {
            hash = (hash ^ *b as u64).wrapping_mul(0x100000001b3);
        }
    }
    let name = format!("careers_tpl_{hash:016x}");
    let mut conn = admin
        .connect()
        .await
        .expect("cannot connect to the test server");
    // Session-level advisory lock: one process builds the template, the others wait.
    sqlx::query("SELECT pg_advisory_lock(4242)")
        .execute(&mut conn)
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        let building = format!("{name}_building");
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let pool = PgPool::connect_with(admin.clone().database(&building))
            .await
            .unwrap();
        migrate::run_shared(&pool)
            .await
            .expect("shared migrations failed");
        pool.close().await;
        sqlx::raw_sql(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::query("SELECT pg_advisory_unlock(4242)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    name
}

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub pool: PgPool,
    pub name: String,
    admin: PgConnectOptions,
}

impl TestDb {
    pub async fn new() -> Self {
        Self::with_pool_size(8).await
    }

    pub async fn with_pool_size(size: u32) -> Self {
        let admin = admin_options().await;
        let tpl = template(&admin).await;
        let name = format!("careers_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin.connect().await.unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {name} TEMPLATE {tpl}"))
            .execute(&mut conn)
            .await
            .expect("cannot create the test database");
        conn.close().await.ok();
        let pool = db::pool_options()
            .max_connections(size)
            .connect_with(admin.clone().database(&name))
            .await
            .unwrap();
        TestDb { pool, name, admin }
    }

    /// Connection options for this test's database (e.g. for a second pool).
    pub fn options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }

    /// A search over this database, as the server keeps one: an index in memory that its indexer
    /// builds and keeps current (the task ends with the test's runtime).
    pub fn search(&self) -> std::sync::Arc<careers::catalog::search::Search> {
        let search =
            std::sync::Arc::new(careers::catalog::search::Search::in_memory("EUR").unwrap());
        careers::catalog::indexer::start(
            search.clone(),
            self.pool.clone(),
            std::sync::Arc::new(careers::metrics::Metrics::new()),
        );
        search
    }

    /// Waits (woken by the indexer, at most 60 s) until `search`'s index has applied every catalog
    /// change committed so far: for tests that write much at once and then need exact answers
    /// (a request itself waits at most a second for the index, then answers from what it has).
    pub async fn caught_up(&self, search: &careers::catalog::search::Search) {
        let last: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM public.catalog_changes")
                .fetch_one(&self.pool)
                .await
                .unwrap();
        let mut rx = search.progress().subscribe();
        tokio::time::timeout(
            std::time::Duration::from_secs(60),
            rx.wait_for(|c| c.as_ref().is_some_and(|c| c.seq >= last)),
        )
        .await
        .expect("the index catches up within a minute")
        .unwrap();
    }

    /// Application state over this database, as the server builds it, its indexer started.
    pub fn state(&self) -> AppState {
        let mut settings = careers::config::Settings::from_lookup(None, |_| None).unwrap();
        settings.data_dir = std::env::temp_dir().join(format!("careers-test-data-{}", self.name));
        let state = AppState::new(self.pool.clone(), settings);
        state.start_search();
        state
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop cannot await; a short-lived runtime on another thread does the cleanup. The pool is
        // not closed from there (its connections belong to the test's runtime, which is blocked
        // here): FORCE ends them.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = admin.connect().await {
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Path of a file under the crate root.
pub fn crate_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Saves `draft` for `tenant` through the one save path and returns the posting id.
pub async fn posting(
    pool: &PgPool,
    tenant: &careers::tenancy::Tenant,
    draft: careers::postings::model::PostingDraft,
) -> uuid::Uuid {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let saved = careers::postings::save(
        &mut ttx,
        tenant.id,
        careers::postings::PostingChange::Create(draft),
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    saved.posting.id
}

/// Changes a posting's status through the save path.
pub async fn set_status(
    pool: &PgPool,
    tenant: &careers::tenancy::Tenant,
    id: uuid::Uuid,
    status: careers::postings::model::PostingStatus,
) {
    let mut ttx = tenant.begin(pool).await.unwrap();
    careers::postings::save(
        &mut ttx,
        tenant.id,
        careers::postings::PostingChange::SetStatus {
            id,
            expected_version: None,
            status,
        },
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
}

pub mod admin;
pub mod api;
pub mod browser;
pub mod site;
