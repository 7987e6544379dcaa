//! Hearing the conference: the status callbacks a provider sends to the
//! application, verified ([`crate::webhook`]) and read into the generated
//! [`ConferenceEvent`] (the spec's `x-webhooks`, D26 and D27), with a
//! function any framework can call and, with the `axum` feature, an
//! extractor.
//!
//! ```
//! use signalwire_participants::events::{self, Receiver};
//! use signalwire_participants::types::ConferenceEventName;
//! use signalwire_participants::webhook::Verifier;
//!
//! let verifier = Verifier::twilio("an auth token")?;
//! let body = b"AccountSid=AC0123456789abcdef0123456789abcdef\
//!     &ConferenceSid=CF0123456789abcdef0123456789abcdef\
//!     &StatusCallbackEvent=participant-mute&CallSid=CA0123456789abcdef0123456789abcdef\
//!     &Muted=true&SequenceNumber=4&Timestamp=Thu,+1+Jun+2017+20:48:32+%2B0000";
//! // The URL the provider was given (behind a proxy: the public one).
//! let url = "https://app.example.com/conference-events";
//! let mut headers = http::HeaderMap::new();
//! let signature = verifier.sign(url, body)?;
//! headers.insert("x-twilio-signature", signature.parse()?);
//!
//! let event = events::receive(&verifier, url, &headers, body)?;
//! assert_eq!(event.status_callback_event, ConferenceEventName::ParticipantMute);
//! assert_eq!(event.muted, Some(true));
//! assert_eq!(event.sequence_number, Some(4));
//!
//! // A forged body is refused before it is read.
//! let forged = b"AccountSid=AC0123456789abcdef0123456789abcdef\
//!     &ConferenceSid=CF0123456789abcdef0123456789abcdef&StatusCallbackEvent=participant-leave";
//! let err = events::receive(&verifier, url, &headers, forged).unwrap_err();
//! assert_eq!(err.status(), 403);
//! # let _ = Receiver::new(verifier, "https://app.example.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::types::ConferenceEvent;
use crate::webhook::{Scheme, Verifier, VerifyError};
use crate::wire::form::{self, FormError, Unknown};

