//! An in-memory fake of SignalWire's conference participant endpoints
//! (list, retrieve, update and kick, and Twilio's create), its conferences
//! (list, retrieve, end, announce) and their recordings (list, retrieve,
//! pause, resume, stop, delete), for a quickstart that runs offline, for
//! our end-to-end tests, and for yours.
//!
//! It follows `openapi/participants.yaml` through what the client crate
//! generates from it: the routes are the spec's operations (under
//! `/api/laml` and bare, with and without `.json`; an operation with
//! servers of its own only where they say: Twilio's create is bare only,
//! a 405 under `/api/laml`, D32); query parameters and
//! form fields are the spec's, read as its types say (booleans
//! case-insensitively, as the services do); form bodies decode into the
//! generated `UpdateParticipantRequest` (`CreateParticipantRequest`, array
//! fields from repeated keys), so its patterns, enums, URL fields
//! and closed field set are the spec's; answers are the generated
//! `Participant`, `ParticipantPage` and `Error`. A field a reviewer adds to
//! the spec is accepted here with no edit, and one the spec lacks is refused.
//!
//! What it adds is behaviour: HTTP Basic auth per account (401, code
//! 20003), other accounts' resources are 404 (20404), coaching rules
//! (16002), paging by `PageSize` and `Page` (a `PageToken` is taken and
//! not read: the README says how that differs), boolean filters
//! on the participants' fields of the same name, a kick after which the
//! participant is gone (404), `EndConferenceOnExit` (when such a
//! participant leaves, everyone still in leaves and the conference ends,
//! as after the last one is kicked), a create that connects at once (201 `queued`,
//! then `connected`; a `To` of [`FAILING_TO`] fails instead), a label unique
//! in its conference (16025), and answers that look like SignalWire's under
//! `/api/laml` and like Twilio's without it (page URIs under the same
//! prefix, `start` and `end` on Twilio's). Refusals say what and where:
//! error 21402 for a URL field, 13221 for a method field, 21201 and 21213
//! for a create without `To` or `From`, 10000 otherwise;
//! a body that is not a form is a 415 and another method a 405 with `Allow`.
//! It is stricter than the services where the spec is (D25): an unknown
//! field or query parameter, a `Muted` other than true or false, or an empty
//! `CallSidToCoach` is refused. schemathesis checks every answer against the
//! spec.
//!
//! Conferences have a name, a status and their recordings
//! ([`DEMO_CONFERENCE_NAME`], [`DEMO_ENDED_CONFERENCE`], [`DEMO_RECORDING`]):
//! lists filter by name, status and day (the date bounds too) and page as
//! participants do; ending one (`Status=completed`) takes everyone out, as
//! the services do, after which its participants answer 404; announcing to
//! an ended one is a 400 (21220); a recording is paused, resumed and
//! stopped only from the states that allow it (else 400, 16114). The
//! README says what differs from the services.
//!
//! A subscribed conference's changes are sent as signed status callbacks
//! ([`Fake::subscribe_demo`]): numbered, in order and once each by default,
//! or unnumbered, shuffled and repeated as production may send them
//! ([`Fake::event_delivery`], [`Delivery`]).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! // Keep `server`: the fake stops when it is dropped.
//! let server = signalwire_participants_fake::start("127.0.0.1:0").await?;
//! let demo = server.demo();
//! // Point any client at demo.base_url with demo.account_sid and
//! // demo.auth_token, for example signalwire-participants:
//! // Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())
//! # Ok(())
//! # }
//! ```

#![allow(clippy::result_large_err)] // `Refused` is a whole answer; see there.

// The README's examples, compiled and run by `cargo test --doc` as the
// crate documentation's are (the README is not the crate documentation).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod conferences;
mod events;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawPathParams};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use headers::authorization::Basic;
use headers::{Authorization, ContentType, HeaderMapExt};
use serde::Serialize;
use serde_json::{Map, Value};
use signalwire_participants::form::{self, Field, FormError, Unknown};
use signalwire_participants::spec_facts::{
    Kind, Operation, PARAMETERS, SCHEMA_FIELDS, fields, schemas,
};
use signalwire_participants::types::{
    Conference, ConferenceRecording, ConferenceStatus, CreateParticipantRequest, NumberOrText,
    Participant, ParticipantPage, RecordingStatus, TwilioRegion, UpdateParticipantRequest,
};
use signalwire_participants::{ParticipantStatus, Rfc2822Date, types};
use subtle::ConstantTimeEq;

pub use events::{DEMO_SIGNING_KEY, Delivery, SubscribeError};
use signalwire_participants::types::{
    ConferenceEndedReason, ConferenceEventName, ParticipantCallStatus, ParticipantLeftReason,
};

/// SignalWire's path prefix (the bare paths are Twilio's, and the legacy
/// SDKs').
const LAML: &str = "/api/laml";

/// The most a request body may hold.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The dates the demo participants were created, in the format SignalWire's
/// own examples use (note `Sept`).
pub const DEMO_CREATED: &str = "Mon, 24 Sept 2018 21:00:00 +0000";

/// The `To` whose dial fails (a constant of the fake's, in the range of
/// Twilio's test numbers): the create answers 201 `queued`, then the
/// participant leaves, `failed`, with a `participant-leave` of reason
/// `participant_add_failed`, and is never listed (with
/// `EndConferenceOnExit`, the conference ends: a failed dial is a leaving).
pub const FAILING_TO: &str = "+15005550001";

/// The error codes of a create without a required field, as Twilio's error
/// list words them for a call: 21201 "No 'To' number specified" and 21213
/// "'From' phone number is required" (21604 and 21603 are the codes for a
/// message, not a call).
const REQUIRED: &[(&str, i64, &str)] = &[
    (fields::TO, 21201, "No 'To' number specified"),
    (fields::FROM, 21213, "'From' phone number is required"),
];

/// How many participants a page holds when `PageSize` is not given (the
/// services' default, which the spec states in words only).
const DEFAULT_PAGE_SIZE: usize = 50;

#[derive(Clone, Debug)]
struct Account {
    token: String,
    conferences: BTreeMap<String, Room>,
}

/// A conference as the fake keeps it: its own fields (the generated
/// `Conference`), the participants it has had, and its recordings.
#[derive(Clone, Debug)]
struct Room {
    conference: Conference,
    participants: Vec<Participant>,
    recordings: Vec<ConferenceRecording>,
}

