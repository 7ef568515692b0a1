//! Catalog statistics (every minute): recomputes the sitemap's shard bounds, so no sitemap
//! request has to walk a million rows.

use crate::catalog::query;
use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "15 * * * * *";

pub static TASK: Task = Task {
    name: "catalog_stats",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    query::refresh_stats(&ctx.pool).await?;
    Ok(RunReport {
        duration: started.elapsed(),
        ..Default::default()
    })
}
