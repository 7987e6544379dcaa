//! The conference events the fake sends to a subscribed status callback
//! URL, as the provider would: a signed form POST of the spec's
//! `ConferenceEvent` for every state change, stamped, and sent in the
//! background so that a slow or failing receiver never delays or fails
//! the API call that caused the event; numbered, in order and once each
//! by default, or as production may deliver them ([`Delivery`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use signalwire_participants::types::{
    Conference, ConferenceEvent, ConferenceEventName, Participant,
};
use signalwire_participants::webhook::{Provider, Verifier};
use signalwire_participants::{Rfc2822Date, types};

/// The generated builder of an event, for the fields one kind of event adds.
pub(crate) type EventBuilder = types::builder::ConferenceEvent;
use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{mpsc, watch};

/// The key the fake signs its events with (the demo project's Signing Key;
/// it guards nothing but the fake).
pub const DEMO_SIGNING_KEY: &str = "PSKfake0000demo0000signing0000key";

/// How long one delivery may take before it is given up.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a shuffling delivery holds a window that is not full for
/// more events before it sends what it holds: long enough for a test's
/// next API call on loopback, short enough not to slow it down.
const LINGER: Duration = Duration::from_millis(50);

/// How the fake delivers the events of a subscribed conference
/// ([`Fake::event_delivery`](crate::Fake::event_delivery)), so that a
/// test can meet what production may send.
///
/// The default, [`Delivery::in_order`], numbers each event
/// (`SequenceNumber`, from 1) and sends it once, in the order of the
/// changes: what a roster folds most easily, and what SignalWire does not
/// promise. [`Delivery::production_like`] sends them as SignalWire may:
/// without `SequenceNumber` (SignalWire documents none), out of order and
/// some twice. Each knob also stands alone.
///
/// **Shuffling** is by windows: the fake holds the events (and their
/// second copies) until it holds `window` of them, then sends that batch
/// in an order drawn from the seed and the batch's number, and starts the
/// next; a batch that is not full is sent once no event has come for
/// 50 ms. The events of one API call reach the window together, so a
/// given seed and the same calls, made without pausing for 50 ms inside a
/// window, give the same order every run. **Duplicates** are drawn from
/// the seed and the event's place among all the events the fake has sent
/// (so they do not depend on timing): the second copy is the same signed
/// request, sent within the same window, as a provider's retry would be.
/// Whatever the knobs, every copy is signed as SignalWire signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    numbered: bool,
    window: usize,
    twice_one_in: u32,
    seed: u64,
}

impl Default for Delivery {
    fn default() -> Self {
        Self::in_order()
    }
}

impl Delivery {
    /// Numbered from 1, in order, once each: the fake's default.
    pub const fn in_order() -> Self {
        Delivery {
            numbered: true,
            window: 1,
            twice_one_in: 0,
            seed: 0,
        }
    }

    /// As SignalWire may deliver: unnumbered, shuffled in windows of 4,
    /// and one event in 4 (on average) twice, drawn from `seed`. Add
    /// [`numbered(true)`](Self::numbered) for Twilio's, which numbers its
    /// events and may deliver them out of order too.
    pub const fn production_like(seed: u64) -> Self {
        Delivery {
            numbered: false,
            window: 4,
            twice_one_in: 4,
            seed,
        }
    }

    /// Whether each event carries `SequenceNumber` (its place among the
    /// conference's events, from 1, in the order of the changes).
    pub const fn numbered(self, numbered: bool) -> Self {
        Delivery { numbered, ..self }
    }

    /// Sends the events in batches of `window`, each in a seeded order
    /// (1, or 0, sends them in order).
    pub const fn shuffled(self, window: usize) -> Self {
        Delivery { window, ..self }
    }

    /// Sends each event twice with a chance of 1 in `one_in`, drawn from
    /// the seed (0 never, 1 always).
    pub const fn duplicated(self, one_in: u32) -> Self {
        Delivery {
            twice_one_in: one_in,
            ..self
        }
    }

    /// The seed of the shuffling and the duplicates.
    pub const fn seed(self, seed: u64) -> Self {
        Delivery { seed, ..self }
    }

    /// Whether the event at `index` (from 0, in the order of the changes)
    /// is sent twice.
    fn twice(&self, index: u64) -> bool {
        let one_in = u64::from(self.twice_one_in);
        one_in > 0 && draw(self.seed, 0, index).is_multiple_of(one_in)
    }

