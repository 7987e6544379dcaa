//! What every request goes through and what can go wrong with it: the
//! request hook ([`hooks`]), the one retry policy ([`retry`]), what the hook
//! found out ([`outcome`]), and the one error type ([`error`]).

pub(crate) mod error;
pub(crate) mod hooks;
pub(crate) mod outcome;
pub(crate) mod retry;
