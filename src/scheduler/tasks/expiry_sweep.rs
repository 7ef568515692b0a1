//! Expiry sweep (every 15 minutes): closes open postings whose expiry has passed so their catalog
//! rows leave through the save path. See [`crate::catalog::expiry`] for why it closes the posting
//! instead of deleting the row.

use crate::catalog::expiry;
use crate::scheduler::{RunReport, Task, TaskContext};

/// Every 15 minutes, offset from the reconcile's round minutes.
pub const CRON: &str = "0 7/15 * * * *";

pub static TASK: Task = Task {
    name: expiry::TASK,
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let report = expiry::sweep(&ctx.pool, "schedule").await?;
    ctx.metrics.set_gauge(
        "careers_expiry_sweep_closed_postings",
        "Expired postings the last expiry sweep closed.",
        report.totals.deleted as f64,
    );
    ctx.metrics.set_gauge(
        "careers_expiry_sweep_failed_tenants",
        "Tenants the last expiry sweep could not sweep.",
        report.failures.len() as f64,
    );
    Ok(report.into())
}
