//! The loopback HTTP servers the tests talk to.
//!
//! [`Recorder`] is an axum server on 127.0.0.1 (or another 127.x address)
//! that keeps every request as it arrived (method, target exactly as sent,
//! headers, body, arrival time) and answers each one from a queue the test
//! fills, or with one answer for every request. It runs on the test's
//! runtime and stops when dropped.
//!
//! [`truncated_once`] is the one raw socket: its answer declares a longer
//! body than it sends, which no HTTP library writes.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One request exactly as it reached the server.
#[derive(Clone, Debug)]
pub struct Captured {
    /// `GET`, `POST`.
    pub method: String,
    /// The request target exactly as sent (path and query, still encoded).
    pub target: String,
    /// Header names (lower-case) and values, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// When the request arrived.
    pub at: Instant,
}

impl Captured {
    /// The value of the first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as a form, in wire order.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

/// One answer: status, headers, body, and how long to wait before sending it.
#[derive(Clone, Debug)]
pub struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

impl Answer {
    /// An answer with this status, no header and an empty body.
    pub fn new(status: u16) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A JSON answer.
    pub fn json(status: u16, body: &Value) -> Self {
        Answer::new(status).body("application/json", body.to_string().into_bytes())
    }

    /// This body, with this `Content-Type`.
    pub fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            body: body.into(),
            ..self.header("content-type", content_type)
        }
    }

    /// One more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).expect("a status code");
        for (name, value) in self.headers {
            response.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(&value).expect("a header value"),
            );
        }
        response
    }
}

/// What the server answers a request the queue has no answer for.
type Otherwise = Box<dyn Fn(&Captured) -> Answer + Send>;

struct Script {
    queued: VecDeque<Answer>,
    otherwise: Otherwise,
    seen: Vec<Captured>,
}

/// A recording HTTP server on a loopback address; see the module docs.
pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    script: Arc<Mutex<Script>>,
    /// How many requests `next_request` has handed out.
    read: usize,
    server: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// A recorder on a free port of 127.0.0.1 that answers from its queue
    /// ([`Recorder::respond`] and the like); a request the queue has no
    /// answer for gets a 500 with an empty JSON object.
    pub fn start() -> Recorder {
        Recorder::scripted(bind("127.0.0.1"), Vec::new())
    }

    /// A recorder on `listener` that answers with `answers`, in order, then
    /// as [`Recorder::start`]'s does.
    pub fn scripted(listener: TcpListener, answers: Vec<Answer>) -> Recorder {
        Recorder::serve(
            listener,
            answers,
            Box::new(|_| Answer::json(500, &json!({}))),
        )
    }

    /// A recorder on a free port of `ip` (a 127.x address) that answers
    /// every request with what `answer` makes of it.
    pub fn answering(ip: &str, answer: impl Fn(&Captured) -> Answer + Send + 'static) -> Recorder {
        Recorder::serve(bind(ip), Vec::new(), Box::new(answer))
    }

    fn serve(listener: TcpListener, answers: Vec<Answer>, otherwise: Otherwise) -> Recorder {
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        listener.set_nonblocking(true).expect("non-blocking");
        let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
        let script = Arc::new(Mutex::new(Script {
            queued: answers.into(),
            otherwise,
            seen: Vec::new(),
        }));
        let app = Router::new().fallback(record).with_state(script.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Recorder {
            base_url,
            script,
            read: 0,
            server,
        }
    }

    /// Queues the answer to a request to come.
    pub fn queue(&mut self, answer: Answer) {
        self.script.lock().unwrap().queued.push_back(answer);
    }

    /// Queues an answer with this body and `Content-Type`.
    pub fn respond(&mut self, status: u16, content_type: &str, body: &[u8]) {
        self.queue(Answer::new(status).body(content_type, body));
    }

    /// Queues an answer with no `Content-Type` and no body.
    pub fn respond_empty(&mut self, status: u16) {
        self.queue(Answer::new(status));
    }

    /// Queues a JSON answer.
    pub fn respond_json(&mut self, status: u16, body: &Value) {
        self.queue(Answer::json(status, body));
    }

    /// Queues an answer that comes only after `millis` milliseconds.
    pub fn hang(&mut self, millis: u64) {
        self.queue(Answer {
            delay: Duration::from_millis(millis),
            ..Answer::new(504)
        });
    }

    /// The oldest request not yet returned by this method; panics if there
    /// is none (every caller has had its answer by then).
    pub fn next_request(&mut self) -> Captured {
        let seen = &self.script.lock().unwrap().seen;
        let request = seen
            .get(self.read)
            .unwrap_or_else(|| panic!("request {} never reached the server", self.read + 1))
            .clone();
        self.read += 1;
        request
    }

    /// Every request that reached the server, in order.
    pub fn requests(&self) -> Vec<Captured> {
        self.script.lock().unwrap().seen.clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn bind(ip: &str) -> TcpListener {
    TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}: {e}"))
}

async fn record(State(script): State<Arc<Mutex<Script>>>, request: Request) -> Response {
    let at = Instant::now();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the request body");
    let captured = Captured {
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_string(), value)
            })
            .collect(),
        body: body.to_vec(),
        at,
    };
    let answer = {
        let mut script = script.lock().unwrap();
        let answer = match script.queued.pop_front() {
            Some(answer) => answer,
            None => (script.otherwise)(&captured),
        };
        script.seen.push(captured);
        answer
    };
    tokio::time::sleep(answer.delay).await;
    answer.into_response()
}

/// A server on 127.0.0.1 for one request: it reads the request's head,
/// answers 200 with a JSON `Content-Length` of `declared` bytes, sends only
/// `body` and closes. Returns its base URL. Raw, since no HTTP library sends
/// a body shorter than the length it declares.
pub async fn truncated_once(declared: usize, body: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("a connection");
        let mut stream = BufReader::new(stream);
        // The head ends with an empty line; a GET has no body.
        let mut line = String::new();
        while stream.read_line(&mut line).await.is_ok_and(|n| n > 0) && line != "\r\n" {
            line.clear();
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
        );
        let mut stream = stream.into_inner();
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(body).await;
        let _ = stream.shutdown().await;
    });
    base_url
}
