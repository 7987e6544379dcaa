//! A moderator's story in one run: find the conference by name, mute
//! everyone but the speaker, pause the recording while a card number is
//! read, resume it, and end the conference.
//!
//! With no `SIGNALWIRE_*` variables set, it starts the fake SignalWire
//! server in-process and needs no network and no credentials:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and `SIGNALWIRE_API_TOKEN`
//! set, plus `SIGNALWIRE_CONFERENCE_NAME` (the name your cXML gives the
//! conference) and `SIGNALWIRE_SPEAKER_CALL_SID` (a participant of it), the
//! same code talks to your space, and ends that conference.

use futures_util::TryStreamExt;
use signalwire_participants::types::{Conference, ConferenceRecording, RecordingStatus};
use signalwire_participants::{Client, PauseBehavior};

struct Scenario {
    client: Client,
    name: String,
    speaker: String,
    /// Keeps the in-process fake alive while the scenario runs.
    _fake: Option<signalwire_participants_fake::RunningFake>,
}

async fn scenario() -> Result<Scenario, Box<dyn std::error::Error>> {
    if std::env::var_os("SIGNALWIRE_SPACE").is_some() {
        let need = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        println!(
            "Using your SignalWire space ({}).",
            need("SIGNALWIRE_SPACE")?
        );
        return Ok(Scenario {
            client: Client::from_env()?,
            name: need("SIGNALWIRE_CONFERENCE_NAME")?,
            speaker: need("SIGNALWIRE_SPEAKER_CALL_SID")?,
            _fake: None,
        });
    }
    let fake = signalwire_participants_fake::start("127.0.0.1:0").await?;
    let demo = fake.demo();
    println!(
        "No SIGNALWIRE_SPACE set: using the built-in fake server at {}.",
        demo.base_url
    );
    Ok(Scenario {
        client: Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())?,
        name: demo.conference_name.clone(),
        speaker: demo.call_sids[1].clone(),
        _fake: Some(fake),
    })
}

fn show_conference(step: &str, c: &Conference) {
    let text = |v: Option<String>| v.unwrap_or_else(|| "?".into());
    println!(
        "  {step:<22} {} | {} | status {}",
        text(c.friendly_name.clone()),
        text(c.sid.clone()),
        text(c.status.as_ref().map(|s| s.to_string())),
    );
}

fn show_recording(step: &str, r: &ConferenceRecording) {
    let text = |v: Option<String>| v.unwrap_or_else(|| "?".into());
    println!(
        "  {step:<22} recording {} | status {}",
        text(r.sid.clone()),
        text(r.status.as_ref().map(|s| s.to_string())),
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = scenario().await?;

    println!(
        "1. Find the conference named {:?} that is in progress.",
        s.name
    );
    let found = s.client.running_conference(&s.name).await?;
    let found = found.ok_or_else(|| format!("no conference named {:?} is in progress", s.name))?;
    show_conference("found", &found);
    let conference = s
        .client
        .conference(found.sid.as_deref().unwrap_or_default())?;

    println!("2. Mute everyone but the speaker.");
    let report = (conference.participants().muted(false))
        .mute_all()
        .except(&s.speaker)
        .await?;
    println!(
        "  muted {} participants; {} failed",
        report.succeeded_count(),
        report.failed().count()
    );
    for (call_sid, error) in report.failed() {
        println!("  {call_sid} is not muted: {error}");
    }

    println!("3. A card number is read: pause the recording, leaving the pause out.");
    let recordings: Vec<ConferenceRecording> =
        conference.recordings().stream().try_collect().await?;
    let live = recordings
        .iter()
        .find(|r| r.status == Some(RecordingStatus::InProgress))
        .and_then(|r| r.sid.as_deref());
    match live {
        Some(sid) => {
            let recording = conference.recording(sid)?;
            show_recording("paused", &recording.pause(PauseBehavior::Skip).await?);
            println!("4. The number is read: resume the recording.");
            show_recording("resumed", &recording.resume().await?);
        }
        None => println!("  (no recording in progress: nothing to pause)"),
    }

    println!("5. End the conference for everyone.");
    show_conference("ended", &conference.end().await?);
    let left = conference.participants().page().await?;
    println!(
        "  {} participants left in it",
        left.participants.unwrap_or_default().len()
    );
    println!("Done.");
    Ok(())
}
