//! Runs the fake in the foreground. The first line on stdout is one JSON
//! object with `base_url`, `account_sid`, `auth_token`, `conference_sid`,
//! its `conference_name` and `recording_sid`, the ended conference's ids,
//! and the demo participants' `call_sids`, so any tool can drive it.
//!
//! Usage: `signalwire-participants-fake [--addr 127.0.0.1:PORT]
//! [--status-callback URL] [--participants N] [--events in-order|production-like]
//! [--seed N] [--numbered true|false]`; with a status callback (an http URL
//! on loopback), the demo conference's events are POSTed there, signed with
//! the demo line's `signing_key`: by default numbered, in order, once each;
//! with `--events production-like`, as SignalWire may send them (unnumbered,
//! shuffled, some twice: `Delivery::production_like`), drawn from `--seed`
//! (default 0); `--numbered` sets or drops `SequenceNumber` either way. With
//! `--participants`, the demo conference has N participants
//! (`Fake::with_participants`). `cargo xtask serve` runs this.

use std::io::Write;
use std::process::ExitCode;

use signalwire_participants_fake::{Delivery, Fake};

const USAGE: &str = "usage: signalwire-participants-fake [--addr 127.0.0.1:PORT] [--status-callback URL] [--participants N] [--events in-order|production-like] [--seed N] [--numbered true|false]";

/// What the flags ask for.
struct Options {
    addr: String,
    callback: Option<String>,
    participants: Option<usize>,
    production_like: bool,
    seed: u64,
    numbered: Option<bool>,
}

impl Options {
    /// The flags, each with its value; `None` for anything else.
    fn parse(mut args: impl Iterator<Item = String>) -> Option<Options> {
        let mut options = Options {
            addr: "127.0.0.1:8080".into(),
            callback: None,
            participants: None,
            production_like: false,
            seed: 0,
            numbered: None,
        };
        while let Some(flag) = args.next() {
            let value = args.next()?;
            match flag.as_str() {
                "--addr" => options.addr = value,
                "--status-callback" => options.callback = Some(value),
                "--participants" => options.participants = Some(value.parse().ok()?),
                "--events" => {
                    options.production_like = match value.as_str() {
                        "in-order" => false,
                        "production-like" => true,
                        _ => return None,
                    }
                }
                "--seed" => options.seed = value.parse().ok()?,
                "--numbered" => options.numbered = Some(value.parse().ok()?),
                _ => return None,
            }
        }
        Some(options)
    }

    /// How the events are delivered.
    fn delivery(&self) -> Delivery {
        let delivery = match self.production_like {
            true => Delivery::production_like(self.seed),
            false => Delivery::in_order(),
        };
        match self.numbered {
            Some(numbered) => delivery.numbered(numbered),
            None => delivery,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(options) = Options::parse(std::env::args().skip(1)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let fake = match options.participants {
        Some(n) => Fake::with_participants(n),
        None => Fake::demo(),
    };
    let fake = fake.event_delivery(options.delivery());
    let fake = match options.callback.as_deref() {
        Some(url) => match fake.subscribe_demo(url) {
            Ok(fake) => fake,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        None => fake,
    };
    let addr = &options.addr;
    let server = match signalwire_participants_fake::start_with(addr, fake).await {
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
