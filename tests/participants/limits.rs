//! The response size limit (`ClientConfig::max_response_bytes`): servers on
//! 127.0.0.1 that answer 64 MiB, framed each way HTTP/1.1 allows (with a
//! `Content-Length`, until the connection closes, chunked), and note how
//! much of it they could write before the client went away.

use std::time::Duration;

use participants_shapes::{ACCOUNT, CALL, CONFERENCE, TOKEN};
use signalwire_participants::{Client, ClientConfig, Error};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::task::JoinHandle;

const BIG: usize = 64 << 20;
const DEFAULT: usize = ClientConfig::DEFAULT_MAX_RESPONSE_BYTES;

/// How an answer's body is delimited.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Framing {
    Length,
    Close,
    Chunked,
}

const FRAMINGS: [Framing; 3] = [Framing::Length, Framing::Close, Framing::Chunked];

/// A server on 127.0.0.1 for one request: it answers `status` with a JSON
/// participant padded with spaces to `size` bytes, framed so, 64 KiB at a
/// time. Its task ends with how many body bytes it wrote before the client
/// went away (all of them if it read them all).
async fn big_answer(status: u16, size: usize, framing: Framing) -> (String, JoinHandle<usize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("a connection");
        let mut stream = BufReader::new(stream);
        let mut line = String::new();
        while stream.read_line(&mut line).await.is_ok_and(|n| n > 0) && line != "\r\n" {
            line.clear();
        }
        let mut stream = stream.into_inner();
        let framing_header = match framing {
            Framing::Length => format!("Content-Length: {size}\r\n"),
            Framing::Close => String::new(),
            Framing::Chunked => "Transfer-Encoding: chunked\r\n".to_string(),
        };
        let head = format!(
            "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\n{framing_header}Connection: close\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).await.is_err() {
            return 0;
        }
        let prefix = format!(r#"{{"call_sid": "{CALL}", "muted": true}}"#);
        let mut written = 0;
        while written < size {
            let mut piece = vec![b' '; (size - written).min(64 << 10)];
            if written == 0 {
                piece[..prefix.len()].copy_from_slice(prefix.as_bytes());
            }
            let sent = match framing {
                Framing::Chunked => {
                    let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                    chunk.extend_from_slice(&piece);
                    chunk.extend_from_slice(b"\r\n");
                    stream.write_all(&chunk).await
                }
                _ => stream.write_all(&piece).await,
            };
            if sent.is_err() {
                return written;
            }
            written += piece.len();
        }
        if framing == Framing::Chunked {
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        let _ = stream.shutdown().await;
        written
    });
    (base_url, task)
}

/// A client with retries on: a too-large answer retried would meet a closed
/// port and end as a transport error instead.
fn client(base_url: &str, limit: Option<usize>) -> Client {
    let config = ClientConfig::with_base_url(base_url, ACCOUNT, TOKEN)
        .unwrap()
        .retries(3, Duration::from_secs(5));
    match limit {
        Some(limit) => config.max_response_bytes(limit),
        None => config,
    }
    .build()
    .unwrap()
}

async fn written(server: JoinHandle<usize>) -> usize {
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server gave up writing")
        .unwrap()
}

#[tokio::test]
async fn a_64_mib_answer_fails_at_the_limit_and_is_not_read() {
    for framing in FRAMINGS {
        for status in [200, 503] {
            let (base_url, server) = big_answer(status, BIG, framing).await;
            let err = client(&base_url, None)
                .participant(CONFERENCE, CALL)
                .unwrap()
                .retrieve()
                .await
                .unwrap_err();
            let Error::ResponseTooLarge {
                status: answered,
                limit,
                content_length,
            } = &err
            else {
                panic!("{framing:?} {status}: {err:?}")
            };
            let declared = (framing == Framing::Length).then_some(BIG as u64);
            assert_eq!(
                (*answered, *limit, *content_length),
                (status, DEFAULT, declared)
            );
            assert_eq!((err.status(), err.is_retryable()), (Some(status), false));
            // The client went away: the server could not write it all,
            // and with a Content-Length nothing was read at all (what it
            // wrote is what the sockets' buffers hold).
            let written = written(server).await;
            println!("{framing:?} {status}: the server wrote {written} bytes");
            assert!(written < BIG / 2, "{framing:?} {status}: wrote {written}");
        }
    }
}

