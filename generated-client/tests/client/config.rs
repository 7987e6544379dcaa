//! Building clients: constructors, what they refuse, and that no secret
//! shows in any `Debug` or error text.

use signalwire_participants::{Client, ClientConfig, ClientInfo, ConfigError, Secret};

const TOKEN: &str = "PT-very-secret-0123";
/// A SignalWire project id, the user name of every base URL test.
const PROJECT: &str = "b3877c40-da60-4998-90ad-b792e98472af";

fn assert_no_secret(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked: {text}");
    // Nor its Basic encoding (user:token, base64).
    assert!(
        !text.contains("UFQtdmVyeS1zZWNyZXQ"),
        "the encoded token leaked: {text}"
    );
    assert!(
        !text.to_ascii_lowercase().contains("basic "),
        "an Authorization value leaked: {text}"
    );
}

#[test]
fn signalwire_space_becomes_the_laml_base_url() {
    for space in ["example", "Example", "example.signalwire.com", " example "] {
        let c = Client::signalwire(space, "b3877c40-da60-4998-90ad-b792e98472af", TOKEN).unwrap();
        assert_eq!(
            c.baseurl(),
            "https://example.signalwire.com/api/laml",
            "{space:?}"
        );
        assert_eq!(c.account_sid(), "b3877c40-da60-4998-90ad-b792e98472af");
    }
}

#[test]
fn bad_space_names_are_refused_with_the_reason() {
    for space in [
        "",
        "evil.com/x",
        "evil.com",
        "-x",
        "x-",
        "a b",
        "a:80",
        "x@evil.com",
        "x/y",
    ] {
        let err = Client::signalwire(space, "p", TOKEN).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid SignalWire space `{space}`: use only the space's name, as in NAME.signalwire.com"
            ),
            "{space:?}"
        );
    }
}

#[test]
fn twilio_uses_its_api_host() {
    let c = Client::twilio("AC0123456789abcdef0123456789abcdef", TOKEN).unwrap();
    assert_eq!(c.baseurl(), "https://api.twilio.com");
    assert_eq!(c.account_sid(), "AC0123456789abcdef0123456789abcdef");
}

#[test]
fn from_lookup_names_the_missing_variable() {
    let all = [
        ("SIGNALWIRE_SPACE", "example"),
        (
            "SIGNALWIRE_PROJECT_ID",
            "b3877c40-da60-4998-90ad-b792e98472af",
        ),
        ("SIGNALWIRE_API_TOKEN", TOKEN),
    ];
    for missing in 0..all.len() {
        let err = ClientConfig::from_lookup(|name| {
            all.iter()
                .enumerate()
                .find(|(i, (n, _))| *n == name && *i != missing)
                .map(|(_, (_, v))| v.to_string())
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("environment variable {} is not set", all[missing].0)
        );
        assert!(matches!(err, ConfigError::MissingEnv { variable } if variable == all[missing].0));
    }
    // Set but blank counts as missing.
    let err = ClientConfig::from_lookup(|name| {
        Some(
            if name == "SIGNALWIRE_API_TOKEN" {
                " "
            } else {
                "x"
            }
            .into(),
        )
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable SIGNALWIRE_API_TOKEN is not set"
    );

    let config = ClientConfig::from_lookup(|name| {
        all.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    assert_eq!(config.base_url(), "https://example.signalwire.com/api/laml");
    assert_no_secret(&format!("{config:?}"));
}

#[test]
fn base_urls_plain_http_only_on_loopback() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.9.9.9:1/",
        "http://[::1]:8080",
        "http://localhost:3000/api/laml/",
        "https://proxy.example.com/laml",
    ] {
        let c = Client::with_base_url(ok, PROJECT, TOKEN).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(!c.baseurl().ends_with('/'), "{ok} keeps no trailing slash");
    }
    for (bad, reason) in [
        (
            "http://10.0.0.5:8080",
            "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https",
        ),
        (
            "http://example.com",
            "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https",
        ),
        // A subdomain of localhost is a name for a resolver to answer: DNS
        // may send it (and the credentials) anywhere.
        (
            "http://evil.localhost:8080",
            "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https",
        ),
        (
            "http://localhost.example.com",
            "plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https",
        ),
        (
            "ftp://127.0.0.1",
            "the scheme must be https (or http on loopback), not ftp",
        ),
        (
            "https://x.example/?a=b",
            "a base URL has no query or fragment",
        ),
        ("not a url", "relative URL without a base"),
    ] {
        let err = Client::with_base_url(bad, PROJECT, TOKEN).unwrap_err();
        assert!(err.to_string().ends_with(reason), "{bad}: {err}");
    }
}

#[test]
fn credentials_in_a_url_are_refused_and_not_echoed() {
    let err = Client::with_base_url(
        &format!("https://user:{TOKEN}@proxy.example.com"),
        PROJECT,
        TOKEN,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid base URL `https://proxy.example.com/`: credentials do not belong in the URL; pass them as arguments"
    );
    assert_no_secret(&err.to_string());
    assert_no_secret(&format!("{err:?}"));
}

#[test]
fn bad_credentials_are_refused() {
    let err = Client::with_base_url("https://x.example", "", TOKEN).unwrap_err();
    assert_eq!(err.to_string(), "invalid username: it is empty");
    let err = Client::with_base_url("https://x.example", "a:b", TOKEN).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid username: it contains `:`, which Basic authentication cannot carry"
    );
    let err = Client::with_base_url("https://x.example", "a", "").unwrap_err();
    assert_eq!(err.to_string(), "invalid password: it is empty");
    let err = Client::with_base_url("https://x.example", "a", "line\nbreak").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid password: it contains a control character"
    );
}

