//! Sequential requests per second of this client against a server, for the
//! comparison with twilio-python (`scripts/compare-rate.sh` runs it).
//!
//! Usage: `sequential_rate BASE_URL ACCOUNT_SID TOKEN CONFERENCE_SID CALL_SID COUNT`
//! Prints one JSON line: `{"client": ..., "requests": N, "seconds": S, "per_second": R}`.

use std::time::Instant;

use signalwire_participants::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, account, token, conference, call, count] = args.as_slice() else {
        return Err(
            "usage: sequential_rate BASE_URL ACCOUNT_SID TOKEN CONFERENCE_SID CALL_SID COUNT"
                .into(),
        );
    };
    let count: u32 = count.parse()?;
    let client = Client::with_base_url(base, account, token.as_str())?;
    let participant = client.participant(conference, call)?;
    // One warm-up call opens the connection, as the Python side does.
    participant.mute().await?;
    let started = Instant::now();
    for _ in 0..count {
        participant.mute().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"client\": \"signalwire-participants\", \"requests\": {count}, \"seconds\": {seconds:.4}, \"per_second\": {:.1}}}",
        f64::from(count) / seconds
    );
    Ok(())
}
