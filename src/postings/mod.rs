//! Job postings (the tenant's ATS side). Every create, update, status change and delete goes
//! through [`save`], which writes the posting and its public catalog row in the same transaction.

pub mod db;
pub mod model;
pub mod team;

use chrono::Utc;
use uuid::Uuid;

use crate::catalog::sync::{self, SyncAction};
use crate::error::FieldErrors;
use crate::tenancy::TenantTx;
use model::{Posting, PostingDraft, PostingStatus};

/// A write to a posting.
#[derive(Debug, Clone)]
pub enum PostingChange {
    /// Creates a posting (with `draft.id` when given, e.g. a CSV `job_id`).
    Create(PostingDraft),
    /// Replaces the editable fields. `expected_version` refuses the write when the posting changed
    /// since the author loaded it.
    Update {
        id: Uuid,
        expected_version: Option<i64>,
        draft: PostingDraft,
    },
    /// Publish, close, reopen or archive.
    SetStatus {
        id: Uuid,
        expected_version: Option<i64>,
        status: PostingStatus,
    },
    /// Soft delete: the posting keeps its applications but leaves every list and the catalog.
    Delete {
        id: Uuid,
        expected_version: Option<i64>,
    },
}

/// Why a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("posting not found")]
    NotFound,
    #[error("this posting was changed by someone else since you opened it (version {current})")]
    Stale { current: i64 },
    #[error("invalid posting")]
    Invalid(FieldErrors),
    #[error("a posting with id {0} already exists")]
    DuplicateId(Uuid),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The result of a save: the posting as stored and what the catalog did.
#[derive(Debug, Clone)]
pub struct Saved {
    pub posting: Posting,
    pub catalog: SyncAction,
}

/// The one write path for postings: applies `change` in `ttx` and, in the same transaction,
/// upserts or deletes the posting's catalog row. The caller commits.
pub async fn save(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    change: PostingChange,
) -> Result<Saved, SaveError> {
    let company = sync::lock_company(ttx, tenant_id)
        .await?
        .ok_or(SaveError::NotFound)?;
    let posting = match change {
        PostingChange::Create(draft) => {
            let draft = draft.validate().map_err(SaveError::Invalid)?;
            let id = draft.id.unwrap_or_else(Uuid::now_v7);
            let published_at = first_publication(None, &draft);
            match db::insert(ttx, id, &draft, published_at).await {
                Err(e) if crate::tenancy::is_unique_violation(&e) => {
                    return Err(SaveError::DuplicateId(id));
                }
                r => r?,
            }
        }
        PostingChange::Update {
            id,
            expected_version,
            draft,
        } => {
            let current = load_checked(ttx, id, expected_version).await?;
            let draft = draft.validate().map_err(SaveError::Invalid)?;
            let published_at = first_publication(current.published_at, &draft);
            db::update(ttx, id, &draft, published_at).await?
        }
        PostingChange::SetStatus {
            id,
            expected_version,
            status,
        } => {
            let current = load_checked(ttx, id, expected_version).await?;
            let draft = PostingDraft {
                status,
                published_at: None,
                ..current.to_draft()
            };
            let published_at = first_publication(current.published_at, &draft);
            db::update(ttx, id, &draft, published_at).await?
        }
        PostingChange::Delete {
            id,
            expected_version,
        } => {
            load_checked(ttx, id, expected_version).await?;
            db::soft_delete(ttx, id).await?
        }
    };
    let catalog = sync::sync_posting(ttx, &company, &posting).await?;
    Ok(Saved { posting, catalog })
}

async fn load_checked(
    ttx: &mut TenantTx,
    id: Uuid,
    expected: Option<i64>,
) -> Result<Posting, SaveError> {
    let current = db::get_for_update(ttx, id)
        .await?
        .ok_or(SaveError::NotFound)?;
    match expected {
        Some(v) if v != current.version => Err(SaveError::Stale {
            current: current.version,
        }),
        _ => Ok(current),
    }
}

/// `published_at` is set once, the first time a posting opens; an explicit value in the draft
/// (e.g. from an import) wins.
fn first_publication(
    existing: Option<chrono::DateTime<Utc>>,
    draft: &PostingDraft,
) -> Option<chrono::DateTime<Utc>> {
    draft
        .published_at
        .or(existing)
        .or_else(|| (draft.status == PostingStatus::Open).then(Utc::now))
}
