//! What every request goes through, whichever API the caller uses (the
//! [`ParticipantRef`](crate::ParticipantRef) methods or the generated
//! builders): the one place for the checks a generator cannot make.
//!
//! - The generator adds an `api-version` header to every request; neither
//!   provider asks for it and the official SDKs do not send it: removed.
//! - `Coaching=true` without `CallSidToCoach` is refused (D6: OpenAPI 3.0
//!   cannot say "required when"). Everything else the spec says of a value
//!   (patterns, URLs, enums) the generated types check when they are built.
//!   A refusal travels typed: the request is not sent, and the call ends
//!   with a [`Refusal`] the error type reads.
//! - Requests go out through the HTTP client `ClientConfig::build` made,
//!   which never follows a redirect; a 3xx answer is tagged with the
//!   request's method so that the error can say whether an update was lost.
//! - Retries, when turned on (`ClientConfig::retries`): the generator has
//!   none; and, with the `tracing` feature, one span per call.
//! - An error answer whose body is not the provider's JSON error object (an
//!   HTML 502 from a proxy, a truncated body) is wrapped into one, keeping the
//!   status and the text, so it becomes a typed, retryable-aware error
//!   instead of a JSON decoding failure.

use std::time::{Duration, Instant, SystemTime};

use backon::BackoffBuilder as _;
use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};

use crate::error::{PLAIN_TEXT_MARKER, preview};
use crate::{Client, ClientState, Retries, types};

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // Refused: nothing is sent, and the refusal comes back on an answer
        // the generated code hands over as unexpected.
        let body = request.body().and_then(reqwest::Body::as_bytes);
        if let Some(refusal) = body.and_then(check_form) {
            let mut refused = http::Response::new(Vec::new());
            *refused.status_mut() = REFUSED;
            refused.extensions_mut().insert(refusal);
            return Ok(reqwest::Response::from(refused));
        }
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let mut ops = crate::spec_facts::OPERATIONS.iter();
            let (_, method, route) = ops
                .find(|(id, ..)| *id == info.operation_id)
                .copied()
                .unwrap_or_default();
            let span = tracing::info_span!(
                "signalwire_participants",
                operation = info.operation_id,
                http.method = method,
                http.route = route,
                http.status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                error_code = tracing::field::Empty,
            );
            return self.call(request, info).instrument(span).await;
        }
        #[cfg(not(feature = "tracing"))]
        self.call(request, info).await
    }
}

impl Client {
    /// One call: the request, tried as often as the retry settings allow,
    /// and the answer made into what the generated code can read.
    async fn call(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        // Whether an earlier attempt was answered 502, 503 or 504 (it may
        // have been applied; a 429 never is).
        let (mut response, maybe_applied) = match self.inner.retries {
            None => {
                record("attempts", 1);
                (self.inner.http.execute(request).await?, false)
            }
            // Boxed: the retry loop's state stays out of every call's future.
            Some(retries) => Box::pin(self.send_with_retries(request, retries)).await?,
        };
        let status = response.status();
        record("http.status", status.as_u16());
        if status.is_redirection() {
            response.extensions_mut().insert(RedirectedRequest(method));
            return Ok(response);
        }
        // A kick retried after a 5xx that finds the participant gone: the
        // earlier attempt removed it, which is what the kick was for.
        if maybe_applied
            && status == StatusCode::NOT_FOUND
            && info.operation_id == "kick_participant"
        {
            let done = http::Response::builder()
                .status(StatusCode::NO_CONTENT)
                .body(Vec::new());
            return Ok(done.map(reqwest::Response::from).unwrap_or(response));
        }
        if !(status.is_client_error() || status.is_server_error()) {
            return Ok(response);
        }
        let mut headers = response.headers().clone();
        let version = response.version();
        let mut body = response.bytes().await?.to_vec();
        // Only this client sets the marker; a server cannot.
        headers.remove(PLAIN_TEXT_MARKER);
        match serde_json::from_slice::<types::Error>(&body) {
            Ok(error) => record("error_code", error.code.unwrap_or_default()),
            Err(_) => {
                let text = preview(&body);
                let wrapped = types::Error {
                    status: Some(i64::from(status.as_u16())),
                    message: (!text.is_empty()).then_some(text),
                    ..Default::default()
                };
                body = serde_json::to_vec(&wrapped).unwrap_or_default();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                headers.insert(PLAIN_TEXT_MARKER, HeaderValue::from_static("1"));
            }
        }
        headers.remove(CONTENT_LENGTH);
        headers.remove(CONTENT_ENCODING);
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }

    /// Sends the request, again while it fails in a way worth retrying and
    /// the retry settings allow.
    async fn send_with_retries(
        &self,
        mut request: reqwest::Request,
        Retries { attempts, budget }: Retries,
    ) -> reqwest::Result<(reqwest::Response, bool)> {
        let started = Instant::now();
        let mut delays = backon::ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(5))
            .with_jitter()
            .without_max_times()
            .build();
        let (mut attempt, mut maybe_applied) = (1, false);
        loop {
            let spare = if attempt < attempts {
                request.try_clone()
            } else {
                None
            };
            let outcome = self.inner.http.execute(request).await;
            let wait = match &outcome {
                Ok(r) if matches!(r.status().as_u16(), 429 | 502 | 503 | 504) => {
                    retry_after(r).or_else(|| delays.next())
                }
                Err(e) if e.is_connect() => delays.next(),
                _ => None,
            };
            match (spare, wait) {
                (Some(spare), Some(wait)) if started.elapsed() + wait <= budget => {
                    #[cfg(feature = "tracing")]
                    tracing::debug!(
                        attempt,
                        http.status = outcome.as_ref().map_or(0, |r| r.status().as_u16()),
                        wait_ms = wait.as_millis() as u64,
                        "retrying (http.status 0: no connection)"
                    );
                    maybe_applied |= outcome.as_ref().is_ok_and(|r| r.status().as_u16() >= 502);
                    tokio::time::sleep(wait).await;
                    (request, attempt) = (spare, attempt + 1);
                }
                _ => {
                    record("attempts", attempt);
                    return outcome.map(|r| (r, maybe_applied));
                }
            }
        }
    }
}

/// The wait an answer's `Retry-After` asks for: seconds, or an HTTP date
/// (one already past asks for none).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Writes a field of the call's span (with the `tracing` feature).
#[cfg(feature = "tracing")]
fn record(field: &'static str, value: impl tracing::Value) {
    tracing::Span::current().record(field, value);
}

#[cfg(not(feature = "tracing"))]
fn record<T>(_: &'static str, _: T) {}

/// The method of a request that was answered with a redirect.
#[derive(Clone, Debug)]
pub(crate) struct RedirectedRequest(pub(crate) reqwest::Method);

/// The header the generated code adds to every request.
const API_VERSION: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("api-version");

/// A value the request hook refused: the parameter, and why.
#[derive(Clone, Debug, Default)]
pub(crate) struct Refusal {
    pub(crate) parameter: &'static str,
    pub(crate) reason: String,
}

/// The status of the answer that carries a [`Refusal`]: one no operation
/// declares and no server sends (a 1xx is never a final answer), so the
/// generated code hands it over as unexpected, untouched.
const REFUSED: StatusCode = StatusCode::CONTINUE;

/// The check no type can make: `Coaching=true` needs `CallSidToCoach` (D6).
/// Only an update body has the field; any other body is left alone.
fn check_form(body: &[u8]) -> Option<Refusal> {
    let update = serde_urlencoded::from_bytes::<types::UpdateParticipantRequest>(body).ok()?;
    (update.coaching == Some(true) && update.call_sid_to_coach.is_none()).then(|| Refusal {
        parameter: "CallSidToCoach",
        reason: "it is required when Coaching is true".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coaching_refusal_names_the_specs_fields() {
        let field = |name: &str| {
            crate::spec_facts::FORM_FIELDS
                .iter()
                .any(|(op, field, _)| *op == "update_participant" && *field == name)
        };
        let refusal = check_form(b"Coaching=true").expect("a lonely coach is refused");
        assert!(field(refusal.parameter), "{}", refusal.parameter);
        assert!(field("Coaching"));
        assert!(
            check_form(b"Coaching=true&CallSidToCoach=CA0123456789abcdef0123456789abcdef")
                .is_none()
        );
        assert!(check_form(b"Coaching=false").is_none());
        assert!(check_form(b"").is_none());
    }
}
