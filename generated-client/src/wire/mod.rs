//! The types the generator maps the spec's strings to, and the form
//! encoding: dates ([`date`]), URLs ([`http_url`]), ids ([`ids`]), the
//! participant status's meaning ([`status`]), and form bodies ([`form`]).

pub(crate) mod date;
pub(crate) mod form;
pub(crate) mod http_url;
pub(crate) mod ids;
pub(crate) mod status;
