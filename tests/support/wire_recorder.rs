//! A separate-process HTTP server on 127.0.0.1 that records every request
//! byte for byte and answers what the test tells it to.
//!
//! Protocol (one line each):
//! - stdout, first: `LISTENING <port>`.
//! - stdin, one per request to come, queued ahead:
//!   `RESPOND <status> <content-type or -> <base64 body>` answers and closes;
//!   `CUT <status> <content-type> <declared length> <base64 body>` sends a
//!   shorter body than it declares, then closes;
//!   `HANG <milliseconds>` reads the request and answers nothing for that long.
//! - stdout, per request: `REQUEST <base64 of the raw request bytes>`.
//!
//! It stops when stdin closes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    println!("LISTENING {port}");
    std::io::stdout().flush().ok();

    let mut script = BufReader::new(std::io::stdin());
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let Some(raw) = read_request(&mut stream) else {
            continue;
        };
        println!("REQUEST {}", STANDARD.encode(&raw));
        std::io::stdout().flush().ok();
        let mut line = String::new();
        if script.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        answer(&mut stream, line.trim_end_matches(['\r', '\n']));
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).ok()?;
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
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    Some(raw)
}

fn answer(stream: &mut TcpStream, line: &str) {
    let parts: Vec<&str> = line.split(' ').collect();
    match parts.as_slice() {
        ["RESPOND", status, content_type, body] => {
            let body = STANDARD.decode(body).unwrap_or_default();
            write_response(stream, status, content_type, body.len(), &body);
        }
        ["CUT", status, content_type, declared, body] => {
            let body = STANDARD.decode(body).unwrap_or_default();
            write_response(
                stream,
                status,
                content_type,
                declared.parse().unwrap_or(0),
                &body,
            );
        }
        ["HANG", millis] => {
            std::thread::sleep(Duration::from_millis(millis.parse().unwrap_or(1000)))
        }
        _ => eprintln!("wire-recorder: cannot read script line {line:?}"),
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    length: usize,
    body: &[u8],
) {
    let mut head =
        format!("HTTP/1.1 {status} X\r\nContent-Length: {length}\r\nConnection: close\r\n");
    if *content_type != *"-" {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}
