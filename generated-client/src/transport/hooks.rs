//! What every request goes through, whichever API the caller uses (the
//! [`ParticipantRef`](crate::ParticipantRef) methods or the generated
//! builders): the one place for the checks a generator cannot make. What
//! it decides travels to the error type typed: as an [`Outcome`] on an
//! error answer the generated code hands over (the generator's view
//! declares no error answers, so every one reaches the error type as it
//! came), or, when there is no answer, as the [`Ended`] its error carries.
//!
//! - The generator adds an `api-version` header to every request; neither
//!   provider asks for it and the official SDKs do not send it: removed.
//!   Every request asks for JSON, the providers' error answers.
//! - A form body goes out as twilio-python sends it (D33): an array field
//!   (`form::Repeated`) as one pair per element, every key and value
//!   encoded as Python's `quote_plus` does.
//! - `Coaching=true` without `CallSidToCoach` is refused (D6: OpenAPI 3.0
//!   cannot say "required when"). Everything else the spec says of a value
//!   (patterns, URLs, enums) the generated types check when they are built.
//!   A refusal is not sent: [`Ended::Refused`].
//! - Requests go out through the HTTP client `ClientConfig::build` made,
//!   which never follows a redirect; a 3xx answer is [`Outcome::Redirected`]
//!   with the request's method, so that the error can say whether an update
//!   was lost.
//! - Every answer is read here, whole, up to `ClientConfig::max_response_bytes`:
//!   a larger one is not read further ([`Ended::TooLarge`]). A success
//!   that declares its length within the limit is left for the generated
//!   code to read: the connection's framing stops it there.
//! - Retries, when turned on (`ClientConfig::retries`), or inside a
//!   whole-conference action: the generator has none. What is retried is
//!   the one policy of [`crate::transport::retry`], which `Error::is_retryable` states
//!   too; and, with the `tracing` feature, one span per call. A request not
//!   safe to repeat (the spec's `x-safe-to-repeat`) that may have been
//!   applied says so: a 5xx answer's [`ApiError`] says it, and a lost
//!   answer is [`Ended::MaybeApplied`].
//! - An error answer is decoded once, here ([`ApiError::read`]): the
//!   provider's JSON error object, or the text of anything else (an HTML
//!   502 from a proxy, a truncated body), with the retry policy's verdict.

use std::time::Duration;

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::spec_facts::{Operation, fields};
use crate::transport::outcome::{ApiError, Ended, Outcome};
use crate::transport::retry::{Failure, Scope, Tries, pauses_everyone, retry_after};
use crate::{Client, ClientState, Retries};

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION);
        Bounds::add_to(info.operation_id, request.url_mut());
        // Every answer may be an error, which the providers write as JSON:
        // asked for on every request, as the generator asks when an
        // operation declares a JSON answer.
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        request.headers_mut().entry(ACCEPT).or_insert(JSON);
        const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");
        let operation = Operation::from_id(info.operation_id);
        let is_form = request.headers().get(CONTENT_TYPE) == Some(&FORM);
        if let Some(operation) = operation.filter(|_| is_form) {
            let body = request.body().and_then(reqwest::Body::as_bytes);
            if let Some(body) = body.and_then(|body| encode_form(operation, body)) {
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
        // Refused: nothing is sent.
        let body = request.body().and_then(reqwest::Body::as_bytes);
        if let Some(refusal) = body.and_then(check_form) {
            return Err(ended(refusal).await);
        }
        // The generated code and the facts come from one spec in one build:
        // an id the facts do not know is refused rather than sent unchecked.
        let Some(operation) = Operation::from_id(info.operation_id) else {
            return Err(ended(Ended::Refused {
                parameter: "operation",
                reason: "it is not an operation of the spec".to_string(),
            })
            .await);
        };
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::info_span!(
                "signalwire_participants",
                operation = operation.id(),
                http.method = operation.method(),
                http.route = operation.path(),
                http.status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                error_code = tracing::field::Empty,
            );
            return self.call(request, operation).instrument(span).await;
        }
        #[cfg(not(feature = "tracing"))]
        self.call(request, operation).await
    }
}

