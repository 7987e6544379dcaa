//! Listing and kicking against real servers on 127.0.0.1: the recorder of
//! `servers` (exact requests, hostile pages) and the fake (paging across
//! several pages, filters, a kick then 404).

use futures_util::{StreamExt, TryStreamExt};
use participants_shapes::{ACCOUNT, CALL, CONFERENCE, TOKEN};
use serde_json::{Value, json};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, Error};
use signalwire_participants_fake::{DEMO_ACCOUNT, DEMO_CALLS, DEMO_CONFERENCE, DEMO_TOKEN};

use crate::servers::Recorder;

fn recorder() -> (Recorder, Client) {
    let rec = Recorder::start();
    let client =
        Client::with_base_url(&format!("{}/api/laml", rec.base_url), ACCOUNT, TOKEN).unwrap();
    (rec, client)
}

fn list_path(query: &str) -> String {
    format!(
        "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants.json{query}"
    )
}

/// A page holding one participant, pointing at `next`.
fn page(call: &str, next: Option<&str>) -> Value {
    json!({"participants": [{"call_sid": call}], "page_size": 1, "next_page_uri": next})
}

/// A list call without filters sends nothing but the path, and is the very
/// next request `rec` sees (so the client sent nothing else before it).
async fn assert_next_request_is_a_plain_list(rec: &mut Recorder, client: &Client) {
    rec.respond_json(200, &page("marker", None));
    client
        .participants(CONFERENCE)
        .unwrap()
        .page()
        .await
        .unwrap();
    assert_eq!(rec.next_request().target, list_path(""));
}

#[tokio::test]
async fn filters_and_page_size_go_on_the_wire() {
    let (mut rec, client) = recorder();
    rec.respond_json(200, &page(CALL, None));
    let first = client
        .participants(CONFERENCE)
        .unwrap()
        .muted(true)
        .hold(false)
        .coaching(true)
        .page_size(2)
        .page()
        .await
        .unwrap();
    assert_eq!(
        first.participants.unwrap()[0].call_sid.as_deref(),
        Some(CALL)
    );
    let req = rec.next_request();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.target,
        list_path("?Coaching=true&Hold=false&Muted=true&PageSize=2")
    );
    assert!(req.body.is_empty());
    // Without filters, nothing but the path.
    assert_next_request_is_a_plain_list(&mut rec, &client).await;
    // A page size the generated type refuses never leaves (the spec's
    // minimum, 1; the generator does not carry its maximum: the service
    // refuses more than 1000 itself).
    let err = client
        .participants(CONFERENCE)
        .unwrap()
        .page_size(0)
        .page()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid PageSize: expected a whole number from 1 to 1000"
    );
    let err = client.participants("not-a-conference").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { parameter, .. } if parameter == "ConferenceSid")
    );
}

