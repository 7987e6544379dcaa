//! Each broken-spec fixture gives exactly the problems we expect, at the
//! places we expect; the real spec lints clean; no input makes the lint panic.

use std::path::Path;

use participants_openapi::{Diagnostics, Spec, lint};

/// A fixture, linted without provenance rules (the fixtures are about the
/// generator's rules; provenance has its own tests below).
fn lint_fixture(name: &str) -> Result<Spec, Diagnostics> {
    let bytes = std::fs::read(fixture_path(name)).unwrap();
    lint(&format!("openapi/tests/fixtures/{name}"), &bytes, None)
}

fn fixture_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The minimal valid fixture with one edit (`from` must be there).
fn minimal_with(from: &str, to: &str) -> String {
    let base = std::fs::read_to_string(fixture_path("valid_minimal.yaml")).unwrap();
    assert!(base.contains(from), "{from:?}");
    base.replacen(from, to, 1)
}

#[track_caller]
fn expect_text(text: &str, expected: &[&str]) {
    let report = lint("x.yaml", text.as_bytes(), None).unwrap_err();
    let want: Vec<String> = expected.iter().map(|e| format!("x.yaml:{e}")).collect();
    assert_eq!(report.headlines(), want);
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

/// Found by the `spec` fuzz target: YAML counted a lone CR as a line break
/// and the shown line did not, so a diagnostic named a line past the end.
#[test]
fn positions_stay_inside_the_file() {
    expect_text(
        "- openapi: 3*0.3\n-\rinx-fnx-{}\n",
        &["2:2: a carriage return without a line feed (old Mac line endings); use LF or CRLF"],
    );
    // Also found by it: the scanner put the end of this input on line 3 of 2.
    expect_text(
        "- - - f:f- f:f:i(oK{n}\n$ref",
        &["2:5: YAML syntax error: simple key expected"],
    );
    // CRLF files are fine (the minimal spec with Windows line endings).
    let crlf = minimal_with("", "").replace('\n', "\r\n");
    lint("x.yaml", crlf.as_bytes(), None).unwrap();
}

#[test]
fn document_that_is_not_a_mapping() {
    expect(
        "not_a_mapping.yaml",
        &["1:1: the document is not a mapping; expected one with `openapi`, `info` and `paths`"],
    );
}

#[test]
fn duplicate_key() {
    expect(
        "duplicate_key.yaml",
        &["66:9: duplicate key `Muted` in this mapping (first at line 61)"],
    );
    // Every duplicate at once, each with its first use.
    let twice = minimal_with(
        "      operationId: retrieve_participant\n",
        "      operationId: retrieve_participant\n      operationId: again\n      summary: a\n      summary: b\n",
    );
    expect_text(
        &twice,
        &[
            "9:7: duplicate key `operationId` in this mapping (first at line 8)",
            "11:7: duplicate key `summary` in this mapping (first at line 10)",
        ],
    );
}

#[test]
fn unknown_ref() {
    expect(
        "unknown_ref.yaml",
        &["40:21: `$ref: #/components/schemas/UpdateBody` does not resolve"],
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
        &["1:10: `openapi` is \"3.1.0\": progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")"],
    );
    expect(
        "openapi_not_a_string.yaml",
        &["1:10: `openapi` is 3.0: progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")"],
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
            "75:9: POST /Participants/{CallSid}.json: form field `Lists` is an array of array; an array field must hold scalars (sent as repeated keys)",
        ],
    );
}

#[test]
fn wrong_schema_type() {
    expect(
        "wrong_type.yaml",
        &[
            "62:17: unknown schema type \"bool\"; expected one of string, number, integer, boolean, array, object",
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
            "1:10: `openapi` is \"3.1.0\": progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")",
            "29:20: duplicate operationId `retrieve_participant` (first used at line 8)",
            "40:21: `$ref: #/components/schemas/Missing` does not resolve",
            "71:21: `nullable` must be true or false, found \"yes\"",
        ],
    );
}

#[test]
fn a_report_shows_the_offending_line_and_a_caret() {
    let report = lint_fixture("openapi_3_1.yaml").unwrap_err().to_string();
    assert_eq!(
        report,
        "error: `openapi` is \"3.1.0\": progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")\n --> openapi/tests/fixtures/openapi_3_1.yaml:1:10\n  |\n1 | openapi: 3.1.0\n  |          ^\n\n1 problem found in the spec"
    );
}