/// What a client needs to drive the demo: printed by `cargo xtask serve`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Demo {
    /// `http://127.0.0.1:PORT/api/laml`: the base URL for the client.
    pub base_url: String,
    /// The demo project id (account SID).
    pub account_sid: String,
    /// The demo API token (a fake one; it guards only this fake).
    pub auth_token: String,
    /// The demo conference.
    pub conference_sid: String,
    /// Its name, which an earlier, ended conference shares.
    pub conference_name: String,
    /// Its recording, in progress.
    pub recording_sid: String,
    /// The earlier conference of the same name, completed.
    pub ended_conference_sid: String,
    /// Its recording, completed.
    pub ended_recording_sid: String,
    /// The demo participants' call ids: alice, bob, and a Twilio-style supervisor.
    pub call_sids: Vec<String>,
    /// Their labels, in the same order.
    pub labels: Vec<String>,
    /// A second account, to show that its resources stay invisible.
    pub other_account_sid: String,
    /// The second account's token.
    pub other_auth_token: String,
    /// The key the fake signs its conference events with (SignalWire's
    /// Signing Key; check them with `Verifier::signalwire`).
    pub signing_key: String,
}

/// The demo data: fixed ids so that scripts and docs can name them.
pub const DEMO_ACCOUNT: &str = "0b5e7f3a-7c1d-4e2b-9a6f-1d2c3b4a5e60";
/// The demo token.
pub const DEMO_TOKEN: &str = "PTfake0000demo0000token";
/// The demo conference.
pub const DEMO_CONFERENCE: &str = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
/// The demo conference's name (`friendly_name`). An earlier conference,
/// [`DEMO_ENDED_CONFERENCE`], has it too: a name finds every conference
/// that had it, the status tells the running one.
pub const DEMO_CONFERENCE_NAME: &str = "standup";
/// The demo conference's recording, in progress since it started.
pub const DEMO_RECORDING: &str = "7ec0a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b";
/// An earlier conference named [`DEMO_CONFERENCE_NAME`], created the day
/// before the demo conference and ended when its last participant left.
pub const DEMO_ENDED_CONFERENCE: &str = "5e1d2c3b-4a59-4867-9766-a5b4c3d2e1f0";
/// The ended conference's recording, completed.
pub const DEMO_ENDED_RECORDING: &str = "7ec0a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2a";
/// When the ended conference was created and when it ended (its recording
/// ran from one to the other).
const DEMO_ENDED_DATES: (&str, &str) = (
    "Sun, 23 Sept 2018 21:00:00 +0000",
    "Sun, 23 Sept 2018 21:30:00 +0000",
);
/// The demo participants (alice, bob, supervisor, dave). Bob's and the
/// supervisor's ids are the coach targets of the spec's update examples, so
/// that the examples run against the fake as written (schemathesis sends
/// them); dave is the one a tool can kick without breaking them.
pub const DEMO_CALLS: [&str; 4] = [
    "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
    "b3877c40-da60-4998-90ad-b792e98472c0",
    "CA0123456789abcdef0123456789abcdef",
    "d4a7e1c2-9b3f-4e6d-8a5c-2f1e0d9c8b7a",
];
/// Their labels.
pub const DEMO_LABELS: [&str; 4] = ["alice", "bob", "supervisor", "dave"];
/// A second account with its own conference.
pub const OTHER_ACCOUNT: &str = "AC00000000000000000000000000000002";
/// Its token.
pub const OTHER_TOKEN: &str = "other-account-token";
/// Its conference.
pub const OTHER_CONFERENCE: &str = "CF00000000000000000000000000000002";

/// The call id of the `i`-th participant [`Fake::with_participants`] seeds
/// (from 4 on): a UUID, so that both the path's and the events' id patterns
/// take it.
pub fn seeded_call(i: usize) -> String {
    format!("5eed0000-0000-4000-8000-{i:012x}")
}

/// A participant as the demo seeds it: in the conference, unmuted, not on
/// hold, not coaching.
fn seeded(call_sid: &str, label: &str) -> Participant {
    let created = Rfc2822Date::new(DEMO_CREATED);
    let participant = Participant::builder()
        .call_sid(Some(call_sid.to_string()))
        .label(Some(label.to_string()))
        .muted(Some(false))
        .hold(Some(false))
        .coaching(Some(false))
        .end_conference_on_exit(Some(false))
        .start_conference_on_enter(Some(true))
        .status(Some(ParticipantStatus::InProgress))
        .date_created(Some(created.clone()))
        .date_updated(Some(created))
        .extra(Map::new());
    participant
        .try_into()
        .expect("every field of the seed is set with its own type")
}

/// A conference as the demo seeds it (its account, version and URIs are
/// the path's, filled in when answered).
fn seeded_conference(
    sid: &str,
    name: &str,
    status: ConferenceStatus,
    dates: (&str, &str),
) -> Conference {
    Conference {
        sid: Some(sid.into()),
        friendly_name: Some(name.into()),
        status: Some(status),
        region: Some(TwilioRegion::Us1),
        date_created: Some(Rfc2822Date::new(dates.0)),
        date_updated: Some(Rfc2822Date::new(dates.1)),
        account_sid: None,
        api_version: None,
        reason_conference_ended: None,
        call_sid_ending_conference: None,
        subresource_uris: None,
        uri: None,
        extra: Map::new(),
    }
}

/// A recording as the demo seeds it, started when its conference was
/// created: running (`end` none, length 0), or ended at `end`.
fn seeded_recording(sid: &str, start: &str, end: Option<&str>) -> ConferenceRecording {
    let mut recording = ConferenceRecording {
        sid: Some(sid.into()),
        status: Some(RecordingStatus::InProgress),
        date_created: Some(Rfc2822Date::new(start)),
        date_updated: Some(Rfc2822Date::new(start)),
        start_time: Some(Rfc2822Date::new(start)),
        end_time: None,
        duration: Some(NumberOrText::Integer(0)),
        channels: Some(NumberOrText::Integer(1)),
        price_unit: Some("USD".into()),
        price: None,
        error_code: None,
        call_sid: None,
        source: None,
        account_sid: None,
        conference_sid: None,
        api_version: None,
        uri: None,
        extra: Map::new(),
    };
    if let Some(end) = end {
        conferences::finish(
            &mut recording,
            RecordingStatus::Completed,
            &Rfc2822Date::new(end),
        );
    }
    recording
}

/// The fake's state: accounts, conferences and participants.
#[derive(Clone, Debug)]
pub struct Fake {
    accounts: Arc<Mutex<BTreeMap<String, Account>>>,
    events: events::Events,
    /// How many participants creates have dialed: their call ids count.
    dialed: Arc<AtomicU64>,
}

impl Default for Fake {
    fn default() -> Self {
        Self::demo()
    }
}

