//! Each broken-spec fixture gives exactly the problems we expect, at the
//! places we expect; the real spec lints clean; no input makes the lint panic.

use std::path::Path;

use participants_openapi::{Diagnostics, Spec, lint, load};

fn lint_fixture(name: &str) -> Result<Spec, Diagnostics> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    load(&path, &format!("openapi/tests/fixtures/{name}"))
}

fn headlines(name: &str) -> Vec<String> {
    match lint_fixture(name) {
        Ok(_) => panic!("{name} should not lint clean"),
        Err(d) => d.headlines(),
    }
}

#[track_caller]
fn expect(name: &str, expected: &[&str]) {
    let prefix = format!("openapi/tests/fixtures/{name}:");
    let want: Vec<String> = expected.iter().map(|e| format!("{prefix}{e}")).collect();
    assert_eq!(headlines(name), want);
}

#[test]
fn minimal_valid_spec_is_clean() {
    let spec = lint_fixture("valid_minimal.yaml").expect("the minimal spec is valid");
    assert_eq!(spec.openapi.openapi, "3.0.3");
    assert_eq!(spec.openapi.paths.paths.len(), 1);
}

#[test]
fn malformed_yaml() {
    expect(
        "malformed_yaml.yaml",
        &["9:17: YAML syntax error: illegal placement of ':' indicator"],
    );
}

#[test]
fn empty_file_and_comment_only_file() {
    expect(
        "empty.yaml",
        &["1:1: the file is empty; expected an OpenAPI 3.0 document"],
    );
    expect(
        "only_comments.yaml",
        &["1:1: the file is empty; expected an OpenAPI 3.0 document"],
    );
}

#[test]
fn binary_file() {
    expect(
        "binary.bin",
        &["1:1: the file is not UTF-8 text (byte 0x89); is it a binary file?"],
    );
    expect(
        "nul_byte.yaml",
        &["3:11: the file contains a control character; is it a binary file?"],
    );
}

#[test]
fn document_that_is_not_a_mapping() {
    expect(
        "not_a_mapping.yaml",
        &["1:1: the document is array, expected a mapping with `openapi`, `info` and `paths`"],
    );
}

#[test]
fn duplicate_key() {
    expect(
        "duplicate_key.yaml",
        &["66:9: duplicate key `Muted` in this mapping"],
    );
}

#[test]
fn unknown_ref() {
    expect(
        "unknown_ref.yaml",
        &[
            "40:21: `$ref: #/components/schemas/UpdateBody` does not resolve: `#/components/schemas` has no `UpdateBody` (it has: Error, Participant, Update)",
        ],
    );
}

#[test]
fn external_ref() {
    expect(
        "external_ref.yaml",
        &[
            "21:23: `$ref: common.yaml#/Participant` points outside this file; only local references (`#/...`) are supported",
        ],
    );
}

#[test]
fn duplicate_operation_id() {
    expect(
        "duplicate_operation_id.yaml",
        &["29:20: duplicate operationId `retrieve_participant` (first used at line 8)"],
    );
}

#[test]
fn missing_operation_id() {
    expect(
        "missing_operation_id.yaml",
        &[
            "28:5: POST /Participants/{CallSid}.json has no `operationId`; the generator names methods after it",
        ],
    );
}

#[test]
fn openapi_3_1_is_refused() {
    expect(
        "openapi_3_1.yaml",
        &[
            "1:10: `openapi: 3.1.0` is not supported: progenitor reads OpenAPI 3.0.x only (use 3.0.3)",
        ],
    );
    expect(
        "openapi_not_a_string.yaml",
        &["1:10: `openapi` must be a string such as \"3.0.3\", found number"],
    );
}

#[test]
fn example_that_violates_its_schema() {
    expect(
        "example_violates_schema.yaml",
        &[
            "44:26: example `mute` does not match its schema: Muted: is a string `yes`, but the schema wants boolean",
            "45:28: example `mute` does not match its schema: HoldUrl: `/hold.mp3` is not an absolute URI (format: uri)",
        ],
    );
}

#[test]
fn default_response() {
    expect(
        "default_response.yaml",
        &[
            "28:9: GET /Participants/{CallSid}.json: a `default` response is not supported (progenitor refuses a 200 beside it); declare `4XX` and `5XX` with the error schema",
        ],
    );
}

#[test]
fn missing_error_responses() {
    expect(
        "missing_error_responses.yaml",
        &[
            "15:7: GET /Participants/{CallSid}.json declares no 4XX response with a JSON error schema",
            "15:7: GET /Participants/{CallSid}.json declares no 5XX response with a JSON error schema",
        ],
    );
}