#[test]
fn the_workspace_spec_lints_clean() {
    if let Err(d) = participants_openapi::load_workspace_spec() {
        panic!("{d}");
    }
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
    let reconciliation = reconciliation();
    let mut accepted = 0;
    for input in &inputs {
        let outcome = std::panic::catch_unwind(|| {
            lint("openapi/participants.yaml", input, Some(&reconciliation))
        });
        match outcome.expect("lint must not panic") {
            Err(d) => {
                assert!(!d.0.is_empty());
                assert!(d.0[0].pos.line >= 1 && d.0[0].pos.col >= 1);
                assert!(!d.to_string().contains("internal error"), "{d}");
            }
            // The contract: what the lint accepts, the generator turns into code.
            Ok(spec) => {
                accepted += 1;
                if let Err(e) = participants_openapi::generate(&spec) {
                    panic!("the lint accepted a spec the generator refuses: {e}");
                }
            }
        }
    }
    assert!(accepted > 10, "only {accepted} mutated specs were accepted");
}

fn reconciliation() -> String {
    std::fs::read_to_string(
        participants_openapi::workspace_root().join("openapi/RECONCILIATION.md"),
    )
    .unwrap()
}

/// What the generator would silently drop is refused where it is.
#[test]
fn keys_the_generator_would_drop_are_refused() {
    let text = minimal_with("      requestBody:\n", "      requsetBody:\n");
    expect_text(
        &text,
        &[
            "36:7: unknown key `requsetBody`: the generator's OpenAPI 3.0 model does not read it here (a typo, or a sibling of `$ref`?)",
        ],
    );
    let text = minimal_with(
        "      type: object\n      properties:\n        Muted:",
        "      type: object\n      profperties:\n        Muted:",
    );
    expect_text(
        &text,
        &[
            "60:7: unknown key `profperties`: the generator's OpenAPI 3.0 model does not read it here (a typo, or a sibling of `$ref`?)",
        ],
    );
    // A sibling of `$ref` is ignored by OpenAPI 3.0, so by the generator too.
    let text = minimal_with(
        "                $ref: \"#/components/schemas/Participant\"\n              example:",
        "                $ref: \"#/components/schemas/Participant\"\n                description: lost\n              example:",
    );
    expect_text(
        &text,
        &[
            "22:17: unknown key `description`: the generator's OpenAPI 3.0 model does not read it here (a typo, or a sibling of `$ref`?)",
        ],
    );
    // Defaults the model leaves out are not reported.
    assert!(
        lint(
            "x.yaml",
            minimal_with(
                "      requestBody:\n",
                "      requestBody:\n        required: false\n"
            )
            .as_bytes(),
            None
        )
        .is_ok()
    );
}

#[test]
fn yaml_1_1_booleans_are_refused_where_they_are() {
    let text = minimal_with(
        "          in: path\n          required: true\n",
        "          in: path\n          required: yes\n",
    );
    expect_text(
        &text,
        &[
            "12:21: `yes` is the string \"yes\" in YAML 1.2, not a boolean; write true or false (or quote it)",
        ],
    );
    // Quoted, it is a string on purpose, and still not `true`.
    let text = minimal_with(
        "          in: path\n          required: true\n",
        "          in: path\n          required: \"on\"\n",
    );
    expect_text(
        &text,
        &["10:11: path parameter `CallSid` must have `required: true`"],
    );
}

#[test]
fn aliases_and_second_documents_are_refused() {
    let text = minimal_with(
        "  title: Minimal participants spec\n",
        "  title: &t Minimal participants spec\n  summary: *t\n",
    );
    expect_text(
        &text,
        &["4:12: YAML aliases (`*name`) are not supported; use `$ref`"],
    );
    let text = format!(
        "{}---\nopenapi: 3.0.3\n",
        minimal_with("openapi", "openapi")
    );
    let report = lint("x.yaml", text.as_bytes(), None).unwrap_err();
    assert!(
        report.headlines()[0].contains("must be a single YAML document"),
        "{report}"
    );
}