impl Fake {
    /// The seeded demo: one account with a conference of four participants
    /// and a recording in progress, and an earlier conference of the same
    /// name, ended, with its recording completed; and a second account
    /// with a conference of its own.
    pub fn demo() -> Self {
        let participants = DEMO_CALLS.iter().zip(DEMO_LABELS);
        let (name, created) = (DEMO_CONFERENCE_NAME, (DEMO_CREATED, DEMO_CREATED));
        let running = Room {
            conference: seeded_conference(
                DEMO_CONFERENCE,
                name,
                ConferenceStatus::InProgress,
                created,
            ),
            participants: participants.map(|(c, l)| seeded(c, l)).collect(),
            recordings: vec![seeded_recording(DEMO_RECORDING, DEMO_CREATED, None)],
        };
        let (start, end) = DEMO_ENDED_DATES;
        let ended = Room {
            conference: Conference {
                reason_conference_ended: Some(ConferenceEndedReason::LastParticipantLeft),
                call_sid_ending_conference: Some(seeded_call(0)),
                ..seeded_conference(
                    DEMO_ENDED_CONFERENCE,
                    name,
                    ConferenceStatus::Completed,
                    DEMO_ENDED_DATES,
                )
            },
            participants: Vec::new(),
            recordings: vec![seeded_recording(DEMO_ENDED_RECORDING, start, Some(end))],
        };
        let demo = Account {
            token: DEMO_TOKEN.into(),
            conferences: BTreeMap::from([
                (DEMO_CONFERENCE.to_string(), running),
                (DEMO_ENDED_CONFERENCE.to_string(), ended),
            ]),
        };
        let private = seeded("CA00000000000000000000000000000002", "private");
        let other = Account {
            token: OTHER_TOKEN.into(),
            conferences: BTreeMap::from([(
                OTHER_CONFERENCE.to_string(),
                Room {
                    conference: seeded_conference(
                        OTHER_CONFERENCE,
                        "private",
                        ConferenceStatus::InProgress,
                        created,
                    ),
                    participants: vec![private],
                    recordings: Vec::new(),
                },
            )]),
        };
        let accounts = BTreeMap::from([
            (DEMO_ACCOUNT.to_string(), demo),
            (OTHER_ACCOUNT.to_string(), other),
        ]);
        Fake {
            accounts: Arc::new(Mutex::new(accounts)),
            events: events::Events::default(),
            dialed: Arc::default(),
        }
    }

    /// The demo, with `n` participants in the demo conference: the four
    /// demo participants first (the first `n` of them, when `n` is less),
    /// then participants of call id [`seeded_call`]`(i)` and label
    /// `participant-{i}` for `i` from 4, in the same state (unmuted, not on
    /// hold, not coaching). For benchmarks and tests of whole-conference
    /// actions.
    pub fn with_participants(n: usize) -> Self {
        let fake = Self::demo();
        let more =
            (DEMO_CALLS.len()..n).map(|i| seeded(&seeded_call(i), &format!("participant-{i}")));
        let mut accounts = fake.accounts();
        let conferences = accounts.get_mut(DEMO_ACCOUNT).map(|a| &mut a.conferences);
        if let Some(room) = conferences.and_then(|c| c.get_mut(DEMO_CONFERENCE)) {
            room.participants.truncate(n);
            room.participants.extend(more);
        }
        drop(accounts);
        fake
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Account>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A participant's state as the fake keeps it, for tests.
    pub fn participant(
        &self,
        account: &str,
        conference: &str,
        call_or_label: &str,
    ) -> Option<Participant> {
        let accounts = self.accounts();
        let room = accounts.get(account)?.conferences.get(conference)?;
        room.participants
            .iter()
            .find(|p| is(p, call_or_label))
            .cloned()
    }

    /// This fake, sending every event of the demo conference to `url` (an
    /// http URL on loopback): each state change, as a form POST signed with
    /// [`DEMO_SIGNING_KEY`] as SignalWire signs (`X-SignalWire-Signature`),
    /// with an RFC 2822 `Timestamp`. Delivery happens in the background and
    /// never delays or fails the API call behind it; by default in order,
    /// once each, with a `SequenceNumber` that counts from 1
    /// ([`Fake::event_delivery`] for production's ways). Its clones share
    /// the subscription, a running server's [`RunningFake::fake`] included.
    ///
    /// ```no_run
    /// use signalwire_participants_fake::{Delivery, Fake};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let fake = Fake::demo()
    ///     .event_delivery(Delivery::production_like(7))
    ///     .subscribe_demo("http://127.0.0.1:3000/events")?;
    /// let server = signalwire_participants_fake::start_with("127.0.0.1:0", fake).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn subscribe_demo(self, url: &str) -> Result<Self, SubscribeError> {
        self.events.subscribe(DEMO_CONFERENCE, url)?;
        Ok(self)
    }

    /// This fake, delivering its events as `delivery` says: for example
    /// [`Delivery::production_like`]`(seed)`, unnumbered, shuffled and some
    /// twice, so that a test of a roster meets what SignalWire may send.
    /// Set it before the first event; clones made before keep theirs.
    pub fn event_delivery(mut self, delivery: Delivery) -> Self {
        self.events.delivery = delivery;
        self
    }

    /// Waits until every event emitted so far has been delivered or given
    /// up (a delivery waits at most 5 s for its receiver), copies and the
    /// window a shuffling delivery holds included: for a test, before it
    /// checks what its receiver took.
    pub async fn events_delivered(&self) {
        self.events.delivered().await;
    }

    /// Marks a participant as having left (status `completed`), for tests:
    /// it hangs up. A subscribed conference gets its `participant-leave`
    /// (`participant_hung_up`), and the conference ends if it had
    /// `EndConferenceOnExit` or was the last one in, as after a kick. A
    /// participant that is not in the conference is left as it is.
    pub fn complete(&self, account: &str, conference: &str, call: &str) {
        let mut accounts = self.accounts();
        let room = accounts
            .get_mut(account)
            .and_then(|a| a.conferences.get_mut(conference));
        let Some(room) = room else {
            return;
        };
        let found = (room.participants.iter_mut()).find(|p| is(p, call) && in_conference(p));
        let Some(p) = found else {
            return;
        };
        p.status = Some(ParticipantStatus::Completed);
        let gone = p.clone();
        self.left(account, room, &gone, Leaving::HungUp);
        drop(accounts);
        self.events.flush();
    }

