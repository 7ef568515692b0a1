//! The in-process scheduler: one cadence table ([`cadence`]), one file per task in [`tasks`].
//!
//! Schedules are cron expressions in UTC (seconds first, as the `cron` crate reads them; a
//! five-field expression gets `0` seconds). Each entry runs in its own loop: sleep until the next
//! slot, claim `(task, slot)` in `public.scheduler_claims` with `INSERT … ON CONFLICT DO NOTHING`,
//! and run the task only if this instance won the claim — so with several `serve` processes on one
//! database every firing runs exactly once. Slots missed while the process was down, or while a
//! long run was still going, are skipped, not replayed: every task here converges on its next run.
//!
//! Tasks run tenant by tenant (one `TenantTx` each), record failures per tenant and carry on; a
//! failing run is logged and the loop goes on to the next slot. Tests drive [`Scheduler::run_slot`]
//! directly with chosen slots, never the clock.

pub mod tasks;

use std::str::FromStr;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use futures::future::BoxFuture;
use std::sync::Arc;

use sqlx::PgPool;
use tokio::task::JoinHandle;

use crate::catalog::reconcile::Report;
use crate::catalog::views::ViewCounter;
use crate::config::Settings;
use crate::metrics::Metrics;

/// What a task works with: the database, the settings and this process's in-memory parts (never
/// the HTTP state).
#[derive(Clone)]
pub struct TaskContext {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    /// Job views counted in this process and not yet flushed.
    pub views: Arc<ViewCounter>,
    pub metrics: Arc<Metrics>,
}

/// A recurring task: a name (the claim key and the `sync_runs.task` value) and what it does.
pub struct Task {
    pub name: &'static str,
    pub run: fn(TaskContext) -> BoxFuture<'static, anyhow::Result<RunReport>>,
    /// Work on this process's own state (its unflushed view counts): runs on every instance at
    /// every slot, unclaimed. Shared work (the database's) is claimed and runs once per slot.
    pub per_instance: bool,
}

/// What one run of a task did, in terms every task can fill in.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// Tenants visited.
    pub tenants: usize,
    /// Rows the run changed (for reconcile: drift repaired).
    pub changed: u64,
    /// Slugs of the tenants that failed and were skipped.
    pub failed_tenants: Vec<String>,
    pub duration: std::time::Duration,
    /// The catalog's detailed report, for tasks that reconcile or sweep the catalog.
    pub catalog: Option<Report>,
}

impl From<Report> for RunReport {
    fn from(r: Report) -> Self {
        RunReport {
            tenants: r.tenants.len(),
            changed: r.totals.total(),
            failed_tenants: r.failures.iter().map(|f| f.slug.clone()).collect(),
            duration: r.duration,
            catalog: Some(r),
        }
    }
}

/// A line of the cadence table: a task and its schedule (`None` = switched off).
pub struct Entry {
    pub task: &'static Task,
    pub cron: Option<String>,
}

/// The cadence table: every recurring task and when it runs. Adding a task is one line here plus
/// its file in `tasks/`.
pub fn cadence(settings: &Settings) -> Vec<Entry> {
    vec![
        Entry::new(&tasks::reconcile::TASK, settings.reconcile_cron.as_deref()),
        Entry::new(&tasks::expiry_sweep::TASK, Some(tasks::expiry_sweep::CRON)),
        Entry::new(
            &tasks::catalog_stats::TASK,
            Some(tasks::catalog_stats::CRON),
        ),
        Entry::new(
            &tasks::catalog_changes_prune::TASK,
            Some(tasks::catalog_changes_prune::CRON),
        ),
        Entry::new(&tasks::counters::TASK, Some(tasks::counters::CRON)),
        Entry::new(
            &tasks::notifications::TASK,
            Some(tasks::notifications::CRON),
        ),
        Entry::new(
            &tasks::session_purge::TASK,
            Some(tasks::session_purge::CRON),
        ),
    ]
}

impl Entry {
    pub fn new(task: &'static Task, cron: Option<&str>) -> Self {
        Entry {
            task,
            cron: cron.map(str::to_string),
        }
    }
}

/// Parses a cron expression (UTC). Five fields (no seconds) are accepted and run at second 0.
pub fn parse_schedule(expr: &str) -> anyhow::Result<cron::Schedule> {
    let expr = expr.trim();
    let full = if expr.split_whitespace().count() == 5 {
        format!("0 {expr}")
    } else {
        expr.to_string()
    };
    cron::Schedule::from_str(&full).with_context(|| {
        format!(
            "{expr:?} is not a cron expression (sec min hour day month weekday, e.g. \"0 */10 * * * *\")"
        )
    })
}

/// One scheduler instance: what its tasks work with; its settings name the instance that claims
/// a slot.
#[derive(Clone)]
pub struct Scheduler {
    ctx: TaskContext,
}

