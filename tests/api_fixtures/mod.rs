//! Fixtures shared by the API and intake tests: tenants and postings created through the real
//! paths (`tenancy::create`, `postings::save`).
#![allow(dead_code)]
#![allow(clippy::unwrap_used)]

use careers::postings::model::{
    JobType, PostingDraft, PostingStatus, Question, QuestionType, RemotePolicy,
};
use careers::postings::{self, PostingChange};
use careers::tenancy::{self, Tenant};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn tenant(pool: &PgPool, slug: &str, name: &str) -> Tenant {
    tenancy::create(pool, slug, name, &[]).await.unwrap()
}

/// An open, published draft with a shown salary.
pub fn open_draft(title: &str) -> PostingDraft {
    PostingDraft {
        title: title.into(),
        description: format!("We are hiring a **{title}**. Work on interesting problems."),
        location: "Berlin, Germany".into(),
        remote_policy: RemotePolicy::Hybrid,
        job_type: JobType::FullTime,
        category: "Engineering".into(),
        salary_min: Some(Decimal::new(7_000_000, 2)),
        salary_max: Some(Decimal::new(9_000_000, 2)),
        salary_currency: Some("EUR".into()),
        status: PostingStatus::Open,
        ..Default::default()
    }
}

/// Saves `draft` for `tenant` through the one save path and returns the posting id.
pub async fn posting(pool: &PgPool, tenant: &Tenant, draft: PostingDraft) -> Uuid {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let saved = postings::save(&mut ttx, tenant.id, PostingChange::Create(draft))
        .await
        .unwrap();
    ttx.commit().await.unwrap();
    saved.posting.id
}

/// Changes a posting's status through the save path.
pub async fn set_status(pool: &PgPool, tenant: &Tenant, id: Uuid, status: PostingStatus) {
    let mut ttx = tenant.begin(pool).await.unwrap();
    postings::save(
        &mut ttx,
        tenant.id,
        PostingChange::SetStatus {
            id,
            expected_version: None,
            status,
        },
    )
    .await
    .unwrap();
    ttx.commit().await.unwrap();
}

pub fn question(name: &str, kind: QuestionType, required: bool, options: &[&str]) -> Question {
    Question {
        name: name.into(),
        label: format!("Question {name}"),
        kind,
        required,
        options: options.iter().map(|s| s.to_string()).collect(),
    }
}