/// Every mistake the generator panics on is refused by the lint first.
#[test]
fn what_the_generator_panics_on_is_refused_first() {
    let differ = minimal_with(
        "        \"4XX\":\n          $ref: \"#/components/responses/Failure\"\n",
        "        \"400\":\n          description: x\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Participant\"\n        \"4XX\":\n          $ref: \"#/components/responses/Failure\"\n",
    );
    expect_text(
        &differ,
        &[
            "30:9: GET /Participants/{CallSid}.json: every error response must have the same schema (the generator keeps one error type); `4XX` differs from `400`",
            "32:9: GET /Participants/{CallSid}.json: every error response must have the same schema (the generator keeps one error type); `5XX` differs from `400`",
        ],
    );
    let cookie = minimal_with("          in: path\n", "          in: cookie\n");
    let report = lint("x.yaml", cookie.as_bytes(), None).unwrap_err();
    assert!(
        report
            .headlines()
            .iter()
            .any(|h| h == "x.yaml:10:11: cookie parameters are not supported by the generator"),
        "{report}"
    );
    let object = minimal_with(
        "      parameters:\n",
        "      parameters:\n        - name: Filter\n          in: query\n          x-sources: [S000]\n          schema:\n            type: object\n",
    );
    expect_text(
        &object,
        &[
            "10:11: parameter `Filter` is object; the generator takes only scalar parameters (string, number, integer, boolean)",
        ],
    );
    let unknown_type = minimal_with(
        "          application/x-www-form-urlencoded:\n",
        "          application/x-www-form-urlencodedd:\n",
    );
    expect_text(
        &unknown_type,
        &[
            "38:11: POST /Participants/{CallSid}.json: the generator cannot send a `application/x-www-form-urlencodedd` body; use one of application/json, application/x-www-form-urlencoded, application/octet-stream, text/plain, text/x-markdown",
        ],
    );
    let two_media = minimal_with(
        "              $ref: \"#/components/schemas/Update\"\n",
        "              $ref: \"#/components/schemas/Update\"\n          application/json:\n            schema:\n              $ref: \"#/components/schemas/Update\"\n",
    );
    expect_text(
        &two_media,
        &[
            "37:9: POST /Participants/{CallSid}.json: a request body must have exactly one media type for the generator, found 2",
        ],
    );
}

/// A minimal spec with provenance on every property and parameter.
fn provenance_base() -> String {
    let text = std::fs::read_to_string(fixture_path("valid_minimal.yaml")).unwrap();
    text.replace(
        "      operationId: retrieve_participant\n",
        "      operationId: retrieve_participant\n      x-safe-to-repeat: true\n",
    )
    .replace(
        "      operationId: update_participant\n",
        "      operationId: update_participant\n      x-safe-to-repeat: true\n",
    )
    .replace(
        "          in: path\n",
        "          in: path\n          x-sources: [S001]\n",
    )
    .replace(
        "          type: boolean\n",
        "          type: boolean\n          x-sources: [S001]\n",
    )
    .replace(
        "          format: uri\n",
        "          format: uri\n          x-sources: [S001]\n",
    )
    .replace(
        "          type: integer\n",
        "          type: integer\n          x-sources: [UP-TW]\n",
    )
}

const RECONCILIATION: &str = "# Sources\n\n## Sources\n\n| id | document |\n|---|---|\n| S001 | a seed |\n| UP-TW | upstream |\n\n## Decisions\n\n| id | topic |\n|---|---|\n| D1 | one |\n";

#[track_caller]
fn expect_provenance(text: &str, expected: &[&str]) {
    let report = lint("x.yaml", text.as_bytes(), Some(RECONCILIATION));
    let got = report.err().map(|d| d.headlines()).unwrap_or_default();
    let want: Vec<String> = expected.iter().map(|e| format!("x.yaml:{e}")).collect();
    assert_eq!(got, want);
}

#[test]
fn provenance_is_checked() {
    let base = provenance_base();
    expect_provenance(&base, &[]);
    expect_provenance(
        &base.replacen("          x-sources: [S001]\n", "", 1),
        &[
            "11:11: parameter `CallSid` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
        ],
    );
    expect_provenance(
        &base.replace(
            "        HoldUrl:\n          type: string\n          format: uri\n          x-sources:",
            "        HoldUrl:\n          type: string\n          format: uri\n          x-sourcez:",
        ),
        &[
            "68:9: property `HoldUrl` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
            "71:11: unknown extension `x-sourcez`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of",
        ],
    );
    expect_provenance(
        &base.replacen("x-sources: [UP-TW]", "x-sources: [UP-XX]", 1),
        &["84:23: unknown source \"UP-XX\"; RECONCILIATION.md lists S001, UP-TW"],
    );
    expect_provenance(
        &base.replacen(
            "  title: Minimal participants spec\n",
            "  title: Minimal participants spec\n  x-decision: D2\n",
            1,
        ),
        &["4:15: `x-decision: \"D2\"` is not a row of RECONCILIATION.md"],
    );
    // Every operation says whether it is safe to repeat, with a boolean.
    expect_provenance(
        &base.replacen("      x-safe-to-repeat: true\n", "", 1),
        &[
            "7:5: GET /Participants/{CallSid}.json has no `x-safe-to-repeat`; say whether a retry after a try that may have been applied is safe (a create is not)",
        ],
    );
    expect_provenance(
        &base.replacen("x-safe-to-repeat: true", "x-safe-to-repeat: yes please", 1),
        &["9:25: `x-safe-to-repeat` must be true or false, found \"yes please\""],
    );
}