    /// `held`, in the order the `batch`-th window is sent in (Fisher and
    /// Yates' shuffle, with the seed's draws).
    fn permute<T>(&self, batch: u64, held: &mut [T]) {
        if self.window <= 1 {
            return;
        }
        for i in (1..held.len()).rev() {
            let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
            let j = draw(self.seed, batch.wrapping_add(1), i as u64) % bound;
            held.swap(i, usize::try_from(j).unwrap_or(i));
        }
    }
}

/// A number from `seed`, for one `purpose` (0 for duplicates, a batch's
/// number plus 1 for its order) and its `n`-th draw: SplitMix64's mixer
/// (Steele, Lea and Flood, 2014) chained, so that draws need no state.
fn draw(seed: u64, purpose: u64, n: u64) -> u64 {
    let mix = |z: u64| {
        let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    mix(mix(mix(seed) ^ purpose) ^ n)
}

/// One conference's subscription: where its events go, and the number the
/// next one gets.
#[derive(Clone, Debug)]
struct Subscription {
    url: String,
    next: i64,
}

/// A signed event, ready to send (twice, when it is duplicated).
#[derive(Clone)]
struct Signed {
    url: String,
    body: String,
    signature: String,
}

/// The conferences subscribed to events, and the sender that delivers them.
#[derive(Clone, Debug)]
pub(crate) struct Events {
    subscriptions: Arc<Mutex<BTreeMap<String, Subscription>>>,
    /// The events of the API call under way, sent together when it ends
    /// ([`Events::flush`]), so that a window never splits one call's.
    pending: Arc<Mutex<Vec<Signed>>>,
    queue: Arc<OnceLock<mpsc::UnboundedSender<Vec<Signed>>>>,
    /// How many events (copies included) are not yet delivered or given up.
    outstanding: Arc<watch::Sender<usize>>,
    pub(crate) delivery: Delivery,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            subscriptions: Arc::default(),
            pending: Arc::default(),
            queue: Arc::default(),
            outstanding: Arc::new(watch::Sender::new(0)),
            delivery: Delivery::default(),
        }
    }
}

/// Why a status callback URL was refused.
#[derive(Debug, thiserror::Error)]
#[error("the status callback URL `{url}` {why}")]
pub struct SubscribeError {
    url: String,
    why: &'static str,
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
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
    /// one whose leaving ended it) if its conference is subscribed; it
    /// leaves with the call's other events ([`Events::flush`]). Called
    /// with the state locked, so numbers follow the order of the changes.
    pub(crate) fn emit(
        &self,
        account: &str,
        conference: &Conference,
        name: ConferenceEventName,
        p: &Participant,
        more: impl FnOnce(EventBuilder) -> EventBuilder,
    ) {
        let mut subscriptions = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
        let sid = conference.sid.as_deref().unwrap_or_default();
        let Some(subscription) = subscriptions.get_mut(sid) else {
            return;
        };
        let sequence = self.delivery.numbered.then_some(subscription.next);
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
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.push(Signed {
            url,
            body,
            signature,
        });
        self.outstanding.send_modify(|n| *n += 1);
    }

    /// Hands the events queued since the last flush to the sender, as one
    /// burst: called when an API call (or [`crate::Fake::complete`]) is done.
    /// Without a tokio runtime to send from, they are dropped.
    pub(crate) fn flush(&self) {
        let burst = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let count = burst.len();
        if count == 0 {
            return;
        }
        let sent = self.sender().is_some_and(|s| s.send(burst).is_ok());
        if !sent {
            self.outstanding
                .send_modify(|n| *n = n.saturating_sub(count));
        }
    }

    /// Waits until every event queued so far has been delivered or given
    /// up.
    pub(crate) async fn delivered(&self) {
        let mut outstanding = self.outstanding.subscribe();
        // The sender lives in `self`: the wait cannot fail.
        let _ = outstanding.wait_for(|n| *n == 0).await;
    }

