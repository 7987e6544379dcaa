//! Hearing the conference: an axum app that takes the provider's status
//! callbacks, checks their signatures and prints each event, while the
//! quickstart's moderator mutes, holds and kicks on the fake server.
//!
//! `cargo run --example receiver --features axum`
//!
//! Against a real space, give the provider your app's public URL (behind a
//! proxy: the URL the provider calls, not the one the proxy forwards to) and
//! state the same origin in `Receiver::new`; the signing key is the
//! project's Signing Key (SignalWire) or the auth token (Twilio).

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use signalwire_participants::Client;
use signalwire_participants::events::{Receiver, VerifiedEvent};
use signalwire_participants::webhook::Verifier;

/// One verified event: printed, then answered 204 (the provider reads no body).
async fn conference_event(VerifiedEvent(event): VerifiedEvent) -> axum::http::StatusCode {
    let reason = match (
        &event.reason_participant_left,
        &event.reason_conference_ended,
    ) {
        (Some(left), _) => format!(" ({left})"),
        (None, Some(ended)) => format!(" ({ended})"),
        (None, None) => String::new(),
    };
    println!(
        "event #{} {}: call {} muted={:?} hold={:?}{reason}",
        event.sequence_number.unwrap_or_default(),
        event.status_callback_event,
        event.call_sid.as_deref().map_or("-", |c| c.as_str()),
        event.muted,
        event.hold,
    );
    axum::http::StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The app: its public origin is where it listens, here on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    let receiver = Receiver::new(
        Verifier::signalwire(signalwire_participants_fake::DEMO_SIGNING_KEY)?,
        origin.clone(),
    );
    let app = Router::new()
        .route("/conference-events", post(conference_event))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The provider (the fake), told where to send the conference's events.
    let fake = signalwire_participants_fake::Fake::demo()
        .subscribe_demo(&format!("{origin}/conference-events"))?;
    let server = signalwire_participants_fake::start_with("127.0.0.1:0", fake).await?;
    let demo = server.demo();
    let client =
        Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())?;

    // The moderator.
    let conference = &demo.conference_sid;
    for label in &demo.labels {
        let p = client.participant(conference, label)?;
        println!("muting {label}");
        p.mute().await?;
    }
    let alice = client.participant(conference, "alice")?;
    println!("holding alice");
    alice
        .hold_with_music("https://example.com/hold.mp3")
        .await?;
    for label in &demo.labels {
        println!("kicking {label}");
        client.participant(conference, label)?.kick().await?;
    }
    // The events arrive in the background; give the last ones a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}
