//! Whole-conference actions: one call per listed participant, a bounded
//! number at a time, with one pause for everyone when the server asks for
//! it, and a [`Report`] that names every participant's outcome.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = signalwire_participants_fake::start("127.0.0.1:0").await?;
//! # let demo = server.demo();
//! # let client = signalwire_participants::Client::with_base_url(&demo.base_url, &demo.account_sid, demo.auth_token.as_str())?;
//! # let (conference, speaker) = (demo.conference_sid.as_str(), demo.call_sids[1].as_str());
//! // Everyone not muted yet, but the speaker.
//! let report = client.participants(conference)?.muted(false).mute_all().except(speaker).await?;
//! assert_eq!(report.succeeded_count(), 3);
//! for (call_sid, error) in report.failed() {
//!     eprintln!("{call_sid} is still unmuted: {error}");
//! }
//!
//! // Anything else, per participant: the closure gets each one's handle.
//! let report = client
//!     .participants(conference)?
//!     .for_each(|p| async move { p.retrieve().await.map(|now| now.muted) })
//!     .concurrency(2)
//!     .await?;
//! let muted = report.succeeded().filter(|(_, muted)| **muted == Some(true)).count();
//! assert_eq!(muted, 3);
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt, stream};

use crate::transport::retry::{Gate, Scope};
use crate::types::{self, UpdateParticipantRequest};
use crate::wire::ids::{call_key, parse};
use crate::{Error, ParticipantRef, Participants, Retries, spec_facts};

/// How many calls a whole-conference action has in flight unless told
/// otherwise ([`FanOut::concurrency`]).
///
/// Both providers limit an account, not a client: Twilio answers 429
/// (error 20429) once an account has more requests in flight than it allows
/// (<https://www.twilio.com/docs/api/errors/20429>) and does not publish
/// the number; SignalWire allows 13,800 writes per 10 seconds per space
/// (<https://developer.signalwire.com/platform/basics/general/signalwire-rate-limits>).
/// Every other program using the same account shares that limit, so one
/// action takes a small share of it: 10 calls at a time, at 100 to 200 ms
/// a call, mute 1,000 participants in 10 to 20 seconds, 50 to 100 writes a
/// second, a tenth of SignalWire's limit or less. Raise it for a
/// conference that large when the account has room; a 429 then slows
/// the action down rather than failing it.
pub const DEFAULT_CONCURRENCY: usize = 10;

/// How many times a participant's call is tried again, when the client has
/// no retry settings of its own ([`FanOut::retries`]).
pub const DEFAULT_RETRIES: u32 = 3;

/// How long after a participant's first try a retry may still start, when
/// the client has no retry settings of its own
/// ([`ClientConfig::retries`](crate::ClientConfig::retries) sets both).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(60);

/// What a whole-conference action does to each participant: an update
/// ([`Update`]), a kick ([`Kick`]), or a closure ([`ForEach`]).
pub trait Action<'a>: Sync {
    /// What one participant's call gives on success.
    type Output: Send;

    /// One participant's call. Each request it makes is retried under the
    /// action's policy (the crate's one retry policy), each operation as
    /// safe as it is to repeat.
    fn run(
        &self,
        participant: ParticipantRef<'a>,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// The update every participant gets ([`Participants::update_all`]).
#[derive(Clone, Debug)]
pub struct Update(UpdateParticipantRequest);

impl<'a> Action<'a> for Update {
    type Output = types::Participant;

    async fn run(&self, participant: ParticipantRef<'a>) -> Result<types::Participant, Error> {
        participant.update(&self.0).await
    }
}

/// Every participant is kicked ([`Participants::kick_all`]).
#[derive(Clone, Copy, Debug)]
pub struct Kick;

/// What a kick of a whole-conference action found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kicked {
    /// The kick removed the participant.
    Removed,
    /// The participant, listed moments before, was gone already (a 404):
    /// they left, or the conference ended (a kick of someone with
    /// `EndConferenceOnExit` ends it for everyone). What the kick was for.
    AlreadyGone,
}

impl<'a> Action<'a> for Kick {
    type Output = Kicked;

    async fn run(&self, participant: ParticipantRef<'a>) -> Result<Kicked, Error> {
        match participant.kick().await {
            Ok(()) => Ok(Kicked::Removed),
            Err(e) if e.status() == Some(404) => Ok(Kicked::AlreadyGone),
            Err(e) => Err(e),
        }
    }
}

/// A closure called with each participant ([`Participants::for_each`]).
#[derive(Clone, Debug)]
pub struct ForEach<F>(F);

