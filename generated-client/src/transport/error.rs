//! One error type for every call: progenitor's errors, turned into what a
//! caller acts on (which argument, which provider code, retry or not).

use std::time::Duration;

use crate::events::{EventError, ReceiveError};
use crate::transport::outcome::{ApiError, Ended, Outcome, preview, reason};
use crate::transport::retry::Failure;
use crate::webhook::VerifyError;
use crate::{ConfigError, UrlError, spec_facts};

/// A URL for the field `parameter`, or the error that names it.
pub(crate) fn parse_url<T: std::str::FromStr<Err = UrlError>>(
    parameter: &str,
    value: &str,
) -> Result<T, Error> {
    value.parse().map_err(|e: UrlError| Error::InvalidArgument {
        parameter: parameter.to_string(),
        reason: e.to_string(),
    })
}

/// Anything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value was refused before any request was made.
    #[error("invalid {parameter}: {reason}")]
    InvalidArgument {
        /// The parameter or form field, as the API names it (`CallSid`, `HoldUrl`).
        parameter: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The server answered with an error status (4xx or 5xx).
    #[error("the server refused the request: {0}")]
    Api(Box<ApiError>),
    /// The server answered with a redirect (3xx). The client never follows
    /// one: nothing was sent to the `Location`, and an update was not applied
    /// by the configured server.
    #[error(
        "the server answered HTTP {status} {}, {}; redirects are never followed, so nothing was sent there{}",
        reason(*.status),
        .location.as_ref().map_or("without a Location".into(), |l| format!("redirecting to {}", l.escape_debug())),
        if *.was_update { ", and the update was not applied by the configured server" } else { "" }
    )]
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308...).
        status: u16,
        /// The `Location` the server named, if any.
        location: Option<String>,
        /// Whether the refused request was an update (a POST).
        was_update: bool,
    },
    /// The request could not be sent, or the answer could not be read:
    /// connection refused or reset, timeout, TLS, a body cut short. The
    /// message names the URL and every cause (`...: tcp connect error:
    /// Connection refused`); the causes are also the error's `source()`.
    #[error("the request failed: {}", causes(.0))]
    Transport(#[source] reqwest::Error),
    /// The server answered success, but the body is not a participant.
    #[error("the answer is not a participant ({reason}); it begins: {body}")]
    InvalidResponse {
        /// What the decoder found wrong.
        reason: String,
        /// The start of the body, as text.
        body: String,
    },
    /// A page's `next_page_uri` was not followed: it names another host or
    /// scheme (the credentials would go there), repeats a page already read
    /// (the listing would never end), or is not a URI.
    #[error(
        "the participant list stopped: next_page_uri `{next_page_uri}` was not followed, because {reason}"
    )]
    Paging {
        /// The `next_page_uri` as the server gave it.
        next_page_uri: String,
        /// Why it was not followed.
        reason: &'static str,
    },
    /// The server answered a status the API does not use (1xx).
    #[error("the server answered HTTP {status}, which this API does not use")]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
    },
    /// A request that is not safe to repeat (creating a participant, which
    /// places a call; an update with `AnnounceUrl`, which plays it) was
    /// sent, and no whole answer came back: a timeout, or the connection
    /// reset or cut. The service may have acted on it; it was not retried.
    /// Look (list the participants) before trying again.
    #[error(
        "{operation} was sent, but no whole answer came back ({reason}): it may have been applied (a create may have placed the call, an announcement played), so it was not retried"
    )]
    MaybeApplied {
        /// The operation (`create_participant`, `update_participant`).
        operation: spec_facts::Operation,
        /// What happened to the exchange.
        reason: String,
    },
    /// The answer's body is larger than the client reads
    /// ([`ClientConfig::max_response_bytes`](crate::ClientConfig::max_response_bytes)):
    /// the rest of it was not read. Never retried.
    #[error(
        "the answer (HTTP {status}) is larger than the limit of {limit} bytes{}; the rest was not read (see ClientConfig::max_response_bytes)",
        .content_length.map(|n| format!(": it declares {n}")).unwrap_or_default()
    )]
    ResponseTooLarge {
        /// The HTTP status of the answer.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// The answer's `Content-Length`, when it had one.
        content_length: Option<u64>,
    },
    /// A client could not be built: a constructor of [`Client`](crate::Client)
    /// or [`ClientConfig`](crate::ClientConfig) refused its arguments.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A status callback was not taken ([`events::receive`](crate::events::receive)),
    /// a verifier could not be made, or a form is not an event
    /// ([`VerifyError`] and [`EventError`] become this too).
    #[error(transparent)]
    Callback(#[from] ReceiveError),
}