#[tokio::test]
async fn the_stream_follows_next_page_uri_on_the_same_host() {
    let (mut rec, client) = recorder();
    // SignalWire's form (under /api/laml) and Twilio's (without it) both
    // resolve against the base URL's origin.
    let second = list_path("?PageSize=1&Page=1&PageToken=PA1");
    let third = format!(
        "/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants.json?PageSize=1&Page=2&PageToken=PA2"
    );
    rec.respond_json(200, &page("a", Some(&second)));
    rec.respond_json(200, &page("b", Some(&third)));
    rec.respond_json(200, &page("c", None));
    let calls: Vec<String> = client
        .participants(CONFERENCE)
        .unwrap()
        .muted(true)
        .page_size(1)
        .stream()
        .map_ok(|p| p.call_sid.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(calls, ["a", "b", "c"]);
    // Each next page is requested through the same operation: our filters,
    // and the page and token the server named.
    assert_eq!(
        rec.next_request().target,
        list_path("?Muted=true&PageSize=1")
    );
    assert_eq!(
        rec.next_request().target,
        list_path("?Muted=true&Page=1&PageSize=1&PageToken=PA1")
    );
    assert_eq!(
        rec.next_request().target,
        list_path("?Muted=true&Page=2&PageSize=1&PageToken=PA2")
    );
}

#[tokio::test]
async fn pages_are_fetched_only_as_the_stream_is_read() {
    let (mut rec, client) = recorder();
    rec.respond_json(200, &page("a", Some(&list_path("?Page=1"))));
    let mut stream = Box::pin(client.participants(CONFERENCE).unwrap().stream());
    assert_eq!(
        stream.next().await.unwrap().unwrap().call_sid.as_deref(),
        Some("a")
    );
    drop(stream);
    rec.next_request();
    // The second page was never asked for: the next request is a new list.
    assert_next_request_is_a_plain_list(&mut rec, &client).await;
}

#[tokio::test]
async fn a_hostile_next_page_uri_is_refused_never_followed() {
    let (mut rec, client) = recorder();
    let port = rec.base_url.rsplit(':').next().unwrap().to_string();
    for (next, reason) in [
        (
            format!("http://127.0.0.2:{port}/api/laml/x"),
            "it names another host or scheme",
        ),
        (
            format!("https://127.0.0.1:{port}/api/laml/x"),
            "it names another host or scheme",
        ),
        (
            "//evil.example/api/laml/x".to_string(),
            "it names another host or scheme",
        ),
        (
            format!(
                "http://127.0.0.1:{}/x",
                port.parse::<u16>().unwrap().wrapping_add(1)
            ),
            "it names another host or scheme",
        ),
        ("http://[::1/x".to_string(), "it is not a URI"),
    ] {
        rec.respond_json(200, &page("a", Some(&next)));
        let results: Vec<Result<_, Error>> = client
            .participants(CONFERENCE)
            .unwrap()
            .stream()
            .collect()
            .await;
        assert_eq!(results.len(), 2, "{next}");
        assert_eq!(results[0].as_ref().unwrap().call_sid.as_deref(), Some("a"));
        let err = results[1].as_ref().unwrap_err();
        let Error::Paging {
            next_page_uri,
            reason: why,
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(
            (next_page_uri.as_str(), *why),
            (next.as_str(), reason),
            "{err}"
        );
        assert!(!err.is_retryable());
        rec.next_request();
    }
    // A page that names itself again ends the stream with an error, not a loop.
    let again = list_path("?Page=1");
    rec.respond_json(200, &page("a", Some(&again)));
    rec.respond_json(200, &page("b", Some(&again)));
    let results: Vec<Result<_, Error>> = client
        .participants(CONFERENCE)
        .unwrap()
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    let err = results[2].as_ref().unwrap_err();
    assert!(
        err.to_string().contains("it repeats a page already read"),
        "{err}"
    );
    rec.next_request();
    rec.next_request();
    // Nothing else was sent: the next request is a new list.
    assert_next_request_is_a_plain_list(&mut rec, &client).await;
}

#[tokio::test]
async fn a_kick_is_a_delete_without_a_body() {
    let (mut rec, client) = recorder();
    rec.respond_empty(204);
    client
        .participant(CONFERENCE, "agent one")
        .unwrap()
        .kick()
        .await
        .unwrap();
    let req = rec.next_request();
    assert_eq!(req.method, "DELETE");
    assert_eq!(
        req.target,
        format!(
            "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Participants/agent%20one.json"
        )
    );
    assert!(req.body.is_empty());
    assert_eq!(
        req.header("authorization"),
        Some(participants_shapes::expected_basic().as_str())
    );
}

async fn fake() -> (signalwire_participants_fake::RunningFake, Client) {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    let client = Client::with_base_url(&server.demo().base_url, DEMO_ACCOUNT, DEMO_TOKEN).unwrap();
    (server, client)
}

#[tokio::test]
async fn every_participant_across_pages_then_a_kick() {
    let (_server, client) = fake().await;
    for size in [1, 2, 3, 4, 50] {
        let calls: Vec<String> = client
            .participants(DEMO_CONFERENCE)
            .unwrap()
            .page_size(size)
            .stream()
            .map_ok(|p| p.call_sid.unwrap())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(calls, DEMO_CALLS, "page size {size}");
    }
    let first = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .page_size(2)
        .page()
        .await
        .unwrap();
    assert_eq!((first.page, first.page_size), (Some(0), Some(2)));
    assert!(
        first
            .next_page_uri
            .as_deref()
            .unwrap()
            .starts_with("/api/laml/2010-04-01/")
    );
    assert_eq!(first.previous_page_uri, None);

    // Filters: mute bob, then list the muted.
    let bob = client.participant(DEMO_CONFERENCE, DEMO_CALLS[1]).unwrap();
    bob.mute().await.unwrap();
    let muted: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .muted(true)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        muted
            .iter()
            .map(|p| p.call_sid.as_deref().unwrap())
            .collect::<Vec<_>>(),
        [DEMO_CALLS[1]]
    );

    // Kick bob: he is gone from the list, and retrieve, update and another
    // kick answer 404.
    bob.kick().await.unwrap();
    let left: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(left.len(), DEMO_CALLS.len() - 1);
    assert!(
        left.iter()
            .all(|p| p.call_sid.as_deref() != Some(DEMO_CALLS[1]))
    );
    for err in [
        bob.retrieve().await.map(|_| ()).unwrap_err(),
        bob.update(&UpdateParticipantRequest::mute())
            .await
            .map(|_| ())
            .unwrap_err(),
        bob.kick().await.unwrap_err(),
    ] {
        assert_eq!(
            (err.status(), err.code()),
            (Some(404), Some(20404)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn an_empty_conference_is_an_empty_stream() {
    let (_server, client) = fake().await;
    for call in DEMO_CALLS {
        client
            .participant(DEMO_CONFERENCE, call)
            .unwrap()
            .kick()
            .await
            .unwrap();
    }
    let all: Vec<_> = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
    let page = client
        .participants(DEMO_CONFERENCE)
        .unwrap()
        .page()
        .await
        .unwrap();
    assert_eq!(
        (page.participants.map(|p| p.len()), page.next_page_uri),
        (Some(0), None)
    );
}
