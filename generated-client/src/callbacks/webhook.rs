//! Verifying the signed callbacks (status callbacks, webhooks) that Twilio
//! and SignalWire send to an application.
//!
//! A [`Verifier`] holds the key the provider signs with (Twilio: the
//! account's auth token; SignalWire: the project's Signing Key) and checks
//! one request: the URL the provider called, the request's headers and the
//! raw body bytes, before anything reads the body as an event.
//!
//! ```
//! use signalwire_participants::webhook::{Verifier, VerifyError};
//!
//! let verifier = Verifier::twilio("12345")?;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=".parse().unwrap());
//! let body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234\
//!              &From=%2B14158675309&To=%2B18005551212";
//! // The URL is the one the provider was given, stated by the application:
//! // never rebuilt from `Host` or `X-Forwarded-*`.
//! let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
//! verifier.verify(url, &headers, body)?;
//!
//! // Any other body is refused.
//! let forged = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999\
//!                &From=%2B14158675309&To=%2B18005551212";
//! assert_eq!(verifier.verify(url, &headers, forged), Err(VerifyError::BadSignature));
//! # Ok::<(), VerifyError>(())
//! ```
//!
//! # What is checked, in order
//!
//! 0. The key, once, when the verifier is made: an empty one is
//!    [`VerifyError::EmptyKey`] (anyone could sign with it).
//! 1. The body's length, against [`Verifier::max_body`] ([`MAX_BODY`] by
//!    default): nothing longer is parsed or hashed.
//! 2. The signature headers: `X-Twilio-Signature` for Twilio; for
//!    SignalWire, [`SIGNALWIRE_SHA256_SIGNATURE`] and
//!    `X-SignalWire-Signature` (or `X-Twilio-Signature` when that is
//!    absent: SignalWire's SDKs accept it for LaML callers). At most one
//!    value of each.
//! 3. The URL: an absolute `http` or `https` URL with a host.
//! 4. The signature, an HMAC keyed with the provider's key, compared in
//!    constant time (`hmac`'s `verify_slice`); [`Verifier::verify`] says
//!    which [`Scheme`] matched:
//!    - **SignalWire's SHA-256 header** first: lowercase hex HMAC-SHA256
//!      of the URL followed by the raw body. One that does not match
//!      leaves the decision to the SHA-1 header, as SignalWire's SDKs do
//!      (D35 in `openapi/RECONCILIATION.md`).
//!    - **Twilio** (base64 HMAC-SHA1): the URL, then every form field of
//!      the body, percent-decoded (`+` is a space), keys in ascending
//!      order, each key's distinct values in ascending order, as `key` +
//!      `value` with no separator. A field with no name (`=x`) is refused:
//!      it would be signed as its value alone.
//!    - **SignalWire**, either of its two SHA-1 schemes, told apart by the
//!      signature's form: 40 lowercase hex digits are the JSON scheme (the
//!      URL followed by the raw body, as the URL is given); base64 is the
//!      form scheme, which is Twilio's except that a repeated key keeps its
//!      values in the order they were sent, duplicates included.
//!    - **`bodySHA256`**: when the URL's query carries it (both providers
//!      sign JSON bodies this way), the form scheme covers the URL alone and
//!      the SHA-256 of the raw body, in lowercase hex, must equal it.
//!
//! A form event (`events::receive`) is read only from a body
//! signed by a scheme no other scheme can impersonate
//! ([`Scheme::covers_form_events`]): the form schemes and SHA-256. The hex
//! SHA-1 scheme shares the form scheme's key and MAC, so a form callback's
//! signature is also a valid hex signature of its fields' concatenation.
//!
//! # The URL and its port
//!
//! The URL is signed as the provider was given it. Both providers are known
//! to sign a URL without a port with the scheme's default port added, and
//! the other way round, so a signature over either form is accepted:
//! `https://host/cb` and `https://host:443/cb` (`http` and `:80`). A
//! non-standard port is taken **only as given**: twilio-python and
//! twilio-node also try the URL with any port removed, so that a signature
//! for `https://host/cb` passes at `https://host:8443/cb`; nothing
//! documents that Twilio signs that way, and it lets a signature made for
//! one service on a host be used on another. SignalWire's SDKs do the same
//! as this crate. User information (`user:pass@`) is kept in both forms
//! (twilio-python cuts it when it removes a port); SignalWire documents that
//! call webhooks are signed without it, so state the URL the way the
//! provider signs it. The query is taken as written, never re-encoded.
//!
//! # What is never accepted
//!
//! A signature that does not cover the body received. The official
//! SignalWire SDKs also try the form scheme over the URL alone, so a
//! signature of the URL validates any form body (a forged
//! `participant-leave` passes); here, a body that is not empty must be
//! covered by the form fields or by `bodySHA256`, and a non-empty body
//! without a single form field is refused.
//!
//! Errors say which check failed and never show the key, the signature
//! expected, or the URL (which may carry a password). With the `tracing`
//! feature, each refusal is logged at `warn` with the check that failed and
//! the URL's origin and path (no user information, no query): a receiver
//! stated with the wrong origin shows in the log.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::ExposeSecret as _;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use crate::Secret;

