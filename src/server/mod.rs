//! The HTTP server: application state, the route table ([`router`]), middleware and the
//! serve loop with graceful shutdown.

pub mod health;
pub mod metrics;
pub mod middleware;
pub mod router;

use std::sync::Arc;

use anyhow::Context;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use crate::config::Settings;
use metrics::Metrics;

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    pub leptos: LeptosOptions,
    /// Per-client-IP limits of the public API.
    pub api_limits: Arc<crate::api::rate_limit::RateLimiter>,
    /// Job views not yet flushed to the catalog.
    pub views: Arc<crate::catalog::views::ViewCounter>,
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
        let api_limits = Arc::new(crate::api::rate_limit::RateLimiter::new(
            settings.api_reads_per_minute,
            settings.api_applies_per_minute,
        ));
        AppState {
            api_limits,
            pool,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            leptos,
            views: Arc::new(crate::catalog::views::ViewCounter::new()),
        }
    }
}

/// Serves `state` on its configured address until Ctrl-C or SIGTERM; in-flight requests finish.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.settings.addr;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another server running there? use --addr)")
    })?;
    let (state_views, pool) = (state.views.clone(), state.pool.clone());
    let app = router::build(state);
    tracing::info!(%addr, "listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    tracing::info!("server stopped");
    if let Err(e) = state_views.flush(&pool).await {
        tracing::warn!(error = %e, "could not flush the last job views");
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
