//! Building a [`Client`]: where it talks to, as whom, and how patiently
//! (progenitor takes a ready `reqwest::Client`; these constructors make it).

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::ExposeSecret as _;

use crate::{Client, Patterned, types};

/// A secret (API token or auth token): never shown by `Debug`, wiped from
/// memory when dropped. Made from a `String`, a `&str`, a `&String` (a token
/// read from the environment, lent) or a [`secrecy::SecretString`].
#[derive(Clone)]
pub struct Secret(secrecy::SecretString);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

// A request body field (`SipAuthPassword`, D34) goes on the wire as it is;
// `Debug` and every error still hide it.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::from)
    }
}

// Compared in constant time (a fake server checks a password with it).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq as _;
        let (a, b) = (self.0.expose_secret(), other.0.expose_secret());
        a.as_bytes().ct_eq(b.as_bytes()).into()
    }
}

impl secrecy::ExposeSecret<str> for Secret {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<secrecy::SecretString> for Secret {
    fn from(secret: secrecy::SecretString) -> Self {
        Secret(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Secret(secret.into())
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Secret(secret.into())
    }
}

impl From<&String> for Secret {
    fn from(secret: &String) -> Self {
        Secret(secret.as_str().into())
    }
}

impl From<Box<str>> for Secret {
    fn from(secret: Box<str>) -> Self {
        Secret(secret.into())
    }
}

/// The default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for a whole request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The `User-Agent` every request carries unless the caller picks another.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The environment variables [`Client::from_env`] reads.
pub const ENV_SPACE: &str = "SIGNALWIRE_SPACE";
/// The project id variable.
pub const ENV_PROJECT_ID: &str = "SIGNALWIRE_PROJECT_ID";
/// The API token variable.
pub const ENV_API_TOKEN: &str = "SIGNALWIRE_API_TOKEN";

/// What the generated `Client` carries besides its HTTP client: the account
/// it acts for, and the HTTP client [`ClientConfig::build`] made, which every
/// request is sent through (so that its redirect policy holds even for a
/// `Client` assembled by hand around another `reqwest::Client`).
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) account_sid: types::AccountSid,
    pub(crate) http: reqwest::Client,
    pub(crate) retries: Option<Retries>,
    pub(crate) max_response_bytes: usize,
}

/// How a client retries (see [`ClientConfig::retries`]): at most `attempts`
/// tries in all, none started after `budget` has gone by since the first
/// (waits included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retries {
    /// The most tries one call makes, the first included.
    pub attempts: u32,
    /// How long after the first try a retry may still start.
    pub budget: Duration,
}

