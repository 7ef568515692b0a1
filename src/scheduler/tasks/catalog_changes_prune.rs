//! Catalog change pruning (hourly): deletes the change sequence older than
//! [`crate::catalog::indexer::RETENTION`], recording how far it deleted, so an index offline for
//! longer knows to rebuild instead of missing changes.

use crate::catalog::indexer;
use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "0 23 * * * *";

pub static TASK: Task = Task {
    name: "catalog_changes_prune",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let changed = indexer::prune(&ctx.pool, indexer::RETENTION).await?;
    Ok(RunReport {
        changed,
        duration: started.elapsed(),
        ..Default::default()
    })
}
