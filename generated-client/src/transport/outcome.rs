//! What the request hook found out about one call, carried typed to the
//! error type: on the error answer the generated code hands over (the
//! decoded error, or a redirect), or, when there is no answer to hand
//! over, as the typed source of the call's transport error. Neither the
//! hook nor the error type reads a header, a status or a text the other
//! wrote.

use std::time::Duration;

use crate::spec_facts::Operation;
use crate::transport::retry::retry_after;
use crate::types;

/// How much of a non-JSON body an error keeps.
const BODY_PREVIEW: usize = 512;

/// An error answer from the server.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "HTTP {status} {}{}{}{}{}{}",
    reason(*.status),
    .code.map(|c| format!(", error {c}")).unwrap_or_default(),
    .message.as_ref().map(|m| format!("{}: {m}", if *.plain_text { " (the body was not JSON)" } else { "" })).unwrap_or_default(),
    .more_info.as_ref().map(|m| format!(" (see {m})")).unwrap_or_default(),
    if *.maybe_applied { "; it may have been applied (a create may have placed the call, an announcement played), so it was not retried" } else { "" },
    if *.applied_by_earlier_try { "; an earlier try, whose answer was lost, had already done what this delete asked" } else { "" }
)]
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
    /// The retry policy's verdict for this answer to this operation.
    retryable: bool,
    /// The wait the answer's `Retry-After` asked for, from when it came.
    retry_after: Option<Duration>,
    /// Whether an operation not safe to repeat may have been applied (a 5xx).
    maybe_applied: bool,
    /// A delete retried after a try whose answer was lost, answered 404:
    /// that earlier try removed it.
    pub(crate) applied_by_earlier_try: bool,
}

impl ApiError {
    /// Whether the retries retry this answer (the crate documentation's
    /// "Retries" table): 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The wait a retryable answer's `Retry-After` asks for (seconds, or an
    /// HTTP date), counted from when the answer came.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after.filter(|_| self.retryable)
    }

    /// Whether the request may have been applied although it failed: a 5xx
    /// to an operation not safe to repeat (a create may have placed the
    /// call). Such an answer is never retried.
    pub fn may_have_been_applied(&self) -> bool {
        self.maybe_applied
    }

    /// Whether this is a delete's 404 after an earlier try whose answer was
    /// lost: that try did what the delete asked. The crate's own delete
    /// calls (`ParticipantRef::kick`) count it as done.
    pub fn applied_by_earlier_try(&self) -> bool {
        self.applied_by_earlier_try
    }
}

impl ApiError {
    /// An error answer (4xx, 5xx), decoded once: the provider's JSON error
    /// object, or else the start of the body as text (an HTML page from a
    /// proxy, say), with the retry policy's verdicts for this request.
    pub(crate) fn read(
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        retryable: bool,
        maybe_applied: bool,
    ) -> Self {
        let (error, plain_text) = match serde_json::from_slice::<types::Error>(body) {
            Ok(error) => (error, false),
            Err(_) => {
                let text = preview(body);
                let message = (!text.is_empty()).then_some(text);
                (
                    types::Error {
                        message,
                        ..Default::default()
                    },
                    true,
                )
            }
        };
        ApiError {
            status,
            code: error.code,
            message: error.message,
            more_info: error.more_info,
            details: error.details,
            plain_text,
            retryable,
            retry_after: retry_after(headers),
            maybe_applied,
            applied_by_earlier_try: false,
        }
    }
}

/// What the request hook found out about an error answer it hands over
/// (on the answer's extensions).
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// An error answer, decoded ([`ApiError::read`]).
    Failed(Box<ApiError>),
    /// A redirect (never followed), and the method of the request it answered.
    Redirected(reqwest::Method),
}

/// Why a call ended with no answer to hand over. It travels as the source
/// of the call's `reqwest::Error` (the generated code's "communication
/// error"), where the error type finds it by type.
#[derive(Clone, Debug, thiserror::Error)]
pub(crate) enum Ended {
    /// The request hook refused a value: nothing was sent.
    #[error("invalid {parameter}: {reason}; nothing was sent")]
    Refused {
        /// The parameter or form field.
        parameter: &'static str,
        /// Why.
        reason: String,
    },
    /// The answer was larger than the limit; the rest was not read.
    #[error(
        "the answer (HTTP {status}) is larger than the limit of {limit} bytes; the rest was not read"
    )]
    TooLarge {
        /// The answer's status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// The `Content-Length` it declared.
        content_length: Option<u64>,
    },
    /// A request not safe to repeat was sent, and no whole answer came back.
    #[error(
        "{operation} was sent, but no whole answer came back ({reason}): it may have been applied"
    )]
    MaybeApplied {
        /// The operation.
        operation: Operation,
        /// What happened to the exchange.
        reason: String,
    },
}

impl Ended {
    /// The [`Ended`] a call's transport error carries, if any.
    pub(crate) fn of(error: &reqwest::Error) -> Option<&Ended> {
        let first = std::error::Error::source(error);
        std::iter::successors(first, |e| e.source()).find_map(|e| e.downcast_ref::<Ended>())
    }
}

/// The reason phrase of a status, or nothing for an unknown one.
pub(crate) fn reason(status: u16) -> &'static str {
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
