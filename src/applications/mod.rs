//! Applications in a tenant's schema: the public intake ([`intake`]), the fields of its form
//! ([`form`]) and the resume checks it relies on ([`resume`]); and the HR pipeline ([`pipeline`]).

pub mod form;
pub mod intake;
pub mod pipeline;
pub mod resume;
pub mod validate;
