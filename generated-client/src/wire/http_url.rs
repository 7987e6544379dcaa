//! The types the spec's `format: uri` strings become (the generator's type
//! conversions pick them), so a URL is checked when it is built, on every
//! path: the providers refuse anything but an absolute http(s) URL (error
//! 21402).

use std::fmt;
use std::str::FromStr;

/// An absolute `http` or `https` URL, as every URL field of the API takes
/// (`HoldUrl`, `AnnounceUrl`, `WaitUrl`...). The text is kept as given.
///
/// ```
/// use signalwire_participants::HttpUrl;
///
/// let hold: HttpUrl = "https://example.com/hold.mp3".parse()?;
/// assert_eq!(hold.as_str(), "https://example.com/hold.mp3");
///
/// let err = "/hold.mp3".parse::<HttpUrl>().unwrap_err();
/// assert_eq!(err.to_string(), "`/hold.mp3` is not an absolute URL (relative URL without a base)");
/// # Ok::<(), signalwire_participants::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct HttpUrl(String);

/// Why a text is not an [`HttpUrl`]. Its message shows the text with any
/// password in it replaced by `[REDACTED]`.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// It does not parse as an absolute URL.
    #[error("`{}` is not an absolute URL ({reason})", redacted(value).escape_debug())]
    NotAbsolute {
        /// The text as given.
        value: String,
        /// What the URL parser found.
        reason: String,
    },
    /// It is an absolute URL of another scheme (`ftp:`, `file:`...).
    #[error("`{}` is a {scheme} URL; use http or https", redacted(value).escape_debug())]
    NotHttp {
        /// The text as given.
        value: String,
        /// Its scheme.
        scheme: String,
    },
}

impl HttpUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for HttpUrl {
    type Err = UrlError;

    fn from_str(value: &str) -> Result<Self, UrlError> {
        match url::Url::parse(value) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
                Ok(HttpUrl(value.to_string()))
            }
            Ok(u) => Err(UrlError::NotHttp {
                value: value.to_string(),
                scheme: u.scheme().to_string(),
            }),
            Err(e) => Err(UrlError::NotAbsolute {
                value: value.to_string(),
                reason: e.to_string(),
            }),
        }
    }
}

/// An [`HttpUrl`], or the empty string where the spec also allows that
/// (`WaitUrl`: Twilio plays silence for an empty one).
///
/// ```
/// use signalwire_participants::HttpUrlOrEmpty;
///
/// assert!("".parse::<HttpUrlOrEmpty>()?.is_empty());
/// assert!("https://example.com/wait.mp3".parse::<HttpUrlOrEmpty>().is_ok());
/// assert!("wait.mp3".parse::<HttpUrlOrEmpty>().is_err());
/// # Ok::<(), signalwire_participants::UrlError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct HttpUrlOrEmpty(String);

impl HttpUrlOrEmpty {
    /// The empty value.
    pub fn empty() -> Self {
        HttpUrlOrEmpty(String::new())
    }

    /// Whether it is the empty value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The URL as given, or the empty string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for HttpUrlOrEmpty {
    type Err = UrlError;

    fn from_str(value: &str) -> Result<Self, UrlError> {
        if value.is_empty() {
            return Ok(Self::empty());
        }
        value.parse::<HttpUrl>().map(HttpUrlOrEmpty::from)
    }
}

impl From<HttpUrl> for HttpUrlOrEmpty {
    fn from(url: HttpUrl) -> Self {
        HttpUrlOrEmpty(url.0)
    }
}

/// `text` with the password of its user information (`user:password@`),
/// if any, replaced by `[REDACTED]`: what `Debug` and errors show of a URL
/// (a callback URL may carry Basic credentials for the app).
/// Without a scheme (`user:pass@host/x`, a URL missing its `https://`),
/// the text up to the first `/`, `?` or `#` is taken as the authority.
fn redacted(text: &str) -> std::borrow::Cow<'_, str> {
    let start = text.find("://").map_or(0, |i| i + 3);
    let authority = &text[start..];
    let authority = &authority[..authority.find(['/', '?', '#']).unwrap_or(authority.len())];
    let Some(at) = authority.rfind('@') else {
        return text.into();
    };
    match authority[..at].find(':') {
        Some(colon) => format!(
            "{}[REDACTED]{}",
            &text[..start + colon + 1],
            &text[start + at..]
        )
        .into(),
        None => text.into(),
    }
}

impl fmt::Debug for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::NotAbsolute { value, reason } => f
                .debug_struct("NotAbsolute")
                .field("value", &redacted(value))
                .field("reason", reason)
                .finish(),
            UrlError::NotHttp { value, scheme } => f
                .debug_struct("NotHttp")
                .field("value", &redacted(value))
                .field("scheme", scheme)
                .finish(),
        }
    }
}

/// Display, `Debug` (the password redacted), `TryFrom<&str>`/`TryFrom<String>`,
/// `AsRef<str>`, and a `Deserialize` that checks (serde then names the field).
macro_rules! text_impls {
    ($t:ty) => {
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($t))
                    .field(&redacted(&self.0))
                    .finish()
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<&str> for $t {
            type Error = UrlError;
            fn try_from(value: &str) -> Result<Self, UrlError> {
                value.parse()
            }
        }
        impl TryFrom<String> for $t {
            type Error = UrlError;
            fn try_from(value: String) -> Result<Self, UrlError> {
                value.parse()
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
text_impls!(HttpUrl);
text_impls!(HttpUrlOrEmpty);

#[cfg(test)]
mod tests {
    use super::*;

    /// A password in a URL never shows in `Debug` or an error; the URL
    /// itself (what is sent) keeps it.
    #[test]
    fn passwords_are_redacted_from_debug_and_errors() {
        let url: HttpUrl = "https://app:hunter2@example.com/cb?x=1".parse().unwrap();
        assert_eq!(url.as_str(), "https://app:hunter2@example.com/cb?x=1");
        assert_eq!(
            format!("{url:?}"),
            r#"HttpUrl("https://app:[REDACTED]@example.com/cb?x=1")"#
        );
        let or_empty = HttpUrlOrEmpty::from(url);
        assert!(!format!("{or_empty:?}").contains("hunter2"));
        for bad in [
            "ftp://app:hunter2@example.com/x",
            "https://app:hunter2@exa mple.com/x",
        ] {
            let err = bad.parse::<HttpUrl>().unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("app:[REDACTED]@"), "{shown}");
        }
        // No password, or an `@` outside the authority: shown as given.
        assert_eq!(
            redacted("https://app@example.com/a"),
            "https://app@example.com/a"
        );
        assert_eq!(
            redacted("https://example.com/a:b@c"),
            "https://example.com/a:b@c"
        );
        assert_eq!(redacted("user:pw@host/x"), "user:[REDACTED]@host/x");
        assert_eq!(redacted("/a:b@c"), "/a:b@c");
    }
}
