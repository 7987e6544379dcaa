//! The spec decides what the hand-written layer knows.
//!
//! Ids: the spec alone decides which ids the client accepts: for any string, the
//! client takes it exactly when the pattern in `openapi/participants.yaml`
//! matches it, read from the spec at test time and run by the same regex
//! engine (regress) as the generated types. No hand-written rule adds to or
//! takes from that verdict.

use std::sync::LazyLock;

use participants_shapes::{ACCOUNT, CALL, CONFERENCE};
use proptest::prelude::*;
use signalwire_participants::types::UpdateParticipantRequest;
use signalwire_participants::{Client, ParticipantStatus, spec_facts};

/// The spec's pattern for each id schema, read once.
static PATTERNS: LazyLock<Vec<(&str, regress::Regex)>> = LazyLock::new(|| {
    let spec = participants_shapes::spec();
    ["AccountSid", "ConferenceSid", "CallSid", "CallSidToCoach"]
        .into_iter()
        .map(|schema| {
            let text = spec
                .tree
                .pointer(&format!("/components/schemas/{schema}/pattern"))
                .and_then(|p| p.as_str().map(str::to_string))
                .unwrap_or_else(|| panic!("{schema} has no pattern in the spec"));
            (schema, regress::Regex::new(&text).unwrap())
        })
        .collect()
});

fn pattern(schema: &str) -> &'static regress::Regex {
    &PATTERNS.iter().find(|(name, _)| *name == schema).unwrap().1
}

/// Nothing is sent: the ids are checked before any request.
static CLIENT: LazyLock<Client> =
    LazyLock::new(|| Client::with_base_url("http://127.0.0.1:9", ACCOUNT, "token").unwrap());

/// Strings near the shapes the patterns accept (UUIDs, prefixed SIDs,
/// labels with odd characters), and arbitrary ones.
fn candidate() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-FxX-]{30,40}",
        "(AC|CF|CA|ac|XX)[0-9a-fA-Fg]{30,34}",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-fg]{11,13}",
        "[a-z ./\\\\\\x00\\x1f\\x7f\u{e9}%+]{0,6}",
        ".{120,135}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_path_ids_follow_the_specs_patterns(s in candidate()) {
        let client = &*CLIENT;
        let accepted = |r: Result<_, _>| r.is_ok();
        prop_assert_eq!(
            accepted(client.participant_in_account(&s, CONFERENCE, CALL)),
            pattern("AccountSid").find(&s).is_some()
        );
        prop_assert_eq!(
            accepted(client.participant(&s, CALL)),
            pattern("ConferenceSid").find(&s).is_some()
        );
        prop_assert_eq!(
            accepted(client.participant(CONFERENCE, &s)),
            pattern("CallSid").find(&s).is_some()
        );
        prop_assert_eq!(
            UpdateParticipantRequest::coach(&s).is_ok(),
            pattern("CallSidToCoach").find(&s).is_some()
        );
    }
}

/// The open status enum's variants are the spec's enum values, in order,
/// each kept by its own variant (and not as `Other`).
#[test]
fn the_status_variants_are_the_specs_enum() {
    let spec = participants_shapes::spec();
    let values: Vec<String> = spec
        .tree
        .pointer("/components/schemas/ParticipantStatus/anyOf/0/enum")
        .unwrap()
        .to_json()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert_eq!(values.len(), 8, "{values:?}");
    for value in &values {
        let status: ParticipantStatus = value.parse().unwrap();
        assert!(!matches!(status, ParticipantStatus::Other(_)), "{value}");
        assert_eq!(status.as_str(), value);
    }
}

/// The form fields typed as URLs are the spec's `format: uri` properties
/// (directly or as one branch of an `anyOf`), and the ones that may also be
/// empty are those with a `maxLength: 0` branch: the facts say so, and the
/// generated types refuse and accept accordingly.
#[test]
fn the_url_types_follow_the_specs_formats() {
    let spec = participants_shapes::spec();
    let body = spec
        .tree
        .pointer("/components/schemas/UpdateParticipantRequest/properties")
        .unwrap();
    let mut uris = Vec::new();
    let mut may_be_empty = Vec::new();
    for (key, property) in body.entries() {
        let property = property.to_json();
        let shapes = match property.get("anyOf").and_then(|a| a.as_array()) {
            Some(branches) => branches.clone(),
            None => vec![property.clone()],
        };
        if shapes.iter().any(|s| s["format"] == "uri") {
            uris.push(key.name.as_str());
        }
        if shapes.iter().any(|s| s["maxLength"] == 0) {
            may_be_empty.push(key.name.as_str());
        }
    }
    let kinds = |wanted: &[&str]| {
        let mut fields: Vec<&str> = spec_facts::FORM_FIELDS
            .iter()
            .filter(|(op, _, kind)| {
                *op == signalwire_participants::spec_facts::Operation::UpdateParticipant
                    && wanted.contains(&kind.to_string().as_str())
            })
            .map(|(_, field, _)| *field)
            .collect();
        fields.sort_unstable();
        fields
    };
    uris.sort_unstable();
    assert_eq!(kinds(&["uri", "uri-or-empty"]), uris);
    assert_eq!(uris, ["AnnounceUrl", "HoldUrl", "WaitUrl"]);
    assert_eq!(kinds(&["uri-or-empty"]), may_be_empty);
    assert_eq!(may_be_empty, ["WaitUrl"]);
    // The generated body takes each as the type its kind names: a relative
    // URL is refused by every one of them when the body is read, an empty
    // one only by those that may not be empty.
    for field in &uris {
        let read = |value: &str| {
            serde_json::from_value::<UpdateParticipantRequest>(serde_json::json!({ *field: value }))
        };
        assert!(read("/relative.mp3").is_err(), "{field}");
        assert!(read("https://example.com/a.mp3").is_ok(), "{field}");
        assert_eq!(read("").is_ok(), may_be_empty.contains(field), "{field}");
    }
}

/// Every parameter of every operation has the generated builder's refusal
/// message in the facts, so a refusal through the builders names it: if a
/// generator release changes how its builders refuse, this fails.
#[test]
fn every_parameter_has_its_builder_refusal() {
    let mut named: Vec<&str> = spec_facts::BUILDER_REFUSALS
        .iter()
        .map(|(_, name)| *name)
        .collect();
    named.sort_unstable();
    named.dedup();
    let mut parameters: Vec<&str> = spec_facts::PARAMETERS.iter().map(|p| p.name).collect();
    parameters.sort_unstable();
    parameters.dedup();
    assert_eq!(named, parameters);
}