/// Why a [`Client`] could not be built. Never contains a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable [`Client::from_env`] needs is not set (or is empty).
    #[error("environment variable {variable} is not set")]
    MissingEnv {
        /// The variable's name.
        variable: &'static str,
    },
    /// The SignalWire space name is not a valid host label.
    #[error("invalid SignalWire space `{space}`: {reason}")]
    InvalidSpace {
        /// The space as given.
        space: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The base URL cannot be used.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given, with any user information removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A user name or secret cannot be put in a Basic `Authorization`
    /// header, or the user name is not an account id the spec accepts (the
    /// `AccountSid` of every path: a SignalWire project id or a Twilio
    /// account SID).
    #[error("invalid {which}: {reason}")]
    InvalidCredential {
        /// Which one: `username` or `password`.
        which: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be built (TLS set-up, for example).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// TLS could not be set up (no usable root certificates, for example).
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

/// Everything needed to build a [`Client`], with defaults that can be changed.
///
/// ```
/// use std::time::Duration;
/// use signalwire_participants::{ClientConfig, ClientInfo};
///
/// let client = ClientConfig::signalwire("example", "b3877c40-da60-4998-90ad-b792e98472af", "PTxxxx")?
///     .timeout(Duration::from_secs(5))
///     .user_agent("my-console/1.0")
///     .build()?;
/// assert_eq!(client.baseurl(), "https://example.signalwire.com/api/laml");
/// # Ok::<(), signalwire_participants::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientConfig {
    base_url: String,
    account_sid: types::AccountSid,
    password: Secret,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    retries: Option<Retries>,
    max_response_bytes: usize,
}

impl ClientConfig {
    /// The default of [`max_response_bytes`](Self::max_response_bytes): 8 MiB.
    /// A page of 1,000 participants, the most a page holds, is about 580 KiB
    /// (a participant is about 590 bytes of JSON; a test measures one from
    /// the fake), so the default leaves room more than ten times over for
    /// long labels, URLs and fields a provider adds, while no server can
    /// make one call hold more than 8 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 << 20;

    /// A SignalWire space: `space` is the `NAME` of `NAME.signalwire.com`
    /// (the full host is accepted too); the project id is the user name and
    /// the API token (with the Voice scope) the password.
    pub fn signalwire(
        space: &str,
        project_id: &str,
        api_token: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        let host = signalwire_host(space)?;
        Self::new(
            format!("https://{host}/api/laml"),
            project_id,
            api_token.into(),
        )
    }

    /// Twilio, with the account SID and its auth token.
    pub fn twilio(account_sid: &str, auth_token: impl Into<Secret>) -> Result<Self, ConfigError> {
        Self::new(
            "https://api.twilio.com".into(),
            account_sid,
            auth_token.into(),
        )
    }

    /// Any base URL: a proxy, a fake server, a test. The path operations are
    /// appended to it (`{base}/2010-04-01/Accounts/...`). Plain `http` is
    /// accepted only for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`).
    /// `username` is the account every path names, as for the other
    /// constructors: a SignalWire project id or a Twilio account SID, refused
    /// now if it is neither.
    pub fn with_base_url(
        base_url: &str,
        username: &str,
        password: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        Self::new(check_base_url(base_url)?, username, password.into())
    }

    /// A SignalWire space from `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and
    /// `SIGNALWIRE_API_TOKEN`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientConfig::from_env`], reading the variables through `lookup`
    /// (a configuration system, or a map in a test).
    ///
    /// ```
    /// use signalwire_participants::{ClientConfig, ConfigError};
    ///
    /// let err = ClientConfig::from_lookup(|name| match name {
    ///     "SIGNALWIRE_SPACE" => Some("example".to_string()),
    ///     _ => None,
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.to_string(), "environment variable SIGNALWIRE_PROJECT_ID is not set");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |variable: &'static str| {
            lookup(variable)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::MissingEnv { variable })
        };
        let (space, project, token) = (get(ENV_SPACE)?, get(ENV_PROJECT_ID)?, get(ENV_API_TOKEN)?);
        Self::signalwire(&space, &project, token)
    }

    fn new(base_url: String, username: &str, password: Secret) -> Result<Self, ConfigError> {
        let refuse = |which, reason| Err(ConfigError::InvalidCredential { which, reason });
        for (which, value) in [
            ("username", username),
            ("password", password.expose_secret()),
        ] {
            if value.is_empty() {
                return refuse(which, "it is empty");
            }
            if value.chars().any(char::is_control) {
                return refuse(which, "it contains a control character");
            }
        }
        if username.contains(':') {
            return refuse(
                "username",
                "it contains `:`, which Basic authentication cannot carry",
            );
        }
        // The user name is the account of every path: checked now, or every
        // call would fail with the same refusal. It is not quoted (a token
        // passed in its place must not show).
        let Ok(account_sid) = username.parse::<types::AccountSid>() else {
            return refuse("username", types::AccountSid::ACCEPTS);
        };
        Ok(ClientConfig {
            base_url,
            account_sid,
            password,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: USER_AGENT.to_string(),
            retries: None,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
        })
    }

    /// The time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for a whole request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `signalwire-participants/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest answer body a call reads, success or error (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES), 8 MiB).
    /// A larger answer fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), and the
    /// rest of it is not read: at once when its `Content-Length` says so,
    /// else as soon as the body read passes the limit.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Turns retries on (they are off by default): a call is tried at most
    /// `attempts` times, and no retry starts once `budget` has gone by since
    /// the first try. What is retried, and what each operation does on a
    /// retry, is the crate documentation's table ("Retries"): exactly the
    /// failures [`Error::is_retryable`](crate::Error::is_retryable) calls
    /// retryable. The wait is what the answer's `Retry-After` says (seconds or an HTTP date; if it ends past the
    /// budget, the call gives up and returns that answer), or else an
    /// exponential backoff from 100 ms (at most 5 s), with jitter. A call
    /// lasts at most `budget` plus the time of its last try (at most
    /// [`timeout`](Self::timeout)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use signalwire_participants::ClientConfig;
    ///
    /// let client = ClientConfig::twilio("AC0123456789abcdef0123456789abcdef", "token")?
    ///     .retries(4, Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), signalwire_participants::ConfigError>(())
    /// ```
    pub fn retries(mut self, attempts: u32, budget: Duration) -> Self {
        self.retries = Some(Retries { attempts, budget });
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Builds the client. Every request it makes carries HTTP Basic
    /// credentials in a header marked sensitive, and no redirect is ever
    /// followed (see [`Error::Redirect`](crate::Error::Redirect)).
    pub fn build(self) -> Result<Client, ConfigError> {
        let credentials = format!("{}:{}", self.account_sid, self.password.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        let mut auth = HeaderValue::from_str(&format!("Basic {encoded}"))
            .expect("base64 text is always a valid header value");
        auth.set_sensitive(true);
        let http = tls(reqwest::Client::builder())?
            .default_headers(HeaderMap::from_iter([(AUTHORIZATION, auth)]))
            .user_agent(self.user_agent)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // A redirect would turn an update into a GET, or replay it to
            // another host: the hooks turn every 3xx into an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ConfigError::Http)?;
        let state = ClientState {
            account_sid: self.account_sid,
            http: http.clone(),
            retries: self.retries,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(Client::new_with_client(&self.base_url, http, state))
    }
}

/// The TLS stack the crate's features chose (reqwest takes it from the
/// builder): the platform's, or by default rustls with ring, configured for
/// this client alone.
#[cfg(feature = "native-tls")]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(builder.tls_backend_native())
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    use std::sync::Arc;
    let failed = |e: rustls::Error| ConfigError::Tls(e.to_string());
    // rustls 0.23.48 deprecates ring's provider (no post-quantum key
    // exchange) and offers no other way to get it; ring stays for its build
    // time (BENCHMARKS.md, "Build times"), so users' builds must not warn.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(failed)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest uses a preconfigured rustls as it is: HTTP/1.1, as it would.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// Without a TLS feature the client speaks plain http only (to loopback).
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(builder)
}

/// `NAME` or `NAME.signalwire.com` to the space's host, refusing anything
/// that would put another host (or a path) into the URL.
fn signalwire_host(space: &str) -> Result<String, ConfigError> {
    let trimmed = space.trim().to_ascii_lowercase();
    let name = trimmed.strip_suffix(".signalwire.com").unwrap_or(&trimmed);
    let host = format!("{name}.signalwire.com");
    // One DNS label, and the URL parser must find exactly this host.
    let parsed = url::Url::parse(&format!("https://{host}/")).ok();
    if name.is_empty()
        || name.contains('.')
        || name.starts_with('-')
        || name.ends_with('-')
        || parsed.and_then(|u| u.host_str().map(|h| h == host)) != Some(true)
    {
        return Err(ConfigError::InvalidSpace {
            space: space.escape_debug().to_string(),
            reason: "use only the space's name, as in NAME.signalwire.com",
        });
    }
    Ok(host)
}

/// An absolute https URL (or http on loopback) with no credentials, query
/// or fragment, without its trailing `/`.
fn check_base_url(base_url: &str) -> Result<String, ConfigError> {
    let parsed = url::Url::parse(base_url.trim());
    let problem = match &parsed {
        Err(e) => e.to_string(),
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            "credentials do not belong in the URL; pass them as arguments".into()
        }
        Ok(u) if u.query().is_some() || u.fragment().is_some() => {
            "a base URL has no query or fragment".into()
        }
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)) => {
            return Ok(u.as_str().trim_end_matches('/').to_string());
        }
        Ok(u) if u.scheme() == "http" => {
            "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https"
                .into()
        }
        Ok(u) => format!(
            "the scheme must be https (or http on loopback), not {}",
            u.scheme()
        ),
    };
    // Show the URL without any user information: it may hold a secret.
    let url = parsed.map_or(base_url.escape_debug().to_string(), |mut u| {
        let _ = (u.set_username(""), u.set_password(None));
        u.to_string()
    });
    Err(ConfigError::InvalidBaseUrl {
        url,
        reason: problem,
    })
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // `localhost` itself resolves to loopback without asking DNS (RFC
        // 6761); a subdomain of it is whatever a resolver answers.
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

