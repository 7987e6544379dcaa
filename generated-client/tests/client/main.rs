//! The client crate's integration tests, one binary with a module each:
//! building clients (`config`), decoding answers (`decode`), the one error
//! type every failure converts into (`errors`), reading status callbacks
//! (`events`), the TLS stack the features pick (`tls`), and verifying
//! signed callbacks (`webhook`).

mod config;
mod decode;
mod errors;
mod events;
mod tls;
mod webhook;