    /// The queue's sender; the first call starts the task that delivers on
    /// the runtime it is called on (the fake's), or gives none outside one.
    fn sender(&self) -> Option<&mpsc::UnboundedSender<Vec<Signed>>> {
        if let Some(sender) = self.queue.get() {
            return Some(sender);
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        Some(self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            let (how, outstanding) = (self.delivery, self.outstanding.clone());
            runtime.spawn(deliver(receiver, how, outstanding));
            sender
        }))
    }
}

/// Sends the bursts of events as `how` says, one request at a time (so
/// they arrive in the order sent), until every sender is gone.
async fn deliver(
    mut bursts: mpsc::UnboundedReceiver<Vec<Signed>>,
    how: Delivery,
    outstanding: Arc<watch::Sender<usize>>,
) {
    // Plain http to loopback: hyper's client, with no TLS stack to set up.
    let http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let send = async |batch: Vec<Signed>| {
        for d in batch {
            let request = http::Request::post(d.url.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .header(
                    Provider::SignalWire.signature_header(),
                    d.signature.as_str(),
                )
                .body(Full::new(Bytes::from(d.body)));
            if let Ok(request) = request {
                // A failed or slow delivery is dropped, as the providers
                // drop theirs: status callbacks are best effort.
                let _ = tokio::time::timeout(DELIVERY_TIMEOUT, http.request(request)).await;
            }
            outstanding.send_modify(|n| *n = n.saturating_sub(1));
        }
    };
    // The window being filled; the events so far (for duplicates) and the
    // windows so far (for their orders).
    let mut held: Vec<Signed> = Vec::new();
    let (mut index, mut batch) = (0u64, 0u64);
    let mut window = |held: &mut Vec<Signed>| {
        let mut window = std::mem::take(held);
        how.permute(batch, &mut window);
        batch += 1;
        window
    };
    loop {
        let next = if held.is_empty() {
            bursts.recv().await
        } else {
            match tokio::time::timeout(LINGER, bursts.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    // Nothing more for a while: the window goes as it is.
                    send(window(&mut held)).await;
                    continue;
                }
            }
        };
        let Some(burst) = next else { break };
        for signed in burst {
            if how.twice(index) {
                outstanding.send_modify(|n| *n += 1);
                held.push(signed.clone());
            }
            index += 1;
            held.push(signed);
            if held.len() >= how.window.max(1) {
                send(window(&mut held)).await;
            }
        }
    }
    send(window(&mut held)).await;
}

/// The event as the provider sends it: the spec's `ConferenceEvent`, as a
/// form (its fields named by the generated type), with the conference's
/// id and name.
fn form(
    account: &str,
    conference: &Conference,
    name: ConferenceEventName,
    sequence: Option<i64>,
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
        .conference_sid(conference.sid.as_deref().unwrap_or_default())
        .friendly_name(conference.friendly_name.clone())
        .status_callback_event(name)
        .sequence_number(sequence)
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

/// The draws of a delivery, without a server: what it shuffles stays whole,
/// and the knobs' edges hold.
#[cfg(test)]
mod tests {
    use super::Delivery;

    #[test]
    fn a_window_is_permuted_whole_and_in_order_is_kept() {
        let shuffled = Delivery::production_like(3);
        let mut changed = false;
        for batch in 0..16 {
            let mut window: Vec<u32> = (0..5).collect();
            shuffled.permute(batch, &mut window);
            changed |= window != [0, 1, 2, 3, 4];
            let mut sorted = window.clone();
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2, 3, 4], "batch {batch}");
            let mut again: Vec<u32> = (0..5).collect();
            shuffled.permute(batch, &mut again);
            assert_eq!(again, window, "the same seed and batch, the same order");
        }
        assert!(changed);
        let mut window: Vec<u32> = (0..5).collect();
        Delivery::in_order().permute(9, &mut window);
        assert_eq!(window, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn duplicates_follow_the_seed_and_the_knob() {
        let never = Delivery::production_like(1).duplicated(0);
        let always = Delivery::production_like(1).duplicated(1);
        let some = Delivery::production_like(1);
        assert!((0..100).all(|i| !never.twice(i) && always.twice(i)));
        let twice = (0..1000).filter(|&i| some.twice(i)).count();
        assert!((150..350).contains(&twice), "{twice} in 1000, for 1 in 4");
        assert!((0..1000).all(|i| some.twice(i) == Delivery::production_like(1).twice(i)));
        assert_eq!(Delivery::default(), Delivery::in_order());
    }
}