impl Error {
    /// Whether the retries retry this failure (the crate documentation's
    /// "Retries" table): 408, 429, 500, 502, 503 and 504 answers, no
    /// connection, a timeout, a connection reset or cut mid-answer; for
    /// `create_participant`, not safe to repeat, only a 429 or no
    /// connection.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            // An operation not safe to repeat that may have been applied is
            // `MaybeApplied` instead: what is left of it is retryable as for
            // any operation.
            Error::Transport(e) => Failure::of(e).retryable(true),
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again: the
    /// `Retry-After` of a retryable answer (a 429 or 503), in seconds or as
    /// an HTTP date, counted from when the answer came. `None` for any
    /// other error, or an answer without the header.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after(),
            _ => None,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus { status }
            | Error::Redirect { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::InvalidArgument { .. }
            | Error::InvalidResponse { .. }
            | Error::MaybeApplied { .. }
            | Error::Paging { .. }
            | Error::Config(_)
            | Error::Callback(_) => None,
        }
    }

    /// The provider's error code, when the answer had one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) => e.code,
            _ => None,
        }
    }

    pub(crate) fn paging(next_page_uri: String, reason: &'static str) -> Self {
        Error::Paging {
            next_page_uri,
            reason,
        }
    }

    /// A value a generated builder refused, found by its exact message in
    /// the table the generator read from the builders: names the parameter
    /// and what the spec accepts for it (the schema's shapes, or the bounds).
    fn builder_refusal(message: &str) -> Option<Self> {
        let (_, name) = spec_facts::BUILDER_REFUSALS
            .iter()
            .find(|(text, _)| *text == message)?;
        let parameter = spec_facts::PARAMETERS.iter().find(|p| p.name == *name);
        let shapes = spec_facts::ACCEPTED_SHAPES.iter().find(|(schema, _)| {
            parameter.is_some_and(|p| p.kind == spec_facts::Kind::Schema(schema))
        });
        let reason = match (shapes, parameter) {
            (Some((_, accepts)), _) => accepts.to_string(),
            (None, Some(p)) => match (p.minimum, p.maximum) {
                (Some(min), Some(max)) => format!("expected a whole number from {min} to {max}"),
                (Some(min), None) => format!("expected a whole number of at least {min}"),
                _ => format!("expected a value of type {}", p.kind),
            },
            (None, None) => "it does not match the spec".to_string(),
        };
        Some(Error::InvalidArgument {
            parameter: name.to_string(),
            reason,
        })
    }
}

impl Error {
    /// A delete's result: done, also when its 404 says an earlier try whose
    /// answer was lost had removed the resource.
    pub(crate) fn done_unless_failed<T>(
        sent: Result<T, progenitor_client::Error<()>>,
    ) -> Result<(), Error> {
        match sent.map_err(Error::from) {
            Err(Error::Api(e)) if e.applied_by_earlier_try() => Ok(()),
            sent => sent.map(drop),
        }
    }
}

/// An error's text followed by each of its causes' (`a: b: c`), a cause
/// whose text the ones before already hold left out: reqwest's own text
/// names only the URL, and what went wrong is in its causes.
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    for cause in std::iter::successors(error.source(), |e| e.source()) {
        let shown = cause.to_string();
        if !text.contains(&shown) {
            text = format!("{text}: {shown}");
        }
    }
    text
}

impl From<UrlError> for Error {
    /// A URL refused when it was built (which field it was for is the
    /// caller's to know).
    fn from(e: UrlError) -> Self {
        Error::InvalidArgument {
            parameter: "URL".to_string(),
            reason: e.to_string(),
        }
    }
}

// A verifier's refusal is a callback not taken, as `events::receive` says.
impl From<VerifyError> for Error {
    fn from(e: VerifyError) -> Self {
        Error::Callback(ReceiveError::Verify(e))
    }
}