#[test]
fn nested_object_in_form_body() {
    expect(
        "nested_form_body.yaml",
        &[
            "66:9: POST /Participants/{CallSid}.json: form field `Options` is object; form bodies must be flat scalars (string, boolean, integer, number)",
        ],
    );
}

#[test]
fn wrong_schema_type() {
    expect(
        "wrong_type.yaml",
        &[
            "62:17: unknown schema type `bool`; expected one of string, number, integer, boolean, array, object",
        ],
    );
}

#[test]
fn path_parameter_mismatch() {
    expect(
        "path_parameter_mismatch.yaml",
        &[
            "28:5: POST /Participants/{CallSid}.json: the path uses `{CallSid}` but declares no path parameter `CallSid`",
            "31:17: path parameter `CallId` does not appear in the path template",
        ],
    );
}

#[test]
fn non_ecmascript_pattern() {
    expect(
        "bad_pattern.yaml",
        &["15:22: `pattern` is not a valid ECMAScript regular expression: Invalid group modifier"],
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    expect(
        "many_problems.yaml",
        &[
            "1:10: `openapi: 3.1.0` is not supported: progenitor reads OpenAPI 3.0.x only (use 3.0.3)",
            "29:20: duplicate operationId `retrieve_participant` (first used at line 8)",
            "40:21: `$ref: #/components/schemas/Missing` does not resolve: `#/components/schemas` has no `Missing` (it has: Error, Participant, Update)",
            "71:21: `nullable` must be true or false, found string",
        ],
    );
}

#[test]
fn a_report_shows_the_offending_line_and_a_caret() {
    let report = lint_fixture("openapi_3_1.yaml").unwrap_err().to_string();
    assert_eq!(
        report,
        "openapi/tests/fixtures/openapi_3_1.yaml:1:10: `openapi: 3.1.0` is not supported: progenitor reads OpenAPI 3.0.x only (use 3.0.3)\n   |\n 1 | openapi: 3.1.0\n   |          ^\n\n1 problem found in the spec"
    );
}

#[test]
fn the_workspace_spec_lints_clean() {
    if let Err(d) = participants_openapi::load_workspace_spec() {
        panic!("{d}");
    }
}

#[test]
fn a_bad_example_in_the_real_spec_is_found_where_it_is() {
    let text = std::fs::read_to_string(participants_openapi::spec_path()).unwrap();
    let needle = "                  HoldUrl: http://www.your-application.com/hold\n";
    let line = text[..text.find(needle).unwrap()].lines().count() + 1;
    let broken = text.replacen(
        needle,
        "                  HoldUrl: www.your-application.com/hold\n",
        1,
    );
    let report = lint("openapi/participants.yaml", broken.as_bytes()).unwrap_err();
    assert_eq!(
        report.headlines(),
        [format!(
            "openapi/participants.yaml:{line}:28: example `hold` does not match its schema: HoldUrl: `www.your-application.com/hold` is not an absolute URI (format: uri)"
        )]
    );
}

/// A tiny deterministic generator, so the robustness test needs no crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn the_lint_never_panics_on_truncated_or_mutated_specs() {
    let text = std::fs::read(participants_openapi::spec_path()).unwrap();
    let mut inputs: Vec<Vec<u8>> = (0..text.len())
        .step_by(97)
        .map(|n| text[..n].to_vec())
        .collect();
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let alphabet = b":-[]{}&*!|>'\"#%@ \n\t\x00\xff0aZ$/";
    for _ in 0..300 {
        let mut bytes = text.clone();
        for _ in 0..(1 + rng.next() % 4) {
            let at = (rng.next() as usize) % bytes.len();
            bytes[at] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        inputs.push(bytes);
    }
    for input in &inputs {
        let outcome = std::panic::catch_unwind(|| lint("openapi/participants.yaml", input));
        let result = outcome.expect("lint must not panic");
        if let Err(d) = result {
            assert!(!d.0.is_empty());
            assert!(d.0[0].pos.line >= 1 && d.0[0].pos.col >= 1);
            assert!(!d.to_string().contains("internal error"), "{d}");
        }
    }
}

#[test]
fn a_null_enum_value_needs_nullable() {
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid_minimal.yaml"),
    )
    .unwrap();
    let with_enum = base.replace(
        "        Muted:\n          type: boolean\n",
        "        Muted:\n          type: boolean\n        Kind:\n          type: string\n          enum: [a, null]\n",
    );
    let report = lint("x.yaml", with_enum.as_bytes()).unwrap_err();
    assert_eq!(
        report.headlines(),
        ["x.yaml:65:21: enum value is null, but the schema's type is string"]
    );
    let nullable = with_enum.replace(
        "          enum: [a, null]\n",
        "          nullable: true\n          enum: [a, null]\n",
    );
    assert!(lint("x.yaml", nullable.as_bytes()).is_ok());
}
