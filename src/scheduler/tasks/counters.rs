//! Counter flush (every minute): adds the job views counted in memory to the catalog.

use crate::scheduler::{RunReport, Task};
use crate::server::AppState;

pub const CRON: &str = "30 * * * * *";

pub static TASK: Task = Task {
    name: "counter_flush",
    run: |state| Box::pin(run(state)),
};

async fn run(state: AppState) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let views = state.views.flush(&state.pool).await?;
    Ok(RunReport {
        changed: views.max(0) as u64,
        duration: started.elapsed(),
        ..Default::default()
    })
}