/// The largest body [`Verifier::verify`] reads unless told otherwise
/// ([`Verifier::max_body`]): 64 KiB, far above any conference callback
/// (about 1 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// The header Twilio signs with (SignalWire's SDKs accept it too).
pub const TWILIO_SIGNATURE: &str = "X-Twilio-Signature";
/// The header SignalWire signs with.
pub const SIGNALWIRE_SIGNATURE: &str = "X-SignalWire-Signature";
/// The header SignalWire's newer senders add: a lowercase hex HMAC-SHA256
/// over the URL and the raw body (checked before [`SIGNALWIRE_SIGNATURE`]).
pub const SIGNALWIRE_SHA256_SIGNATURE: &str = "X-SignalWire-Sha256-Signature";

/// The query parameter that carries the SHA-256 of a JSON body.
const BODY_SHA256: &str = "bodySHA256";

/// Which provider signed (decides the header names and the scheme).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Twilio: the account's auth token, `X-Twilio-Signature`.
    Twilio,
    /// SignalWire: the project's Signing Key, `X-SignalWire-Signature`.
    SignalWire,
}

impl Provider {
    /// The header this provider puts its signature in.
    pub fn signature_header(self) -> &'static str {
        match self {
            Provider::Twilio => TWILIO_SIGNATURE,
            Provider::SignalWire => SIGNALWIRE_SIGNATURE,
        }
    }
}

/// Verifies callbacks: holds the key, taken as a [`Secret`] (never in
/// `Debug`, errors or traces), as the HMAC states it keys, made once and
/// wiped from memory when dropped as `Secret` is.
#[derive(Clone)]
pub struct Verifier {
    provider: Provider,
    /// The HMAC-SHA1 state after the key.
    keyed: Hmac<Sha1>,
    /// The HMAC-SHA256 state after the key (SignalWire's SHA-256 header).
    keyed_sha256: Hmac<Sha256>,
    max_body: usize,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("provider", &self.provider)
            .field("key", &"[REDACTED]")
            .field("max_body", &self.max_body)
            .finish()
    }
}

/// Which scheme a signature was made with: what [`Verifier::verify`]
/// accepted, and so what the signature covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Twilio's form scheme (base64 HMAC-SHA1 over the URL and the form's
    /// fields, sorted, each key's distinct values sorted).
    TwilioForm,
    /// SignalWire's form scheme (base64 HMAC-SHA1 over the URL and the
    /// form's fields, sorted by key, values in the order sent).
    SignalWireForm,
    /// SignalWire's JSON scheme: lowercase hex HMAC-SHA1 over the URL and
    /// the raw body. The same MAC is the form scheme's signature of
    /// another body (the fields' concatenation), so it never yields a
    /// form event ([`Scheme::covers_form_events`]).
    SignalWireHexSha1,
    /// The form scheme over the URL alone, whose `bodySHA256` query
    /// parameter is the raw body's SHA-256 (JSON bodies, both providers).
    BodySha256,
    /// SignalWire's SHA-256 header ([`SIGNALWIRE_SHA256_SIGNATURE`]):
    /// lowercase hex HMAC-SHA256 over the URL and the raw body.
    SignalWireSha256,
}

