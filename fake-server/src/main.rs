//! Runs the fake in the foreground. The first line on stdout is one JSON
//! object with `base_url`, `account_sid`, `auth_token`, `conference_sid` and
//! the demo participants' `call_sids`, so any tool can drive it.
//!
//! Usage: `signalwire-participants-fake [--addr 127.0.0.1:PORT]
//! [--status-callback URL] [--participants N]`; with a status callback (an
//! http URL on loopback), the demo conference's events are POSTed there,
//! signed with the demo line's `signing_key`; with `--participants`, the
//! demo conference has N participants (`Fake::with_participants`)
//! (`cargo xtask serve` runs this).

use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let usage = "usage: signalwire-participants-fake [--addr 127.0.0.1:PORT] [--status-callback URL] [--participants N]";
    let (mut addr, mut callback, mut participants) = ("127.0.0.1:8080".to_string(), None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--addr", Some(value)) => addr = value,
            ("--status-callback", Some(value)) => callback = Some(value),
            ("--participants", Some(value)) if value.parse::<usize>().is_ok() => {
                participants = value.parse().ok();
            }
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let fake = match participants {
        Some(n) => signalwire_participants_fake::Fake::with_participants(n),
        None => signalwire_participants_fake::Fake::demo(),
    };
    if let Some(Err(e)) = callback.as_deref().map(|url| fake.subscribe_demo(url)) {
        eprintln!("{e}");
        return ExitCode::from(2);
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
