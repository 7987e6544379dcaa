//! Retries against a real HTTP server on 127.0.0.1 that answers from a
//! script (status, `Retry-After`, body) and notes when each request came;
//! and the tracing spans of a call, captured, with no secret in them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use participants_shapes::{ACCOUNT, CALL, CONFERENCE, TOKEN, expected_basic};
use serde_json::json;
use signalwire_participants::{Client, ClientConfig, Error};

use crate::servers::{Answer, Recorder};

/// The recorder of `servers`, answering each request with the next
/// scripted answer (then 500), and noting when each request arrived.
struct Script(Recorder);

/// A script on a free port of 127.0.0.1.
fn script(answers: Vec<Answer>) -> Script {
    serve(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), answers)
}

fn serve(listener: std::net::TcpListener, answers: Vec<Answer>) -> Script {
    Script(Recorder::scripted(listener, answers))
}

impl Script {
    fn client(&self, attempts: u32, budget: Duration) -> Client {
        ClientConfig::with_base_url(&self.0.base_url, ACCOUNT, TOKEN)
            .unwrap()
            .retries(attempts, budget)
            .build()
            .unwrap()
    }

    fn requests(&self) -> usize {
        self.0.requests().len()
    }

    /// A client with retries on and a request timeout of 300 ms.
    fn impatient_client(&self) -> Client {
        ClientConfig::with_base_url(&self.0.base_url, ACCOUNT, TOKEN)
            .unwrap()
            .timeout(Duration::from_millis(300))
            .retries(3, Duration::from_secs(10))
            .build()
            .unwrap()
    }

    /// A server whose first answer comes too late (2 s), then `answer`.
    fn hanging_then(answer: Answer) -> Script {
        let mut rec = crate::servers::Recorder::start();
        rec.hang(2000);
        rec.queue(answer);
        Script(rec)
    }

    /// The time between the first and the second request.
    fn first_wait(&self) -> Duration {
        let requests = self.0.requests();
        requests[1].at - requests[0].at
    }
}

fn ok() -> Answer {
    Answer::json(200, &json!({"call_sid": CALL, "muted": true}))
}

fn error(status: u16, code: i64, message: &str) -> Answer {
    Answer::json(
        status,
        &json!({"code": code, "message": message, "status": status}),
    )
}

fn with_retry_after(answer: Answer, value: &str) -> Answer {
    answer.header("retry-after", value)
}

async fn retrieve(client: &Client) -> Result<signalwire_participants::types::Participant, Error> {
    client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .retrieve()
        .await
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_after_waiting() {
    let server = script(vec![
        with_retry_after(error(429, 20429, "Too Many Requests"), "1"),
        ok(),
    ]);
    let p = retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(p.muted, Some(true));
    assert_eq!(server.requests(), 2);
    assert!(
        server.first_wait() >= Duration::from_secs(1),
        "{:?}",
        server.first_wait()
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    // Two seconds ahead: HTTP dates have whole seconds, so the wait is
    // between one and two seconds.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = script(vec![with_retry_after(error(503, 20503, "busy"), &at), ok()]);
    retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
    let wait = server.first_wait();
    assert!(
        wait >= Duration::from_millis(900) && wait <= Duration::from_millis(2500),
        "{wait:?}"
    );
}

#[tokio::test]
async fn three_503s_give_up_with_the_last_error() {
    let server = script(vec![
        error(503, 1, "first"),
        error(503, 2, "second"),
        error(503, 3, "third"),
        ok(),
    ]);
    let err = retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(503), Some(3)), "{err}");
    assert!(err.is_retryable());
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_refused_connection_then_success() {
    // Nothing listens on the port at first; a server starts there soon.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ClientConfig::with_base_url(&format!("http://127.0.0.1:{port}"), ACCOUNT, TOKEN)
        .unwrap()
        .retries(20, Duration::from_secs(15))
        .build()
        .unwrap();
    let later = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        serve(listener, vec![ok()])
    });
    let started = Instant::now();
    let p = retrieve(&client).await.unwrap();
    assert_eq!(p.muted, Some(true));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(later.await.unwrap().requests(), 1);
}

#[tokio::test]
async fn a_400_is_never_retried_nor_a_404() {
    for (status, code) in [(400, 21402), (404, 20404), (401, 20003)] {
        let server = script(vec![error(status, code, "no"), ok()]);
        let err = retrieve(&server.client(5, Duration::from_secs(10)))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.requests(), 1, "{status}");
    }
}

