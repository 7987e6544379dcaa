//! The review of a spec edit, on fixture edits with their expected
//! verdicts: each test applies one edit to `fixtures/review/base.yaml`,
//! generates the client code from both specs as the build does, and checks
//! the wire classification (with its line), the Rust API classification
//! (from the two surface listings) and the version the crates then need.

use participants_openapi::review::{Bump, Review, Version, Wire};
use participants_openapi::{Spec, generate, lint, surface::surface};

const FILE: &str = "openapi/tests/fixtures/review/base.yaml";

fn base_text() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/review/base.yaml"
    );
    std::fs::read_to_string(path).unwrap()
}

fn spec(text: &str) -> Spec {
    lint(FILE, text.as_bytes(), None).unwrap_or_else(|d| panic!("{d}"))
}

fn listing(spec: &Spec) -> String {
    surface(&generate(spec).unwrap()).unwrap()
}

/// The base with each `(from, to)` applied once (`from` must be there).
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = base_text();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

fn review(edits: &[(&str, &str)]) -> Review {
    let (base, head) = (spec(&base_text()), spec(&edited(edits)));
    Review::new(&base, &head, &listing(&base), &listing(&head))
}

/// The line of `needle` in the edited text (1-based).
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("no {needle:?}"));
    text[..at].matches('\n').count() + 1
}

/// Checks one verdict: the wire class, each expected wire line (a part of
/// it), the Rust class, each expected Rust change (a part of it) and the
/// bump.
#[track_caller]
fn expect(
    review: &Review,
    wire: Option<Wire>,
    wire_lines: &[&str],
    rust: Bump,
    rust_lines: &[&str],
    bump: Bump,
) {
    let shown: Vec<String> = review
        .wire_lines(FILE)
        .into_iter()
        .map(|(c, l)| format!("{c}: {l}"))
        .collect();
    let rust_shown: Vec<String> = review
        .rust
        .iter()
        .map(|c| format!("{}: {}", c.bump, c.what))
        .collect();
    let all = format!(
        "wire:\n{}\nrust:\n{}",
        shown.join("\n"),
        rust_shown.join("\n")
    );
    assert_eq!(review.wire_class(), wire, "{all}");
    for want in wire_lines {
        assert!(
            shown.iter().any(|l| l.contains(want)),
            "no wire line with {want:?}\n{all}"
        );
    }
    assert_eq!(review.rust_bump(), rust, "{all}");
    for want in rust_lines {
        assert!(
            rust_shown.iter().any(|l| l.contains(want)),
            "no Rust line with {want:?}\n{all}"
        );
    }
    assert_eq!(review.bump(), bump, "{all}");
}

#[test]
fn no_edit_changes_nothing() {
    let review = review(&[]);
    assert!(review.wire.is_empty() && review.rust.is_empty());
    assert!(!review.changes_something());
    assert_eq!(review.bump(), Bump::Patch);
}

#[test]
fn remove_a_response_field() {
    let removed = "        hold:\n          type: boolean\n          nullable: true\n";
    let line = line_of(&base_text(), "        hold:");
    let review = review(&[(removed, "")]);
    let at = format!("base.yaml:{line} (before the edit): ");
    expect(
        &review,
        Some(Wire::BreaksClients),
        &[
            &at,
            "list_participants 200 response field `participants[].hold`",
            "retrieve_participant 200 response field `hold`",
            "`hold`: removed",
        ],
        Bump::Major,
        &["major: struct types::Participant: field `hold` removed"],
        Bump::Major,
    );
}

#[test]
fn add_an_optional_request_field() {
    let text = "        Muted:\n          type: boolean\n";
    let added = "        Muted:\n          type: boolean\n        Beep:\n          type: boolean\n";
    let review = review(&[(text, added)]);
    let line = line_of(&edited(&[(text, added)]), "        Beep:");
    let at = format!("base.yaml:{line}: update_participant form field `Beep`: added, optional");
    expect(
        &review,
        Some(Wire::BreaksServers),
        &[&format!("breaking for servers: {FILE}:{line}"), &at],
        Bump::Major,
        &[
            "major: struct types::Update: field `beep` added (users build it with struct literals)",
            "minor: added: fn types::builder::Update::beep",
        ],
        Bump::Major,
    );
}

#[test]
fn add_a_required_request_field() {
    let text = "      additionalProperties: false\n      properties:\n";
    let added = "      additionalProperties: false\n      required: [Label]\n      properties:\n        Label:\n          type: string\n";
    let review = review(&[(text, added)]);
    expect(
        &review,
        Some(Wire::BreaksBoth),
        &["update_participant form field `Label`: added, required"],
        Bump::Major,
        &["field `label` added"],
        Bump::Major,
    );
}

#[test]
fn add_a_value_to_an_open_enum() {
    let review = review(&[(
        "enum: [queued, connected]",
        "enum: [queued, connected, held]",
    )]);
    expect(
        &review,
        Some(Wire::Compatible),
        &["open list adds `held`"],
        Bump::Major,
        &["major: enum types::Status: variant `Held` added (exhaustive enum)"],
        Bump::Major,
    );
}

#[test]
fn add_a_value_to_a_closed_enum() {
    // HttpMethod is sent (a form field): an old server refuses the value.
    let review = review(&[("enum: [GET, POST]", "enum: [GET, POST, PUT]")]);
    let line = line_of(&base_text(), "enum: [GET, POST]");
    expect(
        &review,
        Some(Wire::BreaksServers),
        &[&format!(
            "{FILE}:{line}: update_participant form field `AnnounceMethod`: closed list adds `PUT`"
        )],
        Bump::Major,
        &["major: enum types::HttpMethod: variant `Put` added (exhaustive enum)"],
        Bump::Major,
    );
}