    /// The router: one route per operation of the spec, under both
    /// `/api/laml/2010-04-01/...` and `/2010-04-01/...`, each with and
    /// without `.json`; an operation with servers of its own (D32) only
    /// under the prefixes they name. axum answers another method with 405
    /// and `Allow`.
    pub fn router(&self) -> Router {
        let mut paths: BTreeMap<(&str, &str), MethodRouter> = BTreeMap::new();
        for operation in Operation::ALL {
            let (method, path) = (operation.method(), operation.path());
            let fake = self.clone();
            // A trailing `{Param}.json`: axum's routes cannot split a
            // segment, so the parameter takes it and the handler drops it.
            let handler =
                move |params: RawPathParams, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let fake = fake.clone();
                    async move { fake.handle(operation, &params, &uri, &headers, &body) }
                };
            let filter = MethodFilter::try_from(
                axum::http::Method::from_bytes(method.as_bytes())
                    .expect("the spec's methods are HTTP methods"),
            )
            .expect("the spec's methods are ones axum routes");
            let own = operation.servers();
            for prefix in ["", LAML] {
                // Twilio's servers have no path; SignalWire's have `/api/laml`.
                if own.is_empty() || own.iter().any(|u| u.contains(prefix)) {
                    let routes = paths.remove(&(prefix, path)).unwrap_or_default();
                    let routes = routes.on(filter, handler.clone());
                    paths.insert((prefix, path), routes);
                }
            }
        }
        let mut router = Router::new();
        for ((prefix, path), methods) in paths {
            let bare = path.strip_suffix(".json").unwrap_or(path);
            let mut forms = vec![bare];
            if !bare.ends_with('}') {
                forms.push(path);
            }
            for form in forms {
                router = router.route(&format!("{prefix}{form}"), methods.clone());
            }
        }
        router
            .fallback(|uri: Uri| async move {
                let what = format!("The requested resource {} was not found", uri.path());
                error(StatusCode::NOT_FOUND, 20404, what)
            })
            .layer(axum::middleware::map_response(with_error_body))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
    }

    fn handle(
        &self,
        operation: Operation,
        params: &RawPathParams,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let Some(path) = Target::new(params, uri) else {
            let what = format!("The requested resource {} was not found", uri.path());
            return error(StatusCode::NOT_FOUND, 20404, what);
        };
        let Some(account) = self.authenticate(headers) else {
            return error(
                StatusCode::UNAUTHORIZED,
                20003,
                "Authentication Error - invalid username or token".into(),
            );
        };
        if account != path.account {
            // Another account's resources are indistinguishable from missing ones.
            return not_found(&path);
        }
        let query = uri.query().unwrap_or_default().as_bytes();
        let query = || {
            form::read(query, |name| query_field(operation, name)).map_err(|e| refusal(10000, e))
        };
        let outcome = match operation {
            Operation::RetrieveParticipant => self.retrieve(&path),
            Operation::UpdateParticipant => {
                form(headers, body).and_then(|update| self.update(&path, update))
            }
            Operation::CreateParticipant => {
                form(headers, body).and_then(|create| self.create(&path, &create))
            }
            Operation::KickParticipant => self.kick(&path),
            Operation::ListParticipants => query().and_then(|q| self.list(&path, &q)),
            Operation::ListConferences => query().and_then(|q| self.list_conferences(&path, &q)),
            Operation::RetrieveConference => self.retrieve_conference(&path),
            Operation::UpdateConference => {
                form(headers, body).and_then(|update| self.update_conference(&path, &update))
            }
            Operation::ListConferenceRecordings => {
                query().and_then(|q| self.list_recordings(&path, &q))
            }
            Operation::RetrieveConferenceRecording => self.retrieve_recording(&path),
            Operation::UpdateConferenceRecording => {
                form(headers, body).and_then(|update| self.update_recording(&path, &update))
            }
            Operation::DeleteConferenceRecording => self.delete_recording(&path),
        };
        // The call's events leave together, now that it is done.
        self.events.flush();
        outcome.unwrap_or_else(|refused| refused)
    }

    /// The account whose credentials the request carries, if they are right.
    fn authenticate(&self, headers: &HeaderMap) -> Option<String> {
        let basic = headers.typed_get::<Authorization<Basic>>()?;
        let accounts = self.accounts();
        let account = accounts.get(basic.username())?;
        let same = account.token.as_bytes().ct_eq(basic.password().as_bytes());
        bool::from(same).then(|| basic.username().to_string())
    }

    /// One page of the conference's participants (those still in it), the
    /// filters applied, with the paging URIs either provider gives.
    fn list(&self, path: &Target, query: &Map<String, Value>) -> Result<Response, Refused> {
        let operation = Operation::ListParticipants;
        let filters = Filters::read(operation, <Participant as form::Schema>::NAME, query)?;
        let accounts = self.accounts();
        let room = accounts
            .get(&path.account)
            .and_then(|a| a.conferences.get(&path.conference))
            .ok_or_else(|| not_found(path))?;
        let matching: Vec<&Participant> = (room.participants.iter())
            .filter(|p| in_conference(p) && filters.keep(p))
            .collect();
        let ids = matching.iter().map(|p| p.call_sid.as_deref());
        let paging = Paging::new(path, operation, &filters, query, ids.collect());
        let on_page = matching[paging.range.clone()].iter();
        let answer = page!(
            ParticipantPage,
            participants,
            on_page.map(|p| wire(path, p)),
            paging
        );
        Ok(json(StatusCode::OK, &answer))
    }

    /// Removes the participant: retrieve, update and kick then answer 404.
    /// Its leaving may end the conference ([`Fake::left`]).
    fn kick(&self, path: &Target) -> Result<Response, Refused> {
        let mut accounts = self.accounts();
        let room = conferences::room_mut(&mut accounts, path).ok_or_else(|| not_found(path))?;
        let index = (room.participants.iter())
            .position(|p| is(p, path.id()))
            .ok_or_else(|| not_found(path))?;
        let gone = room.participants.remove(index);
        // One that had already left (`complete`) does not leave twice.
        if in_conference(&gone) {
            self.left(&path.account, room, &gone, Leaving::Kicked);
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    /// What follows when `gone` leaves the conference (it is no longer in
    /// it: taken out, marked `completed`, or never let in): its
    /// `participant-leave`; then, if others are still in and it had
    /// `EndConferenceOnExit`, the conference ends: each of them leaves
    /// (`moderator_ended_conference`, [`Fake::end`]) and `conference-end`
    /// names `gone`. When it was the last one in, the conference ends too
    /// (unless its dial failed: then it never was in).
    fn left(&self, account: &str, room: &mut Room, gone: &Participant, how: Leaving) {
        let (status, reason) = how.leave();
        let leave = ConferenceEventName::ParticipantLeave;
        self.events
            .emit(account, &room.conference, leave, gone, |e| {
                e.participant_call_status(Some(status))
                    .reason_participant_left(Some(reason))
            });
        let others = room.participants.iter().any(in_conference);
        let end_on_exit = gone.end_conference_on_exit == Some(true);
        let ended = match (others, end_on_exit, how) {
            (true, true, _) => how.ends_by_end_on_exit(),
            (false, _, Leaving::Kicked | Leaving::HungUp) => how.ends_as_last(),
            _ => return,
        };
        // Their calls go on past the conference (to the next verb): only
        // the conference ended.
        let others = (
            ParticipantCallStatus::InProgress,
            ParticipantLeftReason::ModeratorEndedConference,
        );
        self.end(account, room, others, ended, Some(gone));
    }

    /// Ends the conference: each participant still in leaves (its
    /// `participant-leave` with the call status and reason of `left`) and is
    /// taken out, as a kick takes one out (one who had hung up stays,
    /// `completed`); then `conference-end` says why, naming `by`, the one
    /// whose leaving ended it, if one did. The conference is then
    /// `completed` with its reason (and Twilio's `call_sid_ending_conference`),
    /// and a recording in progress or paused completes.
    fn end(
        &self,
        account: &str,
        room: &mut Room,
        left: (ParticipantCallStatus, ParticipantLeftReason),
        (ended, why): (ConferenceEndedReason, &str),
        by: Option<&Participant>,
    ) {
        let (stay, out): (Vec<_>, Vec<_>) = std::mem::take(&mut room.participants)
            .into_iter()
            .partition(|p| !in_conference(p));
        room.participants = stay;
        let leave = ConferenceEventName::ParticipantLeave;
        for p in &out {
            self.events
                .emit(account, &room.conference, leave.clone(), p, |e| {
                    e.participant_call_status(Some(left.0.clone()))
                        .reason_participant_left(Some(left.1.clone()))
                });
        }
        // Ended through the API, by no participant: the event names none.
        let nobody = Participant {
            call_sid: None,
            label: None,
            ..seeded("", "")
        };
        let end = ConferenceEventName::ConferenceEnd;
        self.events
            .emit(account, &room.conference, end, by.unwrap_or(&nobody), |e| {
                e.reason_conference_ended(Some(ended.clone()))
                    .reason(Some(why.to_string()))
            });
        let now = now();
        let conference = &mut room.conference;
        conference.status = Some(ConferenceStatus::Completed);
        conference.reason_conference_ended = Some(ended);
        conference.call_sid_ending_conference = by.and_then(|p| p.call_sid.clone());
        conference.date_updated = Some(now.clone());
        let running = |r: &&mut ConferenceRecording| {
            matches!(
                r.status,
                Some(RecordingStatus::InProgress | RecordingStatus::Paused)
            )
        };
        for recording in room.recordings.iter_mut().filter(running) {
            conferences::finish(recording, RecordingStatus::Completed, &now);
        }
    }

    fn retrieve(&self, path: &Target) -> Result<Response, Refused> {
        let accounts = self.accounts();
        let found = accounts
            .get(&path.account)
            .and_then(|a| a.conferences.get(&path.conference))
            .and_then(|c| c.participants.iter().find(|p| is(p, path.id())));
        let p = found.ok_or_else(|| not_found(path))?;
        Ok(json(StatusCode::OK, &wire(path, p)))
    }

    fn update(&self, path: &Target, update: UpdateParticipantRequest) -> Result<Response, Refused> {
        let mut accounts = self.accounts();
        let room = conferences::room_mut(&mut accounts, path).ok_or_else(|| not_found(path))?;
        let participants = &mut room.participants;
        let index = participants
            .iter()
            .position(|p| is(p, path.id()))
            .ok_or_else(|| not_found(path))?;
        if participants[index].status == Some(ParticipantStatus::Completed) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                10000,
                "The participant has left the conference and can no longer be updated".into(),
            ));
        }
        // The coaching rules (D6), which no schema can state.
        let coaching = update
            .coaching
            .or(participants[index].coaching)
            .unwrap_or(false);
        let target = update.call_sid_to_coach.as_ref().map(|t| t.as_str());
        let coached = target.or(participants[index].call_sid_to_coach.as_deref());
        let others = participants.iter().enumerate().filter(|(i, _)| *i != index);
        coachable(others.map(|(_, p)| p), target, update.coaching, coached)?;
        let p = &mut participants[index];
        let before = p.clone();
        *p = apply(p, &update)?;
        p.coaching = Some(coaching);
        if !coaching {
            p.call_sid_to_coach = None;
        }
        p.date_updated = before.date_updated.clone();
        for event in changes(&before, p) {
            self.events
                .emit(&path.account, &room.conference, event, p, |e| e);
        }
        p.date_updated = Some(now());
        Ok(json(StatusCode::OK, &wire(path, p)))
    }

    /// Dials a participant in (Twilio only, D32). The call connects at
    /// once: the 201 shows it `queued` (with `queue_time` "0"), as Twilio
    /// answers, and every later read shows it `connected`; a subscribed
    /// conference gets its `participant-join`. A `To` of [`FAILING_TO`]
    /// fails instead: 201 `queued`, then it leaves (`participant-leave`,
    /// `participant_add_failed`; with `EndConferenceOnExit`, the conference
    /// ends) and is never listed. `ConferenceStatusCallback` is checked,
    /// not used: events go where [`Fake::subscribe_demo`] says.
    fn create(
        &self,
        path: &Target,
        create: &CreateParticipantRequest,
    ) -> Result<Response, Refused> {
        let mut accounts = self.accounts();
        let room = conferences::room_mut(&mut accounts, path)
            // An ended conference takes no one in (the README says why).
            .filter(|room| room.conference.status != Some(ConferenceStatus::Completed))
            .ok_or_else(|| not_found(path))?;
        let conference = &room.participants;
        let now = now();
        let n = self.dialed.fetch_add(1, Ordering::Relaxed) + 1;
        // Twilio's call SIDs in a Twilio (`AC`) account, UUIDs in a space.
        let call = match path.account.starts_with("AC") {
            true => format!("CA{n:032x}"),
            false => format!("ca11ed00-0000-4000-8000-{n:012x}"),
        };
        let base = Participant {
            call_sid: Some(call),
            label: None,
            status: Some(ParticipantStatus::Connected),
            date_created: Some(now.clone()),
            date_updated: Some(now),
            ..seeded("", "")
        };
        // `Label` goes to `label`, `Muted` to `muted`...: as in an update.
        let mut p = apply(&base, create)?;
        if p.coaching != Some(true) {
            p.call_sid_to_coach = None;
        }
        let target = create.call_sid_to_coach.as_ref().map(|t| t.as_str());
        coachable(conference.iter(), target, create.coaching, target)?;
        // A label is unique among the participants still in the conference.
        let taken = |q: &Participant| q.status != Some(ParticipantStatus::Completed);
        let label = p.label.as_deref();
        if let Some(label) = label
            && conference
                .iter()
                .any(|q| taken(q) && q.label.as_deref() == Some(label))
        {
            return Err(error(
                StatusCode::BAD_REQUEST,
                16025,
                format!("Participant label '{label}' is already in use in this conference"),
            ));
        }
        if create.to.as_str() == FAILING_TO {
            self.left(&path.account, room, &p, Leaving::DialFailed);
        } else {
            let join = ConferenceEventName::ParticipantJoin;
            self.events
                .emit(&path.account, &room.conference, join, &p, |e| e);
            room.participants.push(p.clone());
        }
        p.status = Some(ParticipantStatus::Queued);
        p.queue_time = Some("0".into());
        Ok(json(StatusCode::CREATED, &wire(path, &p)))
    }
}

