//! Applications in a tenant's schema: the public intake ([`intake`]) with its resume checks
//! ([`resume`]), and the HR pipeline ([`pipeline`]).

pub mod intake;
pub mod pipeline;
pub mod resume;
