//! Runs the fake in the foreground. The first line on stdout is one JSON
//! object with `base_url`, `account_sid`, `auth_token`, `conference_sid` and
//! the demo participants' `call_sids`, so any tool can drive it.
//!
//! Usage: `signalwire-participants-fake [--addr 127.0.0.1:PORT]
//! [--status-callback URL]`; with a status callback (an http URL on
//! loopback), the demo conference's events are POSTed there, signed with
//! the demo line's `signing_key`
//! (`cargo xtask serve` runs this).

use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let usage =
        "usage: signalwire-participants-fake [--addr 127.0.0.1:PORT] [--status-callback URL]";
    let (mut addr, mut callback) = ("127.0.0.1:8080".to_string(), None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--addr", Some(value)) => addr = value,
            ("--status-callback", Some(value)) => callback = Some(value),
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let fake = signalwire_participants_fake::Fake::demo();
    if let Some(url) = &callback {
        if let Err(e) = fake.subscribe_demo(url) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let server = match signalwire_participants_fake::start_with(&addr, fake).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cannot start the fake on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let demo = serde_json::to_string(&server.demo()).unwrap_or_default();
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{demo}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    eprintln!(
        "fake SignalWire participants API on http://{} (Ctrl-C to stop)",
        server.addr
    );
    tokio::select! {
        _ = server.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    ExitCode::SUCCESS
}