/// The coaching rules (D6), which no schema can state: a `target` to coach
/// must be one of the `others` still in the conference, and `coaching`
/// true needs a participant to coach (`coached`, given now or before).
fn coachable<'a>(
    mut others: impl Iterator<Item = &'a Participant>,
    target: Option<&str>,
    coaching: Option<bool>,
    coached: Option<&str>,
) -> Result<(), Refused> {
    if let Some(target) = target {
        let present = others.any(|p| {
            p.status != Some(ParticipantStatus::Completed) && p.call_sid.as_deref() == Some(target)
        });
        if !present {
            return Err(error(
                StatusCode::BAD_REQUEST,
                16002,
                format!("The participant to be coached ({target}) is not in this conference"),
            ));
        }
    } else if coaching == Some(true) && coached.is_none() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            10000,
            "CallSidToCoach is required when Coaching is true".into(),
        ));
    }
    Ok(())
}

/// The events an update causes, as the providers send them: a change of
/// `muted` or `hold` has its own event; a change of anything else is
/// `participant-modify`.
fn changes(before: &Participant, after: &Participant) -> Vec<ConferenceEventName> {
    use ConferenceEventName as E;
    let mut events = Vec::new();
    match (before.muted, after.muted) {
        (a, b) if a == b => {}
        (_, Some(true)) => events.push(E::ParticipantMute),
        _ => events.push(E::ParticipantUnmute),
    }
    match (before.hold, after.hold) {
        (a, b) if a == b => {}
        (_, Some(true)) => events.push(E::ParticipantHold),
        _ => events.push(E::ParticipantUnhold),
    }
    // The hold music goes with the hold: not a modification of its own.
    let rest = |p: &Participant| Participant {
        muted: None,
        hold: None,
        hold_url: None,
        ..p.clone()
    };
    if rest(before) != rest(after) {
        events.push(E::ParticipantModify);
    }
    events
}

