//! What every request goes through, whichever API the caller uses (the
//! [`ParticipantRef`](crate::ParticipantRef) methods or the generated
//! builders): the one place for the checks a generator cannot make.
//!
//! - The generator adds an `api-version` header to every request; neither
//!   provider asks for it and the official SDKs do not send it: removed.
//! - A form body goes out as twilio-python sends it (D33): an array field
//!   (`form::Repeated`) as one pair per element, every key and value
//!   encoded as Python's `quote_plus` does.
//! - `Coaching=true` without `CallSidToCoach` is refused (D6: OpenAPI 3.0
//!   cannot say "required when"). Everything else the spec says of a value
//!   (patterns, URLs, enums) the generated types check when they are built.
//!   A refusal travels typed: the request is not sent, and the call ends
//!   with a [`Refusal`] the error type reads.
//! - Requests go out through the HTTP client `ClientConfig::build` made,
//!   which never follows a redirect; a 3xx answer is tagged with the
//!   request's method so that the error can say whether an update was lost.
//! - Every answer is read here, whole, up to `ClientConfig::max_response_bytes`:
//!   a larger one is not read further and ends the call with a [`TooLarge`]
//!   the error type reads (carried like a refusal).
//! - Retries, when turned on (`ClientConfig::retries`): the generator has
//!   none. What is retried is the one policy of [`crate::retry`], which
//!   `Error::is_retryable` states too; and, with the `tracing` feature, one
//!   span per call. A request not safe to repeat (a create, an update that
//!   announces) that may have been applied says so: a 5xx answer is marked,
//!   and a lost answer ends the call with a [`MaybeApplied`] (carried like a
//!   refusal).
//! - An error answer whose body is not the provider's JSON error object (an
//!   HTML 502 from a proxy, a truncated body) is wrapped into one, keeping the
//!   status and the text, so it becomes a typed, retryable-aware error
//!   instead of a JSON decoding failure.

use std::time::Duration;

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};