#[test]
fn add_a_value_to_a_closed_enum_a_client_reads() {
    // The same edit where the value is received: an old client refuses it.
    let text = "        hold:\n          type: boolean\n          nullable: true\n";
    let with_method = "        hold:\n          type: boolean\n          nullable: true\n        method:\n          $ref: \"#/components/schemas/HttpMethod\"\n";
    let (base, head) = (
        spec(&edited(&[(text, with_method)])),
        spec(&edited(&[
            (text, with_method),
            ("enum: [GET, POST]", "enum: [GET, POST, PUT]"),
        ])),
    );
    let review = Review::new(&base, &head, &listing(&base), &listing(&head));
    expect(
        &review,
        Some(Wire::BreaksBoth),
        &[
            "breaking for clients: ",
            "retrieve_participant 200 response field `method`",
            "`method`: closed list adds `PUT`",
            "breaking for servers: ",
        ],
        Bump::Major,
        &["variant `Put` added"],
        Bump::Major,
    );
}

#[test]
fn tighten_a_pattern() {
    // Which values a new pattern refuses cannot be read from two regular
    // expressions: a changed pattern is taken as narrower and wider.
    let tightened = review(&[("^CA[0-9a-f]{32}$", "^CA0[0-9a-f]{31}$")]);
    expect(
        &tightened,
        Some(Wire::BreaksBoth),
        &[
            "update_participant form field `CallSidToCoach`: pattern `^CA[0-9a-f]{32}$` -> `^CA0[0-9a-f]{31}$`",
        ],
        Bump::Patch,
        &[],
        Bump::Major,
    );
}

#[test]
fn let_a_request_field_be_null() {
    // Wider: a new client may send what an old server refuses.
    let added = review(&[(
        "          type: boolean\n        AnnounceMethod",
        "          type: boolean\n          nullable: true\n        AnnounceMethod",
    )]);
    assert_eq!(
        added.wire_class(),
        Some(Wire::BreaksServers),
        "{:?}",
        added.wire
    );
}

#[test]
fn add_a_bound() {
    // Narrower: an old client may send what a new server refuses.
    let limited = review(&[(
        "          pattern: \"^CA[0-9a-f]{32}$\"\n",
        "          pattern: \"^CA[0-9a-f]{32}$\"\n          maxLength: 34\n",
    )]);
    expect(
        &limited,
        Some(Wire::BreaksClients),
        &["maxLength (none) -> `34`"],
        Bump::Patch,
        &[],
        Bump::Major,
    );
}

#[test]
fn rename_a_query_parameter() {
    let review = review(&[("        - name: Muted\n", "        - name: IsMuted\n")]);
    expect(
        &review,
        Some(Wire::BreaksBoth),
        &["list_participants query parameter `IsMuted`: renamed `Muted` to `IsMuted`"],
        Bump::Major,
        &[
            "major: removed: fn builder::ListParticipants::muted",
            "minor: added: fn builder::ListParticipants::is_muted",
        ],
        Bump::Major,
    );
    assert_eq!(
        review.wire.len(),
        1,
        "one change, not a removal and an addition: {:?}",
        review.wire
    );
}

#[test]
fn add_an_operation() {
    let text = "components:\n";
    let kick = "    delete:\n      operationId: kick_participant\n      parameters:\n        - $ref: \"#/components/parameters/CallSid\"\n      responses:\n        \"204\":\n          description: Gone.\n        \"4XX\":\n          $ref: \"#/components/responses/Failure\"\n        \"5XX\":\n          $ref: \"#/components/responses/Failure\"\ncomponents:\n";
    let review = review(&[(text, kick)]);
    let line = line_of(&edited(&[(text, kick)]), "    delete:");
    expect(
        &review,
        Some(Wire::Compatible),
        &[&format!(
            "compatible: {FILE}:{line}: kick_participant: new operation"
        )],
        // `spec_facts::Operation` (public with the `fake` feature) is an
        // exhaustive enum: a match on it stops compiling.
        Bump::Major,
        &[
            "major: enum spec_facts::Operation: variant `KickParticipant` added (exhaustive enum)",
            "minor: added: fn Client::kick_participant",
        ],
        Bump::Major,
    );
    assert_eq!(
        review.wire.len(),
        1,
        "the operation, not each of its parts: {:?}",
        review.wire
    );
}

#[test]
fn edit_a_description_only() {
    let review = review(&[(
        "Whether the participant is muted.",
        "Whether the participant is muted now.",
    )]);
    expect(
        &review,
        Some(Wire::Text),
        &[
            "retrieve_participant 200 response field `muted`",
            "text edited",
        ],
        Bump::Patch,
        &[],
        Bump::Patch,
    );
    assert!(!review.changes_something());
}

#[test]
fn versions_follow_cargo_semver() {
    let v = |t| Version::parse(t).unwrap();
    assert_eq!(v("0.1.0").bumped(Bump::Major), v("0.2.0"));
    assert_eq!(v("0.1.0").bumped(Bump::Minor), v("0.1.1"));
    assert_eq!(v("1.2.3").bumped(Bump::Major), v("2.0.0"));
    assert_eq!(v("1.2.3").bumped(Bump::Minor), v("1.3.0"));
    assert!(!v("0.1.0").covers(v("0.1.0"), Bump::Major));
    assert!(!v("0.1.1").covers(v("0.1.0"), Bump::Major));
    assert!(v("0.2.0").covers(v("0.1.0"), Bump::Major));
    assert!(!v("0.1.0").covers(v("0.1.0"), Bump::Minor));
    assert!(v("0.1.0").covers(v("0.1.0"), Bump::Patch));
    assert_eq!(Version::parse("0.1.0-rc.1"), None);
}
