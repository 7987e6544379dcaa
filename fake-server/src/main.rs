//! Runs the fake in the foreground. The first line on stdout is one JSON
//! object with `base_url`, `account_sid`, `auth_token`, `conference_sid` and
//! the demo participants' `call_sids`, so any tool can drive it.
//!
//! Usage: `signalwire-participants-fake [--addr 127.0.0.1:PORT]`
//! (`cargo xtask serve` runs this).

use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => "127.0.0.1:8080".to_string(),
        ["--addr", addr] => addr.to_string(),
        _ => {
            eprintln!("usage: signalwire-participants-fake [--addr 127.0.0.1:PORT]");
            return ExitCode::from(2);
        }
    };
    let server = match signalwire_participants_fake::start(&addr).await {
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