impl Scheme {
    /// Whether a form body (or a GET's query) verified by this scheme may
    /// be read as an event: only a scheme no other scheme can impersonate,
    /// the form schemes and SHA-256 over the raw body (no form scheme uses
    /// SHA-256). SignalWire's hex SHA-1 scheme is the form scheme's MAC of
    /// another body, and `bodySHA256` is the form scheme's MAC of the URL
    /// alone: a callback signed so is never read as a form event.
    pub fn covers_form_events(self) -> bool {
        matches!(
            self,
            Scheme::TwilioForm | Scheme::SignalWireForm | Scheme::SignalWireSha256
        )
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::TwilioForm => "Twilio's form scheme",
            Scheme::SignalWireForm => "SignalWire's form scheme",
            Scheme::SignalWireHexSha1 => "SignalWire's hex HMAC-SHA1 over the raw body",
            Scheme::BodySha256 => "a signature of the URL with bodySHA256",
            Scheme::SignalWireSha256 => "SignalWire's HMAC-SHA256 over the raw body",
        })
    }
}

/// Which check failed; never shows the key or the expected signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The key to verify with is empty (HTTP 500: the receiver is
    /// misconfigured). Anyone can sign with an empty key, so no verifier
    /// is made with one.
    #[error(
        "the key to verify callbacks with is empty (Twilio: the account's auth token; SignalWire: the project's Signing Key); anyone could sign with it"
    )]
    EmptyKey,
    /// The request carries no signature header (HTTP 400).
    #[error("the request has no {header} header")]
    MissingSignature {
        /// The header that was looked for.
        header: &'static str,
    },
    /// The signature header appears more than once (HTTP 400).
    #[error("the request has more than one {header} header")]
    DuplicateSignature {
        /// The repeated header.
        header: &'static str,
    },
    /// The body is longer than the limit; it was neither parsed nor hashed
    /// (HTTP 413).
    #[error("the body has {length} bytes, more than the {limit} accepted")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The body's length, in bytes.
        length: usize,
    },
    /// The signature does not match the URL and body (HTTP 403).
    #[error("the signature does not match the URL and the body")]
    BadSignature,
    /// A form field has no name (`=value`, or a bare `=`): the form
    /// schemes sign it as its value alone, or not at all, so no signature
    /// covers it (HTTP 400). No provider sends one.
    #[error("the form body has a field with no name, which no signature covers")]
    UnnamedField,
    /// The signature covers the URL, but the body's SHA-256 is not the
    /// `bodySHA256` the URL carries: the body was changed (HTTP 403).
    #[error("the body's SHA-256 is not the bodySHA256 of the signed URL")]
    BodyHashMismatch,
    /// The URL to verify against cannot be used (HTTP 400). The reason
    /// never quotes the URL.
    #[error("the URL to verify against cannot be used: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
}

impl VerifyError {
    /// The HTTP status to answer with: 400 for a missing or repeated
    /// signature header, a field with no name or an unusable URL, 403 for
    /// a signature or body hash that does not match, 413 for a body over
    /// the limit, 500 for an empty key (the receiver's own fault).
    pub fn status(&self) -> u16 {
        match self {
            VerifyError::MissingSignature { .. }
            | VerifyError::DuplicateSignature { .. }
            | VerifyError::UnnamedField
            | VerifyError::InvalidUrl { .. } => 400,
            VerifyError::BadSignature | VerifyError::BodyHashMismatch => 403,
            VerifyError::BodyTooLarge { .. } => 413,
            VerifyError::EmptyKey => 500,
        }
    }
}

/// What a verification found: the scheme, and the form's fields when it
/// split them (the form schemes), for the decoder to reuse.
pub(crate) struct Verified<'b> {
    pub(crate) scheme: Scheme,
    pub(crate) pairs: Option<FormPairs<'b>>,
}

impl Verifier {
    /// Verifies Twilio's callbacks, signed with the account's auth token.
    /// An empty token is [`VerifyError::EmptyKey`].
    pub fn twilio(auth_token: impl Into<Secret>) -> Result<Self, VerifyError> {
        Self::new(Provider::Twilio, auth_token)
    }