impl Client {
    /// One call: the request, tried as often as the retry policy allows
    /// ([`crate::transport::retry`]: the client's settings, or those of the
    /// whole-conference action the call is part of), its answer read whole
    /// (within the size limit) and made into what the generated code can
    /// read.
    async fn call(
        &self,
        request: reqwest::Request,
        operation: Operation,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let body = request.body().and_then(reqwest::Body::as_bytes);
        let idempotent =
            operation.safe_to_repeat() && !body.is_some_and(|b| sets_unsafe_field(operation, b));
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
        let (answer, earlier_try_maybe_applied) = match outcome {
            // Sent, unanswered, not safe to repeat: say it may have been applied.
            Err(e) if !idempotent && Failure::of(&e) == Failure::Lost => {
                let reason = crate::transport::error::causes(&e);
                return Err(ended(Ended::MaybeApplied { operation, reason }).await);
            }
            outcome => outcome?,
        };
        record("http.status", answer.status().as_u16());
        let mut answer = match answer {
            Answer::Unread(success) => return Ok(success),
            Answer::Read(answer) => answer,
            Answer::TooLarge(status, content_length) => {
                let limit = self.inner.max_response_bytes;
                let status = status.as_u16();
                let too_large = Ended::TooLarge {
                    status,
                    limit,
                    content_length,
                };
                return Err(ended(too_large).await);
            }
        };
        let status = answer.status();
        if status.is_redirection() {
            answer.extensions_mut().insert(Outcome::Redirected(method));
        } else if status.is_client_error() || status.is_server_error() {
            let failure = Failure::Status(status.as_u16());
            let (retryable, maybe_applied) = (
                failure.retryable(idempotent),
                !idempotent && failure.maybe_applied(),
            );
            let (code, headers) = (status.as_u16(), answer.headers());
            let mut error = ApiError::read(code, headers, answer.body(), retryable, maybe_applied);
            // A delete retried after a try that may have been applied, which
            // finds the resource gone: that try removed it.
            error.applied_by_earlier_try = earlier_try_maybe_applied
                && status == StatusCode::NOT_FOUND
                && method == reqwest::Method::DELETE;
            if let Some(code) = error.code {
                record("error_code", code);
            }
            answer
                .extensions_mut()
                .insert(Outcome::Failed(Box::new(error)));
        }
        Ok(reqwest::Response::from(answer))
    }