/// The participant after `update`: every form field set in it goes to the
/// participant's field of the same name (`HoldUrl` to `hold_url`), where
/// the participant has one; the others are accepted and not kept.
fn apply(p: &Participant, update: &impl Serialize) -> Result<Participant, Refused> {
    let internal = |e: serde_json::Error| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            10000,
            format!("The fake could not apply the form: {e}"),
        )
    };
    let mut state = serde_json::to_value(p).map_err(internal)?;
    let changes = serde_json::to_value(update).map_err(internal)?;
    for (name, value) in changes.as_object().into_iter().flatten() {
        let field = schema_field(<Participant as form::Schema>::NAME, name);
        if let (Some(field), Some(state)) = (field, state.as_object_mut()) {
            state.insert(field.to_string(), value.clone());
        }
    }
    serde_json::from_value(state).map_err(internal)
}

/// The field of `schema` (`Participant`...) a form field or query parameter
/// names: the same words, in the API's snake case (`CallSidToCoach`:
/// `call_sid_to_coach`).
fn schema_field(schema: &str, name: &str) -> Option<&'static str> {
    let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let fields = SCHEMA_FIELDS.iter().filter(|(s, ..)| *s == schema);
    fields
        .map(|(_, field, _)| *field)
        .find(|f| squash(f) == squash(name))
}

fn is(p: &Participant, call_or_label: &str) -> bool {
    p.call_sid.as_deref() == Some(call_or_label) || p.label.as_deref() == Some(call_or_label)
}

/// Whether the participant is still in its conference (not `completed`).
fn in_conference(p: &Participant) -> bool {
    p.status != Some(ParticipantStatus::Completed)
}

/// How a participant leaves, which its `participant-leave` says and, when
/// its leaving ends the conference, the `conference-end` too (the reasons
/// are the spec's, Twilio's words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaving {
    /// Kicked through the API.
    Kicked,
    /// Hung up ([`Fake::complete`]).
    HungUp,
    /// A create whose dial failed ([`FAILING_TO`]).
    DialFailed,
}

impl Leaving {
    /// The leaving participant's call status and reason.
    fn leave(self) -> (ParticipantCallStatus, ParticipantLeftReason) {
        match self {
            Leaving::Kicked => (
                ParticipantCallStatus::Completed,
                ParticipantLeftReason::ParticipantUpdatedViaApi,
            ),
            Leaving::HungUp => (
                ParticipantCallStatus::Completed,
                ParticipantLeftReason::ParticipantHungUp,
            ),
            Leaving::DialFailed => (
                ParticipantCallStatus::Failed,
                ParticipantLeftReason::ParticipantAddFailed,
            ),
        }
    }

    /// Why the conference ended when this leaving, of a participant with
    /// `EndConferenceOnExit`, ended it with others still in.
    fn ends_by_end_on_exit(self) -> (ConferenceEndedReason, &'static str) {
        match self {
            Leaving::Kicked => (
                ConferenceEndedReason::ParticipantWithEndConferenceOnExitKicked,
                "A participant with EndConferenceOnExit was kicked",
            ),
            Leaving::HungUp | Leaving::DialFailed => (
                ConferenceEndedReason::ParticipantWithEndConferenceOnExitLeft,
                "A participant with EndConferenceOnExit left",
            ),
        }
    }

    /// Why the conference ended when this leaving was the last one's.
    fn ends_as_last(self) -> (ConferenceEndedReason, &'static str) {
        match self {
            Leaving::Kicked => (
                ConferenceEndedReason::LastParticipantKicked,
                "The last participant was kicked",
            ),
            Leaving::HungUp | Leaving::DialFailed => (
                ConferenceEndedReason::LastParticipantLeft,
                "The last participant left",
            ),
        }
    }
}

/// A refused request: the error answer, ready to send. Large for a `Result`
/// error, and made at most once per request, so not boxed.
type Refused = Response;

/// What the spec says a query parameter of `operation` holds.
fn query_field(operation: Operation, name: &str) -> Option<Field> {
    let mut parameters = PARAMETERS.iter();
    let p =
        parameters.find(|p| p.operation == operation && p.location == "query" && p.name == name)?;
    Some(Field {
        kind: p.kind,
        minimum: p.minimum,
        maximum: p.maximum,
    })
}