use crate::error::{
    MAYBE_APPLIED_MARKER, PLAIN_TEXT_MARKER, RETRYABLE_MARKER, idempotent, preview,
};
use crate::retry::{Failure, Scope, Tries, pauses_everyone, retry_after};
use crate::{Client, ClientState, Retries, types};

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION);
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        if request.headers().get(CONTENT_TYPE) == Some(&form) {
            let body = request.body().and_then(reqwest::Body::as_bytes);
            if let Some(body) = body.map(|body| encode_form(info.operation_id, body)) {
                *request.body_mut() = Some(body.into());
            }
        }
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
            return Ok(reqwest::Response::from(refused(refusal)));
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
    /// One call: the request, tried as often as the retry policy allows
    /// ([`crate::retry`]: the client's settings, or those of the
    /// whole-conference action the call is part of), its answer read whole
    /// (within the size limit) and made into what the generated code can
    /// read.
    async fn call(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let body = request.body().and_then(reqwest::Body::as_bytes);
        let idempotent = idempotent(info.operation_id) && !body.is_some_and(announces);
        let scope = Scope::current();
        let policy = scope.as_ref().map(|s| s.policy).or(self.inner.retries);
        // Whether an earlier try may have been applied (`Failure::maybe_applied`).
        let outcome = match (policy, &scope) {
            (None, None) => {
                record("attempts", 1);
                self.attempt(request).await.map(|answer| (answer, false))
            }
            // Boxed: the retry loop's state stays out of every call's future.
            (policy, scope) => {
                let policy = policy.unwrap_or(Retries {
                    attempts: 1,
                    budget: Duration::ZERO,
                });
                Box::pin(self.send_with_retries(request, policy, scope.as_ref(), idempotent)).await
            }
        };
        let (mut answer, maybe_applied) = match outcome {
            // Sent, unanswered, not safe to repeat: say it may have been applied.
            Err(e) if !idempotent && Failure::of(&e) == Failure::Lost => {
                let reason = crate::error::causes(&e);
                let operation = info.operation_id;
                return Ok(reqwest::Response::from(refused(MaybeApplied {
                    operation,
                    reason,
                })));
            }
            outcome => outcome?,
        };
        let status = answer.status();
        let too_large = answer.extensions().get::<TooLarge>();
        record(
            "http.status",
            too_large.map_or(status.as_u16(), |t| t.status),
        );
        if status.is_redirection() {
            answer.extensions_mut().insert(RedirectedRequest(method));
        } else if maybe_applied
            && status == StatusCode::NOT_FOUND
            && info.operation_id == "kick_participant"
        {
            // A kick retried after a try that may have been applied, which
            // finds the participant gone: that try removed it, which is
            // what the kick was for.
            answer = http::Response::new(Vec::new());
            *answer.status_mut() = StatusCode::NO_CONTENT;
        } else if status.is_client_error() || status.is_server_error() {
            let failure = Failure::Status(status.as_u16());
            answer = typed_error(answer, failure.retryable(idempotent));
            if !idempotent && failure.maybe_applied() {
                let marker = HeaderValue::from_static("1");
                answer.headers_mut().insert(MAYBE_APPLIED_MARKER, marker);
            }
        }
        Ok(reqwest::Response::from(answer))
    }

    /// One try: the request sent and its whole answer read; or, when the
    /// answer is larger than the limit, one that carries [`TooLarge`]
    /// instead. The rest is not read: the response is dropped, which closes
    /// the connection.
    async fn attempt(&self, request: reqwest::Request) -> reqwest::Result<http::Response<Vec<u8>>> {
        let mut response = self.inner.http.execute(request).await?;
        let limit = self.inner.max_response_bytes;
        let declared = response.content_length();
        let too_large = TooLarge {
            status: response.status().as_u16(),
            limit,
            content_length: declared,
        };
        if declared.is_some_and(|n| n > limit as u64) {
            return Ok(refused(too_large));
        }
        let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = response.chunk().await? {
            if chunk.len() > limit - body.len() {
                return Ok(refused(too_large));
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = response.status();
        *answer.version_mut() = response.version();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        Ok(answer)
    }

    /// The one retry loop: tries the request again while the retry policy
    /// allows (`retry::Tries`). Inside a whole-conference action, every
    /// try first waits for the action's shared pause, and an answer that
    /// asks everyone to wait (`retry::pauses_everyone`) sets it.
    async fn send_with_retries(
        &self,
        mut request: reqwest::Request,
        policy: Retries,
        scope: Option<&Scope>,
        idempotent: bool,
    ) -> reqwest::Result<(http::Response<Vec<u8>>, bool)> {
        let mut tries = Tries::new(policy);
        loop {
            if let Some(scope) = scope {
                scope.gate.pass().await;
            }
            let spare = request.try_clone();
            let outcome = self.attempt(request).await;
            let (failure, asked) = match &outcome {
                Ok(answer) => (
                    Failure::Status(answer.status().as_u16()),
                    retry_after(answer.headers()),
                ),
                Err(e) => (Failure::of(e), None),
            };
            let wait = match (&outcome, spare) {
                (Ok(answer), _) if answer.status().is_success() => None,
                (_, None) => None,
                (_, Some(spare)) => tries.next(failure, asked, idempotent).map(|w| (w, spare)),
            };
            let Some((wait, spare)) = wait else {
                record("attempts", tries.made());
                return outcome.map(|r| (r, tries.maybe_applied()));
            };
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = tries.made(),
                http.status = outcome.as_ref().map_or(0, |r| r.status().as_u16()),
                wait_ms = wait.as_millis() as u64,
                "retrying (http.status 0: no answer)"
            );
            match scope {
                Some(scope) if pauses_everyone(failure, asked) => scope.gate.close_for(wait),
                _ => tokio::time::sleep(wait).await,
            }
            request = spare;
        }
    }
}

/// An error answer as the generated code reads it: the provider's JSON
/// error object (a body that is not one is wrapped into one, keeping the
/// status and the text), marked retryable when the retry policy says so.
fn typed_error(answer: http::Response<Vec<u8>>, retryable: bool) -> http::Response<Vec<u8>> {
    let (mut parts, mut body) = answer.into_parts();
    // Only this client sets the markers; a server cannot.
    parts.headers.remove(PLAIN_TEXT_MARKER);
    parts.headers.remove(RETRYABLE_MARKER);
    parts.headers.remove(MAYBE_APPLIED_MARKER);
    if retryable {
        parts
            .headers
            .insert(RETRYABLE_MARKER, HeaderValue::from_static("1"));
    }
    match serde_json::from_slice::<types::Error>(&body) {
        Ok(error) => record("error_code", error.code.unwrap_or_default()),
        Err(_) => {
            let text = preview(&body);
            let wrapped = types::Error {
                status: Some(i64::from(parts.status.as_u16())),
                message: (!text.is_empty()).then_some(text),
                ..Default::default()
            };
            body = serde_json::to_vec(&wrapped).unwrap_or_default();
            let json = HeaderValue::from_static("application/json");
            parts.headers.insert(CONTENT_TYPE, json);
            let marker = HeaderValue::from_static("1");
            parts.headers.insert(PLAIN_TEXT_MARKER, marker);
        }
    }
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(CONTENT_ENCODING);
    http::Response::from_parts(parts, body)
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

/// An answer larger than the limit: its status, the limit, and the
/// `Content-Length` it declared. Carried like a [`Refusal`].
#[derive(Clone, Debug, Default)]
pub(crate) struct TooLarge {
    pub(crate) status: u16,
    pub(crate) limit: usize,
    pub(crate) content_length: Option<u64>,
}

/// An operation not safe to repeat, sent, with no whole answer: its id and
/// what happened. Carried like a [`Refusal`].
#[derive(Clone, Debug, Default)]
pub(crate) struct MaybeApplied {
    pub(crate) operation: &'static str,
    pub(crate) reason: String,
}

/// The answer that carries a [`Refusal`], a [`TooLarge`] or a [`MaybeApplied`].
fn refused<T: Clone + Send + Sync + 'static>(why: T) -> http::Response<Vec<u8>> {
    let mut refused = http::Response::new(Vec::new());
    *refused.status_mut() = REFUSED;
    refused.extensions_mut().insert(why);
    refused
}

