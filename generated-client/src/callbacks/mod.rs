//! Hearing the conference: checking a callback's signature
//! ([`webhook`]) and reading its event ([`events`]). Nothing here sends a
//! request.

pub mod events;
pub mod webhook;
