//! What the workspace's cross-crate tests (`participants/`) and benchmarks
//! (`benches/`) share (this crate is test-only: nothing depends on it): the
//! test ids and credentials, the seed examples read from the spec, the
//! spec's schemas as JSON Schema, and the listing of the generated Rust
//! surface. The loopback servers live with the tests
//! (`participants/servers.rs`).

/// The listing of the generated Rust surface (the spec library's, which the
/// xtask's review reads too).
pub use participants_openapi::surface;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// A SignalWire-style project id used as the account in tests.
pub const ACCOUNT: &str = "b3877c40-da60-4998-90ad-b792e98472af";
/// A SignalWire-style conference id.
pub const CONFERENCE: &str = "b3877c40-da60-4998-90ad-b792e98472ae";
/// A SignalWire-style call id.
pub const CALL: &str = "b3877c40-da60-4998-90ad-b792e98472ca";
/// A recording of that conference, as in the spec's SignalWire examples.
pub const RECORDING: &str = "b3877c40-da60-4998-90ad-b792e98472aa";
/// The API token used in tests; it must never appear in any output.
pub const TOKEN: &str = "PT-secret-token-4f1d9c";

/// A plain `reqwest::Client`, for raw requests. The client crate's default
/// TLS feature builds reqwest without a default crypto provider (it sets
/// ring up per client), so a bare `reqwest::Client::new()` in the same build
/// needs one installed, as any application in that situation does.
pub fn raw_http_client() -> reqwest::Client {
    // The provider the client crate uses (deprecated by rustls 0.23.48 only
    // for lacking post-quantum key exchange), so that no other is built.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The `Authorization` value the test account and token make.
pub fn expected_basic() -> String {
    format!("Basic {}", STANDARD.encode(format!("{ACCOUNT}:{TOKEN}")))
}

/// The spec, linted.
pub fn spec() -> participants_openapi::Spec {
    participants_openapi::load_workspace_spec().unwrap_or_else(|d| panic!("{d}"))
}

/// The spec's component schemas as JSON Schema, compiled once by boon:
/// OpenAPI 3.0's `nullable: true` becomes a `null` alternative of `type`.
pub struct SpecSchemas {
    schemas: boon::Schemas,
    compiled: std::collections::HashMap<String, boon::SchemaIndex>,
}

impl SpecSchemas {
    /// Compiles the named component schemas of the workspace's spec (boon's
    /// regex engine has no lookahead, so not every pattern the generated
    /// code checks with regress compiles here: the answers' schemas do).
    pub fn new(names: &[&str]) -> Self {
        fn nullable_to_json_schema(value: &mut Value) {
            if let Value::Object(map) = value {
                if map.remove("nullable") == Some(Value::Bool(true))
                    && let Some(Value::String(t)) = map.get("type").cloned()
                {
                    map.insert("type".into(), serde_json::json!([t, "null"]));
                }
                map.values_mut().for_each(nullable_to_json_schema);
            } else if let Value::Array(items) = value {
                items.iter_mut().for_each(nullable_to_json_schema);
            }
        }
        let mut doc = spec().tree.to_json();
        nullable_to_json_schema(&mut doc);
        let (mut compiler, mut schemas) = (boon::Compiler::new(), boon::Schemas::new());
        compiler
            .add_resource("http://spec.invalid/participants.json", doc)
            .unwrap();
        let compiled = names
            .iter()
            .map(|name| {
                let at =
                    format!("http://spec.invalid/participants.json#/components/schemas/{name}");
                let index = compiler
                    .compile(&at, &mut schemas)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (name.to_string(), index)
            })
            .collect();
        SpecSchemas { schemas, compiled }
    }

    /// Checks `value` against the component schema `name`.
    pub fn validate(&self, name: &str, value: &Value) -> Result<(), String> {
        let index = self
            .compiled
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"));
        self.schemas
            .validate(value, *index)
            .map_err(|e| format!("{e:#}"))
    }
}

const PATH: &str =
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants/{CallSid}.json";
const LIST_PATH: &str =
    "/2010-04-01/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Participants.json";

/// The named examples under `pointer` (relative to the update operation),
/// each resolved through `$ref`, in spec order.
fn update_operation_examples(pointer: &str) -> Vec<(String, Value)> {
    operation_examples(PATH, "post", pointer)
}

/// The named examples under `pointer` of one operation, resolved, in spec order.
fn operation_examples(path: &str, method: &str, pointer: &str) -> Vec<(String, Value)> {
    let spec = spec();
    let operation = format!("/paths/{}/{method}{pointer}", path.replace('/', "~1"));
    let examples = spec
        .tree
        .pointer(&operation)
        .unwrap_or_else(|| panic!("the spec has no {operation}"));
    examples
        .entries()
        .iter()
        .map(|(k, v)| {
            let target = v.resolve(&spec.tree).expect("example resolves");
            (
                k.name.clone(),
                target.get("value").expect("example value").to_json(),
            )
        })
        .collect()
}

/// The update examples in the spec (the seeds' request examples), in spec order.
pub fn update_examples() -> Vec<(String, Value)> {
    update_operation_examples("/requestBody/content/application~1x-www-form-urlencoded/examples")
}

/// The response examples in the spec (the seeds' response examples), by
/// the name the update operation gives them, in spec order.
pub fn response_examples() -> Vec<(String, Value)> {
    update_operation_examples("/responses/200/content/application~1json/examples")
}

/// The list pages in the spec (each provider's first page, the last page,
/// an empty conference), in spec order.
pub fn list_examples() -> Vec<(String, Value)> {
    operation_examples(
        LIST_PATH,
        "get",
        "/responses/200/content/application~1json/examples",
    )
}

/// The create examples in the spec (Twilio only, D32), in spec order.
pub fn create_examples() -> Vec<(String, Value)> {
    let pointer = "/requestBody/content/application~1x-www-form-urlencoded/examples";
    operation_examples(LIST_PATH, "post", pointer)
}

/// The participants a create answers with (201), in spec order.
pub fn created_examples() -> Vec<(String, Value)> {
    let pointer = "/responses/201/content/application~1json/examples";
    operation_examples(LIST_PATH, "post", pointer)
}

/// The named examples under `pointer` (`/requestBody/...`, `/responses/...`)
/// of the operation with this `operationId`, resolved, in spec order.
pub fn examples_of(operation_id: &str, pointer: &str) -> Vec<(String, Value)> {
    let spec = spec();
    let mut operations = spec.openapi.operations();
    let found = operations.find(|(_, _, op)| op.operation_id.as_deref() == Some(operation_id));
    let (path, method, _) = found.unwrap_or_else(|| panic!("no operation {operation_id}"));
    operation_examples(path, method, pointer)
}

/// A response example by name.
pub fn response_example(name: &str) -> Value {
    response_examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no response example `{name}`"))
}