/// A listing's filters, read from its query as the spec names them: a
/// parameter named after a field of the items (`Muted`, `FriendlyName`,
/// `Status`) keeps those whose field holds its value (an unset boolean is
/// false); a date (`DateCreated`, a day in UTC) and its bounds
/// (`x-bound-of`: `DateCreated<`, `DateCreated>`, D38) keep those of that
/// day, on or before it, on or after it. Paging parameters name no field.
struct Filters {
    /// Each field, and the value it must hold.
    equal: Vec<(&'static str, Value)>,
    /// Each date field, how its day may compare with the one given, and that day.
    dates: Vec<(&'static str, [std::cmp::Ordering; 2], chrono::NaiveDate)>,
    /// The filters as sent, for the page URIs.
    pairs: Vec<(String, String)>,
}

/// The bounds that mean "on or before" (the others mean "on or after").
const ON_OR_BEFORE: [&str; 2] = [fields::DATE_CREATED_BEFORE, fields::DATE_UPDATED_BEFORE];

impl Filters {
    /// The filters of `query` (already typed by the operation's parameters)
    /// on the items of `schema`; a date that is not `YYYY-MM-DD` is refused
    /// (10000), as Twilio refuses a date-time.
    fn read(
        operation: Operation,
        schema: &str,
        query: &Map<String, Value>,
    ) -> Result<Filters, Refused> {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let mut filters = Filters {
            equal: Vec::new(),
            dates: Vec::new(),
            pairs: Vec::new(),
        };
        let ours = || PARAMETERS.iter().filter(|p| p.operation == operation);
        for (name, value) in query {
            let bound_of = ours().find(|p| p.name == name).and_then(|p| p.bound_of);
            let base = bound_of.unwrap_or(name);
            let Some(field) = schema_field(schema, base) else {
                continue;
            };
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            let bounded = ours().any(|p| p.bound_of == Some(name.as_str()));
            if bound_of.is_some() || bounded {
                let day = text.parse().map_err(|_| {
                    let expected = "expected a day, YYYY-MM-DD (UTC)".into();
                    let (name, value) = (name.clone(), text.clone());
                    refusal(
                        10000,
                        FormError::Invalid {
                            name,
                            value,
                            expected,
                        },
                    )
                })?;
                let sides = match bound_of {
                    None => [Equal, Equal],
                    Some(_) if ON_OR_BEFORE.contains(&name.as_str()) => [Less, Equal],
                    Some(_) => [Greater, Equal],
                };
                filters.dates.push((field, sides, day));
            } else {
                filters.equal.push((field, value.clone()));
            }
            filters.pairs.push((name.clone(), text));
        }
        Ok(filters)
    }

    /// Whether `item` passes every filter.
    fn keep(&self, item: &impl Serialize) -> bool {
        let item = serde_json::to_value(item).unwrap_or_default();
        let equal = self.equal.iter().all(|(field, wanted)| {
            let got = item.get(field).filter(|v| !v.is_null());
            match wanted {
                Value::Bool(b) => got.and_then(Value::as_bool).unwrap_or(false) == *b,
                _ => got == Some(wanted),
            }
        });
        equal
            && self.dates.iter().all(|(field, sides, day)| {
                let date = item.get(field).and_then(Value::as_str);
                let at = date.and_then(|d| Rfc2822Date::new(d).instant());
                at.is_some_and(|at| sides.contains(&at.date_naive().cmp(day)))
            })
    }
}

/// Where a page sits in a listing, and the URIs it carries, as both
/// providers page: the `Page`-th slice of `PageSize` (default 50); each
/// URI has the filters, the size, the page and (past the first page) a
/// `PageToken` naming the item before it (`PA` and its id). `Page` alone
/// places a page: the token is not read back. Twilio's pages (without
/// `/api/laml`) also say where they start and end.
struct Paging {
    range: std::ops::Range<usize>,
    page: i64,
    page_size: i64,
    uri: String,
    first_page_uri: String,
    next_page_uri: Option<String>,
    previous_page_uri: Option<String>,
    start: Option<i64>,
    end: Option<i64>,
}

impl Paging {
    /// The page `query` asks for of a listing by `operation` whose items
    /// (after `filters`) have these `ids`.
    fn new(
        path: &Target,
        operation: Operation,
        filters: &Filters,
        query: &Map<String, Value>,
        ids: Vec<Option<&str>>,
    ) -> Paging {
        let number = |name: &str, default: usize| {
            let n = query.get(name).and_then(Value::as_u64);
            n.map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let (size, page) = (
            number(fields::PAGE_SIZE, DEFAULT_PAGE_SIZE).max(1),
            number(fields::PAGE, 0),
        );
        let first = page.saturating_mul(size).min(ids.len());
        let last = first.saturating_add(size).min(ids.len());
        let base = path.uri(operation, None);
        let uri = |page: usize| {
            let mut uri = url::form_urlencoded::Serializer::new(String::new());
            uri.extend_pairs(&filters.pairs);
            uri.append_pair(fields::PAGE_SIZE, &size.to_string());
            uri.append_pair(fields::PAGE, &page.to_string());
            let before = page.checked_mul(size).and_then(|n| n.checked_sub(1));
            if let Some(id) = before.and_then(|n| ids.get(n)) {
                let token = format!("PA{}", id.unwrap_or_default());
                uri.append_pair(fields::PAGE_TOKEN, &token);
            }
            format!("{base}?{}", uri.finish())
        };
        let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let twilio = !path.laml;
        Paging {
            page: as_i64(page),
            page_size: as_i64(size),
            uri: uri(page),
            first_page_uri: uri(0),
            next_page_uri: (last < ids.len()).then(|| uri(page + 1)),
            previous_page_uri: (page > 0).then(|| uri(page - 1)),
            start: twilio.then(|| as_i64(first)),
            end: twilio.then(|| as_i64(last.saturating_sub(1))),
            range: first..last,
        }
    }
}

/// One of the spec's page types (`ParticipantPage`...): its items, and
/// where it sits ([`Paging`]).
macro_rules! page {
    ($page:ident, $items:ident, $on_page:expr, $paging:expr) => {{
        let paging = $paging;
        $page {
            $items: Some($on_page.collect()),
            page: Some(paging.page),
            page_size: Some(paging.page_size),
            uri: Some(paging.uri),
            first_page_uri: Some(paging.first_page_uri),
            next_page_uri: paging.next_page_uri,
            previous_page_uri: paging.previous_page_uri,
            start: paging.start,
            end: paging.end,
        }
    }};
}
use page;

/// A form body, as the generated type: the content type must be a form (or
/// absent, for an empty body), the fields are the spec's.
fn form<T: form::Schema>(headers: &HeaderMap, body: &[u8]) -> Result<T, Refused> {
    let form = headers.typed_get::<ContentType>().is_none_or(|t| {
        let mime = mime_of(&t);
        mime.eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    if !body.is_empty() && !form {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            10000,
            "The body must be application/x-www-form-urlencoded".into(),
        ));
    }
    form::decode(body, Unknown::Refuse).map_err(|e| {
        let kind = match &e {
            FormError::Invalid { name, .. } => Field::of_schema(T::NAME, name).map(|f| f.kind),
            FormError::Shape { .. } => {
                // A required field missing: Twilio's code for it, if it has one.
                let given: Vec<_> = url::form_urlencoded::parse(body).map(|(k, _)| k).collect();
                let missing = REQUIRED.iter().find(|(name, ..)| {
                    Field::of_schema(T::NAME, name).is_some() && !given.iter().any(|k| k == name)
                });
                if let Some(&(_, code, message)) = missing {
                    return error(StatusCode::BAD_REQUEST, code, message.into());
                }
                None
            }
            FormError::Unknown { .. } => None,
        };
        let code = match kind {
            Some(Kind::Uri | Kind::UriOrEmpty) => 21402,
            // The services' code for a method field that is not GET or POST.
            Some(Kind::Schema(schemas::HTTP_METHOD)) => 13221,
            _ => 10000,
        };
        refusal(code, e)
    })
}

/// The essence of a content type (`application/x-www-form-urlencoded`,
/// without parameters such as a charset).
fn mime_of(content_type: &ContentType) -> String {
    let mime: mime::Mime = content_type.clone().into();
    mime.essence_str().to_string()
}

/// A form the spec does not allow, as the services word it: 400 with `code`.
fn refusal(code: i64, e: FormError) -> Refused {
    let message = match e {
        FormError::Unknown { name } => format!("Unknown parameter '{name}'"),
        FormError::Invalid {
            name,
            value,
            expected,
        } => format!("Invalid value '{value}' for {name}: {expected}"),
        FormError::Shape { reason } => format!("Invalid request: {reason}"),
    };
    error(StatusCode::BAD_REQUEST, code, message)
}

/// A request's target, from the path parameters the spec names: account,
/// conference (none for the account's conferences) and one participant's
/// call (or label) or one recording; and whether it came under
/// SignalWire's `/api/laml` prefix (answers then look like SignalWire's,
/// otherwise like Twilio's).
#[derive(Debug)]
struct Target {
    account: String,
    conference: String,
    id: Option<String>,
    laml: bool,
    /// The resource asked for, as a 404 names it.
    resource: String,
}

impl Target {
    fn new(params: &RawPathParams, uri: &Uri) -> Option<Target> {
        // The route's last parameter also took the `.json` of the path.
        let value = |name: &str| {
            let (_, v) = params.iter().find(|(n, _)| *n == name)?;
            Some(v.strip_suffix(".json").unwrap_or(v).to_string())
        };
        let laml = uri.path().starts_with(&format!("{LAML}/"));
        let resource = uri.path().strip_prefix(LAML).filter(|_| laml);
        let resource = resource.unwrap_or(uri.path());
        Some(Target {
            account: value(fields::ACCOUNT_SID)?,
            conference: value(fields::CONFERENCE_SID).unwrap_or_default(),
            id: value(fields::CALL_SID).or_else(|| value(fields::RECORDING_SID)),
            laml,
            resource: match resource.ends_with(".json") {
                true => resource.to_string(),
                false => format!("{resource}.json"),
            },
        })
    }

    /// The participant's call (or label) or the recording the path names.
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// The path prefix answers use: `/api/laml` or nothing.
    fn prefix(&self) -> &'static str {
        if self.laml { LAML } else { "" }
    }

    /// The path of `operation` under this prefix, with this account and
    /// conference, or `id` (a path parameter and its value) where given:
    /// the URIs answers carry, from the spec's paths.
    fn uri(&self, operation: Operation, id: Option<(&str, &str)>) -> String {
        let mut uri = format!("{}{}", self.prefix(), operation.path());
        let own = [
            (fields::ACCOUNT_SID, self.account.as_str()),
            (fields::CONFERENCE_SID, self.conference.as_str()),
        ];
        for (name, value) in id.into_iter().chain(own) {
            uri = uri.replace(&format!("{{{name}}}"), value);
        }
        uri
    }
}

/// The participant as the service answers it under this path: its
/// account, conference and URI filled in; the hold music shown only while
/// on hold.
fn wire(path: &Target, p: &Participant) -> Participant {
    let mut answer = p.clone();
    answer.account_sid = Some(path.account.clone());
    answer.conference_sid = Some(path.conference.clone());
    answer.uri = Some(format!(
        "{}/2010-04-01/Accounts/{}/Conferences/{}/Participants/{}.json",
        path.prefix(),
        path.account,
        path.conference,
        p.call_sid.as_deref().unwrap_or_default()
    ));
    if p.hold != Some(true) {
        answer.hold_url = None;
    }
    answer
}

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response()
}

fn error(status: StatusCode, code: i64, message: String) -> Response {
    let body = types::Error {
        code: Some(code),
        message: Some(message),
        more_info: Some(format!("https://www.twilio.com/docs/errors/{code}")),
        status: Some(i64::from(status.as_u16())),
        details: None,
    };
    json(status, &body)
}

fn not_found(path: &Target) -> Response {
    let what = &path.resource;
    let message = format!("The requested resource {what} was not found");
    error(StatusCode::NOT_FOUND, 20404, message)
}

/// The time now, as the services write dates.
fn now() -> Rfc2822Date {
    Rfc2822Date::new(chrono::Utc::now().to_rfc2822())
}

/// axum's own 405 (with its `Allow`) and 413, with the error body every
/// other answer has.
async fn with_error_body(response: Response) -> Response {
    let (code, message) = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            (20004, "Method not allowed on this resource".to_string())
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            10000,
            format!("The request body is larger than {BODY_LIMIT} bytes"),
        ),
        _ => return response,
    };
    let (parts, _) = response.into_parts();
    let mut answer = error(parts.status, code, message);
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// A running fake server. It stops when this value is dropped: keep it
/// for as long as clients talk to it.
#[must_use = "the fake stops when this value is dropped; keep it in a variable"]
pub struct RunningFake {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state, to inspect or change in tests.
    pub fake: Fake,
    task: tokio::task::JoinHandle<()>,
}

