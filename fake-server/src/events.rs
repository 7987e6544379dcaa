//! The conference events the fake sends to a subscribed status callback
//! URL, as the provider would: a signed form POST of the spec's
//! `ConferenceEvent` for every state change, numbered, stamped, and sent
//! in the background so that a slow or failing receiver never delays or
//! fails the API call that caused the event.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use signalwire_participants::types::{ConferenceEvent, ConferenceEventName, Participant};
use signalwire_participants::webhook::{Provider, Verifier};
use signalwire_participants::{Rfc2822Date, types};

/// The generated builder of an event, for the fields one kind of event adds.
pub(crate) type EventBuilder = types::builder::ConferenceEvent;
use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::mpsc;

/// The key the fake signs its events with (the demo project's Signing Key;
/// it guards nothing but the fake).
pub const DEMO_SIGNING_KEY: &str = "PSKfake0000demo0000signing0000key";

/// How long one delivery may take before it is given up.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// One conference's subscription: where its events go, and the number the
/// next one gets.
#[derive(Clone, Debug)]
struct Subscription {
    url: String,
    next: i64,
}

/// A signed event, ready to send.
struct Delivery {
    url: String,
    body: String,
    signature: String,
}

/// The conferences subscribed to events, and the sender that delivers them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Events {
    subscriptions: Arc<Mutex<BTreeMap<String, Subscription>>>,
    queue: Arc<OnceLock<mpsc::UnboundedSender<Delivery>>>,
}

/// Why a status callback URL was refused.
#[derive(Debug, thiserror::Error)]
#[error("the status callback URL `{url}` {why}")]
pub struct SubscribeError {
    url: String,
    why: &'static str,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Events {
    /// Sends every event of `conference` to `url`, which must be an http URL
    /// on loopback (the fake sends nothing off this machine).
    pub(crate) fn subscribe(&self, conference: &str, url: &str) -> Result<(), SubscribeError> {
        let refuse = |why| SubscribeError {
            url: url.to_string(),
            why,
        };
        let parsed = url::Url::parse(url).map_err(|_| refuse("is not an absolute URL"))?;
        let loopback = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name == "localhost",
            None => false,
        };
        if parsed.scheme() != "http" || !loopback {
            return Err(refuse(
                "is not an http URL on loopback (127.0.0.1, [::1] or localhost)",
            ));
        }
        let mut subscriptions = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
        subscriptions.insert(
            conference.to_string(),
            Subscription {
                url: url.to_string(),
                next: 1,
            },
        );
        Ok(())
    }

    /// Queues `event` about participant `p` (or, for `conference-end`, the
    /// one whose leaving ended it) if its conference is subscribed. Called
    /// with the state locked, so numbers follow the order of the changes.
    pub(crate) fn emit(
        &self,
        account: &str,
        conference: &str,
        name: ConferenceEventName,
        p: &Participant,
        more: impl FnOnce(EventBuilder) -> EventBuilder,
    ) {
        let mut subscriptions = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
        let Some(subscription) = subscriptions.get_mut(conference) else {
            return;
        };
        let sequence = subscription.next;
        subscription.next += 1;
        let url = subscription.url.clone();
        drop(subscriptions);
        let Some(body) = form(account, conference, name, sequence, p, more) else {
            return;
        };
        let signer = Verifier::new(Provider::SignalWire, DEMO_SIGNING_KEY);
        let Ok(signature) = signer.and_then(|s| s.sign(&url, body.as_bytes())) else {
            return;
        };
        let _ = self.sender().send(Delivery {
            url,
            body,
            signature,
        });
    }

    /// The queue's sender; the first call starts the task that delivers, in
    /// order, on the runtime the fake serves on.
    fn sender(&self) -> &mpsc::UnboundedSender<Delivery> {
        self.queue.get_or_init(|| {
            let (sender, mut receiver) = mpsc::unbounded_channel::<Delivery>();
            tokio::spawn(async move {
                // Plain http to loopback: hyper's client, with no TLS stack
                // to set up.
                let http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
                while let Some(d) = receiver.recv().await {
                    let request = http::Request::post(d.url.as_str())
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header(
                            Provider::SignalWire.signature_header(),
                            d.signature.as_str(),
                        )
                        .body(Full::new(Bytes::from(d.body)));
                    let Ok(request) = request else { continue };
                    // A failed or slow delivery is dropped, as the providers
                    // drop theirs: status callbacks are best effort.
                    let _ = tokio::time::timeout(DELIVERY_TIMEOUT, http.request(request)).await;
                }
            });
            sender
        })
    }
}

/// The event as the provider sends it: the spec's `ConferenceEvent`, as a
/// form (its fields named by the generated type).
fn form(
    account: &str,
    conference: &str,
    name: ConferenceEventName,
    sequence: i64,
    p: &Participant,
    more: impl FnOnce(EventBuilder) -> EventBuilder,
) -> Option<String> {
    let call = p
        .call_sid
        .as_deref()
        .and_then(|c| c.parse::<types::CallId>().ok());
    let participant = name != ConferenceEventName::ConferenceEnd;
    let event = ConferenceEvent::builder()
        .account_sid(account)
        .conference_sid(conference)
        .friendly_name(Some("demo".to_string()))
        .status_callback_event(name)
        .sequence_number(Some(sequence))
        .timestamp(Some(Rfc2822Date::new(chrono::Utc::now().to_rfc2822())))
        .call_sid(call.clone().filter(|_| participant))
        .participant_label(p.label.clone().filter(|_| participant))
        .muted(p.muted.filter(|_| participant))
        .hold(p.hold.filter(|_| participant))
        .coaching(p.coaching.filter(|_| participant))
        .end_conference_on_exit(p.end_conference_on_exit.filter(|_| participant))
        .start_conference_on_enter(p.start_conference_on_enter.filter(|_| participant))
        .call_sid_ending_conference(call.filter(|_| !participant))
        .participant_label_ending_conference(p.label.clone().filter(|_| !participant))
        .extra(std::collections::HashMap::new());
    let event: ConferenceEvent = more(event).try_into().ok()?;
    serde_urlencoded::to_string(&event).ok()
}