/// The status of the answer that carries a [`Refusal`]: one no operation
/// declares and no server sends (a 1xx is never a final answer), so the
/// generated code hands it over as unexpected, untouched.
const REFUSED: StatusCode = StatusCode::CONTINUE;

/// A form body as twilio-python 9.13 sends it (D33): each element of an
/// array field (a [`Repeated`](crate::form::Repeated)) a pair of its own,
/// and every key and value encoded as Python's `quote_plus` encodes them
/// (letters, digits and `_.-~` kept, a space as `+`).
fn encode_form(operation: &str, body: &[u8]) -> Vec<u8> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    const KEPT: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'_')
        .remove(b'.')
        .remove(b'-')
        .remove(b'~');
    let mut out = String::with_capacity(body.len());
    let mut push = |key: &str, value: &str| {
        for (i, text) in [key, value].into_iter().enumerate() {
            out.push_str(match (i, out.is_empty()) {
                (0, true) => "",
                (0, false) => "&",
                _ => "=",
            });
            for (j, word) in text.split(' ').enumerate() {
                out.push_str(if j > 0 { "+" } else { "" });
                out.extend(utf8_percent_encode(word, KEPT));
            }
        }
    };
    let arrays = crate::spec_facts::FORM_FIELDS.iter();
    let array = |key: &str| arrays.clone().any(|f| *f == (operation, key, "array"));
    for (key, value) in url::form_urlencoded::parse(body) {
        if !array(&key) {
            push(&key, &value);
            continue;
        }
        for (key, item) in crate::form::repeated_pairs(&key, &value) {
            push(key, &crate::form::decode_part(item));
        }
    }
    out.into_bytes()
}

/// Whether a form body plays an announcement (`AnnounceUrl`): each try
/// that reaches the service plays it, so such an update is not safe to
/// repeat after a try that may have been applied (D36).
fn announces(body: &[u8]) -> bool {
    let key = crate::participant::ANNOUNCE_URL.as_bytes();
    body.split(|&b| b == b'&').any(|pair| {
        pair.strip_prefix(key)
            .is_some_and(|rest| rest.first() == Some(&b'='))
    })
}

/// The check no type can make: `Coaching=true` needs `CallSidToCoach` (D6),
/// in an update or a create.
fn check_form(body: &[u8]) -> Option<Refusal> {
    let pairs = crate::form::pairs(body);
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let coaching = field("Coaching").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    (coaching && field("CallSidToCoach").is_none()).then(|| Refusal {
        parameter: "CallSidToCoach",
        reason: "it is required when Coaching is true".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each element of an array field its own pair, in order, and every
    /// key and value as Python's `quote_plus` writes it (`~` kept, `*`
    /// escaped, a space as `+`, UTF-8 escaped), whatever serde_urlencoded
    /// wrote; other operations' fields of the same name are left alone.
    #[test]
    fn form_bodies_go_out_as_twilio_python_writes_them() {
        use crate::form::Repeated;
        use crate::types::CallProgressEvent;
        let events: Repeated<CallProgressEvent> =
            ["ringing".into(), "answered".into(), "new one&=".into()].into();
        let events = serde_json::to_value(&events).unwrap();
        let fields = [
            ("Label", "agent one*~é"),
            ("StatusCallbackEvent", events.as_str().unwrap()),
            ("Empty", ""),
        ];
        let body = serde_urlencoded::to_string(fields).unwrap();
        let sent = String::from_utf8(encode_form("create_participant", body.as_bytes())).unwrap();
        assert_eq!(
            sent,
            "Label=agent+one%2A~%C3%A9&StatusCallbackEvent=ringing&StatusCallbackEvent=answered\
             &StatusCallbackEvent=new+one%26%3D&Empty="
        );
        let none: Repeated<CallProgressEvent> = Vec::new().into();
        let body = format!(
            "StatusCallbackEvent={}",
            serde_json::to_value(&none).unwrap().as_str().unwrap()
        );
        assert_eq!(encode_form("create_participant", body.as_bytes()), b"");
        let body = b"StatusCallbackEvent=%26a%26b";
        assert_eq!(
            encode_form("update_participant", body),
            b"StatusCallbackEvent=%26a%26b"
        );
    }

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
