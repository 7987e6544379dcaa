//! Shared by the loopback servers of `retries.rs` and `redirect.rs`.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The request line and headers, read up to the blank line that ends them
/// (or until the client stops sending); the body, if any, is left unread.
pub async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    raw
}
