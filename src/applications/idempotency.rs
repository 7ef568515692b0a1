//! `Idempotency-Key` for applications: a retried request with the same key gets the first
//! answer (even when both arrive at once: the key is claimed first in the application's
//! transaction, so the twin waits for it), and the same key with other data is refused (422).

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::intake::{ApplicationInput, IntakeError, Receipt};
use crate::tenancy::TenantTx;

/// A fingerprint of the request, so a reused idempotency key with other data is refused.
pub fn request_hash(job_id: Uuid, input: &ApplicationInput) -> String {
    let mut h = Sha256::new();
    for part in [
        job_id.to_string().as_str(),
        input.email.trim().to_lowercase().as_str(),
        input.first_name.trim(),
        input.last_name.trim(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    if let Some(r) = &input.resume {
        h.update(Sha256::digest(&r.data));
    }
    hex::encode(h.finalize())
}

const IDEMPOTENCY_SCOPE: &str = "apply";

fn idem_key(job_id: Uuid, key: &str) -> String {
    format!("{job_id}:{key}")
}

#[derive(sqlx::FromRow)]
struct StoredKey {
    request_hash: String,
    body: sqlx::types::Json<Receipt>,
}

pub async fn replay(
    pool: &PgPool,
    job_id: Uuid,
    key: &str,
    hash: &str,
) -> Result<Option<Receipt>, IntakeError> {
    let stored: Option<StoredKey> = sqlx::query_as(
        "SELECT request_hash, body FROM public.idempotency_keys WHERE scope = $1 AND key = $2",
    )
    .bind(IDEMPOTENCY_SCOPE)
    .bind(idem_key(job_id, key))
    .fetch_optional(pool)
    .await?;
    match stored {
        None => Ok(None),
        Some(s) if s.request_hash == hash => Ok(Some(Receipt {
            replayed: true,
            ..s.body.0
        })),
        Some(_) => Err(IntakeError::KeyReused),
    }
}

/// Claims `key` for this request in the application's transaction: false when another request
/// holds it. An insert of the same key waits for the transaction that inserted it first, so a
/// concurrent twin blocks here until the first commits (then this returns false and the caller
/// replays the first's receipt) or rolls back (then this one claims the key and proceeds).
pub async fn claim(ttx: &mut TenantTx, job_id: Uuid, key: &str, hash: &str) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO public.idempotency_keys (key, scope, request_hash, status, body)
         VALUES ($1, $2, $3, 0, 'null') ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(idem_key(job_id, key))
    .bind(IDEMPOTENCY_SCOPE)
    .bind(hash)
    .execute(&mut **ttx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Stores the answer under the key [`claim`] took, in the same transaction.
pub async fn record(
    ttx: &mut TenantTx,
    job_id: Uuid,
    key: &str,
    receipt: &Receipt,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE public.idempotency_keys SET status = 201, body = $3 WHERE scope = $2 AND key = $1",
    )
    .bind(idem_key(job_id, key))
    .bind(IDEMPOTENCY_SCOPE)
    .bind(sqlx::types::Json(receipt))
    .execute(&mut **ttx)
    .await?;
    Ok(())
}
