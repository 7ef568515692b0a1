//! The HTTP server: the route table ([`router`]), middleware, health and metrics, and the serve
//! loop: its connection limits and timeouts, and graceful shutdown with a deadline.

pub mod client_ip;
pub mod health;
pub mod middleware;
pub mod router;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::state::AppState;

/// Serves `state` on its configured address until Ctrl-C or SIGTERM, then shuts down within
/// `CAREERS_SHUTDOWN_TIMEOUT`: stops accepting, calls `on_shutdown` (which stops the scheduler),
/// lets in-flight requests finish, closes idle connections, and cuts what is left at the deadline.
pub async fn serve(state: AppState, on_shutdown: impl FnOnce()) -> anyhow::Result<()> {
    let addr = state.settings.addr;
    let listener = TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (is another server running there? use --addr)")
    })?;
    tracing::info!(%addr, "listening on http://{addr}");
    let (views, pool, limits) = (
        state.views.clone(),
        state.pool.clone(),
        state.settings.limits.clone(),
    );
    let app = router::build(state);
    let graceful = run(listener, app, &limits, shutdown_signal()).await;
    on_shutdown();
    drain(graceful, limits.shutdown).await;
    tracing::info!("server stopped");
    if let Err(e) = views.flush(&pool).await {
        tracing::warn!(error = %crate::error::loggable(&e), "could not flush the last job views");
    }
    Ok(())
}

/// Accepts connections on `listener` and serves `app` on each until `stop` resolves; returns the
/// connections still open, to [`drain`].
///
/// Each connection must send a request's headers within `header_read` — from the moment it opens
/// and again after each response, so an idle keep-alive connection closes after the same time (a
/// slow-header client cannot hold a connection open). At most `max_connections` are open at once;
/// past that the loop stops accepting and new clients wait in the kernel's backlog.
pub async fn run(
    listener: TcpListener,
    app: axum::Router,
    limits: &crate::config::Limits,
    stop: impl Future<Output = ()>,
) -> GracefulShutdown {
    // HTTP/1.1 only (what browsers and proxies speak to an origin without TLS): its header timer
    // starts as soon as the connection is open, so a client that sends nothing at all is closed
    // too (protocol detection for HTTP/2 would first wait for bytes with no deadline).
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections as usize));
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: keep serving
                    // the open connections and try again shortly.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                    req
                });
        let service = hyper_util::service::TowerToHyperService::new(service);
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            // Errors here are the client's (reset, header timeout, malformed request).
            let _ = watcher.watch(conn).await;
            drop(permit);
        });
    }
    drop(listener);
    graceful
}

/// Requests being handled now (counted by [`middleware::in_flight`]), and a wake-up for the drain
/// when the count reaches zero.
pub(crate) static IN_FLIGHT: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);
pub(crate) static IDLE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Resolves once no request is being handled.
async fn no_request_in_flight() {
    use std::sync::atomic::Ordering;
    loop {
        let idle = IDLE.notified();
        if IN_FLIGHT.load(Ordering::SeqCst) == 0 {
            return;
        }
        idle.await;
    }
}

/// Waits for the connections `graceful` watches to finish their in-flight requests, at most
/// `deadline`. Connections with no request in flight — idle keep-alive ones, and ones still
/// sending headers — do not hold the exit: once the last request is answered the rest are cut.
pub async fn drain(graceful: GracefulShutdown, deadline: Duration) {
    let open = graceful.count();
    tracing::info!(
        open,
        deadline_secs = deadline.as_secs_f64(),
        "shutting down: finishing in-flight requests"
    );
    let finished = async {
        tokio::select! {
            () = graceful.shutdown() => {},
            () = no_request_in_flight() => {},
        }
    };
    if tokio::time::timeout(deadline, finished).await.is_err() {
        tracing::warn!(
            deadline_secs = deadline.as_secs_f64(),
            "connections still open at the shutdown deadline were cut"
        );
    }
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
}
