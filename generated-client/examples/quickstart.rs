//! The whole scenario in one run: list, mute, hold with music, coach, barge,
//! retrieve and kick.
//!
//! With no `SIGNALWIRE_*` variables set, it starts the fake SignalWire
//! server in-process and needs no network and no credentials:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and `SIGNALWIRE_API_TOKEN`
//! set, plus `SIGNALWIRE_CONFERENCE_SID`, `SIGNALWIRE_CALL_SID` (the agent)
//! and `SIGNALWIRE_SUPERVISOR_CALL_SID` (another participant of the same
//! conference), the same code talks to your space.

use futures_util::TryStreamExt;
use signalwire_participants::types::{Participant, UpdateParticipantRequest};
use signalwire_participants::{Client, Error};

struct Scenario {
    client: Client,
    conference: String,
    agent: String,
    supervisor: String,
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
            conference: need("SIGNALWIRE_CONFERENCE_SID")?,
            agent: need("SIGNALWIRE_CALL_SID")?,
            supervisor: need("SIGNALWIRE_SUPERVISOR_CALL_SID")?,
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
        conference: demo.conference_sid,
        agent: demo.call_sids[0].clone(),
        supervisor: demo.call_sids[2].clone(),
        _fake: Some(fake),
    })
}

fn show(step: &str, p: &Participant) {
    let flag = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    println!(
        "  {step:<28} call {} | muted {} | hold {} | coaching {}{} | status {} | updated {}",
        p.call_sid.as_deref().unwrap_or("?"),
        flag(p.muted),
        flag(p.hold),
        flag(p.coaching),
        p.call_sid_to_coach
            .as_deref()
            .map(|c| format!(" -> {c}"))
            .unwrap_or_default(),
        p.status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "?".into()),
        p.date_updated
            .as_ref()
            .map(|d| d.raw().to_string())
            .unwrap_or_else(|| "?".into()),
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = scenario().await?;
    let agent = s.client.participant(&s.conference, &s.agent)?;
    let supervisor = s.client.participant(&s.conference, &s.supervisor)?;

    println!("0. Who is in the conference (one page per participant, to show paging).");
    let everyone: Vec<Participant> = s
        .client
        .participants(&s.conference)?
        .page_size(1)
        .stream()
        .try_collect()
        .await?;
    for p in &everyone {
        show("listed", p);
    }

    println!("1. Mute the agent.");
    show("mute", &agent.mute().await?);

    println!("2. Put the agent on hold with music, then bring them back.");
    show(
        "hold with music",
        &agent
            .hold_with_music("http://www.your-application.com/hold")
            .await?,
    );
    let resume = UpdateParticipantRequest {
        hold: Some(false),
        ..Default::default()
    };
    show("resume", &agent.update(&resume).await?);

    println!("3. The supervisor coaches the agent (only the agent hears them).");
    show(
        "coach",
        &supervisor
            .update(&UpdateParticipantRequest::coach(agent.call_sid())?)
            .await?,
    );

    println!("4. The supervisor barges in (everyone hears them).");
    show(
        "barge",
        &supervisor
            .update(&UpdateParticipantRequest::barge())
            .await?,
    );

    println!("5. Retrieve both.");
    let a = agent.retrieve().await?;
    show("retrieve agent", &a);
    show("retrieve supervisor", &supervisor.retrieve().await?);
    if let Some(created) = &a.date_created {
        let instant = created.instant().map(|i| i.to_rfc3339());
        let when = instant.as_deref().unwrap_or("an unreadable date");
        println!("  the agent joined at {when} (the server wrote \"{created}\")");
    }

    println!("6. The supervisor leaves (kick); the list shrinks.");
    supervisor.kick().await?;
    let left = s.client.participants(&s.conference)?.page().await?;
    let left = left.participants.unwrap_or_default();
    println!("  {} participants left in the conference", left.len());

    println!("7. What a mistake looks like.");
    match s.client.participant(&s.conference, "../../etc") {
        Err(e) => println!("  refused before sending: {e}"),
        Ok(_) => println!("  (unexpectedly accepted)"),
    }
    match s
        .client
        .participant(&s.conference, "nobody-here")?
        .retrieve()
        .await
    {
        Err(Error::Api(e)) => println!("  the server said: {e}"),
        Ok(_) => println!("  (unexpectedly found)"),
        Err(other) => println!("  another error: {other}"),
    }
    println!("Done.");
    Ok(())
}