/// A parameter needs `x-sources` wherever it is declared: under
/// components, in a path item and in an operation. A `$ref` to one is not a
/// declaration and needs none.
#[test]
fn parameters_without_sources_are_refused_wherever_declared() {
    let name = "parameter_without_sources.yaml";
    let file = format!("openapi/tests/fixtures/{name}");
    let text = std::fs::read_to_string(fixture_path(name)).unwrap();
    let report = lint(&file, text.as_bytes(), Some(RECONCILIATION)).unwrap_err();
    let want: Vec<String> = [
        "9:9: parameter `CallSid` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
        "20:11: parameter `PageSize` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
        "46:7: parameter `Muted` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
    ]
    .iter()
    .map(|e| format!("{file}:{e}"))
    .collect();
    assert_eq!(report.headlines(), want);
    // Nothing else is wrong with it: clean without the provenance rules,
    // and clean with them once the three name their sources.
    if let Err(e) = lint_fixture(name) {
        panic!("{e}");
    }
    let sourced = text
        .replace(
            "        required: true\n",
            "        required: true\n        x-sources: [S001]\n",
        )
        .replace(
            "        - name: PageSize\n",
            "        - name: PageSize\n          x-sources: [UP-TW]\n",
        )
        .replace(
            "      name: Muted\n",
            "      name: Muted\n      x-sources: [S001]\n",
        );
    expect_provenance(&sourced, &[]);
}

/// The rule goes by what a mapping is, not by its keys: an `apiKey`
/// security scheme has a `name` and an `in` but is no parameter, and a
/// link's `parameters` are free-form values.
#[test]
fn only_parameter_declarations_need_sources() {
    let text = provenance_base().replace(
        "components:\n",
        "components:\n  securitySchemes:\n    key:\n      type: apiKey\n      name: X-Key\n      in: header\n  links:\n    Self:\n      operationId: retrieve_participant\n      parameters:\n        CallSid:\n          name: CallSid\n          in: path\n",
    );
    expect_provenance(&text, &[]);
}

/// The case of issue 20: the `Muted` query parameter of the workspace's
/// spec (under components) without its `x-sources` line.
#[test]
fn the_workspace_spec_refuses_a_parameter_without_sources() {
    let text = std::fs::read_to_string(participants_openapi::spec_path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let muted = lines
        .iter()
        .position(|l| *l == "      name: Muted")
        .expect("components/parameters/Muted");
    let sources = muted
        + lines[muted..]
            .iter()
            .position(|l| l.starts_with("      x-sources:"))
            .unwrap();
    let mut without = lines.clone();
    without.remove(sources);
    let without = without.join("\n") + "\n";
    let report = lint(
        participants_openapi::SPEC_PATH,
        without.as_bytes(),
        Some(&reconciliation()),
    )
    .unwrap_err();
    assert_eq!(
        report.headlines(),
        [format!(
            "openapi/participants.yaml:{}:7: parameter `Muted` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)",
            muted + 1
        )]
    );
}

/// The rules Redocly took over still give located errors (from Redocly,
/// which the test command installs; without it, as with a bare `cargo test`,
/// this test says so and checks nothing unless `CI` is set).
#[test]
fn redocly_reports_the_rules_it_took_over() {
    let root = participants_openapi::workspace_root();
    if !root
        .join("openapi/redocly/node_modules/.bin/redocly")
        .exists()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Redocly (bash scripts/redocly-lint.sh)"
        );
        eprintln!("Redocly is not installed (bash scripts/redocly-lint.sh installs it); skipping");
        return;
    }
    let run = |file: &Path| {
        let out = std::process::Command::new("bash")
            .arg(root.join("scripts/redocly-lint.sh"))
            .arg(file)
            .arg("--format=stylish")
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(!out.status.success(), "Redocly accepted {}", file.display());
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    };
    let report = run(&fixture_path("example_violates_schema.yaml"));
    for located in ["44:26", "45:28"] {
        let line = report
            .lines()
            .find(|l| l.contains(located))
            .unwrap_or_else(|| panic!("{report}"));
        assert!(
            line.contains("error") && line.contains("no-invalid-media-type-examples"),
            "{line}"
        );
    }
    let scratch = root.join("target/redocly-fixtures");
    std::fs::create_dir_all(&scratch).unwrap();
    let null_enum = scratch.join("null_enum.yaml");
    let text = minimal_with(
        "        Muted:\n          type: boolean\n",
        "        Muted:\n          type: boolean\n        Kind:\n          type: string\n          enum: [a, 3]\n",
    );
    std::fs::write(&null_enum, text).unwrap();
    let report = run(&null_enum);
    let line = report
        .lines()
        .find(|l| l.contains("65:21"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        line.contains("error") && line.contains("no-enum-type-mismatch"),
        "{line}"
    );
}

