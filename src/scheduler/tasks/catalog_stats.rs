//! Catalog statistics (every minute): recomputes the unfiltered counts and facets that broad
//! public queries read, so no request has to count a million rows.

use crate::catalog::query;
use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "15 * * * * *";

pub static TASK: Task = Task {
    name: "catalog_stats",
    run: |ctx| Box::pin(run(ctx)),
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    query::refresh_stats(&ctx.pool, &ctx.aggregates).await?;
    Ok(RunReport {
        duration: started.elapsed(),
        ..Default::default()
    })
}
