//! Every artifact derived from the spec, computed in one place: the shapes
//! of the requests the client puts on the wire (captured by a real HTTP
//! server on 127.0.0.1), the shapes of the responses it parses, the JSON
//! Schema of its types, and the public surface of the generated code.
//!
//! `cargo xtask regen` writes these as insta snapshot files; the snapshot
//! tests assert the same values, so plain `cargo test` catches drift too.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::yaml_text::to_yaml;
use crate::{ACCOUNT, CALL, CONFERENCE, TOKEN, response_examples, update_examples};

/// Where the snapshot files live, relative to the workspace root.
pub const SNAPSHOT_DIR: &str = "tests/snapshots";
/// The test file whose assertions own the snapshots (insta's `source:`).
pub const SNAPSHOT_SOURCE: &str = "tests/shapes.rs";
/// insta's prefix for snapshots asserted in `tests/shapes.rs`.
pub const SNAPSHOT_PREFIX: &str = "shapes__";

/// One artifact: a snapshot name and its body.
#[derive(Clone, Debug, PartialEq)]
pub struct Artifact {
    /// The snapshot name, e.g. `request_update_mute`.
    pub name: String,
    /// The snapshot body (YAML or a listing), without insta's header.
    pub body: String,
}

impl Artifact {
    /// The file, relative to the workspace root.
    pub fn relative_path(&self) -> String {
        format!("{SNAPSHOT_DIR}/{SNAPSHOT_PREFIX}{}.snap", self.name)
    }

    /// The whole file as insta writes it.
    pub fn file_contents(&self) -> String {
        format!("---\nsource: {SNAPSHOT_SOURCE}\n---\n{}\n", self.body)
    }
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Computes every artifact, sorted by name. Fails (writing nothing) if the
/// spec does not lint or generate.
pub fn all() -> Result<Vec<Artifact>, String> {
    let spec = participants_openapi::load_workspace_spec().map_err(|d| d.to_string())?;
    let code = participants_openapi::generate(&spec).map_err(|e| e.to_string())?;
    let mut out = vec![Artifact {
        name: "rust_surface".into(),
        body: participants_openapi::surface(&code)?,
    }];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    out.extend(runtime.block_on(wire_artifacts())?);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Queued answers: status, content type, body.
type Answers = Arc<Mutex<VecDeque<(u16, String, Vec<u8>)>>>;

/// A loopback HTTP server that records raw requests and answers from a queue.
struct Capture {
    base_url: String,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    answers: Answers,
}

impl Capture {
    async fn start() -> Result<Capture, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind 127.0.0.1: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answers: Answers = Arc::new(Mutex::new(VecDeque::new()));
        let (reqs, ans) = (requests.clone(), answers.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let Some(raw) = read_request(&mut stream).await else {
                    continue;
                };
                reqs.lock().expect("requests lock").push(raw);
                let (status, content_type, body) = ans
                    .lock()
                    .expect("answers lock")
                    .pop_front()
                    .unwrap_or((500, "text/plain".into(), b"no answer queued".to_vec()));
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            }
        });
        Ok(Capture {
            base_url: format!("http://127.0.0.1:{port}"),
            requests,
            answers,
        })
    }

    fn answer(&self, status: u16, content_type: &str, body: &[u8]) {
        self.answers.lock().expect("answers lock").push_back((
            status,
            content_type.into(),
            body.to_vec(),
        ));
    }

    fn last_request(&self) -> Result<Vec<u8>, String> {
        self.requests
            .lock()
            .expect("requests lock")
            .pop()
            .ok_or_else(|| "the server received no request".to_string())
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while raw.len() < head_end + length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    Some(raw)
}

/// A captured request as a reviewer reads it: method, path exactly as sent,
/// headers sorted by name (credentials and the port redacted), and the body
/// raw and decoded in wire order.
pub fn request_shape(raw: &[u8]) -> Value {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default();
    let path = request_line.next().unwrap_or_default();
    let mut headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| {
            let name = n.trim().to_ascii_lowercase();
            let value = match name.as_str() {
                "authorization" => redact_authorization(v.trim()),
                "host" => redact_port(v.trim()),
                _ => v.trim().to_string(),
            };
            (name, value)
        })
        .collect();
    headers.sort();
    let body = &raw[head_end.min(raw.len())..];
    let mut shape = Map::new();
    shape.insert("method".into(), json!(method));
    shape.insert("path".into(), json!(path));
    shape.insert(
        "headers".into(),
        Value::Object(
            headers
                .into_iter()
                .map(|(n, v)| (n, Value::String(v)))
                .collect(),
        ),
    );
    let decoded: Vec<Value> = url::form_urlencoded::parse(body)
        .map(|(k, v)| json!({ k.into_owned(): v.into_owned() }))
        .collect();
    shape.insert(
        "body".into(),
        json!({"raw": String::from_utf8_lossy(body), "decoded": decoded}),
    );
    Value::Object(shape)
}