    /// Verifies SignalWire's callbacks, signed with the project's Signing
    /// Key (Dashboard, API Credentials), which is not the API token. An
    /// empty key is [`VerifyError::EmptyKey`].
    pub fn signalwire(signing_key: impl Into<Secret>) -> Result<Self, VerifyError> {
        Self::new(Provider::SignalWire, signing_key)
    }

    /// Verifies `provider`'s callbacks, signed with `key`; an empty key is
    /// [`VerifyError::EmptyKey`] (anyone can sign with it).
    ///
    /// ```
    /// use signalwire_participants::webhook::{Verifier, VerifyError};
    ///
    /// // An unset variable read as "" never becomes a verifier.
    /// let key = std::env::var("A_VARIABLE_NOBODY_SETS").unwrap_or_default();
    /// assert_eq!(Verifier::signalwire(key).unwrap_err(), VerifyError::EmptyKey);
    /// ```
    pub fn new(provider: Provider, key: impl Into<Secret>) -> Result<Self, VerifyError> {
        let key: Secret = key.into();
        let key = key.expose_secret().as_bytes();
        if key.is_empty() {
            return Err(VerifyError::EmptyKey);
        }
        // HMAC takes keys of any length: these never fail.
        let keyed = Hmac::new_from_slice(key).map_err(|_| VerifyError::EmptyKey)?;
        let keyed_sha256 = Hmac::new_from_slice(key).map_err(|_| VerifyError::EmptyKey)?;
        Ok(Verifier {
            provider,
            keyed,
            keyed_sha256,
            max_body: MAX_BODY,
        })
    }

    /// The body limit checked before anything else (default [`MAX_BODY`]).
    /// A framework should stop reading the body at this length too.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The body limit in force.
    pub fn body_limit(&self) -> usize {
        self.max_body
    }

    /// The provider whose signatures this verifies.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// Checks one request, and says which [`Scheme`] signed it.
    ///
    /// `url`: the exact URL the provider called (scheme, host, port, path,
    /// query), as the app states it: never built from `Host` or
    /// `X-Forwarded-*` here. Behind a proxy, that is the public URL the
    /// provider was given. `headers`: the request's headers. `body`: the raw
    /// bytes, before any parsing.
    ///
    /// A refusal is logged (with the `tracing` feature, at `warn`) with the
    /// check that failed and the URL's origin and path, never its user
    /// information or query, the key or the signature.
    pub fn verify(
        &self,
        url: &str,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Scheme, VerifyError> {
        self.verified(url, headers, body).map(|v| v.scheme)
    }

    /// [`Verifier::verify`], giving back the form's fields when it split
    /// them (the form schemes), for the decoder to reuse.
    pub(crate) fn verified<'b>(
        &self,
        url: &str,
        headers: &http::HeaderMap,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        let verified = self.check(url, headers, body);
        if let Err(e) = &verified {
            refused(url, e);
        }
        verified
    }

