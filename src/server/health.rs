//! Liveness, readiness and metrics endpoints.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::state::AppState;

/// `GET /healthz`: the process is up.
pub async fn healthz() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        "ok\n",
    )
}

/// `GET /readyz`: the database answers and this process's search index is built.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.search.is_built() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            "search index building or catching up\n",
        );
    }
    // Within a second whatever the database does: a pool that cannot hand out a connection or a
    // server that does not answer is "not ready" now, not after the acquire timeout.
    let probe = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool);
    match tokio::time::timeout(std::time::Duration::from_millis(800), probe)
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
    {
        Ok(_) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ready\n",
        ),
        Err(e) => {
            // An outage is logged once per burst (by `unavailable`), not once per probe.
            if crate::error::unavailable(&e).is_none() {
                tracing::warn!(error = %crate::error::loggable(&e), "readiness check failed");
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-store")],
                "database unavailable\n",
            )
        }
    }
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    state.metrics.set_gauge(
        "careers_http_requests_in_flight",
        "Requests being handled now (this one included); a shutdown drain waits for them.",
        super::IN_FLIGHT.load(std::sync::atomic::Ordering::SeqCst) as f64,
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