#[tokio::test]
async fn the_error_names_the_limit() {
    let (base_url, server) = big_answer(200, BIG, Framing::Length).await;
    let err = client(&base_url, None)
        .participant(CONFERENCE, CALL)
        .unwrap()
        .mute()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answer (HTTP 200) is larger than the limit of 8388608 bytes: it declares 67108864; \
         the rest was not read (see ClientConfig::max_response_bytes)"
    );
    written(server).await;
    let (base_url, server) = big_answer(502, BIG, Framing::Chunked).await;
    let err = client(&base_url, None)
        .participant(CONFERENCE, CALL)
        .unwrap()
        .kick()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answer (HTTP 502) is larger than the limit of 8388608 bytes; \
         the rest was not read (see ClientConfig::max_response_bytes)"
    );
    written(server).await;
}

#[tokio::test]
async fn the_generated_builders_have_the_limit_too() {
    let (base_url, server) = big_answer(200, BIG, Framing::Close).await;
    let client = client(&base_url, None);
    let sent = client
        .retrieve_participant()
        .account_sid(ACCOUNT)
        .conference_sid(CONFERENCE)
        .call_sid(CALL)
        .send()
        .await;
    let err = Error::from(sent.unwrap_err());
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert!(written(server).await < BIG / 2);
}

#[tokio::test]
async fn an_answer_of_exactly_the_limit_is_read() {
    for framing in FRAMINGS {
        let (base_url, server) = big_answer(200, 1024, framing).await;
        let p = client(&base_url, Some(1024))
            .participant(CONFERENCE, CALL)
            .unwrap()
            .retrieve()
            .await
            .unwrap_or_else(|e| panic!("{framing:?}: {e}"));
        assert_eq!(p.muted, Some(true));
        assert_eq!(written(server).await, 1024);
        for status in [200, 404] {
            let (base_url, server) = big_answer(status, 1025, framing).await;
            let err = client(&base_url, Some(1024))
                .participant(CONFERENCE, CALL)
                .unwrap()
                .retrieve()
                .await
                .unwrap_err();
            assert!(
                matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
                "{framing:?} {status}: {err:?}"
            );
            written(server).await;
        }
    }
}

/// Why the default is 8 MiB: a page of 1,000 participants (the most a page
/// holds), made of the fake's largest participant, is a tenth of it or less.
#[tokio::test]
async fn a_page_of_1000_participants_is_far_below_the_default() {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    let demo = server.demo();
    let url = format!(
        "{}/2010-04-01/Accounts/{}/Conferences/{}/Participants.json",
        demo.base_url, demo.account_sid, demo.conference_sid
    );
    let page: serde_json::Value = participants_shapes::raw_http_client()
        .get(url)
        .basic_auth(&demo.account_sid, Some(&demo.auth_token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let size = |v: &serde_json::Value| serde_json::to_vec(v).unwrap().len();
    let participants = page["participants"].as_array().unwrap();
    let largest = participants.iter().map(size).max().unwrap();
    let mut envelope = page.clone();
    envelope["participants"] = serde_json::json!([]);
    let page_of_1000 = size(&envelope) + 1000 * (largest + 1);
    println!("a participant: {largest} bytes; a page of 1,000: {page_of_1000} bytes");
    assert!(
        (500 << 10..700 << 10).contains(&page_of_1000),
        "the documented 580 KiB: {page_of_1000}"
    );
    assert!(page_of_1000 * 10 < DEFAULT, "{page_of_1000}");
}
