//! One error type for every call: each fallible call of the crate converts
//! into `Error` with `?`, its message unchanged.

use signalwire_participants::events::{self, ReceiveError};
use signalwire_participants::types::ConferenceEvent;
use signalwire_participants::webhook::{Verifier, VerifyError};
use signalwire_participants::{Client, ClientConfig, ConfigError, Error};

const TWILIO: &str = "AC0123456789abcdef0123456789abcdef";

/// A refusal of each kind, taken with `?` in a function that returns the
/// crate's `Error`, as an application's code would.
fn refused(kind: &str) -> Result<(), Error> {
    match kind {
        "client" => drop(Client::twilio(TWILIO, "")?),
        "config" => drop(ClientConfig::with_base_url("ftp://127.0.0.1", TWILIO, "t")?),
        "build" => drop(ClientConfig::twilio(TWILIO, "t")?.build()?),
        "env" => drop(ClientConfig::from_lookup(|_| None)?),
        "verifier" => drop(Verifier::signalwire("")?),
        "event" => drop(ConferenceEvent::from_form(b"AccountSid=nope")?),
        _ => {
            let verifier = Verifier::twilio("an auth token")?;
            let url = "https://app.example.com/events";
            drop(events::receive(
                &verifier,
                url,
                &http::HeaderMap::new(),
                b"",
            )?);
        }
    }
    Ok(())
}

#[test]
fn every_refusal_converts_into_the_one_error_with_its_message() {
    let client = refused("client").unwrap_err();
    assert!(
        matches!(
            &client,
            Error::Config(ConfigError::InvalidCredential {
                which: "password",
                ..
            })
        ),
        "{client:?}"
    );
    assert_eq!(client.to_string(), "invalid password: it is empty");
    let config = refused("config").unwrap_err();
    assert_eq!(
        config.to_string(),
        "invalid base URL `ftp://127.0.0.1/`: the scheme must be https (or http on loopback), not ftp"
    );
    // A good configuration builds: `build()?` converts too.
    refused("build").unwrap();
    let env = refused("env").unwrap_err();
    assert_eq!(
        env.to_string(),
        "environment variable SIGNALWIRE_SPACE is not set"
    );
    for err in [&client, &config, &env] {
        assert_eq!(
            (err.status(), err.code(), err.is_retryable()),
            (None, None, false)
        );
    }

    let verifier = refused("verifier").unwrap_err();
    assert!(
        matches!(
            &verifier,
            Error::Callback(ReceiveError::Verify(VerifyError::EmptyKey))
        ),
        "{verifier:?}"
    );
    assert_eq!(verifier.to_string(), VerifyError::EmptyKey.to_string());
    let event = refused("event").unwrap_err();
    assert!(
        matches!(&event, Error::Callback(ReceiveError::Event(_))),
        "{event:?}"
    );
    let direct = ConferenceEvent::from_form(b"AccountSid=nope").unwrap_err();
    assert_eq!(event.to_string(), direct.to_string());
    let unsigned = refused("receive").unwrap_err();
    assert_eq!(
        unsigned.to_string(),
        "the request has no X-Twilio-Signature header"
    );
    match unsigned {
        // What to answer the provider stays at hand.
        Error::Callback(e) => assert_eq!(e.status(), 400),
        other => panic!("{other:?}"),
    }
}

/// A refused connection says so in the error's message, not only in its
/// `source()`: the whole chain of causes follows the URL, and no secret.
#[tokio::test]
async fn a_transport_error_shows_its_causes() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let token = "PT-transport-secret-7e1";
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::with_base_url(&base, TWILIO, token).unwrap();
    let err = client
        .participant("CF0123456789abcdef0123456789abcdef", "agent")
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    // The operating system's words for it ("Connection refused (os error
    // 111)" on Linux), found among the causes.
    let refused = std::iter::successors(std::error::Error::source(transport), |e| e.source())
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .find(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
        .expect("a refused connection among the causes");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!(
            "the request failed: error sending request for url ({base}/2010-04-01/Accounts/{TWILIO}/"
        )),
        "{shown}"
    );
    assert!(shown.ends_with(&format!(": {refused}")), "{shown}");
    assert!(shown.contains("tcp connect error"), "{shown}");
    for shown in [shown, format!("{err:?}")] {
        assert!(!shown.contains(token), "{shown}");
    }
}
