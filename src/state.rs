//! The application state every request handler shares: the pool, the settings and the
//! process-local parts (metrics, rate limits, unflushed job views, aggregate caches).

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::api::rate_limit::RateLimiter;
use crate::catalog::cache::Aggregates;
use crate::catalog::views::ViewCounter;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::scheduler::TaskContext;

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    pub leptos: LeptosOptions,
    /// Per-client-IP limits of the public API.
    pub api_limits: Arc<RateLimiter>,
    /// Job views not yet flushed to the catalog.
    pub views: Arc<ViewCounter>,
    /// Sampled facet counts, count estimates and catalog statistics reused for a few seconds.
    pub aggregates: Arc<Aggregates>,
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
    pub fn new(pool: PgPool, settings: Settings) -> Self {
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
            aggregates: Arc::new(Aggregates::new(settings.aggregate_cache)),
            pool,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            leptos,
            views: Arc::new(ViewCounter::new()),
        }
    }

    /// What the scheduled tasks of this process work with.
    pub fn tasks(&self) -> TaskContext {
        TaskContext {
            pool: self.pool.clone(),
            settings: self.settings.clone(),
            views: self.views.clone(),
            metrics: self.metrics.clone(),
            aggregates: self.aggregates.clone(),
        }
    }
}

impl From<AppState> for TaskContext {
    fn from(state: AppState) -> Self {
        state.tasks()
    }
}
