//! Retries and tracing turned on, against the fake server in-process:
//!
//! ```sh
//! cargo run --example observability --features tracing
//! ```
//!
//! Each call prints as one span (operation, method, path template, status,
//! attempts, the provider's error code) when it closes; the kick of a
//! participant who is already gone shows a 404 with error code 20404.

use std::time::Duration;

use signalwire_participants::ClientConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_target(false)
        .init();
    let fake = signalwire_participants_fake::start("127.0.0.1:0").await?;
    let demo = fake.demo();
    let client =
        ClientConfig::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())?
            .retries(4, Duration::from_secs(10))
            .build()?;
    let bob = client.participant(&demo.conference_sid, &demo.call_sids[1])?;
    bob.mute().await?;
    bob.kick().await?;
    match bob.kick().await {
        Err(e) => println!("the second kick: {e}"),
        Ok(()) => println!("the second kick succeeded (unexpected)"),
    }
    let page = client.participants(&demo.conference_sid)?.page().await?;
    println!(
        "{} participants left",
        page.participants.unwrap_or_default().len()
    );
    Ok(())
}