/// The user name is the account every path names: one the spec's
/// `AccountSid` refuses is refused when the client is built, not by every
/// call after, and the refusal says what is accepted without quoting it (a
/// token passed in its place must not show).
#[test]
fn an_account_the_spec_refuses_is_refused_when_built() {
    let accepts =
        "expected a SignalWire project id (UUID) or a Twilio account SID (`AC` and 32 hex digits)";
    let refusals = [
        Client::twilio("AC123", TOKEN).unwrap_err(),
        Client::twilio(TOKEN, "AC0123456789abcdef0123456789abcdef").unwrap_err(),
        Client::with_base_url("http://127.0.0.1:9", "abc", TOKEN).unwrap_err(),
        Client::signalwire("example", "b3877c40-da60-4998-90ad", TOKEN).unwrap_err(),
        ClientConfig::from_lookup(|name| {
            Some(
                if name == "SIGNALWIRE_PROJECT_ID" {
                    "my-project"
                } else {
                    "example"
                }
                .into(),
            )
        })
        .unwrap_err(),
    ];
    for err in refusals {
        assert!(
            matches!(
                err,
                ConfigError::InvalidCredential {
                    which: "username",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.to_string(), format!("invalid username: {accepts}"));
        assert_no_secret(&format!("{err} {err:?}"));
    }
    // Both providers' shapes, hex digits in either case.
    for account in [PROJECT, "AC0123456789ABCDEF0123456789abcdef"] {
        let client = Client::with_base_url("http://127.0.0.1:9", account, TOKEN).unwrap();
        assert_eq!(client.account_sid(), account);
    }
}

#[test]
fn no_secret_in_debug_output() {
    let client =
        Client::signalwire("example", "b3877c40-da60-4998-90ad-b792e98472af", TOKEN).unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert_no_secret(&shown);
    assert!(shown.contains("\"authorization\": Sensitive"), "{shown}");
    let config = ClientConfig::twilio("AC0123456789abcdef0123456789abcdef", TOKEN).unwrap();
    assert_no_secret(&format!("{config:?}"));
    for secret in [
        Secret::from(TOKEN),
        Secret::from(TOKEN.to_string()),
        Secret::from(&TOKEN.to_string()),
    ] {
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
    }
}

/// A callback URL with Basic credentials for the app: its password never
/// shows in a create's `Debug`, nor in the error for a bad one.
#[test]
fn no_callback_password_in_debug_or_errors() {
    let client = Client::twilio("AC0123456789abcdef0123456789abcdef", TOKEN).unwrap();
    let participants = client
        .participants("CF0123456789abcdef0123456789abcdef")
        .unwrap();
    let add = participants
        .add("+15017122661", "+15558675310")
        .status_callback("https://app:hunter2@example.com/calls", [])
        .conference_status_callback("ftp://app:hunter2@example.com/conf", []);
    let shown = format!("{add:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("app:[REDACTED]@example.com/calls"),
        "{shown}"
    );
    let err = signalwire_participants::types::UpdateParticipantRequest::announce(
        "app:hunter2@example.com/x",
    )
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
}

/// A token read from the environment is a `String`: every constructor that
/// takes a token takes it lent, as `&String`.
#[test]
fn every_constructor_takes_a_lent_string_token() {
    let token: String = TOKEN.to_string();
    let (space, project) = ("example", "b3877c40-da60-4998-90ad-b792e98472af");
    let twilio = "AC0123456789abcdef0123456789abcdef";
    let clients = [
        Client::signalwire(space, project, &token).unwrap(),
        Client::twilio(twilio, &token).unwrap(),
        Client::with_base_url("http://127.0.0.1:9", project, &token).unwrap(),
        ClientConfig::signalwire(space, project, &token)
            .unwrap()
            .build()
            .unwrap(),
        ClientConfig::twilio(twilio, &token)
            .unwrap()
            .build()
            .unwrap(),
        ClientConfig::with_base_url("http://127.0.0.1:9", project, &token)
            .unwrap()
            .build()
            .unwrap(),
    ];
    assert_eq!(clients.len(), 6);
    // The token is still the caller's, and the same token owned works too.
    assert!(Client::twilio(twilio, token).is_ok());
}
