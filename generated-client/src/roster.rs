//! Who is in a conference, kept from its verified events
//! ([`crate::events`]) and, when wanted, a listing: see [`Roster`].

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::error::parse;
use crate::types::{self, ConferenceEvent, ConferenceEventName as Name};

/// A conference's participants and their muted, hold and coaching state,
/// folded from its status callbacks ([`apply`](Self::apply)) and seeded or
/// corrected from a listing ([`from_participants`](Self::from_participants),
/// [`reconcile`](Self::reconcile)).
///
/// Callbacks can arrive late, out of order, or twice. The rules:
///
/// - **Order.** An event with a `SequenceNumber` changes a participant's
///   presence, `muted`, `hold` or `coaching` only if no change with a
///   higher number has been applied to that field of that participant:
///   each field keeps the number of the change that set it, so a late
///   event never undoes newer state, and still sets the fields nothing
///   newer has touched. An event without a number (SignalWire does not
///   document one) is applied in the order it arrives.
/// - **Duplicates.** An event whose `SequenceNumber` was seen before is
///   ignored.
/// - **What an event says.** `participant-join` and every other event about
///   a participant but `participant-leave` mean that they are in;
///   `participant-leave` that they are not; `conference-end` that nobody
///   is. The event's `Muted`, `Hold` and `Coaching` give those fields
///   (`participant-mute`, `-unmute`, `-hold` and `-unhold` without the field
///   give it too).
/// - **A listing against events.** A listing is dated by the events seen
///   when it is reconciled: it is newer than every event numbered up to
///   the highest number seen so far, and older than any numbered above it.
///   So it overrides what those earlier events said (and a late one among
///   them changes nothing it set), and a newer event overrides it. Whoever
///   the listing does not show is out, as of the listing. Reconcile with a
///   whole listing (no `muted`/`hold` filter), fetched after the events
///   seen so far: subscribe first, list, then reconcile.
/// - Events of another conference are ignored.
///
/// It remembers every `SequenceNumber` it has seen (8 bytes each), to know
/// a repeat; a conference's events number in the hundreds or thousands.
///
/// ```
/// use signalwire_participants::roster::{Outcome, Roster};
/// use signalwire_participants::types::ConferenceEvent;
///
/// let event = |body: &str| ConferenceEvent::from_form(body.as_bytes()).unwrap();
/// let conference = "CF0123456789abcdef0123456789abcdef";
/// let head = format!("AccountSid=AC0123456789abcdef0123456789abcdef&ConferenceSid={conference}");
/// let alice = "CA0123456789abcdef0123456789abcdef";
///
/// let mut roster = Roster::new(conference)?;
/// let join = event(&format!("{head}&StatusCallbackEvent=participant-join&CallSid={alice}&Muted=false&SequenceNumber=1"));
/// let mute = event(&format!("{head}&StatusCallbackEvent=participant-mute&CallSid={alice}&Muted=true&SequenceNumber=3"));
/// let unmute = event(&format!("{head}&StatusCallbackEvent=participant-unmute&CallSid={alice}&Muted=false&SequenceNumber=2"));
/// assert_eq!(roster.apply(&join), Outcome::Applied);
/// assert_eq!(roster.apply(&mute), Outcome::Applied);
/// // Late: number 2 arrives after number 3, and changes nothing.
/// assert_eq!(roster.apply(&unmute), Outcome::Stale);
/// assert_eq!(roster.apply(&mute), Outcome::Duplicate);
/// assert_eq!(roster.get(alice).and_then(|p| p.muted), Some(true));
/// # Ok::<(), signalwire_participants::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Roster {
    conference_sid: types::ConferenceSid,
    entries: BTreeMap<String, Entry>,
    /// Every `SequenceNumber` applied (or found stale), to refuse repeats.
    seen: BTreeSet<i64>,
    /// The date of the latest listing or `conference-end`: whoever has no
    /// entry yet was out as of then.
    floor: Option<Stamp>,
    ended: bool,
}

/// One participant as the roster has them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Member {
    /// The call id (the events' `CallSid`, the listing's `call_sid`).
    pub call_sid: String,
    /// The participant's label, when an event or the listing gave one.
    pub label: Option<String>,
    /// Whether they are muted (`None`: nothing said so yet).
    pub muted: Option<bool>,
    /// Whether they are on hold.
    pub hold: Option<bool>,
    /// Whether they are coaching (Twilio).
    pub coaching: Option<bool>,
}

/// What [`Roster::apply`] did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It changed or confirmed at least one field.
    Applied,
    /// Every field it speaks of was set by something newer.
    Stale,
    /// Its `SequenceNumber` was seen before.
    Duplicate,
    /// It is about another conference.
    OtherConference,
    /// It says nothing about who is in or their state (`conference-start`,
    /// a recording event, a participant event without `CallSid`).
    Ignored,
}

/// When a value was set: by the numbered event `sequence`, or (`listing`)
/// by a listing reconciled when `sequence` was the highest number seen.
/// Ordered by number, then a listing after the event of its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Stamp {
    sequence: i64,
    listing: bool,
}

#[derive(Clone, Debug)]
struct Entry {
    member: Member,
    present: bool,
    /// The stamps of presence, muted, hold and coaching.
    stamps: [Option<Stamp>; 4],
}

const PRESENT: usize = 0;
const MUTED: usize = 1;
const HOLD: usize = 2;
const COACHING: usize = 3;

impl Entry {
    fn new(call_sid: &str, floor: Option<Stamp>) -> Self {
        Entry {
            member: Member {
                call_sid: call_sid.to_string(),
                label: None,
                muted: None,
                hold: None,
                coaching: None,
            },
            present: false,
            stamps: [floor; 4],
        }
    }

