//! A client for the conference participant operations of SignalWire's
//! Compatibility (LaML) REST API, which are also Twilio's 2010-04-01 API:
//! **list** a conference's participants, **retrieve** one, **update** one
//! (mute, hold with music, announce, coach, barge, end-on-exit...) and
//! **kick** one.
//!
//! The HTTP layer is generated at build time from `openapi/participants.yaml`
//! by progenitor; this crate adds what a generator cannot: constructors and
//! authentication, types that tolerate what real servers answer, checks
//! that refuse bad input before anything is sent, and one error type.
//!
//! # Quickstart
//!
//! ```no_run
//! use signalwire_participants::{Client, types::UpdateParticipantRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN.
//! let client = Client::from_env()?;
//! let agent = client.participant(
//!     "b3877c40-da60-4998-90ad-b792e98472ae", // the conference
//!     "b3877c40-da60-4998-90ad-b792e98472ca", // the participant's call
//! )?;
//!
//! // Mute them.
//! let now = agent.mute().await?;
//! assert_eq!(now.muted, Some(true));
//!
//! // Put them on hold with music.
//! agent.hold_with_music("https://example.com/hold.mp3").await?;
//!
//! // Let a supervisor coach them: only the agent hears the supervisor.
//! let supervisor = client.participant(
//!     "b3877c40-da60-4998-90ad-b792e98472ae",
//!     "b3877c40-da60-4998-90ad-b792e98472c0",
//! )?;
//! supervisor
//!     .update(&UpdateParticipantRequest::coach(agent.call_sid())?)
//!     .await?;
//!
//! // Or change several things at once; only the fields set are sent.
//! supervisor
//!     .update(&UpdateParticipantRequest {
//!         muted: Some(false),
//!         end_conference_on_exit: Some(true),
//!         ..Default::default()
//!     })
//!     .await?;
//!
//! // Everyone in the conference, fetched page by page as the stream is read
//! // (`.muted(true)`, `.hold(..)`, `.coaching(..)` filter; `.page()` reads
//! // one page with its paging fields).
//! use futures_util::TryStreamExt;
//! let everyone: Vec<_> = client
//!     .participants("b3877c40-da60-4998-90ad-b792e98472ae")?
//!     .page_size(100)
//!     .stream()
//!     .try_collect()
//!     .await?;
//!
//! // Read the state back.
//! let p = agent.retrieve().await?;
//! println!(
//!     "status {:?}, created {:?} ({:?})",
//!     p.status.map(|s| s.to_string()),
//!     p.date_created.as_ref().map(|d| d.raw()),
//!     p.date_created.as_ref().and_then(|d| d.instant()),
//! );
//! # Ok(())
//! # }
//! ```
//!
//! A participant leaves with `agent.kick().await?`; afterwards retrieving,
//! updating or kicking them again answers 404.
//!
//! # Clients
//!
//! - [`Client::signalwire`]: a space, a project id and an API token.
//! - [`Client::twilio`]: an account SID and an auth token.
//! - [`Client::from_env`]: a space from `SIGNALWIRE_*` variables.
//! - [`Client::with_base_url`]: any base URL (a proxy, a fake server);
//!   plain `http` only on loopback.
//! - [`ClientConfig`]: the same, with timeouts and the user agent changed.
//!
//! Credentials travel only in an `Authorization` header marked sensitive;
//! no `Debug` output or error message shows them.
//!
//! # TLS
//!
//! The `rustls` feature (the default) uses rustls with the ring crypto
//! provider and the system's root certificates, set up for each client
//! (nothing process-wide); `native-tls` uses the platform's TLS instead
//! (OpenSSL on Linux), and wins when both are on. With the default, reqwest itself has
//! no default provider in your build: a bare `reqwest::Client::new()` of your
//! own then needs `rustls::crypto::ring::default_provider().install_default()`
//! first (or reqwest's `rustls` feature).
//!
//! # Errors
//!
//! Every call returns [`Error`]: an argument refused before sending
//! (naming the parameter), the provider's error answer ([`ApiError`], with
//! its `code`, or the text of a non-JSON body), a transport failure, or a
//! success body that is not a participant. [`Error::is_retryable`] says
//! whether trying again later may help.
//!
//! # What goes on the wire
//!
//! Like twilio-python 9.x: `Accept: application/json`; a form body with only
//! the fields the caller set, booleans as `true`/`false`; a label in the
//! path percent-encoded (`%20` for a space). No `api-version` header.
//!
//! # Retries
//!
//! Off by default; [`ClientConfig::retries`] turns them on with a number of
//! attempts and a time budget. Retried: 429, 502, 503 and 504 answers, and a
//! connection that could not be made (nothing was sent). Never retried: any
//! other answer, a 4xx other than 429 in particular, and a failure after the
//! request went out (a timeout, a connection cut mid-answer). The wait is the
//! answer's `Retry-After` (seconds or an HTTP date) or else an exponential
//! backoff from 100 ms to 5 s with jitter; no retry starts once the budget has
//! gone by, and a `Retry-After` that ends past it stops the retries (the call
//! returns that answer). A call therefore lasts at most the budget plus its
//! last try (itself at most the request timeout, 30 s by default). Every
//! operation can be repeated safely:
//!
//! | operation | on a retry |
//! |---|---|
//! | list, retrieve | reads: the same answer, or a newer state |
//! | update | sets fields to values, so applying it twice is applying it once; the answer is the participant after it |
//! | kick | after a 502, 503 or 504 (which a proxy may send although the service removed the participant), a 404 on the retry means the participant is gone: the kick succeeds. A 404 on the first try, or after a 429 (never processed), is an error as usual |
//!
//! # Tracing
//!
//! With the `tracing` feature, every call is one span named
//! `signalwire_participants` (level INFO) with these fields: `operation` (the
//! spec's operationId: `retrieve_participant`...), `http.method`,
//! `http.route` (the path template, never the filled path: a label can be a
//! person's name), `http.status`, `attempts`, and `error_code` (the provider's
//! code, on an error answer). Each retry is a DEBUG event in it with the
//! attempt, the status that failed (0: no connection) and the wait. No
//! credential, header value, form field or body is ever recorded.
//!
//! # Redirects
//!
//! No redirect is ever followed, not even a GET to the same host: a 3xx
//! answer fails the call with [`Error::Redirect`], which names the status and
//! the `Location`. Nothing is sent to that location, so an update answered
//! with a redirect was not applied (and never silently became a GET). The
//! rule holds for the helpers and the generated builders alike, because every
//! request goes out through the HTTP client [`ClientConfig::build`] made.
//!
//! # The generated API
//!
//! The generated builders stay available for anything the helpers do not
//! cover ([`Client::update_participant`], [`Client::retrieve_participant`],
//! [`types`]). Every check runs in the request hook both paths share, so the
//! builders refuse exactly what the helpers refuse, before anything is sent:
//! ids that do not match the spec's patterns, a relative or non-http(s)
//! `HoldUrl`/`AnnounceUrl`/`WaitUrl` (an empty `WaitUrl` means silence and
//! is allowed), and `Coaching=true` without `CallSidToCoach`. Their errors are
//! progenitor's ([`progenitor_client::Error`]); `?` turns them into [`Error`],
//! the same value the helpers return.
//!
//! ```
//! use signalwire_participants::{Client, Error, types::UpdateParticipantRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::twilio("AC0123456789abcdef0123456789abcdef", "token")?;
//! let sent = client
//!     .update_participant()
//!     .account_sid("AC0123456789abcdef0123456789abcdef")
//!     .conference_sid("CF0123456789abcdef0123456789abcdef")
//!     .call_sid("agent one")
//!     .body(UpdateParticipantRequest { hold: Some(true), hold_url: Some("/hold.mp3".into()), ..Default::default() })
//!     .send()
//!     .await;
//! let err = Error::from(sent.unwrap_err());
//! assert_eq!(err.to_string(), "invalid HoldUrl: `/hold.mp3` is not an absolute URL (relative URL without a base)");
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
//! ```

#![warn(missing_docs)]

// The hand-written modules come first so that rustdoc lists the
// constructors a user wants ahead of progenitor's `Client::new`.
mod config;
mod date;
mod error;
mod hooks;
mod list;
mod participant;
mod status;

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use config::{
    ClientConfig, ClientState, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    ENV_API_TOKEN, ENV_PROJECT_ID, ENV_SPACE, Retries, Secret, USER_AGENT,
};
pub use date::Rfc2822Date;
pub use error::{ApiError, Error};
pub use generated::{Client, ClientInfo, ResponseValue, builder, spec_facts, types};
pub use list::Participants;
pub use participant::ParticipantRef;
pub use status::ParticipantStatus;