/// Properties may be named like schema keywords; their schemas are what the
/// keyword rules read.
#[test]
fn properties_named_like_keywords() {
    let text = minimal_with(
        "        muted:\n",
        "        type:\n          type: string\n        nullable:\n          type: string\n        not:\n          type: string\n        muted:\n",
    );
    if let Err(e) = lint("x.yaml", text.as_bytes(), None) {
        panic!("{e}");
    }
}

/// Whether a mapping is a schema depends on where it sits, not on the key
/// it sits under: a property named `content`, `default` or `enum` is still a
/// schema, an operation's inline parameters are objects, and the `x-` keys
/// of paths are extensions (all missed when the parent key decided).
#[test]
fn what_a_mapping_is_comes_from_where_it_sits() {
    for (property, expected) in [
        (
            "content",
            "64:11: `not` is not supported by the generator (typify 0.8 panics on it)",
        ),
        (
            "default",
            "64:11: `not` is not supported by the generator (typify 0.8 panics on it)",
        ),
        (
            "enum",
            "64:11: `format` needs a `type` beside it: the generator cannot tell what it constrains",
        ),
    ] {
        let body = if property == "enum" {
            "format: uri"
        } else {
            "not:\n            type: string"
        };
        let text = minimal_with(
            "        HoldUrl:\n          type: string\n          format: uri\n",
            &format!("        {property}:\n          {body}\n"),
        );
        let report = lint("x.yaml", text.as_bytes(), None).unwrap_err();
        assert_eq!(
            report.headlines(),
            [format!("x.yaml:{expected}")],
            "{property}"
        );
    }
    let parameter = minimal_with(
        "          in: path\n",
        "          in: path\n          x-foo: 1\n",
    );
    expect_text(
        &parameter,
        &[
            "12:11: unknown extension `x-foo`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of",
        ],
    );
    let paths = minimal_with("paths:\n", "paths:\n  x-foo: 1\n");
    expect_text(
        &paths,
        &[
            "6:3: unknown extension `x-foo`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of",
        ],
    );
    // A server variable is not a schema: its `enum` needs no `type`.
    let servers = minimal_with(
        "paths:\n",
        "servers:\n  - url: https://{space}.example.com\n    variables:\n      space:\n        default: a\n        enum: [a, b]\npaths:\n",
    );
    if let Err(e) = lint("x.yaml", servers.as_bytes(), None) {
        panic!("{e}");
    }
}

/// Shapes the lint accepted and the generator panicked on (typify 0.8),
/// each now a located refusal: `not`, and keywords without a `type`.
#[test]
fn schemas_the_generator_cannot_read() {
    let hold_url = "        HoldUrl:\n          type: string\n          format: uri\n";
    for (schema, expected) in [
        (
            "        HoldUrl:\n          not:\n            type: string\n",
            "64:11: `not` is not supported by the generator (typify 0.8 panics on it)",
        ),
        (
            "        HoldUrl:\n          format: uri\n",
            "64:11: `format` needs a `type` beside it: the generator cannot tell what it constrains",
        ),
        (
            "        HoldUrl:\n          type: string\n          anyOf:\n            - format: uri\n            - maxLength: 0\n",
            "66:15: `format` needs a `type` beside it: the generator cannot tell what it constrains\n\
             x.yaml:67:15: `maxLength` needs a `type` beside it: the generator cannot tell what it constrains",
        ),
        (
            "        HoldUrl:\n          enum: [a, 1]\n",
            "64:11: `enum` needs a `type` beside it: the generator cannot tell what it constrains",
        ),
    ] {
        let text = minimal_with(hold_url, schema);
        let report = lint("x.yaml", text.as_bytes(), None).unwrap_err();
        assert_eq!(
            report.headlines().join("\n"),
            format!("x.yaml:{expected}"),
            "{schema}"
        );
    }
}

/// The minimal spec with a webhook (`x-webhooks`, D26), with one edit
/// (`from` must be there).
fn webhooks_with(from: &str, to: &str) -> String {
    let base = std::fs::read_to_string(fixture_path("valid_webhooks.yaml")).unwrap();
    assert!(base.contains(from), "{from:?}");
    base.replacen(from, to, 1)
}

