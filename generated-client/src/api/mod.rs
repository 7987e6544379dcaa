//! What a caller calls: building a client ([`config`]), finding a
//! conference and acting on it and its recordings ([`conference`]), naming
//! a participant and acting on it ([`participant`]), listing ([`list`]) and
//! dialing someone in ([`dial`]). Each is a thin layer over
//! the generated builders, which every call goes through.

pub(crate) mod conference;
pub(crate) mod config;
pub(crate) mod dial;
pub(crate) mod list;
pub(crate) mod participant;
