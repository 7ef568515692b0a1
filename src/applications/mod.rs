//! Applications in a tenant's schema: the public intake ([`intake`]), the fields of its form
//! ([`form`]), the checks it runs ([`validate`], [`resume`]) and its retries
//! ([`idempotency`]); and the HR pipeline ([`pipeline`]).

pub mod form;
pub mod idempotency;
pub mod intake;
pub mod notify;
pub mod pending_resume;
pub mod pipeline;
pub mod resume;
pub mod validate;