/// A form that is not a conference event: which field, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a conference event: {0}")]
pub struct EventError(#[source] pub FormError);

impl ConferenceEvent {
    /// Reads an event from a POST's form body. Unknown fields are kept in
    /// `extra`; a missing `AccountSid`, `ConferenceSid` or
    /// `StatusCallbackEvent`, or a value not of its field's type, is an
    /// error that names the field.
    pub fn from_form(body: &[u8]) -> Result<Self, EventError> {
        form::decode(body, Unknown::Keep).map_err(EventError)
    }

    /// Reads an event from a GET's query string (without the `?`).
    pub fn from_query(query: &str) -> Result<Self, EventError> {
        Self::from_form(query.as_bytes())
    }
}

/// Why a callback was not taken: its signature (or size), or its content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The request is not one the provider signed for this URL, or it is
    /// too large to check.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// It is signed, but by a scheme that does not cover a form event
    /// ([`Scheme::covers_form_events`]): the same signature could have
    /// been made for another body.
    #[error("the callback is signed with {0}, which does not cover a form event")]
    Scheme(Scheme),
    /// It is signed, but it is not a conference event.
    #[error(transparent)]
    Event(#[from] EventError),
    /// The body could not be read (the connection failed).
    #[error("the callback's body could not be read: {0}")]
    Body(String),
}

impl ReceiveError {
    /// The status to answer with: 403 for a bad signature or a scheme that
    /// does not cover events, 413 for a body too large, 400 for a missing
    /// header or a malformed event, 500 for an empty key.
    pub fn status(&self) -> u16 {
        match self {
            ReceiveError::Verify(e) => e.status(),
            ReceiveError::Scheme(_) => 403,
            ReceiveError::Event(_) | ReceiveError::Body(_) => 400,
        }
    }
}

/// Verifies one callback and reads its event: the form body of a POST, or
/// (when the body is empty) the query string of a GET. `url` is the URL the
/// provider called, as the application states it (never one built from
/// `Host` or `X-Forwarded-*`); `body` the raw bytes, at most the verifier's
/// [`Verifier::max_body`].
pub fn receive(
    verifier: &Verifier,
    url: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<ConferenceEvent, ReceiveError> {
    let verified = verifier.verified(url, headers, body)?;
    if !verified.scheme.covers_form_events() {
        let scheme = verified.scheme;
        refused(url, &ReceiveError::Scheme(scheme));
        return Err(ReceiveError::Scheme(scheme));
    }
    let event = match verified.pairs {
        Some(pairs) if !body.is_empty() => {
            form::decode_parsed(body, pairs, Unknown::Keep).map_err(EventError)
        }
        _ if body.is_empty() => {
            let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
            ConferenceEvent::from_query(query.split('#').next().unwrap_or_default())
        }
        _ => ConferenceEvent::from_form(body),
    };
    event.map_err(|e| {
        let e = ReceiveError::Event(e);
        refused(url, &e);
        e
    })
}

/// Logs a callback that was signed but not taken (with the `tracing`
/// feature); the verifier logs the ones it refuses.
fn refused(url: &str, error: &ReceiveError) {
    #[cfg(feature = "tracing")]
    {
        let url = crate::webhook::shown(url);
        tracing::warn!(check = %error, http.status = error.status(), url = %url, "refused a callback");
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (url, error);
}

/// What an application needs to take callbacks: the verifier, and the
/// public origin the provider was given (`https://app.example.com`, behind
/// a proxy too). The URL checked is that origin followed by the path and
/// query of the request as received, so no header decides it.
#[derive(Clone, Debug)]
pub struct Receiver {
    verifier: Verifier,
    public_origin: String,
}

impl Receiver {
    /// A receiver for callbacks sent to `public_origin` (scheme, host and,
    /// if the provider was given one, port; a trailing `/` is dropped).
    pub fn new(verifier: Verifier, public_origin: impl Into<String>) -> Self {
        let public_origin = public_origin.into().trim_end_matches('/').to_string();
        Receiver {
            verifier,
            public_origin,
        }
    }

    /// The URL the provider called for a request whose path and query are
    /// `path_and_query` (`/events?x=1`).
    pub fn url_for(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.public_origin)
    }

    /// Verifies and reads one callback, as [`receive`] does.
    pub fn receive(
        &self,
        path_and_query: &str,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<ConferenceEvent, ReceiveError> {
        receive(&self.verifier, &self.url_for(path_and_query), headers, body)
    }

    /// The verifier (its body limit, say).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

#[cfg(feature = "axum")]
mod extract {
    //! The axum extractor: verify, then read, with a bounded body.

    use axum::extract::{FromRef, FromRequest, Request};
    use axum::response::{IntoResponse, Response};

    use super::{ReceiveError, Receiver};
    use crate::types::ConferenceEvent;
    use crate::webhook::VerifyError;

    /// A conference event whose signature was checked, taken from a request
    /// by axum. The router's state must give a [`Receiver`]
    /// (`FromRef`). A bad signature is answered 403, a missing header or a
    /// malformed event 400, a body over the limit 413, each with a line
    /// that says which check failed (never the key or the signature).
    #[derive(Clone, Debug, PartialEq)]
    pub struct VerifiedEvent(pub ConferenceEvent);

    /// The answer to a callback that was not taken.
    #[derive(Debug)]
    pub struct Rejection(pub ReceiveError);

    impl IntoResponse for Rejection {
        fn into_response(self) -> Response {
            let status = axum::http::StatusCode::from_u16(self.0.status())
                .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
            (status, format!("{}\n", self.0)).into_response()
        }
    }

    impl<S> FromRequest<S> for VerifiedEvent
    where
        S: Send + Sync,
        Receiver: FromRef<S>,
    {
        type Rejection = Rejection;

        async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
            let receiver = Receiver::from_ref(state);
            let (parts, body) = request.into_parts();
            let limit = receiver.verifier().body_limit();
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
                let inner = e.into_inner();
                let too_large = inner.is::<http_body_util::LengthLimitError>();
                Rejection(match too_large {
                    // More than the limit arrived: its length is not known.
                    true => ReceiveError::Verify(VerifyError::BodyTooLarge {
                        limit,
                        length: limit + 1,
                    }),
                    false => ReceiveError::Body(inner.to_string()),
                })
            })?;
            receiver
                .receive(path, &parts.headers, &bytes)
                .map(VerifiedEvent)
                .map_err(Rejection)
        }
    }
}

#[cfg(feature = "axum")]
pub use extract::{Rejection, VerifiedEvent};