/// A spec with a webhook lints clean, and the generator makes its event
/// type; a webhook's form body may keep unknown fields
/// (`additionalProperties`), which a path's form body may not.
#[test]
fn a_minimal_spec_with_webhooks_is_clean() {
    let spec = lint_fixture("valid_webhooks.yaml").expect("the minimal webhook spec is valid");
    assert!(spec.tree.get("x-webhooks").is_some());
    let code = participants_openapi::generate(&spec).expect("it generates");
    assert!(code.contains("pub struct Event "), "no Event type");
    let extra =
        "    Update:\n      type: object\n      additionalProperties:\n        type: string\n";
    let path_extra = webhooks_with("    Update:\n      type: object\n", extra);
    expect_text(
        &path_extra,
        &[
            "80:9: POST /Participants/{CallSid}.json: a form body cannot take arbitrary extra fields (`additionalProperties`): keep it flat",
        ],
    );
    // Closed explicitly, a path's form body is fine.
    let closed = "    Update:\n      type: object\n      additionalProperties: false\n";
    let closed = webhooks_with("    Update:\n      type: object\n", closed);
    if let Err(e) = lint("x.yaml", closed.as_bytes(), None) {
        panic!("{e}");
    }
}

#[test]
fn webhook_without_operation_id() {
    expect(
        "webhook_without_operation_id.yaml",
        &[
            "58:5: webhook participantEvent (POST) has no `operationId`; the generator names methods after it",
        ],
    );
}

/// Webhooks share the operation ids' namespace with the paths (and with
/// each other).
#[test]
fn webhook_operation_id_duplicates() {
    expect(
        "webhook_duplicate_operation_id.yaml",
        &[
            "59:20: duplicate operationId `retrieve_participant` (first used at line 8)",
            "83:20: duplicate operationId `kick_participant` (first used at line 77)",
        ],
    );
}

/// A webhook's form body is a flat object, as a path's is (only unknown
/// fields are allowed to it).
#[test]
fn webhook_form_bodies_are_flat_objects() {
    expect(
        "webhook_form_bodies.yaml",
        &[
            "82:15: webhook stringEvent (POST): a form body must be `type: object`",
            "99:17: webhook nestedEvent (POST): form field `Participant` is object; form bodies must be flat scalars (string, boolean, integer, number)",
            "101:17: webhook nestedEvent (POST): form field `CallSids` is array; form bodies must be flat scalars (string, boolean, integer, number)",
        ],
    );
}

/// The provenance rules reach into webhooks: a property of a webhook's
/// inline schema needs `x-sources`, and its `x-sources` and `x-decision`
/// must be rows of RECONCILIATION.md.
#[test]
fn webhook_properties_need_sources() {
    let name = "webhook_property_without_sources.yaml";
    let text = std::fs::read_to_string(fixture_path(name)).unwrap();
    let file = format!("openapi/tests/fixtures/{name}");
    let report = lint(&file, text.as_bytes(), Some(RECONCILIATION)).unwrap_err();
    assert_eq!(
        report.headlines(),
        [format!(
            "{file}:77:17: property `Muted` has no `x-sources`: name the documents that describe it (the sources in RECONCILIATION.md)"
        )]
    );
    if let Err(e) = lint_fixture(name) {
        panic!("{e}");
    }
    let sourced = text.replacen(
        "                Muted:\n                  type: boolean\n",
        "                Muted:\n                  type: boolean\n                  x-sources: [UP-TW]\n",
        1,
    );
    expect_provenance(&sourced, &[]);
    expect_provenance(
        &sourced
            .replacen("    x-decision: D1\n", "    x-decision: D9\n", 1)
            .replacen(
                "      operationId: participant_event\n      x-sources: [S001]\n",
                "      operationId: participant_event\n      x-sources: [TW-CONF]\n",
                1,
            ),
        &[
            "62:17: `x-decision: \"D9\"` is not a row of RECONCILIATION.md",
            "65:19: unknown source \"TW-CONF\"; RECONCILIATION.md lists S001, UP-TW",
        ],
    );
}

/// `x-webhooks` is allowed at the root only; inside it, as everywhere,
/// only the provenance extensions.
#[test]
fn webhook_extensions() {
    let unknown = "unknown extension `{}`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of";
    let want: Vec<String> = [
        ("5:3", "x-webhooks"),
        ("29:5", "x-webhooks"),
        ("59:3", "x-generated"),
        ("61:5", "x-owner"),
        ("63:7", "x-internal"),
        ("92:7", "x-webhooks"),
    ]
    .iter()
    .map(|(at, key)| format!("{at}: {}", unknown.replace("{}", key)))
    .collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    expect("webhook_extensions.yaml", &want);
}

