//! The application state every request handler shares: the pool, the settings and the
//! process-local parts (metrics, rate limits, unflushed job views, aggregate caches).

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::api::rate_limit::RateLimiter;
use crate::catalog::search::Search;
use crate::catalog::views::ViewCounter;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::scheduler::TaskContext;

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    /// The request pool: every connection under the request deadlines (`db::with_deadlines`).
    pub pool: PgPool,
    /// The pool of scheduled tasks and the indexer, whose statements may run long; apart from
    /// the request pool so that background work never takes a request's connection.
    pub background: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    pub leptos: LeptosOptions,
    /// Per-client-IP limits of the public API.
    pub api_limits: Arc<RateLimiter>,
    /// Job views not yet flushed to the catalog.
    pub views: Arc<ViewCounter>,
    /// This process's search index (kept current by the indexer [`AppState::start_search`]
    /// starts).
    pub search: Arc<Search>,
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl AppState {
    /// State with a search index in memory (built when [`AppState::start_search`] runs).
    /// One pool serves requests and background work.
    pub fn new(pool: PgPool, settings: Settings) -> Self {
        let search = Search::in_memory(&settings.default_currency)
            .unwrap_or_else(|e| panic!("cannot create an index in memory: {e}"));
        Self::with_search(pool.clone(), pool, settings, search)
    }

    /// State over a given search (e.g. the one `serve` keeps under the data dir), with requests
    /// on `pool` and background work on `background`.
    pub fn with_search(
        pool: PgPool,
        background: PgPool,
        settings: Settings,
        search: Search,
    ) -> Self {
        let leptos = LeptosOptions::builder()
            .output_name("careers")
            .site_root("public")
            .site_addr(settings.addr)
            .build();
        AppState {
            api_limits: Arc::new(RateLimiter::new(
                settings.api_reads_per_minute,
                settings.api_applies_per_minute,
            )),
            search: Arc::new(search),
            pool,
            background,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            leptos,
            views: Arc::new(ViewCounter::new()),
        }
    }

    /// What the scheduled tasks of this process work with.
    pub fn tasks(&self) -> TaskContext {
        TaskContext {
            pool: self.background.clone(),
            settings: self.settings.clone(),
            views: self.views.clone(),
            metrics: self.metrics.clone(),
        }
    }

    /// Starts this process's indexer: builds the index when it has no checkpoint, then follows
    /// the catalog's change sequence until the task is aborted.
    pub fn start_search(&self) -> tokio::task::JoinHandle<()> {
        crate::catalog::indexer::start(
            self.search.clone(),
            self.background.clone(),
            self.metrics.clone(),
        )
    }
}

impl From<AppState> for TaskContext {
    fn from(state: AppState) -> Self {
        state.tasks()
    }
}
