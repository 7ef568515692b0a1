//! `TenantTx`: a transaction whose search_path is one tenant's schema alone, transaction-local.

use std::ops::{Deref, DerefMut};

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use super::SchemaName;

/// A database transaction scoped to one tenant's schema. Every tenant-scoped function takes one.
///
/// The search_path is set with `set_config(.., true)`, so it ends with the transaction and a
/// pooled connection never carries one tenant's path to the next borrower. `public` is not on the
/// path: public tables are always schema-qualified.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    schema: SchemaName,
}

impl TenantTx {
    /// Begins a transaction on `pool` scoped to `schema`.
    pub async fn begin(pool: &PgPool, schema: &SchemaName) -> sqlx::Result<Self> {
        let tx = pool.begin().await?;
        Self::from_transaction(tx, schema.clone()).await
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
        Ok(TenantTx { tx, schema })
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
