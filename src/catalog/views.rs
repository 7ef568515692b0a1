//! Job page views: counted in memory per process and added to `public.job_catalog.view_count` by
//! the scheduler's counter flush, so a page view never writes to the database on the request path.
//! A sync never touches the counter; views of a job whose row left the catalog are dropped.

use std::collections::HashMap;
use std::sync::Mutex;

use sqlx::PgPool;
use uuid::Uuid;

/// Views counted since the last flush.
#[derive(Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<Uuid, i64>>,
}

impl ViewCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one view of `job_id`.
    pub fn record(&self, job_id: Uuid) {
        if let Ok(mut m) = self.pending.lock() {
            *m.entry(job_id).or_default() += 1;
        }
    }

    /// Adds the pending views to the catalog in one statement; returns how many views were
    /// written. On failure the views are put back for the next flush.
    pub async fn flush(&self, pool: &PgPool) -> sqlx::Result<i64> {
        let batch: HashMap<Uuid, i64> = match self.pending.lock() {
            Ok(mut m) => std::mem::take(&mut *m),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let (ids, counts): (Vec<Uuid>, Vec<i64>) = batch.iter().map(|(k, v)| (*k, *v)).unzip();
        let result = sqlx::query(
            "UPDATE public.job_catalog c SET view_count = c.view_count + d.n
               FROM unnest($1::uuid[], $2::bigint[]) AS d(job_id, n)
              WHERE c.job_id = d.job_id",
        )
        .bind(&ids)
        .bind(&counts)
        .execute(pool)
        .await;
        match result {
            Ok(_) => Ok(counts.iter().sum()),
            Err(e) => {
                if let Ok(mut m) = self.pending.lock() {
                    for (id, n) in batch {
                        *m.entry(id).or_default() += n;
                    }
                }
                Err(e)
            }
        }
    }
}
