//! Applications: the public intake into the owning tenant's schema ([`intake`]) and the resume
//! checks it relies on ([`resume`]).

pub mod intake;
pub mod resume;