// A form that is not an event is a callback not taken, as `events::receive` says.
impl From<EventError> for Error {
    fn from(e: EventError) -> Self {
        Error::Callback(ReceiveError::Event(e))
    }
}

impl From<progenitor_client::Error<()>> for Error {
    /// The generator's view of the spec declares no error answers, so every
    /// answer that is not a success comes here as unexpected, carrying what
    /// the request hook decided of it (its `Outcome`); a call that ended
    /// with no answer comes as a transport error whose source says why
    /// (its `Ended`).
    fn from(e: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as E;
        match e {
            E::InvalidRequest(text) => Error::builder_refusal(&text).unwrap_or(
                // A body built with the generated builder's setters: its own words.
                Error::InvalidArgument {
                    parameter: "body".to_string(),
                    reason: text,
                },
            ),
            E::Custom(text) => Error::InvalidArgument {
                parameter: "request".to_string(),
                reason: text,
            },
            E::CommunicationError(e) => match Ended::of(&e).cloned() {
                Some(Ended::Refused { parameter, reason }) => Error::InvalidArgument {
                    parameter: parameter.to_string(),
                    reason,
                },
                Some(Ended::TooLarge {
                    status,
                    limit,
                    content_length,
                }) => Error::ResponseTooLarge {
                    status,
                    limit,
                    content_length,
                },
                Some(Ended::MaybeApplied { operation, reason }) => {
                    Error::MaybeApplied { operation, reason }
                }
                None => Error::Transport(e),
            },
            E::InvalidUpgrade(e) | E::ResponseBodyError(e) => Error::Transport(e),
            E::InvalidResponsePayload(bytes, e) => Error::InvalidResponse {
                reason: e.to_string(),
                body: preview(&bytes),
            },
            E::ErrorResponse(rv) => Error::UnexpectedStatus {
                status: rv.status().as_u16(),
            },
            E::UnexpectedResponse(r) => {
                let status = r.status().as_u16();
                let location = r.headers().get(reqwest::header::LOCATION);
                let location = location.map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
                match r.extensions().get::<Outcome>().cloned() {
                    Some(Outcome::Failed(api)) => Error::Api(api),
                    Some(Outcome::Redirected(method)) => Error::Redirect {
                        status,
                        location,
                        was_update: method == reqwest::Method::POST,
                    },
                    None => Error::UnexpectedStatus { status },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::retry::Failure;

    /// The README's retry table, row by row, is the policy: for every
    /// status from 400 to 599 (a status no row lists is "any other
    /// answer"), for no connection and for a lost answer, for an operation
    /// safe to repeat and one that is not.
    #[test]
    fn the_readme_retry_table_is_the_policy() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Retries\n")
            .nth(1)
            .expect("a Retries section");
        let section = section.split("\n## ").next().unwrap_or_default();
        let (mut listed, mut other, mut kinds) = (Vec::new(), None, 0);
        for line in section.lines().filter(|l| l.starts_with("| ")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() != 6 || cells[1] == "what failed" {
                continue;
            }
            let verdict = (cells[2].starts_with("yes"), cells[3].starts_with("yes"));
            let mut failures: Vec<Failure> = cells[1]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| n.len() == 3)
                .map(|n| Failure::Status(n.parse().unwrap()))
                .collect();
            listed.extend(failures.clone());
            for (words, failure) in [
                ("no connection", Failure::Unsent),
                ("timeout", Failure::Lost),
            ] {
                if cells[1].contains(words) {
                    failures.push(failure);
                    kinds += 1;
                }
            }
            if cells[1].starts_with("any other answer") {
                other = Some(verdict);
            }
            for f in failures {
                assert_eq!((f.retryable(true), f.retryable(false)), verdict, "{line}");
            }
        }
        let other = other.expect("an `any other answer` row");
        assert_eq!(kinds, 2, "rows for no connection and for a timeout");
        for status in 400..=599 {
            let f = Failure::Status(status);
            if !listed.contains(&f) {
                assert_eq!((f.retryable(true), f.retryable(false)), other, "{status}");
            }
        }
    }
}