    /// One try: the request sent and its whole answer read; or, when the
    /// answer is larger than the limit, only its status and declared length. The rest is not read: the response is dropped, which closes
    /// the connection.
    async fn attempt(&self, request: reqwest::Request) -> reqwest::Result<Answer> {
        let mut response = self.inner.http.execute(request).await?;
        let limit = self.inner.max_response_bytes;
        let declared = response.content_length();
        let status = response.status();
        if response.status().is_success() && declared.is_some_and(|n| n <= limit as u64) {
            // The connection's framing stops the body at the length it
            // declares, within the limit: the generated code reads it
            // once, with nothing copied here.
            return Ok(Answer::Unread(response));
        }
        let too_large = || Answer::TooLarge(status, declared);
        if declared.is_some_and(|n| n > limit as u64) {
            return Ok(too_large());
        }
        let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = response.chunk().await? {
            if chunk.len() > limit - body.len() {
                return Ok(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = response.status();
        *answer.version_mut() = response.version();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        Ok(Answer::Read(answer))
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
    ) -> reqwest::Result<(Answer, bool)> {
        let mut tries = Tries::new(policy);
        loop {
            if let Some(scope) = scope {
                scope.gate.pass().await;
            }
            let spare = request.try_clone();
            let outcome = self.attempt(request).await;
            let (failure, asked) = match &outcome {
                // Not read whole: never retried (`Error::ResponseTooLarge`).
                Ok(Answer::TooLarge(..)) => (Failure::Other, None),
                Ok(answer) => (
                    Failure::Status(answer.status().as_u16()),
                    answer.headers().and_then(retry_after),
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

/// Writes a field of the call's span (with the `tracing` feature).
#[cfg(feature = "tracing")]
fn record(field: &'static str, value: impl tracing::Value) {
    tracing::Span::current().record(field, value);
}

#[cfg(not(feature = "tracing"))]
fn record<T>(_: &'static str, _: T) {}

/// The date bounds of a listing (`DateCreated<`..., D38), by their
/// `spec_facts::fields` names: the generator's view leaves them out (each
/// would be its bounded parameter's builder method again), so a listing
/// sets them around its call ([`Bounds::around`]) and the hook adds those
/// of the operation at hand to its query.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bounds(Vec<(&'static str, chrono::NaiveDate)>);

tokio::task_local! {
    static BOUNDS: Bounds;
}

impl Bounds {
    /// These bounds and `name` at `day` (replacing an earlier `name`).
    pub(crate) fn with(mut self, name: &'static str, day: chrono::NaiveDate) -> Self {
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, day));
        self
    }

    /// Runs `call` (a generated list request) with these bounds.
    pub(crate) async fn around<F: Future>(self, call: F) -> F::Output {
        match self.0.is_empty() {
            true => call.await,
            false => BOUNDS.scope(self, call).await,
        }
    }

    /// Adds the bounds set around this call that are `operation`'s own
    /// (`spec_facts::Parameter::bound_of`) to its query, as twilio-python
    /// writes them (`DateCreated%3C=2021-01-01`).
    fn add_to(operation_id: &str, url: &mut url::Url) {
        let _ = BOUNDS.try_with(|bounds| {
            let operation = Operation::from_id(operation_id);
            let own = |name: &str| {
                crate::spec_facts::PARAMETERS.iter().any(|p| {
                    Some(p.operation) == operation && p.name == name && p.bound_of.is_some()
                })
            };
            for (name, day) in bounds.0.iter().filter(|(name, _)| own(name)) {
                let day = day.format("%Y-%m-%d").to_string();
                url.query_pairs_mut().append_pair(name, &day);
            }
        });
    }
}

/// The header the generated code adds to every request.
const API_VERSION: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("api-version");

/// One try's answer: a success whose declared length is within the limit,
/// left unread for the generated code; any other, read here whole; or one
/// larger than the limit (its status and declared length), not read
/// further.
enum Answer {
    Unread(reqwest::Response),
    Read(http::Response<Vec<u8>>),
    TooLarge(StatusCode, Option<u64>),
}

impl Answer {
    fn status(&self) -> StatusCode {
        match self {
            Answer::Unread(r) => r.status(),
            Answer::Read(r) => r.status(),
            Answer::TooLarge(status, _) => *status,
        }
    }

    fn headers(&self) -> Option<&http::HeaderMap> {
        match self {
            Answer::Unread(r) => Some(r.headers()),
            Answer::Read(r) => Some(r.headers()),
            Answer::TooLarge(..) => None,
        }
    }
}

/// The error a call ends with when there is no answer to hand over: a
/// refusal, an answer too large to read, or a lost one, whose source is
/// the typed [`Ended`]. reqwest has no public constructor for its error,
/// so this is the error it gives for a body that fails with `why`.
async fn ended(why: Ended) -> reqwest::Error {
    let failing = reqwest::Body::wrap(Failing(Some(why)));
    let read = reqwest::Response::from(http::Response::new(failing)).bytes();
    read.await
        .expect_err("a body whose first frame is an error")
}

/// A body whose first frame is an error: the [`Ended`] it carries.
struct Failing(Option<Ended>);

impl http_body::Body for Failing {
    type Data = &'static [u8];
    type Error = Ended;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<&'static [u8]>, Ended>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }
}

/// A form body as twilio-python 9.13 sends it (D33): each element of an
/// array field (a [`Repeated`](crate::wire::form::Repeated)) a pair of its own,
/// and every key and value encoded as Python's `quote_plus` encodes them
/// (letters, digits and `_.-~` kept, a space as `+`).
fn encode_form(operation: Operation, body: &[u8]) -> Option<Vec<u8>> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    // serde_urlencoded and `quote_plus` differ only on `*` (kept by one)
    // and `~` (kept by the other): a body without them or an array field
    // is already as twilio-python writes it, and is left as it is.
    let arrays = operation.array_fields();
    let differs = body.contains(&b'*') || contains(body, b"%7E");
    if arrays.is_empty() && !differs {
        return None;
    }
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
    for (key, value) in url::form_urlencoded::parse(body) {
        if !arrays.contains(&key.as_ref()) {
            push(&key, &value);
            continue;
        }
        for (key, item) in crate::wire::form::repeated_pairs(&key, &value) {
            push(key, &crate::wire::form::decode_part(item));
        }
    }
    Some(out.into_bytes())
}

/// Whether a form body sets a field that makes the request unsafe to
/// repeat (the spec's `x-safe-to-repeat: false`: `AnnounceUrl` plays once
/// per try that reaches the service, D36).
fn sets_unsafe_field(operation: Operation, body: &[u8]) -> bool {
    let fields = operation.unsafe_fields();
    !fields.is_empty()
        && body.split(|&b| b == b'&').any(|pair| {
            let key = pair.split(|&b| b == b'=').next().unwrap_or_default();
            fields.iter().any(|f| f.as_bytes() == key)
        })
}

/// Whether `needle` is in `body`: a plain scan, cheaper than building a
/// searcher for the short bodies of this API.
fn contains(body: &[u8], needle: &[u8]) -> bool {
    body.windows(needle.len()).any(|w| w == needle)
}

/// The check no type can make: `Coaching=true` needs `CallSidToCoach` (D6),
/// in an update or a create.
fn check_form(body: &[u8]) -> Option<Ended> {
    // Most bodies do not coach: only those are read as pairs.
    contains(body, fields::COACHING.as_bytes()).then_some(())?;
    let pairs = crate::wire::form::pairs(body);
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let coaching = field(fields::COACHING).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    (coaching && field(fields::CALL_SID_TO_COACH).is_none()).then(|| Ended::Refused {
        parameter: fields::CALL_SID_TO_COACH,
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
        use crate::types::CallProgressEvent;
        use crate::wire::form::Repeated;
        let events: Repeated<CallProgressEvent> =
            ["ringing".into(), "answered".into(), "new one&=".into()].into();
        let events = serde_json::to_value(&events).unwrap();
        let fields = [
            ("Label", "agent one*~é"),
            ("StatusCallbackEvent", events.as_str().unwrap()),
            ("Empty", ""),
        ];
        let body = serde_urlencoded::to_string(fields).unwrap();
        let sent = encode_form(Operation::CreateParticipant, body.as_bytes()).unwrap();
        let sent = String::from_utf8(sent).unwrap();
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
        assert_eq!(
            encode_form(Operation::CreateParticipant, body.as_bytes()),
            Some(Vec::new())
        );
        // No array field (an update has none): a body without `*` or `~`
        // is already as twilio-python writes it, and is left as it is...
        let body = b"StatusCallbackEvent=%26a%26b&Muted=true";
        assert_eq!(encode_form(Operation::UpdateParticipant, body), None);
        // ...and one with them is written again.
        let body = serde_urlencoded::to_string([("AnnounceUrl", "https://x/a*b~c d")]).unwrap();
        assert_eq!(body, "AnnounceUrl=https%3A%2F%2Fx%2Fa*b%7Ec+d");
        let sent = encode_form(Operation::UpdateParticipant, body.as_bytes()).unwrap();
        assert_eq!(sent, b"AnnounceUrl=https%3A%2F%2Fx%2Fa%2Ab~c+d");
    }

    #[test]
    fn the_coaching_refusal_names_the_specs_fields() {
        let field = |name: &str| {
            crate::spec_facts::FORM_FIELDS
                .iter()
                .any(|(op, field, _)| *op == Operation::UpdateParticipant && *field == name)
        };
        let refusal = check_form(b"Coaching=true").expect("a lonely coach is refused");
        let Ended::Refused { parameter, .. } = refusal else {
            panic!("{refusal:?}")
        };
        assert!(field(parameter), "{parameter}");
        assert!(field("Coaching"));
        assert!(
            check_form(b"Coaching=true&CallSidToCoach=CA0123456789abcdef0123456789abcdef")
                .is_none()
        );
        assert!(check_form(b"Coaching=false").is_none());
        assert!(check_form(b"").is_none());
    }
}
