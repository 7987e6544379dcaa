//! What every request goes through, whichever API the caller uses (the
//! [`ParticipantRef`](crate::ParticipantRef) methods or the generated builders).
//!
//! - The generator adds an `api-version` header to every request; neither
//!   provider asks for it and the official SDKs do not send it: removed.
//! - `Coaching=true` without `CallSidToCoach` is refused before sending.
//! - Requests go out through the HTTP client `ClientConfig::build` made,
//!   which never follows a redirect; a 3xx answer is tagged with the
//!   request's method so that the error can say whether an update was lost.
//! - An error answer whose body is not the provider's JSON error object (an
//!   HTML 502 from a proxy, a truncated body) is wrapped into one, keeping the
//!   status and the text, so it becomes a typed, retryable-aware error
//!   instead of a JSON decoding failure.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::error::{PLAIN_TEXT_MARKER, preview};
use crate::{Client, ClientState, types};

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            check_form_body(body).map_err(Error::InvalidRequest)?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let mut response = self.inner.http.execute(request).await?;
        let status = response.status();
        if status.is_redirection() {
            response.extensions_mut().insert(RedirectedRequest(method));
            return Ok(response);
        }
        if !(status.is_client_error() || status.is_server_error()) {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let version = response.version();
        let bytes = read_capped(response).await?;
        if serde_json::from_slice::<types::Error>(&bytes).is_ok() {
            return Ok(rebuild(status, version, headers, bytes, false));
        }
        let text = preview(&bytes);
        let wrapped = types::Error {
            status: Some(i64::from(status.as_u16())),
            message: (!text.is_empty()).then_some(text),
            ..Default::default()
        };
        let body = serde_json::to_vec(&wrapped).unwrap_or_default();
        Ok(rebuild(status, version, headers, body, true))
    }
}

/// The method of a request that was answered with a redirect.
#[derive(Clone, Debug)]
pub(crate) struct RedirectedRequest(pub(crate) reqwest::Method);

/// The most of an error body the client reads; the rest is dropped.
const ERROR_BODY_CAP: usize = 64 * 1024;

async fn read_capped(mut response: reqwest::Response) -> reqwest::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = ERROR_BODY_CAP - bytes.len();
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() == ERROR_BODY_CAP {
            break;
        }
    }
    Ok(bytes)
}

fn rebuild(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    mut headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
    plain_text: bool,
) -> reqwest::Response {
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.remove(reqwest::header::CONTENT_ENCODING);
    // Only this client sets the marker; a server cannot.
    headers.remove(PLAIN_TEXT_MARKER);
    if plain_text {
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            PLAIN_TEXT_MARKER,
            reqwest::header::HeaderValue::from_static("1"),
        );
    }
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// Refuses a form body that sets `Coaching=true` without `CallSidToCoach`.
pub(crate) fn check_form_body(body: &[u8]) -> Result<(), String> {
    let mut coaching = false;
    let mut coached = false;
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "Coaching" => coaching = value.eq_ignore_ascii_case("true"),
            "CallSidToCoach" => coached = !value.is_empty(),
            _ => {}
        }
    }
    if coaching && !coached {
        return Err("invalid CallSidToCoach: it is required when Coaching is true".into());
    }
    Ok(())
}