impl<'a, F, Fut, T> Action<'a> for ForEach<F>
where
    F: Fn(ParticipantRef<'a>) -> Fut + Sync,
    Fut: Future<Output = Result<T, Error>> + Send,
    T: Send,
{
    type Output = T;

    fn run(
        &self,
        participant: ParticipantRef<'a>,
    ) -> impl Future<Output = Result<T, Error>> + Send {
        (self.0)(participant)
    }
}

impl<'a> Participants<'a> {
    /// Mutes every listed participant (`Muted=true`). Add `.muted(false)`
    /// first to leave out those already muted.
    pub fn mute_all(self) -> FanOut<'a, Update> {
        self.update_all(&UpdateParticipantRequest::mute())
    }

    /// Unmutes every listed participant (`Muted=false`).
    pub fn unmute_all(self) -> FanOut<'a, Update> {
        self.update_all(&UpdateParticipantRequest::unmute())
    }

    /// Applies `changes` to every listed participant.
    pub fn update_all(self, changes: &UpdateParticipantRequest) -> FanOut<'a, Update> {
        FanOut::new(self, Update(changes.clone()))
    }

    /// Kicks every listed participant: the conference ends for everyone
    /// (unless `.except` keeps someone in).
    pub fn kick_all(self) -> FanOut<'a, Kick> {
        FanOut::new(self, Kick)
    }

    /// Calls `action` with each listed participant's handle, a bounded
    /// number at a time; the [`Report`] keeps what each call gave.
    pub fn for_each<F, Fut, T>(self, action: F) -> FanOut<'a, ForEach<F>>
    where
        F: Fn(ParticipantRef<'a>) -> Fut + Sync,
        Fut: Future<Output = Result<T, Error>> + Send,
        T: Send,
    {
        FanOut::new(self, ForEach(action))
    }
}

/// A whole-conference action, ready to run: `.await` it (or call
/// [`run`](Self::run)).
///
/// 1. The participants are listed first, every page, with the filters of the
///    [`Participants`] handle (in pages of the largest size the spec allows,
///    unless `.page_size` was set). Acting while paging could skip
///    participants, as a kick moves the later ones to earlier pages. A
///    listing that fails is the `Err` of the action, and nothing was done.
///    A participant listed twice (someone joined while the pages were
///    read, and the pages shifted) is acted on once.
/// 2. Each one but those [`except`](Self::except)ed gets one call, at most
///    [`concurrency`](Self::concurrency) at a time. A failure never stops
///    the others.
/// 3. Each call is retried under the crate's one retry policy (the crate
///    README's "Retries"), with the client's retry settings, or else
///    [`DEFAULT_RETRIES`] retries within [`DEFAULT_BUDGET`]
///    ([`retries`](Self::retries) changes the count). What the action adds
///    is one pause for everyone: an answer with `Retry-After` (429, 503), or
///    a 429 without it, holds back every call not yet sent, not only the one
///    that got it, until the time it names (or the backoff's). Calls already
///    in flight finish as they are. A wait past the budget gives up on that
///    participant at once, with its error.
#[must_use = "a whole-conference action does nothing until it is awaited"]
pub struct FanOut<'a, A> {
    participants: Participants<'a>,
    action: A,
    except: Vec<String>,
    concurrency: usize,
    retries: Option<u32>,
}

