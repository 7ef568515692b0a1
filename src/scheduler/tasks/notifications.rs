//! Notifications (every minute): fans new applications out to the members who want to hear of
//! them and mails what is due ([`crate::applications::notify`]).

use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "30 * * * * *";

pub static TASK: Task = Task {
    name: "notifications",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let (tenants, sent, failed_tenants) = crate::applications::notify::run_all(
        &ctx.pool,
        &ctx.settings.public_url,
        chrono::Utc::now(),
    )
    .await?;
    Ok(RunReport {
        tenants,
        changed: sent.mails,
        failed_tenants,
        duration: started.elapsed(),
        ..Default::default()
    })
}