impl Scheduler {
    pub fn new(ctx: impl Into<TaskContext>) -> Self {
        Scheduler { ctx: ctx.into() }
    }

    pub fn instance(&self) -> &str {
        &self.ctx.settings.instance
    }

    /// Claims `(task, slot)` for this instance; false when another instance already has it.
    pub async fn claim(&self, task: &str, slot: DateTime<Utc>) -> sqlx::Result<bool> {
        let claimed: Option<i32> = sqlx::query_scalar(
            "INSERT INTO public.scheduler_claims (task, slot, claimed_by) VALUES ($1, $2, $3)
             ON CONFLICT (task, slot) DO NOTHING RETURNING 1",
        )
        .bind(task)
        .bind(slot.trunc_subsecs(0))
        .bind(self.instance())
        .fetch_optional(&self.ctx.pool)
        .await?;
        Ok(claimed.is_some())
    }

    /// Runs `task` for `slot` if this instance wins the claim (or the task is per instance);
    /// `None` when another instance already ran (or is running) that slot.
    pub async fn run_slot(
        &self,
        task: &Task,
        slot: DateTime<Utc>,
    ) -> anyhow::Result<Option<RunReport>> {
        if task.per_instance {
            return Ok(Some((task.run)(self.ctx.clone()).await?));
        }
        if !self
            .claim(task.name, slot)
            .await
            .with_context(|| format!("claiming {} at {slot}", task.name))?
        {
            return Ok(None);
        }
        let report = (task.run)(self.ctx.clone()).await?;
        // Claims are only needed while instances might race for the same slot.
        if let Err(e) = sqlx::query(
            "DELETE FROM public.scheduler_claims WHERE task = $1 AND slot < now() - interval '7 days'",
        )
        .bind(task.name)
        .execute(&self.ctx.pool)
        .await
        {
            tracing::warn!(task = task.name, error = %crate::error::loggable(&e), "could not prune old scheduler claims");
        }
        Ok(Some(report))
    }

    /// Starts one loop per scheduled entry of the cadence table. Fails before starting anything
    /// when a schedule does not parse. Abort the returned handles to stop.
    pub fn start(self) -> anyhow::Result<Vec<JoinHandle<()>>> {
        let mut loops = Vec::new();
        for entry in cadence(&self.ctx.settings) {
            let Some(expr) = entry.cron else {
                tracing::info!(task = entry.task.name, "scheduled task is switched off");
                continue;
            };
            let schedule = parse_schedule(&expr)
                .with_context(|| format!("schedule of the {} task", entry.task.name))?;
            loops.push((entry.task, schedule));
        }
        Ok(loops
            .into_iter()
            .map(|(task, schedule)| tokio::spawn(self.clone().run_loop(task, schedule)))
            .collect())
    }

    async fn run_loop(self, task: &'static Task, schedule: cron::Schedule) {
        loop {
            let now = Utc::now();
            let Some(slot) = schedule.after(&now).next() else {
                tracing::info!(task = task.name, "schedule has no further slots");
                return;
            };
            tokio::time::sleep((slot - now).to_std().unwrap_or_default()).await;
            match self.run_slot(task, slot).await {
                Ok(Some(r)) => tracing::info!(
                    task = task.name,
                    %slot,
                    tenants = r.tenants,
                    changed = r.changed,
                    failures = r.failed_tenants.len(),
                    ms = r.duration.as_millis() as u64,
                    "scheduled task finished"
                ),
                Ok(None) => {
                    tracing::debug!(task = task.name, %slot, "slot claimed by another instance")
                }
                Err(e) => {
                    tracing::error!(task = task.name, %slot, error = %crate::error::loggable(e.as_ref()), "scheduled task failed")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_schedule_in_the_cadence_table_parses() {
        let settings = Settings::from_lookup(None, |_| None).unwrap();
        for entry in cadence(&settings) {
            let expr = entry.cron.unwrap();
            assert!(parse_schedule(&expr).is_ok(), "{}: {expr}", entry.task.name);
        }
    }

    #[test]
    fn schedules_are_utc_cron_with_optional_seconds() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 14, 3, 20).unwrap();
        let next = |e: &str| parse_schedule(e).unwrap().after(&t).next().unwrap();
        assert_eq!(
            next("0 */10 * * * *"),
            Utc.with_ymd_and_hms(2026, 11, 29, 14, 10, 0).unwrap()
        );
        assert_eq!(
            next("*/5 * * * *"),
            Utc.with_ymd_and_hms(2026, 11, 29, 14, 5, 0).unwrap()
        );
        assert_eq!(
            next(tasks::expiry_sweep::CRON),
            Utc.with_ymd_and_hms(2026, 11, 29, 14, 7, 0).unwrap()
        );
        let err = parse_schedule("every ten minutes").unwrap_err().to_string();
        assert!(err.contains("cron expression"), "{err}");
    }
}
