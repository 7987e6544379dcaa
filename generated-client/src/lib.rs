#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The hand-written modules come first so that rustdoc lists the
// constructors a user wants ahead of progenitor's `Client::new`.
mod config;
mod date;
mod dial;
mod error;
pub mod events;
pub mod fanout;
pub mod form;
mod hooks;
mod http_url;
mod list;
mod outcome;
mod participant;
mod retry;
pub mod roster;
mod status;
pub mod webhook;

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use config::{
    ClientConfig, ClientState, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    ENV_API_TOKEN, ENV_PROJECT_ID, ENV_SPACE, Retries, Secret, USER_AGENT,
};
pub use date::Rfc2822Date;
pub use dial::AddParticipant;
pub use error::{Error, Patterned};
pub use fanout::{FanOut, Report};
pub use generated::{Client, ClientInfo, ResponseValue, builder, spec_facts, types};
pub use http_url::{HttpUrl, HttpUrlOrEmpty, UrlError};
pub use list::Participants;
pub use outcome::ApiError;
pub use participant::ParticipantRef;
pub use retry::MAX_RETRY_AFTER;
pub use roster::Roster;
pub use types::ParticipantStatus;
