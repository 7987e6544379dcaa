//! What every request goes through, whichever API the caller uses (the
//! [`ParticipantRef`](crate::ParticipantRef) methods or the generated
//! builders): the one place for the checks a generator cannot make.
//!
//! - The generator adds an `api-version` header to every request; neither
//!   provider asks for it and the official SDKs do not send it: removed.
//! - A form field the spec declares `format: uri` must be an absolute http(s)
//!   URL (the providers refuse anything else with error 21402), except an
//!   empty `WaitUrl`, which Twilio reads as silence (D5).
//! - `Coaching=true` without `CallSidToCoach` is refused (D6: OpenAPI 3.0
//!   cannot say "required when").
//! - Requests go out through the HTTP client `ClientConfig::build` made,
//!   which never follows a redirect; a 3xx answer is tagged with the
//!   request's method so that the error can say whether an update was lost.
//! - An error answer whose body is not the provider's JSON error object (an
//!   HTML 502 from a proxy, a truncated body) is wrapped into one, keeping the
//!   status and the text, so it becomes a typed, retryable-aware error
//!   instead of a JSON decoding failure.

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};

use crate::error::{PLAIN_TEXT_MARKER, preview};
use crate::{Client, ClientState, spec_facts, types};

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            check_form(body).map_err(Error::InvalidRequest)?;
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
        let mut headers = response.headers().clone();
        let version = response.version();
        let mut body = response.bytes().await?.to_vec();
        // Only this client sets the marker; a server cannot.
        headers.remove(PLAIN_TEXT_MARKER);
        if serde_json::from_slice::<types::Error>(&body).is_err() {
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
        headers.remove(CONTENT_LENGTH);
        headers.remove(CONTENT_ENCODING);
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// The method of a request that was answered with a redirect.
#[derive(Clone, Debug)]
pub(crate) struct RedirectedRequest(pub(crate) reqwest::Method);

/// The form checks: `Err("invalid FIELD: why")`, the text the error
/// conversion reads the parameter back from.
fn check_form(body: &[u8]) -> Result<(), String> {
    let (mut coaching, mut coached) = (false, false);
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "Coaching" => coaching = value.eq_ignore_ascii_case("true"),
            "CallSidToCoach" => coached = !value.is_empty(),
            "WaitUrl" if value.is_empty() => {}
            field if spec_facts::URI_FIELDS.contains(&field) => check_url(field, &value)?,
            _ => {}
        }
    }
    if coaching && !coached {
        return Err("invalid CallSidToCoach: it is required when Coaching is true".into());
    }
    Ok(())
}

fn check_url(field: &str, value: &str) -> Result<(), String> {
    let shown = value.escape_debug();
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        Ok(u) => Err(format!(
            "invalid {field}: `{shown}` is a {} URL; use http or https",
            u.scheme()
        )),
        Err(e) => Err(format!(
            "invalid {field}: `{shown}` is not an absolute URL ({e})"
        )),
    }
}
