//! The HTTP server: the route table ([`router`]), middleware, health and metrics, and the serve
//! loop with graceful shutdown.

pub mod health;
pub mod middleware;
pub mod router;

use anyhow::Context;

use crate::state::AppState;

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
        tracing::warn!(error = %crate::error::loggable(&e), "could not flush the last job views");
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
