//! Catalog reconcile (`CAREERS_RECONCILE_CRON`, default every 10 minutes): diff every tenant's
//! publishable postings against the catalog, repair drift, record the run, export gauges.

use crate::catalog::reconcile::{self, Options};
use crate::scheduler::{RunReport, Task, TaskContext};

pub static TASK: Task = Task {
    name: reconcile::TASK,
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

/// Run records older than this are pruned after each run.
const KEEP_RUNS_DAYS: i32 = 30;

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let report = reconcile::run(&ctx.pool, &Options::all("schedule")).await?;
    let m = &ctx.metrics;
    m.set_gauge(
        "careers_reconcile_drift_rows",
        "Catalog rows the last reconcile inserted, updated or deleted (0 when healthy).",
        report.totals.total() as f64,
    );
    m.set_gauge(
        "careers_reconcile_duration_seconds",
        "Duration of the last catalog reconcile.",
        report.duration.as_secs_f64(),
    );
    m.set_gauge(
        "careers_reconcile_failed_tenants",
        "Tenants the last catalog reconcile could not reconcile.",
        report.failures.len() as f64,
    );
    m.set_gauge(
        "careers_reconcile_tenants",
        "Tenants visited by the last catalog reconcile.",
        report.tenants.len() as f64,
    );
    m.set_gauge(
        "careers_reconcile_last_run_timestamp_seconds",
        "When the last catalog reconcile finished (Unix time).",
        chrono::Utc::now().timestamp() as f64,
    );
    if let Err(e) = reconcile::prune_runs(&ctx.pool, KEEP_RUNS_DAYS).await {
        tracing::warn!(error = %crate::error::loggable(&e), "could not prune old sync runs");
    }
    Ok(report.into())
}
