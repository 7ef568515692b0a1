//! Applications: the public intake into the owning tenant's schema ([`intake`]), the fields of
//! its form ([`form`]) and the resume checks it relies on ([`resume`]).

pub mod form;
pub mod intake;
pub mod resume;
