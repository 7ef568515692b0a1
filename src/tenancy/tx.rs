//! `TenantTx`: a transaction whose search_path is one tenant's schema alone, transaction-local.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::SchemaName;

/// How many transactions one tenant may have open at once in this process, and how long the next
/// one waits for a turn ([`limit_tenant_share`]). Unset (commands, tests that do not set it): no
/// limit.
struct Share {
    per_tenant: u32,
    wait: Duration,
    tenants: Mutex<HashMap<String, Arc<Semaphore>>>,
}

static SHARE: OnceLock<Share> = OnceLock::new();

/// Caps the transactions any one tenant holds at once at `per_tenant` (the request pool's share
/// one tenant may use); a request over it waits `wait`, then fails as a pool timeout (503). A
/// tenant whose tables are locked or slow thus ties up at most `per_tenant` connections, and every
/// other tenant keeps the rest of the pool. Set once per process (`serve`); later calls are
/// ignored.
pub fn limit_tenant_share(per_tenant: u32, wait: Duration) {
    let _ = SHARE.set(Share {
        per_tenant: per_tenant.max(1),
        wait,
        tenants: Mutex::new(HashMap::new()),
    });
}

async fn tenant_turn(schema: &SchemaName) -> sqlx::Result<Option<OwnedSemaphorePermit>> {
    let Some(share) = SHARE.get() else {
        return Ok(None);
    };
    let semaphore = {
        let mut tenants = share.tenants.lock().unwrap_or_else(|e| e.into_inner());
        tenants
            .entry(schema.as_str().to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(share.per_tenant as usize)))
            .clone()
    };
    match tokio::time::timeout(share.wait, semaphore.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        // Timed out (or, never, closed): the tenant has its whole share busy.
        _ => Err(sqlx::Error::PoolTimedOut),
    }
}

/// A database transaction scoped to one tenant's schema. Every tenant-scoped function takes one.
///
/// The search_path is set with `set_config(.., true)`, so it ends with the transaction and a
/// pooled connection never carries one tenant's path to the next borrower. `public` is not on the
/// path: public tables are always schema-qualified.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    schema: SchemaName,
    /// This transaction's turn in its tenant's share; released when the transaction ends.
    _turn: Option<OwnedSemaphorePermit>,
}

impl TenantTx {
    /// Begins a transaction on `pool` scoped to `schema`.
    pub async fn begin(pool: &PgPool, schema: &SchemaName) -> sqlx::Result<Self> {
        let turn = tenant_turn(schema).await?;
        let tx = pool.begin().await?;
        let mut ttx = Self::from_transaction(tx, schema.clone()).await?;
        ttx._turn = turn;
        Ok(ttx)
    }

    /// Scopes an already open transaction to `schema`.
    pub async fn from_transaction(
        mut tx: Transaction<'static, Postgres>,
        schema: SchemaName,
    ) -> sqlx::Result<Self> {
        sqlx::query("SELECT set_config('search_path', $1, true)")
            .bind(schema.quoted())
            .execute(&mut *tx)
            .await?;
        Ok(TenantTx {
            tx,
            schema,
            _turn: None,
        })
    }

    pub fn schema(&self) -> &SchemaName {
        &self.schema
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl Deref for TenantTx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}
