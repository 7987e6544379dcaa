//! One error type for every call, with the provider's error body when
//! there is one and a plain-text fallback when there is not.

use std::fmt;

use crate::hooks::RedirectedRequest;
use crate::types;

/// The header the client adds to an error answer whose body was not the
/// provider's JSON error object (an HTML page from a proxy, say), after
/// wrapping the text into one.
pub(crate) const PLAIN_TEXT_MARKER: &str = "x-signalwire-participants-plain-text";

/// How much of a non-JSON body an error keeps.
const BODY_PREVIEW: usize = 512;

/// Anything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A value was refused before any request was made.
    InvalidArgument {
        /// The parameter or form field, as the API names it (`CallSid`, `HoldUrl`).
        parameter: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The server answered with an error status (4xx or 5xx).
    Api(Box<ApiError>),
    /// The request could not be sent, or the answer could not be read:
    /// connection refused or reset, timeout, TLS, a body cut short.
    Transport(reqwest::Error),
    /// The server answered success, but the body is not a participant.
    InvalidResponse {
        /// What the decoder found wrong.
        reason: String,
        /// The start of the body, as text.
        body: String,
    },
    /// The server answered with a redirect (3xx). The client never follows
    /// one: nothing was sent to the `Location`, and an update was not applied
    /// by the configured server.
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308...).
        status: u16,
        /// The `Location` the server named, if any.
        location: Option<String>,
        /// Whether the refused request was an update (a POST).
        was_update: bool,
    },
    /// The server answered a status the API does not use (1xx).
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
    },
}

/// An error answer from the server.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The provider's error code (20003 for bad credentials, 20404 for not found...).
    pub code: Option<i64>,
    /// The provider's message, or the start of the body when it was not JSON.
    pub message: Option<String>,
    /// A link to the provider's page about the code.
    pub more_info: Option<String>,
    /// Extra details (Twilio).
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether the body was plain text (or HTML) rather than the provider's JSON.
    pub plain_text: bool,
}

impl ApiError {
    /// Whether asking again later may succeed: 408, 429 and every 5xx.
    pub fn is_retryable(&self) -> bool {
        self.status == 408 || self.status == 429 || self.status >= 500
    }
}

impl Error {
    /// Whether the same call may succeed if tried again later: 408, 429,
    /// 5xx answers, and connection failures or timeouts. Updates set state
    /// rather than add to it, so retrying one is safe.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            // Connection refused or reset, timeouts, bodies cut short; not a
            // request that could not even be built, or a redirect loop.
            Error::Transport(e) => !(e.is_builder() || e.is_redirect()),
            Error::InvalidArgument { .. }
            | Error::InvalidResponse { .. }
            | Error::Redirect { .. }
            | Error::UnexpectedStatus { .. } => false,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus { status } | Error::Redirect { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::InvalidArgument { .. } | Error::InvalidResponse { .. } => None,
        }
    }

    /// The provider's error code, when the answer had one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) => e.code,
            _ => None,
        }
    }

    pub(crate) fn invalid(parameter: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            parameter: parameter.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.status, reason(self.status))?;
        if let Some(code) = self.code {
            write!(f, ", error {code}")?;
        }
        match (&self.message, self.plain_text) {
            (Some(m), true) => write!(f, " (the body was not JSON): {m}")?,
            (Some(m), false) => write!(f, ": {m}")?,
            (None, _) => {}
        }
        if let Some(more) = &self.more_info {
            write!(f, " (see {more})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { parameter, reason } => {
                write!(f, "invalid {parameter}: {reason}")
            }
            Error::Api(e) => write!(f, "the server refused the request: {e}"),
            Error::Transport(e) => {
                write!(f, "the request failed: {e}")?;
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
            Error::InvalidResponse { reason, body } => {
                write!(
                    f,
                    "the answer is not a participant ({reason}); it begins: {body}"
                )
            }
            Error::Redirect {
                status,
                location,
                was_update,
            } => {
                write!(f, "the server answered HTTP {status} {}", reason(*status))?;
                match location {
                    Some(l) => write!(f, ", redirecting to {}", l.escape_debug())?,
                    None => f.write_str(" without a Location")?,
                }
                f.write_str("; redirects are never followed, so nothing was sent there")?;
                if *was_update {
                    f.write_str(", and the update was not applied by the configured server")?;
                }
                Ok(())
            }
            Error::UnexpectedStatus { status } => write!(
                f,
                "the server answered HTTP {status}, which this API does not use"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// The reason phrase of a status, or nothing for an unknown one.
fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The start of a body as text, cut on a character boundary.
pub(crate) fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().nth(BODY_PREVIEW) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

impl From<progenitor_client::Error<types::Error>> for Error {
    fn from(e: progenitor_client::Error<types::Error>) -> Self {
        use progenitor_client::Error as E;
        match e {
            E::InvalidRequest(reason) | E::Custom(reason) => Error::invalid("request", reason),
            E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => {
                Error::Transport(e)
            }
            E::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let plain_text = rv.headers().contains_key(PLAIN_TEXT_MARKER);
                let body = rv.into_inner();
                Error::Api(Box::new(ApiError {
                    status,
                    code: body.code,
                    message: body.message,
                    more_info: body.more_info,
                    details: body.details,
                    plain_text,
                }))
            }
            E::InvalidResponsePayload(bytes, e) => Error::InvalidResponse {
                reason: e.to_string(),
                body: preview(&bytes),
            },
            E::UnexpectedResponse(r) if r.status().is_redirection() => Error::Redirect {
                status: r.status().as_u16(),
                location: r
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned()),
                was_update: r
                    .extensions()
                    .get::<RedirectedRequest>()
                    .is_some_and(|m| m.0 == reqwest::Method::POST),
            },
            E::UnexpectedResponse(r) => Error::UnexpectedStatus {
                status: r.status().as_u16(),
            },
        }
    }
}
