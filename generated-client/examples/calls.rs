//! N sequential calls as a process of their own, made either by this crate
//! or by a hand-written reqwest baseline with the same headers, body and
//! decode target, for counting instructions per call with callgrind
//! (`scripts/instructions.sh`) and CPU time per call (`scripts/cpu-per-call.sh`).
//!
//! Usage: `calls WHO update|retrieve COUNT`, with the JSON line the fake
//! server prints first (`cargo xtask serve`) in `BENCH_DEMO`. WHO is `ours`
//! (the helpers: `participant.mute()`), `builder` (the generated builder,
//! called directly), `baseline` (a hand-written reqwest call), or
//! `baseline-timeouts` (the same with the timeouts this crate always sets).

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use signalwire_participants::types::{self, Participant};
use signalwire_participants::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [who, op, count] = args.as_slice() else {
        return Err("usage: calls ours|builder|baseline|baseline-timeouts update|retrieve COUNT (BENCH_DEMO: the fake's JSON line)".into());
    };
    let count: u32 = count.parse()?;
    let demo: serde_json::Value = serde_json::from_str(&std::env::var("BENCH_DEMO")?)?;
    let field = |name: &str| demo[name].as_str().unwrap_or_default().to_string();
    let (base, account, token) = (field("base_url"), field("account_sid"), field("auth_token"));
    let (conference, call) = (
        field("conference_sid"),
        demo["call_sids"][0]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    );
    match (who.as_str(), op.as_str()) {
        ("ours", op) => {
            let client = Client::with_base_url(&base, &account, token.as_str())?;
            // Named once, as a caller would.
            let participant = client.participant(&conference, &call)?;
            for _ in 0..count {
                let p = if op == "update" {
                    participant.mute().await?
                } else {
                    participant.retrieve().await?
                };
                std::hint::black_box(p);
            }
        }
        ("builder", op) => {
            let client = Client::with_base_url(&base, &account, token.as_str())?;
            let ids = (
                account.parse::<types::AccountSid>()?,
                conference.parse::<types::ConferenceSid>()?,
                call.parse::<types::CallSid>()?,
            );
            for _ in 0..count {
                let (a, c, p) = (ids.0.clone(), ids.1.clone(), ids.2.clone());
                let p = if op == "update" {
                    let mute = types::UpdateParticipantRequest {
                        muted: Some(true),
                        ..Default::default()
                    };
                    client
                        .update_participant()
                        .account_sid(a)
                        .conference_sid(c)
                        .call_sid(p)
                        .body(mute)
                        .send()
                        .await
                } else {
                    client
                        .retrieve_participant()
                        .account_sid(a)
                        .conference_sid(c)
                        .call_sid(p)
                        .send()
                        .await
                };
                std::hint::black_box(p.map_err(signalwire_participants::Error::from)?);
            }
        }
        (baseline @ ("baseline" | "baseline-timeouts"), op) => {
            // This crate's default feature leaves reqwest without a default
            // crypto provider (see the README): a bare client needs one. The
            // baseline takes the crate's own, ring, to compare like with
            // like (rustls 0.23.48 deprecates it for lacking post-quantum
            // key exchange).
            #[allow(deprecated)]
            let _ = rustls::crypto::ring::default_provider().install_default();
            let credentials = base64_credentials(&account, &token);
            let mut auth = HeaderValue::from_str(&format!("Basic {credentials}"))?;
            auth.set_sensitive(true);
            let mut http = reqwest::Client::builder()
                .default_headers(HeaderMap::from_iter([(AUTHORIZATION, auth)]))
                .user_agent(USER_AGENT);
            if baseline == "baseline-timeouts" {
                http = http
                    .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                    .timeout(DEFAULT_TIMEOUT);
            }
            let http = http.build()?;
            let url = format!(
                "{base}/2010-04-01/Accounts/{account}/Conferences/{conference}/Participants/{call}.json"
            );
            for _ in 0..count {
                let request = if op == "update" {
                    http.post(&url)
                        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body("Muted=true")
                } else {
                    http.get(&url)
                };
                let response = request.header(ACCEPT, "application/json").send().await?;
                if !response.status().is_success() {
                    return Err(format!("HTTP {}", response.status()).into());
                }
                let p: Participant = serde_json::from_slice(&response.bytes().await?)?;
                std::hint::black_box(p);
            }
        }
        _ => {
            return Err(
                "the first argument is ours, builder, baseline or baseline-timeouts".into(),
            );
        }
    }
    Ok(())
}

/// `user:token` in base64, as HTTP Basic wants it.
fn base64_credentials(user: &str, token: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"))
}