/// What the lint finds in paths' operations it finds in webhooks' too: a
/// key the OpenAPI model would drop, a value of the wrong type, a missing
/// `responses`; and `x-webhooks` must be a mapping.
#[test]
fn webhooks_are_read_as_path_items() {
    let typo = webhooks_with(
        "      requestBody:\n        required: true\n",
        "      requsetBody:\n        required: true\n",
    );
    expect_text(
        &typo,
        &[
            "60:7: unknown key `requsetBody`: the generator's OpenAPI 3.0 model does not read it here (a typo, or a sibling of `$ref`?)",
        ],
    );
    let summary = webhooks_with(
        "      operationId: participant_event\n",
        "      operationId: participant_event\n      summary: [a, b]\n",
    );
    expect_text(
        &summary,
        &[
            "60:16: not a valid OpenAPI 3.0 document at `x-webhooks.participantEvent.post.summary`: invalid type: sequence, expected a string",
        ],
    );
    let no_responses = webhooks_with(
        "      responses:\n        \"200\":\n          description: The application took the event.\n",
        "",
    );
    expect_text(
        &no_responses,
        &["58:5: webhook participantEvent (POST) has no `responses`"],
    );
    let scalar = webhooks_with(
        "x-webhooks:\n  participantEvent:\n",
        "x-webhooks: 3\nx-unused:\n  participantEvent:\n",
    );
    expect_text(
        &scalar,
        &[
            "56:13: `x-webhooks` must be a mapping of webhook names to path items, found 3",
            "57:1: unknown extension `x-unused`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of",
        ],
    );
    // An `x-` key under `x-webhooks` is an extension, not a webhook: not
    // linted as one (no "webhook x-foo has no operationId").
    let mapping = webhooks_with(
        "x-webhooks:\n",
        "x-webhooks:\n  x-foo:\n    post:\n      responses: {}\n",
    );
    expect_text(
        &mapping,
        &[
            "57:3: unknown extension `x-foo`; the spec uses only x-sources, x-decision, x-events, x-safe-to-repeat and x-bound-of",
        ],
    );
}

/// `x-events` maps each value of its schema's enum to the event names it
/// sends: a key the enum lacks, or a value that is not a list of names, is
/// refused where it is.
#[test]
fn x_events_keys_are_enum_values_with_lists_of_names() {
    let schema = "    Error:\n";
    let subscription = "    Subscription:\n      anyOf:\n        - type: string\n          enum: [join, mute]\n        - type: string\n      x-events:\n        join: [participant-join]\n        mute: [participant-mute, participant-unmute]\n";
    let good = minimal_with(schema, &format!("{subscription}{schema}"));
    lint("x.yaml", good.as_bytes(), None).unwrap();
    let bad = subscription
        .replace(
            "        join: [participant-join]",
            "        jion: [participant-join]",
        )
        .replace("[participant-mute, participant-unmute]", "participant-mute");
    let bad = minimal_with(schema, &format!("{bad}{schema}"));
    let line = bad.lines().position(|l| l.contains("jion")).unwrap() + 1;
    expect_text(
        &bad,
        &[
            &format!("{line}:9: `x-events` key `jion` is not a value of this schema's enum"),
            &format!(
                "{}:15: `x-events` must map each enum value to a non-empty list of event names, found \"participant-mute\"",
                line + 1
            ),
        ],
    );
}

/// An enum value of another type than its schema's stops the generator
/// ("unexpected value type"): refused where it stands. `null` needs
/// `nullable: true`. (Found by fuzzing once the participant status became
/// a generated type.)
#[test]
fn enum_values_have_the_schemas_type() {
    let base = std::fs::read_to_string(fixture_path("valid_minimal.yaml")).unwrap();
    let with = |values: &str, nullable: bool| {
        let extra = if nullable {
            "          nullable: true\n"
        } else {
            ""
        };
        base.replacen(
            "        HoldUrl:\n          type: string\n          format: uri\n",
            &format!(
                "        HoldUrl:\n          type: string\n          format: uri\n        Status:\n          type: string\n{extra}          enum: {values}\n"
            ),
            1,
        )
    };
    assert!(lint("x.yaml", with("[a, b]", false).as_bytes(), None).is_ok());
    assert!(lint("x.yaml", with("[a, null]", true).as_bytes(), None).is_ok());
    expect_text(
        &with("[a, {b: c}, 3, null]", false),
        &[
            "68:21: the enum value {\"b\":\"c\"} is not of the schema's type `string` (null needs `nullable: true`)",
            "68:29: the enum value 3 is not of the schema's type `string` (null needs `nullable: true`)",
            "68:32: the enum value null is not of the schema's type `string` (null needs `nullable: true`)",
        ],
    );
}