    fn check<'b>(
        &self,
        url: &str,
        headers: &http::HeaderMap,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        if body.len() > self.max_body {
            return Err(VerifyError::BodyTooLarge {
                limit: self.max_body,
                length: body.len(),
            });
        }
        let sha256 = match self.provider {
            Provider::SignalWire => one(headers, SIGNALWIRE_SHA256_SIGNATURE)?,
            Provider::Twilio => None,
        };
        let sha1 = match self.signature(headers) {
            Ok(signature) => Some(signature),
            Err(VerifyError::MissingSignature { .. }) if sha256.is_some() => None,
            Err(e) => return Err(e),
        };
        let target = Target::parse(url)?;
        // SignalWire's SHA-256 header first, as its SDKs check it; one that
        // does not match leaves the decision to the SHA-1 header (D35).
        if let Some(hex) = sha256.and_then(decode_hex::<32>) {
            let matched = target.candidates().any(|url| {
                let mut mac = self.keyed_sha256.clone();
                url.iter().for_each(|piece| mac.update(piece.as_bytes()));
                mac.update(body);
                mac.verify_slice(&hex).is_ok()
            });
            if matched {
                let scheme = Scheme::SignalWireSha256;
                return Ok(Verified {
                    scheme,
                    pairs: None,
                });
            }
        }
        // A SHA-256 signature that did not match, and no other.
        let signature = sha1.ok_or(VerifyError::BadSignature)?;
        let key = self.keyed();
        if self.provider == Provider::SignalWire
            && let Some(hex) = decode_hex::<20>(signature)
        {
            // The JSON scheme: the URL as given, then the raw body.
            let mut mac = key;
            mac.update(url.as_bytes());
            mac.update(body);
            mac.verify_slice(&hex)
                .map_err(|_| VerifyError::BadSignature)?;
            target.check_body_hash(body)?;
            let scheme = Scheme::SignalWireHexSha1;
            return Ok(Verified {
                scheme,
                pairs: None,
            });
        }
        let signature = decode_base64_sha1(signature).ok_or(VerifyError::BadSignature)?;
        if target.body_sha256.is_some() {
            // The signature covers the URL; the hash in it covers the body.
            if !target
                .candidates()
                .any(|url| matches(&key, url, &Fields::NONE, &signature))
            {
                return Err(VerifyError::BadSignature);
            }
            target.check_body_hash(body)?;
            let scheme = Scheme::BodySha256;
            return Ok(Verified {
                scheme,
                pairs: None,
            });
        }
        let params = self.params(body);
        if params.pairs.is_empty() && !body.is_empty() {
            // Only the URL could be signed: that covers no byte of this body.
            return Err(VerifyError::BadSignature);
        }
        if params.pairs.iter().any(|(k, _)| k.is_empty()) {
            // `=x` is signed as `x` alone, and `=` not at all.
            return Err(VerifyError::UnnamedField);
        }
        if !target
            .candidates()
            .any(|url| matches(&key, url, &params, &signature))
        {
            return Err(VerifyError::BadSignature);
        }
        let scheme = match self.provider {
            Provider::Twilio => Scheme::TwilioForm,
            Provider::SignalWire => Scheme::SignalWireForm,
        };
        Ok(Verified {
            scheme,
            pairs: Some(params.pairs),
        })
    }

    /// The signature the provider would send for a POST of `body` (a form,
    /// or any body when the URL carries `bodySHA256`) to `url`, in its form
    /// scheme: what a test or a fake server puts in
    /// [`Provider::signature_header`]. The URL is signed as given; no
    /// `bodySHA256` is added or checked.
    pub fn sign(&self, url: &str, body: &[u8]) -> Result<String, VerifyError> {
        let target = Target::parse(url)?;
        let mut mac = self.keyed();
        mac.update(url.as_bytes());
        if target.body_sha256.is_none() {
            self.params(body).feed(&mut mac);
        }
        Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// What SignalWire sends in [`SIGNALWIRE_SHA256_SIGNATURE`] for a POST
    /// of `body` to `url`: the lowercase hex HMAC-SHA256 of the URL as
    /// given, then the raw body.
    pub fn sign_sha256(&self, url: &str, body: &[u8]) -> Result<String, VerifyError> {
        Target::parse(url)?;
        let mut mac = self.keyed_sha256.clone();
        mac.update(url.as_bytes());
        mac.update(body);
        let mut hex = [0u8; 64];
        let hex = base16ct::lower::encode_str(&mac.finalize().into_bytes(), &mut hex)
            .map_err(|_| VerifyError::BadSignature)?;
        Ok(hex.to_string())
    }

    /// A copy of the HMAC state keyed with the secret.
    fn keyed(&self) -> Hmac<Sha1> {
        self.keyed.clone()
    }

    /// The one value of the SHA-1 signature header.
    fn signature<'h>(&self, headers: &'h http::HeaderMap) -> Result<&'h str, VerifyError> {
        let header = self.provider.signature_header();
        if let Some(value) = one(headers, header)? {
            return Ok(value);
        }
        match self.provider {
            Provider::SignalWire => one(headers, TWILIO_SIGNATURE)?,
            Provider::Twilio => None,
        }
        .ok_or(VerifyError::MissingSignature { header })
    }

    /// The body's form fields, percent-decoded, and the order the
    /// provider signs them in.
    fn params<'b>(&self, body: &'b [u8]) -> Fields<'b> {
        let params = crate::wire::form::pairs(body);
        // Sorted by the first eight bytes of the key, as a number, and only
        // on a tie by the whole key (and value): the same order as sorting
        // the strings, with fewer string comparisons and smaller moves.
        let mut order: Vec<(u64, usize)> = (params.iter().enumerate())
            .map(|(i, (k, _))| (prefix(k), i))
            .collect();
        match self.provider {
            // Keys ascending, each key's values ascending and de-duplicated
            // (code point order, as Python sorts).
            Provider::Twilio => {
                order.sort_unstable_by(|a, b| {
                    a.0.cmp(&b.0).then_with(|| params[a.1].cmp(&params[b.1]))
                });
                order.dedup_by(|a, b| a.0 == b.0 && params[a.1] == params[b.1]);
            }
            // Keys ascending; a repeated key's values in submission order.
            Provider::SignalWire => order.sort_unstable_by(|a, b| {
                (a.0.cmp(&b.0))
                    .then_with(|| params[a.1].0.cmp(&params[b.1].0))
                    .then(a.1.cmp(&b.1))
            }),
        }
        Fields {
            pairs: params,
            order,
        }
    }
}

