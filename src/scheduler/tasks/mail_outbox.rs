//! Mail outbox (every 20 seconds): sends queued mail (SMTP, or `.eml` files without
//! `CAREERS_SMTP_URL`); failures stay queued with backoff.

use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "*/20 * * * * *";

pub static TASK: Task = Task {
    name: "mail_outbox",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let sent = crate::mail::drain_outbox(&ctx.pool, &ctx.settings).await?;
    Ok(RunReport {
        changed: sent as u64,
        duration: started.elapsed(),
        ..Default::default()
    })
}