    /// Sets field `which` to `value` unless something newer set it; an
    /// unnumbered change (`at` None) always applies. Whether it applied.
    fn set(&mut self, which: usize, value: bool, at: Option<Stamp>) -> bool {
        if let (Some(new), Some(old)) = (at, self.stamps[which])
            && new < old
        {
            return false;
        }
        if at.is_some() {
            self.stamps[which] = at;
        }
        let m = &mut self.member;
        match which {
            PRESENT => self.present = value,
            MUTED => m.muted = Some(value),
            HOLD => m.hold = Some(value),
            _ => m.coaching = Some(value),
        }
        true
    }
}

impl Roster {
    /// An empty roster of one conference (its id as the events give it).
    pub fn new(conference_sid: &str) -> Result<Self, Error> {
        Ok(Roster {
            conference_sid: parse(conference_sid)?,
            entries: BTreeMap::new(),
            seen: BTreeSet::new(),
            floor: None,
            ended: false,
        })
    }

    /// A roster seeded from a listing of the conference (every page:
    /// `client.participants(id)?.stream().try_collect()`), then kept by
    /// events; see [`reconcile`](Self::reconcile).
    pub fn from_participants(
        conference_sid: &str,
        listed: impl IntoIterator<Item = types::Participant>,
    ) -> Result<Self, Error> {
        let mut roster = Roster::new(conference_sid)?;
        roster.reconcile(listed);
        Ok(roster)
    }

    /// Takes a whole listing as the state as of now, dated by the highest
    /// `SequenceNumber` seen so far (see the rules on [`Roster`]): it
    /// overrides what older events said, and newer ones override it.
    /// Participants without a `call_sid` are skipped.
    pub fn reconcile(&mut self, listed: impl IntoIterator<Item = types::Participant>) {
        let at = Some(Stamp {
            sequence: self.seen.last().copied().unwrap_or(0),
            listing: true,
        });
        self.floor = self.floor.max(at);
        let mut shown = BTreeSet::new();
        for p in listed {
            let Some(call) = p.call_sid else { continue };
            let entry = self.entry(&call);
            entry.set(PRESENT, true, at);
            let fields = [(MUTED, p.muted), (HOLD, p.hold), (COACHING, p.coaching)];
            for (which, value) in fields {
                if let Some(value) = value {
                    entry.set(which, value, at);
                }
            }
            if p.label.is_some() {
                entry.member.label = p.label;
            }
            shown.insert(call);
        }
        for (call, entry) in &mut self.entries {
            if !shown.contains(call) {
                entry.set(PRESENT, false, at);
            }
        }
    }

    /// Folds one verified event in (see the rules on [`Roster`]).
    pub fn apply(&mut self, event: &ConferenceEvent) -> Outcome {
        if event.conference_sid != self.conference_sid {
            return Outcome::OtherConference;
        }
        if let Some(n) = event.sequence_number
            && !self.seen.insert(n)
        {
            return Outcome::Duplicate;
        }
        let at = event.sequence_number.map(|sequence| Stamp {
            sequence,
            listing: false,
        });
        let name = &event.status_callback_event;
        if *name == Name::ConferenceEnd {
            self.ended = true;
            self.floor = self.floor.max(at);
            let mut applied = false;
            for entry in self.entries.values_mut() {
                applied |= entry.set(PRESENT, false, at);
            }
            // Nobody was in: the end still applied.
            return match applied || self.entries.is_empty() {
                true => Outcome::Applied,
                false => Outcome::Stale,
            };
        }
        let Some(call) = event.call_sid.as_deref() else {
            return Outcome::Ignored;
        };
        let muted = event.muted.or(match name {
            Name::ParticipantMute => Some(true),
            Name::ParticipantUnmute => Some(false),
            _ => None,
        });
        let hold = event.hold.or(match name {
            Name::ParticipantHold => Some(true),
            Name::ParticipantUnhold => Some(false),
            _ => None,
        });
        let present = *name != Name::ParticipantLeave;
        let entry = self.entry(call);
        let mut applied = entry.set(PRESENT, present, at);
        let fields = [(MUTED, muted), (HOLD, hold), (COACHING, event.coaching)];
        for (which, value) in fields {
            if let Some(value) = value {
                applied |= entry.set(which, value, at);
            }
        }
        if let Some(label) = &event.participant_label {
            entry.member.label = Some(label.clone());
        }
        match applied {
            true => Outcome::Applied,
            false => Outcome::Stale,
        }
    }

    fn entry(&mut self, call_sid: &str) -> &mut Entry {
        let floor = self.floor;
        self.entries
            .entry(call_sid.to_string())
            .or_insert_with(|| Entry::new(call_sid, floor))
    }

    /// The conference this roster is of.
    pub fn conference_sid(&self) -> &str {
        &self.conference_sid
    }

    /// Who is in the conference, by call id.
    pub fn participants(&self) -> impl Iterator<Item = &Member> {
        self.entries
            .values()
            .filter(|e| e.present)
            .map(|e| &e.member)
    }

    /// One participant who is in, by call id or label.
    pub fn get(&self, call_sid_or_label: &str) -> Option<&Member> {
        self.participants().find(|m| {
            m.call_sid == call_sid_or_label || m.label.as_deref() == Some(call_sid_or_label)
        })
    }

    /// How many are in.
    pub fn len(&self) -> usize {
        self.participants().count()
    }

    /// Whether nobody is in.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a `conference-end` was applied.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The highest `SequenceNumber` seen.
    pub fn last_sequence(&self) -> Option<i64> {
        self.seen.last().copied()
    }
}
