//! The client crate's integration tests, one binary with a module each:
//! building clients (`config`), decoding answers (`decode`), and the TLS
//! stack the features pick (`tls`), and verifying signed callbacks
//! (`webhook`).

mod config;
mod decode;
mod events;
mod tls;
mod webhook;