impl Client {
    /// A client for a SignalWire space. See [`ClientConfig::signalwire`].
    ///
    /// ```
    /// let client = signalwire_participants::Client::signalwire(
    ///     "example",
    ///     "b3877c40-da60-4998-90ad-b792e98472af",
    ///     "PTxxxx",
    /// )?;
    /// assert_eq!(client.account_sid(), "b3877c40-da60-4998-90ad-b792e98472af");
    /// # Ok::<(), signalwire_participants::ConfigError>(())
    /// ```
    pub fn signalwire(
        space: &str,
        project_id: &str,
        api_token: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        ClientConfig::signalwire(space, project_id, api_token)?.build()
    }

    /// A client for Twilio. See [`ClientConfig::twilio`].
    pub fn twilio(account_sid: &str, auth_token: impl Into<Secret>) -> Result<Self, ConfigError> {
        ClientConfig::twilio(account_sid, auth_token)?.build()
    }

    /// A client for a SignalWire space named by the environment. See
    /// [`ClientConfig::from_env`].
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientConfig::from_env()?.build()
    }

    /// A client for any base URL. See [`ClientConfig::with_base_url`].
    pub fn with_base_url(
        base_url: &str,
        username: &str,
        password: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        ClientConfig::with_base_url(base_url, username, password)?.build()
    }

    /// The account this client acts for (the SignalWire project id or the
    /// Twilio account SID it was built with).
    pub fn account_sid(&self) -> &str {
        &self.inner.account_sid
    }
}
