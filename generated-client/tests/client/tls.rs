//! The TLS stack the crate's features pick is wired in: an `https` call to a
//! loopback server that answers in clear text fails the handshake as a
//! transport error (with no process-wide crypto provider installed, and no
//! panic), and never sends the request in clear.

use std::io::{Read, Write};

use signalwire_participants::{Client, Error};

#[tokio::test]
async fn an_https_call_goes_through_tls() {
    // Raw: the test reads the first bytes of the TLS handshake, which no HTTP
    // server library hands over (they answer it or drop it).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut first = [0u8; 5];
        stream.read_exact(&mut first).unwrap();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        first
    });
    let client = Client::with_base_url(
        &format!("https://127.0.0.1:{port}"),
        "AC0123456789abcdef0123456789abcdef",
        "token",
    )
    .unwrap();
    let err = client
        .participant("CF0123456789abcdef0123456789abcdef", "agent")
        .unwrap()
        .retrieve()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // A TLS handshake record (0x16, version 3.x), not `GET /...` in clear.
    let first = server.join().unwrap();
    assert_eq!(&first[..2], &[0x16, 0x03], "{first:?}");
}
