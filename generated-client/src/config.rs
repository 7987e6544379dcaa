//! Building a [`Client`]: where it talks to, as whom, and how patiently.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::Client;

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
    pub(crate) account_sid: String,
    pub(crate) http: reqwest::Client,
}

/// Why a [`Client`] could not be built. Never contains a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable [`Client::from_env`] needs is not set (or is empty).
    MissingEnv {
        /// The variable's name.
        variable: &'static str,
    },
    /// The SignalWire space name is not a valid host label.
    InvalidSpace {
        /// The space as given.
        space: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The base URL cannot be used.
    InvalidBaseUrl {
        /// The URL as given, with any user information removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A user name or secret cannot be put in a Basic `Authorization` header.
    InvalidCredential {
        /// Which one: `username` or `password`.
        which: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be built (TLS set-up, for example).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingEnv { variable } => {
                write!(f, "environment variable {variable} is not set")
            }
            ConfigError::InvalidSpace { space, reason } => {
                write!(f, "invalid SignalWire space `{space}`: {reason}")
            }
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            ConfigError::InvalidCredential { which, reason } => {
                write!(f, "invalid {which}: {reason}")
            }
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// A secret (API token or auth token) that never shows in `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<S: Into<String>> From<S> for Secret {
    fn from(s: S) -> Self {
        Secret::new(s)
    }
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
    username: String,
    password: Secret,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
}

impl ClientConfig {
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
    pub fn with_base_url(
        base_url: &str,
        username: &str,
        password: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        let base = check_base_url(base_url)?;
        Self::new(base, username, password.into())
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
        let space = get(ENV_SPACE)?;
        let project = get(ENV_PROJECT_ID)?;
        let token = get(ENV_API_TOKEN)?;
        Self::signalwire(&space, &project, token)
    }

    fn new(base_url: String, username: &str, password: Secret) -> Result<Self, ConfigError> {
        if username.is_empty() {
            return Err(ConfigError::InvalidCredential {
                which: "username",
                reason: "it is empty",
            });
        }
        if username.contains(':') {
            return Err(ConfigError::InvalidCredential {
                which: "username",
                reason: "it contains `:`, which Basic authentication cannot carry",
            });
        }
        if username.chars().any(char::is_control) {
            return Err(ConfigError::InvalidCredential {
                which: "username",
                reason: "it contains a control character",
            });
        }
        if password.0.is_empty() {
            return Err(ConfigError::InvalidCredential {
                which: "password",
                reason: "it is empty",
            });
        }
        if password.0.chars().any(char::is_control) {
            return Err(ConfigError::InvalidCredential {
                which: "password",
                reason: "it contains a control character",
            });
        }
        Ok(ClientConfig {
            base_url,
            username: username.to_string(),
            password,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: USER_AGENT.to_string(),
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

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Builds the client. Every request it makes carries HTTP Basic
    /// credentials in a header marked sensitive, and no redirect is ever
    /// followed (see [`Error::Redirect`](crate::Error::Redirect)).
    pub fn build(self) -> Result<Client, ConfigError> {
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password.0));
        let mut auth = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            ConfigError::InvalidCredential {
                which: "password",
                reason: "it cannot be sent in a header",
            }
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(self.user_agent)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // A redirect would turn an update into a GET, or replay it to
            // another host: the hooks turn every 3xx into an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ConfigError::Http)?;
        let state = ClientState {
            account_sid: self.username,
            http: http.clone(),
        };
        Ok(Client::new_with_client(&self.base_url, http, state))
    }
}

fn signalwire_host(space: &str) -> Result<String, ConfigError> {
    let trimmed = space.trim().to_ascii_lowercase();
    let name = trimmed.strip_suffix(".signalwire.com").unwrap_or(&trimmed);
    let invalid = |reason| ConfigError::InvalidSpace {
        space: space.escape_debug().to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > 63 {
        return Err(invalid("it is longer than 63 characters"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(
            "use only the space's name (letters, digits and `-`), as in NAME.signalwire.com",
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(invalid("it cannot start or end with `-`"));
    }
    Ok(format!("{name}.signalwire.com"))
}

fn check_base_url(base_url: &str) -> Result<String, ConfigError> {
    let parsed = url::Url::parse(base_url.trim());
    let shown = match &parsed {
        Ok(u) => {
            let mut u = u.clone();
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => base_url.escape_debug().to_string(),
    };
    let invalid = |reason: String| ConfigError::InvalidBaseUrl {
        url: shown.clone(),
        reason,
    };
    let url = parsed.map_err(|e| invalid(e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials do not belong in the URL; pass them as arguments".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment".into()));
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
                None => false,
            };
            if !loopback {
                return Err(invalid(
                    "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https".into(),
                ));
            }
        }
        other => {
            return Err(invalid(format!(
                "the scheme must be https (or http on loopback), not {other}"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
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
