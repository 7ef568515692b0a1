//! Counter flush (every minute, on every instance: each flushes the views it counted itself, so
//! it is not claimed): adds the job views counted in memory to the catalog.

use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "30 * * * * *";

pub static TASK: Task = Task {
    name: "counter_flush",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: true,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let views = ctx.views.flush(&ctx.pool).await?;
    Ok(RunReport {
        changed: views.max(0) as u64,
        duration: started.elapsed(),
        ..Default::default()
    })
}