#[tokio::test]
async fn the_budget_ends_retries() {
    // The server asks for more than the budget: the call gives up at once
    // with that answer rather than retry early.
    let server = script(vec![
        with_retry_after(error(503, 20503, "later"), "5"),
        ok(),
    ]);
    let started = Instant::now();
    let err = retrieve(&server.client(5, Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
    // Backoff without Retry-After: retries while the budget allows, then the last answer.
    let answers = (0..50).map(|i| error(502, i, "bad gateway")).collect();
    let server = script(answers);
    let started = Instant::now();
    let err = retrieve(&server.client(50, Duration::from_millis(700)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(
        server.requests() >= 2 && server.requests() < 50,
        "{}",
        server.requests()
    );
    assert!(
        started.elapsed() < Duration::from_millis(700 + 1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.code(), Some(server.requests() as i64 - 1));
}

#[tokio::test]
async fn retries_are_off_by_default() {
    let server = script(vec![error(503, 20503, "busy"), ok()]);
    let client = Client::with_base_url(&server.0.base_url, ACCOUNT, TOKEN).unwrap();
    assert_eq!(retrieve(&client).await.unwrap_err().status(), Some(503));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn updates_are_retried_with_the_same_body() {
    let server = script(vec![
        with_retry_after(error(429, 20429, "slow down"), "0"),
        ok(),
    ]);
    let client = server.client(2, Duration::from_secs(5));
    client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .mute()
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_retried_kick_that_finds_the_participant_gone_succeeded() {
    // A 503 may come from a proxy after the service removed the
    // participant: the retry's 404 then means the kick was done.
    let server = script(vec![
        with_retry_after(error(503, 20503, "busy"), "0"),
        error(404, 20404, "gone"),
    ]);
    let kick = server
        .client(3, Duration::from_secs(5))
        .participant(CONFERENCE, CALL)
        .unwrap()
        .kick()
        .await;
    assert!(kick.is_ok(), "{kick:?}");
    assert_eq!(server.requests(), 2);
    // Through the generated builder the 404 stays an error, one that says
    // the earlier try did it; a 404 on its own does not say so.
    for (answers, earlier) in [
        (
            vec![
                with_retry_after(error(503, 20503, "busy"), "0"),
                error(404, 20404, "gone"),
            ],
            true,
        ),
        (vec![error(404, 20404, "gone")], false),
    ] {
        let server = script(answers);
        let client = server.client(3, Duration::from_secs(5));
        let sent = client
            .kick_participant()
            .account_sid(ACCOUNT)
            .conference_sid(CONFERENCE)
            .call_sid(CALL)
            .send()
            .await;
        let Err(Error::Api(e)) = sent.map_err(Error::from) else {
            panic!("a 404 is an error answer");
        };
        assert_eq!((e.status, e.applied_by_earlier_try()), (404, earlier));
        let shown = e.to_string();
        assert_eq!(shown.contains("an earlier try"), earlier, "{shown}");
    }
    // A 429 is never processed, so a 404 after it is a real 404; and so is
    // a 404 on the first try.
    for answers in [
        vec![
            with_retry_after(error(429, 20429, "slow"), "0"),
            error(404, 20404, "gone"),
        ],
        vec![error(404, 20404, "gone")],
    ] {
        let server = script(answers);
        let client = server.client(3, Duration::from_secs(5));
        let err = client
            .participant(CONFERENCE, CALL)
            .unwrap()
            .kick()
            .await
            .unwrap_err();
        assert_eq!((err.status(), err.code()), (Some(404), Some(20404)));
    }
}

#[tokio::test]
async fn a_500_is_retried_as_twilio_advises() {
    let server = script(vec![error(500, 20500, "Internal Server Error"), ok()]);
    let p = retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!((p.muted, server.requests()), (Some(true), 2));
    // A 500 may have been applied: a kick that then finds the participant
    // gone succeeded.
    let server = script(vec![error(500, 20500, "oops"), error(404, 20404, "gone")]);
    let kick = server
        .client(3, Duration::from_secs(5))
        .participant(CONFERENCE, CALL)
        .unwrap()
        .kick()
        .await;
    assert!(kick.is_ok(), "{kick:?}");
}

#[tokio::test]
async fn a_408_is_retried_and_was_never_applied() {
    let server = script(vec![
        with_retry_after(error(408, 0, "Request Timeout"), "0"),
        ok(),
    ]);
    retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
    // Not processed, so a 404 after it is a real 404.
    let server = script(vec![
        with_retry_after(error(408, 0, "Request Timeout"), "0"),
        error(404, 20404, "gone"),
    ]);
    let err = server
        .client(3, Duration::from_secs(5))
        .participant(CONFERENCE, CALL)
        .unwrap()
        .kick()
        .await
        .unwrap_err();
    assert_eq!((err.status(), server.requests()), (Some(404), 2));
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let server = Script::hanging_then(ok());
    let started = Instant::now();
    let p = retrieve(&server.impatient_client()).await.unwrap();
    assert_eq!((p.muted, server.requests()), (Some(true), 2));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The timed-out kick may have been applied: a 404 then is its success.
    let server = Script::hanging_then(error(404, 20404, "gone"));
    let kick = (server.impatient_client().participant(CONFERENCE, CALL))
        .unwrap()
        .kick()
        .await;
    assert!(kick.is_ok(), "{kick:?}");
}

/// For every error status, what `is_retryable` says of the answer is what
/// the retries do with it; and that is the decided list (D31).
#[tokio::test]
async fn is_retryable_is_what_is_retried_for_every_status() {
    let mut retried = Vec::new();
    for status in 400..=599 {
        let answer = || with_retry_after(error(status, 1, "no"), "0");
        let server = script(vec![answer(), answer(), ok()]);
        // Alone (retries off), the answer is an error that says whether it
        // is retryable; with retries on, the same answer is retried or not.
        let verdict = retrieve(&server.client(1, Duration::from_secs(5)))
            .await
            .unwrap_err();
        assert_eq!(verdict.status(), Some(status));
        let again = retrieve(&server.client(2, Duration::from_secs(5))).await;
        let was_retried = server.requests() == 3;
        assert_eq!(was_retried, again.is_ok(), "{status}");
        assert_eq!(verdict.is_retryable(), was_retried, "{status}");
        if was_retried {
            retried.push(status);
        }
    }
    assert_eq!(retried, [408, 429, 500, 502, 503, 504]);
}

#[tokio::test]
async fn retry_after_is_the_answers_wait() {
    let server = script(vec![
        with_retry_after(error(429, 20429, "slow down"), "7"),
        with_retry_after(
            error(503, 20503, "busy"),
            &httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30)),
        ),
        with_retry_after(error(404, 20404, "gone"), "7"),
        error(503, 20503, "busy"),
    ]);
    let client = Client::with_base_url(&server.0.base_url, ACCOUNT, TOKEN).unwrap();
    let wait = |e: Error| e.retry_after();
    assert_eq!(
        wait(retrieve(&client).await.unwrap_err()),
        Some(Duration::from_secs(7))
    );
    let date = wait(retrieve(&client).await.unwrap_err()).unwrap();
    assert!(
        date > Duration::from_secs(28) && date <= Duration::from_secs(30),
        "{date:?}"
    );
    // Not on an answer that is not retried, nor without the header.
    assert_eq!(wait(retrieve(&client).await.unwrap_err()), None);
    assert_eq!(wait(retrieve(&client).await.unwrap_err()), None);
}

/// A writer into a shared buffer, for the captured traces.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_call_is_one_span_without_secrets_or_bodies() {
    let label = "Ada Lovelace's phone";
    let server = script(vec![
        with_retry_after(error(429, 20429, "Too Many Requests"), "0"),
        error(404, 20404, "The requested resource was not found"),
        ok(),
    ]);
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = server.client(3, Duration::from_secs(5));
    let err = client
        .participant(CONFERENCE, label)
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(20404));
    client
        .participant(CONFERENCE, CALL)
        .unwrap()
        .hold_with_music("https://example.com/private-hold-music.mp3")
        .await
        .unwrap();
    drop(_guard);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = text.lines().filter(|l| l.contains("close")).collect();
    assert_eq!(closes.len(), 2, "{text}");
    for field in [
        "operation=\"retrieve_participant\"",
        "http.method=\"GET\"",
        "http.route=\"/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants/{CallSid}.json\"",
        "http.status=404",
        "attempts=2",
        "error_code=20404",
    ] {
        assert!(
            closes[0].contains(field),
            "{field} missing from {}",
            closes[0]
        );
    }
    for field in [
        "operation=\"update_participant\"",
        "http.method=\"POST\"",
        "http.status=200",
        "attempts=1",
    ] {
        assert!(
            closes[1].contains(field),
            "{field} missing from {}",
            closes[1]
        );
    }
    assert!(text.contains("retrying"), "{text}");
    for secret in [
        TOKEN,
        &expected_basic(),
        label,
        "Ada",
        "private-hold-music",
        "Too Many Requests",
        ACCOUNT,
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} is in the traces:\n{text}"
        );
    }
}

/// Dialing in places a call each time (D32): with retries on, a 5xx or a
/// timeout after the request went out is returned at once, and the error
/// says the call may have been placed; a 429 (not processed) is retried.
#[tokio::test]
async fn a_create_is_never_retried_once_it_may_have_placed_the_call() {
    let created = Answer::json(201, &json!({"call_sid": CALL, "status": "queued"}));
    let add = |client: Client| async move {
        let participants = client.participants(CONFERENCE).unwrap();
        participants
            .add("+15017122661", "+15558675310")
            .send()
            .await
    };
    for status in [500, 502, 503, 504] {
        let server = script(vec![error(status, 20500, "Internal"), created.clone()]);
        let err = add(server.client(3, Duration::from_secs(10)))
            .await
            .unwrap_err();
        assert_eq!((err.status(), server.requests()), (Some(status), 1));
        assert!(!err.is_retryable(), "{status}");
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert!(api.may_have_been_applied(), "{status}");
        assert!(
            err.to_string().contains("may have placed the call"),
            "{err}"
        );
    }
    // Not processed: retried, and then created once.
    let server = script(vec![
        with_retry_after(error(429, 20429, "Too Many"), "0"),
        created.clone(),
    ]);
    let p = add(server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(
        (p.status.map(|s| s.to_string()), server.requests()),
        (Some("queued".into()), 2)
    );
    // A 400 is the same answer again, and says nothing was applied.
    let server = script(vec![error(400, 21211, "Invalid 'To'"), created.clone()]);
    let err = add(server.client(3, Duration::from_secs(10)))
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("may have"), "{err}");
    // Sent, no answer in time: not retried, and says so.
    let server = Script::hanging_then(created);
    let client = server.impatient_client();
    let err = add(client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MaybeApplied {
                operation: signalwire_participants::spec_facts::Operation::CreateParticipant,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("may have placed the call"),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.requests(), 1);
}

/// A `Retry-After` no clock can add, or a year, or a date in the year 9999:
/// never a panic (the wait overflowed an `Instant` once a try had taken a
/// second), never a year's wait. A wait past the budget gives up at once
/// with that answer's error; `retry_after()` says the capped wait.
#[tokio::test]
async fn a_retry_after_past_the_budget_gives_up_at_once() {
    for value in [
        "18446744073709551615",
        "184467440737095516150000",
        "31536000",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = script(vec![
            with_retry_after(error(429, 20429, "Too Many Requests"), value),
            ok(),
        ]);
        let started = Instant::now();
        let err = retrieve(&server.client(5, Duration::from_secs(30)))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{value}");
        assert_eq!(err.status(), Some(429), "{value}");
        assert!(err.is_retryable());
        assert_eq!(
            err.retry_after(),
            Some(signalwire_participants::MAX_RETRY_AFTER),
            "{value}"
        );
        assert_eq!(server.requests(), 1, "{value}");
    }
    // Garbage is no wait: the backoff's, and the retry succeeds.
    let server = script(vec![
        with_retry_after(error(503, 20503, "busy"), "soon, maybe"),
        ok(),
    ]);
    retrieve(&server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
    assert!(server.first_wait() < Duration::from_secs(5));
}

/// An update that plays an announcement (`AnnounceUrl`) plays it once per
/// try that reaches the service (D36): with retries on, a 5xx or a timeout
/// is returned at once and says it may have been applied; a 429 (not
/// processed) is retried. An update without one is retried as before.
#[tokio::test]
async fn an_announcement_is_never_retried_once_it_may_have_played() {
    let announce = |client: Client| async move {
        let p = client.participant(CONFERENCE, CALL).unwrap();
        p.announce("https://example.com/notice.mp3").await
    };
    for status in [500, 502, 503, 504] {
        let server = script(vec![error(status, 20500, "Internal"), ok()]);
        let err = announce(server.client(3, Duration::from_secs(10)))
            .await
            .unwrap_err();
        assert_eq!((err.status(), server.requests()), (Some(status), 1));
        assert!(!err.is_retryable(), "{status}");
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert!(api.may_have_been_applied(), "{status}");
        assert!(err.to_string().contains("an announcement played"), "{err}");
    }
    let server = script(vec![
        with_retry_after(error(429, 20429, "Too Many"), "0"),
        ok(),
    ]);
    announce(server.client(3, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
    // The same 503 on a mute: retried, the update sets a value.
    let server = script(vec![error(503, 20503, "busy"), ok()]);
    let p = server.client(3, Duration::from_secs(10));
    p.participant(CONFERENCE, CALL)
        .unwrap()
        .mute()
        .await
        .unwrap();
    assert_eq!(server.requests(), 2);
    // Sent, no answer in time: not retried, and says so.
    let server = Script::hanging_then(ok());
    let err = announce(server.impatient_client()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MaybeApplied {
                operation: signalwire_participants::spec_facts::Operation::UpdateParticipant,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
}