impl RunningFake {
    /// How to reach the demo data.
    pub fn demo(&self) -> Demo {
        Demo {
            base_url: format!("http://{}/api/laml", self.addr),
            account_sid: DEMO_ACCOUNT.into(),
            auth_token: DEMO_TOKEN.into(),
            conference_sid: DEMO_CONFERENCE.into(),
            conference_name: DEMO_CONFERENCE_NAME.into(),
            recording_sid: DEMO_RECORDING.into(),
            ended_conference_sid: DEMO_ENDED_CONFERENCE.into(),
            ended_recording_sid: DEMO_ENDED_RECORDING.into(),
            call_sids: DEMO_CALLS.iter().map(|s| s.to_string()).collect(),
            labels: DEMO_LABELS.iter().map(|s| s.to_string()).collect(),
            other_account_sid: OTHER_ACCOUNT.into(),
            other_auth_token: OTHER_TOKEN.into(),
            signing_key: DEMO_SIGNING_KEY.into(),
        }
    }

    /// Waits until the server stops (it runs until the process ends).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the seeded demo on `addr` (use port 0 for any free port). Only
/// loopback addresses are accepted: this is a test double, not a service.
pub async fn start(addr: &str) -> std::io::Result<RunningFake> {
    start_with(addr, Fake::demo()).await
}

/// Starts a server over the given state.
pub async fn start_with(addr: &str, fake: Fake) -> std::io::Result<RunningFake> {
    let wanted: SocketAddr = addr.parse().map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("invalid address {addr}: {e}"),
        )
    })?;
    if !wanted.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the fake listens on loopback only (127.0.0.1 or [::1]), not {addr}"),
        ));
    }
    let listener = tokio::net::TcpListener::bind(wanted).await?;
    let bound = listener.local_addr()?;
    let router = fake.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(RunningFake {
        addr: bound,
        fake,
        task,
    })
}
