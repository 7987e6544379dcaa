//! A redirect is never followed: against a server on 127.0.0.1 that answers
//! every request with a redirect to a second server on 127.0.0.2, no call
//! reports success and nothing reaches the second address, whichever status
//! (301, 302, 303, 307, 308), operation, API or client settings.

#[path = "support/head.rs"]
mod head;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use participants_shapes::{ACCOUNT, CALL, CONFERENCE, TOKEN, response_example};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, ClientConfig, ClientInfo, Error};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// A loopback HTTP server that records the request line of everything it
/// receives and answers each request with the same status and headers.
struct Server {
    base_url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn serve(ip: &str, answer: impl Fn(&str) -> String + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind((ip, 0)).await.expect("bind loopback");
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let raw = head::read_head(&mut stream).await;
            let text = String::from_utf8_lossy(&raw).into_owned();
            let request_line = text.lines().next().unwrap_or_default().to_string();
            log.lock().unwrap().push(request_line.clone());
            let _ = stream.write_all(answer(&request_line).as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    Server { base_url, seen }
}

/// The second host: it would answer every request with a participant, so
/// a followed redirect would look like success.
async fn elsewhere() -> Server {
    let body = response_example("mute").to_string();
    serve("127.0.0.2", move |_| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    })
    .await
}

/// The configured host: every request is redirected to `target`, same path.
async fn redirecting(status: u16, target: &str) -> Server {
    let target = target.to_string();
    serve("127.0.0.1", move |request_line| {
        let path = request_line.split(' ').nth(1).unwrap_or("/");
        format!(
            "HTTP/1.1 {status} Redirect\r\nLocation: {target}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    })
    .await
}

/// Every way in to one participant's retrieve and update: the helpers, the
/// generated builders, each on the given client.
async fn calls(client: &Client) -> Vec<(&'static str, bool, Error)> {
    let p = client.participant(CONFERENCE, CALL).unwrap();
    let mut out = Vec::new();
    out.push(("retrieve()", false, p.retrieve().await.unwrap_err()));
    out.push(("mute()", true, p.mute().await.unwrap_err()));
    let hold = UpdateParticipantRequest::hold_with_music("https://example.com/hold.mp3");
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
    let other = elsewhere().await;
    for status in [301, 302, 303, 307, 308] {
        let home = redirecting(status, &other.base_url).await;
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
        let seen = home.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 15, "{status}: {seen:?}");
        let posts = seen.iter().filter(|l| l.starts_with("POST ")).count();
        assert_eq!(posts, 9, "{status}: {seen:?}");
    }
    assert_eq!(
        other.seen.lock().unwrap().as_slice(),
        &[] as &[String],
        "a request reached the second address"
    );
}

#[tokio::test]
async fn a_same_origin_redirect_is_not_followed_either() {
    let other = elsewhere().await;
    // Same scheme, host and port: still refused, and the error names it.
    let home = serve("127.0.0.1", |_| {
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere.json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
    })
    .await;
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
    assert_eq!(home.seen.lock().unwrap().len(), 1);
    assert!(other.seen.lock().unwrap().is_empty());
}
