//! Every verb both ways (the participant's method and the request preset),
//! against the fake: each changes the participant's state as it says. The
//! exact form each sends is in `wire`.

use signalwire_participants::types::{Participant, UpdateParticipantRequest as Update};
use signalwire_participants::{Client, Error, ParticipantRef};

/// The verbs that update, by name (the methods of `ParticipantRef` and the
/// presets of `UpdateParticipantRequest`). `kick` is on its own.
pub const VERBS: [&str; 8] = [
    "mute",
    "unmute",
    "hold_with_music",
    "unhold",
    "announce",
    "coach",
    "monitor",
    "barge",
];

/// The verb `name` as the participant's method; `arg` is its URL or call, if it takes one.
pub async fn verb(p: &ParticipantRef<'_>, name: &str, arg: &str) -> Result<Participant, Error> {
    match name {
        "mute" => p.mute().await,
        "unmute" => p.unmute().await,
        "hold_with_music" => p.hold_with_music(arg).await,
        "unhold" => p.unhold().await,
        "announce" => p.announce(arg).await,
        "coach" => p.coach(arg).await,
        "monitor" => p.monitor(arg).await,
        "barge" => p.barge().await,
        _ => panic!("no verb {name}"),
    }
}

/// The verb `name` as the request preset.
pub fn preset(name: &str, arg: &str) -> Result<Update, Error> {
    Ok(match name {
        "mute" => Update::mute(),
        "unmute" => Update::unmute(),
        "hold_with_music" => Update::hold_with_music(arg)?,
        "unhold" => Update::unhold(),
        "announce" => Update::announce(arg)?,
        "coach" => Update::coach(arg)?,
        "monitor" => Update::monitor(arg)?,
        "barge" => Update::barge(),
        _ => panic!("no preset {name}"),
    })
}

/// What a participant's state is, as the verbs change it.
fn state(p: &Participant) -> (Option<bool>, Option<bool>, Option<bool>, Option<String>) {
    (p.muted, p.hold, p.coaching, p.call_sid_to_coach.clone())
}

#[tokio::test]
async fn every_verb_changes_the_fakes_state_both_ways() {
    let server = signalwire_participants_fake::start("127.0.0.1:0")
        .await
        .unwrap();
    let demo = server.demo();
    // The token as an app has it, from the environment: a `String`, lent.
    let client = Client::with_base_url(&demo.base_url, &demo.account_sid, &demo.auth_token)
        .expect("a loopback client");
    let conference = demo.conference_sid.as_str();
    let agent = client.participant(conference, &demo.call_sids[0]).unwrap();
    let supervisor = client.participant(conference, &demo.call_sids[2]).unwrap();
    let music = "https://example.com/hold.mp3";
    let agent_call = Some(demo.call_sids[0].clone());
    // Each step: who, the verb, its argument, and the state it leaves
    // (muted, hold, coaching, the coached call).
    let steps = [
        (
            &agent,
            "mute",
            "",
            (Some(true), Some(false), Some(false), None),
        ),
        (
            &agent,
            "unmute",
            "",
            (Some(false), Some(false), Some(false), None),
        ),
        (
            &agent,
            "hold_with_music",
            music,
            (Some(false), Some(true), Some(false), None),
        ),
        (
            &agent,
            "unhold",
            "",
            (Some(false), Some(false), Some(false), None),
        ),
        (
            &agent,
            "announce",
            "https://example.com/hi.mp3",
            (Some(false), Some(false), Some(false), None),
        ),
        (
            &supervisor,
            "monitor",
            &demo.call_sids[0],
            (Some(true), Some(false), Some(true), agent_call.clone()),
        ),
        (
            &supervisor,
            "barge",
            "",
            (Some(false), Some(false), Some(false), None),
        ),
        (
            &supervisor,
            "coach",
            &demo.call_sids[0],
            (Some(false), Some(false), Some(true), agent_call.clone()),
        ),
        (
            &supervisor,
            "barge",
            "",
            (Some(false), Some(false), Some(false), None),
        ),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for by_preset in [false, true] {
        for (p, name, arg, expected) in &steps {
            let answer = if by_preset {
                p.update(&preset(name, arg).unwrap()).await
            } else {
                verb(p, name, arg).await
            };
            let answer = answer.unwrap_or_else(|e| panic!("{name}: {e}"));
            let what = format!("{name} (preset: {by_preset})");
            assert_eq!(state(&answer), *expected, "{what}: the answer");
            assert_eq!(
                state(&p.retrieve().await.unwrap()),
                *expected,
                "{what}: retrieved"
            );
            if *name == "hold_with_music" {
                assert_eq!(answer.hold_url.as_deref(), Some(music), "{what}");
            }
            seen.push(name);
        }
    }
    for name in VERBS {
        assert!(seen.contains(&name), "{name} was not tried");
    }
    agent.kick().await.unwrap();
    assert_eq!(agent.retrieve().await.unwrap_err().status(), Some(404));
}