impl<A: std::fmt::Debug> std::fmt::Debug for FanOut<'_, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FanOut")
            .field("conference_sid", &self.participants.conference_sid)
            .field("action", &self.action)
            .field("except", &self.except)
            .field("concurrency", &self.concurrency)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Action<'a>> FanOut<'a, A> {
    fn new(participants: Participants<'a>, action: A) -> Self {
        FanOut {
            participants,
            action,
            except: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            retries: None,
        }
    }

    /// Leaves this participant out: its call id (compared as the spec's
    /// call ids compare, hex digits in either case) or its label (exactly);
    /// call it once for each. One that matches nobody listed is reported
    /// ([`Report::unmatched_exceptions`]).
    pub fn except(mut self, call_sid_or_label: impl AsRef<str>) -> Self {
        self.except.push(call_sid_or_label.as_ref().to_string());
        self
    }

    /// At most `n` calls in flight (0 counts as 1). The default is
    /// [`DEFAULT_CONCURRENCY`], which says why.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// How many times one participant's call is tried again (0: never).
    /// Unset: the client's retry settings, or [`DEFAULT_RETRIES`].
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }

    /// Lists, then acts on each participant: see [`FanOut`]. `Err` only if
    /// the listing failed.
    pub async fn run(self) -> Result<Report<A::Output>, Error> {
        let FanOut {
            participants,
            action,
            except,
            concurrency,
            retries,
        } = self;
        let (client, conference) = (participants.client, participants.conference_sid.clone());
        let configured = client.inner.retries;
        let policy = Retries {
            attempts: retries
                .map(|n| n.saturating_add(1))
                .or(configured.map(|r| r.attempts))
                .unwrap_or(DEFAULT_RETRIES + 1),
            budget: configured.map_or(DEFAULT_BUDGET, |r| r.budget),
        };
        let participants = match (participants.page_size_set, largest_page()) {
            (false, Some(size)) => participants.page_size(size),
            _ => participants,
        };
        let listed: Vec<types::Participant> = participants.stream().try_collect().await?;
        let mut matched = vec![false; except.len()];
        let mut seen = HashSet::new();
        let (mut targets, mut skipped) = (Vec::new(), Vec::new());
        for p in listed {
            let name = p.call_sid.clone().or(p.label.clone()).unwrap_or_default();
            if !seen.insert(call_key(&name).into_owned()) {
                continue;
            }
            let mut kept = true;
            for (x, matched) in except.iter().zip(&mut matched) {
                let by_call = p
                    .call_sid
                    .as_deref()
                    .is_some_and(|c| call_key(c) == call_key(x));
                if by_call || p.label.as_deref() == Some(x.as_str()) {
                    (*matched, kept) = (true, false);
                }
            }
            match kept {
                true => targets.push(name),
                false => skipped.push(name),
            }
        }
        let unmatched = (except.into_iter().zip(matched))
            .filter_map(|(x, matched)| (!matched).then_some(x))
            .collect();
        let gate = Arc::new(Gate::default());
        let scope = Scope {
            policy,
            gate: gate.clone(),
        };
        // The account and the conference are checked once; each call id once.
        let account: types::AccountSid = parse(&client.inner.account_sid)?;
        let one = |(index, call_sid): (usize, String)| {
            let (action, scope) = (&action, scope.clone());
            let ids = (account.clone(), conference.clone());
            async move {
                let outcome = match parse::<types::CallSid>(&call_sid) {
                    Ok(call) => {
                        let participant = ParticipantRef::checked(client, ids.0, ids.1, call);
                        scope.run(action.run(participant)).await
                    }
                    Err(e) => Err(e),
                };
                (index, call_sid, outcome)
            }
        };
        let mut outcomes: Vec<_> = stream::iter(targets.into_iter().enumerate())
            .map(one)
            .buffer_unordered(concurrency)
            .collect()
            .await;
        outcomes.sort_unstable_by_key(|(index, ..)| *index);
        Ok(Report {
            outcomes: outcomes.into_iter().map(|(_, c, o)| (c, o)).collect(),
            skipped,
            unmatched,
            pauses: gate.pauses(),
        })
    }
}

impl<'a, A> IntoFuture for FanOut<'a, A>
where
    A: Action<'a> + Send + 'a,
{
    type Output = Result<Report<A::Output>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// The largest page the spec allows a listing (PageSize's maximum).
fn largest_page() -> Option<u64> {
    let mut parameters = spec_facts::PARAMETERS.iter();
    let list = spec_facts::Operation::ListParticipants;
    let size =
        parameters.find(|p| p.operation == list && p.name == spec_facts::fields::PAGE_SIZE)?;
    size.maximum.and_then(|n| u64::try_from(n).ok())
}

/// What a whole-conference action did: each participant's outcome, in the
/// order they were listed. `T` is what one call gives: the participant
/// after an update, `()` for a kick, the closure's value for `for_each`.
#[derive(Debug)]
pub struct Report<T> {
    outcomes: Vec<(String, Result<T, Error>)>,
    skipped: Vec<String>,
    unmatched: Vec<String>,
    pauses: usize,
}

impl<T> Report<T> {
    /// The participants whose call succeeded: call id (or label) and result.
    pub fn succeeded(&self) -> impl Iterator<Item = (&str, &T)> {
        let ok = self.outcomes.iter();
        ok.filter_map(|(c, o)| Some((c.as_str(), o.as_ref().ok()?)))
    }

    /// The participants whose call failed, each with its last error.
    pub fn failed(&self) -> impl Iterator<Item = (&str, &Error)> {
        let failed = self.outcomes.iter();
        failed.filter_map(|(c, o)| Some((c.as_str(), o.as_ref().err()?)))
    }

    /// How many calls succeeded.
    pub fn succeeded_count(&self) -> usize {
        self.succeeded().count()
    }

    /// How many calls failed.
    pub fn failed_count(&self) -> usize {
        self.failed().count()
    }

    /// Whether every participant acted on succeeded (also when there was
    /// nobody to act on).
    pub fn all_succeeded(&self) -> bool {
        self.failed().next().is_none()
    }

    /// The participants listed and left out by `.except`.
    pub fn skipped(&self) -> impl Iterator<Item = &str> {
        self.skipped.iter().map(String::as_str)
    }

    /// The `.except` values that matched nobody listed (a typo, or someone
    /// who had left): nobody was left out for them.
    pub fn unmatched_exceptions(&self) -> impl Iterator<Item = &str> {
        self.unmatched.iter().map(String::as_str)
    }

    /// How many answers paused the whole action (429s, `Retry-After`s).
    pub fn pauses(&self) -> usize {
        self.pauses
    }

    /// Every outcome, in listing order: call id (or label) and result.
    pub fn into_outcomes(self) -> Vec<(String, Result<T, Error>)> {
        self.outcomes
    }
}
