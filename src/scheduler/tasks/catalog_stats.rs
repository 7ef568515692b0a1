//! Catalog statistics (every minute): recomputes the unfiltered counts and facets that broad
//! public queries read, so no request has to count a million rows.

use crate::catalog::query;
use crate::scheduler::{RunReport, Task};
use crate::server::AppState;

pub const CRON: &str = "15 * * * * *";

pub static TASK: Task = Task {
    name: "catalog_stats",
    run: |state| Box::pin(run(state)),
};

async fn run(state: AppState) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    query::refresh_stats(&state.pool).await?;
    Ok(RunReport {
        duration: started.elapsed(),
        ..Default::default()
    })
}
