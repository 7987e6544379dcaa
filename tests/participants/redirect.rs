//! A redirect is never followed: against a server on 127.0.0.1 that answers
//! every request with a redirect to a second server on 127.0.0.2, no call
//! reports success and nothing reaches the second address, whichever status
//! (301, 302, 303, 307, 308), operation, API or client settings.

use std::time::Duration;

use participants_shapes::{ACCOUNT, CALL, CONFERENCE, TOKEN, response_example};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, ClientConfig, ClientInfo, Error};

use crate::servers::{Answer, Recorder};

/// The second host: it would answer every request with a participant, so
/// a followed redirect would look like success.
fn elsewhere() -> Recorder {
    let body = response_example("mute");
    Recorder::answering("127.0.0.2", move |_| Answer::json(200, &body))
}

/// The configured host: every request is redirected to `target`, same path.
fn redirecting(status: u16, target: &str) -> Recorder {
    let target = target.to_string();
    Recorder::answering("127.0.0.1", move |request| {
        Answer::new(status).header("location", &format!("{target}{}", request.target))
    })
}

/// Every way in to one participant's retrieve and update: the helpers, the
/// generated builders, each on the given client.
async fn calls(client: &Client) -> Vec<(&'static str, bool, Error)> {
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let mut out = Vec::new();
    out.push(("retrieve()", false, p.retrieve().await.unwrap_err()));
    out.push(("mute()", true, p.mute().await.unwrap_err()));
    let hold = UpdateParticipantRequest::hold_with_music("https://example.com/hold.mp3").unwrap();
    out.push(("update()", true, p.update(&hold).await.unwrap_err()));
    let raw = client
        .retrieve_participant()
        .account_sid(ACCOUNT)
        .conference_sid(CONFERENCE)
        .call_sid(CALL)
        .send()
        .await
        .unwrap_err();
    out.push(("retrieve_participant().send()", false, raw.into()));
    let raw = client
        .update_participant()
        .account_sid(ACCOUNT)
        .conference_sid(CONFERENCE)
        .call_sid(CALL)
        .body(hold)
        .send()
        .await
        .unwrap_err();
    out.push(("update_participant().send()", true, raw.into()));
    out
}

#[tokio::test]
async fn no_redirect_is_followed_and_no_call_reports_success() {
    let other = elsewhere();
    for status in [301, 302, 303, 307, 308] {
        let home = redirecting(status, &other.base_url);
        let plain = Client::with_base_url(&home.base_url, ACCOUNT, TOKEN).unwrap();
        let tuned = ClientConfig::with_base_url(&home.base_url, ACCOUNT, TOKEN)
            .unwrap()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(1))
            .user_agent("redirect-test/1.0")
            .build()
            .unwrap();
        // A `Client` assembled by hand around reqwest's default client, which
        // follows redirects: requests still go through the client's own.
        let assembled = Client::new_with_client(
            &home.base_url,
            participants_shapes::raw_http_client(),
            plain.inner().clone(),
        );
        for (name, client) in [
            ("plain", &plain),
            ("tuned", &tuned),
            ("assembled", &assembled),
        ] {
            for (call, was_update, err) in calls(client).await {
                let what = format!("{status} {name} {call}");
                let Error::Redirect {
                    status: got,
                    location,
                    was_update: update,
                } = &err
                else {
                    panic!("{what}: not a redirect error: {err:?}")
                };
                assert_eq!(*got, status, "{what}");
                assert_eq!(update, &was_update, "{what}");
                let location = location.as_deref().unwrap_or_default();
                assert!(location.starts_with(&other.base_url), "{what}: {location}");
                let text = err.to_string();
                assert!(text.contains(&format!("HTTP {status} ")), "{what}: {text}");
                assert!(text.contains(location), "{what}: {text}");
                assert_eq!(
                    text.contains("the update was not applied by the configured server"),
                    was_update,
                    "{what}: {text}"
                );
                assert!(!err.is_retryable(), "{what}");
                assert_eq!(err.status(), Some(status), "{what}");
            }
        }
        // Every call reached the configured host once, with its own method:
        // a POST stayed a POST.
        let seen: Vec<String> = home
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect();
        assert_eq!(seen.len(), 15, "{status}: {seen:?}");
        let posts = seen.iter().filter(|l| l.starts_with("POST ")).count();
        assert_eq!(posts, 9, "{status}: {seen:?}");
    }
    assert_eq!(
        other.requests().len(),
        0,
        "a request reached the second address: {:?}",
        other.requests()
    );
}

#[tokio::test]
async fn a_same_origin_redirect_is_not_followed_either() {
    let other = elsewhere();
    // Same scheme, host and port: still refused, and the error names it.
    let home = Recorder::answering("127.0.0.1", |_| {
        Answer::new(302).header("location", "/elsewhere.json")
    });
    let client = Client::with_base_url(&home.base_url, ACCOUNT, TOKEN).unwrap();
    let err = client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server answered HTTP 302 Found, redirecting to /elsewhere.json; redirects are never followed, so nothing was sent there"
    );
    assert_eq!(home.requests().len(), 1);
    assert!(other.requests().is_empty());
}