/// `Basic [redacted]`: the credentials never reach a snapshot. The redacted
/// value still says whether they were the expected ones.
fn redact_authorization(value: &str) -> String {
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"));
    match value.strip_prefix("Basic ") {
        Some(v) if v == expected => "Basic [redacted: the test account and token]".into(),
        Some(_) => "Basic [redacted: UNEXPECTED credentials]".into(),
        None => "[redacted: not Basic]".into(),
    }
}

fn redact_port(host: &str) -> String {
    match host.rsplit_once(':') {
        Some((h, _)) => format!("{h}:[port]"),
        None => host.to_string(),
    }
}

/// A parsed response as a reviewer reads it: the body the server sent, and
/// what the client made of it (its `Debug` form, so every field, typed value,
/// absent field and raw date shows).
fn response_shape(input: &Value, parsed: &str) -> Value {
    json!({"input": input, "parsed": format!("{parsed}\n")})
}

async fn wire_artifacts() -> Result<Vec<Artifact>, String> {
    let server = Capture::start().await?;
    let client =
        Client::with_base_url(&server.base_url, ACCOUNT, TOKEN).map_err(|e| e.to_string())?;
    let participant = client
        .participant(CONFERENCE, CALL)
        .map_err(|e| e.to_string())?;
    let some_answer = serde_json::to_vec(&json!({"muted": true})).unwrap_or_default();
    let mut out = Vec::new();

    for (name, example) in update_examples() {
        let body: UpdateParticipantRequest =
            serde_json::from_value(example).map_err(|e| format!("update example `{name}`: {e}"))?;
        server.answer(200, "application/json", &some_answer);
        participant
            .update(&body)
            .await
            .map_err(|e| format!("update example `{name}`: {e}"))?;
        out.push(Artifact {
            name: format!("request_update_{name}"),
            body: to_yaml(&request_shape(&server.last_request()?)),
        });
    }

    server.answer(200, "application/json", &some_answer);
    participant
        .retrieve()
        .await
        .map_err(|e| format!("retrieve: {e}"))?;
    out.push(Artifact {
        name: "request_retrieve".into(),
        body: to_yaml(&request_shape(&server.last_request()?)),
    });

    let labelled = client
        .participant(CONFERENCE, "agent one")
        .map_err(|e| e.to_string())?;
    server.answer(200, "application/json", &some_answer);
    labelled
        .retrieve()
        .await
        .map_err(|e| format!("retrieve by label: {e}"))?;
    out.push(Artifact {
        name: "request_retrieve_label_with_space".into(),
        body: to_yaml(&request_shape(&server.last_request()?)),
    });

    for (name, example) in response_examples() {
        let bytes = serde_json::to_vec(&example).unwrap_or_default();
        server.answer(200, "application/json", &bytes);
        let parsed = participant
            .retrieve()
            .await
            .map_err(|e| format!("response example `{name}`: {e}"))?;
        out.push(Artifact {
            name: format!("response_{name}"),
            body: to_yaml(&response_shape(&example, &format!("{parsed:#?}"))),
        });
    }

    let not_found = json!({
        "code": 20404,
        "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    });
    server.answer(404, "application/json", not_found.to_string().as_bytes());
    let err = participant
        .retrieve()
        .await
        .err()
        .ok_or("a 404 must be an error")?;
    out.push(error_artifact("response_error_not_found", &not_found, &err));

    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    server.answer(502, "text/html", html.as_bytes());
    let err = participant
        .retrieve()
        .await
        .err()
        .ok_or("a 502 must be an error")?;
    out.push(error_artifact(
        "response_error_html_502",
        &json!(html),
        &err,
    ));
    Ok(out)
}

fn error_artifact(name: &str, input: &Value, err: &Error) -> Artifact {
    let shape = json!({
        "input": input,
        "error": err.to_string(),
        "retryable": err.is_retryable(),
        "parsed": format!("{err:#?}\n"),
    });
    Artifact {
        name: name.into(),
        body: to_yaml(&shape),
    }
}