/// Twilio's list filters `DateCreated<` and `DateCreated>` beside
/// `DateCreated`: the generator names all three `date_created`, and its code
/// does not compile. Refused where the second one stands.
#[test]
fn parameters_that_become_one_method_are_refused() {
    let base = std::fs::read_to_string(fixture_path("valid_minimal.yaml")).unwrap();
    let filter = |name: &str| {
        format!(
            "        - name: {name}\n          in: query\n          schema:\n            type: string\n"
        )
    };
    let path_param = "        - name: CallSid\n          in: path\n          required: true\n          schema:\n            type: string\n";
    assert!(base.contains(path_param));
    let one = base.replacen(
        path_param,
        &format!("{path_param}{}", filter("DateCreated")),
        1,
    );
    assert!(lint("x.yaml", one.as_bytes(), None).is_ok());
    let three = base.replacen(
        path_param,
        &format!(
            "{path_param}{}{}{}",
            filter("DateCreated"),
            filter("\"DateCreated<\""),
            filter("\"DateCreated>\"")
        ),
        1,
    );
    expect_text(
        &three,
        &[
            "19:11: parameter `DateCreated<` and parameter `DateCreated` both become the builder method `date_created`: the generated code would not compile (the generator drops the characters an identifier cannot hold)",
            "23:11: parameter `DateCreated>` and parameter `DateCreated` both become the builder method `date_created`: the generated code would not compile (the generator drops the characters an identifier cannot hold)",
        ],
    );
    // Marked as the bounds they are (D38), the generator leaves them out,
    // and the spec is accepted; a bound must be named after, and beside,
    // the parameter it bounds.
    let bound = |name: &str, of: &str| {
        format!(
            "        - name: \"{name}\"\n          in: query\n          x-bound-of: {of}\n          schema:\n            type: string\n"
        )
    };
    let bounded = base.replacen(
        path_param,
        &format!(
            "{path_param}{}{}{}",
            filter("DateCreated"),
            bound("DateCreated<", "DateCreated"),
            bound("DateCreated>", "DateCreated")
        ),
        1,
    );
    let spec = lint("x.yaml", bounded.as_bytes(), None).expect("bounds are accepted");
    let code = participants_openapi::generate(&spec).expect("it generates");
    assert!(code.contains(r#"pub const DATE_CREATED_BEFORE: &str = "DateCreated<";"#));
    assert!(code.contains("bound_of: Some(\"DateCreated\")"));
    let astray = base.replacen(
        path_param,
        &format!(
            "{path_param}{}{}",
            bound("DateUpdated<", "DateCreated"),
            bound("DateCreated>", "DateCreated")
        ),
        1,
    );
    expect_text(
        &astray,
        &[
            "17:23: `x-bound-of: DateCreated` on parameter `DateUpdated<`: a bound is a query parameter named after the one it bounds and `<` or `>` (`DateCreated<`, `DateCreated>`), beside it in the operation",
            "22:23: `x-bound-of: DateCreated` on parameter `DateCreated>`: a bound is a query parameter named after the one it bounds and `<` or `>` (`DateCreated<`, `DateCreated>`), beside it in the operation",
        ],
    );
}

/// A recording's `duration` (a `NumberOrText`, whose text alternative is
/// nullable, D40) made required in the workspace's spec: refused, since
/// the generator reads such a null only as an absent optional property.
#[test]
fn a_required_property_may_not_hold_a_nullable_alternative() {
    let text = std::fs::read_to_string(participants_openapi::spec_path()).unwrap();
    let recording = "    ConferenceRecording:\n      type: object\n";
    assert!(text.contains(recording));
    let required = text.replacen(
        recording,
        &format!("{recording}      required: [duration]\n"),
        1,
    );
    let lines: Vec<&str> = required.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "    ConferenceRecording:")
        .unwrap();
    let duration = start
        + lines[start..]
            .iter()
            .position(|l| *l == "        duration:")
            .unwrap();
    let report = lint(participants_openapi::SPEC_PATH, required.as_bytes(), None).unwrap_err();
    assert_eq!(
        report.headlines(),
        [format!(
            "openapi/participants.yaml:{}:9: property `duration` is required and holds a `oneOf` with a nullable alternative: the generator reads such a null only as an absent optional property; make `duration` optional",
            duration + 1
        )]
    );
    assert!(lint(participants_openapi::SPEC_PATH, text.as_bytes(), None).is_ok());
}
