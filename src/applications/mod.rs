//! Applications in a tenant's schema: the HR pipeline ([`pipeline`]).

pub mod pipeline;
