#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The folders are the crate's parts, each for one kind of reader (the
// repository's ARCHITECTURE.md says how a request and a callback go
// through them). The hand-written modules come before the generated one so
// that rustdoc lists the constructors a user wants ahead of progenitor's
// `Client::new`.
mod api;
mod callbacks;
mod moderation;
mod transport;
mod wire;

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use api::conference::{ConferenceRef, Conferences, PauseBehavior, RecordingRef, Recordings};
pub use api::config::{
    ClientConfig, ClientState, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    ENV_API_TOKEN, ENV_PROJECT_ID, ENV_SPACE, Retries, Secret, USER_AGENT,
};
pub use api::dial::AddParticipant;
pub use api::list::Participants;
pub use api::participant::ParticipantRef;
pub use callbacks::{events, webhook};
pub use generated::{Client, ClientInfo, ResponseValue, builder, types};
// The spec's facts as data: what a server built on these types (the fake)
// routes and reads requests by; the client uses them inside.
#[cfg(feature = "fake")]
pub use generated::spec_facts;
#[cfg(not(feature = "fake"))]
pub(crate) use generated::spec_facts;
pub use moderation::fanout::{self, FanOut, Report};
pub use moderation::roster::{self, Roster};
pub use transport::error::Error;
pub use transport::outcome::ApiError;
pub use transport::retry::MAX_RETRY_AFTER;
pub use types::ParticipantStatus;
pub use wire::date::Rfc2822Date;
pub mod form {
    //! Form bodies: the array type of a form field ([`Repeated`]), the
    //! trait of the generated types a form reads into ([`Schema`]), and why
    //! a form is not one ([`FormError`]). With the `fake` feature, the
    //! reader a server takes requests with, which refuses unknown fields.
    #[cfg(feature = "fake")]
    pub use crate::wire::form::{Field, Unknown, decode, read};
    pub use crate::wire::form::{FormError, Repeated, Schema};
}
pub use wire::http_url::{HttpUrl, HttpUrlOrEmpty, UrlError};
pub use wire::ids::Patterned;