/// A form body's fields, percent-decoded, in the order sent.
pub(crate) type FormPairs<'b> = Vec<(Cow<'b, str>, Cow<'b, str>)>;

/// A form body's fields, and the order they are signed in.
struct Fields<'b> {
    pairs: FormPairs<'b>,
    /// Each signed field's key prefix and index in `pairs`, in order.
    order: Vec<(u64, usize)>,
}

impl Fields<'_> {
    /// No fields (what a URL-only signature covers).
    const NONE: Fields<'static> = Fields {
        pairs: Vec::new(),
        order: Vec::new(),
    };

    /// Adds each signed field to the MAC: key, then value.
    fn feed(&self, mac: &mut Hmac<Sha1>) {
        for &(_, i) in &self.order {
            let (k, v) = &self.pairs[i];
            mac.update(k.as_bytes());
            mac.update(v.as_bytes());
        }
    }
}

/// The first eight bytes of `key` as a big-endian number, zero-padded.
fn prefix(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// The one value of `header`, if any: a repeated header is refused, and a
/// value with bytes other than visible ASCII is no signature.
fn one<'h>(
    headers: &'h http::HeaderMap,
    header: &'static str,
) -> Result<Option<&'h str>, VerifyError> {
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(VerifyError::DuplicateSignature { header });
    }
    value
        .to_str()
        .map(Some)
        .map_err(|_| VerifyError::BadSignature)
}

