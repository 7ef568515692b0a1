//! Session purge (hourly): deletes expired admin sessions (they are never honoured anyway) and
//! resumes kept for an apply form's next try longer than a day.

use crate::scheduler::{RunReport, Task, TaskContext};

pub const CRON: &str = "0 41 * * * *";

pub static TASK: Task = Task {
    name: "session_purge",
    run: |ctx| Box::pin(run(ctx)),
    per_instance: false,
};

async fn run(ctx: TaskContext) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    crate::auth::session::delete_expired(&ctx.pool).await?;
    let pruned = crate::applications::pending_resume::prune(&ctx.pool).await?;
    Ok(RunReport {
        changed: pruned,
        duration: started.elapsed(),
        ..Default::default()
    })
}