/// `url` without its user information, query or fragment: what a log may
/// show of the URL a callback was checked against.
#[cfg(feature = "tracing")]
pub(crate) fn shown(url: &str) -> String {
    let url = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// Logs a refused callback (with the `tracing` feature): which check
/// failed, and where the callback was checked against, without the URL's
/// user information or query (either may hold a secret).
fn refused(url: &str, error: &VerifyError) {
    #[cfg(feature = "tracing")]
    {
        let at = shown(url);
        tracing::warn!(
            check = %error,
            http.status = error.status(),
            url = %at,
            "refused a callback"
        );
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (url, error);
}

/// Whether the HMAC of `url` (in up to three pieces) and the fields is
/// `signature`, compared in constant time.
fn matches(key: &Hmac<Sha1>, url: [&str; 3], fields: &Fields<'_>, signature: &[u8]) -> bool {
    let mut mac = key.clone();
    for piece in url {
        mac.update(piece.as_bytes());
    }
    fields.feed(&mut mac);
    mac.verify_slice(signature).is_ok()
}

/// A base64 HMAC-SHA1 (28 characters, padded), decoded.
fn decode_base64_sha1(signature: &str) -> Option<[u8; 20]> {
    if signature.len() != 28 {
        return None;
    }
    // The engine's decoded-length estimate for 28 characters is 21 bytes.
    let mut out = [0u8; 21];
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(signature, &mut out)
        .ok()?;
    (n == 20).then(|| out[..20].try_into().expect("20 bytes"))
}

/// A lowercase hex MAC of `N` bytes (`2 * N` digits), decoded.
fn decode_hex<const N: usize>(signature: &str) -> Option<[u8; N]> {
    if signature.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    base16ct::lower::decode(signature, &mut out).ok()?;
    Some(out)
}

/// The URL to verify against, as given, with where its port is or would go.
struct Target<'a> {
    raw: &'a str,
    /// Where the host ends: where a port starts, or would be added.
    host_end: usize,
    /// Where the port ends (`host_end` when there is none).
    port_end: usize,
    /// The port as written, without its colon.
    port: Option<&'a str>,
    /// The scheme's default port, with its colon (`:443`, `:80`).
    default_port: &'static str,
    /// The `bodySHA256` of the query, decoded.
    body_sha256: Option<Cow<'a, str>>,
}

fn invalid(reason: &str) -> VerifyError {
    VerifyError::InvalidUrl {
        reason: reason.to_string(),
    }
}

impl<'a> Target<'a> {
    fn parse(raw: &'a str) -> Result<Self, VerifyError> {
        if raw.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(invalid("it contains a space or a control character"));
        }
        let scheme = |s: &str| {
            raw.get(..s.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(s))
        };
        let (authority_start, default_port) = if scheme("https://") {
            (8, ":443")
        } else if scheme("http://") {
            (7, ":80")
        } else {
            return Err(invalid("it does not start with https:// or http://"));
        };
        let authority_end = raw[authority_start..]
            .find(['/', '?', '#'])
            .map_or(raw.len(), |i| authority_start + i);
        let host_start = raw[authority_start..authority_end]
            .rfind('@')
            .map_or(authority_start, |i| authority_start + i + 1);
        let host_and_port = &raw[host_start..authority_end];
        let host_len = if host_and_port.starts_with('[') {
            match host_and_port.find(']') {
                Some(i) => i + 1,
                None => return Err(invalid("an IPv6 host lacks its closing bracket")),
            }
        } else {
            host_and_port.find(':').unwrap_or(host_and_port.len())
        };
        if host_len == 0 || &host_and_port[..host_len] == "[]" {
            return Err(invalid("it has no host"));
        }
        let host_end = host_start + host_len;
        let port = match &raw[host_end..authority_end] {
            "" => None,
            after => {
                let Some(port) = after.strip_prefix(':') else {
                    return Err(invalid(
                        "the host is followed by something other than a port",
                    ));
                };
                let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
                if !digits || port.parse::<u16>().is_err() {
                    return Err(invalid("the port is not a number from 0 to 65535"));
                }
                Some(port)
            }
        };
        let mut body_sha256 = None;
        let rest = &raw[authority_end..];
        if let Some(q) = rest
            .find(['?', '#'])
            .filter(|&q| rest.as_bytes()[q] == b'?')
        {
            let query = &rest[q + 1..];
            let query = &query[..query.find('#').unwrap_or(query.len())];
            for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
                if k == BODY_SHA256 {
                    if body_sha256.is_some() {
                        return Err(invalid("bodySHA256 appears more than once in the query"));
                    }
                    body_sha256 = Some(v);
                }
            }
        }
        Ok(Target {
            raw,
            host_end,
            port_end: authority_end,
            port,
            default_port,
            body_sha256,
        })
    }

    /// The URL as given, then its other form: with the default port added
    /// when it has no port, without it when it has the default port. A
    /// non-standard port is only taken as given.
    fn candidates(&self) -> impl Iterator<Item = [&'a str; 3]> {
        let (head, tail) = (&self.raw[..self.host_end], &self.raw[self.port_end..]);
        let other = match self.port {
            None => Some([head, self.default_port, tail]),
            Some(port) if port == &self.default_port[1..] => Some([head, "", tail]),
            Some(_) => None,
        };
        std::iter::once([self.raw, "", ""]).chain(other)
    }

    /// The body's SHA-256 against the URL's `bodySHA256`, if it has one.
    fn check_body_hash(&self, body: &[u8]) -> Result<(), VerifyError> {
        let Some(expected) = &self.body_sha256 else {
            return Ok(());
        };
        let mut hex = [0u8; 64];
        let actual = base16ct::lower::encode(&Sha256::digest(body), &mut hex)
            .expect("64 hex digits for 32 bytes");
        if actual == expected.as_bytes() {
            Ok(())
        } else {
            Err(VerifyError::BodyHashMismatch)
        }
    }
}
